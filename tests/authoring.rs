//! The authoring workflow through the real binary: init, new, check.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use assert_cmd::Command;

const NOW: &str = "2026-04-15T12:00:00Z";

fn bin() -> Command {
    let mut c = Command::cargo_bin("statusgen").expect("binary");
    c.env_remove("SOURCE_DATE_EPOCH").env("NO_COLOR", "1");
    c
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Runs statusgen with `dir` as the current directory.
fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = bin().current_dir(dir).args(args).output().expect("runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// `statusgen init` into a fresh temp folder, without CI.
fn init_site(tmp: &tempfile::TempDir) -> PathBuf {
    let site = tmp.path().join("site");
    let r = run(&["init", s(&site), "--ci", "none"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    site
}

/// [`init_site`] without its example incident, which is dated around the real today:
/// for tests that check at the fixed [`NOW`], where it would lie in the future.
fn init_site_for_now(tmp: &tempfile::TempDir) -> PathBuf {
    let site = init_site(tmp);
    for e in std::fs::read_dir(site.join("content/incidents")).unwrap() {
        std::fs::remove_file(e.unwrap().path()).unwrap();
    }
    site
}

#[test]
fn init_makes_a_site_that_checks_and_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let r = run(&["init", s(&site)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for f in ["site.toml", ".github/workflows/status-page.yml"] {
        assert!(site.join(f).is_file(), "{f}");
    }
    let r = run(&["check", "--root", s(&site), "--strict"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("0 error(s), 0 warning(s)"),
        "{}",
        r.stderr
    );
    let r = run(&["build", "--root", s(&site)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for page in [
        "index.html",
        "history/index.html",
        "uptime/index.html",
        "feed.xml",
    ] {
        assert!(site.join("public").join(page).is_file(), "{page}");
    }
    let incidents = std::fs::read_dir(site.join("public/incidents"))
        .unwrap()
        .count();
    assert_eq!(incidents, 1, "the example incident has its page");

    // The workflow is valid YAML that checks, builds and deploys with GitHub's actions.
    let yaml = std::fs::read_to_string(site.join(".github/workflows/status-page.yml")).unwrap();
    let wf: serde_norway::Value = serde_norway::from_str(&yaml).expect("valid YAML");
    // No token permission unless a job asks: build reads, deploy writes Pages.
    assert_eq!(
        wf["permissions"],
        serde_norway::Value::Mapping(Default::default())
    );
    assert_eq!(wf["jobs"]["build"]["permissions"]["contents"], "read");
    assert_eq!(wf["jobs"]["deploy"]["permissions"]["pages"], "write");
    assert_eq!(wf["jobs"]["deploy"]["permissions"]["id-token"], "write");
    assert_eq!(wf["jobs"]["deploy"]["environment"]["name"], "github-pages");
    let mut uses = Vec::new();
    let mut runs = Vec::new();
    for job in ["build", "deploy"] {
        for step in wf["jobs"][job]["steps"].as_sequence().expect("steps") {
            if let Some(u) = step["uses"].as_str() {
                uses.push(u.split('@').next().unwrap().to_string());
            }
            if let Some(r) = step["run"].as_str() {
                runs.push(r.to_string());
            }
        }
    }
    for a in [
        "actions/checkout",
        "actions/cache",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ] {
        assert!(uses.iter().any(|u| u == a), "{a} in {uses:?}");
    }
    let upload = wf["jobs"]["build"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact@"))
        })
        .unwrap();
    assert_eq!(upload["with"]["path"], "public");
    assert_eq!(upload["if"], "github.event_name != 'pull_request'");
    for cmd in ["statusgen check --format github", "statusgen build"] {
        assert!(runs.iter().any(|r| r.contains(cmd)), "{cmd} in {runs:?}");
    }
    // The install step and the linters are tested in tests/workflows.rs.
}

#[test]
fn init_without_ci_and_into_an_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let r = run(&["init", s(tmp.path()), "--ci", "none"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(tmp.path().join("site.toml").is_file());
    assert!(!tmp.path().join(".github").exists());
}

#[test]
fn init_refuses_to_overwrite_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("site.toml"), "mine").unwrap();
    let r = run(&["init", s(tmp.path())]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("site.toml"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("site.toml")).unwrap(),
        "mine"
    );
    assert!(!tmp.path().join("content").exists());
    assert!(!tmp.path().join(".github").exists());

    // The last target existing stops the first from being written too.
    let tmp = tempfile::tempdir().unwrap();
    let wf = tmp.path().join(".github/workflows/status-page.yml");
    std::fs::create_dir_all(wf.parent().unwrap()).unwrap();
    std::fs::write(&wf, "mine").unwrap();
    let r = run(&["init", s(tmp.path())]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("status-page.yml"), "{}", r.stderr);
    assert!(!tmp.path().join("site.toml").exists());
    assert_eq!(std::fs::read_to_string(&wf).unwrap(), "mine");
}

const VARIANTS: [&str; 5] = [
    "lightweight",
    "incident",
    "launch",
    "status-page",
    "regulated",
];

#[test]
fn every_variant_new_writes_passes_check_strict_and_build() {
    let tmp = tempfile::tempdir().unwrap();
    let site = init_site_for_now(&tmp);
    for kind in VARIANTS {
        let title = format!("Logins \"fail\" \\ for {kind}: ünïcode");
        let r = run(&[
            "new",
            "incident",
            &title,
            "--root",
            s(&site),
            "--template",
            kind,
            "--components",
            "api,auth",
            "--impact",
            "major",
            "--now",
            NOW,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let path = PathBuf::from(r.stdout.trim());
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        assert!(name.starts_with("2026-04-15-logins-fail-for-"), "{name}");
        assert!(name.is_ascii());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(&format!("template = \"{kind}\"")));
        assert!(
            text.contains("started = 2026-04-15T12:00:00+00:00"),
            "{text}"
        );
    }
    let r = run(&[
        "new",
        "maintenance",
        "Database upgrade",
        "--root",
        s(&site),
        "--starts",
        "2026-12-01T02:00",
        "--ends",
        "2026-12-01T04:00:00Z",
        "--components",
        "api",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .trim()
            .ends_with("content/maintenance/2026-12-01-database-upgrade.md")
    );

    let r = run(&["check", "--root", s(&site), "--strict", "--now", NOW]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&["build", "--root", s(&site), "--now", NOW]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn new_rejects_unknown_components_and_bad_times() {
    let tmp = tempfile::tempdir().unwrap();
    let site = init_site(&tmp);
    let r = run(&[
        "new",
        "incident",
        "x",
        "--root",
        s(&site),
        "--components",
        "api,db",
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("\"db\"") && r.stderr.contains("api, auth"),
        "{}",
        r.stderr
    );
    let r = run(&[
        "new",
        "maintenance",
        "x",
        "--root",
        s(&site),
        "--starts",
        "soon",
        "--ends",
        "later",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = run(&[
        "new",
        "incident",
        "x",
        "--root",
        s(&site),
        "--template",
        "huge",
    ]);
    // A name that could be a team template is looked up in site.toml: not there, exit 1
    // with every template offered; one that could not be a name is a usage error.
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("unknown template \"huge\""),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("status-page (the customer-facing version of an incident)"),
        "{}",
        r.stderr
    );
    let r = run(&[
        "new",
        "incident",
        "x",
        "--root",
        s(&site),
        "--template",
        "Huge One",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        std::fs::read_dir(site.join("content/incidents"))
            .unwrap()
            .count(),
        1,
        "only init's example"
    );
}

#[test]
fn new_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let site = init_site_for_now(&tmp);
    let args = [
        "new",
        "incident",
        "Same title",
        "--root",
        s(&site),
        "--components",
        "api",
        "--now",
        NOW,
    ];
    let first = PathBuf::from(run(&args).stdout.trim());
    let before = std::fs::read_to_string(&first).unwrap();
    let second = PathBuf::from(run(&args).stdout.trim());
    let third = PathBuf::from(run(&args).stdout.trim());
    assert!(first.ends_with("2026-04-15-same-title.md"), "{first:?}");
    assert!(second.ends_with("2026-04-15-same-title-2.md"), "{second:?}");
    assert!(third.ends_with("2026-04-15-same-title-3.md"), "{third:?}");
    assert_eq!(std::fs::read_to_string(&first).unwrap(), before);
    // A slug taken in front matter counts too.
    std::fs::write(
        site.join("content/incidents/other.md"),
        before.replacen("+++\n", "+++\nslug = \"2026-04-15-taken\"\n", 1),
    )
    .unwrap();
    let r = run(&[
        "new",
        "incident",
        "Taken",
        "--root",
        s(&site),
        "--components",
        "api",
        "--now",
        NOW,
    ]);
    assert!(
        r.stdout.trim().ends_with("2026-04-15-taken-2.md"),
        "{}",
        r.stdout
    );
    let r = run(&["check", "--root", s(&site), "--strict", "--now", NOW]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn removing_a_required_heading_fails_check_strict() {
    let tmp = tempfile::tempdir().unwrap();
    let site = init_site_for_now(&tmp);
    let r = run(&[
        "new",
        "incident",
        "Auth outage",
        "--root",
        s(&site),
        "--template",
        "status-page",
        "--components",
        "auth",
        "--now",
        NOW,
    ]);
    let path = PathBuf::from(r.stdout.trim());
    let rel = "content/incidents/2026-04-15-auth-outage.md";
    assert!(path.ends_with(rel));
    // Resolve it (the `resolved` line and a final update) and write every section.
    let text = std::fs::read_to_string(&path).unwrap();
    let mut written = String::new();
    let mut fences = 0;
    for line in text.lines() {
        if line == "+++" {
            fences += 1;
            if fences == 2 {
                written.push_str("[[updates]]\nat = 2026-04-15T12:00:00Z\nstatus = \"resolved\"\nmessage = \"Fixed.\"\n");
            }
        }
        let line = if line.starts_with("# resolved = ") {
            line.trim_start_matches("# ").to_string()
        } else if line.starts_with("<!--") {
            "Written.".to_string()
        } else {
            line.to_string()
        };
        written.push_str(&line);
        written.push('\n');
    }
    std::fs::write(&path, &written).unwrap();
    let r = run(&["check", "--root", s(&site), "--strict", "--now", NOW]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    std::fs::write(&path, written.replace("## Customer message\n", "")).unwrap();
    let r = run(&["check", "--root", s(&site), "--strict", "--now", NOW]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains(rel), "{}", r.stderr);
    assert!(r.stderr.contains("\"Customer message\""), "{}", r.stderr);
    assert!(r.stderr.contains("[missing-section]"), "{}", r.stderr);
    // Without --strict, warnings do not fail.
    let r = run(&["check", "--root", s(&site), "--now", NOW]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

fn json_findings(root: &Path) -> Vec<serde_json::Value> {
    let r = run(&["check", "--root", s(root), "--now", NOW, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn each_rule_fires_on_its_fixture() {
    let findings = json_findings(&fixture("lint-all"));
    let mut by_file: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &findings {
        for k in [
            "severity", "rule", "file", "line", "column", "message", "help",
        ] {
            assert!(f.get(k).is_some(), "{k} in {f}");
        }
        assert_eq!(f["severity"], "warning");
        let file = f["file"].as_str().unwrap();
        // Paths are given from the current directory: tests/fixtures/lint-all/content/….
        let stem = file
            .rsplit_once("content/incidents/")
            .and_then(|(_, f)| f.strip_suffix(".md"))
            .unwrap_or(file);
        by_file
            .entry(stem.to_string())
            .or_default()
            .insert(f["rule"].as_str().unwrap().to_string());
    }
    let rules = [
        "missing-section",
        "empty-section",
        "postmortem-due",
        "action-owner",
        "action-due",
        "action-overdue",
        "checkin-due",
        "update-order",
        "update-outside",
        "timeline-order",
        "timeline-unreadable",
        "timeline-outside",
        "timeline-detected",
    ];
    for rule in rules {
        assert_eq!(
            by_file.get(rule),
            Some(&BTreeSet::from([rule.to_string()])),
            "{rule}: {by_file:?}"
        );
    }
    assert_eq!(by_file.len(), rules.len(), "{by_file:?}");
    // Findings point at the line to fix.
    let line_of = |rule: &str| {
        findings
            .iter()
            .find(|f| f["rule"] == rule)
            .map(|f| f["line"].as_u64().unwrap())
    };
    assert_eq!(line_of("postmortem-due"), Some(1));
    assert_eq!(line_of("update-outside"), Some(9));
    assert_eq!(line_of("timeline-order"), Some(28));
    // A list item without a time, a `### date time` heading two days early, a table row.
    assert_eq!(line_of("timeline-unreadable"), Some(26));
    assert_eq!(line_of("timeline-outside"), Some(25));
    assert_eq!(line_of("timeline-detected"), Some(27));
}

#[test]
fn the_clean_fixture_is_quiet() {
    assert!(json_findings(&fixture("lint-clean")).is_empty());
    let r = run(&[
        "check",
        "--root",
        s(&fixture("lint-clean")),
        "--strict",
        "--now",
        NOW,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn github_format_annotates_overdue_actions() {
    // Run from the fixtures folder, as CI runs from the repository root with the site in
    // a sub-folder: the annotation's path must be the one from there.
    let r = run_in(
        &fixture(""),
        &[
            "check", "--root", "lint-all", "--now", NOW, "--format", "github", "--strict",
        ],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.lines().any(|l| l.starts_with(
            "::warning file=lint-all/content/incidents/action-overdue.md,line=19,title=statusgen action-overdue::"
        )),
        "{}",
        r.stdout
    );
    assert!(r.stdout.lines().all(|l| l.starts_with("::warning ")));
}

#[test]
fn errors_fail_check_and_usage_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let site = init_site(&tmp);
    std::fs::write(
        site.join("content/incidents/broken.md"),
        "+++\ntitle = \"x\"\nimpact = \"huge\"\nstarted = 2026-04-15T10:00:00Z\n+++\n",
    )
    .unwrap();
    let r = run_in(tmp.path(), &["check", "--root", "site", "--format", "json"]);
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(v["severity"], "error");
    assert_eq!(v["file"], "site/content/incidents/broken.md");
    assert_eq!(v["line"], 3);
    let r = run(&["check", "--root", s(&site), "--format", "xml"]);
    assert_eq!(r.code, 2);
    let r = run(&["check", "--root", s(&site), "--now", "yesterday"]);
    assert_eq!(r.code, 2);
}

#[test]
fn check_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let site = init_site(&tmp);
    let r = run(&["check", "--root", s(&site)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!site.join("public").exists());
}
