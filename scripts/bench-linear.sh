#!/usr/bin/env bash
# Linear time on hostile inputs (see SECURITY.md): `statusgen check` and `build` on one
# file of N nested <div>s and on one incident with N updates, for N = 10,000 and 100,000.
# Linear code takes about ten times as long for ten times the input; the quadratic code
# this replaced took 86 s and 137 s at 100,000. Release build; needs hyperfine (Debian).
#   bash scripts/bench-linear.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
bin=${1:-}
if [ -z "$bin" ]; then
  cargo build --release --quiet --bin statusgen
  bin="$repo/target/release/statusgen"
fi
command -v hyperfine >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
work=${BENCH_DIR:-/tmp/statusgen-bench-linear}
mkdir -p "$work"
now=2026-04-15T12:00:00Z
incident=content/incidents/2026-04-14-api-slow.md

make_site() { # kind n
  local dir="$work/$1-$2"
  rm -rf "$dir"
  cp -r tests/fixtures/basic "$dir"
  python3 - "$1" "$2" "$dir/$incident" <<'PY'
import sys
kind, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
text = open(path).read()
if kind == "nested":
    text += "\n" + "<div>" * n + "deep" + "</div>" * n + "\n"
else:
    _, front, body = text.split("+++\n", 2)
    ups = "".join('\n[[updates]]\nat = 2026-04-14T23:40:00\nstatus = "investigating"\nmessage = "Same."\n' for _ in range(n))
    text = "+++\n" + front + ups + "+++\n" + body
open(path, "w").write(text)
PY
  echo "$dir"
}

for kind in nested updates; do
  for n in 10000 100000; do
    site=$(make_site "$kind" "$n")
    hyperfine --warmup 1 --runs 5 --export-markdown "$work/$kind-$n.md" \
      -n "check $kind $n" "$bin check --root $site --now $now" \
      -n "build $kind $n" "$bin build --root $site --output $work/out-$kind-$n --now $now" >/dev/null
    tail -n +3 "$work/$kind-$n.md"
  done
done
