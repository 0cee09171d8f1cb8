"""A figure's deferred download keeps its file until the browser has fetched it, however many
other sessions' runs end in between (``app/deferred_downloads.py``; Streamlit 1.67 deletes an
unreferenced downloadable file at the second sweep of orphaned files): for ``KEEP_S`` seconds."""
import asyncio

import pytest
from streamlit.proto.BackMsg_pb2 import BackendOperationRequest
from streamlit.runtime.backend_operation_handler import DeferredFileHandler
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from app import deferred_downloads

pytestmark = pytest.mark.unit


def _click(handle, manager: MediaFileManager, session: str,
           content: bytes = b"n,lost\n5,0.012\n") -> str:
    """A download button's file made for ``session``, as its click asks; its file id."""
    placeholder = manager.add_deferred(lambda: content, "text/csv", "fig", "f.csv")
    request = BackendOperationRequest(request_id="1", session_id=session)
    request.deferred_file.file_id = placeholder
    response = asyncio.run(handle(DeferredFileHandler(lambda: manager), request, session))
    assert response.deferred_file.url.startswith("/media/")
    return response.deferred_file.url.rsplit("/", 1)[1].split(".")[0]


def _other_sessions_runs_end(manager: MediaFileManager, runs: int = 3) -> None:
    for _ in range(runs):
        manager.remove_orphaned_files()


def test_streamlit_alone_loses_the_file_when_two_other_runs_end_first():
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    original = getattr(DeferredFileHandler.handle, "__wrapped__", DeferredFileHandler.handle)
    file_id = _click(original, manager, "student")
    _other_sessions_runs_end(manager)
    with pytest.raises(Exception):
        manager._storage.get_file(file_id)


def test_the_file_is_kept_through_every_run_until_its_time_is_up(monkeypatch):
    """Other sessions' runs, and the asking session's own next full run (which clears its
    references: a finished measurement reruns the page), leave the file; once it has been
    kept ``KEEP_S`` seconds, the next kept file lets it go and the sweeps delete it."""
    deferred_downloads.install()
    deferred_downloads.install()                 # once, however often the script runs
    clock = [1000.0]
    monkeypatch.setattr(deferred_downloads.time, "monotonic", lambda: clock[0])
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    file_id = _click(DeferredFileHandler.handle, manager, "student")
    manager.clear_session_refs("student")        # the student's next full run started
    _other_sessions_runs_end(manager)
    assert manager._storage.get_file(file_id).content == b"n,lost\n5,0.012\n"
    clock[0] += deferred_downloads.KEEP_S - 1
    _other_sessions_runs_end(manager)
    assert manager._storage.get_file(file_id).content == b"n,lost\n5,0.012\n"
    clock[0] += 2                                # past its time: nothing is kept for ever
    later = _click(DeferredFileHandler.handle, manager, "another student", b"n,lost\n6,0.02\n")
    _other_sessions_runs_end(manager)
    with pytest.raises(Exception):
        manager._storage.get_file(file_id)
    assert manager._storage.get_file(later).content == b"n,lost\n6,0.02\n"
