//! The status page, `index.html`: overall status, components, incidents, maintenance.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::files::OutputFile;
use crate::model::status;
use crate::model::uptime::ComponentFigures;
use crate::render::context::{
    Banner, ComponentRow, ComponentSection, IncidentCard, IndexPage, LevelCtx,
};
use crate::render::day_marks::{Spans, uptime_row};
use crate::render::page_kit::PageKit;
use crate::render::theme::Theme;
use crate::site::{Incident, Maintenance};
use crate::vocabulary::Level;

/// Resolved incidents listed on the status page.
const RECENT_ON_INDEX: usize = 10;

pub fn index_page(
    kit: &PageKit,
    theme: &Theme,
    incidents: &[&Incident],
    figures: &[ComponentFigures],
    spans: &BTreeMap<String, Spans>,
) -> Result<OutputFile, Diagnostic> {
    let site = kit.site;
    let now = kit.now;

    let mut components: Vec<&crate::site::Component> = site.config.components.iter().collect();
    components.sort_by_key(|c| c.position);
    let levels: Vec<Level> = components
        .iter()
        .map(|c| kit.derived.level(&c.id))
        .collect();
    let overall = kit.derived.site_level;

    // Groups keep the order of their first component; ungrouped components stay
    // where they are in site.toml, consecutive ones sharing an unnamed section.
    let mut sections: Vec<ComponentSection> = Vec::new();
    for (c, level) in components.iter().zip(&levels) {
        let row = ComponentRow {
            id: c.id.clone(),
            name: c.name.clone(),
            description: c.description.clone(),
            level: LevelCtx::new(*level, kit.clock.texts),
            url: kit.urls.component(&c.id),
            uptime: figures.iter().find(|f| f.id == c.id).and_then(|f| {
                let s = spans.get(&f.id)?;
                Some(uptime_row(kit, f, s))
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
            status::maintenance_status(m, now) == crate::vocabulary::MaintenanceStatus::Scheduled
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
            level: LevelCtx::new(overall, kit.clock.texts),
            wording: kit.clock.texts.overall(overall),
        },
        sections,
        active_incidents,
        maintenance_active,
        maintenance_upcoming,
        recent_incidents,
    };
    kit.render(theme, "index.html", "index.html", &page)
}

#[cfg(test)]
mod tests {
    use crate::render::pages::tests::{render, test_site, text};

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
}
