"""The records of ``model.costs``: one row per layer, a network's report, a block's shape and
its formula row. A leaf: the analytic walk (``model.costs.analytic``) and the forward counter
(``model.costs.forward``) both build them, and neither imports the other's module for them.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class CostRow:
    """One Conv2d or Linear layer (with the BatchNorm that follows it, if any)."""
    index: int                # position in the network, 0-based
    name: str                 # module path, e.g. "features.2.conv.0.0"
    block: int | None         # bottleneck block 0..16, None for stem / head / classifier
    operator: str             # "conv2d 3x3", "expand 1x1", "depthwise 3x3", "project 1x1", ...
    input_shape: tuple        # (C, H, W) or (features,)
    output_shape: tuple
    t: int | None             # expansion factor of the block (None outside blocks)
    stride: int
    kernel: int
    groups: int
    params: int               # weights + bias + following BatchNorm's scale and shift
    bn_params: int            # the BatchNorm's share of ``params``
    madds: int

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class CostReport:
    input_size: int
    total_params: int
    total_madds: int
    rows: list[CostRow] = field(default_factory=list)

    def block_madds(self, block: int) -> int:
        return sum(r.madds for r in self.rows if r.block == block)

    def as_dicts(self) -> list[dict]:
        """Rows as plain dicts (``pandas.DataFrame(report.as_dicts())``)."""
        return [r.as_dict() for r in self.rows]


def report_of(model, input_size: int, rows: list[CostRow]) -> CostReport:
    """The ``CostReport`` of ``rows`` counted on ``model``, once they are seen to hold every
    parameter of it (a layer the walk does not know would be missing from the table)."""
    total_params = sum(p.numel() for p in model.parameters())
    counted = sum(r.params for r in rows)
    if counted != total_params:
        raise ValueError(f"parameters outside Conv2d/Linear/BatchNorm: rows hold {counted}, "
                         f"the model {total_params}")
    return CostReport(input_size, total_params, sum(r.madds for r in rows), rows)


def check_input_size(input_size: int) -> int:
    if int(input_size) != input_size or input_size < 32:
        raise ValueError(f"input_size must be an integer >= 32 (pixels), got {input_size}")
    return int(input_size)


@dataclass(frozen=True)
class BlockShape:
    """One bottleneck block as the rows of a ``CostReport`` describe it."""
    block: int
    in_channels: int
    hidden_channels: int
    out_channels: int
    expand_ratio: int
    stride: int
    kernel: int


@dataclass
class BlockFormulaRow:
    """The paper's bottleneck cost formula next to the counted MAdds of one block."""
    block: int
    h: int                    # input height (= width) of the block
    d_in: int
    t: int
    d_out: int
    stride: int
    kernel: int
    formula_madds: int        # h*w*d_i*t*(d_i + k^2 + d_j), the paper's, as printed
    adjusted_madds: int       # the same formula with stride and t = 1 taken into account
    counted_madds: int        # the report's
    difference: int           # counted - formula
    explanation: str
