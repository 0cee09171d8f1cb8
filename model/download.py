"""Download a published checkpoint (torchvision's ImageNet MobileNetV2) into torch hub's cache,
safely and without torch: the app's server, its workers and the command line use it.

>>> download("imagenet-v1", progress=lambda done, total: ...)   # -> the file's Path

- Only the registry's URL (``WeightSpec.url``) is fetched, or the same file name under a
  mirror (``MANIFOLD_LAB_WEIGHTS_MIRROR=URL``, a school's file server); a redirect to another
  host (or from https to http) is refused.
- The body is streamed into a temporary file beside the destination, at most
  ``SIZE_MARGIN`` times the published size; its SHA-256 must start with the prefix
  torchvision puts in the file name (as ``torch.hub.load_state_dict_from_url(check_hash=True)``
  checks) before one ``os.replace`` puts it where the loader looks. A failure of any kind,
  Ctrl-C included, deletes the temporary file; a killed process leaves a hidden
  ``.partial`` file, never the checkpoint's name (deleted by the next download after a day).
- A server that sends nothing for ``timeout`` seconds is given up; a web page (a network's
  sign-in page) is refused before it is written.
- One download per file per process: callers that ask while it runs wait for it, are told its
  progress, and get its file or its error (a class pressing Download at once fetches once).
  Two processes downloading at once each write their own temporary file; the renames put the
  same verified bytes in place.

Every failure is a ``DownloadError`` (a ``WeightsError``): one line, in the page's language in
the app. The loader (``model.weights``) still reads the file with ``weights_only=True``.
"""
from __future__ import annotations

import hashlib
import os
import re
import socket
import ssl
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPException, IncompleteRead
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from i18n.messages import Own, say

from .registry import WeightSpec, WeightsError, hub_checkpoints, spec

MIRROR_ENV = "MANIFOLD_LAB_WEIGHTS_MIRROR"
STALL_TIMEOUT_S = 30.0        # seconds without a byte before a download is given up
CHUNK = 1 << 16
SIZE_MARGIN = 1.25            # the most a body may exceed the published size by
MAX_REDIRECTS = 3
STALE_PARTIAL_S = 24 * 3600   # a temporary file this old is a killed download's
# torch.hub's rule: the hex digits after the last "-" of the file name start its SHA-256.
HASH_IN_NAME = re.compile(r"-([a-f0-9]{8,})\.[A-Za-z]+$")
WEB_PAGE_TYPES = ("text/html", "application/xhtml")

Progress = Callable[[int, "int | None"], None]    # (bytes so far, bytes announced or None)


class DownloadError(WeightsError):
    """A download that did not put a verified file in place, and why (one line)."""


def expected_sha256(entry: WeightSpec) -> str:
    """The SHA-256 prefix (hex) published in ``entry.file``'s name."""
    found = HASH_IN_NAME.search(entry.file)
    if not found:
        raise ValueError(f"{entry.file!r} carries no SHA-256 prefix in its name")
    return found.group(1)


def mirror_url(value: str | None = None) -> str | None:
    """The mirror to fetch from: ``value``, else ``$MANIFOLD_LAB_WEIGHTS_MIRROR``; None when
    neither is set. ``DownloadError`` unless it is an http(s) address."""
    value = (value if value is not None else os.environ.get(MIRROR_ENV, "")).strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DownloadError("refusal.download.mirror", env=Own(MIRROR_ENV), value=value)
    return value if value.endswith("/") else value + "/"


def source_url(entry: WeightSpec, mirror: str | None = None) -> str:
    """Where ``entry``'s file is fetched from: the mirror's folder when one is set, else the
    registry's URL."""
    if entry.shipped or entry.url is None:
        raise ValueError(f"{entry.name!r} is shipped with the app, not downloaded")
    base = mirror_url(mirror)
    return base + entry.file if base else entry.url


def size_limit(entry: WeightSpec) -> int:
    """The most bytes ``entry``'s download may have."""
    return int((entry.download_mib or 0) * SIZE_MARGIN * (1 << 20))


def destination(entry: WeightSpec) -> Path:
    """Where the loader looks for ``entry``'s file (torch hub's checkpoint folder)."""
    return hub_checkpoints() / entry.file


# -- one download per file per process -------------------------------------------------------
@dataclass(eq=False)
class _Flight:
    listeners: list = field(default_factory=list)
    finished: threading.Event = field(default_factory=threading.Event)
    result: Path | None = None
    error: DownloadError | None = None

    def report(self, done: int, total: int | None) -> None:
        for listener in list(self.listeners):
            listener(done, total)


_flights: dict[Path, _Flight] = {}
_flights_lock = threading.Lock()


def download(source: str | WeightSpec, *, progress: Progress | None = None,
             timeout: float = STALL_TIMEOUT_S, mirror: str | None = None) -> Path:
    """The path of ``source``'s file (a registry name or its spec) in torch hub's cache,
    downloaded and verified first when it is not there. ``progress(done, total)`` is called
    as bytes arrive (also for a download another thread started). ``mirror``: as
    ``mirror_url``. Raises ``DownloadError``."""
    entry = spec(source) if isinstance(source, str) else source
    url = source_url(entry, mirror)          # a bad mirror is said before anything else
    dest = destination(entry)
    if dest.is_file():
        return dest
    with _flights_lock:
        flight = _flights.get(dest)
        leader = flight is None
        if leader:
            flight = _flights[dest] = _Flight()
        if progress is not None:
            flight.listeners.append(progress)
    if not leader:
        flight.finished.wait()
        if flight.error is not None:
            raise DownloadError(*flight.error.messages)
        return flight.result
    try:
        flight.result = dest if dest.is_file() else _transfer(entry, url, dest, flight.report,
                                                               timeout)
    except DownloadError as e:
        flight.error = e
        raise
    except BaseException:       # Ctrl-C, or a bug: the waiting callers must not hang
        flight.error = DownloadError("refusal.download.interrupted", file=entry.file)
        raise
    finally:
        with _flights_lock:
            del _flights[dest]
        flight.finished.set()
    return flight.result


# -- the transfer ----------------------------------------------------------------------------
def _origin(url: str) -> tuple:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or {"http": 80, "https": 443}.get(parts.scheme)


class _SameOrigin(urllib.request.HTTPRedirectHandler):
    """Follows a redirect on the same scheme, host and port only."""
    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if _origin(newurl) != _origin(req.full_url):
            raise DownloadError("refusal.download.redirect", host=_host(req.full_url),
                                target=newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _host(url: str) -> str:
    return urlsplit(url).netloc


def _open(url: str, timeout: float):
    """The response to GET ``url`` (HTTP 200), redirects on the same origin followed;
    ``DownloadError`` for an HTTP error, a refused redirect or no connection."""
    opener = urllib.request.build_opener(_SameOrigin())
    request = urllib.request.Request(url, headers={"User-Agent": "manifold-lab",
                                                   "Accept-Encoding": "identity"})
    try:
        response = opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as e:
        e.close()
        raise DownloadError("refusal.download.http", url=url, status=int(e.code)) from None
    except urllib.error.URLError as e:
        raise _unreachable(url, e.reason, timeout) from None
    except (TimeoutError, OSError, HTTPException) as e:
        raise _unreachable(url, e, timeout) from None
    if response.status != 200:       # a 1xx/2xx other than 200: not the file
        response.close()
        raise DownloadError("refusal.download.http", url=url, status=int(response.status))
    return response


def _unreachable(url: str, reason, timeout: float) -> DownloadError:
    """No connection, said without the network's own error text (it helps nobody in a
    class): which kind of failure, and that the shipped networks still work."""
    if isinstance(reason, TimeoutError):
        return DownloadError("refusal.download.stalled", host=_host(url), seconds=timeout)
    why = ("refusal.download.why.dns" if isinstance(reason, socket.gaierror)
           else "refusal.download.why.refused" if isinstance(reason, ConnectionRefusedError)
           else "refusal.download.why.tls" if isinstance(reason, ssl.SSLError)
           else "refusal.download.why.other")
    return DownloadError("refusal.download.unreachable", host=_host(url), why=say(why),
                         env=Own(MIRROR_ENV))


def _check_headers(response, entry: WeightSpec, url: str) -> int | None:
    """The announced length (None when not announced); ``DownloadError`` for a web page or
    a length over the bound."""
    kind = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if kind.startswith(WEB_PAGE_TYPES):
        raise DownloadError("refusal.download.web_page", host=_host(url), kind=kind,
                            file=entry.file)
    length = response.headers.get("Content-Length")
    total = int(length) if length and length.strip().isdigit() else None
    if total is not None and total > size_limit(entry):
        raise DownloadError("refusal.download.too_large", file=entry.file,
                            limit=size_limit(entry) / 1e6, size=total / 1e6)
    return total


def _stream(response, out, entry: WeightSpec, url: str, report: Progress,
            total: int | None, timeout: float) -> str:
    """Copy the body into ``out`` (at most ``size_limit`` bytes), reporting progress; the
    body's SHA-256 (hex). ``DownloadError`` for a stall, a web page, too many bytes or fewer
    than announced."""
    digest, done, limit = hashlib.sha256(), 0, size_limit(entry)
    while True:
        try:
            chunk = response.read(CHUNK)
        except TimeoutError:
            raise DownloadError("refusal.download.stalled", host=_host(url),
                                seconds=timeout) from None
        except (IncompleteRead, OSError, HTTPException):
            chunk = None
        if not chunk:
            break
        if done == 0 and chunk.lstrip()[:1] == b"<":    # HTML, whatever its header said
            raise DownloadError("refusal.download.web_page", host=_host(url),
                                kind="text/html", file=entry.file)
        done += len(chunk)
        if done > limit:
            raise DownloadError("refusal.download.too_large", file=entry.file,
                                limit=limit / 1e6, size=done / 1e6)
        digest.update(chunk)
        out.write(chunk)
        report(done, total)
    if chunk is None or (total is not None and done != total):
        raise DownloadError("refusal.download.truncated", file=entry.file, done=done,
                            total=total if total is not None else 0)
    return digest.hexdigest()


def _temporary(dest: Path) -> tuple[int, Path]:
    """A new hidden temporary file beside ``dest`` (same folder: the rename is one step)."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(dest)
        fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".partial")
    except OSError as e:
        raise DownloadError("refusal.download.disk", file=dest.name, folder=str(dest.parent),
                            why=e.strerror or type(e).__name__) from None
    return fd, Path(name)


def _remove_stale(dest: Path) -> None:
    """Delete temporary files of ``dest`` left by downloads killed a day ago or more."""
    cutoff = time.time() - STALE_PARTIAL_S
    for old in dest.parent.glob(f".{dest.name}.*.partial"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass


def _transfer(entry: WeightSpec, url: str, dest: Path, report: Progress,
              timeout: float) -> Path:
    """Fetch ``url`` into a temporary file, verify it and rename it to ``dest``."""
    want = expected_sha256(entry)
    response = _open(url, timeout)
    try:
        total = _check_headers(response, entry, url)
        fd, tmp = _temporary(dest)
        try:
            with os.fdopen(fd, "wb") as out:
                got = _stream(response, out, entry, url, report, total, timeout)
                out.flush()
                os.fsync(out.fileno())
            if not got.startswith(want):
                raise DownloadError("refusal.download.checksum", file=entry.file,
                                    got=got[:len(want)], want=want)
            os.replace(tmp, dest)
        except OSError as e:
            raise DownloadError("refusal.download.disk", file=dest.name, folder=str(dest.parent),
                                why=e.strerror or type(e).__name__) from None
        finally:
            tmp.unlink(missing_ok=True)
    finally:
        response.close()
    return dest
