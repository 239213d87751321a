"""The live folder: changes made outside the desk (another editor, a `git pull`) come in by themselves.

Qt's QFileSystemWatcher reports a directory when an entry is added, removed or renamed into it
(git, and atomic saves, replace files that way) and a watched file when it is written in place.
Events come in bursts (a pull of 1,000 files is thousands of them), so they only restart a short
timer; when it fires, the window refreshes once through the folder loader and its index, which
re-reads only the files whose status changed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop.records import path_key

SETTLE_MS = 300  # quiet time after the last event before the refresh
LONGEST_WAIT_MS = 1000  # a burst that never settles still refreshes this often
# inotify watches are a per-user budget (8,192 on many systems) shared with every other program:
# past this many records only their folders are watched, which still sees every file git or an
# atomic save replaces, but not a file rewritten in place.
MOST_FILES_WATCHED = 4000


WATCH_SLICE = 500


class FolderWatcher(QObject):
    """Watches one folder, its record files and the folders holding them; `changed` once per burst."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None, *, settle_ms: int = SETTLE_MS) -> None:
        super().__init__(parent)
        self._watcher = QFileSystemWatcher(self)
        self._folder: Path | None = None
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(settle_ms)
        self._settle.timeout.connect(self._fire)
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.setInterval(max(LONGEST_WAIT_MS, settle_ms))
        self._deadline.timeout.connect(self._fire)
        self._watcher.directoryChanged.connect(self._on_event)
        self._watcher.fileChanged.connect(self._on_event)
        self._to_add: list[str] = []
        self.refreshes = 0  # how many `changed` signals were sent (a burst must make one)

    @property
    def folder(self) -> Path | None:
        return self._folder

    def watch(self, folder: Path | None) -> None:
        """Watch `folder` (None: nothing) instead of whatever was watched before."""
        self.stop()
        self._folder = folder
        if folder is not None:
            self._watcher.addPath(str(folder))

    def watch_files(self, paths: Iterable[str]) -> None:
        """Also watch these record files and the folders that hold them (after a load or a refresh:
        a file replaced by a rename is a new file, no longer watched)."""
        if self._folder is None:
            return
        paths = list(paths)
        folders = {os.path.dirname(path) for path in paths} | {str(self._folder)}
        wanted = folders | set(paths[:MOST_FILES_WATCHED])
        watched = set(self._watcher.files()) | set(self._watcher.directories())
        # Folders first: they see every rename and new file; then the files, a slice per turn
        # of the event loop (4,000 inotify watches at once held the UI thread 50 ms and more).
        missing = sorted(wanted - watched, key=lambda path: (path not in folders, path))
        if missing:
            self._to_add = missing
            self._add_some()

    def _add_some(self) -> None:
        if self._folder is None or not self._to_add:
            return
        some, self._to_add = self._to_add[:WATCH_SLICE], self._to_add[WATCH_SLICE:]
        self._watcher.addPaths(some)  # a path that cannot be watched is simply not watched
        if self._to_add:
            QTimer.singleShot(0, self, self._add_some)

    def stop(self) -> None:
        self._to_add = []
        self._settle.stop()
        self._deadline.stop()
        for paths in (self._watcher.files(), self._watcher.directories()):
            if paths:
                self._watcher.removePaths(paths)
        self._folder = None

    def _on_event(self, _path: str) -> None:
        self._settle.start()
        if not self._deadline.isActive():
            self._deadline.start()

    def _fire(self) -> None:
        self._settle.stop()
        self._deadline.stop()
        self.refreshes += 1
        self.changed.emit()


class ChangedOnDiskBanner(QFrame):
    """Above the form: this record, which has unsaved edits, changed on disk. Offers the merge."""

    mergeRequested = Signal()
    reloadRequested = Signal()
    keepRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changedOnDiskBanner")
        self.setAccessibleName("Changed on disk")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#fff4ce"))
        palette.setColor(QPalette.ColorRole.WindowText, QColor("#3b2f00"))
        self.setPalette(palette)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        self.label = QLabel("Changed on disk by someone else", self)
        self.label.setObjectName("changedOnDiskLabel")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        layout.addWidget(self.label, 1)
        self.mergeButton = QPushButton("&Merge", self)
        self.mergeButton.setObjectName("bannerMergeButton")
        self.mergeButton.setToolTip("Keep the change on disk and your edits, and save")
        self.reloadButton = QPushButton("Re&load", self)
        self.reloadButton.setObjectName("bannerReloadButton")
        self.reloadButton.setToolTip("Take the version on disk; your edits to this record are dropped")
        self.keepButton = QPushButton("&Keep Mine", self)
        self.keepButton.setObjectName("bannerKeepButton")
        self.keepButton.setToolTip("Go on editing; saving will ask again")
        for button, signal in (
            (self.mergeButton, self.mergeRequested),
            (self.reloadButton, self.reloadRequested),
            (self.keepButton, self.keepRequested),
        ):
            button.clicked.connect(signal)
            layout.addWidget(button)
        self.hide()


def install_live_banner(window, controller) -> ChangedOnDiskBanner:
    """Show the banner on a record with unsaved edits as soon as the live folder sees its file change.

    `window` is the MainWindow, `controller` its EditController (desktop/ui/editing/controller.py).
    """
    banner = ChangedOnDiskBanner()
    window.form_layout().insertWidget(0, banner)
    window.changedOnDiskBanner = banner
    stale: set[str] = set()  # records with unsaved edits whose file changed since they were read

    def update() -> None:
        current = window.current_path()
        key = path_key(current) if current is not None else None
        show = key in stale and controller.is_dirty(key) and len(controller.current_paths()) <= 1
        if show:
            gone = not os.path.exists(key)
            banner.label.setText("Deleted on disk by someone else" if gone else "Changed on disk by someone else")
            banner.mergeButton.setEnabled(not gone)
            banner.reloadButton.setEnabled(not gone)
        banner.setVisible(show)

    def on_changed(paths: list[str]) -> None:
        stale.update(key for key in map(path_key, paths) if controller.is_dirty(key))
        update()

    def on_dirty(path: str, dirty: bool) -> None:
        if not dirty:
            stale.discard(path_key(path))
            update()

    def act(step) -> None:
        current = window.current_path()
        if current is not None:
            step(current)
        update()

    def keep() -> None:
        current = window.current_path()
        if current is not None:
            stale.discard(path_key(current))
        update()

    window.recordsChangedOnDisk.connect(on_changed)
    window.currentRecordChanged.connect(lambda _summary: update())
    window.selectedPathsChanged.connect(lambda _paths: update())
    window.folderOpened.connect(lambda _folder: (stale.clear(), update()))
    controller.dirtyChanged.connect(on_dirty)
    banner.mergeRequested.connect(lambda: act(controller.merge_from_disk))
    banner.reloadRequested.connect(lambda: act(controller.reload_from_disk))
    banner.keepRequested.connect(keep)
    return banner
