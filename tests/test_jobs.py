"""services.jobs: one measurement per query value, started at once (the Dask cluster orders
the work), kept for every session; failures reported, not retried on their own."""
import threading
import time

import pytest

from services.jobs import DONE, DROPPED, FAILED, QUEUED, RUNNING, Abandoned, Jobs, QueueFull

pytestmark = pytest.mark.unit


def _gated(value, gate: threading.Event, seen: list):
    def run(progress):
        gate.wait(10)
        progress(0.5, "embedded")
        seen.append(value)
        return value
    return run


def test_one_job_per_query_started_at_once_and_kept():
    jobs, gate, seen = Jobs(keep=2), threading.Event(), []
    a = jobs.submit("a", _gated(1, gate, seen))
    b = jobs.submit("b", _gated(2, gate, seen))
    assert jobs.submit("a", _gated(99, gate, seen)) is a         # the same query: the same job
    assert b.state == QUEUED and jobs.ahead(b) == 1 and jobs.waiting() == 2
    gate.set()
    assert a.wait(10) and b.wait(10)
    assert sorted(seen) == [1, 2] and (a.result, b.result) == (1, 2)
    assert a.state == b.state == DONE
    assert a.fraction == 0.5 and a.step == "embedded" and jobs.waiting() == 0
    assert jobs.submit("a", _gated(99, gate, seen)).result == 1  # kept: not measured again
    jobs.submit("c", _gated(3, gate, seen)).wait(10)
    jobs.submit("d", _gated(4, gate, seen)).wait(10)
    assert jobs.get("a") is None and jobs.get("d").result == 4   # the oldest beyond keep=2 go
    assert [len(t) for t in jobs.timings] == [2] * 4


def test_a_job_runs_from_its_first_progress():
    jobs, gate, seen = Jobs(), threading.Event(), []
    job = jobs.submit("a", _gated(1, gate, seen))
    assert job.state == QUEUED and job.started is None
    gate.set()
    assert job.wait(10) and job.started is not None and job.started <= job.finished


def test_a_failure_is_reported_and_retried_only_when_asked():
    jobs, calls = Jobs(), []

    def broken(progress):
        calls.append(1)
        raise ValueError("no images uploaded")
    job = jobs.submit("q", broken)
    job.wait(10)
    assert job.state == FAILED and job.error == "no images uploaded" and job.result is None
    assert jobs.submit("q", broken) is job and len(calls) == 1     # a rerun does not retry
    again = jobs.submit("q", broken, retry=True)
    again.wait(10)
    assert again is not job and len(calls) == 2
    with pytest.raises(RuntimeError, match="no images"):
        jobs.result("q", broken)
    ok = jobs.submit("other", lambda progress: "fine")             # the worker survived
    assert ok.wait(10) and ok.result == "fine"


def test_a_full_queue_says_so():
    jobs, gate = Jobs(max_waiting=2), threading.Event()
    jobs.submit("x", _gated(1, gate, []))
    jobs.submit("y", _gated(2, gate, []))
    with pytest.raises(QueueFull):
        jobs.submit("z", _gated(3, gate, []))
    gate.set()
    assert jobs.result("y", None, timeout=10) == 2
    with pytest.raises(TimeoutError):
        Jobs().result("slow", _gated(0, threading.Event(), []), timeout=0.05)


def test_a_full_queue_can_drop_its_oldest_waiting_job():
    jobs, gate = Jobs(max_waiting=3, drop_oldest=True), threading.Event()
    running = jobs.submit("running", lambda progress: (progress(0.1), gate.wait(10), 0)[-1])
    while running.state == QUEUED:
        running.wait(0.01)
    old = jobs.submit("old", _gated(1, gate, []))
    jobs.submit("mid", _gated(2, gate, []))
    new = jobs.submit("new", _gated(3, gate, []))
    assert old.state == DROPPED and old.done and jobs.get("old") is None
    assert running.state == RUNNING and jobs.ahead(new) == 2
    again = jobs.submit("old", _gated(1, gate, []))     # asked again: queued anew
    assert again is not old and again.state == QUEUED
    gate.set()
    assert again.wait(10) and again.result == 1


def test_a_finished_job_lets_go_of_what_its_computation_held():
    """A kept result must not keep the network and the uploads its closure named alive."""
    import gc
    import weakref

    class Big:
        pass
    big = Big()
    held = weakref.ref(big)
    job = Jobs().submit("q", lambda progress, big=big: 42)
    del big
    assert job.wait(10) and job.result == 42
    gc.collect()
    assert job.run is None and held() is None


def _done_within(job, seconds: float = 5.0) -> bool:
    """Polls ``job.done`` (``Job.wait`` would count as wanting it)."""
    deadline = time.monotonic() + seconds
    while not job.done and time.monotonic() < deadline:
        time.sleep(0.02)
    return job.done


def _until_unwanted(progress):
    while progress.wanted():
        time.sleep(0.02)
    raise Abandoned("nobody looks at it")


def test_a_job_nobody_looks_at_is_dropped_and_asked_again_starts_anew():
    jobs = Jobs(abandon_after=0.3)
    job = jobs.submit("a", _until_unwanted)
    for _ in range(8):                 # a page's fragment looking again: still wanted
        time.sleep(0.1)
        job.look()
    assert not job.done and jobs.wanted(job)
    assert jobs.submit("a", _until_unwanted) is job      # asked for: the same job, looked at
    assert _done_within(job) and job.state == DROPPED
    assert jobs.get("a") is None and jobs.waiting() == 0
    again = jobs.submit("a", lambda progress: 7)
    assert again is not job and again.wait(5) and again.result == 7


def test_a_job_waited_for_is_wanted_and_one_alone_is_not():
    def slow(progress):
        time.sleep(0.6)
        if not progress.wanted():
            raise Abandoned("nobody looks at it")
        return 1
    jobs = Jobs(abandon_after=0.2)
    waited = jobs.submit("waited", slow)
    alone = jobs.submit("alone", slow)
    assert waited.wait(5) and waited.state == DONE and waited.result == 1
    assert _done_within(alone) and alone.state == DROPPED


def test_without_abandon_after_every_job_is_wanted():
    jobs = Jobs()
    job = jobs.submit("a", lambda progress: progress.wanted())
    job.looked -= 3600
    assert job.wait(5) and job.result is True


def test_waiting_while_a_job_moves_stops_when_it_stalls():
    """A page waits in its run for a sweep whose seeds keep coming, and stops waiting when
    none comes in time (a busy cluster), well before its longest wait."""
    jobs = Jobs()

    def steady(progress):            # a seed every 0.1 s: done after 1 s
        for i in range(1, 11):
            time.sleep(0.1)
            progress(i / 10)
        return "swept"
    moving = jobs.submit("steady", steady)
    assert moving.wait_while_moving(0.5, 0.5, 30) and moving.result == "swept"

    gate = threading.Event()

    def stalled(progress):           # one seed, then nothing until the gate opens
        progress(0.1)
        gate.wait(30)
        return "late"
    job = jobs.submit("stalled", stalled)
    start = time.monotonic()
    assert not job.wait_while_moving(0.5, 0.3, 30)
    assert time.monotonic() - start < 2.0 and not job.done
    never = jobs.submit("never", lambda progress: gate.wait(30))
    start = time.monotonic()
    assert not never.wait_while_moving(0.4, 0.3, 30)
    assert 0.35 < time.monotonic() - start < 2.0
    gate.set()
    assert job.wait(10) and never.wait(10)
