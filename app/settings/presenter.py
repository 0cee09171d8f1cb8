"""Presenter mode's setting (``views/presenter.py``): the slide shown, 1..the lecture's
length (``figures.lecture.LECTURE``)."""
from __future__ import annotations

from app.urlstate import Param
from figures.lecture import LECTURE

SLIDE = Param("slide", 1, kind="int", lo=1, hi=len(LECTURE))
PARAMS = (SLIDE,)
