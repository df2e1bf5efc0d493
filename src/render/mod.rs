//! Rendering: from the site and its derived figures to an in-memory list of files.
//! Nothing here touches the disk; `output` writes the list atomically and `serve`
//! serves it from memory.
pub mod api;
pub mod badge;
pub mod compiled;
pub mod context;
pub mod dates;
pub mod day_marks;
pub mod escape;
pub mod feeds;
pub mod figures;
pub mod ics;
pub mod json;
pub mod markdown;
pub mod nesting;
pub mod page_cache;
pub mod page_kit;
pub mod pages;
pub mod plain_text;
pub mod sitemap;
pub mod theme;
pub mod urls;
pub mod xml;

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative path with `/` separators, e.g. `incidents/x/index.html`.
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// Takes rendered pages as they come, so a build can write the bulk of a site (the
/// incident pages) while the rest renders instead of holding every page in memory
/// (`output::Staging`). Errors are the sink's to keep and report afterwards.
pub trait Sink: Sync {
    fn put(&self, file: OutputFile);
}
