#!/usr/bin/env bash
# Capture real programs on this machine over loopback and write their profiles.
#
#   scripts/capture-profiles.sh [--bin PATH] [--only ID,ID...] [--no-heldout] [--no-train]
#
# For each program below: start tcpdump on lo, run the program against local servers
# (TLS with ALPN h2/http1.1, plain HTTP/1.1, h2c; scripts/capture/server.js under node),
# stop tcpdump, run `fingerprint analyze` on the pcap and turn the records into one profile.
#   training run  -> data/captures/<id>.pcap and one profile in data/profiles/captured.fpdb
#   held-out run  -> tests/identify/heldout/<id>.pcap (new connections) + manifest.tsv
# Only 127.0.0.1 and ::1 are used. Needs root (tcpdump), node, openssl, keytool (for Java) and
# the programs themselves; a missing program is reported and skipped. With --only, the
# profiles of the other programs already in captured.fpdb and the manifest are kept.
# See docs/captures.md.
# shellcheck disable=SC2317  # run_* / version_* and cleanup are called indirectly
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${FINGERPRINT_BIN:-$ROOT/build-lead/fingerprint}
ONLY=""
TRAIN=1
HELDOUT=1
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) BIN=$2; shift 2 ;;
    --only) ONLY=",$2,"; shift 2 ;;
    --no-heldout) HELDOUT=0; shift ;;
    --no-train) TRAIN=0; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

TLS_PORT=${CAPTURE_TLS_PORT:-18443}
HTTP_PORT=${CAPTURE_HTTP_PORT:-18080}
H2C_PORT=${CAPTURE_H2C_PORT:-18082}
HELPERS=$ROOT/scripts/capture
OUT_DB=$ROOT/data/profiles/captured.fpdb
TRAIN_DIR=$ROOT/data/captures
HELDOUT_DIR=$ROOT/tests/identify/heldout
TODAY=$(date -u +%F)
SOURCE="capture: scripts/capture-profiles.sh on Debian $(cut -d. -f1 /etc/debian_version 2>/dev/null || echo '?'), $TODAY"
PY=/usr/bin/python3   # Debian's python3 and python3-requests, not a pyenv one
CLIENT_TIMEOUT=${CAPTURE_TIMEOUT:-30}
BROWSER_TIMEOUT=${CAPTURE_BROWSER_TIMEOUT:-60}

[ -x "$BIN" ] || { echo "no fingerprint binary at $BIN (cmake --build build-lead --target fingerprint)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "run as root (tcpdump on lo)" >&2; exit 1; }
for tool in node openssl tcpdump; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/capture-profiles.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

log() { echo "capture: $*" >&2; }

# --- certificates: a test CA and a localhost leaf it signed --------------------------------
make_certs() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj "/CN=fingerprint capture CA" -keyout "$WORK/ca.key" -out "$WORK/ca.pem" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
    -keyout "$WORK/leaf.key" -out "$WORK/leaf.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
    > "$WORK/leaf.ext"
  openssl x509 -req -in "$WORK/leaf.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" \
    -CAcreateserial -days 30 -extfile "$WORK/leaf.ext" -out "$WORK/leaf.pem" 2>/dev/null
  CA=$WORK/ca.pem
}

start_servers() {
  node "$HELPERS/server.js" "$WORK/leaf.pem" "$WORK/leaf.key" "$TLS_PORT" "$HTTP_PORT" "$H2C_PORT" \
    > "$WORK/server.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 50); do
    grep -q ready "$WORK/server.log" 2>/dev/null && sleep 0.3 && return 0
    sleep 0.1
  done
  echo "servers did not start:" >&2
  cat "$WORK/server.log" >&2
  exit 1
}

# --- capture --------------------------------------------------------------------------------
TCPDUMP_PID=""
start_capture() {  # FILE
  rm -f "$1"
  tcpdump -i lo -Z root -U --immediate-mode -s 0 -w "$1" \
    "tcp and (port $TLS_PORT or port $HTTP_PORT or port $H2C_PORT)" 2> "$WORK/tcpdump.log" &
  TCPDUMP_PID=$!
  PIDS+=("$TCPDUMP_PID")
  for _ in $(seq 1 50); do
    grep -q "listening on" "$WORK/tcpdump.log" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "tcpdump did not start:" >&2
  cat "$WORK/tcpdump.log" >&2
  exit 1
}
stop_capture() {
  sleep 0.5
  kill -INT "$TCPDUMP_PID" 2>/dev/null || true
  wait "$TCPDUMP_PID" 2>/dev/null || true
  TCPDUMP_PID=""
}

# --- programs -------------------------------------------------------------------------------
# Each run_<id> makes the program's connections; each version_<id> prints its exact version.
TLS_URL="https://localhost:$TLS_PORT/"
HTTP_URL="http://localhost:$HTTP_PORT/"
H2C_URL="http://localhost:$H2C_PORT/"
T() { timeout "$CLIENT_TIMEOUT" "$@"; }

version_curl() { curl --version | awk 'NR==1{print $2}'; }
run_curl() {
  T curl -sS -o /dev/null --cacert "$CA" "$TLS_URL"
  T curl -sS -o /dev/null "$HTTP_URL"
  T curl -sS -o /dev/null --http2-prior-knowledge "$H2C_URL"
}

version_wget() { wget --version | awk 'NR==1{print $3}'; }
run_wget() {
  T wget -q -O /dev/null --ca-certificate="$CA" "$TLS_URL"
  T wget -q -O /dev/null "$HTTP_URL"
}

version_python-urllib() { "$PY" -c 'import platform; print(platform.python_version())'; }
run_python-urllib() {
  SSL_CERT_FILE=$CA T "$PY" -c '
import sys, urllib.request
for u in sys.argv[1:]:
    urllib.request.urlopen(u, timeout=10).read()' "$TLS_URL" "$HTTP_URL"
}

version_python-requests() { "$PY" -c 'import requests; print(requests.__version__)'; }
run_python-requests() {
  REQUESTS_CA_BUNDLE=$CA T "$PY" -c '
import sys, requests
for u in sys.argv[1:]:
    requests.get(u, timeout=10)' "$TLS_URL" "$HTTP_URL"
}

version_node() { node -p 'process.versions.node'; }
version_node-https() { version_node; }
version_node-http2() { version_node; }
version_node-fetch() { version_node; }
run_node-https() { NODE_EXTRA_CA_CERTS=$CA T node "$HELPERS/clients.js" https "$TLS_URL" "$HTTP_URL"; }
run_node-http2() { NODE_EXTRA_CA_CERTS=$CA T node "$HELPERS/clients.js" http2 "$TLS_URL" "$H2C_URL"; }
run_node-fetch() { NODE_EXTRA_CA_CERTS=$CA T node "$HELPERS/clients.js" fetch "$TLS_URL" "$HTTP_URL"; }

GO_BUILT=""
version_go() { go env GOVERSION | sed 's/^go//'; }
run_go() {
  if [ -z "$GO_BUILT" ]; then  # `go run`, compiled once outside the capture
    mkdir -p "$WORK/go"
    cp "$HELPERS/client.go" "$WORK/go/"
    (cd "$WORK/go" && GOPROXY=off GOFLAGS='' GOCACHE=$WORK/gocache GO111MODULE=off \
      timeout 300 go build -o client client.go)
    GO_BUILT=$WORK/go/client
  fi
  SSL_CERT_FILE=$CA T "$GO_BUILT" "$TLS_URL" "$HTTP_URL"
}

version_java() { java -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.runtime.version/{print $2}' | sed 's/[+-].*//'; }
run_java() {
  if [ ! -f "$WORK/trust.p12" ]; then
    keytool -importcert -noprompt -alias capture-ca -file "$CA" -keystore "$WORK/trust.p12" \
      -storetype PKCS12 -storepass changeit >/dev/null 2>&1
  fi
  timeout 120 java -Djavax.net.ssl.trustStore="$WORK/trust.p12" -Djavax.net.ssl.trustStorePassword=changeit \
    "$HELPERS/Client.java" "$TLS_URL" "$HTTP_URL" >/dev/null
}

version_openssl() { openssl version | awk '{print $2}'; }
run_openssl() { T openssl s_client -connect "localhost:$TLS_PORT" -CAfile "$CA" </dev/null >/dev/null 2>&1; }

version_gnutls-cli() { gnutls-cli --version | awk 'NR==1{print $2}'; }
run_gnutls-cli() { T gnutls-cli --x509cafile "$CA" -p "$TLS_PORT" localhost </dev/null >/dev/null 2>&1; }

version_chromium() { chromium --version 2>/dev/null | awk '{print $2}'; }
run_chromium() {
  local url dir
  for url in "$TLS_URL" "$HTTP_URL"; do
    dir=$(mktemp -d "$WORK/chromium.XXXXXX")
    timeout "$BROWSER_TIMEOUT" chromium --headless --no-sandbox --disable-gpu --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync \
      --disable-quic --disable-features=HttpsUpgrades --ignore-certificate-errors \
      --user-data-dir="$dir" --dump-dom "$url" >/dev/null 2>"$dir.log" || true
  done
}

version_firefox() { firefox-esr --version 2>/dev/null | awk '{print $3}' | sed 's/esr$//'; }
run_firefox() {
  local url dir
  for url in "$TLS_URL" "$HTTP_URL"; do
    dir=$(mktemp -d "$WORK/firefox.XXXXXX")
    certutil -N -d "sql:$dir" --empty-password
    certutil -A -d "sql:$dir" -n capture-ca -t "C,," -i "$CA"
    cat > "$dir/user.js" <<'EOF'
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
user_pref("app.update.enabled", false);
user_pref("dom.security.https_first", false);
user_pref("dom.security.https_only_mode", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("network.http.http3.enable", false);
EOF
    HOME=$dir timeout "$BROWSER_TIMEOUT" firefox-esr --headless --no-remote --profile "$dir" \
      --screenshot "$dir/shot.png" "$url" >"$dir.log" 2>&1 || true
  done
}

# id | client name | kind | tls_library | command that must exist | label
PROGRAMS=(
  "curl|curl|tool|openssl|curl|curl (Debian curl, OpenSSL backend): HTTPS with ALPN h2, HTTP/1.1, h2c prior knowledge"
  "wget|wget|tool|gnutls|wget|GNU Wget (Debian, GnuTLS backend): HTTPS and HTTP/1.1"
  "python-urllib|python-urllib|library|openssl|$PY|Python urllib.request (Debian python3): HTTPS and HTTP/1.1"
  "python-requests|python-requests|library|openssl|$PY|python-requests (Debian python3-requests, urllib3 URLLIB3): HTTPS and HTTP/1.1"
  "node-https|node|library|openssl|node|Node.js https/http modules: HTTPS (ALPN absent) and HTTP/1.1"
  "node-http2|node|library|openssl|node|Node.js http2 module: HTTPS with ALPN h2, and h2c"
  "node-fetch|node|library|openssl|node|Node.js global fetch (undici UNDICI): HTTPS and HTTP/1.1"
  "go|go|library|go|go|Go net/http default client (Debian golang-go): HTTPS with ALPN h2, HTTP/1.1"
  "java|java|library|jsse|java|Java java.net.http.HttpClient defaults (Debian openjdk-17): HTTPS with ALPN h2, HTTP/1.1 with h2c Upgrade"
  "openssl|openssl|tool|openssl|openssl|openssl s_client defaults (no ALPN), TLS only"
  "gnutls-cli|gnutls-cli|tool|gnutls|gnutls-cli|gnutls-cli defaults (no ALPN), TLS only"
  "chromium|chromium|browser|boringssl|chromium|Debian chromium, headless: HTTPS (h2) and HTTP/1.1"
  "firefox|firefox|browser|nss|firefox-esr|Debian firefox-esr, headless: HTTPS (h2) and HTTP/1.1"
)

label_for() {  # fill in library versions the label names
  local label=$1
  case "$label" in
    *URLLIB3*) label=${label/URLLIB3/$("$PY" -c 'import urllib3; print(urllib3.__version__)')} ;;
  esac
  case "$label" in
    *UNDICI*) label=${label/UNDICI/$(node -p 'process.versions.undici')} ;;
  esac
  echo "$label"
}

# --- main -----------------------------------------------------------------------------------
make_certs
start_servers
mkdir -p "$TRAIN_DIR" "$HELDOUT_DIR" "$WORK/profiles"
: > "$WORK/manifest.rows"
MISSING=()
STATUS=0

for entry in "${PROGRAMS[@]}"; do
  IFS='|' read -r pid name kind lib cmd label <<<"$entry"
  if [ -n "$ONLY" ] && [[ "$ONLY" != *",$pid,"* ]]; then continue; fi
  if ! command -v "$cmd" >/dev/null; then
    log "$pid: $cmd not installed; skipped"
    MISSING+=("$pid")
    continue
  fi
  version=$("version_$pid")
  label=$(label_for "$label")
  log "$pid $version"
  if [ "$TRAIN" = 1 ]; then
    start_capture "$WORK/$pid.train.pcap"
    "run_$pid" || log "$pid: training run exited $?"
    stop_capture
    "$BIN" analyze --format jsonl "$WORK/$pid.train.pcap" > "$WORK/$pid.train.jsonl"
    python3 "$HELPERS/hello_extensions.py" "$WORK/$pid.train.pcap" > "$WORK/$pid.train.ext.json"
    if python3 "$HELPERS/to_fpdb.py" --records "$WORK/$pid.train.jsonl" \
        --extensions "$WORK/$pid.train.ext.json" --id "capture-$pid" --name "$name" \
        --kind "$kind" --tls-library "$lib" --version "$version" --source "$SOURCE" \
        --label "$label" > "$WORK/profiles/$pid.fpdb"; then
      cp "$WORK/$pid.train.pcap" "$TRAIN_DIR/$pid.pcap"
    else
      rm -f "$WORK/profiles/$pid.fpdb"
      MISSING+=("$pid")
    fi
  fi
  if [ "$HELDOUT" = 1 ]; then
    start_capture "$WORK/$pid.heldout.pcap"
    "run_$pid" || log "$pid: held-out run exited $?"
    stop_capture
    "$BIN" analyze --format jsonl "$WORK/$pid.heldout.pcap" > "$WORK/$pid.heldout.jsonl"
    counts=$(python3 - "$WORK/$pid.heldout.jsonl" <<'EOF'
import json, sys
tls = plain = h2c = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("ja4"):
        tls += 1
    elif r.get("akamai_fingerprint"):
        h2c += 1
    elif r.get("http"):
        plain += 1
print(f"{tls}\t{plain + h2c}\ttls:{tls} http1:{plain} h2c:{h2c}")
EOF
)
    IFS=$'\t' read -r ntls nhttp streams <<<"$counts"
    if [ "$ntls" = 0 ] && [ "$nhttp" = 0 ]; then
      log "$pid: no fingerprintable stream in the held-out run"
    else
      cp "$WORK/$pid.heldout.pcap" "$HELDOUT_DIR/$pid.pcap"
      visible=no
      [ "$nhttp" -gt 0 ] && visible=yes
      printf '%s.pcap\t%s\t%s\t%s\t%s\t%s\t%s\n' "$pid" "$name" "$kind" "$lib" "$version" \
        "$visible" "$streams" >> "$WORK/manifest.rows"
    fi
  fi
done

# --- write the database and the manifest, keeping other programs' entries under --only -------
if [ "$TRAIN" = 1 ]; then
  {
    echo "# Profiles captured from real programs on this machine over loopback by"
    echo "# scripts/capture-profiles.sh (see docs/captures.md); regenerate with that script."
    echo "# The pcaps they come from are in data/captures/<id>.pcap (id without 'capture-')."
    echo "# ja4t is the loopback TCP SYN (MSS 65495), the same for every Linux program here."
    echo
    echo "format = 1"
    echo
    for entry in "${PROGRAMS[@]}"; do
      IFS='|' read -r pid _ <<<"$entry"
      if [ -f "$WORK/profiles/$pid.fpdb" ]; then
        cat "$WORK/profiles/$pid.fpdb"
      elif [ -n "$ONLY" ] && [ -f "$OUT_DB" ]; then  # keep the committed profile
        awk -v id="[capture-$pid]" '$0 == id {on=1} /^\[/ && $0 != id {on=0} on' "$OUT_DB"
      fi
    done
  } > "$WORK/captured.fpdb"
  if "$BIN" profiles check "$WORK/captured.fpdb"; then
    cp "$WORK/captured.fpdb" "$OUT_DB"
    log "wrote $OUT_DB"
  else
    cp "$WORK/captured.fpdb" /tmp/captured.fpdb.rejected
    log "profiles check failed; $OUT_DB left as it was, the rejected file is /tmp/captured.fpdb.rejected"
    STATUS=1
  fi
fi
if [ "$HELDOUT" = 1 ]; then
  manifest=$HELDOUT_DIR/manifest.tsv
  {
    printf '# Held-out captures of new connections (not in data/captures/), by scripts/capture-profiles.sh.\n'
    printf '# http_visible: some stream carries plain HTTP/1.1 or h2c, so the client name is checkable;\n'
    printf '# TLS streams carry only the TLS library (and name where the ClientHello is unique).\n'
    printf 'file\tname\tkind\ttls_library\tversion\thttp_visible\tstreams\n'
    for entry in "${PROGRAMS[@]}"; do
      IFS='|' read -r pid _ <<<"$entry"
      row=$(grep -P "^\Q$pid\E\.pcap\t" "$WORK/manifest.rows" || true)
      if [ -z "$row" ] && [ -n "$ONLY" ] && [ -f "$manifest" ]; then
        row=$(grep -P "^\Q$pid\E\.pcap\t" "$manifest" || true)
      fi
      if [ -n "$row" ]; then echo "$row"; fi
    done
  } > "$WORK/manifest.tsv"
  cp "$WORK/manifest.tsv" "$manifest"
  log "wrote $manifest"
fi
if [ "${#MISSING[@]}" -gt 0 ]; then
  log "not captured: ${MISSING[*]}"
fi
exit "$STATUS"
