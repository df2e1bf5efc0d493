//! The state file: per channel, the ids of the events already handled (delivered, or
//! recorded on the channel's first run, or outside its filters). JSON with sorted keys
//! and ids so it diffs well and two runs on the same input write the same bytes.
//!
//! It stays small however long the site's history: events dated before `history_before`
//! (the last run's history horizon) are settled for every channel and not listed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Where the state lives unless `--state` says otherwise, relative to the site root.
pub const DEFAULT_PATH: &str = ".statusgen/notify-state.json";
const VERSION: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    pub version: u32,
    /// Events dated before this are settled for every channel (none: nothing is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_before: Option<chrono::DateTime<chrono::Utc>>,
    /// Channel name → handled event ids.
    pub channels: BTreeMap<String, BTreeSet<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot read the notify state {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the notify state {} is not a statusgen notify state file ({reason}); fix it, or delete it to start over (the next run then records the current events as announced and sends nothing)",
        path.display()
    )]
    Invalid { path: PathBuf, reason: String },
    #[error("cannot write the notify state {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl State {
    pub fn new() -> State {
        State {
            version: VERSION,
            history_before: None,
            channels: BTreeMap::new(),
        }
    }

    /// The state at `path`; `None` when there is none yet (the first run).
    pub fn read(path: &Path) -> Result<Option<State>, StateError> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(StateError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let invalid = |reason: String| StateError::Invalid {
            path: path.to_path_buf(),
            reason,
        };
        let state: State = serde_json::from_slice(&bytes).map_err(|e| invalid(e.to_string()))?;
        if state.version != VERSION {
            return Err(invalid(format!(
                "version {} where {VERSION} is expected",
                state.version
            )));
        }
        Ok(Some(state))
    }

    pub fn to_json(&self) -> String {
        // Plain maps and sets of strings always serialise.
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Writes the state atomically: a reader (or a run killed half-way) sees the old
    /// file or the new one, never a mix. Creates the folder if needed.
    pub fn write(&self, path: &Path) -> Result<(), StateError> {
        let err = |source| StateError::Write {
            path: path.to_path_buf(),
            source,
        };
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(err)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "notify-state.json".into());
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let result = (|| {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(self.to_json().as_bytes())?;
            f.sync_all()?;
            std::fs::rename(&tmp, path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result.map_err(err)
    }

    /// Forgets ids no current event has (a deleted incident, an update whose time was
    /// changed), so the file stays as small as the site.
    pub fn prune(&mut self, current: &BTreeSet<&str>) {
        for ids in self.channels.values_mut() {
            ids.retain(|id| current.contains(id.as_str()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_in_a_stable_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/state.json");
        assert_eq!(State::read(&path).unwrap(), None);
        let mut s = State::new();
        s.channels
            .entry("slack".into())
            .or_default()
            .extend(["b".to_string(), "a".to_string()]);
        s.channels.entry("email".into()).or_default();
        s.write(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "{\n  \"version\": 1,\n  \"channels\": {\n    \"email\": [],\n    \"slack\": [\n      \"a\",\n      \"b\"\n    ]\n  }\n}\n"
        );
        assert_eq!(State::read(&path).unwrap(), Some(s));
        // No temporary file is left behind.
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
    }

    #[test]
    fn a_broken_file_says_how_to_recover() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        std::fs::write(&path, "{\"version\": 1, \"channels\": {\"a\": 3}}").unwrap();
        let e = State::read(&path).unwrap_err().to_string();
        assert!(e.contains("delete it to start over"), "{e}");
    }

    #[test]
    fn prune_keeps_current_ids() {
        let mut s = State::new();
        s.channels
            .entry("x".into())
            .or_default()
            .extend(["a".to_string(), "gone".to_string()]);
        s.prune(&["a", "b"].into_iter().collect());
        assert_eq!(s.channels["x"].iter().collect::<Vec<_>>(), ["a"]);
    }
}
