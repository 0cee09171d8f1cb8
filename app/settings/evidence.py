"""The settings of the live page's "Evidence over a data set" tab
(``app/evidence_section.py``): the image set, the number of images, the probe point, and
``ev_run`` (1 in a shared link runs the measurement when the page opens)."""
from __future__ import annotations

from app.urlstate import Param
from services import evidence as ev
from services.live import PROBE_CHOICES

SET = Param("ev_set", "generated", kind="choice", choices=ev.IMAGE_SETS)
N = Param("ev_n", str(ev.DEFAULT_N), kind="choice", choices=tuple(str(n) for n in ev.N_IMAGES))
PROBE = Param("ev_probe", "input", kind="choice", choices=PROBE_CHOICES)
RUN = Param("ev_run", 0, kind="int", lo=0, hi=1)
PARAMS = (SET, N, PROBE, RUN)
