"""Finding record files in a folder and summarising them for the record table and `newsdesk list`."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any, Iterable

from .model import IO, RECORD_SUFFIXES, Document, Problem, RecordSummary
from .reading import read_document, scalar_text


def is_record_file(path: str | os.PathLike[str]) -> bool:
    return Path(path).suffix.lower() in RECORD_SUFFIXES


def iter_record_files(folder: str | os.PathLike[str]) -> list[Path]:
    """Every record file under `folder` (recursively), sorted; hidden files and folders are skipped.

    A record file given instead of a folder is returned alone.
    """
    root = Path(folder)
    if root.is_file():
        return [root] if is_record_file(root) else []
    found: list[Path] = []
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = [name for name in subdirectories if not name.startswith(".")]
        found.extend(Path(directory, name) for name in files if not name.startswith(".") and is_record_file(name))
    return sorted(found, key=lambda path: path.relative_to(root).parts)


def summarize_document(document: Document) -> RecordSummary:
    """The table row of a record; a value of the wrong type shows as empty rather than failing."""
    data = document.data if isinstance(document.data, dict) else {}
    provider = data.get("provider") if isinstance(data.get("provider"), dict) else {}
    topics = data.get("topics") if isinstance(data.get("topics"), list) else []
    return RecordSummary(
        path=str(document.path),
        title=_text(data.get("title")),
        excerpt=_text(data.get("excerpt")),
        provider=_text(provider.get("name")),
        domain=_text(provider.get("domain")),
        published_at=_published_at(document, data.get("publishedDateTime")),
        quality=_whole_number(data.get("quality")),
        heat=_whole_number(data.get("heat")),
        published=data.get("published") is True,
        topics=tuple(topic for topic in topics if isinstance(topic, str)),
        problems=tuple(document.problems),
        editable=document.editable,
    )


def summarize_paths(paths: Iterable[str]) -> list[RecordSummary]:
    """Read and summarise each file: the entry point of worker processes, so it never raises."""
    summaries = []
    for path in paths:
        try:
            summaries.append(summarize_document(read_document(path)))
        except Exception as error:  # a summary with the reason beats a dead worker pool
            problem = Problem(f"cannot read the file: {type(error).__name__}: {error}", code=IO)
            summaries.append(RecordSummary(path=str(path), problems=(problem,), editable=False))
    return summaries


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _whole_number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _published_at(document: Document, value: Any) -> str:
    # Shown as the file has it: YAML made a datetime of it, whose str() differs from the text.
    written = scalar_text(document, ["publishedDateTime"])
    if written is not None and value is not None:
        return written
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value if isinstance(value, str) else ""
