//! `[postmortem.templates.NAME]` in `site.toml`: a team's own post-mortem templates.
//!
//! ```toml
//! [postmortem.templates.blameless]
//! description = "Our blameless review"        # optional, shown by `new --help` and docs
//! sections = ["Summary", "Leadup", "Impact", "Detection", "Root cause", "Corrective actions"]
//!
//! [postmortem.templates.blameless.synonyms]    # optional: the team's other headings
//! "Root cause" = ["Five whys"]
//! ```

use toml::de::DeTable;

use crate::load::reader::{Reader, closest};
use crate::sections;
use crate::site::{TeamSection, TeamTemplate};
use crate::vocabulary::{TemplateKind, one_of};

const KEYS: &[&str] = &["description", "sections", "synonyms"];

/// Reads the `templates` table of `[postmortem]`; every problem is reported at once.
pub fn parse(r: &mut Reader, postmortem: &DeTable<'_>) -> Vec<TeamTemplate> {
    let Some(v) = Reader::get(postmortem, "templates") else {
        return Vec::new();
    };
    let Some(tab) = v.get_ref().as_table() else {
        r.error(
            &v.span(),
            "`templates` in [postmortem] must be a table",
            "declare each template as a [postmortem.templates.NAME] section",
        );
        return Vec::new();
    };
    let builtin: Vec<&str> = TemplateKind::ALL.iter().map(|k| k.as_str()).collect();
    let mut out = Vec::new();
    for (k, v) in tab.iter() {
        let name: &str = k.get_ref();
        let what = format!("[postmortem.templates.{name}]");
        if builtin.contains(&name) {
            r.error(
                &k.span(),
                format!("team template \"{name}\" has the name of a built-in template"),
                format!(
                    "give it another name (the built-in ones are {}), e.g. \"team-{name}\"",
                    one_of(&builtin)
                ),
            );
            continue;
        }
        if !crate::load::slug::is_valid(name) {
            r.error(
                &k.span(),
                format!("team template name \"{name}\" may only use a-z, 0-9 and -"),
                format!(
                    "use a name like \"{}\"",
                    crate::load::slug::from_file_stem(name)
                ),
            );
            continue;
        }
        let Some(t) = v.get_ref().as_table() else {
            r.error(
                &v.span(),
                format!("{what} must be a table"),
                format!("write it as a {what} section with sections = [\"Summary\", ...]"),
            );
            continue;
        };
        r.deny_unknown(t, KEYS, &what);
        let description = r.opt_str(t, "description");
        let Some(list) = Reader::get(t, "sections") else {
            r.error(
                &k.span(),
                format!("{what} has no `sections`"),
                "add: sections = [\"Summary\", \"Timeline\", \"Root cause\", \"Impact\", \"Corrective actions\"]",
            );
            continue;
        };
        let Some(items) = list.get_ref().as_array() else {
            r.error(
                &list.span(),
                format!("`sections` of {what} must be a list of headings"),
                "write it like: sections = [\"Summary\", \"Timeline\"]",
            );
            continue;
        };
        let mut secs: Vec<TeamSection> = Vec::new();
        for item in items.iter() {
            match item.get_ref().as_str() {
                Some(h) if !sections::words(h).is_empty() => {
                    if secs
                        .iter()
                        .any(|s| sections::words(&s.heading) == sections::words(h))
                    {
                        r.error(
                            &item.span(),
                            format!("section \"{h}\" is listed twice in {what}"),
                            "list each required section once",
                        );
                    } else {
                        secs.push(TeamSection {
                            heading: h.trim().to_string(),
                            also: Vec::new(),
                        });
                    }
                }
                _ => r.error(
                    &item.span(),
                    format!("each of `sections` in {what} must be a heading with words"),
                    "write the heading as a string, like \"Root cause\"",
                ),
            }
        }
        if secs.is_empty() {
            if items.iter().next().is_none() {
                r.error(
                    &list.span(),
                    format!("{what} requires no sections"),
                    "list the headings a post-mortem written with it must have, like sections = [\"Summary\", \"Timeline\"]",
                );
            }
            continue;
        }
        if let Some(syn) = Reader::get(t, "synonyms") {
            synonyms(r, syn, &what, &mut secs);
        }
        let (line, _) = r.position(&k.span());
        out.push(TeamTemplate {
            name: name.to_string(),
            description,
            sections: secs,
            line,
        });
    }
    out
}

/// `[postmortem.templates.NAME.synonyms]`: `"Heading" = ["Other", ...]` for listed sections.
fn synonyms(
    r: &mut Reader,
    v: &crate::load::reader::Value<'_>,
    what: &str,
    secs: &mut [TeamSection],
) {
    let Some(tab) = v.get_ref().as_table() else {
        r.error(
            &v.span(),
            format!("`synonyms` of {what} must be a table"),
            format!(
                "write it as a {}.synonyms] section: \"Root cause\" = [\"Five whys\"]",
                what.trim_end_matches(']')
            ),
        );
        return;
    };
    let headings: Vec<String> = secs.iter().map(|s| s.heading.clone()).collect();
    for (k, v) in tab.iter() {
        let key: &str = k.get_ref();
        let Some(sec) = secs
            .iter_mut()
            .find(|s| sections::words(&s.heading) == sections::words(key))
        else {
            let names: Vec<&str> = headings.iter().map(String::as_str).collect();
            let hint = match closest(key, &names) {
                Some(c) => format!("did you mean \"{c}\"? "),
                None => String::new(),
            };
            r.error(
                &k.span(),
                format!("synonyms for \"{key}\", which is not one of the `sections` of {what}"),
                format!("{hint}name one of: {}", names.join(", ")),
            );
            continue;
        };
        let list = v.get_ref().as_array();
        let words: Option<Vec<String>> = list.and_then(|l| {
            l.iter()
                .map(|i| i.get_ref().as_str().map(str::to_string))
                .collect()
        });
        match words {
            Some(w) if !w.is_empty() && w.iter().all(|s| !sections::words(s).is_empty()) => {
                sec.also = w;
            }
            _ => r.error(
                &v.span(),
                format!("synonyms for \"{key}\" in {what} must be a non-empty list of headings"),
                format!("write it like: \"{key}\" = [\"Other heading\"]"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::Diagnostic;

    fn read(extra: &str) -> (Option<crate::site::Config>, Vec<Diagnostic>) {
        let text = format!(
            "title = \"T\"\nbase_url = \"https://x.test/\"\n[[components]]\nid = \"api\"\nname = \"API\"\n{extra}"
        );
        let mut diags = Vec::new();
        let c = crate::load::config::parse(Box::leak(text.into_boxed_str()), &mut diags);
        (c, diags)
    }

    #[test]
    fn a_team_template_is_read_with_its_synonyms() {
        let (c, d) = read(
            "[postmortem.templates.blameless]\ndescription = \"Ours\"\nsections = [\"Summary\", \"Leadup\", \"Root cause\"]\n[postmortem.templates.blameless.synonyms]\n\"Root cause\" = [\"Five whys\"]\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let t = &c.unwrap().postmortem.templates[0];
        assert_eq!(t.name, "blameless");
        assert_eq!(t.line, 6);
        assert_eq!(t.description.as_deref(), Some("Ours"));
        assert_eq!(t.sections.len(), 3);
        assert_eq!(t.sections[2].also, ["Five whys"]);
    }

    #[test]
    fn bad_templates_are_reported_with_lines() {
        let (_, d) = read(
            "[postmortem.templates.incident]\nsections = [\"Summary\"]\n[postmortem.templates.empty]\nsections = []\n[postmortem.templates.nosec]\ndescription = \"x\"\n[postmortem.templates.syn]\nsections = [\"Summary\", \"Summary\"]\nextra = 1\n[postmortem.templates.syn.synonyms]\n\"Sumary\" = [\"Overview\"]\n",
        );
        let got: Vec<(usize, &str)> = d.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert!(
            got.contains(&(
                6,
                "team template \"incident\" has the name of a built-in template"
            )),
            "{got:?}"
        );
        assert!(
            got.contains(&(9, "[postmortem.templates.empty] requires no sections")),
            "{got:?}"
        );
        assert!(
            got.contains(&(10, "[postmortem.templates.nosec] has no `sections`")),
            "{got:?}"
        );
        assert!(
            got.iter()
                .any(|(l, m)| *l == 13 && m.contains("listed twice")),
            "{got:?}"
        );
        assert!(
            got.iter()
                .any(|(l, m)| *l == 14 && m.contains("unknown key `extra`")),
            "{got:?}"
        );
        assert!(
            got.iter()
                .any(|(l, m)| *l == 16 && m.contains("not one of the `sections`")),
            "{got:?}"
        );
        let help = d
            .iter()
            .find(|d| d.line == 16)
            .and_then(|d| d.help.clone())
            .unwrap_or_default();
        assert!(help.contains("did you mean \"Summary\""), "{help}");
    }
}
