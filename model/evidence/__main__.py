"""Command line of ``model.evidence``:

    python -m model.evidence --weights SOURCE --images generated:N|FILE...|DIR|ZIP
        [--seed S] [--resolution R] [--width W] [--format table|csv|json]
        [--max-images N] [--scheduler tcp://HOST:8786]

SOURCE: embedded, embedded-relu6, random, imagenet-v1, imagenet-v2 or a .pth/.pt state dict
(``model.weights.load_weights``). The named networks bring their architecture and input size
(``model.registry``); "random" is a seeded initialisation with the architecture of the
embedded network (width 0.5, 10 classes, 64 px) unless ``--width`` says otherwise; a file's
width and class count are read off its shapes. Images that cannot be used are listed on
stderr and left out; no usable image, bad weights or bad options: one line on stderr, exit 2.

``--scheduler`` (or ``MANIFOLD_LAB_SCHEDULER``) measures on that Dask cluster, in tasks
(``services.measurement.measure_images``: parts of the images, then each block), with progress
on stderr from the tasks done; a scheduler that cannot be reached: one line naming it, exit 1.
This process holds the set (uint8 at R: 12 KB an image at 64 px, 150 KB at 224 px) and sends
each part's images with its tasks, so no worker holds the whole set. Without a scheduler it
measures in this process, in the same batches: the same numbers. ``--max-images`` (default
``COMMAND_LINE_IMAGES``): images past it are listed as left out.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from pathlib import Path

FORMATS = ("table", "csv", "json")
COMMAND_LINE_IMAGES = 10_000     # a researcher's set; the app's sets stop at 1,000
BLOCK_COLUMNS = (("block", "block"), ("t", "t"), ("d_in", "d_in"), ("hidden", "hidden"),
                 ("n_pixels", "pixels"), ("positive_min", "pos min"),
                 ("positive_mean", "pos mean"), ("positive_max", "pos max"),
                 ("positive_mean_fraction", "pos/hidden"), ("threshold_fraction", "d_in/hidden"),
                 ("invertible_fraction", "invertible"), ("n_points", "points"),
                 ("recovered_after_expansion", "R2 after exp"),
                 ("recovered_without_expansion", "R2 relu6(X)"),
                 ("input_negative_fraction", "X<0"))
PROFILE_COLUMNS = (("block", "block"), ("probe", "probe"), ("estimator", "est"),
                   ("points", "points"), ("ambient", "ambient"), ("n_points", "n"),
                   ("value", "value"), ("ci_low", "ci low"), ("ci_high", "ci high"),
                   ("null_value", "null"), ("undersampled", "few"))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        """One line and exit status 2, like every other bad input."""
        self.exit(2, f"error: {message} (python -m model.evidence --help)\n")


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"needs a whole number of at least 1, got {text!r}")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m model.evidence",
        description="The paper's evidence on a set of images: Figure 7 (positive channels "
                    "after each expansion), how much of each block's input survives ReLU6 "
                    "with and without the expansion, and the dimension profile with "
                    "bootstrap intervals over images and a Gaussian null.")
    p.add_argument("--weights", required=True, metavar="SOURCE",
                   help="embedded, embedded-relu6, random, imagenet-v1, imagenet-v2, or a "
                        ".pth/.pt state dict")
    p.add_argument("--images", required=True, nargs="+", metavar="IMAGES",
                   help="generated:N (N generated images, classes balanced), or image files, "
                        "folders and .zip archives")
    p.add_argument("--seed", type=int, default=0,
                   help="seed of generated images, random weights, sampling and bootstrap")
    p.add_argument("--resolution", type=int, default=None,
                   help="input size in pixels (default: the weights', else 224)")
    p.add_argument("--width", type=float, default=None,
                   help="width multiplier for random weights (default: the embedded network's)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--n-boot", type=int, default=200, help="bootstrap replicates (default 200)")
    p.add_argument("--pixels-per-image", type=int, default=16,
                   help="pixel positions sampled per image at each probe point (default 16)")
    p.add_argument("--max-images", type=_positive, default=COMMAND_LINE_IMAGES, metavar="N",
                   help=f"at most N images; the rest are listed as left out (default "
                        f"{COMMAND_LINE_IMAGES:,}; each is held here decoded at the resolution)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="a Dask scheduler (tcp://HOST:8786) to measure on (default: "
                        "$MANIFOLD_LAB_SCHEDULER, else this process)")
    return p


def described(source: str, *, width: float | None, seed: int, resolution: int) -> tuple:
    """How a Dask worker builds the network ``source`` (``services.remote.portable``)."""
    import hashlib

    from services import remote
    from services.weights import WeightsId

    from ..registry import DEFAULT, WEIGHTS, spec
    if source in WEIGHTS:
        return ("named", WeightsId(source))
    if source == "random":
        base = spec(DEFAULT)
        return ("random", WeightsId("random", seed=int(seed)), list(base.classes()),
                int(resolution), float(width if width is not None else base.width_mult))
    data = Path(source).read_bytes()
    wid = WeightsId("upload", digest=hashlib.sha256(data).hexdigest()[:16])
    return ("upload", wid, remote._scattered(wid, (data, Path(source).name)))


def _on_cluster(args, images, resolution: int) -> dict:
    """The measurement on the Dask cluster, progress on stderr every tenth of the tasks."""
    from services import cluster, measurement
    cluster.use(args.scheduler)
    cluster.client()                      # SchedulerUnreachable here, before any work
    shown = [0]

    def progress(fraction, label):
        if int(10 * fraction) > shown[0]:
            shown[0] = int(10 * fraction)
            print(f"progress: {100 * fraction:.0f}% of the tasks done", file=sys.stderr)
    network = described(args.weights, width=args.width, seed=args.seed, resolution=resolution)
    return measurement.measure_images(
        {args.weights: network}, images, len(images), seed=args.seed, resolution=resolution,
        progress=progress, n_boot=args.n_boot,
        pixels_per_image=args.pixels_per_image)[args.weights]


def build_network(source: str, *, width: float | None = None, seed: int = 0):
    """(model in eval mode, resolution, resize) for a weight source (see the module doc)."""
    from ..mobilenetv2 import mobilenet_v2
    from ..registry import DEFAULT, WEIGHTS, spec
    from ..weights import (
        WeightsError,
        _load_state_dict,
        architecture_of,
        guess_width,
        load_weights,
        read_state_dict,
    )
    from i18n.messages import Own
    if source in WEIGHTS:
        s = spec(source)
        net = mobilenet_v2(s.width_mult, s.num_classes, bottleneck=s.bottleneck)
        load_weights(net, source)
        return net.eval(), s.resolution, s.resize
    if source == "random":
        base = spec(DEFAULT)
        net = mobilenet_v2(width if width is not None else base.width_mult, base.num_classes)
        load_weights(net, "random", seed=seed)
        return net.eval(), base.resolution, None
    path = Path(source)
    if path.suffix.lower() not in (".pth", ".pt") and not path.exists():
        raise WeightsError("refusal.weights.unknown_source", source=repr(source),
                           sources=Own("embedded, embedded-relu6, random, imagenet-v1, "
                                       "imagenet-v2 or a .pth/.pt file"))
    state = read_state_dict(path)
    _, exact, classes = architecture_of(state)
    if not exact:
        raise WeightsError("refusal.weights.unknown_width", name=source, problem=guess_width(state))
    net = mobilenet_v2(exact[0], classes)
    _load_state_dict(net, state, source)
    return net.eval(), 224, None


def load_images(items: list[str], *, resolution: int, resize: int | None, seed: int,
                max_images: int = COMMAND_LINE_IMAGES):
    """An ``ImageSet`` from the --images arguments, of at most ``max_images`` images."""
    from . import image_sets
    if len(items) == 1 and items[0].startswith("generated:"):
        count = items[0].split(":", 1)[1]
        if not count.isdigit():
            raise ValueError(f"--images generated:N needs a whole number N, got {items[0]!r}")
        if int(count) > max_images:
            raise ValueError(f"--images {items[0]} is more than --max-images {max_images}")
        return image_sets.generated(int(count), seed=seed, resolution=resolution,
                                    max_images=max_images)
    if any(i.startswith("generated:") for i in items):
        raise ValueError("--images generated:N cannot be combined with files")
    return image_sets.from_paths(items, resolution=resolution, resize=resize,
                                 max_images=max_images)


def _cell(key: str, value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        if key.endswith("fraction"):
            return f"{100 * value:.1f}%"
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def _table(rows: list[dict], columns) -> list[str]:
    grid = [[title for _, title in columns]] + [[_cell(k, r[k]) for k, _ in columns] for r in rows]
    widths = [max(len(row[i]) for row in grid) for i in range(len(columns))]
    return ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in grid]


def render(result: dict, fmt: str) -> str:
    """``Evidence.to_dict()`` as JSON, CSV (blocks, a blank line, profile) or text tables."""
    if fmt == "json":
        return json.dumps(result, indent=1)
    if fmt == "csv":
        out = io.StringIO()
        for i, key in enumerate(("blocks", "profile")):
            if i:
                out.write("\n")
            writer = csv.DictWriter(out, fieldnames=list(result[key][0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(result[key])
        return out.getvalue().rstrip("\n")
    m = result["meta"]
    lines = [(f"# {m['weights']} weights, {m['n_images']} images at {m['resolution']} px, seed "
              f"{m['seed']}, {m['pixels_per_image']} pixels per image, ridge alpha "
              f"{m['ridge_alpha']:g}, {m['n_boot']} bootstrap replicates, {m['seconds']:.1f} s"),
             "# Figure 7 and information kept (R2: held-out, split by image)"]
    lines += _table(result["blocks"], BLOCK_COLUMNS)
    lines += ["", (f"# dimension profile; {int(100 * m['confidence'])}% intervals over images; "
                   f"null: isotropic Gaussian, same n and ambient; few = {m['undersampled_rule']}")]
    lines += _table(result["profile"], PROFILE_COLUMNS)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from runtime import configure
    configure()
    from services.cluster import SCHEDULER_ENV, SchedulerUnreachable
    from services.evidence import task_images

    from .measure import evidence
    from ..images import ImageError
    from ..weights import WeightsError
    try:
        net, default_resolution, resize = build_network(args.weights, width=args.width,
                                                        seed=args.seed)
        resolution = args.resolution or default_resolution
        if resolution < 32:
            raise ValueError(f"--resolution must be at least 32 pixels, got {resolution}")
        if resize is not None and args.resolution:
            resize = round(resize * resolution / default_resolution)
        images = load_images(args.images, resolution=resolution, resize=resize, seed=args.seed,
                             max_images=args.max_images)
        for name, reason in images.rejected:
            print(f"skipped {name}: {reason}", file=sys.stderr)
        if len(images) < 2:
            raise ValueError(f"need at least 2 usable images, got {len(images)}")
        if args.scheduler or os.environ.get(SCHEDULER_ENV, "").strip():
            result = _on_cluster(args, images, resolution)
        else:
            result = evidence(net, images.images, weights=args.weights, seed=args.seed,
                              n_boot=args.n_boot, pixels_per_image=args.pixels_per_image,
                              batch_size=task_images(resolution)).to_dict()
    except SchedulerUnreachable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (ImageError, WeightsError, ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        print(render(result, args.format))
    except BrokenPipeError:      # e.g. piped into `head`
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (stays open until exit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
