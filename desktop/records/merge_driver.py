"""`newsdesk merge BASE OURS THEIRS [PATH]`: git's merge driver for record files. Qt-free.

Git calls it with `%O %A %B %P` (the common ancestor, our version, their version, the file's
path in the repository) and takes what is in OURS afterwards. The record merges field by field
(`merge.py`); exit 0 when clean, 1 with conflict markers around exactly the fields both sides
changed. Whatever is written goes through the atomic save, so OURS is never half written.

The field merge applies one side's changed values onto the other side's text. That loses
nothing only if the side applied is fully described by its values (its author changed no comment
or layout besides), so the side that is is applied; when neither is, or the file is not YAML
front matter, git's own line merge (`git merge-file`) is used and its result taken as git would.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from .merge import (
    BODY,
    MINE,
    THEIRS,
    FieldConflict,
    MergeRefused,
    _entry_span,
    entry_text,
    fully_described,
    merge_documents,
)
from .model import Document
from .reading import parse_document
from .store import SaveError, atomic_write

CLEAN, CONFLICTS, FAILED = 0, 1, 2


@dataclass
class DriverOutcome:
    exit_code: int
    summary: str  # one line for git's output


def run_merge_driver(
    base_file: str, ours_file: str, theirs_file: str, name: str | None = None, marker_size: int = 7
) -> DriverOutcome:
    label = name or ours_file
    try:
        base_raw, ours_raw, theirs_raw = (Path(f).read_bytes() for f in (base_file, ours_file, theirs_file))
    except OSError as error:
        return DriverOutcome(FAILED, f"{label}: cannot read a version to merge: {error.strerror or error}")
    path = Path(label)
    base, ours, theirs = (parse_document(raw, path) for raw in (base_raw, ours_raw, theirs_raw))
    try:
        merged, conflicts, ours_changed, theirs_changed = _field_merge(base, ours, theirs, marker_size)
    except MergeRefused as refused:
        return _line_merge(base_file, ours_file, theirs_file, label, marker_size, f"{refused}")
    try:
        atomic_write(ours_file, merged)
    except SaveError as error:
        return DriverOutcome(FAILED, str(error))
    if conflicts:
        listed = "; ".join(_conflict_words(c) for c in conflicts)
        return DriverOutcome(CONFLICTS, f"{label}: both sides changed {listed}; resolve it between the markers")
    return DriverOutcome(
        CLEAN, f"{label}: merged field by field (ours: {_keys(ours_changed)}; theirs: {_keys(theirs_changed)})"
    )


def _keys(keys) -> str:
    return ", ".join(str(k) for k in keys) or "nothing"


def _shown(value) -> str:
    from .editor import REMOVE

    return "removed" if value is REMOVE else repr(value) if not isinstance(value, str) or len(value) < 40 else "changed"


def _conflict_words(conflict: FieldConflict) -> str:
    # Oriented as git's sides: `mine` here is always ours.
    return f"{conflict.key} (ours {_shown(conflict.mine)}, theirs {_shown(conflict.theirs)})"


def _field_merge(base: Document, ours: Document, theirs: Document, marker_size: int):
    """(bytes to write, conflicts oriented with mine=ours, keys ours changed, keys theirs changed)."""
    if fully_described(base, ours):
        onto, applied, toward_ours = theirs, ours, MINE
    elif fully_described(base, theirs):
        onto, applied, toward_ours = ours, theirs, THEIRS
    else:
        raise MergeRefused("both sides changed more than field values (comments or layout)")
    first = merge_documents(base, onto, applied)
    if applied is ours:
        ours_changed, theirs_changed = first.mine_changed, first.theirs_changed
        conflicts = first.conflicts
    else:
        ours_changed, theirs_changed = first.theirs_changed, first.mine_changed
        conflicts = [FieldConflict(c.key, c.base, c.mine, c.theirs) for c in first.conflicts]
    if first.clean and first.document is not None:
        return first.document.raw, [], ours_changed, theirs_changed
    # Our value in every conflicting field, then each such field's lines replaced by both versions.
    resolved = merge_documents(base, onto, applied, resolutions={c.key: toward_ours for c in first.conflicts}).document
    if resolved is None:  # every conflict was given a side, so this merge has none left
        raise MergeRefused("the conflicts could not be resolved toward our version")
    return _with_markers(resolved, ours, theirs, conflicts, marker_size), conflicts, ours_changed, theirs_changed


def _block(ours_text: str, theirs_text: str, nl: str, size: int) -> str:
    def ended(text: str) -> str:
        return text if not text or text.endswith("\n") else text + nl

    return f"{'<' * size} ours{nl}{ended(ours_text)}{'=' * size}{nl}{ended(theirs_text)}{'>' * size} theirs{nl}"


def _with_markers(doc: Document, ours: Document, theirs: Document, conflicts: list[FieldConflict], size: int) -> bytes:
    assert doc.text is not None
    nl = doc.newline
    front = doc.front_text
    edits: list[tuple[int, int, str]] = []
    for conflict in conflicts:
        if conflict.key is BODY:
            continue
        block = _block(entry_text(ours, conflict.key) or "", entry_text(theirs, conflict.key) or "", nl, size)
        span = _entry_span(doc, conflict.key)
        if span is None:  # we removed it: both versions go at the end of the front matter
            at = len(front)
            lead = nl if front and not front.endswith("\n") else ""
            edits.append((at, at, lead + block))
        else:
            edits.append((span[0], span[1], block))
    for start, end, new in sorted(edits, reverse=True):
        front = front[:start] + new + front[end:]
    text = doc.text[: doc.front_start] + front + doc.text[doc.front_end :]
    if any(c.key is BODY for c in conflicts):
        fence_end = text.find("\n", doc.front_start + len(front))
        head = text[: fence_end + 1] if fence_end >= 0 else text + nl
        text = head + _block(ours.body, theirs.body, nl, size)
    return (b"\xef\xbb\xbf" if doc.bom else b"") + text.encode("utf-8")


def _line_merge(base_file: str, ours_file: str, theirs_file: str, label: str, size: int, why: str) -> DriverOutcome:
    try:
        done = subprocess.run(
            [
                "git",
                "merge-file",
                "-p",
                f"--marker-size={size}",
                "-L",
                "ours",
                "-L",
                "base",
                "-L",
                "theirs",
                ours_file,
                base_file,
                theirs_file,
            ],
            capture_output=True,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return DriverOutcome(FAILED, f"{label}: {why}, and git merge-file could not run: {error}")
    if done.returncode < 0 or done.returncode > 127:
        return DriverOutcome(
            FAILED, f"{label}: {why}, and git merge-file failed: {done.stderr.decode(errors='replace').strip()}"
        )
    try:
        atomic_write(ours_file, done.stdout)
    except SaveError as error:
        return DriverOutcome(FAILED, str(error))
    if done.returncode == 0:
        return DriverOutcome(CLEAN, f"{label}: merged line by line ({why})")
    return DriverOutcome(CONFLICTS, f"{label}: merged line by line with conflicts ({why})")
