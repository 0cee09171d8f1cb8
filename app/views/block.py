"""The inverted residual block: costs, Tables 1-3, Section 5.1's split, Figure 6a."""
import streamlit as st

from app.block_sections import (ablation_section, interactive_section, split_section,
                                 tables_section)
from app.settings.block import (D_I, D_J, ESTIMATOR, H, K, PARAMS, REPEATS, RES, SPLIT_BLOCK,
                                SPLIT_RES, STRIDE, T, W, WIDTH, shape as block_shape)
from app.ui import page_done, page_settings, seed, tr
from app.urlstate import value as v, widget_key


page_settings(*PARAMS)
st.title(tr("block.title"))
st.markdown(tr("block.intro"))

# 1. The interactive block.
st.header(tr("block.interactive"))
st.markdown(tr("block.interactive_help", repeats=REPEATS))
cols = st.columns(7)
cols[0].number_input(tr("block.d_i"), min_value=D_I.lo, max_value=D_I.hi, step=8, key=widget_key(D_I))
cols[1].number_input(tr("block.d_j"), min_value=D_J.lo, max_value=D_J.hi, step=8, key=widget_key(D_J))
cols[2].slider(tr("block.t"), min_value=T.lo, max_value=T.hi, key=widget_key(T))
cols[3].selectbox(tr("block.k"), K.choices, key=widget_key(K))
cols[4].number_input(tr("block.h"), min_value=H.lo, max_value=H.hi, step=7, key=widget_key(H))
cols[5].number_input(tr("block.w"), min_value=W.lo, max_value=W.hi, step=7, key=widget_key(W))
cols[6].selectbox(tr("block.stride"), STRIDE.choices, key=widget_key(STRIDE))
shape = block_shape(v)
interactive_section(shape, REPEATS)
st.markdown(tr("block.formulas"))
st.markdown(tr("block.time_note"))

# 2-4. The network's tables, the split and the ablation (in app/block_sections.py).
tables_section(WIDTH, RES)
split_section(SPLIT_BLOCK, SPLIT_RES, seed())
ablation_section(ESTIMATOR, seed())

page_done(*PARAMS)
