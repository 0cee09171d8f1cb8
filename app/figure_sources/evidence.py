"""The evidence figures' source: the default measurement over the generated image set
(``services.evidence.default_query``) as one of the process's measurement jobs
(``services.jobs.MEASUREMENTS``), its tasks on the Dask cluster ahead of the students'
(a teacher's slide waits for it), drawn by ``figures.evidence_specs``. The warm-up queues it
at start-up (``default_job``); presenter mode's slides 4-6 and the export wait for it
(``default_results``), and the live page's default run shares it."""
from __future__ import annotations

from figures.catalog import FigureSpec
from figures.evidence_specs import (DEFAULT_ESTIMATOR, DEFAULT_PROBE, figure7_spec,
                                    profile_spec, recovery_spec)
from services import evidence as ev


def _default(seed: int):
    """The default measurement (``services.evidence.default_query``): (query, the job's run)."""
    from services.cluster import BATCH
    from services.remote import measure
    from services.weights import describe_source
    query = ev.default_query(seed)
    # ahead of the students' measurements: a teacher's slide waits for it
    return query, lambda progress: measure(query, describe_source(query.weights.source),
                                           progress=progress, priority=BATCH + 1)


def default_job(seed: int = 0):
    """The default measurement as one of the process's measurement jobs (``services.jobs``),
    its tasks ahead of the students' (a teacher's slide waits for it), shared with the live
    page's default run."""
    from services.jobs import MEASUREMENTS
    return MEASUREMENTS.submit(*_default(seed), retry=True)


def default_results(seed: int = 0) -> dict[str, dict]:
    """The default measurement for every compared network: {source: ``Evidence.to_dict()``}."""
    from services.jobs import MEASUREMENTS
    return MEASUREMENTS.result(*_default(seed))[0]


def figure_specs(lang: str = "en", seed: int = 0) -> list[FigureSpec]:
    """The three evidence figures at the defaults."""
    results = default_results(seed)
    return [figure7_spec(results, "generated", lang), recovery_spec(results, "generated", lang),
            profile_spec(results, "generated", DEFAULT_ESTIMATOR, DEFAULT_PROBE, lang)]
