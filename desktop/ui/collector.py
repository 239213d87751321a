"""The cyclic garbage collector runs on the UI thread only, from the event loop.

Python's collector runs on whichever thread happens to allocate past its threshold: a reading
thread, an image decode, a test's HTTP server parsing request headers. Whatever garbage cycles
exist are then freed there. A window, a widget or a QNetworkReply caught in a reference cycle
(a closure connected to a signal that captures its widget, a widget kept as an attribute of its
own child) is then deleted by Qt on that thread, while the UI thread may be painting it: seen as
a segmentation fault in QWidget::~QWidget called from the collector on the test image server's
handler thread (`email/feedparser.py` at the top of the Python stack), about one full test run
in four.

Cycles holding Qt objects are too easy to make to forbid them all, so the collector is kept
where Qt objects may die: automatic collection is turned off, and a timer on the UI thread
runs the same generational collections Python would have run, when its counts ask for them.
"""

from __future__ import annotations

import functools
import gc
import sys
import threading

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer

CHECK_MS = 100  # how long garbage may wait; a young collection costs well under a millisecond
_OBJECT_NAME = "uiThreadCollector"
# While background work builds documents, the UI thread gets the GIL back this soon after asking
# (Python's default is 5 ms): painting the table calls Python once per cell, and each call waited
# for the worker's turn to end. Measured on a bulk edit of 300 records (bench_bulk.py): longest
# stall 1,038 ms at 5 ms, 181 ms at 0.1 ms, with the full collections held as well, below 50.
BUSY_SWITCH_INTERVAL_S = 0.0001
# And the collections come more often: with the automatic collector off, a worker making documents
# leaves 50,000 young objects in 100 ms, and collecting them in one go held the UI thread 150 ms.
BUSY_CHECK_MS = 10


class UiThreadCollector(QObject):
    """Owns garbage collection for a Qt application: `install()` makes one per application."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName(_OBJECT_NAME)
        self.thread_ident = threading.get_ident()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.CoarseTimer)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.collect_due)
        gc.disable()
        self._timer.start()
        self._holds = 0
        self._switch_interval = sys.getswitchinterval()

    def hold_full_collections(self) -> None:
        """Background work is making many long-lived objects (documents of a bulk edit): collect
        the young generations only until `release_full_collections`. A full collection walks every
        object the process holds; with a thousand documents in memory that is 100 to 300 ms on
        the UI thread, each time the counts ask for one (about every second during such work)."""
        if self._holds == 0:
            self._switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(self._switch_interval, BUSY_SWITCH_INTERVAL_S))
            self._timer.setInterval(BUSY_CHECK_MS)
        self._holds += 1

    def release_full_collections(self, *, settle: bool = True) -> None:
        """The work is done: what it made is taken out of the full collections' walks (gc.freeze,
        after a young collection, as after a load), so holding them back owes no long pause.
        `settle=False` for work that made little that lasts (a folder check): no pause at all."""
        if self._holds == 0:
            return
        self._holds -= 1
        if self._holds == 0:
            sys.setswitchinterval(self._switch_interval)
            self._timer.setInterval(CHECK_MS)
            if settle:
                settle_heap()

    def collect_due(self) -> int:
        """Run the oldest generation whose count passed its threshold, as CPython's own trigger would."""
        gc.disable()  # re-asserted: code that paused and resumed the collector must not turn it back on
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] <= thresholds[0]:
            return 0
        generation = 0
        if counts[1] > thresholds[1]:
            generation = 2 if counts[2] > thresholds[2] and not self._holds else 1
        return gc.collect(generation)


def install(application: QCoreApplication | None = None) -> UiThreadCollector:
    """Collect garbage on `application`'s thread only (the running application by default). Idempotent.

    Call on the UI thread, before any worker thread starts.
    """
    application = application or QCoreApplication.instance()
    if application is None:
        raise RuntimeError("the UI-thread collector needs a QApplication")
    existing = installed(application)
    if existing is not None:
        gc.disable()
        return existing
    return UiThreadCollector(application)


def installed(application: QCoreApplication | None = None) -> UiThreadCollector | None:
    """The application's collector, if `install` made one."""
    application = application or QCoreApplication.instance()
    if application is None:
        return None
    return application.findChild(UiThreadCollector, _OBJECT_NAME, Qt.FindChildOption.FindDirectChildrenOnly)


def settle_heap() -> None:
    """Take what exists now (widgets, Qt wrappers, a folder's rows, a bulk edit's documents) out
    of the full collections' walks.

    Those objects live as long as the folder is open, yet every full collection walks them all on
    the UI thread: measured during Save All, a 145 ms pause, 39 ms with them frozen. Freed objects
    still go by reference counting; only a reference cycle made before the freeze is never
    reclaimed, so the young generations are collected first (a few milliseconds).
    """
    gc.collect(1)
    gc.freeze()


class BusyHold:
    """The collector held (`hold_full_collections`) while one piece of background work runs: work
    on a thread of this process, so the UI thread gets the GIL back soon when it asks. Given back
    once by `release()`, and by the owner's destruction if that comes first (a window torn down
    mid-work must not leave the process without full collections)."""

    def __init__(self, owner: QObject, *, settle: bool = True) -> None:
        self._held: list[UiThreadCollector] = []  # outlives the owner; the function needs no owner
        self._settle = settle
        owner.destroyed.connect(functools.partial(_give_back, self._held, settle))

    def hold(self) -> None:
        if not self._held and (ui_collector := installed()) is not None:
            ui_collector.hold_full_collections()
            self._held.append(ui_collector)

    def release(self) -> None:
        _give_back(self._held, self._settle)


def _give_back(held: list[UiThreadCollector], settle: bool, *_args: object) -> None:
    while held:
        ui_collector = held.pop()
        if shiboken6.isValid(ui_collector):
            ui_collector.release_full_collections(settle=settle)
