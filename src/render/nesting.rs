//! Bounds how deeply raw HTML nests before the sanitiser parses it.
//!
//! html5ever (inside ammonia) looks through its stack of open elements for nearly every
//! tag, so N nested elements cost N² steps: 100,000 nested `<div>`s (1.1 MB) took 86 s.
//! Elements opened deeper than [`MAX_DEPTH`] are dropped here, their text kept, and end
//! tags that close nothing open are dropped too (the sanitiser would ignore them), so
//! the parser's stack never exceeds [`MAX_DEPTH`] and every input costs time linear in
//! its size. No real post-mortem nests 256 levels deep.

/// The deepest element nesting passed on to the sanitiser.
pub const MAX_DEPTH: usize = 256;

/// Elements that never hold content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr",
];

/// Formatting elements: closed implicitly (by an outer end tag), the parser keeps them
/// in its list of active formatting elements and opens them again at the next text, so
/// they keep counting towards the depth.
const FORMATTING: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];

/// Elements a sibling of the same name closes (`<li>a<li>b`).
const SELF_CLOSING_SIBLINGS: &[&str] = &[
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "rb", "rt", "rtc", "rp",
    "thead", "tbody", "tfoot",
];

/// `html` with elements nested deeper than [`MAX_DEPTH`] removed (their content kept).
/// Returns the input unchanged (borrowed) when nothing needs removing.
pub fn limit_depth(html: &str) -> std::borrow::Cow<'_, str> {
    let mut stack: Vec<String> = Vec::new();
    // Formatting elements closed implicitly: still active for the parser.
    let mut lingering = 0usize;
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut pos = 0;
    while let Some(off) = html[pos..].find('<') {
        let start = pos + off;
        let rest = &html[start..];
        let Some(len) = tag_len(rest) else {
            // An unterminated tag: the rest is text to the parser; stop here.
            break;
        };
        pos = start + len;
        let keep = match parse_tag(&rest[..len]) {
            Tag::Open(name) => {
                if VOID.contains(&name.as_str()) {
                    true
                } else {
                    if SELF_CLOSING_SIBLINGS.contains(&name.as_str()) && stack.last() == Some(&name)
                    {
                        stack.pop();
                    }
                    if stack.len() + lingering < MAX_DEPTH {
                        stack.push(name);
                        true
                    } else {
                        false
                    }
                }
            }
            Tag::Close(name) => match stack.iter().rposition(|n| *n == name) {
                Some(i) => {
                    lingering += stack[i + 1..]
                        .iter()
                        .filter(|n| FORMATTING.contains(&n.as_str()))
                        .count();
                    stack.truncate(i);
                    true
                }
                None => false,
            },
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

/// The length of the tag starting at `s[0] == '<'`, `None` when it never ends. As in
/// the HTML tokenizer, a quote only opens an attribute value right after `=`, and never
/// inside the tag name (`<a"b>` is a tag named `a"b`).
fn tag_len(s: &str) -> Option<usize> {
    let mut quote = None;
    let mut in_name = true;
    let mut after_eq = false;
    for (i, b) in s.bytes().enumerate().skip(1) {
        match (quote, b) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'>') => return Some(i + 1),
            (None, b'"' | b'\'') if after_eq && !in_name => quote = Some(b),
            _ => {}
        }
        if b.is_ascii_whitespace() || (b == b'/' && i > 1) {
            in_name = false;
        }
        if quote.is_none() && !b.is_ascii_whitespace() {
            after_eq = b == b'=';
        }
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
        for stray in ["<div a\"b>", "<dtion=\"v>", "<x='y>", "<a b=c\"d>"] {
            let html = format!("{}{stray}{}", "<div>".repeat(n), "<div>".repeat(n));
            assert!(depth(&limit_depth(&html)) <= MAX_DEPTH, "{stray}");
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
