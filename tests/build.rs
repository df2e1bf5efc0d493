//! The real binary on fixture sites: happy path, sub-paths, bad input, drafts,
//! determinism, atomicity, output-folder safety and hostile content.

mod common;

use common::*;

#[test]
fn builds_every_page_of_the_basic_site() {
    let (tmp, site) = copy_fixture("basic");
    let out = tmp.path().join("out");
    let o = build(&site, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    for p in [
        "index.html",
        "404.html",
        "history/index.html",
        "incidents/2026-03-14-auth-outage/index.html",
        "incidents/2026-04-14-api-slow/index.html",
        "maintenance/2026-04-20-db-upgrade/index.html",
        "sitemap.xml",
        "robots.txt",
    ] {
        assert!(out.join(p).is_file(), "missing {p}");
    }
    let index = read(&out, "index.html");
    // The slow-API incident is ongoing at NOW: the API shows degraded performance.
    assert!(index.contains("Degraded performance"), "{index}");
    assert!(index.contains("Slow API responses"));
    let incident = read(&out, "incidents/2026-03-14-auth-outage/index.html");
    // Times are shown in the site timezone with the offset.
    assert!(incident.contains("10:36"), "{incident}");
    assert!(incident.contains("UTC+01:00") || incident.contains("+01:00"));
    assert!(incident.contains("datetime=\"2026-03-14T09:36:00"));
    assert!(incident.contains("Validate load-balancer config before deploy"));
    assert!(incident.contains("<table"));
}

#[test]
fn every_root_relative_link_carries_the_sub_path() {
    let (tmp, site) = copy_fixture("basic");
    let out = tmp.path().join("out");
    let o = build(
        &site,
        &out,
        &["--base-url", "https://acme.example/deep/sub/path/"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let mut pages = 0;
    for (path, bytes) in tree(&out) {
        if !path.ends_with(".html") {
            continue;
        }
        pages += 1;
        let html = String::from_utf8(bytes).unwrap();
        for attr in ["href=\"/", "src=\"/", "action=\"/"] {
            for (i, _) in html.match_indices(attr) {
                let rest = &html[i + attr.len() - 1..];
                assert!(
                    rest.starts_with("/deep/sub/path/"),
                    "{path}: link without sub-path: {}",
                    &rest[..rest.len().min(60)]
                );
            }
        }
    }
    assert!(pages >= 5);
    assert!(read(&out, "sitemap.xml").contains("https://acme.example/deep/sub/path/incidents/"));
}

#[test]
fn bad_input_reports_every_problem_and_writes_nothing() {
    let (tmp, site) = copy_fixture("bad");
    let out = tmp.path().join("out");
    let o = build(&site, &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.exists());
    // Files are named from the current directory (here: the temp site's absolute path).
    insta::assert_snapshot!(
        "bad_site_diagnostics",
        stderr(&o)
            .replace(&out.display().to_string(), "[OUT]")
            .replace(&site.display().to_string(), "[SITE]")
    );
}

#[test]
fn check_reports_the_same_problems_and_exits_1() {
    let o = statusgen(&["check", "--root", fixture("bad").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("content/incidents/typos.md:2:1: error: unknown key `titel`"),
        "{err}"
    );
    assert!(err.contains("did you mean `title`?"));
}

#[test]
fn a_broken_file_leaves_the_previous_output_untouched() {
    let (tmp, site) = copy_fixture("basic");
    let out = tmp.path().join("out");
    assert!(build(&site, &out, &[]).status.success());
    let before = tree(&out);
    std::fs::write(
        site.join("content/incidents/2026-04-14-api-slow.md"),
        "+++\ntitle = \"Slow\"\nimpact = \"minor\"\nstarted = 2026-04-14T23:30:00\ncomponents = [\"apx\"]\n+++\n",
    )
    .unwrap();
    let o = build(&site, &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(
            "content/incidents/2026-04-14-api-slow.md:5:15: error: unknown component \"apx\""
        ),
        "{err}"
    );
    assert_eq!(tree(&out), before);
}

#[test]
fn a_page_failing_mid_render_leaves_the_previous_output_untouched() {
    // Incident pages are written into the new tree while the others render: a page
    // that fails late must still leave the old output as it was, and no new tree behind.
    let (tmp, site) = copy_fixture("basic");
    let out = tmp.path().join("out");
    assert!(build(&site, &out, &[]).status.success());
    let before = tree(&out);
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let incident =
        std::fs::read_to_string(base.join("themes/default/templates/incident.html")).unwrap();
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(
        site.join("templates/incident.html"),
        incident.replace(
            "<h1>{{ i.title }}</h1>",
            "<h1>{{ i.title }}</h1>{% if i.slug == \"2026-04-14-api-slow\" %}{{ page.no_such_value }}{% endif %}",
        ),
    )
    .unwrap();
    let o = build(&site, &out, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("no_such_value"), "{}", stderr(&o));
    assert_eq!(tree(&out), before);
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("statusgen"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn the_written_tree_is_the_rendered_site() {
    // `build` writes incident pages as they render and the rest afterwards; the tree
    // must hold exactly what an in-memory render (what `serve` serves) holds.
    let (tmp, site) = copy_fixture("basic");
    let out = tmp.path().join("out");
    assert!(build(&site, &out, &["--drafts"]).status.success());
    let opts = statusgen::load::LoadOptions {
        drafts: true,
        ..Default::default()
    };
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap().into();
    let (_, files, _) = statusgen::build::build_in_memory(&site, &opts, now).unwrap();
    let mut expected: std::collections::BTreeMap<String, Vec<u8>> =
        files.into_iter().map(|f| (f.path, f.bytes)).collect();
    let mut written = tree(&out);
    assert!(written.remove(statusgen::output::MARKER).is_some());
    assert!(expected.keys().any(|p| p.starts_with("incidents/")));
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in written {
        assert!(expected.remove(&path) == Some(bytes), "{path} differs");
    }
}

#[test]
fn builds_are_byte_identical() {
    let (tmp, site) = copy_fixture("basic");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert!(build(&site, &a, &[]).status.success());
    assert!(build(&site, &b, &[]).status.success());
    assert_eq!(tree(&a), tree(&b));
    // SOURCE_DATE_EPOCH fixes "now" the same way.
    let c = tmp.path().join("c");
    let o = assert_cmd::Command::cargo_bin("statusgen")
        .unwrap()
        .args([
            "build",
            "--root",
            site.to_str().unwrap(),
            "--output",
            c.to_str().unwrap(),
        ])
        .env("SOURCE_DATE_EPOCH", "1776254400") // 2026-04-15T12:00:00Z
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(tree(&a), tree(&c));
}

#[test]
fn drafts_stay_out_unless_asked_for() {
    let (tmp, site) = copy_fixture("basic");
    let out = tmp.path().join("out");
    assert!(build(&site, &out, &[]).status.success());
    for (path, bytes) in tree(&out) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("DRAFTSECRET"),
            "draft leaked into {path}"
        );
        assert!(!path.contains("draft"), "{path}");
    }
    let with = tmp.path().join("with");
    assert!(build(&site, &with, &["--drafts"]).status.success());
    assert!(read(&with, "incidents/2026-04-01-draft/index.html").contains("DRAFTSECRET"));
}

#[test]
fn refuses_dangerous_output_folders() {
    let (tmp, site) = copy_fixture("basic");
    for out in [
        site.clone(),
        tmp.path().to_path_buf(),
        site.join("content"),
        site.join("content/incidents/x"),
    ] {
        let o = build(&site, &out, &[]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{}: {}",
            out.display(),
            stderr(&o)
        );
        assert!(stderr(&o).contains("refusing"));
    }
    // A folder statusgen did not write is never replaced.
    let foreign = tmp.path().join("mine");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("thesis.tex"), "precious").unwrap();
    let o = build(&site, &foreign, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(foreign.join("thesis.tex")).unwrap(),
        "precious"
    );
    assert!(
        site.join("content/incidents/2026-04-14-api-slow.md")
            .is_file()
    );
}

#[test]
fn hostile_content_is_inert() {
    let (tmp, site) = copy_fixture("hostile");
    let out = tmp.path().join("out");
    let o = build(&site, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut html_pages = 0;
    for (path, bytes) in tree(&out) {
        if path.ends_with(".html") {
            html_pages += 1;
            let html = String::from_utf8(bytes).unwrap();
            assert_eq!(active_content(&html), Vec::<String>::new(), "{path}");
        }
    }
    assert!(html_pages >= 3);
    let page = read(&out, "incidents/hostile/index.html");
    assert!(
        page.contains("&lt;script&gt;"),
        "the title is shown escaped, not dropped"
    );
}

#[test]
fn help_is_available_everywhere() {
    for args in [
        vec!["--help"],
        vec!["build", "--help"],
        vec!["check", "--help"],
    ] {
        let o = statusgen(&args);
        assert!(o.status.success());
        assert!(String::from_utf8_lossy(&o.stdout).contains("Usage"));
    }
    let o = statusgen(&["build", "--now", "yesterday"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_active_content_scanner_catches_what_it_should() {
    assert_eq!(active_content("<a href=\" JavaScript:x\">x</a>").len(), 1);
    assert_eq!(active_content("<img src=x onerror=alert(1)>").len(), 1);
    assert_eq!(active_content("<p>ok</p><script>x</script>").len(), 1);
    assert_eq!(
        active_content("<script src=\"/s/localtime.js?v=0123abcd\" defer></script>").len(),
        0
    );
    assert_eq!(
        active_content("<script src=\"https://evil.example/localtime.js?v=0123abcd\"></script>")
            .len(),
        1
    );
    assert!(
        active_content("<meta content=\"&quot; onmouseover=&quot;x\"><p>&lt;script&gt;</p>")
            .is_empty()
    );
}
