#!/usr/bin/env bash
# The service against nginx on the same machine, same core, same client (docs/performance.md,
# section "Service"):
#   identify       POST /api/v1/identify (one JSON body, so the identity cache answers) vs nginx
#                  serving a static file of the same bytes as that answer
#   identify-nocache  the same with FP_CACHE_ENTRIES=0 (every request identifies) vs the same nginx
#   healthz        GET /healthz vs nginx's static {"status":"ok"}
#   tls-new        a new TLS connection per request ("Connection: close" over https, full
#                  handshakes: both servers run with no_tickets.cnf so wrk cannot resume):
#                  GET /api/v1/self on the fingerprinting listener vs nginx HTTPS serving a static
#                  file of the size of that answer, with the listener's own certificate and key
#   tls-new-nostore   the same with FP_STORE_OBSERVATIONS=false (no SQLite row per connection)
# and the latency of a lone request on a new connection (curl, sequential), also against an
# instance with OpenSSL's default session tickets.
#
#   bench/service/run.sh <path to fingerprint binary> [repo root]
#
# Pinning (2 cores): each server on CPU BENCH_SERVER_CPU (default 0) with one worker
# (FP_THREADS=1; nginx worker_processes 1), wrk on CPU BENCH_CLIENT_CPU (default 1) with one
# thread. Every scenario runs BENCH_ROUNDS times (default 3), ours and nginx alternately, for
# BENCH_DURATION seconds (default 10) with BENCH_CONNECTIONS connections (default 32);
# the table shows the median of the rounds, and each server's CPU time per request (user +
# system from /proc/PID/stat around the run), which is what to compare when the machine is busy
# or the client is the bottleneck. Rate limits are raised through FP_TIERS_FREE_* and
# FP_RATE_LIMITS_PER_ADDRESS_*. Raw wrk outputs stay in BENCH_OUT (default a temp folder,
# printed at the end). A run with any non-2xx answer or socket error is flagged in the table.
# BENCH_SCENARIOS="healthz tls-new" runs only those.
# shellcheck disable=SC2154  # API_*, TLS_* and PID_* are set by start_service through printf -v
set -u

if [[ $# -lt 1 ]]; then
  echo "usage: $0 <path to fingerprint binary> [repo root]" >&2
  exit 2
fi
BIN=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(realpath "${2:-$HERE/../..}")
DURATION=${BENCH_DURATION:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
ROUNDS=${BENCH_ROUNDS:-3}
SERVER_CPU=${BENCH_SERVER_CPU:-0}
CLIENT_CPU=${BENCH_CLIENT_CPU:-1}
OUT=${BENCH_OUT:-$(mktemp -d /tmp/fp-bench-service.XXXXXX)}
mkdir -p "$OUT"
# nginx's worker runs as an unprivileged user (as root we start it): it must read $OUT/nginx/www.
chmod 755 "$OUT"

for tool in wrk nginx curl taskset python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done

PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_service NAME [VAR=VALUE...]: sets API_<NAME> and TLS_<NAME>; state in $OUT/NAME.
start_service() {
  local name=$1
  shift
  local state="$OUT/$name-state" log="$OUT/$name.log"
  # Ports chosen here: with FP_LOG_LEVEL=warn (no access log, as nginx's is off) the service
  # does not log the ports it bound.
  local api tls
  api=127.0.0.1:$(free_port)
  tls=$(free_port)
  mkdir -p "$state"
  # `serve` refuses FP_* variables it does not know: pass only its own.
  local unset_fp=()
  local var
  for var in $(compgen -e | grep '^FP_'); do unset_fp+=(-u "$var"); done
  # Every instance but "tickets" sends no session tickets (see no_tickets.cnf).
  local openssl_conf=(OPENSSL_CONF="$HERE/no_tickets.cnf")
  [[ $name == tickets ]] && openssl_conf=()
  env "${unset_fp[@]}" "${openssl_conf[@]}" FP_DATA_PROFILES_DIR="$ROOT/data/profiles" FP_DATA_MODELS_DIR="$ROOT/data/models" \
    FP_THREADS=1 FP_LOG_LEVEL=warn \
    FP_TIERS_FREE_RATE=100000000 FP_TIERS_FREE_BURST=100000000 \
    FP_RATE_LIMITS_PER_ADDRESS_RATE=100000000 FP_RATE_LIMITS_PER_ADDRESS_BURST=100000000 \
    "$@" taskset -c "$SERVER_CPU" "$BIN" serve --api "$api" --tls "127.0.0.1:$tls" \
    --state "$state" >"$log" 2>&1 &
  PIDS+=($!)
  printf -v "PID_$name" '%s' "$!"
  local i
  for i in $(seq 1 300); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://$api/readyz") == 200 ]] && break
    sleep 0.05
  done
  [[ $i -lt 300 ]] || { echo "service $name did not start: $(tail -3 "$log")" >&2; exit 1; }
  printf -v "API_$name" '%s' "$api"
  printf -v "TLS_$name" '%s' "$tls"
  STATE_DIR=$state
}

start_nginx() {
  local dir="$OUT/nginx"
  mkdir -p "$dir/www"
  NGINX_HTTP=$(free_port)
  NGINX_HTTPS=$(free_port)
  cat >"$dir/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  default_type application/json;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_HTTP;
    root $dir/www;
    # The static module answers POST with 405; serve the file instead (same bytes as ours).
    location = /identify { error_page 405 =200 \$uri; }
    location = /healthz { }
  }
  server {
    listen 127.0.0.1:$NGINX_HTTPS ssl;
    root $dir/www;
    ssl_certificate $STATE_DIR/tls/cert.pem;
    ssl_certificate_key $STATE_DIR/tls/key.pem;
    # No resumption (also NumTickets = 0 through OPENSSL_CONF, as for our listener): every
    # connection is a full handshake on both servers.
    ssl_session_tickets off;
    ssl_session_cache off;
    location = /self { }
  }
}
EOF
  OPENSSL_CONF=$HERE/no_tickets.cnf taskset -c "$SERVER_CPU" nginx -c "$dir/nginx.conf" -p "$dir" >"$dir/stdout" 2>&1 &
  PIDS+=($!)
  PID_nginx=$!
  local i
  for i in $(seq 1 100); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$NGINX_HTTP/healthz") == 200 ]] &&
      return 0
    sleep 0.05
  done
  echo "nginx did not start: $(cat "$dir/error.log" "$dir/stdout")" >&2
  exit 1
}

# wrk_run FILE URL [wrk options...]: one measurement, raw output in FILE.
wrk_run() {
  local file=$1 url=$2
  shift 2
  taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url" \
    >"$file" 2>&1
}

# CPU time (user + system, clock ticks) of a process and its children (nginx's worker).
cpu_ticks() {
  local pid total=0 fields
  for pid in "$1" $(pgrep -P "$1"); do
    fields=$(cut -d' ' -f14,15 "/proc/$pid/stat" 2>/dev/null) || continue
    total=$((total + ${fields% *} + ${fields#* }))
  done
  echo "$total"
}
TICKS=$(getconf CLK_TCK)
readonly TICKS

# Prints "req/s p50_ms p99_ms flag cpu_us_per_request" from a wrk output (flag "errors" when
# any answer failed).
wrk_figures() {
  awk -v ticks_per_s="$TICKS" '
    function ms(v) {
      if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000
      return v + 0
    }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /^Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx responses:/ { bad = 1 }
    /Socket errors:/ { bad = 1 }
    /requests in/ { requests = $1 }
    /^server cpu ticks:/ { ticks = $4 }
    END {
      cpu = (requests > 0 ? ticks * 1000000 / ticks_per_s / requests : 0)
      printf "%.0f %.3f %.3f %s %.1f\n", rps, p50, p99, (bad ? "errors" : "ok"), cpu
    }
  ' "$1"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ------------------------------------------------------------------ set-up

echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); servers on CPU $SERVER_CPU," \
  "wrk on CPU $CLIENT_CPU; $ROUNDS rounds x ${DURATION}s, $CONNECTIONS connections" >&2
start_service main
start_service nocache FP_CACHE_ENTRIES=0
start_service nostore FP_STORE_OBSERVATIONS=false
start_service tickets
WWW="$OUT/nginx/www"
mkdir -p "$WWW"
IDENTIFY_BODY="$OUT/identify-request.json"
# capture-curl's JA4 and User-Agent (data/profiles/captured.fpdb): an exact match.
printf '%s' '{"ja4":"t13d3112h2_e8f1e7e78f70_b26ce05bbdd6","user_agent":"curl/7.88.1"}' \
  >"$IDENTIFY_BODY"
curl -s -X POST -H 'Content-Type: application/json' --data-binary @"$IDENTIFY_BODY" \
  "http://$API_main/api/v1/identify" >"$WWW/identify"
curl -s "http://$API_main/healthz" >"$WWW/healthz"
curl -sk --http1.1 "https://127.0.0.1:$TLS_main/api/v1/self" >"$WWW/self"
for f in identify healthz self; do
  [[ -s $WWW/$f ]] || { echo "could not fetch our $f answer" >&2; exit 1; }
done
start_nginx
echo "answer sizes: identify $(wc -c <"$WWW/identify") B, healthz $(wc -c <"$WWW/healthz") B," \
  "self $(wc -c <"$WWW/self") B (nginx serves files of the same bytes)" >&2

# scenario NAME -> "ours_url nginx_url wrk options"
declare -A OURS THEIRS OPTS
OURS[identify]="http://$API_main/api/v1/identify"
THEIRS[identify]="http://127.0.0.1:$NGINX_HTTP/identify"
OPTS[identify]="-s $HERE/post_body.lua"
OURS[identify-nocache]="http://$API_nocache/api/v1/identify"
THEIRS[identify-nocache]="http://127.0.0.1:$NGINX_HTTP/identify"
OPTS[identify-nocache]="-s $HERE/post_body.lua"
OURS[healthz]="http://$API_main/healthz"
THEIRS[healthz]="http://127.0.0.1:$NGINX_HTTP/healthz"
OPTS[healthz]=""
OURS[tls-new]="https://127.0.0.1:$TLS_main/api/v1/self"
THEIRS[tls-new]="https://127.0.0.1:$NGINX_HTTPS/self"
OPTS[tls-new]="-s $HERE/connection_close.lua"
OURS[tls-new-nostore]="https://127.0.0.1:$TLS_nostore/api/v1/self"
THEIRS[tls-new-nostore]=${THEIRS[tls-new]}
OPTS[tls-new-nostore]=${OPTS[tls-new]}
SCENARIOS=(identify identify-nocache healthz tls-new tls-new-nostore)
[[ -n ${BENCH_SCENARIOS:-} ]] && read -r -a SCENARIOS <<<"$BENCH_SCENARIOS"
export BENCH_BODY_FILE=$IDENTIFY_BODY

# The listener's connection counter, for ours in the TLS scenarios: proof that each request
# really was a new connection.
connections_made() {
  [[ $2 == ours && $1 == tls-new* ]] || return 0
  local api=$API_main
  [[ $1 == tls-new-nostore ]] && api=$API_nostore
  curl -s "http://$api/metrics" |
    awk '/^fp_connections_total\{listener="fingerprint"\}/ { print $2 }'
}

server_pid() {
  if [[ $2 == nginx ]]; then
    echo "$PID_nginx"
  elif [[ $1 == identify-nocache ]]; then
    echo "$PID_nocache"
  elif [[ $1 == tls-new-nostore ]]; then
    echo "$PID_nostore"
  else
    echo "$PID_main"
  fi
}

# ------------------------------------------------------------------ runs

for scenario in "${SCENARIOS[@]}"; do  # warm-up: caches, page faults, the store's first writes
  # shellcheck disable=SC2086  # OPTS holds several words
  DURATION=2 wrk_run "$OUT/warmup-$scenario-ours.txt" "${OURS[$scenario]}" ${OPTS[$scenario]}
  # shellcheck disable=SC2086
  DURATION=2 wrk_run "$OUT/warmup-$scenario-nginx.txt" "${THEIRS[$scenario]}" ${OPTS[$scenario]}
done
for round in $(seq 1 "$ROUNDS"); do
  for scenario in "${SCENARIOS[@]}"; do
    for side in ours nginx; do
      url=${OURS[$scenario]}
      [[ $side == nginx ]] && url=${THEIRS[$scenario]}
      file="$OUT/$scenario-$side-$round.txt"
      # shellcheck disable=SC2086
      pid=$(server_pid "$scenario" "$side")
      before=$(connections_made "$scenario" "$side")
      ticks_before=$(cpu_ticks "$pid")
      # shellcheck disable=SC2086
      wrk_run "$file" "$url" ${OPTS[$scenario]}
      echo "server cpu ticks: $(($(cpu_ticks "$pid") - ticks_before))" >>"$file"
      after=$(connections_made "$scenario" "$side")
      [[ -n $before ]] && echo "connections opened: $((after - before))" >>"$file"
      echo "round $round $scenario $side: $(wrk_figures "$file")" \
        "${before:+($((after - before)) new connections)}" >&2
    done
  done
done

# One client, one new connection at a time: the latency of a lone request, handshake included.
lone_request_ms() {
  local i
  for i in $(seq 1 21); do
    taskset -c "$CLIENT_CPU" curl -sk --http1.1 -o /dev/null -w '%{time_total}\n' "$1"
  done | awk '{ print $1 * 1000 }' | median
}
LONE_OURS=$(lone_request_ms "${OURS[tls-new]}")
LONE_TICKETS=$(lone_request_ms "https://127.0.0.1:$TLS_tickets/api/v1/self")
LONE_NGINX=$(lone_request_ms "${THEIRS[tls-new]}")

# ------------------------------------------------------------------ table

# column N of the figures of every round of one scenario and side, median
figure() {
  local f
  for f in "$OUT/$1-$2"-[0-9]*.txt; do wrk_figures "$f"; done | cut -d' ' -f"$3" | median
}

printf '\n| scenario | ours req/s | p50 / p99 ms | CPU µs/req | nginx req/s | p50 / p99 ms |'
printf ' CPU µs/req | req/s ours/nginx | CPU nginx/ours |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for scenario in "${SCENARIOS[@]}"; do
  declare -A RPS=() P50=() P99=() CPU=() FLAG=()
  for side in ours nginx; do
    RPS[$side]=$(figure "$scenario" "$side" 1)
    P50[$side]=$(figure "$scenario" "$side" 2)
    P99[$side]=$(figure "$scenario" "$side" 3)
    CPU[$side]=$(figure "$scenario" "$side" 5)
    FLAG[$side]=""
    if for f in "$OUT/$scenario-$side"-[0-9]*.txt; do wrk_figures "$f"; done | grep -q errors; then
      FLAG[$side]=" (errors!)"
    fi
  done
  ratio=$(awk -v a="${RPS[ours]}" -v b="${RPS[nginx]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
  cpu_ratio=$(awk -v a="${CPU[nginx]}" -v b="${CPU[ours]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
  printf '| %s | %s%s | %s / %s | %s | %s%s | %s / %s | %s | %sx | %sx |\n' "$scenario" \
    "${RPS[ours]}" "${FLAG[ours]}" "${P50[ours]}" "${P99[ours]}" "${CPU[ours]}" \
    "${RPS[nginx]}" "${FLAG[nginx]}" "${P50[nginx]}" "${P99[nginx]}" "${CPU[nginx]}" \
    "$ratio" "$cpu_ratio"
done
printf '\nA lone HTTPS request on a new connection (curl, median of 21): ours %s ms' "$LONE_OURS"
printf ' (%s ms with OpenSSL'"'"'s default session tickets), nginx %s ms.\n' "$LONE_TICKETS" \
  "$LONE_NGINX"
echo "raw wrk outputs: $OUT" >&2
