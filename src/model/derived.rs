//! Everything derived from the site and "now", computed once per build and read by every
//! renderer: the pages, the feeds, the API, the badges and `uptime.json` all show the
//! same component levels, incident statuses and figures because they read them here
//! instead of each working them out again.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::model::measured::{self, MeasuredFigures};
use crate::model::metrics::{self, Metrics};
use crate::model::reliability::{self, Reliability};
use crate::model::status;
use crate::model::uptime::{self, ComponentFigures};
use crate::site::Site;
use crate::vocabulary::{Level, UpdateStatus};

#[derive(Debug, Clone)]
pub struct Derived {
    /// The instant everything here is as of.
    pub now: DateTime<Utc>,
    /// Each component's level now, in `site.toml` order.
    pub levels: Vec<(String, Level)>,
    /// The page's overall level: the worst component level and the impact of open
    /// incidents that name no component ([`status::site_level`]).
    pub site_level: Level,
    /// Each incident's customer-facing status now, by slug ([`status::incident_status`]).
    pub incident_statuses: HashMap<String, UpdateStatus>,
    /// Each component's uptime figures, in `site.toml` order.
    pub figures: Vec<ComponentFigures>,
    /// Detection, resolution and follow-up figures.
    pub metrics: Metrics,
    /// Measured figures of the components with a check history, in `site.toml` order.
    pub measured: Vec<MeasuredFigures>,
    /// The reliability review: figures per period, component and cause, and the fixes.
    pub reliability: Reliability,
}

impl Derived {
    pub fn new(site: &Site, now: DateTime<Utc>) -> Derived {
        // The figures carry each component's level now ([`status::component_level`]).
        let figures = uptime::component_figures(site, now);
        let levels: Vec<(String, Level)> =
            figures.iter().map(|f| (f.id.clone(), f.status)).collect();
        let site_level = status::site_level(levels.iter().map(|(_, l)| *l), &site.incidents, now);
        let incident_statuses: HashMap<String, UpdateStatus> = site
            .incidents
            .iter()
            .map(|i| (i.slug.clone(), status::incident_status(i, now)))
            .collect();
        // The review is the biggest derivation on a long history: it runs beside the
        // metrics (each works out the same recurrence, a sort of the incidents).
        let (metrics, reliability) = rayon::join(
            || metrics::metrics(site, now),
            || {
                let recurrence = metrics::recurrence(&site.incidents, now);
                reliability::reliability(site, &figures, &recurrence, now)
            },
        );
        Derived {
            now,
            levels,
            site_level,
            incident_statuses,
            figures,
            metrics,
            measured: measured::measured_figures(site, now),
            reliability,
        }
    }

    /// A component's level now; operational for an unknown id.
    pub fn level(&self, id: &str) -> Level {
        self.levels
            .iter()
            .find(|(c, _)| c == id)
            .map_or(Level::Operational, |(_, l)| *l)
    }

    /// An incident's status now, by slug; investigating for an unknown slug.
    pub fn incident_status(&self, slug: &str) -> UpdateStatus {
        self.incident_statuses
            .get(slug)
            .copied()
            .unwrap_or(UpdateStatus::Investigating)
    }

    /// A component's measured figures, when it has a check history.
    pub fn measured_of(&self, id: &str) -> Option<&MeasuredFigures> {
        self.measured.iter().find(|m| m.id == id)
    }

    /// A component's uptime figures.
    pub fn figures_of(&self, id: &str) -> Option<&ComponentFigures> {
        self.figures.iter().find(|f| f.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::uptime::tests::{component, incident, site, utc, window};

    #[test]
    fn levels_statuses_and_figures_agree_with_the_model() {
        let now = utc(2026, 3, 10, 12, 0);
        let s = site(
            chrono_tz::Tz::UTC,
            vec![
                component("api", None),
                component("db", None),
                component("web", None),
            ],
            vec![
                incident(
                    "open",
                    &[("api", Level::PartialOutage)],
                    utc(2026, 3, 10, 11, 0),
                    None,
                ),
                incident(
                    "closed",
                    &[("web", Level::MajorOutage)],
                    utc(2026, 3, 9, 11, 0),
                    Some(utc(2026, 3, 9, 12, 0)),
                ),
            ],
            vec![window(
                &["db"],
                utc(2026, 3, 10, 11, 30),
                utc(2026, 3, 10, 13, 0),
                None,
            )],
        );
        let d = Derived::new(&s, now);
        assert_eq!(d.level("api"), Level::PartialOutage);
        assert_eq!(d.level("db"), Level::UnderMaintenance);
        assert_eq!(d.level("web"), Level::Operational);
        assert_eq!(d.site_level, Level::PartialOutage);
        assert_eq!(d.incident_status("closed"), UpdateStatus::Resolved);
        assert_eq!(d.incident_status("open"), UpdateStatus::Investigating);
        assert_eq!(d.figures.len(), 3);
        assert_eq!(d.figures_of("web").map(|f| f.id.as_str()), Some("web"));
        for c in &s.config.components {
            let level = status::component_level(&c.id, &s.incidents, &s.maintenance, now);
            assert_eq!(d.level(&c.id), level);
        }
    }
}
