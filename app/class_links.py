"""The links of a live class: the join link and its QR code, the link that opens a slide's page
with the slide's settings ("Explore from here"), and the check of a code typed or linked.

A class code from a link or a text box is outside text: it is normalised and checked here
(``services.class_state.normalise_code``) before anything else sees it, and a session that
tries many wrong codes waits (the server's own bucket bounds all sessions together).
"""
from __future__ import annotations

import os
import time
from urllib.parse import urlencode, urlsplit

import streamlit as st

from figures.catalog import FigureSpec
from figures.lecture import LECTURE, LECTURE_SEED
from services.class_state import normalise_code

PUBLIC_URL_ENV = "MANIFOLD_LAB_PUBLIC_URL"   # the address students open, when not the teacher's
LOOPBACK = {"localhost", "127.0.0.1", "::1", "[::1]"}
SESSION_TRIES = 5              # wrong codes a session may try ...
SESSION_WINDOW_S = 60          # ... within this many seconds
QR_BORDER = 4           # the quiet zone the QR standard asks for

# A slide's page and the page's settings (URL names) that the slide's figure was made with.
RELU_SETTINGS = {"input_name": "input", "activation": "act", "n": "n", "n_points": "points",
                 "noise": "noise", "n_seeds": "seeds"}
BLOCK_SETTINGS = {"d_i": "di", "d_j": "dj", "t": "t", "k": "k", "h": "h", "w": "w",
                  "stride": "s"}
EXPLORE = {
    "figure1": ("views/relu_manifolds.py", RELU_SETTINGS, {}),
    "collapse": ("views/relu_manifolds.py", RELU_SETTINGS, {}),
    "block": ("views/block.py", BLOCK_SETTINGS, {}),
    "profile": ("views/live.py", {}, {"ev_run": "1"}),
    "figure7": ("views/live.py", {}, {"ev_run": "1"}),
    "recovery": ("views/live.py", {}, {"ev_run": "1"}),
    "ablation": ("views/block.py", {}, {}),
}


def public_base() -> str:
    """The app's address as students reach it: ``MANIFOLD_LAB_PUBLIC_URL``, else the
    teacher's own (a loopback name made this machine's address on the network)."""
    configured = os.environ.get(PUBLIC_URL_ENV, "").strip().rstrip("/")
    if configured:
        return configured
    url = urlsplit(str(st.context.url or "http://localhost:8501/"))
    host, port = url.hostname or "localhost", url.port
    if host in LOOPBACK:
        from streamlit import net_util
        host = net_util.get_internal_ip() or host
    netloc = f"{host}:{port}" if port else host
    path = url.path.rsplit("/presenter", 1)[0].rstrip("/")
    return f"{url.scheme or 'http'}://{netloc}{path}"


def join_link(code: str, language: str) -> str:
    """The link students open to follow class ``code`` (no teacher key in it)."""
    return f"{public_base()}/presenter?{urlencode({'class': code, 'lang': language})}"


def qr_image(text: str, size_css: str = "min(56vh, 80vw)") -> str:
    """``text`` as a QR code: an HTML image (PNG data, no request of its own), drawn
    ``size_css`` wide with sharp modules (a projector's back row reads a code a third of the
    screen high), black on white with its quiet zone."""
    import segno
    uri = segno.make(text, error="m").png_data_uri(scale=8, border=QR_BORDER)
    return (f'<img src="{uri}" alt="QR" style="width:{size_css};max-width:100%;'
            f'image-rendering:pixelated;display:block;margin:0 auto">')


def explore_query(slide_number: int, spec: FigureSpec | None, language: str) -> tuple[str, dict]:
    """(page, its link settings) that open slide ``slide_number``'s figure on its page with
    the slide's settings and the lecture's seed, in ``language``."""
    page, names, extra = EXPLORE[LECTURE[slide_number - 1].key]
    params = dict(spec.params) if spec is not None else {}
    query = {url: str(params[name]) for name, url in names.items() if name in params}
    return page, {**query, **extra, "seed": str(LECTURE_SEED), "lang": language}


def checked_code(raw) -> tuple[str | None, str | None]:
    """(the code, None), or (None, the refusal key) for a code of the wrong shape or a
    session that tried too many wrong codes of late (``too_soon`` seconds in the state)."""
    tries = [at for at in st.session_state.get("_class_tries", [])
             if time.monotonic() - at < SESSION_WINDOW_S]
    st.session_state["_class_tries"] = tries
    if len(tries) >= SESSION_TRIES:
        st.session_state["_class_wait_s"] = int(SESSION_WINDOW_S - (time.monotonic() - tries[0])) + 1
        return None, "slow_down"
    code = normalise_code(raw)
    if code is None:
        failed_try()
        return None, "format"
    return code, None


def failed_try() -> None:
    """Count one wrong code against this session."""
    st.session_state.setdefault("_class_tries", []).append(time.monotonic())
