//! Validation of a loaded site against "now": what would make the published page say
//! something false, found before it is published. Pure functions of the [`Site`] and
//! "now"; every finding is a warning with the file and line to fix.
//!
//! `build` (and `serve`) report [`future_times`]; `check` reports every rule ([`site`]).

pub mod measured;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::diag::Finding;
use crate::model::status::{self, human_duration};
use crate::site::{Incident, Site};
use crate::vocabulary::UpdateStatus;

/// How far after "now" a time may lie before it is taken for a mistake: clocks drift,
/// and a writer rounds up to the next minutes.
pub const FUTURE_SLACK_MINUTES: i64 = 10;

/// "2026-12-01 10:00 UTC (11:00 Europe/Berlin, UTC+01:00)": a time in UTC and in the
/// site timezone, so a wrong offset shows.
pub fn both_zones(t: DateTime<Utc>, tz: Tz) -> String {
    let utc = t.format("%Y-%m-%d %H:%M UTC");
    if tz == Tz::UTC {
        return utc.to_string();
    }
    let local = t.with_timezone(&tz);
    let day = if local.date_naive() == t.date_naive() {
        local.format("%H:%M").to_string()
    } else {
        local.format("%Y-%m-%d %H:%M").to_string()
    };
    format!("{utc} ({day} {}, UTC{})", tz.name(), local.format("%:z"))
}

/// A time as TOML front matter takes it, with the site timezone's offset.
fn toml_time(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz)
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// Every rule of this module, for `check`: sorted by file and line.
pub fn site(site: &Site, now: DateTime<Utc>) -> Vec<Finding> {
    let tz = site.config.timezone;
    let mut out = future_times(site, now);
    for i in &site.incidents {
        no_components(i, now, &mut out);
        resolution(i, tz, &mut out);
    }
    out.extend(measured::rules(site, now));
    out.sort_by(|a, b| {
        (&a.diag.file, a.diag.line, a.rule).cmp(&(&b.diag.file, b.diag.line, b.rule))
    });
    out
}

/// Incident and update times more than [`FUTURE_SLACK_MINUTES`] after `now`. Such an
/// incident is still published (listed as upcoming until its start, open until its
/// resolution time has passed), so the warning is what makes a wrong UTC offset noticed.
pub fn future_times(site: &Site, now: DateTime<Utc>) -> Vec<Finding> {
    let tz = site.config.timezone;
    let limit = now + Duration::minutes(FUTURE_SLACK_MINUTES);
    let mut out = Vec::new();
    let today = now.with_timezone(&tz).date_naive();
    for i in &site.incidents {
        for a in &i.actions {
            if let Some(done) = a.done.filter(|d| *d > today) {
                out.push(Finding::warning(
                    "future-time",
                    &i.source,
                    a.line,
                    format!(
                        "corrective action \"{}\" has `done` = {done}, after today ({today}, {})",
                        a.what,
                        tz.name()
                    ),
                    format!(
                        "write the day it was really completed, e.g. done = {today}; \
                         until then the reliability review treats it as done on an unknown date"
                    ),
                ));
            }
        }
        // Times are named only when one is found: most incidents have none ahead.
        let written_resolved = i.resolved.filter(|_| !i.resolved_from_update);
        let ahead = [Some(i.started), Some(i.detected), written_resolved]
            .into_iter()
            .flatten()
            .chain(i.updates.iter().map(|u| u.at))
            .any(|t| t > limit);
        if !ahead {
            continue;
        }
        let mut times: Vec<(String, DateTime<Utc>, usize)> =
            vec![("`started`".into(), i.started, i.lines.started)];
        if i.lines.detected > 0 {
            times.push(("`detected`".into(), i.detected, i.lines.detected));
        }
        if let Some(r) = written_resolved {
            times.push(("`resolved`".into(), r, i.lines.resolved));
        }
        for u in &i.updates {
            times.push((
                format!("the \"{}\" update's `at`", u.status.as_str()),
                u.at,
                u.line,
            ));
        }
        for (what, t, line) in times.into_iter().filter(|(_, t, _)| *t > limit) {
            out.push(Finding::warning(
                "future-time",
                &i.source,
                line,
                format!(
                    "{what} is {}, {} after now ({})",
                    both_zones(t, tz),
                    human_duration(t - now),
                    both_zones(now, tz),
                ),
                format!(
                    "a time more than {FUTURE_SLACK_MINUTES} minutes ahead is usually a wrong UTC offset \
                     (meanwhile the page lists the incident as upcoming): write the right offset, \
                     e.g. {}, or none to read the time in the site timezone ({})",
                    toml_time(now.min(t), tz),
                    tz.name()
                ),
            ));
        }
    }
    out
}

/// An incident naming no component changes no component's status or uptime.
fn no_components(i: &Incident, now: DateTime<Utc>, out: &mut Vec<Finding>) {
    if !i.components.is_empty() {
        return;
    }
    let effect = match (status::incident_open(i, now), i.impact.overall_level()) {
        (true, Some(level)) => format!(
            "while unresolved only the page's overall status shows it ({}, from impact \"{}\")",
            level.label().to_lowercase(),
            i.impact.as_str()
        ),
        (true, None) => "with impact \"none\" it changes no status at all".to_string(),
        (false, _) => "it counted against no component's uptime".to_string(),
    };
    out.push(Finding::warning(
        "no-components",
        &i.source,
        i.lines.impact.max(1),
        format!("this incident names no component: {effect}"),
        "add the affected components: components = [\"api\"], or a [components] table with a level each",
    ));
}

/// The one meaning of "resolved" (the loader's) spelt out, and what contradicts it.
fn resolution(i: &Incident, tz: Tz, out: &mut Vec<Finding>) {
    let newest = i.updates.last();
    if i.resolved_from_update
        && let Some(u) = newest
    {
        out.push(Finding::warning(
            "resolved-missing",
            &i.source,
            u.line,
            format!(
                "the newest update says resolved but the incident has no `resolved` time: it is taken as resolved at {}",
                both_zones(u.at, tz)
            ),
            format!(
                "add `resolved = {}` (when impact ended) to the front matter",
                toml_time(u.at, tz)
            ),
        ));
    }
    if !i.resolved_from_update
        && i.resolved.is_some()
        && let Some(u) = newest.filter(|u| u.status != UpdateStatus::Resolved)
    {
        out.push(Finding::warning(
            "resolved-not-final",
            &i.source,
            i.lines.resolved.max(1),
            format!(
                "`resolved` is set, but the newest update ({}, \"{}\") does not say resolved: customers read the timeline",
                both_zones(u.at, tz),
                u.status.as_str()
            ),
            "add a last [[updates]] entry with status = \"resolved\", or remove `resolved` if the incident is still open",
        ));
    }
    // Updates are oldest first: one after a `resolved` update reopens the incident.
    let mut resolved_at: Option<DateTime<Utc>> = None;
    for u in &i.updates {
        match (u.status, resolved_at) {
            (UpdateStatus::Resolved, _) => resolved_at = Some(u.at),
            (s, Some(r)) => out.push(Finding::warning(
                "resolution-order",
                &i.source,
                u.line,
                format!(
                    "this \"{}\" update ({}) comes after the \"resolved\" update at {}",
                    s.as_str(),
                    both_zones(u.at, tz),
                    both_zones(r, tz)
                ),
                "check the updates' times; if the incident really reopened, end it with a new \"resolved\" update",
            )),
            (_, None) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::{Affected, Component, Config, Update};
    use crate::vocabulary::{Impact, Level};
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 14, h, m, 0).unwrap()
    }

    fn update(at: DateTime<Utc>, status: UpdateStatus, line: usize) -> Update {
        Update {
            at,
            status,
            message: "m".into(),
            line,
        }
    }

    fn site(incidents: Vec<Incident>) -> Site {
        Site {
            root: ".".into(),
            config: Config::with_defaults(
                "T",
                "https://x.test/",
                chrono_tz::Europe::Berlin,
                vec![Component::new("api", "API", 0)],
            ),
            incidents,
            maintenance: Vec::new(),
            checks: Default::default(),
        }
    }

    fn with_api(mut i: Incident) -> Incident {
        i.components = vec![Affected {
            id: "api".into(),
            level: Level::MajorOutage,
        }];
        i
    }

    fn rules(f: &[Finding]) -> Vec<(&str, usize)> {
        f.iter().map(|f| (f.rule, f.diag.line)).collect()
    }

    #[test]
    fn both_zones_shows_utc_and_local() {
        assert_eq!(
            both_zones(t(10, 36), chrono_tz::Europe::Berlin),
            "2026-03-14 10:36 UTC (11:36 Europe/Berlin, UTC+01:00)"
        );
        assert_eq!(
            both_zones(t(23, 30), chrono_tz::Asia::Tokyo),
            "2026-03-14 23:30 UTC (2026-03-15 08:30 Asia/Tokyo, UTC+09:00)"
        );
        assert_eq!(both_zones(t(1, 2), Tz::UTC), "2026-03-14 01:02 UTC");
    }

    #[test]
    fn times_more_than_ten_minutes_ahead_are_warned() {
        let now = t(12, 0);
        let mut i = with_api(Incident::new("a", t(12, 10), None));
        i.lines.started = 4;
        i.updates = vec![update(t(12, 11), UpdateStatus::Investigating, 9)];
        let f = future_times(&site(vec![i]), now);
        // 12:10 is within the slack; 12:11 is not.
        assert_eq!(rules(&f), [("future-time", 9)]);
        assert!(
            f[0].diag.message.contains(
                "2026-03-14 12:11 UTC (13:11 Europe/Berlin, UTC+01:00), 11 min after now"
            ),
            "{}",
            f[0].diag.message
        );
    }

    #[test]
    fn a_completion_date_after_today_is_warned() {
        // 2026-03-14 23:30 UTC is already the 15th in Berlin: a `done` of the 15th is fine.
        let now = t(23, 30);
        let mut i = with_api(Incident::new("a", t(10, 0), Some(t(11, 0))));
        let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 3, d);
        i.actions = vec![crate::site::Action {
            what: "w".into(),
            owner: None,
            due: None,
            status: crate::vocabulary::ActionStatus::Done,
            done: day(15),
            line: 12,
        }];
        assert!(future_times(&site(vec![i.clone()]), now).is_empty());
        i.actions[0].done = day(16);
        let f = future_times(&site(vec![i]), now);
        assert_eq!(rules(&f), [("future-time", 12)]);
        assert!(
            f[0].diag
                .message
                .contains("after today (2026-03-15, Europe/Berlin)")
        );
    }

    #[test]
    fn a_derived_resolution_is_warned_at_its_update_only() {
        let now = t(20, 0);
        let mut i = with_api(Incident::new("a", t(10, 0), Some(t(11, 0))));
        i.resolved_from_update = true;
        i.updates = vec![
            update(t(10, 5), UpdateStatus::Investigating, 10),
            update(t(11, 0), UpdateStatus::Resolved, 14),
        ];
        let f = site(vec![i]);
        let found = super::site(&f, now);
        assert_eq!(rules(&found), [("resolved-missing", 14)]);
        assert!(
            found[0]
                .diag
                .help
                .as_deref()
                .unwrap()
                .contains("resolved = 2026-03-14T12:00:00+01:00")
        );
    }

    #[test]
    fn a_written_resolution_wants_a_final_resolved_update() {
        let now = t(20, 0);
        let mut i = with_api(Incident::new("a", t(10, 0), Some(t(11, 0))));
        i.lines.resolved = 5;
        i.updates = vec![update(t(10, 5), UpdateStatus::Monitoring, 10)];
        assert_eq!(
            rules(&super::site(&site(vec![i.clone()]), now)),
            [("resolved-not-final", 5)]
        );
        // No updates at all is a bare record, not a contradiction.
        i.updates.clear();
        assert!(super::site(&site(vec![i]), now).is_empty());
    }

    #[test]
    fn an_update_after_a_resolved_one_is_out_of_order() {
        let now = t(20, 0);
        let mut i = with_api(Incident::new("a", t(10, 0), None));
        i.updates = vec![
            update(t(10, 5), UpdateStatus::Resolved, 10),
            update(t(10, 30), UpdateStatus::Monitoring, 14),
            update(t(11, 0), UpdateStatus::Resolved, 18),
        ];
        let found = super::site(&site(vec![i]), now);
        assert_eq!(rules(&found), [("resolution-order", 14)]);
    }

    #[test]
    fn incidents_without_components_are_warned_by_their_effect() {
        let now = t(20, 0);
        let mut open = Incident::new("a", t(10, 0), None);
        open.impact = Impact::Critical;
        open.lines.impact = 3;
        let found = super::site(&site(vec![open.clone()]), now);
        assert_eq!(rules(&found), [("no-components", 3)]);
        assert!(found[0].diag.message.contains("major outage"));
        open.resolved = Some(t(11, 0));
        let found = super::site(&site(vec![open]), now);
        assert!(found[0].diag.message.contains("uptime"));
        let fine = with_api(Incident::new("b", t(10, 0), None));
        assert!(super::site(&site(vec![fine]), now).is_empty());
    }
}
