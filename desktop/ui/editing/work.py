"""The editing's background work: a bulk edit made in a fork of the session, and the saving of many
records, each run as a task (desktop/ui/tasks.py) while the window shows its progress.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from desktop.records import Document, EditCancelled, EditSession, EditStep, RecordSummary, summarize_document
from desktop.ui import collector
from desktop.ui.tasks import Task

# An edit of this many records or more is made off the UI thread, with progress and a Cancel:
# reading and rebuilding a record takes 5 to 15 ms, so twenty would already hold the window.
BACKGROUND_FROM = 20
PROGRESS_MS = 100
LAND_SLICE = 25


class SaveJob:
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


class EditJob:
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


def in_slices(
    owner: QObject,
    count: int,
    take: Callable[[int, int], None],
    done: Callable[[], None],
    *,
    start: int = 0,
    at_once: bool = False,
    wanted: Callable[[], bool] = lambda: True,
) -> None:
    """`take(begin, end)` for LAND_SLICE of `count` items per turn of the event loop, then `done()`:
    the table's rows, dirty marks and the journal follow a bulk change or a Save All without
    holding the window (1,000 saved records at once held it for a second). `at_once` takes the
    rest now (the folder is about to go); the slicing stops when `wanted()` turns False."""

    def next_slice(begin: int) -> None:
        if not wanted():
            return
        end = count if at_once else min(count, begin + LAND_SLICE)
        take(begin, end)
        if end < count:
            QTimer.singleShot(0, owner, lambda: next_slice(end))
            return
        done()

    next_slice(start)


class WorkProgress:
    """While background work runs: a tick every PROGRESS_MS for its progress bar, and the garbage
    collector held (desktop/ui/collector.py), given back when it ends."""

    def __init__(self, owner: QObject, tick: Callable[[], None]) -> None:
        self._timer = QTimer(owner)
        self._timer.setInterval(PROGRESS_MS)
        self._timer.timeout.connect(tick)
        self._collector = collector.BusyHold(owner)

    @property
    def shown(self) -> bool:
        return self._timer.isActive()

    def begin(self) -> None:
        self._collector.hold()
        self._timer.start()

    def end(self) -> None:
        self._timer.stop()
        self._collector.release()
