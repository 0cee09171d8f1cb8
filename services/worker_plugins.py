"""What every worker of the cluster runs with (registered by ``services.cluster.prepare``; a
restarted or later worker gets them from the scheduler).

- ``ReleasedArgumentsDropped``: a worker lets go of a task's arguments once the task's result
  is released. A Dask worker keeps a released task's state (``TaskState``) while a task that
  depends on it is still known there, and that state keeps the task's ``run_spec``: its
  function and arguments. A measurement's parts hang from the chain of steps that adds them
  up, so every part's state stayed until the measurement's end, and with it every image a set
  held by the caller sent with its parts (``services.measurement``): the whole set, once per
  pass, in the worker (23 MB at 2,000 images and 117 MB at 10,000, 64 px; bench/RESULTS.md,
  issue 21). A released task runs again only when the scheduler sends it anew, with its
  arguments, so the worker needs none of them. The scheduler keeps its own copy: it may have
  to compute a part again after a worker died.
- ``RefusalsNotLogged``: a task that refuses its input (an ``i18n.messages.Refusal``: a
  student's checkpoint that asks to run code, an image set with no image) is the page's to
  say, in the page's language. Dask's worker also logged each one as "Compute Failed" with a
  traceback, at ERROR, in the terminal a teacher started the app from.
"""
from __future__ import annotations

import logging

from distributed import WorkerPlugin


class ReleasedArgumentsDropped(WorkerPlugin):
    name = "manifold-lab-released-arguments-dropped"
    idempotent = True       # each process that connects registers it; the first one counts

    def setup(self, worker) -> None:
        self.state = worker.state

    def transition(self, key, start, finish, **kwargs) -> None:
        if finish == "released":
            ts = self.state.tasks.get(key)
            if ts is not None and ts.state == "released":
                ts.run_spec = None


class RefusalsNotLogged(WorkerPlugin):
    name = "manifold-lab-refusals-not-logged"
    idempotent = True

    def setup(self, worker) -> None:
        logger = logging.getLogger("distributed.worker")
        if not any(isinstance(f, _RefusalFilter) for f in logger.filters):
            logger.addFilter(_RefusalFilter())


class _RefusalFilter(logging.Filter):
    """Drops Dask's "Compute Failed" record of a task that raised a ``Refusal``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith("Compute Failed") or len(record.args or ()) < 4:
            return True
        exception_text = str(record.args[3])        # repr of the exception, as Dask keeps it
        return not exception_text.startswith(tuple(f"{name}(" for name in _refusal_names()))


def _refusal_names() -> set[str]:
    from i18n.messages import Refusal
    names, todo = set(), [Refusal]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo += cls.__subclasses__()
    return names
