//! `maintenance.ics`: the maintenance windows as an iCalendar (RFC 5545) feed that
//! calendar apps subscribe to.
//!
//! Determinism: the same site and `now` give the same bytes. `DTSTAMP` is the build's
//! "now", as RFC 5545 3.8.7.2 defines it for a published calendar (the instant the
//! object was created), never a date in the future; clients order changes by
//! `SEQUENCE`, which stays put for an unchanged window. A cancelled window
//! carries `SEQUENCE:1` so clients that already stored the confirmed version (sequence 0)
//! accept the cancellation.

use chrono::{DateTime, Utc};

use crate::files::OutputFile;
use crate::model::status::maintenance_status;
use crate::render::plain_text::markdown_to_plain;
use crate::render::urls::Urls;
use crate::site::{Maintenance, Site};
use crate::vocabulary::MaintenanceStatus;

const PRODID: &str = "-//statusgen//statusgen//EN";
/// RFC 5545 3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break.
const MAX_OCTETS: usize = 75;

/// Escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma, newlines.
/// Other control characters are not allowed in TEXT and are dropped.
pub fn escape_text(s: &str) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line to at most 75 octets per physical line, continuation lines
/// starting with a space, never splitting a UTF-8 character; ends with CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > MAX_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
    out
}

/// `YYYYMMDDTHHMMSSZ`.
fn utc_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The host of `base_url`, and its path as dot-separated labels so that two sites on one
/// host (GitHub Pages project sites) never share UIDs.
fn uid_domain(urls: &Urls) -> String {
    let base = urls.base();
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    let rest = &base[after_scheme..];
    let host_port = rest.split('/').next().unwrap_or("");
    let host = host_port
        .rsplit_once('@')
        .map(|(_, h)| h)
        .unwrap_or(host_port);
    let host = match host.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host,
    };
    let path: Vec<&str> = urls
        .base_path()
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let host: String = host.chars().filter(|c| !c.is_control()).collect();
    if path.is_empty() {
        host
    } else {
        let path: String = path
            .join(".")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
            .collect();
        format!("{path}.{host}")
    }
}

fn event(
    site: &Site,
    urls: &Urls,
    domain: &str,
    m: &Maintenance,
    now: DateTime<Utc>,
) -> Vec<String> {
    let t = crate::i18n::Texts::resolve(&site.config.language, &site.config.i18n);
    let status = maintenance_status(m, now);
    let url = urls.absolute(&format!("maintenance/{}/", m.slug));
    let names: Vec<String> = m
        .components
        .iter()
        .map(|id| {
            site.component(id)
                .map(|c| c.name.clone())
                .unwrap_or_else(|| id.clone())
        })
        .collect();
    let mut description = markdown_to_plain(&m.body);
    if !description.is_empty() {
        description.push_str("\n\n");
    }
    if !names.is_empty() {
        description.push_str(&t.fmt1("ics_affected", "names", &names.join(", ")));
        description.push('\n');
    }
    description.push_str(&format!(
        "{} {}\n{url}",
        t.get("feed_status_label"),
        t.maintenance_status(status)
    ));
    let cancelled = status == MaintenanceStatus::Cancelled;
    let mut lines = vec![
        "BEGIN:VEVENT".to_string(),
        format!("UID:{}@{domain}", m.slug),
        format!("DTSTAMP:{}", utc_stamp(now)),
        format!("DTSTART:{}", utc_stamp(m.starts)),
        format!("DTEND:{}", utc_stamp(m.ends.max(m.starts))),
        format!("SUMMARY:{}", escape_text(&m.title)),
        format!("DESCRIPTION:{}", escape_text(&description)),
    ];
    lines.push(format!(
        "URL:{}",
        url.chars().filter(|c| !c.is_control()).collect::<String>()
    ));
    lines.push(format!(
        "STATUS:{}",
        if cancelled { "CANCELLED" } else { "CONFIRMED" }
    ));
    lines.push(format!("SEQUENCE:{}", u8::from(cancelled)));
    lines.push("TRANSP:OPAQUE".to_string());
    lines.push("CATEGORIES:MAINTENANCE".to_string());
    lines.push("END:VEVENT".to_string());
    lines
}

/// `maintenance.ics`: one VEVENT per maintenance window, in the site's order.
pub fn render_ics(site: &Site, now: DateTime<Utc>) -> OutputFile {
    let urls = Urls::new(&site.config.base_url);
    let domain = uid_domain(&urls);
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        format!("PRODID:{PRODID}"),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        format!(
            "X-WR-CALNAME:{}",
            escape_text(
                &crate::i18n::Texts::resolve(&site.config.language, &site.config.i18n).fmt1(
                    "ics_name",
                    "site",
                    &site.config.title
                )
            )
        ),
        format!(
            "X-WR-CALDESC:{}",
            escape_text(
                &crate::i18n::Texts::resolve(&site.config.language, &site.config.i18n).fmt1(
                    "ics_description",
                    "site",
                    &site.config.title
                )
            )
        ),
    ];
    for m in &site.maintenance {
        lines.extend(event(site, &urls, &domain, m, now));
    }
    lines.push("END:VCALENDAR".to_string());
    let body: String = lines.iter().map(|l| fold(l)).collect();
    OutputFile::new("maintenance.ics", body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::feeds::tests::{site, t, window};

    #[test]
    fn text_escaping() {
        assert_eq!(
            escape_text("a\\b;c,d\ne\r\nf\u{1}g\th"),
            "a\\\\b\\;c\\,d\\ne\\nfg\th"
        );
    }

    #[test]
    fn folding_keeps_characters_whole() {
        let short = "SUMMARY:short";
        assert_eq!(fold(short), "SUMMARY:short\r\n");
        let line = format!("SUMMARY:{}", "认".repeat(60));
        let folded = fold(&line);
        for physical in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        // Unfolding (drop CRLF + one space) restores the line.
        assert_eq!(folded.trim_end().replace("\r\n ", ""), line);
        let exact = "X".repeat(75);
        assert_eq!(fold(&exact), format!("{exact}\r\n"));
        let over = "X".repeat(76);
        assert_eq!(fold(&over), format!("{}\r\n X\r\n", "X".repeat(75)));
        let emoji = format!("{}😀", "X".repeat(73));
        assert_eq!(fold(&emoji), format!("{}\r\n 😀\r\n", "X".repeat(73)));
    }

    #[test]
    fn calendar_shape() {
        let mut s = site();
        let mut cancelled = window("net, move; now", t(22, 1, 0), t(22, 3, 0));
        cancelled.slug = "net-move".into();
        cancelled.status = Some(MaintenanceStatus::Cancelled);
        s.maintenance.insert(0, cancelled);
        let f = render_ics(&s, t(16, 0, 0));
        assert_eq!(f.path, "maintenance.ics");
        let text = String::from_utf8(f.bytes).unwrap();
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'));
        assert!(text.contains("X-WR-CALNAME:Acme & Co Status: maintenance\r\n"));
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 2);
        assert!(text.contains("UID:db-upgrade@status.acme.github.io\r\n"));
        assert!(text.contains("DTSTART:20260320T020000Z\r\nDTEND:20260320T040000Z\r\n"));
        // The build's now, not the window's (future) start.
        assert!(text.contains("DTSTAMP:20260316T000000Z\r\n"));
        assert!(!text.contains("DTSTAMP:20260320"));
        assert!(text.contains("SUMMARY:Window net\\, move\\; now\r\n"));
        assert!(text.contains("STATUS:CANCELLED\r\nSEQUENCE:1\r\n"));
        assert!(text.contains("STATUS:CONFIRMED\r\nSEQUENCE:0\r\n"));
        assert!(text.contains("URL:https://acme.github.io/status/maintenance/db-upgrade/\r\n"));
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains(
            "DESCRIPTION:We upgrade things.\\n\\nAffected components: Public API\\nStatus: Scheduled\\nhttps://acme.github.io/status/maintenance/db-upgrade/\r\n"
        ));
        assert_eq!(render_ics(&s, t(16, 0, 0)).bytes, text.as_bytes());
    }

    #[test]
    fn uid_domain_at_root_and_with_port() {
        assert_eq!(
            uid_domain(&Urls::new("https://status.acme.com/")),
            "status.acme.com"
        );
        assert_eq!(
            uid_domain(&Urls::new("http://localhost:1111/a/b/")),
            "a.b.localhost"
        );
        assert_eq!(uid_domain(&Urls::new("http://[::1]:8080/")), "[::1]");
    }
}
