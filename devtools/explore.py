"""What a simulated student changes on each page, drawn from the pages' own ranges
(``bench/load.py --explore``).

Each student has its own ``random.Random`` (seeded by its number), so a run is reproducible
and no two students ask for the same thing by construction. Every setting is drawn from its
page's ``Param`` (``app.settings``: the definitions the page itself uses), so a range
changed on a page is the range drawn here:

- a setting stays at its default with probability ``KEEP_DEFAULT`` (a student who leaves
  it), otherwise it is drawn uniformly over its full range; sizes (channels, map sizes,
  point counts, indices) log-uniformly, so that small values are drawn as often as large;
- choices a class cannot take here are left out: the ImageNet weights (downloads, none on
  this machine), the camera, a checkpoint upload; an image upload is a fresh PNG per student;
- the live page's settings not named below are drawn the same way: that is the hook for new
  sections. Sections whose Params live in their own module are named in ``SECTIONS``: the
  data-set evidence section (``app.settings.evidence``: image set, number of images, probe,
  then its Run button).
"""
from __future__ import annotations

import importlib
import io
import math
import random
from dataclasses import dataclass

from app.urlstate import Param

KEEP_DEFAULT = 0.25
# Page (Streamlit url_path) -> the module of its settings (its ``PARAMS``).
PAGE_SETTINGS = {"relu": "app.settings.relu", "live": "app.settings.live",
                 "block": "app.settings.block", "presenter": "app.settings.presenter"}
# Settings students change, in the order they change them. The ReLU page's seed count for
# the sweep ("seeds") stays at its default, and so do the block page's split and ablation
# settings (issue 12 names the rest). "seed" is the sidebar's, shared by every page after.
TOUCHED = {
    "relu": ("input", "act", "points", "noise", "n", "seed"),
    "live": ("weights", "compare", "res", "est", "image", "gen_class", "gen_index",
             "mosaic_block", "mosaic_probe"),
    "block": ("di", "dj", "t", "k", "s", "h", "w", "width", "table_res"),
}
LEFT_OUT = {"weights": {"imagenet-v1", "imagenet-v2", "upload"},
            "compare": {"imagenet-v1", "imagenet-v2", "upload"},
            "image": {"camera"}}
LEFT_OUT["ev_set"] = {"upload"}          # drawn only with page_plan(own_files=True)
LOG_SCALE = {"di", "dj", "h", "w", "points", "gen_index", "seed"}
# Page -> (module, tuple of its Params, the button that runs it, Params the section sets
# itself): sections of a page whose settings have a module of their own.
SECTIONS = {"live": ("app.settings.evidence", "PARAMS", "ev_button", ("ev_run",))}
# Settings whose widget is shown only when another setting has one value.
ONLY_WITH = {"gen_class": ("image", "generated"), "gen_index": ("image", "generated"),
             "ev_n": ("ev_set", "generated")}


@dataclass(frozen=True)
class Change:
    """One interaction: set URL setting ``name`` (its widget key is ``url_<name>``) to
    ``value``; ``upload`` is (PNG bytes, file name) for the image upload; ``button``: press
    the button whose key is ``name`` (``value`` is where it leads, for presenter steps)."""
    name: str
    value: object
    upload: tuple[bytes, str] | None = None
    button: bool = False
    files: tuple[tuple[bytes, str], ...] = ()     # several files into one uploader


def page_params(module: str) -> dict[str, Param]:
    """{URL name: Param} of the settings module ``module``'s ``PARAMS``, in order."""
    return {p.name: p for p in importlib.import_module(module).PARAMS}


def all_params() -> dict[str, dict[str, Param]]:
    """{page: {name: Param}} for the pages students explore, plus the sidebar's seed."""
    from app.ui import SEED
    params = {page: page_params(module) for page, module in PAGE_SETTINGS.items()}
    params["relu"] = {**params["relu"], "seed": SEED}
    for page, (module, attr, _, internal) in SECTIONS.items():
        section = getattr(importlib.import_module(module), attr)
        params[page] = {**params[page], **{p.name: p for p in section if p.name not in internal}}
    return params


def draw(p: Param, rng: random.Random, keep_default: float = KEEP_DEFAULT):
    """One value of ``p``: its default with probability ``keep_default``, else uniform over
    its range (log-uniform for the names in ``LOG_SCALE``), leaving out ``LEFT_OUT``."""
    if rng.random() < keep_default and (p.kind != "choice" or p.default in p.choices):
        return p.default
    if p.kind == "choice":
        allowed = [c for c in p.choices if c not in LEFT_OUT.get(p.name, ())]
        return rng.choice(allowed)
    lo, hi = p.lo, p.hi
    if p.kind == "float":
        return round(rng.uniform(lo, hi), 2)
    if p.name in LOG_SCALE:
        # log-uniform on [lo + 1, hi + 1] shifted back: defined for lo = 0 too.
        v = math.exp(rng.uniform(math.log(lo + 1), math.log(hi + 1))) - 1
        return int(min(hi, max(lo, round(v))))
    return rng.randint(int(lo), int(hi))


def page_plan(page: str, rng: random.Random, params: dict[str, dict[str, Param]],
              own_files: bool = False) -> list[Change]:
    """The changes one student makes on ``page`` after loading it, in order. ``own_files``:
    on the live page the student always uploads an image of its own, and a small set of
    its own (``UPLOAD_SET`` images) into the evidence tab (``bench/load.py --cluster``)."""
    own = params[page]
    if page == "presenter":
        return presenter_steps(rng, own["slide"])
    names = list(TOUCHED[page])
    if page == "live":      # the hook: settings the live page gained since (evidence section)
        names += [n for n in own if n not in names]
    changes, current = [], {name: p.default for name, p in own.items()}
    for name in names:
        p = own[name]
        if name in ONLY_WITH and current.get(ONLY_WITH[name][0]) != ONLY_WITH[name][1]:
            continue
        value = current[name] = draw(p, rng)
        if own_files and name in ("image", "ev_set"):
            value = current[name] = "upload"
        if name == "ev_set" and value == "upload":
            changes.append(Change(name, value))
            changes.append(Change("ev_upload", None, files=tuple(
                upload_png(rng) for _ in range(UPLOAD_SET))))
            continue
        if name == "image" and value == "upload":
            changes.append(Change(name, value))
            changes.append(Change("live_image", None, upload=upload_png(rng)))
            continue
        changes.append(Change(name, value))
    section = SECTIONS.get(page)
    if section and any(n in own for n in names if n not in TOUCHED[page]):
        changes.append(Change(section[2], True, button=True))    # run the section
    return changes


def presenter_steps(rng: random.Random, slide: Param) -> list[Change]:
    """Next and Back presses that wander through the slides and stay inside them: a
    teacher going forward, sometimes back to show something again."""
    steps, at = [], int(slide.default)
    for _ in range(rng.randint(3, 6)):
        forward = at < slide.hi and (at == slide.lo or rng.random() < 0.7)
        at += 1 if forward else -1
        steps.append(Change("presenter_next" if forward else "presenter_back", at, button=True))
    return steps


UPLOAD_SET = 4        # images a student uploads into the evidence tab (own_files)


def upload_png(rng: random.Random) -> tuple[bytes, str]:
    """A distinct small PNG for one student (64-320 px a side, gradients and noise), made in
    memory: (bytes, file name)."""
    import numpy as np
    from PIL import Image
    h, w = rng.randint(64, 320), rng.randint(64, 320)
    gen = np.random.default_rng(rng.getrandbits(32))
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.stack([xx / w, yy / h, (xx + yy) / (w + h)], axis=-1) * gen.uniform(80, 255, 3)
    pixels = np.clip(base + gen.normal(0, 25, (h, w, 3)), 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG")
    return out.getvalue(), f"student_{rng.getrandbits(24):06x}.png"


def in_range(p: Param, value) -> bool:
    """True when ``value`` is one the page accepts for ``p`` (the tests' check)."""
    if p.kind == "choice":
        return value in p.choices
    kind = int if p.kind == "int" else (int, float)
    return isinstance(value, kind) and not isinstance(value, bool) and p.lo <= value <= p.hi
