"""Unsaved edits, kept per record while the editor moves through a folder. Qt-free.

An `EditSession` holds, for every record it has seen, the Document as read from disk (its
*base*) and the pending changes (`{top-level key: new value}`). The edited document is always
recomputed from the base with the core's `apply_edits`, so what the diff shows, what the
dirty marks say and what Save writes are the same bytes.

Every edit returns an `EditStep` holding, for each affected record, the values of the fields it
touched before and after. Restoring either side (`restore`) is all an undo stack needs, and
because it restores values rather than diffs it stays right across saves: undoing an edit that
was already saved makes the record dirty again with the old value, as in a text editor.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.records.decisions import NOUNS, decision_changes
from desktop.records.editor import REMOVE, EditRefused, apply_edits, unified_diff
from desktop.records.errors import RecordError
from desktop.records.model import Document, Problem, RecordSummary
from desktop.records.reading import read_document
from desktop.records.scan import summarize_document
from desktop.records.schema import same_value, value_problems
from desktop.records.store import SaveError, save_document
from desktop.records.words import file_name

PathLike = str | Path
Changes = dict[str, Any]
# Values of some fields of several records ({path: {key: value or REMOVE}}): what undo restores.
Snapshot = dict[str, Changes]


def path_key(path: PathLike) -> str:
    """The one spelling of a record path the session (and the table's summaries) key on."""
    return _text_key(path) if isinstance(path, str) else str(Path(path))


@functools.lru_cache(maxsize=1 << 17)
def _text_key(text: str) -> str:
    # Remembered: a bulk edit of 1,000 records asks for the keys of its paths 20,000 times, and a
    # Path made each time was half the time the UI thread took to show its result.
    return str(Path(text))


@dataclass(frozen=True)
class EditStep:
    """One edit of one or more records: the touched fields' values before and after it."""

    description: str
    before: Snapshot = field(default_factory=dict)
    after: Snapshot = field(default_factory=dict)

    @property
    def paths(self) -> list[str]:
        return list(self.after)

    @property
    def changed_anything(self) -> bool:
        return self.before != self.after


class EditCancelled(RecordError):
    """A bulk edit was stopped by the editor before it finished: nothing of it was applied."""

    def __init__(self, message: str = "Cancelled: no record was changed.") -> None:
        super().__init__(message)


def same_topic(a: str, b: str) -> bool:
    """One topic whatever its case ("AI" and "ai"), for the window, the CLI and the session alike."""
    return a.casefold() == b.casefold()


def _copy_value(value: Any) -> Any:
    # REMOVE is a sentinel compared by identity: a deep copy of it would be a different object.
    return value if value is REMOVE else copy.deepcopy(value)


class EditSession:
    """Base documents and pending changes for every record being edited."""

    def __init__(
        self,
        reader: Callable[[PathLike], Document] | None = None,
        writer: Callable[..., Document] | None = None,
    ) -> None:
        # Looked up at call time unless given, so the core's reader and writer stay the only ones.
        self._reader = reader
        self._writer = writer
        self._base: dict[str, Document] = {}
        self._changes: dict[str, Changes] = {}
        self._edited_cache: dict[str, tuple[Changes, Document]] = {}
        self._summaries: dict[str, tuple[Document, RecordSummary]] = {}  # the table row of each document shown
        # Called once per record a bulk edit has read or built (see `fork`); it may raise
        # EditCancelled to stop the edit, which then changes nothing.
        self.tick: Callable[[], None] | None = None
        self._forked_from: dict[str, Changes] | None = None

    # -- bulk edits off the UI thread ------------------------------------------------------

    def fork(self) -> EditSession:
        """A copy to make one edit in on another thread while this session is left alone: its
        documents are shared (they are never changed in place), its dictionaries are its own.
        `merge(fork, paths)` takes the edit back."""
        fork = EditSession(self._reader, self._writer)
        fork._base = dict(self._base)
        fork._changes = {key: dict(changes) for key, changes in self._changes.items()}
        fork._edited_cache = dict(self._edited_cache)
        fork._summaries = dict(self._summaries)
        fork._forked_from = {key: dict(changes) for key, changes in self._changes.items()}
        return fork

    def read_all(self, paths: Iterable[PathLike]) -> None:
        """Read every record not read yet (the slow part of a bulk edit, ticked per record)."""
        for path in paths:
            self.open(path)
            if self.tick is not None:
                self.tick()

    def merge(self, fork: EditSession, paths: Iterable[PathLike]) -> None:
        """Take the state of `paths` from a fork made of this session; refused (EditRefused)
        when one of them was edited here since the fork was made, which would be lost."""
        origin = fork._forked_from or {}
        keys = [path_key(p) for p in paths]
        for key in keys:
            if self._changes.get(key, {}) != origin.get(key, {}):
                raise EditRefused(f"{file_name(key)} was edited while the bulk edit ran; nothing was changed.")
        for key in keys:
            if key in fork._base:
                self._base[key] = fork._base[key]
            self._set_changes(key, fork._changes.get(key, {}))
            cached = fork._edited_cache.get(key)
            if cached is not None and key in self._changes:
                self._edited_cache[key] = cached
            if key in fork._summaries:
                self._summaries[key] = fork._summaries[key]

    def summary_of(self, doc: Document) -> RecordSummary:
        """`summarize_document(doc)`, remembered for the document last summarised of its record:
        a bulk edit's worker makes the rows of a thousand records, the UI thread only shows them."""
        key = path_key(doc.path)
        cached = self._summaries.get(key)
        if cached is not None and cached[0] is doc:
            return cached[1]
        summary = summarize_document(doc)
        self._summaries[key] = (doc, summary)
        return summary

    def remember_summary(self, doc: Document, summary: RecordSummary) -> None:
        """`summary` is `summarize_document(doc)`, made elsewhere (a save job's worker)."""
        self._summaries[path_key(doc.path)] = (doc, summary)

    def edited_summary(self, path: PathLike) -> RecordSummary:
        """The table row of the record as its edits would save it."""
        return self.summary_of(self.edited(path))

    def _read(self, key: str) -> Document:
        return (self._reader or read_document)(key)

    def write(self, doc: Document, *, force: bool = False) -> Document:
        """Write a prepared document through the session's writer, touching no session state.

        The one way any save reaches the disk (single saves, Save All's worker, `newsdesk set`),
        so a writer given to the session sees all of them; safe to call off the UI thread.
        Raises FileChangedOnDisk (unless `force`) or SaveError.
        """
        return (self._writer or save_document)(doc, force=force)

    # -- records known to the session -------------------------------------------------------

    def open(self, path: PathLike) -> Document:
        """The record's base document, read from disk the first time it is asked for."""
        key = path_key(path)
        if key not in self._base:
            self._base[key] = self._read(key)
        return self._base[key]

    def adopt(self, doc: Document) -> None:
        """Take a document read elsewhere (a worker) as the base, unless edits to it are pending:
        those were made against the base the session already has."""
        key = path_key(doc.path)
        if self._changes.get(key):
            return
        self._base[key] = doc
        self._edited_cache.pop(key, None)

    def knows(self, path: PathLike) -> bool:
        return path_key(path) in self._base

    def base(self, path: PathLike) -> Document:
        return self.open(path)

    def forget_all(self) -> None:
        """Drop everything (another folder is being opened; the caller asked about unsaved edits)."""
        self._base.clear()
        self._changes.clear()
        self._edited_cache.clear()
        self._summaries.clear()

    # -- pending changes ---------------------------------------------------------------------

    def changes(self, path: PathLike) -> Changes:
        return dict(self._changes.get(path_key(path), {}))

    def snapshot(self, paths: Iterable[PathLike], keys: Iterable[str]) -> Snapshot:
        """The current (edited) values of `keys` on each record; REMOVE for an absent key."""
        keys = list(keys)
        result: Snapshot = {}
        for path in paths:
            data = self.edited(path).data or {}
            result[path_key(path)] = {k: _copy_value(data.get(k, REMOVE)) for k in keys}
        return result

    def restore(self, snapshot: Mapping[str, Changes], description: str = "Restore") -> EditStep:
        """Set the values a snapshot holds (undo and redo do exactly this), all or none."""
        return self._commit(description, {path_key(p): dict(v) for p, v in snapshot.items()})

    def edited(self, path: PathLike) -> Document:
        """The record with its pending changes applied (the base itself when there are none)."""
        key = path_key(path)
        base = self.open(key)
        changes = self._changes.get(key)
        if not changes:
            return base
        cached = self._edited_cache.get(key)
        if cached is not None and cached[0] == changes:
            return cached[1]
        doc = apply_edits(base, changes)
        self._edited_cache[key] = (dict(changes), doc)
        return doc

    def value(self, path: PathLike, key: str, default: Any = None) -> Any:
        """The value of a top-level field as it will be saved."""
        data = self.edited(path).data or {}
        return data.get(key, default)

    def topics(self, path: PathLike) -> list[str]:
        topics = self.value(path, "topics", [])
        return [str(t) for t in topics] if isinstance(topics, list) else []

    def is_dirty(self, path: PathLike) -> bool:
        key = path_key(path)
        if not self._changes.get(key):
            return False
        return self.edited(key).raw != self._base[key].raw

    def dirty_paths(self) -> list[str]:
        return [key for key in list(self._changes) if self.is_dirty(key)]

    def diff(self, path: PathLike) -> str:
        """The unified diff between the file as read and exactly the bytes Save will write."""
        key = path_key(path)
        if not self.is_dirty(key):
            return ""
        return unified_diff(self._base[key], self.edited(key))

    def new_problems(self, path: PathLike) -> list[Problem]:
        """Problems the pending edits would introduce (the record's own old ones excluded)."""
        key = path_key(path)
        if not self._changes.get(key):
            return []
        old = {(p.path, p.message) for p in self._base[key].problems}
        return [p for p in self.edited(key).problems if (p.path, p.message) not in old]

    # -- edits -------------------------------------------------------------------------------

    def set_field(self, paths: Iterable[PathLike], key: str, value: Any) -> EditStep:
        """Set one top-level field on every record in `paths` (all or none: EditRefused)."""
        if value is not REMOVE:
            problems = value_problems(key, value)
            if problems:
                raise EditRefused(f"{key}: {problems[0].message}")
        keys = [path_key(p) for p in paths]
        return self._commit(f"Set {key}", {k: {key: value} for k in keys})

    def add_topic(self, paths: Iterable[PathLike], topic: str) -> EditStep:
        """Add a topic at the end of each record's list; records that already have it are left alone."""
        topic = topic.strip()
        if not topic:
            raise EditRefused("A topic can't be empty.")
        proposed: dict[str, Changes] = {}
        for key in (path_key(p) for p in paths):
            current = self.topics(key)
            if any(same_topic(t, topic) for t in current):
                continue
            proposed[key] = {"topics": current + [topic]}
        self._check_topics(proposed)
        return self._commit(f"Add topic “{topic}”", proposed)

    def remove_topic(self, paths: Iterable[PathLike], topic: str) -> EditStep:
        """Remove a topic (matched ignoring case) from every record that has it."""
        proposed: dict[str, Changes] = {}
        for key in (path_key(p) for p in paths):
            current = self.topics(key)
            exact = [t for t in current if t == topic]
            drop = exact[0] if exact else next((t for t in current if same_topic(t, topic)), None)
            if drop is None:
                continue
            remaining = list(current)
            remaining.remove(drop)
            proposed[key] = {"topics": remaining}
        self._check_topics(proposed)
        return self._commit(f"Remove topic “{topic}”", proposed)

    def decide(self, paths: Iterable[PathLike], decision: str, reason: str = "", note: str = "") -> EditStep:
        """Record a decision ("approved", "declined", "flagged") on each record, replacing any
        earlier one; the step's description is the decision's noun ("approval", "decline")."""
        proposed: dict[str, Changes] = {}
        for key in (path_key(p) for p in paths):
            changes = decision_changes(self.edited(key).data, decision, reason, note)
            for field_name, value in changes.items():
                if value is not REMOVE:
                    problems = value_problems(field_name, value)
                    if problems:
                        raise EditRefused(f"{field_name}: {problems[0].message}")
            proposed[key] = changes
        return self._commit(NOUNS[decision], proposed)

    def _check_topics(self, proposed: Mapping[str, Changes]) -> None:
        for changes in proposed.values():
            problems = value_problems("topics", changes["topics"])
            if problems:
                raise EditRefused(f"topics: {problems[0].message}")

    def _commit(self, description: str, proposed: Mapping[str, Changes]) -> EditStep:
        """Set the proposed values on each record, after checking every result applies, so a
        bulk edit is refused whole rather than landing on some records only."""
        before: Snapshot = {key: self.snapshot([key], update)[key] for key, update in proposed.items()}
        merged_by_key: dict[str, Changes] = {}
        for key, update in proposed.items():
            base = self.open(key)
            merged = dict(self._changes.get(key, {}))
            for field_name, value in update.items():
                if self._equals_base(base, field_name, value):
                    merged.pop(field_name, None)
                else:
                    merged[field_name] = _copy_value(value)
            merged_by_key[key] = merged
        built: dict[str, Document] = {}
        for key, merged in merged_by_key.items():
            if self.tick is not None:
                self.tick()
            if not merged or merged == self._changes.get(key):
                continue
            try:
                built[key] = apply_edits(self._base[key], merged)
            except EditRefused as refused:
                prefix = f"{file_name(key)}: " if len(proposed) > 1 else ""
                raise EditRefused(f"{prefix}{refused}") from refused
        for key, merged in merged_by_key.items():
            self._set_changes(key, merged)
            if key in built:
                self._edited_cache[key] = (dict(merged), built[key])
        after: Snapshot = {key: self.snapshot([key], update)[key] for key, update in proposed.items()}
        return EditStep(description, before, after)

    @staticmethod
    def _equals_base(base: Document, key: str, value: Any) -> bool:
        data = base.data or {}
        if value is REMOVE:
            return key not in data
        # bool is an int in Python: `published: 1` must not count as `published: true`.
        return key in data and same_value(data[key], value)

    def _set_changes(self, key: str, changes: Changes) -> None:
        if changes:
            self._changes[key] = changes
        else:
            self._changes.pop(key, None)
            self._edited_cache.pop(key, None)

    # -- disk --------------------------------------------------------------------------------

    def save(self, path: PathLike, *, force: bool = False) -> Document:
        """Write the record's edits through the core's writer; the saved file becomes the base.

        Raises FileChangedOnDisk (unless `force`) or SaveError; the pending edits are then kept.
        """
        key = path_key(path)
        if not self.is_dirty(key):
            self._set_changes(key, {})
            return self.open(key)
        saved = self.write(self.edited(key), force=force)
        self.mark_saved(key, saved)
        return saved

    def mark_saved(self, path: PathLike, saved: Document) -> None:
        """Take a document written by `save_document` (perhaps on another thread) as the new base.

        Edits made while it was being written stay pending: pending values are absolute, so
        they apply to the new base as they did to the old one.
        """
        key = path_key(path)
        self._base[key] = saved
        self._edited_cache.pop(key, None)
        current = self._changes.get(key, {})
        self._set_changes(key, {k: v for k, v in current.items() if not self._equals_base(saved, k, v)})

    def save_all(self, *, force: bool = False) -> dict[str, Exception]:
        """Save every dirty record independently; returns the failures (path -> error)."""
        failures: dict[str, Exception] = {}
        for key in self.dirty_paths():
            try:
                self.save(key, force=force)
            except (SaveError, EditRefused, OSError) as error:
                failures[key] = error
        return failures

    def revert(self, path: PathLike) -> EditStep:
        """Drop the record's pending changes (returned as a step, so a revert can be undone)."""
        key = path_key(path)
        touched = list(self._changes.get(key, {}))
        before = self.snapshot([key], touched)
        self._set_changes(key, {})
        return EditStep("Revert", before, self.snapshot([key], touched))

    def revert_field(self, paths: Iterable[PathLike], key: str) -> EditStep:
        """Drop the pending change of one field on each record, which is then as saved again;
        the other fields keep theirs (returned as a step, so it can be undone)."""
        keys = [k for k in dict.fromkeys(path_key(p) for p in paths) if key in self._changes.get(k, {})]
        before = self.snapshot(keys, [key])
        for k in keys:
            changes = dict(self._changes[k])
            del changes[key]
            self._set_changes(k, changes)
        return EditStep(f"Revert {key}", before, self.snapshot(keys, [key]))

    def changed_fields(self, path: PathLike) -> list[str]:
        """The fields whose edited value differs from the file's (typed 41 and back to 40: none)."""
        key = path_key(path)
        if not self._changes.get(key):
            return []
        edited, saved = self.edited(key).data, self.base(key).data
        if not isinstance(edited, dict) or not isinstance(saved, dict):
            return list(self._changes[key])
        return [field for field in self._changes[key] if edited.get(field, REMOVE) != saved.get(field, REMOVE)]

    def saved_value(self, path: PathLike, key: str) -> Any:
        """The field as it is in the file (REMOVE when the file has no such key)."""
        data = self.base(path).data
        return _copy_value(data.get(key, REMOVE)) if isinstance(data, dict) else REMOVE

    def reload(self, path: PathLike) -> Document:
        """Read the record from disk again, dropping its pending changes."""
        key = path_key(path)
        self._set_changes(key, {})
        self._base[key] = self._read(key)
        return self._base[key]

    def rebase(self, path: PathLike, disk: Document, changes: Mapping[str, Any]) -> None:
        """Take `disk` (the file as it is now) as the base, with `changes` pending on it: a merge
        of my edits onto a version changed on disk, to be saved over exactly that version."""
        key = path_key(path)
        self._base[key] = disk
        self._edited_cache.pop(key, None)
        self._set_changes(key, {k: _copy_value(v) for k, v in changes.items() if not self._equals_base(disk, k, v)})
