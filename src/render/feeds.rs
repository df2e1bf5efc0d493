//! RSS 2.0 and Atom 1.0 feeds of incidents and maintenance, site-wide and per component.
//!
//! Entries are ordered by their "updated" instant, newest first, so a feed reader
//! resurfaces an incident when a new update is posted. Ids and guids are the absolute
//! URL of the incident or maintenance page, stable across builds.

use std::io;

use chrono::{DateTime, Utc};
use quick_xml::Writer;
use quick_xml::events::BytesText;
use rayon::prelude::*;

use crate::files::OutputFile;
use crate::i18n::{Arg, Texts};
use crate::model::derived::Derived;
use crate::model::status::maintenance_status;
use crate::render::dates::local_time_in;
use crate::render::escape::{clean, html_escape};
use crate::render::plain_text::markdown_to_html;
use crate::render::urls::Urls;
use crate::render::xml::{finish, new_writer, text_element};
use crate::site::{Incident, Maintenance, Site};
use crate::vocabulary::{MaintenanceStatus, UpdateStatus};

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
const GENERATOR: &str = "statusgen";

/// The instant an incident last changed as of `now`: its newest update, start, detection
/// or resolution that is not after `now`. A feed never carries a date from the future:
/// an incident whose every time is still to come (a wrong offset) is dated `now`.
pub fn incident_updated(i: &Incident, now: DateTime<Utc>) -> DateTime<Utc> {
    i.updates
        .iter()
        .map(|u| u.at)
        .chain([i.started, i.detected])
        .chain(i.resolved)
        .filter(|t| *t <= now)
        .max()
        .unwrap_or(now)
}

/// The instant a maintenance window last changed state as of `now`: its end once
/// completed, its start once running; an announced window is dated by its announcement,
/// which we only know to be no later than `now` (the build publishing it). A posted
/// update (`[[updates]]`) up to `now` is a change too.
pub fn maintenance_updated(m: &Maintenance, now: DateTime<Utc>) -> DateTime<Utc> {
    let changed = match maintenance_status(m, now) {
        MaintenanceStatus::Completed if now >= m.ends => m.ends,
        _ => m.starts,
    };
    m.updates
        .iter()
        .map(|u| u.at)
        .filter(|at| *at <= now)
        .fold(changed.min(now), DateTime::max)
}

/// One feed entry, built once and shared by the site and component feeds.
#[derive(Debug, Clone)]
struct Entry {
    /// Absolute URL: the link, the RSS guid and the Atom id.
    url: String,
    title: String,
    updated: DateTime<Utc>,
    /// The start, as written (may be after now): written clamped to `updated`.
    published: DateTime<Utc>,
    category: String,
    /// HTML, escaped as text when written; filled only for entries that a feed shows.
    content: String,
    components: Vec<String>,
    source: Source,
}

/// Where an entry comes from: an index into `site.incidents` or `site.maintenance`.
#[derive(Debug, Clone, Copy)]
enum Source {
    Incident(usize),
    Maintenance(usize),
}

fn component_names(site: &Site, ids: impl Iterator<Item = impl AsRef<str>>) -> String {
    let t = Texts::resolve(&site.config.language, &site.config.i18n);
    let names: Vec<String> = ids
        .map(|id| {
            let id = id.as_ref();
            site.component(id)
                .map(|c| c.name.clone())
                .unwrap_or_else(|| id.to_string())
        })
        .collect();
    if names.is_empty() {
        t.get("feed_none").to_string()
    } else {
        names.join(", ")
    }
}

fn incident_entry(urls: &Urls, i: &Incident, n: usize, now: DateTime<Utc>) -> Entry {
    Entry {
        url: urls.absolute(&format!("incidents/{}/", i.slug)),
        title: i.title.clone(),
        updated: incident_updated(i, now),
        published: i.started,
        category: format!("incident/{}", i.impact.as_str()),
        content: String::new(),
        components: i.components.iter().map(|a| a.id.clone()).collect(),
        source: Source::Incident(n),
    }
}

fn incident_content(site: &Site, url: &str, i: &Incident, status: UpdateStatus) -> String {
    let tz = site.config.timezone;
    let t = Texts::resolve(&site.config.language, &site.config.i18n);
    let mut html = String::new();
    html.push_str(&format!(
        "<p><strong>{}</strong> {}</p>\n",
        html_escape(t.get("feed_status_label")),
        html_escape(t.update_status(status))
    ));
    let impact = match &i.severity {
        Some(sev) => format!("{} ({})", t.impact(i.impact), sev),
        None => t.impact(i.impact).to_string(),
    };
    html.push_str(&format!(
        "<p><strong>{}</strong> {}</p>\n",
        html_escape(t.get("feed_impact_label")),
        html_escape(&impact)
    ));
    html.push_str(&format!(
        "<p><strong>{}</strong> {}</p>\n",
        html_escape(t.get("feed_affected_label")),
        html_escape(&component_names(site, i.components.iter().map(|a| &a.id)))
    ));
    let mut when = t.fmt1("feed_started", "time", &local_time_in(i.started, tz, t));
    if let Some(r) = i.resolved {
        when.push_str(", ");
        when.push_str(&t.fmt1("feed_resolved", "time", &local_time_in(r, tz, t)));
    }
    html.push_str(&format!("<p>{}</p>\n", html_escape(&when)));
    timeline(
        &mut html,
        i.updates
            .iter()
            .map(|u| (u.at, t.update_status(u.status), u.message.as_str())),
        tz,
        t,
    );
    let link_text = if crate::render::markdown::is_blank(&i.body) {
        t.get("feed_read_report")
    } else {
        t.get("feed_read_report_postmortem")
    };
    let link_text = html_escape(link_text);
    html.push_str(&format!(
        "<p><a href=\"{}\">{link_text}</a></p>",
        html_escape(url)
    ));
    html
}

/// A timeline's updates `(at, status label, message)`, given oldest first, as a list
/// newest first (nothing when there are none).
fn timeline<'a>(
    html: &mut String,
    updates: impl DoubleEndedIterator<Item = (DateTime<Utc>, &'static str, &'a str)>,
    tz: chrono_tz::Tz,
    t: &Texts,
) {
    let mut items = updates.rev().peekable();
    if items.peek().is_none() {
        return;
    }
    html.push_str("<ul>\n");
    for (at, label, message) in items {
        html.push_str(&format!(
            "<li><time datetime=\"{}\">{}</time> <strong>{}</strong>: {}</li>\n",
            at.to_rfc3339(),
            html_escape(&local_time_in(at, tz, t)),
            html_escape(label),
            html_escape(message)
        ));
    }
    html.push_str("</ul>\n");
}

fn maintenance_entry(
    urls: &Urls,
    t: &Texts,
    m: &Maintenance,
    n: usize,
    now: DateTime<Utc>,
) -> Entry {
    Entry {
        url: urls.absolute(&format!("maintenance/{}/", m.slug)),
        title: t.fmt1("feed_maintenance_title", "title", &m.title),
        updated: maintenance_updated(m, now),
        published: m.starts,
        category: "maintenance".to_string(),
        content: String::new(),
        components: m.components.clone(),
        source: Source::Maintenance(n),
    }
}

fn maintenance_content(site: &Site, url: &str, m: &Maintenance, now: DateTime<Utc>) -> String {
    let tz = site.config.timezone;
    let t = Texts::resolve(&site.config.language, &site.config.i18n);
    let status = maintenance_status(m, now);
    let mut html = String::new();
    html.push_str(&format!(
        "<p><strong>{}</strong> {}</p>\n",
        html_escape(t.get("feed_status_label")),
        html_escape(t.maintenance_status(status))
    ));
    html.push_str(&format!(
        "<p><strong>{}</strong> {}</p>\n",
        html_escape(t.get("feed_window_label")),
        html_escape(&t.fmt(
            "feed_window",
            &[
                ("start", Arg::Str(local_time_in(m.starts, tz, t).into())),
                ("end", Arg::Str(local_time_in(m.ends, tz, t).into())),
            ]
        ))
    ));
    html.push_str(&format!(
        "<p><strong>{}</strong> {}</p>\n",
        html_escape(t.get("feed_affected_label")),
        html_escape(&component_names(site, m.components.iter()))
    ));
    timeline(
        &mut html,
        m.updates
            .iter()
            .map(|u| (u.at, t.maintenance_status(u.status), u.message.as_str())),
        tz,
        t,
    );
    if !m.body.trim().is_empty() {
        html.push_str(&markdown_to_html(&m.body));
        html.push('\n');
    }
    html.push_str(&format!(
        "<p><a href=\"{}\">Read the maintenance notice</a></p>",
        html_escape(url)
    ));
    html
}

/// Every entry of the site without content, newest first (ties broken by URL for
/// stable output).
fn entries(site: &Site, urls: &Urls, now: DateTime<Utc>) -> Vec<Entry> {
    let t = Texts::resolve(&site.config.language, &site.config.i18n);
    let mut all: Vec<Entry> = site
        .incidents
        .iter()
        .enumerate()
        .map(|(n, i)| incident_entry(urls, i, n, now))
        .chain(
            site.maintenance
                .iter()
                .enumerate()
                .map(|(n, m)| maintenance_entry(urls, t, m, n, now)),
        )
        .collect();
    all.sort_by(|a, b| {
        b.updated
            .cmp(&a.updated)
            .then(b.published.cmp(&a.published))
            .then(a.url.cmp(&b.url))
    });
    all
}

/// What differs between the site feed and a component feed.
struct Channel<'a> {
    title: String,
    description: String,
    /// Absolute URL of the HTML page the feed mirrors.
    page: String,
    /// Site path of the directory holding `feed.xml` and `atom.xml` (`""` or `components/x/`).
    dir: String,
    entries: Vec<&'a Entry>,
}

fn rss(site: &Site, urls: &Urls, ch: &Channel, now: DateTime<Utc>) -> io::Result<Vec<u8>> {
    let mut w = new_writer()?;
    let self_url = urls.absolute(&format!("{}feed.xml", ch.dir));
    let last = ch.entries.first().map(|e| e.updated).unwrap_or(now);
    w.create_element("rss")
        .with_attribute(("version", "2.0"))
        .with_attribute(("xmlns:atom", ATOM_NS))
        .write_inner_content(|w| {
            w.create_element("channel").write_inner_content(|w| {
                text_element(w, "title", &ch.title)?;
                text_element(w, "link", &ch.page)?;
                // RSS readers take a description as HTML: plain text is escaped for
                // HTML first, then (by text_element) for XML.
                text_element(w, "description", &html_escape(&ch.description))?;
                text_element(w, "language", &site.config.language)?;
                text_element(w, "generator", GENERATOR)?;
                text_element(w, "lastBuildDate", &last.to_rfc2822())?;
                w.create_element("atom:link")
                    .with_attribute(("href", clean(&self_url).as_ref()))
                    .with_attribute(("rel", "self"))
                    .with_attribute(("type", "application/rss+xml"))
                    .write_empty()?;
                for e in &ch.entries {
                    rss_item(w, e)?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
    Ok(finish(w))
}

fn rss_item(w: &mut Writer<Vec<u8>>, e: &Entry) -> io::Result<()> {
    w.create_element("item").write_inner_content(|w| {
        text_element(w, "title", &e.title)?;
        text_element(w, "link", &e.url)?;
        w.create_element("guid")
            .with_attribute(("isPermaLink", "true"))
            .write_text_content(BytesText::new(&clean(&e.url)))?;
        text_element(w, "pubDate", &e.updated.to_rfc2822())?;
        text_element(w, "category", &e.category)?;
        text_element(w, "description", &e.content)?;
        Ok(())
    })?;
    Ok(())
}

fn atom(site: &Site, urls: &Urls, ch: &Channel, now: DateTime<Utc>) -> io::Result<Vec<u8>> {
    let mut w = new_writer()?;
    let self_url = urls.absolute(&format!("{}atom.xml", ch.dir));
    let updated = ch.entries.first().map(|e| e.updated).unwrap_or(now);
    w.create_element("feed")
        .with_attribute(("xmlns", ATOM_NS))
        .with_attribute(("xml:lang", clean(&site.config.language).as_ref()))
        .write_inner_content(|w| {
            text_element(w, "id", &self_url)?;
            w.create_element("title")
                .with_attribute(("type", "text"))
                .write_text_content(BytesText::new(&clean(&ch.title)))?;
            if !ch.description.trim().is_empty() {
                w.create_element("subtitle")
                    .with_attribute(("type", "text"))
                    .write_text_content(BytesText::new(&clean(&ch.description)))?;
            }
            text_element(w, "updated", &updated.to_rfc3339())?;
            w.create_element("author").write_inner_content(|w| {
                text_element(w, "name", &site.config.title)?;
                text_element(w, "uri", urls.base())?;
                Ok(())
            })?;
            w.create_element("link")
                .with_attribute(("rel", "self"))
                .with_attribute(("type", "application/atom+xml"))
                .with_attribute(("href", clean(&self_url).as_ref()))
                .write_empty()?;
            w.create_element("link")
                .with_attribute(("rel", "alternate"))
                .with_attribute(("type", "text/html"))
                .with_attribute(("href", clean(&ch.page).as_ref()))
                .write_empty()?;
            text_element(w, "generator", GENERATOR)?;
            for e in &ch.entries {
                atom_entry(w, e)?;
            }
            Ok(())
        })?;
    Ok(finish(w))
}

fn atom_entry(w: &mut Writer<Vec<u8>>, e: &Entry) -> io::Result<()> {
    w.create_element("entry").write_inner_content(|w| {
        text_element(w, "id", &e.url)?;
        w.create_element("title")
            .with_attribute(("type", "text"))
            .write_text_content(BytesText::new(&clean(&e.title)))?;
        text_element(w, "updated", &e.updated.to_rfc3339())?;
        // Never after `updated`, which is never after now; a later start still orders
        // entries of the same date (see `entries`).
        text_element(w, "published", &e.published.min(e.updated).to_rfc3339())?;
        w.create_element("link")
            .with_attribute(("rel", "alternate"))
            .with_attribute(("type", "text/html"))
            .with_attribute(("href", clean(&e.url).as_ref()))
            .write_empty()?;
        w.create_element("category")
            .with_attribute(("term", clean(&e.category).as_ref()))
            .write_empty()?;
        w.create_element("content")
            .with_attribute(("type", "html"))
            .write_text_content(BytesText::new(&clean(&e.content)))?;
        Ok(())
    })?;
    Ok(())
}

fn channel_files(
    site: &Site,
    urls: &Urls,
    ch: &Channel,
    now: DateTime<Utc>,
) -> io::Result<[OutputFile; 2]> {
    Ok([
        OutputFile::new(format!("{}feed.xml", ch.dir), rss(site, urls, ch, now)?),
        OutputFile::new(format!("{}atom.xml", ch.dir), atom(site, urls, ch, now)?),
    ])
}

/// `feed.xml` and `atom.xml` for the site, and `components/<id>/feed.xml` and
/// `components/<id>/atom.xml` for every component, each with the newest
/// `config.feeds.limit` entries that concern it.
/// The site's and every component's RSS and Atom feeds; incident statuses come from
/// what the build derived once.
pub fn render_feeds(site: &Site, derived: &Derived) -> Vec<OutputFile> {
    let now = derived.now;
    let urls = Urls::new(&site.config.base_url);
    let mut all = entries(site, &urls, now);
    let limit = site.config.feeds.limit;
    // Only the entries some feed shows get their HTML built: with thousands of
    // incidents, most never reach a feed.
    let mut shown = vec![false; all.len()];
    shown.iter_mut().take(limit).for_each(|s| *s = true);
    for c in &site.config.components {
        let matching = all
            .iter()
            .enumerate()
            .filter(|(_, e)| e.components.contains(&c.id));
        for (n, _) in matching.take(limit) {
            shown[n] = true;
        }
    }
    all.par_iter_mut()
        .zip(shown.par_iter())
        .filter(|(_, s)| **s)
        .for_each(|(e, _)| {
            e.content = match e.source {
                Source::Incident(n) => {
                    let i = &site.incidents[n];
                    incident_content(site, &e.url, i, derived.incident_status(&i.slug))
                }
                Source::Maintenance(n) => {
                    maintenance_content(site, &e.url, &site.maintenance[n], now)
                }
            };
        });
    let mut channels = vec![Channel {
        title: site.config.title.clone(),
        description: if site.config.description.trim().is_empty() {
            Texts::resolve(&site.config.language, &site.config.i18n).fmt1(
                "feed_description",
                "site",
                &site.config.title,
            )
        } else {
            site.config.description.clone()
        },
        page: urls.absolute(""),
        dir: String::new(),
        entries: all.iter().take(limit).collect(),
    }];
    for c in &site.config.components {
        channels.push(Channel {
            title: Texts::resolve(&site.config.language, &site.config.i18n).fmt(
                "feed_component_title",
                &[
                    ("site", Arg::Str(site.config.title.as_str().into())),
                    ("name", Arg::Str(c.name.as_str().into())),
                ],
            ),
            description: Texts::resolve(&site.config.language, &site.config.i18n).fmt1(
                "feed_component_description",
                "name",
                &c.name,
            ),
            page: urls.absolute(&format!("components/{}/", c.id)),
            dir: format!("components/{}/", c.id),
            entries: all
                .iter()
                .filter(|e| e.components.contains(&c.id))
                .take(limit)
                .collect(),
        });
    }
    // Writing to a Vec cannot fail; an error here would be a bug in the writer, and a
    // missing feed is better than a panic on user data.
    channels
        .par_iter()
        .filter_map(|ch| channel_files(site, &urls, ch, now).ok())
        .flat_map_iter(|pair| pair)
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::status::incident_status;
    use crate::site::{Affected, Component, Update};
    use crate::test_site::TestSite;
    use crate::vocabulary::{Level, TemplateKind};
    use chrono::TimeZone;

    pub fn t(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, d, h, m, 0).unwrap()
    }

    pub fn component(id: &str, name: &str, group: Option<&str>, position: usize) -> Component {
        Component {
            group: group.map(str::to_string),
            description: Some(format!("{name} description")),
            ..Component::new(id, name, position)
        }
    }

    pub fn incident(slug: &str, title: &str, started: DateTime<Utc>) -> Incident {
        Incident {
            title: title.into(),
            template: TemplateKind::StatusPage.into(),
            components: vec![Affected {
                id: "auth".into(),
                level: Level::MajorOutage,
            }],
            updates: vec![Update {
                at: started,
                status: UpdateStatus::Investigating,
                message: "We are investigating.".into(),
                line: 1,
            }],
            ..Incident::new(slug, started, None)
        }
    }

    pub fn window(slug: &str, starts: DateTime<Utc>, ends: DateTime<Utc>) -> Maintenance {
        Maintenance {
            title: format!("Window {slug}"),
            components: vec!["api".into()],
            body: "We *upgrade* things.".into(),
            ..Maintenance::new(slug, starts, ends)
        }
    }

    pub fn site() -> Site {
        let mut resolved = incident(
            "auth-outage",
            "Auth <b>&</b> \"login\" 😀 认证\u{1}",
            t(14, 9, 36),
        );
        resolved.resolved = Some(t(14, 10, 6));
        resolved.updates.push(Update {
            at: t(14, 10, 6),
            status: UpdateStatus::Resolved,
            message: "Fixed <script>alert(1)</script> & done\u{0}.".into(),
            line: 2,
        });
        resolved.body = "## Summary\nIt broke.".into();
        let mut api = incident("api-slow", "API slow", t(15, 8, 0));
        api.components = vec![Affected {
            id: "api".into(),
            level: Level::DegradedPerformance,
        }];
        TestSite::new(chrono_tz::Europe::Berlin)
            .titled("Acme & Co Status", "https://acme.github.io/status/")
            .description("Live status")
            .components(vec![
                component("api", "Public API", Some("Core"), 0),
                component("auth", "Authentication API", Some("Core"), 1),
                component("web", "Website", None, 2),
            ])
            .incidents(vec![api, resolved])
            .maintenance(vec![window("db-upgrade", t(20, 2, 0), t(20, 4, 0))])
            .build()
    }

    fn file<'a>(files: &'a [OutputFile], path: &str) -> &'a str {
        let f = files.iter().find(|f| f.path == path).expect(path);
        std::str::from_utf8(&f.bytes).unwrap()
    }

    /// Every element and attribute parses with a real XML parser.
    fn assert_well_formed(xml: &str) {
        let mut r = quick_xml::Reader::from_str(xml);
        loop {
            match r.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("malformed XML: {e}\n{xml}"),
            }
        }
    }

    #[test]
    fn posted_maintenance_updates_are_listed_and_date_the_entry() {
        let mut s = site();
        let m = s
            .maintenance
            .iter_mut()
            .find(|m| m.slug == "db-upgrade")
            .unwrap();
        // Posted after the window's end (04:00): the entry's newest change.
        m.updates.push(crate::site::MaintenanceUpdate {
            at: t(20, 4, 20),
            status: MaintenanceStatus::Completed,
            message: "Done <late> & well.".into(),
            line: 1,
        });
        let m = m.clone();
        assert_eq!(maintenance_updated(&m, t(21, 0, 0)), t(20, 4, 20));
        // Not before "now" reaches it: then the end is the newest change.
        assert_eq!(maintenance_updated(&m, t(20, 4, 10)), t(20, 4, 0));
        let files = render_feeds(&s, &Derived::new(&s, t(21, 0, 0)));
        let rss = file(&files, "feed.xml");
        assert!(
            rss.contains(
                "&lt;strong&gt;Completed&lt;/strong&gt;: Done &amp;lt;late&amp;gt; &amp;amp; well."
            ),
            "{rss}"
        );
    }

    #[test]
    fn files_for_site_and_components() {
        let files = render_feeds(&site(), &Derived::new(&site(), t(16, 0, 0)));
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "feed.xml",
                "atom.xml",
                "components/api/feed.xml",
                "components/api/atom.xml",
                "components/auth/feed.xml",
                "components/auth/atom.xml",
                "components/web/feed.xml",
                "components/web/atom.xml",
            ]
        );
        for f in &files {
            let s = std::str::from_utf8(&f.bytes).unwrap();
            assert_well_formed(s);
            assert!(!s.chars().any(crate::render::escape::is_xml_forbidden));
        }
    }

    #[test]
    fn rss_has_escaped_hostile_text_and_absolute_links() {
        let files = render_feeds(&site(), &Derived::new(&site(), t(16, 0, 0)));
        let rss = file(&files, "feed.xml");
        assert!(rss.contains("<title>Acme &amp; Co Status</title>"));
        assert!(rss.contains(
            r#"<atom:link href="https://acme.github.io/status/feed.xml" rel="self" type="application/rss+xml"/>"#
        ));
        assert!(
            rss.contains("<title>Auth &lt;b&gt;&amp;&lt;/b&gt; &quot;login&quot; 😀 认证</title>")
        );
        assert!(rss.contains(
            r#"<guid isPermaLink="true">https://acme.github.io/status/incidents/auth-outage/</guid>"#
        ));
        // The update message is HTML-escaped inside HTML that is XML-escaped.
        assert!(rss.contains(
            "Fixed &amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt; &amp;amp; done."
        ));
        assert!(rss.contains("<pubDate>Sat, 14 Mar 2026 10:06:00 +0000</pubDate>"));
        assert!(rss.contains("14 Mar 2026, 11:06 CET (UTC+01:00)"));
        assert!(!rss.contains("href=\"/"));
    }

    #[test]
    fn entries_are_never_dated_after_now() {
        let now = t(16, 0, 0);
        let mut future = incident("future", "Future", t(16, 2, 0));
        future.updates.clear();
        assert_eq!(incident_updated(&future, now), now);
        let mut past = incident("past", "Past", t(15, 10, 0));
        past.resolved = None;
        past.updates = vec![
            Update {
                at: t(15, 11, 0),
                status: UpdateStatus::Investigating,
                message: "m".into(),
                line: 1,
            },
            Update {
                at: t(17, 0, 0),
                status: UpdateStatus::Identified,
                message: "a wrong offset".into(),
                line: 2,
            },
        ];
        assert_eq!(incident_updated(&past, now), t(15, 11, 0));
        let upcoming = Maintenance::new("m", t(20, 2, 0), t(20, 4, 0));
        assert_eq!(maintenance_updated(&upcoming, now), now);
        assert_eq!(maintenance_updated(&upcoming, t(20, 3, 0)), t(20, 2, 0));
        assert_eq!(maintenance_updated(&upcoming, t(21, 0, 0)), t(20, 4, 0));
    }

    #[test]
    fn newest_updated_first_and_limit() {
        let mut s = site();
        let files = render_feeds(&s, &Derived::new(&s, t(16, 0, 0)));
        let atom = file(&files, "atom.xml");
        let order: Vec<usize> = ["db-upgrade", "api-slow", "auth-outage"]
            .iter()
            .map(|slug| atom.find(&format!("{slug}/</id>")).unwrap())
            .collect();
        assert!(order[0] < order[1] && order[1] < order[2], "{atom}");
        // The announced window is dated by its announcement, never after now.
        assert!(atom.contains("<updated>2026-03-16T00:00:00+00:00</updated>"));
        assert!(!atom.contains("<updated>2026-03-20"));
        assert!(atom.contains("<name>Acme &amp; Co Status</name>"));

        // A new update on the old incident brings it to the top.
        s.incidents[1].updates.push(Update {
            at: t(21, 0, 0),
            status: UpdateStatus::Resolved,
            message: "Post-mortem published.".into(),
            line: 3,
        });
        s.config.feeds.limit = 1;
        let files = render_feeds(&s, &Derived::new(&s, t(22, 0, 0)));
        let atom = file(&files, "atom.xml");
        assert_eq!(atom.matches("<entry>").count(), 1);
        assert!(atom.contains("incidents/auth-outage/</id>"));
    }

    #[test]
    fn component_feeds_only_hold_their_items() {
        let files = render_feeds(&site(), &Derived::new(&site(), t(16, 0, 0)));
        let api = file(&files, "components/api/atom.xml");
        assert!(api.contains("api-slow/"));
        assert!(api.contains("db-upgrade/"));
        assert!(!api.contains("auth-outage/"));
        assert!(api.contains(
            r#"<link rel="self" type="application/atom+xml" href="https://acme.github.io/status/components/api/atom.xml"/>"#
        ));
        let web = file(&files, "components/web/feed.xml");
        assert!(!web.contains("<item>"));
        let web_atom = file(&files, "components/web/atom.xml");
        assert!(web_atom.contains("<updated>2026-03-16T00:00:00+00:00</updated>"));
    }

    #[test]
    fn statuses_in_content() {
        let s = site();
        assert_eq!(
            incident_status(&s.incidents[1], t(16, 0, 0)),
            UpdateStatus::Resolved
        );
        assert_eq!(
            incident_status(&s.incidents[1], t(14, 9, 50)),
            UpdateStatus::Investigating
        );
        let files = render_feeds(&s, &Derived::new(&s, t(20, 3, 0)));
        let rss = file(&files, "feed.xml");
        assert!(rss.contains("&lt;strong&gt;Status:&lt;/strong&gt; In progress"));
        assert!(rss.contains("&lt;em&gt;upgrade&lt;/em&gt;"));
        let m = &s.maintenance[0];
        assert_eq!(maintenance_updated(m, t(20, 3, 0)), m.starts);
        assert_eq!(maintenance_updated(m, t(21, 0, 0)), m.ends);
    }

    #[test]
    fn deterministic() {
        let a = render_feeds(&site(), &Derived::new(&site(), t(16, 0, 0)));
        let b = render_feeds(&site(), &Derived::new(&site(), t(16, 0, 0)));
        assert_eq!(a, b);
    }
}
