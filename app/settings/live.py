"""The live page's settings (``views/live.py``); its evidence tab's are in
``app.settings.evidence``."""
from __future__ import annotations

from app.urlstate import Param
from figures.live import ESTIMATORS
from model.registry import DEFAULT, N_BLOCKS
from model.synthetic import CLASSES
from services.images import IMAGE_CHOICES, RESOLUTIONS
from services.live import PROBE_CHOICES
from services.weights import COMPARE as COMPARE_CHOICES, SOURCES

WEIGHTS = Param("weights", DEFAULT, kind="choice", choices=SOURCES)
COMPARE = Param("compare", "random", kind="choice", choices=COMPARE_CHOICES)
IMAGE = Param("image", "generated", kind="choice", choices=IMAGE_CHOICES)
GEN_CLASS = Param("gen_class", 3, kind="int", lo=0, hi=len(CLASSES) - 1)
GEN_INDEX = Param("gen_index", 0, kind="int", lo=0, hi=999)
RES = Param("res", "auto", kind="choice", choices=RESOLUTIONS)
ESTIMATOR = Param("est", "pca", kind="choice", choices=ESTIMATORS)
MOSAIC_BLOCK = Param("mosaic_block", 3, kind="int", lo=1, hi=N_BLOCKS)
MOSAIC_PROBE = Param("mosaic_probe", "expansion", kind="choice", choices=PROBE_CHOICES)
PARAMS = (WEIGHTS, COMPARE, IMAGE, GEN_CLASS, GEN_INDEX, RES, ESTIMATOR, MOSAIC_BLOCK,
          MOSAIC_PROBE)
