//! `statusgen theme eject` on a real site, through the real binary.

mod common;

use common::{build, copy_fixture, statusgen, stderr, tree};

fn eject(root: &std::path::Path, names: &[&str]) -> std::process::Output {
    let mut args = vec!["theme", "eject", "--root", root.to_str().unwrap()];
    args.extend_from_slice(names);
    statusgen(&args)
}

#[test]
fn ejected_files_are_the_built_in_theme_and_build_the_same_site() {
    let (tmp, site) = copy_fixture("basic");
    let before = tmp.path().join("before");
    assert!(build(&site, &before, &[]).status.success());

    let out = eject(&site, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = String::from_utf8_lossy(&out.stdout);
    assert_eq!(listed.lines().count(), 11, "{listed}");
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in ["index.html", "base.html", "macros.html", "uptime.html"] {
        assert_eq!(
            std::fs::read(site.join("templates").join(name)).unwrap(),
            std::fs::read(repo.join("themes/default/templates").join(name)).unwrap(),
            "{name}"
        );
    }
    assert_eq!(
        std::fs::read(site.join("static/style.css")).unwrap(),
        std::fs::read(repo.join("themes/default/static/style.css")).unwrap()
    );

    // Every page now renders with Tera from the ejected files: the same bytes.
    let after = tmp.path().join("after");
    assert!(build(&site, &after, &[]).status.success());
    assert!(
        tree(&before) == tree(&after),
        "ejecting changed the built site"
    );
}

#[test]
fn eject_never_overwrites_and_refuses_unknown_names() {
    let (_tmp, site) = copy_fixture("basic");
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(site.join("templates/incident.html"), "{# mine #}").unwrap();

    let out = eject(&site, &["incident.html", "index"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("kept"), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("index.html"));
    assert_eq!(
        std::fs::read_to_string(site.join("templates/incident.html")).unwrap(),
        "{# mine #}"
    );
    assert!(
        !site.join("static/style.css").exists(),
        "only the named files"
    );

    let out = eject(&site, &["nope.html"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("choose from 404.html"),
        "{}",
        stderr(&out)
    );

    let empty = tempfile::tempdir().unwrap();
    let out = eject(empty.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no site.toml"), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(empty.path()).unwrap().count(), 0);
}
