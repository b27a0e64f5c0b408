#!/usr/bin/env python3
"""W3C traceparent end to end: accepted, propagated in the answer and logged.

Starts `fingerprint serve`, sends API requests with and without W3C Trace Context headers, and
checks each answer's `traceparent` / `tracestate` headers and the request's JSON log line (found
by its X-Request-Id): trace.id, transaction.id (our span) and fp.trace.parent_id (the caller's).
Expected behaviour is the W3C Trace Context Level 1 text and its conformance suite.

    trace_test.py --bin build/fingerprint [--root REPO]

Prints "N passed, N failed"; exits 1 on any failure.
"""

import argparse
import http.client as httplib
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import service_harness as h  # noqa: E402

SPEC_PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
SPEC_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
SPEC_PARENT_ID = "00f067aa0ba902b7"
TRACEPARENT_RE = re.compile(r"00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})")
LOG_WAIT_S = 5
MAX_TRACESTATE = 512  # kMaxTraceStateLength in src/server/trace_context.h


def request(base, path, headers, request_id):
    """GET with a header list (names may repeat, which a dict cannot say)."""
    host, port = base.rsplit(":", 1)
    connection = httplib.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.putrequest("GET", path)
        for name, value in list(headers) + [("X-Request-Id", request_id)]:
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return h.Reply(response.status, response.getheaders(), response.read())
    finally:
        connection.close()


def log_line(server, request_id):
    deadline = time.monotonic() + LOG_WAIT_S
    while time.monotonic() < deadline:
        for record in server.log_records():
            if record.get("message") == "request" and record.get("http.request.id") == request_id:
                return record
        time.sleep(0.05)
    return None


def limit_hits(server, limit):
    metrics = h.http(server.api, "GET", "/metrics").text()
    # The series appears once first counted.
    return h.metric_value(metrics, "fp_limits_hit_total", {"limit": limit}) or 0.0


class TraceTest:
    def __init__(self, server, checks):
        self.server = server
        self.c = checks
        self.sequence = 0

    def send(self, headers, path="/healthz"):
        """The answer, its parsed traceparent (or None) and the request's log line."""
        self.sequence += 1
        request_id = f"trace-test-{self.sequence}"
        reply = request(self.server.api, path, headers, request_id)
        match = TRACEPARENT_RE.fullmatch(reply.header("traceparent") or "")
        return reply, match, log_line(self.server, request_id), request_id

    def continues_the_callers_trace(self):
        reply, ours, line, request_id = self.send(
            [("traceparent", SPEC_PARENT), ("tracestate", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")])
        self.c.eq("continued: 200", reply.status, 200)
        if not self.c.check("continued: answer has a version 00 traceparent", ours,
                            reply.header("traceparent")):
            return
        trace_id, span_id, flags = ours.groups()
        self.c.eq("continued: same trace-id", trace_id, SPEC_TRACE_ID)
        self.c.check("continued: a span of our own", span_id not in (SPEC_PARENT_ID, "0" * 16),
                     span_id)
        self.c.eq("continued: sampled flag passed on", flags, "01")
        self.c.eq("continued: tracestate passed on", reply.header("tracestate"),
                  "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
        self.c.eq("continued: X-Request-Id kept", reply.header("X-Request-Id"), request_id)
        if not self.c.check("continued: log line found", line, self.server.log_tail()):
            return
        self.c.eq("continued: log trace.id", line.get("trace.id"), SPEC_TRACE_ID)
        self.c.eq("continued: log transaction.id is our span", line.get("transaction.id"), span_id)
        self.c.eq("continued: log fp.trace.parent_id", line.get("fp.trace.parent_id"),
                  SPEC_PARENT_ID)
        self.c.eq("continued: log http.request.id", line.get("http.request.id"), request_id)

    def starts_a_trace(self, name, headers, path="/healthz", status=200):
        reply, ours, line, _ = self.send(headers, path)
        self.c.eq(f"{name}: status", reply.status, status)
        if not self.c.check(f"{name}: answer has a version 00 traceparent", ours,
                            reply.header("traceparent")):
            return None
        trace_id, span_id, flags = ours.groups()
        self.c.check(f"{name}: a new trace-id", trace_id not in (SPEC_TRACE_ID, "0" * 32),
                     trace_id)
        self.c.check(f"{name}: span-id not zero", span_id != "0" * 16, span_id)
        self.c.eq(f"{name}: not sampled (a trace we start)", flags, "00")
        self.c.eq(f"{name}: no tracestate", reply.header("tracestate"), None)
        if self.c.check(f"{name}: log line found", line, self.server.log_tail()):
            self.c.eq(f"{name}: log trace.id", line.get("trace.id"), trace_id)
            self.c.eq(f"{name}: log transaction.id", line.get("transaction.id"), span_id)
            self.c.eq(f"{name}: no parent in the log", line.get("fp.trace.parent_id"), None)
        return trace_id

    def invalid_headers_start_new_traces(self):
        self.starts_a_trace("none", [("tracestate", "foo=1")])
        for name, value in [
            ("zero trace-id", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"),
            ("zero parent-id", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"),
            ("version ff", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            ("upper case", SPEC_PARENT.upper()),
            ("version 00 with more", SPEC_PARENT + "-more"),
            ("garbage", "not a traceparent"),
        ]:
            self.starts_a_trace(name, [("traceparent", value), ("tracestate", "foo=1")])
        self.starts_a_trace("two traceparent headers", [
            ("traceparent", SPEC_PARENT),
            ("traceparent", "00-12345678901234567890123456789012-1234567890123456-01")])

    def other_shapes(self):
        # A later version: read as the spec says, answered in version 00.
        reply, ours, _, _ = self.send(
            [("traceparent", "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future")])
        self.c.check("version cc: continued in version 00",
                     ours and ours.group(1) == SPEC_TRACE_ID and ours.group(3) == "01",
                     reply.header("traceparent"))
        reply, ours, _, _ = self.send([("TrAcEpArEnT", SPEC_PARENT)])
        self.c.check("header name in any case", ours and ours.group(1) == SPEC_TRACE_ID,
                     reply.header("traceparent"))
        # Answers the dispatcher makes itself (404) carry it too.
        reply, ours, line, _ = self.send([("traceparent", SPEC_PARENT)], "/no/such/route")
        self.c.eq("404: status", reply.status, 404)
        self.c.check("404: continued", ours and ours.group(1) == SPEC_TRACE_ID,
                     reply.header("traceparent"))
        self.c.check("404: logged with the trace", line and line.get("trace.id") == SPEC_TRACE_ID,
                     line)
        spans = {self.send([("traceparent", SPEC_PARENT)])[1].group(2) for _ in range(5)}
        self.c.eq("every request its own span", len(spans), 5)

    def tracestate_rules(self):
        reply, _, _, _ = self.send([("traceparent", SPEC_PARENT), ("tracestate", "foo=1,foo=2")])
        self.c.eq("duplicate tracestate key: dropped", reply.header("tracestate"), None)
        reply, _, _, _ = self.send([("traceparent", SPEC_PARENT), ("tracestate", "foo=1"),
                                    ("tracestate", "bar=2")])
        self.c.eq("tracestate fields joined in order", reply.header("tracestate"), "foo=1,bar=2")
        before = limit_hits(self.server, "tracestate_length")
        members = [f"k{i}={'v' * 118}" for i in range(6)]  # 6 x 121 characters: over 512
        reply, ours, _, _ = self.send([("traceparent", SPEC_PARENT),
                                       ("tracestate", ",".join(members))])
        state = reply.header("tracestate") or ""
        self.c.check("long tracestate: cut to whole members within the bound",
                     len(state) <= MAX_TRACESTATE and state == ",".join(members[:4]), state)
        self.c.check("long tracestate: trace still continued", ours and ours.group(1) == SPEC_TRACE_ID)
        self.c.eq("long tracestate: counted in fp_limits_hit_total",
                  limit_hits(self.server, "tracestate_length"), before + 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="the fingerprint binary")
    parser.add_argument("--root", default=h.repo_root_of_script(), help="the repository")
    args = parser.parse_args()
    checks = h.Checks()
    with h.Server(args.bin, args.root) as server:
        test = TraceTest(server, checks)
        for step in (test.continues_the_callers_trace, test.invalid_headers_start_new_traces,
                     test.other_shapes, test.tracestate_rules):
            try:
                step()
            except Exception as e:  # one broken step must not hide the others
                checks.check(f"step {step.__name__} ran", False, f"{type(e).__name__}: {e}")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
