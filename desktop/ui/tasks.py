"""Handing results from worker threads to the UI thread without calling Qt on the worker.

A PySide call holds the GIL for as long as Qt runs it. Emitting a signal (or making any Qt
connection) on a worker takes one of Qt's signal-slot locks; the UI thread can hold that same
lock while Qt asks a Python-made object about an override, which needs the GIL: each thread then
waits for the other forever. Seen here: the image tests hung with a decode thread in
QImageReader::format() (the SVG plugin's probe makes a connection) and the UI thread in
QObject::disconnect. So workers only put results in a Python queue, and a timer on the UI thread
collects them while results are expected.
"""
from __future__ import annotations

import inspect
import queue
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer

POLL_MS = 10  # how late a result may be seen: well under a frame of the eye's patience


class Inbox(QObject):
    """Results posted from any thread, delivered in order to `handler` on the thread that owns the inbox.

    The owner calls `expect()` (UI thread) for each result it will wait for, the worker calls
    `post(item)` (any thread; pure Python), and `handler(item)` runs on the UI thread. The timer
    only runs while results are outstanding.

    A bound-method handler is held weakly: owner -> inbox -> owner's method would be a reference
    cycle, and a cycle holding a QObject waits for the garbage collector (which runs on the UI
    thread only, see desktop/ui/collector.py) instead of going when its owner does.
    """

    def __init__(self, handler: Callable[[Any], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        if inspect.ismethod(handler):
            self._handler: Callable[[], Callable[[Any], None] | None] = weakref.WeakMethod(handler)
        else:
            self._handler = lambda: handler
        self._items: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._expected = 0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.CoarseTimer)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.deliver)

    def expect(self, count: int = 1) -> None:
        """UI thread: `count` more results will be posted."""
        self._expected += count
        if self._expected > 0 and not self._timer.isActive():
            self._timer.start()

    def post(self, item: Any) -> None:
        """Any thread: queue a result. Touches no Qt object."""
        self._items.put((True, item))

    def post_update(self, item: Any) -> None:
        """Any thread: queue a report that is not one of the expected results (progress, a first
        part): delivered in order like them while results are expected, and not counted."""
        self._items.put((False, item))

    def outstanding(self) -> int:
        return self._expected

    def deliver(self) -> int:
        """UI thread: hand every queued result to the handler now; returns how many there were."""
        delivered = 0
        while True:
            try:
                counted, item = self._items.get_nowait()
            except queue.Empty:
                break
            delivered += 1
            if counted:
                self._expected = max(0, self._expected - 1)
            handler = self._handler()
            if handler is not None:
                handler(item)
        if self._expected == 0:
            self._timer.stop()
        return delivered

    def drop(self) -> None:
        """Forget queued and expected results (shutting down)."""
        while True:
            try:
                self._items.get_nowait()
            except queue.Empty:
                break
        self._expected = 0
        self._timer.stop()
