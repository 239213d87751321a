"""Objects that own worker threads: freed by reference counting alone, results handed over in Python."""

from __future__ import annotations

import gc
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from desktop.ui.folder.checks import FolderChecker
from desktop.ui.folder.loader import DocumentReader, FolderLoader
from desktop.ui.git.desk import GitDesk
from desktop.ui.images.loader import ImageLoader
from desktop.ui.tasks import CallingThreadExecutor, Inbox, QtPoolExecutor, TaskRunner


@pytest.fixture
def collector_off():
    """The garbage collector can run on any thread that allocates (a worker, the test server);
    an object it has to free would be deleted there. These objects must not need it."""
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    yield
    if was_enabled:
        gc.enable()


@pytest.mark.parametrize(
    "make",
    [
        lambda tmp_path: ImageLoader(cache_dir=tmp_path / "cache", web_images=False),
        lambda tmp_path: FolderLoader(),
        lambda tmp_path: DocumentReader(),
        lambda tmp_path: FolderChecker(),
        lambda tmp_path: GitDesk(),
    ],
    ids=["ImageLoader", "FolderLoader", "DocumentReader", "FolderChecker", "GitDesk"],
)
def test_worker_owners_are_freed_without_the_garbage_collector(qapp, tmp_path, collector_off, make):
    owner = make(tmp_path)
    owner.shutdown()
    gone = weakref.ref(owner)
    del owner
    assert gone() is None, "a reference cycle keeps it for the garbage collector"


def test_the_inbox_delivers_on_the_ui_thread_in_order(qtbot):
    received: list[tuple[int, int]] = []
    inbox = Inbox(lambda item: received.append((item, threading.get_ident())))
    inbox.expect(3)
    workers = [threading.Thread(target=inbox.post, args=(n,)) for n in range(3)]
    for worker in workers:
        worker.start()
        worker.join()
    qtbot.waitUntil(lambda: len(received) == 3, timeout=2_000)
    assert [item for item, _ in received] == [0, 1, 2]
    assert {thread for _, thread in received} == {threading.get_ident()}
    assert inbox.outstanding() == 0


def test_an_inbox_does_not_keep_its_owner_alive(qtbot, collector_off):
    class Owner:
        def __init__(self) -> None:
            self.inbox = Inbox(self.handle)

        def handle(self, item) -> None:
            pass

    owner = Owner()
    gone = weakref.ref(owner)
    del owner
    assert gone() is None


def test_save_all_worker_emits_no_signal(qtbot, seed_copy, monkeypatch):
    """Like the decode threads: the Save All thread hands its outcome back as a task, in Python alone."""
    import sys

    from desktop.records.scan import iter_record_files
    from desktop.ui.editing import controller as editing
    from desktop.ui.editing import work

    qt_calls: set[str] = set()
    real_run = work.SaveJob.run

    def record(frame, event, arg):
        if event == "c_call" and type(getattr(arg, "__self__", None)).__module__.startswith(("PySide6", "shiboken6")):
            qt_calls.add(arg.__qualname__)

    def traced_run(self):
        sys.setprofile(record)
        try:
            real_run(self)
        finally:
            sys.setprofile(None)

    monkeypatch.setattr(work.SaveJob, "run", traced_run)
    controller = editing.EditController()
    paths = [str(p) for p in iter_record_files(seed_copy)[:3]]
    controller.edit(paths, "quality", 55)
    with qtbot.waitSignal(controller.saveAllFinished, timeout=10_000) as finished:
        controller.save_all()
    assert finished.args == [{}]
    assert all(b"quality: 55" in Path(p).read_bytes() for p in paths)
    assert not {call for call in qt_calls if call.endswith((".emit", ".connect"))}


# --- TaskRunner: the one way work leaves the UI thread ------------------------------------------


def gated_pool() -> tuple[ThreadPoolExecutor, threading.Event]:
    """One worker thread, held until the gate opens."""
    pool, gate = ThreadPoolExecutor(max_workers=1), threading.Event()
    pool.submit(gate.wait, 5)
    return pool, gate


def test_a_task_runs_off_the_ui_thread_and_its_outcome_arrives_on_it(qtbot):
    runner = TaskRunner()
    outcomes: list[tuple[int, int]] = []
    runner.run(threading.get_ident, on_done=lambda future: outcomes.append((future.result(), threading.get_ident())))
    qtbot.waitUntil(lambda: bool(outcomes), timeout=2_000)
    ((worker, delivered_on),) = outcomes
    assert worker != threading.get_ident() and delivered_on == threading.get_ident()
    runner.shutdown()


def test_a_failing_task_hands_its_exception_to_on_done(qtbot):
    runner = TaskRunner()
    errors: list[BaseException | None] = []
    runner.run(int, "not a number", on_done=lambda future: errors.append(future.exception()))
    qtbot.waitUntil(lambda: bool(errors), timeout=2_000)
    assert isinstance(errors[0], ValueError)
    runner.shutdown()


def test_a_cancelled_task_is_never_delivered_even_when_its_work_had_finished(qtbot):
    pool, gate = gated_pool()
    runner = TaskRunner(make_pool=lambda: pool)
    delivered: list[object] = []
    ran = threading.Event()
    task = runner.run(ran.set, on_done=delivered.append)
    gate.set()
    assert ran.wait(2)  # the work is done, its outcome is queued for the UI thread
    task.cancel()
    qtbot.wait(100)  # ten turns of the inbox
    assert delivered == [] and task.finished and runner.running() == 0
    runner.shutdown()


def test_cancelling_queued_work_means_it_never_runs(qtbot):
    pool, gate = gated_pool()
    runner = TaskRunner(make_pool=lambda: pool)
    ran: list[str] = []
    first = runner.run(ran.append, "first")
    runner.run(ran.append, "second", on_done=lambda _future: ran.append("delivered"))
    first.cancel()
    gate.set()
    qtbot.waitUntil(lambda: "delivered" in ran, timeout=2_000)
    assert ran == ["second", "delivered"]
    runner.shutdown()


def test_updates_arrive_in_order_before_the_outcome_and_not_after_cancel(qtbot):
    runner = TaskRunner()
    heard: list[object] = []

    def work(update) -> str:
        for step in range(3):
            update(step)
        return "done"

    runner.run(work, on_update=heard.append, on_done=lambda future: heard.append(future.result()))
    qtbot.waitUntil(lambda: "done" in heard, timeout=2_000)
    assert heard == [0, 1, 2, "done"]

    pool, gate = gated_pool()
    gated = TaskRunner(make_pool=lambda: pool)
    late: list[object] = []
    task = gated.run(work, on_update=late.append, on_done=late.append)
    task.cancel(skip_unstarted=False)
    gate.set()
    qtbot.wait(150)
    assert late == []
    runner.shutdown()
    gated.shutdown()


def test_an_injected_calling_thread_pool_runs_the_work_at_once_and_still_delivers_later(qtbot):
    runner = TaskRunner(make_pool=CallingThreadExecutor)
    ran_on: list[int] = []
    delivered: list[object] = []
    runner.run(lambda: ran_on.append(threading.get_ident()), on_done=delivered.append)
    assert ran_on == [threading.get_ident()]  # done by the time run() returns
    assert delivered == []  # the outcome still comes through the event loop, as from a thread
    qtbot.waitUntil(lambda: bool(delivered), timeout=2_000)
    runner.shutdown()


def test_after_shutdown_nothing_is_delivered_and_queued_work_runs_only_when_asked(qtbot):
    pool, gate = gated_pool()
    runner = TaskRunner(make_pool=lambda: pool)
    ran: list[str] = []
    delivered: list[object] = []
    runner.run(ran.append, "dropped", on_done=delivered.append)
    runner.shutdown(wait=False)
    gate.set()
    pool.shutdown(wait=True)
    assert ran == []

    pool, gate = gated_pool()
    finishing = TaskRunner(make_pool=lambda: pool)
    finishing.run(ran.append, "written", on_done=delivered.append)
    gate.set()
    finishing.shutdown(wait=True, finish_queued=True)
    qtbot.wait(50)
    assert ran == ["written"] and delivered == []
    assert finishing.run(ran.append, "too late").cancelled


def test_the_qt_pool_runs_work_on_qt_threads_and_drops_queued_work_on_shutdown(qtbot):
    from PySide6.QtCore import QThread

    executor = QtPoolExecutor(1)
    started, gate = threading.Event(), threading.Event()

    def held() -> bool:
        started.set()
        gate.wait(5)
        return QThread.currentThread() is not None

    on_qt_thread = executor.submit(held)
    queued = executor.submit(lambda: "never")
    assert started.wait(2)
    executor.shutdown(wait=False, cancel_futures=True)
    gate.set()
    executor.shutdown(wait=True)
    assert on_qt_thread.result(timeout=2) is True
    assert queued.cancelled()


def test_an_update_is_never_taken_for_the_outcome_whatever_it_holds(qtbot):
    from concurrent.futures import Future

    runner = TaskRunner()
    updates: list[object] = []
    outcomes: list[object] = []
    sent: Future = Future()
    sent.set_result("an update, not the outcome")

    def work(update) -> str:
        update(sent)
        return "done"

    runner.run(work, on_update=updates.append, on_done=lambda future: outcomes.append(future.result()))
    qtbot.waitUntil(lambda: bool(outcomes), timeout=2_000)
    assert updates == [sent] and outcomes == ["done"]
    runner.shutdown()
