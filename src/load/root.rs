//! Finding the site: like git and cargo, statusgen run inside a site (say in
//! `content/incidents/`) works on the nearest folder above that holds `site.toml`.

use std::path::{Path, PathBuf};

use crate::load::config;

/// The nearest of `cwd` and its ancestors holding `site.toml`, as a path relative to
/// `cwd` (`.`, `..`, `../..`) so messages stay short; `None` when there is none.
pub fn find_root(cwd: &Path) -> Option<PathBuf> {
    cwd.ancestors()
        .position(|dir| dir.join(config::FILE).is_file())
        .map(|up| match up {
            0 => PathBuf::from("."),
            n => (0..n).map(|_| "..").collect(),
        })
}

/// `--root` when given, else the site found from the working directory, else `.` (whose
/// missing `site.toml` the loader then reports with its fix).
pub fn site_root(flag: Option<PathBuf>) -> PathBuf {
    flag.or_else(|| std::env::current_dir().ok().and_then(|cwd| find_root(&cwd)))
        .unwrap_or_else(|| PathBuf::from("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_up_to_the_nearest_site() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("content/incidents/2026");
        std::fs::create_dir_all(&deep).unwrap();
        assert_eq!(find_root(&deep), None);
        std::fs::write(dir.path().join("site.toml"), "").unwrap();
        assert_eq!(find_root(&deep), Some(PathBuf::from("../../..")));
        assert_eq!(find_root(dir.path()), Some(PathBuf::from(".")));
        // A folder named site.toml is not a site.
        std::fs::create_dir_all(deep.join("site.toml")).unwrap();
        assert_eq!(find_root(&deep), Some(PathBuf::from("../../..")));
    }
}
