"""Long computations as jobs the pages follow: a data-set measurement, the ReLU sweep.

A data-set measurement takes seconds of the cluster's cores, the ReLU page's 10-seed sweep up
to two. The pages submit such work and return at once, showing the job's place or its
progress, and draw the result when it is done (the page's fragment looks again every
second); presenter mode and the export wait for theirs. Each query value is computed once and
the result kept for every session (the newest ``keep``), so a class asking for the same thing
shares one computation.

>>> job = MEASUREMENTS.submit(query, run)   # run(progress) -> result; one job per equal query
>>> job.state, job.fraction, MEASUREMENTS.ahead(job)
>>> job.wait(timeout=10) and job.result

This is not a queue: ``run`` starts at once on a thread of its own that submits its tasks to
the Dask cluster (``services.remote``) and waits for them there; the cluster's scheduler
orders the work (batch priority, earlier submitted first) beside the pages' analyses. A job
counts as running from its first finished task.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Callable, Hashable

from i18n.messages import Refusal

QUEUED, RUNNING, DONE, FAILED, DROPPED = "queued", "running", "done", "failed", "dropped"
MAX_KEPT = 16       # finished jobs kept per queue (a measurement is a few hundred KB)
MAX_WAITING = 40    # queued jobs at most: a class of 30 with a spare each, then "try later"


class QueueFull(RuntimeError):
    """More than ``max_waiting`` jobs are waiting already."""


class Abandoned(RuntimeError):
    """Raised by a job's ``run`` when ``progress.wanted()`` turned False: nobody looked at
    the job for its queue's ``abandon_after`` seconds, and its work on the cluster was
    cancelled. The job is dropped; asked for again, it starts anew."""


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
    looked: float = field(default_factory=time.monotonic)   # a page last asked for it
    waiters: int = 0                                          # threads in ``wait`` now
    _finished: threading.Event = field(default_factory=threading.Event, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def done(self) -> bool:
        """Finished, failed, or dropped from a full queue (submitting its query again queues
        it anew)."""
        return self.state in (DONE, FAILED, DROPPED)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job is done or failed (True), or ``timeout`` seconds pass (False).
        A job waited for is wanted (``Jobs.wanted``)."""
        with self._lock:
            self.waiters += 1
        try:
            return self._finished.wait(timeout)
        finally:
            with self._lock:
                self.waiters -= 1
                self.looked = time.monotonic()

    def wait_while_moving(self, first: float, each: float, at_most: float) -> bool:
        """Like ``wait``, but only while the job moves: its ``fraction`` first grows within
        ``first`` seconds, then again within every ``each`` seconds, ``at_most`` seconds in
        all. True when it is done."""
        deadline = time.monotonic() + at_most
        seen, gap = self.fraction, first
        while not self.wait(max(0.0, min(gap, deadline - time.monotonic()))):
            if self.fraction == seen or time.monotonic() >= deadline:
                return False
            seen, gap = self.fraction, each
        return True

    def look(self) -> None:
        """A page still shows this job (its fragment looked again)."""
        self.looked = time.monotonic()

    def progress(self, fraction: float, step: str = "") -> None:
        self.fraction, self.step = min(1.0, max(0.0, float(fraction))), str(step)


class Jobs:
    """The process's jobs of one kind by query value. ``name`` names their threads (what a
    profiler shows). When ``max_waiting`` are unfinished, a new one is refused
    (``QueueFull``), or with ``drop_oldest`` the oldest one not yet running is dropped
    instead: for work whose asker has most likely moved on (a sweep for settings changed
    since); its tasks still finish on the cluster, their result unused.

    ``abandon_after``: a job that nobody has asked for (``submit``), looked at (``Job.look``)
    or waited for in that many seconds is not wanted any more (``wanted``); its ``run``
    sees that through ``progress.wanted()``, cancels its tasks and raises ``Abandoned``."""

    def __init__(self, name: str = "jobs", *, keep: int = MAX_KEPT,
                 max_waiting: int = MAX_WAITING, drop_oldest: bool = False,
                 abandon_after: float | None = None):
        if keep < 1 or max_waiting < 1:
            raise ValueError(f"keep and max_waiting must be >= 1, got {keep}, {max_waiting}")
        self.name, self.keep, self.max_waiting = name, keep, max_waiting
        self.drop_oldest, self.abandon_after = drop_oldest, abandon_after
        self._jobs: OrderedDict[Hashable, Job] = OrderedDict()   # every job, oldest first
        self._order: list[Job] = []          # unfinished jobs, oldest first
        self._lock = threading.Lock()
        # (waited, ran) seconds of the latest finished jobs, for the benches
        self.timings: deque[tuple[float, float]] = deque(maxlen=1000)

    def get(self, query: Hashable) -> Job | None:
        """The job for ``query`` if one was submitted and is still kept."""
        with self._lock:
            job = self._jobs.get(query)
            if job is not None:
                self._jobs.move_to_end(query)
            return job

    def submit(self, query: Hashable, run: Callable, *, retry: bool = False) -> Job:
        """The job for ``query``: the kept or unfinished one, else a new one started now
        (the cluster orders the work: ``run`` gives its tasks their priority). A failed one is tried again only with ``retry`` (a page showing the failure
        must not start it again on every rerun). QueueFull when ``max_waiting`` are
        unfinished (``drop_oldest``: the oldest one not yet running is dropped instead)."""
        with self._lock:
            job = self._jobs.get(query)
            if job is not None and (job.state != FAILED or not retry):
                self._jobs.move_to_end(query)
                job.look()
                return job
            unfinished = [j for j in self._jobs.values() if not j.done]
            if len(unfinished) >= self.max_waiting:
                waiting = [j for j in unfinished if j.state == QUEUED]
                if not self.drop_oldest or not waiting:
                    raise QueueFull(f"{len(unfinished)} jobs are waiting already")
                self._drop(waiting[0])
            job = self._jobs[query] = Job(query, run)
            self._order.append(job)
            self._forget_old()
        threading.Thread(target=self._work, args=(job,), daemon=True,
                         name=f"manifold-lab {self.name}").start()
        return job

    def forget(self, query: Hashable) -> None:
        """Drop the finished job of ``query`` (an unfinished one stays), so that the query
        can be submitted anew: a download whose file has been deleted since."""
        with self._lock:
            job = self._jobs.get(query)
            if job is not None and job.done:
                del self._jobs[query]

    def ahead(self, job: Job) -> int:
        """How many unfinished jobs were submitted before ``job`` (0 once it runs)."""
        with self._lock:
            if job.state != QUEUED:
                return 0
            before = self._order[:self._order.index(job)] if job in self._order else []
            return sum(not j.done for j in before)

    def wanted(self, job: Job) -> bool:
        """Whether anyone still wants ``job``: waited for now, or asked for or looked at in
        the last ``abandon_after`` seconds (always, without ``abandon_after``)."""
        if job.state == DROPPED:
            return False
        return (self.abandon_after is None or job.waiters > 0
                or time.monotonic() - job.looked <= self.abandon_after)

    def waiting(self) -> int:
        """Jobs not finished yet."""
        with self._lock:
            return sum(not j.done for j in self._order)

    def result(self, query: Hashable, run: Callable, timeout: float | None = None):
        """Submit (or find) ``query`` and wait for its result; raises the job's failure as
        ``RuntimeError`` and ``TimeoutError`` when ``timeout`` seconds pass first."""
        job = self.submit(query, run, retry=True)
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

    def _drop(self, job: Job) -> None:
        """``job`` dropped (under the lock): forgotten, so that asking for its query again
        starts a new one, its waiters woken, its computation's closure let go of."""
        job.state, job.finished, job.run = DROPPED, time.monotonic(), None
        if self._jobs.get(job.query) is job:
            del self._jobs[job.query]
        if job in self._order:
            self._order.remove(job)
        job._finished.set()

    def _work(self, job: Job) -> None:
        def progress(fraction: float, step: str = "") -> None:
            if job.state == QUEUED and fraction > 0:
                with self._lock:
                    if job.state == QUEUED:
                        job.state, job.started = RUNNING, time.monotonic()
            job.progress(fraction, step)
        progress.wanted = lambda: self.wanted(job)
        try:
            result, error, state = job.run(progress), None, DONE
        except Abandoned:
            with self._lock:
                self._drop(job)
            return
        except Exception as e:  # noqa: BLE001 - one failing job must not stop the others
            # A Refusal is kept whole: the page says it in its language.
            error = (e if isinstance(e, Refusal) else str(e) if isinstance(e, ValueError)
                     else f"{type(e).__name__}: {e}")
            result, state = None, FAILED
        with self._lock:
            if job.state == DROPPED:
                return
            job.result, job.error, job.state = result, error, state
            job.finished = time.monotonic()
            job.started = job.started or job.finished
            job.run = None     # its closure holds the network and the uploads: let them go
            self.timings.append((job.started - job.submitted, job.finished - job.started))
            self._order = [j for j in self._order if not j.done]
            self._forget_old()
        job._finished.set()


# The live page's data-set evidence.
MEASUREMENTS = Jobs("measurements")
# The ReLU page's information-loss sweep. A class changing its settings on that page left
# every earlier settings' sweep queued on the cluster, ahead of the data-set measurements:
# one nobody looks at for a while is cancelled there (bench/RESULTS.md, issue 21).
SWEEP_ABANDON_S = 15.0
SWEEPS = Jobs("sweeps", keep=32, drop_oldest=True, abandon_after=SWEEP_ABANDON_S)
