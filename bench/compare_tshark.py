#!/usr/bin/env python3
"""Time `fingerprint analyze` against tshark's JA3 on one capture of real TLS handshakes.

The capture is made once and cached (never committed): tcpdump on loopback records a Python
client making --connections TLS handshakes, in several client configurations, plus curl, against
a local `openssl s_server`. Then, in one run:

  * correctness: both tools must find the same number of ClientHellos and the same JA3 multiset;
  * speed: fingerprint vs `tshark -T fields -e tls.handshake.ja3`, with and without
    `-Y tls.handshake.type==1`, interleaved over --reps repetitions; ratio of medians;
  * memory: peak RSS of `fingerprint analyze` on the capture repeated 1x, 10x, 100x (--scales),
    each copy shifted in time and moved to its own loopback address, from /usr/bin/time -v.

Loopback only. Needs tcpdump, tshark, capinfos, openssl, curl (Debian packages); run as
root or with capture rights on `lo`.
"""

import argparse
import collections
import json
import os
import re
import resource
import socket
import ssl
import statistics
import struct
import subprocess
import sys
import tempfile
import time

HOST = "127.0.0.1"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def make_cert(tmp):
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    # ECDSA P-256: server-side signing stays cheap, so the client loop, not the server, sets pace.
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost", "-days", "2",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


def client_contexts():
    """Distinct ClientHellos, so the JA3 multiset check compares more than one value."""
    def ctx(max_version=None, ciphers=None, alpn=None):
        c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        c.check_hostname = False
        c.verify_mode = ssl.CERT_NONE
        if max_version:
            c.maximum_version = max_version
        if ciphers:
            c.set_ciphers(ciphers)
        if alpn:
            c.set_alpn_protocols(alpn)
        return c

    return [
        (ctx(), "localhost"),
        (ctx(alpn=["h2", "http/1.1"]), "localhost"),
        (ctx(max_version=ssl.TLSVersion.TLSv1_2), "localhost"),
        (ctx(max_version=ssl.TLSVersion.TLSv1_2, ciphers="ECDHE-ECDSA-AES128-GCM-SHA256"), None),
        (ctx(ciphers="HIGH:!aNULL:!kRSA", alpn=["http/1.1"]), None),
    ]


def handshake_loop(port, count):
    contexts = client_contexts()
    for i in range(count):
        context, sni = contexts[i % len(contexts)]
        with socket.create_connection((HOST, port)) as raw:
            with context.wrap_socket(raw, server_hostname=sni) as tls:
                tls.do_handshake()


def wait_for(pred, what, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return
        time.sleep(0.05)
    raise RuntimeError(f"timed out waiting for {what}")


def port_open(port):
    try:
        socket.create_connection((HOST, port), timeout=0.2).close()
        return True
    except OSError:
        return False


def build_capture(pcap, connections, curls):
    """Capture `connections` Python handshakes and `curls` curl requests; returns the port."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        cert, key = make_cert(tmp)
        server = subprocess.Popen(["openssl", "s_server", "-accept", f"{HOST}:{port}", "-cert",
                                   cert, "-key", key, "-www", "-quiet"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        dump_err = os.path.join(tmp, "tcpdump.err")
        with open(dump_err, "w") as err:
            # --immediate-mode: without it, packets wait in a ring block that tcpdump drops
            # unread when stopped, and the last connections are missing from the file.
            dump = subprocess.Popen(["tcpdump", "-i", "lo", "-n", "-s", "0", "-B", "65536",
                                     "--immediate-mode", "-U", "-w", pcap, f"tcp port {port}"],
                                    stdout=subprocess.DEVNULL, stderr=err)
        try:
            wait_for(lambda: port_open(port), "openssl s_server")
            wait_for(lambda: "listening on" in open(dump_err).read(), "tcpdump")
            start = time.time()
            handshake_loop(port, connections)
            for _ in range(curls):
                subprocess.run(["curl", "-sk", "-o", "/dev/null", "--resolve",
                                f"localhost:{port}:{HOST}", f"https://localhost:{port}/"],
                               check=False)
            log(f"  {connections} + {curls} connections in {time.time() - start:.1f} s")
            time.sleep(1)  # let the last FINs reach the capture
        finally:
            dump.terminate()
            dump.wait()
            server.terminate()
            server.wait()
        stats = open(dump_err).read()
    dropped = re.search(r"(\d+) packets dropped by kernel", stats)
    if dropped and int(dropped.group(1)) != 0:
        os.unlink(pcap)
        raise RuntimeError(f"tcpdump dropped packets: {stats}")
    return port


def ensure_capture(work, connections, curls):
    pcap = os.path.join(work, f"tls-loopback-{connections}.pcap")
    meta_path = pcap + ".json"
    if os.path.exists(pcap) and os.path.exists(meta_path):
        log(f"reusing {pcap}")
        return pcap, json.load(open(meta_path))
    log(f"capturing {pcap}")
    port = build_capture(pcap, connections, curls)
    meta = {"port": port, "connections": connections, "curls": curls}
    json.dump(meta, open(meta_path, "w"))
    return pcap, meta


def tshark_cmd(pcap, port, filtered):
    cmd = ["tshark", "-n", "-r", pcap, "-d", f"tcp.port=={port},tls"]
    if filtered:
        cmd += ["-Y", "tls.handshake.type==1"]
    return cmd + ["-T", "fields", "-e", "tls.handshake.ja3"]


def fingerprint_cmd(binary, pcaps, fields=None):
    """Every fingerprint of every stream, or (`fields`) only those keys, as tshark's -e."""
    extra = ["--fields", fields] if fields else ["--format", "jsonl"]
    return [binary, "analyze", *extra, *pcaps]


def ja3_counter(binary, pcap, fields):
    counter = collections.Counter()
    out = subprocess.run(fingerprint_cmd(binary, [pcap], fields), check=True,
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        record = json.loads(line)
        if record.get("ja3"):
            counter[record["ja3"]] += 1
    return counter


def ja3_multisets(binary, pcap, port):
    """Ours (the full records and the --fields ja3 lines must agree) and tshark's."""
    ours = ja3_counter(binary, pcap, None)
    if ja3_counter(binary, pcap, "ja3") != ours:
        return ours, collections.Counter()  # reported as a mismatch
    theirs = collections.Counter()
    out = subprocess.run(tshark_cmd(pcap, port, True), check=True, capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        for value in filter(None, line.split(",")):  # one frame may carry several hellos
            theirs[value] += 1
    return ours, theirs


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd, cpu_times=None):
    """Wall seconds of one run; its CPU seconds (user + system) appended to `cpu_times`.
    On a machine shared with other work, wall time mostly measures the wait for a core: the
    CPU time is the figure that survives load."""
    cpu_before = children_cpu()
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    if cpu_times is not None:
        cpu_times.append(children_cpu() - cpu_before)
    return wall


OURS_JA3 = "fingerprint analyze --fields ja3"
OURS_ALL = "fingerprint analyze --format jsonl"


def compare_speed(binary, pcap, port, reps):
    cmds = {
        OURS_JA3: fingerprint_cmd(binary, [pcap], "ja3"),
        OURS_ALL: fingerprint_cmd(binary, [pcap]),
        "tshark -T fields -e tls.handshake.ja3": tshark_cmd(pcap, port, False),
        "tshark -Y tls.handshake.type==1 ... ja3": tshark_cmd(pcap, port, True),
    }
    times = {name: [] for name in cmds}
    cpu = {name: [] for name in cmds}
    timed(cmds[OURS_ALL])  # warm the page cache
    for rep in range(reps):  # interleaved, so drift in machine load hits every tool alike
        for name, cmd in cmds.items():
            times[name].append(timed(cmd, cpu[name]))
        log(f"  rep {rep + 1}/{reps}: " +
            ", ".join(f"{t[-1] * 1000:.0f} ms" for t in times.values()))
    return times, cpu


def print_medians(title, reps, samples):
    """Each tshark command against each of ours: the same single field (--fields ja3, the equal
    work), and every fingerprint with a full record per stream."""
    ja3_only = statistics.median(samples[OURS_JA3])
    everything = statistics.median(samples[OURS_ALL])
    print(f"\n{title}, median of {reps} (min-max); tshark's ratio to ours (ja3 only / all):")
    for name, t in samples.items():
        median = statistics.median(t)
        ratio = "" if name.startswith("fingerprint") else \
            f"  {median / ja3_only:6.1f}x / {median / everything:5.1f}x"
        print(f"  {name:42s} {median * 1000:8.1f} ms ({min(t) * 1000:.0f}-{max(t) * 1000:.0f})"
              f"{ratio}")


def ones_complement_adjust(checksum, old, new):
    """RFC 1624 eqn. 3: the Internet checksum after 16-bit words `old` became `new`."""
    total = ~checksum & 0xFFFF
    total += sum(~w & 0xFFFF for w in old) + sum(new)
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def readdress(frame, addr):
    """An Ethernet/IPv4/TCP frame with both addresses set to `addr`, checksums kept valid."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00" or frame[23] != 6:
        return frame
    out = bytearray(frame)
    ihl = (out[14] & 0x0F) * 4
    old = struct.unpack(">4H", out[26:34])
    out[26:30] = out[30:34] = addr
    new = struct.unpack(">4H", out[26:34])
    ip_sum = struct.unpack(">H", out[24:26])[0]
    out[24:26] = struct.pack(">H", ones_complement_adjust(ip_sum, old, new))
    tcp_sum_at = 14 + ihl + 16
    if len(out) >= tcp_sum_at + 2:  # the TCP checksum covers the addresses (pseudo-header)
        tcp_sum = struct.unpack(">H", out[tcp_sum_at:tcp_sum_at + 2])[0]
        adjusted = ones_complement_adjust(tcp_sum, old, new)
        out[tcp_sum_at:tcp_sum_at + 2] = struct.pack(">H", adjusted)
    return bytes(out)


def scaled_capture(pcap, factor, step):
    """`factor` copies of `pcap`, copy i shifted by i * `step` seconds and moved to its own
    loopback address 127.x.y.1 (both ends), so every copy's connections are new connections.
    (Time-shifted copies alone, as `editcap -t` + `mergecap -a` make, repeat each connection's
    5-tuple and sequence numbers: tshark and fingerprint both see retransmissions, not streams.)"""
    if factor == 1:
        return pcap
    out = f"{pcap[:-5]}-x{factor}.pcap"
    if os.path.exists(out):
        return out
    log(f"  building {out}")
    data = open(pcap, "rb").read()
    magic, _, _, _, _, _, link = struct.unpack("<IHHiIII", data[:24])
    if magic != 0xA1B2C3D4 or link != 1:
        raise RuntimeError("expected a little-endian microsecond pcap of Ethernet frames")
    frames, at = [], 24
    while at + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[at:at + 16])
        frames.append((sec, usec, orig, data[at + 16:at + 16 + incl]))
        at += 16 + incl
    with open(out + ".tmp", "wb") as w:
        w.write(data[:24])
        for i in range(factor):
            addr = bytes([127, 1 + i // 250, i % 250, 1])
            for sec, usec, orig, frame in frames:
                frame = readdress(frame, addr)
                w.write(struct.pack("<IIII", sec + i * step, usec, len(frame), orig))
                w.write(frame)
    os.rename(out + ".tmp", out)
    return out


def capture_duration(pcap):
    out = subprocess.run(["capinfos", "-u", "-M", pcap], capture_output=True, text=True).stdout
    match = re.search(r"Capture duration:\s+([\d.]+)", out)
    return float(match.group(1)) if match else 60.0


def peak_rss(binary, pcap):
    """(peak RSS in MiB, wall seconds, records) of one analyze run; output is counted, not kept."""
    with tempfile.NamedTemporaryFile("r") as report:
        proc = subprocess.Popen(["/usr/bin/time", "-v", "-o", report.name,
                                 *fingerprint_cmd(binary, [pcap])],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        start = time.perf_counter()
        records = sum(1 for _ in proc.stdout)
        proc.wait()
        wall = time.perf_counter() - start
        text = report.read()
    kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    return kb / 1024, wall, records


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", default="build/fingerprint", help="the fingerprint binary")
    parser.add_argument("--work-dir", help="cache for captures (default: <bin dir>/bench-data)")
    parser.add_argument("--connections", type=int, default=3000)
    parser.add_argument("--curls", type=int, default=40, help="extra connections made by curl")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--scales", default="1,10,100", help="RSS runs; '' to skip")
    args = parser.parse_args()

    binary = os.path.abspath(args.bin)
    work = args.work_dir or os.path.join(os.path.dirname(binary), "bench-data")
    os.makedirs(work, exist_ok=True)
    pcap, meta = ensure_capture(work, args.connections, args.curls)
    print(f"capture: {pcap} ({os.path.getsize(pcap) / 2**20:.1f} MiB, "
          f"{meta['connections']} Python + {meta['curls']} curl connections)")

    ours, theirs = ja3_multisets(binary, pcap, meta["port"])
    same = ours == theirs
    print(f"ClientHellos: fingerprint {sum(ours.values())}, tshark {sum(theirs.values())}; "
          f"distinct JA3 {len(ours)} / {len(theirs)}; same multiset: {'yes' if same else 'NO'}")

    print(f"load average before timing: {os.getloadavg()[0]:.1f}")
    times, cpu = compare_speed(binary, pcap, meta["port"], args.reps)
    print_medians("wall time", args.reps, times)
    print_medians("CPU time (user + system)", args.reps, cpu)
    print(f"load average after timing: {os.getloadavg()[0]:.1f}")

    scales = [int(s) for s in args.scales.split(",") if s]
    if scales:
        duration = capture_duration(pcap)
        print("\npeak RSS of fingerprint analyze --format jsonl:")
        for factor in scales:
            scaled = scaled_capture(pcap, factor, int(duration) + 2)
            rss, wall, records = peak_rss(binary, scaled)
            size = os.path.getsize(scaled) / 2**20
            print(f"  {factor:4d}x  {size:8.1f} MiB  {records:8d} records  {wall:7.2f} s  "
                  f"{rss:7.1f} MiB max RSS")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
