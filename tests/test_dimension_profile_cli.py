"""python -m model.dimension_profile: formats, errors without tracebacks, exit codes."""
import json
import re

import numpy as np
import pytest
from PIL import Image

from conftest import FIXTURES

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    d = tmp_path_factory.mktemp("imgs")
    rng = np.random.default_rng(0)
    paths = []
    for i, size in enumerate([(80, 60), (50, 70)]):
        p = d / f"pic{i}.png"
        Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)).save(p)
        paths.append(str(p))
    (d / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not a jpeg")
    return paths, str(d / "broken.jpg")


def run_main(args, capsys):
    from model.dimension_profile import main
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_table_output(pictures, capsys):
    paths, _ = pictures
    code, out, err = run_main([*paths, "--weights", "random", "--width", "0.35",
                               "--resolution", "64", "--estimators", "pca,pr"], capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("# random weights, width 0.35, 64px, 2 image(s), points = pixels")
    assert lines[1].split()[:4] == ["block", "probe", "t", "C"]
    assert len(lines) == 2 + 84
    assert lines[2].split()[:2] == ["0", "input"] and lines[-1].split()[:2] == ["16", "output"]


def test_json_and_csv(pictures, capsys):
    paths, _ = pictures
    common = [paths[0], "--weights", "random", "--width", "0.35", "--resolution", "64",
              "--estimators", "pr,twonn", "--twonn-points", "100"]
    code, out, _ = run_main([*common, "--format", "json", "--points", "images"], capsys)
    doc = json.loads(out)
    assert code == 0 and doc["meta"]["points"] == "images" and len(doc["records"]) == 84
    first = doc["records"][0]
    assert first["points"] == "images" and first["pca"] is None and first["n_points"] == 1
    code, out, _ = run_main([*common, "--format", "csv"], capsys)
    header, row = out.splitlines()[:2]
    assert header.startswith("block,probe,position") and row.startswith("0,input,0")


def test_weights_file_sets_the_width(pictures, capsys):
    paths, _ = pictures
    code, out, _ = run_main([paths[0], "--weights", str(FIXTURES / "width0.35_res96" /
                                                       "state_dict.pt"),
                             "--resolution", "64", "--estimators", "pr"], capsys)
    assert code == 0 and "width 0.35" in out.splitlines()[0]


@pytest.mark.parametrize("extra, match", [
    (["--weights", "random", "BROKEN"], "broken.jpg"),
    (["--weights", "nonsense"], "unknown weights source"),
    (["--weights", "random", "--estimators", "pca,nope"], "estimators"),
    (["--weights", "random", "--width", "1.0", "--resolution", "16"], "resolution"),
])
def test_errors_exit_2_with_one_line(pictures, capsys, extra, match):
    paths, broken = pictures
    args = [paths[0]] + [broken if a == "BROKEN" else a for a in extra]
    code, out, err = run_main(args, capsys)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert re.search(match, err)
