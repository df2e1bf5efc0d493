//! Upptime's repository data: the commit log of `history/<slug>.yml`, exported with
//! `git log --reverse --format='%aI %s' -- history/<slug>.yml`, one status line per
//! commit (`🟩 API is up (200 in 182 ms) [skip ci] [upptime]`), plus the current state in
//! `history/<slug>.yml` itself. The Upptime action commits that file when a site's
//! status changes and once a day (its response-time workflow), so each commit is one
//! check at the commit's time.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::Source;
use super::existing::Problems;
use super::row::{Check, parse_status_code};
use crate::diag::Diagnostic;

/// What a status line says.
#[derive(Debug, PartialEq, Eq)]
pub struct StatusLine<'a> {
    pub site: &'a str,
    pub status: &'a str,
    pub code: Option<u16>,
    pub response_ms: Option<u64>,
}

/// Reads `$PREFIX $SITE_NAME is $STATUS ($RESPONSE_CODE in $RESPONSE_TIME ms)…`, the
/// message Upptime writes (`commitMessages.statusChange` in .upptimerc.yml); the part in
/// brackets may be missing from a customised message.
pub fn status_line(subject: &str) -> Option<StatusLine<'_>> {
    let (i, status) = ["up", "down", "degraded"]
        .iter()
        .filter_map(|s| {
            let needle = format!(" is {s}");
            subject.rfind(&needle).and_then(|i| {
                let after = &subject[i + needle.len()..];
                (after.is_empty() || after.starts_with([' ', '(', ',', '.'])).then_some((i, *s))
            })
        })
        .max_by_key(|(i, _)| *i)?;
    let before = subject[..i].trim();
    // The first word is the prefix (🟩, 🟨, 🟥 or a custom one) unless it is all there is.
    let site = before
        .split_once(char::is_whitespace)
        .map(|(_, rest)| rest.trim())
        .unwrap_or(before);
    let after = &subject[i + 4 + status.len()..];
    let (code, response_ms) = after
        .trim_start()
        .strip_prefix('(')
        .and_then(|r| r.split_once(')'))
        .and_then(|(inside, _)| {
            let (code, time) = inside.split_once(" in ")?;
            let time = time.trim().strip_suffix("ms")?.trim();
            Some((code.trim().parse::<u32>().ok()?, time.parse::<u64>().ok()?))
        })
        .map(|(c, t)| (parse_status_code(&c.to_string()), (t > 0).then_some(t)))
        .unwrap_or((None, None));
    Some(StatusLine {
        site,
        status,
        code,
        response_ms,
    })
}

fn check(at_ms: i64, line: &StatusLine) -> Check {
    Check {
        at_ms,
        // Upptime opens an incident issue for degraded as for down, and counts it as
        // downtime: it is a failed check here too, said in the note.
        ok: line.status == "up",
        response_us: line.response_ms.map(|ms| ms * 1000),
        status_code: line.code,
        note: (line.status == "degraded").then(|| "degraded".into()),
    }
}

/// Reads the exported log. Lines whose subject is no status line (a manual commit
/// touching the file) are skipped and counted in the notes.
pub fn read_log(input: impl std::io::BufRead, file: &str, diags: &mut Vec<Diagnostic>) -> Source {
    let mut source = Source::default();
    let mut skipped: Vec<usize> = Vec::new();
    let mut sites: BTreeMap<String, usize> = BTreeMap::new();
    let mut bad = Problems::new(file, diags);
    for (n, raw) in input.lines().enumerate() {
        let line = n + 1;
        let raw = match raw {
            Ok(r) => r,
            Err(e) => {
                bad.push(
                    line,
                    format!("cannot read the line: {e}"),
                    "the log must be UTF-8 text",
                );
                continue;
            }
        };
        let raw = raw.trim_start_matches('\u{feff}').trim();
        if raw.is_empty() {
            continue;
        }
        let (time, subject) = raw.split_once(char::is_whitespace).unwrap_or((raw, ""));
        let Ok(at) = chrono::DateTime::parse_from_rfc3339(time) else {
            bad.push(
                line,
                format!("\"{time}\" is not an RFC 3339 time"),
                "export the log with: git log --reverse --format='%aI %s' -- history/<slug>.yml",
            );
            continue;
        };
        match status_line(subject.trim()) {
            Some(s) => {
                // One site's name, counted without copying it for every line.
                match sites.get_mut(s.site) {
                    Some(n) => *n += 1,
                    None => {
                        sites.insert(s.site.to_string(), 1);
                    }
                }
                source.push(check(at.timestamp_millis(), &s), line);
            }
            None => skipped.push(line),
        }
    }
    if bad.count() == 0 && source.rows.is_empty() {
        bad.push(
            0,
            "no Upptime status line (\"🟩 API is up (200 in 182 ms)\")".into(),
            "export the log with: git log --reverse --format='%aI %s' -- history/<slug>.yml",
        );
    }
    bad.finish();
    if !skipped.is_empty() {
        source.notes.push(format!(
            "skipped {} line(s) that are no status line (line {})",
            skipped.len(),
            list(&skipped)
        ));
    }
    if sites.len() > 1 {
        let named: Vec<String> = sites.iter().map(|(s, n)| format!("{s} ({n})")).collect();
        source.warnings.push(
            Diagnostic::warning(
                file,
                0,
                0,
                format!(
                    "the status lines name {} sites: {}",
                    sites.len(),
                    named.join(", ")
                ),
            )
            .with_help(
                "if the log mixes sites, export it with `-- history/<slug>.yml` for one site",
            ),
        );
    }
    source
}

fn list(lines: &[usize]) -> String {
    let shown: Vec<String> = lines.iter().take(5).map(usize::to_string).collect();
    let more = if lines.len() > 5 { ", …" } else { "" };
    format!("{}{more}", shown.join(", "))
}

/// `history/<slug>.yml` as the Upptime action writes it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct History {
    #[serde(default)]
    pub url: Option<String>,
    pub status: String,
    #[serde(default)]
    pub code: Option<serde_norway::Value>,
    #[serde(default)]
    pub response_time: Option<serde_norway::Value>,
    pub last_updated: String,
}

/// Reads the yml; its problems go to `diags`.
pub fn read_history(text: &str, file: &str, diags: &mut Vec<Diagnostic>) -> Option<History> {
    // Older versions wrote each key as a list item (`- status: up`); Upptime reads both.
    let text: String = text
        .lines()
        .map(|l| l.strip_prefix("- ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    match serde_norway::from_str::<History>(&text) {
        Ok(h) => Some(h),
        Err(e) => {
            let line = e.location().map(|l| l.line()).unwrap_or(0);
            diags.push(
                Diagnostic::error(file, line, 0, format!("not an Upptime history file: {e}"))
                    .with_help(
                        "history/<slug>.yml holds url, status, code, responseTime and lastUpdated",
                    ),
            );
            None
        }
    }
}

/// The yml's current state as a check, unless the log's newest line is that same check
/// (the commit that wrote the file, a few seconds after `lastUpdated`).
pub fn add_history(
    source: &mut Source,
    history: &History,
    file: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let Ok(at) = chrono::DateTime::parse_from_rfc3339(history.last_updated.trim()) else {
        diags.push(Diagnostic::error(
            file,
            0,
            0,
            format!(
                "lastUpdated: \"{}\" is not an RFC 3339 time",
                history.last_updated
            ),
        ));
        return;
    };
    let number = |v: &Option<serde_norway::Value>| -> Option<u64> {
        match v {
            Some(serde_norway::Value::Number(n)) => n.as_u64(),
            Some(serde_norway::Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
    };
    let status = history.status.trim();
    if !["up", "down", "degraded"].contains(&status) {
        diags.push(Diagnostic::error(
            file,
            0,
            0,
            format!("status: \"{status}\" is not up, down or degraded"),
        ));
        return;
    }
    let line = StatusLine {
        site: "",
        status,
        code: number(&history.code).and_then(|c| parse_status_code(&c.to_string())),
        response_ms: number(&history.response_time).filter(|t| *t > 0),
    };
    let c = check(at.timestamp_millis(), &line);
    let newest = source.rows.iter().max_by_key(|c| c.at_ms);
    // The commit follows the write by seconds; git's time has no fraction, so it may
    // read up to a second before `lastUpdated`.
    let same = newest.is_some_and(|n| {
        (-1000..=120_000).contains(&(n.at_ms - c.at_ms))
            && n.ok == c.ok
            && n.status_code == c.status_code
            && n.response_us == c.response_us
    });
    if same {
        source
            .notes
            .push(format!("{file}: its state is the log's newest line"));
    } else if newest.is_none_or(|n| n.at_ms + 1000 <= c.at_ms) {
        source.push(c, 0);
        source.notes.push(format!(
            "{file}: its state (lastUpdated {}) added as the newest check",
            history.last_updated.trim()
        ));
    } else {
        source.notes.push(format!(
            "{file}: lastUpdated {} is older than the log's newest line; not added",
            history.last_updated.trim()
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_message_and_variants() {
        assert_eq!(
            status_line("🟩 Public API is up (200 in 182 ms) [skip ci] [upptime]"),
            Some(StatusLine {
                site: "Public API",
                status: "up",
                code: Some(200),
                response_ms: Some(182),
            })
        );
        assert_eq!(
            status_line("🟥 Is it down is down (0 in 0 ms) [skip ci] [upptime]"),
            Some(StatusLine {
                site: "Is it down",
                status: "down",
                code: None,
                response_ms: None,
            })
        );
        let d = status_line("🟨 Docs is degraded (200 in 7012 ms) [skip ci] [upptime]").unwrap();
        assert_eq!((d.status, d.response_ms), ("degraded", Some(7012)));
        assert_eq!(
            status_line(":card_file_box: Update status summary [skip ci] [upptime]"),
            None
        );
        assert_eq!(status_line("Upstream is upgraded"), None);
        let custom = status_line("API is down").unwrap();
        assert_eq!(
            (custom.site, custom.status, custom.code),
            ("API", "down", None)
        );
    }

    #[test]
    fn log_lines_and_skips() {
        let mut d = Vec::new();
        let s = read_log(
            "2026-03-14T10:36:05+01:00 🟥 API is down (503 in 0 ms) [skip ci] [upptime]\n\
             \n\
             2026-03-14T11:06:10+01:00 🟩 API is up (200 in 182 ms) [skip ci] [upptime]\n\
             2026-03-14T12:00:00+01:00 Rename site\n\
             yesterday 🟩 API is up (200 in 182 ms)\n"
                .as_bytes(),
            "api.log",
            &mut d,
        );
        assert_eq!(s.rows.len(), 2);
        assert!(!s.rows[0].ok);
        assert_eq!(s.rows[0].status_code, Some(503));
        assert_eq!(s.lines[1], 3);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, 5);
        assert!(s.notes[0].contains("skipped 1 line(s)"), "{:?}", s.notes);
    }

    #[test]
    fn history_yml_adds_only_a_newer_state() {
        let mut d = Vec::new();
        let h = read_history(
            "url: https://api.example.com\nstatus: up\ncode: 200\nresponseTime: 182\nlastUpdated: 2026-03-14T10:06:08.123Z\nstartTime: 2026-01-01T00:00:00.000Z\ngenerator: Upptime <https://github.com/upptime/upptime>\n",
            "api.yml",
            &mut d,
        )
        .unwrap();
        let mut s = read_log(
            "2026-03-14T11:06:10+01:00 🟩 API is up (200 in 182 ms) [skip ci] [upptime]\n"
                .as_bytes(),
            "api.log",
            &mut d,
        );
        add_history(&mut s, &h, "api.yml", &mut d);
        assert_eq!(s.rows.len(), 1, "the newest commit is that state");
        // Committed in the same second: git's time reads before lastUpdated's fraction.
        let mut s = read_log(
            "2026-03-14T10:06:08Z 🟩 API is up (200 in 182 ms) [skip ci] [upptime]\n".as_bytes(),
            "api.log",
            &mut d,
        );
        add_history(&mut s, &h, "api.yml", &mut d);
        assert_eq!(s.rows.len(), 1, "the same second is the same check");
        let mut s = read_log(
            "2026-03-13T11:06:10+01:00 🟩 API is up (200 in 90 ms) [skip ci] [upptime]\n"
                .as_bytes(),
            "api.log",
            &mut d,
        );
        add_history(&mut s, &h, "api.yml", &mut d);
        assert_eq!(s.rows.len(), 2);
        assert_eq!(s.rows[1].at_ms % 1000, 123);
        assert!(d.is_empty(), "{d:?}");
    }
}
