#!/usr/bin/env python3
"""PostgreSQL and Redis servers for tests, on loopback, in temporary folders.

As a module:

    from backends import Postgres, Redis
    pg = Postgres()          # or Postgres(data_dir=...) to keep the cluster somewhere chosen
    pg.start()               # initdb the first time; role `fp` (trust) and database `fp`
    pg.url                   # postgresql://fp@127.0.0.1:PORT/fp
    pg.stop(); pg.start()    # fast shutdown, then the same port and data folder again
    pg.kill(); pg.start()    # SIGKILL (postmaster and its backends), crash recovery on start
    pg.cleanup()             # stops it and removes what this object created

    rd = Redis(); rd.start(); rd.url   # redis://127.0.0.1:PORT; stop(), kill(), start(), cleanup()

Both are also context managers (start on enter, cleanup on exit).

As a runner:

    backends.py [--postgres] [--redis] -- CMD ARGS...

starts the servers asked for, exports FP_TEST_POSTGRES_URL / FP_TEST_REDIS_URL, runs CMD, stops
the servers (also on Ctrl-C, SIGTERM or an error) and exits with CMD's status. A server that does
not start prints its log and the runner exits 1.

Failure tests inside CMD control the servers through FP_TEST_POSTGRES_CTL / FP_TEST_REDIS_CTL, a
shell command to which an action is appended: `$FP_TEST_POSTGRES_CTL stop` (also `start`, `kill`,
`restart`). It returns when the action is done and exits 0, or prints why not and exits 1.

PostgreSQL refuses to run as root: when we are root, the server and initdb run as user `postgres`
(runuser) and the folders are handed to that user. Servers run in their own session, so a Ctrl-C
on the terminal reaches the runner, which stops them in order.
"""

import argparse
import glob
import os
import pwd
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time

START_TIMEOUT_S = 30  # initdb and startup on a loaded 2-core machine
STOP_TIMEOUT_S = 30  # a fast shutdown, before SIGKILL
POLL_INTERVAL_S = 0.05
PORT_ATTEMPTS = 3  # a free port taken by someone else before the server binds it
PROBE_TIMEOUT_S = 2  # one readiness probe (pg_isready, redis-cli ping)
PG_SYSTEM_USER = "postgres"
PG_SUPERUSER = "postgres"  # the cluster's bootstrap role
PG_ROLE = "fp"
PG_DATABASE = "fp"


class BackendError(RuntimeError):
    """A server did not start, or an action on it failed; the message includes its log."""


def free_port():
    """A TCP port on 127.0.0.1 nobody listens on right now (the server binds it soon after)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_bindir():
    """The newest /usr/lib/postgresql/N/bin (Debian keeps server binaries off PATH)."""
    found = glob.glob("/usr/lib/postgresql/*/bin/postgres")
    if found:
        newest = max(found, key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
        return os.path.dirname(newest)
    on_path = shutil.which("postgres")
    if on_path:
        return os.path.dirname(on_path)
    raise BackendError("PostgreSQL server binaries not found (install postgresql)")


def children_of(pid):
    """Process ids whose parent is `pid` (from /proc)."""
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: fields start after the last ')'.
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            kids.append(int(entry))
    return kids


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except (OSError, IndexError):
        return False


def wait_until(predicate, timeout_s):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(POLL_INTERVAL_S)
    return predicate()


def probe(argv):
    """Runs a readiness probe; its stdout, or None when it failed or did not answer in time."""
    try:
        result = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, timeout=PROBE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None
    return result.stdout if result.returncode == 0 else None


def tail(path, lines=60):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError as e:
        return f"(no log: {e})\n"


class _Server:
    """What Postgres and Redis share: a child process in its own session, a log, a port."""

    name = "server"

    def __init__(self):
        self.base = tempfile.mkdtemp(prefix=f"fp-{self.name}-")
        self.log_path = os.path.join(self.base, f"{self.name}.log")
        self.port = None
        self.process = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.cleanup()

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def _spawn(self, argv):
        log = open(self.log_path, "ab")
        try:
            self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            log.close()

    def _wait_ready(self, ready):
        def up_or_exited():
            return self.process.poll() is not None or ready()
        if not wait_until(up_or_exited, START_TIMEOUT_S) or self.process.poll() is not None:
            status = self.process.poll()
            self._reap(signal.SIGKILL)
            why = f"exited with {status}" if status is not None else \
                f"not ready after {START_TIMEOUT_S} s"
            raise BackendError(f"{self.name} on port {self.port} {why}; its log:\n"
                               f"{tail(self.log_path)}")

    def _server_pid(self):
        return self.process.pid

    def start(self):
        """Starts the server; the first start picks a free port (again, if another process took
        it in between), later ones reuse it."""
        if self.running:
            return
        if self.port is not None:
            self._launch()
            return
        for attempt in range(PORT_ATTEMPTS):
            self.port = free_port()
            try:
                self._launch()
                return
            except BackendError:
                if attempt + 1 == PORT_ATTEMPTS or "in use" not in tail(self.log_path, 20):
                    raise

    def _reap(self, sig):
        """Sends `sig` to the server and, for SIGKILL, to its children; waits for all to end."""
        if self.process is None:
            return
        pid = self._server_pid()
        group = [pid] + (children_of(pid) if sig == signal.SIGKILL else [])
        for p in group:
            try:
                os.kill(p, sig)
            except ProcessLookupError:
                pass
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self._reap(signal.SIGKILL)
            return
        wait_until(lambda: not any(alive(p) for p in group), STOP_TIMEOUT_S)
        self.process = None

    def stop(self):
        """Graceful shutdown (SIGKILL if it takes longer than STOP_TIMEOUT_S)."""
        self._reap(self.stop_signal)

    def kill(self):
        """SIGKILL, as a crash: no shutdown work is done."""
        self._reap(signal.SIGKILL)

    def restart(self):
        self.stop()
        self.start()

    def cleanup(self):
        """Stops the server and removes the folders this object created."""
        if self.running:
            self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


class Postgres(_Server):
    name = "postgres"
    stop_signal = signal.SIGINT  # PostgreSQL's "fast" shutdown

    def __init__(self, data_dir=None):
        super().__init__()
        self.bindir = postgres_bindir()
        self.data_dir = data_dir or os.path.join(self.base, "data")
        self.socket_dir = os.path.join(self.base, "socket")
        self._as_root = os.geteuid() == 0
        os.makedirs(self.socket_dir, exist_ok=True)
        os.makedirs(self.data_dir, mode=0o700, exist_ok=True)
        if self._as_root:
            user = pwd.getpwnam(PG_SYSTEM_USER)
            for path in (self.base, self.socket_dir, self.data_dir):
                os.chown(path, user.pw_uid, user.pw_gid)
            os.chmod(self.data_dir, 0o700)

    @property
    def url(self):
        return f"postgresql://{PG_ROLE}@127.0.0.1:{self.port}/{PG_DATABASE}"

    @property
    def admin_url(self):
        """The bootstrap superuser, for tests that need more than role `fp` may do."""
        return f"postgresql://{PG_SUPERUSER}@127.0.0.1:{self.port}/postgres"

    def _as_server_user(self, argv):
        if self._as_root:
            return ["runuser", "-u", PG_SYSTEM_USER, "--"] + argv
        return argv

    def _tool(self, name):
        return os.path.join(self.bindir, name)

    def _initdb(self):
        result = subprocess.run(
            self._as_server_user([self._tool("initdb"), "-D", self.data_dir, "-U", PG_SUPERUSER,
                                  "--auth=trust", "--encoding=UTF8", "--no-sync", "--no-locale"]),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if result.returncode != 0:
            raise BackendError(f"initdb failed ({result.returncode}):\n"
                               f"{result.stdout.decode(errors='replace')}")

    def _launch(self):
        if not os.path.exists(os.path.join(self.data_dir, "PG_VERSION")):
            self._initdb()
        self._spawn(self._as_server_user([
            self._tool("postgres"), "-D", self.data_dir, "-p", str(self.port),
            "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.socket_dir}",
            # Tests never survive an OS crash, so flushing to disk is not worth its time; commits
            # still reach the kernel before they return (synchronous_commit stays on), so a
            # killed server (kill()) keeps every committed row, as a real crash would.
            "-c", "fsync=off", "-c", "full_page_writes=off",
            "-c", "shared_buffers=16MB", "-c", "max_connections=200",
            "-c", "logging_collector=off"]))
        self._wait_ready(self._accepts_connections)
        self._ensure_role_and_database()

    def _accepts_connections(self):
        return probe([self._tool("pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port),
                      "-t", "1"]) is not None

    def sql(self, statement, database="postgres", user=PG_SUPERUSER):
        """Runs SQL through psql over TCP; returns its output (unaligned, tuples only)."""
        result = subprocess.run(
            [self._tool("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
             "-h", "127.0.0.1", "-p", str(self.port), "-U", user, "-d", database, "-c", statement],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if result.returncode != 0:
            raise BackendError(f"psql failed: {statement}\n{result.stderr.decode(errors='replace')}")
        return result.stdout.decode()

    def _ensure_role_and_database(self):
        if not self.sql(f"SELECT 1 FROM pg_roles WHERE rolname = '{PG_ROLE}'").strip():
            self.sql(f"CREATE ROLE {PG_ROLE} LOGIN CREATEDB")
        if not self.sql(f"SELECT 1 FROM pg_database WHERE datname = '{PG_DATABASE}'").strip():
            self.sql(f"CREATE DATABASE {PG_DATABASE} OWNER {PG_ROLE}")

    def _server_pid(self):
        # Under runuser our child is runuser; the postmaster writes its own pid first in
        # postmaster.pid. Fall back to our child while the file is not there yet.
        try:
            with open(os.path.join(self.data_dir, "postmaster.pid")) as f:
                pid = int(f.readline().strip())
            if alive(pid):
                return pid
        except (OSError, ValueError):
            pass
        return self.process.pid

    def _reap(self, sig):
        if self.process is None:
            return
        postmaster = self._server_pid()
        backends = children_of(postmaster)
        super()._reap(sig)
        # After a SIGKILL the backends must be gone too before the next start, or the new
        # postmaster refuses the shared memory they still hold.
        if sig == signal.SIGKILL:
            for p in backends:
                try:
                    os.kill(p, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            wait_until(lambda: not any(alive(p) for p in backends + [postmaster]), STOP_TIMEOUT_S)


class Redis(_Server):
    name = "redis"
    stop_signal = signal.SIGTERM

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}"

    def _launch(self):
        self._spawn(["redis-server", "--bind", "127.0.0.1", "--port", str(self.port),
                     "--save", "", "--appendonly", "no", "--dir", self.base,
                     "--daemonize", "no"])
        self._wait_ready(self._answers_ping)

    def _answers_ping(self):
        answer = probe(["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), "ping"])
        return answer is not None and answer.strip() == b"PONG"


# --- control of the runner's servers from inside CMD

ACTIONS = ("start", "stop", "kill", "restart")


class _ControlHandler(socketserver.StreamRequestHandler):
    def handle(self):
        action = self.rfile.readline().decode().strip()
        server = self.server.backend
        try:
            if action not in ACTIONS:
                raise BackendError(f"unknown action {action!r} (one of {', '.join(ACTIONS)})")
            with self.server.lock:
                getattr(server, action)()
            self.wfile.write(b"ok\n")
        except Exception as e:  # the caller gets the reason; the runner keeps going
            self.wfile.write(f"error: {e}\n".encode())


class _ControlServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def __init__(self, path, backend):
        super().__init__(path, _ControlHandler)
        self.backend = backend
        self.lock = threading.Lock()


def control_command(socket_path):
    return f"{sys.executable} {os.path.abspath(__file__)} --control {socket_path}"


def send_control(socket_path, action):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.connect(socket_path)
        s.sendall(action.encode() + b"\n")
        answer = s.makefile().readline().strip()
    if answer != "ok":
        print(answer or "error: no answer", file=sys.stderr)
        return 1
    return 0


# --- runner

class _Terminated(Exception):
    pass


def _raise_terminated(signum, frame):
    raise _Terminated()


def run(args):
    signal.signal(signal.SIGTERM, _raise_terminated)
    started, controls = [], []
    control_dir = tempfile.mkdtemp(prefix="fp-backends-ctl-")
    env = dict(os.environ)
    child = None
    try:
        for wanted, cls, var in ((args.postgres, Postgres, "POSTGRES"),
                                 (args.redis, Redis, "REDIS")):
            if not wanted:
                continue
            server = cls()
            started.append(server)
            server.start()
            path = os.path.join(control_dir, f"{server.name}.sock")
            control = _ControlServer(path, server)
            threading.Thread(target=control.serve_forever, daemon=True).start()
            controls.append(control)
            env[f"FP_TEST_{var}_URL"] = server.url
            env[f"FP_TEST_{var}_CTL"] = control_command(path)
        child = subprocess.Popen(args.command, env=env)
        return child.wait()
    except BackendError as e:
        print(f"backends.py: {e}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, _Terminated):
        if child is not None and child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                child.kill()
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip cleanup
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for control in controls:
            control.shutdown()
            control.server_close()
        for server in reversed(started):
            server.cleanup()
        shutil.rmtree(control_dir, ignore_errors=True)


def main(argv):
    if len(argv) >= 1 and argv[0] == "--control":
        if len(argv) != 3:
            print("usage: backends.py --control SOCKET start|stop|kill|restart", file=sys.stderr)
            return 2
        return send_control(argv[1], argv[2])
    parser = argparse.ArgumentParser(
        description="Run CMD with PostgreSQL and/or Redis started for it.",
        usage="backends.py [--postgres] [--redis] -- CMD ARGS...")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--redis", action="store_true")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command and args.command[0] == "--":
        args.command = args.command[1:]
    if not args.command:
        parser.error("no command after --")
    return run(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
