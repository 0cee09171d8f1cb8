"""Weight sources: the networks the live page, the block page's ablation, presenter mode and
the export run, each built once per value of its identity.

Sources (``SOURCES``): the networks in ``model.registry`` (the two trained here on the
generated data set, torchvision's ImageNet checkpoints from the torch hub cache), a seeded
random initialisation, or an uploaded torchvision checkpoint. "random" takes the
architecture of the weights it is compared with (width, classes), so trained and random
differ in their weights only.
"""
from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from model.registry import DEFAULT, IMAGENET, SHIPPED, WEIGHTS

SOURCES = (*SHIPPED, "random", *IMAGENET, "upload")
COMPARE = ("none",) + SOURCES


@dataclass(frozen=True)
class WeightsId:
    """What a network's weights are, as a value: equal ids mean the same weights.

    source: one of ``SOURCES``; seed: the random initialisation's (0 otherwise);
    digest: an upload's content hash ("" otherwise); like: for "random", the id of the network
    whose architecture it copies (None: the default network's)."""
    source: str
    seed: int = 0
    digest: str = ""
    like: "WeightsId | None" = None


_BUILD_LOCK = threading.Lock()


@dataclass
class Weights:
    """A network and what to say about it.

    built: the model.mobilenetv2.MobileNetV2, in eval mode, or None until ``model`` first
    builds it with ``recipe``. The app's server holds descriptions only (built None, and no
    torch): a Dask worker (``services.tasks``), which computes, builds the
    network from the description (``portable``). upload: an uploaded checkpoint's (bytes,
    file name), which is how the worker gets that network."""
    id: WeightsId
    built: object | None
    classes: list[str]
    resolution: int                   # the input size it was trained at
    width_mult: float
    notes: list[str] = field(default_factory=list)
    recipe: Callable[[], object] | None = field(default=None, repr=False, compare=False)
    upload: tuple[bytes, str] | None = field(default=None, repr=False, compare=False)

    @property
    def model(self):
        """The network in eval mode (built now if it is not yet)."""
        if self.built is None:
            if self.recipe is None:
                raise ValueError(f"{self.source}: this description has no network")
            with _BUILD_LOCK:      # two sessions asking at once build it once
                if self.built is None:
                    self.built = self.recipe()
        return self.built

    @property
    def source(self) -> str:
        return self.id.source


def digest(data: bytes) -> str:
    """A short content hash: the identity of an upload."""
    return hashlib.sha256(data).hexdigest()[:16]


def missing_download(source: str) -> bool:
    """True for a published checkpoint (ImageNet) whose file is not on this machine: choosing
    it would need a download, which this machine may not be able to make."""
    if source not in IMAGENET:
        return False
    from model.registry import imagenet_file
    return not imagenet_file(source).is_file()


def _classes_for(num_classes: int) -> list[str]:
    for entry in WEIGHTS.values():
        if entry.num_classes == num_classes:
            return list(entry.classes())
    return [f"class {i}" for i in range(num_classes)]


def _fitting_architecture(state: dict, name: str) -> tuple[float, int]:
    """(width_mult, num_classes) of a torchvision-style state dict; ``WeightsError`` naming
    the file ``name`` and what does not fit when no known width matches."""
    from model.registry import WeightsError
    from model.weights import architecture_of, guess_width
    _, exact, num_classes = architecture_of(state)
    if not exact:
        raise WeightsError("refusal.weights.unknown_width", name=name, problem=guess_width(state))
    return exact[0], num_classes


_SHIPPED_LOCK = threading.Lock()


def _shipped(source: str) -> Weights:
    """``_build_shipped`` once per process, also when sessions ask at the same moment (the
    cache alone lets two threads that both miss build two copies: bench/load.py --explore
    --cold saw the default network loaded twice, by the warm-up and a student)."""
    with _SHIPPED_LOCK:
        return _build_shipped(source)


@functools.lru_cache(maxsize=len(SHIPPED))
def _build_shipped(source: str) -> Weights:
    """A network trained here, described once per process and built on its first use, then
    shared, read-only in eval mode, by the live page, the block page's ablation, presenter
    mode and the export. (ImageNet weights are not kept here: whether their file is there can
    change while the app runs.)"""
    from model.registry import require_shipped_file
    entry = WEIGHTS[source]
    require_shipped_file(source)    # said now, not at the first analysis

    def build():
        from model.mobilenetv2 import mobilenet_v2
        from model.weights import load_weights
        model = mobilenet_v2(entry.width_mult, entry.num_classes, bottleneck=entry.bottleneck)
        return load_weights(model, source).eval()
    return Weights(WeightsId(source), None, list(entry.classes()), entry.resolution,
                   entry.width_mult, recipe=build)


def load_source(source: str, *, seed: int = 0, upload: bytes | None = None,
                upload_name: str = "checkpoint.pth", like: Weights | None = None) -> Weights:
    """The network for ``source`` (one of ``SOURCES``) with its weights, in eval mode: the
    shipped and random ones are built at the first use of ``.model`` (without torch until
    then), the others now.

    ``upload``: the bytes of a checkpoint for "upload" (``upload_name`` names it in
    errors). ``like``: for "random", copy this network's architecture (default: the default
    network's). Raises ``model.weights.WeightsError`` (a ValueError) with a message for the
    user when the weights cannot be had.
    """
    import os
    import tempfile

    from model.registry import WeightsError
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, got {source!r}")
    if source in SHIPPED:
        return _shipped(source)
    if source == "random":
        base = WEIGHTS[DEFAULT]
        width = like.width_mult if like is not None else base.width_mult
        classes = like.classes if like is not None else list(base.classes())
        res = like.resolution if like is not None else base.resolution
        wid = WeightsId(source, seed=int(seed), like=like.id if like is not None else None)

        def build(width=float(width), num_classes=len(classes), seed=int(seed)):
            from model.mobilenetv2 import mobilenet_v2
            from model.weights import load_weights
            return load_weights(mobilenet_v2(width, num_classes), "random", seed=seed).eval()
        # Built on first use: a class's many comparison networks each cost memory and time
        # (bench/RESULTS.md, "Numbers behind the code's comments").
        return Weights(wid, None, list(classes), res, float(width), recipe=build)
    # The rest read a file now (in a Dask worker, for the app: ``describe_source``).
    from model.mobilenetv2 import mobilenet_v2
    from model.weights import load_weights, read_state_dict
    if source in IMAGENET:
        entry = WEIGHTS[source]
        model = load_weights(mobilenet_v2(entry.width_mult, entry.num_classes), source)
        return Weights(WeightsId(source), model.eval(), list(entry.classes()),
                       entry.resolution, entry.width_mult)
    if upload is None:
        raise WeightsError("refusal.weights.no_upload")
    name = str(upload_name)        # the user's own name, as typed: messages show it as text
    if len(upload) == 0:
        raise WeightsError("refusal.weights.empty", name=name)
    with tempfile.TemporaryDirectory() as tmp:
        # torch.load reads a path; the messages name the user's file, never this one.
        path = os.path.join(tmp, "upload.pth")
        with open(path, "wb") as f:
            f.write(upload)
        width, num_classes = _fitting_architecture(read_state_dict(path, name=name), name)
        model = load_weights(mobilenet_v2(width, num_classes), path, name=name)
    # Resolution: ImageNet-sized classifiers were trained at 224, others as the default's.
    res = WEIGHTS[IMAGENET[0]].resolution if num_classes == 1000 else WEIGHTS[DEFAULT].resolution
    return Weights(WeightsId(source, digest=digest(upload)), model.eval(),
                   _classes_for(num_classes), res, float(width))


def describe_source(source: str, *, seed: int = 0, upload: bytes | None = None,
                    upload_name: str = "checkpoint.pth", like: Weights | None = None) -> Weights:
    """``load_source``'s network as the app's server holds it: a description (no torch in the
    server), which the Dask workers build and compute with (``services.tasks``).

    The shipped and random networks are described here; a published checkpoint and an
    upload are read, checked and built in the worker, which keeps them for the analyses, and
    described from there. The same ``WeightsError`` messages as ``load_source``."""
    from model.registry import WeightsError
    if source not in IMAGENET and source != "upload":
        return load_source(source, seed=seed, like=like)
    if source == "upload":
        if upload is None:
            raise WeightsError("refusal.weights.no_upload")
        wid = WeightsId(source, digest=digest(upload))
        held = (bytes(upload), str(upload_name))
    else:
        wid, held = WeightsId(source), None
    from .remote import describe
    classes, resolution, width_mult = describe(wid, held)
    return Weights(wid, None, list(classes), int(resolution), float(width_mult), upload=held)
