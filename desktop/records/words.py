"""Counts and names in sentences, said the same way by the window, the command line and git messages."""

from __future__ import annotations

import os


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """ "1 record", "2 records", "1,000 records"; `plural` for a noun that is not made with an s."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def file_name(path: str | os.PathLike[str]) -> str:
    """The last part of a record's path, as messages and the table name a record without a title
    (split as text: the table asks it of every row when it sorts 100,000)."""
    return os.fspath(path).replace("\\", "/").rsplit("/", 1)[-1]
