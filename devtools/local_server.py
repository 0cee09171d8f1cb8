"""A local `streamlit run` of the app for the browser tests, the benchmarks and the screenshots.

Binds to 127.0.0.1 on a free port, is polled on /_stcore/health, and is stopped by its PID.
Chromium is Debian's (/usr/bin/chromium) with the flags this machine's closed network needs;
never `playwright install`.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app" / "main.py")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_streamlit(port: int, *, cmd: list[str] | None = None, log: Path | None = None
                    ) -> subprocess.Popen:
    """`streamlit run app/main.py` on ``port`` (headless, no telemetry, no file watcher), or
    ``cmd`` instead. Output goes to ``log`` (a pipe nobody reads would fill and stall it)."""
    cmd = cmd or [sys.executable, "-m", "streamlit", "run", APP, "--server.port", str(port),
                  "--server.address", "127.0.0.1", "--server.headless", "true",
                  "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    out = open(log, "wb") if log else subprocess.DEVNULL
    return subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


def wait_healthy(port: int, proc: subprocess.Popen, timeout: float = 90,
                 log: Path | None = None) -> None:
    """Poll /_stcore/health until it answers 200; fail early if the server exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = Path(log).read_text(errors="replace")[-2000:] if log else ""
            raise RuntimeError(f"streamlit exited early with status {proc.returncode}\n{tail}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"streamlit did not become healthy on port {port} in {timeout} s")


def stop(proc: subprocess.Popen) -> None:
    """Stop the server by its PID: terminate, then kill if it lingers."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def running_app(**kwargs):
    """``with running_app() as url:`` the app served on a free local port (``start_streamlit``
    with ``kwargs``), healthy, and stopped by its PID afterwards."""
    port = free_port()
    proc = start_streamlit(port, **kwargs)
    try:
        wait_healthy(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


def descendants(pid: int) -> list[int]:
    """Every process under ``pid`` (children, theirs, ...), from /proc."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found + [g for c in found for g in descendants(c)]


def start_cluster(replicas: int = 2, workers: int = 1, *options: str,
                  log_dir: Path | None = None) -> tuple[subprocess.Popen, int, Path]:
    """``python -m app.cluster`` (a Dask scheduler and workers, the app replicas, HAProxy) on
    a free local port: (its launcher, the proxy's port, its log). A live class's join links
    point at the proxy (``MANIFOLD_LAB_PUBLIC_URL``), not at this machine's network address.
    ``options``: more of its options (the bench's ``--no-affinity``). ``log_dir``: where the
    launcher's log and its roles' logs go (a test's own folder; default the system's temp)."""
    import tempfile
    port = free_port()
    log_dir = Path(log_dir or tempfile.gettempdir())
    log = log_dir / f"app_cluster_{port}.log"
    with open(log, "wb") as out:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "app.cluster", "--replicas", str(replicas), "--workers",
             str(workers), "--port", str(port), "--bind", "127.0.0.1", *options], cwd=ROOT,
            stdout=out, stderr=subprocess.STDOUT,
            # TMPDIR: app.cluster puts its roles' logs in a folder made there
            env={**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(log_dir),
                 "MANIFOLD_LAB_PUBLIC_URL": f"http://127.0.0.1:{port}"})
    return launcher, port, log


def wait_cluster_ready(launcher: subprocess.Popen, log: Path, timeout: float = 600) -> list[int]:
    """Until the launcher says it is ready; the replicas' ports (RuntimeError with the log's
    end when it exits or takes longer than ``timeout``)."""
    import re
    deadline = time.monotonic() + timeout
    while "Manifold Lab is ready" not in (text := log.read_text(errors="replace")):
        if launcher.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"app.cluster not ready:\n{text[-3000:]}")
        time.sleep(0.5)
    return [int(p) for p in re.search(r"ports ([\d, ]+)", text).group(1).split(",")]


def stop_cluster(launcher: subprocess.Popen) -> None:
    """SIGTERM to the launcher (it stops everything it started), SIGKILL after 90 s."""
    import signal
    if launcher.poll() is None:
        launcher.send_signal(signal.SIGTERM)
        try:
            launcher.wait(90)
        except subprocess.TimeoutExpired:
            launcher.kill()
            launcher.wait()


@contextmanager
def running_cluster(replicas: int = 2, workers: int = 1, timeout: float = 600,
                    log_dir: Path | None = None):
    """``with running_cluster() as (url, replica_ports, log, launcher):`` the one-machine
    cluster (``start_cluster``), ready, and stopped by the launcher's PID afterwards."""
    launcher, port, log = start_cluster(replicas, workers, log_dir=log_dir)
    try:
        ports = wait_cluster_ready(launcher, log, timeout)
        yield f"http://127.0.0.1:{port}", ports, log, launcher
    finally:
        stop_cluster(launcher)
