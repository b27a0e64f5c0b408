#!/usr/bin/env python3
"""Checks `fingerprint analyze` on the capture of real_clients_test.sh against tshark and p0f.

Prints one line per check ("PASS ..." / "FAIL ..."), then "N passed, N failed"; exits 1 on any
failure. See real_clients_test.sh for how the capture and the manifest are made.
"""
import argparse
import csv
import hashlib
import ipaddress
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

passed = 0
failed = 0


def check(ok, what, detail="", shown=None):
    global passed, failed
    if ok:
        passed += 1
        value = ""
        if shown is not None:
            text = str(shown)
            value = " = " + (text if len(text) <= 90 else text[:87] + "...")
        print(f"PASS {what}{value}")
    else:
        failed += 1
        print(f"FAIL {what}" + (f": {detail}" if detail else ""))
    return ok


def eq(what, ours, theirs):
    return check(ours == theirs, what, f"ours {ours!r} != reference {theirs!r}", ours)


# ------------------------------------------------------------------ inputs

def read_manifest(path):
    runs = []
    with open(path, newline="") as f:
        for row in csv.reader(f, delimiter="\t"):
            name, kind, port, family, group, tlsver, sni, rc = row
            runs.append(dict(name=name, kind=kind, port=int(port), family=family,
                             group=None if group == "-" else group,
                             tlsver=None if tlsver == "-" else tlsver,
                             sni="" if sni == "-" else sni, rc=int(rc)))
    return runs


def run_ours(binary, pcap):
    p = subprocess.run([binary, "analyze", "--format", "jsonl", pcap],
                       capture_output=True, text=True, timeout=120)
    records = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    return p.returncode, p.stderr, records


class Tshark:
    def __init__(self, pcap, decode_as):
        self.pcap = pcap
        self.decode = []
        for port, proto in decode_as:
            self.decode += ["-d", f"tcp.port=={port},{proto}"]

    def fields(self, display_filter, fields):
        cmd = ["tshark", "-n", "-r", self.pcap, *self.decode, "-Y", display_filter, "-T", "fields",
               "-E", "separator=/t", "-E", "aggregator=|", "-E", "occurrence=a"]
        for f in fields:
            cmd += ["-e", f]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError(f"tshark failed: {p.stderr}")
        rows = []
        for line in p.stdout.splitlines():
            cols = line.split("\t")
            cols += [""] * (len(fields) - len(cols))
            rows.append(dict(zip(fields, cols)))
        return rows

    def pdml(self, display_filter):
        cmd = ["tshark", "-n", "-r", self.pcap, *self.decode, "-Y", display_filter, "-T", "pdml"]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError(f"tshark failed: {p.stderr}")
        return ET.fromstring(p.stdout)


def p0f_syn_signatures(pcap):
    """{(client address, client port): [raw_sig of each SYN]} from `p0f -r`."""
    p = subprocess.run(["p0f", "-r", pcap], capture_output=True, text=True, timeout=120)
    sigs = {}
    head = re.compile(r"^\.-\[ (\S+)/(\d+) -> (\S+)/(\d+) \((.+)\) \]-")
    kind = client = None
    for line in p.stdout.splitlines():
        m = head.match(line)
        if m:
            kind = m.group(5)
            client = (ipaddress.ip_address(m.group(1)), int(m.group(2)))
            continue
        if kind == "syn" and line.startswith("| raw_sig"):
            sigs.setdefault(client, []).append(line.split("=", 1)[1].strip())
    return p.returncode, sigs


# ------------------------------------------------------------------ HTTP/2 from tshark's decode

def akamai_from_pdml(root, h2c_port):
    """{tcp.stream: Akamai string} from the client's side of every HTTP/2 stream."""
    per_stream = {}
    for packet in root.iter("packet"):
        fields = list(packet.iter("field"))
        get = {}
        for f in fields:
            get.setdefault(f.get("name"), f.get("show"))
        if get.get("tcp.dstport") != str(h2c_port):
            continue
        stream = int(get["tcp.stream"])
        st = per_stream.setdefault(stream, dict(settings=[], window=None, priority=[],
                                                pseudo=None, first_settings_done=False))
        frame_type = frame_stream = None
        pending_id = None
        prio = {}
        in_headers = False
        names = []

        def finish_frame():
            nonlocal names, prio
            if frame_type == 1 and st["pseudo"] is None:
                st["pseudo"] = ",".join(n[1] for n in names if n.startswith(":") and len(n) > 1)
            if frame_type == 2 and prio:
                st["priority"].append("%s:%s:%s:%s" % (frame_stream, prio.get("exclusive", "0"),
                                                       prio.get("dep", "0"), prio.get("weight", "")))
            names = []
            prio = {}

        for f in fields:
            name, show = f.get("name"), f.get("show")
            if name == "http2.type":
                finish_frame()
                frame_type = int(show)
                in_headers = frame_type == 1
            elif name == "http2.streamid":
                frame_stream = int(show)
            elif name == "http2.flags.ack.settings" and frame_type == 4 and show in ("1", "True"):
                frame_type = -4  # a SETTINGS ACK carries no settings
            elif name == "http2.settings.id" and frame_type == 4:
                pending_id = int(show, 0)
            elif (name.startswith("http2.settings.") and name != "http2.settings.id"
                  and pending_id is not None and frame_type == 4):
                if not st["first_settings_done"]:
                    st["settings"].append(f"{pending_id}:{int(show, 0)}")
                pending_id = None
            elif (name == "http2.window_update.window_size_increment" and frame_type == 8
                  and frame_stream == 0 and st["window"] is None):
                st["window"] = str(int(show, 0))
            elif name == "http2.header.name" and in_headers:
                names.append(show)
            elif frame_type == 2 and name == "http2.exclusive":
                prio["exclusive"] = "1" if show in ("1", "True") else "0"
            elif frame_type == 2 and name == "http2.stream_dependency":
                prio["dep"] = str(int(show, 0))
            elif frame_type == 2 and name == "http2.headers.weight_real":
                prio["weight"] = str(int(show, 0))
        finish_frame()
        if st["settings"]:
            st["first_settings_done"] = True
    out = {}
    for stream, st in per_stream.items():
        out[stream] = "%s|%s|%s|%s" % (";".join(st["settings"]), st["window"] or "00",
                                       ",".join(st["priority"]) or "0", st["pseudo"] or "")
    return out


# ------------------------------------------------------------------ main

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--logs", required=True)
    ap.add_argument("--tls-ports", required=True)
    ap.add_argument("--http-port", type=int, required=True)
    ap.add_argument("--h2c-port", type=int, required=True)
    ap.add_argument("--probe-port", type=int, required=True)
    a = ap.parse_args()
    tls_ports = [int(p) for p in a.tls_ports.split(",")]
    runs = read_manifest(a.manifest)

    print("== clients")
    for r in runs:
        detail = ""
        if r["rc"] != 0:
            try:
                with open(os.path.join(a.logs, r["name"] + ".err"), errors="replace") as f:
                    detail = f"exit {r['rc']}: " + f.read().strip()[-300:]
            except OSError:
                detail = f"exit {r['rc']}"
        check(r["rc"] == 0, f"client {r['name']} ran", detail)

    print("== fingerprint analyze")
    rc, err, records = run_ours(a.bin, a.pcap)
    check(rc == 0, "fingerprint analyze exits 0", f"exit {rc}: {err.strip()[-300:]}")
    sanitizer = re.search(r"runtime error:|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer",
                          err)
    check(sanitizer is None, "no sanitizer report on stderr", err.strip()[-600:])
    ours = {}
    for rec in records:
        ours.setdefault(rec["stream"], []).append(rec)
    check(all(len(v) == 1 for v in ours.values()), "one record per stream",
          str([k for k, v in ours.items() if len(v) > 1]))
    ours = {k: v[0] for k, v in ours.items()}

    ts = Tshark(a.pcap, [(p, "tls") for p in tls_ports] + [(a.http_port, "http"),
                                                          (a.h2c_port, "http2")])

    # Map every client run to its TCP stream: clients ran one after the other, one connection
    # each, so the client streams (the probe connections aside) are the runs in order.
    print("== streams")
    syns = ts.fields("tcp.flags.syn == 1 && tcp.flags.ack == 0",
                     ["tcp.stream", "ip.src", "ipv6.src", "tcp.srcport", "tcp.dstport"])
    first_syn = {}
    for s in syns:
        first_syn.setdefault(int(s["tcp.stream"]), s)
    all_streams = {int(x["tcp.stream"]) for x in ts.fields("tcp", ["tcp.stream"])}
    eq("stream numbers: ours = tshark's tcp.stream", sorted(ours), sorted(all_streams))
    client_streams = [k for k in sorted(first_syn) if int(first_syn[k]["tcp.dstport"]) != a.probe_port]
    check(len(client_streams) == len(runs), "one TCP stream per client run",
          f"{len(client_streams)} streams for {len(runs)} runs")
    stream_of = {}
    for r, s in zip(runs, client_streams):
        if check(int(first_syn[s]["tcp.dstport"]) == r["port"],
                 f"{r['name']} is stream {s}",
                 f"stream {s} goes to port {first_syn[s]['tcp.dstport']}, expected {r['port']}"):
            stream_of[r["name"]] = s
    for r in runs:
        s = stream_of.get(r["name"])
        if s is None:
            continue
        syn = first_syn[s]
        rec = ours.get(s)
        if not check(rec is not None, f"{r['name']}: record for stream {s} exists"):
            continue
        src = ipaddress.ip_address(syn["ip.src"] or syn["ipv6.src"])
        eq(f"{r['name']}: src/src_port/dst_port",
           (str(ipaddress.ip_address(rec["src"])), rec["src_port"], rec["dst_port"]),
           (str(src), int(syn["tcp.srcport"]), int(syn["tcp.dstport"])))
        if r["family"] == "6":
            check(":" in rec["src"] and ":" in rec["dst"], f"{r['name']}: IPv6 addresses",
                  f"{rec['src']} -> {rec['dst']}")
        if r["kind"] == "tls":
            check(bool(rec.get("ja4")) and bool(rec.get("ja3")), f"{r['name']}: TLS client record",
                  f"keys {sorted(rec)}")
            check(bool(rec.get("ja4s")) and bool(rec.get("ja3s")), f"{r['name']}: TLS server record",
                  f"keys {sorted(rec)}")
            if r["tlsver"]:
                want = "t" + r["tlsver"]
                check(rec.get("ja4s", "").startswith(want), f"{r['name']}: negotiated TLS 1.{r['tlsver'][1]}",
                      f"ja4s {rec.get('ja4s')!r}")
                if r["tlsver"] == "12":
                    check(rec.get("ja4", "").startswith("t12"), f"{r['name']}: offers TLS 1.2 only",
                          f"ja4 {rec.get('ja4')!r}")
            eq(f"{r['name']}: server name", rec.get("tls_server_name", ""), r["sni"])
        if r["kind"] == "h2c":
            check(bool(rec.get("akamai_fingerprint")), f"{r['name']}: HTTP/2 record",
                  f"keys {sorted(rec)}")

    # TLS versions both seen.
    versions = {rec.get("ja4s", "")[:3] for rec in ours.values() if rec.get("ja4s")}
    check({"t12", "t13"} <= versions, "TLS 1.2 and TLS 1.3 handshakes both captured", str(versions))

    print("== JA3 / JA3N / SNI against tshark (every ClientHello)")
    hellos = ts.fields("tls.handshake.type == 1",
                       ["tcp.stream", "tcp.srcport", "tls.handshake.type", "tls.handshake.ja3",
                        "tls.handshake.ja3_full", "tls.handshake.extensions_server_name"])
    check(len(hellos) >= sum(r["kind"] == "tls" for r in runs),
          "tshark sees a ClientHello for every TLS run", f"{len(hellos)} ClientHellos")
    seen_hello = {}
    for h in hellos:
        stream = int(h["tcp.stream"])
        ja3, ja3_full = h["tls.handshake.ja3"], h["tls.handshake.ja3_full"]
        sni = h["tls.handshake.extensions_server_name"]
        nth = seen_hello.get(stream, 0)  # a second ClientHello follows a HelloRetryRequest
        seen_hello[stream] = nth + 1
        rec = ours.get(stream)
        label = f"stream {stream} ClientHello" + (f" #{nth + 1}" if nth else "")
        if not check(rec is not None, f"{label}: we have a record"):
            continue
        target = rec if nth == 0 else rec.get("tls_retry", {})
        eq(f"{label}: src_port", rec["src_port"], int(h["tcp.srcport"]))
        eq(f"{label}: ja3", target.get("ja3"), ja3)
        eq(f"{label}: ja3_full", target.get("ja3_full"), ja3_full)
        parts = ja3_full.split(",")
        if len(parts) == 5 and parts[2]:
            parts[2] = "-".join(str(x) for x in sorted(int(e) for e in parts[2].split("-")))
        ja3n_full = ",".join(parts)
        eq(f"{label}: ja3n_full (tshark ja3_full, extensions sorted)",
           target.get("ja3n_full"), ja3n_full)
        eq(f"{label}: ja3n", target.get("ja3n"), hashlib.md5(ja3n_full.encode()).hexdigest())
        if nth == 0:
            eq(f"{label}: server name", rec.get("tls_server_name", ""), sni)

    print("== JA3S against tshark (every ServerHello)")
    shellos = ts.fields("tls.handshake.type == 2",
                        ["tcp.stream", "tls.handshake.ja3s", "tls.handshake.ja3s_full"])
    check(len(shellos) >= sum(r["kind"] == "tls" for r in runs),
          "tshark sees a ServerHello for every TLS run", f"{len(shellos)} ServerHellos")
    seen_server = set()
    for h in shellos:
        stream = int(h["tcp.stream"])
        if stream in seen_server:
            continue  # a second ServerHello after a HelloRetryRequest: ours reports the first
        seen_server.add(stream)
        rec = ours.get(stream)
        if not check(rec is not None, f"stream {stream} ServerHello: we have a record"):
            continue
        eq(f"stream {stream} ServerHello: ja3s", rec.get("ja3s"), h["tls.handshake.ja3s"].split("|")[0])
        eq(f"stream {stream} ServerHello: ja3s_full", rec.get("ja3s_full"),
           h["tls.handshake.ja3s_full"].split("|")[0])

    print("== HTTP/1 against tshark")
    reqs = ts.fields("http.request", ["tcp.stream", "http.request.method", "http.user_agent"])
    theirs_http = {}
    for q in reqs:
        methods = q["http.request.method"].split("|")
        uas = q["http.user_agent"].split("|") if q["http.user_agent"] else []
        uas += [""] * (len(methods) - len(uas))
        theirs_http.setdefault(int(q["tcp.stream"]), []).extend(uas)
    ours_http = {s: [h.get("user_agent", "") for h in rec.get("http", [])
                     if h.get("version", "").startswith("HTTP/1")]
                 for s, rec in ours.items()}
    ours_http = {s: v for s, v in ours_http.items() if v}
    http_runs = [r for r in runs if r["kind"] == "http"]
    check(len(theirs_http) >= len(http_runs), "tshark sees a request for every HTTP/1 run",
          f"{len(theirs_http)} streams with requests")
    for s in sorted(set(theirs_http) | set(ours_http)):
        eq(f"stream {s} HTTP/1: request count", len(ours_http.get(s, [])), len(theirs_http.get(s, [])))
        eq(f"stream {s} HTTP/1: user agents", ours_http.get(s, []), theirs_http.get(s, []))
    for r in http_runs:
        s = stream_of.get(r["name"])
        if s is not None:
            check(bool(theirs_http.get(s, [""])[0]), f"{r['name']}: sends a User-Agent")

    print("== HTTP/2 Akamai against tshark")
    akamai = akamai_from_pdml(ts.pdml("http2"), a.h2c_port)
    h2_runs = [r for r in runs if r["kind"] == "h2c"]
    check(len(akamai) >= len(h2_runs), "tshark decodes HTTP/2 for every h2c run",
          f"{len(akamai)} HTTP/2 streams")
    for s, theirs in sorted(akamai.items()):
        rec = ours.get(s, {})
        eq(f"stream {s} HTTP/2: akamai_fingerprint", rec.get("akamai_fingerprint"), theirs)
        eq(f"stream {s} HTTP/2: akamai_fingerprint_hash", rec.get("akamai_fingerprint_hash"),
           hashlib.md5(theirs.encode()).hexdigest())

    print("== p0f SYN signatures against p0f -r")
    prc, sigs = p0f_syn_signatures(a.pcap)
    check(prc == 0 and sigs, "p0f reads the capture", f"exit {prc}, {len(sigs)} SYN signatures")
    by_client = {}
    for rec in ours.values():
        by_client.setdefault((ipaddress.ip_address(rec["src"]), rec["src_port"]), []).append(rec)
    for (addr, port), their_sigs in sorted(sigs.items(), key=lambda kv: kv[0][1]):
        recs = by_client.get((addr, port), [])
        if not check(len(recs) == 1, f"SYN {addr}/{port}: one record",
                     f"{len(recs)} records"):
            continue
        eq(f"stream {recs[0]['stream']} SYN {addr}/{port}: p0f_signature",
           recs[0].get("p0f_signature"), their_sigs[0])
    for r in runs:
        s = stream_of.get(r["name"])
        if s is not None and s in ours:
            key = (ipaddress.ip_address(ours[s]["src"]), ours[s]["src_port"])
            check(key in sigs, f"{r['name']}: p0f printed its SYN", str(key))

    print("== JA4 stable across runs of one client")
    groups = {}
    for r in runs:
        if r["group"] and r["name"] in stream_of and stream_of[r["name"]] in ours:
            groups.setdefault(r["group"], []).append((r["name"], ours[stream_of[r["name"]]]))
    for g, members in sorted(groups.items()):
        if not check(len(members) >= 2, f"group {g}: at least two runs", str(len(members))):
            continue
        (n0, r0) = members[0]
        for n1, r1 in members[1:]:
            check(r0["stream"] != r1["stream"], f"{n0} vs {n1}: different streams")
            eq(f"{n0} vs {n1}: same ja4", r1.get("ja4"), r0.get("ja4"))
            eq(f"{n0} vs {n1}: same ja4_r", r1.get("ja4_r"), r0.get("ja4_r"))

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
