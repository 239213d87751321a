"""Record images, off the UI thread: fetching each (a QNetworkAccessManager with a disk cache) and
decoding it on a small thread pool (decode.py), for a source decided by sources.py. Failures are
said plainly (reasons.py).

One `ImageLoader` serves every strip and viewer of the window. Record text reaches the screen only
as plain text: a record can point at any URL and put any markup in its titles, and neither may
run, load or render. The widgets that show the images are in strip.py and viewer.py.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace
from functools import partial
from pathlib import Path

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QIODevice,
    QObject,
    QSize,
    QStandardPaths,
    QThreadPool,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QImageReader,
)
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkDiskCache, QNetworkReply, QNetworkRequest

from desktop.ui.images.decode import MAX_DOWNLOAD_BYTES, ImageResult, decode_image, open_buffer, readable_formats
from desktop.ui.images.reasons import (
    DOWNLOAD_FAILED,
    NOT_AN_IMAGE,
    NOT_FOUND,
    OFFLINE,
    SECURE_CONNECTION_FAILED,
    TIMED_OUT,
    TOO_LARGE,
    TOO_MANY_REDIRECTS,
    UNSAFE_REDIRECT,
    UNSUPPORTED_LINK,
    WEB_IMAGES_OFF,
)
from desktop.ui.images.sources import ImageSource
from desktop.ui.settings import LOAD_WEB_IMAGES, DeskSettings
from desktop.ui.tasks import QtPoolExecutor, TaskRunner

ALLOCATION_LIMIT_MB = 256
TRANSFER_TIMEOUT_MS = 15_000
DISK_CACHE_BYTES = 200 * 1024 * 1024
MAX_REDIRECTS = 5

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
        readable_formats()  # asks Qt's plugin loader here, on the UI thread, not first on a decode thread
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

    def shutdown(self) -> None:
        """Abort every download, drop queued decodes and wait for running ones (at most the decode
        threads' 5 s). Idempotent."""
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
