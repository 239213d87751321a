"""Save All with several records changed on disk asks once when the editor ticks "Apply to all"."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QMessageBox

from desktop.records.reading import read_document
from desktop.ui.editing import dialogs as edit_dialogs

pytestmark = pytest.mark.gui

CTRL, SHIFT, ALT = (
    Qt.KeyboardModifier.ControlModifier,
    Qt.KeyboardModifier.ShiftModifier,
    Qt.KeyboardModifier.AltModifier,
)
SAVE_TIMEOUT_MS = 20_000


@pytest.fixture(autouse=True)
def discard_at_teardown(monkeypatch):
    monkeypatch.setattr(edit_dialogs, "ask_unsaved", lambda parent, count: "discard")


def test_apply_to_all_merges_every_record_changed_on_disk_after_one_question(desk, qtbot):
    window = desk
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.recordTable.setFocus()
    qtbot.keyClick(window.recordTable, Qt.Key.Key_Down, SHIFT)
    qtbot.keyClick(window.recordTable, Qt.Key.Key_Down, SHIFT)
    paths = [Path(p) for p in window.selected_paths()]
    assert len(paths) == 3
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Q, ALT)
    qtbot.keyClicks(QApplication.focusWidget(), "64")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    heats = {}
    for i, path in enumerate(paths):
        raw = path.read_bytes()
        heat = read_document(path).data["heat"]
        heats[path] = 10 + i
        path.write_bytes(raw.replace(f"heat: {heat}\n".encode(), f"heat: {10 + i}\n".encode(), 1))

    questions = []
    finished = []

    def answer() -> None:  # every question that comes, so a second one is counted, not left hanging
        if finished:
            return
        QTimer.singleShot(20, answer)
        for box in QApplication.topLevelWidgets():
            if isinstance(box, QMessageBox) and box.objectName() == "changedOnDiskBox" and box.isVisible():
                questions.append(box.text())
                check = box.findChild(QCheckBox, "applyToAllCheck")  # the last one has no others to apply to
                if check is not None:
                    check.setChecked(True)
                box.defaultButton().click()  # Merge, the default
                return

    QTimer.singleShot(0, answer)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, CTRL | SHIFT)
    qtbot.waitUntil(lambda: not window.isWindowModified(), timeout=SAVE_TIMEOUT_MS)
    finished.append(True)

    assert len(questions) == 1
    for path in paths:
        data = read_document(path).data
        assert (data["quality"], data["heat"]) == (64, heats[path])
