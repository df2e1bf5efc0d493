//! Request paths: decoding and mapping a request target onto the in-memory site.
//!
//! Nothing here touches the disk. A request can only ever name a key of the built
//! site's file map, so no path trick (`..`, encoded separators, backslashes, symlinks)
//! can reach a file outside the built site.

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// What a request target resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A key of the file map.
    File(String),
    /// Redirect to this root-relative location (already percent-encoded).
    Redirect(String),
    NotFound,
    /// A malformed or hostile target: answered 400 and never looked up.
    BadRequest,
}

/// Characters escaped when a decoded path is put back into a `Location` header.
const PATH_ESCAPES: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Decodes the path of a request target into its segments, refusing anything that could
/// step outside the site once decoded. `Ok((segments, trailing_slash))`.
pub fn decode(target: &str) -> Option<(Vec<String>, bool)> {
    // Only origin-form targets (`/path?query`): absolute URIs and `*` are refused.
    if !target.starts_with('/') || target.starts_with("//") {
        return None;
    }
    let path = target.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    if decoded.contains(['\0', '\\']) || decoded.chars().any(char::is_control) {
        return None;
    }
    let trailing = decoded.ends_with('/');
    let mut segments = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" => continue,
            "." | ".." => return None,
            s => segments.push(s.to_string()),
        }
    }
    Some((segments, trailing))
}

/// Resolves a request target against the files of a site served under `prefix`
/// (the base_url's path, starting and ending with `/`).
pub fn resolve(target: &str, prefix: &str, has: impl Fn(&str) -> bool) -> Resolved {
    let Some((segments, trailing)) = decode(target) else {
        return Resolved::BadRequest;
    };
    // base_url may spell its path percent-encoded; compare decoded segments.
    let prefix_segments: Vec<String> = prefix
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect();
    let under_prefix = segments.len() >= prefix_segments.len()
        && segments.iter().zip(&prefix_segments).all(|(a, b)| a == b);
    if !under_prefix {
        // `/` (or any folder above the sub-path) leads to the site; nothing else exists.
        let above_prefix = segments.iter().zip(&prefix_segments).all(|(a, b)| a == b);
        return if above_prefix {
            Resolved::Redirect(prefix.to_string())
        } else {
            Resolved::NotFound
        };
    }
    let rel = segments[prefix_segments.len()..].join("/");
    if rel.is_empty() {
        if !trailing && !prefix_segments.is_empty() {
            return Resolved::Redirect(prefix.to_string());
        }
        return found(&has, "index.html");
    }
    if trailing {
        return found(&has, &format!("{rel}/index.html"));
    }
    if has(&rel) {
        return Resolved::File(rel);
    }
    if has(&format!("{rel}/index.html")) {
        let location = format!("{prefix}{}/", utf8_percent_encode(&rel, PATH_ESCAPES));
        return Resolved::Redirect(location);
    }
    Resolved::NotFound
}

fn found(has: &impl Fn(&str) -> bool, key: &str) -> Resolved {
    if has(key) {
        Resolved::File(key.to_string())
    } else {
        Resolved::NotFound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILES: &[&str] = &[
        "index.html",
        "feed.xml",
        "incidents/a b/index.html",
        "incidents/x/index.html",
        "404.html",
    ];

    fn r(target: &str, prefix: &str) -> Resolved {
        resolve(target, prefix, |k| FILES.contains(&k))
    }

    fn file(k: &str) -> Resolved {
        Resolved::File(k.into())
    }

    #[test]
    fn serves_files_under_the_prefix() {
        assert_eq!(r("/status/", "/status/"), file("index.html"));
        assert_eq!(r("/status/feed.xml?x=1", "/status/"), file("feed.xml"));
        assert_eq!(
            r("/status/incidents/x/", "/status/"),
            file("incidents/x/index.html")
        );
        assert_eq!(
            r("/status/incidents/a%20b/", "/status/"),
            file("incidents/a b/index.html")
        );
        assert_eq!(r("/feed.xml", "/"), file("feed.xml"));
        assert_eq!(r("/", "/"), file("index.html"));
        assert_eq!(r("/status/nope", "/status/"), Resolved::NotFound);
        assert_eq!(r("/feed.xml", "/status/"), Resolved::NotFound);
        assert_eq!(r("/other/feed.xml", "/status/"), Resolved::NotFound);
    }

    #[test]
    fn redirects_to_the_prefix_and_to_folders() {
        assert_eq!(r("/", "/status/"), Resolved::Redirect("/status/".into()));
        assert_eq!(
            r("/status", "/status/"),
            Resolved::Redirect("/status/".into())
        );
        assert_eq!(r("/a/", "/a/b/"), Resolved::Redirect("/a/b/".into()));
        assert_eq!(r("/a/b", "/a/b/"), Resolved::Redirect("/a/b/".into()));
        assert_eq!(
            r("/status/incidents/x", "/status/"),
            Resolved::Redirect("/status/incidents/x/".into())
        );
        assert_eq!(
            r("/status/incidents/a%20b", "/status/"),
            Resolved::Redirect("/status/incidents/a%20b/".into())
        );
        assert_eq!(
            r("/incidents/x", "/"),
            Resolved::Redirect("/incidents/x/".into())
        );
    }

    #[test]
    fn refuses_traversal_and_odd_targets() {
        for t in [
            "/../site.toml",
            "/status/../site.toml",
            "/%2e%2e/site.toml",
            "/%2E%2E/site.toml",
            "/..%2fsite.toml",
            "/status/..%2f..%2fsite.toml",
            "/static/..%5c..%5csite.toml",
            "/status/a\\b",
            "/status/%00",
            "/status/./index.html",
            "/status/%0a",
            "http://127.0.0.1:1111/status/",
            "//evil.example/x",
            "*",
            "",
            "/%ff",
        ] {
            assert_eq!(r(t, "/status/"), Resolved::BadRequest, "{t}");
        }
    }

    #[test]
    fn decode_keeps_trailing_slash() {
        assert_eq!(decode("/a//b/"), Some((vec!["a".into(), "b".into()], true)));
        assert_eq!(decode("/a?b/"), Some((vec!["a".into()], false)));
    }
}
