"""The Download button of a published checkpoint (torchvision's ImageNet weights) and its
progress, where the live page offers the choice: its weights and its comparison.

One download per server (``services.weight_download``): a session that presses the button
while another's download runs follows that one. The progress bar looks again every ``POLL_S``
seconds in the browser (a fragment, as the evidence section's measurement does), and the
whole page runs again when the download is done, now with the weights, or failed, saying why
in one line with the button to try again.
"""
from __future__ import annotations

import streamlit as st

from app.notices import notice
from app.ui import tr
from services import jobs
from services import weight_download as downloads

POLL_S = 1.0
MB = 1 << 20     # torchvision states its file sizes in these


def download_panel(source: str, *, comparison: bool = False) -> None:
    """What the page says in place of weights ``source`` whose file is not on this machine:
    its size and the Download button, the running download's progress, or the last
    download's failure and the button again. ``comparison``: the weights were chosen to
    compare with (the page then compares nothing until they are here)."""
    name = tr(f"live.w.{source}")
    job = downloads.job(source)
    if job is not None and not job.done:
        st.fragment(_progress, run_every=POLL_S)(source)
        return
    if job is not None and job.state == jobs.FAILED:
        notice("error", "download.failed", name=name, error=job.error)
    mb = downloads.size_mb(source)
    until = tr("download.until_compare" if comparison else "download.until_default")
    st.info(tr("download.needed", name=name, mb=mb, until=until))
    label = tr("download.again" if job is not None else "download.button", mb=mb)
    if st.button(label, key=f"download_{source}", type="primary"):
        downloads.start(source)
        st.rerun()


def _progress(source: str) -> None:
    """The download's progress bar: MB done of the total and the rate, then the workers;
    the whole page once it is done (or failed)."""
    job = downloads.job(source)
    if job is None or job.done:
        st.rerun()
    state = downloads.transfer(source)
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
    st.progress(job.fraction, text=text)
