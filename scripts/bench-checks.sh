#!/usr/bin/env bash
# The build with check histories (docs/checks.md) against the build without (BENCHMARKS.md):
# the 10,000-incident site of `gen-site`, then the same site plus one year of 1-minute checks
# for each of its 20 components (tests/acceptance/gen_checks.py, seeded: 525,600 rows and
# about 18 MB per component). The builds run alternately, whole processes, output on tmpfs.
#   bash scripts/bench-checks.sh [ROUNDS]          default 10
# BASE_BIN=/path/to/statusgen adds that binary on the site without checks (e.g. main's
# release build), to compare the build without checks before and after a change.
# The check corpus (about 370 MB) is deleted at the end unless KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
rounds=${1:-10}
work=${BENCH_DIR:-/tmp/statusgen-bench}
out=${BENCH_OUT:-/dev/shm/statusgen-bench-out}
mkdir -p "$work" "$out"
cargo build --release --quiet --bin statusgen --example gen-site
bin="$repo/target/release/statusgen"
gen="$repo/target/release/examples/gen-site"
now=2026-11-26T12:00:00Z

site="$work/site-10000"
[ -d "$site/content" ] || "$gen" 10000 "$site" >/dev/null
checks="$work/site-10000-checks"
if [ ! -d "$checks/data/checks" ]; then
  rm -rf "$checks"
  mkdir -p "$checks/data/checks"
  cp "$site/site.toml" "$checks/"
  cp -al "$site/content" "$checks/content"
  seed=0
  for id in $(sed -n 's/^id = "\(.*\)"$/\1/p' "$site/site.toml"); do
    seed=$((seed + 1))
    python3 tests/acceptance/gen_checks.py "$checks/data/checks/$id.csv" \
      --start=2025-11-26T12:00:00+00:00 --end=2026-11-26T12:00:00+00:00 --seed=$seed
  done
fi
echo "check histories: $(ls "$checks/data/checks" | wc -l) files, $(du -sh "$checks/data/checks" | cut -f1)" >&2

python3 - "$rounds" "$out" "$now" "$bin" "$site" "$checks" "${BASE_BIN:-}" <<'PY'
import statistics, subprocess, sys, time, shutil
rounds, out, now, bin_, site, checks, base = sys.argv[1:]
runs = [("without checks", bin_, site), ("with checks", bin_, checks)]
if base:
    runs.insert(0, ("BASE_BIN, without checks", base, site))
times = {name: [] for name, _, _ in runs}
for r in range(int(rounds) + 1):  # the first round warms the caches and is not counted
    for name, b, root in runs:
        dest = f"{out}/{name.replace(' ', '-').replace(',', '')}"
        shutil.rmtree(dest, ignore_errors=True)
        t = time.perf_counter()
        subprocess.run([b, "build", "--root", root, "--output", dest, "--now", now],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if r:
            times[name].append(time.perf_counter() - t)
print(f"| build ({rounds} rounds, alternating) | median | mean | min |")
print("|---|---|---|---|")
for name, v in times.items():
    print(f"| {name} | {statistics.median(v)*1000:.0f} ms | {statistics.mean(v)*1000:.0f} ms | {min(v)*1000:.0f} ms |")
w, c = statistics.median(times["without checks"]), statistics.median(times["with checks"])
print(f"\nwith checks ÷ without: {c / w:.2f}× (medians)")
if base:
    b = statistics.median(times["BASE_BIN, without checks"])
    print(f"without checks, this binary ÷ BASE_BIN: {w / b:.3f}× (medians)")
PY
rm -rf "$out"
if [ "${KEEP:-0}" != 1 ]; then
  rm -rf "$checks"
fi
