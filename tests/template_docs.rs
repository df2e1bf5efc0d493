//! `docs/templates.md` documents every variable the templates see, and nothing else.
//!
//! The test builds sites whose page templates print Tera's whole context as JSON
//! (`__tera_context`), so the variables checked are exactly what the page structs
//! serialise to, and walks each value through the document's tables: every key must be
//! a row of the table it is in, every nested object or list of objects must link to
//! its own table, and every table must be reached by some page of the sites.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

const PAGES: &[&str] = &[
    "index.html",
    "incident.html",
    "history.html",
    "maintenance.html",
    "404.html",
    "uptime.html",
    "component.html",
    "reliability.html",
];

/// A table of the document: field → the table its value is described by, if any.
type Table = BTreeMap<String, Option<String>>;

fn parse_doc(doc: &str) -> BTreeMap<String, Table> {
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in doc.lines() {
        if let Some(h) = line.strip_prefix("### ") {
            let name = h.trim().trim_matches('`').to_string();
            tables.insert(name.clone(), Table::new());
            current = Some(name);
        } else if line.starts_with("## ") {
            current = None;
        } else if let (Some(t), Some(row)) = (&current, line.strip_prefix("| `")) {
            let field = row.split('`').next().unwrap().to_string();
            let kind = row.split('|').nth(1).unwrap_or("");
            let link = kind
                .split_once("](#")
                .map(|(text, _)| text.rsplit('[').next().unwrap().to_string());
            tables.get_mut(t).unwrap().insert(field, link);
        }
    }
    tables
}

/// Walks `value` through `table`, recording each table reached; problems go to `errs`.
fn walk(
    tables: &BTreeMap<String, Table>,
    table: &str,
    path: &str,
    value: &Value,
    seen: &mut BTreeSet<String>,
    errs: &mut BTreeSet<String>,
) {
    let Some(fields) = tables.get(table) else {
        errs.insert(format!("{path}: the table `{table}` is missing"));
        return;
    };
    let Value::Object(map) = value else {
        errs.insert(format!("{path}: documented as `{table}` but is {value}"));
        return;
    };
    seen.insert(table.to_string());
    for (key, v) in map {
        let at = format!("{path}.{key}");
        let Some(link) = fields.get(key) else {
            errs.insert(format!("{at} is not documented in `{table}`"));
            continue;
        };
        let items: Vec<&Value> = match v {
            Value::Array(a) => a.iter().collect(),
            Value::Null => vec![],
            other => vec![other],
        };
        for item in items {
            match (link, item) {
                (Some(l), _) => walk(tables, l, &at, item, seen, errs),
                (None, Value::Object(_) | Value::Array(_)) => {
                    errs.insert(format!("{at} holds objects: link its table in `{table}`"));
                }
                (None, _) => {}
            }
        }
    }
    for field in fields.keys() {
        if !map.contains_key(field) {
            errs.insert(format!(
                "`{table}` documents `{field}`, which {path} does not have"
            ));
        }
    }
}

fn contexts(site: &Path, drafts: bool, tmp: &Path) -> Vec<(String, Value)> {
    let copy = tmp.join("site");
    let _ = std::fs::remove_dir_all(&copy);
    // The site's config and content only (the repository root is a site too).
    std::fs::create_dir_all(copy.join("templates")).unwrap();
    std::fs::copy(site.join("site.toml"), copy.join("site.toml")).unwrap();
    common::copy_dir(&site.join("content"), &copy.join("content"));
    // The files `[brand]` names.
    if site.join("assets").is_dir() {
        common::copy_dir(&site.join("assets"), &copy.join("assets"));
    }
    if site.join("data").is_dir() {
        common::copy_dir(&site.join("data"), &copy.join("data"));
    }
    for page in PAGES {
        std::fs::write(
            copy.join("templates").join(page),
            format!("{{\"template\": \"{page}\", \"context\": {{{{ __tera_context | safe }}}}}}"),
        )
        .unwrap();
    }
    let out = tmp.join("out");
    let _ = std::fs::remove_dir_all(&out);
    let flags: &[&str] = if drafts { &["--drafts"] } else { &[] };
    let o = common::build(&copy, &out, flags);
    assert!(o.status.success(), "{}", common::stderr(&o));
    common::tree(&out)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| {
            let v: Value = serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("{path}: {e}: {}", String::from_utf8_lossy(&bytes)));
            (
                v["template"].as_str().unwrap().to_string(),
                v["context"].clone(),
            )
        })
        .collect()
}

#[test]
fn the_template_reference_documents_every_variable() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(repo.join("docs/templates.md")).unwrap();
    let tables = parse_doc(&doc);
    let tmp = tempfile::tempdir().unwrap();
    let mut seen = BTreeSet::new();
    let mut errs = BTreeSet::new();
    let mut templates = BTreeSet::new();
    let sites = [
        repo.to_path_buf(),
        common::fixture("basic"),
        common::fixture("branded"),
        repo.join("tests/acceptance/sites/statuses"),
        common::fixture("measured"),
    ];
    for site in &sites {
        for (template, ctx) in contexts(site, true, tmp.path()) {
            let Value::Object(top) = &ctx else {
                panic!("{ctx}")
            };
            let keys: BTreeSet<&str> = top.keys().map(String::as_str).collect();
            assert_eq!(keys, BTreeSet::from(["page", "site"]), "{template}");
            walk(&tables, "site", "site", &ctx["site"], &mut seen, &mut errs);
            walk(
                &tables,
                &template,
                "page",
                &ctx["page"],
                &mut seen,
                &mut errs,
            );
            templates.insert(template);
        }
    }
    assert_eq!(templates.len(), PAGES.len(), "every page template renders");
    for table in tables.keys() {
        if !seen.contains(table) {
            errs.insert(format!("the table `{table}` is never reached by any page"));
        }
    }
    assert!(
        errs.is_empty(),
        "docs/templates.md:\n{}",
        errs.into_iter().collect::<Vec<_>>().join("\n")
    );
}
