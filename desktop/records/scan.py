"""Finding record files in a folder and summarising them for the record table and `newsdesk list`."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from . import fields
from .duplicates import related_listed_twice
from .fastscan import summarize_front_matter
from .model import IO, RECORD_SUFFIXES, Document, Problem, RecordSummary
from .nodes import position_in_file
from .reading import load_file, locate_front_matter, parse_document, scalar_text, unreadable_document


def is_record_file(path: str | os.PathLike[str]) -> bool:
    return os.path.splitext(os.fspath(path))[1].lower() in RECORD_SUFFIXES


class ListedFile:
    """A record file found in a folder, with the status an index entry is checked against.

    `text` is the path as listed; `path` makes a Path of it only when asked, since constructing
    one per file was a third of a warm open of 10,000 records.
    """

    __slots__ = ("text", "size", "mtime_ns", "ctime_ns", "inode", "_path")

    def __init__(self, path: str | os.PathLike[str], size: int, mtime_ns: int, ctime_ns: int, inode: int) -> None:
        self.text = os.fspath(path)
        self.size, self.mtime_ns, self.ctime_ns, self.inode = size, mtime_ns, ctime_ns, inode
        self._path = path if isinstance(path, Path) else None

    @property
    def path(self) -> Path:
        if self._path is None:
            self._path = Path(self.text)
        return self._path

    @property
    def stat_key(self) -> tuple[int, int, int, int]:
        # ctime catches a rewrite that restores both size and mtime (`touch -r`): nobody can set it.
        return (self.size, self.mtime_ns, self.ctime_ns, self.inode)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ListedFile):
            return NotImplemented
        return (self.text, *self.stat_key) == (other.text, *other.stat_key)

    def __hash__(self) -> int:
        return hash((self.text, *self.stat_key))

    def __repr__(self) -> str:
        return f"ListedFile({self.text!r}, size={self.size}, mtime_ns={self.mtime_ns})"


def iter_record_files(folder: str | os.PathLike[str]) -> list[Path]:
    """Every record file under `folder` (recursively), sorted; hidden files and folders are skipped.

    A record file given instead of a folder is returned alone.
    """
    return [listed.path for listed in list_record_files(folder)]


def list_record_files(folder: str | os.PathLike[str]) -> list[ListedFile]:
    """`iter_record_files` with each file's status, from one `os.scandir` walk.

    Only regular files are listed (a FIFO named `x.md` would block its reader forever); a symbolic
    link is followed only to a regular file inside `folder`, so nothing outside it is ever read.
    """
    root = Path(folder)
    if root.is_file():
        if not is_record_file(root):
            return []
        status = root.stat()
        return [ListedFile(root, status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)]
    real_root = os.path.realpath(root)
    found: list[tuple[tuple[str, ...], ListedFile]] = []
    # Joined as text, spelled as Path would spell it ("a.md", not "./a.md"): a Path per file costs 8 us.
    pending: list[tuple[str, tuple[str, ...]]] = [("" if os.fspath(root) == "." else os.fspath(root), ())]
    while pending:
        directory, parts = pending.pop()
        try:
            entries = list(os.scandir(directory or "."))
        except OSError:
            continue  # an unreadable subfolder holds nothing we can list (os.walk skipped it too)
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((os.path.join(directory, entry.name), parts + (entry.name,)))
                    continue
                if not is_record_file(entry.name):
                    continue
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if os.path.commonpath([real_root, target]) != real_root:
                        continue
                status = entry.stat(follow_symlinks=True)
            except (OSError, ValueError):  # vanished while listed, a dangling link, another drive
                continue
            if stat.S_ISREG(status.st_mode):
                listed = ListedFile(
                    os.path.join(directory, entry.name),
                    status.st_size,
                    status.st_mtime_ns,
                    status.st_ctime_ns,
                    status.st_ino,
                )
                found.append((parts + (entry.name,), listed))
    found.sort(key=lambda item: item[0])
    return [listed for _, listed in found]


def summarize_document(document: Document) -> RecordSummary:
    """The table row of a record; a value of the wrong type shows as empty rather than failing."""
    data = fields.mapping(document.data)
    provider = fields.mapping(data.get("provider"))
    return RecordSummary(
        path=str(document.path),
        title=fields.text(data.get("title")),
        excerpt=fields.text(data.get("excerpt")),
        provider=fields.text(provider.get("name")),
        domain=fields.text(provider.get("domain")),
        published_at=_published_at(document, data.get("publishedDateTime")),
        quality=fields.whole_number(data.get("quality")),
        heat=fields.whole_number(data.get("heat")),
        published=fields.published(data.get("published")),
        topics=fields.topics(data.get("topics")),
        problems=tuple(document.problems),
        editable=document.editable,
        web_url=fields.text(data.get("webUrl")),
        title_at=_value_at(document, ["title"]) if isinstance(data.get("title"), str) else None,
        web_url_at=_value_at(document, ["webUrl"]) if isinstance(data.get("webUrl"), str) else None,
        warnings=related_listed_twice(_related_urls(document, data.get("related"))),
        decision=_decision(data.get("decision")),
        decline_reason=fields.text(data.get("declineReason")),
    )


def _value_at(document: Document, keys: list[str | int]) -> tuple[int, int] | None:
    return position_in_file(document.root, keys, document.front_line)


def _related_urls(document: Document, related: Any) -> tuple[tuple[str, int, int], ...]:
    if not isinstance(related, list):
        return ()
    found: list[tuple[str, int, int]] = []
    for index, item in enumerate(related):
        url = item.get("webUrl") if isinstance(item, dict) else None
        if not isinstance(url, str):
            continue
        at = _value_at(document, ["related", index, "webUrl"])
        if at is not None:
            found.append((url, *at))
    return tuple(found)


def summarize_paths(paths: Iterable[str]) -> list[RecordSummary]:
    """Read and summarise each file: the entry point of worker processes, so it never raises."""
    return [result.summary for result in index_paths(paths)]


def summarize_file(path: Path) -> RecordSummary:
    """`summarize_document(read_document(path))`, by the fast path when it is sure of the answer."""
    return read_summary(path).summary


class ScanResult(NamedTuple):
    """A summary with what the index keeps beside it: the digest and status of the bytes it is of
    (None for a file that could not be read, which is never kept)."""

    summary: RecordSummary
    sha256: str | None = None
    stat_key: tuple[int, int, int, int] | None = None


def read_summary(path: Path) -> ScanResult:
    try:
        raw, status = load_file(path)
    except OSError as error:
        return ScanResult(summarize_document(unreadable_document(path, error)))
    document = Document(path=path, raw=raw)
    summary = summarize_front_matter(document, text_is_raw=True) if locate_front_matter(document) else None
    if summary is None:
        summary = summarize_document(parse_document(raw, path))
    return ScanResult(
        summary,
        hashlib.sha256(raw).hexdigest(),
        (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino),
    )


def index_paths(paths: Iterable[str]) -> list[ScanResult]:
    """`summarize_paths` with each file's digest and status, for the index; never raises."""
    results = []
    for path in paths:
        try:
            results.append(read_summary(Path(path)))
        except Exception as error:  # a summary with the reason beats a dead worker pool
            results.append(ScanResult(_failed_summary(path, error)))
    return results


def _failed_summary(path: str, error: Exception) -> RecordSummary:
    problem = Problem(f"cannot read the file: {type(error).__name__}: {error}", code=IO)
    return RecordSummary(path=str(path), problems=(problem,), editable=False)


def _decision(value: Any) -> str:
    return value if value in ("declined", "flagged") else ""


def _published_at(document: Document, value: Any) -> str:
    # Shown as the file has it: YAML made a datetime of it, whose str() differs from the text.
    written = scalar_text(document, ["publishedDateTime"])
    if written is not None and value is not None:
        return written
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value if isinstance(value, str) else ""
