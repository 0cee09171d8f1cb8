"""A live class on ``python -m app`` (the embedded cluster: the class lives in the server's own
process), in real Chromium: a teacher and three students (tests/live_class_scenario.py)."""
import os
import subprocess
import sys
import time

import pytest

from conftest import ARTIFACTS, ROOT, need_chromium
from devtools.local_server import free_port, stop
import live_class_scenario

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_class_follows_answers_and_explores_on_one_server(tmp_path):
    need_chromium()
    port = free_port()
    log = tmp_path / f"live_class_app_{port}.log"
    base = f"http://127.0.0.1:{port}"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "app", "--server.port", str(port), "--server.address",
             "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            env=dict(os.environ, PYTHONUNBUFFERED="1", MANIFOLD_LAB_PUBLIC_URL=base))
    try:
        deadline = time.monotonic() + 300
        while "Manifold Lab is ready" not in log.read_text():
            assert server.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.5)
        result = live_class_scenario.run(base, "app", ARTIFACTS)
        assert result["replicas"] == [""]           # no proxy: one server
    finally:
        stop(server)
