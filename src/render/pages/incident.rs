//! One incident and its post-mortem: `incidents/<slug>/index.html`.

use crate::diag::Diagnostic;
use crate::files::OutputFile;
use crate::model::status;
use chrono::Timelike;

use crate::model::timeline;
use crate::render::context::{ActionCtx, IncidentPage, TimelineEntryCtx};
use crate::render::markdown::{self, RenderedMarkdown, render_markdown};
use crate::render::page_cache::{PageCache, hash_of};
use crate::render::page_kit::{Clock, PageKit};
use crate::render::theme::Theme;
use crate::site::{Incident, Update};

pub fn incident_page(kit: &PageKit, theme: &Theme, i: &Incident) -> Result<OutputFile, Diagnostic> {
    let mut updates: Vec<(usize, &Update)> = i.updates.iter().enumerate().collect();
    updates.sort_by(|(ia, a), (ib, b)| b.at.cmp(&a.at).then(ib.cmp(ia)));
    let (body, timeline, postmortem_after) = postmortem(kit, i);
    let top = body.headings.iter().map(|h| h.level).min().unwrap_or(2);
    let contents = body
        .headings
        .iter()
        .filter(|h| h.level == top)
        .cloned()
        .collect();
    let today = kit.clock.today(kit.now);
    let actions: Vec<ActionCtx> = i
        .actions
        .iter()
        .map(|a| ActionCtx {
            what: a.what.clone(),
            owner: a.owner.clone(),
            due: a.due.map(|d| kit.clock.date(d)),
            status: a.status.as_str(),
            status_label: kit.clock.texts.action_status(a.status),
            overdue: !a.status.is_closed() && a.due.is_some_and(|d| d < today),
        })
        .collect();
    let page = IncidentPage {
        title: kit.page_title(&i.title),
        canonical: kit.urls.absolute(&format!("incidents/{}/", i.slug)),
        nav: "history",
        draft: i.draft,
        incident: kit.incident_card(i),
        template: i.template.as_str().to_string(),
        detected: kit.clock.time(i.detected),
        time_to_detect: kit.clock.texts.duration(status::time_to_detect(i)),
        time_to_resolve: status::time_to_resolve(i, kit.now).map(|d| kit.clock.texts.duration(d)),
        updates: updates.into_iter().map(|(_, u)| kit.update(u)).collect(),
        has_postmortem: !body.html.trim().is_empty(),
        postmortem: body.html,
        timeline,
        postmortem_after,
        contents,
        overdue_actions: actions.iter().filter(|a| a.overdue).count(),
        actions,
        measured: crate::render::measured::incident_measured(kit, i),
    };
    kit.render(
        theme,
        "incident.html",
        &format!("incidents/{}/index.html", i.slug),
        &page,
    )
}

/// The post-mortem as HTML, split where its timeline's entries were, and those entries
/// (rendered uniformly by the theme's `postmortem_timeline` macro). Without a timeline,
/// all of it is in the first part. The body is parsed once for both.
fn postmortem(kit: &PageKit, i: &Incident) -> (RenderedMarkdown, Vec<TimelineEntryCtx>, String) {
    let md = markdown::cleaned(&i.body);
    let events = markdown::parse(&md);
    let Some(tl) = timeline::read_parsed(&md, &events, i.body_line, i.started, kit.clock.tz) else {
        return (
            markdown::render_parsed(&md, events),
            Vec::new(),
            String::new(),
        );
    };
    let Some((body, rest)) = markdown::render_split(&md, events, tl.range.clone()) else {
        return (render_markdown(&md), Vec::new(), String::new());
    };
    // The full date, zone and offset where the day changes; the time of day below it.
    let tz = kit.clock.tz;
    let mut shown_day = None;
    let mut htmls = entry_htmls(&tl.entries).into_iter();
    let entries = tl
        .entries
        .iter()
        .map(|e| {
            let (datetime, label) = match (e.at, e.day) {
                (Some(t), _) => {
                    let local = t.with_timezone(&tz);
                    let label = if shown_day.replace(local.date_naive()) == Some(local.date_naive())
                    {
                        let (h, m, s) = (local.hour(), local.minute(), local.second());
                        if s == 0 {
                            format!("{h:02}:{m:02}")
                        } else {
                            format!("{h:02}:{m:02}:{s:02}")
                        }
                    } else {
                        // Formatted by the page's clock, like every other time on the page.
                        kit.clock.time(t).display
                    };
                    (Clock::datetime(t), label)
                }
                (None, Some(d)) => {
                    shown_day = Some(d);
                    let date = kit.clock.date(d);
                    (date.datetime, date.display)
                }
                (None, None) => (String::new(), String::new()),
            };
            TimelineEntryCtx {
                datetime,
                label,
                when: e.when.clone(),
                html: htmls.next().unwrap_or_default(),
            }
        })
        .collect();
    (body, entries, rest)
}

/// The entries' events as HTML. Rendered in one pass, separated by a marker paragraph
/// (one Markdown parse per page rather than one per entry); when an entry's Markdown
/// swallows a marker (an unclosed code fence), each entry is rendered on its own.
fn entry_htmls(entries: &[timeline::Entry]) -> Vec<String> {
    let texts: Vec<&str> = entries.iter().map(|e| e.text.as_str()).collect();
    markdown::render_pieces(&texts)
        .unwrap_or_else(|| texts.iter().map(|t| render_markdown(t).html).collect())
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
    // The measurements around the incident change with the check history.
    let key = context ^ hash_of(i) ^ hash_of(&crate::render::measured::incident_measured(kit, i));
    if let Some(file) = PageCache::get(&cache.incidents, &i.slug, key) {
        return Ok(file);
    }
    let file = incident_page(kit, theme, i)?;
    PageCache::put(&cache.incidents, &i.slug, key, &file);
    Ok(file)
}

#[cfg(test)]
mod tests {
    #[test]
    fn entries_render_in_one_pass_or_one_by_one() {
        let entry = |text: &str| crate::model::timeline::Entry {
            line: 1,
            when: String::new(),
            at: None,
            day: None,
            text: text.into(),
        };
        let one_by_one = |es: &[crate::model::timeline::Entry]| -> Vec<String> {
            es.iter()
                .map(|e| super::render_markdown(&e.text).html)
                .collect()
        };
        let es = [
            entry("Alert **fired**"),
            entry(""),
            entry("Fixed.\n\n- a\n- b"),
        ];
        assert_eq!(super::entry_htmls(&es), one_by_one(&es));
        // An unclosed fence would swallow the separators: rendered one by one.
        let es = [entry("```\ncode"), entry("after <script>x</script>")];
        let got = super::entry_htmls(&es);
        assert_eq!(got, one_by_one(&es));
        assert!(!got[1].contains("<script"));
    }

    use crate::render::pages::tests::{render, test_site, text};

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
        // Post-mortem: demoted h1, its timeline table as structured entries, contents.
        assert!(html.contains("<h2 id=\"summary\">Summary</h2>"));
        assert!(html.contains("<ol class=\"pm-timeline\">"));
        assert!(!html.contains("<table>\n<thead><tr><th>Time"));
        assert!(html.contains("<a href=\"#root-cause\">Root cause</a>"));
        // Actions, overdue (due 10 Mar, now 14 Mar, in progress).
        assert!(html.contains("<td>Validate load-balancer config before deploy</td>"));
        assert!(html.contains("<time datetime=\"2026-03-10\">10 Mar 2026</time>"));
        assert!(html.contains("badge-overdue"));
        assert_eq!(html.matches("<h1").count(), 1);

        let ongoing = text(&files, "incidents/2026-03-14-api-latency/index.html");
        assert!(ongoing.contains("<dd>Ongoing</dd>"));
        assert!(ongoing.contains("<dd>1 h so far, as of <time datetime=\"2026-03-14T12:00:00Z\">14 Mar 2026, 13:00 CET (UTC+01:00)</time></dd>"));
        assert!(ongoing.contains("Not resolved yet"));
    }
}
