//! Which content file `update` and `resolve` mean: a slug, a unique slug prefix (with or
//! without the leading date), or a path; anything else is an error naming the candidates.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::load::{frontmatter, slug, walk};

/// Incidents and maintenance windows are edited alike but validated by their own rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Incident,
    Maintenance,
}

impl Kind {
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Incident => "incident",
            Kind::Maintenance => "maintenance window",
        }
    }
}

/// A content file and the slug it publishes under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: PathBuf,
    /// Relative to the site root, `/`-separated.
    pub rel: String,
    pub slug: String,
    pub kind: Kind,
}

/// The front matter of a content file (from its start up to the closing `+++`) when a
/// line of it starts with `slug`; only then is there a slug other than the file name's.
/// Only the front matter is read, not the body (most of the bytes), so finding a file
/// stays cheap on large sites.
fn head_with_slug(path: &Path) -> Option<Vec<u8>> {
    use std::io::BufRead;
    let mut r = std::io::BufReader::new(std::fs::File::open(path).ok()?);
    let mut head = Vec::new();
    let mut fences = 0;
    let mut mentions = false;
    loop {
        let start = head.len();
        if r.read_until(b'\n', &mut head).ok()? == 0 {
            return None;
        }
        let line = &head[start..];
        let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        if line.trim_ascii_end() == b"+++" {
            fences += 1;
            if fences == 2 {
                return mentions.then_some(head);
            }
        } else if fences == 0 {
            return None;
        } else {
            mentions |= line.trim_ascii_start().starts_with(b"slug");
        }
    }
}

/// A `slug = "..."` in the front matter, else the one from the file name.
fn slug_of(path: &Path) -> String {
    let from_stem = || {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default();
        slug::from_file_stem(&stem)
    };
    let Some(bytes) = head_with_slug(path) else {
        return from_stem();
    };
    frontmatter::split(&bytes)
        .ok()
        .and_then(|split| toml::de::DeTable::parse(split.front).ok())
        .and_then(|doc| {
            crate::load::reader::Reader::get(doc.get_ref(), "slug")
                .and_then(|v| v.get_ref().as_str().map(str::to_string))
        })
        .unwrap_or_else(from_stem)
}

/// Every incident and maintenance file of the site.
pub fn entries(root: &Path) -> Vec<Entry> {
    use rayon::prelude::*;
    let mut diags = Vec::new();
    let mut out = Vec::new();
    for (dir, kind) in [
        (crate::load::incidents_dir(root), Kind::Incident),
        (crate::load::maintenance_dir(root), Kind::Maintenance),
    ] {
        let found = walk::markdown_files(root, &dir, &mut diags);
        out.par_extend(found.into_par_iter().map(|f| Entry {
            slug: slug_of(&f.path),
            path: f.path,
            rel: f.rel,
            kind,
        }));
    }
    out
}

/// The slug without a leading `YYYY-MM-DD-`, for prefixes such as `auth` of
/// `2026-03-14-auth-outage`.
fn undated(slug: &str) -> &str {
    let b = slug.as_bytes();
    let dated = b.len() > 11
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
        && b[10] == b'-';
    if dated { &slug[11..] } else { slug }
}

fn listing(entries: &[&Entry]) -> String {
    let mut names: Vec<String> = entries
        .iter()
        .take(8)
        .map(|e| format!("{} ({})", e.slug, e.rel))
        .collect();
    if entries.len() > 8 {
        names.push(format!("and {} more", entries.len() - 8));
    }
    names.join(", ")
}

fn problem(message: String, help: String) -> Vec<Diagnostic> {
    vec![Diagnostic::error("INCIDENT", 0, 0, message).with_help(help)]
}

/// Finds the file `arg` names among `all`. `cwd` resolves a path argument.
pub fn resolve(arg: &str, all: &[Entry], cwd: &Path) -> Result<Entry, Vec<Diagnostic>> {
    let arg = arg.trim();
    if arg.is_empty() {
        return Err(problem(
            "no incident given".into(),
            "name it by slug, a unique start of its slug, or its file path".into(),
        ));
    }
    // A path: as typed in a shell, relative to the working directory.
    let as_path = cwd.join(arg);
    if arg.ends_with(".md") || arg.contains('/') || arg.contains(std::path::MAIN_SEPARATOR) {
        let Ok(canon) = as_path.canonicalize() else {
            return Err(problem(
                format!("no file {arg}"),
                "give the path of an incident or maintenance file, or its slug".into(),
            ));
        };
        return all
            .iter()
            .find(|e| e.path.canonicalize().is_ok_and(|p| p == canon))
            .cloned()
            .ok_or_else(|| {
                problem(
                    format!("{arg} is not an incident or maintenance file of this site"),
                    "content files live under content/incidents/ and content/maintenance/ beside site.toml".into(),
                )
            });
    }
    let exact: Vec<&Entry> = all.iter().filter(|e| e.slug == arg).collect();
    let found = if exact.is_empty() {
        all.iter()
            .filter(|e| e.slug.starts_with(arg) || undated(&e.slug).starts_with(arg))
            .collect()
    } else {
        exact
    };
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => {
            // Typos: near the slug, or near it without its date.
            let mut near: Vec<&Entry> = all.iter().filter(|e| e.slug.contains(arg)).collect();
            for e in all {
                let close = crate::load::reader::closest(arg, &[e.slug.as_str(), undated(&e.slug)]);
                if close.is_some() && !near.contains(&e) {
                    near.push(e);
                }
            }
            let help = if near.is_empty() {
                // Slugs start with their date: the newest are the likeliest.
                let mut newest: Vec<&Entry> = all.iter().collect();
                newest.sort_by(|a, b| b.slug.cmp(&a.slug));
                if newest.is_empty() {
                    "this site has no incidents yet: create one with `statusgen new incident \"Title\"`".into()
                } else {
                    format!("the newest are: {}", listing(&newest))
                }
            } else {
                format!("did you mean {}?", listing(&near))
            };
            Err(problem(
                format!("no incident or maintenance window \"{arg}\""),
                help,
            ))
        }
        many => Err(problem(
            format!("\"{arg}\" matches {} files", many.len()),
            format!(
                "did you mean one of {}? Give more of the slug, or the path",
                listing(many)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(slug: &str, kind: Kind) -> Entry {
        Entry {
            path: PathBuf::from(format!("/nowhere/{slug}.md")),
            rel: format!("content/x/{slug}.md"),
            slug: slug.into(),
            kind,
        }
    }

    fn all() -> Vec<Entry> {
        vec![
            e("2026-03-14-auth-outage", Kind::Incident),
            e("2026-03-20-auth-slow", Kind::Incident),
            e("2026-04-01-db-upgrade", Kind::Maintenance),
            e("db", Kind::Incident),
        ]
    }

    #[test]
    fn slugs_and_unique_prefixes() {
        let cwd = Path::new("/");
        assert_eq!(
            resolve("2026-03-14-auth-outage", &all(), cwd).unwrap().slug,
            "2026-03-14-auth-outage"
        );
        assert_eq!(
            resolve("auth-o", &all(), cwd).unwrap().slug,
            "2026-03-14-auth-outage"
        );
        assert_eq!(
            resolve("2026-04", &all(), cwd).unwrap().kind,
            Kind::Maintenance
        );
        // An exact slug wins over the prefixes it is part of.
        assert_eq!(resolve("db", &all(), cwd).unwrap().slug, "db");
    }

    #[test]
    fn ambiguous_and_unknown_name_candidates() {
        let cwd = Path::new("/");
        let d = resolve("auth", &all(), cwd).unwrap_err();
        assert!(d[0].message.contains("matches 2"), "{d:?}");
        let help = d[0].help.as_deref().unwrap();
        assert!(help.contains("2026-03-14-auth-outage") && help.contains("2026-03-20-auth-slow"));
        let d = resolve("2026-03-14-auth-outgae", &all(), cwd).unwrap_err();
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .contains("did you mean 2026-03-14-auth-outage"),
            "{d:?}"
        );
        let d = resolve("zzz", &all(), cwd).unwrap_err();
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .starts_with("the newest are: db (content/x/db.md), 2026-04-01-db-upgrade"),
            "{d:?}"
        );
        assert!(
            resolve("x", &[], cwd).unwrap_err()[0]
                .help
                .as_deref()
                .unwrap()
                .contains("statusgen new incident")
        );
    }

    #[test]
    fn slugs_come_from_front_matter_or_the_file_name() {
        let dir = tempfile::tempdir().unwrap();
        let inc = dir.path().join("content/incidents");
        std::fs::create_dir_all(&inc).unwrap();
        std::fs::write(
            inc.join("2026-01-01-A b.md"),
            "\u{FEFF}+++\r\ntitle = \"x\"\r\n+++\r\nslug = \"not-this\"\n",
        )
        .unwrap();
        std::fs::write(
            inc.join("other.md"),
            "+++\ntitle = \"y\"\n  slug = \"mine\"\n+++\nbody\n",
        )
        .unwrap();
        std::fs::write(inc.join("broken.md"), "no front matter\nslug = \"no\"\n").unwrap();
        let mut slugs: Vec<String> = entries(dir.path()).into_iter().map(|e| e.slug).collect();
        slugs.sort();
        assert_eq!(slugs, ["2026-01-01-a-b", "broken", "mine"]);
    }

    #[test]
    fn dated_prefix_is_optional() {
        assert_eq!(undated("2026-03-14-auth"), "auth");
        assert_eq!(undated("2026-03-14"), "2026-03-14");
        assert_eq!(undated("auth-2026-03-14"), "auth-2026-03-14");
    }
}
