"""Edits of the review desk: one undo step per edit, approval and the other decisions, and whether
Save is possible now.

`EditController` owns the `EditSession` (the Qt-free pending edits) and a `QUndoStack`. Every
edit, of one record or of many at once, becomes one `EditCommand` (undo.py) holding the touched
values before and after; undo and redo set those values again. An edit of BACKGROUND_FROM records
or more is made as a task (work.py). Views never change records: they call the controller and
redraw on `recordsChanged`. Saving is in saving.py, the wiring into the window in install.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from desktop.records import (
    APPROVED,
    NOUNS,
    VERBS,
    Document,
    EditCancelled,
    EditRefused,
    EditSession,
    EditStep,
    SaveError,
    Snapshot,
    counted,
    file_name,
    path_key,
    publication_refusal,
)
from desktop.ui.editing.saving import WHAT, Saving
from desktop.ui.editing.undo import EditCommand, merge_snapshots
from desktop.ui.editing.work import BACKGROUND_FROM, EditJob, SaveJob, WorkProgress, in_slices
from desktop.ui.tasks import QtPoolExecutor, TaskRunner
from desktop.ui.widgets.text import plain_tooltip

_DOING = {"Undid": "Undoing", "Redid": "Redoing"}


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


class EditController(Saving, QObject):
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

    def __init__(
        self,
        dialog_parent: QWidget | None = None,
        session: EditSession | None = None,
        *,
        make_pool: Callable[[], Executor] | None = None,
    ) -> None:
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
        self._save_job: SaveJob | None = None
        self._edit_job: EditJob | None = None
        self._next_edit: tuple | None = None  # an edit waiting for the one it supersedes to stop
        self._landing = 0  # bulk changes whose rows and marks are still being taken in
        self._epoch = 0  # advanced by reset(): a landing of the records before it stops
        self._work_label = ""
        self._progress = WorkProgress(self, self._report_progress)
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

    def _edit(
        self,
        paths: Sequence[str | Path],
        key: str,
        make: Callable[[EditSession], EditStep],
        merge_key=None,
        then: Callable[[], bool] | None = None,
    ) -> bool:
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

    def _start_edit_job(
        self,
        keys: list[str],
        key: str,
        make: Callable[[EditSession], EditStep],
        merge_key,
        then: Callable[[], bool] | None,
        *,
        push: bool = True,
        label: str = "",
    ) -> None:
        """`push=False`: an undo or redo, already on the stack, and not cancellable."""
        job = EditJob(self.session.fork(), keys, make)
        job.field, job.merge_key, job.then, job.push = key, merge_key, then, push
        self._edit_job = job
        self._begin_work(label or f"Changing {counted(len(keys), 'record')}", job)
        job.task = self._work.run(job.run, on_done=lambda _future: self._finish_edit(job))

    def _finish_edit(self, job: EditJob) -> None:
        self._edit_job = None
        following, self._next_edit = self._next_edit, None
        if following is not None:  # superseded by a newer value of the same field
            self._start_edit_job(*following)
            return
        self._take_in(job, at_once=False)

    def _take_in(self, job: EditJob, *, at_once: bool) -> None:
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
                self.message.emit(
                    f"{step.description} on {counted(len(job.keys), 'record')} (unsaved: Ctrl+S saves them)."
                )

        keys = list(job.keys)
        self._landing += 1
        epoch = self._epoch

        def take(begin: int, end: int) -> None:
            self._after_change(keys[begin:end])

        def done() -> None:
            self._landing -= 1
            landed()

        # Busy until landed; another folder stops it (reset ended the landing: these records are gone).
        in_slices(self, len(keys), take, done, at_once=at_once, wanted=lambda: epoch == self._epoch)

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

    def _begin_work(self, label: str, job: EditJob | SaveJob) -> None:
        self._work_label = label
        self._progress.begin()
        self.workProgress.emit(label, 0, job.total)
        self._update_save_state()

    def _report_progress(self) -> None:
        job = self._edit_job or self._save_job
        if job is not None:
            self.workProgress.emit(self._work_label, job.done_count, job.total)

    def _end_work(self) -> None:
        if self._edit_job is None and self._save_job is None and not self._landing and self._progress.shown:
            self._progress.end()
            self.workFinished.emit()
        self._update_save_state()

    def apply_snapshot(
        self, snapshot: Snapshot, description: str, announce: tuple[str, EditStep] | None = None
    ) -> None:
        """Set the values of an undo or redo; for BACKGROUND_FROM records or more, off the UI thread
        (the undo stack has moved already, so this work has no Cancel: it must land)."""
        keys = list(snapshot)
        if len(keys) >= BACKGROUND_FROM and self._edit_job is None:

            def landed() -> bool:
                if announce is not None:
                    self._announce(*announce)
                return True

            self._start_edit_job(
                keys,
                "",
                lambda session: session.restore(snapshot, description),
                None,
                landed,
                push=False,
                label=f"{_DOING.get(announce[0] if announce else '', 'Restoring')} {counted(len(keys), 'record')}",
            )
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
        form.show_records(self.records_for_form(paths))
        form.show_saved(self.saved_fields(paths))

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
            merge_snapshots(s.before for s in steps),
            merge_snapshots(s.after for s in steps),
        )
        self.undoStack.push(EditCommand(self, step))
        self._after_change(list(step.after))
        self._tell(
            f"Reverted {', '.join(self.story_name(p) for p in list(step.after)[:3])}"
            + (" and others" if len(step.after) > 3 else ""),
            list(step.after),
        )

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
            step = EditStep(
                description, merge_snapshots(s.before for s in steps), merge_snapshots(s.after for s in steps)
            )
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
        verb = VERBS[decision] + (f"{WHAT} as “{reason}”" if reason else "")
        return self._edit(
            paths,
            key,
            lambda session: session.decide(paths, decision, reason, note),
            then=lambda: self._save_each(paths, verb=verb),
        )

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
        return self._edit(
            paths,
            "published",
            lambda session: session.set_field(paths, "published", False),
            then=lambda: self._save_each(paths, verb="Unapproved"),
        )

    # -- telling the editor ---------------------------------------------------------------------

    def _tell(self, text: str, keys: Sequence[str | Path]) -> None:
        """A message that names stories: their files go with it (the status bar's tooltip)."""
        self.messageFiles.emit([str(key) for key in keys])
        self.message.emit(text)

    def story_name(self, key: str) -> str:
        """A record as an editor names it: its headline in quotes (the file name if it has none)."""
        data = self.session.edited(key).data if self.session.knows(key) else None
        title = data.get("title") if isinstance(data, dict) else None
        if not isinstance(title, str) or not title.strip():
            return file_name(key)
        title = " ".join(title.split())
        return f"“{title if len(title) <= 80 else title[:79] + '…'}”"

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
        self._take_typed_input = form.commit_typed

        def redraw(paths: list[str]) -> None:
            if set(paths) & set(self._current):
                self.show_in_form(form, self._current)

        self.recordsChanged.connect(redraw)
        form.revertFieldRequested.connect(lambda key: self.revert_field(self.current_paths(), key))
        self.refused.connect(lambda key, why: form.show_field_problem(key, why) if key else None)

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
        _connect_while(
            undo, self.undoStack.undoTextChanged, lambda text: undo.setStatusTip(f"Undo {text}" if text else "")
        )
        _connect_while(
            redo, self.undoStack.redoTextChanged, lambda text: redo.setStatusTip(f"Redo {text}" if text else "")
        )

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
