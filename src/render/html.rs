//! The HTML pages: status (index), incidents, history, maintenance and 404; the uptime
//! and component pages live in `uptime_pages`.
//!
//! Every page gets a context built here in Rust: times already formatted in the
//! site timezone, every URL already built with [`Urls`], levels already worded.
//! Templates only lay things out, so a site's override cannot get the logic wrong.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use rayon::prelude::*;
use serde::Serialize;

use crate::diag::Diagnostic;
use crate::model::level::Level;
use crate::model::metrics::Metrics;
use crate::model::status;
use crate::model::uptime::ComponentFigures;
use crate::render::compiled::CompiledPage;
use crate::render::markdown::{Heading, render_markdown};
use crate::render::theme::Theme;
use crate::render::uptime_pages::{self, Spans};
use crate::render::urls::Urls;
use crate::render::{OutputFile, Sink};
use crate::site::{Incident, Maintenance, Site, Update};

/// Incidents per history page.
pub const HISTORY_PER_PAGE: usize = 50;
/// Resolved incidents listed on the status page.
const RECENT_ON_INDEX: usize = 10;

/// A time as pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct TimeCtx {
    /// "14 Mar 2026, 10:36 CET (UTC+01:00)"
    pub display: String,
    /// RFC 3339 in UTC, for `<time datetime>`.
    pub datetime: String,
}

/// A calendar date (action due dates).
#[derive(Debug, Clone, Serialize)]
pub struct DateCtx {
    /// "10 Apr 2026"
    pub display: String,
    /// "2026-04-10"
    pub datetime: String,
}

/// Site-wide values every template sees as `site`.
#[derive(Debug, Clone, Serialize)]
pub struct SiteCtx {
    pub title: String,
    pub description: String,
    pub language: String,
    pub timezone: String,
    pub base_url: String,
    pub base_path: String,
    pub home_url: String,
    pub history_url: String,
    pub uptime_url: String,
    pub rss_url: String,
    pub atom_url: String,
    pub ics_url: String,
    pub css_url: String,
    pub favicon_url: String,
    /// When the page was built ("now").
    pub generated: TimeCtx,
}

#[derive(Debug, Clone, Serialize)]
pub struct LevelCtx {
    /// `major_outage`: for CSS classes.
    pub key: &'static str,
    pub label: &'static str,
}

impl From<Level> for LevelCtx {
    fn from(l: Level) -> LevelCtx {
        LevelCtx {
            key: l.as_str(),
            label: l.label(),
        }
    }
}

/// The uptime bar and 90-day figure of a component row (see `uptime_pages`).
#[derive(Debug, Clone, Serialize)]
pub struct UptimeRow {
    /// "99.972%"; `None` when the window has no length yet (no made-up 100 %).
    pub percent: Option<String>,
    /// What the figure covers: "last 90 days", or "since 3 Mar 2026".
    pub period: String,
    /// Marks in the bar (`[uptime].days`).
    pub window_days: u32,
    #[serde(skip)]
    pub days: Vec<UptimeDay>,
    /// The marks' `<li>` items, rendered once in Rust (see [`marks_items`]).
    pub items: String,
}

/// The `<li>` items of a day bar or calendar: one per day, its text shown as a tooltip
/// on hover or focus and read by screen readers; days with incidents link to the first.
/// Rendered here rather than in a template loop because a long history has tens of
/// thousands of marks and this is the hot spot of the uptime page.
pub fn marks_items(days: &[UptimeDay]) -> String {
    use crate::render::xml::html_escape;
    let mut out = String::with_capacity(days.len() * 64);
    for d in days {
        out.push_str("<li class=\"d-");
        out.push_str(&html_escape(&d.level));
        out.push_str("\">");
        match &d.url {
            Some(url) => {
                out.push_str("<a href=\"");
                out.push_str(&html_escape(url));
                out.push_str("\"><span class=\"t\">");
                out.push_str(&html_escape(&d.label));
                out.push_str("</span></a>");
            }
            None => {
                out.push_str("<span class=\"t\">");
                out.push_str(&html_escape(&d.label));
                out.push_str("</span>");
            }
        }
        out.push_str("</li>");
    }
    out
}

#[derive(Debug, Clone, Serialize)]
pub struct UptimeDay {
    pub date: DateCtx,
    /// CSS class suffix: `ok`, `minor`, `partial`, `major`, `none` (no data).
    pub level: String,
    /// Accessible name and tooltip, e.g.
    /// "2 Mar 2026: 97.916% available, 30 min down. Incident: Authentication API outage".
    pub label: String,
    /// The first incident of the day, when there is one.
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComponentRow {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub level: LevelCtx,
    pub url: String,
    pub uptime: Option<UptimeRow>,
}

/// Components shown together: a config group, or a run of ungrouped components (`name` None).
#[derive(Debug, Clone, Serialize)]
pub struct ComponentSection {
    pub name: Option<String>,
    pub components: Vec<ComponentRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AffectedCtx {
    pub id: String,
    pub name: String,
    pub url: String,
    pub level: LevelCtx,
}

#[derive(Debug, Clone, Serialize)]
pub struct UpdateCtx {
    pub status: &'static str,
    pub status_label: &'static str,
    pub at: TimeCtx,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentCard {
    pub slug: String,
    pub title: String,
    pub url: String,
    pub impact: &'static str,
    pub impact_label: &'static str,
    pub severity: Option<String>,
    pub started: TimeCtx,
    pub resolved: Option<TimeCtx>,
    pub ongoing: bool,
    /// Unresolved with a `started` after "now" (usually a wrong UTC offset): listed with
    /// the active incidents, its start time shown as given.
    pub upcoming: bool,
    /// "30 min"; for an ongoing incident, so far.
    pub duration: String,
    pub components: Vec<AffectedCtx>,
    pub latest_update: Option<UpdateCtx>,
    pub draft: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct NamedLink {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MaintenanceCard {
    pub slug: String,
    pub title: String,
    pub url: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub starts: TimeCtx,
    pub ends: TimeCtx,
    pub duration: String,
    pub components: Vec<NamedLink>,
    pub draft: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Banner {
    pub level: LevelCtx,
    pub wording: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexPage {
    pub title: String,
    pub canonical: String,
    pub nav: &'static str,
    pub draft: bool,
    pub banner: Banner,
    pub sections: Vec<ComponentSection>,
    pub active_incidents: Vec<Arc<IncidentCard>>,
    pub maintenance_active: Vec<MaintenanceCard>,
    pub maintenance_upcoming: Vec<MaintenanceCard>,
    pub recent_incidents: Vec<Arc<IncidentCard>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionCtx {
    pub what: String,
    pub owner: Option<String>,
    pub due: Option<DateCtx>,
    pub status: &'static str,
    pub status_label: &'static str,
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentPage {
    pub title: String,
    pub canonical: String,
    pub nav: &'static str,
    pub draft: bool,
    pub incident: Arc<IncidentCard>,
    pub template: &'static str,
    pub detected: TimeCtx,
    pub time_to_detect: String,
    pub time_to_resolve: Option<String>,
    /// Newest first.
    pub updates: Vec<UpdateCtx>,
    /// Sanitised post-mortem HTML; empty when none is written yet.
    pub postmortem: String,
    /// For `{% if %}`: testing the HTML string itself makes Tera escape all of it.
    pub has_postmortem: bool,
    /// Top-level post-mortem sections, for the contents list.
    pub contents: Vec<Heading>,
    pub actions: Vec<ActionCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthGroup {
    /// "March 2026"
    pub label: String,
    /// "2026-03"
    pub key: String,
    pub incidents: Vec<Arc<IncidentCard>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryPage {
    pub title: String,
    pub canonical: String,
    pub nav: &'static str,
    pub draft: bool,
    pub months: Vec<MonthGroup>,
    pub total_incidents: usize,
    pub page_number: usize,
    pub total_pages: usize,
    /// Newer incidents.
    pub prev_url: Option<String>,
    /// Older incidents.
    pub next_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MaintenancePage {
    pub title: String,
    pub canonical: String,
    pub nav: &'static str,
    pub draft: bool,
    pub maintenance: MaintenanceCard,
    /// The window's `[[updates]]`, newest first (as on incident pages).
    pub updates: Vec<UpdateCtx>,
    pub body: String,
    /// For `{% if %}` (see `IncidentPage::has_postmortem`).
    pub has_body: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct NotFoundPage {
    pub title: String,
    /// Empty: a 404 is served at any path and must not claim one.
    pub canonical: String,
    pub nav: &'static str,
    pub draft: bool,
}

/// Turns instants into what pages show, in the site timezone.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub tz: Tz,
}

impl Clock {
    pub fn time(&self, t: DateTime<Utc>) -> TimeCtx {
        let display = crate::render::xml::local_time(t, self.tz);
        TimeCtx {
            display,
            datetime: t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }

    pub fn date(&self, d: NaiveDate) -> DateCtx {
        DateCtx {
            display: crate::render::xml::local_date(d),
            datetime: d.to_string(),
        }
    }

    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.tz).date_naive()
    }
}

/// Builds the shared parts of every page context. Other renderers (uptime,
/// component pages) use it too, so every page has the same header and links.
pub struct PageKit<'a> {
    pub site: &'a Site,
    pub urls: Urls,
    pub clock: Clock,
    pub now: DateTime<Utc>,
    pub site_ctx: SiteCtx,
    /// Pages of earlier builds, and the hash of what every page shares (config, theme, now).
    cache: Option<(&'a PageCache, u64)>,
    /// Every incident's card by slug, built once: an incident is listed on its own page,
    /// a history page and each of its components' pages.
    cards: HashMap<&'a str, Arc<IncidentCard>>,
}

impl<'a> PageKit<'a> {
    pub fn new(site: &'a Site, now: DateTime<Utc>, theme: &Theme) -> PageKit<'a> {
        let urls = Urls::new(&site.config.base_url);
        let clock = Clock {
            tz: site.config.timezone,
        };
        let css_url = match theme.asset_version("style.css") {
            Some(v) => format!("{}?v={v}", urls.path("style.css")),
            None => urls.path("style.css"),
        };
        let site_ctx = SiteCtx {
            title: site.config.title.clone(),
            description: site.config.description.clone(),
            language: site.config.language.clone(),
            timezone: site.config.timezone.name().to_string(),
            base_url: urls.base().to_string(),
            base_path: urls.base_path().to_string(),
            home_url: urls.path(""),
            history_url: urls.path("history/"),
            uptime_url: urls.path("uptime/"),
            rss_url: urls.path("feed.xml"),
            atom_url: urls.path("atom.xml"),
            ics_url: urls.path("maintenance.ics"),
            css_url,
            favicon_url: urls.path("favicon.svg"),
            generated: clock.time(now),
        };
        PageKit {
            site,
            urls,
            clock,
            now,
            site_ctx,
            cache: None,
            cards: HashMap::new(),
        }
    }

    pub fn page_title(&self, title: &str) -> String {
        format!("{title} · {}", self.site.config.title)
    }

    fn component_name(&self, id: &str) -> String {
        self.site
            .component(id)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| id.to_string())
    }

    pub fn update(&self, u: &Update) -> UpdateCtx {
        UpdateCtx {
            status: u.status.as_str(),
            status_label: u.status.label(),
            at: self.clock.time(u.at),
            message: u.message.clone(),
        }
    }

    /// The card of an incident, as lists and its page show it.
    pub fn incident_card(&self, i: &Incident) -> Arc<IncidentCard> {
        match self.cards.get(i.slug.as_str()) {
            Some(card) => Arc::clone(card),
            None => Arc::new(self.make_card(i)),
        }
    }

    fn make_card(&self, i: &Incident) -> IncidentCard {
        IncidentCard {
            slug: i.slug.clone(),
            title: i.title.clone(),
            url: self.urls.incident(&i.slug),
            impact: i.impact.as_str(),
            impact_label: i.impact.label(),
            severity: i.severity.clone(),
            started: self.clock.time(i.started),
            // As of "now": a resolution time still to come has not happened yet.
            resolved: status::resolved_at(i, self.now).map(|r| self.clock.time(r)),
            ongoing: status::incident_open(i, self.now),
            upcoming: status::incident_open(i, self.now) && i.started > self.now,
            duration: status::human_duration(status::incident_duration(i, self.now)),
            components: i
                .components
                .iter()
                .map(|a| AffectedCtx {
                    id: a.id.clone(),
                    name: self.component_name(&a.id),
                    url: self.urls.component(&a.id),
                    level: a.level.into(),
                })
                .collect(),
            latest_update: latest(&i.updates).map(|u| self.update(u)),
            draft: i.draft,
        }
    }

    pub fn maintenance_card(&self, m: &Maintenance) -> MaintenanceCard {
        let st = status::maintenance_status(m, self.now);
        MaintenanceCard {
            slug: m.slug.clone(),
            title: m.title.clone(),
            url: self.urls.maintenance(&m.slug),
            status: st.as_str(),
            status_label: st.label(),
            starts: self.clock.time(m.starts),
            ends: self.clock.time(m.ends),
            duration: status::human_duration(m.ends - m.starts),
            components: m
                .components
                .iter()
                .map(|id| NamedLink {
                    name: self.component_name(id),
                    url: self.urls.component(id),
                })
                .collect(),
            draft: m.draft,
        }
    }

    /// Renders a template to an output file, naming the page in any error.
    pub fn render(
        &self,
        theme: &Theme,
        template: &str,
        path: &str,
        page: &(impl Serialize + CompiledPage),
    ) -> Result<OutputFile, Diagnostic> {
        // With a cache, a page rendered with Tera whose context is what it was last build
        // is reused: serialising the context costs far less than rendering the template.
        // A compiled page renders faster than its context serialises: it is not cached.
        let compiled = theme.renders_compiled(template);
        let key = self.cache.filter(|_| !compiled).and_then(|(_, shared)| {
            use std::hash::{Hash, Hasher};
            let ctx = serde_json::to_vec(page).ok()?;
            let mut h = std::hash::DefaultHasher::new();
            (template, ctx).hash(&mut h);
            Some(shared ^ h.finish())
        });
        if let (Some((cache, _)), Some(key)) = (self.cache, key)
            && let Some(file) = PageCache::get(&cache.rendered, path, key)
        {
            return Ok(file);
        }
        let html = if compiled {
            page.render_compiled(&self.site_ctx)
        } else {
            theme.render(template, &self.site_ctx, page)?
        };
        let file = OutputFile::new(path, html);
        if let (Some((cache, _)), Some(key)) = (self.cache, key) {
            PageCache::put(&cache.rendered, path, key, &file);
        }
        Ok(file)
    }
}

/// The newest update (by time; the file order is not trusted).
fn latest(updates: &[Update]) -> Option<&Update> {
    updates
        .iter()
        .enumerate()
        .max_by_key(|(i, u)| (u.at, *i))
        .map(|(_, u)| u)
}

/// Renders every HTML page of the site, sorted by path.
/// `figures` and `metrics` are computed once by the build (`uptime::component_figures`,
/// `metrics::metrics`) and shared with the other renderers.
pub fn render_pages(
    site: &Site,
    now: DateTime<Utc>,
    theme: &Theme,
    figures: &[ComponentFigures],
    metrics: &Metrics,
    cache: Option<&PageCache>,
    sink: Option<&dyn Sink>,
) -> Result<Pages, Vec<Diagnostic>> {
    let cache = cache.map(|c| {
        PageCache::retain(
            &c.incidents,
            &site.incidents.iter().map(|i| i.slug.as_str()).collect(),
        );
        (c, hash_of(&(&site.config, now)) ^ theme.fingerprint())
    });
    let mut kit = PageKit::new(site, now, theme);
    kit.cache = cache;
    let mut incidents: Vec<&Incident> = site.incidents.iter().collect();
    incidents.sort_by(|a, b| b.started.cmp(&a.started).then_with(|| a.slug.cmp(&b.slug)));
    kit.cards = incidents
        .par_iter()
        .map(|i| (i.slug.as_str(), Arc::new(kit.make_card(i))))
        .collect();
    let by_component = uptime_pages::incidents_by_component(&site.config.components, &incidents);
    let spans: BTreeMap<String, Spans> = by_component
        .iter()
        .map(|(id, list)| (id.clone(), Spans::new(list, now)))
        .collect();

    let no_incidents: Vec<&Incident> = Vec::new();
    let empty_spans = Spans::new(&[], now);
    // The site-wide pages and the per-item pages render side by side: the uptime page
    // alone is worth a core for a while on long histories.
    let (results, per_item) = rayon::join(
        || {
            let (mut pages, components) = rayon::join(
                || {
                    vec![
                        index_page(&kit, theme, &incidents, figures, &spans),
                        uptime_pages::uptime_page(&kit, theme, figures, &spans, metrics),
                        not_found_page(&kit, theme),
                    ]
                },
                || {
                    figures
                        .par_iter()
                        .flat_map_iter(|f| {
                            uptime_pages::component_pages(
                                &kit,
                                theme,
                                f,
                                by_component.get(&f.id).unwrap_or(&no_incidents),
                                spans.get(&f.id).unwrap_or(&empty_spans),
                            )
                        })
                        .collect::<Vec<_>>()
                },
            );
            pages.extend(components);
            pages.extend(history_pages(&kit, theme, &incidents));
            pages
        },
        || {
            let maintenance: Vec<Result<OutputFile, Diagnostic>> = site
                .maintenance
                .par_iter()
                .map(|m| maintenance_page(&kit, theme, m))
                .collect();
            // The incident pages are most of the site's bytes: a sink takes each one
            // as soon as it is rendered.
            let incident_pages: Vec<Result<Rendered, Diagnostic>> = incidents
                .par_iter()
                .map(|i| {
                    let file = cached_incident_page(&kit, theme, i, cache)?;
                    Ok(match sink {
                        Some(sink) => {
                            let path = file.path.clone();
                            sink.put(file);
                            Rendered::Sunk(path)
                        }
                        None => Rendered::Kept(file),
                    })
                })
                .collect();
            (maintenance, incident_pages)
        },
    );

    let mut pages = Pages::default();
    let mut diags: Vec<Diagnostic> = Vec::new();
    let (maintenance, incident_pages) = per_item;
    let kept = results.into_iter().chain(maintenance);
    for r in kept.map(|r| r.map(Rendered::Kept)).chain(incident_pages) {
        match r {
            Ok(Rendered::Kept(f)) => pages.files.push(f),
            Ok(Rendered::Sunk(path)) => pages.sunk.push(path),
            // A broken template fails every page that uses it: say it once.
            Err(d) => {
                if !diags.contains(&d) {
                    diags.push(d);
                }
            }
        }
    }
    if !diags.is_empty() {
        crate::diag::sort(&mut diags);
        return Err(diags);
    }
    if let Some((c, _)) = cache {
        PageCache::retain(
            &c.rendered,
            &pages.files.iter().map(|f| f.path.as_str()).collect(),
        );
    }
    pages.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(pages)
}

enum Rendered {
    Kept(OutputFile),
    /// Handed to the sink: only its path is left.
    Sunk(String),
}

/// The rendered pages: those kept in memory, sorted by path, and the paths of those
/// handed to a [`Sink`].
#[derive(Debug, Default)]
pub struct Pages {
    pub files: Vec<OutputFile>,
    pub sunk: Vec<String>,
}

fn index_page(
    kit: &PageKit,
    theme: &Theme,
    incidents: &[&Incident],
    figures: &[ComponentFigures],
    spans: &BTreeMap<String, Spans>,
) -> Result<OutputFile, Diagnostic> {
    let site = kit.site;
    let now = kit.now;
    let level_of = |id: &str| status::component_level(id, &site.incidents, &site.maintenance, now);

    let mut components: Vec<&crate::site::Component> = site.config.components.iter().collect();
    components.sort_by_key(|c| c.position);
    let levels: Vec<Level> = components.iter().map(|c| level_of(&c.id)).collect();
    let overall = status::site_level(levels.iter().copied(), &site.incidents, now);

    // Groups keep the order of their first component; ungrouped components stay
    // where they are in site.toml, consecutive ones sharing an unnamed section.
    let mut sections: Vec<ComponentSection> = Vec::new();
    for (c, level) in components.iter().zip(&levels) {
        let row = ComponentRow {
            id: c.id.clone(),
            name: c.name.clone(),
            description: c.description.clone(),
            level: (*level).into(),
            url: kit.urls.component(&c.id),
            uptime: figures.iter().find(|f| f.id == c.id).and_then(|f| {
                let s = spans.get(&f.id)?;
                Some(uptime_pages::uptime_row(kit, f, s))
            }),
        };
        let existing = match &c.group {
            Some(g) => sections
                .iter_mut()
                .find(|s| s.name.as_deref() == Some(g.as_str())),
            None => sections.last_mut().filter(|s| s.name.is_none()),
        };
        match existing {
            Some(s) => s.components.push(row),
            None => sections.push(ComponentSection {
                name: c.group.clone(),
                components: vec![row],
            }),
        }
    }

    // Open incidents, also those whose start is still to come (shown as upcoming).
    let active_incidents: Vec<Arc<IncidentCard>> = incidents
        .iter()
        .filter(|i| status::incident_open(i, now))
        .map(|i| kit.incident_card(i))
        .collect();
    let recent_incidents: Vec<Arc<IncidentCard>> = incidents
        .iter()
        .filter(|i| !status::incident_open(i, now))
        .take(RECENT_ON_INDEX)
        .map(|i| kit.incident_card(i))
        .collect();

    let mut windows: Vec<&Maintenance> = site.maintenance.iter().collect();
    windows.sort_by(|a, b| a.starts.cmp(&b.starts).then_with(|| a.slug.cmp(&b.slug)));
    let maintenance_active = windows
        .iter()
        .filter(|m| status::maintenance_active(m, now))
        .map(|m| kit.maintenance_card(m))
        .collect();
    let maintenance_upcoming = windows
        .iter()
        .filter(|m| {
            status::maintenance_status(m, now) == crate::model::level::MaintenanceStatus::Scheduled
                && m.ends > now
        })
        .map(|m| kit.maintenance_card(m))
        .collect();

    let page = IndexPage {
        title: site.config.title.clone(),
        canonical: kit.urls.absolute(""),
        nav: "status",
        draft: false,
        banner: Banner {
            level: overall.into(),
            wording: status::overall_wording(overall),
        },
        sections,
        active_incidents,
        maintenance_active,
        maintenance_upcoming,
        recent_incidents,
    };
    kit.render(theme, "index.html", "index.html", &page)
}

fn incident_page(kit: &PageKit, theme: &Theme, i: &Incident) -> Result<OutputFile, Diagnostic> {
    let mut updates: Vec<(usize, &Update)> = i.updates.iter().enumerate().collect();
    updates.sort_by(|(ia, a), (ib, b)| b.at.cmp(&a.at).then(ib.cmp(ia)));
    let body = render_markdown(&i.body);
    let top = body.headings.iter().map(|h| h.level).min().unwrap_or(2);
    let contents = body
        .headings
        .iter()
        .filter(|h| h.level == top)
        .cloned()
        .collect();
    let today = kit.clock.today(kit.now);
    let actions = i
        .actions
        .iter()
        .map(|a| ActionCtx {
            what: a.what.clone(),
            owner: a.owner.clone(),
            due: a.due.map(|d| kit.clock.date(d)),
            status: a.status.as_str(),
            status_label: a.status.label(),
            overdue: !a.status.is_closed() && a.due.is_some_and(|d| d < today),
        })
        .collect();
    let page = IncidentPage {
        title: kit.page_title(&i.title),
        canonical: kit.urls.absolute(&format!("incidents/{}/", i.slug)),
        nav: "history",
        draft: i.draft,
        incident: kit.incident_card(i),
        template: i.template.as_str(),
        detected: kit.clock.time(i.detected),
        time_to_detect: status::human_duration(status::time_to_detect(i)),
        time_to_resolve: status::time_to_resolve(i, kit.now).map(status::human_duration),
        updates: updates.into_iter().map(|(_, u)| kit.update(u)).collect(),
        has_postmortem: !body.html.trim().is_empty(),
        postmortem: body.html,
        contents,
        actions,
    };
    kit.render(
        theme,
        "incident.html",
        &format!("incidents/{}/index.html", i.slug),
        &page,
    )
}

/// Rendered incident pages kept between rebuilds (`statusgen serve`): an incident page
/// depends only on its incident, the configuration, the theme and "now", so a page whose
/// key is unchanged is reused instead of rendered again.
/// Other pages rendered with Tera (overridden templates) are reused when their template
/// context is unchanged.
#[derive(Debug, Default)]
pub struct PageCache {
    /// By incident slug, keyed on the incident itself (so its Markdown is not rendered).
    incidents: PageMap,
    /// By output path, keyed on the page's serialised context.
    rendered: PageMap,
}

type PageMap = std::sync::Mutex<HashMap<String, (u64, OutputFile)>>;

impl PageCache {
    fn get(map: &PageMap, name: &str, key: u64) -> Option<OutputFile> {
        let pages = map.lock().unwrap_or_else(|e| e.into_inner());
        pages
            .get(name)
            .filter(|(k, _)| *k == key)
            .map(|(_, f)| f.clone())
    }

    fn put(map: &PageMap, name: &str, key: u64, file: &OutputFile) {
        let mut pages = map.lock().unwrap_or_else(|e| e.into_inner());
        pages.insert(name.to_string(), (key, file.clone()));
    }

    /// Forgets pages that were not produced by the latest build.
    fn retain(map: &PageMap, keep: &HashSet<&str>) {
        let mut pages = map.lock().unwrap_or_else(|e| e.into_inner());
        pages.retain(|name, _| keep.contains(name.as_str()));
    }
}

/// A hash of a value's `Debug` text, fed to the hasher as it is formatted.
fn hash_of(value: &impl std::fmt::Debug) -> u64 {
    use std::hash::Hasher;
    struct Feed(std::hash::DefaultHasher);
    impl std::fmt::Write for Feed {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.write(s.as_bytes());
            Ok(())
        }
    }
    let mut feed = Feed(std::hash::DefaultHasher::new());
    // Writing into a hasher cannot fail.
    let _ = std::fmt::write(&mut feed, format_args!("{value:?}"));
    feed.0.finish()
}

/// Renders an incident page, or reuses the cached one when nothing it shows changed.
fn cached_incident_page(
    kit: &PageKit,
    theme: &Theme,
    i: &Incident,
    cache: Option<(&PageCache, u64)>,
) -> Result<OutputFile, Diagnostic> {
    let Some((cache, context)) = cache else {
        return incident_page(kit, theme, i);
    };
    let key = context ^ hash_of(i);
    if let Some(file) = PageCache::get(&cache.incidents, &i.slug, key) {
        return Ok(file);
    }
    let file = incident_page(kit, theme, i)?;
    PageCache::put(&cache.incidents, &i.slug, key, &file);
    Ok(file)
}

/// Site path of history page `n` (1-based).
pub fn history_path(n: usize) -> String {
    if n <= 1 {
        "history/".to_string()
    } else {
        format!("history/page/{n}/")
    }
}

fn history_pages(
    kit: &PageKit,
    theme: &Theme,
    incidents: &[&Incident],
) -> Vec<Result<OutputFile, Diagnostic>> {
    let chunks: Vec<&[&Incident]> = if incidents.is_empty() {
        vec![&[]]
    } else {
        incidents.chunks(HISTORY_PER_PAGE).collect()
    };
    let total_pages = chunks.len();
    chunks
        .par_iter()
        .enumerate()
        .map(|(idx, chunk)| {
            let n = idx + 1;
            let mut months: Vec<MonthGroup> = Vec::new();
            for i in chunk.iter() {
                let local = i.started.with_timezone(&kit.clock.tz);
                let key = local.format("%Y-%m").to_string();
                let card = kit.incident_card(i);
                match months.last_mut().filter(|m| m.key == key) {
                    Some(m) => m.incidents.push(card),
                    None => months.push(MonthGroup {
                        label: local.format("%B %Y").to_string(),
                        key,
                        incidents: vec![card],
                    }),
                }
            }
            let title = if n == 1 {
                "Incident history".to_string()
            } else {
                format!("Incident history, page {n} of {total_pages}")
            };
            let page = HistoryPage {
                title: kit.page_title(&title),
                canonical: kit.urls.absolute(&history_path(n)),
                nav: "history",
                draft: false,
                months,
                total_incidents: incidents.len(),
                page_number: n,
                total_pages,
                prev_url: (n > 1).then(|| kit.urls.path(&history_path(n - 1))),
                next_url: (n < total_pages).then(|| kit.urls.path(&history_path(n + 1))),
            };
            kit.render(
                theme,
                "history.html",
                &format!("{}index.html", history_path(n)),
                &page,
            )
        })
        .collect()
}

fn maintenance_page(
    kit: &PageKit,
    theme: &Theme,
    m: &Maintenance,
) -> Result<OutputFile, Diagnostic> {
    let page = MaintenancePage {
        title: kit.page_title(&m.title),
        canonical: kit.urls.absolute(&format!("maintenance/{}/", m.slug)),
        nav: "status",
        draft: m.draft,
        maintenance: kit.maintenance_card(m),
        updates: m
            .updates
            .iter()
            .rev()
            .map(|u| UpdateCtx {
                status: u.status.as_str(),
                status_label: u.status.label(),
                at: kit.clock.time(u.at),
                message: u.message.clone(),
            })
            .collect(),
        body: render_markdown(&m.body).html,
        has_body: !m.body.trim().is_empty(),
    };
    kit.render(
        theme,
        "maintenance.html",
        &format!("maintenance/{}/index.html", m.slug),
        &page,
    )
}

fn not_found_page(kit: &PageKit, theme: &Theme) -> Result<OutputFile, Diagnostic> {
    let page = NotFoundPage {
        title: kit.page_title("Page not found"),
        canonical: String::new(),
        nav: "",
        draft: false,
    };
    kit.render(theme, "404.html", "404.html", &page)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::level::{ActionStatus, Impact, TemplateKind, UpdateStatus};
    use crate::site::{Action, Affected, Component, Config};
    use chrono::TimeZone;

    pub(crate) fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, d, h, m, 0)
            .single()
            .expect("valid time")
    }

    fn component(id: &str, name: &str, group: Option<&str>, position: usize) -> Component {
        Component {
            group: group.map(String::from),
            description: Some(format!("{name} endpoints")),
            ..Component::new(id, name, position)
        }
    }

    pub(crate) fn incident(slug: &str, title: &str, started: DateTime<Utc>) -> Incident {
        Incident {
            title: title.into(),
            severity: Some("SEV-2".into()),
            detected: started + chrono::Duration::minutes(2),
            template: TemplateKind::StatusPage,
            components: vec![Affected {
                id: "auth".into(),
                level: Level::MajorOutage,
            }],
            updates: vec![
                Update {
                    at: started,
                    status: UpdateStatus::Investigating,
                    message: "We are investigating login failures.".into(),
                    line: 10,
                },
                Update {
                    at: started + chrono::Duration::minutes(30),
                    status: UpdateStatus::Resolved,
                    message: "Logins work again.".into(),
                    line: 14,
                },
            ],
            actions: vec![Action {
                what: "Validate load-balancer config before deploy".into(),
                owner: Some("DevOps lead".into()),
                due: NaiveDate::from_ymd_opt(2026, 3, 10),
                status: ActionStatus::InProgress,
                line: 20,
            }],
            body: "# Summary\n\nA load balancer misconfiguration.\n\n## Timeline\n\n| time | event |\n|---|---|\n| 10:36 | alert |\n\n## Root cause\n\nConfig.\n".into(),
            body_line: 25,
            ..Incident::new(slug, started, Some(started + chrono::Duration::minutes(30)))
        }
    }

    /// Two components (one grouped, one not), a resolved and an ongoing incident,
    /// an in-progress and an upcoming maintenance window. "now" is 14 Mar 12:00 UTC.
    pub(crate) fn test_site(base_url: &str) -> Site {
        let mut ongoing = incident("2026-03-14-api-latency", "API latency", at(14, 11, 0));
        ongoing.resolved = None;
        ongoing.impact = Impact::Minor;
        ongoing.severity = None;
        ongoing.components = vec![Affected {
            id: "api".into(),
            level: Level::DegradedPerformance,
        }];
        ongoing.updates.truncate(1);
        ongoing.body = String::new();
        let resolved = incident(
            "2026-03-02-auth-outage",
            "Authentication API outage",
            at(2, 9, 36),
        );
        let window = |slug: &str, title: &str, starts, ends| Maintenance {
            title: title.into(),
            components: vec!["auth".into()],
            body: "We upgrade the **database** engine.".into(),
            body_line: 8,
            ..Maintenance::new(slug, starts, ends)
        };
        Site {
            root: "site".into(),
            config: Config {
                description: "Live and historical status of Acme services".into(),
                ..Config::with_defaults(
                    "Acme Status",
                    base_url,
                    chrono_tz::Europe::Berlin,
                    vec![
                        component("api", "Public API", Some("Core platform"), 0),
                        component("auth", "Authentication", None, 1),
                    ],
                )
            },
            incidents: vec![ongoing, resolved],
            maintenance: vec![
                window(
                    "db-upgrade",
                    "Database engine upgrade",
                    at(20, 1, 0),
                    at(20, 3, 0),
                ),
                window("cache-flush", "Cache flush", at(14, 11, 30), at(14, 13, 0)),
            ],
        }
    }

    pub(crate) fn now() -> DateTime<Utc> {
        at(14, 12, 0)
    }

    fn render(site: &Site) -> Vec<OutputFile> {
        let theme = Theme::builtin().expect("theme");
        let figures = crate::model::uptime::component_figures(site, now());
        let metrics = crate::model::metrics::metrics(site, now());
        render_pages(site, now(), &theme, &figures, &metrics, None, None)
            .expect("renders")
            .files
    }

    fn text(files: &[OutputFile], path: &str) -> String {
        let f = files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path} missing"));
        String::from_utf8(f.bytes.clone()).expect("utf-8")
    }

    #[test]
    fn every_page_exists_sorted() {
        let files = render(&test_site("https://acme.github.io/status/"));
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "404.html",
                "components/api/index.html",
                "components/auth/index.html",
                "history/index.html",
                "incidents/2026-03-02-auth-outage/index.html",
                "incidents/2026-03-14-api-latency/index.html",
                "index.html",
                "maintenance/cache-flush/index.html",
                "maintenance/db-upgrade/index.html",
                "uptime/index.html",
            ]
        );
        for f in &files {
            let html = String::from_utf8(f.bytes.clone()).expect("utf-8");
            assert!(
                html.starts_with("<!doctype html>\n<html lang=\"en\">"),
                "{}",
                f.path
            );
            for needle in [
                "<meta name=\"viewport\"",
                "<title>",
                "<main id=\"main\"",
                "</footer>",
                "type=\"application/rss+xml\" title=\"Acme Status (RSS)\" href=\"/status/feed.xml\"",
                "type=\"application/atom+xml\" title=\"Acme Status (Atom)\" href=\"/status/atom.xml\"",
                "rel=\"icon\" href=\"/status/favicon.svg\"",
                "href=\"/status/uptime/\"",
                "href=\"/status/history/\"",
            ] {
                assert!(html.contains(needle), "{} lacks {needle}", f.path);
            }
            assert!(!html.contains("<script"), "{}", f.path);
        }
    }

    #[test]
    fn sub_path_is_in_every_root_relative_link() {
        let files = render(&test_site("https://acme.github.io/status/"));
        for f in &files {
            let html = String::from_utf8(f.bytes.clone()).expect("utf-8");
            for attr in ["href=\"/", "src=\"/"] {
                for (i, _) in html.match_indices(attr) {
                    let rest = &html[i + attr.len() - 1..];
                    assert!(
                        rest.starts_with("/status/"),
                        "{}: link outside the base path: {}",
                        f.path,
                        &rest[..rest.len().min(60)]
                    );
                }
            }
            assert!(!html.contains("href=\"http://") || f.path.is_empty());
        }
        let index = text(&files, "index.html");
        assert!(index.contains("href=\"/status/style.css?v="));
        assert!(index.contains("rel=\"canonical\" href=\"https://acme.github.io/status/\""));
        assert!(index.contains("href=\"/status/incidents/2026-03-14-api-latency/\""));
        assert!(text(&files, "404.html").contains("href=\"/status/history/\""));
    }

    #[test]
    fn index_shows_status_components_incidents_and_maintenance() {
        let files = render(&test_site("https://status.acme.com/"));
        let html = text(&files, "index.html");
        // Ongoing minor incident on api, maintenance on auth: degraded wins.
        assert!(html.contains("banner-degraded_performance"));
        assert!(html.contains("Current status: </span>Degraded performance</h1>"));
        assert!(html.contains("<h3 class=\"group-name\">Core platform</h3>"));
        assert!(html.contains("Authentication</a>"));
        assert!(html.contains("status-under_maintenance\"><span class=\"dot\" aria-hidden=\"true\"></span>Under maintenance"));
        assert!(html.contains("Active incidents"));
        assert!(html.contains("We are investigating login failures."));
        assert!(html.contains("Maintenance in progress"));
        assert!(html.contains("Scheduled maintenance"));
        assert!(html.contains("Database engine upgrade"));
        assert!(html.contains("Recent incidents"));
        assert!(html.contains("Authentication API outage"));
        // Times in Berlin with their offset, UTC in the machine-readable value.
        assert!(html.contains(
            "<time datetime=\"2026-03-14T12:00:00Z\">14 Mar 2026, 13:00 CET (UTC+01:00)</time>"
        ));
        // Each row has its bar and 90-day figure; the legend explains the colours.
        assert_eq!(html.matches("class=\"marks bar\"").count(), 2);
        assert!(html.contains("class=\"legend\""));
    }

    #[test]
    fn incident_page_has_facts_timeline_postmortem_actions() {
        let files = render(&test_site("https://status.acme.com/"));
        let html = text(&files, "incidents/2026-03-02-auth-outage/index.html");
        assert!(html.contains("<h1>Authentication API outage</h1>"));
        assert!(html.contains("Major impact"));
        assert!(html.contains("SEV-2"));
        assert!(html.contains("href=\"/components/auth/\">Authentication</a>: <span class=\"status status-major_outage\""));
        assert!(html.contains(
            "<time datetime=\"2026-03-02T09:36:00Z\">2 Mar 2026, 10:36 CET (UTC+01:00)</time>"
        ));
        assert!(html.contains("<dd>30 min</dd>"));
        assert!(html.contains("<dd>2 min</dd>"));
        assert!(html.contains("<dd>28 min</dd>"));
        // Newest update first.
        let resolved = html.find("Logins work again.").expect("resolved update");
        let investigating = html.find("We are investigating").expect("first update");
        assert!(resolved < investigating);
        // Post-mortem: demoted h1, table, contents.
        assert!(html.contains("<h2 id=\"summary\">Summary</h2>"));
        assert!(html.contains("<table>"));
        assert!(html.contains("<a href=\"#root-cause\">Root cause</a>"));
        // Actions, overdue (due 10 Mar, now 14 Mar, in progress).
        assert!(html.contains("<td>Validate load-balancer config before deploy</td>"));
        assert!(html.contains("<time datetime=\"2026-03-10\">10 Mar 2026</time>"));
        assert!(html.contains("badge-overdue"));
        assert_eq!(html.matches("<h1").count(), 1);

        let ongoing = text(&files, "incidents/2026-03-14-api-latency/index.html");
        assert!(ongoing.contains("<dd>Ongoing</dd>"));
        assert!(ongoing.contains("<dd>1 h so far</dd>"));
        assert!(ongoing.contains("Not resolved yet"));
    }

    #[test]
    fn history_groups_by_local_month_and_paginates() {
        let mut site = test_site("https://acme.github.io/status/");
        // 23:30 UTC on 31 Jan is already February in Berlin.
        site.incidents = (0..120)
            .map(|n| {
                let started = Utc
                    .with_ymd_and_hms(2026, 1, 31, 23, 30, 0)
                    .single()
                    .expect("time")
                    - chrono::Duration::hours(n * 12);
                incident(&format!("i-{n:03}"), &format!("Incident {n}"), started)
            })
            .collect();
        let files = render(&site);
        let p1 = text(&files, "history/index.html");
        let p2 = text(&files, "history/page/2/index.html");
        let p3 = text(&files, "history/page/3/index.html");
        assert!(!files.iter().any(|f| f.path == "history/page/4/index.html"));
        assert!(p1.contains("<h2 id=\"month-2026-02\">February 2026</h2>"));
        assert!(p1.contains("<h2 id=\"month-2026-01\">January 2026</h2>"));
        assert_eq!(p1.matches("class=\"incident-item\"").count(), 50);
        assert_eq!(p3.matches("class=\"incident-item\"").count(), 20);
        assert!(p1.contains("href=\"/status/history/page/2/\" rel=\"next\""));
        assert!(!p1.contains("rel=\"prev\""));
        assert!(p2.contains("href=\"/status/history/\" rel=\"prev\""));
        assert!(p2.contains("href=\"/status/history/page/3/\" rel=\"next\""));
        assert!(p2.contains("Page 2 of 3"));
        // Newest first.
        assert!(p1.find("Incident 0<").expect("0") < p1.find("Incident 1<").expect("1"));
    }

    #[test]
    fn empty_site_renders() {
        let mut site = test_site("https://status.acme.com/");
        site.incidents.clear();
        site.maintenance.clear();
        site.config.components.clear();
        let files = render(&site);
        let index = text(&files, "index.html");
        assert!(index.contains("All systems operational"));
        assert!(text(&files, "history/index.html").contains("No incidents reported."));
    }

    #[test]
    fn hostile_strings_are_escaped_everywhere() {
        let mut site = test_site("https://status.acme.com/");
        let evil = "<script>alert(1)</script>\" onerror=\"x javascript:alert(2)";
        site.config.title = evil.into();
        site.config.description = evil.into();
        site.config.components[0].name = evil.into();
        site.config.components[0].group = Some(evil.into());
        site.config.components[1].description = Some(evil.into());
        for i in &mut site.incidents {
            i.title = evil.into();
            i.severity = Some(evil.into());
            for u in &mut i.updates {
                u.message = evil.into();
            }
            for a in &mut i.actions {
                a.what = evil.into();
                a.owner = Some(evil.into());
            }
            i.body = format!(
                "{evil}\n\n[x](javascript:alert(3)) <img src=x onerror=alert(4)> <a href=\"JaVaScRiPt:alert(5)\">y</a>"
            );
        }
        for m in &mut site.maintenance {
            m.title = evil.into();
            m.body = evil.into();
        }
        for f in render(&site) {
            let html = String::from_utf8(f.bytes).expect("utf-8");
            assert!(!html.contains("<script"), "{}", f.path);
            // Quotes in text content are harmless; inside a tag they must not open an attribute.
            for tag in html
                .split('<')
                .skip(1)
                .filter_map(|t| t.split_once('>'))
                .map(|t| t.0)
            {
                let names = attribute_names(tag);
                assert!(
                    !names.iter().any(|n| n.starts_with("on") || n == "style"),
                    "{}: <{tag}>",
                    f.path
                );
            }
            assert!(
                !html.to_lowercase().contains("href=\"javascript"),
                "{}",
                f.path
            );
            assert!(!html.contains("alert(4)>"), "{}", f.path);
        }
    }

    /// Attribute names of a tag's inside (`a href="x" class=y`), outside quotes.
    fn attribute_names(tag: &str) -> Vec<String> {
        let mut names = Vec::new();
        let mut quote: Option<char> = None;
        let mut word = String::new();
        let mut after_eq = false;
        for c in tag.chars().skip_while(|c| !c.is_whitespace()) {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c == '=' => {
                    if !word.is_empty() {
                        names.push(std::mem::take(&mut word).to_lowercase());
                    }
                    after_eq = true;
                }
                None if c.is_whitespace() || c == '/' => {
                    if !word.is_empty() && !after_eq {
                        names.push(word.to_lowercase());
                    }
                    word.clear();
                    after_eq = false;
                }
                None => word.push(c),
            }
        }
        if !word.is_empty() && !after_eq {
            names.push(word.to_lowercase());
        }
        names
    }

    #[test]
    fn drafts_carry_a_badge() {
        let mut site = test_site("https://status.acme.com/");
        site.incidents[1].draft = true;
        let files = render(&site);
        let html = text(&files, "incidents/2026-03-02-auth-outage/index.html");
        assert!(html.contains("<span class=\"badge badge-draft\">Draft</span>"));
        assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"));
        assert!(text(&files, "index.html").contains("badge-draft"));
        let other = text(&files, "incidents/2026-03-14-api-latency/index.html");
        assert!(!other.contains("badge-draft"));
    }

    #[test]
    fn output_is_deterministic() {
        let site = test_site("https://acme.github.io/status/");
        assert_eq!(render(&site), render(&site));
    }

    #[test]
    fn broken_override_reports_file_and_line() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::create_dir_all(dir.path().join("templates")).expect("mkdir");
        std::fs::write(
            dir.path().join("templates/incident.html"),
            "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.incident.nope.x }}</h1>\n{% endblock content %}\n",
        )
        .expect("write");
        let theme = Theme::load(dir.path(), "default").expect("parses");
        let site = test_site("https://status.acme.com/");
        let figures = crate::model::uptime::component_figures(&site, now());
        let metrics = crate::model::metrics::metrics(&site, now());
        let err =
            render_pages(&site, now(), &theme, &figures, &metrics, None, None).expect_err("fails");
        assert_eq!(
            err.len(),
            1,
            "one diagnostic for all incident pages: {err:?}"
        );
        assert_eq!(err[0].file, "templates/incident.html");
        assert_eq!(err[0].line, 3);
    }

    #[test]
    fn times_in_utc_sites_and_numeric_zones() {
        let t = at(14, 9, 36);
        assert_eq!(
            Clock { tz: chrono_tz::UTC }.time(t).display,
            "14 Mar 2026, 09:36 UTC"
        );
        assert_eq!(
            Clock {
                tz: chrono_tz::Asia::Dubai
            }
            .time(t)
            .display,
            "14 Mar 2026, 13:36 (UTC+04:00)"
        );
        assert_eq!(
            Clock {
                tz: chrono_tz::America::New_York
            }
            .time(t)
            .display,
            "14 Mar 2026, 05:36 EDT (UTC-04:00)"
        );
    }

    #[test]
    fn snapshot_component_row() {
        let files = render(&test_site("https://status.acme.com/"));
        let html = text(&files, "index.html");
        let start = html
            .find("<li class=\"component\" id=\"component-auth\"")
            .expect("row");
        let end = start + html[start..].find("</li>").expect("end") + 5;
        let fragment: String = html[start..end]
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        insta::assert_snapshot!(fragment);
    }
}
