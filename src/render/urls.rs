//! Every URL the site emits is built here, so a `base_url` sub-path such as
//! `https://acme.github.io/status/` is honoured everywhere.

/// Builds absolute and root-relative URLs from the site's `base_url`.
#[derive(Debug, Clone)]
pub struct Urls {
    /// Scheme, host and path, ending in `/`.
    base: String,
    /// The path part of `base`, starting and ending in `/` (just `/` at a domain root).
    path: String,
}

impl Urls {
    /// `base_url` must be an absolute http(s) URL; a missing trailing `/` is added.
    pub fn new(base_url: &str) -> Urls {
        let base = crate::base_url::normalize(base_url);
        let path = crate::base_url::path_of(&base).to_string();
        Urls { base, path }
    }

    /// The base URL, ending in `/`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The base path, e.g. `/status/` or `/`.
    pub fn base_path(&self) -> &str {
        &self.path
    }

    /// Root-relative link to a site path such as `incidents/x/` or `feed.xml`.
    pub fn path(&self, site_path: &str) -> String {
        format!("{}{}", self.path, site_path.trim_start_matches('/'))
    }

    /// Absolute URL to a site path, for feeds, sitemaps and APIs.
    pub fn absolute(&self, site_path: &str) -> String {
        format!("{}{}", self.base, site_path.trim_start_matches('/'))
    }

    pub fn incident(&self, slug: &str) -> String {
        self.path(&format!("incidents/{slug}/"))
    }
    pub fn maintenance(&self, slug: &str) -> String {
        self.path(&format!("maintenance/{slug}/"))
    }
    pub fn component(&self, id: &str) -> String {
        self.path(&format!("components/{id}/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_path_is_kept() {
        let u = Urls::new("https://acme.github.io/status");
        assert_eq!(u.base(), "https://acme.github.io/status/");
        assert_eq!(u.base_path(), "/status/");
        assert_eq!(u.path("feed.xml"), "/status/feed.xml");
        assert_eq!(u.incident("a-b"), "/status/incidents/a-b/");
        assert_eq!(
            u.absolute("/atom.xml"),
            "https://acme.github.io/status/atom.xml"
        );
    }

    #[test]
    fn domain_root() {
        let u = Urls::new("https://status.acme.com/");
        assert_eq!(u.base_path(), "/");
        assert_eq!(u.path(""), "/");
        assert_eq!(u.component("api"), "/components/api/");
    }
}
