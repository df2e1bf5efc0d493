//! Reading a catalog: `key = "text with {placeholders}"` or
//! `key = { one = "…", other = "…" }` (CLDR plural categories, chosen by `{n}`).

use std::ops::Range;

use toml::de::{DeTable, DeValue};

/// A CLDR plural category, as written in a catalog.
pub const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// A piece of a text: literal, or a placeholder's name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Piece {
    Lit(String),
    Arg(String),
}

/// One text: plain, or plural forms by category (index into [`CATEGORIES`]), `other` last.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Msg {
    Text(Vec<Piece>),
    Plural(Vec<(u8, Vec<Piece>)>),
}

impl Msg {
    /// The placeholder names the text uses, in any form.
    pub fn placeholders(&self) -> Vec<&str> {
        let mut names: Vec<&str> = match self {
            Msg::Text(p) => args_of(p).collect(),
            Msg::Plural(forms) => forms.iter().flat_map(|(_, p)| args_of(p)).collect(),
        };
        names.sort_unstable();
        names.dedup();
        names
    }
}

fn args_of(pieces: &[Piece]) -> impl Iterator<Item = &str> {
    pieces.iter().filter_map(|p| match p {
        Piece::Arg(a) => Some(a.as_str()),
        Piece::Lit(_) => None,
    })
}

/// The text of pieces without placeholders.
pub fn plain(pieces: &[Piece]) -> Option<&str> {
    match pieces {
        [] => Some(""),
        [Piece::Lit(s)] => Some(s),
        _ => None,
    }
}

/// A site's replacement for one text (`i18n/<lang>.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Override {
    pub key: String,
    pub msg: Msg,
}

/// One key of a catalog file, with where it is written.
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub msg: Msg,
    /// Byte span of the key in the file.
    pub span: Range<usize>,
}

/// A problem in a catalog file, at a byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub span: Range<usize>,
    pub message: String,
    pub help: String,
}

/// A parsed catalog: its texts by key, in file order.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    entries: Vec<(String, Msg)>,
}

impl Catalog {
    pub fn parse(text: &str) -> Result<Catalog, Vec<Problem>> {
        let (entries, problems) = parse_entries(text);
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Catalog {
            entries: entries.into_iter().map(|e| (e.key, e.msg)).collect(),
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Msg)> {
        self.entries.iter().map(|(k, m)| (k.as_str(), m))
    }

    pub fn get(&self, key: &str) -> Option<&Msg> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, m)| m)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }
}

/// Every key of a catalog file and every problem in it (syntax, shape, placeholders).
pub fn parse_entries(text: &str) -> (Vec<Entry>, Vec<Problem>) {
    let mut problems = Vec::new();
    let (table, errors) = DeTable::parse_recoverable(text);
    for e in &errors {
        problems.push(Problem {
            span: e.span().unwrap_or(0..0),
            message: format!("invalid TOML: {}", e.message().trim()),
            help: "fix the TOML syntax here (texts are quoted strings)".into(),
        });
    }
    let mut entries = Vec::new();
    for (k, v) in table.get_ref().iter() {
        let key = k.get_ref().to_string();
        let msg = match v.get_ref() {
            DeValue::String(s) => Some(Msg::Text(pieces(s))),
            DeValue::Table(t) => plural(t, &key, k.span(), &mut problems),
            _ => {
                problems.push(Problem {
                    span: v.span(),
                    message: format!("`{key}` must be a text or a table of plural forms"),
                    help: format!(
                        "write {key} = \"…\", or {key} = {{ one = \"…\", other = \"…\" }}"
                    ),
                });
                None
            }
        };
        if let Some(msg) = msg {
            entries.push(Entry {
                key,
                msg,
                span: k.span(),
            });
        }
    }
    (entries, problems)
}

fn plural(
    t: &DeTable<'_>,
    key: &str,
    span: Range<usize>,
    problems: &mut Vec<Problem>,
) -> Option<Msg> {
    let mut forms = Vec::new();
    let mut other = None;
    for (cat, v) in t.iter() {
        let name: &str = cat.get_ref();
        let Some(i) = CATEGORIES.iter().position(|c| *c == name) else {
            problems.push(Problem {
                span: cat.span(),
                message: format!("`{name}` in `{key}` is not a plural category"),
                help: format!("use {}", CATEGORIES.join(", ")),
            });
            continue;
        };
        let DeValue::String(s) = v.get_ref() else {
            problems.push(Problem {
                span: v.span(),
                message: format!("`{key}.{name}` must be a text"),
                help: "write it as a quoted string".into(),
            });
            continue;
        };
        if name == "other" {
            other = Some(pieces(s));
        } else {
            forms.push((i as u8, pieces(s)));
        }
    }
    let Some(other) = other else {
        problems.push(Problem {
            span,
            message: format!("`{key}` has no `other` form"),
            help:
                "every plural text needs `other`, the form for any number not matched by the others"
                    .into(),
        });
        return None;
    };
    forms.push((5, other));
    Some(Msg::Plural(forms))
}

/// Splits a text at its `{name}` placeholders; any other brace is literal.
pub fn pieces(s: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut rest = s;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(after.len());
        if name_len > 0 && after[name_len..].starts_with('}') {
            lit.push_str(&rest[..open]);
            if !lit.is_empty() {
                out.push(Piece::Lit(std::mem::take(&mut lit)));
            }
            out.push(Piece::Arg(after[..name_len].to_string()));
            rest = &after[name_len + 1..];
        } else {
            lit.push_str(&rest[..=open]);
            rest = after;
        }
    }
    lit.push_str(rest);
    if !lit.is_empty() {
        out.push(Piece::Lit(lit));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_and_plurals() {
        let c = Catalog::parse("a = \"x {n} y\"\nb = { one = \"1\", other = \"{n}\" }\n").unwrap();
        assert_eq!(
            c.get("a"),
            Some(&Msg::Text(vec![
                Piece::Lit("x ".into()),
                Piece::Arg("n".into()),
                Piece::Lit(" y".into())
            ]))
        );
        assert_eq!(c.get("b").unwrap().placeholders(), vec!["n"]);
        assert_eq!(pieces("{ x } {A}"), vec![Piece::Lit("{ x } {A}".into())]);
    }

    #[test]
    fn problems_have_spans() {
        let text = "a = 1\nb = { few = \"x\" }\nc = { lots = \"x\", other = \"y\" }\n";
        let (entries, problems) = parse_entries(text);
        assert_eq!(entries.len(), 1);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].message.contains("`a` must be a text"));
        assert_eq!(&text[problems[2].span.clone()], "lots");
    }
}
