"""devtools/explore.py: what bench/load.py --explore students change stays inside each
page's own ranges (the pages' Param definitions, app/settings/). A setting renamed on a page
and not here fails these tests: it is never skipped."""
import io
import random

import pytest
from PIL import Image

from app.settings import block as block_settings
from devtools.explore import (LEFT_OUT, LOG_SCALE, ONLY_WITH, PAGE_SETTINGS, SECTIONS, TOUCHED,
                              all_params, in_range, page_params, page_plan)

pytestmark = pytest.mark.unit

PARAMS = all_params()


@pytest.mark.parametrize("page", ["relu", "live", "block", "presenter"])
def test_every_drawn_setting_is_in_the_pages_range(page):
    seen = {}
    for student in range(300):
        for change in page_plan(page, random.Random(student), PARAMS):
            if change.upload or change.button and page != "presenter":
                continue
            if page == "presenter":
                slide = PARAMS["presenter"]["slide"]
                assert change.name in ("presenter_next", "presenter_back") and change.button
                assert slide.lo <= change.value <= slide.hi
                continue
            p = PARAMS[page][change.name]
            assert in_range(p, change.value), (page, change)
            assert change.value not in LEFT_OUT.get(change.name, ())
            seen.setdefault(change.name, set()).add(change.value)
    if page != "presenter":
        # Full ranges: every choice is drawn, numbers reach both ends' neighbourhoods.
        for name, values in seen.items():
            p = PARAMS[page][name]
            if p.kind == "choice":
                assert values == set(p.choices) - LEFT_OUT.get(name, set()), name
            else:
                span = p.hi - p.lo
                assert min(values) <= p.lo + 0.1 * span and max(values) >= p.hi - 0.1 * span, name


def test_students_differ_and_a_student_is_reproducible():
    plans = [tuple((c.name, c.value) for c in page_plan("block", random.Random(i), PARAMS))
             for i in range(30)]
    assert len(set(plans)) == 30
    again = tuple((c.name, c.value) for c in page_plan("block", random.Random(7), PARAMS))
    assert again == plans[7]


def test_uploads_are_distinct_decodable_pngs():
    uploads = []
    for i in range(200):
        for c in page_plan("live", random.Random(i), PARAMS):
            if c.upload:
                uploads.append(c.upload)
    assert len(uploads) >= 5
    assert len({data for data, _ in uploads}) == len(uploads)
    for data, name in uploads[:5]:
        assert name.endswith(".png")
        with Image.open(io.BytesIO(data)) as im:
            assert im.format == "PNG" and 64 <= min(im.size) and max(im.size) <= 320


def test_live_settings_without_a_plan_are_drawn_too():
    """The hook for new sections (the data-set evidence section): a live-page Param that
    TOUCHED does not name is drawn like the others."""
    from app.urlstate import Param
    params = {**PARAMS, "live": {**PARAMS["live"],
                                 "evidence_n": Param("evidence_n", 5, kind="int", lo=1, hi=9)}}
    drawn = [c for i in range(50) for c in page_plan("live", random.Random(i), params)
             if c.name == "evidence_n"]
    assert len(drawn) == 50 and all(1 <= c.value <= 9 for c in drawn)


def test_plans_name_the_pages_own_settings():
    for page, names in TOUCHED.items():
        own = set(PARAMS[page])
        assert set(names) <= own, set(names) - own
    assert set(page_params(PAGE_SETTINGS["block"])) >= {"di", "dj", "t", "k", "s", "h", "w"}
    assert block_settings.REPEATS >= 1


def test_every_name_the_plans_use_is_a_setting_of_a_page():
    """A setting renamed on a page (say ``ev_set``) and not in devtools/explore.py fails
    here, naming it, instead of being left out of the load test."""
    every = {name for params in PARAMS.values() for name in params}
    internal = {name for _, _, _, names in SECTIONS.values() for name in names}
    named = (set(LEFT_OUT) | LOG_SCALE | set(ONLY_WITH)
             | {setting for setting, _ in ONLY_WITH.values()} | internal)
    assert named - every - internal == set()
    for page, (module, attr, _, names) in SECTIONS.items():
        assert set(names) <= set(page_params(module)), (page, module, names)
    assert {"ev_set", "ev_n", "ev_probe"} <= set(PARAMS["live"])


def test_the_evidence_section_is_explored():
    presses = 0
    for i in range(100):
        plan = page_plan("live", random.Random(i), PARAMS)
        ev_set = next(c.value for c in plan if c.name == "ev_set")
        names = [c.name for c in plan]
        assert ("ev_n" in names) == (ev_set == "generated")     # shown only for that set
        assert names[-1] == "ev_button" and plan[-1].button      # then Run is pressed
        presses += 1
    assert presses == 100
