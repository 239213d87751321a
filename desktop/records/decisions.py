"""An editor's decision on a record, kept in the record itself. Qt-free.

A decision has to survive a restart and reach the other editors with the folder, so it is written
into the front matter rather than kept in a local cache: approval is `published: true` as it always
was; declining and flagging add `decision: declined` (or `flagged`), with an optional
`declineReason` and `decisionNote`. Every decision sets all of these keys at once, so a new
decision replaces the old one and leaves no stale reason behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .editor import REMOVE

APPROVED = "approved"
DECLINED = "declined"
FLAGGED = "flagged"
DECISIONS = (APPROVED, DECLINED, FLAGGED)

DECISION_KEY = "decision"
REASON_KEY = "declineReason"
NOTE_KEY = "decisionNote"
DECISION_KEYS = ("published", DECISION_KEY, REASON_KEY, NOTE_KEY)

# What each decision is called in a sentence ("Undid approval of ...", "Declined '...'").
NOUNS = {APPROVED: "approval", DECLINED: "decline", FLAGGED: "flag"}
VERBS = {APPROVED: "Approved", DECLINED: "Declined", FLAGGED: "Flagged"}


def decision_of(data: Mapping[str, Any] | None) -> str:
    """The decision a record's front matter holds: "approved", "declined", "flagged" or ""."""
    if not isinstance(data, Mapping):
        return ""
    if data.get("published") is True:
        return APPROVED
    written = data.get(DECISION_KEY)
    return written if written in (DECLINED, FLAGGED) else ""


def decision_changes(data: Mapping[str, Any] | None, decision: str, reason: str = "", note: str = "") -> dict[str, Any]:
    """The top-level changes that record `decision` on a record whose data is `data`.

    `published` is only written when it must change (declining an approved record), so declining
    a record with `published: false` adds the decision lines and touches nothing else.
    """
    if decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}")
    data = data if isinstance(data, Mapping) else {}
    reason, note = reason.strip(), note.strip()
    changes: dict[str, Any] = {}
    if decision == APPROVED:
        changes["published"] = True
        changes[DECISION_KEY] = REMOVE
        changes[REASON_KEY] = REMOVE
        changes[NOTE_KEY] = REMOVE
        return changes
    if data.get("published") is True:
        changes["published"] = False
    changes[DECISION_KEY] = decision
    changes[REASON_KEY] = reason if decision == DECLINED and reason else REMOVE
    changes[NOTE_KEY] = note if note else REMOVE
    return changes
