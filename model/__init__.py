"""PyTorch side of Manifold Lab: MobileNetV2 and what measures it. No streamlit here."""
from .mobilenetv2 import (INVERTED_RESIDUAL_SETTING, InvertedResidual, MobileNetV2,
                          make_divisible, mobilenet_v2, resolve_device)
from .costs import (CostReport, CostRow, architecture_table, block_formula_rows, costs_of,
                    count_costs, memory_table)
from .probes import PROBE_POINTS, POINT_MODES, ActivationProbes, ProbeStats
from .analysis import ESTIMATORS, DimensionRecord, analyze, records_to_dicts
from .weights import WeightsError, load_weights
from .images import ImageError, load_batch, load_image, preprocess
from .imagenet_classes import IMAGENET_CLASSES
