//! Where a theme's files come from, layer by layer: the built-in theme embedded in the
//! binary, then `themes/<name>/` of the site, then the site's `templates/` and `static/`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;

macro_rules! embed_templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../../themes/default/templates/", $name)))),*]
    };
}
macro_rules! embed_static {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("../../../themes/default/static/", $name)) as &[u8])),*]
    };
}

/// Every template of the built-in theme, by name. A test checks this list against
/// `themes/default/templates/`, so a new file cannot be forgotten here.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = embed_templates!(
    "404.html",
    "base.html",
    "component.html",
    "history.html",
    "incident.html",
    "index.html",
    "macros.html",
    "maintenance.html",
    "reliability.html",
    "uptime.html",
);

/// The built-in theme's static assets, copied to the output root.
pub(crate) const DEFAULT_STATIC: &[(&str, &[u8])] =
    embed_static!("favicon.svg", "localtime.js", "style.css");

/// The built-in theme's templates, by name (what `statusgen theme eject` copies).
pub fn builtin_templates() -> &'static [(&'static str, &'static str)] {
    DEFAULT_TEMPLATES
}

/// The built-in theme's static assets, by path under `static/`.
pub fn builtin_static() -> &'static [(&'static str, &'static [u8])] {
    DEFAULT_STATIC
}

#[derive(Debug, Clone)]
pub struct Source {
    /// Shown in diagnostics: relative to the site root, or under `themes/default/`.
    pub(crate) path: String,
    pub(crate) text: String,
}

pub fn builtin_sources() -> BTreeMap<String, Source> {
    DEFAULT_TEMPLATES
        .iter()
        .map(|(name, text)| {
            (
                name.to_string(),
                Source {
                    path: format!("themes/default/templates/{name}"),
                    text: text.to_string(),
                },
            )
        })
        .collect()
}

pub fn builtin_statics() -> BTreeMap<String, Vec<u8>> {
    DEFAULT_STATIC
        .iter()
        .map(|(name, bytes)| (name.to_string(), bytes.to_vec()))
        .collect()
}

pub fn insert_template(
    sources: &mut BTreeMap<String, Source>,
    name: String,
    path: String,
    bytes: Vec<u8>,
) -> Option<Diagnostic> {
    // Notes such as a README beside the templates are not templates.
    if !(name.ends_with(".html") || name.ends_with(".xml")) {
        return None;
    }
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&bytes)
        .to_vec();
    match String::from_utf8(bytes) {
        Ok(text) => {
            // CRLF files parse, but keep the rendered output byte-identical across OSes.
            let text = text.replace("\r\n", "\n");
            sources.insert(name, Source { path, text });
            None
        }
        Err(e) => Some(
            Diagnostic::error(path, 0, 0, format!("template is not UTF-8: {e}"))
                .with_help("save the file as UTF-8"),
        ),
    }
}

/// Reads every file under `dir` (sorted, relative `/` paths), following symlinks
/// only when they stay inside the site root. A missing `dir` is fine.
pub fn read_tree(
    root: &Path,
    dir: &Path,
    diags: &mut Vec<Diagnostic>,
    mut each: impl FnMut(String, Vec<u8>) -> Option<Diagnostic>,
) {
    if !dir.is_dir() {
        return;
    }
    let canon_root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let rel_to_root = |p: &Path| -> String {
        p.strip_prefix(root)
            .unwrap_or(p)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    };
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e
                    .path()
                    .map(&rel_to_root)
                    .unwrap_or_else(|| rel_to_root(dir));
                diags.push(
                    Diagnostic::error(at, 0, 0, format!("cannot read: {e}"))
                        .with_help("check the file's permissions, or remove the symlink loop"),
                );
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let Ok(rel) = path.strip_prefix(dir) else {
            continue;
        };
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let file_name = entry.file_name().to_string_lossy();
        // Editor swap and backup files are never part of a theme.
        if file_name.ends_with('~') || file_name.ends_with(".swp") || file_name == ".DS_Store" {
            continue;
        }
        if entry.path_is_symlink() || path_has_symlink(root, path) {
            let inside = fs::canonicalize(path)
                .map(|c| c.starts_with(&canon_root))
                .unwrap_or(false);
            if !inside {
                diags.push(
                    Diagnostic::error(
                        rel_to_root(path),
                        0,
                        0,
                        "symlink leads outside the site root",
                    )
                    .with_help("copy the file into the site instead of linking to it"),
                );
                continue;
            }
        }
        match crate::load::boundary::read(&canon_root, path) {
            Ok(bytes) => {
                if let Some(d) = each(rel, bytes) {
                    diags.push(d);
                }
            }
            Err(refusal) => diags.push(refusal.diagnostic(&rel_to_root(path))),
        }
    }
}

/// True when a component of `path` below `root` is a symlink (walkdir reports
/// files reached through a linked folder as plain files).
fn path_has_symlink(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return true;
    };
    let mut cur = PathBuf::from(root);
    for c in rel.components() {
        cur.push(c);
        if fs::symlink_metadata(&cur)
            .map(|m| m.file_type().is_symlink())
            .unwrap_or(false)
        {
            return true;
        }
    }
    false
}
