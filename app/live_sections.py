"""The Live MobileNetV2 page's parts: choosing weights and image (with their uploads), and the
sections that draw. Heavy work is cached per weights / image / settings; every failure of a
source or an upload is an st.error and the page goes on with a default."""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import streamlit as st

from app.downloads import show_figure as show
from app.notices import notice
from app.limits import checkpoint_upload_help, image_upload_help
from app.spec_cache import cached_spec
from app.ui import lang, tr
from app.urlstate import Param, widget_key
from app.weight_download import download_panel
from services.images import SAMPLE_PHOTOS, decode_upload, generated_image, prepare_input, sample_photo
from services.live import profile_summary
from services.remote import WorkerDied, analyze
from services import weight_download as downloads
from services.weights import Weights, WeightsId, describe_source, digest
from figures import live_specs as specs
from figures.evidence_specs import block_ranges


IMAGE_TYPES = ["png", "jpg", "jpeg", "gif", "webp", "bmp", "tif", "tiff"]


@dataclass
class ChosenImage:
    array: np.ndarray      # uint8 (h, w, 3)
    label: str             # what to call it in captions
    key: str               # cache key (content hash for uploads)
    generated: bool


# -- weights --------------------------------------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=8)
def _weights(wid: WeightsId, _upload: tuple[bytes, str] | None, _like: Weights | None) -> Weights:
    """Described once per value of ``wid`` (which holds the upload's digest and, for "random",
    the architecture's source; a Dask worker builds the network); the unhashed arguments
    are what ``wid`` names."""
    upload, name = _upload if _upload else (None, "")
    return describe_source(wid.source, seed=wid.seed, upload=upload, upload_name=name, like=_like)


# Sources that failed, with when: an offline ImageNet download is not retried on every rerun.
_FAILED: dict[WeightsId, tuple[float, ValueError]] = {}
RETRY_AFTER_S = 60.0


def load_checked(source: str, seed: int, upload: tuple[bytes, str] | None, like=None):
    """(Weights, None) or (None, the error: a ``Refusal`` the page says in its language);
    never raises for a bad source."""
    wid = WeightsId(source, seed=seed if source == "random" else 0,
                    digest=digest(upload[0]) if upload and source == "upload" else "",
                    like=like.id if like is not None and source == "random" else None)
    failed = _FAILED.get(wid)
    if failed and time.monotonic() - failed[0] < RETRY_AFTER_S:
        return None, failed[1]
    try:
        return _weights(wid, upload if source == "upload" else None, like), None
    except ValueError as exc:  # WeightsError, ImageError and bad arguments are ValueErrors
        if not isinstance(exc, WorkerDied):    # the next try starts a new worker
            _FAILED[wid] = (time.monotonic(), exc)
        return None, exc


def checkpoint_upload() -> tuple[bytes, str] | None:
    """(content, file name) of the uploaded checkpoint, or None."""
    up = st.file_uploader(tr("live.upload_ckpt"), type=["pth", "pt"], key="live_ckpt",
                          help=checkpoint_upload_help())
    return (up.getvalue(), up.name) if up is not None else None


def choose_weights(source: str, compare: str, seed: int):
    """The shown weights and the comparison weights (or None), with the checkpoint upload
    when either is "upload" and the Download button for ImageNet weights not on this machine
    yet (the default shown, or no comparison, meanwhile). Falls back to the trained default
    (then random) with an error."""
    upload = checkpoint_upload() if "upload" in (source, compare) else None
    chosen = source
    if source == "upload" and upload is None:
        st.info(tr("live.upload_ckpt_needed"))
        source = "embedded"
    elif downloads.missing(source):        # ImageNet weights: the Download button instead
        download_panel(source)
        source = "embedded"
    weights, error = load_checked(source, seed, upload)
    if weights is None:
        notice("error", "live.weights_error", error=error)
        weights, error = load_checked("embedded", seed, None)
        if weights is None:  # no trained files in this checkout
            notice("error", "live.weights_error", error=error)
            weights, _ = load_checked("random", seed, None)
    other = None
    # The same source twice would compare a network with itself: nothing to see.
    comparing = (compare not in ("none", source, chosen)
                 and not (compare == "upload" and upload is None))
    if comparing and downloads.missing(compare):
        download_panel(compare, comparison=True)
    elif comparing:
        other, error = load_checked(compare, seed, upload, like=weights)
        if other is None:
            notice("error", "live.compare_error", error=error)
    st.markdown(tr("live.weights_info", label=label(weights), width=weights.width_mult,
                   classes=len(weights.classes), res=weights.resolution))
    return weights, other


def label(w: Weights) -> str:
    return tr(f"live.w.{w.source}")


# -- image ------------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=16)
def _photo(name: str) -> np.ndarray:
    return sample_photo(name)


@st.cache_data(show_spinner=False, max_entries=64)
def _generated(label_: int, index: int, seed: int, res: int) -> np.ndarray:
    return generated_image(label_, index, seed, res)


def generated_choice(label_: int, index: int, seed: int, res: int, name: str) -> ChosenImage:
    return ChosenImage(_generated(label_, index, seed, res), name,
                       f"gen:{label_}:{index}:{seed}:{res}", True)


def read_image_upload(content: bytes, name: str) -> tuple[np.ndarray | None, ValueError | None]:
    """Decode an uploaded or camera image: (uint8 (h, w, 3), None) or (None, the error)."""
    try:
        return decode_upload(content, name), None
    except ValueError as exc:
        return None, exc


def fallback_image() -> ChosenImage:
    name = SAMPLE_PHOTOS[0]
    return ChosenImage(_photo(name), tr(f"live.photo.{name}"), f"photo:{name}", False)


def choose_image(choice: str, class_p: Param, index_p: Param, seed: int, res: int,
                 container) -> ChosenImage:
    if choice in SAMPLE_PHOTOS:
        return ChosenImage(_photo(choice), tr(f"live.photo.{choice}"), f"photo:{choice}", False)
    if choice == "generated":
        from model.synthetic import CLASSES
        container.selectbox(tr("live.gen_class"), list(range(len(CLASSES))),
                            key=widget_key(class_p), format_func=lambda i: tr(f"live.class.{CLASSES[i]}"))
        container.number_input(tr("live.gen_index"), min_value=index_p.lo, max_value=index_p.hi,
                               step=1, key=widget_key(index_p))
        lab, idx = int(st.session_state[widget_key(class_p)]), int(st.session_state[widget_key(index_p)])
        name = f"{tr('live.img.generated')}: {tr(f'live.class.{CLASSES[lab]}')} #{idx}"
        return generated_choice(lab, idx, seed, res, name)
    if choice == "upload":
        up = container.file_uploader(tr("live.upload_image"), type=IMAGE_TYPES, key="live_image",
                                     help=image_upload_help())
    else:
        up = container.camera_input(tr("live.camera"), key="live_camera", help=image_upload_help())
    if up is None:
        st.info(tr("live.image_needed"))
        return fallback_image()
    content = up.getvalue()
    array, error = read_image_upload(content, up.name)
    if array is None:
        notice("error", "live.image_error", error=error)
        return fallback_image()
    height, width = array.shape[:2]
    if min(height, width) < res:      # accepted (model.images), but say what the network sees
        # the shorter side is resized to fit and the centre square cut out (model.images):
        # of a 4000 x 10 strip, the middle 10 x 10 pixels ("only ... smaller" was wrong there)
        key = "live.image_small" if max(width, height) < res else "live.image_thin"
        notice("info", key, name=up.name, width=width, height=height, res=res,
               short=min(width, height))
    return ChosenImage(array, up.name, f"upload:{digest(content)}", False)


# -- sections ---------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=64)
def _input(image_key: str, res: int, source: str, generated: bool, _array):
    return prepare_input(_array, res, source, generated=generated)


# The analyses run on the Dask cluster (services.remote: torch there does not wait
# for other sessions' Python); the caches keep their results for every session.
@st.cache_data(show_spinner=False, max_entries=64)
def _top5(wid: WeightsId, image_key: str, res: int, _w, _x):
    return analyze("top5", _w, _x)


def input_section(weights, other, image: ChosenImage, res: int):
    """Draws the preprocessed input and the top-5 of each weight source; returns x."""
    st.header(tr("live.input_title"))
    x, shown = _input(image.key, res, weights.source, image.generated, image.array)
    sources = [weights] + ([other] if other is not None else [])
    cols = st.columns(1 + len(sources))
    with cols[0]:
        show(cached_spec(specs.input_spec, shown, image.label, res, lang(), generated=image.generated))
    for i, (col, w) in enumerate(zip(cols[1:], sources)):
        with col:
            try:
                top = _top5(w.id, image.key, res, w, x)
            except ValueError as exc:
                notice("error", "live.analysis_error", error=exc)
                continue
            show(cached_spec(specs.topk_spec, top, w.source, i, lang()), caption=False)
            if w.source.startswith("embedded"):
                st.markdown(tr("live.pred_note.embedded", n=len(w.classes)))
            elif w.source == "random":
                st.markdown(tr("live.pred_note.random"))
    return x


@st.cache_data(show_spinner=False, max_entries=64)
def _profile(wid: WeightsId, image_key: str, res: int, estimator: str, seed: int, _w, _x):
    return analyze("profile", _w, _x, estimator, seed)


def _analysed(w, x, image, res, estimator, seed, step: str):
    """(profile, seconds) or None after an st.error; shows progress while it runs."""
    try:
        with st.spinner(tr("live.computing", weights=label(w), step=step)):
            return _profile(w.id, image.key, res, estimator, seed, w, x)
    except ValueError as exc:
        notice("error", "live.analysis_error", error=exc)
        return None


def profile_section(weights, x, image: ChosenImage, res: int, estimator: str, seed: int):
    st.header(tr("live.profile"))
    result = _analysed(weights, x, image, res, estimator, seed, "1/2")
    if result is None:
        return None
    profile, seconds = result
    params = dict(weights=weights.source, image=image.label, res=res, est=estimator, seed=seed)
    show(cached_spec(specs.profile_spec, profile, weights.source, estimator, params, lang()))
    first = min(profile, key=lambda r: r["block"])["n_points"]
    last = max(profile, key=lambda r: r["block"])["n_points"]
    st.markdown(tr("live.timing", res=res, seconds=seconds, pixels=first, last=last))
    st.subheader(tr("live.zeros"))
    show(cached_spec(specs.zeros_spec, profile, weights.source, params, lang()))
    return profile


def compare_section(weights, other, x, image, res, estimator, seed, profile):
    """Draws both profiles side by side; returns the other weights' profile (or None)."""
    st.header(tr("live.compare"))
    result = _analysed(other, x, image, res, estimator, seed, "2/2")
    if result is None:
        return None
    params = dict(weights=weights.source, compare=other.source, image=image.label, res=res,
                  est=estimator, seed=seed)
    show(cached_spec(specs.compare_spec, {weights.source: profile, other.source: result[0]},
                     estimator, params, lang()), caption=False)
    return result[0]


def summary_line(weights, profile) -> None:
    """One sentence of what the profile measured, next to the explanation of the claims."""
    s = profile_summary(profile)
    blocks = s.pop("blocks")
    pct = {k: "–" if v is None else f"{v:.0%}" for k, v in s.items()}
    st.markdown(tr("live.summary", weights=label(weights), **pct))
    st.caption(tr("live.summary_blocks", total=len({r["block"] for r in profile}),
                  **{probe: block_ranges(b) or tr("evidence.training.no_block")
                     for probe, b in blocks.items()}))


@st.cache_data(show_spinner=False, max_entries=64)
def _acts(wid: WeightsId, image_key: str, res: int, block: int, probe: str, _w, _x):
    return analyze("channels", _w, _x, block, probe)


def mosaic_section(weights, x, image, res, block_p: Param, probe_p: Param) -> None:
    st.header(tr("live.mosaic"))
    c1, c2 = st.columns(2)
    c1.slider(tr("live.mosaic_block"), min_value=block_p.lo, max_value=block_p.hi,
              key=widget_key(block_p))
    c2.selectbox(tr("live.mosaic_probe"), probe_p.choices, key=widget_key(probe_p),
                 format_func=lambda s: tr(f"live.probe.{s}"))
    block, probe = int(st.session_state[widget_key(block_p)]), st.session_state[widget_key(probe_p)]
    try:
        acts = _acts(weights.id, image.key, res, block - 1, probe, weights, x)
    except ValueError as exc:
        notice("error", "live.analysis_error", error=exc)
        return
    show(cached_spec(specs.mosaic_spec, acts, block, probe, weights.source, lang()))


def warm(estimators) -> None:
    """Fill the caches the page's first run at its defaults reads, under the same keys (the
    start-up warm-up, ``app.warmup``): the networks, the input, both top-5s, both profiles for
    each of ``estimators`` and the default mosaic."""
    from app.settings import live as p
    weights, _ = load_checked(p.WEIGHTS.default, 0, None)
    if weights is None:
        return
    compare = p.COMPARE.default
    other = (load_checked(compare, 0, None, like=weights)[0]
             if compare not in ("none", "upload", weights.source) else None)
    res = weights.resolution if p.RES.default == "auto" else int(p.RES.default)
    image = generated_choice(int(p.GEN_CLASS.default), int(p.GEN_INDEX.default), 0, res, "")
    x, _ = _input(image.key, res, weights.source, image.generated, image.array)
    for w in filter(None, (weights, other)):
        _top5(w.id, image.key, res, w, x)
        for estimator in estimators:
            _profile(w.id, image.key, res, estimator, 0, w, x)
    _acts(weights.id, image.key, res, int(p.MOSAIC_BLOCK.default) - 1,
          p.MOSAIC_PROBE.default, weights, x)
