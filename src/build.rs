//! The build: load → validate → derive → render → write, with every problem reported at once.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::diag::Diagnostic;
use crate::files::{OutputFile, Sink};
use crate::load::{LoadOptions, load_site};
use crate::model::derived::Derived;
use crate::model::{reliability, uptime};
use crate::render::theme::Theme;
use crate::render::urls::Urls;
use crate::render::{api, badge, feeds, ics, page_cache, pages, reliability_export, sitemap};
use crate::site::Site;

/// Renders every output file of a loaded site, sorted by path.
pub fn render_site(site: &Site, now: DateTime<Utc>) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let theme = Theme::load(&site.root, &site.config.theme)?;
    render_with_theme(site, now, &theme, None)
}

/// Renders with a loaded theme; `cache` lets a rebuild reuse unchanged incident pages.
pub fn render_with_theme(
    site: &Site,
    now: DateTime<Utc>,
    theme: &Theme,
    cache: Option<&page_cache::PageCache>,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    render(site, now, theme, cache, None)
}

/// Renders every output file, handing the incident pages to `sink` as they come and
/// returning the rest, sorted by path.
pub fn render_into(
    site: &Site,
    now: DateTime<Utc>,
    theme: &Theme,
    sink: &dyn Sink,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    render(site, now, theme, None, Some(sink))
}

fn render(
    site: &Site,
    now: DateTime<Utc>,
    theme: &Theme,
    cache: Option<&page_cache::PageCache>,
    sink: Option<&dyn Sink>,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    // Derived once, read by every renderer.
    let derived = Derived::new(site, now);
    // The pages and the machine-readable outputs render side by side.
    let (pages, files) = rayon::join(
        || pages::render_pages(site, &derived, theme, cache, sink),
        || {
            let mut files = theme.static_files();
            files.extend(crate::render::brand::brand_files(&site.config.brand));
            files.extend(crate::render::favicon::favicon_files());
            files.extend(feeds::render_feeds(site, &derived));
            files.push(ics::render_ics(site, now));
            files.extend(api::render_api(site, &derived));
            let uptime_90d = |id: &str| {
                derived
                    .figures_of(id)
                    .and_then(|f| f.last_90_days.measured())
            };
            files.extend(badge::render_badges(site, &derived, &uptime_90d));
            let report = uptime::UptimeReport::from_figures(site, &derived.figures, now)
                .with_measured(&derived.measured, site.config.checks.gap_factor);
            let json = crate::render::json::json_text(&report);
            files.extend(json.map(|j| OutputFile::new("uptime.json", j)));
            let lists = reliability::Lists::of(site, &derived.figures, &derived.reliability, now);
            let exports = reliability_export::render_exports(
                &derived.reliability,
                &lists,
                site.config.timezone.name(),
                now,
            );
            // Megabytes on a long history: written as soon as they are made.
            let mut sunk = Vec::new();
            match sink {
                Some(sink) => {
                    for file in exports {
                        sunk.push(file.path.clone());
                        sink.put(file);
                    }
                }
                None => files.extend(exports),
            }
            (files, sunk)
        },
    );
    let (mut files, exports_sunk) = files;
    let pages = pages?;
    files.extend(pages.files);
    let urls = Urls::new(&site.config.base_url);
    let mut paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    paths.extend(pages.sunk.iter().map(String::as_str));
    paths.extend(exports_sunk.iter().map(String::as_str));
    paths.sort_unstable();
    if let Some(w) = paths.windows(2).find(|w| w[0] == w[1]) {
        // Two renderers (or a static file and a page) claim one path: a site static file
        // must not shadow a generated page silently.
        return Err(vec![
            Diagnostic::error(
                "static",
                0,
                0,
                format!("two outputs would be written to {}", w[0]),
            )
            .with_help(
                "rename or remove the static file that has the same path as a generated page",
            ),
        ]);
    }
    let maps = sitemap::sitemap(&urls, &paths);
    files.extend(maps);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Builds in memory again and again (`statusgen serve`), reusing what did not change
/// since the last build: parsed content files, the compiled theme and incident pages.
/// The output is the same as a fresh build's.
#[derive(Debug, Default)]
pub struct Rebuilder {
    files: crate::load::ParseCache,
    pages: page_cache::PageCache,
    theme: crate::render::theme::ThemeCache,
}

impl Rebuilder {
    pub fn build(
        &self,
        root: &Path,
        opts: &LoadOptions,
        now: DateTime<Utc>,
    ) -> Result<(Site, Vec<OutputFile>, Vec<Diagnostic>), Vec<Diagnostic>> {
        let loaded = timed("load", || {
            crate::load::load_site_cached(root, opts, Some(&self.files))
        });
        let Some(site) = loaded.site else {
            return Err(loaded.diagnostics);
        };
        let theme = timed("theme", || {
            Theme::load_cached(&site.root, &site.config.theme, &self.theme)
        })?;
        let files = timed("render", || {
            render_with_theme(&site, now, &theme, Some(&self.pages))
        })?;
        let mut warnings = loaded.diagnostics;
        warnings.extend(now_warnings(&site, now));
        Ok((site, files, warnings))
    }
}

/// Loads and renders a site in memory: what `build` writes and `serve` serves.
pub fn build_in_memory(
    root: &Path,
    opts: &LoadOptions,
    now: DateTime<Utc>,
) -> Result<(Site, Vec<OutputFile>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let loaded = timed("load", || load_site(root, opts));
    let Some(site) = loaded.site else {
        return Err(loaded.diagnostics);
    };
    let files = timed("render", || render_site(&site, now))?;
    let mut warnings = loaded.diagnostics;
    warnings.extend(now_warnings(&site, now));
    Ok((site, files, warnings))
}

#[derive(Debug)]
pub struct BuildSummary {
    pub incidents: usize,
    pub maintenance: usize,
    pub files: usize,
    pub output: PathBuf,
    pub warnings: Vec<Diagnostic>,
    /// The previous site, to remove once the build has been reported
    /// ([`crate::output::Retired::remove`]).
    pub retired: crate::output::Retired,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Content or configuration problems: nothing was written.
    #[error("{} problem(s) in the site's content or configuration", .0.len())]
    Content(Vec<Diagnostic>),
    /// The output folder was refused or could not be written.
    #[error(transparent)]
    Output(crate::output::OutputError),
}

/// The whole build. The output folder is checked before anything is rendered; the
/// incident pages are written into the new tree as they render, the rest after.
pub fn build(
    root: &Path,
    output: &Path,
    opts: &LoadOptions,
    now: DateTime<Utc>,
) -> Result<BuildSummary, BuildError> {
    crate::output::check_output_dir(root, output).map_err(BuildError::Output)?;
    let loaded = timed("load", || load_site(root, opts));
    let Some(site) = loaded.site else {
        return Err(BuildError::Content(loaded.diagnostics));
    };
    let theme = timed("theme", || Theme::load(&site.root, &site.config.theme))
        .map_err(BuildError::Content)?;
    let staging = crate::output::Staging::create(root, output).map_err(BuildError::Output)?;
    // On a render error `staging` is dropped, which removes it.
    let files = timed("render", || render_into(&site, now, &theme, &staging))
        .map_err(BuildError::Content)?;
    let (written, retired) =
        timed("write", || staging.finish(&files)).map_err(BuildError::Output)?;
    let mut warnings = loaded.diagnostics;
    warnings.extend(now_warnings(&site, now));
    Ok(BuildSummary {
        incidents: site.incidents.len(),
        maintenance: site.maintenance.len(),
        files: written,
        output: output.to_path_buf(),
        warnings,
        retired,
    })
}

/// What the build warns about that depends on "now": times in the future, which are
/// published (the incident listed as upcoming) but are usually a wrong UTC offset.
pub fn now_warnings(site: &Site, now: DateTime<Utc>) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = crate::validate::future_times(site, now)
        .into_iter()
        .map(|f| f.diag)
        .collect();
    crate::diag::sort(&mut out);
    out
}

/// Runs a stage, printing its wall time to stderr when `STATUSGEN_TIMINGS` is set
/// (for profiling builds; the output never depends on it).
pub fn timed<T>(stage: &str, f: impl FnOnce() -> T) -> T {
    if std::env::var_os("STATUSGEN_TIMINGS").is_none() {
        return f();
    }
    let start = std::time::Instant::now();
    let out = f();
    eprintln!(
        "timing: {stage}: {:.1} ms",
        start.elapsed().as_secs_f64() * 1000.0
    );
    out
}
