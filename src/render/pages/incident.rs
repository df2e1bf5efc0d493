//! One incident and its post-mortem: `incidents/<slug>/index.html`.

use crate::diag::Diagnostic;
use crate::files::OutputFile;
use crate::model::status;
use crate::render::context::{ActionCtx, IncidentPage};
use crate::render::markdown::render_markdown;
use crate::render::page_cache::{PageCache, hash_of};
use crate::render::page_kit::PageKit;
use crate::render::theme::Theme;
use crate::site::{Incident, Update};

pub fn incident_page(kit: &PageKit, theme: &Theme, i: &Incident) -> Result<OutputFile, Diagnostic> {
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

/// Renders an incident page, or reuses the cached one when nothing it shows changed.
pub fn cached_incident_page(
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
