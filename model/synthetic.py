"""A procedural image data set of shapes and textures on natural-photo backgrounds.

Ten classes: seven shapes (filled with a tinted cut of a photo) and three periodic textures
(painted inside a random region). Every image gets a background cut from one of the photos
bundled with scikit-image and scikit-learn (no downloads), random clutter (strokes, thin
ellipses) behind the object, optional occluding bands in front of it, and photometric noise,
so that the inputs carry natural-image statistics and one epoch does not solve the task.

Everything is deterministic by seed. numpy only (no torch): the pages can draw samples cheaply.
"""
from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import numpy as np
from PIL import Image

CLASSES: list[str] = ["circle", "triangle", "square", "star", "cross", "ring", "crescent",
                      "stripes", "checker", "dots"]
SHAPES = CLASSES[:7]
TEXTURES = CLASSES[7:]
MIN_RESOLUTION = 16

# Photos shipped inside the scikit-image wheel (these load without pooch/network) and
# scikit-learn's two sample images. Grey ones are tinted at use time.
_SKIMAGE_COLOUR = ("astronaut", "coffee", "chelsea", "rocket", "hubble_deep_field",
                   "immunohistochemistry", "retina", "colorwheel")
_SKIMAGE_GREY = ("brick", "grass", "gravel", "camera", "moon", "coins", "clock", "text",
                 "page", "cell")


def _check_resolution(resolution: int) -> int:
    if int(resolution) != resolution or resolution < MIN_RESOLUTION:
        raise ValueError(f"resolution must be an integer >= {MIN_RESOLUTION}, got {resolution}")
    return int(resolution)


def _rng(rng_or_seed) -> np.random.Generator:
    if isinstance(rng_or_seed, np.random.Generator):
        return rng_or_seed
    if isinstance(rng_or_seed, (int, np.integer, tuple, list)):
        return np.random.default_rng(rng_or_seed)
    raise ValueError(f"expected a numpy Generator or an integer seed, got {type(rng_or_seed)}")


def sklearn_photos() -> dict[str, np.ndarray]:
    """scikit-learn's two sample photos, {"china": ..., "flower": ...} uint8 (427, 640, 3),
    read from its package files with Pillow, as ``sklearn.datasets.load_sample_images`` reads
    them (the same arrays), without importing scikit-learn: that import costs a process memory
    (bench/RESULTS.md), and a Dask worker (``services.tasks``) needs nothing else of it."""
    spec = importlib.util.find_spec("sklearn")     # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("scikit-learn is not installed: its sample photos are missing")
    folder = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "images"
    photos = {}
    for path in sorted(folder.glob("*.jpg")):
        with Image.open(path) as image:
            photos[path.stem] = np.asarray(image)
    return photos


def _raw_photos() -> tuple[np.ndarray, ...]:
    """All bundled photos as uint8 (H, W, 3), in a fixed order. Read again for each
    resolution's photos (``_photos``, cached): 0.1 s, against 19 MB kept in every process
    that draws images (bench/RESULTS.md, issue 21)."""
    import skimage.data

    photos = []
    for name in _SKIMAGE_COLOUR + _SKIMAGE_GREY:
        loader = getattr(skimage.data, name, None)
        if loader is None:
            continue
        try:
            img = np.asarray(loader())
        except Exception:  # a photo that needs a download in this version: skip it
            continue
        if img.ndim == 2:
            img = np.repeat(img[..., None], 3, axis=2)
        photos.append(np.ascontiguousarray(img[..., :3]).astype(np.uint8))
    photos += [np.asarray(img, dtype=np.uint8) for img in sklearn_photos().values()]
    if len(photos) < 4:
        raise RuntimeError("too few bundled photos found in scikit-image / scikit-learn")
    return tuple(photos)


@functools.lru_cache(maxsize=4)
def _photos(resolution: int) -> tuple[np.ndarray, ...]:
    """The photos as uint8 (h, w, 3), shorter side 2 * resolution (area resampled once, so
    later nearest-neighbour crops alias little). uint8, not float: a quarter of float32's memory
    (four resolutions' worth: bench/RESULTS.md); a crop is made float (the same values)."""
    out = []
    for img in _raw_photos():
        h, w = img.shape[:2]
        scale = 2 * resolution / min(h, w)
        size = (max(2 * resolution, round(w * scale)), max(2 * resolution, round(h * scale)))
        small = Image.fromarray(img).resize(size, Image.Resampling.BOX)
        out.append(np.asarray(small, dtype=np.uint8))
    return tuple(out)


@functools.lru_cache(maxsize=4)
def _grid(resolution: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel-centre coordinates (R, R) x and y, in pixels."""
    c = np.arange(resolution, dtype=np.float32) + 0.5
    return np.meshgrid(c, c)


def _crop(rng: np.random.Generator, resolution: int, zoom: tuple[float, float]) -> np.ndarray:
    """A random (R, R, 3) float32 crop in [0, 1] of a random photo, random flips, grey photos
    tinted."""
    photos = _photos(resolution)
    photo = photos[rng.integers(len(photos))]
    h, w = photo.shape[:2]
    size = rng.uniform(*zoom) * min(h, w)
    y0, x0 = rng.uniform(0, h - size), rng.uniform(0, w - size)
    idx = (np.arange(resolution) + 0.5) * (size / resolution)
    rows = np.minimum((y0 + idx).astype(np.int64), h - 1)
    cols = np.minimum((x0 + idx).astype(np.int64), w - 1)
    if rng.random() < 0.5:
        cols = cols[::-1]
    if rng.random() < 0.3:
        rows = rows[::-1]
    crop = photo[rows[:, None], cols[None, :]].astype(np.float32) / 255.0
    if np.ptp(crop[..., 0] - crop[..., 1]) < 1e-6:  # grey photo: give it a random tint
        crop = crop * rng.uniform(0.4, 1.0, size=3).astype(np.float32)
    return crop


def _colour(rng: np.random.Generator, avoid: np.ndarray | None = None) -> np.ndarray:
    """A random RGB colour (3,), at least some distance from ``avoid`` (3,) when given."""
    for _ in range(8):
        c = rng.uniform(0, 1, size=3).astype(np.float32)
        if avoid is None or np.abs(c - avoid).sum() > 0.6:
            break
    return c


def _local(x, y, cx, cy, angle, scale):
    """Coordinates rotated by ``angle`` about (cx, cy) and divided by ``scale``."""
    cos, sin = np.cos(angle), np.sin(angle)
    dx, dy = x - cx, y - cy
    return (dx * cos + dy * sin) / scale, (-dx * sin + dy * cos) / scale


def _shape_sdf(name: str, u: np.ndarray, v: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Approximate signed distance (negative inside) of a unit-size shape, in radius units."""
    r = np.hypot(u, v)
    if name == "circle":
        return r - 1.0
    if name == "square":
        return np.maximum(np.abs(u), np.abs(v)) - 0.8
    if name == "triangle":
        d = np.full_like(u, -np.inf)
        for a in (np.pi / 6, 5 * np.pi / 6, 3 * np.pi / 2):  # edge normals
            d = np.maximum(d, u * np.cos(a) + v * np.sin(a))
        return d - 0.5
    if name == "star":
        points, inner = 5, rng.uniform(0.38, 0.5)
        frac = (np.arctan2(v, u) * points / (2 * np.pi)) % 1.0
        radius = inner + (1.0 - inner) * np.abs(2.0 * frac - 1.0)
        return (r - radius) * 0.6
    if name == "cross":
        arm = rng.uniform(0.25, 0.36)
        return np.minimum(np.maximum(np.abs(u) - 1.0, np.abs(v) - arm),
                          np.maximum(np.abs(u) - arm, np.abs(v) - 1.0))
    if name == "ring":
        return np.abs(r - 0.72) - rng.uniform(0.16, 0.28)
    if name == "crescent":
        shift = rng.uniform(0.4, 0.6)
        return np.maximum(r - 1.0, 0.85 - np.hypot(u - shift, v))
    if name == "ellipse":  # only as a texture region or clutter, never a class
        return np.hypot(u, v * 1.6) - 1.0
    raise ValueError(f"unknown shape {name!r}")


def _pattern(name: str, x, y, rng: np.random.Generator, resolution: int) -> np.ndarray:
    """Coverage in [0, 1] (R, R) of a periodic texture's foreground colour."""
    period = rng.uniform(0.09, 0.18) * resolution
    u, v = _local(x, y, 0.0, 0.0, rng.uniform(0, np.pi), 1.0)
    phase_u, phase_v = rng.uniform(0, period, size=2)
    u, v = u + phase_u, v + phase_v
    if name == "stripes":
        return np.clip(np.sin(2 * np.pi * u / period) * period / 4 + 0.5, 0, 1)
    if name == "checker":
        s = np.sin(np.pi * u / (period / 2)) * np.sin(np.pi * v / (period / 2))
        return np.clip(s * period / 3 + 0.5, 0, 1)
    if name == "dots":
        fu, fv = (u / period) % 1.0 - 0.5, (v / period) % 1.0 - 0.5
        d = np.hypot(fu, fv) * period - rng.uniform(0.2, 0.33) * period
        return np.clip(0.5 - d, 0, 1)
    raise ValueError(f"unknown texture {name!r}")


def _coverage(sdf: np.ndarray, scale: float) -> np.ndarray:
    """Anti-aliased coverage from a signed distance in units of ``scale`` pixels."""
    return np.clip(0.5 - sdf * scale, 0.0, 1.0)[..., None]


def _stroke(rng, x, y, resolution, cx=None, cy=None, near=None):
    """Coverage (R, R, 1) of a thick line segment; through the neighbourhood of (cx, cy) when
    ``near`` (a distance in pixels) is given, otherwise anywhere."""
    angle = rng.uniform(0, np.pi)
    if near is None:
        cx, cy = rng.uniform(0, resolution, size=2)
        half_len, width = rng.uniform(0.15, 0.45) * resolution, rng.uniform(0.6, 2.0)
    else:
        offset = rng.uniform(0.3, 0.9) * near * rng.choice([-1, 1])
        cx, cy = cx - offset * np.sin(angle), cy + offset * np.cos(angle)
        half_len, width = resolution, rng.uniform(0.1, 0.25) * near
    u, v = _local(x, y, cx, cy, angle, 1.0)
    sdf = np.maximum(np.abs(u) - half_len, np.abs(v) - width)
    return _coverage(sdf, 1.0)


def _paint(canvas, cover, fill):
    """Alpha-composite ``fill`` (3,) or (R, R, 3) over ``canvas`` with coverage (R, R, 1)."""
    canvas *= 1.0 - cover
    canvas += cover * fill
    return canvas


def make_image(rng_or_seed, label: int, resolution: int = 64) -> np.ndarray:
    """One image of class ``CLASSES[label]``: uint8 (resolution, resolution, 3)."""
    rng = _rng(rng_or_seed)
    R = _check_resolution(resolution)
    if int(label) != label or not 0 <= label < len(CLASSES):
        raise ValueError(f"label must be an integer in [0, {len(CLASSES) - 1}], got {label}")
    x, y = _grid(R)
    canvas = _crop(rng, R, (0.35, 1.0))
    canvas *= rng.uniform(0.6, 1.2)  # background brightness

    # Clutter behind the object: thin strokes and elongated ellipses, never a class shape.
    for _ in range(rng.integers(0, 4)):
        if rng.random() < 0.6:
            cover = _stroke(rng, x, y, R)
        else:
            cx, cy = rng.uniform(0, R, size=2)
            u, v = _local(x, y, cx, cy, rng.uniform(0, np.pi), rng.uniform(0.06, 0.15) * R)
            cover = _coverage(np.hypot(u, v * rng.uniform(2.5, 4.0)) - 1.0,
                              0.1 * R)
        _paint(canvas, cover * rng.uniform(0.5, 1.0), _colour(rng))

    name = CLASSES[label]
    texture = name in TEXTURES
    size = rng.uniform(0.3, 0.46 if texture else 0.42) * R  # radius in pixels
    margin = 0.55 * size
    cx, cy = rng.uniform(margin, R - margin, size=2)
    region = ("circle", "triangle", "square", "ellipse") if texture else None
    u, v = _local(x, y, cx, cy, rng.uniform(0, 2 * np.pi), size * rng.uniform(0.85, 1.0))
    sdf = _shape_sdf(rng.choice(region) if texture else name, u, v, rng)
    cover = _coverage(sdf, size)
    bg_mean = (canvas * cover).sum((0, 1)) / max(float(cover.sum()), 1e-6)
    if texture:
        fg = _colour(rng, bg_mean)
        # The second colour: another flat colour or, sometimes, the background itself.
        second = canvas.copy() if rng.random() < 0.3 else _colour(rng, fg)
        pattern = _pattern(name, x, y, rng, R)[..., None]
        fill = pattern * fg + (1.0 - pattern) * second
    else:
        # A flat colour modulated by a cut of a photo: shading with natural statistics.
        grain = _crop(rng, R, (0.2, 0.6)).mean(axis=2, keepdims=True)
        fill = _colour(rng, bg_mean) * (0.6 + 0.5 * grain)
    _paint(canvas, cover, fill)

    # Occluders in front: bands that cross near the object's centre.
    for _ in range(rng.choice(3, p=[0.55, 0.35, 0.1])):
        band = _stroke(rng, x, y, R, cx, cy, near=size)
        if rng.random() < 0.5:
            _paint(canvas, band, _crop(rng, R, (0.3, 1.0)))
        else:
            _paint(canvas, band, _colour(rng))

    # Photometric jitter and sensor noise.
    canvas = (canvas - 0.5) * rng.uniform(0.7, 1.2) + 0.5 + rng.uniform(-0.1, 0.1)
    canvas += rng.normal(0.0, rng.uniform(0.0, 0.04), size=canvas.shape).astype(np.float32)
    return (np.clip(canvas, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def make_batch(n: int, *, seed: int | tuple | list, resolution: int = 64,
               ) -> tuple[np.ndarray, np.ndarray]:
    """``n`` images with balanced classes (counts differ by at most one), shuffled.

    Returns images uint8 (n, R, R, 3) and labels int64 (n,). The same seed gives the same batch.
    """
    if int(n) != n or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n}")
    R = _check_resolution(resolution)
    rng = _rng(seed)
    k = len(CLASSES)
    labels = np.concatenate([rng.permutation(k) for _ in range(-(-int(n) // k))])[:n]
    labels = rng.permutation(labels).astype(np.int64)
    images = np.empty((int(n), R, R, 3), dtype=np.uint8)
    for i, label in enumerate(labels):
        images[i] = make_image(rng, int(label), R)
    return images, labels
