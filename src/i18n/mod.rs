//! The interface's languages: the catalogs shipped in the binary, a site's overrides,
//! and the one way every page, feed, calendar, notification and badge gets its words.
//!
//! A catalog is a TOML file (`src/i18n/locales/<lang>.toml`, docs/i18n.md): one key per
//! text, a text being a string with `{name}` placeholders or a table of CLDR plural
//! forms chosen by `{n}`. TOML rather than Fluent because every other file a site keeps
//! is TOML, the loader already reports TOML errors with file and line, and the few
//! plural choices the texts need are covered by ICU's plural rules (`icu_plurals`).
//!
//! A build resolves its language once into [`Texts`]: the shipped catalog, English for
//! any key it lacks, and the site's `i18n/<lang>.toml` on top. Templates call
//! `t(k="key", name=value…)` (Tera function and compiled method alike, see
//! [`Texts::k`]); Rust code calls [`Texts::get`] and [`Texts::fmt`].

pub mod catalog;
pub mod format;
mod words;

use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasherDefault;
use std::sync::{Arc, Mutex, OnceLock};

pub use catalog::{Catalog, Msg, Override};
use format::Formats;

/// A language statusgen ships a catalog for.
#[derive(Debug)]
pub struct Lang {
    /// The BCP 47 tag written in `language` (`pt-BR`).
    pub code: &'static str,
    /// Its name in English, for messages.
    pub name: &'static str,
    /// Written right to left (`dir="rtl"`).
    pub rtl: bool,
    /// The catalog's TOML source.
    pub source: &'static str,
}

macro_rules! langs {
    ($($code:literal, $name:literal, $rtl:literal, $file:literal;)*) => {
        /// Every shipped language, English first.
        pub const SHIPPED: &[Lang] = &[$(Lang {
            code: $code,
            name: $name,
            rtl: $rtl,
            source: include_str!(concat!("locales/", $file)),
        },)*];
    };
}

langs! {
    "en", "English", false, "en.toml";
    "de", "German", false, "de.toml";
    "fr", "French", false, "fr.toml";
    "es", "Spanish", false, "es.toml";
    "pt-BR", "Portuguese (Brazil)", false, "pt-BR.toml";
    "it", "Italian", false, "it.toml";
    "nl", "Dutch", false, "nl.toml";
    "ja", "Japanese", false, "ja.toml";
    "zh-CN", "Chinese (Simplified)", false, "zh-CN.toml";
    "ar", "Arabic", true, "ar.toml";
}

/// The shipped language with this tag (exact, as listed in [`SHIPPED`]).
pub fn shipped(code: &str) -> Option<&'static Lang> {
    SHIPPED.iter().find(|l| l.code == code)
}

/// The catalog a `language` tag uses: the shipped language of that tag (any case), else
/// of its primary language (`de-AT` → `de`, `pt` → `pt-BR`, `zh-Hans-CN` → `zh-CN`).
pub fn catalog_for(tag: &str) -> Option<&'static Lang> {
    SHIPPED
        .iter()
        .find(|l| l.code.eq_ignore_ascii_case(tag))
        .or_else(|| {
            let primary = tag.split('-').next().unwrap_or(tag);
            SHIPPED.iter().find(|l| {
                l.code
                    .split('-')
                    .next()
                    .is_some_and(|p| p.eq_ignore_ascii_case(primary))
            })
        })
}

/// "en, de, fr, …": the shipped tags, for messages.
pub fn shipped_list() -> String {
    SHIPPED
        .iter()
        .map(|l| l.code)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A shipped catalog, parsed the first time a build asks for it (they are part of the
/// binary and tested to parse).
fn shipped_catalog(lang: &'static Lang) -> &'static Catalog {
    static CATALOGS: [OnceLock<Catalog>; SHIPPED.len()] =
        [const { OnceLock::new() }; SHIPPED.len()];
    let i = SHIPPED
        .iter()
        .position(|l| std::ptr::eq(l, lang))
        .unwrap_or(0);
    CATALOGS[i].get_or_init(|| Catalog::parse(SHIPPED[i].source).unwrap_or_default())
}

/// The English keys a shipped catalog lacks (their texts show in English).
pub fn missing_keys(lang: &'static Lang) -> Vec<&'static str> {
    let c = shipped_catalog(lang);
    english().keys().filter(|k| c.get(k).is_none()).collect()
}

/// The English catalog: the reference key list.
pub fn english() -> &'static Catalog {
    shipped_catalog(&SHIPPED[0])
}

/// Everything a build says, in one language: messages and the locale's formatters.
pub struct Texts {
    pub lang: &'static Lang,
    messages: HashMap<&'static str, Msg, BuildHasherDefault<Fnv>>,
    pub formats: Formats,
}

impl fmt::Debug for Texts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Texts({})", self.lang.code)
    }
}

impl Texts {
    /// The texts of a build: `language`'s catalog (English where it lacks a key) and
    /// the site's overrides. Interned: builds with the same language and overrides share
    /// one value, which lives for the process, so labels can be `&'static str` (a
    /// `serve` session builds many times with the same texts).
    pub fn resolve(language: &str, overrides: &[Override]) -> &'static Texts {
        type Key = (String, Vec<Override>);
        static INTERNED: OnceLock<Mutex<HashMap<Key, &'static Texts>>> = OnceLock::new();
        let key = (language.to_string(), overrides.to_vec());
        let mut map = INTERNED
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(t) = map.get(&key) {
            return t;
        }
        let texts: &'static Texts = Box::leak(Box::new(Texts::build(language, overrides)));
        map.insert(key, texts);
        texts
    }

    /// A text with one placeholder filled by a string.
    pub fn fmt1(&self, key: &str, name: &str, value: &str) -> String {
        self.fmt(key, &[(name, Arg::Str(value.into()))])
    }

    /// English with no overrides (tests, and tools that need no site).
    pub fn english() -> &'static Texts {
        Texts::resolve("en", &[])
    }

    fn build(language: &str, overrides: &[Override]) -> Texts {
        let lang = catalog_for(language).unwrap_or(&SHIPPED[0]);
        let mut messages: HashMap<&'static str, Msg, BuildHasherDefault<Fnv>> = HashMap::default();
        for (k, m) in english().iter().chain(shipped_catalog(lang).iter()) {
            messages.insert(k, m.clone());
        }
        for o in overrides {
            // Keys are checked when the override file is loaded: only known ones reach here.
            if let Some((k, _)) = english().iter().find(|(k, _)| *k == o.key) {
                messages.insert(k, o.msg.clone());
            }
        }
        let plain = |k: &str| match messages.get(k) {
            Some(Msg::Text(p)) => catalog::plain(p).map(str::to_string),
            _ => None,
        };
        let (date, datetime, month, day) = (
            plain("format_date"),
            plain("format_datetime"),
            plain("format_month"),
            plain("format_day"),
        );
        let english = format::Patterns::ENGLISH;
        let formats = Formats::new(
            lang,
            &format::Patterns {
                date: date.as_deref().unwrap_or(english.date),
                datetime: datetime.as_deref().unwrap_or(english.datetime),
                month: month.as_deref().unwrap_or(english.month),
                day: day.as_deref().unwrap_or(english.day),
            },
        );
        Texts {
            lang,
            messages,
            formats,
        }
    }

    /// A text with no placeholders filled in (a missing key, a bug caught by tests,
    /// shows as the key).
    pub fn get<'s>(&'s self, key: &'s str) -> &'s str {
        match self.messages.get(key) {
            Some(Msg::Text(pieces)) => catalog::plain(pieces).unwrap_or(key),
            Some(Msg::Plural(forms)) => forms
                .last()
                .and_then(|(_, p)| catalog::plain(p))
                .unwrap_or(key),
            None => key,
        }
    }

    /// A text with its placeholders filled: `args` by name; a plural text picks its form
    /// by the number `n`. Integers are written with the locale's digits and grouping.
    pub fn fmt(&self, key: &str, args: &[(&str, Arg<'_>)]) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = self.write(&mut out, key, args);
        out
    }

    fn write<W: fmt::Write>(
        &self,
        out: &mut W,
        key: &str,
        args: &[(&str, Arg<'_>)],
    ) -> fmt::Result {
        let pieces = match self.messages.get(key) {
            Some(Msg::Text(pieces)) => pieces,
            Some(Msg::Plural(forms)) => {
                let n = args.iter().find_map(|(name, a)| match (name, a) {
                    (&"n", Arg::Int(n)) => Some(*n),
                    _ => None,
                });
                let cat = self.formats.plural(n.unwrap_or(0));
                match forms.iter().find(|(c, _)| *c == cat) {
                    Some((_, p)) => p,
                    None => match forms.last() {
                        Some((_, p)) => p,
                        None => return Ok(()),
                    },
                }
            }
            None => return out.write_str(key),
        };
        for piece in pieces {
            match piece {
                catalog::Piece::Lit(s) => out.write_str(s)?,
                catalog::Piece::Arg(name) => match args.iter().find(|(n, _)| n == name) {
                    Some((_, Arg::Int(n))) => out.write_str(&self.formats.integer(*n))?,
                    Some((_, Arg::Str(s))) => out.write_str(s)?,
                    None => write!(out, "{{{name}}}")?,
                },
            }
        }
        Ok(())
    }

    /// A template's `t(k="key")`: the text, with arguments added by [`Tr::a`].
    pub fn k(&self, key: &'static str) -> Tr<'_> {
        Tr {
            texts: self,
            key,
            args: Vec::new(),
        }
    }
}

/// FNV-1a for the message table: keys are short, trusted and looked up many times per
/// page, where SipHash's cost showed in the build's profile.
#[derive(Default)]
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A placeholder's value.
#[derive(Debug, Clone)]
pub enum Arg<'a> {
    Int(i64),
    Str(std::borrow::Cow<'a, str>),
}

/// A text being filled in by a compiled template; printing it formats it.
pub struct Tr<'t> {
    texts: &'t Texts,
    key: &'static str,
    args: Vec<(&'static str, Arg<'t>)>,
}

impl<'t> Tr<'t> {
    pub fn a<V: TrArg>(mut self, name: &'static str, v: V) -> Tr<'t> {
        self.args.push((name, v.arg()));
        self
    }
}

impl fmt::Display for Tr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.texts.write(f, self.key, &self.args)
    }
}

/// What a compiled template may pass as a placeholder's value.
pub trait TrArg {
    fn arg(&self) -> Arg<'static>;
}

impl<T: TrArg + ?Sized> TrArg for &T {
    fn arg(&self) -> Arg<'static> {
        (**self).arg()
    }
}

impl TrArg for str {
    fn arg(&self) -> Arg<'static> {
        Arg::Str(self.to_string().into())
    }
}

impl TrArg for String {
    fn arg(&self) -> Arg<'static> {
        self.as_str().arg()
    }
}

impl<T: TrArg + ?Sized> TrArg for Arc<T> {
    fn arg(&self) -> Arg<'static> {
        (**self).arg()
    }
}

impl TrArg for Tr<'_> {
    fn arg(&self) -> Arg<'static> {
        Arg::Str(self.to_string().into())
    }
}

macro_rules! int_args {
    ($($t:ty),*) => {$(
        impl TrArg for $t {
            fn arg(&self) -> Arg<'static> {
                Arg::Int(i64::try_from(*self).unwrap_or(i64::MAX))
            }
        }
    )*};
}
int_args!(u8, u16, u32, u64, usize, i32, i64);

thread_local! {
    static CURRENT: std::cell::Cell<Option<&'static Texts>> = const { std::cell::Cell::new(None) };
}

/// Runs `f` with `texts` as the texts of the Tera function `t` on this thread (Tera
/// functions see no render context, and a theme's Tera instance outlives a build).
pub fn with_texts<R>(texts: &'static Texts, f: impl FnOnce() -> R) -> R {
    let before = CURRENT.with(|c| c.replace(Some(texts)));
    let out = f();
    CURRENT.with(|c| c.set(before));
    out
}

/// The Tera function `t(k="key", name=value…)`.
pub fn tera_function(args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let texts = CURRENT.with(|c| c.get()).unwrap_or_else(Texts::english);
    let Some(key) = args.get("k").and_then(|v| v.as_str()) else {
        return Err(tera::Error::msg(
            "`t` needs the text's key: t(k=\"nav_status\")",
        ));
    };
    if !texts.messages.contains_key(key) {
        return Err(tera::Error::msg(format!(
            "`t`: no text has the key \"{key}\" (docs/i18n.md lists them)"
        )));
    }
    let named: Vec<(&str, Arg<'_>)> = args
        .iter()
        .filter(|(name, _)| name.as_str() != "k")
        .map(|(name, v)| {
            let arg = match v {
                tera::Value::Number(n) if n.is_i64() || n.is_u64() => {
                    Arg::Int(n.as_i64().unwrap_or(i64::MAX))
                }
                tera::Value::String(s) => Arg::Str(s.as_str().into()),
                tera::Value::Null => Arg::Str("".into()),
                other => Arg::Str(other.to_string().into()),
            };
            (name.as_str(), arg)
        })
        .collect();
    Ok(tera::Value::String(texts.fmt(key, &named)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_plurals() {
        let en = Texts::english();
        assert_eq!(en.get("nav_status"), "Status");
        assert_eq!(
            en.fmt("page_of", &[("page", Arg::Int(2)), ("pages", Arg::Int(12))]),
            "Page 2 of 12"
        );
        assert_eq!(en.fmt("days_ago", &[("n", Arg::Int(1))]), "1 day ago");
        assert_eq!(en.fmt("days_ago", &[("n", Arg::Int(90))]), "90 days ago");
        assert_eq!(en.k("days_ago").a("n", 1200).to_string(), "1,200 days ago");
    }

    #[test]
    fn every_shipped_catalog_parses() {
        for lang in SHIPPED {
            if let Err(e) = Catalog::parse(lang.source) {
                panic!("{}: {e:?}", lang.code);
            }
        }
    }

    /// A shipped catalog has every English key (else `check` warns and the text shows
    /// in English), only English's keys, only the placeholders English has, and date
    /// patterns that parse.
    #[test]
    fn every_shipped_catalog_is_complete_and_consistent() {
        let en = english();
        let mut problems = Vec::new();
        for lang in SHIPPED {
            let c = shipped_catalog(lang);
            for key in missing_keys(lang) {
                problems.push(format!("{}: `{key}` is missing", lang.code));
            }
            for (key, msg) in c.iter() {
                let Some(reference) = en.get(key) else {
                    problems.push(format!("{}: `{key}` is not an English key", lang.code));
                    continue;
                };
                let allowed = reference.placeholders();
                for p in msg.placeholders() {
                    if !allowed.contains(&p) {
                        problems.push(format!("{}: `{key}` uses {{{p}}}", lang.code));
                    }
                }
                if key.starts_with("format_")
                    && let Msg::Text(p) = msg
                    && let Err(e) =
                        format::Formats::check_pattern(lang, catalog::plain(p).unwrap_or(""))
                {
                    problems.push(format!("{}: `{key}`: {e}", lang.code));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn regional_tags_use_their_language() {
        assert_eq!(catalog_for("de-AT").map(|l| l.code), Some("de"));
        assert_eq!(catalog_for("pt").map(|l| l.code), Some("pt-BR"));
        assert_eq!(catalog_for("zh-cn").map(|l| l.code), Some("zh-CN"));
        assert!(catalog_for("sv").is_none());
        assert!(shipped_list().starts_with("en, de, fr, es, pt-BR"));
    }
}
