"""Every network the app knows by name, in one table of frozen specs.

Like torchvision's weights enums: a ``WeightSpec`` says what a published or shipped network
is (architecture, classes, input size, eval transform, where its weights are, its training
log), and everything else derives from it: ``model.weights.load_weights`` (where the file
is), ``model.images.resize_for`` (the eval transform), ``model.train`` (the shipped variants'
settings and file names), ``model.embedded`` and the pages' choices.

"random" and uploaded files are sources too, but not specs: their architecture is chosen by
the caller or read off the file.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from i18n.messages import Refusal

from .architecture import INVERTED_RESIDUAL_SETTING

CHECKPOINT_DIR = Path(__file__).resolve().parent / "checkpoints"
DOWNLOAD_ROOT = "https://download.pytorch.org/models/"
# 17 bottleneck blocks (Table 2 of the paper: the n column adds up to 17).
N_BLOCKS = sum(n for _t, _c, n, _s in INVERTED_RESIDUAL_SETTING)


class WeightsError(Refusal):
    """Weights could not be loaded; the message says why and what to do, in the page's
    language in the app (``i18n.messages.Refusal``). (Here, not in ``model.weights``, so that
    the server can raise and catch it without torch.)"""


@dataclass(frozen=True)
class WeightSpec:
    """One named network: build it with ``mobilenet_v2(width_mult, num_classes,
    bottleneck=bottleneck)`` and feed it ``resolution`` x ``resolution`` inputs.

    resize: the eval transform's shorter-side resize at ``resolution`` (torchvision's
    256 or 232 for 224); None means the images are made at ``resolution`` and only normalised
    (the generated data set). file: the weights' file name; in ``CHECKPOINT_DIR`` when
    ``shipped``, else in the torch hub cache, downloaded from ``DOWNLOAD_ROOT`` + file
    (``model.download``). download_mib: a published file's size as torchvision states it
    (MiB), what the app's Download button says and what bounds the download.
    """
    name: str
    width_mult: float
    num_classes: int
    resolution: int
    bottleneck: str             # "linear" (the paper's) or "relu6" (Figure 6a's ablation)
    file: str
    shipped: bool
    resize: int | None = None
    log: str | None = None       # training log, next to the shipped file
    download_mib: float | None = None

    @property
    def path(self) -> Path | None:
        """The shipped weights' path (None for downloaded ones: see ``model.weights``)."""
        return CHECKPOINT_DIR / self.file if self.shipped else None

    @property
    def log_path(self) -> Path | None:
        return CHECKPOINT_DIR / self.log if self.log else None

    @property
    def url(self) -> str | None:
        return None if self.shipped else DOWNLOAD_ROOT + self.file

    def classes(self) -> tuple[str, ...]:
        """The class names, index order."""
        if self.num_classes == 1000:
            from .imagenet_classes import IMAGENET_CLASSES
            return tuple(IMAGENET_CLASSES)
        from .synthetic import CLASSES
        return tuple(CLASSES)


def _shipped(name: str, bottleneck: str) -> WeightSpec:
    # Trained here by ``python -m model.train`` (README: the command and the accuracies).
    return WeightSpec(name, width_mult=0.5, num_classes=10, resolution=64,
                      bottleneck=bottleneck, file=f"{name}.pt", shipped=True,
                      log=f"{name}.log.json")


def _imagenet(name: str, file: str, resize: int, mib: float) -> WeightSpec:
    # torchvision's IMAGENET1K_V1 / _V2 (docs/PAPER_FACTS.md §7, "torchvision checkpoints";
    # the sizes are its "_file_size").
    return WeightSpec(name, width_mult=1.0, num_classes=1000, resolution=224,
                      bottleneck="linear", file=file, shipped=False, resize=resize,
                      download_mib=mib)


WEIGHTS: dict[str, WeightSpec] = {s.name: s for s in (
    _shipped("embedded", "linear"),
    _shipped("embedded-relu6", "relu6"),
    _imagenet("imagenet-v1", "mobilenet_v2-b0353104.pth", 256, 13.555),
    _imagenet("imagenet-v2", "mobilenet_v2-7ebf99e0.pth", 232, 13.598),
)}
SHIPPED = tuple(name for name, s in WEIGHTS.items() if s.shipped)
IMAGENET = tuple(name for name, s in WEIGHTS.items() if not s.shipped)
# model.train's variants: bottleneck -> the name its weights are shipped under.
VARIANTS = {s.bottleneck: s.name for s in WEIGHTS.values() if s.shipped}
DEFAULT = "embedded"


def spec(name: str) -> WeightSpec:
    """The spec called ``name``; ValueError listing the known names otherwise."""
    try:
        return WEIGHTS[name]
    except KeyError:
        raise ValueError(f"unknown weights {name!r}: choose one of {', '.join(WEIGHTS)}") from None


def require_shipped_file(name: str) -> Path:
    """The shipped weights file of ``name``; ``WeightsError`` saying how to make it when it is
    not there (checked without torch, so the app's server can say it at once)."""
    entry = spec(name)
    if not entry.path.exists():
        raise WeightsError("refusal.weights.shipped_missing", name=repr(name), path=str(entry.path))
    return entry.path


def hub_checkpoints() -> Path:
    """torch hub's checkpoint folder, ``torch.hub.get_dir()``/checkpoints, worked out as
    torch.hub does ($TORCH_HOME/hub, else $XDG_CACHE_HOME/torch/hub, else ~/.cache/torch/hub)
    without importing torch (it may not exist yet)."""
    home = os.getenv("TORCH_HOME", os.path.join(os.getenv("XDG_CACHE_HOME", "~/.cache"), "torch"))
    return Path(os.path.expanduser(home)) / "hub" / "checkpoints"


def imagenet_file(name: str) -> Path:
    """Where torch.hub keeps the published checkpoint ``name`` (it may not be there), found
    without torch, so the app's server can say whether choosing it needs a download."""
    return hub_checkpoints() / spec(name).file
