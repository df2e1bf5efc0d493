//! The reliability review's exports under `reliability/`: `reliability.json` and one
//! CSV file per table (docs/reliability.md is their column and field reference), all
//! from [`Reliability`], derived once per build.
//!
//! CSV: RFC 4180 (comma, CRLF, fields quoted only when needed, quotes doubled), UTF-8
//! without a byte-order mark, a header row, empty cells for "no figure". Text that came
//! from content (titles, actions, owners, causes) and starts with `=`, `+`, `-`, `@`, a
//! tab or a carriage return gets a leading `'`, so a spreadsheet never runs it as a
//! formula (OWASP's "CSV injection"); numbers and dates are never altered.

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};
use rayon::prelude::*;
use serde::Serialize;

use crate::files::OutputFile;
use crate::model::reliability::{
    Availability, CHECKIN_DAYS, CauseSummary, ComponentSummary, FIX_WINDOW_DAYS, Granularity,
    IncidentFigures, ListCounts, Lists, Period, Reliability, WindowFigures,
};
use crate::render::json::json_compact_text;

/// The directory of the page and its exports.
pub const DIR: &str = "reliability";

/// The CSV files, in the order the page lists them, with the catalog key of what each
/// holds (docs/i18n.md).
pub const CSV_FILES: &[(&str, &str)] = &[
    ("periods.csv", "reliability_file_periods"),
    ("availability.csv", "reliability_file_availability"),
    ("components.csv", "reliability_file_components"),
    ("causes.csv", "reliability_file_causes"),
    ("actions.csv", "reliability_file_actions"),
    ("checkins.csv", "reliability_file_checkins"),
    ("fixes.csv", "reliability_file_fixes"),
];

/// `reliability.json`: the figures. The per-row lists (actions, check-ins, fixes) are
/// only in their CSV files, which `files` names: on a site with thousands of incidents
/// they are tens of MB as JSON (a first version that wrote them to both made the 10k
/// build 46 % slower).
#[derive(Serialize)]
struct Document<'a> {
    generated_at: String,
    timezone: &'a str,
    fix_window_days: u64,
    checkin_days: [u64; 3],
    granularity: Granularity,
    periods: &'a [Period],
    totals: &'a IncidentFigures,
    components: &'a [ComponentSummary],
    causes: &'a [CauseSummary],
    counts: ListCounts,
    undated_fixes: &'a [String],
    files: Vec<&'static str>,
}

/// `reliability/reliability.json` and the CSV files.
pub fn render_exports(
    r: &Reliability,
    lists: &Lists,
    timezone: &str,
    now: DateTime<Utc>,
) -> Vec<OutputFile> {
    let doc = Document {
        generated_at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
        timezone,
        fix_window_days: FIX_WINDOW_DAYS,
        checkin_days: CHECKIN_DAYS,
        granularity: r.granularity,
        periods: &r.periods,
        totals: &r.totals,
        components: &r.components,
        causes: &r.causes,
        counts: r.counts,
        undated_fixes: &r.undated_fixes,
        files: CSV_FILES.iter().map(|(name, _)| *name).collect(),
    };
    let tables: [Table; 7] = [
        periods,
        availability,
        components,
        causes,
        actions,
        checkins,
        fixes,
    ];
    // The JSON document and each CSV file are independent: render them side by side.
    let (json, csvs) = rayon::join(
        || json_compact_text(&doc),
        || {
            CSV_FILES
                .par_iter()
                .zip(tables)
                .map(|((name, _), table)| OutputFile::new(format!("{DIR}/{name}"), table(r, lists)))
                .collect::<Vec<_>>()
        },
    );
    let mut files: Vec<OutputFile> = json
        .map(|j| OutputFile::new(format!("{DIR}/reliability.json"), j))
        .into_iter()
        .collect();
    files.extend(csvs);
    files
}

/// Builds the rows of one CSV file, header first.
type Table = fn(&Reliability, &Lists) -> String;

/// A CSV file written a cell at a time, straight into its text: the rows of a site with
/// thousands of incidents are never held as cells. Written here rather than with the
/// `csv` crate (which the importer uses to read): RFC 4180 output is a few lines, and
/// the crate's per-byte quoting check over every number cost the 10k build about 3 %
/// of its instructions (BENCHMARKS.md).
struct CsvOut {
    text: String,
    /// No cell written yet in the current row.
    row_start: bool,
    /// Rows ended so far, the header included.
    rows: usize,
    /// Data rows to come, when known.
    expected: usize,
    header_len: usize,
}

impl CsvOut {
    fn new<'h>(header: impl IntoIterator<Item = &'h str>) -> CsvOut {
        let mut out = CsvOut {
            text: String::new(),
            row_start: true,
            rows: 0,
            expected: 0,
            header_len: 0,
        };
        for name in header {
            out.plain(name);
        }
        out.end();
        out
    }

    fn separate(&mut self) {
        if !std::mem::replace(&mut self.row_start, false) {
            self.text.push(',');
        }
    }

    /// A number, a date or a yes/no: never needs quotes.
    fn num(&mut self, v: impl Cell) -> &mut Self {
        self.separate();
        v.write(&mut self.text);
        self
    }

    /// An empty cell for "no figure".
    fn opt(&mut self, v: Option<impl Cell>) -> &mut Self {
        match v {
            Some(v) => self.num(v),
            None => self.plain(""),
        }
    }

    /// Text the build chose (ids, words): quoted when it holds a comma, a quote or a
    /// line break, quotes doubled (RFC 4180).
    fn plain(&mut self, s: &str) -> &mut Self {
        self.separate();
        // Branch-free, so titles and actions are scanned with vector instructions.
        let special =
            |acc: bool, &b: &u8| acc | (b == b',') | (b == b'"') | (b == b'\r') | (b == b'\n');
        if s.as_bytes().iter().fold(false, special) {
            self.text.push('"');
            self.text.push_str(&s.replace('"', "\"\""));
            self.text.push('"');
        } else {
            self.text.push_str(s);
        }
        self
    }

    /// Text from content: a leading `'` when a spreadsheet would read it as a formula.
    fn text(&mut self, s: &str) -> &mut Self {
        if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            self.plain(&format!("'{s}"))
        } else {
            self.plain(s)
        }
    }

    /// Ends the row.
    fn end(&mut self) {
        self.text.push_str("\r\n");
        self.row_start = true;
        self.rows += 1;
        // Sized once from the first data row rather than grown by doubling: a list file
        // of a big site is megabytes, and every doubling copies it into fresh pages.
        if self.rows == 1 {
            self.header_len = self.text.len();
        } else if self.rows == 2 && self.expected > 1 {
            let row = self.text.len() - self.header_len;
            self.text.reserve(row * (self.expected - 1) * 9 / 8);
        }
    }

    /// Tells how many data rows will follow the header.
    fn expecting(mut self, rows: usize) -> Self {
        self.expected = rows;
        self
    }

    fn finish(mut self) -> String {
        // Held until the write stage: without the growth slack.
        self.text.shrink_to_fit();
        self.text
    }
}

/// A value of a CSV cell. Fixes lists on a site with thousands of incidents have
/// hundreds of thousands of numbers and dates, so each is written without `fmt`'s
/// machinery where a faster route prints the same text.
trait Cell {
    fn write(&self, out: &mut String);
}

impl Cell for usize {
    fn write(&self, out: &mut String) {
        out.push_str(itoa::Buffer::new().format(*self));
    }
}

impl Cell for u64 {
    fn write(&self, out: &mut String) {
        out.push_str(itoa::Buffer::new().format(*self));
    }
}

impl Cell for bool {
    fn write(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

/// As `Display` prints it (shortest text that reads back as the same number, no
/// exponent): ryu gives the same digits, with `.0` on whole numbers and an exponent
/// for very large or small ones, where `Display` is used instead.
impl Cell for f64 {
    fn write(&self, out: &mut String) {
        let mut b = ryu::Buffer::new();
        let text = b.format(*self);
        if !self.is_finite() || text.contains('e') {
            use std::fmt::Write;
            let _ = write!(out, "{self}");
        } else {
            out.push_str(text.strip_suffix(".0").unwrap_or(text));
        }
    }
}

/// `YYYY-MM-DD`, as `Display` prints dates of years 0 to 9999.
impl Cell for NaiveDate {
    fn write(&self, out: &mut String) {
        let (y, m, d) = (self.year(), self.month(), self.day());
        if !(0..=9999).contains(&y) {
            use std::fmt::Write;
            let _ = write!(out, "{self}");
            return;
        }
        let digit = |n: u32| b'0' + (n % 10) as u8;
        let y = y as u32;
        let text = [
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            b'-',
            digit(m / 10),
            digit(m),
            b'-',
            digit(d / 10),
            digit(d),
        ];
        out.push_str(std::str::from_utf8(&text).unwrap_or_default());
    }
}

const FIGURE_COLUMNS: &[&str] = &[
    "incidents",
    "impact_none",
    "impact_minor",
    "impact_major",
    "impact_critical",
    "resolved",
    "mttd_mean_seconds",
    "mttd_median_seconds",
    "mttr_mean_seconds",
    "mttr_median_seconds",
    "repeated",
    "recurrence_rate",
];

fn figure_cells(out: &mut CsvOut, f: &IncidentFigures) {
    out.num(f.incidents)
        .num(f.by_impact.none)
        .num(f.by_impact.minor)
        .num(f.by_impact.major)
        .num(f.by_impact.critical)
        .num(f.resolved)
        .opt(f.mttd_mean_seconds)
        .opt(f.mttd_median_seconds)
        .opt(f.mttr_mean_seconds)
        .opt(f.mttr_median_seconds)
        .num(f.repeated)
        .opt(f.recurrence_rate);
}

fn with_figures<'h>(first: &'h [&str], last: &'h [&str]) -> impl Iterator<Item = &'h str> {
    first.iter().chain(FIGURE_COLUMNS).chain(last).copied()
}

fn periods(r: &Reliability, _: &Lists) -> String {
    let mut out = CsvOut::new(with_figures(
        &["period", "first_day", "last_day"],
        &[
            "slo_breaches",
            "actions_opened",
            "actions_closed",
            "actions_overdue",
            "checkins_due",
            "checkins_missed",
        ],
    ));
    for p in &r.periods {
        out.plain(&p.label).num(p.first_day).num(p.last_day);
        figure_cells(&mut out, &p.figures);
        let a = &p.actions;
        out.num(p.slo_breaches)
            .num(a.opened)
            .num(a.closed)
            .num(a.overdue)
            .num(a.checkins_due)
            .num(a.checkins_missed)
            .end();
    }
    out.finish()
}

fn availability_cells(out: &mut CsvOut, a: Option<&Availability>) {
    match a {
        Some(a) => out.opt(a.uptime).num(a.downtime_minutes).num(a.breach),
        None => out.plain("").plain("").plain(""),
    };
}

fn availability(r: &Reliability, _: &Lists) -> String {
    let mut out = CsvOut::new([
        "period",
        "component",
        "slo",
        "uptime",
        "downtime_minutes",
        "breach",
    ]);
    for p in &r.periods {
        for a in &p.components {
            out.plain(&p.label).plain(&a.id).num(a.slo);
            availability_cells(&mut out, Some(a));
            out.end();
        }
    }
    out.finish()
}

fn components(r: &Reliability, _: &Lists) -> String {
    let mut out = CsvOut::new(with_figures(
        &["component", "name", "slo"],
        &["uptime_all", "breached_periods"],
    ));
    for c in &r.components {
        out.plain(&c.id).text(&c.name).num(c.slo);
        figure_cells(&mut out, &c.figures);
        out.opt(c.uptime_all).num(c.breached_periods).end();
    }
    out.finish()
}

fn causes(r: &Reliability, _: &Lists) -> String {
    let mut out = CsvOut::new(with_figures(&["cause", "first_seen", "last_seen"], &[]));
    for c in &r.causes {
        out.text(&c.cause).num(c.first_seen).num(c.last_seen);
        figure_cells(&mut out, &c.figures);
        out.end();
    }
    out.finish()
}

fn actions(r: &Reliability, lists: &Lists) -> String {
    let mut out = CsvOut::new([
        "incident",
        "incident_title",
        "opened",
        "what",
        "owner",
        "due",
        "status",
        "done",
        "overdue",
    ])
    .expecting(r.counts.actions);
    for a in lists.actions() {
        out.plain(a.incident)
            .text(a.incident_title)
            .num(a.opened)
            .text(a.what)
            .text(a.owner.unwrap_or(""))
            .opt(a.due)
            .plain(a.status.as_str())
            .opt(a.done)
            .num(a.overdue)
            .end();
    }
    out.finish()
}

fn checkins(r: &Reliability, lists: &Lists) -> String {
    let mut out = CsvOut::new([
        "incident",
        "incident_title",
        "days",
        "date",
        "state",
        "open_actions",
    ])
    .expecting(r.counts.checkins);
    for c in lists.checkins() {
        out.plain(c.incident)
            .text(c.incident_title)
            .num(c.days)
            .num(c.date)
            .plain(c.state.as_str())
            .num(c.open_actions)
            .end();
    }
    out.finish()
}

fn side_cells(out: &mut CsvOut, w: &WindowFigures) {
    figure_cells(out, &w.figures);
    availability_cells(out, w.availability.as_ref());
}

fn fixes(r: &Reliability, lists: &Lists) -> String {
    let mut header: Vec<String> = [
        "incident",
        "completed",
        "before_first",
        "before_last",
        "after_first",
        "after_last",
        "after_complete",
        "scope",
        "key",
    ]
    .map(String::from)
    .to_vec();
    for side in ["before", "after"] {
        for c in FIGURE_COLUMNS
            .iter()
            .chain(&["uptime", "downtime_minutes", "breach"])
        {
            header.push(format!("{side}_{c}"));
        }
    }
    // A row per affected component and cause: about two per fix.
    let mut out = CsvOut::new(header.iter().map(String::as_str)).expecting(r.counts.fixes * 2);
    for f in lists.fixes() {
        let scoped = f
            .components
            .iter()
            .map(|c| ("component", c))
            .chain(f.cause.iter().map(|c| ("cause", c)));
        for (scope, ba) in scoped {
            out.plain(&f.incident)
                .num(f.completed)
                .num(f.before_first)
                .num(f.before_last)
                .num(f.after_first)
                .num(f.after_last)
                .num(f.after_complete)
                .plain(scope)
                .text(&ba.key);
            side_cells(&mut out, &ba.before);
            side_cells(&mut out, &ba.after);
            out.end();
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_print_as_display_does() {
        let mut out = String::new();
        for v in [
            0.0,
            -0.0,
            1.0,
            0.1,
            351.11111111111114,
            99.99999999999,
            1e15,
            1e16,
            1e-5,
            4e-7,
        ] {
            out.clear();
            v.write(&mut out);
            assert_eq!(out, v.to_string(), "{v:?}");
        }
        for d in [
            NaiveDate::MIN,
            NaiveDate::MAX,
            NaiveDate::from_ymd_opt(7, 1, 9).unwrap(),
        ] {
            out.clear();
            d.write(&mut out);
            assert_eq!(out, d.to_string());
        }
    }

    #[test]
    fn csv_is_rfc4180_and_guards_formulas() {
        let mut out = CsvOut::new(["a", "b"]);
        out.text("=HYPERLINK(\"x\")")
            .text("plain, with comma")
            .end();
        out.text("-5 users").num(-1.5).end();
        out.num(180.0).num(1e-7).num(2.5e20).num(0.1 + 0.2).end();
        out.text("line\nbreak").text("@owner").end();
        out.opt(None::<f64>).plain("-1").end();
        assert_eq!(
            out.finish(),
            "a,b\r\n\"'=HYPERLINK(\"\"x\"\")\",\"plain, with comma\"\r\n'-5 users,-1.5\r\n180,0.0000001,250000000000000000000,0.30000000000000004\r\n\"line\nbreak\",'@owner\r\n,-1\r\n"
        );
    }
}
