"""Command line: per-block dimension table of MobileNetV2's activations on some images.

    python -m model.dimension_profile IMAGE [IMAGE ...] --weights SOURCE [--width 1.0]
        [--resolution 224] [--estimators pca,pr,twonn] [--format table|csv|json]
        [--device auto] [--points pixels|images] [--scheduler tcp://HOST:8786]

SOURCE: random, imagenet-v1, imagenet-v2, embedded, embedded-relu6 or a .pth/.pt file (see
``model.weights``). Without ``--width`` / ``--resolution`` the weights decide: the embedded
networks carry their own, a file's width is read off its shapes, otherwise 1.0 and 224.
Exit status 2 with a one-line message (no traceback) for an unreadable image or weights.
``--scheduler`` (or ``MANIFOLD_LAB_SCHEDULER``) runs the analysis as one task on that Dask
cluster (the network and the images are sent with it; ``--device`` is then the worker's CPU);
a scheduler that cannot be reached: one line naming it, exit status 1.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

from . import analysis
from .analysis import ESTIMATORS, analyze, records_to_dicts
from .probes import POINT_MODES

FORMATS = ("table", "csv", "json")
# 1024 px has 21x the pixels of 224, and activation memory grows alike (what 4096 took:
# bench/RESULTS.md, "Numbers behind the code's comments").
MIN_RESOLUTION, MAX_RESOLUTION = 32, 1024
TABLE_COLUMNS = (("block", "block"), ("probe", "probe"), ("t", "t"), ("channels", "C"),
                 ("size", "h x w"), ("ambient_dim", "ambient"), ("n_points", "points"),
                 ("pca", "pca90"), ("pr", "PR"), ("twonn", "TwoNN"),
                 ("zero_fraction", "zeros"), ("dead_channel_fraction", "dead ch"))


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m model.dimension_profile",
        description="Dimension of MobileNetV2's activations at every bottleneck block "
                    "(PCA 90% count, participation ratio, TwoNN, zero fraction).")
    p.add_argument("images", nargs="+", metavar="IMAGE", help="image files (PNG, JPEG, ...)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="a Dask scheduler (tcp://HOST:8786) to analyse on (default: "
                        "$MANIFOLD_LAB_SCHEDULER, else this process)")
    p.add_argument("--weights", required=True, metavar="SOURCE",
                   help="random, imagenet-v1, imagenet-v2, embedded, embedded-relu6, or a "
                        ".pth/.pt state dict")
    p.add_argument("--width", type=float, default=None, help="width multiplier (default: "
                   "from the weights, else 1.0)")
    p.add_argument("--num-classes", type=int, default=None,
                   help="classifier outputs (default: from the weights, else 1000)")
    p.add_argument("--resolution", type=int, default=None,
                   help=f"input crop size in pixels, {MIN_RESOLUTION} to {MAX_RESOLUTION} "
                        f"(default: from the weights, else 224)")
    p.add_argument("--estimators", default=",".join(ESTIMATORS),
                   help="comma-separated subset of " + ",".join(ESTIMATORS))
    p.add_argument("--points", choices=POINT_MODES, default="pixels",
                   help="pixels: each h x w position is a point in R^C (default); images: "
                        "each image is one flattened point")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--device", default="auto", help="auto (CUDA when available), cpu, cuda")
    p.add_argument("--seed", type=int, default=0, help="seed for random weights and sampling")
    p.add_argument("--twonn-points", type=int, default=500,
                   help="points sampled per probe for TwoNN (pixels mode)")
    return p


def _architecture(source: str, width, num_classes, resolution):
    """Fill in width, classes, resolution and bottleneck from the weights where not given."""
    from .registry import WEIGHTS
    from .weights import architecture_of, read_state_dict
    bottleneck = "linear"
    state = None
    if source in WEIGHTS:
        entry = WEIGHTS[source]
        width = width if width is not None else entry.width_mult
        num_classes = num_classes if num_classes is not None else entry.num_classes
        resolution = resolution if resolution is not None else entry.resolution
        bottleneck = entry.bottleneck
    elif (source != "random"
          and (Path(source).suffix.lower() in (".pth", ".pt") or Path(source).exists())):
        state = read_state_dict(source)
        _, exact, classes = architecture_of(state)
        if width is None and exact:
            width = exact[0]
        if num_classes is None:
            num_classes = classes
    return (1.0 if width is None else width, 1000 if num_classes is None else num_classes,
            224 if resolution is None else resolution, bottleneck, state)


def _format_value(key: str, value) -> str:
    if value is None:
        return "-"
    if key in ("zero_fraction", "dead_channel_fraction"):
        return f"{100 * value:.1f}%"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def render(records, fmt: str, meta: dict) -> str:
    """The records as an aligned text table, CSV or JSON (with ``meta`` in JSON)."""
    rows = records_to_dicts(records)
    if fmt == "json":
        return json.dumps({"meta": meta, "records": rows}, indent=1)
    if fmt == "csv":
        out = _StringWriter()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.text()
    table = [[title for _, title in TABLE_COLUMNS]]
    for r in rows:
        r = {**r, "size": f"{r['height']}x{r['width']}"}
        table.append([_format_value(k, r[k]) for k, _ in TABLE_COLUMNS])
    widths = [max(len(row[i]) for row in table) for i in range(len(TABLE_COLUMNS))]
    lines = [f"# {meta['weights']} weights, width {meta['width']}, {meta['resolution']}px, "
             f"{meta['images']} image(s), points = {meta['points']} "
             f"({'each h x w position is a point in R^C' if meta['points'] == 'pixels' else 'each image is one flattened point'}), "
             f"device {meta['device']}"]
    for i, row in enumerate(table):
        lines.append("  ".join(c.rjust(w) if i and j > 1 else c.ljust(w)
                               for j, (c, w) in enumerate(zip(row, widths))))
    return "\n".join(lines)


class _StringWriter:
    def __init__(self):
        self.parts: list[str] = []

    def write(self, s: str) -> None:
        self.parts.append(s)

    def text(self) -> str:
        return "".join(self.parts).rstrip("\n")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_intermixed_args(argv)   # images may come after options too
    from runtime import configure
    configure()
    import torch

    from services import cluster

    from .images import ImageError, load_batch, resize_for
    from .mobilenetv2 import mobilenet_v2, resolve_device
    from .weights import WeightsError, load_weights
    try:
        estimators = analysis._check_estimators(args.estimators)
        device = resolve_device(args.device)
        width, num_classes, resolution, bottleneck, state = _architecture(
            args.weights, args.width, args.num_classes, args.resolution)
        if not MIN_RESOLUTION <= resolution <= MAX_RESOLUTION:
            raise ValueError(f"--resolution must be from {MIN_RESOLUTION} to {MAX_RESOLUTION} "
                             f"pixels, got {resolution} (activation memory and time grow with "
                             f"its square)")
        images = load_batch(args.images, crop=resolution, resize=resize_for(args.weights, resolution))
        net = mobilenet_v2(width, num_classes, bottleneck=bottleneck)
        if state is not None:
            from .weights import _load_state_dict
            _load_state_dict(net, state, args.weights)
        else:
            load_weights(net, args.weights, seed=args.seed)
        options = dict(estimators=estimators, points=args.points,
                       twonn_points=args.twonn_points, seed=args.seed)
        if args.scheduler or cluster.scheduler_address():
            cluster.use(args.scheduler)
            records, device = cluster.run(analyze, net.eval(), images, **options), "cluster"
        else:
            records = analyze(net.to(device), images, **options)
    except cluster.SchedulerUnreachable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (ImageError, WeightsError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    meta = {"weights": args.weights, "width": width, "num_classes": num_classes,
            "resolution": resolution, "points": args.points, "estimators": list(estimators),
            "images": len(args.images), "device": str(device), "torch": torch.__version__}
    try:
        print(render(records, args.format, meta))
    except BrokenPipeError:      # e.g. piped into `head`: not an error worth a traceback
        sys.stdout = open(os.devnull, "w")
    return 0


if __name__ == "__main__":
    sys.exit(main())
