//! Watching the site for changes: `site.toml` and the site root itself (non-recursively,
//! so editors that replace files on save are seen), and `content/`, `templates/`, `i18n/`,
//! `themes/`, `static/` and `data/` (check histories) recursively. Editor temp files and everything else in the
//! root (notably the output folder `public/` and `target/`) are ignored.
//!
//! Native events (inotify, FSEvents, ReadDirectoryChangesW) are used by default. They
//! are not delivered on some file systems (WSL2 editing files under `/mnt/c`, network
//! drives, some container mounts); `--poll` then scans for changes every second. The
//! scan compares file contents too: notify's poller keeps modification times in whole
//! seconds only, so without that a second save within the same second would be missed.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, DebouncedEvent, Debouncer, NoCache, RecommendedCache, new_debouncer,
    new_debouncer_opt,
};

use crate::load::walk::is_ignored_name;

/// The site folders watched recursively when they exist.
pub const DIRS: &[&str] = &["content", "templates", "themes", "static", "i18n", "data"];
/// Quiet time after the last event before a rebuild: one save often makes several events.
pub const DEBOUNCE: Duration = Duration::from_millis(100);
const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// Swap, backup and lock files that editors write beside the file being edited.
pub fn is_temp_name(name: &str) -> bool {
    is_ignored_name(name)
        || name == "4913" // vim's probe that a folder is writable
        || name.ends_with(".swx")
        || name.ends_with(".swo")
}

/// Whether a change at `path` can change the built site.
pub fn is_relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut names = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(n) => names.push(n.to_string_lossy()),
            _ => return false,
        }
    }
    let Some(first) = names.first() else {
        return false;
    };
    if names.iter().any(|n| is_temp_name(n)) {
        return false;
    }
    match first.as_ref() {
        "site.toml" => names.len() == 1,
        d => DIRS.contains(&d),
    }
}

fn is_relevant_kind(kind: &EventKind) -> bool {
    match kind {
        // Opening or reading a file changes nothing; a finished write does.
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

fn replaces_folder(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(_))
    )
}

/// Whether a batch of debounced events should trigger a rebuild.
pub fn batch_is_relevant(root: &Path, events: &[DebouncedEvent]) -> bool {
    events
        .iter()
        .any(|e| is_relevant_kind(&e.kind) && e.paths.iter().any(|p| is_relevant(root, p)))
}

enum Inner {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, NoCache>),
}

/// A debounced watcher over the site, native or polling.
pub struct SiteWatcher {
    inner: Inner,
    root: PathBuf,
    watched: HashSet<PathBuf>,
    pub events: Receiver<DebounceEventResult>,
}

impl SiteWatcher {
    /// Starts watching `root` (which should be canonical, so event paths match it).
    pub fn new(root: &Path, poll: bool) -> notify::Result<SiteWatcher> {
        let (tx, rx) = mpsc::channel();
        let inner = if poll {
            let config = notify::Config::default()
                .with_poll_interval(POLL_INTERVAL)
                .with_compare_contents(true);
            Inner::Poll(new_debouncer_opt::<_, PollWatcher, NoCache>(
                DEBOUNCE, None, tx, NoCache, config,
            )?)
        } else {
            Inner::Native(new_debouncer(DEBOUNCE, None, tx)?)
        };
        let mut w = SiteWatcher {
            inner,
            root: root.to_path_buf(),
            watched: HashSet::new(),
            events: rx,
        };
        w.watch(root, RecursiveMode::NonRecursive)?;
        w.refresh(&[])?;
        Ok(w)
    }

    pub fn kind(&self) -> &'static str {
        match self.inner {
            Inner::Native(_) => "native file events",
            Inner::Poll(_) => "polling",
        }
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match &mut self.inner {
            Inner::Native(d) => d.watch(path, mode),
            Inner::Poll(d) => d.watch(path, mode),
        }
    }

    fn unwatch(&mut self, path: &Path) {
        let _ = match &mut self.inner {
            Inner::Native(d) => d.unwatch(path),
            Inner::Poll(d) => d.unwatch(path),
        };
    }

    /// Starts watching site folders created since the start, and re-watches those that
    /// `events` show were removed or replaced (a watch does not survive its folder).
    pub fn refresh(&mut self, events: &[DebouncedEvent]) -> notify::Result<()> {
        for name in DIRS {
            let dir = self.root.join(name);
            // Only a folder created, removed or renamed loses its watch. Reads (every
            // build opens these folders) must not count: re-watching would itself make
            // events, and loop.
            let touched = events
                .iter()
                .any(|e| replaces_folder(&e.kind) && e.paths.iter().any(|p| p == &dir));
            if touched && self.watched.remove(&dir) {
                self.unwatch(&dir);
            }
            if dir.is_dir() && !self.watched.contains(&dir) {
                self.watch(&dir, RecursiveMode::Recursive)?;
                self.watched.insert(dir);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relevant_paths() {
        let root = Path::new("/site");
        for p in [
            "/site/site.toml",
            "/site/content/incidents/a.md",
            "/site/content",
            "/site/templates/page.html",
            "/site/themes/x/templates/base.html",
            "/site/static/logo.png",
            "/site/data/checks/api.csv",
        ] {
            assert!(is_relevant(root, Path::new(p)), "{p}");
        }
        for p in [
            "/site",
            "/site/public/index.html",
            "/site/target/debug/x",
            "/site/README.md",
            "/site/.git/index",
            "/site/content/incidents/.a.md.swp",
            "/site/content/incidents/.a.md.swx",
            "/site/content/incidents/a.md~",
            "/site/content/incidents/4913",
            "/site/content/incidents/#a.md#",
            "/site/site.toml~",
            "/elsewhere/site.toml",
        ] {
            assert!(!is_relevant(root, Path::new(p)), "{p}");
        }
    }

    #[test]
    fn reads_are_not_changes() {
        assert!(!is_relevant_kind(&EventKind::Access(AccessKind::Read)));
        assert!(is_relevant_kind(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_relevant_kind(&EventKind::Any));
        assert!(!replaces_folder(&EventKind::Access(AccessKind::Open(
            notify::event::AccessMode::Any
        ))));
        assert!(replaces_folder(&EventKind::Remove(
            notify::event::RemoveKind::Folder
        )));
    }
}
