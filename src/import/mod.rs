//! `statusgen import FORMAT SOURCE`: a cState, Statusfy or Atlassian Statuspage history
//! into a statusgen site. One reader per format ([`cstate`], [`statusfy`], [`statuspage`])
//! produces the [`model`]; the [`writer`] turns it into files; the [`report`] says what was
//! written, guessed, dropped and skipped. Nothing is overwritten without `--force`, and
//! `--dry-run` writes nothing.

pub mod checks;
pub mod components;
pub mod cstate;
pub mod model;
pub mod report;
pub mod source_file;
pub mod statusfy;
pub mod statuspage;
pub mod text;
pub mod time;
pub mod writer;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono_tz::Tz;

use crate::diag::Diagnostic;
use crate::load::{config, content, slug, walk};
use crate::site::Config;
use model::{Origin, Source};
use report::Report;
use writer::Planned;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A cState (Hugo) site folder: config.yml and content/issues/.
    Cstate,
    /// A Statusfy site folder: config.js/.yml/.toml, locales/ and content/.
    Statusfy,
    /// Statuspage API v2 JSON: a folder of incidents.json, summary.json,
    /// scheduled-maintenances.json, components.json, or one such file.
    Statuspage,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub format: Format,
    pub source: PathBuf,
    pub root: PathBuf,
    pub map: Option<PathBuf>,
    pub dry_run: bool,
    pub force: bool,
    /// The source site's timezone, for times written without an offset.
    pub timezone: Option<Tz>,
}

/// Why an import wrote nothing.
#[derive(Debug)]
pub enum ImportError {
    /// The source cannot be read as that format at all.
    Source(String),
    /// The target site's site.toml has problems.
    Config(Vec<Diagnostic>),
    /// `--map FILE` cannot be read.
    Map(String),
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Source(m) | ImportError::Map(m) => f.write_str(m),
            ImportError::Config(d) => write!(f, "site.toml has {} problem(s)", d.len()),
            ImportError::Io(p, e) => write!(f, "cannot write {}: {e}", p.display()),
        }
    }
}

fn read_existing_config(root: &Path) -> Result<Option<(String, Config)>, ImportError> {
    let path = root.join(config::FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ImportError::Io(path, e)),
    };
    let text = crate::load::frontmatter::decode(&bytes)
        .map_err(|e| {
            ImportError::Config(vec![
                Diagnostic::error(config::FILE, e.line(), 1, e.message()).with_help(e.help()),
            ])
        })?
        .to_string();
    let mut diags = Vec::new();
    match config::parse(&text, &mut diags) {
        Some(c) if !diags.iter().any(Diagnostic::is_error) => Ok(Some((text, c))),
        _ => Err(ImportError::Config(diags)),
    }
}

/// Existing content files of one kind: slug → path relative to the root, and every
/// slug's tails after a `-` (and the slug itself) → path, to find a source id that ends a
/// slug without scanning every file for every item.
struct Existing {
    slugs: HashMap<String, String>,
    tails: HashMap<String, String>,
}

fn existing(root: &Path, dir: &Path) -> Existing {
    let mut diags = Vec::new();
    let mut found: Vec<(String, String)> = walk::markdown_files(root, dir, &mut diags)
        .into_iter()
        .filter_map(|f| {
            let stem = f.path.file_stem()?.to_string_lossy().into_owned();
            Some((slug::from_file_stem(&stem), f.rel))
        })
        .collect();
    // The first path in order wins, whatever order the folder lists.
    found.sort_by(|a, b| a.1.cmp(&b.1));
    let mut tails = HashMap::new();
    for (slug, rel) in &found {
        tails.entry(slug.clone()).or_insert_with(|| rel.clone());
        for (i, _) in slug.match_indices('-') {
            tails
                .entry(slug[i + 1..].to_string())
                .or_insert_with(|| rel.clone());
        }
    }
    Existing {
        slugs: found.into_iter().collect(),
        tails,
    }
}

/// One content folder being filled: what is there, and the slugs taken so far.
struct Folder {
    rel: &'static str,
    existing: Existing,
    taken: HashSet<String>,
}

impl Folder {
    fn new(root: &Path, rel: &'static str, dir: &Path) -> Folder {
        let existing = existing(root, dir);
        let mut taken: HashSet<String> = existing.slugs.keys().cloned().collect();
        // Slugs set in front matter are taken too, so no import makes a duplicate slug.
        taken.extend(crate::authoring::new::taken_slugs(root, dir));
        Folder {
            rel,
            existing,
            taken,
        }
    }

    fn place(
        &mut self,
        root: &Path,
        stem: &str,
        source_id: Option<&str>,
        force: bool,
    ) -> Result<Planned, String> {
        target(
            root,
            self.rel,
            stem,
            source_id,
            &self.existing,
            &mut self.taken,
            force,
        )
    }
}

/// Where a source item goes: a new path, an existing one to replace (--force), or a
/// reason to skip it.
fn target(
    root: &Path,
    dir_rel: &str,
    stem: &str,
    source_id: Option<&str>,
    existing: &Existing,
    taken: &mut HashSet<String>,
    force: bool,
) -> Result<Planned, String> {
    // Non-ASCII titles and file names keep readable slugs (Störung → storung).
    let base = slug::from_file_stem(&deunicode::deunicode(stem));
    let base = if base.is_empty() {
        "imported".to_string()
    } else {
        base
    };
    // An item of a source with ids is found again by the id at the end of its slug.
    let stem = match source_id {
        Some(id) => {
            let id = slug::from_file_stem(id);
            let suffix = format!("-{id}");
            if let Some(rel) = existing.tails.get(&id) {
                if !force {
                    return Err(format!(
                        "already imported as {rel} (pass --force to replace it)"
                    ));
                }
                return Ok(Planned {
                    rel: rel.clone(),
                    text: String::new(),
                    replace: true,
                });
            }
            if base.ends_with(&suffix) {
                base
            } else {
                format!("{base}{suffix}")
            }
        }
        None => base,
    };
    let rel = format!("{dir_rel}/{stem}.md");
    if root.join(&rel).exists() {
        if !force {
            return Err(format!("{rel} already exists (pass --force to replace it)"));
        }
        taken.insert(stem);
        return Ok(Planned {
            rel,
            text: String::new(),
            replace: true,
        });
    }
    let stem = writer::unique_stem(&stem, taken);
    taken.insert(stem.clone());
    Ok(Planned {
        rel: format!("{dir_rel}/{stem}.md"),
        text: String::new(),
        replace: false,
    })
}

/// Reads the source and plans every file, each validated with the site loader: the
/// report (written counts included) and the files, site.toml first. Writes nothing.
pub fn plan(opts: &Options) -> Result<(Report, Vec<Planned>), ImportError> {
    let existing_cfg = read_existing_config(&opts.root)?;
    let map = match &opts.map {
        Some(p) => components::read_map(p).map_err(ImportError::Map)?,
        None => Default::default(),
    };
    let read_tz = opts.timezone.unwrap_or(Tz::UTC);
    let mut report = Report {
        dry_run: opts.dry_run,
        ..Default::default()
    };
    let source: Source = match opts.format {
        Format::Cstate => cstate::read(&opts.source, opts.timezone, &mut report)?,
        Format::Statusfy => statusfy::read(&opts.source, read_tz, &mut report)?,
        Format::Statuspage => statuspage::read(&opts.source, read_tz, &mut report)?,
    };
    report.source_incidents = source.incidents.len();
    report.source_maintenance = source.maintenance.len();
    report.source_updates = source.source_updates;
    let site_tz = match &existing_cfg {
        Some((_, c)) => c.timezone,
        None => opts
            .timezone
            .or_else(|| source.site.timezone.as_deref().and_then(|t| t.parse().ok()))
            .unwrap_or(Tz::UTC),
    };

    let config_file = match opts.format {
        Format::Cstate => "config.yml",
        Format::Statusfy => "config",
        Format::Statuspage => "components.json",
    };
    let mut resolver = components::Resolver::new(
        &source.components,
        existing_cfg.as_ref().map(|(_, c)| c),
        map,
        &mut report,
        config_file,
    );

    let root = &opts.root;
    let mut incidents = Folder::new(root, "content/incidents", &crate::load::incidents_dir(root));
    let mut windows = Folder::new(
        root,
        "content/maintenance",
        &crate::load::maintenance_dir(root),
    );
    let mut planned: Vec<(Planned, Origin, bool, usize)> = Vec::new();
    for i in &source.incidents {
        match incidents.place(root, &i.stem, i.source_id.as_deref(), opts.force) {
            Ok(mut p) => {
                p.text = writer::incident_text(i, site_tz, &mut resolver, &mut report);
                planned.push((p, i.origin.clone(), true, i.updates.len()));
            }
            Err(reason) => report.skip(i.origin.clone(), reason),
        }
    }
    for m in &source.maintenance {
        match windows.place(root, &m.stem, m.source_id.as_deref(), opts.force) {
            Ok(mut p) => {
                p.text = writer::maintenance_text(m, site_tz, &mut resolver, &mut report);
                planned.push((p, m.origin.clone(), false, m.timeline.len()));
            }
            Err(reason) => report.skip(m.origin.clone(), reason),
        }
    }

    if existing_cfg.is_none() && resolver.new.is_empty() {
        return Err(ImportError::Source(format!(
            "{} declares no components and no incident names one: create site.toml with your components first (see docs/import.md)",
            opts.source.display()
        )));
    }
    let site_text = writer::site_toml(
        existing_cfg.as_ref().map(|(t, _)| t.as_str()),
        &resolver.new,
        &source.site,
        site_tz,
        &mut report,
    );
    if site_text.is_some() {
        report.counts.components = resolver.new.len();
    }
    // Every planned file must load as `check` reads it; one that would not is not written.
    let cfg_text = site_text
        .clone()
        .or_else(|| existing_cfg.as_ref().map(|(t, _)| t.clone()))
        .unwrap_or_default();
    let mut diags = Vec::new();
    let cfg = config::parse(&cfg_text, &mut diags);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(ImportError::Config(diags));
    }
    let cfg = cfg.ok_or_else(|| ImportError::Config(Vec::new()))?;
    let mut files = Vec::new();
    for (p, origin, is_incident, updates) in planned {
        let stem = Path::new(&p.rel)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let input = content::FileInput {
            rel: &p.rel,
            stem: &stem,
            bytes: p.text.as_bytes(),
        };
        let mut d = Vec::new();
        let ok = if is_incident {
            content::parse_incident(&input, &cfg, cfg.timezone, &mut d).is_some()
        } else {
            content::parse_maintenance(&input, &cfg, cfg.timezone, &mut d).is_some()
        };
        if !ok {
            let why: Vec<String> = d.iter().map(|d| d.message.clone()).collect();
            report.skip(
                origin,
                format!(
                    "would not load in statusgen ({}): not written",
                    why.join("; ")
                ),
            );
            continue;
        }
        if is_incident {
            report.counts.incidents += 1;
            report.counts.updates += updates;
        } else {
            report.counts.maintenance += 1;
            report.counts.maintenance_updates += updates;
        }
        files.push(p);
    }
    let mut all = Vec::new();
    if let Some(text) = site_text {
        all.push(Planned {
            rel: config::FILE.to_string(),
            text,
            replace: existing_cfg.is_some(),
        });
    }
    all.extend(files);
    Ok((report, all))
}

/// Reads the source, plans and validates every file ([`plan`]), and writes them unless
/// `dry_run`.
pub fn run(opts: &Options) -> Result<Report, ImportError> {
    let (mut report, all) = plan(opts)?;
    let root = &opts.root;
    if opts.dry_run {
        report.written = all.iter().map(|p| p.rel.clone()).collect();
    } else {
        let (written, existed) =
            writer::write(root, &all).map_err(|(p, e)| ImportError::Io(p, e))?;
        for rel in existed {
            report.skip(
                Origin::new(rel.clone(), 0),
                "appeared while importing: left as it is",
            );
        }
        report.written = written;
    }
    report.sort();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none() -> Existing {
        Existing {
            slugs: HashMap::new(),
            tails: HashMap::new(),
        }
    }

    #[test]
    fn targets_are_readable_unique_and_keep_the_source_id() {
        let root = Path::new("/nonexistent-statusgen-root");
        let mut taken = HashSet::new();
        let p = target(
            root,
            "content/incidents",
            "2024-01-02_Störung DNS",
            None,
            &none(),
            &mut taken,
            false,
        )
        .unwrap();
        assert_eq!(p.rel, "content/incidents/2024-01-02-storung-dns.md");
        let p = target(
            root,
            "content/incidents",
            "2024-01-02_Störung DNS",
            None,
            &none(),
            &mut taken,
            false,
        )
        .unwrap();
        assert_eq!(p.rel, "content/incidents/2024-01-02-storung-dns-2.md");
        let p = target(
            root,
            "content/incidents",
            "2024-01-02-api",
            Some("AbC123"),
            &none(),
            &mut taken,
            false,
        )
        .unwrap();
        assert_eq!(p.rel, "content/incidents/2024-01-02-api-abc123.md");
        let mut existing = none();
        existing
            .tails
            .insert("abc123".into(), "content/incidents/old/x-abc123.md".into());
        let err = target(
            root,
            "content/incidents",
            "2024-01-02-api",
            Some("abc123"),
            &existing,
            &mut taken,
            false,
        )
        .unwrap_err();
        assert!(
            err.contains("already imported as content/incidents/old/x-abc123.md"),
            "{err}"
        );
        let p = target(
            root,
            "content/incidents",
            "2024-01-02-api",
            Some("abc123"),
            &existing,
            &mut taken,
            true,
        )
        .unwrap();
        assert!(p.replace && p.rel.ends_with("x-abc123.md"));
    }
}
