#!/usr/bin/env python3
"""Serves web/ as the fingerprinting listener would, with a fixed record at /api/v1/self.

For working on the page without the service, and for the page-only checks of
browsers_test.sh (a hostile record must render as text, an error must show as an error).

  page_server.py --web web/ --record fixture.json [--status 200] --port-file FILE

Binds 127.0.0.1 on a free port and writes the port to --port-file once listening.
"""
import argparse
import http.server
import os
import sys

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
}


def make_handler(web_dir, record, status):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path == "/api/v1/self":
                kind = "application/json" if status < 400 else "application/problem+json"
                return self.answer(status, kind, record)
            name = "index.html" if path == "/" else path.lstrip("/")
            file = os.path.join(web_dir, name)
            if "/" in name or not os.path.isfile(file):
                return self.answer(404, "text/plain", b"not found\n")
            with open(file, "rb") as f:
                body = f.read()
            self.answer(200, CONTENT_TYPES.get(os.path.splitext(name)[1], "text/plain"), body)

        def answer(self, code, content_type, body):
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", "default-src 'self'")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--web", required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--status", type=int, default=200)
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()
    with open(args.record, "rb") as f:
        record = f.read()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), make_handler(args.web, record, args.status))
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
