"""Where a record's image may come from: an http(s) address, a file in the record's folder, or
nowhere (refused, with the reason). Decided on the UI thread, before anything is fetched or read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl

from desktop.records import fields
from desktop.ui.images.reasons import NO_LINK, OUTSIDE_FOLDER, UNSUPPORTED_LINK
from desktop.ui.links import SAFE_SCHEMES


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
            title=fields.display_text(item.get("title")),
            declared=(width, height) if width and height else None,
        )

    @property
    def link_text(self) -> str:
        return fields.display_text(self.link)


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
