//! cState (Hugo): `config.yml` (`params.systems`, `params.categories`) and
//! `content/issues/**.md` with YAML front matter; updates inline in the body, marked with
//! `{{< track "DATE" >}}` shortcodes.

use std::path::Path;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use crate::import::ImportError;
use crate::import::model::{
    Affected, Origin, Source, SourceComponent, SourceIncident, SourceMaintenance, SourceSite,
    SourceUpdate,
};
use crate::import::report::Report;
use crate::import::source_file::{self, Fields, SourceFile, text_of};
use crate::import::text::{clean_chars, clean_markdown, clean_message, status_word};
use crate::import::time;
use crate::vocabulary::{Impact, Level, UpdateStatus};

/// Front-matter keys cState reads; others are reported as dropped.
const KNOWN: &[&str] = &[
    "title",
    "date",
    "resolved",
    "resolvedwhen",
    "severity",
    "affected",
    "section",
    "informational",
    "pin",
    "draft",
    "description",
];

/// The example incidents cState's starter site ships (file name, title): left over in
/// sites created from it, they are not the site's history.
const EXAMPLES: &[(&str, &str)] = &[
    ("2018-01-17-sending-dms-impacted", "Issues Sending DMs"),
    (
        "2018-04-13-unavailable-guilds-connection-issues",
        "Unavailable Guilds & Connection Issues",
    ),
    (
        "2018-05-25-us-east-conn-issues",
        "US East Connection Issues",
    ),
    ("2019-10-08-testing-new-pipeline", "New Pipeline Rollout"),
    ("2024-02-24-maintenance-window", "Maintenance Announcement"),
    ("i-testing-cstate-functions", "Testing New cState Features"),
];

fn config(dir: &Path, report: &mut Report) -> Result<(String, Value), ImportError> {
    for name in [
        "config.yml",
        "config.yaml",
        "hugo.yml",
        "hugo.yaml",
        "config.toml",
        "hugo.toml",
    ] {
        let path = dir.join(name);
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let text = source_file::decode(&bytes).map_err(|e| {
            ImportError::Source(format!("{}:{}: {}", path.display(), e.line, e.reason))
        })?;
        let parsed = if name.ends_with(".toml") {
            source_file::toml_front(text)
        } else {
            source_file::yaml(text)
        };
        return match parsed {
            Ok(v) => Ok((name.to_string(), v)),
            Err((line, e)) => Err(ImportError::Source(format!(
                "{}:{line}: the configuration does not parse: {e}",
                path.display()
            ))),
        };
    }
    report.guessed(
        Origin::new("config.yml", 0),
        "no config.yml: no systems declared, components come from the incidents",
    );
    if !dir.join("content").is_dir() {
        return Err(ImportError::Source(format!(
            "{} is not a cState site: it has neither config.yml nor content/issues/",
            dir.display()
        )));
    }
    Ok(("config.yml".into(), Value::Null))
}

fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Reads a cState site. Times without offset are read in `tz` (`--timezone`), else in the
/// site's Hugo `timeZone` (which Hugo itself uses for them), else in UTC.
pub fn read(dir: &Path, tz: Option<Tz>, report: &mut Report) -> Result<Source, ImportError> {
    let (cfg_name, cfg) = config(dir, report)?;
    let params = cfg.get("params").unwrap_or(&Value::Null);
    let hugo_tz = str_at(&cfg, "timeZone").or(str_at(&cfg, "timezone"));
    let tz = match (tz, hugo_tz) {
        (Some(tz), _) => tz,
        (None, Some(name)) => match name.parse::<Tz>() {
            Ok(tz) => tz,
            Err(_) => {
                report.dropped(
                    Origin::new(&cfg_name, 0),
                    format!("`timeZone` \"{name}\" is not an IANA name: times without offset are read in UTC"),
                );
                Tz::UTC
            }
        },
        (None, None) => Tz::UTC,
    };
    let mut source = Source {
        site: SourceSite {
            title: str_at(&cfg, "title").map(String::from),
            base_url: str_at(&cfg, "baseURL")
                .or(str_at(&cfg, "baseurl"))
                .map(String::from),
            description: str_at(params, "description").map(String::from),
            timezone: hugo_tz.map(String::from),
        },
        ..Default::default()
    };
    let systems = params
        .get("systems")
        .or_else(|| cfg.get("systems"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for s in &systems {
        let Some(name) = str_at(s, "name").map(|n| clean_chars(n, &mut Vec::new())) else {
            report.dropped(
                Origin::new(&cfg_name, 0),
                format!("a system without a name: {s}"),
            );
            continue;
        };
        if let Some(link) = str_at(s, "link") {
            report.dropped(
                Origin::new(&cfg_name, 0),
                format!("system \"{name}\": link {link} (statusgen components have no link)"),
            );
        }
        source.components.push(SourceComponent {
            key: name.clone(),
            name,
            group: str_at(s, "category").map(String::from),
            description: str_at(s, "description").map(String::from),
        });
    }
    let issues = dir.join("content").join("issues");
    if !issues.is_dir() {
        return Err(ImportError::Source(format!(
            "{} has no content/issues/ folder: is it a cState site?",
            dir.display()
        )));
    }
    for entry in walkdir::WalkDir::new(&issues).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                report.skip(
                    Origin::new("content/issues", 0),
                    format!("cannot read: {e}"),
                );
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(reason) = not_an_incident(&name) {
            report.skip(Origin::new(rel, 0), reason);
            continue;
        }
        let bytes = match std::fs::read(entry.path()) {
            Ok(b) => b,
            Err(e) => {
                report.skip(Origin::new(rel, 0), format!("cannot read: {e}"));
                continue;
            }
        };
        let file = match source_file::read(&bytes) {
            Ok(f) => f,
            Err(e) => {
                report.skip(Origin::new(rel, e.line), e.reason);
                continue;
            }
        };
        let stem = name
            .trim_end_matches(".markdown")
            .trim_end_matches(".md")
            .to_string();
        issue(&rel, &stem, &file, tz, report, &mut source);
    }
    Ok(source)
}

/// Files under content/issues that are not incidents, and why.
pub fn not_an_incident(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    if lower.starts_with('.') {
        return Some("a hidden file".into());
    }
    if lower == "_index.md" || lower == "index.md" {
        return Some("a section index page, not an incident".into());
    }
    if lower.ends_with(".md.tpl") || lower.ends_with(".tpl") {
        return Some("a template, not an incident".into());
    }
    if lower.ends_with(".adoc") || lower.ends_with(".asciidoc") || lower.ends_with(".asc") {
        return Some("an AsciiDoc page (only Markdown incidents are imported)".into());
    }
    if !(lower.ends_with(".md") || lower.ends_with(".markdown")) {
        return Some("not a Markdown file".into());
    }
    None
}

fn issue(rel: &str, stem: &str, f: &SourceFile, tz: Tz, report: &mut Report, source: &mut Source) {
    let o = |line| Origin::new(rel, line);
    let fields = Fields { file: f, rel };
    if !fields.usable(report) {
        return;
    }
    let Some(title) = fields.text("title") else {
        report.skip(o(1), "no `title`: not an incident");
        return;
    };
    if EXAMPLES
        .iter()
        .any(|(s, t)| *s == stem && t.trim() == title.trim())
    {
        report.skip(
            o(0),
            "one of cState's own example incidents (left over from the starter site)",
        );
        return;
    }
    let started = match fields.time("date", tz, report) {
        Ok(Some(t)) => t,
        Ok(None) => {
            report.skip(o(1), "no `date`: cannot place the incident in time");
            return;
        }
        Err(e) => {
            report.skip(o(f.key_line("date")), e);
            return;
        }
    };
    fields.unknown_keys(KNOWN, report);
    if let Some((k, v)) = f.get_ci("pin")
        && crate::import::source_file::lenient_bool(v).is_some_and(|(pinned, _)| pinned)
    {
        report.dropped(
            o(f.key_line(k)),
            format!("`{k}: {v}` (statusgen does not pin incidents)"),
        );
    }
    let draft = fields.boolean("draft", report).unwrap_or(false);
    let resolved_flag = fields.boolean("resolved", report);
    let informational = fields.boolean("informational", report).unwrap_or(false);
    let resolved_when = fields.time("resolvedWhen", tz, report).unwrap_or_else(|e| {
        report.dropped(o(f.key_line("resolvedWhen")), e);
        None
    });
    let severity_raw = f.get_ci("severity").and_then(|(_, v)| text_of(v));
    let sev_line = f.key_line("severity");
    let severity = match severity_raw
        .as_deref()
        .map(|s| s.trim().to_ascii_lowercase())
    {
        Some(s) if s == "down" || s == "disrupted" || s == "notice" => Some(s),
        Some(other) => {
            report.guessed(
                o(sev_line),
                format!("severity \"{other}\" is not down, disrupted or notice: read as notice"),
            );
            Some("notice".to_string())
        }
        None => None,
    };

    let names = fields.names("affected", report);
    let (impact, level) = impact_and_level(severity.as_deref(), informational, !names.is_empty());
    let affected: Vec<Affected> = names
        .into_iter()
        .map(|(key, line)| Affected {
            key,
            level,
            origin: o(line),
        })
        .collect();
    if severity.is_none() && !informational {
        report.guessed(o(1), "no `severity`: imported with impact none");
    }

    let (updates, body) = track_updates(
        rel,
        &f.body,
        f.body_line,
        started,
        tz,
        resolved_flag.unwrap_or(false),
        report,
    );
    let last = updates.iter().map(|u| u.at).max();
    let resolved = match (resolved_flag, resolved_when) {
        (Some(true), Some(t)) => Some(t),
        (Some(true), None) => {
            let at = last.unwrap_or(started).max(started);
            report.guessed(
                o(f.key_line("resolved")),
                format!(
                    "resolved without `resolvedWhen`: resolution set to {}",
                    at.to_rfc3339()
                ),
            );
            Some(at)
        }
        (_, when) if informational => {
            let at = when.unwrap_or(started);
            if when.is_none() {
                report.guessed(
                    o(f.key_line("informational")),
                    "informational notice: imported as resolved when posted",
                );
            }
            Some(at)
        }
        (Some(false), Some(_)) => {
            report.dropped(
                o(f.key_line("resolvedWhen")),
                "`resolvedWhen` is set but `resolved` is false: imported as ongoing",
            );
            None
        }
        (None, Some(t)) => {
            report.guessed(
                o(f.key_line("resolvedWhen")),
                "`resolvedWhen` without `resolved`: read as resolved",
            );
            Some(t)
        }
        _ => None,
    };

    let resolved = match resolved {
        Some(r) if r < started => {
            let at = last.unwrap_or(started).max(started);
            report.guessed(
                o(f.key_line("resolvedWhen")),
                format!(
                    "`resolvedWhen` {} is before `date` {}: resolution set to {}",
                    r.to_rfc3339(),
                    started.to_rfc3339(),
                    at.to_rfc3339()
                ),
            );
            Some(at)
        }
        other => other,
    };
    let is_window =
        title.to_lowercase().contains("maintenance") && matches!(resolved, Some(r) if r > started);
    // A `description` (shown as a summary by some cState versions) opens the body.
    let body = match fields.text("description") {
        Some(d) if !body.contains(&d) => format!("{d}\n\n{body}"),
        _ => body,
    };
    let clean = clean_markdown(&body);
    for c in &clean.changes {
        report.guessed(o(f.body_line), format!("body: {c}"));
    }
    source.source_updates += updates.len();
    if is_window {
        report.guessed(
            o(f.key_line("title")),
            "the title names maintenance and it has an end: imported as a maintenance window",
        );
        source.maintenance.push(SourceMaintenance {
            origin: o(0),
            stem: stem.to_string(),
            source_id: None,
            title,
            starts: started,
            ends: resolved.unwrap_or(started),
            affected,
            body: clean.text,
            draft,
            timeline: SourceUpdate::timeline(&updates),
        });
        return;
    }
    source.incidents.push(SourceIncident {
        origin: o(0),
        stem: stem.to_string(),
        source_id: None,
        title,
        impact,
        severity,
        started,
        resolved,
        affected,
        updates,
        body: clean.text,
        draft,
    });
}

/// cState's severity → statusgen's impact and the level of the affected components
/// (the same pairs statusgen gives the list form of `components`). Informational posts,
/// notices naming no system and posts without a severity have no impact.
pub fn impact_and_level(
    severity: Option<&str>,
    informational: bool,
    affected: bool,
) -> (Impact, Level) {
    let level = match severity {
        Some("down") => Level::MajorOutage,
        Some("disrupted") => Level::PartialOutage,
        _ => Level::DegradedPerformance,
    };
    let impact = match severity {
        _ if informational => Impact::None,
        Some("down") => Impact::Critical,
        Some("disrupted") => Impact::Major,
        Some(_) if affected => Impact::Minor,
        _ => Impact::None,
    };
    (impact, level)
}

/// A `{{< track "DATE" >}}` (or `{{% track %}}`) shortcode in `s`: (start, end, date text).
fn next_track(s: &str) -> Option<(usize, usize, String)> {
    let mut from = 0;
    while let Some(i) = s[from..].find("{{") {
        let start = from + i;
        let rest = &s[start + 2..];
        let close = rest.find("}}")?;
        let inner = rest[..close].trim_matches(['<', '>', '%', ' ']).trim();
        if let Some(arg) = inner.strip_prefix("track") {
            let arg = arg.trim().trim_matches(['"', '\'', '`']).trim().to_string();
            return Some((start, start + 2 + close + 2, arg));
        }
        from = start + 2;
    }
    None
}

/// Removes a leading emphasis label (`*Resolved* -`, `**Update**:`) and returns it.
fn strip_label(s: &str) -> (Option<String>, &str) {
    let t = s.trim_start();
    let stars = t.len() - t.trim_start_matches(['*', '_']).len();
    if stars == 0 {
        return (None, s);
    }
    let marker = &t[..stars];
    let inner = &t[stars..];
    let Some(end) = inner.find(marker) else {
        return (None, s);
    };
    let label = inner[..end].trim().trim_end_matches(':').to_string();
    if label.is_empty() || label.len() > 40 {
        return (None, s);
    }
    let rest = inner[end + stars..].trim_start_matches([' ', ':', '-', '–', '—']);
    (Some(label), rest)
}

/// The body's track shortcodes and the paragraphs they mark → updates; the rest is the body.
pub fn track_updates(
    rel: &str,
    body: &str,
    body_line: usize,
    started: DateTime<Utc>,
    tz: Tz,
    resolved: bool,
    report: &mut Report,
) -> (Vec<SourceUpdate>, String) {
    // Paragraphs with their first line.
    let mut paras: Vec<(usize, String)> = Vec::new();
    let mut cur = String::new();
    let mut cur_line = body_line;
    for (i, line) in body.lines().enumerate() {
        if line.trim().is_empty() {
            if !cur.trim().is_empty() {
                paras.push((cur_line, std::mem::take(&mut cur)));
            }
            cur.clear();
            cur_line = body_line + i + 1;
        } else {
            if cur.is_empty() {
                cur_line = body_line + i;
            }
            cur.push_str(line);
            cur.push('\n');
        }
    }
    if !cur.trim().is_empty() {
        paras.push((cur_line, cur));
    }

    let mut updates: Vec<(usize, String, String)> = Vec::new(); // (line, date text, message)
    let mut kept = Vec::new();
    let mut pending: Option<usize> = None; // an update whose text is in the next paragraphs
    for (line, p) in &paras {
        let mut segments = Vec::new();
        let mut dates = Vec::new();
        let mut rest = p.as_str();
        while let Some((a, b, d)) = next_track(rest) {
            segments.push(rest[..a].to_string());
            dates.push(d);
            rest = &rest[b..];
        }
        segments.push(rest.to_string());
        if dates.is_empty() {
            match pending {
                Some(u) => {
                    let m = &mut updates[u].2;
                    if !m.is_empty() {
                        m.push_str("\n\n");
                    }
                    m.push_str(p.trim());
                }
                None => kept.push(p.trim_end().to_string()),
            }
            continue;
        }
        pending = None;
        let trailing = segments.last().map(|s| s.trim().is_empty()).unwrap_or(true);
        if trailing {
            // `text {{< track >}}`: each shortcode closes the text before it.
            for (k, d) in dates.iter().enumerate() {
                updates.push((*line, d.clone(), segments[k].trim().to_string()));
            }
        } else {
            // `{{< track >}} text`: each shortcode opens the text after it.
            if !segments[0].trim().is_empty() {
                kept.push(segments[0].trim_end().to_string());
            }
            for (k, d) in dates.iter().enumerate() {
                updates.push((*line, d.clone(), segments[k + 1].trim().to_string()));
            }
        }
        if let Some(last) = updates.last()
            && last.2.is_empty()
        {
            pending = Some(updates.len() - 1);
        }
    }

    let n = updates.len();
    let mut out = Vec::new();
    let mut prev: Option<UpdateStatus> = None;
    // Source order is usually newest first; statuses are guessed oldest first.
    let mut order: Vec<usize> = (0..n).collect();
    let times: Vec<Option<DateTime<Utc>>> = updates
        .iter()
        .map(|(line, d, _)| match time::parse(d, tz) {
            Some(p) => {
                if let Some(g) = p.guess {
                    report.guessed(Origin::new(rel, *line), format!("update time {g}"));
                }
                Some(p.at)
            }
            None => None,
        })
        .collect();
    order.sort_by_key(|i| times[*i].unwrap_or(started));
    let newest = order.last().copied();
    for i in order {
        let (line, d, msg) = &updates[i];
        let at = match times[i] {
            Some(t) => t,
            None => {
                report.guessed(
                    Origin::new(rel, *line),
                    format!("update time \"{d}\" is not a time: the incident's start is used"),
                );
                started
            }
        };
        let (label, text) = strip_label(msg);
        let from_label = label.as_deref().and_then(status_word);
        let status = match from_label.or_else(|| status_word(text)) {
            Some(s) => {
                if from_label.is_none() {
                    report.guessed(
                        Origin::new(rel, *line),
                        format!("update status \"{}\" read from the text", s.as_str()),
                    );
                }
                s
            }
            None => {
                let s = if resolved && Some(i) == newest {
                    UpdateStatus::Resolved
                } else {
                    prev.unwrap_or(UpdateStatus::Investigating)
                };
                report.guessed(
                    Origin::new(rel, *line),
                    format!("update has no status word: \"{}\"", s.as_str()),
                );
                s
            }
        };
        prev = Some(status);
        let cleaned = clean_message(text);
        let mut message = cleaned.text;
        if message.is_empty() {
            message = label.unwrap_or_else(|| status.label().to_string());
            report.guessed(
                Origin::new(rel, *line),
                "update has no text: its status is used",
            );
        }
        out.push(SourceUpdate {
            at,
            status,
            message,
        });
    }
    let body = kept.join("\n\n").replace("{{< track \"\" >}}", "");
    (out, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn track_shortcodes_at_the_end_start_and_alone() {
        let body = "Intro text.\n\n*Resolved* - Fixed the path. {{< track \"2018-09-29 20:00:00\" >}}\n\n*Monitoring* - Watching. {{< track \"2018-09-29 19:00:00\" >}}\n\n{{< track \"2018-09-29T18:00:00.000Z\" >}}We are looking.<br />More.\n\n{{< track \"2018-09-29 18:30:00\" >}}\n\nStandalone text.\n";
        let mut r = Report::default();
        let (u, rest) = track_updates(
            "a.md",
            body,
            8,
            utc("2018-09-29T17:00:00Z"),
            Tz::UTC,
            true,
            &mut r,
        );
        assert_eq!(u.len(), 4);
        assert_eq!(u[0].at, utc("2018-09-29T18:00:00Z"));
        assert_eq!(u[0].message, "We are looking.\nMore.");
        assert_eq!(u[0].status, UpdateStatus::Investigating);
        assert_eq!(u[1].message, "Standalone text.");
        assert_eq!(u[2].status, UpdateStatus::Monitoring);
        assert_eq!(u[2].message, "Watching.");
        assert_eq!(u[3].status, UpdateStatus::Resolved);
        assert_eq!(rest, "Intro text.");
    }

    #[test]
    fn severities() {
        use Impact::*;
        use Level::*;
        for (sev, info, affected, want) in [
            (Some("down"), false, true, (Critical, MajorOutage)),
            (Some("disrupted"), false, true, (Major, PartialOutage)),
            (Some("notice"), false, true, (Minor, DegradedPerformance)),
            (Some("notice"), false, false, (None, DegradedPerformance)),
            (Some("down"), true, true, (None, MajorOutage)),
            (Option::None, false, true, (None, DegradedPerformance)),
        ] {
            assert_eq!(
                impact_and_level(sev, info, affected),
                want,
                "{sev:?} {info} {affected}"
            );
            // Every pair is one statusgen itself derives for the list form.
            if want.0 != None {
                assert_eq!(want.0.default_level(), want.1);
            }
        }
    }

    #[test]
    fn labels() {
        assert_eq!(
            strip_label("**Update**: done"),
            (Some("Update".into()), "done")
        );
        assert_eq!(
            strip_label("*Resolved* - ok"),
            (Some("Resolved".into()), "ok")
        );
        assert_eq!(strip_label("plain"), (None, "plain"));
    }

    #[test]
    fn non_incident_names() {
        assert!(not_an_incident("_index.md").is_some());
        assert!(not_an_incident("x.md.tpl").is_some());
        assert!(not_an_incident("page.adoc").is_some());
        assert!(not_an_incident("2020-01-01-x.md").is_none());
    }
}
