"""Sections of the block page, kept apart so the page file stays short. Each section draws
the ``FigureSpec``s of ``figures.block_specs`` (the same ones the export writes) with their
download buttons, and catches its own failures: one broken section shows st.error and the
rest of the page still draws."""
from __future__ import annotations

import streamlit as st

from app.downloads import show_figure as show
from app.notices import notice
from app.spec_cache import cached_spec
from app.settings.block import ABLATION_IMAGES
from app.ui import lang, tr
from app.urlstate import Param, widget_key
from figures import block as fig
from services import block as data
from services.remote import compute
from figures import block_specs as specs


# A guard against shapes whose inner tensor alone would take hundreds of MB to time.
MAX_INNER_VALUES = 25_000_000


def option_limits_error(d_i, d_j, t, k, h, w, stride) -> str | None:
    """An error message when the interactive block is too large to time here, else None."""
    inner = max(t * d_i, d_i, d_j) * h * w
    if inner > MAX_INNER_VALUES:
        return tr("block.too_big", values=f"{inner:,}", limit=f"{MAX_INNER_VALUES:,}")
    return None


@st.cache_data(show_spinner=False, max_entries=64)
def cached_option_rows(shape: tuple, repeats: int):
    return compute("option_rows", *shape, repeats=repeats)    # torch: on the Dask cluster


def interactive_section(shape: dict, repeats: int) -> None:
    show(cached_spec(specs.table1_spec, shape, lang()), caption=False)
    too_big = option_limits_error(**shape)
    if too_big:
        st.error(too_big)
        return
    runs, per_run = data.affordable_repeats(**shape, repeats=repeats)
    if runs == 0:
        notice("error", "block.too_much_work", madds=f"{per_run / 1e9:,.1f}",
               limit=f"{data.MAX_TIMED_MADDS / 1e9:,.0f}")
        return
    if runs < repeats:
        notice("info", "block.fewer_runs", runs=runs, repeats=repeats)
        repeats = runs
    try:
        with st.spinner(tr("block.measuring")):
            rows = cached_option_rows(tuple(shape.values()), repeats)
    except ValueError as exc:     # also a task lost with its worker (WorkerDied)
        notice("error", "block.compute_error", error=exc)
        return
    show(cached_spec(specs.options_spec, shape, rows, lang(), repeats),
         caption=False)
    by = {r["option"]: r for r in rows}
    st.markdown(tr("block.ratio", ratio=by["standard"]["madds"] / by["separable"]["madds"],
                   bratio=by["bottleneck"]["madds"] / by["separable"]["madds"]))


@st.cache_data(show_spinner=False, max_entries=32)
def cached_costs(width: float, resolution: int):
    return data.network_costs(width, resolution)


@st.cache_data(show_spinner=False, max_entries=4)
def cached_tfslim_grid():
    return data.tfslim_grid()


def tables_section(width_p: Param, res_p: Param) -> None:
    st.header(tr("block.tables"))
    c1, c2 = st.columns(2)
    c1.selectbox(tr("block.width_sel"), width_p.choices, key=widget_key(width_p))
    c2.selectbox(tr("block.res_sel"), res_p.choices, key=widget_key(res_p))
    width, res = float(st.session_state[widget_key(width_p)]), int(st.session_state[widget_key(res_p)])
    with st.spinner(tr("block.counting")):
        costs = cached_costs(width, res)
        grid = cached_tfslim_grid()
    show(cached_spec(specs.table2_spec, costs, width, res, lang()))
    table2_frame(costs["table2"])
    show(cached_spec(specs.tfslim_spec, data.PAPER_TFSLIM, grid, lang()))
    show(cached_spec(specs.table3_spec, costs, width, res, lang()))


def table2_frame(rows: list[dict]) -> None:
    """The paper's Table 2 read off the model: every row shown (no inner scroll box), empty
    cells as "–" (not "None"), headers translated."""
    import pandas as pd
    # All text: a column of numbers and "–" would not convert to one Arrow type.
    def cell(v) -> str:
        if v is None or v != v:
            return "–"
        return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
    frame = pd.DataFrame(rows).map(cell)
    frame = frame.rename(columns={c: tr(f"block.table2.{c}") for c in ("input", "operator")})
    row_px = 35                                   # Streamlit's row height
    st.dataframe(frame, hide_index=True, height=row_px * (len(frame) + 1) + 3)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_split(block_index: int, resolution: int, seed: int):
    return compute("split_rows", block_index, resolution, seed)


def split_section(block_p: Param, res_p: Param, seed: int) -> None:
    st.header(tr("block.split"))
    st.markdown(tr("block.split_help"))
    c1, c2 = st.columns(2)
    c1.slider(tr("block.split_block"), min_value=block_p.lo, max_value=block_p.hi,
              key=widget_key(block_p))
    c2.selectbox(tr("block.split_res"), res_p.choices, key=widget_key(res_p))
    index, res = int(st.session_state[widget_key(block_p)]), int(st.session_state[widget_key(res_p)])
    try:
        with st.spinner(tr("block.split_running")):
            rows, info = cached_split(index, res, seed)
    except ValueError as exc:
        notice("error", "block.compute_error", error=exc)
        return
    show(cached_spec(specs.split_spec, rows, info, seed, lang()))
    first, last = rows[0], rows[-1]
    m1, mk = first["measured_peak_bytes"], last["measured_peak_bytes"]
    st.markdown(tr("block.split_summary", kmax=last["k"],
                   diff=max(r["max_abs_diff"] for r in rows),
                   b1=fig.human(first["inner_bytes"]) + "B", bk=fig.human(last["inner_bytes"]) + "B",
                   ratio=first["inner_bytes"] / last["inner_bytes"],
                   m1="?" if m1 is None else fig.human(m1) + "B",
                   mk="?" if mk is None else fig.human(mk) + "B"))


@st.cache_data(show_spinner=False, max_entries=2)
def cached_logs():
    return data.training_logs()


@st.cache_data(show_spinner=False, max_entries=8)
def cached_ablation_profiles(estimator: str, n_images: int, seed: int):
    return compute("ablation_profiles", estimator, n_images, seed)


def ablation_section(estimator_p: Param, seed: int) -> None:
    st.header(tr("block.ablation"))
    st.markdown(tr("block.ablation_help"))
    logs = cached_logs()
    if not logs:
        st.info(tr("block.ablation_missing"))
        return
    show(cached_spec(specs.curves_spec, logs, lang()), caption=False)
    ended = {v: log["final"] for v, log in logs.items()
             if log["final"].get("heldout_acc") is not None and log["final"].get("heldout_size")}
    finals = [f"{tr(f'block.variant.{v}')} {fig.accuracy_percent(f)} ({fig.accuracy_interval(f)})"
              for v, f in ended.items()]
    sizes = {int(f["heldout_size"]) for f in ended.values()}
    if finals:
        st.markdown(tr("block.ablation_final", rows=", ".join(finals),
                       size=" / ".join(f"{n:,}" for n in sorted(sizes))))
    st.selectbox(tr("block.ablation_estimator"), estimator_p.choices, key=widget_key(estimator_p),
                 format_func=lambda s: tr(f"live.est.{s}"))
    estimator = st.session_state[widget_key(estimator_p)]
    try:
        with st.spinner(tr("block.ablation_running")):
            profiles = cached_ablation_profiles(estimator, ABLATION_IMAGES, seed)
    except ValueError as exc:
        notice("error", "block.ablation_profiles_error", error=exc)
        return
    if profiles:
        show(cached_spec(specs.ablation_profiles_spec,
                         profiles, estimator, ABLATION_IMAGES, seed, lang()))
