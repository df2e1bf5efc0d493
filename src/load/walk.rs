//! Finding content files: Markdown files under a folder, sub-folders included, in a
//! stable order. Symlinks, the searched folder's own included, are followed only when
//! they resolve inside the site root (see `boundary.rs`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;

/// A content file found on disk.
#[derive(Debug, Clone)]
pub struct Found {
    pub path: PathBuf,
    /// Relative to the site root, `/`-separated.
    pub rel: String,
}

pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Editors' swap, backup and lock files, and hidden files, are never content.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
}

/// Markdown files below `dir` (which may be missing), sorted by relative path.
pub fn markdown_files(root: &Path, dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<Found> {
    markdown_files_except(root, dir, &[], diags)
}

/// Reports every Markdown file under `content/` that is in neither `incidents/` nor
/// `maintenance/`: statusgen would not read it, and a misspelt folder
/// (`content/incident/`) must not leave the page saying all is well.
pub fn stray_markdown(root: &Path, diags: &mut Vec<Diagnostic>) {
    let content = root.join("content");
    let kinds = [
        crate::load::incidents_dir(root),
        crate::load::maintenance_dir(root),
    ];
    for f in markdown_files_except(root, &content, &kinds, diags) {
        let near = f.rel.to_ascii_lowercase().contains("mainten");
        let (first, second) = if near {
            ("content/maintenance/", "content/incidents/")
        } else {
            ("content/incidents/", "content/maintenance/")
        };
        diags.push(
            Diagnostic::error(
                &f.rel,
                1,
                0,
                "this file is outside content/incidents/ and content/maintenance/, so statusgen does not read it",
            )
            .with_help(format!(
                "move it into {first} (or {second}); sub-folders of those are fine"
            )),
        );
    }
}

/// [`markdown_files`], leaving out the folders in `skip` (and everything below them).
fn markdown_files_except(
    root: &Path,
    dir: &Path,
    skip: &[PathBuf],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Found> {
    let mut out = Vec::new();
    if !dir.exists() {
        return out;
    }
    let canon_root = match root.canonicalize() {
        Ok(r) => r,
        Err(_) => return out,
    };
    // `content/` or `content/incidents/` may itself be a link.
    if let Err(refusal) = super::boundary::resolve(&canon_root, dir) {
        diags.push(refusal.diagnostic(&rel_path(root, dir)));
        return out;
    }
    let mut visited = HashSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if let Ok(c) = d.canonicalize()
            && !visited.insert(c)
        {
            continue;
        }
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::error(
                    rel_path(root, &d),
                    0,
                    0,
                    format!("cannot read folder: {e}"),
                ));
                continue;
            }
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name().to_string_lossy().into_owned();
            if is_ignored_name(&name) {
                continue;
            }
            let path = e.path();
            let rel = rel_path(root, &path);
            let Ok(ft) = e.file_type() else { continue };
            let (is_dir, is_file) = if ft.is_symlink() {
                match super::boundary::resolve(&canon_root, &path) {
                    Ok(target) => (target.is_dir(), target.is_file()),
                    Err(refusal) => {
                        diags.push(refusal.diagnostic(&rel));
                        continue;
                    }
                }
            } else {
                (ft.is_dir(), ft.is_file())
            };
            if is_dir {
                if !skip.contains(&path) {
                    stack.push(path);
                }
            } else if is_file && name.to_ascii_lowercase().ends_with(".md") {
                out.push(Found { path, rel });
            }
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}
