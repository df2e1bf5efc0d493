#!/usr/bin/env bash
# Whole-process benchmarks of `statusgen build` on generated sites (see BENCHMARKS.md).
#   bash scripts/bench.sh [N ...]      default: 1000 10000 100000
# Needs hyperfine and hugo from Debian (installed if missing) for the comparison with
# Hugo over the same Markdown files with a minimal layout, and `cp -r` of our own output.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
work=${BENCH_DIR:-/tmp/statusgen-bench}
mkdir -p "$work"

if ! command -v hyperfine >/dev/null || ! command -v hugo >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine hugo >/dev/null
fi
cargo build --release --quiet --bin statusgen --example gen-site
bin="$repo/target/release/statusgen"
gen="$repo/target/release/examples/gen-site"
now=2026-11-26T12:00:00Z

# Hugo with a minimal layout: every incident rendered through one tiny template.
hugo_site() {
  local site=$1 dir=$2
  rm -rf "$dir"
  mkdir -p "$dir/layouts/_default"
  cat >"$dir/hugo.toml" <<TOML
baseURL = "https://example.github.io/status/"
contentDir = "$site/content"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
timeout = "60m"
TOML
  echo '<!doctype html><title>{{ .Title }}</title><h1>{{ .Title }}</h1>{{ .Content }}' >"$dir/layouts/_default/single.html"
  echo '<!doctype html><title>{{ .Title }}</title><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</ul>' >"$dir/layouts/_default/list.html"
}

printf '| incidents | statusgen build, fresh output (mean ± σ) | over the previous output | peak RSS | output files | cp -r of output | Hugo, minimal layout | vs cp -r | Hugo ÷ statusgen |\n|---|---|---|---|---|---|---|---|---|\n' >"$work/results.md"
for n in "${sizes[@]}"; do
  site="$work/site-$n"
  [ -d "$site/content" ] || "$gen" "$n" "$site" >/dev/null
  out="$work/out-$n"
  "$bin" build --root "$site" --output "$out" --now "$now" 2>/dev/null
  files=$(find "$out" -type f | wc -l)
  rss=$( { /usr/bin/time -f '%M' "$bin" build --root "$site" --output "$out" --now "$now" 2>&1 >/dev/null; } | tail -1)
  runs=5
  [ "$n" -ge 100000 ] && runs=2
  # Like `cp -r` and Hugo below, the fresh build starts without an output folder; the
  # second measure replaces the previous build's tree (CI caches, `serve` users).
  hyperfine --style none --warmup 1 --runs "$runs" --export-json "$work/sg-$n.json" \
    --prepare "rm -rf $work/fresh-$n" "$bin build --root $site --output $work/fresh-$n --now $now" >/dev/null 2>&1
  hyperfine --style none --warmup 1 --runs "$runs" --export-json "$work/sg-over-$n.json" \
    "$bin build --root $site --output $out --now $now" >/dev/null 2>&1
  hyperfine --style none --warmup 1 --runs "$runs" --export-json "$work/cp-$n.json" \
    --prepare "rm -rf $work/cp-$n" "cp -r $out $work/cp-$n" >/dev/null 2>&1
  rm -rf "$work/fresh-$n" "$work/cp-$n"
  if [ "$n" -le 10000 ]; then
    hugo_site "$site" "$work/hugo-$n"
    hyperfine --style none --warmup 1 --runs 3 --export-json "$work/hugo-$n.json" \
      --prepare "rm -rf $work/hugo-out-$n" "hugo --quiet -s $work/hugo-$n -d $work/hugo-out-$n" >/dev/null 2>&1
    rm -rf "$work/hugo-out-$n"
  fi
  python3 - "$n" "$work" "$rss" "$files" >>"$work/results.md" <<'PY'
import json, os, sys
n, work, rss, files = sys.argv[1:]
def result(name):
    path = f"{work}/{name}-{n}.json"
    return json.load(open(path))["results"][0] if os.path.exists(path) else None
sg, over, cp, hugo = result("sg"), result("sg-over"), result("cp"), result("hugo")
hugo_cell = f"{hugo['mean']:.2f} s" if hugo else "skipped"
speedup = f"{hugo['mean'] / sg['mean']:.1f}×" if hugo else "—"
print(f"| {int(n):,} | {sg['mean']:.3f} s ± {sg['stddev'] or 0:.3f} | {over['mean']:.3f} s | "
      f"{int(rss)/1024:.0f} MB | {int(files):,} | {cp['mean']:.3f} s | {hugo_cell} | "
      f"{sg['mean'] / cp['mean']:.1f}× | {speedup} |")
PY
  echo "done: $n" >&2
done
cat "$work/results.md"
