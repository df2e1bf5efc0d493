//! Loading and validation: `site.toml` and every content file into a typed [`Site`],
//! or every problem found, at once.

pub mod boundary;
pub mod brand;
pub mod checks;
pub mod config;
pub mod content;
pub mod contrast;
pub mod frontmatter;
pub mod i18n;
pub mod notify;
pub mod reader;
pub mod root;
pub mod slug;
pub mod templates;
pub mod walk;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{self, Diagnostic};
use crate::site::{Config, Incident, Maintenance, Site};
use content::FileInput;

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Keep drafts in the site.
    pub drafts: bool,
    /// Overrides `base_url` from site.toml.
    pub base_url: Option<String>,
}

/// The result of loading: the site when there were no errors, and every diagnostic.
pub struct Loaded {
    pub site: Option<Site>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn incidents_dir(root: &Path) -> PathBuf {
    root.join("content").join("incidents")
}
pub fn maintenance_dir(root: &Path) -> PathBuf {
    root.join("content").join("maintenance")
}

fn read_config(root: &Path, opts: &LoadOptions, diags: &mut Vec<Diagnostic>) -> Option<Config> {
    let path = root.join(config::FILE);
    let bytes = match boundary::read(&boundary::canonical_root(root), &path) {
        Ok(b) => b,
        Err(boundary::Refusal::Io(e)) => {
            diags.push(
                Diagnostic::error(config::FILE, 0, 0, format!("cannot read {}: {e}", path.display()))
                    .with_help("run statusgen in a site folder, pass --root DIR, or create one with `statusgen init`"),
            );
            return None;
        }
        Err(refusal) => {
            diags.push(refusal.diagnostic(config::FILE));
            return None;
        }
    };
    let text = match frontmatter::decode(&bytes) {
        Ok(t) => t,
        Err(e) => {
            diags.push(
                Diagnostic::error(config::FILE, e.line(), 1, e.message()).with_help(e.help()),
            );
            return None;
        }
    };
    let mut config = config::parse(text, diags)?;
    brand::read_assets(root, &mut config.brand, config::FILE, diags);
    config.i18n = i18n::load(root, &config.language, diags);
    if let Some(url) = &opts.base_url {
        match crate::base_url::check(url) {
            Ok(()) => config.base_url = crate::base_url::normalize(url),
            Err(why) => diags.push(
                Diagnostic::error("--base-url", 0, 0, format!("{url:?} {why}"))
                    .with_help("pass it like --base-url https://acme.github.io/status/"),
            ),
        }
    }
    Some(config)
}

/// Parsed files kept between loads (`statusgen serve`): a file whose size and
/// modification time are unchanged, read under the same configuration, is not parsed again.
#[derive(Debug, Default)]
pub struct ParseCache {
    incidents: FileCache<Incident>,
    maintenance: FileCache<Maintenance>,
}

type Stamp = (u64, Option<std::time::SystemTime>, u64);
type FileCache<T> = std::sync::Mutex<HashMap<String, (Stamp, Option<T>, Vec<Diagnostic>)>>;

fn stamp(path: &Path, config_hash: u64) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok(), config_hash))
}

fn parse_all<T: Send + Clone>(
    root: &Path,
    dir: &Path,
    diags: &mut Vec<Diagnostic>,
    cache: Option<(&FileCache<T>, u64)>,
    parse: impl Fn(&FileInput, &mut Vec<Diagnostic>) -> Option<T> + Sync,
) -> Vec<T> {
    let files = walk::markdown_files(root, dir, diags);
    let results: Vec<(Option<T>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|f| {
            let stamp = cache.and_then(|(_, config)| stamp(&f.path, config));
            if let (Some((cache, _)), Some(stamp)) = (cache, stamp) {
                let entries = cache.lock().unwrap_or_else(|e| e.into_inner());
                if let Some((s, item, d)) = entries.get(&f.rel)
                    && *s == stamp
                {
                    return (item.clone(), d.clone());
                }
            }
            let result = parse_file(f, &parse);
            if let (Some((cache, _)), Some(stamp)) = (cache, stamp) {
                let mut entries = cache.lock().unwrap_or_else(|e| e.into_inner());
                entries.insert(f.rel.clone(), (stamp, result.0.clone(), result.1.clone()));
            }
            result
        })
        .collect();
    if let Some((cache, _)) = cache {
        // Forget files that are gone.
        let present: std::collections::HashSet<&str> =
            files.iter().map(|f| f.rel.as_str()).collect();
        let mut entries = cache.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|rel, _| present.contains(rel.as_str()));
    }
    let mut out = Vec::with_capacity(results.len());
    for (item, d) in results {
        diags.extend(d);
        out.extend(item);
    }
    out
}

fn parse_file<T>(
    f: &walk::Found,
    parse: &(impl Fn(&FileInput, &mut Vec<Diagnostic>) -> Option<T> + Sync),
) -> (Option<T>, Vec<Diagnostic>) {
    let mut d = Vec::new();
    // The walk resolved every link on the way to the file and kept it inside the root.
    let item = match boundary::read_regular(&f.path) {
        Ok(bytes) => {
            let stem = f
                .path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            parse(
                &FileInput {
                    rel: &f.rel,
                    stem: &stem,
                    bytes: &bytes,
                },
                &mut d,
            )
        }
        Err(refusal) => {
            d.push(refusal.diagnostic(&f.rel));
            None
        }
    };
    (item, d)
}

/// Reports every slug used by more than one file of the same kind.
fn duplicate_slugs<'a>(
    items: impl Iterator<Item = (&'a str, &'a str)>,
    kind: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let mut first: HashMap<&str, &str> = HashMap::new();
    for (slug, source) in items {
        if let Some(prev) = first.get(slug) {
            diags.push(
                Diagnostic::error(
                    source,
                    0,
                    0,
                    format!("{kind} slug \"{slug}\" is already used by {prev}"),
                )
                .with_help(
                    "slugs must be unique: rename one of the files or set a different `slug`",
                ),
            );
        } else {
            first.insert(slug, source);
        }
    }
}

/// Loads and validates a site. Drafts are dropped unless `opts.drafts`.
pub fn load_site(root: &Path, opts: &LoadOptions) -> Loaded {
    load_site_cached(root, opts, None)
}

/// [`load_site`], reusing the files parsed by an earlier load that did not change.
pub fn load_site_cached(root: &Path, opts: &LoadOptions, cache: Option<&ParseCache>) -> Loaded {
    let mut diags = Vec::new();
    let config = read_config(root, opts, &mut diags);
    // Content is checked even when site.toml has problems, so one run shows everything.
    let fallback;
    let cfg = match &config {
        Some(c) => c,
        None => {
            fallback =
                Config::with_defaults("", "http://localhost/", chrono_tz::Tz::UTC, Vec::new());
            &fallback
        }
    };
    let tz = cfg.timezone;
    // What a file parses to depends on the configuration too (timezone, component ids).
    let config_hash = {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        format!("{cfg:?}").hash(&mut h);
        h.finish()
    };
    let inc_cache = cache.map(|c| (&c.incidents, config_hash));
    // Check histories (large files, mostly reading and number parsing) load beside the
    // incidents.
    let mut check_diags = Vec::new();
    let (checks, mut incidents): (_, Vec<Incident>) = rayon::join(
        || checks::load(root, cfg, &mut check_diags),
        || {
            parse_all(root, &incidents_dir(root), &mut diags, inc_cache, |f, d| {
                content::parse_incident(f, cfg, tz, d)
            })
        },
    );
    diags.extend(check_diags);
    walk::stray_markdown(root, &mut diags);
    let maint_cache = cache.map(|c| (&c.maintenance, config_hash));
    let mut maintenance: Vec<Maintenance> = parse_all(
        root,
        &maintenance_dir(root),
        &mut diags,
        maint_cache,
        |f, d| content::parse_maintenance(f, cfg, tz, d),
    );
    duplicate_slugs(
        incidents
            .iter()
            .map(|i| (i.slug.as_str(), i.source.as_str())),
        "incident",
        &mut diags,
    );
    duplicate_slugs(
        maintenance
            .iter()
            .map(|m| (m.slug.as_str(), m.source.as_str())),
        "maintenance",
        &mut diags,
    );

    diag::sort(&mut diags);
    let failed = config.is_none() || diags.iter().any(Diagnostic::is_error);
    if failed {
        return Loaded {
            site: None,
            diagnostics: diags,
        };
    }
    incidents.sort_by(|a, b| b.started.cmp(&a.started).then_with(|| a.slug.cmp(&b.slug)));
    maintenance.sort_by(|a, b| b.starts.cmp(&a.starts).then_with(|| a.slug.cmp(&b.slug)));
    let mut site = Site {
        root: root.to_path_buf(),
        config: config.expect("checked above"),
        incidents,
        maintenance,
        checks,
    };
    if !opts.drafts {
        site.drop_drafts();
    }
    Loaded {
        site: Some(site),
        diagnostics: diags,
    }
}
