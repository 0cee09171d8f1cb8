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
