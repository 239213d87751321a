"""Saving records: atomically, keeping permissions, and never over a file that changed on disk."""
from __future__ import annotations

import errno
import hashlib
import os
import stat
import tempfile
from pathlib import Path

from .model import Document
from .reading import read_document


class SaveError(Exception):
    """A save that did not happen; the file on disk is as it was. The message says why."""


class FileChangedOnDisk(SaveError):
    """The file on disk is no longer the one that was read; saving would lose someone's change."""


def _reason(error: OSError) -> str:
    if isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
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
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
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


def _on_disk(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise SaveError(f"Could not save {path}: {_reason(error)}.") from error


def _matches(doc: Document, current: bytes | None) -> bool:
    # Size and mtime alone miss a same-size rewrite within the clock's resolution; the hash does not,
    # and a file touched but not changed is still the one that was read.
    return (
        doc.stamp is not None
        and current is not None
        and len(current) == doc.stamp.size
        and hashlib.sha256(current).hexdigest() == doc.stamp.sha256
    )


def save_document(doc: Document, *, force: bool = False) -> Document:
    """Write `doc.raw` over `doc.path` and return the document read back from disk.

    Unless `force`, refuses with FileChangedOnDisk when the file is no longer what was read
    (`doc.stamp`). Any failure raises SaveError and leaves the file as it was.
    """
    current = None if force else _on_disk(doc.path)
    if not force and not _matches(doc, current):
        if doc.stamp is None:
            raise FileChangedOnDisk(
                f"{doc.path} was not saved: it was not read from disk, so a change there cannot be ruled out."
            )
        if current is None:
            raise FileChangedOnDisk(f"{doc.path} was not saved: it was deleted or moved since it was read.")
        raise FileChangedOnDisk(
            f"{doc.path} was not saved: it changed on disk since it was read. Reload it, or save anyway to overwrite."
        )
    if current == doc.raw:  # nothing to write: leave the file, and its modification time, alone
        return read_document(doc.path)
    atomic_write(doc.path, doc.raw)
    return read_document(doc.path)
