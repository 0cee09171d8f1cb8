"""The numbers behind the "Inverted residual block" page, computed from ``model/``.

Shared by the page (which caches them) and by the export (``app.figure_sources.block``).
Plain dicts and lists out, so the builders in ``figures/block.py`` stay pure.
"""
from __future__ import annotations

from model.registry import N_BLOCKS, VARIANTS

# The paper's TF-slim checkpoint table (docs/PAPER_FACTS.md §4): {(width, resolution): (MMACs, top-1)}.
PAPER_TFSLIM = {
    (1.4, 224): (582, 75.0),
    (1.0, 224): (300, 71.8), (1.0, 192): (221, 70.7), (1.0, 160): (154, 68.8),
    (1.0, 128): (99, 65.3), (1.0, 96): (56, 60.3),
    (0.75, 224): (209, 69.8), (0.75, 192): (153, 68.7), (0.75, 160): (107, 66.4),
    (0.75, 128): (69, 63.2), (0.75, 96): (39, 58.8),
    (0.5, 224): (97, 65.4), (0.5, 192): (71, 63.9), (0.5, 160): (50, 61.0),
    (0.5, 128): (32, 57.7), (0.5, 96): (18, 51.2),
    (0.35, 224): (59, 60.3), (0.35, 192): (43, 58.2), (0.35, 160): (30, 55.7),
    (0.35, 128): (20, 50.8), (0.35, 96): (11, 45.5),
}
WIDTHS = ("1.4", "1.0", "0.75", "0.5", "0.35")
RESOLUTIONS = ("224", "192", "160", "128", "96")


# The work one timing of the interactive block may cost: a few seconds of one core at the
# speed the three options ran at on the 2-core machine under load (bench/RESULTS.md,
# "Numbers behind the code's comments").
# A link can set any shape in range, so this bounds what a link can make the server do.
MAX_TIMED_MADDS = 12_000_000_000


def affordable_repeats(d_i: int, d_j: int, t: int, k: int, h: int, w: int, stride: int,
                       repeats: int) -> tuple[int, int]:
    """(timed runs that fit ``MAX_TIMED_MADDS``, at most ``repeats``; 0 when not even one
    does, MAdds of one run of all three options). Each timing also runs one warm-up."""
    from model.costs.layer_options import OPTIONS, LayerShape, option_madds
    shape = LayerShape(d_i, d_j, t, k, h, w, stride)
    per_run = sum(option_madds(o, shape) for o in OPTIONS)
    return max(0, min(int(repeats), MAX_TIMED_MADDS // per_run - 1)), per_run


def option_rows(d_i: int, d_j: int, t: int, k: int, h: int, w: int, stride: int,
                repeats: int = 5) -> list[dict]:
    """MAdds, params and measured CPU seconds of the three layer options (see
    ``model.costs.layer_options``)."""
    from model.costs.layer_modules import compare_options
    from model.costs.layer_options import LayerShape
    return compare_options(LayerShape(d_i, d_j, t, k, h, w, stride), repeats=repeats)


def split_rows(block_index: int, resolution: int, seed: int = 0) -> tuple[list[dict], dict]:
    """Section 5.1 for block ``block_index`` (1..17) of width-1.0 MobileNetV2 at ``resolution``:
    one dict per k = 1..max(t, 4), and a dict describing the block (h, c, t, inner)."""
    import torch

    from model.costs.memory_split import compare_splits, randomize_bn_statistics
    from model.mobilenetv2 import mobilenet_v2
    if int(block_index) != block_index or not 1 <= block_index <= N_BLOCKS:
        raise ValueError(f"block_index must be an integer from 1 to {N_BLOCKS}, got {block_index}")
    torch.manual_seed(seed)
    net = randomize_bn_statistics(mobilenet_v2(1.0), seed=seed).eval()
    # The block's input size: run a zero image through the stem and the blocks before it.
    with torch.no_grad():
        x = torch.zeros(1, 3, resolution, resolution)
        x = net.features[0](x)
        for block in net.blocks[:block_index - 1]:
            x = block(x)
    block = net.blocks[block_index - 1]
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(x.shape, generator=gen)
    results = [r.__dict__.copy() for r in compare_splits(block, x)]
    info = dict(block=block_index, h=int(x.shape[2]), c=block.in_channels,
                t=block.expand_ratio, inner=block.hidden_channels)
    return results, info


def training_logs() -> dict[str, dict]:
    """The shipped variants' training logs (``model.embedded.load_training_log``):
    {"linear"|"relu6": {"step", "loss", "heldout_acc", "final", "config"}}; variants whose
    files are missing are left out."""
    from model.embedded import load_training_log
    logs = {}
    for variant, name in VARIANTS.items():
        try:
            raw = load_training_log(name)
        except FileNotFoundError:
            continue
        hist = raw.get("history", [])
        logs[variant] = dict(step=[r["step"] for r in hist], loss=[r["loss"] for r in hist],
                             heldout_acc=[r.get("heldout_acc") for r in hist],
                             final=raw.get("final") or {}, config=raw.get("config") or {})
    return logs


def _layer_group(row, after_blocks: bool) -> str:
    if row.block is not None:
        return f"b{row.block + 1}"
    if not after_blocks:
        return "stem"
    return "classifier" if row.operator == "linear" else "conv 1x1"


def network_costs(width: float, resolution: int) -> dict:
    """Table 2 and Table 3 of the network at one width and input size, from
    ``model.costs.analytic.costs_of`` (a shape walk over the architecture settings: no model is
    built, nothing runs, well under a millisecond).

    Returns total_params, total_madds, blocks (per group: name "stem", "b1".."b17",
    "conv 1x1", "classifier"; madds, params; in network order), table2 (the paper's Table 2
    rows read off the model: input, operator, t, c, n, s) and table3 (per spatial resolution:
    resolution, channels, kbytes of the largest tensor kept between blocks, 16-bit) and
    paper_table3 (the paper's maxima for other networks, K of 16-bit values)."""
    from model.costs.analytic import (PAPER_TABLE3_MAX_KB, architecture_table, costs_of,
                                      memory_table)
    report = costs_of(width, resolution)
    blocks: dict[str, dict] = {}
    seen_block = False
    for row in report.rows:
        seen_block = seen_block or row.block is not None
        name = _layer_group(row, seen_block)
        entry = blocks.setdefault(name, dict(name=name, madds=0, params=0))
        entry["madds"] += row.madds
        entry["params"] += row.params
    table2 = [{k: r[k] for k in ("input", "operator", "t", "c", "n", "s")}
              for r in architecture_table(report)]
    table3 = [dict(resolution=r["resolution"], channels=r["channels"], tensor=r["tensor"],
                   kbytes=r["kilobytes"])
              for r in memory_table(report)]
    return dict(total_params=report.total_params, total_madds=report.total_madds,
                blocks=list(blocks.values()), table2=table2, table3=table3,
                paper_table3=dict(PAPER_TABLE3_MAX_KB))


def tfslim_grid() -> dict:
    """MAdds this model computes for every (width, resolution) of the paper's TF-slim table."""
    from model.costs.analytic import costs_of
    return {(w, r): costs_of(w, r).total_madds for (w, r) in PAPER_TFSLIM}


def ablation_profiles(estimator: str, n_images: int = 8, seed: int = 0) -> dict[str, list[dict]]:
    """Dimension profiles of the two shipped variants on the same ``n_images`` generated images
    (a fresh sample, at the training resolution; points = pixels of all images together):
    {"linear" | "relu6": profile dicts of ``figures.live``}. Variants whose weights are
    missing are left out."""
    import torch
    from PIL import Image

    from services.live import profile_from_records
    from services.weights import load_source
    from model.analysis import analyze
    from model.images import preprocess
    from model.synthetic import make_batch
    out = {}
    for variant, name in VARIANTS.items():
        try:
            weights = load_source(name)
        except (ValueError, FileNotFoundError):
            continue
        res = weights.resolution
        images, _ = make_batch(n_images, seed=[seed, 4242], resolution=res)
        x = torch.stack([preprocess(Image.fromarray(im), crop=res, resize=res) for im in images])
        records = analyze(weights.model, x, estimators=(estimator,), points="pixels", seed=seed)
        out[variant] = profile_from_records(records, estimator)
    return out
