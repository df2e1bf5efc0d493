//! Snapshots of everything the basic fixture site builds (pages, feeds, calendar, API,
//! badges, sitemap), so a change to the theme or a renderer shows as a reviewable diff
//! in `tests/snapshots/basic/`. After an intended change, review and accept with
//! `INSTA_UPDATE=always cargo test --test fixture_snapshots` (or `cargo insta review`).

mod common;

#[test]
fn the_basic_site_builds_as_snapshotted() {
    let (tmp, site) = common::copy_fixture("basic");
    let out = tmp.path().join("out");
    let o = common::build(&site, &out, &[]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let files = common::tree(&out);
    // The theme's static files are copied as they are; the build marker is not content.
    // The status favicons' ICO files are binary (tested in `render::favicon` and tests/brand.rs).
    let skipped = ["style.css", "favicon.svg", "localtime.js", ".statusgen"];
    let skip = |p: &str| skipped.contains(&p) || p.ends_with(".ico");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots/basic");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let snapshotted: Vec<String> = files
        .keys()
        .filter(|p| !skip(p))
        .map(|p| format!("{}.snap", p.replace('/', "__")))
        .collect();
    // A file the site no longer builds must not keep a snapshot.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/basic");
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                !name.ends_with(".snap") || snapshotted.contains(&name),
                "{name} is a snapshot of a file the site no longer builds: delete it"
            );
        }
    }
    settings.bind(|| {
        for (path, bytes) in &files {
            if skip(path) {
                continue;
            }
            let text = String::from_utf8(bytes.clone()).expect("text output");
            insta::assert_snapshot!(path.replace('/', "__"), text);
        }
    });
}
