"""A persistent index of a folder's record summaries: what a second open of a feed reads instead of
parsing every file again.

One SQLite database (WAL mode) per opened folder, in the user's cache folder, never in the records
folder. An entry is trusted only while its file's size, mtime, ctime and inode are all unchanged;
an entry written within `RACY_NS` of its file's mtime is "racily clean" (as git calls it: a change
in the same clock tick would not show in the status) and is trusted only after its bytes hash the
same. The index is a cache, never the truth: a database that is corrupt, truncated, locked or of
another version is rebuilt (or bypassed) with a notice, and an entry that cannot be decoded is
read again from its file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import operator
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from ..paths import user_cache_dir
from .model import Problem, RecordSummary
from .scan import ListedFile, ScanResult, index_paths, list_record_files

# Bump when the layout of the database changes; summaries are versioned by `_fingerprint()`.
INDEX_FORMAT = 3  # 2: summaries stored as JSON arrays; 3: warnings instead of related links
RACY_NS = 2_000_000_000  # coarser than the mtime clock of any file system a desk runs on (FAT: 2 s)
# Every module a summary's content depends on: a change to one makes the stored summaries foreign.
_CORE_SOURCES = (
    "model.py",
    "nodes.py",
    "reading.py",
    "schema.py",
    "scan.py",
    "fastscan.py",
    "fields.py",
    "duplicates.py",
    "index.py",
)


class IndexEntry:
    """What the index holds for one file: its summary and the digest of the bytes it came from."""

    __slots__ = ("summary", "sha256")

    def __init__(self, summary: RecordSummary, sha256: str) -> None:
        self.summary = summary
        self.sha256 = sha256


def index_path(folder: str | os.PathLike[str], cache_dir: Path | None = None) -> Path:
    """The database of `folder`: one per folder, named by a digest of its absolute path."""
    key = hashlib.sha256(os.path.realpath(folder).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return (cache_dir or user_cache_dir() / "index") / f"{key}.sqlite3"


class RecordIndex:
    """The index of one folder. Not shared between threads: the thread that opens it uses it."""

    def __init__(self, folder: str | os.PathLike[str], *, cache_dir: Path | None = None, rebuild: bool = False) -> None:
        # Entries are keyed by their path relative to the folder as it was named (a link to a folder
        # is not resolved, nor is a link to a file inside it).
        self.folder = Path(os.path.abspath(folder))
        self.path = index_path(folder, cache_dir)
        self._listed_prefix = os.path.join(str(Path(folder)), "") if Path(folder).is_absolute() else "\0"
        self.notices: list[str] = []
        self._connection: sqlite3.Connection | None = None
        self._pending_touch: list[tuple[int, str]] = []
        self._open(rebuild)

    @property
    def usable(self) -> bool:
        return self._connection is not None

    # --------------------------------------------------------------------------- reading

    def lookup(self, files: Sequence[ListedFile]) -> tuple[dict[str, RecordSummary], list[ListedFile]]:
        """The summaries still valid for `files`, by each file's `text`, and the files to read again."""
        # Row by row from the cursor: fetching every row first held 100,000 summaries' JSON at once.
        wanted = {self._relative(listed.text): listed for listed in files}
        now = time.time_ns()
        hits: dict[str, RecordSummary] = {}
        if self._connection is not None:
            try:
                for relpath, *row in self._connection.execute(
                    "SELECT relpath, size, mtime_ns, ctime_ns, inode, indexed_ns, sha256, summary FROM records"
                ):
                    listed = wanted.get(relpath)
                    if listed is not None and (summary := self._trusted(listed, row, now)) is not None:
                        hits[listed.text] = summary
            except sqlite3.Error as error:
                self._give_up(f"could not be read ({error})")
                hits = {}
        return hits, [listed for listed in files if listed.text not in hits]

    def _trusted(self, listed: ListedFile, row: Sequence[Any], now: int) -> RecordSummary | None:
        size, mtime_ns, ctime_ns, inode, indexed_ns, sha256, summary_json = row
        if (size, mtime_ns, ctime_ns, inode) != listed.stat_key:
            return None
        if indexed_ns - RACY_NS < max(mtime_ns, ctime_ns):
            try:
                with open(listed.text, "rb") as handle:
                    if hashlib.sha256(handle.read()).hexdigest() != sha256:
                        return None
            except OSError:
                return None
            self._pending_touch.append((now, self._relative(listed.text)))
        try:
            return summary_from_json(summary_json, listed.text)
        except (ValueError, TypeError, KeyError):  # an entry this version cannot read: read the file
            return None

    # --------------------------------------------------------------------------- writing

    def store(
        self,
        entries: Iterable[tuple[ListedFile, IndexEntry]],
        *,
        keep_only: Iterable[str | os.PathLike[str]] | None = None,
    ) -> None:
        """Record fresh entries in one transaction; with `keep_only`, forget every other file."""
        if self._connection is None:
            return
        now = time.time_ns()
        rows = [
            (
                self._relative(listed.text),
                listed.size,
                listed.mtime_ns,
                listed.ctime_ns,
                listed.inode,
                now,
                entry.sha256,
                summary_to_json(entry.summary),
            )
            for listed, entry in entries
        ]
        touched, self._pending_touch = self._pending_touch, []
        try:
            with self._connection:
                self._connection.executemany(
                    "INSERT OR REPLACE INTO records"
                    " (relpath, size, mtime_ns, ctime_ns, inode, indexed_ns, sha256, summary) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
                # Racily clean entries hashed the same: no longer racy once time has moved on.
                self._connection.executemany(
                    "UPDATE records SET indexed_ns = ? WHERE relpath = ? AND mtime_ns < ? - ?",
                    [(stamp, relpath, stamp, RACY_NS) for stamp, relpath in touched],
                )
                if keep_only is not None:
                    present = {self._relative(path) for path in keep_only}
                    stored = [row[0] for row in self._connection.execute("SELECT relpath FROM records")]
                    self._connection.executemany(
                        "DELETE FROM records WHERE relpath = ?",
                        [(relpath,) for relpath in stored if relpath not in present],
                    )
        except sqlite3.Error as error:
            self._give_up(f"could not be written ({error})")

    def forget(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        if self._connection is None:
            return
        try:
            with self._connection:
                self._connection.executemany(
                    "DELETE FROM records WHERE relpath = ?", [(self._relative(path),) for path in paths]
                )
        except sqlite3.Error as error:
            self._give_up(f"could not be written ({error})")

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    # --------------------------------------------------------------------------- opening

    def _open(self, rebuild: bool) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            self.notices.append(f"The index cannot be kept ({error.strerror or error}); every file is read.")
            return
        if rebuild:
            self._remove_files()
        try:
            self._connection = self._connect()
            return
        except _Foreign as reason:
            why = str(reason)
        except sqlite3.Error as error:
            why = f"was unreadable ({error})"
        self.close()
        self.notices.append(f"The index of this folder {why}; it was rebuilt.")
        self._remove_files()
        try:
            self._connection = self._connect()
        except (sqlite3.Error, _Foreign) as error:
            self.close()
            self.notices.append(f"The index cannot be used ({error}); every file is read.")

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=2.0, isolation_level="DEFERRED")
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")  # a lost last transaction costs a re-read, no more
            connection.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            version = connection.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            expected = _fingerprint()
            if version is None:
                with connection:
                    connection.execute("DROP TABLE IF EXISTS records")
                    connection.execute(
                        "CREATE TABLE records (relpath TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, "
                        "ctime_ns INTEGER, inode INTEGER, indexed_ns INTEGER, sha256 TEXT, summary TEXT)"
                    )
                    connection.execute("INSERT INTO meta (key, value) VALUES ('version', ?)", (expected,))
                    connection.execute(
                        "INSERT OR REPLACE INTO meta (key, value) VALUES ('folder', ?)", (str(self.folder),)
                    )
            elif version[0] != expected:
                raise _Foreign("was made by another version of Newsdesk")
            else:
                connection.execute(
                    "SELECT relpath, size, mtime_ns, ctime_ns, inode, indexed_ns, sha256, summary FROM records LIMIT 1"
                ).fetchall()
        except BaseException:
            connection.close()
            raise
        return connection

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.unlink(f"{self.path}{suffix}")
            except FileNotFoundError:
                pass
            except OSError as error:
                self.notices.append(f"Could not remove the old index ({error.strerror or error}).")

    def _give_up(self, why: str) -> None:
        self.notices.append(f"The index of this folder {why}; it is not used until the folder is opened again.")
        self.close()

    def _relative(self, path: str | os.PathLike[str]) -> str:
        text = os.fspath(path)
        # The listing's paths are the folder as named joined with names from scandir (never `.` or
        # `..`, and hidden names are not listed): cut the prefix instead of normalising both, which
        # cost 30 us a file. Anything else takes the long way.
        if text.startswith(self._listed_prefix):
            rest = text[len(self._listed_prefix) :]
            if os.sep + "." not in os.sep + rest:
                return rest
        try:
            return os.path.relpath(os.path.abspath(path), self.folder)
        except ValueError:  # another drive
            return os.path.abspath(path)


class _Foreign(Exception):
    """The database belongs to another version of Newsdesk."""


def _fingerprint() -> str:
    """Index format and the code that makes summaries: a change to either makes old entries foreign."""
    digest = hashlib.sha256(f"{INDEX_FORMAT}".encode())
    here = Path(__file__).resolve().parent
    for name in _CORE_SOURCES:
        try:
            digest.update((here / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    from ..paths import resource_path

    try:
        digest.update(resource_path("record.schema.json").read_bytes())
    except OSError:
        pass
    return digest.hexdigest()


# --------------------------------------------------------------------------- summaries as JSON


# The listing knows where the file is; the index stays right if the folder moves.
_STORED_FIELDS = tuple(field.name for field in dataclasses.fields(RecordSummary) if field.name != "path")
_PROBLEM_FIELDS = tuple(field.name for field in dataclasses.fields(Problem))
_TOPICS = _STORED_FIELDS.index("topics")
_PROBLEMS = _STORED_FIELDS.index("problems")
_TITLE_AT = _STORED_FIELDS.index("title_at")
_WEB_URL_AT = _STORED_FIELDS.index("web_url_at")
_WARNINGS = _STORED_FIELDS.index("warnings")


# json.dumps with other than its default arguments makes an encoder per call; one made once, and
# the fields taken by one attrgetter, write a seed's summary in 18 us instead of 26.
_SUMMARY_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_STORED_VALUES = operator.attrgetter(*_STORED_FIELDS)
_PROBLEM_VALUES = operator.attrgetter(*_PROBLEM_FIELDS)


def summary_to_json(summary: RecordSummary) -> str:
    """The summary as a JSON array of its fields in declaration order (the path left out), each
    problem an array too: a warm open decodes 10,000 of these, and arrays need neither keys to
    read nor keyword arguments to build (about 12 us a summary, from 30 for objects)."""
    fields: list[Any] = list(_STORED_VALUES(summary))
    fields[_PROBLEMS] = [list(_PROBLEM_VALUES(problem)) for problem in summary.problems]
    fields[_WARNINGS] = [list(_PROBLEM_VALUES(problem)) for problem in summary.warnings]
    return _SUMMARY_ENCODER.encode(fields)


def summary_from_json(text: str, path: Path | str) -> RecordSummary:
    fields = json.loads(text)
    if type(fields) is not list or len(fields) != len(_STORED_FIELDS):
        raise ValueError("not a summary of this version")
    # A summary's sequences are tuples (hashable, cheap to pickle); JSON gives lists back.
    fields[_TOPICS] = tuple(fields[_TOPICS])
    fields[_PROBLEMS] = tuple(_problem(*problem) for problem in fields[_PROBLEMS])
    for place in (_TITLE_AT, _WEB_URL_AT):
        if fields[place] is not None:
            fields[place] = tuple(fields[place])
    fields[_WARNINGS] = tuple(_problem(*problem) for problem in fields[_WARNINGS])
    return RecordSummary(str(path), *fields)


def _problem(message: str, line: int | None, column: int | None, path: str, code: str, level: str, *rest: Any):
    # The same few codes, levels and JSON paths in every row: one copy each, not one per problem.
    return Problem(message, line, column, sys.intern(path), sys.intern(code), sys.intern(level), *rest)


# --------------------------------------------------------------------------- the indexed scan


class FolderScan:
    """Summaries of every record under a folder, through its index; Qt-free, for the CLI and tests.

    The window runs the same steps (`lookup`, then `scan.index_paths` in worker processes, then
    `store`) on its own threads.
    """

    def __init__(
        self,
        folder: str | os.PathLike[str],
        *,
        use_index: bool = True,
        rebuild: bool = False,
        jobs: int | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.folder = Path(folder)
        self.use_index = use_index
        self.rebuild = rebuild
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.cache_dir = cache_dir
        self.notices: list[str] = []
        self.parsed = 0  # files read and parsed, the rest came from the index

    def run(self, progress: Callable[[int, int], None] | None = None) -> list[RecordSummary]:
        files = list_record_files(self.folder)
        index = RecordIndex(self.folder, cache_dir=self.cache_dir, rebuild=self.rebuild) if self.use_index else None
        try:
            hits, misses = index.lookup(files) if index is not None else ({}, files)
            if progress is not None:
                progress(len(hits), len(files))
            fresh: list[tuple[ListedFile, IndexEntry]] = []
            found: dict[str, RecordSummary] = dict(hits)
            for listed, result in zip(misses, self._summarize(misses, len(hits), len(files), progress), strict=True):
                found[listed.text] = result.summary
                if result.sha256 is not None and result.stat_key is not None:
                    fresh.append((ListedFile(listed.text, *result.stat_key), IndexEntry(result.summary, result.sha256)))
            self.parsed = len(misses)
            if index is not None:
                index.store(fresh, keep_only=[listed.text for listed in files])
        finally:
            if index is not None:
                self.notices.extend(index.notices)
                index.close()
        return [found[listed.text] for listed in files]

    def _summarize(
        self, files: list[ListedFile], done: int, total: int, progress: Callable[[int, int], None] | None
    ) -> Iterator[ScanResult]:
        paths = [listed.text for listed in files]
        if self.jobs == 1 or len(paths) < IN_PROCESS_BELOW:
            for chunk in _chunks(paths, 50):
                yield from index_paths(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
            return
        context = multiprocessing.get_context("spawn")  # the window's rule too: never fork a process with threads
        with ProcessPoolExecutor(max_workers=self.jobs, mp_context=context) as pool:
            for results in pool.map(index_paths, _chunks(paths, SCAN_CHUNK)):
                yield from results
                done += len(results)
                if progress is not None:
                    progress(done, total)


# Spawning a worker costs about 0.1 s; below this many files to parse, this process reads them.
IN_PROCESS_BELOW = 64
SCAN_CHUNK = 100


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[start : start + size] for start in range(0, len(items), size)]
