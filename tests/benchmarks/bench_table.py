"""Benchmark: the record table at 10,000 and 100,000 rows, against a QSortFilterProxyModel baseline.

    .venv/bin/python tests/benchmarks/bench_table.py [--rows 10000 100000]

Fills the real RecordTableModel with synthetic summaries (varied titles, providers, numbers,
topics, queues), shows it in a QTableView (offscreen) through the desk's RecordFilterProxy, and
times on the UI thread what an editor does: sort by quality and by title, type a search letter by
letter, switch queues, select all rows and read the selection. Each step is timed including the
events it posts (the view's repaint), so the figure is how long the window could not react.

The baseline, in the same process and on the same model, is the approach the desk had before:
QSortFilterProxyModel with a Python `filterAcceptsRow` and `lessThan`.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from desktop.records.model import Problem, RecordSummary  # noqa: E402
from desktop.ui.folder.loader import HIT_SLICE  # noqa: E402
from desktop.ui.table.model import SORT_ROLE, Column, Queue, RecordFilterProxy, RecordTableModel  # noqa: E402

WORDS = (
    "police",
    "facial",
    "recognition",
    "amazon",
    "climate",
    "vaccine",
    "election",
    "market",
    "ai",
    "privacy",
    "court",
    "energy",
    "startup",
    "football",
    "museum",
    "ethics",
    "rocket",
    "bank",
)


class BaselineProxy(QSortFilterProxyModel):
    """The table proxy as it was: Qt's sort and filter calling Python per row and per comparison."""

    def __init__(self) -> None:
        super().__init__()
        self.queue, self.needle = Queue.ALL, ""
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_queue(self, queue: Queue) -> None:
        self._refilter(lambda: setattr(self, "queue", queue))

    def set_search_text(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "needle", text.strip().casefold()))

    def _refilter(self, change) -> None:  # as the desk did: rows only
        self.beginFilterChange()
        change()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row, source_parent) -> bool:
        model = self.sourceModel()
        return self.queue.holds(model.summary_at(source_row)) and (
            not self.needle or model.matches(source_row, self.needle)
        )

    def lessThan(self, left, right) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        return left.row() < right.row() if a == b else a < b


def summaries(count: int) -> list[RecordSummary]:
    rng = random.Random(7)
    rows = []
    for number in range(count):
        title = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
        rows.append(
            RecordSummary(
                path=f"/feed/{number:06}.md",
                title=title,
                excerpt=" ".join(rng.choice(WORDS) for _ in range(30)),
                provider=rng.choice(("TechCrunch", "BBC", "Reuters", "AP")),
                domain="example.com",
                published_at=f"2020-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}T10:00:00Z",
                quality=rng.randint(0, 100),
                heat=rng.randint(-1, 100),
                published=rng.random() < 0.3,
                topics=tuple(rng.sample(("AI", "Vision", "Privacy", "Health", "Sport"), 2)),
                problems=(Problem("quality must be at most 100"),) if rng.random() < 0.05 else (),
            )
        )
    return rows


def timed(app, action) -> float:
    start = time.perf_counter()
    action()
    app.processEvents()
    return (time.perf_counter() - start) * 1000


def run(app, rows: list[RecordSummary], proxy) -> dict[str, float]:
    model = RecordTableModel()
    view = QTableView()
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    # As the window sets its table (main_window.py): a highlighted header asks the selection model
    # whether each whole column is selected, which walks every row.
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setHighlightSections(False)
    view.resize(1000, 700)
    proxy.setSourceModel(model)
    view.setModel(proxy)
    view.horizontalHeader().setSelectionModel(QItemSelectionModel(proxy, view))
    view.show()
    slices = [
        timed(app, lambda start=start: model.append_summaries(rows[start : start + HIT_SLICE]))
        for start in range(0, len(rows), HIT_SLICE)
    ]
    figures = {f"load, longest {HIT_SLICE}-row slice": max(slices), "load, all slices": sum(slices)}
    view.setCurrentIndex(proxy.index(len(rows) // 2 if proxy.rowCount() > len(rows) // 2 else 0, 1))
    figures["sort by quality"] = timed(app, lambda: proxy.sort(Column.QUALITY, Qt.SortOrder.DescendingOrder))
    figures["sort by title"] = timed(app, lambda: proxy.sort(Column.TITLE, Qt.SortOrder.AscendingOrder))
    keystrokes = [timed(app, lambda text=text: proxy.set_search_text(text)) for text in ("e", "et", "eth", "ethi")]
    figures["search keystroke (worst of 4)"] = max(keystrokes)
    figures["clear the search"] = timed(app, lambda: proxy.set_search_text(""))
    figures["switch queue (To review)"] = timed(app, lambda: proxy.set_queue(Queue.TO_REVIEW))
    figures["switch queue (All)"] = timed(app, lambda: proxy.set_queue(Queue.ALL))
    figures["select all"] = timed(app, view.selectAll)
    selection = view.selectionModel()
    figures["selected rows, by ranges"] = timed(app, lambda: sum(span.height() for span in selection.selection()))
    figures["edit 1 row (sorted, moves)"] = timed(
        app, lambda: model.update_summary(dataclasses.replace(rows[5], title="Zz last"))
    )
    selection.clear()
    view.close()
    view.deleteLater()
    app.processEvents()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--baseline-max",
        type=int,
        default=10_000,
        help="rows above this skip the baseline (it needs minutes at 100,000)",
    )
    options = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    for count in options.rows:
        rows = summaries(count)
        new = run(app, rows, RecordFilterProxy())
        old = run(app, rows, BaselineProxy()) if count <= options.baseline_max else {}
        print(f"\n{count:,} rows: milliseconds on the UI thread")
        print(f"{'':34}{'desk':>10}{'baseline':>12}")
        for name, value in new.items():
            before = old.get(name)
            ratio = f"  {before / value:6.1f}x faster" if before and value else ""
            print(f"{name:34}{value:10.1f}{(f'{before:.1f}' if before is not None else '-'):>12}{ratio}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
