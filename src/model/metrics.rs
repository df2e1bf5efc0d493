//! Reliability figures (POSTMORTEM.md "Reliability figures"): MTTD, MTTR, recurrence of
//! root causes, and the state of corrective actions. Pure functions of the incidents and "now".
//!
//! Conventions that DESIGN.md leaves open, decided here:
//! - An incident counts as resolved when its `resolved` is at or before "now" (one resolved
//!   later is still ongoing at "now", as in `model::status`). MTTD and MTTR are both means
//!   over resolved incidents, so the two figures describe the same set.
//! - Recurrence: "all incidents" are those that started at or before "now". An incident is
//!   repeated when another incident with the same `cause` tag (compared exactly, after
//!   trimming; an empty tag is no tag) started strictly earlier and at most 90 days earlier.
//! - Actions: open = neither done nor wont_do (overdue actions are open too). An action is
//!   overdue when it is open, has a due date, and that whole day has passed in the site
//!   timezone, i.e. the local date of "now" is after `due`.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::site::{Action, Incident, Site};
use crate::vocabulary::ActionStatus;

/// How far back a root cause makes a new incident a repeat.
pub const RECURRENCE_WINDOW_DAYS: i64 = 90;

#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    /// Mean time to detect, over resolved incidents.
    pub mttd: Option<TimeDelta>,
    /// Mean time to resolve (from detection), over resolved incidents.
    pub mttr: Option<TimeDelta>,
    /// How many incidents the two means are taken over.
    pub resolved_incidents: usize,
    pub recurrence: Recurrence,
    pub actions: ActionsSummary,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recurrence {
    /// Incidents whose cause occurred within the previous 90 days.
    pub repeated: usize,
    /// Incidents started by "now".
    pub total: usize,
    /// repeated ÷ total; `None` without incidents.
    pub rate: Option<f64>,
    /// The repeated incidents' slugs, oldest first.
    pub repeated_slugs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionsSummary {
    pub total: usize,
    /// Neither done nor wont_do (includes the overdue ones).
    pub open: usize,
    pub done: usize,
    pub wont_do: usize,
    /// Oldest due date first, then incident slug, then the order written.
    pub overdue: Vec<OverdueAction>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverdueAction {
    pub incident_slug: String,
    pub incident_title: String,
    pub what: String,
    pub owner: Option<String>,
    pub due: NaiveDate,
    pub status: ActionStatus,
    /// Whole local days since the due date (1 the day after it).
    pub days_overdue: i64,
}

/// Open (neither done nor wont_do), with a due date that has passed: `today`, the local
/// date of "now", is after it.
pub fn is_overdue(a: &Action, today: NaiveDate) -> bool {
    !a.status.is_closed() && a.due.is_some_and(|d| today > d)
}

fn is_resolved(i: &Incident, now: DateTime<Utc>) -> bool {
    i.resolved.is_some_and(|r| r <= now)
}

/// The mean of some durations, exact to the nanosecond where it fits (i128 sums never
/// overflow for any count of chrono durations); `None` for none.
fn mean(durations: impl Iterator<Item = TimeDelta>) -> Option<TimeDelta> {
    let (mut sum, mut n) = (0i128, 0i128);
    for d in durations {
        sum += i128::from(d.num_seconds()) * 1_000_000_000 + i128::from(d.subsec_nanos());
        n += 1;
    }
    if n == 0 {
        return None;
    }
    let nanos = sum / n;
    let secs = i64::try_from(nanos.div_euclid(1_000_000_000)).ok()?;
    let sub = i64::try_from(nanos.rem_euclid(1_000_000_000)).ok()?;
    TimeDelta::try_seconds(secs)?.checked_add(&TimeDelta::nanoseconds(sub))
}

/// MTTD = mean(detected − started) over incidents resolved by `now`.
pub fn mttd(incidents: &[Incident], now: DateTime<Utc>) -> Option<TimeDelta> {
    mean(
        incidents
            .iter()
            .filter(|i| is_resolved(i, now))
            .map(|i| i.detected - i.started),
    )
}

/// MTTR = mean(resolved − detected) over incidents resolved by `now`.
pub fn mttr(incidents: &[Incident], now: DateTime<Utc>) -> Option<TimeDelta> {
    mean(
        incidents
            .iter()
            .filter_map(|i| i.resolved.filter(|r| *r <= now).map(|r| r - i.detected)),
    )
}

/// An incident's root-cause tag, trimmed; an empty tag is no tag.
pub fn cause_tag(i: &Incident) -> Option<&str> {
    i.cause.as_deref().map(str::trim).filter(|c| !c.is_empty())
}

/// Repeated incidents ÷ incidents started by `now`. O(n log n).
pub fn recurrence(incidents: &[Incident], now: DateTime<Utc>) -> Recurrence {
    let started: Vec<&Incident> = incidents.iter().filter(|i| i.started <= now).collect();
    let mut by_cause: BTreeMap<&str, Vec<&Incident>> = BTreeMap::new();
    for i in &started {
        if let Some(c) = cause_tag(i) {
            by_cause.entry(c).or_default().push(i);
        }
    }
    let window = TimeDelta::days(RECURRENCE_WINDOW_DAYS);
    let mut repeated: Vec<&Incident> = Vec::new();
    for list in by_cause.values_mut() {
        list.sort_by(|a, b| (a.started, &a.slug).cmp(&(b.started, &b.slug)));
        // The latest start strictly before the current incident's start.
        let mut latest_before: Option<DateTime<Utc>> = None;
        let mut k = 0;
        for (n, i) in list.iter().enumerate() {
            while k < n && list[k].started < i.started {
                latest_before = Some(list[k].started);
                k += 1;
            }
            if latest_before.is_some_and(|t| i.started - t <= window) {
                repeated.push(i);
            }
        }
    }
    repeated.sort_by(|a, b| (a.started, &a.slug).cmp(&(b.started, &b.slug)));
    let total = started.len();
    Recurrence {
        repeated: repeated.len(),
        total,
        rate: (total > 0).then(|| repeated.len() as f64 / total as f64),
        repeated_slugs: repeated.iter().map(|i| i.slug.clone()).collect(),
    }
}

/// Counts of corrective actions over all incidents, and the overdue ones.
pub fn actions_summary(incidents: &[Incident], tz: Tz, now: DateTime<Utc>) -> ActionsSummary {
    let today = now.with_timezone(&tz).date_naive();
    let mut s = ActionsSummary {
        total: 0,
        open: 0,
        done: 0,
        wont_do: 0,
        overdue: Vec::new(),
    };
    let mut overdue: Vec<(usize, OverdueAction)> = Vec::new();
    for i in incidents {
        for a in &i.actions {
            s.total += 1;
            match a.status {
                ActionStatus::Done => s.done += 1,
                ActionStatus::WontDo => s.wont_do += 1,
                ActionStatus::Planned | ActionStatus::InProgress => {
                    s.open += 1;
                    if let Some(due) = a.due.filter(|_| is_overdue(a, today)) {
                        overdue.push((
                            a.line,
                            OverdueAction {
                                incident_slug: i.slug.clone(),
                                incident_title: i.title.clone(),
                                what: a.what.clone(),
                                owner: a.owner.clone(),
                                due,
                                status: a.status,
                                days_overdue: (today - due).num_days(),
                            },
                        ));
                    }
                }
            }
        }
    }
    overdue.sort_by(|(la, a), (lb, b)| {
        (a.due, &a.incident_slug, la).cmp(&(b.due, &b.incident_slug, lb))
    });
    s.overdue = overdue.into_iter().map(|(_, a)| a).collect();
    s
}

/// All reliability figures of the site at `now`.
pub fn metrics(site: &Site, now: DateTime<Utc>) -> Metrics {
    let incidents = &site.incidents;
    Metrics {
        mttd: mttd(incidents, now),
        mttr: mttr(incidents, now),
        resolved_incidents: incidents.iter().filter(|i| is_resolved(i, now)).count(),
        recurrence: recurrence(incidents, now),
        actions: actions_summary(incidents, site.config.timezone, now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::uptime::tests::{date, incident, site, utc};
    use crate::vocabulary::Level;

    fn action(what: &str, owner: &str, due: Option<NaiveDate>, status: ActionStatus) -> Action {
        Action {
            what: what.into(),
            owner: Some(owner.into()),
            due,
            status,
            done: None,
            line: 1,
        }
    }

    /// POSTMORTEM.md's worked example: auth down 10:36 to 11:06 CET (09:36-10:06Z),
    /// alert (detection) at 10:36, four corrective actions, one done.
    fn worked_example() -> Incident {
        let mut i = incident(
            "2026-03-14-auth-outage",
            &[("auth", Level::MajorOutage)],
            utc(2026, 3, 14, 9, 36),
            Some(utc(2026, 3, 14, 10, 6)),
        );
        i.cause = Some("config-change".into());
        i.actions = vec![
            action(
                "Validate load-balancer config before deploy",
                "DevOps lead",
                Some(date(2026, 4, 10)),
                ActionStatus::InProgress,
            ),
            action(
                "Health checks that verify full HTTP responses",
                "SRE team",
                Some(date(2026, 4, 30)),
                ActionStatus::Planned,
            ),
            action(
                "Automated status page updates on recovery",
                "Platform team",
                None,
                ActionStatus::Planned,
            ),
            action(
                "Review alert routing",
                "On-call lead",
                Some(date(2026, 3, 21)),
                ActionStatus::Done,
            ),
        ];
        for (n, a) in i.actions.iter_mut().enumerate() {
            a.line = 20 + n;
        }
        i
    }

    #[test]
    fn worked_example_metrics() {
        let s = site(
            chrono_tz::Europe::Berlin,
            vec![],
            vec![worked_example()],
            vec![],
        );
        let m = metrics(&s, utc(2026, 4, 15, 12, 0));
        assert_eq!(m.mttd, Some(TimeDelta::zero()));
        assert_eq!(m.mttr, Some(TimeDelta::minutes(30)));
        assert_eq!(m.resolved_incidents, 1);
        assert_eq!(m.recurrence.repeated, 0);
        assert_eq!(m.recurrence.total, 1);
        assert_eq!(m.recurrence.rate, Some(0.0));
        let a = &m.actions;
        assert_eq!((a.total, a.open, a.done, a.wont_do), (4, 3, 1, 0));
        assert_eq!(a.overdue.len(), 1);
        let o = &a.overdue[0];
        assert_eq!(o.what, "Validate load-balancer config before deploy");
        assert_eq!(o.owner.as_deref(), Some("DevOps lead"));
        assert_eq!(o.incident_slug, "2026-03-14-auth-outage");
        assert_eq!(o.due, date(2026, 4, 10));
        assert_eq!(o.days_overdue, 5);
    }

    #[test]
    fn means_over_resolved_incidents_only() {
        let mut a = incident(
            "a",
            &[],
            utc(2026, 1, 1, 10, 0),
            Some(utc(2026, 1, 1, 11, 0)),
        );
        a.detected = utc(2026, 1, 1, 10, 10); // detect 10 min, resolve 50 min
        let mut b = incident(
            "b",
            &[],
            utc(2026, 1, 2, 10, 0),
            Some(utc(2026, 1, 2, 10, 30)),
        );
        b.detected = utc(2026, 1, 2, 10, 5); // detect 5 min, resolve 25 min
        let mut ongoing = incident("c", &[], utc(2026, 1, 3, 10, 0), None);
        ongoing.detected = utc(2026, 1, 3, 12, 0);
        // Resolved after "now": still ongoing at now.
        let later = incident(
            "d",
            &[],
            utc(2026, 1, 3, 10, 0),
            Some(utc(2026, 1, 9, 0, 0)),
        );
        let all = [a, b, ongoing, later];
        let now = utc(2026, 1, 5, 0, 0);
        assert_eq!(mttd(&all, now), Some(TimeDelta::seconds(450)));
        assert_eq!(mttr(&all, now), Some(TimeDelta::seconds(2250)));
        assert_eq!(mttd(&all[2..], now), None);
        assert_eq!(mttr(&[], now), None);
        // Odd totals keep sub-second precision.
        let mut x = incident("x", &[], utc(2026, 1, 1, 0, 0), Some(utc(2026, 1, 1, 0, 0)));
        x.detected = x.started + TimeDelta::seconds(1);
        let y = incident("y", &[], utc(2026, 1, 1, 0, 0), Some(utc(2026, 1, 1, 0, 0)));
        assert_eq!(mttd(&[x, y], now), Some(TimeDelta::milliseconds(500)));
    }

    #[test]
    fn recurrence_within_ninety_days() {
        let mk = |slug: &str, t: DateTime<Utc>, cause: Option<&str>| {
            let mut i = incident(slug, &[], t, Some(t + TimeDelta::hours(1)));
            i.cause = cause.map(String::from);
            i
        };
        let t0 = utc(2026, 1, 1, 12, 0);
        let incidents = vec![
            mk("a1", t0, Some("config-change")),
            // Exactly 90 days later: still within the previous 90 days.
            mk("a2", t0 + TimeDelta::days(90), Some("config-change")),
            // 91 days after a2: too late.
            mk("a3", t0 + TimeDelta::days(181), Some("config-change")),
            mk("b1", t0 + TimeDelta::days(10), Some("capacity")),
            // Same instant as b1: not "before" it, so neither repeats the other.
            mk("b2", t0 + TimeDelta::days(10), Some(" capacity ")),
            mk("b3", t0 + TimeDelta::days(11), Some("capacity")),
            mk("n1", t0 + TimeDelta::days(12), None),
            mk("n2", t0 + TimeDelta::days(13), Some("")),
            mk("n3", t0 + TimeDelta::days(14), Some("")),
            // Not started by now: not counted at all.
            mk("future", t0 + TimeDelta::days(400), Some("capacity")),
        ];
        let r = recurrence(&incidents, t0 + TimeDelta::days(300));
        assert_eq!(r.total, 9);
        assert_eq!(r.repeated, 2);
        assert_eq!(r.repeated_slugs, vec!["b3", "a2"]);
        assert_eq!(r.rate, Some(2.0 / 9.0));
        assert_eq!(recurrence(&[], t0).rate, None);
    }

    #[test]
    fn overdue_is_judged_on_local_days() {
        let mut i = worked_example();
        i.actions.truncate(1); // due 2026-04-10, in progress
        let s = site(chrono_tz::Europe::Berlin, vec![], vec![i], vec![]);
        // 2026-04-10 23:30 CEST = 21:30Z: still the due day.
        let a = actions_summary(&s.incidents, s.config.timezone, utc(2026, 4, 10, 21, 30));
        assert!(a.overdue.is_empty());
        // 2026-04-11 00:00 CEST = 2026-04-10 22:00Z: the due day has passed.
        let a = actions_summary(&s.incidents, s.config.timezone, utc(2026, 4, 10, 22, 0));
        assert_eq!(a.overdue.len(), 1);
        assert_eq!(a.overdue[0].days_overdue, 1);
        // In UTC the same instant is still the due day.
        let a = actions_summary(&s.incidents, chrono_tz::UTC, utc(2026, 4, 10, 22, 0));
        assert!(a.overdue.is_empty());
    }

    #[test]
    fn overdue_list_order_and_closed_actions() {
        let mut x = incident("x", &[], utc(2026, 1, 1, 0, 0), None);
        x.actions = vec![
            action("late", "o", Some(date(2026, 2, 1)), ActionStatus::Planned),
            action(
                "later",
                "o",
                Some(date(2026, 1, 15)),
                ActionStatus::InProgress,
            ),
            action("dropped", "o", Some(date(2026, 1, 2)), ActionStatus::WontDo),
            action("no date", "o", None, ActionStatus::Planned),
        ];
        let mut w = incident("w", &[], utc(2026, 1, 1, 0, 0), None);
        w.actions = vec![action(
            "w1",
            "o",
            Some(date(2026, 2, 1)),
            ActionStatus::Planned,
        )];
        let a = actions_summary(&[x, w], chrono_tz::UTC, utc(2026, 3, 1, 0, 0));
        assert_eq!((a.total, a.open, a.done, a.wont_do), (5, 4, 0, 1));
        let got: Vec<(&str, &str)> = a
            .overdue
            .iter()
            .map(|o| (o.incident_slug.as_str(), o.what.as_str()))
            .collect();
        assert_eq!(got, vec![("x", "later"), ("w", "w1"), ("x", "late")]);
    }
}
