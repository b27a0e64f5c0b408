#!/usr/bin/env python3
"""`analyze --fields` against the full records of the same captures.

For every capture of the reference data, and for each record key alone and for some key sets:
the lines of `analyze --fields KEYS` must be exactly the full records (`analyze`, checked against
the references by golden.references) cut to `stream`, `file` and those keys, in order, with the
records that have none of them left out. This fails if a fingerprint that --fields skips
computing was needed by a key that was asked for. Also: an unknown key is a usage error (2).
"""

import argparse
import glob
import json
import os
import subprocess
import sys

IDENTIFIERS = ("file", "stream")
KEY_SETS = [
    "ja3",
    "ja3,ja4",
    "ja4s,ja3s,tls_hello_retry_request",
    "ja4t,p0f_signature,ttl_distance,ja4ts",
    "ja4l_c,ja4l_s",
    "ja4ssh,ssh_extras,hassh_algorithms,hassh_server_algorithms",
    "http,akamai_fingerprint,http2_frames",
    "tls_certs,tls_server_name,tls_alpn",
    "src,dst,src_port,dst_port,transport",
    "tls_retry,ja4_stable,peetprint,ja3n",
    "ja4d,dns,dns_transport,quic_transport_parameters,http3",
]


def run(binary, args):
    return subprocess.run([binary, "analyze", *args], capture_output=True, text=True)


def records(text):
    return [json.loads(line) for line in text.splitlines() if line]


def expected(full, keys):
    out = []
    for record in full:
        cut = {k: v for k, v in record.items() if k in keys or k in IDENTIFIERS}
        if any(k not in IDENTIFIERS for k in cut):
            out.append(cut)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--testdata", required=True)
    args = parser.parse_args()
    pcaps = sorted(glob.glob(os.path.join(args.testdata, "ja4", "pcap", "*.pcap*")))
    pcaps = [p for p in pcaps if not p.endswith(".notest.cap")]
    passed = failed = 0
    all_keys = set()
    for pcap in pcaps:
        full = records(run(args.bin, [pcap]).stdout)
        for record in full:
            all_keys.update(record)
        sets = KEY_SETS + sorted({k for r in full for k in r} - set(IDENTIFIERS))
        for key_set in sets:
            keys = key_set.split(",")
            got = records(run(args.bin, ["--fields", key_set, pcap]).stdout)
            want = expected(full, keys)
            # Key order within a line must be the full record's order, so compare as lists.
            if [list(r.items()) for r in got] == [list(r.items()) for r in want]:
                passed += 1
            else:
                failed += 1
                print(f"FAIL {os.path.basename(pcap)} --fields {key_set}: "
                      f"{len(got)} lines, expected {len(want)}", file=sys.stderr)
    bad = run(args.bin, ["--fields", "ja3,no_such_key", pcaps[0]])
    if bad.returncode == 2 and "no_such_key" in bad.stderr:
        passed += 1
    else:
        failed += 1
        print(f"FAIL unknown key: exit {bad.returncode}, stderr {bad.stderr!r}", file=sys.stderr)
    # Every key the full records carry is one --fields knows (else it would be refused above).
    print(f"{len(pcaps)} captures, {len(all_keys)} distinct record keys")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
