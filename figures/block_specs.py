"""The block page's figures as ``FigureSpec`` (figure + caption + settings + plotted data).

The page draws exactly these specs, and its figure source (``app.figure_sources.block``)
builds them at the page's default settings for ``python -m app.export``: numbers in, figures
out.
"""
from __future__ import annotations

import pandas as pd

from . import block as fig
from .catalog import FigureSpec
from i18n import t
from .profiles import compare_figure


def table1_spec(shape: dict, lang: str) -> FigureSpec:
    s = shape
    f = fig.table1_figure(s["d_i"], s["d_j"], s["t"], s["h"], s["w"], s["stride"], k=s["k"], lang=lang)
    ho, wo = (s["h"] - 1) // s["stride"] + 1, (s["w"] - 1) // s["stride"] + 1
    inner = s["t"] * s["d_i"]
    rows = [dict(tensor="input", h=s["h"], w=s["w"], channels=s["d_i"]),
            dict(tensor="expansion", h=s["h"], w=s["w"], channels=inner if s["t"] != 1 else None),
            dict(tensor="depthwise", h=ho, w=wo, channels=inner),
            dict(tensor="output", h=ho, w=wo, channels=s["d_j"])]
    return FigureSpec("block_table1", t("block.fig.table1_title", lang, t=s["t"]), dict(shape),
                      f, pd.DataFrame(rows))


def options_spec(shape: dict, rows: list[dict], lang: str, repeats: int) -> FigureSpec:
    caption = t("block.interactive_help", lang, repeats=repeats)
    return FigureSpec("block_options", caption, dict(shape, repeats=repeats),
                      fig.options_figure(rows, lang), pd.DataFrame(rows))


def table2_caption(costs: dict, width: float, res: int, lang: str) -> str:
    """The computed totals; then the paper's exact ones for reference, or, when the network
    shown is the paper's (width 1.0 at 224), only how the paper rounds them."""
    caption = t("block.table2_caption", lang, width=width, res=res,
                params=costs["total_params"], madds=costs["total_madds"])
    paper = float(width) == 1.0 and int(res) == 224
    return caption + " " + t("block.table2_rounded" if paper else "block.table2_reference", lang)


def table2_spec(costs: dict, width: float, res: int, lang: str) -> FigureSpec:
    caption = table2_caption(costs, width, res, lang)
    return FigureSpec("block_table2", caption, dict(width=width, res=res),
                      fig.table2_figure(costs["blocks"], width, res, lang),
                      pd.DataFrame(costs["blocks"]))


def tfslim_spec(paper: dict, grid: dict, lang: str) -> FigureSpec:
    """``paper``: {(width, resolution): (MMACs, top-1)} as published
    (``services.block.PAPER_TFSLIM``); ``grid``: {(width, resolution): computed MAdds}."""
    rows = [dict(width=w, resolution=r, paper_mmacs=m, paper_top1=top1,
                 computed_madds=grid.get((w, r))) for (w, r), (m, top1) in paper.items()]
    return FigureSpec("block_tfslim", t("block.tfslim_caption", lang), {},
                      fig.tfslim_figure(paper, grid, lang), pd.DataFrame(rows))


def table3_spec(costs: dict, width: float, res: int, lang: str) -> FigureSpec:
    return FigureSpec("block_table3", t("block.table3_caption", lang, width=width, res=res),
                      dict(width=width, res=res),
                      fig.table3_figure(costs["table3"], costs["paper_table3"], lang),
                      pd.DataFrame(costs["table3"]))


def split_spec(rows: list[dict], info: dict, seed: int, lang: str) -> FigureSpec:
    caption = t("block.split_caption", lang, seed=seed, **info)
    return FigureSpec("block_split", caption, dict(block=info["block"], h=info["h"], seed=seed),
                      fig.split_figure(rows, t("block.block_n", lang, block=info["block"]), lang), pd.DataFrame(rows))


def curves_spec(logs: dict, lang: str) -> FigureSpec:
    labelled = {t(f"block.variant.{v}", lang): log for v, log in logs.items()}
    rows = [dict(variant=v, step=s, loss=loss, heldout_acc=acc) for v, log in logs.items()
            for s, loss, acc in zip(log["step"], log["loss"], log["heldout_acc"])]
    return FigureSpec("block_ablation_curves", t("block.ablation_help", lang), {},
                      fig.training_curves_figure(labelled, lang), pd.DataFrame(rows))


def ablation_profiles_spec(profiles: dict, estimator: str, n_images: int, seed: int,
                           lang: str) -> FigureSpec:
    labelled = {t(f"block.variant.{v}", lang): p for v, p in profiles.items()}
    caption = t("block.ablation_profiles", lang, n=n_images, points=t("live.points_pixels", lang),
                estimator=t(f"live.est.{estimator}", lang))
    rows = [dict(variant=v, **r) for v, p in profiles.items() for r in p]
    return FigureSpec("block_ablation_profiles", caption,
                      dict(estimator=estimator, n_images=n_images, seed=seed),
                      compare_figure(labelled, estimator, lang, title=t(
                          "block.fig.ablation_profiles_title", lang,
                          est=t(f"live.est.{estimator}", lang))), pd.DataFrame(rows))
