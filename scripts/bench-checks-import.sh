#!/usr/bin/env bash
# `statusgen checks import` on a year of one-minute checks (525,600 rows) in each
# format: wall time and peak RSS of the release binary (see BENCHMARKS.md).
#   BENCH_DIR=/dev/shm/checks bash scripts/bench-checks-import.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
runs=${1:-3}
work=${BENCH_DIR:-/tmp/statusgen-checks-bench}
mkdir -p "$work"
cargo build --release --quiet --bin statusgen
bin="$repo/target/release/statusgen"

# The exports, generated deterministically: one check a minute for a year, 0.1 % failed.
[ -f "$work/prom.json" ] || python3 - "$work" <<'PY'
import calendar, datetime, json, random, sys
out = sys.argv[1]
random.seed(7)
t0 = calendar.timegm(datetime.datetime(2025, 3, 14).timetuple())
ts = [t0 + 60 * i for i in range(525600)]
ok = ["0" if random.random() < 0.001 else "1" for _ in ts]
ms = [random.randint(40, 400) for _ in ts]
def series(name, vals):
    m = {"__name__": name, "instance": "https://api.example.com/health", "job": "blackbox"}
    return {"metric": m, "values": [[t, v] for t, v in zip(ts, vals)]}
json.dump({"status": "success", "data": {"resultType": "matrix", "result": [
    series("probe_success", ok),
    series("probe_duration_seconds", ["%.6f" % (m / 1000 + 0.000123) for m in ms]),
    series("probe_http_status_code", ["200" if o == "1" else "0" for o in ok]),
]}}, open(f"{out}/prom.json", "w"))
utc = lambda t, f: datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime(f)
with open(f"{out}/kuma.csv", "w") as f:
    f.write("id,important,monitor_id,status,msg,time,ping,duration,down_count\n")
    for i, (t, o, m) in enumerate(zip(ts, ok, ms)):
        msg, ping = ("200 - OK", m) if o == "1" else ("timeout of 48000ms exceeded", "")
        f.write(f"{i},0,1,{o},{msg},{utc(t, '%Y-%m-%d %H:%M:%S.000')},{ping},60,0\n")
with open(f"{out}/robot.csv", "w") as f:
    f.write("Date-Time,Response Time (ms)\n")
    for t, m in zip(ts, ms):
        f.write(f"{utc(t, '%Y-%m-%d %H:%M:%S')},{m}\n")
with open(f"{out}/upptime.log", "w") as f:
    for t, o, m in zip(ts, ok, ms):
        word, sq = ("up", "🟩") if o == "1" else ("down", "🟥")
        f.write(f"{utc(t, '%Y-%m-%dT%H:%M:%SZ')} {sq} API is {word} (200 in {m} ms) [skip ci] [upptime]\n")
PY

site="$work/site"
mkdir -p "$site"
printf 'title = "Bench"\nbase_url = "https://example.com/"\ntimezone = "UTC"\n\n[[components]]\nid = "api"\nname = "API"\n' >"$site/site.toml"

echo "| format | export size | wall (each run) | peak RSS (each run) | data/checks/api.csv |"
echo "|---|---|---|---|---|"
for spec in "prometheus prom.json" "uptimekuma kuma.csv" "uptimerobot robot.csv --timezone UTC" "upptime upptime.log"; do
  set -- $spec
  format=$1 file=$2
  shift 2
  walls=() rss=()
  for _ in $(seq "$runs"); do
    rm -rf "$site/data"
    /usr/bin/time -f '%e %M' -o "$work/time.txt" "$bin" checks import "$format" "$work/$file" --component api --root "$site" "$@" >/dev/null 2>"$work/report.txt"
    read -r w m <"$work/time.txt"
    walls+=("${w} s") rss+=("$((m / 1024)) MB")
  done
  rows=$(($(wc -l <"$site/data/checks/api.csv") - 1))
  size=$(du -m "$work/$file" | cut -f1)
  out=$(du -m "$site/data/checks/api.csv" | cut -f1)
  echo "| $format | ${size} MB | ${walls[*]} | ${rss[*]} | $rows rows, ${out} MB |"
done
