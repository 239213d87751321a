"""The editing form of the review pane: quality, heat, topics and approval of one or more records.

The form shows values and reports the user's edits as signals; it never changes a record
itself. Its owner applies an edit (which may be refused) and shows the outcome again with
`showRecords`, so what the form shows is always what would be saved. Loading values never
emits an edit signal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.records import Document, RecordSummary, decision_of, fields, value_problems
from desktop.ui.actions import REDO_KEYS, UNDO_KEYS
from desktop.ui.editing.topics import TopicsEditor
from desktop.ui.widgets.text import plain_label

EDITED_KEYS = ("quality", "heat", "topics", "published")
QUALITY_RANGE = (0, 100)
HEAT_RANGE = (-1, 100)
NOT_RATED = "not rated"


@dataclass(frozen=True)
class FormValues:
    """The edited fields of one record, however it was given to the form."""

    quality: int | None
    heat: int | None
    topics: tuple[str, ...]
    published: bool
    blocker: str | None  # why the record can't be edited, None when it can
    problems: tuple[tuple[str, str], ...]  # (JSON path, message) of the record's own problems
    # Fields whose value is there but is no whole number ("hot"), as written: shown as invalid, not as unset.
    not_numbers: tuple[tuple[str, str], ...] = ()
    decision: str = ""  # "approved", "declined", "flagged" or "" (desktop.records.decisions)
    decline_reason: str = ""

    @classmethod
    def of(cls, record: Document | RecordSummary | Mapping[str, Any]) -> FormValues:
        if isinstance(record, RecordSummary):
            return cls(
                record.quality,
                record.heat,
                tuple(record.topics),
                record.published,
                None if record.editable else _summary_blocker(record),
                tuple((p.path, p.message) for p in record.problems),
                decision="approved" if record.published else record.decision,
                decline_reason=record.decline_reason,
            )
        if isinstance(record, Document):
            data = fields.mapping(record.data)
            problems = tuple((p.path, p.message) for p in record.problems)
            blocker = record.edit_blocker
        else:
            data, problems, blocker = dict(record), (), None
        not_numbers = tuple(
            (key, str(data[key]))
            for key in ("quality", "heat")
            if data.get(key) is not None and fields.whole_number(data.get(key)) is None
        )
        return cls(
            fields.whole_number(data.get("quality")),
            fields.whole_number(data.get("heat")),
            fields.topics(data.get("topics")),
            fields.published(data.get("published")),
            blocker,
            problems,
            not_numbers,
            decision_of(data),
            fields.text(data.get("declineReason")),
        )


def _written(values: list[FormValues], key: str) -> list[str | None]:
    return [dict(v.not_numbers).get(key) for v in values]


def _short(text: str, limit: int = 12) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _summary_blocker(summary: RecordSummary) -> str:
    whole_file = [p.message for p in summary.problems if not p.path]
    return whole_file[0] if whole_file else "the file could not be read as a record"


def first_problem(key: str, value: Any) -> str:
    """The schema's first complaint about `value` for `key`, "" when it is valid."""
    problems = value_problems(key, value)
    return problems[0].message if problems else ""


class FieldSpinBox(QSpinBox):
    """A spin box that can also show a state that is not a value ("mixed (3 values)", "not set").

    That state sits one step below the real minimum and is shown with the special value text,
    so the editor can step or type out of it into a real value.
    """

    def __init__(self, lower: int, upper: int, labels: Mapping[int, str] | None = None, parent=None) -> None:
        super().__init__(parent)
        self._lower = lower
        self._labels = dict(labels or {})  # words for particular values (-1 -> "not rated")
        self.setRange(lower, upper)
        self.setSpecialValueText(self._labels.get(lower, ""))
        self.setAccelerated(True)
        self.setKeyboardTracking(True)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        # Not WheelFocus: scrolling the pane over a field must not take the focus and change it.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event) -> None:
        if not self.hasFocus():
            event.ignore()  # the scroll area behind gets it and scrolls, as the editor meant
            return
        super().wheelEvent(event)

    def textFromValue(self, value: int) -> str:
        return self._labels.get(value) or super().textFromValue(value)

    def valueFromText(self, text: str) -> int:
        for value, label in self._labels.items():
            if text.strip().casefold() == label.casefold():
                return value
        return super().valueFromText(text)

    def validate(self, text: str, pos: int):
        # Qt refuses the keystroke that takes a number out of range, so typing "150" left "15":
        # a value the editor never typed. Kept as typed instead, it shows its message and blocks Save.
        state, fixed, fixed_pos = super().validate(text, pos)
        stripped = text.strip()
        if state == QValidator.State.Invalid and stripped.lstrip("-").isdigit() and len(stripped) <= 6:
            return QValidator.State.Intermediate, text, pos
        return state, fixed, fixed_pos

    @property
    def lower(self) -> int:
        return self._lower

    def show_value(self, value: int) -> None:
        self.setMinimum(self._lower)
        self.setSpecialValueText(self._labels.get(self._lower, ""))
        self.setValue(value)

    def show_state(self, text: str) -> None:
        """Show `text` instead of a value; the next step or typed number leaves this state."""
        self.setMinimum(self._lower - 1)
        self.setSpecialValueText(text)
        self.setValue(self._lower - 1)

    def shows_value(self) -> bool:
        return self.value() >= self._lower

    def state_text(self) -> str:
        return "" if self.shows_value() else self.specialValueText()


_UNDO_KEYS = (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo)
_WINDOW_UNDO_KEYS = tuple(QKeySequence(text)[0] for text in (*UNDO_KEYS, *REDO_KEYS))


def _is_undo_or_redo(event: QKeyEvent) -> bool:
    if any(event.matches(key) for key in _UNDO_KEYS):
        return True
    return event.keyCombination() in _WINDOW_UNDO_KEYS


def _saved_text(key: str, values: Sequence[Any]) -> str:
    distinct = []
    for value in values:
        if value not in distinct:
            distinct.append(value)
    if len(distinct) > 1:
        return f"{len(distinct)} different values"
    value = distinct[0]
    if not isinstance(value, (int, str, list, bool)):  # the file has no such key (or not a plain value)
        return "not set"
    if key == "published":
        return "approved" if value is True else "not approved"
    if key == "heat" and value == -1:
        return "not rated"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "no topics"
    return str(value)


def _problem_label(name: str) -> QLabel:
    label = plain_label(name=name, selectable=False)
    label.setStyleSheet("color: #c62828;")
    label.hide()
    return label


class RecordForm(QWidget):
    """Quality, heat, topics and approval of the records shown, edited in place."""

    fieldEdited = Signal(str, object)  # key, new value: the user set it (on every record shown)
    topicAdded = Signal(str)
    topicRemoved = Signal(str)
    # Why what is being typed can't be saved yet ("" when nothing is wrong): for Save's tooltip.
    inputProblemChanged = Signal(str)
    revertFieldRequested = Signal(str)  # key: put that field back as saved on the records shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordForm")
        self._count = 0
        self._identities: list[str] = []
        self._input_problems: dict[str, str] = {}
        self._shown_problems: dict[str, str] = {}

        self.blockerLabel = QLabel(self)
        self.blockerLabel.setObjectName("formBlocker")
        self.blockerLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.blockerLabel.setWordWrap(True)
        self.blockerLabel.setStyleSheet(
            "QLabel#formBlocker { background: #fff4d6; color: #5c4400; border: 1px solid #e0c060;"
            " border-radius: 4px; padding: 4px 6px; }"
        )
        self.blockerLabel.hide()

        # With several rows selected the pane above still shows one record: say plainly that
        # the form speaks for all of them.
        self.selectionLabel = QLabel(self)
        self.selectionLabel.setObjectName("formSelection")
        self.selectionLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.selectionLabel.setWordWrap(True)
        font = self.selectionLabel.font()
        font.setBold(True)
        self.selectionLabel.setFont(font)
        self.selectionLabel.hide()

        self.qualityInput = FieldSpinBox(*QUALITY_RANGE, parent=self)
        self.qualityInput.setObjectName("qualityInput")
        self.qualityInput.setAccessibleName("Quality")
        self.qualityInput.setToolTip("Quality score, 0 to 100")
        self.qualitySlider = QSlider(Qt.Orientation.Horizontal, self)
        self.qualitySlider.setObjectName("qualitySlider")
        self.qualitySlider.setAccessibleName("Quality slider")
        self.qualitySlider.setRange(*QUALITY_RANGE)
        self.qualitySlider.setPageStep(10)
        self.qualitySlider.setTickInterval(10)
        self.qualitySlider.setTickPosition(QSlider.TickPosition.TicksBelow)
        # Dragging sets the value once, on release; the spin box keeps up while it moves.
        self.qualitySlider.setTracking(False)
        # The spin box already takes arrows and typing; one Tab stop for quality is enough.
        self.qualitySlider.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

        self.heatInput = FieldSpinBox(*HEAT_RANGE, labels={-1: NOT_RATED}, parent=self)
        self.heatInput.setObjectName("heatInput")
        self.heatInput.setAccessibleName("Heat")
        self.heatInput.setToolTip("Heat, 0 to 100; -1 (below 0) means not rated")

        self.topicsInput = TopicsEditor(self)
        self.topicsInput.setValidator(lambda topics: first_problem("topics", topics))

        self.publishedInput = QCheckBox("&Approved for publication", self)
        self.publishedInput.setObjectName("publishedInput")
        self.publishedInput.setAccessibleName("Approved for publication")

        self.problemLabels = {key: _problem_label(f"{key}Problem") for key in EDITED_KEYS}
        # As MusicBrainz Picard shows original and new: a field with an unsaved change says what
        # its file holds, and puts it back on its own.
        self.savedLabels: dict[str, QLabel] = {}
        self.revertButtons: dict[str, QToolButton] = {}
        self.savedRows: dict[str, QWidget] = {}
        for key in EDITED_KEYS:
            row = QWidget(self)
            row.setObjectName(f"{key}SavedRow")
            saved = QLabel(row)
            saved.setObjectName(f"{key}Saved")
            saved.setTextFormat(Qt.TextFormat.PlainText)
            saved.setEnabled(False)  # drawn dimmed: what the file holds, not the value edited
            revert = QToolButton(row)
            revert.setObjectName(f"{key}Revert")
            revert.setText("Revert")
            revert.setToolTip(f"Put {key} back as saved; your other edits stay (Undo brings this one back)")
            revert.setAccessibleName(f"Revert {key} to the saved value")
            revert.clicked.connect(lambda _=False, k=key: self.revertFieldRequested.emit(k))
            row_layout = QHBoxLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 0)
            row_layout.setSpacing(6)
            # The button first, so it stands in the same place for every field; the saved value
            # wraps after it (a long topic list would otherwise push it out of the pane).
            saved.setWordWrap(True)
            row_layout.addWidget(revert, 0, Qt.AlignmentFlag.AlignTop)
            row_layout.addWidget(saved, 1)
            row.hide()
            self.savedLabels[key], self.revertButtons[key], self.savedRows[key] = saved, revert, row
        self.mixedPublishedLabel = QLabel(self)
        self.mixedPublishedLabel.setObjectName("publishedMixed")
        self.mixedPublishedLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.mixedPublishedLabel.setEnabled(False)  # drawn dimmed: a note, not a value
        self.mixedPublishedLabel.hide()

        # Spin boxes only as wide as "mixed (10 values)" needs: numbers read better close to labels.
        for spin in (self.qualityInput, self.heatInput):
            spin.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            spin.setMinimumWidth(spin.fontMetrics().horizontalAdvance("mixed (10 values)") + 36)

        quality_row = QHBoxLayout()
        quality_row.setContentsMargins(0, 0, 0, 0)
        quality_row.addWidget(self.qualityInput)
        quality_row.addWidget(self.qualitySlider, 1)
        heat_row = QHBoxLayout()
        heat_row.setContentsMargins(0, 0, 0, 0)
        heat_row.addWidget(self.heatInput)
        heat_row.addStretch(1)
        published_row = QHBoxLayout()
        published_row.setContentsMargins(0, 0, 0, 0)
        published_row.addWidget(self.publishedInput)
        published_row.addWidget(self.mixedPublishedLabel)
        published_row.addStretch(1)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.labels: dict[str, QLabel] = {}
        for key, text, field_layout, buddy in (
            ("quality", "&Quality:", quality_row, self.qualityInput),
            ("heat", "&Heat:", heat_row, self.heatInput),
            ("topics", "&Topics:", self.topicsInput, self.topicsInput),
            ("published", "Publication:", published_row, None),
        ):
            label = QLabel(text, self)
            label.setObjectName(f"{key}Label")
            if buddy is not None:
                label.setBuddy(buddy)
            self.labels[key] = label
            cell = QVBoxLayout()
            cell.setContentsMargins(0, 0, 0, 0)
            cell.setSpacing(2)
            if isinstance(field_layout, QWidget):
                cell.addWidget(field_layout)
            else:
                cell.addLayout(field_layout)
            cell.addWidget(self.savedRows[key])
            cell.addWidget(self.problemLabels[key])
            form.addRow(label, cell)

        # The decision as saved, and the note the next Decline or Flag writes with it.
        self.decisionLabel = QLabel(self)
        self.decisionLabel.setObjectName("decisionState")
        self.decisionLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.decisionLabel.setWordWrap(True)
        self.noteInput = QLineEdit(self)
        self.noteInput.setObjectName("decisionNoteInput")
        self.noteInput.setAccessibleName("Decision note")
        self.noteInput.setPlaceholderText("Optional note, saved with Decline or Flag")
        self.noteInput.setClearButtonEnabled(True)
        decision_cell = QVBoxLayout()
        decision_cell.setContentsMargins(0, 0, 0, 0)
        decision_cell.setSpacing(2)
        decision_cell.addWidget(self.decisionLabel)
        decision_cell.addWidget(self.noteInput)
        decision_label = QLabel("&Decision:", self)
        decision_label.setObjectName("decisionLabel")
        decision_label.setBuddy(self.noteInput)
        self.labels["decision"] = decision_label
        form.addRow(decision_label, decision_cell)
        self._form_layout = form

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.blockerLabel)
        outer.addWidget(self.selectionLabel)
        outer.addLayout(form)
        outer.addStretch(1)

        self.setTabOrder(self.qualityInput, self.heatInput)
        self.setTabOrder(self.heatInput, self.topicsInput.lineEdit)
        self.setTabOrder(self.topicsInput.lineEdit, self.publishedInput)
        self.setTabOrder(self.publishedInput, self.noteInput)

        self.qualityInput.valueChanged.connect(self._quality_changed)
        self.qualitySlider.valueChanged.connect(self._quality_slid)
        self.qualitySlider.sliderMoved.connect(self._show_slider_position)
        self.heatInput.valueChanged.connect(lambda value: self._spin_changed("heat", self.heatInput, value))
        for key, spin in (("quality", self.qualityInput), ("heat", self.heatInput)):
            spin.lineEdit().textEdited.connect(lambda _text, k=key, s=spin: self._check_typed(k, s))
            # Leaving the field puts back the last good value, and with it the problem goes.
            spin.editingFinished.connect(lambda k=key, s=spin: self._check_typed(k, s))
        self.topicsInput.topicAdded.connect(self.topicAdded)
        self.topicsInput.topicRemoved.connect(self.topicRemoved)
        self.topicsInput.inputProblemChanged.connect(lambda text: self._set_input_problem("topics", text))
        self.publishedInput.clicked.connect(self._published_clicked)
        # Undo and Redo belong to the window's undo stack (every edit, bulk ones too), not to
        # the text fields' own typing history, which would otherwise take Ctrl+Z first.
        for field in (self.qualityInput, self.heatInput, self.topicsInput.lineEdit):
            field.installEventFilter(self)

        self.show_records([])

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and _is_undo_or_redo(event):
            event.ignore()
            return True
        return super().eventFilter(watched, event)

    # -- showing values ----------------------------------------------------------------------

    def count(self) -> int:
        """How many records the form is showing (and an edit applies to)."""
        return self._count

    def show_records(self, records: Sequence[Document | RecordSummary | Mapping[str, Any]]) -> None:
        """Show the values of `records`; with several, values that differ show as mixed."""
        values = [FormValues.of(r) for r in records]
        identities = [str(getattr(r, "path", id(r))) for r in records]
        if identities != self._identities:
            # Half-typed text belongs to the records it was typed for, not to the next ones.
            self._identities = identities
            self.topicsInput.clear_input()
            self.noteInput.clear()
        self._count = len(values)
        blockers = [v.blocker for v in values if v.blocker]
        blockers_text = ""
        if len(values) == 1 and blockers:
            blockers_text = f"This record can't be edited: {blockers[0]}"
        elif blockers:
            blockers_text = f"{len(blockers)} of the {len(values)} selected records can't be edited: {blockers[0]}"
        with (
            QSignalBlocker(self.qualityInput),
            QSignalBlocker(self.qualitySlider),
            QSignalBlocker(self.heatInput),
            QSignalBlocker(self.publishedInput),
            QSignalBlocker(self.topicsInput),
        ):
            self._show_number(
                self.qualityInput, [v.quality for v in values], self.qualitySlider, _written(values, "quality")
            )
            self._show_number(self.heatInput, [v.heat for v in values], None, _written(values, "heat"))
            self.topicsInput.set_topic_sets([list(v.topics) for v in values])
            self._show_published([v.published for v in values])
        self._show_decision(values)
        self._input_problems.clear()
        if self.topicsInput.input_problem():  # typed text still there, for the same records
            self._input_problems["topics"] = self.topicsInput.input_problem()
        self._shown_problems = {}
        for v in values:
            for path, message in v.problems:
                key = path[2:].split("[", 1)[0].split(".", 1)[0] if path.startswith("$.") else ""
                if key in EDITED_KEYS and key not in self._shown_problems:
                    prefix = "" if len(values) == 1 else "A selected record: "
                    self._shown_problems[key] = prefix + message
        self._refresh_problem_labels()
        self.blockerLabel.setText(blockers_text)
        self.blockerLabel.setVisible(bool(blockers_text))
        several = len(values) > 1
        self.selectionLabel.setText(
            f"Editing {len(values)} selected records: a change applies to all of them." if several else ""
        )
        self.selectionLabel.setVisible(several)
        self._set_editable(not values or not blockers, has_records=bool(values))
        self.inputProblemChanged.emit(self.input_problem())

    def _show_number(
        self, spin: FieldSpinBox, numbers: list[int | None], slider: QSlider | None, written: list[str | None]
    ) -> None:
        distinct = sorted(set(numbers), key=lambda n: (n is None, n))
        if not numbers:
            spin.show_state("—")
        elif len(set(zip(numbers, written, strict=True))) > 1:
            spin.show_state(f"mixed ({len(set(zip(numbers, written, strict=True)))} values)")
        elif distinct[0] is None and written[0] is not None:
            spin.show_state(f"{_short(written[0])} (invalid)")
        elif distinct[0] is None:
            spin.show_state("not set")
        elif not spin.lower <= distinct[0] <= spin.maximum():
            # Clamped into range it would show a value the record does not have (250 as 100).
            spin.show_state(f"{distinct[0]} (invalid)")
        else:
            value = distinct[0]
            # Redrawn after each keystroke's edit: leave a field that already shows the value
            # alone, or the text being typed would lose its cursor.
            if not (spin.shows_value() and spin.minimum() == spin.lower and spin.value() == value):
                spin.show_value(value)
        if slider is not None:
            slider.setValue(spin.value() if spin.shows_value() else slider.minimum())

    def _show_published(self, flags: list[bool]) -> None:
        approved = sum(flags)
        mixed = 0 < approved < len(flags)
        self.publishedInput.setTristate(mixed)
        if mixed:
            self.publishedInput.setCheckState(Qt.CheckState.PartiallyChecked)
            self.mixedPublishedLabel.setText(f"mixed: {approved} of {len(flags)} approved")
        else:
            self.publishedInput.setChecked(bool(flags) and approved == len(flags))
        self.mixedPublishedLabel.setVisible(mixed)

    def _show_decision(self, values: list[FormValues]) -> None:
        words = {"approved": "Approved", "declined": "Declined", "flagged": "Flagged for later", "": "Not decided yet"}
        decided = {(v.decision, v.decline_reason) for v in values}
        if not values:
            text = ""
        elif len(decided) > 1:
            text = f"Decisions differ among the {len(values)} selected records"
        else:
            decision, reason = decided.pop()
            text = words[decision] + (f": {reason}" if reason else "")
        self.decisionLabel.setText(text)

    def decision_note(self) -> str:
        return self.noteInput.text().strip()

    def _set_editable(self, editable: bool, has_records: bool) -> None:
        # Disabled rather than merely read-only: the dimmed fields say "not now" at a glance,
        # and the banner above says why.
        usable = editable and has_records
        for spin in (self.qualityInput, self.heatInput):
            spin.setReadOnly(not editable)
            spin.setEnabled(usable)
        # No single value to point at ("mixed", "not set"): a slider at 0 would claim one.
        self.qualitySlider.setEnabled(usable and self.qualityInput.shows_value())
        self.topicsInput.setReadOnly(not editable)
        self.topicsInput.setEnabled(usable)
        self.publishedInput.setEnabled(usable)
        self.noteInput.setEnabled(usable)

    def is_editable(self) -> bool:
        return self._count > 0 and not self.qualityInput.isReadOnly()

    def show_saved(self, saved: Mapping[str, Sequence[Any]]) -> None:
        """Each field with an unsaved change (key -> its values in the records' files) says what
        is saved and offers Revert; the others show nothing more."""
        for key in EDITED_KEYS:
            values = saved.get(key)
            self.savedRows[key].setVisible(bool(values))
            if values:
                self.savedLabels[key].setText(f"Saved: {_saved_text(key, values)}")

    def set_completions(self, topics: Sequence[str]) -> None:
        self.topicsInput.set_completions(topics)

    # -- problems beside the fields ----------------------------------------------------------

    def show_field_problem(self, key: str, message: str) -> None:
        """Say beside a field why the last edit of it was refused (cleared by the next showRecords)."""
        self._shown_problems[key] = message
        self._refresh_problem_labels()

    def field_problem(self, key: str) -> str:
        return self.problemLabels[key].text() if self.problemLabels[key].isVisibleTo(self) else ""

    def commit_typed(self) -> None:
        """Take in what is typed but not yet added (a topic), before the records are saved."""
        self.topicsInput.commit_typed()

    def input_problems(self) -> dict[str, str]:
        """Each field whose typed value can't be used yet, and why, in the schema's words."""
        return dict(self._input_problems)

    def input_problem(self) -> str:
        """Why what is typed can't be used yet, "" when all is fine."""
        return next(iter(self._input_problems.values()), "")

    def _set_input_problem(self, key: str, message: str) -> None:
        before = self.input_problem()
        if message:
            self._input_problems[key] = message
        else:
            self._input_problems.pop(key, None)
        self._refresh_problem_labels()
        if self.input_problem() != before:
            self.inputProblemChanged.emit(self.input_problem())

    def _refresh_problem_labels(self) -> None:
        for key, label in self.problemLabels.items():
            text = self._input_problems.get(key) or self._shown_problems.get(key, "")
            label.setText(text)
            label.setVisible(bool(text))

    # -- user edits --------------------------------------------------------------------------

    def _quality_changed(self, value: int) -> None:
        if self.qualityInput.shows_value():
            with QSignalBlocker(self.qualitySlider):
                self.qualitySlider.setValue(value)
            self.qualitySlider.setEnabled(not self.qualityInput.isReadOnly())
        self._spin_changed("quality", self.qualityInput, value)

    def _quality_slid(self, value: int) -> None:
        if self.qualityInput.value() == value and self.qualityInput.shows_value():
            return
        self.qualityInput.show_value(value)  # emits valueChanged -> one edit

    def _show_slider_position(self, value: int) -> None:
        with QSignalBlocker(self.qualityInput):
            self.qualityInput.show_value(value)

    def _spin_changed(self, key: str, spin: FieldSpinBox, value: int) -> None:
        if not spin.shows_value() or spin.isReadOnly():
            return
        problem = first_problem(key, value)
        self._set_input_problem(key, problem)
        if not problem:
            self.fieldEdited.emit(key, value)

    def _check_typed(self, key: str, spin: FieldSpinBox) -> None:
        # A spin box never holds an out-of-range number, but its text can be empty or unfinished.
        text = spin.lineEdit().text().strip()
        if spin.hasAcceptableInput() or (text and text == spin.specialValueText()):
            self._set_input_problem(key, "")
        else:
            # In the schema's words, as the list, a refusal and the status bar say it.
            typed: Any = int(text) if text.lstrip("-").isdigit() else text or None
            self._set_input_problem(key, first_problem(key, typed) or first_problem(key, None))

    def _published_clicked(self) -> None:
        # Out of the mixed state, a click means "approve all"; afterwards it toggles as usual.
        self.publishedInput.setTristate(False)
        self.mixedPublishedLabel.hide()
        self.fieldEdited.emit("published", self.publishedInput.isChecked())
