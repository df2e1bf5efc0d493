//! Post-mortems as teams write them, through the real binary: headings with synonyms,
//! emoji shortcodes and numbering, team templates of site.toml, and timelines written as
//! a table, a list or `### HH:MM` sub-headings (fixture `tests/fixtures/postmortems`).

mod common;

use std::path::{Path, PathBuf};

use common::{NOW, copy_fixture, fixture};

fn fixture_site() -> PathBuf {
    fixture("postmortems")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = common::statusgen(args);
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: common::stderr(&out),
    }
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn check_json(root: &Path) -> (i32, Vec<serde_json::Value>, String) {
    let r = run(&["check", "--root", s(root), "--now", NOW, "--format", "json"]);
    let findings = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (r.code, findings, r.stderr)
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn synonyms_shortcodes_numbering_and_team_templates_check_clean() {
    let r = run(&[
        "check",
        "--root",
        s(&fixture_site()),
        "--now",
        NOW,
        "--strict",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("0 error(s), 0 warning(s)"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_missing_team_section_is_named_with_its_synonyms() {
    let (_tmp, site) = copy_fixture("postmortems");
    let file = site.join("content/incidents/2026-04-02-review.md");
    edit(&file, "## What could have gone better?", "## Other notes");
    let (code, f, err) = check_json(&site);
    assert_eq!(code, 0, "{err}");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["rule"], "missing-section");
    assert_eq!(f[0]["line"], 14);
    let msg = f[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("no \"What can be improved\" section, which template \"review\" requires"),
        "{msg}"
    );
    let help = f[0]["help"].as_str().unwrap();
    assert!(help.contains("What could have gone better"), "{help}");
}

#[test]
fn timeline_problems_are_found_in_every_style() {
    let (_tmp, site) = copy_fixture("postmortems");
    let dir = site.join("content/incidents");
    // Headings: an entry that goes backwards.
    edit(
        &dir.join("2026-03-20-blameless.md"),
        "### 14:40",
        "### 14:01",
    );
    // List: an item without a time, and one after `resolved`.
    edit(
        &dir.join("2026-04-02-review.md"),
        "- 09:12 — First user report.",
        "- First user report.",
    );
    edit(&dir.join("2026-04-02-review.md"), "- 09:55:", "- 10:30:");
    // Table: the first entry after `detected`.
    edit(
        &dir.join("2026-03-14-synonyms.md"),
        "| 2026-03-14 | 09:36 UTC |",
        "| 2026-03-14 | 09:37 UTC |",
    );
    let (_, f, err) = check_json(&site);
    let got: Vec<(String, String, u64)> = f
        .iter()
        .map(|f| {
            (
                f["file"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let want = [
        ("2026-03-14-synonyms.md", "timeline-detected", 36),
        ("2026-03-20-blameless.md", "timeline-order", 59),
        ("2026-04-02-review.md", "timeline-unreadable", 29),
        ("2026-04-02-review.md", "timeline-outside", 31),
    ];
    for (file, rule, line) in want {
        assert!(
            got.contains(&(file.to_string(), rule.to_string(), line)),
            "{file} {rule} {line}: {got:?}\n{err}"
        );
    }
    assert_eq!(got.len(), want.len(), "{got:?}");
}

#[test]
fn timelines_render_as_structured_lists_in_all_three_styles() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let r = run(&[
        "build",
        "--root",
        s(&fixture_site()),
        "--output",
        s(&out),
        "--now",
        NOW,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = |slug: &str| {
        std::fs::read_to_string(out.join(format!("incidents/{slug}/index.html"))).unwrap()
    };
    for (slug, first, times) in [
        (
            "2026-03-14-synonyms",
            "2026-03-14T09:36:00Z",
            ["09:36", "09:38", "09:50", "10:06"],
        ),
        (
            "2026-03-20-blameless",
            "2026-03-20T12:50:00Z",
            ["12:50", "13:02", "13:05", "13:40"],
        ),
        (
            "2026-04-02-review",
            "2026-04-02T07:10:00Z",
            ["07:10", "07:12", "07:30", "07:55"],
        ),
    ] {
        let html = page(slug);
        assert_eq!(
            html.matches("<ol class=\"pm-timeline\">").count(),
            1,
            "{slug}"
        );
        assert_eq!(html.matches("<li class=\"pm-entry\">").count(), 4, "{slug}");
        assert!(
            html.contains(&format!("<time class=\"pm-time\" datetime=\"{first}\">")),
            "{slug}"
        );
        let date = &first[..10];
        for t in times {
            assert!(
                html.contains(&format!("datetime=\"{date}T{t}:00Z\"")),
                "{slug} {t}"
            );
        }
        // The table, the list and the time headings are gone; what surrounds them stays.
        let prose = &html[html.find("class=\"prose\"").unwrap()..];
        assert!(!prose.contains("<table>"), "{slug}");
        assert!(!prose.contains("<h3 id=\"13"), "{slug}");
    }
    let blameless = page("2026-03-20-blameless");
    assert!(blameless.contains("All times are in the site"));
    assert!(blameless.contains("<h2 id=\"question-blameless-root-cause\">"));
    // Sanitised as the rest of the body.
    assert!(!blameless.contains("<script>alert"), "script survived");
}

#[test]
fn new_offers_team_templates_with_their_headings() {
    let (_tmp, site) = copy_fixture("postmortems");
    let r = run(&[
        "new",
        "incident",
        "Cache failover",
        "--root",
        s(&site),
        "--template",
        "blameless",
        "--components",
        "api",
        "--now",
        "2026-04-15T10:00:00Z",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let path = PathBuf::from(r.stdout.trim());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("template = \"blameless\""), "{text}");
    assert!(
        text.contains(
            "lightweight | incident | launch | status-page | regulated | blameless | review"
        ),
        "{text}"
    );
    let heads: Vec<&str> = text.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(
        heads,
        [
            "## Summary",
            "## Leadup",
            "## Fault",
            "## Impact",
            "## Detection",
            "## Response",
            "## Recovery",
            "## Timeline",
            "## Root cause",
            "## Lessons learned",
            "## Corrective actions"
        ]
    );
    // The scaffold checks cleanly (a skeleton is not yet held to its sections).
    let r = run(&["check", "--root", s(&site), "--now", "2026-04-15T10:30:00Z"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // An unknown name: did-you-mean and the list.
    let r = run(&[
        "new",
        "incident",
        "x",
        "--root",
        s(&site),
        "--template",
        "blamless",
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("did you mean \"blameless\""),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("review (a team template, site.toml line 17)"),
        "{}",
        r.stderr
    );
}

#[test]
fn template_problems_are_errors_with_file_line_and_fix() {
    let (_tmp, site) = copy_fixture("postmortems");
    edit(
        &site.join("site.toml"),
        "[postmortem.templates.review]\nsections = [",
        "[postmortem.templates.incident]\nsections = [\"Summary\"]\n\n[postmortem.templates.empty]\nsections = []\n\n[postmortem.templates.review]\nsections = [",
    );
    edit(
        &site.join("content/incidents/2026-03-20-blameless.md"),
        "template = \"blameless\"",
        "template = \"blamless\"",
    );
    let before = std::fs::read(site.join("content/incidents/2026-03-20-blameless.md")).unwrap();
    let r = run(&["check", "--root", s(&site), "--now", NOW]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for want in [
        "site.toml:17",
        "team template \"incident\" has the name of a built-in template",
        "site.toml:21",
        "[postmortem.templates.empty] requires no sections",
        "2026-03-20-blameless.md:7",
        "`template` has unknown value \"blamless\"",
        "did you mean \"blameless\"?",
    ] {
        assert!(r.stderr.contains(want), "{want}:\n{}", r.stderr);
    }
    // Nothing was touched.
    assert_eq!(
        std::fs::read(site.join("content/incidents/2026-03-20-blameless.md")).unwrap(),
        before
    );
}
