//! `site.toml`: the site's configuration.

use std::collections::HashSet;

use chrono_tz::Tz;

use crate::diag::Diagnostic;
use crate::load::reader::Reader;
use crate::site::{ChecksConfig, Component, Config, FeedsConfig, PostmortemConfig, UptimeConfig};

pub const FILE: &str = "site.toml";

const TOP_KEYS: &[&str] = &[
    "title",
    "base_url",
    "description",
    "timezone",
    "language",
    "theme",
    "uptime",
    "feeds",
    "postmortem",
    "components",
    "notify",
    "brand",
    "announcement",
    "checks",
];
const UPTIME_KEYS: &[&str] = &["days", "slo", "partial_outage_weight", "count_maintenance"];
const COMPONENT_KEYS: &[&str] = &["id", "name", "group", "description", "slo", "since"];

/// Reads `site.toml`. Returns a config even when there were problems (with defaults in
/// their place) so content can still be checked; the diagnostics say what was wrong.
pub fn parse(text: &str, diags: &mut Vec<Diagnostic>) -> Option<Config> {
    let mut r = Reader::new(FILE, text, 0, Tz::UTC, diags);
    let doc = r.parse(text)?;
    let span = doc.span();
    let t = doc.get_ref();
    r.deny_unknown(t, TOP_KEYS, "site.toml");

    let title = r
        .req_str(t, &span, "title", "site.toml")
        .unwrap_or_default();
    let base_url = match Reader::get(t, "base_url") {
        None => {
            r.error(
                &(0..0),
                "site.toml is missing required key `base_url`",
                "add: base_url = \"https://status.example.com/\" (the address the site is published at)",
            );
            "http://localhost/".to_string()
        }
        Some(v) => {
            let s = r.opt_str(t, "base_url").unwrap_or_default();
            match crate::base_url::check(&s) {
                Ok(()) => s,
                Err(why) => {
                    r.error(
                        &v.span(),
                        format!("`base_url` = {s:?} {why}"),
                        "write it like: base_url = \"https://acme.github.io/status/\"",
                    );
                    "http://localhost/".to_string()
                }
            }
        }
    };
    let description = r.opt_str(t, "description").unwrap_or_default();
    let timezone = match Reader::get(t, "timezone") {
        None => Tz::UTC,
        Some(v) => {
            let name = r.opt_str(t, "timezone").unwrap_or_else(|| "UTC".into());
            match name.parse::<Tz>() {
                Ok(tz) => tz,
                Err(_) => {
                    r.error(
                        &v.span(),
                        format!("`timezone` = \"{name}\" is not an IANA timezone name"),
                        "use a name like \"Europe/Berlin\", \"America/New_York\" or \"UTC\"",
                    );
                    Tz::UTC
                }
            }
        }
    };
    let language = match Reader::get(t, "language") {
        None => "en".to_string(),
        Some(v) => {
            let lang = r.opt_str(t, "language").unwrap_or_else(|| "en".into());
            if is_language_tag(&lang) && crate::i18n::catalog_for(&lang).is_some() {
                lang
            } else if is_language_tag(&lang) {
                r.error(
                    &v.span(),
                    format!("`language` = {lang:?} has no interface catalog"),
                    format!(
                        "use one of the shipped languages: {} (a regional tag such as \"de-AT\" uses its language's catalog); docs/i18n.md tells how to add one",
                        crate::i18n::shipped_list()
                    ),
                );
                "en".to_string()
            } else {
                r.error(
                    &v.span(),
                    format!("`language` = {lang:?} is not a language tag"),
                    "write a BCP 47 tag such as \"en\", \"de\" or \"pt-BR\" (letters and digits in parts of 1 to 8, joined by `-`)",
                );
                "en".to_string()
            }
        }
    };
    let theme = r.opt_str(t, "theme").unwrap_or_else(|| "default".into());

    let mut uptime = UptimeConfig::default();
    if let Some(u) = table(&mut r, t, "uptime") {
        r.deny_unknown(u, UPTIME_KEYS, "[uptime]");
        uptime.days = r
            .opt_u64(u, "days", 1, 3660)
            .map(|d| d as u32)
            .unwrap_or(uptime.days);
        uptime.slo = r.opt_f64(u, "slo", 0.0, 100.0).unwrap_or(uptime.slo);
        uptime.partial_outage_weight = r
            .opt_f64(u, "partial_outage_weight", 0.0, 1.0)
            .unwrap_or(uptime.partial_outage_weight);
        uptime.count_maintenance = r
            .opt_bool(u, "count_maintenance")
            .unwrap_or(uptime.count_maintenance);
    }
    let mut feeds = FeedsConfig::default();
    if let Some(f) = table(&mut r, t, "feeds") {
        r.deny_unknown(f, &["limit"], "[feeds]");
        feeds.limit = r
            .opt_u64(f, "limit", 1, 100_000)
            .map(|n| n as usize)
            .unwrap_or(feeds.limit);
    }
    let mut postmortem = PostmortemConfig::default();
    if let Some(p) = table(&mut r, t, "postmortem") {
        r.deny_unknown(p, &["due_hours", "templates"], "[postmortem]");
        postmortem.due_hours = r
            .opt_u64(p, "due_hours", 0, 100_000)
            .map(|n| n as u32)
            .unwrap_or(postmortem.due_hours);
        postmortem.templates = crate::load::templates::parse(&mut r, p);
    }
    let mut checks = ChecksConfig::default();
    if let Some(c) = table(&mut r, t, "checks") {
        r.deny_unknown(c, &["gap_factor", "undeclared_minutes"], "[checks]");
        checks.gap_factor = r
            .opt_f64(c, "gap_factor", 1.0, 1000.0)
            .unwrap_or(checks.gap_factor);
        checks.undeclared_minutes = r
            .opt_f64(c, "undeclared_minutes", 0.0, 1_000_000.0)
            .unwrap_or(checks.undeclared_minutes);
    }

    let mut components = Vec::new();
    let mut seen = HashSet::new();
    if let Some(v) = Reader::get(t, "components") {
        match v.get_ref().as_array() {
            None => r.error(
                &v.span(),
                "`components` must be an array of tables",
                "declare each component with a [[components]] section",
            ),
            Some(items) => {
                for item in items.iter() {
                    let Some(c) = item.get_ref().as_table() else {
                        r.error(
                            &item.span(),
                            "each component must be a table",
                            "use [[components]] sections",
                        );
                        continue;
                    };
                    let span = item.span();
                    r.deny_unknown(c, COMPONENT_KEYS, "a [[components]] entry");
                    let id = r.req_str(c, &span, "id", "a [[components]] entry");
                    let name = r.req_str(c, &span, "name", "a [[components]] entry");
                    let group = r.opt_str(c, "group");
                    let description = r.opt_str(c, "description");
                    let slo = r.opt_f64(c, "slo", 0.0, 100.0);
                    let since = r.opt_date(c, "since");
                    let (Some(id), Some(name)) = (id, name) else {
                        continue;
                    };
                    let id_span = Reader::get(c, "id")
                        .map(|v| v.span())
                        .unwrap_or(span.clone());
                    if !crate::load::slug::is_valid(&id) {
                        r.error(
                            &id_span,
                            format!("component id \"{id}\" may only use a-z, 0-9 and -"),
                            format!(
                                "use an id like \"{}\"",
                                crate::load::slug::from_file_stem(&id)
                            ),
                        );
                        continue;
                    }
                    if !seen.insert(id.clone()) {
                        r.error(
                            &id_span,
                            format!("component id \"{id}\" is used twice"),
                            "give every component its own id",
                        );
                        continue;
                    }
                    components.push(Component {
                        id,
                        name,
                        group,
                        description,
                        slo: slo.unwrap_or(uptime.slo),
                        since,
                        position: components.len(),
                    });
                }
            }
        }
    }
    let notify = crate::load::notify::parse(&mut r, t, &components);
    let brand = crate::load::brand::parse_brand(&mut r, t);
    // An announcement's `expires` without an offset is read in the site's timezone.
    r.tz = timezone;
    let announcement = crate::load::brand::parse_announcement(&mut r, t);
    if components.is_empty() && !r.diags.iter().any(|d| d.file == FILE) {
        r.error(
            &(0..0),
            "site.toml declares no components",
            "add at least one:\n[[components]]\nid = \"api\"\nname = \"Public API\"",
        );
    }

    Some(Config {
        title,
        base_url: crate::base_url::normalize(&base_url),
        description,
        timezone,
        language,
        i18n: Vec::new(),
        theme,
        uptime,
        feeds,
        postmortem,
        components,
        notify,
        brand,
        announcement,
        checks,
    })
}

fn table<'t, 'a>(
    r: &mut Reader<'a>,
    t: &'t toml::de::DeTable<'a>,
    key: &str,
) -> Option<&'t toml::de::DeTable<'a>> {
    let v = Reader::get(t, key)?;
    match v.get_ref().as_table() {
        Some(tab) => Some(tab),
        None => {
            r.error(
                &v.span(),
                format!("`{key}` must be a table"),
                format!("write it as a [{key}] section"),
            );
            None
        }
    }
}

/// A BCP 47 language tag's shape (`en`, `pt-BR`, `zh-Hant-TW`): it goes into `lang`
/// and `xml:lang` attributes, so nothing else may pass.
fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=8).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        for ok in ["en", "de", "pt-BR", "zh-Hant-TW", "es-419"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in [
            "",
            "e",
            "en_US",
            "en-",
            "\"><script>",
            "en US",
            "toolonglang",
            "en-123456789",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    const GOOD: &str = r#"
title = "Acme Status"
base_url = "https://acme.github.io/status"
timezone = "Europe/Berlin"

[uptime]
slo = 99.5

[[components]]
id = "api"
name = "Public API"
slo = 99.95
since = 2025-01-01

[[components]]
id = "web"
name = "Website"
"#;

    #[test]
    fn reads_a_good_config_with_defaults() {
        let mut d = Vec::new();
        let c = parse(GOOD, &mut d).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.base_url, "https://acme.github.io/status/");
        assert_eq!(c.timezone, chrono_tz::Europe::Berlin);
        assert_eq!(c.uptime.days, 90);
        assert_eq!(c.components[0].slo, 99.95);
        assert_eq!(c.components[1].slo, 99.5);
        assert_eq!(c.feeds.limit, 50);
        assert_eq!(c.postmortem.due_hours, 72);
    }

    #[test]
    fn reports_every_problem() {
        let text = "title = \"x\"\nbase_url = \"ftp://x\"\ntimezone = \"Mars/Base\"\ncolour = 1\n[uptime]\nslo = 120\n[[components]]\nid = \"API!\"\nname = \"a\"\n";
        let mut d = Vec::new();
        parse(text, &mut d);
        let lines: Vec<usize> = d.iter().map(|d| d.line).collect();
        assert_eq!(lines, vec![4, 2, 3, 6, 8], "{d:#?}");
    }
}
