"""Images for the network: bundled photos, generated samples, uploads, and the network's
input made from one (resize, crop, normalise as the weights were evaluated).

Nothing here imports torch: the app's server prepares inputs, the Dask workers run them.
"""
from __future__ import annotations

import numpy as np

# Photos bundled with scikit-image (loaded without network) and scikit-learn.
SAMPLE_PHOTOS = ("astronaut", "chelsea", "coffee", "rocket", "china", "flower")
IMAGE_CHOICES = SAMPLE_PHOTOS + ("generated", "upload", "camera")
# Input sizes offered; "auto" is the resolution the weights were trained at.
RESOLUTIONS = ("auto", "64", "96", "128", "160", "224")


def sample_photo(name: str) -> np.ndarray:
    """One bundled photo as uint8 (h, w, 3)."""
    if name not in SAMPLE_PHOTOS:
        raise ValueError(f"name must be one of {SAMPLE_PHOTOS}, got {name!r}")
    if name in ("china", "flower"):
        from model.synthetic import sklearn_photos
        img = sklearn_photos()[name]
    else:
        import skimage.data
        img = getattr(skimage.data, name)()
    img = np.asarray(img)
    if img.ndim == 2:
        img = np.repeat(img[..., None], 3, axis=2)
    return np.ascontiguousarray(img[..., :3]).astype(np.uint8)


def generated_image(label: int, index: int, seed: int, resolution: int = 128) -> np.ndarray:
    """Sample ``index`` of class ``label`` of the generated data set (``model.synthetic``),
    uint8 (resolution, resolution, 3); the same (label, index, seed) gives the same image."""
    from model.synthetic import make_image
    return make_image(np.random.default_rng([seed, 7919, label, index]), label, resolution)


def decode_upload(data: bytes, name: str) -> np.ndarray:
    """An uploaded or camera image -> uint8 (h, w, 3); raises ``model.images.ImageError``
    (a ValueError naming the file) for anything that is not a usable image."""
    from model.images import load_image
    return np.asarray(load_image(data, name=name), dtype=np.uint8)


def prepare_input(image: np.ndarray, resolution: int, source: str, *,
                  generated: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The network's input for one image: (x float32 (1, 3, R, R), shown uint8 (R, R, 3)).

    Photos get the eval transform of the weights (resize the shorter side, centre-crop R,
    ImageNet mean/std, ``model.images``); generated images are made at R and only
    normalised, as in training. numpy only: the server prepares inputs, a Dask worker
    (``services.tasks``) runs the network on them."""
    from PIL import Image

    from model.images import IMAGENET_MEAN, IMAGENET_STD, preprocess_array, resize_for
    resize = resolution if generated else resize_for(source, resolution)
    x = preprocess_array(Image.fromarray(np.asarray(image, dtype=np.uint8)), crop=resolution,
                         resize=resize)
    mean = np.asarray(IMAGENET_MEAN, dtype=np.float32).reshape(3, 1, 1)
    std = np.asarray(IMAGENET_STD, dtype=np.float32).reshape(3, 1, 1)
    shown = np.round(np.clip(x * std + mean, 0, 1) * 255).astype(np.uint8).transpose(1, 2, 0)
    return x[None], np.ascontiguousarray(shown)
