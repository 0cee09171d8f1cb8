"""ReLU and manifolds: the paper's Figure 1 recomputed, one width in depth, loss against n.

No torch here (cold start). Heavy parts are cached (``app.relu_sections``, which the start-up
warm-up fills at the defaults): the Figure 1 grid and the sweep do not
depend on the width slider, so moving it recomputes only the one-width view. The 10-seed sweep
(up to 2 s) runs in the process's sweep queue (``services.jobs``) below the pages' priority:
alone on the server the page waits for it while its seeds come in and draws it in the same
run; when others are computing too, the page draws the rest at once and the loss chart when
its sweep is done.
"""
from dataclasses import replace

import streamlit as st

from app.downloads import figure_downloads
from app.figure_sources.relu import notes as page_notes
from app.notices import notice
from app.settings.relu import ACTIVATION, INPUT, NOISE, PARAMS, POINTS, SEEDS, WIDTH
from app.ui import lang, page_done, page_settings, seed, tr
from app.urlstate import Param, widget_key
from app.relu_sections import cached_depth, cached_frames, cached_grid, cached_loss, sweep_job
from figures.catalog import FigureSpec
from figures.relu import ReluSettings
from manifolds import RELU_FAMILY
from services.jobs import DONE, FAILED, SWEEPS
CHART_CONFIG = {"displaylogo": False}
ALONE_WAIT_S = 10.0   # the longest a page waits in its run for its sweep when it is the only job
# ... and only while its seeds come in: the first within FIRST_SEED_S, each next within
# NEXT_SEED_S. Seeds that do not come mean a busy cluster (another replica's class): the page
# draws the rest now and the loss chart when the sweep is done, instead of holding its run.
FIRST_SEED_S, NEXT_SEED_S = 3.0, 1.5
POLL_S = 1.0          # how often a page whose sweep is queued looks again (in the browser)


def _loss_of(job, settings: ReluSettings, language: str) -> FigureSpec:
    if job.state == FAILED:
        raise ValueError(job.error)           # shown in the chart's place (_figure_with_text)
    return cached_loss(settings, language, job.result)


def _loss_section(settings: ReluSettings, language: str) -> None:
    """The loss chart, or while its sweep waits its place in the queue; the fragment looks
    again every ``POLL_S`` seconds and reruns the page when the sweep is done."""
    job = sweep_job(settings)
    if not job.done and SWEEPS.waiting() <= 1:
        job.wait_while_moving(FIRST_SEED_S, NEXT_SEED_S, ALONE_WAIT_S)
    if job.state in (DONE, FAILED):
        _figure_with_text(lambda: _loss_of(job, settings, language), notes["s3"], "loss")
        return
    st.fragment(_sweep_pending, run_every=POLL_S)(job)   # dropped meanwhile: it reruns at once


def _sweep_pending(job) -> None:
    if job.done:
        st.rerun()
    job.look()          # still shown: a sweep nobody looks at is cancelled (services.jobs)
    st.info(tr("relu.sweep_queued", n=SWEEPS.ahead(job), seeds=job.query.n_seeds),
            icon=":material/hourglass_top:")


def _state(p: Param):
    return st.session_state[widget_key(p)]


def _figure_with_text(build, text: str, key: str) -> None:
    """The figure (wide) with its explanation and downloads beside it; a computation error
    is shown in place of the figure and the rest of the page still draws."""
    chart, side = st.columns([4, 1.2])
    with side:
        st.write(text)
    try:
        spec = build()
    except ValueError as e:
        notice("error", "relu.error", container=chart, error=e)
        return
    chart.plotly_chart(spec.figure, width="stretch", theme=None, config=CHART_CONFIG, key=f"chart_{key}")
    with side:
        figure_downloads(spec, key)


page_settings(*PARAMS)
language = lang()
st.title(tr("relu.title"))
intro, assumptions = st.empty(), st.empty()    # filled once the sidebar's settings are read

with st.sidebar:
    st.subheader(tr("relu.settings"))
    st.selectbox(tr("relu.input"), INPUT.choices, format_func=lambda v: tr(f"relu.input.{v}"),
                 key=widget_key(INPUT))
    st.selectbox(tr("relu.activation"), ACTIVATION.choices, key=widget_key(ACTIVATION))
    st.slider(tr("relu.n_points"), POINTS.lo, POINTS.hi, step=100, key=widget_key(POINTS))
    st.slider(tr("relu.noise"), NOISE.lo, NOISE.hi, step=0.01, key=widget_key(NOISE))
    st.slider(tr("relu.n_seeds"), SEEDS.lo, SEEDS.hi, step=1, key=widget_key(SEEDS))

settings = ReluSettings(input_name=_state(INPUT), activation=_state(ACTIVATION), n=WIDTH.default,
                        n_points=int(_state(POINTS)), noise=float(_state(NOISE)),
                        n_seeds=int(_state(SEEDS)), seed=seed())
notes = page_notes(settings, language)   # texts that name the input, its d and the activation
intro.write(notes["intro"])
assumptions.info(notes["assumptions"], icon=":material/info:")
if settings.activation not in RELU_FAMILY:
    st.warning(tr("relu.not_relu", activation=settings.activation))
if settings.input_name == "line":
    st.info(tr("relu.line_note"), icon=":material/info:")

st.subheader(tr("relu.s1.title"))
# The grid ignores n and the seed count: keep them fixed in its cache key.
_figure_with_text(lambda: cached_grid(replace(settings, n_seeds=SEEDS.default), language),
                  notes["s1"], "grid")

st.subheader(tr("relu.s2.title"))
st.slider(tr("relu.n"), WIDTH.lo, WIDTH.hi, step=1, key=widget_key(WIDTH))
_figure_with_text(lambda: cached_depth(replace(settings, n=int(_state(WIDTH)), n_seeds=SEEDS.default), language),
                  notes["s2"], "depth")
# n = 1..64 as frames with the chart's own slider: scrubbing redraws in the browser. It opens
# at the page's n (building all frames takes about 0.03 s).
_figure_with_text(lambda: cached_frames(replace(settings, n=int(_state(WIDTH)), n_seeds=SEEDS.default),
                                        language),
                  tr("relu.frames.text"), "frames")

st.subheader(tr("relu.s3.title"))
with st.spinner(tr("relu.computing")):
    _loss_section(settings, language)

st.caption(tr("home.paper"))
page_done(*PARAMS)
