"""Only the image decoders the app needs are ever tried (issue 10, section 2).

An EPS file renamed ``.png`` used to reach Pillow's EPS plugin, which runs Ghostscript: the
server started an external program on the uploader's PostScript. A fake ``gs`` on PATH
records whether anything ran it.
"""
from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import numpy as np
import pytest
from PIL import EpsImagePlugin, Image

from model.images import IMAGE_FORMATS, ImageError, load_image

pytestmark = pytest.mark.unit

EPS = (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 16 16\n%%EndComments\n"
       b"newpath 0 0 moveto 16 0 lineto 16 16 lineto closepath fill\nshowpage\n%%EOF\n")


@pytest.fixture
def fake_ghostscript(tmp_path, monkeypatch) -> Path:
    """A ``gs`` first on PATH that writes a marker file whenever it runs; returns the marker."""
    marker = tmp_path / "gs_ran"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gs = bin_dir / "gs"
    gs.write_text(f"#!/bin/sh\necho \"$@\" >> '{marker}'\nexit 1\n")
    gs.chmod(gs.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setattr(EpsImagePlugin, "gs_binary", None)   # Pillow caches its lookup
    return marker


def test_the_fake_ghostscript_would_be_run_by_pillow(fake_ghostscript):
    """Without the allow-list Pillow does run ``gs`` on this file (so the tests below mean it)."""
    with pytest.raises(Exception):
        Image.open(io.BytesIO(EPS)).load()
    assert fake_ghostscript.exists()


@pytest.mark.parametrize("source", ["bytes", "path", "file"])
def test_eps_named_png_is_refused_and_ghostscript_never_runs(fake_ghostscript, tmp_path, source):
    path = tmp_path / "photo.png"
    path.write_bytes(EPS)
    given = {"bytes": EPS, "path": path, "file": io.BytesIO(EPS)}[source]
    with pytest.raises(ImageError, match="not a PNG, JPEG, GIF, WebP, BMP or TIFF image"):
        load_image(given, name="photo.png")
    assert not fake_ghostscript.exists()


def test_live_page_upload_path_refuses_eps(fake_ghostscript):
    from services.images import decode_upload
    with pytest.raises(ImageError, match="photo.png: not an image format"):
        decode_upload(EPS, "photo.png")
    assert not fake_ghostscript.exists()


def _encoded(fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 10)).save(buf, format=fmt, **kw)
    return buf.getvalue()


# Formats Pillow reads and writes but the app does not need: each must be refused unparsed.
OTHER_FORMATS = {"EPS": {}, "PPM": {}, "PCX": {}, "TGA": {}, "ICO": {}, "SGI": {},
                 "DDS": {}, "QOI": {}}


@pytest.mark.parametrize("fmt", sorted(OTHER_FORMATS))
def test_formats_outside_the_allow_list_are_refused(fake_ghostscript, fmt):
    data = EPS if fmt == "EPS" else _encoded(fmt, **OTHER_FORMATS[fmt])
    assert Image.open(io.BytesIO(data)).format == fmt        # Pillow itself would read it
    with pytest.raises(ImageError, match="not an image format this app reads"):
        load_image(data, name=f"picture.{fmt.lower()}")
    assert not fake_ghostscript.exists()


@pytest.mark.parametrize("fmt", IMAGE_FORMATS)
def test_every_allowed_format_decodes(fmt):
    lossless = fmt not in ("JPEG", "WEBP")
    data = _encoded(fmt, **({"lossless": True} if fmt == "WEBP" else {}))
    im = load_image(data, name=f"picture.{fmt.lower()}")
    assert im.size == (8, 8) and im.mode == "RGB"
    pixel = np.asarray(im)[4, 4].astype(int)
    assert np.abs(pixel - (200, 30, 10)).max() <= (0 if lossless else 12)
