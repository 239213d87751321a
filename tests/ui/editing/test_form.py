"""The record form: values shown, user edits reported, mixed and invalid states, keyboard reach."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.records.reading import parse_document, read_document
from desktop.records.scan import iter_record_files, summarize_document
from desktop.ui.editing.form import FormValues, RecordForm


@pytest.fixture
def docs(seed_copy: Path):
    return [read_document(p) for p in iter_record_files(seed_copy)[:8]]


@pytest.fixture
def form(qtbot) -> RecordForm:
    widget = RecordForm()
    qtbot.addWidget(widget)
    widget.resize(480, 300)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def edits(form):
    recorded: list[tuple] = []
    form.fieldEdited.connect(lambda key, value: recorded.append((key, value)))
    form.topicAdded.connect(lambda topic: recorded.append(("+topic", topic)))
    form.topicRemoved.connect(lambda topic: recorded.append(("-topic", topic)))
    return recorded


def test_one_record_shows_its_values_without_reporting_edits(form, docs, edits):
    form.show_records([docs[0]])
    assert form.qualityInput.value() == 40
    assert form.qualitySlider.value() == 40
    assert form.heatInput.text() == "not rated"
    assert form.topicsInput.topics() == ["Natural Language Processing", "AI", "AWS AI", "Computer Vision"]
    assert not form.publishedInput.isChecked()
    form.show_records([docs[1]])
    assert form.publishedInput.isChecked()
    assert not form.selectionLabel.isVisible()
    assert edits == [], "loading values is not an edit"


def test_typing_quality_reports_the_value_and_moves_the_slider(qtbot, form, docs, edits):
    form.show_records([docs[0]])
    form.qualityInput.setFocus()
    form.qualityInput.selectAll()
    qtbot.keyClicks(form.qualityInput, "75")
    assert edits[-1] == ("quality", 75)
    assert form.qualitySlider.value() == 75
    qtbot.keyClick(form.qualityInput, Qt.Key.Key_Up)
    assert edits[-1] == ("quality", 76)


def test_the_slider_sets_quality(qtbot, form, docs, edits):
    form.show_records([docs[0]])
    form.qualitySlider.setValue(55)  # what a release after dragging does
    assert edits == [("quality", 55)]
    assert form.qualityInput.value() == 55


def test_heat_minus_one_reads_not_rated(qtbot, form, docs, edits):
    form.show_records([docs[0]])
    form.heatInput.setFocus()
    qtbot.keyClick(form.heatInput, Qt.Key.Key_Up)
    assert edits == [("heat", 0)]
    assert form.heatInput.text() == "0"
    qtbot.keyClick(form.heatInput, Qt.Key.Key_Down)
    assert edits[-1] == ("heat", -1)
    assert form.heatInput.text() == "not rated"


def test_several_records_show_differing_values_as_mixed(qtbot, form, docs, edits):
    five = docs[2:7]
    form.show_records(five)
    qualities = {d.data["quality"] for d in five}
    assert form.qualityInput.text() == f"mixed ({len(qualities)} values)"
    assert not form.qualitySlider.isEnabled(), "no single value for the slider to show"
    assert form.heatInput.text() == "not rated", "all five share heat -1"
    assert form.publishedInput.checkState() == Qt.CheckState.PartiallyChecked
    assert form.mixedPublishedLabel.text() == "mixed: 2 of 5 approved"
    assert form.selectionLabel.isVisible()
    assert form.selectionLabel.text() == "Editing 5 selected records: a change applies to all of them."
    assert edits == []

    form.qualityInput.setFocus()
    form.qualityInput.selectAll()
    qtbot.keyClicks(form.qualityInput, "5")
    assert edits == [("quality", 5)], "setting a mixed field sets it on all"
    assert form.qualitySlider.isEnabled() and form.qualitySlider.value() == 5

    qtbot.mouseClick(form.publishedInput, Qt.MouseButton.LeftButton)
    assert edits[-1] == ("published", True), "from mixed, the first click approves all"


def test_summaries_work_as_well_as_documents(form, docs):
    form.show_records([summarize_document(d) for d in docs[2:4]])
    assert form.qualityInput.text() == "mixed (2 values)"
    assert form.count() == 2


def test_an_unfinished_number_is_flagged_beside_the_field(qtbot, form, docs, edits):
    form.show_records([docs[0]])
    form.qualityInput.setFocus()
    form.qualityInput.selectAll()
    with qtbot.waitSignal(form.inputProblemChanged) as problem:
        qtbot.keyClick(form.qualityInput, Qt.Key.Key_Delete)
    assert "whole number from 0 to 100" in problem.args[0]
    assert form.field_problem("quality") == problem.args[0]
    assert form.problemLabels["quality"].textFormat() == Qt.TextFormat.PlainText
    assert edits == []
    qtbot.keyClicks(form.qualityInput, "3")
    assert form.field_problem("quality") == ""
    assert form.input_problem() == ""


def test_a_duplicate_topic_is_flagged_beside_topics(qtbot, form, docs, edits):
    form.show_records([docs[0]])
    form.topicsInput.setFocus()
    qtbot.keyClicks(form.topicsInput.lineEdit, "computer vision")
    qtbot.keyClick(form.topicsInput.lineEdit, Qt.Key.Key_Return)
    assert "already a topic" in form.field_problem("topics")
    assert "already a topic" in form.input_problem()
    assert edits == []


def test_a_records_own_problem_is_shown_beside_its_field(tmp_path, form, edits):
    bad = tmp_path / "bad.md"
    bad.write_text('---\ntitle: "A"\nwebUrl: "https://example.com/a"\nquality: 250\n---\n', encoding="utf-8")
    form.show_records([read_document(bad)])
    assert "quality" in form.field_problem("quality")
    assert "250" in form.field_problem("quality")
    # The value the record has, not one clamped into range (100 would read as a valid score).
    assert form.qualityInput.text() == "250 (invalid)" and not form.qualityInput.shows_value()
    assert not form.qualitySlider.isEnabled()
    bad.write_text('---\ntitle: "A"\nwebUrl: "https://example.com/a"\nheat: hot\n---\n', encoding="utf-8")
    form.show_records([read_document(bad)])
    assert form.heatInput.text() == "hot (invalid)", "a wrong value is not the same as no value"
    assert "hot" in form.field_problem("heat")
    assert edits == []


def test_alt_mnemonics_reach_every_field(qtbot, form, docs):
    form.show_records([docs[0]])
    form.activateWindow()
    for key, expected in (
        (Qt.Key.Key_H, form.heatInput),
        (Qt.Key.Key_T, form.topicsInput.lineEdit),
        (Qt.Key.Key_Q, form.qualityInput),
        (Qt.Key.Key_A, form.publishedInput),
    ):
        qtbot.keyClick(QApplication.focusWidget() or form, key, Qt.KeyboardModifier.AltModifier)
        assert QApplication.focusWidget() is expected, f"Alt+{chr(key.value)}"


def test_tab_follows_the_layout(qtbot, form, docs):
    form.show_records([docs[0]])
    form.qualityInput.setFocus()
    order = []
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order == [form.heatInput, form.topicsInput.lineEdit, form.publishedInput]


def test_a_record_that_cannot_be_edited_is_shown_read_only(form, docs, edits):
    blocked = dataclasses.replace(docs[0], edit_blocker="line 3: the key title appears twice")
    form.show_records([blocked])
    assert form.blockerLabel.isVisible()
    assert "line 3: the key title appears twice" in form.blockerLabel.text()
    assert form.blockerLabel.textFormat() == Qt.TextFormat.PlainText
    assert not form.qualityInput.isEnabled() and not form.publishedInput.isEnabled()
    assert not form.is_editable()
    form.show_records([docs[0]])
    assert not form.blockerLabel.isVisible() and form.is_editable()


def test_no_record_leaves_an_empty_disabled_form(form):
    form.show_records([])
    assert form.count() == 0
    assert not form.qualityInput.isEnabled()
    assert form.qualityInput.text() == "—"


def test_undo_keys_in_a_field_are_left_to_the_window(qtbot, form, docs):
    from PySide6.QtGui import QAction, QKeySequence

    undone = []
    undo = QAction("Undo", form)
    undo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo), QKeySequence("Ctrl+Shift+Z")])
    undo.triggered.connect(lambda: undone.append(True))
    form.addAction(undo)
    form.show_records([docs[0]])
    form.qualityInput.setFocus()
    form.qualityInput.selectAll()
    qtbot.keyClicks(form.qualityInput, "7")
    qtbot.keyClick(form.qualityInput, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert undone == [True]
    assert form.qualityInput.text() == "7", "the field's own typing history did not take the key"
    form.topicsInput.setFocus()
    qtbot.keyClick(
        form.topicsInput.lineEdit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert undone == [True, True]


def test_half_typed_topic_text_does_not_follow_to_another_record(qtbot, form, docs, edits):
    form.show_records([docs[0]])
    form.topicsInput.setFocus()
    qtbot.keyClicks(form.topicsInput.lineEdit, "Priv")
    form.show_records([docs[0]])  # the same record redrawn after an edit: the text stays
    assert form.topicsInput.lineEdit.text() == "Priv"
    form.show_records([docs[1]])
    assert form.topicsInput.lineEdit.text() == ""
    qtbot.keyClick(form.topicsInput.lineEdit, Qt.Key.Key_Return)
    assert edits == []


def test_a_typed_duplicate_still_blocks_after_a_redraw_and_not_after_moving_on(qtbot, form, docs):
    form.show_records([docs[0]])
    form.topicsInput.setFocus()
    qtbot.keyClicks(form.topicsInput.lineEdit, "ai")
    assert "already a topic" in form.input_problem()
    form.show_records([docs[0]])  # redrawn after another field's edit
    assert "already a topic" in form.input_problem()
    assert "already a topic" in form.field_problem("topics")
    with qtbot.waitSignal(form.inputProblemChanged) as changed:
        form.show_records([docs[2]])
    assert changed.args == [""]
    assert form.field_problem("topics") == ""


def test_the_form_and_the_table_read_a_wrongly_typed_record_the_same_way(tmp_path):
    raw = b"---\ntitle: T\nquality: true\nheat: 12\npublished: 'yes'\ntopics: [Politics, 7, Science]\n---\n"
    document = parse_document(raw, tmp_path / "x.md")
    from_document, from_summary = FormValues.of(document), FormValues.of(summarize_document(document))
    assert (
        (from_document.quality, from_document.heat, from_document.topics, from_document.published)
        == (
            from_summary.quality,
            from_summary.heat,
            from_summary.topics,
            from_summary.published,
        )
        == (None, 12, ("Politics", "Science"), False)
    )
    assert from_document.not_numbers == (("quality", "True"),)
