"""The folder's warnings computed off the UI thread after each load: duplicates always, links and
images when online checks are on.

Comparing 100,000 records takes seconds and a link check far longer, so the summaries are
snapshotted on the UI thread and checked on a task (desktop/ui/tasks.py); a check of an older load,
or one cancelled, is never delivered. The
offline warnings arrive first, so duplicates show while the links are still being asked; a link
check reports its progress and can be stopped, keeping what was answered.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop.records import (
    DEFAULT_LINK_MAX_AGE,
    DEFAULT_MIN_IMAGE_SIZE,
    LinkChecker,
    RecordSummary,
    folder_cache_path,
    folder_problems,
    online_problems,
)
from desktop.ui import collector
from desktop.ui.tasks import Task, TaskRunner


class FolderChecker(QObject):
    """`check(summaries, online=...)` -> `warningsReady(dict path -> [Problem], dict url -> LinkResult)`,
    once with the offline warnings and, when online, again with the links' as well."""

    warningsReady = Signal(object, object)
    linkProgress = Signal(int, int)  # addresses answered (or found in the cache), addresses in all
    linkCheckFinished = Signal(int, int, bool)  # answered, in all, stopped before the end

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = TaskRunner(self, name="folder-checks")
        # The check runs Python on a thread of this process: at the default 5 ms switch interval
        # the table's painting waited that long for each cell (a 354 ms stall at the end of a warm
        # open of 10,000 records, duplicates being compared).
        self._collector = collector.BusyHold(self, settle=False)
        self._task: Task | None = None
        self._link_checker: LinkChecker | None = None
        self._link_progress = (0, 0)

    def check(
        self,
        summaries: list[RecordSummary],
        *,
        online: bool = False,
        folder: str | Path | None = None,
        max_age_hours: float = DEFAULT_LINK_MAX_AGE / 3600,
        min_image_size: int = DEFAULT_MIN_IMAGE_SIZE,
    ) -> None:
        """Check the folder's records; an online check keeps its answers in `folder`'s index."""
        self.cancel()
        snapshot = list(summaries)
        cache = folder_cache_path(folder) if folder is not None else None
        link_checker = self._link_checker = LinkChecker(cache, max_age=max_age_hours * 3600) if online else None
        self._link_progress = (0, 0)

        def work(update: Callable[[tuple], None]) -> tuple[dict, dict]:
            found: dict = {}
            results: dict = {}
            try:
                found = folder_problems(snapshot)
                if link_checker is not None:
                    update(("offline", found, {}))
                    online_found, results = online_problems(
                        snapshot,
                        link_checker,
                        min_image_size,
                        progress=lambda done, total: update(("progress", done, total)),
                    )
                    for path, problems in online_found.items():
                        found.setdefault(path, []).extend(problems)
            except Exception:  # a bug in a check must not take the window down: what was found so far
                pass
            return found, results

        self._collector.hold()
        self._task = self._tasks.run(work, on_done=self._on_done, on_update=self._on_update)

    def stop_links(self) -> None:
        """Ask no more addresses; the warnings of those answered so far still arrive (and stay cached)."""
        if self._link_checker is not None:
            self._link_checker.cancel()

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._collector.release()
        if self._link_checker is not None:
            self._link_checker.cancel()
            self._link_checker = None

    def _on_update(self, item: tuple) -> None:
        kind, first, second = item
        if kind == "progress":
            self._link_progress = (first, second)
            self.linkProgress.emit(first, second)
        else:  # the offline warnings, while the links are asked
            self.warningsReady.emit(first, second)

    def _on_done(self, future: Future) -> None:
        self._task = None
        self._collector.release()
        found, results = future.result()
        if self._link_checker is not None:
            checker, self._link_checker = self._link_checker, None
            done, total = self._link_progress
            self.warningsReady.emit(found, results)
            self.linkCheckFinished.emit(done, total, checker.cancelled() and done < total)
            return
        self.warningsReady.emit(found, results)

    def shutdown(self) -> None:
        checking_links = self._link_checker is not None
        self.cancel()
        # An offline check ends soon and is waited for, so no thread outlives the window; a link
        # check may be waiting on a slow host, and closing must not wait for it (it stops asking).
        self._tasks.shutdown(wait=not checking_links)
