//! The incident history, by month, paginated: `history/`.

use crate::diag::Diagnostic;
use crate::files::OutputFile;
use crate::render::context::{HistoryPage, MonthGroup};
use crate::render::page_kit::PageKit;
use crate::render::theme::Theme;
use crate::site::Incident;
use rayon::prelude::*;

/// Incidents per history page.
pub const HISTORY_PER_PAGE: usize = 50;

/// Site path of history page `n` (1-based).
pub fn history_path(n: usize) -> String {
    if n <= 1 {
        "history/".to_string()
    } else {
        format!("history/page/{n}/")
    }
}

pub fn history_pages(
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
