"""The record table's widgets: the table view with the desk's keys and column fitting, the search
field, and the queue list's count delegate."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from desktop.ui.table.model import STATE_COLUMN_WIDTH, Column

COUNT_ROLE = Qt.ItemDataRole.UserRole + 2  # a queue's live count, drawn right-aligned by QueueDelegate


class QueueDelegate(QStyledItemDelegate):
    """A queue's name on the left and its live count right-aligned, like a mail client's folders."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().paint(painter, option, index)
        count = index.data(COUNT_ROLE)
        if count is None:
            return
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = option.palette.ColorRole.HighlightedText if selected else option.palette.ColorRole.Text
        painter.setPen(option.palette.color(role))
        rect = option.rect.adjusted(0, 0, -10, 0)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), str(count))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 48, max(size.height(), 28))


class RecordTableView(QTableView):
    """The record table: Home/End go to the first/last record, J/K step like Down/Up, and the
    number keys decline with that reason (Alt+number does it from anywhere)."""

    stepRequested = Signal(int)
    reasonKeyPressed = Signal(int)  # 1 to 9

    # Widths the columns get when there is room, and what the ones that give way keep at least.
    # In a narrow window the Topics column gives way first, then Provider and Published shrink,
    # so that Title (which takes the stretch), Quality, Heat and the state marks stay in view.
    PREFERRED_WIDTHS = {
        Column.STATE: STATE_COLUMN_WIDTH,
        Column.PROVIDER: 110,
        Column.PUBLISHED: 118,
        Column.QUALITY: 58,
        Column.HEAT: 54,
        Column.TOPICS: 160,
        Column.GIT: 72,
    }
    NARROWEST = {Column.PROVIDER: 72, Column.PUBLISHED: 84}
    MIN_TITLE_WIDTH = 200
    MIN_TOPICS_WIDTH = 60  # narrower than this it shows nothing useful: it is hidden instead

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chosen_widths: dict[Column, int] = {}  # dragged by the editor: kept, never squeezed
        self._fitting = False
        self._topics_given_way = False

    def set_up_columns(self) -> None:
        """Title takes the stretch, the others their preferred widths; a column the editor drags to a
        new width keeps it as its preferred one."""
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        for column in Column:
            mode = QHeaderView.ResizeMode.Stretch if column == Column.TITLE else QHeaderView.ResizeMode.Interactive
            header.setSectionResizeMode(column, mode)
        header.sectionResized.connect(self._on_section_resized)
        self.fit_columns()

    def fit_columns(self) -> None:
        header = self.horizontalHeader()
        if self.model() is None or header.count() < len(Column):
            return
        self._fitting = True
        try:
            if self._topics_given_way:
                self.setColumnHidden(Column.TOPICS, False)
                self._topics_given_way = False
            shown = [c for c in Column if c != Column.TITLE and not self.isColumnHidden(c)]
            widths = {c: self.chosen_widths.get(c, self.PREFERRED_WIDTHS[c]) for c in shown}
            spare = self.viewport().width() - self.MIN_TITLE_WIDTH - sum(widths.values())
            if spare < 0 and Column.TOPICS in widths and Column.TOPICS not in self.chosen_widths:
                given = min(widths[Column.TOPICS], -spare)
                widths[Column.TOPICS] -= given
                spare += given
            for column, narrowest in self.NARROWEST.items():
                if spare < 0 and column in widths and column not in self.chosen_widths:
                    given = min(widths[column] - narrowest, -spare)
                    widths[column] -= max(0, given)
                    spare += max(0, given)
            for column, width in widths.items():
                if column == Column.TOPICS and width < self.MIN_TOPICS_WIDTH:
                    self.setColumnHidden(Column.TOPICS, True)
                    self._topics_given_way = True
                elif header.sectionSize(column) != width:
                    header.resizeSection(column, width)
        finally:
            self._fitting = False

    def restored_columns(self, chosen: dict[int, int]) -> None:
        """After the header's saved state (order, sorting): the widths the editor chose, and Title
        stretches again (a state saved by an older desk had every column fixed)."""
        header = self.horizontalHeader()
        self._topics_given_way = False  # the saved state may hold a column hidden by the fitting
        self.setColumnHidden(Column.TOPICS, False)
        self.chosen_widths = {
            Column(column): width for column, width in chosen.items() if column in self.PREFERRED_WIDTHS
        }
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        self.fit_columns()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def _on_section_resized(self, column: int, _old: int, new: int) -> None:
        if not self._fitting and column != Column.TITLE and new > 0 and column in self.PREFERRED_WIDTHS:
            self.chosen_widths[Column(column)] = new

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        model = self.model()
        if (
            model is not None
            and model.rowCount()
            and action
            in (
                QAbstractItemView.CursorAction.MoveHome,
                QAbstractItemView.CursorAction.MoveEnd,
            )
        ):
            row = 0 if action == QAbstractItemView.CursorAction.MoveHome else model.rowCount() - 1
            column = max(self.currentIndex().column(), Column.TITLE)
            return model.index(row, column)
        return super().moveCursor(action, modifiers)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            if event.key() == Qt.Key.Key_J:
                self.stepRequested.emit(+1)
                return
            if event.key() == Qt.Key.Key_K:
                self.stepRequested.emit(-1)
                return
            if Qt.Key.Key_1.value <= event.key() <= Qt.Key.Key_9.value:
                self.reasonKeyPressed.emit(event.key() - Qt.Key.Key_0.value)
                return
        super().keyPressEvent(event)


class SearchField(QLineEdit):
    """Escape clears the search; Down goes to the table."""

    leaveRequested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            self.leaveRequested.emit()
            return
        super().keyPressEvent(event)
