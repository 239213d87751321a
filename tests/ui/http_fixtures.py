"""A real HTTP server on 127.0.0.1 serving the images (good and bad) that record thumbnails meet.

Import the fixture into a test module or conftest (`from http_fixtures import image_server_fixture`);
tests then ask for `image_server`. Every handler that waits is bounded, and notices when the client hangs up, so a
test can assert that a request was aborted.
"""

from __future__ import annotations

import select
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QColor, QImage

MAX_STALL_SECONDS = 5.0


def image_bytes(width: int, height: int, color: str, fmt: str = "PNG") -> bytes:
    """A real encoded image of one colour, with a darker border so scaling is visible."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    for x in range(width):
        image.setPixelColor(x, 0, QColor("black"))
        image.setPixelColor(x, height - 1, QColor("black"))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, fmt)
    return bytes(buffer.data().data())


def png_header_claiming(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG start whose header claims `width` x `height` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins handler threads: none outlives the fixture
    block_on_close = True
    owner: ImageServer

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.open_connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def process_request_thread(self, request, client_address) -> None:
        with self.connections_lock:
            self.open_connections.add(request)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.connections_lock:
                self.open_connections.discard(request)

    def hang_up_on_everyone(self) -> None:
        """End idle keep-alive connections (a client may open one and never send on it)."""
        with self.connections_lock:
            for connection in self.open_connections:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # the stdlib's signature
        pass

    def do_GET(self) -> None:
        owner = self.server.owner
        path = self.path.split("?", 1)[0]
        owner.record_hit(path)
        route = owner.routes.get(path)
        if route is None and path.startswith("/cacheable-"):
            route = owner.routes["/cacheable"]
        if route is None:
            self._send(404, b"<html>Not found</html>", "text/html")
            return
        try:
            route(self)
        except (BrokenPipeError, ConnectionResetError):
            owner.record_abort(path)

    # Helpers for routes -----------------------------------------------------------------------

    def _send(self, status: int, body: bytes, content_type: str, cache: str = "no-store") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        self.close_connection = True

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def wait_for_hangup(self, seconds: float = MAX_STALL_SECONDS) -> bool:
        """Sit silent for up to `seconds`; True (and recorded) as soon as the client closes the connection."""
        path = self.path.split("?", 1)[0]
        deadline = time.monotonic() + seconds
        owner = self.server.owner
        while time.monotonic() < deadline and not owner.stopping.is_set():
            readable, _, _ = select.select([self.connection], [], [], 0.05)
            if readable:
                try:
                    data = self.connection.recv(1, socket.MSG_PEEK)
                except OSError:
                    data = b""
                if not data:
                    owner.record_abort(path)
                    return True
        return False


class ImageServer:
    """Serves on an ephemeral port of 127.0.0.1 from its own thread; `close()` stops and joins everything."""

    def __init__(self) -> None:
        self.red_png = image_bytes(320, 200, "#d03030")
        self.green_png = image_bytes(120, 80, "#30a040")
        self.blue_jpeg = image_bytes(400, 300, "#3050c0", "JPEG")
        self.huge_header_png = png_header_claiming(30000, 30000)
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self.hits: dict[str, int] = {}
        self.aborted: set[str] = set()
        self.routes: dict[str, Callable[[_Handler], None]] = {
            "/red.png": lambda h: h._send(200, self.red_png, "image/png"),
            "/green.png": lambda h: h._send(200, self.green_png, "image/png"),
            "/blue.jpg": lambda h: h._send(200, self.blue_jpeg, "image/jpeg"),
            "/cacheable": lambda h: h._send(200, self.green_png, "image/png", cache="max-age=3600"),
            "/missing.jpg": lambda h: h._send(404, b"<html><body>404 Not Found</body></html>", "text/html"),
            "/error.png": lambda h: h._send(500, b"<html><body>boom</body></html>", "text/html"),
            "/page.jpg": lambda h: h._send(200, b"<!doctype html><html><body><b>Hello</b></body></html>", "image/jpeg"),
            "/huge-header.png": lambda h: h._send(200, self.huge_header_png, "image/png"),
            "/huge-length.jpg": self._huge_length,
            "/redirect-to-red": lambda h: h._redirect("/red.png"),
            "/redirect-to-file": lambda h: h._redirect("file:///etc/hostname"),
            "/redirect-loop": lambda h: h._redirect("/redirect-loop"),
            "/slow.png": self._slow,
            "/stall.png": self._stall,
        }
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="image-server"
        )
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def record_hit(self, path: str) -> None:
        with self._lock:
            self.hits[path] = self.hits.get(path, 0) + 1

    def record_abort(self, path: str) -> None:
        with self._lock:
            self.aborted.add(path)

    def close(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.hang_up_on_everyone()
        self._server.server_close()
        self._thread.join(timeout=10)

    # Routes that take their time ---------------------------------------------------------------

    def _huge_length(self, handler: _Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "image/jpeg")
        handler.send_header("Content-Length", str(50 * 1024 * 1024))
        handler.send_header("Cache-Control", "no-store")
        handler.end_headers()
        handler.wfile.write(self.blue_jpeg[:1024])
        handler.wfile.flush()
        handler.wait_for_hangup()
        handler.close_connection = True

    def _slow(self, handler: _Handler) -> None:
        """The red image, after up to MAX_STALL_SECONDS of silence (or never, if the client leaves)."""
        if not handler.wait_for_hangup():
            handler._send(200, self.red_png, "image/png")
        handler.close_connection = True

    def _stall(self, handler: _Handler) -> None:
        """Headers, then silence: the client's transfer timeout must end it."""
        handler.send_response(200)
        handler.send_header("Content-Type", "image/png")
        handler.send_header("Content-Length", str(len(self.red_png)))
        handler.send_header("Cache-Control", "no-store")
        handler.end_headers()
        handler.wfile.write(self.red_png[:16])
        handler.wfile.flush()
        handler.wait_for_hangup()
        handler.close_connection = True


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(name="image_server")
def image_server_fixture(qapp) -> Iterator[ImageServer]:
    before = set(threading.enumerate())
    server = ImageServer()
    try:
        yield server
    finally:
        server.close()
        leaked = [thread for thread in threading.enumerate() if thread not in before and thread.is_alive()]
        assert not leaked, f"threads left running by the image server: {leaked}"
