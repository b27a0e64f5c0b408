#!/usr/bin/env bash
# Checks the deployment and monitoring files against the real service:
#   1. promtool check rules + promtool test rules (and that a broken threshold makes a test fail);
#   2. every overlay renders with `kubectl kustomize`, parses as YAML, has the expected kinds,
#      the region label on every object and the security settings on the Deployment;
#   3. the ConfigMap's serve.toml is accepted by the binary (unknown keys are fatal there);
#   4. every fp_* metric used by rules.yml and the Grafana dashboard is exported by the binary,
#      found by starting it on free loopback ports and scraping /metrics after a few requests;
#   5. the Dockerfile's runtime stage installs a package for every library the binary needs.
# Usage: tests/deploy/check_deploy.sh path/to/fingerprint
# Needs: promtool (Debian `prometheus`), kubectl with `kustomize`, python3-yaml, curl.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 path/to/fingerprint" >&2; exit 2; }
binary=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
deploy="$root/deploy"
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
for tool in promtool kubectl python3 curl; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 2; }
done

# --- 1. Prometheus rules ------------------------------------------------------------------
if promtool check rules "$deploy/monitoring/rules.yml" >"$work/check.log" 2>&1; then
  pass "promtool check rules"
else
  cat "$work/check.log" >&2; fail "promtool check rules"
fi
if (cd "$deploy/monitoring" && promtool test rules rules_test.yml) >"$work/test.log" 2>&1; then
  pass "promtool test rules"
else
  cat "$work/test.log" >&2; fail "promtool test rules"
fi
# The tests must be able to fail: raise the 5xx threshold so the firing case no longer fires.
mkdir "$work/mutant"
sed 's/fp:http_5xx_ratio:rate5m > 0.05/fp:http_5xx_ratio:rate5m > 0.5/' \
  "$deploy/monitoring/rules.yml" >"$work/mutant/rules.yml"
cp "$deploy/monitoring/rules_test.yml" "$work/mutant/"
if cmp -s "$deploy/monitoring/rules.yml" "$work/mutant/rules.yml"; then
  fail "mutation of the 5xx threshold did not apply (rules.yml changed?)"
elif (cd "$work/mutant" && promtool test rules rules_test.yml) >/dev/null 2>&1; then
  fail "promtool tests still pass with a broken 5xx threshold"
else
  pass "promtool tests catch a broken threshold"
fi

# --- 2. Kubernetes overlays ---------------------------------------------------------------
declare -A region=([staging]=us-east-1 [production]=us-east-1 [us-east-1]=us-east-1
                   [eu-west-1]=eu-west-1 [ap-southeast-1]=ap-southeast-1)
for overlay in staging production us-east-1 eu-west-1 ap-southeast-1; do
  out="$work/$overlay.yaml"
  if ! kubectl kustomize "$deploy/k8s/overlays/$overlay" >"$out" 2>"$work/kustomize.log"; then
    cat "$work/kustomize.log" >&2; fail "kubectl kustomize $overlay"; continue
  fi
  if python3 - "$out" "${region[$overlay]}" <<'PY'
import sys, yaml
path, region = sys.argv[1], sys.argv[2]
docs = [d for d in yaml.safe_load_all(open(path)) if d]
problems = []
kinds = {d["kind"] for d in docs}
expected = {"Deployment", "Service", "ServiceAccount", "ConfigMap", "HorizontalPodAutoscaler",
            "PodDisruptionBudget", "NetworkPolicy"}
if expected - kinds:
    problems.append(f"missing kinds {sorted(expected - kinds)}")
for d in docs:
    got = d["metadata"].get("labels", {}).get("fingerprint.dev/region")
    if got != region:
        problems.append(f'{d["kind"]}/{d["metadata"]["name"]}: region label {got!r} != {region!r}')
for dep in (d for d in docs if d["kind"] == "Deployment"):
    pod = dep["spec"]["template"]["spec"]
    if pod.get("securityContext", {}).get("runAsNonRoot") is not True:
        problems.append("Deployment: runAsNonRoot is not true")
    if dep["spec"]["template"]["metadata"]["labels"].get("fingerprint.dev/region") != region:
        problems.append("Deployment: pod template lacks the region label")
    for c in pod["containers"]:
        if c.get("securityContext", {}).get("readOnlyRootFilesystem") is not True:
            problems.append(f'container {c["name"]}: readOnlyRootFilesystem is not true')
        if c.get("livenessProbe", {}).get("httpGet", {}).get("path") != "/healthz":
            problems.append(f'container {c["name"]}: liveness probe is not /healthz')
        if c.get("readinessProbe", {}).get("httpGet", {}).get("path") != "/readyz":
            problems.append(f'container {c["name"]}: readiness probe is not /readyz')
        if not c.get("resources", {}).get("requests") or not c["resources"].get("limits"):
            problems.append(f'container {c["name"]}: no resource requests/limits')
    secrets = [v["secret"]["secretName"] for v in pod.get("volumes", []) if "secret" in v]
    if "fingerprint-tls" not in secrets:
        problems.append("Deployment: the TLS Secret fingerprint-tls is not mounted")
    print(f'  {dep["metadata"]["namespace"]}: replicas={dep["spec"]["replicas"]}')
for p in problems:
    print("  " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
  then pass "overlay $overlay renders (region ${region[$overlay]})"
  else fail "overlay $overlay"
  fi
done

# --- 3 and 4. The real binary: the ConfigMap's settings and the exported metric names --------
python3 - "$work/production.yaml" >"$work/serve.toml" <<'PY'
import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d["kind"] == "ConfigMap" and "serve.toml" in d.get("data", {}):
        sys.stdout.write(d["data"]["serve.toml"])
PY
[ -s "$work/serve.toml" ] || fail "no serve.toml in the production ConfigMap"

# The ConfigMap as is, but with loopback ports chosen by the kernel (port 0), a scratch state
# directory, the repository's data, a self-signed certificate and a small per-address rate
# limit so that the rate-limit counter appears.
FP_CERTIFICATES_TLS_CERT="" FP_CERTIFICATES_TLS_KEY="" \
FP_DATA_PROFILES_DIR="$root/data/profiles" \
FP_RATE_LIMITS_PER_ADDRESS_RATE=1 FP_RATE_LIMITS_PER_ADDRESS_BURST=5 \
  "$binary" serve --config "$work/serve.toml" --state "$work/state" \
  --api 127.0.0.1:0 --tls 127.0.0.1:0 >"$work/server.log" 2>&1 &
server_pid=$!
api="" tls=""
for _ in $(seq 100); do
  line=$(grep -m1 '"message":"listening"' "$work/server.log" || true)
  if [ -n "$line" ]; then
    api=$(sed -E 's/.*"fp.api":"([^"]*)".*/\1/' <<<"$line")
    tls=$(sed -E 's/.*"fp.fingerprint":"([^"]*)".*/\1/' <<<"$line")
    break
  fi
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$api" ]; then
  cat "$work/server.log" >&2
  fail "the binary did not start with the ConfigMap's serve.toml"
  echo "$failures check(s) failed" >&2; exit 1
fi
pass "the binary accepts the ConfigMap's serve.toml ($api, $tls)"

get() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true; }
[ "$(get "$api/healthz")" = 200 ] || fail "/healthz"
[ "$(get "$api/readyz")" = 200 ] || fail "/readyz"
get "$tls/api/v1/self" -k >/dev/null                                   # a good handshake
get -X POST -H 'Content-Type: application/json' -d '{bad' "$api/api/v1/identify" >/dev/null
head -c 2000000 /dev/zero >"$work/big.json"                             # over max_body_bytes
get -X POST -H 'Content-Type: application/json' --data-binary @"$work/big.json" \
  "$api/api/v1/identify" >/dev/null
printf 'not a capture' >"$work/bad.pcap"                                  # a parse failure
get -X POST -H 'Content-Type: application/vnd.tcpdump.pcap' --data-binary @"$work/bad.pcap" \
  "$api/api/v1/pcap" >/dev/null
for _ in $(seq 12); do get "$api/api/v1/profiles" >/dev/null; done     # over the burst: 429
# Not a ClientHello: a failed handshake on the fingerprinting listener.
python3 - "${tls#https://}" <<'PY'
import socket, sys
host, port = sys.argv[1].rsplit(":", 1)
with socket.create_connection((host, int(port)), timeout=5) as s:
    s.sendall(b"\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00" + b"GET / HTTP/1.1\r\n\r\n")
    try:
        s.recv(100)
    except OSError:
        pass
PY
sleep 0.5
curl -sf --max-time 5 "$api/metrics" >"$work/metrics.txt" || fail "GET /metrics"
# Names of the exposition: sample names and the histogram/counter family names of # TYPE.
{ grep -v '^#' "$work/metrics.txt" | sed -E 's/[{ ].*//'
  grep '^# TYPE' "$work/metrics.txt" | awk '{print $3}'; } | sort -u >"$work/exported.txt"
echo "  exported: $(grep -c . "$work/exported.txt") names"

python3 - "$deploy/monitoring/grafana-dashboard.json" >"$work/dashboard-exprs.txt" <<'PY'
import json, sys
def walk(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("expr", "query") and isinstance(value, str):
                print(value)
            else:
                walk(value)
    elif isinstance(node, list):
        for value in node:
            walk(value)
walk(json.load(open(sys.argv[1])))
PY
[ -s "$work/dashboard-exprs.txt" ] || fail "no queries found in the dashboard"

# Metric names used by a file: fp_* identifiers (recording rules are named fp:..., not fp_).
used_names() { grep -v '^[[:space:]]*#' "$1" | grep -oE '\bfp_[a-z0-9_]+\b' | sort -u; }
check_names() {  # file label
  local missing
  missing=$(comm -23 <(used_names "$1") "$work/exported.txt")
  if [ -n "$missing" ]; then
    fail "$2 uses metrics the binary does not export: $(tr '\n' ' ' <<<"$missing")"
  else
    pass "$2: all $(used_names "$1" | grep -c .) fp_* names are exported"
  fi
}
check_names "$deploy/monitoring/rules.yml" "rules.yml"
check_names "$work/dashboard-exprs.txt" "grafana-dashboard.json"
# The name check itself must be able to fail.
echo 'rate(fp_no_such_metric_total[5m])' >"$work/bogus.txt"
[ -z "$(comm -23 <(used_names "$work/bogus.txt") "$work/exported.txt")" ] &&
  fail "the name check accepts a metric that does not exist"
# Recording rules the dashboard uses must be defined in rules.yml.
while read -r rule; do
  grep -q "record: $rule\$" "$deploy/monitoring/rules.yml" || fail "dashboard uses undefined $rule"
done < <(grep -oE '\bfp:[a-z0-9_:]+' "$work/dashboard-exprs.txt" | sort -u)

# --- 5. Dockerfile ------------------------------------------------------------------------
dockerfile="$deploy/Dockerfile"
[ "$(grep -c '^FROM debian:bookworm-slim' "$dockerfile")" -ge 2 ] || fail "Dockerfile: two bookworm-slim stages"
grep -q 'make build' "$dockerfile" || fail "Dockerfile: does not build with make build"
grep -qE '^USER [1-9][0-9]*' "$dockerfile" || fail "Dockerfile: runtime user is not a non-root uid"
grep -q '^HEALTHCHECK' "$dockerfile" || fail "Dockerfile: no HEALTHCHECK"
grep -q '^VOLUME \["/var/lib/fingerprint"\]' "$dockerfile" || fail "Dockerfile: no state volume"
if command -v dpkg >/dev/null && command -v readelf >/dev/null; then
  runtime=$(sed -n '/AS runtime/,$p' "$dockerfile")
  for lib in $(readelf -d "$binary" | sed -nE 's/.*NEEDED.*\[(.*)\]/\1/p'); do
    # awk reads to the end: an early exit would kill ldconfig with SIGPIPE (status 141 under
    # pipefail, which ends the script).
    path=$(ldconfig -p | awk -v l="$lib" '$1 == l && !found {found = $NF} END {print found}')
    [ -n "$path" ] || continue
    pkg=$(dpkg -S "$(realpath "$path")" 2>/dev/null | sed -n '1s/:.*//p') || true
    case "$pkg" in ""|libc6|libstdc++6|libgcc-s1) continue ;; esac   # in the base image
    grep -qw -- "$pkg" <<<"$runtime" || fail "Dockerfile: runtime stage lacks $pkg (for $lib)"
  done
  pass "Dockerfile: runtime packages cover the binary's libraries"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all deployment checks passed"
