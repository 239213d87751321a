"""The one way Newsdesk opens a link: only http and https ever reach the system browser."""

from __future__ import annotations

import functools

from PySide6.QtCore import QPointF, QRectF, Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QIcon, QPainter, QPainterPath, QPen, QPixmap

from desktop.records import LinkResult, link_state

SAFE_SCHEMES = frozenset({"http", "https"})


def safe_url(text: str) -> QUrl | None:
    """The URL if it is an absolute http(s) URL with a host, else None."""
    url = QUrl(text.strip(), QUrl.ParsingMode.StrictMode)
    if not url.isValid() or url.scheme().lower() not in SAFE_SCHEMES or not url.host():
        return None
    return url


def refusal(text: str) -> str:
    """Why `text` will not be opened, in a sentence for the status bar."""
    scheme = QUrl(text.strip()).scheme()
    shown = text if len(text) <= 80 else text[:77] + "…"
    if scheme and scheme.lower() not in SAFE_SCHEMES:
        return f"Not opened: only http and https links are opened, this one is {scheme}: ({shown})"
    return f"Not opened: not a valid web address ({shown})"


def open_url(text: str) -> bool:
    """Open `text` in the system browser if it is an http(s) URL; False (nothing opened) otherwise."""
    url = safe_url(text)
    if url is None:
        return False
    return bool(QDesktopServices.openUrl(url))


# What an online check found, as a mark beside the link: the shape says it as well as the colour.
BROKEN, MOVED, ANSWERS = "broken", "moved", "answers"
_MARK_COLOURS = {BROKEN: "#b3261e", MOVED: "#9a5b00", ANSWERS: "#2e7d32"}


def link_mark(result: LinkResult | None) -> tuple[str, str]:
    """(kind, words) for a link's check: ("broken", "404 Not Found"), ("moved", "moved"),
    ("answers", ""), or ("", "") when it was not checked."""
    if result is None:
        return "", ""
    if result.broken:
        return BROKEN, link_state(result)
    return (MOVED, link_state(result)) if result.redirects else (ANSWERS, "")


@functools.lru_cache(maxsize=8)
def link_mark_icon(kind: str, size: int = 16, ratio: float = 1.0) -> QIcon:
    """A disc with a cross (broken), an arrow (moved) or a tick (answers)."""
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    if kind not in _MARK_COLOURS:
        return QIcon(pixmap)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(_MARK_COLOURS[kind]))
    painter.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    pen = QPen(
        QColor("white"), max(1.5, size / 9), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin
    )
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    s = size / 16
    path = QPainterPath()
    if kind == BROKEN:
        path.moveTo(QPointF(5.5 * s, 5.5 * s))
        path.lineTo(QPointF(10.5 * s, 10.5 * s))
        path.moveTo(QPointF(10.5 * s, 5.5 * s))
        path.lineTo(QPointF(5.5 * s, 10.5 * s))
    elif kind == MOVED:
        path.moveTo(QPointF(4.5 * s, 8 * s))
        path.lineTo(QPointF(11 * s, 8 * s))
        path.moveTo(QPointF(8.5 * s, 5.5 * s))
        path.lineTo(QPointF(11 * s, 8 * s))
        path.lineTo(QPointF(8.5 * s, 10.5 * s))
    else:
        path.moveTo(QPointF(4.5 * s, 8.5 * s))
        path.lineTo(QPointF(7 * s, 11 * s))
        path.lineTo(QPointF(11.5 * s, 5.5 * s))
    painter.drawPath(path)
    painter.end()
    return QIcon(pixmap)
