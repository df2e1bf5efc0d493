//! Measured availability end to end: a year of generated checks for two components
//! (tests/acceptance/gen_checks.py, seeded) in a copy of `tests/acceptance/sites/measured`,
//! built by the real binary; `uptime.json`'s measured figures are recomputed from the CSV
//! by an independent Python reference (tests/acceptance/measured_reference.py); `check`
//! names the outage placed in the data. Python 3.11+ is required: these tests fail, never
//! skip, without it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

const NOW: &str = "2026-04-20T10:17:00Z";

fn acceptance() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/acceptance")
}

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".into())
}

fn run_python(script: &str, args: &[&str]) {
    let o = Command::new(python())
        .arg(acceptance().join(script))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3: {e}"));
    assert!(
        o.status.success(),
        "{script} failed:\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The fixture with a year of checks: api every minute in UTC (an undeclared outage on
/// 2026-03-14 09:36–10:06 UTC, a declared one on 2026-04-01, a two-hour gap), web every
/// five minutes written in Berlin offsets (failing through its maintenance window, never
/// during its "phantom" incident). db has no history.
fn measured_site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    common::copy_dir(&acceptance().join("sites/measured"), &root);
    let checks = root.join("data/checks");
    std::fs::create_dir_all(&checks).unwrap();
    let api = checks.join("api.csv");
    run_python(
        "gen_checks.py",
        &[
            api.to_str().unwrap(),
            "--start=2025-04-20T00:00:00+00:00",
            "--end=2026-04-20T11:00:00+00:00",
            "--seed=20",
            "--fail=2026-03-14T09:36:00+00:00/2026-03-14T10:06:00+00:00",
            "--fail=2026-04-01T08:00:00+00:00/2026-04-01T08:20:00+00:00",
            "--gap=2026-02-10T03:00:00+00:00/2026-02-10T05:00:00+00:00",
        ],
    );
    let web = checks.join("web.csv");
    run_python(
        "gen_checks.py",
        &[
            web.to_str().unwrap(),
            "--start=2025-04-20T00:02:00+00:00",
            "--end=2026-04-20T10:00:00+00:00",
            "--interval=300",
            "--seed=21",
            "--fail-rate=0.002",
            "--fail=2026-04-05T01:00:00+00:00/2026-04-05T02:00:00+00:00",
            "--gap=2026-04-10T11:00:00+00:00/2026-04-10T11:55:00+00:00",
            "--local-tz=Europe/Berlin",
            "--notes",
        ],
    );
    (tmp, root)
}

/// `statusgen build` of `root` into `out` at `now`.
fn build_at(root: &Path, out: &Path, now: &str) -> std::process::Output {
    common::build_at(root, out, now, &[])
}

#[test]
fn a_year_of_checks_matches_the_independent_reference() {
    let (tmp, root) = measured_site();
    let out = tmp.path().join("public");
    let o = build_at(&root, &out, NOW);
    assert!(o.status.success(), "{}", common::stderr(&o));
    run_python(
        "measured_reference.py",
        &[root.to_str().unwrap(), out.to_str().unwrap(), NOW],
    );
    let report: serde_json::Value =
        serde_json::from_str(&common::read(&out, "uptime.json")).unwrap();
    let comps = report["components"].as_array().unwrap();
    assert!(comps[0]["measured"]["uptime_90d"].as_f64().unwrap() < 100.0);
    assert_eq!(comps[0]["measured"]["check_interval_seconds"], 60.0);
    assert_eq!(comps[1]["measured"]["check_interval_seconds"], 300.0);
    assert!(comps[2].get("measured").is_none(), "db has no history");

    // The same input builds byte-identical output.
    let again = tmp.path().join("again");
    let o = build_at(&root, &again, NOW);
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(common::tree(&out) == common::tree(&again));
}

#[test]
fn check_names_the_undeclared_outage_and_the_unmeasured_incident() {
    let (_tmp, root) = measured_site();
    let o = common::statusgen(&["check", "--root", root.to_str().unwrap(), "--now", NOW]);
    let err = common::stderr(&o);
    assert!(
        err.contains(
            "data/checks/api.csv:470414: warning: undeclared downtime on api: 2026-03-14 10:36–11:06 UTC+01:00, 30 min [undeclared-downtime]"
        ),
        "{err}"
    );
    // The declared outage of 2026-04-01 is not named.
    assert_eq!(
        err.matches("undeclared downtime on api").count(),
        1,
        "{err}"
    );
    assert!(
        err.contains("content/incidents/2026-04-10-web-phantom.md:3: warning: impact major but the checks of web measured no failure during the incident (2026-04-10 14:00–14:30 UTC+02:00) [no-measured-failure]"),
        "{err}"
    );
    assert_eq!(err.matches("[no-measured-failure]").count(), 1, "{err}");
}

/// Writes a small site with the given check files.
fn small_site(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    std::fs::create_dir_all(root.join("data/checks")).unwrap();
    std::fs::write(
        root.join("site.toml"),
        "title = \"T\"\nbase_url = \"https://t.test/\"\n[[components]]\nid = \"api\"\nname = \"API\"\n[[components]]\nid = \"web\"\nname = \"Web\"\n",
    )
    .unwrap();
    for (name, text) in files {
        std::fs::write(root.join("data/checks").join(name), text).unwrap();
    }
    (tmp, root)
}

#[test]
fn bad_histories_are_reported_at_once_and_nothing_is_written() {
    let (tmp, root) = small_site(&[("web.csv", "time,ok\n2026-03-14T10:36:00Z,true\n")]);
    let out = tmp.path().join("public");
    let build = || build_at(&root, &out, NOW);
    let o = build();
    assert!(o.status.success(), "{}", common::stderr(&o));
    let before = common::tree(&out);
    for (name, text) in [
        (
            "api.csv",
            "time,ok\n2026-03-14T10:36:00Z,true\n2026-03-14T10:35:00Z,true\n2026-03-14T10:37:00Z,yes\n",
        ),
        (
            "api.jsonl",
            "{\"time\":\"2026-03-14T10:36:00Z\",\"ok\":true}\n",
        ),
        ("wev.csv", "time,ok\n"),
    ] {
        std::fs::write(root.join("data/checks").join(name), text).unwrap();
    }
    let o = build();
    assert_eq!(o.status.code(), Some(1));
    let err = common::stderr(&o);
    for want in [
        "data/checks/api.csv:3: error: time 2026-03-14T10:35:00Z is before line 2's: rows must be in time order",
        "data/checks/api.csv:4: error: `ok` is \"yes\", not true or false",
        "data/checks/api.jsonl: error: component \"api\" already has a check history in data/checks/api.csv",
        "data/checks/wev.csv: error: unknown component \"wev\"",
        "help: did you mean \"web\"?",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    assert!(
        common::tree(&out) == before,
        "the previous output is untouched"
    );
}

/// The small fixture with hourly checks: where the measurements show on the pages.
#[test]
fn pages_show_the_measurements_beside_the_declared_figures() {
    let (tmp, root) = common::copy_fixture("measured");
    let out = tmp.path().join("public");
    let o = build_at(&root, &out, "2026-11-26T12:00:00Z");
    assert!(o.status.success(), "{}", common::stderr(&o));
    let index = common::read(&out, "index.html");
    assert!(
        index.contains(" · measured <strong>99.182%</strong>"),
        "{index}"
    );
    // The day's tooltip names the measured figure before the incident.
    assert!(
        index.contains("20 Nov 2026: 100% available; measured 100%, p50 "),
        "{index}"
    );
    let component = common::read(&out, "components/api/index.html");
    assert!(component.contains("<h2 id=\"response\">Response time</h2>"));
    assert!(component.contains("<svg class=\"chart\" viewBox=\"0 0 560 240\" role=\"img\""));
    assert!(component.contains("aria-describedby=\"chart-api-summary\""));
    assert!(component.contains("<p class=\"note\" id=\"chart-api-summary\">Daily response times of Public API, 28 Oct 2026 to 26 Nov 2026: median (p50) from "));
    assert!(component.contains("<caption id=\"response-table\">"));
    assert_eq!(component.matches("<tr><th scope=\"row\"><time").count(), 30);
    // The website has no history: no chart, no measured figures.
    let web = common::read(&out, "components/web/index.html");
    assert!(!web.contains("Response time") && !web.contains("Measured by checks"));
    let uptime = common::read(&out, "uptime/index.html");
    assert!(uptime.contains("<h2 id=\"how-we-measure\">How we measure</h2>"));
    assert!(uptime.contains("a gap longer than 3 intervals counts as no data"));
    assert!(uptime.contains("<span class=\"muted\">Not measured</span>"));
    let incident = common::read(&out, "incidents/2026-03-14-auth-outage/index.html");
    assert!(incident.contains("<h2 id=\"measured-heading\">Measured by checks</h2>"));
    assert!(
        incident.contains(
            "<td class=\"num\">80.000%</td><td class=\"num\">60.000%</td><td class=\"num\">1 h</td>"
        ),
        "{incident}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&common::read(&out, "uptime.json")).unwrap();
    assert_eq!(
        report["components"][0]["measured"]["days"]
            .as_array()
            .unwrap()
            .len(),
        30
    );
    assert!(report["components"][1].get("measured").is_none());
}

#[test]
fn measured_texts_follow_the_site_language() {
    let (tmp, root) = common::copy_fixture("measured");
    let toml = std::fs::read_to_string(root.join("site.toml")).unwrap();
    std::fs::write(
        root.join("site.toml"),
        toml.replace(
            "timezone = \"Europe/Berlin\"",
            "timezone = \"Europe/Berlin\"\nlanguage = \"de\"",
        ),
    )
    .unwrap();
    let out = tmp.path().join("public");
    let o = build_at(&root, &out, "2026-11-26T12:00:00Z");
    assert!(o.status.success(), "{}", common::stderr(&o));
    let index = common::read(&out, "index.html");
    assert!(index.contains("verfügbar; gemessen 100"), "{index}");
    let component = common::read(&out, "components/api/index.html");
    assert!(
        component.contains("Tägliche Antwortzeiten von "),
        "{component}"
    );
    for page in [&index, &component] {
        for english in [
            "; measured",
            "Measured by",
            " measured ",
            "Daily response",
            "no measurements",
            "slowest on",
            "without measurements",
        ] {
            assert!(!page.contains(english), "{english:?} in a German page");
        }
    }
}
