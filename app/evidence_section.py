"""The live page's "Evidence over a data set": choose an image set, measure the chosen weights,
their twin and a random initialisation over it (``services.evidence``), draw Figure 7, the
information kept and the profile with intervals, each with its claim and measured numbers.

Measuring takes seconds, so it runs when asked (the button, or ``ev_run=1`` in a shared link)
and is cached for every session by the value of its query.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

import streamlit as st

from app.downloads import show_figure as show
from app.limits import image_upload_help
from app.notices import notice
from app.spec_cache import cached_spec
from app.ui import lang, tr
from app.urlstate import Param, widget_key
from figures import evidence_specs as specs
from model.evidence import MIN_TWONN_POINTS
from services import evidence as ev
from services.live import PROBE_CHOICES
from services.weights import Weights, digest

SET = Param("ev_set", "generated", kind="choice", choices=ev.IMAGE_SETS)
N = Param("ev_n", str(ev.DEFAULT_N), kind="choice", choices=tuple(str(n) for n in ev.N_IMAGES))
PROBE = Param("ev_probe", "input", kind="choice", choices=PROBE_CHOICES)
RUN = Param("ev_run", 0, kind="int", lo=0, hi=1)
PARAMS = (SET, N, PROBE, RUN)
UPLOAD_TYPES = ["png", "jpg", "jpeg", "gif", "webp", "bmp", "tif", "tiff", "zip"]
# Seconds per image per network at 64 px on this machine (bench/evidence.py, quiet: 240 images x 3
# networks in 9.4 s with two workers), for
# the estimate shown before the button is pressed.
SECONDS_PER_IMAGE = 0.012


MAX_KEPT = 16   # measurements kept for every session (a few hundred KB each)


@st.cache_resource(show_spinner=False)
def _kept() -> tuple[OrderedDict, threading.Lock]:
    """The process's measurements by ``EvidenceQuery`` value, newest last, and their lock.

    Not ``st.cache_data`` around the measurement: it records the progress bar's updates made
    inside it and fails replaying them on the next hit (CacheReplayClosureError)."""
    return OrderedDict(), threading.Lock()


def _measured(query: ev.EvidenceQuery, uploads, weights: Weights, progress):
    """(results {source: Evidence.to_dict()} or None, rejected files) for ``query`` (which
    names the weights by their identity and the uploads by their digest), measured once."""
    kept, lock = _kept()
    with lock:
        if query in kept:
            kept.move_to_end(query)
            return kept[query]
    images = ev.build_image_set(query, uploads)
    if len(images) == 0:
        return None, images.rejected
    results = ev.measure_networks(ev.networks(weights, query.seed), images, seed=query.seed,
                                  progress=progress)
    value = ({s: e.to_dict() for s, e in results.items()}, images.rejected)
    with lock:
        kept[query] = value
        while len(kept) > MAX_KEPT:
            kept.popitem(last=False)
    return value


def _uploads() -> list[tuple[str, bytes]] | None:
    files = st.file_uploader(tr("evidence.upload"), type=UPLOAD_TYPES, accept_multiple_files=True,
                             key="ev_upload", help=image_upload_help())
    return [(f.name, f.getvalue()) for f in files] if files else None


def evidence_section(weights: Weights, estimator: str, seed: int) -> None:
    """Draws the section for the page's chosen ``weights`` and ``estimator``."""
    st.header(tr("evidence.title"))
    st.markdown(tr("evidence.intro"))
    c1, c2, c3 = st.columns(3)
    c1.selectbox(tr("evidence.set"), SET.choices, key=widget_key(SET),
                 format_func=lambda s: tr(f"evidence.set.{s}"))
    image_set = st.session_state[widget_key(SET)]
    if image_set == "generated":
        c2.selectbox(tr("evidence.n"), N.choices, key=widget_key(N))
    c3.selectbox(tr("evidence.probe"), PROBE.choices, key=widget_key(PROBE),
                 format_func=lambda s: tr(f"live.probe.{s}"))
    uploads = _uploads() if image_set == "upload" else None
    if image_set == "upload" and not uploads:
        st.info(tr("evidence.upload_needed"))
        return
    resolution = weights.resolution
    n_wanted = int(st.session_state[widget_key(N)]) if image_set == "generated" else (
        len(uploads) if uploads else 6)
    limit = ev.max_images(resolution)
    if n_wanted > limit:
        notice("info", "evidence.limited", res=resolution, limit=limit)
    query = ev.EvidenceQuery(
        weights.id, image_set, n_wanted if image_set == "generated" else 0, seed, resolution,
        digest(b"".join(name.encode() + data for name, data in uploads)) if uploads else "")
    if st.button(tr("evidence.run"), key="ev_button", type="primary"):
        st.session_state[widget_key(RUN)] = 1
    if not st.session_state[widget_key(RUN)]:
        networks = len(ev.compared_sources(weights.source))
        st.caption(tr("evidence.not_run", n=min(n_wanted, limit),
                      seconds=SECONDS_PER_IMAGE * min(n_wanted, limit) * networks
                      * (resolution / 64) ** 2 + 1))
        return
    bar = st.progress(0.0)

    def progress(fraction: float, source: str) -> None:
        text = (tr("evidence.waiting") if source == ev.WAITING else
                tr("evidence.progress", step=f"{tr(f'live.w.{source}')}, {fraction:.0%}"))
        bar.progress(min(1.0, max(0.0, fraction)), text=text)
    try:
        results, rejected = _measured(query, uploads, weights, progress)
    except ValueError as exc:
        bar.empty()
        notice("error", "evidence.failed", error=exc)
        return
    bar.empty()
    for name, reason in rejected:
        notice("warning", "evidence.rejected", name=name, reason=reason)
    if results is None:
        notice("error", "evidence.no_images")
        return
    _draw(results, image_set, estimator, st.session_state[widget_key(PROBE)], weights.source)


def _draw(results: dict, image_set: str, estimator: str, probe: str, source: str) -> None:
    language = lang()
    meta = results[source]["meta"]
    st.caption(tr("evidence.sample", n=meta["n_images"], res=meta["resolution"],
                  ppi=meta["pixels_per_image"],
                  points=meta["n_images"] * meta["pixels_per_image"], boot=meta["n_boot"],
                  seconds=sum(r["meta"]["seconds"] for r in results.values())))
    show(cached_spec(specs.figure7_spec, results, image_set, language))
    st.markdown(specs.figure7_text(results[source], source, language))
    show(cached_spec(specs.recovery_spec, results, image_set, language))
    st.markdown(specs.recovery_text(results[source], source, language))
    if "embedded-relu6" in results:
        st.markdown(specs.relu6_text(results["embedded-relu6"], language))
    show(cached_spec(specs.profile_spec, results, image_set, estimator, probe, language))
    st.markdown(specs.profile_text(results, source, estimator, probe, language))
    st.caption(tr("evidence.undersampled_rule", twonn=MIN_TWONN_POINTS))
