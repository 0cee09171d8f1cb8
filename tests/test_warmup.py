"""app/warmup.py: off without a Streamlit server (AppTest, this test session) and with
MANIFOLD_LAB_WARMUP=0; a failing task is reported, not raised; the tasks fill the caches the
pages read (the shipped networks, once)."""
import pytest

from app import warmup

pytestmark = pytest.mark.integration


def test_off_without_a_server_and_when_asked(monkeypatch):
    monkeypatch.delenv(warmup.ENV, raising=False)
    assert not warmup.enabled()          # pytest runs no Streamlit server
    assert warmup.start() is None
    from streamlit import runtime
    monkeypatch.setattr(runtime, "exists", lambda: True)
    assert warmup.enabled()
    monkeypatch.setenv(warmup.ENV, "0")
    assert not warmup.enabled()
    assert warmup.start() is None


def test_a_failing_task_is_reported_and_the_next_runs():
    ran = []

    def broken():
        raise RuntimeError("no such file\nsecond line")

    results = warmup.run([("broken", broken), ("next", lambda: ran.append(1))])
    assert [r.name for r in results] == ["broken", "next"] and ran == [1]
    assert results[0].error == "RuntimeError: no such file" and results[1].error is None


@pytest.mark.parametrize("task", ["imports", "plotly", "networks"])
def test_tasks_run_cleanly(task):
    (result,) = warmup.run([t for t in warmup.TASKS if t[0] == task])
    assert result.error is None, result.error


def test_networks_task_holds_each_shipped_network_once():
    from model.registry import SHIPPED
    from services.weights import _build_shipped, load_source
    warmup.run([t for t in warmup.TASKS if t[0] == "networks"])
    held = {name: load_source(name) for name in SHIPPED if _is_there(name)}
    warmup.run([t for t in warmup.TASKS if t[0] == "networks"])
    assert all(load_source(name) is w for name, w in held.items())   # the same objects
    assert _build_shipped.cache_info().currsize == len(held)


def _is_there(name: str) -> bool:
    from model.registry import spec
    return spec(name).path.is_file()


def test_lecture_task_queues_the_lecture_measurement_without_waiting():
    from figures.lecture import LECTURE_SEED
    from services.evidence import default_query
    from services.jobs import MEASUREMENTS
    (result,) = warmup.run([t for t in warmup.TASKS if t[0] == "lecture"])
    assert result.error is None and result.seconds < 5
    job = MEASUREMENTS.get(default_query(LECTURE_SEED))
    assert job is not None and job.state in ("queued", "running", "done")


def test_sessions_asking_at_once_get_one_shipped_network(monkeypatch):
    """The warm-up and a student (or two students) asking for the default network at the
    same moment must not build two copies."""
    import functools
    import threading
    import time

    from services import weights as sw
    built = []

    @functools.lru_cache(maxsize=4)
    def slow_build(source):
        built.append(source)
        time.sleep(0.2)                       # long enough for every thread to miss at once
        return object()
    monkeypatch.setattr(sw, "_build_shipped", slow_build)
    got, start = [], threading.Barrier(8)

    def ask():
        start.wait()
        got.append(sw._shipped("embedded"))
    threads = [threading.Thread(target=ask) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(10)
    assert built == ["embedded"] and len(got) == 8 and all(g is got[0] for g in got)


@pytest.mark.slow
def test_python_m_app_warms_up_before_it_serves(tmp_path):
    """The README's command: every task runs, without failing, before the server serves; it
    prints its steps and its address and nothing else."""
    import os
    import re
    import sys
    import time
    from pathlib import Path

    from devtools.local_server import free_port, start_streamlit, stop, wait_healthy
    port, log = free_port(), tmp_path / "server.log"
    env = {k: v for k, v in os.environ.items() if k != warmup.ENV}
    cmd = [sys.executable, "-m", "app", "--server.port", str(port), "--server.address",
           "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    old = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)            # start_streamlit passes this process's environment on
    try:
        proc = start_streamlit(port, cmd=cmd, log=log)
    finally:
        os.environ.clear()
        os.environ.update(old)
    try:
        wait_healthy(port, proc, timeout=180, log=log)
        deadline = time.monotonic() + 20
        while "Manifold Lab is ready" not in Path(log).read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        text = Path(log).read_text()
        served = text.index(f"Manifold Lab is ready: http://127.0.0.1:{port}/")
        for name, _ in warmup.TASKS:
            assert f"  {name} " in text[:served], (name, text[:2000])
        assert "FAILED" not in text and "warmed up in" in text[:served]
        # A quiet start: the app's own steps and its address, nothing that reads as a fault
        # (Streamlit's cache notes, its failed look-up of a public address).
        expected = re.compile(r"Manifold Lab: warming up before serving .*|  \w+ \d+\.\d s"
                              r"|Manifold Lab: torch work on an embedded Dask cluster \(1 worker\)"
                              r"|warmed up in \d+\.\d s|Manifold Lab is ready: http://\S+")
        odd = [line for line in text.splitlines() if line.strip() and not expected.fullmatch(line)]
        assert not odd, odd
        # Stopped at once, while the lecture's measurement (queued by the warm-up) still
        # runs: it ends quietly. Closed at the interpreter's exit, every pending future of it
        # logged a traceback ("cannot schedule new futures after shutdown").
        proc.terminate()
        assert proc.wait(timeout=60) == 0
        after = Path(log).read_text()[len(text):]
        assert "Traceback" not in after and "ERROR" not in after, after[:2000]
    finally:
        stop(proc)


def test_python_m_app_help_says_its_own_options_and_starts_nothing():
    # before, --help started the embedded cluster, warmed up for 10 s and printed
    # Streamlit's own 5,000 lines, without a word of --scheduler
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-m", "app", "--help"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and "--scheduler" in done.stdout
    assert "warming up" not in done.stdout and "Dask" in done.stdout
