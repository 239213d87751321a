"""The folder's warnings (duplicates) computed off the UI thread after each load.

Comparing 100,000 records takes seconds, so the summaries are snapshotted on the UI thread, checked
on a worker, and the result is delivered through an Inbox on the UI thread; a result of an older
load, or one that arrives after `cancel`, is dropped.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Signal

from desktop.records.checks import folder_problems
from desktop.records.model import RecordSummary
from desktop.ui.inbox import Inbox


class FolderChecker(QObject):
    """`check(summaries)` -> `warningsReady(dict path -> [Problem])`, on the UI thread."""

    warningsReady = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="folder-checks")
        self._inbox = Inbox(self._deliver, self)
        self._generation = 0

    def check(self, summaries: list[RecordSummary]) -> None:
        self._generation += 1
        generation, snapshot = self._generation, list(summaries)
        self._inbox.expect()

        def work() -> None:
            try:
                found = folder_problems(snapshot)
            except Exception:  # a bug in a check must not take the window down: no warnings
                found = {}
            self._inbox.post((generation, found))

        self._pool.submit(work)

    def cancel(self) -> None:
        self._generation += 1

    def _deliver(self, item: tuple[int, dict]) -> None:
        generation, found = item
        if generation == self._generation:
            self.warningsReady.emit(found)

    def shutdown(self) -> None:
        self.cancel()
        self._inbox.drop()
        self._pool.shutdown(wait=False, cancel_futures=True)
