"""The server's calls into the cluster (``services.cluster``): what the pages ask of torch.

- ``analyze(kind, weights, *args)``, ``describe``, ``compute(name, *args)``: one interactive
  task each, ahead of batch work; its result or its error (a ``Refusal`` whole).
- ``measure(query, chosen, uploads, progress)``: a data-set measurement in two passes over
  parts of the set (``services.tasks``, ``services.measurement.measure_images``): the image
  set built once; per network, the parts' samples added to each block's statistics step by
  step, then the parts run again for the bootstrap's sums, one ``block_part`` per block, one
  ``assemble_part``; progress is the share of those tasks done.
- ``sweep(arguments, progress)``: the ReLU page's information-loss sweep, one task per seed.

Why the work is not in the server: torch lets go of Python's lock (the GIL) at every op and
must get it back after; in the server, where other sessions' scripts run Python, each op then
waited for them, and an analysis of hundredths of a second took seconds (``python
bench/gil_switch.py``; bench/RESULTS.md, "Numbers behind the code's comments"). In a
Dask worker's process it has a lock of its own.
"""
from __future__ import annotations

import contextlib
import itertools
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from . import cluster, tasks
from .cluster import BATCH, WorkerDied  # noqa: F401 - the pages catch WorkerDied from here
from .measurement import Progress, measure_images, measurement_key

if TYPE_CHECKING:   # nothing from torch or the model at import: the ReLU page draws without it
    from .weights import Weights

KEPT_UPLOADS = 8      # uploaded checkpoints kept scattered on the cluster
_SWEEPS = itertools.count(1)    # sweeps asked by this process, in order


# -- networks: how a worker builds one -----------------------------------------------------
_uploads: OrderedDict = OrderedDict()      # WeightsId -> the scattered (bytes, name)
_uploads_lock = threading.Lock()


def _scattered(wid, upload: tuple[bytes, str]):
    """The cluster's copy of an uploaded checkpoint: sent once, then referred to (sent again
    to a new cluster, or after the worker that held it died: ``_run_network``)."""
    client = cluster.client()
    with _uploads_lock:
        kept = _uploads.get(wid)
        if kept is not None and kept.client is client and kept.status != "lost":
            _uploads.move_to_end(wid)
            return kept
    [future] = client.scatter([tuple(upload)], hash=True)
    with _uploads_lock:
        _uploads[wid] = future
        while len(_uploads) > KEPT_UPLOADS:
            _uploads.popitem(last=False)
    return future


def portable(weights: Weights) -> tuple:
    """How a worker builds ``weights``' network again, exactly: by name for the shipped and
    the published ones, by seed and architecture for a random one, by its (scattered) bytes
    for an upload, by its state otherwise."""
    from model.registry import IMAGENET, SHIPPED
    arch = (list(weights.classes), int(weights.resolution), float(weights.width_mult))
    if weights.source in SHIPPED or weights.source in IMAGENET:
        return ("named", weights.id)
    if weights.source == "random":
        return ("random", weights.id, *arch)
    if weights.upload is not None:
        return ("upload", weights.id, _scattered(weights.id, weights.upload))
    state = {k: v.detach().cpu() for k, v in weights.model.state_dict().items()}
    return ("state", weights.id, *arch, state)


# -- interactive ---------------------------------------------------------------------------
def _run_network(kind: str, network, args: tuple):
    """``tasks.analysis`` of the network ``network()`` describes. An upload's scattered copy
    lost with its worker (Dask cannot compute it again) is sent once more, and the analysis
    tried again."""
    described = network()
    try:
        return cluster.run(tasks.analysis, kind, described, args)
    except WorkerDied as exc:
        if described[0] != "upload" or isinstance(exc, cluster.NoWorkers):
            raise
        with _uploads_lock:
            _uploads.pop(described[1], None)
        return cluster.run(tasks.analysis, kind, network(), args)


def analyze(kind: str, weights: Weights, *args):
    """``services.tasks.ANALYSES[kind](weights, *args)`` computed on the cluster."""
    if kind not in tasks.ANALYSES:
        raise ValueError(f"kind must be one of {tuple(tasks.ANALYSES)}, got {kind!r}")
    return _run_network(kind, lambda: portable(weights), args)


def describe(wid, upload: tuple[bytes, str] | None = None) -> tuple[list[str], int, float]:
    """(classes, resolution, width_mult) of a published checkpoint (``wid``) or of an uploaded
    one (``upload``: its bytes and file name), read, checked and built in a worker, which
    keeps the network for the analyses; its ``WeightsError`` comes back whole."""
    def network():
        return ("upload", wid, _scattered(wid, upload)) if upload is not None else ("named", wid)
    return _run_network("describe", network, ())


def compute(name: str, *args, **kwargs):
    """``services.block.<name>(*args, **kwargs)`` (``tasks.COMPUTATIONS``) on the cluster."""
    if name not in tasks.COMPUTATIONS:
        raise ValueError(f"name must be one of {tasks.COMPUTATIONS}, got {name!r}")
    return cluster.run(tasks.computation, name, args, kwargs)


# -- batch ---------------------------------------------------------------------------------
def _gather(futures: list):
    """Every future's result, in order (a failure raised as ``cluster.result`` says it)."""
    return [cluster.result(f) for f in futures]


def measure(query, chosen: Weights, uploads=None, progress=None, *, priority: int = BATCH,
            **options):
    """The measurement ``query`` names, computed on the cluster: ({source:
    ``Evidence.to_dict()``}, or None when no image could be read, rejected (name, reason)
    pairs), as ``services.evidence.measure`` computes it in one process. ``chosen``: the
    network ``query.weights`` names; ``uploads``: the files its digest was taken of;
    ``progress(fraction, source)``: tasks done; ``options``: ``model.evidence``'s
    (``DEFAULTS``); ``priority``: the tasks' (above ``BATCH``: ahead of other measurements)."""
    if chosen.id != query.weights:
        raise ValueError(f"the weights {chosen.id} are not the query's {query.weights}")
    key = measurement_key(query, options)
    # One measurement per worker at a time, in the order asked (a class's, all at once,
    # interleaved in the worker, each holding its statistics); one asked ahead of them
    # (presenter mode's, the export's) takes no turn.
    turn = cluster.measurement_turn(key) if priority <= BATCH else contextlib.nullcontext()
    with turn:
        return _measure(query, chosen, uploads, progress, priority, key, options)


def _measure(query, chosen, uploads, progress, priority, key, options):
    from .evidence import compared_sources
    client = cluster.client()
    sent = None if not uploads else client.scatter([list(uploads)], hash=True)[0]
    batch = cluster.batch_options(priority)
    images = client.submit(tasks.image_set, query, sent, key=f"image_set-{key}", **batch)
    n, rejected = cluster.result(client.submit(tasks.set_size, images, key=f"set_size-{key}",
                                               priority=priority))
    if n == 0:
        return None, rejected
    if n < 2:
        raise ValueError(f"evidence needs at least 2 images (intervals resample images), got {n}")
    chosen_network = portable(chosen)
    sources = compared_sources(chosen.source)
    described = {sources[0]: chosen_network} | {
        s: ("compared", s, int(query.seed), chosen_network) for s in sources[1:]}
    results = measure_images(described, images, n, seed=int(query.seed),
                             resolution=query.resolution, progress=progress, priority=priority,
                             key=key, **options)
    del images
    return results, rejected


def sweep(arguments: dict, progress=None):
    """``manifolds.sweep(**arguments)`` (the ReLU page's information loss against n) on the
    cluster, one batch task per seed, joined here (``manifolds.sweep.join``).

    The newest sweep's seeds go first among sweeps: a student changing settings waits for
    the latest, not for the ones before. ``progress.wanted()`` (``services.jobs``), where
    given, is asked each ``cluster.POLL_S`` while seeds wait: once it is False the seeds
    not done are cancelled on the cluster and ``jobs.Abandoned`` is raised."""
    from manifolds.sweep import join

    from .jobs import Abandoned
    arguments = dict(arguments)
    n_seeds, seed = int(arguments.pop("n_seeds", 10)), int(arguments.pop("seed", 0))
    if n_seeds < 1:
        raise ValueError(f"n_seeds must be an integer >= 1, got {n_seeds}")
    client = cluster.client()
    counter = Progress(progress, n_seeds)
    # Above every measurement (at most BATCH), below the pages (INTERACTIVE); a later sweep
    # higher than an earlier one.
    priority = BATCH + min(1.0, next(_SWEEPS) * 1e-9)
    futures = [counter.watch(client.submit(tasks.sweep_seed, arguments, s, pure=False,
                                           **cluster.batch_options(priority)), f"seed {s}")
               for s in range(seed, seed + n_seeds)]
    wanted = getattr(progress, "wanted", None)
    while wanted is not None:
        waiting = [f for f in futures if not f.done()]
        if not waiting:
            break
        if not wanted():
            client.cancel(waiting)
            raise Abandoned(f"a sweep of {len(waiting)} seeds nobody is waiting for")
        try:
            cluster.wait_any(waiting, timeout=cluster.POLL_S)
        except TimeoutError:
            pass
    return join(_gather(futures))
