//! The reliability review's exports under `reliability/`: `reliability.json` and one
//! CSV file per table (docs/reliability.md is their column and field reference), all
//! from [`Reliability`], derived once per build.
//!
//! CSV: RFC 4180 (comma, CRLF, fields quoted only when needed, quotes doubled), UTF-8
//! without a byte-order mark, a header row, empty cells for "no figure". Text that came
//! from content (titles, actions, owners, causes) and starts with `=`, `+`, `-`, `@`, a
//! tab or a carriage return gets a leading `'`, so a spreadsheet never runs it as a
//! formula (OWASP's "CSV injection"); numbers and dates are never altered.

use chrono::{DateTime, SecondsFormat, Utc};
use rayon::prelude::*;
use serde::Serialize;

use crate::files::OutputFile;
use crate::model::reliability::{
    Availability, CHECKIN_DAYS, CauseSummary, ComponentSummary, FIX_WINDOW_DAYS, Granularity,
    IncidentFigures, Period, Reliability, WindowFigures,
};
use crate::render::json::json_compact_text;

/// The directory of the page and its exports.
pub const DIR: &str = "reliability";

/// The CSV files, in the order the page lists them, with what each holds.
pub const CSV_FILES: &[(&str, &str)] = &[
    ("periods.csv", "Figures per period"),
    (
        "availability.csv",
        "Availability and SLO breaches per period and component",
    ),
    ("components.csv", "Figures per component"),
    ("causes.csv", "Figures per cause"),
    ("actions.csv", "Corrective actions"),
    ("checkins.csv", "30/60/90-day check-ins"),
    ("fixes.csv", "Did the fix work? 90 days before and after"),
];

/// `reliability.json`: the figures. The per-row lists (actions, check-ins, fixes) are
/// only in their CSV files, which `files` names: on a site with thousands of incidents
/// they are tens of MB as JSON, and writing them twice cost the build a quarter of its
/// time (BENCHMARKS.md).
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
    counts: Counts,
    undated_fixes: &'a [String],
    files: Vec<&'static str>,
}

/// How many rows each list file has.
#[derive(Serialize)]
struct Counts {
    actions: usize,
    checkins: usize,
    fixes: usize,
}

/// `reliability/reliability.json` and the CSV files.
pub fn render_exports(r: &Reliability, timezone: &str, now: DateTime<Utc>) -> Vec<OutputFile> {
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
        counts: Counts {
            actions: r.actions.len(),
            checkins: r.checkins.len(),
            fixes: r.fixes.len(),
        },
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
                .map(|((name, _), table)| {
                    OutputFile::new(format!("{DIR}/{name}"), table(r))
                })
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
type Table = fn(&Reliability) -> String;

/// One cell: a number, a date, a word, or text from content (guarded).
enum Cell {
    Plain(String),
    Text(String),
}

fn num(v: impl ToString) -> Cell {
    Cell::Plain(v.to_string())
}

fn opt<T: ToString>(v: Option<T>) -> Cell {
    Cell::Plain(v.map_or_else(String::new, |v| v.to_string()))
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

/// A leading `'` for text a spreadsheet would read as a formula.
fn guard(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// A CSV file written row by row: the rows of a site with thousands of incidents are
/// never all held as cells at once.
struct CsvOut(csv::Writer<Vec<u8>>);

impl CsvOut {
    fn new(header: Vec<Cell>) -> CsvOut {
        let mut out = CsvOut(
            csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .quote_style(csv::QuoteStyle::Necessary)
                .from_writer(Vec::new()),
        );
        out.push(header);
        out
    }

    fn push(&mut self, row: Vec<Cell>) {
        let cells = row.into_iter().map(|c| match c {
            Cell::Plain(s) => s,
            Cell::Text(s) => guard(&s),
        });
        // Writing to memory cannot fail.
        let _ = self.0.write_record(cells);
    }

    fn finish(self) -> String {
        let bytes = self.0.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }
}

#[cfg(test)]
fn csv_text(rows: Vec<Vec<Cell>>) -> String {
    let mut rows = rows.into_iter();
    let mut out = CsvOut::new(rows.next().unwrap_or_default());
    rows.for_each(|row| out.push(row));
    out.finish()
}

fn header(names: &[&str]) -> Vec<Cell> {
    names.iter().map(num).collect()
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

fn figure_cells(f: &IncidentFigures) -> Vec<Cell> {
    vec![
        num(f.incidents),
        num(f.by_impact.none),
        num(f.by_impact.minor),
        num(f.by_impact.major),
        num(f.by_impact.critical),
        num(f.resolved),
        opt(f.mttd_mean_seconds),
        opt(f.mttd_median_seconds),
        opt(f.mttr_mean_seconds),
        opt(f.mttr_median_seconds),
        num(f.repeated),
        opt(f.recurrence_rate),
    ]
}

fn with_figures(first: &[&str], last: &[&str]) -> Vec<Cell> {
    let mut h = header(first);
    h.extend(header(FIGURE_COLUMNS));
    h.extend(header(last));
    h
}

fn periods(r: &Reliability) -> String {
    let mut rows = CsvOut::new(with_figures(
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
        let mut row = vec![num(&p.label), num(p.first_day), num(p.last_day)];
        row.extend(figure_cells(&p.figures));
        let a = &p.actions;
        row.extend([
            num(p.slo_breaches),
            num(a.opened),
            num(a.closed),
            num(a.overdue),
            num(a.checkins_due),
            num(a.checkins_missed),
        ]);
        rows.push(row);
    }
    rows.finish()
}

fn availability_cells(a: Option<&Availability>) -> Vec<Cell> {
    match a {
        Some(a) => vec![opt(a.uptime), num(a.downtime_minutes), num(a.breach)],
        None => vec![opt(None::<f64>), opt(None::<f64>), opt(None::<bool>)],
    }
}

fn availability(r: &Reliability) -> String {
    let mut rows = CsvOut::new(header(&[
        "period",
        "component",
        "slo",
        "uptime",
        "downtime_minutes",
        "breach",
    ]));
    for p in &r.periods {
        for a in &p.components {
            let mut row = vec![num(&p.label), num(&a.id), num(a.slo)];
            row.extend(availability_cells(Some(a)));
            rows.push(row);
        }
    }
    rows.finish()
}

fn components(r: &Reliability) -> String {
    let mut rows = CsvOut::new(with_figures(
        &["component", "name", "slo"],
        &["uptime_all", "breached_periods"],
    ));
    for c in &r.components {
        let mut row = vec![num(&c.id), text(&c.name), num(c.slo)];
        row.extend(figure_cells(&c.figures));
        row.extend([opt(c.uptime_all), num(c.breached_periods)]);
        rows.push(row);
    }
    rows.finish()
}

fn causes(r: &Reliability) -> String {
    let mut rows = CsvOut::new(with_figures(&["cause", "first_seen", "last_seen"], &[]));
    for c in &r.causes {
        let mut row = vec![text(&c.cause), num(c.first_seen), num(c.last_seen)];
        row.extend(figure_cells(&c.figures));
        rows.push(row);
    }
    rows.finish()
}

fn actions(r: &Reliability) -> String {
    let mut rows = CsvOut::new(header(&[
        "incident",
        "incident_title",
        "opened",
        "what",
        "owner",
        "due",
        "status",
        "done",
        "overdue",
    ]));
    for a in &r.actions {
        rows.push(vec![
            num(&a.incident),
            text(&a.incident_title),
            num(a.opened),
            text(&a.what),
            text(a.owner.as_deref().unwrap_or("")),
            opt(a.due),
            num(a.status.as_str()),
            opt(a.done),
            num(a.overdue),
        ]);
    }
    rows.finish()
}

fn checkins(r: &Reliability) -> String {
    let mut rows = CsvOut::new(header(&[
        "incident",
        "incident_title",
        "days",
        "date",
        "state",
        "open_actions",
    ]));
    for c in &r.checkins {
        rows.push(vec![
            num(&c.incident),
            text(&c.incident_title),
            num(c.days),
            num(c.date),
            num(c.state.as_str()),
            num(c.open_actions),
        ]);
    }
    rows.finish()
}

fn side_cells(w: &WindowFigures) -> Vec<Cell> {
    let mut cells = figure_cells(&w.figures);
    cells.extend(availability_cells(w.availability.as_ref()));
    cells
}

fn fixes(r: &Reliability) -> String {
    let mut h = header(&[
        "incident",
        "completed",
        "before_first",
        "before_last",
        "after_first",
        "after_last",
        "after_complete",
        "scope",
        "key",
    ]);
    for side in ["before", "after"] {
        for c in FIGURE_COLUMNS
            .iter()
            .chain(&["uptime", "downtime_minutes", "breach"])
        {
            h.push(Cell::Plain(format!("{side}_{c}")));
        }
    }
    let mut rows = CsvOut::new(h);
    for f in &r.fixes {
        let scoped = f
            .components
            .iter()
            .map(|c| ("component", c))
            .chain(f.cause.iter().map(|c| ("cause", c)));
        for (scope, ba) in scoped {
            let mut row = vec![
                num(&f.incident),
                num(f.completed),
                num(f.before_first),
                num(f.before_last),
                num(f.after_first),
                num(f.after_last),
                num(f.after_complete),
                num(scope),
                text(&ba.key),
            ];
            row.extend(side_cells(&ba.before));
            row.extend(side_cells(&ba.after));
            rows.push(row);
        }
    }
    rows.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_is_rfc4180_and_guards_formulas() {
        let rows = vec![
            header(&["a", "b"]),
            vec![text("=HYPERLINK(\"x\")"), text("plain, with comma")],
            vec![text("-5 users"), num(-1.5)],
            vec![text("line\nbreak"), text("@owner")],
        ];
        assert_eq!(
            csv_text(rows),
            "a,b\r\n\"'=HYPERLINK(\"\"x\"\")\",\"plain, with comma\"\r\n'-5 users,-1.5\r\n\"line\nbreak\",'@owner\r\n"
        );
    }
}
