//! Post-mortem lint: pure functions over a loaded [`Site`] and "now". Every finding is a
//! warning with a rule id, the file and line to fix, and how to fix it.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;

use crate::authoring::outline::{Outline, Row, outline};
use crate::authoring::variants;
use crate::site::{Incident, Site};

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
        "the times in a Timeline table go backwards",
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
        .flat_map(|i| {
            lint_incident(
                i,
                site.config.timezone,
                site.config.postmortem.due_hours,
                now,
            )
        })
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

/// Lints one incident.
pub fn lint_incident(i: &Incident, tz: Tz, due_hours: u32, now: DateTime<Utc>) -> Vec<Finding> {
    let o = outline(&i.body, i.body_line);
    let mut out = Vec::new();
    sections(i, &o, &mut out);
    postmortem_due(i, &o, tz, due_hours, now, &mut out);
    actions(i, tz, now, &mut out);
    checkin(i, now, &mut out);
    updates(i, tz, &mut out);
    for rows in &o.timelines {
        timeline(&i.source, rows, &mut out);
    }
    out
}

/// Required sections, only once the incident is over and someone has started writing:
/// an ongoing incident may have no post-mortem yet, and an untouched skeleton is
/// `postmortem-due`'s business.
fn sections(i: &Incident, o: &Outline, out: &mut Vec<Finding>) {
    if i.is_ongoing() || o.blank {
        return;
    }
    let kind = i.template.as_str();
    for sec in variants::sections(i.template) {
        let found: Vec<_> = o
            .headings
            .iter()
            .filter(|h| variants::heading_matches(&h.text, sec))
            .collect();
        if found.is_empty() {
            let also = if sec.aliases.is_empty() {
                String::new()
            } else {
                format!(" (or \"{}\")", sec.aliases.join("\", \""))
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
                variants::sections(i.template)
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

/// Reads a timeline cell's leading time: `10:36`, `10:36:05`, `2026-03-14 10:36`,
/// `2026-03-14T10:36`, with anything after it (`10:36 CET`, `10:36 - alert`).
pub fn parse_cell_time(cell: &str) -> Option<(Option<NaiveDate>, NaiveTime)> {
    let cell = cell.trim();
    let (date, rest) = match cell
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    {
        Some(d) => (Some(d), cell[10..].trim_start_matches(['T', ' ', ','])),
        None => (None, cell),
    };
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':'))
        .unwrap_or(rest.len());
    let t = &rest[..end];
    let time = NaiveTime::parse_from_str(t, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M"))
        .ok()?;
    Some((date, time))
}

fn timeline(file: &str, rows: &[Row], out: &mut Vec<Finding>) {
    // Undated rows are placed on the day of the last dated row (or a common day); a drop of
    // more than 12 hours between undated rows is read as passing midnight.
    let mut day = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    let mut prev: Option<(NaiveDateTime, &Row)> = None;
    for row in rows {
        let Some((date, time)) = parse_cell_time(&row.first_cell) else {
            continue;
        };
        let at = match date {
            Some(d) => {
                day = d;
                d.and_time(time)
            }
            None => {
                let mut at = day.and_time(time);
                if let Some((p, _)) = prev
                    && p - at > Duration::hours(12)
                {
                    day = day.succ_opt().unwrap_or(day);
                    at = day.and_time(time);
                }
                at
            }
        };
        if let Some((p, prow)) = prev
            && at < p
        {
            out.push(Finding::warning(
                "timeline-order",
                file,
                row.line,
                format!(
                    "the timeline goes backwards: \"{}\" comes after \"{}\" (line {})",
                    row.first_cell, prow.first_cell, prow.line
                ),
                "list timeline events in time order; give a date (2026-03-14 10:36) when they span days",
            ));
        }
        prev = Some((at, row));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::{Action, Update};
    use crate::vocabulary::{ActionStatus, Impact, TemplateKind, UpdateStatus};

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    const FULL: &str = "## Summary\n\nx\n\n## Timeline\n\n| Time | Event |\n|---|---|\n| 10:36 | a |\n| 10:50 | b |\n\n## Root cause & contributing factors\n\nx\n\n## Resolution and prevention\n\nx\n\n## Customer message\n\nx\n";

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
            template: TemplateKind::StatusPage,
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
        assert_eq!(
            rules(&i, "2026-04-11T00:00:00Z"),
            vec!["action-owner", "action-due"]
        );
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
    fn timeline_times() {
        assert_eq!(
            parse_cell_time("10:36 CET"),
            Some((None, NaiveTime::from_hms_opt(10, 36, 0).unwrap()))
        );
        assert_eq!(
            parse_cell_time("2026-03-14 10:36"),
            Some((
                NaiveDate::from_ymd_opt(2026, 3, 14),
                NaiveTime::from_hms_opt(10, 36, 0).unwrap()
            ))
        );
        assert_eq!(parse_cell_time("Time"), None);
        assert_eq!(parse_cell_time("25:00"), None);
        let i = incident(&FULL.replace("| 10:50 |", "| 10:30 |"));
        let f = lint_incident(&i, Tz::UTC, 72, t("2026-03-15T00:00:00Z"));
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].rule, f[0].diag.line), ("timeline-order", 30));
        // Passing midnight is not going backwards.
        let i = incident(
            &FULL
                .replace("| 10:36 |", "| 23:50 |")
                .replace("| 10:50 |", "| 00:10 |"),
        );
        assert!(rules(&i, "2026-03-15T00:00:00Z").is_empty());
    }
}
