//! The built site as files in memory: what the renderers produce, what `output` writes
//! to disk and what `serve` serves. A leaf, so that rendering and writing need not know
//! each other.

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
