"""Three-way merge of one record, field by field. Qt-free.

Two editors who change different top-level keys of the same record have not disagreed: git's
line merge still calls edits on neighbouring lines a conflict, and a desk that only offers
Overwrite or Reload makes one of them lose their work. Here the three versions (`base`, what the
record was read from; `theirs`, what is on disk now; `mine`, the edited one) are compared value
by value. Where only my side changed a key, my value is written onto theirs with the minimal-diff
editor (or, for a nested value it does not write, my entry's own lines are put in its place), and
the result is read back and must hold exactly the merged data. Where both sides changed a key to
different values, that key is a conflict, reported with its three values, and nothing is guessed.

A list of distinct plain values (`topics`) merges as a set when each side only added at the end
and removed: editor A adding one topic and editor B another is not a conflict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from desktop.records.errors import RecordError

from .editor import REMOVE, EditRefused, _content_end, _line_start, _next_line_start, apply_edits
from .model import SCHEMA, SEED_KEY_ORDER, Document
from .reading import parse_document
from .schema import same_value


class MergeRefused(RecordError):
    """The versions cannot be merged field by field (not YAML, unreadable, or not verifiable)."""


class _Body:
    """The key of the text after the front matter, which no YAML key can be."""

    def __repr__(self) -> str:
        return "BODY"

    def __str__(self) -> str:
        return "the text after the front matter"


BODY = _Body()
ABSENT = REMOVE  # as a value: the key is not there (and as a change: remove it)

MINE = "mine"
THEIRS = "theirs"


@dataclass(frozen=True)
class FieldConflict:
    """A key both sides changed, to different values (ABSENT where a side removed it)."""

    key: Any  # a top-level key, or BODY
    base: Any
    theirs: Any
    mine: Any


@dataclass
class MergeResult:
    """The outcome of a merge: the merged document when clean, else the conflicts."""

    document: Document | None
    conflicts: list[FieldConflict] = field(default_factory=list)
    theirs_changed: list[Any] = field(default_factory=list)  # keys the other side changed
    mine_changed: list[Any] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.conflicts and self.document is not None


# --------------------------------------------------------------------------------------------
# Public API


def merge_documents(
    base: Document,
    theirs: Document,
    mine: Document,
    resolutions: Mapping[Any, str] | None = None,
) -> MergeResult:
    """Merge my changes (base -> mine) onto theirs.

    `resolutions` maps a conflicting key to MINE or THEIRS; a conflict it resolves is taken that
    way and not reported. The merged document keeps theirs's path and stamp, so saving it checks
    that the file is still the version that was merged onto. Raises MergeRefused.
    """
    for doc, role in ((base, "the version it was read from"), (theirs, "the version on disk"), (mine, "your version")):
        _check_mergeable(doc, role)
    resolutions = dict(resolutions or {})
    base_data, theirs_data, mine_data = base.data or {}, theirs.data or {}, mine.data or {}

    theirs_changed = _changed_keys(base_data, theirs_data)
    mine_changed = _changed_keys(base_data, mine_data)
    if base.body != theirs.body:
        theirs_changed.append(BODY)
    if base.body != mine.body:
        mine_changed.append(BODY)

    changes: dict[str, Any] = {}
    conflicts: list[FieldConflict] = []
    for key in mine_changed:
        if key is BODY:
            continue
        b, t, m = _get(base_data, key), _get(theirs_data, key), _get(mine_data, key)
        if key not in theirs_changed or _same(t, m):
            if not _same(t, m):
                changes[key] = m
            continue
        combined = _merge_sets(b, t, m)
        if combined is not None:
            if not _same(t, combined):
                changes[key] = combined
            continue
        choice = resolutions.get(key)
        if choice == MINE:
            changes[key] = m
        elif choice != THEIRS:
            conflicts.append(FieldConflict(key, b, t, m))

    body = None
    if BODY in mine_changed and mine.body != theirs.body:
        if BODY not in theirs_changed or resolutions.get(BODY) == MINE:
            body = mine.body
        elif resolutions.get(BODY) != THEIRS:
            conflicts.append(FieldConflict(BODY, base.body, theirs.body, mine.body))

    result = MergeResult(None, conflicts, theirs_changed, mine_changed)
    if conflicts:
        return result
    merged = apply_changes(theirs, changes, source=mine, body=body)
    expected = dict(theirs_data)
    for key, value in changes.items():
        if value is ABSENT:
            expected.pop(key, None)
        else:
            expected[key] = value
    if merged.data is None or not same_value(merged.data, expected) or (body is not None and merged.body != body):
        raise MergeRefused(f"{theirs.path.name}: the merged record did not read back as both versions' values.")
    result.document = merged
    return result


def merge_bytes(base: bytes, theirs: bytes, mine: bytes, path: str | Path, **options: Any) -> MergeResult:
    """`merge_documents` on three versions' bytes (the git merge driver's three files)."""
    path = Path(path)
    return merge_documents(
        parse_document(base, path), parse_document(theirs, path), parse_document(mine, path), **options
    )


def changes_between(base: Document, other: Document) -> dict[str, Any]:
    """The top-level values `other` changed from `base` ({key: new value or ABSENT})."""
    base_data, other_data = base.data or {}, other.data or {}
    return {key: _get(other_data, key) for key in _changed_keys(base_data, other_data)}


def fully_described(base: Document, side: Document) -> bool:
    """Whether `side` is exactly `base` with its changed values written by this module.

    When it is, merging `side`'s changes onto another version loses nothing of `side`; when not
    (a comment or the layout changed too), only a merge the other way round, or a line merge, does.
    """
    _check_mergeable(base, "the base version")
    _check_mergeable(side, "the other version")
    try:
        rebuilt = apply_changes(
            base, changes_between(base, side), source=side, body=side.body if side.body != base.body else None
        )
    except MergeRefused:
        return False
    return rebuilt.raw == side.raw


def apply_changes(onto: Document, changes: Mapping[str, Any], *, source: Document, body: str | None = None) -> Document:
    """`onto` with `changes` made: by the minimal-diff editor where it can write the value, else
    by putting `source`'s own lines for that key in place. `body`, when given, replaces the text
    after the front matter. Raises MergeRefused."""
    doc = onto
    for key, value in changes.items():
        try:
            doc = apply_edits(doc, {key: value})
        except EditRefused:
            # A nested value, or one the editor will not write (it fails the schema): the lines
            # that wrote it in `source` say it exactly as its author did.
            doc = _splice_entry(doc, source, key)
    if body is not None and doc.body != body:
        doc = _replace_body(doc, body)
    return doc


def change_words(key: Any, before: Any, after: Any) -> str:
    """A field change as a person says it: `quality 40 -> 77`, `topics +Policing -AI`."""

    def shown(value: Any) -> str:
        if value is ABSENT or value is None:
            return "(none)"
        if isinstance(value, bool):
            return "true" if value else "false"
        text = _one_line(str(value))
        return text if len(text) <= 40 else text[:39] + "…"

    if isinstance(before, list) and isinstance(after, list):
        added = [f"+{_one_line(str(v))}" for v in after if v not in before]
        removed = [f"-{_one_line(str(v))}" for v in before if v not in after]
        return f"{key} {' '.join(added + removed) or 'reordered'}"
    if after is ABSENT:
        return f"{key} removed"
    if isinstance(before, (dict, list)) or isinstance(after, (dict, list)):
        return f"{key} changed"
    if key is BODY:
        return "the text after the front matter changed"
    return f"{key} {shown(before)} -> {shown(after)}"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


# --------------------------------------------------------------------------------------------
# Values


def _check_mergeable(doc: Document, role: str) -> None:
    name = doc.path.name
    if doc.format != "yaml":
        kind = {"toml": "TOML", "json": "JSON"}.get(doc.format or "", "no")
        raise MergeRefused(f"{name}: {role} has {kind} front matter; only YAML front matter is merged field by field.")
    if doc.data is None or not isinstance(doc.data, dict) or doc.edit_blocker:
        cause = next((p for p in doc.problems if p.code != SCHEMA), None)
        where = f" ({cause.location(name)}: {cause.message})" if cause is not None else ""
        reason = (doc.edit_blocker or "its front matter is not a set of key: value lines").rstrip(".")
        raise MergeRefused(f"{name}: {role} cannot be merged field by field: {reason}{where}.")


def _get(data: Mapping[str, Any], key: str) -> Any:
    return data[key] if key in data else ABSENT


def _same(a: Any, b: Any) -> bool:
    if a is ABSENT or b is ABSENT:
        return a is b
    return same_value(a, b)


def _changed_keys(base: Mapping[str, Any], other: Mapping[str, Any]) -> list[Any]:
    keys = list(dict.fromkeys([*base, *other]))
    return [key for key in keys if not _same(_get(base, key), _get(other, key))]


def _identity(value: Any) -> tuple[str, str] | None:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return type(value).__name__, repr(value)
    return None


def _set_edit(base: list, side: list) -> tuple[list, set] | None:
    """(items added at the end, identities removed) when `side` is `base` with only that done."""
    base_ids, side_ids = [_identity(v) for v in base], [_identity(v) for v in side]
    if (
        None in base_ids
        or None in side_ids
        or len(set(base_ids)) != len(base_ids)
        or len(set(side_ids)) != len(side_ids)
    ):
        return None
    removed = set(base_ids) - set(side_ids)
    kept = [i for i in base_ids if i not in removed]
    if side_ids[: len(kept)] != kept:
        return None  # reordered: not a set edit
    return side[len(kept) :], removed


def _merge_sets(base: Any, theirs: Any, mine: Any) -> list | None:
    """Both sides' additions and removals of a list of distinct plain values, or None."""
    if not all(isinstance(v, list) for v in (base, theirs, mine)):
        return None
    mine_edit, theirs_edit = _set_edit(base, mine), _set_edit(base, theirs)
    if mine_edit is None or theirs_edit is None:
        return None
    added, removed = mine_edit
    merged = [v for v in theirs if _identity(v) not in removed]
    present = {_identity(v) for v in merged}
    for value in added:
        if _identity(value) not in present:
            merged.append(value)
            present.add(_identity(value))
    return merged


# --------------------------------------------------------------------------------------------
# Text


def _pairs(doc: Document) -> list[tuple[yaml.Node, yaml.Node]]:
    root = doc.root
    if not isinstance(root, yaml.MappingNode):
        return []
    return [(k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode)]


def _entry_span(doc: Document, key: str) -> tuple[int, int] | None:
    """Offsets in doc.front_text of the whole lines the top-level entry `key` occupies."""
    front = doc.front_text
    for key_node, value_node in _pairs(doc):
        if key_node.value == key:
            start = _line_start(front, key_node.start_mark.index)
            if front[start : key_node.start_mark.index].strip(" "):
                return None  # shares its line with something else
            last = max(_content_end(front, value_node), key_node.end_mark.index + 1) - 1
            return start, _next_line_start(front, last)
    return None


def entry_text(doc: Document, key: str) -> str | None:
    """The lines of the file that write the top-level entry `key` (None when it is not there)."""
    span = _entry_span(doc, key)
    if span is None:
        return None
    text = doc.front_text[span[0] : span[1]]
    return text if text.endswith("\n") else text + doc.newline


def _replaced_front(doc: Document, front: str) -> Document:
    assert doc.text is not None
    text = doc.text[: doc.front_start] + front + doc.text[doc.front_end :]
    raw = (b"\xef\xbb\xbf" if doc.bom else b"") + text.encode("utf-8")
    new = parse_document(raw, doc.path, previous=doc)
    new.stamp = doc.stamp
    if new.data is None or new.edit_blocker:
        raise MergeRefused(f"{doc.path.name}: the merged front matter did not read back ({new.edit_blocker}).")
    return new


def _splice_entry(doc: Document, source: Document, key: str) -> Document:
    front = doc.front_text
    lines = entry_text(source, key)
    if lines is None:
        raise MergeRefused(f"{doc.path.name}: {key} is written in a form that cannot be merged field by field.")
    if source.newline != doc.newline:
        lines = lines.replace(source.newline, doc.newline)
    here = _entry_span(doc, key)
    if here is not None:
        return _replaced_front(doc, front[: here[0]] + lines + front[here[1] :])
    if key in (doc.data or {}):
        raise MergeRefused(f"{doc.path.name}: {key} is written in a form that cannot be merged field by field.")
    # A key new to this version goes after the key before it in `source` (else in seed order).
    source_keys = [k.value for k, _ in _pairs(source)]
    before = source_keys[: source_keys.index(key)] if key in source_keys else []
    if key in SEED_KEY_ORDER:
        before += [k for k in SEED_KEY_ORDER[: SEED_KEY_ORDER.index(key)] if k not in before]
    at = 0
    for previous in reversed(before):
        span = _entry_span(doc, previous)
        if span is not None:
            at = span[1]
            break
    if at and not front[:at].endswith("\n"):
        lines = doc.newline + lines
    return _replaced_front(doc, front[:at] + lines + front[at:])


def _replace_body(doc: Document, body: str) -> Document:
    assert doc.text is not None
    fence_end = doc.text.find("\n", doc.front_end)
    if fence_end < 0:
        head = doc.text + (doc.newline if body else "")
    else:
        head = doc.text[: fence_end + 1]
    raw = (b"\xef\xbb\xbf" if doc.bom else b"") + (head + body).encode("utf-8")
    new = parse_document(raw, doc.path, previous=doc)
    new.stamp = doc.stamp
    return new
