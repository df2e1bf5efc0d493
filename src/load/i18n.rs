//! A site's replacements for interface texts: `i18n/<language>.toml` at the site root
//! (docs/i18n.md). Every key must be one of the catalog's; a text must use only the
//! placeholders the English text has; a date pattern must parse.

use std::path::Path;

use crate::diag::Diagnostic;
use crate::i18n::{self, Msg, Override};
use crate::load::{boundary, frontmatter, reader};

/// The override file of `language`, relative to the site root.
pub fn file(language: &str) -> String {
    format!("i18n/{language}.toml")
}

/// Reads `i18n/<language>.toml` when it exists; problems go to `diags`. Texts the
/// shipped catalog lacks, and the file does not give, are a warning: they show in English.
pub fn load(root: &Path, language: &str, diags: &mut Vec<Diagnostic>) -> Vec<Override> {
    let overrides = read(root, language, diags);
    if let Some(lang) = i18n::catalog_for(language) {
        diags.extend(missing_warning(
            lang,
            language,
            i18n::missing_keys(lang),
            &overrides,
        ));
    }
    overrides
}

/// The warning for texts a shipped catalog lacks and the site's file does not give.
fn missing_warning(
    lang: &i18n::Lang,
    language: &str,
    missing: Vec<&str>,
    overrides: &[Override],
) -> Option<Diagnostic> {
    let missing: Vec<&str> = missing
        .into_iter()
        .filter(|k| !overrides.iter().any(|o| o.key == *k))
        .collect();
    if missing.is_empty() {
        return None;
    }
    Some(
        Diagnostic::warning(
            crate::load::config::FILE,
            0,
            0,
            format!(
                "the {} catalog has no text for {} key(s), shown in English: {}",
                lang.name,
                missing.len(),
                missing.join(", ")
            ),
        )
        .with_help(format!("add them to {} (docs/i18n.md)", file(language))),
    )
}

fn read(root: &Path, language: &str, diags: &mut Vec<Diagnostic>) -> Vec<Override> {
    let rel = file(language);
    let path = root.join(&rel);
    if std::fs::symlink_metadata(&path).is_err() {
        return Vec::new();
    }
    let bytes = match boundary::read(&boundary::canonical_root(root), &path) {
        Ok(b) => b,
        Err(refusal) => {
            diags.push(refusal.diagnostic(&rel));
            return Vec::new();
        }
    };
    let text = match frontmatter::decode(&bytes) {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::error(&rel, e.line(), 1, e.message()).with_help(e.help()));
            return Vec::new();
        }
    };
    parse(&rel, text, language, diags)
}

/// Checks an override file's text against the English catalog.
pub fn parse(rel: &str, text: &str, language: &str, diags: &mut Vec<Diagnostic>) -> Vec<Override> {
    let mut r = reader::Reader::new(rel, text, 0, chrono_tz::UTC, diags);
    let (entries, problems) = i18n::catalog::parse_entries(text);
    for p in problems {
        r.error(&p.span, p.message, p.help);
    }
    let en = i18n::english();
    let keys: Vec<&str> = en.keys().collect();
    let lang = i18n::catalog_for(language).unwrap_or(&i18n::SHIPPED[0]);
    let mut out = Vec::new();
    for e in entries {
        let Some(reference) = en.get(&e.key) else {
            let help = match reader::closest(&e.key, &keys) {
                Some(k) => format!("did you mean `{k}`? docs/i18n.md lists every key"),
                None => "remove it; docs/i18n.md lists every key".to_string(),
            };
            r.error(&e.span, format!("unknown text key `{}`", e.key), help);
            continue;
        };
        let allowed = reference.placeholders();
        let extra: Vec<&str> = e
            .msg
            .placeholders()
            .into_iter()
            .filter(|p| !allowed.contains(p))
            .collect();
        if !extra.is_empty() {
            let list = |v: &[&str]| {
                v.iter()
                    .map(|p| format!("{{{p}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            r.error(
                &e.span,
                format!(
                    "`{}` uses {}, which this text does not have",
                    e.key,
                    list(&extra)
                ),
                if allowed.is_empty() {
                    "this text takes no placeholders".to_string()
                } else {
                    format!("it can use {}", list(&allowed))
                },
            );
            continue;
        }
        if e.key.starts_with("format_")
            && let Msg::Text(p) = &e.msg
            && let Some(pattern) = i18n::catalog::plain(p)
            && let Err(why) = i18n::format::Formats::check_pattern(lang, pattern)
        {
            r.error(
                &e.span,
                why,
                "write a CLDR date pattern such as \"d MMM y\" (d day, MMM month name, y year, HH:mm 24-hour time)",
            );
            continue;
        }
        out.push(Override {
            key: e.key,
            msg: e.msg,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_a_catalog_lacks_are_a_warning_unless_the_site_gives_them() {
        let de = i18n::catalog_for("de").unwrap();
        let given = vec![Override {
            key: "nav_status".into(),
            msg: Msg::Text(i18n::catalog::pieces("Lage")),
        }];
        let d = missing_warning(de, "de-AT", vec!["nav_status", "today"], &given).unwrap();
        assert_eq!(d.severity, crate::diag::Severity::Warning);
        assert!(
            d.message
                .contains("German catalog has no text for 1 key(s)"),
            "{}",
            d.message
        );
        assert!(d.message.ends_with(": today"), "{}", d.message);
        assert!(d.help.as_deref().unwrap().contains("i18n/de-AT.toml"));
        assert!(missing_warning(de, "de", vec!["nav_status"], &given).is_none());
        assert!(i18n::missing_keys(de).is_empty());
    }

    #[test]
    fn unknown_keys_and_placeholders_are_errors_with_lines() {
        let mut diags = Vec::new();
        let text = "nav_status = \"Lage\"\nnav_statsu = \"x\"\npage_of = \"{page}/{total}\"\nformat_date = \"d MMM y\"\n";
        let out = parse("i18n/de.toml", text, "de", &mut diags);
        assert_eq!(out.len(), 2, "{out:?}");
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert_eq!((diags[0].line, diags[0].column), (2, 1));
        assert!(diags[0].message.contains("unknown text key `nav_statsu`"));
        assert!(diags[0].help.as_deref().unwrap().contains("`nav_status`"));
        assert_eq!(diags[1].line, 3);
        assert!(diags[1].message.contains("{total}"), "{}", diags[1].message);
    }
}
