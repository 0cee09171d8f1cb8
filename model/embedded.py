"""The shipped networks: MobileNetV2s trained here on ``model.synthetic`` images.

What each one is (width, classes, resolution, bottleneck, files) is its ``WeightSpec`` in
``model.registry``; this module builds them. The files in ``model/checkpoints/`` were made by
``python -m model.train`` (the exact command and the accuracies are in the README and in each
log's ``config``/``final``). Inputs: uint8 images (n, R, R, 3) through
``model.train.to_tensor`` (ImageNet mean/std).
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .registry import SHIPPED, WeightSpec, spec

if TYPE_CHECKING:     # torch only to build one: the training logs are read without it
    import torch

    from .mobilenetv2 import MobileNetV2


def shipped_spec(name: str) -> WeightSpec:
    """The spec of shipped network ``name``; FileNotFoundError when its file is missing."""
    if name not in SHIPPED:
        raise ValueError(f"unknown embedded weights {name!r}: choose one of {', '.join(SHIPPED)}")
    s = spec(name)
    if not s.path.exists():
        raise FileNotFoundError(f"embedded weights {name!r} missing at {s.path}: "
                                "run `python -m model.train` to make them")
    return s


def load_training_log(name: str) -> dict:
    """The training log of ``name``: {"config", "history": [{step, loss, train_acc,
    heldout_acc, lr, elapsed_s}, ...], "final": {heldout_acc, heldout_size, wall_s, ...}}."""
    return json.loads(shipped_spec(name).log_path.read_text())


def build_embedded(name: str = "embedded", device: str | torch.device = "cpu",
                   ) -> tuple[MobileNetV2, WeightSpec]:
    """The trained network ``name`` in eval mode (float32, on ``device``) and its spec."""
    import torch

    from .mobilenetv2 import mobilenet_v2
    s = shipped_spec(name)
    model = mobilenet_v2(s.width_mult, s.num_classes, bottleneck=s.bottleneck)
    state = torch.load(s.path, map_location="cpu", weights_only=True)
    model.load_state_dict({k: v.float() if v.is_floating_point() else v
                           for k, v in state.items()})
    return model.to(device).eval(), s
