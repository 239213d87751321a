"""EditController: undo of single and bulk edits, approval, saving, files changed on disk, questions."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from helpers import changed_lines
from modal import click_when_shown
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from desktop.records import session as session_module
from desktop.records.scan import iter_record_files
from desktop.records.session import EditSession, path_key
from desktop.records.store import SaveError
from desktop.ui.actions import ActionRegistry
from desktop.ui.editing import dialogs as edit_dialogs
from desktop.ui.editing.controller import EditController
from desktop.ui.editing.form import RecordForm


@pytest.fixture
def paths(seed_copy: Path) -> list[str]:
    return [path_key(p) for p in iter_record_files(seed_copy)]


@pytest.fixture
def originals(paths) -> dict[str, bytes]:
    return {p: Path(p).read_bytes() for p in paths}


@pytest.fixture
def host(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def controller(host) -> EditController:
    return EditController(host)


@pytest.fixture
def answers(monkeypatch):
    """Records every question asked and answers from a queue set by the test."""

    class Answers:
        changed_on_disk: list[str] = []
        unsaved: list[str] = []
        asked: list[tuple] = []
        failures_shown: list[dict] = []

    def ask_changed_on_disk(parent, path, merge=None):
        Answers.asked.append(("changed", path_key(path)))
        return Answers.changed_on_disk.pop(0)

    def ask_unsaved(parent, count):
        Answers.asked.append(("unsaved", count))
        return Answers.unsaved.pop(0)

    def show_save_failures(parent, failures, saved):
        Answers.failures_shown.append(dict(failures))

    monkeypatch.setattr(edit_dialogs, "ask_changed_on_disk", ask_changed_on_disk)
    monkeypatch.setattr(edit_dialogs, "ask_unsaved", ask_unsaved)
    monkeypatch.setattr(edit_dialogs, "show_save_failures", show_save_failures)
    return Answers


def test_a_single_edit_is_undone_and_redone(controller, paths):
    record = paths[0]
    dirty_signals = []
    controller.dirtyChanged.connect(lambda path, dirty: dirty_signals.append((path, dirty)))
    assert controller.edit([record], "quality", 70)
    assert controller.is_dirty(record)
    controller.undoStack.undo()
    assert not controller.is_dirty(record)
    assert controller.session.value(record, "quality") == 40
    controller.undoStack.redo()
    assert controller.session.value(record, "quality") == 70
    assert dirty_signals == [(record, True), (record, False), (record, True)]


def test_a_bulk_edit_is_one_undo_step(controller, paths):
    five = paths[2:7]
    controller.edit(five, "heat", 30)
    controller.add_topic(five, "Surveillance")
    assert controller.undoStack.count() == 2
    assert controller.undoStack.undoText() == "Add topic “Surveillance” on 5 records"
    controller.undoStack.undo()
    assert all("Surveillance" not in controller.session.topics(p) for p in five)
    assert all(controller.session.value(p, "heat") == 30 for p in five)
    controller.undoStack.undo()
    assert controller.dirty_paths() == []


def test_typing_a_number_in_the_form_is_one_undo_step(qtbot, host, controller, paths):
    form = RecordForm(host)
    controller.connect_form(form)
    controller.set_current([paths[0]])
    form.show_records(controller.documents([paths[0]]))
    host.show()
    qtbot.waitExposed(host)
    form.qualityInput.setFocus()
    form.qualityInput.selectAll()
    qtbot.keyClicks(form.qualityInput, "75")
    assert controller.session.value(paths[0], "quality") == 75
    assert form.qualityInput.text() == "75"
    assert controller.undoStack.count() == 1
    controller.undoStack.undo()
    assert form.qualityInput.value() == 40, "the form shows what undo restored"


def test_approving_saves_only_the_published_line(controller, paths, originals):
    record = paths[2]
    assert controller.approve([record])
    assert changed_lines(originals[record], Path(record).read_bytes()) == ["-published: false", "+published: true"]
    assert not controller.is_dirty(record)


def test_approving_a_record_with_problems_is_refused_and_lists_them(qtbot, host, controller, paths):
    record = Path(paths[2])
    record.write_text(record.read_text(encoding="utf-8").replace("quality: 90", "quality: 250"), encoding="utf-8")
    broken = record.read_bytes()
    form = RecordForm(host)
    controller.connect_form(form)
    controller.set_current([str(record)])
    form.show_records(controller.documents([str(record)]))
    with qtbot.waitSignal(controller.refused) as refused:
        assert not controller.approve([str(record)])
    key, why = refused.args
    assert key == "published"
    assert "cannot be published" in why and "quality" in why and "250" in why
    assert "cannot be published" in form.field_problem("published")
    assert not form.publishedInput.isChecked()
    assert record.read_bytes() == broken
    assert controller.undoStack.count() == 0


@pytest.mark.parametrize("answer", ["reload", "overwrite", "cancel"])
def test_a_file_changed_on_disk_asks_and_each_answer_does_what_it_says(controller, paths, answers, answer):
    record = paths[0]
    controller.edit([record], "quality", 70)
    Path(record).write_bytes(Path(record).read_bytes().replace(b"heat: -1", b"heat: 9"))
    on_disk = Path(record).read_bytes()
    answers.changed_on_disk = [answer]

    saved = controller.save([record])

    assert answers.asked == [("changed", record)]
    after = Path(record).read_bytes()
    if answer == "reload":
        assert after == on_disk
        assert not controller.is_dirty(record)
        assert controller.session.value(record, "heat") == 9
        assert controller.session.value(record, "quality") == 40
    elif answer == "overwrite":
        assert saved
        assert b"quality: 70" in after and b"heat: -1" in after
        assert not controller.is_dirty(record)
    else:
        assert not saved
        assert after == on_disk
        assert controller.is_dirty(record)
        assert controller.session.value(record, "quality") == 70


def test_save_all_runs_off_the_ui_thread_and_reports_the_file_that_failed(
    qtbot, controller, paths, originals, answers, monkeypatch
):
    good, failing, other = paths[3], paths[4], paths[5]
    controller.edit([good, failing, other], "quality", 12)
    real_replace = os.replace

    def refuse_one(source, target, *args, **kwargs):
        if Path(target).name == Path(failing).name:
            raise PermissionError(13, "Permission denied")
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", refuse_one)
    writer_threads = []
    real_write = session_module.save_document

    def recording_write(doc, **kwargs):
        writer_threads.append(threading.current_thread())
        return real_write(doc, **kwargs)

    monkeypatch.setattr(session_module, "save_document", recording_write)
    finished_on = []
    controller.saveAllFinished.connect(lambda _failures: finished_on.append(threading.current_thread()))
    with qtbot.waitSignal(controller.saveAllFinished, timeout=10000) as finished:
        controller.save_all()
        assert controller.is_saving()
    assert len(writer_threads) == 3 and threading.main_thread() not in writer_threads
    assert finished_on == [threading.main_thread()], "the outcome is handled on the UI thread"
    failures = finished.args[0]
    assert list(failures) == [failing]
    assert "permission denied" in failures[failing]
    assert answers.failures_shown == [failures]
    assert Path(failing).read_bytes() == originals[failing]
    for saved in (good, other):
        assert changed_lines(originals[saved], Path(saved).read_bytes())[1] == "+quality: 12"
    assert controller.dirty_paths() == [failing]


def test_save_all_asks_about_a_file_changed_on_disk_after_saving_the_others(
    qtbot, controller, paths, originals, answers
):
    first, changed = paths[3], paths[4]
    controller.edit([first, changed], "heat", 5)
    Path(changed).write_bytes(originals[changed] + b"\n")
    answers.changed_on_disk = ["cancel"]
    with qtbot.waitSignal(controller.saveAllFinished, timeout=10000) as finished:
        controller.save_all()
    assert answers.asked == [("changed", changed)]
    assert b"heat: 5" in Path(first).read_bytes()
    assert Path(changed).read_bytes() == originals[changed] + b"\n"
    assert list(finished.args[0]) == [changed]


def test_an_edit_made_while_saving_all_stays_pending(qtbot, controller, paths):
    record = paths[3]
    controller.edit([record], "quality", 11)
    with qtbot.waitSignal(controller.saveAllFinished, timeout=10000):
        controller.save_all()
        controller.edit([record], "heat", 44)  # while the worker writes quality 11
    assert b"quality: 11" in Path(record).read_bytes()
    assert controller.is_dirty(record)
    assert controller.session.changes(record) == {"heat": 44}


def test_undo_after_saving_makes_the_record_dirty_again(controller, paths, originals):
    record = paths[2]
    controller.approve([record])
    controller.undoStack.undo()
    assert controller.is_dirty(record)
    assert controller.session.value(record, "published") is False
    controller.save([record])
    assert Path(record).read_bytes() == originals[record]


def test_a_half_typed_value_blocks_save_and_says_why(qtbot, host, controller, paths):
    registry = ActionRegistry(host)
    controller.bind_actions(registry, go_next=lambda: None, parent=host)
    controller.set_current([paths[0]])
    save = registry["actionSave"]
    assert not save.isEnabled(), "nothing to save yet"
    controller.edit([paths[0]], "quality", 41)
    assert save.isEnabled()
    with qtbot.waitSignal(controller.saveBlocked) as blocked:
        controller.set_input_problem("quality must be a whole number from 0 to 100")
    assert "quality must be a whole number" in blocked.args[0]
    assert not save.isEnabled()
    assert "quality must be a whole number" in save.toolTip()
    assert not controller.save()
    controller.set_input_problem("")
    assert save.isEnabled()


def test_the_window_actions_drive_the_controller(qtbot, host, controller, paths, originals):
    registry = ActionRegistry(host)
    moved = []
    controller.bind_actions(registry, go_next=lambda: moved.append(True), parent=host)
    controller.set_current([paths[2]])
    assert not registry["actionUndo"].isEnabled()
    controller.edit([paths[2]], "heat", 3)
    assert registry["actionUndo"].isEnabled()
    registry["actionUndo"].trigger()
    assert not controller.is_dirty(paths[2])
    registry["actionRedo"].trigger()
    assert controller.is_dirty(paths[2])
    registry["actionApproveNext"].trigger()
    assert moved == [True]
    assert sorted(changed_lines(originals[paths[2]], Path(paths[2]).read_bytes())) == sorted(
        ["-heat: -1", "+heat: 3", "-published: false", "+published: true"]
    )


def test_review_changes_shows_exactly_the_diff_save_writes(qtbot, host, controller, paths):
    controller.edit([paths[0]], "quality", 66)
    controller.add_topic([paths[1]], "<b>Bold</b>")
    dialog = controller.review_changes(host)
    qtbot.addWidget(dialog)
    text = dialog.text()
    assert "-quality: 40\n+quality: 66" in text
    assert "+  - <b>Bold</b>" in text, "record text shown literally"
    assert dialog.diffView.isReadOnly()
    expected = controller.session.edited(paths[0]).raw
    controller.save([paths[0]])
    assert Path(paths[0]).read_bytes() == expected


@pytest.mark.parametrize("answer", ["save", "discard", "cancel"])
def test_leaving_with_unsaved_edits_asks(controller, paths, originals, answers, answer):
    controller.edit(paths[3:5], "quality", 1)
    answers.unsaved = [answer]
    may_go = controller.confirm_discard()
    assert answers.asked == [("unsaved", 2)]
    assert may_go == (answer != "cancel")
    for record in paths[3:5]:
        written = Path(record).read_bytes()
        assert (written != originals[record]) == (answer == "save")


def test_no_question_without_unsaved_edits(controller, answers):
    assert controller.confirm_discard()
    assert answers.asked == []


@pytest.mark.parametrize(("button", "answer"), [("Reload", "reload"), ("Overwrite", "overwrite"), ("Cancel", "cancel")])
def test_the_changed_on_disk_question_returns_the_button_clicked(qtbot, host, button, answer):
    click_when_shown(button)
    assert edit_dialogs.ask_changed_on_disk(host, "/tmp/a.txt") == answer


@pytest.mark.parametrize(("button", "answer"), [("Save All", "save"), ("Discard", "discard"), ("Cancel", "cancel")])
def test_the_unsaved_question_returns_the_button_clicked(qtbot, host, button, answer):
    click_when_shown(button)
    assert edit_dialogs.ask_unsaved(host, 3) == answer


def test_revert_is_one_undoable_step(controller, paths):
    controller.edit(paths[2:4], "quality", 3)
    controller.revert(paths[2:4])
    assert controller.dirty_paths() == []
    controller.undoStack.undo()
    assert controller.dirty_paths() == sorted(paths[2:4])


def test_the_dirty_count_follows_edits_and_saves(controller, paths):
    counts = []
    controller.dirtyCountChanged.connect(counts.append)
    controller.edit(paths[2:5], "heat", 8)
    controller.save(paths[2:3])
    controller.revert(paths[3:5])
    assert counts == [3, 2, 0]


def test_an_uneditable_record_is_refused_with_its_reason(tmp_path, controller):
    broken = tmp_path / "broken.md"
    broken.write_text("---\ntitle: a\ntitle: b\n---\n", encoding="utf-8")
    reasons = []
    controller.refused.connect(lambda key, why: reasons.append(why))
    assert not controller.edit([str(broken)], "quality", 5)
    assert reasons and "cannot be edited" in reasons[0]


def test_the_diff_is_coloured_by_line_kind_and_never_read_as_markup(qtbot, host):
    diff = "--- a/x.md\n+++ b/x.md\n@@ -1 +1 @@\n-quality: 40\n+quality: <b>41</b>\n context\n"
    dialog = edit_dialogs.ReviewChangesDialog({"/tmp/x.md": diff}, host)
    qtbot.addWidget(dialog)
    document = dialog.diffView.document()

    def colour_of(line_number: int) -> str | None:
        formats = document.findBlockByNumber(line_number).layout().formats()
        return formats[0].format.foreground().color().name() if formats else None

    assert colour_of(3) == "#b3261e"  # removed
    assert colour_of(4) == "#1b7f37"  # added
    assert colour_of(2) == "#5b5fc7"  # hunk header
    assert colour_of(5) is None  # context
    assert "+quality: <b>41</b>" in dialog.text()


def test_leaving_while_save_all_runs_waits_for_it_and_asks_only_about_what_is_left(qtbot, controller, paths, answers):
    controller.edit(paths[3:6], "heat", 21)
    finished = []
    controller.saveAllFinished.connect(finished.append)
    controller.save_all()
    assert controller.is_saving()
    assert controller.confirm_discard(), "everything got saved, so there is nothing to ask"
    assert answers.asked == []
    assert finished == [{}]
    assert all(b"heat: 21" in Path(p).read_bytes() for p in paths[3:6])
    qtbot.wait(50)  # the worker's own notification arrives later and changes nothing
    assert finished == [{}]


def test_approval_waits_while_the_form_holds_a_half_typed_value(controller, paths, originals):
    record = paths[2]
    controller.set_current([record])
    messages = []
    controller.message.connect(messages.append)
    controller.set_input_problem("quality must be a whole number from 0 to 100")
    assert not controller.approve([record])
    assert Path(record).read_bytes() == originals[record]
    assert "quality must be a whole number" in messages[-1]
    controller.set_input_problem("")
    assert controller.approve([record])


def test_review_changes_saves_or_reverts_each_record_and_shows_what_is_left(qtbot, host, controller, paths, originals):
    controller.edit([paths[0]], "quality", 66)
    controller.edit([paths[1]], "quality", 12)
    controller.edit([paths[2]], "heat", 7)
    dialog = controller.review_changes(host)
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    title = " ".join(controller.session.edited(paths[0]).data["title"].split())
    assert dialog.recordList.item(0).text() == title, "records named by their headlines"
    assert dialog.paths() == [path_key(p) for p in paths[:3]]

    # The first record selected; Alt+S saves it, through the controller's own save.
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.recordList)
    assert not dialog.saveButton.isDefault() and dialog.closeButton.isDefault(), "a stray Enter saves nothing"
    qtbot.keyClick(dialog.recordList, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: not controller.is_dirty(paths[0]))  # a mnemonic clicks after a flash
    assert Path(paths[0]).read_bytes() == controller.session.edited(paths[0]).raw
    assert b"quality: 66" in Path(paths[0]).read_bytes()
    assert not controller.is_dirty(paths[0])
    assert dialog.paths() == [path_key(p) for p in paths[1:3]], "the saved record leaves the list"
    assert "+quality: 66" not in dialog.text()
    assert dialog.outcomeLabel.text().startswith("Saved")
    assert dialog.current_path() == path_key(paths[1]), "the next record is selected"

    # Revert the selected one: its file is untouched and its edit is gone from the session.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: not controller.is_dirty(paths[1]))
    assert Path(paths[1]).read_bytes() == originals[paths[1]]
    assert not controller.is_dirty(paths[1])
    assert dialog.paths() == [path_key(paths[2])]
    assert dialog.outcomeLabel.text().startswith("Reverted")
    assert "+heat: 7" in dialog.text()

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: not controller.is_dirty(paths[2]))
    assert dialog.paths() == []
    assert dialog.summaryLabel.text() == "No unsaved changes."
    assert not dialog.saveButton.isEnabled() and not dialog.revertButton.isEnabled()
    assert Path(paths[2]).read_bytes() == originals[paths[2]]

    controller.undoStack.undo()  # a revert from the dialog is undone like any other
    assert controller.is_dirty(paths[2])


def _failing_writer(written: list[str]):
    def write(doc, *, force=False):
        written.append(path_key(doc.path))
        raise SaveError(f"{Path(doc.path).name}: the disk is full")

    return write


def test_a_single_save_and_save_all_fail_the_same_way_through_the_sessions_writer(
    qtbot, host, paths, originals, answers
):
    # One save path: a writer given to the session sees single saves and Save All alike.
    written: list[str] = []
    controller = EditController(host, session=EditSession(writer=_failing_writer(written)))
    single, first, second = paths[0], paths[1], paths[2]
    controller.edit([single, first, second], "quality", 12)

    messages: list[str] = []
    controller.message.connect(messages.append)
    assert controller.save([single]) is False
    with qtbot.waitSignal(controller.saveAllFinished, timeout=10000) as finished:
        controller.save_all()

    assert written == [single, single, first, second]
    reason = f"{Path(single).name}: the disk is full"
    assert answers.failures_shown[0] == {single: reason}, "a single save shows the writer's reason"
    assert finished.args[0][single] == reason, "and Save All shows the very same reason"
    assert answers.failures_shown[1] == finished.args[0]
    assert sorted(controller.dirty_paths()) == sorted([single, first, second])
    for path in (single, first, second):
        assert Path(path).read_bytes() == originals[path]
    assert messages[-1] == "Nothing saved: 3 records could not be saved.", messages


def test_a_synchronous_save_all_goes_through_the_sessions_writer_too(host, paths, originals, answers):
    written: list[str] = []
    controller = EditController(host, session=EditSession(writer=_failing_writer(written)))
    controller.edit([paths[0]], "heat", 3)
    failures = controller.save_all(synchronous=True)
    assert written == [paths[0]]
    assert failures == {paths[0]: f"{Path(paths[0]).name}: the disk is full"}
    assert Path(paths[0]).read_bytes() == originals[paths[0]]
    assert controller.dirty_paths() == [paths[0]]


def test_messages_name_the_story_not_the_file(host, paths, answers):
    controller = EditController(host)
    messages: list[str] = []
    controller.message.connect(messages.append)
    title = " ".join(str(controller.session.base(paths[0]).data["title"]).split())
    controller.edit([paths[0]], "quality", 12)
    controller.revert([paths[0]])
    assert messages[-1].startswith(f"Reverted “{title[:79]}"), messages[-1]
    assert Path(paths[0]).name not in messages[-1]
