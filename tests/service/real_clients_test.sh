#!/usr/bin/env bash
# Real clients against the fingerprinting listener on loopback: curl (--http1.1, --http2),
# python3 (urllib, requests), openssl s_client (without ALPN writing an HTTP/1.1 GET, and with
# -alpn h2 writing HTTP/2 frames), wget and gnutls-cli each GET /api/v1/self while tcpdump
# records the connection. For each: the JA4 (and JA3, JA4T, p0f ... whatever `fingerprint
# analyze` can see in the capture) that /self reports equals what `fingerprint analyze` computes
# from the capture for that connection (matched by src_port = connection.peer_port), and the
# identity names the client's family when its JA4 is in the committed profiles (data/profiles).
#
#   real_clients_test.sh <path to fingerprint binary> <repo root>
#
# Each client gets a fresh server (ephemeral ports, temporary --state) and its own capture, so
# one client that brings the server down does not hide the others. Needs root (tcpdump on lo).
# Prints "N passed, N failed"; exits 1 on any failure. FP_KEEP_TMP=1 keeps the temporary folder.
# shellcheck disable=SC2317  # cleanup and the client_* functions are called indirectly
set -u

readonly READY_TIMEOUT_S=30
readonly CLIENT_TIMEOUT_S=15
# Debian's python3 and python3-requests, as scripts/capture-profiles.sh captured them (a python3
# earlier on PATH may be another build with another ClientHello).
PY=/usr/bin/python3
[[ -x $PY ]] || PY=python3

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <path to fingerprint binary> <repo root>" >&2
  exit 2
fi
BIN=$(realpath "$1")
ROOT=$(realpath "$2")
HARNESS="$ROOT/tests/service/service_harness.py"

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "PASS $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $*"; }
finish() {
  echo "$PASSED passed, $FAILED failed"
  [[ $FAILED -eq 0 && $PASSED -gt 0 ]]
  exit $?
}

for tool in curl python3 openssl wget gnutls-cli tcpdump timeout; do
  if ! command -v "$tool" >/dev/null; then
    fail "setup: $tool is not installed (scripts/install-deps.sh)"
    finish
  fi
done
if [[ ! -x $BIN ]]; then
  fail "setup: $BIN is not an executable"
  finish
fi
if [[ $(id -u) -ne 0 ]]; then
  fail "setup: tcpdump on lo needs root"
  finish
fi

TMP=$(mktemp -d /tmp/fp-real-clients.XXXXXX)
SERVER_PID=""
TCPDUMP_PID=""
cleanup() {
  [[ -n $TCPDUMP_PID ]] && kill -INT "$TCPDUMP_PID" 2>/dev/null && wait "$TCPDUMP_PID" 2>/dev/null
  [[ -n $SERVER_PID ]] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  if [[ ${FP_KEEP_TMP:-0} == 1 ]]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_server NAME: a fresh server; sets TLS_PORT, API, STATE and SERVER_LOG.
start_server() {
  STATE="$TMP/$1/state"
  SERVER_LOG="$TMP/$1/server.log"
  mkdir -p "$STATE"
  FP_DATA_PROFILES_DIR="$ROOT/data/profiles" FP_DATA_MODELS_DIR="$ROOT/data/models" \
    FP_TIMEOUTS_IDLE=2 FP_THREADS=2 \
    "$BIN" serve --api 127.0.0.1:0 --tls 127.0.0.1:0 --state "$STATE" >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  local deadline=$((SECONDS + READY_TIMEOUT_S)) line=""
  while [[ $SECONDS -lt $deadline ]]; do
    line=$(grep -m1 '"message":"listening"' "$SERVER_LOG" 2>/dev/null) && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.05
  done
  API=$(sed -n 's/.*"fp.api":"http:\/\/\([^"]*\)".*/\1/p' <<<"$line")
  TLS_PORT=$(sed -n 's/.*"fp.fingerprint":"https:\/\/[^"]*:\([0-9]*\)".*/\1/p' <<<"$line")
  while [[ -n $API && $SECONDS -lt $deadline ]]; do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://$API/readyz") == 200 ]] && return 0
    sleep 0.05
  done
  fail "$1: server did not become ready: $(tail -3 "$SERVER_LOG")"
  return 1
}

stop_server() {
  kill -TERM "$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID" 2>/dev/null
  SERVER_PID=""
}

# start_capture FILE: tcpdump on lo, the TLS port only, one packet at a time to the file.
start_capture() {
  tcpdump -i lo -U --immediate-mode -s 0 -w "$1" "tcp port $TLS_PORT" 2>"$1.log" &
  TCPDUMP_PID=$!
  for _ in $(seq 1 100); do
    grep -q "listening on" "$1.log" 2>/dev/null && return 0
    sleep 0.05
  done
  fail "tcpdump did not start: $(cat "$1.log")"
  return 1
}

stop_capture() {
  sleep 0.3  # the last packets (FIN, ACK) reach the file
  kill -INT "$TCPDUMP_PID" 2>/dev/null
  wait "$TCPDUMP_PID" 2>/dev/null
  TCPDUMP_PID=""
}

# HTTP/2 bytes of one GET /api/v1/self (preface, SETTINGS, HEADERS) for openssl s_client -alpn h2.
h2_request() {
  python3 - <<'EOF'
import sys
def frame(kind, flags, stream, payload):
    return len(payload).to_bytes(3, "big") + bytes([kind, flags]) + stream.to_bytes(4, "big") + payload
def literal(name, value):
    return b"\x00" + bytes([len(name)]) + name + bytes([len(value)]) + value
block = (b"\x82\x87" + literal(b":path", b"/api/v1/self") + literal(b":authority", b"localhost") +
         literal(b"user-agent", b"openssl-s_client-h2"))
sys.stdout.buffer.write(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + frame(4, 0, 0, b"") + frame(1, 5, 1, block))
EOF
}

GET_HTTP1=$'GET /api/v1/self HTTP/1.1\r\nHost: localhost\r\nUser-Agent: s_client\r\nConnection: close\r\n\r\n'

# The clients. Each writes what it received (a body, an HTTP response or h2 frames) to stdout.
client_curl_http11() { curl -sS --http1.1 --cacert "$STATE/tls/cert.pem" "https://localhost:$TLS_PORT/api/v1/self"; }
client_curl_http2() { curl -sS --http2 --cacert "$STATE/tls/cert.pem" "https://localhost:$TLS_PORT/api/v1/self"; }
client_python_urllib() {
  SSL_CERT_FILE="$STATE/tls/cert.pem" "$PY" -c '
import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' \
    "https://localhost:$TLS_PORT/api/v1/self"
}
client_python_requests() {
  REQUESTS_CA_BUNDLE="$STATE/tls/cert.pem" "$PY" -c '
import sys, requests
sys.stdout.write(requests.get(sys.argv[1], timeout=10).text)' "https://localhost:$TLS_PORT/api/v1/self"
}
client_openssl_http1() {
  { printf '%s' "$GET_HTTP1"; sleep 3; } |
    openssl s_client -connect "localhost:$TLS_PORT" -CAfile "$STATE/tls/cert.pem" -quiet 2>/dev/null
}
client_openssl_h2() {
  { h2_request; sleep 3; } |
    openssl s_client -connect "localhost:$TLS_PORT" -CAfile "$STATE/tls/cert.pem" -alpn h2 \
      -quiet 2>/dev/null
}
client_wget() {
  wget -q -O - --ca-certificate="$STATE/tls/cert.pem" "https://localhost:$TLS_PORT/api/v1/self"
}
client_gnutls_cli() {
  { printf '%s' "$GET_HTTP1"; sleep 3; } |
    gnutls-cli --x509cafile "$STATE/tls/cert.pem" -p "$TLS_PORT" localhost 2>/dev/null
}

# run_client LABEL FUNCTION FAMILY [--h2-frames]
run_client() {
  local label=$1 client=$2 family=$3 extra=${4:-}
  local dir="$TMP/$label"
  mkdir -p "$dir"
  start_server "$label" || return
  if ! start_capture "$dir/capture.pcap"; then
    stop_server
    return
  fi
  export STATE TLS_PORT GET_HTTP1 PY
  export -f "${client?}" h2_request
  timeout "$CLIENT_TIMEOUT_S" bash -c "$client" >"$dir/output" 2>"$dir/stderr"
  local status=$?
  stop_capture
  sleep 0.2
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    pass "$label: server still running after the client"
  else
    wait "$SERVER_PID" 2>/dev/null
    fail "$label: server died during the client (exit status $?)"
    SERVER_PID=""
  fi
  [[ $status -ne 0 ]] && echo "     $label exited $status: $(head -c 300 "$dir/stderr")"
  [[ -n $SERVER_PID ]] && stop_server
  local line
  while IFS= read -r line; do
    case $line in
      PASS*) pass "${line#PASS }" ;;
      FAIL*) fail "${line#FAIL }" ;;
      *) echo "$line" ;;
    esac
  done < <(python3 "$HARNESS" compare-self "$BIN" "$ROOT" "$label" "$dir/output" \
    "$dir/capture.pcap" "$family" ${extra:+"$extra"} 2>&1)
}

run_client curl-http1.1 client_curl_http11 curl
run_client curl-http2 client_curl_http2 curl
run_client python-urllib client_python_urllib python-urllib
run_client python-requests client_python_requests python-requests
run_client openssl-http1 client_openssl_http1 openssl
run_client openssl-alpn-h2 client_openssl_h2 openssl --h2-frames
run_client wget client_wget wget
run_client gnutls-cli client_gnutls_cli gnutls-cli
finish
