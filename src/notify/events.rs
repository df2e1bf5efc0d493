//! The events a site has produced by "now", each with an id that stays the same from
//! run to run, so the state file can say which were already announced. Pure: derived
//! from the loaded site (drafts already left out) like every page.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::model::status::{maintenance_status, resolved_at};
use crate::render::markdown::is_blank;
use crate::site::{Incident, Maintenance, MaintenanceUpdate, Site, Update};
use crate::vocabulary::{EventKind, MaintenanceStatus};

#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    Incident(&'a Incident),
    Maintenance(&'a Maintenance),
}

#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// Stable: built from slugs and times, never from text, so editing an update's
    /// message does not make it new.
    pub id: String,
    pub kind: EventKind,
    /// When it happened (for ordering and display).
    pub at: DateTime<Utc>,
    pub subject: Subject<'a>,
    /// The update an `incident_updated` event announces, with its index in the
    /// incident's (oldest-first) updates.
    pub update: Option<(usize, &'a Update)>,
    /// The `[[updates]]` entry of a maintenance window the event announces, with its index.
    pub maintenance_update: Option<(usize, &'a MaintenanceUpdate)>,
}

impl Event<'_> {
    /// The slug of the incident or maintenance window.
    pub fn slug(&self) -> &str {
        match self.subject {
            Subject::Incident(i) => &i.slug,
            Subject::Maintenance(m) => &m.slug,
        }
    }

    /// Component ids the event concerns.
    pub fn components(&self) -> Vec<&str> {
        match self.subject {
            Subject::Incident(i) => i.components.iter().map(|a| a.id.as_str()).collect(),
            Subject::Maintenance(m) => m.components.iter().map(String::as_str).collect(),
        }
    }
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `PREFIX/update/<time>` for each update time; two updates at the same instant are
/// told apart by their order (`+1`, `+2`, …).
fn update_ids(prefix: &str, times: impl Iterator<Item = DateTime<Utc>>) -> Vec<String> {
    let mut seen: Vec<DateTime<Utc>> = Vec::new();
    times
        .map(|at| {
            let dup = seen.iter().filter(|t| **t == at).count();
            seen.push(at);
            match dup {
                0 => format!("{prefix}/update/{}", stamp(at)),
                d => format!("{prefix}/update/{}+{d}", stamp(at)),
            }
        })
        .collect()
}

/// Every event of the site at `now`, ordered by time, then kind (an incident's creation
/// before its updates before its resolution), then id.
pub fn derive_events(site: &Site, now: DateTime<Utc>) -> Vec<Event<'_>> {
    let mut out = Vec::new();
    for i in &site.incidents {
        incident_events(i, now, &mut out);
    }
    for m in &site.maintenance {
        maintenance_events(m, now, &mut out);
    }
    out.sort_by(|a, b| (a.at, a.kind, &a.id).cmp(&(b.at, b.kind, &b.id)));
    out
}

/// What an incident's page shows is announced: the incident and every update as soon
/// as they are published (a time after "now", almost always a wrong UTC offset that
/// `check` warns about, is dated "now" so it is not mistaken for history); the
/// resolution and the post-mortem once the resolution has happened.
fn incident_events<'a>(i: &'a Incident, now: DateTime<Utc>, out: &mut Vec<Event<'a>>) {
    let ev = |id: String, kind, at: DateTime<Utc>, update| Event {
        id,
        kind,
        at: at.min(now),
        subject: Subject::Incident(i),
        update,
        maintenance_update: None,
    };
    out.push(ev(
        format!("incident/{}/created", i.slug),
        EventKind::IncidentCreated,
        i.started,
        None,
    ));
    let ids = update_ids(
        &format!("incident/{}", i.slug),
        i.updates.iter().map(|u| u.at),
    );
    for ((n, u), id) in i.updates.iter().enumerate().zip(ids) {
        out.push(ev(id, EventKind::IncidentUpdated, u.at, Some((n, u))));
    }
    if let Some(r) = resolved_at(i, now) {
        out.push(ev(
            format!("incident/{}/resolved", i.slug),
            EventKind::IncidentResolved,
            r,
            None,
        ));
        // The skeleton `statusgen new` writes is not a post-mortem yet.
        if !is_blank(&i.body) {
            out.push(ev(
                format!("incident/{}/postmortem", i.slug),
                EventKind::PostmortemPublished,
                r.max(i.updates.last().map_or(r, |u| u.at)),
                None,
            ));
        }
    }
}

/// The states a window has been through by `now`, each an event: announced, started,
/// completed; or announced and cancelled.
fn maintenance_events<'a>(m: &'a Maintenance, now: DateTime<Utc>, out: &mut Vec<Event<'a>>) {
    let ev = |kind: EventKind, at| Event {
        id: format!(
            "maintenance/{}/{}",
            m.slug,
            kind.as_str().trim_start_matches("maintenance_")
        ),
        kind,
        at,
        subject: Subject::Maintenance(m),
        update: None,
        maintenance_update: None,
    };
    // Announced when its file is published; ordered at its start for want of a better time.
    out.push(ev(EventKind::MaintenanceScheduled, m.starts.min(now)));
    match maintenance_status(m, now) {
        MaintenanceStatus::Scheduled => {}
        MaintenanceStatus::InProgress => out.push(ev(EventKind::MaintenanceStarted, m.starts)),
        MaintenanceStatus::Completed => {
            if now >= m.starts {
                out.push(ev(EventKind::MaintenanceStarted, m.starts));
            }
            out.push(ev(EventKind::MaintenanceCompleted, m.ends.min(now)));
        }
        // Dated like its announcement: cancelling a past window is not news.
        MaintenanceStatus::Cancelled => {
            out.push(ev(EventKind::MaintenanceCancelled, m.starts.min(now)))
        }
    }
    // Each posted update (`statusgen update` on a window) is news of its own, announced
    // as the state it reports.
    let ids = update_ids(
        &format!("maintenance/{}", m.slug),
        m.updates.iter().map(|u| u.at),
    );
    for ((n, u), id) in m.updates.iter().enumerate().zip(ids) {
        out.push(Event {
            id,
            kind: match u.status {
                MaintenanceStatus::Scheduled => EventKind::MaintenanceScheduled,
                MaintenanceStatus::InProgress => EventKind::MaintenanceStarted,
                MaintenanceStatus::Completed => EventKind::MaintenanceCompleted,
                MaintenanceStatus::Cancelled => EventKind::MaintenanceCancelled,
            },
            at: u.at.min(now),
            subject: Subject::Maintenance(m),
            update: None,
            maintenance_update: Some((n, u)),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::{Component, Config};
    use crate::vocabulary::UpdateStatus;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 4, 15, h, m, 0).unwrap()
    }

    fn update(at: DateTime<Utc>, status: UpdateStatus, message: &str) -> Update {
        Update {
            at,
            status,
            message: message.into(),
            line: 1,
        }
    }

    fn site(incidents: Vec<Incident>, maintenance: Vec<Maintenance>) -> Site {
        Site {
            root: ".".into(),
            config: Config::with_defaults(
                "A",
                "https://a.test/",
                chrono_tz::UTC,
                vec![Component::new("api", "API", 0)],
            ),
            incidents,
            maintenance,
            checks: Default::default(),
        }
    }

    fn ids(site: &Site, now: DateTime<Utc>) -> Vec<String> {
        derive_events(site, now).into_iter().map(|e| e.id).collect()
    }

    #[test]
    fn incident_lifecycle() {
        let mut i = Incident::new("db", t(10, 0), Some(t(11, 0)));
        i.updates = vec![
            update(t(10, 0), UpdateStatus::Investigating, "a"),
            update(t(10, 30), UpdateStatus::Identified, "b"),
            update(t(10, 30), UpdateStatus::Monitoring, "c"),
            update(t(11, 0), UpdateStatus::Resolved, "d"),
        ];
        i.body = "## Summary\n\nIt broke.\n".into();
        let s = site(vec![i], vec![]);
        assert_eq!(
            ids(&s, t(12, 0)),
            [
                "incident/db/created",
                "incident/db/update/2026-04-15T10:00:00Z",
                "incident/db/update/2026-04-15T10:30:00Z",
                "incident/db/update/2026-04-15T10:30:00Z+1",
                "incident/db/update/2026-04-15T11:00:00Z",
                "incident/db/resolved",
                "incident/db/postmortem",
            ]
        );
        // Before the resolution, it has not happened.
        assert!(!ids(&s, t(10, 10)).iter().any(|id| id.ends_with("resolved")));
    }

    #[test]
    fn ids_do_not_depend_on_text_and_skeletons_are_not_post_mortems() {
        let mut i = Incident::new("db", t(10, 0), Some(t(11, 0)));
        i.updates = vec![update(t(10, 0), UpdateStatus::Investigating, "first")];
        i.body = "## Summary\n<!-- what happened -->\n\n## Timeline\n".into();
        let a = ids(&site(vec![i.clone()], vec![]), t(12, 0));
        i.updates[0].message = "edited".into();
        i.title = "Renamed".into();
        let b = ids(&site(vec![i], vec![]), t(12, 0));
        assert_eq!(a, b);
        assert!(!a.iter().any(|id| id.ends_with("postmortem")));
    }

    #[test]
    fn maintenance_states_relative_to_now() {
        let m = Maintenance::new("upgrade", t(10, 0), t(11, 0));
        let s = site(vec![], vec![m.clone()]);
        assert_eq!(ids(&s, t(9, 0)), ["maintenance/upgrade/scheduled"]);
        assert_eq!(
            ids(&s, t(10, 30)),
            [
                "maintenance/upgrade/scheduled",
                "maintenance/upgrade/started"
            ]
        );
        assert_eq!(
            ids(&s, t(12, 0)),
            [
                "maintenance/upgrade/scheduled",
                "maintenance/upgrade/started",
                "maintenance/upgrade/completed"
            ]
        );
        let mut c = m;
        c.status = Some(MaintenanceStatus::Cancelled);
        let s = site(vec![], vec![c]);
        assert_eq!(
            ids(&s, t(9, 0)),
            [
                "maintenance/upgrade/scheduled",
                "maintenance/upgrade/cancelled"
            ]
        );
    }

    #[test]
    fn future_dated_incidents_are_announced_as_the_page_lists_them() {
        let mut i = Incident::new("later", t(13, 0), Some(t(14, 0)));
        i.updates = vec![update(t(13, 0), UpdateStatus::Investigating, "a")];
        let s = site(vec![i], vec![]);
        let events = derive_events(&s, t(12, 0));
        let got: Vec<(&str, DateTime<Utc>)> =
            events.iter().map(|e| (e.id.as_str(), e.at)).collect();
        assert_eq!(
            got,
            [
                ("incident/later/created", t(12, 0)),
                ("incident/later/update/2026-04-15T13:00:00Z", t(12, 0)),
            ],
            "dated now, and not resolved before its time"
        );
    }
}
