//! The columns of a monitoring tool's CSV export, found by their header names however
//! the tool's versions spell them ("Date-Time", "Date Time", "datetime").

use chrono_tz::Tz;

use super::existing::Problems;
use super::when::{self, Local, Read};

/// A header name without case, spaces and punctuation: `Response Time (ms)` → `responsetimems`.
pub fn normalise(name: &str) -> String {
    name.trim_start_matches('\u{feff}')
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Which column plays each role: `roles[k]` lists the normalised names of role `k`.
/// Known columns statusgen does not need are listed in `ignored`; any other column is
/// reported in the notes and left out.
pub struct Columns {
    pub index: Vec<Option<usize>>,
    pub unknown: Vec<String>,
}

pub fn find(header: &csv::StringRecord, roles: &[&[&str]], ignored: &[&str]) -> Columns {
    let mut index = vec![None; roles.len()];
    let mut unknown = Vec::new();
    for (i, name) in header.iter().enumerate() {
        let n = normalise(name);
        match roles.iter().position(|names| names.contains(&n.as_str())) {
            Some(k) if index[k].is_none() => index[k] = Some(i),
            Some(_) => unknown.push(format!("{name} (a second one)")),
            None if ignored.contains(&n.as_str()) => {}
            None => unknown.push(name.to_string()),
        }
    }
    Columns { index, unknown }
}

/// A monitoring tool's CSV export: its columns found by name, then its rows.
pub struct Table<R> {
    rdr: csv::Reader<R>,
    pub header: Vec<String>,
    pub cols: Columns,
}

/// One row of a [`Table`].
pub struct Row<'a> {
    pub line: usize,
    rec: &'a csv::StringRecord,
    cols: &'a [Option<usize>],
}

impl Row<'_> {
    /// The row's value for role `k` (trimmed; empty when the column is absent).
    pub fn get(&self, k: usize) -> &str {
        self.cols[k].and_then(|i| self.rec.get(i)).unwrap_or("")
    }
}

impl<R: std::io::Read> Table<R> {
    /// Reads the header and finds the columns; `None` after reporting why it cannot.
    pub fn open(
        input: R,
        roles: &[&[&str]],
        ignored: &[&str],
        bad: &mut Problems,
    ) -> Option<Table<R>> {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(input);
        let header = match rdr.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                bad.push(1, format!("cannot read the header: {e}"), "");
                return None;
            }
        };
        let cols = find(&header, roles, ignored);
        Some(Table {
            rdr,
            header: header.iter().map(str::to_string).collect(),
            cols,
        })
    }

    pub fn has(&self, k: usize) -> bool {
        self.cols.index[k].is_some()
    }

    /// Calls `f` with each row that is not blank; a row that is no CSV is reported.
    pub fn each(&mut self, bad: &mut Problems, mut f: impl FnMut(Row<'_>, &mut Problems)) {
        let mut rec = csv::StringRecord::new();
        loop {
            match self.rdr.read_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {
                    if rec.iter().all(str::is_empty) {
                        continue;
                    }
                    let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
                    f(
                        Row {
                            line,
                            rec: &rec,
                            cols: &self.cols.index,
                        },
                        bad,
                    );
                }
                Err(e) => {
                    let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                    bad.push(line, format!("not a CSV row: {e}"), "");
                    // An I/O or encoding error may not move the reader on.
                    if !matches!(
                        e.kind(),
                        csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
                    ) {
                        break;
                    }
                }
            }
        }
    }

    /// The report's note on columns left out, if any.
    pub fn note(&self) -> Option<String> {
        (!self.cols.unknown.is_empty())
            .then(|| format!("columns left out: {}", self.cols.unknown.join(", ")))
    }
}

/// A response time cell in milliseconds (`182`, `190.5`, `182 ms`): `Some(None)` when
/// empty or `NULL` (sqlite3's and other tools' way to say none); `None` after reporting a
/// cell that is no number.
pub fn response_cell(
    raw: &str,
    what: &str,
    line: usize,
    bad: &mut Problems,
) -> Option<Option<u64>> {
    match raw.trim_end_matches("ms").trim() {
        "" | "NULL" | "null" => Some(None),
        number => match super::row::parse_response_ms(number) {
            Some(us) => Some(Some(us)),
            None => {
                bad.push(
                    line,
                    format!("{what} \"{raw}\" is not a number of milliseconds"),
                    "",
                );
                None
            }
        },
    }
}

/// Turns export times into instants: an offset in the text wins; a time without one is
/// read in `tz`, or is an error naming the fix when there is none.
pub struct Clock<'a> {
    pub tz: Option<Tz>,
    /// How to say where the zone comes from, for the missing-zone error.
    pub zone_help: &'a str,
    /// Local times in the hour the clocks go back, read as the earlier instant.
    pub repeated: usize,
    missing_zone: bool,
}

impl<'a> Clock<'a> {
    pub fn new(tz: Option<Tz>, zone_help: &'a str) -> Clock<'a> {
        Clock {
            tz,
            zone_help,
            repeated: 0,
            missing_zone: false,
        }
    }

    /// The instant of `raw` in milliseconds, or `None` after reporting why not.
    pub fn instant(&mut self, raw: &str, line: usize, bad: &mut Problems) -> Option<i64> {
        match when::read(raw) {
            Some(Read::Absolute(ms)) => Some(ms),
            Some(Read::Local(naive)) => {
                let Some(tz) = self.tz else {
                    // Once: every row of such an export lacks the offset.
                    if !self.missing_zone {
                        self.missing_zone = true;
                        bad.push(
                            line,
                            format!(
                                "\"{}\" has no UTC offset and no --timezone was given",
                                raw.trim()
                            ),
                            self.zone_help,
                        );
                    }
                    return None;
                };
                match when::resolve(naive, tz) {
                    Local::Single(ms) => Some(ms),
                    Local::Repeated(ms) => {
                        self.repeated += 1;
                        Some(ms)
                    }
                    Local::Skipped => {
                        bad.push(
                            line,
                            format!(
                                "\"{}\" does not exist in {} (the clocks jump over it)",
                                raw.trim(),
                                tz.name()
                            ),
                            "check --timezone, or export with UTC offsets",
                        );
                        None
                    }
                }
            }
            None => {
                bad.push(
                    line,
                    format!("\"{}\" is not a time", raw.trim()),
                    &format!("accepted: {}", when::SHAPES),
                );
                None
            }
        }
    }

    /// A note on how local times were read, if any were.
    pub fn note(&self) -> Option<String> {
        (self.repeated > 0).then(|| {
            format!(
                "{} time(s) fell in the hour {} repeats when the clocks go back: read as the first of the two",
                self.repeated,
                self.tz.map(|t| t.name()).unwrap_or("UTC")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_variants() {
        assert_eq!(normalise("Date-Time"), "datetime");
        assert_eq!(normalise("\u{feff}Response Time (ms)"), "responsetimems");
        let h = csv::StringRecord::from(vec!["Date Time", "Event", "Colour", "Duration"]);
        let c = find(&h, &[&["datetime"], &["event"]], &["duration"]);
        assert_eq!(c.index, vec![Some(0), Some(1)]);
        assert_eq!(c.unknown, vec!["Colour".to_string()]);
    }
}
