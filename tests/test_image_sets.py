"""model.evidence.image_sets: generated sets, files, folders and .zip archives (bad members
skipped)."""
import io
import zipfile

import numpy as np
import pytest
import torch
from PIL import Image

from model.evidence import image_sets
from model.evidence.image_sets import from_arrays, from_paths, from_uploads, generated
from model.images import preprocess

pytestmark = pytest.mark.unit


def png(size=(40, 30), colour=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, format="PNG")
    return buf.getvalue()


def archive(members: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("photos/", b"")                      # a folder entry: not an image, not listed
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_generated_is_balanced_seeded_and_sized():
    s = generated(13, seed=3, resolution=16)
    assert s.images.shape == (13, 16, 16, 3) and s.images.dtype == np.uint8
    counts = np.bincount(s.labels, minlength=10)
    assert counts.max() - counts.min() <= 1
    assert np.array_equal(generated(13, seed=3, resolution=16).images, s.images)
    assert not np.array_equal(generated(13, seed=4, resolution=16).images, s.images)
    assert len(s.names) == 13 and s.rejected == ()
    with pytest.raises(ValueError, match="n must be"):
        generated(0)
    with pytest.raises(ValueError, match="resolution"):
        generated(5, resolution=8)


def test_crop_matches_preprocess_exactly():
    photo = np.random.default_rng(0).integers(0, 256, size=(90, 140, 3), dtype=np.uint8)
    s = from_arrays([photo], resolution=48)
    x = torch.from_numpy(s.images[0]).permute(2, 0, 1).float() / 255
    mean = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)
    torch.testing.assert_close((x - mean) / std, preprocess(Image.fromarray(photo), crop=48),
                               atol=1e-5, rtol=0)
    bad = from_arrays([photo, photo.astype(np.float32)], names=["good", "float"], resolution=48)
    assert len(bad) == 1 and bad.rejected[0][0] == "float"


def test_zip_with_bad_members_keeps_the_rest():
    data = archive({"photos/a.png": png(), "photos/b.png": png(colour=(0, 90, 0)),
                    "photos/bad.png": b"\x89PNG broken", "notes.txt": b"hello"})
    s = from_uploads([("set.zip", data), ("single.png", png((64, 64)))], resolution=32)
    assert len(s) == 3 and s.images.shape == (3, 32, 32, 3)
    assert s.names == ("set.zip/photos/a.png", "set.zip/photos/b.png", "single.png")
    rejected = dict(s.rejected)
    assert set(rejected) == {"set.zip/photos/bad.png", "set.zip/notes.txt"}
    assert all(reason for reason in rejected.values())
    broken = from_uploads([("fake.zip", b"PK\x03\x04 not really a zip")], resolution=32)
    assert len(broken) == 0 and "not a readable .zip" in str(broken.rejected[0][1])


def test_zip_limits_against_bombs(monkeypatch):
    many = archive({f"{i}.png": png() for i in range(6)})
    monkeypatch.setattr(image_sets, "MAX_ZIP_MEMBERS", 4)
    s = from_uploads([("many.zip", many)], resolution=32)
    assert len(s) == 4 and "more than 4 members" in str(s.rejected[-1][1])
    monkeypatch.setattr(image_sets, "MAX_ZIP_MEMBERS", 2000)
    big = png((300, 300))
    monkeypatch.setattr(image_sets, "MAX_IMAGE_BYTES", len(big) - 1)
    s = from_uploads([("big.zip", archive({"big.png": big, "small.png": png()}))], resolution=32)
    assert s.names == ("big.zip/small.png",) and "limit" in str(dict(s.rejected)["big.zip/big.png"])
    monkeypatch.setattr(image_sets, "MAX_IMAGE_BYTES", 64 << 20)
    monkeypatch.setattr(image_sets, "MAX_ZIP_TOTAL_BYTES", 2 * len(png()) + 10)
    s = from_uploads([("total.zip", many)], resolution=32)
    assert len(s) == 2 and "add up to more than" in str(s.rejected[-1][1])
    # a bomb: 8 MB of zeros compressed to ~8 kB, over a 1 MB limit, is refused from its
    # header, unread (the real limit is 64 MB; the size does not change the path)
    monkeypatch.setattr(image_sets, "MAX_ZIP_TOTAL_BYTES", 512 << 20)
    monkeypatch.setattr(image_sets, "MAX_IMAGE_BYTES", 1 << 20)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("zeros.png", b"\0" * (8 << 20))
    assert len(buf.getvalue()) < 100_000
    s = from_uploads([("bomb.zip", buf.getvalue())], resolution=32)
    assert len(s) == 0 and "MB limit" in str(s.rejected[0][1])


def test_paths_folders_and_missing(tmp_path):
    (tmp_path / "one.png").write_bytes(png())
    (tmp_path / "two.jpg").write_bytes(b"garbage")
    (tmp_path / "readme.md").write_text("not an image")      # not an image suffix: not tried
    (tmp_path / "more.zip").write_bytes(archive({"x.png": png()}))
    s = from_paths([tmp_path, tmp_path / "absent.png"], resolution=32)
    assert len(s) == 2 and s.names[0].endswith("more.zip/x.png") and s.names[1].endswith("one.png")
    rejected = dict(s.rejected)
    assert str(tmp_path / "absent.png") in rejected and str(tmp_path / "two.jpg") in rejected
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no image files" in str(from_paths([empty], resolution=32).rejected[0][1])


def test_a_set_may_be_given_more_room_than_the_apps(tmp_path):
    # the command line's --max-images: the app's sets stop at MAX_SET_IMAGES
    from model.evidence.__main__ import load_images
    from model.evidence.image_sets import MAX_SET_IMAGES
    with pytest.raises(ValueError, match=str(MAX_SET_IMAGES)):
        generated(MAX_SET_IMAGES + 1, resolution=32)
    assert len(generated(3, resolution=32, max_images=3)) == 3
    with pytest.raises(ValueError):
        generated(3, resolution=32, max_images=2)
    with pytest.raises(ValueError, match="max_images"):
        generated(3, resolution=32, max_images=0)
    for i in range(3):
        Image.new("RGB", (40, 40), (60 * i, 0, 0)).save(tmp_path / f"{i}.png")
    with pytest.raises(ValueError, match="generated:3 is more than --max-images 2"):
        load_images(["generated:3"], resolution=32, resize=None, seed=0, max_images=2)
    built = load_images([str(tmp_path)], resolution=32, resize=None, seed=0, max_images=2)
    assert len(built) == 2 and [n for n, _ in built.rejected] == [str(tmp_path / "2.png")]
    assert "2 images" in str(built.rejected[0][1])


@pytest.mark.parametrize("bad", ["0", "-3", "ten"])
def test_max_images_is_a_whole_number_of_at_least_one(bad, capsys):
    from model.evidence.__main__ import main
    with pytest.raises(SystemExit) as exit_:
        main(["--weights", "embedded", "--images", "generated:4", "--max-images", bad])
    assert exit_.value.code == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "--max-images" in line and repr(bad) in line
