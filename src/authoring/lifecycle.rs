//! `statusgen update` and `statusgen resolve`: post to an incident's (or maintenance
//! window's) timeline by editing its file in place.
//!
//! The front matter is edited with `toml_edit`, which keeps every comment, blank line and
//! key order it is not asked to change; the Markdown body and the bytes around the front
//! matter (BOM, fences, line ends) are copied as they were. The edited text is read by the
//! same loader `check` uses before anything is written, and the file is replaced
//! atomically, so a problem leaves the file untouched.

use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use toml_edit::{DocumentMut, Item, Value};

use crate::authoring::target::{self, Entry, Kind};
use crate::diag::Diagnostic;
use crate::load::boundary;
use crate::load::content::{FileInput, parse_incident, parse_maintenance};
use crate::load::frontmatter;
use crate::site::Config;
use crate::vocabulary::{Impact, Level, MaintenanceStatus, UpdateStatus, one_of};

/// What to post.
#[derive(Debug, Clone)]
pub struct Post {
    /// An incident or maintenance status word; checked against the target's kind.
    pub status: String,
    pub message: String,
    pub at: DateTime<Utc>,
    /// `id=level` pairs (incidents only).
    pub components: Vec<String>,
    pub impact: Option<Impact>,
}

/// What was written.
#[derive(Debug, Clone)]
pub struct Posted {
    pub path: PathBuf,
    pub rel: String,
    pub slug: String,
    pub kind: Kind,
    pub status: String,
}

/// Why nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum PostError {
    #[error("{} problem(s) in the content or the arguments", .0.len())]
    Invalid(Vec<Diagnostic>),
    #[error("cannot write {path}: {1}", path = .0.display())]
    Io(PathBuf, #[source] std::io::Error),
}

impl From<Vec<Diagnostic>> for PostError {
    fn from(d: Vec<Diagnostic>) -> Self {
        PostError::Invalid(d)
    }
}

fn arg_error(arg: &str, message: impl Into<String>, help: impl Into<String>) -> PostError {
    PostError::Invalid(vec![Diagnostic::error(arg, 0, 0, message).with_help(help)])
}

/// The default final message customers read.
pub fn resolve_message(kind: Kind) -> &'static str {
    match kind {
        Kind::Incident => {
            "This incident has been resolved and all affected services are working normally. Thank you for your patience."
        }
        Kind::Maintenance => "The scheduled maintenance has been completed.",
    }
}

/// The status every final update of a kind uses.
pub fn final_status(kind: Kind) -> &'static str {
    match kind {
        Kind::Incident => UpdateStatus::Resolved.as_str(),
        Kind::Maintenance => MaintenanceStatus::Completed.as_str(),
    }
}

/// An instant as a TOML datetime in the site timezone, with its offset, to the second.
fn toml_datetime(t: DateTime<Utc>, tz: Tz) -> Value {
    let text = t
        .with_timezone(&tz)
        .to_rfc3339_opts(SecondsFormat::Secs, false);
    match text.parse::<toml_edit::Datetime>() {
        Ok(d) => Value::from(d),
        // chrono's RFC 3339 is always a TOML datetime; keep the instant whatever happens.
        Err(_) => Value::from(text),
    }
}

/// Replaces a value, keeping the comment and spacing around the old one. A comment
/// after the value stays in its column when the new value leaves room for it.
fn set_keeping_decor(item: &mut Item, mut new: Value) {
    if let Some(old) = item.as_value() {
        let decor = old.decor().clone();
        let suffix = decor.suffix().and_then(|s| s.as_str()).map(str::to_string);
        *new.decor_mut() = decor;
        if let Some(suffix) = suffix {
            let comment = suffix.trim_start_matches([' ', '\t']);
            let gap = suffix.len() - comment.len();
            if comment.starts_with('#') && !suffix.contains('\t') {
                let old_len = old.clone().decorated("", "").to_string().len();
                let new_len = new.clone().decorated("", "").to_string().len();
                let spaces = (old_len + gap).saturating_sub(new_len).max(1);
                new.decor_mut()
                    .set_suffix(format!("{}{comment}", " ".repeat(spaces)));
            }
        }
    }
    *item = Item::Value(new);
}

/// Sets `key` in the root table: in place when present, else as a new key after the others.
fn set_root(doc: &mut DocumentMut, key: &str, value: Value) {
    match doc.get_mut(key) {
        Some(item) => set_keeping_decor(item, value),
        None => {
            doc.insert(key, Item::Value(value));
        }
    }
}

fn update_table(at: Value, status: &str, message: &str) -> toml_edit::Table {
    let mut t = toml_edit::Table::new();
    t.insert("at", Item::Value(at));
    t.insert("status", toml_edit::value(status));
    t.insert("message", toml_edit::value(message));
    t
}

/// Adds an `[[updates]]` entry after the existing ones, or before them in a file that
/// lists its updates newest first.
fn add_update(
    doc: &mut DocumentMut,
    entry: toml_edit::Table,
    newest_first: bool,
) -> Result<(), String> {
    match doc.get_mut("updates") {
        None => {
            let mut aot = toml_edit::ArrayOfTables::new();
            aot.push(entry);
            doc.insert("updates", Item::ArrayOfTables(aot));
            Ok(())
        }
        Some(Item::ArrayOfTables(aot)) if newest_first => {
            aot.insert(0, entry);
            Ok(())
        }
        Some(Item::ArrayOfTables(aot)) => {
            aot.push(entry);
            Ok(())
        }
        Some(Item::Value(Value::Array(arr))) => {
            let entry = Value::InlineTable(entry.into_inline_table());
            if newest_first {
                arr.insert(0, entry);
            } else {
                arr.push(entry);
            }
            Ok(())
        }
        Some(_) => Err("`updates` is not a list of [[updates]] entries".into()),
    }
}

/// Sets component levels. A list of ids (levels implied by the impact) becomes an inline
/// table with those implied levels written out, since a list cannot hold levels.
fn set_components(
    doc: &mut DocumentMut,
    levels: &[(String, Level)],
    impact: Impact,
) -> Result<(), String> {
    if levels.is_empty() {
        return Ok(());
    }
    if let Some(Item::Value(Value::Array(list))) = doc.get("components") {
        let mut table = toml_edit::InlineTable::new();
        for id in list.iter().filter_map(|v| v.as_str()) {
            table.insert(id, Value::from(impact.default_level().as_str()));
        }
        let item = doc
            .get_mut("components")
            .ok_or("`components` disappeared")?;
        set_keeping_decor(item, Value::InlineTable(table));
    }
    if doc.get("components").is_none() {
        doc.insert(
            "components",
            Item::Value(Value::InlineTable(toml_edit::InlineTable::new())),
        );
    }
    let comps = doc
        .get_mut("components")
        .ok_or("`components` disappeared")?;
    let Some(table) = comps.as_table_like_mut() else {
        return Err("`components` is neither a list of ids nor a table of id = level".into());
    };
    for (id, level) in levels {
        match table.get_mut(id) {
            Some(item) => set_keeping_decor(item, Value::from(level.as_str())),
            None => {
                table.insert(id, toml_edit::value(level.as_str()));
            }
        }
    }
    Ok(())
}

/// `id=level` pairs, checked against site.toml and the level words.
fn component_levels(pairs: &[String], config: &Config) -> Result<Vec<(String, Level)>, PostError> {
    let words: Vec<&str> = Level::ALL
        .iter()
        .filter(|l| **l != Level::UnderMaintenance)
        .map(|l| l.as_str())
        .collect();
    let known: Vec<&str> = config.components.iter().map(|c| c.id.as_str()).collect();
    let mut diags = Vec::new();
    let mut out: Vec<(String, Level)> = Vec::new();
    for pair in pairs {
        let Some((id, word)) = pair.split_once('=') else {
            diags.push(
                Diagnostic::error("--component", 0, 0, format!("\"{pair}\" is not id=level"))
                    .with_help("write it like --component api=degraded_performance"),
            );
            continue;
        };
        let (id, word) = (id.trim(), word.trim());
        if !known.contains(&id) {
            let help = match crate::load::reader::closest(id, &known) {
                Some(c) => format!(
                    "did you mean \"{c}\"? Components in site.toml: {}",
                    known.join(", ")
                ),
                None => format!("components in site.toml: {}", known.join(", ")),
            };
            diags.push(
                Diagnostic::error("--component", 0, 0, format!("unknown component \"{id}\""))
                    .with_help(help),
            );
            continue;
        }
        match Level::parse(word).filter(|l| *l != Level::UnderMaintenance) {
            Some(level) => {
                out.retain(|(i, _)| i != id);
                out.push((id.to_string(), level));
            }
            None => diags.push(
                Diagnostic::error(
                    "--component",
                    0,
                    0,
                    format!("\"{word}\" is not a level for {id}"),
                )
                .with_help(format!("use {}", one_of(&words))),
            ),
        }
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(PostError::Invalid(diags))
    }
}

/// The edited file, or why the edit is refused. Pure: `bytes` in, bytes out.
pub fn edit(
    entry: &Entry,
    bytes: &[u8],
    post: &Post,
    config: &Config,
) -> Result<Vec<u8>, PostError> {
    let tz = config.timezone;
    // The file as it is must load: an edit never hides or compounds an existing problem.
    let before = validate(entry, bytes, config)?;
    if post.message.trim().is_empty() {
        return Err(arg_error(
            "--message",
            "the message is empty",
            "write what customers should know, e.g. --message \"We have found the cause and are deploying a fix.\"",
        ));
    }
    let split = frontmatter::split(bytes).map_err(|e| {
        PostError::Invalid(vec![
            Diagnostic::error(&entry.rel, e.line(), 1, e.message()).with_help(e.help()),
        ])
    })?;
    let mut doc: DocumentMut = split.front.parse().map_err(|e: toml_edit::TomlError| {
        arg_error(
            &entry.rel,
            format!("the front matter cannot be edited: {e}"),
            "fix it, then run the command again",
        )
    })?;
    let at = toml_datetime(post.at, tz);
    let status = post.status.as_str();
    match entry.kind {
        Kind::Incident => {
            let Some(st) = UpdateStatus::parse(status) else {
                let words: Vec<&str> = UpdateStatus::ALL.iter().map(|s| s.as_str()).collect();
                return Err(arg_error(
                    "--status",
                    format!("\"{status}\" is not an incident status"),
                    format!("{} is an incident: use {}", entry.slug, one_of(&words)),
                ));
            };
            let Some((resolved, impact)) = before.incident else {
                // `validate` reads an incident file as an incident: this cannot happen.
                return Err(arg_error(
                    &entry.rel,
                    "not read as an incident",
                    "report this as a bug",
                ));
            };
            // A written `resolved` closes the incident; a newest update saying resolved
            // (without the line) does too, but another update reopens it (as the loader
            // reads the timeline), so only resolving it again is refused then.
            if let Some((r, from_update)) = resolved
                && (!from_update || st == UpdateStatus::Resolved)
            {
                let when = r.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z");
                let help = match (from_update, st == UpdateStatus::Resolved) {
                    (true, _) => format!(
                        "its newest update says resolved; add `resolved = {}` to the front matter, or post another update to reopen it",
                        r.with_timezone(&tz)
                            .to_rfc3339_opts(SecondsFormat::Secs, false)
                    ),
                    (false, true) => "nothing to do; to correct it, edit the file".to_string(),
                    (false, false) => {
                        "to reopen it, delete its `resolved = …` line, then post the update"
                            .to_string()
                    }
                };
                return Err(arg_error(
                    &entry.rel,
                    format!("{} was resolved at {when}", entry.slug),
                    help,
                ));
            }
            let levels = component_levels(&post.components, config)?;
            if let Some(i) = post.impact {
                set_root(&mut doc, "impact", Value::from(i.as_str()));
            }
            let impact = post.impact.unwrap_or(impact);
            set_components(&mut doc, &levels, impact).map_err(|e| {
                arg_error(
                    &entry.rel,
                    e,
                    "fix `components`, then run the command again",
                )
            })?;
            if st == UpdateStatus::Resolved {
                set_root(&mut doc, "resolved", at.clone());
            }
        }
        Kind::Maintenance => {
            let Some(st) = MaintenanceStatus::parse(status) else {
                let words: Vec<&str> = MaintenanceStatus::ALL.iter().map(|s| s.as_str()).collect();
                return Err(arg_error(
                    "--status",
                    format!("\"{status}\" is not a maintenance status"),
                    format!(
                        "{} is a maintenance window: use {}",
                        entry.slug,
                        one_of(&words)
                    ),
                ));
            };
            if !post.components.is_empty() || post.impact.is_some() {
                return Err(arg_error(
                    "--component",
                    "a maintenance window has no levels or impact",
                    "leave out --component and --impact; its components are shown as under maintenance while it runs",
                ));
            }
            // The end states decide the window's state everywhere (page, API, calendar);
            // scheduled and in progress stay derived from its times.
            if matches!(
                st,
                MaintenanceStatus::Completed | MaintenanceStatus::Cancelled
            ) {
                set_root(&mut doc, "status", Value::from(st.as_str()));
            }
        }
    }
    add_update(
        &mut doc,
        update_table(at, status, post.message.trim()),
        before.newest_first,
    )
    .map_err(|e| arg_error(&entry.rel, e, "write the timeline as [[updates]] sections"))?;

    let mut front = doc.to_string();
    if split.front.contains("\r\n") {
        front = crlf(&front);
    }
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let start = split.front_offset;
    let end = start + split.front.len();
    let mut out = Vec::with_capacity(bytes.len() + 256);
    out.extend_from_slice(&bytes[..bom]);
    out.extend_from_slice(&split.text.as_bytes()[..start]);
    out.extend_from_slice(front.as_bytes());
    out.extend_from_slice(&split.text.as_bytes()[end..]);
    validate(entry, &out, config)?;
    Ok(out)
}

/// Lone `\n` as `\r\n`, for files written with CRLF line ends.
fn crlf(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut prev = '\0';
    for c in s.chars() {
        if c == '\n' && prev != '\r' {
            out.push('\r');
        }
        out.push(c);
        prev = c;
    }
    out
}

/// When an incident was resolved, and whether that comes from its newest update saying
/// resolved rather than from a `resolved` line.
type Resolution = (DateTime<Utc>, bool);

/// What the file said before the edit, as the loader read it.
struct Before {
    /// An incident's resolution and `impact`; `None` for a maintenance window.
    incident: Option<(Option<Resolution>, Impact)>,
    /// Whether the file lists its updates newest first (`check`'s update-order rule
    /// accepts either order, not a mix): a new update then goes on top.
    newest_first: bool,
}

/// Whether updates, `(at, line)`, run newest first in the file: the first one written
/// is later than the last, as the update-order lint reads it.
fn newest_first(mut updates: Vec<(DateTime<Utc>, usize)>) -> bool {
    updates.sort_by_key(|u| u.1);
    matches!((updates.first(), updates.last()), (Some(f), Some(l)) if f.0 > l.0)
}

/// Reads `bytes` with the loader `check` uses; errors refuse the edit.
fn validate(entry: &Entry, bytes: &[u8], config: &Config) -> Result<Before, PostError> {
    let stem = entry
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let input = FileInput {
        rel: &entry.rel,
        stem: &stem,
        bytes,
    };
    let mut diags = Vec::new();
    let before = match entry.kind {
        Kind::Incident => {
            parse_incident(&input, config, config.timezone, &mut diags).map(|i| Before {
                incident: Some((i.resolved.map(|r| (r, i.resolved_from_update)), i.impact)),
                newest_first: newest_first(i.updates.iter().map(|u| (u.at, u.line)).collect()),
            })
        }
        Kind::Maintenance => {
            parse_maintenance(&input, config, config.timezone, &mut diags).map(|m| Before {
                incident: None,
                newest_first: newest_first(m.updates.iter().map(|u| (u.at, u.line)).collect()),
            })
        }
    };
    diags.retain(Diagnostic::is_error);
    match before {
        Some(b) if diags.is_empty() => Ok(b),
        _ => Err(PostError::Invalid(diags)),
    }
}

/// Replaces `path` with `bytes` atomically (a hidden temporary file beside it, renamed
/// over it), keeping its permissions; refuses if the file changed since it was read.
pub fn replace_file(path: &Path, original: &[u8], bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Hidden and `.tmp`: never read as content by a build or `serve` meanwhile.
    let tmp = dir.join(format!(".{name}.statusgen.tmp"));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.set_permissions(std::fs::metadata(path)?.permissions())?;
        f.sync_all()?;
        if std::fs::read(path)? != original {
            return Err(std::io::Error::other(
                "the file changed while statusgen was editing it; run the command again",
            ));
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The site's configuration and the file `name` means, or why there is none.
fn find(root: &Path, cwd: &Path, name: &str) -> Result<(Config, Entry, Vec<u8>), PostError> {
    let config = crate::authoring::new::read_config(root).map_err(|e| match e {
        crate::authoring::new::NewError::Invalid(d) => PostError::Invalid(d),
        crate::authoring::new::NewError::Io(p, e) => PostError::Io(p, e),
    })?;
    let entry = target::resolve(name, &target::entries(root), cwd)?;
    // Read through the root boundary like every other content read: a linked file
    // leading outside the site, a FIFO or an oversized file is refused, not edited.
    let bytes = boundary::read(&boundary::canonical_root(root), &entry.path)
        .map_err(|r| PostError::Invalid(vec![r.diagnostic(&entry.rel)]))?;
    Ok((config, entry, bytes))
}

/// Edits, validates and writes one file.
fn post_to(
    config: &Config,
    entry: Entry,
    bytes: Vec<u8>,
    post: &Post,
) -> Result<Posted, PostError> {
    let edited = edit(&entry, &bytes, post, config)?;
    replace_file(&entry.path, &bytes, &edited).map_err(|e| PostError::Io(entry.path.clone(), e))?;
    Ok(Posted {
        path: entry.path,
        rel: entry.rel,
        slug: entry.slug,
        kind: entry.kind,
        status: post.status.clone(),
    })
}

/// `statusgen update`: finds the file `name` means, edits it, validates and writes it.
pub fn post(root: &Path, cwd: &Path, name: &str, post: &Post) -> Result<Posted, PostError> {
    let (config, entry, bytes) = find(root, cwd, name)?;
    post_to(&config, entry, bytes, post)
}

/// `statusgen resolve`: the final update of the target's kind.
pub fn resolve(
    root: &Path,
    cwd: &Path,
    name: &str,
    message: Option<String>,
    at: DateTime<Utc>,
) -> Result<Posted, PostError> {
    let (config, entry, bytes) = find(root, cwd, name)?;
    let kind = entry.kind;
    let post = Post {
        status: final_status(kind).to_string(),
        message: message.unwrap_or_else(|| resolve_message(kind).to_string()),
        at,
        components: Vec::new(),
        impact: None,
    };
    post_to(&config, entry, bytes, &post)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::Component;

    fn config() -> Config {
        Config::with_defaults(
            "T",
            "https://x.test/",
            chrono_tz::Europe::Berlin,
            vec![
                Component::new("api", "API", 0),
                Component::new("auth", "Auth", 1),
            ],
        )
    }

    fn entry(kind: Kind) -> Entry {
        Entry {
            path: PathBuf::from("content/incidents/2026-03-14-x.md"),
            rel: "content/incidents/2026-03-14-x.md".into(),
            slug: "2026-03-14-x".into(),
            kind,
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn post(status: &str, components: &[&str]) -> Post {
        Post {
            status: status.into(),
            message: "We found it.".into(),
            at: at("2026-03-14T10:00:00Z"),
            components: components.iter().map(|s| s.to_string()).collect(),
            impact: None,
        }
    }

    const INCIDENT: &str = "+++\ntitle = \"X\"   # shown to customers\nimpact = \"minor\" # none | minor\nstarted = 2026-03-14T10:36:00+01:00\n# resolved = later\ncomponents = [\"api\"]  # ids\n\n[[updates]] # first\nat = 2026-03-14T10:36:00+01:00\nstatus = \"investigating\"\nmessage = \"Looking.\"\n\n# [[actions]]\n# what = \"...\"\n+++\n## Summary\n\nBody  with  spaces\r\n\n<!-- kept -->\n";

    /// The lines of `new` that are not in `old`, checking that every line of `old` is
    /// still there, byte for byte and in order (edits are insertions only).
    fn inserted(old: &str, new: &str) -> Vec<String> {
        let mut old_lines = old.split_inclusive('\n').peekable();
        let mut extra = Vec::new();
        for line in new.split_inclusive('\n') {
            if old_lines.peek() == Some(&line) {
                old_lines.next();
            } else {
                extra.push(line.to_string());
            }
        }
        assert_eq!(
            old_lines.next(),
            None,
            "a line of the original is missing:\n{new}"
        );
        extra
    }

    #[test]
    fn an_update_only_inserts_its_entry() {
        let out = edit(
            &entry(Kind::Incident),
            INCIDENT.as_bytes(),
            &post("identified", &[]),
            &config(),
        )
        .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(
            inserted(INCIDENT, &out),
            [
                "[[updates]]\n",
                "at = 2026-03-14T11:00:00+01:00\n",
                "status = \"identified\"\n",
                "message = \"We found it.\"\n",
                "\n"
            ],
            "{out}"
        );
        // After the earlier entry, before the commented-out actions.
        assert!(out.find("identified").unwrap() < out.find("# [[actions]]").unwrap());
        assert!(out.ends_with("+++\n## Summary\n\nBody  with  spaces\r\n\n<!-- kept -->\n"));
    }

    #[test]
    fn resolving_adds_resolved_and_the_final_update() {
        let out = edit(
            &entry(Kind::Incident),
            INCIDENT.as_bytes(),
            &post("resolved", &[]),
            &config(),
        )
        .unwrap();
        let out = String::from_utf8(out).unwrap();
        let extra = inserted(INCIDENT, &out);
        assert_eq!(extra[0], "resolved = 2026-03-14T11:00:00+01:00\n", "{out}");
        assert!(out.find("resolved = 2026").unwrap() < out.find("[[updates]]").unwrap());
        // A second resolve is refused.
        let Err(PostError::Invalid(d)) = edit(
            &entry(Kind::Incident),
            out.as_bytes(),
            &post("resolved", &[]),
            &config(),
        ) else {
            panic!()
        };
        assert!(
            d[0].message
                .contains("was resolved at 2026-03-14 11:00 CET"),
            "{d:?}"
        );
    }

    #[test]
    fn a_resolved_update_without_the_line_can_be_reopened_not_resolved_again() {
        let text = INCIDENT.replace(
            "status = \"investigating\"\nmessage = \"Looking.\"\n",
            "status = \"resolved\"\nmessage = \"Fixed.\"\n",
        );
        let e = entry(Kind::Incident);
        let Err(PostError::Invalid(d)) =
            edit(&e, text.as_bytes(), &post("resolved", &[]), &config())
        else {
            panic!()
        };
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .contains("add `resolved = 2026-03-14T10:36:00+01:00`"),
            "{d:?}"
        );
        let out = edit(&e, text.as_bytes(), &post("identified", &[]), &config()).unwrap();
        assert_eq!(inserted(&text, &String::from_utf8(out).unwrap()).len(), 5);
    }

    #[test]
    fn component_levels_change_only_their_line() {
        let mut p = post("monitoring", &["auth=degraded_performance"]);
        p.impact = Some(Impact::Major);
        let out = edit(&entry(Kind::Incident), INCIDENT.as_bytes(), &p, &config()).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("impact = \"major\" # none | minor\n"), "{out}");
        assert!(
            out.contains(
                "components = { api = \"partial_outage\", auth = \"degraded_performance\" } # ids\n"
            ),
            "{out}"
        );
        let same = |s: &str| {
            s.lines()
                .filter(|l| !l.starts_with("impact") && !l.starts_with("components"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let extra = inserted(&same(INCIDENT), &same(&out));
        assert_eq!(extra.len(), 5, "{extra:?}");
        // A [components] table keeps its comments; a new id goes at its end.
        let tabled = INCIDENT
            .replace("components = [\"api\"]  # ids\n", "")
            .replace(
                "\n[[updates]] # first",
                "\n[components] # what\napi = \"major_outage\" # worst\n\n[[updates]] # first",
            );
        let out = edit(
            &entry(Kind::Incident),
            tabled.as_bytes(),
            &post("identified", &["api=partial_outage", "auth=major_outage"]),
            &config(),
        )
        .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.contains(
                "[components] # what\napi = \"partial_outage\" # worst\nauth = \"major_outage\"\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn a_newest_first_file_gets_the_new_update_on_top() {
        let text = INCIDENT.replace(
            "[[updates]] # first",
            "[[updates]]\nat = 2026-03-14T10:50:00+01:00\nstatus = \"investigating\"\nmessage = \"Still looking.\"\n\n[[updates]] # first",
        );
        let out = edit(
            &entry(Kind::Incident),
            text.as_bytes(),
            &post("identified", &[]),
            &config(),
        )
        .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(inserted(&text, &out).len(), 5, "{out}");
        let pos = |m: &str| out.find(m).unwrap();
        assert!(
            pos("We found it.") < pos("Still looking.") && pos("Still looking.") < pos("Looking."),
            "{out}"
        );
        // And `check` finds the order as clear as before.
        let mut d = Vec::new();
        let i = parse_incident(
            &FileInput {
                rel: "x.md",
                stem: "x",
                bytes: out.as_bytes(),
            },
            &config(),
            chrono_tz::Europe::Berlin,
            &mut d,
        )
        .unwrap();
        let lint = crate::authoring::lint::lint_incident(
            &i,
            chrono_tz::Europe::Berlin,
            72,
            at("2026-03-14T12:00:00Z"),
        );
        assert!(lint.iter().all(|f| f.rule != "update-order"), "{lint:?}");
    }

    #[test]
    fn comments_after_a_replaced_value_keep_their_column() {
        let mut doc: DocumentMut = "impact = \"none\"     # a\nlist = [\"api\"]  # b\n"
            .parse()
            .unwrap();
        set_root(&mut doc, "impact", Value::from("major"));
        set_root(&mut doc, "list", Value::from("a much longer value"));
        assert_eq!(
            doc.to_string(),
            "impact = \"major\"    # a\nlist = \"a much longer value\" # b\n"
        );
    }

    #[test]
    fn bad_arguments_are_refused_with_the_fix() {
        let e = entry(Kind::Incident);
        for (p, want) in [
            (
                post("identified", &["db=major_outage"]),
                "unknown component \"db\"",
            ),
            (post("identified", &["api=down"]), "\"down\" is not a level"),
            (post("identified", &["api"]), "is not id=level"),
            (post("completed", &[]), "not an incident status"),
            (
                Post {
                    message: " ".into(),
                    ..post("identified", &[])
                },
                "the message is empty",
            ),
        ] {
            let Err(PostError::Invalid(d)) = edit(&e, INCIDENT.as_bytes(), &p, &config()) else {
                panic!("{want}")
            };
            assert!(d[0].message.contains(want), "{want}: {d:?}");
        }
        // A broken file is reported as the loader reports it, not edited.
        let broken = INCIDENT.replace("impact = \"minor\"", "impact = \"huge\"");
        let Err(PostError::Invalid(d)) =
            edit(&e, broken.as_bytes(), &post("identified", &[]), &config())
        else {
            panic!()
        };
        assert_eq!(
            (d[0].file.as_str(), d[0].line),
            ("content/incidents/2026-03-14-x.md", 3)
        );
        // An update resolving before the start is caught by the loader's rules.
        let mut early = post("resolved", &[]);
        early.at = at("2026-03-13T00:00:00Z");
        let Err(PostError::Invalid(d)) = edit(&e, INCIDENT.as_bytes(), &early, &config()) else {
            panic!()
        };
        assert!(
            d[0].message.contains("`resolved` is before `started`"),
            "{d:?}"
        );
    }

    #[test]
    fn crlf_and_bom_files_stay_so() {
        let text = format!("\u{FEFF}{}", INCIDENT.replace('\n', "\r\n"));
        let out = edit(
            &entry(Kind::Incident),
            text.as_bytes(),
            &post("identified", &[]),
            &config(),
        )
        .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.starts_with("\u{FEFF}+++\r\n"));
        assert!(!out.replace("\r\n", "").contains('\n'), "{out:?}");
        assert_eq!(inserted(&text, &out).len(), 5);
    }

    #[test]
    fn maintenance_takes_maintenance_states() {
        let text = "+++\ntitle = \"DB\"\nstarts = 2026-12-01T02:00:00Z\nends = 2026-12-01T04:00:00Z\ncomponents = [\"api\"]\n# status = \"scheduled\"\n+++\nBody\n";
        let e = entry(Kind::Maintenance);
        let out = edit(&e, text.as_bytes(), &post("in_progress", &[]), &config()).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(inserted(text, &out).len(), 5);
        let out = edit(&e, out.as_bytes(), &post("completed", &[]), &config()).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(inserted(text, &out).len(), 11, "{out}");
        assert!(
            out.contains("components = [\"api\"]\nstatus = \"completed\"\n"),
            "{out}"
        );
        let mut d = Vec::new();
        let m = parse_maintenance(
            &FileInput {
                rel: "m.md",
                stem: "m",
                bytes: out.as_bytes(),
            },
            &config(),
            chrono_tz::Europe::Berlin,
            &mut d,
        )
        .unwrap();
        assert_eq!(m.updates.len(), 2);
        assert_eq!(m.status, Some(MaintenanceStatus::Completed));
        let Err(PostError::Invalid(d)) =
            edit(&e, text.as_bytes(), &post("identified", &[]), &config())
        else {
            panic!()
        };
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .contains("\"scheduled\", \"in_progress\", \"completed\", \"cancelled\""),
            "{d:?}"
        );
    }

    #[test]
    fn replacing_refuses_a_file_changed_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        std::fs::write(&p, "one").unwrap();
        assert!(replace_file(&p, b"other", b"two").is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        replace_file(&p, b"one", b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
