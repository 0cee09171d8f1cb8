"""A deferred download's file kept for the session that asked for it (Streamlit 1.67).

A figure's download button makes its file only when clicked (``app/downloads.py``): the
browser asks over the websocket, Streamlit runs the callable and answers with a
``/media/...`` URL, which the browser then fetches. Streamlit stores that file referenced by
no session, and deletes unreferenced downloadable files at the second sweep of orphaned
files, which ends every session's script run. Under a class's load two other sessions' runs
can end between the file being made and its fetch, and the download fails with HTTP 404
(``bench/RESULTS.md``, "A lecture hall on one machine"). Here the file is referenced by the
session that asked for it, under a coordinate of its own, until that session's next run
ends: its fetch comes first.
"""
from __future__ import annotations

from pathlib import PurePosixPath

from streamlit.runtime.backend_operation_handler import DeferredFileHandler

COORDINATE = "manifold-lab-deferred-download"


def keep_for_session(manager, session_id: str, url: str) -> None:
    """Reference the file at ``url`` (``/media/<id>.<ext>``) from ``session_id`` in
    ``manager`` (a ``MediaFileManager``): kept until that session's next run has ended."""
    file_id = PurePosixPath(url.split("?", 1)[0]).stem
    with manager._lock:
        if file_id in manager._file_metadata:
            manager._files_by_session_and_coord[session_id][
                f"{COORDINATE}-{file_id}"] = file_id


def install() -> None:
    """Once per process: answers to deferred downloads keep their file for the session."""
    if getattr(DeferredFileHandler.handle, "keeps_file", False):
        return
    original = DeferredFileHandler.handle

    async def handle(self, request, session_id):
        response = await original(self, request, session_id)
        if response.deferred_file.url:
            keep_for_session(self._get_media_file_mgr(), session_id, response.deferred_file.url)
        return response
    handle.keeps_file = True
    handle.__wrapped__ = original
    DeferredFileHandler.handle = handle
