//! Escaping text for where it goes: the characters XML 1.0 forbids stripped, and HTML
//! escaping (the crate's one escaper, also used by the compiled templates).

use std::borrow::Cow;

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

/// The bytes [`html_escape_into`] looks at: ASCII it replaces or drops, and 0xEF (which
/// starts U+FFFE/U+FFFF).
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = !matches!(b as u8, b'\t' | b'\n' | b'\r');
        b += 1;
    }
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t[0xEF] = true;
    t
};

/// [`html_escape`] into any writer: the compiled pages escape straight into the page.
pub fn html_escape_into(out: &mut impl std::fmt::Write, s: &str) -> std::fmt::Result {
    // Every page escapes thousands of short strings: copy the runs that need nothing
    // in one go. Only ASCII bytes and U+FFFE/U+FFFF (EF BF BE/BF) need handling, and a
    // byte below 0x80 or 0xEF never lies inside a multi-byte character.
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Runs that need nothing are passed over eight bytes, then one byte, at a time.
        while let Some(chunk) = bytes.get(i..i + 8)
            && !chunk.iter().any(|&b| SPECIAL[usize::from(b)])
        {
            i += 8;
        }
        while i < bytes.len() && !SPECIAL[usize::from(bytes[i])] {
            i += 1;
        }
        let Some(&b) = bytes.get(i) else { break };
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
