//! Post-mortem section names as teams write them: the one table of synonyms, and the
//! forgiving heading match that `check`, `new` and the incident page share.
//!
//! A heading is reduced to its words before matching: case, punctuation, a leading emoji
//! or `:shortcode:`, numbering ("3. Impact", "3)", "1.2") and a trailing "?" are ignored,
//! and "&" reads as "and". A section name matches a heading when the name's words appear
//! in the heading on word boundaries (spacing and hyphens inside the name do not matter,
//! a plural "s" is allowed): "Root cause" matches "Root causes & contributing factors"
//! but not "Rootcausing"; "Risk re-assessment" matches "Risk reassessment".

/// A standard section and the other headings teams use for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Synonyms {
    /// The name the product uses (`POSTMORTEM.md`).
    pub name: &'static str,
    /// Other names for the same section: interchangeable with `name`.
    pub also: &'static [&'static str],
    /// Headings of parts of the section ("What went well" of Lessons learned): any one
    /// satisfies the section, but a section required by a part's name is not satisfied
    /// by the whole or by another part.
    pub parts: &'static [&'static str],
}

/// The synonym table: every standard section of the five variants, with the headings
/// real post-mortems use for it. A name may appear in more than one group (a "Recovery"
/// heading is part of detection and response and also says how it was resolved).
pub const TABLE: &[Synonyms] = &[
    Synonyms {
        name: "Summary",
        also: &[
            "Overview",
            "Incident summary",
            "Incident overview",
            "Executive summary",
            "TL;DR",
            "What happened",
        ],
        parts: &[],
    },
    Synonyms {
        name: "Timeline",
        also: &["Chronology", "Sequence of events", "Incident timeline"],
        // The blameless format tells the story in two sections before its timeline.
        parts: &["Leadup", "Lead-up", "Fault"],
    },
    Synonyms {
        name: "Root cause",
        also: &[
            "Root cause and contributing factors",
            "Blameless root cause",
            "Root cause analysis",
            "RCA",
            "Five whys",
            "5 whys",
            "Causes",
            "Why it happened",
        ],
        parts: &["Contributing factors", "Trigger"],
    },
    Synonyms {
        name: "Impact",
        also: &["Customer impact", "User impact", "Blast radius"],
        parts: &[],
    },
    Synonyms {
        name: "Detection and response",
        also: &["Incident response", "Detection and escalation"],
        parts: &["Detection", "Response", "Recovery", "Escalation"],
    },
    Synonyms {
        name: "Resolution",
        also: &["Mitigation", "Remediation", "Fix", "How we fixed it"],
        parts: &["Recovery"],
    },
    Synonyms {
        name: "Corrective actions",
        also: &[
            "Action items",
            "Actions taken",
            "Follow-up tasks",
            "Follow-up actions",
            "Follow-ups",
            "Next steps",
            "Preventive actions",
            "Preventative actions",
            "Action plan",
            "Remediation items",
        ],
        parts: &[],
    },
    Synonyms {
        name: "Lessons learned",
        also: &["Lessons learnt", "Lessons", "Learnings", "Takeaways"],
        // The three questions of the blameless format, and their variants.
        parts: &[
            "What went well",
            "What went wrong",
            "Where we got lucky",
            "What could be improved",
            "What can be improved",
            "What could have gone better",
            "What went badly",
        ],
    },
    Synonyms {
        name: "Resolution and prevention",
        also: &["Remediation and prevention", "Resolution and next steps"],
        parts: &[],
    },
    Synonyms {
        name: "Customer message",
        also: &[
            "Message to customers",
            "Note to customers",
            "Customer communication",
        ],
        parts: &[],
    },
    Synonyms {
        name: "Project overview",
        also: &["Goals and results", "Goals vs results"],
        parts: &[],
    },
    Synonyms {
        name: "Challenges",
        also: &["Problems", "Difficulties"],
        parts: &["What went wrong"],
    },
    Synonyms {
        name: "Highlights",
        also: &["Successes", "Wins"],
        parts: &["What went well"],
    },
    Synonyms {
        name: "Post-project tasks",
        also: &["Follow-up tasks", "Next steps", "Action items"],
        parts: &[],
    },
    Synonyms {
        name: "Compliance notes",
        also: &["Compliance", "Regulatory notes", "Regulatory notifications"],
        parts: &[],
    },
    Synonyms {
        name: "Evidence log",
        also: &["Evidence"],
        parts: &[],
    },
    Synonyms {
        name: "Audit trail",
        also: &["Audit log"],
        parts: &[],
    },
    Synonyms {
        name: "Risk re-assessment",
        also: &["Risk assessment", "Risk review"],
        parts: &[],
    },
];

/// The words of a heading, lowercase, without the decoration writers put around them.
pub fn words(heading: &str) -> Vec<String> {
    let text = strip_shortcodes(heading).replace('&', " and ");
    let mut words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    // Numbering: "3. Impact", "3) Impact", "1.2 Impact", "III. Impact" keep their words
    // after it; a bare number that is part of the name ("5 whys") stays.
    if numbered(&text) {
        while words.first().is_some_and(|w| is_numbering(w)) {
            words.remove(0);
        }
    }
    words
}

/// `:warning:` style shortcodes, anywhere in the heading.
fn strip_shortcodes(heading: &str) -> String {
    let mut out = String::with_capacity(heading.len());
    let mut rest = heading;
    while let Some(start) = rest.find(':') {
        let after = &rest[start + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-')))
            .unwrap_or(after.len());
        if len > 0 && after[len..].starts_with(':') {
            out.push_str(&rest[..start]);
            out.push(' ');
            rest = &after[len + 1..];
        } else {
            out.push_str(&rest[..=start]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// True when the heading starts (after emoji and punctuation) with numbering: a number
/// followed by `.`, `)` or `:` (not a time like "10:36"), a dotted number like `1.2`, or a
/// roman numeral followed by `.` or `)`.
fn numbered(text: &str) -> bool {
    let t = text.trim_start_matches(|c: char| !c.is_alphanumeric());
    let digits = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    if digits > 0 {
        let (lead, rest) = t.split_at(digits);
        let colon = rest.starts_with(':') && !rest[1..].starts_with(|c: char| c.is_ascii_digit());
        return lead.contains('.') || rest.starts_with(')') || colon;
    }
    let roman = t.find(|c: char| !"ivxIVX".contains(c)).unwrap_or(t.len());
    roman > 0 && t[roman..].starts_with(['.', ')'])
}

fn is_numbering(w: &str) -> bool {
    w.chars().all(|c| c.is_ascii_digit()) || (w.len() <= 4 && w.chars().all(|c| "ivx".contains(c)))
}

/// True when `name`'s words appear in the heading's words, on word boundaries.
pub fn name_matches(heading_words: &[String], name: &str) -> bool {
    let needle: String = words(name).concat();
    if needle.is_empty() {
        return false;
    }
    // Word starts in the joined heading, and where each word ends.
    let mut joined = String::new();
    let mut starts = Vec::with_capacity(heading_words.len());
    let mut ends = Vec::with_capacity(heading_words.len());
    for w in heading_words {
        starts.push(joined.len());
        joined.push_str(w);
        ends.push(joined.len());
    }
    starts.iter().any(|&s| {
        joined[s..].starts_with(&needle) && {
            let e = s + needle.len();
            ends.contains(&e) || (joined[e..].starts_with('s') && ends.contains(&(e + 1)))
        }
    })
}

/// Every name that satisfies a section required as `heading` with the extra names
/// `also`: those names themselves, plus, for each group of the table that one of them
/// names (its name or one of its synonyms, compared word for word), the group's name,
/// synonyms and parts. A part's name brings in nothing more.
pub fn accepted_names<'a>(heading: &'a str, also: &[&'a str]) -> Vec<&'a str> {
    let mut names: Vec<&'a str> = std::iter::once(heading)
        .chain(also.iter().copied())
        .collect();
    let own: Vec<Vec<String>> = names.iter().map(|n| words(n)).collect();
    for group in TABLE {
        let member = std::iter::once(group.name)
            .chain(group.also.iter().copied())
            .any(|n| own.contains(&words(n)));
        if member {
            names.push(group.name);
            names.extend(group.also.iter().copied());
            names.extend(group.parts.iter().copied());
        }
    }
    let mut seen = Vec::new();
    names.retain(|n| {
        let w = words(n);
        let fresh = !seen.contains(&w);
        seen.push(w);
        fresh
    });
    names
}

/// True when a heading satisfies one of `names`.
pub fn heading_satisfies(heading: &str, names: &[&str]) -> bool {
    let w = words(heading);
    names.iter().any(|n| name_matches(&w, n))
}

/// True when a heading names a timeline whose events are written as entries (a table, a
/// list with leading times or time sub-headings): "Timeline", "Incident timeline",
/// "🕐 Timeline (all times UTC)", "Chronology", "Sequence of events". A "Leadup" or
/// "Fault" section counts as the timeline for `check`, but is narrative, so not read.
pub fn is_timeline_heading(heading: &str) -> bool {
    // Every heading of every post-mortem is asked: most are settled by their letters
    // alone, which must hold a name's letters in a row for its words to match.
    let letters: String = heading
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    ["timeline", "chronology", "sequenceofevents"]
        .iter()
        .any(|n| letters.contains(n))
        && heading_satisfies(heading, &["Timeline", "Chronology", "Sequence of events"])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sat(heading: &str, section: &str) -> bool {
        heading_satisfies(heading, &accepted_names(section, &[]))
    }

    #[test]
    fn words_ignore_decoration() {
        assert_eq!(words(":warning: Leadup"), ["leadup"]);
        assert_eq!(words("🔥 Impact"), ["impact"]);
        assert_eq!(words("3. Impact"), ["impact"]);
        assert_eq!(words("3) Impact"), ["impact"]);
        assert_eq!(words("1.2 Impact"), ["impact"]);
        assert_eq!(words("IV. Root cause"), ["root", "cause"]);
        assert_eq!(words("What went wrong?"), ["what", "went", "wrong"]);
        assert_eq!(
            words("Root cause & contributing factors"),
            ["root", "cause", "and", "contributing", "factors"]
        );
        assert_eq!(words("5 Whys"), ["5", "whys"]);
        assert_eq!(words("Time: 10:36"), ["time", "10", "36"]);
        assert_eq!(words(":clock1: 2. Timeline :clock1:"), ["timeline"]);
        assert_eq!(words("Incident"), ["incident"]);
    }

    #[test]
    fn names_match_on_word_boundaries() {
        let h = words("Root causes & contributing factors");
        assert!(name_matches(&h, "Root cause"));
        assert!(name_matches(&h, "Contributing factors"));
        assert!(!name_matches(&words("Rootcausing"), "Root cause"));
        assert!(name_matches(
            &words("Risk reassessment"),
            "Risk re-assessment"
        ));
        assert!(name_matches(
            &words("Post project tasks"),
            "Post-project tasks"
        ));
        assert!(!name_matches(&words("No impacts here"), "Impacted"));
        assert!(!name_matches(&words("Reimpact"), "Impact"));
    }

    #[test]
    fn the_examples_of_the_issue() {
        // Corrective actions ⇐ Action items, Follow-up tasks, Next steps.
        for h in [
            "Action items",
            "## Follow-up tasks",
            "Next steps",
            "ACTION ITEMS",
        ] {
            assert!(sat(h, "Corrective actions"), "{h}");
        }
        // Lessons learned ⇐ Lessons learnt, and its three parts.
        for h in [
            "Lessons learnt",
            "What went well",
            "What went wrong?",
            "Where we got lucky",
        ] {
            assert!(sat(h, "Lessons learned"), "{h}");
        }
        // Root cause ⇐ Blameless root cause, Five whys, Causes.
        for h in [
            "Blameless root cause",
            "Five whys",
            "5 Whys",
            "Causes",
            "Contributing factors",
        ] {
            assert!(sat(h, "Root cause"), "{h}");
        }
        // Detection and response ⇐ Detection, Response, Recovery.
        for h in ["Detection", "Response", "Recovery", ":mag: Detection"] {
            assert!(sat(h, "Detection and response"), "{h}");
        }
        // Summary ⇐ Overview, Incident summary.
        for h in ["Overview", "Incident summary", "1. Summary", "📝 Summary"] {
            assert!(sat(h, "Summary"), "{h}");
        }
        // Timeline ⇐ Leadup, Fault; with a shortcode.
        for h in [
            ":warning: Leadup",
            "Fault",
            "Timeline (all times UTC)",
            "3) Timeline",
        ] {
            assert!(sat(h, "Timeline"), "{h}");
        }
        assert!(sat("Impact?", "Impact"));
        assert!(sat("3. Impact", "Impact"));
    }

    #[test]
    fn unrelated_headings_do_not_match() {
        assert!(!sat("How we detected it", "Detection and response"));
        assert!(!sat("Resolution", "Resolution and prevention"));
        assert!(!sat("Summary of changes", "Timeline"));
        assert!(!sat("Background", "Root cause"));
        assert!(!sat("Related records", "Corrective actions"));
        assert!(!sat("Lessons learned", "Root cause"));
    }

    #[test]
    fn accepted_names_join_the_groups_a_name_belongs_to() {
        let names = accepted_names("Actions taken", &[]);
        assert!(names.contains(&"Corrective actions"));
        assert!(names.contains(&"Action items"));
        // A team's own name that is in no group keeps only its own extras.
        assert_eq!(
            accepted_names("Leadup narrative", &["Story"]),
            ["Leadup narrative", "Story"]
        );
        // No duplicates, first spelling kept.
        let names = accepted_names("Lessons Learned", &["Lessons learnt"]);
        assert_eq!(
            names
                .iter()
                .filter(|n| words(n) == ["lessons", "learnt"])
                .count(),
            1
        );
        assert_eq!(names[0], "Lessons Learned");
    }

    #[test]
    fn timeline_headings() {
        assert!(is_timeline_heading("Timeline"));
        assert!(is_timeline_heading(":clock: Incident timeline (UTC)"));
        assert!(is_timeline_heading("4. Sequence of events"));
        assert!(!is_timeline_heading("Leadup"));
    }

    #[test]
    fn parts_satisfy_the_whole_but_not_each_other() {
        assert!(sat("Where we got lucky", "Lessons learned"));
        assert!(!sat("What went well", "What can be improved"));
        assert!(!sat("Lessons learned", "What went well"));
        assert!(!sat("Timeline", "Leadup"));
        assert!(sat("Leadup", "Timeline"));
        // Synonyms are interchangeable both ways.
        assert!(sat("Corrective actions", "Action items"));
        assert!(sat("Lessons learned", "Lessons learnt"));
    }

    #[test]
    fn every_table_name_matches_itself() {
        for g in TABLE {
            for n in std::iter::once(g.name)
                .chain(g.also.iter().copied())
                .chain(g.parts.iter().copied())
            {
                assert!(heading_satisfies(n, &accepted_names(g.name, &[])), "{n}");
                assert!(!words(n).is_empty());
            }
        }
    }
}
