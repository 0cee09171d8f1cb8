"""The ReLU page's cached parts, importable (``app.warmup`` builds them at the page's defaults
before the first student asks): the Figure 1 grid, the one-width view, the n = 1..64 slider
figure, and the 10-seed sweep as a job in the process's sweep queue (``services.jobs``).

cache_resource: the specs are never mutated, so every session's reruns share them without a
copy.
"""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from app.settings.relu import WIDTH, default_settings
from figures.catalog import FigureSpec
from app.figure_sources.relu import depth_figure, frames_figure, grid_figure, loss_figure
from figures.relu import ReluSettings
from services import relu
from services.jobs import SWEEPS
from services.relu import sweep_arguments
from services.remote import sweep


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_grid(settings: ReluSettings, language: str) -> FigureSpec:
    return grid_figure(settings, language)


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_depth(settings: ReluSettings, language: str) -> FigureSpec:
    return depth_figure(settings, language)


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_frames_data(settings: ReluSettings):
    """The round trips of every frame (``services.relu.frames_data``), kept under ``settings``
    at the default n: they do not depend on n, so moving the page's n slider only redraws."""
    return relu.frames_data(settings)


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_frames(settings: ReluSettings, language: str) -> FigureSpec:
    data = cached_frames_data(replace(settings, n=WIDTH.default))
    return frames_figure(settings, language, data=data)


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_loss(settings: ReluSettings, language: str, _sweep) -> FigureSpec:
    return loss_figure(settings, language, _sweep)     # _sweep: what ``settings`` name, unhashed


def sweep_job(settings: ReluSettings):
    """The sweep for ``settings``, queued, running or done: one per settings value for every
    session (its n is not used: every n is swept). It runs on the Dask cluster, one task per
    seed below the pages' priority (``services.remote.sweep``)."""
    return SWEEPS.submit(settings, lambda progress: sweep(sweep_arguments(settings), progress))


def warm_defaults(language: str) -> None:
    """Build what the page draws at its defaults (under the keys the page uses: at the
    defaults they are the settings themselves), and its sweep."""
    settings = default_settings()
    cached_grid(settings, language)
    cached_depth(settings, language)
    cached_frames(settings, language)
    sweep_job(settings).wait(30)
