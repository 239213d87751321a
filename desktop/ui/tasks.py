"""Work off the UI thread, and its results back on it, without calling Qt on the worker.

`TaskRunner` is the one way the desk runs work in the background; `Inbox` below it is how results
cross back.

A PySide call holds the GIL for as long as Qt runs it. Emitting a signal (or making any Qt
connection) on a worker takes one of Qt's signal-slot locks; the UI thread can hold that same
lock while Qt asks a Python-made object about an override, which needs the GIL: each thread then
waits for the other forever. Seen here: the image tests hung with a decode thread in
QImageReader::format() (the SVG plugin's probe makes a connection) and the UI thread in
QObject::disconnect. So workers only put results in a Python queue, and a timer on the UI thread
collects them while results are expected.
"""

from __future__ import annotations

import concurrent.futures
import inspect
import queue
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer

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


class CallingThreadExecutor(Executor):
    """Runs each piece of work at once, in the thread that submits it: the pool tests inject so that
    work is done by the time `run` returns, while its outcome still arrives through the event loop."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        future.set_running_or_notify_cancel()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # handed to the outcome, as a pool thread would
            future.set_exception(error)
        return future


class QtPoolExecutor(Executor):
    """A QThreadPool as an Executor: work that uses Qt objects (an image decode reads a QBuffer) runs
    on Qt's own threads, and the pool's `clear` drops what has not started."""

    def __init__(self, threads: int, *, expiry_ms: int = 5_000, parent: QObject | None = None) -> None:
        self.pool = QThreadPool(parent)
        self.pool.setMaxThreadCount(threads)
        self.pool.setExpiryTimeout(expiry_ms)
        self._queued: set[Future] = set()
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        with self._lock:
            self._queued.add(future)

        def run() -> None:
            with self._lock:
                self._queued.discard(future)
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as error:
                future.set_exception(error)

        self.pool.start(run)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False, timeout_ms: int = 5_000) -> None:
        if cancel_futures:
            self.pool.clear()
            with self._lock:
                queued, self._queued = self._queued, set()
            for future in queued:
                future.cancel()
        if wait:
            self.pool.waitForDone(timeout_ms)


class Task:
    """One piece of work given to a `TaskRunner`. `cancel()` (UI thread) guarantees its outcome is
    never delivered, and work not yet started never starts."""

    __slots__ = ("_cancelled", "_delivered", "future", "on_done", "on_update")

    def __init__(self, on_done: Callable[[Future], None] | None, on_update: Callable[[Any], None] | None) -> None:
        self.on_done = on_done
        self.on_update = on_update
        self.future: Future | None = None
        self._cancelled = False
        self._delivered = False

    def cancel(self, *, skip_unstarted: bool = True) -> None:
        self._cancelled = True
        if skip_unstarted and self.future is not None:
            self.future.cancel()

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    @property
    def finished(self) -> bool:
        """The outcome was delivered, or never will be (cancelled)."""
        return self._delivered or self._cancelled

    def running(self) -> bool:
        """The work is queued or under way, or done but not yet delivered."""
        return not self.finished


class TaskRunner(QObject):
    """The one way work leaves the UI thread and comes back: `run(fn, *args, on_done=...)` calls
    `fn(*args)` on the pool and `on_done(future)` on the UI thread, through an Inbox (no Qt call on
    the worker), never after the task or the runner was cancelled.

    With `on_update`, `fn` is also given `update=`: a function the work calls (any thread, pure
    Python) to send progress or a first part, delivered in order to `on_update` on the UI thread.

    The pool is made on first use by `make_pool` (by default one thread): tests pass one that runs
    the work in the calling thread (`CallingThreadExecutor`), a folder's parsing a process pool.
    """

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        make_pool: Callable[[], Executor] | None = None,
        name: str = "newsdesk-task",
    ) -> None:
        super().__init__(parent)
        self._make_pool = make_pool or (lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix=name))
        self._pool: Executor | None = None
        self._inbox = Inbox(self._deliver, self)
        self._tasks: set[Task] = set()
        self._closed = False

    @property
    def pool(self) -> Executor:
        if self._pool is None:
            self._pool = self._make_pool()
        return self._pool

    @property
    def closed(self) -> bool:
        return self._closed

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Future], None] | None = None,
        on_update: Callable[[Any], None] | None = None,
    ) -> Task:
        task = Task(on_done, on_update)
        if self._closed:
            task.cancel()
            return task
        post, post_update = self._inbox.post, self._inbox.post_update  # taken here: workers touch no QObject
        kwargs = {"update": lambda item: post_update((task, False, item))} if on_update is not None else {}
        # Made and submitted first: a pool that cannot start (no process can be spawned) raises
        # here, to the caller, before anything is counted as on its way.
        future = self.pool.submit(fn, *args, **kwargs)
        self._tasks.add(task)
        self._inbox.expect()
        task.future = future
        if task.cancelled:  # cancelled by work a calling-thread pool ran
            future.cancel()
        future.add_done_callback(lambda done: post((task, True, done)))  # always posted: the count stays true
        return task

    def running(self) -> int:
        """Tasks not yet delivered nor cancelled."""
        return sum(1 for task in self._tasks if task.running())

    def cancel_all(self, *, skip_unstarted: bool = True) -> None:
        """No outcome of the tasks given so far arrives; `skip_unstarted=False` lets their work still
        run (a write the editor asked for), unheard."""
        for task in list(self._tasks):
            task.cancel(skip_unstarted=skip_unstarted)

    def take_over(self, task: Task) -> None:
        """Block until `task`'s work is done; its outcome is then never delivered, the caller handles
        it now. For a caller that must finish at once (closing the window), never the normal path."""
        if task.future is not None:
            concurrent.futures.wait([task.future])
        task.cancel(skip_unstarted=False)

    def shutdown(self, *, wait: bool = True, finish_queued: bool = False) -> None:
        """Cancel every task and drop queued work (`finish_queued`: let it run, unheard), and with
        `wait` let running work end. Nothing is delivered after this. Idempotent."""
        if self._closed:
            return
        self._closed = True
        for task in list(self._tasks):
            task.cancel(skip_unstarted=not finish_queued)
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=not finish_queued)
        self._inbox.drop()
        self._tasks.clear()

    def _deliver(self, item: tuple[Task, bool, Any]) -> None:
        task, is_outcome, payload = item  # an outcome (the done future) or an update, whatever it holds
        if is_outcome:
            self._tasks.discard(task)
            if task.cancelled or self._closed or payload.cancelled():  # a pool shut down cancels its queue
                return
            task._delivered = True
            if task.on_done is not None:
                task.on_done(payload)
        elif not task.cancelled and not self._closed and task.on_update is not None:
            task.on_update(payload)
