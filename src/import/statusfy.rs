//! Statusfy: `config.js` / `config.yml` / `config.toml` (`content.systems`, names from
//! `locales/<default>.json`), `content/*.md` (translations in per-language sub-folders)
//! with YAML, TOML or JSON front matter, and `::: update TITLE | DATE` … `:::` blocks.

use std::collections::HashSet;
use std::path::Path;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use crate::import::ImportError;
use crate::import::cstate::not_an_incident;
use crate::import::model::{
    Affected, Origin, Source, SourceComponent, SourceIncident, SourceMaintenance, SourceSite,
    SourceUpdate,
};
use crate::import::report::Report;
use crate::import::source_file::{self, Fields, SourceFile, text_of};
use crate::import::text::{clean_markdown, clean_message, status_word};
use crate::import::time;
use crate::vocabulary::{Impact, Level, UpdateStatus};

const KNOWN: &[&str] = &[
    "id",
    "title",
    "description",
    "date",
    "modified",
    "severity",
    "affectedsystems",
    "resolved",
    "scheduled",
    "duration",
];

/// The quoted strings of the array after `key:` in a JavaScript config (`systems: ['a', "b"]`).
fn js_array(text: &str, key: &str) -> Option<Vec<String>> {
    let mut from = 0;
    while let Some(i) = text[from..].find(key) {
        let at = from + i;
        from = at + key.len();
        let before = text[..at].chars().last();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = text[from..]
            .trim_start()
            .trim_start_matches(['"', '\''])
            .trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(rest) = rest.strip_prefix('[') else {
            continue;
        };
        let end = rest.find(']')?;
        let mut out = Vec::new();
        let inner = &rest[..end];
        let mut chars = inner.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '"' || c == '\'' || c == '`' {
                let close = inner[i + 1..].find(c)?;
                out.push(inner[i + 1..i + 1 + close].to_string());
                while let Some((j, _)) = chars.peek() {
                    if *j <= i + 1 + close {
                        chars.next();
                    } else {
                        break;
                    }
                }
            }
        }
        return Some(out);
    }
    None
}

/// A `key: "value"` string in a JavaScript config.
fn js_string(text: &str, key: &str) -> Option<String> {
    for line in text.lines() {
        let l = line.trim().trim_start_matches(['"', '\'']);
        let Some(rest) = l.strip_prefix(key) else {
            continue;
        };
        let rest = rest.trim_start_matches(['"', '\'']).trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let rest = rest.trim();
        let q = rest.chars().next()?;
        if q == '"' || q == '\'' || q == '`' {
            let end = rest[1..].find(q)?;
            return Some(rest[1..1 + end].to_string());
        }
    }
    None
}

struct Config {
    file: String,
    title: Option<String>,
    description: Option<String>,
    base_url: Option<String>,
    locale: String,
    systems: Vec<String>,
    content_dir: String,
}

fn config(dir: &Path) -> Result<Config, ImportError> {
    for name in [
        "config.js",
        "config.yml",
        "config.yaml",
        "config.toml",
        "config.json",
    ] {
        let path = dir.join(name);
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let text = source_file::decode(&bytes).map_err(|e| {
            ImportError::Source(format!("{}:{}: {}", path.display(), e.line, e.reason))
        })?;
        // cState and Hugo sites have a config.yml too: Statusfy's names its locales.
        if !(text.contains("defaultLocale") || text.contains("locales")) {
            return Err(ImportError::Source(format!(
                "{} is not a Statusfy site: {name} names no `defaultLocale` or `locales`",
                dir.display()
            )));
        }
        if name == "config.js" {
            return Ok(Config {
                file: name.into(),
                title: js_string(text, "title"),
                description: js_string(text, "description"),
                base_url: js_string(text, "baseUrl"),
                locale: js_string(text, "defaultLocale").unwrap_or_else(|| "en".into()),
                systems: js_array(text, "systems").unwrap_or_default(),
                content_dir: js_string(text, "dir").unwrap_or_else(|| "content".into()),
            });
        }
        let v = match name {
            "config.toml" => source_file::toml_front(text),
            "config.json" => serde_json::from_str(text).map_err(|e| (e.line(), e.to_string())),
            _ => source_file::yaml(text),
        }
        .map_err(|(line, e)| {
            ImportError::Source(format!("{}:{line}: does not parse: {e}", path.display()))
        })?;
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(String::from);
        let content = v.get("content").unwrap_or(&Value::Null);
        return Ok(Config {
            file: name.into(),
            title: s("title"),
            description: s("description"),
            base_url: s("baseUrl"),
            locale: s("defaultLocale").unwrap_or_else(|| "en".into()),
            systems: content
                .get("systems")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(text_of).collect())
                .unwrap_or_default(),
            content_dir: content
                .get("dir")
                .and_then(Value::as_str)
                .unwrap_or("content")
                .to_string(),
        });
    }
    Err(ImportError::Source(format!(
        "{} is not a Statusfy site: it has no config.js, config.yml or config.toml",
        dir.display()
    )))
}

pub fn read(dir: &Path, tz: Tz, report: &mut Report) -> Result<Source, ImportError> {
    let cfg = config(dir)?;
    let mut source = Source {
        site: SourceSite {
            title: cfg.title.clone(),
            base_url: cfg.base_url.clone(),
            description: cfg.description.clone(),
            timezone: None,
        },
        ..Default::default()
    };
    // Display names live in the default locale's file.
    let locale_rel = format!("locales/{}.json", cfg.locale);
    let names: Value = std::fs::read(dir.join(&locale_rel))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    let items = names
        .pointer("/systems/items")
        .cloned()
        .unwrap_or(Value::Null);
    for id in &cfg.systems {
        let item = items.get(id);
        let name = item
            .and_then(|i| i.get("title"))
            .and_then(Value::as_str)
            .map(String::from)
            .unwrap_or_else(|| {
                report.guessed(
                    Origin::new(&locale_rel, 0),
                    format!("system \"{id}\" has no title in {locale_rel}: its id is its name"),
                );
                id.clone()
            });
        source.components.push(SourceComponent {
            key: id.clone(),
            name,
            group: None,
            description: item
                .and_then(|i| i.get("description"))
                .and_then(Value::as_str)
                .map(String::from),
        });
    }
    if cfg.systems.is_empty() {
        report.guessed(
            Origin::new(&cfg.file, 0),
            "no `content.systems`: components come from the incidents",
        );
    }
    let content = dir.join(&cfg.content_dir);
    if !content.is_dir() {
        return Err(ImportError::Source(format!(
            "{} has no {}/ folder",
            dir.display(),
            cfg.content_dir
        )));
    }
    // Default-language files first; a file of the same name in a language folder is its translation.
    let mut default_names = HashSet::new();
    let mut files: Vec<(bool, walkdir::DirEntry)> = Vec::new();
    for e in walkdir::WalkDir::new(&content)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if e.file_type().is_file() {
            let top = e.depth() == 1;
            if top {
                default_names.insert(e.file_name().to_string_lossy().into_owned());
            }
            files.push((top, e));
        }
    }
    files.sort_by_key(|(top, _)| !*top);
    for (top, e) in files {
        let rel = e
            .path()
            .strip_prefix(dir)
            .unwrap_or(e.path())
            .to_string_lossy()
            .replace('\\', "/");
        let name = e.file_name().to_string_lossy().into_owned();
        if name.eq_ignore_ascii_case("readme.md") {
            report.skip(Origin::new(rel, 0), "a README, not an incident");
            continue;
        }
        if let Some(reason) = not_an_incident(&name) {
            report.skip(Origin::new(rel, 0), reason);
            continue;
        }
        if !top && default_names.contains(&name) {
            report.skip(
                Origin::new(rel, 0),
                format!(
                    "a translation of {}/{name} (statusgen sites have one language)",
                    cfg.content_dir
                ),
            );
            continue;
        }
        let file = match std::fs::read(e.path())
            .map_err(|e| e.to_string())
            .and_then(|b| {
                source_file::read(&b).map_err(|n| format!("line {}: {}", n.line, n.reason))
            }) {
            Ok(f) => f,
            Err(reason) => {
                report.skip(Origin::new(rel, 0), reason);
                continue;
            }
        };
        let stem = name.trim_end_matches(".md").to_string();
        incident(&rel, &stem, &file, tz, report, &mut source);
    }
    Ok(source)
}

/// A time, or `None` with the reason reported as dropped.
fn time_of(fields: &Fields, key: &str, tz: Tz, report: &mut Report) -> Option<DateTime<Utc>> {
    fields.time(key, tz, report).unwrap_or_else(|e| {
        report.dropped(fields.origin(fields.file.key_line(key)), e);
        None
    })
}

fn incident(
    rel: &str,
    stem: &str,
    f: &SourceFile,
    tz: Tz,
    report: &mut Report,
    source: &mut Source,
) {
    let o = |line| Origin::new(rel, line);
    let fields = Fields { file: f, rel };
    if !fields.usable(report) {
        return;
    }
    let Some(title) = fields.text("title") else {
        report.skip(o(1), "no `title`: not an incident");
        return;
    };
    let Some(date) = time_of(&fields, "date", tz, report) else {
        report.skip(
            o(f.key_line("date")),
            "no usable `date`: cannot place the incident in time",
        );
        return;
    };
    fields.unknown_keys(KNOWN, report);
    if let Some(id) = fields.text("id") {
        report.dropped(
            o(f.key_line("id")),
            format!("`id` {id}: the slug comes from the file name (Statusfy's /incidents/{id} address changes)"),
        );
    }
    let resolved_flag = fields.boolean("resolved", report).unwrap_or(false);
    let modified = time_of(&fields, "modified", tz, report);
    let sev_line = f.key_line("severity");
    let severity = f
        .get("severity")
        .and_then(text_of)
        .map(|s| s.trim().to_ascii_lowercase());
    let (impact, level, maintenance) = match severity.as_deref() {
        Some("major-outage") => (Impact::Critical, Level::MajorOutage, false),
        Some("partial-outage") => (Impact::Major, Level::PartialOutage, false),
        Some("degraded-performance") => (Impact::Minor, Level::DegradedPerformance, false),
        Some("under-maintenance") => (Impact::None, Level::UnderMaintenance, true),
        other => {
            report.guessed(
                o(sev_line),
                format!(
                    "severity {:?} is not one of Statusfy's four: read as degraded-performance",
                    other.unwrap_or("(none)")
                ),
            );
            (Impact::Minor, Level::DegradedPerformance, false)
        }
    };
    let mut affected = Vec::new();
    for (key, line) in fields.names("affectedsystems", report) {
        affected.push(Affected {
            key,
            level,
            origin: o(line),
        });
    }
    let (updates, body) = update_blocks(rel, &f.body, f.body_line, date, tz, report);
    source.source_updates += updates.len();
    let mut body_md = String::new();
    if let Some(d) = f
        .get("description")
        .and_then(text_of)
        .filter(|d| !d.trim().is_empty())
        && !body.contains(d.trim())
    {
        body_md.push_str(d.trim());
        body_md.push_str("\n\n");
    }
    body_md.push_str(&body);
    let clean = clean_markdown(&body_md);
    for c in &clean.changes {
        report.guessed(o(f.body_line), format!("body: {c}"));
    }
    let last_resolved = updates
        .iter()
        .filter(|u| u.status == UpdateStatus::Resolved)
        .map(|u| u.at)
        .max();
    let last = updates.iter().map(|u| u.at).max();
    let end_guess = |what: &str, report: &mut Report| -> DateTime<Utc> {
        let (at, from) = match (last_resolved, modified, last) {
            (Some(t), _, _) => (t, "its last Resolved update"),
            (None, Some(t), _) => (t, "`modified`"),
            (None, None, Some(t)) => (t, "its last update"),
            _ => (date, "`date` (no later time is known)"),
        };
        report.guessed(
            o(f.key_line("resolved")),
            format!("{what} taken from {from}: {}", at.to_rfc3339()),
        );
        at
    };
    if maintenance {
        let starts = time_of(&fields, "scheduled", tz, report).unwrap_or(date);
        let duration = f.get("duration").and_then(|v| match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        });
        let ends = match duration {
            Some(m) if m > 0.0 && m < 1e7 => starts + chrono::Duration::seconds((m * 60.0) as i64),
            _ => {
                if f.get("duration").is_some() {
                    report.dropped(
                        o(f.key_line("duration")),
                        "`duration` is not a number of minutes",
                    );
                }
                end_guess("the window's end", report)
            }
        };
        source.maintenance.push(SourceMaintenance {
            origin: o(0),
            stem: stem.to_string(),
            source_id: None,
            title,
            starts,
            ends,
            affected,
            body: clean.text,
            draft: false,
            timeline: SourceUpdate::timeline(&updates),
        });
        return;
    }
    if f.get("scheduled").is_some() {
        report.dropped(
            o(f.key_line("scheduled")),
            "`scheduled` on an incident that is not under-maintenance",
        );
    }
    let resolved = resolved_flag.then(|| end_guess("the resolution", report));
    source.incidents.push(SourceIncident {
        origin: o(0),
        stem: stem.to_string(),
        source_id: None,
        title,
        impact,
        severity,
        started: date,
        resolved,
        affected,
        updates,
        body: clean.text,
        draft: false,
    });
}

/// `::: update TITLE | DATE` (also `::: Update: TITLE | DATE`) … `:::` blocks → updates;
/// the rest is the body. A block left open ends at the next block or the end of the file.
pub fn update_blocks(
    rel: &str,
    body: &str,
    body_line: usize,
    date: DateTime<Utc>,
    tz: Tz,
    report: &mut Report,
) -> (Vec<SourceUpdate>, String) {
    struct Open {
        line: usize,
        title: String,
        when: String,
        text: Vec<String>,
    }
    let mut updates: Vec<(DateTime<Utc>, usize, String, String)> = Vec::new();
    let mut kept: Vec<&str> = Vec::new();
    let mut open: Option<Open> = None;
    let mut other_depth = 0usize;
    let finish = |b: Open, report: &mut Report, updates: &mut Vec<_>| {
        let o = Origin::new(rel, b.line);
        let at = match time::parse(&b.when, tz) {
            Some(p) => {
                if let Some(g) = p.guess {
                    report.guessed(o.clone(), format!("update time {g}"));
                }
                p.at
            }
            None => {
                report.guessed(
                    o.clone(),
                    format!(
                        "update time \"{}\" is not a time: the incident's date is used",
                        b.when
                    ),
                );
                date
            }
        };
        // Statuses are settled once all blocks are read, oldest first.
        let cleaned = clean_message(&b.text.join("\n"));
        updates.push((at, b.line, b.title, cleaned.text));
    };
    for (i, line) in body.lines().enumerate() {
        let n = body_line + i;
        let t = line.trim();
        if let Some(rest) = t.strip_prefix(":::") {
            let rest = rest.trim();
            let lower = rest.to_ascii_lowercase();
            if lower.starts_with("update") {
                other_depth = 0;
                if let Some(b) = open.take() {
                    report.guessed(
                        Origin::new(rel, b.line),
                        format!("the ::: block is never closed: it ends at line {n}"),
                    );
                    finish(b, report, &mut updates);
                }
                let head = rest["update".len()..].trim_start_matches([':', ' ']);
                let (title, when) = match head.rsplit_once('|') {
                    Some((a, b)) => (a.trim().to_string(), b.trim().to_string()),
                    None => (head.trim().to_string(), String::new()),
                };
                open = Some(Open {
                    line: n,
                    title,
                    when,
                    text: Vec::new(),
                });
                continue;
            }
            if rest.is_empty() {
                if other_depth > 0 {
                    other_depth -= 1;
                    match &mut open {
                        Some(b) => b.text.push(line.to_string()),
                        None => kept.push(line),
                    }
                    continue;
                }
                if let Some(b) = open.take() {
                    finish(b, report, &mut updates);
                    continue;
                }
                kept.push(line);
                continue;
            }
            other_depth += 1;
        }
        match &mut open {
            Some(b) => b.text.push(line.to_string()),
            None => kept.push(line),
        }
    }
    if let Some(b) = open.take() {
        report.guessed(
            Origin::new(rel, b.line),
            "the ::: block is never closed: it ends at the end of the file",
        );
        finish(b, report, &mut updates);
    }
    updates.sort_by_key(|u| (u.0, u.1));
    let mut out = Vec::new();
    let mut prev: Option<UpdateStatus> = None;
    for (at, line, title, text) in updates {
        // A title that is not a status word ("Notified", "Workaround") is kept at the
        // start of the message; the status carries on from the update before.
        let (status, message) = match status_word(&title) {
            Some(s) => (s, text),
            None => {
                let s = prev.unwrap_or(UpdateStatus::Investigating);
                report.guessed(
                    Origin::new(rel, line),
                    format!(
                        "update title \"{title}\" is not a status: \"{}\", the title kept in the message",
                        s.as_str()
                    ),
                );
                let message = match (title.is_empty(), text.is_empty()) {
                    (true, _) => text,
                    (false, true) => title,
                    (false, false) => format!("{title}: {text}"),
                };
                (s, message)
            }
        };
        let message = if message.is_empty() {
            status.label().to_string()
        } else {
            message
        };
        prev = Some(status);
        out.push(SourceUpdate {
            at,
            status,
            message,
        });
    }
    (out, kept.join("\n").trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn bodies_never_panic(s in "(:::|update|Update:|\\||2018-01-28T20:00:00Z|text|\\n| ){0,40}") {
            let date = DateTime::parse_from_rfc3339("2018-01-28T19:00:00Z").unwrap().with_timezone(&Utc);
            let _ = update_blocks("a.md", &s, 1, date, Tz::UTC, &mut Report::default());
            let _ = crate::import::cstate::track_updates("a.md", &s.replace(":::", "{{< track \"2018-01-28\" >}}"), 1, date, Tz::UTC, true, &mut Report::default());
            let _ = js_array(&s, "update");
            let _ = js_string(&s, "update");
        }
    }

    #[test]
    fn js_config() {
        let js = "module.exports = {\n  title: \"Demo\",\n  defaultLocale: 'en',\n  content: {\n    frontMatterFormat: \"yaml\",\n    systems: ['cdn', \"api\",\n      'site-delivery']\n  }\n};\n";
        assert_eq!(
            js_array(js, "systems").unwrap(),
            ["cdn", "api", "site-delivery"]
        );
        assert_eq!(js_string(js, "title").as_deref(), Some("Demo"));
        assert_eq!(js_string(js, "defaultLocale").as_deref(), Some("en"));
    }

    #[test]
    fn blocks_variants_and_unclosed() {
        let body = "General text.\n\n::: update Resolved | 2018-01-28T22:28:48.878Z\nBack to normal.\n:::\n\n::: Update: Monitoring | 2018-01-28T21:00:00Z\nWatching<br />closely.\n\n::: warning\nkept\n:::\n::: update Identified | 2018-01-28T20:00:00Z\nFound it.\n";
        let mut r = Report::default();
        let date = DateTime::parse_from_rfc3339("2018-01-28T19:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let (u, rest) = update_blocks("a.md", body, 5, date, Tz::UTC, &mut r);
        assert_eq!(u.len(), 3);
        // Oldest first, whatever the file's order.
        assert_eq!(u[0].status, UpdateStatus::Identified);
        assert_eq!(u[0].message, "Found it.");
        assert_eq!(u[1].status, UpdateStatus::Monitoring);
        assert_eq!(u[1].message, "Watching\nclosely.\n\n::: warning\nkept\n:::");
        assert_eq!(u[2].status, UpdateStatus::Resolved);
        let (u, _) = update_blocks(
            "a.md",
            "::: update Notified | 2018-01-28T20:00:00Z\nSaw it.\n:::\n::: update Monitoring | 2018-01-28T20:10:00Z\nok\n:::\n::: update Ongoing | 2018-01-28T20:20:00Z\n:::\n",
            5,
            date,
            Tz::UTC,
            &mut r,
        );
        assert_eq!(u[0].status, UpdateStatus::Investigating);
        assert_eq!(u[0].message, "Notified: Saw it.");
        assert_eq!(u[2].status, UpdateStatus::Monitoring);
        assert_eq!(u[2].message, "Ongoing");
        assert!(rest.starts_with("General text."));
        assert_eq!(
            r.notes
                .iter()
                .filter(|n| n.message.contains("never closed"))
                .count(),
            2
        );
    }
}
