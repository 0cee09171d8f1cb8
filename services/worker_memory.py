"""A worker lets go of a task's arguments once the task's result is released.

A Dask worker keeps a released task's state (``TaskState``) while a task that depends on it is
still known there, and that state keeps the task's ``run_spec``: its function and arguments.
A measurement's parts hang from the chain of steps that adds them up, so every part's state
stayed until the measurement's end, and with it every image a set held by the caller sent with
its parts (``services.measurement``): the whole set, once per pass, in the worker (23 MB at
2,000 images and 117 MB at 10,000, 64 px; bench/RESULTS.md, issue 21). A released task runs
again only when the scheduler sends it anew, with its arguments, so the worker needs none of
them. The scheduler keeps its own copy: it may have to compute a part again after a worker
died.
"""
from __future__ import annotations

from distributed import WorkerPlugin


class ReleasedArgumentsDropped(WorkerPlugin):
    """Registered by ``services.cluster.prepare`` on every worker of the cluster."""

    name = "manifold-lab-released-arguments-dropped"
    idempotent = True       # each process that connects registers it; the first one counts

    def setup(self, worker) -> None:
        self.state = worker.state

    def transition(self, key, start, finish, **kwargs) -> None:
        if finish == "released":
            ts = self.state.tasks.get(key)
            if ts is not None and ts.state == "released":
                ts.run_spec = None
