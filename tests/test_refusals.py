"""Every refusal a user can meet, triggered for real and read in Korean.

Images, data sets and checkpoints are refused with ``i18n.messages.Refusal``: a translation
key and the values in it. Each test here makes the bad input, catches what the code raises
and renders it in Korean: Hangul, no English sentence of the app left, the user's own names
kept, no server path. ``test_every_refusal_is_triggered`` holds the list to the table, so a
new refusal needs a case here.
"""
from __future__ import annotations

import io
import os
import pickle
import re
import zipfile

import numpy as np
import pytest
import torch
from PIL import Image

from i18n import TABLE, t
from i18n.messages import Message, Refusal
from i18n.strings.refusals import TEXT as REFUSALS
from model.evidence.image_sets import from_paths, from_uploads
from model.images import ImageError, load_image
from model.mobilenetv2 import mobilenet_v2
from model.weights import WeightsError, load_weights, read_state_dict
from services.weights import load_source

pytestmark = pytest.mark.unit

HANGUL = re.compile(r"[\uac00-\ud7a3]")
WIDTH, CLASSES = 0.35, 10
TRIGGERED: set[str] = set()
# Refusals no test here can trigger honestly, and why.
NOT_TRIGGERED = {
    "refusal.cluster.no_workers": "tests/test_cluster.py asks a scheduler with no worker",
    "refusal.cluster.no_project": "tests/test_cluster.py starts a scheduler outside the project",
    "refusal.worker.died": "tests/test_cluster.py kills workers (Dask then reruns the task)",
    "refusal.image.text_mode": "a programming error of a caller (a text-mode file object)",
    "refusal.image.no_pixels": "Pillow refuses a zero-size image as no image at all first",
    "refusal.set.member_over_limit": "zipfile stops reading at the size an archive declares",
}


def keys_in(message: Message) -> set[str]:
    found = {message.key}
    for v in message.values.values():
        if isinstance(v, Message):
            found |= keys_in(v)
    return found


def korean(exc: Refusal | Message, *names: str) -> str:
    """``exc`` in Korean, checked: Hangul, ``names`` kept, no English template left."""
    messages = exc.messages if isinstance(exc, Refusal) else (exc,)
    for m in messages:
        TRIGGERED.update(keys_in(m))
    ko = " ".join(m.render("ko") for m in messages)
    en = " ".join(m.render("en") for m in messages)
    assert HANGUL.search(ko), ko
    for name in names:
        assert name in ko and name in en, (name, ko)
    # The English words of the app's own templates do not survive into the Korean.
    for m in messages:
        for key in keys_in(m):
            words = re.sub(r"\{[^}]*\}", " ", TABLE[key][0])
            for phrase in re.findall(r"[A-Za-z][a-z]{3,}(?: [a-z]{3,}){2,}", words):
                assert phrase not in ko, (key, phrase, ko)
    return ko


def image_refusal(source, **kw) -> ImageError:
    with pytest.raises(ImageError) as info:
        load_image(source, **kw)
    return info.value


def _png(size=(8, 8), noise: bool = False) -> bytes:
    out = io.BytesIO()
    if noise:     # incompressible: a cut file is missing pixels, not just its end marker
        pixels = np.random.default_rng(0).integers(0, 255, (*size, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(out, "PNG")
    else:
        Image.new("RGB", size, (10, 20, 30)).save(out, "PNG")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    import struct
    import zlib
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# -- images -----------------------------------------------------------------------------------
def test_image_refusals_in_korean(tmp_path):
    korean(image_refusal(tmp_path / "absent.png"), "absent.png")
    folder = tmp_path / "photos"
    folder.mkdir()
    assert "폴더" in korean(image_refusal(folder), "photos")
    big = tmp_path / "big.png"
    big.write_bytes(b"x" * 2000)
    korean(image_refusal(big, max_bytes=1000), "big.png")
    korean(image_refusal(b"x" * 2000, name="big2.png", max_bytes=1000), "big2.png")
    korean(image_refusal(12345, name="n.png"), "n.png")
    korean(image_refusal(b"", name="empty.png"), "empty.png")
    korean(image_refusal(_png((64, 64)), name="many.png", max_pixels=100), "many.png")
    korean(image_refusal(b"just text", name="notes.png"), "notes.png")
    cut = _png((64, 64), noise=True)
    korean(image_refusal(cut[:len(cut) // 2], name="cut.png"), "cut.png")
    with pytest.raises(ImageError) as info:
        from model.images import load_batch
        load_batch([])
    korean(info.value)


def test_bomb_and_unreadable_and_no_pixels_in_korean():
    # A PNG header that declares 100000 x 100000 pixels (no pixel data): Pillow's bomb guard.
    header = _png()
    bomb = bytearray(header)
    bomb[16:24] = (100000).to_bytes(4, "big") * 2
    err = image_refusal(bytes(bomb), name="bomb.png", max_pixels=10 ** 12)
    TRIGGERED.add("refusal.image.bomb")   # Pillow's own limit (set by runtime.configure) or ours
    korean(err, "bomb.png")
    gif = b"GIF89a" + (0).to_bytes(2, "little") * 2 + b"\x00\x00\x00;"
    korean(image_refusal(gif, name="zero.gif"), "zero.gif")
    import struct
    header = _chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
    broken = b"\x89PNG\r\n\x1a\n" + header + _chunk(b"IDAT", b"not zlib") + _chunk(b"IEND", b"")
    korean(image_refusal(broken, name="broken.png"), "broken.png")
    from model.evidence.image_sets import from_arrays
    built = from_arrays([np.zeros((8, 8, 3), np.float32)], ["floats"], resolution=32)
    korean(built.rejected[0][1])


def test_float_tiff_with_nan_or_infinity_is_refused_naming_how_many(tmp_path):
    a = np.linspace(0, 1, 64, dtype=np.float32).reshape(8, 8)
    a[0, :3] = np.nan
    a[1, 0] = np.inf
    path = tmp_path / "float.tif"
    Image.fromarray(a, "F").save(path)
    err = image_refusal(path)
    assert err.key == "refusal.named" and "4 of the image's 64 pixels" in str(err)
    korean(err, "float.tif")
    a[np.isnan(a) | np.isinf(a)] = 0.5           # a finite float TIFF still loads
    Image.fromarray(a, "F").save(path)
    assert load_image(path).size == (8, 8)


# -- data sets --------------------------------------------------------------------------------
def test_data_set_reasons_in_korean(tmp_path, monkeypatch):
    import model.evidence.image_sets as sets
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.png", _png())
        z.writestr("notes.txt", b"hello")
        z.writestr("b.png", b"x" * 50)
    monkeypatch.setattr(sets, "MAX_ZIP_MEMBERS", 2)
    built = from_uploads([("set.zip", archive.getvalue()), ("bad.zip", b"PK\x03\x04broken"),
                          ("arr", b"not an image")], resolution=32)
    reasons = dict(built.rejected)
    for name, reason in built.rejected:
        korean(reason)
    assert "notes.txt" not in str(reasons.get("set.zip/notes.txt", ""))   # the name is beside it
    monkeypatch.setattr(sets, "MAX_ZIP_MEMBERS", 2000)
    monkeypatch.setattr(sets, "MAX_IMAGE_BYTES", 40)           # a.png and b.png: too large
    for reason in dict(from_uploads([("set.zip", archive.getvalue())], resolution=32).rejected).values():
        korean(reason)
    monkeypatch.setattr(sets, "MAX_IMAGE_BYTES", 100)
    monkeypatch.setattr(sets, "MAX_ZIP_TOTAL_BYTES", 80)        # a.png, then notes.txt: over
    for reason in dict(from_uploads([("set.zip", archive.getvalue())], resolution=32).rejected).values():
        korean(reason)
    monkeypatch.setattr(sets, "MAX_SET_IMAGES", 1)
    for reason in dict(from_uploads([("1.png", _png()), ("2.png", _png())], resolution=32).rejected).values():
        korean(reason)
    monkeypatch.undo()
    empty = tmp_path / "empty"
    empty.mkdir()
    big_zip = tmp_path / "big.zip"
    big_zip.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    monkeypatch.setattr(sets, "MAX_ZIP_TOTAL_BYTES", 50)
    built = from_paths([empty, tmp_path / "absent.png", big_zip], resolution=32)
    assert len(built.rejected) == 3
    for _, reason in built.rejected:
        korean(reason)
    # A member that cannot be read (an unknown compression method), and a member over the
    # per-image limit once read (its header understates it).
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("x.png", _png())
    raw = bytearray(archive.getvalue())
    raw[8:10] = (99).to_bytes(2, "little")                     # local header: method 99
    central = raw.find(b"PK\x01\x02")
    raw[central + 10:central + 12] = (99).to_bytes(2, "little")
    monkeypatch.undo()
    for reason in dict(from_uploads([("odd.zip", bytes(raw))], resolution=32).rejected).values():
        korean(reason)


def test_data_set_over_the_resolution_limit_and_without_uploads_in_korean(monkeypatch):
    from services import evidence as service
    from services.weights import describe_source
    weights = describe_source("embedded")
    query = service.EvidenceQuery(weights.id, "upload", 6, 0, 64)
    with pytest.raises(Refusal) as info:
        service.build_image_set(query, None)
    korean(info.value)
    monkeypatch.setattr(service, "max_images", lambda resolution: 1)
    built = service.build_image_set(query, [("1.png", _png()), ("2.png", _png())])
    korean(built.rejected[-1][1])


# -- checkpoints ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def state():
    torch.manual_seed(0)
    return {k: v.clone() for k, v in mobilenet_v2(WIDTH, CLASSES).state_dict().items()}


def _upload(obj) -> bytes:
    out = io.BytesIO()
    torch.save(obj, out)
    return out.getvalue()


def _zip_of_text() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("notes.txt", "not a checkpoint")
    return out.getvalue()


def weights_refusal(**kw) -> WeightsError:
    with pytest.raises(WeightsError) as info:
        load_source("upload", **kw)
    return info.value


def test_checkpoint_refusals_in_korean_name_the_users_file_and_no_server_path(state, tmp_path):
    name = "내 모델 [v2].pth"
    cases = {
        "empty": b"",
        "garbage": b"not a checkpoint",
        # a pickle torch's reader stops in the middle of (a persistent id that is a string)
        "odd_pickle": b"\x80\x02X\x03\x00\x00\x00abcQ.",
        "zip_without_pickle": _zip_of_text(),
        "runs_code": _upload({**state, "x": os.system}),
        "list": _upload([1, 2]),
        "entry": _upload({**state, "x": 3}),
        "nan": _upload({**state, "features.0.0.weight": state["features.0.0.weight"] * float("nan")}),
        "extra": _upload({**state, "extra.weight": torch.zeros(2)}),
        "other": _upload({"conv.weight": torch.zeros(4, 3, 3, 3)}),
        "missing": _upload({k: v for k, v in state.items() if k != "classifier.1.bias"}),
        "stem": _upload({**state, "features.0.0.weight": torch.zeros(20, 3, 3, 3)}),
    }
    for case, data in cases.items():
        err = weights_refusal(upload=data, upload_name=name)
        ko = korean(err, name)
        en = str(err)
        assert "/tmp" not in en and "upload.pth" not in en and tempfile_dir() not in en, (case, en)
        assert "/tmp" not in ko, (case, ko)
    korean(weights_refusal(upload=None))
    assert "pickle" not in str(weights_refusal(upload=_upload({**state, "x": os.system}), upload_name=name))


def tempfile_dir() -> str:
    import tempfile
    return tempfile.gettempdir()


def test_one_tensor_of_the_wrong_shape_is_named_with_both_shapes(state):
    bad = dict(state)
    key = "features.5.conv.1.0.weight"
    bad[key] = torch.zeros(7, 1, 3, 3)
    err = weights_refusal(upload=_upload(bad), upload_name="one_wrong.pth")
    text = str(err)
    assert key in text and "(7, 1, 3, 3)" in text and str(tuple(state[key].shape)) in text, text
    assert "width_mult 0.35" in text, text
    ko = korean(err, "one_wrong.pth", key)
    assert "(7, 1, 3, 3)" in ko


def test_a_non_mobilenet_checkpoint_is_explained_whole(state):
    """The app's own explanation is complete (it once ended "...; it may … (183 characters)")."""
    err = weights_refusal(upload=_upload({"conv.weight": torch.zeros(4, 3, 3, 3)}),
                          upload_name="resnet.pth")
    assert str(err).endswith("it may be another architecture"), str(err)


def test_weights_refusals_of_files_and_sources_in_korean(state, tmp_path):
    with pytest.raises(WeightsError) as info:
        read_state_dict(tmp_path / "absent.pth")
    korean(info.value)
    with pytest.raises(WeightsError) as info:
        load_weights(mobilenet_v2(WIDTH, CLASSES), "no-such-source")
    korean(info.value)
    with pytest.raises(WeightsError) as info:
        load_weights(mobilenet_v2(WIDTH, CLASSES), "random", seed=1.5)
    korean(info.value)
    with pytest.raises(WeightsError) as info:
        load_weights(mobilenet_v2(1.0, 1000), "embedded")
    korean(info.value)
    path = tmp_path / "plain.pth"
    path.write_bytes(pickle.dumps({"w": [1.0]}, protocol=4))
    with pytest.raises(WeightsError) as info:
        read_state_dict(path)
    korean(info.value, "plain.pth")
    # A state dict that fits another width exactly: the sentence says how to build it.
    with pytest.raises(WeightsError) as info:
        load_weights(mobilenet_v2(0.5, CLASSES), tmp_path / "w.pth") if torch.save(
            state, tmp_path / "w.pth") is None else None
    korean(info.value)
    # The shipped file missing: its message says how to make it.
    from model import registry
    entry = registry.WEIGHTS["embedded"]
    missing = registry.WeightSpec(**{**entry.__dict__, "file": "absent_for_test.pth"})
    original = registry.WEIGHTS["embedded"]
    registry.WEIGHTS["embedded"] = missing
    try:
        with pytest.raises(WeightsError) as info:
            registry.require_shipped_file("embedded")
    finally:
        registry.WEIGHTS["embedded"] = original
    korean(info.value)
    # The model-architecture refusal of a wrong width given for a shipped source.
    with pytest.raises(WeightsError) as info:
        load_weights(mobilenet_v2(1.0, 10), "embedded")
    korean(info.value)


def test_download_refusals_in_korean(tmp_path, monkeypatch):
    """Every way a download of published weights fails, for real against an HTTP server on a
    loopback port (tests/loopback.py; nothing leaves the machine), in Korean."""
    import socket
    import threading
    import time

    from loopback import CHUNK, Loopback, hang_up, published, redirect, send, status
    from model import registry
    from model.download import MIRROR_ENV, DownloadError, download
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", MIRROR_ENV):
        monkeypatch.delenv(name, raising=False)
    file, data = published({"w": torch.arange(100_000, dtype=torch.float32)})
    entry = registry.WeightSpec("test-net", 1.0, 1000, 224, "linear", file=file, shipped=False,
                                download_mib=len(data) / (1 << 20))

    def refusal(**kwargs) -> DownloadError:
        with pytest.raises(DownloadError) as info:
            download(entry, **kwargs)
        return info.value
    with Loopback() as server:
        host, path = f"127.0.0.1:{server.port}", f"/models/{file}"
        monkeypatch.setattr(registry, "DOWNLOAD_ROOT", server.url("/models/"))
        for answer, kept in ((status(404), host), (send(b"<html>in</html>", kind="text/html"), host),
                             (redirect(server.url(path, host="localhost")), host),
                             (send(data, stop_after=999), file), (send(data[::-1]), file),
                             (hang_up, host)):
            server.route(path, answer)
            korean(refusal(), kept)
        server.route(path, send(data, stall_after=CHUNK))
        korean(refusal(timeout=0.3), host)
        small = registry.WeightSpec(**{**entry.__dict__, "download_mib": 0.01})
        server.route(path, send(data))
        with pytest.raises(DownloadError) as info:
            download(small)
        korean(info.value, file)
        # The secure connection fails: https to a server that speaks plain http.
        monkeypatch.setattr(registry, "DOWNLOAD_ROOT", server.url("/models/", scheme="https"))
        korean(refusal(), host)
        # The loader's own sentence in front of the download's.
        monkeypatch.setitem(registry.WEIGHTS, "imagenet-v1", entry)
        server.route(path, status(500))
        monkeypatch.setattr(registry, "DOWNLOAD_ROOT", server.url("/models/"))
        with pytest.raises(WeightsError) as info:
            load_weights(mobilenet_v2(1.0, 1000), "imagenet-v1")
        korean(info.value, "imagenet-v1", "500")
        # A caller waiting for a download that its starter cancelled (Ctrl-C).
        server.route(path, send(data, delay=0.05))
        errors = []
        from model import download as downloads

        def cancel(done, total):
            # Ctrl-C only once the follower has joined this download (its listener is
            # registered); before, a busy machine let it start a fresh one after the cancel.
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                flight = downloads._flights.get(downloads.destination(entry))
                if flight is not None and len(flight.listeners) >= 2:
                    break
                time.sleep(0.01)
            raise KeyboardInterrupt

        def follower():
            time.sleep(0.2)
            try:
                download(entry, progress=lambda done, total: None)
            except DownloadError as e:
                errors.append(e)
        thread = threading.Thread(target=follower)
        thread.start()
        with pytest.raises(KeyboardInterrupt):
            download(entry, progress=cancel)
        thread.join(10)
        korean(errors[0], file)
    # No connection: nothing listens on the port; the host's name is not found.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"127.0.0.1:{s.getsockname()[1]}"
    monkeypatch.setattr(registry, "DOWNLOAD_ROOT", f"http://{closed}/models/")
    korean(refusal(), closed)

    def no_names(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    with monkeypatch.context() as m:
        m.setattr(socket, "getaddrinfo", no_names)
        m.setattr(registry, "DOWNLOAD_ROOT", "https://weights.school.invalid/models/")
        korean(refusal(), "weights.school.invalid")
    # A mirror that is no web address; a cache folder that cannot be made.
    monkeypatch.setenv(MIRROR_ENV, "ftp://files.school.invalid/")
    korean(refusal(), "ftp://files.school.invalid/")
    monkeypatch.delenv(MIRROR_ENV)
    (tmp_path / "not_a_folder").write_text("a file")
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "not_a_folder"))
    with Loopback() as server:
        monkeypatch.setattr(registry, "DOWNLOAD_ROOT", server.url("/models/"))
        server.route(f"/models/{file}", send(data))
        korean(refusal(), file)


def test_an_unreachable_scheduler_in_korean(monkeypatch):
    import socket

    from services import cluster
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{s.getsockname()[1]}"     # nobody listens there
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1)
    with pytest.raises(cluster.SchedulerUnreachable) as info:
        cluster._connect(address)
    korean(info.value, address, "MANIFOLD_LAB_SCHEDULER")


def test_a_refusal_crosses_a_pickle_whole():
    err = ImageError("refusal.image.empty", name="a.png")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is ImageError and back.messages == err.messages and str(back) == str(err)


# -- the table --------------------------------------------------------------------------------
def test_every_refusal_has_korean_with_the_same_values():
    for key, (en, ko) in REFUSALS.items():
        assert HANGUL.search(ko) or key in ("refusal.named", "refusal.fit.and",
                                           "refusal.set.other", "refusal.weights.runs_code_what"), key
        assert sorted(re.findall(r"\{(\w+)", en)) == sorted(re.findall(r"\{(\w+)", ko)), key
        assert "(를)" not in ko and "(가)" not in ko and "(는)" not in ko, key
        assert t(key, "en") == en


def test_every_refusal_is_triggered():
    """Runs last in this module (pytest keeps file order): each refusal key was rendered in
    Korean by a test above, or is listed with why not."""
    structural = {"refusal.named", "refusal.fit.and", "refusal.weights.runs_code_what",
                  "refusal.fit.classes_note", "refusal.set.other"}
    missing = set(REFUSALS) - TRIGGERED - set(NOT_TRIGGERED) - structural
    assert not missing, sorted(missing)
