"""The ReLU page's texts and figures follow its settings (issue 9): they name the chosen input,
give its dimension d and T's shape (n × d), say "collapsed" only for activations that can
collapse, carry every setting (noise included) in captions and manifest parameters, and draw
no error bar down to the floor of a log axis."""
from __future__ import annotations

import re

import numpy as np
import pytest

import manifolds as m
from app.figure_sources.relu import depth_figure, grid_figure, loss_figure
from app.figure_sources.relu import notes as page_notes
from figures.relu import LOG_FLOOR, ReluSettings, log_error_minus
from services.relu import can_collapse, compute_sweep

pytestmark = pytest.mark.unit

ONE_TO_ONE = [a for a in m.ACTIVATIONS if a not in m.RELU_FAMILY]
COLLAPSED = {"en": re.compile(r"\bcollapsed\b", re.I), "ko": re.compile("무너짐|무너진")}


def _figure_texts(spec) -> list[str]:
    """Every string in the figure's JSON (titles, axes, legend, annotations, hover)."""
    out = []

    def walk(obj):
        if isinstance(obj, dict):
            for v in obj.values():
                walk(v)
        elif isinstance(obj, (list, tuple)):
            for v in obj:
                walk(v)
        elif isinstance(obj, str):
            out.append(obj)
    walk(spec.figure.to_plotly_json())
    return out


def _small(**kw) -> ReluSettings:
    return ReluSettings(**{"n_points": 300, "n_seeds": 10, **kw})


@pytest.mark.parametrize("lang, word", [("en", "circle"), ("ko", "원")])
def test_notes_name_the_chosen_input(lang, word):
    notes = page_notes(_small(input_name="circle"), lang)
    for key in ("intro", "s1", "s2"):
        assert word in notes[key], key
    spiral = "spiral" if lang == "en" else "나선"
    assert spiral not in notes["intro"] + notes["s1"] + notes["s2"]
    assert word in grid_figure(_small(input_name="circle"), lang).figure.layout.title.text


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_swiss_roll_notes_say_three_d_and_n_by_3(lang):
    notes = page_notes(_small(input_name="swiss_roll"), lang)
    assert "n × 3" in notes["intro"]
    assert ("3-D" if lang == "en" else "3차원") in notes["intro"]
    assert "d = 3" in notes["s1"] and "d = 3" in notes["s2"] and "d = 3" in notes["s3"]
    assert "n × 2" not in notes["intro"] and "d = 2" not in notes["s2"]
    # d = 2 keeps the paper's (n + 1) / 2^n; d = 3 has its own closed form.
    assert "(n + 1) / 2ⁿ" in page_notes(_small(), lang)["s3"]
    assert "(n² + n + 2) / 2ⁿ⁺¹" in notes["s3"]


@pytest.mark.parametrize("activation", ONE_TO_ONE)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_one_to_one_activations_never_say_collapsed(activation, lang):
    assert not can_collapse(activation)
    s = _small(activation=activation)
    texts = list(page_notes(s, lang).values())
    for spec in (grid_figure(s, lang), loss_figure(s, lang, compute_sweep(replace_seeds(s)))):
        texts += [spec.caption] + _figure_texts(spec)
    leaks = [x for x in texts if COLLAPSED[lang].search(x)]
    assert leaks == []


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_relu_still_says_collapsed(lang):
    s = _small()
    assert re.search(r"\bcollapse" if lang == "en" else "무너", page_notes(s, lang)["s1"])
    assert any(COLLAPSED[lang].search(x) for x in _figure_texts(grid_figure(s, lang)))


def replace_seeds(s: ReluSettings) -> ReluSettings:
    from dataclasses import replace
    return replace(s, n_seeds=10)


@pytest.mark.parametrize("lang, noise_text", [("en", "noise σ = 0.05"), ("ko", "노이즈 σ = 0.05")])
def test_captions_and_parameters_carry_the_noise(lang, noise_text):
    s = _small(noise=0.05, seed=3)
    specs = [grid_figure(s, lang), depth_figure(s, lang), loss_figure(s, lang, compute_sweep(s))]
    for spec in specs:
        assert noise_text in spec.caption, spec.name
        assert spec.params["noise"] == 0.05 and spec.params["seed"] == 3, spec.name
        assert str(s.n_points) in spec.caption, spec.name
    assert "0.05" in page_notes(s, lang)["assumptions"]
    assert "0.05" not in page_notes(_small(), lang)["assumptions"]


def test_log_error_minus_leaves_out_what_a_log_axis_cannot_show():
    mean = np.array([0.5, 0.01, 0.01, 0.0])
    sd = np.array([0.1, 0.02, 0.005, 0.0])
    np.testing.assert_array_equal(log_error_minus(mean, sd), [0.1, 0.0, 0.005, 0.0])


def test_no_error_bar_reaches_below_the_log_axis_floor():
    s = ReluSettings(n_points=1000, n_seeds=10)
    spec = loss_figure(s, "en", compute_sweep(s))
    fig = spec.figure
    log_axes = {name.replace("axis", "") for name in fig.layout.to_plotly_json()
                if name.startswith("yaxis") and fig.layout[name].type == "log"}
    assert log_axes == {"y"}
    clipped = 0
    for trace in fig.data:
        if trace.yaxis not in log_axes or trace.error_y.array is None:
            continue
        y = np.asarray(trace.y, dtype=float)
        minus = np.asarray(trace.error_y.arrayminus, dtype=float)
        assert not np.any(y <= 0)           # zeros are left out (NaN), not drawn to -inf
        drawn = (y > 0) & (minus > 0)
        assert np.all(y[drawn] - minus[drawn] >= LOG_FLOOR)
        clipped += int(np.sum((y > 0) & (minus < np.asarray(trace.error_y.array))))
        # A clipped point says so in its hover text.
        notes = [row[1] for row in trace.customdata]
        assert all(bool(n) == (mi < a) for n, mi, a in zip(notes, minus, trace.error_y.array))
    assert clipped > 0       # these settings have mean - sd <= 0 somewhere: the case is tested
    assert "lower half of the bar is left out" in spec.caption


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("activation", ["relu", "relu6", "tanh", "linear", "leaky_relu"])
def test_scale_limit_half_only_for_the_relu_family(activation, lang):
    """The fitted scale goes to 1/2 for ReLU (half the units active); tanh settles near 0.7
    and linear at 1, so neither the legend's "→ 1/2" nor the dotted line at 1/2 is drawn
    for them, and the theory's legend names it as ReLU's (walk 27)."""
    s = _small(activation=activation)
    fig = loss_figure(s, lang, compute_sweep(s)).figure
    names = [trace.name for trace in fig.data]
    halves = [shape for shape in fig.layout.shapes if shape.y0 == 0.5 == shape.y1]
    if can_collapse(activation):
        assert any("1/2" in name for name in names) and len(halves) == 1
    else:
        assert not any("1/2" in name for name in names) and halves == []
        assert any("ReLU" in name for name in names)


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_loss_subplot_titles_fit_side_by_side(activation, lang):
    """Three subplot titles at 1280 px ran into each other ("unitShape"): none has a line of
    more than 20 letters (a Hangul syllable counts two)."""
    from figures.relu import _text_width
    s = _small(activation=activation)
    fig = loss_figure(s, lang, compute_sweep(s)).figure
    titles = [a.text for a in fig.layout.annotations][:3]
    assert len(titles) == 3
    for title in titles:
        assert all(_text_width(line) <= 20 for line in title.split("<br>")), title
    assert fig.layout.margin.t >= 100     # room for two lines under the title


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("input_name", ["spiral", "circle", "moons", "line", "disc", "swiss_roll"])
def test_notes_wording_for_every_input(input_name, lang):
    """No nested brackets ("(here the swiss roll (3-D))"), "its spiral" only for the spiral
    (the paper's own input), and no verb agreeing with a plural name ("the two moons is")."""
    notes = page_notes(_small(input_name=input_name), lang)
    for key in ("intro", "assumptions"):     # (the formulas of s3 nest brackets, as maths does)
        text, depth = notes[key], 0
        for c in text:
            depth += {"(": 1, ")": -1}.get(c, 0)
            assert depth <= 1, (key, text)
    spiral = {"en": "its spiral", "ko": "논문의 나선,"}[lang]
    assert (spiral in notes["assumptions"]) == (input_name == "spiral")
    assert "moons is" not in notes["assumptions"]
    if input_name != "spiral":
        label = {"en": "this page adds the {}.", "ko": "{}"}[lang]
        from i18n import t
        assert label.format(t(f"relu.input.{input_name}", lang)) in notes["assumptions"]


def test_download_label_fits_a_narrow_column():
    """The ReLU page's right column is about 155 px at 1280: "Download this figure" was cut
    off; the label is short and the full wording is its tooltip."""
    from i18n import t
    assert t("downloads.label", "en") == "Download" and len(t("downloads.label", "ko")) <= 8
    assert "figure" in t("downloads.help", "en") and "그림" in t("downloads.help", "ko")


def test_3d_scenes_small_markers_and_no_tick_labels():
    """Swiss roll at 1280 px: six scenes in a row were 70 px wide, with blobs for markers and
    cut tick labels, and the hidden layer's PC axes overlapped ("PC:") (walk 27)."""
    from figures.relu import GRID_COLS_3D, MARKER_3D
    s = _small(input_name="swiss_roll")
    grid = grid_figure(s).figure
    assert all(trace.marker.size == MARKER_3D for trace in grid.data)
    scenes = [k for k in grid.layout if k.startswith("scene")]
    assert len(scenes) == 6
    assert {round(grid.layout[k].domain.x[0], 2) for k in scenes} == {
        round(grid.layout["scene"].domain.x[0], 2), round(grid.layout["scene2"].domain.x[0], 2),
        round(grid.layout["scene3"].domain.x[0], 2)}       # GRID_COLS_3D columns
    assert GRID_COLS_3D == 3
    for k in scenes:
        for axis in ("xaxis", "yaxis", "zaxis"):
            assert grid.layout[k][axis].showticklabels is False
    for settings in (s, _small()):
        depth = depth_figure(settings).figure
        for k in [k for k in depth.layout if k.startswith("scene")]:
            for axis in ("xaxis", "yaxis", "zaxis"):
                assert depth.layout[k][axis].showticklabels is False
        pca = depth.layout["scene2" if settings.input_name == "swiss_roll" else "scene"]
        assert [pca[a].title.text for a in ("xaxis", "yaxis", "zaxis")] == ["PC1", "PC2", "PC3"]
        # A flat cloud's z axis is drawn at least 0.4 of the longest: "PC3" stays in the scene.
        ratio = sorted([pca.aspectratio.x, pca.aspectratio.y, pca.aspectratio.z])
        assert pca.aspectmode == "manual" and ratio[0] >= 0.4 * ratio[2] - 1e-9
        assert all(t.marker.size == MARKER_3D for t in depth.data if t.type == "scatter3d")
    # 2-D inputs keep one strip of panels and their marker size.
    flat = grid_figure(_small()).figure
    assert len({round(flat.layout[f"xaxis{i if i > 1 else ''}"].domain[0], 2) for i in range(1, 7)}) == 6
