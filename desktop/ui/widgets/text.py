"""Tooltips that hold record text: Qt reads a tooltip as rich text when its first line holds a
tag, so "<b>bold</b>" in a title would be drawn bold and "<img src=x>" would load an image."""

from __future__ import annotations

import html


def plain_tooltip(*lines: str) -> str:
    """A tooltip that shows `lines` literally (empty lines left out): escaped and wrapped as rich
    text, so Qt's guess never applies."""
    escaped = "<br>".join(html.escape(line) for line in lines if line)
    return f"<p style='white-space:pre-wrap'>{escaped}</p>" if escaped else ""
