"""What one pass of ``model.evidence`` collects from a part of an image set, as numpy arrays:
``Sample`` (a part of a set; ``model.evidence.passes`` adds the parts up).

No torch here: a Dask client receives the type of each task's result, so the app's server,
which never imports torch, meets this class when a measurement's part is done.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PROBES = ("input", "expansion", "depthwise", "projection")


def view_subset(shapes: dict, n_images: int, seed: int, image_memory_bytes: int,
                view_probes=PROBES) -> np.ndarray:
    """Indices of the images kept whole for the images view: all that fit in
    ``image_memory_bytes`` over ``view_probes`` together (a seeded subset when not all fit)."""
    per_view_image = 4 * sum(c * h * w for (_, p), (c, h, w) in shapes.items()
                             if p in view_probes)
    n_view = int(min(n_images, max(3, image_memory_bytes // max(1, per_view_image))))
    rng = np.random.default_rng([int(seed), 4242])
    return (np.arange(n_images) if n_view >= n_images
            else np.sort(rng.choice(n_images, n_view, replace=False)))


@dataclass
class Sample:
    """What ``EvidenceProbes`` collected from images ``first .. first + count - 1`` of a set of
    ``total``: ``points[(b, probe)]`` float32 (count * k, C), image by image;
    ``flat[(b, probe)]`` float32 (len(view_images), C*h*w); ``view_images`` their indices in
    the set; ``positives[b]`` int64 (hidden + 1,); ``input_signs[b]`` (negative, changed,
    total)."""
    first: int
    count: int
    total: int
    shapes: dict
    per_image: dict
    points: dict
    flat: dict
    view_images: np.ndarray
    positives: dict
    input_signs: dict
    keys: tuple = ()        # every (b, probe) of the network, in order (also in a block's part)
    resolution: int = 0     # the images' size as they entered the network
