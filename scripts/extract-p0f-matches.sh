#!/usr/bin/env bash
# Builds tests/identify/vectors/p0f_matches.tsv: what the real p0f 3.09b (Debian package, with
# its own /etc/p0f/p0f.fp, copied next to it as p0f_debian.fp) concluded for every SYN, SYN+ACK
# and HTTP request it reported, next to the raw bytes, so our matcher (src/identify/p0f_match.h)
# is tested against p0f and never against itself. Sources: the reference pcaps in ja4/pcap,
# ja3/dreadl0ck/test2.pcap and, with --loopback, a capture of curl, wget, python urllib and three
# hand-written request heads fetching from a local http.server.
#
# Columns: source, frame, kind (syn|synack|http), syn_mss (the SYN's MSS for a SYN+ACK),
# field (os|app: p0f prints "app" for userland labels), label (p0f's "Name flavor" or ???),
# params (p0f's generic/fuzzy/... flags), dist, link (- when p0f printed no mtu line),
# raw_sig, hex (TCP: IP packet from the IP header on; http: the request head bytes).
#
# Needs tshark, p0f and python3; --loopback also needs root, tcpdump, curl and wget.
# Usage: scripts/extract-p0f-matches.sh [--loopback]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
testdata="${FP_TESTDATA:-$here/../shared/testdata}"
out="$here/tests/identify/vectors"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
# The database p0f ran with, so the tests match against the very same file.
cp /etc/p0f/p0f.fp "$out/p0f_debian.fp"

if [[ "${1:-}" == "--loopback" ]]; then
  port=$((20000 + RANDOM % 20000))
  (cd "$work" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
  server=$!
  tcpdump -i lo -s 0 -w "$work/loopback.pcap" -U "tcp port $port" >/dev/null 2>&1 &
  dump=$!
  sleep 1.5
  curl -s -o /dev/null "http://127.0.0.1:$port/" || true
  wget -q -O /dev/null "http://127.0.0.1:$port/" || true
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/').read()" || true
  # Hand-written request heads in the header order of p0f.fp's curl and Wget signatures (the
  # Debian versions send another order), one with a User-Agent the signature calls dishonest.
  for head in 'GET / HTTP/1.1\r\nUser-Agent: curl/7.1\r\nHost: h\r\nAccept: */*\r\n\r\n' \
      'GET / HTTP/1.0\r\nUser-Agent: Wget/1.12\r\nAccept: */*\r\nHost: h\r\nConnection: Keep-Alive\r\n\r\n' \
      'GET / HTTP/1.1\r\nUser-Agent: Firefox/1\r\nHost: h\r\nAccept: */*\r\n\r\n'; do
    python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1',$port)); \
s.sendall(sys.argv[1].encode().decode('unicode_escape').encode()); s.recv(65536)" "$head" || true
  done
  sleep 1
  kill "$dump" "$server"
  wait "$dump" "$server" 2>/dev/null || true
  export FP_LOOPBACK_PCAP="$work/loopback.pcap"
fi

export FP_TESTDATA_DIR="$testdata" FP_OUT="$out" FP_WORK="$work"
python3 - <<'PY'
import ipaddress, os, re, struct, subprocess, sys

TD, OUT, WORK = os.environ["FP_TESTDATA_DIR"], os.environ["FP_OUT"], os.environ["FP_WORK"]
PCAPS = [p for p in sorted(os.listdir(f"{TD}/ja4/pcap")) if ".pcap" in p and "notest" not in p]
SOURCES = [(f"{TD}/ja4/pcap/{p}", p) for p in PCAPS]
SOURCES.append((f"{TD}/ja3/dreadl0ck/test2.pcap", "ja3/dreadl0ck/test2.pcap"))
if os.environ.get("FP_LOOPBACK_PCAP"):
    SOURCES.append((os.environ["FP_LOOPBACK_PCAP"], "loopback"))


def norm(addr):
    return str(ipaddress.ip_address(addr))


def tshark(path, filt, fields):
    cmd = ["tshark", "-r", path, "-Y", filt, "-T", "fields", "-E", "occurrence=l"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [l.split("\t") for l in out.splitlines()]


def read_frames(path):
    """Frame byte strings of a pcap or pcapng file (frame 1 is index 0)."""
    data = open(path, "rb").read()
    frames = []
    if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = "<" if data[0] in (0xD4, 0x4D) else ">"
        pos = 24
        while pos + 16 <= len(data):
            caplen = struct.unpack(e + "I", data[pos + 8:pos + 12])[0]
            frames.append(data[pos + 16:pos + 16 + caplen])
            pos += 16 + caplen
        return frames
    pos, e = 0, "<"
    while pos + 12 <= len(data):
        btype = struct.unpack(e + "I", data[pos:pos + 4])[0]
        if btype == 0x0A0D0D0A:
            e = "<" if data[pos + 8:pos + 12] == b"\x4d\x3c\x2b\x1a" else ">"
        blen = struct.unpack(e + "I", data[pos + 4:pos + 8])[0]
        if btype == 6:
            caplen = struct.unpack(e + "I", data[pos + 20:pos + 24])[0]
            frames.append(data[pos + 28:pos + 28 + caplen])
        elif btype == 3:
            frames.append(data[pos + 12:pos + blen - 4])
        pos += blen
    return frames


def ip_offset(frame_hex, src, dst):
    """Hex offset of the innermost IP header carrying src -> dst (tunnels are stripped)."""
    s, d = ipaddress.ip_address(src).packed.hex(), ipaddress.ip_address(dst).packed.hex()
    best = None
    for off in range(0, len(frame_hex) - 40, 2):
        v = frame_hex[off]
        if v == "4" and len(s) == 8 and frame_hex[off + 24:off + 40] == s + d:
            best = off
        elif v == "6" and len(s) == 32 and frame_hex[off + 16:off + 80] == s + d:
            best = off
    return best


def syn_frames(path):
    """(frame, src, sport, dst, dport, flags, ip hex) of every SYN, in capture order."""
    rows = []
    for c in tshark(path, "tcp.flags.syn==1", ["frame.number", "ip.src", "ip.dst", "ipv6.src",
                                               "ipv6.dst", "tcp.srcport", "tcp.dstport",
                                               "tcp.flags", "frame.protocols"]):
        if len(c) < 8:
            continue
        src, dst = (c[1], c[2]) if c[1] else (c[3], c[4])
        rows.append(dict(frame=int(c[0]), src=norm(src), dst=norm(dst), sport=int(c[5]),
                         dport=int(c[6]), flags=int(c[7], 16)))
    frames = read_frames(path)
    for r in rows:
        fh = frames[r["frame"] - 1].hex()
        off = ip_offset(fh, r["src"], r["dst"])
        r["hex"] = fh[off:] if off is not None else ""
    return rows


def http_requests(path):
    """(frame, src, sport, request head hex) of every HTTP/1 request tshark decodes."""
    reqs = []
    for c in tshark(path, "http.request", ["frame.number", "ip.src", "ipv6.src", "tcp.srcport",
                                           "tcp.reassembled.data", "tcp.payload"]):
        if len(c) < 6 or not c[3]:
            continue
        data = (c[4] or c[5]).replace(":", "")
        end = data.find("0d0a0d0a")
        reqs.append(dict(frame=int(c[0]), src=norm(c[1] or c[2]), sport=int(c[3]),
                         hex=data[:end + 8] if end >= 0 else data))
    return reqs


FIELD = re.compile(r"\|([a-z_]+)=([^|]*)")


def parse_log(path):
    rows = []
    for line in open(path):
        head, _, rest = line.strip().partition("] ")
        f = dict(FIELD.findall("|" + rest))
        rows.append(f)
    return rows


def run(path, source, sink, stats):
    log = f"{WORK}/p0f.log"
    if os.path.exists(log):
        os.remove(log)
    subprocess.run(["p0f", "-r", path, "-o", log], capture_output=True, check=True)
    if not os.path.exists(log):
        return
    lines = parse_log(log)
    syns, reqs = syn_frames(path), http_requests(path)
    pos, syn_mss = 0, {}
    for i, f in enumerate(lines):
        mod = f.get("mod")
        if mod not in ("syn", "syn+ack", "http request"):
            continue
        cli, cport = f["cli"].rsplit("/", 1)
        srv, sport = f["srv"].rsplit("/", 1)
        cli, srv, cport, sport = norm(cli), norm(srv), int(cport), int(sport)
        field = "app" if "app" in f else "os"
        label = f.get(field, "???")
        if mod == "http request":
            hit = next((r for r in reqs if r["src"] == cli and r["sport"] == cport), None)
            if hit is None:
                stats.append(f"# skipped http {source} {cli}/{cport}: request not found")
                continue
            reqs.remove(hit)
            sink.append([source, hit["frame"], "http", 0, field, label, f.get("params", ""),
                         "-", "-", f.get("raw_sig", ""), hit["hex"]])
            continue
        want = (cli, cport, srv, sport) if mod == "syn" else (srv, sport, cli, cport)
        flags = 0x02 if mod == "syn" else 0x12
        while pos < len(syns):
            r = syns[pos]
            pos += 1
            if (r["src"], r["sport"], r["dst"], r["dport"]) == want and r["flags"] & 0x17 == flags:
                break
        else:
            stats.append(f"# skipped {source}: p0f line without frame: {f.get('raw_sig')}")
            pos = 0
            continue
        # p0f logs the mtu observation right after the syn / syn+ack it belongs to.
        link = "-"
        subj = f["subj"]
        for g in lines[i + 1:]:
            if g.get("mod") in ("syn", "syn+ack", "http request"):
                break
            if g.get("mod") == "mtu" and g.get("cli") == f["cli"] and g.get("srv") == f["srv"] \
                    and g.get("subj") == subj:
                link = g.get("link", "???")
                break
        sig = f.get("raw_sig", "")
        flow = (cli, cport, srv, sport)
        if mod == "syn":
            syn_mss[flow] = sig.split(":")[3]
            kind, mss = "syn", 0
        else:
            kind, mss = "synack", syn_mss.get(flow, "0")
        sink.append([source, r["frame"], kind, mss, field, label, f.get("params", ""),
                     f.get("dist", ""), link, sig, r["hex"]])


def main():
    rows, notes = [], []
    for path, source in SOURCES:
        run(path, source, rows, notes)
    old = f"{OUT}/p0f_matches.tsv"
    if not os.environ.get("FP_LOOPBACK_PCAP") and os.path.exists(old):
        # keep loopback rows captured by an earlier --loopback run
        rows += [l.rstrip("\n").split("\t") for l in open(old) if l.startswith("loopback\t")]
    with open(old, "w") as f:
        f.write("# what the real p0f 3.09b (Debian, /etc/p0f/p0f.fp) reported per SYN, SYN+ACK and "
                "HTTP request\n# generated by scripts/extract-p0f-matches.sh; do not edit\n")
        f.write("# source\tframe\tkind\tsyn_mss\tfield\tlabel\tparams\tdist\tlink\traw_sig\thex\n")
        for n in notes:
            f.write(n + "\n")
        for r in rows:
            f.write("\t".join(str(x) for x in r) + "\n")
    kinds = {}
    for r in rows:
        kinds[r[2]] = kinds.get(r[2], 0) + 1
    print(f"p0f_matches.tsv: {len(rows)} vectors {kinds}; {len(notes)} skipped")
    for n in notes:
        print(n)


main()
PY
