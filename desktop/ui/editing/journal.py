"""The journal of unsaved edits in the window: written off the UI thread, offered back after a crash.

Every change to a record's pending edits (an edit, an undo, a save, a revert) becomes a journal
entry (desktop/records/journal.py) handed to `JournalWriter`, whose work runs as tasks on one thread that owns the
journal file: it appends and fsyncs, so the UI thread never waits on the disk. The same thread,
in the same order, opens the journal of a newly opened folder and, once the folder is loaded,
compares its entries with the files as they are now; the result comes back as a task's outcome
(no Qt call on the writer) and, when there is anything, `RestoreDialog` offers it:

- Restore: the edits become the records' pending, unsaved edits again (one undo step). A file
  that changed since is merged field by field; a field both changed is asked about per field.
- Discard: the offered entries are cleared.
- Decide Later: nothing changes; the next open asks again.
"""

from __future__ import annotations

import concurrent.futures
import copy
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.records import (
    ALREADY_THERE,
    CONFLICT,
    MERGED,
    MINE,
    SAME_FILE,
    UNRESTORABLE,
    Cleared,
    Journal,
    JournalEntry,
    JournalError,
    Restoration,
    counted,
    entry_for,
    journal_path,
    plan_all,
    resolve,
)
from desktop.ui.editing.dialogs import DiffHighlighter, FieldChoiceDialog
from desktop.ui.tasks import Task, TaskRunner

RESTORE, DISCARD, LATER = "restore", "discard", "later"
STOP_TIMEOUT_S = 10.0  # closing waits at most this long for the last entries to reach the disk


class JournalWriter:
    """The journal file's side, run as tasks on one thread (the only one that touches the file):
    each call returns what the UI thread is told."""

    def __init__(self) -> None:
        self._journal: Journal | None = None

    def open(self, path: Path) -> tuple:
        return self._guarded("opened", lambda: self._open(path))

    def write(self, items: list[JournalEntry | Cleared]) -> tuple:
        return self._guarded("written", lambda: self._write(items))

    def plan(self) -> list[tuple[Restoration, str]]:
        try:
            plans = plan_all(self._journal) if self._journal is not None else []
            return [(r, _preview(r)) for r in plans]
        except Exception:  # nothing to offer beats a desk taken down by its journal
            return []

    def _open(self, path: Path) -> tuple:
        self._journal = Journal(path)
        return ("opened", self._journal.notes)

    def _write(self, items: list[JournalEntry | Cleared]) -> tuple:
        if self._journal is not None:
            self._journal.write(items)
        return ("written", "")

    @staticmethod
    def _guarded(_kind: str, work: Callable[[], tuple]) -> tuple:
        try:
            return work()
        except JournalError as error:
            return ("written", str(error))
        except Exception as error:  # a journal must never take the desk down with it
            return ("written", f"The journal of unsaved edits failed: {error}")


def _preview(restoration: Restoration) -> str:
    """The diff a restore would leave pending; for a question, the one keeping every edit of yours."""
    if restoration.status == CONFLICT:
        return resolve(restoration, {c.key: MINE for c in restoration.conflicts}).diff()
    return restoration.diff()


class DeskJournal(QObject):
    """Keeps the window's journal: entries for every change of pending edits, and the restore offer."""

    restoreOffered = Signal(object)  # the RestoreDialog, just opened
    restoreFinished = Signal(str)  # RESTORE, DISCARD or LATER

    def __init__(self, window, controller, data_dir: Path | None = None) -> None:
        super().__init__(window)
        self.setObjectName("deskJournal")
        self._window = window
        self._controller = controller
        self._data_dir = data_dir
        self._tasks = TaskRunner(self, name="newsdesk-journal")
        self._writer = JournalWriter()
        self._journaled: dict[str, tuple] = {}  # path -> (stamp, changes) last sent for it
        self._plan: Task | None = None
        self._plan_on_load = False
        self._warned = False
        self.dialog: RestoreDialog | None = None
        self.path: Path | None = None
        controller.recordsChanged.connect(self._on_records_changed)
        window.folderOpened.connect(self._on_folder_opened)
        window.folderLoaded.connect(self._on_folder_loaded)
        window.add_leave_guard(self._on_leaving)
        window.shuttingDown.connect(self.stop)

    # -- writing ---------------------------------------------------------------------------

    def _on_records_changed(self, keys: list[str]) -> None:
        session = self._controller.session
        items: list[JournalEntry | Cleared] = []
        for key in keys:
            if session.knows(key) and session.is_dirty(key):
                base, changes = session.base(key), session.changes(key)
                state = (base.stamp, changes)
                if self._journaled.get(key) == state:
                    continue
                self._journaled[key] = copy.deepcopy(state)
                items.append(entry_for(base, copy.deepcopy(changes)))
            elif self._journaled.pop(key, None) is not None:
                items.append(Cleared(key))
        self._send(items)

    def _send(self, items: list[JournalEntry | Cleared]) -> None:
        if items:
            self._tasks.run(self._writer.write, items, on_done=self._on_result)

    def _on_leaving(self, reason: str) -> bool:
        # Asked only once the editing guard agreed: the editor saved or discarded what was pending.
        if reason == "close":
            self._send([Cleared(key) for key in self._journaled])
            self._journaled.clear()
        return True

    def stop(self) -> None:
        """Write what is queued, then end the thread (waits at most STOP_TIMEOUT_S: call when closing)."""
        if not self._tasks.closed:
            last = self._tasks.run(lambda: None)
            if last.future is not None:
                concurrent.futures.wait([last.future], timeout=STOP_TIMEOUT_S)
            self._tasks.shutdown(wait=False)

    def pending_results(self) -> int:
        """Journal work queued and not yet reported back (tests wait for 0)."""
        return self._tasks.running()

    # -- restoring -------------------------------------------------------------------------

    def _on_folder_opened(self, folder: str) -> None:
        # The editing controller cleared the old folder's edits first (it is connected first).
        self._journaled.clear()
        if self.dialog is not None:
            self.dialog.close()
            self.dialog = None
        self.path = journal_path(folder, self._data_dir)
        self._tasks.run(self._writer.open, self.path, on_done=self._on_result)
        if self._plan is not None:
            self._plan.cancel()  # the last folder's offer is not made for this one
            self._plan = None
        self._plan_on_load = True

    def _on_folder_loaded(self, _folder: str) -> None:
        # The offer waits for the rows: restored edits are shown in the table at once.
        if self._plan_on_load:
            self._plan_on_load = False
            self._plan = self._tasks.run(self._writer.plan, on_done=self._on_plan)

    def _on_plan(self, future: Future) -> None:
        self._plan = None
        if plans := future.result():
            self.offer(plans)

    def _on_result(self, future: Future) -> None:
        result = future.result()
        kind = result[0]
        if kind == "opened" and result[1]:
            self._window.show_status(" ".join(result[1]))
        elif kind == "written" and result[1] and not self._warned:
            self._warned = True  # once: the status bar is not a log
            self._window.show_status(f"{result[1]} Unsaved edits are kept in memory only until this is fixed.")

    def offer(self, plans: Sequence[tuple[Restoration, str]]) -> RestoreDialog:
        dialog = RestoreDialog(plans, self._window)
        self.dialog = dialog
        dialog.finished.connect(lambda _code: self._answer(dialog))
        dialog.open()
        self.restoreOffered.emit(dialog)
        return dialog

    def _answer(self, dialog: RestoreDialog) -> None:
        if dialog is not self.dialog:
            return
        self.dialog = None
        restorations = [r for r, _preview in dialog.plans]
        if dialog.choice == RESTORE:
            self._restore(restorations)
        elif dialog.choice == DISCARD:
            self._send([Cleared(r.path) for r in restorations])
            self._window.show_status(f"Discarded the unsaved edits of {counted(len(restorations), 'record')}.")
        self.restoreFinished.emit(dialog.choice)

    def _restore(self, restorations: Iterable[Restoration]) -> None:
        chosen: list[Restoration] = []
        skipped: list[str] = []
        gone: list[Cleared] = []
        for restoration in restorations:
            if restoration.status == CONFLICT:
                answer = choose_restored_fields(self._window, restoration)
                if answer is None:
                    skipped.append(restoration.path)  # kept in the journal: asked again next time
                    continue
                restoration = resolve(restoration, answer)
            if restoration.restorable and restoration.pending:
                chosen.append(restoration)
            elif restoration.status in (ALREADY_THERE, UNRESTORABLE):
                gone.append(Cleared(restoration.path))  # shown to the editor; nothing left to restore
            else:
                skipped.append(restoration.path)
        self._send(gone)
        refused = self._controller.restore_edits([(r.disk, r.pending) for r in chosen])
        restored = len(chosen) - len(refused)
        message = f"Restored the unsaved edits of {counted(restored, 'record')}; they are not saved yet."
        if refused or skipped:
            message += f" Not restored: {', '.join(Path(p).name for p in [*refused, *skipped])}."
        self._window.show_status(message)


def choose_restored_fields(parent: QWidget | None, restoration: Restoration) -> dict | None:
    """{key: MINE or THEIRS} for each field the file changed since the edit, or None to skip the
    record (module-level so tests can answer it)."""
    dialog = FieldChoiceDialog(restoration.conflicts, parent)
    dialog.setWindowTitle(f"Restore {Path(restoration.path).name}")
    dialog.mergeButton.setText("&Restore")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.resolutions()


STATUS_WORDS = {
    SAME_FILE: "unchanged on disk",
    MERGED: "changed on disk: merged",
    ALREADY_THERE: "already saved",
    CONFLICT: "changed on disk: you choose",
    UNRESTORABLE: "can't be restored",
}


def explanation(restoration: Restoration) -> str:
    """What Restore does with this record, in a sentence or two."""
    status = restoration.status
    if status == SAME_FILE:
        return "The file is as it was when you edited it: Restore brings these edits back as they were."
    if status == MERGED:
        return (
            "The file changed on disk since you edited it. Restore merges your edits onto it: "
            "what changed on disk in other fields is kept."
        )
    if status == ALREADY_THERE:
        return "The file on disk already holds these edits: there is nothing to restore."
    if status == CONFLICT:
        fields = ", ".join(str(c.key) for c in restoration.conflicts)
        return (
            f"The file changed on disk since you edited it, in {fields} too. Restore asks which value to "
            "keep; the diff shows yours."
        )
    return f"It can't be restored: {restoration.reason}"


class RestoreDialog(QDialog):
    """The unsaved edits found in the journal, record by record, each as a diff against the file now."""

    def __init__(self, plans: Sequence[tuple[Restoration, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restoreEditsDialog")
        self.setWindowTitle("Restore Unsaved Edits")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(900, 560)
        self.plans = list(plans)
        self.choice = LATER
        count = len(self.plans)
        restorable = sum(1 for r, _ in self.plans if r.status != UNRESTORABLE)

        self.summaryLabel = QLabel(self)
        self.summaryLabel.setObjectName("restoreSummary")
        self.summaryLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.summaryLabel.setWordWrap(True)
        self.summaryLabel.setText(
            f"Newsdesk was closed with unsaved edits to {counted(count, 'record')} in this folder. "
            "Restore brings them back as unsaved edits; nothing is saved until you save."
            + ("" if restorable == count else f" {counted(count - restorable, 'record')} can't be restored.")
        )

        self.recordList = QListWidget(self)
        self.recordList.setObjectName("restoreRecordList")
        self.recordList.setAccessibleName("Records with unsaved edits")
        self.recordList.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.recordList.setWordWrap(False)
        # Headlines are elided, not scrolled; a little air tells one record's two lines from the next.
        self.recordList.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.recordList.setSpacing(3)
        for restoration, _preview in self.plans:
            item = QListWidgetItem(
                f"{restoration.headline}\n{Path(restoration.path).name} · {STATUS_WORDS[restoration.status]}"
            )
            item.setToolTip(Path(restoration.path).name)
            self.recordList.addItem(item)

        self.changesLabel = QLabel(self)
        self.changesLabel.setObjectName("restoreChanges")
        self.changesLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.changesLabel.setWordWrap(True)
        self.diffView = QPlainTextEdit(self)
        self.diffView.setObjectName("restoreDiffView")
        self.diffView.setAccessibleName("The unsaved edits as a diff against the file as it is now")
        self.diffView.setReadOnly(True)
        self.diffView.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.diffView.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.highlighter = DiffHighlighter(self.diffView.document())

        detail = QWidget(self)
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.changesLabel)
        detail_layout.addWidget(self.diffView, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.recordList)
        splitter.addWidget(detail)
        splitter.setSizes([330, 570])
        splitter.setChildrenCollapsible(False)

        buttons = QDialogButtonBox(self)
        self.restoreButton = buttons.addButton("&Restore", QDialogButtonBox.ButtonRole.AcceptRole)
        self.discardButton = buttons.addButton("&Discard", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.laterButton = buttons.addButton("Decide &Later", QDialogButtonBox.ButtonRole.RejectRole)
        self.restoreButton.setDefault(True)
        self.restoreButton.setEnabled(restorable > 0)
        self.restoreButton.clicked.connect(lambda: self._choose(RESTORE))
        self.discardButton.clicked.connect(lambda: self._choose(DISCARD))
        self.laterButton.clicked.connect(lambda: self._choose(LATER))

        layout = QVBoxLayout(self)
        layout.addWidget(self.summaryLabel)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.recordList.currentRowChanged.connect(self._show)
        self.recordList.setCurrentRow(0)
        self.recordList.setFocus()

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.plans):
            return
        restoration, preview = self.plans[row]
        lines = restoration.change_lines()
        self.changesLabel.setText(
            f"{restoration.headline}\nYour edits: {'; '.join(lines)}.\n{explanation(restoration)}"
        )
        # setPlainText: record text is never interpreted as markup.
        self.diffView.setPlainText(preview.rstrip("\n") if preview else "(no change to write)")

    def _choose(self, choice: str) -> None:
        self.choice = choice
        (self.accept if choice != LATER else self.reject)()


def install_journal(window, controller, data_dir: Path | None = None) -> DeskJournal:
    """Journal the window's unsaved edits, and offer them back when its folder opens again.

    Call after `install_editing`: the controller must see a folder change before the journal does.
    """
    journal = DeskJournal(window, controller, data_dir)
    window.deskJournal = journal
    if window.folder is not None:  # opened before the journal was there
        journal._on_folder_opened(str(window.folder))
        if not window.loading:
            journal._on_folder_loaded(str(window.folder))
    return journal
