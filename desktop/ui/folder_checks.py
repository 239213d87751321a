"""The folder's warnings computed off the UI thread after each load: duplicates always, links and
images when online checks are on.

Comparing 100,000 records takes seconds and a link check far longer, so the summaries are
snapshotted on the UI thread, checked on a worker, and the result is delivered through an Inbox on
the UI thread; a result of an older load, or one that arrives after `cancel`, is dropped.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Signal

from desktop.records import LinkChecker, RecordSummary, folder_problems, online_problems
from desktop.ui.inbox import Inbox


class FolderChecker(QObject):
    """`check(summaries, online=...)` -> `warningsReady(dict path -> [Problem], dict url -> LinkResult)`."""

    warningsReady = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="folder-checks")
        self._inbox = Inbox(self._deliver, self)
        self._generation = 0
        self._link_checker: LinkChecker | None = None

    def check(self, summaries: list[RecordSummary], *, online: bool = False) -> None:
        self.cancel()
        generation, snapshot = self._generation, list(summaries)
        link_checker = self._link_checker = LinkChecker() if online else None
        self._inbox.expect()

        def work() -> None:
            found: dict = {}
            results: dict = {}
            try:
                found = folder_problems(snapshot)
                if link_checker is not None:
                    online_found, results = online_problems(snapshot, link_checker)
                    for path, problems in online_found.items():
                        found.setdefault(path, []).extend(problems)
            except Exception:  # a bug in a check must not take the window down: what was found so far
                pass
            self._inbox.post((generation, found, results))

        self._pool.submit(work)

    def cancel(self) -> None:
        self._generation += 1
        if self._link_checker is not None:
            self._link_checker.cancel()
            self._link_checker = None

    def _deliver(self, item: tuple[int, dict, dict]) -> None:
        generation, found, results = item
        if generation == self._generation:
            self.warningsReady.emit(found, results)

    def shutdown(self) -> None:
        self.cancel()
        self._inbox.drop()
        self._pool.shutdown(wait=False, cancel_futures=True)
