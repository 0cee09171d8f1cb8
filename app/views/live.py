"""Live MobileNetV2: predictions and the per-block dimension profile on one image."""
import streamlit as st

from app.live_sections import (choose_image, choose_weights, compare_section, input_section,
                               mosaic_section, profile_section, summary_line)
from app.evidence_section import evidence_section
from app.settings.evidence import PARAMS as EVIDENCE_PARAMS
from app.ui import page_done, page_settings, seed, tr
from app.settings.live import (COMPARE, ESTIMATOR, GEN_CLASS, GEN_INDEX, IMAGE, MOSAIC_BLOCK,
                               MOSAIC_PROBE, PARAMS, RES, WEIGHTS)
from app.urlstate import value as v, widget_key
from app.weight_download import refresh_labels
from services.weights import missing_download


page_settings(*PARAMS, *EVIDENCE_PARAMS)
st.title(tr("live.title"))
st.markdown(tr("live.intro"))

c1, c2, c3 = st.columns(3)


def source_label(source: str) -> str:
    """A weight source's name, saying so when its file would have to be downloaded first."""
    name = tr(f"live.w.{source}")
    return tr("live.not_downloaded", name=name) if missing_download(source) else name


refresh_labels(widget_key(WEIGHTS), widget_key(COMPARE))
c1.selectbox(tr("live.weights"), WEIGHTS.choices, key=widget_key(WEIGHTS), format_func=source_label)
c2.selectbox(tr("live.compare_with"), COMPARE.choices, key=widget_key(COMPARE),
             format_func=source_label)
c3.selectbox(tr("live.image"), IMAGE.choices, key=widget_key(IMAGE),
             format_func=lambda s: tr(f"live.img.{s}") if s in ("generated", "upload", "camera")
             else tr(f"live.photo.{s}"))
c4, c5, c6 = st.columns(3)
c4.selectbox(tr("live.res"), RES.choices, key=widget_key(RES),
             format_func=lambda s: tr("live.res_auto") if s == "auto" else f"{s}×{s}",
             help=tr("live.res_help"))
c5.selectbox(tr("live.estimator"), ESTIMATOR.choices, key=widget_key(ESTIMATOR),
             format_func=lambda s: tr(f"live.est.{s}"), help=tr("live.est_help"))

weights, other = choose_weights(v(WEIGHTS), v(COMPARE), seed())
res = weights.resolution if v(RES) == "auto" else int(v(RES))
image = choose_image(v(IMAGE), GEN_CLASS, GEN_INDEX, seed(), res, c6)
estimator = v(ESTIMATOR)

# A key keeps the chosen tab when the elements above it change (a link's notices go after
# the first run; an upload reruns the page).
one_image, image_set = st.tabs([tr("live.tab_one_image"), tr("evidence.title")], key="live_tabs")
with one_image:
    x = input_section(weights, other, image, res)
    profile = profile_section(weights, x, image, res, estimator, seed())
    other_profile = None
    if other is not None and profile is not None:
        other_profile = compare_section(weights, other, x, image, res, estimator, seed(), profile)
    mosaic_section(weights, x, image, res, MOSAIC_BLOCK, MOSAIC_PROBE)

    st.header(tr("live.explain_title"))
    st.markdown(tr("live.explain"))
    for w, p in ((weights, profile), (other, other_profile)):
        if p:
            summary_line(w, p)
with image_set:
    evidence_section(weights, estimator, seed())
page_done(*PARAMS, *EVIDENCE_PARAMS)
