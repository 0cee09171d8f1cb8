"""The paper's argument over a set of images, for the live page, presenter mode and the export.

One ``EvidenceQuery`` (a frozen value: the weights' identity, the image set and its size,
seed, resolution, the uploads' digest) names one measurement; ``measure_networks`` runs
``model.evidence`` for the chosen weights and the networks they are compared with: the
seeded random initialisation of the same architecture (what training changed) and, for the
two networks trained here, each other (the linear bottleneck vs its ReLU6 twin, Figure 6a).
"""
from __future__ import annotations

from dataclasses import dataclass

from i18n.messages import Refusal, say
from model.evidence.image_sets import ImageSet
from model.registry import DEFAULT, SHIPPED, WEIGHTS

from .images import SAMPLE_PHOTOS, sample_photo
from .weights import Weights, WeightsId, load_source

IMAGE_SETS = ("generated", "photos", "upload")
N_IMAGES = (24, 60, 120, 240)
DEFAULT_N = 120
# Pixels of all images together that one measurement may push through the network: 240 images
# at 64 x 64 (the benchmark's case, bench/evidence.py). At 224 x 224 that is 19 images.
MAX_SET_PIXELS = 240 * 64 * 64
TWIN = {"embedded": "embedded-relu6", "embedded-relu6": "embedded"}
# Pixels one part of a measurement pushes through a network at once (one Dask task,
# ``services.remote``; the same batches in one process): 32 images at 64 x 64, 2 at 224 x 224,
# a fraction of a second: what a page's analysis waits for at most behind a measurement.
TASK_PIXELS = 32 * 64 * 64


def task_images(resolution: int) -> int:
    """Images per part (and per forward batch) of a measurement at ``resolution``."""
    return max(1, TASK_PIXELS // (int(resolution) ** 2))


@dataclass(frozen=True)
class EvidenceQuery:
    """Everything a measurement depends on. uploads: digest of the uploaded files (in order),
    "" for the other sets."""
    weights: WeightsId
    image_set: str = "generated"
    n_images: int = DEFAULT_N
    seed: int = 0
    resolution: int = 64
    uploads: str = ""

    def __post_init__(self):
        if self.image_set not in IMAGE_SETS:
            raise ValueError(f"image_set must be one of {IMAGE_SETS}, got {self.image_set!r}")


def max_images(resolution: int) -> int:
    """How many images of ``resolution`` x ``resolution`` one measurement may take."""
    return max(1, MAX_SET_PIXELS // (int(resolution) ** 2))


def build_image_set(query: EvidenceQuery, uploads: list[tuple[str, bytes]] | None = None) -> ImageSet:
    """The images ``query`` names, at its resolution; uploads (name, bytes) for "upload"
    (images and .zip archives; unreadable ones land in ``rejected`` with the reason).
    Sets larger than ``max_images`` are cut to it (the first ones, in order)."""
    from model.evidence import image_sets
    from model.images import resize_for
    limit = max_images(query.resolution)
    resize = resize_for(query.weights.source, query.resolution)
    if query.image_set == "generated":
        return image_sets.generated(min(query.n_images, limit), seed=query.seed,
                                    resolution=query.resolution)
    if query.image_set == "photos":
        names = SAMPLE_PHOTOS[:limit]
        return image_sets.from_arrays([sample_photo(n) for n in names], names,
                                      resolution=query.resolution, resize=resize)
    if not uploads:
        raise Refusal("refusal.set.no_uploads")
    built = image_sets.from_uploads(uploads, resolution=query.resolution, resize=resize)
    if len(built) > limit:
        dropped = tuple((name, say("refusal.set.over_resolution_limit", limit=limit,
                                   res=query.resolution))
                        for name in built.names[limit:])
        built = ImageSet(built.images[:limit], built.names[:limit], built.rejected + dropped,
                         None, built.source)
    return built


def compared_sources(source: str) -> tuple[str, ...]:
    """The chosen weights first, then the twin (for the networks trained here), then random
    (unless the chosen one is a random network itself)."""
    twin = (TWIN[source],) if source in TWIN and TWIN[source] in SHIPPED else ()
    return (source, *twin) + (("random",) if source != "random" else ())


def networks(chosen: Weights, seed: int = 0) -> list[Weights]:
    """The chosen network and those it is compared with (``compared_sources``); the random
    initialisation copies the chosen one's architecture."""
    return [chosen] + [load_source(source, seed=seed, like=chosen)
                       for source in compared_sources(chosen.source)[1:]]


def measure_networks(nets: list[Weights], images: ImageSet, *, seed: int = 0,
                     progress=None, workers: int = 2, **options) -> dict[str, "object"]:
    """{source: ``model.evidence.Evidence``} for each network on the same images, ``workers``
    networks at a time (``model.evidence.evidence_many``: the same numbers as one by one, in
    less time: ``bench/evidence.py``; bench/RESULTS.md, "Numbers behind the code's comments").

    ``progress(fraction, source)`` is called with the overall fraction and a network being
    measured (from the workers' threads); ``options`` go to ``model.evidence.evidence``
    (n_boot, pixels_per_image, ...). The app runs one at a time, through the measurement
    queue (``services.jobs.MEASUREMENTS``)."""
    from model.evidence.measure import evidence_many
    report = None if progress is None else (
        lambda fraction, message: progress(fraction, message.split(":", 1)[0]))
    return evidence_many({net.source: net.model for net in nets}, images.images,
                         workers=workers, seed=seed, progress=report, **options)


def measure(query: EvidenceQuery, chosen: Weights, uploads: list[tuple[str, bytes]] | None = None,
            progress=None, workers: int = 2) -> tuple[dict[str, dict] | None, tuple]:
    """The measurement ``query`` names, in this process (``services.remote.measure``
    computes the same on the cluster, in parts): ({source:
    ``Evidence.to_dict()``}, or None when no image could be read, rejected (name, reason)
    pairs). ``chosen`` is the network ``query.weights`` names; ``uploads`` the files its
    digest was taken of; ``workers``: networks measured at once (the same numbers)."""
    if chosen.id != query.weights:
        raise ValueError(f"the weights {chosen.id} are not the query's {query.weights}")
    images = build_image_set(query, uploads)
    if len(images) == 0:
        return None, images.rejected
    results = measure_networks(networks(chosen, query.seed), images, seed=query.seed,
                               progress=progress, workers=workers,
                               batch_size=task_images(query.resolution))
    return {s: e.to_dict() for s, e in results.items()}, images.rejected


def default_query(seed: int = 0) -> EvidenceQuery:
    """The measurement the export and presenter mode show: the trained default on
    ``DEFAULT_N`` generated images at its training resolution."""
    return EvidenceQuery(WeightsId(DEFAULT), "generated", DEFAULT_N, seed,
                         WEIGHTS[DEFAULT].resolution)
