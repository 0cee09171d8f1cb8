"""Live classes held in the Dask scheduler, so that every app replica on it sees the same ones.

Why the scheduler: the replicas behind the proxy share one Dask scheduler and nothing else
(``python -m app.cluster``); with plain ``python -m app`` the embedded scheduler lives in the
server's own process. A ``SchedulerPlugin`` holds one ``services.class_state.Classes`` there
and answers one RPC handler (``HANDLER``): the scheduler runs it on its event loop, one call
at a time, so a student's answer is checked and counted atomically (two replicas cannot both
count one student's answer, or the 501st student). Dask Variables would need a
read-modify-write from every replica, racing each other, and a lock per answer.

Where it comes from: ``dask scheduler --preload services.live_class`` (with the project on
the scheduler's ``PYTHONPATH``) runs ``dask_setup`` at the scheduler's start; otherwise (the
embedded cluster) the app's client registers the plugin at its first call.

The app calls ``call(action, **values)``; followers read the class through ``cached_view``,
one scheduler call per class per ``VIEW_CACHE_S`` for a whole replica, however many students
follow there.
"""
from __future__ import annotations

import logging
import threading
import time

from distributed.diagnostics.plugin import SchedulerPlugin

from i18n.messages import Refusal

from .class_state import Classes

HANDLER = "manifold_lab_live_class"
PLUGIN_NAME = "manifold-lab-live-class"
ACTIONS = ("start", "show", "open_poll", "close_poll", "results", "end", "view", "join",
           "answer")
VIEW_CACHE_S = 0.2        # a follower's poll every 0.5 s sees a change within 0.7 s
CALL_TIMEOUT_S = 10
log = logging.getLogger(__name__)


class ClassUnavailable(Refusal):
    """The cluster's scheduler holds no live classes (not started with the preload)."""


class LiveClassPlugin(SchedulerPlugin):
    """The scheduler's live classes, answered through ``HANDLER``."""

    name = PLUGIN_NAME
    idempotent = True

    def __init__(self):
        self.classes = Classes()

    async def start(self, scheduler) -> None:
        scheduler.handlers[HANDLER] = self.handle

    def handle(self, action: str = "", values: dict | None = None) -> dict:
        """One action on the classes (``ACTIONS``), its answer as ``Classes`` gives it."""
        if action not in ACTIONS or not isinstance(values, dict):
            return {"ok": False, "error": "bad_request"}
        try:
            return getattr(self.classes, action)(now=time.monotonic(), **values)
        except TypeError:            # a value the action does not take
            return {"ok": False, "error": "bad_request"}


def dask_setup(scheduler) -> None:
    """``dask scheduler --preload services.live_class``: the plugin from the start."""
    plugin = LiveClassPlugin()
    scheduler.add_plugin(plugin, name=PLUGIN_NAME, idempotent=True)
    scheduler.handlers[HANDLER] = plugin.handle


_registered_for = None     # the client the plugin was made sure of
_lock = threading.Lock()


def _ensure(client) -> None:
    """Make sure the scheduler of ``client`` answers ``HANDLER``: register the plugin unless
    a preload (or another replica) did. ``ClassUnavailable`` when the scheduler cannot."""
    global _registered_for
    with _lock:
        if _registered_for is client:
            return
        try:
            client.register_plugin(LiveClassPlugin(), name=PLUGIN_NAME)
        except Exception as e:  # noqa: BLE001 - the scheduler could not import the plugin
            log.warning("live classes unavailable: %s", e)
            raise ClassUnavailable("refusal.class.unavailable") from None
        _registered_for = client


def call(action: str, **values) -> dict:
    """``action`` on the cluster's live classes (``ACTIONS``): its answer, ``{"ok": ...}``."""
    from .cluster import client as cluster_client
    c = cluster_client()
    _ensure(c)
    answer = c.sync(c.scheduler.manifold_lab_live_class, action=action, values=values,
                    callback_timeout=CALL_TIMEOUT_S)
    if answer is None:                        # the scheduler forgot the handler (restarted)
        global _registered_for
        _registered_for = None
        raise ClassUnavailable("refusal.class.unavailable")
    return answer


_views: dict[str, tuple[float, dict]] = {}
_views_lock = threading.Lock()
MAX_CACHED_VIEWS = 256


def cached_view(code: str) -> dict:
    """``call("view", code=code)``, asked of the scheduler at most once per ``VIEW_CACHE_S``
    by this process (every follower on this replica shares the answer)."""
    now = time.monotonic()
    with _views_lock:
        hit = _views.get(code)
        if hit is not None and now - hit[0] < VIEW_CACHE_S:
            return hit[1]
    answer = call("view", code=code)
    with _views_lock:
        if len(_views) >= MAX_CACHED_VIEWS:
            _views.clear()
        _views[code] = (time.monotonic(), answer)
    return answer


def forget_view(code: str) -> None:
    """Drop this process's cached view of ``code`` (after the teacher's own change)."""
    with _views_lock:
        _views.pop(code, None)
