"""The window's loader reads a folder through its index: a second open reads only what changed."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop.records import index as index_module
from desktop.records.index import index_path
from desktop.records.reading import read_document
from desktop.records.scan import list_record_files, summarize_document
from desktop.ui.folder.loader import FolderLoader

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "feed"
    shutil.copytree(REPO / "seeds", target)
    return target


def load(qtbot, loader: FolderLoader, folder: Path, **options) -> list:
    rows: list = []
    loader.summariesLoaded.connect(lambda generation, summaries: rows.extend(summaries))
    with qtbot.waitSignal(loader.loadFinished, timeout=60_000):
        loader.load(folder, **options)
    return sorted(rows, key=lambda summary: summary.path)


def exact(folder: Path) -> list:
    summaries = [summarize_document(read_document(listed.path)) for listed in list_record_files(folder)]
    return sorted(summaries, key=lambda summary: summary.path)


def age_index(cache: Path, folder: Path) -> None:
    with sqlite3.connect(index_path(folder, cache)) as connection:
        connection.execute("UPDATE records SET indexed_ns = indexed_ns + ?", (10 * index_module.RACY_NS,))


def test_a_second_open_reads_only_the_changed_file_and_shows_every_row(qtbot, folder, tmp_path):
    cache = tmp_path / "cache"
    loader = FolderLoader(cache_dir=cache)
    try:
        first = load(qtbot, loader, folder)
        assert loader.files_to_read == 27 and first == exact(folder)
        qtbot.waitUntil(lambda: index_path(folder, cache).is_file())
        loader.shutdown()  # closes the index on its thread, after the pending writes
        age_index(cache, folder)
        target = sorted(folder.glob("*.txt"))[5]
        target.write_bytes(target.read_bytes().replace(b"quality: ", b"quality: 9", 1))

        loader = FolderLoader(cache_dir=cache)
        second = load(qtbot, loader, folder)
        assert loader.files_to_read == 1
        assert second == exact(folder)
    finally:
        loader.shutdown()


def test_rebuild_index_reads_every_file(qtbot, folder, tmp_path):
    loader = FolderLoader(cache_dir=tmp_path / "cache")
    try:
        load(qtbot, loader, folder)
        assert load(qtbot, loader, folder, rebuild_index=True) == exact(folder)
        assert loader.files_to_read == 27
    finally:
        loader.shutdown()


def test_a_corrupt_index_is_rebuilt_with_a_notice(qtbot, folder, tmp_path):
    cache = tmp_path / "cache"
    database = index_path(folder, cache)
    database.parent.mkdir(parents=True)
    database.write_bytes(b"not a database at all" * 100)
    loader = FolderLoader(cache_dir=cache)
    notices: list[str] = []
    loader.indexNotice.connect(notices.append)
    try:
        assert load(qtbot, loader, folder) == exact(folder)
        assert any("rebuilt" in notice for notice in notices)
    finally:
        loader.shutdown()


def assert_reopened_from_the_index(qtbot, folder: Path, cache: Path) -> None:
    """A later open (the entries aged past the racy window) reads no file and shows every row right."""
    age_index(cache, folder)
    loader = FolderLoader(cache_dir=cache)
    try:
        assert load(qtbot, loader, folder) == exact(folder)
        assert loader.files_to_read == 0
    finally:
        loader.shutdown()


def test_a_saved_record_updates_its_index_entry(qtbot, folder, tmp_path):
    cache = tmp_path / "cache"
    loader = FolderLoader(cache_dir=cache)
    try:
        load(qtbot, loader, folder)
        target = sorted(folder.glob("*.txt"))[2]
        target.write_bytes(target.read_bytes().replace(b"quality: ", b"quality: 7", 1))
        loader.remember(target)
    finally:
        loader.shutdown()  # stores what was remembered, then closes the index
    assert_reopened_from_the_index(qtbot, folder, cache)


def test_records_saved_together_are_remembered_before_a_refresh_looks(qtbot, folder, tmp_path):
    # Save All of many records asks the index to remember each; a refresh right after (the
    # desk's own writes seen on disk) must not take them for changes made outside.
    cache = tmp_path / "cache"
    loader = FolderLoader(cache_dir=cache)
    try:
        load(qtbot, loader, folder)
        saved = sorted(folder.glob("*.txt"))[:10]
        for target in saved:
            target.write_bytes(target.read_bytes().replace(b"heat: ", b"heat: 1", 1))
            loader.remember(target)
        with qtbot.waitSignal(loader.refreshed, timeout=60_000) as refreshed:
            assert loader.refresh()
        changes = refreshed.args[1]
        assert changes.changed == [], "the saved files were remembered first"
        assert len(changes.listed) == len(list(folder.glob("*.txt")))
    finally:
        loader.shutdown()  # stores what was remembered, then closes the index
    assert_reopened_from_the_index(qtbot, folder, cache)
