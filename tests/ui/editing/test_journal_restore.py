"""The journal in the window: edits reach it off the UI thread, and a new window offers them back."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.records.editor import apply_edits
from desktop.records.journal import Journal
from desktop.records.reading import read_document
from desktop.records.store import save_document
from desktop.ui.editing import dialogs as edit_dialogs
from desktop.ui.editing import journal as journaling

TIMEOUT_MS = 15_000
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(autouse=True)
def discard_at_close(monkeypatch):
    monkeypatch.setattr(edit_dialogs, "ask_unsaved", lambda parent, count: "discard")


def journaled(window) -> dict:
    journal = window.deskJournal
    return {p: e.changes for p, e in Journal(journal.path).entries().items()} if journal.path else {}


def type_quality(qtbot, window, value: str) -> None:
    window.recordTable.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Q, ALT)
    assert QApplication.focusWidget() is window.recordForm.qualityInput
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(QApplication.focusWidget(), value)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)


def test_edits_are_journaled_and_a_save_clears_them(desk, qtbot):
    path = desk.current_path()
    type_quality(qtbot, desk, "77")
    qtbot.waitUntil(lambda: journaled(desk) == {path: {"quality": 77}}, timeout=TIMEOUT_MS)
    desk.recordTable.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not desk.deskJournal.path.exists(), timeout=TIMEOUT_MS)


def leave_edits(open_desk, qtbot, folder: Path, values: list[str]) -> list[str]:
    """Edit the first records of `folder` in a window, then drop the window as a crash would."""
    window = open_desk(folder)
    paths = []
    for value in values:
        paths.append(window.current_path())
        type_quality(qtbot, window, value)
        window.step(+1)
        qtbot.waitUntil(lambda: window.current_path() not in paths, timeout=TIMEOUT_MS)
    expected = {p: {"quality": int(v)} for p, v in zip(paths, values, strict=True)}
    qtbot.waitUntil(lambda: journaled(window) == expected, timeout=TIMEOUT_MS)
    # A crash: the journal stays as it is (no leave guard runs), and the window goes away.
    window.deskJournal._journaled.clear()
    window.deskJournal.stop()
    return paths


def offered(qtbot, window) -> journaling.RestoreDialog:
    qtbot.waitUntil(lambda: window.deskJournal.dialog is not None, timeout=TIMEOUT_MS)
    dialog = window.deskJournal.dialog
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=TIMEOUT_MS)
    return dialog


def test_a_new_window_offers_the_edits_and_restores_them_unsaved(open_desk, seed_copy, qtbot):
    paths = leave_edits(open_desk, qtbot, seed_copy, ["11", "22"])
    window = open_desk(seed_copy)
    dialog = offered(qtbot, window)
    assert dialog.recordList.count() == 2
    assert "unchanged on disk" in dialog.recordList.item(0).text()
    assert "quality 40 -> 11" in dialog.changesLabel.text()
    assert "+quality: 11" in dialog.diffView.toPlainText()
    qtbot.keyClick(dialog, Qt.Key.Key_R, ALT)
    qtbot.waitUntil(lambda: window.deskJournal.dialog is None)
    controller = window.editController
    assert controller.dirty_paths() == sorted(paths)
    assert [controller.session.value(p, "quality") for p in paths] == [11, 22]
    assert window.isWindowModified()
    assert all(read_document(p).data["quality"] not in (11, 22) for p in paths), "nothing saved yet"


def test_a_file_changed_since_is_merged_and_discard_clears_the_journal(open_desk, seed_copy, qtbot):
    first, second = leave_edits(open_desk, qtbot, seed_copy, ["11", "22"])
    save_document(apply_edits(read_document(first), {"heat": 9}))  # changed by someone else since
    window = open_desk(seed_copy)
    dialog = offered(qtbot, window)
    assert "changed on disk: merged" in dialog.recordList.item(0).text()
    assert "+heat" not in dialog.diffView.toPlainText(), "the diff is against the file as it is now"
    qtbot.keyClick(dialog, Qt.Key.Key_R, ALT)
    qtbot.waitUntil(lambda: window.deskJournal.dialog is None)
    edited = window.editController.session.edited(first)
    assert edited.data["heat"] == 9 and edited.data["quality"] == 11
    window.editController.revert([first, second])
    qtbot.waitUntil(lambda: not window.deskJournal.path.exists(), timeout=TIMEOUT_MS)


def test_a_field_changed_on_both_sides_asks_and_discard_forgets(open_desk, seed_copy, qtbot, monkeypatch):
    (first,) = leave_edits(open_desk, qtbot, seed_copy, ["11"])
    save_document(apply_edits(read_document(first), {"quality": 60}))
    window = open_desk(seed_copy)
    dialog = offered(qtbot, window)
    assert "you choose" in dialog.recordList.item(0).text()
    assert "+quality: 11" in dialog.diffView.toPlainText()
    qtbot.keyClick(dialog, Qt.Key.Key_D, ALT)
    qtbot.waitUntil(
        lambda: window.deskJournal.pending_results() == 0 and not window.deskJournal.path.exists(), timeout=TIMEOUT_MS
    )
    assert not window.editController.dirty_paths()
    assert read_document(first).data["quality"] == 60


def test_decide_later_keeps_the_journal_for_the_next_open(open_desk, seed_copy, qtbot, tmp_path):
    leave_edits(open_desk, qtbot, seed_copy, ["11", "22", "33"])
    window = open_desk(seed_copy)
    dialog = offered(qtbot, window)
    assert dialog.grab().save(str(tmp_path / "restore_dialog.png"))  # to look at when it changes
    qtbot.keyClick(dialog, Qt.Key.Key_L, ALT)
    qtbot.waitUntil(lambda: window.deskJournal.dialog is None)
    assert len(Journal(window.deskJournal.path).entries()) == 3, "decide later keeps the journal"
    assert not window.editController.dirty_paths()


def test_restoring_a_field_changed_on_both_sides_takes_the_value_chosen(open_desk, seed_copy, qtbot, monkeypatch):
    first, second = leave_edits(open_desk, qtbot, seed_copy, ["11", "22"])
    save_document(apply_edits(read_document(first), {"quality": 60}))
    asked = []

    def choose(parent, restoration):
        asked.append([c.key for c in restoration.conflicts])
        return {"quality": "mine"}

    monkeypatch.setattr(journaling, "choose_restored_fields", choose)
    window = open_desk(seed_copy)
    dialog = offered(qtbot, window)
    qtbot.keyClick(dialog, Qt.Key.Key_R, ALT)
    qtbot.waitUntil(lambda: window.deskJournal.dialog is None)
    assert asked == [["quality"]], "asked about the one record both changed"
    session = window.editController.session
    assert session.value(first, "quality") == 11 and session.value(second, "quality") == 22
    assert session.base(first).data["quality"] == 60, "the edit is pending on the file as it is now"
