"""What a MobileNetV2 costs: parameters, multiply-adds and memory, counted and as formulas.

- ``records``: ``CostRow``, ``CostReport`` and the block records (a leaf: no project import);
- ``shape_walk`` / ``module_walk``: the layers from the architecture settings / a built model;
- ``analytic``: ``costs_of``, ``count_costs`` and the paper's tables, by integer arithmetic;
- ``forward``: the reference counter that runs the model with hooks (the tests hold the
  walk to it; ``count_costs`` falls back to it);
- ``layer_options`` / ``layer_modules``: the block's layer options as formulas / as modules;
- ``memory_split``: the block evaluated in groups of inner channels (paper, Section 5.1).

The public names below are imported on first use (PEP 562), as in ``model``: importing this
package alone imports no torch.
"""
from model._lazy import lazy_names

_HOMES = {
    "records": ["CostReport", "CostRow", "BlockFormulaRow", "BlockShape"],
    "analytic": ["PAPER_TABLE3_MAX_KB", "architecture_table", "block_formula_rows", "costs_of",
                 "count_costs", "memory_table"],
    "forward": ["count_costs_by_forward"],
}
__getattr__, __all__ = lazy_names(__name__, _HOMES)
