"""The record table: one model over the loaded summaries, and a proxy for the queue and the search."""

from __future__ import annotations

import enum
import itertools
import operator
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QDateTime,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from desktop.paths import resource_path
from desktop.records import Problem, RecordSummary, file_name, path_key
from desktop.ui.widgets.text import plain_tooltip

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
    GIT = 7  # shown only when the folder is in a git work tree (desktop/ui/git/desk.py)


HEADERS = {
    Column.STATE: "",
    Column.TITLE: "Title",
    Column.PROVIDER: "Provider",
    Column.PUBLISHED: "Published",
    Column.QUALITY: "Quality",
    Column.HEAT: "Heat",
    Column.TOPICS: "Topics",
    Column.GIT: "Git",
}
HEADER_TIPS = {
    Column.STATE: "State: approved, declined, flagged, has problems, unsaved edits",
    Column.QUALITY: "Quality score, 0 to 100",
    Column.HEAT: "Heat, 0 to 100 (– means not rated)",
    Column.GIT: "Git: modified, new or conflicted since the last commit (blank: unchanged)",
}
GIT_STATE_ORDER = {"unchanged": 0, "new": 1, "modified": 2, "deleted": 2, "conflicted": 3}
GIT_STATE_COLORS = {"new": "#1b7a3a", "modified": "#9a5b00", "conflicted": "#c0262d"}


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


@cache
def state_icon(name: str) -> QIcon:
    return QIcon(str(resource_path("icons", f"{name}.svg")))


# A row shows at most three states (a decision, problems or warnings, unsaved edits) of 16 px,
# 2 px apart: the state column is this wide so the third, the unsaved mark, is never cut off.
_STATE_SIZE, _STATE_GAP = 16, 2
STATE_COLUMN_WIDTH = 3 * _STATE_SIZE + 2 * _STATE_GAP + 12


@lru_cache(maxsize=16)
def _state_strip(flags: tuple[str, ...]) -> QIcon:
    """One icon holding each state's 16 px symbol side by side, so a row can show several at once."""
    size, gap = _STATE_SIZE, _STATE_GAP
    icon = QIcon()
    for mode in (QIcon.Mode.Normal, QIcon.Mode.Selected):
        pixmap = QPixmap(size * len(flags) + gap * (len(flags) - 1), size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for i, name in enumerate(flags):
            place = QRect(i * (size + gap), 0, size, size)
            if mode == QIcon.Mode.Selected:
                # On the selection's highlight the blue unsaved mark was all but invisible: each
                # symbol sits on a white disc there.
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor("white"))
                painter.drawEllipse(place)
            state_icon(name).paint(painter, place)
        painter.end()
        icon.addPixmap(pixmap, mode)
    return icon


class _Row:
    """A summary with what the table derives from it, computed once.

    `pending` is the same record as its unsaved edits would save it: the cells show it (with the
    unsaved mark), while queues and search go by `summary`, the record as it is on disk.
    """

    __slots__ = ("summary", "published_text", "published_sort", "haystack", "pending")

    def __init__(self, summary: RecordSummary, pending: _Row | None = None, locale: QLocale | None = None) -> None:
        self.summary = summary
        self.pending = pending
        moment = parse_published(summary.published_at)
        if moment is None:
            self.published_text, self.published_sort = summary.published_at, MISSING_SORT
        else:  # format_published, without parsing the text a second time
            self.published_text = (locale or QLocale()).toString(moment.toLocalTime(), QLocale.FormatType.ShortFormat)
            self.published_sort = moment.toMSecsSinceEpoch()
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
        # Per queue, one byte per row (1: the row's saved record is in it): the proxy filters
        # 100,000 rows with itertools.compress instead of asking each row in Python.
        self._members = {queue: bytearray() for queue in Queue}
        self._haystacks: list[str] = []  # by row, beside _rows, for the proxy's search loop in C
        # The folder's warnings by path (duplicates, links): they do not block approval.
        self._warnings: dict[str, list[Problem]] = {}
        self._warned = bytearray()  # by row, 1 where the record has warnings, for the proxy's filter
        self.warnedCount = 0
        self._git_states: dict[str, str] = {}  # path_key -> state, for records that differ from HEAD

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

    # flags(): QAbstractTableModel's own (enabled, selectable, no children), left in C++ because
    # Qt asks it of every cell of a selection: select all at 100,000 rows made 700,000 Python calls.

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.parent().isValid() or not 0 <= index.row() < len(self._rows):
            return None
        stored = self._rows[index.row()]
        row = stored.shown
        summary = row.summary
        column = Column(index.column())
        if role == SUMMARY_ROLE:
            return stored.summary
        if column == Column.GIT:
            return self._git_data(summary, role)
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
    def git_state(self, path: str | Path) -> str:
        return self._git_states.get(path_key(path), "unchanged")

    def set_git_states(self, states: dict[str, str]) -> None:
        """Each record's state in git ({path: modified | new | conflicted}; others are unchanged)."""
        states = {path_key(path): state for path, state in states.items()}
        if states == self._git_states:
            return
        self._git_states = states
        if self._rows:
            self.dataChanged.emit(self.index(0, Column.GIT), self.index(len(self._rows) - 1, Column.GIT))

    def _git_data(self, summary: RecordSummary, role: int):
        state = self.git_state(summary.path)
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if state == "unchanged" else state
        if role == SORT_ROLE:
            return GIT_STATE_ORDER.get(state, 0)
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            return f"{state} in git" if role == Qt.ItemDataRole.ToolTipRole else state
        if role == Qt.ItemDataRole.ForegroundRole and state in GIT_STATE_COLORS:
            return QColor(GIT_STATE_COLORS[state])
        if role == PATH_ROLE:
            return summary.path
        return None

    def state_flags(self, summary: RecordSummary) -> tuple[str, ...]:
        flags = []
        if summary.published:
            flags.append("approved")
        elif summary.decision:
            flags.append(summary.decision)
        if summary.problems or not summary.editable:
            flags.append("problem")
        elif summary.path in self._warnings:
            flags.append("warning")
        if summary.path in self._dirty:
            flags.append("unsaved")
        return tuple(flags)

    def state_words(self, summary: RecordSummary) -> list[str]:
        reason = f" ({summary.decline_reason})" if summary.decline_reason else ""
        words = {
            "approved": "approved",
            "declined": f"declined{reason}",
            "flagged": "flagged for later",
            "problem": "has problems",
            "warning": "has warnings",
            "unsaved": "unsaved edits",
        }
        return [words[flag] for flag in self.state_flags(summary)]

    @staticmethod
    def _display(row: _Row, column: Column) -> str:
        summary = row.summary
        if column == Column.TITLE:
            return summary.title or file_name(summary.path)
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
            return (summary.title or file_name(summary.path)).casefold()
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
            warnings = self._warnings.get(summary.path, [])
            lines += [f"warning: {p.message}" for p in warnings[:5]]
            if len(warnings) > 5:
                lines.append(f"… and {len(warnings) - 5} more warnings")
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
        self._members = {queue: bytearray() for queue in Queue}
        self._haystacks = []
        self._warnings = {}
        self._warned = bytearray()
        self.warnedCount = 0
        self.endResetModel()
        self.countsChanged.emit()

    def append_summaries(self, summaries: Iterable[RecordSummary]) -> None:
        # Each path's key made once (Path() costs 4 us), one locale for the batch: a slice of
        # 500 rows took 23 ms at 45 us a row, now about half.
        fresh = [(s.path, s) for s in summaries if s.path not in self._row_of_path]
        if not fresh:
            return
        first = len(self._rows)
        locale = QLocale()
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        for key, summary in fresh:
            row = len(self._rows)
            self._row_of_path[key] = row
            self._rows.append(_Row(summary, locale=locale))
            self._haystacks.append(self._rows[-1].haystack)
            self._warned.append(1 if key in self._warnings else 0)
            for members in self._members.values():
                members.append(0)
            self._count(row, summary, +1)
        self.endInsertRows()
        self.countsChanged.emit()

    def update_summary(self, summary: RecordSummary) -> bool:
        """Replace the row for `summary.path` (after a save or a reload); False if no such row."""
        row = self._row_of_path.get(summary.path)
        if row is None:
            return False
        old = self._rows[row]
        self._count(row, old.summary, -1)
        self._rows[row] = _Row(summary, old.pending)
        self._haystacks[row] = self._rows[row].haystack
        self._count(row, summary, +1)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))
        self.countsChanged.emit()
        return True

    def remove_paths(self, paths: Iterable[str | Path]) -> int:
        """Drop the rows of files that are gone from disk; returns how many rows left."""
        rows = sorted({row for p in paths if (row := self._row_of_path.get(path_key(p))) is not None}, reverse=True)
        for row in rows:
            self.beginRemoveRows(QModelIndex(), row, row)
            gone = self._rows.pop(row)
            self._count(row, gone.summary, -1)
            for members in (*self._members.values(), self._warned, self._haystacks):
                del members[row]
            self._dirty.discard(gone.summary.path)
            self.endRemoveRows()
        if rows:
            self._row_of_path = {r.summary.path: i for i, r in enumerate(self._rows)}
            self.countsChanged.emit()
        return len(rows)

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

    def _count(self, row: int, summary: RecordSummary, delta: int) -> None:
        for queue in Queue:
            if queue.holds(summary):
                self._counts[queue] += delta
                self._members[queue][row] = 1 if delta > 0 else 0

    def members(self, queue: Queue) -> bytearray:
        """One byte per row, 1 where the row's saved record is in `queue`; the model's own, not a copy."""
        return self._members[queue]

    def haystacks(self) -> list[str]:
        """By row, the casefolded text the search looks in (title, excerpt, provider, domain,
        topics); the model's own list, not a copy."""
        return self._haystacks

    def sort_key(self, source_row: int, column: Column):
        """What the column sorts by: the value shown (unsaved edits included), one type per column."""
        return self._sort_key(self._rows[source_row].shown, Column(column))

    def sort_keys(self, column: Column, start: int = 0) -> list:
        """`sort_key` of every row from `start`, by one loop per column rather than a call per row."""
        rows = self._rows[start:]
        column = Column(column)
        if column == Column.QUALITY:
            return [MISSING_SORT if (q := row.shown.summary.quality) is None else q for row in rows]
        if column == Column.HEAT:
            return [MISSING_SORT if (h := row.shown.summary.heat) is None else h for row in rows]
        if column == Column.PUBLISHED:
            return [row.shown.published_sort for row in rows]
        return [self._sort_key(row.shown, column) for row in rows]

    # --- lookups ------------------------------------------------------------------------
    def count(self, queue: Queue) -> int:
        return self._counts[queue]

    def set_warnings(self, warnings: dict[str, list[Problem]]) -> None:
        """The folder's warnings, replacing the previous ones; the state column shows them."""
        self._warnings = {path_key(path): list(found) for path, found in warnings.items() if found}
        self._warned = bytearray(len(self._rows))
        for key in self._warnings:
            row = self._row_of_path.get(key)
            if row is not None:
                self._warned[row] = 1
        self.warnedCount = self._warned.count(1)
        if self._rows:
            self.dataChanged.emit(self.index(0, Column.STATE), self.index(len(self._rows) - 1, Column.STATE))
        self.countsChanged.emit()

    def warnings_of(self, path: str | Path) -> list[Problem]:
        return list(self._warnings.get(path_key(path), ()))

    def has_warnings(self, source_row: int) -> bool:
        return bool(self._warned[source_row])

    def warned_rows(self) -> bytearray:
        """One byte per row, 1 where the record has warnings; the model's own, not a copy."""
        return self._warned

    def summary_at(self, source_row: int) -> RecordSummary:
        return self._rows[source_row].summary

    def row_for_path(self, path: str | Path) -> int | None:
        return self._row_of_path.get(path_key(path))

    def summaries(self) -> list[RecordSummary]:
        return [row.summary for row in self._rows]

    def matches(self, source_row: int, needle: str) -> bool:
        """Literal, case-insensitive search over title, excerpt, provider and topics."""
        return needle in self._haystacks[source_row]


class RecordFilterProxy(QAbstractTableModel):
    """Shows one queue, narrowed by the search text, sorted on raw values, not on display text.

    Built for 100,000 rows: the rows shown are one list of source rows (`_order`), made with
    C-speed steps (`itertools.compress` over the model's queue bytes, a substring test per row,
    `sorted` over keys computed once per column), where QSortFilterProxyModel asked a Python
    `filterAcceptsRow` per row per keystroke and a Python `lessThan` per comparison (a sort of
    10,000 rows froze the window for seconds). Ties keep file order, in both directions.

    It is a table model of its own rather than a QAbstractProxyModel, so that `index()`,
    `parent()` and `flags()` stay in C++: the view and the selection model call them per cell.
    `mapToSource` and `mapFromSource` are plain methods.

    A change to a few rows moves, inserts or removes just those rows, so the selection and the
    current record stay where they are; a change to many at once (a queue switch, a search) is
    told to the view as a reset when that is fewer signals than the runs of rows it changes
    (`MAX_RUNS`); the window keeps its current record across it (`MainWindow._after_filter`).
    """

    MAX_RUNS = 64

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._queue = Queue.ALL
        self._needle = ""
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._order: list[int] = []
        self._positions: dict[int, int] | None = {}
        self._keys: dict[int, list] = {}  # sort keys per column, by source row, made on first sort
        self._connections: list = []
        self._source: RecordTableModel | None = None
        self._warnings_only = False

    # --- settings -----------------------------------------------------------------------
    @property
    def queue(self) -> Queue:
        return self._queue

    @property
    def search_text(self) -> str:
        return self._needle

    def sort_column(self) -> int:
        return self._sort_column

    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    def set_queue(self, queue: Queue) -> None:
        if queue != self._queue:
            self._queue = queue
            self._show(self._computed_order())

    def set_search_text(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        narrower = bool(self._needle) and self._needle in needle
        self._needle = needle
        if narrower:  # every row that holds the new text held the old one
            self._show(_holding(self._order, self._model().haystacks(), needle))
        else:
            self._show(self._computed_order())

    @property
    def warnings_only(self) -> bool:
        return self._warnings_only

    def set_warnings_only(self, only: bool) -> None:
        """Narrow any queue to the records with warnings (a filter, not a queue of its own)."""
        if only != self._warnings_only:
            self._warnings_only = only
            self._show(self._computed_order())

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        column = column if 0 <= column < len(Column) else -1
        if (column, order) == (self._sort_column, self._sort_order):
            return
        self._sort_column, self._sort_order = column, order
        self._relayout(self._sorted(sorted(self._order)))

    # --- the model interface --------------------------------------------------------------
    def sourceModel(self) -> RecordTableModel | None:  # the name QAbstractProxyModel gives it
        return self._source

    def setSourceModel(self, model: RecordTableModel | None) -> None:
        self.beginResetModel()
        for signal, slot in self._connections:
            signal.disconnect(slot)
        self._connections = []
        self._source = model
        if model is not None:
            for signal, slot in (
                (model.modelAboutToBeReset, self.beginResetModel),
                (model.modelReset, self._on_source_reset),
                (model.rowsInserted, self._on_rows_inserted),
                (model.rowsAboutToBeRemoved, self._on_rows_about_to_be_removed),
                (model.rowsRemoved, self._on_rows_removed),
                (model.dataChanged, self._on_data_changed),
            ):
                signal.connect(slot)
                self._connections.append((signal, slot))
        self._keys = {}
        self._order = self._computed_order() if model is not None else []
        self._positions = None
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Column)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        source = self.mapToSource(index)
        return source.data(role) if source.isValid() else None

    def mapToSource(self, proxy_index: QModelIndex | QPersistentModelIndex) -> QModelIndex:
        model = self.sourceModel()
        if model is None or not proxy_index.isValid() or not 0 <= proxy_index.row() < len(self._order):
            return QModelIndex()
        return model.index(self._order[proxy_index.row()], proxy_index.column())

    def mapFromSource(self, source_index: QModelIndex | QPersistentModelIndex) -> QModelIndex:
        if not source_index.isValid():
            return QModelIndex()
        row = self._position_of(source_index.row())
        return QModelIndex() if row is None else self.createIndex(row, source_index.column())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        model = self.sourceModel()
        if model is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            return section + 1 if role == Qt.ItemDataRole.DisplayRole else None
        return model.headerData(section, orientation, role)

    def source_rows_of_ranges(self, ranges: Iterable[tuple[int, int]]) -> list[int]:
        """The source rows of proxy row spans (top, bottom inclusive): a selection, without an index per row."""
        rows: set[int] = set()
        for top, bottom in ranges:
            rows.update(self._order[max(top, 0) : bottom + 1])
        return sorted(rows)

    # --- what is shown ------------------------------------------------------------------
    def _model(self) -> RecordTableModel:
        model = self.sourceModel()
        assert isinstance(model, RecordTableModel)
        return model

    def _accepts(self, source_row: int) -> bool:
        model = self._model()
        return (
            bool(model.members(self._queue)[source_row])
            and (not self._warnings_only or model.has_warnings(source_row))
            and (not self._needle or self._needle in model.haystacks()[source_row])
        )

    def _computed_order(self) -> list[int]:
        model = self.sourceModel()
        if not isinstance(model, RecordTableModel):
            return []
        rows = list(itertools.compress(range(model.rowCount()), model.members(self._queue)))
        if self._warnings_only:
            rows = list(itertools.compress(rows, map(model.warned_rows().__getitem__, rows)))
        if self._needle:
            rows = _holding(rows, model.haystacks(), self._needle)
        return self._sorted(rows)

    def _sorted(self, rows: list[int]) -> list[int]:
        """`rows` (in file order) in the current sort order; stable, so ties stay in file order."""
        if self._sort_column < 0:
            return rows
        keys = self._keys_of(self._sort_column)
        return sorted(rows, key=keys.__getitem__, reverse=self._sort_order == Qt.SortOrder.DescendingOrder)

    def _keys_of(self, column: int) -> list:
        keys = self._keys.get(column)
        model = self._model()
        if keys is None or len(keys) != model.rowCount():
            keys = model.sort_keys(column)
            self._keys[column] = keys
        return keys

    def _before(self, a: int, b: int) -> bool:
        """Whether source row `a` is shown above source row `b`."""
        if self._sort_column >= 0:
            keys = self._keys_of(self._sort_column)
            if keys[a] != keys[b]:
                return (keys[a] < keys[b]) != (self._sort_order == Qt.SortOrder.DescendingOrder)
        return a < b

    def _insertion_point(self, order: list[int], source_row: int) -> int:
        low, high = 0, len(order)
        while low < high:
            middle = (low + high) // 2
            if self._before(order[middle], source_row):
                low = middle + 1
            else:
                high = middle
        return low

    def _position_of(self, source_row: int) -> int | None:
        if self._positions is None:
            self._positions = {row: position for position, row in enumerate(self._order)}
        return self._positions.get(source_row)

    # --- telling the view ---------------------------------------------------------------
    def _show(self, order: list[int]) -> None:
        """Change the rows shown to `order`, which keeps the relative order of rows still shown."""
        # Positions as C-speed steps (compress over membership tests): a Python loop over
        # 100,000 rows per keystroke is what this model exists to avoid.
        kept = set(order)
        removed = list(itertools.compress(itertools.count(), map(operator.not_, map(kept.__contains__, self._order))))
        old = set(self._order)
        added = list(itertools.compress(itertools.count(), map(operator.not_, map(old.__contains__, order))))
        if _run_count(removed) + _run_count(added) > self.MAX_RUNS:
            self.beginResetModel()
            self._order, self._positions = order, None
            self.endResetModel()
            return
        for first, last in reversed(_runs(removed)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._order[first : last + 1]
            self._positions = None
            self.endRemoveRows()
        for first, last in _runs(added):  # positions in the final order, so ascending inserts land right
            self.beginInsertRows(QModelIndex(), first, last)
            self._order[first:first] = order[first : last + 1]
            self._positions = None
            self.endInsertRows()

    def _relayout(self, order: list[int]) -> None:
        """Show the same rows in another order, moving the selection and current row with them."""
        if order == self._order:
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        sources = [(self._order[index.row()], index.column()) for index in persistent]
        self._order, self._positions = order, None
        self.changePersistentIndexList(
            persistent, [self.index(self._position_of(row), column) for row, column in sources]
        )
        self.layoutChanged.emit()

    # --- following the model ------------------------------------------------------------
    def _on_source_reset(self) -> None:
        self._keys = {}
        self._order, self._positions = self._computed_order(), None
        self.endResetModel()

    def _on_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        model = self._model()
        for column, keys in self._keys.items():
            keys.extend(model.sort_keys(column, len(keys)))
        fresh = [row for row in range(first, last + 1) if self._accepts(row)]
        if not fresh:
            return
        end = len(self._order)
        self.beginInsertRows(QModelIndex(), end, end + len(fresh) - 1)
        self._order.extend(fresh)
        if self._positions is not None:
            self._positions.update((row, end + offset) for offset, row in enumerate(fresh))
        self.endInsertRows()
        if self._sort_column >= 0:
            # The shown rows are sorted with ties in file order and the newcomers come after all of
            # them in the file, so a stable sort keeps ties right; timsort merges the two runs.
            self._relayout(self._sorted(self._order))

    def _on_rows_about_to_be_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        shown = sorted(p for p in (self._position_of(row) for row in range(first, last + 1)) if p is not None)
        for start, end in reversed(_runs(shown)):
            self.beginRemoveRows(QModelIndex(), start, end)
            del self._order[start : end + 1]
            self._positions = None
            self.endRemoveRows()

    def _on_rows_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        # Later source rows moved up; the rows shown keep their places.
        count = last - first + 1
        self._order = [row - count if row > last else row for row in self._order]
        self._positions = None
        for keys in self._keys.values():
            del keys[first : last + 1]

    def _on_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, roles=()) -> None:
        model = self._model()
        rows = range(top_left.row(), bottom_right.row() + 1)
        if len(rows) > self.MAX_RUNS:
            self._keys = {column: model.sort_keys(column) for column in self._keys}
            self._show(self._computed_order())
        else:
            for column, keys in self._keys.items():
                for row in rows:
                    keys[row] = model.sort_key(row, column)
            for row in rows:
                self._follow_row(row)
        shown = [position for position in (self._position_of(row) for row in rows) if position is not None]
        for first, last in _runs(sorted(shown)):
            self.dataChanged.emit(self.index(first, top_left.column()), self.index(last, bottom_right.column()), roles)

    def _follow_row(self, source_row: int) -> None:
        """Insert, remove or move one changed row so the view keeps everything else as it was."""
        position = self._position_of(source_row)
        accepted = self._accepts(source_row)
        if position is None and accepted:
            at = self._insertion_point(self._order, source_row)
            self.beginInsertRows(QModelIndex(), at, at)
            self._order.insert(at, source_row)
            self._positions = None
            self.endInsertRows()
        elif position is not None and not accepted:
            self.beginRemoveRows(QModelIndex(), position, position)
            del self._order[position]
            self._positions = None
            self.endRemoveRows()
        elif position is not None and self._sort_column >= 0:
            rest = self._order[:position] + self._order[position + 1 :]
            at = self._insertion_point(rest, source_row)
            if at == position:
                return
            # beginMoveRows names the destination in the coordinates before the move.
            self.beginMoveRows(QModelIndex(), position, position, QModelIndex(), at + 1 if at > position else at)
            rest.insert(at, source_row)
            self._order, self._positions = rest, None
            self.endMoveRows()


def _holding(rows: list[int], haystacks: list[str], needle: str) -> list[int]:
    """The rows whose haystack holds `needle`, tested by map/compress in C (30 ms for 100,000 rows
    where a comprehension took 100)."""
    texts = map(haystacks.__getitem__, rows)
    return list(itertools.compress(rows, map(operator.contains, texts, itertools.repeat(needle))))


def _run_count(positions: list[int]) -> int:
    """How many spans of consecutive numbers ascending `positions` make, without a Python loop."""
    if not positions:
        return 0
    steps = list(map(operator.sub, positions[1:], positions[:-1]))
    return len(positions) - steps.count(1)


def _runs(positions: list[int]) -> list[tuple[int, int]]:
    """Ascending positions as (first, last) spans of consecutive ones."""
    runs: list[tuple[int, int]] = []
    for position in positions:
        if runs and runs[-1][1] == position - 1:
            runs[-1] = (runs[-1][0], position)
        else:
            runs.append((position, position))
    return runs
