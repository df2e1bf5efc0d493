//! JSON files safe to serve beside HTML.

/// Pretty JSON with `<`, `>` and `&` written as `\u003c`, `\u003e`, `\u0026`, so a
/// file pasted into or served beside HTML can never open a tag; outside strings JSON
/// has none of these characters, so replacing them everywhere is exact.
pub fn json_text(value: &impl serde::Serialize) -> Option<String> {
    // Serialising plain structs cannot fail; the caller skips a file rather than panic.
    html_safe(serde_json::to_string_pretty(value).ok()?)
}

/// The same on one line: for exports of tens of MB, where indentation would be a third
/// of the bytes (`jq .` pretty-prints them).
pub fn json_compact_text(value: &impl serde::Serialize) -> Option<String> {
    html_safe(serde_json::to_string(value).ok()?)
}

fn html_safe(mut text: String) -> Option<String> {
    // Most files have none of the three (and some are tens of MB): no second pass.
    if !text.bytes().any(|b| matches!(b, b'<' | b'>' | b'&')) {
        text.push('\n');
        return Some(text);
    }
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
