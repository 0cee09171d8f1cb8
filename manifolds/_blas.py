"""Run small linear algebra on one BLAS/OpenMP thread.

The matrices here are small (at most a few thousand x 256). On a 2-core machine shared with
other work, OpenBLAS's worker threads spin against each other: an SVD of 1000 x 256 took 5 s
with two threads and 0.03 s with one. One thread is never slower at these sizes.
"""
from __future__ import annotations

import functools

_controller = None


def _limit():
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController
        _controller = ThreadpoolController()
    return _controller.limit(limits=1)  # BLAS and OpenMP (scikit-learn) alike


def one_blas_thread(func):
    """Decorator: run ``func`` with BLAS limited to one thread, restoring it afterwards."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with _limit():
            return func(*args, **kwargs)
    return wrapper
