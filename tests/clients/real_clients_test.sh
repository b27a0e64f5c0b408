#!/usr/bin/env bash
# Real clients against local servers on loopback, captured with tcpdump, fingerprinted by
# `fingerprint analyze` and checked against independent implementations: tshark (JA3, JA3S,
# SNI, HTTP/1 User-Agent, HTTP/2 frames) and p0f (SYN signatures).
#
#   bash tests/clients/real_clients_test.sh path/to/fingerprint
#
# Needs root (or capture rights) and: tcpdump tshark p0f openssl curl wget gnutls-cli python3
# with requests. Prints one line per check, then "N passed, N failed"; exits 1 on any failure.
# FP_KEEP_TMP=1 keeps the temporary directory (capture, server logs) for a look afterwards.
set -uo pipefail

FP_BIN=${1:?usage: real_clients_test.sh path/to/fingerprint}
FP_BIN=$(cd "$(dirname "$FP_BIN")" && pwd)/$(basename "$FP_BIN")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HELPER=$HERE/clients_helper.py
CHECKER=$HERE/check_capture.py
CLIENT_TIMEOUT=10

# Debian's python3 carries python3-requests; a python3 earlier on PATH (pyenv, venv) may not.
PY=python3
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import requests' 2>/dev/null; then
  PY=/usr/bin/python3
fi

fatal() {
  echo "FAIL setup: $*"
  echo "0 passed, 1 failed"
  exit 1
}

for tool in tcpdump tshark p0f openssl curl wget gnutls-cli timeout "$PY"; do
  command -v "$tool" >/dev/null 2>&1 || fatal "$tool is not installed (scripts/install-deps.sh)"
done
"$PY" -c 'import requests' 2>/dev/null || fatal "$PY has no requests module (python3-requests)"
[ -x "$FP_BIN" ] || fatal "$FP_BIN is not an executable"

echo "== versions"
echo "fingerprint: $("$FP_BIN" --version 2>&1 | head -n1)"
echo "curl:        $(curl --version | head -n1)"
echo "openssl:     $(openssl version)"
echo "python:      $("$PY" -c 'import sys, ssl, requests; print(sys.version.split()[0], ssl.OPENSSL_VERSION, "requests", requests.__version__)')"
echo "wget:        $(wget --version | head -n1)"
echo "gnutls-cli:  $(gnutls-cli --version 2>&1 | head -n1)"
echo "tshark:      $(tshark --version 2>/dev/null | head -n1)"
echo "tcpdump:     $(tcpdump --version 2>&1 | head -n1)"
echo "p0f:         $(p0f -r /dev/null 2>&1 | grep -m1 -o 'p0f [0-9][^ ]*')"

TMP=$(mktemp -d /tmp/fp-clients.XXXXXX) || fatal "mktemp"
PIDS=()      # every background process started here: servers, tcpdump
TCPDUMP_PID=

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null
  done
  if [ "${FP_KEEP_TMP:-0}" = 1 ]; then
    echo "kept $TMP"
  else
    rm -rf "$TMP"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- ports and servers
read -r TLS_PORT HTTP_PORT H2C_PORT PROBE_PORT < <("$PY" "$HELPER" ports 4 127.0.0.1) ||
  fatal "no free ports"
# The IPv6 client needs ::1 on lo; a machine without it (IPv6 disabled in a container) skips
# that one client, loudly, rather than failing for a reason that is not ours.
TLS6_PORT=
for _ in 1 2 3 4 5; do
  TLS6_PORT=$("$PY" "$HELPER" ports 1 ::1 2>/dev/null) || { TLS6_PORT=; break; }
  case " $TLS_PORT $HTTP_PORT $H2C_PORT $PROBE_PORT " in
    *" $TLS6_PORT "*) TLS6_PORT= ;;
    *) break ;;
  esac
done
if [ -z "$TLS6_PORT" ]; then
  echo "SKIP IPv6 client: no usable ::1 on this machine"
  TLS_PORTS=$TLS_PORT
else
  TLS_PORTS=$TLS_PORT,$TLS6_PORT
fi
echo "== ports: tls $TLS_PORT tls6 ${TLS6_PORT:-none} http $HTTP_PORT h2c $H2C_PORT probe $PROBE_PORT"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj /CN=fp.test -keyout "$TMP/key.pem" -out "$TMP/cert.pem" >"$TMP/req.log" 2>&1 ||
  fatal "openssl req: $(cat "$TMP/req.log")"
echo hello >"$TMP/index.html"

# Every server runs under `timeout`, so that none outlives the test even when the test itself
# is killed without a chance to clean up (ctest's TIMEOUT is 300 s).
SERVER_LIFETIME=240
start() {  # start LOG CMD...: run CMD in the background, remember its PID
  local log=$1
  shift
  timeout "$SERVER_LIFETIME" "$@" </dev/null >"$TMP/$log" 2>&1 &
  PIDS+=($!)
}
start s_server4.log openssl s_server -accept "127.0.0.1:$TLS_PORT" -cert "$TMP/cert.pem" \
  -key "$TMP/key.pem" -www -alpn http/1.1
[ -n "$TLS6_PORT" ] && start s_server6.log openssl s_server -accept "[::1]:$TLS6_PORT" \
  -cert "$TMP/cert.pem" -key "$TMP/key.pem" -www -alpn http/1.1
start http_server.log "$PY" -m http.server --bind 127.0.0.1 --directory "$TMP" "$HTTP_PORT"
start h2c_server.log "$PY" "$HELPER" h2c-server 127.0.0.1 "$H2C_PORT"
servers=("127.0.0.1 $TLS_PORT" "127.0.0.1 $HTTP_PORT" "127.0.0.1 $H2C_PORT")
[ -n "$TLS6_PORT" ] && servers+=("::1 $TLS6_PORT")
for hp in "${servers[@]}"; do
  # shellcheck disable=SC2086
  "$PY" "$HELPER" wait-listen $hp || fatal "server on $hp did not start: $(cat "$TMP"/*.log)"
done

# ---------------------------------------------------------------- capture
PCAP=$TMP/clients.pcap
FILTER="tcp and (port $TLS_PORT or port $HTTP_PORT or port $H2C_PORT or port $PROBE_PORT${TLS6_PORT:+ or port $TLS6_PORT})"
# -Z root: Debian's tcpdump otherwise drops to user tcpdump, which cannot write into $TMP.
start tcpdump.log tcpdump -i lo -n -s 0 -U --immediate-mode -Z root -w "$PCAP" "$FILTER"
TCPDUMP_PID=${PIDS[-1]}
"$PY" "$HELPER" wait-capture "$PCAP" 127.0.0.1 "$PROBE_PORT" ||
  fatal "tcpdump does not capture on lo: $(cat "$TMP/tcpdump.log")"

# ---------------------------------------------------------------- clients
# One line per client run: name, kind, server port, address family, group (runs of one group
# must give one JA4), expected TLS version of the handshake, expected SNI, exit status.
MANIFEST=$TMP/manifest.tsv
: >"$MANIFEST"
run() {  # run NAME KIND PORT FAMILY GROUP TLSVER SNI -- CMD...
  local name=$1 kind=$2 port=$3 family=$4 group=$5 tlsver=$6 sni=$7
  shift 8
  timeout "$CLIENT_TIMEOUT" "$@" </dev/null >"$TMP/$name.out" 2>"$TMP/$name.err"
  local rc=$?
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$kind" "$port" "$family" "$group" \
    "$tlsver" "$sni" "$rc" >>"$MANIFEST"
}
run_stdin() {  # like run, with the first argument after -- as the client's standard input
  local name=$1 kind=$2 port=$3 family=$4 group=$5 tlsver=$6 sni=$7 input=$9
  shift 9
  printf '%b' "$input" | timeout "$CLIENT_TIMEOUT" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
  local rc=$?
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$kind" "$port" "$family" "$group" \
    "$tlsver" "$sni" "$rc" >>"$MANIFEST"
}

TLS_URL=https://fp.test:$TLS_PORT/
RESOLVE=fp.test:$TLS_PORT:127.0.0.1
GET='GET / HTTP/1.0\r\n\r\n'

run curl-https-1 tls "$TLS_PORT" 4 curl 13 fp.test -- curl -sSk --resolve "$RESOLVE" "$TLS_URL" -o /dev/null
run curl-https-2 tls "$TLS_PORT" 4 curl 13 fp.test -- curl -sSk --resolve "$RESOLVE" "$TLS_URL" -o /dev/null
run curl-https-tls12 tls "$TLS_PORT" 4 - 12 fp.test -- curl -sSk --tls-max 1.2 --resolve "$RESOLVE" "$TLS_URL" -o /dev/null
run_stdin s_client-1 tls "$TLS_PORT" 4 s_client 13 fp.test -- "$GET" \
  openssl s_client -quiet -connect "127.0.0.1:$TLS_PORT" -servername fp.test -alpn http/1.1
run_stdin s_client-2 tls "$TLS_PORT" 4 s_client 13 fp.test -- "$GET" \
  openssl s_client -quiet -connect "127.0.0.1:$TLS_PORT" -servername fp.test -alpn http/1.1
run_stdin s_client-tls12-1 tls "$TLS_PORT" 4 s_client12 12 fp.test -- "$GET" \
  openssl s_client -quiet -tls1_2 -connect "127.0.0.1:$TLS_PORT" -servername fp.test
run_stdin s_client-tls12-2 tls "$TLS_PORT" 4 s_client12 12 fp.test -- "$GET" \
  openssl s_client -quiet -tls1_2 -connect "127.0.0.1:$TLS_PORT" -servername fp.test
run_stdin gnutls-cli-1 tls "$TLS_PORT" 4 gnutls 13 fp.test -- "$GET" \
  gnutls-cli --insecure --port "$TLS_PORT" --sni-hostname fp.test --alpn http/1.1 127.0.0.1
run_stdin gnutls-cli-2 tls "$TLS_PORT" 4 gnutls 13 fp.test -- "$GET" \
  gnutls-cli --insecure --port "$TLS_PORT" --sni-hostname fp.test --alpn http/1.1 127.0.0.1
run python-urllib-1 tls "$TLS_PORT" 4 urllib 13 - -- "$PY" "$HELPER" urllib-https "https://127.0.0.1:$TLS_PORT/"
run python-urllib-2 tls "$TLS_PORT" 4 urllib 13 - -- "$PY" "$HELPER" urllib-https "https://127.0.0.1:$TLS_PORT/"
run wget-https tls "$TLS_PORT" 4 - 13 - -- wget -q --no-check-certificate -O /dev/null "https://127.0.0.1:$TLS_PORT/"
[ -n "$TLS6_PORT" ] && run curl-https-ipv6 tls "$TLS6_PORT" 6 curl 13 fp.test -- curl -sSk --resolve "fp.test:$TLS6_PORT:[::1]" "https://fp.test:$TLS6_PORT/" -o /dev/null
run curl-http1 http "$HTTP_PORT" 4 - - - -- curl -sS --http1.1 "http://127.0.0.1:$HTTP_PORT/" -o /dev/null
run python-requests http "$HTTP_PORT" 4 - - - -- "$PY" "$HELPER" requests-http "http://127.0.0.1:$HTTP_PORT/"
run wget-http http "$HTTP_PORT" 4 - - - -- wget -q -O /dev/null "http://127.0.0.1:$HTTP_PORT/"
run curl-h2c h2c "$H2C_PORT" 4 - - - -- curl -sS --http2-prior-knowledge "http://127.0.0.1:$H2C_PORT/" -o /dev/null

# Let the last FIN/ACKs reach the capture, then stop tcpdump cleanly (SIGINT flushes it; the
# `timeout` wrapper passes it on). Should it not stop within 5 s, cleanup kills it.
sleep 0.5
kill -INT "$TCPDUMP_PID"
for _ in $(seq 50); do
  kill -0 "$TCPDUMP_PID" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$TCPDUMP_PID" 2>/dev/null && fatal "tcpdump did not stop on SIGINT"
wait "$TCPDUMP_PID" 2>/dev/null

# ---------------------------------------------------------------- checks
"$PY" "$CHECKER" --bin "$FP_BIN" --pcap "$PCAP" --manifest "$MANIFEST" --logs "$TMP" \
  --tls-ports "$TLS_PORTS" --http-port "$HTTP_PORT" --h2c-port "$H2C_PORT" \
  --probe-port "$PROBE_PORT"
