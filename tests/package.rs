//! `cargo package` succeeds and ships what a build from crates.io needs: the embedded
//! theme, the build script that translates it for askama, askama's configuration, the licence and the README.
//! Not verified here (that compiles the crate again, minutes); the release workflow's
//! builds and `cargo package` without `--no-verify` do that.

use std::process::Command;

#[test]
fn cargo_package_lists_every_file_a_build_needs() {
    let tmp = tempfile::tempdir().unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        // A target folder of its own: the one of `cargo test` is locked while tests run.
        .args([
            "package",
            "--no-verify",
            "--allow-dirty",
            "--offline",
            "--target-dir",
        ])
        .arg(tmp.path())
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let crate_file = tmp.path().join(format!(
        "package/statusgen-{}.crate",
        env!("CARGO_PKG_VERSION")
    ));
    let list = Command::new("tar")
        .arg("-tzf")
        .arg(&crate_file)
        .output()
        .expect("tar runs");
    let list = String::from_utf8_lossy(&list.stdout);
    let prefix = format!("statusgen-{}/", env!("CARGO_PKG_VERSION"));
    for f in [
        "Cargo.toml",
        "Cargo.lock",
        "LICENSE",
        "README.md",
        "askama.toml",
        "src/main.rs",
        "build.rs",
        "src/render/compiled/translate.rs",
        "themes/default/templates/maintenance.html",
        "themes/default/static/style.css",
    ] {
        assert!(
            list.lines().any(|l| l == format!("{prefix}{f}")),
            "{f} missing:\n{list}"
        );
    }
    // Nothing of the repo's own site, tests or CI.
    assert!(
        !list.contains("/tests/") && !list.contains("/content/") && !list.contains(".github"),
        "{list}"
    );
}
