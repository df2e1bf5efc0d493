//! A short coverage-guided fuzzing run (AFL++ via cargo-afl) of every fuzz target, from
//! the corpus in fuzz/corpus: any crash or hang fails the test. Longer campaigns:
//! `bash scripts/fuzz.sh 600` (see docs/fuzzing.md). The corpus itself is replayed by
//! the unit test `fuzz_targets::tests::corpus_replays_cleanly`.

use std::process::Command;

/// Seconds per target: three targets keep the run near a minute.
const SECONDS: &str = "15";

#[test]
fn short_fuzzing_run_finds_nothing() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("bash")
        .arg(format!("{root}/scripts/fuzz.sh"))
        .arg(SECONDS)
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stdout}");
    assert!(
        out.status.success(),
        "fuzzing found a problem (or could not run; scripts/install-test-deps.sh installs cargo-afl):\n{stdout}\n{stderr}"
    );
    for target in ["front_matter", "markdown", "serve_request"] {
        assert!(
            stdout.contains(&format!("fuzz: {target}: ")),
            "{target} did not run:\n{stdout}"
        );
    }
}
