//! Slugs: from file names, or given in front matter.

/// A file stem turned into a slug: lowercased, every run of characters other than
/// `[a-z0-9]` turned into one `-`, no leading or trailing `-`.
pub fn from_file_stem(stem: &str) -> String {
    let mut out = String::with_capacity(stem.len());
    let mut dash = false;
    for c in stem.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    out
}

/// `[a-z0-9-]+`: safe as one URL path segment and one folder name.
pub fn is_valid(slug: &str) -> bool {
    !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems() {
        assert_eq!(
            from_file_stem("2026-03-14-Auth API outage"),
            "2026-03-14-auth-api-outage"
        );
        assert_eq!(from_file_stem("__Héllo..World__"), "h-llo-world");
        assert_eq!(from_file_stem("..."), "");
    }

    #[test]
    fn validity() {
        assert!(is_valid("2026-03-14-auth"));
        assert!(!is_valid(".."));
        assert!(!is_valid("a/b"));
        assert!(!is_valid("A"));
        assert!(!is_valid(""));
    }
}
