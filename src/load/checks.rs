//! Reading check histories: `data/checks/<component-id>.csv` or `.jsonl` (docs/checks.md).
//!
//! A year of 1-minute checks is 525,600 rows per component, so the canonical CSV takes a
//! fast path: lines split with memchr, fields split on commas, times parsed by hand (with
//! chrono behind it for every form the hand parser does not take), values stored by
//! column. Quoted fields (a `note` with a comma) take the full RFC 4180 path. Files load in
//! parallel. Every problem is reported with file and line, up to [`MAX_PROBLEMS_PER_FILE`]
//! per file.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use chrono::Datelike;
use rayon::prelude::*;
use serde::Deserialize;

use crate::diag::Diagnostic;
use crate::load::{boundary, walk};
use crate::site::Config;
use crate::site::checks::{Checks, Series};

/// Where check histories live, relative to the site root.
pub const DIR: &str = "data/checks";

/// The columns a CSV header may name; `time` and `ok` are required.
pub const COLUMNS: &[&str] = &["time", "ok", "response_ms", "status_code", "note"];

/// The header statusgen writes.
pub const CANONICAL_HEADER: &str = "time,ok,response_ms,status_code,note";

/// A broken export can have a bad value on every one of its 500,000 lines: after this
/// many problems in one file the rest are counted, not listed.
pub const MAX_PROBLEMS_PER_FILE: usize = 20;

const FORMAT_HELP: &str = "see docs/checks.md for the format";

/// Reads every check history of the site. A site without `data/checks/` has none.
pub fn load(root: &Path, config: &Config, diags: &mut Vec<Diagnostic>) -> Checks {
    let dir = root.join(DIR);
    let Ok(meta) = std::fs::metadata(&dir) else {
        return Checks::default();
    };
    if !meta.is_dir() {
        diags.push(
            Diagnostic::error(DIR, 0, 0, format!("{DIR} is not a folder"))
                .with_help("check histories go in the folder data/checks/, one file per component"),
        );
        return Checks::default();
    }
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) => {
            diags.push(Diagnostic::error(
                DIR,
                0,
                0,
                format!("cannot read {DIR}: {e}"),
            ));
            return Checks::default();
        }
    };
    let ids: Vec<&str> = config.components.iter().map(|c| c.id.as_str()).collect();
    // (component position, file name, format)
    let mut files: Vec<(usize, String, Format)> = Vec::new();
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !walk::is_ignored_name(n))
        .collect();
    names.sort();
    for name in names {
        let rel = format!("{DIR}/{name}");
        let (stem, format) = match name.rsplit_once('.') {
            Some((stem, "csv")) => (stem, Format::Csv),
            Some((stem, "jsonl")) => (stem, Format::Jsonl),
            _ => {
                diags.push(
                    Diagnostic::warning(&rel, 0, 0, "not a check history, so it is not read")
                        .with_help(
                            "name check histories <component-id>.csv or <component-id>.jsonl",
                        ),
                );
                continue;
            }
        };
        let Some(position) = ids.iter().position(|id| *id == stem) else {
            let help = match crate::load::reader::closest(stem, &ids) {
                Some(c) => format!(
                    "did you mean \"{c}\"? Name the file after a component id of site.toml: {}",
                    ids.join(", ")
                ),
                None => format!(
                    "name the file after a component id of site.toml: {}",
                    ids.join(", ")
                ),
            };
            diags.push(
                Diagnostic::error(&rel, 0, 0, format!("unknown component \"{stem}\""))
                    .with_help(help),
            );
            continue;
        };
        if let Some((_, other, _)) = files.iter().find(|(p, _, _)| *p == position) {
            diags.push(
                Diagnostic::error(
                    &rel,
                    0,
                    0,
                    format!("component \"{stem}\" already has a check history in {DIR}/{other}"),
                )
                .with_help("keep one file per component: either the .csv or the .jsonl"),
            );
            continue;
        }
        files.push((position, name, format));
    }
    let canon = boundary::canonical_root(root);
    // One read buffer per worker, reused from file to file: fresh memory for every
    // 20 MB file would cost more in page faults than the parsing.
    let results: Vec<(usize, Option<Series>, Vec<Diagnostic>)> = files
        .par_iter()
        .map_init(Vec::new, |buf, (position, name, format)| {
            let rel = format!("{DIR}/{name}");
            let mut d = Vec::new();
            let series = match boundary::read_into(&canon, &dir.join(name), buf) {
                Ok(()) => {
                    let series = parse(&rel, ids[*position], *format, buf, &mut d);
                    Some(series)
                }
                Err(refusal) => {
                    d.push(refusal.diagnostic(&rel));
                    None
                }
            };
            (*position, series, d)
        })
        .collect();
    let mut checks = Checks::default();
    let mut ordered: Vec<(usize, Series)> = Vec::new();
    for (position, series, d) in results {
        diags.extend(d);
        ordered.extend(series.map(|s| (position, s)));
    }
    ordered.sort_by_key(|(p, _)| *p);
    checks.series = ordered.into_iter().map(|(_, s)| Arc::new(s)).collect();
    checks
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
}

/// Collects one file's problems, listing the first [`MAX_PROBLEMS_PER_FILE`].
struct Problems<'a> {
    file: &'a str,
    out: &'a mut Vec<Diagnostic>,
    count: usize,
}

impl Problems<'_> {
    fn add(&mut self, line: usize, message: String, help: &str) {
        self.count += 1;
        if self.count <= MAX_PROBLEMS_PER_FILE {
            self.out
                .push(Diagnostic::error(self.file, line, 0, message).with_help(help));
        }
    }

    fn finish(self) {
        if self.count > MAX_PROBLEMS_PER_FILE {
            self.out.push(Diagnostic::error(
                self.file,
                0,
                0,
                format!(
                    "{} more problems in this file are not listed",
                    self.count - MAX_PROBLEMS_PER_FILE
                ),
            ));
        }
    }
}

/// One file's rows into a [`Series`]; problems go to `diags`.
pub fn parse(
    rel: &str,
    component: &str,
    format: Format,
    bytes: &[u8],
    diags: &mut Vec<Diagnostic>,
) -> Series {
    let mut series = Series {
        component: component.to_string(),
        source: rel.to_string(),
        ..Series::default()
    };
    let mut p = Problems {
        file: rel,
        out: diags,
        count: 0,
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            p.add(
                line,
                "the file is not valid UTF-8".into(),
                "save the file as UTF-8",
            );
            p.finish();
            return series;
        }
    };
    // Canonical rows are 30 to 45 bytes: reserve once rather than grow and copy.
    let estimate = text.len() / 30;
    series.times.reserve(estimate);
    series.ok.reserve(estimate);
    series.response_ms.reserve(estimate);
    match format {
        Format::Csv => parse_csv(text, &mut series, &mut p),
        Format::Jsonl => parse_jsonl(text, &mut series, &mut p),
    }
    p.finish();
    series
}

/// One row's values, checked.
struct Row<'a> {
    time: &'a str,
    ok: &'a str,
    response_ms: Option<&'a str>,
    status_code: Option<&'a str>,
}

/// Keeps rows strictly ascending: the last accepted time and its line.
struct Order {
    last: Option<(i64, usize)>,
}

impl Order {
    /// Whether a row at `time` may follow; reports why not.
    fn accept(&mut self, time: i64, text: &str, line: usize, p: &mut Problems) -> bool {
        if let Some((last, last_line)) = self.last
            && time <= last
        {
            let why = if time == last {
                format!("duplicate time {text}: line {last_line} has the same time")
            } else {
                format!("time {text} is before line {last_line}'s: rows must be in time order")
            };
            p.add(
                line,
                why,
                "sort the rows by time, oldest first, and keep one row per time",
            );
            return false;
        }
        self.last = Some((time, line));
        true
    }
}

fn parse_csv(text: &str, series: &mut Series, p: &mut Problems) {
    let mut records = Records::new(text);
    let mut fields: Vec<Cow<str>> = Vec::with_capacity(8);
    // The header: the first record.
    let header_line = match records.next(&mut fields) {
        None => {
            p.add(
                1,
                "the file is empty".into(),
                "start with the header line: time,ok,response_ms,status_code,note",
            );
            return;
        }
        Some(Err((line, why))) => {
            p.add(line, why, FORMAT_HELP);
            return;
        }
        Some(Ok(line)) => line,
    };
    // Column index of each known column.
    let mut at: [Option<usize>; 5] = [None; 5];
    let mut header_ok = true;
    for (n, name) in fields.iter().enumerate() {
        let name = name.trim();
        match COLUMNS.iter().position(|c| *c == name) {
            Some(k) if at[k].is_some() => {
                p.add(
                    header_line,
                    format!("column `{name}` is named twice in the header"),
                    "name each column once",
                );
                header_ok = false;
            }
            Some(k) => at[k] = Some(n),
            None => {
                let help = match crate::load::reader::closest(name, COLUMNS) {
                    Some(c) => format!(
                        "did you mean `{c}`? The columns are: {}",
                        COLUMNS.join(", ")
                    ),
                    None => format!("the columns are: {}", COLUMNS.join(", ")),
                };
                p.add(header_line, format!("unknown column `{name}`"), &help);
                header_ok = false;
            }
        }
    }
    for (k, name) in COLUMNS.iter().enumerate().take(2) {
        if at[k].is_none() {
            p.add(
                header_line,
                format!("the header names no `{name}` column"),
                "the first line names the columns, e.g. time,ok,response_ms,status_code,note",
            );
            header_ok = false;
        }
    }
    if !header_ok {
        return;
    }
    let width = fields.len();
    let [Some(t), Some(o), r, s, _] = at else {
        return;
    };
    let mut order = Order { last: None };
    let mut days: DayCache = None;
    while let Some(next) = records.next(&mut fields) {
        let line = match next {
            Ok(line) => line,
            Err((line, why)) => {
                p.add(line, why, FORMAT_HELP);
                continue;
            }
        };
        if fields.len() == 1 && fields[0].is_empty() {
            continue; // a blank line
        }
        if fields.len() != width {
            p.add(
                line,
                format!(
                    "{} fields where the header names {width}",
                    fields.len()
                ),
                "give every row one value per column of the header (empty for none); quote a value that holds a comma",
            );
            continue;
        }
        let row = Row {
            time: &fields[t],
            ok: &fields[o],
            response_ms: r.map(|k| &*fields[k]),
            status_code: s.map(|k| &*fields[k]),
        };
        if let Some((time, ok, resp)) = check_row(&row, line, p, &mut days)
            && order.accept(time, row.time, line, p)
        {
            series.push(time, ok, resp, line);
        }
    }
}

/// A row's values, or its problems reported.
fn check_row(
    row: &Row,
    line: usize,
    p: &mut Problems,
    days: &mut DayCache,
) -> Option<(i64, bool, Option<f32>)> {
    let time = time_or_problem(row.time, line, p, days);
    let ok = match row.ok {
        "true" => Some(true),
        "false" => Some(false),
        other => {
            p.add(
                line,
                format!("`ok` is {other:?}, not true or false"),
                "write true when the check passed, false when it failed",
            );
            None
        }
    };
    let response = match row.response_ms {
        None | Some("") => Some(None),
        Some(v) => match parse_response(v) {
            Some(ms) => Some(Some(ms)),
            None => {
                p.add(
                    line,
                    format!("`response_ms` {v:?} is not a non-negative number"),
                    "write the response time in milliseconds (e.g. 182 or 182.5), or leave it empty",
                );
                None
            }
        },
    };
    if let Some(code) = row.status_code
        && !code.is_empty()
        && !code.parse::<u16>().is_ok_and(|c| (100..=599).contains(&c))
    {
        p.add(
            line,
            format!("`status_code` {code:?} is not an HTTP status from 100 to 599"),
            "write the HTTP status code (e.g. 200), or leave it empty",
        );
        return None;
    }
    Some((time?, ok?, response?))
}

/// A row's time, or its problem reported.
fn time_or_problem(text: &str, line: usize, p: &mut Problems, days: &mut DayCache) -> Option<i64> {
    let time = parse_time_cached(text, days);
    if time.is_none() {
        p.add(
            line,
            format!("`time` {text:?} is not an RFC 3339 time with an offset"),
            "write times like 2026-03-14T10:36:00Z or 2026-03-14T11:36:00+01:00",
        );
    }
    time
}

fn parse_response(v: &str) -> Option<f32> {
    // Integers first: the common case, and exact.
    if let Ok(n) = v.parse::<u32>() {
        return Some(n as f32);
    }
    let f: f64 = v.parse().ok()?;
    (f.is_finite() && f >= 0.0 && !v.starts_with('+')).then_some(f as f32)
}

/// A JSONL row. `note` is read (so a wrong type is reported) but not kept.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRow<'a> {
    #[serde(borrow)]
    time: Cow<'a, str>,
    ok: bool,
    #[serde(default)]
    response_ms: Option<f64>,
    #[serde(default)]
    status_code: Option<i64>,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<Cow<'a, str>>,
}

fn parse_jsonl(text: &str, series: &mut Series, p: &mut Problems) {
    let mut order = Order { last: None };
    let mut days: DayCache = None;
    for (n, raw) in text.split('\n').enumerate() {
        let line = n + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.trim().is_empty() {
            continue;
        }
        let row: JsonRow = match serde_json::from_str(raw) {
            Ok(r) => r,
            Err(e) => {
                p.add(
                    line,
                    format!("not a check row: {e}"),
                    "write one JSON object per line: {\"time\":\"2026-03-14T10:36:00Z\",\"ok\":true,\"response_ms\":182,\"status_code\":200}",
                );
                continue;
            }
        };
        let time = time_or_problem(&row.time, line, p, &mut days);
        let response = match row.response_ms {
            None => Some(None),
            Some(v) if v.is_finite() && v >= 0.0 => Some(Some(v as f32)),
            Some(v) => {
                p.add(
                    line,
                    format!("`response_ms` {v} is not a non-negative number"),
                    "write the response time in milliseconds, or null",
                );
                None
            }
        };
        if let Some(code) = row.status_code
            && !(100..=599).contains(&code)
        {
            p.add(
                line,
                format!("`status_code` {code} is not an HTTP status from 100 to 599"),
                "write the HTTP status code (e.g. 200), or null",
            );
            continue;
        }
        if let (Some(time), Some(response)) = (time, response)
            && order.accept(time, &row.time, line, p)
        {
            series.push(time, row.ok, response, line);
        }
    }
}

/// RFC 4180 records over a whole file, with the 1-based line each record starts on.
struct Records<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
}

impl<'a> Records<'a> {
    fn new(text: &'a str) -> Self {
        Records {
            text,
            pos: 0,
            line: 1,
        }
    }

    /// The next record's fields into `out`: `Ok(line)`, or `Err((line, why))` for a
    /// record that is not valid CSV (the reader moves past it). `None` at the end.
    fn next(&mut self, out: &mut Vec<Cow<'a, str>>) -> Option<Result<usize, (usize, String)>> {
        out.clear();
        let bytes = self.text.as_bytes();
        if self.pos >= bytes.len() {
            return None;
        }
        let start_line = self.line;
        let rest = &bytes[self.pos..];
        let end = memchr::memchr(b'\n', rest).map_or(bytes.len(), |i| self.pos + i);
        let line = &self.text[self.pos..end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        // The fast path, one pass over the line: fields end at commas; a quote anywhere
        // sends the record to the full RFC 4180 reader.
        let mut from = 0;
        for (i, &c) in line.as_bytes().iter().enumerate() {
            if c == b',' {
                out.push(Cow::Borrowed(&line[from..i]));
                from = i + 1;
            } else if c == b'"' {
                out.clear();
                return Some(self.quoted(out).map(|()| start_line));
            }
        }
        out.push(Cow::Borrowed(&line[from..]));
        self.pos = end + 1;
        self.line += 1;
        Some(Ok(start_line))
    }

    /// A record with quoted fields, which may span lines.
    fn quoted(&mut self, out: &mut Vec<Cow<'a, str>>) -> Result<(), (usize, String)> {
        let text = self.text;
        let bytes = text.as_bytes();
        let start_line = self.line;
        let mut i = self.pos;
        loop {
            if i < bytes.len() && bytes[i] == b'"' {
                // A quoted field: until a quote not followed by another.
                let mut value = String::new();
                let mut j = i + 1;
                loop {
                    let Some(k) = memchr::memchr(b'"', &bytes[j..]).map(|k| j + k) else {
                        self.skip_line_from(text.len());
                        return Err((start_line, "a quoted value is never closed".into()));
                    };
                    let chunk = &text[j..k];
                    self.line += chunk.matches('\n').count();
                    value.push_str(chunk);
                    if bytes.get(k + 1) == Some(&b'"') {
                        value.push('"');
                        j = k + 2;
                    } else {
                        j = k + 1;
                        break;
                    }
                }
                out.push(Cow::Owned(value));
                i = j;
            } else {
                let end = bytes[i..]
                    .iter()
                    .position(|&b| matches!(b, b',' | b'\n' | b'\r' | b'"'))
                    .map_or(bytes.len(), |k| i + k);
                if bytes.get(end) == Some(&b'"') {
                    self.skip_line_from(end);
                    return Err((
                        self.line - 1,
                        "a quote inside a value that does not start with one".into(),
                    ));
                }
                out.push(Cow::Borrowed(&text[i..end]));
                i = end;
            }
            match bytes.get(i) {
                Some(b',') => i += 1,
                None => {
                    self.pos = i;
                    self.line += 1;
                    return Ok(());
                }
                Some(b'\n') => {
                    self.pos = i + 1;
                    self.line += 1;
                    return Ok(());
                }
                Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => {
                    self.pos = i + 2;
                    self.line += 1;
                    return Ok(());
                }
                Some(_) => {
                    self.skip_line_from(i);
                    return Err((
                        self.line - 1,
                        "text after a closing quote; a quote inside a quoted value is written twice (\"\")".into(),
                    ));
                }
            }
        }
    }

    /// Moves past the rest of the line containing byte `from`.
    fn skip_line_from(&mut self, from: usize) {
        let bytes = self.text.as_bytes();
        let from = from.min(bytes.len());
        let end = memchr::memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |k| from + k);
        self.pos = end + 1;
        self.line += 1;
    }
}

/// An RFC 3339 time with an offset, in milliseconds since the epoch (sub-millisecond
/// parts dropped). The canonical shape (`2026-03-14T10:36:00Z`, optional fraction,
/// `Z` or `±HH:MM`) is parsed by hand; anything else goes to chrono.
pub fn parse_time(s: &str) -> Option<i64> {
    parse_time_cached(s, &mut None)
}

/// The date of the previous time and its day number: consecutive checks share a date, so
/// the calendar arithmetic runs once a day rather than once a row.
type DayCache = Option<([u8; 10], i64)>;

fn parse_time_cached(s: &str, cache: &mut DayCache) -> Option<i64> {
    fast_time_cached(s, cache).or_else(|| {
        chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.timestamp_millis())
    })
}

#[cfg(test)]
fn fast_time(s: &str) -> Option<i64> {
    fast_time_cached(s, &mut None)
}

fn fast_time_cached(s: &str, cache: &mut DayCache) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> {
        let mut n = 0i64;
        for &c in &b[from..to] {
            if !c.is_ascii_digit() {
                return None;
            }
            n = n * 10 + i64::from(c - b'0');
        }
        Some(n)
    };
    let days = match cache {
        Some((date, days)) if date[..] == b[..10] => *days,
        _ => {
            let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
            let date = chrono::NaiveDate::from_ymd_opt(
                i32::try_from(year).ok()?,
                u32::try_from(month).ok()?,
                u32::try_from(day).ok()?,
            )?;
            let days = i64::from(date.num_days_from_ce()) - DAYS_TO_EPOCH;
            let mut date = [0u8; 10];
            date.copy_from_slice(&b[..10]);
            *cache = Some((date, days));
            days
        }
    };
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut i = 19;
    let mut millis = 0i64;
    if b[i] == b'.' {
        let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        for k in 0..3 {
            millis = millis * 10
                + if k < digits {
                    i64::from(b[i + 1 + k] - b'0')
                } else {
                    0
                };
        }
        i += 1 + digits;
    }
    let offset_secs = match &b[i..] {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let digit = |c: u8| c.is_ascii_digit().then(|| i64::from(c - b'0'));
            let h = digit(*h1)? * 10 + digit(*h2)?;
            let m = digit(*m1)? * 10 + digit(*m2)?;
            if h > 23 || m > 59 {
                return None;
            }
            let v = h * 3600 + m * 60;
            if *sign == b'-' { -v } else { v }
        }
        _ => return None,
    };
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
    Some(secs * 1000 + millis)
}

/// Days from 0001-01-01 (chrono's day 1 of the common era) to 1970-01-01.
const DAYS_TO_EPOCH: i64 = 719_163;

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &str) -> (Series, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let s = parse(
            "data/checks/api.csv",
            "api",
            Format::Csv,
            text.as_bytes(),
            &mut d,
        );
        (s, d)
    }

    fn jsonl(text: &str) -> (Series, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let s = parse(
            "data/checks/api.jsonl",
            "api",
            Format::Jsonl,
            text.as_bytes(),
            &mut d,
        );
        (s, d)
    }

    fn lines(d: &[Diagnostic]) -> Vec<(usize, String)> {
        d.iter().map(|d| (d.line, d.message.clone())).collect()
    }

    #[test]
    fn the_fast_time_path_agrees_with_chrono() {
        for s in [
            "2026-03-14T10:36:00Z",
            "2026-03-14T11:36:00+01:00",
            "2026-03-14T10:36:00.250Z",
            "2026-03-14T10:36:00.2509Z",
            "2026-03-14T10:36:00.5-05:30",
            "2024-02-29T23:59:59Z",
            "1969-12-31T23:59:59.999Z",
            "2000-01-01T00:00:00+23:59",
        ] {
            let chrono = chrono::DateTime::parse_from_rfc3339(s)
                .unwrap()
                .timestamp_millis();
            assert_eq!(fast_time(s), Some(chrono), "{s}");
        }
        for bad in [
            "2026-02-29T10:00:00Z",
            "2026-13-01T10:00:00Z",
            "2026-03-14T24:00:00Z",
            "2026-03-14T10:36:00",
            "2026-03-14T10:36:00.Z",
            "2026-03-14 10:36:00Z",
            "2026-03-14T10:36:00+0100",
        ] {
            assert_eq!(fast_time(bad), None, "{bad}");
        }
        // Forms only chrono takes are still read.
        assert_eq!(
            parse_time("2026-03-14 10:36:00z"),
            parse_time("2026-03-14T10:36:00Z")
        );
        assert_eq!(parse_time("2026-03-14T10:36:00"), None);
        assert_eq!(parse_time("yesterday"), None);
    }

    #[test]
    fn the_day_cache_follows_the_date() {
        let mut cache = None;
        let a = parse_time_cached("2026-03-14T23:59:00Z", &mut cache).unwrap();
        let b = parse_time_cached("2026-03-15T00:00:00Z", &mut cache).unwrap();
        assert_eq!(b - a, 60_000);
        assert_eq!(parse_time_cached("2026-03-15T24:00:00Z", &mut cache), None);
        let c = parse_time_cached("2026-03-15T00:00:00.5+01:00", &mut cache).unwrap();
        assert_eq!(b - c, 3_600_000 - 500);
        assert_eq!(parse_time_cached("2026-02-30T00:00:00Z", &mut cache), None);
    }

    #[test]
    fn reads_the_canonical_csv() {
        let (s, d) = csv("time,ok,response_ms,status_code,note\r\n\
             2026-03-14T10:36:00Z,true,182,200,\r\n\
             2026-03-14T10:37:00Z,false,,503,\"timeout, then \"\"reset\"\"\"\r\n\
             \r\n\
             2026-03-14T11:38:00+01:00,true,90.5,,\r\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.len(), 3);
        assert_eq!(s.ok, vec![true, false, true]);
        assert_eq!(s.times[1] - s.times[0], 60_000);
        assert_eq!(s.times[2] - s.times[1], 60_000);
        assert_eq!(s.response(0), Some(182.0));
        assert_eq!(s.response(1), None);
        assert_eq!(s.response(2), Some(90.5));
        assert_eq!(
            (0..3).map(|r| s.line_of(r)).collect::<Vec<_>>(),
            vec![2, 3, 5]
        );
    }

    #[test]
    fn columns_in_any_order_and_optional_ones_left_out() {
        let (s, d) = csv("ok,time\nfalse,2026-03-14T10:36:00Z\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.ok, vec![false]);
    }

    #[test]
    fn a_note_over_two_lines_keeps_line_numbers_right() {
        let (s, d) = csv(
            "time,ok,note\n2026-03-14T10:36:00Z,true,\"two\nlines\"\n2026-03-14T10:37:00Z,maybe,\n",
        );
        assert_eq!(s.len(), 1);
        assert_eq!(
            lines(&d),
            vec![(4, "`ok` is \"maybe\", not true or false".into())]
        );
    }

    #[test]
    fn reports_every_bad_row_with_its_line() {
        let (s, d) = csv("time,ok,response_ms,status_code,note\n\
             2026-03-14T10:36:00Z,true,182,200,\n\
             2026-03-14T10:36:00Z,true,182,200,\n\
             2026-03-14T10:35:00Z,true,182,200,\n\
             2026-03-14T10:38:00,yes,-1,700,\n\
             2026-03-14T10:39:00Z,true\n\
             2026-03-14T10:40:00Z,true,1,200,a\"b\n\
             2026-03-14T10:41:00Z,true,1,200,ok\n");
        assert_eq!(s.len(), 2);
        let got = lines(&d);
        assert_eq!(got.len(), 8, "{got:#?}");
        assert!(
            got[0].0 == 3 && got[0].1.starts_with("duplicate time"),
            "{got:?}"
        );
        assert!(
            got[1].0 == 4 && got[1].1.contains("before line 2"),
            "{got:?}"
        );
        assert!(got[2..6].iter().all(|(l, _)| *l == 5), "{got:?}");
        assert_eq!(got[6], (6, "2 fields where the header names 5".into()));
        assert_eq!(got[7].0, 7);
    }

    #[test]
    fn header_problems() {
        let (_, d) = csv("time,okk,respone_ms\n");
        let got = lines(&d);
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(d[0].help.as_deref().unwrap().contains("did you mean `ok`"));
        assert!(
            d[1].help
                .as_deref()
                .unwrap()
                .contains("did you mean `response_ms`")
        );
        assert_eq!(got[2].1, "the header names no `ok` column");
        let (_, d) = csv("");
        assert_eq!(lines(&d), vec![(1, "the file is empty".into())]);
    }

    #[test]
    fn many_problems_are_counted_not_listed() {
        let mut text = String::from("time,ok\n");
        for _ in 0..100 {
            text.push_str("bad,true\n");
        }
        let (_, d) = csv(&text);
        assert_eq!(d.len(), MAX_PROBLEMS_PER_FILE + 1);
        assert_eq!(
            d.last().unwrap().message,
            "80 more problems in this file are not listed"
        );
    }

    #[test]
    fn reads_jsonl() {
        let (s, d) = jsonl(
            "{\"time\":\"2026-03-14T10:36:00Z\",\"ok\":true,\"response_ms\":182,\"status_code\":200}\n\
             \n\
             {\"time\":\"2026-03-14T10:37:00Z\",\"ok\":false,\"response_ms\":null,\"note\":\"x\"}\n\
             {\"time\":\"2026-03-14T10:37:00Z\",\"ok\":false}\n\
             {\"time\":\"2026-03-14T10:38:00Z\",\"ok\":\"no\"}\n\
             {\"time\":\"2026-03-14T10:39:00Z\",\"ok\":true,\"latency\":3}\n",
        );
        assert_eq!(s.ok, vec![true, false]);
        assert_eq!(s.line_of(1), 3);
        let got: Vec<usize> = d.iter().map(|d| d.line).collect();
        assert_eq!(got, vec![4, 5, 6], "{d:#?}");
    }

    proptest::proptest! {
        /// Any bytes: problems are reported, nothing panics, and what is kept is sorted.
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            for format in [Format::Csv, Format::Jsonl] {
                let mut d = Vec::new();
                let s = parse("f", "api", format, &bytes, &mut d);
                proptest::prop_assert!(s.times.windows(2).all(|w| w[0] < w[1]));
            }
        }

        /// Arbitrary CSV-ish text with the header, quotes, commas and line breaks.
        #[test]
        fn never_panics_on_csv_like_text(body in "[tf0-9TZ:.,\"\r\n-]{0,200}") {
            let mut d = Vec::new();
            let text = format!("time,ok,note\n{body}");
            let s = parse("f", "api", Format::Csv, text.as_bytes(), &mut d);
            proptest::prop_assert_eq!(s.times.len(), s.ok.len());
        }

        /// The hand-written time parser agrees with chrono on every canonical time.
        #[test]
        fn fast_times_agree_with_chrono(
            secs in -2_000_000_000i64..5_000_000_000i64,
            millis in 0i64..1000,
            offset_min in -1439i32..1440,
            with_millis: bool,
        ) {
            let t = chrono::DateTime::from_timestamp(secs, (millis * 1_000_000) as u32).unwrap();
            let tz = chrono::FixedOffset::east_opt(offset_min * 60).unwrap();
            let fmt = if with_millis { "%Y-%m-%dT%H:%M:%S%.3f%:z" } else { "%Y-%m-%dT%H:%M:%S%:z" };
            let text = t.with_timezone(&tz).format(fmt).to_string();
            let want = chrono::DateTime::parse_from_rfc3339(&text).unwrap().timestamp_millis();
            proptest::prop_assert_eq!(fast_time(&text), Some(want), "{}", text);
        }
    }

    #[test]
    fn not_utf8() {
        let mut d = Vec::new();
        parse("f.csv", "api", Format::Csv, b"time,ok\n\xff,true\n", &mut d);
        assert_eq!(d[0].line, 2);
    }
}
