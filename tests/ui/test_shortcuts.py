"""The shortcuts the README and the help list are the ones that work, on every platform."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.tools.shortcuts_table import with_table
from desktop.ui.editing import dialogs as edit_dialogs

pytestmark = pytest.mark.gui

README = Path(__file__).resolve().parents[2] / "README.md"
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def test_the_readme_shortcut_table_is_the_registry_s(qapp):
    readme = README.read_text(encoding="utf-8")
    assert with_table(readme) == readme, "run: python -m desktop.tools.shortcuts_table README.md"


def test_the_help_lists_undo_and_redo_keys_that_exist_on_every_keyboard(desk):
    rows = dict(desk.registry.shortcut_rows())
    assert rows["Undo"] == "Ctrl+Z, Alt+Backspace"
    assert rows["Redo"] == "Ctrl+Shift+Z, Ctrl+Y, Alt+Shift+Backspace"
    assert not any("F14" in keys for keys in rows.values())


def test_alt_backspace_undoes_and_ctrl_y_redoes_from_a_form_field(desk, qtbot, monkeypatch):
    monkeypatch.setattr(edit_dialogs, "ask_unsaved", lambda parent, count: "discard")  # closing at teardown
    window, form = desk, desk.recordForm
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    form.qualityInput.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.qualityInput)
    form.qualityInput.selectAll()
    qtbot.keyClicks(form.qualityInput, "77")
    qtbot.waitUntil(lambda: window.editController.session.value(window.current_path(), "quality") == 77)

    qtbot.keyClick(form.qualityInput, Qt.Key.Key_Backspace, ALT)
    assert window.editController.session.value(window.current_path(), "quality") == 40
    assert form.qualityInput.text() == "40"
    qtbot.keyClick(form.qualityInput, Qt.Key.Key_Y, CTRL)
    assert window.editController.session.value(window.current_path(), "quality") == 77
