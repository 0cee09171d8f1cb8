"""The inverted residual block: costs, Tables 1-3, Section 5.1's split, Figure 6a."""
import streamlit as st

from app.block_sections import (ablation_section, split_section, tables_section,
                                 option_limits_error)
from app.ui import lang, page_done, page_settings, seed, tr
from app.urlstate import Param, widget_key
from figures import block as fig
from figures import block_data as data

D_I = Param("di", 24, kind="int", lo=1, hi=512)
D_J = Param("dj", 24, kind="int", lo=1, hi=512)
T = Param("t", 6, kind="int", lo=1, hi=10)
K = Param("k", "3", kind="choice", choices=("1", "3", "5", "7"))
H = Param("h", 56, kind="int", lo=1, hi=224)
W = Param("w", 56, kind="int", lo=1, hi=224)
STRIDE = Param("s", "1", kind="choice", choices=("1", "2"))
WIDTH = Param("width", "1.0", kind="choice", choices=data.WIDTHS)
RES = Param("res", "224", kind="choice", choices=data.RESOLUTIONS)
SPLIT_BLOCK = Param("split_block", 2, kind="int", lo=1, hi=17)
SPLIT_RES = Param("split_res", "224", kind="choice", choices=data.RESOLUTIONS)
ESTIMATOR = Param("ablation_est", "twonn", kind="choice", choices=("pca", "pr", "twonn"))
PARAMS = (D_I, D_J, T, K, H, W, STRIDE, WIDTH, RES, SPLIT_BLOCK, SPLIT_RES, ESTIMATOR)
REPEATS = 7


@st.cache_data(show_spinner=False, max_entries=64)
def cached_option_rows(d_i, d_j, t, k, h, w, stride):
    return data.option_rows(d_i, d_j, t, k, h, w, stride, repeats=REPEATS)


def v(p: Param):
    return st.session_state[widget_key(p)]


page_settings(*PARAMS)
st.title(tr("block.title"))
st.markdown(tr("block.intro"))

# 1. The interactive block.
st.header(tr("block.interactive"))
st.caption(tr("block.interactive_help", repeats=REPEATS))
cols = st.columns(7)
cols[0].number_input(tr("block.d_i"), min_value=D_I.lo, max_value=D_I.hi, step=8, key=widget_key(D_I))
cols[1].number_input(tr("block.d_j"), min_value=D_J.lo, max_value=D_J.hi, step=8, key=widget_key(D_J))
cols[2].slider(tr("block.t"), min_value=T.lo, max_value=T.hi, key=widget_key(T))
cols[3].selectbox(tr("block.k"), K.choices, key=widget_key(K))
cols[4].number_input(tr("block.h"), min_value=H.lo, max_value=H.hi, step=7, key=widget_key(H))
cols[5].number_input(tr("block.w"), min_value=W.lo, max_value=W.hi, step=7, key=widget_key(W))
cols[6].selectbox(tr("block.stride"), STRIDE.choices, key=widget_key(STRIDE))
shape = (int(v(D_I)), int(v(D_J)), int(v(T)), int(v(K)), int(v(H)), int(v(W)), int(v(STRIDE)))
st.plotly_chart(fig.table1_figure(shape[0], shape[1], shape[2], shape[4], shape[5], shape[6],
                                  k=shape[3], lang=lang()), key="block_table1")
too_big = option_limits_error(*shape)
if too_big:
    st.error(too_big)
else:
    with st.spinner(tr("block.measuring")):
        rows = cached_option_rows(*shape)
    st.plotly_chart(fig.options_figure(rows, lang()), key="block_options")
    by = {r["option"]: r for r in rows}
    st.markdown(tr("block.ratio", ratio=by["standard"]["madds"] / by["separable"]["madds"],
                   bratio=by["bottleneck"]["madds"] / by["separable"]["madds"]))
st.caption(tr("block.formulas"))
st.caption(tr("block.time_note"))

# 2-4. The network's tables, the split and the ablation (in app/block_sections.py).
tables_section(WIDTH, RES)
split_section(SPLIT_BLOCK, SPLIT_RES, seed())
ablation_section(ESTIMATOR)

page_done(*PARAMS)
