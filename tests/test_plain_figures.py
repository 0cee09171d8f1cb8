"""Figures a change redraws (the ReLU page's; the block page's Table 1 and layer options) are
assembled from plain dicts without plotly's validation (figures/plain.py): validating them again
must change nothing in their JSON."""
import json

import plotly.graph_objects as go
import pytest

from figures.plain import colorscale, layout_once, unvalidated_figure
from app.figure_sources.relu import depth_figure, grid_figure
from figures.relu import ReluSettings

pytestmark = pytest.mark.unit

SETTINGS = [ReluSettings(), ReluSettings(input_name="swiss_roll", seed=2, n_points=300),
            ReluSettings(activation="relu6", n=3, n_points=40, noise=0.1),
            ReluSettings(activation="gelu", n=30, n_points=2500, input_name="circle")]


def same_json_as_validated(fig: go.Figure) -> None:
    checked = go.Figure(fig.to_dict())             # every property through plotly's validators
    assert json.loads(fig.to_json()) == json.loads(checked.to_json())


@pytest.mark.parametrize("settings", SETTINGS, ids=["default", "swiss_roll", "relu6_40", "gelu_2500"])
def test_relu_figures_are_what_plotly_would_write(settings):
    grid = grid_figure(settings, "ko")
    same_json_as_validated(grid.figure)
    same_json_as_validated(grid.layouts["16:9"]())
    same_json_as_validated(depth_figure(settings).figure)


def test_grid_titles_fill_their_own_copy_of_the_layout():
    """The cached layout is copied per call: two figures with different titles do not share."""
    a, b = grid_figure(ReluSettings(n_points=200)), grid_figure(ReluSettings(n_points=200, seed=5))
    texts = lambda spec: [x.text for x in spec.figure.layout.annotations]   # noqa: E731
    assert texts(a) != texts(b) and texts(a)[0] == texts(b)[0] == "Input"
    assert texts(grid_figure(ReluSettings(n_points=200))) == texts(a)


def test_helpers():
    assert colorscale("Turbo")[0] == [0.0, "#30123b"]
    calls = []

    @layout_once
    def layout(height):
        calls.append(height)
        return go.Figure(layout=dict(height=height))
    first = layout(300)
    first["height"] = 1
    assert layout(300)["height"] == 300 and calls == [300]
    fig = unvalidated_figure([{"type": "bar", "y": [1, 2]}], {"height": 200},
                             [{"name": "a", "data": [{"type": "bar", "y": [3, 4]}]}])
    assert fig.to_dict()["frames"][0]["data"][0]["y"] == [3, 4]


def _profile(scale: float, n_points: int = 50) -> list[dict]:
    return [dict(block=b, probe=p, ambient=16 * b, value=scale * b + k,
                 zero_fraction=0.5, n_points=n_points * b)
            for b in range(1, 18) for k, p in enumerate(("input", "expansion", "depthwise", "projection"))]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("estimator", ["pr", "pca", "twonn"])
def test_profile_figures_are_what_plotly_would_write(lang, estimator):
    from figures.live import profile_figure
    from figures.profiles import compare_figure
    same_json_as_validated(profile_figure(_profile(1.0), estimator, "trained", lang))
    same_json_as_validated(profile_figure(_profile(1.0, n_points=1)[:3], estimator, "x", lang))
    same_json_as_validated(compare_figure({"a": _profile(1.0), "b": _profile(2.0)}, estimator, lang))
    three = compare_figure({"a": _profile(1.0), "b": _profile(2.0), "c": _profile(3.0)}, estimator,
                           lang, title="<b>own</b>")
    same_json_as_validated(three)
    assert [a.text for a in three.layout.annotations] == ["a", "b", "c"]
    assert three.layout.title.text == "<b>own</b>"
    with pytest.raises(ValueError, match="estimator"):
        compare_figure({"a": _profile(1.0)}, "mle", lang)


def test_the_charts_hollow_what_the_summary_leaves_out():
    """figures.profiles.counted (drawn filled) is services.live.counted (summarised): one rule,
    written twice only so that figures/ imports no service."""
    from figures.profiles import counted as drawn
    from services.live import counted as summarised
    records = [dict(ambient=a, **({} if n is None else {"n_points": n}))
               for a in (1, 16, 960) for n in (None, 0, a - 1, a, a + 1, 10_000)]
    assert [drawn(r) for r in records] == [summarised(r) for r in records]
    assert drawn(dict(ambient=16, n_points=17)) and not drawn(dict(ambient=16, n_points=16))


@pytest.mark.parametrize("args", [(24, 32, 6, 56, 56, 1), (24, 24, 6, 56, 56, 1),
                                  (16, 16, 1, 112, 112, 1), (32, 64, 6, 28, 28, 2, 5, "ko")],
                         ids=["expand", "residual", "no_expansion", "stride2_ko"])
def test_block_table1_is_what_plotly_would_write(args):
    from figures.block import table1_figure
    fig = table1_figure(*args)
    same_json_as_validated(fig)
    kinds = [s["type"] for s in fig.to_dict()["layout"]["shapes"]]
    assert kinds.count("rect") == (3 if args[2] == 1 else 4)
    assert ("path" in kinds) == (args[5] == 1 and args[0] == args[1])   # the residual arrow


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_block_options_are_what_plotly_would_write(lang):
    from figures.block import options_figure
    rows = [dict(option=o, madds=1.5e6 * i, params=1.1e4 * i, seconds=0.00123 * i)
            for i, o in enumerate(("standard", "separable", "bottleneck"), 1)]
    fig = options_figure(rows, lang)
    same_json_as_validated(fig)
    assert [tr["yaxis"] for tr in fig.to_dict()["data"]] == ["y", "y2", "y3"]
    assert options_figure(rows[:2], lang).to_dict()["layout"] == fig.to_dict()["layout"]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_live_figures_are_what_plotly_would_write(lang):
    """The live page's top-5, input, zeros and mosaic charts, drawn at every first run of the
    page, from plain dicts."""
    import numpy as np
    from figures import live
    rng = np.random.default_rng(0)
    profile = [dict(block=b, probe=p, ambient=16 * b, value=3.0 * b, n_points=50 * b,
                    zero_fraction=None if b == 5 else 0.4 + 0.01 * b)
               for b in range(1, 18) for p in ("input", "expansion", "depthwise", "projection")]
    figures = [live.zeros_figure(profile, "trained here", lang),
               live.topk_figure(["tabby", "b", "c", "d", "e"],
                                np.array([.5, .2, .1, .05, .01], np.float32),
                                "trained here (linear bottleneck)", lang),
               live.input_figure(rng.integers(0, 255, (64, 64, 3)).astype(np.uint8),
                                 "Input<br>64 x 64"),
               live.mosaic_figure(rng.random((20, 14, 14)).astype(np.float32) * 1e-6, 3,
                                  "expansion", "random", lang)]
    for fig in figures:
        same_json_as_validated(fig)
    assert len(figures[0].to_dict()["data"][0]["x"]) == 16     # block 5 has no zeros measured
