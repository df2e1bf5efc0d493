//! One component: `components/<id>/index.html`, paginated by its incidents.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::files::OutputFile;
use crate::model::uptime::ComponentFigures;
use crate::render::context::{ComponentInfo, ComponentPage, MaintenanceCard};
use crate::render::day_marks::{Spans, uptime_row};
use crate::render::page_kit::PageKit;
use crate::render::pages::uptime::component_uptime;
use crate::render::theme::Theme;
use crate::site::{Component, Incident, Maintenance};

/// Incidents per component page.
pub const COMPONENT_INCIDENTS_PER_PAGE: usize = 100;

/// A component's incidents, newest first (the order of `incidents`).
pub fn incidents_by_component<'a>(
    components: &[Component],
    incidents: &[&'a Incident],
) -> BTreeMap<String, Vec<&'a Incident>> {
    let mut map: BTreeMap<String, Vec<&'a Incident>> = components
        .iter()
        .map(|c| (c.id.clone(), Vec::new()))
        .collect();
    for i in incidents {
        let mut seen: Vec<&str> = Vec::new();
        for a in &i.components {
            if seen.contains(&a.id.as_str()) {
                continue;
            }
            seen.push(&a.id);
            if let Some(list) = map.get_mut(&a.id) {
                list.push(i);
            }
        }
    }
    map
}

fn component_path(id: &str, n: usize) -> String {
    if n <= 1 {
        format!("components/{id}/")
    } else {
        format!("components/{id}/page/{n}/")
    }
}

/// `components/<id>/index.html` (and `page/<n>/` past 100 incidents) for one component.
pub fn component_pages(
    kit: &PageKit,
    theme: &Theme,
    f: &ComponentFigures,
    incidents: &[&Incident],
    spans: &Spans,
) -> Vec<Result<OutputFile, Diagnostic>> {
    let Some(c) = kit.site.component(&f.id) else {
        return Vec::new();
    };
    let mut windows: Vec<&Maintenance> = kit
        .site
        .maintenance
        .iter()
        .filter(|m| m.components.iter().any(|id| id == &c.id))
        .collect();
    windows.sort_by(|a, b| b.starts.cmp(&a.starts).then_with(|| a.slug.cmp(&b.slug)));
    let maintenance: Vec<MaintenanceCard> =
        windows.iter().map(|m| kit.maintenance_card(m)).collect();
    let uptime = component_uptime(kit, f, spans, false);
    let bar = uptime_row(kit, f, spans);
    let response = crate::render::measured::response_ctx(kit, &c.id, &c.name);
    let chunks: Vec<&[&Incident]> = if incidents.is_empty() {
        vec![&[]]
    } else {
        incidents.chunks(COMPONENT_INCIDENTS_PER_PAGE).collect()
    };
    let total_pages = chunks.len();
    let dir = format!("components/{}/", c.id);
    chunks
        .par_iter()
        .enumerate()
        .map(|(idx, chunk)| {
            let n = idx + 1;
            let title = if n == 1 {
                c.name.clone()
            } else {
                kit.titled_page(&c.name, n, total_pages)
            };
            let page = ComponentPage {
                title: kit.page_title(&title),
                canonical: kit.urls.absolute(&component_path(&c.id, n)),
                nav: "status",
                draft: false,
                component: ComponentInfo {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    description: c.description.clone(),
                    group: c.group.clone(),
                    level: crate::render::context::LevelCtx::new(f.status, kit.clock.texts),
                },
                uptime: uptime.clone(),
                bar: bar.clone(),
                rss_url: kit.urls.path(&format!("{dir}feed.xml")),
                atom_url: kit.urls.path(&format!("{dir}atom.xml")),
                badge_url: kit.urls.path(&format!("{dir}badge.svg")),
                badge_absolute: kit.urls.absolute(&format!("{dir}badge.svg")),
                total_incidents: incidents.len(),
                incidents: chunk.iter().map(|i| kit.incident_card(i)).collect(),
                maintenance: if n == 1 {
                    maintenance.clone()
                } else {
                    Vec::new()
                },
                page_number: n,
                total_pages,
                prev_url: (n > 1).then(|| kit.urls.path(&component_path(&c.id, n - 1))),
                next_url: (n < total_pages).then(|| kit.urls.path(&component_path(&c.id, n + 1))),
                response: response.clone(),
            };
            kit.render(
                theme,
                "component.html",
                &format!("{}index.html", component_path(&c.id, n)),
                &page,
            )
        })
        .collect()
}
