#!/usr/bin/env bash
# Real browsers on the real service: Chromium and Firefox ESR load the "who am I" page from
# `fingerprint serve`, while tcpdump records the loopback traffic; the JA4 the page shows must be
# the JA4 `fingerprint analyze` computes from that capture for the page's own connection, and the
# page must name the right browser family. Also: the embedded assets are served byte for byte,
# /openapi.json is web/openapi.json and passes openapi_check.py, and the page renders a hostile
# record as text (no markup injection) and a failed fetch as a visible error.
#
#   browsers_test.sh <path to fingerprint binary> <repo root>
#
# Screenshots (375 and 1280 px wide), DOM dumps, captures and the server log are left in
# <binary's dir>/service-artifacts/. Needs root (tcpdump on lo), chromium, firefox-esr, tcpdump,
# curl and python3 (scripts/install-deps.sh). Prints "N passed, N failed"; exits 1 on any failure.
# Environment: FP_BROWSER_HOST (default localhost: the name browsers connect to, so the
# ClientHello carries SNI as it would for a real site), FP_ARTIFACTS (default above),
# FP_KEEP_TMP=1 keeps the temporary folder.
set -u

readonly READY_TIMEOUT_S=30
readonly BROWSER_TIMEOUT_S=120
readonly VIRTUAL_TIME_BUDGET_MS=10000
readonly WIDTHS=(375 1280)
readonly SCREENSHOT_HEIGHT=2400

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <path to fingerprint binary> <repo root>" >&2
  exit 2
fi
BIN=$(realpath "$1")
ROOT=$(realpath "$2")
HELPERS="$ROOT/tests/service/browsers"
ARTIFACTS=${FP_ARTIFACTS:-"$(dirname "$BIN")/service-artifacts"}
HOST=${FP_BROWSER_HOST:-localhost}

for tool in chromium firefox tcpdump curl python3 setsid timeout; do
  if ! command -v "$tool" >/dev/null; then
    echo "FAIL setup: $tool is not installed (scripts/install-deps.sh)"
    echo "0 passed, 1 failed"
    exit 1
  fi
done
if [[ ! -x $BIN ]]; then
  echo "FAIL setup: $BIN is not an executable"
  echo "0 passed, 1 failed"
  exit 1
fi

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "PASS $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $*"; }
# check <description> <command...>: one counted check; the command's output is indented.
check() {
  local what=$1
  shift
  local output
  if output=$("$@" 2>&1); then
    pass "$what"
  else
    fail "$what"
  fi
  [[ -n $output ]] && printf '     %s\n' "${output//$'\n'/$'\n'     }"
  return 0
}

TMP=$(mktemp -d -t fp-browsers.XXXXXX)
PIDS=()  # every background process this script started (each its own process group)
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null
  done
  if [[ ${FP_KEEP_TMP:-0} == 1 ]]; then
    echo "kept $TMP"
  else
    rm -rf "$TMP"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start <log> <command...>: runs the command in its own session (so cleanup can end it and its
# children as a group); sets STARTED to its pid.
start() {
  local log=$1
  shift
  setsid "$@" >"$log" 2>&1 &
  STARTED=$!
  PIDS+=("$STARTED")
}

# stop <pid>: ends one process this script started, and waits for it.
stop() {
  kill -TERM -- "-$1" 2>/dev/null || kill -TERM "$1" 2>/dev/null
  wait "$1" 2>/dev/null
  return 0
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# wait_for <seconds> <command...>: retries the command every 0.2 s.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS >= deadline)) && return 1
    sleep 0.2
  done
}

mkdir -p "$ARTIFACTS"
rm -f "$ARTIFACTS"/*.png "$ARTIFACTS"/*.html "$ARTIFACTS"/*.pcap "$ARTIFACTS"/*.jsonl

# ---- Chromium and Firefox runners ----

CHROMIUM_FLAGS=(--headless=new --no-sandbox --disable-gpu --ignore-certificate-errors
  --no-first-run --no-default-browser-check --disable-background-networking
  --disable-component-update --disable-sync --hide-scrollbars)

# chromium_dom <url> <out.html> [flags...]: the DOM after the page's script ran.
chromium_dom() {
  local profile url=$1 out=$2
  shift 2
  profile=$(mktemp -d -p "$TMP" chromium.XXXXXX)
  timeout -k 5 "$BROWSER_TIMEOUT_S" chromium "${CHROMIUM_FLAGS[@]}" "$@" \
    --user-data-dir="$profile" --virtual-time-budget="$VIRTUAL_TIME_BUDGET_MS" \
    --dump-dom "$url" >"$out" 2>"$out.log"
}

# chromium_screenshot <url> <width> <out.png>
chromium_screenshot() {
  local profile
  profile=$(mktemp -d -p "$TMP" chromium.XXXXXX)
  timeout -k 5 "$BROWSER_TIMEOUT_S" chromium "${CHROMIUM_FLAGS[@]}" --user-data-dir="$profile" \
    --virtual-time-budget="$VIRTUAL_TIME_BUDGET_MS" --window-size="$2,$SCREENSHOT_HEIGHT" \
    --screenshot="$3" "$1" >"$3.log" 2>&1
}

# firefox_page <url> <name>: DOM and screenshots through WebDriver BiDi (firefox_bidi.py), in a
# fresh profile. The self-signed certificate is accepted by the BiDi session's
# acceptInsecureCerts capability.
firefox_page() {
  local profile port status
  profile=$(mktemp -d -p "$TMP" firefox.XXXXXX)
  cat >"$profile/user.js" <<'EOF'
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
EOF
  port=$(free_port)
  start "$ARTIFACTS/$2-firefox.log" firefox --headless --no-remote --profile "$profile" \
    --remote-debugging-port "$port" about:blank
  local firefox_pid=$STARTED
  timeout -k 5 "$BROWSER_TIMEOUT_S" python3 "$HELPERS/firefox_bidi.py" --port "$port" \
    --url "$1" --out-dir "$ARTIFACTS" --name "$2" --widths "$(IFS=,; echo "${WIDTHS[*]}")"
  status=$?
  stop "$firefox_pid"
  return $status
}

# ---- capture ----

# capture_start <file.pcap> <port>: tcpdump on loopback; waits until it listens.
# --immediate-mode: without it, libpcap hands packets over a block at a time, and the block
# still filling when tcpdump is stopped is lost (a short page load can be all in that block).
capture_start() {
  start "$1.log" tcpdump -i lo --immediate-mode -U -n -w "$1" "tcp port $2"
  CAPTURE_PID=$STARTED
  wait_for 10 grep -q "listening on" "$1.log"
}

# capture_stop <file.pcap> <out.jsonl>: stops tcpdump and analyzes the capture.
capture_stop() {
  sleep 1  # let the last segments (FIN, RST) reach the capture before it stops
  kill -INT "$CAPTURE_PID" 2>/dev/null
  wait "$CAPTURE_PID" 2>/dev/null
  (cd "$ROOT" && "$BIN" analyze --identify "$1") >"$2"
}

# ---- 1. The page alone, against fixed records (no service needed) ----

page_server() {  # page_server <record.json> <status>: sets PAGE_URL
  local port_file="$TMP/page-port.$RANDOM"
  start "$TMP/page-server.log" python3 "$HELPERS/page_server.py" --web "$ROOT/web" \
    --record "$1" --status "$2" --port-file "$port_file"
  PAGE_SERVER_PID=$STARTED
  wait_for 10 test -s "$port_file" || return 1
  PAGE_URL="http://127.0.0.1:$(cat "$port_file")/"
}

echo "== the page with fixed records"
if page_server "$HELPERS/fixtures/self_hostile.json" 200; then
  chromium_dom "$PAGE_URL" "$ARTIFACTS/hostile-chromium-dom.html"
  check "chromium: a hostile record is rendered as text, never as markup" \
    python3 "$HELPERS/page_checks.py" hostile "$ARTIFACTS/hostile-chromium-dom.html"
  for width in "${WIDTHS[@]}"; do
    chromium_screenshot "$PAGE_URL" "$width" "$ARTIFACTS/hostile-chromium-$width.png"
    check "chromium: hostile record screenshot at $width px" \
      python3 "$HELPERS/page_checks.py" png "$ARTIFACTS/hostile-chromium-$width.png" "$width"
  done
  if firefox_page "$PAGE_URL" hostile-firefox >/dev/null; then
    check "firefox: a hostile record is rendered as text, never as markup" \
      python3 "$HELPERS/page_checks.py" hostile "$ARTIFACTS/hostile-firefox-dom.html"
  else
    fail "firefox: the hostile-record page did not load ($ARTIFACTS/hostile-firefox-firefox.log)"
  fi
  stop "$PAGE_SERVER_PID"
else
  fail "page_server.py did not start"
fi

if page_server "$HELPERS/fixtures/problem_503.json" 503; then
  chromium_dom "$PAGE_URL" "$ARTIFACTS/error-chromium-dom.html"
  check "chromium: a failed /api/v1/self shows a visible error with the server's detail" \
    python3 "$HELPERS/page_checks.py" state "$ARTIFACTS/error-chromium-dom.html" error \
    "the server answered 503 (Service Unavailable: the capture is not ready)"
  stop "$PAGE_SERVER_PID"
else
  fail "page_server.py did not start"
fi

# ---- 2. The real service ----

echo "== fingerprint serve"
API_PORT=$(free_port)
TLS_PORT=$(free_port)
while [[ $TLS_PORT == "$API_PORT" ]]; do TLS_PORT=$(free_port); done
API="http://127.0.0.1:$API_PORT"
SITE="https://$HOST:$TLS_PORT"
# The service refuses FP_* variables it does not know: keep this script's own out of its way.
start "$ARTIFACTS/server.log" env -u FP_ARTIFACTS -u FP_KEEP_TMP -u FP_BROWSER_HOST \
  bash -c "cd '$ROOT' && exec '$BIN' serve --api 127.0.0.1:$API_PORT \
  --tls 127.0.0.1:$TLS_PORT --state '$TMP/state'"
SERVER_PID=$STARTED
if ! wait_for "$READY_TIMEOUT_S" curl -fsS "$API/readyz"; then
  fail "the service did not become ready within $READY_TIMEOUT_S s (log: $ARTIFACTS/server.log)"
  tail -n 20 "$ARTIFACTS/server.log" | sed 's/^/     /'
  echo "$PASSED passed, $FAILED failed"
  exit 1
fi
pass "the service is ready ($API/readyz)"

# served_equals <path> <file> <content type prefix>: the embedded asset is the file, byte for byte.
served_equals() {
  local body="$TMP/served.$RANDOM" headers="$TMP/headers.$RANDOM"
  curl -fsSk --resolve "$HOST:$TLS_PORT:127.0.0.1" -D "$headers" -o "$body" "$SITE$1" || return 1
  cmp "$body" "$2" || return 1
  if ! grep -qi "^content-type: $3" "$headers"; then
    grep -i '^content-type' "$headers"
    return 1
  fi
  grep -qi "^content-security-policy: default-src 'self'" "$headers" || \
    { echo "no Content-Security-Policy: default-src 'self'"; return 1; }
}
check "GET / is web/index.html (text/html, CSP)" served_equals / "$ROOT/web/index.html" "text/html"
check "GET /app.js is web/app.js" served_equals /app.js "$ROOT/web/app.js" "text/javascript"
check "GET /style.css is web/style.css" served_equals /style.css "$ROOT/web/style.css" "text/css"
check "GET $API/openapi.json is web/openapi.json and passes openapi_check.py" \
  python3 "$ROOT/tests/service/openapi_check.py" --spec "$ROOT/web/openapi.json" --server "$API"

curl -fsSk --resolve "$HOST:$TLS_PORT:127.0.0.1" -o "$ARTIFACTS/curl-self.json" "$SITE/api/v1/self"
check "curl: /api/v1/self names curl" \
  python3 "$HELPERS/page_checks.py" served-self "$ARTIFACTS/curl-self.json" curl

# browser_run <browser> <family>: capture while the browser loads the page, then compare.
# Browsers: chromium, chromium-h1 (HTTP/2 disabled: the listener's HTTP/1.1 keep-alive path;
# its ClientHello offers no h2, so no profile is expected to name it: family "-"), firefox.
browser_run() {
  local browser=$1 family=$2 pcap="$ARTIFACTS/$1.pcap"
  if ! capture_start "$pcap" "$TLS_PORT"; then
    fail "$browser: tcpdump did not start ($(cat "$pcap.log"))"
    return
  fi
  local loaded=0
  if [[ $browser == chromium ]]; then
    chromium_dom "$SITE/" "$ARTIFACTS/$browser-dom.html" && loaded=1
  elif [[ $browser == chromium-h1 ]]; then
    chromium_dom "$SITE/" "$ARTIFACTS/$browser-dom.html" --disable-http2 && loaded=1
  else
    firefox_page "$SITE/" "$browser" >/dev/null && loaded=1
  fi
  capture_stop "$pcap" "$ARTIFACTS/$browser.jsonl"
  if ((loaded == 0)); then
    fail "$browser: did not load $SITE/ (logs in $ARTIFACTS)"
    return
  fi
  local state
  state=$(python3 "$HELPERS/page_checks.py" dom "$ARTIFACTS/$browser-dom.html" 2>/dev/null |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["state"])' 2>/dev/null)
  if [[ $state == ready ]]; then
    pass "$browser: the page rendered /api/v1/self (data-state=ready)"
  else
    fail "$browser: the page's state is '${state:-none}', not ready"
  fi
  check "$browser: the page's JA4 is analyze's JA4 for its connection; client is ${family/#-/any}" \
    python3 "$HELPERS/page_checks.py" match "$ARTIFACTS/$browser-dom.html" \
    "$ARTIFACTS/$browser.jsonl" "$family"
}

echo "== chromium"
browser_run chromium chromium
for width in "${WIDTHS[@]}"; do
  chromium_screenshot "$SITE/" "$width" "$ARTIFACTS/chromium-$width.png"
  check "chromium: screenshot at $width px" \
    python3 "$HELPERS/page_checks.py" png "$ARTIFACTS/chromium-$width.png" "$width"
done

echo "== chromium over HTTP/1.1"
browser_run chromium-h1 -

echo "== firefox"
browser_run firefox firefox
for width in "${WIDTHS[@]}"; do
  check "firefox: screenshot at $width px" \
    python3 "$HELPERS/page_checks.py" png "$ARTIFACTS/firefox-$width.png" "$width"
done

echo "== the fingerprinting listener's answers, over HTTP/1.1"
check "$SITE answers as web/openapi.json documents" \
  python3 "$ROOT/tests/service/openapi_check.py" --spec "$ROOT/web/openapi.json" \
  --listener "https://127.0.0.1:$TLS_PORT"
check "the service is still up after every request above" curl -fsS "$API/healthz"

stop "$SERVER_PID"
echo "artifacts: $ARTIFACTS"
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
