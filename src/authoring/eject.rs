//! `statusgen theme eject`: copies the built-in theme's templates and `style.css` into a
//! site's `templates/` and `static/`, so an override starts from the real file. A file
//! that already exists is never touched: it is reported as kept and the rest are written.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::render::theme::{builtin_static, builtin_templates};

/// The stylesheet eject copies besides the templates (the favicon is not a theme file
/// anyone edits, so it stays built in).
const STYLESHEET: &str = "style.css";

/// Why eject did not run.
#[derive(Debug, thiserror::Error)]
pub enum EjectError {
    #[error("{} has no site.toml: eject writes into a site (run `statusgen init` first, or pass --root)", .0.display())]
    NotASite(PathBuf),
    #[error("there is no built-in template `{name}`; choose from {choices}")]
    Unknown { name: String, choices: String },
    #[error("cannot write {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl EjectError {
    /// 2 for a usage mistake (an unknown name), 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            EjectError::Unknown { .. } => 2,
            _ => 1,
        }
    }
}

/// What eject did with one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ejected {
    Written(PathBuf),
    /// The file existed and was left as it was.
    Kept(PathBuf),
}

/// The files to eject: every template and the stylesheet, or the named ones (`index`
/// and `index.html` both name `index.html`), as (path under the site, contents).
pub fn plan(names: &[String]) -> Result<Vec<(String, &'static [u8])>, EjectError> {
    let all = || {
        builtin_templates()
            .iter()
            .map(|(name, text)| (format!("templates/{name}"), text.as_bytes()))
            .chain(stylesheet())
            .collect::<Vec<_>>()
    };
    if names.is_empty() {
        return Ok(all());
    }
    let mut planned = Vec::new();
    for name in names {
        let file = if name.contains('.') {
            name.clone()
        } else {
            format!("{name}.html")
        };
        let found = if file == STYLESHEET {
            stylesheet().next()
        } else {
            builtin_templates()
                .iter()
                .find(|(n, _)| *n == file)
                .map(|(n, text)| (format!("templates/{n}"), text.as_bytes()))
        };
        let Some(found) = found else {
            let mut choices: Vec<&str> = builtin_templates().iter().map(|(n, _)| *n).collect();
            choices.push(STYLESHEET);
            return Err(EjectError::Unknown {
                name: name.clone(),
                choices: choices.join(", "),
            });
        };
        if !planned.contains(&found) {
            planned.push(found);
        }
    }
    Ok(planned)
}

fn stylesheet() -> impl Iterator<Item = (String, &'static [u8])> {
    builtin_static()
        .iter()
        .filter(|(path, _)| *path == STYLESHEET)
        .map(|(path, bytes)| (format!("static/{path}"), *bytes))
}

/// Writes the planned files into the site at `root`, keeping every file that exists.
pub fn eject(root: &Path, names: &[String]) -> Result<Vec<Ejected>, EjectError> {
    if !root.join("site.toml").is_file() {
        return Err(EjectError::NotASite(root.to_path_buf()));
    }
    let planned = plan(names)?;
    let mut done = Vec::with_capacity(planned.len());
    for (rel, bytes) in planned {
        let path = root.join(&rel);
        let shown = PathBuf::from(&rel);
        // symlink_metadata: a dangling symlink is a file the user put there too.
        if std::fs::symlink_metadata(&path).is_ok() {
            done.push(Ejected::Kept(shown));
            continue;
        }
        let io = |source| EjectError::Io {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        if write_new(&path, bytes).map_err(io)? {
            done.push(Ejected::Written(shown));
        } else {
            done.push(Ejected::Kept(shown));
        }
    }
    Ok(done)
}

/// Writes `bytes` to a new file at `path`, whole or not at all: into a temporary file
/// beside it, then linked into place, which fails if `path` appeared meanwhile (then
/// false is returned and nothing is changed).
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.statusgen-{}", std::process::id()));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    let linked = written.and_then(|()| std::fs::hard_link(&tmp, path));
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_or_the_named_files() {
        let all = plan(&[]).unwrap();
        assert_eq!(all.len(), builtin_templates().len() + 1);
        assert!(all.iter().any(|(p, _)| p == "static/style.css"));
        let some = plan(&["index".into(), "macros.html".into(), "index.html".into()]).unwrap();
        let paths: Vec<&str> = some.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["templates/index.html", "templates/macros.html"]);
        let css = plan(&["style.css".into()]).unwrap();
        assert_eq!(css[0].0, "static/style.css");
    }

    #[test]
    fn an_unknown_name_lists_the_choices() {
        let err = plan(&["indx".into()]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let msg = err.to_string();
        assert!(
            msg.contains("`indx`") && msg.contains("index.html, ") && msg.contains("style.css")
        );
    }

    #[test]
    fn existing_files_are_kept_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("site.toml"), "").unwrap();
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/index.html"), "mine").unwrap();
        let done = eject(dir.path(), &["index".into(), "404".into()]).unwrap();
        assert_eq!(
            done,
            [
                Ejected::Kept("templates/index.html".into()),
                Ejected::Written("templates/404.html".into())
            ]
        );
        let index = std::fs::read_to_string(dir.path().join("templates/index.html")).unwrap();
        assert_eq!(index, "mine");
        let files = std::fs::read_dir(dir.path().join("templates"))
            .unwrap()
            .count();
        assert_eq!(files, 2, "no temporary file is left");
        assert!(matches!(
            eject(&dir.path().join("nope"), &[]),
            Err(EjectError::NotASite(_))
        ));
    }
}
