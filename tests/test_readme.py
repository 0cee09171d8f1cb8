"""The README as a new user reads it: the set-up is the two commands it promises, what it
names exists (commands, scripts, screenshots, the test tools, the Python version), and CI runs
the test command it gives. (The table of test marks: tests/test_markers.py; the drawing of the
layers: tests/test_layers.py; other sections have their own checks, e.g. test_block_texts.py.)"""
import re
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
PROJECT = {"app", "figures", "services", "model", "manifolds", "i18n", "runtime", "devtools"}


def section(title: str) -> str:
    """The text under ``## title`` up to the next heading of that level."""
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end if end > 0 else None]


def code_blocks(text: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", text, re.S)


def test_two_commands_are_two_commands():
    """One sets up and runs the app, one sets up and runs the tests: each a whole command on
    a fresh machine with nothing but Python."""
    blocks = code_blocks(section("Two commands"))
    lines = [line for block in blocks for line in block.splitlines() if line.strip()]
    assert len(blocks) == 2 and len(lines) == 2, lines
    venv = "python3 -m venv .venv && . .venv/bin/activate && "
    cpu = " --extra-index-url https://download.pytorch.org/whl/cpu"
    assert lines[0] == f"{venv}pip install -r requirements.txt{cpu} && python -m app"
    assert lines[1] == f"{venv}pip install -r requirements-dev.txt{cpu} && python -m pytest -q"
    # torch's CPU build from PyTorch's index (README says what it saves); the pin is in the file
    assert "torch==2.13.0" in (ROOT / "requirements.txt").read_text().splitlines()
    assert "-r requirements.txt" in (ROOT / "requirements-dev.txt").read_text().splitlines()


def test_requirements_txt_holds_only_requirements():
    """pyproject.toml reads requirements.txt as the package's requirements, where a pip
    option (an index URL, -r) is refused: such options go on the command line."""
    lines = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    assert not [line for line in lines if line.startswith("-")]


def test_the_python_version_is_pyprojects():
    required = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert required == ">=3.11"
    assert "needs Python 3.11 or newer" in section("Two commands")


def test_ci_runs_the_readmes_test_command():
    """CI's machine has its environment: it runs the second command after the set-up of the
    virtual environment and torch's index (both already there)."""
    [block] = code_blocks(section("The tests"))[:1]
    command = block.strip()
    assert command == "pip install -r requirements-dev.txt && python -m pytest -q"
    assert code_blocks(section("Two commands"))[1].strip().endswith(
        command.replace("requirements-dev.txt", "requirements-dev.txt --extra-index-url "
                        "https://download.pytorch.org/whl/cpu"))
    ci = (ROOT / ".ci" / "run").read_text()
    assert command.replace("pip install -r", "pip install -q -r") in ci


def test_the_test_tools_the_readme_names_are_requirements_devs():
    names = {re.split(r"[<>=!~\[ ]", line.strip())[0].lower()
             for line in (ROOT / "requirements-dev.txt").read_text().splitlines()
             if line.strip() and not line.startswith(("#", "-"))}
    sentence = re.search(r"`requirements-dev.txt` adds the test tools: (.*?)\.\n", section("The tests"), re.S)
    assert sentence, "the README's sentence on requirements-dev.txt"
    said = {w.lower() for w in re.findall(r"\b(pytest-xdist|pytest|Playwright|scikit-dimension|[\w-]+-py)\b",
                                          sentence.group(1))}
    assert said == names, (said, names)


def test_commands_name_modules_and_scripts_that_exist():
    missing = []
    for module in set(re.findall(r"python -m ([a-z_][\w.]*)", README)):
        if module.split(".")[0] not in PROJECT:
            continue                                  # pytest, dask, venv: not ours
        path = ROOT / module.replace(".", "/")
        if not (path.with_suffix(".py").is_file() or (path / "__main__.py").is_file()):
            missing.append(f"python -m {module}")
    for script in set(re.findall(r"python ((?:bench|docs|devtools|tests)/[\w/]+\.py)", README)):
        if not (ROOT / script).is_file():
            missing.append(f"python {script}")
    assert not missing, missing


def test_screenshots_exist_and_are_the_scripts_names():
    """docs/screenshot_pages.py writes docs/screenshot_<page>.png; the README shows those."""
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README)
    assert images and all((ROOT / image).is_file() for image in images), images
    assert all(re.fullmatch(r"docs/screenshot_\w+\.png", image) for image in images), images
    assert 'f"screenshot_{path}.png"' in (ROOT / "docs" / "screenshot_pages.py").read_text()


def _layout_row(folder: str) -> str:
    rows = [line for line in section("How the code is laid out").splitlines()
            if line.startswith(f"| `{folder}/` |")]
    assert len(rows) == 1, folder
    return rows[0]


@pytest.mark.parametrize("folder", ["app", "figures", "services", "model"])
def test_the_layout_table_names_every_module_and_nothing_gone(folder):
    """Each layer's row names every module and sub-package it holds (model/'s sub-packages'
    modules too: a newcomer looks for the evidence and the costs by file; app/'s hold one
    module per page), and every file it names exists there."""
    row = _layout_row(folder)
    named = set(re.findall(r"`([\w/]+(?:\.py)?)`", row))
    here = ROOT / folder
    expected = set()
    for path in here.rglob("*.py"):
        rel = path.relative_to(here)
        if rel.parts[0] in {"views", "__pycache__"} or path.name == "__init__.py":
            continue
        if len(rel.parts) == 1 or folder == "model":
            expected.add(path.name)
        if len(rel.parts) > 1:
            expected.add(f"{rel.parts[0]}/")
    missing = {name for name in expected if name not in named}
    assert not missing, f"README's {folder}/ row does not name {sorted(missing)}"
    files = {p.name for p in here.rglob("*.py")} | {f"{p.name}/" for p in here.iterdir()
                                                    if p.is_dir()}
    gone = {name for name in named if (name.endswith(".py") or name.endswith("/"))
            and "/" not in name.rstrip("/") and name not in files
            and name.rstrip("/") not in PROJECT | {"tests", "bench", "docs"}}
    assert not gone, f"README's {folder}/ row names files that are not there: {sorted(gone)}"
