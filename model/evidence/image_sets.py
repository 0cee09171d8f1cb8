"""Sets of images for ``model.evidence``: generated samples, files, folders, .zip archives.

Every builder returns an ``ImageSet``: uint8 images (n, R, R, 3) of one size, their names, and
the items that could not be used as (name, reason) pairs (the reason an
``i18n.messages.Message``: str() is English, the app shows the page's language); one bad file never stops a set.
Files go through ``model.images.load_image`` (size and pixel limits read from the header,
only the decoders the app needs) and the same resize and centre crop as
``model.images.preprocess``, kept as uint8 (the network's normalisation happens in
``model.evidence``). Generated images are drawn at R directly, as in training.

A .zip is opened without trusting it: at most ``MAX_ZIP_MEMBERS`` members are looked at, a
member declaring more than ``MAX_IMAGE_BYTES`` is skipped unread, reading stops once the
members read add up to ``MAX_ZIP_TOTAL_BYTES``, and every read is capped (a header may lie
about the size). Names (file and member names) are returned as given: show them as text.
"""
from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from i18n.messages import Message, Own, say

from ..images import (
    IMAGENET_MEAN,
    IMAGENET_STD,
    MAX_IMAGE_BYTES,
    ImageError,
    load_image,
    preprocess,
)
from ..synthetic import CLASSES, MIN_RESOLUTION, make_batch

MAX_SET_IMAGES = 1000               # images per set by default (the app's sets)
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_TOTAL_BYTES = 512 * 1024 * 1024
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff")
# Seed stream of generated evidence sets: training used (seed, 1, step), its held-out set
# (seed, 2); (seed, 8) never meets either.
GENERATED_STREAM = 8


@dataclass(frozen=True)
class ImageSet:
    """images: uint8 (n, R, R, 3); names: n names; rejected: (name, reason) of what was left
    out; labels: class index per image for generated sets (else None); source: how it was made."""
    images: np.ndarray
    names: tuple[str, ...]
    rejected: tuple[tuple[str, Message], ...]
    labels: tuple[int, ...] | None
    source: str

    def __len__(self) -> int:
        return int(self.images.shape[0])

    @property
    def resolution(self) -> int:
        return int(self.images.shape[1])


def _limit(max_images) -> int:
    if max_images is None:
        return MAX_SET_IMAGES
    if isinstance(max_images, bool) or int(max_images) != max_images or max_images < 1:
        raise ValueError(f"max_images must be an integer >= 1, got {max_images!r}")
    return int(max_images)


def _check_resolution(resolution) -> int:
    if isinstance(resolution, bool) or int(resolution) != resolution or resolution < MIN_RESOLUTION:
        raise ValueError(f"resolution must be an integer >= {MIN_RESOLUTION}, got {resolution!r}")
    return int(resolution)


def generated(n: int, seed: int = 0, resolution: int = 64, *,
              max_images: int | None = None) -> ImageSet:
    """n images of ``model.synthetic``, classes balanced (counts differ by at most one);
    ``max_images``: the largest n allowed (default ``MAX_SET_IMAGES``)."""
    limit = _limit(max_images)
    if isinstance(n, bool) or int(n) != n or not 1 <= n <= limit:
        raise ValueError(f"n must be an integer from 1 to {limit}, got {n!r}")
    if isinstance(seed, bool) or int(seed) != seed or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    images, labels = make_batch(int(n), seed=[int(seed), GENERATED_STREAM],
                                resolution=_check_resolution(resolution))
    names = tuple(f"{CLASSES[label]} {i + 1}" for i, label in enumerate(labels))
    return ImageSet(images, names, (), tuple(int(v) for v in labels),
                    f"generated:{int(n)} seed {int(seed)}")


def _crop_uint8(image, resolution: int, resize: int | None) -> np.ndarray:
    """``preprocess``'s resize and centre crop, as uint8 (R, R, 3). Pillow resamples to uint8,
    so undoing the normalisation recovers those values exactly."""
    from PIL import Image
    im = image if isinstance(image, Image.Image) else Image.fromarray(image)
    x = preprocess(im, crop=resolution, resize=resize).numpy()
    rgb = x * np.asarray(IMAGENET_STD)[:, None, None] + np.asarray(IMAGENET_MEAN)[:, None, None]
    return np.clip(np.round(rgb * 255.0), 0, 255).astype(np.uint8).transpose(1, 2, 0)


class _Builder:
    """Collects images and rejections in order, up to ``max_images`` (``MAX_SET_IMAGES``)."""

    def __init__(self, resolution: int, resize: int | None, max_images: int | None = None):
        self.resolution, self.resize = _check_resolution(resolution), resize
        self.max_images = _limit(max_images)
        self.images: list[np.ndarray] = []
        self.names: list[str] = []
        self.rejected: list[tuple[str, Message]] = []

    def add(self, source, name: str) -> None:
        if len(self.images) >= self.max_images:
            self.rejected.append((name, say("refusal.set.too_many", limit=self.max_images)))
            return
        try:
            im = source if isinstance(source, np.ndarray) else load_image(source, name=name)
            if isinstance(im, np.ndarray) and (im.dtype != np.uint8 or im.ndim != 3
                                               or im.shape[-1] != 3):
                raise ImageError("refusal.image.not_uint8", name=name, dtype=str(im.dtype),
                                 shape=str(im.shape))
            self.images.append(_crop_uint8(im, self.resolution, self.resize))
            self.names.append(name)
        except ImageError as exc:
            self.rejected.append((name, exc.reason))
        except ValueError as exc:
            self.rejected.append((name, say("refusal.set.other", detail=str(exc))))

    def add_zip(self, source, name: str) -> None:
        try:
            archive = zipfile.ZipFile(source if not isinstance(source, (bytes, bytearray))
                                      else io.BytesIO(source))
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            self.rejected.append((name, say("refusal.set.bad_zip", detail=str(exc))))
            return
        with archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            total = 0
            for i, member in enumerate(members):
                label = f"{name}/{member.filename}"
                if i >= MAX_ZIP_MEMBERS:
                    self.rejected.append((f"{name}: {len(members) - i} more members",
                                          say("refusal.set.too_many_members", limit=MAX_ZIP_MEMBERS)))
                    break
                if member.file_size > MAX_IMAGE_BYTES:
                    self.rejected.append((label, say("refusal.set.member_too_large",
                                                     mb=member.file_size / 1e6,
                                                     limit_mb=MAX_IMAGE_BYTES / 1e6)))
                    continue
                if total + member.file_size > MAX_ZIP_TOTAL_BYTES:
                    self.rejected.append((label, say("refusal.set.archive_total",
                                                     limit_mb=MAX_ZIP_TOTAL_BYTES / 1e6)))
                    break
                try:
                    with archive.open(member) as fh:
                        data = fh.read(MAX_IMAGE_BYTES + 1)
                except (zipfile.BadZipFile, RuntimeError, OSError, ValueError, EOFError,
                        NotImplementedError) as exc:   # encrypted, bad CRC, unknown method
                    self.rejected.append((label, say("refusal.set.member_unreadable", detail=str(exc))))
                    continue
                total += len(data)
                if len(data) > MAX_IMAGE_BYTES:
                    self.rejected.append((label, say("refusal.set.member_over_limit",
                                                     limit_mb=MAX_IMAGE_BYTES / 1e6)))
                    continue
                self.add(data, label)

    def build(self, source: str) -> ImageSet:
        r = self.resolution
        images = np.stack(self.images) if self.images else np.zeros((0, r, r, 3), np.uint8)
        return ImageSet(images, tuple(self.names), tuple(self.rejected), None, source)


def _is_zip(data_or_path) -> bool:
    if isinstance(data_or_path, (bytes, bytearray)):
        return bytes(data_or_path[:4]) == b"PK\x03\x04"
    return str(data_or_path).lower().endswith(".zip")


def from_arrays(arrays, names=None, *, resolution: int = 64, resize: int | None = None) -> ImageSet:
    """uint8 (h, w, 3) arrays (e.g. the bundled photos) resized and centre-cropped to R."""
    arrays = list(arrays)
    names = [f"image {i + 1}" for i in range(len(arrays))] if names is None else list(names)
    if len(names) != len(arrays):
        raise ValueError(f"{len(names)} names for {len(arrays)} images")
    builder = _Builder(resolution, resize)
    for array, name in zip(arrays, names):
        builder.add(np.asarray(array), str(name))
    return builder.build(f"{len(arrays)} arrays")


def from_uploads(items, *, resolution: int = 64, resize: int | None = None) -> ImageSet:
    """Uploaded files as (name, bytes) pairs: images, and .zip archives of images."""
    builder = _Builder(resolution, resize)
    items = list(items)
    for name, data in items:
        (builder.add_zip if _is_zip(data) else builder.add)(bytes(data), str(name))
    return builder.build(f"{len(items)} upload(s)")


def from_paths(paths, *, resolution: int = 64, resize: int | None = None,
               max_images: int | None = None) -> ImageSet:
    """Image files, folders (their image files, sorted by name, not recursive) and .zip
    files; at most ``max_images`` (``MAX_SET_IMAGES``), the rest listed as rejected."""
    builder = _Builder(resolution, resize, max_images)
    paths = [Path(p) for p in paths]
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.iterdir()
                           if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES + (".zip",))
            if not files:
                builder.rejected.append((str(path), say("refusal.set.empty_folder",
                                                        suffixes=Own(", ".join(IMAGE_SUFFIXES + (".zip",))))))
            for f in files:
                (builder.add_zip if _is_zip(f) else builder.add)(f, str(f))
        elif not path.exists():
            builder.rejected.append((str(path), say("refusal.set.no_such_path")))
        elif _is_zip(path):
            if path.stat().st_size > MAX_ZIP_TOTAL_BYTES:
                builder.rejected.append((str(path), say("refusal.set.archive_too_large",
                                                        limit_mb=MAX_ZIP_TOTAL_BYTES / 1e6)))
            else:
                builder.add_zip(path, str(path))
        else:
            builder.add(path, str(path))
    return builder.build(", ".join(os.fspath(p) for p in paths[:3])
                         + (f" and {len(paths) - 3} more" if len(paths) > 3 else ""))
