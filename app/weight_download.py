"""The Download button of a published checkpoint (torchvision's ImageNet weights) and its
progress, where the live page offers the choice: its weights and its comparison.

One download per server (``services.weight_download``): a session that presses the button
while another's download runs follows that one, and one that only shows the offer notices the
download within ``IDLE_POLL_S`` seconds. The panel is a fragment that looks again in the
browser (as the evidence section's measurement does), and the whole page runs again when the
download is done, now with the weights, or failed, saying why in one line with the button to
try again.
"""
from __future__ import annotations

import streamlit as st

from app.notices import notice
from app.ui import tr
from i18n.messages import Own
from model.registry import IMAGENET
from services import jobs
from services import weight_download as downloads

POLL_S = 1.0          # how often a running download's bar looks again
IDLE_POLL_S = 5.0     # how often an offer looks for a download another session started
MB = 1e6              # bytes, as the app counts them (README, "In the classroom")
_SEEN = "download_files_seen"     # session state: which files were missing at the last run


def download_panel(source: str, *, comparison: bool = False) -> None:
    """What the page says in place of weights ``source`` whose file is not on this machine:
    its size and the Download button, the running download's progress (whichever session
    started it), or the last download's failure and the button again. ``comparison``: the
    weights were chosen to compare with (the page then compares nothing until they are
    here). Looks again every ``POLL_S`` seconds while a download runs, every
    ``IDLE_POLL_S`` otherwise, and runs the page again when that changed."""
    running = _running(source)
    st.fragment(_panel, run_every=POLL_S if running else IDLE_POLL_S)(source, comparison, running)


def refresh_labels(*keys: str) -> None:
    """The selectboxes ``keys`` show their chosen option's label anew when a file arrived (or
    went) since this session's last run: the browser keeps the label it was sent, "(not
    downloaded)" included, until the value is set again. Call before the selectboxes."""
    missing = tuple(downloads.missing(source) for source in IMAGENET)
    if st.session_state.get(_SEEN, missing) != missing:
        for key in keys:
            if key in st.session_state:
                st.session_state[key] = st.session_state[key]
    st.session_state[_SEEN] = missing


def _running(source: str) -> bool:
    job = downloads.job(source)
    return job is not None and not job.done


def _panel(source: str, comparison: bool, running: bool) -> None:
    if _running(source) != running or not downloads.missing(source):
        st.rerun()      # started, finished or failed since the page drew this: the whole page
    if running:
        _progress(source)
        return
    name = tr(f"live.w.{source}")
    job = downloads.job(source)
    if job is not None and job.state == jobs.FAILED:
        notice("error", "download.failed", name=Own(name), error=job.error)
    mb = downloads.size_mb(source)
    until = tr("download.until_compare" if comparison else "download.until_default")
    st.info(tr("download.needed", name=name, mb=mb, until=until))
    label = tr("download.again" if job is not None else "download.button", mb=mb)
    if st.button(label, key=f"download_{source}", type="primary"):
        downloads.start(source)
        st.rerun()


def _progress(source: str) -> None:
    """The download's progress bar: MB done of the total and the rate, then the workers."""
    job, state = downloads.job(source), downloads.transfer(source)
    name = tr(f"live.w.{source}")
    if state is not None and state.on_workers:
        text = tr("download.on_workers", name=name)
    else:
        done = state.done if state is not None else 0
        total = (state.total if state is not None and state.total else
                 downloads.size_mb(source) * MB)
        rate = state.rate() if state is not None else 0.0
        text = tr("download.progress", name=name, done=done / MB, total=total / MB,
                  rate=rate / MB)
    st.progress(job.fraction if job is not None else 0.0, text=text)
