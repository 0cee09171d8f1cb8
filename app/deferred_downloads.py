"""A deferred download's file kept until the browser has had time to fetch it (Streamlit 1.67).

A figure's download button makes its file only when clicked (``app/downloads.py``): the
browser asks over the websocket, Streamlit runs the callable and answers with a
``/media/...`` URL, which the browser then fetches. Streamlit stores that file referenced by
no session, and deletes unreferenced downloadable files at the second sweep of orphaned
files, which ends every session's script run. Under a class's load two other sessions' runs
can end between the file being made and its fetch, and the download fails with HTTP 404
(``bench/RESULTS.md``, "A lecture hall on one machine").

So each answered file is referenced, under a holder of its own that no session's run clears,
for ``KEEP_S`` seconds after it was made. (Kept for the asking session only, it was dropped
when that session's next full run started: a measurement finishing between the answer and
the fetch reruns the page, and one download of 60 still answered 404 under load.)
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from pathlib import PurePosixPath

from streamlit.runtime.backend_operation_handler import DeferredFileHandler

HOLDER = "manifold-lab-deferred-downloads"   # the references' "session": no run clears it
KEEP_S = 300.0     # a fetch under the heaviest load measured came within seconds
_made: OrderedDict = OrderedDict()          # file id -> time.monotonic() it was kept at
_made_lock = threading.Lock()


def keep(manager, url: str, now: float | None = None) -> None:
    """Reference the file at ``url`` (``/media/<id>.<ext>``) in ``manager`` (a
    ``MediaFileManager``) for ``KEEP_S`` seconds, and let go of those kept longer."""
    now = time.monotonic() if now is None else now
    file_id = PurePosixPath(url.split("?", 1)[0]).stem
    with _made_lock, manager._lock:
        held = manager._files_by_session_and_coord[HOLDER]
        while _made and next(iter(_made.values())) < now - KEEP_S:
            old, _ = _made.popitem(last=False)
            held.pop(old, None)
        if file_id in manager._file_metadata:
            held[file_id] = file_id
            _made[file_id] = now
            _made.move_to_end(file_id)


def install() -> None:
    """Once per process: answers to deferred downloads keep their file for ``KEEP_S``."""
    if getattr(DeferredFileHandler.handle, "keeps_file", False):
        return
    original = DeferredFileHandler.handle

    async def handle(self, request, session_id):
        response = await original(self, request, session_id)
        if response.deferred_file.url:
            keep(self._get_media_file_mgr(), response.deferred_file.url)
        return response
    handle.keeps_file = True
    handle.__wrapped__ = original
    DeferredFileHandler.handle = handle
