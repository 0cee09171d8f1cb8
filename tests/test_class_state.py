"""The live classes' state (services/class_state.py) and its scheduler handler, without Dask:
codes and keys, the teacher's actions, one answer per student, bounds, guessing, expiry; the
lecture's questions and their measured values (figures/lecture_questions.py)."""
import math

import pytest

from services import class_state as cs
from services.live_class import LiveClassPlugin

pytestmark = pytest.mark.unit

TOKEN = "s" * 20


def started(classes=None, now=0.0):
    classes = classes or cs.Classes()
    answer = classes.start(now)
    assert answer["ok"]
    return classes, answer["code"], answer["key"]


def test_a_class_has_a_short_code_and_an_unguessable_teacher_key():
    classes, code, key = started()
    assert cs.CODE_PATTERN.fullmatch(code)
    assert len(key) * 6 >= 128 and key not in code
    view = classes.view(code, 1.0)["view"]
    assert key not in repr(view) and view["slide"] == 1


@pytest.mark.parametrize("raw", ["", "abc", "ABCDEFG", "<script>", "ABC DEF\n", None, 123,
                                 "ÀBCDEF", "ABCDE0", "x" * 10_000, ["ABCDEF"]])
def test_a_code_of_the_wrong_shape_is_refused_without_a_lookup(raw):
    classes = cs.Classes()
    if cs.normalise_code(raw) is None:
        assert classes.view(raw, 0.0) == {"ok": False, "error": "format"}
        assert classes._guesses == cs.GUESS_BURST      # no guess was spent


def test_a_typed_code_is_forgiving_about_case_spaces_and_dashes():
    classes, code, _ = started()
    assert classes.view(f" {code[:3].lower()}-{code[3:]} ", 0.0)["ok"]


def test_only_the_teacher_moves_the_class_and_a_replay_changes_nothing():
    classes, code, key = started()
    assert classes.show(code, "x" * 32, 1.0, slide=3, lang="en")["error"] == "not_teacher"
    assert classes.show(code, None, 1.0, slide=3, lang="en")["error"] == "not_teacher"
    first = classes.show(code, key, 1.0, slide=3, lang="ko")["view"]
    again = classes.show(code, key, 2.0, slide=3, lang="ko")["view"]
    assert first["version"] == again["version"] and again["slide"] == 3
    for bad in ({"slide": 0, "lang": "en"}, {"slide": True, "lang": "en"},
                {"slide": 2, "lang": "fr"}, {"slide": 10**9, "lang": "en"}):
        assert classes.show(code, key, 3.0, **bad)["error"] == "bad_request"
    assert classes.view(code, 4.0)["view"]["slide"] == 3


def test_each_student_answers_once_and_only_an_open_poll_of_the_current_slide():
    classes, code, key = started()
    question = {"kind": "choice", "choices": 3}
    assert classes.answer(code, TOKEN, 1.0, slide=1, answer=0)["error"] == "closed"
    classes.open_poll(code, key, 1.0, slide=1, question=question)
    assert classes.open_poll(code, key, 1.5, slide=1, question=question)["view"]["version"] == 2
    assert classes.answer(code, TOKEN, 2.0, slide=1, answer=2)["ok"]
    assert classes.answer(code, TOKEN, 2.1, slide=1, answer=1)["error"] == "answered"
    assert classes.answer(code, "t" * 20, 2.2, slide=2, answer=1)["error"] == "closed"
    classes.close_poll(code, key, 3.0, slide=1)
    assert classes.answer(code, "u" * 20, 3.1, slide=1, answer=1)["error"] == "closed"
    poll = classes.results(code, key, 4.0, slide=1)["poll"]
    assert poll == {"open": False, "counts": [0, 0, 1], "answers": 1}
    assert classes.view(code, 4.0)["view"]["poll"]["counts"] == [0, 0, 1]
    assert classes.results(code, "nope", 4.0, slide=1)["error"] == "not_teacher"


@pytest.mark.parametrize("bad", [True, "1", None, 3, -1, 1.0, [0], {"a": 1}])
def test_a_choice_that_is_not_one_is_refused(bad):
    classes, code, key = started()
    classes.open_poll(code, key, 1.0, slide=1, question={"kind": "choice", "choices": 3})
    assert classes.answer(code, TOKEN, 2.0, slide=1, answer=bad)["error"] == "bad_answer"
    assert classes.results(code, key, 2.0, slide=1)["poll"]["answers"] == 0


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, -0.1, 100.5, 1e308, "50"])
def test_a_number_outside_the_question_is_refused(bad):
    classes, code, key = started()
    classes.open_poll(code, key, 1.0, slide=1,
                      question={"kind": "number", "lo": 0, "hi": 100, "step": 10})
    assert classes.answer(code, TOKEN, 2.0, slide=1, answer=bad)["error"] == "bad_answer"
    for i, good in enumerate((0, 9.99, 10, 100)):
        assert classes.answer(code, f"{i}" * 20, 2.0, slide=1, answer=good)["ok"]
    assert classes.results(code, key, 2.0, slide=1)["poll"]["counts"] == [2, 1] + [0] * 7 + [1]


@pytest.mark.parametrize("question", [None, {"kind": "choice", "choices": 1},
                                      {"kind": "choice", "choices": 99},
                                      {"kind": "number", "lo": 0, "hi": 1e9, "step": 1},
                                      {"kind": "number", "lo": 5, "hi": 5, "step": 1},
                                      {"kind": "number", "lo": 0, "hi": math.nan, "step": 1},
                                      {"kind": "vote"}])
def test_a_poll_of_unbounded_or_odd_shape_is_refused(question):
    classes, code, key = started()
    assert classes.open_poll(code, key, 1.0, slide=1, question=question)["error"] == "bad_request"


def test_a_class_holds_at_most_500_students_and_a_server_50_classes(monkeypatch):
    classes, code, _ = started()
    for i in range(cs.MAX_STUDENTS):
        assert classes.join(code, f"{i:020d}", 1.0)["ok"]
    assert classes.join(code, "z" * 20, 1.0)["error"] == "full"
    assert classes.join(code, f"{7:020d}", 2.0)["ok"]          # a member comes back
    assert classes.join(code, "z" * 20, 2.0 + cs.MEMBER_TTL_S + 1)["ok"]   # places free up
    for _ in range(cs.MAX_CLASSES - 1):
        started(classes)
    assert classes.start(3.0)["error"] == "server_full"


def test_wrong_codes_are_slowed_down_for_the_whole_server():
    classes = cs.Classes()
    answers = [classes.view("AAAAAA", 0.0)["error"] for _ in range(cs.GUESS_BURST + 5)]
    assert answers[:cs.GUESS_BURST] == ["unknown"] * cs.GUESS_BURST
    assert set(answers[cs.GUESS_BURST:]) == {"too_many_guesses"}
    assert classes.view("AAAAAA", 1.0)["error"] == "unknown"    # refilled at the rate
    # 887 million codes, 50 classes, 2 guesses a second: months per hit on average
    assert len(cs.CODE_ALPHABET) ** cs.CODE_LENGTH / cs.MAX_CLASSES / cs.GUESS_RATE_PER_S > 3e6


def test_a_class_is_gone_when_ended_or_hours_without_its_teacher():
    classes, code, key = started()
    classes.open_poll(code, key, 1.0, slide=1, question={"kind": "choice", "choices": 2})
    assert classes.end(code, "x" * 32, 2.0)["error"] == "not_teacher"
    assert classes.end(code, key, 2.0)["ok"]
    assert classes.view(code, 3.0)["error"] == "unknown" and classes.classes == {}
    classes, code, key = started(classes, now=10.0)
    classes.join(code, TOKEN, cs.TEACHER_TTL_S)               # students do not keep it alive
    assert classes.view(code, 10.0 + cs.TEACHER_TTL_S + 1)["error"] == "unknown"


def test_the_scheduler_handler_refuses_what_it_does_not_know():
    plugin = LiveClassPlugin()
    started_class = plugin.handle("start", {})
    assert started_class["ok"]
    assert plugin.handle("__init__", {})["error"] == "bad_request"
    assert plugin.handle("expire", {})["error"] == "bad_request"
    assert plugin.handle("view", None)["error"] == "bad_request"
    assert plugin.handle("view", {"code": started_class["code"], "evil": 1})["error"] == "bad_request"
    assert plugin.handle("view", {"code": started_class["code"]})["ok"]


def test_every_slide_has_a_question_whose_measured_value_is_one_of_its_answers():
    from app.figure_sources.lecture import slide_spec
    from figures.lecture import LECTURE
    from figures.lecture_questions import QUESTIONS, measured, poll_figure
    assert {s.key for s in LECTURE} == set(QUESTIONS)
    values = {}
    for slide in LECTURE:
        if slide.key in ("profile", "figure7", "recovery"):
            continue                         # a data-set measurement: the browser test's
        question = QUESTIONS[slide.key]
        assert cs.parse_question(question.shape()) is not None
        values[slide.key] = value = measured(question, slide_spec(slide))
        assert value is not None
        assert 0 <= question.bin_of(value) < len(question.labels("en"))
        figure = poll_figure(question, [1] * len(question.labels("ko")), "ko", value)
        assert "▶" in "".join(figure.data[0].y)
    assert values["block"] == 25.7               # 56·56·24·6·(24 + 9 + 24) multiply-adds
    assert values["ablation"] == 0               # linear ends higher (96.6% vs 93.1%)
    assert values["collapse"] == 2               # n = 10 is the first at <= 1%
