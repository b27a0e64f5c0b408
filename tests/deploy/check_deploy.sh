#!/usr/bin/env bash
# Checks the deployment and monitoring files against the real service:
#   1. promtool check rules + promtool test rules (and that a broken threshold makes a test fail);
#   2. every overlay renders with `kubectl kustomize`, parses as YAML, has the expected kinds,
#      the region label on every object and the security settings on the Deployment; the mesh
#      overlays use PostgreSQL and Redis (URLs from the Secret fingerprint-backends, the region's
#      own endpoints behind ExternalName Services, egress to 5432/6379);
#   3. the ConfigMap's serve.toml is accepted by the binary (unknown keys are fatal there);
#   4. every fp_* metric used by rules.yml and the Grafana dashboard is exported by the binary,
#      found by starting it on free loopback ports (with a scratch Redis, and a shadow model
#      rollout) and scraping /metrics after a few requests;
#   5. the Dockerfile's runtime stage installs a package for every library the binary needs;
#   6. the mesh overlays (production and the regions): Istio VirtualService retries/timeouts,
#      DestinationRule pool/ejection/locality failover to the other regions, the listener's port
#      outside the sidecar, the model-sync init container (its script is run here on a scratch
#      folder, and the server started by step 3 must list the model it copied);
#   7. deploy/monitoring/federation.yml: promtool check config, /federate with honor_labels,
#      match[] covering every recording rule and fp_* series, one target per region;
#   8. deploy/logging: filebeat.yml parses, and every field the Filebeat and Logstash pipelines
#      read is in a real request line of the binary, which carries the W3C trace ids.
# Usage: tests/deploy/check_deploy.sh path/to/fingerprint
# Needs: promtool (Debian `prometheus`), kubectl with `kustomize`, python3-yaml, curl,
# redis-server.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 path/to/fingerprint" >&2; exit 2; }
binary=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
deploy="$root/deploy"
work=$(mktemp -d)
server_pid=""
redis_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
for tool in promtool kubectl python3 curl redis-server redis-cli; do
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
  mesh=no
  [ "$overlay" != staging ] && mesh=yes
  if python3 - "$out" "${region[$overlay]}" "$mesh" <<'PY'
import sys, yaml
path, region, mesh = sys.argv[1], sys.argv[2], sys.argv[3] == "yes"
docs = [d for d in yaml.safe_load_all(open(path)) if d]
problems = []
kinds = {d["kind"] for d in docs}
expected = {"Deployment", "Service", "ServiceAccount", "ConfigMap", "HorizontalPodAutoscaler",
            "PodDisruptionBudget", "NetworkPolicy"}
if mesh:
    expected |= {"VirtualService", "DestinationRule", "PersistentVolumeClaim"}
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
    for c in pod.get("initContainers", []):
        if c.get("securityContext", {}).get("readOnlyRootFilesystem") is not True:
            problems.append(f'init container {c["name"]}: readOnlyRootFilesystem is not true')
        if not c.get("resources", {}).get("limits"):
            problems.append(f'init container {c["name"]}: no resource limits')
if mesh:
    regions = {"us-east-1", "eu-west-1", "ap-southeast-1"}
    def one(kind, name):
        found = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
        if len(found) != 1:
            problems.append(f"{kind}/{name}: {len(found)} found")
        return found[0] if found else {"spec": {}}
    rule = one("DestinationRule", "fingerprint-api")["spec"]
    policy = rule.get("trafficPolicy", {})
    if rule.get("host") != "fingerprint-api":
        problems.append("DestinationRule: host is not fingerprint-api")
    if not policy.get("connectionPool", {}).get("tcp") or not policy["connectionPool"].get("http"):
        problems.append("DestinationRule: no tcp and http connectionPool")
    if not policy.get("outlierDetection"):
        problems.append("DestinationRule: no outlierDetection (failover needs it)")
    locality = policy.get("loadBalancer", {}).get("localityLbSetting", {})
    failover = {f.get("from"): f.get("to") for f in locality.get("failover", [])}
    if locality.get("enabled") is not True:
        problems.append("DestinationRule: localityLbSetting not enabled")
    if set(failover) != regions:
        problems.append(f"DestinationRule: failover from {sorted(failover)}, not every region")
    for source, target in failover.items():
        if target not in regions - {source}:
            problems.append(f"DestinationRule: failover {source} -> {target} is not another region")
    print(f"  failover from {region}: {region} -> {failover.get(region)} -> "
          f"{', '.join(sorted(regions - {region, failover.get(region)}))}")
    service = one("VirtualService", "fingerprint-api")["spec"]
    if service.get("hosts") != ["fingerprint-api"]:
        problems.append("VirtualService: hosts is not [fingerprint-api]")
    safe = {"connect-failure", "refused-stream"}  # the request never reached a pod
    for route in service.get("http", []):
        name = route.get("name", "?")
        retries = route.get("retries", {})
        if not route.get("timeout") or not retries.get("perTryTimeout") or not retries.get("retryOn"):
            problems.append(f"VirtualService route {name}: timeout, perTryTimeout or retryOn missing")
        methods = {m.get("method", {}).get("exact") for m in route.get("match", [])}
        if methods & {"POST", "PUT", "DELETE"} and not set(retries.get("retryOn", "").split(",")) <= safe:
            problems.append(f"VirtualService route {name}: changes retried after reaching a pod")
        for r in route.get("route", []):
            d = r.get("destination", {})
            if d.get("host") != "fingerprint-api" or d.get("port", {}).get("number") != 8080:
                problems.append(f"VirtualService route {name}: destination is not fingerprint-api:8080")
    for dep in (d for d in docs if d["kind"] == "Deployment"):
        template = dep["spec"]["template"]
        excluded = template["metadata"].get("annotations", {}).get(
            "traffic.sidecar.istio.io/excludeInboundPorts", "")
        listener_ports = [p["containerPort"] for c in template["spec"]["containers"]
                          for p in c.get("ports", []) if p.get("name") == "fingerprint"]
        if not listener_ports or str(listener_ports[0]) not in excluded.split(","):
            problems.append("Deployment: the fingerprinting listener's port is not excluded from the sidecar")
        sync = [c for c in template["spec"].get("initContainers", []) if c["name"] == "model-sync"]
        volumes = {v["name"]: v for v in template["spec"].get("volumes", [])}
        if not sync:
            problems.append("Deployment: no model-sync init container")
        else:
            mounts = {m["name"]: m for m in sync[0].get("volumeMounts", [])}
            claim = volumes.get("models", {}).get("persistentVolumeClaim", {})
            if claim.get("claimName") != "fingerprint-models" or not mounts.get("models", {}).get("readOnly"):
                problems.append("model-sync: the fingerprint-models claim is not mounted read-only")
            if "state" not in mounts:
                problems.append("model-sync: the state volume is not mounted")
    # Shared backends: PostgreSQL and Redis URLs from the Secret, never literal; the region's
    # own managed endpoints behind ExternalName Services; egress to them allowed.
    for dep in (d for d in docs if d["kind"] == "Deployment"):
        env = {e["name"]: e for c in dep["spec"]["template"]["spec"]["containers"]
               for e in c.get("env", [])}
        if env.get("FP_STORE_BACKEND", {}).get("value") != "postgres":
            problems.append("Deployment: FP_STORE_BACKEND is not postgres")
        for var, key in (("FP_STORE_POSTGRES_URL", "postgres-url"), ("FP_REDIS_URL", "redis-url")):
            ref = env.get(var, {}).get("valueFrom", {}).get("secretKeyRef", {})
            if ref != {"name": "fingerprint-backends", "key": key}:
                problems.append(f"Deployment: {var} is not from Secret fingerprint-backends/{key}")
    for name, port in (("fingerprint-postgres", 5432), ("fingerprint-redis", 6379)):
        svc = one("Service", name)["spec"]
        if svc.get("type") != "ExternalName" or f".{region}." not in svc.get("externalName", ""):
            problems.append(f"Service/{name}: not an ExternalName in {region}")
        if [p.get("port") for p in svc.get("ports", [])] != [port]:
            problems.append(f"Service/{name}: port is not {port}")
    egress = {p.get("port") for d in docs if d["kind"] == "NetworkPolicy"
              and d["metadata"]["name"] == "fingerprint"
              for rule in d["spec"].get("egress", []) for p in rule.get("ports", [])}
    if not {53, 5432, 6379} <= egress:
        problems.append(f"NetworkPolicy: egress ports {sorted(egress)} lack DNS, 5432 or 6379")
    claims = [d for d in docs if d["kind"] == "PersistentVolumeClaim"
              and d["metadata"]["name"] == "fingerprint-models"]
    if not claims or claims[0]["spec"].get("accessModes") != ["ReadOnlyMany"]:
        problems.append("PersistentVolumeClaim fingerprint-models is not ReadOnlyMany")
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

# --- 6b. The model-sync init container's script, run on scratch folders: it copies complete
# models (the repository's built-in model under a new id), skips a directory without
# metadata.json, and a second run changes nothing. The server started below must list the model.
python3 - "$work/production.yaml" "$work/model-sync.sh" "$work/model-sync.env" <<'PY'
import shlex, sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d["kind"] == "Deployment":
        for c in d["spec"]["template"]["spec"].get("initContainers", []):
            if c["name"] == "model-sync":
                open(sys.argv[2], "w").write(c["args"][0])
                env = {e["name"]: e["value"] for e in c.get("env", [])}
                open(sys.argv[3], "w").write(" ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()))
PY
synced_model=synced-$$
if [ ! -s "$work/model-sync.sh" ]; then
  fail "no model-sync script in the production overlay"
else
  grep -q "MODELS_DIR=/var/lib/fingerprint/models" "$work/model-sync.env" ||
    fail "model-sync: MODELS_DIR is not STATE/models of the ConfigMap's state_dir"
  mkdir -p "$work/models-source/$synced_model" "$work/models-source/incomplete"
  cp -R "$root/data/models/." "$work/models-source/$synced_model/"
  echo '{}' >"$work/models-source/incomplete/client.json"
  sync_run() {
    MODELS_SOURCE="$work/models-source" MODELS_DIR="$work/state/models" sh "$work/model-sync.sh"
  }
  if sync_run >"$work/sync.log" 2>&1 && sync_run >>"$work/sync.log" 2>&1 &&
     [ -f "$work/state/models/$synced_model/metadata.json" ] &&
     [ ! -e "$work/state/models/incomplete" ] &&
     [ -z "$(find "$work/state/models" -name '.*partial' -print -quit)" ] &&
     diff -r "$root/data/models" "$work/state/models/$synced_model" >/dev/null; then
    pass "model-sync copies complete models only, twice without change"
  else
    cat "$work/sync.log" >&2; fail "model-sync script"
  fi
fi

# The ConfigMap as is, but with loopback ports chosen by the kernel (port 0), a scratch state
# directory, the repository's data, a self-signed certificate and a small per-address rate
# limit so that the rate-limit counter appears.
# A write key, for the model rollout below (the store is the state folder's SQLite file).
admin_key=$("$binary" keys create --state "$work/state" --name deploy-check --tier enterprise |
  awk '/^secret/ {print $2}')
# A Redis as production has (backends.yaml), so the Redis metrics the rules use are exported.
redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
  --dir "$work" >"$work/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
FP_REDIS_URL="redis://127.0.0.1:$redis_port" \
FP_CERTIFICATES_TLS_CERT="" FP_CERTIFICATES_TLS_KEY="" \
FP_DATA_PROFILES_DIR="$root/data/profiles" \
FP_RATE_LIMITS_PER_ADDRESS_RATE=1 FP_RATE_LIMITS_PER_ADDRESS_BURST=8 \
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
# Before the rate-limit burst below is used up.
# A shadow rollout (the copied model under a second id as the shadow) and one identification,
# so the shadow comparison metric the dashboard shows exists.
if [ -n "${admin_key:-}" ] && [ -d "$work/state/models/$synced_model" ]; then
  cp -R "$work/state/models/$synced_model" "$work/state/models/$synced_model-shadow"
  rollout="{\"arms\":[{\"model\":\"$synced_model\",\"weight\":1}],\"shadow\":\"$synced_model-shadow\"}"
  if [ "$(get -X PUT -H "X-Api-Key: $admin_key" -H 'Content-Type: application/json' \
          -d "$rollout" "$api/api/v1/models/rollout")" = 200 ] &&
     [ "$(get -X POST -H 'Content-Type: application/json' -d '{"ja4":"t13d1516h2_8daaf6152771_e5627efa2ab1"}' \
          "$api/api/v1/identify")" = 200 ]; then
    pass "a shadow rollout is accepted and identifies"
  else
    fail "PUT /api/v1/models/rollout with a shadow"
  fi
fi
if curl -sf --max-time 5 "$api/api/v1/models" | grep -q "\"id\":\"$synced_model\""; then
  pass "the server lists the model model-sync copied"
else
  fail "GET /api/v1/models does not list $synced_model"
fi
# A request as a traced caller makes: its log line is the one the pipelines are checked against.
trace_parent=00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
curl -s -o /dev/null --max-time 5 -H "traceparent: $trace_parent" \
  -H "X-Request-Id: deploy-check-$$" "$api/healthz" || true
curl -s -o /dev/null --max-time 5 -H "X-Request-Id: deploy-check-404-$$" "$api/no/such/route" || true
get "$tls/api/v1/self" -k >/dev/null                                   # a good handshake
get -X POST -H 'Content-Type: application/json' -d '{bad' "$api/api/v1/identify" >/dev/null
head -c 2000000 /dev/zero >"$work/big.json"                             # over max_body_bytes
get -X POST -H 'Content-Type: application/json' --data-binary @"$work/big.json" \
  "$api/api/v1/identify" >/dev/null
printf 'not a capture' >"$work/bad.pcap"                                  # a parse failure
get -X POST -H 'Content-Type: application/vnd.tcpdump.pcap' --data-binary @"$work/bad.pcap" \
  "$api/api/v1/pcap" >/dev/null
for _ in $(seq 16); do get "$api/api/v1/profiles" >/dev/null; done     # over the burst: 429
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

# --- 8. The log pipelines against the binary's real request lines --------------------------
if python3 - "$deploy/logging" "$work/server.log" "deploy-check-$$" <<'PY'
import json, re, sys, yaml
folder, log_path, request_id = sys.argv[1:4]

def filebeat_fields(config):
    """Event fields filebeat.yml reads: ndjson message_key, and the keys of its conditions."""
    fields = set()
    def walk(node, in_condition=False):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "message_key":
                    fields.add(value)
                elif in_condition and key in ("equals", "contains", "regexp", "range"):
                    fields.update(value)
                elif in_condition and key == "has_fields":
                    fields.update(value)
                walk(value, in_condition or key == "when")
        elif isinstance(node, list):
            for value in node:
                walk(value, in_condition)
    walk(config)
    return fields

def logstash_fields(text):
    """Field references ([a][b] or [a.b]) of the pipeline, except the fields it adds itself."""
    text = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    added = set()
    for path in re.findall(r'"((?:\[[A-Za-z0-9_@.]+\])+)"\s*=>', text):
        added.add(".".join(re.findall(r"\[([^\]]+)\]", path)))
    used = set()
    for path in re.findall(r"(?:\[[A-Za-z0-9_@.]+\])+", text):
        used.add(".".join(re.findall(r"\[([^\]]+)\]", path)))
    return used - added

def request_lines():
    for line in open(log_path, encoding="utf-8", errors="replace"):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("message") == "request":
            yield record

problems = []
filebeat = yaml.safe_load(open(f"{folder}/filebeat.yml"))
pipeline = open(f"{folder}/logstash.conf").read()
if filebeat["filebeat.inputs"][0]["parsers"][1].get("ndjson") is None:
    problems.append("filebeat.yml: the second parser is not ndjson")
for needle in ("codec => json", "${ELASTICSEARCH_HOSTS}"):
    if needle not in pipeline:
        problems.append(f"logstash.conf: no {needle}")
lines = list(request_lines())
traced = [r for r in lines if r.get("http.request.id") == request_id]
if not traced:
    problems.append(f"no request line with http.request.id {request_id} in the server's log")
    traced = [{}]
line = traced[0]
for source, fields in (("filebeat.yml", filebeat_fields(filebeat)),
                       ("logstash.conf", logstash_fields(pipeline))):
    if not fields:
        problems.append(f"{source}: no field references found (the check would pass vacuously)")
    missing = sorted(f for f in fields if f not in line)
    if missing:
        problems.append(f"{source} reads fields a request line lacks: {missing}")
    else:
        print(f"  {source}: {sorted(fields)} in the line")
# The check must be able to fail: a pipeline reading a field the service never writes.
if "no.such.field" not in logstash_fields(pipeline + '\nif [no.such.field] { drop {} }\n'):
    problems.append("the field check misses a reference to a field that does not exist")
expected = {"trace.id": "4bf92f3577b34da6a3ce929d0e0e4736", "fp.trace.parent_id": "00f067aa0ba902b7"}
for key, value in expected.items():
    if line.get(key) != value:
        problems.append(f"traced request line: {key} = {line.get(key)!r}, not {value!r}")
if not re.fullmatch(r"[0-9a-f]{16}", str(line.get("transaction.id"))):
    problems.append(f"traced request line: transaction.id {line.get('transaction.id')!r}")
# A caller without traceparent: the answer starts a trace, and its line says so.
untraced = [r for r in lines if r.get("http.request.id") == request_id.replace("check-", "check-404-")]
if not untraced or not re.fullmatch(r"[0-9a-f]{32}", str(untraced[0].get("trace.id"))) \
        or "fp.trace.parent_id" in untraced[0]:
    problems.append(f"untraced request line: {untraced[:1]}")
for p in problems:
    print("  " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
then pass "log pipelines read only fields of the binary's request lines (with trace ids)"
else fail "log pipelines"
fi

# --- 7. Prometheus federation -------------------------------------------------------------
federation="$deploy/monitoring/federation.yml"
if promtool check config "$federation" >"$work/federation.log" 2>&1; then
  pass "promtool check config federation.yml"
else
  cat "$work/federation.log" >&2; fail "promtool check config federation.yml"
fi
check_federation() {  # federation.yml rules.yml
  python3 - "$1" "$2" <<'PY'
import re, sys, yaml
config, rules = (yaml.safe_load(open(p)) for p in sys.argv[1:3])
problems = []
jobs = [j for j in config.get("scrape_configs", []) if j.get("metrics_path") == "/federate"]
if len(jobs) != 1:
    problems.append(f"{len(jobs)} scrape jobs on /federate, want 1")
    jobs = [{}]
job = jobs[0]
if job.get("honor_labels") is not True:
    problems.append("the /federate job does not honor_labels (the regional labels would be lost)")
selectors = job.get("params", {}).get("match[]", [])
name_patterns = [re.fullmatch(r'\{.*__name__=~"([^"]+)".*\}', s) for s in selectors]
patterns = [m.group(1) for m in name_patterns if m]
records = [r["record"] for g in rules["groups"] for r in g["rules"] if "record" in r]
for record in records:
    if not any(re.fullmatch(p, record) for p in patterns):
        problems.append(f"match[] does not federate the recording rule {record}")
if not any(re.fullmatch(p, "fp_http_requests_total") for p in patterns):
    problems.append("match[] does not federate the fp_* series")
regions = sorted(t.get("labels", {}).get("region", "") for t in job.get("static_configs", []))
if regions != ["ap-southeast-1", "eu-west-1", "us-east-1"]:
    problems.append(f"federated targets' regions are {regions}")
for p in problems:
    print("  " + p, file=sys.stderr)
print(f"  {len(records)} recording rules and fp_* series from {len(regions)} regions")
sys.exit(1 if problems else 0)
PY
}
check_federation "$federation" "$deploy/monitoring/rules.yml" && pass "federation.yml federates every recording rule per region" ||
  fail "federation.yml"
sed 's/honor_labels: true/honor_labels: false/' "$federation" >"$work/federation-mutant.yml"
check_federation "$work/federation-mutant.yml" "$deploy/monitoring/rules.yml" >/dev/null 2>&1 &&
  fail "the federation check accepts a job without honor_labels"

# --- 5. Dockerfile ------------------------------------------------------------------------
dockerfile="$deploy/Dockerfile"
[ "$(grep -c '^FROM debian:bookworm-slim' "$dockerfile")" -ge 2 ] || fail "Dockerfile: two bookworm-slim stages"
grep -q 'make build' "$dockerfile" || fail "Dockerfile: does not build with make build"
grep -qE '^USER [1-9][0-9]*' "$dockerfile" || fail "Dockerfile: runtime user is not a non-root uid"
grep -q '^HEALTHCHECK' "$dockerfile" || fail "Dockerfile: no HEALTHCHECK"
grep -q '^VOLUME \["/var/lib/fingerprint"\]' "$dockerfile" || fail "Dockerfile: no state volume"
if command -v dpkg >/dev/null && command -v readelf >/dev/null; then
  runtime=$(sed -n '/AS runtime/,$p' "$dockerfile")
  # Both programs: `fingerprint serve` runs fingerprint-service, which links the service's libraries.
  grep -q 'fingerprint-service' "$dockerfile" || fail "Dockerfile: fingerprint-service is not copied"
  service="$(dirname "$binary")/fingerprint-service"
  [ -x "$service" ] || fail "fingerprint-service is not beside $binary"
  for lib in $(readelf -d "$binary" "$service" | sed -nE 's/.*NEEDED.*\[(.*)\]/\1/p' | sort -u); do
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
