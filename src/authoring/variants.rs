//! The five post-mortem variants (`POSTMORTEM.md`): what each is for, the sections it
//! requires, and the one-line prompt `statusgen new` writes under each heading.

use crate::sections;
use crate::site::{PostmortemConfig, Template};
use crate::vocabulary::TemplateKind;

/// A required section of a post-mortem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// The heading `statusgen new` writes and `check` names when it is missing.
    pub heading: &'static str,
    /// Other headings that satisfy the requirement (matched as forgivingly as `heading`).
    pub aliases: &'static [&'static str],
    /// What belongs in the section, in one line.
    pub prompt: &'static str,
}

const fn s(heading: &'static str, prompt: &'static str) -> Section {
    Section {
        heading,
        aliases: &[],
        prompt,
    }
}

const SUMMARY: Section = s(
    "Summary",
    "When it started and ended, what was affected, and the impact in one line.",
);
const INCIDENT_OVERVIEW: Section = Section {
    heading: "Summary",
    aliases: &["Incident overview"],
    prompt: "Incident overview: when it started and ended, what was affected, the impact in one line.",
};
const TIMELINE: Section = s(
    "Timeline",
    "Timestamped key events from detection to recovery: alert, escalation, root cause found, fix, recovery confirmed (a | Time | Event | table).",
);
const ROOT_CAUSE: Section = s(
    "Root cause",
    "The primary trigger, then the conditions that made it worse (contributing factors).",
);
const IMPACT: Section = s(
    "Impact",
    "Users or share of users affected, for how long, failed requests or transactions, SLA/SLO breaches.",
);
const LESSONS: Section = Section {
    heading: "Lessons learned",
    aliases: &["Lessons learnt"],
    prompt: "What went well, what went badly, where we got lucky.",
};
const DETECTION: Section = Section {
    heading: "Detection and response",
    aliases: &["Detection"],
    prompt: "Detected by monitoring or by users? Were alerts actionable? Did escalation work?",
};
const RESOLUTION: Section = s(
    "Resolution",
    "What fixed it, who applied the fix, and how recovery was confirmed.",
);
const CORRECTIVE: Section = s(
    "Corrective actions",
    "Each action with an owner and a due date; list them as [[actions]] in the front matter too.",
);

const LIGHTWEIGHT: &[Section] = &[
    SUMMARY,
    TIMELINE,
    ROOT_CAUSE,
    IMPACT,
    Section {
        heading: "Actions taken",
        aliases: &["Corrective actions"],
        prompt: "What was done to fix it and what will stop it from happening again.",
    },
    LESSONS,
];

const INCIDENT: &[Section] = &[
    INCIDENT_OVERVIEW,
    TIMELINE,
    DETECTION,
    ROOT_CAUSE,
    IMPACT,
    RESOLUTION,
    CORRECTIVE,
    LESSONS,
];

const LAUNCH: &[Section] = &[
    s(
        "Project overview",
        "The goals of the launch or migration against the results achieved.",
    ),
    s(
        "Challenges",
        "What went wrong or was harder than planned, and why.",
    ),
    s(
        "Highlights",
        "What went well and is worth repeating next time.",
    ),
    s(
        "Post-project tasks",
        "Follow-up work, each with an owner and a due date.",
    ),
];

const STATUS_PAGE: &[Section] = &[
    s(
        "Summary",
        "In plain words for customers: what happened, when, and which services were affected.",
    ),
    s(
        "Timeline",
        "Key moments customers noticed, in the site's timezone: impact began, we responded, service restored.",
    ),
    s(
        "Root cause",
        "The cause in non-technical terms, without blaming people.",
    ),
    s(
        "Resolution and prevention",
        "How we fixed it and what we are changing so it does not happen again.",
    ),
    s(
        "Customer message",
        "Our message to customers: an apology, what they may need to do, and where to get help.",
    ),
];

const REGULATED: &[Section] = &[
    INCIDENT_OVERVIEW,
    TIMELINE,
    DETECTION,
    ROOT_CAUSE,
    IMPACT,
    RESOLUTION,
    CORRECTIVE,
    LESSONS,
    s(
        "Compliance notes",
        "Regulations and obligations concerned, notifications made to regulators or customers and when.",
    ),
    s(
        "Evidence log",
        "Where logs, screenshots and records of the incident are kept, and who holds them.",
    ),
    s(
        "Audit trail",
        "Who did what and when during the response, including approvals for changes.",
    ),
    s(
        "Risk re-assessment",
        "How this incident changes the risk register: likelihood, impact and controls.",
    ),
];

/// The sections a variant requires, in the order `statusgen new` writes them.
pub fn sections(kind: TemplateKind) -> &'static [Section] {
    match kind {
        TemplateKind::Lightweight => LIGHTWEIGHT,
        TemplateKind::Incident => INCIDENT,
        TemplateKind::Launch => LAUNCH,
        TemplateKind::StatusPage => STATUS_PAGE,
        TemplateKind::Regulated => REGULATED,
    }
}

/// What a variant is for, in one line (for `--help` and the writers' guide).
pub fn purpose(kind: TemplateKind) -> &'static str {
    match kind {
        TemplateKind::Lightweight => "small issues and near misses",
        TemplateKind::Incident => "major outages and SLA/SLO breaches (the default)",
        TemplateKind::Launch => "product launches, migrations and big releases",
        TemplateKind::StatusPage => "the customer-facing version of an incident",
        TemplateKind::Regulated => {
            "fintech, health and transport: the incident sections plus compliance records"
        }
    }
}

/// True when `heading` satisfies `section`: one of its names or their synonyms
/// ([`crate::sections`]) appears in the heading, ignoring case, punctuation, numbering and
/// a leading emoji; extra words around it are allowed.
pub fn heading_matches(heading: &str, section: &Section) -> bool {
    sections::heading_satisfies(
        heading,
        &sections::accepted_names(section.heading, section.aliases),
    )
}

/// The required sections of `kind` that none of `headings` satisfies.
pub fn missing<'h>(
    kind: TemplateKind,
    headings: impl IntoIterator<Item = &'h str> + Clone,
) -> Vec<&'static Section> {
    sections(kind)
        .iter()
        .filter(|sec| {
            !headings
                .clone()
                .into_iter()
                .any(|h| heading_matches(h, sec))
        })
        .collect()
}

/// A section a template requires, whether the template is built in or the team's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Required<'a> {
    /// The heading `new` writes and `check` names.
    pub heading: &'a str,
    /// Every heading text that satisfies it: its own, the template's extra names, and
    /// the synonym groups of [`crate::sections::TABLE`] they belong to.
    pub names: Vec<&'a str>,
    /// What belongs in it, in one line.
    pub prompt: &'a str,
}

impl Required<'_> {
    pub fn satisfied_by(&self, heading: &str) -> bool {
        sections::heading_satisfies(heading, &self.names)
    }
}

/// Prompts for the parts of standard sections that team templates list on their own.
const PART_PROMPTS: &[(&str, &str)] = &[
    (
        "Leadup",
        "The changes and events that led up to the incident.",
    ),
    ("Fault", "What failed, and how it failed."),
    (
        "Detection",
        "How and when we noticed: monitoring or users? Was the alert actionable?",
    ),
    (
        "Response",
        "Who responded, how escalation went, and what slowed us down.",
    ),
    (
        "Recovery",
        "How service was restored and how recovery was confirmed.",
    ),
    ("What went well", "What worked and is worth keeping."),
    ("What went wrong", "What failed or slowed the response."),
    (
        "Where we got lucky",
        "What limited the damage by chance rather than by design.",
    ),
    (
        "What can be improved",
        "What we would do differently next time.",
    ),
    ("Contributing factors", "The conditions that made it worse."),
];

/// The prompt for a heading of a team template: the built-in variants' prompt for the
/// same section (by name or synonym) or for that part of one, else a generic one.
fn prompt_for(heading: &str) -> &'static str {
    let w = sections::words(heading);
    if let Some((_, p)) = PART_PROMPTS.iter().find(|(n, _)| sections::words(n) == w) {
        return p;
    }
    TemplateKind::ALL
        .iter()
        .flat_map(|k| sections(*k))
        .find(|s| {
            sections::accepted_names(s.heading, s.aliases)
                .iter()
                .any(|n| sections::words(n) == w)
        })
        .map_or(
            "What your team's template asks for under this heading.",
            |s| s.prompt,
        )
}

/// The sections `template` requires, in the order `new` writes them. A team template
/// unknown to `config` (the loader reports it) requires nothing.
pub fn required<'a>(template: &'a Template, config: &'a PostmortemConfig) -> Vec<Required<'a>> {
    match template {
        Template::Builtin(kind) => sections(*kind)
            .iter()
            .map(|s| Required {
                heading: s.heading,
                names: sections::accepted_names(s.heading, s.aliases),
                prompt: s.prompt,
            })
            .collect(),
        Template::Team(name) => config
            .templates
            .iter()
            .find(|t| &t.name == name)
            .map(|t| {
                t.sections
                    .iter()
                    .map(|s| {
                        let also: Vec<&str> = s.also.iter().map(String::as_str).collect();
                        Required {
                            heading: &s.heading,
                            names: sections::accepted_names(&s.heading, &also),
                            prompt: prompt_for(&s.heading),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Every template a site offers, built-in first, as (name, what it is for), for
/// `new --help`, error messages and docs.
pub fn offered(config: &PostmortemConfig) -> Vec<(String, String)> {
    TemplateKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), purpose(*k).to_string()))
        .chain(config.templates.iter().map(|t| {
            (
                t.name.clone(),
                t.description
                    .clone()
                    .unwrap_or_else(|| format!("a team template, site.toml line {}", t.line)),
            )
        }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_sections_with_prompts() {
        for k in TemplateKind::ALL {
            assert!(!sections(k).is_empty());
            for sec in sections(k) {
                assert!(!sec.prompt.is_empty() && !sec.prompt.contains('\n'));
                // A variant's own headings must satisfy it.
                assert!(heading_matches(sec.heading, sec));
            }
        }
        assert_eq!(sections(TemplateKind::Regulated).len(), 12);
    }

    #[test]
    fn matching_is_forgiving() {
        let root = &ROOT_CAUSE;
        assert!(heading_matches("Root cause & contributing factors", root));
        assert!(heading_matches("ROOT-CAUSE", root));
        assert!(heading_matches("3. Root Cause", root));
        assert!(!heading_matches("Cause", root));
        assert!(heading_matches("Five whys", root));
        assert!(heading_matches(":warning: Leadup", &TIMELINE));
        assert!(heading_matches("Action items", &LIGHTWEIGHT[4]));
        let res = &STATUS_PAGE[3];
        assert!(heading_matches("Resolution and prevention", res));
        assert!(heading_matches("Resolution & Prevention", res));
        assert!(!heading_matches("Resolution", res));
        assert!(heading_matches("Incident overview", &INCIDENT_OVERVIEW));
        assert!(heading_matches("Summary", &INCIDENT_OVERVIEW));
        assert!(heading_matches("Risk reassessment", &REGULATED[11]));
        assert!(heading_matches("Post project tasks", &LAUNCH[3]));
        assert!(heading_matches("Detection", &DETECTION));
        assert!(!heading_matches("How we detected it", &DETECTION));
    }

    #[test]
    fn team_templates_resolve_with_synonyms_and_prompts() {
        use crate::site::{TeamSection, TeamTemplate};
        let config = PostmortemConfig {
            due_hours: 72,
            templates: vec![TeamTemplate {
                name: "blameless".into(),
                description: None,
                sections: vec![
                    TeamSection {
                        heading: "Leadup".into(),
                        also: vec![],
                    },
                    TeamSection {
                        heading: "Postscript".into(),
                        also: vec!["Afterword".into()],
                    },
                ],
                line: 3,
            }],
        };
        let team = Template::Team("blameless".into());
        let r = required(&team, &config);
        assert_eq!(r.len(), 2);
        // A part of a standard section accepts only itself.
        assert!(r[0].satisfied_by(":warning: Leadup"));
        assert!(!r[0].satisfied_by("Timeline"));
        assert_eq!(r[0].prompt, PART_PROMPTS[0].1);
        assert!(r[1].satisfied_by("Afterword"));
        assert!(!r[1].satisfied_by("Summary"));
        let nope = Template::Team("nope".into());
        assert!(required(&nope, &config).is_empty());
        let incident = TemplateKind::Incident.into();
        assert_eq!(required(&incident, &config).len(), 8);
        let offered = offered(&config);
        assert_eq!(offered.len(), 6);
        assert_eq!(offered[5].0, "blameless");
    }

    #[test]
    fn missing_names_what_is_absent() {
        let m = missing(
            TemplateKind::StatusPage,
            ["Summary", "Timeline", "Root cause", "Customer message"],
        );
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].heading, "Resolution and prevention");
    }
}
