//! Atlassian Statuspage API v2 JSON (`incidents.json`, `summary.json`,
//! `scheduled-maintenances.json`, `components.json`, or an export's array of incidents),
//! one file or a folder of them. The incident `id` ends the slug, so a later import of a
//! newer export finds what is already there.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use crate::import::ImportError;
use crate::import::model::{
    Affected, Origin, Source, SourceComponent, SourceIncident, SourceMaintenance, SourceUpdate,
};
use crate::import::report::Report;
use crate::import::source_file::text_of;
use crate::import::text::{clean_chars, clean_markdown, clean_message};
use crate::import::time;
use crate::vocabulary::{Impact, Level, UpdateStatus};

/// One JSON file's text, to find lines in.
struct Doc {
    rel: String,
    text: String,
    /// Short string literals (ids) → the line of their first occurrence, built in one
    /// pass: looking each id up in the text would be quadratic on a large export.
    lines: HashMap<String, usize>,
}

impl Doc {
    fn new(rel: String, text: String) -> Doc {
        let mut lines = HashMap::new();
        let mut line = 1;
        let mut chars = text.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\n' => line += 1,
                '"' => {
                    let start = i + 1;
                    let mut end = None;
                    let mut escaped = false;
                    let mut newlines = 0;
                    for (j, c) in chars.by_ref() {
                        match c {
                            '\n' => newlines += 1,
                            '\\' if !escaped => {
                                escaped = true;
                                continue;
                            }
                            '"' if !escaped => {
                                end = Some(j);
                                break;
                            }
                            _ => {}
                        }
                        escaped = false;
                    }
                    if let Some(end) = end
                        && end - start <= 64
                    {
                        lines.entry(text[start..end].to_string()).or_insert(line);
                    }
                    line += newlines;
                }
                _ => {}
            }
        }
        Doc { rel, text, lines }
    }

    /// The line where `id` first appears as a string, else 0.
    fn line_of(&self, id: &str) -> usize {
        self.lines.get(id).copied().unwrap_or(0)
    }

    /// A place in this file, naming the item (lines mean little in a minified export).
    fn at(&self, id: &str, item: String) -> At {
        At {
            origin: Origin::new(&self.rel, self.line_of(id)),
            item,
        }
    }
}

/// Where a note belongs: file and line, and the incident or update it is about.
#[derive(Clone)]
struct At {
    origin: Origin,
    item: String,
}

impl At {
    fn guessed(&self, report: &mut Report, message: impl std::fmt::Display) {
        report.guessed(self.origin.clone(), format!("{}: {message}", self.item));
    }
    fn dropped(&self, report: &mut Report, message: impl std::fmt::Display) {
        report.dropped(self.origin.clone(), format!("{}: {message}", self.item));
    }
    fn skip(&self, report: &mut Report, message: impl std::fmt::Display) {
        report.skip(self.origin.clone(), format!("{}: {message}", self.item));
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn id_of(v: &Value) -> Option<String> {
    v.get("id")
        .and_then(text_of)
        .filter(|s| !s.trim().is_empty())
}

/// Reads the files: SOURCE itself, or every `*.json` directly in it.
fn docs(source: &Path) -> Result<Vec<Doc>, ImportError> {
    let mut paths = Vec::new();
    if source.is_dir() {
        let entries = std::fs::read_dir(source)
            .map_err(|e| ImportError::Source(format!("{}: cannot read: {e}", source.display())))?;
        for e in entries.flatten() {
            let p = e.path();
            if p.extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("json"))
                && p.is_file()
            {
                paths.push(p);
            }
        }
        paths.sort();
        if paths.is_empty() {
            return Err(ImportError::Source(format!(
                "{} holds no .json files: save the page's /api/v2/incidents.json, summary.json, scheduled-maintenances.json and components.json there",
                source.display()
            )));
        }
    } else {
        paths.push(source.to_path_buf());
    }
    let mut out = Vec::new();
    for p in paths {
        let bytes = std::fs::read(&p)
            .map_err(|e| ImportError::Source(format!("{}: cannot read: {e}", p.display())))?;
        let rel = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes))
            .into_owned();
        out.push(Doc::new(rel, text));
    }
    Ok(out)
}

fn level_of(s: &str) -> Option<Level> {
    Level::parse(s.trim())
}

pub fn read(source: &Path, tz: Tz, report: &mut Report) -> Result<Source, ImportError> {
    let docs = docs(source)?;
    let mut out = Source::default();
    let mut components: BTreeMap<String, (usize, Value)> = BTreeMap::new();
    let mut incidents: BTreeMap<String, (usize, Value)> = BTreeMap::new();
    let mut maintenances: BTreeMap<String, (usize, Value)> = BTreeMap::new();
    let mut anonymous: Vec<(usize, Value)> = Vec::new();
    let mut parsed_any = false;
    for (di, d) in docs.iter().enumerate() {
        let v: Value = match serde_json::from_str(&d.text) {
            Ok(v) => v,
            Err(e) => {
                report.skip(Origin::new(&d.rel, e.line()), format!("not JSON: {e}"));
                continue;
            }
        };
        parsed_any = true;
        if let Some(page) = v.get("page") {
            out.site.title = out
                .site
                .title
                .take()
                .or(str_of(page, "name").map(String::from));
            out.site.base_url = out
                .site
                .base_url
                .take()
                .or(str_of(page, "url").map(String::from));
            out.site.timezone = out
                .site
                .timezone
                .take()
                .or(str_of(page, "time_zone").map(String::from));
        }
        let mut lists: Vec<(&str, &Value)> = Vec::new();
        match &v {
            Value::Array(_) => lists.push(("incidents", &v)),
            Value::Object(m) => {
                for key in ["components", "incidents", "scheduled_maintenances"] {
                    if let Some(l) = m.get(key) {
                        lists.push((key, l));
                    }
                }
                if m.contains_key("incident_updates") {
                    lists.push(("incident", &v));
                }
                // One incident saved from its own page: {"incident": {...}}.
                if let Some(one @ Value::Object(_)) = m.get("incident") {
                    lists.push(("incident", one));
                }
                if lists.is_empty() {
                    report.skip(
                        Origin::new(&d.rel, 0),
                        "no components, incidents or scheduled_maintenances in it",
                    );
                }
            }
            _ => report.skip(Origin::new(&d.rel, 0), "not a Statuspage API object"),
        }
        for (kind, list) in lists {
            let items: Vec<Value> = match list {
                Value::Array(a) => a.clone(),
                one @ Value::Object(_) => vec![one.clone()],
                _ => Vec::new(),
            };
            for item in items {
                let id = id_of(&item);
                let keep_better =
                    |map: &mut BTreeMap<String, (usize, Value)>, id: String, item: Value| {
                        let n = |v: &Value| {
                            v.get("incident_updates")
                                .and_then(Value::as_array)
                                .map_or(0, Vec::len)
                        };
                        match map.get(&id) {
                            Some((_, prev)) if n(prev) >= n(&item) => {}
                            _ => {
                                map.insert(id, (di, item));
                            }
                        }
                    };
                match (kind, id) {
                    ("components", Some(id)) => {
                        components.entry(id).or_insert((di, item));
                    }
                    ("components", None) => {
                        report.dropped(Origin::new(&d.rel, 0), "a component without an id")
                    }
                    (_, Some(id)) => {
                        let is_maint = kind == "scheduled_maintenances"
                            || item.get("scheduled_for").is_some_and(|v| !v.is_null())
                            || str_of(&item, "impact") == Some("maintenance");
                        if is_maint {
                            keep_better(&mut maintenances, id, item);
                        } else {
                            keep_better(&mut incidents, id, item);
                        }
                    }
                    (_, None) => anonymous.push((di, item)),
                }
            }
        }
    }
    if !parsed_any {
        return Err(ImportError::Source(format!(
            "{}: no readable Statuspage JSON",
            source.display()
        )));
    }

    // Components: groups give their name to their members.
    let groups: BTreeMap<String, String> = components
        .iter()
        .filter(|(_, (_, c))| c.get("group").and_then(Value::as_bool) == Some(true))
        .filter_map(|(id, (_, c))| Some((id.clone(), str_of(c, "name")?.to_string())))
        .collect();
    let mut ordered: Vec<&(usize, Value)> = components.values().collect();
    ordered.sort_by_key(|(_, c)| {
        c.get("position")
            .and_then(Value::as_i64)
            .unwrap_or(i64::MAX)
    });
    for (di, c) in ordered {
        if c.get("group").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let Some(id) = id_of(c) else { continue };
        let Some(name) = str_of(c, "name") else {
            report.dropped(
                Origin::new(&docs[*di].rel, docs[*di].line_of(&id)),
                format!("component {id} has no name"),
            );
            continue;
        };
        out.components.push(SourceComponent {
            key: id,
            name: clean_chars(name, &mut Vec::new()),
            group: str_of(c, "group_id").and_then(|g| groups.get(g)).cloned(),
            description: str_of(c, "description").map(String::from),
        });
    }
    let known: Vec<String> = out.components.iter().map(|c| c.key.clone()).collect();

    for (di, item) in anonymous {
        report.skip(
            Origin::new(&docs[di].rel, 0),
            format!(
                "an incident without an id: {}",
                str_of(&item, "name").unwrap_or("(no name)")
            ),
        );
    }
    let mut incs: Vec<(usize, Value)> = incidents.into_values().collect();
    incs.sort_by(|a, b| str_of(&a.1, "created_at").cmp(&str_of(&b.1, "created_at")));
    for (di, item) in incs {
        incident(&docs[di], &item, &known, tz, report, &mut out);
    }
    for (di, item) in maintenances.into_values() {
        maintenance(&docs[di], &item, &known, tz, report, &mut out);
    }
    Ok(out)
}

fn time_at(at: &At, item: &Value, key: &str, tz: Tz, report: &mut Report) -> Option<DateTime<Utc>> {
    let raw = str_of(item, key)?;
    match time::parse(raw, tz) {
        Some(p) => {
            if let Some(g) = p.guess {
                at.guessed(report, format!("`{key}`: {g}"));
            }
            Some(p.at)
        }
        None => {
            at.dropped(report, format!("`{key}` = \"{raw}\" is not a time"));
            None
        }
    }
}

/// The updates, oldest first, with the worst level each affected component reached.
fn updates(
    doc: &Doc,
    incident: &At,
    item: &Value,
    known: &[String],
    tz: Tz,
    fallback: DateTime<Utc>,
    report: &mut Report,
) -> (Vec<SourceUpdate>, Vec<String>, Vec<Affected>) {
    let mut out = Vec::new();
    let mut raws = Vec::new();
    let mut affected: Vec<Affected> = Vec::new();
    let list = item
        .get("incident_updates")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut prev = None;
    let mut timed: Vec<(DateTime<Utc>, Value, At)> = Vec::new();
    for (n, u) in list.into_iter().enumerate() {
        let o = match id_of(&u) {
            Some(uid) => doc.at(&uid, format!("{}, update {uid}", incident.item)),
            None => At {
                origin: incident.origin.clone(),
                item: format!("{}, update {}", incident.item, n + 1),
            },
        };
        let at = time_at(&o, &u, "display_at", tz, report)
            .or_else(|| time_at(&o, &u, "created_at", tz, report))
            .unwrap_or_else(|| {
                o.guessed(
                    report,
                    "an update without a time: the incident's start is used",
                );
                fallback
            });
        timed.push((at, u, o));
    }
    timed.sort_by_key(|(at, _, _)| *at);
    for (at, u, o) in timed {
        let raw = str_of(&u, "status").unwrap_or("");
        let status = match raw {
            "investigating" => UpdateStatus::Investigating,
            "identified" => UpdateStatus::Identified,
            "monitoring" | "verifying" => UpdateStatus::Monitoring,
            "resolved" | "completed" => UpdateStatus::Resolved,
            "postmortem" => {
                o.guessed(report, "update status \"postmortem\" imported as resolved");
                UpdateStatus::Resolved
            }
            "scheduled" | "in_progress" => UpdateStatus::Identified,
            other => {
                let s = prev.unwrap_or(UpdateStatus::Investigating);
                o.guessed(
                    report,
                    format!(
                        "update status \"{other}\" is not one of Statuspage's: \"{}\"",
                        s.as_str()
                    ),
                );
                s
            }
        };
        prev = Some(status);
        let body = u.get("body").and_then(text_of).unwrap_or_default();
        let cleaned = clean_message(&body);
        for c in &cleaned.changes {
            o.guessed(report, format!("update text: {c}"));
        }
        let message = if cleaned.text.is_empty() {
            status.label().to_string()
        } else {
            cleaned.text
        };
        raws.push(if raw.is_empty() {
            status.as_str().to_string()
        } else {
            raw.to_string()
        });
        out.push(SourceUpdate {
            at,
            status,
            message,
        });
        match u.get("affected_components") {
            None | Some(Value::Null) => {}
            Some(Value::Array(list)) => {
                for a in list {
                    let code = str_of(a, "code");
                    let name = str_of(a, "name");
                    let key = match (code, name) {
                        (Some(c), _) if known.iter().any(|k| k == c) => c.to_string(),
                        (_, Some(n)) => n.to_string(),
                        (Some(c), None) => c.to_string(),
                        (None, None) => {
                            o.dropped(
                                report,
                                format!("an affected component without code or name: {a}"),
                            );
                            continue;
                        }
                    };
                    if code.is_none()
                        && name.is_some_and(|n| {
                            let n = n.to_lowercase();
                            n.contains("no components") || n.starts_with("this incident")
                        })
                    {
                        o.dropped(
                            report,
                            format!(
                                "placeholder affected component \"{}\"",
                                name.unwrap_or_default()
                            ),
                        );
                        continue;
                    }
                    let level = str_of(a, "new_status").and_then(level_of);
                    let level = match level {
                        Some(Level::Operational) | Some(Level::UnderMaintenance) | None => {
                            // The component was named: it was affected before it recovered.
                            str_of(a, "old_status")
                                .and_then(level_of)
                                .filter(|l| *l > Level::UnderMaintenance)
                        }
                        some => some,
                    };
                    match affected.iter_mut().find(|x| x.key == key) {
                        Some(x) => {
                            if let Some(l) = level {
                                x.level = x.level.max(l);
                            }
                        }
                        None => affected.push(Affected {
                            key,
                            level: level.unwrap_or(Level::Operational),
                            origin: o.origin.clone(),
                        }),
                    }
                }
            }
            Some(other) => o.dropped(
                report,
                format!("`affected_components` is not a list: {other}"),
            ),
        }
    }
    (out, raws, affected)
}

/// `YYYY-MM-DD-title` as `statusgen new` names files (the import makes it unique later).
fn stem(at: DateTime<Utc>, title: &str) -> String {
    let date = at.format("%Y-%m-%d").to_string();
    crate::authoring::new::unique_stem(&date, title, "incident", &Default::default())
}

/// An item's id, place and title (a missing name is reported and replaced).
fn head(doc: &Doc, item: &Value, kind: &str, report: &mut Report) -> Option<(String, At, String)> {
    let id = id_of(item)?;
    let at = doc.at(&id, format!("{kind} {id}"));
    let title = match str_of(item, "name") {
        Some(t) => clean_chars(t, &mut Vec::new()),
        None => {
            let fallback = if kind == "incident" {
                "Incident"
            } else {
                "Maintenance"
            };
            at.guessed(report, format!("no name: \"{fallback}\""));
            fallback.to_string()
        }
    };
    Some((id, at, title))
}

fn incident(
    doc: &Doc,
    item: &Value,
    known: &[String],
    tz: Tz,
    report: &mut Report,
    out: &mut Source,
) {
    let Some((id, at, title)) = head(doc, item, "incident", report) else {
        return;
    };
    let o = at.origin.clone();
    let started = time_at(&at, item, "started_at", tz, report)
        .or_else(|| time_at(&at, item, "created_at", tz, report));
    let Some(started) = started else {
        at.skip(report, "neither started_at nor created_at");
        return;
    };
    let (ups, _, mut affected) = updates(doc, &at, item, known, tz, started, report);
    out.source_updates += ups.len();
    let impact = match str_of(item, "impact").unwrap_or("none") {
        "none" => Impact::None,
        "minor" => Impact::Minor,
        "major" => Impact::Major,
        "critical" => Impact::Critical,
        other => {
            at.guessed(report, format!("impact \"{other}\" read as minor"));
            Impact::Minor
        }
    };
    // Components the incident names but no update set a level for: the level its impact gives.
    for c in item
        .get("components")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let key = match (str_of(c, "id"), str_of(c, "name")) {
            (Some(i), _) if known.iter().any(|k| k == i) => i.to_string(),
            (_, Some(n)) => n.to_string(),
            (Some(i), None) => i.to_string(),
            _ => continue,
        };
        if !affected.iter().any(|a| a.key == key) {
            affected.push(Affected {
                key,
                level: Level::Operational,
                origin: o.clone(),
            });
        }
    }
    // Component ids to names, for the report.
    let names: BTreeMap<String, String> = item
        .get("components")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| Some((str_of(c, "id")?.to_string(), str_of(c, "name")?.to_string())))
        .collect();
    for a in &mut affected {
        if a.level <= Level::UnderMaintenance {
            a.level = impact.default_level();
            at.guessed(
                report,
                format!(
                    "no outage level is recorded for component \"{}\": {} from the impact",
                    names.get(&a.key).map(String::as_str).unwrap_or(&a.key),
                    a.level.as_str()
                ),
            );
        }
    }
    let status = str_of(item, "status").unwrap_or("");
    let is_resolved = matches!(status, "resolved" | "postmortem" | "completed");
    let resolved = match time_at(&at, item, "resolved_at", tz, report) {
        Some(t) => Some(t),
        None if is_resolved => {
            let last = ups.iter().map(|u| u.at).max().unwrap_or(started);
            at.guessed(
                report,
                format!(
                    "status {status} without resolved_at: resolved at its last update, {}",
                    last.to_rfc3339()
                ),
            );
            Some(last)
        }
        None => None,
    };
    let mut body = String::new();
    if let Some(pm) = item
        .get("postmortem_body")
        .and_then(text_of)
        .filter(|s| !s.trim().is_empty())
    {
        let c = clean_markdown(&pm);
        body = c.text;
    }
    if let Some(link) = str_of(item, "shortlink") {
        at.dropped(
            report,
            format!("shortlink {link} (the incident's new address is its statusgen page)"),
        );
    }
    out.incidents.push(SourceIncident {
        origin: o,
        stem: stem(started, &title),
        source_id: Some(id),
        title,
        impact,
        severity: None,
        started,
        resolved,
        affected,
        updates: ups,
        body,
        draft: false,
    });
}

fn maintenance(
    doc: &Doc,
    item: &Value,
    known: &[String],
    tz: Tz,
    report: &mut Report,
    out: &mut Source,
) {
    let Some((id, at, title)) = head(doc, item, "maintenance", report) else {
        return;
    };
    let created = time_at(&at, item, "created_at", tz, report);
    let starts = time_at(&at, item, "scheduled_for", tz, report)
        .or_else(|| time_at(&at, item, "started_at", tz, report))
        .or(created);
    let Some(starts) = starts else {
        at.skip(report, "no scheduled_for");
        return;
    };
    let (ups, raw, affected) = updates(doc, &at, item, known, tz, starts, report);
    out.source_updates += ups.len();
    let ends = time_at(&at, item, "scheduled_until", tz, report)
        .or_else(|| time_at(&at, item, "resolved_at", tz, report))
        .unwrap_or_else(|| {
            let last = ups.iter().map(|u| u.at).max().unwrap_or(starts);
            at.guessed(
                report,
                format!(
                    "no scheduled_until: the window ends at {}",
                    last.to_rfc3339()
                ),
            );
            last
        });
    out.maintenance.push(SourceMaintenance {
        origin: at.origin.clone(),
        stem: stem(starts, &title),
        source_id: Some(id),
        title,
        starts,
        ends,
        affected,
        body: String::new(),
        draft: false,
        timeline: ups
            .iter()
            .zip(raw)
            .map(|(u, raw)| (u.at, raw, u.message.clone()))
            .collect(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_file_of_any_shape() {
        let dir = tempfile::tempdir().unwrap();
        let one = |id: &str| {
            format!(
                "{{\"id\":\"{id}\",\"name\":\"N {id}\",\"status\":\"resolved\",\"impact\":\"minor\",\"created_at\":\"2024-01-01T10:00:00Z\",\"resolved_at\":\"2024-01-01T11:00:00Z\",\"incident_updates\":[{{\"id\":\"u{id}\",\"status\":\"resolved\",\"body\":\"ok\",\"created_at\":\"2024-01-01T11:00:00Z\"}}]}}"
            )
        };
        for (name, text) in [
            ("wrapped.json", format!("{{\"incident\":{}}}", one("aaa"))),
            ("bare.json", one("bbb")),
            ("export.json", format!("[{},{}]", one("ccc"), one("aaa"))),
        ] {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let mut r = Report::default();
        let s = read(dir.path(), Tz::UTC, &mut r).unwrap();
        let mut ids: Vec<_> = s
            .incidents
            .iter()
            .filter_map(|i| i.source_id.clone())
            .collect();
        ids.sort();
        assert_eq!(ids, ["aaa", "bbb", "ccc"]);
        assert_eq!(s.source_updates, 3);
        // Minified: every note names its incident.
        assert!(
            r.notes.iter().all(|n| n.message.starts_with("incident ")),
            "{:?}",
            r.notes
        );
    }
}
