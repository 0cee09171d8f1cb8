"""A loopback HTTP server for the download tests: each path answers as the test says.

>>> with Loopback() as server:
...     server.route("/f.pth", send(body))          # or status(404), redirect(url), ...
...     server.url("/f.pth"), server.gets["/f.pth"]

Nothing here reaches beyond 127.0.0.1. ``published(state)`` makes a checkpoint as torchvision
publishes them: a ``torch.save``d state dict under a name carrying its SHA-256 prefix.
"""
from __future__ import annotations

import hashlib
import io
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHUNK = 1 << 16


def published(state: dict, stem: str = "mobilenet_v2") -> tuple[str, bytes]:
    """(file name with the SHA-256 prefix, bytes) of ``state`` saved by torch."""
    import torch
    out = io.BytesIO()
    torch.save(state, out)
    data = out.getvalue()
    return f"{stem}-{hashlib.sha256(data).hexdigest()[:8]}.pth", data


def send(body: bytes, *, kind: str = "application/octet-stream", length: int | None = None,
         announce: bool = True, delay: float = 0.0, stop_after: int | None = None,
         stall_after: int | None = None):
    """A route sending ``body``: Content-Length ``length`` (default its size; none when not
    ``announce``), ``delay`` seconds between chunks; the connection closed after
    ``stop_after`` bytes, or held silent after ``stall_after`` bytes until the server stops."""
    def answer(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", kind)
        if announce:
            handler.send_header("Content-Length", str(len(body) if length is None else length))
        handler.send_header("Connection", "close")
        handler.end_headers()
        end = len(body) if stop_after is None else stop_after
        end = end if stall_after is None else stall_after
        for start in range(0, end, CHUNK):
            handler.wfile.write(body[start:min(start + CHUNK, end)])
            handler.wfile.flush()
            if delay:
                handler.server.released.wait(delay)
        if stall_after is not None:
            handler.server.released.wait(30)
        handler.close_connection = True
    return answer


def status(code: int):
    """A route answering HTTP ``code`` with a short text body."""
    def answer(handler: Handler) -> None:
        handler.send_error(code)
    return answer


def redirect(location: str, code: int = 302):
    """A route redirecting to ``location``."""
    def answer(handler: Handler) -> None:
        handler.send_response(code)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return answer


def hang_up(handler: "Handler") -> None:
    """A route that closes the connection without answering."""
    handler.close_connection = True


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        path = self.path.split("?")[0]
        with self.server.lock:
            self.server.gets[path] += 1
        answer = self.server.routes.get(path)
        if answer is None:
            self.send_error(404)
        else:
            answer(self)

    def log_message(self, *args):     # quiet
        pass


class Loopback:
    """An HTTP server on a free port of 127.0.0.1, serving ``routes`` on threads; stopped (and
    every held connection released) on leaving the ``with``."""

    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.routes, self.server.gets = {}, Counter()
        self.server.lock, self.server.released = threading.Lock(), threading.Event()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def gets(self) -> Counter:
        return self.server.gets

    def url(self, path: str = "/", host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    def route(self, path: str, answer) -> None:
        self.server.routes[path] = answer

    def __enter__(self) -> "Loopback":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.released.set()
        self.server.shutdown()
        self.server.server_close()
