//! `[brand]` and `[announcement]` of `site.toml`: how a site looks like its company
//! without copying templates (docs/branding.md).

use std::sync::Arc;

use chrono::{DateTime, Utc};

/// The site's branding. Every part is optional; the default is the plain theme.
#[derive(Debug, Clone, Default)]
pub struct Brand {
    pub logo: Option<Logo>,
    /// `#rrggbb`, lowercase: links and accents in the light scheme.
    pub accent: Option<String>,
    /// `#rrggbb`, lowercase: the same in the dark scheme.
    pub accent_dark: Option<String>,
    /// Header links (main site, support, contact …), in config order.
    pub links: Vec<BrandLink>,
    /// Inline Markdown shown in the footer.
    pub footer: Option<String>,
    /// A stylesheet of the site, linked after the theme's.
    pub stylesheet: Option<Asset>,
}

impl Brand {
    /// The files the build copies into the output, each under [`Asset::output_path`].
    pub fn assets(&self) -> impl Iterator<Item = &Asset> {
        let logo = self
            .logo
            .iter()
            .flat_map(|l| std::iter::once(&l.light).chain(&l.dark));
        logo.chain(&self.stylesheet)
    }
}

#[derive(Debug, Clone)]
pub struct Logo {
    pub light: Asset,
    /// Shown instead of `light` when the reader prefers a dark scheme.
    pub dark: Option<Asset>,
    pub alt: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandLink {
    pub label: String,
    /// `http(s)://…` or `mailto:…`, checked by the loader.
    pub url: String,
}

/// A file of the site the build copies into the output.
#[derive(Clone)]
pub struct Asset {
    /// Path relative to the site root, with `/` separators (as written in site.toml,
    /// normalised).
    pub source: String,
    /// 1-based line in site.toml of the key that names it, for messages.
    pub line: usize,
    /// Filled by the loader, which reads the file through the root boundary.
    pub bytes: Arc<[u8]>,
}

impl Asset {
    pub fn new(source: &str, line: usize) -> Asset {
        Asset {
            source: source.to_string(),
            line,
            bytes: Arc::from(Vec::new()),
        }
    }

    /// Where the build writes it: under `brand/`, keeping the site's own path so two
    /// files cannot collide.
    pub fn output_path(&self) -> String {
        format!("brand/{}", self.source)
    }
}

impl std::fmt::Debug for Asset {
    // The bytes only by size and a hash: a configuration is hashed through `Debug`
    // (serve's caches), and a logo's bytes printed out would dwarf the rest.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        self.bytes.hash(&mut h);
        write!(
            f,
            "Asset({}, {} bytes, {:016x})",
            self.source,
            self.bytes.len(),
            h.finish()
        )
    }
}

/// A notice shown at the top of every page until it expires.
#[derive(Debug, Clone, PartialEq)]
pub struct Announcement {
    /// Inline Markdown.
    pub text: String,
    pub level: AnnouncementLevel,
    /// Not shown from this instant on (judged against the build's "now").
    pub expires: Option<DateTime<Utc>>,
    /// 1-based line of the table in site.toml.
    pub line: usize,
}

impl Announcement {
    pub fn is_shown(&self, now: DateTime<Utc>) -> bool {
        self.expires.is_none_or(|e| now < e)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnouncementLevel {
    Info,
    Warning,
    Critical,
}

impl AnnouncementLevel {
    pub const ALL: [AnnouncementLevel; 3] = [
        AnnouncementLevel::Info,
        AnnouncementLevel::Warning,
        AnnouncementLevel::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AnnouncementLevel::Info => "info",
            AnnouncementLevel::Warning => "warning",
            AnnouncementLevel::Critical => "critical",
        }
    }
}
