//! What one notification says, before any platform's markup: planned from a channel's
//! pending events, then composed from the same formatted data as the pages (times in
//! the site timezone with their offset, absolute links under `base_url`) and the same
//! API objects as `api/v2/*.json`.

use chrono::{DateTime, Utc};

use crate::i18n::Texts;
use crate::notify::events::{Event, Subject};
use crate::render::api::{ApiView, IncidentJson, IncidentUpdateJson};
use crate::render::dates::local_time_in;
use crate::render::escape::clean;
use crate::render::urls::Urls;
use crate::site::Site;
use crate::vocabulary::{EventKind, Impact, Level, UpdateStatus};

/// One message to send: the event it announces, and every pending event it covers
/// (recorded as delivered with it).
#[derive(Debug, Clone)]
pub struct Planned<'e, 's> {
    pub event: &'e Event<'s>,
    /// The update whose text the message carries, if any.
    pub update: Option<usize>,
    pub covers: Vec<String>,
}

/// Turns a channel's pending events (in event order) into messages, so one change reads
/// as one message:
/// - a new incident carries its first update, rather than arriving twice;
/// - a resolution carries the "resolved" update written with it;
/// - a maintenance window seen in several new states at once (a run missed while it
///   started) sends only its newest state.
pub fn plan<'e, 's>(pending: &[&'e Event<'s>]) -> Vec<Planned<'e, 's>> {
    let mut out: Vec<Planned<'e, 's>> = Vec::new();
    let mut folded: Vec<String> = Vec::new();
    let pending_kind = |slug: &str, kind: EventKind| {
        pending
            .iter()
            .find(|e| e.kind == kind && e.slug() == slug)
            .copied()
    };
    for e in pending {
        if folded.contains(&e.id) {
            continue;
        }
        let mut p = Planned {
            event: e,
            update: e.update.map(|(n, _)| n),
            covers: vec![e.id.clone()],
        };
        match e.kind {
            EventKind::IncidentCreated => {
                if let Some(first) = pending
                    .iter()
                    .find(|u| u.slug() == e.slug() && u.update.is_some_and(|(n, _)| n == 0))
                {
                    p.update = Some(0);
                    p.covers.push(first.id.clone());
                    folded.push(first.id.clone());
                }
            }
            EventKind::IncidentUpdated => {
                let resolving = e
                    .update
                    .is_some_and(|(_, u)| u.status == UpdateStatus::Resolved);
                if resolving
                    && let Some(r) = pending_kind(e.slug(), EventKind::IncidentResolved)
                    && !folded.contains(&r.id)
                {
                    p.event = r;
                    p.covers.push(r.id.clone());
                    folded.push(r.id.clone());
                }
            }
            EventKind::IncidentResolved => {
                // The "resolved" update may be dated after the resolution itself.
                if let Some(u) = pending.iter().find(|u| {
                    u.slug() == e.slug()
                        && !folded.contains(&u.id)
                        && u.update
                            .is_some_and(|(_, up)| up.status == UpdateStatus::Resolved)
                }) {
                    p.update = u.update.map(|(n, _)| n);
                    p.covers.push(u.id.clone());
                    folded.push(u.id.clone());
                }
            }
            k if k.is_maintenance() => {
                let newest = pending
                    .iter()
                    .rev()
                    .find(|m| m.kind.is_maintenance() && m.slug() == e.slug())
                    .copied()
                    .unwrap_or(e);
                p.event = newest;
                p.covers = pending
                    .iter()
                    .filter(|m| m.kind.is_maintenance() && m.slug() == e.slug())
                    .map(|m| m.id.clone())
                    .collect();
            }
            _ => {}
        }
        folded.extend(p.covers.iter().cloned());
        out.push(p);
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
pub struct ComponentLine {
    pub id: String,
    pub name: String,
    pub level: Level,
}

/// One notification, platform-neutral. Every string is plain text; each platform
/// escapes it for its own markup.
#[derive(Debug, Clone)]
pub struct Message {
    /// The event announced (the id sent as `X-Statusgen-Event`'s companion).
    pub event_id: String,
    pub kind: EventKind,
    pub site_title: String,
    pub title: String,
    /// e.g. "Identified", "Resolved", "Scheduled maintenance".
    pub status_label: String,
    /// `status_label: title`.
    pub headline: String,
    pub impact: Option<Impact>,
    pub severity: Option<String>,
    pub components: Vec<ComponentLine>,
    /// The update's message, the window's description or the post-mortem's opening.
    pub text: String,
    /// When it happened, as the pages show it.
    pub at: String,
    /// RFC 3339, UTC.
    pub at_iso: String,
    /// The window, as the pages show it.
    pub window: Option<(String, String)>,
    pub url: String,
    pub home_url: String,
    /// The incident or maintenance as `api/v2/incidents.json` has it.
    pub api: IncidentJson,
    /// The update announced, as the API has it.
    pub api_update: Option<IncidentUpdateJson>,
    /// The site's language: the words of every platform's message (not the webhook JSON).
    pub texts: &'static Texts,
}

/// Longest text excerpt (post-mortems, maintenance descriptions), in characters.
const EXCERPT: usize = 600;

/// `s` cut to at most `max` characters at a word boundary, with an ellipsis.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > max / 2 => cut[..i].to_string(),
        _ => cut,
    };
    format!("{}…", cut.trim_end())
}

pub struct Composer<'a> {
    pub site: &'a Site,
    pub api: ApiView<'a>,
    pub urls: Urls,
}

impl<'a> Composer<'a> {
    pub fn new(site: &'a Site, now: DateTime<Utc>) -> Composer<'a> {
        Composer {
            site,
            api: ApiView::new(site, now),
            urls: Urls::new(&site.config.base_url),
        }
    }

    fn name(&self, id: &str) -> String {
        self.site
            .component(id)
            .map_or_else(|| id.to_string(), |c| c.name.clone())
    }

    pub fn compose(&self, p: &Planned<'_, '_>) -> Message {
        let tz = self.site.config.timezone;
        let t = Texts::resolve(&self.site.config.language, &self.site.config.i18n);
        let e = p.event;
        let (title, url, impact, severity, components, api, window) = match e.subject {
            Subject::Incident(i) => (
                i.title.clone(),
                self.urls.absolute(&format!("incidents/{}/", i.slug)),
                Some(i.impact),
                i.severity.clone(),
                i.components
                    .iter()
                    .map(|a| ComponentLine {
                        id: a.id.clone(),
                        name: self.name(&a.id),
                        level: a.level,
                    })
                    .collect(),
                self.api.incident(i),
                None,
            ),
            Subject::Maintenance(m) => (
                m.title.clone(),
                self.urls.absolute(&format!("maintenance/{}/", m.slug)),
                None,
                None,
                m.components
                    .iter()
                    .map(|id| ComponentLine {
                        id: id.clone(),
                        name: self.name(id),
                        level: Level::UnderMaintenance,
                    })
                    .collect(),
                self.api.maintenance(m),
                Some((local_time_in(m.starts, tz, t), local_time_in(m.ends, tz, t))),
            ),
        };
        let update = match e.subject {
            Subject::Incident(i) => p.update.and_then(|n| i.updates.get(n)),
            Subject::Maintenance(_) => None,
        };
        // The API lists updates newest first; maintenance "updates" are its states.
        let api_update = match (e.subject, p.update) {
            (Subject::Incident(i), Some(n)) => api
                .incident_updates
                .get(i.updates.len().saturating_sub(n + 1))
                .cloned(),
            // A resolution or post-mortem without an update of its own announces none.
            (Subject::Incident(_), None) => None,
            (Subject::Maintenance(m), _) if e.maintenance_update.is_some() => {
                let n = e.maintenance_update.map_or(0, |(n, _)| n);
                // The API lists the announcement, then the posted updates, newest first.
                api.incident_updates
                    .get(m.updates.len().saturating_sub(n + 1))
                    .cloned()
            }
            (Subject::Maintenance(_), _) => {
                let step = match e.kind {
                    EventKind::MaintenanceScheduled => "scheduled",
                    EventKind::MaintenanceStarted => "in_progress",
                    _ => "completed",
                };
                api.incident_updates
                    .iter()
                    .find(|u| u.status == step)
                    .cloned()
            }
        };
        let status_label = match e.kind {
            EventKind::IncidentCreated | EventKind::IncidentUpdated => t
                .update_status(update.map_or(UpdateStatus::Investigating, |u| u.status))
                .to_string(),
            EventKind::IncidentResolved => t.get("update_resolved").into(),
            EventKind::PostmortemPublished => t.get("notify_postmortem_published").into(),
            EventKind::MaintenanceScheduled => t.get("scheduled_maintenance").into(),
            EventKind::MaintenanceStarted => t.get("maintenance_in_progress").into(),
            EventKind::MaintenanceCompleted => t.get("notify_maintenance_completed").into(),
            EventKind::MaintenanceCancelled => t.get("notify_maintenance_cancelled").into(),
        };
        let text = match (e.subject, e.kind) {
            (_, EventKind::IncidentResolved) if update.is_none() => match e.subject {
                Subject::Incident(i) => t.fmt1(
                    "notify_resolved_after",
                    "duration",
                    &t.duration(i.resolved.unwrap_or(e.at) - i.started),
                ),
                Subject::Maintenance(_) => String::new(),
            },
            (Subject::Incident(i), EventKind::PostmortemPublished) => truncate(
                &crate::render::plain_text::markdown_to_plain(&i.body),
                EXCERPT,
            ),
            (Subject::Incident(_), _) => update.map(|u| u.message.clone()).unwrap_or_default(),
            (Subject::Maintenance(_), _) => match e.maintenance_update {
                Some((_, u)) => u.message.clone(),
                None => api_update
                    .as_ref()
                    .map(|u| truncate(&u.body, EXCERPT))
                    .unwrap_or_default(),
            },
        };
        let title = clean(&title).into_owned();
        Message {
            event_id: e.id.clone(),
            kind: e.kind,
            site_title: clean(&self.site.config.title).into_owned(),
            headline: format!("{status_label}: {title}"),
            title,
            status_label,
            impact,
            severity,
            components,
            text: clean(&text).into_owned(),
            at: local_time_in(e.at, tz, t),
            at_iso: e.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            window,
            url,
            home_url: self.urls.base().to_string(),
            api,
            api_update,
            texts: t,
        }
    }

    /// The page's overall status at `now`, as the API reports it.
    pub fn page_status(&self) -> crate::render::api::StatusJson {
        self.api.status()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::events::derive_events;
    use crate::site::{Affected, Component, Config, Incident, Maintenance, Update};
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 4, 15, h, m, 0).unwrap()
    }

    fn site() -> Site {
        let mut i = Incident::new("db", t(10, 0), Some(t(11, 0)));
        i.title = "Database outage".into();
        i.components = vec![Affected {
            id: "api".into(),
            level: Level::MajorOutage,
        }];
        for (at, status, msg) in [
            (t(10, 0), UpdateStatus::Investigating, "Looking."),
            (t(10, 30), UpdateStatus::Identified, "Found it."),
            (t(11, 0), UpdateStatus::Resolved, "Fixed."),
        ] {
            i.updates.push(Update {
                at,
                status,
                message: msg.into(),
                line: 1,
            });
        }
        let m = Maintenance::new("upgrade", t(9, 0), t(9, 30));
        Site {
            root: ".".into(),
            config: Config::with_defaults(
                "Acme Status",
                "https://acme.test/status/",
                chrono_tz::Europe::Berlin,
                vec![Component::new("api", "Public API", 0)],
            ),
            incidents: vec![i],
            maintenance: vec![m],
            checks: Default::default(),
        }
    }

    #[test]
    fn one_change_is_one_message() {
        let s = site();
        let events = derive_events(&s, t(12, 0));
        let all: Vec<&Event> = events.iter().collect();
        let planned = plan(&all);
        let got: Vec<(&str, Vec<&str>)> = planned
            .iter()
            .map(|p| {
                (
                    p.event.id.as_str(),
                    p.covers.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "maintenance/upgrade/completed",
                    vec![
                        "maintenance/upgrade/scheduled",
                        "maintenance/upgrade/started",
                        "maintenance/upgrade/completed"
                    ]
                ),
                (
                    "incident/db/created",
                    vec![
                        "incident/db/created",
                        "incident/db/update/2026-04-15T10:00:00Z"
                    ]
                ),
                (
                    "incident/db/update/2026-04-15T10:30:00Z",
                    vec!["incident/db/update/2026-04-15T10:30:00Z"]
                ),
                (
                    "incident/db/resolved",
                    vec![
                        "incident/db/update/2026-04-15T11:00:00Z",
                        "incident/db/resolved"
                    ]
                ),
            ]
        );
        // Every pending id is covered exactly once.
        let mut covered: Vec<&str> = planned
            .iter()
            .flat_map(|p| p.covers.iter().map(String::as_str))
            .collect();
        covered.sort();
        let mut ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
        ids.sort();
        assert_eq!(covered, ids);
    }

    #[test]
    fn a_resolved_update_after_the_resolution_is_still_one_message() {
        let mut s = site();
        s.maintenance.clear();
        s.incidents[0].updates[2].at = t(11, 5);
        let events = derive_events(&s, t(12, 0));
        let all: Vec<&Event> = events.iter().collect();
        let planned = plan(&all);
        let covers: Vec<usize> = planned.iter().map(|p| p.covers.len()).collect();
        assert_eq!(covers.iter().sum::<usize>(), events.len(), "{planned:#?}");
        let last = planned.last().unwrap();
        assert_eq!(last.event.kind, EventKind::IncidentResolved);
        assert_eq!(last.covers.len(), 2, "{last:#?}");
        let m = Composer::new(&s, t(12, 0)).compose(last);
        assert_eq!(
            (m.headline.as_str(), m.text.as_str()),
            ("Resolved: Database outage", "Fixed.")
        );
    }

    #[test]
    fn messages_speak_the_site_language() {
        let mut s = site();
        s.maintenance.clear();
        s.config.language = "de".into();
        let events = derive_events(&s, t(12, 0));
        let all: Vec<&Event> = events.iter().collect();
        let planned = plan(&all);
        let last = planned.last().unwrap();
        let m = Composer::new(&s, t(12, 0)).compose(last);
        assert_eq!(m.headline, "Behoben: Database outage");
        assert_eq!(m.at, "15. Apr. 2026, 13:00 CEST (UTC+02:00)");
        let facts = crate::notify::payload::facts(&m);
        assert_eq!(facts[0], ("Status", "Behoben".to_string()));
        assert_eq!(facts[1].0, "Auswirkung");
        assert_eq!(
            facts[2],
            ("Komponenten", "Public API (Schwerer Ausfall)".to_string())
        );
        assert_eq!(facts[3].0, "Zeitpunkt");
    }

    #[test]
    fn composes_from_page_data() {
        let s = site();
        let events = derive_events(&s, t(12, 0));
        let update = events.iter().find(|e| e.id.ends_with("10:30:00Z")).unwrap();
        let c = Composer::new(&s, t(12, 0));
        let m = c.compose(&plan(&[update])[0]);
        assert_eq!(m.headline, "Identified: Database outage");
        assert_eq!(m.text, "Found it.");
        assert_eq!(m.at, "15 Apr 2026, 12:30 CEST (UTC+02:00)");
        assert_eq!(m.url, "https://acme.test/status/incidents/db/");
        assert_eq!(m.components[0].name, "Public API");
        assert_eq!(m.api_update.as_ref().unwrap().body, "Found it.");
        assert_eq!(m.api.name, "Database outage");
    }

    #[test]
    fn truncates_at_words() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("one two three four", 12), "one two…");
    }
}
