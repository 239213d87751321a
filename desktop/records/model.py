"""The data types every part of Newsdesk shares. Qt-free, and cheap to pickle across processes."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RECORD_SUFFIXES = (".txt", ".md", ".markdown")

# The order of top-level keys in the seed record; a missing key is inserted after its predecessor here.
SEED_KEY_ORDER = (
    "category",
    "title",
    "excerpt",
    "publishedDateTime",
    "webUrl",
    "ampWebUrl",
    "cdnAmpWebUrl",
    "type",
    "quality",
    "heat",
    "published",
    "decision",
    "declineReason",
    "decisionNote",
    "provider",
    "topics",
    "images",
    "related",
    "secured",
)

# Problem codes. Whole-file codes make a record unreadable or uneditable; "schema" ones do not.
ENCODING = "encoding"
NO_FRONT_MATTER = "no-front-matter"
UNCLOSED = "unclosed-front-matter"
SYNTAX = "syntax"
DUPLICATE_KEY = "duplicate-key"
NOT_A_MAPPING = "not-a-mapping"
UNSUPPORTED = "unsupported-format"
IO = "io"
SCHEMA = "schema"
# Codes of warnings: the record can be approved, the editor sees why it might not be.
DUPLICATE = "duplicate"
LINK = "link"
IMAGE = "image"

# Problem levels. An error blocks approval; a warning does not.
ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a record, in words an editor understands."""

    message: str
    line: int | None = None  # 1-based line in the file, None when it is about the whole file
    column: int | None = None  # 1-based
    path: str = ""  # JSON path of the value ("$.images[0].url"); "" for whole-file problems
    code: str = SCHEMA
    level: str = ERROR
    other_path: str = ""  # the other record of a duplicate, "" for every other problem

    @property
    def is_error(self) -> bool:
        return self.level != WARNING

    def location(self, file: str | Path) -> str:
        """`FILE:LINE:COL` (or `FILE`), the prefix the CLI and the UI both print."""
        if self.line is None:
            return str(file)
        return f"{file}:{self.line}:{self.column or 1}"


def errors_of(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that block approval."""
    return [problem for problem in problems if problem.is_error]


def warnings_of(problems: Iterable[Problem]) -> list[Problem]:
    return [problem for problem in problems if not problem.is_error]


@dataclass(frozen=True)
class FileStamp:
    """What a file was when it was read, to notice a change on disk before overwriting it."""

    size: int
    mtime_ns: int
    sha256: str


_PLACES: dict[tuple[int, int], tuple[int, int]] = {}


def _shared_place(place: tuple[int, int] | None) -> tuple[int, int] | None:
    """One (line, column) tuple for all the summaries that have it (up to a few thousand kept)."""
    if type(place) is not tuple:
        return place
    shared = _PLACES.get(place)
    if shared is None:
        if len(_PLACES) >= 4096:
            return place
        shared = _PLACES[place] = place
    return shared


@dataclass(slots=True)
class RecordSummary:
    """The few fields the record table shows; built in worker processes, so plain values only."""

    # The record's identity: spelled as `session.path_key` spells it, by every maker of summaries
    # (the scan, the index, the fast path; tests/records/test_scan.py checks each), so the window
    # keys its rows on it as it is.
    path: str
    title: str = ""
    excerpt: str = ""
    provider: str = ""
    domain: str = ""
    published_at: str = ""  # ISO 8601 as written in the file, "" when absent
    quality: int | None = None
    heat: int | None = None
    published: bool = False
    topics: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    editable: bool = True
    # What the folder's duplicate check needs, so it never reads the files again: the record's
    # webUrl, and where title and webUrl are written (line, column).
    web_url: str = ""
    title_at: tuple[int, int] | None = None
    web_url_at: tuple[int, int] | None = None
    # Warnings the record gives on its own (a related story listed twice), found when the summary
    # is made; the folder's check adds those that take other records (duplicates, links).
    warnings: tuple[Problem, ...] = ()
    decision: str = ""  # "declined" or "flagged" as written in the record; approval is `published`
    decline_reason: str = ""

    def __post_init__(self) -> None:
        # A feed has a few providers and a vocabulary of topics: one copy of each name for all
        # rows instead of one per row (about 400 bytes a seed-sized row, 40 MB at 100,000 rows).
        if type(self.provider) is str:
            self.provider = sys.intern(self.provider)
        if type(self.domain) is str:
            self.domain = sys.intern(self.domain)
        if self.topics and all(type(topic) is str for topic in self.topics):
            self.topics = tuple(map(sys.intern, self.topics))
        # Records of one feed are written alike: the title is on line 3 of nearly all of them.
        self.title_at = _shared_place(self.title_at)
        self.web_url_at = _shared_place(self.web_url_at)

    @property
    def problem_count(self) -> int:
        return len(self.problems)

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "title": self.title,
            "provider": self.provider,
            "publishedDateTime": self.published_at,
            "quality": self.quality,
            "heat": self.heat,
            "published": self.published,
            "topics": list(self.topics),
            "problems": self.problem_count,
        }


@dataclass
class Document:
    """A record file as read: its exact bytes, the decoded text and the parsed front matter.

    Offsets are character offsets into `text`, which is the file decoded as UTF-8 with the BOM
    removed and line endings left exactly as they are.
    """

    path: Path
    raw: bytes
    stamp: FileStamp | None = None
    text: str | None = None
    bom: bool = False
    newline: str = "\n"
    format: str | None = None  # "yaml", "toml", "json" or None when no front matter was found
    front_start: int = 0  # offset of the first character of the front matter content
    front_end: int = 0  # offset just after its last character (start of the closing fence line)
    # yaml.MappingNode composed from `front_text`: mark.index is an offset into front_text and
    # mark.line is 0-based from `front_line`, so file line = mark.line + front_line.
    root: Any = None
    data: dict[str, Any] | None = None
    problems: list[Problem] = field(default_factory=list)
    edit_blocker: str | None = None  # why this file cannot be edited; None when it can

    @property
    def editable(self) -> bool:
        return self.edit_blocker is None

    @property
    def front_line(self) -> int:
        """1-based file line of the first front matter line: `root` mark line 0 is this line."""
        return 1 if self.text is None else self.text.count("\n", 0, self.front_start) + 1

    @property
    def front_text(self) -> str:
        return "" if self.text is None else self.text[self.front_start : self.front_end]

    @property
    def body(self) -> str:
        """Everything after the closing fence line."""
        if self.text is None:
            return ""
        end_of_fence = self.text.find("\n", self.front_end)
        return "" if end_of_fence < 0 else self.text[end_of_fence + 1 :]
