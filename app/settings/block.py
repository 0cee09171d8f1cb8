"""The block page's settings (``views/block.py``): the interactive block's shape, the
network table's width and resolution, Section 5.1's split and the ablation's estimator."""
from __future__ import annotations

from app.urlstate import Param
from model.registry import N_BLOCKS
from services import block as data

D_I = Param("di", 24, kind="int", lo=1, hi=512)
D_J = Param("dj", 24, kind="int", lo=1, hi=512)
T = Param("t", 6, kind="int", lo=1, hi=10)
K = Param("k", "3", kind="choice", choices=("1", "3", "5", "7"))
H = Param("h", 56, kind="int", lo=1, hi=224)
W = Param("w", 56, kind="int", lo=1, hi=224)
STRIDE = Param("s", "1", kind="choice", choices=("1", "2"))
WIDTH = Param("width", "1.0", kind="choice", choices=data.WIDTHS)
RES = Param("table_res", "224", kind="choice", choices=data.RESOLUTIONS)
SPLIT_BLOCK = Param("split_block", 2, kind="int", lo=1, hi=N_BLOCKS)
SPLIT_RES = Param("split_res", "224", kind="choice", choices=data.RESOLUTIONS)
ESTIMATOR = Param("ablation_est", "twonn", kind="choice", choices=("pca", "pr", "twonn"))
PARAMS = (D_I, D_J, T, K, H, W, STRIDE, WIDTH, RES, SPLIT_BLOCK, SPLIT_RES, ESTIMATOR)
REPEATS = 7
"""How often the interactive block's options are timed (the median is shown)."""
ABLATION_IMAGES = 8
"""Images per variant behind the ablation's dimension profiles."""


def shape(values=lambda p: p.default) -> dict:
    """The interactive block's shape as the computations take it (ints): of the defaults, or
    of ``values(param)`` (the page passes the widgets' values)."""
    return dict(d_i=int(values(D_I)), d_j=int(values(D_J)), t=int(values(T)),
                k=int(values(K)), h=int(values(H)), w=int(values(W)),
                stride=int(values(STRIDE)))


DEFAULT_SHAPE = shape()
"""The interactive block at its defaults: the export's and the warm-up's block."""
