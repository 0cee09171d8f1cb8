"""MobileNetV2 (Sandler et al., CVPR 2018), state-dict compatible with torchvision.

With the defaults, ``mobilenet_v2().state_dict()`` has exactly torchvision's 314 keys and
shapes, so torchvision checkpoints load with ``strict=True``. The keyword arguments build the
paper's ablations (Figure 6): a ReLU6 after the projection (``bottleneck="relu6"``) and
shortcuts between expansions or none (``shortcut="expansion" | "none"``).
"""
from __future__ import annotations

import torch
from torch import nn

from .architecture import BOTTLENECKS, INVERTED_RESIDUAL_SETTING, SHORTCUTS, make_divisible

__all__ = ["BOTTLENECKS", "INVERTED_RESIDUAL_SETTING", "SHORTCUTS", "make_divisible",
           "ConvBNReLU6", "InvertedResidual", "MobileNetV2", "mobilenet_v2", "resolve_device"]


class ConvBNReLU6(nn.Sequential):
    """Conv2d (no bias) -> BatchNorm2d -> ReLU6; indices 0, 1, 2 match torchvision's keys."""

    def __init__(self, c_in: int, c_out: int, kernel: int = 3, stride: int = 1, groups: int = 1):
        super().__init__(
            nn.Conv2d(c_in, c_out, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False),
            nn.BatchNorm2d(c_out),
            nn.ReLU6(inplace=True),
        )


class InvertedResidual(nn.Module):
    """The bottleneck block of Table 1: 1x1 expand, 3x3 depthwise, linear 1x1 projection.

    ``conv`` holds [expand (if t != 1), depthwise, project conv, project BN] so the state-dict
    keys are torchvision's; a ReLU6 appended for ``bottleneck="relu6"`` has no parameters.
    """

    def __init__(self, c_in: int, c_out: int, stride: int, expand_ratio: int,
                 bottleneck: str = "linear", shortcut: str = "bottleneck"):
        super().__init__()
        if stride not in (1, 2):
            raise ValueError(f"stride must be 1 or 2, got {stride}")
        hidden = int(round(c_in * expand_ratio))
        self.stride, self.expand_ratio = stride, expand_ratio
        self.in_channels, self.hidden_channels, self.out_channels = c_in, hidden, c_out
        # Shortcut needs stride 1 and equal shapes at the two ends it connects.
        self.use_res_connect = shortcut == "bottleneck" and stride == 1 and c_in == c_out
        self.expansion_shortcut = (shortcut == "expansion" and stride == 1
                                   and expand_ratio != 1 and c_in == c_out)
        layers: list[nn.Module] = []
        if expand_ratio != 1:
            layers.append(ConvBNReLU6(c_in, hidden, kernel=1))
        layers += [
            ConvBNReLU6(hidden, hidden, stride=stride, groups=hidden),
            nn.Conv2d(hidden, c_out, 1, 1, 0, bias=False),
            nn.BatchNorm2d(c_out),
        ]
        if bottleneck == "relu6":
            layers.append(nn.ReLU6())
        self.conv = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.expansion_shortcut:
            # Figure 6b's "shortcut between expansions": the residual joins two t*d-channel
            # tensors (expansion output -> depthwise output) instead of the thin bottlenecks.
            expanded = self.conv[0](x)
            return self.conv[2:](self.conv[1](expanded) + expanded)
        if self.use_res_connect:
            return x + self.conv(x)
        return self.conv(x)


class MobileNetV2(nn.Module):
    def __init__(self, width_mult: float = 1.0, num_classes: int = 1000, *, expansion: int = 6,
                 bottleneck: str = "linear", shortcut: str = "bottleneck", dropout: float = 0.2,
                 round_nearest: int = 8):
        super().__init__()
        if not width_mult > 0:
            raise ValueError(f"width_mult must be > 0, got {width_mult}")
        if bottleneck not in BOTTLENECKS:
            raise ValueError(f"bottleneck must be one of {BOTTLENECKS}, got {bottleneck!r}")
        if shortcut not in SHORTCUTS:
            raise ValueError(f"shortcut must be one of {SHORTCUTS}, got {shortcut!r}")
        if int(expansion) != expansion or expansion < 1:
            raise ValueError(f"expansion must be an integer >= 1, got {expansion}")
        if int(num_classes) != num_classes or num_classes < 1:
            raise ValueError(f"num_classes must be an integer >= 1, got {num_classes}")
        self.width_mult, self.bottleneck, self.shortcut = width_mult, bottleneck, shortcut
        c_in = make_divisible(32 * width_mult, round_nearest)
        self.last_channel = make_divisible(1280 * max(1.0, width_mult), round_nearest)
        features: list[nn.Module] = [ConvBNReLU6(3, c_in, stride=2)]
        for t, c, n, s in INVERTED_RESIDUAL_SETTING:
            t = t if t == 1 else expansion  # the first block keeps t = 1, as in the paper
            c_out = make_divisible(c * width_mult, round_nearest)
            for i in range(n):
                features.append(InvertedResidual(c_in, c_out, s if i == 0 else 1, t,
                                                 bottleneck, shortcut))
                c_in = c_out
        features.append(ConvBNReLU6(c_in, self.last_channel, kernel=1))
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout), nn.Linear(self.last_channel, num_classes))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """torchvision's initialisation (Kaiming fan-out convs, unit BN, small linear)."""
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.zeros_(m.bias)

    @property
    def blocks(self) -> list[InvertedResidual]:
        """The 17 bottleneck blocks, in order."""
        return [m for m in self.features if isinstance(m, InvertedResidual)]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = nn.functional.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.classifier(x)


def mobilenet_v2(width_mult: float = 1.0, num_classes: int = 1000, *, expansion: int = 6,
                 bottleneck: str = "linear", shortcut: str = "bottleneck",
                 dropout: float = 0.2) -> MobileNetV2:
    """Build MobileNetV2; the defaults give torchvision's ``mobilenet_v2`` exactly."""
    return MobileNetV2(width_mult, num_classes, expansion=expansion, bottleneck=bottleneck,
                       shortcut=shortcut, dropout=dropout)


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """``"auto"`` picks CUDA when available, else the CPU; anything else is passed to torch."""
    if isinstance(device, torch.device):
        return device
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except RuntimeError as exc:
        raise ValueError(f"unknown device {device!r}: use 'auto', 'cpu' or 'cuda'") from exc
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' asked for, but no CUDA GPU is available: use 'auto' or 'cpu'")
    return dev
