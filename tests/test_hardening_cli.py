"""Command lines bound their work and fail early in one line (issue 10, section 5).

- ``python -m model.dimension_profile --resolution`` has an upper bound (4096 used to run,
  with 6 GB of memory);
- ``python -m app.export --out`` at a file, under a file or at a folder that cannot be written
  gives a one-line error before any figure is built (it used to be a traceback after all of
  them were built).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest


pytestmark = pytest.mark.unit


# -- model.dimension_profile --resolution -----------------------------------------------------
@pytest.mark.parametrize("resolution", ["4096", "1025", "100000"])
def test_resolution_above_the_bound_is_refused_first(tmp_path, capsys, resolution):
    from model.dimension_profile import MAX_RESOLUTION, main
    # The image does not exist: the bound must be what stops the run, not the image.
    code = main([str(tmp_path / "never_read.png"), "--weights", "random", "--width", "0.35",
                 "--resolution", resolution])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"error: --resolution must be from 32 to {MAX_RESOLUTION} pixels, "
                          f"got {resolution}"), err
    assert len(err.strip().splitlines()) == 1


def test_resolution_at_the_bound_is_allowed(tmp_path, capsys):
    from model.dimension_profile import main
    code = main([str(tmp_path / "missing.png"), "--weights", "random", "--resolution", "1024"])
    err = capsys.readouterr().err
    assert code == 2 and "missing.png: no such file" in err and "--resolution" not in err


# -- app.export --out -------------------------------------------------------------------------
def _unwritable_folder(tmp_path: Path) -> Path:
    """An existing folder this process cannot create files in."""
    if os.geteuid() != 0:
        folder = tmp_path / "read_only"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    sysfs = Path("/sys")       # root may write anywhere on disk, but not into sysfs's root
    try:
        (sysfs / "manifold_lab_probe").touch()
    except OSError:
        return sysfs
    pytest.skip("no folder here refuses writes to this process")


@pytest.fixture
def no_figures_built(monkeypatch):
    import app.export as export

    def refuse(*args, **kwargs):
        raise AssertionError("a figure was built before --out was checked")
    monkeypatch.setattr(export, "all_figure_specs", refuse)
    return export


@pytest.mark.parametrize("where", ["file", "under_file", "unwritable"])
def test_export_out_that_cannot_be_written_fails_before_building(tmp_path, capsys,
                                                                 no_figures_built, where):
    a_file = tmp_path / "slides.pdf"
    a_file.write_bytes(b"%PDF-1.4 not a folder")
    out = {"file": a_file, "under_file": a_file / "export" / "deeper",
           "unwritable": _unwritable_folder(tmp_path) if where == "unwritable" else None}[where]
    code = no_figures_built.main(["--out", str(out), "--formats", "html"])
    printed = capsys.readouterr().err
    assert code == 2
    assert printed.startswith("error: ") and str(out) in printed, printed
    assert len(printed.strip().splitlines()) == 1, printed
    expected = {"file": "is a file, not a folder", "under_file": f"is under {a_file}, which is a file",
                "unwritable": "cannot write into --out"}[where]
    assert expected in printed


def test_export_out_is_created_when_missing(tmp_path):
    from app.export import unwritable_reason
    out = tmp_path / "new" / "deeper"
    assert unwritable_reason(out) == ""
    assert out.is_dir() and list(out.iterdir()) == []     # the probe file is gone
