"""The live folder: files changed, added or removed outside the desk show in the table by themselves,
and a record with unsaved edits that changes on disk says so at once, with Merge at hand."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from form_keys import typed_quality
from helpers import changed_lines
from PySide6.QtCore import Qt

from desktop.records.session import path_key
from desktop.ui.editing import dialogs as edit_dialogs
from desktop.ui.folder.live import FolderWatcher
from desktop.ui.table.model import Queue

pytestmark = pytest.mark.gui

ALT = Qt.KeyboardModifier.AltModifier
LIVE_TIMEOUT_MS = 15_000  # generous: the machine is shared; the desk itself takes about a second


@pytest.fixture(autouse=True)
def discard_at_teardown(monkeypatch):
    # A failed test must not leave the window's close waiting on a question nobody answers.
    monkeypatch.setattr(edit_dialogs, "ask_unsaved", lambda parent, count: "discard")


def row_of(window, path: Path):
    row = window.model.row_for_path(str(path))
    return None if row is None else window.model.summary_at(row)


def rewrite(path: Path, old: bytes, new: bytes) -> bytes:
    """Rewrite a file in place, as an editor or a script outside the desk does."""
    before = path.read_bytes()
    assert old in before
    with open(path, "r+b") as handle:
        handle.write(before.replace(old, new, 1))
        handle.truncate()
    return before


def test_a_record_changed_outside_updates_its_row_and_the_queues_without_being_selected(desk, qtbot, seed_copy):
    window = desk
    target = [p for p in sorted(seed_copy.glob("*.txt")) if b"published: false" in p.read_bytes()][3]
    assert window.current_path() != str(target)
    approved_before = window.model.count(Queue.APPROVED)
    rewrite(target, b"published: false", b"published: true")
    rewrite(target, b"quality: ", b"quality: 9")

    qtbot.waitUntil(lambda: row_of(window, target).published, timeout=LIVE_TIMEOUT_MS)
    assert window.model.count(Queue.APPROVED) == approved_before + 1
    assert str(row_of(window, target).quality).startswith("9")
    assert window.current_path() != str(target)  # the selection stayed where the editor left it
    queue_counts = [
        window.queueList.item(i).data(Qt.ItemDataRole.UserRole + 2) for i in range(window.queueList.count())
    ]
    assert queue_counts[2] == approved_before + 1


def test_a_new_file_arrives_and_a_removed_one_leaves(desk, qtbot, seed_copy):
    window = desk
    files = sorted(seed_copy.glob("*.txt"))
    total = window.model.count(Queue.ALL)
    newcomer = seed_copy / "zz_new.txt"
    shutil.copyfile(files[3], newcomer)
    rewrite(newcomer, b'title: "', b'title: "Newcomer ')
    files[4].unlink()

    qtbot.waitUntil(
        lambda: row_of(window, newcomer) is not None and row_of(window, files[4]) is None, timeout=LIVE_TIMEOUT_MS
    )
    assert window.model.count(Queue.ALL) == total
    assert row_of(window, newcomer).title.startswith("Newcomer")
    assert f"{total} records" in window.statusLabel.text()


def test_the_record_shown_is_read_again_when_it_changes_outside(desk, qtbot):
    window = desk
    shown = Path(window.current_path())
    rewrite(shown, b'title: "', b'title: "Retitled ')
    qtbot.waitUntil(lambda: window.reviewPane.titleLabel.text().startswith("Retitled"), timeout=LIVE_TIMEOUT_MS)


def test_a_burst_of_changes_is_one_refresh(qtbot, tmp_path):
    folder = tmp_path / "feed"
    folder.mkdir()
    files = [folder / f"{i:04}.txt" for i in range(300)]
    for path in files:
        path.write_text("---\ntitle: t\n---\n")
    watcher = FolderWatcher(settle_ms=1500)
    watcher.watch(folder)
    watcher.watch_files(str(path) for path in files)
    with qtbot.waitSignal(watcher.changed, timeout=LIVE_TIMEOUT_MS):
        for path in files:  # rewritten in place, then replaced by a rename, as git checkout does
            path.write_text("---\ntitle: u\n---\n")
            os.replace(path, path.with_suffix(".tmp"))
            os.replace(path.with_suffix(".tmp"), path)
    qtbot.wait(1700)  # nothing more comes: the burst was one refresh
    assert watcher.refreshes == 1
    watcher.stop()


def test_unsaved_edits_changed_on_disk_get_a_banner_and_merge_keeps_both(desk, qtbot):
    window = desk
    banner = window.changedOnDiskBanner
    path = typed_quality(qtbot, window, "64")
    assert window.isWindowModified() and not banner.isVisible()
    original = rewrite(path, b"heat: -1", b"heat: 5")

    qtbot.waitUntil(banner.isVisible, timeout=LIVE_TIMEOUT_MS)
    assert banner.label.text() == "Changed on disk by someone else"
    assert row_of(window, path).heat == 5  # the row's saved state is the disk's
    qtbot.mouseClick(banner.mergeButton, Qt.MouseButton.LeftButton)

    assert changed_lines(original, path.read_bytes()) == ["-quality: 40", "-heat: -1", "+quality: 64", "+heat: 5"]
    assert not window.isWindowModified()
    assert not banner.isVisible()
    assert "Merged" in window.statusBar().currentMessage()


def test_the_banner_reloads_or_keeps_mine(desk, qtbot):
    window = desk
    banner = window.changedOnDiskBanner
    path = typed_quality(qtbot, window, "64")
    rewrite(path, b"heat: -1", b"heat: 5")
    qtbot.waitUntil(banner.isVisible, timeout=LIVE_TIMEOUT_MS)
    qtbot.mouseClick(banner.keepButton, Qt.MouseButton.LeftButton)
    assert not banner.isVisible() and window.isWindowModified()

    rewrite(path, b"heat: 5", b"heat: 6")
    qtbot.waitUntil(banner.isVisible, timeout=LIVE_TIMEOUT_MS)
    qtbot.mouseClick(banner.reloadButton, Qt.MouseButton.LeftButton)
    assert not banner.isVisible() and not window.isWindowModified()
    assert window.editController.session.value(path, "heat") == 6
    assert window.editController.session.value(path, "quality") == 40
    assert path_key(path) not in window.model.dirty_paths()
