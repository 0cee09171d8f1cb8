"""One prediction question per lecture slide, written with the lecture (``figures.lecture``),
the value the slide's own figure measured for it, and the chart of a class's answers.

Peer instruction: the teacher asks before the result is shown, the class answers, and the
measured value appears beside the answers. A question is either choices (texts
``lecture.<slide>.q.<i>``) or a number in [lo, hi] counted in bins of ``step``; its text is
``lecture.<slide>.q``. The measured value is read from the slide's ``FigureSpec.data`` (the
numbers the figure draws), so it is the number on the screen, not a second computation.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from i18n import t
from .catalog import FigureSpec
from .style import TEMPLATE


@dataclass(frozen=True)
class Question:
    """A slide's question: ``choices`` > 0 for a choice, else a number in [lo, hi] with
    ``step``-wide bins and ``unit`` after it; ``measure`` reads the answer from the data."""
    slide: str
    measure: Callable[[pd.DataFrame, dict], float]
    choices: int = 0
    lo: float = 0.0
    hi: float = 100.0
    step: float = 10.0
    unit: str = "%"

    @property
    def kind(self) -> str:
        return "choice" if self.choices else "number"

    def shape(self) -> dict:
        """What the class's state checks answers against (``services.class_state``)."""
        if self.choices:
            return {"kind": "choice", "choices": self.choices}
        return {"kind": "number", "lo": self.lo, "hi": self.hi, "step": self.step}

    def labels(self, lang: str) -> list[str]:
        """The histogram's bars: the choices' texts, or each bin's range."""
        if self.choices:
            return [t(f"lecture.{self.slide}.q.{i}", lang) for i in range(self.choices)]
        edges = []
        lo = self.lo
        while lo < self.hi:
            hi = min(lo + self.step, self.hi)
            edges.append(f"{_number(lo)}–{_number(hi)}{self.unit}")
            lo = hi
        return edges

    def bin_of(self, value: float) -> int:
        """The bar a measured value falls in (a choice's index as it is)."""
        if self.choices:
            return int(value)
        index = int((min(max(value, self.lo), self.hi) - self.lo) // self.step)
        return min(index, len(self.labels("en")) - 1)

    def shown(self, value: float, lang: str) -> str:
        """The measured value as the teacher's screen says it."""
        if self.choices:
            return t(f"lecture.{self.slide}.q.{int(value)}", lang)
        return f"{_number(value)}{self.unit}"


def _number(x: float) -> str:
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}"


# -- what each slide's figure measured ----------------------------------------------------------
def _collapsed_at_5(data: pd.DataFrame, params: dict) -> float:
    """Figure 1's panel n = 5: the share (%) of points with fewer than 2 active units."""
    panel = data[data["panel"] == "n=5"]
    return round(100.0 * float((panel["active"] < 2).mean()), 1)


def _first_n_below_1_percent(data: pd.DataFrame, params: dict) -> float:
    """The collapse curve: which of the choices' n is the first with at most 1% collapsed
    (mean over seeds): 0 for n = 4, 1 for 6, 2 for 10, 3 for 30."""
    for index, n in enumerate(COLLAPSE_CHOICES):
        row = data[data["n"] == n]
        if not row.empty and float(row["collapsed_mean"].iloc[0]) <= 0.01:
            return index
    return len(COLLAPSE_CHOICES) - 1


COLLAPSE_CHOICES = (4, 6, 10, 30)


def _block_madds(data: pd.DataFrame, params: dict) -> float:
    """Table 1's cost h·w·d′·t·(d′ + k² + d″) of the slide's block, in millions."""
    d_i, d_j, t_, k, s = (int(params[name]) for name in ("d_i", "d_j", "t", "k", "stride"))
    h, w = int(params["h"]), int(params["w"])
    # expansion at the input's size; depthwise and projection at the output's (stride s)
    madds = h * w * d_i * t_ * d_i + (h // s) * (w // s) * t_ * d_i * (k * k + d_j)
    return round(madds / 1e6, 1)


def _chosen(data: pd.DataFrame) -> pd.DataFrame:
    """The rows of the measurement's chosen network (the first one)."""
    return data[data["weights"] == data["weights"].iloc[0]]


def _lower_blocks(data: pd.DataFrame, params: dict) -> float:
    """The profile: in how many blocks the trained network's dimension per pixel is lower
    than random weights' (the point estimates)."""
    pixels = data[data["points"] == "pixels"]
    chosen = pixels[pixels["weights"] == pixels["weights"].iloc[0]].set_index("block")["value"]
    random = pixels[pixels["weights"] == "random"].set_index("block")["value"]
    both = chosen.dropna().index.intersection(random.dropna().index)
    return float(sum(chosen[b] < random[b] for b in both))


def _positive_share(data: pd.DataFrame, params: dict) -> float:
    """Figure 7: the median over blocks of the share (%) of expansion channels positive."""
    return round(100.0 * float(_chosen(data)["positive_mean_fraction"].median()), 1)


def _better_recovery(data: pd.DataFrame, params: dict) -> float:
    """Which recovers the input better (medians over blocks): 0 after the expansion, 1 in the
    thin bottleneck, 2 about the same (within 0.02)."""
    rows = _chosen(data).dropna(subset=["recovered_after_expansion",
                                        "recovered_without_expansion"])
    after = float(rows["recovered_after_expansion"].median())
    without = float(rows["recovered_without_expansion"].median())
    return 2 if abs(after - without) < 0.02 else (0 if after > without else 1)


def _better_bottleneck(data: pd.DataFrame, params: dict) -> float:
    """The ablation: which ends with the higher held-out accuracy: 0 linear, 1 ReLU6, 2 the
    same (within 0.5 points)."""
    last = data.sort_values("step").groupby("variant")["heldout_acc"].last()
    linear, relu6 = float(last.get("linear", 0.0)), float(last.get("relu6", 0.0))
    return 2 if abs(linear - relu6) < 0.005 else (0 if linear > relu6 else 1)


QUESTIONS: dict[str, Question] = {q.slide: q for q in (
    Question("figure1", _collapsed_at_5),
    Question("collapse", _first_n_below_1_percent, choices=len(COLLAPSE_CHOICES)),
    Question("block", _block_madds, lo=0, hi=100, step=10, unit=" M"),
    Question("profile", _lower_blocks, lo=0, hi=18, step=3, unit=""),
    Question("figure7", _positive_share),
    Question("recovery", _better_recovery, choices=3),
    Question("ablation", _better_bottleneck, choices=3),
)}


def measured(question: Question, spec: FigureSpec) -> float | None:
    """The slide's measured answer to ``question`` (None when its data lacks it)."""
    try:
        return question.measure(spec.data, spec.params)
    except (KeyError, IndexError, TypeError, ValueError, ZeroDivisionError):
        return None


def poll_figure(question: Question, counts: list[int], lang: str,
                measured_value: float | None = None) -> go.Figure:
    """The class's answers as horizontal bars (counts only), the measured value's bar
    outlined and named when it is given."""
    labels = question.labels(lang)
    counts = (list(counts) + [0] * len(labels))[:len(labels)]
    mark = question.bin_of(measured_value) if measured_value is not None else None
    colors = ["#f58518" if i == mark else "#4c78a8" for i in range(len(labels))]
    if mark is not None:      # the measured bar may have no answers: its label says it
        labels = [f"<b>▶ {label}</b>" if i == mark else label for i, label in enumerate(labels)]
    fig = go.Figure(go.Bar(y=labels, x=counts, orientation="h", marker_color=colors,
                           text=[str(c) for c in counts], textposition="auto",
                           hovertemplate="%{y}: %{x}<extra></extra>"))
    title = t("class.poll.answers", lang, n=sum(counts))
    if mark is not None:
        title += " · " + t("class.poll.measured", lang,
                           value=question.shown(measured_value, lang))
    fig.update_layout(template=TEMPLATE, title=dict(text=title), bargap=0.25,
                      yaxis=dict(autorange="reversed", type="category"),
                      xaxis=dict(rangemode="tozero", dtick=max(1, max(counts, default=1) // 5 or 1)),
                      margin=dict(l=10, r=10, t=50, b=30), showlegend=False)
    return fig
