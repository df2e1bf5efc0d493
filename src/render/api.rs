//! A static copy of Atlassian Statuspage's public API v2 (`api/v2/*.json`), with its
//! field names, nesting and vocabularies, so existing clients and aggregators read us
//! unchanged. `docs/statuspage-api.md` documents how our model maps onto it.
//!
//! Ids are 12-character base-36 hashes of what identifies the object in the site
//! (component id, group name, incident or maintenance slug), so they are stable
//! across builds and look like Statuspage's.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::files::OutputFile;
use crate::model::derived::Derived;
use crate::model::status::{incident_open, maintenance_status, overall_level, overall_wording};
use crate::model::uptime::day_start;
use crate::render::dates::iso_local;
use crate::render::escape::clean;
use crate::render::feeds::incident_updated;
use crate::render::plain_text::markdown_to_plain;
use crate::render::urls::Urls;
use crate::site::{Incident, Maintenance, Site};
use crate::vocabulary::{Level, MaintenanceStatus, UpdateStatus};
use std::borrow::Cow;

/// Statuspage returns the 50 most recent incidents and maintenances.
const RECENT: usize = 50;

/// Text for the API: JSON can carry control characters, but clients show them as
/// garbage, and the feeds drop them too.
fn text(s: &str) -> String {
    clean(s).into_owned()
}

/// FNV-1a, 64 bit: tiny, dependency-free and stable across Rust versions and platforms
/// (unlike `DefaultHasher`), which is all an id needs.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A Statuspage-like id: 12 lowercase base-36 characters derived from `kind` and `key`.
pub fn stable_id(kind: &str, key: &str) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut input = Vec::with_capacity(kind.len() + key.len() + 1);
    input.extend_from_slice(kind.as_bytes());
    input.push(0);
    input.extend_from_slice(key.as_bytes());
    let mut h = fnv1a(&input);
    let mut out = [b'0'; 12];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(h % 36) as usize];
        h /= 36;
    }
    out.iter().map(|&b| b as char).collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct PageJson {
    pub id: String,
    pub name: String,
    pub url: String,
    pub time_zone: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComponentJson {
    pub id: String,
    pub name: String,
    pub status: &'static str,
    pub created_at: String,
    pub updated_at: String,
    pub position: usize,
    pub description: Option<String>,
    pub showcase: bool,
    pub start_date: Option<String>,
    pub group_id: Option<String>,
    pub page_id: String,
    pub group: bool,
    pub only_show_if_degraded: bool,
    /// Child ids, on group components only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub components: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AffectedComponentJson {
    pub code: String,
    pub name: String,
    pub old_status: &'static str,
    pub new_status: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentUpdateJson {
    pub id: String,
    pub status: &'static str,
    pub body: String,
    pub incident_id: String,
    pub created_at: String,
    pub updated_at: String,
    pub display_at: String,
    pub affected_components: Option<Vec<AffectedComponentJson>>,
}

/// An incident, or with `scheduled_for`/`scheduled_until` a scheduled maintenance.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentJson {
    pub id: String,
    pub name: String,
    pub status: &'static str,
    pub created_at: String,
    pub updated_at: String,
    pub monitoring_at: Option<String>,
    pub resolved_at: Option<String>,
    pub impact: &'static str,
    pub shortlink: String,
    pub started_at: String,
    pub page_id: String,
    pub incident_updates: Vec<IncidentUpdateJson>,
    pub components: Vec<ComponentJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled_for: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled_until: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusJson {
    pub indicator: &'static str,
    pub description: &'static str,
}

#[derive(Serialize)]
struct SummaryFile<'a> {
    page: &'a PageJson,
    components: &'a [ComponentJson],
    incidents: Vec<&'a IncidentJson>,
    scheduled_maintenances: Vec<&'a IncidentJson>,
    status: &'a StatusJson,
}

#[derive(Serialize)]
struct StatusFile<'a> {
    page: &'a PageJson,
    status: &'a StatusJson,
}

#[derive(Serialize)]
struct ComponentsFile<'a> {
    page: &'a PageJson,
    components: &'a [ComponentJson],
}

#[derive(Serialize)]
struct IncidentsFile<'a> {
    page: &'a PageJson,
    incidents: Vec<&'a IncidentJson>,
}

#[derive(Serialize)]
struct MaintenancesFile<'a> {
    page: &'a PageJson,
    scheduled_maintenances: Vec<&'a IncidentJson>,
}

/// Statuspage's page indicator for our overall level.
pub fn indicator(level: Level) -> &'static str {
    match level {
        Level::Operational => "none",
        Level::UnderMaintenance => "maintenance",
        Level::DegradedPerformance => "minor",
        Level::PartialOutage => "major",
        Level::MajorOutage => "critical",
    }
}

/// Statuspage has no "cancelled": a cancelled window is reported as completed (with an
/// update saying it was cancelled), so clients drop it from upcoming and active lists.
pub fn maintenance_api_status(s: MaintenanceStatus) -> &'static str {
    match s {
        MaintenanceStatus::Scheduled => "scheduled",
        MaintenanceStatus::InProgress => "in_progress",
        MaintenanceStatus::Completed | MaintenanceStatus::Cancelled => "completed",
    }
}

/// Resolved incidents with a written post-mortem (more than headings and comments) are
/// in Statuspage's `postmortem` state.
pub fn incident_api_status(i: &Incident, status: UpdateStatus) -> &'static str {
    match status {
        UpdateStatus::Resolved if !crate::render::markdown::is_blank(&i.body) => "postmortem",
        s => s.as_str(),
    }
}

/// The newest instant, up to `now`, at which something visible on the page changed:
/// an incident's start, detection, update or resolution, a window's start or end.
fn newest_change<'a>(
    incidents: impl Iterator<Item = &'a Incident>,
    maintenance: impl Iterator<Item = &'a Maintenance>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let mut newest: Option<DateTime<Utc>> = None;
    let mut see = |t: DateTime<Utc>| {
        if t <= now && newest.is_none_or(|n| t > n) {
            newest = Some(t);
        }
    };
    for i in incidents {
        see(i.started);
        see(i.detected);
        if let Some(r) = i.resolved {
            see(r);
        }
        for u in &i.updates {
            see(u.at);
        }
    }
    for m in maintenance {
        see(m.starts);
        for u in &m.updates {
            see(u.at);
        }
        if maintenance_status(m, now) != MaintenanceStatus::Cancelled {
            see(m.ends);
        }
    }
    newest
}

struct Api<'a> {
    site: &'a Site,
    /// Levels and statuses the build derived once (owned when the API is built alone,
    /// for notifications).
    derived: Cow<'a, Derived>,
    urls: Urls,
    tz: Tz,
    now: DateTime<Utc>,
    page: PageJson,
    components: Vec<ComponentJson>,
}

impl<'a> Api<'a> {
    fn new(site: &'a Site, derived: Cow<'a, Derived>) -> Api<'a> {
        let now = derived.now;
        let tz = site.config.timezone;
        let urls = Urls::new(&site.config.base_url);
        let page_id = stable_id("page", urls.base());
        let updated =
            newest_change(site.incidents.iter(), site.maintenance.iter(), now).unwrap_or(now);
        let page = PageJson {
            id: page_id,
            name: text(&site.config.title),
            url: urls.base().to_string(),
            time_zone: tz.name().to_string(),
            updated_at: iso_local(updated, tz),
        };
        let mut api = Api {
            site,
            derived,
            urls,
            tz,
            now,
            page,
            components: Vec::new(),
        };
        api.components = api.build_components();
        api
    }

    fn ts(&self, t: DateTime<Utc>) -> String {
        iso_local(t, self.tz)
    }

    /// Components in config order, each group listed where its first member appears,
    /// followed by all its members; positions are 1-based in that order.
    fn build_components(&self) -> Vec<ComponentJson> {
        let site = self.site;
        let now = self.now;
        let earliest = site
            .incidents
            .iter()
            .map(|i| i.started)
            .chain(site.maintenance.iter().map(|m| m.starts))
            .min()
            .unwrap_or(now);
        let mut configured: Vec<_> = site.config.components.iter().collect();
        configured.sort_by_key(|c| c.position);

        let leaf = |c: &crate::site::Component| -> (Level, DateTime<Utc>, DateTime<Utc>) {
            let level = self.derived.level(&c.id);
            let created = c.since.map(|d| day_start(self.tz, d)).unwrap_or(earliest);
            let updated = newest_change(
                site.incidents.iter().filter(|i| i.affects(&c.id)),
                site.maintenance
                    .iter()
                    .filter(|m| m.components.contains(&c.id)),
                now,
            )
            .unwrap_or(created)
            .max(created);
            (level, created, updated)
        };

        let mut out: Vec<ComponentJson> = Vec::new();
        let mut groups_done: Vec<&str> = Vec::new();
        let push_leaf =
            |out: &mut Vec<ComponentJson>, c: &crate::site::Component, group_id: Option<String>| {
                let (level, created, updated) = leaf(c);
                out.push(ComponentJson {
                    id: stable_id("component", &c.id),
                    name: text(&c.name),
                    status: level.as_str(),
                    created_at: self.ts(created),
                    updated_at: self.ts(updated),
                    position: out.len() + 1,
                    description: c.description.as_deref().map(text),
                    showcase: true,
                    start_date: c.since.map(|d| d.format("%Y-%m-%d").to_string()),
                    group_id,
                    page_id: self.page.id.clone(),
                    group: false,
                    only_show_if_degraded: false,
                    components: None,
                });
                (level, created, updated)
            };
        for c in &configured {
            match &c.group {
                None => {
                    push_leaf(&mut out, c, None);
                }
                Some(g) if groups_done.contains(&g.as_str()) => {}
                Some(g) => {
                    groups_done.push(g);
                    let group_id = stable_id("group", g);
                    let slot = out.len();
                    out.push(ComponentJson {
                        id: group_id.clone(),
                        name: text(g),
                        status: Level::Operational.as_str(),
                        created_at: String::new(),
                        updated_at: String::new(),
                        position: slot + 1,
                        description: None,
                        showcase: false,
                        start_date: None,
                        group_id: None,
                        page_id: self.page.id.clone(),
                        group: true,
                        only_show_if_degraded: false,
                        components: Some(Vec::new()),
                    });
                    let mut levels = Vec::new();
                    let mut created = Vec::new();
                    let mut updated = Vec::new();
                    let mut children = Vec::new();
                    for member in configured
                        .iter()
                        .filter(|m| m.group.as_deref() == Some(g.as_str()))
                    {
                        let (l, c, u) = push_leaf(&mut out, member, Some(group_id.clone()));
                        levels.push(l);
                        created.push(c);
                        updated.push(u);
                        children.push(stable_id("component", &member.id));
                    }
                    let group = &mut out[slot];
                    group.status = overall_level(levels).as_str();
                    group.created_at = self.ts(created.into_iter().min().unwrap_or(earliest));
                    group.updated_at = self.ts(updated.into_iter().max().unwrap_or(earliest));
                    group.components = Some(children);
                }
            }
        }
        out
    }

    fn component_json(&self, id: &str) -> Option<ComponentJson> {
        let key = stable_id("component", id);
        self.components.iter().find(|c| c.id == key).cloned()
    }

    fn component_name(&self, id: &str) -> String {
        self.site
            .component(id)
            .map(|c| text(&c.name))
            .unwrap_or_else(|| id.to_string())
    }

    fn incident(&self, i: &Incident) -> IncidentJson {
        let id = stable_id("incident", &i.slug);
        let first = i.updates.iter().map(|u| u.at).min();
        let created = first.map_or(i.detected, |f| f.min(i.detected));
        let affected = |to_operational: bool| -> Vec<AffectedComponentJson> {
            i.components
                .iter()
                .map(|a| {
                    let (old, new) = if to_operational {
                        (a.level, Level::Operational)
                    } else {
                        (Level::Operational, a.level)
                    };
                    AffectedComponentJson {
                        code: stable_id("component", &a.id),
                        name: self.component_name(&a.id),
                        old_status: old.as_str(),
                        new_status: new.as_str(),
                    }
                })
                .collect()
        };
        // Keys already used, so two updates with the same time and status still differ.
        let mut seen: std::collections::HashMap<String, usize> = Default::default();
        let mut updates: Vec<IncidentUpdateJson> = i
            .updates
            .iter()
            .enumerate()
            .map(|(n, u)| {
                let base = format!("{}\n{}\n{}", i.slug, u.at.to_rfc3339(), u.status.as_str());
                let count = seen.entry(base.clone()).or_insert(0);
                let dup = *count;
                *count += 1;
                let at = self.ts(u.at);
                let changes = if u.status == UpdateStatus::Resolved {
                    Some(affected(true))
                } else if n == 0 {
                    Some(affected(false))
                } else {
                    None
                };
                IncidentUpdateJson {
                    id: stable_id("incident_update", &format!("{base}\n{dup}")),
                    status: u.status.as_str(),
                    body: text(&u.message),
                    incident_id: id.clone(),
                    created_at: at.clone(),
                    updated_at: at.clone(),
                    display_at: at,
                    affected_components: changes,
                }
            })
            .collect();
        updates.reverse();
        IncidentJson {
            id: id.clone(),
            name: text(&i.title),
            status: incident_api_status(i, self.derived.incident_status(&i.slug)),
            created_at: self.ts(created),
            updated_at: self.ts(incident_updated(i, self.now)),
            monitoring_at: i
                .updates
                .iter()
                .find(|u| u.status == UpdateStatus::Monitoring)
                .map(|u| self.ts(u.at)),
            resolved_at: i.resolved.filter(|r| *r <= self.now).map(|r| self.ts(r)),
            impact: i.impact.as_str(),
            shortlink: self.urls.absolute(&format!("incidents/{}/", i.slug)),
            started_at: self.ts(i.started),
            page_id: self.page.id.clone(),
            incident_updates: updates,
            components: i
                .components
                .iter()
                .filter_map(|a| self.component_json(&a.id))
                .collect(),
            scheduled_for: None,
            scheduled_until: None,
        }
    }

    fn maintenance(&self, m: &Maintenance) -> IncidentJson {
        let id = stable_id("scheduled_maintenance", &m.slug);
        let status = maintenance_status(m, self.now);
        // A window completed with an update ends at that update, else at its end time.
        let finished_at = m
            .updates
            .iter()
            .rev()
            .find(|u| u.status == MaintenanceStatus::Completed)
            .map(|u| u.at)
            .unwrap_or(if self.now >= m.ends { m.ends } else { m.starts });
        let affected = |old: Level, new: Level| -> Option<Vec<AffectedComponentJson>> {
            Some(
                m.components
                    .iter()
                    .map(|c| AffectedComponentJson {
                        code: stable_id("component", c),
                        name: self.component_name(c),
                        old_status: old.as_str(),
                        new_status: new.as_str(),
                    })
                    .collect(),
            )
        };
        let mut body = markdown_to_plain(&m.body);
        if body.is_empty() {
            body = text(&m.title);
        }
        // Oldest first; reversed below. Our files hold no update log for maintenance, so
        // the updates are the state changes the window has gone through by `now`.
        let mut steps: Vec<(&'static str, DateTime<Utc>, String, _)> =
            vec![("scheduled", m.starts, body, None)];
        match status {
            MaintenanceStatus::Scheduled => {}
            MaintenanceStatus::InProgress => steps.push((
                "in_progress",
                m.starts,
                "Scheduled maintenance is currently in progress.".to_string(),
                affected(Level::Operational, Level::UnderMaintenance),
            )),
            MaintenanceStatus::Completed => {
                steps.push((
                    "in_progress",
                    m.starts,
                    "Scheduled maintenance is currently in progress.".to_string(),
                    affected(Level::Operational, Level::UnderMaintenance),
                ));
                steps.push((
                    "completed",
                    finished_at,
                    "The scheduled maintenance has been completed.".to_string(),
                    affected(Level::UnderMaintenance, Level::Operational),
                ));
            }
            MaintenanceStatus::Cancelled => steps.push((
                "completed",
                m.starts,
                "This scheduled maintenance has been cancelled.".to_string(),
                None,
            )),
        }
        // Updates posted to the window (`statusgen update`) replace the derived ones.
        if !m.updates.is_empty() {
            steps.truncate(1);
            for u in &m.updates {
                let changes = match u.status {
                    MaintenanceStatus::InProgress => {
                        affected(Level::Operational, Level::UnderMaintenance)
                    }
                    MaintenanceStatus::Completed => {
                        affected(Level::UnderMaintenance, Level::Operational)
                    }
                    _ => None,
                };
                steps.push((
                    maintenance_api_status(u.status),
                    u.at,
                    text(&u.message),
                    changes,
                ));
            }
        }
        let updated = steps.last().map_or(m.starts, |s| s.1);
        let updates: Vec<IncidentUpdateJson> = steps
            .into_iter()
            .enumerate()
            .rev()
            .map(|(n, (st, at, body, changes))| {
                let at_s = self.ts(at);
                // Derived steps have one of each status; posted ones are told apart by position.
                let key = if m.updates.is_empty() || n == 0 {
                    format!("{}\n{st}", m.slug)
                } else {
                    format!("{}\n{st}\n{n}", m.slug)
                };
                IncidentUpdateJson {
                    id: stable_id("scheduled_maintenance_update", &key),
                    status: st,
                    body,
                    incident_id: id.clone(),
                    created_at: at_s.clone(),
                    updated_at: at_s.clone(),
                    display_at: at_s,
                    affected_components: changes,
                }
            })
            .collect();
        IncidentJson {
            id: id.clone(),
            name: text(&m.title),
            status: maintenance_api_status(status),
            created_at: self.ts(m.starts),
            updated_at: self.ts(updated),
            monitoring_at: None,
            resolved_at: (status == MaintenanceStatus::Completed).then(|| self.ts(finished_at)),
            impact: "maintenance",
            shortlink: self.urls.absolute(&format!("maintenance/{}/", m.slug)),
            started_at: self.ts(m.starts),
            page_id: self.page.id.clone(),
            incident_updates: updates,
            components: m
                .components
                .iter()
                .filter_map(|c| self.component_json(c))
                .collect(),
            scheduled_for: Some(self.ts(m.starts)),
            scheduled_until: Some(self.ts(m.ends)),
        }
    }

    fn status(&self) -> StatusJson {
        let level = self.derived.site_level;
        StatusJson {
            indicator: indicator(level),
            description: overall_wording(level),
        }
    }
}

fn json_file(path: &str, value: &impl Serialize) -> Option<OutputFile> {
    Some(OutputFile::new(
        format!("api/v2/{path}"),
        crate::render::json::json_text(value)?,
    ))
}

/// The Statuspage-compatible API under `api/v2/`.
pub fn render_api(site: &Site, derived: &Derived) -> Vec<OutputFile> {
    let now = derived.now;
    let api = Api::new(site, Cow::Borrowed(derived));
    // Only the recent and the unresolved incidents are listed; skip building the rest.
    let incidents: Vec<Option<IncidentJson>> = site
        .incidents
        .iter()
        .enumerate()
        .map(|(n, i)| (n < RECENT || incident_open(i, now)).then(|| api.incident(i)))
        .collect();
    let recent: Vec<&IncidentJson> = incidents.iter().take(RECENT).flatten().collect();
    let unresolved: Vec<&IncidentJson> = site
        .incidents
        .iter()
        .zip(&incidents)
        // Open ones, also those whose start is still to come: never hidden.
        .filter(|(i, _)| incident_open(i, now))
        .filter_map(|(_, j)| j.as_ref())
        .collect();
    let windows: Vec<(MaintenanceStatus, IncidentJson)> = site
        .maintenance
        .iter()
        .map(|m| (maintenance_status(m, now), api.maintenance(m)))
        .collect();
    let with = |wanted: &[MaintenanceStatus]| -> Vec<&IncidentJson> {
        windows
            .iter()
            .filter(|(s, _)| wanted.contains(s))
            .map(|(_, j)| j)
            .collect()
    };
    let upcoming = with(&[MaintenanceStatus::Scheduled]);
    let active = with(&[MaintenanceStatus::InProgress]);
    let status = api.status();
    let page = &api.page;
    let components = &api.components[..];

    [
        json_file(
            "summary.json",
            &SummaryFile {
                page,
                components,
                incidents: unresolved.clone(),
                scheduled_maintenances: with(&[
                    MaintenanceStatus::InProgress,
                    MaintenanceStatus::Scheduled,
                ]),
                status: &status,
            },
        ),
        json_file(
            "status.json",
            &StatusFile {
                page,
                status: &status,
            },
        ),
        json_file("components.json", &ComponentsFile { page, components }),
        json_file(
            "incidents.json",
            &IncidentsFile {
                page,
                incidents: recent,
            },
        ),
        json_file(
            "incidents/unresolved.json",
            &IncidentsFile {
                page,
                incidents: unresolved,
            },
        ),
        json_file(
            "scheduled-maintenances.json",
            &MaintenancesFile {
                page,
                scheduled_maintenances: windows.iter().take(RECENT).map(|(_, j)| j).collect(),
            },
        ),
        json_file(
            "scheduled-maintenances/upcoming.json",
            &MaintenancesFile {
                page,
                scheduled_maintenances: upcoming,
            },
        ),
        json_file(
            "scheduled-maintenances/active.json",
            &MaintenancesFile {
                page,
                scheduled_maintenances: active,
            },
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The API's objects one at a time, for `statusgen notify`'s webhook documents, so a
/// webhook carries exactly what `api/v2/*.json` says about the same incident.
pub struct ApiView<'a>(Api<'a>);

impl<'a> ApiView<'a> {
    /// The API as of `now`, deriving levels and statuses itself (the build shares its
    /// own [`Derived`] instead, through [`render_api`]).
    pub fn new(site: &'a Site, now: DateTime<Utc>) -> ApiView<'a> {
        ApiView(Api::new(site, Cow::Owned(Derived::new(site, now))))
    }
    pub fn page(&self) -> &PageJson {
        &self.0.page
    }
    pub fn status(&self) -> StatusJson {
        self.0.status()
    }
    pub fn incident(&self, i: &Incident) -> IncidentJson {
        self.0.incident(i)
    }
    pub fn maintenance(&self, m: &Maintenance) -> IncidentJson {
        self.0.maintenance(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::feeds::tests::{site, t};
    use serde_json::Value;

    fn parse(files: &[OutputFile], path: &str) -> Value {
        let f = files
            .iter()
            .find(|f| f.path == format!("api/v2/{path}"))
            .expect(path);
        serde_json::from_slice(&f.bytes).unwrap()
    }

    fn keys(v: &Value) -> Vec<&str> {
        v.as_object().unwrap().keys().map(String::as_str).collect()
    }

    #[test]
    fn ids_are_stable_and_shaped() {
        let a = stable_id("incident", "auth-outage");
        assert_eq!(a, stable_id("incident", "auth-outage"));
        assert_ne!(a, stable_id("scheduled_maintenance", "auth-outage"));
        assert_eq!(a.len(), 12);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
        );
        // Pinned so a change of hash is a visible, deliberate break of client ids.
        assert_eq!(stable_id("", ""), stable_id("", ""));
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn all_files_with_page() {
        let files = render_api(&site(), &Derived::new(&site(), t(15, 9, 0)));
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "api/v2/summary.json",
                "api/v2/status.json",
                "api/v2/components.json",
                "api/v2/incidents.json",
                "api/v2/incidents/unresolved.json",
                "api/v2/scheduled-maintenances.json",
                "api/v2/scheduled-maintenances/upcoming.json",
                "api/v2/scheduled-maintenances/active.json",
            ]
        );
        for f in &files {
            let v: Value = serde_json::from_slice(&f.bytes).unwrap();
            let page = &v["page"];
            assert_eq!(keys(page), ["id", "name", "url", "time_zone", "updated_at"]);
            assert_eq!(page["name"], "Acme & Co Status");
            assert_eq!(page["url"], "https://acme.github.io/status/");
            assert_eq!(page["time_zone"], "Europe/Berlin");
            // Newest change before now: the api-slow incident's start.
            assert_eq!(page["updated_at"], "2026-03-15T09:00:00.000+01:00");
        }
    }

    #[test]
    fn summary_shape() {
        let files = render_api(&site(), &Derived::new(&site(), t(15, 9, 0)));
        let s = parse(&files, "summary.json");
        assert_eq!(
            keys(&s),
            [
                "page",
                "components",
                "incidents",
                "scheduled_maintenances",
                "status"
            ]
        );
        assert_eq!(s["status"]["indicator"], "minor");
        assert_eq!(s["status"]["description"], "Degraded performance");
        let comps = s["components"].as_array().unwrap();
        let names: Vec<&str> = comps.iter().map(|c| c["name"].as_str().unwrap()).collect();
        assert_eq!(
            names,
            ["Core", "Public API", "Authentication API", "Website"]
        );
        assert_eq!(
            keys(&comps[1]),
            [
                "id",
                "name",
                "status",
                "created_at",
                "updated_at",
                "position",
                "description",
                "showcase",
                "start_date",
                "group_id",
                "page_id",
                "group",
                "only_show_if_degraded"
            ]
        );
        assert_eq!(comps[0]["group"], true);
        assert_eq!(comps[0]["status"], "degraded_performance");
        assert_eq!(
            comps[0]["components"],
            serde_json::json!([comps[1]["id"], comps[2]["id"]])
        );
        assert_eq!(comps[1]["group_id"], comps[0]["id"]);
        assert_eq!(comps[1]["status"], "degraded_performance");
        assert_eq!(comps[3]["group_id"], Value::Null);
        assert_eq!(comps[3]["position"], 4);
        let incidents = s["incidents"].as_array().unwrap();
        assert_eq!(incidents.len(), 1);
        assert_eq!(incidents[0]["name"], "API slow");
        assert_eq!(incidents[0]["status"], "investigating");
        assert_eq!(s["scheduled_maintenances"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn incident_shape() {
        let files = render_api(&site(), &Derived::new(&site(), t(16, 0, 0)));
        let all = parse(&files, "incidents.json");
        let inc = &all["incidents"][1];
        assert_eq!(
            keys(inc),
            [
                "id",
                "name",
                "status",
                "created_at",
                "updated_at",
                "monitoring_at",
                "resolved_at",
                "impact",
                "shortlink",
                "started_at",
                "page_id",
                "incident_updates",
                "components"
            ]
        );
        assert_eq!(inc["status"], "postmortem");
        // Control characters are dropped, markup is left to JSON escaping.
        assert_eq!(inc["name"], "Auth <b>&</b> \"login\" 😀 认证");
        assert_eq!(
            inc["incident_updates"][0]["body"],
            "Fixed <script>alert(1)</script> & done."
        );
        assert_eq!(inc["impact"], "major");
        assert_eq!(inc["resolved_at"], "2026-03-14T11:06:00.000+01:00");
        assert_eq!(
            inc["shortlink"],
            "https://acme.github.io/status/incidents/auth-outage/"
        );
        let ups = inc["incident_updates"].as_array().unwrap();
        assert_eq!(ups[0]["status"], "resolved");
        assert_eq!(ups[1]["status"], "investigating");
        assert_eq!(
            keys(&ups[0]),
            [
                "id",
                "status",
                "body",
                "incident_id",
                "created_at",
                "updated_at",
                "display_at",
                "affected_components"
            ]
        );
        assert_eq!(ups[0]["incident_id"], inc["id"]);
        assert_eq!(
            ups[0]["affected_components"][0]["old_status"],
            "major_outage"
        );
        assert_eq!(
            ups[0]["affected_components"][0]["new_status"],
            "operational"
        );
        assert_eq!(
            ups[1]["affected_components"][0]["new_status"],
            "major_outage"
        );
        assert_eq!(inc["components"][0]["name"], "Authentication API");
        let unresolved = parse(&files, "incidents/unresolved.json");
        assert_eq!(unresolved["incidents"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn maintenance_lists_follow_now() {
        let mut s = site();
        let before = render_api(&s, &Derived::new(&s, t(16, 0, 0)));
        let all = parse(&before, "scheduled-maintenances.json");
        let m = &all["scheduled_maintenances"][0];
        assert_eq!(m["status"], "scheduled");
        assert_eq!(m["impact"], "maintenance");
        assert_eq!(m["scheduled_for"], "2026-03-20T03:00:00.000+01:00");
        assert_eq!(m["scheduled_until"], "2026-03-20T05:00:00.000+01:00");
        assert_eq!(m["incident_updates"][0]["body"], "We upgrade things.");
        assert_eq!(
            parse(&before, "scheduled-maintenances/upcoming.json")["scheduled_maintenances"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        let during = render_api(&s, &Derived::new(&s, t(20, 3, 0)));
        let active = parse(&during, "scheduled-maintenances/active.json");
        assert_eq!(active["scheduled_maintenances"][0]["status"], "in_progress");
        let after = render_api(&s, &Derived::new(&s, t(21, 0, 0)));
        let m = &parse(&after, "scheduled-maintenances.json")["scheduled_maintenances"][0];
        assert_eq!(m["status"], "completed");
        assert_eq!(m["resolved_at"], "2026-03-20T05:00:00.000+01:00");
        assert_eq!(m["incident_updates"].as_array().unwrap().len(), 3);

        s.maintenance[0].status = Some(MaintenanceStatus::Cancelled);
        let cancelled = render_api(&s, &Derived::new(&s, t(16, 0, 0)));
        let m = &parse(&cancelled, "scheduled-maintenances.json")["scheduled_maintenances"][0];
        assert_eq!(m["status"], "completed");
        assert_eq!(m["resolved_at"], Value::Null);
        assert!(
            parse(&cancelled, "summary.json")["scheduled_maintenances"]
                .as_array()
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn posted_maintenance_updates_replace_the_derived_ones() {
        let mut s = site();
        let m = &mut s.maintenance[0];
        m.status = Some(MaintenanceStatus::Completed);
        for (status, at, message) in [
            (MaintenanceStatus::InProgress, t(20, 2, 0), "Started."),
            (MaintenanceStatus::InProgress, t(20, 2, 30), "Half way."),
            (MaintenanceStatus::Completed, t(20, 3, 10), "Done early."),
        ] {
            m.updates.push(crate::site::MaintenanceUpdate {
                at,
                status,
                message: message.into(),
                line: 1,
            });
        }
        let files = render_api(&s, &Derived::new(&s, t(20, 3, 30)));
        let m = &parse(&files, "scheduled-maintenances.json")["scheduled_maintenances"][0];
        assert_eq!(m["status"], "completed");
        assert_eq!(m["resolved_at"], "2026-03-20T04:10:00.000+01:00");
        let ups = m["incident_updates"].as_array().unwrap();
        let bodies: Vec<&str> = ups.iter().map(|u| u["body"].as_str().unwrap()).collect();
        assert_eq!(
            bodies,
            ["Done early.", "Half way.", "Started.", "We upgrade things."]
        );
        assert_ne!(ups[1]["id"], ups[2]["id"]);
        assert_eq!(
            ups[0]["affected_components"][0]["new_status"],
            "operational"
        );
        assert_eq!(
            parse(&files, "status.json")["page"]["updated_at"],
            "2026-03-20T04:10:00.000+01:00"
        );
    }

    #[test]
    fn empty_site_is_operational() {
        let mut s = site();
        s.incidents.clear();
        s.maintenance.clear();
        let files = render_api(&s, &Derived::new(&s, t(16, 0, 0)));
        let st = parse(&files, "status.json");
        assert_eq!(st["status"]["indicator"], "none");
        assert_eq!(st["status"]["description"], "All systems operational");
        assert_eq!(st["page"]["updated_at"], "2026-03-16T01:00:00.000+01:00");
    }
}
