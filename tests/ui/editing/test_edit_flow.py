"""Editing in the real desk, from the keyboard: approve, edit, undo, save, and what lands on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import changed_lines
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.records.session import path_key
from desktop.ui.editing import dialogs as edit_dialogs
from desktop.ui.table.model import Column, Queue

SAVE_TIMEOUT_MS = 15_000


def press(qtbot, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """A key as the editor types it: to whichever widget has the focus."""
    qtbot.keyClick(QApplication.focusWidget(), key, modifiers)


def type_text(qtbot, text: str) -> None:
    qtbot.keyClicks(QApplication.focusWidget(), text)


CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def originals(seed_copy: Path) -> dict[str, bytes]:
    return {path_key(p): p.read_bytes() for p in sorted(seed_copy.iterdir())}


@pytest.fixture(autouse=True)
def answers(monkeypatch):
    """Answers the questions from queues the test fills; the window's closing at teardown
    (unsaved edits left by a failed test) gets "discard" rather than a dialog nobody clicks."""

    class Answers:
        changed_on_disk: list[str] = []
        unsaved: list[str] = []
        asked: list[tuple] = []

    def ask_changed_on_disk(parent, path, merge=None):
        Answers.asked.append(("changed", Path(path).name))
        return Answers.changed_on_disk.pop(0) if Answers.changed_on_disk else "cancel"

    def ask_unsaved(parent, count):
        Answers.asked.append(("unsaved", count))
        return Answers.unsaved.pop(0) if Answers.unsaved else "discard"

    monkeypatch.setattr(edit_dialogs, "ask_changed_on_disk", ask_changed_on_disk)
    monkeypatch.setattr(edit_dialogs, "ask_unsaved", ask_unsaved)
    return Answers


def editing_desk(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.recordTable.setFocus()
    return window, window.editController, window.recordForm


def current_name(window) -> str:
    return Path(window.current_path()).name


def test_approve_three_edit_a_fourth_undo_save_all_and_only_those_lines_change(desk, qtbot, originals):
    window, controller, form = editing_desk(qtbot, desk)
    press(qtbot, Qt.Key.Key_2, CTRL)  # the "To review" queue
    assert window.current_queue() is Queue.TO_REVIEW
    qtbot.waitUntil(lambda: current_name(window).startswith("000_"))
    window.recordTable.setFocus()

    approved = []
    for _ in range(3):
        approved.append(window.current_path())
        press(qtbot, Qt.Key.Key_Return, CTRL)
    assert [Path(p).name[:3] for p in approved] == ["000", "002", "005"]
    assert current_name(window).startswith("006_"), "Approve & next moved on through the queue"
    fourth = window.current_path()

    press(qtbot, Qt.Key.Key_Q, ALT)
    assert QApplication.focusWidget() is form.qualityInput
    type_text(qtbot, "77")
    press(qtbot, Qt.Key.Key_T, ALT)
    type_text(qtbot, "Privacy")
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_H, ALT)
    assert QApplication.focusWidget() is form.heatInput, "Alt+H reaches heat, not the Help menu"
    press(qtbot, Qt.Key.Key_Up)
    assert controller.session.value(fourth, "heat") == 0
    assert window.isWindowModified()
    assert window.model.dirty_paths() == {fourth}

    press(qtbot, Qt.Key.Key_Z, CTRL)  # undo the heat change only
    assert controller.session.value(fourth, "heat") == -1
    assert form.heatInput.text() == "not rated"
    assert controller.session.value(fourth, "quality") == 77

    with qtbot.waitSignal(controller.saveAllFinished, timeout=SAVE_TIMEOUT_MS) as finished:
        press(qtbot, Qt.Key.Key_S, CTRL | SHIFT)
    assert finished.args == [{}]
    assert not window.isWindowModified()
    assert window.model.dirty_paths() == set()

    for path in approved:
        assert changed_lines(originals[path], Path(path).read_bytes()) == ["-published: false", "+published: true"]
    assert "\ntopics:" not in originals[fourth].decode(), "the fourth record starts without topics"
    assert changed_lines(originals[fourth], Path(fourth).read_bytes()) == [
        "-quality: 87",
        "+quality: 77",
        "+",  # a new section, set off by a blank line like the others
        "+topics:",
        "+  - Privacy",
    ]
    untouched = set(originals) - set(approved) - {fourth}
    assert all(Path(p).read_bytes() == originals[p] for p in untouched)


def test_a_bulk_edit_of_five_records_is_one_undo_step_and_saves_each(desk, qtbot, originals):
    window, controller, form = editing_desk(qtbot, desk)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Down)
    for _ in range(4):
        press(qtbot, Qt.Key.Key_Down, SHIFT)
    five = window.selected_paths()
    assert [Path(p).name[:3] for p in five] == ["002", "003", "004", "005", "006"]
    assert len(five) == 5 and controller.current_paths() == five
    assert form.qualityInput.text().startswith("mixed (")
    assert form.publishedInput.checkState() == Qt.CheckState.PartiallyChecked

    press(qtbot, Qt.Key.Key_Q, ALT)
    type_text(qtbot, "55")
    press(qtbot, Qt.Key.Key_T, ALT)
    type_text(qtbot, "Ethics")
    press(qtbot, Qt.Key.Key_Return)
    assert controller.undoStack.count() == 2, "one step per bulk edit"
    assert all(controller.session.value(p, "quality") == 55 for p in five)
    assert form.qualityInput.text() == "55"
    assert window.model.dirty_paths() == set(five)

    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert all("Ethics" not in controller.session.topics(p) for p in five)
    press(qtbot, Qt.Key.Key_Z, CTRL | SHIFT)
    assert all(controller.session.topics(p)[-1] == "Ethics" for p in five)

    with qtbot.waitSignal(controller.saveAllFinished, timeout=SAVE_TIMEOUT_MS):
        window.registry["actionSaveAll"].trigger()
    for path in five:
        original = originals[path].decode()
        expected = []
        if "\nquality: 55\n" not in original:
            old_quality = next(line for line in original.splitlines() if line.startswith("quality:"))
            expected += [f"-{old_quality}", "+quality: 55"]
        # A record without topics gets a new section, set off by a blank line like the others.
        expected += ["+  - Ethics"] if "\ntopics:\n" in original else ["+", "+topics:", "+  - Ethics"]
        assert changed_lines(originals[path], Path(path).read_bytes()) == expected


def test_an_invalid_approval_is_refused_and_the_problems_listed(open_desk, seed_copy, qtbot):
    broken = sorted(seed_copy.iterdir())[0]
    broken.write_text(broken.read_text(encoding="utf-8").replace("quality: 40", "quality: 250"), encoding="utf-8")
    before = broken.read_bytes()
    window, controller, form = editing_desk(qtbot, open_desk(seed_copy))
    assert current_name(window) == broken.name

    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert broken.read_bytes() == before
    assert current_name(window) == broken.name, "a refused approval does not move on"
    assert "cannot be published" in form.field_problem("published")
    assert "250" in form.field_problem("published")
    assert "cannot be published" in window.statusBar().currentMessage()
    assert not window.isWindowModified()


def test_a_half_typed_number_disables_save_and_says_why(desk, qtbot):
    window, controller, form = editing_desk(qtbot, desk)
    press(qtbot, Qt.Key.Key_Q, ALT)
    type_text(qtbot, "12")
    save = window.registry["actionSave"]
    assert save.isEnabled()
    press(qtbot, Qt.Key.Key_Backspace)
    press(qtbot, Qt.Key.Key_Backspace)
    assert not save.isEnabled()
    assert "whole number" in save.toolTip()
    assert "whole number" in window.statusBar().currentMessage()
    assert "whole number" in form.field_problem("quality")


@pytest.mark.parametrize("answer", ["reload", "overwrite", "cancel"])
def test_a_file_changed_on_disk_while_edited(desk, qtbot, answers, answer):
    window, controller, form = editing_desk(qtbot, desk)
    path = Path(window.current_path())
    press(qtbot, Qt.Key.Key_Q, ALT)
    type_text(qtbot, "64")
    path.write_bytes(path.read_bytes().replace(b"heat: -1", b"heat: 5"))
    on_disk = path.read_bytes()
    answers.changed_on_disk = [answer]

    press(qtbot, Qt.Key.Key_S, CTRL)

    assert answers.asked == [("changed", path.name)]
    if answer == "reload":
        assert path.read_bytes() == on_disk
        assert form.qualityInput.value() == 40 and form.heatInput.value() == 5
        assert not window.isWindowModified()
    elif answer == "overwrite":
        assert b"quality: 64" in path.read_bytes() and b"heat: -1" in path.read_bytes()
        assert not window.isWindowModified()
    else:
        assert path.read_bytes() == on_disk
        assert window.isWindowModified()
        assert form.qualityInput.value() == 64


@pytest.mark.parametrize("answer", ["save", "discard", "cancel"])
def test_closing_with_unsaved_edits_asks(desk, qtbot, answers, originals, answer):
    window, controller, form = editing_desk(qtbot, desk)
    path = window.current_path()
    press(qtbot, Qt.Key.Key_Q, ALT)
    type_text(qtbot, "9")
    answers.unsaved = [answer]

    closed = window.close()

    assert answers.asked == [("unsaved", 1)]
    assert closed == (answer != "cancel")
    written = Path(path).read_bytes()
    if answer == "save":
        assert changed_lines(originals[path], written) == ["-quality: 40", "+quality: 9"]
    else:
        assert written == originals[path]
    if answer == "cancel":
        assert window.isVisible() and window.isWindowModified()
        answers.unsaved = ["discard"]
        assert window.close()


def test_opening_another_folder_with_unsaved_edits_asks_first(desk, qtbot, answers, tmp_path):
    window, controller, form = editing_desk(qtbot, desk)
    press(qtbot, Qt.Key.Key_Q, ALT)
    type_text(qtbot, "9")
    other = tmp_path / "other"
    other.mkdir()
    answers.unsaved = ["cancel"]
    assert not window.open_folder(other)
    assert window.isWindowModified()
    answers.unsaved = ["discard"]
    assert window.open_folder(other)
    assert not window.isWindowModified()
    assert controller.undoStack.count() == 0 and controller.dirty_paths() == []


def test_review_changes_shows_the_diff_of_every_unsaved_record(desk, qtbot):
    window, controller, form = editing_desk(qtbot, desk)
    press(qtbot, Qt.Key.Key_Q, ALT)
    type_text(qtbot, "61")
    press(qtbot, Qt.Key.Key_D, CTRL)
    dialog = window.findChild(edit_dialogs.ReviewChangesDialog)
    assert dialog is not None and dialog.isVisible()
    assert "-quality: 40\n+quality: 61" in dialog.text()
    dialog.close()


def test_tab_goes_from_the_link_through_the_form_to_the_tabs(desk, qtbot):
    window, controller, form = editing_desk(qtbot, desk)
    window.reviewPane.linkButton.setFocus()
    order = []
    for _ in range(5):
        press(qtbot, Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order == [
        form.qualityInput,
        form.heatInput,
        form.topicsInput.lineEdit,
        form.publishedInput,
        window.reviewPane.tabs.tabBar(),
    ]


def test_unapprove_withdraws_approval_and_saves(desk, qtbot, originals):
    window, controller, form = editing_desk(qtbot, desk)
    press(qtbot, Qt.Key.Key_3, CTRL)  # the "Approved" queue
    qtbot.waitUntil(lambda: window.current_path() is not None and current_name(window).startswith("001_"))
    path = window.current_path()
    window.recordTable.setFocus()
    press(qtbot, Qt.Key.Key_Return, CTRL | SHIFT)
    assert changed_lines(originals[path], Path(path).read_bytes()) == ["-published: true", "+published: false"]
    qtbot.waitUntil(lambda: window.model.count(Queue.APPROVED) == 3)


def test_a_file_that_cannot_be_edited_shows_a_read_only_form_and_refuses_approval(open_desk, seed_copy, qtbot):
    broken = seed_copy / "zz_broken.md"
    broken.write_text('---\ntitle: "A"\ntitle: "B"\nwebUrl: "https://example.com/"\n---\n', encoding="utf-8")
    before = broken.read_bytes()
    window, controller, form = editing_desk(qtbot, open_desk(seed_copy))
    press(qtbot, Qt.Key.Key_6, CTRL)  # Needs attention
    qtbot.waitUntil(lambda: window.current_path() == path_key(broken))
    assert form.blockerLabel.isVisible()
    assert "can't be edited" in form.blockerLabel.text()
    assert not form.qualityInput.isEnabled() and not form.publishedInput.isEnabled()
    window.recordTable.setFocus()
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert broken.read_bytes() == before
    assert "cannot be edited" in window.statusBar().currentMessage()


def table_cell(window, path: str, column) -> str:
    index = window.proxy.mapFromSource(window.model.index(window.model.row_for_path(path), column))
    return index.data()


def state_words(window, path: str) -> str:
    """The state cell's words, less the seeds' warning (every seed lists one related story twice),
    which arrives from the background check at its own time."""
    words = window.model.index(window.model.row_for_path(path), Column.STATE).data(Qt.ItemDataRole.AccessibleTextRole)
    return ", ".join(word for word in words.split(", ") if word != "has warnings") or "awaiting review"


def test_the_table_shows_unsaved_values_until_they_are_undone_or_reverted(desk, qtbot, originals):
    window, controller, form = editing_desk(qtbot, desk)
    press(qtbot, Qt.Key.Key_2, CTRL)  # "To review"
    qtbot.waitUntil(lambda: current_name(window).startswith("000_"))
    path = window.current_path()
    to_review = window.model.count(Queue.TO_REVIEW)
    assert table_cell(window, path, Column.QUALITY) == "40"

    press(qtbot, Qt.Key.Key_Q, ALT)
    type_text(qtbot, "77")
    assert table_cell(window, path, Column.QUALITY) == "77"
    assert state_words(window, path) == "unsaved edits"
    press(qtbot, Qt.Key.Key_H, ALT)
    press(qtbot, Qt.Key.Key_Up)
    assert table_cell(window, path, Column.HEAT) == "0"
    press(qtbot, Qt.Key.Key_T, ALT)
    type_text(qtbot, "Privacy")
    press(qtbot, Qt.Key.Key_Return)
    assert table_cell(window, path, Column.TOPICS).endswith("Privacy")
    press(qtbot, Qt.Key.Key_A, ALT)  # ticks "Approved for publication" (an animated click), unsaved
    qtbot.waitUntil(lambda: controller.session.value(path, "published") is True)
    assert state_words(window, path) == "approved, unsaved edits"
    # The queues go by what is on disk: the record stays in view while the editor finishes it.
    assert window.model.count(Queue.TO_REVIEW) == to_review
    assert window.current_path() == path

    press(qtbot, Qt.Key.Key_Z, CTRL)  # undo the approval
    assert state_words(window, path) == "unsaved edits"
    press(qtbot, Qt.Key.Key_Z, CTRL)  # and the topic
    assert not table_cell(window, path, Column.TOPICS).endswith("Privacy")
    window.registry["actionRevert"].trigger()
    assert table_cell(window, path, Column.QUALITY) == "40"
    assert table_cell(window, path, Column.HEAT) == "–"
    assert state_words(window, path) == "awaiting review"
    assert Path(path).read_bytes() == originals[path]

    # The offscreen platform leaves the topic completer's hidden popup as the active window.
    editing_desk(qtbot, window)
    press(qtbot, Qt.Key.Key_Q, ALT)
    type_text(qtbot, "66")
    window.registry["actionSave"].trigger()
    assert table_cell(window, path, Column.QUALITY) == "66"
    assert state_words(window, path) == "awaiting review"
    assert changed_lines(originals[path], Path(path).read_bytes()) == ["-quality: 40", "+quality: 66"]


def test_approving_an_already_approved_record_with_problems_is_refused_too(open_desk, seed_copy, qtbot):
    """An approved record that turned invalid on disk: Approve & Next must not say "Approved"
    and move on as if it were fine; it lists the problems and stays, like any invalid approval."""
    approved = next(p for p in sorted(seed_copy.iterdir()) if "\npublished: true\n" in p.read_text(encoding="utf-8"))
    text = approved.read_text(encoding="utf-8")
    approved.write_text(text.replace("\nquality: ", "\nquality: 25", 1), encoding="utf-8")  # 25xx: over 100
    before = approved.read_bytes()
    window, controller, form = editing_desk(qtbot, open_desk(seed_copy))
    assert window.select_path(str(approved))
    qtbot.waitUntil(lambda: window.current_document() is not None and window.current_document().path == approved)

    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert current_name(window) == approved.name, "a refused approval does not move on"
    assert "cannot be published" in form.field_problem("published")
    assert "cannot be published" in window.statusBar().currentMessage()
    assert not window.statusBar().currentMessage().startswith("Approved")
    assert approved.read_bytes() == before


@pytest.mark.parametrize("command", ["approve", "save"])
def test_a_typed_topic_not_yet_added_goes_into_the_save(desk, qtbot, originals, command):
    """An editor types a topic and presses Ctrl+Return (or Ctrl+S) straight away: the topic is
    saved with the record, not silently dropped when the desk moves on."""
    window, controller, form = editing_desk(qtbot, desk)
    path = window.current_path()
    press(qtbot, Qt.Key.Key_T, ALT)
    type_text(qtbot, "Zebra crossings")
    if command == "save":
        press(qtbot, Qt.Key.Key_Q, ALT)
        press(qtbot, Qt.Key.Key_Up)  # something else to save as well
    press(qtbot, Qt.Key.Key_Return if command == "approve" else Qt.Key.Key_S, CTRL)
    assert "+  - Zebra crossings" in changed_lines(originals[path_key(path)], Path(path).read_bytes())
    assert form.topicsInput.lineEdit.text() == ""


def test_closing_with_only_a_typed_topic_asks_and_can_save_it(desk, qtbot, answers, originals):
    window, controller, form = editing_desk(qtbot, desk)
    path = window.current_path()
    press(qtbot, Qt.Key.Key_T, ALT)
    type_text(qtbot, "Zebra crossings")
    answers.unsaved = ["save"]

    assert window.close()
    assert answers.asked == [("unsaved", 1)]
    assert changed_lines(originals[path_key(path)], Path(path).read_bytes())[-1] == "+  - Zebra crossings"
