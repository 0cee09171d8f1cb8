"""The procedural data set: deterministic by seed, balanced, well-formed, varied."""
import numpy as np
import pytest

from model.synthetic import CLASSES, SHAPES, TEXTURES, make_batch, make_image

pytestmark = pytest.mark.unit


def test_classes():
    assert len(CLASSES) >= 10 and len(set(CLASSES)) == len(CLASSES)
    assert set(SHAPES) | set(TEXTURES) == set(CLASSES)


def test_batch_shapes_and_dtypes():
    images, labels = make_batch(23, seed=1, resolution=32)
    assert images.shape == (23, 32, 32, 3) and images.dtype == np.uint8
    assert labels.shape == (23,) and labels.dtype == np.int64
    assert labels.min() >= 0 and labels.max() < len(CLASSES)


def test_same_seed_same_batch():
    a_img, a_lab = make_batch(12, seed=7, resolution=32)
    b_img, b_lab = make_batch(12, seed=7, resolution=32)
    np.testing.assert_array_equal(a_img, b_img)
    np.testing.assert_array_equal(a_lab, b_lab)
    # A seed list (the training stream's form) is deterministic too.
    np.testing.assert_array_equal(make_batch(4, seed=[7, 1, 3], resolution=32)[0],
                                  make_batch(4, seed=[7, 1, 3], resolution=32)[0])


def test_different_seeds_differ():
    a_img, a_lab = make_batch(12, seed=1, resolution=32)
    b_img, b_lab = make_batch(12, seed=2, resolution=32)
    assert not np.array_equal(a_img, b_img)
    # Same label and seed-derived image: images of one class are not copies of each other.
    one = make_image(3, 0, 32)
    two = make_image(4, 0, 32)
    assert np.abs(one.astype(int) - two.astype(int)).mean() > 5


@pytest.mark.parametrize("n", [10, 25, 37])
def test_classes_balanced(n):
    _, labels = make_batch(n, seed=0, resolution=24)
    counts = np.bincount(labels, minlength=len(CLASSES))
    assert counts.sum() == n and counts.max() - counts.min() <= 1


def test_labels_shuffled():
    _, labels = make_batch(40, seed=0, resolution=24)
    assert not np.array_equal(labels, np.arange(40) % len(CLASSES))


def test_make_image_accepts_seed_or_generator():
    a = make_image(np.random.default_rng(5), 2, 32)
    b = make_image(5, 2, 32)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (32, 32, 3) and a.dtype == np.uint8


def test_images_use_the_range_and_carry_texture():
    images, _ = make_batch(20, seed=3, resolution=48)
    # Natural-photo backgrounds and noise: many distinct values, not flat colour fields.
    per_image_levels = [len(np.unique(im)) for im in images]
    assert min(per_image_levels) > 40
    assert images.std() > 30


def test_class_is_visible_in_the_image():
    """Same seed, different label: the drawn object differs, so the label is in the pixels."""
    base = make_image(11, 0, 32).astype(int)
    for label in range(1, len(CLASSES)):
        assert np.abs(make_image(11, label, 32).astype(int) - base).sum() > 0


@pytest.mark.parametrize("kwargs", [dict(n=0, seed=0), dict(n=2.5, seed=0),
                                    dict(n=4, seed=0, resolution=8)])
def test_bad_batch_parameters(kwargs):
    with pytest.raises(ValueError):
        make_batch(**kwargs)


@pytest.mark.parametrize("label", [-1, len(CLASSES), 1.5])
def test_bad_label(label):
    with pytest.raises(ValueError, match="label"):
        make_image(0, label, 32)


def test_bad_seed_type():
    with pytest.raises(ValueError, match="seed"):
        make_image("abc", 0, 32)
