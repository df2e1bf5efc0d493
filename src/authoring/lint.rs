//! Post-mortem lint: pure functions over a loaded [`Site`] and "now". Every finding is a
//! warning with a rule id, the file and line to fix, and how to fix it.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::authoring::outline::{Outline, outline};
use crate::authoring::variants::{self, Required};
use crate::model::timeline::{self, Timeline};
use crate::site::{Incident, PostmortemConfig, Site};
use crate::vocabulary::ActionStatus;

pub use crate::diag::Finding;

/// Every lint rule, with what it checks, for `--help`, docs and tests.
pub const RULES: &[(&str, &str)] = &[
    (
        "missing-section",
        "a resolved incident's post-mortem lacks a section its template requires",
    ),
    (
        "empty-section",
        "a required section of a resolved incident's post-mortem has a heading but nothing under it",
    ),
    (
        "postmortem-due",
        "a resolved incident has no post-mortem [postmortem].due_hours after resolution",
    ),
    ("action-owner", "a corrective action has no owner"),
    ("action-due", "an open corrective action has no due date"),
    (
        "action-done-date",
        "a done corrective action has no `done` completion date",
    ),
    (
        "action-overdue",
        "an open corrective action is past its due date",
    ),
    (
        "checkin-due",
        "the 30/60/90-day follow-up of an incident with open actions has been reached",
    ),
    (
        "update-order",
        "[[updates]] are not in time order in the file",
    ),
    (
        "update-outside",
        "an update is dated before `started` or after `resolved`",
    ),
    (
        "timeline-order",
        "the times of the post-mortem's Timeline go backwards",
    ),
    (
        "timeline-unreadable",
        "an entry of the post-mortem's Timeline does not start with a time statusgen can read",
    ),
    (
        "timeline-outside",
        "a Timeline entry is more than 24 hours before `started`, or after `resolved`",
    ),
    (
        "timeline-detected",
        "the Timeline's first entry is later than `detected`",
    ),
    (
        "no-components",
        "an incident names no component (validate.rs)",
    ),
    (
        "resolved-missing",
        "the newest update says resolved but `resolved` is not written (validate.rs)",
    ),
    (
        "resolved-not-final",
        "`resolved` is written but the newest update does not say resolved (validate.rs)",
    ),
    (
        "resolution-order",
        "an update follows a `resolved` update (validate.rs)",
    ),
    (
        "future-time",
        "an incident or update time is more than 10 minutes after now (validate.rs)",
    ),
];

/// A time as writers read it: in the site timezone, with its offset.
fn local(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz)
        .format("%Y-%m-%d %H:%M UTC%:z")
        .to_string()
}

/// Lints every incident of the site (drafts included when they were loaded).
pub fn lint_site(site: &Site, now: DateTime<Utc>) -> Vec<Finding> {
    let mut out: Vec<Finding> = site
        .incidents
        .iter()
        .flat_map(|i| lint_incident_in(i, &site.config.postmortem, site.config.timezone, now))
        .collect();
    out.sort_by(|a, b| {
        (&a.diag.file, a.diag.line, a.rule, &a.diag.message).cmp(&(
            &b.diag.file,
            b.diag.line,
            b.rule,
            &b.diag.message,
        ))
    });
    out
}

/// Lints one incident of a site without team templates.
pub fn lint_incident(i: &Incident, tz: Tz, due_hours: u32, now: DateTime<Utc>) -> Vec<Finding> {
    let pm = PostmortemConfig {
        due_hours,
        ..PostmortemConfig::default()
    };
    lint_incident_in(i, &pm, tz, now)
}

/// Lints one incident with the site's `[postmortem]` settings (its team templates).
pub fn lint_incident_in(
    i: &Incident,
    pm: &PostmortemConfig,
    tz: Tz,
    now: DateTime<Utc>,
) -> Vec<Finding> {
    let o = outline(&i.body, i.body_line);
    let required = variants::required(&i.template, pm);
    let mut out = Vec::new();
    sections(i, &o, &required, &mut out);
    postmortem_due(i, &o, &required, tz, pm.due_hours, now, &mut out);
    actions(i, tz, now, &mut out);
    checkin(i, now, &mut out);
    updates(i, tz, &mut out);
    if let Some(tl) = timeline::read(&i.body, i.body_line, i.started, tz) {
        timeline_checks(i, &tl, tz, &mut out);
    }
    out
}

/// Required sections, only once the incident is over and someone has started writing:
/// an ongoing incident may have no post-mortem yet, and an untouched skeleton is
/// `postmortem-due`'s business.
fn sections(i: &Incident, o: &Outline, required: &[Required], out: &mut Vec<Finding>) {
    if i.is_ongoing() || o.blank {
        return;
    }
    let kind = i.template.as_str();
    for sec in required {
        let found: Vec<_> = o
            .headings
            .iter()
            .filter(|h| sec.satisfied_by(&h.text))
            .collect();
        if found.is_empty() {
            // The heading's other names, the template's own first: a writer who used
            // another word sees that it would do.
            let others: Vec<&str> = sec
                .names
                .iter()
                .copied()
                .filter(|n| crate::sections::words(n) != crate::sections::words(sec.heading))
                .take(4)
                .collect();
            let also = if others.is_empty() {
                String::new()
            } else {
                format!(" (or \"{}\")", others.join("\", \""))
            };
            out.push(Finding::warning(
                "missing-section",
                &i.source,
                i.body_line,
                format!(
                    "the post-mortem has no \"{}\" section, which template \"{kind}\" requires",
                    sec.heading
                ),
                format!("add a heading \"## {}\"{also}: {}", sec.heading, sec.prompt),
            ));
        } else if found.iter().all(|h| !h.has_content) {
            out.push(Finding::warning(
                "empty-section",
                &i.source,
                found[0].line,
                format!("the \"{}\" section is empty", found[0].text),
                format!("write it: {}", sec.prompt),
            ));
        }
    }
}

fn postmortem_due(
    i: &Incident,
    o: &Outline,
    required: &[Required],
    tz: Tz,
    due_hours: u32,
    now: DateTime<Utc>,
    out: &mut Vec<Finding>,
) {
    let Some(resolved) = i.resolved else { return };
    if !o.blank {
        return;
    }
    let due = resolved + Duration::hours(i64::from(due_hours));
    if now >= due {
        let hours = (now - resolved).num_hours();
        out.push(Finding::warning(
            "postmortem-due",
            &i.source,
            1,
            format!(
                "no post-mortem yet, {hours} h after the incident was resolved at {} (due within {due_hours} h)",
                local(resolved, tz)
            ),
            format!(
                "write the post-mortem below the front matter, with the sections of template \"{}\": {}",
                i.template.as_str(),
                required
                    .iter()
                    .map(|s| s.heading)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
}

fn actions(i: &Incident, tz: Tz, now: DateTime<Utc>, out: &mut Vec<Finding>) {
    let today = now.with_timezone(&tz).date_naive();
    for a in &i.actions {
        if a.owner.is_none() {
            out.push(Finding::warning(
                "action-owner",
                &i.source,
                a.line,
                format!("corrective action \"{}\" has no owner", a.what),
                "add owner = \"...\": a person or team accountable for it",
            ));
        }
        if a.status == ActionStatus::Done && a.done.is_none() {
            out.push(Finding::warning(
                "action-done-date",
                &i.source,
                a.line,
                format!(
                    "corrective action \"{}\" is done but has no completion date",
                    a.what
                ),
                "add done = YYYY-MM-DD (the day it was completed) so the reliability review can \
                 compare the 90 days before and after it",
            ));
        }
        if a.status.is_closed() {
            continue;
        }
        match a.due {
            None => out.push(Finding::warning(
                "action-due",
                &i.source,
                a.line,
                format!("corrective action \"{}\" has no due date", a.what),
                "add due = YYYY-MM-DD so it can be followed up",
            )),
            Some(due) if due < today => {
                let days = (today - due).num_days();
                out.push(Finding::warning(
                    "action-overdue",
                    &i.source,
                    a.line,
                    format!(
                        "corrective action \"{}\" was due {due} and is still {} ({days} day(s) overdue)",
                        a.what,
                        a.status.as_str()
                    ),
                    "finish it and set status = \"done\", move `due` to a realistic date, or set status = \"wont_do\"",
                ));
            }
            Some(_) => {}
        }
    }
}

/// The 30/60/90-day follow-ups: the latest one reached while actions are still open.
fn checkin(i: &Incident, now: DateTime<Utc>, out: &mut Vec<Finding>) {
    let Some(resolved) = i.resolved else { return };
    let open: Vec<_> = i.actions.iter().filter(|a| !a.status.is_closed()).collect();
    let Some(first) = open.first() else { return };
    let days = (now - resolved).num_days();
    let Some(reached) = [90, 60, 30].into_iter().find(|d| days >= *d) else {
        return;
    };
    out.push(Finding::warning(
        "checkin-due",
        &i.source,
        first.line,
        format!(
            "the {reached}-day follow-up check-in is due: {} corrective action(s) still open, {days} days after resolution",
            open.len()
        ),
        "review the open actions with their owners; set status = \"done\" or \"wont_do\" when they close",
    ));
}

fn updates(i: &Incident, tz: Tz, out: &mut Vec<Finding>) {
    let mut by_line: Vec<_> = i.updates.iter().collect();
    by_line.sort_by_key(|u| u.line);
    // Oldest-first and newest-first are both a clear order; only a mix is a mistake.
    let newest_first = match (by_line.first(), by_line.last()) {
        (Some(f), Some(l)) => f.at > l.at,
        _ => false,
    };
    for w in by_line.windows(2) {
        let (prev, cur) = (w[0], w[1]);
        let wrong = if newest_first {
            cur.at > prev.at
        } else {
            cur.at < prev.at
        };
        if wrong {
            let order = if newest_first {
                "newest first"
            } else {
                "oldest first"
            };
            out.push(Finding::warning(
                "update-order",
                &i.source,
                cur.line,
                format!(
                    "this update ({}) is out of order: the file lists updates {order}, and the one above is at {}",
                    local(cur.at, tz),
                    local(prev.at, tz)
                ),
                "keep [[updates]] in time order so the file reads like the published timeline",
            ));
        }
    }
    for u in &i.updates {
        let before = u.at < i.started;
        let after = i.resolved.is_some_and(|r| u.at > r);
        if before || after {
            let (what, bound) = if before {
                ("before the incident `started`", i.started)
            } else {
                (
                    "after the incident was `resolved`",
                    i.resolved.unwrap_or(i.started),
                )
            };
            out.push(Finding::warning(
                "update-outside",
                &i.source,
                u.line,
                format!(
                    "this update at {} is {what} ({})",
                    local(u.at, tz),
                    local(bound, tz)
                ),
                "check the update's `at` and the incident's `started` / `resolved`, and their UTC offsets",
            ));
        }
    }
}

/// How long before `started` a Timeline may begin: the change that caused an incident
/// often shipped hours before its impact did.
pub const TIMELINE_LEAD: Duration = Duration::hours(24);

fn timeline_checks(i: &Incident, tl: &Timeline, tz: Tz, out: &mut Vec<Finding>) {
    let file = &i.source;
    for e in tl
        .entries
        .iter()
        .filter(|e| e.at.is_none() && e.day.is_none())
    {
        out.push(Finding::warning(
            "timeline-unreadable",
            file,
            e.line,
            format!(
                "could not read a time at the start of this timeline entry (\"{}\"); it is shown as written",
                e.when
            ),
            "start it with a time like 10:36, 10:36 UTC or 2026-03-14 10:36 (times without a zone are in the site timezone)",
        ));
    }
    let dated: Vec<_> = tl
        .entries
        .iter()
        .filter_map(|e| e.at.map(|at| (at, e)))
        .collect();
    for w in dated.windows(2) {
        let ((pat, prev), (at, cur)) = (w[0], w[1]);
        if at < pat {
            out.push(Finding::warning(
                "timeline-order",
                file,
                cur.line,
                format!(
                    "the timeline goes backwards: \"{}\" ({}) comes after \"{}\" ({}, line {})",
                    cur.when,
                    local(at, tz),
                    prev.when,
                    local(pat, tz),
                    prev.line
                ),
                "list timeline events in time order; give a date (2026-03-14 10:36) when they span days",
            ));
        }
    }
    for (at, e) in &dated {
        let early = *at < i.started - TIMELINE_LEAD;
        let late = i.resolved.is_some_and(|r| *at > r);
        if early || late {
            let what = if early {
                format!(
                    "more than {} hours before the incident `started` ({})",
                    TIMELINE_LEAD.num_hours(),
                    local(i.started, tz)
                )
            } else {
                format!(
                    "after the incident was `resolved` ({})",
                    local(i.resolved.unwrap_or(i.started), tz)
                )
            };
            out.push(Finding::warning(
                "timeline-outside",
                file,
                e.line,
                format!("this timeline entry at {} is {what}", local(*at, tz)),
                "check the entry's date and zone (undated entries take the date of the entry before, the first the date of `started`), or the incident's `started` / `resolved`",
            ));
        }
    }
    if let Some((at, e)) = dated.first()
        && *at > i.detected
    {
        out.push(Finding::warning(
            "timeline-detected",
            file,
            e.line,
            format!(
                "the timeline starts at {}, after the incident was detected ({})",
                local(*at, tz),
                local(i.detected, tz)
            ),
            "add the events up to detection (the change, impact start, the alert or first report), or correct `detected`",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::{Action, Update};
    use crate::vocabulary::{ActionStatus, Impact, TemplateKind, UpdateStatus};
    use chrono::NaiveDate;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    const FULL: &str = "## Summary\n\nx\n\n## Timeline\n\n| Time | Event |\n|---|---|\n| 09:36 | a |\n| 09:50 | b |\n\n## Root cause & contributing factors\n\nx\n\n## Resolution and prevention\n\nx\n\n## Customer message\n\nx\n";

    fn incident(body: &str) -> Incident {
        Incident {
            slug: "a".into(),
            source: "content/incidents/a.md".into(),
            title: "A".into(),
            impact: Impact::Major,
            severity: None,
            started: t("2026-03-14T09:36:00Z"),
            detected: t("2026-03-14T09:36:00Z"),
            resolved: Some(t("2026-03-14T10:06:00Z")),
            resolved_from_update: false,
            lines: Default::default(),
            template: TemplateKind::StatusPage.into(),
            cause: None,
            draft: false,
            components: vec![],
            updates: vec![
                Update {
                    at: t("2026-03-14T09:38:00Z"),
                    status: UpdateStatus::Investigating,
                    message: "m".into(),
                    line: 8,
                },
                Update {
                    at: t("2026-03-14T10:06:00Z"),
                    status: UpdateStatus::Resolved,
                    message: "m".into(),
                    line: 12,
                },
            ],
            actions: vec![Action {
                what: "Validate config".into(),
                owner: Some("DevOps lead".into()),
                due: NaiveDate::from_ymd_opt(2026, 4, 10),
                status: ActionStatus::InProgress,
                done: None,
                line: 16,
            }],
            body: body.into(),
            body_line: 21,
        }
    }

    fn rules(i: &Incident, now: &str) -> Vec<&'static str> {
        lint_incident(i, Tz::UTC, 72, t(now))
            .iter()
            .map(|f| f.rule)
            .collect()
    }

    #[test]
    fn a_complete_incident_is_clean() {
        assert!(rules(&incident(FULL), "2026-03-15T00:00:00Z").is_empty());
    }

    #[test]
    fn missing_sections_are_named_at_the_body_start() {
        let i = incident(&FULL.replace("## Customer message", "## Notes"));
        let f = lint_incident(&i, Tz::UTC, 72, t("2026-03-15T00:00:00Z"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, "missing-section");
        assert_eq!(f[0].diag.line, 21);
        assert!(f[0].diag.message.contains("\"Customer message\""));
        // Ongoing incidents are not held to their sections yet.
        let mut ongoing = i.clone();
        ongoing.resolved = None;
        ongoing.updates.pop();
        assert!(rules(&ongoing, "2026-03-15T00:00:00Z").is_empty());
    }

    #[test]
    fn postmortem_due_after_due_hours() {
        let i = incident("## Summary\n\n<!-- prompt -->\n");
        assert!(rules(&i, "2026-03-17T10:05:00Z").is_empty());
        assert_eq!(rules(&i, "2026-03-17T10:06:00Z"), vec!["postmortem-due"]);
    }

    #[test]
    fn actions_owner_due_and_overdue() {
        let mut i = incident(FULL);
        i.actions[0].owner = None;
        i.actions.push(Action {
            what: "b".into(),
            owner: Some("x".into()),
            due: None,
            status: ActionStatus::Planned,
            done: None,
            line: 20,
        });
        assert_eq!(
            rules(&i, "2026-04-10T23:59:00Z"),
            vec!["action-owner", "action-due"]
        );
        assert_eq!(
            rules(&i, "2026-04-11T00:00:00Z"),
            vec!["action-owner", "action-overdue", "action-due"]
        );
        // Done actions are never overdue.
        i.actions[0].status = ActionStatus::Done;
        i.actions[0].done = NaiveDate::from_ymd_opt(2026, 3, 20);
        assert_eq!(
            rules(&i, "2026-04-11T00:00:00Z"),
            vec!["action-owner", "action-due"]
        );
    }

    #[test]
    fn done_actions_without_a_completion_date() {
        let mut i = incident(FULL);
        i.actions[0].status = ActionStatus::Done;
        assert!(rules(&i, "2026-04-10T23:59:00Z").contains(&"action-done-date"));
        i.actions[0].done = NaiveDate::from_ymd_opt(2026, 3, 20);
        assert!(!rules(&i, "2026-04-10T23:59:00Z").contains(&"action-done-date"));
    }

    #[test]
    fn overdue_uses_the_site_timezone_date() {
        let i = incident(FULL);
        // 23:30 UTC on the 10th is already the 11th in Berlin.
        let f = lint_incident(&i, chrono_tz::Europe::Berlin, 72, t("2026-04-10T23:30:00Z"));
        assert!(f.iter().any(|f| f.rule == "action-overdue"), "{f:?}");
    }

    #[test]
    fn checkins_name_the_latest_reached() {
        let mut i = incident(FULL);
        i.actions[0].due = NaiveDate::from_ymd_opt(2027, 1, 1);
        assert!(rules(&i, "2026-04-13T10:05:00Z").is_empty());
        let f = lint_incident(&i, Tz::UTC, 72, t("2026-05-13T10:06:00Z"));
        assert_eq!(f.len(), 1);
        assert!(f[0].diag.message.contains("60-day"), "{f:?}");
        i.actions[0].status = ActionStatus::Done;
        i.actions[0].done = NaiveDate::from_ymd_opt(2026, 4, 20);
        assert!(rules(&i, "2026-05-13T10:06:00Z").is_empty());
    }

    #[test]
    fn updates_order_and_bounds() {
        let mut i = incident(FULL);
        // Newest first is a clear order too.
        i.updates[0].line = 12;
        i.updates[1].line = 8;
        assert!(rules(&i, "2026-03-15T00:00:00Z").is_empty());
        i.updates.push(Update {
            at: t("2026-03-14T09:50:00Z"),
            status: UpdateStatus::Identified,
            message: "m".into(),
            line: 4,
        });
        assert_eq!(rules(&i, "2026-03-15T00:00:00Z"), vec!["update-order"]);
        let mut i = incident(FULL);
        i.updates[1].at = t("2026-03-14T10:07:00Z");
        i.updates[0].at = t("2026-03-14T09:00:00Z");
        assert_eq!(
            rules(&i, "2026-03-15T00:00:00Z"),
            vec!["update-outside", "update-outside"]
        );
    }

    #[test]
    fn timeline_checks_order_window_detection_and_unreadable() {
        let i = incident(&FULL.replace("| 09:50 |", "| 09:30 |"));
        let f = lint_incident(&i, Tz::UTC, 72, t("2026-03-15T00:00:00Z"));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].rule, f[0].diag.line), ("timeline-order", 30));
        // Less than 12 hours back is going backwards, not passing midnight.
        let i = incident(&FULL.replace("| 09:50 |", "| 00:10 |"));
        assert_eq!(rules(&i, "2026-03-15T00:00:00Z"), vec!["timeline-order"]);
        // Passing midnight is not going backwards (but is after `resolved`).
        let i = incident(&FULL.replace("| 09:50 |", "| 23:50 |\n| 00:10 | c |"));
        assert_eq!(
            rules(&i, "2026-03-15T00:00:00Z"),
            vec!["timeline-outside", "timeline-outside"]
        );
        // Detected at 09:36 UTC; a timeline that starts at 09:40 misses it.
        let i = incident(&FULL.replace("| 09:36 |", "| 09:40 |"));
        let f = lint_incident(&i, Tz::UTC, 72, t("2026-03-15T00:00:00Z"));
        assert_eq!(
            f.iter().map(|f| (f.rule, f.diag.line)).collect::<Vec<_>>(),
            [("timeline-detected", 29)]
        );
        // A lead-up up to 24 hours before `started` is fine; more is not.
        let i = incident(&FULL.replace("| 09:36 |", "| 2026-03-13 09:36 |"));
        assert!(rules(&i, "2026-03-15T00:00:00Z").is_empty());
        let i = incident(&FULL.replace("| 09:36 |", "| 2026-03-13 09:35 |"));
        assert_eq!(rules(&i, "2026-03-15T00:00:00Z"), vec!["timeline-outside"]);
        // An entry without a time is named, the rest still checked.
        let i = incident(&FULL.replace("| 09:50 |", "| later |"));
        let f = lint_incident(&i, Tz::UTC, 72, t("2026-03-15T00:00:00Z"));
        assert_eq!(
            f.iter().map(|f| (f.rule, f.diag.line)).collect::<Vec<_>>(),
            [("timeline-unreadable", 30)]
        );
    }

    #[test]
    fn team_templates_are_checked_with_synonyms() {
        use crate::site::{TeamSection, TeamTemplate};
        let pm = PostmortemConfig {
            due_hours: 72,
            templates: vec![TeamTemplate {
                name: "gitlab".into(),
                description: None,
                sections: [
                    "Summary",
                    "Timeline",
                    "Root cause",
                    "Corrective actions",
                    "Postscript",
                ]
                .iter()
                .map(|h| TeamSection {
                    heading: h.to_string(),
                    also: if *h == "Postscript" {
                        vec!["Afterword".into()]
                    } else {
                        vec![]
                    },
                })
                .collect(),
                line: 4,
            }],
        };
        let body = "## :memo: 1. Overview\n\nx\n\n## :clock1: Timeline\n\n### 09:36\n\nAlert.\n\n### 09:50 UTC\n\nFixed.\n\n## Five whys\n\nx\n\n## Action items?\n\nx\n\n## Afterword\n\nx\n";
        let mut i = incident(body);
        i.template = crate::site::Template::Team("gitlab".into());
        let f = lint_incident_in(&i, &pm, Tz::UTC, t("2026-03-15T00:00:00Z"));
        assert!(f.is_empty(), "{f:?}");
        let i2 = incident(&body.replace("## Afterword", "## Notes"));
        let mut i2 = i2;
        i2.template = i.template.clone();
        let f = lint_incident_in(&i2, &pm, Tz::UTC, t("2026-03-15T00:00:00Z"));
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].diag
                .message
                .contains("\"Postscript\" section, which template \"gitlab\" requires"),
            "{f:?}"
        );
        assert!(
            f[0].diag
                .help
                .as_deref()
                .unwrap_or("")
                .contains("\"Afterword\""),
            "{f:?}"
        );
    }
}
