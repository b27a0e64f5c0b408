#!/usr/bin/env python3
"""SIGTERM under load: nothing acknowledged is lost, the process exits 0 within the grace time,
and new connections are refused once it stops listening.

Threads POST /api/v1/fingerprint on the API (kept-alive connections) and GET /api/v1/self on the
fingerprinting listener (HTTP/2, one TLS connection per request, so each is stored); every
request carries a distinct User-Agent. After LOAD_BEFORE_S of load the server gets SIGTERM while
the threads keep going until their connections fail. Then, with the process gone, every request
answered 200 must have its row in DIR/fingerprint.db (table observations, store/schema.cc),
found by its User-Agent in the stored record.

    sigterm_test.py --bin build/fingerprint [--root REPO]

Prints "N passed, N failed"; exits 1 on any failure.
"""

import argparse
import json
import os
import signal
import socket
import sqlite3
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import service_harness as h  # noqa: E402

GRACE_S = 5
EXIT_SLACK_S = 5  # beyond the grace: flushing the store and joining threads
LOAD_BEFORE_S = 2.0
API_THREADS = 4
TLS_THREADS = 2
REFUSED_AFTER_S = 0.5  # from the signal until connecting must fail
ENV = {
    "FP_TIMEOUTS_SHUTDOWN_GRACE": str(GRACE_S),
    "FP_TIERS_FREE_RATE": "100000",
    "FP_TIERS_FREE_BURST": "100000",
    "FP_RATE_LIMITS_PER_ADDRESS_RATE": "100000",
    "FP_RATE_LIMITS_PER_ADDRESS_BURST": "100000",
}


class Load:
    def __init__(self, server):
        self.server = server
        self.lock = threading.Lock()
        self.answered = {}  # user agent -> (status, monotonic time answered)
        self.errors = 0
        self.stop = threading.Event()

    def record(self, agent, status):
        with self.lock:
            self.answered[agent] = (status, time.monotonic())

    def api_worker(self, n):
        host, port = self.server.api.rsplit(":", 1)
        connection = None
        seq = 0
        while not self.stop.is_set():
            seq += 1
            agent = f"sigterm-api/{n}-{seq}"
            body = json.dumps({"http_headers": [["Host", "sigterm.test"], ["User-Agent", agent],
                                                ["Accept", "*/*"]]})
            try:
                if connection is None:
                    connection = h.httplib.HTTPConnection(host, int(port), timeout=10)
                connection.request("POST", "/api/v1/fingerprint", body=body,
                                   headers={"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                self.record(agent, response.status)
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except (OSError, h.httplib.HTTPException):
                with self.lock:
                    self.errors += 1
                if connection is not None:
                    connection.close()
                connection = None
                time.sleep(0.01)
        if connection is not None:
            connection.close()

    def tls_worker(self, n):
        seq = 0
        while not self.stop.is_set():
            seq += 1
            agent = f"sigterm-tls/{n}-{seq}"
            try:
                status, _ = h.h2_get(self.server.tls_port, "/api/v1/self",
                                     [("User-Agent", agent)], timeout=10)
                self.record(agent, status)
            except (OSError, ValueError):
                with self.lock:
                    self.errors += 1
                time.sleep(0.01)


def refused(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return False
    except ConnectionRefusedError:
        return True
    except OSError:
        return False


def stored_agents(db_path):
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = connection.execute("SELECT source, record FROM observations").fetchall()
    finally:
        connection.close()
    agents = {}
    for source, record in rows:
        http = (json.loads(record).get("http") or [{}])[0]
        agent = http.get("user_agent")
        if agent:
            agents[agent] = agents.get(agent, 0) + 1
            agents[(agent, "source")] = source
    return agents


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="the fingerprint binary")
    parser.add_argument("--root", default=h.repo_root_of_script(), help="the repository")
    args = parser.parse_args()
    c = h.Checks()
    server = h.Server(os.path.abspath(args.bin), os.path.abspath(args.root), env=ENV, keep=True)
    try:
        server.start()
        load = Load(server)
        threads = [threading.Thread(target=load.api_worker, args=(i,), daemon=True)
                   for i in range(API_THREADS)]
        threads += [threading.Thread(target=load.tls_worker, args=(i,), daemon=True)
                    for i in range(TLS_THREADS)]
        for t in threads:
            t.start()
        # Idle kept-alive connections must not hold the shutdown for the whole grace time.
        host, port = server.api.rsplit(":", 1)
        idle_api = h.httplib.HTTPConnection(host, int(port), timeout=10)
        idle_api.request("GET", "/healthz")
        idle_api.getresponse().read()
        idle_tls = h.tls_context(["h2"]).wrap_socket(
            socket.create_connection(("127.0.0.1", server.tls_port), timeout=10),
            server_hostname="localhost")
        idle_tls.sendall(h.H2_MAGIC + h.h2_frame(0x4, 0, 0, b""))
        time.sleep(LOAD_BEFORE_S)
        with load.lock:
            before = len(load.answered)
        c.check(f"load running before the signal ({before} answered)", before > 20)
        signalled = time.monotonic()
        server.signal(signal.SIGTERM)
        time.sleep(REFUSED_AFTER_S)
        api_port = int(server.api.rsplit(":", 1)[1])
        c.check("new API connections refused after the signal", refused(api_port))
        c.check("new TLS connections refused after the signal", refused(server.tls_port))
        code = server.wait(GRACE_S + EXIT_SLACK_S)
        took = time.monotonic() - signalled
        load.stop.set()
        for t in threads:
            t.join(15)
        c.check(f"process exited within grace + {EXIT_SLACK_S} s ({took:.1f} s)",
                code is not None, f"still running after {took:.1f} s")
        c.check("idle connections did not hold the shutdown for the grace time",
                took < GRACE_S, f"{took:.1f} s")
        idle_api.close()
        idle_tls.close()
        if code is None:
            server.stop()
            code = server.exit_code
        c.eq("exit status 0", code, 0)
        ok = {a: t for a, (s, t) in load.answered.items() if s == 200}
        not_ok = {a: s for a, (s, _) in load.answered.items() if s != 200}
        c.check("no non-200 answer under load", not not_ok, h.short(repr(not_ok)))
        after_signal = sum(1 for t in ok.values() if t > signalled)
        print(f"{len(ok)} answered 200 ({after_signal} after the signal), "
              f"{load.errors} failed connections", flush=True)
        agents = stored_agents(os.path.join(server.state, "fingerprint.db"))
        missing = [a for a in ok if a not in agents]
        c.check(f"every 200 answer is stored ({len(ok)} requests)", ok and not missing,
                f"{len(missing)} missing, e.g. {missing[:5]}")
        api_ok = [a for a in ok if a.startswith("sigterm-api/")]
        tls_ok = [a for a in ok if a.startswith("sigterm-tls/")]
        c.check("both listeners were under load", api_ok and tls_ok,
                f"{len(api_ok)} api, {len(tls_ok)} tls")
        c.check("stored once each", all(agents.get(a) == 1 for a in ok),
                h.short(repr([(a, agents.get(a)) for a in ok if agents.get(a) != 1][:5])))
        c.check("sources api / listener",
                all(agents.get((a, "source")) == "api" for a in api_ok) and
                all(agents.get((a, "source")) == "listener" for a in tls_ok))
        records = server.log_records()
        flushed = [r for r in records if r.get("message") == "store flushed"]
        c.check("log says the store was flushed with nothing dropped",
                flushed and flushed[-1].get("fp.observations_dropped") == "0",
                h.short(repr(flushed)))
    finally:
        server.keep = os.environ.get("FP_KEEP_TMP") == "1"
        server.stop()
    sys.exit(c.finish())


if __name__ == "__main__":
    main()
