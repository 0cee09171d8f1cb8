"""PyTorch side of Manifold Lab: MobileNetV2 and what measures it. No streamlit here.

Names are imported on first use (PEP 562), so `from model.registry import SHIPPED` does not
import torch: the app's server process only describes networks, its worker runs them.
"""
import importlib

_HOMES = {
    "mobilenetv2": ["INVERTED_RESIDUAL_SETTING", "InvertedResidual", "MobileNetV2",
                    "make_divisible", "mobilenet_v2", "resolve_device"],
    "costs.records": ["CostReport", "CostRow"],
    "costs.analytic": ["architecture_table", "block_formula_rows", "costs_of", "count_costs",
                       "memory_table"],
    "probes": ["PROBE_POINTS", "POINT_MODES", "ActivationProbes", "ProbeStats"],
    "analysis": ["ESTIMATORS", "DimensionRecord", "analyze", "records_to_dicts"],
    "weights": ["load_weights"],
    "registry": ["WeightsError"],
    "images": ["ImageError", "load_batch", "load_image", "preprocess"],
    "imagenet_classes": ["IMAGENET_CLASSES"],
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}
__all__ = sorted(_HOME_OF)


def __getattr__(name):
    if name not in _HOME_OF:
        raise AttributeError(f"module 'model' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOME_OF[name]}", __name__), name)
    globals()[name] = value
    return value
