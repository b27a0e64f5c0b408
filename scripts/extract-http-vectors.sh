#!/usr/bin/env bash
# Builds tests/http/vectors/http1-{streams,expected}.tsv from the FoxIO reference captures.
#   http1-streams.tsv : pcap, transport, stream, hex of the client's bytes (TCP: the client
#                       direction of the stream as `tshark -z follow,tcp,raw` reassembles it;
#                       UDP: one row per datagram, the stream column is the frame number).
#   http1-expected.tsv: pcap, transport, stream, index (request order within the stream), then
#                       the reference values copied verbatim ('-' when a reference has none):
#                       rust ja4h (expected/rust-json), wireshark ja4h, ja4h_r, ja4h_ro
#                       (expected/wireshark), python ja4h, ja4h_ro (expected/python).
# Nothing here runs our own code. Usage: scripts/extract-http-vectors.sh [testdata-dir]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
testdata=${1:-$here/../shared/testdata}
ja4=$testdata/ja4
out=$here/tests/http/vectors
mkdir -p "$out"
pcaps=(http1.pcapng http1-with-cookies.pcapng http-empty-useragent.pcap single-packets.pcap
       latest.pcapng CVE-2018-6794.pcap https-connect.pcap ssh2.pcapng tls3.pcapng
       gre-erspan-vxlan.pcap)

streams=$out/http1-streams.tsv
printf 'pcap\ttransport\tstream\thex\n' >"$streams"
frames=$(mktemp)
trap 'rm -f "$frames"' EXIT
for p in "${pcaps[@]}"; do
  # frame -> stream of every HTTP request, for mapping the per-frame Wireshark expectations.
  tshark -r "$ja4/pcap/$p" -Y 'http.request' -T fields -e frame.number -e tcp.stream \
    -e udp.stream -e udp.payload 2>/dev/null | sed "s/^/$p\t/" >>"$frames"
  for s in $(tshark -r "$ja4/pcap/$p" -Y 'http.request && tcp' -T fields -e tcp.stream \
               2>/dev/null | sort -un); do
    # In the follow output, the client's (first node's) chunks have no leading tab.
    hex=$(tshark -r "$ja4/pcap/$p" -q -z "follow,tcp,raw,$s" 2>/dev/null |
          awk '/^=====/{n++; next} n==1 && /^Node [01]:/{next} n==1 && /^[0-9a-f]+$/{printf "%s", $0}')
    printf '%s\ttcp\t%s\t%s\n' "$p" "$s" "$hex" >>"$streams"
  done
done
# UDP requests (SSDP M-SEARCH): one datagram each.
awk -F'\t' '$3 == "" && $5 != "" {printf "%s\tudp\t%s\t%s\n", $1, $2, $5}' "$frames" >>"$streams"

python3 - "$ja4" "$frames" "$out/http1-expected.tsv" "${pcaps[@]}" <<'PY'
import json, sys, collections, os
ja4, frames_path, out_path, pcaps = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
frame_key = {}  # (pcap, frame) -> (transport, stream)
for line in open(frames_path):
    pcap, frame, tcp, udp, _ = (line.rstrip('\n').split('\t') + [''] * 5)[:5]
    frame_key[(pcap, frame)] = ('tcp', tcp) if tcp else ('udp', frame)
rows = collections.defaultdict(lambda: collections.defaultdict(dict))
def put(pcap, transport, stream, i, field, value):
    rows[(pcap, transport, stream)][i][field] = value
for p in pcaps:
    path = f'{ja4}/expected/rust-json/{p}.json'
    for rec in json.load(open(path)) if os.path.exists(path) else []:
        for i, h in enumerate(rec.get('http', [])):
            put(p, rec['transport'], str(rec['stream']), i, 'rust', h['ja4h'])
    path = f'{ja4}/expected/wireshark/{p}.json'
    counters = collections.Counter()
    for el in json.load(open(path)) if os.path.exists(path) else []:
        layers = el['_source']['layers']
        if 'ja4.ja4h' not in layers:
            continue
        key = frame_key[(p, layers['frame.number'][0])]
        i = counters[key]; counters[key] += 1
        for f in ('ja4h', 'ja4h_r', 'ja4h_ro'):
            put(p, key[0], key[1], i, 'ws_' + f, layers['ja4.' + f][0])
    path = f'{ja4}/expected/python/{p}.json'
    counters = collections.Counter()
    for rec in json.load(open(path)) if os.path.exists(path) else []:
        if 'JA4H' not in rec:
            continue
        i = counters[rec['stream']]; counters[rec['stream']] += 1
        put(p, 'tcp', str(rec['stream']), i, 'py_ja4h', rec['JA4H'])
        put(p, 'tcp', str(rec['stream']), i, 'py_ja4h_ro', rec['JA4H_ro'])
cols = ['rust', 'ws_ja4h', 'ws_ja4h_r', 'ws_ja4h_ro', 'py_ja4h', 'py_ja4h_ro']
with open(out_path, 'w') as out:
    out.write('pcap\ttransport\tstream\tindex\t' + '\t'.join(cols) + '\n')
    for (p, t, s), reqs in sorted(rows.items(), key=lambda kv: (kv[0][0], kv[0][1], int(kv[0][2]))):
        for i in sorted(reqs):
            out.write(f'{p}\t{t}\t{s}\t{i}\t' + '\t'.join(reqs[i].get(c, '-') for c in cols) + '\n')
PY
echo "wrote $(($(wc -l <"$streams") - 1)) streams, $(($(wc -l <"$out/http1-expected.tsv") - 1)) requests"

# HTTP/2 inside TLS: the two captures whose TLS secrets are embedded (pcapng DSB). The client's
# decrypted bytes (the direction that starts with the connection preface), capped at 32 KiB,
# which holds the first request; expectations: the first JA4H of the stream in each reference.
h2=$out/h2-tls-streams.tsv
printf 'pcap\tstream\thex\trust_ja4h\tws_ja4h\tws_ja4h_r\tws_ja4h_ro\tpy_ja4h\tpy_ja4h_ro\n' >"$h2"
for p in http2-with-cookies.pcapng chrome-cloudflare-quic-with-secrets.pcapng; do
  hex=$(tshark -r "$ja4/pcap/$p" -q -z follow,tls,raw,0 2>/dev/null |
        awk '/^=====/{n++; next} n==1 && /^Node [01]:/{next}
             n==1 && /^\t[0-9a-f]+$/{c = c substr($0, 2)} n==1 && /^[0-9a-f]+$/{s = s $0}
             END{print (c ~ /^505249202a/) ? c : s}' | head -c 65536)
  python3 - "$ja4" "$p" "$hex" >>"$h2" <<'PY'
import json, sys
ja4, p, hexs = sys.argv[1:4]
rust = next((r['http'][0]['ja4h'] for r in json.load(open(f'{ja4}/expected/rust-json/{p}.json'))
             if r['transport'] == 'tcp' and r['stream'] == '0' and 'http' in r), '-')
ws = next((el['_source']['layers'] for el in json.load(open(f'{ja4}/expected/wireshark/{p}.json'))
           if 'ja4.ja4h' in el['_source']['layers']), {})
py = next((r for r in json.load(open(f'{ja4}/expected/python/{p}.json'))
           if 'JA4H' in r and str(r['stream']) == '0'), {})
vals = [ws.get('ja4.ja4h', ['-'])[0], ws.get('ja4.ja4h_r', ['-'])[0], ws.get('ja4.ja4h_ro', ['-'])[0],
        py.get('JA4H', '-'), py.get('JA4H_ro', '-')]
print('\t'.join([p, '0', hexs, rust] + vals))
PY
done
echo "wrote $(($(wc -l <"$h2") - 1)) TLS h2 streams"
