//! The shared parts of every page context: the site values, the clock that formats
//! times in the site timezone, URLs, and rendering one page through the theme (compiled
//! or Tera) into an output file.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::diag::Diagnostic;
use crate::files::OutputFile;
use crate::i18n::Texts;
use crate::model::derived::Derived;
use crate::model::status;
use crate::render::compiled::CompiledPage;
use crate::render::context::{
    AffectedCtx, DateCtx, IncidentCard, LevelCtx, MaintenanceCard, NamedLink, SiteCtx, TimeCtx,
    UpdateCtx,
};
use crate::render::page_cache::PageCache;
use crate::render::theme::Theme;
use crate::render::urls::Urls;
use crate::render::{brand, favicon};
use crate::site::{Incident, Maintenance, Site, Update};

/// Turns instants into what pages show, in the site timezone and language.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub tz: Tz,
    pub texts: &'static Texts,
}

impl Clock {
    pub fn new(tz: Tz, texts: &'static Texts) -> Clock {
        Clock { tz, texts }
    }

    pub fn time(&self, t: DateTime<Utc>) -> TimeCtx {
        let display = crate::render::dates::local_time_in(t, self.tz, self.texts);
        TimeCtx {
            display,
            datetime: Self::datetime(t),
        }
    }

    /// The machine-readable instant of a `<time datetime>`.
    pub fn datetime(t: DateTime<Utc>) -> String {
        t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }

    pub fn date(&self, d: NaiveDate) -> DateCtx {
        DateCtx {
            display: self.texts.formats.date(d),
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
    /// What the build derived once: levels, statuses, figures, metrics.
    pub derived: &'a Derived,
    pub urls: Urls,
    pub clock: Clock,
    pub now: DateTime<Utc>,
    pub site_ctx: SiteCtx,
    /// Pages of earlier builds, and the hash of what every page shares (config, theme, now).
    pub(crate) cache: Option<(&'a PageCache, u64)>,
    /// Every incident's card by slug, built once: an incident is listed on its own page,
    /// a history page and each of its components' pages.
    pub(crate) cards: HashMap<&'a str, Arc<IncidentCard>>,
}

impl<'a> PageKit<'a> {
    pub fn new(site: &'a Site, derived: &'a Derived, theme: &Theme) -> PageKit<'a> {
        let now = derived.now;
        let urls = Urls::new(&site.config.base_url);
        let texts = Texts::resolve(&site.config.language, &site.config.i18n);
        let clock = Clock::new(site.config.timezone, texts);
        let versioned = |path: &str| match theme.asset_version(path) {
            Some(v) => format!("{}?v={v}", urls.path(path)),
            None => urls.path(path),
        };
        let level = derived.site_level;
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
            css_url: versioned("style.css"),
            favicon_url: urls.path(&favicon::svg_path(level)),
            favicon_ico_url: urls.path(&favicon::ico_path(level)),
            icon_url: urls.path("favicon.svg"),
            script_url: versioned("localtime.js"),
            generated: clock.time(now),
            dir: if texts.lang.rtl { "rtl" } else { "ltr" },
            weekdays: texts.formats.weekdays_narrow(),
            texts,
            brand: brand::brand_ctx(&site.config.brand, &urls),
            announcement: brand::announcement_ctx(site.config.announcement.as_ref(), now),
        };
        PageKit {
            site,
            derived,
            urls,
            clock,
            now,
            site_ctx,
            cache: None,
            cards: HashMap::new(),
        }
    }

    /// "Incident history, page 2 of 5": a paginated page's title.
    pub fn titled_page(&self, title: &str, n: usize, pages: usize) -> String {
        use crate::i18n::{Arg, TrArg};
        self.clock.texts.fmt(
            "title_page",
            &[
                ("title", Arg::Str(title.into())),
                ("page", n.arg()),
                ("pages", pages.arg()),
            ],
        )
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
            status_label: self.clock.texts.update_status(u.status),
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

    pub(crate) fn make_card(&self, i: &Incident) -> IncidentCard {
        IncidentCard {
            slug: i.slug.clone(),
            title: i.title.clone(),
            url: self.urls.incident(&i.slug),
            impact: i.impact.as_str(),
            impact_label: self.clock.texts.impact(i.impact),
            severity: i.severity.clone(),
            started: self.clock.time(i.started),
            // As of "now": a resolution time still to come has not happened yet.
            resolved: status::resolved_at(i, self.now).map(|r| self.clock.time(r)),
            ongoing: status::incident_open(i, self.now),
            upcoming: status::incident_open(i, self.now) && i.started > self.now,
            duration: self
                .clock
                .texts
                .duration(status::incident_duration(i, self.now)),
            components: i
                .components
                .iter()
                .map(|a| AffectedCtx {
                    id: a.id.clone(),
                    name: self.component_name(&a.id),
                    url: self.urls.component(&a.id),
                    level: LevelCtx::new(a.level, self.clock.texts),
                })
                .collect(),
            latest_update: latest(&i.updates).map(|u| self.update(u)),
            draft: i.draft,
            as_of: (status::incident_open(i, self.now) && i.started <= self.now)
                .then(|| self.clock.time(self.now)),
        }
    }

    pub fn maintenance_card(&self, m: &Maintenance) -> MaintenanceCard {
        let st = status::maintenance_status(m, self.now);
        MaintenanceCard {
            slug: m.slug.clone(),
            title: m.title.clone(),
            url: self.urls.maintenance(&m.slug),
            status: st.as_str(),
            status_label: self.clock.texts.maintenance_status(st),
            starts: self.clock.time(m.starts),
            ends: self.clock.time(m.ends),
            duration: self.clock.texts.duration(m.ends - m.starts),
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
            theme.render(template, &self.site_ctx, page, self.site_ctx.texts)?
        };
        let file = OutputFile::new(path, html);
        if let (Some((cache, _)), Some(key)) = (self.cache, key) {
            PageCache::put(&cache.rendered, path, key, &file);
        }
        Ok(file)
    }
}

/// The newest update (by time; the file order is not trusted).
pub fn latest(updates: &[Update]) -> Option<&Update> {
    updates
        .iter()
        .enumerate()
        .max_by_key(|(i, u)| (u.at, *i))
        .map(|(_, u)| u)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::pages::tests::at;

    #[test]
    fn times_in_utc_sites_and_numeric_zones() {
        let t = at(14, 9, 36);
        assert_eq!(
            Clock::new(chrono_tz::UTC, Texts::english()).time(t).display,
            "14 Mar 2026, 09:36 UTC"
        );
        assert_eq!(
            Clock::new(chrono_tz::Asia::Dubai, Texts::english())
                .time(t)
                .display,
            "14 Mar 2026, 13:36 (UTC+04:00)"
        );
        assert_eq!(
            Clock::new(chrono_tz::America::New_York, Texts::english())
                .time(t)
                .display,
            "14 Mar 2026, 05:36 EDT (UTC-04:00)"
        );
    }
}
