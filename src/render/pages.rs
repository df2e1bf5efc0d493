//! The HTML pages: which pages a site has, rendered in parallel, each by its builder
//! (`pages::index`, `pages::incident`, …) from the derived figures the build computed.
//!
//! Every page gets a context built in Rust (`render::context`): times already formatted
//! in the site timezone, every URL already built with `Urls`, levels already worded.
//! Templates only lay things out, so a site's override cannot get the logic wrong.

pub mod component;
pub mod history;
pub mod incident;
pub mod index;
pub mod maintenance;
pub mod not_found;
pub mod reliability;
pub mod uptime;

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::files::{OutputFile, Sink};
use crate::model::derived::Derived;
use crate::render::day_marks::Spans;
use crate::render::page_cache::{PageCache, hash_of};
use crate::render::page_kit::PageKit;
use crate::render::pages::component::{component_pages, incidents_by_component};
use crate::render::pages::history::history_pages;
use crate::render::pages::incident::cached_incident_page;
use crate::render::pages::index::index_page;
use crate::render::pages::maintenance::maintenance_page;
use crate::render::pages::not_found::not_found_page;
use crate::render::pages::reliability::reliability_page;
use crate::render::pages::uptime::uptime_page;
use crate::render::theme::Theme;
use crate::site::{Incident, Site};

/// Renders every HTML page of the site, sorted by path, from what the build derived
/// once ([`Derived`]: levels, figures, metrics), shared with the other renderers.
pub fn render_pages(
    site: &Site,
    derived: &Derived,
    theme: &Theme,
    cache: Option<&PageCache>,
    sink: Option<&dyn Sink>,
) -> Result<Pages, Vec<Diagnostic>> {
    let now = derived.now;
    let figures = &derived.figures;
    let metrics = &derived.metrics;
    let cache = cache.map(|c| {
        PageCache::retain(
            &c.incidents,
            &site.incidents.iter().map(|i| i.slug.as_str()).collect(),
        );
        // Every page links the favicon of the overall status: it is part of the key.
        (
            c,
            hash_of(&(&site.config, now, derived.site_level)) ^ theme.fingerprint(),
        )
    });
    let mut kit = PageKit::new(site, derived, theme);
    kit.cache = cache;
    let mut incidents: Vec<&Incident> = site.incidents.iter().collect();
    incidents.sort_by(|a, b| b.started.cmp(&a.started).then_with(|| a.slug.cmp(&b.slug)));
    kit.cards = incidents
        .par_iter()
        .map(|i| (i.slug.as_str(), Arc::new(kit.make_card(i))))
        .collect();
    let by_component = incidents_by_component(&site.config.components, &incidents);
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
                        uptime_page(&kit, theme, figures, &spans, metrics),
                        reliability_page(&kit, theme, &derived.reliability),
                        not_found_page(&kit, theme),
                    ]
                },
                || {
                    figures
                        .par_iter()
                        .flat_map_iter(|f| {
                            component_pages(
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

pub enum Rendered {
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::site::{Action, Affected, Component};
    use crate::site::{Maintenance, Update};
    use crate::test_site::TestSite;
    use crate::vocabulary::Level;
    use crate::vocabulary::{ActionStatus, Impact, TemplateKind, UpdateStatus};
    use chrono::TimeZone;
    use chrono::{DateTime, NaiveDate, Utc};

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
            template: TemplateKind::StatusPage.into(),
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
                done: None,
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
        TestSite::new(chrono_tz::Europe::Berlin)
            .titled("Acme Status", base_url)
            .root("site")
            .description("Live and historical status of Acme services")
            .components(vec![
                component("api", "Public API", Some("Core platform"), 0),
                component("auth", "Authentication", None, 1),
            ])
            .incidents(vec![ongoing, resolved])
            .maintenance(vec![
                window(
                    "db-upgrade",
                    "Database engine upgrade",
                    at(20, 1, 0),
                    at(20, 3, 0),
                ),
                window("cache-flush", "Cache flush", at(14, 11, 30), at(14, 13, 0)),
            ])
            .build()
    }

    pub(crate) fn now() -> DateTime<Utc> {
        at(14, 12, 0)
    }

    pub(crate) fn render(site: &Site) -> Vec<OutputFile> {
        let theme = Theme::builtin().expect("theme");
        render_pages(site, &Derived::new(site, now()), &theme, None, None)
            .expect("renders")
            .files
    }

    pub(crate) fn text(files: &[OutputFile], path: &str) -> String {
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
                "reliability/index.html",
                "uptime/index.html",
            ]
        );
        for f in &files {
            let html = String::from_utf8(f.bytes.clone()).expect("utf-8");
            assert!(
                html.starts_with("<!doctype html>\n<html lang=\"en\" dir=\"ltr\">"),
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
                // The icon of the overall status: an incident is ongoing.
                "rel=\"icon\" href=\"/status/favicon/degraded_performance.svg\" type=\"image/svg+xml\"",
                "rel=\"icon\" href=\"/status/favicon/degraded_performance.ico\" sizes=\"32x32\"",
                "href=\"/status/uptime/\"",
                "href=\"/status/history/\"",
            ] {
                assert!(html.contains(needle), "{} lacks {needle}", f.path);
            }
            assert_eq!(html.matches("<script").count(), 1, "{}", f.path);
            assert!(
                html.contains("<script src=\"/status/localtime.js?v="),
                "{}",
                f.path
            );
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
            // The theme's one external script, and nothing else.
            assert_eq!(html.matches("<script").count(), 1, "{}", f.path);
            assert!(
                html.contains("<script src=\"/localtime.js?v="),
                "{}",
                f.path
            );
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
        let derived = Derived::new(&site, now());
        let err = render_pages(&site, &derived, &theme, None, None).expect_err("fails");
        assert_eq!(
            err.len(),
            1,
            "one diagnostic for all incident pages: {err:?}"
        );
        assert_eq!(err[0].file, "templates/incident.html");
        assert_eq!(err[0].line, 3);
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
