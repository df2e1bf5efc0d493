//! Markdown as the feeds, the calendar and the API carry it: sanitised HTML exactly as
//! on the pages, or readable plain text.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::render::escape::clean;

fn md_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn plain_text_leaves_out_script_and_style_content() {
        let md = "Before <script>alert(1)</script> after <STYLE media=x>b{}</STYLE>.\n\n<script>\nsteal()\n</script>\n\nEnd <textarea>t</textarea> <b>bold</b>";
        let out = markdown_to_plain(md);
        assert_eq!(out, "Before  after .\n\nEnd  bold");
        assert!(!out.contains("alert") && !out.contains("steal") && !out.contains("b{}"));
    }
}
