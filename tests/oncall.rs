//! The on-call path through the real binary: `init`, `new incident`, `update`, `resolve`
//! (run from inside `content/incidents/`, without --root), `check`, `build`; what a
//! refused command leaves behind (nothing); maintenance updates; time arguments.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs statusgen in `cwd`, "now" fixed by SOURCE_DATE_EPOCH unless a flag gives it.
fn run_in(cwd: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("statusgen")
        .expect("binary")
        .current_dir(cwd)
        .args(args)
        // 2026-04-15T12:00:00Z
        .env("SOURCE_DATE_EPOCH", "1776254400")
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn ok(r: Run) -> Run {
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    r
}

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.insert(e.path(), std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

/// A site from `init` in a temp folder (with its CI workflow, as a new user gets it).
fn init_site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("status");
    ok(run_in(tmp.path(), &["init", "status"]));
    (tmp, site)
}

/// The lines of `new` not in `old`, checking every line of `old` is still there, byte
/// for byte and in order.
fn inserted(old: &str, new: &str) -> Vec<String> {
    let mut old_lines = old.split_inclusive('\n').peekable();
    let mut extra = Vec::new();
    for line in new.split_inclusive('\n') {
        if old_lines.peek() == Some(&line) {
            old_lines.next();
        } else {
            extra.push(line.to_string());
        }
    }
    let missing: Vec<&str> = old_lines.collect();
    assert!(
        missing.is_empty(),
        "lines of the original are gone: {missing:?}\n{new}"
    );
    extra
}

#[test]
fn the_on_call_engineers_path_from_new_to_resolved() {
    let (_tmp, site) = init_site();
    let created = ok(run_in(
        &site,
        &[
            "new",
            "incident",
            "Payment API errors",
            "--components",
            "api",
            "--now",
            "2026-04-15 10:00",
        ],
    ));
    let rel = created.stdout.trim().to_string();
    let file = site.join(&rel);
    assert!(rel.ends_with("2026-04-15-payment-api-errors.md"), "{rel}");
    let original = std::fs::read_to_string(&file).unwrap();

    let incidents = site.join("content/incidents");
    // A unique prefix without the date, from inside content/incidents/ and without --root.
    ok(run_in(
        &incidents,
        &[
            "update",
            "payment",
            "--status",
            "identified",
            "--message",
            "A faulty deploy of the payment API is the cause; we are rolling it back.",
            "--at",
            "2026-04-15 10:20",
        ],
    ));
    let after_identified = std::fs::read_to_string(&file).unwrap();
    // Only the new entry was added: every other byte is where it was.
    let extra = inserted(&original, &after_identified);
    assert_eq!(
        extra.concat(),
        "[[updates]]\nat = 2026-04-15T10:20:00+00:00\nstatus = \"identified\"\nmessage = \"A faulty deploy of the payment API is the cause; we are rolling it back.\"\n\n"
    );
    ok(run_in(
        &incidents,
        &[
            "update",
            "2026-04-15-payment-api-errors",
            "--status",
            "monitoring",
            "--component",
            "api=degraded_performance",
            "--message",
            "The rollback is done; error rates are falling. We are monitoring.",
            "--at",
            "2026-04-15T10:40:00Z",
        ],
    ));
    let name = Path::new(&rel)
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let resolved = ok(run_in(
        &incidents,
        &["resolve", &name, "--at", "2026-04-15 11:00"],
    ));
    assert!(
        resolved
            .stderr
            .contains("posted \"resolved\" to incident 2026-04-15-payment-api-errors"),
        "{}",
        resolved.stderr
    );
    let last = std::fs::read_to_string(&file).unwrap();

    // Every comment, the body and everything but the components line are kept.
    let without_components = |s: &str| {
        s.split_inclusive('\n')
            .filter(|l| !l.starts_with("components = "))
            .collect::<String>()
    };
    let extra = inserted(&without_components(&original), &without_components(&last));
    assert!(
        extra.contains(&"resolved = 2026-04-15T11:00:00+00:00\n".to_string()),
        "{extra:?}"
    );
    assert!(
        original
            .lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .count()
            >= 8
    );
    let body = |s: &str| s.split("\n+++\n").nth(1).unwrap().to_string();
    assert_eq!(body(&last), body(&original));
    assert!(
        last.contains("components = { api = \"degraded_performance\" }"),
        "{last}"
    );

    ok(run_in(&incidents, &["check", "--now", "2026-04-15 12:00"]));
    ok(run_in(&incidents, &["build", "--now", "2026-04-15 12:00"]));
    let page = std::fs::read_to_string(
        site.join("public/incidents/2026-04-15-payment-api-errors/index.html"),
    )
    .unwrap();
    // Newest first, as the page shows a timeline.
    let order: Vec<usize> = [
        "This incident has been resolved",
        "We are monitoring.",
        "we are rolling it back.",
        "We are investigating reports of problems: Payment API errors.",
    ]
    .iter()
    .map(|m| {
        page.find(m)
            .unwrap_or_else(|| panic!("{m} missing from the page"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert_eq!(page.matches("class=\"timeline-item update-").count(), 4);
    assert!(page.contains("<strong class=\"update-status\">Resolved</strong>"));
    let api: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.join("public/api/v2/incidents.json")).unwrap(),
    )
    .unwrap();
    let inc = api["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "Payment API errors")
        .unwrap();
    assert_eq!(inc["incident_updates"].as_array().unwrap().len(), 4);
    assert!(inc["resolved_at"].is_string());

    // A second resolve is refused and changes nothing.
    let again = run_in(&incidents, &["resolve", "payment"]);
    assert_eq!(again.code, 1);
    assert!(
        again.stderr.contains("was resolved at 2026-04-15 11:00"),
        "{}",
        again.stderr
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), last);
}

#[test]
fn unknown_or_ambiguous_names_exit_1_with_candidates_and_change_nothing() {
    let (_tmp, site) = init_site();
    ok(run_in(&site, &["new", "incident", "Login failures"]));
    ok(run_in(&site, &["new", "incident", "Login slow"]));
    let before = tree(&site);

    let r = run_in(
        &site,
        &[
            "update",
            "logn-failures",
            "--status",
            "identified",
            "--message",
            "m",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("no incident or maintenance window \"logn-failures\""),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("did you mean"), "{}", r.stderr);
    assert!(r.stderr.contains("nothing was written"));

    let r = run_in(
        &site,
        &[
            "update",
            "login",
            "--status",
            "identified",
            "--message",
            "m",
        ],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("\"login\" matches 2 files"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("2026-04-15-login-failures")
            && r.stderr.contains("2026-04-15-login-slow")
    );

    // Bad arguments: wrong level, unknown component, a status of the other kind.
    for args in [
        &[
            "update",
            "login-f",
            "--status",
            "identified",
            "--message",
            "m",
            "--component",
            "api=down",
        ][..],
        &[
            "update",
            "login-f",
            "--status",
            "identified",
            "--message",
            "m",
            "--component",
            "db=major_outage",
        ][..],
        &[
            "update",
            "login-f",
            "--status",
            "completed",
            "--message",
            "m",
        ][..],
        &["resolve", "database", "--at", "29/03/2026"][..],
    ] {
        let r = run_in(&site, args);
        assert_ne!(r.code, 0, "{args:?}");
    }
    // A status of neither vocabulary is a usage error.
    assert_eq!(
        run_in(
            &site,
            &["update", "login-f", "--status", "fixed", "--message", "m"]
        )
        .code,
        2
    );
    assert_eq!(tree(&site), before);
}

#[test]
fn a_broken_file_is_reported_and_left_alone() {
    let (_tmp, site) = init_site();
    let path = ok(run_in(&site, &["new", "incident", "Broken"]))
        .stdout
        .trim()
        .to_string();
    let file = site.join(path);
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("impact = \"minor\"", "impact = \"huge\"");
    std::fs::write(&file, &text).unwrap();
    let r = run_in(
        &site,
        &[
            "update",
            "broken",
            "--status",
            "identified",
            "--message",
            "m",
        ],
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("2026-04-15-broken.md:3"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    let names: Vec<String> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.contains("statusgen.tmp")),
        "{names:?}"
    );
}

#[test]
fn a_linked_file_outside_the_site_is_not_edited() {
    let (tmp, site) = init_site();
    let path = ok(run_in(&site, &["new", "incident", "Linked"]))
        .stdout
        .trim()
        .to_string();
    let inside = site.join(&path);
    let outside = tmp.path().join("elsewhere.md");
    std::fs::rename(&inside, &outside).unwrap();
    std::os::unix::fs::symlink(&outside, &inside).unwrap();
    let before = std::fs::read(&outside).unwrap();
    let r = run_in(
        &site,
        &["update", &path, "--status", "identified", "--message", "m"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("nothing was written"), "{}", r.stderr);
    assert_eq!(std::fs::read(&outside).unwrap(), before);
}

#[test]
fn maintenance_windows_take_updates_and_show_them() {
    let (_tmp, site) = init_site();
    let maint = site.join("content/maintenance");
    let file = std::fs::read_dir(&maint)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let original = std::fs::read_to_string(&file).unwrap();
    ok(run_in(
        &maint,
        &[
            "update",
            "database",
            "--status",
            "in_progress",
            "--message",
            "The upgrade has started.",
            "--at",
            "2026-04-22 02:00",
        ],
    ));
    ok(run_in(
        &maint,
        &["resolve", "database", "--at", "2026-04-22 02:45"],
    ));
    let text = std::fs::read_to_string(&file).unwrap();
    let extra = inserted(&original, &text);
    assert!(
        extra.contains(&"status = \"completed\"\n".to_string()),
        "{text}"
    );
    ok(run_in(&site, &["check"]));
    ok(run_in(&site, &["build"]));
    let slug = file.file_stem().unwrap().to_str().unwrap();
    let page = std::fs::read_to_string(site.join(format!("public/maintenance/{slug}/index.html")))
        .unwrap();
    let done = page
        .find("The scheduled maintenance has been completed.")
        .unwrap();
    let started = page.find("The upgrade has started.").unwrap();
    assert!(done < started, "newest first");
    assert!(
        page.contains("update-in_progress") && page.contains("maint-completed"),
        "{page}"
    );
    // An incident's words and levels are refused for a window.
    let r = run_in(
        &site,
        &[
            "update",
            "database",
            "--status",
            "identified",
            "--message",
            "m",
        ],
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("is a maintenance window"), "{}", r.stderr);
}

#[test]
fn new_refuses_an_empty_title_and_transliterates_others() {
    let (_tmp, site) = init_site();
    let before = tree(&site);
    let r = run_in(&site, &["new", "incident", "  "]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("the title is empty"), "{}", r.stderr);
    assert_eq!(tree(&site), before);
    let r = ok(run_in(
        &site,
        &["new", "incident", "Überlastung der Zahlungs-API"],
    ));
    assert!(
        r.stdout
            .trim()
            .ends_with("2026-04-15-uberlastung-der-zahlungs-api.md"),
        "{}",
        r.stdout
    );
    let r = ok(run_in(&site, &["new", "incident", "Сбой оплаты"]));
    assert!(
        r.stdout.trim().ends_with("2026-04-15-sboi-oplaty.md"),
        "{}",
        r.stdout
    );
}

#[test]
fn every_command_finds_the_site_from_below_and_reads_local_times() {
    let (_tmp, site) = init_site();
    let deep = site.join("content/incidents");
    let r = ok(run_in(
        &deep,
        &[
            "new",
            "maintenance",
            "Network upgrade",
            "--starts",
            "2026-05-01 22:00",
            "--ends",
            "2026-05-02T01:00:00+02:00",
        ],
    ));
    // The path is printed relative to where the command ran.
    let text = std::fs::read_to_string(deep.join(r.stdout.trim())).unwrap();
    assert!(
        text.contains("starts = 2026-05-01T22:00:00+00:00"),
        "{text}"
    );
    assert!(text.contains("ends = 2026-05-01T23:00:00+00:00"), "{text}");
    // `build --now` in the site's timezone means the same instant as RFC 3339.
    ok(run_in(
        &deep,
        &["build", "--now", "2026-04-15 12:00", "--output", "../../a"],
    ));
    ok(run_in(
        &deep,
        &[
            "build",
            "--now",
            "2026-04-15T12:00:00Z",
            "--output",
            "../../b",
        ],
    ));
    assert_eq!(
        tree(&site.join("a")).into_values().collect::<Vec<_>>(),
        tree(&site.join("b")).into_values().collect::<Vec<_>>()
    );
    let r = run_in(&deep, &["build", "--now", "noon"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("\"noon\" is not a time"), "{}", r.stderr);
    // Outside any site, the missing site.toml is reported with its fix.
    let outside = tempfile::tempdir().unwrap();
    let r = run_in(outside.path(), &["check"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("statusgen init"), "{}", r.stderr);
}
