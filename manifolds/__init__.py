"""The math of Manifold Lab, usable from a notebook without the app (numpy + scikit-learn).

>>> from manifolds import make_spiral, roundtrip, collapsed_fraction
>>> rt = roundtrip(make_spiral(1000, seed=0), n=5, activation="relu", seed=0)
>>> rt.recovered.shape
(1000, 2)
"""
from .inputs import (INPUTS, Sample, make_circle, make_disc, make_line, make_moons,
                     make_spiral, make_swiss_roll, sample_input, spiral)
from .measures import (NeighbourRanks, ShapeFit, collapsed_fraction, shape_fit, theory_collapsed_fraction,
                       trustworthiness)
from .pca import pca
from .roundtrip import ACTIVATIONS, RELU_FAMILY, RoundTrip, active_units, gaussian_T, roundtrip
from .sweep import DEFAULT_NS, SweepResult, sweep
from .dimension import (dead_channel_fraction, participation_ratio, pca_dimension,
                        twonn_dimension, zero_fraction)

__all__ = [
    "INPUTS", "Sample", "make_circle", "make_disc", "make_line", "make_moons", "make_spiral",
    "make_swiss_roll", "sample_input", "spiral",
    "NeighbourRanks", "ShapeFit", "collapsed_fraction", "shape_fit", "theory_collapsed_fraction", "trustworthiness",
    "ACTIVATIONS", "RELU_FAMILY", "RoundTrip", "active_units", "gaussian_T", "roundtrip",
    "pca",
    "DEFAULT_NS", "SweepResult", "sweep",
]
