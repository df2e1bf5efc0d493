//! The incident history, by month, paginated: `history/`.

use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::files::OutputFile;
use crate::render::context::{HistoryPage, MonthGroup};
use crate::render::page_kit::PageKit;
use crate::render::theme::Theme;
use crate::site::Incident;

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
                        label: kit.clock.texts.formats.month(local.date_naive()),
                        key,
                        incidents: vec![card],
                    }),
                }
            }
            let title = if n == 1 {
                kit.clock.texts.get("incident_history").to_string()
            } else {
                kit.titled_page(kit.clock.texts.get("incident_history"), n, total_pages)
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

#[cfg(test)]
mod tests {
    use crate::render::pages::tests::{incident, render, test_site, text};
    use chrono::{TimeZone, Utc};

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
}
