"""The record table's model and proxy: Qt's model checks, raw-value sorting, queues, search, updates."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QLocale, QModelIndex, QSortFilterProxyModel, Qt

from desktop.records.model import IO, Problem, RecordSummary
from desktop.ui.table.model import (
    NOT_RATED,
    PATH_ROLE,
    SORT_ROLE,
    SUMMARY_ROLE,
    Column,
    Queue,
    RecordFilterProxy,
    RecordTableModel,
)


def summaries() -> list[RecordSummary]:
    return [
        RecordSummary(
            path="/f/a.md",
            title="Alpha story",
            excerpt="About <b>cats</b>",
            provider="TechCrunch",
            published_at="2020-06-11T16:07:00Z",
            quality=9,
            heat=-1,
            topics=("AI", "Vision"),
        ),
        RecordSummary(
            path="/f/b.md",
            title="beta story",
            excerpt="dogs",
            provider="BBC",
            published_at="2020-06-09T06:31:00Z",
            quality=10,
            heat=55,
            published=True,
        ),
        RecordSummary(
            path="/f/c.md",
            title="Gamma",
            provider="Quartz",
            published_at="",
            quality=None,
            heat=None,
            problems=(Problem("title must not be empty", 2, 8),),
        ),
        RecordSummary(path="/f/d.md", problems=(Problem("cannot read the file", code=IO),), editable=False),
        RecordSummary(
            path="/f/e.md",
            title="Delta (a+b)*",
            provider="VICE",
            published_at="2020-06-10T22:58:00+02:00",
            quality=100,
            heat=0,
            published=True,
            topics=("AWS AI",),
        ),
    ]


@pytest.fixture
def model(qtbot) -> RecordTableModel:
    model = RecordTableModel()
    model.append_summaries(summaries()[:2])
    model.append_summaries(summaries()[2:])
    return model


@pytest.fixture
def proxy(model) -> RecordFilterProxy:
    proxy = RecordFilterProxy()
    proxy.setSourceModel(model)
    return proxy


def column(proxy: QSortFilterProxyModel, col: Column, role=Qt.ItemDataRole.DisplayRole) -> list:
    return [proxy.index(r, col).data(role) for r in range(proxy.rowCount())]


def test_model_and_proxy_pass_qt_model_checks(qtmodeltester, model, proxy):
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)
    proxy.set_queue(Queue.APPROVED)
    proxy.set_search_text("story")
    proxy.sort(Column.QUALITY, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy)


def test_an_empty_model_passes_qt_model_checks(qtmodeltester, qtbot):
    empty = RecordTableModel()
    qtmodeltester.check(empty)
    empty.append_summaries(summaries())
    empty.clear()
    qtmodeltester.check(empty)


def test_cells_show_what_an_editor_reads(model):
    a = 0
    assert model.index(a, Column.TITLE).data() == "Alpha story"
    assert model.index(a, Column.PROVIDER).data() == "TechCrunch"
    assert model.index(a, Column.QUALITY).data() == "9"
    assert model.index(a, Column.HEAT).data() == NOT_RATED
    assert model.index(a, Column.HEAT).data(Qt.ItemDataRole.ToolTipRole) == "not rated"
    assert model.index(a, Column.TOPICS).data() == "AI, Vision"
    assert model.index(a, Column.PUBLISHED).data() not in ("", "2020-06-11T16:07:00Z")
    assert model.index(2, Column.QUALITY).data() == ""
    assert model.index(3, Column.TITLE).data() == "d.md"  # unreadable: the file name stands in
    assert model.index(a, Column.TITLE).data(PATH_ROLE) == "/f/a.md"
    assert model.index(1, 0).data(SUMMARY_ROLE).title == "beta story"
    assert model.index(1, Column.STATE).data(Qt.ItemDataRole.DecorationRole) is not None
    assert model.index(0, Column.STATE).data(Qt.ItemDataRole.DecorationRole) is None
    assert model.index(3, Column.STATE).data(Qt.ItemDataRole.AccessibleTextRole) == "has problems"


def test_numbers_and_dates_sort_by_value_not_by_text(proxy):
    proxy.sort(Column.QUALITY, Qt.SortOrder.AscendingOrder)
    assert column(proxy, Column.QUALITY) == ["", "", "9", "10", "100"]  # missing first, then 9 < 10 < 100
    proxy.sort(Column.HEAT, Qt.SortOrder.DescendingOrder)
    assert column(proxy, Column.HEAT)[:3] == ["55", "0", NOT_RATED]
    proxy.sort(Column.PUBLISHED, Qt.SortOrder.DescendingOrder)
    paths = column(proxy, Column.TITLE, PATH_ROLE)
    # 22:58+02:00 on the 10th is 20:58 UTC: after the 9th, before the 11th.
    assert paths[:3] == ["/f/a.md", "/f/e.md", "/f/b.md"]
    proxy.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    assert column(proxy, Column.TITLE)[:3] == ["Alpha story", "beta story", "d.md"]  # case-insensitive


def test_queues_hold_the_right_records_and_count_them(model, proxy):
    assert [model.count(q) for q in Queue] == [5, 2, 2, 0, 0, 2]
    proxy.set_queue(Queue.APPROVED)
    assert set(column(proxy, Column.TITLE, PATH_ROLE)) == {"/f/b.md", "/f/e.md"}
    proxy.set_queue(Queue.NEEDS_ATTENTION)
    assert set(column(proxy, Column.TITLE, PATH_ROLE)) == {"/f/c.md", "/f/d.md"}
    proxy.set_queue(Queue.TO_REVIEW)
    # An unreadable file cannot be approved, so it waits in Needs attention only.
    assert set(column(proxy, Column.TITLE, PATH_ROLE)) == {"/f/a.md", "/f/c.md"}


def test_search_is_literal_case_insensitive_and_covers_excerpt_provider_topics(proxy):
    def found(text: str) -> set[str]:
        proxy.set_search_text(text)
        return set(column(proxy, Column.TITLE, PATH_ROLE))

    assert found("ALPHA") == {"/f/a.md"}
    assert found("<b>cats") == {"/f/a.md"}
    assert found("bbc") == {"/f/b.md"}
    assert found("aws ai") == {"/f/e.md"}
    assert found("(a+b)*") == {"/f/e.md"}
    assert found(".*") == set()
    assert found("  ") == {"/f/a.md", "/f/b.md", "/f/c.md", "/f/d.md", "/f/e.md"}


def test_update_summary_replaces_one_row_and_the_counts(qtbot, model, proxy):
    proxy.set_queue(Queue.APPROVED)
    row = model.row_for_path("/f/a.md")
    with qtbot.waitSignals([model.dataChanged, model.countsChanged]):
        assert model.update_summary(replace(model.summary_at(row), published=True, quality=77))
    assert model.index(row, Column.QUALITY).data() == "77"
    assert model.count(Queue.APPROVED) == 3 and model.count(Queue.TO_REVIEW) == 1
    assert "/f/a.md" in column(proxy, Column.TITLE, PATH_ROLE)  # the proxy follows
    assert model.update_summary(RecordSummary(path="/elsewhere.md")) is False


def test_appending_the_same_path_twice_keeps_one_row(model):
    model.append_summaries(summaries()[:1])
    assert model.rowCount() == 5


def test_dirty_marker_shows_in_the_state_column(qtbot, model):
    with qtbot.waitSignal(model.dataChanged):
        model.set_dirty("/f/a.md", True)
    index = model.index(0, Column.STATE)
    assert index.data(Qt.ItemDataRole.DecorationRole) is not None
    assert "unsaved edits" in index.data(Qt.ItemDataRole.AccessibleTextRole)
    assert model.dirty_paths() == {"/f/a.md"}
    model.set_dirty("/f/a.md", False)
    assert index.data(Qt.ItemDataRole.DecorationRole) is None


def test_sort_keys_of_a_column_are_one_comparable_type(model):
    for col in Column:
        keys = [model.index(r, col).data(SORT_ROLE) for r in range(model.rowCount())]
        assert len({type(k) for k in keys}) == 1, col
        sorted(keys)


def test_rows_are_flat(model):
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.index(0, 0).parent() == QModelIndex()


def test_unsaved_values_show_in_the_cells_and_sort_but_queues_go_by_the_disk(qtmodeltester, model, proxy):
    alpha = summaries()[0]
    proxy.set_queue(Queue.TO_REVIEW)
    proxy.sort(Column.QUALITY, Qt.SortOrder.AscendingOrder)
    assert column(proxy, Column.QUALITY) == ["", "9"]
    to_review = model.count(Queue.TO_REVIEW)

    model.set_dirty(alpha.path, True)
    model.set_pending(alpha.path, replace(alpha, quality=77, published=True, topics=("AI", "Vision", "Privacy")))
    qtmodeltester.check(model)
    assert column(proxy, Column.QUALITY) == ["", "77"]
    assert column(proxy, Column.TOPICS)[1] == "AI, Vision, Privacy"
    assert column(proxy, Column.STATE, Qt.ItemDataRole.AccessibleTextRole)[1] == "approved, unsaved edits"
    assert model.count(Queue.TO_REVIEW) == to_review and proxy.rowCount() == 2
    assert model.summary_at(0) == alpha, "the summary of the file on disk is unchanged"
    proxy.set_queue(Queue.ALL)
    assert column(proxy, Column.QUALITY)[-2:] == ["77", "100"], "sorted by the value shown"

    model.update_summary(replace(alpha, excerpt="re-read from disk"))  # pending edits survive a re-read
    assert column(proxy, Column.QUALITY)[-2:] == ["77", "100"]
    model.set_pending(alpha.path, None)
    model.set_dirty(alpha.path, False)
    assert column(proxy, Column.QUALITY)[:3] == ["", "", "9"]


@pytest.fixture
def german_locale():
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    yield
    QLocale.setDefault(before)


def test_dates_follow_the_default_locale_the_app_sets(german_locale):
    from desktop.ui.table.model import format_published, format_published_date, parse_published

    moment = parse_published("2020-06-11T16:07:00Z").toLocalTime()
    german = QLocale(QLocale.Language.German, QLocale.Country.Germany)
    assert format_published("2020-06-11T16:07:00Z") == german.toString(moment, QLocale.FormatType.ShortFormat)
    assert format_published_date("2020-06-11T16:07:00Z") == german.toString(
        moment.date(), QLocale.FormatType.ShortFormat
    )
    assert format_published_date("2020-06-11T16:07:00Z").startswith("11.06.")


def test_the_bare_c_locale_gives_way_to_a_readable_one(monkeypatch):
    from desktop import app

    before = QLocale()
    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale.c()))
    try:
        app.use_readable_locale()
        assert QLocale().name() == "en_US"
    finally:
        QLocale.setDefault(before)


def expected_paths(model: RecordTableModel, queue: Queue, needle: str, column: int, order: Qt.SortOrder) -> list[str]:
    """What the table should show, worked out the slow, obvious way."""
    rows = [
        row
        for row in range(model.rowCount())
        if queue.holds(model.summary_at(row)) and (not needle or model.matches(row, needle))
    ]
    if column >= 0:
        # Stable sorts: ties stay in file order, in both directions.
        descending = order == Qt.SortOrder.DescendingOrder
        rows.sort(key=lambda row: model.sort_key(row, column), reverse=descending)
    return [model.summary_at(row).path for row in rows]


@pytest.mark.parametrize("seed", range(4))
def test_the_proxy_shows_what_a_plain_filter_and_sort_would_through_any_sequence_of_changes(qtbot, seed):
    """The proxy keeps a list of shown rows and changes it by moves, inserts, removals and resets;
    after every step of a random session (queues, searches, sorts, edits, new and vanished files)
    it shows exactly the rows, in exactly the order, a plain filter and stable sort give."""
    import random

    rng = random.Random(seed)
    words = ("police", "ethics", "climate", "vision", "market", "court")

    def summary(number: int) -> RecordSummary:
        return RecordSummary(
            path=f"/f/{number:04}.md",
            title=" ".join(rng.choice(words) for _ in range(3)),
            provider=rng.choice(("BBC", "AP", "")),
            quality=rng.choice((None, *range(0, 101, 10))),
            heat=rng.randint(-1, 3),
            published=rng.random() < 0.3,
            problems=(Problem("bad"),) if rng.random() < 0.1 else (),
        )

    model = RecordTableModel()
    proxy = RecordFilterProxy()
    proxy.setSourceModel(model)
    count = 0
    for _ in range(3):
        model.append_summaries([summary(count + i) for i in range(150)])
        count += 150
    queue, needle, column, order = Queue.ALL, "", -1, Qt.SortOrder.AscendingOrder
    for step in range(60):
        action = rng.choice(("queue", "search", "sort", "edit", "edit", "append", "remove"))
        if action == "queue":
            queue = rng.choice(list(Queue))
            proxy.set_queue(queue)
        elif action == "search":
            needle = rng.choice(("", "po", "pol", "ethics", "e", "court vision"))
            proxy.set_search_text(needle)
        elif action == "sort":
            column, order = rng.choice((-1, *Column)), rng.choice(list(Qt.SortOrder))
            proxy.sort(column, order)
        elif action == "edit":
            row = rng.randrange(model.rowCount())
            model.update_summary(replace(summary(0), path=model.summary_at(row).path))
        elif action == "append":
            model.append_summaries([summary(count + i) for i in range(rng.randint(1, 80))])
            count += 80
        else:
            model.remove_paths(rng.sample([s.path for s in model.summaries()], rng.randint(1, 70)))
        shown = [proxy.index(row, Column.TITLE).data(PATH_ROLE) for row in range(proxy.rowCount())]
        assert shown == expected_paths(model, queue, needle, column, order), (step, action)
        assert all(
            proxy.mapFromSource(model.index(model.row_for_path(path), 0)).row() == position
            for position, path in enumerate(shown[:50])
        )


def test_a_sort_and_a_change_of_many_rows_keep_the_selected_records(qtbot):
    from PySide6.QtWidgets import QTableView

    model = RecordTableModel()
    model.append_summaries(
        [RecordSummary(path=f"/f/{n:04}.md", title=f"story {n % 7}", quality=n % 11) for n in range(400)]
    )
    proxy = RecordFilterProxy()
    proxy.setSourceModel(model)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.selectRow(10)
    view.selectionModel().select(
        proxy.index(20, 0), view.selectionModel().SelectionFlag.Select | view.selectionModel().SelectionFlag.Rows
    )
    chosen = {proxy.index(10, 0).data(PATH_ROLE), proxy.index(20, 0).data(PATH_ROLE)}

    def selected() -> set[str]:
        return {index.data(PATH_ROLE) for index in view.selectionModel().selectedRows()}

    proxy.sort(Column.QUALITY, Qt.SortOrder.DescendingOrder)
    assert selected() == chosen
    assert view.currentIndex().data(PATH_ROLE) == proxy.index(view.currentIndex().row(), 0).data(PATH_ROLE)
    proxy.set_search_text("story 3")  # few runs of rows leave: removals, the selection stays on its records
    assert selected() == {path for path in chosen if "story 3" in model.haystacks()[model.row_for_path(path)]}
