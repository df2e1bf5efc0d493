//! Reading a check-history CSV that is already in a site (`data/checks/<id>.csv`), to
//! merge into it. It must follow the format as `build` reads it (docs/checks-import.md):
//! a problem is reported with its line and nothing is written.

use chrono::DateTime;

use super::row::{Check, parse_response_ms, parse_status_code};
use crate::diag::Diagnostic;

/// At most this many problems are listed per file; the rest are counted.
pub const MAX_LISTED: usize = 100;

/// Reads canonical-format CSV; `rel` names the file in messages.
pub fn read_csv(bytes: &[u8], rel: &str, diags: &mut Vec<Diagnostic>) -> Vec<Check> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let mut bad = Problems::new(rel, diags);
    let header = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            bad.push(1, format!("cannot read the header: {e}"), HEADER_HELP);
            return Vec::new();
        }
    };
    let mut cols = [None; 5];
    for (i, name) in header.iter().enumerate() {
        match super::row::HEADER.iter().position(|h| *h == name.trim()) {
            Some(k) if cols[k].is_none() => cols[k] = Some(i),
            Some(_) => bad.push(1, format!("the column `{name}` appears twice"), HEADER_HELP),
            None => bad.push(1, format!("unknown column `{name}`"), HEADER_HELP),
        }
    }
    if cols[0].is_none() || cols[1].is_none() {
        bad.push(1, "the header lacks `time` or `ok`".into(), HEADER_HELP);
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut last: Option<(i64, usize)> = None;
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                bad.push(line, format!("not a CSV row: {e}"), ROW_HELP);
                continue;
            }
        };
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        if rec.len() > header.len() {
            bad.push(
                line,
                format!("{} fields, the header names {}", rec.len(), header.len()),
                "quote a field that holds a comma",
            );
            continue;
        }
        let field = |k: usize| cols[k].and_then(|i| rec.get(i)).unwrap_or("").trim();
        let at = DateTime::parse_from_rfc3339(field(0)).map(|t| t.timestamp_millis());
        let ok = match field(1) {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        };
        let response = match field(2) {
            "" => Some(None),
            raw => parse_response_ms(raw).map(Some),
        };
        let status = match field(3) {
            "" => Some(None),
            raw => parse_status_code(raw).map(Some),
        };
        let (Ok(at_ms), Some(ok), Some(response_us), Some(status_code)) =
            (at, ok, response, status)
        else {
            let what = if at.is_err() {
                format!("`{}` is not an RFC 3339 time with an offset", field(0))
            } else if ok.is_none() {
                format!("`ok` is `{}`, not true or false", field(1))
            } else if response.is_none() {
                format!(
                    "`response_ms` is `{}`, not a number of milliseconds",
                    field(2)
                )
            } else {
                format!("`status_code` is `{}`, not 100–599", field(3))
            };
            bad.push(line, what, ROW_HELP);
            continue;
        };
        if let Some((prev, prev_line)) = last
            && at_ms <= prev
        {
            let what = if at_ms == prev {
                "repeats"
            } else {
                "is before"
            };
            bad.push(
                line,
                format!("the time {} {what} the time of line {prev_line}", field(0)),
                "rows must be in strictly ascending time order, one per instant",
            );
            continue;
        }
        last = Some((at_ms, line));
        // The note is kept as written, spaces included: a merge must not change it.
        let note = cols[4].and_then(|i| rec.get(i)).unwrap_or("");
        out.push(Check {
            at_ms,
            ok,
            response_us,
            status_code,
            note: (!note.is_empty()).then(|| note.into()),
        });
    }
    bad.finish();
    out
}

const HEADER_HELP: &str =
    "the header names the columns: time and ok, optionally response_ms, status_code and note";
const ROW_HELP: &str =
    "each row: time (RFC 3339), ok (true/false), response_ms, status_code (100–599), note";

/// Problems of one file, listed up to [`MAX_LISTED`] and then counted.
pub struct Problems<'a> {
    rel: &'a str,
    diags: &'a mut Vec<Diagnostic>,
    count: usize,
}

impl<'a> Problems<'a> {
    pub fn new(rel: &'a str, diags: &'a mut Vec<Diagnostic>) -> Problems<'a> {
        Problems {
            rel,
            diags,
            count: 0,
        }
    }

    pub fn push(&mut self, line: usize, message: String, help: &str) {
        self.count += 1;
        if self.count <= MAX_LISTED {
            let d = Diagnostic::error(self.rel, line, 0, message);
            self.diags.push(if help.is_empty() {
                d
            } else {
                d.with_help(help)
            });
        }
    }

    pub fn count(&self) -> usize {
        self.count
    }

    /// Adds the count of problems not listed.
    pub fn finish(self) {
        if self.count > MAX_LISTED {
            self.diags.push(Diagnostic::error(
                self.rel,
                0,
                0,
                format!(
                    "{} more problem(s) not listed (only the first {MAX_LISTED} are)",
                    self.count - MAX_LISTED
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<Check>, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let rows = read_csv(text.as_bytes(), "data/checks/api.csv", &mut d);
        (rows, d)
    }

    #[test]
    fn reads_any_column_order_and_crlf() {
        let (rows, d) = read(
            "ok,time,note\r\ntrue,2026-03-14T11:36:00+01:00,\r\nfalse,2026-03-14T10:37:00.25Z,\"a, b\"\r\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(rows.len(), 2);
        assert_eq!(
            super::super::row::format_time(rows[0].at_ms),
            "2026-03-14T10:36:00Z"
        );
        assert_eq!(rows[1].note.as_deref(), Some("a, b"));
    }

    #[test]
    fn every_problem_with_its_line() {
        let (_, d) = read(
            "time,ok,colour\n2026-03-14T10:36:00Z,yes\n2026-03-14T10:36:00,true\n2026-03-14T10:38:00Z,true\n2026-03-14T10:37:00Z,true\n",
        );
        let lines: Vec<(usize, &str)> = d.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert_eq!(lines[0], (1, "unknown column `colour`"));
        assert_eq!(lines[1].0, 2);
        assert_eq!(lines[2].0, 3);
        assert_eq!(lines[3].0, 5);
        assert!(lines[3].1.contains("is before the time of line 4"));
    }
}
