//! Incident and maintenance files: front matter into typed values, with every problem
//! reported at its line.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use toml::de::DeTable;

use crate::diag::Diagnostic;
use crate::load::frontmatter::{self, Split};
use crate::load::reader::Reader;
use crate::load::slug;
use crate::site::{
    Action, Affected, Config, Incident, IncidentLines, Maintenance, MaintenanceUpdate, Template,
    Update,
};
use crate::vocabulary::{
    ActionStatus, Impact, Level, MaintenanceStatus, TemplateKind, UpdateStatus,
};

const INCIDENT_KEYS: &[&str] = &[
    "title",
    "slug",
    "impact",
    "severity",
    "started",
    "detected",
    "resolved",
    "template",
    "cause",
    "draft",
    "components",
    "updates",
    "actions",
];
const UPDATE_KEYS: &[&str] = &["at", "status", "message"];
const ACTION_KEYS: &[&str] = &["what", "owner", "due", "status", "done"];
const MAINTENANCE_KEYS: &[&str] = &[
    "title",
    "slug",
    "starts",
    "ends",
    "components",
    "status",
    "draft",
    "updates",
];

fn words<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|t| f(*t)).collect()
}

/// What is shared by reading either kind of file.
pub struct FileInput<'a> {
    /// Path relative to the site root with `/` separators.
    pub rel: &'a str,
    /// The file stem, for the default slug.
    pub stem: &'a str,
    pub bytes: &'a [u8],
}

/// Splits the file, or reports why it cannot be.
fn split<'a>(input: &FileInput<'a>, diags: &mut Vec<Diagnostic>) -> Option<Split<'a>> {
    match frontmatter::split(input.bytes) {
        Ok(s) => Some(s),
        Err(e) => {
            diags.push(Diagnostic::error(input.rel, e.line(), 1, e.message()).with_help(e.help()));
            None
        }
    }
}

fn slug_of(r: &mut Reader, t: &DeTable, stem: &str) -> Option<String> {
    match Reader::get(t, "slug") {
        Some(v) => {
            let s = r.opt_str(t, "slug")?;
            if slug::is_valid(&s) {
                Some(s)
            } else {
                r.error(
                    &v.span(),
                    format!("`slug` = \"{s}\" may only use a-z, 0-9 and -"),
                    format!(
                        "use a slug like \"{}\", or remove `slug` to use the file name",
                        slug::from_file_stem(&s)
                    ),
                );
                None
            }
        }
        None => {
            let s = slug::from_file_stem(stem);
            if s.is_empty() {
                r.error(
                    &(0..0),
                    format!("the file name \"{stem}\" gives an empty slug"),
                    "rename the file using letters or digits, or set slug = \"...\"",
                );
                None
            } else {
                Some(s)
            }
        }
    }
}

/// Known component ids, with "did you mean" for typos.
fn check_component(
    r: &mut Reader,
    config: &Config,
    id: &str,
    span: &std::ops::Range<usize>,
) -> bool {
    if config.components.iter().any(|c| c.id == id) {
        return true;
    }
    let ids: Vec<&str> = config.components.iter().map(|c| c.id.as_str()).collect();
    let help = match crate::load::reader::closest(id, &ids) {
        Some(c) => format!(
            "did you mean \"{c}\"? Components in site.toml: {}",
            ids.join(", ")
        ),
        None => format!("use an id declared in site.toml: {}", ids.join(", ")),
    };
    r.error(span, format!("unknown component \"{id}\""), help);
    false
}

/// The list form of `components`: known ids, each once, in the order written.
fn component_ids(r: &mut Reader, config: &Config, list: &toml::de::DeArray) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for item in list.iter() {
        match item.get_ref().as_str() {
            Some(id) if ids.iter().any(|c| c == id) => r.error(
                &item.span(),
                format!("component \"{id}\" is listed twice"),
                "list each component once",
            ),
            Some(id) => {
                if check_component(r, config, id, &item.span()) {
                    ids.push(id.to_string());
                }
            }
            None => r.error(
                &item.span(),
                "component ids must be strings",
                "write: components = [\"api\", \"auth\"]",
            ),
        }
    }
    ids
}

fn table_array<'t, 'a>(
    r: &mut Reader<'a>,
    t: &'t DeTable<'a>,
    key: &str,
) -> Vec<(&'t DeTable<'a>, std::ops::Range<usize>)> {
    let Some(v) = Reader::get(t, key) else {
        return Vec::new();
    };
    let Some(items) = v.get_ref().as_array() else {
        r.error(
            &v.span(),
            format!("`{key}` must be an array of tables"),
            format!("write each entry as a [[{key}]] section"),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items.iter() {
        match item.get_ref().as_table() {
            Some(tab) => out.push((tab, item.span())),
            None => r.error(
                &item.span(),
                format!("each entry of `{key}` must be a table"),
                format!("use [[{key}]] sections"),
            ),
        }
    }
    out
}

/// The `[[updates]]` entries of a timeline, oldest first (in time order whatever order
/// the file uses): `(at, status, message, line)`. Incidents and maintenance windows
/// differ only in their status words.
fn timeline<'a, S>(
    r: &mut Reader<'a>,
    t: &DeTable<'a>,
    parse: fn(&str) -> Option<S>,
    allowed: &[&str],
    example: &str,
) -> Vec<(chrono::DateTime<chrono::Utc>, S, String, usize)> {
    let mut updates = Vec::new();
    for (u, uspan) in table_array(r, t, "updates") {
        let what = "an [[updates]] entry";
        r.deny_unknown(u, UPDATE_KEYS, what);
        let at = r.req_datetime(u, &uspan, "at", what);
        let status = match Reader::get(u, "status") {
            None => {
                r.error(
                    &(uspan.start..uspan.start),
                    format!("{what} is missing required key `status`"),
                    format!("add: status = \"{example}\""),
                );
                None
            }
            Some(_) => r.opt_word(u, "status", parse, allowed),
        };
        let message = r.req_str(u, &uspan, "message", what);
        let line = r.position(&uspan).0;
        if let (Some(at), Some(status), Some(message)) = (at, status, message) {
            updates.push((at, status, message, line));
        }
    }
    updates.sort_by_key(|u| u.0);
    updates
}

pub fn parse_incident(
    input: &FileInput,
    config: &Config,
    tz: Tz,
    diags: &mut Vec<Diagnostic>,
) -> Option<Incident> {
    let s = split(input, diags)?;
    let before = diags.len();
    let mut r = Reader::new(input.rel, s.text, s.front_offset, tz, diags);
    let doc = r.parse(s.front)?;
    let span = doc.span();
    let t = doc.get_ref();
    let what = "an incident's front matter";
    r.deny_unknown(t, INCIDENT_KEYS, what);

    let slug = slug_of(&mut r, t, input.stem);
    let title = r.req_str(t, &span, "title", what);
    let impact = match Reader::get(t, "impact") {
        None => {
            r.error(
                &(0..0),
                format!("{what} is missing required key `impact`"),
                "add: impact = \"major\" (none, minor, major or critical)",
            );
            None
        }
        Some(_) => r.opt_word(
            t,
            "impact",
            Impact::parse,
            &words(&Impact::ALL, Impact::as_str),
        ),
    };
    let severity = r.opt_str(t, "severity");
    let started = r.req_datetime(t, &span, "started", what);
    let detected = r.opt_datetime(t, "detected");
    let resolved = r.opt_datetime(t, "resolved");
    let template = match Reader::get(t, "template") {
        None => Some(Template::Builtin(TemplateKind::Incident)),
        Some(_) => {
            // The built-in variants, then the team's templates of site.toml.
            let mut names = words(&TemplateKind::ALL, TemplateKind::as_str);
            names.extend(config.postmortem.templates.iter().map(|t| t.name.as_str()));
            r.opt_word(t, "template", |s| config.template(s), &names)
        }
    };
    let cause = r.opt_str(t, "cause");
    let draft = r.opt_bool(t, "draft").unwrap_or(false);

    // Components: a list of ids (level from impact) or a table of id = level.
    let mut components = Vec::new();
    if let Some(v) = Reader::get(t, "components") {
        let default_level = impact
            .map(Impact::default_level)
            .unwrap_or(Level::DegradedPerformance);
        let level_words: Vec<&str> = Level::ALL
            .iter()
            .filter(|l| **l != Level::UnderMaintenance)
            .map(|l| l.as_str())
            .collect();
        if let Some(list) = v.get_ref().as_array() {
            for id in component_ids(&mut r, config, list) {
                components.push(Affected {
                    id,
                    level: default_level,
                });
            }
        } else if let Some(tab) = v.get_ref().as_table() {
            for (k, lv) in tab.iter() {
                let id: &str = k.get_ref();
                let known = check_component(&mut r, config, id, &k.span());
                let level = match lv.get_ref().as_str() {
                    Some(word) => r.word(
                        &lv.span(),
                        id,
                        word,
                        |w| Level::parse(w).filter(|l| *l != Level::UnderMaintenance),
                        &level_words,
                    ),
                    None => {
                        r.error(
                            &lv.span(),
                            format!("the level of \"{id}\" must be a string"),
                            format!("write: {id} = \"major_outage\""),
                        );
                        None
                    }
                };
                if let (true, Some(level)) = (known, level) {
                    components.push(Affected {
                        id: id.to_string(),
                        level,
                    });
                }
            }
        } else {
            r.error(
                &v.span(),
                "`components` must be a list of ids or a table of id = level",
                "write: components = [\"api\"]  or a [components] section with api = \"major_outage\"",
            );
        }
    }

    let updates: Vec<Update> = timeline(
        &mut r,
        t,
        UpdateStatus::parse,
        &words(&UpdateStatus::ALL, UpdateStatus::as_str),
        "investigating",
    )
    .into_iter()
    .map(|(at, status, message, line)| Update {
        at,
        status,
        message,
        line,
    })
    .collect();

    let mut actions = Vec::new();
    for (a, aspan) in table_array(&mut r, t, "actions") {
        let what = "an [[actions]] entry";
        r.deny_unknown(a, ACTION_KEYS, what);
        let text = r.req_str(a, &aspan, "what", what);
        let owner = r.opt_str(a, "owner").filter(|o| !o.trim().is_empty());
        let due = r.opt_date(a, "due");
        let status = match Reader::get(a, "status") {
            None => Some(ActionStatus::Planned),
            Some(_) => r.opt_word(
                a,
                "status",
                ActionStatus::parse,
                &words(&ActionStatus::ALL, ActionStatus::as_str),
            ),
        };
        let done = r.opt_date(a, "done");
        if let (Some(d), Some(v)) = (done, Reader::get(a, "done")) {
            if status.is_some_and(|s| s != ActionStatus::Done) {
                r.error(
                    &v.span(),
                    "`done` is given but the action's status is not \"done\"",
                    "set status = \"done\", or remove `done` until the action is completed",
                );
            }
            let started_day = started.map(|s| s.with_timezone(&tz).date_naive());
            if let Some(first) = started_day.filter(|first| d < *first) {
                r.error(
                    &v.span(),
                    format!("`done` = {d} is before the incident started ({first})"),
                    "an action is completed on or after the day the incident started: check the date",
                );
            }
        }
        let line = r.position(&aspan).0;
        if let (Some(what), Some(status)) = (text, status) {
            actions.push(Action {
                what,
                owner,
                due,
                status,
                done,
                line,
            });
        }
    }

    // Cross-field rules.
    if let Some(started) = started {
        if let (Some(res), Some(v)) = (resolved, Reader::get(t, "resolved"))
            && res < started
        {
            r.error(
                &v.span(),
                "`resolved` is before `started`",
                "an incident cannot end before it starts: check both times and their offsets",
            );
        }
        if let (Some(det), Some(v)) = (detected, Reader::get(t, "detected")) {
            if det < started {
                r.error(
                    &v.span(),
                    "`detected` is before `started`",
                    "`started` is when impact began; move it to or before the detection time",
                );
            }
            if let Some(res) = resolved
                && det > res
            {
                r.error(
                    &v.span(),
                    "`detected` is after `resolved`",
                    "check both times and their offsets",
                );
            }
        }
    }

    let line_of = |key: &str| Reader::get(t, key).map_or(0, |v| r.position(&v.span()).0);
    let lines = IncidentLines {
        impact: line_of("impact"),
        started: line_of("started"),
        detected: line_of("detected"),
        resolved: line_of("resolved"),
    };
    if diags.len() > before {
        return None;
    }
    let detected = detected.or(started)?;
    let (resolved, resolved_from_update) = resolution(resolved, detected, &updates);
    Some(Incident {
        slug: slug?,
        source: input.rel.to_string(),
        title: title?,
        impact: impact?,
        severity,
        started: started?,
        detected,
        resolved,
        resolved_from_update,
        lines,
        template: template?,
        cause,
        draft,
        components,
        updates,
        actions,
        body: s.body.to_string(),
        body_line: s.body_line,
    })
}

/// The one meaning of "resolved": the `resolved` line when written; else, when the newest
/// update says `resolved`, that update's time (never before `detected`, so no duration
/// is negative; `check` reports the update's own time). Returns the time and whether
/// it came from the update. `updates` are oldest first.
pub fn resolution(
    written: Option<DateTime<Utc>>,
    detected: DateTime<Utc>,
    updates: &[Update],
) -> (Option<DateTime<Utc>>, bool) {
    if written.is_some() {
        return (written, false);
    }
    match updates.last() {
        Some(u) if u.status == UpdateStatus::Resolved => (Some(u.at.max(detected)), true),
        _ => (None, false),
    }
}

pub fn parse_maintenance(
    input: &FileInput,
    config: &Config,
    tz: Tz,
    diags: &mut Vec<Diagnostic>,
) -> Option<Maintenance> {
    let s = split(input, diags)?;
    let before = diags.len();
    let mut r = Reader::new(input.rel, s.text, s.front_offset, tz, diags);
    let doc = r.parse(s.front)?;
    let span = doc.span();
    let t = doc.get_ref();
    let what = "a maintenance file's front matter";
    r.deny_unknown(t, MAINTENANCE_KEYS, what);
    let slug = slug_of(&mut r, t, input.stem);
    let title = r.req_str(t, &span, "title", what);
    let starts = r.req_datetime(t, &span, "starts", what);
    let ends = r.req_datetime(t, &span, "ends", what);
    let status = r.opt_word(
        t,
        "status",
        MaintenanceStatus::parse,
        &words(&MaintenanceStatus::ALL, MaintenanceStatus::as_str),
    );
    let draft = r.opt_bool(t, "draft").unwrap_or(false);
    let mut components = Vec::new();
    if let Some(v) = Reader::get(t, "components") {
        match v.get_ref().as_array() {
            Some(list) => components = component_ids(&mut r, config, list),
            None => r.error(
                &v.span(),
                "`components` must be a list of ids",
                "write: components = [\"api\", \"auth\"]",
            ),
        }
    }
    let status_words = words(&MaintenanceStatus::ALL, MaintenanceStatus::as_str);
    let updates: Vec<MaintenanceUpdate> = timeline(
        &mut r,
        t,
        MaintenanceStatus::parse,
        &status_words,
        "scheduled",
    )
    .into_iter()
    .map(|(at, status, message, line)| MaintenanceUpdate {
        at,
        status,
        message,
        line,
    })
    .collect();
    if let (Some(a), Some(b), Some(v)) = (starts, ends, Reader::get(t, "ends"))
        && b <= a
    {
        r.error(
            &v.span(),
            "`ends` is not after `starts`",
            "a maintenance window must end after it starts: check both times and their offsets",
        );
    }
    if diags.len() > before {
        return None;
    }
    Some(Maintenance {
        slug: slug?,
        source: input.rel.to_string(),
        title: title?,
        starts: starts?,
        ends: ends?,
        components,
        status,
        draft,
        updates,
        body: s.body.to_string(),
        body_line: s.body_line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::Component;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn config() -> Config {
        Config::with_defaults(
            "T",
            "https://x.test/",
            chrono_tz::Europe::Berlin,
            vec![Component::new("api", "API", 0)],
        )
    }

    fn parse_both(bytes: &[u8]) -> Vec<Diagnostic> {
        let cfg = config();
        let input = FileInput {
            rel: "content/incidents/x.md",
            stem: "x",
            bytes,
        };
        let mut diags = Vec::new();
        let incident = parse_incident(&input, &cfg, cfg.timezone, &mut diags);
        let maintenance = parse_maintenance(&input, &cfg, cfg.timezone, &mut diags);
        // A file either parses or says why, never both nor neither.
        if incident.is_none() || maintenance.is_none() {
            assert!(diags.iter().any(Diagnostic::is_error));
        }
        for d in &diags {
            assert!(
                d.line <= bytes.iter().filter(|b| **b == b'\n').count() + 2,
                "{d:?}"
            );
        }
        diags
    }

    fn parse_with_diagnostics(text: &str) -> (Option<Incident>, Vec<Diagnostic>) {
        let cfg = config();
        let input = FileInput {
            rel: "content/incidents/x.md",
            stem: "x",
            bytes: text.as_bytes(),
        };
        let mut diags = Vec::new();
        let i = parse_incident(&input, &cfg, cfg.timezone, &mut diags);
        (i, diags)
    }

    fn parse(text: &str) -> Incident {
        let (i, diags) = parse_with_diagnostics(text);
        assert!(diags.is_empty(), "{diags:?}");
        i.unwrap()
    }

    const OPEN: &str = "+++\ntitle = \"A\"\nimpact = \"major\"\nstarted = 2026-03-14T10:00:00Z\n";
    const UPDATES: &str = "[[updates]]\nat = 2026-03-14T10:05:00Z\nstatus = \"investigating\"\nmessage = \"m\"\n[[updates]]\nat = 2026-03-14T10:40:00Z\nstatus = \"resolved\"\nmessage = \"m\"\n";

    #[test]
    fn an_action_completion_date_is_validated() {
        let with = |status: &str, done: &str| {
            format!("{OPEN}[[actions]]\nwhat = \"w\"\nstatus = \"{status}\"\ndone = {done}\n+++\n")
        };
        // The day the incident started (in the site timezone) is allowed.
        let i = parse(&with("done", "2026-03-14"));
        assert_eq!(i.actions[0].done, NaiveDate::from_ymd_opt(2026, 3, 14));
        let errors = |text: String| {
            let (i, diags) = parse_with_diagnostics(&text);
            assert!(i.is_none());
            diags
                .iter()
                .map(|d| (d.line, d.message.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            errors(with("in_progress", "2026-03-20")),
            [(
                8,
                "`done` is given but the action's status is not \"done\"".to_string()
            )]
        );
        assert_eq!(
            errors(with("done", "2026-03-13")),
            [(
                8,
                "`done` = 2026-03-13 is before the incident started (2026-03-14)".to_string()
            )]
        );
        assert_eq!(
            errors(with("done", "\"soon\"")),
            [(8, "`done` must be a date, found string".to_string())]
        );
    }

    #[test]
    fn a_final_resolved_update_resolves_the_incident_at_its_time() {
        let i = parse(&format!("{OPEN}{UPDATES}+++\n"));
        assert_eq!(
            i.resolved.unwrap().to_rfc3339(),
            "2026-03-14T10:40:00+00:00"
        );
        assert!(i.resolved_from_update);
        assert_eq!(i.lines.started, 4);
        assert_eq!(i.lines.impact, 3);
        assert_eq!(i.lines.resolved, 0);
        // A written `resolved` wins, and is where it was written.
        let i = parse(&format!(
            "{OPEN}resolved = 2026-03-14T10:30:00Z\n{UPDATES}+++\n"
        ));
        assert_eq!(
            i.resolved.unwrap().to_rfc3339(),
            "2026-03-14T10:30:00+00:00"
        );
        assert!(!i.resolved_from_update);
        assert_eq!(i.lines.resolved, 5);
        // A later update that is not `resolved` keeps it open, in any file order.
        let reopened = format!(
            "{OPEN}[[updates]]\nat = 2026-03-14T11:00:00Z\nstatus = \"monitoring\"\nmessage = \"m\"\n{UPDATES}+++\n"
        );
        let i = parse(&reopened);
        assert_eq!(i.resolved, None);
        assert!(!i.resolved_from_update);
    }

    #[test]
    fn a_derived_resolution_is_never_before_detection() {
        let detected = chrono::DateTime::parse_from_rfc3339("2026-03-14T10:10:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let early = Update {
            at: detected - chrono::Duration::minutes(30),
            status: UpdateStatus::Resolved,
            message: String::new(),
            line: 9,
        };
        assert_eq!(
            resolution(None, detected, std::slice::from_ref(&early)),
            (Some(detected), true)
        );
        assert_eq!(resolution(None, detected, &[]), (None, false));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            parse_both(&bytes);
        }

        #[test]
        fn mangled_front_matter_never_panics(
            cut in 0usize..400,
            junk in "[ -~\\n\\u{FEFF}é]{0,40}",
        ) {
            let good = "+++\ntitle = \"A\"\nimpact = \"major\"\nstarted = 2026-03-29T01:30:00\nresolved = 2026-03-29T04:00:00+02:00\n[components]\napi = \"major_outage\"\n[[updates]]\nat = 2026-03-29T01:30:00Z\nstatus = \"investigating\"\nmessage = \"m\"\n[[actions]]\nwhat = \"w\"\ndue = 2026-04-01\n+++\nbody\n";
            let cut = cut.min(good.len());
            let mut text = good[..cut].to_string();
            text.push_str(&junk);
            text.push_str(&good[cut..]);
            parse_both(text.as_bytes());
        }
    }
}
