"""A real cluster, started with Dask's own commands: one `dask scheduler` and two
`dask worker --nthreads 1` on loopback ports. A measurement from the command line and from the
app's service layer gives the embedded run's numbers, runs in those workers, and survives one
of them killed midway. Every process started here is stopped by its PID."""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from conftest import ROOT, run_at_once
from test_cluster import at_once, without_times

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dask(*args) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT), MANIFOLD_LAB_WARMUP="0")
    return subprocess.Popen([sys.executable, "-m", "dask", *args],   # = `dask scheduler` ...
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def _stop(procs) -> None:
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)     # the worker's nanny and its worker process
    for p in procs:
        try:
            p.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(10)


@pytest.fixture(scope="module")
def scheduler():
    """(address, [nanny processes]) of a scheduler with two one-thread workers."""
    from distributed import Client
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [_dask("scheduler", "--host", "127.0.0.1", "--port", str(port),
                   "--no-dashboard")]
    try:
        for name in ("one", "two"):
            procs.append(_dask("worker", address, "--nthreads", "1", "--name", name,
                               "--no-dashboard", "--host", "127.0.0.1"))
        with Client(address, timeout=60) as c:
            c.wait_for_workers(2, timeout=120)
        yield address, procs[1:]
    finally:
        _stop(procs)


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "model.evidence", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, **(env or {})))


def test_the_command_line_measures_on_the_cluster_what_it_measures_here(scheduler):
    address, _ = scheduler
    args = ("--weights", "embedded", "--images", "generated:70", "--format", "json",
            "--n-boot", "50")
    from distributed import Client

    from services import tasks

    def sampled_there() -> int:
        """Parts the cluster's workers have sampled so far."""
        with Client(address, timeout=30, set_as_default=False) as c:
            return sum(n.get("sample_part", 0) for n in c.run(tasks.computed_counts).values())
    before = sampled_there()
    there, here = at_once(lambda: _cli(*args, "--scheduler", address),
                          lambda: _cli(*args, env={"MANIFOLD_LAB_SCHEDULER": ""}))
    assert there.returncode == 0, there.stderr[-2000:]
    assert "progress: 100% of the tasks done" in there.stderr
    # the work ran in those workers: 70 images of the one network in parts of 32, each
    # sampled once
    assert sampled_there() - before == 3
    assert here.returncode == 0, here.stderr[-2000:]
    assert without_times(json.loads(there.stdout)) == without_times(json.loads(here.stdout))
    by_env = _cli(*args, env={"MANIFOLD_LAB_SCHEDULER": address})
    assert without_times(json.loads(by_env.stdout)) == without_times(json.loads(here.stdout))


def test_an_unreachable_scheduler_is_one_line_and_exit_status_1():
    address = f"tcp://127.0.0.1:{_free_port()}"
    out = _cli("--weights", "embedded", "--images", "generated:8", "--scheduler", address)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and address in lines[0] and lines[0].startswith("error:")


def test_the_app_names_an_unreachable_scheduler_and_does_not_serve():
    address = f"tcp://127.0.0.1:{_free_port()}"
    # by option and by variable, both at once (two starts of the app, mostly imports)
    for out in run_at_once(
            [([sys.executable, "-m", "app", "--server.port", str(_free_port()), *args],
              dict(os.environ, MANIFOLD_LAB_WARMUP="0", **env))
             for args, env in ((["--scheduler", address], {}),
                               ([], {"MANIFOLD_LAB_SCHEDULER": address}))], timeout=120):
        assert out.returncode == 1
        errors = [line for line in out.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and address in errors[0]
        assert "Manifold Lab is ready" not in out.stdout


def test_the_services_measure_on_the_cluster_in_its_workers_and_survive_a_killed_one(scheduler):
    from distributed import get_task_stream

    from services import cluster, measurement, remote, tasks
    from services import evidence as ev
    from services.weights import load_source
    address, nannies = scheduler
    from model.evidence.image_sets import generated
    from model.evidence.measure import evidence
    chosen = load_source("embedded")
    query = ev.EvidenceQuery(chosen.id, "generated", 120, 3, 64)
    # 300 images: 2 spans of the set (model.evidence.passes.spans), one on each worker
    spanned = generated(300, seed=5, resolution=64)
    cluster.use(address)
    try:
        client = cluster.client()
        workers = cluster.worker_pids()
        assert len(workers) == 2 and os.getpid() not in workers.values()
        nanny_pids = {p.pid for p in nannies}
        assert set(client.run(os.getppid).values()) == nanny_pids   # the workers started here
        with get_task_stream(client) as stream:
            there, here = at_once(lambda: remote.measure(query, chosen),
                                  lambda: ev.measure(query, chosen))
        assert without_times(there) == without_times(here)
        assert {t["worker"] for t in stream.data} == set(workers)   # both did some of it
        before = client.run(tasks.computed_counts)
        there, spanned_here = at_once(
            lambda: measurement.measure_images({"embedded": ("named", chosen.id)}, spanned, 300,
                                               seed=5, resolution=64),
            lambda: evidence(chosen.model, spanned.images, weights="embedded", seed=5,
                             batch_size=ev.task_images(64)).to_dict())
        assert without_times(there["embedded"]) == without_times(spanned_here)
        after = client.run(tasks.computed_counts)
        chains = {w: after[w].get("pass_one_step", 0) - before.get(w, {}).get("pass_one_step", 0)
                  for w in after}
        # a span's chains on each worker (Dask may still steal a step: it says where, not what)
        assert sum(chains.values()) == 34 and min(chains.values()) > 0, chains

        victim = next(iter(workers.values()))
        killed = threading.Event()

        def kill_midway(fraction, step):
            if fraction > 0.2 and not killed.is_set():
                killed.set()
                os.kill(victim, signal.SIGKILL)
        again = remote.measure(ev.EvidenceQuery(chosen.id, "generated", 120, 3, 64), chosen,
                               progress=kill_midway)
        assert killed.is_set() and without_times(again) == without_times(here)
        deadline = time.monotonic() + 120                           # its nanny restarts it
        while time.monotonic() < deadline and len(client.scheduler_info()["workers"]) < 2:
            time.sleep(0.5)
        assert victim not in cluster.worker_pids().values()
    finally:
        cluster.use(None)                                           # back to the embedded one


REPLICA = """
import json, sys
from services import cluster, remote
from services import evidence as ev
from services.weights import load_source
cluster.use(sys.argv[1])
cluster.client()
chosen = load_source("embedded")
print("ready", flush=True)
sys.stdin.readline()                       # both replicas ask at the same moment
print(json.dumps(remote.measure(ev.EvidenceQuery(chosen.id, "generated", 90, 7, 64), chosen)[0]))
"""


def test_one_measurement_asked_by_two_replicas_is_computed_once(scheduler):
    """Two processes (as two app replicas behind the proxy) ask the shared scheduler for the
    same measurement at once: the workers compute each of its tasks once, and both get it."""
    from distributed import Client

    from services import tasks
    from model.evidence.passes import STEP_IMAGES
    from services.evidence import task_images
    address, _ = scheduler

    def counts(c):
        total: dict = {}
        for worker in c.run(tasks.computed_counts).values():
            for name, n in worker.items():
                total[name] = total.get(name, 0) + n
        return total

    with Client(address, timeout=30, set_as_default=False) as c:
        before = counts(c)
        replicas = [subprocess.Popen([sys.executable, "-c", REPLICA, address], cwd=ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env=dict(os.environ, MANIFOLD_LAB_WARMUP="0"))
                    for _ in range(2)]
        try:
            for r in replicas:
                assert r.stdout.readline().strip() == "ready"
            for r in replicas:
                r.stdin.write("go\n")
                r.stdin.flush()
            outputs = [r.communicate(timeout=600)[0] for r in replicas]
        finally:
            for r in replicas:
                if r.poll() is None:
                    r.kill()
        assert [r.returncode for r in replicas] == [0, 0]
        results = [json.loads(o.strip().splitlines()[-1]) for o in outputs]
        assert without_times(results[0]) == without_times(results[1])
        done = {k: v - before.get(k, 0) for k, v in counts(c).items() if v > before.get(k, 0)}
    networks, parts = len(results[0]), -(-90 // task_images(64))
    assert networks >= 2
    steps = -(-parts // (STEP_IMAGES // task_images(64)))
    assert done == {"image_set": 1, "sample_part": parts * networks,
                    "pass_one_step": 17 * steps * networks, "view_block": 17 * networks,
                    "fit_block": 17 * networks, "spread_part": parts * networks,
                    "pass_two_step": steps * networks, "block_part": 17 * networks,
                    "assemble_part": networks}
