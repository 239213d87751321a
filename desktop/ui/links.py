"""The one way Newsdesk opens a link: only http and https ever reach the system browser."""
from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

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
