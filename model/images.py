"""Safe image loading and ImageNet preprocessing (docs/PAPER_FACTS.md §7).

``load_image`` decodes one untrusted image (a path, bytes or a binary file object, e.g. a
Streamlit upload) into an RGB ``PIL.Image``. Before any pixel is decoded it checks the file
size and the pixel count from the header against project limits (a small file can declare a
gigapixel image: a decompression bomb), and Pillow's own bomb guard is set to the same limit.
Every failure is an ``ImageError`` (a ValueError) whose message names the file.

Only the decoders in ``IMAGE_FORMATS`` are ever tried (``Image.open(formats=...)``): Pillow
knows some forty formats, and some hand the file to other programs (EPS and PostScript run
Ghostscript), so a file of any other kind, whatever its name, is refused unparsed.

Modes: palette, grey, 16-bit and 32-bit grey, float, CMYK, YCbCr, LAB and HSV become RGB
(16-bit values are scaled, not clipped); transparency is composited over white; an animated
image gives its first frame; the EXIF orientation is applied.

``preprocess`` is torchvision's eval transform: resize the shorter side to ``resize`` (256 for
IMAGENET1K_V1, 232 for V2), centre-crop ``crop`` x ``crop``, scale to [0, 1], normalise with
ImageNet's mean and std. The crop is mapped back to the original image and resampled once, so
a 1 x 5000 strip does not first become a 256 x 1,280,000 image.
"""
from __future__ import annotations

import io
import os
import struct
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Iterable

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from i18n.messages import Message, Refusal
from runtime import MAX_IMAGE_PIXELS

if TYPE_CHECKING:      # torch only where a tensor is made: reading images needs none
    import torch

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
# torchvision's eval resize for each checkpoint at crop 224 (docs/PAPER_FACTS.md §7).
MAX_IMAGE_BYTES = 64 * 1024 * 1024
WHITE = (255, 255, 255)
# Pillow's names of the decoders the app needs; photos from cameras and phones are JPEG (also
# multi-picture JPEG, which Pillow's JPEG decoder opens), PNG, WebP or TIFF.
IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP", "TIFF")

# Pillow's own limit is set to the same at process start (``runtime.configure``); we also turn
# its warning into an error (see _open) and check the header first, so our limit is the one
# that counts whether or not the process was configured.


class ImageError(Refusal):
    """An image could not be used; the message names the file and says why (in the page's
    language in the app: ``i18n.messages.Refusal``).

    ``ImageError(key, name=..., **values)`` says "name: reason"; ``reason`` is the reason
    alone (a data set lists it beside the item's name)."""

    def __init__(self, *messages, name: str | None = None, **values):
        if name is not None:
            messages = (Message("refusal.named", {"name": name,
                                                  "reason": Message(messages[0], values)}),)
            values = {}
        super().__init__(*messages, **values)

    @property
    def reason(self) -> Message:
        first = self.messages[0]
        return first.values["reason"] if first.key == "refusal.named" else first


def _read_bytes(source, name: str, max_bytes: int) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.is_dir():
            raise ImageError("refusal.image.is_folder", name=name)
        if not path.is_file():
            raise ImageError("refusal.image.no_such_file", name=name)
        size = path.stat().st_size
        if size > max_bytes:
            raise ImageError("refusal.image.too_large_file", name=name, mb=size / 1e6,
                             limit_mb=max_bytes / 1e6)
        data = path.read_bytes()
    elif hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(max_bytes + 1)
        if not isinstance(data, (bytes, bytearray)):
            raise ImageError("refusal.image.text_mode", name=name)
    else:
        raise ImageError("refusal.image.not_a_file", name=name, kind=type(source).__name__)
    if len(data) == 0:
        raise ImageError("refusal.image.empty", name=name)
    if len(data) > max_bytes:
        raise ImageError("refusal.image.too_large", name=name, limit_mb=max_bytes / 1e6)
    return data


def _source_name(source, name: str | None) -> str:
    if name:
        return name
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    return getattr(source, "name", None) or "image"


def load_image(source: str | os.PathLike | bytes | BinaryIO, *, name: str | None = None,
               max_pixels: int = MAX_IMAGE_PIXELS, max_bytes: int = MAX_IMAGE_BYTES) -> Image.Image:
    """Decode one image into RGB (8 bits per channel). Raises ``ImageError`` naming the file."""
    name = _source_name(source, name)
    data = _read_bytes(source, name, max_bytes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = open_image(io.BytesIO(data))          # reads the header only
            width, height = im.size
            if width < 1 or height < 1:
                raise ImageError("refusal.image.no_pixels", name=name, width=width, height=height)
            if width * height > max_pixels:
                raise ImageError("refusal.image.too_many_pixels", name=name, width=width,
                                 height=height, pixels=width * height, limit=max_pixels)
            if getattr(im, "is_animated", False):
                im.seek(0)                             # first frame of a GIF / APNG / WebP
            im.load()
            im = ImageOps.exif_transpose(im)
            if im.mode == "F":                     # float TIFF: NaN or inf has no grey level
                a = np.asarray(im)
                bad = int(a.size - np.count_nonzero(np.isfinite(a)))
                if bad:
                    raise ImageError("refusal.image.non_finite", name=name, count=bad, total=a.size)
            return to_rgb(im)
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError("refusal.image.bomb", name=name, limit=max_pixels) from None
    except UnidentifiedImageError:
        raise ImageError("refusal.image.format", name=name) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error) as exc:
        text = str(exc) or type(exc).__name__
        hint = "truncated" if "truncat" in text.lower() else "unreadable"
        raise ImageError(f"refusal.image.{hint}", name=name, detail=text) from None


def open_image(fp: BinaryIO) -> Image.Image:
    """``Image.open`` limited to ``IMAGE_FORMATS``: reads the header only; any other format
    raises ``PIL.UnidentifiedImageError`` without its decoder being tried."""
    return Image.open(fp, formats=IMAGE_FORMATS)


def to_rgb(im: Image.Image) -> Image.Image:
    """Any Pillow mode -> RGB: alpha over white, 16/32-bit and float grey scaled to 8 bits."""
    mode = im.mode
    if mode == "RGB":
        return im
    if mode.startswith("I;16") or mode in ("I", "F"):
        a = np.asarray(im).astype(np.float64)
        if mode.startswith("I;16"):
            top = 65535.0
        elif mode == "F":
            top = 1.0 if a.size and np.nanmax(a) <= 1.0 else float(np.nanmax(a)) or 1.0
        else:
            top = 65535.0 if a.size and a.max() <= 65535 else float(a.max()) or 1.0
        a = np.nan_to_num(np.clip(a / top, 0.0, 1.0)) * 255.0
        return Image.fromarray(np.round(a).astype(np.uint8), "L").convert("RGB")
    if mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    elif mode == "PA":
        im = im.convert("RGBA")
    elif mode in ("LA", "La"):
        im = im.convert("RGBA")
    elif mode == "RGBa":
        im = im.convert("RGBA")
    elif mode == "L" and "transparency" in im.info:
        im = im.convert("RGBA")
    elif mode == "RGB" and "transparency" in im.info:
        im = im.convert("RGBA")
    if im.mode == "RGBA":
        background = Image.new("RGB", im.size, WHITE)
        background.paste(im, mask=im.getchannel("A"))
        return background
    return im.convert("RGB")


def preprocess_array(im: Image.Image, *, crop: int = 224, resize: int | None = None) -> np.ndarray:
    """torchvision's eval transform of one RGB image -> float32 array (3, crop, crop).

    ``resize`` defaults to round(crop * 256 / 224) (IMAGENET1K_V1's 256 at 224). numpy only,
    so the app's server prepares inputs without torch; ``preprocess`` is the same as a tensor.
    """
    if int(crop) != crop or crop < 8:
        raise ValueError(f"crop must be an integer >= 8 (pixels), got {crop}")
    resize = round(crop * 256 / 224) if resize is None else resize
    if int(resize) != resize or resize < crop:
        raise ValueError(f"resize must be an integer >= crop ({crop}), got {resize}")
    im = to_rgb(im)
    w, h = im.size
    # torchvision: shorter side -> resize, longer side -> int(resize * long / short).
    if w <= h:
        new_w, new_h = resize, int(resize * h / w)
    else:
        new_w, new_h = int(resize * w / h), resize
    # Centre crop in resized coordinates (torchvision rounds the offsets), mapped back.
    left, top = int(round((new_w - crop) / 2.0)), int(round((new_h - crop) / 2.0))
    sx, sy = w / new_w, h / new_h
    box = (left * sx, top * sy, (left + crop) * sx, (top + crop) * sy)
    out = im.resize((crop, crop), Image.Resampling.BILINEAR, box=box, reducing_gap=None)
    x = (np.asarray(out, dtype=np.float32) / np.float32(255.0)).transpose(2, 0, 1)
    mean = np.asarray(IMAGENET_MEAN, dtype=np.float32).reshape(3, 1, 1)
    std = np.asarray(IMAGENET_STD, dtype=np.float32).reshape(3, 1, 1)
    return np.ascontiguousarray((x - mean) / std)


def preprocess(im: Image.Image, *, crop: int = 224, resize: int | None = None) -> torch.Tensor:
    """``preprocess_array`` as a float32 tensor (3, crop, crop)."""
    import torch
    return torch.from_numpy(preprocess_array(im, crop=crop, resize=resize))


def resize_for(weights: str | None, crop: int) -> int:
    """The eval resize for ``weights`` at ``crop``, keeping torchvision's ratio (256 or 232 : 224)."""
    from .registry import WEIGHTS
    entry = WEIGHTS.get(weights or "")
    base = entry.resize if entry is not None and entry.resize else 256  # both specs are at 224
    return round(crop * base / 224)


def load_batch(sources: Iterable, *, crop: int = 224, resize: int | None = None,
               names: Iterable[str] | None = None) -> torch.Tensor:
    """Load and preprocess several images -> float32 tensor (N, 3, crop, crop).

    The first unreadable image raises ``ImageError`` naming it.
    """
    sources = list(sources)
    names = list(names) if names is not None else [None] * len(sources)
    if not sources:
        raise ImageError("refusal.image.none_given")
    import torch
    return torch.stack([preprocess(load_image(s, name=n), crop=crop, resize=resize)
                        for s, n in zip(sources, names)])
