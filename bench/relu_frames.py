"""The ReLU page's n = 1..64 slider figure: bytes sent and server time, compact vs plain.

    python bench/relu_frames.py [--repeats 5]

Compact: ``figures.relu_frames.frames_spec`` as the page draws it (uint16 coordinates in
thousandths, pre-encoded typed arrays, at most 1000 points a frame). Baseline, built in the same
run from the same round trips: the same figure with float64 numpy coordinates (what plotly.py
writes by default), every point of the sample. For N = 1000 (the page's default), 2000 and
5000 points it prints the figure's JSON size (``fig.to_json()``, the bytes Streamlit sends), the
time to build the figure (64 round trips included) and the time of what ``st.plotly_chart``
does on every rerun (``to_dict`` + ``plotly.io.to_json``), median of ``--repeats``, and the
ratios baseline / compact.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import plotly.graph_objects as go  # noqa: E402
import plotly.io as pio  # noqa: E402
import plotly.tools  # noqa: E402

import manifolds as m  # noqa: E402
from app.figure_sources.relu import frames_figure  # noqa: E402
from figures.relu import ReluSettings  # noqa: E402
from services.relu import FRAME_NS, grid_seed  # noqa: E402


def plain_figure(s: ReluSettings, compact: go.Figure) -> go.Figure:
    """The compact figure's layout and frames with float64 coordinates of every point."""
    sample = m.sample_input(s.input_name, s.n_points, noise=s.noise, seed=s.seed)
    fig = go.Figure(compact)
    fig.update_traces(marker_color=sample.position)
    frames = []
    for frame, n in zip(compact.frames, FRAME_NS):
        P = m.roundtrip(sample.X, n, activation=s.activation, seed=grid_seed(s.seed, n)).recovered
        frames.append(go.Frame(name=frame.name, traces=[0], layout=frame.layout,
                               data=[go.Scatter(x=P[:, 0], y=P[:, 1], mode="markers")]))
        if n == s.n:
            fig.update_traces(x=P[:, 0], y=P[:, 1])
    fig.frames = frames
    return fig


def per_rerun(fig: go.Figure) -> float:
    """What st.plotly_chart does with the figure on every script run."""
    start = time.perf_counter()
    pio.to_json(plotly.tools.return_figure_from_figure_or_data(fig, validate_figure=True),
                validate=False)
    return time.perf_counter() - start


def median(fn, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be >= 1")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    frames_figure(ReluSettings(n_points=200), ns=(1, 2))        # imports, first-call costs
    for n_points in (1000, 2000, 5000):
        s = ReluSettings(n_points=n_points)
        build, spec = median(lambda: frames_figure(s), args.repeats)
        build_plain, plain = median(lambda: plain_figure(s, spec.figure), args.repeats)
        size, size_plain = len(spec.figure.to_json()), len(plain.to_json())
        rerun = statistics.median(per_rerun(spec.figure) for _ in range(args.repeats))
        rerun_plain = statistics.median(per_rerun(plain) for _ in range(args.repeats))
        drawn = len(spec.data) // len(FRAME_NS)
        print(f"N = {n_points} ({drawn} drawn per frame, 64 frames), median of {args.repeats}:")
        print(f"  JSON      compact {size / 1e6:6.3f} MB   plain {size_plain / 1e6:6.3f} MB   "
              f"ratio {size_plain / size:4.1f}x")
        print(f"  build     compact {build:6.3f} s    plain {build_plain:6.3f} s    "
              f"(plain reuses the layout, so this is a lower bound for it)")
        print(f"  per rerun compact {rerun * 1e3:6.1f} ms   plain {rerun_plain * 1e3:6.1f} ms   "
              f"ratio {rerun_plain / rerun:4.1f}x")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
