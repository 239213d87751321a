"""The checks of a whole folder beyond each record's schema: duplicates (offline, always) and,
when asked, the health of every link and image (`linkcheck`). Qt-free; the CLI and the window
both call `folder_problems` with the summaries they already have."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .duplicates import duplicate_problems
from .linkcheck import IMAGE, MAX_PIXELS, PAGE, LinkChecker, LinkResult
from .model import IMAGE as IMAGE_CODE
from .model import LINK, WARNING, Document, Problem, RecordSummary
from .nodes import position_in_file
from .reading import read_document
from .schema import json_path

# Images smaller than this on their shorter side are too small to show (a setting in the window).
DEFAULT_MIN_IMAGE_SIZE = 200
_PAGE_KEYS = ("webUrl", "ampWebUrl", "cdnAmpWebUrl")


@dataclass(frozen=True)
class Link:
    """One address in a record: where it is written, and for an image the size the record declares."""

    url: str
    kind: str
    path: str  # JSON path, "$.images[0].url"
    line: int | None
    column: int | None
    declared: tuple[Any, Any] | None = None


def folder_problems(
    summaries: Sequence[RecordSummary],
    *,
    online: bool = False,
    checker: LinkChecker | None = None,
    min_image_size: int = DEFAULT_MIN_IMAGE_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, list[Problem]]:
    """Warnings by record path, beside the problems each summary carries. Without `online` no
    request is made; with it every record's links are checked through `checker`."""
    found = duplicate_problems(summaries)
    if online:
        for path, problems in online_problems(summaries, checker or LinkChecker(), min_image_size, progress)[0].items():
            found.setdefault(path, []).extend(problems)
    return found


def online_problems(
    summaries: Sequence[RecordSummary],
    checker: LinkChecker,
    min_image_size: int = DEFAULT_MIN_IMAGE_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[dict[str, list[Problem]], dict[str, LinkResult]]:
    """The link and image warnings by record path, and every address's answer (for the window's lists)."""
    links_by_path = {
        summary.path: record_links(read_document(Path(summary.path))) for summary in summaries if summary.editable
    }
    results = checker.check(((link.url, link.kind) for links in links_by_path.values() for link in links), progress)
    found: dict[str, list[Problem]] = {}
    for path, links in links_by_path.items():
        problems = [problem for link in links for problem in link_problems(link, results.get(link.url), min_image_size)]
        if problems:
            found[path] = problems
    return found, results


def all_problems(summary: RecordSummary, extra: dict[str, list[Problem]]) -> list[Problem]:
    """A record's own problems and the folder's warnings about it, in file order."""
    problems = list(summary.problems) + extra.get(summary.path, [])
    return sorted(problems, key=lambda problem: (problem.line or 0, problem.column or 0))


def record_links(document: Document) -> list[Link]:
    """Every address the record points to: its own three, each related story's, each image's."""
    data = document.data if isinstance(document.data, dict) else {}
    links: list[Link] = []

    def add(keys: list[Any], kind: str, declared: tuple[Any, Any] | None = None) -> None:
        value: Any = data
        for key in keys:
            value = (
                value.get(key)
                if isinstance(value, dict)
                else (value[key] if isinstance(value, list) and isinstance(key, int) and key < len(value) else None)
            )
        if not isinstance(value, str) or not value.strip():
            return
        line, column = position_in_file(document.root, keys, document.front_line) or (None, None)
        links.append(Link(value.strip(), kind, json_path(keys), line, column, declared))

    for key in _PAGE_KEYS:
        add([key], PAGE)
    for index, image in enumerate(data.get("images") or [] if isinstance(data.get("images"), list) else []):
        if isinstance(image, dict):
            add(["images", index, "url"], IMAGE, (image.get("width"), image.get("height")))
    for index, item in enumerate(data.get("related") or [] if isinstance(data.get("related"), list) else []):
        if isinstance(item, dict):
            for key in _PAGE_KEYS:
                add(["related", index, key], PAGE)
    return links


def link_problems(link: Link, result: LinkResult | None, min_image_size: int = DEFAULT_MIN_IMAGE_SIZE) -> list[Problem]:
    """The warnings one checked address earns, at the line of the address."""
    if result is None:
        return []
    what = "image" if link.kind == IMAGE else "link"

    def warning(message: str, code: str = LINK) -> Problem:
        return Problem(message, line=link.line, column=link.column, path=link.path, code=code, level=WARNING)

    if result.error:
        return [warning(f"{what} {link.url} cannot be reached: {result.error}")]
    if result.status is not None and result.status >= 400:
        return [warning(f"{what} {link.url} answers {result.status} {result.reason}".rstrip())]
    problems = []
    if result.redirects:
        hops = "1 redirect" if result.redirects == 1 else f"{result.redirects} redirects"
        problems.append(warning(f"{what} {link.url} has moved to {result.final_url} ({hops})"))
    if link.kind == IMAGE:
        problems.extend(warning(message, IMAGE_CODE) for message in _image_findings(link, result, min_image_size))
    return problems


def loaded_image_problems(
    document: Document, url: str, size: tuple[int, int], min_image_size: int = DEFAULT_MIN_IMAGE_SIZE
) -> list[Problem]:
    """The warnings about an image the window decoded itself (a thumbnail), at each line where the
    record names it: its real size against the declared one, and against the minimum."""
    result = LinkResult(url.strip(), IMAGE, status=200, size=size)
    return [
        problem
        for link in record_links(document)
        if link.kind == IMAGE and link.url == result.url
        for problem in link_problems(link, result, min_image_size)
    ]


def problems_as_typed(document: Document, problems: Sequence[Problem], typed: dict[str, str]) -> list[Problem]:
    """`problems` of `document` as the form holds it: a field whose typed value can't be used yet
    (`typed`: key -> the schema's message about it) has that problem, at the field's line, in
    place of what the file's value had."""
    if not typed:
        return list(problems)
    kept = [
        problem
        for problem in problems
        if not any(problem.path == f"$.{key}" or problem.path.startswith((f"$.{key}.", f"$.{key}[")) for key in typed)
    ]
    for key, message in typed.items():
        line, column = position_in_file(document.root, [key], document.front_line) or (None, None)
        kept.append(Problem(message, line=line, column=column, path=f"$.{key}"))
    return sorted(kept, key=lambda problem: (problem.line or 0, problem.column or 0))


def merged_problems(*groups: Sequence[Problem]) -> list[Problem]:
    """Problems from several checks, each said once: the online check and a loaded thumbnail can
    find the same wrong size."""
    seen: set[tuple] = set()
    merged = []
    for problem in (problem for group in groups for problem in group):
        key = (problem.line, problem.column, problem.message)
        if key not in seen:
            seen.add(key)
            merged.append(problem)
    return merged


def _image_findings(link: Link, result: LinkResult, min_image_size: int) -> list[str]:
    if result.size is None:
        kind = result.content_type or "unknown type"
        return [f"image {link.url} is not an image ({kind})"]
    width, height = result.size
    if width * height > MAX_PIXELS:
        return [f"image {link.url} is too large to decode ({width} x {height})"]
    findings = []
    declared = link.declared
    if declared is not None and all(isinstance(side, int) for side in declared) and tuple(declared) != (width, height):
        findings.append(f"image {link.url} is {width} x {height}, not {declared[0]} x {declared[1]} as the record says")
    if min(width, height) < min_image_size:
        findings.append(f"image {link.url} is {width} x {height}, smaller than {min_image_size} pixels")
    return findings


def link_state(result: LinkResult) -> str:
    """A few words on an address for the window's lists: "", "moved", "404 Not Found", "timed out"."""
    if result.error:
        return result.error
    if result.status is not None and result.status >= 400:
        return f"{result.status} {result.reason}".strip()
    return "moved" if result.redirects else ""
