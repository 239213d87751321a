"""The journal of unsaved edits: what a crash, a kill or a power cut must not take away. Qt-free.

Unsaved edits live in the edit session's memory. So that they outlive the process, every change
of a record's pending edits is also appended, as one JSON line, to a journal file in the user's
data folder: one journal per opened folder, named like its index by a digest of the folder's
path. An entry holds the record's path, its pending field edits (absolute values, as the session
keeps them), the values those fields had in the file the edits were made against, and that
file's identity (size, mtime_ns, sha256). The latest entry of a path wins; a "cleared" entry
says the record was saved or its edits dropped. Each append is flushed and fsynced before it
counts as written, so after a kill the file holds every entry whose write returned, and at most
one torn line at its end, which reading ignores (and the next append starts after it).

When every record is clear the file is removed; when it grows long with entries that later ones
replace, it is rewritten atomically with the live entries only.

On the next open, `plan_restoration` compares each entry with the file as it is now. A file with
the same bytes gets the edits back as they were. A file that changed since is never edited
blindly: the edits are merged field by field onto it (`merge.merge_documents`, the base being the
file as it is now with the journal's original values put back), and where the file changed a
field the editor changed too, the editor is asked.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.records.errors import RecordError

from ..paths import user_data_dir
from .editor import REMOVE, EditRefused, apply_edits, unified_diff
from .merge import FieldConflict, MergeRefused, change_words, changes_between, merge_documents
from .model import Document, FileStamp
from .reading import read_document
from .schema import same_value
from .store import SaveError, atomic_write, sync_folder

JOURNAL_FORMAT = 1
# Rewrite the file once it holds this many lines and at least twice as many as live entries:
# a morning of edits to a few records stays a few kilobytes.
COMPACT_AFTER_LINES = 500

Changes = dict[str, Any]


class JournalError(RecordError):
    """The journal could not be written (the message says why); the edits are still in memory."""


@dataclass(frozen=True)
class JournalEntry:
    """A record's pending edits, and what they were made against."""

    path: str
    changes: Changes  # key -> new value, or REMOVE
    original: Changes  # key -> its value in the file the edits were made against, or REMOVE
    against: FileStamp | None  # that file's identity


@dataclass(frozen=True)
class Cleared:
    """The record's edits were saved or dropped: nothing of it is to be restored."""

    path: str


def journal_path(folder: str | os.PathLike[str], data_dir: Path | None = None) -> Path:
    """The journal of `folder`: one per folder, named by a digest of its absolute path (as the index is)."""
    key = hashlib.sha256(os.path.realpath(folder).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return (data_dir or user_data_dir() / "journal") / f"{key}.jsonl"


def entry_for(base: Document, changes: Mapping[str, Any]) -> JournalEntry:
    """The journal entry of `changes` pending on `base` (the document as read from disk)."""
    data = base.data or {}
    original = {key: data.get(key, REMOVE) for key in changes}
    return JournalEntry(str(base.path), dict(changes), original, base.stamp)


# --------------------------------------------------------------------------------------------
# Values as JSON


def _encode(value: Any) -> Any:
    if value is REMOVE:
        return {"$absent": True}
    if isinstance(value, _dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, _dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"$map": {str(k): _encode(v) for k, v in value.items()}}
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    raise JournalError(f"a value of type {type(value).__name__} can't be kept in the journal")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if value.get("$absent") is True:
            return REMOVE
        if "$datetime" in value:
            return _dt.datetime.fromisoformat(value["$datetime"])
        if "$date" in value:
            return _dt.date.fromisoformat(value["$date"])
        if "$map" in value:
            return {k: _decode(v) for k, v in value["$map"].items()}
        raise ValueError("an unknown value marker")
    return value


def _line(item: JournalEntry | Cleared) -> bytes:
    if isinstance(item, Cleared):
        record: dict[str, Any] = {"v": JOURNAL_FORMAT, "op": "cleared", "path": item.path}
    else:
        stamp = item.against
        record = {
            "v": JOURNAL_FORMAT,
            "op": "edit",
            "path": item.path,
            "changes": {k: _encode(v) for k, v in item.changes.items()},
            "original": {k: _encode(v) for k, v in item.original.items()},
            "against": None
            if stamp is None
            else {"size": stamp.size, "mtime_ns": stamp.mtime_ns, "sha256": stamp.sha256},
            "at": time.time_ns(),
        }
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _parse(line: bytes) -> JournalEntry | Cleared:
    record = json.loads(line)
    if not isinstance(record, dict) or record.get("v") != JOURNAL_FORMAT or not isinstance(record.get("path"), str):
        raise ValueError("not an entry of this journal format")
    if record.get("op") == "cleared":
        return Cleared(record["path"])
    if record.get("op") != "edit":
        raise ValueError("an unknown operation")
    against = record.get("against")
    stamp = (
        None if against is None else FileStamp(int(against["size"]), int(against["mtime_ns"]), str(against["sha256"]))
    )
    return JournalEntry(
        record["path"],
        {str(k): _decode(v) for k, v in record["changes"].items()},
        {str(k): _decode(v) for k, v in record["original"].items()},
        stamp,
    )


# --------------------------------------------------------------------------------------------
# The file


class Journal:
    """The journal file of one folder. Used by one thread at a time (the UI's journal writer)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.notes: list[str] = []  # lines that were ignored when it was read, and why
        self._live: dict[str, JournalEntry] = {}
        self._lines = 0
        self._ends_with_newline = True
        self._load()

    def entries(self) -> dict[str, JournalEntry]:
        """The live entries: path -> the record's latest pending edits."""
        return dict(self._live)

    def _load(self) -> None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as error:
            self.notes.append(f"{self.path}: could not be read: {error.strerror or error}")
            return
        self._ends_with_newline = not raw or raw.endswith(b"\n")
        lines = raw.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            self._lines += 1
            try:
                item = _parse(line)
            except (ValueError, KeyError, TypeError) as error:
                torn = number == len(lines) and not self._ends_with_newline
                why = "was cut off as it was written (a crash or kill)" if torn else f"is not a journal entry ({error})"
                self.notes.append(f"{self.path}:{number}: the entry {why}; it is ignored.")
                continue
            self._apply(item)

    def _apply(self, item: JournalEntry | Cleared) -> None:
        if isinstance(item, Cleared) or not item.changes:
            self._live.pop(item.path, None)
        else:
            self._live[item.path] = item

    def write(self, items: Iterable[JournalEntry | Cleared]) -> None:
        """Append these entries, flushed and fsynced: written when this returns. Raises JournalError."""
        wanted: list[JournalEntry | Cleared] = []
        for item in items:
            if isinstance(item, Cleared) and item.path not in self._live:
                continue  # nothing of it in the journal
            wanted.append(item)
        if not wanted:
            return
        data = b"".join(_line(item) for item in wanted)
        for item in wanted:
            self._apply(item)
        if not self._live:
            self.clear()
            return
        if self._lines + len(wanted) >= COMPACT_AFTER_LINES and self._lines + len(wanted) >= 2 * len(self._live):
            self._rewrite()
            return
        if not self._ends_with_newline:
            data = b"\n" + data  # after a torn line: the next entry starts on a line of its own
        self._append(data)
        self._lines += len(wanted)

    def _append(self, data: bytes) -> None:
        created = not self.path.exists()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                view = memoryview(data)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as error:
            self._ends_with_newline = False  # a partial line may be there now
            raise JournalError(f"Could not write the journal {self.path}: {error.strerror or error}.") from error
        self._ends_with_newline = True
        if created:
            sync_folder(self.path.parent)

    def _rewrite(self) -> None:
        data = b"".join(_line(entry) for entry in self._live.values())
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            atomic_write(self.path, data)
        except (OSError, SaveError) as error:
            raise JournalError(f"Could not compact the journal {self.path}: {error}") from error
        self._lines = len(self._live)
        self._ends_with_newline = True

    def clear(self) -> None:
        """Nothing is pending: the file goes."""
        self._live.clear()
        self._lines = 0
        self._ends_with_newline = True
        try:
            self.path.unlink()
        except FileNotFoundError:
            return
        except OSError as error:
            raise JournalError(f"Could not remove the journal {self.path}: {error.strerror or error}.") from error
        sync_folder(self.path.parent)


# --------------------------------------------------------------------------------------------
# Restoring

SAME_FILE = "same file"  # the file has the bytes the edits were made against
MERGED = "merged"  # the file changed since; the edits merge onto it field by field
ALREADY_THERE = "already there"  # the file changed since, and already holds every edit
CONFLICT = "conflict"  # the file changed a field the editor changed too: a question
UNRESTORABLE = "unrestorable"  # gone, unreadable, or not editable: shown, not restored


@dataclass
class Restoration:
    """What restoring one journal entry would do to the file as it is now."""

    entry: JournalEntry
    status: str
    disk: Document | None = None  # the file as it is now
    pending: Changes = field(default_factory=dict)  # edits to keep pending on `disk`
    conflicts: list[FieldConflict] = field(default_factory=list)
    reason: str = ""  # why it can't be restored
    base: Document | None = None  # `disk` with the journal's original values (for a merge)
    mine: Document | None = None  # `base` with the edits

    @property
    def path(self) -> str:
        return self.entry.path

    @property
    def headline(self) -> str:
        title = (self.disk.data or {}).get("title") if self.disk is not None else None
        return " ".join(str(title).split()) if isinstance(title, str) and title.strip() else Path(self.path).name

    @property
    def restorable(self) -> bool:
        return self.status in (SAME_FILE, MERGED, ALREADY_THERE)

    def change_lines(self) -> list[str]:
        """Each edit as a person says it, from the file as it is now: `quality 87 -> 77`."""
        now = (self.disk.data or {}) if self.disk is not None else {}
        lines = []
        for key, value in self.entry.changes.items():
            before = now.get(key, REMOVE) if self.disk is not None else self.entry.original.get(key, REMOVE)
            if before is not REMOVE and value is not REMOVE and same_value(before, value):
                lines.append(f"{key} {_said(value)} (already so on disk)")
            else:
                lines.append(change_words(key, before, value))
        return lines

    def diff(self) -> str:
        """The restored edits as a diff against the file as it is now (what Save would write)."""
        if self.disk is None or not self.pending:
            return ""
        try:
            return unified_diff(self.disk, apply_edits(self.disk, self.pending))
        except EditRefused:
            return ""


def _said(value: Any) -> str:
    return change_words("", value, value).split(" -> ")[-1].strip()


def plan_restoration(entry: JournalEntry, reader: Callable[[str], Document] = read_document) -> Restoration:
    """Compare a journal entry with its file as it is now (reads the file: call off the UI thread)."""
    disk = reader(entry.path)
    if disk.stamp is None:
        problem = disk.problems[0].message if disk.problems else "it could not be read"
        return Restoration(entry, UNRESTORABLE, disk, reason=problem)
    if not disk.editable:
        return Restoration(entry, UNRESTORABLE, disk, reason=f"it can't be edited: {disk.edit_blocker}")
    data = disk.data or {}
    if entry.against is not None and (disk.stamp.size, disk.stamp.sha256) == (entry.against.size, entry.against.sha256):
        pending = {k: v for k, v in entry.changes.items() if not _holds(data, k, v)}
        try:
            apply_edits(disk, pending)
        except EditRefused as refused:
            return Restoration(entry, UNRESTORABLE, disk, reason=str(refused))
        return Restoration(entry, SAME_FILE, disk, pending)
    try:
        base = apply_edits(disk, entry.original)
        mine = apply_edits(base, entry.changes)
    except EditRefused as refused:
        return Restoration(
            entry, UNRESTORABLE, disk, reason=f"it changed on disk, and the edits can't be merged onto it: {refused}"
        )
    return resolve(Restoration(entry, MERGED, disk, base=base, mine=mine))


def resolve(restoration: Restoration, resolutions: Mapping[Any, str] | None = None) -> Restoration:
    """Merge the entry's edits onto the file as it is now again, with per-field choices
    ({key: merge.MINE or merge.THEIRS}) for the fields both changed."""
    disk, base, mine = restoration.disk, restoration.base, restoration.mine
    if disk is None or base is None or mine is None:
        return restoration
    try:
        result = merge_documents(base, disk, mine, resolutions=resolutions)
    except MergeRefused as refused:
        return Restoration(restoration.entry, UNRESTORABLE, disk, reason=str(refused))
    if not result.clean:
        return Restoration(restoration.entry, CONFLICT, disk, conflicts=result.conflicts, base=base, mine=mine)
    assert result.document is not None
    pending = changes_between(disk, result.document)
    try:
        rebuilt = apply_edits(disk, pending)
    except EditRefused as refused:
        return Restoration(restoration.entry, UNRESTORABLE, disk, reason=str(refused))
    if rebuilt.raw != result.document.raw:
        return Restoration(
            restoration.entry,
            UNRESTORABLE,
            disk,
            reason="the merged edits could not be written onto the file as it is now",
        )
    return Restoration(restoration.entry, MERGED if pending else ALREADY_THERE, disk, pending, base=base, mine=mine)


def _holds(data: Mapping[str, Any], key: str, value: Any) -> bool:
    if value is REMOVE:
        return key not in data
    return key in data and same_value(data[key], value)


def plan_all(journal: Journal, reader: Callable[[str], Document] = read_document) -> list[Restoration]:
    """Every live entry of the journal compared with its file, in path order."""
    return [plan_restoration(entry, reader) for _path, entry in sorted(journal.entries().items())]
