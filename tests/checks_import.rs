//! `statusgen checks import`: the real binary on exports written in each tool's real
//! shape (tests/fixtures/checks-import/), compared byte for byte with the canonical CSV
//! expected; merging into an existing history; bad inputs that must write nothing.

mod common;

use std::path::{Path, PathBuf};

use common::{copy_fixture, fixture, statusgen};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn export(rel: &str) -> PathBuf {
    fixture("checks-import").join(rel)
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(export(&format!("expected/{name}"))).unwrap()
}

fn import(format: &str, file: &Path, root: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "checks",
        "import",
        format,
        s(file),
        "--root",
        s(root),
        "--component",
    ];
    args.extend_from_slice(extra);
    let o = statusgen(&args);
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn site() -> (tempfile::TempDir, PathBuf) {
    copy_fixture("checks-import/site")
}

fn history(root: &Path, id: &str) -> String {
    std::fs::read_to_string(root.join(format!("data/checks/{id}.csv"))).unwrap()
}

fn assert_ok(r: &Run) {
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
}

/// A failed import: exit 1, the reason, and no data/checks/ folder created.
fn assert_refused(r: &Run, root: &Path, wants: &[&str]) {
    assert_eq!(r.code, 1, "stderr:\n{}", r.stderr);
    for w in wants {
        assert!(r.stderr.contains(w), "{w:?} not in\n{}", r.stderr);
    }
    assert!(r.stderr.contains("nothing was written"), "{}", r.stderr);
    assert!(!root.join("data").exists(), "something was written");
}

#[test]
fn prometheus_probe_success_with_duration_and_status_code() {
    let (_t, root) = site();
    let r = import(
        "prometheus",
        &export("prometheus/probe.json"),
        &root,
        &["api", "--select", "instance=https://api.example.com/health"],
    );
    assert_ok(&r);
    assert_eq!(history(&root, "api"), expected("prometheus-api.csv"));
    assert_eq!(r.stdout.trim(), s(&root.join("data/checks/api.csv")));
    assert!(
        r.stderr
            .contains("6 new row(s), 0 already there (a new file)"),
        "{}",
        r.stderr
    );
}

#[test]
fn prometheus_up_series_with_fractional_timestamps() {
    let (_t, root) = site();
    assert_ok(&import(
        "prometheus",
        &export("prometheus/up.json"),
        &root,
        &["auth"],
    ));
    assert_eq!(history(&root, "auth"), expected("prometheus-up.csv"));
}

#[test]
fn upptime_log_and_the_history_file_beside_it() {
    let (_t, root) = site();
    let r = import("upptime", &export("upptime/api.log"), &root, &["api"]);
    assert_ok(&r);
    assert_eq!(history(&root, "api"), expected("upptime-api.csv"));
    assert!(
        r.stderr
            .contains("skipped 1 line(s) that are no status line (line 7)"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("added as the newest check"),
        "{}",
        r.stderr
    );
}

#[test]
fn upptime_without_the_history_file_reads_the_log_only() {
    let (t, root) = site();
    let log = t.path().join("api.log");
    std::fs::copy(export("upptime/api.log"), &log).unwrap();
    let r = import("upptime", &log, &root, &["api"]);
    assert_ok(&r);
    let want = expected("upptime-api.csv");
    let without_yml: String = want.lines().take(7).map(|l| format!("{l}\n")).collect();
    assert_eq!(history(&root, "api"), without_yml);
    assert!(r.stderr.contains("only the log was read"), "{}", r.stderr);
}

#[test]
fn uptimerobot_logs_in_a_named_timezone_then_response_times() {
    let (_t, root) = site();
    assert_ok(&import(
        "uptimerobot",
        &export("uptimerobot/logs.csv"),
        &root,
        &["api", "--timezone", "Europe/Berlin"],
    ));
    let r = import(
        "uptimerobot",
        &export("uptimerobot/response-times.csv"),
        &root,
        &["api"],
    );
    assert_ok(&r);
    assert!(
        r.stderr
            .contains("3 new row(s), 0 already there (it held 3 row(s))"),
        "{}",
        r.stderr
    );
    assert_eq!(history(&root, "api"), expected("uptimerobot-api.csv"));
}

#[test]
fn uptimekuma_heartbeats() {
    let (_t, root) = site();
    let r = import(
        "uptimekuma",
        &export("uptimekuma/heartbeats.csv"),
        &root,
        &["api"],
    );
    assert_ok(&r);
    assert_eq!(history(&root, "api"), expected("uptimekuma-api.csv"));
    assert!(
        r.stderr.contains("skipped 1 maintenance heartbeat(s)"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("1 row(s) repeating another row exactly"),
        "{}",
        r.stderr
    );
}

#[test]
fn merge_keeps_the_files_rows_and_reports_clashes() {
    let (_t, root) = site();
    std::fs::create_dir_all(root.join("data/checks")).unwrap();
    // Another column order, CRLF, an offset: the file as a person may have written it.
    std::fs::write(
        root.join("data/checks/api.csv"),
        "ok,time,note\r\n\
         true,2026-03-14T10:30:00+01:00,manual\r\n\
         true,2026-03-14T10:35:00+01:00,\r\n\
         true,2026-03-14T10:36:00+01:00,\r\n",
    )
    .unwrap();
    let r = import(
        "prometheus",
        &export("prometheus/probe.json"),
        &root,
        &["api", "--select", "instance=https://api.example.com/health"],
    );
    assert_ok(&r);
    // 09:35Z and 09:36Z are in the file with other content: the file's rows stay.
    assert_eq!(
        history(&root, "api"),
        "time,ok,response_ms,status_code,note\n\
         2026-03-14T09:30:00Z,true,,,manual\n\
         2026-03-14T09:34:00Z,true,182,200,\n\
         2026-03-14T09:35:00Z,true,,,\n\
         2026-03-14T09:36:00Z,true,,,\n\
         2026-03-14T09:37:00Z,false,10000.391,503,\n\
         2026-03-14T09:38:00Z,false,10000.377,,\n\
         2026-03-14T09:39:00Z,true,201,,\n"
    );
    assert!(
        r.stderr
            .contains("4 new row(s), 0 already there (it held 3 row(s))"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("2 imported row(s) differ from the file's row at the same time: the file's row is kept (2026-03-14T09:35:00Z, 2026-03-14T09:36:00Z)"),
        "{}",
        r.stderr
    );

    // The same import again adds nothing and leaves the file as it is.
    let before = std::fs::read(root.join("data/checks/api.csv")).unwrap();
    let again = import(
        "prometheus",
        &export("prometheus/probe.json"),
        &root,
        &["api", "--select", "instance=https://api.example.com/health"],
    );
    assert_ok(&again);
    assert!(again.stderr.contains("nothing new"), "{}", again.stderr);
    assert_eq!(again.stdout, "");
    assert_eq!(
        std::fs::read(root.join("data/checks/api.csv")).unwrap(),
        before
    );
}

#[test]
fn dry_run_prints_counts_and_span_and_writes_nothing() {
    let (_t, root) = site();
    let r = import(
        "upptime",
        &export("upptime/api.log"),
        &root,
        &["api", "--dry-run"],
    );
    assert_ok(&r);
    assert!(
        r.stdout
            .contains("data/checks/api.csv would get 7 new row(s)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("7 row(s), 2026-03-12T23:05:11Z to 2026-03-14T23:05:07.412Z"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("dry run: nothing was written"),
        "{}",
        r.stdout
    );
    assert!(!root.join("data").exists());
}

#[test]
fn an_instant_query_is_refused() {
    let (_t, root) = site();
    let r = import(
        "prometheus",
        &export("prometheus/vector.json"),
        &root,
        &["api"],
    );
    assert_refused(
        &r,
        &root,
        &[
            "vector.json: error: data.resultType: \"vector\", not \"matrix\"",
            "query_range",
        ],
    );
}

#[test]
fn json_of_the_wrong_shape_names_its_line() {
    let (_t, root) = site();
    let r = import(
        "prometheus",
        &export("prometheus/truncated-pair.json"),
        &root,
        &["api"],
    );
    assert_refused(
        &r,
        &root,
        &["truncated-pair.json:2:", "not Prometheus range-query JSON"],
    );
}

#[test]
fn two_series_are_listed_with_how_to_pick_one() {
    let (_t, root) = site();
    let r = import(
        "prometheus",
        &export("prometheus/probe.json"),
        &root,
        &["api"],
    );
    assert_refused(
        &r,
        &root,
        &[
            "2 check series, one is needed",
            r#"{__name__="probe_success",instance="https://api.example.com/health",job="blackbox"}"#,
            r#"{__name__="probe_success",instance="https://auth.example.com/health",job="blackbox"}"#,
            "--select instance=https://api.example.com/health",
        ],
    );
}

#[test]
fn values_that_are_no_check_result_are_all_named() {
    let (_t, root) = site();
    let r = import(
        "prometheus",
        &export("prometheus/bad-values.json"),
        &root,
        &["api"],
    );
    assert_refused(
        &r,
        &root,
        &[
            "data.result[0].values[1]: \"0.5\" is neither",
            "data.result[0].values[3]: \"yes\" is neither",
            "2 error(s)",
        ],
    );
}

#[test]
fn unknown_component_gets_a_did_you_mean() {
    let (_t, root) = site();
    let r = import(
        "uptimekuma",
        &export("uptimekuma/heartbeats.csv"),
        &root,
        &["apl"],
    );
    assert_refused(
        &r,
        &root,
        &[
            "--component: error: unknown component \"apl\"",
            "did you mean \"api\"?",
        ],
    );
}

#[test]
fn bad_dates_and_events_are_all_reported_with_their_lines() {
    let (_t, root) = site();
    let r = import(
        "uptimerobot",
        &export("uptimerobot/bad-date.csv"),
        &root,
        &["api"],
    );
    assert_refused(
        &r,
        &root,
        &[
            "bad-date.csv:3: error: \"14.03.2026 11:06\" is not a time",
            "accepted:",
        ],
    );
    // An unknown event is not a check result: skipped, not an error.
    assert!(r.stderr.contains("1 error(s)"), "{}", r.stderr);
}

#[test]
fn a_time_without_offset_needs_the_timezone() {
    let (_t, root) = site();
    let r = import(
        "uptimerobot",
        &export("uptimerobot/logs.csv"),
        &root,
        &["api"],
    );
    assert_refused(
        &r,
        &root,
        &[
            "logs.csv:2: error: \"2026-03-14 11:06:00\" has no UTC offset and no --timezone was given",
            "help: pass --timezone",
        ],
    );
    assert!(
        r.stderr.contains("1 error(s)"),
        "reported once, not per row: {}",
        r.stderr
    );
}

#[test]
fn every_problem_at_once_and_an_existing_file_is_untouched() {
    let (_t, root) = site();
    std::fs::create_dir_all(root.join("data/checks")).unwrap();
    let bad = "time,ok\n2026-03-14T10:00:00Z,true\n2026-03-14T09:00:00Z,true\n";
    std::fs::write(root.join("data/checks/api.csv"), bad).unwrap();
    let r = import(
        "uptimerobot",
        &export("uptimerobot/logs.csv"),
        &root,
        &["api"],
    );
    assert_eq!(r.code, 1);
    let rel = Path::new(s(&root)).join("data/checks/api.csv");
    for want in [
        format!(
            "{}:3: error: the time 2026-03-14T09:00:00Z is before the time of line 2",
            rel.display()
        ),
        "logs.csv:2: error:".to_string(),
        "2 error(s)".to_string(),
    ] {
        assert!(r.stderr.contains(&want), "{want:?} not in\n{}", r.stderr);
    }
    assert_eq!(
        std::fs::read_to_string(root.join("data/checks/api.csv")).unwrap(),
        bad
    );
    let names: Vec<_> = std::fs::read_dir(root.join("data/checks"))
        .unwrap()
        .collect();
    assert_eq!(names.len(), 1, "no temporary file is left");
}

#[test]
fn a_jsonl_history_of_the_component_is_not_doubled() {
    let (_t, root) = site();
    std::fs::create_dir_all(root.join("data/checks")).unwrap();
    std::fs::write(root.join("data/checks/api.jsonl"), "").unwrap();
    let r = import(
        "uptimekuma",
        &export("uptimekuma/heartbeats.csv"),
        &root,
        &["api"],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("keeps its checks as JSON Lines"),
        "{}",
        r.stderr
    );
    assert!(!root.join("data/checks/api.csv").exists());
}

#[test]
fn the_upptime_history_file_is_not_the_log() {
    let (_t, root) = site();
    let r = import("upptime", &export("upptime/api.yml"), &root, &["api"]);
    assert_refused(
        &r,
        &root,
        &[
            "this is the history file",
            "git log --reverse --format='%aI %s'",
        ],
    );
}

#[test]
fn help_names_the_formats_and_the_docs() {
    let o = statusgen(&["checks", "import", "--help"]);
    let help = String::from_utf8_lossy(&o.stdout);
    for w in [
        "prometheus",
        "upptime",
        "uptimerobot",
        "uptimekuma",
        "--select",
        "--timezone",
        "--dry-run",
        "docs/checks-import.md",
    ] {
        assert!(help.contains(w), "{w} not in\n{help}");
    }
}

#[test]
fn imported_histories_check_and_build() {
    let (t, root) = site();
    assert_ok(&import(
        "prometheus",
        &export("prometheus/probe.json"),
        &root,
        &["api", "--select", "instance=https://api.example.com/health"],
    ));
    assert_ok(&import(
        "upptime",
        &export("upptime/api.log"),
        &root,
        &["auth"],
    ));
    let out = t.path().join("public");
    let built = common::build(&root, &out, &[]);
    assert!(built.status.success(), "{}", common::stderr(&built));
    assert!(
        !common::stderr(&built).contains("data/checks"),
        "{}",
        common::stderr(&built)
    );
    let checked = statusgen(&["check", "--root", s(&root), "--now", common::NOW]);
    assert!(checked.status.success(), "{}", common::stderr(&checked));
    // The build read every imported check: uptime.json's measured counts are the rows.
    let report: serde_json::Value =
        serde_json::from_str(&common::read(&out, "uptime.json")).unwrap();
    for (id, expected) in [("api", "prometheus-api.csv"), ("auth", "upptime-api.csv")] {
        let rows = std::fs::read_to_string(export(&format!("expected/{expected}")))
            .unwrap()
            .lines()
            .count()
            - 1;
        let component = report["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap();
        assert_eq!(component["measured"]["checks"], rows, "{id}");
        assert!(
            component["measured"]["uptime_all"].as_f64().unwrap() < 100.0,
            "{id}"
        );
    }
}

#[test]
fn utf16_is_refused_and_a_utf8_bom_is_read() {
    let (t, root) = site();
    let log = std::fs::read_to_string(export("upptime/api.log")).unwrap();
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(log.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let file = t.path().join("api-utf16.log");
    std::fs::write(&file, utf16).unwrap();
    let r = import("upptime", &file, &root, &["api"]);
    assert_refused(
        &r,
        &root,
        &[
            "api-utf16.log:1: error: the file is UTF-16 text",
            "1 error(s)",
        ],
    );

    let json = std::fs::read(export("prometheus/up.json")).unwrap();
    let file = t.path().join("bom.json");
    std::fs::write(&file, [b"\xEF\xBB\xBF".as_slice(), &json].concat()).unwrap();
    assert_ok(&import("prometheus", &file, &root, &["auth"]));
    assert_eq!(history(&root, "auth"), expected("prometheus-up.csv"));
}
