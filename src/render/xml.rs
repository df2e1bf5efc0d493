//! Text helpers shared by the feed, calendar, API and badge renderers: stripping the
//! characters XML 1.0 forbids, HTML escaping for feed content, Markdown to plain text
//! and sanitised HTML, and the site-timezone display of instants.

use std::borrow::Cow;
use std::io;

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event as XmlEvent};

/// True for characters that may not appear in an XML 1.0 document, even escaped:
/// C0 controls other than tab, LF and CR, and the non-characters U+FFFE and U+FFFF.
/// (Lone surrogates cannot exist in a Rust `str`.)
pub fn is_xml_forbidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// `s` without the characters XML 1.0 forbids; borrows when there are none.
pub fn clean(s: &str) -> Cow<'_, str> {
    // Forbidden characters are ASCII controls or U+FFFE/U+FFFF (EF BF BE/BF): a byte scan
    // finds out whether there are any without decoding the text.
    let bytes = s.as_bytes();
    let suspect = bytes.iter().enumerate().any(|(i, &b)| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
            || (b == 0xEF && bytes.get(i + 1) == Some(&0xBF))
    });
    if suspect && s.chars().any(is_xml_forbidden) {
        Cow::Owned(s.chars().filter(|&c| !is_xml_forbidden(c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    // Writing to a String cannot fail.
    let _ = html_escape_into(&mut out, s);
    out
}

/// [`html_escape`] into any writer: the compiled pages escape straight into the page.
pub fn html_escape_into(out: &mut impl std::fmt::Write, s: &str) -> std::fmt::Result {
    // Every page escapes thousands of short strings: copy the runs that need nothing
    // in one go. Only ASCII bytes and U+FFFE/U+FFFF (EF BF BE/BF) need handling, and a
    // byte below 0x80 or 0xEF never lies inside a multi-byte character.
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (replacement, len): (&str, usize) = match b {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#39;", 1),
            b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            0..=0x1F => ("", 1),
            0xEF if bytes.get(i + 1) == Some(&0xBF)
                && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)) =>
            {
                ("", 3)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.write_str(&s[start..i])?;
        out.write_str(replacement)?;
        i += len;
        start = i;
    }
    out.write_str(&s[start..])
}

fn md_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Pretty JSON with `<`, `>` and `&` written as `\u003c`, `\u003e`, `\u0026`, so a
/// file pasted into or served beside HTML can never open a tag; outside strings JSON
/// has none of these characters, so replacing them everywhere is exact.
pub fn json_text(value: &impl serde::Serialize) -> Option<String> {
    // Serialising plain structs cannot fail; the caller skips a file rather than panic.
    let text = serde_json::to_string_pretty(value).ok()?;
    let mut out = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out.push('\n');
    Some(out)
}

/// Markdown rendered and sanitised exactly as on the pages, for feed content.
pub fn markdown_to_html(md: &str) -> String {
    crate::render::markdown::render_markdown(&clean(md)).html
}

/// Markdown reduced to readable plain text (for calendars and the JSON API):
/// blocks separated by blank lines, list items on their own lines, markup and raw
/// HTML dropped, link targets kept in parentheses.
pub fn markdown_to_plain(md: &str) -> String {
    let mut out = String::new();
    let mut links: Vec<String> = Vec::new();
    let block_break = |out: &mut String| {
        let trimmed = out.trim_end_matches([' ', '\n']).len();
        out.truncate(trimmed);
        if !out.is_empty() {
            out.push_str("\n\n");
        }
    };
    // The content of raw `<script>`, `<style>` and similar is code, not text.
    let mut skipping: Option<&'static str> = None;
    for event in Parser::new_ext(md, md_options()) {
        if let Some(name) = skipping {
            if let Event::InlineHtml(h) | Event::Html(h) = &event
                && is_end_tag(h, name)
            {
                skipping = None;
            }
            continue;
        }
        if let Event::InlineHtml(h) | Event::Html(h) = &event {
            skipping = RAW_TEXT
                .iter()
                .copied()
                .find(|name| is_start_tag(h, name) && !is_end_tag(h, name));
            continue;
        }
        match event {
            Event::Start(Tag::Item) => {
                let trimmed = out.trim_end_matches(' ').len();
                out.truncate(trimmed);
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str("- ");
            }
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(dest) = links.pop()
                    && !dest.is_empty()
                    && !out.ends_with(dest.as_str())
                {
                    out.push_str(" (");
                    out.push_str(&dest);
                    out.push(')');
                }
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::List(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::Table,
            ) => block_break(&mut out),
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => out.push('\n'),
            Event::End(TagEnd::TableCell) => out.push_str(" | "),
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::Rule => block_break(&mut out),
            _ => {}
        }
    }
    clean(out.trim()).into_owned()
}

/// Elements whose content is not text for a reader.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "template", "noscript", "iframe", "xmp",
];

/// Whether raw HTML `h` opens element `name` (`<script>`, `<STYLE media=x>`).
fn is_start_tag(h: &str, name: &str) -> bool {
    tag_named(h.trim_start().strip_prefix('<'), name)
}

/// Whether raw HTML `h` contains the end tag of `name`.
fn is_end_tag(h: &str, name: &str) -> bool {
    let lower = h.to_ascii_lowercase();
    lower
        .match_indices("</")
        .any(|(i, _)| tag_named(Some(&lower[i + 2..]), name))
}

fn tag_named(rest: Option<&str>, name: &str) -> bool {
    rest.and_then(|r| {
        r.get(..name.len())
            .filter(|n| n.eq_ignore_ascii_case(name))
            .map(|_| &r[name.len()..])
    })
    .is_some_and(|after| {
        after.is_empty()
            || after.starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
    })
}

/// An instant as people read it, on pages and in feeds: site-local time with the zone
/// and its UTC offset, e.g. `14 Mar 2026, 10:36 CET (UTC+01:00)`.
pub fn local_time(t: DateTime<Utc>, tz: Tz) -> String {
    use chrono::{Datelike, Offset, Timelike};
    use chrono_tz::OffsetName;
    // Built by hand rather than with `format`: every page shows many times and
    // strftime parsing was a visible share of a large build.
    use std::fmt::Write;
    let local = t.with_timezone(&tz);
    let abbr = local.offset().abbreviation().unwrap_or("");
    let secs = local.offset().fix().local_minus_utc();
    let mut out = String::with_capacity(40);
    let _ = write!(
        out,
        "{} {} {}, {:02}:{:02}",
        local.day(),
        MONTHS[local.month0() as usize],
        local.year(),
        local.hour(),
        local.minute()
    );
    // Zones without a letter abbreviation print "+03"; UTC needs no offset.
    if abbr == "UTC" && secs == 0 {
        out.push_str(" UTC");
        return out;
    }
    if !(abbr.starts_with(['+', '-']) || abbr.is_empty()) {
        out.push(' ');
        out.push_str(abbr);
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let _ = write!(
        out,
        " (UTC{sign}{:02}:{:02})",
        secs.abs() / 3600,
        secs.abs() % 3600 / 60
    );
    out
}

/// English month abbreviations, as `%b` prints them.
pub const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A date as people read it, e.g. `14 Mar 2026`.
pub fn local_date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// ISO 8601 in the site timezone with its offset and milliseconds, as Statuspage writes
/// (`2026-03-14T10:36:00.000+01:00`).
pub fn iso_local(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz)
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A writer that indents by two spaces, with the XML declaration already written.
pub fn new_writer() -> io::Result<Writer<Vec<u8>>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(XmlEvent::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    Ok(w)
}

/// `<name>text</name>` with the text cleaned and escaped.
pub fn text_element(w: &mut Writer<Vec<u8>>, name: &str, text: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(&clean(text)))?;
    Ok(())
}

/// Finishes a document: a trailing newline, then the bytes.
pub fn finish(w: Writer<Vec<u8>>) -> Vec<u8> {
    let mut bytes = w.into_inner();
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn strips_only_forbidden_characters() {
        let s = "a\u{0}b\u{1}\tc\nd\re\u{B}\u{C}\u{1F}f\u{FFFE}\u{FFFF}g\u{7F}é😀中";
        assert_eq!(clean(s), "ab\tc\nd\refg\u{7F}é😀中");
        assert!(matches!(clean("plain <&>"), Cow::Borrowed(_)));
    }

    #[test]
    fn clean_drops_only_what_xml_forbids() {
        assert_eq!(
            clean("a\u{1}b\u{FFFE}c\u{FFFF}\u{FFFD}\t\n\r"),
            "abc\u{FFFD}\t\n\r"
        );
        assert!(matches!(clean("plain 障害 \u{FFFD} é"), Cow::Borrowed(_)));
        assert_eq!(clean("\u{0}"), "");
    }

    #[test]
    fn html_escape_keeps_text_and_drops_what_xml_forbids() {
        assert_eq!(html_escape("plain 障害 🔥"), "plain 障害 🔥");
        assert_eq!(html_escape("a\tb\nc\r"), "a\tb\nc\r");
        assert_eq!(html_escape("x\u{FFFE}y\u{FFFF}z\u{FFFD}"), "xyz\u{FFFD}");
        assert_eq!(html_escape("\u{0}\u{1F}<"), "&lt;");
        assert_eq!(html_escape("é&è"), "é&amp;è");
        assert_eq!(html_escape(""), "");
    }

    #[test]
    fn html_escape_covers_quotes_and_controls() {
        assert_eq!(
            html_escape("<script>alert(\"x\" & 'y')</script>\u{1}"),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
    }

    #[test]
    fn markdown_html_is_sanitised() {
        let html = markdown_to_html("Hi <script>alert(1)</script> **there**\u{1}");
        assert!(!html.contains("<script"));
        assert!(html.contains("<strong>there</strong>"));
        assert!(!html.contains('\u{1}'));
    }

    #[test]
    fn markdown_plain_text() {
        let md = "## Plan\n\nWe *upgrade* the [database](https://x.test/db).\nShort break.\n\n- one\n- two\n\n<b>raw</b> tail";
        assert_eq!(
            markdown_to_plain(md),
            "Plan\n\nWe upgrade the database (https://x.test/db). Short break.\n\n- one\n- two\n\nraw tail"
        );
    }

    #[test]
    fn hand_formatting_matches_strftime() {
        for tz in [
            chrono_tz::Europe::Berlin,
            chrono_tz::Asia::Kolkata,
            chrono_tz::America::St_Johns,
            chrono_tz::Asia::Dubai,
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::UTC,
        ] {
            for h in (0..24 * 400).step_by(37) {
                let t =
                    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::hours(h);
                let local = t.with_timezone(&tz);
                let abbr = local.format("%Z").to_string();
                let offset = local.format("%:z").to_string();
                let base = local.format("%-d %b %Y, %H:%M").to_string();
                let want = if abbr == "UTC" && offset == "+00:00" {
                    format!("{base} UTC")
                } else if abbr.starts_with(['+', '-']) || abbr.is_empty() {
                    format!("{base} (UTC{offset})")
                } else {
                    format!("{base} {abbr} (UTC{offset})")
                };
                assert_eq!(local_time(t, tz), want);
                let d = local.date_naive();
                assert_eq!(local_date(d), d.format("%-d %b %Y").to_string());
            }
        }
    }

    #[test]
    fn local_time_has_zone_and_offset() {
        let t = Utc.with_ymd_and_hms(2026, 3, 14, 9, 36, 0).unwrap();
        assert_eq!(
            local_time(t, chrono_tz::Europe::Berlin),
            "14 Mar 2026, 10:36 CET (UTC+01:00)"
        );
        assert_eq!(local_time(t, chrono_tz::UTC), "14 Mar 2026, 09:36 UTC");
        assert_eq!(
            iso_local(t, chrono_tz::Europe::Berlin),
            "2026-03-14T10:36:00.000+01:00"
        );
        assert_eq!(iso_local(t, chrono_tz::UTC), "2026-03-14T09:36:00.000Z");
    }

    #[test]
    fn plain_text_leaves_out_script_and_style_content() {
        let md = "Before <script>alert(1)</script> after <STYLE media=x>b{}</STYLE>.\n\n<script>\nsteal()\n</script>\n\nEnd <textarea>t</textarea> <b>bold</b>";
        let out = markdown_to_plain(md);
        assert_eq!(out, "Before  after .\n\nEnd  bold");
        assert!(!out.contains("alert") && !out.contains("steal") && !out.contains("b{}"));
    }
}
