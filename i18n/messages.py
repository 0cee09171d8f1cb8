"""Sentences the app says, kept as a translation key and the values in it until shown.

A refusal raised deep in ``model/`` (an unreadable image, a checkpoint that runs code) is read
by a student in the page's language, by a researcher on a command line in English, and may
cross from a Dask worker in between. So it is raised as a ``Refusal`` holding
``Message``s, not as a finished English string: ``str()`` gives the English (command lines,
logs), the app renders it in the page's language with every outside value (a file name, a
library's own error text) shown as plain text, and the app's own words whole.

Values: ``Message`` (a nested sentence of the app's), ``Own`` (a string of the app's own,
such as a list of formats), numbers, and any other string, which is outside text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


class Own(str):
    """A string value of the app's own making (shown as it is, never shortened)."""


@dataclass(frozen=True)
class Message:
    """One sentence: the translation ``key`` and the ``values`` its template formats."""
    key: str
    values: dict = field(default_factory=dict)

    def render(self, lang: str = "en", outside: Callable[[str], str] = str) -> str:
        """The sentence in ``lang``; ``outside`` shows each outside string value (the app:
        ``app.notices.plain``)."""
        from . import t
        return t(self.key, lang, **{k: _value(v, lang, outside) for k, v in self.values.items()})

    def __str__(self) -> str:
        return self.render()


def _value(v, lang: str, outside: Callable[[str], str]):
    if isinstance(v, Message):
        return v.render(lang, outside)
    if isinstance(v, Own):
        return str(v)
    if isinstance(v, (int, float)):
        return v
    return outside(str(v))


def say(key: str, /, **values) -> Message:
    """``Message(key, values)``: the short way to write one."""
    return Message(key, values)


class Refusal(ValueError):
    """Input the app will not use, and why, as ``Message``s (shown joined by spaces).

    ``Refusal("refusal.image.empty", name=...)`` or ``Refusal(message, message, ...)``.
    A ValueError, as the callers expect of bad input; pickled whole (a Dask worker sends
    it back as it is)."""

    def __init__(self, *messages: Message | str, **values):
        if len(messages) == 1 and isinstance(messages[0], str):
            messages = (Message(messages[0], values),)
        elif values or not messages or not all(isinstance(m, Message) for m in messages):
            raise TypeError("Refusal(key, **values) or Refusal(Message, ...)")
        self.messages: tuple[Message, ...] = tuple(messages)
        super().__init__(self.render())

    def render(self, lang: str = "en", outside: Callable[[str], str] = str) -> str:
        return " ".join(m.render(lang, outside) for m in self.messages)

    @property
    def key(self) -> str:
        """The first sentence's key (what the refusal is, for tests and logs)."""
        return self.messages[0].key

    def __reduce__(self):
        return (_rebuild, (type(self), self.messages))


def _rebuild(cls, messages):
    return cls(*messages)
