"""A data-set measurement's tasks on the cluster (``services.cluster``): ``measure_images``
submits the two passes of ``model.evidence.passes`` over parts of a set, span by span and
step by step, for ``services.remote.measure`` (the pages') and the command line's
``python -m model.evidence --scheduler``; ``measurement_key`` names them, so that app replicas
sharing a scheduler compute one measurement once.
"""
from __future__ import annotations

import itertools
import threading
import time

from . import cluster, tasks
from .cluster import BATCH

SAMPLE_OPTIONS = ("pixels_per_image", "image_memory_bytes", "image_view_probes")
BLOCK_OPTIONS = ("twonn_points", "n_boot", "folds", "ridge_alpha", "rank_points")
DEFAULTS = dict(pixels_per_image=16, image_memory_bytes=512 << 20,
                image_view_probes=("input", "projection"), twonn_points=500, n_boot=200,
                folds=5, ridge_alpha=1e-3, rank_points=128)
_MEASUREMENTS = itertools.count()
# Parts of a pass wait until its chains have taken all but this many steps (more did not
# measure faster on two workers).
AHEAD = 2


class Progress:
    """Counts a batch's finished tasks and reports the share (from Dask's callback thread).
    It holds each future until it is done, and no longer: a measurement's parts are then
    freed in the worker as soon as the tasks that need them are done."""

    def __init__(self, report, total: int):
        self.report, self.total, self.done = report, total, 0
        self._lock = threading.Lock()
        self._pending: set = set()

    def watch(self, future, step: str):
        if self.report is not None:
            with self._lock:
                self._pending.add(future)
            future.add_done_callback(lambda f: self._one(f, step))
        return future

    def _one(self, future, step: str) -> None:
        with self._lock:
            self._pending.discard(future)
            self.done += 1
            fraction = self.done / self.total
        try:
            self.report(fraction, step)
        except Exception:  # noqa: BLE001 - a page's progress display must not fail the work
            pass


def measurement_key(query, options: dict) -> str:
    """The name of ``query``'s measurement with ``options`` on the cluster, the same in every
    process: two app replicas asking for one measurement (a class behind a proxy) submit
    tasks of the same keys, which the shared scheduler computes once for both."""
    import hashlib
    named = repr((query, sorted({**DEFAULTS, **options}.items())))
    return hashlib.sha256(named.encode()).hexdigest()[:24]


def measure_images(networks: dict, images, n_images: int, *, seed: int, resolution: int,
                   progress=None, priority: int = BATCH, key: str | None = None,
                   **options) -> dict[str, dict]:
    """{label: ``Evidence.to_dict()``} of each described network (label -> ``portable``'s
    tuple, measured in this order) on an image set of ``n_images`` images at ``resolution``:
    a future of a ``model.evidence.image_sets.ImageSet`` (on the cluster: parts are sliced
    there), or an ``ImageSet`` held here (each part's images go with its task, in each pass:
    no worker holds the set).

    Per network, the two passes of ``model.evidence.passes`` over parts of
    ``task_images`` images, in steps of ``STEP_IMAGES`` images cut into ``spans`` of
    consecutive steps. Each span's tasks run on one worker (span s on worker s mod the
    workers; any other when that one has gone), so its parts never move: pass one, a
    ``sample_part`` per part and per block a chain of ``pass_one_step``s through the span;
    ``merge_ones`` joins a block's spans in order, each once it is sent (only these move),
    then a ``fit_block`` and a ``view_block`` (the images view's TwoNN ratios, and pass one
    without the view's images, kept for the end); pass two, a ``spread_part`` per part
    (the network run again), a chain of ``pass_two_step``s per span and ``merge_twos``; then
    a ``block_part`` per block and one ``assemble_part``. A step's parts are submitted once
    the chains have taken the step ``AHEAD`` before it (``_fed``), so a worker holds a few
    parts at a time, not the set.
    The same numbers as ``model.evidence.evidence`` with ``batch_size=task_images(resolution)``,
    whatever the number of workers or the order (the spans do not depend on the workers).
    ``key`` (``measurement_key``): the tasks' keys are made of it, so that another process
    asking for the same measurement shares them; without it each call computes its own."""
    from model.architecture import INVERTED_RESIDUAL_SETTING, expansion_channels
    from model.evidence.passes import STEP_IMAGES, spans

    from .evidence import task_images
    unknown = set(options) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown options {sorted(unknown)}: choose among {sorted(DEFAULTS)}")
    options = {**DEFAULTS, **options}
    sampling = {k: options[k] for k in SAMPLE_OPTIONS}
    statistics = {k: options[k] for k in BLOCK_OPTIONS}
    started = time.perf_counter()
    client = cluster.client()
    from distributed import Future
    sent = isinstance(images, Future)       # else a set held here: sent part by part
    step, n = task_images(resolution), int(n_images)
    starts = list(range(0, n, step))
    group = max(1, STEP_IMAGES // step)            # parts per accumulation step
    steps = [range(g, min(len(starts), g + group)) for g in range(0, len(starts), group)]
    runs = spans(len(steps))
    # Earlier measurements strictly first, also for the networks this one submits later
    # (Dask orders equal priorities by submission: a measurement's second network would go
    # behind every measurement asked for meanwhile, and a class's results all came late).
    priority = priority - next(_MEASUREMENTS) * 1e-6
    batch = cluster.batch_options(priority)
    workers = sorted(client.scheduler_info()["workers"])
    n_blocks = sum(repeats for _, _, repeats, _ in INVERTED_RESIDUAL_SETTING)
    # A step outranks the next parts (a worker adds what it sampled before sampling more),
    # the widest blocks' first (their statistics cost the most: a worker that finishes early
    # then takes a small block). The offsets stay below the measurements' own (1e-6 apart).
    widths = expansion_channels()
    widest = sorted(range(n_blocks), key=lambda b: -widths[b])
    ahead = {b: {**batch, "priority": priority + 1e-10 * widths[b]} for b in range(n_blocks)}

    def on(s: int, submit_options: dict) -> dict:
        """Span ``s``'s options: its worker (a loose restriction: another one takes the
        task when that worker has gone). Two workers sharing a span's chain moved every
        part's rows between them (bench/RESULTS.md, issue 21)."""
        if len(workers) < 2:
            return submit_options
        return {**submit_options, "workers": [workers[s % len(workers)]],
                "allow_other_workers": True}

    def part(i: int) -> tuple:
        """Part ``i``'s images, first and stop: a slice of the set on the cluster, or the
        images themselves, sent with the part's task only when it is submitted (and sent
        again by the scheduler if its worker dies)."""
        first, stop = starts[i], min(n, starts[i] + step)
        return (images if sent else images.images[first:stop]), first, stop

    merges = (n_blocks + 1) * (len(runs) - 1)
    counter = Progress(progress, (2 * len(starts) + (n_blocks + 1) * len(steps)
                                   + 3 * n_blocks + 1 + merges) * len(networks))
    results = {}
    # One network at a time (the chosen one first): its tasks are all a worker holds of this
    # measurement, and are freed when its blocks are done, before the next network's start.
    for label, network in networks.items():
        def named(step_name, *index):
            if key is None:
                return dict(pure=False)
            return dict(key="-".join(map(str, (step_name, key, label, *index))))

        def marker(accumulated, name, g, s):
            return client.submit(tasks.seen, accumulated, **named("seen", name, g),
                                 **on(s, ahead[widest[0]]))

        by_span = [[None] * n_blocks for _ in runs]

        def pass_one(s: int, g: int):
            parts = [counter.watch(client.submit(
                tasks.sample_part, network, *part(i), n, seed, sampling,
                **named("sample_part", starts[i]), **on(s, batch)), label) for i in steps[g]]
            ones = by_span[s]
            for b in widest:
                ones[b] = counter.watch(client.submit(
                    tasks.pass_one_step, ones[b], parts, b, n, seed, statistics,
                    **named("pass_one_step", b, g), **on(s, ahead[b])), label)
            return marker(ones[widest[0]], "one", g, s)

        # Merged in span order (the same numbers: ``merged`` adds them in this order too),
        # each span as soon as it and the spans before it are sent: a worker then holds the
        # spans merged so far and the one it runs, not every span's statistics
        # (bench/RESULTS.md, "Spans merged as they are sent").
        ones = []

        def merge_one(s: int) -> None:
            nonlocal ones
            if s == 0:
                ones = by_span[0]
            else:
                ones = [counter.watch(client.submit(tasks.merge_ones, [ones[b], by_span[s][b]],
                                                    **named("merge_ones", b, s), **ahead[b]),
                                      label) for b in range(n_blocks)]
            by_span[s] = None

        _fed(runs, len(workers), pass_one, _in_order(len(runs), merge_one))
        by_span = None
        fits = [counter.watch(client.submit(tasks.fit_block, ones[b], options["ridge_alpha"],
                                            **named("fit_block", b), **ahead[b]), label)
                for b in range(n_blocks)]
        # The images view needs pass one only: it runs beside pass two (most of a block's
        # records' time at 64 px: a Gram matrix of up to 2,000 whole images).
        views = [counter.watch(client.submit(tasks.view_block, ones[b], **named("view_block", b),
                                             **ahead[b]), label) for b in range(n_blocks)]
        # Let go here: the scheduler then frees pass one (its images view's whole images,
        # most of it) once its fit and view are done, not after pass two (bench/RESULTS.md).
        ones = None
        twos = [None] * len(runs)

        def pass_two(s: int, g: int):
            spreads = [counter.watch(client.submit(
                tasks.spread_part, network, *part(i), n, seed, sampling, fits, options["folds"],
                **named("spread_part", starts[i]), **on(s, batch)), label) for i in steps[g]]
            twos[s] = counter.watch(client.submit(
                tasks.pass_two_step, twos[s], spreads, n, options["n_boot"], seed,
                **named("pass_two_step", g), **on(s, ahead[widest[0]])), label)
            return marker(twos[s], "two", g, s)

        two = None

        def merge_two(s: int) -> None:
            nonlocal two
            two = twos[0] if s == 0 else counter.watch(client.submit(
                tasks.merge_twos, [two, twos[s]], **named("merge_twos", s),
                **ahead[widest[0]]), label)
            twos[s] = None

        _fed(runs, len(workers), pass_two, _in_order(len(runs), merge_two))
        blocks = [counter.watch(client.submit(
            tasks.block_part, network, fits[b], two, views[b], b, seed, statistics,
            **named("block_part", b), **ahead[b]), label) for b in range(n_blocks)]
        record = counter.watch(client.submit(
            tasks.assemble_part, label, n, blocks, seed, options_for_record(options), 0.0,
            priority=priority, **named("assemble_part")), label)
        ones = fits = views = two = twos = blocks = None    # the cluster frees them
        results[label] = cluster.result(record)
    seconds = round(time.perf_counter() - started, 3)
    for r in results.values():
        r["meta"]["seconds"] = seconds
    return results


def _fed(runs: list, workers: int, submit_step, span_sent=None) -> None:
    """Submits each span's steps in order, a step once the span's step ``AHEAD`` before it
    has been taken. ``runs``: each span's steps; ``submit_step(s, g)`` submits step ``g`` of
    span ``s`` and returns its marker (a future done once the step's chains have taken it);
    ``span_sent(s)``, if given, is called once span ``s``'s last step is submitted.
    Spans beyond the ``workers`` follow the span before them on the same worker. Parts are
    quick to make and Dask would run them all ahead of their steps, holding the set in memory
    (RESULTS: 79 parts of pass two); submitted from here, the images of a set held here are
    sent as they are needed, not all at once."""
    w = max(1, workers)
    taken = [[] if s < w else None for s in range(len(runs))]
    queued = [list(run) for run in runs]
    told: set = set()
    while True:
        gates = []
        for s, steps in enumerate(queued):
            if taken[s] is None:
                continue
            while steps:
                gate = taken[s][-AHEAD] if len(taken[s]) >= AHEAD else None
                if gate is not None and not gate.done():
                    gates.append(gate)
                    break
                if gate is not None and gate.status != "finished":
                    cluster.result(gate)                    # its error, said
                taken[s].append(submit_step(s, steps.pop(0)))
            if not steps and s not in told:
                told.add(s)
                if span_sent is not None:
                    span_sent(s)
            if not steps and s + w < len(runs) and taken[s + w] is None:
                taken[s + w] = list(taken[s])   # the next span there starts as this one ends
        if not gates:
            return
        cluster.wait_any(gates)


def _in_order(n_spans: int, join):
    """A ``span_sent`` for ``_fed`` that calls ``join(s)`` for spans 0, 1, ... in order, each
    once it and every span before it have been sent (spans on two workers finish in any
    order; their statistics are merged in one)."""
    sent, joined = set(), 0

    def span_sent(s: int) -> None:
        nonlocal joined
        sent.add(s)
        while joined < n_spans and joined in sent:
            join(joined)
            joined += 1
    return span_sent


def options_for_record(options: dict) -> dict:
    """The options ``model.evidence.assemble`` writes into the record."""
    return {k: options[k] for k in ("pixels_per_image", "twonn_points", "n_boot", "folds",
                                    "ridge_alpha", "rank_points")}
