//! Feeds, calendar, API and badges of a site full of hostile text, read back by real
//! parsers (`tests/feeds/check_feeds.py`: feedparser, minidom, icalendar, jsonschema).
//! Python and its modules are required: a missing one fails the test, it never skips.

use std::path::Path;
use std::process::Command;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;
use statusgen::files::OutputFile;
use statusgen::model::derived::Derived;
use statusgen::render::api::render_api;
use statusgen::render::badge::render_badges;
use statusgen::render::feeds::render_feeds;
use statusgen::render::ics::render_ics;
use statusgen::site::{Affected, Component, Config, Incident, Maintenance, Site, Update};
use statusgen::vocabulary::{Level, MaintenanceStatus, TemplateKind, UpdateStatus};

const TITLE: &str = "Acme <Status> & \"Co\"\u{1}";
const HOSTILE_INCIDENT: &str = "<script>alert(\"x\")</script> & 'quotes' 😀 認証\u{1}\u{1F}";
const HOSTILE_INCIDENT_CLEAN: &str = "<script>alert(\"x\")</script> & 'quotes' 😀 認証";

fn at(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, h, min, 0).unwrap()
}

fn component(id: &str, name: &str, group: Option<&str>, position: usize) -> Component {
    Component {
        group: group.map(str::to_string),
        description: Some(format!("{name} <desc> & \u{0}more")),
        ..Component::new(id, name, position)
    }
}

fn update(at: DateTime<Utc>, status: UpdateStatus, message: &str) -> Update {
    Update {
        at,
        status,
        message: message.into(),
        line: 1,
    }
}

fn incident(
    slug: &str,
    title: &str,
    started: DateTime<Utc>,
    resolved: Option<DateTime<Utc>>,
    components: &[(&str, Level)],
    updates: Vec<Update>,
    body: &str,
) -> Incident {
    Incident {
        title: title.into(),
        severity: Some("SEV-2 <b>".into()),
        template: TemplateKind::StatusPage.into(),
        components: components
            .iter()
            .map(|(id, level)| Affected {
                id: id.to_string(),
                level: *level,
            })
            .collect(),
        updates,
        body: body.into(),
        ..Incident::new(slug, started, resolved)
    }
}

fn window(
    slug: &str,
    title: &str,
    starts: DateTime<Utc>,
    hours: i64,
    components: &[&str],
    status: Option<MaintenanceStatus>,
    body: &str,
) -> Maintenance {
    Maintenance {
        title: title.into(),
        components: components.iter().map(|s| s.to_string()).collect(),
        status,
        body: body.into(),
        ..Maintenance::new(slug, starts, starts + chrono::Duration::hours(hours))
    }
}

fn hostile_site(base_url: &str) -> Site {
    let long_cjk = "数据库升级".repeat(20);
    Site {
        root: ".".into(),
        config: Config {
            description: "Status of <everything> & more 😀".into(),
            ..Config::with_defaults(
                TITLE,
                base_url,
                chrono_tz::Europe::Berlin,
                vec![
                    component("api", "Public API <&>", Some("Core & \"platform\""), 0),
                    component("auth", "认证 API 😀", Some("Core & \"platform\""), 1),
                    component("web", "Web \"site\"\u{1}", None, 2),
                ],
            )
        },
        incidents: vec![
            incident(
                "api-slow",
                "API slow & <flaky>",
                at(3, 15, 8, 0),
                None,
                &[("api", Level::DegradedPerformance)],
                vec![
                    update(
                        at(3, 15, 8, 0),
                        UpdateStatus::Investigating,
                        "Looking ; , \\ into it",
                    ),
                    update(
                        at(3, 15, 8, 30),
                        UpdateStatus::Identified,
                        "Found it: <img src=x onerror=alert(1)>",
                    ),
                ],
                "",
            ),
            incident(
                "auth-outage",
                HOSTILE_INCIDENT,
                at(3, 14, 9, 36),
                Some(at(3, 14, 10, 6)),
                &[
                    ("auth", Level::MajorOutage),
                    ("api", Level::DegradedPerformance),
                ],
                vec![
                    update(
                        at(3, 14, 9, 36),
                        UpdateStatus::Investigating,
                        "Login failures \u{0}& <b>bold</b>",
                    ),
                    update(
                        at(3, 14, 9, 50),
                        UpdateStatus::Monitoring,
                        "Rolled back ]]> \"ok\" 'ok'",
                    ),
                    update(at(3, 14, 10, 6), UpdateStatus::Resolved, "Resolved 🎉 完了"),
                ],
                "## Summary\n\nA load balancer <script>x</script> misconfiguration & more.",
            ),
        ],
        maintenance: vec![
            window(
                "net-move",
                "Network move, phase 2; \\ careful",
                at(3, 22, 1, 0),
                2,
                &["web"],
                Some(MaintenanceStatus::Cancelled),
                "Cancelled.",
            ),
            window(
                "db-upgrade",
                &format!("DB upgrade {long_cjk}"),
                at(3, 20, 2, 0),
                2,
                &["api", "auth"],
                None,
                "We upgrade; expect *short* errors, maybe.\n\n<script>alert(1)</script>\n\n- a \u{7}\n- b 😀",
            ),
            window(
                "old-window",
                "Old window",
                at(3, 1, 2, 0),
                2,
                &["api"],
                None,
                "",
            ),
        ],
        checks: Default::default(),
    }
}

fn write_all(dir: &Path, files: &[OutputFile]) {
    for f in files {
        let path = dir.join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &f.bytes).unwrap();
    }
}

fn render_all(site: &Site, now: DateTime<Utc>, dir: &Path) {
    let uptime = |id: &str| match id {
        "api" => Some(99.98),
        "auth" => Some(99.5),
        _ => None,
    };
    let mut files = render_feeds(site, &Derived::new(site, now));
    files.push(render_ics(site, now));
    files.extend(render_api(site, &Derived::new(site, now)));
    files.extend(render_badges(site, &Derived::new(site, now), &uptime));
    write_all(dir, &files);
}

fn run_checker(dir: &Path, expect: &serde_json::Value) {
    let expect_path = dir.join("expect.json");
    std::fs::write(&expect_path, serde_json::to_vec_pretty(expect).unwrap()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/feeds/check_feeds.py");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let out = Command::new(&python)
        .arg(&script)
        .arg(dir)
        .arg("--expect")
        .arg(&expect_path)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e} (python3 is required)"));
    assert!(
        out.status.success(),
        "check_feeds.py failed ({}):\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn entries(base: &str, items: &[(&str, &str)]) -> serde_json::Value {
    items
        .iter()
        .map(|(title, path)| json!([title, format!("{base}{path}")]))
        .collect()
}

#[test]
fn hostile_site_under_a_sub_path_reads_back() {
    let base = "https://example.org/status/";
    let site = hostile_site(base);
    let now = at(3, 16, 0, 0);
    let dir = tempfile::tempdir().unwrap();
    render_all(&site, now, dir.path());

    let db_title = format!("Maintenance: DB upgrade {}", "数据库升级".repeat(20));
    let net = (
        "Maintenance: Network move, phase 2; \\ careful",
        "maintenance/net-move/",
    );
    let db = (db_title.as_str(), "maintenance/db-upgrade/");
    let slow = ("API slow & <flaky>", "incidents/api-slow/");
    let auth = (HOSTILE_INCIDENT_CLEAN, "incidents/auth-outage/");
    let old = ("Maintenance: Old window", "maintenance/old-window/");
    let expect = json!({
        "feeds": {
            "": entries(base, &[net, db, slow, auth, old]),
            "components/api/": entries(base, &[db, slow, auth, old]),
            "components/auth/": entries(base, &[db, auth]),
            "components/web/": entries(base, &[net]),
        },
        "ics": {
            "net-move@status.example.org": "CANCELLED",
            "db-upgrade@status.example.org": "CONFIRMED",
            "old-window@status.example.org": "CONFIRMED",
        },
        "unresolved": 1,
        "upcoming": 1,
        "active": 0,
        "incident_names": ["API slow & <flaky>", HOSTILE_INCIDENT_CLEAN],
        "badges": {
            "badge.svg": "Acme <Status> & \"Co\": Degraded performance",
            "components/api/badge.svg": "Public API <&>: degraded performance, 99.98% uptime over 90 days",
            "components/auth/badge.svg": "认证 API 😀: operational, 99.50% uptime over 90 days",
            "components/web/badge.svg": "Web \"site\": operational",
        },
    });
    run_checker(dir.path(), &expect);
}

#[test]
fn during_maintenance_at_domain_root() {
    let base = "https://status.example.com/";
    let site = hostile_site(base);
    let now = at(3, 20, 3, 0);
    let dir = tempfile::tempdir().unwrap();
    render_all(&site, now, dir.path());
    let expect = json!({
        "ics": {
            "net-move@status.example.com": "CANCELLED",
            "db-upgrade@status.example.com": "CONFIRMED",
            "old-window@status.example.com": "CONFIRMED",
        },
        "unresolved": 1,
        "upcoming": 0,
        "active": 1,
        "badges": {
            "components/auth/badge.svg": "认证 API 😀: under maintenance, 99.50% uptime over 90 days",
        },
    });
    run_checker(dir.path(), &expect);
}

#[test]
fn same_input_and_now_give_same_bytes() {
    let site = hostile_site("https://example.org/status/");
    let now = at(3, 16, 0, 0);
    let a = (
        render_feeds(&site, &Derived::new(&site, now)),
        render_ics(&site, now),
        render_api(&site, &Derived::new(&site, now)),
    );
    let b = (
        render_feeds(&site, &Derived::new(&site, now)),
        render_ics(&site, now),
        render_api(&site, &Derived::new(&site, now)),
    );
    assert_eq!(a, b);
}
