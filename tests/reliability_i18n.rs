//! The reliability review in other languages: built by the real binary from the
//! reliability acceptance site (quarters, fixes, undated fixes, causes) and the demo
//! (months), its page has none of the English texts of the review (the English catalog's
//! `reliability_*` texts, which hold everything the page used to word in Rust), reads
//! the language's way, and its exports (reliability.json, the CSV files) are the same
//! bytes as in English.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The acceptance fixture's clock (tests/acceptance/sites/reliability/site.toml).
const NOW: &str = "2026-05-20T15:00:00Z";

fn site(dir: &Path, language: &str) -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = dir.join(format!("site-{language}"));
    common::copy_dir(&repo.join("tests/acceptance/sites/reliability"), &root);
    let toml = std::fs::read_to_string(root.join("site.toml")).unwrap();
    let line = "timezone = \"America/New_York\"\n";
    assert!(toml.contains(line));
    std::fs::write(
        root.join("site.toml"),
        toml.replace(line, &format!("{line}language = \"{language}\"\n")),
    )
    .unwrap();
    root
}

fn build(dir: &Path, language: &str) -> PathBuf {
    let root = site(dir, language);
    let out = dir.join(format!("public-{language}"));
    let o = common::build_at(&root, &out, NOW, &[]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    out
}

/// The demo (repo root) with `language`, built: its history is short, so months.
fn demo(dir: &Path, language: &str) -> PathBuf {
    let root = dir.join(format!("demo-{language}"));
    common::demo_in(&root, language);
    let out = dir.join(format!("demo-public-{language}"));
    let o = common::build_at(&root, &out, "2026-11-26T12:00:00Z", &[]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    out
}

/// What a reader gets: text nodes (the charts' titles and descriptions are text nodes
/// of the SVG) and `aria-label`/`title`/`alt`, entities decoded.
fn readable(html: &str) -> String {
    let mut out = String::new();
    for (_, attrs) in common::start_tags(html) {
        for (name, value) in attrs {
            if ["aria-label", "alt", "title"].contains(&name.as_str()) {
                out.push_str(&value);
                out.push('\n');
            }
        }
    }
    out.push_str(&common::strip_tags(html));
    out.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .split_whitespace()
        // The exports' file names are names, not words.
        .filter(|w| !w.ends_with(".csv") && !w.ends_with(".json"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3)
}

/// Words of the review's English texts that are the same in the translations
/// (abbreviations, formats, German words spelt as in English).
const NOT_ENGLISH_ONLY: &[&str] = &[
    "SLO", "MTTD", "MTTR", "JSON", "CSV", "Median", "Total", "Rate", "cause", "tag",
];

/// Every word of the English catalog's reliability texts, less [`NOT_ENGLISH_ONLY`]
/// and the words of the site's own names the page shows (component names and incident
/// titles, written in English).
fn english_review_words(roots: &[PathBuf]) -> BTreeSet<String> {
    use statusgen::i18n::catalog::Piece;
    let mut english = BTreeSet::new();
    for (key, msg) in statusgen::i18n::english().iter() {
        if !key.starts_with("reliability") {
            continue;
        }
        let pieces: Vec<&Piece> = match msg {
            statusgen::i18n::Msg::Text(p) => p.iter().collect(),
            statusgen::i18n::Msg::Plural(forms) => forms.iter().flat_map(|(_, p)| p).collect(),
        };
        for p in pieces {
            if let Piece::Lit(s) = p {
                english.extend(words(s).map(str::to_string));
            }
        }
    }
    let mut own = BTreeSet::new();
    for e in roots.iter().flat_map(walkdir::WalkDir::new) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let text = std::fs::read_to_string(e.path()).unwrap();
            for line in text.lines() {
                if line.starts_with("title =") || line.starts_with("name =") {
                    own.extend(words(line).map(str::to_string));
                }
            }
        }
    }
    english
        .into_iter()
        .filter(|w| !own.contains(w) && !NOT_ENGLISH_ONLY.contains(&w.as_str()))
        .collect()
}

/// Texts the page worded in Rust before they moved into the catalog.
const FORMER_LITERALS: &[&str] = &[
    "Stacked bars",
    "Bars side by side",
    "The table below gives every value",
    "group(s)",
    "highest",
    "No data",
    "Did the fix work?",
    "By component",
    "By cause",
    "per quarter",
    "per month",
    "quarters below SLO",
    "months below SLO",
    "Incidents by impact",
    "Time to detect",
    "Time to resolve",
    "Corrective actions",
    "check-ins",
    "Before and after each fix",
    "Figures per",
    "Last action done",
    "no impact",
    "overdue now",
    "incidents before",
    "recurrence rate",
    "-Q1",
    "-Q2",
];

fn assert_no_english(page: &str, english: &BTreeSet<String>, language: &str) {
    let text = readable(page);
    let found: BTreeSet<&str> = words(&text).filter(|w| english.contains(*w)).collect();
    assert!(
        found.is_empty(),
        "English words on the {language} reliability page: {found:?}\n{text}"
    );
    for literal in FORMER_LITERALS {
        assert!(
            !text.contains(literal),
            "{literal:?} on the {language} reliability page:\n{text}"
        );
    }
}

/// The reliability page of a build, checked for English words; its readable text.
fn review_text(out: &Path, english: &BTreeSet<String>, language: &str) -> String {
    let page = common::read(out, "reliability/index.html");
    assert!(page.contains(&format!("<html lang=\"{language}\"")));
    assert_no_english(&page, english, language);
    readable(&page)
}

fn assert_has(text: &str, expected: &[&str]) {
    for e in expected {
        assert!(text.contains(e), "{e:?} missing:\n{text}");
    }
}

#[test]
fn the_review_in_german_and_japanese_has_no_english_texts() {
    let tmp = tempfile::tempdir().unwrap();
    let english = english_review_words(&[site(tmp.path(), "en")]);
    // The list is the review's vocabulary, not a handful of words.
    for w in [
        "Stacked", "side", "highest", "quarter", "breaches", "fix", "Due",
    ] {
        assert!(english.contains(w), "{w} missing from {english:?}");
    }

    let en = build(tmp.path(), "en");
    let de = build(tmp.path(), "de");
    let text = review_text(&de, &english, "de");
    assert_has(
        &text,
        &[
            "Zuverlässigkeitsbericht",
            "Störungen nach Auswirkung je Quartal",
            "Gestapelte Balken (keine Auswirkung, gering, hoch, kritisch) für 6 Gruppen.",
            "Die Tabelle darunter enthält jeden Wert.",
            "Hat die Korrektur gewirkt?",
            "Ursache „config-change“",
            "Quartale unter SLO",
            "Q1 2026",
            // (readable() splits at the no-break space before "%")
            "Wiederholungsrate: höchster Wert 50,0 % (Q1 2026)",
            "2 Std. 30 Min.",
            "Keine Daten",
            "2 Störungen haben erledigte Korrekturmaßnahmen ohne Abschlussdatum",
            "Kennzahlen je Zeitraum",
        ],
    );
    assert!(
        common::read(&de, "reliability/index.html").contains("50,0\u{a0}%"),
        "German percentages"
    );
    // The English page still says it in English.
    let english_page = readable(&common::read(&en, "reliability/index.html"));
    assert!(
        english_page.contains("Stacked bars no impact, minor, major, critical over 6 group(s).")
    );
    assert!(english_page.contains("recurrence rate: highest 50.0% in 2026-Q1"));

    // The link to the review on the uptime page.
    let uptime = readable(&common::read(&de, "uptime/index.html"));
    assert!(uptime.contains("Zuverlässigkeitsbericht"), "{uptime}");
    assert!(!uptime.contains("Reliability review"), "{uptime}");
    assert!(
        !uptime.contains("these figures period by period"),
        "{uptime}"
    );

    // Machine outputs are the same in every language.
    for file in [
        "reliability.json",
        "periods.csv",
        "availability.csv",
        "components.csv",
        "causes.csv",
        "actions.csv",
        "checkins.csv",
        "fixes.csv",
    ] {
        let path = format!("reliability/{file}");
        assert_eq!(
            common::read(&en, &path),
            common::read(&de, &path),
            "{file} differs between en and de"
        );
    }

    let ja = build(tmp.path(), "ja");
    let text = review_text(&ja, &english, "ja");
    assert_has(
        &text,
        &[
            "信頼性レビュー",
            "2026年第1四半期",
            "修正は効果があったか",
            "原因「config-change」",
        ],
    );
}

#[test]
fn the_monthly_review_in_german_and_arabic() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let english = english_review_words(&[repo.join("content"), repo.join("site.toml")]);
    let de = demo(tmp.path(), "de");
    let text = review_text(&de, &english, "de");
    assert_has(
        &text,
        &[
            "von Monat zu Monat",
            "Störungen nach Auswirkung je Monat",
            "Monate unter SLO",
            "Zeitraum",
        ],
    );
    assert!(!text.contains("Quartal"), "{text}");

    let ar = demo(tmp.path(), "ar");
    let text = review_text(&ar, &english, "ar");
    assert!(common::read(&ar, "reliability/index.html").contains("dir=\"rtl\""));
    assert_has(&text, &["مراجعة الموثوقية", "الأشهر دون هدف مستوى الخدمة"]);
}
