"""The numbers behind the "Live MobileNetV2" page, computed with ``model/``.

Shared by the page (which caches them) and by the export (``figure_specs``). torch and the
model are imported inside the functions, so importing this module is cheap.

Weight sources (``SOURCES``): the two networks trained here on the generated data set
(``model.embedded``), a seeded random initialisation, torchvision's ImageNet checkpoints
from the torch hub cache, or an uploaded torchvision checkpoint. "random" takes the
architecture of the weights it is compared with (width, classes), so trained and random
differ in their weights only.
"""
from __future__ import annotations

import functools
import hashlib
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

SOURCES = ("embedded", "embedded-relu6", "random", "imagenet-v1", "imagenet-v2", "upload")
COMPARE = ("none",) + SOURCES
# Photos bundled with scikit-image (loaded without network) and scikit-learn.
SAMPLE_PHOTOS = ("astronaut", "chelsea", "coffee", "rocket", "china", "flower")
IMAGE_CHOICES = SAMPLE_PHOTOS + ("generated", "upload", "camera")
RESOLUTIONS = ("auto", "64", "96", "128", "160", "224")
PROBE_CHOICES = ("input", "expansion", "depthwise", "projection")
EMBEDDED_ARCH = dict(width_mult=0.5, num_classes=10)
# torch intra-op threads for everything the live and block pages compute (app/torch_threads.py
# says why). The export uses the same, so its numbers are the page's to the last digit: float
# sums in a convolution depend on how many threads share them.
TORCH_THREADS = 1


@contextmanager
def app_threads():
    """Run torch with ``TORCH_THREADS`` intra-op threads inside the block, then restore."""
    import torch
    before = torch.get_num_threads()
    torch.set_num_threads(TORCH_THREADS)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@dataclass
class Weights:
    """A ready network and what to say about it."""
    source: str
    model: object                     # model.mobilenetv2.MobileNetV2 in eval mode
    classes: list[str]
    resolution: int                   # the input size it was trained at
    width_mult: float
    notes: list[str] = field(default_factory=list)


def digest(data: bytes) -> str:
    """A short content hash: the cache key of an upload."""
    return hashlib.sha256(data).hexdigest()[:16]


def imagenet_classes() -> list[str]:
    from model.imagenet_classes import IMAGENET_CLASSES
    return list(IMAGENET_CLASSES)


def sample_photo(name: str) -> np.ndarray:
    """One bundled photo as uint8 (h, w, 3)."""
    if name not in SAMPLE_PHOTOS:
        raise ValueError(f"name must be one of {SAMPLE_PHOTOS}, got {name!r}")
    if name in ("china", "flower"):
        from sklearn.datasets import load_sample_image
        img = load_sample_image(f"{name}.jpg")
    else:
        import skimage.data
        img = getattr(skimage.data, name)()
    img = np.asarray(img)
    if img.ndim == 2:
        img = np.repeat(img[..., None], 3, axis=2)
    return np.ascontiguousarray(img[..., :3]).astype(np.uint8)


def generated_image(label: int, index: int, seed: int, resolution: int = 128) -> np.ndarray:
    """Sample ``index`` of class ``label`` of the generated data set (``model.synthetic``),
    uint8 (resolution, resolution, 3); the same (label, index, seed) gives the same image."""
    from model.synthetic import make_image
    return make_image(np.random.default_rng([seed, 7919, label, index]), label, resolution)


def channel_activations(model, x, block: int, probe: str) -> np.ndarray:
    """The activations of one block (0-based) at one probe point for the first image of x
    (n, 3, H, W): float32 (channels, h, w). The probe points are those of ``model.probes``:
    the block's input, the expansion and the depthwise outputs after ReLU6, the projection
    (the block's last layer, before the residual add)."""
    import torch

    from model.mobilenetv2 import InvertedResidual
    if probe not in PROBE_CHOICES:
        raise ValueError(f"probe must be one of {PROBE_CHOICES}, got {probe!r}")
    blocks = [m for m in model.modules() if isinstance(m, InvertedResidual)]
    if not 0 <= block < len(blocks):
        raise ValueError(f"block must be 0..{len(blocks) - 1}, got {block}")
    b = blocks[block]
    if probe == "expansion" and b.expand_ratio == 1:
        probe = "input"  # t = 1: the first block has no expansion; its input is expanded-width
    captured = {}
    # The model is shared by every session (each in its own thread): keep only this thread's
    # forward, not another session's that happens to run while the hook is on.
    me = threading.get_ident()

    def keep(value):
        if threading.get_ident() == me:
            captured.setdefault("x", value)

    if probe == "input":
        handle = b.register_forward_pre_hook(lambda m, args: keep(args[0]))
    else:
        module = {"expansion": b.conv[0], "depthwise": b.conv[1 if b.expand_ratio != 1 else 0],
                  "projection": b.conv[-1]}[probe]
        handle = module.register_forward_hook(lambda m, a, out: keep(out))
    try:
        with torch.inference_mode():
            model(x[:1])
    finally:
        handle.remove()
    return captured["x"][0].float().cpu().numpy()


def predictions(model, x, classes: list[str], k: int = 5) -> list[tuple[str, float]]:
    """Top-k (class name, softmax probability) of the first image of x (n, 3, H, W)."""
    import torch
    with torch.inference_mode():
        probs = torch.softmax(model(x[:1]).float(), dim=1)[0]
    top = torch.topk(probs, min(k, probs.numel()))
    return [(classes[i] if i < len(classes) else f"class {i}", float(p))
            for p, i in zip(top.values.tolist(), top.indices.tolist())]


def profile_from_records(records, estimator: str) -> list[dict]:
    """``model.analysis`` records -> the profile dicts of ``figures.live`` (blocks 1-based,
    probes input / expansion / depthwise / projection; ``value`` = the chosen estimator)."""
    out = []
    for r in records:
        if r.probe not in PROBE_CHOICES:
            continue
        value = getattr(r, estimator)
        if value is None:
            continue
        # The points behind this estimate: TwoNN uses its random sample, PCA and PR all pixels.
        n_points = r.twonn_points if estimator == "twonn" else r.n_points
        out.append(dict(block=r.block + 1, probe=r.probe, ambient=r.ambient_dim,
                        value=float(value), zero_fraction=float(r.zero_fraction),
                        points=r.points, n_points=int(n_points or 0)))
    return out


def _classes_for(num_classes: int) -> list[str]:
    if num_classes == 1000:
        return imagenet_classes()
    from model.synthetic import CLASSES
    if num_classes == len(CLASSES):
        return list(CLASSES)
    return [f"class {i}" for i in range(num_classes)]


def architecture_of(state: dict) -> tuple[float, int]:
    """(width_mult, num_classes) of a torchvision-style MobileNetV2 state dict; raises
    ``model.weights.WeightsError`` naming what does not fit when no known width matches."""
    import torch

    from model.mobilenetv2 import mobilenet_v2
    from model.weights import (CLASSIFIER_KEY, KNOWN_WIDTHS, WeightsError, describe_mismatch,
                               guess_width)
    classifier = state.get(CLASSIFIER_KEY)
    num_classes = int(classifier.shape[0]) if classifier is not None and classifier.dim() == 2 else 1000
    for width in KNOWN_WIDTHS:
        with torch.device("meta"):
            probe = mobilenet_v2(width, num_classes)
        if not describe_mismatch(probe, state):
            return width, num_classes
    raise WeightsError(f"this file is not a torchvision MobileNetV2 state dict of a known "
                       f"width: {guess_width(state)}")


@functools.lru_cache(maxsize=2)
def _shipped(source: str) -> Weights:
    """A network trained here ("embedded", "embedded-relu6"), built once per process and
    shared, read-only in eval mode, by the live page, the block page's ablation, presenter mode
    and the export. (ImageNet weights are not kept here: where they come from can change.)"""
    from model.mobilenetv2 import mobilenet_v2
    from model.weights import load_weights
    from model.embedded import EMBEDDED
    entry = EMBEDDED[source]
    model = mobilenet_v2(entry["width_mult"], entry["num_classes"], bottleneck=entry["bottleneck"])
    load_weights(model, source)
    return Weights(source, model.eval(), list(entry["classes"]), int(entry["resolution"]),
                   float(entry["width_mult"]))


def load_source(source: str, *, seed: int = 0, upload: bytes | None = None,
                upload_name: str = "checkpoint.pth", like: Weights | None = None) -> Weights:
    """Build the network for ``source`` (one of ``SOURCES``) with its weights, in eval mode.

    ``upload``: the bytes of a checkpoint for "upload" (``upload_name`` names it in
    errors). ``like``: for "random", copy this
    network's architecture (default: the embedded one). Raises ``model.weights.WeightsError``
    (a ValueError) with a message for the user when the weights cannot be had.
    """
    import os
    import re
    import tempfile

    from model.mobilenetv2 import mobilenet_v2
    from model.weights import WeightsError, load_weights, read_state_dict
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, got {source!r}")
    if source in ("embedded", "embedded-relu6"):
        return _shipped(source)
    if source in ("imagenet-v1", "imagenet-v2"):
        model = load_weights(mobilenet_v2(1.0, 1000), source)
        return Weights(source, model.eval(), imagenet_classes(), 224, 1.0)
    if source == "random":
        width = like.width_mult if like is not None else EMBEDDED_ARCH["width_mult"]
        classes = like.classes if like is not None else _classes_for(EMBEDDED_ARCH["num_classes"])
        res = like.resolution if like is not None else 64
        model = load_weights(mobilenet_v2(width, len(classes)), "random", seed=seed)
        return Weights(source, model.eval(), list(classes), res, float(width))
    if upload is None:
        raise WeightsError("no checkpoint uploaded")
    if len(upload) == 0:
        raise WeightsError(f"{os.path.basename(upload_name)}: the file is empty")
    # Written under its own (sanitised) name so that error messages name the user's file.
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", os.path.basename(upload_name))[:80] or "checkpoint"
    if not safe.lower().endswith((".pth", ".pt")):
        safe += ".pth"
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, safe)
        with open(path, "wb") as f:
            f.write(upload)
        try:
            width, num_classes = architecture_of(read_state_dict(path))
        except WeightsError as exc:  # name the user's file, as every other upload error does
            message = str(exc)
            raise WeightsError(message if safe in message else f"{safe}: {message}") from None
        model = load_weights(mobilenet_v2(width, num_classes), path)
    return Weights(source, model.eval(), _classes_for(num_classes),
                   224 if num_classes == 1000 else 64, float(width))


def decode_upload(data: bytes, name: str) -> np.ndarray:
    """An uploaded or camera image -> uint8 (h, w, 3); raises ``model.images.ImageError``
    (a ValueError naming the file) for anything that is not a usable image."""
    from model.images import load_image
    return np.asarray(load_image(data, name=name), dtype=np.uint8)


def prepare_input(image: np.ndarray, resolution: int, source: str, *,
                  generated: bool = False):
    """The network's input for one image: (x float32 (1, 3, R, R), shown uint8 (R, R, 3)).

    Photos get the eval transform of the weights (resize the shorter side, centre-crop R,
    ImageNet mean/std, ``model.images``); generated images are made at R and only
    normalised, as in training."""
    import torch
    from PIL import Image

    from model.images import IMAGENET_MEAN, IMAGENET_STD, preprocess, resize_for
    resize = resolution if generated else resize_for(source, resolution)
    x = preprocess(Image.fromarray(np.asarray(image, dtype=np.uint8)), crop=resolution,
                   resize=resize)
    mean = torch.tensor(IMAGENET_MEAN).view(3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(3, 1, 1)
    shown = ((x * std + mean).clamp(0, 1) * 255).round().byte().permute(1, 2, 0).numpy()
    return x.unsqueeze(0), shown


def analyze_profile(model, x, estimator: str, seed: int = 0) -> tuple[list[dict], float]:
    """The dimension profile of one input x (1, 3, R, R) with one estimator, points = pixels;
    returns (profile dicts for ``figures.live``, seconds the analysis took)."""
    import time

    from model.analysis import analyze
    start = time.perf_counter()
    records = analyze(model, x, estimators=(estimator,), points="pixels", seed=seed)
    return profile_from_records(records, estimator), time.perf_counter() - start


def profile_summary(profile: list[dict]) -> dict:
    """Medians over the blocks of ED / ambient per probe point, and of the zero fraction after
    the expansion's ReLU6; only estimates backed by more points than channels count.
    Returns {"input", "expansion", "depthwise", "projection", "zeros"} (None when empty)."""
    out = {}
    for probe in PROBE_CHOICES:
        ratios = [r["value"] / r["ambient"] for r in profile
                  if r["probe"] == probe and r.get("n_points", r["ambient"] + 1) > r["ambient"]]
        out[probe] = float(np.median(ratios)) if ratios else None
    zeros = [r["zero_fraction"] for r in profile if r["probe"] == "expansion"]
    out["zeros"] = float(np.median(zeros)) if zeros else None
    return out
