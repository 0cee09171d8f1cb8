"""The live page's figures as ``FigureSpec`` (figure + caption + settings + plotted data).

The page draws these specs, and its figure source (``app.figure_sources.live``) builds them
at the page's default settings for ``python -m app.export`` and presenter mode: numbers in,
figures out.
"""
from __future__ import annotations

import html

import numpy as np
import pandas as pd

from . import live as fig
from .catalog import FigureSpec
from i18n import TABLE, t


def weights_label(source: str, lang: str) -> str:
    return t(f"live.w.{source}", lang)


def input_spec(shown: np.ndarray, image_label: str, res: int, lang: str,
               generated: bool = False) -> FigureSpec:
    key = "live.input_caption_generated" if generated else "live.input_caption"
    caption = t(key, lang, source=image_label, res=res)
    rows = [dict(channel=c, mean=float(shown[..., i].mean()), std=float(shown[..., i].std()))
            for i, c in enumerate("RGB")]
    return FigureSpec("live_input", caption, dict(image=image_label, res=res),
                      fig.input_figure(shown, f"{html.escape(image_label)}<br>→ {res}×{res}"), pd.DataFrame(rows))


def class_label(name: str, lang: str) -> str:
    """A class name in ``lang``: the generated data set's classes are translated, ImageNet's
    1000 names stay as published."""
    key = f"live.class.{name}"
    return t(key, lang) if key in TABLE else name


def topk_spec(top: list, source: str, index: int, lang: str) -> FigureSpec:
    label = weights_label(source, lang)
    f = fig.topk_figure([class_label(n, lang) for n, _ in top], [p for _, p in top], label, lang)
    caption = f"{t('live.fig.topk', lang)}: {label}"
    return FigureSpec(f"live_top5_{index}", caption, dict(weights=source), f,
                      pd.DataFrame([dict(rank=i + 1, label=n, probability=p)
                                    for i, (n, p) in enumerate(top)]))


def profile_spec(profile: list[dict], source: str, estimator: str, params: dict,
                 lang: str) -> FigureSpec:
    label = weights_label(source, lang)
    caption = t("live.profile_caption", lang, weights=label, points=t("live.points_pixels", lang),
                est=t(f"live.est.{estimator}", lang))
    return FigureSpec("live_profile", caption, params,
                      fig.profile_figure(profile, estimator, label, lang), pd.DataFrame(profile))


def zeros_spec(profile: list[dict], source: str, params: dict, lang: str) -> FigureSpec:
    return FigureSpec("live_zeros", t("live.zeros_caption", lang), params,
                      fig.zeros_figure(profile, weights_label(source, lang), lang),
                      pd.DataFrame(profile))


def compare_spec(profiles: dict, estimator: str, params: dict, lang: str) -> FigureSpec:
    """profiles: {source: profile}; two sources side by side."""
    labelled = {}
    for source, profile in profiles.items():
        label = weights_label(source, lang)
        labelled[label if label not in labelled else f"{label} (2)"] = profile
    f = fig.compare_figure(labelled, estimator, lang)
    rows = [dict(weights=label, **r) for label, p in labelled.items() for r in p]
    return FigureSpec("live_compare", f.layout.title.text, params, f, pd.DataFrame(rows))


def mosaic_spec(acts: np.ndarray, block: int, probe: str, source: str, lang: str) -> FigureSpec:
    label = weights_label(source, lang)
    shown = min(acts.shape[0], 64)
    caption = t("live.mosaic_caption", lang, block=block, probe=t(f"live.probe.{probe}", lang),
                weights=label, shown=shown, total=acts.shape[0], tile=fig.MOSAIC_TILE)
    rows = [dict(channel=c, mean=float(acts[c].mean()), max=float(acts[c].max()),
                 zero_fraction=float((acts[c] == 0).mean())) for c in range(acts.shape[0])]
    return FigureSpec("live_mosaic", caption, dict(weights=source, block=block, probe=probe),
                      fig.mosaic_figure(acts, block, probe, label, lang), pd.DataFrame(rows))
