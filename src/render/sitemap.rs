//! `sitemap.xml` and `robots.txt`, from the list of files the build produced, so
//! pages other renderers add (uptime, components) are listed too.

use crate::files::OutputFile;
use crate::render::urls::Urls;

/// The sitemap and robots.txt for every HTML page among `files` except `404.html`.
pub fn sitemap(urls: &Urls, paths: &[&str]) -> Vec<OutputFile> {
    let mut locs: Vec<String> = paths
        .iter()
        .filter(|p| p.ends_with(".html") && **p != "404.html")
        .map(|p| urls.absolute(p.strip_suffix("index.html").unwrap_or(p)))
        .collect();
    locs.sort();
    locs.dedup();

    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for loc in &locs {
        xml.push_str("  <url><loc>");
        xml.push_str(&escape_xml(loc));
        xml.push_str("</loc></url>\n");
    }
    xml.push_str("</urlset>\n");

    let robots = format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        urls.absolute("sitemap.xml")
    );
    vec![
        OutputFile::new("robots.txt", robots),
        OutputFile::new("sitemap.xml", xml),
    ]
}

fn escape_xml(s: &str) -> String {
    crate::render::escape::html_escape(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_pages_sorted_absolute_and_escaped() {
        let urls = Urls::new("https://acme.github.io/status/");
        let paths = [
            "incidents/b/index.html",
            "index.html",
            "404.html",
            "style.css",
            "feed.xml",
            "incidents/a&b/index.html",
            "history/page/2/index.html",
            "legal.html",
        ];
        let out = sitemap(&urls, &paths);
        let paths: Vec<&str> = out.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["robots.txt", "sitemap.xml"]);
        let xml = String::from_utf8(out[1].bytes.clone()).expect("utf-8");
        let locs: Vec<&str> = xml
            .lines()
            .filter_map(|l| l.trim().strip_prefix("<url><loc>"))
            .filter_map(|l| l.strip_suffix("</loc></url>"))
            .collect();
        assert_eq!(
            locs,
            [
                "https://acme.github.io/status/",
                "https://acme.github.io/status/history/page/2/",
                "https://acme.github.io/status/incidents/a&amp;b/",
                "https://acme.github.io/status/incidents/b/",
                "https://acme.github.io/status/legal.html",
            ]
        );
        assert!(!xml.contains("404"));
        let robots = String::from_utf8(out[0].bytes.clone()).expect("utf-8");
        assert!(robots.contains("Sitemap: https://acme.github.io/status/sitemap.xml\n"));
    }

    #[test]
    fn sitemap_parses_as_xml() {
        let urls = Urls::new("https://status.acme.com/");
        let xml = sitemap(&urls, &["incidents/x'y/index.html"])
            .remove(1)
            .bytes;
        let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
        let mut buf = Vec::new();
        let mut text = String::new();
        loop {
            match reader.read_event_into(&mut buf).expect("valid xml") {
                quick_xml::events::Event::Eof => break,
                quick_xml::events::Event::Text(t) => {
                    text.push_str(&t[..]);
                }
                quick_xml::events::Event::GeneralRef(r) => {
                    let name = &r[..];
                    text.push_str(match name {
                        "apos" | "#39" => "'",
                        "amp" => "&",
                        other => other,
                    });
                }
                _ => {}
            }
            buf.clear();
        }
        assert!(
            text.contains("https://status.acme.com/incidents/x'y/"),
            "{text}"
        );
    }
}
