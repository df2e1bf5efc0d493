//! Writing the built site: a complete new tree is written beside the output folder and
//! swapped in, so a reader (or a failed build) never sees a half-written site. Nothing
//! outside the output folder is written or deleted.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use thiserror::Error;

use crate::render::{OutputFile, Sink};

/// A file statusgen puts in every output folder, so it only ever replaces folders it wrote.
pub const MARKER: &str = ".statusgen";
const MARKER_TEXT: &str =
    "This folder is written by `statusgen build` and replaced on every build.\n";

#[derive(Debug, Error)]
pub enum OutputError {
    #[error("refusing to write to {out}: it is, or contains, {what} ({path})")]
    Dangerous {
        out: PathBuf,
        what: &'static str,
        path: PathBuf,
    },
    #[error(
        "refusing to replace {0}: it exists, is not empty and was not written by statusgen (no {MARKER} file); remove it or choose another --output"
    )]
    Foreign(PathBuf),
    #[error("{0} exists and is not a folder")]
    NotADir(PathBuf),
    #[error("invalid output path {0}")]
    BadPath(String),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// An absolute, lexically normalised path (the folder may not exist yet).
fn absolute(p: &Path) -> Result<PathBuf, OutputError> {
    let raw = std::path::absolute(p).map_err(io(p))?;
    let mut abs = PathBuf::new();
    for c in raw.components() {
        match c {
            Component::ParentDir => {
                abs.pop();
            }
            Component::CurDir => {}
            other => abs.push(other),
        }
    }
    // Resolve symlinks in the part that exists, so `out` and `root` compare truly.
    let mut existing = abs.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for part in rest.into_iter().rev() {
        out.push(part);
    }
    Ok(out)
}

/// Refuses an output folder that is, or contains, the site root or its content folder.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<(), OutputError> {
    let out_abs = absolute(out)?;
    let root_abs = absolute(root)?;
    let content_abs = root_abs.join("content");
    for (what, path) in [
        ("the site root", &root_abs),
        ("the content folder", &content_abs),
    ] {
        if path.starts_with(&out_abs) {
            return Err(OutputError::Dangerous {
                out: out.to_path_buf(),
                what,
                path: path.clone(),
            });
        }
    }
    if out_abs.starts_with(&content_abs) {
        return Err(OutputError::Dangerous {
            out: out.to_path_buf(),
            what: "a place inside the content folder",
            path: content_abs,
        });
    }
    if out_abs.parent().is_none() {
        return Err(OutputError::BadPath(out.display().to_string()));
    }
    match std::fs::symlink_metadata(&out_abs) {
        Ok(m) if m.file_type().is_symlink() || !m.is_dir() => {
            return Err(OutputError::NotADir(out.to_path_buf()));
        }
        Ok(_) => {
            let empty = std::fs::read_dir(&out_abs)
                .map_err(io(&out_abs))?
                .next()
                .is_none();
            if !empty && !out_abs.join(MARKER).is_file() {
                return Err(OutputError::Foreign(out.to_path_buf()));
            }
        }
        Err(_) => {}
    }
    Ok(())
}

/// A relative `/`-separated output path made safe to join under the output folder.
fn safe_rel(path: &str) -> Result<PathBuf, OutputError> {
    let p = Path::new(path);
    let ok = !path.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(p.to_path_buf())
    } else {
        Err(OutputError::BadPath(path.to_string()))
    }
}

/// The new tree, written beside the output folder while the site renders, and swapped
/// in by [`Staging::finish`]. Dropped unfinished (a render error, a failed write), it
/// removes itself and the output folder is untouched.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    old: PathBuf,
    /// The first write error of the files taken as a [`Sink`].
    error: std::sync::Mutex<Option<OutputError>>,
    /// Files taken as a [`Sink`].
    taken: std::sync::atomic::AtomicUsize,
    done: bool,
}

impl Staging {
    pub fn create(root: &Path, out: &Path) -> Result<Staging, OutputError> {
        check_output_dir(root, out)?;
        let out_abs = absolute(out)?;
        let parent = out_abs
            .parent()
            .ok_or_else(|| OutputError::BadPath(out.display().to_string()))?;
        std::fs::create_dir_all(parent).map_err(io(parent))?;
        let name = out_abs
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let pid = std::process::id();
        let dir = parent.join(format!(".{name}.statusgen-new-{pid}"));
        let old = parent.join(format!(".{name}.statusgen-old-{pid}"));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(io(&dir))?;
        }
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        Ok(Staging {
            dir,
            out: out_abs,
            old,
            error: std::sync::Mutex::new(None),
            taken: Default::default(),
            done: false,
        })
    }

    /// Writes the remaining `files`, then swaps the new tree in for the old one.
    /// Returns how many files the new tree has.
    pub fn finish(mut self, files: &[OutputFile]) -> Result<usize, OutputError> {
        let error = self.error.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(e) = error {
            return Err(e);
        }
        files.par_iter().try_for_each(|f| self.write(f))?;
        let marker = self.dir.join(MARKER);
        std::fs::write(&marker, MARKER_TEXT).map_err(io(&marker))?;
        swap(&self.dir, &self.out, &self.old)?;
        self.done = true;
        Ok(files.len() + *self.taken.get_mut())
    }

    /// Writes one file, creating its folder on first use (files are written from many
    /// threads at once; `create_dir_all` copes with a folder made meanwhile).
    fn write(&self, file: &OutputFile) -> Result<(), OutputError> {
        let p = self.dir.join(safe_rel(&file.path)?);
        if let Some(parent) = p.parent()
            && let Err(e) = std::fs::create_dir(parent)
        {
            match e.kind() {
                std::io::ErrorKind::AlreadyExists => {}
                std::io::ErrorKind::NotFound => {
                    std::fs::create_dir_all(parent).map_err(io(parent))?
                }
                _ => return Err(io(parent)(e)),
            }
        }
        let mut f = std::fs::File::create(&p).map_err(io(&p))?;
        f.write_all(&file.bytes).map_err(io(&p))
    }
}

impl Sink for Staging {
    fn put(&self, file: OutputFile) {
        self.taken
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Err(e) = self.write(&file) {
            let mut first = self.error.lock().unwrap_or_else(|e| e.into_inner());
            first.get_or_insert(e);
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            // Only our own staging folder is ever removed on failure.
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Removes a folder statusgen wrote, in parallel. Symlinks inside are removed, never followed.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.par_iter().try_for_each(|e| {
        if e.file_type()?.is_dir() {
            remove_tree(&e.path())
        } else {
            std::fs::remove_file(e.path())
        }
    })?;
    std::fs::remove_dir(dir)
}

fn swap(staging: &Path, out: &Path, old: &Path) -> Result<(), OutputError> {
    if out.exists() {
        if old.exists() {
            std::fs::remove_dir_all(old).map_err(io(old))?;
        }
        std::fs::rename(out, old).map_err(io(out))?;
        if let Err(e) = std::fs::rename(staging, out) {
            // Put the previous site back before reporting.
            let _ = std::fs::rename(old, out);
            return Err(OutputError::Io {
                path: out.to_path_buf(),
                source: e,
            });
        }
        remove_tree(old).map_err(io(old))?;
    } else {
        std::fs::rename(staging, out).map_err(io(out))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_site(root: &Path, out: &Path, files: &[OutputFile]) -> Result<usize, OutputError> {
        Staging::create(root, out)?.finish(files)
    }

    #[test]
    fn refuses_dangerous_outputs() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        assert!(matches!(
            check_output_dir(&root, &root),
            Err(OutputError::Dangerous { .. })
        ));
        assert!(matches!(
            check_output_dir(&root, tmp.path()),
            Err(OutputError::Dangerous { .. })
        ));
        assert!(matches!(
            check_output_dir(&root, &root.join("content")),
            Err(OutputError::Dangerous { .. })
        ));
        assert!(matches!(
            check_output_dir(&root, &root.join("content/x")),
            Err(OutputError::Dangerous { .. })
        ));
        assert!(matches!(
            check_output_dir(&root, &root.join("public/../")),
            Err(OutputError::Dangerous { .. })
        ));
        assert!(check_output_dir(&root, &root.join("public")).is_ok());
        let foreign = tmp.path().join("home");
        std::fs::create_dir_all(&foreign).unwrap();
        std::fs::write(foreign.join("notes.txt"), "mine").unwrap();
        assert!(matches!(
            check_output_dir(&root, &foreign),
            Err(OutputError::Foreign(_))
        ));
    }

    #[test]
    fn writes_and_replaces_atomically() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        let out = root.join("public");
        write_site(
            &root,
            &out,
            &[
                OutputFile::new("a/index.html", "one"),
                OutputFile::new("b.txt", "b"),
            ],
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).unwrap(),
            "one"
        );
        write_site(&root, &out, &[OutputFile::new("a/index.html", "two")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).unwrap(),
            "two"
        );
        assert!(!out.join("b.txt").exists());
        let leftovers: Vec<_> = std::fs::read_dir(&root)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn files_taken_while_rendering_join_the_rest_or_vanish() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        let out = root.join("public");
        write_site(&root, &out, &[OutputFile::new("old.txt", "old")]).unwrap();
        let entries = |dir: &Path| -> Vec<String> {
            let mut names: Vec<String> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };

        // Dropped unfinished (a page failed to render): no trace, old output intact.
        let staging = Staging::create(&root, &out).unwrap();
        staging.put(OutputFile::new("incidents/a/index.html", "a"));
        drop(staging);
        assert_eq!(entries(&root), ["public"]);
        assert_eq!(entries(&out), [MARKER, "old.txt"]);

        let staging = Staging::create(&root, &out).unwrap();
        staging.put(OutputFile::new("incidents/a/index.html", "a"));
        staging.put(OutputFile::new("incidents/b/index.html", "b"));
        let rest = [
            OutputFile::new("incidents/index.html", "list"),
            OutputFile::new("index.html", "home"),
        ];
        assert_eq!(staging.finish(&rest).unwrap(), 4);
        assert_eq!(entries(&root), ["public"]);
        assert_eq!(entries(&out), [MARKER, "incidents", "index.html"]);
        assert_eq!(entries(&out.join("incidents")), ["a", "b", "index.html"]);
        assert_eq!(
            std::fs::read(out.join("incidents/b/index.html")).unwrap(),
            b"b"
        );
    }

    #[test]
    fn rejects_escaping_paths() {
        assert!(safe_rel("../x").is_err());
        assert!(safe_rel("/etc/passwd").is_err());
        assert!(safe_rel("a/./b").is_ok());
    }
}
