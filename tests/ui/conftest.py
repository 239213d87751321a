"""Fixtures for the window tests: a fresh settings file per test, and a desk opened on a folder."""

from __future__ import annotations

import gc
import multiprocessing
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop.ui import collector
from desktop.ui.settings import LOAD_WEB_IMAGES, DeskSettings

LOAD_TIMEOUT_MS = 30_000


@pytest.fixture(autouse=True)
def collection_on_the_ui_thread(qapp) -> Iterator[None]:
    """The application's garbage is collected on the UI thread only, as in the app (desktop/ui/collector.py).

    A collection that starts on another thread fails the test: it would free whatever Qt objects
    sit in garbage cycles there (the native crash of issue 11).
    """
    collector.install(qapp)
    elsewhere: list[str] = []

    def note_thread(phase: str, info: dict) -> None:
        if phase == "start" and threading.current_thread() is not threading.main_thread():
            elsewhere.append(threading.current_thread().name)

    gc.callbacks.append(note_thread)
    try:
        yield
    finally:
        gc.callbacks.remove(note_thread)
    assert not elsewhere, f"the garbage collector ran on {sorted(set(elsewhere))}, not on the UI thread"
    assert not gc.isenabled(), "automatic garbage collection was turned back on"


@pytest.fixture(autouse=True)
def fresh_settings(qapp) -> Iterator[DeskSettings]:
    """Every test starts from the defaults: one test's remembered queue must not steer another.

    One exception: web images are off, so records whose images are on the internet (seeds/) make
    no request; tests of images served from 127.0.0.1 turn them on (`web_images_on`).
    """
    settings = DeskSettings()
    settings.clear()
    settings.set_value(LOAD_WEB_IMAGES, False)
    settings.sync()
    yield settings
    settings.clear()
    settings.sync()


@pytest.fixture
def web_images_on(fresh_settings: DeskSettings) -> DeskSettings:
    """The "Load Web Images" preference on, for tests whose images come from the 127.0.0.1 server."""
    fresh_settings.set_value(LOAD_WEB_IMAGES, True)
    fresh_settings.sync()
    return fresh_settings


@pytest.fixture
def open_desk(qtbot) -> Callable[..., object]:
    """Build the real window on a folder, shown, and wait until every record is in the table."""
    from desktop.app import build_window

    def open_(folder: Path | None, *, wait_for_document: bool = True):
        window = build_window(folder)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: not window.loading, timeout=LOAD_TIMEOUT_MS)
        if wait_for_document and window.model.rowCount():
            qtbot.waitUntil(lambda: window.current_document() is not None, timeout=LOAD_TIMEOUT_MS)
        return window

    return open_


@pytest.fixture
def desk(open_desk, seed_copy: Path):
    """The desk on a private copy of seeds/, the first record read into the pane."""
    return open_desk(seed_copy)


@pytest.fixture(autouse=True)
def unfrozen_heap() -> Iterator[None]:
    """A loaded desk freezes the heap (gc.freeze); tests give it back so their garbage is collected."""
    yield
    gc.unfreeze()


@pytest.fixture(autouse=True)
def no_leaked_processes() -> Iterator[None]:
    """Every worker process a test starts is gone when its windows are closed."""
    before = {p.pid for p in multiprocessing.active_children()}
    yield
    leaked = [p for p in multiprocessing.active_children() if p.pid not in before]
    assert not leaked, f"worker processes still running after the test: {leaked}"
