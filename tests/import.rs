//! `statusgen import`: the real binary on fixture sites written from each format's
//! documentation, then `check` and `build` on the result.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{NOW, fixture, statusgen};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let o = statusgen(args);
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn import(format: &str, source: &Path, root: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["import", format, s(source), "--root", s(root)];
    args.extend_from_slice(extra);
    run(&args)
}

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            out.insert(
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            );
        }
    }
    out
}

/// The numbers of the report's two summary lines.
fn counts(stderr: &str) -> (Vec<usize>, Vec<usize>) {
    let nums = |prefix: &str| -> Vec<usize> {
        let line = stderr
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line starting {prefix:?} in\n{stderr}"));
        line.split(|c: char| !c.is_ascii_digit())
            .filter(|w| !w.is_empty())
            .map(|w| w.parse().unwrap())
            .collect()
    };
    let written = if stderr.contains("would write") {
        nums("would write")
    } else {
        nums("wrote")
    };
    (written, nums("source:"))
}

fn check_and_build(root: &Path) {
    let c = run(&["check", "--root", s(root), "--now", NOW]);
    assert_eq!(c.code, 0, "check failed:\n{}", c.stderr);
    assert!(c.stderr.contains(": 0 error(s)"), "{}", c.stderr);
    let out = root.join("public");
    let b = run(&[
        "build",
        "--root",
        s(root),
        "--output",
        s(&out),
        "--now",
        NOW,
    ]);
    assert_eq!(b.code, 0, "build failed:\n{}", b.stderr);
    assert!(out.join("index.html").is_file());
}

/// Imports a fixture into an empty folder; the counts match the source, check has no
/// error and the site builds.
fn round_trip(
    format: &str,
    incidents: usize,
    updates: usize,
    maintenance: usize,
) -> (tempfile::TempDir, PathBuf, Run) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let r = import(format, &fixture(&format!("import/{format}")), &root, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (written, source) = counts(&r.stderr);
    // wrote I incident(s) with U update(s), M maintenance window(s) (with MU ...), C component(s)
    assert_eq!(written[0], incidents, "{}", r.stderr);
    assert_eq!(written[2], maintenance, "{}", r.stderr);
    assert_eq!(written[1] + written[3], updates, "{}", r.stderr);
    // source: I incident(s), M maintenance window(s), U update(s)
    assert_eq!(
        &source[..3],
        &[incidents, maintenance, updates],
        "{}",
        r.stderr
    );
    check_and_build(&root);
    (tmp, root, r)
}

#[test]
fn cstate_round_trip_with_every_quirk_reported() {
    let (_t, root, r) = round_trip("cstate", 5, 7, 1);
    let e = &r.stderr;
    for line in [
        "content/issues/2023-12-04-api-unavailable.md:4: guessed: `resolved`: \"yes\" read as the boolean true",
        "content/issues/2023-12-04-api-unavailable.md:11: dropped: unknown key `author`",
        "content/issues/2023-12-04-api-unavailable.md:13: guessed: body: turned HTML <br /> into line breaks",
        "content/issues/2023-12-04-api-unavailable.md:13: guessed: body: turned no-break spaces into spaces",
        "content/issues/2024-01-10-slow-dashboard.md:4: guessed: `resolved`: \"true\" read as the boolean true",
        "content/issues/2024-01-10-slow-dashboard.md:5: guessed: `resolvedWhen` 2024-01-10T13:00:00+00:00 is before `date`",
        "content/issues/2024-01-10-slow-dashboard.md:8: guessed: component \"Dashbord\" is not in the source's configuration: added as \"dashbord\"; the closest configured name is \"Dashboard\"",
        "content/issues/2024-05-20-mail-delays.md:1: guessed: the front matter has no opening `---`",
        "content/issues/2024-05-20-mail-delays.md:7: guessed: `draft`: \"off\" read as the boolean false",
        "content/issues/2024-04-01-untitled.md:2: skipped: template leftover",
        "content/issues/_index.md: skipped: a section index page",
        "content/issues/i-testing-cstate-functions.md: skipped: one of cState's own example incidents",
        "content/issues/new-issue.md.tpl: skipped: a template",
        "content/issues/runbook.adoc: skipped: an AsciiDoc page",
        "content/issues/2024-03-05-database-maintenance.md:2: guessed: the title names maintenance",
        "config.yml: guessed: component \"website\" (in Third parties) is declared twice",
    ] {
        assert!(e.contains(line), "missing {line:?} in\n{e}");
    }
    // Values that carry nothing are not noise in the report.
    assert!(
        !e.contains("pin: false") && !e.contains("resolvedWhen` = \"\""),
        "{e}"
    );
    let api = std::fs::read_to_string(root.join("content/incidents/2023-12-04-api-unavailable.md"))
        .unwrap();
    assert!(api.contains("started = 2023-12-04T08:00:00+00:00"), "{api}");
    assert!(
        api.contains("resolved = 2023-12-04T10:30:00+00:00"),
        "{api}"
    );
    assert!(api.contains("api = \"major_outage\""), "{api}");
    assert!(
        api.contains("message = \"A bad configuration push took the API down.\\nRolling back.\""),
        "{api}"
    );
    assert!(
        !api.contains('\u{FEFF}') && !api.contains('\u{A0}') && !api.contains("<br"),
        "{api}"
    );
    let site = std::fs::read_to_string(root.join("site.toml")).unwrap();
    assert!(
        site.contains("base_url = \"https://status.example.org/\""),
        "{site}"
    );
    assert!(site.contains("group = \"Core\""), "{site}");
    // The ongoing incident stays ongoing, with its level on the page.
    let mail =
        std::fs::read_to_string(root.join("content/incidents/2024-05-20-mail-delays.md")).unwrap();
    assert!(!mail.contains("resolved ="), "{mail}");
}

#[test]
fn statusfy_round_trip() {
    let (_t, root, r) = round_trip("statusfy", 3, 7, 1);
    let e = &r.stderr;
    for line in [
        "content/2018-10-16_networking-issues.md:11: guessed: `resolved`: \"on\" read as the boolean true",
        "content/2019-01-10_cdn-outage.md:7: dropped: unknown key `owner`",
        "content/2019-01-10_cdn-outage.md:11: guessed: the ::: block is never closed",
        "content/2019-02-01_payments-errors.md:7: guessed: `resolved`: \"false\" read as the boolean false",
        "content/es/2018-10-16_networking-issues.md: skipped: a translation",
        "content/README.md: skipped: a README",
    ] {
        assert!(e.contains(line), "missing {line:?} in\n{e}");
    }
    let net =
        std::fs::read_to_string(root.join("content/incidents/2018-10-16-networking-issues.md"))
            .unwrap();
    assert!(net.contains("status = \"monitoring\""), "{net}");
    assert!(
        net.contains("A fix is in place and we are monitoring.\\nError rates are dropping."),
        "{net}"
    );
    assert!(
        net.contains("resolved = 2018-10-16T15:10:45+00:00"),
        "{net}"
    );
    let cdn =
        std::fs::read_to_string(root.join("content/incidents/2019-01-10-cdn-outage.md")).unwrap();
    assert!(cdn.contains("started = 2019-01-10T09:05:00+00:00"), "{cdn}");
    let m =
        std::fs::read_to_string(root.join("content/maintenance/2019-03-01-database-upgrade.md"))
            .unwrap();
    assert!(
        m.contains("starts = 2019-03-01T02:00:00+00:00")
            && m.contains("ends = 2019-03-01T03:30:00+00:00"),
        "{m}"
    );
    assert!(m.contains("The upgrade is done."), "{m}");
    let site = std::fs::read_to_string(root.join("site.toml")).unwrap();
    assert!(site.contains("name = \"Site delivery\""), "{site}");
}

#[test]
fn statuspage_round_trip_and_reimport_of_a_newer_export() {
    let (tmp, root, r) = round_trip("statuspage", 4, 14, 1);
    let e = &r.stderr;
    for line in [
        "dropped: incident inc3critl0aa, update upd8aaaaaaaa: placeholder affected component \"No components were affected by this update.\"",
        "dropped: incident inc3critl0aa, update upd9aaaaaaaa: an affected component without code or name",
        "guessed: incident inc2postm0aa, update upd7aaaaaaaa: update status \"postmortem\" imported as resolved",
        "guessed: incident inc2postm0aa: no outage level is recorded for component \"Webhooks\"",
        "truncated.json:2: skipped: not JSON",
    ] {
        assert!(e.contains(line), "missing {line:?} in\n{e}");
    }
    let inc = std::fs::read_to_string(
        root.join("content/incidents/2024-01-15-api-errors-and-slow-web-app-inc1major0aa.md"),
    )
    .unwrap();
    assert!(
        inc.contains("api = \"major_outage\"")
            && inc.contains("web-app = \"degraded_performance\""),
        "{inc}"
    );
    assert!(inc.contains("started = 2024-01-15T09:50:00-05:00"), "{inc}");
    let site = std::fs::read_to_string(root.join("site.toml")).unwrap();
    assert!(
        site.contains("timezone = \"America/New_York\"")
            && site.contains("group = \"Core services\""),
        "{site}"
    );
    // The summary's copy of the ongoing incident has fewer updates: the fuller one wins.
    let ongoing = std::fs::read_to_string(
        root.join("content/incidents/2024-03-10-login-problems-inc4ongo00aa.md"),
    )
    .unwrap();
    assert_eq!(ongoing.matches("[[updates]]").count(), 2, "{ongoing}");

    // A newer export: the ongoing incident now resolved, plus a new one.
    let newer = tmp.path().join("newer");
    std::fs::create_dir_all(&newer).unwrap();
    let mut v: serde_json::Value = serde_json::from_slice(
        &std::fs::read(fixture("import/statuspage/incidents.json")).unwrap(),
    )
    .unwrap();
    let incidents = v["incidents"].as_array_mut().unwrap();
    incidents.push(serde_json::json!({
        "id": "inc5newer0aa", "name": "Slow search \"beta\"", "status": "resolved", "impact": "minor",
        "created_at": "2024-03-20T10:00:00Z", "resolved_at": "2024-03-20T10:30:00Z",
        "incident_updates": [{"id": "updzaaaaaaaa", "status": "resolved", "body": "Fixed.", "created_at": "2024-03-20T10:30:00Z", "affected_components": null}],
        "components": []
    }));
    std::fs::write(
        newer.join("incidents.json"),
        serde_json::to_vec(&v).unwrap(),
    )
    .unwrap();
    let before = tree(&root.join("content"));
    let r = import("statuspage", &newer, &root, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("wrote 1 incident(s) with 1 update(s)"),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stderr.matches("skipped: already imported as").count(),
        4,
        "{}",
        r.stderr
    );
    let after = tree(&root.join("content"));
    for (p, bytes) in &before {
        assert_eq!(after.get(p), Some(bytes), "{} changed", p.display());
    }
    assert!(
        root.join("content/incidents/2024-03-20-slow-search-beta-inc5newer0aa.md")
            .is_file()
    );
    check_and_build(&root);
}

#[test]
fn dry_run_writes_nothing_and_reports_the_same() {
    for format in ["cstate", "statusfy", "statuspage"] {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        let dry = import(
            format,
            &fixture(&format!("import/{format}")),
            &root,
            &["--dry-run"],
        );
        assert_eq!(dry.code, 0, "{}", dry.stderr);
        assert!(!root.exists(), "--dry-run created {}", root.display());
        assert!(dry.stderr.contains("dry run: nothing was written"));
        let real = import(format, &fixture(&format!("import/{format}")), &root, &[]);
        assert_eq!(counts(&dry.stderr), counts(&real.stderr));
        let notes = |e: &str| -> Vec<String> {
            e.lines()
                .filter(|l| {
                    l.contains(": guessed: ")
                        || l.contains(": dropped: ")
                        || l.contains(": skipped: ")
                })
                .map(String::from)
                .collect()
        };
        assert_eq!(notes(&dry.stderr), notes(&real.stderr));
        assert_eq!(dry.stdout, real.stdout, "the same files are named");
    }
}

#[test]
fn never_overwrites_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let src = fixture("import/cstate");
    assert_eq!(import("cstate", &src, &root, &[]).code, 0);
    let edited = root.join("content/incidents/2024-01-10-slow-dashboard.md");
    std::fs::write(
        &edited,
        "+++\ntitle = \"Mine\"\nimpact = \"none\"\nstarted = 2024-01-10T14:05:00Z\n+++\nmy words\n",
    )
    .unwrap();
    let before = tree(&root);
    let r = import("cstate", &src, &root, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("content/incidents/2024-01-10-slow-dashboard.md already exists (pass --force to replace it)"), "{}", r.stderr);
    assert!(r.stderr.contains("wrote 0 incident(s)"), "{}", r.stderr);
    assert_eq!(tree(&root), before, "a file changed without --force");
    let r = import("cstate", &src, &root, &["--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        std::fs::read_to_string(&edited)
            .unwrap()
            .contains("Slow dashboard")
    );
    check_and_build(&root);
}

#[test]
fn map_file_renames_and_drops_components_and_an_existing_site_toml_is_extended() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    std::fs::create_dir_all(&root).unwrap();
    let mine = "# my site\ntitle = \"Mine\"   # keep this comment\nbase_url = \"https://mine.example/status/\"\ntimezone = \"Europe/Berlin\"\n\n[[components]]\nid = \"dashboard\"\nname = \"Dashboard\"\n";
    std::fs::write(root.join("site.toml"), mine).unwrap();
    let map = tmp.path().join("map.toml");
    std::fs::write(
        &map,
        "Dashbord = \"dashboard\"\n\"Mail relay\" = \"\"\nWebsite = \"www\"\n",
    )
    .unwrap();
    let r = import(
        "cstate",
        &fixture("import/cstate"),
        &root,
        &["--map", s(&map), "--timezone", "Europe/Berlin"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let site = std::fs::read_to_string(root.join("site.toml")).unwrap();
    assert!(
        site.starts_with(mine),
        "the existing site.toml was rewritten:\n{site}"
    );
    assert!(
        !site.contains("dashbord") && !site.contains("mail-relay"),
        "{site}"
    );
    assert!(site.contains("id = \"www\""), "{site}");
    let slow = std::fs::read_to_string(root.join("content/incidents/2024-01-10-slow-dashboard.md"))
        .unwrap();
    assert!(slow.contains("dashboard = \"partial_outage\""), "{slow}");
    // Naive times are read in --timezone and written in the site's.
    assert!(
        slow.contains("started = 2024-01-10T14:05:00+01:00"),
        "{slow}"
    );
    let mail =
        std::fs::read_to_string(root.join("content/incidents/2024-05-20-mail-delays.md")).unwrap();
    assert!(!mail.contains("[components]"), "{mail}");
    assert!(
        r.stderr
            .contains("component \"Mail relay\" is mapped to \"\" by --map: left out"),
        "{}",
        r.stderr
    );
    check_and_build(&root);
}

#[test]
fn same_source_same_bytes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for format in ["cstate", "statusfy", "statuspage"] {
        let src = fixture(&format!("import/{format}"));
        let ra = a.path().join(format);
        let rb = b.path().join(format);
        assert_eq!(import(format, &src, &ra, &[]).code, 0);
        assert_eq!(import(format, &src, &rb, &[]).code, 0);
        assert_eq!(tree(&ra), tree(&rb), "{format}");
    }
}

#[test]
fn bad_sources_and_arguments_fail_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let r = import("cstate", &tmp.path().join("missing"), &root, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("nothing was written"), "{}", r.stderr);
    let r = import("statusfy", &fixture("import/cstate"), &root, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("is not a Statusfy site"), "{}", r.stderr);
    let map = tmp.path().join("map.toml");
    std::fs::write(&map, "API = \"Not An Id\"\n").unwrap();
    let r = import(
        "cstate",
        &fixture("import/cstate"),
        &root,
        &["--map", s(&map)],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("must map to a component id"),
        "{}",
        r.stderr
    );
    let r = import(
        "cstate",
        &fixture("import/cstate"),
        &root,
        &["--timezone", "Mars/Base"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!root.exists());
    // A broken site.toml is reported and left alone.
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("site.toml"), "title = \n").unwrap();
    let r = import("cstate", &fixture("import/cstate"), &root, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("site.toml:1"), "{}", r.stderr);
    assert_eq!(tree(&root).len(), 1);
}

#[test]
fn a_slug_taken_in_front_matter_is_not_reused() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    std::fs::create_dir_all(root.join("content/incidents")).unwrap();
    std::fs::write(
        root.join("site.toml"),
        "title = \"Mine\"\nbase_url = \"https://mine.example/\"\n\n[[components]]\nid = \"api\"\nname = \"API\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/incidents/older.md"),
        "+++\ntitle = \"Older\"\nslug = \"2024-01-10-slow-dashboard\"\nimpact = \"none\"\nstarted = 2024-01-01T00:00:00Z\nresolved = 2024-01-01T01:00:00Z\n+++\n",
    )
    .unwrap();
    let r = import("cstate", &fixture("import/cstate"), &root, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        root.join("content/incidents/2024-01-10-slow-dashboard-2.md")
            .is_file(),
        "{}",
        r.stdout
    );
    check_and_build(&root);
}

/// The whole report, word for word, for each fixture: its wording is the interface.
#[test]
fn reports_are_stable() {
    for format in ["cstate", "statusfy", "statuspage"] {
        let tmp = tempfile::tempdir().unwrap();
        let r = import(
            format,
            &fixture(&format!("import/{format}")),
            &tmp.path().join("site"),
            &["--dry-run"],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        insta::assert_snapshot!(format!("report_{format}"), r.stderr);
    }
}

#[test]
fn cstate_times_without_offset_follow_hugos_time_zone_unless_told() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    common::copy_dir(&fixture("import/cstate"), &src);
    let cfg = std::fs::read_to_string(src.join("config.yml")).unwrap();
    std::fs::write(
        src.join("config.yml"),
        format!("timeZone: Europe/Berlin\n{cfg}"),
    )
    .unwrap();
    let root = tmp.path().join("site");
    let r = import("cstate", &src, &root, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("has no UTC offset: read in Europe/Berlin"),
        "{}",
        r.stderr
    );
    let site = std::fs::read_to_string(root.join("site.toml")).unwrap();
    assert!(site.contains("timezone = \"Europe/Berlin\""), "{site}");
    let slow = std::fs::read_to_string(root.join("content/incidents/2024-01-10-slow-dashboard.md"))
        .unwrap();
    assert!(
        slow.contains("started = 2024-01-10T14:05:00+01:00"),
        "{slow}"
    );
    // --timezone wins over the site's own setting.
    let root = tmp.path().join("site2");
    let r = import("cstate", &src, &root, &["--timezone", "UTC"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let slow = std::fs::read_to_string(root.join("content/incidents/2024-01-10-slow-dashboard.md"))
        .unwrap();
    assert!(
        slow.contains("started = 2024-01-10T14:05:00+00:00"),
        "{slow}"
    );
    check_and_build(&root);
}
