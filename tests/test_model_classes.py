"""The ImageNet class names: torchvision's 1000, in its order."""
import pytest
from model import IMAGENET_CLASSES
from model.imagenet_classes import CLASSES_FILE

pytestmark = pytest.mark.unit


def test_imagenet_classes():
    assert len(IMAGENET_CLASSES) == 1000 and len(set(IMAGENET_CLASSES)) == 1000
    assert IMAGENET_CLASSES[0] == "tench" and IMAGENET_CLASSES[-1] == "toilet tissue"
    # Spot checks against torchvision's _IMAGENET_CATEGORIES, including the two names it made
    # unique and a few the classifiers are often shown with.
    expected = {1: "goldfish", 134: "crane bird", 207: "golden retriever", 281: "tabby",
                285: "Egyptian cat", 517: "crane", 638: "maillot", 639: "maillot tank suit",
                817: "sports car", 954: "banana", 999: "toilet tissue"}
    assert {i: IMAGENET_CLASSES[i] for i in expected} == expected
    assert all(name == name.strip() and "_" not in name for name in IMAGENET_CLASSES)
    assert CLASSES_FILE.read_text(encoding="utf-8").count("\n") == 1000
