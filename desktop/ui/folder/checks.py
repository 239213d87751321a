"""The folder's warnings computed off the UI thread after each load: duplicates always, links and
images when online checks are on.

Comparing 100,000 records takes seconds and a link check far longer, so the summaries are
snapshotted on the UI thread, checked on a worker, and the result is delivered through an Inbox on
the UI thread; a result of an older load, or one that arrives after `cancel`, is dropped. The
offline warnings arrive first, so duplicates show while the links are still being asked; a link
check reports its progress and can be stopped, keeping what was answered.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
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
from desktop.ui.tasks import Inbox


class FolderChecker(QObject):
    """`check(summaries, online=...)` -> `warningsReady(dict path -> [Problem], dict url -> LinkResult)`,
    once with the offline warnings and, when online, again with the links' as well."""

    warningsReady = Signal(object, object)
    linkProgress = Signal(int, int)  # addresses answered (or found in the cache), addresses in all
    linkCheckFinished = Signal(int, int, bool)  # answered, in all, stopped before the end

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="folder-checks")
        self._inbox = Inbox(self._deliver, self)
        self._generation = 0
        self._link_checker: LinkChecker | None = None
        self._link_progress = (0, 0)

    def check(self, summaries: list[RecordSummary], *, online: bool = False, folder: str | Path | None = None,
              max_age_hours: float = DEFAULT_LINK_MAX_AGE / 3600,
              min_image_size: int = DEFAULT_MIN_IMAGE_SIZE) -> None:
        """Check the folder's records; an online check keeps its answers in `folder`'s index."""
        self.cancel()
        generation, snapshot = self._generation, list(summaries)
        cache = folder_cache_path(folder) if folder is not None else None
        link_checker = self._link_checker = (
            LinkChecker(cache, max_age=max_age_hours * 3600) if online else None)
        self._link_progress = (0, 0)
        self._inbox.expect()
        post, post_update = self._inbox.post, self._inbox.post_update

        def work() -> None:
            found: dict = {}
            results: dict = {}
            try:
                found = folder_problems(snapshot)
                if link_checker is not None:
                    post_update((generation, "offline", found, {}))
                    online_found, results = online_problems(
                        snapshot, link_checker, min_image_size,
                        progress=lambda done, total: post_update((generation, "progress", done, total)))
                    for path, problems in online_found.items():
                        found.setdefault(path, []).extend(problems)
            except Exception:  # a bug in a check must not take the window down: what was found so far
                pass
            post((generation, "done", found, results))

        self._pool.submit(work)

    def stop_links(self) -> None:
        """Ask no more addresses; the warnings of those answered so far still arrive (and stay cached)."""
        if self._link_checker is not None:
            self._link_checker.cancel()

    def cancel(self) -> None:
        self._generation += 1
        if self._link_checker is not None:
            self._link_checker.cancel()
            self._link_checker = None

    def _deliver(self, item: tuple) -> None:
        generation, kind, first, second = item
        if generation != self._generation:
            return
        if kind == "progress":
            self._link_progress = (first, second)
            self.linkProgress.emit(first, second)
            return
        if kind == "done" and self._link_checker is not None:
            checker, self._link_checker = self._link_checker, None
            done, total = self._link_progress
            self.warningsReady.emit(first, second)
            self.linkCheckFinished.emit(done, total, checker.cancelled() and done < total)
            return
        self.warningsReady.emit(first, second)

    def shutdown(self) -> None:
        self.cancel()
        self._inbox.drop()
        self._pool.shutdown(wait=False, cancel_futures=True)
