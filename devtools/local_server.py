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
