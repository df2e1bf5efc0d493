//! Cleaning text from sources: invisible characters, HTML line breaks in Markdown and
//! in plain-text update messages, and status words written in free text.

use crate::vocabulary::UpdateStatus;

/// What cleaning changed, for the report.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Cleaned {
    pub text: String,
    /// Human descriptions of each kind of change made.
    pub changes: Vec<&'static str>,
}

/// U+FEFF (a BOM in the middle of text) is removed; no-break spaces become spaces.
pub fn clean_chars(s: &str, changes: &mut Vec<&'static str>) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{FEFF}' | '\u{200B}' => {
                push_once(changes, "removed invisible U+FEFF/U+200B characters");
            }
            '\u{00A0}' | '\u{202F}' => {
                push_once(changes, "turned no-break spaces into spaces");
                out.push(' ');
            }
            c => out.push(c),
        }
    }
    out
}

fn push_once(changes: &mut Vec<&'static str>, what: &'static str) {
    if !changes.contains(&what) {
        changes.push(what);
    }
}

/// The end of an HTML tag starting at `s[0] == '<'`, when it is one (`<br />`, `</p>`, `<a href=..>`).
fn tag_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let first = *b.get(1)?;
    if !(first.is_ascii_alphabetic() || first == b'/') {
        return None;
    }
    let end = s.find('>')?;
    if s[1..end].contains(['\n', '<']) {
        return None;
    }
    Some(end + 1)
}

fn tag_name(tag: &str) -> String {
    tag.trim_start_matches('<')
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Markdown body: `<br>` variants become line ends (a hard break inside a paragraph);
/// other HTML is left to the build's sanitizer.
pub fn clean_markdown(s: &str) -> Cleaned {
    let mut changes = Vec::new();
    let s = clean_chars(s, &mut changes);
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let r = &rest[i..];
        match tag_len(r) {
            Some(n) if tag_name(&r[..n]) == "br" => {
                push_once(&mut changes, "turned HTML <br /> into line breaks");
                // A backslash before the line end is CommonMark's hard break; at the
                // end of a paragraph the break means nothing and is dropped.
                let next = r[n..].trim_start_matches([' ', '\t']);
                let after_eol = next
                    .strip_prefix("\r\n")
                    .or_else(|| next.strip_prefix('\n'));
                match after_eol {
                    None if next.is_empty() => {}
                    None => out.push_str("\\\n"),
                    Some(after) => {
                        let blank = after.trim_start_matches([' ', '\t']);
                        if !(blank.is_empty()
                            || blank.starts_with('\n')
                            || blank.starts_with("\r\n"))
                        {
                            out.push('\\');
                        }
                    }
                }
                rest = next;
            }
            _ => {
                out.push('<');
                rest = &r[1..];
            }
        }
    }
    out.push_str(rest);
    Cleaned { text: out, changes }
}

/// A plain-text update message: `<br>` becomes a line end, `</p>` a paragraph break,
/// other tags are removed (their text stays); entities `&amp;` `&lt;` `&gt;` `&quot;`
/// `&#39;` `&nbsp;` are decoded.
pub fn clean_message(s: &str) -> Cleaned {
    let mut changes = Vec::new();
    let s = clean_chars(s, &mut changes);
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        let r = &rest[i..];
        if let Some(after_amp) = r.strip_prefix('&') {
            let ent = [
                ("&amp;", "&"),
                ("&lt;", "<"),
                ("&gt;", ">"),
                ("&quot;", "\""),
                ("&#39;", "'"),
                ("&nbsp;", " "),
            ]
            .into_iter()
            .find(|(e, _)| r.starts_with(e));
            match ent {
                Some((e, t)) => {
                    push_once(&mut changes, "decoded HTML entities");
                    out.push_str(t);
                    rest = &r[e.len()..];
                }
                None => {
                    out.push('&');
                    rest = after_amp;
                }
            }
            continue;
        }
        match tag_len(r) {
            Some(n) => {
                let name = tag_name(&r[..n]);
                match name.as_str() {
                    "br" => {
                        push_once(&mut changes, "turned HTML <br /> into line breaks");
                        out.push('\n');
                    }
                    "p" | "div" | "ul" | "ol" => {
                        if r.starts_with("</") {
                            out.push_str("\n\n");
                        }
                    }
                    "li" if !r.starts_with("</") => out.push_str("\n- "),
                    _ => push_once(&mut changes, "dropped HTML tags (their text is kept)"),
                }
                rest = &r[n..];
            }
            None => {
                out.push('<');
                rest = &r[1..];
            }
        }
    }
    out.push_str(rest);
    // Whitespace the tags left behind.
    let lines: Vec<&str> = out.lines().map(str::trim_end).collect();
    let mut text = lines.join("\n");
    while text.contains("\n\n\n") {
        text = text.replace("\n\n\n", "\n\n");
    }
    Cleaned {
        text: text.trim().to_string(),
        changes,
    }
}

/// A status word in free text (`Resolved`, `*Monitoring* -`, `Update: Identified`).
pub fn status_word(s: &str) -> Option<UpdateStatus> {
    let lower = s.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(4)
        .collect();
    for w in words {
        let st = match w {
            "investigating" | "investigation" | "investigate" => UpdateStatus::Investigating,
            "identified" | "identify" => UpdateStatus::Identified,
            "monitoring" | "monitor" | "watching" | "verifying" => UpdateStatus::Monitoring,
            "resolved" | "resolve" | "fixed" | "completed" | "complete" | "closed"
            | "postmortem" => UpdateStatus::Resolved,
            _ => continue,
        };
        return Some(st);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters() {
        let mut ch = Vec::new();
        assert_eq!(clean_chars("a\u{FEFF}b\u{00A0}c", &mut ch), "ab c");
        assert_eq!(ch.len(), 2);
    }

    #[test]
    fn markdown_breaks() {
        let c = clean_markdown("one<br />two<BR>\nthree <br/>");
        assert_eq!(c.text, "one\\\ntwo\\\nthree ");
        assert_eq!(clean_markdown("end<br>\n\nnext").text, "end\n\nnext");
        assert_eq!(c.changes, vec!["turned HTML <br /> into line breaks"]);
        assert_eq!(clean_markdown("a < b <x").text, "a < b <x");
    }

    #[test]
    fn messages() {
        let c = clean_message("<p>We are <b>on it</b>.</p><p>Next &amp; last<br />line</p>");
        assert_eq!(c.text, "We are on it.\n\nNext & last\nline");
        assert_eq!(clean_message("a < b").text, "a < b");
    }

    proptest::proptest! {
        #[test]
        fn cleaning_never_panics(s in "[<>/&;a-zA-Z \\n\u{FEFF}\u{A0}é]{0,80}") {
            let _ = clean_markdown(&s);
            let _ = clean_message(&s);
            let _ = status_word(&s);
            let _ = crate::import::time::parse(&s, chrono_tz::Tz::UTC);
        }
    }

    #[test]
    fn status_words() {
        assert_eq!(
            status_word("*Resolved* - fixed"),
            Some(UpdateStatus::Resolved)
        );
        assert_eq!(
            status_word("Update: Monitoring"),
            Some(UpdateStatus::Monitoring)
        );
        assert_eq!(status_word("Update"), None);
    }
}
