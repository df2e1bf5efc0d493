//! Issue 12: the page never tells customers something false, and `check` catches what
//! would. Each of the issue's eight situations, through the real binary, on the fixture
//! site `tests/fixtures/truth` (built at [`NOW`]) or on a fresh `statusgen init` site.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{copy_fixture, stderr};
use serde_json::Value;

/// 13:00 in Berlin, the fixture's timezone.
const NOW: &str = "2026-11-26T12:00:00Z";

fn statusgen_in(dir: &Path, args: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("statusgen")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// The fixture copied into a temp dir as `site/`, built into `out/` at [`NOW`], from the
/// temp dir (so paths read `site/content/…`). Returns (guard, temp dir, out, build output).
fn built() -> (tempfile::TempDir, PathBuf, PathBuf, Output) {
    let (tmp, _site) = copy_fixture("truth");
    let dir = tmp.path().to_path_buf();
    let o = statusgen_in(
        &dir,
        &["build", "--root", "site", "--output", "out", "--now", NOW],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.join("out");
    (tmp, dir, out, o)
}

fn check(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["check", "--root", "site", "--now", NOW];
    args.extend_from_slice(extra);
    statusgen_in(dir, &args)
}

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn json(out: &Path, rel: &str) -> Value {
    serde_json::from_str(&read(out, rel)).unwrap()
}

fn incident<'a>(list: &'a Value, name: &str) -> Option<&'a Value> {
    list["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
}

fn component_status(out: &Path, name: &str) -> String {
    json(out, "api/v2/components.json")["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .map(|c| c["status"].as_str().unwrap().to_string())
        .unwrap()
}

/// `file:line: warning: … [rule]` is in check's text output.
fn assert_warns(err: &str, file: &str, line: usize, rule: &str) {
    let at = format!("site/content/incidents/{file}:{line}: warning: ");
    assert!(
        err.lines()
            .any(|l| l.starts_with(&at) && l.ends_with(&format!("[{rule}]"))),
        "no {rule} at {at}:\n{err}"
    );
}

/// Situation 1: An unresolved incident without components sets the overall status from its impact
/// (critical → major outage) and is listed with the active incidents.
#[test]
fn an_incident_without_components_sets_the_overall_status() {
    let (_tmp, dir, out, _) = built();
    let index = read(&out, "index.html");
    assert!(
        index.contains(r#"<span class="visually-hidden">Current status: </span>Major outage</h1>"#),
        "banner"
    );
    let active =
        &index[index.find(r#"id="active""#).unwrap()..index.find(r#"id="components""#).unwrap()];
    assert!(active.contains("Checkout is down"), "{active}");
    let status = json(&out, "api/v2/status.json");
    assert_eq!(status["status"]["indicator"], "critical");
    assert_eq!(status["status"]["description"], "Major outage");
    assert!(
        incident(
            &json(&out, "api/v2/incidents/unresolved.json"),
            "Checkout is down"
        )
        .is_some()
    );
    assert!(read(&out, "badge.svg").contains("Major outage"));
    let err = stderr(&check(&dir, &[]));
    assert_warns(&err, "2026-11-26-checkout-down.md", 3, "no-components");
}

/// Situation 2: The newest update says resolved and `resolved` is absent: resolved at that update's
/// time on the page, in the API, the feeds and the uptime; `check` asks for the line, and
/// warns about a `resolved` without a final update and an update after a resolution.
#[test]
fn a_final_resolved_update_resolves_the_incident_everywhere() {
    let (_tmp, dir, out, _) = built();
    let page = read(&out, "incidents/2026-11-25-api-errors/index.html");
    assert!(page.contains(r#"<span class="badge badge-resolved">Resolved</span>"#));
    assert!(!page.contains("Ongoing"), "{page}");
    assert!(page.contains(r#"<dt>Resolved</dt><dd><time datetime="2026-11-25T08:40:00Z">"#));
    assert!(page.contains("<dt>Duration</dt><dd>40 min</dd>"));
    let index = read(&out, "index.html");
    let active =
        &index[index.find(r#"id="active""#).unwrap()..index.find(r#"id="components""#).unwrap()];
    assert!(!active.contains("API errors"));

    let api = json(&out, "api/v2/incidents.json");
    let i = incident(&api, "API errors").expect("listed");
    assert_eq!(i["status"], "resolved");
    assert_eq!(i["resolved_at"], "2026-11-25T09:40:00.000+01:00");
    assert!(
        incident(
            &json(&out, "api/v2/incidents/unresolved.json"),
            "API errors"
        )
        .is_none()
    );
    assert_eq!(component_status(&out, "Public API"), "operational");
    let rss = read(&out, "feed.xml");
    let item = &rss[rss.find("<title>API errors</title>").unwrap()..];
    let item = &item[..item.find("</item>").unwrap()];
    assert!(item.contains("Status:&lt;/strong&gt; Resolved"), "{item}");
    assert!(
        item.contains("<pubDate>Wed, 25 Nov 2026 08:40:00 +0000</pubDate>"),
        "{item}"
    );

    // 40 minutes of major outage on the 25th, nothing after.
    let uptime = json(&out, "uptime.json");
    let api_days = &uptime["components"][0]["days"];
    let day = |d: &str| {
        api_days
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["date"] == d)
            .unwrap()
            .clone()
    };
    assert_eq!(day("2026-11-25")["downtime_minutes"], 40.0);
    assert_eq!(day("2026-11-26")["downtime_minutes"], 0.0);

    let err = stderr(&check(&dir, &[]));
    assert_warns(&err, "2026-11-25-api-errors.md", 14, "resolved-missing");
    assert!(
        err.contains("add `resolved = 2026-11-25T09:40:00+01:00`"),
        "{err}"
    );
    assert_warns(&err, "2026-11-18-slow-logins.md", 5, "resolved-not-final");
    assert_warns(
        &err,
        "2026-11-19-website-reopened.md",
        17,
        "resolution-order",
    );
    // The reopened incident is open again: its latest update is not `resolved`.
    assert!(active.contains("Website images missing"));
}

/// Situation 3: Times after "now" are warned by `check` and `build` (in UTC and the site timezone);
/// the incident is listed as upcoming, not hidden, and changes no status before its start.
#[test]
fn future_times_are_loud_and_the_incident_is_shown() {
    let (_tmp, dir, out, build) = built();
    let warning = "site/content/incidents/2026-11-26-login-failures.md:5: warning: `started` is 2026-11-26 13:35 UTC (14:35 Europe/Berlin, UTC+01:00), 1 h 35 min after now (2026-11-26 12:00 UTC (13:00 Europe/Berlin, UTC+01:00))";
    let built_err = stderr(&build);
    assert!(built_err.contains(warning), "{built_err}");
    assert!(
        built_err.contains("login-failures.md:8: warning: the \"investigating\" update's `at`")
    );
    let err = stderr(&check(&dir, &[]));
    assert!(err.contains(&format!("{warning} [future-time]")), "{err}");

    let index = read(&out, "index.html");
    let active =
        &index[index.find(r#"id="active""#).unwrap()..index.find(r#"id="components""#).unwrap()];
    let card = &active[active.find("Login failures").expect("listed")..];
    assert!(card.contains(r#"<span class="badge badge-ongoing">Upcoming</span>"#));
    assert!(card.contains(r#"Starts <time datetime="2026-11-26T13:35:00Z">"#));
    assert!(card.contains("not started yet"));
    let summary = json(&out, "api/v2/summary.json");
    assert!(incident(&summary, "Login failures").is_some());
    assert!(
        incident(
            &json(&out, "api/v2/incidents/unresolved.json"),
            "Login failures"
        )
        .is_some()
    );
    assert_eq!(component_status(&out, "Authentication"), "operational");

    // Ten minutes of slack: a clock a little ahead is not a mistake.
    let (tmp, site) = copy_fixture("truth");
    let soon = "2026-11-26T12:09:00Z";
    let o = statusgen_in(tmp.path(), &["check", "--root", "site", "--now", soon]);
    assert!(stderr(&o).contains("login-failures.md:5: warning"));
    std::fs::write(
        site.join("content/incidents/2026-11-26-login-failures.md"),
        read(&site, "content/incidents/2026-11-26-login-failures.md").replace("-01:00", "+01:00"),
    )
    .unwrap();
    let o = statusgen_in(tmp.path(), &["check", "--root", "site", "--now", soon]);
    assert!(!stderr(&o).contains("[future-time]"), "{}", stderr(&o));
}

/// The day labels of every uptime bar and calendar in a page, by component key.
fn day_labels(html: &str, list: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(list) {
        let after = &rest[i + list.len()..];
        let name: String = after.chars().take_while(|c| *c != '"').collect();
        let body = &after[after.find('>').unwrap() + 1..after.find("</ol>").unwrap()];
        let labels = body
            .split(r#"<span class="t">"#)
            .skip(1)
            .map(|s| {
                let label = &s[..s.find("</span>").unwrap()];
                // The figure, without the incident titles.
                label.split(". Incident").next().unwrap().to_string()
            })
            .collect();
        out.push((name, labels));
        rest = after;
    }
    out
}

/// Situation 4: One start-of-history rule: the bars (status page, component pages), the uptime
/// page's calendar and `uptime.json` agree day by day on which days have data and on
/// their figures. Here "web" has no `since` and its first incident is mid-month.
#[test]
fn every_uptime_figure_follows_one_start_of_history() {
    let (_tmp, _dir, out, _) = built();
    let uptime = json(&out, "uptime.json");
    let index = read(&out, "index.html");
    let calendar = read(&out, "uptime/index.html");
    let mut compared = 0;
    for c in uptime["components"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        let name = c["name"].as_str().unwrap();
        let component_page = read(&out, &format!("components/{id}/index.html"));
        let bar_of = |html: &str| -> Vec<String> {
            day_labels(html, r#"aria-label="Daily availability of "#)
                .into_iter()
                .find(|(n, _)| n.starts_with(&format!("{name}, ")))
                .map(|(_, l)| l)
                .unwrap_or_else(|| panic!("no bar for {name}"))
        };
        let bar = bar_of(&index);
        assert_eq!(bar, bar_of(&component_page), "{id}: component page bar");
        let months: Vec<String> = day_labels(&calendar, "aria-labelledby=\"cal-")
            .into_iter()
            .filter(|(n, _)| n.starts_with(&format!("{id}-2")))
            .flat_map(|(_, l)| l)
            .collect();
        let days = c["days"].as_array().unwrap();
        assert_eq!(days.len(), bar.len());
        for (d, label) in days.iter().zip(&bar) {
            let no_data = label.ends_with(": no data");
            assert_eq!(
                d["uptime"].is_null(),
                no_data,
                "{id} {d}: bar says {label:?}"
            );
            let date = label.split(':').next().unwrap();
            if let Some(same) = months.iter().find(|l| l.split(':').next() == Some(date)) {
                assert_eq!(same, label, "{id}: the calendar and the bar differ");
                compared += 1;
            }
        }
    }
    assert!(compared > 60, "{compared} days compared");
    // The days of November before web's first incident (the 10th) have data too.
    assert!(calendar.contains("1 Nov 2026: 100% available"));
}

/// Situation 4: `statusgen init` claims no uptime for days before the site existed.
#[test]
fn a_new_site_claims_no_uptime_it_did_not_measure() {
    let tmp = tempfile::tempdir().unwrap();
    // init reads "now" like build: fix it so both agree on today.
    let epoch = "1795694400"; // 2026-11-26T12:00:00Z
    let o = Command::new(env!("CARGO_BIN_EXE_statusgen"))
        .current_dir(tmp.path())
        .args(["init", "site", "--ci", "none"])
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let toml = read(tmp.path(), "site/site.toml");
    assert_eq!(toml.matches("\nsince = 2026-11-26").count(), 2, "{toml}");
    let o = statusgen_in(
        tmp.path(),
        &["build", "--root", "site", "--output", "out", "--now", NOW],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let uptime = json(&tmp.path().join("out"), "uptime.json");
    for c in uptime["components"].as_array().unwrap() {
        let days = c["days"].as_array().unwrap();
        let measured: Vec<&Value> = days.iter().filter(|d| !d["uptime"].is_null()).collect();
        assert_eq!(measured.len(), 1, "{}: only today has data", c["id"]);
        assert_eq!(measured[0]["date"], "2026-11-26");
    }
    let index = read(&tmp.path().join("out"), "index.html");
    assert!(!index.contains("25 Nov 2026: 100% available"));
}

/// Situation 5: No date from the future in the feeds or the calendar, read by real parsers.
#[test]
fn feeds_and_calendar_carry_no_future_dates() {
    let (_tmp, _dir, out, _) = built();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/feeds/check_dates.py");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let o = Command::new(&python)
        .arg(&script)
        .arg(&out)
        .arg(NOW)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e} (python3 is required)"));
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        stderr(&o)
    );
    let ics = read(&out, "maintenance.ics");
    assert!(ics.contains("DTSTAMP:20261126T120000Z\r\n"), "{ics}");
    assert!(ics.contains("DTSTART:20261203T010000Z\r\n"));
    let rss = read(&out, "feed.xml");
    assert!(rss.contains("<lastBuildDate>Thu, 26 Nov 2026 12:00:00 +0000</lastBuildDate>"));
}

/// Situation 6: An incident just opened with `statusgen new` publishes no empty headings and no
/// post-mortem contents box; written sections stay.
#[test]
fn only_written_sections_are_published() {
    let (tmp, _site) = copy_fixture("truth");
    let o = statusgen_in(
        tmp.path(),
        &[
            "new",
            "incident",
            "Queue delays",
            "--root",
            "site",
            "--components",
            "api",
            "--template",
            "incident",
            "--now",
            NOW,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = statusgen_in(
        tmp.path(),
        &["build", "--root", "site", "--output", "out", "--now", NOW],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = tmp.path().join("out");
    for slug in ["2026-11-26-queue-delays", "2026-11-26-search-is-slow"] {
        let page = read(&out, &format!("incidents/{slug}/index.html"));
        let pm = &page[page.find(r#"id="incident-postmortem""#).unwrap()..];
        let pm = &pm[..pm.find("</section>").unwrap()];
        assert!(!pm.contains("<h2"), "{slug}: {pm}");
        assert!(!pm.contains("incident-contents"), "{slug}: {pm}");
        assert!(!pm.contains("prose"), "{slug}: {pm}");
        assert!(
            pm.contains("A post-mortem will follow once it is resolved."),
            "{pm}"
        );
    }
    // A written post-mortem keeps its sections.
    let page = read(&out, "incidents/2026-11-10-website-outage/index.html");
    assert!(page.contains(r#"<h2 id="summary">Summary</h2>"#));
}

/// Situation 7: A Markdown file under `content/` outside `incidents/` and `maintenance/` is an
/// error that names it and where it belongs; nothing is written.
#[test]
fn content_files_in_the_wrong_folder_are_errors() {
    let (_tmp, dir, out, _) = built();
    let before = common::tree(&out);
    let site = dir.join("site");
    std::fs::create_dir_all(site.join("content/incident")).unwrap();
    std::fs::write(
        site.join("content/incident/2026-11-26-db-down.md"),
        "+++\ntitle = \"DB down\"\nimpact = \"critical\"\nstarted = 2026-11-26T11:00:00Z\n+++\n",
    )
    .unwrap();
    std::fs::write(site.join("content/notes.md"), "notes\n").unwrap();
    let o = statusgen_in(
        &dir,
        &["build", "--root", "site", "--output", "out", "--now", NOW],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    for file in ["content/incident/2026-11-26-db-down.md", "content/notes.md"] {
        assert!(
            err.contains(&format!(
                "site/{file}:1: error: this file is outside content/incidents/ and content/maintenance/"
            )),
            "{err}"
        );
    }
    assert!(
        err.contains("help: move it into content/incidents/"),
        "{err}"
    );
    assert_eq!(
        common::tree(&out),
        before,
        "the previous output is untouched"
    );
    let o = check(&dir, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("site/content/notes.md:1: error:"));
    // Hidden and editor files stay ignored.
    std::fs::remove_file(site.join("content/notes.md")).unwrap();
    std::fs::remove_dir_all(site.join("content/incident")).unwrap();
    std::fs::write(site.join("content/.notes.md"), "x").unwrap();
    std::fs::write(site.join("content/notes.md~"), "x").unwrap();
    assert!(check(&dir, &[]).status.success());
}

/// Situation 8: `check` names files from the current directory in every format, so GitHub can
/// attach annotations when the site lives in a sub-folder.
#[test]
fn check_paths_are_relative_to_the_current_directory() {
    let (_tmp, dir, _out, _) = built();
    let file = "site/content/incidents/2026-11-26-checkout-down.md";
    let gh = String::from_utf8(check(&dir, &["--format", "github"]).stdout).unwrap();
    assert!(
        gh.contains(&format!(
            "::warning file={file},line=3,title=statusgen no-components::"
        )),
        "{gh}"
    );
    assert!(gh.lines().all(|l| l.contains("file=site/content/")), "{gh}");
    let js = String::from_utf8(check(&dir, &["--format", "json"]).stdout).unwrap();
    let findings: Vec<Value> = js
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(findings.iter().any(|f| f["file"] == file && f["line"] == 3));
    assert!(
        findings
            .iter()
            .all(|f| f["file"].as_str().unwrap().starts_with("site/content/"))
    );
    assert!(stderr(&check(&dir, &[])).contains(&format!("{file}:3: warning:")));
    // From inside the site, paths start at content/.
    let inside = statusgen_in(
        &dir.join("site"),
        &["check", "--now", NOW, "--format", "github"],
    );
    let gh = String::from_utf8(inside.stdout).unwrap();
    assert!(
        gh.contains("file=content/incidents/2026-11-26-checkout-down.md,line=3"),
        "{gh}"
    );
    // And so does build.
    let o = statusgen_in(
        &dir,
        &[
            "build", "--root", "./site/", "--output", "out2", "--now", NOW,
        ],
    );
    assert!(stderr(&o).contains("site/content/incidents/2026-11-26-login-failures.md:5: warning:"));
}
