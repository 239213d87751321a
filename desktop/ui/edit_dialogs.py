"""The dialogs of editing: the diff each save will write, and the questions a save can raise.

The question functions are module-level so callers look them up at call time (tests replace
them with a recorded answer).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


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

    def highlightBlock(self, text: str) -> None:  # noqa: N802
        if text.startswith(("+++ ", "--- ")):
            kind = "file"
        elif text[:1] in ("+", "-", "@"):
            kind = text[:1]
        else:
            return
        self.setFormat(0, len(text), self._formats[kind])


class ReviewChangesDialog(QDialog):
    """Every unsaved record's diff, exactly as its save will write it."""

    def __init__(self, diffs: Mapping[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewChangesDialog")
        self.setWindowTitle("Review Changes")
        self.resize(820, 560)
        count = len(diffs)
        self.summaryLabel = QLabel(self)
        self.summaryLabel.setObjectName("reviewChangesSummary")
        self.summaryLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.summaryLabel.setText(
            "No unsaved changes." if not count else
            f"{count} unsaved record{'s' if count != 1 else ''}: each diff below is exactly what Save will write."
        )
        self.diffView = QPlainTextEdit(self)
        self.diffView.setObjectName("diffView")
        self.diffView.setAccessibleName("Unsaved changes as a unified diff")
        self.diffView.setReadOnly(True)
        self.diffView.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.diffView.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        # Attached before the text arrives, so the colours are there when the dialog shows.
        self.highlighter = DiffHighlighter(self.diffView.document())
        # setPlainText: record text is never interpreted as markup.
        self.diffView.setPlainText("\n\n".join(diff.rstrip("\n") for diff in diffs.values()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summaryLabel)
        layout.addWidget(self.diffView, 1)
        layout.addWidget(buttons)
        self.diffView.setFocus()

    def text(self) -> str:
        return self.diffView.toPlainText()


def _name(path: str | Path) -> str:
    return Path(path).name


def ask_changed_on_disk(parent: QWidget | None, path: str | Path) -> str:
    """Ask what to do with a record that changed on disk since it was read:
    "reload" (drop my edits to it), "overwrite", or "cancel"."""
    box = QMessageBox(parent)
    box.setObjectName("changedOnDiskBox")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("File Changed on Disk")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(f"{_name(path)} changed on disk since you opened it.")
    box.setInformativeText(
        "Reload it to see the new version (your unsaved edits to it are dropped), "
        "or overwrite it with your version (the change on disk is lost)."
    )
    reload_button = box.addButton("&Reload", QMessageBox.ButtonRole.DestructiveRole)
    overwrite_button = box.addButton("&Overwrite", QMessageBox.ButtonRole.AcceptRole)
    cancel_button = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel_button)
    box.setEscapeButton(cancel_button)
    box.exec()
    clicked = box.clickedButton()
    if clicked is reload_button:
        return "reload"
    if clicked is overwrite_button:
        return "overwrite"
    return "cancel"


def ask_unsaved(parent: QWidget | None, count: int) -> str:
    """Ask before unsaved edits would be lost: "save" (all), "discard", or "cancel"."""
    box = QMessageBox(parent)
    box.setObjectName("unsavedEditsBox")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Unsaved Edits")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(f"{count} record{'s have' if count != 1 else ' has'} unsaved edits.")
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
    box = QMessageBox(parent)
    box.setObjectName("saveFailuresBox")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Some Records Were Not Saved")
    box.setTextFormat(Qt.TextFormat.PlainText)
    failed = len(failures)
    box.setText(
        f"{failed} record{'s' if failed != 1 else ''} could not be saved"
        + (f"; {saved} other{'s were' if saved != 1 else ' was'} saved." if saved else ".")
    )
    box.setInformativeText(failure_lines(failures, limit=8))
    box.setDetailedText(failure_lines(failures))
    box.exec()


def failure_lines(failures: Mapping[str, str], limit: int | None = None) -> str:
    items: Sequence[tuple[str, str]] = list(failures.items())
    lines = [f"{_name(path)}: {reason}" for path, reason in items[:limit]]
    if limit is not None and len(items) > limit:
        lines.append(f"… and {len(items) - limit} more")
    return "\n".join(lines)
