"""Helpers shared by the test modules (imported as `helpers`: pytest puts tests/ on sys.path)."""

from __future__ import annotations

import difflib
import unicodedata

from desktop.records import model

# Problems about the whole file rather than a line in it: a file that cannot be a record at all.
WHOLE_FILE_CODES = {
    model.ENCODING,
    model.NO_FRONT_MATTER,
    model.UNCLOSED,
    model.SYNTAX,
    model.DUPLICATE_KEY,
    model.NOT_A_MAPPING,
    model.UNSUPPORTED,
    model.IO,
}


def changed_lines(before: bytes, after: bytes) -> list[str]:
    """The -/+ lines of a diff between two versions of a file, as `git diff -U0` shows them."""
    diff = difflib.unified_diff(before.decode().splitlines(), after.decode().splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def changed_blocks(before: bytes, after: bytes) -> list[tuple[str, list[bytes], list[bytes]]]:
    """Each changed run of lines, exact bytes and line endings kept: (opcode, old lines, new lines)."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    return [
        (op, old[i1:i2], new[j1:j2])
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
        if op != "equal"
    ]


def per_character_width(text: str) -> int:
    """Terminal columns of `text` by the rule `newsdesk list` keeps: wide characters 2, combining 0."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


def per_character_truncate(text: str, width: int) -> str:
    """`text` cut to `width` columns with "…", one character at a time, as `newsdesk list` must."""
    if per_character_width(text) <= width:
        return text
    out, used = "", 0
    for char in text:
        if used + per_character_width(char) > width - 1:
            break
        out += char
        used += per_character_width(char)
    return out + "…"
