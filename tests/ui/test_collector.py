"""Garbage cycles holding Qt objects are freed on the UI thread, never on a worker that happened to allocate."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject

from desktop.ui import collector


class FreedOn:
    """Rides in a reference cycle and notes the thread that finally frees it."""

    def __init__(self, threads: list[int]) -> None:
        self.threads = threads

    def __del__(self) -> None:
        self.threads.append(threading.get_ident())


def make_qt_cycle(threads: list[int]) -> None:
    owner = QObject()
    owner.marker = FreedOn(threads)
    owner.marker.owner = owner  # a cycle: only the garbage collector can free it


def allocate_on_a_worker() -> None:
    """What a reading thread or the test server's header parsing does: plenty of young containers."""

    def churn() -> None:
        for _ in range(20):
            junk = [[] for _ in range(5_000)]
            del junk

    worker = threading.Thread(target=churn, name="allocating-worker")
    worker.start()
    worker.join()


def test_a_qt_object_in_a_garbage_cycle_is_freed_on_the_ui_thread(qtbot):
    freed_on: list[int] = []
    make_qt_cycle(freed_on)
    allocate_on_a_worker()
    assert freed_on == [], "the worker's allocations ran the collector on the worker"
    young: list[list] = []

    def allocated_and_freed() -> bool:
        # New objects each time, enough for a young collection: freeing (a closed window's
        # widgets going away) lowers the count too, and one batch could fall short of it.
        young.extend([] for _ in range(gc.get_threshold()[0] + 1))
        return freed_on != []

    qtbot.waitUntil(allocated_and_freed, timeout=5_000)
    assert freed_on == [threading.get_ident()]
    young.clear()


def test_the_event_loop_collects_when_the_counts_ask_for_it(qtbot):
    installed = collector.install()
    assert installed is collector.install(), "one collector per application"
    assert not gc.isenabled()
    freed_on: list[int] = []
    make_qt_cycle(freed_on)
    junk = [[] for _ in range(gc.get_threshold()[0] + 1)]
    assert freed_on == [], "allocating on the UI thread collected outside the event loop"
    qtbot.waitUntil(lambda: junk.extend([] for _ in range(gc.get_threshold()[0] + 1)) or freed_on != [], timeout=5_000)
    assert freed_on == [threading.get_ident()]
    junk.clear()


def test_automatic_collection_turned_back_on_is_turned_off_again(qtbot):
    collector.install()
    gc.enable()  # as code that pauses and resumes the collector around its own work may do
    qtbot.waitUntil(lambda: not gc.isenabled(), timeout=2_000)
