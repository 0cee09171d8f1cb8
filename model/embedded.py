"""The embedded default weights: MobileNetV2s trained here on ``model.synthetic`` images.

``EMBEDDED[name]`` says how to build the network a weight file belongs to and where its
training log is; ``build_embedded(name)`` returns that network in eval mode with the weights
loaded. The files in ``model/checkpoints/`` were made by ``python -m model.train`` (the exact
command and the accuracies are in the README and in each log's ``config``/``final``).
Inputs: uint8 images (n, R, R, 3) through ``model.train.to_tensor`` (ImageNet mean/std).
"""
from __future__ import annotations

import json
from pathlib import Path

import torch

from .mobilenetv2 import MobileNetV2, mobilenet_v2
from .synthetic import CLASSES

CHECKPOINT_DIR = Path(__file__).resolve().parent / "checkpoints"


def _entry(name: str, bottleneck: str) -> dict:
    return {
        "path": CHECKPOINT_DIR / f"{name}.pt",
        "width_mult": 0.5,
        "num_classes": len(CLASSES),
        "resolution": 64,
        "bottleneck": bottleneck,
        "classes": list(CLASSES),
        "log": CHECKPOINT_DIR / f"{name}.log.json",
    }


EMBEDDED: dict[str, dict] = {
    "embedded": _entry("embedded", "linear"),
    "embedded-relu6": _entry("embedded-relu6", "relu6"),
}


def _info(name: str) -> dict:
    if name not in EMBEDDED:
        raise ValueError(f"unknown embedded weights {name!r}: choose one of {sorted(EMBEDDED)}")
    info = EMBEDDED[name]
    if not info["path"].exists():
        raise FileNotFoundError(f"embedded weights {name!r} missing at {info['path']}: "
                                "run `python -m model.train` to make them")
    return info


def load_training_log(name: str) -> dict:
    """The training log of ``name``: {"config", "history": [{step, loss, train_acc,
    heldout_acc, lr, elapsed_s}, ...], "final": {heldout_acc, heldout_size, wall_s, ...}}."""
    return json.loads(_info(name)["log"].read_text())


def build_embedded(name: str = "embedded", device: str | torch.device = "cpu",
                   ) -> tuple[MobileNetV2, dict]:
    """The trained network ``name`` in eval mode (float32, on ``device``) and its EMBEDDED info."""
    info = _info(name)
    model = mobilenet_v2(info["width_mult"], info["num_classes"], bottleneck=info["bottleneck"])
    state = torch.load(info["path"], map_location="cpu", weights_only=True)
    model.load_state_dict({k: v.float() if v.is_floating_point() else v
                           for k, v in state.items()})
    return model.to(device).eval(), info
