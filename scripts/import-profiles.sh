#!/bin/sh
# Regenerates the imported profile databases in data/profiles/ from the public sources in
# ../shared/testdata (see docs/profiles.md "Importing"). Usage: scripts/import-profiles.sh [BIN]
# where BIN is the built `fingerprint` (default: build/fingerprint). Issues go to stderr.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/fingerprint}
data=${FP_TESTDATA:-$root/../shared/testdata}
out=$root/data/profiles
ci=$data/profiles/curl-impersonate

"$bin" profiles import --from curl-impersonate "$ci/lexiforest/signatures" \
  --out "$out/curl-impersonate-lexiforest.fpdb"
"$bin" profiles import --from curl-impersonate "$ci/lwthiker/signatures" \
  --out "$out/curl-impersonate-lwthiker.fpdb"
"$bin" profiles import --from tls-client "$data/profiles/tls-client-export/profiles" \
  --out "$out/tls-client.fpdb"
"$bin" profiles import --from ja4-mapping "$data/ja4/mapping/ja4plus-mapping.csv" \
  --out "$out/ja4-mapping.fpdb"
"$bin" profiles check "$out"/*.fpdb
