#!/usr/bin/env python3
"""Our DNS client fingerprint from real clients, checked against tshark.

A tiny DNS responder (UDP and TCP, port 53 of 127.0.0.153) answers `dig` (BIND 9.18) and `kdig`
(Knot) run with different options; tcpdump records the exchange on lo. Then, for the same
capture, the fields `fingerprint analyze` puts in each record's `dns` object must equal what
tshark's DNS dissector reads (dns.flags.*, dns.count.*, dns.rr.udp_payload_size, dns.resp.z.do,
dns.opt.code, dns.qry.type, dns.qry.name), and the fingerprint string must be the one
docs/fingerprints.md defines, built here from tshark's fields.

Needs root (port 53, tcpdump): otherwise exit 77, which ctest reports as skipped.
Usage: dns_clients_test.py --bin build/fingerprint
"""
import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "service"))
from service_harness import Checks  # noqa: E402

SKIP = 77
SERVER = "127.0.0.153"

# Each client run is one flow (a fresh source port); `dig +tcp` one TCP stream.
CLIENTS = [
    ["dig", f"@{SERVER}", "example.com"],
    ["dig", f"@{SERVER}", "+dnssec", "+cookie", "example.com", "AAAA"],
    ["dig", f"@{SERVER}", "+noedns", "example.org"],
    ["dig", f"@{SERVER}", "+cd", "+nord", "+noadflag", "example.net", "TYPE65"],
    ["dig", f"@{SERVER}", "+subnet=192.0.2.0/24", "+nocookie", "+bufsize=4096", "ExAmPlE.com"],
    ["dig", f"@{SERVER}", "+tcp", "example.com", "TXT"],
    ["kdig", f"@{SERVER}", "example.com", "+nsid", "+padding=64"],
    ["kdig", f"@{SERVER}", "example.com", "+noedns"],
]


def responder(stop):
    """Answers every query with its own question, QR set and no records (NOERROR)."""
    def answer(query):
        if len(query) < 12:
            return None
        flags = struct.unpack(">H", query[2:4])[0] | 0x8000
        end = 12
        while end < len(query) and query[end] != 0:
            end += query[end] + 1
        end += 5
        return query[:2] + struct.pack(">HHHHH", flags, 1, 0, 0, 0) + query[12:end]

    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((SERVER, 53))
    udp.settimeout(0.2)
    tcp = socket.socket()
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((SERVER, 53))
    tcp.listen(8)
    tcp.settimeout(0.2)

    def serve_udp():
        while not stop.is_set():
            try:
                data, peer = udp.recvfrom(4096)
            except socket.timeout:
                continue
            reply = answer(data)
            if reply:
                udp.sendto(reply, peer)

    def serve_tcp():
        while not stop.is_set():
            try:
                conn, _ = tcp.accept()
            except socket.timeout:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    size = struct.unpack(">H", conn.recv(2))[0]
                    data = b""
                    while len(data) < size:
                        data += conn.recv(size - len(data))
                    reply = answer(data)
                    conn.sendall(struct.pack(">H", len(reply)) + reply)
                    conn.recv(1)
                except (OSError, struct.error):
                    pass

    threads = [threading.Thread(target=f, daemon=True) for f in (serve_udp, serve_tcp)]
    for t in threads:
        t.start()
    return threads


def tls_servers(tmp):
    """openssl s_server on 853 (DoT) and 443 (for DoH by name): only their handshakes matter."""
    key, cert = os.path.join(tmp, "key.pem"), os.path.join(tmp, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "1", "-subj", "/CN=dns.google"],
                   check=True, capture_output=True)
    return [subprocess.Popen(["openssl", "s_server", "-accept", f"{SERVER}:{port}", "-cert", cert,
                              "-key", key, "-quiet"], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for port in (853, 443)]


def encrypted_transports(checks, binary, tmp):
    """kdig +tls (DoT, port 853) and curl --doh-url to dns.google (DoH by server name)."""
    servers = tls_servers(tmp)
    pcap = os.path.join(tmp, "encrypted.pcap")
    dump = subprocess.Popen(["tcpdump", "-i", "lo", "--immediate-mode", "-U", "-w", pcap,
                             f"host {SERVER} and (port 853 or port 443)"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    while "listening on" not in dump.stderr.readline():
        pass
    time.sleep(0.5)  # s_server is listening
    subprocess.run(["kdig", f"@{SERVER}", "+tls", "+retry=0", "+time=1", "example.com"],
                   capture_output=True, timeout=30)
    subprocess.run(["curl", "-s", "--max-time", "2", "--doh-insecure", "--doh-url",
                    "https://dns.google/dns-query", "--resolve", f"dns.google:443:{SERVER}",
                    "http://example.invalid/"], capture_output=True, timeout=30)
    time.sleep(0.5)
    dump.send_signal(signal.SIGINT)
    dump.communicate(timeout=30)
    for s in servers:
        s.terminate()
        s.wait()
    out = subprocess.run([binary, "analyze", pcap], capture_output=True, text=True, timeout=60)
    by_port = {}
    for line in out.stdout.splitlines():
        rec = json.loads(line)
        if "ja4" in rec:
            by_port.setdefault(rec["dst_port"], rec)
    checks.eq("kdig +tls: dns_transport", by_port.get(853, {}).get("dns_transport"), "dot")
    checks.eq("curl --doh-url: SNI", by_port.get(443, {}).get("tls_server_name"), "dns.google")
    checks.eq("curl --doh-url: dns_transport", by_port.get(443, {}).get("dns_transport"), "doh")


def as_bool(text):
    return text.strip().lower() in ("1", "true")


def tshark_queries(pcap):
    fields = ["udp.srcport", "tcp.srcport", "dns.flags.opcode", "dns.flags.recdesired",
              "dns.flags.authenticated", "dns.flags.checkdisable", "dns.count.queries",
              "dns.count.answers", "dns.count.auth_rr", "dns.count.add_rr",
              "dns.rr.udp_payload_size", "dns.resp.z.do", "dns.opt.code", "dns.qry.type",
              "dns.qry.name", "dns.resp.edns0_version"]
    args = ["tshark", "-r", pcap, "-Y", "dns.flags.response == 0", "-T", "fields",
            "-E", "separator=\t", "-E", "aggregator=,"]
    for f in fields:
        args += ["-e", f]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        rows.append(dict(zip(fields, line.split("\t"))))
    return rows


def numbers(text):
    return [int(x) for x in text.split(",") if x.strip()] if text else []


def expected_flows(rows):
    """Per client port: the first query's header fields and the types in order of first use."""
    flows = {}
    for r in rows:
        port = int(r["udp.srcport"] or r["tcp.srcport"])
        types = numbers(r["dns.qry.type"])
        if port not in flows:
            edns = r["dns.rr.udp_payload_size"] != ""
            flows[port] = {
                "opcode": int(r["dns.flags.opcode"]),
                "rd": as_bool(r["dns.flags.recdesired"]),
                "ad": as_bool(r["dns.flags.authenticated"]),
                "cd": as_bool(r["dns.flags.checkdisable"]),
                "qdcount": int(r["dns.count.queries"]),
                "ancount": int(r["dns.count.answers"]),
                "nscount": int(r["dns.count.auth_rr"]),
                "arcount": int(r["dns.count.add_rr"]),
                "edns": {
                    "version": int(r["dns.resp.edns0_version"] or 0),
                    "udp_payload_size": int(r["dns.rr.udp_payload_size"]),
                    "do": as_bool(r["dns.resp.z.do"]),
                    "options": numbers(r["dns.opt.code"]),
                } if edns else None,
                "query_types": [],
                "query_name": r["dns.qry.name"].split(",")[0],
                "names": [],
            }
        f = flows[port]
        f["names"] += r["dns.qry.name"].split(",")
        for t in types:
            if t not in f["query_types"]:
                f["query_types"].append(t)
    return flows


def fingerprint_raw(f):
    """docs/fingerprints.md "DNS client fingerprint (ours)", from tshark's fields."""
    def digit(n):
        return str(min(n, 9))
    def joined(xs):
        return "-".join(str(x) for x in xs) or "00"
    e = f["edns"]
    mixed = any(any(c.isupper() for c in n) and any(c.islower() for c in n) for n in f["names"])
    head = ("d" + format(f["opcode"], "x") + ("r" if f["rd"] else "-") +
            ("a" if f["ad"] else "-") + ("c" if f["cd"] else "-") +
            "".join(digit(f[k]) for k in ("qdcount", "ancount", "nscount", "arcount")) +
            (("e" + digit(e["version"])) if e else "nn") + ("d" if e and e["do"] else "-") +
            ("x" if mixed else "-"))
    options = e["options"] if e else []
    raw = "_".join([head, str(e["udp_payload_size"] if e else 0), joined(options),
                    joined(f["query_types"])])
    def sha12(xs):
        return hashlib.sha256(joined(xs).encode()).hexdigest()[:12] if xs else "0" * 12
    hashed = "_".join([head, str(e["udp_payload_size"] if e else 0), sha12(options),
                       sha12(f["query_types"])])
    return raw, hashed, mixed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("SKIP: not root; the test binds port 53 and captures on lo")
        return SKIP
    missing = [t for t in ("dig", "kdig", "tcpdump", "tshark") if shutil.which(t) is None]
    if missing:
        print("SKIP: not installed: " + ", ".join(missing) + " (scripts/install-deps.sh)")
        return SKIP
    checks = Checks()
    stop = threading.Event()
    with tempfile.TemporaryDirectory(prefix="fp-dns-") as tmp:
        pcap = os.path.join(tmp, "dns.pcap")
        dump = subprocess.Popen(["tcpdump", "-i", "lo", "--immediate-mode", "-U", "-w", pcap,
                                 f"host {SERVER} and port 53"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        while "listening on" not in dump.stderr.readline():
            pass
        responder(stop)
        time.sleep(0.3)
        for c in CLIENTS:
            once = ["+tries=1", "+time=2"] if c[0] == "dig" else ["+retry=0", "+time=2"]
            r = subprocess.run(c + once, capture_output=True, text=True, timeout=30)
            checks.check(f"client ran: {' '.join(c)}", r.returncode == 0, r.stderr + r.stdout)
        time.sleep(0.5)
        dump.send_signal(signal.SIGINT)
        dump.communicate(timeout=30)
        stop.set()
        analyzed = subprocess.run([args.bin, "analyze", pcap], capture_output=True, text=True,
                                  timeout=60)
        checks.eq("analyze: exit status", analyzed.returncode, 0)
        records = {}
        for line in analyzed.stdout.splitlines():
            rec = json.loads(line)
            if "dns" in rec:
                records[rec["src_port"]] = rec
        want = expected_flows(tshark_queries(pcap))
        checks.eq("one record with dns per client flow (tshark's query flows)",
                  sorted(records), sorted(want))
        checks.eq("tshark saw every client", len(want), len(CLIENTS))
        for port in sorted(set(want) & set(records)):
            w, rec = want[port], records[port]
            got = rec["dns"]
            label = f"{rec['transport']}:{port}"
            for key in ("opcode", "rd", "ad", "cd", "qdcount", "ancount", "nscount", "arcount",
                        "query_types", "query_name"):
                checks.eq(f"{label} {key} as tshark", got.get(key), w[key])
            checks.eq(f"{label} edns as tshark", got.get("edns"), w["edns"])
            raw, hashed, mixed = fingerprint_raw(w)
            checks.eq(f"{label} mixed_case", got.get("mixed_case"), mixed)
            checks.eq(f"{label} fingerprint_raw as defined ({raw})", got.get("fingerprint_raw"), raw)
            checks.eq(f"{label} fingerprint as defined", got.get("fingerprint"), hashed)
            checks.eq(f"{label} dns_transport", rec.get("dns_transport"), "do53")
        kinds = {r["transport"] for r in records.values()}
        checks.eq("both UDP and TCP flows", sorted(kinds), ["tcp", "udp"])
        options = {o for w in want.values() if w["edns"] for o in w["edns"]["options"]}
        checks.check("EDNS options seen: cookie, client subnet, NSID, padding",
                     {3, 8, 10, 12} <= options, options)
    with tempfile.TemporaryDirectory(prefix="fp-dns-tls-") as tmp:
        encrypted_transports(checks, args.bin, tmp)
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
