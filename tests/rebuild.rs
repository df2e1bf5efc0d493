//! `serve`'s rebuilds reuse parsed files, the compiled theme and rendered pages; whatever
//! is edited, their output must equal a fresh build's, byte for byte.

mod common;

use chrono::{DateTime, Utc};
use statusgen::build::{Rebuilder, build_in_memory};
use statusgen::load::LoadOptions;

fn now(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn assert_same(rb: &Rebuilder, root: &std::path::Path, at: DateTime<Utc>, step: &str) {
    let opts = LoadOptions::default();
    let (_, cached, _) = rb
        .build(root, &opts, at)
        .unwrap_or_else(|d| panic!("{step}: {d:?}"));
    let (_, fresh, _) = build_in_memory(root, &opts, at).unwrap();
    assert_eq!(cached.len(), fresh.len(), "{step}: file count");
    for (a, b) in cached.iter().zip(&fresh) {
        assert_eq!(a.path, b.path, "{step}");
        assert!(
            a.bytes == b.bytes,
            "{step}: {} differs from a fresh build",
            a.path
        );
    }
}

#[test]
fn cached_rebuilds_equal_fresh_builds() {
    let (_tmp, site) = common::copy_fixture("basic");
    let rb = Rebuilder::default();
    let t0 = now("2026-04-15T12:00:00Z");
    assert_same(&rb, &site, t0, "first build");

    let file = site.join("content/incidents/2026/2026-03-14-auth-outage.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("Authentication API outage", "Login outage") + "\nMore detail.\n",
    )
    .unwrap();
    assert_same(&rb, &site, t0, "incident edited");

    let config = site.join("site.toml");
    let cfg = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        cfg.replace("name = \"Public API\"", "name = \"REST API\""),
    )
    .unwrap();
    assert_same(&rb, &site, t0, "component renamed");

    std::fs::create_dir_all(site.join("templates")).unwrap();
    let base = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html"),
    )
    .unwrap();
    std::fs::write(
        site.join("templates/base.html"),
        base.replace("Skip to content", "Jump to content"),
    )
    .unwrap();
    assert_same(&rb, &site, t0, "template overridden");

    std::fs::remove_file(site.join("content/incidents/2026-04-14-api-slow.md")).unwrap();
    assert_same(&rb, &site, t0, "incident removed");

    assert_same(&rb, &site, now("2026-04-16T08:30:00Z"), "time moved on");
}
