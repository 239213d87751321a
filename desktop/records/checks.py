"""The checks of a whole folder beyond each record's schema: duplicates (offline, always) and,
when asked, the health of every link and image (`linkcheck`). Qt-free; the CLI and the window
both call `folder_problems` with the summaries they already have."""
from __future__ import annotations

from collections.abc import Sequence

from .duplicates import duplicate_problems
from .model import Problem, RecordSummary


def folder_problems(summaries: Sequence[RecordSummary]) -> dict[str, list[Problem]]:
    """Warnings by record path, beside the problems each summary carries."""
    return duplicate_problems(summaries)


def all_problems(summary: RecordSummary, extra: dict[str, list[Problem]]) -> list[Problem]:
    """A record's own problems and the folder's warnings about it, in file order."""
    problems = list(summary.problems) + extra.get(summary.path, [])
    return sorted(problems, key=lambda problem: (problem.line or 0, problem.column or 0))
