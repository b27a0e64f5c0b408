#!/usr/bin/env python3
"""`fingerprint` on damaged and hostile input: the exit status, a message on stderr, never a crash.

Every capture is made in a temporary directory from a reference capture (cut short, or a pcap
header written here around garbage frames). Where records are checked, the expected values come
from the references: FoxIO's Rust tool's JSON for JA4, tshark's JA3 TSV for JA3.

Usage: damaged_input_test.py --bin build/fingerprint --testdata ../shared/testdata
Prints one line per check and a final `N passed, N failed`; exits 1 when any check failed.
"""
import argparse
import base64
import csv
import json
import os
import random
import struct
import subprocess
import sys
import tempfile

# The ClientHello of tls-alpn-h2.pcap, tcp.stream 0 (frame 4), as one TLS record:
#   tshark -r ja4/pcap/tls-alpn-h2.pcap -Y tls.handshake.type==1 -T fields -e tcp.payload
HELLO_HEX = (
    "16030100e8010000e40303858226c04fbaeddef4246093b4cfdab38f9dcfef145360e417686575cac49c7000"
    "005cc030c02cc028c024c014c00a009f006b0039cca9cca8ccaaff8500c400880081009d003d003500c00084"
    "c02fc02bc027c023c013c009009e0067003300be0045009c003c002f00ba0041c011c00700050004c012c008"
    "0016000a00ff0100005f0000001700150000127777772e636c6f7564666c6172652e636f6d000b0002010000"
    "0a00080006001d00170018000d001c001a06010603efef0501050304010403eeeeeded03010303020102030010"
    "000e000c02683208687474702f312e31"
)
HELLO_PCAP = "ja4/pcap/tls-alpn-h2.pcap"
HELLO_STREAM = 0
# FoxIO rust-json for that stream (also read from the file below, so a stale copy is caught).
HELLO_JA4 = "t12d4605h2_85626a9a5f7f_aaf95bb78ec9"

LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL2 = 276
LINKTYPE_IEEE802_11 = 105  # not one we decode


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"ok    {name}")
        else:
            self.failed += 1
            print(f"FAIL  {name}: {detail}")


def run(binary, args, stdin=None):
    return subprocess.run([binary] + args, input=stdin, capture_output=True, timeout=120)


def crashed(proc):
    """A signal, a sanitizer report or an uncaught exception."""
    err = proc.stderr.decode("utf-8", "replace")
    return (proc.returncode < 0 or proc.returncode >= 128 or "Sanitizer" in err
            or "terminate called" in err or "runtime error" in err)


def describe(proc):
    err = proc.stderr.decode("utf-8", "replace").strip()
    return f"exit {proc.returncode}, stderr {err[:300]!r}"


def json_lines(proc):
    """The records of JSON-lines stdout, or None when a line is not a JSON object."""
    records = []
    for line in proc.stdout.decode("utf-8").splitlines():
        try:
            value = json.loads(line)
        except ValueError:
            return None
        if not isinstance(value, dict):
            return None
        records.append(value)
    return records


# --- capture files -------------------------------------------------------------------------

def pcap_header(link_type, snaplen=65535):
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, link_type)


def pcap_record(data, ts=1, orig_len=None):
    return struct.pack("<IIII", ts, 0, len(data), len(data) if orig_len is None else orig_len) + data


def classic_pcap_cut_inside_packet(data):
    """Offset in the middle of the data of the record nearest the middle of a classic pcap."""
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    offset = 24
    while offset + 16 <= len(data):
        caplen = struct.unpack(endian + "I", data[offset + 8:offset + 12])[0]
        if offset >= len(data) // 2 and caplen >= 2:
            return offset + 16 + caplen // 2
        offset += 16 + caplen
    raise RuntimeError("no packet past the middle")


def pcapng_cut_inside_packet(data):
    """Offset in the middle of the first Enhanced Packet Block past the middle of a pcapng."""
    endian = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    offset = 0
    while offset + 12 <= len(data):
        block_type, length = struct.unpack(endian + "II", data[offset:offset + 8])
        if block_type == 6 and offset >= len(data) // 2:
            return offset + length // 2
        offset += length
    raise RuntimeError("no packet block past the middle")


def load_rust_json(testdata, pcap_name):
    path = os.path.join(testdata, "ja4/expected/rust-json", pcap_name + ".json")
    with open(path) as f:
        return json.load(f)


def load_tshark_ja3(testdata, pcap):
    """{tcp.stream: ja3} of the ClientHellos tshark found in `pcap` (path under testdata)."""
    path = os.path.join(testdata, "ja3/expected-tshark-4.0.17/ja3-ja3s.tsv")
    out = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["pcap"] == pcap and row["transport"] == "tcp" and row["ja3"]:
                out.setdefault(int(row["stream"]), row["ja3"])
    return out


# --- checks --------------------------------------------------------------------------------

def check_cut_pcapng(c, binary, testdata, tmp):
    name = "tls-handshake.pcapng"
    with open(os.path.join(testdata, "ja4/pcap", name), "rb") as f:
        data = f.read()
    cut = os.path.join(tmp, "cut-" + name)
    with open(cut, "wb") as f:
        f.write(data[:pcapng_cut_inside_packet(data)])
    proc = run(binary, ["analyze", cut])
    records = json_lines(proc)
    c.check("pcapng cut mid-packet: exit 1", proc.returncode == 1 and not crashed(proc),
            describe(proc))
    err = proc.stderr.decode()
    c.check("pcapng cut mid-packet: stderr names the file and the damage",
            cut in err and "truncated" in err, err)
    c.check("pcapng cut mid-packet: records for what was read",
            records is not None and len(records) > 0, proc.stdout[:200])
    expected = {(r["stream"], r["transport"]): r.get("ja4")
                for r in load_rust_json(testdata, name)}
    wrong = [r for r in records or [] if "ja4" in r and
             expected.get((str(r["stream"]), r["transport"])) != r["ja4"]]
    c.check("pcapng cut mid-packet: every JA4 read equals FoxIO's for its stream",
            records and not wrong, wrong[:2])


def check_cut_pcap(c, binary, testdata, tmp):
    pcap = "ja3/dreadl0ck/test2.pcap"
    with open(os.path.join(testdata, pcap), "rb") as f:
        data = f.read()
    cut = os.path.join(tmp, "cut-test2.pcap")
    with open(cut, "wb") as f:
        f.write(data[:classic_pcap_cut_inside_packet(data)])
    proc = run(binary, ["analyze", cut])
    records = json_lines(proc)
    c.check("pcap cut mid-packet: exit 1", proc.returncode == 1 and not crashed(proc),
            describe(proc))
    c.check("pcap cut mid-packet: stderr says truncated", b"truncated" in proc.stderr,
            describe(proc))
    expected = load_tshark_ja3(testdata, pcap)
    with_ja3 = [r for r in records or [] if "ja3" in r]
    wrong = [r for r in with_ja3 if expected.get(r["stream"]) != r["ja3"]]
    c.check("pcap cut mid-packet: JA3 of the hellos read equal tshark's",
            len(with_ja3) > 0 and len(with_ja3) < len(expected) and not wrong,
            f"{len(with_ja3)} of {len(expected)}, wrong {wrong[:2]}")


def check_unreadable(c, binary, tmp):
    empty = os.path.join(tmp, "empty.pcap")
    open(empty, "wb").close()
    garbage = os.path.join(tmp, "garbage.pcap")
    with open(garbage, "wb") as f:
        f.write(random.Random(1).randbytes(4096))
    header_only_cut = os.path.join(tmp, "half-header.pcap")
    with open(header_only_cut, "wb") as f:
        f.write(pcap_header(LINKTYPE_ETHERNET)[:13])
    missing = os.path.join(tmp, "does-not-exist.pcap")
    for label, path in [("empty file", empty), ("garbage bytes", garbage),
                        ("half a pcap header", header_only_cut), ("a directory", tmp),
                        ("a nonexistent file", missing)]:
        proc = run(binary, ["analyze", path])
        c.check(f"{label}: exit 1 or 2, a message naming it, no output",
                proc.returncode in (1, 2) and not crashed(proc) and path.encode() in proc.stderr
                and proc.stdout == b"", describe(proc))
    proc = run(binary, ["analyze", missing])
    c.check("nonexistent file: the path is named once",
            proc.stderr.decode().count(missing) == 1, describe(proc))


def check_unsupported_link_type(c, binary, tmp):
    path = os.path.join(tmp, "wifi.pcap")
    with open(path, "wb") as f:
        f.write(pcap_header(LINKTYPE_IEEE802_11) + pcap_record(b"\x08\x00" + b"\x00" * 60))
    proc = run(binary, ["analyze", path])
    c.check("unsupported link type: exit 1 with the link type named",
            proc.returncode == 1 and b"link type 105" in proc.stderr and proc.stdout == b"",
            describe(proc))


def garbage_frames(rng, link_type, count):
    """Random frames, many of them shaped enough to reach the IP and TCP parsers."""
    frames = []
    for i in range(count):
        body = rng.randbytes(rng.randrange(0, 120))
        ip = bytes([0x45 if i % 2 else 0x60]) + body  # an IP version nibble to get past
        if i % 5 == 0:
            # IPv4, protocol TCP, header length 20, with random TCP bytes after it.
            ip = (bytes([0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, rng.randrange(4),
                         10, 0, 0, 2]) + rng.randbytes(rng.randrange(0, 80)))
        if link_type == LINKTYPE_ETHERNET:
            frame = bytes(12) + rng.choice([b"\x08\x00", b"\x86\xdd", b"\x81\x00\x00\x01\x08\x00",
                                            rng.randbytes(2)]) + ip
        elif link_type == LINKTYPE_LINUX_SLL2:
            frame = rng.choice([b"\x08\x00", b"\x86\xdd"]) + bytes(18) + ip
        else:
            frame = ip
        if i % 7 == 0:
            frame = frame[:rng.randrange(0, len(frame) + 1)]  # cut anywhere, even to nothing
        frames.append(frame)
    return frames


def check_garbage_frames(c, binary, tmp):
    rng = random.Random(20240601)
    for link_type in (LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_LINUX_SLL2):
        path = os.path.join(tmp, f"garbage-frames-{link_type}.pcap")
        with open(path, "wb") as f:
            f.write(pcap_header(link_type))
            for i, frame in enumerate(garbage_frames(rng, link_type, 3000)):
                f.write(pcap_record(frame, ts=i, orig_len=len(frame) + rng.randrange(0, 3)))
        proc = run(binary, ["analyze", "--stats", path])
        records = json_lines(proc)
        c.check(f"garbage frames, link type {link_type}: exit 0, valid JSON lines",
                proc.returncode == 0 and not crashed(proc) and records is not None,
                describe(proc))


def check_hello(c, binary, testdata):
    rust = load_rust_json(testdata, os.path.basename(HELLO_PCAP))
    reference = next(r["ja4"] for r in rust
                     if r["stream"] == str(HELLO_STREAM) and r["transport"] == "tcp")
    c.check("hello: FoxIO's JA4 for the kept hello is the one written here",
            reference == HELLO_JA4, reference)

    proc = run(binary, ["hello", HELLO_HEX])
    ok = proc.returncode == 0
    value = json.loads(proc.stdout) if ok else {}
    c.check("hello from hex: JA4 equals FoxIO's", value.get("ja4") == reference, describe(proc))
    c.check("hello from hex: SNI", value.get("tls_server_name") == "www.cloudflare.com",
            value.get("tls_server_name"))

    raw = bytes.fromhex(HELLO_HEX)
    proc = run(binary, ["hello", "--format", "jsonl"], stdin=base64.b64encode(raw) + b"\n")
    value = json.loads(proc.stdout) if proc.returncode == 0 else {}
    c.check("hello from base64 on stdin: JA4 equals FoxIO's",
            value.get("ja4") == reference and proc.stdout.count(b"\n") == 1, describe(proc))

    proc = run(binary, ["hello", "-"], stdin=base64.urlsafe_b64encode(raw).rstrip(b"="))
    value = json.loads(proc.stdout) if proc.returncode == 0 else {}
    c.check("hello from unpadded URL-safe base64: JA4 equals FoxIO's",
            value.get("ja4") == reference, describe(proc))

    proc = run(binary, ["hello", HELLO_HEX[10:]])  # the handshake message without its record
    value = json.loads(proc.stdout) if proc.returncode == 0 else {}
    c.check("hello as a bare handshake message: JA4 equals FoxIO's",
            value.get("ja4") == reference, describe(proc))

    for label, text in [("odd number of hex digits", HELLO_HEX[:-1]),
                        ("bad base64", "@@@@not base64@@@@"), ("empty input", "")]:
        proc = run(binary, ["hello", text], stdin=b"")
        c.check(f"hello, {label}: exit 2 with a message",
                proc.returncode == 2 and not crashed(proc) and proc.stderr.strip() != b""
                and proc.stdout == b"", describe(proc))

    for label, text in [("truncated hello", HELLO_HEX[:200]),
                        ("hex that is not a hello", "17030300050102030405")]:
        proc = run(binary, ["hello", text])
        err = proc.stderr.decode()
        c.check(f"hello, {label}: exit 1 with the reason",
                proc.returncode == 1 and "not a ClientHello: " in err
                and len(err.split("not a ClientHello: ", 1)[1].strip()) > 0
                and proc.stdout == b"", describe(proc))


def check_formats(c, binary, testdata):
    pcap_a = os.path.join(testdata, "ja4/pcap/tls-alpn-h2.pcap")
    pcap_b = os.path.join(testdata, "ja4/pcap/http1.pcapng")

    proc = run(binary, ["analyze", "--format", "json", pcap_a])
    try:
        value = json.loads(proc.stdout)
    except ValueError as e:
        value = e
    c.check("--format json: one valid JSON array of records",
            proc.returncode == 0 and isinstance(value, list) and len(value) > 0
            and all(isinstance(r, dict) for r in value), describe(proc))
    if isinstance(value, list) and value:
        first = value[0]
        c.check("--format json: FoxIO's JA4 for stream 0",
                first.get("stream") == 0 and first.get("ja4") == HELLO_JA4, first.get("ja4"))

    # A capture without packets (dhcp.pcapng, used before, now gives JA4D records).
    with tempfile.NamedTemporaryFile(suffix=".pcap") as empty:
        empty.write(pcap_header(1))
        empty.flush()
        proc = run(binary, ["analyze", "--format", "json", empty.name])
    c.check("--format json with no records: an empty array",
            proc.returncode == 0 and json.loads(proc.stdout) == [], describe(proc))

    proc = run(binary, ["analyze", "--format", "table", pcap_a])
    lines = proc.stdout.decode().splitlines()
    c.check("--format table: a header line, then rows",
            proc.returncode == 0 and len(lines) >= 3 and lines[0].split()[:3] ==
            ["STREAM", "CLIENT", "SERVER"] and "JA4" in lines[0].split(), lines[:2])

    proc = run(binary, ["analyze", pcap_a, pcap_b])
    records = json_lines(proc)
    files = {r.get("file") for r in records or []}
    c.check("several files: every record has the `file` key of its capture",
            proc.returncode == 0 and records and files == {pcap_a, pcap_b}, files)

    proc = run(binary, ["analyze", pcap_a])
    records = json_lines(proc)
    c.check("one file: no `file` key", records and all("file" not in r for r in records),
            records[:1] if records else proc.stdout[:100])

    proc = run(binary, ["analyze", "--format", "table", pcap_a, pcap_b])
    lines = proc.stdout.decode().splitlines()
    c.check("several files, table: a FILE column first",
            proc.returncode == 0 and lines and lines[0].split()[:2] == ["FILE", "STREAM"],
            lines[:1])

    missing = os.path.join(testdata, "no-such-capture.pcap")
    proc = run(binary, ["analyze", pcap_a, missing])
    records = json_lines(proc)
    c.check("a good and a missing file: records of the good one, exit 1",
            proc.returncode == 1 and records and missing.encode() in proc.stderr, describe(proc))

    proc = run(binary, ["analyze", "--format", "xml", pcap_a])
    c.check("unknown --format: exit 2 with a message",
            proc.returncode == 2 and proc.stderr.strip() != b"", describe(proc))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--testdata", required=True)
    args = parser.parse_args()
    c = Checks()
    with tempfile.TemporaryDirectory(prefix="fp-damaged-") as tmp:
        for check in (lambda: check_cut_pcapng(c, args.bin, args.testdata, tmp),
                      lambda: check_cut_pcap(c, args.bin, args.testdata, tmp),
                      lambda: check_unreadable(c, args.bin, tmp),
                      lambda: check_unsupported_link_type(c, args.bin, tmp),
                      lambda: check_garbage_frames(c, args.bin, tmp),
                      lambda: check_hello(c, args.bin, args.testdata),
                      lambda: check_formats(c, args.bin, args.testdata)):
            try:
                check()
            except Exception as e:  # a check that cannot run is a failure, not a skip
                c.check("check ran", False, f"{type(e).__name__}: {e}")
    print(f"{c.passed} passed, {c.failed} failed")
    return 0 if c.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
