#!/usr/bin/env bash
# Records real clients' cleartext HTTP/2 (h2c, prior knowledge) prefaces on loopback and writes
# h2c-clients.tsv: client, hex of the client's bytes, and the Akamai string derived from
# tshark's own HTTP/2 decode of the captured packets (an independent decoder, not our code).
# Needs root (dumpcap on lo), curl, node. Usage: tests/http/vectors/capture-h2c.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/h2c-clients.tsv
port=${PORT:-$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A listener that records what one client sends in its first second, answers nothing, closes.
cat >"$work/listen.py" <<'PY'
import socket, sys, time
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', int(sys.argv[1]))); srv.listen(1)
conn, _ = srv.accept(); conn.settimeout(0.2)
data, end = b'', time.time() + 1.0
while time.time() < end:
    try:
        chunk = conn.recv(65536)
        if not chunk: break
        data += chunk
    except socket.timeout:
        pass
open(sys.argv[2], 'w').write(data.hex()); conn.close()
PY

# Akamai string from tshark's JSON decode of the client's frames.
cat >"$work/akamai.py" <<'PY'
import json, sys
frames = []
def walk(node):
    if isinstance(node, dict):
        if 'http2.type' in node: frames.append(node)
        for k, v in node.items():
            if k != 'http2.type': walk(v)
    elif isinstance(node, list):
        for v in node: walk(v)
def keep_duplicates(pairs):  # tshark repeats a key (one "http2" per frame in a segment)
    out, repeated = {}, set()
    for k, v in pairs:
        if k in repeated:
            out[k].append(v)
        elif k in out:
            out[k], repeated = [out[k], v], repeated | {k}
        else:
            out[k] = v
    return out
for pkt in json.load(open(sys.argv[1]), object_pairs_hook=keep_duplicates):
    walk(pkt['_source']['layers'].get('http2', {}))
def as_list(v): return v if isinstance(v, list) else [v]
settings, wu, prio, pseudo = [], None, [], None
for f in frames:
    t, flags = int(f['http2.type']), int(f.get('http2.flags', '0'), 16)
    if t == 4 and not flags & 1:
        for s in as_list(f.get('http2.settings', [])):
            sid = int(s['http2.settings.id'], 0)
            val = next(v for k, v in s.items() if k != 'http2.settings.id')
            settings.append(f'{sid}:{int(val)}')
    elif t == 8 and int(f['http2.streamid']) == 0 and wu is None:
        wu = f['http2.window_update.window_size_increment']
    elif t == 2:
        prio.append('%s:%d:%s:%d' % (f['http2.streamid'], int(f['http2.exclusive_dependency'] in ('1', 'True')),
                                     f['http2.stream_dependency'], int(f['http2.weight']) + 1))
    elif t == 1 and pseudo is None:
        names = [h['http2.header.name'] for h in as_list(f.get('http2.header', []))]
        pseudo = ','.join(n[1] for n in names if n.startswith(':'))
print('%s|%s|%s|%s' % (';'.join(settings), wu or '00', ','.join(prio) or '0', pseudo or ''))
PY

capture() {  # name, command...
  local name=$1; shift
  dumpcap -q -i lo -f "tcp port $port" -w "$work/$name.pcapng" >/dev/null 2>&1 &
  local cap=$!
  sleep 1
  python3 "$work/listen.py" "$port" "$work/$name.hex" &
  local lis=$!
  sleep 0.3
  "$@" >/dev/null 2>&1 || true
  wait "$lis"
  sleep 0.5
  kill "$cap"; wait "$cap" || true
  tshark -r "$work/$name.pcapng" -d "tcp.port==$port,http2" -Y "http2 && tcp.dstport==$port" \
    -T json 2>/dev/null >"$work/$name.json"
  printf '%s\t%s\t%s\n' "$name" "$(cat "$work/$name.hex")" \
    "$(python3 "$work/akamai.py" "$work/$name.json")" >>"$out"
}

printf 'client\thex\takamai_tshark\n' >"$out"
capture "curl-$(curl --version | head -1 | cut -d' ' -f2)" \
  curl -s -m 2 --http2-prior-knowledge "http://127.0.0.1:$port/"
capture "node-$(node --version)" node -e "
  const s = require('http2').connect('http://127.0.0.1:$port');
  s.on('error', () => {});
  const r = s.request({':path': '/', 'user-agent': 'node'}); r.on('error', () => {}); r.end();
  setTimeout(() => process.exit(0), 1500);"
cut -f1,3 "$out"
