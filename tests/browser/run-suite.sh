#!/usr/bin/env bash
# The browser suite over real statusgen builds: the demo site at the repo root and the
# fixture sites, each built with a fixed "now" and checked by check-site.mjs (Nu HTML
# Checker, axe-core in Chromium, no-JS, links, screenshots). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
out="$repo/tests/browser/out"
rm -rf "$out"
mkdir -p "$out/shots"
cargo build --quiet
bin="$repo/target/debug/statusgen"

echo "== harness self-test"
bash tests/browser/selftest.sh

status=0
check() { # name root base-url base-path [extra build args...]
  local name=$1 root=$2 url=$3 path=$4
  shift 4
  echo "== $name ($url)"
  "$bin" build --root "$root" --output "$out/$name" --base-url "$url" --now 2026-11-26T12:00:00Z "$@"
  node tests/browser/check-site.mjs "$out/$name" --base-path "$path" --site-url "$url" \
    --shots "$out/shots" --name "$name" || status=1
}
check demo "$repo" https://example.github.io/status/ /status/
# The demo in other languages (docs/i18n.md): German, Japanese and right-to-left Arabic.
langs="$out/langs"
for lang in de ja ar; do
  mkdir -p "$langs/$lang"
  cp -r "$repo/content" "$langs/$lang/"
  sed 's/^language = "en"$/language = "'"$lang"'"/' "$repo/site.toml" >"$langs/$lang/site.toml"
  grep -q "^language = \"$lang\"$" "$langs/$lang/site.toml"
  check "demo-$lang" "$langs/$lang" https://example.github.io/status/ /status/
done
check basic "$repo/tests/fixtures/basic" https://acme.example/deep/sub/path/ /deep/sub/path/
check hostile "$repo/tests/fixtures/hostile" https://status.example.com/ / --drafts
check truth "$repo/tests/fixtures/truth" https://truth.example/status/ /status/
check branded "$repo/tests/fixtures/branded" https://status.northwind.example/ /
check measured "$repo/tests/fixtures/measured" https://measured.example/ /
check postmortems "$repo/tests/fixtures/postmortems" https://pm.example/ /
check reliability "$repo/tests/acceptance/sites/reliability" https://reliability.example/ /
echo "screenshots: $out/shots"
exit $status
