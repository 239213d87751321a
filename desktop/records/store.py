"""Saving records: atomically, keeping permissions, and never over a file that changed on disk."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks; the changed-on-disk check remains
    fcntl = None  # type: ignore[assignment]

from desktop.records.errors import RecordError

from .model import Document, FileStamp
from .reading import load_file, read_document


class SaveError(RecordError):
    """A save that did not happen; the file on disk is as it was. The message says why."""


class FileChangedOnDisk(SaveError):
    """The file on disk is no longer the one that was read; saving would lose someone's change."""


def _reason(error: OSError) -> str:
    if isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    # The system's own "File too large" (a file size limit); the reader raises EFBIG in its own words.
    if error.errno == errno.EFBIG and error.strerror == os.strerror(errno.EFBIG):
        return "the file would be larger than this system allows"
    if error.errno == errno.EROFS:
        return "the disk is read-only"
    if isinstance(error, FileNotFoundError) or error.errno == errno.ENOENT:
        return "its folder no longer exists"
    if error.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    return error.strerror or str(error)


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace the file at `path` with `data`, all or nothing, keeping its permission bits.

    Raises SaveError (the original untouched, no temporary file left) when anything fails.
    """
    # Through a symlink to the file it names: replacing the link itself would detach it.
    target = Path(os.path.realpath(path))
    folder = target.parent
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
        # A rename needs only the folder's permission: check the file's own, as editors do.
        if not os.access(target, os.W_OK):
            what = "disk" if _on_read_only_disk(folder) else "file"
            raise SaveError(f"Could not save {target}: the {what} is read-only.")
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    except OSError as error:
        raise SaveError(f"Could not save {target}: {_reason(error)}.") from error
    temp_name = None
    try:
        fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, target)
        temp_name = None
    except OSError as error:
        raise SaveError(f"Could not save {target}: {_reason(error)}.") from error
    finally:
        if temp_name is not None:
            try:
                os.unlink(temp_name)
            except OSError:
                pass
    sync_folder(folder)


def _on_read_only_disk(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows)
        return False


def sync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not every platform or file system can open a folder.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def unchanged_bytes(path: str | os.PathLike[str], stamp: FileStamp | None) -> bytes:
    """The file's bytes when it still holds what was read (`stamp`); else raises FileChangedOnDisk.

    The rule, cheapest test first:
    - no stamp (the document was not read from disk): a change cannot be ruled out;
    - the file is gone, or its size differs from the stamp's: changed, known from its metadata
      without reading it;
    - same size: the SHA-256 of its bytes decides. The modification time decides nothing on its
      own: a file touched with the same bytes is still the file that was read, and a rewrite that
      keeps size and mtime (within the clock's resolution, or with the time set back as `cp -p`
      and `rsync -t` do) is still caught by the hash.
    A file that cannot be read raises SaveError with the reason.
    """
    path = Path(path)
    if stamp is None:
        raise FileChangedOnDisk(
            f"{path} was not saved: it was not read from disk, so a change there cannot be ruled out."
        )
    gone = FileChangedOnDisk(f"{path} was not saved: it was deleted or moved since it was read.")
    changed = FileChangedOnDisk(
        f"{path} was not saved: it changed on disk since it was read. Reload it, or save anyway to overwrite."
    )
    try:
        if os.stat(path).st_size != stamp.size:
            raise changed
        current, _ = load_file(path)  # not blocking on a FIFO put in its place
    except FileNotFoundError:
        raise gone from None
    except OSError as error:
        raise SaveError(f"Could not save {path}: {_reason(error)}.") from error
    # Read again rather than trust the stat: the file may have changed between the two.
    if len(current) != stamp.size or hashlib.sha256(current).hexdigest() != stamp.sha256:
        raise changed
    return current


# How long a save waits for another one of the same file (a save takes milliseconds).
LOCK_WAIT_SECONDS = 10.0


@contextlib.contextmanager
def save_lock(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold an exclusive advisory lock on the file at `path` while it is checked and replaced.

    Without it two saves (two `newsdesk set` processes, the window and a script) could both find
    the file unchanged and both write it, the second silently dropping the first's edit. The lock
    is on the file itself; a save replaces the file with a new one, so a lock won on a file no
    longer at `path` is let go and taken again on the one there now. A file that is missing or
    cannot be opened is not locked: the check that follows reports why it cannot be saved.
    """
    if fcntl is None:
        yield
        return
    target = os.path.realpath(path)
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            yield
            return
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise SaveError(f"Could not save {path}: {_reason(error)}.") from error
                if time.monotonic() > deadline:
                    raise SaveError(
                        f"Could not save {path}: another program has been saving it for "
                        f"{LOCK_WAIT_SECONDS:.0f} seconds."
                    ) from None
                time.sleep(0.01)
                continue
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(target))
            except OSError:
                same = False  # deleted or moved under the lock: lock what is there now, if anything
            if same:
                yield
                return
        finally:
            os.close(fd)  # lets go of the lock


def _temporary_files_of(target: Path) -> list[Path]:
    """Temporary files `atomic_write` left beside `target` (a save killed between writing and renaming)."""
    pattern = re.compile(re.escape(f".{target.name}.") + r"[A-Za-z0-9_]{8}\.tmp")
    try:
        return [
            Path(target.parent, entry.name)
            for entry in os.scandir(target.parent)
            if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False)
        ]
    except OSError:
        return []


def save_document(doc: Document, *, force: bool = False) -> Document:
    """Write `doc.raw` over `doc.path` and return the document read back from disk.

    Unless `force`, refuses with FileChangedOnDisk when the file is no longer what was read
    (`doc.stamp`, by the rule of `unchanged_bytes`). Any failure raises SaveError and leaves the
    file as it was.
    """
    with save_lock(doc.path):
        current = None if force else unchanged_bytes(doc.path, doc.stamp)
        if current != doc.raw:  # else nothing to write: leave the file, and its modification time, alone
            # Under the lock no other save of this file is between writing and renaming: any
            # temporary file of it is a killed save's, and goes.
            for leftover in _temporary_files_of(Path(os.path.realpath(doc.path))):
                with contextlib.suppress(OSError):
                    os.unlink(leftover)
            atomic_write(doc.path, doc.raw)
    # Read back: the stamp of what is now there, and `doc` itself only if those are exactly its bytes.
    return read_document(doc.path, known=doc)
