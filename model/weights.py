"""``load_weights(model, source)``: put weights into a MobileNetV2, safely, with clear errors.

Sources:

- ``"random"``: torchvision's initialisation, seeded (``seed=0``), identical on CPU and GPU;
- a path to a ``.pth`` / ``.pt`` file: a state dict, or a dict wrapping one under
  ``"state_dict"`` or ``"model"``; a ``"module."`` prefix (DataParallel) is stripped;
- ``"imagenet-v1"`` / ``"imagenet-v2"``: torchvision's published ImageNet checkpoints
  (REFERENCE §7), read from the torch hub cache ``$TORCH_HOME/hub/checkpoints/``; only when
  the file is not there is a download through torch.hub tried;
- ``"embedded"`` / ``"embedded-relu6"``: the small checkpoints shipped with the project
  (their ``WeightSpec`` in ``model.registry``).

Files are always read with ``torch.load(..., weights_only=True)``: a pickle that would run
code is refused. Every failure is a ``WeightsError`` (a ValueError) whose message says what
to do, so the app can show it as it is.
"""
from __future__ import annotations

import os
import pickle
from pathlib import Path

import torch
from torch import nn

from .mobilenetv2 import make_divisible, mobilenet_v2
from .registry import IMAGENET, SHIPPED, spec

SOURCES = ("random", *IMAGENET, *SHIPPED, "<path to .pth/.pt>")
# Width multipliers people publish checkpoints for; the guess lists those that fit.
KNOWN_WIDTHS = (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)
STEM_KEY = "features.0.0.weight"
CLASSIFIER_KEY = "classifier.1.weight"
MAX_LISTED = 5


class WeightsError(ValueError):
    """Weights could not be loaded; the message says why and what to do."""


def load_weights(model: nn.Module, source: str | os.PathLike, *, seed: int = 0) -> nn.Module:
    """Load ``source`` into ``model`` in place (strict: every key and shape must match).

    Returns ``model``. Raises ``WeightsError`` for an unknown source, a missing, unreadable or
    unsafe file, no network for a download, or a state dict that does not fit the model.
    """
    if isinstance(source, str) and source == "random":
        return _random_init(model, seed)
    if isinstance(source, str) and source in IMAGENET:
        return _load_state_dict(model, _imagenet_state_dict(source), source)
    if isinstance(source, str) and source in SHIPPED:
        return _load_embedded(model, source)
    path = Path(source)
    if path.suffix.lower() not in (".pth", ".pt") and not path.exists():
        raise WeightsError(f"unknown weights source {str(source)!r}: use one of "
                           f"{', '.join(SOURCES)}")
    return _load_state_dict(model, read_state_dict(path), str(path))


def _random_init(model: nn.Module, seed: int) -> nn.Module:
    """Seeded torchvision initialisation, drawn on the CPU so every device gets the same."""
    if int(seed) != seed:
        raise WeightsError(f"seed must be an integer, got {seed!r}")
    param = next(model.parameters(), None)
    device = param.device if param is not None else torch.device("cpu")
    model.to("cpu")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        if hasattr(model, "reset_parameters"):
            model.reset_parameters()
        else:
            for m in model.modules():
                if m is not model and hasattr(m, "reset_parameters"):
                    m.reset_parameters()
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.reset_running_stats()
    return model.to(device)


def read_state_dict(path: str | os.PathLike) -> dict[str, torch.Tensor]:
    """Read a checkpoint file (weights_only) and return its plain state dict.

    Accepts a state dict, or a dict holding one under "state_dict" or "model"; strips a
    "module." prefix from every key when all keys carry it.
    """
    path = Path(path)
    if not path.is_file():
        raise WeightsError(f"weights file not found: {path}")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        detail = _unpickler_detail(exc)
        if "Unsupported global" in str(exc):
            raise WeightsError(
                f"refused to load {path.name}: besides tensors it asks to run Python code "
                f"({detail}), which could do anything to this computer. Save only the model's "
                f"state_dict() with torch.save and try again.") from None
        raise WeightsError(f"could not read {path.name} as a PyTorch checkpoint that loads "
                           f"safely (weights only): {detail}") from None
    except Exception as exc:  # noqa: BLE001 - corrupt bytes fail in torch.load with anything
        # (IndexError, AssertionError, struct.error, ... found by fuzzing): all mean "unreadable".
        raise WeightsError(f"could not read {path.name} as a PyTorch checkpoint: "
                           f"{_first_line(exc)}") from None
    return _unwrap(obj, path.name)


def _unpickler_detail(exc: BaseException) -> str:
    """The informative part of torch's long weights-only error ("Unsupported global: ...")."""
    text = str(exc)
    marker = "WeightsUnpickler error:"
    if marker in text:
        text = text.split(marker, 1)[1]
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    detail = lines[0] if lines else type(exc).__name__
    return detail.split(" Please use")[0].rstrip(".")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _unwrap(obj, name: str) -> dict[str, torch.Tensor]:
    if isinstance(obj, dict):
        for wrapper in ("state_dict", "model"):
            inner = obj.get(wrapper)
            if isinstance(inner, dict) and inner and all(isinstance(v, torch.Tensor) for v in inner.values()):
                obj = inner
                break
    if not isinstance(obj, dict) or not obj:
        raise WeightsError(f"{name} does not hold a state dict (a dict of tensors); got "
                           f"{type(obj).__name__}")
    bad = [k for k, v in obj.items() if not isinstance(k, str) or not isinstance(v, torch.Tensor)]
    if bad:
        raise WeightsError(f"{name} is not a state dict: entry {bad[0]!r} is not a named tensor")
    if all(k.startswith("module.") for k in obj):
        obj = {k[len("module."):]: v for k, v in obj.items()}
    return dict(obj)


def _imagenet_state_dict(source: str) -> dict[str, torch.Tensor]:
    filename = spec(source).file
    target = Path(torch.hub.get_dir()) / "checkpoints" / filename
    if target.is_file():
        return read_state_dict(target)
    try:
        obj = torch.hub.load_state_dict_from_url(spec(source).url, map_location="cpu",
                                                 check_hash=True, weights_only=True,
                                                 progress=False)
    except pickle.UnpicklingError as exc:
        raise WeightsError(f"refused the downloaded {filename}: {_first_line(exc)}") from None
    except Exception as exc:  # no network, proxy, HTTP error, bad hash: all mean "get the file"
        raise WeightsError(
            f"the {source} weights are not on this machine and could not be downloaded "
            f"({type(exc).__name__}: {_first_line(exc)}). Download {spec(source).url} "
            f"elsewhere and put it at {target}") from None
    return _unwrap(obj, filename)


def _load_embedded(model: nn.Module, source: str) -> nn.Module:
    entry = spec(source)
    have = (getattr(model, "width_mult", None), getattr(model, "bottleneck", None))
    if any(h is not None and h != w for h, w in zip(have, (entry.width_mult, entry.bottleneck))):
        raise WeightsError(
            f"the {source!r} weights need mobilenet_v2(width_mult={entry.width_mult}, "
            f"num_classes={entry.num_classes}, bottleneck={entry.bottleneck!r}); "
            f"this model has width_mult={have[0]}, bottleneck={have[1]!r}")
    if not entry.path.exists():
        raise WeightsError(f"the {source!r} weights are missing at {entry.path}: "
                           "run `python -m model.train` to make them")
    return _load_state_dict(model, read_state_dict(entry.path), source)


def _load_state_dict(model: nn.Module, state: dict[str, torch.Tensor], label: str) -> nn.Module:
    problem = describe_mismatch(model, state)
    if problem:
        raise WeightsError(f"the weights in {label} do not fit this model: {problem}")
    model.load_state_dict(state, strict=True)
    return model


def describe_mismatch(model: nn.Module, state: dict[str, torch.Tensor]) -> str:
    """'' when ``state`` fits ``model`` exactly, else what differs and which width it fits."""
    expected = model.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    wrong = [(k, tuple(state[k].shape), tuple(expected[k].shape))
             for k in expected if k in state and state[k].shape != expected[k].shape]
    if not (missing or unexpected or wrong):
        return ""
    parts = []
    if missing:
        parts.append(f"{len(missing)} missing keys (first: {', '.join(missing[:MAX_LISTED])})")
    if unexpected:
        parts.append(f"{len(unexpected)} unexpected keys (first: "
                     f"{', '.join(unexpected[:MAX_LISTED])})")
    if wrong:
        shown = "; ".join(f"{k}: file {f} vs model {m}" for k, f, m in wrong[:MAX_LISTED])
        parts.append(f"{len(wrong)} wrong shapes ({shown})")
    guess = guess_width(state)
    if guess:
        parts.append(guess)
    return ". ".join(parts)


def architecture_of(state: dict[str, torch.Tensor]) -> tuple[list[float], list[float], int]:
    """(widths whose stem fits, widths whose every layer fits, number of classes) of a state dict.

    The stem conv's output channels narrow the width down (16 fits both 0.35 and 0.5); the
    whole state dict, compared with models built on the "meta" device (no memory, no init),
    settles it.
    """
    stem = state.get(STEM_KEY)
    classes = state.get(CLASSIFIER_KEY)
    num_classes = int(classes.shape[0]) if classes is not None and classes.dim() == 2 else 1000
    if stem is None or stem.dim() != 4:
        return [], [], num_classes
    channels = int(stem.shape[0])
    by_stem = [w for w in KNOWN_WIDTHS if make_divisible(32 * w) == channels]
    exact = []
    for w in by_stem:
        with torch.device("meta"):
            shapes = {k: v.shape for k, v in mobilenet_v2(w, num_classes).state_dict().items()}
        if len(shapes) == len(state) and all(k in state and state[k].shape == s
                                             for k, s in shapes.items()):
            exact.append(w)
    return by_stem, exact, num_classes


def guess_width(state: dict[str, torch.Tensor]) -> str:
    """A sentence saying which width multiplier (and class count) a state dict looks like."""
    stem = state.get(STEM_KEY)
    if stem is None or stem.dim() != 4:
        return ("The file has no MobileNetV2 stem convolution (features.0.0.weight); it may "
                "be another architecture")
    channels = int(stem.shape[0])
    by_stem, exact, num_classes = architecture_of(state)
    classes_note = f" with {num_classes} classes" if num_classes != 1000 else ""
    if not by_stem:
        return (f"Its stem conv has {channels} output channels, which fits none of the usual "
                f"width multipliers {KNOWN_WIDTHS}")
    ws = " or ".join(str(w) for w in by_stem)
    text = f"Its stem conv has {channels} output channels, as with width_mult {ws}"
    if exact:
        return (f"{text}; every layer fits width_mult={exact[0]}{classes_note}: build "
                f"mobilenet_v2(width_mult={exact[0]}, num_classes={num_classes})")
    return f"{text}, but the other layers match none of these exactly"
