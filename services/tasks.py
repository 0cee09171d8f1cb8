"""What runs in the Dask workers (``services.cluster``): every piece of the app's torch work.

The server submits these functions with their arguments; nothing here runs in the server.

- the live page's analyses of one image (``ANALYSES``: top-5, dimension profile, one block's
  channels; ``describe`` reads a published or uploaded checkpoint) and the block page's
  tables (``COMPUTATIONS`` in ``services.block``): interactive tasks;
- a data-set measurement in two passes (``services.measurement.measure_images``): ``image_set``
  builds the app's images once (a command line's set comes part by part, each part's images
  with its tasks); ``sample_part`` runs one network over a part of them and keeps
  its pixel samples and counts (``model.evidence.sample_images``), ``pass_one_step`` adds
  parts to a block's moments (and keeps its whole images) within a span of the set,
  ``merge_ones`` joins the spans', ``fit_block`` ends pass one and ``view_block`` computes
  the images view beside pass two (and keeps the rest of pass one without the view's
  images); ``spread_part`` runs a part again for the bootstrap's
  sums, ``pass_two_step`` adds them up within a span and ``merge_twos`` joins the spans';
  ``block_part`` makes a block's records, ``assemble_part`` the network's;
- the ReLU page's sweep one seed at a time (``sweep_seed``).

Networks: a task receives ``network``, how to build one (``services.remote.portable``), and
the worker builds it once and keeps it (the shipped ones always, ``KEPT_NETWORKS`` others);
an uploaded checkpoint's bytes reach a worker once (scattered by the server, by digest).

Batch tasks (the measurement's, the sweep's) compute on this worker's background threads
(``in_background``: nice +10) and wait there; the pages' analyses compute on Dask's own
threads at normal priority. The operating system then serves the analyses first when both
run (``runtime.background_priority``); a thread cannot raise its priority again, which is why
batch work has threads of its own.
"""
from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from concurrent.futures import ThreadPoolExecutor

from .cluster import BATCH_RESOURCE

KEPT_NETWORKS = 8          # networks other than the shipped ones a worker keeps built
BACKGROUND_THREADS = 2     # batch tasks computing at once outside a worker

_networks: OrderedDict = OrderedDict()      # key -> Weights
_networks_lock = threading.Lock()
_background: ThreadPoolExecutor | None = None
_background_lock = threading.Lock()
# Batch tasks this worker process computed, by function name: what the tests count when two
# replicas ask for the same measurement (computed once: ``services.remote.measure``'s keys).
computed: Counter = Counter()


def _weight(value) -> int:
    """Bytes of the numpy arrays in ``value`` (a dataclass, dict, tuple or list of them)."""
    import dataclasses

    import numpy as np
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, dict):
        return sum(_weight(v) for v in value.values())
    if isinstance(value, (tuple, list)):
        return sum(_weight(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(_weight(getattr(value, f.name)) for f in dataclasses.fields(value))
    return 0


def _register_sizes() -> None:
    """Tell Dask what a measurement's results weigh (their arrays). It counted a few hundred
    bytes for each, so its work stealing found moving a span's step to the other worker
    cheap, with every part the step adds (tests/test_dask_cluster.py)."""
    from dask.sizeof import sizeof

    from model.evidence.image_sets import ImageSet
    from model.evidence.pass_two import PassTwo, Spread
    from model.evidence.passes import BlockFit, PassOne
    from model.evidence.sample import Sample
    for kind in (ImageSet, Sample, PassOne, BlockFit, Spread, PassTwo):
        sizeof.register(kind)(lambda value: 64 + _weight(value))


_register_sizes()


def computed_counts() -> dict[str, int]:
    """{batch task name: times computed in this worker} (``client.run`` asks each worker)."""
    return dict(computed)


def _ready() -> None:
    """The worker's runtime policy (once per process)."""
    import runtime
    runtime.configure(worker=True)


def in_background(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` computed on one of this worker's background threads."""
    global _background
    import runtime
    _ready()
    with _background_lock:
        if _background is None:
            _background = ThreadPoolExecutor(_batch_slots(), thread_name_prefix="batch",
                                             initializer=runtime.background_priority)
    return _background.submit(fn, *args, **kwargs).result()


def _batch_slots() -> int:
    """Batch tasks this worker runs at once: its ``batch`` resource, else its threads."""
    from distributed import get_worker
    try:
        state = get_worker().state
    except ValueError:                  # not in a worker (a test calling the function)
        return BACKGROUND_THREADS
    return max(1, int(state.total_resources.get(BATCH_RESOURCE, state.nthreads)))


# -- networks ------------------------------------------------------------------------------
def _kept(key, build):
    with _networks_lock:
        if key in _networks:
            _networks.move_to_end(key)
            return _networks[key]
    built = build()
    with _networks_lock:
        _networks[key] = built
        while len(_networks) > KEPT_NETWORKS:
            _networks.popitem(last=False)
    return built


def network(described: tuple):
    """The network ``described`` (``services.remote.portable``'s tuple; "compared": the
    network a measurement compares the chosen one with), built once per worker."""
    from model.registry import SHIPPED

    from .weights import Weights, WeightsId, load_source
    _ready()
    kind = described[0]
    if kind == "compared":
        source, seed, chosen = described[1:4]
        if source in SHIPPED:
            return load_source(source)
        like = network(chosen)
        return _kept(("compared", source, seed, like.id),
                     lambda: load_source(source, seed=seed, like=like))
    wid = described[1]
    if kind == "named" and wid.source in SHIPPED:
        return load_source(wid.source)      # the shipped ones are held once by load_source
    if kind == "named":
        return _kept(wid, lambda: load_source(wid.source))   # published: from the local cache
    if kind == "upload":
        data, name = described[2]
        return _kept(wid, lambda: load_source("upload", upload=data, upload_name=name))
    if kind == "random":
        classes, resolution, width_mult = described[2:5]

        def build():
            like = Weights(wid.like or WeightsId("none"), None, classes, resolution, width_mult)
            built = load_source("random", seed=wid.seed, like=like)
            return Weights(wid, built.model, classes, resolution, width_mult)
        return _kept(wid, build)

    def from_state():
        from model.mobilenetv2 import mobilenet_v2
        classes, resolution, width_mult, state = described[2:6]
        model = mobilenet_v2(width_mult, len(classes))
        model.load_state_dict(state)
        return Weights(wid, model.eval(), classes, resolution, width_mult)
    return _kept(wid, from_state)


# -- interactive ---------------------------------------------------------------------------
def _top5(w, x):
    from .live import predictions
    return predictions(w.model, x, w.classes, k=5)


def _profile(w, x, estimator: str, seed: int):
    from .live import analyze_profile
    return analyze_profile(w.model, x, estimator, seed)


def _channels(w, x, block: int, probe: str):
    from .live import channel_activations
    return channel_activations(w.model, x, block, probe)


def _description(w):
    w.model                                # built (and checked) now, kept for the analyses
    return list(w.classes), int(w.resolution), float(w.width_mult)


ANALYSES = {"top5": _top5, "profile": _profile, "channels": _channels,
            "describe": _description}
# The block page's torch work, by name in ``services.block``.
COMPUTATIONS = ("option_rows", "split_rows", "ablation_profiles")


def analysis(kind: str, described: tuple, args: tuple):
    """``ANALYSES[kind]`` of the described network."""
    try:
        return ANALYSES[kind](network(described), *args)
    finally:
        _trim()


def computation(name: str, args: tuple, kwargs: dict):
    """``services.block.<name>(*args, **kwargs)``."""
    from . import block
    _ready()
    try:
        return getattr(block, name)(*args, **kwargs)
    finally:
        _trim()


def _trim() -> None:
    """Give freed memory back to the system: glibc keeps it otherwise, and a worker's peak
    grew with each student's new computation (bench/RESULTS.md, "Numbers behind the code's
    comments")."""
    import ctypes
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


# -- a data-set measurement ------------------------------------------------------------------
def image_set(query, uploads):
    """The images ``query`` names (``services.evidence.build_image_set``)."""
    computed["image_set"] += 1
    from .evidence import build_image_set
    return in_background(build_image_set, query, uploads)


def set_size(images) -> tuple[int, tuple]:
    """(number of images, rejected (name, reason) pairs) of an image set."""
    return len(images), images.rejected


def sample_part(described: tuple, images, first: int, stop: int, n_images: int, seed: int,
                options: dict):
    """``model.evidence.sample_images`` of images ``first .. stop - 1`` of a set of
    ``n_images`` (one batch). ``images``: the set, or those images alone (uint8, sent with
    the task by ``services.measurement.measure_images``)."""
    computed["sample_part"] += 1
    return in_background(_sampled, described, images, first, stop, n_images, seed, options)


def _sampled(described: tuple, images, first: int, stop: int, n_images: int, seed: int,
             options: dict, points_only: bool = False):
    """``model.evidence.sample_images`` of images ``first .. stop - 1``: of the set, or
    ``images`` when they are those alone; ``points_only``: pass two's pixel samples alone."""
    import numpy as np

    from model.evidence.measure import sample_images
    if isinstance(images, np.ndarray):
        if len(images) != stop - first:
            raise ValueError(f"{len(images)} images sent for images {first} .. {stop - 1}")
    else:
        images = images.images[first:stop]
    return sample_images(network(described).model, images, first=first, total=n_images,
                         seed=seed, batch_size=stop - first, points_only=points_only, **options)


def pass_one_step(one, parts: list, b: int, n_images: int, seed: int, options: dict):
    """Block ``b``'s pass one (``model.evidence.passes.PassOne``; None: a span's first step)
    with the next parts added."""
    computed["pass_one_step"] += 1
    from model.evidence.passes import pass_one

    def run():
        start = one or pass_one(b, n_images, parts[0], options["folds"],
                                first=min(p.first for p in parts))
        return start.with_parts(parts, seed=seed, twonn_points=options["twonn_points"],
                                rank_points=options["rank_points"])
    return in_background(run)


def merge_ones(ones: list):
    """One block's passes one over the spans, as one (``passes.merged``)."""
    computed["merge_ones"] += 1
    from model.evidence.passes import merged
    return in_background(merged, ones)


def seen(accumulated) -> int:
    """The images a pass's accumulator holds: a marker the server waits for before it sends
    later parts (computed where the accumulator is, so only this number moves). Once per
    step, it also gives the freed heap back: the steps' parts are freed around the whole
    images the images view keeps, and the holes they leave stayed in the worker
    (bench/RESULTS.md, issue 21)."""
    _trim()
    return int(accumulated.seen)


def fit_block(one, ridge_alpha: float):
    """A complete pass one's principal axes and ridge maps (``passes.fit``)."""
    computed["fit_block"] += 1
    from model.evidence.passes import fit
    return in_background(fit, one, ridge_alpha)


def view_block(one):
    """The images view's TwoNN ratios of a complete pass one (``block.view_ratios``), and
    ``one`` without the whole images they took: the rest of the block's statistics wait for
    pass two (``block_part``), and the images (60 MB over the blocks of 240 images at 64 px)
    need not."""
    computed["view_block"] += 1
    from dataclasses import replace

    from model.evidence.block import view_ratios
    try:
        return in_background(view_ratios, one), replace(one, flat={})
    finally:
        _trim()     # its copy of a block's whole images: 126 MB at 64 px (block 1's input)


def spread_part(described: tuple, images, first: int, stop: int, n_images: int, seed: int,
                options: dict, fits: list, folds: int):
    """Pass two of images ``first .. stop - 1`` (``images`` as ``sample_part``'s): the
    network run over them again, each image's sums on every block's axes and its held-out
    errors (``passes.spread``)."""
    computed["spread_part"] += 1
    from model.evidence.stats import folds_by_image
    from model.evidence.pass_two import spread

    def run():
        part = _sampled(described, images, first, stop, n_images, seed, options, points_only=True)
        return spread(part, dict(enumerate(fits)), folds_by_image(n_images, min(folds, n_images),
                                                                  seed))
    return in_background(run)


def pass_two_step(two, spreads: list, n_images: int, n_boot: int, seed: int):
    """Pass two (``passes.PassTwo``; None: a span's first step) with the next parts added."""
    computed["pass_two_step"] += 1
    from model.evidence.pass_two import PassTwo
    from model.evidence.passes import weights_of

    def run():
        ordered = sorted(spreads, key=lambda s: s.first)
        out, W = two or PassTwo.starting(ordered[0].first), weights_of(n_images, n_boot, seed)
        for part in ordered:
            out = out.added(part, W)
        return out
    return in_background(run)


def merge_twos(twos: list):
    """Passes two over the spans, as one (``pass_two.merged_twos``)."""
    computed["merge_twos"] += 1
    from model.evidence.pass_two import merged_twos
    return in_background(merged_twos, twos)


def block_part(described: tuple, fitted, two, viewed, b: int, seed: int, options: dict):
    """Block ``b``'s statistics from its two passes (``viewed``: ``view_block``'s ratios and
    pass one): (profile records, BlockEvidence or None, (images kept whole, resolution))."""
    computed["block_part"] += 1
    from model.evidence.block import block_records
    from model.evidence.measure import expansion_matrix
    from model.mobilenetv2 import InvertedResidual

    views, one = viewed

    def run():
        blocks = [m for m in network(described).model.modules()
                  if isinstance(m, InvertedResidual)]
        records, block = block_records(
            blocks[b], one, fitted, two, views,
            expansion_matrix(blocks[b]) if one.has_expansion else None,
            seed=seed, n_boot=options["n_boot"], ridge_alpha=options["ridge_alpha"])
        return records, block, (one.n_view, one.resolution)
    try:
        return in_background(run)
    finally:
        _trim()


def assemble_part(source: str, n_images: int, results: list, seed: int, options: dict,
                  seconds: float) -> dict:
    """One network's ``Evidence.to_dict()`` from its blocks' ``block_part`` results."""
    computed["assemble_part"] += 1
    from model.evidence.measure import assemble
    n_view, resolution = results[0][2]
    try:
        return assemble([(r[0], r[1]) for r in results], n_images=n_images, n_view_images=n_view,
                        weights=source, seed=seed, resolution=resolution, seconds=seconds,
                        **options).to_dict()
    finally:
        # A network's measurement is done: its freed arrays go back to the system. No full
        # gc.collect(): it holds Python's lock while it walks every object of the worker, and
        # in a class of 60 that stalled the pages' analyses for 32 s of a 6-minute run
        # (bench/RESULTS.md, "Where a lecture hall's CPU goes").
        _trim()


# -- the ReLU page's sweep -----------------------------------------------------------------
def sweep_seed(arguments: dict, seed: int):
    """``manifolds.sweep`` for one seed (``arguments`` without n_seeds and seed)."""
    computed["sweep_seed"] += 1
    from manifolds import sweep
    return in_background(lambda: sweep(**arguments, n_seeds=1, seed=seed))
