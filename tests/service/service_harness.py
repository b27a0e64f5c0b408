"""Shared helpers of the service's end-to-end tests (plain python3, no third-party modules).

- Server: starts `fingerprint serve` on ephemeral ports (port 0; the bound ports are read from the
  "listening" log line) with a temporary --state, waits for GET /readyz = 200, and always stops it
  (SIGTERM, then SIGKILL) - also when the test fails or is interrupted.
- Checks: counted checks; finish() prints "N passed, N failed" and gives the exit status.
- http(): one HTTP/1.1 request on a fresh connection; raw(): bytes in, bytes out on a socket.
- read_pcap_streams(): the client side of every TCP stream of a pcap (SYN packet, payload in
  sequence order), to feed POST /api/v1/fingerprint with the same bytes `fingerprint analyze`
  reads; tls_client_hello(), http1_head(), http2_preface() cut the parts the API takes.
"""

import atexit
import http.client as httplib
import json
import os
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time

READY_TIMEOUT_S = 30
STOP_TIMEOUT_S = 25


# ---------------------------------------------------------------- checks


class Checks:
    """Counts checks; prints PASS/FAIL lines as they happen."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.failures = []

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"PASS {name}", flush=True)
        else:
            self.failed += 1
            self.failures.append(name)
            print(f"FAIL {name}" + (f": {detail}" if detail else ""), flush=True)
        return bool(ok)

    def eq(self, name, got, want):
        return self.check(name, got == want, f"got {short(got)!s}, want {short(want)!s}")

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed", flush=True)
        return 0 if self.failed == 0 and self.passed > 0 else 1


def short(value, limit=300):
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


# ---------------------------------------------------------------- HTTP


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.header_list = headers
        self.body = body

    def header(self, name):
        for key, value in self.header_list:
            if key.lower() == name.lower():
                return value
        return None

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def text(self):
        return self.body.decode("utf-8", "replace")

    def __repr__(self):
        return f"<{self.status} {short(self.text(), 200)}>"


def http(base, method, path, body=None, headers=None, timeout=30):
    """One request on a fresh connection; `base` is "127.0.0.1:port". Network errors raise."""
    host, port = base.rsplit(":", 1)
    connection = httplib.HTTPConnection(host, int(port), timeout=timeout)
    try:
        all_headers = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            all_headers.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            body = body.encode()
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        return Reply(response.status, response.getheaders(), response.read())
    finally:
        connection.close()


def post_json(base, path, obj, headers=None):
    return http(base, "POST", path, body=obj, headers=headers)


def raw(host, port, payload, read_timeout=5.0, total_timeout=15.0, shutdown_write=False):
    """Sends bytes and reads until the peer closes or goes quiet; returns what came back."""
    sock = socket.create_connection((host, port), timeout=read_timeout)
    received = b""
    try:
        if payload:
            try:
                sock.sendall(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the peer answered early and closed: read what it sent
        if shutdown_write:
            sock.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + total_timeout
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            except (ConnectionResetError, BrokenPipeError):
                break
            if not chunk:
                break
            received += chunk
    finally:
        sock.close()
    return received


def split_responses(data):
    """HTTP/1.1 responses with Content-Length bodies, in order: [(status, headers, body)]."""
    out = []
    while data:
        end = data.find(b"\r\n\r\n")
        if end < 0:
            break
        head = data[:end].decode("latin-1").split("\r\n")
        parts = head[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/"):
            break
        headers = [tuple(h.split(":", 1)) for h in head[1:] if ":" in h]
        headers = [(k.strip(), v.strip()) for k, v in headers]
        length = next((int(v) for k, v in headers if k.lower() == "content-length"), 0)
        body = data[end + 4 : end + 4 + length]
        out.append(Reply(int(parts[1]), headers, body))
        data = data[end + 4 + length :]
    return out


def tls_context(alpn=None):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    if alpn:
        context.set_alpn_protocols(alpn)
    return context


# ---------------------------------------------------------------- the server


_LIVE_SERVERS = []


def _stop_all():
    for server in list(_LIVE_SERVERS):
        server.stop()


atexit.register(_stop_all)


def _on_signal(signum, _frame):
    _stop_all()
    sys.exit(128 + signum)


for _sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(_sig, _on_signal)


def _die_with_parent():
    """In the child before exec: SIGTERM when this test process dies, even by SIGKILL (a ctest
    timeout), so that no server outlives its test (Linux prctl PR_SET_PDEATHSIG)."""
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


def repo_root_of_script():
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


_BACKEND_COUNTER = [0]


def _shared_backends():
    """When tests/support/backends.py runs the test (FP_TEST_POSTGRES_URL, FP_TEST_REDIS_URL),
    every Server gets a database of its own in that PostgreSQL and a Redis database number of its
    own, emptied: the same test then runs against the shared backends as against SQLite."""
    env = {}
    _BACKEND_COUNTER[0] += 1
    n = _BACKEND_COUNTER[0]
    pg = os.environ.get("FP_TEST_POSTGRES_URL")
    if pg:
        name = f"fp_harness_{os.getpid()}_{n}"
        subprocess.run(["psql", pg, "-q", "-v", "ON_ERROR_STOP=1", "-c",
                        f"CREATE DATABASE {name}"], check=True, capture_output=True, timeout=30)
        env["FP_STORE_BACKEND"] = "postgres"
        env["FP_STORE_POSTGRES_URL"] = pg.rsplit("/", 1)[0] + "/" + name
    redis = os.environ.get("FP_TEST_REDIS_URL")
    if redis:
        url = f"{redis.rstrip('/')}/{n % 16}"
        subprocess.run(["redis-cli", "-u", url, "flushdb"], check=True, capture_output=True,
                       timeout=30)
        env["FP_REDIS_URL"] = url
    return env


class Server:
    """`fingerprint serve` on ephemeral loopback ports with its own temporary state folder (and,
    under tests/support/backends.py, its own PostgreSQL database and Redis database)."""

    def __init__(self, binary, root=None, env=None, keep=False, threads=None, cpus=None):
        self.binary = os.path.abspath(binary)
        self.root = root or repo_root_of_script()
        self.extra_env = dict(_shared_backends(), **(env or {}))
        self.keep = keep or os.environ.get("FP_KEEP_TMP") == "1"
        self.threads = threads
        self.cpus = cpus
        self.tmp = tempfile.mkdtemp(prefix="fp-service-")
        self.state = os.path.join(self.tmp, "state")
        self.log_path = os.path.join(self.tmp, "server.log")
        self.process = None
        self.api = None  # "127.0.0.1:port"
        self.tls_port = None
        self.exit_code = None

    # Keys must exist before start: `fingerprint keys create` writes the same database.
    def create_key(self, name, tier="free", read_only=False):
        os.makedirs(self.state, exist_ok=True)
        args = [self.binary, "keys", "create", "--state", self.state, "--name", name, "--tier", tier]
        if self.extra_env.get("FP_STORE_BACKEND") == "postgres":
            args += ["--postgres", self.extra_env["FP_STORE_POSTGRES_URL"]]
        if read_only:
            args.append("--read-only")
        out = subprocess.run(args, capture_output=True, text=True, timeout=30, check=True).stdout
        for line in out.splitlines():
            if line.startswith("secret"):
                return line.split()[1]
        raise RuntimeError("no secret in: " + out)

    def environment(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("FP_")}
        env["FP_DATA_PROFILES_DIR"] = os.path.join(self.root, "data", "profiles")
        env["FP_DATA_MODELS_DIR"] = os.path.join(self.root, "data", "models")
        env["FP_LOG_LEVEL"] = "info"
        if self.threads:
            env["FP_THREADS"] = str(self.threads)
        env.update(self.extra_env)
        return env

    def start(self):
        os.makedirs(self.state, exist_ok=True)
        args = [self.binary, "serve", "--api", "127.0.0.1:0", "--tls", "127.0.0.1:0"]
        args += ["--state", self.state]
        if self.cpus:
            args = ["taskset", "-c", self.cpus] + args
        self.log_file = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            args, stdout=self.log_file, stderr=subprocess.STDOUT, env=self.environment(),
            cwd=self.tmp, start_new_session=True, preexec_fn=_die_with_parent)
        _LIVE_SERVERS.append(self)
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline and self.api is None:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited {self.process.returncode}: {self.log_tail()}")
            for record in self.log_records():
                if record.get("message") == "listening":
                    self.api = record["fp.api"].split("://", 1)[1]
                    self.tls_port = int(record["fp.fingerprint"].rsplit(":", 1)[1])
            time.sleep(0.05)
        if self.api is None:
            raise RuntimeError("server did not log 'listening': " + self.log_tail())
        while time.monotonic() < deadline:
            try:
                if http(self.api, "GET", "/readyz", timeout=2).status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("GET /readyz never answered 200: " + self.log_tail())

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def rss_kb(self):
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def log_records(self):
        records = []
        try:
            with open(self.log_path, "rb") as log:
                for line in log:
                    try:
                        records.append(json.loads(line))
                    except ValueError:
                        records.append({"message": line.decode("utf-8", "replace").rstrip()})
        except FileNotFoundError:
            pass
        return records

    def log_tail(self, lines=15):
        try:
            with open(self.log_path, "rb") as log:
                return b"".join(log.readlines()[-lines:]).decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def signal(self, signum):
        if self.alive():
            os.kill(self.process.pid, signum)

    def wait(self, timeout):
        try:
            self.exit_code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        return self.exit_code

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.signal(signal.SIGTERM)
            if self.wait(STOP_TIMEOUT_S) is None:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.process is not None:
            self.exit_code = self.process.returncode
        if self in _LIVE_SERVERS:
            _LIVE_SERVERS.remove(self)
            self.log_file.close()
            if not self.keep:
                shutil.rmtree(self.tmp, ignore_errors=True)
            else:
                print(f"kept {self.tmp}", flush=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False


def metric_value(metrics_text, name, labels=None):
    """The sum of every sample of `name` whose labels include `labels` (dict)."""
    total = 0.0
    found = False
    for line in metrics_text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        head, _, value = line.rpartition(" ")
        metric, _, label_text = head.partition("{")
        if metric != name:
            continue
        if labels:
            have = dict(
                part.split("=", 1) for part in label_text.rstrip("}").split(",") if "=" in part)
            have = {k: v.strip('"') for k, v in have.items()}
            if any(have.get(k) != v for k, v in labels.items()):
                continue
        total += float(value)
        found = True
    return total if found else None


# ---------------------------------------------------------------- captures


class TcpStream:
    """One TCP connection's client side as read from a capture."""

    def __init__(self, index, src, sport, dst, dport):
        self.index = index  # order of the first packet, as tshark's tcp.stream
        self.src, self.src_port, self.dst, self.dst_port = src, sport, dst, dport
        self.syn = None  # the SYN's IP packet (IP + TCP header and options)
        self.isn = None
        self.segments = {}  # relative sequence number -> payload (first seen wins)

    def payload(self):
        """Client bytes in sequence order, up to the first hole."""
        out = b""
        for offset in sorted(self.segments):
            data = self.segments[offset]
            if offset > len(out):
                break
            out += data[len(out) - offset :]
        return out


def _pcap_packets(data):
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise ValueError("not a pcap file (pcapng is not read here)")
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    at = 24
    while at + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(endian + "IIII", data[at : at + 16])
        yield linktype, data[at + 16 : at + 16 + caplen]
        at += 16 + caplen


def _ip_of(linktype, frame):
    if linktype == 1:  # Ethernet, VLAN tags skipped
        at, ethertype = 12, struct.unpack("!H", frame[12:14])[0]
        while ethertype in (0x8100, 0x88A8):
            at += 4
            ethertype = struct.unpack("!H", frame[at : at + 2])[0]
        return frame[at + 2 :] if ethertype in (0x0800, 0x86DD) else None
    if linktype == 113:  # Linux SLL
        return frame[16:]
    if linktype == 276:  # Linux SLL2
        return frame[20:]
    if linktype in (0, 108):  # BSD loopback
        return frame[4:]
    if linktype in (101, 12, 14):  # raw IP
        return frame
    return None


def _tcp_of(ip):
    """(src, dst, tcp header+payload, ip packet up to end of tcp) for IPv4/IPv6 TCP, else None."""
    version = ip[0] >> 4
    if version == 4:
        ihl = (ip[0] & 0x0F) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        if ip[9] != 6:
            return None
        src, dst = socket.inet_ntop(socket.AF_INET, ip[12:16]), socket.inet_ntop(
            socket.AF_INET, ip[16:20])
        return src, dst, ip[ihl:total], ip[:total]
    if version == 6:
        if ip[6] != 6:  # no extension headers expected in these captures
            return None
        length = struct.unpack("!H", ip[4:6])[0]
        src, dst = socket.inet_ntop(socket.AF_INET6, ip[8:24]), socket.inet_ntop(
            socket.AF_INET6, ip[24:40])
        return src, dst, ip[40 : 40 + length], ip[: 40 + length]
    return None


def read_pcap_streams(path):
    """Every TCP stream that starts with a SYN: its client side, in order of first packet."""
    with open(path, "rb") as f:
        data = f.read()
    streams, by_key = [], {}
    for linktype, frame in _pcap_packets(data):
        ip = _ip_of(linktype, frame)
        if not ip:
            continue
        parsed = _tcp_of(ip)
        if not parsed:
            continue
        src, dst, tcp, packet = parsed
        sport, dport, seq = struct.unpack("!HHI", tcp[:8])
        offset = (tcp[12] >> 4) * 4
        flags = tcp[13]
        syn, ack = flags & 0x02, flags & 0x10
        key = (src, sport, dst, dport)
        if syn and not ack:
            stream = TcpStream(len(streams), src, sport, dst, dport)
            stream.syn, stream.isn = packet, seq
            streams.append(stream)
            by_key[key] = stream
            continue
        stream = by_key.get(key)
        payload = tcp[offset:]
        if stream is None or not payload:
            continue
        relative = (seq - stream.isn - 1) & 0xFFFFFFFF
        stream.segments.setdefault(relative, payload)
    return streams


def tls_client_hello(payload):
    """The TLS records from the first byte up to the one completing the ClientHello, or None."""
    if len(payload) < 5 or payload[0] != 0x16:
        return None
    handshake, at = b"", 0
    while at + 5 <= len(payload) and payload[at] == 0x16:
        length = struct.unpack("!H", payload[at + 3 : at + 5])[0]
        handshake += payload[at + 5 : at + 5 + length]
        at += 5 + length
        if len(handshake) >= 4:
            needed = 4 + int.from_bytes(handshake[1:4], "big")
            if len(handshake) >= needed:
                return payload[:at]
    return None


def http1_head(payload):
    end = payload.find(b"\r\n\r\n")
    if end < 0 or not payload[:1].isalpha() or payload.startswith(b"PRI * HTTP/2.0"):
        return None
    return payload[: end + 4]


H2_MAGIC = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def http2_preface(payload):
    """The preface and frames up to the end of the first complete HEADERS block, or None."""
    if not payload.startswith(H2_MAGIC):
        return None
    at = len(H2_MAGIC)
    while at + 9 <= len(payload):
        length = int.from_bytes(payload[at : at + 3], "big")
        kind, flags = payload[at + 3], payload[at + 4]
        at += 9 + length
        if kind in (0x1, 0x9) and flags & 0x4:  # HEADERS or CONTINUATION with END_HEADERS
            return payload[:at]
    return None


# ---------------------------------------------------------------- a minimal HTTP/2 client

H2_STATUS_INDEXED = {0x88: 200, 0x89: 204, 0x8A: 206, 0x8B: 304, 0x8C: 400, 0x8D: 404, 0x8E: 500}


def h2_frame(kind, flags, stream, payload):
    return len(payload).to_bytes(3, "big") + bytes([kind, flags]) + struct.pack(
        "!I", stream) + payload


def _hpack_literal(name, value):
    """Literal header field without indexing, new name, no Huffman (RFC 7541 6.2.2)."""
    name, value = name.encode(), value.encode()
    assert len(name) < 127 and len(value) < 127
    return b"\x00" + bytes([len(name)]) + name + bytes([len(value)]) + value


def _h2_status(block):
    if block[:1] and block[0] in H2_STATUS_INDEXED:
        return H2_STATUS_INDEXED[block[0]]
    # Literal with a name from the static table (index 8..14, :status), value of 3 digits.
    if len(block) >= 5 and block[0] & 0x0F in range(8, 15) and block[1] == 3:
        return int(block[2:5])
    return None


def h2_get(port, path, headers=(), timeout=10, host="127.0.0.1"):
    """GET over a fresh TLS connection with ALPN h2: (status, body). Network errors raise."""
    sock = tls_context(["h2"]).wrap_socket(
        socket.create_connection((host, port), timeout=timeout), server_hostname="localhost")
    try:
        if sock.selected_alpn_protocol() != "h2":
            raise OSError("h2 not negotiated")
        block = b"\x82\x87" + _hpack_literal(":path", path) + _hpack_literal(
            ":authority", "localhost")
        for name, value in headers:
            block += _hpack_literal(name.lower(), value)
        sock.sendall(H2_MAGIC + h2_frame(0x4, 0, 0, b"") + h2_frame(0x1, 0x5, 1, block))
        data, at, status, body = b"", 0, None, b""
        while True:
            while at + 9 <= len(data) and at + 9 + int.from_bytes(data[at:at + 3], "big") <= len(
                    data):
                length = int.from_bytes(data[at:at + 3], "big")
                kind, flags = data[at + 3], data[at + 4]
                stream = struct.unpack("!I", data[at + 5:at + 9])[0] & 0x7FFFFFFF
                payload = data[at + 9:at + 9 + length]
                at += 9 + length
                if kind == 0x4 and not flags & 0x1:
                    sock.sendall(h2_frame(0x4, 0x1, 0, b""))  # SETTINGS ACK
                if stream != 1:
                    if kind == 0x7:  # GOAWAY before our answer
                        raise OSError("GOAWAY")
                    continue
                if kind == 0x1:
                    status = _h2_status(payload)
                elif kind == 0x0:
                    body += payload
                elif kind == 0x3:
                    raise OSError("RST_STREAM")
                if kind in (0x0, 0x1) and flags & 0x1:
                    return status, body
            chunk = sock.recv(65536)
            if not chunk:
                raise OSError("closed before the answer")
            data += chunk
    finally:
        sock.close()


# ---------------------------------------------------------------- real clients: /self vs capture

# Fields of /api/v1/self that `fingerprint analyze` also computes from a capture of the same
# connection (HTTP layers only when the capture shows them, i.e. never inside TLS).
SELF_VS_CAPTURE = ["ja4", "ja4_r", "ja4_o", "ja4_ro", "ja3", "ja3_full", "ja3n", "ja4_stable",
                   "ja4t", "p0f_signature", "akamai_fingerprint"]


def self_json_of(data, h2_frames=False):
    """The /api/v1/self record in a client's output: a body, an HTTP response, or h2 frames."""
    if h2_frames:
        body, at = b"", 0
        while at + 9 <= len(data):
            length = int.from_bytes(data[at:at + 3], "big")
            if data[at + 3] == 0x0 and struct.unpack("!I", data[at + 5:at + 9])[0] == 1:
                body += data[at + 9:at + 9 + length]
            at += 9 + length
        data = body
    text = data.decode("utf-8", "replace")
    start = text.find('{"stream"')
    if start < 0:
        return None
    try:
        return json.JSONDecoder().raw_decode(text[start:])[0]
    except ValueError:
        return None


def profiles_by_ja4(root):
    """JA4 -> client names of the committed profiles, and name -> first captured profile."""
    by_ja4, captured = {}, {}
    profiles_dir = os.path.join(root, "data", "profiles")
    for name in sorted(os.listdir(profiles_dir)):
        if not name.endswith(".fpdb"):
            continue
        current = None
        for line in open(os.path.join(profiles_dir, name), encoding="utf-8"):
            line = line.strip()
            if line.startswith("["):
                current = {"file": name}
            elif current is not None and " = " in line and not line.startswith("#"):
                key, value = line.split(" = ", 1)
                current.setdefault(key, []).append(value)
                if key == "name" and name == "captured.fpdb":
                    captured.setdefault(value, current)
            if current is not None and "ja4" in current and "name" in current:
                for ja4 in current["ja4"]:
                    by_ja4.setdefault(ja4, set()).add(current["name"][0])
    return by_ja4, captured


def compare_self_with_capture(binary, root, label, output_path, pcap, family, h2_frames=False):
    """Checks for one real client; prints PASS/FAIL/INFO lines, returns the number failed."""
    c = Checks()
    with open(output_path, "rb") as f:
        record = self_json_of(f.read(), h2_frames)
    if not c.check(f"{label}: /api/v1/self answered a record", record is not None):
        return 1
    port = (record.get("connection") or {}).get("peer_port")
    out = subprocess.run([binary, "analyze", "--format", "jsonl", pcap], capture_output=True,
                         text=True, timeout=60)
    captured = [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
    mine = [r for r in captured if r.get("src_port") == port]
    if not c.check(f"{label}: the capture holds the connection (src_port {port})",
                   len(mine) == 1, f"{len(mine)} records of {len(captured)}"):
        return c.failed
    want = mine[0]
    fields = [f for f in SELF_VS_CAPTURE if f in want]
    diffs = [(f, record.get(f), want.get(f)) for f in fields if record.get(f) != want.get(f)]
    c.check(f"{label}: {', '.join(fields)} = analyze of the capture", fields and not diffs,
            short(repr(diffs)))
    c.check(f"{label}: JA4T present (TCP_SAVED_SYN)", "ja4t" in record and "ja4t" in want)
    if want.get("http"):
        c.eq(f"{label}: JA4H = analyze", (record.get("http") or [{}])[0].get("ja4h"),
             want["http"][0].get("ja4h"))
    by_ja4, captured_profiles = profiles_by_ja4(root)
    known = by_ja4.get(record.get("ja4"), set())
    name = ((record.get("identity") or {}).get("client") or {}).get("name")
    if family in known:
        c.eq(f"{label}: identity names {family} (JA4 in the profiles)", name, family)
    elif name == family:
        print(f"INFO {label}: identity names {family} by similarity (JA4 not in the profiles)")
    else:
        print(f"INFO {label}: JA4 {record.get('ja4')} not in the profiles; identity says {name}")
    profile = captured_profiles.get(family)
    http = (record.get("http") or [{}])[0]
    if profile and family in known and http.get("ja4h") and "ja4h" in profile:
        c.check(f"{label}: JA4H is one of the {family} profile's", http["ja4h"] in profile["ja4h"],
                f"{http['ja4h']} not in {profile['ja4h']}")
    if profile and family in known and record.get("akamai_fingerprint") and "akamai" in profile:
        c.check(f"{label}: Akamai is the {family} profile's",
                record["akamai_fingerprint"] in profile["akamai"],
                f"{record['akamai_fingerprint']} not in {profile['akamai']}")
    return c.failed


if __name__ == "__main__":
    # service_harness.py compare-self BIN ROOT LABEL OUTPUT PCAP FAMILY [--h2-frames]
    if len(sys.argv) >= 8 and sys.argv[1] == "compare-self":
        failed = compare_self_with_capture(*sys.argv[2:8], h2_frames="--h2-frames" in sys.argv)
        sys.exit(1 if failed else 0)
    print("usage: service_harness.py compare-self BIN ROOT LABEL OUTPUT PCAP FAMILY [--h2-frames]",
          file=sys.stderr)
    sys.exit(2)
