#!/usr/bin/env python3
"""Every route of `fingerprint serve`, with real data, end to end.

Fingerprints: the ClientHello, HTTP/1 head, HTTP/2 preface and SYN of every stream of the
committed captures (data/captures/*.pcap) are cut out by this script and sent to
POST /api/v1/fingerprint; the answer must carry what `fingerprint analyze` computes from the same
pcap for that stream. Identities: the fingerprints of every committed profile (data/profiles)
sent to /api/v1/identify must name that profile's client. POST /api/v1/pcap must equal
`fingerprint analyze --identify` of the same file (also one of 2 MiB). Then the legacy
/fingerprint/identify, /compare, /batch, profiles CRUD with API keys, observations and stats,
models, health and metrics, request ids, 404 and 405, the fingerprinting listener's
/api/v1/self (HTTP/2 and HTTP/1.1), /self/raw and page, and rate limits (own servers).

    api_test.py --bin build/fingerprint --root .

Prints "N passed, N failed"; exits 1 on any failure. Starts its own servers on ephemeral ports
with temporary state folders and stops them at the end, also on failure.
"""

import argparse
import base64
import glob
import json
import os
import shutil
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import service_harness as h  # noqa: E402

# Limits high enough that this suite never meets the rate limiter except where it means to.
UNLIMITED = {
    "FP_TIERS_FREE_RATE": "100000",
    "FP_TIERS_FREE_BURST": "100000",
    "FP_TIERS_PRO_RATE": "100000",
    "FP_TIERS_PRO_BURST": "100000",
    "FP_RATE_LIMITS_PER_ADDRESS_RATE": "100000",
    "FP_RATE_LIMITS_PER_ADDRESS_BURST": "100000",
}
# Fields a caller's raw inputs determine, compared with `analyze` for the same stream.
TLS_FIELDS = ["ja4", "ja4_r", "ja4_o", "ja4_ro", "ja3", "ja3_full", "ja3n", "ja4_stable"]
TCP_FIELDS = ["ja4t", "p0f_signature"]
HTTP2_FIELDS = ["akamai_fingerprint", "akamai_fingerprint_hash"]
OBSERVATION_WAIT_S = 10
# A well-formed JA4 no committed profile has, for the profile created by this test.
NEW_PROFILE_JA4 = "t13d0203h2_0123456789ab_ba9876543210"


def write_repeated_pcap(source, target, at_least):
    """Copies of a pcap's packets until the file holds `at_least` bytes; copy n moves every
    client port (the one that is not 18443/18080/18082) by n so that each copy is new streams
    (TCP checksums are not checked by analyze). Returns the number of copies."""
    data = open(source, "rb").read()
    header, packets, at = data[:24], [], 24
    while at + 16 <= len(data):
        caplen = struct.unpack("<I", data[at + 8:at + 12])[0]
        packets.append((data[at:at + 16], bytearray(data[at + 16:at + 16 + caplen])))
        at += 16 + caplen
    out, copies = bytearray(header), 0
    server_ports = {18443, 18080, 18082}
    while len(out) < at_least:
        copies += 1
        for record, frame in packets:
            frame = bytearray(frame)
            ip = 14  # Ethernet
            if frame[12:14] == b"\x08\x00" and frame[ip + 9] == 6:
                tcp = ip + (frame[ip] & 0x0F) * 4
            elif frame[12:14] == b"\x86\xdd" and frame[ip + 6] == 6:
                tcp = ip + 40
            else:
                out += record + frame
                continue
            for offset in (0, 2):
                port = struct.unpack("!H", frame[tcp + offset:tcp + offset + 2])[0]
                if port not in server_ports:
                    frame[tcp + offset:tcp + offset + 2] = struct.pack("!H", (port + copies) % 65536)
            out += record + frame
    open(target, "wb").write(out)
    return copies


# From data/captures/curl.pcap stream 0, as `fingerprint analyze` and the committed profile
# capture-curl (data/profiles/captured.fpdb) give them.
CURL_JA4 = "t13d3112h2_e8f1e7e78f70_b26ce05bbdd6"
ROLLOUT_ALT_MODEL = "api-alt"
CURL_JA4_R = (
    "t13d3112h2_002f,0033,0035,0039,003c,003d,0067,006b,009c,009d,009e,009f,00ff,1301,1302,1303,"
    "c009,c00a,c013,c014,c023,c024,c027,c028,c02b,c02c,c02f,c030,cca8,cca9,ccaa_000a,000b,000d,"
    "0015,0016,0017,002b,002d,0031,0033_0403,0503,0603,0807,0808,0809,080a,080b,0804,0805,0806,"
    "0401,0501,0601,0303,0301,0302,0402,0502,0602")
CURL_JA3_FULL = (
    "771,4866-4867-4865-49196-49200-159-52393-52392-52394-49195-49199-158-49188-49192-107-49187-"
    "49191-103-49162-49172-57-49161-49171-51-157-156-61-60-53-47-255,0-11-10-16-22-23-49-13-43-45-"
    "51-21,29-23-30-25-24-256-257-258-259-260,0-1-2")


class Suite:
    def __init__(self, args):
        self.args = args
        self.root = os.path.abspath(args.root)
        self.bin = os.path.abspath(args.bin)
        self.c = h.Checks()
        self.server = None
        self.api = None

    # ------------------------------------------------------------ helpers

    def analyze(self, pcap, identify=False):
        args = [self.bin, "analyze", "--format", "jsonl"]
        if identify:
            args += ["--identify", "--db", os.path.join(self.root, "data", "profiles"),
                     "--models", os.path.join(self.root, "data", "models")]
        out = subprocess.run(args + [pcap], capture_output=True, text=True, timeout=60)
        return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]

    def post(self, path, body, headers=None):
        return h.post_json(self.api, path, body, headers)

    def get(self, path, headers=None):
        return h.http(self.api, "GET", path, headers=headers)

    def is_problem(self, reply, status):
        body = reply.json() or {}
        return (reply.status == status and
                (reply.header("Content-Type") or "").startswith("application/problem+json") and
                body.get("status") == status and isinstance(body.get("type"), str) and
                isinstance(body.get("title"), str) and isinstance(body.get("detail"), str))

    def expect_problem(self, name, reply, status, field=None):
        ok = self.is_problem(reply, status)
        if ok and field is not None:
            ok = (reply.json() or {}).get("field") == field
        return self.c.check(name, ok, f"want problem {status} field={field}, got {reply!r}")

    def wait_for_observations(self, query, at_least):
        deadline = time.monotonic() + OBSERVATION_WAIT_S
        rows = []
        while time.monotonic() < deadline:
            rows = (self.get("/api/v1/observations" + query).json() or {}).get("observations", [])
            if len(rows) >= at_least:
                break
            time.sleep(0.1)
        return rows

    # ------------------------------------------------------------ fingerprints

    def fingerprint_request(self, stream, encode):
        payload = stream.payload()
        body = {"syn": encode(stream.syn)}
        hello = h.tls_client_hello(payload)
        head = h.http1_head(payload)
        preface = h.http2_preface(payload)
        if hello:
            body["tls_client_hello"] = encode(hello)
        if head:
            body["http_request"] = head.decode("latin-1")
        if preface:
            body["http2_frames"] = encode(preface)
        return body, bool(hello or head or preface or stream.syn)

    def test_fingerprint_parity(self):
        pcaps = sorted(glob.glob(os.path.join(self.root, "data", "captures", "*.pcap")))
        shared = os.path.join(self.root, "..", "shared", "testdata", "ja4", "pcap")
        pcaps += [os.path.join(shared, n) for n in ("tls12.pcap", "tls-alpn-h2.pcap", "v6.pcap")
                  if os.path.exists(os.path.join(shared, n))]
        self.c.check("captures found", len(pcaps) >= 13, f"{len(pcaps)} pcaps")
        streams_checked = 0
        for n, pcap in enumerate(pcaps):
            name = os.path.basename(pcap)
            expected = {(r.get("src_port"), r.get("dst_port")): r for r in self.analyze(pcap)}
            # Alternate hex and base64 so that both encodings are exercised on real data.
            encode = (lambda b: b.hex()) if n % 2 == 0 else (
                lambda b: base64.b64encode(b).decode())
            for stream in h.read_pcap_streams(pcap):
                want = expected.get((stream.src_port, stream.dst_port))
                body, has_input = self.fingerprint_request(stream, encode)
                if want is None or not has_input:
                    continue
                streams_checked += 1
                where = f"{name} stream {stream.index}"
                reply = self.post("/api/v1/fingerprint", body)
                got = reply.json() or {}
                if not self.c.check(f"fingerprint {where}: 200", reply.status == 200, repr(reply)):
                    continue
                fields = [f for f in TLS_FIELDS + TCP_FIELDS + HTTP2_FIELDS if f in want]
                diffs = [f for f in fields if got.get(f) != want.get(f)]
                if want.get("http"):
                    for key in ("ja4h", "ja4h_r", "header_order", "user_agent"):
                        fields.append("http." + key)
                        if (got.get("http") or [{}])[0].get(key) != want["http"][0].get(key):
                            diffs.append("http." + key)
                self.c.check(
                    f"fingerprint {where}: {len(fields)} fields equal analyze's", not diffs and
                    fields, f"differ: {[(d, got.get(d), want.get(d)) for d in diffs[:3]]}")
                self.c.check(f"fingerprint {where}: identified", "identity" in got, repr(reply))
        self.c.check("fingerprint: at least 20 real streams compared", streams_checked >= 20,
                     f"{streams_checked}")

    def test_fingerprint_options(self):
        curl = h.read_pcap_streams(os.path.join(self.root, "data", "captures", "curl.pcap"))
        hello = h.tls_client_hello(curl[0].payload())
        reply = self.post("/api/v1/fingerprint",
                          {"tls_client_hello": hello.hex(), "identify": False})
        self.c.check("fingerprint identify=false: no identity",
                     reply.status == 200 and "identity" not in (reply.json() or {}), repr(reply))
        headers = [["Host", "example.com"], ["User-Agent", "curl/7.88.1"], ["Accept", "*/*"]]
        by_list = self.post("/api/v1/fingerprint", {"http_headers": headers}).json() or {}
        by_head = self.post("/api/v1/fingerprint", {
            "http_request": "GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/7.88.1\r\n"
                            "Accept: */*\r\n\r\n"}).json() or {}
        ja4h_list = (by_list.get("http") or [{}])[0].get("ja4h")
        # The committed curl profile's JA4H for these three headers (data/profiles/captured.fpdb).
        self.c.eq("fingerprint http_headers list: JA4H of curl's head", ja4h_list,
                  "ge11nn030000_fe444ad14866_000000000000_000000000000")
        self.c.eq("fingerprint http_headers = http_request", ja4h_list,
                  (by_head.get("http") or [{}])[0].get("ja4h"))
        post = self.post("/api/v1/fingerprint", {
            "http_headers": {"Host": "a", "Content-Type": "text/plain"}, "http_method": "POST",
            "http_version": "1.0"}).json() or {}
        self.c.check("fingerprint http_method/http_version used",
                     ((post.get("http") or [{}])[0].get("ja4h") or "").startswith("po10"),
                     repr(post)[:200])
        ua = self.post("/api/v1/fingerprint", {"tls_client_hello": hello.hex(),
                                               "user_agent": "curl/7.88.1"})
        self.c.check("fingerprint with user_agent: 200", ua.status == 200, repr(ua))

    # ------------------------------------------------------------ identities

    def profiles_from_files(self):
        profiles = []
        for path in sorted(glob.glob(os.path.join(self.root, "data", "profiles", "*.fpdb"))):
            current = None
            for line in open(path, encoding="utf-8"):
                line = line.strip()
                if line.startswith("[") and line.endswith("]"):
                    current = {"id": line[1:-1], "file": os.path.basename(path)}
                    profiles.append(current)
                elif current is not None and " = " in line and not line.startswith("#"):
                    key, value = line.split(" = ", 1)
                    current.setdefault(key, [])
                    current[key].append(value)
        return profiles

    def test_identify_profiles(self):
        profiles = self.profiles_from_files()
        self.c.check("committed profiles read", len(profiles) >= 100, f"{len(profiles)}")
        # A fingerprint shared by profiles of different clients may name any of them.
        names_by = {}
        profiles = [p for p in profiles if "name" in p]  # device/OS-only entries name no client
        for p in profiles:
            for kind in ("ja4", "ja3n", "akamai", "ja4h"):
                for value in p.get(kind, []):
                    names_by.setdefault((kind, value), set()).add(p["name"][0])
        wrong, asked = [], 0
        for p in profiles:
            query = {k: p[k][0] for k in ("ja4", "ja3n", "ja4h", "akamai", "ja4t") if k in p}
            if not any(k in query for k in ("ja4", "ja3n", "akamai", "ja4h")):
                continue
            if "user_agent" in p:
                query["user_agent"] = p["user_agent"][0]
            asked += 1
            reply = self.post("/api/v1/identify", query)
            identity = reply.json() or {}
            name = ((identity.get("client") or {}).get("name"))
            allowed = set()
            for kind in ("ja4", "ja3n", "akamai", "ja4h"):
                if kind in query:
                    allowed |= names_by[(kind, query[kind])]
            if reply.status != 200 or name not in allowed:
                wrong.append((p["id"], reply.status, name, sorted(allowed)))
        self.c.check(f"identify: each of {asked} committed profiles names its client",
                     not wrong and asked > 0, f"{len(wrong)} wrong, e.g. {wrong[:5]}")
        # The profiles captured here are all distinct: each must come back as itself.
        exact = []
        for p in (p for p in profiles if p["file"] == "captured.fpdb" and "ja4" in p):
            reply = self.post("/api/v1/identify", {"ja4": p["ja4"][0]})
            identity = reply.json() or {}
            if identity.get("profile") != p["id"] or identity.get("matched_by") != "exact":
                exact.append((p["id"], identity.get("profile"), identity.get("matched_by")))
        self.c.check("identify: captured profiles' JA4 -> that profile, exact", not exact,
                     f"{exact[:5]}")
        raw = self.post("/api/v1/identify", {"ja4_r": CURL_JA4_R, "user_agent": "curl/7.88.1"})
        self.c.eq("identify by ja4_r: curl", ((raw.json() or {}).get("client") or {}).get("name"),
                  "curl")
        ja3 = self.post("/api/v1/identify", {"ja3": CURL_JA3_FULL}).json() or {}
        self.c.eq("identify by JA3 string: curl", (ja3.get("client") or {}).get("name"), "curl")

    def test_legacy_identify(self):
        curl = h.read_pcap_streams(os.path.join(self.root, "data", "captures", "curl.pcap"))
        want = {(r["src_port"]): r for r in self.analyze(
            os.path.join(self.root, "data", "captures", "curl.pcap"))}[curl[0].src_port]
        hello = h.tls_client_hello(curl[0].payload())
        reply = self.post("/api/v1/fingerprint/identify", {
            "tls_data": base64.b64encode(hello).decode(),
            "http_headers": {"Host": "localhost", "User-Agent": "curl/7.88.1", "Accept": "*/*"},
            "session_id": "session-42"})
        body = reply.json() or {}
        self.c.eq("legacy identify: 200", reply.status, 200)
        self.c.eq("legacy identify: session_id echoed", body.get("session_id"), "session-42")
        self.c.eq("legacy identify: family", body.get("family"), "curl")
        self.c.eq("legacy identify: version", body.get("version"), "7.88.1")
        self.c.eq("legacy identify: variant is the profile", body.get("variant"), "capture-curl")
        self.c.eq("legacy identify: ja4 = analyze", body.get("ja4"), want["ja4"])
        self.c.eq("legacy identify: ja3 = analyze", body.get("ja3"), want["ja3"])
        self.c.eq("legacy identify: ja4h of the headers", body.get("ja4h"),
                  "ge11nn030000_fe444ad14866_000000000000_000000000000")
        confidences = [body.get(k) for k in
                       ("family_confidence", "version_confidence", "variant_confidence")]
        self.c.check("legacy identify: confidences in 0..1",
                     all(isinstance(x, (int, float)) and 0 <= x <= 1 for x in confidences),
                     f"{confidences}")
        self.c.check("legacy identify: identity object", isinstance(body.get("identity"), dict))
        bad = self.post("/api/v1/fingerprint/identify", {"tls_data": "!!"})
        self.expect_problem("legacy identify: tls_data not hex/base64 -> 400 tls_data", bad, 400,
                            "tls_data")
        # "16030100" is hex for a truncated record: bytes that do not parse.
        cut = self.post("/api/v1/fingerprint/identify", {"tls_data": "16030100"})
        self.expect_problem("legacy identify: truncated hello -> 422 names tls_data", cut, 422,
                            "tls_data")

    def test_compare(self):
        same = self.post("/api/v1/compare", {"a": CURL_JA4_R, "b": {"profile": "capture-curl"}})
        body = same.json() or {}
        self.c.check("compare: curl ja4_r vs capture-curl = 1",
                     same.status == 200 and body.get("similarity") == 1, repr(same))
        fields = body.get("fields") or {}
        self.c.check("compare: per-field scores",
                     all(k in fields for k in ("ciphers", "extensions", "sig_algs")) and
                     fields.get("ciphers") == 1, repr(fields))
        other = self.post("/api/v1/compare", {"a": {"ja4_r": CURL_JA4_R},
                                              "b": {"profile": "capture-wget"}}).json() or {}
        sim = other.get("similarity")
        self.c.check("compare: curl vs wget is between 0 and 1",
                     isinstance(sim, (int, float)) and 0 < sim < 1, repr(other))
        hashes = self.post("/api/v1/compare", {"a": {"ja4": CURL_JA4},
                                               "b": {"profile": "capture-curl"}}).json() or {}
        # Same JA4 hash on both sides: "totally different" (0) would be a wrong answer.
        self.c.check("compare: equal JA4 hashes are not similarity 0",
                     hashes.get("similarity") != 0, repr(hashes))
        self.expect_problem("compare: unknown profile -> 422",
                            self.post("/api/v1/compare",
                                      {"a": CURL_JA4_R, "b": {"profile": "no-such"}}),
                            422, "b.profile")
        self.expect_problem("compare: missing b -> 400",
                            self.post("/api/v1/compare", {"a": CURL_JA4_R}), 400, "b")

    def test_batch(self):
        curl = h.read_pcap_streams(os.path.join(self.root, "data", "captures", "curl.pcap"))
        hello = h.tls_client_hello(curl[0].payload()).hex()
        lines = [
            json.dumps({"tls_client_hello": hello}),        # 1 fingerprint
            "{not json",                                     # 2 malformed
            json.dumps({"ja4": CURL_JA4}),                   # 3 identify
            json.dumps({"ja4": CURL_JA4, "oops": 1}),        # 4 unknown field
            json.dumps([1, 2]),                              # 5 not an object
            json.dumps({"tls_client_hello": "16030100"}),    # 6 truncated hello
            json.dumps({"http_headers": [["Host", "x"]]}),   # 7 fingerprint
        ]
        reply = h.http(self.api, "POST", "/api/v1/batch", body="\n".join(lines) + "\n",
                       headers={"Content-Type": "application/x-ndjson"})
        out = [json.loads(line) for line in reply.text().splitlines() if line.strip()]
        self.c.eq("batch: 200", reply.status, 200)
        self.c.check("batch: content type ndjson",
                     (reply.header("Content-Type") or "").startswith("application/x-ndjson"))
        self.c.eq("batch: one answer per line", len(out), len(lines))
        if len(out) == len(lines):
            self.c.eq("batch: line 1 fingerprint ja4", out[0].get("ja4"), CURL_JA4)
            self.c.check("batch: line 2 problem 400 line 2",
                         out[1].get("status") == 400 and out[1].get("line") == 2, repr(out[1]))
            self.c.eq("batch: line 3 identity", (out[2].get("client") or {}).get("name"), "curl")
            self.c.check("batch: line 4 problem 400 'oops'",
                         out[3].get("status") == 400 and out[3].get("field") == "oops" and
                         out[3].get("line") == 4, repr(out[3]))
            self.c.check("batch: line 5 problem 400",
                         out[4].get("status") == 400 and out[4].get("line") == 5, repr(out[4]))
            self.c.check("batch: line 6 problem 422 tls_client_hello",
                         out[5].get("status") == 422 and out[5].get("field") == "tls_client_hello"
                         and out[5].get("line") == 6, repr(out[5]))
            self.c.check("batch: line 7 fingerprint ja4h",
                         bool((out[6].get("http") or [{}])[0].get("ja4h")), repr(out[6]))
        # A blank line is skipped; the problem must still name the input line it answers.
        blank = h.http(self.api, "POST", "/api/v1/batch",
                       body=json.dumps({"ja4": CURL_JA4}) + "\n\n{bad\n",
                       headers={"Content-Type": "application/x-ndjson"})
        answers = [json.loads(line) for line in blank.text().splitlines() if line.strip()]
        self.c.check("batch: problem 'line' is the input line (after a blank line)",
                     len(answers) == 2 and answers[1].get("line") == 3, repr(answers))

    def test_pcap_upload(self):
        pcaps = sorted(glob.glob(os.path.join(self.root, "data", "captures", "*.pcap")))
        shared = os.path.join(self.root, "..", "shared", "testdata", "ja4", "pcap")
        pcaps += [p for p in (os.path.join(shared, "tls-handshake.pcapng"),
                              os.path.join(shared, "http1.pcapng")) if os.path.exists(p)]
        for pcap in pcaps:
            name = os.path.basename(pcap)
            with open(pcap, "rb") as f:
                data = f.read()
            reply = h.http(self.api, "POST", "/api/v1/pcap", body=data,
                           headers={"Content-Type": "application/vnd.tcpdump.pcap"})
            got = sorted((json.loads(l) for l in reply.text().splitlines() if l.strip()),
                         key=lambda r: r["stream"])
            want = sorted(self.analyze(pcap, identify=True), key=lambda r: r["stream"])
            self.c.check(f"pcap {name}: 200 ndjson", reply.status == 200 and
                         (reply.header("Content-Type") or "").startswith("application/x-ndjson"),
                         repr(reply))
            diffs = [(w.get("stream"), sorted(set(g) ^ set(w)) or
                      [k for k in w if g.get(k) != w.get(k)]) for g, w in zip(got, want) if g != w]
            self.c.check(f"pcap {name}: {len(want)} records = analyze --identify",
                         len(got) == len(want) and not diffs and want,
                         f"{len(got)} vs {len(want)}; {diffs[:3]}")
        # Larger than 1 MiB (the default JSON body limit) yet far below max_pcap_bytes (64 MiB):
        # the curl capture's packets repeated, each copy on its own client port.
        big = os.path.join(self.server.tmp, "big.pcap")
        copies = write_repeated_pcap(os.path.join(self.root, "data", "captures", "curl.pcap"),
                                     big, 2 * 1024 * 1024)
        host, port = self.api.rsplit(":", 1)
        data = open(big, "rb").read()
        answer = h.raw(host, int(port), (
            "POST /api/v1/pcap HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            "Content-Type: application/vnd.tcpdump.pcap\r\n"
            f"Content-Length: {len(data)}\r\n\r\n").encode() + data, read_timeout=30)
        reply = (h.split_responses(answer) or [h.Reply(0, [], answer[:200])])[0]
        got = [json.loads(l) for l in reply.text().splitlines() if l.strip()] \
            if reply.status == 200 else []
        want = self.analyze(big, identify=True)
        self.c.check(f"pcap of 2 MiB ({copies} copies of curl.pcap): 200",
                     reply.status == 200, repr(reply))
        self.c.check("pcap of 2 MiB: records = analyze --identify",
                     sorted(got, key=lambda r: r["stream"]) ==
                     sorted(want, key=lambda r: r["stream"]) and len(want) >= copies,
                     f"{len(got)} vs {len(want)}")
        plain = h.http(self.api, "POST", "/api/v1/pcap?identify=false",
                       body=open(pcaps[0], "rb").read(),
                       headers={"Content-Type": "application/octet-stream"})
        records = [json.loads(l) for l in plain.text().splitlines() if l.strip()]
        self.c.check("pcap ?identify=false: records without identity",
                     plain.status == 200 and records and
                     all("identity" not in r for r in records), repr(plain))

    # ------------------------------------------------------------ profiles

    def test_profiles(self, rw, ro):
        listing = self.get("/api/v1/profiles?limit=5").json() or {}
        self.c.check("profiles: list 5 of many",
                     len(listing.get("profiles", [])) == 5 and listing.get("total", 0) >= 100,
                     repr(listing)[:200])
        page2 = self.get("/api/v1/profiles?limit=5&offset=5").json() or {}
        ids1 = [p["id"] for p in listing.get("profiles", [])]
        ids2 = [p["id"] for p in page2.get("profiles", [])]
        self.c.check("profiles: offset gives the next page", ids2 and not set(ids1) & set(ids2),
                     f"{ids1} {ids2}")
        found = self.get("/api/v1/profiles?fingerprint=" + CURL_JA4).json() or {}
        self.c.check("profiles: ?fingerprint= finds capture-curl",
                     "capture-curl" in [p["id"] for p in found.get("profiles", [])],
                     repr(found)[:300])
        text = self.get("/api/v1/profiles?q=wget").json() or {}
        self.c.check("profiles: ?q=wget finds wget",
                     any(p.get("name") == "wget" for p in text.get("profiles", [])),
                     repr(text)[:300])
        one = self.get("/api/v1/profiles/capture-curl")
        p = one.json() or {}
        self.c.check("profiles: GET one",
                     one.status == 200 and p.get("name") == "curl" and
                     CURL_JA4 in (p.get("fingerprints") or {}).get("ja4", []), repr(one))
        self.expect_problem("profiles: GET unknown -> 404",
                            self.get("/api/v1/profiles/no-such-profile"), 404)

        new = {"id": "svctest-client", "name": "okhttp", "kind": "library", "os": "Linux",
               "label": "made by api_test.py", "fingerprints": {"ja4": [NEW_PROFILE_JA4]}}
        before = (self.post("/api/v1/identify", {"ja4": NEW_PROFILE_JA4}).json() or {})
        self.c.check("profiles: the new JA4 is unknown before",
                     before.get("profile") != "svctest-client", repr(before))
        no_key = self.post("/api/v1/profiles", new)
        self.expect_problem("profiles: POST without key -> 401", no_key, 401)
        self.c.check("profiles: 401 has WWW-Authenticate",
                     no_key.header("WWW-Authenticate") is not None)
        self.expect_problem("profiles: POST with unknown key -> 401",
                            self.post("/api/v1/profiles", new,
                                      {"Authorization": "Bearer fpk_nope"}), 401)
        self.expect_problem("profiles: POST with read-only key -> 403",
                            self.post("/api/v1/profiles", new,
                                      {"Authorization": "Bearer " + ro}), 403)
        created = self.post("/api/v1/profiles", new, {"X-Api-Key": rw})
        self.c.check("profiles: POST with key -> 201 + Location",
                     created.status == 201 and
                     created.header("Location") == "/api/v1/profiles/svctest-client",
                     repr(created))
        self.expect_problem("profiles: duplicate POST -> 409",
                            self.post("/api/v1/profiles", new, {"Authorization": "Bearer " + rw}),
                            409)
        after = self.post("/api/v1/identify", {"ja4": NEW_PROFILE_JA4}).json() or {}
        self.c.check("profiles: new profile identifies its JA4 at once",
                     (after.get("client") or {}).get("name") == "okhttp" and
                     after.get("profile") == "svctest-client", repr(after))
        changed = dict(new, name="tor")
        changed.pop("id")
        put = h.http(self.api, "PUT", "/api/v1/profiles/svctest-client", body=changed,
                     headers={"Authorization": "Bearer " + rw})
        self.c.check("profiles: PUT replaces -> 200",
                     put.status == 200 and (put.json() or {}).get("name") == "tor",
                     repr(put))
        renamed = self.post("/api/v1/identify", {"ja4": NEW_PROFILE_JA4}).json() or {}
        self.c.eq("profiles: identify sees the PUT at once",
                  (renamed.get("client") or {}).get("name"), "tor")
        mismatch = h.http(self.api, "PUT", "/api/v1/profiles/svctest-client",
                          body=dict(new, id="other-id"), headers={"X-Api-Key": rw})
        self.expect_problem("profiles: PUT id mismatch -> 422", mismatch, 422, "id")
        self.expect_problem("profiles: DELETE with read-only key -> 403",
                            h.http(self.api, "DELETE", "/api/v1/profiles/svctest-client",
                                   headers={"X-Api-Key": ro}), 403)
        deleted = h.http(self.api, "DELETE", "/api/v1/profiles/svctest-client",
                         headers={"X-Api-Key": rw})
        self.c.eq("profiles: DELETE -> 204", deleted.status, 204)
        gone = self.post("/api/v1/identify", {"ja4": NEW_PROFILE_JA4}).json() or {}
        self.c.check("profiles: deleted profile no longer identifies",
                     gone.get("profile") != "svctest-client",
                     repr(gone))
        self.expect_problem("profiles: GET deleted -> 404",
                            self.get("/api/v1/profiles/svctest-client"), 404)
        self.expect_problem("profiles: DELETE again -> 404",
                            h.http(self.api, "DELETE", "/api/v1/profiles/svctest-client",
                                   headers={"X-Api-Key": rw}), 404)

    # ------------------------------------------------------------ observations, stats

    def test_observations(self):
        marker = "svctest-observation/1.0"
        request = {"http_headers": [["Host", "x"], ["User-Agent", marker], ["X-Svctest", "1"]]}
        ja4h = None
        for _ in range(3):
            reply = self.post("/api/v1/fingerprint", request).json() or {}
            ja4h = (reply.get("http") or [{}])[0].get("ja4h")
        # Rows are written in the background: wait for this JA4H's three.
        self.wait_for_observations(f"?fingerprint={ja4h}", 3)
        rows = self.get("/api/v1/observations?limit=1000").json().get("observations", [])
        mine = [r for r in rows if ((r.get("record") or {}).get("http") or [{}])[0]
                .get("user_agent") == marker]
        self.c.eq("observations: the 3 calls are stored", len(mine), 3)
        self.c.check("observations: ?fingerprint=<ja4h> finds them",
                     all(r["ja4h"] == ja4h for r in mine) and len(mine) == 3)
        if mine:
            self.c.check("observations: row shape",
                         all(k in mine[0] for k in ("id", "time", "source", "peer", "ja4h",
                                                    "client", "record")) and
                         mine[0]["source"] == "api" and mine[0]["peer"] == "127.0.0.1",
                         repr(mine[0])[:300])
        ids = [r["id"] for r in rows]
        self.c.check("observations: newest first", ids == sorted(ids, reverse=True), f"{ids[:10]}")
        page1 = self.get("/api/v1/observations?limit=2").json() or {}
        first = [r["id"] for r in page1.get("observations", [])]
        nxt = page1.get("next_before")
        self.c.check("observations: limit=2 and next_before",
                     len(first) == 2 and nxt == first[-1], repr(page1)[:200])
        page2 = self.get(f"/api/v1/observations?limit=2&before={nxt}").json() or {}
        second = [r["id"] for r in page2.get("observations", [])]
        self.c.check("observations: before= pages on",
                     second and max(second) < min(first), f"{first} then {second}")
        by_fp = self.get("/api/v1/observations?fingerprint=" + CURL_JA4).json() or {}
        self.c.check("observations: ?fingerprint= filters",
                     by_fp.get("observations") and
                     all(r["ja4"] == CURL_JA4 for r in by_fp["observations"]),
                     repr(by_fp)[:200])
        by_client = self.get("/api/v1/observations?client=curl&limit=1000").json() or {}
        self.c.check("observations: ?client= filters",
                     by_client.get("observations") and
                     all(r["client"] == "curl" for r in by_client["observations"]),
                     repr(by_client)[:200])
        future = self.get("/api/v1/observations?since=2099-01-01T00:00:00Z").json() or {}
        self.c.check("observations: since in the future -> none",
                     future.get("observations") == [] and future.get("next_before") is None,
                     repr(future))
        past = self.get("/api/v1/observations?until=2000-01-01T00:00:00Z").json() or {}
        self.c.eq("observations: until in the past -> none", past.get("observations"), [])
        stats = self.get("/api/v1/stats?top=5").json() or {}
        total = stats.get("total", 0)
        self.c.check("stats: total counts every observation", total >= len(rows) >= 3,
                     f"{total} vs {len(rows)}")
        top = stats.get("top_fingerprints") or []
        self.c.check("stats: top fingerprints (<= 5, counts descending)",
                     0 < len(top) <= 5 and
                     [t["count"] for t in top] == sorted((t["count"] for t in top), reverse=True),
                     repr(top))
        self.c.check("stats: curl among top clients",
                     any(c.get("name") == "curl" for c in stats.get("top_clients", [])),
                     repr(stats.get("top_clients")))
        series = stats.get("series") or []
        self.c.check("stats: series sums to total",
                     sum(s.get("count", 0) for s in series) == total, repr(series)[:200])
        none = self.get("/api/v1/stats?since=2099-01-01T00:00:00Z").json() or {}
        self.c.eq("stats: empty range total 0", none.get("total"), 0)
        self.expect_problem("stats: bad bucket -> 400", self.get("/api/v1/stats?bucket=x"), 400,
                            "bucket")

    # ------------------------------------------------------------ models

    def test_models(self, rw, ro):
        listing = self.get("/api/v1/models").json() or {}
        models = listing.get("models") or []
        self.c.check("models: listed with one active",
                     models and sum(1 for m in models if m.get("active")) == 1, repr(listing))
        if not models:
            return
        target = models[0]["id"]
        self.expect_problem(f"models: activate {target} without key -> 401",
                            self.post(f"/api/v1/models/{target}/activate", {}), 401)
        self.expect_problem(f"models: activate {target} read-only -> 403",
                            self.post(f"/api/v1/models/{target}/activate", {},
                                      {"X-Api-Key": ro}), 403)
        done = self.post(f"/api/v1/models/{target}/activate", {}, {"X-Api-Key": rw})
        self.c.check(f"models: activate {target} -> 200 active",
                     done.status == 200 and (done.json() or {}).get("active") is True,
                     repr(done))
        again = self.get("/api/v1/models").json() or {}
        self.c.eq("models: list shows it active", again.get("active"), target)
        self.expect_problem("models: activate unknown -> 404",
                            self.post("/api/v1/models/no-such-model/activate", {},
                                      {"X-Api-Key": rw}), 404)
        identify = self.post("/api/v1/identify", {"ja4": CURL_JA4})
        self.c.eq("models: identify still works after activate", identify.status, 200)

    def identify_distinct(self, prefix, n):
        """n identifications the cache cannot answer (a distinct User-Agent each)."""
        statuses = [self.post("/api/v1/identify", {"ja4": CURL_JA4,
                                                   "user_agent": f"{prefix}/{i}"}).status
                    for i in range(n)]
        self.c.eq(f"rollout: {n} identifications ({prefix}) answered", set(statuses), {200})

    def model_count(self, model, role):
        return h.metric_value(self.get("/metrics").text(), "fp_model_identifications_total",
                              {"model": model, "role": role}) or 0

    def test_rollout(self, rw, ro):
        alt = ROLLOUT_ALT_MODEL
        put = lambda body, key=rw: h.http(self.api, "PUT", "/api/v1/models/rollout", body=body,
                                          headers={"X-Api-Key": key} if key else {})
        self.expect_problem("rollout: PUT without key -> 401", put({}, None), 401)
        self.expect_problem("rollout: PUT read-only -> 403", put({}, ro), 403)
        self.expect_problem("rollout: weight 0 -> 400 naming it",
                            put({"arms": [{"model": "builtin", "weight": 0}]}), 400,
                            "arms[0].weight")
        self.expect_problem("rollout: shadow also an arm -> 400",
                            put({"arms": [{"model": "builtin", "weight": 1}],
                                 "shadow": "builtin"}), 400, "shadow")
        self.expect_problem("rollout: unknown model -> 404 naming it",
                            put({"arms": [{"model": "builtin", "weight": 1},
                                          {"model": "no-such-model", "weight": 1}]}), 404,
                            "arms[1].model")
        split = {"arms": [{"model": "builtin", "weight": 60}, {"model": alt, "weight": 40}],
                 "shadow": None}
        done = put(split)
        self.c.check("rollout: 60/40 split -> 200", done.status == 200 and
                     done.json() == split, repr(done))
        self.c.eq("rollout: GET shows the split", self.get("/api/v1/models/rollout").json(), split)
        listing = {m["id"]: m for m in (self.get("/api/v1/models").json() or {}).get("models", [])}
        self.c.eq("rollout: models list their weights",
                  ((listing.get("builtin") or {}).get("weight"),
                   (listing.get(alt) or {}).get("weight")), (60, 40))
        before = (self.model_count("builtin", "serving"), self.model_count(alt, "serving"))
        self.identify_distinct("rollout-split", 200)
        grew = (self.model_count("builtin", "serving") - before[0],
                self.model_count(alt, "serving") - before[1])
        self.c.check("rollout: both arms served, 200 in all, shares near 60/40",
                     sum(grew) == 200 and 0.45 <= grew[0] / 200 <= 0.75, repr(grew))
        shadowed = {"arms": [{"model": "builtin", "weight": 1}], "shadow": alt}
        self.c.eq("rollout: builtin with a shadow -> 200", put(shadowed).status, 200)
        same = lambda: h.metric_value(self.get("/metrics").text(),
                                      "fp_model_shadow_comparisons_total",
                                      {"model": alt, "client": "same"}) or 0
        before_same, before_shadow = same(), self.model_count(alt, "shadow")
        self.identify_distinct("rollout-shadow", 50)
        # The shadow is the same model under another id: it must agree every time.
        self.c.eq("rollout: the shadow ran on each and agreed",
                  (self.model_count(alt, "shadow") - before_shadow, same() - before_same),
                  (50, 50))
        back = self.post("/api/v1/models/rollback", {}, {"X-Api-Key": rw})
        self.c.check("rollout: rollback -> the split again", back.status == 200 and
                     back.json() == split, repr(back))
        self.expect_problem("rollout: rollback read-only -> 403",
                            self.post("/api/v1/models/rollback", {}, {"X-Api-Key": ro}), 403)
        restored = self.post("/api/v1/models/builtin/activate", {}, {"X-Api-Key": rw})
        self.c.eq("rollout: activate builtin alone", restored.status, 200)
        self.c.eq("rollout: back to one arm", self.get("/api/v1/models/rollout").json(),
                  {"arms": [{"model": "builtin", "weight": 1}], "shadow": None})

    # ------------------------------------------------------------ operations

    def test_operations(self):
        health = self.get("/healthz")
        self.c.check("healthz: 200 ok",
                     health.status == 200 and (health.json() or {}).get("status") == "ok",
                     repr(health))
        ready = self.get("/readyz")
        body = ready.json() or {}
        self.c.check("readyz: 200 ready, store ok",
                     ready.status == 200 and body.get("status") == "ready" and
                     (body.get("checks") or {}).get("store") == "ok", repr(ready))
        spec = self.get("/openapi.json")
        self.c.check("openapi.json: 200 JSON with paths",
                     spec.status == 200 and "paths" in (spec.json() or {}), repr(spec)[:100])
        metrics = self.get("/metrics")
        self.c.check("metrics: 200 text/plain",
                     metrics.status == 200 and
                     (metrics.header("Content-Type") or "").startswith("text/plain"))
        text = metrics.text()
        for name in ("fp_http_requests_total", "fp_http_request_duration_seconds_bucket",
                     "fp_identifications_total", "fp_identity_cache_hits_total",
                     "fp_identity_cache_misses_total", "fp_connections_total",
                     "fp_open_connections", "fp_store_queue_depth", "fp_build_info",
                     "fp_store_observations_written_total"):
            self.c.check(f"metrics: {name} present", h.metric_value(text, name) is not None)
        route = {"route": "/api/v1/identify", "method": "POST", "status": "200"}
        before = h.metric_value(text, "fp_http_requests_total", route) or 0
        misses = h.metric_value(text, "fp_identity_cache_misses_total") or 0
        hits = h.metric_value(text, "fp_identity_cache_hits_total") or 0
        for _ in range(5):
            self.post("/api/v1/identify", {"ja4": "t13d9999h2_aaaaaaaaaaaa_bbbbbbbbbbbb"})
        text = self.get("/metrics").text()
        self.c.eq("metrics: requests counter moved by 5",
                  (h.metric_value(text, "fp_http_requests_total", route) or 0) - before, 5)
        self.c.eq("metrics: 1 cache miss then 4 hits",
                  ((h.metric_value(text, "fp_identity_cache_misses_total") or 0) - misses,
                   (h.metric_value(text, "fp_identity_cache_hits_total") or 0) - hits), (1, 4))
        failures = h.metric_value(text, "fp_parse_failures_total") or 0
        self.post("/api/v1/fingerprint", {"tls_client_hello": "16030100"})
        limits = h.metric_value(text, "fp_limits_hit_total", {"limit": "max_body_bytes"}) or 0
        host, port = self.api.rsplit(":", 1)
        h.raw(host, int(port), b"POST /api/v1/identify HTTP/1.1\r\nHost: x\r\n"
              b"Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n",
              read_timeout=2)
        text = self.get("/metrics").text()
        self.c.eq("metrics: a ClientHello that does not parse is counted",
                  (h.metric_value(text, "fp_parse_failures_total") or 0) - failures, 1)
        self.c.eq("metrics: a body over the limit is counted as max_body_bytes",
                  (h.metric_value(text, "fp_limits_hit_total", {"limit": "max_body_bytes"}) or 0)
                  - limits, 1)
        stored = self.get("/api/v1/stats").json() or {}
        written = h.metric_value(text, "fp_store_observations_written_total") or 0
        self.c.check("metrics: observations written counts stored rows",
                      written >= stored.get("total", 0) > 0,
                     f"metric {written}, stats total {stored.get('total')}")

    def test_request_ids_and_routing(self):
        mine = self.get("/healthz", {"X-Request-Id": "my-request.id_42"})
        self.c.eq("request id: echoed", mine.header("X-Request-Id"), "my-request.id_42")
        generated = self.get("/healthz")
        self.c.check("request id: generated when absent",
                     len(generated.header("X-Request-Id") or "") >= 16)
        bad = self.get("/healthz", {"X-Request-Id": "bad id with spaces"})
        self.c.check("request id: unusable one replaced",
                     bad.header("X-Request-Id") not in (None, "bad id with spaces"))
        problem = self.post("/api/v1/identify", {}, {"X-Request-Id": "req-in-problem"})
        self.c.eq("request id: in the problem body", (problem.json() or {}).get("request_id"),
                  "req-in-problem")
        missing = self.get("/api/v1/nothing-here")
        self.expect_problem("404 unknown route", missing, 404)
        self.c.check("404 has X-Request-Id", missing.header("X-Request-Id") is not None)
        wrong = self.get("/api/v1/identify")
        self.expect_problem("405 GET /api/v1/identify", wrong, 405)
        self.c.eq("405 Allow: POST", wrong.header("Allow"), "POST")
        delete = h.http(self.api, "DELETE", "/api/v1/profiles")
        self.c.check("405 DELETE /api/v1/profiles: Allow GET, POST",
                     delete.status == 405 and
                     sorted(x.strip() for x in (delete.header("Allow") or "").split(",")) ==
                     ["GET", "POST"], repr(delete) + str(delete.header("Allow")))
        head = h.http(self.api, "HEAD", "/healthz")
        self.c.check("HEAD /healthz: 200, no body", head.status == 200 and head.body == b"")

    # ------------------------------------------------------------ the fingerprinting listener

    def test_listener(self):
        port = self.server.tls_port
        status, body = h.h2_get(port, "/api/v1/self", [("User-Agent", "api-test-h2/1")])
        record = json.loads(body) if status == 200 else {}
        connection = record.get("connection") or {}
        self.c.check("listener h2 /api/v1/self: 200 record",
                     status == 200 and record.get("ja4", "").startswith("t13"), f"{status}")
        self.c.check("listener h2: connection facts",
                     connection.get("alpn") == "h2" and connection.get("tls_version") == "TLSv1.3"
                     and isinstance(connection.get("peer_port"), int), repr(connection))
        self.c.eq("listener h2: the request's User-Agent",
                  (record.get("http") or [{}])[0].get("user_agent"), "api-test-h2/1")
        self.c.check("listener h2: Akamai and JA4T present",
                     bool(record.get("akamai_fingerprint")) and bool(record.get("ja4t")),
                     h.short(repr(record)))
        status, raw_body = h.h2_get(port, "/api/v1/self/raw")
        raw = json.loads(raw_body) if status == 200 else {}
        self.c.check("listener /api/v1/self/raw: the captured bytes",
                     status == 200 and all(k in raw for k in ("client_hello", "syn",
                                                               "http2_frames")), repr(raw)[:200])
        if raw:
            again = self.post("/api/v1/fingerprint", {
                "tls_client_hello": raw["client_hello"], "http2_frames": raw["http2_frames"],
                "syn": raw["syn"]}).json() or {}
            # Same client settings on both connections: same JA4, Akamai and JA4T.
            self.c.check("listener raw bytes through /fingerprint give /self's fingerprints",
                         all(again.get(k) == record.get(k)
                             for k in ("ja4", "ja4_r", "akamai_fingerprint", "ja4t")),
                         f"{[(k, again.get(k), record.get(k)) for k in ('ja4', 'akamai_fingerprint')]}")
        status, page = h.h2_get(port, "/")
        self.c.check("listener /: 200 HTML page", status == 200 and b"<html" in page.lower(),
                     f"{status}")
        self.c.eq("listener /nope: 404", h.h2_get(port, "/nope")[0], 404)
        sock = h.tls_context(["http/1.1"]).wrap_socket(
            h.socket.create_connection(("127.0.0.1", port), timeout=10),
            server_hostname="localhost")
        try:
            sock.sendall(b"GET /api/v1/self HTTP/1.1\r\nHost: localhost\r\n"
                         b"User-Agent: api-test-h1/1\r\nConnection: close\r\n\r\n")
            data = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except OSError as e:
            data = repr(e).encode()
        finally:
            sock.close()
        replies = h.split_responses(data)
        h1 = replies[0].json() if replies else None
        self.c.check("listener HTTP/1.1 /api/v1/self: 200 with JA4H",
                     bool(h1) and replies[0].status == 200 and
                     (h1.get("http") or [{}])[0].get("user_agent") == "api-test-h1/1" and
                     (h1.get("http") or [{}])[0].get("ja4h", "").startswith("ge11") and
                     (h1.get("connection") or {}).get("alpn") == "http/1.1", h.short(repr(data)))

    # ------------------------------------------------------------ rate limit

    def test_rate_limit(self):
        env = {"FP_TIERS_FREE_RATE": "1", "FP_TIERS_FREE_BURST": "3"}
        with h.Server(self.bin, self.root, env=env) as server:
            replies = [h.post_json(server.api, "/api/v1/identify", {"ja4": CURL_JA4})
                       for _ in range(4)]
            statuses = [r.status for r in replies]
            self.c.eq("rate limit: burst 3 then 429", statuses, [200, 200, 200, 429])
            ok, limited = replies[0], replies[3]
            self.c.check("rate limit: RateLimit-* on a 200",
                         all(ok.header(n) for n in ("RateLimit-Limit", "RateLimit-Remaining",
                                                    "RateLimit-Reset", "RateLimit-Policy")),
                         f"{ok.header_list}")
            self.c.eq("rate limit: RateLimit-Limit", ok.header("RateLimit-Limit"), "3")
            self.c.eq("rate limit: RateLimit-Remaining after 1", ok.header("RateLimit-Remaining"),
                      "2")
            self.expect_problem("rate limit: 429 problem", limited, 429)
            retry = limited.header("Retry-After")
            self.c.check("rate limit: Retry-After whole seconds >= 1",
                         retry is not None and retry.isdigit() and int(retry) >= 1, str(retry))
            self.c.eq("rate limit: 429 RateLimit-Remaining 0",
                      limited.header("RateLimit-Remaining"), "0")
            self.c.eq("rate limit: healthz is not limited",
                      h.http(server.api, "GET", "/healthz").status, 200)
            metrics = h.http(server.api, "GET", "/metrics").text()
            self.c.eq("rate limit: fp_rate_limited_total{scope=key} counts the 429",
                      h.metric_value(metrics, "fp_rate_limited_total", {"scope": "key"}), 1.0)
            time.sleep(1.1)
            self.c.eq("rate limit: a token back after 1 s",
                      h.post_json(server.api, "/api/v1/identify", {"ja4": CURL_JA4}).status, 200)
        # A key of another tier has its own bucket: pro is not held to free's burst.
        server = h.Server(self.bin, self.root, env=env)
        try:
            key = server.create_key("pro-caller", tier="pro")
            server.start()
            statuses = [h.post_json(server.api, "/api/v1/identify", {"ja4": CURL_JA4},
                                    {"X-Api-Key": key}).status for _ in range(6)]
            self.c.eq("rate limit: pro key not limited at free's burst", statuses, [200] * 6)
        finally:
            server.stop()

    # ------------------------------------------------------------ run

    def run(self):
        self.server = h.Server(self.bin, self.root, env=UNLIMITED)
        try:
            rw = self.server.create_key("api-test-writer")
            ro = self.server.create_key("api-test-reader", read_only=True)
            # A second model id (the built-in model's files) for the rollout checks.
            shutil.copytree(os.path.join(self.root, "data", "models"),
                            os.path.join(self.server.state, "models", ROLLOUT_ALT_MODEL))
            self.server.start()
            self.api = self.server.api
            for step in (self.test_operations_first, self.test_fingerprint_parity,
                         self.test_fingerprint_options, self.test_identify_profiles,
                         self.test_legacy_identify, self.test_compare, self.test_batch,
                         self.test_pcap_upload, lambda: self.test_profiles(rw, ro),
                         self.test_observations, lambda: self.test_models(rw, ro),
                         lambda: self.test_rollout(rw, ro),
                         self.test_operations, self.test_request_ids_and_routing,
                         self.test_listener):
                try:
                    step()
                except Exception as e:  # one broken step must not hide the others
                    self.c.check(f"step {getattr(step, '__name__', 'lambda')} ran", False,
                                 f"{type(e).__name__}: {e}")
                if not self.server.alive():
                    self.c.check("server alive", False, self.server.log_tail())
                    break
            self.c.check("no 5xx in the server log", not [
                r for r in self.server.log_records()
                if r.get("message") == "request" and r.get("http.response.status_code", 0) >= 500
            ])
        finally:
            self.server.stop()
        self.c.eq("server exits 0 on SIGTERM", self.server.exit_code, 0)
        try:
            self.test_rate_limit()
        except Exception as e:
            self.c.check("rate limit step ran", False, f"{type(e).__name__}: {e}")
        return self.c.finish()

    def test_operations_first(self):
        self.c.eq("server started: healthz", self.get("/healthz").status, 200)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="the fingerprint binary")
    parser.add_argument("--root", default=h.repo_root_of_script(), help="the repository")
    sys.exit(Suite(parser.parse_args()).run())


if __name__ == "__main__":
    main()
