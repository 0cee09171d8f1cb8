"""Start-up warm-up: what every page's first visit would otherwise build, built once per server
process on a daemon thread, so the first students are not the ones who wait for it.

``python -m app`` (the README's command, ``app/__main__.py``) runs it before the server
serves (``run_before_serving``): the class's first visitors find it done. Under a plain
``streamlit run app/main.py``, ``start()`` (called by ``app/main.py`` on every script run)
starts it on a thread once per process, at the first visit. The tasks call the same cached
functions the pages call (``app.live_sections``, ``app.relu_sections``,
``app.block_sections``) with the pages' default settings (read from the pages' own ``Param``
definitions, ``app.settings``), so those caches hold the results; the rest fills the
process-wide caches below them (the shipped networks, the photos the generated images are
cut from), starts the Dask cluster whose workers compute with torch (and builds the shipped
networks there; the server itself never imports torch) and pays one-off import costs
(Plotly's validators).

A student who asks for a result while the warm-up is building it waits for that one build
(Streamlit's caches lock per key); no task holds a lock for more than its own build, the
longest about 2 s on an idle 2-core machine (the block page's ablation profiles).

It runs only where a Streamlit runtime exists (``streamlit run``, but AppTest too).
``MANIFOLD_LAB_WARMUP=0`` turns it off: the test session sets it (tests/conftest.py), and so do
the benches' ``--no-warmup`` comparisons.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Callable

ENV = "MANIFOLD_LAB_WARMUP"
_LOG = logging.getLogger("manifold_lab.warmup")
_started = threading.Lock()
_thread: threading.Thread | None = None
_ran_before_serving = False
_results: list["TaskResult"] = []


@dataclass(frozen=True)
class TaskResult:
    name: str
    seconds: float
    error: str | None = None


def turned_off() -> bool:
    """True when ``MANIFOLD_LAB_WARMUP=0`` asks for no warm-up."""
    return os.environ.get(ENV, "1").strip() == "0"


def enabled() -> bool:
    """True under ``streamlit run`` unless ``MANIFOLD_LAB_WARMUP=0``."""
    if turned_off():
        return False
    from streamlit import runtime
    return runtime.exists()


# -- the tasks, in the order the pages are usually visited ---------------------------------
# Packages imported here before anything uses them, each from a thread that holds no other
# import lock, dependencies first. Python's per-module import locks make a second thread wait
# for a module another is importing; but when this thread held one package's locks (plotly's)
# while a session's thread held another's (pandas, mid-import) that the first needed, Python
# broke the cycle by handing one of them the half-initialised module ("partially initialized
# module 'pandas' has no attribute 'Series'", seen in bench/load.py --explore --cold).
IMPORT_ORDER = ("numpy", "scipy.special", "scipy.spatial", "pandas", "PIL.Image",
                "plotly.graph_objects", "plotly.subplots", "plotly.io",
                "sklearn.datasets", "sklearn.manifold", "skimage.data")


def _imports() -> None:
    import importlib
    for name in IMPORT_ORDER:
        importlib.import_module(name)


def _plotly() -> None:
    """Plotly validates each property through validator classes it imports on first use, and
    Streamlit serialises figures through plotly.io: one small figure of every trace type the
    app draws pays both (about 0.3 s of the ReLU page's first visit)."""
    import numpy as np
    import plotly.graph_objects as go
    import plotly.io as pio
    from plotly.subplots import make_subplots
    flat = make_subplots(rows=1, cols=2, subplot_titles=["a", "b"])
    flat.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="markers", marker=dict(color=[0, 1])), 1, 1)
    flat.add_trace(go.Bar(x=[0], y=[1], error_y=dict(type="data", array=[0.1])), 1, 2)
    flat.add_trace(go.Heatmap(z=[[0, 1]]), 1, 1)
    flat.add_trace(go.Image(z=np.zeros((2, 2, 3), np.uint8)), 1, 1)
    flat.add_hline(y=0.5, row=1, col=2)
    flat.update_layout(height=300, legend=dict(orientation="h"),
                       sliders=[dict(steps=[dict(label="1", method="animate", args=[["1"]])])])
    flat.frames = [go.Frame(name="1", data=[go.Scatter(x=[0], y=[0])])]
    solid = make_subplots(rows=1, cols=2, specs=[[{"type": "scene"}, {"type": "scene"}]])
    solid.add_trace(go.Scatter3d(x=[0], y=[0], z=[0], mode="markers"), 1, 2)
    solid.layout.scene2.update(xaxis_title="x")
    for fig in (flat, solid):
        pio.to_json(fig, validate=False)


def _worker() -> None:
    """Start the Dask cluster (``services.cluster``: torch and every network live in its workers,
    there, not in the server) and build the shipped networks in it."""
    from model.registry import SHIPPED
    from services.weights import WeightsId
    from services.remote import describe
    for name in SHIPPED:
        try:
            describe(WeightsId(name))
        except ValueError:
            pass                            # a checkout without trained files: the page says so


def _networks() -> None:
    """The shipped networks' descriptions, held once per process (``services.weights``), and
    the live page's default comparison (a seeded random network in the default's
    architecture), as the live page caches them."""
    from app.live_sections import load_checked
    from app.settings import live
    weights, _ = load_checked(live.WEIGHTS.default, 0, None)
    if weights is not None and live.COMPARE.default == "random":
        load_checked("random", 0, None, like=weights)


def _live() -> None:
    """The live page's first run at its defaults, for every estimator (a student's first
    change is often the estimator; the first analysis in a process also pays for the
    estimators' code paths)."""
    from app.live_sections import warm
    from app.settings.live import ESTIMATOR
    warm(ESTIMATOR.choices)


def _relu() -> None:
    """The ReLU page at its defaults in both languages (the figures carry their texts) and
    its 10-seed sweep."""
    from app.relu_sections import warm_defaults
    from i18n import LANGS
    for language in LANGS:
        warm_defaults(language)


def _block() -> None:
    """The block page at its defaults: Tables 2-3 and the TF-slim grid (milliseconds), the
    training logs, Section 5.1's split (the first profiler run), the ablation profiles and
    the default block's timing."""
    from app import block_sections as b
    from app.settings import block as p
    b.cached_costs(float(p.WIDTH.default), int(p.RES.default))
    b.cached_tfslim_grid()
    logs = b.cached_logs()
    b.cached_split(int(p.SPLIT_BLOCK.default), int(p.SPLIT_RES.default), 0)
    if logs:
        b.cached_ablation_profiles(p.ESTIMATOR.default, b.ABLATION_IMAGES, 0)
    shape = tuple(p.DEFAULT_SHAPE.values())
    if b.option_limits_error(*shape) is None:
        runs, _ = b.data.affordable_repeats(*shape, repeats=p.REPEATS)
        if runs:
            b.cached_option_rows(shape, runs)


def _lecture() -> None:
    """Queue the lecture's data-set measurement (presenter mode's slides 4-6), so it is ready
    when the teacher gets there; it runs below the pages' priority and is not waited for."""
    from app.figure_sources.evidence import default_job
    from figures.lecture import LECTURE_SEED
    default_job(LECTURE_SEED)


TASKS: tuple[tuple[str, Callable[[], None]], ...] = (
    ("imports", _imports), ("plotly", _plotly), ("relu", _relu), ("worker", _worker),
    ("networks", _networks), ("live", _live),
    ("block", _block), ("lecture", _lecture))


def run(tasks=TASKS) -> list[TaskResult]:
    """Run ``tasks`` one after the other; a failing task is logged and the next one runs
    (the page then builds that part itself, and shows its own error)."""
    results = []
    for name, task in tasks:
        t0 = time.perf_counter()
        error = None
        try:
            task()
        except Exception as e:  # noqa: BLE001 - a warm-up failure must never stop the server
            error = f"{type(e).__name__}: {str(e).strip().splitlines()[0][:200]}"
            _LOG.warning("warm-up task %s failed: %s", name, error)
        results.append(TaskResult(name, time.perf_counter() - t0, error))
    return results


def _main() -> None:
    from services import cluster
    try:
        if cluster.scheduler_address():     # the embedded cluster starts in the tasks, timed
            cluster.client()
    except cluster.SchedulerUnreachable as e:
        # ``python -m app`` says this and stops; a plain ``streamlit run`` serves on, and its
        # pages say it too (``app.ui.cluster_refusal``): each task would only fail the same way
        _LOG.error("error: %s (warm-up skipped)", e)
        return
    t0 = time.perf_counter()
    _results.extend(run())
    _LOG.info("warm-up done in %.1f s: %s", time.perf_counter() - t0,
              ", ".join(f"{r.name} {r.seconds:.1f} s" for r in _results))


def run_before_serving(report=None, *, skip: bool = False) -> list[TaskResult]:
    """Run the tasks now, on this thread, before the server starts serving (``python -m
    app``); ``start()`` then does nothing. ``report(result)`` after each task. Does nothing
    when ``MANIFOLD_LAB_WARMUP=0`` or the warm-up already ran or runs; ``skip``: nothing now
    nor at the first visit (a scheduler with no worker: each task would wait for one)."""
    global _ran_before_serving
    with _started:
        if _thread is not None or _ran_before_serving or turned_off():
            return []
        _ran_before_serving = True
    if skip:
        return []
    # Outside a runtime each data cache says once that it keeps its values in memory, which is
    # where the runtime keeps them too (the caches made now are the ones the pages use). A
    # filter, not a level: Streamlit sets its loggers' levels again when it reads its config.
    quiet = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    quiet.addFilter(_no_runtime_note)
    try:
        for task in TASKS:
            _results.extend(run([task]))
            if report is not None:
                report(_results[-1])
    finally:
        quiet.removeFilter(_no_runtime_note)
    return list(_results)


def _no_runtime_note(record: logging.LogRecord) -> bool:
    return "No runtime found" not in record.getMessage()


def start() -> threading.Thread | None:
    """Start the warm-up thread if it is enabled and not started yet in this process (nor run
    before serving); returns it (None when it does not run)."""
    global _thread
    with _started:
        if _thread is not None or _ran_before_serving or not enabled():
            return None
        _thread = threading.Thread(target=_main, name="manifold-lab warm-up", daemon=True)
        _thread.start()
        return _thread


def results() -> list[TaskResult]:
    """What the warm-up did so far (name, seconds, error), for the benches."""
    return list(_results)
