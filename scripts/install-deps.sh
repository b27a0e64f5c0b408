#!/usr/bin/env bash
# Installs, idempotently, every Debian 12 package that building, testing and benchmarking need.
# Only packages missing from the machine are installed; a machine that has them all is untouched.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config clang-14 libclang-rt-14-dev clang-format
  # libraries
  libssl-dev libpcap-dev libnghttp2-dev libcli11-dev libfmt-dev libspdlog-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev prometheus-cpp-dev libtomlplusplus-dev libpq-dev libhiredis-dev
  # find_package(xgboost) needs the command-line package too: its CMake export names it
  libxgboost-dev xgboost
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3 tshark tcpdump
  curl wget openssl gnutls-bin python3-requests hyperfine p0f
  # SSH client and server for the JA4SSH/HASSH end-to-end test (tests/ssh/real_client_test.py)
  openssh-client openssh-server
  # DNS clients for the DNS fingerprint's tests (dig, kdig)
  bind9-dnsutils knot-dnsutils
  # the service's end-to-end tests and benchmarks: real browsers, nginx as the yardstick, wrk
  chromium firefox-esr nginx-light wrk sqlite3
  # deploy/ checks: promtool (alert and recording rules), YAML for the rendered manifests
  prometheus python3-yaml
  # beyond one machine: PostgreSQL and Redis started by the tests, HAProxy before three replicas
  postgresql redis-server haproxy
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# `kubectl kustomize` renders deploy/k8s: Debian's kubernetes-client, unless a kubectl is
# already there (another package's /usr/bin/kubectl would conflict with it).
command -v kubectl >/dev/null || missing+=(kubernetes-client)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | "${sudo_cmd[@]}" debconf-set-selections
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
