"""The dialogs of editing: the diff each save will write, and the questions a save can raise.

The question functions are module-level so callers look them up at call time (tests replace
them with a recorded answer).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.records import ABSENT, MINE, THEIRS, Document, FieldConflict, MergeResult, change_words, file_name
from desktop.ui.widgets.text import plain_tooltip


class DiffHighlighter(QSyntaxHighlighter):
    """Colours a unified diff's added, removed and hunk lines; the text stays plain text."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._formats: dict[str, QTextCharFormat] = {}
        for prefix, colour, bold in (
            ("+", "#1b7f37", False),
            ("-", "#b3261e", False),
            ("@", "#5b5fc7", False),
            ("file", "#202020", True),
        ):
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(colour))
            if bold:
                fmt.setFontWeight(QFont.Weight.Bold)
            self._formats[prefix] = fmt

    def highlightBlock(self, text: str) -> None:
        if text.startswith(("+++ ", "--- ")):
            kind = "file"
        elif text[:1] in ("+", "-", "@"):
            kind = text[:1]
        else:
            return
        self.setFormat(0, len(text), self._formats[kind])


class ReviewChangesDialog(QDialog):
    """Every unsaved record's diff, exactly as its save will write it; each record can be saved
    or reverted from here (the owner does it and then shows the outcome with `setDiffs`)."""

    saveRequested = Signal(str)  # the record's path
    revertRequested = Signal(str)

    def __init__(
        self, diffs: Mapping[str, str], parent: QWidget | None = None, names: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reviewChangesDialog")
        self.setWindowTitle("Review Changes")
        self.resize(980, 580)
        self._diffs: dict[str, str] = {}
        self._names: dict[str, str] = {}
        self._first_lines: dict[str, int] = {}
        self.summaryLabel = QLabel(self)
        self.summaryLabel.setObjectName("reviewChangesSummary")
        self.summaryLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.recordList = QListWidget(self)
        self.recordList.setObjectName("reviewChangesRecords")
        self.recordList.setAccessibleName("Records with unsaved changes")
        # Whole headlines, wrapped: two stories often share their first words.
        self.recordList.setWordWrap(True)
        self.recordList.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.recordList.setSpacing(2)
        self.recordList.currentRowChanged.connect(self._show_current)
        self.saveButton = QPushButton("&Save This Record", self)
        self.saveButton.setObjectName("reviewSaveButton")
        self.saveButton.setToolTip("Write this record's diff to its file")
        self.revertButton = QPushButton("&Revert This Record", self)
        self.revertButton.setObjectName("reviewRevertButton")
        self.revertButton.setToolTip("Drop this record's unsaved changes (Undo brings them back)")
        self.saveButton.clicked.connect(lambda: self._request(self.saveRequested))
        self.revertButton.clicked.connect(lambda: self._request(self.revertRequested))
        self.outcomeLabel = QLabel(self)
        self.outcomeLabel.setObjectName("reviewChangesOutcome")
        self.outcomeLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.outcomeLabel.setWordWrap(True)
        self.diffView = QPlainTextEdit(self)
        self.diffView.setObjectName("diffView")
        self.diffView.setAccessibleName("Unsaved changes as a unified diff")
        self.diffView.setReadOnly(True)
        self.diffView.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.diffView.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        # Attached before the text arrives, so the colours are there when the dialog shows.
        self.highlighter = DiffHighlighter(self.diffView.document())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        self.closeButton = buttons.button(QDialogButtonBox.StandardButton.Close)
        # Enter closes: saving or reverting a record takes its own named key, never a stray Enter.
        for button in (self.saveButton, self.revertButton):
            button.setAutoDefault(False)
        self.closeButton.setDefault(True)

        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.recordList, 1)
        record_buttons = QHBoxLayout()
        record_buttons.addWidget(self.saveButton)
        record_buttons.addWidget(self.revertButton)
        side_layout.addLayout(record_buttons)
        side_layout.addWidget(self.outcomeLabel)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(side)
        splitter.addWidget(self.diffView)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 680])
        layout = QVBoxLayout(self)
        layout.addWidget(self.summaryLabel)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.set_diffs(diffs, names)
        self.recordList.setFocus()

    def set_diffs(self, diffs: Mapping[str, str], names: Mapping[str, str] | None = None) -> None:
        """Show these records' diffs; the same row stays selected (the next one if it went)."""
        row = max(0, self.recordList.currentRow())
        self._diffs = dict(diffs)
        self._names = {key: (names or {}).get(key) or Path(key).name for key in self._diffs}
        count = len(self._diffs)
        self.summaryLabel.setText(
            "No unsaved changes."
            if not count
            else f"{count} unsaved record{'s' if count != 1 else ''}: each diff is exactly what Save will write."
        )
        self._first_lines = {}
        line = 0
        for key, diff in self._diffs.items():
            self._first_lines[key] = line
            line += diff.rstrip("\n").count("\n") + 2  # its lines and the blank line between
        # setPlainText: record text is never interpreted as markup.
        self.diffView.setPlainText("\n\n".join(diff.rstrip("\n") for diff in self._diffs.values()))
        self.recordList.blockSignals(True)
        self.recordList.clear()
        for key in self._diffs:
            item = QListWidgetItem(self._names[key])
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(plain_tooltip(key))
            self.recordList.addItem(item)
        self.recordList.blockSignals(False)
        for button in (self.saveButton, self.revertButton):
            button.setEnabled(bool(count))
        if count:
            self.recordList.setCurrentRow(min(row, count - 1))
            self._show_current(self.recordList.currentRow())
        elif self.recordList.hasFocus() or self.saveButton.hasFocus() or self.revertButton.hasFocus():
            self.closeButton.setFocus()

    def set_outcome(self, text: str) -> None:
        self.outcomeLabel.setText(text)

    def current_path(self) -> str | None:
        item = self.recordList.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def paths(self) -> list[str]:
        return list(self._diffs)

    def _request(self, signal) -> None:
        key = self.current_path()
        if key is not None:
            signal.emit(key)

    def _show_current(self, row: int) -> None:
        key = self.current_path()
        if key is None:
            return
        # No wrapping, so the scroll bar counts lines: this record's diff starts at the top.
        self.diffView.verticalScrollBar().setValue(self._first_lines.get(key, 0))

    def text(self) -> str:
        return self.diffView.toPlainText()


@dataclass
class MergeOffer:
    """What a merge of my edits onto the changed file would do, for the changed-on-disk question.

    `result` is the field merge (None when `refusal` says why there is none); the dialog fills
    `resolutions` ({key: MINE or THEIRS}) for the fields both sides changed.
    """

    result: MergeResult | None
    base: Document
    theirs: Document | None
    refusal: str = ""
    resolutions: dict = field(default_factory=dict)
    others: int = 0  # Save All: how many more records changed on disk wait for the same question
    apply_to_all: bool = False  # the editor's answer goes for those too (set by the dialog)

    def disk_changes(self) -> list[str]:
        if self.result is None or self.theirs is None:
            return []
        base, theirs = self.base.data or {}, self.theirs.data or {}
        return [change_words(k, base.get(k, ABSENT), theirs.get(k, ABSENT)) for k in self.result.theirs_changed]


def _shown_value(value) -> str:
    if value is ABSENT:
        return "(removed)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:59] + "…"


class FieldChoiceDialog(QDialog):
    """For each field both sides changed: keep mine or take the version on disk."""

    def __init__(self, conflicts: Sequence[FieldConflict], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldChoiceDialog")
        self.setWindowTitle("Choose Per Field")
        layout = QVBoxLayout(self)
        intro = QLabel("Both you and the change on disk set these fields. Choose which value to keep:", self)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        grid = QGridLayout()
        self.choices: dict = {}
        for row, conflict in enumerate(conflicts):
            name = QLabel(str(conflict.key), self)
            name.setTextFormat(Qt.TextFormat.PlainText)
            mine = QRadioButton(f"Yours: {_shown_value(conflict.mine)}", self)
            theirs = QRadioButton(f"On disk: {_shown_value(conflict.theirs)}", self)
            mine.setObjectName(f"keepMine_{conflict.key}")
            theirs.setObjectName(f"takeTheirs_{conflict.key}")
            group = QButtonGroup(self)
            group.addButton(mine)
            group.addButton(theirs)
            mine.setChecked(True)
            grid.addWidget(name, row, 0)
            grid.addWidget(mine, row, 1)
            grid.addWidget(theirs, row, 2)
            self.choices[conflict.key] = (mine, theirs)
        layout.addLayout(grid)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.mergeButton = buttons.addButton("&Merge and Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.mergeButton.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def resolutions(self) -> dict:
        return {key: MINE if mine.isChecked() else THEIRS for key, (mine, _theirs) in self.choices.items()}


def choose_per_field(parent: QWidget | None, conflicts: Sequence[FieldConflict]) -> dict | None:
    """{key: MINE or THEIRS} for each conflicting field, or None when cancelled."""
    dialog = FieldChoiceDialog(conflicts, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.resolutions()


def _message_box(parent: QWidget | None, name: str, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    """A question or a report whose text is record text (a story's file name): shown as plain text."""
    box = QMessageBox(parent)
    box.setObjectName(name)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    return box


def ask_changed_on_disk(parent: QWidget | None, path: str | Path, merge: MergeOffer | None = None) -> str:
    """Ask what to do with a record that changed on disk since it was read: "merge" (my edits
    onto the version on disk; `merge.resolutions` filled for conflicting fields), "reload" (drop
    my edits to it), "overwrite", or "cancel"."""
    box = _message_box(
        parent,
        "changedOnDiskBox",
        QMessageBox.Icon.Warning,
        "File Changed on Disk",
        f"{file_name(path)} changed on disk since you opened it.",
    )
    explanation = (
        "Reload it to see the new version (your unsaved edits to it are dropped), "
        "or overwrite it with your version (the change on disk is lost)."
    )
    merge_button = None
    result = merge.result if merge is not None else None
    if merge is not None and result is not None:
        changed = merge.disk_changes()
        on_disk = "Changed on disk: " + ("; ".join(changed) if changed else "only its layout or comments") + "."
        if result.clean:
            explanation = on_disk + "\n\nMerge keeps that change and your edits, and saves. " + explanation
            merge_button = box.addButton("&Merge", QMessageBox.ButtonRole.AcceptRole)
        else:
            both = ", ".join(str(c.key) for c in result.conflicts)
            explanation = (
                on_disk + f"\n\nYou changed {both} too. Merge lets you choose per field, and saves. " + explanation
            )
            merge_button = box.addButton("&Merge…", QMessageBox.ButtonRole.AcceptRole)
    elif merge is not None and merge.refusal:
        explanation = f"It can't be merged: {merge.refusal}\n\n" + explanation
    box.setInformativeText(explanation)
    reload_button = box.addButton("&Reload", QMessageBox.ButtonRole.DestructiveRole)
    overwrite_button = box.addButton("&Overwrite", QMessageBox.ButtonRole.AcceptRole)
    cancel_button = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(merge_button if merge_button is not None and result.clean else cancel_button)
    box.setEscapeButton(cancel_button)
    if merge is not None and merge.others:
        more = f"{merge.others} other record{'s' if merge.others != 1 else ''}"
        box.setCheckBox(QCheckBox(f"&Apply to all: do the same for the {more} changed on disk", box))
        box.checkBox().setObjectName("applyToAllCheck")
    box.exec()
    clicked = box.clickedButton()
    if box.checkBox() is not None and merge is not None:
        merge.apply_to_all = box.checkBox().isChecked()
    if merge_button is not None and clicked is merge_button:
        if result.clean:
            return "merge"
        chosen = choose_per_field(parent, result.conflicts)
        if chosen is None:
            return "cancel"
        merge.resolutions.update(chosen)
        return "merge"
    if clicked is reload_button:
        return "reload"
    if clicked is overwrite_button:
        return "overwrite"
    return "cancel"


def ask_unsaved(parent: QWidget | None, count: int) -> str:
    """Ask before unsaved edits would be lost: "save" (all), "discard", or "cancel"."""
    box = _message_box(
        parent,
        "unsavedEditsBox",
        QMessageBox.Icon.Question,
        "Unsaved Edits",
        f"{count} record{'s have' if count != 1 else ' has'} unsaved edits.",
    )
    box.setInformativeText("Save them before going on?")
    box.setStandardButtons(
        QMessageBox.StandardButton.SaveAll | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel
    )
    box.setDefaultButton(QMessageBox.StandardButton.SaveAll)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    answer = box.exec()
    if answer == QMessageBox.StandardButton.SaveAll:
        return "save"
    if answer == QMessageBox.StandardButton.Discard:
        return "discard"
    return "cancel"


def show_save_failures(parent: QWidget | None, failures: Mapping[str, str], saved: int) -> None:
    """Tell which records could not be saved and why (the others were saved)."""
    failed = len(failures)
    box = _message_box(
        parent,
        "saveFailuresBox",
        QMessageBox.Icon.Warning,
        "Some Records Were Not Saved",
        f"{failed} record{'s' if failed != 1 else ''} could not be saved"
        + (f"; {saved} other{'s were' if saved != 1 else ' was'} saved." if saved else "."),
    )
    box.setInformativeText(failure_lines(failures, limit=8))
    box.setDetailedText(failure_lines(failures))
    box.exec()


def failure_lines(failures: Mapping[str, str], limit: int | None = None) -> str:
    items: Sequence[tuple[str, str]] = list(failures.items())
    lines = [f"{file_name(path)}: {reason}" for path, reason in items[:limit]]
    if limit is not None and len(items) > limit:
        lines.append(f"… and {len(items) - limit} more")
    return "\n".join(lines)
