"""The live classes of one server, as plain data: who teaches, which slide the class sees, the
polls and their counts. No Dask, no Streamlit, no clock of its own (``now`` is passed in), so
it is tested as it is; ``services.live_class`` holds one ``Classes`` in the Dask scheduler and
calls it from there (one event loop: every call is atomic).

Every call returns a dict: ``{"ok": True, ...}`` or ``{"ok": False, "error": KEY}`` with
``KEY`` one of ``ERRORS`` (a translation key ``class.error.<KEY>``). Nothing raises for bad
input: the values come from students' browsers through the app, and every one is checked
here (type, range, length) before it is used.

What is kept is anonymous: a student is a random token its browser session made, and a poll
keeps the tokens that answered (so each answers once) and a count per choice or bin, not the
answers. A class is gone when its teacher ends it or after ``TEACHER_TTL_S`` without the
teacher; nothing is written anywhere.
"""
from __future__ import annotations

import hmac
import math
import re
import secrets
from dataclasses import dataclass, field

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"   # no 0/O, 1/I/L: read off a projector
CODE_LENGTH = 6                                     # 31**6: about 887 million codes
CODE_PATTERN = re.compile(rf"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
TEACHER_KEY_BYTES = 24          # 192 bits, never in a join link
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
MAX_STUDENTS = 500              # a class's members seen within MEMBER_TTL_S
MAX_CLASSES = 50                # open classes per server
TEACHER_TTL_S = 3 * 3600        # a class without its teacher for this long is gone
MEMBER_TTL_S = 600              # a student not seen for this long frees a place
MAX_SLIDES = 64
MAX_CHOICES = 8
MAX_BINS = 20
# Lookups of a code that is not a class: a bucket for the whole server (students' sessions are
# free to make, so a per-session limit alone bounds nothing). 2 a second on average, 30 at
# once: 887 million codes and at most 50 classes take months of guessing per hit.
GUESS_BURST = 30
GUESS_RATE_PER_S = 2.0
ERRORS = ("format", "unknown", "too_many_guesses", "full", "server_full", "not_teacher",
          "closed", "answered", "bad_answer", "bad_request")


def _fail(key: str) -> dict:
    """A refusal: ``{"ok": False, "error": key}``."""
    assert key in ERRORS, key
    return {"ok": False, "error": key}


def _ok(**values) -> dict:
    return {"ok": True, **values}


def normalise_code(raw) -> str | None:
    """``raw`` as a class code (upper case, spaces and dashes dropped), or None when it is
    not one: a wrong shape is refused without a lookup."""
    if not isinstance(raw, str) or len(raw) > 32:
        return None
    code = re.sub(r"[\s-]", "", raw).upper()
    return code if CODE_PATTERN.fullmatch(code) else None


@dataclass
class Question:
    """A poll's shape, as the teacher's page gives it: ``choices`` answers to pick from, or
    a number in [lo, hi] counted in bins of ``step``."""
    kind: str                  # "choice" | "number"
    choices: int = 0
    lo: float = 0.0
    hi: float = 0.0
    step: float = 1.0

    @property
    def bins(self) -> int:
        """How many counts the poll keeps."""
        if self.kind == "choice":
            return self.choices
        return max(1, math.ceil((self.hi - self.lo) / self.step))

    def bin_of(self, answer) -> int | None:
        """The count an answer adds to, or None when the answer is not one of this poll's:
        a choice's index, or a finite number inside [lo, hi] (bools are no answers)."""
        if isinstance(answer, bool) or not isinstance(answer, (int, float)):
            return None
        if self.kind == "choice":
            return int(answer) if isinstance(answer, int) and 0 <= answer < self.choices else None
        if not math.isfinite(answer) or not self.lo <= answer <= self.hi:
            return None
        return min(int((answer - self.lo) // self.step), self.bins - 1)


def parse_question(raw) -> Question | None:
    """A poll's shape from the teacher's page, checked: None when it is not one."""
    if not isinstance(raw, dict):
        return None
    kind = raw.get("kind")
    if kind == "choice":
        n = raw.get("choices")
        if isinstance(n, int) and not isinstance(n, bool) and 2 <= n <= MAX_CHOICES:
            return Question("choice", choices=n)
        return None
    if kind == "number":
        lo, hi, step = (raw.get(k) for k in ("lo", "hi", "step"))
        numbers = (lo, hi, step)
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                   for v in numbers):
            return None
        q = Question("number", lo=float(lo), hi=float(hi), step=float(step))
        return q if hi > lo and step > 0 and q.bins <= MAX_BINS else None
    return None


@dataclass
class Poll:
    """One slide's poll: open or closed, the tokens that answered and the counts."""
    question: Question
    open: bool = True
    counts: list[int] = field(default_factory=list)
    answered: set[str] = field(default_factory=set)

    def public(self) -> dict:
        return {"open": self.open, "counts": list(self.counts), "answers": sum(self.counts)}


@dataclass
class Class:
    """One live class: the teacher's key, what the class sees and its polls."""
    code: str
    teacher_key: str
    teacher_seen: float
    slide: int = 1
    lang: str = "en"
    version: int = 1                       # +1 at every change a follower must redraw for
    polls: dict[int, Poll] = field(default_factory=dict)
    members: dict[str, float] = field(default_factory=dict)   # token -> last seen

    def view(self, now: float) -> dict:
        """What every follower sees: the slide, the language, the current slide's poll (its
        counts only once it is closed: a class answers before it sees the others')."""
        poll = self.polls.get(self.slide)
        shown = None
        if poll is not None:
            shown = {"open": poll.open, "answers": sum(poll.counts)}
            if not poll.open:
                shown["counts"] = list(poll.counts)
        return {"code": self.code, "slide": self.slide, "lang": self.lang,
                "version": self.version, "poll": shown,
                "students": self.active_members(now)}

    def active_members(self, now: float) -> int:
        return sum(1 for seen in self.members.values() if now - seen <= MEMBER_TTL_S)


class Classes:
    """Every live class of the server, with the bucket that slows down code guessing."""

    def __init__(self, langs: tuple[str, ...] = ("en", "ko")):
        self.classes: dict[str, Class] = {}
        self.langs = langs
        self._guesses = float(GUESS_BURST)
        self._guesses_at: float | None = None

    # -- upkeep ------------------------------------------------------------------------
    def expire(self, now: float) -> None:
        """Forget classes whose teacher was away too long, and members long gone."""
        for code in [c for c, k in self.classes.items() if now - k.teacher_seen > TEACHER_TTL_S]:
            del self.classes[code]
        for k in self.classes.values():
            for token in [t for t, seen in k.members.items() if now - seen > MEMBER_TTL_S]:
                del k.members[token]

    def _new_code(self) -> str:
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in self.classes:
                return code

    def _guess_allowed(self, now: float) -> bool:
        """Take one failed lookup from the server's bucket; False when it is empty."""
        if self._guesses_at is not None:
            self._guesses = min(GUESS_BURST, self._guesses
                                + (now - self._guesses_at) * GUESS_RATE_PER_S)
        self._guesses_at = now
        if self._guesses < 1:
            return False
        self._guesses -= 1
        return True

    def _find(self, raw_code, now: float) -> Class | dict:
        """The class of ``raw_code``, or a refusal (a miss costs from the guess bucket)."""
        code = normalise_code(raw_code)
        if code is None:
            return _fail("format")
        found = self.classes.get(code)
        if found is None:
            return _fail("unknown" if self._guess_allowed(now) else "too_many_guesses")
        return found

    def _teacher(self, raw_code, key, now: float) -> Class | dict:
        """The class when ``key`` is its teacher's (compared in constant time)."""
        found = self._find(raw_code, now)
        if isinstance(found, dict):
            return found
        if not isinstance(key, str) or not hmac.compare_digest(key.encode(),
                                                               found.teacher_key.encode()):
            return _fail("not_teacher")
        found.teacher_seen = now
        return found

    # -- the teacher's actions ------------------------------------------------------------
    def start(self, now: float, slide=1, lang="en") -> dict:
        """A new class: ``{"code", "key"}`` (the key is the teacher's alone)."""
        self.expire(now)
        if len(self.classes) >= MAX_CLASSES:
            return _fail("server_full")
        if not self._valid_slide(slide) or lang not in self.langs:
            return _fail("bad_request")
        code = self._new_code()
        key = secrets.token_urlsafe(TEACHER_KEY_BYTES)
        self.classes[code] = Class(code, key, now, slide=slide, lang=lang)
        return _ok(code=code, key=key)

    @staticmethod
    def _valid_slide(slide) -> bool:
        return isinstance(slide, int) and not isinstance(slide, bool) and 1 <= slide <= MAX_SLIDES

    def show(self, code, key, now: float, slide=None, lang=None) -> dict:
        """The teacher moves the class to ``slide`` in ``lang``; the same again changes
        nothing (the version moves only on a change)."""
        k = self._teacher(code, key, now)
        if isinstance(k, dict):
            return k
        if not self._valid_slide(slide) or lang not in self.langs:
            return _fail("bad_request")
        if (k.slide, k.lang) != (slide, lang):
            k.slide, k.lang = slide, lang
            k.version += 1
        return _ok(view=k.view(now))

    def open_poll(self, code, key, now: float, slide=None, question=None) -> dict:
        """Open ``slide``'s poll (a closed one opens again with its counts; the students who
        answered stay answered). The same again changes nothing."""
        k = self._teacher(code, key, now)
        if isinstance(k, dict):
            return k
        q = parse_question(question)
        if not self._valid_slide(slide) or q is None:
            return _fail("bad_request")
        poll = k.polls.get(slide)
        if poll is None or poll.question != q:
            k.polls[slide] = Poll(q, counts=[0] * q.bins)
            k.version += 1
        elif not poll.open:
            poll.open = True
            k.version += 1
        return _ok(view=k.view(now))

    def close_poll(self, code, key, now: float, slide=None) -> dict:
        """Close ``slide``'s poll: no more answers, and the class sees the counts."""
        k = self._teacher(code, key, now)
        if isinstance(k, dict):
            return k
        poll = k.polls.get(slide) if self._valid_slide(slide) else None
        if poll is None:
            return _fail("bad_request")
        if poll.open:
            poll.open = False
            k.version += 1
        return _ok(view=k.view(now))

    def results(self, code, key, now: float, slide=None) -> dict:
        """The teacher's live view of ``slide``'s poll: open, counts (None: no poll yet)."""
        k = self._teacher(code, key, now)
        if isinstance(k, dict):
            return k
        poll = k.polls.get(slide) if self._valid_slide(slide) else None
        return _ok(poll=poll.public() if poll else None, view=k.view(now))

    def end(self, code, key, now: float) -> dict:
        """End the class: its state is gone at once."""
        k = self._teacher(code, key, now)
        if isinstance(k, dict):
            return k
        del self.classes[k.code]
        return _ok()

    # -- the students' ----------------------------------------------------------------------
    def view(self, code, now: float) -> dict:
        """What the class sees now (a follower's poll): ``{"view": ...}``."""
        self.expire(now)
        k = self._find(code, now)
        return k if isinstance(k, dict) else _ok(view=k.view(now))

    def join(self, code, token, now: float) -> dict:
        """A student joins (or is seen again): refused when the class is full."""
        self.expire(now)
        k = self._find(code, now)
        if isinstance(k, dict):
            return k
        if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
            return _fail("bad_request")
        if token not in k.members and k.active_members(now) >= MAX_STUDENTS:
            return _fail("full")
        k.members[token] = now
        return _ok(view=k.view(now))

    def answer(self, code, token, now: float, slide=None, answer=None) -> dict:
        """A student's one answer to ``slide``'s open poll, counted; a second answer, an
        answer to a closed poll or another slide's, or a value that is not one of the
        poll's answers changes nothing."""
        joined = self.join(code, token, now)
        if not joined["ok"]:
            return joined
        k = self.classes[normalise_code(code)]
        poll = k.polls.get(slide) if self._valid_slide(slide) else None
        if poll is None or not poll.open or slide != k.slide:
            return _fail("closed")
        if token in poll.answered:
            return _fail("answered")
        index = poll.question.bin_of(answer)
        if index is None:
            return _fail("bad_answer")
        poll.answered.add(token)
        poll.counts[index] += 1
        return _ok()
