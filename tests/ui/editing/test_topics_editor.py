"""The topics token editor, driven from the keyboard as an editor would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.ui.editing.topics import TopicsEditor


@pytest.fixture
def editor(qtbot) -> TopicsEditor:
    widget = TopicsEditor()
    qtbot.addWidget(widget)
    widget.resize(420, 90)
    widget.set_topics(["Natural Language Processing", "AI", "AWS AI"])
    widget.set_completions(["Computer Vision", "AI", "Privacy", "computer vision", "Natural Language Processing"])
    widget.show()
    qtbot.waitExposed(widget)
    widget.setFocus()
    return widget


def chip_texts(editor: TopicsEditor) -> list[str]:
    return [chip.label.text() for chip in editor.chips()]


def test_typing_a_topic_and_enter_adds_it_at_the_end(qtbot, editor):
    with qtbot.waitSignal(editor.topicAdded) as added:
        qtbot.keyClicks(editor.lineEdit, "Privacy")
        qtbot.keyClick(editor.lineEdit, Qt.Key.Key_Return)
    assert added.args == ["Privacy"]
    assert editor.topics() == ["Natural Language Processing", "AI", "AWS AI", "Privacy"]
    assert chip_texts(editor)[-1] == "Privacy"
    assert editor.lineEdit.text() == ""


def test_a_comma_adds_what_was_typed_before_it(qtbot, editor):
    added = []
    editor.topicAdded.connect(added.append)
    qtbot.keyClicks(editor.lineEdit, "Ethics, Law,Pol")
    assert added == ["Ethics", "Law"]
    assert editor.lineEdit.text() == "Pol"


def test_backspace_in_the_empty_field_removes_the_last_topic(qtbot, editor):
    with qtbot.waitSignal(editor.topicRemoved) as removed:
        qtbot.keyClick(editor.lineEdit, Qt.Key.Key_Backspace)
    assert removed.args == ["AWS AI"]
    assert editor.topics() == ["Natural Language Processing", "AI"]

    qtbot.keyClicks(editor.lineEdit, "ab")
    qtbot.keyClick(editor.lineEdit, Qt.Key.Key_Backspace)
    assert editor.topics() == ["Natural Language Processing", "AI"], "Backspace edits the text first"
    assert editor.lineEdit.text() == "a"


def test_the_chip_button_removes_its_topic(qtbot, editor):
    chip = editor.chips()[1]
    with qtbot.waitSignal(editor.topicRemoved) as removed:
        qtbot.mouseClick(chip.button, Qt.MouseButton.LeftButton)
    assert removed.args == ["AI"]
    assert editor.topics() == ["Natural Language Processing", "AWS AI"]


def test_a_duplicate_is_refused_ignoring_case_with_a_message(qtbot, editor):
    added = []
    editor.topicAdded.connect(added.append)
    with qtbot.waitSignal(editor.inputProblemChanged) as problem:
        qtbot.keyClicks(editor.lineEdit, "aws ai")
    assert "already a topic" in problem.args[0]
    qtbot.keyClick(editor.lineEdit, Qt.Key.Key_Return)
    assert added == []
    assert editor.topics() == ["Natural Language Processing", "AI", "AWS AI"]
    assert editor.lineEdit.text() == "aws ai", "the refused text stays so it can be fixed"

    with qtbot.waitSignal(editor.inputProblemChanged) as cleared:
        qtbot.keyClicks(editor.lineEdit, " ethics")
    assert cleared.args == [""]


def test_completion_offers_folder_topics_case_insensitively(qtbot, editor):
    added = []
    editor.topicAdded.connect(added.append)
    qtbot.keyClicks(editor.lineEdit, "COMP")
    popup = editor.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    offered = [popup.model().index(row, 0).data() for row in range(popup.model().rowCount())]
    assert offered == ["Computer Vision"], "one entry per spelling, matched ignoring case"

    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.lineEdit.text() == "")
    assert added == ["Computer Vision"], "added once, although Enter and the completer both report it"
    assert editor.topics()[-1] == "Computer Vision"


def test_arrow_keys_reach_each_chip_and_delete_removes_it(qtbot, editor):
    qtbot.keyClick(editor.lineEdit, Qt.Key.Key_Left)
    assert QApplication.focusWidget() is editor.chips()[-1].button
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Left)
    assert QApplication.focusWidget() is editor.chips()[1].button
    with qtbot.waitSignal(editor.topicRemoved) as removed:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Delete)
    assert removed.args == ["AI"]
    assert QApplication.focusWidget() is editor.chips()[1].button, "focus stays on the chip list"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is editor.lineEdit


def test_several_records_show_the_union_with_partial_topics_marked(qtbot, editor):
    editor.set_topic_sets([["AI", "Robotics"], ["ai", "Ethics"], ["AI"], ["Robotics"], []])
    assert editor.topics() == ["AI", "Robotics", "Ethics"]
    assert chip_texts(editor) == ["AI (3/5)", "Robotics (2/5)", "Ethics (1/5)"]
    assert all(chip.property("mixed") for chip in editor.chips())

    added = []
    editor.topicAdded.connect(added.append)
    qtbot.keyClicks(editor.lineEdit, "robotics")
    qtbot.keyClick(editor.lineEdit, Qt.Key.Key_Return)
    assert added == ["robotics"], "a topic only some records have can be added to all"
    assert chip_texts(editor)[1] == "Robotics"

    qtbot.keyClicks(editor.lineEdit, "Robotics")
    qtbot.keyClick(editor.lineEdit, Qt.Key.Key_Return)
    assert added == ["robotics"], "once every record has it, it is a duplicate"
    assert "every selected record" in editor.input_problem()


def test_topic_text_is_shown_literally(qtbot, editor):
    editor.set_topics(["<b>bold</b>", "<img src=x>"])
    labels = [chip.label for chip in editor.chips()]
    assert [label.text() for label in labels] == ["<b>bold</b>", "<img src=x>"]
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)


def test_a_validator_refuses_what_the_schema_would(qtbot, editor):
    editor.setValidator(lambda topics: "too many topics" if len(topics) > 3 else "")
    added = []
    editor.topicAdded.connect(added.append)
    qtbot.keyClicks(editor.lineEdit, "Fourth")
    assert editor.input_problem() == "too many topics"
    qtbot.keyClick(editor.lineEdit, Qt.Key.Key_Return)
    assert added == []


def test_read_only_hides_the_field_and_ignores_keys(qtbot, editor):
    removed = []
    editor.topicRemoved.connect(removed.append)
    editor.setReadOnly(True)
    assert not editor.lineEdit.isVisible()
    assert not any(chip.button.isVisible() for chip in editor.chips())
    editor.remove_topic("AI")
    assert removed == [] and editor.topics() == ["Natural Language Processing", "AI", "AWS AI"]


def _offer_ethics(editor: TopicsEditor) -> None:
    editor.set_completions(["AI Ethics", "Privacy", "AI"])


def test_enter_takes_the_first_completion_highlighted_while_typing(qtbot, editor):
    _offer_ethics(editor)
    added = []
    editor.topicAdded.connect(added.append)
    qtbot.keyClicks(editor.lineEdit, "eth")
    popup = editor.completer.popup()
    qtbot.waitUntil(lambda: popup.isVisible() and popup.selectionModel().hasSelection())
    assert popup.currentIndex().data() == "AI Ethics", "the completion Enter will take is highlighted"
    assert editor.lineEdit.text() == "eth", "the proposal is not written over what is typed"

    # A real key goes to the open popup, as the window system routes it.
    qtbot.keyClick(QApplication.activePopupWidget() or popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.lineEdit.text() == "")
    assert added == ["AI Ethics"]
    assert editor.topics()[-1] == "AI Ethics"
    assert "eth" not in editor.topics()


def test_down_then_enter_takes_the_highlighted_completion(qtbot, editor):
    editor.set_completions(["AI Ethics", "Ethics Board", "Ethics Law", "Privacy"])
    added = []
    editor.topicAdded.connect(added.append)
    qtbot.keyClicks(editor.lineEdit, "eth")
    popup = editor.completer.popup()
    qtbot.waitUntil(lambda: popup.isVisible() and popup.selectionModel().hasSelection())
    assert popup.currentIndex().data() == "Ethics Board", "one that starts with what is typed comes first"
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    assert editor.lineEdit.text() == "Ethics Board", "Down takes the highlighted one, not the next"
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    assert editor.lineEdit.text() == "Ethics Law"
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.lineEdit.text() == "")
    assert added == ["Ethics Law"]


def test_escape_then_enter_adds_what_was_typed(qtbot, editor):
    _offer_ethics(editor)
    added = []
    editor.topicAdded.connect(added.append)
    qtbot.keyClicks(editor.lineEdit, "eth")
    popup = editor.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not popup.isVisible())
    qtbot.keyClick(editor.lineEdit, Qt.Key.Key_Return)
    assert added == ["eth"]


def test_a_topic_no_record_in_the_folder_has_is_marked_new_before_it_is_added(qtbot, editor):
    _offer_ethics(editor)
    qtbot.keyClicks(editor.lineEdit, "Privacy")
    assert not editor.newTopicLabel.isVisible(), "a folder topic is not new"
    editor.lineEdit.clear()
    qtbot.keyClicks(editor.lineEdit, "Quantum")
    assert editor.newTopicLabel.isVisible()
    assert editor.newTopicLabel.text() == "new topic"
    qtbot.keyClick(editor.lineEdit, Qt.Key.Key_Return)
    assert editor.topics()[-1] == "Quantum"
    assert not editor.newTopicLabel.isVisible(), "the mark goes with the typed text"


def test_enter_takes_the_folder_topic_typed_in_full_over_one_listed_before_it(qtbot, editor):
    editor.set_completions(["Data Privacy", "Privacy", "Privacy Law"])
    added = []
    editor.topicAdded.connect(added.append)
    qtbot.keyClicks(editor.lineEdit, "privacy")
    popup = editor.completer.popup()
    qtbot.waitUntil(lambda: popup.isVisible() and popup.selectionModel().hasSelection())
    assert popup.currentIndex().data() == "Privacy"
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.lineEdit.text() == "")
    assert added == ["Privacy"]


def test_enter_prefers_a_completion_that_starts_with_what_is_typed(qtbot, editor):
    editor.set_completions(["Consumer Electronics", "Electric Vehicles"])
    added = []
    editor.topicAdded.connect(added.append)
    qtbot.keyClicks(editor.lineEdit, "elec")
    popup = editor.completer.popup()
    qtbot.waitUntil(lambda: popup.isVisible() and popup.selectionModel().hasSelection())
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.lineEdit.text() == "")
    assert added == ["Electric Vehicles"]
