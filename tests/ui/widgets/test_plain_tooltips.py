"""Tooltips that carry record text show it literally: Qt guesses rich text for any tooltip whose
first line holds a tag, so a title like "<b>bold</b>" would be drawn bold, and "<img src=x>"
would make the tooltip fetch an image."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QListWidget, QTreeWidget, QWidget

MARKUP = "<b>bold</b> <img src=x> &amp;"


def as_shown(tooltip: str) -> str:
    """The text a tooltip puts on screen: Qt's own rich-text guess decides how it is read."""
    if not GuiQt.mightBeRichText(tooltip):
        return tooltip
    document = QTextDocument()
    document.setHtml(tooltip)
    return document.toPlainText()


def tricky_record(folder: Path) -> Path:
    path = folder / "tricky.md"
    path.write_text(
        "---\n"
        f'title: "{MARKUP} title"\n'
        'webUrl: "https://example.com/a"\n'
        f'heat: "{MARKUP}"\n'
        "provider:\n"
        f'  name: "{MARKUP} provider"\n'
        "topics:\n"
        f'  - "{MARKUP} topic"\n'
        "related:\n"
        f'  - title: "{MARKUP} related"\n'
        '    webUrl: "https://example.com/r"\n'
        "    provider:\n"
        f'      name: "{MARKUP} rel provider"\n'
        "---\n",
        encoding="utf-8",
    )
    return path


def every_tooltip(window) -> list[str]:
    tips = [w.toolTip() for w in window.findChildren(QWidget) if w.toolTip()]
    for tree in window.findChildren(QTreeWidget):
        for row in range(tree.topLevelItemCount()):
            item = tree.topLevelItem(row)
            tips += [item.toolTip(column) for column in range(tree.columnCount())]
    for listing in window.findChildren(QListWidget):
        tips += [listing.item(row).toolTip() for row in range(listing.count())]
    model = window.proxy
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            tip = model.index(row, column).data(Qt.ItemDataRole.ToolTipRole)
            tips.append(tip or "")
    return [tip for tip in tips if tip]


def test_record_text_in_tooltips_is_shown_literally(open_desk, tmp_path):
    folder = tmp_path / "tricky"
    folder.mkdir()
    tricky_record(folder)
    window = open_desk(folder)
    assert window.reviewPane.relatedList.topLevelItemCount() == 1
    carrying = [tip for tip in every_tooltip(window) if "bold" in tip]
    # the title, the provider, the topic chip, the related title and provider, the heat problem
    assert len(carrying) >= 5, carrying
    garbled = [tip for tip in carrying if MARKUP not in as_shown(tip)]
    assert not garbled, garbled
