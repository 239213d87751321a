"""A real HTTP server on 127.0.0.1 answering as the web does to a link check, Qt-free.

    /ok              200, a page               /moved/N      301 to /moved/N-1, /moved/0 is /ok
    /gone            404                       /broken       500
    /slow            answers after SLOW_SECONDS (bounded; for timeouts)
    /reset           closes the connection without an answer
    /no-head         405 to HEAD, 200 to GET
    /image/WxH.png   a PNG (GIF: .gif, JPEG: .jpg) whose header says W x H
    /not-an-image    200 text/html

`hits[path]` counts requests per path (any method), so a test can show that a cached answer made none.
"""

from __future__ import annotations

import re
import socket
import struct
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

SLOW_SECONDS = 3.0


def png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def gif_header(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\x00\x00\x00;"


def jpeg_header(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


_IMAGE = re.compile(r"/image/(\d+)x(\d+)\.(png|gif|jpg)")


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args) -> None:  # keep the test output clean
        pass

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = "text/html",
        head: bool = False,
        location: str | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if location is not None:
            self.send_header("Location", location)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _answer(self, head: bool) -> None:
        path = self.path.split("?")[0]
        with self.server.lock:
            self.server.hits[path] += 1
        if path == "/ok":
            self._send(200, b"<html>a page</html>", head=head)
        elif path.startswith("/moved/"):
            left = int(path.rsplit("/", 1)[1])
            self._send(301, head=head, location="/ok" if left == 0 else f"/moved/{left - 1}")
        elif path == "/gone":
            self._send(404, b"not here", head=head)
        elif path == "/broken":
            self._send(500, b"oops", head=head)
        elif path == "/slow":
            self.server.stop.wait(SLOW_SECONDS)
            self._send(200, b"late", head=head)
        elif path == "/reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
        elif path == "/no-head":
            if head:
                self._send(405, head=True)
            else:
                self._send(200, b"<html>get only</html>")
        elif path == "/not-an-image":
            self._send(200, b"<html>a page, not a picture</html>", head=head)
        elif (image := _IMAGE.fullmatch(path)) is not None:
            width, height, kind = int(image.group(1)), int(image.group(2)), image.group(3)
            body, content_type = {
                "png": (png_header, "image/png"),
                "gif": (gif_header, "image/gif"),
                "jpg": (jpeg_header, "image/jpeg"),
            }[kind]
            self._send(200, body(width, height), content_type, head=head)
        else:
            self._send(404, b"unknown", head=head)


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.stop = threading.Event()


class LinkServer:
    def __init__(self, server: _Server) -> None:
        self._server = server

    @property
    def hits(self) -> Counter[str]:
        return self._server.hits

    def url(self, path: str) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"


@pytest.fixture
def link_server() -> Iterator[LinkServer]:
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, name="link-server", kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield LinkServer(server)
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()  # joins the handler threads
        thread.join(timeout=10)
        time.sleep(0)
