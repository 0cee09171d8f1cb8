"""Stacking drawn figures one above another into one file, and pages into one PDF.

``figures.render`` draws a chart and its text bands (``figures.slides``) separately, each at
its own exact size, then joins them here: PNG with Pillow, SVG by nesting the parts' <svg>
elements (their text stays text), PDF with pypdf (each vector page a form XObject placed on
one page).
"""
from __future__ import annotations

import io
import re
from typing import Sequence


def stack_png(parts: Sequence[bytes]) -> bytes:
    """PNG images stacked top to bottom on a white canvas as wide as the widest."""
    from PIL import Image
    images = [Image.open(io.BytesIO(p)).convert("RGB") for p in parts]
    canvas = Image.new("RGB", (max(i.width for i in images), sum(i.height for i in images)),
                       "white")
    y = 0
    for image in images:
        canvas.paste(image, (0, y))
        y += image.height
    out = io.BytesIO()
    canvas.save(out, format="PNG")
    return out.getvalue()


_ROOT = re.compile(rb"<svg\b[^>]*>", re.S)
_NUMBER = r'\s*=\s*"([0-9.]+)(?:px)?"'


def _svg_size(tag: bytes) -> tuple[float, float]:
    width = re.search(rb"\bwidth" + _NUMBER.encode(), tag)
    height = re.search(rb"\bheight" + _NUMBER.encode(), tag)
    if not (width and height):
        raise ValueError("an SVG part has no width and height on its root element")
    return float(width.group(1)), float(height.group(1))


def stack_svg(parts: Sequence[bytes]) -> bytes:
    """SVG documents nested, top to bottom, in one <svg> as wide as the widest."""
    bodies, sizes = [], []
    for part in parts:
        start = _ROOT.search(part)
        if start is None:
            raise ValueError("an SVG part has no <svg> element")
        sizes.append(_svg_size(start.group(0)))
        bodies.append(part[start.start():])
    width = max(w for w, _ in sizes)
    total = sum(h for _, h in sizes)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
           f'width="{width:g}" height="{total:g}" viewBox="0 0 {width:g} {total:g}">'.encode()]
    y = 0.0
    for body, (_, h) in zip(bodies, sizes):
        # The part's own root becomes a nested <svg> placed at y (x, y are valid there).
        out.append(re.sub(rb"^<svg\b", f'<svg x="0" y="{y:g}"'.encode(), body, count=1))
        y += h
    out.append(b"</svg>")
    return b"\n".join(out)


def _content(page) -> bytes:
    """The page's content stream(s) as one decoded byte string, not parsed."""
    if "/Contents" not in page:                # a blank page draws nothing
        return b""
    contents = page["/Contents"].get_object()
    if isinstance(contents, list):             # an array of streams is one stream, joined
        return b"\n".join(s.get_object().get_data() for s in contents)
    return contents.get_data()


def _pdf_stack_page(writer, reader_pages):
    """One page of ``writer`` holding ``reader_pages`` top to bottom, each drawn as a form
    XObject of its own content and resources. pypdf's ``merge_transformed_page`` parses and
    rewrites every operator instead: a minute for a deck whose scatter plots hold two
    million of them (bench/RESULTS.md)."""
    from pypdf import PageObject
    from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject,
                               FloatObject, NameObject)
    width = max(float(p.mediabox.width) for p in reader_pages)
    height = sum(float(p.mediabox.height) for p in reader_pages)
    page = PageObject.create_blank_page(width=width, height=height)
    forms, drawing, top = DictionaryObject(), [], height
    for i, part in enumerate(reader_pages):
        box = part.mediabox
        top -= float(box.height)
        form = DecodedStreamObject()
        form.set_data(_content(part))
        form.update({
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(FloatObject(float(v)) for v in box),
            NameObject("/Resources"): part["/Resources"].clone(writer),
        })
        if "/Group" in part:                   # the part's transparency group, if it has one
            form[NameObject("/Group")] = part["/Group"].clone(writer)
        name = f"/Part{i}"
        forms[NameObject(name)] = writer._add_object(form.flate_encode())
        dx, dy = -float(box.left), top - float(box.bottom)
        drawing.append(f"q 1 0 0 1 {dx:.4f} {dy:.4f} cm {name} Do Q")
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): forms})
    contents = DecodedStreamObject()
    contents.set_data("\n".join(drawing).encode("ascii"))
    page[NameObject("/Contents")] = writer._add_object(contents)
    return page


def _first_page(data: bytes):
    from pypdf import PdfReader
    return PdfReader(io.BytesIO(data)).pages[0]


def stack_pdf(parts: Sequence[bytes]) -> bytes:
    """The first page of each PDF in ``parts``, top to bottom, as a one-page PDF."""
    return pdf_pages([parts])


def pdf_pages(pages: Sequence[Sequence[bytes]], title: str | None = None) -> bytes:
    """A PDF with one page per entry of ``pages``, each the stack of its parts' first pages;
    ``title`` goes into the document's metadata (what a viewer shows as its name)."""
    from pypdf import PdfWriter
    writer = PdfWriter()
    for parts in pages:
        writer.add_page(_pdf_stack_page(writer, [_first_page(p) for p in parts]))
    if title:
        writer.add_metadata({"/Title": title, "/Creator": "Manifold Lab"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def stack(parts: Sequence[bytes], fmt: str) -> bytes:
    """``parts`` (drawn in ``fmt``) as one file; a single part is returned unchanged."""
    if len(parts) == 1:
        return parts[0]
    joiners = {"png": stack_png, "svg": stack_svg, "pdf": stack_pdf}
    if fmt not in joiners:
        raise ValueError(f"only png, svg and pdf stack, got {fmt!r}")
    return joiners[fmt](parts)
