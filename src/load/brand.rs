//! `[brand]` and `[announcement]` of site.toml (docs/branding.md): read with the
//! config's [`Reader`], so every problem has its line and a did-you-mean, then the
//! files they name read through the root boundary.

use std::path::Path;
use std::sync::Arc;

use toml::de::DeTable;

use crate::diag::Diagnostic;
use crate::load::boundary;
use crate::load::contrast;
use crate::load::reader::Reader;
use crate::site::{Announcement, AnnouncementLevel, Asset, Brand, BrandLink, Logo};

const BRAND_KEYS: &[&str] = &[
    "logo",
    "logo_dark",
    "logo_alt",
    "accent",
    "accent_dark",
    "links",
    "footer",
    "stylesheet",
];
const LINK_KEYS: &[&str] = &["label", "url"];
const ANNOUNCEMENT_KEYS: &[&str] = &["text", "level", "expires"];

/// The default theme's backgrounds that accent-coloured text (links, the current page
/// in the menu) is drawn on, per scheme: `--bg` and `--surface` of `style.css` (a unit
/// test keeps them equal). An accent must reach WCAG AA's 4.5:1 on each.
pub const LIGHT_BACKGROUNDS: &[(&str, &str)] = &[("background", "#f6f8fa"), ("surface", "#ffffff")];
pub const DARK_BACKGROUNDS: &[(&str, &str)] = &[("background", "#0d1117"), ("surface", "#161b22")];
/// WCAG 2.x AA for normal-size text.
pub const AA_TEXT: f64 = 4.5;

/// A logo or stylesheet larger than this is refused: it is loaded on every page view.
pub const MAX_ASSET_BYTES: usize = 1 << 20;

pub fn parse_brand(r: &mut Reader<'_>, t: &DeTable<'_>) -> Brand {
    let mut brand = Brand::default();
    let Some(v) = Reader::get(t, "brand") else {
        return brand;
    };
    let Some(b) = v.get_ref().as_table() else {
        r.error(
            &v.span(),
            "`brand` must be a table",
            "write it as a [brand] section",
        );
        return brand;
    };
    r.deny_unknown(b, BRAND_KEYS, "[brand]");
    let logo = asset(r, b, "logo", &["svg", "png"]);
    let logo_dark = asset(r, b, "logo_dark", &["svg", "png"]);
    let alt = r.opt_str(b, "logo_alt");
    match (logo, alt) {
        (Some(light), Some(alt)) if !alt.trim().is_empty() => {
            brand.logo = Some(Logo {
                light,
                dark: logo_dark,
                alt: alt.trim().to_string(),
            })
        }
        (Some(light), _) => r.error(
            &line_span(r, light.line),
            "[brand] has a `logo` but no `logo_alt`",
            "add the text a screen reader reads for the logo, usually the company's name: logo_alt = \"Acme\"",
        ),
        (None, _) => {
            if let Some(v) = Reader::get(b, "logo_dark") {
                r.error(
                    &v.span(),
                    "[brand] has a `logo_dark` but no `logo`",
                    "add the light-scheme logo too: logo = \"brand/logo.svg\"",
                );
            }
        }
    }
    brand.accent = colour(r, b, "accent", LIGHT_BACKGROUNDS, "light");
    brand.accent_dark = colour(r, b, "accent_dark", DARK_BACKGROUNDS, "dark");
    brand.links = links(r, b);
    if let Some(v) = Reader::get(b, "footer")
        && let Some(text) = r.opt_str(b, "footer")
    {
        if text.trim().is_empty() {
            r.error(
                &v.span(),
                "`footer` in [brand] is empty",
                "write the footer text, or remove the key",
            );
        } else {
            brand.footer = Some(text.trim().to_string());
        }
    }
    brand.stylesheet = asset(r, b, "stylesheet", &["css"]);
    brand
}

/// A span that points at the start of a 1-based line of the config text.
fn line_span(r: &Reader<'_>, line: usize) -> std::ops::Range<usize> {
    let offset: usize = r
        .text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let at = offset.saturating_sub(r.base);
    at..at
}

fn line_of(r: &Reader<'_>, span: &std::ops::Range<usize>) -> usize {
    r.position(span).0
}

/// A file of the site named by `key`: a relative path inside the root, with one of
/// `extensions`. Its bytes are read later ([`read_assets`]).
fn asset(r: &mut Reader<'_>, b: &DeTable<'_>, key: &str, extensions: &[&str]) -> Option<Asset> {
    let v = Reader::get(b, key)?;
    let path = r.opt_str(b, key)?;
    let span = v.span();
    let example = format!("{key} = \"brand/{key}.{}\"", extensions[0]);
    if let Err(why) = site_path(&path) {
        r.error(
            &span,
            format!("`{key}` in [brand] = {path:?} {why}"),
            format!("give a path relative to the site folder, like {example}"),
        );
        return None;
    }
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if !extensions.contains(&ext.as_str()) {
        let kinds: Vec<String> = extensions.iter().map(|e| format!(".{e}")).collect();
        r.error(
            &span,
            format!(
                "`{key}` in [brand] = {path:?} is not a {} file",
                kinds.join(" or ")
            ),
            format!("use a {} file, like {example}", kinds.join(" or ")),
        );
        return None;
    }
    Some(Asset::new(&path, line_of(r, &span)))
}

/// Why `path` cannot name a file inside the site, or `Ok`.
fn site_path(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("is empty");
    }
    if path.starts_with('/') || path.contains('\\') || path.contains(':') {
        return Err("is not a relative path with `/` separators");
    }
    if path.chars().any(|c| {
        c.is_control() || matches!(c, ' ' | '"' | '<' | '>' | '?' | '#' | '%' | '\'' | '`')
    }) {
        return Err("contains characters that do not belong in a file name of a web site");
    }
    if path
        .split('/')
        .any(|p| p.is_empty() || p == "." || p == "..")
    {
        return Err("has an empty, `.` or `..` part; it must lead to a file inside the site");
    }
    Ok(())
}

fn colour(
    r: &mut Reader<'_>,
    b: &DeTable<'_>,
    key: &str,
    backgrounds: &[(&str, &str)],
    scheme: &str,
) -> Option<String> {
    let v = Reader::get(b, key)?;
    let text = r.opt_str(b, key)?;
    let Some(c) = contrast::parse_hex(text.trim()) else {
        r.error(
            &v.span(),
            format!("`{key}` in [brand] = {text:?} is not a colour"),
            format!("write it as a hex colour: {key} = \"#0a5fb4\""),
        );
        return None;
    };
    let hex = contrast::to_hex(c);
    let worst = backgrounds
        .iter()
        .map(|(name, bg)| {
            let bg = contrast::parse_hex(bg).unwrap_or([255, 255, 255]);
            (contrast::ratio(c, bg), *name, bg)
        })
        .min_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((ratio, name, bg)) = worst
        && ratio < AA_TEXT
    {
        r.error(
            &v.span(),
            format!(
                "brand.{key} {hex} has contrast {} against the {scheme} scheme's {name} {}; WCAG AA needs 4.5:1",
                contrast::format_ratio(ratio),
                contrast::to_hex(bg),
            ),
            format!(
                "links and highlights are drawn in this colour on the theme's {scheme} backgrounds ({}): pick a {} shade",
                backgrounds
                    .iter()
                    .map(|(_, c)| *c)
                    .collect::<Vec<_>>()
                    .join(", "),
                if scheme == "light" { "darker" } else { "lighter" }
            ),
        );
        return None;
    }
    Some(hex)
}

fn links(r: &mut Reader<'_>, b: &DeTable<'_>) -> Vec<BrandLink> {
    let mut out = Vec::new();
    let Some(v) = Reader::get(b, "links") else {
        return out;
    };
    let Some(items) = v.get_ref().as_array() else {
        r.error(
            &v.span(),
            "`links` in [brand] must be an array of tables",
            "declare each link as:\n[[brand.links]]\nlabel = \"Support\"\nurl = \"https://acme.example/support\"",
        );
        return out;
    };
    for item in items.iter() {
        let span = item.span();
        let Some(l) = item.get_ref().as_table() else {
            r.error(
                &span,
                "each of [brand]'s `links` must be a table",
                "use [[brand.links]] sections with `label` and `url`",
            );
            continue;
        };
        r.deny_unknown(l, LINK_KEYS, "a [[brand.links]] entry");
        let label = r.req_str(l, &span, "label", "a [[brand.links]] entry");
        let url = r.req_str(l, &span, "url", "a [[brand.links]] entry");
        let (Some(label), Some(url)) = (label, url) else {
            continue;
        };
        let url = url.trim().to_string();
        if let Err(why) = link_url(&url) {
            let at = Reader::get(l, "url").map(|v| v.span()).unwrap_or(span);
            r.error(
                &at,
                format!("link URL {url:?} {why}"),
                "write an absolute https:// URL or a mailto: address, like url = \"https://acme.example/support\"",
            );
            continue;
        }
        out.push(BrandLink {
            label: label.trim().to_string(),
            url,
        });
    }
    out
}

/// Why `url` cannot be a header link, or `Ok`.
fn link_url(url: &str) -> Result<(), String> {
    if let Some(address) = url.strip_prefix("mailto:") {
        let ok = address
            .split_once('@')
            .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
            && !address
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"'));
        return if ok {
            Ok(())
        } else {
            Err("is not a mailto: address like mailto:support@acme.example".into())
        };
    }
    // The base URL's rules, except that a link may carry a query or fragment.
    let (head, _) = url.split_at(url.find(['?', '#']).unwrap_or(url.len()));
    crate::base_url::check(head)?;
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains spaces or control characters".into());
    }
    Ok(())
}

pub fn parse_announcement(r: &mut Reader<'_>, t: &DeTable<'_>) -> Option<Announcement> {
    let v = Reader::get(t, "announcement")?;
    let span = v.span();
    let Some(a) = v.get_ref().as_table() else {
        r.error(
            &span,
            "`announcement` must be a table",
            "write it as an [announcement] section with `text`",
        );
        return None;
    };
    r.deny_unknown(a, ANNOUNCEMENT_KEYS, "[announcement]");
    let text = r.req_str(a, &span, "text", "[announcement]");
    let words: Vec<&str> = AnnouncementLevel::ALL.iter().map(|l| l.as_str()).collect();
    let level = r
        .opt_word(
            a,
            "level",
            |s| AnnouncementLevel::ALL.into_iter().find(|l| l.as_str() == s),
            &words,
        )
        .unwrap_or(AnnouncementLevel::Info);
    let expires = r.opt_datetime(a, "expires");
    let line = line_of(r, &span);
    Some(Announcement {
        text: text?.trim().to_string(),
        level,
        expires,
        line,
    })
}

/// Reads the files `[brand]` names, through the root boundary, and checks that each is
/// what its extension says and small enough to load on every page view.
pub fn read_assets(root: &Path, brand: &mut Brand, file: &str, diags: &mut Vec<Diagnostic>) {
    let canon = boundary::canonical_root(root);
    let mut read = |asset: &mut Asset| {
        let error = |msg: String, help: &str| {
            Diagnostic::error(file, asset.line, 1, msg).with_help(help.to_string())
        };
        let bytes = match boundary::read(&canon, &root.join(&asset.source)) {
            Ok(b) => b,
            Err(boundary::Refusal::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                diags.push(error(
                    format!("{} does not exist", asset.source),
                    "put the file in the site folder, or fix the path (it is relative to the folder of site.toml)",
                ));
                return;
            }
            Err(refusal) => {
                diags.push(error(format!("{} {refusal}", asset.source), refusal.help()));
                return;
            }
        };
        if bytes.len() > MAX_ASSET_BYTES {
            diags.push(error(
                format!(
                    "{} is {} KiB; branding files over {} KiB are refused",
                    asset.source,
                    bytes.len() / 1024,
                    MAX_ASSET_BYTES / 1024
                ),
                "every page loads it: optimise it (svgo, oxipng) or scale it down to the size it is shown at",
            ));
            return;
        }
        if let Err(why) = content_matches(&asset.source, &bytes) {
            diags.push(error(
                format!("{} {why}", asset.source),
                "export the file again in the format its name says",
            ));
            return;
        }
        asset.bytes = Arc::from(bytes);
    };
    if let Some(logo) = &mut brand.logo {
        read(&mut logo.light);
        if let Some(dark) = &mut logo.dark {
            read(dark);
        }
    }
    if let Some(css) = &mut brand.stylesheet {
        read(css);
    }
}

/// Whether the bytes are what the file name's extension says.
fn content_matches(name: &str, bytes: &[u8]) -> Result<(), &'static str> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "png" if bytes.starts_with(b"\x89PNG\r\n\x1a\n") => Ok(()),
        "png" => Err("is not a PNG image"),
        "svg" => {
            let text = std::str::from_utf8(bytes).map_err(|_| "is not UTF-8 SVG text")?;
            if text.contains("<svg") {
                Ok(())
            } else {
                Err("is not an SVG image (no <svg> element)")
            }
        }
        "css" => std::str::from_utf8(bytes)
            .map(|_| ())
            .map_err(|_| "is not UTF-8 text"),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::config;

    fn parse(extra: &str) -> (crate::site::Config, Vec<Diagnostic>) {
        let text = format!(
            "title = \"A\"\nbase_url = \"https://a.example/\"\ntimezone = \"Europe/Berlin\"\n[[components]]\nid = \"api\"\nname = \"API\"\n{extra}"
        );
        let mut d = Vec::new();
        let c = config::parse(&text, &mut d).expect("config");
        (c, d)
    }

    #[test]
    fn reads_a_full_brand() {
        let (c, d) = parse(
            "[brand]\nlogo = \"brand/logo.svg\"\nlogo_dark = \"brand/logo-dark.png\"\nlogo_alt = \"Acme\"\naccent = \"#0A5FB4\"\naccent_dark = \"#7cb8ff\"\nfooter = \"© Acme\"\nstylesheet = \"brand/extra.css\"\n[[brand.links]]\nlabel = \"Support\"\nurl = \"https://acme.example/support?x=1\"\n[[brand.links]]\nlabel = \"Contact\"\nurl = \"mailto:help@acme.example\"\n",
        );
        assert!(d.is_empty(), "{d:#?}");
        let b = &c.brand;
        assert_eq!(b.accent.as_deref(), Some("#0a5fb4"));
        assert_eq!(b.accent_dark.as_deref(), Some("#7cb8ff"));
        let logo = b.logo.as_ref().expect("logo");
        assert_eq!(
            (logo.light.source.as_str(), logo.light.line),
            ("brand/logo.svg", 8)
        );
        assert_eq!(logo.alt, "Acme");
        assert_eq!(b.links.len(), 2);
        assert_eq!(b.assets().count(), 3);
    }

    #[test]
    fn refuses_low_contrast_with_the_ratio() {
        let (c, d) = parse("[brand]\naccent = \"#ffd400\"\naccent_dark = \"#0550ae\"\n");
        assert_eq!(c.brand.accent, None);
        let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "brand.accent #ffd400 has contrast 1.34:1 against the light scheme's background #f6f8fa; WCAG AA needs 4.5:1",
                "brand.accent_dark #0550ae has contrast 2.27:1 against the dark scheme's surface #161b22; WCAG AA needs 4.5:1",
            ],
            "{d:#?}"
        );
        assert_eq!(d[0].line, 8);
    }

    #[test]
    fn reports_every_brand_problem() {
        let (_, d) = parse(
            "[brand]\nlogo = \"../logo.svg\"\nlogo_alt = \"A\"\nacent = \"#000\"\nstylesheet = \"x.js\"\naccent = \"blue\"\n[[brand.links]]\nlabel = \"X\"\nurl = \"javascript:alert(1)\"\n[announcement]\ntext = \"hi\"\nlevel = \"warn\"\nexpires = \"tomorrow\"\n",
        );
        let mut lines: Vec<usize> = d.iter().map(|d| d.line).collect();
        lines.sort();
        assert_eq!(lines, vec![8, 10, 11, 12, 15, 18, 19], "{d:#?}");
        assert!(
            d[0].help
                .as_deref()
                .unwrap_or("")
                .contains("did you mean `accent`")
        );
    }

    #[test]
    fn announcement_times_are_read_in_the_site_timezone() {
        let (c, d) =
            parse("[announcement]\ntext = \"Planned work\"\nexpires = 2026-12-01T02:00:00\n");
        assert!(d.is_empty(), "{d:#?}");
        let a = c.announcement.expect("announcement");
        assert_eq!(a.level, AnnouncementLevel::Info);
        assert_eq!(
            a.expires.map(|e| e.to_rfc3339()).as_deref(),
            Some("2026-12-01T01:00:00+00:00")
        );
    }

    #[test]
    fn link_urls() {
        for ok in [
            "https://acme.example/",
            "https://acme.example/help?topic=a#b",
            "mailto:help@acme.example",
        ] {
            assert!(link_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "//evil.example",
            "mailto:nobody",
            "https://",
            "https://a b",
            "ftp://x",
        ] {
            assert!(link_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn theme_backgrounds_match_the_stylesheet() {
        let css = include_str!("../../themes/default/static/style.css");
        let (light, dark) = css
            .split_once("prefers-color-scheme: dark")
            .expect("dark block");
        for (name, colours, part) in [
            ("light", LIGHT_BACKGROUNDS, light),
            ("dark", DARK_BACKGROUNDS, dark),
        ] {
            let var = |v: &str| {
                let at = part.find(&format!("--{v}: ")).expect(v) + v.len() + 4;
                part[at..at + 7].to_string()
            };
            assert_eq!(colours[0].1, var("bg"), "{name} --bg");
            assert_eq!(colours[1].1, var("surface"), "{name} --surface");
        }
    }
}
