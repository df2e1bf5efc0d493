//! One maintenance window: `maintenance/<slug>/index.html`.

use crate::diag::Diagnostic;
use crate::files::OutputFile;
use crate::render::context::{MaintenancePage, UpdateCtx};
use crate::render::markdown::render_markdown;
use crate::render::page_kit::PageKit;
use crate::render::theme::Theme;
use crate::site::Maintenance;

pub fn maintenance_page(
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
                status_label: kit.clock.texts.maintenance_status(u.status),
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
