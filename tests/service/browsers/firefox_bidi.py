#!/usr/bin/env python3
"""Drives a headless Firefox through WebDriver BiDi (no Marionette, no geckodriver, no packages).

  firefox_bidi.py --port P --url URL --out-dir DIR --name NAME [--widths 375,1280]

Firefox must already run with `--remote-debugging-port P`. Opens a session that accepts the
service's self-signed certificate, loads URL, waits until the page sets document.body.dataset
.state to "ready" or "error", saves the DOM as DIR/NAME-dom.html and a full-page screenshot per
width as DIR/NAME-<width>.png, and prints {"state":..., "dom": path, "screenshots": [...]} as
one JSON line. Exit status 1 (with the reason on stderr) when any step fails or times out.
"""
import argparse
import base64
import json
import os
import socket
import struct
import sys
import time

CONNECT_TIMEOUT_S = 30
COMMAND_TIMEOUT_S = 30
PAGE_TIMEOUT_S = 20
MAX_MESSAGE_BYTES = 64 << 20  # a full-page PNG of the page is well under this
VIEWPORT_HEIGHT = 900


class BidiError(Exception):
    pass


class WebSocket:
    """The client side of RFC 6455, as much as BiDi needs: text frames, ping, close."""

    def __init__(self, host, port, path):
        self.sock = socket.create_connection((host, port), timeout=COMMAND_TIMEOUT_S)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
                          .encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk or len(head) > 65536:
                raise BidiError("websocket handshake: connection closed or head too long")
            head += chunk
        head, self.buffer = head.split(b"\r\n\r\n", 1)
        if not head.startswith(b"HTTP/1.1 101"):
            raise BidiError(f"websocket handshake refused: {head.splitlines()[0]!r}")

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(max(65536, n - len(self.buffer)))
            if not chunk:
                raise BidiError("websocket closed by Firefox")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _send_frame(self, opcode, payload):
        header = bytes([0x80 | opcode])
        size = len(payload)
        if size < 126:
            header += bytes([0x80 | size])
        elif size < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", size)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", size)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send(self, text):
        self._send_frame(0x1, text.encode())

    def receive(self):
        message = b""
        while True:
            first, second = self._read(2)
            opcode, size = first & 0x0F, second & 0x7F
            if size == 126:
                size = struct.unpack("!H", self._read(2))[0]
            elif size == 127:
                size = struct.unpack("!Q", self._read(8))[0]
            if size + len(message) > MAX_MESSAGE_BYTES:
                raise BidiError(f"message larger than {MAX_MESSAGE_BYTES} bytes")
            mask = self._read(4) if second & 0x80 else None
            payload = self._read(size)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x8:
                raise BidiError("websocket closed by Firefox")
            if opcode == 0x9:
                self._send_frame(0xA, payload)
                continue
            if opcode in (0x0, 0x1, 0x2):
                message += payload
                if first & 0x80:
                    return message.decode()

    def close(self):
        try:
            self._send_frame(0x8, b"")
        except OSError:
            pass
        self.sock.close()


class Bidi:
    def __init__(self, port):
        deadline = time.monotonic() + CONNECT_TIMEOUT_S
        while True:
            try:
                self.ws = WebSocket("127.0.0.1", port, "/session")
                break
            except (OSError, BidiError) as e:
                if time.monotonic() > deadline:
                    raise BidiError(f"no WebDriver BiDi on port {port}: {e}")
                time.sleep(0.25)
        self.next_id = 0

    def command(self, method, params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        deadline = time.monotonic() + COMMAND_TIMEOUT_S
        while time.monotonic() < deadline:
            message = json.loads(self.ws.receive())
            if message.get("id") != self.next_id:
                continue  # an event
            if message.get("type") == "error":
                raise BidiError(f"{method}: {message.get('error')}: {message.get('message')}")
            return message.get("result", {})
        raise BidiError(f"{method}: no answer within {COMMAND_TIMEOUT_S} s")

    def evaluate(self, context, expression):
        result = self.command("script.evaluate", {
            "expression": expression, "target": {"context": context}, "awaitPromise": False})
        if result.get("type") == "exception":
            raise BidiError(f"script error: {result.get('exceptionDetails', {}).get('text')}")
        return result.get("result", {}).get("value")


def wait_for_page(bidi, context):
    deadline = time.monotonic() + PAGE_TIMEOUT_S
    while time.monotonic() < deadline:
        state = bidi.evaluate(context, "document.body ? document.body.dataset.state : ''")
        if state in ("ready", "error"):
            return state
        time.sleep(0.2)
    raise BidiError(f"the page did not reach ready or error within {PAGE_TIMEOUT_S} s")


def run(args):
    bidi = Bidi(args.port)
    try:
        bidi.command("session.new",
                     {"capabilities": {"alwaysMatch": {"acceptInsecureCerts": True}}})
        context = bidi.command("browsingContext.getTree", {})["contexts"][0]["context"]
        bidi.command("browsingContext.navigate",
                     {"context": context, "url": args.url, "wait": "complete"})
        state = wait_for_page(bidi, context)
        dom_path = os.path.join(args.out_dir, f"{args.name}-dom.html")
        with open(dom_path, "w", encoding="utf-8") as f:
            f.write(bidi.evaluate(context, "document.documentElement.outerHTML"))
        shots = []
        for width in [int(w) for w in args.widths.split(",") if w]:
            bidi.command("browsingContext.setViewport", {
                "context": context, "viewport": {"width": width, "height": VIEWPORT_HEIGHT}})
            png = bidi.command("browsingContext.captureScreenshot",
                               {"context": context, "origin": "document"})["data"]
            path = os.path.join(args.out_dir, f"{args.name}-{width}.png")
            with open(path, "wb") as f:
                f.write(base64.b64decode(png))
            shots.append(path)
        try:
            bidi.command("browser.close", {})
        except BidiError:
            pass  # Firefox may close the socket before answering
        print(json.dumps({"state": state, "dom": dom_path, "screenshots": shots}))
        return 0
    finally:
        bidi.ws.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--widths", default="375,1280")
    args = parser.parse_args()
    try:
        return run(args)
    except (BidiError, OSError, ValueError, KeyError) as e:
        print(f"firefox_bidi: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
