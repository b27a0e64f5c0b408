#!/usr/bin/env bash
# The committed model is what `fingerprint train` makes from the committed profiles, byte for
# byte: training is reproducible (fixed seed, one thread) and data/models is not stale.
set -euo pipefail
bin=$1 root=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" train --db "$root/data/profiles" --out "$out"
passed=0 failed=0
for f in client.json tls_library.json metadata.json; do
  if cmp -s "$out/$f" "$root/data/models/$f"; then
    echo "PASS data/models/$f equals a fresh training run"; passed=$((passed + 1))
  else
    echo "FAIL data/models/$f differs from a fresh training run (retrain and commit)"; failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
