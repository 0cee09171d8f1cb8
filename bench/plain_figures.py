"""The ReLU page's figures built from plain dicts (figures/plain.py) against the same figures
through plotly's validation, in one process.

    python bench/plain_figures.py [--repeats 7]

For each figure a ReLU-page change rebuilds (Figure 1 grid, one-width view, the n = 1..64
slider figure) at a few settings: the builder's time, and as the baseline the time
``go.Figure(fig.to_dict())`` takes to validate the very same figure (a lower bound of what the
plotly-object builders cost: they also ran make_subplots and update_layout). Minimum over
``--repeats`` runs, each after one warm-up; the ratio is what matters on a shared machine.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import runtime  # noqa: E402

runtime.configure()
import plotly.graph_objects as go  # noqa: E402

from figures.relu import ReluSettings, depth_spec, grid_spec  # noqa: E402
from figures.relu_frames import frames_spec  # noqa: E402

SETTINGS = {"defaults (spiral, N = 1000)": ReluSettings(),
            "swiss roll, N = 5000": ReluSettings(input_name="swiss_roll", n_points=5000),
            "gelu, N = 200": ReluSettings(activation="gelu", n_points=200)}
BUILDERS = {"grid": grid_spec, "one-width": depth_spec, "slider (64 frames)": frames_spec}


def best(f, repeats: int) -> float:
    f()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} CPUs)")
    print(f"{'settings':30} {'figure':20} {'plain s':>8} {'validated s':>12} {'ratio':>6}")
    for label, s in SETTINGS.items():
        for name, build in BUILDERS.items():
            fig = build(s).figure
            plain = best(lambda: build(s), args.repeats)
            checked = best(lambda: go.Figure(fig.to_dict()), args.repeats)
            print(f"{label:30} {name:20} {plain:8.4f} {checked:12.4f} {plain / checked:6.2f}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
