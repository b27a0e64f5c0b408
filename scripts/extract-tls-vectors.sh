#!/usr/bin/env bash
# Rebuilds tests/tls/vectors/streams.tsv: the first bytes of each direction of every TCP stream
# in the reference captures that starts like TLS (a handshake record or an SSLv2-compatible
# hello), reassembled from tshark's per-segment payloads. The expected fingerprints are NOT in
# this file: tests/tls/golden_test.cc reads them from the reference outputs at run time.
#
# Usage: scripts/extract-tls-vectors.sh [TESTDATA]   (default ../shared/testdata)
# Needs tshark (Debian 4.0.17 was used) and python3.
#
# Columns: pcap (relative to TESTDATA), stream (tshark tcp.stream), client_hex, server_hex.
# The client side is the sender of the stream's first packet. Each side is cut after its
# handshake: the client at its first alert/application-data record (or 8 KiB), the server
# after the record that completes its first ServerHello that is not a HelloRetryRequest. Streams whose payload does not
# start with TLS (HTTP CONNECT and SOCKS tunnels, SSH, plain HTTP) are left out and listed on
# stderr; QUIC (UDP) is out of this module's scope.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
testdata="${1:-$here/../shared/testdata}"
out="$here/tests/tls/vectors/streams.tsv"

dump() {  # one line per TCP segment: stream, src, srcport, seq, syn, payload hex
  tshark -r "$1" -n -T fields -E occurrence=l -e tcp.stream -e ip.src -e ipv6.src \
    -e tcp.srcport -e tcp.seq -e tcp.flags.syn -e tcp.payload tcp 2>/dev/null
}

{
  printf 'pcap\tstream\tclient_hex\tserver_hex\n'
  for f in "$testdata"/ja4/pcap/*.pcap* "$testdata"/ja3/dreadl0ck/test2.pcap; do
    rel="${f#"$testdata"/}"
    dump "$f" | python3 -c '
import sys
rel = sys.argv[1]
flows = {}   # stream -> {"client": key, dirs: {key: {seq: bytes}}}
for line in sys.stdin:
    s, ip4, ip6, port, seq, syn, payload = (line.rstrip("\n").split("\t") + [""] * 7)[:7]
    if not s:
        continue
    key = (ip4 or ip6, port)
    f = flows.setdefault(int(s), {"client": key, "dirs": {}})
    d = f["dirs"].setdefault(key, {"base": None, "segs": {}})
    if syn == "1":
        d["base"] = int(seq) + 1
    if payload:
        d["segs"].setdefault(int(seq), bytes.fromhex(payload))

def prefix(d, cap=8192):
    if not d["segs"]:
        return b""
    pos = d["base"] if d["base"] is not None else min(d["segs"])
    out = bytearray()
    while len(out) < cap:
        nxt = [(q, b) for q, b in d["segs"].items() if q <= pos < q + len(b)]
        if not nxt:
            break
        q, b = max(nxt, key=lambda qb: qb[0] + len(qb[1]))
        out += b[pos - q:]
        pos = q + len(b)
    return bytes(out[:cap])

def tlsish(b):
    if len(b) >= 3 and b[0] == 0x16 and b[1] == 3:
        return True
    return len(b) >= 3 and b[0] & 0x80 and b[2] == 1   # SSLv2-compatible ClientHello

def cut_client(b):
    pos = 0
    while pos + 5 <= len(b):
        if b[pos] in (21, 23):
            return b[:pos]
        pos += 5 + int.from_bytes(b[pos + 3:pos + 5], "big")
    return b

HRR_RANDOM = bytes.fromhex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")

def cut_server(b):
    # Through the record that completes the first ServerHello that is not a HelloRetryRequest
    # (the HRR, a ChangeCipherSpec and the real ServerHello are all kept).
    if not b or b[0] != 0x16:
        return b[:64]
    pos, hs, start = 0, bytearray(), 0
    while pos + 5 <= len(b) and b[pos] in (0x14, 0x16):
        n = int.from_bytes(b[pos + 3:pos + 5], "big")
        if b[pos] == 0x16:
            hs += b[pos + 5:pos + 5 + n]
        pos += 5 + n
        while len(hs) - start >= 4:
            end = start + 4 + int.from_bytes(hs[start + 1:start + 4], "big")
            if len(hs) < end:
                break
            if hs[start] == 2 and hs[start + 6:start + 38] != HRR_RANDOM:
                return b[:pos]
            start = end
    return b[:pos]

for s in sorted(flows):
    f = flows[s]
    c = prefix(f["dirs"][f["client"]])
    others = [d for k, d in f["dirs"].items() if k != f["client"]]
    sv = prefix(others[0]) if others else b""
    if not tlsish(c) and not tlsish(sv):
        if c or sv:
            print(f"skipped {rel} stream {s}: starts {c[:8].hex()} / {sv[:8].hex()}", file=sys.stderr)
        continue
    print(f"{rel}\t{s}\t{cut_client(c).hex()}\t{cut_server(sv).hex()}")
' "$rel"
  done
} > "$out"
echo "wrote $(($(wc -l < "$out") - 1)) streams to $out" >&2
