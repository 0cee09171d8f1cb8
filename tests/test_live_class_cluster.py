"""A live class through the one-machine cluster (``python -m app.cluster --replicas 2``):
the class lives in the shared ``dask scheduler`` (``--preload services.live_class``), the
teacher and the students spread over both replicas behind HAProxy, and everything of
tests/live_class_scenario.py holds as on one server."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, need_chromium
from devtools.local_server import free_port
import live_class_scenario

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_a_class_follows_answers_and_explores_across_two_replicas():
    need_chromium()
    if not Path("/usr/sbin/haproxy").exists():
        pytest.fail("HAProxy is missing: .ci/run installs Debian's haproxy")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"live_class_cluster_{port}.log"
    with open(log, "wb") as out:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "app.cluster", "--replicas", "2", "--workers", "1",
             "--port", str(port), "--bind", "127.0.0.1"], cwd=ROOT, stdout=out,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, PYTHONUNBUFFERED="1", MANIFOLD_LAB_PUBLIC_URL=base))
    try:
        deadline = time.monotonic() + 600
        while "Manifold Lab is ready" not in log.read_text():
            assert launcher.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.5)
        result = live_class_scenario.run(base, "cluster")
        assert set(result["replicas"]) == {"r1", "r2"}, result   # both replicas took part
    finally:
        if launcher.poll() is None:
            launcher.send_signal(signal.SIGTERM)
            launcher.wait(90)
