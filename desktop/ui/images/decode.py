"""Bytes to pixels: the format sniffed from the first bytes, the size checked in the header before
decoding, the image decoded to the size it is shown at. Safe on any thread: no QObject is made."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QImage, QImageIOHandler, QImageReader

from desktop.ui.images.reasons import FILE_NOT_FOUND, NOT_AN_IMAGE, TOO_LARGE, UNREADABLE_FILE

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 64_000_000  # 8000 x 8000 decodes to 256 MB, Qt's own allocation ceiling
# Vector formats render without a size bound and may reference other files: never from a record.
REFUSED_FORMATS = frozenset({"svg", "svgz"})


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


def readable_formats() -> frozenset[str]:
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
    if image_format in REFUSED_FORMATS or image_format not in readable_formats():
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


def open_buffer(data: bytes) -> QBuffer:
    """`data` as an open, read-only device (made on the UI thread when a worker will read it)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    return buffer
