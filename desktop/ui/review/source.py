"""The Source tab: the front matter as on disk, with the file's line numbers in a gutter.

Problems name a file line ("line 49:13"), so the editor must be able to find that line by eye.
Plain text only; the gutter paints numbers for the visible blocks alone, so a long file costs
nothing more per scroll.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget

GUTTER_PADDING = 6  # pixels each side of the numbers


class _Gutter(QWidget):
    def __init__(self, view: NumberedSourceView) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(self) -> QSize:
        return QSize(self._view.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._view.paint_gutter(event)


class NumberedSourceView(QPlainTextEdit):
    """A read-only QPlainTextEdit whose left gutter shows each line's number (1 = the file's first)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.gutter = _Gutter(self)
        self.blockCountChanged.connect(self._fit_gutter)
        self.updateRequest.connect(self._scroll_gutter)
        self._fit_gutter()

    def gutter_width(self) -> int:
        digits = len(str(max(1, self.blockCount())))
        return self.fontMetrics().horizontalAdvance("9" * digits) + 2 * GUTTER_PADDING

    def visible_line_numbers(self) -> list[int]:
        """The numbers the gutter shows now, top to bottom: the lines on screen."""
        return [number for number, _top, _height in self._visible_blocks()]

    def _visible_blocks(self) -> list[tuple[int, int, int]]:
        shown = []
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        bottom_edge = self.viewport().height()
        while block.isValid() and top <= bottom_edge:
            height = round(self.blockBoundingRect(block).height())
            if block.isVisible():
                shown.append((block.blockNumber() + 1, top, height))
            top += height
            block = block.next()
        return shown

    def _fit_gutter(self, *_args: object) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _scroll_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self.gutter.scroll(0, dy)
        else:
            self.gutter.update(0, rect.y(), self.gutter.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        area = self.contentsRect()
        self.gutter.setGeometry(QRect(area.left(), area.top(), self.gutter_width(), area.height()))

    def paint_gutter(self, event: QPaintEvent) -> None:
        painter = QPainter(self.gutter)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.color(QPalette.ColorRole.AlternateBase))
        painter.setPen(palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
        width = self.gutter.width() - GUTTER_PADDING
        offset = self.viewport().y() - self.gutter.y()  # the viewport sits inside the frame
        for number, top, height in self._visible_blocks():
            painter.drawText(0, top + offset, width, height, Qt.AlignmentFlag.AlignRight, str(number))
        painter.end()
