"""Record text on screen, never as markup: labels fixed to plain text, and tooltips (Qt reads a
tooltip as rich text when its first line holds a tag, so "<b>bold</b>" in a title would be drawn
bold and "<img src=x>" would load an image)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def plain_label(
    text: str = "",
    *,
    name: str,
    accessible: str = "",
    wrap: bool = True,
    selectable: bool = True,
    parent: QWidget | None = None,
) -> QLabel:
    """A QLabel that can never interpret record text as HTML."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setObjectName(name)
    if accessible:
        label.setAccessibleName(accessible)
    label.setWordWrap(wrap)
    if selectable:
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
    return label


def plain_tooltip(*lines: str) -> str:
    """A tooltip that shows `lines` literally (empty lines left out): escaped and wrapped as rich
    text, so Qt's guess never applies."""
    escaped = "<br>".join(html.escape(line) for line in lines if line)
    return f"<p style='white-space:pre-wrap'>{escaped}</p>" if escaped else ""


def breakable_url(text: str) -> str:
    """`text` with zero-width spaces after URL separators, so a long link can wrap in a tooltip."""
    if len(text) <= 60:
        return text
    return "".join(ch + "\u200b" if ch in "/?&=" else ch for ch in text)
