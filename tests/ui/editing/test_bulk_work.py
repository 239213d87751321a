"""Bulk edits, bulk decisions and Save All of many records run off the UI thread, with a progress
bar and a Cancel; an edit lands whole as one undo step, or not at all."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from helpers import changed_lines
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressBar, QToolButton, QWidget

from desktop.records import read_document
from desktop.records.scan import iter_record_files
from desktop.records.session import EditSession, path_key
from desktop.ui.editing import dialogs as edit_dialogs
from desktop.ui.editing.controller import BACKGROUND_FROM, EditController

WAIT_MS = 30_000
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def paths(seed_copy: Path) -> list[str]:
    found = [path_key(p) for p in iter_record_files(seed_copy)]
    assert len(found) >= BACKGROUND_FROM, "the seeds must be enough records for a background edit"
    return found


@pytest.fixture
def originals(paths) -> dict[str, bytes]:
    return {p: Path(p).read_bytes() for p in paths}


@pytest.fixture(autouse=True)
def no_dialogs(monkeypatch):
    shown: list[dict] = []
    monkeypatch.setattr(edit_dialogs, "show_save_failures", lambda parent, failures, saved: shown.append(failures))
    monkeypatch.setattr(edit_dialogs, "ask_unsaved", lambda parent, count: "discard")
    return shown


def controller_with(qtbot, session: EditSession | None = None) -> EditController:
    host = QWidget()
    qtbot.addWidget(host)
    controller = EditController(host, session)
    said: list[str] = []
    controller.message.connect(said.append)
    controller.said = said  # type: ignore[attr-defined]
    return controller


class GatedReader:
    """Reads records like the core, but the first read waits until the test opens the gate."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.reads = 0

    def __call__(self, path):
        self.reads += 1
        assert self.gate.wait(10), "the test never opened the gate"
        return read_document(path)


def test_a_bulk_edit_lands_whole_as_one_undo_step_without_touching_the_files(qtbot, paths, originals):
    controller = controller_with(qtbot)
    progress: list[tuple[str, int, int]] = []
    controller.workProgress.connect(lambda *args: progress.append(args))

    with qtbot.waitSignal(controller.workFinished, timeout=WAIT_MS):
        assert controller.edit(paths, "quality", 55) is False, "the edit is not made on the UI thread"
        assert controller.is_busy()
    assert not controller.is_busy()
    assert all(controller.session.value(p, "quality") == 55 for p in paths)
    assert controller.dirty_paths() == sorted(paths)
    assert controller.undoStack.count() == 1
    assert controller.undoStack.undoText() == f"Set quality on {len(paths)} records"
    assert progress[0] == (f"Changing {len(paths)} records", 0, 3 * len(paths))  # read, build, summarise each
    assert progress[-1][1] <= progress[-1][2]
    assert all(Path(p).read_bytes() == originals[p] for p in paths), "nothing is written before Save"

    with qtbot.waitSignal(controller.workFinished, timeout=WAIT_MS):
        controller.undoStack.undo()  # as many records: undone off the UI thread too
        assert controller.is_busy() and not controller.work_cancellable()
        controller.cancel_work()  # the stack has moved: an undo is not stopped half way
    assert controller.dirty_paths() == []
    assert controller.session.value(paths[0], "quality") == read_document(paths[0]).data["quality"]
    assert controller.said[-1] == f"Undid “set quality” on {len(paths)} records."

    with qtbot.waitSignal(controller.workFinished, timeout=WAIT_MS):
        controller.undoStack.redo()
    assert all(controller.session.value(p, "quality") == 55 for p in paths)
    assert controller.said[-1].startswith(f"Redid “set quality” on {len(paths)} records")


def test_closing_during_a_bulk_undo_finishes_it_first(qtbot, paths):
    controller = controller_with(qtbot)
    with qtbot.waitSignal(controller.workFinished, timeout=WAIT_MS):
        controller.edit(paths, "quality", 55)
    controller.undoStack.undo()
    assert controller.is_busy()
    controller.wait_for_save()  # what closing the window and opening another folder call first
    assert not controller.is_busy()
    assert controller.dirty_paths() == [], "the undo landed: the stack and the values agree"


def test_a_cancelled_bulk_edit_changes_no_record_and_leaves_no_undo_step(qtbot, paths, originals):
    reader = GatedReader()
    controller = controller_with(qtbot, EditSession(reader=reader))
    with qtbot.waitSignal(controller.workFinished, timeout=WAIT_MS):
        controller.edit(paths, "quality", 55)
        qtbot.waitUntil(lambda: reader.reads == 1)
        controller.cancel_work()
        reader.gate.set()
    assert controller.dirty_paths() == []
    assert controller.undoStack.count() == 0
    assert not controller.session.knows(paths[0]), "the fork's reads were dropped with it"
    assert controller.said[-1] == "Cancelled: no record was changed."
    assert all(Path(p).read_bytes() == originals[p] for p in paths)


def test_editing_is_refused_while_a_bulk_edit_runs_and_undo_waits_for_it(qtbot, paths):
    reader = GatedReader()
    controller = controller_with(qtbot, EditSession(reader=reader))
    controller.edit(paths, "quality", 55)
    qtbot.waitUntil(lambda: reader.reads == 1)
    assert controller.edit(paths[:1], "heat", 2) is False
    assert controller.said[-1] == f"Still busy: Changing {len(paths)} records. Wait for it, or cancel it."
    with qtbot.waitSignal(controller.workFinished, timeout=WAIT_MS):
        reader.gate.set()
    assert controller.session.value(paths[0], "heat") != 2
    assert controller.session.value(paths[0], "quality") == 55


def test_a_bulk_approval_saves_in_the_background_and_changes_one_line_per_file(qtbot, paths, originals):
    controller = controller_with(qtbot)
    publishable = [
        p for p in paths if not read_document(p).problems and read_document(p).data.get("published") is False
    ]
    assert len(publishable) >= BACKGROUND_FROM
    with qtbot.waitSignal(controller.saveAllFinished, timeout=WAIT_MS) as finished:
        controller.approve(publishable)
    assert finished.args == [{}]
    assert not controller.is_busy()
    assert controller.dirty_paths() == []
    for path in publishable:
        assert changed_lines(originals[path], Path(path).read_bytes()) == ["-published: false", "+published: true"]
    assert controller.said[-1] == f"Approved {len(publishable)} records."


def test_a_cancelled_save_all_keeps_what_it_wrote_and_leaves_the_rest_unsaved(qtbot, paths, originals):
    written: list[str] = []
    gate = threading.Event()

    def writer(doc, force=False):
        from desktop.records.store import save_document

        if written:
            assert gate.wait(10)
        saved = save_document(doc, force=force)
        written.append(path_key(doc.path))
        return saved

    controller = controller_with(qtbot, EditSession(writer=writer))
    with qtbot.waitSignal(controller.workFinished, timeout=WAIT_MS):
        controller.edit(paths, "heat", 3)
    with qtbot.waitSignal(controller.saveAllFinished, timeout=WAIT_MS):
        controller.save_all()
        qtbot.waitUntil(lambda: len(written) == 1)
        controller.cancel_work()
        gate.set()
    assert len(written) == 2, "the file being written when Cancel came is finished, no other is started"
    assert controller.dirty_paths() == sorted(set(paths) - set(written))
    for path in paths:
        if path in written:
            assert changed_lines(originals[path], Path(path).read_bytes())[-1] == "+heat: 3"
        else:
            assert Path(path).read_bytes() == originals[path]
    assert controller.said[-1] == f"Saved 2 records. Cancelled: {len(paths) - 2} records not saved (still unsaved)."


@pytest.mark.gui
def test_the_window_shows_progress_and_a_cancel_while_it_changes_every_selected_record(desk, qtbot):
    window, controller = desk, desk.editController
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.recordTable.setFocus()
    qtbot.keyClick(window.recordTable, Qt.Key.Key_A, CTRL)
    selected = window.selected_paths()
    assert len(selected) >= BACKGROUND_FROM
    progress = window.findChild(QProgressBar, "workProgress")
    cancel = window.findChild(QToolButton, "cancelWork")
    assert not progress.isVisible() and not cancel.isVisible()

    seen: list[bool] = []
    controller.workProgress.connect(lambda *_: seen.append(progress.isVisible() and cancel.isVisible()))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Q, ALT)
    qtbot.keyClicks(QApplication.focusWidget(), "61")
    with qtbot.waitSignal(controller.workFinished, timeout=WAIT_MS):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert seen and all(seen)
    assert not progress.isVisible() and not cancel.isVisible()
    assert all(controller.session.value(p, "quality") == 61 for p in selected), "61, not the 6 typed on the way"
    assert controller.undoStack.count() == 1
    assert window.model.dirty_paths() == set(selected)
    assert window.isWindowModified()


def test_saved_records_are_taken_in_a_slice_per_turn_and_all_at_once_when_waited_for(qtbot, paths, monkeypatch):
    from desktop.ui.editing import work

    monkeypatch.setattr(work, "LAND_SLICE", 5)
    controller = controller_with(qtbot)
    with qtbot.waitSignal(controller.workFinished, timeout=WAIT_MS):
        controller.edit(paths, "heat", 4)
    landed: list[str] = []
    seen_between_slices: list[tuple[int, bool, dict | None]] = []

    def between_slices() -> None:  # runs once the first slice is in and the event loop turns
        seen_between_slices.append((len(landed), controller.is_busy(), None))
        # Closing the window now: the rest is taken in at once.
        failures = controller.wait_for_save()
        seen_between_slices.append((len(landed), controller.is_busy(), failures))

    def on_saved(key, doc) -> None:
        if not landed:
            QTimer.singleShot(0, between_slices)
        landed.append(key)

    controller.recordSaved.connect(on_saved)
    with qtbot.waitSignal(controller.saveAllFinished, timeout=WAIT_MS):
        controller.save_all()
    qtbot.waitUntil(lambda: len(seen_between_slices) == 2, timeout=WAIT_MS)
    assert seen_between_slices[0] == (5, True, None), "one slice, then the event loop turned with the save not done"
    assert seen_between_slices[1] == (len(paths), False, {})
    assert sorted(landed) == sorted(paths)
    assert controller.dirty_paths() == []


def test_a_controller_torn_down_mid_work_gives_the_collector_back(qtbot, paths):
    import gc
    import sys

    from desktop.ui import collector

    reader = GatedReader()
    host = QWidget()
    pool = ThreadPoolExecutor(max_workers=1)
    controller = EditController(host, EditSession(reader=reader), make_pool=lambda: pool)
    interval = sys.getswitchinterval()
    controller.edit(paths, "quality", 55)
    qtbot.waitUntil(lambda: reader.reads == 1)
    assert sys.getswitchinterval() == pytest.approx(collector.BUSY_SWITCH_INTERVAL_S)
    controller.cancel_work()
    reader.gate.set()
    pool.shutdown(wait=True)  # the work has ended, and its outcome not yet been delivered
    host.deleteLater()  # the window goes before the work has been handed back
    qtbot.waitUntil(lambda: sys.getswitchinterval() == pytest.approx(interval))
    assert collector.installed()._holds == 0
    assert not gc.isenabled()
