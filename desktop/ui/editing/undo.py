"""One undo step of the editing: the values an edit replaced and the ones it set, for one record or many."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Protocol

from PySide6.QtGui import QUndoCommand

from desktop.records import EditStep, Snapshot


class SetsValues(Protocol):
    """What an undo step asks of the controller (EditController.apply_snapshot)."""

    def apply_snapshot(
        self, snapshot: Snapshot, description: str, announce: tuple[str, EditStep] | None = None
    ) -> None: ...


# Consecutive changes of one number on the same records within this time are one undo step:
# typing "75" or holding an arrow key is one edit to the editor.
MERGE_WINDOW_S = 2.0
_MERGE_ID = 0x4E44  # any id other than -1 turns merging on; commands compare their merge keys


def merge_snapshots(snapshots: Iterable[Snapshot]) -> Snapshot:
    merged: Snapshot = {}
    for snapshot in snapshots:
        for key, values in snapshot.items():
            merged.setdefault(key, {}).update(values)
    return merged


class EditCommand(QUndoCommand):
    """One edit of one or more records; undo sets the values it replaced, redo sets them again."""

    def __init__(self, controller: SetsValues, step: EditStep, merge_key: tuple | None = None) -> None:
        super().__init__(step.description)
        self._controller = controller
        self.step = step
        self.merge_key = merge_key
        self._stamp = time.monotonic()
        self._already_done = True  # pushed after the edit was made: the stack's first redo is a no-op

    def id(self) -> int:
        return _MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditCommand) or other.merge_key != self.merge_key:
            return False
        if other._stamp - self._stamp > MERGE_WINDOW_S:
            return False
        self.step = EditStep(self.step.description, self.step.before, other.step.after)
        self._stamp = other._stamp
        if self.step.before == self.step.after:
            self.setObsolete(True)  # typed back to where it was: nothing left to undo
        return True

    def redo(self) -> None:
        if self._already_done:
            self._already_done = False
            return
        self._controller.apply_snapshot(self.step.after, self.text(), announce=("Redid", self.step))

    def undo(self) -> None:
        self._controller.apply_snapshot(self.step.before, f"Undo {self.text()}", announce=("Undid", self.step))
