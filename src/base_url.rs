//! The site's base URL in its one normal form: trimmed, ending in `/`. The loader
//! normalises `base_url` (and `--base-url`) with it, and `render::urls` builds every link
//! from the result, so the two never disagree.
//!
//! And the one check of a site's base URL, for `base_url` in site.toml and `--base-url`
//! alike. Every link, the stylesheet, feeds, the sitemap and the API are built from it,
//! so anything a browser or parser could read as another host, or as a different path,
//! is refused: `https://x.example//evil.example/` makes root-relative links
//! (`//evil.example/...`) point off-site; a backslash is a slash to browsers.

/// `url` trimmed, with a trailing `/` added when missing.
pub fn normalize(url: &str) -> String {
    let mut base = url.trim().to_string();
    if !base.ends_with('/') {
        base.push('/');
    }
    base
}

/// The path part of a normalised base URL, starting and ending in `/` (just `/` at a
/// domain root).
pub fn path_of(base: &str) -> &str {
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    match base[after_scheme..].find('/') {
        Some(i) => &base[after_scheme + i..],
        None => "/",
    }
}

/// Why `url` cannot be a base URL, or `Ok` when it can.
pub fn check(url: &str) -> Result<(), String> {
    if let Some(c) = url.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "contains {}; a URL has no spaces or control characters",
            crate::diag::escape_char(c)
        ));
    }
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return Err("is not an absolute http(s) URL".into());
    };
    if let Some(c) = url
        .chars()
        .find(|c| matches!(c, '\\' | '"' | '<' | '>' | '`' | '{' | '}' | '|' | '^'))
    {
        return Err(format!("contains `{c}`, which links cannot carry safely"));
    }
    if url.contains(['?', '#']) {
        return Err("has a query or fragment (`?` or `#`); give only scheme, host and path".into());
    }
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if authority.is_empty() {
        return Err("has no host".into());
    }
    if authority.contains('@') {
        return Err(
            "has a user name or password (`@`); never put credentials in a public URL".into(),
        );
    }
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let inner = segments.len().saturating_sub(1);
    if segments[..inner].iter().any(|s| s.is_empty()) {
        return Err("has an empty path segment (`//`), which browsers read as another host".into());
    }
    if segments.iter().any(|s| matches!(*s, "." | "..")) {
        return Err("has a `.` or `..` path segment".into());
    }
    match url::Url::parse(url) {
        Ok(u) if u.host_str().is_some_and(|h| !h.is_empty()) => Ok(()),
        Ok(_) => Err("has no host".into()),
        Err(e) => Err(format!("is not a valid URL ({e})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_slash_and_path() {
        assert_eq!(
            normalize(" https://a.test/status "),
            "https://a.test/status/"
        );
        assert_eq!(normalize("https://a.test/"), "https://a.test/");
        assert_eq!(path_of("https://a.test/status/"), "/status/");
        assert_eq!(path_of("https://a.test/"), "/");
    }

    use super::check;

    #[test]
    fn good_base_urls() {
        for ok in [
            "https://status.example.com/",
            "https://status.example.com",
            "https://acme.github.io/status",
            "https://acme.github.io/status/",
            "http://127.0.0.1:1111/status/",
            "http://[::1]:8080/",
            "https://x.example/a%20b/",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn hostile_base_urls() {
        for (bad, why) in [
            ("https://x.example//evil.example/", "empty path segment"),
            ("https://x.example/status//", "empty path segment"),
            ("https:///status/", "no host"),
            ("https://", "no host"),
            ("https://x.example\\evil.example/", "`\\`"),
            ("https://x.example/a b/", "space"),
            ("https://x.example/\r\nSet-Cookie: x", "control"),
            ("https://x.example/?q=1", "query"),
            ("https://x.example/#top", "fragment"),
            ("https://user:pw@x.example/", "credentials"),
            ("https://x.example/a/../b/", "`..`"),
            ("ftp://x.example/", "http(s)"),
            ("//status/", "http(s)"),
            ("javascript:alert(1)", "http(s)"),
            ("https://x.example/\"><script>", "`\"`"),
            ("https://exa mple.com/", "space"),
            ("https://[zz]/", "valid URL"),
        ] {
            let err = check(bad).expect_err(bad);
            assert!(err.contains(why), "{bad}: {err}");
        }
    }
}
