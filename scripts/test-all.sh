#!/usr/bin/env bash
# Runs every test of statusgen, installing what the tests need first:
# formatting and lints, unit and integration tests (feeds checked by Python's feedparser
# and icalendar), then the browser suite (Nu HTML Checker, axe-core in Debian's Chromium)
# over the demo site and the fixture sites.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== installing test dependencies"
bash scripts/install-test-deps.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --all-targets --quiet -- -D warnings

echo "== cargo test"
cargo test --all-targets

echo "== browser suite"
bash tests/browser/run-suite.sh
