//! Markdown to safe HTML: the post-mortem bodies and maintenance notes.
//!
//! Authors may write raw HTML in Markdown, and a status page is often fed from
//! many hands, so everything pulldown-cmark emits goes through ammonia before a
//! template may print it with `| safe`.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;

/// A heading of the rendered body, for a table of contents and section checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    /// 2 to 6: a body `#` is demoted to 2 because the page owns the `<h1>`.
    pub level: u8,
    /// Plain text of the heading.
    pub text: String,
    /// Unique within the body, stable across builds.
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct RenderedMarkdown {
    /// Sanitised HTML, safe to print unescaped.
    pub html: String,
    pub headings: Vec<Heading>,
}

/// Ids the page templates use around the body; a heading never takes one of them.
const RESERVED_IDS: &[&str] = &[
    "main",
    "incident-updates",
    "incident-postmortem",
    "incident-actions",
    "incident-contents",
];

/// The post-mortem dialect; the timeline reader reads the same events.
const OPTIONS: Options = crate::model::timeline::OPTIONS;

pub fn render_markdown(md: &str) -> RenderedMarkdown {
    let md = cleaned(md);
    let events: Vec<Event> = Parser::new_ext(&md, OPTIONS).map(footnote_ids).collect();
    render_events(&md, events)
}

/// Markdown parsed with byte offsets, for a caller that reads structure from the events
/// before rendering them with [`render_split`]; `md` has been through [`cleaned`].
pub fn parse(md: &str) -> Vec<(Event<'_>, Range<usize>)> {
    Parser::new_ext(md, OPTIONS).into_offset_iter().collect()
}

/// Renders what [`parse`] read.
pub fn render_parsed<'a>(md: &'a str, events: Vec<(Event<'a>, Range<usize>)>) -> RenderedMarkdown {
    let events = events.into_iter().map(|(e, _)| footnote_ids(e)).collect();
    render_events(md, events)
}

/// Renders parsed Markdown with the top-level blocks inside `cut` taken out: the HTML
/// before the cut (headings, ids and contents as for the whole body) and the HTML after
/// it. `None` when the cut does not fall between top-level blocks.
pub fn render_split<'a>(
    md: &'a str,
    events: Vec<(Event<'a>, Range<usize>)>,
    cut: Range<usize>,
) -> Option<(RenderedMarkdown, String)> {
    let a = events.iter().position(|(_, r)| r.start >= cut.start)?;
    let b = events[a..]
        .iter()
        .position(|(_, r)| r.start >= cut.end)
        .map_or(events.len(), |p| a + p);
    if depth(&events[..a]) != 0 || depth(&events[a..b]) != 0 {
        return None;
    }
    // A paragraph of its own keeps the cut's place while the rest is prepared (its
    // section is not empty, ids stay unique across both parts); the HTML is split there.
    let mut kept = Vec::with_capacity(events.len() - (b - a) + 3);
    let mut events = events.into_iter().map(|(e, _)| footnote_ids(e));
    kept.extend(events.by_ref().take(a));
    kept.extend([
        Event::Start(Tag::Paragraph),
        Event::Text(CowStr::Borrowed(CUT_MARK)),
        Event::End(TagEnd::Paragraph),
    ]);
    kept.extend(events.skip(b - a));
    let (before, mut after) = render_parts(md, kept);
    let after = after.pop().unwrap_or_default();
    // As a block after the cut starts when rendered in one piece.
    let after = if after.is_empty() {
        after
    } else {
        format!("\n{after}")
    };
    Some((before, after))
}

/// Several pieces of Markdown (a timeline's entries) rendered in one parse rather than
/// one each: the HTML of each piece, in order. `None` when a piece's Markdown reaches
/// into the next (an unclosed code fence swallows what follows).
pub fn render_pieces(pieces: &[&str]) -> Option<Vec<String>> {
    let joined = pieces.join(&format!("\n\n{CUT_MARK}\n\n"));
    let md = cleaned(&joined);
    let mut events: Vec<Event> = Parser::new_ext(&md, OPTIONS).map(footnote_ids).collect();
    // The separators, found as paragraphs of their own between blocks, become cuts.
    let mut depth = 0i64;
    for k in 0..events.len() {
        if depth == 0
            && matches!(events[k], Event::Start(Tag::Paragraph))
            && matches!(events.get(k + 1), Some(Event::Text(t)) if t.as_ref() == CUT_MARK)
            && matches!(events.get(k + 2), Some(Event::End(TagEnd::Paragraph)))
        {
            events[k + 1] = Event::Text(CowStr::Borrowed(CUT_MARK));
        }
        depth += nesting(&events[k]);
    }
    let (first, rest) = render_parts(&md, events);
    let parts: Vec<String> = std::iter::once(first.html).chain(rest).collect();
    (parts.len() == pieces.len()).then_some(parts)
}

/// A paragraph that stands for content rendered apart (a timeline, the split between
/// entries rendered in one pass); never in a published page.
pub static CUT_MARK: &str = "statusgen-structured-timeline-4f1c9a";

/// How an event changes the number of open blocks and spans.
fn nesting(e: &Event) -> i64 {
    match e {
        Event::Start(_) => 1,
        Event::End(_) => -1,
        _ => 0,
    }
}

/// How many blocks the events leave open.
fn depth(events: &[(Event, Range<usize>)]) -> i64 {
    events.iter().map(|(e, _)| nesting(e)).sum()
}

fn render_events(md: &str, events: Vec<Event>) -> RenderedMarkdown {
    render_parts(md, events).0
}

/// Renders events; when they hold cuts (placed by [`render_split`], [`render_pieces`]),
/// the HTML after each cut is a part of its own.
fn render_parts(md: &str, mut events: Vec<Event>) -> (RenderedMarkdown, Vec<String>) {
    drop_empty_sections(&mut events);

    let mut used: HashSet<String> = RESERVED_IDS.iter().map(|s| s.to_string()).collect();
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut headings = Vec::new();

    let mut i = 0;
    while i < events.len() {
        let Event::Start(Tag::Heading { level, id, .. }) = &events[i] else {
            i += 1;
            continue;
        };
        let level = demote(*level);
        let explicit = id.as_ref().map(|s| s.to_string());
        let mut text = String::new();
        let mut j = i + 1;
        while j < events.len() {
            match &events[j] {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                Event::SoftBreak | Event::HardBreak => text.push(' '),
                _ => {}
            }
            j += 1;
        }
        let base = explicit
            .map(|e| slugify(&e))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| slugify(&text));
        let id = unique_id(&base, &mut used, &mut counts);
        headings.push(Heading {
            level: level as u8,
            text: text.trim().to_string(),
            id: id.clone(),
        });
        // Attributes and classes from `{ .x key=v }` are dropped on purpose: they could
        // carry styles or handlers, and the theme owns the look.
        events[i] = Event::Start(Tag::Heading {
            level,
            id: Some(CowStr::from(id)),
            classes: vec![],
            attrs: vec![],
        });
        if j < events.len() {
            events[j] = Event::End(TagEnd::Heading(level));
        }
        i = j + 1;
    }

    // Raw HTML needs the full sanitiser. Without it, pulldown-cmark's own output is
    // escaped markup and only the link and image targets need a check, which is far
    // cheaper than parsing the HTML again (most post-mortems have no raw HTML).
    let has_raw_html = events
        .iter()
        .any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
    if !has_raw_html {
        events = safe_links(events);
    }
    // Without raw HTML, only Markdown tables and code blocks make tags the theme hooks.
    let hooks = has_raw_html
        || events
            .iter()
            .any(|e| matches!(e, Event::Start(Tag::Table(_) | Tag::CodeBlock(_))));
    let to_html = |events: Vec<Event>| to_html(events.into_iter(), has_raw_html, hooks, md.len());
    // Only a cut's own text points at the static marker (a static: one address).
    let is_cut = |w: &[Event]| matches!(&w[1], Event::Text(CowStr::Borrowed(t)) if std::ptr::eq(t.as_ptr(), CUT_MARK.as_ptr()));
    let mut parts = Vec::new();
    while let Some(at) = events.windows(3).rposition(is_cut) {
        let mut rest = events.split_off(at);
        rest.drain(..3);
        parts.push(to_html(rest));
    }
    parts.reverse();
    let html = to_html(events);
    (RenderedMarkdown { html, headings }, parts)
}

fn to_html<'a>(
    events: impl Iterator<Item = Event<'a>>,
    has_raw_html: bool,
    hooks: bool,
    len: usize,
) -> String {
    let mut raw = String::with_capacity(len * 3 / 2);
    html::push_html(&mut raw, events);
    let raw = align_classes(raw);
    if has_raw_html {
        let bounded = super::nesting::limit_depth(&raw);
        valid_html(decorate(&SANITIZER.clean(&bounded).to_string()))
    } else if hooks {
        decorate(&raw)
    } else {
        raw
    }
}

/// One line of inline Markdown (a footer, an announcement) as HTML: emphasis, code,
/// strikethrough and links only. Block structure is flattened to text, raw HTML is
/// shown as text, images are reduced to their alt text, and link targets are checked
/// as in post-mortems.
pub fn render_inline(md: &str) -> String {
    let mut events: Vec<Event> = Vec::new();
    for e in Parser::new_ext(md, Options::ENABLE_STRIKETHROUGH) {
        let keep = match e {
            Event::Text(_) | Event::Code(_) => e,
            Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableCell,
            ) => Event::Text(CowStr::from(" ")),
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. }) => e,
            Event::End(
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link,
            ) => e,
            _ => continue,
        };
        events.push(keep);
    }
    let mut html = String::with_capacity(md.len() + 16);
    html::push_html(&mut html, safe_links(events).into_iter());
    html.trim().to_string()
}

/// True when HTML is nothing but comments and whitespace (the prompts `statusgen new`
/// writes under each heading).
pub fn only_comments(html: &str) -> bool {
    let mut rest = html.trim();
    while let Some(after) = rest.strip_prefix("<!--") {
        match after.find("-->") {
            Some(end) => rest = after[end + 3..].trim_start(),
            // An unclosed comment hides the rest of the block.
            None => return true,
        }
    }
    rest.is_empty()
}

/// For each event, whether it puts something a reader sees on the page outside a
/// heading: text, code, an image, a rule, a table, math, a footnote reference, a task
/// box, or raw HTML other than comments. An HTML block is judged whole, at its start
/// (a comment spans several of its events). The one notion of "written" shared by the
/// renderer (which leaves out empty sections) and `check` (which lints them).
pub fn content_marks<'e, 'a: 'e>(events: impl IntoIterator<Item = &'e Event<'a>>) -> Vec<bool> {
    let events: Vec<&Event> = events.into_iter().collect();
    let mut marks = vec![false; events.len()];
    let mut in_heading = 0usize;
    let mut k = 0;
    while k < events.len() {
        match events[k] {
            Event::Start(Tag::Heading { .. }) => in_heading += 1,
            Event::End(TagEnd::Heading(_)) => in_heading = in_heading.saturating_sub(1),
            Event::Start(Tag::HtmlBlock) => {
                let mut html = String::new();
                let mut j = k + 1;
                while j < events.len() && !matches!(events[j], Event::End(TagEnd::HtmlBlock)) {
                    if let Event::Html(t) = events[j] {
                        html.push_str(t);
                    }
                    j += 1;
                }
                marks[k] = !only_comments(&html);
                k = j;
                continue;
            }
            Event::Html(t) => marks[k] = !only_comments(t),
            Event::InlineHtml(t) => marks[k] = in_heading == 0 && !only_comments(t),
            Event::Text(t) | Event::Code(t) => marks[k] = in_heading == 0 && !t.trim().is_empty(),
            Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::FootnoteReference(_)
            | Event::TaskListMarker(_)
            | Event::Rule
            | Event::Start(Tag::Image { .. })
            | Event::Start(Tag::Table(_)) => marks[k] = true,
            _ => {}
        }
        k += 1;
    }
    marks
}

/// True when a body has nothing written yet: only headings, comments and whitespace.
pub fn is_blank(md: &str) -> bool {
    if surely_written(md) {
        return false;
    }
    let events: Vec<Event> = Parser::new_ext(md, OPTIONS).collect();
    !content_marks(&events).into_iter().any(|m| m)
}

/// A cheap, exact answer for written bodies (feeds and the API ask for many): a line that
/// starts with a letter (indented at most 3 spaces), outside HTML comments, right after a
/// blank line, an ATX heading or the start, opens a paragraph, which is content unless an
/// underline makes it a setext heading. False means "not sure": parse.
fn surely_written(md: &str) -> bool {
    let mut lines = md.lines();
    let mut in_comment = false;
    let mut opens_block = true;
    while let Some(line) = lines.next() {
        if in_comment {
            in_comment = !line.contains("-->");
            opens_block = false;
            continue;
        }
        let text = line.trim_start_matches(' ');
        if text.is_empty() {
            opens_block = true;
            continue;
        }
        if let Some(after) = text.strip_prefix("<!--") {
            in_comment = !after.contains("-->");
            opens_block = false;
            continue;
        }
        if opens_block
            && line.len() - text.len() <= 3
            && text.starts_with(char::is_alphabetic)
            && !lines
                .clone()
                .take_while(|l| !l.trim().is_empty())
                .any(is_setext_underline)
        {
            return true;
        }
        opens_block = text.starts_with('#');
    }
    false
}

/// `===` or `---` (spaces around allowed): what turns a paragraph into a heading.
fn is_setext_underline(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && (t.chars().all(|c| c == '=') || t.chars().all(|c| c == '-' || c == ' '))
}

/// Whether what follows a heading shows something before any other heading or raw HTML
/// (false: not sure).
fn opens_with_content(rest: &[Event]) -> bool {
    for e in rest {
        match e {
            Event::Text(t) | Event::Code(t) if !t.trim().is_empty() => return true,
            Event::Start(Tag::Table(_)) | Event::Start(Tag::Image { .. }) | Event::Rule => {
                return true;
            }
            Event::Start(Tag::Heading { .. }) | Event::Html(_) | Event::InlineHtml(_) => {
                return false;
            }
            _ => {}
        }
    }
    false
}

/// Removes every heading whose section (up to the next heading of the same or a higher
/// level) holds nothing but comments and whitespace, so a skeleton from
/// `statusgen new` publishes no empty headings. The comments are left for the
/// sanitiser, which drops them.
fn drop_empty_sections(events: &mut Vec<Event>) {
    // In a written body every heading is soon followed by text, a table or the like:
    // nothing to drop, and no need to look further.
    let clearly_written = events.iter().enumerate().all(|(k, e)| {
        !matches!(e, Event::End(TagEnd::Heading(_))) || opens_with_content(&events[k + 1..])
    });
    if clearly_written {
        return;
    }
    let marks = content_marks(events.iter());
    // (start, end, level) of every heading.
    let mut headings: Vec<(usize, usize, HeadingLevel)> = Vec::new();
    for (k, e) in events.iter().enumerate() {
        if let Event::Start(Tag::Heading { level, .. }) = e {
            let end = events[k..]
                .iter()
                .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
                .map_or(events.len() - 1, |n| k + n);
            headings.push((k, end, *level));
        }
    }
    let mut drop = vec![false; events.len()];
    for (n, (start, end, level)) in headings.iter().enumerate() {
        let section_end = headings[n + 1..]
            .iter()
            .find(|(_, _, l)| l <= level)
            .map_or(events.len(), |(s, _, _)| *s);
        if !marks[end + 1..section_end].iter().any(|m| *m) {
            drop[*start..=*end].iter_mut().for_each(|d| *d = true);
        }
    }
    if drop.iter().any(|d| *d) {
        let mut k = 0;
        events.retain(|_| {
            k += 1;
            !drop[k - 1]
        });
    }
}

/// Characters HTML forbids in a document (controls other than tab, LF and CR, and
/// noncharacters such as U+FFFE): a NUL or an escape sequence pasted into a body is
/// dropped rather than published. Borrows when there are none.
pub fn cleaned(md: &str) -> std::borrow::Cow<'_, str> {
    fn disallowed(c: char) -> bool {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            || matches!(c, '\u{fdd0}'..='\u{fdef}')
            || (c as u32 & 0xfffe) == 0xfffe
    }
    // A byte scan settles most bodies: every such character is an ASCII control or
    // starts with one of these lead bytes in UTF-8 (C1 controls 0xC2, U+FDD0.. and
    // U+FFFE 0xEF, the other planes' noncharacters 0xF0..).
    // Branch-free over chunks, so the compiler can use vector instructions.
    let suspect = |b: u8| {
        (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r')
            | (b == 0x7f)
            | (b == 0xc2)
            | (b == 0xef)
            | (b >= 0xf0)
    };
    let any_suspect = md
        .as_bytes()
        .chunks(64)
        .any(|c| c.iter().fold(false, |acc, &b| acc | suspect(b)));
    if any_suspect && md.chars().any(disallowed) {
        std::borrow::Cow::Owned(md.chars().filter(|&c| !disallowed(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(md)
    }
}

/// Footnotes get ids of their own (`fn-NAME`), so `[^main]` cannot take the page's
/// `id="main"` or a heading's id.
fn footnote_ids(e: Event<'_>) -> Event<'_> {
    match e {
        Event::FootnoteReference(name) => {
            Event::FootnoteReference(CowStr::from(format!("{FOOTNOTE_PREFIX}{name}")))
        }
        Event::Start(Tag::FootnoteDefinition(name)) => Event::Start(Tag::FootnoteDefinition(
            CowStr::from(format!("{FOOTNOTE_PREFIX}{name}")),
        )),
        other => other,
    }
}

const FOOTNOTE_PREFIX: &str = "fn-";

/// Column alignment comes out of pulldown-cmark as inline style, which the sanitiser
/// removes: keep it as a class the theme styles.
fn align_classes(html: String) -> String {
    if !html.contains(r#" style="text-align: "#) {
        return html;
    }
    html.replace(r#" style="text-align: left""#, r#" class="align-left""#)
        .replace(r#" style="text-align: center""#, r#" class="align-center""#)
        .replace(r#" style="text-align: right""#, r#" class="align-right""#)
}

/// The theme's hooks on the HTML of a body, in one pass: wide tables and code scroll
/// sideways on phones, and a scrollable region must be reachable by keyboard (WCAG
/// 2.1.1). Every `<` left in sanitised or pulldown-cmark HTML starts a real tag: text
/// that spelled one is escaped by then.
fn decorate(html: &str) -> String {
    const HOOKS: &[(&str, &str)] = &[
        (
            "<table>",
            r#"<div class="table-scroll" tabindex="0" role="region" aria-label="Table"><table>"#,
        ),
        ("</table>", "</table></div>"),
        ("<pre>", r#"<pre tabindex="0">"#),
    ];
    let mut out = String::with_capacity(html.len() + 256);
    let mut copied = 0;
    for (i, _) in html.match_indices('<') {
        let rest = &html[i..];
        if let Some((from, to)) = HOOKS.iter().find(|(from, _)| rest.starts_with(from)) {
            out.push_str(&html[copied..i]);
            out.push_str(to);
            copied = i + from.len();
        }
    }
    out.push_str(&html[copied..]);
    out
}

/// What the sanitiser leaves can still be invalid HTML: a link whose unsafe target was
/// removed keeps its `rel`, and raw `<img>` may lack `alt` or, once an unsafe target is
/// removed, `src`. An image without a text alternative is marked decorative rather than
/// left for screen readers to spell out; one without a source is dropped.
fn valid_html(html: String) -> String {
    let html = html.replace(r#"<a rel="noopener noreferrer">"#, "<a>");
    if !html.contains("<img") {
        return html;
    }
    let mut out = String::with_capacity(html.len() + 16);
    let mut rest = html.as_str();
    while let Some(i) = rest.find("<img") {
        out.push_str(&rest[..i]);
        let tag_len = tag_end(&rest[i..]);
        let tag = &rest[i..i + tag_len];
        if !tag.contains(" src=\"") {
            // Nothing to show (its target was unsafe or missing): drop it.
        } else if tag.contains(" alt=\"") {
            out.push_str(tag);
        } else {
            out.push_str("<img alt=\"\"");
            out.push_str(&tag[4..]);
        }
        rest = &rest[i + tag_len..];
    }
    out.push_str(rest);
    out
}

/// Length of the start tag at the beginning of `s`, reading quoted values whole.
fn tag_end(s: &str) -> usize {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    s.len()
}

/// Link and image targets with a scheme other than http, https or mailto (such as
/// `javascript:`) lose their target, as the sanitiser would remove them; links get the
/// same `rel` the sanitiser adds.
fn safe_links(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    let mut in_image = 0usize;
    for e in events {
        match e {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                // `<ops@example.com>` is an email autolink: its target gets the scheme.
                let dest_url = if link_type == LinkType::Email {
                    CowStr::from(format!("mailto:{dest_url}"))
                } else {
                    dest_url
                };
                let mut a = String::from("<a");
                let safe = url_is_safe(&dest_url);
                if safe {
                    a.push_str(" href=\"");
                    pulldown_cmark_escape::escape_href(&mut a, &dest_url).ok();
                    a.push('"');
                }
                if !title.is_empty() {
                    a.push_str(" title=\"");
                    a.push_str(&crate::render::escape::html_escape(&title));
                    a.push('"');
                }
                // `rel` is only valid on a link that goes somewhere.
                a.push_str(if safe {
                    " rel=\"noopener noreferrer\">"
                } else {
                    ">"
                });
                out.push(Event::InlineHtml(CowStr::from(a)));
            }
            Event::End(TagEnd::Link) => out.push(Event::InlineHtml(CowStr::from("</a>"))),
            Event::Start(Tag::Image { dest_url, .. }) if !url_is_safe(&dest_url) => {
                // Keep the alt text as plain text; drop the image.
                in_image += 1;
            }
            Event::End(TagEnd::Image) if in_image > 0 => in_image -= 1,
            other => out.push(other),
        }
    }
    out
}

/// True for relative URLs and the schemes the sanitiser allows.
fn url_is_safe(url: &str) -> bool {
    let trimmed: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    match trimmed.find([':', '/', '?', '#']) {
        Some(i) if trimmed.as_bytes()[i] == b':' => {
            let scheme = trimmed[..i].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
        _ => true,
    }
}

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        other => other,
    }
}

/// Lowercase letters and digits, other runs turned into one `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

fn unique_id(
    base: &str,
    used: &mut HashSet<String>,
    counts: &mut HashMap<String, usize>,
) -> String {
    let base = if base.is_empty() { "section" } else { base };
    let mut candidate = base.to_string();
    while used.contains(&candidate) {
        let n = counts.entry(base.to_string()).or_insert(0);
        *n += 1;
        candidate = format!("{base}-{n}");
    }
    used.insert(candidate.clone());
    candidate
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer"))
        .add_tag_attributes("h2", ["id"])
        .add_tag_attributes("h3", ["id"])
        .add_tag_attributes("h4", ["id"])
        .add_tag_attributes("h5", ["id"])
        .add_tag_attributes("h6", ["id"])
        // Footnote definitions are `<div class="footnote-definition" id="label">`.
        .add_tag_attributes("div", ["id"])
        .add_allowed_classes("div", ["footnote-definition"])
        .add_allowed_classes("sup", ["footnote-reference", "footnote-definition-label"])
        .add_allowed_classes("th", ["align-left", "align-center", "align-right"])
        .add_allowed_classes("td", ["align-left", "align-center", "align-right"])
        .add_allowed_classes("code", LANGUAGE_CLASSES);
    b
});

/// Fenced code languages keep their class so a theme may style them.
const LANGUAGE_CLASSES: [&str; 12] = [
    "language-text",
    "language-sh",
    "language-bash",
    "language-shell",
    "language-console",
    "language-json",
    "language-yaml",
    "language-toml",
    "language-sql",
    "language-diff",
    "language-log",
    "language-http",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        render_markdown(md).html
    }

    #[test]
    fn inline_markdown_keeps_only_inline_markup() {
        for (md, want) in [
            (
                "© 2026 **Acme** · [Privacy](https://acme.example/p)",
                "© 2026 <strong>Acme</strong> · <a href=\"https://acme.example/p\" rel=\"noopener noreferrer\">Privacy</a>",
            ),
            ("# Big\n\n- one\n- two", "Big one two"),
            (
                "<script>alert(1)</script> & <b>x</b>",
                "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;",
            ),
            (
                "[x](javascript:alert(1)) ![logo](https://e.example/x.png)",
                "<a>x</a> logo",
            ),
            ("`code` and ~~old~~", "<code>code</code> and <del>old</del>"),
        ] {
            assert_eq!(render_inline(md), want, "{md}");
        }
    }

    #[test]
    fn links_without_raw_html_are_checked_too() {
        for md in [
            "[x](javascript:alert(1))",
            "[x]( JaVaScRiPt:alert(1))",
            "[x](&#106;avascript:alert(1))",
            "[x](java\tscript:alert(1))",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "![img](javascript:alert(1))",
            "[x][r]\n\n[r]: vbscript:msgbox",
        ] {
            let out = html(md);
            for attr in ["href=\"", "src=\""] {
                for (i, _) in out.match_indices(attr) {
                    let value = out[i + attr.len()..]
                        .split('"')
                        .next()
                        .unwrap_or("")
                        .to_lowercase();
                    assert!(
                        !value.contains("script:") && !value.starts_with("data:"),
                        "{md} -> {out}"
                    );
                }
            }
        }
        let out =
            html("[ok](https://example.com/a?b=1&c=2 \"T\") and <https://x.test> and [rel](../x)");
        assert!(out.contains(r#"<a href="https://example.com/a?b=1&amp;c=2" title="T" rel="noopener noreferrer">ok</a>"#), "{out}");
        assert!(out.contains(r#"href="../x""#), "{out}");
        assert_eq!(html("![alt text](javascript:x)"), "<p>alt text</p>\n");
    }

    #[test]
    fn sanitised_html_stays_valid() {
        let out = html(
            "<img src=\"https://x.test/a.png\" onerror=\"x\" title=\"a > b\"> [x](javascript:y) <a href=\"javascript:z\">z</a> <img alt=\"chart\" src=\"https://x.test/c.png\">",
        );
        assert!(
            out.contains(r#"<img alt="" src="https://x.test/a.png" title="a &gt; b">"#)
                || out.contains(r#"<img alt="" src="https://x.test/a.png" title="a > b">"#),
            "{out}"
        );
        assert!(out.contains(r#"<img alt="chart""#), "{out}");
        assert!(
            !out.contains("rel=\"noopener noreferrer\">x") && !out.contains("<a rel"),
            "{out}"
        );
        assert_eq!(html("[x](javascript:y)"), "<p><a>x</a></p>\n");
        assert_eq!(
            html("<img onerror=\"x\"> <img src=\"javascript:x\">"),
            "<p> </p>\n"
        );
    }

    #[test]
    fn both_paths_agree_on_plain_links() {
        // The same link rendered with and without raw HTML elsewhere in the body.
        let plain = html("[a](https://x.test/)");
        let mixed = html("[a](https://x.test/) <b>b</b>");
        assert!(
            plain.contains(r#"<a href="https://x.test/" rel="noopener noreferrer">a</a>"#),
            "{plain}"
        );
        assert!(
            mixed.contains(r#"<a href="https://x.test/" rel="noopener noreferrer">a</a>"#),
            "{mixed}"
        );
    }

    /// No executable content or handler may survive, whatever the spelling.
    fn assert_inert(out: &str) {
        let lower = out.to_lowercase();
        for bad in [
            "<script",
            "onerror",
            "onload",
            "onclick",
            "javascript:",
            "data:",
            "<iframe",
            "<svg",
            "style=",
            "<style",
            "<object",
            "<embed",
            "<form",
        ] {
            assert!(!lower.contains(bad), "`{bad}` survived in {out}");
        }
    }

    #[test]
    fn hostile_inputs_are_neutralised() {
        let cases = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            r#"<a href="JaVaScRiPt:alert(1)">x</a>"#,
            r#"<a href=" javascript:alert(1)">x</a>"#,
            "<iframe src=\"https://evil.example\"></iframe>",
            "<svg onload=alert(1)><circle r=1 /></svg>",
            "![x](data:text/html;base64,PHNjcmlwdD4=)",
            r#"<p style="background:url(javascript:alert(1))">x</p>"#,
            "<style>body{display:none}</style>",
            "<object data=x></object><embed src=x><form action=x><input></form>",
            "# T {onclick=alert(1) style=color:red}",
            "<div onmouseover=\"alert(1)\">hover</div>",
        ];
        for md in cases {
            assert_inert(&html(md));
        }
        // Script bodies are dropped, not shown as text.
        assert!(!html("<script>alert(1)</script>").contains("alert"));
    }

    #[test]
    fn links_get_rel_and_keep_safe_urls() {
        let out = html("[docs](https://example.com/a?b=1&c=2) and [rel](/status/x/)");
        assert!(
            out.contains(r#"href="https://example.com/a?b=1&amp;c=2""#),
            "{out}"
        );
        assert!(out.contains(r#"rel="noopener noreferrer""#), "{out}");
        assert!(out.contains(r#"href="/status/x/""#), "{out}");
    }

    #[test]
    fn email_autolinks_keep_mailto_on_both_paths() {
        let fast = html("Write to <ops@example.com>.");
        assert!(
            fast.contains(r#"<a href="mailto:ops@example.com" rel="noopener noreferrer">"#),
            "{fast}"
        );
        let sanitised = html("Write to <ops@example.com>. <b>x</b>");
        assert!(
            sanitised.contains(r#"href="mailto:ops@example.com""#),
            "{sanitised}"
        );
    }

    #[test]
    fn footnotes_never_take_page_or_heading_ids() {
        for md in [
            "# Main\n\nSee[^main].\n\n[^main]: note\n",
            "See[^main] <b>raw</b>.\n\n[^main]: note\n",
        ] {
            let out = html(md);
            assert!(!out.contains(r#"id="main""#), "{out}");
            assert!(!out.contains(r##"href="#main""##), "{out}");
        }
        let out = html("See[^main].\n\n[^main]: note\n");
        assert!(out.contains(r#"id="fn-main""#), "{out}");
        assert!(out.contains(r##"href="#fn-main""##), "{out}");
    }

    #[test]
    fn controls_and_noncharacters_never_reach_pages() {
        for md in [
            "a\0b \x1b[31mred\u{fffe}\u{7f}\u{85}",
            "<b>a\0b \x1b[31m\u{fffe}</b>",
        ] {
            let out = html(md);
            assert!(
                !out.chars()
                    .any(|c| (c.is_control() && c != '\n') || c == '\u{fffe}'),
                "{out:?}"
            );
            assert!(out.contains("[31m"), "{out:?}");
        }
    }

    #[test]
    fn tables_footnotes_strikethrough_render() {
        let md = "| a | b |\n|:--|--:|\n| 1 | 2 |\n\n~~old~~ text[^n]\n\n[^n]: The note.\n";
        let out = html(md);
        assert!(out.contains("<table>"), "{out}");
        assert!(out.contains(r#"<th class="align-left">a</th>"#), "{out}");
        assert!(out.contains(r#"<td class="align-right">2</td>"#), "{out}");
        assert!(out.contains("<del>old</del>"), "{out}");
        assert!(out.contains(r##"<a href="#fn-n""##), "{out}");
        assert!(
            out.contains(r#"<div class="footnote-definition" id="fn-n">"#),
            "{out}"
        );
    }

    #[test]
    fn headings_get_unique_deterministic_ids_and_h1_is_demoted() {
        let md = "# Summary\n\ns\n\n## Root cause\n\ntext\n\n## Root cause\n\n### Root  cause!\n\nx\n\n## Détails `code`\n\nd\n\n## Main\n\nm\n";
        let r = render_markdown(md);
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "summary",
                "root-cause",
                "root-cause-1",
                "root-cause-2",
                "détails-code",
                "main-1"
            ]
        );
        assert_eq!(r.headings[0].level, 2);
        assert_eq!(r.headings[4].text, "Détails code");
        assert!(
            r.html.contains(r#"<h2 id="summary">Summary</h2>"#),
            "{}",
            r.html
        );
        assert!(!r.html.contains("<h1"));
        assert!(r.html.contains(r#"<h3 id="root-cause-2">"#));
        assert_eq!(render_markdown(md), r);
    }

    #[test]
    fn explicit_heading_id_is_kept_but_made_safe_and_unique() {
        let r =
            render_markdown("## A {#custom}\n\na\n\n## B {#custom}\n\nb\n\n## C {#\"><x}\n\nc\n");
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids[..2], ["custom", "custom-1"]);
        assert!(ids[2].chars().all(|c| c.is_alphanumeric() || c == '-'));
        assert!(!r.html.contains("<x"), "{}", r.html);
    }

    #[test]
    fn a_split_body_keeps_ids_unique_and_every_block() {
        let md =
            "## Impact\n\nSome.\n\n## Timeline\n\n- 10:00 a\n- 11:00 b\n\n## Impact\n\nMore.\n";
        let cut = md.find("- 10:00").unwrap()..md.find("## Impact\n\nMore").unwrap();
        let (before, after) = render_split(md, parse(md), cut).unwrap();
        assert!(
            before.html.ends_with("<h2 id=\"timeline\">Timeline</h2>\n"),
            "{}",
            before.html
        );
        assert_eq!(after, "\n<h2 id=\"impact-1\">Impact</h2>\n<p>More.</p>\n");
        assert_eq!(before.headings.len(), 3);
        assert!(!before.html.contains("10:00") && !after.contains("10:00"));
        // Rendered in one piece, the same blocks in the same order.
        let whole = render_markdown(md).html;
        assert!(whole.starts_with(&before.html) && whole.ends_with(&after));
        // A cut inside a block is refused; text that looks like the marker is text.
        let quoted = "> - 10:00 a\n> - 11:00 b\n";
        assert!(render_split(quoted, parse(quoted), 2..quoted.len()).is_none());
        let mark = format!("## Timeline\n\n{CUT_MARK}\n\n- 10:00 a\n");
        let (before, after) =
            render_split(&mark, parse(&mark), mark.find("- 10").unwrap()..mark.len()).unwrap();
        assert!(before.html.contains(&format!("<p>{CUT_MARK}</p>")) && after.is_empty());
    }

    #[test]
    fn only_forbidden_characters_are_cleaned() {
        for ok in [
            "plain",
            "tab\tand\r\nlines",
            "é — 日本 😀 \u{a0} \u{feff}",
            "",
        ] {
            assert!(
                matches!(cleaned(ok), std::borrow::Cow::Borrowed(s) if s == ok),
                "{ok:?}"
            );
        }
        for (bad, want) in [
            ("a\u{0}b", "ab"),
            ("a\u{1b}[31mb", "a[31mb"),
            ("a\u{7f}\u{85}b", "ab"),
            ("a\u{fdd0}\u{fffe}\u{1fffe}\u{10ffff}b", "ab"),
        ] {
            assert_eq!(cleaned(bad), want, "{bad:?}");
        }
    }

    #[test]
    fn sections_with_nothing_written_are_left_out() {
        // What `statusgen new` writes: headings with prompt comments only.
        let skeleton = "<!-- intro -->\n\n## Summary\n\n<!-- What happened. -->\n\n## Timeline\n\n<!--\nmulti\nline\n-->\n\n### Detail\n\n## Impact\n";
        let r = render_markdown(skeleton);
        assert!(r.headings.is_empty(), "{:?}", r.headings);
        assert_eq!(r.html.trim(), "", "{}", r.html);
        assert!(is_blank(skeleton));
        // Written sections stay, with their written sub-sections; empty ones go.
        let md = "## Summary\n\nWe fixed it.\n\n## Timeline\n\n<!-- prompt -->\n\n### Detail\n\n| a |\n|---|\n| 1 |\n\n## Impact\n\n<!-- prompt -->\n\n## Lessons\n\n---\n";
        let r = render_markdown(md);
        let kept: Vec<&str> = r.headings.iter().map(|h| h.text.as_str()).collect();
        assert_eq!(kept, ["Summary", "Timeline", "Detail", "Lessons"]);
        assert!(!r.html.contains("Impact"), "{}", r.html);
        assert!(!r.html.contains("prompt"), "{}", r.html);
        assert!(!is_blank(md));
        // A raw HTML block other than a comment is content.
        assert!(!is_blank("## A\n\n<div>x</div>\n"));
        assert_eq!(render_markdown("## A\n\n<div>x</div>\n").headings.len(), 1);
    }

    #[test]
    fn the_quick_written_test_agrees_with_the_parse() {
        let parsed = |md: &str| {
            let events: Vec<Event> = Parser::new_ext(md, OPTIONS).collect();
            !content_marks(&events).into_iter().any(|m| m)
        };
        for md in [
            "",
            "## Summary\n\nWe fixed it.\n",
            "## Summary\nWe fixed it.\n",
            "Summary\n=======\n",
            "Summary\nmore\n---\n",
            "<!--\nText inside\n-->\n",
            "<!-- a --> \n\nText after\n",
            "[ref]:\n  http://x.test\n",
            "    indented code\n",
            "Name | Value\n--- | ---\n",
            "## A\n\n<!-- prompt -->\n\n## B\n",
            "- \n",
            "Ünïcode text\n",
        ] {
            if surely_written(md) {
                assert!(!parsed(md), "{md:?} is blank when parsed");
            }
            assert_eq!(is_blank(md), parsed(md), "{md:?}");
        }
        assert!(surely_written("## Summary\n\nWe fixed it.\n"));
        assert!(!surely_written("Summary\n=======\n"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Bodies made of the pieces that decide it: the quick test never calls a blank
        /// body written, and `is_blank` always answers as the full parse does.
        #[test]
        fn the_quick_test_is_exact_on_random_bodies(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "## Summary", "Summary", "text", "   text", "    code", "===", "---", "- ",
                "<!--", "-->", "<!-- c -->", "[r]:", "  http://x", "| a |", "|---|", "> q",
                "```", "", "#", "<div>", "1.",
            ]), 0..10),
        ) {
            let md = pieces.join("\n");
            let events: Vec<Event> = Parser::new_ext(&md, OPTIONS).collect();
            let parsed = !content_marks(&events).into_iter().any(|m| m);
            proptest::prop_assert!(!(surely_written(&md) && parsed), "{:?}", md);
            proptest::prop_assert_eq!(is_blank(&md), parsed);
        }
    }

    #[test]
    fn empty_and_symbol_headings_get_an_id() {
        let r = render_markdown("## !!!\n\na\n\n##\n\nb\n");
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["section", "section-1"]);
    }
}
