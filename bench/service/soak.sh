#!/usr/bin/env bash
# Soak: `fingerprint serve` held at a share of its measured capacity for a long time, with RSS,
# request rate and latency recorded over time (docs/performance.md, section "Soak").
#
#   bench/service/soak.sh <path to fingerprint binary> [repo root]
#
# 1. capacity: wrk at full speed for SOAK_CAPACITY_S seconds (default 15) on the mix below;
# 2. soak: SOAK_MINUTES (default 10) in segments of SOAK_SEGMENT_S (default 30) at SOAK_LOAD
#    (default 0.7) of that capacity, paced by wrk's delay() (bench/service/mixed.lua); the delay
#    is corrected after every segment towards the target rate;
# 3. per segment: req/s, p50/p99/max latency, non-2xx answers and socket errors, the server's
#    RSS, its database size and the store queue depth (/metrics).
# The mix: 19 of 20 requests are POST /api/v1/identify over every distinct JA4 of data/profiles with 20
# User-Agents each (about 1,100 distinct bodies, so the identity cache hits and misses), 1 of 20 POST /api/v1/fingerprint with
# a distinct HTTP head (each stores an observation, so the database grows as in service).
# Pinning as bench/service/run.sh: server on CPU BENCH_SERVER_CPU (0) with FP_THREADS=1, wrk on
# BENCH_CLIENT_CPU (1); 32 connections to measure capacity, then about one per 100 req/s. Output: a markdown table on stdout, raw files in SOAK_OUT.
set -euo pipefail

[[ $# -ge 1 ]] || { echo "usage: $0 <fingerprint binary> [repo root]" >&2; exit 2; }
BIN=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(realpath "${2:-$HERE/../..}")
MINUTES=${SOAK_MINUTES:-10}
SEGMENT=${SOAK_SEGMENT_S:-30}
LOAD=${SOAK_LOAD:-0.7}
CAPACITY_S=${SOAK_CAPACITY_S:-15}
CONNECTIONS=32
SERVER_CPU=${BENCH_SERVER_CPU:-0}
CLIENT_CPU=${BENCH_CLIENT_CPU:-1}
OUT=${SOAK_OUT:-$(mktemp -d /tmp/fp-soak.XXXXXX)}
mkdir -p "$OUT/state"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The request mix.
BODIES=$OUT/bodies.txt
grep -ho 'ja4 = t[0-9a-z_]*' "$ROOT"/data/profiles/*.fpdb | sort -u | awk '{print $3}' |
  awk '{
    for (ua = 1; ua <= 20; ua++) {
      n++
      printf "identify {\"ja4\":\"%s\",\"user_agent\":\"soak/%d\"}\n", $1, ua
      if (n % 19 == 0)
        printf "fingerprint {\"http_headers\":[[\"Host\",\"soak.test\"],[\"User-Agent\",\"soak-client/%d\"],[\"Accept\",\"*/*\"]]}\n", n
    }
  }' >"$BODIES"
echo "mix: $(grep -c '^identify' "$BODIES") identify bodies, $(grep -c '^fingerprint' "$BODIES") fingerprint bodies" >&2

API=127.0.0.1:$(free_port)
env $(compgen -e | grep '^FP_' | sed 's/^/-u /') \
  FP_DATA_PROFILES_DIR="$ROOT/data/profiles" FP_DATA_MODELS_DIR="$ROOT/data/models" \
  FP_THREADS=1 FP_LOG_LEVEL=warn FP_API="$API" FP_TLS="127.0.0.1:$(free_port)" \
  FP_TIERS_FREE_RATE=100000000 FP_TIERS_FREE_BURST=100000000 \
  FP_RATE_LIMITS_PER_ADDRESS_RATE=100000000 FP_RATE_LIMITS_PER_ADDRESS_BURST=100000000 \
  taskset -c "$SERVER_CPU" "$BIN" serve --state "$OUT/state" >"$OUT/server.log" 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null' EXIT
for _ in $(seq 1 200); do
  curl -sf "http://$API/readyz" >/dev/null && break
  sleep 0.1
done
curl -sf "http://$API/readyz" >/dev/null || { echo "service did not start" >&2; cat "$OUT/server.log" >&2; exit 1; }

export SOAK_BODIES=$BODIES
run_wrk() {  # run_wrk SECONDS DELAY_MS OUTFILE
  SOAK_DELAY_MS=$2 taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d"$1s" --latency \
    -s "$HERE/mixed.lua" "http://$API/" >"$3" 2>&1
}
rps_of() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
ms_of() {  # ms_of FILE PERCENT_LINE
  awk -v want="$2" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    $1 == want { print ms($2) }
    want == "max" && /^ +Latency/ { print ms($4) }' "$1"
}
errors_of() {
  awk '/Non-2xx or 3xx responses:/ {b += $NF} /Socket errors:/ {gsub(",", ""); b += $4 + $6 + $8 + $10} END {print b + 0}' "$1"
}
rss_mb() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$PID/status"; }
db_mb() { du -sm "$OUT/state" | awk '{print $1}'; }
queue_depth() {
  curl -s "http://$API/metrics" | awk '/^fp_store_queue_depth / {print $2; f=1} END {if (!f) print "-"}'
}

run_wrk 3 0 "$OUT/warmup.txt"
run_wrk "$CAPACITY_S" 0 "$OUT/capacity.txt"
CAPACITY=$(rps_of "$OUT/capacity.txt")
TARGET=$(awk -v c="$CAPACITY" -v l="$LOAD" 'BEGIN {printf "%.0f", c * l}')
# Each connection sends one request every DELAY ms plus its latency: about 10 ms each, so
# wrk's whole-millisecond delays stay fine-grained enough.
CONNECTIONS=$(awk -v t="$TARGET" 'BEGIN {c = int(t / 100); if (c < 8) c = 8; print c}')
DELAY=$(awk -v t="$TARGET" -v n="$CONNECTIONS" 'BEGIN {printf "%.2f", n * 1000 / t}')
echo "capacity $CAPACITY req/s; soak target $TARGET req/s ($LOAD); $CONNECTIONS connections, first delay ${DELAY} ms" >&2

echo "| minute | req/s | p50 ms | p99 ms | max ms | errors | RSS MiB | state MiB | store queue |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
echo "| 0 | - | - | - | - | - | $(rss_mb) | $(db_mb) | $(queue_depth) |"
SEGMENTS=$((MINUTES * 60 / SEGMENT))
for i in $(seq 1 "$SEGMENTS"); do
  f="$OUT/segment-$i.txt"
  run_wrk "$SEGMENT" "$DELAY" "$f"
  rps=$(rps_of "$f")
  minute=$(awk -v i="$i" -v s="$SEGMENT" 'BEGIN {printf "%.1f", i * s / 60}')
  echo "| $minute | $rps | $(ms_of "$f" 50%) | $(ms_of "$f" 99%) | $(ms_of "$f" max) | $(errors_of "$f") | $(rss_mb) | $(db_mb) | $(queue_depth) |"
  # Steer towards the target: the delay scales with achieved/target rate.
  DELAY=$(awk -v d="$DELAY" -v r="$rps" -v t="$TARGET" 'BEGIN {n = d * r / t; if (n < 0.1) n = 0.1; printf "%.2f", n}')
done
echo "raw outputs: $OUT" >&2
