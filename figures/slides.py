"""Figures laid out for slides: a 16:9 copy of any FigureSpec, text bands (caption and source,
a slide's title and text) drawn as small figures of their own, and the presenter sequence as
deck pages.

A band is a plotly figure with no axes and zero margins, so its paper coordinates are its
pixels: text lands exactly where it is put. ``figures.render`` stacks bands above or below a
chart in the PNG, SVG and PDF files (the chart is never squeezed by text it did not plan for).

    slide = for_aspect(spec, "16:9")      # 1600 x 900, text 1.25x: 14 px reads 14 px at 1280
    parts = captioned(slide, "ko")        # [chart 1600 x (900 - band), caption band]
"""
from __future__ import annotations

import unicodedata
from dataclasses import replace

import plotly.graph_objects as go

from .catalog import FigureSpec, paper_section
from i18n import TABLE, t

ASPECTS = ("page", "16:9")
"""``page``: the figure as the app draws it; ``16:9``: re-laid out for a slide."""
SLIDE_SIZE = {"16:9": (1600, 900)}
SHOWN_WIDTH = 1280
"""A slide is judged at 1280 px wide (a projector): text is scaled by width / 1280 so that
the app's 14 px minimum still reads 14 px there."""
PAGE_SIZE = (1400, 500)
"""The size a figure without its own width/height is drawn at (Plotly's export default)."""
BAND_FONT = 18
BAND_PAD = 14
LINE_HEIGHT = 1.35
FONT_COLOR = "#2a3f5f"


def _size(*values, default: float) -> float:
    return next((v for v in values if v), default)


def scale_text(fig: go.Figure, scale: float) -> go.Figure:
    """Multiply every text size of ``fig`` (in place: fonts, titles, legend, annotations,
    axis ticks and titles, 2-D and 3-D) by ``scale``; sizes set only in the figure's template
    are read from there. Returns ``fig``."""
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    tmpl = fig.layout.template.layout
    base = _size(fig.layout.font.size, tmpl.font.size, default=12)
    fig.layout.font.size = round(base * scale)
    fig.layout.title.font.size = round(_size(fig.layout.title.font.size, tmpl.title.font.size,
                                             default=17) * scale)
    fig.layout.legend.font.size = round(_size(fig.layout.legend.font.size, tmpl.legend.font.size,
                                              default=base) * scale)
    for annotation in fig.layout.annotations:
        annotation.font.size = round(_size(annotation.font.size, default=base) * scale)

    def axis(a, template_axis):
        a.tickfont.size = round(_size(a.tickfont.size, template_axis.tickfont.size, default=base)
                                * scale)
        a.title.font.size = round(_size(a.title.font.size, template_axis.title.font.size,
                                        default=base) * scale)

    fig.for_each_xaxis(lambda a: axis(a, tmpl.xaxis))
    fig.for_each_yaxis(lambda a: axis(a, tmpl.yaxis))
    for scene in fig.select_scenes():
        for name in ("xaxis", "yaxis", "zaxis"):
            axis(scene[name], tmpl.scene[name])
    # Larger titles need more room above the plot; the title goes to the very top, so that
    # subplot titles grown under it keep the rest of the margin.
    fig.layout.margin.t = round(_size(fig.layout.margin.t, default=80) * scale)
    if fig.layout.title.text:
        fig.layout.title.update(yref="container", y=1, yanchor="top", pad=dict(t=10))
    return fig


def for_aspect(spec: FigureSpec, aspect: str) -> FigureSpec:
    """A copy of ``spec`` laid out for ``aspect`` (one of ASPECTS). "16:9": the builder's own
    16:9 arrangement when it gave one (``spec.layouts``), else the figure itself, at
    SLIDE_SIZE with text scaled by width / SHOWN_WIDTH. The original is left untouched."""
    if aspect not in ASPECTS:
        raise ValueError(f"aspect must be one of {', '.join(ASPECTS)}, got {aspect!r}")
    if aspect == "page":
        return spec
    build = spec.layouts.get(aspect)
    fig = build() if build else go.Figure(spec.figure)
    width, height = SLIDE_SIZE[aspect]
    scale_text(fig, width / SHOWN_WIDTH)
    fig.update_layout(width=width, height=height, autosize=False)
    return replace(spec, figure=fig)


def figure_size(fig: go.Figure) -> tuple[int, int]:
    """(width, height) in CSS pixels that a file of ``fig`` is drawn at."""
    return int(fig.layout.width or PAGE_SIZE[0]), int(fig.layout.height or PAGE_SIZE[1])


LEGEND_CLEARANCE = 12
"""Pixels kept between a legend anchored to the bottom edge of its figure and that edge in a
file: Chromium's PDF cuts the descenders of text that touches the page's edge (the deck's
legend read "d in" for d_in, its commas as full stops)."""


def legend_clear_of_bottom(fig: go.Figure) -> go.Figure:
    """``fig``, or a copy whose legend stands LEGEND_CLEARANCE px above the bottom edge when
    the builder anchored it there (``yref="container", y=0, yanchor="bottom"``)."""
    legend = fig.layout.legend
    if legend.yref != "container" or legend.yanchor != "bottom" or (legend.y or 0) > 0:
        return fig
    fig = go.Figure(fig)
    fig.update_layout(legend_y=LEGEND_CLEARANCE / figure_size(fig)[1])
    return fig


def _units(ch: str) -> float:
    """Width of a character in ems, roughly: CJK and Hangul are square, Latin about half."""
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.56


def wrap(text: str, width_px: float, font_px: float) -> list[str]:
    """``text`` broken into lines no wider than ``width_px`` at ``font_px`` (estimated from
    character widths; words are not split unless one is longer than a line)."""
    limit = max(width_px / font_px, 4.0)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if sum(map(_units, candidate)) <= limit:
                line = candidate
                continue
            if line:
                lines.append(line)
            while sum(map(_units, word)) > limit:   # a word wider than the line is cut
                cut = max(1, int(limit / max(map(_units, word))))
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def _escape(text: str) -> str:
    """Plotly text is HTML-like: outside text is shown as text, never markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def text_band(blocks: list[tuple[str, float, bool]], width: int) -> go.Figure:
    """A figure ``width`` wide holding ``blocks`` of (text, font px, bold), one under another,
    left-aligned, wrapped to the width; its height fits the text."""
    fig = go.Figure(layout=dict(width=width, margin=dict(l=0, r=0, t=0, b=0, pad=0),
                                paper_bgcolor="white", plot_bgcolor="white", showlegend=False,
                                xaxis=dict(visible=False, range=[0, 1], fixedrange=True),
                                yaxis=dict(visible=False, range=[0, 1], fixedrange=True)))
    inner = width - 2 * BAND_PAD
    heights = [(wrap(text, inner, size), size, bold) for text, size, bold in blocks if text]
    total = BAND_PAD * 2 + sum(len(lines) * size * LINE_HEIGHT for lines, size, _ in heights)
    total += BAND_PAD / 2 * max(len(heights) - 1, 0)
    top = BAND_PAD
    for lines, size, bold in heights:
        body = "<br>".join(_escape(line) for line in lines)
        fig.add_annotation(text=f"<b>{body}</b>" if bold else body, x=BAND_PAD / width,
                           y=1 - top / total, xref="paper", yref="paper", xanchor="left",
                           yanchor="top", align="left", showarrow=False,
                           font=dict(size=size, color=FONT_COLOR))
        top += len(lines) * size * LINE_HEIGHT + BAND_PAD / 2
    fig.update_layout(height=round(total))
    return fig


# Settings a figure's builder is given but that do not shape it (Figure 1 draws fixed widths,
# not the page's n; the one-width view draws one seed; the sweep draws its own widths).
# The slider chart's coordinate step is how its points are stored, not what it shows.
UNUSED_SETTINGS = {"relu_figure1": {"n", "n_seeds"},
                   "relu_figure1_slider": {"n", "n_seeds", "step"},
                   "relu_one_width": {"n_seeds"}, "relu_information_loss": {"n"}}
# Values that name something the page names in words: the translation key of each.
_WORDED = {"input_name": "relu.input.{}", "weights": "live.w.{}", "compare": "live.w.{}",
           "probe": "live.probe.{}", "est": "live.est.{}", "estimator": "live.est.{}",
           "image_set": "evidence.set.{}"}


RANGES = {"frame_ns"}     # [first, last]: drawn as "1–64"


def setting_value(name: str, value, lang: str) -> str:
    """A setting's value in words: lists joined, names translated where the page has them."""
    if name in RANGES and isinstance(value, (list, tuple)) and len(value) == 2:
        return f"{value[0]}–{value[1]}"
    if isinstance(value, (list, tuple)):
        return ", ".join(setting_value(name, v, lang) for v in value)
    key = _WORDED.get(name, "").format(value)
    if key and key in TABLE:
        return t(key, lang)
    return f"{value:g}" if isinstance(value, float) else str(value)


def settings_words(spec: FigureSpec, lang: str) -> str:
    """The settings that shaped ``spec``, each as "name: value" in ``lang``."""
    unused = UNUSED_SETTINGS.get(spec.name, set())
    return "; ".join(f"{t(f'setting.{name}', lang)}: {setting_value(name, value, lang)}"
                     for name, value in spec.params.items() if name not in unused)


def source_line(spec: FigureSpec, lang: str) -> str:
    """"Source: MobileNetV2 paper §3.2, Figure 1 · settings: input: spiral; ..." in ``lang``."""
    section = paper_section(spec.name)
    settings = settings_words(spec, lang)
    return t("slides.source", lang, section=section or "-", settings=settings or "-")


def caption_band(spec: FigureSpec, lang: str, width: int) -> go.Figure:
    """The caption and its source (paper section, settings) as a band ``width`` wide."""
    return text_band([(spec.caption, BAND_FONT, False), (source_line(spec, lang), BAND_FONT - 3,
                                                          False)], width)


def captioned(spec: FigureSpec, lang: str) -> list[go.Figure]:
    """[chart, caption band] to be stacked into one file. A 16:9 chart gives up the band's
    height so that the file stays 16:9; a page-sized one keeps its height."""
    width, height = figure_size(spec.figure)
    band = caption_band(spec, lang, width)
    chart = go.Figure(spec.figure)
    if (width, height) in SLIDE_SIZE.values():
        chart.update_layout(height=height - band.layout.height)
    return [chart, band]


def deck_page(spec: FigureSpec | None, title: str, text: str,
              size: tuple[int, int] = SLIDE_SIZE["16:9"]) -> list[go.Figure]:
    """One page of the lecture deck as [title band, chart, text band], ``size`` in all: the
    chart (re-laid out at 16:9, or a note when the slide has none) takes what the texts leave."""
    width, height = size
    head = text_band([(title, 34, True)], width)
    foot = text_band([(text, 22, False)], width)
    room = height - head.layout.height - foot.layout.height
    if spec is None:
        chart = text_band([("-", 22, False)], width)
    else:
        chart = go.Figure(for_aspect(spec, "16:9").figure)
    chart.update_layout(width=width, height=max(room, 200))
    return [head, chart, foot]

