//! The shape of a post-mortem body: its headings (with whether each section has any
//! content) and whether anything has been written at all. Its timeline is read by
//! [`crate::model::timeline`].
//! Read with the same Markdown parser the renderer uses, so a `#` inside a code block
//! is never taken for a heading.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::render::markdown::content_marks;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 for `#` … 6 for `######`.
    pub level: u8,
    /// The heading's text without Markdown markup.
    pub text: String,
    /// 1-based line in the file.
    pub line: usize,
    /// True when something other than HTML comments follows before the next heading
    /// of the same or a higher level.
    pub has_content: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    pub headings: Vec<Heading>,
    /// Nothing written yet: only headings, HTML comments (the prompts of `statusgen new`)
    /// and whitespace.
    pub blank: bool,
}

enum Item {
    Heading(u8, String, usize),
    Content,
}

/// Reads the body of a content file; `body_line` is the file line where it starts.
pub fn outline(body: &str, body_line: usize) -> Outline {
    let line_of = |offset: usize| crate::model::timeline::line_at(body, body_line, offset);
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let mut items = Vec::new();
    let mut heading: Option<(u8, String, usize)> = None;

    let events: Vec<_> = Parser::new_ext(body, opts).into_offset_iter().collect();
    // What counts as written is the renderer's notion, so `check` and the page agree.
    let marks = content_marks(events.iter().map(|(e, _)| e));
    for ((event, range), shows) in events.into_iter().zip(marks) {
        if shows {
            items.push(Item::Content);
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level as u8, String::new(), line_of(range.start)));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text, line)) = heading.take() {
                    let text = text.trim().to_string();
                    items.push(Item::Heading(level, text, line));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text, _)) = &mut heading {
                    text.push_str(&t);
                }
            }
            _ => {}
        }
    }

    let blank = !items.iter().any(|i| matches!(i, Item::Content));
    let mut headings = Vec::new();
    for (idx, item) in items.iter().enumerate() {
        if let Item::Heading(level, text, line) = item {
            let has_content = items[idx + 1..]
                .iter()
                .take_while(|i| !matches!(i, Item::Heading(l, _, _) if l <= level))
                .any(|i| matches!(i, Item::Content));
            headings.push(Heading {
                level: *level,
                text: text.clone(),
                line: *line,
                has_content,
            });
        }
    }
    Outline { headings, blank }
}

/// True when a post-mortem has not been written yet (see [`Outline::blank`]).
pub fn is_blank(body: &str) -> bool {
    crate::render::markdown::is_blank(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_lines_and_content() {
        let body = "## Summary\n\nIt broke.\n\n## Timeline\n<!-- prompt -->\n\n### Detail\n\n## Root cause & factors\n\n```\n# not a heading\n```\n";
        let o = outline(body, 10);
        let got: Vec<(u8, &str, usize, bool)> = o
            .headings
            .iter()
            .map(|h| (h.level, h.text.as_str(), h.line, h.has_content))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, "Summary", 10, true),
                (2, "Timeline", 14, false),
                (3, "Detail", 17, false),
                (2, "Root cause & factors", 19, true),
            ]
        );
        assert!(!o.blank);
    }

    #[test]
    fn a_skeleton_of_headings_and_comments_is_blank() {
        assert!(is_blank(""));
        assert!(is_blank("\n  \n"));
        assert!(is_blank(
            "## Summary\n\n<!-- What happened. -->\n\n## Timeline\n\n<!--\nmulti\nline\n-->\n"
        ));
        assert!(!is_blank("## Summary\n\nWe fixed it.\n"));
        assert!(!is_blank("<div>x</div>\n"));
    }
}
