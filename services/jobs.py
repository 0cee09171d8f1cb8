"""Long computations as queued jobs: one worker per queue, below the pages' priority.

A data-set measurement (``services.evidence.measure_networks``) takes seconds of both cores,
the ReLU page's 10-seed sweep up to two. The pages submit such work and return at once,
showing the job's place in the queue or its progress, and draw the result when it is done
(the page's fragment looks again every second); presenter mode and the export wait for theirs.
Each query value is computed once and the result kept for every session (the newest ``keep``),
so a class asking for the same thing shares one computation.

>>> job = MEASUREMENTS.submit(query, run)   # run(progress) -> result; one job per equal query
>>> job.state, job.fraction, MEASUREMENTS.ahead(job)
>>> job.wait(timeout=10) and job.result

Each queue's worker thread runs at background priority (``runtime.background_priority``):
while any page's script is computing, the operating system serves it first, so a queue of
measurements does not hold up the sliders; on an idle machine the jobs get the cores. A
measurement's job itself hands the work to a process of its own
(``services.worker_process``): in a thread it would still hold Python's lock (the GIL)
that the pages' scripts wait for, whatever its priority.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Callable, Hashable

import runtime
from i18n.messages import Refusal

QUEUED, RUNNING, DONE, FAILED, DROPPED = "queued", "running", "done", "failed", "dropped"
MAX_KEPT = 16       # finished jobs kept per queue (a measurement is a few hundred KB)
MAX_WAITING = 40    # queued jobs at most: a class of 30 with a spare each, then "try later"


class QueueFull(RuntimeError):
    """More than ``max_waiting`` jobs are waiting already."""


@dataclass(eq=False)
class Job:
    """One measurement. ``run(progress)`` computes it; ``progress(fraction, step)`` updates
    ``fraction`` (0..1) and ``step`` (what it is doing, e.g. the network being measured).
    Times are ``time.monotonic()`` seconds; ``error`` is the failure's message."""
    query: Hashable
    run: Callable
    submitted: float = field(default_factory=time.monotonic)
    state: str = QUEUED
    fraction: float = 0.0
    step: str = ""
    started: float | None = None
    finished: float | None = None
    result: object = None
    error: str | Refusal | None = None
    _finished: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def done(self) -> bool:
        """Finished, failed, or dropped from a full queue (submitting its query again queues
        it anew)."""
        return self.state in (DONE, FAILED, DROPPED)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job is done or failed (True), or ``timeout`` seconds pass (False)."""
        return self._finished.wait(timeout)

    def progress(self, fraction: float, step: str = "") -> None:
        self.fraction, self.step = min(1.0, max(0.0, float(fraction))), str(step)


class Jobs:
    """One queue of the process's jobs by query value: they run one at a time, in order.
    ``name`` names its worker thread (what a profiler shows). When ``max_waiting`` jobs wait,
    a new one is refused (``QueueFull``), or with ``drop_oldest`` the longest-waiting one is
    dropped instead: for work whose asker has most likely moved on (a sweep for settings
    changed since)."""

    def __init__(self, name: str = "jobs", *, keep: int = MAX_KEPT,
                 max_waiting: int = MAX_WAITING, background: bool = True,
                 drop_oldest: bool = False):
        if keep < 1 or max_waiting < 1:
            raise ValueError(f"keep and max_waiting must be >= 1, got {keep}, {max_waiting}")
        self.name, self.keep, self.max_waiting, self.background = name, keep, max_waiting, background
        self.drop_oldest = drop_oldest
        self._jobs: OrderedDict[Hashable, Job] = OrderedDict()   # every job, oldest first
        self._queue: deque[Job] = deque()
        self._lock = threading.Condition()
        self._worker: threading.Thread | None = None
        # (waited, ran) seconds of the latest finished jobs, for the benches
        self.timings: deque[tuple[float, float]] = deque(maxlen=1000)

    def get(self, query: Hashable) -> Job | None:
        """The job for ``query`` if one was submitted and is still kept."""
        with self._lock:
            job = self._jobs.get(query)
            if job is not None:
                self._jobs.move_to_end(query)
            return job

    def submit(self, query: Hashable, run: Callable, *, retry: bool = False,
               first: bool = False) -> Job:
        """The job for ``query``: the kept or waiting one, else a new one queued behind the
        others (``first``: ahead of them, e.g. the lecture's figure a teacher is waiting
        for); a failed one is tried again only with ``retry`` (a page showing the failure
        must not start it again on every rerun). QueueFull when ``max_waiting`` are waiting."""
        with self._lock:
            job = self._jobs.get(query)
            if job is not None and (job.state != FAILED or not retry):
                self._jobs.move_to_end(query)
                if first and job.state == QUEUED and self._queue[0] is not job:
                    self._queue.remove(job)
                    self._queue.appendleft(job)
                return job
            if len(self._queue) >= self.max_waiting:
                if not self.drop_oldest:
                    raise QueueFull(f"{len(self._queue)} jobs are waiting already")
                dropped = self._queue.popleft()
                dropped.state, dropped.finished, dropped.run = DROPPED, time.monotonic(), None
                self._jobs.pop(dropped.query, None)
                dropped._finished.set()
            job = self._jobs[query] = Job(query, run)
            if first:
                self._queue.appendleft(job)
            else:
                self._queue.append(job)
            self._forget_old()
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, daemon=True,
                                                name=f"manifold-lab {self.name}")
                self._worker.start()
            self._lock.notify()
            return job

    def ahead(self, job: Job) -> int:
        """How many jobs run before ``job`` starts (the running one included)."""
        with self._lock:
            if job.state != QUEUED:
                return 0
            running = any(j.state == RUNNING for j in self._jobs.values())
            return list(self._queue).index(job) + running if job in self._queue else 0

    def waiting(self) -> int:
        """Jobs queued or running now."""
        with self._lock:
            return len(self._queue) + sum(j.state == RUNNING for j in self._jobs.values())

    def result(self, query: Hashable, run: Callable, timeout: float | None = None, *,
               first: bool = False):
        """Submit (or find) ``query`` and wait for its result; raises the job's failure as
        ``RuntimeError`` and ``TimeoutError`` when ``timeout`` seconds pass first."""
        job = self.submit(query, run, retry=True, first=first)
        if not job.wait(timeout):
            raise TimeoutError(f"the measurement did not finish in {timeout} s")
        if job.state == FAILED:
            raise RuntimeError(job.error)
        return job.result

    def _forget_old(self) -> None:
        """Drop the oldest finished jobs beyond ``keep`` (waiting ones are never dropped)."""
        finished = [q for q, j in self._jobs.items() if j.done]
        for query in finished[:max(0, len(finished) - self.keep)]:
            del self._jobs[query]

    def _work(self) -> None:
        if self.background:
            runtime.background_priority()
        while True:
            with self._lock:
                while not self._queue:
                    self._lock.wait()
                job = self._queue.popleft()
                job.state, job.started = RUNNING, time.monotonic()
            try:
                result, error, state = job.run(job.progress), None, DONE
            except Exception as e:  # noqa: BLE001 - one failing job must not stop the queue
                # A Refusal is kept whole: the page says it in its language.
                error = (e if isinstance(e, Refusal) else str(e) if isinstance(e, ValueError)
                         else f"{type(e).__name__}: {e}")
                result, state = None, FAILED
            with self._lock:
                job.result, job.error, job.state = result, error, state
                job.finished = time.monotonic()
                job.run = None     # its closure holds the network and the uploads: let them go
                self.timings.append((job.started - job.submitted, job.finished - job.started))
                self._forget_old()
            job._finished.set()


# The live page's data-set evidence, one at a time: each holds up to ``model.evidence``'s image
# memory (512 MB) and both cores for seconds.
MEASUREMENTS = Jobs("measurements")
SWEEPS = Jobs("sweeps", keep=32, drop_oldest=True)   # the ReLU page's information-loss sweep
