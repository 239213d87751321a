"""Saving from the window onto a real full disk and a real read-only disk (a tmpfs the test
mounts): the editor is told why, the file keeps its bytes, the edit stays unsaved, and a save
once there is room again writes only the edited line."""

from __future__ import annotations

import shutil

import pytest
from form_keys import typed_quality
from helpers import changed_lines
from modal import when_shown
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.ui.editing import dialogs as edit_dialogs
from tests.conftest import SEED_RECORD

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(autouse=True)
def discard_at_teardown(monkeypatch):
    # A failed test must not leave the window's close waiting on a question nobody answers.
    monkeypatch.setattr(edit_dialogs, "ask_unsaved", lambda parent, count: "discard")


@pytest.fixture
def desk_on_small_disk(open_desk, small_disk):
    folder = small_disk.path / "feed"
    folder.mkdir()
    shutil.copy(SEED_RECORD, folder / SEED_RECORD.name)
    return open_desk(folder), small_disk


def save_and_read_the_refusal(qtbot, window) -> str:
    """Ctrl+S as the editor presses it; the refusal's text, read from the real message box."""
    boxes: list[QMessageBox] = []
    texts: list[str] = []

    def read_and_close(box: QMessageBox) -> None:
        texts.append(f"{box.text()}\n{box.informativeText()}")
        qtbot.keyClick(box, Qt.Key.Key_Return)

    when_shown(QMessageBox, read_and_close, boxes)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: bool(texts), timeout=10000)
    assert boxes[0].objectName() == "saveFailuresBox"
    return texts[0]


@pytest.mark.parametrize("fault, reason", [("full", "the disk is full"), ("read-only", "the disk is read-only")])
def test_a_save_onto_a_real_full_or_read_only_disk_keeps_the_file_and_the_edit(
    desk_on_small_disk, qtbot, fault, reason
):
    window, disk = desk_on_small_disk
    path = typed_quality(qtbot, window, "64")
    before = path.read_bytes()
    if fault == "full":
        disk.fill(leave=8 * 1024)  # less than the record's 27 KB
    else:
        disk.read_only()

    refusal = save_and_read_the_refusal(qtbot, window)

    assert "1 record could not be saved" in refusal and f"{path.name}: {reason}" in refusal, refusal
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name], "no temporary file left behind"
    assert window.isWindowModified() and window.editController.dirty_paths() == [str(path)]
    assert window.editController.session.value(path, "quality") == 64, "the edit is still there to save"

    disk.make_room() if fault == "full" else disk.read_only(False)
    window.activateWindow()  # the closed message box had the focus
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.recordTable.setFocus()
    qtbot.keyClick(window.recordTable, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not window.isWindowModified(), timeout=10000)
    assert changed_lines(before, path.read_bytes()) == ["-quality: 40", "+quality: 64"]
