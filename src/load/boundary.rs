//! The site root is a boundary: every file statusgen reads from a site (site.toml,
//! content, templates, theme and static files) is resolved, symlinks included at any
//! level, and must stay inside the root; only regular files are read, up to
//! [`MAX_FILE_BYTES`]. A link to `/etc`, `/dev/zero` or a FIFO is refused with a message
//! saying why, instead of being published, read until memory runs out, or hung on.

use std::io::Read;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::diag::Diagnostic;

/// The largest file read from a site. Content files are text and far smaller; static
/// files (images, fonts) fit too.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

#[derive(Debug, Error)]
pub enum Refusal {
    #[error("leads outside the site root, to {0}")]
    Outside(PathBuf),
    #[error("is a symlink loop (a link that leads back to itself)")]
    Loop,
    #[error("is a symlink that leads nowhere (its target does not exist)")]
    Dangling,
    #[error("is {0}, not a regular file")]
    NotRegular(&'static str),
    #[error("is {0} bytes; files over {MAX_FILE_BYTES} bytes are not read")]
    TooLarge(u64),
    #[error("cannot be read: {0}")]
    Io(std::io::Error),
}

impl Refusal {
    pub fn help(&self) -> &'static str {
        match self {
            Refusal::Outside(_) => {
                "statusgen reads only files inside the site folder: copy the file or folder into the site instead of linking to it"
            }
            Refusal::Loop | Refusal::Dangling => {
                "remove the link, or point it at a file inside the site"
            }
            Refusal::NotRegular(_) => "replace it with an ordinary file",
            Refusal::TooLarge(_) => "split the file, or remove it from the site",
            Refusal::Io(_) => "check that the file exists and can be read",
        }
    }

    /// The refusal as an error about `rel` (a path as the user knows it).
    pub fn diagnostic(&self, rel: &str) -> Diagnostic {
        Diagnostic::error(rel, 0, 0, format!("{rel} {self}")).with_help(self.help())
    }
}

/// The site root as every check compares with it (symlinks resolved).
pub fn canonical_root(root: &Path) -> PathBuf {
    root.canonicalize().unwrap_or_else(|_| root.to_path_buf())
}

/// Where `path` really is, refused unless inside `canon_root` (see [`canonical_root`]).
pub fn resolve(canon_root: &Path, path: &Path) -> Result<PathBuf, Refusal> {
    match path.canonicalize() {
        Ok(real) if real.starts_with(canon_root) => Ok(real),
        Ok(real) => Err(Refusal::Outside(real)),
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
            Err(Refusal::Loop)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if std::fs::symlink_metadata(path).is_ok() {
                Err(Refusal::Dangling)
            } else {
                Err(Refusal::Io(e))
            }
        }
        Err(e) => Err(Refusal::Io(e)),
    }
}

/// Reads a regular file inside the root, at most [`MAX_FILE_BYTES`].
pub fn read(canon_root: &Path, path: &Path) -> Result<Vec<u8>, Refusal> {
    read_regular(&resolve(canon_root, path)?)
}

/// Reads a regular file already known to be inside the root (found by a walk that
/// resolved every link on the way), at most [`MAX_FILE_BYTES`]. Saves resolving every
/// content file's path again.
pub fn read_regular(real: &Path) -> Result<Vec<u8>, Refusal> {
    let mut bytes = Vec::new();
    read_regular_into(real, &mut bytes)?;
    Ok(bytes)
}

/// [`read`] into a buffer the caller reuses (cleared first): large files read one after
/// another then cost no fresh memory each.
pub fn read_into(canon_root: &Path, path: &Path, bytes: &mut Vec<u8>) -> Result<(), Refusal> {
    read_regular_into(&resolve(canon_root, path)?, bytes)
}

fn read_regular_into(real: &Path, bytes: &mut Vec<u8>) -> Result<(), Refusal> {
    use std::os::unix::fs::OpenOptionsExt;
    // Non-blocking, so opening a FIFO returns at once instead of waiting for a writer;
    // it is then refused as not a regular file.
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(real)
        .map_err(Refusal::Io)?;
    let meta = file.metadata().map_err(Refusal::Io)?;
    if !meta.is_file() {
        return Err(Refusal::NotRegular(kind(&meta)));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(Refusal::TooLarge(meta.len()));
    }
    bytes.clear();
    bytes.reserve(meta.len() as usize);
    // A file growing while read is still capped.
    (&mut file)
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(bytes)
        .map_err(Refusal::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Refusal::TooLarge(bytes.len() as u64));
    }
    Ok(())
}

fn kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn reads_only_regular_files_inside_the_root() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("site.toml"), "x").unwrap();
        std::fs::write(tmp.path().join("secret"), "s").unwrap();
        let canon = canonical_root(&root);
        assert_eq!(read(&canon, &root.join("site.toml")).unwrap(), b"x");

        symlink(tmp.path().join("secret"), root.join("out.md")).unwrap();
        assert!(matches!(
            read(&canon, &root.join("out.md")),
            Err(Refusal::Outside(_))
        ));
        // A link at a higher level: the folder itself.
        symlink(tmp.path(), root.join("content/up")).unwrap();
        assert!(matches!(
            read(&canon, &root.join("content/up/secret")),
            Err(Refusal::Outside(_))
        ));
        symlink(root.join("site.toml"), root.join("inside.md")).unwrap();
        assert_eq!(read(&canon, &root.join("inside.md")).unwrap(), b"x");

        symlink(root.join("loop"), root.join("loop")).unwrap();
        assert!(matches!(
            read(&canon, &root.join("loop")),
            Err(Refusal::Loop)
        ));
        symlink(root.join("gone"), root.join("dangling")).unwrap();
        assert!(matches!(
            read(&canon, &root.join("dangling")),
            Err(Refusal::Dangling)
        ));
        assert!(matches!(
            read(&canon, &root.join("content")),
            Err(Refusal::NotRegular("a folder"))
        ));
    }

    #[test]
    fn fifos_and_devices_are_refused_without_blocking() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let fifo = root.join("site.toml");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        let canon = canonical_root(root);
        assert!(matches!(
            read(&canon, &fifo),
            Err(Refusal::NotRegular("a FIFO (named pipe)"))
        ));
        // /dev/zero is outside any site root; inside one (root = /dev) it is a device.
        assert!(matches!(
            read(Path::new("/dev"), Path::new("/dev/zero")),
            Err(Refusal::NotRegular("a device"))
        ));
    }

    #[test]
    fn messages_name_the_file_and_the_fix() {
        let d = Refusal::Outside(PathBuf::from("/etc")).diagnostic("content");
        let text = d.to_string();
        assert!(
            text.contains("content leads outside the site root, to /etc"),
            "{text}"
        );
        assert!(
            text.contains("copy the file or folder into the site"),
            "{text}"
        );
    }
}
