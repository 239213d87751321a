"""Saving a record that changed on disk: the question offers Merge, which keeps the other change
and mine, and lets me choose per field where both of us changed the same one. Real dialogs, keys."""

from __future__ import annotations

import pytest
from form_keys import typed_quality
from helpers import changed_lines
from modal import when_shown
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QRadioButton

from desktop.ui.editing import dialogs as edit_dialogs
from desktop.ui.editing.dialogs import FieldChoiceDialog

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture(autouse=True)
def discard_at_teardown(monkeypatch):
    # A failed test must not leave the window's close waiting on a question nobody answers.
    monkeypatch.setattr(edit_dialogs, "ask_unsaved", lambda parent, count: "discard")


def test_merge_keeps_the_change_on_disk_and_my_edit(desk, qtbot):
    window = desk
    path = typed_quality(qtbot, window, "64")
    original = path.read_bytes()
    path.write_bytes(original.replace(b"heat: -1", b"heat: 5"))
    boxes: list = []
    when_shown(QMessageBox, lambda box: qtbot.keyClick(box, Qt.Key.Key_Return), boxes)

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, CTRL)

    assert len(boxes) == 1
    box = boxes[0]
    assert "Changed on disk: heat -1 -> 5." in box.informativeText()
    assert box.defaultButton().text() == "&Merge"
    assert changed_lines(original, path.read_bytes()) == ["-quality: 40", "-heat: -1", "+quality: 64", "+heat: 5"]
    assert not window.isWindowModified()
    assert window.editController.session.value(path, "heat") == 5
    assert "Merged" in window.statusBar().currentMessage()
    row = window.model.row_for_path(str(path))
    assert (window.model.summary_at(row).quality, window.model.summary_at(row).heat) == (64, 5)


@pytest.mark.parametrize("take, quality", [("mine", 64), ("theirs", 55)])
def test_the_same_field_changed_on_disk_is_chosen_per_field(desk, qtbot, take, quality):
    window = desk
    path = typed_quality(qtbot, window, "64")
    original = path.read_bytes()
    path.write_bytes(original.replace(b"quality: 40", b"quality: 55").replace(b"heat: -1", b"heat: 5"))
    seen: list = []

    def choose(dialog: FieldChoiceDialog) -> None:
        if take == "theirs":
            radio = dialog.findChild(QRadioButton, "takeTheirs_quality")
            radio.setFocus()
            qtbot.keyClick(radio, Qt.Key.Key_Space)
        qtbot.keyClick(dialog, Qt.Key.Key_Return)

    defaults: list = []

    def merge(box: QMessageBox) -> None:
        defaults.append(box.defaultButton().text())
        when_shown(FieldChoiceDialog, choose, seen)
        merge_button = next(b for b in box.buttons() if b.text().startswith("&Merge"))
        merge_button.setFocus()
        qtbot.keyClick(merge_button, Qt.Key.Key_Space)

    when_shown(QMessageBox, merge, seen)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, CTRL)

    qtbot.waitUntil(lambda: len(seen) == 2)
    box, chooser = seen
    assert defaults and "Merge" not in defaults[0], "with a conflict, Enter does not merge blindly"
    assert "You changed quality too" in box.informativeText()
    mine, theirs = chooser.choices["quality"]
    assert (mine.text(), theirs.text()) == ("Yours: 64", "On disk: 55")
    written = path.read_bytes()
    assert changed_lines(original, written) == ["-quality: 40", "-heat: -1", f"+quality: {quality}", "+heat: 5"]
    assert not window.isWindowModified()


def test_cancel_in_the_chooser_saves_nothing_and_keeps_my_edit(desk, qtbot):
    window = desk
    path = typed_quality(qtbot, window, "64")
    on_disk = path.read_bytes().replace(b"quality: 40", b"quality: 55")
    path.write_bytes(on_disk)
    seen: list = []

    def merge(box: QMessageBox) -> None:
        when_shown(FieldChoiceDialog, lambda dialog: qtbot.keyClick(dialog, Qt.Key.Key_Escape), seen)
        merge_button = next(b for b in box.buttons() if b.text().startswith("&Merge"))
        merge_button.setFocus()
        qtbot.keyClick(merge_button, Qt.Key.Key_Space)

    when_shown(QMessageBox, merge, seen)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert path.read_bytes() == on_disk
    assert window.isWindowModified()
    assert window.editController.session.value(path, "quality") == 64


def test_a_file_that_no_longer_parses_offers_no_merge_and_says_why(desk, qtbot):
    window = desk
    path = typed_quality(qtbot, window, "64")
    broken = path.read_bytes().replace(b"heat: -1", b"heat: [unclosed")
    path.write_bytes(broken)
    seen: list = []
    when_shown(QMessageBox, lambda box: qtbot.keyClick(box, Qt.Key.Key_Escape), seen)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: len(seen) == 1)
    box = seen[0]
    assert "It can't be merged" in box.informativeText() and "not valid YAML" in box.informativeText()
    assert [b.text() for b in box.buttons() if "Merge" in b.text()] == []
    assert path.read_bytes() == broken
