"""PyTorch side of Manifold Lab: MobileNetV2 and what measures it. No streamlit here.

Names are imported on first use (PEP 562), so `from model.registry import SHIPPED` does not
import torch: the app's server process only describes networks, its worker runs them.
"""
from model._lazy import lazy_names

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
__getattr__, __all__ = lazy_names(__name__, _HOMES)
