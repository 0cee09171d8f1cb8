"""``load_weights(model, source)``: put weights into a MobileNetV2, safely, with clear errors.

Sources:

- ``"random"``: torchvision's initialisation, seeded (``seed=0``), identical on CPU and GPU;
- a path to a ``.pth`` / ``.pt`` file: a state dict, or a dict wrapping one under
  ``"state_dict"`` or ``"model"``; a ``"module."`` prefix (DataParallel) is stripped;
- ``"imagenet-v1"`` / ``"imagenet-v2"``: torchvision's published ImageNet checkpoints
  (docs/PAPER_FACTS.md §7), read from the torch hub cache ``$TORCH_HOME/hub/checkpoints/``; only when
  the file is not there is it downloaded (``model.download``: the published SHA-256, a bounded
  size, the registry's URL or ``$MANIFOLD_LAB_WEIGHTS_MIRROR``);
- ``"embedded"`` / ``"embedded-relu6"``: the small checkpoints shipped with the project
  (their ``WeightSpec`` in ``model.registry``).

Files are always read with ``torch.load(..., weights_only=True)``: a pickle that would run
code is refused. Every failure is a ``WeightsError`` (a ValueError) whose message says what
to do, so the app can show it as it is.

    python -m model.weights download imagenet-v1|imagenet-v2|all   (``model.download_cli``)
"""
from __future__ import annotations

import os
import pickle
import re
import warnings
from pathlib import Path

import torch
from torch import nn

from i18n.messages import Message, Own, say

from .mobilenetv2 import make_divisible, mobilenet_v2
from .registry import IMAGENET, SHIPPED, WeightsError, spec
from .registry import imagenet_file as registry_imagenet_file
from .registry import require_shipped_file

SOURCES = ("random", *IMAGENET, *SHIPPED, "<path to .pth/.pt>")
# Width multipliers people publish checkpoints for; the guess lists those that fit.
KNOWN_WIDTHS = (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)
STEM_KEY = "features.0.0.weight"
CLASSIFIER_KEY = "classifier.1.weight"
MAX_LISTED = 5


def load_weights(model: nn.Module, source: str | os.PathLike, *, seed: int = 0,
                 name: str | None = None) -> nn.Module:
    """Load ``source`` into ``model`` in place (strict: every key and shape must match).
    ``name``: what to call a file in messages (default: its path; an upload's own name).

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
        raise WeightsError("refusal.weights.unknown_source", source=repr(str(source)),
                           sources=Own(", ".join(SOURCES)))
    return _load_state_dict(model, read_state_dict(path, name=name), name or str(path))


def _random_init(model: nn.Module, seed: int) -> nn.Module:
    """Seeded torchvision initialisation, drawn on the CPU so every device gets the same."""
    if int(seed) != seed:
        raise WeightsError("refusal.weights.seed", seed=repr(seed))
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


def read_state_dict(path: str | os.PathLike, *, name: str | None = None) -> dict[str, torch.Tensor]:
    """Read a checkpoint file (weights_only) and return its plain state dict.

    Accepts a state dict, or a dict holding one under "state_dict" or "model"; strips a
    "module." prefix from every key when all keys carry it. ``name``: what to call the file
    in messages (default: the file's name; an upload's own name, never a temporary path).
    """
    path = Path(path)
    name = name or path.name
    if not path.is_file():
        raise WeightsError("refusal.weights.not_found", path=str(path))
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        raise WeightsError(unsafe_file_message(exc, name, path)) from None
    except Exception as exc:  # noqa: BLE001 - corrupt bytes fail in torch.load with anything
        # (IndexError, AssertionError, struct.error, ... found by fuzzing): all mean "unreadable".
        raise WeightsError("refusal.weights.unreadable", name=name,
                           detail=_torch_detail(str(exc)) or type(exc).__name__) from None
    return _unwrap(obj, name)


# torch names what a refused pickle asked for as "GLOBAL module.name" (an allowed-list miss
# or a blocked module alike).
# A student's file saved with pickle.dump (protocol 4 or 5) made torch warn in the terminal
# that started the app, before the page refused it in the student's language.
warnings.filterwarnings("ignore", message="Detected pickle protocol", category=UserWarning,
                        module="torch._weights_only_unpickler")

_GLOBAL_NAME = re.compile(r"GLOBAL\s+([A-Za-z_][\w.]*\w)")


def unsafe_file_message(exc: BaseException, name: str, path: Path | None = None) -> Message:
    """The app's own words for torch's weights-only refusal of file ``name`` (at ``path``).

    A pickle that names a function or class (a "global": os.system, a made-up module, a whole
    nn.Module) asks to run code when it is loaded; the message says so, naming the global when
    torch's text does, and that nothing was loaded. torch's own advice (re-run with the safety
    off, or allow-list the global) is never passed on. A plain pickle (``pickle.dump``, not
    ``torch.save``) stops torch's reader at its first byte code ("Unsupported operand 149"):
    its globals are read from ``path`` without running it, and a file with none is said to be
    no checkpoint.
    """
    text = str(exc)
    found = _GLOBAL_NAME.search(text)
    if found or "global" in text.lower():
        what = say("refusal.weights.runs_code_what", what=found.group(1)) if found else Own("")
        return say("refusal.weights.runs_code", name=name, what=what)
    if path is not None and "Unsupported operand" in text:
        allowed = _tensor_globals()
        code = [g for g in pickle_globals(path) if g not in allowed]
        if code:
            return say("refusal.weights.runs_code", name=name,
                       what=say("refusal.weights.runs_code_what", what=code[0]))
        return say("refusal.weights.not_checkpoint", name=name)
    detail = _torch_detail(text) or type(exc).__name__
    return say("refusal.weights.not_loadable", name=name, detail=detail)


def _tensor_globals() -> set[str]:
    """The globals torch's weights-only reader allows ("collections.OrderedDict",
    "torch._utils._rebuild_tensor_v2", ...): a state dict written with ``pickle.dump`` names
    these and is no code, only not torch's format."""
    try:
        from torch._weights_only_unpickler import _get_allowed_globals
        return set(_get_allowed_globals())
    except (ImportError, AttributeError):   # a later torch: every global counts as code
        return set()


def pickle_globals(path: Path, max_ops: int = 1_000_000) -> list[str]:
    """The functions and classes ("module.name") a plain pickle file names, read with
    ``pickletools`` (which lists the byte codes and runs none); [] for a file that is not one."""
    import pickletools
    names: list[str] = []
    strings: list[str] = []
    try:
        with open(path, "rb") as f:
            for i, (op, arg, _) in enumerate(pickletools.genops(f)):
                if op.name in ("GLOBAL", "INST"):
                    names.append(".".join(str(arg).split(" ", 1)))
                elif op.name == "STACK_GLOBAL" and len(strings) >= 2:
                    names.append(f"{strings[-2]}.{strings[-1]}")
                elif isinstance(arg, str):
                    strings.append(arg)
                if op.name == "STOP" or i >= max_ops:
                    break
    except Exception:  # noqa: BLE001 - not a pickle (or cut short): what was read so far
        pass
    return names


def _torch_detail(text: str) -> str:
    """The specific line of a torch.load error, without torch's advice around it (which
    suggests turning weights-only loading off)."""
    text = text.split("WeightsUnpickler error:", 1)[-1]
    for line in text.splitlines():
        line = line.strip().split(" Please use")[0].rstrip(".")
        if line and "weights_only" not in line.lower() and not line.startswith(
                ("Weights only load failed", "Check the documentation", "Please file an issue")):
            return line
    return ""


def _unwrap(obj, name: str) -> dict[str, torch.Tensor]:
    if isinstance(obj, dict):
        for wrapper in ("state_dict", "model"):
            inner = obj.get(wrapper)
            if isinstance(inner, dict) and inner and all(isinstance(v, torch.Tensor) for v in inner.values()):
                obj = inner
                break
    if not isinstance(obj, dict) or not obj:
        raise WeightsError("refusal.weights.not_state_dict", name=name, kind=Own(type(obj).__name__))
    bad = [k for k, v in obj.items() if not isinstance(k, str) or not isinstance(v, torch.Tensor)]
    if bad:
        raise WeightsError("refusal.weights.entry_not_tensor", name=name, entry=repr(bad[0]))
    if all(k.startswith("module.") for k in obj):
        obj = {k[len("module."):]: v for k, v in obj.items()}
    return dict(obj)


def imagenet_file(source: str) -> Path:
    """Where torch.hub keeps the published checkpoint ``source`` (it may not be there;
    ``model.registry.imagenet_file``, which the tests check against ``torch.hub.get_dir``)."""
    return registry_imagenet_file(source)


def _imagenet_state_dict(source: str) -> dict[str, torch.Tensor]:
    """The published checkpoint's state dict, from torch hub's cache; downloaded first
    (``model.download``: checked, bounded, one rename) when it is not there."""
    from .download import DownloadError, download
    target = imagenet_file(source)
    if not target.is_file():
        try:
            download(source)
        except DownloadError as exc:
            raise WeightsError(say("refusal.weights.download_failed", source=Own(source)),
                               *exc.messages) from None
    return read_state_dict(target)


def _load_embedded(model: nn.Module, source: str) -> nn.Module:
    entry = spec(source)
    have = (getattr(model, "width_mult", None), getattr(model, "bottleneck", None))
    if any(h is not None and h != w for h, w in zip(have, (entry.width_mult, entry.bottleneck))):
        raise WeightsError("refusal.weights.wrong_model", source=Own(repr(source)),
                           width=entry.width_mult, classes=entry.num_classes,
                           bottleneck=Own(repr(entry.bottleneck)), have_width=Own(str(have[0])),
                           have_bottleneck=Own(repr(have[1])))
    return _load_state_dict(model, read_state_dict(require_shipped_file(source)), source)


def _load_state_dict(model: nn.Module, state: dict[str, torch.Tensor], label: str) -> nn.Module:
    """Every state dict reaches a model here: it must fit (``describe_mismatch``) and hold
    only finite numbers; BatchNorm counters the file lacks keep the model's own values."""
    problem = describe_mismatch(model, state)
    if problem:
        raise WeightsError("refusal.weights.does_not_fit", name=label, problem=problem)
    bad = first_non_finite(state)
    if bad:
        raise WeightsError("refusal.weights.non_finite", name=label, **bad)
    own = model.state_dict()
    filled = {k: own[k] for k in optional_keys(model) if k not in state}
    model.load_state_dict({**state, **filled}, strict=True)
    return model


def first_non_finite(state: dict[str, torch.Tensor]) -> dict | None:
    """None when every floating tensor of ``state`` is finite, else for the first tensor (in
    the file's order) that holds NaN or infinity: dict(tensor=its key, what="NaN", "inf" or
    "-inf" (its first bad value), bad=how many values are not finite, total=its size)."""
    for key, tensor in state.items():
        if not (tensor.is_floating_point() or tensor.is_complex()):
            continue
        finite = torch.isfinite(tensor)
        if bool(finite.all()):
            continue
        bad = tensor[~finite]
        value = complex(bad.flatten()[0].item())
        what = "NaN" if value != value else ("inf" if value.real > 0 else "-inf")
        return dict(tensor=key, what=Own(what), bad=bad.numel(), total=tensor.numel())
    return None


def optional_keys(model: nn.Module) -> set[str]:
    """State-dict keys of ``model`` a checkpoint may lack: BatchNorm's num_batches_tracked.

    PyTorch's own ``_NormBase._load_from_state_dict`` fills these counters in when a state
    dict carries no version metadata (checkpoints saved before the counter existed, or
    rebuilt as a plain dict), so its strict load accepts such files; only training with
    ``momentum=None`` reads the counter. Here they are optional whatever the metadata says.
    """
    return {f"{name}.num_batches_tracked" if name else "num_batches_tracked"
            for name, m in model.named_modules()
            if isinstance(m, nn.modules.batchnorm._NormBase) and m.track_running_stats}


def _differences(expected: dict, optional: set[str], state: dict) -> list[Message]:
    """What differs between a model's state dict ``expected`` and a file's ``state``: missing
    keys, unexpected keys, wrong shapes (each tensor named with both shapes); [] if none."""
    missing = [k for k in expected if k not in state and k not in optional]
    unexpected = [k for k in state if k not in expected]
    wrong = [(k, tuple(state[k].shape), tuple(expected[k].shape))
             for k in expected if k in state and state[k].shape != expected[k].shape]
    parts = []
    if missing:
        parts.append(say("refusal.fit.missing", count=len(missing),
                         keys=", ".join(missing[:MAX_LISTED])))
    if unexpected:
        parts.append(say("refusal.fit.unexpected", count=len(unexpected),
                         keys=", ".join(unexpected[:MAX_LISTED])))
    if wrong:
        shapes = [say("refusal.fit.shape", key=k, file=Own(str(f)), model=Own(str(m)))
                  for k, f, m in wrong[:MAX_LISTED]]
        parts.append(say("refusal.fit.wrong_shapes", count=len(wrong), shapes=_joined(shapes)))
    return parts


def _joined(messages: list[Message]) -> Message:
    """Messages as one, separated by semicolons."""
    joined = messages[-1]
    for m in reversed(messages[:-1]):
        joined = say("refusal.fit.and", first=m, rest=joined)
    return joined


def describe_mismatch(model: nn.Module, state: dict[str, torch.Tensor]) -> Message | None:
    """None when ``state`` fits ``model`` (every key with its shape; BatchNorm's
    num_batches_tracked may be absent, see ``optional_keys``), else what differs: unexpected
    keys, missing keys, wrong shapes, and which width the file's layers do fit."""
    expected = model.state_dict()
    parts = _differences(expected, optional_keys(model), state)
    if not parts:
        return None
    extra_only = len(parts) == 1 and parts[0].key == "refusal.fit.unexpected"
    parts.append(say("refusal.fit.extra_only") if extra_only else guess_width(state))
    return _joined(parts)


def architecture_of(state: dict[str, torch.Tensor]) -> tuple[list[float], list[float], int]:
    """(widths whose stem fits, widths whose every layer fits, number of classes) of a state dict.

    The stem conv's output channels narrow the width down (16 fits both 0.35 and 0.5); the
    whole state dict, compared with models built on the "meta" device (no memory, no init),
    settles it. A width fits when every layer of its model is in the file with its shape
    (BatchNorm's num_batches_tracked may be absent); keys the model has no place for do not
    change the width, ``describe_mismatch`` names them.
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
            net = mobilenet_v2(w, num_classes)
        optional = optional_keys(net)
        if all(state[k].shape == v.shape if k in state else k in optional
               for k, v in net.state_dict().items()):
            exact.append(w)
    return by_stem, exact, num_classes


def guess_width(state: dict[str, torch.Tensor]) -> Message:
    """A sentence saying which width multiplier (and class count) a state dict looks like;
    when the stem fits a width but other layers do not, which tensors differ from it."""
    stem = state.get(STEM_KEY)
    if stem is None or stem.dim() != 4:
        return say("refusal.fit.no_stem", key=Own(STEM_KEY))
    channels = int(stem.shape[0])
    by_stem, exact, num_classes = architecture_of(state)
    if not by_stem:
        return say("refusal.fit.stem_fits_none", channels=channels, widths=Own(str(KNOWN_WIDTHS)))
    ws = Own(" or ".join(str(w) for w in by_stem))
    if exact:
        note = say("refusal.fit.classes_note", classes=num_classes) if num_classes != 1000 else Own("")
        return say("refusal.fit.fits_width", channels=channels, widths=ws, width=exact[0],
                   classes_note=note, classes=num_classes)
    # The width the file is closest to: the fewest differences from its model.
    closest = []
    for w in by_stem:
        with torch.device("meta"):
            net = mobilenet_v2(w, num_classes)
        expected, optional = net.state_dict(), optional_keys(net)
        differing = (sum(k not in state and k not in optional
                         or k in state and state[k].shape != v.shape for k, v in expected.items())
                     + sum(k not in expected for k in state))
        closest.append((differing, w, net))
    _, width, net = min(closest, key=lambda c: c[:2])
    return say("refusal.fit.stem_only", channels=channels, width=width,
               problem=_joined(_differences(net.state_dict(), optional_keys(net), state)))


def _check_loads(source: str) -> None:
    """``WeightsError`` unless ``source``'s file loads (weights only) into its network."""
    entry = spec(source)
    load_weights(mobilenet_v2(entry.width_mult, entry.num_classes), source)


def main(argv: list[str] | None = None) -> int:
    """``python -m model.weights download NAME|all``: ``model.download_cli.main``, each file
    then loaded into its network as a check. Returns the exit status."""
    from runtime import configure
    configure()
    from .download_cli import main as download_main
    return download_main(argv, check=_check_loads)


if __name__ == "__main__":
    raise SystemExit(main())
