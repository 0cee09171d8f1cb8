"""Korean particles follow the word before them (i18n/korean.py): no "을(를)" on a page."""
import re

import pytest

from i18n import TABLE, t
from i18n.korean import attach_particles, final_consonant

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("text, expected", [
    ("나선은(는)", "나선은"), ("relu을(를)", "relu를"), ("linear은(는)", "linear는"),
    ("원은(는)", "원은"), ("tanh이(가)", "tanh가"), ("gelu을(를)", "gelu를"),
    ("ReLU6은(는)", "ReLU6은"), ("softplus을(를)", "softplus를"), ("swiss roll은(는)", "swiss roll은"),
    ("`spiral`을(를)", "`spiral`을"), ("**나선**을(를)", "**나선**을"), ("moons이(가)", "moons가"),
    ("선(으)로", "선으로"), ("나선(으)로", "나선으로"), ("원(으)로", "원으로"), ("말(으)로", "말로"),
    ("시드 3)을(를)", "시드 3)을"), ("시드 2)을(를)", "시드 2)를"), ("8(으)로", "8로"),
    ("...을(를)", "...을(를)"),
])
def test_particle_follows_the_word(text, expected):
    assert attach_particles(text) == expected


def test_hangul_finals():
    assert final_consonant("나선") == "other" and final_consonant("나") == "" and final_consonant("말") == "ㄹ"


def test_no_placeholder_is_left_in_any_korean_text_once_filled():
    """Every Korean template, its fields filled with a Hangul word, an English word and a
    number in turn, shows a chosen particle."""
    for key, (_, ko) in TABLE.items():
        fields = dict(re.findall(r"(?<![%{])\{(\w+)(:[^}]*)?\}", ko))     # name -> format spec
        for filler in ("나선", "relu", "linear", 8):
            text = t(key, "ko", **{f: 8 if spec else filler for f, spec in fields.items()})
            assert not re.search(r"\((을|를|은|는|이|가|으)\)", text), (key, text)


def test_relu_notes_pick_particles_for_every_input():
    """The ReLU page's notes name the input before a particle: the helper picks it ("3차원
    스위스 롤은", "원은", "두 개의 달은"), and no "(3차원)" is left inside brackets."""
    from figures.relu import ReluSettings, page_notes
    notes = page_notes(ReluSettings(input_name="swiss_roll"), 3, "ko", collapses=True)
    assert "3차원 스위스 롤은 이 페이지가" in notes["assumptions"]
    assert "(여기서는 3차원 스위스 롤)를" in notes["intro"]
    moons = page_notes(ReluSettings(input_name="moons"), 2, "ko", collapses=True)
    assert "두 개의 달은 이 페이지가" in moons["assumptions"]
    for text in list(notes.values()) + list(moons.values()):
        assert not re.search(r"\((을|를|은|는|이|가|으)\)", text), text
