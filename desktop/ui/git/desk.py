"""Git in the desk: each record's state in the table, Publish, and a record's history.

Every git command runs on one worker thread (git may take seconds on a large repository, or
minutes on a push), and its result reaches the UI thread as a task (desktop/ui/tasks.py). Without a `git`
command, or outside a work tree, all of this is absent: no column, no counts, disabled actions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QLocale, QObject, Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from desktop.records import GitError, MergeRefused, gitrepo, merge_bytes
from desktop.ui.editing import dialogs as edit_dialogs
from desktop.ui.table.model import Column
from desktop.ui.tasks import TaskRunner
from desktop.ui.widgets.text import plain_tooltip


class GitDesk(QObject):
    """The folder's repository, asked off the UI thread; one folder at a time."""

    statesChanged = Signal(object)  # {path: state} of records that differ from HEAD; None: not a repository
    published = Signal(object)  # gitrepo.PublishResult
    failed = Signal(str, str)  # what ("publish"), why in words
    synced = Signal(object)  # gitrepo.SyncResult
    conflictRead = Signal(str, object)  # path, (base, ours, theirs) bytes
    resolved = Signal(str)  # path written and added
    historyReady = Signal(str, object)  # path, list[gitrepo.HistoryEntry] (or a str: why there is none)

    def __init__(self, parent: QObject | None = None, *, make_pool: Callable[[], Executor] | None = None) -> None:
        super().__init__(parent)
        self._tasks = TaskRunner(self, make_pool=make_pool, name="newsdesk-git")
        self._folder: Path | None = None
        self._states_running = False
        self._states_wanted = False
        self._busy: set[str] = set()
        self._closed = False
        self._history_request: str | None = None
        self.in_repository = False

    @property
    def folder(self) -> Path | None:
        return self._folder

    def set_folder(self, folder: Path | None) -> None:
        # Nothing asked of the last folder arrives, but a resolution or a publish already asked for
        # is still written: the editor's merged record must not be dropped by opening another folder.
        self._tasks.cancel_all(skip_unstarted=False)
        self._folder = folder
        self.in_repository = False
        self._states_running = self._states_wanted = False
        self._busy.clear()
        self.statesChanged.emit(None)
        self.refresh_states()

    def busy(self, what: str) -> bool:
        return what in self._busy

    def refresh_states(self) -> None:
        """Ask git for every record's state again (after a load, a save, a change on disk)."""
        if self._folder is None or self._closed:
            return
        if self._states_running:
            self._states_wanted = True  # once more after the one under way: it may predate the change
            return
        self._states_running = True
        self._submit("states", _states_of, self._folder)

    def publish(self) -> bool:
        """Commit the approved and edited records (gitrepo.publish); False if one is under way."""
        if self._folder is None or self._closed or "publish" in self._busy:
            return False
        self._busy.add("publish")
        self._submit("publish", gitrepo.publish, self._folder)
        return True

    def sync(self) -> bool:
        if self._folder is None or self._closed or "sync" in self._busy:
            return False
        self._busy.add("sync")
        self._submit("sync", gitrepo.sync, self._folder)
        return True

    def read_conflict(self, path: str) -> None:
        self._submit("conflict", lambda: (path, gitrepo.conflict_versions(path)))

    def mark_resolved(self, path: str, data: bytes) -> None:
        self._submit("resolved", lambda: (gitrepo.mark_resolved(path, data), path)[1])

    def history(self, path: str) -> None:
        """Read the record's history; `historyReady` brings it (only the latest request counts)."""
        if self._folder is None or self._closed:
            return
        self._history_request = path
        self._submit("history", _history_of, path)

    def shutdown(self) -> None:
        if not self._closed:
            self._closed = True
            self._tasks.shutdown(wait=True)

    def _submit(self, kind: str, job: Callable[..., Any], *args: Any) -> None:
        self._tasks.run(job, *args, on_done=lambda future: self._on_done(kind, future))

    def _on_done(self, kind: str, future: Future) -> None:
        self._busy.discard(kind)
        error = future.exception()
        if kind == "states":
            self._states_running = False
            self.in_repository = error is None and future.result() is not None
            self.statesChanged.emit(future.result() if error is None else None)
            if self._states_wanted:
                self._states_wanted = False
                self.refresh_states()
            return
        if kind == "history":
            path, entries = future.result()
            if path == self._history_request:
                self.historyReady.emit(path, entries)
            return
        if error is not None:
            why = str(error) if isinstance(error, GitError) else f"{type(error).__name__}: {error}"
            self.failed.emit(kind, why)
        elif kind == "publish":
            self.published.emit(future.result())
        elif kind == "sync":
            self.synced.emit(future.result())
        elif kind == "conflict":
            self.conflictRead.emit(*future.result())
        elif kind == "resolved":
            self.resolved.emit(future.result())
        self.refresh_states()


def _states_of(folder: Path) -> dict[str, str] | None:
    """record_states, or None when the folder is not in a work tree or git is missing."""
    if gitrepo.repo_root(folder) is None:
        return None
    # git names files from the resolved top of the work tree; the table, as the folder was opened.
    real = folder.resolve()
    spelled = {}
    for path, state in gitrepo.record_states(folder).items():
        try:
            spelled[str(folder / Path(path).relative_to(real))] = state
        except ValueError:
            spelled[path] = state
    return spelled


def _history_of(path: str) -> tuple[str, list | str]:
    try:
        return path, gitrepo.record_history(path)
    except (GitError, ValueError, OSError) as error:
        return path, f"No history: {error}"


def history_line(entry: gitrepo.HistoryEntry) -> str:
    """ "quality 40 -> 77, Ana, 2 Dec": what changed, who, when (the year only when not this one)."""
    moment = QDateTime.fromString(entry.date, Qt.DateFormat.ISODate).toLocalTime()
    if moment.isValid():
        form = "d MMM" if moment.date().year() == QDate.currentDate().year() else "d MMM yyyy"
        when = QLocale().toString(moment.date(), form)
    else:
        when = entry.date
    return f"{'; '.join(entry.changes)}, {entry.author}, {when}"


class HistoryView(QListWidget):
    """The History tab: one line per commit of the record, newest first, as plain text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyView")
        self.setAccessibleName("History of the record in git")
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setSpacing(3)  # commits read as separate events, not as one paragraph
        self.path: str | None = None

    def show_message(self, text: str) -> None:
        self.clear()
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        self.addItem(item)

    def show_entries(self, path: str, entries: list | str) -> None:
        self.path = path
        if isinstance(entries, str):
            self.show_message(entries)
            return
        self.clear()
        if not entries:
            self.show_message("Not committed yet.")
            return
        for entry in entries:
            item = QListWidgetItem(history_line(entry))
            item.setToolTip(plain_tooltip(f"{entry.commit[:10]} by {entry.author}", entry.date))
            self.addItem(item)


GIT_CHANGES = ("conflicted", "modified", "new", "deleted")  # the states that differ from the last commit


def state_counts(states: dict[str, str]) -> str:
    """ "git: 3 modified, 1 new" for the status bar ("git: all committed" when nothing differs)."""
    counts = Counter(states.values())
    parts = [f"{counts[state]} {state}" for state in GIT_CHANGES if counts[state]]
    return "git: " + (", ".join(parts) if parts else "all committed")


def install_git(window, controller) -> GitDesk:
    """Connect the folder's repository to the window: the Git column, counts, Publish.

    `window` is the MainWindow, `controller` its EditController (desktop/ui/editing/controller.py).
    """
    desk = GitDesk(window)
    desk.setObjectName("gitDesk")
    window.gitDesk = desk
    header = window.recordTable.horizontalHeader()
    # Right of the state symbols, where the eye already looks for a row's state.
    header.moveSection(header.visualIndex(Column.GIT), 1)
    header.resizeSection(Column.GIT, 72)
    publish = window.registry["actionPublish"]
    history = HistoryView()
    window.historyView = history
    tabs = window.reviewPane.tabs

    def ask_history() -> None:
        path = window.current_path()
        if not desk.in_repository or tabs.currentWidget() is not history or path is None:
            return
        if history.path != path:
            history.show_message("Reading the history…")
        desk.history(path)

    def show_history_tab(shown: bool) -> None:
        index = tabs.indexOf(history)
        if shown and index < 0:
            tabs.addTab(history, "Hist&ory")  # Alt+H is the form's Heat
        elif not shown and index >= 0:
            tabs.removeTab(index)

    def on_states(states: dict[str, str] | None) -> None:
        window.model.set_git_states(states or {})
        # A column of blanks says nothing "git: all committed" does not, and costs Title its width.
        window.recordTable.setColumnHidden(
            Column.GIT, not any(state in GIT_CHANGES for state in (states or {}).values())
        )
        publish.setEnabled(states is not None and not desk.busy("publish"))
        update_git_actions(states)
        window.set_status_suffix(state_counts(states) if states is not None else "")
        show_history_tab(states is not None)
        ask_history()  # a save or a commit may have added to it

    def on_published(result) -> None:
        approvals = sum(1 for record in result.records if record.approved)
        first = result.message.splitlines()[0]
        window.show_status(
            f"Published {result.commit[:10]}: {first}"
            + (f" ({approvals} Approved-by)" if approvals else "")
            + (f"; {len(result.skipped)} left out" if result.skipped else "")
            + "."
        )

    def on_failed(what: str, why: str) -> None:
        publish.setEnabled(desk.in_repository)
        sync_action.setEnabled(desk.in_repository)
        prefix = {
            "publish": "Not published",
            "sync": "Not synced",
            "conflict": "Not resolved",
            "resolved": "Not resolved",
        }
        window.show_status(f"{prefix.get(what, 'Git')}: {why}", 15_000)

    sync_action, resolve = window.registry["actionSync"], window.registry["actionResolveConflict"]

    def update_git_actions(states: dict[str, str] | None) -> None:
        sync_action.setEnabled(states is not None and not desk.busy("sync"))
        current = window.current_path()
        resolve.setEnabled(
            states is not None and current is not None and window.model.git_state(current) == "conflicted"
        )

    def start_sync() -> None:
        if desk.sync():
            sync_action.setEnabled(False)
            window.show_status("Syncing…")

    def on_synced(result) -> None:
        sync_action.setEnabled(True)
        window.show_status(result.sentence(), 15_000)
        window.refresh_from_disk()  # what came in arrives through the live folder as well

    def start_resolve() -> None:
        current = window.current_path()
        if current is not None:
            desk.read_conflict(current)

    def on_conflict(path: str, versions) -> None:
        base, ours, theirs = versions
        try:
            result = merge_bytes(base, theirs, ours, path)
            if not result.clean:
                chosen = edit_dialogs.choose_per_field(window, result.conflicts)
                if chosen is None:
                    return
                result = merge_bytes(base, theirs, ours, path, resolutions=chosen)
        except MergeRefused as refused:
            window.show_status(f"{Path(path).name} can't be merged field by field: {refused}", 15_000)
            return
        if result.clean:
            desk.mark_resolved(path, result.document.raw)

    def on_resolved(path: str) -> None:
        window.show_status(f"Resolved {Path(path).name}; commit the merge with git, or Publish.")
        window.refresh_from_disk()

    def start_publish() -> None:
        if controller.dirty_paths():
            window.show_status("Publish commits what is saved: save or revert the unsaved edits first.")
            return
        if desk.publish():
            publish.setEnabled(False)
            window.show_status("Publishing…")

    desk.statesChanged.connect(on_states)
    desk.published.connect(on_published)
    desk.failed.connect(on_failed)
    desk.historyReady.connect(history.show_entries)
    desk.synced.connect(on_synced)
    desk.conflictRead.connect(on_conflict)
    desk.resolved.connect(on_resolved)
    window.registry.connect("actionSync", start_sync)
    window.registry.connect("actionResolveConflict", start_resolve)
    window.currentRecordChanged.connect(lambda _summary: update_git_actions({} if desk.in_repository else None))
    tabs.currentChanged.connect(lambda _index: ask_history())
    window.currentRecordChanged.connect(lambda _summary: ask_history())
    window.registry.connect("actionPublish", start_publish)
    window.folderOpened.connect(lambda folder: desk.set_folder(Path(folder)))
    window.folderLoaded.connect(lambda _folder: desk.refresh_states())
    window.folderRefreshed.connect(lambda _folder: desk.refresh_states())
    controller.recordSaved.connect(lambda *_args: desk.refresh_states())
    window.add_shutdown_step(desk.shutdown)
    on_states(None)
    if window.folder is not None:
        desk.set_folder(window.folder)
    return desk
