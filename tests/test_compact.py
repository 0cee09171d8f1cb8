"""figures/compact.py: float32 figure arrays within tolerance, short arrays and NaN kept."""
import numpy as np
import plotly.graph_objects as go
import pytest

from figures.compact import MIN_LENGTH, compact, compact_array, figure_bytes

pytestmark = pytest.mark.unit


def test_float32_within_float32_rounding():
    x = np.random.default_rng(0).normal(scale=1e3, size=5000)
    out = compact_array(x)
    assert out.dtype == np.float32
    assert np.all(np.abs(out - x) <= np.abs(x) * 2.0 ** -24)


@pytest.mark.parametrize("digits", [2, 4, 6])
def test_rounding_to_digits_of_the_largest_magnitude(digits):
    x = np.random.default_rng(1).uniform(-37.0, 37.0, size=2000)
    out = compact_array(x, digits)
    step = 10.0 ** (1 - digits + 1)          # max |x| is in [10, 100): e = 1
    assert np.max(np.abs(out - x)) <= 0.5 * step + np.max(np.abs(x)) * 2.0 ** -23
    assert len(np.unique(out)) <= int(74 / step) + 2     # really rounded


def test_nan_and_infinity_survive_and_all_zero_is_fine():
    out = compact_array([np.nan, np.inf, -np.inf, 0.5] * 20, 3)
    assert np.isnan(out[0]) and out[1] == np.inf and out[2] == -np.inf and out[3] == 0.5
    assert np.all(compact_array(np.zeros(100), 4) == 0)


@pytest.mark.parametrize("digits", [0, -1, 2.5, True])
def test_bad_digits_are_refused(digits):
    with pytest.raises(ValueError, match="digits"):
        compact_array([1.0, 2.0], digits)


def test_figure_traces_and_frames_compacted_short_arrays_left_alone():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(2, 3000))
    bars = [0.123456789] * (MIN_LENGTH - 1)
    fig = go.Figure([go.Scatter(x=x, y=y, mode="markers", marker=dict(color=x)),
                     go.Bar(y=bars, error_y=dict(type="data", array=bars))],
                    frames=[go.Frame(data=[go.Scatter(x=y, y=x)])])
    before = figure_bytes(fig)
    assert compact(fig) is fig
    scatter, bar = fig.data
    assert scatter.x.dtype == scatter.y.dtype == scatter.marker.color.dtype == np.float32
    assert np.allclose(scatter.x, x, rtol=1e-7) and np.allclose(scatter.marker.color, x, rtol=1e-7)
    assert fig.frames[0].data[0].x.dtype == np.float32
    assert list(bar.y) == bars and list(bar.error_y.array) == bars    # read off by a hover
    assert figure_bytes(fig) < 0.6 * before    # base64 float32: half of float64
