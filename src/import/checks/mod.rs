//! `statusgen checks import FORMAT FILE --component ID`: a monitoring tool's export into
//! the site's check history, `data/checks/<id>.csv`, in statusgen's canonical format
//! (docs/checks-import.md). One reader per format turns the export into [`row::Check`]s
//! with every problem found; [`merge`] sorts, deduplicates and merges them into the file's
//! rows, which are kept on a clash; the file is replaced atomically, or not at all.

pub mod columns;
pub mod existing;
pub mod merge;
pub mod prometheus;
pub mod row;
pub mod upptime;
pub mod uptimekuma;
pub mod uptimerobot;
pub mod when;

use std::path::{Path, PathBuf};

use chrono_tz::Tz;

use crate::diag::Diagnostic;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Prometheus range-query JSON (/api/v1/query_range) of probe_success or up.
    Prometheus,
    /// Upptime: the `git log` of history/<slug>.yml (and that file beside it).
    Upptime,
    /// UptimeRobot's CSV export of a monitor's logs or response times.
    Uptimerobot,
    /// Uptime Kuma's heartbeats as CSV (sqlite3 export of its heartbeat table).
    Uptimekuma,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Prometheus => "prometheus",
            Format::Upptime => "upptime",
            Format::Uptimerobot => "uptimerobot",
            Format::Uptimekuma => "uptimekuma",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub format: Format,
    pub file: PathBuf,
    pub component: String,
    pub root: PathBuf,
    pub dry_run: bool,
    /// Prometheus: `label=value` pairs a series must carry.
    pub select: Vec<prometheus::Selector>,
    /// Upptime: the `history/<slug>.yml` [default: FILE's name with `.yml`, if there].
    pub history: Option<PathBuf>,
    /// For times written without a UTC offset.
    pub timezone: Option<Tz>,
}

/// What a reader found in an export.
#[derive(Debug, Default)]
pub struct Source {
    pub rows: Vec<row::Check>,
    /// The source line (or position) of each row, for messages.
    pub lines: Vec<u32>,
    /// What was read, skipped or assumed, for the report.
    pub notes: Vec<String>,
    pub warnings: Vec<Diagnostic>,
}

impl Source {
    pub fn push(&mut self, check: row::Check, line: usize) {
        self.rows.push(check);
        self.lines.push(u32::try_from(line).unwrap_or(u32::MAX));
    }
}

/// Why nothing was written.
#[derive(Debug)]
pub enum ChecksError {
    /// Problems in site.toml, the arguments, the export or the existing file.
    Invalid(Vec<Diagnostic>),
    Io(PathBuf, std::io::Error),
}

/// What an import did (or, with `--dry-run`, would do).
#[derive(Debug)]
pub struct Outcome {
    /// `data/checks/<id>.csv`.
    pub rel: String,
    pub path: PathBuf,
    pub format: Format,
    /// Checks read from the export (after dropping exact repeats and clashes).
    pub read: usize,
    /// Rows of the export repeating another row exactly.
    pub repeated: usize,
    /// Rows of the export at a time an earlier row of it took with other content.
    pub clashes: Vec<(usize, usize, i64)>,
    /// Rows the file held before.
    pub before: usize,
    pub added: usize,
    pub present: usize,
    /// Times where the file already holds a different row (kept).
    pub kept_existing: Vec<i64>,
    /// Rows of the file after the import.
    pub total: usize,
    pub first: Option<i64>,
    pub last: Option<i64>,
    /// The first and last time of the imported rows.
    pub imported_span: Option<(i64, i64)>,
    pub written: bool,
    pub dry_run: bool,
    pub notes: Vec<String>,
    pub warnings: Vec<Diagnostic>,
}

/// The folder of check histories, relative to the site root.
pub const DIR: &str = "data/checks";

pub fn run(opts: &Options) -> Result<Outcome, ChecksError> {
    let config = crate::authoring::new::read_config(&opts.root).map_err(|e| match e {
        crate::authoring::new::NewError::Invalid(d) => ChecksError::Invalid(d),
        crate::authoring::new::NewError::Io(p, e) => ChecksError::Io(p, e),
    })?;
    let mut diags = Vec::new();
    let known: Vec<&str> = config.components.iter().map(|c| c.id.as_str()).collect();
    let id = opts.component.as_str();
    if !known.contains(&id) {
        let help = match crate::load::reader::closest(id, &known) {
            Some(near) => format!(
                "did you mean \"{near}\"? components in site.toml: {}",
                known.join(", ")
            ),
            None if known.is_empty() => "site.toml declares no [[components]]".to_string(),
            None => format!("components in site.toml: {}", known.join(", ")),
        };
        diags.push(
            Diagnostic::error("--component", 0, 0, format!("unknown component \"{id}\""))
                .with_help(help),
        );
    }
    let source = read_source(opts, &mut diags);
    let rel = format!("{DIR}/{id}.csv");
    let path = opts.root.join(&rel);
    let existing = if known.contains(&id) {
        read_existing(&opts.root, id, &rel, &mut diags)
    } else {
        Vec::new()
    };
    if diags.iter().any(Diagnostic::is_error) {
        diags.retain(Diagnostic::is_error);
        return Err(ChecksError::Invalid(diags));
    }
    let Source {
        rows,
        lines,
        notes,
        mut warnings,
    } = source;
    warnings.extend(diags);
    let deduped = merge::dedup(rows, lines);
    let imported_span = deduped
        .rows
        .first()
        .zip(deduped.rows.last())
        .map(|(a, b)| (a.at_ms, b.at_ms));
    let read = deduped.rows.len();
    let before = existing.len();
    let merged = merge::merge(existing, deduped.rows);
    let written = !opts.dry_run && merged.added > 0;
    if written {
        write_atomic(&opts.root, &rel, &merged.rows)?;
    }
    Ok(Outcome {
        rel,
        path,
        format: opts.format,
        read,
        repeated: deduped.repeated,
        clashes: deduped.clashes,
        before,
        added: merged.added,
        present: merged.present,
        kept_existing: merged.kept_existing,
        total: merged.rows.len(),
        first: merged.rows.first().map(|c| c.at_ms),
        last: merged.rows.last().map(|c| c.at_ms),
        imported_span,
        written,
        dry_run: opts.dry_run,
        notes,
        warnings,
    })
}

fn read_source(opts: &Options, diags: &mut Vec<Diagnostic>) -> Source {
    let name = opts.file.display().to_string();
    let file = match std::fs::File::open(&opts.file) {
        Ok(f) => f,
        Err(e) => {
            diags.push(Diagnostic::error(
                &name,
                0,
                0,
                format!("cannot read it: {e}"),
            ));
            return Source::default();
        }
    };
    use std::io::BufRead;
    let mut file = std::io::BufReader::with_capacity(1 << 16, file);
    match file.fill_buf() {
        Ok(head) if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") => {
            diags.push(
                Diagnostic::error(&name, 1, 0, "the file is UTF-16 text; statusgen reads UTF-8")
                    .with_help("save it as UTF-8 (PowerShell writes UTF-16 with `>`: pipe to `Out-File -Encoding utf8` instead)"),
            );
            return Source::default();
        }
        // A UTF-8 byte order mark is no part of the data.
        Ok(head) if head.starts_with(b"\xEF\xBB\xBF") => file.consume(3),
        _ => {}
    }
    match opts.format {
        Format::Prometheus => prometheus::read(file, &name, &opts.select, diags),
        Format::Uptimerobot => uptimerobot::read(file, &name, opts.timezone, diags),
        Format::Uptimekuma => uptimekuma::read(file, &name, opts.timezone, diags),
        Format::Upptime => read_upptime(file, opts, &name, diags),
    }
}

fn read_upptime(
    file: impl std::io::BufRead,
    opts: &Options,
    name: &str,
    diags: &mut Vec<Diagnostic>,
) -> Source {
    let is_yml = |p: &Path| {
        p.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"))
    };
    if is_yml(&opts.file) {
        diags.push(
            Diagnostic::error(name, 0, 0, "this is the history file; FILE is the exported commit log")
                .with_help("in the Upptime repository: git log --reverse --format='%aI %s' -- history/<slug>.yml > <slug>.log, then import <slug>.log (the .yml beside it is read too)"),
        );
        return Source::default();
    }
    let mut source = upptime::read_log(file, name, diags);
    let (yml, given) = match &opts.history {
        Some(p) => (p.clone(), true),
        None => (opts.file.with_extension("yml"), false),
    };
    let yml_name = yml.display().to_string();
    match std::fs::read_to_string(&yml) {
        Ok(t) => {
            if let Some(h) = upptime::read_history(&t, &yml_name, diags) {
                upptime::add_history(&mut source, &h, &yml_name, diags);
            }
        }
        Err(e) if given || e.kind() != std::io::ErrorKind::NotFound => {
            diags.push(Diagnostic::error(&yml_name, 0, 0, format!("cannot read it: {e}")));
        }
        Err(_) => source.notes.push(format!(
            "no {yml_name} beside the log: only the log was read (give the history file with --history)"
        )),
    }
    source
}

/// The rows of the component's existing history, if any; a `.jsonl` history of the same
/// component is refused (both for one component is an error, and import writes CSV).
fn read_existing(root: &Path, id: &str, rel: &str, diags: &mut Vec<Diagnostic>) -> Vec<row::Check> {
    use crate::load::boundary;
    let jsonl = format!("{DIR}/{id}.jsonl");
    if root.join(&jsonl).exists() {
        diags.push(
            Diagnostic::error(&jsonl, 0, 0, format!("component \"{id}\" keeps its checks as JSON Lines; import writes {rel}, and both for one component is an error"))
                .with_help(format!("convert {jsonl} to {rel} (or move it away) and import again")),
        );
        return Vec::new();
    }
    let path = root.join(rel);
    if std::fs::symlink_metadata(&path).is_err() {
        return Vec::new();
    }
    match boundary::read(&boundary::canonical_root(root), &path) {
        Ok(bytes) => existing::read_csv(&bytes, rel, diags),
        Err(refusal) => {
            diags.push(refusal.diagnostic(rel));
            Vec::new()
        }
    }
}

/// Writes the rows with the import's atomic writer (a hidden temporary file beside the
/// file, renamed over it): a build never reads half a history.
fn write_atomic(root: &Path, rel: &str, rows: &[row::Check]) -> Result<(), ChecksError> {
    let mut bytes = Vec::with_capacity(rows.len() * 40);
    row::write_csv(&mut bytes, rows).map_err(|e| ChecksError::Io(root.join(rel), e))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| ChecksError::Io(root.join(rel), std::io::Error::other(e)))?;
    let planned = crate::import::writer::Planned {
        rel: rel.to_string(),
        text,
        replace: true,
    };
    crate::import::writer::write(root, std::slice::from_ref(&planned))
        .map(|_| ())
        .map_err(|(p, e)| ChecksError::Io(p, e))
}

impl std::fmt::Display for Outcome {
    /// The report: what was read, what the file gains, and what was left out.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = row::format_time;
        writeln!(
            f,
            "{}: {} check(s) read{}",
            self.format.name(),
            self.read,
            match self.imported_span {
                Some((a, b)) => format!(", {} to {}", t(a), t(b)),
                None => String::new(),
            }
        )?;
        for n in &self.notes {
            writeln!(f, "  {n}")?;
        }
        if self.repeated > 0 {
            writeln!(
                f,
                "  {} row(s) repeating another row exactly: dropped",
                self.repeated
            )?;
        }
        if !self.clashes.is_empty() {
            let shown: Vec<String> = self
                .clashes
                .iter()
                .take(5)
                .map(|(kept, dropped, at)| format!("line {dropped} ({}; line {kept} kept)", t(*at)))
                .collect();
            writeln!(
                f,
                "  {} row(s) at a time an earlier row already has, with other content: dropped: {}{}",
                self.clashes.len(),
                shown.join(", "),
                if self.clashes.len() > 5 { ", …" } else { "" }
            )?;
        }
        let was = if self.before == 0 {
            " (a new file)".to_string()
        } else {
            format!(" (it held {} row(s))", self.before)
        };
        if self.dry_run {
            write!(f, "{} would get", self.rel)?;
        } else {
            write!(f, "{}:", self.rel)?;
        }
        writeln!(
            f,
            " {} new row(s), {} already there{was}",
            self.added, self.present
        )?;
        if !self.kept_existing.is_empty() {
            let shown: Vec<String> = self.kept_existing.iter().take(5).map(|at| t(*at)).collect();
            writeln!(
                f,
                "  {} imported row(s) differ from the file's row at the same time: the file's row is kept ({}{})",
                self.kept_existing.len(),
                shown.join(", "),
                if self.kept_existing.len() > 5 {
                    ", …"
                } else {
                    ""
                }
            )?;
        }
        if let (Some(a), Some(b)) = (self.first, self.last) {
            writeln!(f, "  {} row(s), {} to {}", self.total, t(a), t(b))?;
        }
        if self.dry_run {
            writeln!(f, "dry run: nothing was written")?;
        } else if !self.written {
            writeln!(f, "nothing new: {} is unchanged", self.rel)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check() -> impl Strategy<Value = row::Check> {
        (
            // 1970 to 2100, to the millisecond.
            0i64..4_102_444_800_000,
            any::<bool>(),
            proptest::option::of(0u64..10_000_000_000),
            proptest::option::of(100u16..600),
            proptest::option::of("[^\\x00]{1,20}"),
        )
            .prop_map(|(at_ms, ok, response_us, status_code, note)| row::Check {
                at_ms,
                ok,
                response_us,
                status_code,
                note: note.map(Into::into),
            })
    }

    proptest! {
        /// What the import writes, the merge reads back unchanged: notes with commas,
        /// quotes, line breaks and spaces, fractional milliseconds and seconds.
        #[test]
        fn canonical_csv_reads_back_as_written(rows in proptest::collection::vec(check(), 0..40)) {
            let mut rows = rows;
            rows.sort_by_key(|c| c.at_ms);
            rows.dedup_by_key(|c| c.at_ms);
            let mut bytes = Vec::new();
            row::write_csv(&mut bytes, &rows).unwrap();
            let mut diags = Vec::new();
            let back = existing::read_csv(&bytes, "data/checks/api.csv", &mut diags);
            prop_assert!(diags.is_empty(), "{:?}", diags);
            prop_assert_eq!(back, rows);
        }

        /// Any bytes in any format: problems reported, never a panic, and every
        /// message safe for a terminal.
        #[test]
        fn readers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let mut diags = Vec::new();
            let text = String::from_utf8_lossy(&bytes);
            prometheus::read(bytes.as_slice(), "x.json", &[], &mut diags);
            upptime::read_log(bytes.as_slice(), "x.log", &mut diags);
            if let Some(h) = upptime::read_history(&text, "x.yml", &mut diags) {
                upptime::add_history(&mut Source::default(), &h, "x.yml", &mut diags);
            }
            uptimerobot::read(bytes.as_slice(), "x.csv", None, &mut diags);
            uptimerobot::read(bytes.as_slice(), "x.csv", Some(chrono_tz::Europe::Berlin), &mut diags);
            uptimekuma::read(bytes.as_slice(), "x.csv", None, &mut diags);
            existing::read_csv(&bytes, "data/checks/api.csv", &mut diags);
            for d in &diags {
                let shown = d.to_string();
                prop_assert!(!shown.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
            }
        }

        /// CSV-shaped input with plausible cells reaches the row parsers.
        #[test]
        fn csv_rows_never_panic(
            cells in proptest::collection::vec(
                "(1|0|2|3|Up|Down|2026-03-14 10:36:00|03/14/2026 1:05 PM|2026-03-14T10:36:00\\+01:00|-1|NaN|[ -~]{0,12})",
                0..40,
            )
        ) {
            let mut text = String::from("time,status,ping,msg,Event,Date-Time,Response Time\n");
            for row in cells.chunks(7) {
                text.push_str(&row.join(","));
                text.push('\n');
            }
            let mut diags = Vec::new();
            uptimerobot::read(text.as_bytes(), "x.csv", Some(chrono_tz::Europe::Berlin), &mut diags);
            uptimekuma::read(text.as_bytes(), "x.csv", None, &mut diags);
        }
    }
}
