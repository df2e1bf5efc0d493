//! Source content files: front matter in YAML (`---`), TOML (`+++` or `---toml`) or JSON
//! (`---json`), parsed into one JSON value with the line of each top-level key, and the
//! Markdown body. Also the value readers every format shares (lenient booleans, strings).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use crate::import::model::Origin;
use crate::import::report::Report;
use crate::import::text::clean_chars;
use crate::import::time;

/// A source file split and parsed.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The front matter as a JSON object.
    pub front: serde_json::Map<String, Value>,
    /// The front matter text, to find lines in.
    front_text: String,
    /// 1-based line of the front matter's first line.
    front_line: usize,
    pub body: String,
    /// 1-based line where the body starts.
    pub body_line: usize,
    /// The opening `---` was missing.
    pub headless: bool,
}

/// Why a file is not a content file we can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotContent {
    pub line: usize,
    pub reason: String,
}

fn not(line: usize, reason: impl Into<String>) -> NotContent {
    NotContent {
        line,
        reason: reason.into(),
    }
}

impl SourceFile {
    /// The line of a top-level key (`key:`, `key =`, `"key":`), else of the front matter.
    pub fn key_line(&self, key: &str) -> usize {
        self.find_line(|l| {
            let l = l.trim_start().trim_start_matches('"');
            l.strip_prefix(key)
                .map(|r| {
                    let r = r.trim_start_matches('"').trim_start();
                    r.starts_with(':') || r.starts_with('=')
                })
                .unwrap_or(false)
        })
        .unwrap_or(self.front_line.saturating_sub(1).max(1))
    }

    /// The first front-matter line containing `needle` after the line of `key`, else the key's.
    pub fn value_line(&self, key: &str, needle: &str) -> usize {
        let from = self.key_line(key);
        self.front_text
            .lines()
            .enumerate()
            .map(|(i, l)| (self.front_line + i, l))
            .find(|(n, l)| *n >= from && l.contains(needle))
            .map(|(n, _)| n)
            .unwrap_or(from)
    }

    fn find_line(&self, f: impl Fn(&str) -> bool) -> Option<usize> {
        self.front_text
            .lines()
            .position(f)
            .map(|i| self.front_line + i)
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.front.get(key).filter(|v| !v.is_null())
    }

    /// A key read case-insensitively (Hugo front matter is: `Title:` works).
    pub fn get_ci(&self, key: &str) -> Option<(&str, &Value)> {
        self.front
            .iter()
            .find(|(k, v)| k.eq_ignore_ascii_case(key) && !v.is_null())
            .map(|(k, v)| (k.as_str(), v))
    }
}

/// Decodes bytes as UTF-8 (without a BOM), as the site loader does.
pub fn decode(bytes: &[u8]) -> Result<&str, NotContent> {
    crate::load::frontmatter::decode(bytes).map_err(|e| not(e.line(), "not valid UTF-8 text"))
}

#[derive(Clone, Copy)]
enum Kind {
    Yaml,
    Toml,
    Json,
}

/// Splits and parses a content file.
pub fn read(bytes: &[u8]) -> Result<SourceFile, NotContent> {
    let text = decode(bytes)?;
    let mut lines = text.split_inclusive('\n');
    let first_raw = lines.next().unwrap_or("");
    let first = first_raw.trim_end();
    let (kind, close) = match first.trim_end() {
        "---" | "---yaml" | "---yml" => (Kind::Yaml, "---"),
        "---toml" => (Kind::Toml, "---"),
        "---json" => (Kind::Json, "---"),
        "+++" => (Kind::Toml, "+++"),
        _ if text.trim().is_empty() => return Err(not(1, "the file is empty")),
        _ => return headless(text),
    };
    let start = first_raw.len();
    let mut offset = start;
    let mut line_no = 1;
    let mut end = None;
    for l in lines {
        line_no += 1;
        // YAML documents may also close with `...`.
        let t = l.trim_end();
        if t == close || (matches!(kind, Kind::Yaml) && t == "...") {
            end = Some((offset, offset + l.len(), line_no));
            break;
        }
        offset += l.len();
    }
    let Some((front_end, body_start, close_line)) = end else {
        return Err(not(
            1,
            format!("the front matter is never closed with `{close}`"),
        ));
    };
    let front_text = text[start..front_end].to_string();
    let value = match kind {
        Kind::Yaml => yaml(&front_text),
        Kind::Toml => toml_front(&front_text),
        Kind::Json => {
            serde_json::from_str::<Value>(&front_text).map_err(|e| (e.line(), e.to_string()))
        }
    }
    .map_err(|(line, e)| {
        if is_template(&front_text) {
            not(
                line + 1,
                "template leftover: the front matter still holds `{{ ... }}` placeholders",
            )
        } else {
            not(line + 1, format!("front matter does not parse: {e}"))
        }
    })?;
    let front = match value {
        Value::Object(m) => m,
        Value::Null => serde_json::Map::new(),
        _ => return Err(not(2, "the front matter is not a table of keys")),
    };
    Ok(SourceFile {
        front,
        front_text,
        front_line: 2,
        body: text[body_start..].to_string(),
        body_line: close_line + 1,
        headless: false,
    })
}

/// A file whose YAML front matter lost its opening `---` (`title: ...` on line 1, then
/// `---`): read when the lines before the first `---` are a YAML table with a `title`.
fn headless(text: &str) -> Result<SourceFile, NotContent> {
    let no = || {
        not(
            1,
            "no front matter (the file does not start with `---` or `+++`)",
        )
    };
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if l.trim_end() == "---" {
            let front_text = &text[..offset];
            let Ok(Value::Object(front)) = yaml(front_text) else {
                return Err(no());
            };
            if !front.keys().any(|k| k.eq_ignore_ascii_case("title")) {
                return Err(no());
            }
            return Ok(SourceFile {
                front,
                front_text: front_text.to_string(),
                front_line: 1,
                body: text[offset + l.len()..].to_string(),
                body_line: i + 2,
                headless: true,
            });
        }
        offset += l.len();
    }
    Err(no())
}

/// YAML into JSON; anchors and merge keys resolved, non-string keys turned into strings.
pub fn yaml(text: &str) -> Result<Value, (usize, String)> {
    let mut v: serde_norway::Value = serde_norway::from_str(text).map_err(|e| {
        let line = e.location().map(|l| l.line()).unwrap_or(1);
        (line, e.to_string())
    })?;
    v.apply_merge().map_err(|e| (1, e.to_string()))?;
    Ok(yaml_to_json(v))
}

fn yaml_to_json(v: serde_norway::Value) -> Value {
    use serde_norway::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number)
                    .unwrap_or_else(|| Value::String(n.to_string()))
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(s) => Value::Array(s.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| {
                    let k = match yaml_to_json(k) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (k, yaml_to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(t) => yaml_to_json(t.value),
    }
}

/// TOML into JSON; datetimes become their text.
pub fn toml_front(text: &str) -> Result<Value, (usize, String)> {
    let t: toml::Table = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
            .unwrap_or(1);
        (line, e.message().to_string())
    })?;
    Ok(toml_to_json(toml::Value::Table(t)))
}

pub fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// A boolean as sources write them: `true`, YAML 1.1's `yes`/`no`/`on`/`off`/`y`/`n`,
/// and any of these as a string. The second value says how it was read when it was not
/// a plain boolean; `None` when it is not a boolean at all.
pub fn lenient_bool(v: &Value) -> Option<(bool, Option<String>)> {
    match v {
        Value::Bool(b) => Some((*b, None)),
        Value::Number(n) if n.as_i64() == Some(0) || n.as_i64() == Some(1) => Some((
            n.as_i64() == Some(1),
            Some(format!("the number {n} read as a boolean")),
        )),
        Value::String(s) => {
            let b = match s.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "y" | "on" => true,
                "false" | "no" | "n" | "off" => false,
                _ => return None,
            };
            Some((b, Some(format!("\"{}\" read as the boolean {b}", s.trim()))))
        }
        _ => None,
    }
}

/// A scalar as text (numbers and booleans too: titles like `404` are numbers in YAML).
pub fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Whether a value still holds a template placeholder (`{{ .File... }}`, `{{ now }}`).
pub fn is_template(s: &str) -> bool {
    s.contains("{{") && s.contains("}}")
}

/// The reading of one content file's front matter that every format shares: each value
/// read leniently, each guess and drop reported at its line.
pub struct Fields<'a> {
    pub file: &'a SourceFile,
    pub rel: &'a str,
}

impl Fields<'_> {
    pub fn origin(&self, line: usize) -> Origin {
        Origin::new(self.rel, line)
    }

    /// Reports a missing opening fence; skips (returning false) a file whose values still
    /// hold template placeholders (a `hugo new` or generator output never filled in).
    pub fn usable(&self, report: &mut Report) -> bool {
        if self.file.headless {
            report.guessed(
                self.origin(1),
                "the front matter has no opening `---`: the lines before the first `---` were read as front matter",
            );
        }
        for (k, v) in &self.file.front {
            if let Some(s) = text_of(v).filter(|s| is_template(s)) {
                report.skip(
                    self.origin(self.file.key_line(k)),
                    format!("template leftover: `{k}` is still \"{s}\""),
                );
                return false;
            }
        }
        true
    }

    /// Keys the format does not know, each reported as dropped.
    pub fn unknown_keys(&self, known: &[&str], report: &mut Report) {
        for k in self.file.front.keys() {
            if !known.contains(&k.to_ascii_lowercase().as_str()) {
                report.dropped(
                    self.origin(self.file.key_line(k)),
                    format!("unknown key `{k}`"),
                );
            }
        }
    }

    /// A non-empty text value, cleaned of invisible characters.
    pub fn text(&self, key: &str) -> Option<String> {
        self.file
            .get_ci(key)
            .and_then(|(_, v)| text_of(v))
            .map(|t| clean_chars(t.trim(), &mut Vec::new()))
            .filter(|t| !t.is_empty())
    }

    /// A boolean read leniently; `None` when absent or not a boolean (reported).
    pub fn boolean(&self, key: &str, report: &mut Report) -> Option<bool> {
        let (k, v) = self.file.get_ci(key)?;
        let at = self.origin(self.file.key_line(k));
        match lenient_bool(v) {
            Some((b, how)) => {
                if let Some(how) = how {
                    report.guessed(at, format!("`{k}`: {how}"));
                }
                Some(b)
            }
            None => {
                report.dropped(at, format!("`{k}` = {v} is not a boolean: ignored"));
                None
            }
        }
    }

    /// A time; `Ok(None)` when absent, `Err` with the reason when it is not a time.
    pub fn time(
        &self,
        key: &str,
        tz: Tz,
        report: &mut Report,
    ) -> Result<Option<DateTime<Utc>>, String> {
        let Some((k, v)) = self.file.get_ci(key) else {
            return Ok(None);
        };
        let Some(raw) = text_of(v) else {
            return Err(format!("`{k}` = {v} is not a date"));
        };
        // `resolvedWhen: ""` is how generators write "not yet".
        if raw.trim().is_empty() {
            return Ok(None);
        }
        match time::parse(&raw, tz) {
            Some(p) => {
                if let Some(g) = p.guess {
                    report.guessed(self.origin(self.file.key_line(k)), format!("`{k}`: {g}"));
                }
                Ok(Some(p.at))
            }
            None => Err(format!("`{k}` = \"{raw}\" is not a date and time")),
        }
    }

    /// A list of names (or one name) with the line of each; null and empty entries are
    /// nothing, other values are reported as dropped.
    pub fn names(&self, key: &str, report: &mut Report) -> Vec<(String, usize)> {
        let Some((k, v)) = self.file.get_ci(key) else {
            return Vec::new();
        };
        let items: Vec<Value> = match v {
            Value::Array(a) => a.clone(),
            other => vec![other.clone()],
        };
        let mut out = Vec::new();
        for item in items {
            match text_of(&item).map(|s| clean_chars(s.trim(), &mut Vec::new())) {
                Some(name) if !name.is_empty() => {
                    let line = self.file.value_line(k, &name);
                    out.push((name, line));
                }
                Some(_) => {}
                None if item.is_null() => {}
                None => report.dropped(
                    self.origin(self.file.key_line(k)),
                    format!("`{k}` entry {item} is not a name"),
                ),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_toml_and_json_front_matter() {
        let f = read(b"\xEF\xBB\xBF---\ntitle: A\nresolved: yes\naffected:\n  - API\n---\nbody\n")
            .unwrap();
        assert_eq!(f.get("title"), Some(&Value::from("A")));
        assert_eq!(f.key_line("resolved"), 3);
        assert_eq!(f.value_line("affected", "API"), 5);
        assert_eq!(f.body, "body\n");
        assert_eq!(f.body_line, 7);
        // YAML 1.2 reads `yes` as a string; we read it as YAML 1.1 did.
        assert!(lenient_bool(f.get("resolved").unwrap()).unwrap().0);
        let f = read(b"---toml\ntitle = \"T\"\ndate = 2018-10-16T13:14:03.000Z\n---\n").unwrap();
        assert_eq!(f.get("date"), Some(&Value::from("2018-10-16T13:14:03.0Z")));
        let f = read(b"---json\r\n{\"title\": \"J\", \"resolved\": \"true\"}\r\n---\r\nx").unwrap();
        assert_eq!(f.get("title"), Some(&Value::from("J")));
        assert_eq!(
            lenient_bool(f.get("resolved").unwrap()),
            Some((true, Some("\"true\" read as the boolean true".into())))
        );
    }

    #[test]
    fn not_content_files_say_why() {
        assert!(
            read(b"= AsciiDoc title\n")
                .unwrap_err()
                .reason
                .contains("no front matter")
        );
        assert!(
            read(b"---\ntitle: a\n")
                .unwrap_err()
                .reason
                .contains("never closed")
        );
        assert_eq!(read(b"---\ntitle: [a\n---\n").unwrap_err().line, 3);
        assert!(read(b"").is_err());
        assert!(read(b"---\n- a\n---\n").is_err());
        assert!(read(b"---\n---\n").unwrap().front.is_empty());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        #[test]
        fn arbitrary_files_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let _ = read(&bytes);
        }

        #[test]
        fn mangled_front_matter_never_panics(cut in 0usize..200, junk in "[-:+{}\\[\\]\"' \\n\u{FEFF}\u{A0}éa-z0-9]{0,30}") {
            let good = "---\ntitle: A\ndate: 2023-12-04T8:00:00-00:00\nresolved: yes\naffected:\n  - API\n---\nbody {{< track \"2023-12-04 9:00\" >}}\n";
            let cut = (0..=cut.min(good.len())).rev().find(|i| good.is_char_boundary(*i)).unwrap_or(0);
            let text = format!("{}{junk}{}", &good[..cut], &good[cut..]);
            if let Ok(f) = read(text.as_bytes()) {
                let fields = Fields { file: &f, rel: "x.md" };
                let mut r = Report::default();
                let _ = fields.usable(&mut r);
                let _ = fields.time("date", Tz::UTC, &mut r);
                let _ = fields.names("affected", &mut r);
                let _ = fields.boolean("resolved", &mut r);
            }
        }
    }

    #[test]
    fn booleans() {
        for (v, b) in [("on", true), ("Off", false), ("NO", false), ("y", true)] {
            assert_eq!(lenient_bool(&Value::from(v)).unwrap().0, b);
        }
        assert_eq!(lenient_bool(&Value::from("maybe")), None);
        assert_eq!(lenient_bool(&Value::Bool(true)), Some((true, None)));
    }
}
