"""The torch work of the pages in a process of their own: live analyses and data-set measurements.

``WORKER`` is one long-lived worker process (``python -m services.worker_process``), started on
the first call and kept for the next ones, that every session of the server shares:

- ``analyze(kind, weights, *args)``: the live page's analyses of one image (``ANALYSES``: its
  top-5, its dimension profile, one block's channels), at normal priority, each as soon as it
  arrives (``ANALYSIS_THREADS`` at a time); ``describe`` reads a published or uploaded
  checkpoint here, so that the server never imports torch;
- ``compute(name, *args)``: the block page's torch work (``COMPUTATIONS`` in
  ``services.block``), as the analyses;
- ``measure(query, chosen, uploads, progress)``: what ``services.evidence.measure`` returns,
  one at a time on a thread at nice +10, and paused while any analysis is waiting;
- ``sweep(arguments)``: the ReLU page's information-loss sweep (``manifolds.sweep``), one at
  a time on another thread at nice +10, started when no analysis is waiting.

Why a process: torch lets go of Python's lock (the GIL) at every op and must get it back
after; in the server, where other sessions' scripts run Python, each op then waited for them,
and a 0.03 s analysis took seconds (``python bench/gil_switch.py``). A measurement in a
server thread, even at nice +10, held the same lock against every page. Here the pages'
threads wait on a pipe (without the lock), the worker has its own lock, and its measurements
really run below the pages (a nice value orders the operating system's threads, not Python's
lock).

Memory: torch and the networks live here only (the server describes networks, ``Weights``
with no module, and prepares inputs with numpy): the shipped networks, built on first use,
and the last ``KEPT_NETWORKS`` others; a measurement's arrays are freed after it.

Protocol (pickle over the worker's stdin and stdout; both ends are this module): in,
``(id, "analyze", (kind, network, args))``, ``(id, "compute", (name, args, kwargs))``,
``(id, "measure", (query, network, uploads))`` or
``(id, "sweep", (arguments,))``;
out, ``(id, "progress", fraction, step)`` any number of times, then ``(id, "result", value)``
or ``(id, "error", kind, message)`` (a ``Refusal`` is sent whole, for the page to say in its
language). ``network`` says how to build the network again
(``portable``). When the worker dies, its calls fail with ``WorkerDied`` (an analysis is tried
once more, in a new worker) and the next call starts a new one.
"""
from __future__ import annotations

import itertools
import os
import pickle
import subprocess
import sys
import threading
from collections import OrderedDict
from pathlib import Path

from typing import TYPE_CHECKING

from i18n.messages import Own, Refusal

if TYPE_CHECKING:   # nothing from torch or the model at import: the ReLU page draws without it
    from .weights import Weights

ROOT = Path(__file__).resolve().parent.parent
# Networks measured at once: one leaves a core to the pages, and holds one network's
# activations instead of two (240 images at 64 px: peak 677 MB instead of 901 MB, 11.2 s
# instead of 8.9 s on an idle 2-core machine: python bench/measure_workers.py).
WORKER_THREADS = 1
ANALYSIS_THREADS = 2      # analyses at once: the machine's two cores
KEPT_NETWORKS = 8         # networks other than the shipped ones the worker keeps built


class WorkerDied(Refusal):
    """The worker process ended before it answered. A ValueError, as every other failure of a
    computation, so that the pages show it as an error message (in their language)."""


# -- what crosses the pipe ----------------------------------------------------------------------
def portable(weights: Weights) -> tuple:
    """How the worker builds ``weights``' network again, exactly: by name for the shipped and
    the published ones, by seed and architecture for a random one, by its state otherwise."""
    from model.registry import IMAGENET, SHIPPED
    arch = (list(weights.classes), int(weights.resolution), float(weights.width_mult))
    if weights.source in SHIPPED or weights.source in IMAGENET:
        return ("named", weights.id)      # ImageNet's: only once its file is here (it was)
    if weights.source == "random":
        return ("random", weights.id, *arch)
    if weights.upload is not None:         # the server's description of an uploaded file
        return ("upload", weights.id, *weights.upload)
    state = {k: v.detach().cpu() for k, v in weights.model.state_dict().items()}
    return ("state", weights.id, *arch, state)


_networks: OrderedDict = OrderedDict()      # in the worker: WeightsId -> Weights
_networks_lock = threading.Lock()


def _rebuilt(network: tuple) -> Weights:
    """In the worker: the network ``portable`` described (kept for the next calls)."""
    from model.registry import SHIPPED

    from .weights import Weights, WeightsId, load_source
    kind, wid = network[0], network[1]   # kinds: "named", "random", "upload", "state"
    if kind == "named" and wid.source in SHIPPED:
        return load_source(wid.source)      # the shipped ones are held once by load_source
    with _networks_lock:
        if wid in _networks:
            _networks.move_to_end(wid)
            return _networks[wid]
    if kind == "named":
        built = load_source(wid.source)     # a published checkpoint, from the local cache
    elif kind == "upload":
        data, name = network[2:4]
        built = load_source("upload", upload=data, upload_name=name)
    elif kind == "random":
        classes, resolution, width_mult = network[2:5]
        like = Weights(wid.like or WeightsId("none"), None, classes, resolution, width_mult)
        built = load_source("random", seed=wid.seed, like=like)
        built = Weights(wid, built.model, classes, resolution, width_mult)
    else:
        from model.mobilenetv2 import mobilenet_v2
        classes, resolution, width_mult = network[2:5]
        model = mobilenet_v2(width_mult, len(classes))
        model.load_state_dict(network[5])
        built = Weights(wid, model.eval(), classes, resolution, width_mult)
    with _networks_lock:
        _networks[wid] = built
        while len(_networks) > KEPT_NETWORKS:
            _networks.popitem(last=False)
    return built


def _top5(w: Weights, x):
    from .live import predictions
    return predictions(w.model, x, w.classes, k=5)


def _profile(w: Weights, x, estimator: str, seed: int):
    from .live import analyze_profile
    return analyze_profile(w.model, x, estimator, seed)


def _channels(w: Weights, x, block: int, probe: str):
    from .live import channel_activations
    return channel_activations(w.model, x, block, probe)


def _description(w: Weights):
    w.model                                # built (and checked) now, kept for the analyses
    return list(w.classes), int(w.resolution), float(w.width_mult)


ANALYSES = {"top5": _top5, "profile": _profile, "channels": _channels,
            "describe": _description}
# The block page's torch work, by name in ``services.block``: nothing of the server's crosses
# but the arguments (a width-1.0 network built per seed, layers timed, shipped networks run).
COMPUTATIONS = ("option_rows", "split_rows", "ablation_profiles")


# -- the server's side ----------------------------------------------------------------------------
class _Call:
    def __init__(self, progress):
        self.progress, self.reply, self.done = progress, None, threading.Event()
        self.proc: subprocess.Popen | None = None


class Worker:
    """One worker process, started when first needed; any number of calls at once."""

    def __init__(self, command: list[str] | None = None):
        self.command = command or [sys.executable, "-m", "services.worker_process"]
        self._proc: subprocess.Popen | None = None
        self._calls: dict[int, _Call] = {}
        self._ids = itertools.count()
        self._lock = threading.Lock()           # the process and the calls waiting on it
        self._sending = threading.Lock()

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    def _started(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(
                [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
            self._proc = subprocess.Popen(self.command, cwd=ROOT, env=env, stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE)
            threading.Thread(target=self._read, args=(self._proc,), daemon=True,
                             name="manifold-lab worker replies").start()
        return self._proc

    def _read(self, proc: subprocess.Popen) -> None:
        """Hand each reply to its waiting call; when the process ends, fail the ones left."""
        try:
            while True:
                reply = pickle.load(proc.stdout)
                call = self._calls.get(reply[0])
                if call is None:
                    continue
                if reply[1] == "progress":
                    if call.progress is not None:
                        call.progress(reply[2], reply[3])
                    continue
                with self._lock:
                    self._calls.pop(reply[0], None)
                call.reply = reply[1:]
                call.done.set()
        except (EOFError, OSError, pickle.UnpicklingError, ValueError):
            pass
        proc.wait()
        with self._lock:
            if self._proc is proc:
                self._proc = None
            left = {k: c for k, c in self._calls.items() if c.proc is proc}
            for k in left:
                del self._calls[k]
        for c in left.values():
            c.reply = ("died", proc.returncode)
            c.done.set()

    def call(self, kind: str, payload: tuple, progress=None):
        """Send one request and wait for its result (the result, or its error raised here)."""
        call = _Call(progress)
        with self._lock:
            proc = self._started()
            call.proc = proc
            number = next(self._ids)
            self._calls[number] = call
        try:
            with self._sending:
                pickle.dump((number, kind, payload), proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                proc.stdin.flush()
        except OSError:
            pass                                 # the reader sees it end and fails the call
        call.done.wait()
        what = call.reply[0]
        if what == "result":
            return call.reply[1]
        if what == "died":
            raise WorkerDied("refusal.worker.died", code=Own(str(call.reply[1])))
        error_kind, message = call.reply[1], call.reply[2]
        if error_kind == "refusal":
            raise message
        raise (ValueError if error_kind == "value" else RuntimeError)(message)

    def close(self) -> None:
        """End the worker (it also ends by itself when this process does: its stdin closes)."""
        with self._lock:
            proc = self._proc
        if proc is not None:
            proc.kill()
            proc.wait()


WORKER = Worker()


def _call_twice(kind: str, payload: tuple):
    """``WORKER.call``, tried once more (in a new worker) when the worker died meanwhile."""
    try:
        return WORKER.call(kind, payload)
    except WorkerDied:
        return WORKER.call(kind, payload)


def analyze(kind: str, weights: Weights, *args):
    """``ANALYSES[kind](weights, *args)`` computed in the worker (tried once more when the
    worker died meanwhile). ValueErrors come back as ValueErrors with their message."""
    if kind not in ANALYSES:
        raise ValueError(f"kind must be one of {tuple(ANALYSES)}, got {kind!r}")
    return _call_twice("analyze", (kind, portable(weights), args))


def describe(wid, upload: tuple[bytes, str] | None = None) -> tuple[list[str], int, float]:
    """(classes, resolution, width_mult) of a published checkpoint (``wid``) or of an uploaded
    one (``upload``: its bytes and file name), read, checked and built in the worker, which
    keeps the network for the analyses; its ``WeightsError`` comes back as a ValueError."""
    network = ("upload", wid, *upload) if upload is not None else ("named", wid)
    return _call_twice("analyze", ("describe", network, ()))


def compute(name: str, *args, **kwargs):
    """``services.block.<name>(*args, **kwargs)`` (``COMPUTATIONS``) computed in the worker
    at the analyses' priority, tried once more when the worker died meanwhile."""
    if name not in COMPUTATIONS:
        raise ValueError(f"name must be one of {COMPUTATIONS}, got {name!r}")
    return _call_twice("compute", (name, args, kwargs))


def measure(query, chosen: Weights, uploads=None, progress=None):
    """``services.evidence.measure``, computed in the worker below the pages' priority."""
    return WORKER.call("measure", (query, portable(chosen), uploads), progress)


def sweep(arguments: dict):
    """``manifolds.sweep(**arguments)`` (the ReLU page's information loss against n), computed
    in the worker below the pages' priority."""
    return WORKER.call("sweep", (arguments,))


# -- the worker's side ----------------------------------------------------------------------------
def _trim() -> None:
    """Give freed memory back to the system: glibc keeps it otherwise, and the worker's peak
    grew with each student's new computation (block page alone: 503 -> 748 MB in a class run)."""
    import ctypes
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _free_memory() -> None:
    """Give a finished measurement's memory back to the system (its arrays may sit in cycles)."""
    import gc
    gc.collect()
    _trim()


def serve(requests, replies) -> None:
    """The worker's loop: run each request read from ``requests`` (a binary file) and write its
    replies to ``replies``, until ``requests`` ends."""
    import queue
    from concurrent.futures import ThreadPoolExecutor

    import runtime

    from . import evidence as ev
    sending = threading.Lock()
    waiting = [0]                      # analyses received and not answered yet
    quiet = threading.Event()          # set while no analysis waits: measurements may go on
    quiet.set()
    counting = threading.Lock()
    measurements: queue.Queue = queue.Queue()
    sweeps: queue.Queue = queue.Queue()

    def send(message) -> None:
        with sending:
            pickle.dump(message, replies, protocol=pickle.HIGHEST_PROTOCOL)
            replies.flush()

    def answer(number: int, run) -> None:
        try:
            reply = (number, "result", run())
        except Refusal as e:            # sent whole: the page says it in its own language
            reply = (number, "error", "refusal", e)
        except ValueError as e:
            reply = (number, "error", "value", str(e))
        except Exception as e:  # noqa: BLE001 - the server shows it as the call's failure
            reply = (number, "error", "other", f"{type(e).__name__}: {e}")
        send(reply)

    def analysis(number: int, kind: str, network: tuple, args: tuple) -> None:
        try:
            answer(number, lambda: ANALYSES[kind](_rebuilt(network), *args))
        finally:
            analysis_done()

    def computation(number: int, name: str, args: tuple, kwargs: dict) -> None:
        from . import block
        try:
            answer(number, lambda: getattr(block, name)(*args, **kwargs))
        finally:
            analysis_done()

    def analysis_done() -> None:
        with counting:
            waiting[0] -= 1
            last = waiting[0] == 0
            if last:
                quiet.set()
        if last:
            _trim()

    def measuring() -> None:
        runtime.background_priority()      # this thread only: the analyses stay at normal
        while True:
            number, (query, network, uploads) = measurements.get()

            def progress(fraction, step, number=number):
                quiet.wait()               # an analysis waits: let it have the cores
                send((number, "progress", fraction, step))

            answer(number, lambda: ev.measure(query, _rebuilt(network), uploads,
                                              workers=WORKER_THREADS, progress=progress))
            _free_memory()

    def sweeping() -> None:
        from manifolds import sweep as run_sweep
        runtime.background_priority()
        while True:
            number, (arguments,) = sweeps.get()
            quiet.wait()                   # an analysis waits: let it go first
            answer(number, lambda: run_sweep(**arguments))

    threading.Thread(target=measuring, daemon=True, name="measurements").start()
    threading.Thread(target=sweeping, daemon=True, name="sweeps").start()
    analyses = ThreadPoolExecutor(ANALYSIS_THREADS, thread_name_prefix="analyses")
    while True:
        try:
            number, kind, payload = pickle.load(requests)
        except EOFError:
            return
        if kind in ("measure", "sweep"):
            (measurements if kind == "measure" else sweeps).put((number, payload))
            continue
        with counting:
            waiting[0] += 1
            quiet.clear()
        analyses.submit(analysis if kind == "analyze" else computation, number, *payload)


def main() -> None:
    import runtime
    runtime.configure(worker=True)
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())   # a stray print must not break the protocol
    serve(sys.stdin.buffer, replies)
    os._exit(0)     # the server is gone: nobody waits for the work still running here


if __name__ == "__main__":
    main()
