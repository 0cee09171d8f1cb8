"""The 1000 ImageNet-1k class names in torchvision's order (index = the classifier's output).

Read from ``imagenet_classes.txt`` next to this file: torchvision's ``_IMAGENET_CATEGORIES``,
which is the Keras/ImageNet class index with underscores turned into spaces and the two
duplicated names made unique ("crane bird" at 134 vs "crane" at 517, "maillot tank suit" at
639 vs "maillot" at 638). First "tench", last "toilet tissue".
"""
from __future__ import annotations

from pathlib import Path

CLASSES_FILE = Path(__file__).resolve().parent / "imagenet_classes.txt"


def _read(path: Path = CLASSES_FILE) -> tuple[str, ...]:
    names = tuple(line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    names = tuple(n for n in names if n)
    if len(names) != 1000 or len(set(names)) != 1000:
        raise ValueError(f"{path} must list 1000 distinct class names, found {len(names)} "
                         f"({len(set(names))} distinct)")
    return names


IMAGENET_CLASSES: tuple[str, ...] = _read()
