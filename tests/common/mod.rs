//! Shared helpers for integration tests: copy a fixture site to a temp dir, run the
//! real binary, read the output tree.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

pub const NOW: &str = "2026-04-15T12:00:00Z";

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Copies a fixture site into a fresh temp dir and returns (guard, site path).
pub fn copy_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("site");
    copy_dir(&fixture(name), &dest);
    (tmp, dest)
}

pub fn copy_dir(src: &Path, dest: &Path) {
    std::fs::create_dir_all(dest).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dest.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

pub fn statusgen(args: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("statusgen")
        .unwrap()
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

pub fn build(root: &Path, out: &Path, extra: &[&str]) -> Output {
    build_at(root, out, NOW, extra)
}

/// [`build`] at another "now".
pub fn build_at(root: &Path, out: &Path, now: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--now",
        now,
    ];
    args.extend_from_slice(extra);
    statusgen(&args)
}

/// The demo (site.toml and content/ at the repo root) copied to `dest` with `language`.
pub fn demo_in(dest: &Path, language: &str) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content"), &dest.join("content"));
    let config = std::fs::read_to_string(repo.join("site.toml")).unwrap();
    assert!(config.contains("\nlanguage = \"en\"\n"));
    std::fs::write(
        dest.join("site.toml"),
        config.replace(
            "\nlanguage = \"en\"\n",
            &format!("\nlanguage = \"{language}\"\n"),
        ),
    )
    .unwrap();
}

/// Text with its tags replaced by spaces (entities left as they are).
pub fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file under `dir` with its bytes, keyed by relative path.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

pub fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every start tag of an HTML text: (tag name, [(attribute name, raw value)]), read
/// quote-aware so escaped text inside attribute values is never mistaken for markup.
pub fn start_tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' || i + 1 >= b.len() || !b[i + 1].is_ascii_alphabetic() {
            if b[i..].starts_with(b"<!--") {
                i += b[i..]
                    .windows(3)
                    .position(|w| w == b"-->")
                    .map(|e| e + 3)
                    .unwrap_or(b.len() - i);
            } else {
                i += 1;
            }
            continue;
        }
        i += 1;
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                i += 1;
                break;
            }
            let s = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'>' {
                i += 1;
            }
            let attr = html[s..i].to_ascii_lowercase();
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i];
                    i += 1;
                    let vs = i;
                    while i < b.len() && b[i] != q {
                        i += 1;
                    }
                    value = html[vs..i.min(b.len())].to_string();
                    i += 1;
                } else {
                    let vs = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = html[vs..i].to_string();
                }
            }
            attrs.push((attr, value));
        }
        out.push((name, attrs));
    }
    out
}

/// Problems that would make a page run content-controlled script.
pub fn active_content(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (tag, attrs) in start_tags(html) {
        // The theme's one script is external and its own (`localtime.js?v=<hash>`).
        let theme_script = tag == "script"
            && attrs.iter().any(|(n, v)| {
                n == "src"
                    && v.rsplit_once("/localtime.js?v=")
                        .is_some_and(|(dir, hash)| {
                            (dir.is_empty() || (dir.starts_with('/') && !dir.starts_with("//")))
                                && hash.len() == 8
                                && hash.bytes().all(|b| b.is_ascii_hexdigit())
                        })
            });
        if !theme_script
            && matches!(
                tag.as_str(),
                "script" | "iframe" | "object" | "embed" | "form"
            )
        {
            found.push(format!("<{tag}>"));
        }
        for (name, value) in attrs {
            if name.starts_with("on") {
                found.push(format!("<{tag} {name}=…>"));
            }
            let v: String = value
                .to_ascii_lowercase()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            if matches!(
                name.as_str(),
                "href" | "src" | "action" | "formaction" | "xlink:href"
            ) && (v.starts_with("javascript:")
                || v.starts_with("data:")
                || v.starts_with("vbscript:"))
            {
                found.push(format!("<{tag} {name}={value}>"));
            }
        }
    }
    found
}
