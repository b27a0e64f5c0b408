#!/usr/bin/env python3
"""Beyond one machine (issue 6): three `fingerprint serve` replicas behind HAProxy on loopback,
sharing one PostgreSQL and one Redis that this test starts (tests/support/backends.py).

Replicas:
- rate limits hold across replicas: the anonymous tier's burst is spent once, whichever replica
  HAProxy picks;
- an observation written through one replica is read through another;
- a profile change, a model activation and a model rollout (split, rollback) made through one
  replica reach the others at once (Redis pub/sub; the same question asked before the change
  proves no cache answers stale);
Failures:
- PostgreSQL stopped under load: identification keeps answering 200, observations go to the
  spool (counted in metrics), and every acknowledged one is in PostgreSQL once it is back;
- Redis stopped: answers continue with local rate limits, /readyz stays 200 and names it,
  fp_redis_up is 0; back to 1 when Redis returns;
- kill -9 of one replica under load: HAProxy's other replicas serve, and once the killed replica
  is started again on its state folder, every request it acknowledged is in PostgreSQL.

    cluster_test.py --bin build/fingerprint [--root REPO] [--only NAME]

Prints "N passed, N failed"; exits 1 on any failure.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "support"))
import backends  # noqa: E402
import service_harness as h  # noqa: E402

REPLICAS = 3
ANON_BURST = 12  # the anonymous tier's bucket: refills too slowly to matter during the test
PROPAGATION_BOUND_S = 2.0  # "at once": far below any polling timer a replica could have
STORE_BOUND_S = 30.0  # spool replay and batch commits after an outage
HIGH = "1000000"

# A fingerprint no shipped profile has, for the profile-change check.
CLUSTER_JA4 = "t13d0305h2_00aa11bb22cc_33dd44ee55ff"


def replica_env(pg, redis, name):
    return {
        "FP_STORE_BACKEND": "postgres",
        "FP_STORE_POSTGRES_URL": pg.url,
        "FP_REDIS_URL": redis.url,
        "FP_CLUSTER_REPLICA_ID": name,
        "FP_TIERS_FREE_RATE": "0.001",
        "FP_TIERS_FREE_BURST": str(ANON_BURST),
        "FP_TIERS_ENTERPRISE_RATE": HIGH,
        "FP_TIERS_ENTERPRISE_BURST": HIGH,
        "FP_RATE_LIMITS_PER_ADDRESS_RATE": HIGH,
        "FP_RATE_LIMITS_PER_ADDRESS_BURST": HIGH,
    }


class HaProxy:
    """HAProxy in HTTP mode before the replicas' API ports: round robin, /readyz health checks,
    retries on another replica when one does not answer."""

    def __init__(self, replicas):
        self.tmp = tempfile.mkdtemp(prefix="fp-haproxy-")
        self.port = backends.free_port()
        servers = "\n".join(f"  server r{i + 1} {r.api} check" for i, r in enumerate(replicas))
        config = f"""global
  maxconn 2000
defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout
frontend api
  bind 127.0.0.1:{self.port}
  default_backend replicas
backend replicas
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter 300ms fall 2 rise 2
{servers}
"""
        self.config = os.path.join(self.tmp, "haproxy.cfg")
        with open(self.config, "w") as f:
            f.write(config)
        self.log = open(os.path.join(self.tmp, "haproxy.log"), "wb")
        self.process = subprocess.Popen(["haproxy", "-db", "-f", self.config], stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self.base = f"127.0.0.1:{self.port}"
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                if h.http(self.base, "GET", "/healthz", timeout=2).status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("haproxy did not answer: " + open(self.log.name).read()[-2000:])

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def psql(pg, query):
    out = subprocess.run(["psql", pg.url, "-At", "-v", "ON_ERROR_STOP=1", "-c", query],
                         capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return out.stdout


def stored_agents(pg):
    """User-Agent of every stored observation -> how many rows carry it."""
    agents = {}
    # `record` is bytea in PostgreSQL (store/postgres_schema.cc): read it back as text.
    for line in psql(pg, "SELECT convert_from(record, 'UTF8') FROM observations").splitlines():
        try:
            http = (json.loads(line).get("http") or [{}])[0]
        except ValueError:
            continue
        agent = http.get("user_agent")
        if agent:
            agents[agent] = agents.get(agent, 0) + 1
    return agents


def fingerprint_body(agent):
    return {"http_headers": [["Host", "cluster.test"], ["User-Agent", agent], ["Accept", "*/*"]]}


def wait_for(predicate, timeout_s, interval_s=0.02):
    deadline = time.monotonic() + timeout_s
    started = time.monotonic()
    while True:
        value = predicate()
        if value:
            return time.monotonic() - started
        if time.monotonic() > deadline:
            return None
        time.sleep(interval_s)


def metrics(server):
    return h.http(server.api, "GET", "/metrics").text()


class Load:
    """Threads POSTing /api/v1/fingerprint with a distinct User-Agent per request."""

    def __init__(self, base, key, prefix, threads=4):
        self.base, self.key, self.prefix = base, key, prefix
        self.lock = threading.Lock()
        self.answers = []  # (monotonic time, agent, status or None on a transport error)
        self.stop_event = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(n,)) for n in range(threads)]

    def run(self, n):
        seq = 0
        while not self.stop_event.is_set():
            seq += 1
            agent = f"{self.prefix}/{n}-{seq}"
            try:
                status = h.post_json(self.base, "/api/v1/fingerprint", fingerprint_body(agent),
                                     {"X-Api-Key": self.key}).status
            except OSError:
                status = None
            with self.lock:
                self.answers.append((time.monotonic(), agent, status))

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        for t in self.threads:
            t.join(30)
        return False

    def acknowledged(self):
        with self.lock:
            return {agent for _, agent, status in self.answers if status == 200}

    def after(self, moment):
        with self.lock:
            return [status for at, _, status in self.answers if at > moment]


class Cluster:
    def __init__(self, binary, root, checks):
        self.binary, self.root, self.c = binary, root, checks
        self.pg = backends.Postgres()
        self.redis = backends.Redis()
        self.replicas = []
        self.proxy = None

    def start(self):
        self.pg.start()
        self.redis.start()
        self.key = self.create_key("cluster-admin", "enterprise")
        for i in range(REPLICAS):
            name = f"r{i + 1}"
            server = h.Server(self.binary, self.root, env=replica_env(self.pg, self.redis, name))
            # A second model id (the built-in model's files) so activation has somewhere to go.
            shutil.copytree(os.path.join(self.root, "data", "models"),
                            os.path.join(server.state, "models", "cluster-alt"))
            self.replicas.append(server.start())
        self.proxy = HaProxy(self.replicas)

    def create_key(self, name, tier):
        out = subprocess.run([self.binary, "keys", "create", "--postgres", self.pg.url, "--name",
                              name, "--tier", tier], capture_output=True, text=True, timeout=30)
        for line in out.stdout.splitlines():
            if line.startswith("secret"):
                return line.split()[1]
        raise RuntimeError("keys create: " + out.stdout + out.stderr)

    def stop(self):
        if self.proxy:
            self.proxy.stop()
        for r in self.replicas:
            r.stop()
        self.redis.cleanup()
        self.pg.cleanup()

    # ------------------------------------------------------------ replicas

    def test_shared_rate_limit(self):
        statuses = [h.post_json(self.proxy.base, "/api/v1/identify", {"ja4": CLUSTER_JA4}).status
                    for _ in range(3 * ANON_BURST)]
        self.c.eq("rate limit: the anonymous burst is spent once across 3 replicas",
                  (statuses.count(200), statuses.count(429)), (ANON_BURST, 2 * ANON_BURST))

    def test_observation_across_replicas(self):
        agent = "cluster-observation/1"
        first, second = self.replicas[0], self.replicas[1]
        written = h.post_json(first.api, "/api/v1/fingerprint", fingerprint_body(agent),
                              {"X-Api-Key": self.key})
        self.c.eq("observation: written through r1", written.status, 200)

        def seen_on_r2():
            reply = h.http(second.api, "GET", "/api/v1/observations?limit=50",
                           headers={"X-Api-Key": self.key})
            return agent in reply.text()

        self.c.check("observation: read through r2", wait_for(seen_on_r2, 10) is not None)

    def identify_on(self, server):
        reply = h.post_json(server.api, "/api/v1/identify", {"ja4": CLUSTER_JA4},
                            {"X-Api-Key": self.key})
        return reply.json() or {}

    def test_profile_change_reaches_every_replica(self):
        # Every replica answers (and caches, locally and in Redis) before the change.
        for r in self.replicas:
            self.c.check(f"profile: unknown on {r.api} before",
                         self.identify_on(r).get("profile") != "cluster-client")
        profile = {"id": "cluster-client", "name": "okhttp", "kind": "library", "os": "Linux",
                   "label": "made by cluster_test.py", "fingerprints": {"ja4": [CLUSTER_JA4]}}
        made = h.post_json(self.replicas[0].api, "/api/v1/profiles", profile,
                           {"X-Api-Key": self.key})
        self.c.eq("profile: created through r1", made.status, 201)
        for r in self.replicas[1:]:
            took = wait_for(lambda r=r: self.identify_on(r).get("profile") == "cluster-client",
                            PROPAGATION_BOUND_S)
            self.c.check(f"profile: identified on {r.api} within {PROPAGATION_BOUND_S} s",
                         took is not None, repr(self.identify_on(r)))
            if took is not None:
                print(f"  profile change seen after {took * 1000:.0f} ms", flush=True)

    def active_model(self, server):
        listing = h.http(server.api, "GET", "/api/v1/models",
                         headers={"X-Api-Key": self.key}).json() or {}
        return next((m["id"] for m in listing.get("models", []) if m.get("active")), None)

    def test_model_activation_reaches_every_replica(self):
        for target in ("cluster-alt", "builtin"):  # activation, then rollback
            done = h.post_json(self.replicas[0].api, f"/api/v1/models/{target}/activate", {},
                               {"X-Api-Key": self.key})
            self.c.eq(f"model: activate {target} through r1", done.status, 200)
            for r in self.replicas[1:]:
                took = wait_for(lambda r=r: self.active_model(r) == target, PROPAGATION_BOUND_S)
                self.c.check(f"model: {target} active on {r.api} within {PROPAGATION_BOUND_S} s",
                             took is not None, repr(self.active_model(r)))

    def test_rollout_reaches_every_replica(self):
        split = {"arms": [{"model": "builtin", "weight": 90}, {"model": "cluster-alt", "weight": 10}],
                 "shadow": None}
        done = h.http(self.replicas[0].api, "PUT", "/api/v1/models/rollout", body=split,
                      headers={"X-Api-Key": self.key})
        self.c.eq("rollout: 90/10 split through r1", done.status, 200)

        def rollout_on(r):
            return h.http(r.api, "GET", "/api/v1/models/rollout",
                          headers={"X-Api-Key": self.key}).json()

        for r in self.replicas[1:]:
            took = wait_for(lambda r=r: rollout_on(r) == split, PROPAGATION_BOUND_S)
            self.c.check(f"rollout: split in use on {r.api} within {PROPAGATION_BOUND_S} s",
                         took is not None, repr(rollout_on(r)))
        back = h.post_json(self.replicas[2].api, "/api/v1/models/rollback", {},
                           {"X-Api-Key": self.key})
        self.c.eq("rollout: rollback through r3", back.status, 200)
        for r in self.replicas[:2]:
            took = wait_for(lambda r=r: rollout_on(r) == back.json(), PROPAGATION_BOUND_S)
            self.c.check(f"rollout: rollback seen on {r.api}", took is not None,
                         repr(rollout_on(r)))

    # ------------------------------------------------------------ failures

    def test_postgres_outage(self):
        with Load(self.proxy.base, self.key, "pg-outage") as load:
            time.sleep(1.0)
            self.pg.stop()
            stopped_at = time.monotonic()
            time.sleep(3.0)
            during = load.after(stopped_at)
            ready = h.http(self.replicas[0].api, "GET", "/readyz")
            texts = [metrics(r) for r in self.replicas]
            failed = sum(h.metric_value(t, "fp_store_failed_batches_total") or 0 for t in texts)
            waiting = sum(h.metric_value(t, "fp_store_queue_depth") or 0 for t in texts)
            store_up = [h.metric_value(t, "fp_store_up") for t in texts]
            self.pg.start()
            time.sleep(1.0)
        self.c.check("postgres down: identification keeps answering 200",
                     during and all(s == 200 for s in during),
                     f"{len(during)} answers, not 200: {[s for s in during if s != 200][:5]}")
        self.c.eq("postgres down: /readyz still 200 (spooling)", ready.status, 200)
        self.c.check("postgres down: readyz names the store", "spool" in ready.text(), ready.text())
        self.c.check("postgres down: failed batches counted", failed > 0, str(failed))
        self.c.check("postgres down: observations wait in the spool", waiting > 0, str(waiting))
        self.c.eq("postgres down: fp_store_up 0 on every replica", store_up, [0, 0, 0])
        acked = load.acknowledged()
        took = wait_for(lambda: acked <= set(stored_agents(self.pg)), STORE_BOUND_S, 0.5)
        missing = acked - set(stored_agents(self.pg))
        self.c.check(f"postgres back: all {len(acked)} acknowledged observations stored",
                     took is not None, f"{len(missing)} missing, e.g. {sorted(missing)[:3]}")
        dupes = {a: n for a, n in stored_agents(self.pg).items() if a in acked and n != 1}
        self.c.eq("postgres back: each stored exactly once", dupes, {})

    def test_redis_outage(self):
        self.redis.stop()
        replica = self.replicas[0]
        answered = [h.post_json(replica.api, "/api/v1/identify", {"ja4": CLUSTER_JA4},
                                {"X-Api-Key": self.key}).status for _ in range(20)]
        self.c.check("redis down: identify keeps answering 200", set(answered) == {200},
                     repr(answered))
        ready = h.http(replica.api, "GET", "/readyz")
        self.c.eq("redis down: /readyz still 200", ready.status, 200)
        redis_check = ((ready.json() or {}).get("checks") or {}).get("redis", "")
        self.c.check("redis down: /readyz detail names it", redis_check not in ("", "ok"),
                     ready.text())
        self.c.eq("redis down: fp_redis_up 0", h.metric_value(metrics(replica), "fp_redis_up"), 0)
        anon = [h.post_json(replica.api, "/api/v1/identify", {"ja4": CLUSTER_JA4}).status
                for _ in range(ANON_BURST + 3)]
        self.c.eq("redis down: local rate limits (a fresh local burst, then 429)",
                  (anon.count(200), anon.count(429)), (ANON_BURST, 3))
        self.redis.start()
        took = wait_for(lambda: h.metric_value(metrics(replica), "fp_redis_up") == 1, 10, 0.2)
        self.c.check("redis back: fp_redis_up 1 again", took is not None)

    def test_kill_one_replica(self):
        victim = self.replicas[1]
        with Load(self.proxy.base, self.key, "kill9") as load:
            time.sleep(1.0)
            victim.signal(signal.SIGKILL)
            killed_at = time.monotonic()
            time.sleep(3.0)
        victim.wait(10)
        settled = [s for s in load.after(killed_at + 1.0)]
        self.c.check("kill -9: the other replicas serve (all 200 from 1 s after the kill)",
                     settled and all(s == 200 for s in settled),
                     f"{len(settled)} answers, not 200: {[s for s in settled if s != 200][:5]}")
        # The killed replica replays its spool when it starts again on the same state folder.
        victim.api = None
        os.replace(victim.log_path, victim.log_path + ".killed")  # start() reads the new port
        victim.start()
        acked = load.acknowledged()
        took = wait_for(lambda: acked <= set(stored_agents(self.pg)), STORE_BOUND_S, 0.5)
        missing = acked - set(stored_agents(self.pg))
        self.c.check(f"kill -9: all {len(acked)} acknowledged observations stored",
                     took is not None, f"{len(missing)} missing, e.g. {sorted(missing)[:3]}")


TESTS = ("shared_rate_limit", "observation_across_replicas",
         "profile_change_reaches_every_replica", "model_activation_reaches_every_replica",
         "rollout_reaches_every_replica",
         "postgres_outage", "redis_outage", "kill_one_replica")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="the fingerprint binary")
    parser.add_argument("--root", default=h.repo_root_of_script())
    parser.add_argument("--only", choices=TESTS, action="append")
    args = parser.parse_args()
    for tool in ("haproxy", "psql"):
        if shutil.which(tool) is None:
            print(f"missing {tool} (scripts/install-deps.sh installs it)")
            return 1
    checks = h.Checks()
    cluster = Cluster(args.bin, args.root, checks)
    try:
        cluster.start()
        for name in args.only or TESTS:
            print(f"--- {name}", flush=True)
            getattr(cluster, "test_" + name)()
    except Exception as e:  # a harness failure is a failed check, with the servers' logs
        checks.check("harness", False, f"{type(e).__name__}: {e}")
        for r in cluster.replicas:
            print(f"--- log of {r.api}:\n{r.log_tail(20)}", flush=True)
    finally:
        cluster.stop()
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
