"""The block page's figure source: every figure of the page at its defaults
(``app.settings.block``), its torch work computed on the Dask cluster as the page's is
(``services.remote.compute``), its tables by ``services.block``, drawn by
``figures.block_specs``."""
from __future__ import annotations

from app.settings import block as settings
from app.settings.block import ABLATION_IMAGES
from figures import block_specs as specs
from figures.catalog import FigureSpec
from services import block as data
from services.remote import compute


def figure_specs(lang: str = "en", seed: int = 0) -> list[FigureSpec]:
    """Tables 1-3, the options' costs, the TF-slim grid, Section 5.1's split and (with the
    training logs) the ablation's curves and profiles."""
    shape, repeats = settings.DEFAULT_SHAPE, settings.REPEATS
    width, res = float(settings.WIDTH.default), int(settings.RES.default)
    out = [specs.table1_spec(shape, lang),
           specs.options_spec(shape, compute("option_rows", **shape, repeats=repeats), lang,
                              repeats)]
    costs = data.network_costs(width, res)
    out += [specs.table2_spec(costs, width, res, lang),
            specs.tfslim_spec(data.PAPER_TFSLIM, data.tfslim_grid(), lang),
            specs.table3_spec(costs, width, res, lang)]
    rows, info = compute("split_rows", int(settings.SPLIT_BLOCK.default),
                         int(settings.SPLIT_RES.default), seed)
    out.append(specs.split_spec(rows, info, seed, lang))
    logs = data.training_logs()
    if logs:
        out.append(specs.curves_spec(logs, lang))
        estimator = settings.ESTIMATOR.default
        profiles = compute("ablation_profiles", estimator, ABLATION_IMAGES, seed)
        if profiles:
            out.append(specs.ablation_profiles_spec(profiles, estimator, ABLATION_IMAGES, seed,
                                                    lang))
    return out
