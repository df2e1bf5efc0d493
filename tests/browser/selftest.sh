#!/usr/bin/env bash
# Self-test of check-site.mjs: the good site must pass; the bad site must fail,
# reporting each fault it was built with. Needs scripts/install-test-deps.sh first.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok   $1"; }
ko() { failed=$((failed + 1)); echo "FAIL $1"; }

node "$here/check-site.mjs" "$here/selftest/good" --base-path /status/ \
  --shots "$out/shots" --name good >"$out/good.txt" 2>"$out/good.err"
rc=$?
if [ "$rc" -eq 0 ] && grep -Eq '^[0-9]+ passed, 0 failed$' "$out/good.txt"; then
  ok "good site passes ($(tail -n1 "$out/good.txt"))"
else
  ko "good site should pass (exit $rc)"
  cat "$out/good.txt" "$out/good.err"
fi
shots=$(find "$out/shots" -name 'good-*.png' 2>/dev/null | wc -l)
# index, incident and uptime pages, 2 widths x 2 schemes.
if [ "$shots" -eq 12 ] && [ -s "$out/shots/good-index-390-dark.png" ]; then
  ok "12 screenshots taken"
else
  ko "expected 12 screenshots, found $shots"
fi

node "$here/check-site.mjs" "$here/selftest/bad" --base-path /status/ \
  >"$out/bad.txt" 2>"$out/bad.err"
rc=$?
if [ "$rc" -ne 0 ] && grep -Eq '^[0-9]+ passed, [1-9][0-9]* failed$' "$out/bad.txt"; then
  ok "bad site fails ($(tail -n1 "$out/bad.txt"))"
else
  ko "bad site should fail (exit $rc)"
fi

expect() { # description, extended regexp a failure line must match
  if grep -Eq "$2" "$out/bad.txt"; then ok "reports $1"; else ko "does not report $1"; fi
}
expect "the broken link" '^FAIL link +index\.html: <a href="incidents/missing/"> is broken'
expect "the missing fragment" '^FAIL link +index\.html: <a href="uptime/#nope">: no element with id "nope"'
expect "the link out of the base path" '^FAIL link +index\.html: <a href="/elsewhere/"> leaves the base path'
expect "the invalid element" '^FAIL html +index\.html:[0-9]+:[0-9]+: .*frobnicate'
expect "the low contrast (light)" '^FAIL a11y +index\.html \[light 390\]: color-contrast'
expect "the low contrast (dark)" '^FAIL a11y +index\.html \[dark 1280\]: color-contrast'
expect "the missing image" '^FAIL request +index\.html \[no-js\]: 404 GET /status/logo\.png'
expect "the 404 page's relative stylesheet" '^FAIL request +404\.html \[as a missing deep URL\]: 404 GET /status/no-such-page/'
expect "the external stylesheet" '^FAIL external +uptime/index\.html .*fonts\.example\.com'
expect "the script error" '^FAIL console +history/index\.html \[light 390\]: uncaught'
expect "the noscript-only main" '^FAIL nojs +history/index\.html: <main> has no text'
expect "the malformed feed" '^FAIL xml +feed\.xml: not well-formed'
if grep -q 'good-fragment\|uptime/#api' "$out/bad.txt"; then
  ko "reports the good fragment uptime/#api"
else
  ok "leaves the good fragment alone"
fi
if [ "$failed" -ne 0 ]; then
  echo "--- bad site output"
  cat "$out/bad.txt"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
