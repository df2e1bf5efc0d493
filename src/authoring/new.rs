//! `statusgen new`: a new incident or maintenance file with valid front matter and the
//! chosen variant's post-mortem skeleton. The text is built by pure functions; only
//! [`write_new`] touches the disk, and it never overwrites a file.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Tz;

use crate::authoring::variants;
use crate::diag::Diagnostic;
use crate::load::{config, frontmatter, slug, walk};
use crate::site::{Config, Template};
use crate::vocabulary::Impact;
#[cfg(test)]
use crate::vocabulary::TemplateKind;

/// What `new incident` writes.
#[derive(Debug, Clone)]
pub struct IncidentSpec {
    pub title: String,
    pub template: Template,
    pub impact: Impact,
    pub components: Vec<String>,
    /// When the incident started (rounded down to the minute when written).
    pub now: DateTime<Utc>,
}

/// What `new maintenance` writes.
#[derive(Debug, Clone)]
pub struct MaintenanceSpec {
    pub title: String,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub components: Vec<String>,
}

/// A TOML basic string: quotes, backslashes and control characters escaped.
pub fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An instant as a TOML datetime in the site timezone with its offset, to the minute.
pub fn toml_time(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz)
        .format("%Y-%m-%dT%H:%M:00%:z")
        .to_string()
}

/// `t` rounded down to the minute.
pub fn floor_minute(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(t)
}

pub use crate::authoring::time_arg::parse_time;

/// Comment-only prompts: writers see them, the sanitizer keeps them off the published page.
fn prompt(text: &str) -> String {
    format!("<!-- {} -->", text.replace("--", "-"))
}

/// `key = value` with an aligned `# comment`, one line.
fn line(kv: &str, comment: &str) -> String {
    if comment.is_empty() {
        format!("{kv}\n")
    } else {
        format!("{kv:<40} # {comment}\n")
    }
}

/// The text of a new incident file.
pub fn incident_text(spec: &IncidentSpec, config: &Config) -> String {
    let tz = config.timezone;
    let at = toml_time(floor_minute(spec.now), tz);
    let kind = spec.template.as_str();
    let offered: Vec<String> = variants::offered(&config.postmortem)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    let ids: Vec<String> = spec.components.iter().map(|id| toml_string(id)).collect();
    let known: Vec<&str> = config.components.iter().map(|c| c.id.as_str()).collect();
    let message = format!(
        "We are investigating reports of problems: {}. We will post an update within 30 minutes.",
        spec.title.trim()
    );
    let mut t = String::from("+++\n");
    t += &line(&format!("title = {}", toml_string(&spec.title)), "");
    t += &line(
        &format!("impact = \"{}\"", spec.impact.as_str()),
        "none | minor | major | critical",
    );
    t += &line(
        "# severity = \"SEV-2\"",
        "optional label shown beside the impact",
    );
    t += &line(&format!("started = {at}"), "when impact began");
    t += &line(
        &format!("# detected = {at}"),
        "optional; defaults to started",
    );
    t += &line(
        &format!("# resolved = {at}"),
        "set when it is over; absent = ongoing",
    );
    t += &line(&format!("template = \"{kind}\""), &offered.join(" | "));
    t += &line(
        "# cause = \"config-change\"",
        "optional root-cause tag, for the recurrence rate",
    );
    t += &line("draft = false", "true keeps it off the site");
    t += &line(
        &format!("components = [{}]", ids.join(", ")),
        &format!("ids from site.toml: {}", known.join(", ")),
    );
    t += "\n";
    t += &line("[[updates]]", "the customer-facing timeline, oldest first");
    t += &line(&format!("at = {at}"), "");
    t += &line(
        "status = \"investigating\"",
        "investigating | identified | monitoring | resolved",
    );
    t += &line(&format!("message = {}", toml_string(&message)), "");
    t += "\n";
    t += &line("# [[actions]]", "corrective actions, once known");
    t += &line("# what = \"...\"", "");
    t += &line("# owner = \"...\"", "a person or team");
    t += &line("# due = YYYY-MM-DD", "");
    t += &line(
        "# status = \"planned\"",
        "planned | in_progress | done | wont_do",
    );
    t += "+++\n";
    t += &prompt(&format!(
        "The post-mortem ({kind} variant) goes below; these comments never reach the published page. Write it within a few days of resolution: `statusgen check` reminds you."
    ));
    t += "\n";
    for sec in variants::required(&spec.template, &config.postmortem) {
        t += &format!("\n## {}\n\n{}\n", sec.heading, prompt(sec.prompt));
    }
    t
}

/// The text of a new maintenance file.
pub fn maintenance_text(spec: &MaintenanceSpec, config: &Config) -> String {
    let tz = config.timezone;
    let ids: Vec<String> = spec.components.iter().map(|id| toml_string(id)).collect();
    let known: Vec<&str> = config.components.iter().map(|c| c.id.as_str()).collect();
    let mut t = String::from("+++\n");
    t += &line(&format!("title = {}", toml_string(&spec.title)), "");
    t += &line(&format!("starts = {}", toml_time(spec.starts, tz)), "");
    t += &line(&format!("ends = {}", toml_time(spec.ends, tz)), "");
    t += &line(
        &format!("components = [{}]", ids.join(", ")),
        &format!(
            "under_maintenance while it runs; ids from site.toml: {}",
            known.join(", ")
        ),
    );
    t += &line(
        "# status = \"scheduled\"",
        "optional override: scheduled | in_progress | completed | cancelled",
    );
    t += &line("draft = false", "true keeps it off the site");
    t += "+++\n";
    t += &prompt(
        "What we will do, what customers may notice, and whether they need to do anything (customers read this).",
    );
    t += "\n";
    t
}

/// Component ids that `config` does not declare.
pub fn unknown_components<'a>(ids: &'a [String], config: &Config) -> Vec<&'a str> {
    ids.iter()
        .filter(|id| config.components.iter().all(|c| &c.id != *id))
        .map(String::as_str)
        .collect()
}

/// Slugs (and lowercased file stems) already used by Markdown files under `dir`,
/// including any `slug = "..."` set in front matter.
pub fn taken_slugs(root: &Path, dir: &Path) -> HashSet<String> {
    let mut diags = Vec::new();
    let mut taken = HashSet::new();
    for f in walk::markdown_files(root, dir, &mut diags) {
        if let Some(stem) = f.path.file_stem() {
            let stem = stem.to_string_lossy();
            taken.insert(stem.to_lowercase());
            taken.insert(slug::from_file_stem(&stem));
        }
        // The walk kept the file inside the root.
        let Ok(bytes) = crate::load::boundary::read_regular(&f.path) else {
            continue;
        };
        if let Ok(split) = frontmatter::split(&bytes)
            && let Ok(doc) = toml::de::DeTable::parse(split.front)
            && let Some(s) = crate::load::reader::Reader::get(doc.get_ref(), "slug")
                .and_then(|v| v.get_ref().as_str().map(str::to_string))
        {
            taken.insert(s);
        }
    }
    taken
}

/// The file stem for a new file: `YYYY-MM-DD-slug`, with `-2`, `-3`, … when taken.
pub fn unique_stem(date: &str, title: &str, fallback: &str, taken: &HashSet<String>) -> String {
    // Transliterated first, so "Überlast" gives "uberlast" and "Сбой" gives "sboi".
    let mut base = slug::from_file_stem(&deunicode::deunicode(title));
    // Keep file names short enough for every filesystem, cutting at a word boundary.
    if base.len() > 60 {
        let cut = base[..60].rfind('-').unwrap_or(60);
        base.truncate(cut);
    }
    if base.is_empty() {
        base = fallback.to_string();
    }
    let stem = format!("{date}-{base}");
    let mut candidate = stem.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{stem}-{n}");
        n += 1;
    }
    candidate
}

/// Why `new` wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum NewError {
    /// site.toml problems, or bad arguments checked against it (unknown components).
    #[error("{} problem(s) in site.toml or the arguments", .0.len())]
    Invalid(Vec<Diagnostic>),
    #[error("cannot write {path}: {1}", path = .0.display())]
    Io(PathBuf, #[source] std::io::Error),
}

/// Reads and validates `site.toml` only: `new` must work while content has problems.
pub fn read_config(root: &Path) -> Result<Config, NewError> {
    let mut diags = Vec::new();
    let path = root.join(config::FILE);
    use crate::load::boundary;
    let bytes = boundary::read(&boundary::canonical_root(root), &path).map_err(|refusal| {
        NewError::Invalid(vec![match refusal {
            boundary::Refusal::Io(e) => Diagnostic::error(
                config::FILE,
                0,
                0,
                format!("cannot read {}: {e}", path.display()),
            )
            .with_help("run statusgen in a site folder, pass --root DIR, or create one with `statusgen init`"),
            refusal => refusal.diagnostic(config::FILE),
        }])
    })?;
    let text = frontmatter::decode(&bytes).map_err(|e| {
        NewError::Invalid(vec![
            Diagnostic::error(config::FILE, e.line(), 1, e.message()).with_help(e.help()),
        ])
    })?;
    let cfg = config::parse(text, &mut diags);
    match cfg {
        Some(c) if !diags.iter().any(Diagnostic::is_error) => Ok(c),
        _ => Err(NewError::Invalid(diags)),
    }
}

/// Checks component ids against site.toml, naming the known ones.
pub fn check_components(ids: &[String], config: &Config) -> Result<(), NewError> {
    let unknown = unknown_components(ids, config);
    if unknown.is_empty() {
        return Ok(());
    }
    let known: Vec<&str> = config.components.iter().map(|c| c.id.as_str()).collect();
    Err(NewError::Invalid(
        unknown
            .iter()
            .map(|id| {
                Diagnostic::error("--components", 0, 0, format!("unknown component \"{id}\""))
                    .with_help(format!("components in site.toml: {}", known.join(", ")))
            })
            .collect(),
    ))
}

/// A team template must be one of site.toml's; the message lists every template offered.
pub fn check_template(template: &Template, config: &Config) -> Result<(), NewError> {
    let Template::Team(name) = template else {
        return Ok(());
    };
    if config.team_template(name).is_some() {
        return Ok(());
    }
    let offered = variants::offered(&config.postmortem);
    let names: Vec<&str> = offered.iter().map(|(n, _)| n.as_str()).collect();
    let hint = match crate::load::reader::closest(name, &names) {
        Some(c) => format!("did you mean \"{c}\"? "),
        None => String::new(),
    };
    Err(NewError::Invalid(vec![
        Diagnostic::error("--template", 0, 0, format!("unknown template \"{name}\"")).with_help(
            format!(
                "{hint}templates: {} (add your own as [postmortem.templates.NAME] in site.toml)",
                offered
                    .iter()
                    .map(|(n, what)| format!("{n} ({what})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    ]))
}

/// Writes `text` as a new file `dir/STEM.md`, never replacing one: if a file appears
/// with that name meanwhile, the next suffix is tried.
pub fn write_new(
    root: &Path,
    dir: &Path,
    date: &str,
    title: &str,
    fallback: &str,
    text: &str,
) -> Result<PathBuf, NewError> {
    std::fs::create_dir_all(dir).map_err(|e| NewError::Io(dir.to_path_buf(), e))?;
    // Written in full under a hidden name first, then linked to its name (which fails
    // if that exists): a build or `serve` never reads a half-written file.
    let tmp = dir.join(format!(".new-{}.statusgen.tmp", std::process::id()));
    let written = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.sync_all()));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(NewError::Io(tmp, e));
    }
    let mut taken = taken_slugs(root, dir);
    let result = loop {
        let stem = unique_stem(date, title, fallback, &taken);
        let path = dir.join(format!("{stem}.md"));
        let linked = std::fs::hard_link(&tmp, &path).or_else(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                return Err(e);
            }
            // A filesystem without hard links: create the file, never replacing one.
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .and_then(|mut f| f.write_all(text.as_bytes()))
        });
        match linked {
            Ok(()) => break Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                taken.insert(stem);
            }
            Err(e) => break Err(NewError::Io(path, e)),
        }
    };
    let _ = std::fs::remove_file(&tmp);
    result
}

/// Refuses a title customers could not read (`check` rejects an empty one).
pub fn check_title(title: &str) -> Result<(), NewError> {
    if title.trim().is_empty() {
        return Err(NewError::Invalid(vec![
            Diagnostic::error("TITLE", 0, 0, "the title is empty")
                .with_help("give the title customers will read, e.g. statusgen new incident \"Login failures\""),
        ]));
    }
    Ok(())
}

/// Reads `text` as the loader does and refuses it on any error `check` would report, so
/// a new file is valid before it exists.
fn validate(rel: &str, text: &str, config: &Config, incident: bool) -> Result<(), NewError> {
    use crate::load::content::{FileInput, parse_incident, parse_maintenance};
    let mut diags = Vec::new();
    let input = FileInput {
        rel,
        stem: "new",
        bytes: text.as_bytes(),
    };
    if incident {
        parse_incident(&input, config, config.timezone, &mut diags);
    } else {
        parse_maintenance(&input, config, config.timezone, &mut diags);
    }
    if diags.iter().any(Diagnostic::is_error) {
        return Err(NewError::Invalid(diags));
    }
    Ok(())
}

/// `new incident`: returns the path written.
pub fn new_incident(root: &Path, spec: &IncidentSpec) -> Result<PathBuf, NewError> {
    check_title(&spec.title)?;
    let config = read_config(root)?;
    check_components(&spec.components, &config)?;
    check_template(&spec.template, &config)?;
    let text = incident_text(spec, &config);
    validate("content/incidents/(new)", &text, &config, true)?;
    let date = spec
        .now
        .with_timezone(&config.timezone)
        .format("%Y-%m-%d")
        .to_string();
    write_new(
        root,
        &crate::load::incidents_dir(root),
        &date,
        &spec.title,
        "incident",
        &text,
    )
}

/// `new maintenance`: returns the path written.
pub fn new_maintenance(root: &Path, spec: &MaintenanceSpec) -> Result<PathBuf, NewError> {
    check_title(&spec.title)?;
    let config = read_config(root)?;
    check_components(&spec.components, &config)?;
    if spec.ends <= spec.starts {
        return Err(NewError::Invalid(vec![
            Diagnostic::error("--ends", 0, 0, "the window must end after it starts")
                .with_help("pass --ends later than --starts"),
        ]));
    }
    let text = maintenance_text(spec, &config);
    validate("content/maintenance/(new)", &text, &config, false)?;
    let date = spec
        .starts
        .with_timezone(&config.timezone)
        .format("%Y-%m-%d")
        .to_string();
    write_new(
        root,
        &crate::load::maintenance_dir(root),
        &date,
        &spec.title,
        "maintenance",
        &text,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::content::{FileInput, parse_incident, parse_maintenance};

    fn config() -> Config {
        let mut d = Vec::new();
        config::parse(
            "title = \"x\"\nbase_url = \"https://x.example/\"\ntimezone = \"Europe/Berlin\"\n[[components]]\nid = \"api\"\nname = \"API\"\n[[components]]\nid = \"web\"\nname = \"Web\"\n",
            &mut d,
        )
        .unwrap()
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-14T09:36:42.5Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn toml_strings_escape() {
        assert_eq!(
            toml_string("a \"b\" \\ c\nd\u{1}"),
            "\"a \\\"b\\\" \\\\ c\\nd\\u0001\""
        );
        let v: toml::Table = toml::from_str(&format!("t = {}", toml_string("q\"\\\n\t€"))).unwrap();
        assert_eq!(v["t"].as_str(), Some("q\"\\\n\t€"));
    }

    #[test]
    fn every_variant_loads_cleanly() {
        let cfg = config();
        for kind in TemplateKind::ALL {
            let spec = IncidentSpec {
                title: "Login \"fails\" \\ sometimes\nfor some".into(),
                template: kind.into(),
                impact: Impact::Major,
                components: vec!["api".into(), "web".into()],
                now: now(),
            };
            let text = incident_text(&spec, &cfg);
            assert!(
                text.contains("started = 2026-03-14T10:36:00+01:00"),
                "{text}"
            );
            let mut d = Vec::new();
            let i = parse_incident(
                &FileInput {
                    rel: "content/incidents/x.md",
                    stem: "x",
                    bytes: text.as_bytes(),
                },
                &cfg,
                cfg.timezone,
                &mut d,
            );
            assert!(d.is_empty(), "{kind:?}: {d:?}\n{text}");
            let i = i.unwrap();
            assert_eq!(i.title, spec.title);
            assert_eq!(i.template, Template::Builtin(kind));
            assert_eq!(i.updates.len(), 1);
            assert_eq!(i.started, floor_minute(now()));
            let o = crate::authoring::outline::outline(&i.body, i.body_line);
            assert!(o.blank);
            let heads: Vec<&str> = o.headings.iter().map(|h| h.text.as_str()).collect();
            assert!(variants::missing(kind, heads).is_empty());
        }
    }

    #[test]
    fn maintenance_loads_cleanly() {
        let cfg = config();
        let spec = MaintenanceSpec {
            title: "DB upgrade".into(),
            starts: parse_time("2026-12-01T02:00", cfg.timezone).unwrap(),
            ends: parse_time("2026-12-01T04:00:00Z", cfg.timezone).unwrap(),
            components: vec!["api".into()],
        };
        let text = maintenance_text(&spec, &cfg);
        assert!(
            text.contains("starts = 2026-12-01T02:00:00+01:00"),
            "{text}"
        );
        assert!(text.contains("ends = 2026-12-01T05:00:00+01:00"), "{text}");
        let mut d = Vec::new();
        let m = parse_maintenance(
            &FileInput {
                rel: "content/maintenance/x.md",
                stem: "x",
                bytes: text.as_bytes(),
            },
            &cfg,
            cfg.timezone,
            &mut d,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(m.unwrap().components, vec!["api".to_string()]);
    }

    #[test]
    fn stems_are_ascii_and_unique() {
        let mut taken = HashSet::new();
        assert_eq!(
            unique_stem("2026-03-14", "Auth: API \"down\"", "incident", &taken),
            "2026-03-14-auth-api-down"
        );
        assert_eq!(
            unique_stem("2026-03-14", "Überlast ☃", "incident", &taken),
            "2026-03-14-uberlast-snowman"
        );
        assert_eq!(
            unique_stem("2026-03-14", "Сбой ĉe la nodo", "incident", &taken),
            "2026-03-14-sboi-ce-la-nodo"
        );
        assert_eq!(
            unique_stem("2026-03-14", "!!!", "incident", &taken),
            "2026-03-14-incident"
        );
        taken.insert("2026-03-14-incident".to_string());
        taken.insert("2026-03-14-incident-2".to_string());
        assert_eq!(
            unique_stem("2026-03-14", "", "incident", &taken),
            "2026-03-14-incident-3"
        );
        let long = "word ".repeat(40);
        assert!(unique_stem("2026-03-14", &long, "incident", &taken).len() <= 71);
    }

    #[test]
    fn unknown_components_are_listed() {
        let cfg = config();
        let ids = vec!["api".to_string(), "db".to_string()];
        assert_eq!(unknown_components(&ids, &cfg), vec!["db"]);
        let Err(NewError::Invalid(d)) = check_components(&ids, &cfg) else {
            panic!()
        };
        assert!(d[0].help.as_deref().unwrap().contains("api, web"));
    }
}
