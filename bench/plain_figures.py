"""Figure build times on a ReLU-page change and a live-page analysis: this tree against an
earlier commit's, in the same run.

    python bench/plain_figures.py [--against ffb1584] [--repeats 7]

The figures a change rebuilds (ReLU page: Figure 1 grid, one-width view, the n = 1..64 slider
figure; live page: the dimension profile and the trained-vs-random comparison) are built by
this tree's builders and by those of ``--against`` (checked out with ``git worktree`` into a
temporary folder), each in its own Python process, the two alternating: minimum over
``--repeats`` builds after one warm-up. The default baseline, ffb1584, is the last commit before
the builders wrote plain dicts (figures/plain.py). The ratio is what matters on a shared machine.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs inside each tree (cwd = that tree): prints {figure: seconds} as JSON.
TIMER = r'''
import json, sys, time
sys.path.insert(0, ".")
import runtime
runtime.configure()
from figures.relu import ReluSettings
try:    # compute (services/relu.py), then draw
    from app.figure_sources.relu import (depth_figure as depth_spec, frames_figure as frames_spec,
                                         grid_figure as grid_spec)
except ImportError:     # a baseline whose builders computed their numbers themselves
    from figures.relu import depth_spec, grid_spec
    from figures.relu_frames import frames_spec
from figures.live import profile_figure, compare_figure

def profile(scale):
    return [dict(block=b, probe=p, ambient=16 * b, value=scale * b + k, zero_fraction=0.5,
                 n_points=50 * b) for b in range(1, 18)
            for k, p in enumerate(("input", "expansion", "depthwise", "projection"))]

SETTINGS = {"spiral N=1000": ReluSettings(), "swiss roll N=5000":
            ReluSettings(input_name="swiss_roll", n_points=5000)}
work = {}
for label, s in SETTINGS.items():
    work[f"grid, {label}"] = lambda s=s: grid_spec(s)
    work[f"one-width, {label}"] = lambda s=s: depth_spec(s)
    work[f"slider, {label}"] = lambda s=s: frames_spec(s)
work["live profile"] = lambda: profile_figure(profile(1.0), "pr", "trained")
work["live comparison"] = lambda: compare_figure({"a": profile(1.0), "b": profile(2.0)}, "pr")
out = {}
for name, build in work.items():
    build()
    times = []
    for _ in range(int(sys.argv[1])):
        start = time.perf_counter(); build(); times.append(time.perf_counter() - start)
    out[name] = min(times)
print(json.dumps(out))
'''


def timed(tree: Path, repeats: int) -> dict:
    run = subprocess.run([sys.executable, "-c", TIMER, str(repeats)], cwd=tree, check=True,
                         capture_output=True, text=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", default="ffb1584", help="the baseline commit")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=2, help="alternations of the two trees")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} CPUs); baseline {args.against}")
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(old), args.against],
                       cwd=ROOT, check=True)
        try:
            new_t, old_t = {}, {}
            for _ in range(args.rounds):
                for tree, into in ((ROOT, new_t), (old, old_t)):
                    for name, seconds in timed(tree, args.repeats).items():
                        into[name] = min(seconds, into.get(name, seconds))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=True)
    print(f"{'figure':32} {'this tree s':>12} {'baseline s':>11} {'ratio':>6}")
    for name in new_t:
        print(f"{name:32} {new_t[name]:12.4f} {old_t[name]:11.4f} {new_t[name] / old_t[name]:6.2f}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
