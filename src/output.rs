//! Writing the built site: a complete new tree is written beside the output folder and
//! swapped in, so a reader (or a failed build) never sees a half-written site. Nothing
//! outside the output folder is written or deleted, except statusgen's own siblings of
//! it (`.NAME.statusgen-*`).
//!
//! The swap (see docs/output.md):
//! - builds into one output take turns: an exclusive flock on the output's parent folder
//!   is held from the start of writing until the old tree is gone (a folder, so that no
//!   lock file is ever left behind; builds into sibling outputs also take turns);
//! - holding it, a build removes what killed builds left (`.NAME.statusgen-new-*`,
//!   `-old-*`), since no other build can be using them;
//! - on Linux the new tree and the output trade places in one `renameat2(RENAME_EXCHANGE)`,
//!   so a reader sees the old site or the new one, never none; elsewhere (or on a file
//!   system without it) two renames, with a moment in between where the folder is absent;
//! - the old tree is removed after the build has been reported (see [`Retired`]); failing
//!   to remove it is a warning, and the next build removes it anyway;
//! - an output folder that is a mount point (a Docker volume) cannot be swapped, and is
//!   refused with a clear message.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use thiserror::Error;

use crate::files::{OutputFile, Sink};

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
    #[error(
        "{0} is a mount point (a Docker volume, say): statusgen replaces the output folder as a whole, which a mount point cannot be; use a folder inside it, like --output {0}/site"
    )]
    MountPoint(PathBuf),
    #[error("cannot lock {path} (another build into the same output?): {source}")]
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },
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
    // Resolved: a linked content folder is still the content folder.
    let content_abs = absolute(&root.join("content"))?;
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
            if is_mount_point(&out_abs) {
                return Err(OutputError::MountPoint(out.to_path_buf()));
            }
        }
        Err(_) => {}
    }
    Ok(())
}

/// Whether `dir` is the root of a mounted file system (its device differs from its
/// parent's). Bind mounts within one file system are caught by the swap's EBUSY instead.
fn is_mount_point(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let (Some(parent), Ok(m)) = (dir.parent(), std::fs::metadata(dir)) else {
        return false;
    };
    std::fs::metadata(parent).is_ok_and(|p| p.dev() != m.dev())
}

/// The siblings of an output folder that statusgen owns, by the output's name.
struct Siblings {
    parent: PathBuf,
    name: String,
}

impl Siblings {
    fn of(out_abs: &Path) -> Result<Siblings, OutputError> {
        let bad = || OutputError::BadPath(out_abs.display().to_string());
        Ok(Siblings {
            parent: out_abs.parent().ok_or_else(bad)?.to_path_buf(),
            name: out_abs
                .file_name()
                .ok_or_else(bad)?
                .to_string_lossy()
                .into_owned(),
        })
    }

    /// A staging (`new`) or retired (`old`) tree of process `pid`.
    fn tree(&self, kind: &str, pid: u32) -> PathBuf {
        self.parent
            .join(format!(".{}.statusgen-{kind}-{pid}", self.name))
    }

    /// Trees left by builds that were killed (or failed to clean up). Only called with
    /// the lock held, so no running build owns any of them.
    fn leftovers(&self) -> Vec<PathBuf> {
        let prefixes = [
            format!(".{}.statusgen-new-", self.name),
            format!(".{}.statusgen-old-", self.name),
        ];
        let Ok(entries) = std::fs::read_dir(&self.parent) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                prefixes.iter().any(|p| {
                    n.strip_prefix(p.as_str()).is_some_and(|pid| {
                        !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
                    })
                }) && e.file_type().is_ok_and(|t| t.is_dir())
            })
            .map(|e| e.path())
            .collect()
    }
}

/// The exclusive lock on one output folder, released when dropped (or when the process
/// dies: flock locks die with their process, so a killed build never blocks the next).
#[derive(Debug)]
pub struct OutputLock {
    _file: std::fs::File,
}

impl OutputLock {
    /// Waits for any other build into the same output to finish. `dir` is the
    /// output's parent folder.
    fn acquire(dir: &Path) -> Result<OutputLock, OutputError> {
        let lock_err = |source| OutputError::Lock {
            path: dir.to_path_buf(),
            source,
        };
        let file = std::fs::File::open(dir).map_err(lock_err)?;
        rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive)
            .map_err(|e| lock_err(e.into()))?;
        Ok(OutputLock { _file: file })
    }
}

/// The previous site after a successful swap, to be removed once the build has been
/// reported. Holds the output's lock until then. Dropped without [`Retired::remove`], it
/// removes the trees anyway, silently.
#[derive(Debug)]
pub struct Retired {
    /// The old tree, then leftovers of killed builds.
    trees: Vec<PathBuf>,
    _lock: Option<OutputLock>,
}

impl Retired {
    /// Removes the old tree and any leftovers; returns the paths it could not remove.
    pub fn remove(mut self) -> Vec<(PathBuf, std::io::Error)> {
        std::mem::take(&mut self.trees)
            .into_iter()
            .filter_map(|dir| remove_tree(&dir).err().map(|e| (dir, e)))
            .collect()
    }
}

impl Drop for Retired {
    fn drop(&mut self) {
        for dir in &self.trees {
            let _ = remove_tree(dir);
        }
    }
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
    lock: Option<OutputLock>,
    leftovers: Vec<PathBuf>,
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
        let siblings = Siblings::of(&out_abs)?;
        std::fs::create_dir_all(&siblings.parent).map_err(io(&siblings.parent))?;
        let lock = OutputLock::acquire(&siblings.parent)?;
        // With the lock held: what another build did meanwhile is finished.
        check_output_dir(root, out)?;
        let pid = std::process::id();
        let dir = siblings.tree("new", pid);
        let old = siblings.tree("old", pid);
        // Ours from an earlier build in this process, or a dead process's with our pid.
        let leftovers: Vec<PathBuf> = siblings
            .leftovers()
            .into_iter()
            .filter(|p| *p != dir && *p != old)
            .collect();
        for mine in [&dir, &old] {
            if mine.exists() {
                remove_tree(mine).map_err(io(mine))?;
            }
        }
        std::fs::create_dir(&dir).map_err(io(&dir))?;
        Ok(Staging {
            dir,
            out: out_abs,
            old,
            lock: Some(lock),
            leftovers,
            error: std::sync::Mutex::new(None),
            taken: Default::default(),
            done: false,
        })
    }

    /// Writes the remaining `files`, then swaps the complete new tree in for the old
    /// one. Returns how many files the new tree has, and the old tree to remove once the
    /// build has been reported.
    pub fn finish(mut self, files: &[OutputFile]) -> Result<(usize, Retired), OutputError> {
        let error = self.error.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(e) = error {
            return Err(e);
        }
        files.par_iter().try_for_each(|f| self.write(f))?;
        let marker = self.dir.join(MARKER);
        std::fs::write(&marker, MARKER_TEXT).map_err(io(&marker))?;
        let old = swap(&self.dir, &self.out, &self.old)?;
        self.done = true;
        let count = files.len() + *self.taken.get_mut();
        // `self` implements Drop, so its fields are taken rather than moved out.
        let lock = self.lock.take();
        let trees = old
            .into_iter()
            .chain(std::mem::take(&mut self.leftovers))
            .collect();
        Ok((count, Retired { trees, _lock: lock }))
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

/// Puts `staging` in place of `out`; returns where the previous tree now is.
fn swap(staging: &Path, out: &Path, old: &Path) -> Result<Option<PathBuf>, OutputError> {
    let busy =
        |e: &std::io::Error| e.raw_os_error() == Some(rustix::io::Errno::BUSY.raw_os_error());
    if !out.exists() {
        std::fs::rename(staging, out).map_err(io(out))?;
        return Ok(None);
    }
    match exchange(staging, out) {
        // The old tree is now where the new one was.
        Ok(()) => return Ok(Some(staging.to_path_buf())),
        Err(e) if busy(&e) => return Err(OutputError::MountPoint(out.to_path_buf())),
        // No atomic exchange on this system or file system: two renames below.
        Err(_) => {}
    }
    std::fs::rename(out, old).map_err(|e| {
        if busy(&e) {
            OutputError::MountPoint(out.to_path_buf())
        } else {
            io(out)(e)
        }
    })?;
    if let Err(e) = std::fs::rename(staging, out) {
        // Put the previous site back before reporting.
        let _ = std::fs::rename(old, out);
        return Err(OutputError::Io {
            path: out.to_path_buf(),
            source: e,
        });
    }
    Ok(Some(old.to_path_buf()))
}

/// Trades the places of two folders in one step.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(Into::into)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_site(root: &Path, out: &Path, files: &[OutputFile]) -> Result<usize, OutputError> {
        let (count, retired) = Staging::create(root, out)?.finish(files)?;
        assert!(retired.remove().is_empty());
        Ok(count)
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
        let (count, retired) = staging.finish(&rest).unwrap();
        assert_eq!(count, 4);
        assert!(retired.remove().is_empty());
        assert_eq!(entries(&root), ["public"]);
        assert_eq!(entries(&out), [MARKER, "incidents", "index.html"]);
        assert_eq!(entries(&out.join("incidents")), ["a", "b", "index.html"]);
        assert_eq!(
            std::fs::read(out.join("incidents/b/index.html")).unwrap(),
            b"b"
        );
    }

    #[test]
    fn leftovers_of_killed_builds_are_removed_by_the_next_build() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        let out = root.join("public");
        write_site(&root, &out, &[OutputFile::new("a.txt", "1")]).unwrap();
        for dead in [".public.statusgen-new-999999", ".public.statusgen-old-4"] {
            std::fs::create_dir_all(root.join(dead).join("incidents/x")).unwrap();
            std::fs::write(root.join(dead).join("incidents/x/index.html"), "x").unwrap();
        }
        // Not ours: another output's, or not a pid.
        for other in [
            ".docs.statusgen-new-5",
            ".public.statusgen-new-x",
            "public-old",
        ] {
            std::fs::create_dir_all(root.join(other)).unwrap();
        }
        write_site(&root, &out, &[OutputFile::new("a.txt", "2")]).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                ".docs.statusgen-new-5",
                ".public.statusgen-new-x",
                "public",
                "public-old"
            ]
        );
        assert_eq!(std::fs::read_to_string(out.join("a.txt")).unwrap(), "2");
    }

    #[test]
    fn concurrent_builds_take_turns_and_readers_always_find_the_site() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        let out = root.join("public");
        write_site(&root, &out, &[OutputFile::new("index.html", "0")]).unwrap();
        let stop = std::sync::atomic::AtomicBool::new(false);
        let missing = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|s| {
            s.spawn(|| {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    if std::fs::read(out.join("index.html")).is_err() {
                        missing.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            });
            let builders: Vec<_> = (0..4)
                .map(|t| {
                    let (root, out) = (&root, &out);
                    s.spawn(move || {
                        for i in 0..25 {
                            let files = [
                                OutputFile::new("index.html", format!("{t}-{i}")),
                                OutputFile::new(format!("pages/{i}/index.html"), "p"),
                            ];
                            write_site(root, out, &files).unwrap();
                        }
                    })
                })
                .collect();
            for b in builders {
                b.join().unwrap();
            }
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
        });
        if cfg!(target_os = "linux") {
            assert_eq!(missing.into_inner(), 0, "a reader found no index.html");
        }
        let names: Vec<_> = std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"]);
        assert!(out.join(MARKER).is_file());
    }

    #[test]
    fn mount_points_are_recognised() {
        // /proc is a mount point wherever these tests run on Linux; its parent is not.
        if Path::new("/proc/self").exists() {
            assert!(is_mount_point(Path::new("/proc")));
            assert!(!is_mount_point(Path::new("/proc/self")));
        }
        let tmp = tempfile::tempdir().unwrap();
        assert!(!is_mount_point(tmp.path()));
    }

    #[test]
    fn a_tree_that_cannot_be_removed_is_reported_not_fatal() {
        let tmp = tempfile::tempdir().unwrap();
        let not_a_dir = tmp.path().join("file");
        std::fs::write(&not_a_dir, "x").unwrap();
        let retired = Retired {
            trees: vec![not_a_dir.clone(), tmp.path().join("gone")],
            _lock: None,
        };
        let failed = retired.remove();
        assert_eq!(failed.len(), 2);
        assert_eq!(failed[0].0, not_a_dir);
    }

    #[test]
    fn rejects_escaping_paths() {
        assert!(safe_rel("../x").is_err());
        assert!(safe_rel("/etc/passwd").is_err());
        assert!(safe_rel("a/./b").is_ok());
    }
}
