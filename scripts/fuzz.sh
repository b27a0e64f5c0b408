#!/usr/bin/env bash
# Runs every libFuzzer target (*_fuzz) of a build for a time each, from a copy of its seed
# corpus fuzz/<module>/corpus/<target>/ (the committed corpus is never written to).
#
# Usage: scripts/fuzz.sh BUILD_DIR SECONDS
#   BUILD_DIR  a build configured with -DFP_FUZZ=ON (the `fuzz` preset: build-fuzz)
#   SECONDS    how long each target runs
#
# Work files go to BUILD_DIR/fuzz-runs/<target>/: corpus/ (seeds plus what libFuzzer found),
# artifacts/ (crash-*, leak-*, timeout-*, oom-* inputs) and log. Prints one line per target
# with its run count and any artifacts; exits 1 when a target found a crash (or failed to run),
# 2 on bad arguments. A crash input belongs in the target's seed corpus once fixed (STYLE.md 25).
set -uo pipefail

if [[ $# -ne 2 || ! -d $1 || ! $2 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 BUILD_DIR SECONDS" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
seconds=$2
root=$(cd "$(dirname "$0")/.." && pwd)

mapfile -t targets < <(find "$build" -maxdepth 1 -type f -name '*_fuzz' -perm -u+x | sort)
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "fuzz.sh: no *_fuzz programs in $build (configure with -DFP_FUZZ=ON)" >&2
  exit 2
fi

failed=0
for binary in "${targets[@]}"; do
  target=$(basename "$binary")
  seeds=$(find "$root/fuzz" -type d -path "*/corpus/$target" | head -n 1)
  work=$build/fuzz-runs/$target
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  if [[ -n $seeds ]]; then
    cp -r "$seeds/." "$work/corpus/"
  else
    echo "$target: no seed corpus under fuzz/*/corpus/$target; starting empty" >&2
  fi
  seed_count=$(find "$work/corpus" -type f | wc -l)

  "$binary" "$work/corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/" >"$work/log" 2>&1
  status=$?

  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$' | tail -n 1)
  corpus_count=$(find "$work/corpus" -type f | wc -l)
  mapfile -t artifacts < <(find "$work/artifacts" -type f | sort)
  if [[ ${#artifacts[@]} -gt 0 || $status -ne 0 ]]; then
    failed=1
    echo "$target: FAILED (exit $status) after ${runs:-?} runs; log $work/log"
    for a in "${artifacts[@]}"; do echo "  artifact: $a"; done
    grep -m 1 -E 'ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error' \
      "$work/log" | sed 's/^/  /'
  else
    echo "$target: ok, ${runs:-?} runs in ${seconds}s, corpus $seed_count -> $corpus_count inputs"
  fi
done
exit $failed
