"""The live page's figure source: its figures at the page's defaults (``app.settings.live``:
the trained default against a random initialisation, on a generated image), the networks'
work done on the Dask cluster as the page's is (``services.remote.analyze``), drawn by
``figures.live_specs``."""
from __future__ import annotations

from app.settings import live as settings
from figures.catalog import FigureSpec
from figures.live_specs import (class_label, compare_spec, input_spec, mosaic_spec, profile_spec,
                                topk_spec, zeros_spec)
from i18n import t
from model.synthetic import CLASSES
from services.images import generated_image, prepare_input
from services.remote import analyze
from services.weights import describe_source


def figure_specs(lang: str = "en", seed: int = 0) -> list[FigureSpec]:
    """The live page's figures at its defaults (input, both top-5s, profile, zeros, the
    comparison, the channel mosaic)."""
    estimator, block, probe = (settings.ESTIMATOR.default, settings.MOSAIC_BLOCK.default,
                               settings.MOSAIC_PROBE.default)
    gen_class, gen_index = settings.GEN_CLASS.default, settings.GEN_INDEX.default
    weights = describe_source(settings.WEIGHTS.default, seed=seed)
    other = describe_source(settings.COMPARE.default, seed=seed, like=weights)
    res = weights.resolution if settings.RES.default == "auto" else int(settings.RES.default)
    image = generated_image(gen_class, gen_index, seed, res)
    image_label = (f"{t('live.img.generated', lang)}: {class_label(CLASSES[gen_class], lang)} "
                   f"#{gen_index}")
    x, shown = prepare_input(image, res, weights.source, generated=True)
    params = dict(weights=weights.source, compare=other.source, image=image_label, res=res,
                  est=estimator, seed=seed)
    profile, _ = analyze("profile", weights, x, estimator, seed)
    other_profile, _ = analyze("profile", other, x, estimator, seed)
    acts = analyze("channels", weights, x, block - 1, probe)
    return [
        input_spec(shown, image_label, res, lang, generated=True),
        topk_spec(analyze("top5", weights, x), weights.source, 0, lang),
        topk_spec(analyze("top5", other, x), other.source, 1, lang),
        profile_spec(profile, weights.source, estimator, params, lang),
        zeros_spec(profile, weights.source, params, lang),
        compare_spec({weights.source: profile, other.source: other_profile}, estimator,
                     params, lang),
        mosaic_spec(acts, block, probe, weights.source, lang),
    ]
