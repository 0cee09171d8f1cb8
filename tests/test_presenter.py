"""Presenter mode: the lecture comes from the figure registry, the slide lives in the URL,
Back/Next step through it, and a bad slide number in a link is clamped or ignored."""
import json

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from conftest import APP, APP_TIMEOUT, open_page
from figures.catalog import FigureSpec
from i18n import TABLE
from app.figure_sources.lecture import registered_sources, slide_spec, source_specs
from figures.lecture import LECTURE, SlideUnavailable, for_projection, pick

pytestmark = pytest.mark.app

PAGE = "views/presenter.py"


def _presenter(**query) -> AppTest:
    return open_page(PAGE, **query)


def test_lecture_has_texts_and_unique_figures():
    # Figure 1, collapse, block, the profile, Figure 7 and the information kept over a data
    # set, the ablation.
    assert [s.key for s in LECTURE] == ["figure1", "collapse", "block", "profile", "figure7",
                                        "recovery", "ablation"]
    assert all(s.source == "app.figure_sources.evidence:figure_specs" for s in LECTURE[3:6])
    assert len({s.figure for s in LECTURE}) == len(LECTURE)
    for slide in LECTURE:
        assert f"lecture.{slide.key}.title" in TABLE and f"lecture.{slide.key}.text" in TABLE


def test_figure1_slide_says_its_panels_are_single_draws():
    """Slide 1 (and its deck page, the same text) says each panel is one draw of T and points
    to slide 2's curve over seeds: at the lecture's seed n = 5 shows 1.2% collapsed against
    the theory's 18.75%."""
    english, korean = TABLE["lecture.figure1.text"]
    assert "single draw of T" in english and "slide 2 averages over seeds" in english
    assert "T를 한 번 뽑은 결과" in korean and "2번 슬라이드" in korean


def test_registered_slides_build_their_figure_from_the_registry():
    """Every slide's figure is built by its registered source (presenter mode has no figure
    code of its own): each source is run once, as the export runs it, and must make the
    slide's figure, with data, in the slide's language."""
    sources = registered_sources()
    assert all(s.source in sources for s in LECTURE), [s.source for s in LECTURE]
    built = {source: source_specs(source, "ko", 0) for source in {s.source for s in LECTURE}}
    for slide in LECTURE:
        spec = pick(built[slide.source], slide)
        # Something drawn (Table 1 is shapes and labels, no traces) and its numbers for the CSV.
        assert spec.figure.data or spec.figure.layout.shapes, slide
        assert spec.name == slide.figure and len(spec.data) > 0, slide
        assert spec.caption and any("\uac00" <= ch <= "\ud7a3" for ch in spec.caption), spec.caption
    # slide_spec is that lookup for one slide.
    assert slide_spec(LECTURE[0], "ko", 0).caption == pick(built[LECTURE[0].source], LECTURE[0]).caption


def test_pick_names_what_is_missing():
    spec = FigureSpec("a", "caption", {}, go.Figure())
    with pytest.raises(SlideUnavailable, match="makes no figure named"):
        pick([spec], LECTURE[0])


def test_for_projection_enlarges_text_and_leaves_original_alone():
    fig = go.Figure(go.Scatter(x=[1], y=[2]), layout=dict(title="t", height=300))
    fig.add_annotation(text="a", font=dict(size=10))
    big = for_projection(fig, scale=2, height=700)
    assert big.layout.height == 700 and big.layout.annotations[0].font.size == 20
    assert fig.layout.height == 300 and fig.layout.annotations[0].font.size == 10
    with pytest.raises(ValueError, match="positive"):
        for_projection(fig, scale=0)


def test_presenter_steps_forward_and_back_with_slide_in_url():
    at = _presenter()
    assert at.query_params["slide"] == "1"
    charts = at.get("plotly_chart")
    assert charts, "slide 1 shows the Figure 1 grid"
    spec = json.loads(charts[0].proto.spec)
    assert len(spec["data"]) == 6          # input + five widths
    assert at.button(key="presenter_back").disabled
    at.button(key="presenter_next").click().run()
    assert not at.exception
    assert at.query_params["slide"] == "2"
    assert "2" in at.title[0].value
    at.button(key="presenter_back").click().run()
    assert at.query_params["slide"] == "1"


def test_a_slide_is_enlarged_for_the_projector_once(monkeypatch):
    """Every run of presenter mode draws its slide; the projector's copy of the figure is made
    once per figure for the server (it took 0.1-0.2 s of CPU a run), the same for every run."""
    import app.slide_view
    made = []
    original = app.slide_view.for_projection
    monkeypatch.setattr(app.slide_view, "for_projection",
                        lambda figure, **k: made.append(figure) or original(figure, **k))
    monkeypatch.setattr(app.slide_view, "_sized", {}, raising=False)   # none made before here
    at = _presenter(slide="1")     # slides 1 and 2: built already by the tests above
    first = at.get("plotly_chart")[0].proto.spec
    at.button(key="presenter_next").click().run()
    at.button(key="presenter_back").click().run()
    at.run()                                        # a rerun with nothing changed
    assert not at.exception and at.query_params["slide"] == "1"
    assert at.get("plotly_chart")[0].proto.spec == first
    assert len(made) == 2          # slide 1's and slide 2's, once each


@pytest.mark.parametrize("raw, expected, notice", [("99", len(LECTURE), True), ("-3", 1, True),
                                                   ("nan", 1, True), ("2", 2, False)])
def test_slide_from_link_is_validated(raw, expected, notice):
    at = _presenter(slide=raw)
    assert at.title[0].value.startswith(f"{expected} ·")
    assert bool([w for w in at.warning if "slide" in w.value]) == notice


def test_presenter_in_korean():
    at = _presenter(lang="ko")
    assert at.title[0].value == TABLE["lecture.figure1.title"][1]
    assert at.button(key="presenter_next").label == "다음"


def test_language_button_switches_and_keeps_the_slide():
    at = _presenter(slide="2")
    assert at.button(key="presenter_language").label == "한국어"
    at.button(key="presenter_language").click().run()
    assert not at.exception
    assert at.title[0].value == TABLE["lecture.collapse.title"][1]
    assert at.query_params["lang"] == "ko" and at.query_params["slide"] == "2"
    assert at.button(key="presenter_language").label == "English"


def test_home_links_to_presenter():
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT).run()
    assert not at.exception
    links = [link.proto.page for link in at.get("page_link")]
    assert any("presenter" in page for page in links)


def test_slides_are_the_lectures_whatever_seed_the_visitor_set():
    """A student who set seed 7 on the ReLU page sees the lecture's slides (its seed, the
    handout's), so the server builds them once for the whole class."""
    from app.ui import SEED
    from app.urlstate import widget_key
    from figures.lecture import LECTURE_SEED
    lecture = _presenter()
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params["seed"] = "7"
    at.run()
    at.switch_page("views/relu_manifolds.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception and at.session_state[widget_key(SEED)] == 7 != LECTURE_SEED
    shown = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert shown and shown == [json.loads(c.proto.spec) for c in lecture.get("plotly_chart")]
