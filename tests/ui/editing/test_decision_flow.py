"""Deciding a whole queue from the keyboard: approve, decline with a reason, flag, skip, and the end."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.records.reading import read_document
from desktop.ui.settings import DeskSettings
from desktop.ui.table.model import Queue

pytestmark = pytest.mark.gui

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
UNDECIDED = ("000_fbf05e2be9931d54.txt", "002_b81e04a7973c6e7f.txt", "005_1a4059614ec48a27.txt")
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def press(qtbot, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """A key as the editor types it: to whichever widget has the focus."""
    qtbot.keyClick(QApplication.focusWidget(), key, modifiers)


@pytest.fixture
def three_undecided(tmp_path: Path) -> Path:
    folder = tmp_path / "queue"
    folder.mkdir()
    for name in UNDECIDED:
        shutil.copyfile(SEEDS / name, folder / name)
    return folder


def working_desk(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.recordTable.setFocus()
    press(qtbot, Qt.Key.Key_2, CTRL)  # To review
    assert window.current_queue() is Queue.TO_REVIEW
    qtbot.waitUntil(lambda: window.current_document() is not None)
    return window


def current_name(window) -> str:
    return Path(window.current_path()).name


def test_a_queue_decided_from_the_keyboard_ends_done_and_every_decision_survives_a_restart(
    open_desk, qtbot, three_undecided: Path
):
    window = working_desk(qtbot, open_desk(three_undecided))
    first, second, third = (three_undecided / name for name in UNDECIDED)
    assert window.progressLabel.text() == "0 of 3 decided"

    press(qtbot, Qt.Key.Key_Return, CTRL)  # Approve & Next
    qtbot.waitUntil(lambda: current_name(window) == second.name)
    assert QApplication.focusWidget() is window.recordTable
    press(qtbot, Qt.Key.Key_2)  # reason 2 on the number key, the table having the focus
    qtbot.waitUntil(lambda: current_name(window) == third.name)
    press(qtbot, Qt.Key.Key_F, CTRL | SHIFT)  # Flag & Next: the last record of the queue

    empty = window.reviewPane.emptyLabel
    qtbot.waitUntil(lambda: empty.isVisible())
    assert "Queue done" in empty.text()
    assert "1 approved, 1 declined, 1 flagged" in empty.text()
    assert window.progressLabel.text().startswith("3 of 3 decided")
    assert read_document(first).data["published"] is True
    assert read_document(second).data["decision"] == "declined"
    assert read_document(second).data["declineReason"] == DeskSettings().decline_reasons()[1]
    assert read_document(third).data["decision"] == "flagged"

    window.close()
    again = open_desk(three_undecided, wait_for_document=False)
    assert (again.model.count(Queue.TO_REVIEW), again.model.count(Queue.APPROVED)) == (0, 1)
    assert (again.model.count(Queue.DECLINED), again.model.count(Queue.FLAGGED)) == (1, 1)
    labels = [again.queueList.item(row).text() for row in range(again.queueList.count())]
    assert labels[3:5] == ["Declined", "Flagged"]


def test_decline_with_alt_number_and_a_note_from_a_form_field_returns_the_keyboard_to_the_table(
    open_desk, qtbot, three_undecided: Path
):
    window = working_desk(qtbot, open_desk(three_undecided))
    first = three_undecided / UNDECIDED[0]
    original = first.read_bytes()
    form = window.recordForm
    form.noteInput.setFocus()
    qtbot.keyClicks(form.noteInput, "same story as the AP one")
    press(qtbot, Qt.Key.Key_3, ALT)  # reason 3 from anywhere

    qtbot.waitUntil(lambda: current_name(window) == UNDECIDED[1])
    assert QApplication.focusWidget() is window.recordTable
    reason = DeskSettings().decline_reasons()[2]
    added = [line for line in first.read_text().splitlines() if line not in original.decode().splitlines()]
    assert added == ['decision: "declined"', f'declineReason: "{reason}"', 'decisionNote: "same story as the AP one"']
    assert form.noteInput.text() == "", "a note belongs to the record it was written for"


def test_skip_moves_on_without_writing_and_the_end_of_a_queue_says_so(open_desk, qtbot, three_undecided: Path):
    window = working_desk(qtbot, open_desk(three_undecided))
    before = {p.name: p.read_bytes() for p in three_undecided.iterdir()}
    for expected in UNDECIDED[1:]:
        press(qtbot, Qt.Key.Key_N, CTRL | SHIFT)
        qtbot.waitUntil(lambda e=expected: current_name(window) == e)
    press(qtbot, Qt.Key.Key_N, CTRL | SHIFT)  # past the last one

    assert current_name(window) == UNDECIDED[-1], "the last record stays in view"
    assert window.statusBar().currentMessage().startswith("End of “To review” (3 records in it)")
    assert "3 skipped" in window.statusBar().currentMessage()
    assert {p.name: p.read_bytes() for p in three_undecided.iterdir()} == before


def test_approving_a_declined_record_replaces_the_decision(open_desk, qtbot, three_undecided: Path):
    window = working_desk(qtbot, open_desk(three_undecided))
    first = three_undecided / UNDECIDED[0]
    original = first.read_text()
    press(qtbot, Qt.Key.Key_D, CTRL | SHIFT)
    qtbot.waitUntil(lambda: current_name(window) == UNDECIDED[1])
    press(qtbot, Qt.Key.Key_4, CTRL)  # Declined
    qtbot.waitUntil(lambda: window.current_path() is not None and current_name(window) == UNDECIDED[0])
    assert window.recordForm.decisionLabel.text() == "Declined"
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: window.model.count(Queue.DECLINED) == 0)
    assert first.read_text() == original.replace("published: false", "published: true")


def test_undoing_a_saved_approval_names_the_story_selects_it_and_shows_it_pending(
    open_desk, qtbot, three_undecided: Path, monkeypatch
):
    from desktop.ui.editing import dialogs as edit_dialogs

    monkeypatch.setattr(edit_dialogs, "ask_unsaved", lambda parent, count: "discard")  # closing at teardown
    window = working_desk(qtbot, open_desk(three_undecided))
    first = three_undecided / UNDECIDED[0]
    title = read_document(first).data["title"]
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: current_name(window) == UNDECIDED[1])

    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert window.statusBar().currentMessage().startswith(f"Undid approval of “{title}”")
    qtbot.waitUntil(lambda: current_name(window) == UNDECIDED[0])
    controller = window.editController
    assert controller.is_dirty(str(first)), "the undone approval is a pending change, not a silent one"
    assert controller.session.value(str(first), "published") is False
    assert read_document(first).data["published"] is True, "nothing is written until it is saved"
    assert "unsaved" in window.model.state_flags(window.model.summary_at(window.model.row_for_path(str(first))))


def test_the_record_table_shows_a_highlight_frame_only_while_it_has_the_focus(open_desk, qtbot, three_undecided: Path):
    window = working_desk(qtbot, open_desk(three_undecided))
    table = window.recordTable
    highlight = table.palette().color(table.palette().ColorRole.Highlight)

    def left_edge_colour():
        return table.grab().toImage().pixelColor(0, table.height() // 2)

    assert QApplication.focusWidget() is table
    assert left_edge_colour() == highlight
    press(qtbot, Qt.Key.Key_F, CTRL)  # to the search field
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.searchField)
    assert left_edge_colour() != highlight


def test_a_quality_typed_out_of_range_is_shown_with_its_message_not_cut_short(
    open_desk, qtbot, three_undecided: Path, monkeypatch
):
    from desktop.ui.editing import dialogs as edit_dialogs

    monkeypatch.setattr(edit_dialogs, "ask_unsaved", lambda parent, count: "discard")  # closing at teardown
    window = working_desk(qtbot, open_desk(three_undecided))
    form = window.recordForm
    press(qtbot, Qt.Key.Key_Q, ALT)
    assert QApplication.focusWidget() is form.qualityInput
    form.qualityInput.selectAll()
    qtbot.keyClicks(form.qualityInput, "150")

    assert form.qualityInput.text() == "150", "typed as typed, not silently 15"
    assert "quality must be a whole number from 0 to 100" in form.input_problem()
    assert not window.registry["actionSave"].isEnabled()


def test_the_mouse_wheel_over_a_number_field_without_focus_edits_nothing(open_desk, qtbot, three_undecided: Path):
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent

    window = working_desk(qtbot, open_desk(three_undecided))
    heat = window.recordForm.heatInput
    centre = QPointF(heat.rect().center())
    wheel = QWheelEvent(
        centre,
        QPointF(heat.mapToGlobal(heat.rect().center())),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(heat, wheel)

    assert QApplication.focusWidget() is window.recordTable
    assert not window.editController.is_dirty(window.current_path())
    assert heat.text() == "not rated"


def test_a_decision_message_names_the_story_with_its_file_in_the_tooltip(open_desk, qtbot, three_undecided: Path):
    window = working_desk(qtbot, open_desk(three_undecided))
    first = three_undecided / UNDECIDED[0]
    title = " ".join(str(read_document(first).data["title"]).split())

    press(qtbot, Qt.Key.Key_Return, CTRL)  # Approve & Next
    bar = window.statusBar()
    qtbot.waitUntil(lambda: bar.currentMessage().startswith("Approved “"), timeout=5000)
    assert title[:40] in bar.currentMessage() and first.name not in bar.currentMessage()
    assert str(first) in bar.toolTip(), "the file is one hover away"

    bar.clearMessage()
    assert bar.toolTip() == "", "the tooltip goes with its message"
    window.show_status("Preferences saved.")
    assert bar.toolTip() == "", "a message naming no story has no files"


def test_a_decline_with_a_reason_reads_as_a_sentence(open_desk, qtbot, three_undecided: Path):
    window = working_desk(qtbot, open_desk(three_undecided))
    title = " ".join(str(read_document(three_undecided / UNDECIDED[0]).data["title"]).split())
    press(qtbot, Qt.Key.Key_2)  # reason 2, the table having the focus
    bar = window.statusBar()
    qtbot.waitUntil(lambda: bar.currentMessage().startswith("Declined “"), timeout=5000)
    assert bar.currentMessage() == f"Declined “{title[:79]}” as “Duplicate story”.", bar.currentMessage()
