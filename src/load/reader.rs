//! Typed reading of a spanned TOML table. Every problem becomes a diagnostic with the
//! line and column of the file (not of the front matter), and reading goes on so that
//! one run reports every problem.

use std::ops::Range;

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde_spanned::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Diagnostic, line_col};

pub type Value<'i> = Spanned<DeValue<'i>>;

/// Byte offsets where the lines of `text` start; the first is 0.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// Where a TOML text sits inside its file, and where problems are collected.
pub struct Reader<'a> {
    /// Path relative to the site root, for messages.
    pub file: &'a str,
    /// The whole file text (after any BOM).
    pub text: &'a str,
    /// Byte offset of the TOML text inside `text`.
    pub base: usize,
    pub tz: Tz,
    pub diags: &'a mut Vec<Diagnostic>,
    /// Positions already reported as syntax errors: later problems there are echoes.
    pub syntax_errors: Vec<(usize, usize)>,
    /// Where the lines of `text` start, built on the first position asked for (every
    /// update and action records its line, so scanning from the top each time adds up).
    lines: std::cell::OnceCell<Vec<usize>>,
    /// Where the parsed TOML text ends in `text` (all of it until `parse` says).
    toml_end: usize,
}

impl<'a> Reader<'a> {
    pub fn new(
        file: &'a str,
        text: &'a str,
        base: usize,
        tz: Tz,
        diags: &'a mut Vec<Diagnostic>,
    ) -> Self {
        Reader {
            file,
            text,
            base,
            tz,
            diags,
            syntax_errors: Vec::new(),
            lines: std::cell::OnceCell::new(),
            toml_end: usize::MAX,
        }
    }

    pub fn position(&self, span: &Range<usize>) -> (usize, usize) {
        // Positions fall in the TOML text: only its lines are indexed, not the body's.
        let lines = self
            .lines
            .get_or_init(|| line_starts(&self.text[..self.toml_end.min(self.text.len())]));
        let offset = (self.base + span.start).min(self.text.len());
        // The last indexed line start at or before `offset`, then counted on from there
        // as `line_col` counts.
        let line = lines.partition_point(|&start| start <= offset);
        let start = lines[line - 1];
        let (more, col) = line_col(&self.text[start..], offset - start);
        (line + more - 1, col)
    }

    pub fn error(
        &mut self,
        span: &Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let (line, col) = self.position(span);
        if self.syntax_errors.contains(&(line, col)) {
            return;
        }
        let help = help.into();
        let mut d = Diagnostic::error(self.file, line, col, message);
        if !help.is_empty() {
            d = d.with_help(help);
        }
        self.diags.push(d);
    }

    /// Parses TOML text; a syntax error is reported with its position.
    pub fn parse(&mut self, toml_text: &'a str) -> Option<Spanned<DeTable<'a>>> {
        self.toml_end = self.base + toml_text.len();
        // Recover past syntax errors so the rest of the file is still checked.
        let (table, errors) = DeTable::parse_recoverable(toml_text);
        for e in &errors {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().trim().to_string();
            self.error(
                &span,
                format!("invalid TOML: {msg}"),
                "fix the TOML syntax here (strings need quotes, dates look like 2026-03-14T10:36:00+01:00)",
            );
            let (line, col) = self.position(&span);
            self.syntax_errors.push((line, col));
        }
        Some(table)
    }

    /// Reports keys that are not in `allowed`, suggesting the closest allowed key.
    pub fn deny_unknown(&mut self, table: &DeTable<'_>, allowed: &[&str], what: &str) {
        for (k, _) in table.iter() {
            let key: &str = k.get_ref();
            if !allowed.contains(&key) {
                let help = match closest(key, allowed) {
                    Some(s) => format!(
                        "did you mean `{s}`? Allowed keys in {what}: {}",
                        allowed.join(", ")
                    ),
                    None => format!("remove it; allowed keys in {what}: {}", allowed.join(", ")),
                };
                self.error(&k.span(), format!("unknown key `{key}` in {what}"), help);
            }
        }
    }

    pub fn get<'t, 'i>(table: &'t DeTable<'i>, key: &str) -> Option<&'t Value<'i>> {
        table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(_, v)| v)
    }

    fn type_error(&mut self, v: &Value<'_>, key: &str, expected: &str, example: &str) {
        self.error(
            &v.span(),
            format!(
                "`{key}` must be {expected}, found {}",
                v.get_ref().type_str()
            ),
            format!("write it like: {key} = {example}"),
        );
    }

    fn missing(&mut self, table_span: &Range<usize>, key: &str, what: &str, example: &str) {
        self.error(
            &(table_span.start..table_span.start),
            format!("{what} is missing required key `{key}`"),
            format!("add: {key} = {example}"),
        );
    }

    pub fn opt_str(&mut self, table: &DeTable<'_>, key: &str) -> Option<String> {
        let v = Self::get(table, key)?;
        match v.get_ref().as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.type_error(v, key, "a string", "\"...\"");
                None
            }
        }
    }

    /// A required non-empty string.
    pub fn req_str(
        &mut self,
        table: &DeTable<'_>,
        span: &Range<usize>,
        key: &str,
        what: &str,
    ) -> Option<String> {
        match Self::get(table, key) {
            None => {
                self.missing(span, key, what, "\"...\"");
                None
            }
            Some(v) => {
                let s = self.opt_str(table, key)?;
                if s.trim().is_empty() {
                    self.error(
                        &v.span(),
                        format!("`{key}` is empty"),
                        format!("give `{key}` a value"),
                    );
                    return None;
                }
                Some(s)
            }
        }
    }

    pub fn opt_bool(&mut self, table: &DeTable<'_>, key: &str) -> Option<bool> {
        let v = Self::get(table, key)?;
        match v.get_ref().as_bool() {
            Some(b) => Some(b),
            None => {
                self.type_error(v, key, "true or false", "true");
                None
            }
        }
    }

    /// A number (integer or float) within `range`.
    pub fn opt_f64(&mut self, table: &DeTable<'_>, key: &str, min: f64, max: f64) -> Option<f64> {
        let v = Self::get(table, key)?;
        let n = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            _ => None,
        };
        match n {
            Some(n) if n.is_finite() && n >= min && n <= max => Some(n),
            Some(n) => {
                self.error(
                    &v.span(),
                    format!("`{key}` = {n} is out of range"),
                    format!("use a number from {min} to {max}"),
                );
                None
            }
            None => {
                self.type_error(v, key, "a number", &format!("{max}"));
                None
            }
        }
    }

    /// A whole number within `range`.
    pub fn opt_u64(&mut self, table: &DeTable<'_>, key: &str, min: u64, max: u64) -> Option<u64> {
        let v = Self::get(table, key)?;
        let n = match v.get_ref() {
            DeValue::Integer(i) => {
                i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok()
            }
            _ => None,
        };
        match n {
            Some(n) if n >= 0 && (n as u64) >= min && (n as u64) <= max => Some(n as u64),
            Some(n) => {
                self.error(
                    &v.span(),
                    format!("`{key}` = {n} is out of range"),
                    format!("use a whole number from {min} to {max}"),
                );
                None
            }
            None => {
                self.type_error(v, key, "a whole number", &format!("{min}"));
                None
            }
        }
    }

    /// A word from a fixed vocabulary.
    pub fn opt_word<T>(
        &mut self,
        table: &DeTable<'_>,
        key: &str,
        parse: impl Fn(&str) -> Option<T>,
        words: &[&str],
    ) -> Option<T> {
        let v = Self::get(table, key)?;
        let s = self.opt_str(table, key)?;
        self.word(&v.span(), key, &s, parse, words)
    }

    pub fn word<T>(
        &mut self,
        span: &Range<usize>,
        key: &str,
        s: &str,
        parse: impl Fn(&str) -> Option<T>,
        words: &[&str],
    ) -> Option<T> {
        match parse(s) {
            Some(t) => Some(t),
            None => {
                let list = crate::vocabulary::one_of(words);
                let help = match closest(s, words) {
                    Some(c) => format!("did you mean \"{c}\"? Use one of {list}"),
                    None => format!("use one of {list}"),
                };
                self.error(span, format!("`{key}` has unknown value \"{s}\""), help);
                None
            }
        }
    }

    /// A TOML date-time. With an offset it is absolute; without one it is read in the
    /// site timezone. A local time that does not exist (clocks jump forward) is an error;
    /// one that exists twice (clocks go back) is read as the earlier of the two instants.
    pub fn opt_datetime(&mut self, table: &DeTable<'_>, key: &str) -> Option<DateTime<Utc>> {
        let v = Self::get(table, key)?;
        self.datetime_value(v, key)
    }

    pub fn req_datetime(
        &mut self,
        table: &DeTable<'_>,
        span: &Range<usize>,
        key: &str,
        what: &str,
    ) -> Option<DateTime<Utc>> {
        if Self::get(table, key).is_none() {
            self.missing(span, key, what, "2026-03-14T10:36:00+01:00");
            return None;
        }
        self.opt_datetime(table, key)
    }

    pub fn datetime_value(&mut self, v: &Value<'_>, key: &str) -> Option<DateTime<Utc>> {
        let example = "2026-03-14T10:36:00+01:00";
        let Some(dt) = v.get_ref().as_datetime() else {
            self.error(
                &v.span(),
                format!(
                    "`{key}` must be a date and time, found {}",
                    v.get_ref().type_str()
                ),
                format!("write it without quotes, like: {key} = {example}"),
            );
            return None;
        };
        let (Some(d), Some(t)) = (dt.date, dt.time) else {
            self.error(
                &v.span(),
                format!("`{key}` needs both a date and a time"),
                format!("write it like: {key} = {example}"),
            );
            return None;
        };
        let Some(date) = NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32)
        else {
            self.error(
                &v.span(),
                format!("`{key}` is not a real date"),
                "check the day and month",
            );
            return None;
        };
        let second = t.second.unwrap_or(0).min(59) as u32;
        let Some(time) = NaiveTime::from_hms_nano_opt(
            t.hour as u32,
            t.minute as u32,
            second,
            t.nanosecond.unwrap_or(0),
        ) else {
            self.error(
                &v.span(),
                format!("`{key}` is not a real time of day"),
                "check the hours and minutes",
            );
            return None;
        };
        let naive = NaiveDateTime::new(date, time);
        match dt.offset {
            Some(toml::value::Offset::Z) => Some(Utc.from_utc_datetime(&naive)),
            Some(toml::value::Offset::Custom { minutes }) => {
                Some(Utc.from_utc_datetime(&(naive - chrono::Duration::minutes(minutes as i64))))
            }
            None => {
                match self.tz.from_local_datetime(&naive) {
                    LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
                    LocalResult::Ambiguous(a, _) => Some(a.with_timezone(&Utc)),
                    LocalResult::None => {
                        self.error(
                        &v.span(),
                        format!("`{key}` = {naive} does not exist in {} (the clocks jump forward then)", self.tz.name()),
                        format!("give the time with its UTC offset, like {key} = {}T03:30:00+02:00", date),
                    );
                        None
                    }
                }
            }
        }
    }

    /// A TOML date (`2026-04-10`); a date-time is accepted and its date used.
    pub fn opt_date(&mut self, table: &DeTable<'_>, key: &str) -> Option<NaiveDate> {
        let v = Self::get(table, key)?;
        let Some(dt) = v.get_ref().as_datetime() else {
            self.error(
                &v.span(),
                format!("`{key}` must be a date, found {}", v.get_ref().type_str()),
                format!("write it without quotes, like: {key} = 2026-04-10"),
            );
            return None;
        };
        let Some(d) = dt.date else {
            self.error(
                &v.span(),
                format!("`{key}` must be a date"),
                format!("write it like: {key} = 2026-04-10"),
            );
            return None;
        };
        match NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32) {
            Some(date) => Some(date),
            None => {
                self.error(
                    &v.span(),
                    format!("`{key}` is not a real date"),
                    "check the day and month",
                );
                None
            }
        }
    }
}

/// The allowed word closest to `word`, if it is close enough to be a typo.
pub fn closest<'w>(word: &str, allowed: &[&'w str]) -> Option<&'w str> {
    allowed
        .iter()
        .map(|a| (strsim::levenshtein(&word.to_lowercase(), a), *a))
        .filter(|(d, a)| *d <= 1 || (*d == 2 && a.len() >= 5))
        .min()
        .map(|(_, a)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T>(
        toml_text: &str,
        tz: Tz,
        f: impl FnOnce(&mut Reader, &DeTable) -> T,
    ) -> (T, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut r = Reader::new("f.md", toml_text, 0, tz, &mut diags);
        let t = r.parse(toml_text).expect("parses");
        let out = f(&mut r, t.get_ref());
        (out, diags)
    }

    #[test]
    fn positions_match_line_col_everywhere() {
        let text = "+++\r\ntitle = \"Störung 障害\"\n\n[[updates]]\nmessage = \"x\"\r\n+++\n## Body\n\nü\n";
        let toml_end = text.find("+++\n").unwrap();
        let mut diags = Vec::new();
        for (base, parsed) in [(0, false), (5, false), (5, true)] {
            let mut r = Reader::new("f.md", text, base, Tz::UTC, &mut diags);
            if parsed {
                // Only the TOML's lines are indexed then; the body's are still counted.
                assert!(r.parse(&text[base..toml_end]).is_some());
            }
            for start in 0..=text.len() + 3 {
                let span = start.saturating_sub(base)..start.saturating_sub(base);
                let expected = line_col(text, (base + span.start).min(text.len()));
                assert_eq!(r.position(&span), expected, "offset {start}, base {base}");
            }
        }
    }

    #[test]
    fn naive_times_are_read_in_the_site_timezone() {
        let (t, d) = read(
            "a = 2026-03-14T10:36:00",
            chrono_tz::Europe::Berlin,
            |r, t| r.opt_datetime(t, "a"),
        );
        assert!(d.is_empty());
        assert_eq!(t.unwrap().to_rfc3339(), "2026-03-14T09:36:00+00:00");
    }

    #[test]
    fn offsets_are_absolute() {
        let (t, _) = read(
            "a = 2026-03-14T10:36:00-05:30",
            chrono_tz::Europe::Berlin,
            |r, t| r.opt_datetime(t, "a"),
        );
        assert_eq!(t.unwrap().to_rfc3339(), "2026-03-14T16:06:00+00:00");
    }

    #[test]
    fn dst_gap_is_an_error_and_overlap_takes_the_earlier() {
        let (t, d) = read(
            "a = 2026-03-29T02:30:00",
            chrono_tz::Europe::Berlin,
            |r, t| r.opt_datetime(t, "a"),
        );
        assert!(t.is_none());
        assert!(
            d[0].message.contains("does not exist in Europe/Berlin"),
            "{:?}",
            d
        );
        let (t, d) = read(
            "a = 2026-10-25T02:30:00",
            chrono_tz::Europe::Berlin,
            |r, t| r.opt_datetime(t, "a"),
        );
        assert!(d.is_empty());
        assert_eq!(t.unwrap().to_rfc3339(), "2026-10-25T00:30:00+00:00");
    }

    #[test]
    fn unknown_keys_suggest_the_closest() {
        let (_, d) = read("titel = 1\nzzz = 2", Tz::UTC, |r, t| {
            r.deny_unknown(t, &["title", "impact"], "an incident")
        });
        assert_eq!(d.len(), 2);
        assert_eq!((d[0].line, d[0].column), (1, 1));
        assert!(d[0].help.as_ref().unwrap().contains("did you mean `title`"));
        assert_eq!(d[1].line, 2);
    }

    #[test]
    fn impossible_dates_are_reported() {
        let mut diags = Vec::new();
        let text = "a = 2026-02-30T10:00:00Z";
        let mut r = Reader::new("f.md", text, 0, Tz::UTC, &mut diags);
        let parsed = r.parse(text);
        if let Some(t) = parsed {
            assert!(r.opt_datetime(t.get_ref(), "a").is_none());
        }
        assert_eq!(diags.len(), 1, "{diags:?}");
    }
}
