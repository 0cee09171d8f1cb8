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
import importlib

_HOMES = {
    "records": ["CostReport", "CostRow", "BlockFormulaRow", "BlockShape"],
    "analytic": ["PAPER_TABLE3_MAX_KB", "architecture_table", "block_formula_rows", "costs_of",
                 "count_costs", "memory_table"],
    "forward": ["count_costs_by_forward"],
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}
__all__ = sorted(_HOME_OF)


def __getattr__(name):
    if name not in _HOME_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOME_OF[name]}", __name__), name)
    globals()[name] = value
    return value
