#!/usr/bin/env bash
# Coverage-guided fuzzing of the untrusted-input paths with AFL++ (cargo-afl, stable
# Rust); see docs/fuzzing.md. Needs cargo-afl (scripts/install-test-deps.sh installs it).
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET ...]
# Targets: front_matter markdown serve_request (all by default). Starts from the corpus
# in fuzz/corpus/TARGET; findings land in fuzz/out/TARGET/default/{crashes,hangs}.
# Exits 1 when any target crashed or hung, printing the inputs.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(front_matter markdown serve_request)

if ! cargo afl --version >/dev/null 2>&1; then
  echo "fuzz: cargo-afl is missing; run scripts/install-test-deps.sh" >&2
  exit 2
fi
cargo afl build --quiet --bins

# No interactive screen, no CPU governor or core-dump pattern checks on shared machines.
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
  AFL_SKIP_CRASHES=1 AFL_QUIET=1 AFL_NO_AFFINITY=1
failed=0
mkdir -p out
for t in "${targets[@]}"; do
  out="out/$t"
  rm -rf "$out"
  # -V: stop after this many seconds; -t: a single input taking over 2 s is a hang.
  cargo afl fuzz -V "$secs" -t 2000 -i "corpus/$t" -o "$out" "target/debug/$t" >"out/$t.log" 2>&1 || {
    echo "fuzz: afl-fuzz failed for $t:" >&2
    tail -20 "out/$t.log" >&2
    failed=1
    continue
  }
  stats="$out/default/fuzzer_stats"
  execs=$(awk -F' *: *' '$1=="execs_done"{print $2}' "$stats")
  paths=$(awk -F' *: *' '$1=="corpus_count"{print $2}' "$stats")
  crashes=$(find "$out/default/crashes" -type f ! -name README.txt | wc -l)
  hangs=$(find "$out/default/hangs" -type f | wc -l)
  echo "fuzz: $t: ${secs}s, $execs executions, $paths corpus entries, $crashes crashes, $hangs hangs"
  if [ "$crashes" -gt 0 ] || [ "$hangs" -gt 0 ]; then
    failed=1
    for f in $(find "$out/default/crashes" "$out/default/hangs" -type f ! -name README.txt); do
      echo "--- $f (base64):"
      base64 -w0 "$f"
      echo
    done
  fi
  rm -f "out/$t.log"
done
exit $failed
