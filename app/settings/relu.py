"""The ReLU page's settings (``views/relu_manifolds.py``) and the ``ReluSettings`` they make
when nothing is changed (the warm-up's and the export's figures)."""
from __future__ import annotations

from app.urlstate import Param
from figures.relu import ReluSettings
from manifolds import ACTIVATIONS, INPUTS

INPUT = Param("input", "spiral", kind="choice", choices=tuple(INPUTS))
ACTIVATION = Param("act", "relu", kind="choice", choices=tuple(ACTIVATIONS))
WIDTH = Param("n", 8, kind="int", lo=1, hi=256)
POINTS = Param("points", 1000, kind="int", lo=100, hi=5000)
NOISE = Param("noise", 0.0, kind="float", lo=0.0, hi=0.3)
SEEDS = Param("seeds", 10, kind="int", lo=10, hi=50)
PARAMS = (INPUT, ACTIVATION, WIDTH, POINTS, NOISE, SEEDS)


def default_settings(seed: int = 0) -> ReluSettings:
    """The page's settings when nothing is changed (its ``Param`` defaults)."""
    return ReluSettings(input_name=INPUT.default, activation=ACTIVATION.default,
                        n=int(WIDTH.default), n_points=int(POINTS.default),
                        noise=float(NOISE.default), n_seeds=int(SEEDS.default), seed=seed)
