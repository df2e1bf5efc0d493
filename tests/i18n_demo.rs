//! The demo site (site.toml + content/ at the repo root) built in other languages: no
//! English interface word is left in its pages, feeds or calendar, dates read the
//! language's way, `ar` is right to left, and a site's `i18n/<lang>.toml` overrides texts.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const NOW: &str = "2026-11-26T12:00:00Z";

/// The demo copied into a temp dir with `language` set.
fn demo(language: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    common::demo_in(&root, language);
    (tmp, root)
}

fn build(root: &Path) -> (std::process::Output, PathBuf) {
    let out = root.parent().unwrap().join("public");
    (common::build_at(root, &out, NOW, &[]), out)
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3)
}

/// The text people read: text nodes (tags dropped, entities decoded twice, as feeds
/// carry escaped HTML), the labels of `aria-label`, `alt` and `title`; URLs dropped.
fn readable(file: &str, text: &str) -> String {
    let mut out = String::new();
    if file.ends_with(".ics") {
        // Property names (SUMMARY, DESCRIPTION) are the format's, not words.
        for line in text.lines() {
            out.push_str(line.split_once(':').map_or("", |(_, v)| v));
            out.push('\n');
        }
    } else {
        for (_, attrs) in common::start_tags(text) {
            for (name, value) in attrs {
                if ["aria-label", "alt", "title"].contains(&name.as_str()) {
                    out.push_str(&value);
                    out.push('\n');
                }
            }
        }
        let decoded = decode(&common::strip_tags(&decode(&common::strip_tags(text))));
        out.push_str(&decoded);
    }
    out.split_whitespace()
        // URLs and file names (the reliability exports') are not words.
        .filter(|w| {
            !w.contains("://")
                && ![".svg", ".xml", ".csv", ".json"]
                    .iter()
                    .any(|ext| w.contains(ext))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn decode(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Words the English and the German catalog share (checked by hand: the same word in
/// both languages), and names that stay as they are.
const SAME_IN_GERMAN: &[&str] = &[
    "Details", "Status", "Updates", "drafts", "RSS", "Atom", "SLO", "JSON", "CSV", "MTTD", "MTTR",
];

/// The literal text of a catalog message, every plural form.
fn literal_text(msg: &statusgen::i18n::Msg) -> String {
    use statusgen::i18n::catalog::Piece;
    let pieces: Vec<&Piece> = match msg {
        statusgen::i18n::Msg::Text(p) => p.iter().collect(),
        statusgen::i18n::Msg::Plural(forms) => forms.iter().flat_map(|(_, p)| p).collect(),
    };
    let mut out = String::new();
    for p in pieces {
        if let Piece::Lit(s) = p {
            out.push_str(s);
            out.push(' ');
        }
    }
    out
}

/// English interface words: the English catalog's, minus the words German shares, proper
/// names and the demo's own content (its incidents are written in English).
fn english_ui_words(root: &Path) -> BTreeSet<String> {
    let mut english = BTreeSet::new();
    for (key, msg) in statusgen::i18n::english().iter() {
        if !key.starts_with("format_") {
            english.extend(words(&literal_text(msg)).map(str::to_string));
        }
    }
    let mut user = BTreeSet::new();
    for e in walkdir::WalkDir::new(root) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            user.extend(words(&std::fs::read_to_string(e.path()).unwrap()).map(str::to_string));
        }
    }
    english
        .into_iter()
        .filter(|w| !user.contains(w) && !SAME_IN_GERMAN.contains(&w.as_str()))
        .collect()
}

#[test]
fn the_demo_in_german_has_no_english_interface_words() {
    let (_tmp, root) = demo("de");
    let (o, out) = build(&root);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let english = english_ui_words(&root);
    assert!(english.len() > 50, "{english:?}");
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let files = common::tree(&out);
    let mut checked = 0;
    for (path, bytes) in &files {
        if !(path.ends_with(".html") || path.ends_with(".xml") || path.ends_with(".ics"))
            || path == "sitemap.xml"
        {
            continue;
        }
        checked += 1;
        let text = String::from_utf8(bytes.clone()).unwrap();
        for w in words(&readable(path, &text)) {
            if english.contains(w) {
                found.entry(w.to_string()).or_default().insert(path.clone());
            }
        }
    }
    assert!(checked > 30, "{checked}");
    assert!(
        found.is_empty(),
        "English interface words in the German build: {found:#?}"
    );

    let index = common::read(&out, "index.html");
    assert!(index.starts_with("<!doctype html>\n<html lang=\"de\" dir=\"ltr\">"));
    assert!(
        index.contains("26. Nov. 2026, 13:00 CET (UTC+01:00)"),
        "{index}"
    );
    assert!(
        index.contains("Alle Systeme betriebsbereit")
            || index.contains("Ausfall")
            || index.contains("Eingeschränkte Leistung")
    );
    let uptime = common::read(&out, "uptime/index.html");
    assert!(uptime.contains("\u{a0}%"), "percentages read 99,95 %");
    assert!(uptime.contains("November 2026"));
    let feed = common::read(&out, "feed.xml");
    assert!(feed.contains("<language>de</language>"));
    assert!(feed.contains("Betroffene Komponenten:"));
    let ics = common::read(&out, "maintenance.ics");
    assert!(ics.contains("Wartung"), "{ics}");
    // Machine formats stay as they are.
    assert!(feed.contains("+0000</pubDate>") || feed.contains("GMT</pubDate>"));
    assert!(index.contains("datetime=\"2026-11-26T12:00:00Z\""));
}

#[test]
fn arabic_is_right_to_left_and_japanese_reads_its_dates() {
    let (_tmp, root) = demo("ar");
    let (o, out) = build(&root);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let index = common::read(&out, "index.html");
    assert!(index.starts_with("<!doctype html>\n<html lang=\"ar\" dir=\"rtl\">"));
    assert!(index.contains("الحالة"));

    let (_tmp, root) = demo("ja");
    let (o, out) = build(&root);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let index = common::read(&out, "index.html");
    assert!(
        index.contains("2026年11月26日 13:00 CET (UTC+01:00)"),
        "{index}"
    );
}

#[test]
fn an_unknown_language_lists_the_shipped_ones() {
    let (_tmp, root) = demo("sv");
    let (o, out) = build(&root);
    assert_eq!(o.status.code(), Some(1));
    let err = common::stderr(&o);
    assert!(err.contains("site.toml:8"), "{err}");
    assert!(
        err.contains("`language` = \"sv\" has no interface catalog"),
        "{err}"
    );
    assert!(
        err.contains("en, de, fr, es, pt-BR, it, nl, ja, zh-CN, ar"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn a_site_overrides_texts_and_unknown_keys_are_errors() {
    let (_tmp, root) = demo("de");
    std::fs::create_dir_all(root.join("i18n")).unwrap();
    std::fs::write(
        root.join("i18n/de.toml"),
        "nav_status = \"Lagebild\"\nformat_date = \"dd.MM.y\"\n",
    )
    .unwrap();
    let (o, out) = build(&root);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let index = common::read(&out, "index.html");
    assert!(index.contains(">Lagebild</a>"));

    std::fs::write(
        root.join("i18n/de.toml"),
        "nav_status = \"Lagebild\"\nnav_statsu = \"x\"\nformat_date = \"d 'MMM y\"\n",
    )
    .unwrap();
    let o = common::statusgen(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = common::stderr(&o);
    assert!(err.contains("i18n/de.toml:2"), "{err}");
    assert!(err.contains("unknown text key `nav_statsu`"), "{err}");
    assert!(err.contains("did you mean `nav_status`"), "{err}");
    assert!(err.contains("i18n/de.toml:3"), "{err}");
}
