#!/usr/bin/env bash
# Times the on-call path on generated sites (see BENCHMARKS.md, "The on-call path"):
# on a fresh copy of the site (no public/, as in a fresh clone or CI checkout) with the
# release binary present, post an update to an ongoing incident and build:
#   statusgen update INCIDENT --status identified --message … && statusgen build
# and, apart, each half: the update alone and the fresh build alone.
#   bash scripts/bench-oncall.sh [N ...]      default: 1000 10000
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
work=${BENCH_DIR:-/tmp/statusgen-bench}
mkdir -p "$work"

if ! command -v hyperfine >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
fi
cargo build --release --quiet --bin statusgen --example gen-site
bin="$repo/target/release/statusgen"
gen="$repo/target/release/examples/gen-site"
# "Now" for every command: 2026-11-26T12:00:00Z, as scripts/bench.sh.
export SOURCE_DATE_EPOCH=1795694400

# Wall time, and CPU time (user + sys), which a busy machine inflates less.
printf '| incidents | update && build, wall (mean ± σ) | CPU | update alone, wall | CPU | build alone, fresh output, wall | CPU |\n|---|---|---|---|---|---|---|\n' >"$work/oncall.md"
for n in "${sizes[@]}"; do
  site="$work/site-$n"
  [ -d "$site/content" ] || "$gen" "$n" "$site" >/dev/null
  clone="$work/oncall-$n"
  rm -rf "$clone"
  mkdir -p "$clone"
  cp -r "$site/site.toml" "$site/content" "$clone/"
  # The on-call engineer opened the incident a few minutes ago.
  file="$clone/$("$bin" new incident "Elevated API error rates" --root "$clone" --now "2026-11-26T11:40:00Z" | sed "s|^$clone/||")"
  cp "$file" "$work/oncall-$n.orig"
  restore="cp $work/oncall-$n.orig $file && rm -rf $clone/public"
  update="$bin update elevated-api --root $clone --status identified --message 'A faulty deploy is the cause; we are rolling it back.'"
  hyperfine --style none --warmup 1 --runs 10 --export-json "$work/oncall-both-$n.json" \
    --prepare "$restore" "$update && $bin build --root $clone" >/dev/null 2>&1
  hyperfine --style none --warmup 1 --runs 10 --export-json "$work/oncall-update-$n.json" \
    --prepare "$restore" "$update" >/dev/null 2>&1
  hyperfine --style none --warmup 1 --runs 10 --export-json "$work/oncall-build-$n.json" \
    --prepare "$restore" "$bin build --root $clone" >/dev/null 2>&1
  # The edited file loads and checks like any other.
  eval "$update" >/dev/null 2>&1
  "$bin" check --root "$clone" >/dev/null 2>&1
  python3 - "$n" "$work" >>"$work/oncall.md" <<'PY'
import json, sys
n, work = sys.argv[1:]
r = lambda name: json.load(open(f"{work}/oncall-{name}-{n}.json"))["results"][0]
both, upd, build = r("both"), r("update"), r("build")
cpu = lambda r: r["user"] + r["system"]
print(f"| {int(n):,} | {both['mean']:.3f} s ± {both['stddev'] or 0:.3f} | {cpu(both):.3f} s | "
      f"{upd['mean'] * 1000:.0f} ms | {cpu(upd) * 1000:.0f} ms | {build['mean']:.3f} s | {cpu(build):.3f} s |")
PY
  echo "done: $n" >&2
done
cat "$work/oncall.md"
