"""Saving: atomic, permission-keeping, and never over a file someone else changed; failures leave the original."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from desktop.records import store
from desktop.records.editor import apply_edits
from desktop.records.reading import parse_document, read_document
from desktop.records.store import FileChangedOnDisk, SaveError, atomic_write, save_document


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def edited(path: Path):
    return apply_edits(read_document(path), {"quality": 77})


def test_save_writes_the_edit_and_returns_the_document_as_now_on_disk(seed_file):
    original = seed_file.read_bytes()
    doc = edited(seed_file)
    saved = save_document(doc)
    assert seed_file.read_bytes() == doc.raw == original.replace(b"quality: 40\n", b"quality: 77\n")
    assert saved.data["quality"] == 77
    assert saved.stamp is not None and saved.stamp != doc.stamp and saved.stamp.size == len(doc.raw)
    assert leftovers(seed_file.parent) == []
    fresh = read_document(seed_file)
    assert (saved.raw, saved.data, saved.problems, saved.stamp) == (fresh.raw, fresh.data, fresh.problems, fresh.stamp)
    # The returned document is fresh: saving a further edit of it works without force.
    save_document(apply_edits(saved, {"heat": 3}))
    assert read_document(seed_file).data["heat"] == 3


def test_reading_back_takes_the_known_parse_only_for_exactly_its_bytes(seed_file):
    unsaved = edited(seed_file)  # quality 77, never written
    read_back = read_document(seed_file, known=unsaved)
    assert read_back.raw == seed_file.read_bytes() and read_back.data["quality"] == 40
    assert read_back.stamp == read_document(seed_file).stamp

    seed_file.write_bytes(unsaved.raw)
    read_back = read_document(seed_file, known=unsaved)
    assert read_back.data["quality"] == 77 and read_back.problems == unsaved.problems
    assert read_back.stamp == read_document(seed_file).stamp and read_back.stamp != unsaved.stamp


def test_permissions_are_kept(seed_file):
    os.chmod(seed_file, 0o640)
    save_document(edited(seed_file))
    assert stat.S_IMODE(os.stat(seed_file).st_mode) == 0o640
    os.chmod(seed_file, 0o604)
    atomic_write(seed_file, b"x")
    assert stat.S_IMODE(os.stat(seed_file).st_mode) == 0o604


def test_atomic_write_creates_a_new_file_with_ordinary_permissions(tmp_path):
    target = tmp_path / "new.md"
    atomic_write(target, b"---\ntitle: x\n---\n")
    assert target.read_bytes() == b"---\ntitle: x\n---\n"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o666 & ~umask
    assert leftovers(tmp_path) == []


def test_saving_through_a_symlink_writes_the_file_it_points_to(seed_file, tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to(seed_file)
    save_document(edited(link))
    assert link.is_symlink()
    assert b"quality: 77\n" in seed_file.read_bytes()


# How another program can change the file after it was read: each must be caught.
CHANGES_ON_DISK = {
    # the stat alone tells: the size differs
    "other size": (b"heat: -1", b"heat: 50", False),
    # same size, new mtime: the hash tells
    "same size": (b"quality: 40", b"quality: 41", False),
    # same size and the mtime set back (within the clock's resolution, or `cp -p`): only the hash tells
    "same size and mtime": (b"quality: 40", b"quality: 41", True),
}


@pytest.mark.parametrize("old, new, same_mtime", CHANGES_ON_DISK.values(), ids=CHANGES_ON_DISK.keys())
def test_a_file_changed_on_disk_is_not_overwritten(seed_file, old, new, same_mtime):
    doc = edited(seed_file)
    before = os.stat(seed_file)
    theirs = seed_file.read_bytes().replace(old, new)
    seed_file.write_bytes(theirs)
    if same_mtime:
        os.utime(seed_file, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert os.stat(seed_file).st_size == doc.stamp.size and os.stat(seed_file).st_mtime_ns == doc.stamp.mtime_ns
    with pytest.raises(FileChangedOnDisk, match="changed on disk since it was read") as refused:
        save_document(doc)
    assert seed_file.name in str(refused.value)
    assert seed_file.read_bytes() == theirs
    with pytest.raises(FileChangedOnDisk):
        store.unchanged_bytes(seed_file, doc.stamp)


def test_force_overwrites_a_changed_file(seed_file):
    doc = edited(seed_file)
    seed_file.write_bytes(b"someone else's text\n")
    saved = save_document(doc, force=True)
    assert seed_file.read_bytes() == doc.raw
    assert saved.data["quality"] == 77


def test_a_deleted_file_is_reported(seed_file):
    doc = edited(seed_file)
    seed_file.unlink()
    with pytest.raises(FileChangedOnDisk, match="deleted or moved"):
        save_document(doc)
    assert not seed_file.exists()


def test_a_document_not_read_from_disk_needs_force(tmp_path):
    path = tmp_path / "r.md"
    path.write_bytes(b"---\nquality: 1\n---\n")
    doc = apply_edits(parse_document(path.read_bytes(), path), {"quality": 2})
    with pytest.raises(FileChangedOnDisk, match="not read from disk"):
        save_document(doc)
    save_document(doc, force=True)
    assert path.read_bytes() == b"---\nquality: 2\n---\n"


def test_a_missing_folder_is_reported(tmp_path):
    folder = tmp_path / "gone"
    folder.mkdir()
    path = folder / "r.md"
    path.write_bytes(b"---\nquality: 1\n---\n")
    doc = edited(path)
    path.unlink()
    folder.rmdir()
    with pytest.raises(SaveError, match="folder no longer exists"):
        save_document(doc, force=True)


def _fail(error_number: int):
    def failing(*args, **kwargs):
        raise OSError(error_number, os.strerror(error_number))

    return failing


@pytest.mark.parametrize(
    "target, error_number, words",
    [
        ("replace", errno.EACCES, "permission denied"),
        ("replace", errno.EXDEV, os.strerror(errno.EXDEV)),
        ("fsync", errno.ENOSPC, "disk is full"),
        ("fsync", errno.EIO, os.strerror(errno.EIO)),
        ("chmod", errno.EPERM, "permission denied"),
    ],
)
def test_a_failing_save_leaves_the_original_intact(seed_file, monkeypatch, target, error_number, words):
    original = seed_file.read_bytes()
    doc = edited(seed_file)
    monkeypatch.setattr(store.os, target, _fail(error_number))
    with pytest.raises(SaveError, match=words) as failed:
        save_document(doc)
    monkeypatch.undo()
    assert str(seed_file) in str(failed.value)
    assert seed_file.read_bytes() == original
    assert leftovers(seed_file.parent) == []


def test_a_failing_write_leaves_the_original_intact(seed_file, monkeypatch):
    original = seed_file.read_bytes()
    doc = edited(seed_file)
    real_fdopen = os.fdopen

    class DiskFull:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[: len(data) // 2])  # part of it reaches the temporary file
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(store.os, "fdopen", lambda fd, mode: DiskFull(real_fdopen(fd, mode)))
    with pytest.raises(SaveError, match="disk is full"):
        save_document(doc)
    assert seed_file.read_bytes() == original
    assert leftovers(seed_file.parent) == []


def test_a_folder_that_refuses_new_files_leaves_the_original_intact(seed_file, monkeypatch):
    # Tests run as root, where a read-only folder does not stop writes; make the temporary file fail instead.
    original = seed_file.read_bytes()
    doc = edited(seed_file)

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(store.tempfile, "mkstemp", refuse)
    with pytest.raises(SaveError, match="permission denied"):
        save_document(doc)
    assert seed_file.read_bytes() == original


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_leaves_the_original_intact(seed_file):  # pragma: no cover - not run as root
    original = seed_file.read_bytes()
    doc = edited(seed_file)
    os.chmod(seed_file.parent, 0o555)
    try:
        with pytest.raises(SaveError, match="permission denied"):
            save_document(doc)
    finally:
        os.chmod(seed_file.parent, 0o755)
    assert seed_file.read_bytes() == original


def test_saving_an_unchanged_document_does_not_touch_the_file(seed_file):
    os.utime(seed_file, ns=(1_000_000_000, 1_000_000_000))
    doc = read_document(seed_file)
    saved = save_document(apply_edits(doc, {"quality": 40}))
    assert os.stat(seed_file).st_mtime_ns == 1_000_000_000
    assert saved.stamp == doc.stamp


def test_a_touched_but_unchanged_file_can_be_saved(seed_file):
    original = seed_file.read_bytes()
    doc = edited(seed_file)
    os.utime(seed_file, ns=(2_000_000_000, 2_000_000_000))
    assert os.stat(seed_file).st_mtime_ns != doc.stamp.mtime_ns
    assert store.unchanged_bytes(seed_file, doc.stamp) == original  # the content decides, not the mtime
    save_document(doc)
    assert b"quality: 77\n" in seed_file.read_bytes()
