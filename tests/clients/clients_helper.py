#!/usr/bin/env python3
"""Small pieces of real_clients_test.sh that are easier in Python than in bash.

  ports N [HOST]                 print N distinct free TCP ports on HOST (default 127.0.0.1)
  wait-listen HOST PORT          wait until something accepts connections on HOST:PORT
  wait-capture PCAP HOST PORT    poke a closed port until the capture file holds a packet
  h2c-server HOST PORT           an HTTP/2 prior-knowledge listener: read the client's preface
                                 up to its first HEADERS frame, answer 200, close
  urllib-https URL               GET URL with urllib over TLS, certificate not verified
  requests-http URL              GET URL with requests
"""
import os
import socket
import ssl
import struct
import sys
import time

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def free_ports(count, host):
    socks, ports = [], []
    try:
        while len(ports) < count:
            s = socket.socket(family_of(host), socket.SOCK_STREAM)
            s.bind((host, 0))
            port = s.getsockname()[1]
            socks.append(s)  # held open so that the next bind cannot return the same port
            if port not in ports:
                ports.append(port)
    finally:
        for s in socks:
            s.close()
    print(" ".join(str(p) for p in ports))


def wait_listen(host, port, deadline=10.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            with socket.create_connection((host, int(port)), timeout=1):
                return 0
        except OSError:
            time.sleep(0.05)
    print(f"nothing listens on {host}:{port}", file=sys.stderr)
    return 1


def wait_capture(pcap, host, port, deadline=10.0):
    """A connection to a closed port (SYN, RST) is captured once tcpdump really captures."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            with socket.create_connection((host, int(port)), timeout=1):
                pass
        except OSError:
            pass
        time.sleep(0.1)
        try:
            if os.path.getsize(pcap) > 24:  # more than the pcap file header
                return 0
        except OSError:
            pass
    print(f"tcpdump wrote no packet to {pcap}", file=sys.stderr)
    return 1


def read_frames_until_headers(conn):
    """Reads the preface and frames until the first HEADERS frame (or the peer stops)."""
    buf = b""
    while True:
        if len(buf) >= len(PREFACE):
            pos = len(PREFACE)
            while len(buf) >= pos + 9:
                length = int.from_bytes(buf[pos:pos + 3], "big")
                ftype = buf[pos + 3]
                if ftype == 0x1 and len(buf) >= pos + 9 + length:
                    return True
                pos += 9 + length
        chunk = conn.recv(65536)
        if not chunk:
            return False
        buf += chunk


def h2c_server(host, port):
    srv = socket.socket(family_of(host), socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, int(port)))
    srv.listen(8)
    settings = struct.pack(">I", 0)[1:] + bytes([0x4, 0x0]) + struct.pack(">I", 0)
    settings_ack = struct.pack(">I", 0)[1:] + bytes([0x4, 0x1]) + struct.pack(">I", 0)
    # HEADERS on stream 1, END_STREAM | END_HEADERS, HPACK static index 8 = ":status: 200".
    headers = struct.pack(">I", 1)[1:] + bytes([0x1, 0x5]) + struct.pack(">I", 1) + b"\x88"
    while True:
        conn, _ = srv.accept()
        conn.settimeout(5)
        try:
            if read_frames_until_headers(conn):
                conn.sendall(settings + settings_ack + headers)
                conn.shutdown(socket.SHUT_WR)
                while conn.recv(65536):  # drain until the client closes
                    pass
        except OSError:
            pass
        finally:
            conn.close()


def urllib_https(url):
    import urllib.request
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with urllib.request.urlopen(url, context=ctx, timeout=5) as r:
        r.read()
    return 0


def requests_http(url):
    import requests
    r = requests.get(url, timeout=5)
    return 0 if r.status_code == 200 else 1


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "ports":
        free_ports(int(args[0]), args[1] if len(args) > 1 else "127.0.0.1")
        return 0
    if cmd == "wait-listen":
        return wait_listen(args[0], args[1])
    if cmd == "wait-capture":
        return wait_capture(args[0], args[1], args[2])
    if cmd == "h2c-server":
        h2c_server(args[0], args[1])
        return 0
    if cmd == "urllib-https":
        return urllib_https(args[0])
    if cmd == "requests-http":
        return requests_http(args[0])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
