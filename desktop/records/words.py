"""Counts in sentences, said the same way by the window, the command line and git messages."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """ "1 record", "2 records", "1,000 records"; `plural` for a noun that is not made with an s."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"
