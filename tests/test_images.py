"""Safe image loading (odd modes, broken files, bombs) and torchvision's eval preprocessing."""
import io

import numpy as np
import pytest
import torch
from PIL import Image, ImageFilter

from model.images import (IMAGENET_MEAN, IMAGENET_STD, MAX_IMAGE_PIXELS, ImageError, load_batch,
                          load_image, preprocess, resize_for)

pytestmark = pytest.mark.unit

RNG = np.random.default_rng(0)
PHOTO = Image.fromarray(RNG.integers(0, 256, (90, 120, 3), dtype=np.uint8))


def encode(im, fmt="PNG", **kw):
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def test_rgb_png_round_trips_exactly():
    assert np.array_equal(np.asarray(load_image(encode(PHOTO))), np.asarray(PHOTO))


@pytest.mark.parametrize("make, expect", [
    (lambda: PHOTO.convert("CMYK"), None),                         # CMYK (as TIFF)
    (lambda: PHOTO.convert("P"), None),                            # palette
    (lambda: PHOTO.convert("L"), None),
    (lambda: PHOTO.convert("1"), None),
    (lambda: PHOTO.convert("YCbCr"), None),
])
def test_modes_become_rgb(make, expect):
    im = load_image(encode(make(), "TIFF"))
    assert im.mode == "RGB" and im.size == PHOTO.size


def test_cmyk_jpeg():
    im = load_image(encode(PHOTO.convert("CMYK"), "JPEG", quality=95))
    assert im.mode == "RGB"
    assert np.abs(np.asarray(im, float) - np.asarray(PHOTO, float)).mean() < 20


def test_16_bit_grey_is_scaled_not_clipped():
    grey = np.full((10, 10), 40000, dtype=np.uint16)      # 40000 / 65535 * 255 = 155.6
    im = load_image(encode(Image.fromarray(grey)))
    assert im.mode == "RGB" and np.asarray(im)[0, 0].tolist() == [156, 156, 156]


def test_alpha_is_composited_over_white():
    rgba = Image.new("RGBA", (4, 4), (255, 0, 0, 0))     # fully transparent red
    rgba.putpixel((0, 0), (255, 0, 0, 255))
    a = np.asarray(load_image(encode(rgba)))
    assert a[1, 1].tolist() == [255, 255, 255] and a[0, 0].tolist() == [255, 0, 0]
    pal = Image.new("P", (4, 4), 0)
    pal.putpalette([0, 0, 0, 0, 255, 0])
    pal.info["transparency"] = 0
    assert np.asarray(load_image(encode(pal)))[0, 0].tolist() == [255, 255, 255]
    la = Image.new("LA", (3, 3), (0, 255))
    assert np.asarray(load_image(encode(la)))[0, 0].tolist() == [0, 0, 0]


def test_animated_gif_gives_first_frame():
    frames = [Image.new("RGB", (8, 8), c) for c in [(250, 0, 0), (0, 250, 0), (0, 0, 250)]]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=50)
    a = np.asarray(load_image(buf.getvalue(), name="anim.gif"))
    assert a[0, 0, 0] > 200 and a[0, 0, 1] < 50


def test_exif_orientation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6                       # rotate 90 degrees clockwise to display
    data = encode(Image.new("RGB", (40, 20)), "JPEG", exif=exif)
    assert load_image(data).size == (20, 40)


@pytest.mark.parametrize("data, match", [
    (b"", "empty"),
    (b"GIF89a this is not really a gif", "not an image|unreadable|truncated"),
    (b"plain text", "not an image format"),
    (encode(PHOTO)[:300], "truncated|unreadable"),
    (encode(PHOTO, "JPEG")[:-400], "truncated|unreadable"),
])
def test_broken_files_raise_clear_errors(data, match):
    with pytest.raises(ImageError, match=match) as err:
        load_image(data, name="upload.png")
    assert str(err.value).startswith("upload.png: ")
    assert isinstance(err.value, ValueError)


def test_pixel_limit_is_checked_before_decoding():
    # A 6000 x 6000 1-bit PNG compresses to a few KB: refuse it from the header alone.
    data = encode(Image.new("1", (6000, 6000)))
    assert len(data) < 100_000
    with pytest.raises(ImageError, match="pixel limit"):
        load_image(data, name="bomb.png", max_pixels=10_000_000)
    huge = encode(Image.new("1", (12_000, 12_000)))      # past Pillow's own guard too
    with pytest.raises(ImageError, match="limit"):
        load_image(huge, name="bomb.png")
    assert Image.MAX_IMAGE_PIXELS == MAX_IMAGE_PIXELS
    with pytest.raises(ImageError, match="limit"):
        load_image(encode(PHOTO), max_bytes=100)


def test_paths_files_and_names(tmp_path):
    path = tmp_path / "cat.png"
    path.write_bytes(encode(PHOTO))
    assert load_image(path).size == (120, 90)
    with open(path, "rb") as fh:
        assert load_image(fh).size == (120, 90)
    with pytest.raises(ImageError, match="missing.png: no such file"):
        load_image(tmp_path / "missing.png")
    with pytest.raises(ImageError, match="binary"):
        load_image(io.StringIO("text"), name="t.txt")
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"nope")
    with pytest.raises(ImageError, match=str(bad)):
        load_batch([path, bad])


def reference_preprocess(im, crop, resize):
    """torchvision's Resize(resize) + CenterCrop(crop) + ToTensor + Normalize, step by step."""
    w, h = im.size
    size = (resize, int(resize * h / w)) if w <= h else (int(resize * w / h), resize)
    big = im.resize(size, Image.Resampling.BILINEAR)
    left, top = int(round((size[0] - crop) / 2.0)), int(round((size[1] - crop) / 2.0))
    x = np.asarray(big.crop((left, top, left + crop, top + crop)), np.float32) / 255.0
    x = (x - np.array(IMAGENET_MEAN, np.float32)) / np.array(IMAGENET_STD, np.float32)
    return torch.from_numpy(x).permute(2, 0, 1)


@pytest.mark.parametrize("size", [(120, 90), (90, 120), (300, 300), (640, 200)])
def test_preprocess_matches_resize_then_crop(size):
    im = Image.fromarray(RNG.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))
    im = im.filter(ImageFilter.GaussianBlur(2))
    ours = preprocess(im, crop=96, resize=110)
    ref = reference_preprocess(im, 96, 110)
    assert ours.shape == (3, 96, 96) and ours.dtype == torch.float32
    # One resample of the cropped box instead of two steps: the same up to interpolation
    # detail (values are in units of ImageNet std, ~4.4 per 8-bit level range of 1).
    assert (ours - ref).abs().mean() < 0.02


@pytest.mark.parametrize("size", [(1, 1), (5000, 1), (1, 7000), (3, 2)])
def test_tiny_and_extreme_images(size):
    im = Image.new("RGB", size, (124, 116, 104))   # ImageNet's mean colour
    x = preprocess(load_image(encode(im)), crop=64)
    assert x.shape == (3, 64, 64) and x.abs().max() < 0.02


def test_resize_for_weights():
    assert resize_for("imagenet-v1", 224) == 256 and resize_for("imagenet-v2", 224) == 232
    assert resize_for("embedded", 64) == round(64 * 256 / 224)
    with pytest.raises(ValueError, match="crop"):
        preprocess(PHOTO, crop=4)
    with pytest.raises(ValueError, match="resize"):
        preprocess(PHOTO, crop=64, resize=32)
    assert load_batch([encode(PHOTO)] * 2, crop=32).shape == (2, 3, 32, 32)
