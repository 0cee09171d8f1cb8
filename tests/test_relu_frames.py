"""Figure 1 with an in-chart slider (figures/relu_frames.py, services/relu.py): frames n = 1..64 that are the
page's round trips, a slider that animates without the server, a compact JSON, the page."""
import base64
import json

import numpy as np
import pytest

import manifolds as m
from conftest import open_page
from app.figure_sources import FIGURE_SOURCES
from app.figure_sources.relu import frames_figure
from figures.relu import ReluSettings
from figures.relu_frames import OFFSET, STEP, WEBGL_ABOVE, dequantize, frame_step, quantize
from services.relu import FRAME_NS, MAX_POINTS, grid_seed, thinned
from figures.render import figure_html

pytestmark = pytest.mark.app   # one AppTest; the rest are figure builders


def decode(array) -> np.ndarray:
    """A plotly typed-array spec (what the browser receives) as a numpy array."""
    return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]).newbyteorder("<"))


@pytest.fixture(scope="module")
def default():
    spec = frames_figure(ReluSettings())
    return spec, json.loads(spec.figure.to_json())


def test_one_frame_per_n_from_1_to_64(default):
    spec, fig = default
    assert FRAME_NS == tuple(range(1, 65))
    assert [f["name"] for f in fig["frames"]] == [str(n) for n in range(1, 65)]
    for frame in fig["frames"]:
        assert frame["traces"] == [0] and len(frame["data"]) == 1
        assert len(decode(frame["data"][0]["x"])) == len(decode(frame["data"][0]["y"])) == 1000
        assert f"n = {frame['name']}:" in frame["layout"]["title"]["text"]
    # The first trace starts at the page's default n = 8 and carries the colour, sent once.
    assert decode(fig["data"][0]["x"]).tolist() == decode(fig["frames"][7]["data"][0]["x"]).tolist()
    assert "color" in fig["data"][0]["marker"]
    assert all("marker" not in f["data"][0] for f in fig["frames"])


@pytest.mark.parametrize("settings", [
    ReluSettings(), ReluSettings(input_name="circle", noise=0.05, seed=3, n_points=1600),
    ReluSettings(activation="relu6", n_points=300, seed=7),
])
def test_frame_k_is_the_direct_roundtrip_for_that_n(settings):
    spec = frames_figure(settings)
    fig = json.loads(spec.figure.to_json())
    step = spec.params["step"]
    sample = m.sample_input(settings.input_name, settings.n_points, noise=settings.noise,
                            seed=settings.seed)
    keep = thinned(settings.n_points)
    for frame in fig["frames"]:
        n = int(frame["name"])
        rt = m.roundtrip(sample.X, n, activation=settings.activation,
                         seed=grid_seed(settings.seed, n))
        expected = quantize(rt.recovered[keep], step)
        got = np.stack([decode(frame["data"][0]["x"]), decode(frame["data"][0]["y"])], axis=1)
        np.testing.assert_array_equal(got, expected)
        # What is drawn is the round trip to within half a step.
        assert np.abs(dequantize(got, step) - rt.recovered[keep]).max() <= step / 2 + 1e-12
        assert f"{100 * m.collapsed_fraction(rt):.1f}%" in frame["layout"]["title"]["text"]


def test_slider_animates_each_frame_in_the_browser(default):
    _, fig = default
    (slider,) = fig["layout"]["sliders"]
    steps = slider["steps"]
    assert len(steps) == 64 and slider["active"] == 7      # n = 8, the page's default
    for n, step in zip(range(1, 65), steps):
        assert step["label"] == str(n) and step["method"] == "animate"
        names, options = step["args"]
        assert names == [str(n)]
        assert options["mode"] == "immediate" and options["transition"]["duration"] == 0
        assert options["frame"]["duration"] == 0
    play, pause = fig["layout"]["updatemenus"][0]["buttons"]
    assert play["method"] == pause["method"] == "animate" and play["args"][0] is None


def test_figure_json_is_compact(default):
    spec, fig = default
    size = len(spec.figure.to_json())
    assert size < 450_000, size           # 64 frames x 1000 points: ~0.39 MB
    assert fig["frames"][0]["data"][0]["x"]["dtype"] == "u2"
    # More points are thinned to MAX_POINTS, so the size does not grow with N.
    big = frames_figure(ReluSettings(n_points=5000))
    assert len(big.figure.to_json()) < 450_000
    assert len(json.loads(big.figure.to_json())["frames"][5]["data"][0]["x"]["bdata"]) < 3 * MAX_POINTS


def test_thinning_keeps_the_whole_manifold():
    assert thinned(500).tolist() == list(range(500))
    idx = thinned(5000, 1000)
    assert len(idx) == 1000 and idx[0] == 0 and idx[-1] == 4999
    assert np.all(np.diff(idx) >= 4) and np.all(np.diff(idx) <= 6)


def test_quantization_steps_and_range():
    assert frame_step(2.5) == STEP
    assert frame_step(100.0) == pytest.approx(0.01)       # 100 / 0.001 would overflow
    P = np.array([[-21.0, 0.0], [0.0005, 21.0], [-0.0015, 0.0024]])
    q = quantize(P, 0.001)
    assert q.dtype == np.uint16 and q[0, 1] == OFFSET
    assert np.abs(dequantize(q, 0.001) - P).max() <= 0.0005 + 1e-12


def test_webgl_above_the_threshold_and_3d_inputs():
    settings = ReluSettings(n_points=WEBGL_ABOVE + 500)
    spec = frames_figure(settings, ns=(1, 2, 3), max_points=WEBGL_ABOVE + 500)
    assert spec.figure.data[0].type == "scattergl"
    assert all(f["data"][0]["type"] == "scattergl" for f in spec.figure.to_dict()["frames"])
    roll = json.loads(frames_figure(ReluSettings(input_name="swiss_roll", n_points=300),
                                  ns=(2, 30)).figure.to_json())
    assert roll["data"][0]["type"] == "scatter3d"
    assert len(decode(roll["frames"][1]["data"][0]["z"])) == 300
    assert set(roll["frames"][1]["layout"]["scene"]) == {"xaxis", "yaxis", "zaxis"}


def test_plotted_data_and_korean(default):
    spec, _ = default
    assert spec.name == "relu_figure1_slider"
    assert len(spec.data) == 64 * 1000
    assert list(spec.data.columns) == ["n", "point", "position", "collapsed", "x", "y"]
    assert sorted(spec.data["n"].unique()) == list(range(1, 65))
    ko = frames_figure(ReluSettings(), "ko")
    assert "무너짐" in ko.figure.layout.title.text
    assert ko.figure.layout.updatemenus[0].buttons[0].label == "▶ 재생"
    assert "프레임" in ko.caption
    with pytest.raises(ValueError, match="widths"):
        frames_figure(ReluSettings(), ns=(0, 1))


def test_registered_for_export_and_html_does_not_autoplay():
    (source,) = [s for s in FIGURE_SOURCES if s.__name__ == "app.figure_sources.relu:frames_specs"]
    assert source.prefix == "relu_"
    (spec,) = source("ko", 2)
    assert spec.name == "relu_figure1_slider" and spec.params["seed"] == 2
    html = figure_html(spec)
    assert "Plotly.animate" not in html   # opens at n = 8, the slider's step, not playing


def test_relu_page_shows_the_slider_chart_opened_at_the_pages_n(monkeypatch):
    import services.relu
    computed = []
    original = services.relu.frames_data
    monkeypatch.setattr(services.relu, "frames_data",
                        lambda s, *a, **k: computed.append(s) or original(s, *a, **k))
    # settings no other test has drawn: not cached yet
    at = open_page("views/relu_manifolds.py", points="300", seed="4817")
    assert not at.error
    assert 300 in [s.n_points for s in computed]
    computed.clear()

    def slider_chart():
        charts = [c for c in at.get("plotly_chart") if json.loads(c.proto.spec).get("frames")]
        assert len(charts) == 1
        return charts[0].proto.spec

    fig = json.loads(slider_chart())
    assert len(fig["frames"]) == 64 and len(fig["layout"]["sliders"][0]["steps"]) == 64
    assert len(decode(fig["frames"][0]["data"][0]["x"])) == 300
    assert fig["layout"]["sliders"][0]["active"] == 7 and "n = 8" in fig["layout"]["title"]["text"]
    at.slider(key="url_n").set_value(40).run()     # the server-side slider, up to 256
    assert not at.exception
    fig = json.loads(slider_chart())               # opens where the page's n now is
    assert fig["layout"]["sliders"][0]["active"] == 39 and "n = 40" in fig["layout"]["title"]["text"]
    assert fig["frames"][39]["data"][0]["x"] == fig["data"][0]["x"]
    at.slider(key="url_n").set_value(200).run()    # past the frames' 64: the last frame
    assert json.loads(slider_chart())["layout"]["sliders"][0]["active"] == 63
    assert computed == []     # a new n redraws the frames; their round trips were kept


@pytest.mark.parametrize("settings,max_points", [
    (ReluSettings(), 1000), (ReluSettings(input_name="swiss_roll", seed=2), 1000),
    (ReluSettings(n_points=3000, activation="gelu"), 3000)])
def test_frames_added_unvalidated_are_what_plotly_would_write(settings, max_points):
    """The figure skips plotly's validation (unvalidated_figure): validating the figure again must
    change nothing in its JSON, for 2-D, 3-D and WebGL traces."""
    import plotly.graph_objects as go
    fig = frames_figure(settings, max_points=max_points).figure
    checked = go.Figure(fig.to_dict())            # every property through plotly's validators
    assert json.loads(fig.to_json()) == json.loads(checked.to_json())
    kinds = {f["data"][0]["type"] for f in json.loads(fig.to_json())["frames"]}
    assert len(kinds) == 1 and kinds <= {"scatter", "scattergl", "scatter3d"}


def test_3d_frames_small_markers_and_a_title_that_wraps():
    """At 1280 px the title ran past the right edge and the 3-D markers were blobs (walk 27):
    the title has two lines, kept whole (with its place) in every frame, and the 3-D markers
    are the page's 3-D size."""
    from figures.relu import MARKER_3D
    roll = frames_figure(ReluSettings(input_name="swiss_roll", n_points=300), ns=(2, 30))
    fig = roll.figure.to_dict()
    assert fig["data"][0]["marker"]["size"] == MARKER_3D < 2
    for title in [fig["layout"]["title"]] + [f["layout"]["title"] for f in fig["frames"]]:
        assert "<br>" in title["text"] and title["yref"] == "container"
    ko = frames_figure(ReluSettings(), "ko", ns=(2, 3)).figure.layout.title.text
    assert "<br>" in ko
