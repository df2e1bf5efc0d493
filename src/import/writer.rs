//! From the intermediate model to statusgen files: incident and maintenance files with
//! TOML front matter (written by the `toml` serializer, so every value is escaped), and
//! site.toml (created with `toml_edit`, or extended keeping its comments and layout).
//! Planning is pure; [`write`] is the only part that touches the disk.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::import::components::{NewComponent, Resolver};
use crate::import::model::{Affected, Origin, SourceIncident, SourceMaintenance};
use crate::import::report::Report;
use crate::vocabulary::{Level, MaintenanceStatus};

/// A file to write, relative to the site root.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub rel: String,
    pub text: String,
    /// Replaces an existing file (only with --force).
    pub replace: bool,
}

/// A TOML datetime in `tz` with its offset, to the second.
pub fn toml_datetime(t: DateTime<Utc>, tz: Tz) -> toml::Value {
    let s = t
        .with_timezone(&tz)
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string();
    match s.parse::<toml::value::Datetime>() {
        Ok(d) => toml::Value::Datetime(d),
        // Unreachable for a formatted chrono time; a string keeps the value visible.
        Err(_) => toml::Value::String(s),
    }
}

/// A string as a one-line TOML basic string, escaped by `toml_writer`, as a `toml_edit`
/// value that keeps that form when displayed.
fn basic_string(s: &str) -> Option<toml_edit::Value> {
    use toml_writer::TomlWrite;
    let mut out = String::new();
    out.value(toml_writer::TomlStringBuilder::new(s).as_basic())
        .ok()?;
    out.parse().ok()
}

/// Multi-line strings could hold a line `+++` that would end the front matter early:
/// every string is written on one line, its line ends escaped.
fn single_line_strings(item: &mut toml_edit::Item) {
    use toml_edit::{Item, Value};
    fn value(v: &mut Value) {
        match v {
            Value::String(f) => {
                if let Some(mut b) = basic_string(f.value()) {
                    *b.decor_mut() = f.decor().clone();
                    *v = b;
                }
            }
            Value::Array(a) => a.iter_mut().for_each(value),
            Value::InlineTable(t) => t.iter_mut().for_each(|(_, v)| value(v)),
            _ => {}
        }
    }
    match item {
        Item::Value(v) => value(v),
        Item::Table(t) => t.iter_mut().for_each(|(_, i)| single_line_strings(i)),
        Item::ArrayOfTables(a) => a
            .iter_mut()
            .for_each(|t| t.iter_mut().for_each(|(_, i)| single_line_strings(i))),
        Item::None => {}
    }
}

/// The `+++` file: front matter from the serializer, then the body.
fn file_text(front: toml::Table, body: &str) -> String {
    let serialized = toml::to_string(&front).unwrap_or_default();
    let mut front = match serialized.parse::<toml_edit::DocumentMut>() {
        Ok(mut doc) => {
            single_line_strings(doc.as_item_mut());
            doc.to_string()
        }
        Err(_) => serialized,
    };
    if !front.ends_with('\n') {
        front.push('\n');
    }
    let mut t = format!("+++\n{front}+++\n");
    let body = body.trim_matches('\n');
    if !body.is_empty() {
        t.push('\n');
        t.push_str(body);
        t.push('\n');
    }
    t
}

fn components_table(
    affected: &[Affected],
    resolver: &mut Resolver,
    report: &mut Report,
) -> toml::Table {
    let mut t = toml::Table::new();
    for a in affected {
        let Some(id) = resolver.resolve(&a.key, &a.origin, report) else {
            continue;
        };
        let level = if a.level == Level::UnderMaintenance || a.level == Level::Operational {
            Level::DegradedPerformance
        } else {
            a.level
        };
        // The worst level when a component is named twice.
        let keep = match t.get(&id).and_then(|v| v.as_str()).and_then(Level::parse) {
            Some(prev) => prev.max(level),
            None => level,
        };
        t.insert(id, toml::Value::String(keep.as_str().into()));
    }
    t
}

/// The text of an incident file. Fixes what the loader would refuse (resolution before
/// the start), reporting it.
pub fn incident_text(
    i: &SourceIncident,
    tz: Tz,
    resolver: &mut Resolver,
    report: &mut Report,
) -> String {
    let mut t = toml::Table::new();
    t.insert("title".into(), i.title.clone().into());
    t.insert("impact".into(), i.impact.as_str().into());
    if let Some(s) = &i.severity {
        t.insert("severity".into(), s.clone().into());
    }
    t.insert("started".into(), toml_datetime(i.started, tz));
    if let Some(mut r) = i.resolved {
        if r < i.started {
            let last = i.updates.iter().map(|u| u.at).max().unwrap_or(i.started);
            let fixed = last.max(i.started);
            report.guessed(
                i.origin.clone(),
                format!(
                    "resolved at {} is before the start {}: resolution set to {}",
                    r.to_rfc3339(),
                    i.started.to_rfc3339(),
                    fixed.to_rfc3339()
                ),
            );
            r = fixed;
        }
        t.insert("resolved".into(), toml_datetime(r, tz));
    }
    t.insert("template".into(), "status-page".into());
    if i.draft {
        t.insert("draft".into(), true.into());
    }
    let comps = components_table(&i.affected, resolver, report);
    if !comps.is_empty() {
        t.insert("components".into(), toml::Value::Table(comps));
    }
    let mut updates = i.updates.clone();
    // Oldest first; updates posted in the same second in the order of the statuses
    // (sources list them newest first, which would put "resolved" before "identified").
    updates.sort_by_key(|u| (u.at, u.status));
    if !updates.is_empty() {
        let arr = updates
            .iter()
            .map(|u| {
                let mut ut = toml::Table::new();
                ut.insert("at".into(), toml_datetime(u.at, tz));
                ut.insert("status".into(), u.status.as_str().into());
                ut.insert("message".into(), u.message.clone().into());
                toml::Value::Table(ut)
            })
            .collect();
        t.insert("updates".into(), toml::Value::Array(arr));
    }
    file_text(t, &i.body)
}

pub fn maintenance_text(
    m: &SourceMaintenance,
    tz: Tz,
    resolver: &mut Resolver,
    report: &mut Report,
) -> String {
    let mut t = toml::Table::new();
    t.insert("title".into(), m.title.clone().into());
    t.insert("starts".into(), toml_datetime(m.starts, tz));
    let mut ends = m.ends;
    if ends <= m.starts {
        ends = m.starts + chrono::Duration::minutes(1);
        report.guessed(
            m.origin.clone(),
            format!(
                "the window ends at {} which is not after its start: set to one minute after the start",
                m.ends.to_rfc3339()
            ),
        );
    }
    t.insert("ends".into(), toml_datetime(ends, tz));
    let mut ids = Vec::new();
    for a in &m.affected {
        if let Some(id) = resolver.resolve(&a.key, &a.origin, report)
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    if !ids.is_empty() {
        t.insert(
            "components".into(),
            toml::Value::Array(ids.into_iter().map(toml::Value::String).collect()),
        );
    }
    if m.draft {
        t.insert("draft".into(), true.into());
    }
    let mut timeline = m.timeline.clone();
    timeline.sort_by_key(|(at, _, _)| *at);
    if !timeline.is_empty() {
        let arr = timeline
            .iter()
            .map(|(at, word, message)| {
                let status = maintenance_status(word, *at, m.starts, ends);
                let w = word.trim().to_lowercase().replace(' ', "_");
                let plain = MaintenanceStatus::parse(&w).is_some()
                    || matches!(w.as_str(), "resolved" | "canceled");
                if !plain {
                    report.guessed(
                        m.origin.clone(),
                        format!(
                            "maintenance update \"{word}\" at {}: \"{}\"",
                            at.to_rfc3339(),
                            status.as_str()
                        ),
                    );
                }
                let mut ut = toml::Table::new();
                ut.insert("at".into(), toml_datetime(*at, tz));
                ut.insert("status".into(), status.as_str().into());
                ut.insert("message".into(), message.clone().into());
                toml::Value::Table(ut)
            })
            .collect();
        t.insert("updates".into(), toml::Value::Array(arr));
    }
    let body = m.body.trim_end().to_string();
    file_text(t, &body)
}

/// A maintenance update's status from the source's word: Statuspage's own maintenance
/// states as they are; incident words and unknown ones by time (before the window:
/// scheduled; during it: in progress; resolved or after it: completed).
pub fn maintenance_status(
    word: &str,
    at: DateTime<Utc>,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
) -> MaintenanceStatus {
    let w = word.trim().to_lowercase().replace(' ', "_");
    if let Some(s) = MaintenanceStatus::parse(&w) {
        return s;
    }
    match w.as_str() {
        "canceled" => MaintenanceStatus::Cancelled,
        "resolved" | "postmortem" => MaintenanceStatus::Completed,
        _ if at < starts => MaintenanceStatus::Scheduled,
        _ if at >= ends => MaintenanceStatus::Completed,
        _ => MaintenanceStatus::InProgress,
    }
}

/// site.toml: a new one, or the existing text with the new components appended.
pub fn site_toml(
    existing: Option<&str>,
    new: &[NewComponent],
    site: &crate::import::model::SourceSite,
    tz: Tz,
    report: &mut Report,
) -> Option<String> {
    use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};
    let mut doc = match existing {
        Some(text) => {
            if new.is_empty() {
                return None;
            }
            text.parse::<DocumentMut>().ok()?
        }
        None => {
            let mut doc = DocumentMut::new();
            let title = site
                .title
                .clone()
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| {
                    report.guessed(
                        Origin::new("site.toml", 0),
                        "the source has no site title: \"Status\"",
                    );
                    "Status".into()
                });
            doc["title"] = value(title);
            let base = site
                .base_url
                .as_deref()
                .map(str::trim)
                .filter(|u| {
                    (u.starts_with("https://") || u.starts_with("http://"))
                        && u.len() > 8
                        && !u.contains(['?', '#', ' ', '"', '<', '>'])
                })
                .map(|u| {
                    if u.ends_with('/') {
                        u.to_string()
                    } else {
                        format!("{u}/")
                    }
                });
            let base = base.unwrap_or_else(|| {
                report.guessed(
                    Origin::new("site.toml", 0),
                    "the source gives no usable base URL: base_url = \"https://status.example.com/\" (set the real address)",
                );
                "https://status.example.com/".into()
            });
            doc["base_url"] = value(base);
            if let Some(d) = site.description.as_ref().filter(|d| !d.trim().is_empty()) {
                doc["description"] = value(d.trim());
            }
            doc["timezone"] = value(tz.name());
            doc
        }
    };
    if !doc.contains_key("components") {
        doc.insert("components", Item::ArrayOfTables(ArrayOfTables::new()));
    }
    let arr = doc["components"].as_array_of_tables_mut()?;
    for c in new {
        let mut t = Table::new();
        t["id"] = value(&c.id);
        t["name"] = value(&c.name);
        if let Some(g) = c.group.as_ref().filter(|g| !g.trim().is_empty()) {
            t["group"] = value(g.trim());
        }
        if let Some(d) = c.description.as_ref().filter(|d| !d.trim().is_empty()) {
            t["description"] = value(d.trim());
        }
        arr.push(t);
    }
    Some(doc.to_string())
}

/// The next free stem: `stem`, `stem-2`, ...
pub fn unique_stem(stem: &str, taken: &HashSet<String>) -> String {
    let mut candidate = stem.to_string();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{stem}-{n}");
        n += 1;
    }
    candidate
}

/// Writes each planned file atomically (a temporary file in the same folder, then a
/// rename; a new file is linked into place so an existing one is never replaced).
/// Returns the files written and those found to exist meanwhile.
pub fn write(
    root: &Path,
    files: &[Planned],
) -> Result<(Vec<String>, Vec<String>), (PathBuf, std::io::Error)> {
    let mut written = Vec::new();
    let mut existed = Vec::new();
    for f in files {
        let path = root.join(&f.rel);
        let dir = path.parent().unwrap_or(root);
        std::fs::create_dir_all(dir).map_err(|e| (dir.to_path_buf(), e))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.import-{}", std::process::id()));
        let result = (|| {
            let mut file = std::fs::File::create(&tmp)?;
            // No fsync per file, as for the build's output: the rename or link makes each
            // file appear whole; thousands of fsyncs would make a large import take minutes.
            file.write_all(f.text.as_bytes())?;
            if f.replace {
                std::fs::rename(&tmp, &path)?;
                Ok(true)
            } else {
                let linked = std::fs::hard_link(&tmp, &path);
                std::fs::remove_file(&tmp)?;
                match linked {
                    Ok(()) => Ok(true),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
                    // A filesystem without hard links: create the file only if it is absent.
                    Err(_) => match std::fs::OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .open(&path)
                    {
                        Ok(mut file) => file.write_all(f.text.as_bytes()).map(|()| true),
                        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
                        Err(e) => Err(e),
                    },
                }
            }
        })();
        match result {
            Ok(true) => written.push(f.rel.clone()),
            Ok(false) => existed.push(f.rel.clone()),
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err((path, e));
            }
        }
    }
    Ok((written, existed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::model::SourceUpdate;
    use crate::vocabulary::{Impact, UpdateStatus};

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn hostile_strings_are_escaped_and_fences_cannot_be_faked() {
        let mut report = Report::default();
        let mut resolver = Resolver::new(&[], None, Default::default(), &mut report, "c");
        let evil = "a \"quote\" \\ back\n+++\ntitle = \"x\"\n\u{7}";
        let i = SourceIncident {
            origin: Origin::new("a.md", 1),
            stem: "a".into(),
            source_id: None,
            title: evil.into(),
            impact: Impact::Major,
            severity: Some("down".into()),
            started: utc("2024-01-01T10:00:00Z"),
            resolved: Some(utc("2024-01-01T09:00:00Z")),
            affected: vec![Affected {
                key: "API \"v2\"".into(),
                level: Level::MajorOutage,
                origin: Origin::new("a.md", 2),
            }],
            updates: vec![SourceUpdate {
                at: utc("2024-01-01T10:30:00Z"),
                status: UpdateStatus::Resolved,
                message: evil.into(),
            }],
            body: "+++\nbody".into(),
            draft: false,
        };
        let text = incident_text(&i, chrono_tz::Europe::Berlin, &mut resolver, &mut report);
        let split = crate::load::frontmatter::split(text.as_bytes()).unwrap();
        assert_eq!(split.body, "\n+++\nbody\n");
        let cfg = crate::site::Config::with_defaults(
            "t",
            "https://x.test/",
            chrono_tz::Europe::Berlin,
            vec![crate::site::Component::new("api-v2", "API", 0)],
        );
        let mut d = Vec::new();
        let inc = crate::load::content::parse_incident(
            &crate::load::content::FileInput {
                rel: "a.md",
                stem: "a",
                bytes: text.as_bytes(),
            },
            &cfg,
            cfg.timezone,
            &mut d,
        )
        .unwrap_or_else(|| panic!("{d:?}\n{text}"));
        assert_eq!(inc.title, evil);
        assert_eq!(inc.updates[0].message, evil);
        assert_eq!(inc.resolved, Some(utc("2024-01-01T10:30:00Z")));
        assert!(
            report
                .notes
                .iter()
                .any(|n| n.message.contains("before the start"))
        );
    }

    #[test]
    fn updates_of_the_same_second_follow_the_status_order() {
        let mut report = Report::default();
        let mut resolver = Resolver::new(&[], None, Default::default(), &mut report, "c");
        let at = utc("2021-03-07T10:00:00Z");
        let i = SourceIncident {
            origin: Origin::new("a.md", 1),
            stem: "a".into(),
            source_id: None,
            title: "t".into(),
            impact: Impact::Minor,
            severity: None,
            started: at,
            resolved: Some(at),
            affected: Vec::new(),
            updates: [UpdateStatus::Resolved, UpdateStatus::Identified]
                .into_iter()
                .map(|status| SourceUpdate {
                    at,
                    status,
                    message: status.as_str().into(),
                })
                .collect(),
            body: String::new(),
            draft: false,
        };
        let text = incident_text(&i, Tz::UTC, &mut resolver, &mut report);
        let first = text.find("status = \"identified\"").unwrap();
        assert!(
            first < text.find("status = \"resolved\"").unwrap(),
            "{text}"
        );
    }

    #[test]
    fn maintenance_statuses() {
        let (s, e) = (utc("2024-03-02T06:00:00Z"), utc("2024-03-02T08:00:00Z"));
        for (word, at, want) in [
            (
                "scheduled",
                "2024-03-02T07:00:00Z",
                MaintenanceStatus::Scheduled,
            ),
            (
                "in_progress",
                "2024-03-01T07:00:00Z",
                MaintenanceStatus::InProgress,
            ),
            (
                "Resolved",
                "2024-03-02T07:00:00Z",
                MaintenanceStatus::Completed,
            ),
            (
                "canceled",
                "2024-03-01T07:00:00Z",
                MaintenanceStatus::Cancelled,
            ),
            (
                "Investigating",
                "2024-03-01T07:00:00Z",
                MaintenanceStatus::Scheduled,
            ),
            (
                "verifying",
                "2024-03-02T07:00:00Z",
                MaintenanceStatus::InProgress,
            ),
            (
                "Monitoring",
                "2024-03-02T08:00:00Z",
                MaintenanceStatus::Completed,
            ),
        ] {
            assert_eq!(maintenance_status(word, utc(at), s, e), want, "{word} {at}");
        }
    }

    #[test]
    fn site_toml_new_and_extended() {
        let mut report = Report::default();
        let new = vec![NewComponent {
            id: "api".into(),
            name: "API \"x\"".into(),
            group: Some("Core".into()),
            description: None,
        }];
        let site = crate::import::model::SourceSite {
            title: Some("T".into()),
            base_url: Some("https://s.example".into()),
            ..Default::default()
        };
        let text = site_toml(None, &new, &site, Tz::UTC, &mut report).unwrap();
        let mut d = Vec::new();
        let cfg = crate::load::config::parse(&text, &mut d).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(cfg.base_url, "https://s.example/");
        assert_eq!(cfg.components[0].name, "API \"x\"");
        let existing = "# mine\ntitle = \"Mine\" # keep\nbase_url = \"https://m.example/\"\n";
        let text = site_toml(Some(existing), &new, &site, Tz::UTC, &mut report).unwrap();
        assert!(text.starts_with(existing), "{text}");
        assert!(site_toml(Some(existing), &[], &site, Tz::UTC, &mut report).is_none());
    }
}
