//! Bounds how deeply raw HTML nests before the sanitiser parses it.
//!
//! html5ever (inside ammonia) looks through its stack of open elements for nearly every
//! tag, so N nested elements cost N² steps: 100,000 nested `<div>`s (1.1 MB) took 86 s.
//! Elements opened deeper than [`MAX_DEPTH`] are dropped here, their text kept, and so
//! are end tags that do not close the innermost open element (mis-nested HTML), so the
//! parser's stack stays within a constant factor of [`MAX_DEPTH`] and every input costs
//! time linear in its size. No real post-mortem nests 256 levels deep. The markdown fuzz
//! target checks the bound on the sanitised output.

/// The deepest element nesting passed on to the sanitiser.
pub const MAX_DEPTH: usize = 256;

/// Elements that never hold content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr",
];

/// Elements whose content the parser reads as text, not tags, up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// Where `</name` (any case, then whitespace, `/` or `>`) starts in `s`.
fn find_end_tag(s: &str, name: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    s.match_indices("</").map(|(i, _)| i).find(|&i| {
        let after = i + 2 + name.len();
        bytes
            .get(i + 2..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
            && bytes
                .get(after)
                .is_none_or(|b| b.is_ascii_whitespace() || *b == b'/' || *b == b'>')
    })
}

/// Elements a sibling of the same name closes (`<li>a<li>b`).
const SELF_CLOSING_SIBLINGS: &[&str] = &[
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "rb", "rt", "rtc", "rp",
    "thead", "tbody", "tfoot",
];

/// `html` with elements nested deeper than [`MAX_DEPTH`] removed (their content kept).
/// Returns the input unchanged (borrowed) when nothing needs removing.
pub fn limit_depth(html: &str) -> std::borrow::Cow<'_, str> {
    let mut stack: Vec<String> = Vec::new();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut pos = 0;
    while let Some(off) = html[pos..].find('<') {
        let start = pos + off;
        let rest = &html[start..];
        let next = rest.as_bytes().get(1).copied().unwrap_or(b' ');
        let len = if next.is_ascii_alphabetic()
            || (next == b'/' && rest.as_bytes().get(2).is_some_and(u8::is_ascii_alphabetic))
        {
            tag_len(rest)
        } else if rest.starts_with("<!--") {
            // A comment ends at `-->` (or `<!-->`), quotes and tags inside or not.
            rest[2..]
                .find("-->")
                .map(|i| i + 5)
                .or_else(|| rest.starts_with("<!-->").then_some(5))
        } else if matches!(next, b'!' | b'?' | b'/') {
            // A bogus comment or doctype ends at the first `>`.
            rest.find('>').map(|i| i + 1)
        } else {
            // `<` not starting a tag is text.
            pos = start + 1;
            continue;
        };
        let Some(len) = len else {
            // Unterminated: the parser takes the rest as part of it; nothing follows.
            break;
        };
        pos = start + len;
        let keep = match parse_tag(&rest[..len]) {
            Tag::Open(name) => {
                if VOID.contains(&name.as_str()) {
                    true
                } else if let Some(raw) = RAW_TEXT.iter().find(|r| **r == name) {
                    // Its content is text up to its end tag: skip both.
                    pos = find_end_tag(&html[pos..], raw)
                        .and_then(|i| html[pos + i..].find('>').map(|j| pos + i + j + 1))
                        .unwrap_or(html.len());
                    true
                } else {
                    if SELF_CLOSING_SIBLINGS.contains(&name.as_str()) && stack.last() == Some(&name)
                    {
                        stack.pop();
                    }
                    if stack.len() < MAX_DEPTH {
                        stack.push(name);
                        true
                    } else {
                        false
                    }
                }
            }
            // Only an end tag that closes the innermost open element is passed on. The
            // parser's own rules for other end tags (which may close several elements,
            // or none, depending on scopes and element kinds) are not modelled, so they
            // are dropped: the parser's stack can then never be deeper than this one
            // (apart from the elements it implies, a constant factor). Well-formed HTML
            // only has such end tags.
            // Elements whose end tag is optional (`<li>`, `<p>`) are closed on the way,
            // as the parser's implied end tags do.
            Tag::Close(name) => {
                let implied = stack
                    .iter()
                    .rev()
                    .take_while(|n| **n != name && SELF_CLOSING_SIBLINGS.contains(&n.as_str()))
                    .count();
                let at = stack.len() - implied;
                if at > 0 && stack[at - 1] == name {
                    stack.truncate(at - 1);
                    true
                } else {
                    false
                }
            }
            Tag::Other => true,
        };
        if !keep {
            let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
            o.push_str(&html[copied..start]);
            copied = pos;
        }
    }
    match out {
        None => std::borrow::Cow::Borrowed(html),
        Some(mut o) => {
            o.push_str(&html[copied..]);
            std::borrow::Cow::Owned(o)
        }
    }
}

enum Tag {
    Open(String),
    Close(String),
    /// Comments, doctypes, processing instructions and a `<` that starts no tag.
    Other,
}

fn parse_tag(tag: &str) -> Tag {
    let body = &tag[1..];
    let (closing, body) = match body.strip_prefix('/') {
        Some(b) => (true, b),
        None => (false, body),
    };
    // The parser's tag name: everything up to whitespace, `/` or `>`.
    let name: String = body
        .chars()
        .take_while(|c| !c.is_ascii_whitespace() && *c != '/' && *c != '>')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if name.is_empty() || !body.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Tag::Other;
    }
    if closing {
        Tag::Close(name)
    } else {
        Tag::Open(name)
    }
}

/// Where the tokenizer is inside a tag (the HTML tokenizer's states, merged where they
/// behave alike for finding the tag's end).
#[derive(Clone, Copy, PartialEq)]
enum In {
    Name,
    BeforeAttrName,
    AttrName,
    AfterAttrName,
    BeforeValue,
    Quoted(u8),
    Unquoted,
}

/// The length of the tag starting at `s[0] == '<'`, `None` when it never ends. It follows
/// the HTML tokenizer: only a quote right after `attribute=` opens a value, so a quote in
/// a tag name (`<a"b>`), in an attribute name (`<a b"c>`) or after a stray `=`
/// (`<a ="x>`) hides nothing from the bound.
fn tag_len(s: &str) -> Option<usize> {
    let mut state = In::Name;
    for (i, b) in s.bytes().enumerate().skip(1) {
        let ws = b.is_ascii_whitespace();
        state = match (state, b) {
            (In::Quoted(q), b) if b == q => In::BeforeAttrName,
            (In::Quoted(q), _) => In::Quoted(q),
            (_, b'>') => return Some(i + 1),
            // `</`: the end-tag marker, part of the name's start.
            (In::Name, b'/') if i == 1 => In::Name,
            (In::Name, b'/') => In::BeforeAttrName,
            (In::Name, _) if ws => In::BeforeAttrName,
            (In::Name, _) => In::Name,
            (In::BeforeAttrName, _) if ws || b == b'/' => In::BeforeAttrName,
            (In::BeforeAttrName, _) => In::AttrName,
            (In::AttrName | In::AfterAttrName, b'=') => In::BeforeValue,
            (In::AttrName | In::AfterAttrName, b'/') => In::BeforeAttrName,
            (In::AttrName | In::AfterAttrName, _) if ws => In::AfterAttrName,
            (In::AttrName | In::AfterAttrName, _) => In::AttrName,
            (In::BeforeValue, _) if ws => In::BeforeValue,
            (In::BeforeValue, b'"' | b'\'') => In::Quoted(b),
            (In::BeforeValue, _) => In::Unquoted,
            (In::Unquoted, _) if ws => In::BeforeAttrName,
            (In::Unquoted, _) => In::Unquoted,
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth(html: &str) -> usize {
        let mut stack: Vec<String> = Vec::new();
        let mut max = 0;
        let mut pos = 0;
        while let Some(off) = html[pos..].find('<') {
            let start = pos + off;
            let Some(len) = tag_len(&html[start..]) else {
                break;
            };
            pos = start + len;
            match parse_tag(&html[start..pos]) {
                Tag::Open(n) if !VOID.contains(&n.as_str()) => stack.push(n),
                Tag::Close(n) => {
                    if let Some(i) = stack.iter().rposition(|x| *x == n) {
                        stack.truncate(i);
                    }
                }
                _ => {}
            }
            max = max.max(stack.len());
        }
        max
    }

    #[test]
    fn shallow_html_is_untouched() {
        for html in [
            "<p>a <b>b</b> <img src=x alt=\"a>b\"></p>",
            "<ul><li>a<li>b</ul><!-- <div> --><br/>",
            "a < b > c",
            "<div title='<x>'>t</div>",
            "<div",
        ] {
            assert!(
                matches!(limit_depth(html), std::borrow::Cow::Borrowed(_)),
                "{html}"
            );
        }
    }

    #[test]
    fn deep_nesting_is_cut_at_the_limit_and_text_kept() {
        let n = 100_000;
        let html = format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n));
        let out = limit_depth(&html);
        assert_eq!(depth(&out), MAX_DEPTH);
        assert_eq!(out.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(out.matches("</div>").count(), MAX_DEPTH);
        assert!(out.contains(">x<"));
        // Unclosed, and with stray end tags that close nothing.
        let html = "<b x=1></i>".repeat(n);
        let out = limit_depth(&html);
        assert_eq!(depth(&out), MAX_DEPTH);
        assert!(!out.contains("</i>"));
        // A stray quote outside a value does not hide the tags after it, nor a quote
        // in a tag name (found by the markdown fuzz target).
        for stray in [
            "<div a\"b>",
            "<dtion=\"v>",
            "<x='y>",
            "<a b=c\"d>",
            "<di= \"miv>",
            "<a =\"x>",
            "<a b \"c>",
            "<\" style=\"x>",
            "<!-- a=\"x> -->",
            "</ a=\"x>",
            "<script><a b=\"</script>",
            "<textarea><x y='</TEXTAREA >",
        ] {
            let html = format!("{}{stray}{}", "<div>".repeat(n), "<div>".repeat(n));
            let out = limit_depth(&html);
            assert!(out.matches("<div>").count() <= MAX_DEPTH, "{stray}");
        }
        // Names the parser would not match with each other stay apart.
        let html = "<a.b></a.c>".repeat(n);
        assert_eq!(depth(&limit_depth(&html)), MAX_DEPTH);
        // Formatting elements closed by an outer end tag stay active for the parser.
        let html: String = (0..n).map(|i| format!("<p><em a={i}>x</p>")).collect();
        let out = limit_depth(&html);
        assert!(out.matches("<em").count() < MAX_DEPTH);
    }
}
