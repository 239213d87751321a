"""A token editor for a record's topics: chips with a remove button, and a line edit to type into.

The editor only proposes: it emits `topicAdded` / `topicRemoved` for the user's own edits and
the owner decides (the session may refuse), then shows the outcome with `setTopics` or
`setTopicSets`. With several records shown, every topic of any of them is a chip, and one
that only some records have is marked with how many ("AI (2/5)"); adding or removing a topic
means adding it to, or removing it from, all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QItemSelectionModel, QSize, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from desktop.records import same_topic
from desktop.ui.widgets.flow_layout import FlowLayout
from desktop.ui.widgets.text import plain_tooltip

TopicValidator = Callable[[list[str]], str]  # proposed topic list -> problem sentence, "" if fine


class TopicChip(QFrame):
    """One topic: its text (always plain) and a button that removes it."""

    removeRequested = Signal(str)
    leaveRequested = Signal(int)  # -1 / +1: move to the neighbouring chip (or the typing field)

    def __init__(self, topic: str, count: int, total: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.topic = topic
        self.setObjectName("topicChip")
        mixed = count < total
        self.setProperty("mixed", mixed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 1, 2, 1)
        layout.setSpacing(2)
        self.label = QLabel(f"{topic} ({count}/{total})" if mixed else topic, self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        if mixed:
            font = self.label.font()
            font.setItalic(True)
            self.label.setFont(font)
            self.setToolTip(f"On {count} of the {total} selected records")
        self.button = QToolButton(self)
        self.button.setText("×")
        self.button.setAutoRaise(True)
        # Not in the Tab chain (a long topic list would be a long walk); arrow keys reach it.
        self.button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        scope = "all selected records" if total > 1 else "this record"
        self.button.setToolTip(plain_tooltip(f"Remove “{topic}” from {scope} (Delete)"))
        self.button.setAccessibleName(f"Remove topic {topic}")
        self.button.clicked.connect(lambda: self.removeRequested.emit(self.topic))
        self.button.installEventFilter(self)
        layout.addWidget(self.label)
        layout.addWidget(self.button)
        self.setAccessibleName(f"Topic {topic}" + (f", on {count} of {total} records" if mixed else ""))

    def eventFilter(self, watched, event) -> bool:
        if watched is self.button and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Space):
                self.removeRequested.emit(self.topic)
                return True
            if key == Qt.Key.Key_Left:
                self.leaveRequested.emit(-1)
                return True
            if key in (Qt.Key.Key_Right, Qt.Key.Key_Escape):
                self.leaveRequested.emit(+1 if key == Qt.Key.Key_Right else 0)
                return True
        return super().eventFilter(watched, event)


class TopicsEditor(QWidget):
    """Topics as chips; type and press Enter (or a comma) to add, Backspace to remove the last."""

    topicAdded = Signal(str)
    topicRemoved = Signal(str)
    # A sentence about what is being typed ("“AI” is already a topic"), "" once it is fine again.
    inputProblemChanged = Signal(str)

    STYLE = """
        QFrame#topicChip { border: 1px solid palette(mid); border-radius: 9px; background: palette(button); }
        QFrame#topicChip[mixed="true"] { border-style: dashed; background: palette(window); }
        QFrame#topicChip QToolButton { border: none; padding: 0 2px; }
        QFrame#topicChip:focus-within { border-color: palette(highlight); }
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("topicsInput")
        self.setAccessibleName("Topics")
        self.setStyleSheet(self.STYLE)
        self._topics: list[str] = []
        self._counts: dict[str, int] = {}
        self._total = 1
        self._validator: TopicValidator | None = None
        self._problem = ""
        self._chips: list[TopicChip] = []
        self._last_committed: str | None = None
        self._folder_topics: set[str] = set()  # casefolded, for the "new topic" mark
        # The first completion is shown highlighted so Enter takes it, without writing it into
        # the field yet (typing goes on from what was typed).
        self._first_preselected = False

        self._layout = FlowLayout(self)
        self.lineEdit = QLineEdit(self)
        self.lineEdit.setObjectName("topicsLineEdit")
        self.lineEdit.setAccessibleName("Add a topic")
        self.lineEdit.setPlaceholderText("Add a topic…")
        self.lineEdit.setMinimumWidth(140)
        self.lineEdit.setClearButtonEnabled(False)
        self._layout.addWidget(self.lineEdit)
        self.newTopicLabel = QLabel("new topic", self)
        self.newTopicLabel.setObjectName("newTopicMark")
        self.newTopicLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.newTopicLabel.setToolTip(
            "No other record in the folder has this topic yet: check the spelling before adding it"
        )
        self.newTopicLabel.setEnabled(False)  # drawn dimmed: a note about the text, not a value
        font = self.newTopicLabel.font()
        font.setItalic(True)
        self.newTopicLabel.setFont(font)
        self.newTopicLabel.hide()
        self._layout.addWidget(self.newTopicLabel)
        self.setFocusProxy(self.lineEdit)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

        self._completionModel = QStringListModel(self)
        self.completer = QCompleter(self._completionModel, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setMaxVisibleItems(10)
        self.lineEdit.setCompleter(self.completer)
        # The completer writes the picked completion into the field after `activated`, so the
        # commit waits for the event loop; if Enter's returnPressed got there first, the field
        # is empty by then and nothing happens twice.
        self.completer.activated[str].connect(self._on_completion_activated)
        # Installed after the completer's own filter, so it sees the popup's keys first.
        self.completer.popup().installEventFilter(self)

        self.lineEdit.returnPressed.connect(lambda: self._commit_text(self.lineEdit.text()))
        self.lineEdit.textEdited.connect(self._on_text_edited)
        self.lineEdit.installEventFilter(self)

    # -- values shown -----------------------------------------------------------------------

    def topics(self) -> list[str]:
        """Every topic shown, in order (the union when several records are shown)."""
        return list(self._topics)

    def topic_counts(self) -> dict[str, int]:
        return dict(self._counts)

    def set_topics(self, topics: Sequence[str]) -> None:
        self.set_topic_sets([list(topics)])

    def set_topic_sets(self, topic_lists: Sequence[Sequence[str]]) -> None:
        """Show the topics of several records: their union in order of first appearance."""
        union: list[str] = []
        counts: dict[str, int] = {}
        for topics in topic_lists:
            seen_here: set[str] = set()
            for topic in topics:
                known = next((t for t in union if same_topic(t, topic)), None)
                if known is None:
                    union.append(topic)
                    known = topic
                if known.casefold() not in seen_here:
                    counts[known] = counts.get(known, 0) + 1
                    seen_here.add(known.casefold())
        self._topics = union
        self._counts = counts
        self._total = max(1, len(topic_lists))
        self._rebuild_chips()
        self._update_problem(self.lineEdit.text())

    def set_completions(self, topics: Sequence[str]) -> None:
        """Every topic used in the open folder, offered while typing (one entry per spelling)."""
        unique: dict[str, str] = {}
        for topic in topics:
            unique.setdefault(topic.casefold(), topic)
        self._completionModel.setStringList(sorted(unique.values(), key=str.casefold))
        self._folder_topics = set(unique)
        self._update_new_mark(self.lineEdit.text())

    def is_new_topic(self, text: str) -> bool:
        """True when no record in the folder (this one included) has the topic yet."""
        topic = " ".join(text.split())
        return (
            bool(topic)
            and topic.casefold() not in self._folder_topics
            and not any(same_topic(known, topic) for known in self._topics)
        )

    def setValidator(self, validator: TopicValidator | None) -> None:
        """Checks a proposed list of topics (the schema's rules); returns a sentence or ""."""
        self._validator = validator

    def setReadOnly(self, read_only: bool) -> None:
        self.lineEdit.setReadOnly(read_only)
        self.lineEdit.setVisible(not read_only)
        self._update_new_mark(self.lineEdit.text())
        for chip in self._chips:
            chip.button.setVisible(not read_only)

    def isReadOnly(self) -> bool:
        return self.lineEdit.isReadOnly()

    def clear_input(self) -> None:
        """Drop what is typed but not added (the editor moved to other records)."""
        self.lineEdit.clear()
        self._last_committed = None
        self._set_problem("")
        self._update_new_mark("")

    def input_problem(self) -> str:
        return self._problem

    def commit_typed(self) -> None:
        """Add what is typed but not yet added, as Enter would (the editor is about to save)."""
        self._commit_text(self.lineEdit.text())

    def chips(self) -> list[TopicChip]:
        return list(self._chips)

    # -- user edits -------------------------------------------------------------------------

    def _commit_text(self, text: str) -> None:
        if self.isReadOnly():
            return
        topic = " ".join(text.split())
        if not topic:
            return
        problem = self._problem_for(topic)
        if problem:
            self._set_problem(problem)
            return
        self.lineEdit.clear()
        self._last_committed = topic
        self._set_problem("")
        self._update_new_mark("")
        self._show_added(topic)
        self.topicAdded.emit(topic)

    def _on_completion_activated(self, text: str) -> None:
        QTimer.singleShot(0, self, lambda: self._commit_completion(text))

    def _commit_completion(self, text: str) -> None:
        if self.lineEdit.text() != text:
            return
        if self._last_committed is not None and same_topic(self._last_committed, text):
            # Enter already added it; the completer then wrote it back into the field.
            self.lineEdit.clear()
            self._last_committed = None
        else:
            self._commit_text(text)

    def _show_added(self, topic: str) -> None:
        known = next((t for t in self._topics if same_topic(t, topic)), None)
        if known is None:
            self._topics.append(topic)
            known = topic
        self._counts[known] = self._total
        self._rebuild_chips()

    def remove_topic(self, topic: str) -> None:
        """Remove a topic as if the user had clicked its ×."""
        if self.isReadOnly() or topic not in self._topics:
            return
        index = self._topics.index(topic)
        self._topics.remove(topic)
        self._counts.pop(topic, None)
        had_focus = any(chip.button.hasFocus() for chip in self._chips)
        self._rebuild_chips()
        if had_focus and self._chips:
            self._chips[min(index, len(self._chips) - 1)].button.setFocus(Qt.FocusReason.OtherFocusReason)
        elif had_focus:
            self.lineEdit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.topicRemoved.emit(topic)

    def _problem_for(self, topic: str) -> str:
        known = next((t for t in self._topics if same_topic(t, topic)), None)
        if known is not None and self._counts.get(known, 0) >= self._total:
            where = "every selected record" if self._total > 1 else "this record"
            return f"“{known}” is already a topic of {where}."
        if self._validator is not None:
            proposed = [t for t in self._topics] + ([] if known else [topic])
            return self._validator(proposed)
        return ""

    def _on_text_edited(self, text: str) -> None:
        self._last_committed = None
        if "," in text:
            *complete, rest = text.split(",")
            for part in complete:
                self._commit_text(part)
                if self._problem:
                    # Keep what was refused in the field so the editor can fix it.
                    self.lineEdit.setText(part.strip())
                    return
            self.lineEdit.setText(rest.lstrip())
        self._update_problem(self.lineEdit.text())
        self._update_new_mark(self.lineEdit.text())
        # The completer refilters its popup during this keystroke; highlight after it has.
        QTimer.singleShot(0, self, self._preselect_first_completion)

    def _update_new_mark(self, text: str) -> None:
        visible = self.is_new_topic(text) and not self.isReadOnly()
        if visible != self.newTopicLabel.isVisibleTo(self):
            self.newTopicLabel.setVisible(visible)
            self._layout.invalidate()

    def _preselect_first_completion(self) -> None:
        popup = self.completer.popup()
        self._first_preselected = False
        if not popup.isVisible() or self.completer.completionCount() == 0:
            return
        first = self._best_completion_row(popup.model())
        selection = popup.selectionModel()
        # Quietly: the completer writes a selected completion into the field, and this one is
        # only a proposal until Enter (or Down) takes it.
        selection.blockSignals(True)
        selection.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        selection.blockSignals(False)
        popup.viewport().update()
        self._first_preselected = True

    def _best_completion_row(self, model):
        """The completion Enter should take for what is typed: the same topic if the folder has it
        ("Privacy", not "Data Privacy" listed before it), else one that starts with it, else the first."""
        typed = " ".join(self.lineEdit.text().split()).casefold()
        rows = [model.index(row, 0) for row in range(model.rowCount())]
        texts = [str(index.data()).casefold() for index in rows]
        for wanted in (lambda text: text == typed, lambda text: text.startswith(typed)):
            for index, text in zip(rows, texts, strict=True):
                if wanted(text):
                    return index
        return rows[0]

    def _popup_key(self, event: QKeyEvent) -> bool:
        """Keys on the completion popup; True when handled here."""
        if not self._first_preselected:
            return False
        if event.key() == Qt.Key.Key_Down:
            # Down takes the proposed completion for real (into the field), as it would take
            # the first of an unhighlighted list, rather than skipping past it.
            self._first_preselected = False
            popup = self.completer.popup()
            proposed = popup.currentIndex()
            popup.selectionModel().clearSelection()
            popup.setCurrentIndex(proposed)
            return True
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            # Taken here: the line edit would otherwise add what was typed ("eth") first.
            self._first_preselected = False
            popup = self.completer.popup()
            proposal = popup.currentIndex().data()
            popup.hide()
            if proposal:
                self._commit_text(str(proposal))
            return True
        self._first_preselected = False
        return False

    def _update_problem(self, text: str) -> None:
        topic = " ".join(text.split())
        self._set_problem(self._problem_for(topic) if topic else "")

    def _set_problem(self, problem: str) -> None:
        if problem != self._problem:
            self._problem = problem
            self.lineEdit.setToolTip(problem)
            self.inputProblemChanged.emit(problem)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.completer.popup() and event.type() == QKeyEvent.Type.KeyPress:
            if self._popup_key(event):
                return True
            return super().eventFilter(watched, event)
        if watched is self.lineEdit and event.type() == QKeyEvent.Type.KeyPress:
            empty_at_start = self.lineEdit.cursorPosition() == 0 and not self.lineEdit.hasSelectedText()
            if event.key() == Qt.Key.Key_Backspace and not self.lineEdit.text() and self._topics:
                if not self.isReadOnly():
                    self.remove_topic(self._topics[-1])
                return True
            if event.key() == Qt.Key.Key_Left and empty_at_start and self._chips and not self.isReadOnly():
                self._chips[-1].button.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(watched, event)

    # -- chips ------------------------------------------------------------------------------

    def _rebuild_chips(self) -> None:
        for chip in self._chips:
            self._layout.removeWidget(chip)
            chip.hide()
            chip.deleteLater()
        self._chips = []
        for index, topic in enumerate(self._topics):
            chip = TopicChip(topic, self._counts.get(topic, self._total), self._total, self)
            chip.removeRequested.connect(self.remove_topic)
            chip.leaveRequested.connect(lambda step, i=index: self._move_from_chip(i, step))
            chip.button.setVisible(not self.isReadOnly())
            self._layout.insertWidget(index, chip)
            chip.show()
            self._chips.append(chip)
        self.updateGeometry()

    def _move_from_chip(self, index: int, step: int) -> None:
        target = index + step
        if step == 0 or target >= len(self._chips):
            self.lineEdit.setFocus(Qt.FocusReason.OtherFocusReason)
        elif target >= 0:
            self._chips[target].button.setFocus(Qt.FocusReason.OtherFocusReason)

    def sizeHint(self) -> QSize:
        width = max(300, self.width())
        return QSize(width, self._layout.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(160, self.lineEdit.sizeHint().height())
