"""Sections 2-4 of the block page (Tables 1-3, Section 5.1's split, Figure 6a), kept apart so
the page file stays short. Each section catches its own failures: one broken section shows
st.error and the rest of the page still draws."""
from __future__ import annotations

import streamlit as st

from app.ui import lang, tr
from app.urlstate import Param, widget_key
from figures import block as fig
from figures import block_data as data

# A guard against shapes whose inner tensor alone would take hundreds of MB to time.
MAX_INNER_VALUES = 25_000_000


def option_limits_error(d_i, d_j, t, k, h, w, stride) -> str | None:
    """An error message when the interactive block is too large to time here, else None."""
    inner = max(t * d_i, d_i, d_j) * h * w
    if inner > MAX_INNER_VALUES:
        return tr("block.too_big", values=f"{inner:,}", limit=f"{MAX_INNER_VALUES:,}")
    return None


def download(spec_name: str, figure, caption: str, params: dict) -> None:
    """The shared download widget under a figure, once ``app/downloads.py`` exists."""
    try:
        from app.downloads import download_figure
        from figures.catalog import FigureSpec
    except ImportError:
        return
    download_figure(FigureSpec(spec_name, caption, params, figure), key=f"dl_{spec_name}")


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
    try:
        costs = cached_costs(width, res)
        grid = cached_tfslim_grid()
    except ImportError as exc:
        st.info(tr("block.costs_missing", error=exc))
        return
    st.plotly_chart(fig.table2_figure(costs["blocks"], width, res, lang()), key="block_table2")
    st.caption(tr("block.table2_caption", width=width, res=res, params=costs["total_params"],
                  madds=costs["total_madds"]))
    st.dataframe(costs["table2"], hide_index=True)
    st.plotly_chart(fig.tfslim_figure(data.PAPER_TFSLIM, grid, lang()), key="block_tfslim")
    st.caption(tr("block.tfslim_caption"))
    st.plotly_chart(fig.table3_figure(costs["table3"], costs["paper_table3"], lang()),
                    key="block_table3")
    st.caption(tr("block.table3_caption", width=width, res=res))


@st.cache_data(show_spinner=False, max_entries=32)
def cached_split(block_index: int, resolution: int, seed: int):
    return data.split_rows(block_index, resolution, seed)


def split_section(block_p: Param, res_p: Param, seed: int) -> None:
    st.header(tr("block.split"))
    st.markdown(tr("block.split_help"))
    c1, c2 = st.columns(2)
    c1.slider(tr("block.split_block"), min_value=block_p.lo, max_value=block_p.hi,
              key=widget_key(block_p))
    c2.selectbox(tr("block.split_res"), res_p.choices, key=widget_key(res_p))
    index, res = int(st.session_state[widget_key(block_p)]), int(st.session_state[widget_key(res_p)])
    with st.spinner(tr("block.split_running")):
        rows, info = cached_split(index, res, seed)
    name = f"block {index}"
    st.plotly_chart(fig.split_figure(rows, name, lang()), key="block_split")
    first, last = rows[0], rows[-1]
    m1, mk = first["measured_peak_bytes"], last["measured_peak_bytes"]
    st.markdown(tr("block.split_summary", kmax=last["k"],
                   diff=max(r["max_abs_diff"] for r in rows),
                   b1=fig.human(first["inner_bytes"]) + "B", bk=fig.human(last["inner_bytes"]) + "B",
                   ratio=first["inner_bytes"] / last["inner_bytes"],
                   m1="?" if m1 is None else fig.human(m1) + "B",
                   mk="?" if mk is None else fig.human(mk) + "B"))
    st.caption(tr("block.split_caption", seed=seed, **info))


def ablation_section(estimator_p: Param) -> None:
    st.header(tr("block.ablation"))
    st.markdown(tr("block.ablation_help"))
    try:
        logs = data.training_logs()
    except ImportError:
        logs = {}
    if not logs:
        st.info(tr("block.ablation_missing"))
        return
    labelled = {tr(f"block.variant.{v}"): log for v, log in logs.items()}
    st.plotly_chart(fig.training_curves_figure(labelled, lang()), key="block_curves")
    finals = [f"{tr(f'block.variant.{v}')} {log['final']['heldout_acc']:.1%}"
              for v, log in logs.items() if log["final"].get("heldout_acc") is not None]
    if finals:
        st.markdown(tr("block.ablation_final", rows=", ".join(finals)))
