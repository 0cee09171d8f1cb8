"""The live page's "Evidence over a data set": choose an image set, measure the chosen weights,
their twin and a random initialisation over it (``services.evidence``), draw Figure 7, the
information kept and the profile with intervals, each with its claim and measured numbers.

Measuring takes seconds, so it runs when asked (the button, or ``ev_run=1`` in a shared link),
as a job (``services.jobs``) whose tasks run on the Dask cluster (``services.remote``, below
the pages' analyses): the page returns at once and shows
the job's place among the unfinished ones and its progress (tasks done), looking again in the
browser (a fragment, without rerunning the page) every ``POLL_S`` seconds, or every
``QUEUED_POLL_S`` while others are ahead of it, and draws the result when it is there. Each
query value is measured once and kept for every session.
"""
from __future__ import annotations

from functools import partial

import streamlit as st

from app.downloads import show_figure as show
from app.limits import image_upload_help
from app.notices import notice
from app.spec_cache import cached_spec
from app.ui import lang, tr
from app.settings.evidence import N, PROBE, RUN, SET
from app.urlstate import widget_key
from figures import evidence_specs as specs
from model.evidence.records import MIN_TWONN_POINTS
from services import evidence as ev
from services import jobs, remote
from services.weights import SOURCES, Weights, digest

UPLOAD_TYPES = ["png", "jpg", "jpeg", "gif", "webp", "bmp", "tif", "tiff", "zip"]
# The estimate shown before the button is pressed comes from this server's own finished
# measurements (start to end, per image and network at 64 px); until one has finished, a first
# guess from a loaded 2-core machine (a constant of 0.012 s, from a quiet bench, promised 3 s
# for what took 19.5 s in a class).
FIRST_GUESS_S_PER_IMAGE = 0.1
FIRST_GUESS_OVERHEAD_S = 3.0
_MEASURED: dict[ev.EvidenceQuery, float] = {}     # query -> seconds per image, network, 64 px


def _work(n_images: int, networks: int, resolution: int) -> float:
    return n_images * networks * (resolution / 64) ** 2


def _record_speed(job: jobs.Job, results: dict) -> None:
    meta = next(iter(results.values()))["meta"]
    work = _work(meta["n_images"], len(results), meta["resolution"])
    if job.finished and job.started and work:
        _MEASURED[job.query] = (job.finished - job.started) / work


def estimate_seconds(n_images: int, networks: int, resolution: int) -> tuple[float, int]:
    """(seconds a measurement of this size should take here, how many finished measurements
    that rests on: 0 for the first guess)."""
    work = _work(n_images, networks, resolution)
    if not _MEASURED:
        return FIRST_GUESS_S_PER_IMAGE * work + FIRST_GUESS_OVERHEAD_S, 0
    rates = sorted(_MEASURED.values())
    return rates[len(rates) // 2] * work, len(rates)


# How often a page waiting for its measurement looks again (in the browser): every second
# once its tasks run, every few seconds while other measurements are ahead of it. In a class
# of 60 each page looked every second for the two minutes its result took; every look is a
# run on the app's server, and those runs took CPU the other pages' changes waited for
# (bench/RESULTS.md, "Where a lecture hall's CPU goes").
POLL_S = 1.0
QUEUED_POLL_S = 5.0


def _job_for(query: ev.EvidenceQuery, uploads, weights: Weights, retry: bool) -> jobs.Job:
    """The queued, running or finished measurement of ``query`` (one per query value for
    every session, ``services.jobs``); ``retry``: run a failed one again."""
    return jobs.MEASUREMENTS.submit(query, partial(remote.measure, query, weights, uploads), retry=retry)


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
    pressed = st.button(tr("evidence.run"), key="ev_button", type="primary")
    if pressed:
        st.session_state[widget_key(RUN)] = 1
    if not st.session_state[widget_key(RUN)]:
        networks = len(ev.compared_sources(weights.source))
        seconds, basis = estimate_seconds(min(n_wanted, limit), networks, resolution)
        st.caption(tr("evidence.not_run", n=min(n_wanted, limit), seconds=max(seconds, 1.0))
                   + " " + (tr("evidence.estimate_measured", k=basis) if basis
                            else tr("evidence.estimate_guess")))
        if jobs.MEASUREMENTS.waiting():
            st.caption(tr("evidence.queue_now", n=jobs.MEASUREMENTS.waiting()))
        return
    try:
        job = _job_for(query, uploads, weights, retry=pressed)
    except jobs.QueueFull:
        notice("warning", "evidence.queue_full", n=jobs.MEASUREMENTS.waiting())
        return
    if not job.done:
        interval = POLL_S if jobs.MEASUREMENTS.ahead(job) == 0 else QUEUED_POLL_S
        st.fragment(_pending, run_every=interval)(job, interval)
        return
    if job.state == jobs.FAILED:
        notice("error", "evidence.failed", error=job.error)
        return
    results, rejected = job.result
    if results is not None:
        _record_speed(job, results)
    for name, reason in rejected:
        notice("warning", "evidence.rejected", name=name, reason=reason)
    if results is None:
        notice("error", "evidence.no_images")
        return
    _draw(results, image_set, estimator, st.session_state[widget_key(PROBE)], weights.source)


def _pending(job: jobs.Job, interval: float) -> None:
    """The job's place in the queue or its progress; run again every ``interval`` seconds (a
    fragment), and the whole page once the job is done, to draw the result, or once its turn
    came while it looked every ``QUEUED_POLL_S``, to look every ``POLL_S`` from then on."""
    ahead = jobs.MEASUREMENTS.ahead(job)
    if job.done or (ahead == 0 and interval > POLL_S):
        st.rerun()
    if job.state == jobs.QUEUED:
        # none ahead but no part finished yet: its tasks wait on the cluster, not on this queue
        st.progress(0.0, text=tr("evidence.queued", n=ahead) if ahead else tr("evidence.starting"))
    else:
        step = f"{tr(f'live.w.{job.step}')}, " if job.step in SOURCES else ""
        st.progress(job.fraction, text=tr("evidence.progress", step=f"{step}{job.fraction:.0%}"))


def _draw(results: dict, image_set: str, estimator: str, probe: str, source: str) -> None:
    language = lang()
    meta = results[source]["meta"]
    st.caption(tr("evidence.sample", n=meta["n_images"], res=meta["resolution"],
                  ppi=meta["pixels_per_image"],
                  points=meta["n_images"] * meta["pixels_per_image"], boot=meta["n_boot"],
                  seconds=max(r["meta"]["seconds"] for r in results.values())))
    show(cached_spec(specs.figure7_spec, results, image_set, language))
    st.markdown(specs.figure7_text(results[source], source, language))
    show(cached_spec(specs.recovery_spec, results, image_set, language))
    st.markdown(specs.recovery_text(results[source], source, language))
    if "embedded-relu6" in results:
        st.markdown(specs.relu6_text(results["embedded-relu6"], language))
    show(cached_spec(specs.profile_spec, results, image_set, estimator, probe, language))
    st.markdown(specs.profile_text(results, source, estimator, probe, language,
                                   min_points=MIN_TWONN_POINTS))
    st.markdown(specs.training_text(results, source, estimator, probe, language))
    st.caption(tr("evidence.undersampled_rule", twonn=MIN_TWONN_POINTS))
