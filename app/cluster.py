"""The app as a lecture hall runs it: N app replicas behind HAProxy, sharing one Dask cluster.

    python -m app.cluster --replicas 3 --workers 1 --port 8501      # all roles, this machine
    python -m app.cluster proxy --port 80 --replica web1:8501 --replica web2:8501

The first form starts, on loopback ports, Dask's own ``dask scheduler``, M ``dask worker``
processes, N replicas (``python -m app --scheduler ...``, each warmed up before it serves) and
the proxy on port P (``deploy/haproxy.cfg``, rendered with the replicas' addresses), prints the
address, restarts a replica that dies, and stops every process it started (each in a process
group of its own, stopped by its PID) on Ctrl-C or SIGTERM. ``--print-commands`` prints the
command of every role instead: the README's "More than one machine" runs the same ones, with
hosts for addresses. The second form is the proxy host's role alone.

Why a cookie and not the client's address: Streamlit keeps a browser's session in the replica
that holds its websocket, and an upload or a media file asked of another replica fails; a
class behind one school NAT has one address. The replicas share ``server.cookieSecret`` (given
here in ``STREAMLIT_SERVER_COOKIE_SECRET``), and XSRF protection stays on.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import secrets
import shlex
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HAPROXY_TEMPLATE = ROOT / "deploy" / "haproxy.cfg"
AFFINITY_COOKIE = "MANIFOLD_LAB_REPLICA"
COOKIE_SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"
WORKER_THREADS = 3      # as the embedded worker (services.cluster.EMBEDDED_THREADS)
READY_TIMEOUT_S = 300   # replicas warm up before they serve: 10-60 s on a loaded 2-core machine
INSTALL_HINT = ("the proxy program 'haproxy' is not installed; on Debian or Ubuntu: "
                "sudo apt-get install haproxy")


# -- the roles' commands (what the README's per-host commands are) ------------------------------
def scheduler_command(port: int, host: str = "127.0.0.1") -> list[str]:
    """``dask scheduler``: every task goes to a worker at once (worker-saturation ``inf``, in
    ``scheduler_env``), where priorities order them (``services.cluster``); it holds the live
    classes every replica shares (``--preload services.live_class``, the project on its path)."""
    return [sys.executable, "-m", "dask", "scheduler", "--host", host, "--port", str(port),
            "--no-dashboard", "--preload", "services.live_class"]


def scheduler_env() -> dict:
    return {"DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "inf", "PYTHONPATH": str(ROOT)}


def worker_command(scheduler: str, threads: int = WORKER_THREADS, host: str = "127.0.0.1",
                   name: str | None = None) -> list[str]:
    """``dask worker`` with the project on its path (``worker_env``) and one ``batch`` slot:
    one measurement's memory at a time, its other threads left to the pages' analyses."""
    return [sys.executable, "-m", "dask", "worker", scheduler, "--nthreads", str(threads),
            "--resources", "batch=1", "--no-dashboard", "--host", host,
            *(["--name", name] if name else [])]


def worker_env() -> dict:
    """The project on its path; Dask's statistical profiler off (``services.cluster``'s
    ``WORKER_CONFIG``: what the embedded worker runs with)."""
    return {"DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False", "PYTHONPATH": str(ROOT)}


def replica_command(scheduler: str, port: int, address: str = "127.0.0.1") -> list[str]:
    """One app replica: the README's ``python -m app`` on the shared scheduler."""
    return [sys.executable, "-m", "app", "--scheduler", scheduler, "--server.port", str(port),
            "--server.address", address, "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]


def proxy_command(config: Path) -> list[str]:
    """HAProxy in the foreground (``-db``), master and worker (``-W``: SIGTERM stops both)."""
    return [shutil.which("haproxy") or "haproxy", "-W", "-db", "-f", str(config)]


def proxy_config(replicas: list[str], port: int, bind: str = "*", affinity: bool = True) -> str:
    """``deploy/haproxy.cfg`` for ``replicas`` (``host:port`` each) on ``bind:port``.
    ``affinity=False`` leaves out the session cookie: the bench's negative control only."""
    for r in replicas:
        host, _, p = r.rpartition(":")
        if not host or not p.isdigit() or any(c.isspace() for c in r):
            raise ValueError(f"a replica must be host:port, got {r!r}")
    if not replicas:
        raise ValueError("at least one replica is needed")
    servers = "\n".join(f"    server r{i} {r} cookie r{i}" for i, r in enumerate(replicas, 1))
    cookie = (f"    cookie {AFFINITY_COOKIE} insert indirect nocache httponly"
              if affinity else "    # no affinity: the negative control of bench/load.py")
    return string.Template(HAPROXY_TEMPLATE.read_text()).substitute(
        bind=bind, port=int(port), servers=servers, affinity=cookie)


# -- processes ----------------------------------------------------------------------------
def _die_with_parent() -> None:
    """In a child, before exec: SIGTERM when the launcher dies, however it dies (Linux)."""
    os.setsid()
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
    except OSError:
        pass


@dataclass
class Role:
    """One started process: its name, command, environment and log."""
    name: str
    command: list[str]
    env: dict = field(default_factory=dict)
    port: int | None = None
    proc: subprocess.Popen | None = None
    log: Path | None = None
    restarts: int = 0

    def start(self, logs: Path) -> None:
        self.log = logs / f"{self.name.replace(' ', '-')}.log"
        out = open(self.log, "ab")
        self.proc = subprocess.Popen(self.command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1", **self.env})
        out.close()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def tail(self, n: int = 1500) -> str:
        try:
            return self.log.read_text(errors="replace")[-n:] if self.log else ""
        except OSError:
            return ""


def stop_all(roles: list[Role], timeout: float = 20) -> None:
    """SIGTERM to each role's process group (a dask worker's nanny and its worker), then
    SIGKILL to what is left after ``timeout``; waits for every one."""
    for r in roles:
        if r.alive():
            _signal_group(r.proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for r in roles:
        if r.proc is None:
            continue
        try:
            r.proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        _signal_group(r.proc.pid, signal.SIGKILL)   # the group: children left by the leader
        try:
            r.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _wait(what: str, ready, roles: list[Role], timeout: float) -> None:
    """Until ``ready()``; fails naming the role whose process exited, with its log's end."""
    deadline = time.monotonic() + timeout
    while not ready():
        for r in roles:
            if r.proc is not None and r.proc.poll() is not None:
                raise RuntimeError(f"{r.name} exited with status {r.proc.returncode} while "
                                   f"waiting for {what}:\n{r.tail()}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not ready in {timeout:g} s")
        time.sleep(0.25)


def _workers_connected(scheduler: str, n: int) -> bool:
    from distributed import Client
    try:
        with Client(scheduler, timeout=5, set_as_default=False) as c:
            return len(c.scheduler_info()["workers"]) >= n
    except (OSError, TimeoutError, ValueError):
        return False


# -- the one-machine cluster --------------------------------------------------------------------
@dataclass
class Plan:
    """The processes of a one-machine cluster, in starting order."""
    scheduler: Role
    workers: list[Role]
    replicas: list[Role]
    proxy_port: int
    bind: str
    affinity: bool = True

    @property
    def address(self) -> str:
        return f"tcp://127.0.0.1:{self.scheduler.port}"


def plan(replicas: int, workers: int, port: int, *, threads: int = WORKER_THREADS,
         bind: str = "*", affinity: bool = True, secret: str | None = None) -> Plan:
    """The commands ``python -m app.cluster`` runs, with free loopback ports."""
    if replicas < 1 or workers < 1:
        raise ValueError("--replicas and --workers must be at least 1")
    sched_port = free_port()
    address = f"tcp://127.0.0.1:{sched_port}"
    secret = secret or secrets.token_urlsafe(32)
    ports = [free_port() for _ in range(replicas)]
    return Plan(
        Role("scheduler", scheduler_command(sched_port), scheduler_env(), sched_port),
        [Role(f"worker {i}", worker_command(address, threads, name=f"worker-{i}"), worker_env())
         for i in range(1, workers + 1)],
        [Role(f"replica {i}", replica_command(address, p), {COOKIE_SECRET_ENV: secret}, p)
         for i, p in enumerate(ports, 1)],
        port, bind, affinity)


def print_commands(p: Plan) -> None:
    """Each role's command, as a shell would run it (the secret as a variable)."""
    def line(role: Role, env: dict) -> str:
        shown = {k: ("$SECRET" if k == COOKIE_SECRET_ENV else v) for k, v in env.items()}
        return " ".join([*(f"{k}={shlex.quote(v) if v != '$SECRET' else v}"
                           for k, v in shown.items()), shlex.join(role.command)])
    print(f"# scheduler\n{line(p.scheduler, p.scheduler.env)}")
    for w in p.workers:
        print(f"# {w.name}\n{line(w, w.env)}")
    for r in p.replicas:
        print(f"# {r.name}\n{line(r, r.env)}")
    replicas = " ".join(f"--replica 127.0.0.1:{r.port}" for r in p.replicas)
    print(f"# proxy\n{shlex.quote(sys.executable)} -m app.cluster proxy --port {p.proxy_port} "
          f"{replicas}")


class _Stop(Exception):
    """SIGTERM or SIGINT arrived."""


def _on_signal(signum, frame):
    raise _Stop(signal.Signals(signum).name)


def serve(p: Plan, say=print, ready_timeout: float = READY_TIMEOUT_S) -> int:
    """Start every role of ``p``, keep the replicas running, stop all on SIGTERM/SIGINT.
    Returns the exit status: 0 after a signal, 1 when a role could not start or the
    scheduler or the proxy died."""
    if not shutil.which("haproxy"):
        say(f"error: {INSTALL_HINT}", file=sys.stderr)
        return 1
    logs = Path(tempfile.mkdtemp(prefix="manifold-lab-cluster-"))
    config = logs / "haproxy.cfg"
    config.write_text(proxy_config([f"127.0.0.1:{r.port}" for r in p.replicas], p.proxy_port,
                                   p.bind, p.affinity))
    proxy = Role("proxy", proxy_command(config), port=p.proxy_port)
    roles = [p.scheduler, *p.workers, *p.replicas, proxy]
    previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        say(f"Manifold Lab cluster: logs in {logs}", flush=True)
        p.scheduler.start(logs)
        _wait("the scheduler", lambda: _port_open(p.scheduler.port), [p.scheduler], 60)
        for w in p.workers:
            w.start(logs)
        _wait(f"{len(p.workers)} worker(s)", lambda: _workers_connected(p.address, len(p.workers)),
              [p.scheduler, *p.workers], 120)
        say(f"  scheduler {p.address}, {len(p.workers)} worker(s) connected", flush=True)
        for r in p.replicas:
            r.start(logs)
        say(f"  {len(p.replicas)} replica(s) warming up on ports "
            f"{', '.join(str(r.port) for r in p.replicas)}...", flush=True)
        _wait("the replicas", lambda: all(_answers(_health(r.port)) for r in p.replicas),
              roles[:-1], ready_timeout)
        proxy.start(logs)
        _wait("the proxy", lambda: _answers(_health(p.proxy_port)), [proxy], 30)
        replicas = f"{len(p.replicas)} replica{'s' * (len(p.replicas) != 1)}"
        say(f"Manifold Lab is ready: http://localhost:{p.proxy_port}/ ({replicas} behind "
            f"HAProxy, {len(p.workers)} Dask worker(s))", flush=True)
        return _supervise(p, proxy, logs, say)
    except _Stop:
        return 0
    except (RuntimeError, TimeoutError) as e:
        say(f"error: {e}", file=sys.stderr, flush=True)
        return 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)    # a second signal must not cut this
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stop_all([proxy, *reversed(p.replicas), *p.workers, p.scheduler])
        for s, h in previous.items():
            signal.signal(s, h)
        say("Manifold Lab cluster stopped", flush=True)


def _health(port: int) -> str:
    return f"http://127.0.0.1:{port}/_stcore/health"


def _supervise(p: Plan, proxy: Role, logs: Path, say) -> int:
    """Until a signal: a replica or worker that exits is started again (the proxy sends its
    browsers to the others meanwhile); the scheduler or the proxy exiting ends the cluster."""
    while True:
        time.sleep(0.5)
        for essential in (p.scheduler, proxy):
            if not essential.alive():
                say(f"error: the {essential.name} exited with status "
                    f"{essential.proc.returncode}:\n{essential.tail()}", file=sys.stderr,
                    flush=True)
                return 1
        for r in [*p.replicas, *p.workers]:
            if not r.alive():
                r.restarts += 1
                say(f"  {r.name} (pid {r.proc.pid}) exited with status {r.proc.returncode}; "
                    f"starting it again", flush=True)
                _signal_group(r.proc.pid, signal.SIGKILL)     # whatever it left in its group
                r.start(logs)


def run_proxy(replicas: list[str], port: int, bind: str = "*") -> int:
    """The proxy host's role: HAProxy in the foreground for ``replicas``, until a signal."""
    if not shutil.which("haproxy"):
        print(f"error: {INSTALL_HINT}", file=sys.stderr)
        return 1
    config = Path(tempfile.mkdtemp(prefix="manifold-lab-proxy-")) / "haproxy.cfg"
    config.write_text(proxy_config(replicas, port, bind))
    print(f"Manifold Lab proxy on port {port} for {', '.join(replicas)} ({config})", flush=True)
    os.execv(proxy_command(config)[0], proxy_command(config))   # its signals are HAProxy's own


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["proxy"]:
        ap = argparse.ArgumentParser(prog="python -m app.cluster proxy",
                                     description="HAProxy in front of app replicas on other hosts")
        ap.add_argument("--port", type=int, required=True)
        ap.add_argument("--replica", action="append", required=True, metavar="HOST:PORT")
        ap.add_argument("--bind", default="*", help="address to listen on (default: all)")
        ap.add_argument("--print-config", action="store_true",
                        help="print the HAProxy configuration (for a system haproxy) and exit")
        a = ap.parse_args(argv[1:])
        try:
            config = proxy_config(a.replica, a.port, a.bind)
        except ValueError as e:
            ap.error(str(e))
        if a.print_config:
            print(config, end="")
            return 0
        return run_proxy(a.replica, a.port, a.bind)
    ap = argparse.ArgumentParser(prog="python -m app.cluster", description=__doc__.split("\n\n")[0])
    ap.add_argument("--replicas", type=int, default=2, help="app replicas (default 2)")
    ap.add_argument("--workers", type=int, default=1, help="Dask workers (default 1)")
    ap.add_argument("--threads", type=int, default=WORKER_THREADS,
                    help=f"threads per worker (default {WORKER_THREADS})")
    ap.add_argument("--port", type=int, default=8501, help="the proxy's port (default 8501)")
    ap.add_argument("--bind", default="*", help="the proxy's address (default: all)")
    ap.add_argument("--print-commands", action="store_true",
                    help="print each role's command and exit")
    ap.add_argument("--no-affinity", action="store_true", help=argparse.SUPPRESS)  # bench control
    a = ap.parse_args(argv)
    for name in ("replicas", "workers", "threads"):
        if getattr(a, name) < 1:
            ap.error(f"--{name} must be at least 1")
    if not 1 <= a.port <= 65535:
        ap.error("--port must be 1..65535")
    p = plan(a.replicas, a.workers, a.port, threads=a.threads, bind=a.bind,
             affinity=not a.no_affinity)
    if a.print_commands:
        print_commands(p)
        return 0
    if _port_open(a.port):
        print(f"error: port {a.port} is in use; choose another with --port", file=sys.stderr)
        return 1
    return serve(p)


if __name__ == "__main__":
    sys.exit(main())
