"""PyTorch side of Manifold Lab: MobileNetV2 and what measures it. No streamlit here."""
from .mobilenetv2 import (INVERTED_RESIDUAL_SETTING, InvertedResidual, MobileNetV2,
                          make_divisible, mobilenet_v2, resolve_device)
