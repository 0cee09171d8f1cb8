"""The process's runtime policy, set once at start: ``configure()``.

Called by every entry point (the app's ``app/main.py``, ``python -m app.export``, each
command line in ``model/``, the test session's ``tests/conftest.py``) before any work, and
never per call: thread counts are process-global, and setting them around calls while other
sessions' threads compute (presenter mode builds figures on background threads) made a page's
numbers depend on what another session was doing.

The policy, and why:

- **One torch intra-op thread, one BLAS / OpenMP thread.** This app is served from shared
  2-core machines. A 2-thread op stalls whenever another process holds one core (its threads
  wait for each other at every barrier): an SVD took seconds with two BLAS threads and
  hundredths of a second with one, and live analyses stalled for seconds with two torch
  threads and never with one (``bench/live_page.py --threads``; the numbers:
  ``bench/RESULTS.md``, "Numbers behind the code's comments"). Concurrent sessions still use
  both cores, one each. It also makes float sums (a convolution's, a covariance's)
  the same in the page, the export and the tests.
- **Long batch work runs below the pages' priority.** A data-set measurement takes seconds of
  both cores; a class pressing "Measure" together would otherwise hold every student's slider
  for minutes. Data-set measurements and the ReLU sweep run on the Dask cluster as batch
  tasks (``services.remote``), computed in each worker on threads that call
  ``background_priority()`` once, when they start (``services.tasks.in_background``), so the
  operating system serves the pages' analyses first and the batch work with what is left;
  the worker calls ``configure(worker=True)`` itself. Not in the server: a nice thread there
  would still hold the GIL the pages need.
- **At most two malloc arenas** (``MALLOC_ARENAS``): one per thread, glibc's default, let a
  server with a script thread per session keep memory that other threads freed. In the
  server (``serving=True``), large blocks are given back to the system when freed
  (``MMAP_THRESHOLD``); in a Dask worker (``worker=True``), very large ones
  (``WORKER_MMAP_THRESHOLD``).
- **Pillow's decompression-bomb limit** is ``MAX_IMAGE_PIXELS`` (``model/images.py`` also
  checks sizes itself from the header, before decoding), and truncated files are refused.

torch is not imported here: the home and ReLU pages draw without it. When torch is not loaded
yet, the environment variables it reads at start-up carry the policy; when it is, it is set
directly. Either way ``torch.get_num_threads()`` is ``threads`` afterwards.
"""
from __future__ import annotations

import os
import sys

THREADS = 1
BACKGROUND_NICE = 10   # added to a background thread's nice value (0 is normal, 19 the lowest)
MAX_IMAGE_PIXELS = 50_000_000   # 50 megapixels: larger than any camera photo people upload
# glibc gives each thread that allocates its own memory arena (up to 8 per core), and the
# server runs a script thread per session: memory freed in one arena is not reused by the
# others. Two arenas lowered the server's peak in a class run (noisy; see bench/RESULTS.md,
# "Numbers behind the code's comments").
MALLOC_ARENAS = 2
# The server frees many large short-lived blocks (figure JSON, pickled cache entries, images).
# glibc's default raises its mmap threshold to 32 MB after the first such free, and from then
# on keeps them in the heap, which it rarely gives back: a class run's server held hundreds of
# MB freed but kept. A fixed threshold keeps a few tens and lowers its peak. Not in the worker
# process: its torch tensors, mmapped anew at every op, cost it much more CPU. (Numbers:
# bench/RESULTS.md, "Numbers behind the code's comments".)
MMAP_THRESHOLD = 256 << 10
# The worker's: only blocks of 4 MB and more (a measurement's large activations) get pages of
# their own: a lower worker peak at the same CPU; at the server's 256 KB the peak was lower
# still, but the CPU far higher and data-set results twice as late (bench/RESULTS.md,
# "Numbers behind the code's comments").
WORKER_MMAP_THRESHOLD = 4 << 20
TRIM_THRESHOLD = 8 << 20
M_ARENA_MAX = -8        # glibc's mallopt parameter numbers (malloc.h)
M_MMAP_THRESHOLD = -3
M_TRIM_THRESHOLD = -1
_THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
_configured: dict | None = None
_blas_limit = None   # the threadpoolctl limiter, kept alive: dropping it would not undo it


def configure(threads: int = THREADS, *, serving: bool = False, worker: bool = False) -> dict:
    """Apply the policy to this process (idempotent; a second call with other values
    applies those). ``serving``: this process is the app's server; ``worker``: its worker
    process (``_return_large_blocks``). Returns what was set: {"threads", "torch_threads",
    "serving", "worker"}."""
    global _configured, _blas_limit
    if int(threads) != threads or threads < 1:
        raise ValueError(f"threads must be an integer >= 1, got {threads!r}")
    threads = int(threads)
    if _configured is not None and _configured["threads"] == threads and (
            _configured["serving"] or not serving) and (_configured["worker"] or not worker):
        return _configured
    for var in _THREAD_VARS:   # read by torch, OpenBLAS and OpenMP when they start
        os.environ[var] = str(threads)
    from threadpoolctl import threadpool_limits
    _blas_limit = threadpool_limits(limits=threads)   # for those already loaded (numpy)
    torch_threads = None
    if "torch" in sys.modules:
        import torch
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
        torch_threads = torch.get_num_threads()
    _limit_malloc_arenas(MALLOC_ARENAS)
    if serving:
        _return_large_blocks(MMAP_THRESHOLD)
    elif worker:
        _return_large_blocks(WORKER_MMAP_THRESHOLD)
    from PIL import Image, ImageFile
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS     # Pillow warns above it, refuses above 2x
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    _configured = dict(threads=threads, torch_threads=torch_threads,
                       serving=bool(serving or (_configured or {}).get("serving")),
                       worker=bool(worker or (_configured or {}).get("worker")))
    return _configured


def _limit_malloc_arenas(arenas: int) -> bool:
    """At most ``arenas`` glibc malloc arenas from now on (threads started later share them);
    False where the C library is not glibc."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    try:
        return bool(ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, int(arenas)))
    except (OSError, AttributeError):
        return False


def _return_large_blocks(threshold: int) -> bool:
    """glibc malloc: blocks of ``threshold`` bytes or more get pages of their own, given back
    to the system when freed, and the heap is trimmed above ``TRIM_THRESHOLD``. False where
    the C library is not glibc."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, int(threshold))
                    and libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    except (OSError, AttributeError):
        return False


def background_priority(nice: int = BACKGROUND_NICE) -> bool:
    """Lower the calling thread's scheduling priority by ``nice`` (Linux: the nice value is
    per thread, and threads it starts inherit it). For a worker thread's start, never for a
    page's thread: a thread cannot raise its priority again. Returns False where the system
    has no per-thread priority (the work then runs at normal priority)."""
    import threading
    if int(nice) != nice or not 0 <= nice <= 19:
        raise ValueError(f"nice must be an integer in 0..19, got {nice!r}")
    if not sys.platform.startswith("linux"):
        return False
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + int(nice)))
    except OSError:
        return False
    return True
