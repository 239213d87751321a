"""Reading a folder and its records off the UI thread.

Parsing YAML holds the GIL, so a thread parsing a thousand records freezes the event loop for
seconds at a time. Summaries are therefore built in worker processes (a spawned pool: forking a
process that runs Qt threads is unsafe) and come back in small chunks; the UI thread only
appends rows. A single record for the review pane is small enough for a thread.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.records import (
    IO,
    Document,
    IndexEntry,
    ListedFile,
    Problem,
    RecordIndex,
    RecordSummary,
    ScanResult,
    reading,
    scan,
)
from desktop.ui.tasks import Task, TaskRunner

WORKERS = max(1, min(2, os.cpu_count() or 1))
FIRST_CHUNK = 8  # small, so the first rows show as soon as one worker is up
CHUNK = 50
WORKER_NICENESS = 10


def lower_priority() -> None:
    """Worker processes yield the CPU to the window: with as many workers as cores, an equal share
    would leave the UI thread waiting for a time slice (stalls of 50 to 120 ms measured)."""
    try:
        os.nice(WORKER_NICENESS)
    except (AttributeError, OSError):
        pass  # no nice() on this platform, or not allowed: run at normal priority


# Indexed summaries handed to the table per turn of the event loop: the model takes 2,000 seed
# rows in about 70 ms (bench_table), over the 50 ms an editor notices; 500 stay near 20.
HIT_SLICE = 500


def chunked(paths: list) -> list[list]:
    chunks = [paths[:FIRST_CHUNK]] if paths else []
    chunks += [paths[i : i + CHUNK] for i in range(FIRST_CHUNK, len(paths), CHUNK)]
    return chunks


def unreadable(paths: list[str], reason: str) -> list[RecordSummary]:
    """Rows for files a worker could not summarise: listed with the reason, never dropped."""
    return [
        RecordSummary(path=path, problems=(Problem(f"Could not be read: {reason}", code=IO),), editable=False)
        for path in paths
    ]


class FolderChanges(NamedTuple):
    """What a refresh found: every record file now in the folder, and fresh summaries of those
    that are new or changed since the index (and so the table) last saw them."""

    listed: list[str]
    changed: list[RecordSummary]
    notices: list[str]


class FolderLoader(QObject):
    """Lists a folder and summarises its records; one load at a time.

    Summaries still valid in the folder's index (`desktop.records.index`) arrive first, in slices
    that keep the event loop turning; the files that are new or changed are read in worker
    processes and come back in chunks, in file order. The index lives on the lister thread, which
    also records what the workers read, so the UI thread never waits on the database.

    Every load has a generation number that its signals carry; starting a new load (or cancel())
    cancels the tasks of older ones, whose results then arrive nowhere.
    """

    loadStarted = Signal(int, str)  # generation, folder
    filesListed = Signal(int, int)  # generation, number of record files
    summariesLoaded = Signal(int, object)  # generation, list[RecordSummary]
    loadFinished = Signal(int, int)  # generation, number of records delivered
    loadFailed = Signal(int, str)  # generation, message
    indexNotice = Signal(str)  # the index was rebuilt or bypassed, and why
    refreshed = Signal(int, object)  # generation, FolderChanges: what a refresh found changed on disk

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        cache_dir: Path | None = None,
        make_pool: Callable[[], Executor] | None = None,
    ) -> None:
        super().__init__(parent)
        self._generation = 0
        # The lister thread keeps the index; the readers are worker processes (`make_pool` for tests).
        self._lister = TaskRunner(self, name="newsdesk-list")
        self._readers = TaskRunner(self, make_pool=make_pool or _reading_processes)
        self._cache_dir = cache_dir
        self._index: RecordIndex | None = None  # used on the lister thread only
        self._load_tasks: list[Task] = []  # the listing, then the chunks being read
        self._refresh_task: Task | None = None
        self._pending: dict[int, list[ScanResult]] = {}
        self._chunks: list[list[ListedFile]] = []
        self._listed: list[ListedFile] = []
        self._next_chunk = 0
        self._hits_left: list[RecordSummary] = []
        self._delivered = 0
        self.files_to_read = 0  # of the last load: files new or changed since the index saw them
        self._closed = False
        self._to_remember: list[Path] = []  # saved files whose index entries are made next turn

    @property
    def generation(self) -> int:
        return self._generation

    @property
    def busy(self) -> bool:
        return any(task.running() for task in self._load_tasks) or bool(self._hits_left)

    def load(self, folder: Path, *, rebuild_index: bool = False) -> int:
        """Start reading `folder`; returns the generation number its signals will carry.

        `rebuild_index` discards the folder's index first, so every file is read again.
        """
        self.cancel()
        generation = self._generation
        self.loadStarted.emit(generation, str(folder))
        self._load_tasks = [
            self._lister.run(
                self._list_and_look_up,
                Path(folder),
                rebuild_index,
                on_done=lambda future: self._on_listed(generation, future),
            )
        ]
        return generation

    def remember(self, path: str | Path) -> None:
        """Bring the index entry of `path` up to date (after a save, or a change seen on disk).

        Gathered for a turn of the event loop and stored in one transaction: Save All of 1,000
        records asked 1,000 times, each a read and a commit on the lister thread, competing for
        the GIL with the window taking the saves in."""
        if self._closed:
            return
        self._to_remember.append(Path(path))
        if len(self._to_remember) == 1:
            QTimer.singleShot(0, self, self._flush_remembered)

    def _flush_remembered(self) -> None:
        paths, self._to_remember = self._to_remember, []
        if paths and not self._closed:
            self._lister.run(self._remember_all, paths)

    def refresh(self) -> bool:
        """Bring the loaded folder up to date with the disk, as an open would: through the index,
        reading only files whose status changed, in the worker processes. One `refreshed` signal
        says what changed; False (nothing started) while a load is still running."""
        if self._closed or self.busy:
            return False
        self._flush_remembered()  # first, so the refresh does not take the desk's own saves for changes
        generation = self._generation
        pool = self._readers.pool  # made here: the pool belongs to the UI thread
        self._refresh_task = self._lister.run(
            self._refresh_on_lister, pool, on_done=lambda future: self._on_refreshed(generation, future)
        )
        return True

    def cancel(self) -> None:
        self._generation += 1
        for task in self._load_tasks:
            task.cancel()
        self._load_tasks = []
        if self._refresh_task is not None:
            self._refresh_task.cancel()
            self._refresh_task = None
        self._pending.clear()
        self._chunks = []
        self._listed = []
        self._hits_left = []
        self._next_chunk = self._delivered = 0

    def shutdown(self) -> None:
        """Stop every worker; call before the application quits so no process outlives it."""
        if self._closed:
            return
        self._flush_remembered()
        self._closed = True
        self.cancel()
        self._lister.run(self._close_index)
        self._lister.shutdown(wait=True, finish_queued=True)  # what is queued is index writes: let them land
        self._readers.shutdown(wait=True)

    # --- lister thread --------------------------------------------------------------------
    def _list_and_look_up(
        self, folder: Path, rebuild: bool
    ) -> tuple[list[ListedFile], dict, list[ListedFile], list[str]]:
        files = scan.list_record_files(folder)
        self._close_index()
        self._index = RecordIndex(folder, cache_dir=self._cache_dir, rebuild=rebuild)
        hits, misses = self._index.lookup(files)
        return files, hits, misses, self._take_notices()

    def _store(self, results: list[tuple[ListedFile, ScanResult]], keep_only: list[str] | None) -> list[str]:
        if self._index is None:
            return []
        entries = []
        for listed, result in results:
            if result.sha256 is not None and result.stat_key is not None:
                entries.append((ListedFile(listed.text, *result.stat_key), IndexEntry(result.summary, result.sha256)))
        self._index.store(entries, keep_only=keep_only)
        return self._take_notices()

    def _remember_all(self, paths: list[Path]) -> None:
        if self._index is None:
            return
        fresh, gone = [], []
        for path in paths:
            if not path.is_relative_to(self._index.folder):
                continue
            result = scan.read_summary(path)
            if result.stat_key is not None:
                fresh.append((ListedFile(path, *result.stat_key), result))
            else:
                gone.append(path)
        if fresh:
            self._store(fresh, None)
        if gone:
            self._index.forget(gone)

    def _refresh_on_lister(self, pool: ProcessPoolExecutor) -> FolderChanges | None:
        if self._index is None:
            return None
        files = scan.list_record_files(self._index.folder)
        _hits, misses = self._index.lookup(files)
        paths = [listed.text for listed in misses]
        # The lister thread waits for the workers; the UI thread never does.
        results = [result for chunk in pool.map(scan.index_paths, chunked(paths)) for result in chunk]
        self._store(list(zip(misses, results, strict=True)), [listed.text for listed in files])
        return FolderChanges(
            [listed.text for listed in files], [result.summary for result in results], self._take_notices()
        )

    def _take_notices(self) -> list[str]:
        if self._index is None:
            return []
        notices, self._index.notices = self._index.notices, []
        return notices

    def _close_index(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None

    # --- UI thread ----------------------------------------------------------------------
    def _on_notices(self, future: Future) -> None:
        if future.exception() is None:
            for notice in future.result():
                self.indexNotice.emit(notice)

    def _on_listed(self, generation: int, future: Future) -> None:
        try:
            files, hits, misses, notices = future.result()
        except Exception as error:  # an unreadable folder is reported, not raised into Qt
            self._load_tasks = []
            self.loadFailed.emit(generation, f"Could not list the folder: {error}")
            return
        for notice in notices:
            self.indexNotice.emit(notice)
        self._listed = files
        self.files_to_read = len(misses)
        self._chunks = chunked(misses)
        self.filesListed.emit(generation, len(files))
        if generation != self._generation:
            return  # a slot started another load
        # Reversed, so each slice comes off the end of the list instead of copying the rest.
        self._hits_left = [hits[listed.text] for listed in reversed(files) if listed.text in hits]
        self._load_tasks = []
        for index, chunk in enumerate(self._chunks):
            try:
                self._load_tasks.append(
                    self._readers.run(
                        scan.index_paths,
                        [listed.text for listed in chunk],
                        on_done=lambda future, i=index: self._on_chunk(generation, i, future),
                    )
                )
            except Exception as error:  # no process could be started: the files are listed with the reason
                failed: Future = Future()
                failed.set_exception(error)
                QTimer.singleShot(0, self, lambda i=index, f=failed: self._on_failed_chunk(generation, i, f))
        self._deliver_hits(generation)

    def _on_refreshed(self, generation: int, future: Future) -> None:
        self._refresh_task = None
        try:
            changes = future.result()
        except Exception as error:  # the folder vanished or cannot be listed: say so, keep the rows
            self.indexNotice.emit(f"Could not look for changes on disk: {error}")
            return
        if changes is not None:
            for notice in changes.notices:
                self.indexNotice.emit(notice)
            self.refreshed.emit(generation, changes)

    def _deliver_hits(self, generation: int) -> None:
        """Hand over indexed summaries a slice per turn of the event loop: 100,000 rows at once
        would hold the window for the time it takes the model to take them in."""
        if generation != self._generation or self._closed:
            return
        if self._hits_left:
            ready = self._hits_left[-HIT_SLICE:][::-1]
            del self._hits_left[-HIT_SLICE:]
            self._delivered += len(ready)
            self.summariesLoaded.emit(generation, ready)
            if self._hits_left:
                QTimer.singleShot(0, lambda: self._deliver_hits(generation))
                return
        self._finish_if_done(generation)

    def _on_failed_chunk(self, generation: int, index: int, future: Future) -> None:
        if generation == self._generation and not self._closed:
            self._on_chunk(generation, index, future)

    def _on_chunk(self, generation: int, index: int, future: Future) -> None:
        chunk = self._chunks[index]
        try:
            results = list(future.result())
        except Exception as error:  # a worker that died still leaves its files listed
            reason = f"the reading process failed ({type(error).__name__}: {error})"
            results = [ScanResult(summary) for summary in unreadable([listed.text for listed in chunk], reason)]
        self._pending[index] = results
        self._lister.run(self._store, list(zip(chunk, results, strict=True)), None, on_done=self._on_notices)
        while self._next_chunk in self._pending:
            ready = self._pending.pop(self._next_chunk)
            self._next_chunk += 1
            self._delivered += len(ready)
            self.summariesLoaded.emit(generation, [result.summary for result in ready])
            if generation != self._generation:
                return  # a slot started another load
        self._finish_if_done(generation)

    def _finish_if_done(self, generation: int) -> None:
        if self._hits_left or self._next_chunk < len(self._chunks) or generation != self._generation:
            return
        self._load_tasks = []
        # Files that vanished since the index last saw them leave it.
        self._lister.run(self._store, [], [listed.text for listed in self._listed], on_done=self._on_notices)
        self._listed, self._chunks = [], []  # 100,000 listings held 20 MB after the load had no use for them
        self.loadFinished.emit(generation, self._delivered)


def _reading_processes() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=WORKERS,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=lower_priority,
    )


class DocumentReader(QObject):
    """Reads one full record on a thread for the review pane; only the latest request matters."""

    documentRead = Signal(int, str, object)  # request id, path, Document

    def __init__(self, parent: QObject | None = None, *, make_pool: Callable[[], Executor] | None = None) -> None:
        super().__init__(parent)
        self._tasks = TaskRunner(self, make_pool=make_pool, name="newsdesk-read")
        self._request = 0
        self._task: Task | None = None

    @property
    def latest_request(self) -> int:
        return self._request

    def read(self, path: str | Path) -> int:
        """Queue a read of `path`, dropping any read not yet delivered; returns its request id."""
        self.forget()
        request = self._request
        self._task = self._tasks.run(
            reading.read_document, Path(path), on_done=lambda future, p=str(path): self._on_read(request, p, future)
        )
        return request

    def warm_up(self, job: Callable[[], object]) -> None:
        """Run a slow one-time initialisation on the reading thread before any record is read."""
        self._tasks.run(job)

    def forget(self) -> None:
        """Make every pending read arrive nowhere (the pane moved to nothing)."""
        self._request += 1
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def shutdown(self) -> None:
        self.forget()
        self._tasks.shutdown(wait=True)

    def _on_read(self, request: int, path: str, future: Future) -> None:
        self._task = None
        try:
            document: Document = future.result()
        except Exception as error:  # read_document promises not to raise; stay calm if it does
            document = Document(path=Path(path), raw=b"", problems=[Problem(f"Could not be read: {error}", code=IO)])
            document.edit_blocker = str(error)
        self.documentRead.emit(request, path, document)
