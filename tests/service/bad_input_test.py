#!/usr/bin/env python3
"""Bad input against `fingerprint serve`: every case gets its documented status, and the server
stays up, healthy and bounded in memory.

Malformed and mistyped JSON, unknown fields, wrong content types, oversized bodies and a lying
Content-Length, invalid UTF-8, deep nesting, garbage ClientHellos, HTTP/2 frames and SYNs, bad
hex and base64, bad batches and pcaps, bad query parameters and profile bodies, path traversal
and odd percent-encoding, header floods, slow clients, wrong methods, HTTP/1.0 and pipelining,
garbage instead of HTTP, plain HTTP and stalled handshakes on the TLS port, garbage HTTP/2.

The suite runs 3 times against one server. After each pass: the server is alive and /readyz is
200; no response was 5xx (nor any status_code >= 500 in its log); VmRSS after pass 3 is within
RSS_SLACK_KB of pass 1 and the count of open files did not grow. Timeouts are shortened through FP_TIMEOUTS_* so that slow clients take
seconds. If a case kills the server, that is a failure; the server is restarted so that the
remaining cases still run.

    bad_input_test.py --bin build/fingerprint [--root REPO] [--passes 3]

Prints "N passed, N failed"; exits 1 on any failure.
"""

import argparse
import json
import os
import subprocess
import socket
import ssl
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import service_harness as h  # noqa: E402

TIMEOUT_S = 1  # header, body and handshake timeouts of the server under test
ENV = {
    "FP_TIMEOUTS_HEADER": str(TIMEOUT_S),
    "FP_TIMEOUTS_BODY": str(TIMEOUT_S),
    "FP_TIMEOUTS_HANDSHAKE": str(TIMEOUT_S),
    "FP_TIMEOUTS_IDLE": "3",
    "FP_TIMEOUTS_SHUTDOWN_GRACE": "5",
    "FP_LIMITS_MAX_BODY_BYTES": str(64 * 1024),
    "FP_LIMITS_MAX_PCAP_BYTES": str(256 * 1024),
    "FP_LIMITS_MAX_BATCH_LINES": "50",
    "FP_TIERS_FREE_RATE": "100000",
    "FP_TIERS_FREE_BURST": "100000",
    "FP_RATE_LIMITS_PER_ADDRESS_RATE": "100000",
    "FP_RATE_LIMITS_PER_ADDRESS_BURST": "100000",
}
MAX_BODY = 64 * 1024
RSS_SLACK_KB = 4 * 1024  # growth allowed between pass 1 and pass 3 (allocator caches)


def sanitized(binary):
    """True for a binary built with AddressSanitizer (it links libasan)."""
    out = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
    return "libasan" in out
LINGER_S = 2.5  # the listener's close_notify linger (listener_connection.h) and a margin
SLOW_SLACK_S = 3.0  # a timed-out connection must be closed within its timeout plus this

# curl's ClientHello from data/captures/curl.pcap is cut by the tests below; this one is a
# minimal well-formed TLS 1.2 ClientHello built by hand (one cipher, no extensions).
MINIMAL_HELLO = bytes.fromhex(
    "16030100" "2d"                    # record: handshake, TLS 1.0, length 45
    "01" "000029"                       # ClientHello, length 41
    "0303" + "11" * 32 +                # version, random
    "00"                                # session id
    "0002" "c02f"                       # ciphers
    "0100"                              # compression: null
)
H2_MAGIC = h.H2_MAGIC
h2_frame = h.h2_frame
H2_SETTINGS = h2_frame(0x4, 0, 0, b"")
# HEADERS, END_STREAM|END_HEADERS: :method GET, :scheme https, :path /, :authority (literal).
H2_HEADERS = h2_frame(0x1, 0x5, 1, b"\x82\x87\x84\x41\x09localhost")


class Context:
    def __init__(self, binary, root):
        self.binary, self.root = binary, root
        self.c = h.Checks()
        self.server = None
        self.statuses = []  # every status seen by a case
        self.restarts = 0
        curl = h.read_pcap_streams(os.path.join(root, "data", "captures", "curl.pcap"))
        self.curl_hello = h.tls_client_hello(curl[0].payload())
        self.curl_syn = curl[0].syn
        self.key = None

    def start(self):
        self.server = h.Server(self.binary, self.root, env=ENV)
        self.key = self.server.create_key("bad-input-writer")
        self.server.start()

    @property
    def api(self):
        return self.server.api

    @property
    def api_host_port(self):
        host, port = self.server.api.rsplit(":", 1)
        return host, int(port)


# ------------------------------------------------------------------ requests


def raw_request(method, path, body=b"", headers=None, version="HTTP/1.1", close=True):
    lines = [f"{method} {path} {version}", "Host: 127.0.0.1"]
    has_length = False
    for name, value in headers or []:
        lines.append(f"{name}: {value}")
        has_length |= name.lower() in ("content-length", "transfer-encoding")
    if body and not has_length:
        lines.append(f"Content-Length: {len(body)}")
    if close:
        lines.append("Connection: close")
    if isinstance(body, str):
        body = body.encode()
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def send(ctx, data, read_timeout=5.0, total_timeout=15.0):
    host, port = ctx.api_host_port
    replies = h.split_responses(h.raw(host, port, data, read_timeout, total_timeout))
    ctx.statuses += [r.status for r in replies]
    return replies


def request(ctx, method, path, body=b"", headers=None, content_type="application/json"):
    all_headers = list(headers or [])
    if content_type is not None:
        all_headers.insert(0, ("Content-Type", content_type))
    replies = send(ctx, raw_request(method, path, body, all_headers))
    return replies[0] if replies else None


def is_problem(reply, status, field=None):
    if reply is None:
        return False, "no response"
    body = reply.json() or {}
    ok = (reply.status == status and
          (reply.header("Content-Type") or "").startswith("application/problem+json") and
          body.get("status") == status and all(isinstance(body.get(k), str)
                                               for k in ("type", "title", "detail")))
    if ok and field is not None and body.get("field") != field:
        ok = False
    return ok, f"want {status} field={field}, got {reply!r}"


def post(path, body, status, field=None, content_type="application/json", headers=None):
    """A case: POST `body` (dict/list -> JSON, str/bytes as is) expecting a problem `status`."""

    def run(ctx):
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        return is_problem(request(ctx, "POST", path, data, headers, content_type), status, field)

    return run


def fp(body, status, field=None):
    return post("/api/v1/fingerprint", body, status, field)


def ident(body, status, field=None):
    return post("/api/v1/identify", body, status, field)


def get(path, status, field=None):
    def run(ctx):
        return is_problem(request(ctx, "GET", path, content_type=None), status, field)

    return run


def with_key(method, path, body, status, field=None):
    def run(ctx):
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        reply = request(ctx, method, path, data, [("Authorization", "Bearer " + ctx.key)])
        return is_problem(reply, status, field)

    return run


def hello_case(mutate, status=422, field="tls_client_hello"):
    def run(ctx):
        data = mutate(ctx.curl_hello)
        body = json.dumps({"tls_client_hello": data.hex()}).encode()
        reply = request(ctx, "POST", "/api/v1/fingerprint", body)
        if status == 200:
            return reply is not None and reply.status == 200, repr(reply)
        return is_problem(reply, status, field)

    return run


def set_u16(data, at, value):
    return data[:at] + struct.pack("!H", value) + data[at + 2:]


# ------------------------------------------------------------------ cases with sockets


def closed_within(sock, seconds):
    """True when the peer closes (EOF or reset) within `seconds`; also what it sent."""
    sock.settimeout(0.2)
    deadline = time.monotonic() + seconds
    received = b""
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return True, received
        if not chunk:
            return True, received
        received += chunk
    return False, received


def slowloris(ctx):
    """Head bytes trickled slower than the header timeout allows: closed after it."""
    sock = socket.create_connection(ctx.api_host_port, timeout=5)
    started = time.monotonic()
    try:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        closed = False
        for _ in range(int((TIMEOUT_S + SLOW_SLACK_S) / 0.25)):
            try:
                sock.sendall(b"X")
            except OSError:
                closed = True
                break
            time.sleep(0.25)
        if not closed:
            closed, _ = closed_within(sock, 0.5)
        took = time.monotonic() - started
        return closed and took <= TIMEOUT_S + SLOW_SLACK_S, f"closed={closed} after {took:.1f}s"
    finally:
        sock.close()


def silent_connection(ctx):
    """Connects and sends nothing: closed by the header timeout."""
    sock = socket.create_connection(ctx.api_host_port, timeout=5)
    try:
        closed, data = closed_within(sock, TIMEOUT_S + SLOW_SLACK_S)
        return closed and not data.startswith(b"HTTP/1.1 5"), f"closed={closed} {data[:80]!r}"
    finally:
        sock.close()


def content_length_lie(ctx):
    """Content-Length 1000, 10 bytes sent, then silence: 408 after the body timeout."""
    sock = socket.create_connection(ctx.api_host_port, timeout=5)
    try:
        sock.sendall(raw_request("POST", "/api/v1/identify", b"", [
            ("Content-Type", "application/json"), ("Content-Length", "1000")]) + b'{"ja4": "t')
        closed, data = closed_within(sock, TIMEOUT_S + SLOW_SLACK_S)
        replies = h.split_responses(data)
        ctx.statuses += [r.status for r in replies]
        ok = closed and len(replies) == 1 and is_problem(replies[0], 408)[0]
        return ok, f"closed={closed} {data[:200]!r}"
    finally:
        sock.close()


def content_length_short(ctx):
    """Content-Length smaller than the body: the rest is read as the next request."""
    body = b'{"ja4": "t13d3112h2_e8f1e7e78f70_b26ce05bbdd6"}'
    data = raw_request("POST", "/api/v1/identify", body[:10], [
        ("Content-Type", "application/json"), ("Content-Length", "10")], close=False)
    replies = send(ctx, data + body[10:] + b"\r\n\r\n")
    statuses = [r.status for r in replies]
    return statuses == [400, 400], f"{statuses}"


def pipelined(ctx):
    ids = ["pipe-1", "pipe-2", "pipe-3"]
    data = b"".join(raw_request("GET", p, headers=[("X-Request-Id", i)], close=False)
                    for p, i in zip(("/healthz", "/nope", "/readyz"), ids))
    replies = send(ctx, data + raw_request("GET", "/healthz", headers=[("X-Request-Id", "pipe-4")]))
    got = [(r.status, r.header("X-Request-Id")) for r in replies]
    want = [(200, "pipe-1"), (404, "pipe-2"), (200, "pipe-3"), (200, "pipe-4")]
    return got == want, f"{got}"


def http10(ctx):
    """HTTP/1.0 without keep-alive: one answer, then the server closes at once."""
    sock = socket.create_connection(ctx.api_host_port, timeout=5)
    try:
        sock.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
        closed, data = closed_within(sock, 2)
    finally:
        sock.close()
    replies = h.split_responses(data)
    ctx.statuses += [r.status for r in replies]
    ok = closed and len(replies) == 1 and replies[0].status == 200
    return ok, f"closed={closed} {data[:120]!r}"


def garbage(payload, want_status=400):
    def run(ctx):
        host, port = ctx.api_host_port
        data = h.raw(host, port, payload, read_timeout=TIMEOUT_S + SLOW_SLACK_S)
        replies = h.split_responses(data)
        ctx.statuses += [r.status for r in replies]
        if want_status is None:  # closed, with at most a 4xx
            return all(400 <= r.status < 500 for r in replies), f"{data[:120]!r}"
        wanted = want_status if isinstance(want_status, tuple) else (want_status,)
        return len(replies) == 1 and replies[0].status in wanted, f"{data[:160]!r}"

    return run


def header_flood(count, size, status):
    def run(ctx):
        headers = [(f"X-Flood-{i}", "v" * size) for i in range(count)]
        reply = request(ctx, "GET", "/healthz", headers=headers, content_type=None)
        if status == 200:
            return reply is not None and reply.status == 200, repr(reply)
        # The listener answers a too-large head itself; it need not be a full problem object.
        return reply is not None and reply.status == status, repr(reply)

    return run


def expect_status(method, path, status, body=b"", headers=None, content_type=None, allow=None):
    def run(ctx):
        reply = request(ctx, method, path, body, headers, content_type)
        ok = reply is not None and reply.status == status
        if ok and allow is not None:
            ok = sorted(x.strip() for x in (reply.header("Allow") or "").split(",")) == allow
        return ok, repr(reply) + (f" Allow={reply.header('Allow')}" if reply else "")

    return run


def tls_port_closes(payload):
    """Bytes that are not a TLS handshake to the TLS port: closed promptly, never a 5xx."""

    def run(ctx):
        sock = socket.create_connection(("127.0.0.1", ctx.server.tls_port), timeout=5)
        try:
            sock.sendall(payload)
            closed, data = closed_within(sock, TIMEOUT_S + SLOW_SLACK_S)
        finally:
            sock.close()
        return closed and b"HTTP/1.1 5" not in data, f"closed={closed} {data[:100]!r}"

    return run


def tls_port_partial_hello(ctx):
    """Half a ClientHello, then silence: closed by the handshake timeout."""
    sock = socket.create_connection(("127.0.0.1", ctx.server.tls_port), timeout=5)
    try:
        sock.sendall(ctx.curl_hello[: len(ctx.curl_hello) // 2])
        closed, _ = closed_within(sock, TIMEOUT_S + SLOW_SLACK_S)
        return closed, f"closed={closed}"
    finally:
        sock.close()


def tls_port_stalled_after_hello(ctx):
    """A whole ClientHello, the server's flight read, then nothing: closed by the timeout."""
    sock = socket.create_connection(("127.0.0.1", ctx.server.tls_port), timeout=5)
    try:
        sock.sendall(ctx.curl_hello)
        closed, data = closed_within(sock, TIMEOUT_S + SLOW_SLACK_S)
        return closed and data[:1] == b"\x16", f"closed={closed} first={data[:5]!r}"
    finally:
        sock.close()


def tls_port_huge_hello(ctx):
    """Handshake records beyond the ClientHello size limit: refused, not buffered forever."""
    sock = socket.create_connection(("127.0.0.1", ctx.server.tls_port), timeout=5)
    try:
        fragment = b"\x01" + (200 * 1024).to_bytes(3, "big") + b"\x03\x03"
        record = b"\x16\x03\x01" + struct.pack("!H", 16000) + (fragment + b"\x00" * 16000)[:16000]
        sent = 0
        try:
            for _ in range(8):
                sock.sendall(record)
                sent += 1
        except OSError:
            pass
        closed, _ = closed_within(sock, TIMEOUT_S + SLOW_SLACK_S)
        return closed, f"closed={closed} after {sent} records"
    finally:
        sock.close()


def tls_connect(ctx, alpn):
    context = h.tls_context(alpn)
    raw_sock = socket.create_connection(("127.0.0.1", ctx.server.tls_port), timeout=5)
    return context.wrap_socket(raw_sock, server_hostname="localhost")


def h2_exchange(ctx, payload):
    sock = tls_connect(ctx, ["h2"])
    try:
        if sock.selected_alpn_protocol() != "h2":
            return None, "no h2"
        sock.sendall(payload)
        closed, data = closed_within(sock, TIMEOUT_S + SLOW_SLACK_S + 2)
        return closed, data
    except (ssl.SSLError, OSError) as e:
        return True, repr(e).encode()
    finally:
        sock.close()


def h2_frames_of(data):
    frames, at = [], 0
    while at + 9 <= len(data):
        length = int.from_bytes(data[at:at + 3], "big")
        frames.append((data[at + 3], data[at + 4], data[at + 9:at + 9 + length]))
        at += 9 + length
    return frames


def h2_garbage(after_preface, want_goaway=True):
    def run(ctx):
        closed, data = h2_exchange(ctx, H2_MAGIC + after_preface)
        if closed is None:
            return False, data
        kinds = [k for k, _, _ in h2_frames_of(data)] if isinstance(data, bytes) else []
        if want_goaway:
            return closed and 0x7 in kinds, f"closed={closed} frames={kinds}"
        return closed, f"closed={closed} frames={kinds}"

    return run


def h2_bad_preface(ctx):
    closed, data = h2_exchange(ctx, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    return bool(closed), f"closed={closed}"


def h2_good_request(ctx):
    """Control: a hand-built h2 request for / gets HEADERS back with :status 200."""
    sock = tls_connect(ctx, ["h2"])
    try:
        sock.sendall(H2_MAGIC + H2_SETTINGS + H2_HEADERS)
        sock.settimeout(5)
        data = b""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            frames = h2_frames_of(data)
            if any(k == 0x1 and f & 0x1 or k == 0x0 and f & 0x1 for k, f, _ in frames):
                break
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        headers = [p for k, _, p in h2_frames_of(data) if k == 0x1]
        # :status 200 is HPACK static index 8: 0x88.
        return bool(headers) and headers[0][:1] == b"\x88", f"{[k for k, _, _ in h2_frames_of(data)]}"
    finally:
        sock.close()


def tls_h1(payload, statuses):
    """HTTP/1.1 over TLS to the fingerprinting listener: the answers' statuses, then closed."""

    def run(ctx):
        sock = tls_connect(ctx, ["http/1.1"])
        try:
            sock.sendall(payload)
            closed, data = closed_within(sock, TIMEOUT_S + SLOW_SLACK_S)
        except (ssl.SSLError, OSError) as e:
            return False, repr(e)
        finally:
            sock.close()
        got = [r.status for r in h.split_responses(data)]
        ctx.statuses += got
        return closed and got == statuses, f"closed={closed} statuses={got} {data[:100]!r}"

    return run


def many_connections(ctx):
    """60 idle connections at once, then a normal request still gets through."""
    socks = [socket.create_connection(ctx.api_host_port, timeout=5) for _ in range(60)]
    try:
        reply = request(ctx, "GET", "/healthz", content_type=None)
        return reply is not None and reply.status == 200, repr(reply)
    finally:
        for s in socks:
            s.close()


def big_pcap_garbage(ctx):
    body = b"\xd4\xc3\xb2\xa1" + os.urandom(40 * 1024)
    reply = request(ctx, "POST", "/api/v1/pcap", body, content_type="application/vnd.tcpdump.pcap")
    # A pcap magic followed by noise: either refused (422) or read as far as it goes (200).
    return reply is not None and reply.status in (200, 422), repr(reply)


def truncated_pcap(ctx):
    with open(os.path.join(ctx.root, "data", "captures", "curl.pcap"), "rb") as f:
        data = f.read()
    reply = request(ctx, "POST", "/api/v1/pcap", data[: len(data) - 100],
                    content_type="application/vnd.tcpdump.pcap")
    ok = reply is not None and reply.status == 200 and reply.header("X-Capture-Error")
    return bool(ok), repr(reply) + f" X-Capture-Error={reply and reply.header('X-Capture-Error')}"


def empty_pcap(ctx):
    header = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    reply = request(ctx, "POST", "/api/v1/pcap", header,
                    content_type="application/vnd.tcpdump.pcap")
    return reply is not None and reply.status == 200 and reply.body == b"", repr(reply)


def batch(body, status, content_type="application/x-ndjson"):
    def run(ctx):
        data = body(ctx) if callable(body) else body
        return is_problem(request(ctx, "POST", "/api/v1/batch", data, content_type=content_type),
                          status)

    return run


def batch_lines_ok(ctx):
    """Bad lines inside a good batch: 200, one problem line per bad line."""
    lines = [b"{", b"[]", b'{"ja4": 1}', b'{"tls_client_hello": "00"}', b'"x"', b"\xff\xfe"]
    reply = request(ctx, "POST", "/api/v1/batch", b"\n".join(lines),
                    content_type="application/x-ndjson")
    out = [json.loads(l) for l in reply.text().splitlines()] if reply else []
    statuses = [o.get("status") for o in out]
    return reply is not None and reply.status == 200 and statuses == [
        400, 400, 400, 422, 400, 400], f"{reply!r} {statuses}"


def invalid_utf8_response_valid(ctx):
    """A raw HTTP head with invalid UTF-8 in a header value: the record is still valid JSON."""
    head = b"GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: \xff\xfe\xc3\r\n\r\n"
    body = json.dumps({"http_request": head.decode("latin-1")}).encode()
    reply = request(ctx, "POST", "/api/v1/fingerprint", body)
    try:
        json.loads(reply.body.decode("utf-8")) if reply else None
        valid = True
    except (UnicodeDecodeError, ValueError):
        valid = False
    return reply is not None and reply.status in (200, 422) and valid, repr(reply)


def lone_surrogate(ctx):
    body = '{"syn": "%s", "user_agent": "\\ud800"}' % ctx.curl_syn.hex()
    reply = request(ctx, "POST", "/api/v1/fingerprint", body.encode())
    try:
        valid = reply is not None and json.loads(reply.body.decode("utf-8")) is not None
    except (UnicodeDecodeError, ValueError):
        valid = False
    return valid and reply.status in (200, 400), repr(reply)


def deep(n):
    return ("[" * n + "]" * n).encode()


def nested_object(n):
    return ('{"identify":' + '{"a":' * n + "1" + "}" * n + "}").encode()


# ------------------------------------------------------------------ the suite


def extensions_length_at(hello):
    """Offset of the extensions' length in a ClientHello record."""
    at = 5 + 4 + 2 + 32
    at += 1 + hello[at]  # session id
    at += 2 + int.from_bytes(hello[at:at + 2], "big")  # ciphers
    at += 1 + hello[at]  # compression methods
    return at


def huge_request_id(ctx):
    reply = request(ctx, "GET", "/healthz", headers=[("X-Request-Id", "r" * 10000)],
                    content_type=None)
    ok = reply is not None and reply.status == 200 and len(reply.header("X-Request-Id") or "") < 200
    return ok, repr(reply)


# IPv4 + UDP, 127.0.0.1:1234 -> 127.0.0.1:53, no payload.
UDP_PACKET = (struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, 0, 0x4000, 64, 17, 0,
                          bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1])) +
              struct.pack("!HHHH", 1234, 53, 8, 0))


def cases(ctx):
    long_segment = "a" * 6000
    SYN_HEX = ctx.curl_syn.hex()  # noqa: N806 - a constant of this suite
    return [
        # JSON that is not a request object
        ("malformed JSON", fp(b"{", 400)),
        ("JSON with trailing garbage", fp(b'{"syn": "00"} x', 400)),
        ("JSON array body", fp(b"[]", 400)),
        ("JSON string body", fp(b'"tls"', 400)),
        ("JSON number body", fp(b"42", 400)),
        ("JSON null body", fp(b"null", 400)),
        ("empty body", fp(b"", 400)),
        ("no input at all", fp({}, 422)),
        ("only options, no input", fp({"identify": True, "user_agent": "x"}, 422)),
        # wrong types per field
        ("tls_client_hello a number", fp({"tls_client_hello": 5}, 400, "tls_client_hello")),
        ("tls_client_hello an array", fp({"tls_client_hello": ["16"]}, 400, "tls_client_hello")),
        ("syn an object", fp({"syn": {}}, 400, "syn")),
        ("http2_frames true", fp({"http2_frames": True}, 400, "http2_frames")),
        ("http_request a number", fp({"http_request": 1}, 400, "http_request")),
        ("identify a string", fp({"syn": SYN_HEX, "identify": "yes"}, 400, "identify")),
        ("user_agent a number", fp({"syn": SYN_HEX, "user_agent": 7}, 400, "user_agent")),
        ("http_headers a string", fp({"http_headers": "Host: x"}, 400, "http_headers")),
        ("http_headers pair of one", fp({"http_headers": [["Host"]]}, 400, "http_headers[0]")),
        ("http_headers value a number", fp({"http_headers": {"Host": 1}}, 400, "http_headers.Host")),
        ("http_method a number", fp({"http_headers": [], "http_method": 1}, 400, "http_method")),
        ("unknown field", fp({"tls_hello": "16"}, 400, "tls_hello")),
        ("http_request and http_headers", fp({"http_request": "GET / HTTP/1.1\r\n\r\n",
                                              "http_headers": []}, 400, "http_headers")),
        ("CRLF in a header value", fp({"http_headers": [["X", "a\r\nInjected: 1"]]}, 400,
                                      "http_headers")),
        ("CRLF in http_target", fp({"http_headers": [], "http_target": "/\r\nX: y"}, 400)),
        # content types
        ("text/plain body", post("/api/v1/fingerprint", {"syn": SYN_HEX}, 415, "Content-Type",
                                 content_type="text/plain")),
        ("no Content-Type", post("/api/v1/fingerprint", {"syn": SYN_HEX}, 415, "Content-Type",
                                 content_type=None)),
        ("form body", post("/api/v1/identify", b"ja4=x", 415,
                           content_type="application/x-www-form-urlencoded")),
        ("JSON to /pcap", post("/api/v1/pcap", {"a": 1}, 415, content_type="application/json")),
        ("JSON to /batch", post("/api/v1/batch", {"ja4": "x"}, 415)),
        ("charset parameter accepted", expect_status(
            "POST", "/api/v1/identify", 200, json.dumps({"ja4": "t13d3112h2_e8f1e7e78f70_b26ce05bbdd6"}),
            content_type="application/json; charset=utf-8")),
        # sizes
        ("body over max_body_bytes", post("/api/v1/identify",
                                          b'{"user_agent": "' + b"a" * MAX_BODY + b'"}', 413)),
        ("Content-Length 10^12", expect_status(
            "POST", "/api/v1/identify", 413, headers=[("Content-Length", "1000000000000")],
            content_type="application/json")),
        ("Content-Length lie (short body, silence) -> 408", content_length_lie),
        ("Content-Length shorter than the body", content_length_short),
        ("Content-Length not a number", expect_status(
            "POST", "/api/v1/identify", 400, b"{}", headers=[("Content-Length", "abc")],
            content_type="application/json")),
        ("two different Content-Lengths", expect_status(
            "POST", "/api/v1/identify", 400, b"{}",
            headers=[("Content-Length", "2"), ("Content-Length", "3")],
            content_type="application/json")),
        ("chunked body over the limit", expect_status(
            "POST", "/api/v1/identify", 413,
            b"%x\r\n" % (MAX_BODY + 10) + b"a" * (MAX_BODY + 10) + b"\r\n0\r\n\r\n",
            headers=[("Transfer-Encoding", "chunked")], content_type="application/json")),
        ("Expect: 100-continue with a too large length", expect_status(
            "POST", "/api/v1/identify", 413,
            headers=[("Content-Length", str(MAX_BODY + 1)), ("Expect", "100-continue")],
            content_type="application/json")),
        # encodings and nesting
        ("invalid UTF-8 in a JSON string", fp(b'{"user_agent": "\xff\xfe", "syn": "' +
                                              SYN_HEX.encode() + b'"}', 400)),
        # RFC 8259 leaves a lone surrogate's meaning open: refused, or answered in valid JSON.
        ("lone surrogate escape", lone_surrogate),
        ("invalid UTF-8 in a raw HTTP head", invalid_utf8_response_valid),
        ("nesting 30000 deep", fp(deep(30000), 400)),
        ("object nesting 5000 deep in a field", fp(nested_object(5000), 400)),
        # ClientHellos
        ("ClientHello: garbage bytes", fp({"tls_client_hello": "deadbeef"}, 422,
                                          "tls_client_hello")),
        ("ClientHello: truncated", hello_case(lambda b: b[:60])),
        ("ClientHello: record length too long", hello_case(lambda b: set_u16(b, 3, 0xFFFF))),
        ("ClientHello: record length too short", hello_case(lambda b: set_u16(b, 3, 10))),
        ("ClientHello: handshake type ServerHello", hello_case(lambda b: b[:5] + b"\x02" + b[6:])),
        # The parser keeps the extensions read from a block that ends early (a quirk, not an
        # error: tls/client_hello.cc), so this one is answered.
        ("ClientHello: extensions length lies -> 200", hello_case(
            lambda b: set_u16(b, extensions_length_at(b), 0xFFFF), 200, None)),
        ("ClientHello: cipher list length odd", hello_case(
            lambda b: set_u16(b, 5 + 4 + 2 + 32 + 1 + b[5 + 4 + 2 + 32], 3))),
        ("ClientHello: not TLS (HTTP text)", fp({"tls_client_hello": "474554202f20"}, 422,
                                                "tls_client_hello")),
        ("ClientHello: record type alert", hello_case(lambda b: b"\x15" + b[1:])),
        ("ClientHello: minimal valid hello", expect_status(
            "POST", "/api/v1/fingerprint", 200, json.dumps({"tls_client_hello": MINIMAL_HELLO.hex()}),
            content_type="application/json")),
        # hex and base64
        ("bytes neither hex nor base64", fp({"tls_client_hello": "not hex!"}, 400,
                                            "tls_client_hello")),
        ("odd number of hex digits", fp({"syn": "abc"}, 400, "syn")),
        ("empty bytes", fp({"tls_client_hello": ""}, 400, "tls_client_hello")),
        ("base64 with bad padding", fp({"http2_frames": "QUJD=A=="}, 400, "http2_frames")),
        # HTTP/2 frames
        ("HTTP/2 frames: garbage", fp({"http2_frames": "00ff00"}, 422, "http2_frames")),
        ("HTTP/2 frames: magic then a cut frame",
         fp({"http2_frames": (H2_MAGIC + b"\x00\x00\x12\x04").hex()}, 422, "http2_frames")),
        ("HTTP/2 frames: frame length 16 MiB",
         fp({"http2_frames": (H2_MAGIC + b"\xff\xff\xff\x04\x00\x00\x00\x00\x00").hex()}, 422,
            "http2_frames")),
        ("HTTP/2 frames: SETTINGS length not a multiple of 6",
         fp({"http2_frames": (H2_MAGIC + h2_frame(4, 0, 0, b"\x00\x03\x00")).hex()}, 422,
            "http2_frames")),
        ("HTTP/2 frames: HEADERS with bad HPACK",
         fp({"http2_frames": (H2_MAGIC + H2_SETTINGS + h2_frame(1, 5, 1, b"\xff\xff\xff\xff"))
             .hex()}, 422, "http2_frames")),
        # SYN
        ("SYN: not an IP packet", fp({"syn": "0102030405"}, 422, "syn")),
        ("SYN: a SYN+ACK", fp({"syn": SYN_HEX[:66] + "12" + SYN_HEX[68:]}, 422, "syn")),
        ("SYN: an ACK", fp({"syn": SYN_HEX[:66] + "10" + SYN_HEX[68:]}, 422, "syn")),
        ("SYN: a UDP packet", fp({"syn": UDP_PACKET.hex()}, 422, "syn")),
        ("SYN: cut inside the TCP header", fp({"syn": SYN_HEX[:60]}, 422, "syn")),
        ("SYN: TCP options run past the header", fp({"syn": SYN_HEX[:64] + "f0" + SYN_HEX[66:]},
                                                    422, "syn")),
        # HTTP heads given as text
        ("http_request without the empty line", fp({"http_request": "GET / HTTP/1.1\r\nHost: x"},
                                                   422, "http_request")),
        ("http_request binary garbage", fp({"http_request": "\u0000\u0001\u0002\r\n\r\n"}, 422,
                                           "http_request")),
        ("http_request with 5000 headers", fp(
            {"http_request": "GET / HTTP/1.1\r\n" + "A: b\r\n" * 5000 + "\r\n"}, 422,
            "http_request")),
        # /identify and /compare
        ("identify: empty object", ident({}, 422)),
        ("identify: ja4 nonsense", ident({"ja4": "nonsense"}, 422, "ja4")),
        ("identify: ja4 a number", ident({"ja4": 5}, 400, "ja4")),
        ("identify: ja3 malformed", ident({"ja3": "771,abc"}, 422, "ja3")),
        ("identify: akamai malformed", ident({"akamai": "x|y"}, 422, "akamai")),
        ("identify: ja4t malformed", ident({"ja4t": "abc"}, 422, "ja4t")),
        ("identify: ja4h malformed", ident({"ja4h": "ge11"}, 422, "ja4h")),
        ("identify: unknown field", ident({"ja5": "x"}, 400, "ja5")),
        ("compare: sides of wrong types", post("/api/v1/compare", {"a": 5, "b": "x"}, 400, "a")),
        ("compare: garbage JA4_r", post("/api/v1/compare", {"a": "garbage", "b": "garbage"},
                                        422, "a")),
        ("compare: profile id a number", post("/api/v1/compare",
                                              {"a": {"profile": 1}, "b": {"profile": 1}}, 422)),
        # /batch
        ("batch: empty body", batch(b"", 422)),
        ("batch: only blank lines", batch(b"\n \n\t\n", 422)),
        ("batch: more lines than allowed", batch(b'{"ja4": "x"}\n' * 51, 413)),
        ("batch: body over max_body_bytes", batch(b'{"ja4": "x"}\n' * (MAX_BODY // 12 + 10), 413)),
        ("batch: no Content-Type", batch(b'{"ja4": "x"}', 415, content_type=None)),
        ("batch: bad lines answered in line", batch_lines_ok),
        # /pcap
        ("pcap: garbage", post("/api/v1/pcap", b"this is not a capture", 422,
                               content_type="application/vnd.tcpdump.pcap")),
        ("pcap: empty body", post("/api/v1/pcap", b"", 422,
                                  content_type="application/octet-stream")),
        ("pcap: header cut short", post("/api/v1/pcap", b"\xd4\xc3\xb2\xa1\x02\x00", 422,
                                        content_type="application/vnd.tcpdump.pcap")),
        ("pcap: magic then noise", big_pcap_garbage),
        ("pcap: cut mid-packet -> X-Capture-Error", truncated_pcap),
        ("pcap: header only -> 200 no records", empty_pcap),
        ("pcap: over max_pcap_bytes", post("/api/v1/pcap", b"\xd4\xc3\xb2\xa1" + b"\0" * 300000,
                                           413, content_type="application/vnd.tcpdump.pcap")),
        ("pcap: ?identify=maybe", post("/api/v1/pcap?identify=maybe", b"x", 400, "identify",
                                       content_type="application/vnd.tcpdump.pcap")),
        # query parameters
        ("observations: limit=abc", get("/api/v1/observations?limit=abc", 400, "limit")),
        ("observations: limit=-1", get("/api/v1/observations?limit=-1", 400, "limit")),
        ("observations: limit too large", get("/api/v1/observations?limit=99999999", 400,
                                              "limit")),
        ("observations: since not a time", get("/api/v1/observations?since=yesterday", 400,
                                               "since")),
        ("observations: until month 13", get("/api/v1/observations?until=2026-13-01T00:00:00Z",
                                             400, "until")),
        ("observations: before=x", get("/api/v1/observations?before=x", 400, "before")),
        ("observations: limit with 30 digits",
         get("/api/v1/observations?limit=" + "9" * 30, 400, "limit")),
        ("observations: until on February 30", get("/api/v1/observations?until=2026-02-30T00:00:00Z",
                                                   400, "until")),
        ("observations: SQL in client= is a value", expect_status(
            "GET", "/api/v1/observations?client=%27%20OR%201=1--", 200)),
        ("profiles: quote and % in q= are text", expect_status(
            "GET", "/api/v1/profiles?q=%27%25%22", 200)),
        ("profiles: offset=-5", get("/api/v1/profiles?offset=-5", 400, "offset")),
        ("profiles: limit=1e3", get("/api/v1/profiles?limit=1e3", 400, "limit")),
        ("stats: top too large", get("/api/v1/stats?top=100000000", 400, "top")),
        ("stats: bucket=0.5", get("/api/v1/stats?bucket=0.5", 400, "bucket")),
        ("stats: since with a bad offset", get("/api/v1/stats?since=2026-01-01T00:00:00+25", 400,
                                               "since")),
        # profile bodies (with a writing key)
        ("profile: not JSON", with_key("POST", "/api/v1/profiles", b"{", 400)),
        ("profile: an array", with_key("POST", "/api/v1/profiles", [], 400)),
        ("profile: unknown key", with_key("POST", "/api/v1/profiles",
                                          {"id": "x-1", "name": "curl", "colour": "red"}, 422,
                                          "colour")),
        ("profile: id with a slash", with_key("POST", "/api/v1/profiles",
                                              {"id": "../etc", "name": "curl"}, 422, "id")),
        ("profile: id upper case", with_key("POST", "/api/v1/profiles",
                                            {"id": "ABC", "name": "curl"}, 422, "id")),
        ("profile: no id", with_key("POST", "/api/v1/profiles", {"name": "curl"}, 422)),
        ("profile: name not in the vocabulary", with_key(
            "POST", "/api/v1/profiles", {"id": "x-2", "name": "NotAClient"}, 422, "name")),
        ("profile: fingerprints.ja4 not a list", with_key(
            "POST", "/api/v1/profiles", {"id": "x-3", "name": "curl",
                                         "fingerprints": {"ja4": "t13"}}, 422,
            "fingerprints.ja4")),
        ("profile: malformed ja4", with_key(
            "POST", "/api/v1/profiles", {"id": "x-4", "name": "curl",
                                         "fingerprints": {"ja4": ["nope"]}}, 422,
            "fingerprints.ja4[0]")),
        ("profile: cipher 70000", with_key("POST", "/api/v1/profiles",
                                           {"id": "x-5", "name": "curl", "ciphers": [70000]},
                                           422, "ciphers[0]")),
        ("profile: control character", with_key("POST", "/api/v1/profiles",
                                                {"id": "x-6", "name": "curl",
                                                 "label": "a\u0001b"}, 422, "label")),
        ("profile: label of 9000 bytes", with_key("POST", "/api/v1/profiles",
                                                  {"id": "x-7", "name": "curl",
                                                   "label": "a" * 9000}, 422, "label")),
        ("profile: 2000 ciphers", with_key("POST", "/api/v1/profiles",
                                           {"id": "x-8", "name": "curl", "ciphers": [1] * 2000},
                                           422, "ciphers")),
        ("profile: PUT id differs from path", with_key(
            "PUT", "/api/v1/profiles/x-9", {"id": "x-10", "name": "curl"}, 422, "id")),
        ("profile: deep nesting", with_key("POST", "/api/v1/profiles", nested_object(50), 400)),
        # paths
        ("path: dot segments", get("/api/v1/../healthz/../../etc/passwd", 404)),
        ("path: encoded traversal in an id", get("/api/v1/profiles/..%2F..%2Fetc%2Fpasswd", 404)),
        ("path: encoded dots as an id", get("/api/v1/profiles/%2e%2e", 404)),
        ("path: NUL byte", get("/api/v1/profiles/a%00b", 404)),
        ("path: malformed escape", get("/api/v1/profiles/%zz", 404)),
        ("path: overlong UTF-8 escape", get("/api/v1/profiles/%c0%ae%c0%ae", 404)),
        ("path: double slash", get("//api/v1/profiles", 404)),
        ("path: 6000-byte segment", get("/api/v1/profiles/" + long_segment, 404)),
        ("path: 20 KB target -> 431", expect_status("GET", "/" + "a" * 20000, 431)),
        ("absolute-form target (RFC 9112 3.2.2)", expect_status(
            "GET", "http://127.0.0.1/healthz", 200)),
        # headers
        ("header flood: 2000 headers -> 431", header_flood(2000, 10, 431)),
        ("one header of 20 KB -> 431", header_flood(1, 20000, 431)),
        ("100 small headers are fine", header_flood(100, 10, 200)),
        ("header line without a colon", garbage(b"GET /healthz HTTP/1.1\r\nHost: x\r\nNoColon\r\n"
                                                b"\r\n")),
        ("NUL in a header value", garbage(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n")),
        # RFC 9112 5.2: reject with 400 or replace the fold with spaces.
        ("obsolete line folding", garbage(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n",
                                          (200, 400))),
        ("Authorization of 10 KB", expect_status("GET", "/api/v1/profiles", 401, headers=[
            ("Authorization", "Bearer " + "k" * 10000)])),
        ("X-Request-Id of 10 KB replaced", huge_request_id),
        # slow and idle clients
        ("slowloris head -> closed by header timeout", slowloris),
        ("silent connection -> closed", silent_connection),
        ("60 idle connections, then a request", many_connections),
        # methods and protocol
        ("PUT /api/v1/fingerprint -> 405 Allow POST", expect_status(
            "PUT", "/api/v1/fingerprint", 405, b"{}", content_type="application/json",
            allow=["POST"])),
        ("PATCH /healthz -> 405", expect_status("PATCH", "/healthz", 405, allow=["GET"])),
        ("unknown method FOO", expect_status("FOO", "/healthz", 405, allow=["GET"])),
        ("DELETE /api/v1/models -> 405", expect_status("DELETE", "/api/v1/models", 405,
                                                        allow=["GET"])),
        ("GET /api/v1/models/x/activate -> 405", expect_status(
            "GET", "/api/v1/models/x/activate", 405, allow=["POST"])),
        ("HTTP/1.0 request", http10),
        ("pipelining: 4 requests in one write", pipelined),
        ("HTTP/2 prior knowledge on the API port", garbage(H2_MAGIC + H2_SETTINGS, None)),
        ("HTTP/3.0 version", garbage(b"GET /healthz HTTP/3.0\r\nHost: x\r\n\r\n", None)),
        ("garbage bytes instead of HTTP", garbage(bytes(range(256)) * 4)),
        ("a TLS ClientHello to the API port", garbage(MINIMAL_HELLO)),
        ("request line only spaces", garbage(b"   \r\n\r\n")),
        # the TLS listener
        ("TLS port: plain HTTP request", tls_port_closes(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")),
        ("TLS port: SSLv2-looking bytes", tls_port_closes(b"\x80\x2e\x01\x03\x01" + b"\x00" * 45)),
        ("TLS port: alert record", tls_port_closes(b"\x15\x03\x03\x00\x02\x02\x28")),
        ("TLS port: half a ClientHello, then silence", tls_port_partial_hello),
        ("TLS port: ClientHello then nothing", tls_port_stalled_after_hello),
        ("TLS port: record with a huge length", tls_port_closes(
            b"\x16\x03\x01\xff\xff" + b"\x00" * 64)),
        ("TLS port: ClientHello over 64 KiB", tls_port_huge_hello),
        ("h2: control request answered 200", h2_good_request),
        ("h2: bad preface", h2_bad_preface),
        ("h2: garbage after the preface -> GOAWAY", h2_garbage(b"\x00" * 3 + b"\xff" * 60)),
        ("h2: SETTINGS on stream 1 -> GOAWAY", h2_garbage(h2_frame(4, 0, 1, b""))),
        ("h2: HEADERS with bad HPACK -> GOAWAY",
         h2_garbage(H2_SETTINGS + h2_frame(1, 5, 1, b"\xff\xff\xff\xff\xff"))),
        ("h2: frame larger than max frame size -> GOAWAY",
         h2_garbage(H2_SETTINGS + h2_frame(0, 0, 1, b"a" * 17000))),
        ("h2: WINDOW_UPDATE of 0 on the connection -> GOAWAY",
         h2_garbage(H2_SETTINGS + h2_frame(8, 0, 0, b"\x00\x00\x00\x00"))),
        ("h2: CONTINUATION without HEADERS -> GOAWAY",
         h2_garbage(H2_SETTINGS + h2_frame(9, 4, 1, b"\x82"))),
        # HTTP/1.1 over TLS (last: these met a crash in the listener when written)
        ("TLS h1: control GET /api/v1/self", tls_h1(raw_request("GET", "/api/v1/self"), [200])),
        ("TLS h1: pipelined 2 + close", tls_h1(
            raw_request("GET", "/api/v1/self", close=False) + raw_request("GET", "/nope"),
            [200, 404])),
        ("TLS h1: garbage request line", tls_h1(b"\x01\x02 garbage\r\n\r\n", [400])),
        ("TLS h1: head over 16 KiB -> 431", tls_h1(
            raw_request("GET", "/", headers=[("X-Big", "b" * 20000)]), [431])),
        ("TLS h1: chunked body -> 411", tls_h1(
            raw_request("POST", "/api/v1/self", b"1\r\na\r\n0\r\n\r\n",
                        headers=[("Transfer-Encoding", "chunked")]), [411])),
        ("TLS h1: body over the limit -> 413", tls_h1(
            raw_request("POST", "/api/v1/self", headers=[("Content-Length", str(MAX_BODY + 1))]),
            [413])),
        ("TLS h1: POST /api/v1/self -> 405", tls_h1(raw_request("POST", "/api/v1/self", b"x"),
                                                    [405])),
        ("TLS h1: unknown path -> 404", tls_h1(raw_request("GET", "/etc/passwd"), [404])),
    ]


def no_5xx_in_log(server):
    return [r for r in server.log_records()
            if r.get("message") == "request" and r.get("http.response.status_code", 0) >= 500]


def run_pass(ctx, number, all_cases):
    for name, case in all_cases:
        label = f"[{number}] {name}"
        try:
            ok, detail = case(ctx)
        except (OSError, ValueError, ssl.SSLError) as e:
            ok, detail = False, f"{type(e).__name__}: {e}"
        ctx.c.check(label, ok, detail)
        if name.startswith(("TLS", "h2")):
            time.sleep(0.1)  # a crash on the listener's thread takes a moment to end the process
        if not ctx.server.alive():
            code = ctx.server.process.poll()
            ctx.c.check(f"{label}: server survived", False,
                        f"exit status {code}" + (f" (signal {-code})" if code < 0 else ""))
            ctx.server.stop()
            ctx.restarts += 1
            ctx.start()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="the fingerprint binary")
    parser.add_argument("--root", default=h.repo_root_of_script(), help="the repository")
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    parser.add_argument("--skip", default=None, help="skip the cases whose name contains this")
    args = parser.parse_args()
    ctx = Context(os.path.abspath(args.bin), os.path.abspath(args.root))
    all_cases = [(n, c) for n, c in cases(ctx)
                 if args.only in n and (args.skip is None or args.skip not in n)]
    print(f"{len(all_cases)} cases, {args.passes} passes", flush=True)
    rss, fds = [], []
    servers = []
    try:
        ctx.start()
        for number in range(1, args.passes + 1):
            restarts_before = ctx.restarts
            run_pass(ctx, number, all_cases)
            healthy = ctx.server.alive() and h.http(ctx.api, "GET", "/readyz").status == 200
            ctx.c.check(f"[{number}] server alive and ready after the pass", healthy)
            time.sleep(LINGER_S)  # connections closing gracefully are gone after this
            if ctx.restarts == restarts_before:
                rss.append(ctx.server.rss_kb())
                fds.append(len(os.listdir(f"/proc/{ctx.server.pid}/fd")))
            print(f"pass {number}: VmRSS {ctx.server.rss_kb()} kB, "
                  f"{len(os.listdir(f'/proc/{ctx.server.pid}/fd'))} open files", flush=True)
            if ctx.server not in servers:
                servers.append(ctx.server)
        fives = [s for s in ctx.statuses if s >= 500]
        ctx.c.check("no 5xx response in any case", not fives, f"{fives}")
        logged = [r for s in servers for r in no_5xx_in_log(s)]
        ctx.c.check("no status >= 500 in the server log", not logged,
                    h.short(json.dumps(logged[:3])))
        ctx.c.check("no restart was needed", ctx.restarts == 0, f"{ctx.restarts} restarts")
        if len(rss) >= 2 and sanitized(args.bin):
            # ASan's quarantine holds freed memory back (up to 256 MiB), so RSS says nothing
            # there; LeakSanitizer checks leaks when the server exits (its exit code below).
            print(f"VmRSS {rss} kB not bounded-checked: AddressSanitizer build", flush=True)
        elif len(rss) >= 2:
            ctx.c.check(f"VmRSS bounded over passes ({rss} kB)",
                        rss[-1] - rss[0] <= RSS_SLACK_KB, f"grew {rss[-1] - rss[0]} kB")
        if len(fds) >= 2:
            ctx.c.check(f"open files do not pile up over passes ({fds})", fds[-1] <= fds[0] + 2)
    finally:
        for server in servers + [ctx.server]:
            if server:
                server.stop()
    if ctx.server and ctx.restarts == 0:
        ctx.c.eq("server exits 0 on SIGTERM", ctx.server.exit_code, 0)
    sys.exit(ctx.c.finish())


if __name__ == "__main__":
    main()
