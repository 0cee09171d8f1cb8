"""The evidence figures as ``FigureSpec`` (figure + caption + settings + plotted data), and the
texts that quote their numbers. The live page draws these; its figure source
(``app.figure_sources.evidence``) builds them for ``python -m app.export`` and presenter mode
at the default measurement: numbers in, figures and texts out.
"""
from __future__ import annotations

import pandas as pd

from i18n import t

from . import evidence as fig
from .catalog import FigureSpec

DEFAULT_PROBE = "input"
DEFAULT_ESTIMATOR = "twonn"


def weights_label(source: str, lang: str) -> str:
    return t(f"live.w.{source}", lang)


def _labelled(results: dict[str, dict], part: str, lang: str) -> dict[str, list[dict]]:
    return {weights_label(source, lang): r[part] for source, r in results.items()}


def _caption(what: str, results: dict[str, dict], set_name: str, lang: str) -> str:
    """The caption; bootstrap wording only where a bootstrap interval is drawn (Figure 7's
    bars are the range over pixels)."""
    meta = next(iter(results.values()))["meta"]
    label = ", ".join(weights_label(s, lang) for s in results)
    key = "evidence.caption_range" if what == "fig7" else "evidence.caption"
    return t(key, lang, what=t(f"evidence.what.{what}", lang), label=label,
             n=meta["n_images"], set=t(f"evidence.set_name.{set_name}", lang),
             res=meta["resolution"], seed=meta["seed"], ppi=meta["pixels_per_image"],
             boot=meta["n_boot"])


def _params(results: dict[str, dict], set_name: str, **extra) -> dict:
    meta = next(iter(results.values()))["meta"]
    return dict(weights=list(results), image_set=set_name, n_images=meta["n_images"],
                resolution=meta["resolution"], seed=meta["seed"],
                pixels_per_image=meta["pixels_per_image"], n_boot=meta["n_boot"], **extra)


def _blocks_spec(name: str, what: str, builder, results: dict[str, dict], set_name: str,
                 lang: str) -> FigureSpec:
    """A per-block chart of every network's ``blocks`` records (Figure 7, information kept)."""
    rows = [dict(weights=s, **b) for s, r in results.items() for b in r["blocks"]]
    return FigureSpec(name, _caption(what, results, set_name, lang), _params(results, set_name),
                      builder(_labelled(results, "blocks", lang), lang), pd.DataFrame(rows))


def figure7_spec(results: dict[str, dict], set_name: str, lang: str) -> FigureSpec:
    """``results``: {source: ``Evidence.to_dict()``}, the chosen network first."""
    return _blocks_spec("evidence_figure7", "fig7", fig.figure7_figure, results, set_name, lang)


def recovery_spec(results: dict[str, dict], set_name: str, lang: str) -> FigureSpec:
    return _blocks_spec("evidence_recovery", "recovery", fig.recovery_figure, results, set_name,
                        lang)


def profile_spec(results: dict[str, dict], set_name: str, estimator: str, probe: str,
                 lang: str) -> FigureSpec:
    rows = [dict(weights=s, **p) for s, r in results.items() for p in r["profile"]
            if (p["points"] == "pixels" and p["estimator"] == estimator and p["probe"] == probe)
            or (p["points"] == "images" and p["estimator"] == "twonn"
                and p["probe"] == fig.IMAGES_PROBE)]
    return FigureSpec("evidence_profile", _caption("profile", results, set_name, lang),
                      _params(results, set_name, estimator=estimator, probe=probe),
                      fig.profile_figure(_labelled(results, "profile", lang), estimator, probe,
                                         lang),
                      pd.DataFrame(rows))


def _median(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def _figure7_numbers(result: dict) -> dict:
    """Medians over blocks of what Figure 7 shows (``result``: an ``Evidence.to_dict()``)."""
    blocks = result["blocks"]
    return dict(mean=_median([b["positive_mean_fraction"] for b in blocks]),
                threshold=_median([b["threshold_fraction"] for b in blocks]),
                below=_median([b["below_threshold_fraction"] for b in blocks]),
                invertible=_median([b["invertible_fraction"] for b in blocks]))


def _recovery_numbers(result: dict) -> dict:
    blocks = [b for b in result["blocks"] if b["recovered_after_expansion"] is not None
              and b["recovered_without_expansion"] is not None]
    return dict(after=_median([b["recovered_after_expansion"] for b in blocks]) or 0.0,
                without=_median([b["recovered_without_expansion"] for b in blocks]) or 0.0,
                higher=sum(b["recovered_after_expansion"] > b["recovered_without_expansion"]
                           for b in blocks), clear=sum(map(_clearly_higher, blocks)),
                blocks=len(blocks))


def _clearly_higher(block: dict) -> bool:
    """The recovery after the expansion above the one without it beyond both intervals (a
    point estimate a hair higher is not evidence of a difference)."""
    low, high = block.get("recovered_after_ci_low"), block.get("recovered_without_ci_high")
    return low is not None and high is not None and low > high


def figure7_text(result: dict, source: str, lang: str) -> str:
    """The Figure 7 claim with the numbers measured for ``source`` (``result``: its
    ``Evidence.to_dict()``)."""
    return t("evidence.fig7_text", lang, label=weights_label(source, lang),
             **_figure7_numbers(result))


def recovery_text(result: dict, source: str, lang: str) -> str:
    meta = result["meta"]
    return t("evidence.recovery_text", lang, label=weights_label(source, lang),
             alpha=meta["ridge_alpha"], folds=meta["folds"], **_recovery_numbers(result))


def relu6_text(result: dict, lang: str) -> str:
    blocks = result["blocks"]
    return t("evidence.relu6_text", lang,
             negative=_median([b["input_negative_fraction"] for b in blocks]),
             changed=_median([b["input_changed_fraction"] for b in blocks]))


def _fmt(value) -> str:
    return "–" if value is None else f"{value:.1f}"


def profile_text(results: dict[str, dict], source: str, estimator: str, probe: str,
                 lang: str, *, min_points: int) -> str:
    """What the profile shows for ``source``; ``min_points``: the fewest points TwoNN is
    computed on (``model.evidence.records.MIN_TWONN_POINTS``), named when a value is missing."""
    mine = _records(results[source], "pixels", estimator, probe)
    used = [p for p in mine if not p["undersampled"] and p["value"] is not None]
    images = {s: _median([p["value"] for p in r["profile"] if p["points"] == "images"
                          and p["probe"] == fig.IMAGES_PROBE and not p["undersampled"]])
              for s, r in results.items()}
    n_view = results[source]["meta"]["n_view_images"]
    missing = images.get(source) is None or ("random" in results and images.get("random") is None)
    why = t("evidence.no_twonn_value", lang, n=n_view, min=min_points) if missing else ""
    return t("evidence.profile_text", lang, probe=t(f"live.probe.{probe}", lang),
             label=weights_label(source, lang), est=t(f"live.est.{estimator}", lang),
             value=_median([p["value"] for p in used]) or 0.0, used=len(used), total=len(mine),
             excluded=len(mine) - len(used), null=_median([p["null_value"] for p in used]) or 0.0,
             img_value=_fmt(images.get(source)), img_random=_fmt(images.get("random")),
             img_n=n_view) + (" " + why if why else "")


# Per image, TwoNN has no interval here: values within this share of each other are "alike".
ALIKE_WITHOUT_INTERVAL = 0.10
FEW_IMAGES = 30
"""Below this many images no verdict on training is drawn: a percentile bootstrap over so few
images gives intervals too narrow to trust (its coverage falls short of 95%)."""


def block_ranges(blocks: list[int]) -> str:
    """[1, 2, 3, 5, 8, 9] -> "1-3, 5, 8-9"."""
    out, start = [], None
    for i, b in enumerate(blocks):
        if start is None:
            start = b
        if i + 1 == len(blocks) or blocks[i + 1] != b + 1:
            out.append(str(start) if start == b else f"{start}-{b}")
            start = None
    return ", ".join(out)


def compare_blocks(mine: list[dict], other: list[dict]) -> dict[str, list[int]]:
    """Blocks where ``mine`` is lower, alike or higher than ``other`` (profile records of one
    view, well-sampled in both): apart when their intervals do not overlap (without
    intervals: more than ``ALIKE_WITHOUT_INTERVAL`` apart)."""
    theirs = {p["block"]: p for p in other if not p["undersampled"] and p["value"] is not None}
    found = {"lower": [], "alike": [], "higher": []}
    for p in sorted(mine, key=lambda p: p["block"]):
        q = theirs.get(p["block"])
        if q is None or p["undersampled"] or p["value"] is None:
            continue
        if None not in (p["ci_low"], p["ci_high"], q["ci_low"], q["ci_high"]):
            lower, higher = p["ci_high"] < q["ci_low"], p["ci_low"] > q["ci_high"]
        else:
            margin = ALIKE_WITHOUT_INTERVAL * max(abs(q["value"]), 1e-12)
            lower, higher = p["value"] < q["value"] - margin, p["value"] > q["value"] + margin
        found["lower" if lower else "higher" if higher else "alike"].append(p["block"])
    return found


def _records(result: dict, points: str, estimator: str, probe: str) -> list[dict]:
    """The profile records of one view (``points``: pixels or images) of a measurement."""
    return [p for p in result["profile"] if p["points"] == points
            and p["estimator"] == estimator and p["probe"] == probe]


def training_text(results: dict[str, dict], source: str, estimator: str, probe: str,
                  lang: str) -> str:
    """What the measured numbers say about training, block by block, for both views (per
    pixel at ``probe`` with ``estimator``; per image, TwoNN at the bottleneck input): never a
    fixed claim, so it changes with the numbers. '' without a random network to compare."""
    if "random" not in results or source == "random":
        return ""
    lines, verdicts = [], []
    for view, est, at in (("pixels", estimator, probe), ("images", "twonn", fig.IMAGES_PROBE)):
        found = compare_blocks(_records(results[source], view, est, at),
                               _records(results["random"], view, est, at))
        n = sum(map(len, found.values()))
        if n == 0:
            lines.append(t("evidence.training.none", lang, view=t(f"evidence.view.{view}", lang)))
            continue
        shown = {k: block_ranges(v) if v else t("evidence.training.no_block", lang)
                 for k, v in found.items()}
        lines.append(t("evidence.training.line", lang, view=t(f"evidence.view.{view}", lang),
                       n=n, **shown))
        verdicts.append("all" if len(found["lower"]) == n else
                        "not" if found["higher"] or len(found["lower"]) < n / 2 else "most")
    n_images = int(results[source]["meta"]["n_images"])
    if verdicts and n_images < FEW_IMAGES:   # no verdict drawn from a handful of images
        lines.append(t("evidence.training.few_images", lang, n=n_images, enough=FEW_IMAGES))
    elif verdicts and all(v == "all" for v in verdicts):
        lines.append(t("evidence.training.all_lower", lang))
    elif "not" in verdicts:
        lines.append(t("evidence.training.not_everywhere", lang))
    return " ".join(lines)


def sample_text(results: dict[str, dict], lang: str, intervals: bool = True,
                per_image: bool = True) -> str:
    """How many images and points stand behind each number of a measurement, and (where the
    figure draws bootstrap intervals) how many replicates made them; ``per_image``: the figure
    also draws the per-image view (the profile; Figure 7 and the recovery are per pixel)."""
    meta = next(iter(results.values()))["meta"]
    key = "evidence.sample_line" if per_image else "evidence.sample_line_pixels"
    text = t(key, lang, n=meta["n_images"], res=meta["resolution"],
             ppi=meta["pixels_per_image"], points=meta["n_images"] * meta["pixels_per_image"],
             view=meta["n_view_images"])
    return f"{text} {t('evidence.sample_boot', lang, boot=meta['n_boot'])}" if intervals else text


def slide_text(key: str, results: dict[str, dict], lang: str) -> tuple[str, str]:
    """The measured lines of an evidence slide (``figures.lecture``): (what the numbers say:
    for the profile where training lowers the dimension, for Figure 7 and the recovery the
    measured medians; what stands behind the numbers)."""
    source = next(iter(results))
    label = weights_label(source, lang)
    if key == "profile":
        claim = training_text(results, source, DEFAULT_ESTIMATOR, DEFAULT_PROBE, lang)
    elif key == "figure7":
        claim = t("evidence.fig7_short", lang, label=label, **_figure7_numbers(results[source]))
    else:
        claim = t("evidence.recovery_short", lang, label=label,
                  **_recovery_numbers(results[source]))
    return claim, sample_text(results, lang, intervals=key != "figure7",
                              per_image=key == "profile")
