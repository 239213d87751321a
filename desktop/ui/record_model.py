"""The record table: one model over the loaded summaries, and a proxy for the queue and the search."""
from __future__ import annotations

import enum
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QDateTime,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QIcon, QPainter, QPixmap

from desktop.paths import resource_path
from desktop.records.model import RecordSummary
from desktop.records.session import path_key
from desktop.ui.tooltips import plain_tooltip

SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
PATH_ROLE = Qt.ItemDataRole.UserRole + 3

NOT_RATED = "–"  # en dash: heat -1 means nobody rated it yet
MISSING_SORT = -(2**62)  # sorts absent numbers and dates below every real one


class Column(enum.IntEnum):
    STATE = 0
    TITLE = 1
    PROVIDER = 2
    PUBLISHED = 3
    QUALITY = 4
    HEAT = 5
    TOPICS = 6


HEADERS = {
    Column.STATE: "",
    Column.TITLE: "Title",
    Column.PROVIDER: "Provider",
    Column.PUBLISHED: "Published",
    Column.QUALITY: "Quality",
    Column.HEAT: "Heat",
    Column.TOPICS: "Topics",
}
HEADER_TIPS = {
    Column.STATE: "State: approved, declined, flagged, has problems, unsaved edits",
    Column.QUALITY: "Quality score, 0 to 100",
    Column.HEAT: "Heat, 0 to 100 (– means not rated)",
}


class Queue(enum.Enum):
    ALL = "all"
    TO_REVIEW = "review"
    APPROVED = "approved"
    DECLINED = "declined"
    FLAGGED = "flagged"
    NEEDS_ATTENTION = "attention"

    @property
    def label(self) -> str:
        return {
            "all": "All records",
            "review": "To review",
            "approved": "Approved",
            "declined": "Declined",
            "flagged": "Flagged",
            "attention": "Needs attention",
        }[self.value]

    def holds(self, summary: RecordSummary) -> bool:
        if self is Queue.ALL:
            return True
        if self is Queue.NEEDS_ATTENTION:
            return bool(summary.problems) or not summary.editable
        if self is Queue.APPROVED:
            return summary.published
        if self is Queue.DECLINED or self is Queue.FLAGGED:
            return not summary.published and summary.decision == self.value
        # Undecided. An unreadable file cannot be decided on; it waits in Needs attention instead.
        return not summary.published and not summary.decision and summary.editable


def parse_published(text: str) -> QDateTime | None:
    if not text:
        return None
    moment = QDateTime.fromString(text, Qt.DateFormat.ISODateWithMs)
    if not moment.isValid():
        moment = QDateTime.fromString(text, Qt.DateFormat.ISODate)
    return moment if moment.isValid() else None


def format_published(text: str) -> str:
    """A record's publishedDateTime in the editor's locale and time zone; the text as written if unparsable."""
    moment = parse_published(text)
    if moment is None:
        return text
    # QLocale() is the default locale: the system's, unless the app set another (app.py does for "C").
    return QLocale().toString(moment.toLocalTime(), QLocale.FormatType.ShortFormat)


def format_published_date(text: str) -> str:
    """Only the date of a publishedDateTime, in the editor's locale (for narrow columns)."""
    moment = parse_published(text)
    if moment is None:
        return text
    return QLocale().toString(moment.toLocalTime().date(), QLocale.FormatType.ShortFormat)


@lru_cache(maxsize=None)
def state_icon(name: str) -> QIcon:
    return QIcon(str(resource_path("icons", f"{name}.svg")))


@lru_cache(maxsize=16)
def _state_strip(flags: tuple[str, ...]) -> QIcon:
    """One icon holding each state's 16 px symbol side by side, so a row can show several at once."""
    size = 16
    pixmap = QPixmap(size * len(flags) + 2 * (len(flags) - 1), size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    for i, name in enumerate(flags):
        state_icon(name).paint(painter, QRect(i * (size + 2), 0, size, size))
    painter.end()
    return QIcon(pixmap)


class _Row:
    """A summary with what the table derives from it, computed once.

    `pending` is the same record as its unsaved edits would save it: the cells show it (with the
    unsaved mark), while queues and search go by `summary`, the record as it is on disk.
    """

    __slots__ = ("summary", "published_text", "published_sort", "haystack", "pending")

    def __init__(self, summary: RecordSummary, pending: _Row | None = None) -> None:
        self.summary = summary
        self.pending = pending
        moment = parse_published(summary.published_at)
        self.published_text = format_published(summary.published_at)
        self.published_sort = moment.toMSecsSinceEpoch() if moment is not None else MISSING_SORT
        self.haystack = "\n".join(
            (summary.title, summary.excerpt, summary.provider, summary.domain, *summary.topics)
        ).casefold()

    @property
    def shown(self) -> _Row:
        return self.pending or self


class RecordTableModel(QAbstractTableModel):
    """Every loaded record as one row of RecordSummary; the full record is read only when shown.

    A record with unsaved edits shows its edited values (`set_pending`), but stays in the queues
    (and the counts, and the search) of its saved state until it is saved. An editor who ticks
    "Approved" in "To review" keeps the record in view while finishing it, rather than watching it
    vanish mid-edit; Approve & next saves at once, so the queue moves on as soon as a decision is
    written. The state column's unsaved mark says the row shows more than the disk holds.
    """

    countsChanged = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self._row_of_path: dict[str, int] = {}
        self._dirty: set[str] = set()
        self._counts = {queue: 0 for queue in Queue}

    # --- Qt model interface -------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return HEADERS[column] or "State"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.QUALITY, Column.HEAT):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.parent().isValid() or not 0 <= index.row() < len(self._rows):
            return None
        stored = self._rows[index.row()]
        row = stored.shown
        summary = row.summary
        column = Column(index.column())
        if role == SUMMARY_ROLE:
            return stored.summary
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        if role == PATH_ROLE:
            return summary.path
        if role == Qt.ItemDataRole.DecorationRole and column == Column.STATE:
            flags = self.state_flags(summary)
            return _state_strip(flags) if flags else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if column == Column.STATE:
                return ", ".join(self.state_words(summary)) or "awaiting review"
            return self._display(row, column) or "none"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.QUALITY, Column.HEAT):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    # --- what a row shows ---------------------------------------------------------------
    def state_flags(self, summary: RecordSummary) -> tuple[str, ...]:
        flags = []
        if summary.published:
            flags.append("approved")
        elif summary.decision:
            flags.append(summary.decision)
        if summary.problems or not summary.editable:
            flags.append("problem")
        if path_key(summary.path) in self._dirty:
            flags.append("unsaved")
        return tuple(flags)

    def state_words(self, summary: RecordSummary) -> list[str]:
        reason = f" ({summary.decline_reason})" if summary.decline_reason else ""
        words = {"approved": "approved", "declined": f"declined{reason}", "flagged": "flagged for later",
                 "problem": "has problems", "unsaved": "unsaved edits"}
        return [words[flag] for flag in self.state_flags(summary)]

    @staticmethod
    def _display(row: _Row, column: Column) -> str:
        summary = row.summary
        if column == Column.TITLE:
            return summary.title or _file_name(summary.path)
        if column == Column.PROVIDER:
            return summary.provider
        if column == Column.PUBLISHED:
            return row.published_text
        if column == Column.QUALITY:
            return "" if summary.quality is None else str(summary.quality)
        if column == Column.HEAT:
            if summary.heat is None:
                return ""
            return NOT_RATED if summary.heat == -1 else str(summary.heat)
        if column == Column.TOPICS:
            return ", ".join(summary.topics)
        return ""

    def _sort_key(self, row: _Row, column: Column):
        summary = row.summary
        if column == Column.STATE:
            # Descending puts records with problems first, then approved ones, then the rest.
            return (2 if summary.problems or not summary.editable else 0) + (1 if summary.published else 0)
        if column == Column.TITLE:
            return (summary.title or _file_name(summary.path)).casefold()
        if column == Column.PROVIDER:
            return summary.provider.casefold()
        if column == Column.PUBLISHED:
            return row.published_sort
        if column == Column.QUALITY:
            return MISSING_SORT if summary.quality is None else summary.quality
        if column == Column.HEAT:
            return MISSING_SORT if summary.heat is None else summary.heat
        return ", ".join(summary.topics).casefold()

    def _tooltip(self, row: _Row, column: Column) -> str | None:
        summary = row.summary
        if column == Column.STATE:
            words = self.state_words(summary)
            lines = [", ".join(words).capitalize() or "Awaiting review"]
            lines += [p.message for p in summary.problems[:5]]
            if len(summary.problems) > 5:
                lines.append(f"… and {len(summary.problems) - 5} more")
            return plain_tooltip(*lines)
        if column == Column.TITLE:
            return plain_tooltip(summary.title, summary.path)
        if column == Column.PUBLISHED:
            return plain_tooltip(summary.published_at or "no publishedDateTime")
        if column == Column.HEAT and summary.heat == -1:
            return "not rated"
        return None

    # --- loading and updating -----------------------------------------------------------
    def clear(self) -> None:
        self.beginResetModel()
        self._rows.clear()
        self._row_of_path.clear()
        self._dirty.clear()
        self._counts = {queue: 0 for queue in Queue}
        self.endResetModel()
        self.countsChanged.emit()

    def append_summaries(self, summaries: Iterable[RecordSummary]) -> None:
        fresh = [s for s in summaries if path_key(s.path) not in self._row_of_path]
        if not fresh:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        for summary in fresh:
            self._row_of_path[path_key(summary.path)] = len(self._rows)
            self._rows.append(_Row(summary))
            self._count(summary, +1)
        self.endInsertRows()
        self.countsChanged.emit()

    def update_summary(self, summary: RecordSummary) -> bool:
        """Replace the row for `summary.path` (after a save or a reload); False if no such row."""
        row = self._row_of_path.get(path_key(summary.path))
        if row is None:
            return False
        old = self._rows[row]
        self._count(old.summary, -1)
        self._rows[row] = _Row(summary, old.pending)
        self._count(summary, +1)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))
        self.countsChanged.emit()
        return True

    def set_dirty(self, path: str | Path, dirty: bool) -> None:
        """Mark a record as having unsaved edits (or not); the state column shows it."""
        path = path_key(path)
        if dirty == (path in self._dirty):
            return
        if dirty:
            self._dirty.add(path)
        else:
            self._dirty.discard(path)
        row = self._row_of_path.get(path)
        if row is not None:
            index = self.index(row, Column.STATE)
            self.dataChanged.emit(index, index)

    def set_pending(self, path: str | Path, pending: RecordSummary | None) -> None:
        """Show a record's values as its unsaved edits would save them (None: as on disk)."""
        row = self._row_of_path.get(path_key(path))
        if row is None:
            return
        current = self._rows[row].pending
        if (current.summary if current else None) == pending:
            return
        self._rows[row].pending = _Row(pending) if pending is not None else None
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def pending_summary(self, source_row: int) -> RecordSummary | None:
        pending = self._rows[source_row].pending
        return pending.summary if pending else None

    def dirty_paths(self) -> set[str]:
        return set(self._dirty)

    def _count(self, summary: RecordSummary, delta: int) -> None:
        for queue in Queue:
            if queue.holds(summary):
                self._counts[queue] += delta

    # --- lookups ------------------------------------------------------------------------
    def count(self, queue: Queue) -> int:
        return self._counts[queue]

    def summary_at(self, source_row: int) -> RecordSummary:
        return self._rows[source_row].summary

    def row_for_path(self, path: str | Path) -> int | None:
        return self._row_of_path.get(path_key(path))

    def summaries(self) -> list[RecordSummary]:
        return [row.summary for row in self._rows]

    def matches(self, source_row: int, needle: str) -> bool:
        """Literal, case-insensitive search over title, excerpt, provider and topics."""
        return needle in self._rows[source_row].haystack


def _file_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


class RecordFilterProxy(QSortFilterProxyModel):
    """Shows one queue, narrowed by the search text; sorts on raw values, not on display text."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._queue = Queue.ALL
        self._needle = ""
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    @property
    def queue(self) -> Queue:
        return self._queue

    @property
    def search_text(self) -> str:
        return self._needle

    def set_queue(self, queue: Queue) -> None:
        if queue != self._queue:
            self._refilter(lambda: setattr(self, "_queue", queue))

    def set_search_text(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle != self._needle:
            self._refilter(lambda: setattr(self, "_needle", needle))

    def _refilter(self, change) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+: rows only, columns stay as they are
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        if not isinstance(model, RecordTableModel) or source_parent.isValid():
            return False
        if not self._queue.holds(model.summary_at(source_row)):
            return False
        return not self._needle or model.matches(source_row, self._needle)

    def lessThan(self, left: QModelIndex | QPersistentModelIndex, right: QModelIndex | QPersistentModelIndex) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if a == b:
            # Ties keep file order so the table never shuffles equal rows between sorts.
            return left.row() < right.row()
        return a < b

    def source_rows(self, proxy_indexes: Iterable[QModelIndex]) -> list[int]:
        rows = {self.mapToSource(index).row() for index in proxy_indexes if index.isValid()}
        return sorted(rows)
