"""Keystrokes an editor makes in the form, shared by the window tests."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

ALT = Qt.KeyboardModifier.AltModifier


def typed_quality(qtbot, window, value: str) -> Path:
    """Alt+Q from the table, then `value` typed into Quality; the path of the record edited."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.recordTable.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Q, ALT)
    qtbot.keyClicks(QApplication.focusWidget(), value)
    return Path(window.current_path())
