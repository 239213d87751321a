"""Edits of the review desk: one undo step per edit, saves through the core's writer, questions asked.

`EditController` owns the `EditSession` (the Qt-free pending edits) and a `QUndoStack`. Every
edit, of one record or of many at once, becomes one `EditCommand` holding the touched values
before and after; undo and redo set those values again. Views never change records: they call
the controller and redraw on `recordsChanged`.

Save All writes on a worker thread: measured on this machine, 30 seed-sized records took
330-660 ms to save (an fsync per file and per folder, and each saved file read back), far too
long to hold the UI thread; with the worker the call returns in 2 ms. A single save (Save,
Approve & next) takes about 20 ms and stays on the UI thread, so the editor sees its outcome
before moving on.
"""
from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QProgressBar, QToolButton, QWidget

from desktop.records import (
    APPROVED,
    DECLINED,
    FLAGGED,
    NOUNS,
    VERBS,
    Document,
    EditCancelled,
    EditRefused,
    EditSession,
    EditStep,
    FileChangedOnDisk,
    MergeRefused,
    RecordSummary,
    SaveError,
    Snapshot,
    changes_between,
    counted,
    merge_documents,
    path_key,
    publication_refusal,
    read_document,
    summarize_document,
)
from desktop.ui import collector
from desktop.ui.editing import dialogs as edit_dialogs
from desktop.ui.table.model import Queue
from desktop.ui.tasks import QtPoolExecutor, Task, TaskRunner
from desktop.ui.widgets.text import plain_tooltip

# Consecutive changes of one number on the same records within this time are one undo step:
# typing "75" or holding an arrow key is one edit to the editor.
MERGE_WINDOW_S = 2.0
# An edit of this many records or more is made off the UI thread, with progress and a Cancel:
# reading and rebuilding a record takes 5 to 15 ms, so twenty would already hold the window.
BACKGROUND_FROM = 20
PROGRESS_MS = 100
LAND_SLICE = 25
_DOING = {"Undid": "Undoing", "Redid": "Redoing"}
_MERGE_ID = 0x4E44  # any id other than -1 turns merging on; commands compare their merge keys


# Where a verb's object goes when something follows it: "Declined<what> as “Off topic”".
_WHAT = "\0"


def _said(verb: str, what: str) -> str:
    """"Approved" + “…” -> "Approved “…”"; "Declined<what> as “Off topic”" -> "Declined “…” as “Off topic”"."""
    return verb.replace(_WHAT, f" {what}") if _WHAT in verb else f"{verb} {what}"


def _name(path: str) -> str:
    return Path(path).name


def _merge_snapshots(snapshots: Iterable[Snapshot]) -> Snapshot:
    merged: Snapshot = {}
    for snapshot in snapshots:
        for key, values in snapshot.items():
            merged.setdefault(key, {}).update(values)
    return merged


class EditCommand(QUndoCommand):
    """One edit of one or more records; undo sets the values it replaced, redo sets them again."""

    def __init__(self, controller: EditController, step: EditStep, merge_key: tuple | None = None) -> None:
        super().__init__(step.description)
        self._controller = controller
        self.step = step
        self.merge_key = merge_key
        self._stamp = time.monotonic()
        self._already_done = True  # pushed after the edit was made: the stack's first redo is a no-op

    def id(self) -> int:
        return _MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditCommand) or other.merge_key != self.merge_key:
            return False
        if other._stamp - self._stamp > MERGE_WINDOW_S:
            return False
        self.step = EditStep(self.step.description, self.step.before, other.step.after)
        self._stamp = other._stamp
        if self.step.before == self.step.after:
            self.setObsolete(True)  # typed back to where it was: nothing left to undo
        return True

    def redo(self) -> None:
        if self._already_done:
            self._already_done = False
            return
        self._controller._restore(self.step.after, self.text(), announce=("Redid", self.step))

    def undo(self) -> None:
        self._controller._restore(self.step.before, f"Undo {self.text()}", announce=("Undid", self.step))


def _release_collector(held: list, *_args: object) -> None:
    while held:
        ui_collector = held.pop()
        if shiboken6.isValid(ui_collector):
            ui_collector.release_full_collections()


class _Receiver(QObject):
    """Calls `slot` for a signal, and stops when `owner` is destroyed: a lambda connected
    directly would outlive the window's actions it touches."""

    def __init__(self, owner: QObject, slot: Callable[..., Any]) -> None:
        super().__init__(owner)
        self._slot = slot

    def call(self, *args: Any) -> None:
        self._slot(*args)


def _connect_while(owner: QObject, signal, slot: Callable[..., Any]) -> None:
    signal.connect(_Receiver(owner, slot).call)


class _SaveAllJob:
    """Writes prepared documents off the UI thread through the session's writer, nothing else; run
    as a task (desktop/ui/tasks.py), and its results are read on the UI thread."""

    def __init__(self, documents: list[tuple[str, Document]], write: Callable[[Document], Document]) -> None:
        self.task: Task | None = None
        self.documents = documents
        self._write = write
        self.results: list[tuple[str, Document | Exception]] = []
        self.blocked: dict[str, str] = {}  # records not sent to the writer, and why
        self.verb = "Saved"
        self.summaries: dict[str, RecordSummary] = {}
        self.landed = 0  # results taken in by the UI thread so far
        self.total = len(documents)
        self.done_count = 0  # read by the UI thread for the progress bar
        self.cancelled = False  # set by the UI thread: the files not written yet stay unsaved

    def run(self) -> None:
        for key, doc in self.documents:
            if self.cancelled:
                break
            try:
                saved = self._write(doc)
                self.summaries[key] = summarize_document(saved)  # the table's new row, made here
                self.results.append((key, saved))
            except Exception as error:  # reported per file; the others still get saved
                self.results.append((key, error))
            self.done_count += 1


class _EditJob:
    """Makes one bulk edit in a fork of the session off the UI thread: reads the records not
    read yet, then builds each edited document (`EditSession.tick` counts both). The UI thread
    merges the fork when the task is delivered, or drops it if cancelled."""

    def __init__(self, fork: EditSession, keys: list[str], make: Callable[[EditSession], EditStep]) -> None:
        self.task: Task | None = None
        self.fork = fork
        self.keys = keys
        self._make = make
        self.total = 3 * len(keys)  # read, build, summarise each
        self.done_count = 0
        self.cancelled = False
        self.step: EditStep | None = None
        self.error: Exception | None = None
        self.field = ""
        self.merge_key: tuple | None = None
        self.then: Callable[[], bool] | None = None
        self.push = True  # False for an undo or redo: nothing new goes on the stack

    def _tick(self) -> None:
        if self.cancelled:
            raise EditCancelled()
        self.done_count += 1

    def run(self) -> None:
        self.fork.tick = self._tick
        try:
            self.fork.read_all(self.keys)
            self.step = self._make(self.fork)
            for key in self.keys:  # the rows the table will show, made here rather than on the UI thread
                if self.fork.is_dirty(key):
                    self.fork.edited_summary(key)
                self._tick()
        except Exception as error:  # EditRefused, EditCancelled, a file that cannot be read: said on the UI thread
            self.error = error
        finally:
            self.fork.tick = None


class EditController(QObject):
    """Pending edits, undo, saving and approval for the records of one open folder."""

    dirtyChanged = Signal(str, bool)  # path, has unsaved edits
    dirtyCountChanged = Signal(int)  # how many records have unsaved edits (window title's *)
    recordsChanged = Signal(list)  # paths whose values as they would be saved may have changed
    recordSaved = Signal(str, object)  # path, the Document now on disk
    message = Signal(str)  # one sentence for the status bar
    messageFiles = Signal(list)  # the files of the stories the next message names (just before it)
    refused = Signal(str, str)  # field key ("" for the whole record), why the edit was refused
    saveStateChanged = Signal(bool, str)  # can the current records be saved; why not
    saveBlocked = Signal(str)  # why Save is disabled by a problem ("" once nothing blocks it)
    saveAllStarted = Signal(int)
    saveAllFinished = Signal(dict)  # path -> reason, for each record Save All could not save
    # An undo or redo changed this record: the window brings it into view, so nothing changes unseen.
    revealRequested = Signal(str)
    # Background work (a bulk edit, a bulk decision's save, Save All): what, steps done, of how many.
    workProgress = Signal(str, int, int)
    workFinished = Signal()

    def __init__(self, dialog_parent: QWidget | None = None, session: EditSession | None = None, *,
                 make_pool: Callable[[], Executor] | None = None) -> None:
        super().__init__(dialog_parent)
        self.session = session or EditSession()
        self.undoStack = QUndoStack(self)
        self.undoStack.setObjectName("editUndoStack")
        self._dialog_parent = dialog_parent
        self._dirty: set[str] = set()
        self._current: list[str] = []
        self._input_problem = ""
        self._save_state: tuple[bool, str] = (False, "")
        # One thread for edits and saves, so a save never overtakes the edit before it.
        self._work = TaskRunner(self, make_pool=make_pool or (lambda: QtPoolExecutor(1, parent=self)))
        self._save_job: _SaveAllJob | None = None
        self._edit_job: _EditJob | None = None
        self._next_edit: tuple | None = None  # an edit waiting for the one it supersedes to stop
        self._landing = 0  # bulk changes whose rows and marks are still being taken in
        self._epoch = 0  # advanced by reset(): a landing of the records before it stops
        self._work_label = ""
        self._progress_timer = QTimer(self)
        self._progress_timer.setInterval(PROGRESS_MS)
        self._progress_timer.timeout.connect(self._report_progress)
        # The collector held for running work is released even if this controller goes first (a
        # window torn down mid-work): the list outlives it, and the function needs no `self`.
        self._collector_held: list[collector.UiThreadCollector] = []
        self.destroyed.connect(functools.partial(_release_collector, self._collector_held))
        self._state_listeners: list[Callable[[], None]] = []
        self._merge_notes: dict[str, str] = {}  # path -> what a merge kept, said once it is saved
        self._take_typed_input: Callable[[], None] = lambda: None  # the form's, once connected
        # Where the form finds a record it has not read yet (the table's summary): showing a
        # selection must not read every selected file on the UI thread.
        self.summary_lookup: Callable[[str], Any] | None = None

    # -- what is being edited ----------------------------------------------------------------

    def set_current(self, paths: Iterable[str | Path]) -> None:
        """The records the form shows (the selected rows); Save and the form act on these."""
        self._current = [path_key(p) for p in paths]
        self._update_save_state()

    def current_paths(self) -> list[str]:
        return list(self._current)

    def documents(self, paths: Iterable[str | Path]) -> list[Document]:
        """The records as they would be saved (read from disk the first time)."""
        return [self.session.edited(p) for p in paths]

    def records_for_form(self, paths: Iterable[str | Path]) -> list:
        """What the form shows for these records: the edited document of a record the session
        knows, else the table's summary (same values, no file read), else the file itself."""
        records = []
        for path in paths:
            key = path_key(path)
            summary = None
            if not self.session.knows(key) and self.summary_lookup is not None:
                summary = self.summary_lookup(key)
            records.append(summary if summary is not None else self.session.edited(key))
        return records

    def is_dirty(self, path: str | Path) -> bool:
        return path_key(path) in self._dirty

    def dirty_paths(self) -> list[str]:
        return sorted(self._dirty)

    def set_input_problem(self, problem: str) -> None:
        """What the form holds that can't be used yet (a half-typed number): it blocks Save."""
        self._input_problem = problem
        self._update_save_state()

    # -- edits ---------------------------------------------------------------------------------

    def edit(self, paths: Sequence[str | Path], key: str, value: Any) -> bool:
        merge = ("set", key, tuple(sorted(path_key(p) for p in paths))) if key in ("quality", "heat") else None
        return self._edit(paths, key, lambda session: session.set_field(paths, key, value), merge)

    def add_topic(self, paths: Sequence[str | Path], topic: str) -> bool:
        return self._edit(paths, "topics", lambda session: session.add_topic(paths, topic))

    def remove_topic(self, paths: Sequence[str | Path], topic: str) -> bool:
        return self._edit(paths, "topics", lambda session: session.remove_topic(paths, topic))

    def _edit(self, paths: Sequence[str | Path], key: str, make: Callable[[EditSession], EditStep], merge_key=None,
              then: Callable[[], bool] | None = None) -> bool:
        """Make an edit (`make` on the session) and, when it landed, `then`. An edit of
        BACKGROUND_FROM records or more is made off the UI thread: False is returned at once,
        and `then` runs once the edit has landed."""
        keys = [path_key(p) for p in paths]
        job = self._edit_job
        if keys and merge_key is not None and job is not None and job.merge_key == merge_key:
            # The editor is still typing the value (6, then 61): the newer value replaces the one
            # being applied, which is dropped unapplied, as typing merges into one undo step.
            job.cancelled = True
            self._next_edit = (keys, key, make, merge_key, then)
            return False
        if not keys or self._refused_while_busy(bulk=len(keys) >= BACKGROUND_FROM):
            return False
        if len(keys) >= BACKGROUND_FROM:
            self._start_edit_job(keys, key, make, merge_key, then)
            return False
        try:
            step = make(self.session)
        except (EditRefused, SaveError) as refusal:
            self._refuse(keys, key, refusal)
            return False
        self._land(keys, step, merge_key)
        return then() if then is not None else True

    def _refuse(self, keys: list[str], key: str, refusal: Exception) -> None:
        # The views drew the refused value already: show them what is really there again.
        self.recordsChanged.emit(keys)
        self.refused.emit(key, str(refusal))
        self.message.emit(str(refusal))

    def _land(self, keys: list[str], step: EditStep, merge_key) -> None:
        self._push_step(keys, step, merge_key)
        self._after_change(keys)

    def _push_step(self, keys: list[str], step: EditStep, merge_key) -> None:
        if step.changed_anything:
            if len(keys) > 1:
                step = EditStep(f"{step.description} on {len(keys)} records", step.before, step.after)
            self.undoStack.push(EditCommand(self, step, merge_key))

    # -- background work -------------------------------------------------------------------------

    def is_busy(self) -> bool:
        """A bulk edit or a save is running off the UI thread, or its result is being taken in."""
        return self._edit_job is not None or self._save_job is not None or self._landing > 0

    def _refused_while_busy(self, *, bulk: bool) -> bool:
        # A save in the background took its documents already: a small edit beside it is safe, but
        # a bulk edit forked now would find the saved records changed under it when it lands.
        if self._edit_job is None and not self._landing and not (bulk and self._save_job is not None):
            return False
        self.message.emit(f"Still busy: {self._work_label}. Wait for it, or cancel it.")
        return True

    def cancel_work(self) -> None:
        """Stop the running bulk edit (nothing of it is applied) or save (what is written stays written)."""
        self._next_edit = None
        if self._edit_job is not None and self._edit_job.push:
            self._edit_job.cancelled = True
        if self._save_job is not None:
            self._save_job.cancelled = True

    def work_cancellable(self) -> bool:
        """Whether Cancel can stop the running work (not an undo or redo: the stack has moved)."""
        return (self._edit_job is not None and self._edit_job.push) or self._save_job is not None

    def _start_edit_job(self, keys: list[str], key: str, make: Callable[[EditSession], EditStep], merge_key,
                        then: Callable[[], bool] | None, *, push: bool = True, label: str = "") -> None:
        """`push=False`: an undo or redo, already on the stack, and not cancellable."""
        job = _EditJob(self.session.fork(), keys, make)
        job.field, job.merge_key, job.then, job.push = key, merge_key, then, push
        self._edit_job = job
        self._begin_work(label or f"Changing {counted(len(keys), 'record')}", job)
        job.task = self._work.run(job.run, on_done=lambda _future: self._finish_edit(job))

    def _finish_edit(self, job: _EditJob) -> None:
        self._edit_job = None
        following, self._next_edit = self._next_edit, None
        if following is not None:  # superseded by a newer value of the same field
            self._start_edit_job(*following)
            return
        self._take_in(job, at_once=False)

    def _take_in(self, job: _EditJob, *, at_once: bool) -> None:
        """Apply a finished edit job's fork to the session (or say why not), then its rows and
        marks: in slices, or `at_once` when the folder is about to go."""
        if isinstance(job.error, EditCancelled):
            self._end_work()
            self.message.emit(str(job.error))
            return
        try:
            if job.error is not None:
                raise job.error
            self.session.merge(job.fork, job.keys)
        except Exception as refusal:  # the worker's error (EditRefused, an unreadable file) or a refused merge
            self._end_work()
            self._refuse(job.keys, job.field, refusal)
            return
        step = job.step
        assert step is not None
        if job.push:
            self._push_step(job.keys, step, job.merge_key)

        def landed() -> None:
            self._end_work()
            if job.then is not None:
                job.then()
            elif step.changed_anything:
                self.message.emit(f"{step.description} on {counted(len(job.keys), 'record')} (unsaved: Ctrl+S saves them).")

        if at_once:
            self._after_change(list(job.keys))
            landed()
        else:
            self._after_change_in_slices(list(job.keys), landed)

    def _after_change_in_slices(self, keys: list[str], done: Callable[[], None]) -> None:
        """`_after_change` for LAND_SLICE records per turn of the event loop, then `done`: the
        table's rows, dirty marks and the journal follow a bulk change without holding the window
        (1,000 at once took 150 ms at 10,000 rows). Busy until done; a reset stops it."""
        self._landing += 1
        epoch = self._epoch

        def next_slice(start: int) -> None:
            if epoch != self._epoch:
                return  # another folder: these records are gone (reset ended the landing)
            self._after_change(keys[start : start + LAND_SLICE])
            if start + LAND_SLICE < len(keys):
                QTimer.singleShot(0, self, lambda: next_slice(start + LAND_SLICE))
                return
            self._landing -= 1
            done()

        next_slice(0)

    def _drop_edit_job(self) -> None:
        """Before the folder goes: cancel a running bulk edit and wait for its thread (its result is
        never applied); an undo or redo, already on the stack, is waited for and taken in now."""
        job = self._edit_job
        if job is None:
            return
        if job.push:
            job.cancelled = True
            self._next_edit = None
        assert job.task is not None
        self._work.take_over(job.task)
        self._edit_job = None
        if job.push:
            self._end_work()
        else:
            self._take_in(job, at_once=True)

    def _begin_work(self, label: str, job: _EditJob | _SaveAllJob) -> None:
        self._work_label = label
        if not self._progress_timer.isActive() and (ui_collector := collector.installed()) is not None:
            ui_collector.hold_full_collections()
            self._collector_held.append(ui_collector)
        self._progress_timer.start()
        self.workProgress.emit(label, 0, job.total)
        self._update_save_state()

    def _report_progress(self) -> None:
        job = self._edit_job or self._save_job
        if job is not None:
            self.workProgress.emit(self._work_label, job.done_count, job.total)

    def _end_work(self) -> None:
        if self._edit_job is None and self._save_job is None and not self._landing and self._progress_timer.isActive():
            self._progress_timer.stop()
            _release_collector(self._collector_held)
            self.workFinished.emit()
        self._update_save_state()

    def _restore(self, snapshot: Snapshot, description: str, announce: tuple[str, EditStep] | None = None) -> None:
        """Set the values of an undo or redo; for BACKGROUND_FROM records or more, off the UI thread
        (the undo stack has moved already, so this work has no Cancel: it must land)."""
        keys = list(snapshot)
        if len(keys) >= BACKGROUND_FROM and self._edit_job is None:
            def landed() -> bool:
                if announce is not None:
                    self._announce(*announce)
                return True

            self._start_edit_job(keys, "", lambda session: session.restore(snapshot, description), None, landed,
                                 push=False, label=f"{_DOING.get(announce[0] if announce else '', 'Restoring')} {counted(len(keys), 'record')}")
            return
        try:
            self.session.restore(snapshot, description)
        except EditRefused as refusal:
            self.message.emit(f"{description} was not possible: {refusal}")
        self._after_change(keys)
        if announce is not None:
            self._announce(*announce)

    def _announce(self, verb: str, step: EditStep) -> None:
        """Say which story an undo or redo changed ("Undid approval of “…”") and show it."""
        paths = step.paths
        if not paths:
            return
        name = self.story_name(paths[0]) if len(paths) == 1 else f"{len(paths)} records"
        what = step.description
        if what in NOUNS.values():
            text = f"{verb} {what} of {name}"
        else:
            what = what.split(" on ", 1)[0] if len(paths) > 1 else what
            text = f"{verb} “{what[:1].lower()}{what[1:]}” on {name}"
        if any(self.session.is_dirty(p) for p in paths if self.session.knows(p)):
            text += " (unsaved: Ctrl+S saves it)"
        self._tell(text + ".", paths)
        self.revealRequested.emit(paths[0])

    def revert_field(self, paths: Iterable[str | Path], key: str) -> None:
        """Put one field back as saved on these records, the others keeping their edits (one undo step)."""
        if self._refused_while_busy(bulk=False):
            return
        step = self.session.revert_field(paths, key)
        if not step.changed_anything:
            self.message.emit(f"No unsaved change of {key} to revert.")
            return
        self.undoStack.push(EditCommand(self, step))
        self._after_change(step.paths)
        name = self.story_name(step.paths[0]) if len(step.paths) == 1 else counted(len(step.paths), "record")
        self._tell(f"Reverted {key} of {name} to the saved value.", step.paths)

    def show_in_form(self, form, paths: Sequence[str | Path]) -> None:
        """The form shows these records' values, and what is saved of each field they changed."""
        form.showRecords(self.records_for_form(paths))
        form.showSaved(self.saved_fields(paths))

    def saved_fields(self, paths: Sequence[str | Path]) -> dict[str, list[Any]]:
        """For the form: each field with an unsaved change on any of these records, and the values
        it has in their files (one per record changed)."""
        saved: dict[str, list[Any]] = {}
        for path in paths:
            key = path_key(path)
            if self.session.knows(key) and self.session.is_dirty(key):
                for field in self.session.changed_fields(key):
                    saved.setdefault(field, []).append(self.session.saved_value(key, field))
        return saved

    def revert(self, paths: Iterable[str | Path]) -> None:
        """Drop the unsaved edits of these records (one undo step)."""
        steps = [self.session.revert(p) for p in paths if self.session.is_dirty(p)]
        if not steps:
            self.message.emit("Nothing to revert.")
            return
        step = EditStep(
            "Revert" if len(steps) == 1 else f"Revert {len(steps)} records",
            _merge_snapshots(s.before for s in steps),
            _merge_snapshots(s.after for s in steps),
        )
        self.undoStack.push(EditCommand(self, step))
        self._after_change(list(step.after))
        self._tell(f"Reverted {', '.join(self.story_name(p) for p in list(step.after)[:3])}"
                   + (" and others" if len(step.after) > 3 else ""), list(step.after))

    def restore_edits(self, restorations: Sequence[tuple[Document, dict]]) -> dict[str, str]:
        """Take each document (a file as it is now) as its record's base, with these edits pending
        and unsaved: edits recovered from the journal after a crash. One undo step; records
        already being edited are left alone. Returns the ones not restored, and why."""
        refused: dict[str, str] = {}
        steps = []
        for disk, changes in restorations:
            key = path_key(disk.path)
            if self.session.is_dirty(key) if self.session.knows(key) else False:
                refused[key] = "it already has unsaved edits"
                continue
            self.session.rebase(key, disk, {})
            try:
                steps.append(self.session.restore({key: dict(changes)}, "Restore"))
            except EditRefused as refusal:
                refused[key] = str(refusal)
        steps = [s for s in steps if s.changed_anything]
        if steps:
            description = "Restore unsaved edits" + (f" of {len(steps)} records" if len(steps) > 1 else "")
            step = EditStep(description, _merge_snapshots(s.before for s in steps),
                            _merge_snapshots(s.after for s in steps))
            self.undoStack.push(EditCommand(self, step))
        self._after_change([path_key(d.path) for d, _ in restorations])
        return refused

    def approve(self, paths: Sequence[str | Path]) -> bool:
        """Set `published: true` (dropping any other decision) and save. Refused, with the
        problems listed, for a record that has any. True when every record ended up approved on disk."""
        return self.decide(paths, APPROVED)

    def decide(self, paths: Sequence[str | Path], decision: str, reason: str = "", note: str = "") -> bool:
        """Record a decision (desktop.records.decisions) on these records and save them; a new
        decision replaces the old one. True when every record was saved with it."""
        self._take_typed_input()
        if not paths or self._blocked_by_input(paths):
            return False
        for key in (path_key(p) for p in paths) if decision == APPROVED else ():
            # The core refuses to publish a record with problems, but setting published: true on
            # one approved already changes nothing, so it would pass as "Approved".
            edited = self.session.edited(key)
            if edited.editable and edited.problems and edited.data.get("published") is True:
                why = publication_refusal(self.story_name(key), edited.problems)
                self.refused.emit("published", why)
                self._tell(why, [key])
                return False
        key = "published" if decision == APPROVED else "decision"
        verb = VERBS[decision] + (f"{_WHAT} as “{reason}”" if reason else "")
        return self._edit(paths, key, lambda session: session.decide(paths, decision, reason, note),
                          then=lambda: self._save_each(paths, verb=verb))

    def _blocked_by_input(self, paths: Sequence[str | Path]) -> bool:
        """A half-typed value in the form for these records: saving now would silently drop it."""
        if self._input_problem and {path_key(p) for p in paths} & set(self._current):
            self.message.emit(f"Not saved: fix this first: {self._input_problem}")
            self.saveBlocked.emit(f"Fix this first: {self._input_problem}")
            return True
        return False

    def unapprove(self, paths: Sequence[str | Path]) -> bool:
        """Set `published: false` and save."""
        self._take_typed_input()
        if not paths or self._blocked_by_input(paths):
            return False
        return self._edit(paths, "published", lambda session: session.set_field(paths, "published", False),
                          then=lambda: self._save_each(paths, verb="Unapproved"))

    # -- saving --------------------------------------------------------------------------------

    def can_save(self, path: str | Path) -> tuple[bool, str]:
        """Whether Save would write this record now, and if not, why (for Save's tooltip)."""
        key = path_key(path)
        if key in self._current and self._input_problem:
            return False, f"Fix this first: {self._input_problem}"
        if not self.session.knows(key) or not self.session.is_dirty(key):
            return False, "No unsaved edits."
        base = self.session.base(key)
        if not base.editable:
            return False, f"{self.story_name(key)} can't be edited: {base.edit_blocker}"
        introduced = self.session.new_problems(key)
        if introduced:
            return False, f"The edit would make {self.story_name(key)} invalid: {introduced[0].message}"
        return True, ""

    def save(self, paths: Iterable[str | Path] | None = None) -> bool:
        """Save these records (the current ones by default); True when all of them were saved."""
        self._take_typed_input()
        keys = [path_key(p) for p in (self._current if paths is None else paths)]
        dirty = [k for k in keys if self.session.knows(k) and self.session.is_dirty(k)]
        if not dirty:
            self.message.emit("No unsaved edits to save.")
            return True
        for key in dirty:
            ok, why = self.can_save(key)
            if not ok:
                self.message.emit(f"Not saved: {why}")
                self.saveBlocked.emit(why)
                return False
        return self._save_each(dirty, verb="Saved")

    def _save_each(self, paths: Iterable[str | Path], verb: str) -> bool:
        """Save these records one by one; as many as a bulk edit is made off the UI thread for
        are written there instead (False: not all saved yet), and the outcome is said when done."""
        keys = [path_key(p) for p in paths]
        if len(keys) >= BACKGROUND_FROM and self._save_job is None:
            dirty = [k for k in keys if self.session.knows(k) and self.session.is_dirty(k)]
            blocked = {k: why for k in dirty for ok, why in [self.can_save(k)] if not ok}
            self.saveAllStarted.emit(len(dirty))
            self._start_save_job([k for k in dirty if k not in blocked], blocked, verb)
            return False
        failures: dict[str, str] = {}
        done = []
        for key in keys:
            outcome = self._save_one(key)
            if outcome is True:
                done.append(key)
            elif outcome:
                failures[key] = outcome
        if failures:
            edit_dialogs.show_save_failures(self._dialog_parent, failures, saved=len(done))
        if done and not failures:
            names = ", ".join(self.story_name(k) for k in done[:3]) + (f" and {len(done) - 3} more" if len(done) > 3 else "")
            self._tell(f"{_said(verb, names)}.{self._merged_message(done)}", done)
        return len(done) == len(keys)

    def _tell(self, text: str, keys: Sequence[str | Path]) -> None:
        """A message that names stories: their files go with it (the status bar's tooltip)."""
        self.messageFiles.emit([str(key) for key in keys])
        self.message.emit(text)

    def story_name(self, key: str) -> str:
        """A record as an editor names it: its headline in quotes (the file name if it has none)."""
        data = self.session.edited(key).data if self.session.knows(key) else None
        title = data.get("title") if isinstance(data, dict) else None
        if not isinstance(title, str) or not title.strip():
            return _name(key)
        title = " ".join(title.split())
        return f"“{title if len(title) <= 80 else title[:79] + '…'}”"

    def _save_one(self, key: str, *, force: bool = False) -> bool | str | None:
        """True when saved; a reason when it failed; None when the editor chose not to save."""
        if not self.session.is_dirty(key):
            return True
        try:
            saved = self.session.save(key, force=force)
        except FileChangedOnDisk:
            return self._resolve_changed_on_disk(key)
        except (SaveError, EditRefused, OSError) as error:
            return str(error)
        self.recordSaved.emit(key, saved)
        self._after_change([key])
        return True

    def _merge_offer(self, key: str) -> edit_dialogs.MergeOffer:
        """My edits merged onto the file as it is now. One file read and parsed on the UI thread,
        as a single save is: the question is about to be asked about that very file."""
        base = self.session.base(key)
        theirs = read_document(key)
        try:
            result = merge_documents(base, theirs, self.session.edited(key))
        except MergeRefused as refused:
            return edit_dialogs.MergeOffer(None, base, theirs, refusal=str(refused))
        return edit_dialogs.MergeOffer(result, base, theirs)

    def _merge_and_save(self, key: str, offer: edit_dialogs.MergeOffer) -> bool | str | None:
        assert offer.theirs is not None
        try:
            result = merge_documents(offer.base, offer.theirs, self.session.edited(key), resolutions=offer.resolutions)
        except MergeRefused as refused:
            return str(refused)
        if not result.clean:
            return "changed on disk; the merge still has conflicts"
        merged = result.document
        pending = changes_between(offer.theirs, merged)
        self.session.rebase(key, offer.theirs, pending)
        try:
            rebuilt = self.session.edited(key)
        except EditRefused as refused:
            return str(refused)
        if rebuilt.raw != merged.raw:
            return "the merge could not be written with your edits as they are"
        if not self.session.is_dirty(key):  # every field taken from disk: the file already is the merge
            self.recordSaved.emit(key, offer.theirs)
            self._after_change([key])
            self._merge_notes[key] = f"Took the version on disk of {self.story_name(key)}."
            return True
        outcome = self._save_one(key)
        if outcome is True:
            taken = ", ".join(str(k) for k in result.theirs_changed) or "its layout"
            self._merge_notes[key] = f"Merged {self.story_name(key)}: the change on disk to {taken} is kept with your edits."
        return outcome

    def _merged_message(self, keys: Iterable[str]) -> str:
        notes = [self._merge_notes.pop(k) for k in keys if k in self._merge_notes]
        return (" " + " ".join(notes)) if notes else ""

    def _resolve_changed_on_disk(self, key: str, others: int = 0, for_all: list[str] | None = None) -> bool | str | None:
        """Ask (or, after "apply to all" in Save All, reuse `for_all`'s answer) and act on it."""
        offer = self._merge_offer(key)
        offer.others = others if for_all is not None else 0
        clean = offer.result is not None and offer.result.clean
        if for_all and (for_all[0] != "merge" or clean):
            answer = for_all[0]  # a merge with conflicts still asks: the choice is per field
        else:
            answer = edit_dialogs.ask_changed_on_disk(self._dialog_parent, key, merge=offer)
            if offer.apply_to_all and for_all is not None:
                for_all[:] = [answer]
        if answer == "merge" and offer.result is not None:
            return self._merge_and_save(key, offer)
        if answer == "overwrite":
            return self._save_one(key, force=True)
        if answer == "reload":
            doc = self.session.reload(key)
            self.recordSaved.emit(key, doc)  # what is on disk now: the table shows it
            self._after_change([key])
            self._tell(f"Reloaded {self.story_name(key)} from disk; your edits to it were dropped.", [key])
            return None
        self._tell(f"{self.story_name(key)} was not saved: it changed on disk.", [key])
        return None

    def merge_from_disk(self, path: str | Path) -> bool:
        """My edits onto the version now on disk, saved (the changed-on-disk banner's Merge);
        fields both sides changed are chosen per field. True when the record was saved."""
        key = path_key(path)
        if not self.session.knows(key) or not self.session.is_dirty(key):
            return False
        offer = self._merge_offer(key)
        if offer.result is None:
            self._tell(f"{self.story_name(key)} can't be merged: {offer.refusal}", [key])
            return False
        if not offer.result.clean:
            chosen = edit_dialogs.choose_per_field(self._dialog_parent, offer.result.conflicts)
            if chosen is None:
                return False
            offer.resolutions.update(chosen)
        outcome = self._merge_and_save(key, offer)
        if outcome is True:
            self._tell(self._merged_message([key]).strip() or f"Saved {self.story_name(key)}.", [key])
            return True
        if outcome:
            edit_dialogs.show_save_failures(self._dialog_parent, {key: outcome}, saved=0)
        return False

    def reload_from_disk(self, path: str | Path) -> None:
        """Drop my edits to the record and take the version on disk (the banner's Reload)."""
        key = path_key(path)
        doc = self.session.reload(key)
        self.recordSaved.emit(key, doc)  # what is on disk now: the table shows it
        self._after_change([key])
        self._tell(f"Reloaded {self.story_name(key)} from disk; your edits to it were dropped.", [key])

    def save_all(self, *, synchronous: bool = False) -> dict[str, str] | None:
        """Save every record with unsaved edits, each on its own; failures are reported.

        By default the files are written on a worker thread and `saveAllFinished` reports the
        outcome; `synchronous=True` (closing the window) returns the failures instead.
        """
        if self._save_job is not None:
            self.message.emit("Already saving…")
            return None
        self._take_typed_input()
        keys = self.session.dirty_paths()
        if not keys:
            self.message.emit("No unsaved edits to save.")
            self.saveAllFinished.emit({})
            return {}
        blocked = {k: why for k in keys for ok, why in [self.can_save(k)] if not ok}
        ready = [k for k in keys if k not in blocked]
        self.saveAllStarted.emit(len(keys))
        if synchronous:
            results = []
            for key in ready:
                try:
                    results.append((key, self.session.write(self.session.edited(key))))
                except Exception as error:
                    results.append((key, error))
            return self._finish_save_all(results, blocked)
        self._start_save_job(ready, blocked, "Saved")
        return None

    def _start_save_job(self, ready: list[str], blocked: dict[str, str], verb: str) -> None:
        job = _SaveAllJob([(k, self.session.edited(k)) for k in ready], self.session.write)
        job.blocked = blocked
        job.verb = verb
        self._save_job = job
        self.message.emit(f"Saving {counted(len(ready), 'record')}…")
        self._begin_work(f"Saving {counted(len(ready), 'record')}", job)
        job.task = self._work.run(job.run, on_done=lambda _future: self._finish_job(job))

    def is_saving(self) -> bool:
        return self._save_job is not None

    def wait_for_save(self) -> dict[str, str] | None:
        """Block until a running Save All is done and handle its outcome now (closing the
        window, opening another folder); the failures, or None when none was running."""
        self._drop_edit_job()  # a bulk edit not landed yet is dropped: nothing of it was applied
        job = self._save_job
        if job is None:
            return None
        assert job.task is not None
        self._work.take_over(job.task)
        return self._finish_job(job, at_once=True)

    def _finish_job(self, job: _SaveAllJob, *, at_once: bool = False) -> dict[str, str] | None:
        """Take in what a save job wrote, LAND_SLICE records per turn of the event loop (each
        saved record updates its table row: 1,000 at once held the window for a second), or all
        now when the caller waits for the outcome."""
        if job is not self._save_job:
            return None  # a slice scheduled before wait_for_save took the rest in at once
        while job.landed < len(job.results):
            for key, outcome in job.results[job.landed : job.landed + LAND_SLICE]:
                if isinstance(outcome, Document):
                    if key in job.summaries:
                        self.session.remember_summary(outcome, job.summaries[key])
                    self.session.mark_saved(key, outcome)
                    self.recordSaved.emit(key, outcome)
            self._after_change([key for key, outcome in job.results[job.landed : job.landed + LAND_SLICE]
                                if isinstance(outcome, Document)])
            job.landed += LAND_SLICE
            if not at_once and job.landed < len(job.results):
                QTimer.singleShot(0, self, lambda: self._finish_job(job))
                return None
        failures = self._finish_save_all(job.results, job.blocked, verb=job.verb,
                                         unsaved=len(job.documents) - len(job.results), marked=True)
        self._end_work()
        return failures

    def _finish_save_all(self, results: list[tuple[str, Document | Exception]], blocked: dict[str, str], *,
                         verb: str = "Saved", unsaved: int = 0, marked: bool = False) -> dict[str, str]:
        """`unsaved`: records a cancelled save never wrote; they keep their edits. `marked`: the
        saved records were taken in already (`_finish_job`)."""
        self._save_job = None
        failures = dict(blocked)
        saved: list[str] = []
        changed_on_disk: list[str] = []
        for key, outcome in results:
            if isinstance(outcome, Document):
                if not marked:
                    self.session.mark_saved(key, outcome)
                    self.recordSaved.emit(key, outcome)
                saved.append(key)
            elif isinstance(outcome, FileChangedOnDisk):
                changed_on_disk.append(key)
            else:
                failures[key] = str(outcome)
        if not marked:
            self._after_change(saved)
        for_all: list[str] = []  # the answer given "for all", once one is
        for done, key in enumerate(changed_on_disk, 1):  # asked one by one, now that the others are safe on disk
            outcome = self._resolve_changed_on_disk(key, len(changed_on_disk) - done, for_all)
            if outcome is True:
                saved.append(key)
            elif outcome:
                failures[key] = outcome
            else:
                failures[key] = "changed on disk; not saved" if self.session.is_dirty(key) else "reloaded from disk"
        real_failures = {k: v for k, v in failures.items() if v != "reloaded from disk"}
        stopped = f" Cancelled: {counted(unsaved, 'record')} not saved (still unsaved)." if unsaved else ""
        if real_failures:
            edit_dialogs.show_save_failures(self._dialog_parent, real_failures, saved=len(saved))
            not_saved = f"{counted(len(real_failures), 'record')} could not be saved."
            self.message.emit((f"{_said(verb, counted(len(saved), 'record'))}; {not_saved}" if saved else f"Nothing saved: {not_saved}")
                              + stopped)
        else:
            self.message.emit(f"{_said(verb, counted(len(saved), 'record'))}.{self._merged_message(saved)}{stopped}")
        self.saveAllFinished.emit(real_failures)
        return real_failures

    # -- questions -----------------------------------------------------------------------------

    def diffs(self) -> dict[str, str]:
        """For every record with unsaved edits, the diff its save will write."""
        return {key: self.session.diff(key) for key in self.session.dirty_paths()}

    def review_changes(self, parent: QWidget | None = None) -> edit_dialogs.ReviewChangesDialog:
        dialog = edit_dialogs.ReviewChangesDialog(self.diffs(), parent or self._dialog_parent, self._story_names())

        def act(key: str, action: Callable[[], object]) -> None:
            said: list[str] = []

            def hear(text: str) -> None:
                said.append(text)

            self.message.connect(hear)
            try:
                action()
            finally:
                self.message.disconnect(hear)
            dialog.setDiffs(self.diffs(), self._story_names())
            dialog.setOutcome(said[-1] if said else "")

        dialog.saveRequested.connect(lambda key: act(key, lambda: self.save([key])))
        dialog.revertRequested.connect(lambda key: act(key, lambda: self.revert([key])))
        dialog.open()
        return dialog

    def _story_names(self) -> dict[str, str]:
        # Headlines without the quotes a sentence needs: in a list they only add noise.
        return {key: self.story_name(key).strip("“”") for key in self.session.dirty_paths()}

    def confirm_discard(self, parent: QWidget | None = None) -> bool:
        """Before closing or opening another folder: True when it may go ahead (everything was
        saved, or the editor chose to discard); False to stay."""
        self.wait_for_save()
        self._take_typed_input()  # a topic typed but not added is an edit too: ask about it
        count = len(self.session.dirty_paths())
        if not count:
            return True
        answer = edit_dialogs.ask_unsaved(parent or self._dialog_parent, count)
        if answer == "save":
            failures = self.save_all(synchronous=True)
            return not failures and not self.session.dirty_paths()
        return answer == "discard"

    def reset(self) -> None:
        """Forget every record and edit (another folder was opened)."""
        self.wait_for_save()
        if self._landing:
            self._epoch += 1
            self._landing = 0
            self._end_work()
        paths = sorted(self._dirty)
        self.session.forget_all()
        self.undoStack.clear()
        self._current = []
        self._after_change(paths)

    # -- state ---------------------------------------------------------------------------------

    def _after_change(self, keys: list[str]) -> None:
        before = len(self._dirty)
        for key in keys:
            dirty = self.session.is_dirty(key) if self.session.knows(key) else False
            if dirty != (key in self._dirty):
                (self._dirty.add if dirty else self._dirty.discard)(key)
                self.dirtyChanged.emit(key, dirty)
        if len(self._dirty) != before:
            self.dirtyCountChanged.emit(len(self._dirty))
        if keys:
            self.recordsChanged.emit(list(keys))
        self._update_save_state()

    def decision_blocker(self) -> str:
        """Why no decision can be written to the current records ("" when one can): a file read
        and found uneditable. A record not read yet is not refused here; its read decides."""
        for key in self._current:
            if self.session.knows(key):
                base = self.session.base(key)
                if not base.editable:
                    return f"{self.story_name(key)} can't be edited: {base.edit_blocker}"
        return ""

    def _update_save_state(self) -> None:
        reasons = [self.can_save(k) for k in self._current]
        if any(ok for ok, _ in reasons) and not self._input_problem:
            state = (True, "")
        elif self._input_problem:
            state = (False, f"Fix this first: {self._input_problem}")
        else:
            blocking = [why for ok, why in reasons if not ok and why != "No unsaved edits."]
            state = (False, blocking[0] if blocking else "No unsaved edits.")
        if state != self._save_state:
            old_block = self._save_state[1] if self._save_state[1] != "No unsaved edits." else ""
            self._save_state = state
            self.saveStateChanged.emit(*state)
            block = state[1] if state[1] != "No unsaved edits." else ""
            if block != old_block:
                self.saveBlocked.emit(block)

        for listener in self._state_listeners:
            listener()

    def save_state(self) -> tuple[bool, str]:
        return self._save_state

    # -- wiring --------------------------------------------------------------------------------

    def connect_form(self, form) -> None:
        """Edits in the form go to the current records; the form redraws from what they hold."""
        form.fieldEdited.connect(lambda key, value: self.edit(self.current_paths(), key, value))
        form.topicAdded.connect(lambda topic: self.add_topic(self.current_paths(), topic))
        form.topicRemoved.connect(lambda topic: self.remove_topic(self.current_paths(), topic))
        form.inputProblemChanged.connect(self.set_input_problem)
        self._take_typed_input = form.commitTyped

        def redraw(paths: list[str]) -> None:
            if set(paths) & set(self._current):
                self.show_in_form(form, self._current)

        self.recordsChanged.connect(redraw)
        form.revertFieldRequested.connect(lambda key: self.revert_field(self.current_paths(), key))
        self.refused.connect(lambda key, why: form.showFieldProblem(key, why) if key else None)

    def bind_actions(self, actions, go_next: Callable[[], None] | None, parent: QWidget | None = None) -> None:
        """Connect the window's editing actions (an ActionRegistry) to this controller.

        `go_next` moves to the next record after Approve & next; None leaves that action to the
        caller (the window, which must choose the next row before approval moves the current one).
        """
        actions.connect("actionSave", lambda: self.save())
        actions.connect("actionSaveAll", lambda: self.save_all())
        actions.connect("actionRevert", lambda: self.revert(self.current_paths()))
        actions.connect("actionUndo", self.undoStack.undo)
        actions.connect("actionRedo", self.undoStack.redo)
        actions.connect("actionReviewChanges", lambda: self.review_changes(parent))
        actions.connect("actionUnapprove", lambda: self.unapprove(self.current_paths()))
        if go_next is not None:

            def approve_next() -> None:
                if self.approve(self.current_paths()):
                    go_next()

            actions.connect("actionApproveNext", approve_next)

        undo, redo = actions["actionUndo"], actions["actionRedo"]
        save = actions["actionSave"]
        base_tip = save.toolTip()
        _connect_while(undo, self.undoStack.undoTextChanged, lambda text: undo.setStatusTip(f"Undo {text}" if text else ""))
        _connect_while(redo, self.undoStack.redoTextChanged, lambda text: redo.setStatusTip(f"Redo {text}" if text else ""))

        decision_tips: dict[str, str] = {}

        def refresh() -> None:
            if not (shiboken6.isValid(save) and shiboken6.isValid(self.undoStack)):
                return  # being torn down with the window
            enabled, why = self._save_state
            save.setEnabled(enabled)
            save.setToolTip(base_tip if enabled or not why else plain_tooltip(f"{base_tip}: {why}"))
            blocker = self.decision_blocker()
            has_records = bool(self._current) and not blocker
            actions["actionSaveAll"].setEnabled(bool(self._dirty) and not self.is_saving())
            actions["actionRevert"].setEnabled(any(k in self._dirty for k in self._current))
            actions["actionReviewChanges"].setEnabled(bool(self._dirty))
            for name in ("actionApproveNext", "actionUnapprove", "actionDecline", "actionFlag"):
                actions[name].setEnabled(has_records)
                tip = decision_tips.setdefault(name, actions[name].toolTip())
                actions[name].setToolTip(plain_tooltip(f"{tip}: {blocker}") if blocker else tip)
            actions["actionSkip"].setEnabled(bool(self._current))  # moving on needs no edit
            for n in range(1, 10):
                actions[f"actionDeclineReason{n}"].setEnabled(has_records)
            # Undo while a bulk edit is being made would restore values the edit then overwrites.
            undo.setEnabled(self.undoStack.canUndo() and self._edit_job is None)
            redo.setEnabled(self.undoStack.canRedo() and self._edit_job is None)

        self._state_listeners.append(refresh)
        for signal in (
            self.undoStack.canUndoChanged,
            self.undoStack.canRedoChanged,
            self.saveAllStarted,
            self.saveAllFinished,
        ):
            _connect_while(save, signal, lambda *_args: refresh())
        refresh()

def install_work_progress(window, controller: EditController) -> None:
    """A progress bar and a Cancel button in the status bar while a bulk edit or a save runs."""
    progress = QProgressBar()
    progress.setObjectName("workProgress")
    progress.setAccessibleName("Progress of the change being made")
    progress.setMinimumWidth(240)  # room for "Changing 1,000 records: 40%" on one line
    progress.setMaximumWidth(320)
    progress.hide()
    cancel = QToolButton()
    cancel.setObjectName("cancelWork")
    cancel.setText("Cancel")
    cancel.setToolTip("Stop: an edit not finished changes no record; a save keeps what it wrote")
    cancel.hide()
    window.statusBar().addPermanentWidget(progress)
    window.statusBar().addPermanentWidget(cancel)

    def show_progress(label: str, done: int, total: int) -> None:
        progress.setFormat(f"{label}: %p%")
        progress.setRange(0, max(total, 1))
        progress.setValue(done)
        progress.show()
        cancel.setVisible(controller.work_cancellable())

    def hide_progress() -> None:
        progress.hide()
        cancel.hide()

    controller.workProgress.connect(show_progress)
    controller.workFinished.connect(hide_progress)
    controller.workProgress.connect(lambda *_: window.set_background_work(True))
    controller.workFinished.connect(lambda: window.set_background_work(False))
    cancel.clicked.connect(controller.cancel_work)


def install_editing(window) -> EditController:
    """Put the form into the review desk and connect every editing command to it.

    `window` is the MainWindow; only its documented hooks ("for the edit form") are used.
    """
    from desktop.ui.editing.form import RecordForm

    controller = EditController(window)
    controller.setObjectName("editController")
    form = RecordForm()
    window.form_layout().addWidget(form)
    form.show()  # at once, even when the window is already on screen
    window.editController = controller
    window.recordForm = form

    def summary_of(key: str):
        row = window.model.row_for_path(key)
        return None if row is None else window.model.summary_at(row)

    controller.summary_lookup = summary_of
    controller.connect_form(form)

    def show_selection(paths: list[str]) -> None:
        controller.set_current(paths)
        controller.show_in_form(form, paths)

    def on_document_shown(document: Document) -> None:
        controller.session.adopt(document)
        key = path_key(document.path)
        if controller.session.is_dirty(key):  # back on a record with unsaved edits: their problems
            window.show_record_problems(controller.session.edited(key).problems)
        if key in controller.current_paths():
            controller.show_in_form(form, controller.current_paths())
            controller.set_current(controller.current_paths())  # the decisions follow what the file allows

    completions_due = QTimer(form)
    completions_due.setSingleShot(True)
    completions_due.setInterval(0)

    @completions_due.timeout.connect
    def update_completions() -> None:
        topics = {topic for summary in window.model.summaries() for topic in summary.topics}
        form.setCompletions(sorted(topics))

    def refresh_completions(*_args) -> None:
        # Once per turn of the event loop: Save All of 1,000 records asked after each of them, and
        # each time walked the topics of every row (10 s at 10,000 rows, bench_bulk.py).
        completions_due.start()

    window.selectedPathsChanged.connect(show_selection)
    window.documentShown.connect(on_document_shown)
    window.folderLoaded.connect(refresh_completions)
    controller.dirtyChanged.connect(window.set_dirty)

    def show_pending(keys: list[str]) -> None:
        session = controller.session
        shown = window.current_path()
        for key in keys:
            dirty = session.knows(key) and session.is_dirty(key)
            window.show_pending(key, session.edited_summary(key) if dirty else None)
            if shown is not None and key == path_key(shown) and session.knows(key):
                # The pane's problems follow the unsaved values: fixing 150 to 74 clears that one.
                window.show_record_problems((session.edited(key) if dirty else session.base(key)).problems)

    controller.recordsChanged.connect(show_pending)
    form.inputProblemChanged.connect(lambda _first: window.show_typed_problems(form.input_problems()))
    controller.recordSaved.connect(lambda key, doc: window.refresh_record(controller.session.summary_of(doc), doc))
    controller.recordSaved.connect(refresh_completions)
    controller.messageFiles.connect(window.name_files_of_next_status)
    controller.message.connect(window.show_status)

    def reveal(key: str) -> None:
        if key in controller.current_paths():
            return
        if not window.select_path(key):  # queues follow what is saved: it may be in another one now
            window.set_queue(Queue.ALL)
            window.select_path(key)

    controller.revealRequested.connect(reveal)
    controller.saveBlocked.connect(lambda why: window.show_status(why) if why else None)

    def move_on(following: str | None) -> None:
        # One rule after every decision and skip: the next record, with the keyboard on the table.
        if not (following is not None and window.select_path(following)) and not window.step(+1):
            window.show_queue_end()
        window.focus_table()

    def decide_next(decision: str, reason: str = "") -> None:
        paths = controller.current_paths()
        if not paths:
            window.show_queue_end()
            return
        # Chosen before deciding: in "To review" the decided rows leave the queue.
        following = _row_after(window, paths)
        note = form.decisionNote() if decision != APPROVED else ""
        if controller.decide(paths, decision, reason, note):
            window.note_decision(decision, len(paths))
            move_on(following)

    def skip() -> None:
        paths = controller.current_paths()
        if not paths:
            window.show_queue_end()
            return
        window.note_decision("skipped", len(paths))
        move_on(_row_after(window, paths))

    install_work_progress(window, controller)
    controller.bind_actions(window.registry, go_next=None, parent=window)
    registry = window.registry
    registry.connect("actionApproveNext", lambda: decide_next(APPROVED))
    registry.connect("actionDecline", lambda: decide_next(DECLINED))
    registry.connect("actionFlag", lambda: decide_next(FLAGGED))
    registry.connect("actionSkip", skip)
    for n in range(1, 10):
        reason_action = registry[f"actionDeclineReason{n}"]
        reason_action.triggered.connect(lambda _=False, a=reason_action: decide_next(DECLINED, a.data() or ""))

    # Closing, opening another folder or reloading asks about unsaved edits first; once the
    # new folder starts loading, the old folder's edits and undo history are gone.
    window.add_leave_guard(lambda _reason: controller.confirm_discard(window))
    window.folderOpened.connect(lambda _folder: controller.reset())

    # Tab order: link, the form's fields, then the review tabs.
    pane = window.reviewPane
    window.setTabOrder(pane.linkButton, form.qualityInput)
    window.setTabOrder(form.qualityInput, form.heatInput)
    window.setTabOrder(form.heatInput, form.topicsInput.lineEdit)
    window.setTabOrder(form.topicsInput.lineEdit, form.publishedInput)
    window.setTabOrder(form.publishedInput, pane.tabs)
    show_selection(window.selected_paths())
    refresh_completions()
    return controller


def _row_after(window, paths: list[str]) -> str | None:
    """The path of the first row below the current one (in the queue as shown) not in `paths`."""
    proxy = window.proxy
    current = window.recordTable.currentIndex()
    start = current.row() + 1 if current.isValid() else 0
    chosen = set(paths)
    for row in range(start, proxy.rowCount()):
        source_row = proxy.mapToSource(proxy.index(row, 0)).row()
        path = window.model.summary_at(source_row).path
        if path not in chosen:
            return path
    return None
