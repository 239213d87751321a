"""The pane's problems list follows the form's unsaved values, in the words the form and the
status bar use: typing 150 into Quality lists it, typing 74 clears it, before anything is saved."""

from __future__ import annotations

import pytest
from form_keys import typed_quality
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.ui.editing import dialogs as edit_dialogs
from desktop.ui.editing.form import RecordForm

CTRL = Qt.KeyboardModifier.ControlModifier
QUALITY_RULE = "quality must be a whole number from 0 to 100"


@pytest.fixture(autouse=True)
def discard_at_teardown(monkeypatch):
    monkeypatch.setattr(edit_dialogs, "ask_unsaved", lambda parent, count: "discard")


def listed(window) -> list[str]:
    view = window.reviewPane.problemsView
    return [view.item(row).text() for row in range(view.count())] if view.isVisibleTo(window) else []


def retype(qtbot, text: str) -> None:
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(QApplication.focusWidget(), text)


@pytest.fixture
def desk_with_one_record(open_desk, seed_copy):
    for path in sorted(seed_copy.iterdir())[1:]:
        path.unlink()
    return open_desk(seed_copy)


def test_a_typed_out_of_range_value_is_listed_and_a_fixed_one_clears_it(desk_with_one_record, qtbot):
    window = desk_with_one_record
    path = typed_quality(qtbot, window, "")
    retype(qtbot, "150")
    qtbot.waitUntil(lambda: any(QUALITY_RULE in line for line in listed(window)), timeout=3000)
    line = next(line for line in listed(window) if QUALITY_RULE in line)
    assert line == f"line 8:10: {QUALITY_RULE} (found 150)", "at the field's line, as the schema words it"
    assert window.findChild(RecordForm, "recordForm").field_problem("quality") == f"{QUALITY_RULE} (found 150)"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, CTRL)
    assert window.statusBar().currentMessage().endswith(f"{QUALITY_RULE} (found 150)"), "the same words"

    retype(qtbot, "74")
    qtbot.waitUntil(lambda: not any(QUALITY_RULE in line for line in listed(window)), timeout=3000)
    assert window.editController.session.value(path, "quality") == 74
    assert b"quality: 40\n" in path.read_bytes(), "nothing saved yet"


def test_fixing_a_value_the_file_has_wrong_clears_its_problem_before_saving(open_desk, seed_copy, qtbot):
    for path in sorted(seed_copy.iterdir())[1:]:
        path.unlink()
    record = sorted(seed_copy.iterdir())[0]
    record.write_bytes(record.read_bytes().replace(b"quality: 40\n", b"quality: 150\n"))
    window = open_desk(seed_copy)
    assert f"line 8:10: {QUALITY_RULE} (found 150)" in listed(window)

    typed_quality(qtbot, window, "")
    retype(qtbot, "74")
    qtbot.waitUntil(lambda: not any(QUALITY_RULE in line for line in listed(window)), timeout=3000)
    assert window.editController.is_dirty(record) and b"quality: 150\n" in record.read_bytes()

    window.recordTable.setFocus()
    qtbot.keyClick(window.recordTable, Qt.Key.Key_Z, CTRL)  # undo: the file's value and its problem are back
    qtbot.waitUntil(lambda: f"line 8:10: {QUALITY_RULE} (found 150)" in listed(window), timeout=3000)


def test_each_changed_field_shows_its_saved_value_and_reverts_on_its_own(desk_with_one_record, qtbot):
    window = desk_with_one_record
    form = window.findChild(RecordForm, "recordForm")
    path = typed_quality(qtbot, window, "")
    retype(qtbot, "64")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)  # to Heat
    retype(qtbot, "7")
    qtbot.waitUntil(lambda: form.savedRows["heat"].isVisible(), timeout=3000)
    assert form.savedLabels["quality"].text() == "Saved: 40"
    assert form.savedLabels["heat"].text() == "Saved: not rated"
    assert not form.savedRows["topics"].isVisible(), "an unchanged field shows nothing more"

    form.revertButtons["quality"].setFocus()
    qtbot.keyClick(form.revertButtons["quality"], Qt.Key.Key_Space)  # Revert, from the keyboard
    session = window.editController.session
    qtbot.waitUntil(lambda: session.value(path, "quality") == 40, timeout=3000)
    assert session.value(path, "heat") == 7, "the other field keeps its edit"
    assert form.qualityInput.value() == 40 and not form.savedRows["quality"].isVisible()
    assert window.statusBar().currentMessage().startswith("Reverted quality of “")

    window.recordTable.setFocus()
    qtbot.keyClick(window.recordTable, Qt.Key.Key_Z, CTRL)  # undo the revert: 64 again
    qtbot.waitUntil(lambda: session.value(path, "quality") == 64, timeout=3000)
    assert form.savedRows["quality"].isVisible()

    qtbot.keyClick(window.recordTable, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not window.isWindowModified(), timeout=5000)
    assert not any(row.isVisible() for row in form.savedRows.values()), "saved: nothing differs any more"
