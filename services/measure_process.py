"""Data-set measurements in a process of their own, below the pages' priority.

``measure(query, chosen, uploads, progress)`` returns what ``services.evidence.measure`` returns,
computed in one long-lived worker process (``python -m services.measure_process``) that
this module starts on the first call and keeps for the next ones.

Why a process: a measurement is seconds of both cores, much of it Python between torch
calls. In a thread of the server, even at nice +10, it held Python's lock (the GIL) that every
page's script needs, so a class pressing "Measure" slowed every slider (``bench/load.py
--explore``: a third of the server's CPU). A process has its own lock, and its nice value
(``runtime.BACKGROUND_NICE``) then really puts the pages first: the operating system gives
the measurements what the pages leave.

The price is memory: the worker holds its own torch and its own copy of the networks it
measures (a few hundred MB), and frees the measurement's arrays after each job.

Protocol (pickle over the worker's stdin and stdout; both ends are this code):
``("measure", query, network, uploads)`` in; ``("progress", fraction, step)`` any number of
times, then ``("result", value)`` or ``("error", kind, message)`` out. ``network`` is
``("shipped", source)`` for a network trained here (the worker loads its own) or
``("state", WeightsId, classes, resolution, width_mult, state_dict)``. When the worker dies
mid-job, the job fails with a message and the next job starts a new worker.
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path

from .weights import Weights

ROOT = Path(__file__).resolve().parent.parent
# Networks measured at once in the worker: one leaves the second core to the pages, and holds
# one network's activations instead of two (240 images at 64 px: peak 677 MB instead of 901 MB,
# 11.2 s instead of 8.9 s on an idle 2-core machine: python bench/measure_workers.py).
WORKER_THREADS = 1


class WorkerDied(RuntimeError):
    """The worker process ended before it answered."""


def _portable(chosen: Weights) -> tuple:
    """What the worker needs to build ``chosen`` again, exactly."""
    from model.registry import SHIPPED
    if chosen.source in SHIPPED:
        return ("shipped", chosen.source)
    state = {k: v.detach().cpu() for k, v in chosen.model.state_dict().items()}
    return ("state", chosen.id, list(chosen.classes), int(chosen.resolution),
            float(chosen.width_mult), state)


def _rebuilt(network: tuple) -> Weights:
    from .weights import load_source
    if network[0] == "shipped":
        return load_source(network[1])
    from model.mobilenetv2 import mobilenet_v2
    _, wid, classes, resolution, width_mult, state = network
    model = mobilenet_v2(width_mult, len(classes))
    model.load_state_dict(state)
    return Weights(wid, model.eval(), classes, resolution, width_mult)


class Worker:
    """One worker process, started when first needed; one measurement at a time."""

    def __init__(self, command: list[str] | None = None):
        self.command = command or [sys.executable, "-m", "services.measure_process"]
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def _started(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(
                [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
            self._proc = subprocess.Popen(self.command, cwd=ROOT, env=env, stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE)
        return self._proc

    def measure(self, query, chosen: Weights, uploads=None, progress=None):
        """``services.evidence.measure(query, chosen, uploads, progress)``, in the worker.
        Its ValueErrors (a bad image set, say) come back as ValueErrors with their message;
        anything else as a RuntimeError."""
        request = ("measure", query, _portable(chosen), uploads)
        with self._lock:
            proc = self._started()
            try:
                pickle.dump(request, proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                proc.stdin.flush()
                while True:
                    reply = pickle.load(proc.stdout)
                    if reply[0] == "progress":
                        if progress is not None:
                            progress(reply[1], reply[2])
                        continue
                    break
            except (EOFError, OSError, pickle.UnpicklingError) as e:
                self._stop(proc)
                raise WorkerDied(f"the measuring process stopped (exit code {proc.poll()}): "
                                 f"{type(e).__name__}") from None
        if reply[0] == "result":
            return reply[1]
        kind, message = reply[1], reply[2]
        raise (ValueError if kind == "value" else RuntimeError)(message)

    def _stop(self, proc: subprocess.Popen) -> None:
        proc.kill()
        proc.wait()
        if self._proc is proc:
            self._proc = None

    def close(self) -> None:
        """End the worker (it also ends by itself when this process does: its stdin closes)."""
        with self._lock:
            if self._proc is not None:
                self._stop(self._proc)


WORKER = Worker()


def measure(query, chosen: Weights, uploads=None, progress=None):
    """``services.evidence.measure``, computed in the process's measuring worker."""
    return WORKER.measure(query, chosen, uploads, progress)


def _free_memory() -> None:
    """Give the finished measurement's memory back to the system (glibc keeps freed arenas)."""
    import ctypes
    import gc
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def serve(requests, replies) -> None:
    """The worker's loop: answer each request on ``requests`` (binary file) on ``replies``
    until ``requests`` ends."""
    from . import evidence as ev
    sending = threading.Lock()     # progress comes from the measurement's worker threads

    def send(message) -> None:
        with sending:
            pickle.dump(message, replies, protocol=pickle.HIGHEST_PROTOCOL)
            replies.flush()

    while True:
        try:
            _, query, network, uploads = pickle.load(requests)
        except EOFError:
            return
        try:
            value = ev.measure(query, _rebuilt(network), uploads, workers=WORKER_THREADS,
                               progress=lambda fraction, step: send(("progress", fraction, step)))
            reply = ("result", value)
        except ValueError as e:
            reply = ("error", "value", str(e))
        except Exception as e:  # noqa: BLE001 - the server shows it as the job's failure
            reply = ("error", "other", f"{type(e).__name__}: {e}")
        send(reply)
        del reply
        _free_memory()


def main() -> None:
    import runtime
    runtime.configure()
    runtime.background_priority()        # this thread's nice value; the threads it starts inherit it
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())   # a stray print must not break the protocol
    serve(sys.stdin.buffer, replies)


if __name__ == "__main__":
    main()
