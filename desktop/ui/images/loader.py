"""Record images, off the UI thread: where each comes from, fetching it (a QNetworkAccessManager
with a disk cache), and decoding it on a small thread pool. Failures are said plainly.

One `ImageLoader` serves every strip and viewer of the window. Record text reaches the screen only
as plain text: a record can point at any URL and put any markup in its titles, and neither may
run, load or render. The widgets that show the images are in images.py and image_viewer.py.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QObject,
    QSize,
    QStandardPaths,
    Qt,
    QThreadPool,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QImage,
    QImageIOHandler,
    QImageReader,
)
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkDiskCache, QNetworkReply, QNetworkRequest

from desktop.ui.links import SAFE_SCHEMES
from desktop.ui.settings import LOAD_WEB_IMAGES, DeskSettings
from desktop.ui.tasks import QtPoolExecutor, TaskRunner

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 64_000_000  # 8000 x 8000 decodes to 256 MB, Qt's own allocation ceiling
ALLOCATION_LIMIT_MB = 256
TRANSFER_TIMEOUT_MS = 15_000
DISK_CACHE_BYTES = 200 * 1024 * 1024
MAX_REDIRECTS = 5
# Vector formats render without a size bound and may reference other files: never from a record.
REFUSED_FORMATS = frozenset({"svg", "svgz"})

# What a failed thumbnail says. Short enough for a 160 px box.
OFFLINE = "Offline / host unreachable"
NOT_FOUND = "Not found (404)"
NOT_AN_IMAGE = "Not an image"
TOO_LARGE = "Too large"
TIMED_OUT = "Timed out"
UNSUPPORTED_LINK = "Unsupported link"
NO_LINK = "No link"
OUTSIDE_FOLDER = "Outside the record's folder"
FILE_NOT_FOUND = "File not found"
UNREADABLE_FILE = "File unreadable"
UNSAFE_REDIRECT = "Unsafe redirect"
TOO_MANY_REDIRECTS = "Too many redirects"
SECURE_CONNECTION_FAILED = "Secure connection failed"
DOWNLOAD_FAILED = "Download failed"
WEB_IMAGES_OFF = "Web images are off"

_UNREACHABLE_ERRORS = {
    QNetworkReply.NetworkError.ConnectionRefusedError,
    QNetworkReply.NetworkError.RemoteHostClosedError,
    QNetworkReply.NetworkError.HostNotFoundError,
    QNetworkReply.NetworkError.TemporaryNetworkFailureError,
    QNetworkReply.NetworkError.NetworkSessionFailedError,
    QNetworkReply.NetworkError.UnknownNetworkError,
    QNetworkReply.NetworkError.ProxyConnectionRefusedError,
    QNetworkReply.NetworkError.ProxyConnectionClosedError,
    QNetworkReply.NetworkError.ProxyNotFoundError,
    QNetworkReply.NetworkError.ProxyTimeoutError,
}


# --- Where an image comes from ---------------------------------------------------------------


@dataclass(frozen=True)
class ImageSource:
    """A record's image link, decided: fetched over http(s), read from the record's folder, or refused."""

    kind: str  # "http", "file" or "refused"
    text: str  # the link as the record wrote it, for tooltips and the viewer
    url: QUrl | None = None  # for "http"
    path: Path | None = None  # for "file"
    reason: str = ""  # for "refused"

    @property
    def label(self) -> str:
        """Host or file name: what the caption under a thumbnail says."""
        if self.kind == "http" and self.url is not None:
            return self.url.host()
        if self.kind == "file" and self.path is not None:
            return self.path.name
        return self.text


def resolve_image_source(link: Any, base_dir: Path | None) -> ImageSource:
    """Decide how to get the image at `link`, a record's `url` value of any type.

    Only http(s) URLs go to the network. A relative path, an absolute path or a `file:` URL is read
    only when it lies inside the record's folder (after resolving `..` and symlinks), so a record
    cannot make the desk display arbitrary files. Every other scheme is refused.
    """
    if not isinstance(link, str) or not link.strip():
        return ImageSource("refused", "" if link is None else str(link), reason=NO_LINK)
    text = link.strip()
    if text.startswith("//"):  # protocol-relative, as scraped pages often write them
        text = "https:" + text
    scheme, colon, _ = text.partition(":")
    is_scheme = bool(colon) and len(scheme) > 1 and scheme.replace("+", "").replace("-", "").replace(".", "").isalnum()
    if is_scheme and scheme.lower() in ("http", "https"):
        # Tolerant parsing percent-encodes stray spaces or brackets, as a browser would; fetching an
        # image is not opening a link, but the scheme and host rules are the same as links.safe_url.
        url = QUrl(text, QUrl.ParsingMode.TolerantMode)
        if not url.isValid() or url.scheme().lower() not in SAFE_SCHEMES or not url.host():
            return ImageSource("refused", link, reason=UNSUPPORTED_LINK)
        return ImageSource("http", link, url=url)
    if is_scheme and scheme.lower() == "file":
        local = QUrl(text).toLocalFile()
        return (
            _local_source(link, Path(local), base_dir)
            if local
            else ImageSource("refused", link, reason=UNSUPPORTED_LINK)
        )
    if is_scheme:
        return ImageSource("refused", link, reason=UNSUPPORTED_LINK)
    return _local_source(link, Path(text), base_dir)


def _local_source(link: str, path: Path, base_dir: Path | None) -> ImageSource:
    if base_dir is None:
        return ImageSource("refused", link, reason=OUTSIDE_FOLDER)
    try:
        folder = Path(base_dir).resolve()
        # resolve() without strict does no I/O beyond readlink on existing parts: cheap on the UI thread.
        target = (folder / path).resolve()
    except (OSError, RuntimeError, ValueError):
        return ImageSource("refused", link, reason=UNSUPPORTED_LINK)
    if not target.is_relative_to(folder):
        return ImageSource("refused", link, reason=OUTSIDE_FOLDER)
    return ImageSource("file", link, path=target)


# --- One image entry of a record -------------------------------------------------------------


@dataclass(frozen=True)
class ImageEntry:
    """One item of a record's `images`, with every field checked: records are not trusted to be well formed."""

    link: Any
    title: str = ""
    declared: tuple[int, int] | None = None  # the record's width x height, when both are positive integers

    @classmethod
    def from_record(cls, item: Any) -> ImageEntry:
        if isinstance(item, str):
            return cls(link=item)
        if not isinstance(item, dict):
            return cls(link=None)
        width, height = _dimension(item.get("width")), _dimension(item.get("height"))
        return cls(
            link=item.get("url"),
            title=_scalar_text(item.get("title")),
            declared=(width, height) if width and height else None,
        )

    @property
    def link_text(self) -> str:
        return _scalar_text(self.link)


def _scalar_text(value: Any) -> str:
    """A YAML scalar as text (a number title is still a title); mappings, lists and null are no text."""
    if value is None or isinstance(value, (dict, list, tuple, set)):
        return ""
    return value if isinstance(value, str) else str(value)


def _dimension(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and 0 < value < 1_000_000 else None


def image_entries(images: Any) -> list[ImageEntry]:
    """The entries of a record's `images` value, whatever its shape."""
    if isinstance(images, dict):
        images = [images]
    if not isinstance(images, (list, tuple)):
        return []
    return [ImageEntry.from_record(item) for item in images]


def format_size(size: tuple[int, int] | None) -> str:
    return f"{size[0]} × {size[1]}" if size else ""


# --- Decoding (runs on pool threads) ---------------------------------------------------------


@dataclass(frozen=True)
class ImageResult:
    """What a load produced: a decoded image, or the reason there is none."""

    image: QImage | None = None
    reason: str = ""
    real_size: tuple[int, int] | None = None  # the full image's pixel size, from its header
    format: str = ""
    byte_count: int = 0
    from_cache: bool = False

    @property
    def ok(self) -> bool:
        return self.image is not None and not self.image.isNull()


_SUPPORTED_FORMATS: frozenset[str] | None = None


def sniff_format(head: bytes) -> str:
    """The image format the first bytes of a file announce ("" when they announce none we know).

    Deciding here, rather than letting QImageReader ask every plugin, keeps the SVG plugin's
    probe off the decode threads: it makes a Qt connection, and a connection made by a worker
    that holds the GIL can deadlock with the UI thread (see desktop/ui/tasks.py).
    """
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis", b"heic", b"heix", b"mif1"):
        return "avif" if head[8:11] == b"avi" else "heic"
    if head[:2] == b"BM":
        return "bmp"
    if head[:4] in (b"II*\0", b"MM\0*"):
        return "tiff"
    if head[:4] == b"\0\0\1\0":
        return "ico"
    if head[:4] == b"icns":
        return "icns"
    if head[:2] in (b"P1", b"P4"):
        return "pbm"
    if head[:2] in (b"P2", b"P5"):
        return "pgm"
    if head[:2] in (b"P3", b"P6"):
        return "ppm"
    if head[:2] == b"\x1f\x8b":
        return "svgz"  # gzip: the only compressed image format a reader would take
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in head.lower()):
        return "svg"
    return ""


def _readable_formats() -> frozenset[str]:
    global _SUPPORTED_FORMATS
    if _SUPPORTED_FORMATS is None:
        _SUPPORTED_FORMATS = frozenset(
            bytes(f.data()).decode("ascii", "replace").lower() for f in QImageReader.supportedImageFormats()
        )
    return _SUPPORTED_FORMATS


def decode_image(payload: bytes | Path | QIODevice, fit: QSize | None) -> ImageResult:
    """Decode `payload` (bytes, a file to read, or an open device), scaled down to fit `fit` (None: full size).

    Safe on any thread: it creates no QObject and makes no Qt connection (a worker passes a
    device opened on the UI thread). The format comes from the first bytes and QImageReader asks
    no other plugin; the header is checked before any pixel is decoded, so a tiny file claiming
    30000 x 30000 costs nothing.
    """
    if isinstance(payload, Path):
        try:
            stat = payload.stat()
        except FileNotFoundError:
            return ImageResult(reason=FILE_NOT_FOUND)
        except OSError:
            return ImageResult(reason=UNREADABLE_FILE)
        if not payload.is_file():
            return ImageResult(reason=NOT_AN_IMAGE)
        if stat.st_size > MAX_DOWNLOAD_BYTES:
            return ImageResult(reason=TOO_LARGE, byte_count=stat.st_size)
        try:
            with payload.open("rb") as file:
                head = file.read(64)
        except OSError:
            return ImageResult(reason=UNREADABLE_FILE)
        reader = QImageReader(str(payload))
        byte_count = stat.st_size
    elif isinstance(payload, QIODevice):
        head = bytes(payload.peek(64).data())
        reader = QImageReader(payload)
        byte_count = payload.size()
    else:
        buffer = open_buffer(payload)  # must outlive the reader: kept by this frame until the decode is done
        head = payload[:64]
        reader = QImageReader(buffer)
        byte_count = len(payload)
    image_format = sniff_format(head)
    if not image_format:
        return ImageResult(reason=NOT_AN_IMAGE, byte_count=byte_count)
    if image_format in REFUSED_FORMATS or image_format not in _readable_formats():
        return ImageResult(reason=f"Unsupported format ({image_format})", byte_count=byte_count, format=image_format)
    reader.setFormat(QByteArray(image_format.encode("ascii")))
    reader.setAutoDetectImageFormat(False)
    reader.setDecideFormatFromContent(False)
    reader.setAutoTransform(True)
    if not reader.canRead():
        return ImageResult(reason=NOT_AN_IMAGE, byte_count=byte_count, format=image_format)
    size = reader.size()
    # reader.size() is the stored size; EXIF orientation may turn it a quarter, after scaling.
    rotated = bool(reader.transformation() & QImageIOHandler.Transformation.TransformationRotate90)
    if size.isValid():
        real = (size.height(), size.width()) if rotated else (size.width(), size.height())
        if size.width() * size.height() > MAX_PIXELS:
            return ImageResult(reason=TOO_LARGE, real_size=real, format=image_format, byte_count=byte_count)
        stored_fit = fit.transposed() if fit is not None and rotated else fit
        if stored_fit is not None and (size.width() > stored_fit.width() or size.height() > stored_fit.height()):
            scaled = size.scaled(stored_fit, Qt.AspectRatioMode.KeepAspectRatio)
            reader.setScaledSize(QSize(max(1, scaled.width()), max(1, scaled.height())))
    image = reader.read()
    if image.isNull():
        # Qt reports a refused allocation as an invalid-data error whose text names the limit.
        message = reader.errorString().lower()
        too_big = "allocation" in message or "limit" in message
        return ImageResult(reason=TOO_LARGE if too_big else NOT_AN_IMAGE, format=image_format, byte_count=byte_count)
    if not size.isValid():
        real = (image.width(), image.height())
    return ImageResult(image=image, real_size=real, format=image_format, byte_count=byte_count)


# --- The loader --------------------------------------------------------------------------------


class ImageRequest:
    """A load in progress. `cancel()` guarantees its callback never runs, and aborts the download."""

    def __init__(
        self,
        loader: ImageLoader,
        source: ImageSource | None,
        fit: QSize | None,
        callback: Callable[[ImageResult], None],
    ) -> None:
        self._loader = loader
        self.source = source
        self.fit = fit
        self._callback: Callable[[ImageResult], None] | None = callback
        self.reply: QNetworkReply | None = None
        self.too_large = False
        self.from_cache = False

    @property
    def active(self) -> bool:
        return self._callback is not None

    def cancel(self) -> None:
        if self._callback is None:
            return
        self._callback = None
        self._loader._forget(self)

    def _deliver(self, result: ImageResult) -> None:
        callback, self._callback = self._callback, None
        if callback is not None:
            callback(result)


def open_buffer(data: bytes) -> QBuffer:
    """`data` as an open, read-only device (made on the UI thread when a worker will read it)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    return buffer


class ImageLoader(QObject):
    """Fetches and decodes images for every strip of a window: one network manager, one disk cache.

    Create one per main window (`ImageLoader(window)`) and pass it to each `ImageStrip`; call
    `shutdown()` when the window closes so no decode is left running. Callbacks always run on the
    UI thread, and never after their request was cancelled.

    With web images off (the editor's "Load Web Images" preference, read when `web_images` is
    None) an http(s) image is answered "Web images are off" without any request being made.
    """

    webImagesChanged = Signal(bool)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        cache_dir: Path | None = None,
        transfer_timeout_ms: int = TRANSFER_TIMEOUT_MS,
        max_download_bytes: int = MAX_DOWNLOAD_BYTES,
        web_images: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("imageLoader")
        self._web_images = bool(DeskSettings().value(LOAD_WEB_IMAGES)) if web_images is None else web_images
        self.transfer_timeout_ms = transfer_timeout_ms
        self.max_download_bytes = max_download_bytes
        # Decodes run as tasks on two of Qt's threads; refusals go the same way, so they answer
        # later like every other load does. The decode threads are made first so that, as the first
        # child destroyed, they wait for running decodes while the runner they answer still exists.
        decode_threads = QtPoolExecutor(2, parent=self)
        self._tasks = TaskRunner(self, make_pool=lambda: decode_threads)
        # What each decode reads, held here so that it is made and freed on the UI thread.
        self._payloads: dict[int, QIODevice | Path] = {}
        self._network = QNetworkAccessManager(self)
        self._network.setRedirectPolicy(QNetworkRequest.RedirectPolicy.NoLessSafeRedirectPolicy)
        self._cache = QNetworkDiskCache(self)
        self._cache.setCacheDirectory(str(cache_dir or default_cache_dir()))
        self._cache.setMaximumCacheSize(DISK_CACHE_BYTES)
        self._network.setCache(self._cache)
        # Process-wide in Qt; only ever lowered, so another part of the app may keep a stricter one.
        if QImageReader.allocationLimit() == 0 or QImageReader.allocationLimit() > ALLOCATION_LIMIT_MB:
            QImageReader.setAllocationLimit(ALLOCATION_LIMIT_MB)
        _readable_formats()  # asks Qt's plugin loader here, on the UI thread, not first on a decode thread
        self._payload_ids = itertools.count(1)
        self._decoding: set[ImageRequest] = set()
        self._downloading: set[ImageRequest] = set()
        self._closed = False
        application = QCoreApplication.instance()
        if application is not None:
            # A decode still running at exit would need the interpreter while it shuts down.
            application.aboutToQuit.connect(self.shutdown)

    # Public API ---------------------------------------------------------------------------

    def cache_directory(self) -> Path:
        return Path(self._cache.cacheDirectory())

    def network_manager(self) -> QNetworkAccessManager:
        return self._network

    def web_images_enabled(self) -> bool:
        return self._web_images

    def set_web_images_enabled(self, enabled: bool) -> None:
        """Allow or stop requests to the web; strips showing web images load them again."""
        if enabled == self._web_images:
            return
        self._web_images = enabled
        if not enabled:
            for request in list(self._downloading):
                self._forget(request)  # aborts the transfer; the request still gets its answer
                self._start_refusal(request, WEB_IMAGES_OFF)
        self.webImagesChanged.emit(enabled)

    def thread_pool(self) -> QThreadPool:
        """The pool decodes run on (two threads): decoding a large PNG takes far longer than a frame."""
        pool = self._tasks.pool
        assert isinstance(pool, QtPoolExecutor)
        return pool.pool

    def pending(self) -> int:
        """Loads started and neither finished nor cancelled (downloads and decodes)."""
        return len(self._downloading) + len(self._decoding)

    def downloads_in_flight(self) -> int:
        return len(self._downloading)

    def decodes_in_flight(self) -> int:
        return len(self._decoding)

    def load(self, source: ImageSource, fit: QSize | None, callback: Callable[[ImageResult], None]) -> ImageRequest:
        """Start loading `source`, decoded to fit `fit`; `callback(ImageResult)` runs later on the UI thread."""
        request = ImageRequest(self, source, fit, callback)
        if self._closed:
            request.cancel()
        elif source.kind == "http" and not self._web_images:
            self._start_refusal(request, WEB_IMAGES_OFF)
        elif source.kind == "http" and source.url is not None:
            self._start_download(request, source.url)
        elif source.kind == "file" and source.path is not None:
            self._start_decode(request, source.path)
        else:
            self._start_refusal(request, source.reason or UNSUPPORTED_LINK)
        return request

    def shutdown(self, timeout_ms: int = 5_000) -> None:
        """Abort every download, drop queued decodes and wait for running ones. Idempotent."""
        self._closed = True
        for request in list(self._downloading) + list(self._decoding):
            request.cancel()
        self._tasks.shutdown(wait=True)
        self._payloads.clear()
        self._network.clearConnectionCache()  # idle keep-alive connections close now, not minutes later

    # Internals --------------------------------------------------------------------------

    def _start_refusal(self, request: ImageRequest, reason: str) -> None:
        self._decoding.add(request)
        self._tasks.run(
            partial(ImageResult, reason=reason), on_done=lambda future: self._on_decoded(request, None, future)
        )

    def _start_download(self, request: ImageRequest, url: QUrl) -> None:
        network_request = QNetworkRequest(url)
        network_request.setTransferTimeout(self.transfer_timeout_ms)
        network_request.setMaximumRedirectsAllowed(MAX_REDIRECTS)
        network_request.setAttribute(
            QNetworkRequest.Attribute.CacheLoadControlAttribute, QNetworkRequest.CacheLoadControl.PreferCache
        )
        network_request.setRawHeader(
            QByteArray(b"Accept"), QByteArray(b"image/avif,image/webp,image/png,image/jpeg,image/*;q=0.8")
        )
        network_request.setHeader(QNetworkRequest.KnownHeaders.UserAgentHeader, "Newsdesk image preview")
        reply = self._network.get(network_request)
        request.reply = reply
        self._downloading.add(request)
        reply.metaDataChanged.connect(lambda: self._on_headers(request))
        reply.downloadProgress.connect(lambda received, total: self._on_progress(request, received, total))
        reply.finished.connect(lambda: self._on_download_finished(request))

    def _abort_too_large(self, request: ImageRequest) -> None:
        if request.reply is not None and not request.too_large:
            request.too_large = True
            request.reply.abort()

    def _on_headers(self, request: ImageRequest) -> None:
        reply = request.reply
        if reply is None:
            return
        declared = reply.header(QNetworkRequest.KnownHeaders.ContentLengthHeader)
        if isinstance(declared, int) and declared > self.max_download_bytes:
            self._abort_too_large(request)

    def _on_progress(self, request: ImageRequest, received: int, total: int) -> None:
        if received > self.max_download_bytes or total > self.max_download_bytes:
            self._abort_too_large(request)

    def _on_download_finished(self, request: ImageRequest) -> None:
        reply = request.reply
        self._downloading.discard(request)
        request.reply = None
        if reply is None:
            return
        reply.deleteLater()
        if not request.active:
            return
        result_reason = self._failure_reason(request, reply)
        if result_reason:
            request._deliver(ImageResult(reason=result_reason))
            return
        request.from_cache = bool(reply.attribute(QNetworkRequest.Attribute.SourceIsFromCacheAttribute))
        self._start_decode(request, bytes(reply.readAll().data()))

    def _failure_reason(self, request: ImageRequest, reply: QNetworkReply) -> str:
        if request.too_large:
            return TOO_LARGE
        status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
        error = reply.error()
        if isinstance(status, int) and status >= 400:
            return NOT_FOUND if status == 404 else f"HTTP {status}"
        if error == QNetworkReply.NetworkError.NoError:
            return ""
        if error in (QNetworkReply.NetworkError.OperationCanceledError, QNetworkReply.NetworkError.TimeoutError):
            # We abort only for size or cancellation, both handled above: any other cancel is the transfer timeout.
            return TIMED_OUT
        if error in _UNREACHABLE_ERRORS:
            return OFFLINE
        if error == QNetworkReply.NetworkError.TooManyRedirectsError:
            return TOO_MANY_REDIRECTS
        # Only http(s) URLs are requested, so an unknown protocol can only come from a redirect.
        if error in (QNetworkReply.NetworkError.InsecureRedirectError, QNetworkReply.NetworkError.ProtocolUnknownError):
            return UNSAFE_REDIRECT
        if error == QNetworkReply.NetworkError.SslHandshakeFailedError:
            return SECURE_CONNECTION_FAILED
        if error == QNetworkReply.NetworkError.ContentNotFoundError:
            return NOT_FOUND
        return DOWNLOAD_FAILED

    def _start_decode(self, request: ImageRequest, payload: bytes | Path) -> None:
        self._decoding.add(request)
        payload_id = next(self._payload_ids)
        self._payloads[payload_id] = open_buffer(payload) if isinstance(payload, bytes) else payload
        self._tasks.run(
            _decode_job,
            self._payloads,
            payload_id,
            request.fit,
            on_done=lambda future: self._on_decoded(request, payload_id, future),
        )

    def _on_decoded(self, request: ImageRequest, payload_id: int | None, future: Future) -> None:
        self._payloads.pop(payload_id, None)  # the device is freed here, on the UI thread
        self._decoding.discard(request)
        if not request.active:
            return
        result: ImageResult = future.result()
        if request.from_cache and not result.from_cache:
            result = replace(result, from_cache=True)
        request._deliver(result)

    def _forget(self, request: ImageRequest) -> None:
        """Called by ImageRequest.cancel(): stop the download. A decode is not cancelled but finishes
        unheard (the request's callback is gone), so that its payload is still freed on this thread."""
        self._decoding.discard(request)
        if request in self._downloading:
            self._downloading.discard(request)
            reply, request.reply = request.reply, None
            if reply is not None:
                reply.abort()
                reply.deleteLater()


def _decode_job(payloads: dict, payload_id: int, fit: QSize | None) -> ImageResult:
    """Runs on a decode thread. The payload is looked up, not passed, and dropped before returning:
    the UI thread holds its last reference, and frees the device there."""
    try:
        payload = payloads.get(payload_id)
        result = decode_image(payload, fit) if payload is not None else ImageResult(reason=NOT_AN_IMAGE)
    except Exception as error:  # a worker must always answer, or the thumbnail spins forever
        result = ImageResult(reason=f"{NOT_AN_IMAGE} ({type(error).__name__})")
    payload = None
    return result


def default_cache_dir() -> Path:
    """`images` in the user's cache folder (XDG_CACHE_HOME/<app> on Linux), beside other app caches."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    if not base:
        base = os.path.join(tempfile.gettempdir(), "newsdesk-cache")
    return Path(base) / "images"


def breakable_url(text: str) -> str:
    """`text` with zero-width spaces after URL separators, so a long link can wrap in a tooltip."""
    if len(text) <= 60:
        return text
    return "".join(ch + "\u200b" if ch in "/?&=" else ch for ch in text)
