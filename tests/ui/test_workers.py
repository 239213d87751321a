"""Objects that own worker threads: freed by reference counting alone, results handed over in Python."""
from __future__ import annotations

import gc
import threading
import weakref
from pathlib import Path

import pytest

from desktop.ui.folder.loader import DocumentReader, FolderLoader
from desktop.ui.images.loader import ImageLoader
from desktop.ui.tasks import Inbox


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
    ],
    ids=["ImageLoader", "FolderLoader", "DocumentReader"],
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
    """Like the decode threads: the Save All thread hands its job back through an inbox."""
    import sys

    from desktop.records.scan import iter_record_files
    from desktop.ui.editing import controller as editing

    qt_calls: set[str] = set()
    real_run = editing._SaveAllJob.run

    def record(frame, event, arg):
        if event == "c_call" and type(getattr(arg, "__self__", None)).__module__.startswith(("PySide6", "shiboken6")):
            qt_calls.add(arg.__qualname__)

    def traced_run(self):
        sys.setprofile(record)
        try:
            real_run(self)
        finally:
            sys.setprofile(None)

    monkeypatch.setattr(editing._SaveAllJob, "run", traced_run)
    controller = editing.EditController()
    paths = [str(p) for p in iter_record_files(seed_copy)[:3]]
    controller.edit(paths, "quality", 55)
    with qtbot.waitSignal(controller.saveAllFinished, timeout=10_000) as finished:
        controller.save_all()
    assert finished.args == [{}]
    assert all(b"quality: 55" in Path(p).read_bytes() for p in paths)
    assert not {call for call in qt_calls if call.endswith((".emit", ".connect"))}
