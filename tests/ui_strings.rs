//! Every word the built-in templates print comes from the interface catalog: a literal
//! word in a template's text or in a human-readable attribute fails this test, and so
//! does a `t(k="…")` key the English catalog lacks.

use std::path::Path;

use statusgen::i18n;

/// Names that stay as they are in every language.
const PROPER_NAMES: &[&str] = &["RSS", "Atom"];

/// Attributes whose values people read or hear.
const READ_ATTRIBUTES: &[&str] = &["aria-label", "alt", "title", "placeholder"];

/// The template with its tags (`{{ }}`, `{% %}`, `{# #}`) blanked out.
fn without_tags(src: &str) -> String {
    let mut out = String::new();
    let mut rest = src;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let close = match rest.get(i..i + 2) {
            Some("{{") => "}}",
            Some("{%") => "%}",
            Some("{#") => "#}",
            _ => {
                out.push('{');
                rest = &rest[i + 1..];
                continue;
            }
        };
        let end = rest[i..].find(close).map_or(rest.len(), |e| i + e + 2);
        out.push(' ');
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The words left in text nodes and read attributes.
fn literal_words(html: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut rest = html;
    let mut texts = Vec::new();
    while let Some(open) = rest.find('<') {
        texts.push(rest[..open].to_string());
        let close = rest[open..].find('>').map_or(rest.len(), |c| open + c + 1);
        let tag = &rest[open..close];
        for attr in READ_ATTRIBUTES {
            let needle = format!(" {attr}=\"");
            if let Some(a) = tag.find(&needle) {
                let v = &tag[a + needle.len()..];
                texts.push(v[..v.find('"').unwrap_or(v.len())].to_string());
            }
        }
        rest = &rest[close..];
    }
    texts.push(rest.to_string());
    for text in texts {
        for word in text.split(|c: char| !c.is_alphabetic()) {
            if !word.is_empty() && !PROPER_NAMES.contains(&word) {
                words.push(word.to_string());
            }
        }
    }
    words
}

fn templates() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn templates_print_no_literal_words() {
    let mut found = Vec::new();
    for (name, src) in templates() {
        for word in literal_words(&without_tags(&src)) {
            found.push(format!("{name}: \"{word}\""));
        }
    }
    assert!(
        found.is_empty(),
        "words outside the catalog (use {{{{ t(k=\"key\") }}}}, docs/i18n.md):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_finds_a_literal_word() {
    assert_eq!(
        literal_words(&without_tags(
            "<p>{{ t(k=\"a\") }} Oops</p><img alt=\"Logo\" src=\"x\">{# note #}"
        )),
        ["Oops", "Logo"]
    );
}

#[test]
fn every_key_the_templates_use_is_in_the_english_catalog() {
    let en = i18n::english();
    let mut missing = Vec::new();
    for (name, src) in templates() {
        for part in src.split("t(k=\"").skip(1) {
            let key = &part[..part.find('"').unwrap()];
            if en.get(key).is_none() {
                missing.push(format!("{name}: {key}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keys missing from en.toml:\n{}",
        missing.join("\n")
    );
}
