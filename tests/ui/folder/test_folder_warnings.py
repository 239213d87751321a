"""Warnings in the window: duplicates in the pane, the state column and a filter; approval still possible."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from link_server import link_server  # noqa: F401
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop.ui.review.pane import LINK_STATE_ROLE
from desktop.ui.table.model import Column

pytestmark = pytest.mark.gui

TWIN_OF = "001_da345ca898c449a9.txt"  # 001 and 002 are one TechCrunch story (same webUrl)
TWIN = "002_b81e04a7973c6e7f.txt"


def warnings_loaded(window) -> bool:
    return window.model.warnedCount > 0


def test_duplicates_show_in_the_pane_and_lead_to_the_other_record(desk, qtbot, seed_copy):
    window = desk
    qtbot.waitUntil(lambda: warnings_loaded(window), timeout=20_000)
    assert window.model.warnedCount == 27  # every seed lists TechCrunch's story twice among its related
    assert "27 with warnings" in window.statusLabel.text()

    assert window.select_path(str(seed_copy / TWIN_OF))
    qtbot.waitUntil(
        lambda: window.current_document() is not None and window.current_path() == str(seed_copy / TWIN_OF),
        timeout=10_000,
    )
    view = window.reviewPane.problemsView
    lines = [view.item(row).text() for row in range(view.count())]
    assert any(line.startswith("Warning · line 6:9: same story as “Amazon won’t say") for line in lines), lines
    assert window.reviewPane.problemsHeading.text().startswith("Warnings (")
    assert view.isVisibleTo(window)

    row = next(row for row in range(view.count()) if "same story as" in view.item(row).text())
    view.setFocus()
    view.setCurrentRow(row)
    QTest.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_path() == str(seed_copy / TWIN), timeout=10_000)

    state = window.proxy.index(window.recordTable.currentIndex().row(), Column.STATE)
    assert "has warnings" in state.data(Qt.ItemDataRole.ToolTipRole).casefold()
    assert window.registry["actionApproveNext"].isEnabled()  # a warning never blocks approval


def test_the_warnings_filter_narrows_the_queue(open_desk, qtbot, seed_copy):
    keep = {TWIN_OF, TWIN, "003_dbc3cf5b8f761d16.txt"}
    for path in seed_copy.iterdir():
        if path.name not in keep:
            path.unlink()
    # 003 without its related list has nothing to warn about.
    third = seed_copy / "003_dbc3cf5b8f761d16.txt"
    text = third.read_text(encoding="utf-8")
    related = text.index("\nrelated:")
    third.write_text(text[:related] + text[text.index("\n---", related) :], encoding="utf-8")
    window = open_desk(seed_copy)
    qtbot.waitUntil(lambda: warnings_loaded(window), timeout=20_000)
    assert window.proxy.rowCount() == 3
    window.registry["actionWarningsOnly"].trigger()
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 2, timeout=3000)
    shown = {
        Path(window.model.summary_at(window.proxy.mapToSource(window.proxy.index(r, 0)).row()).path).name
        for r in range(2)
    }
    assert shown == {TWIN_OF, TWIN}
    window.registry["actionWarningsOnly"].trigger()
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 3, timeout=3000)


def only_the_seed_record(folder: Path) -> Path:
    for path in folder.iterdir():
        if path.name != "000_fbf05e2be9931d54.txt":
            path.unlink()
    return folder / "000_fbf05e2be9931d54.txt"


def online_checks_on(settings) -> None:
    from desktop.ui.settings import CHECK_LINKS

    settings.set_value(CHECK_LINKS, True)
    settings.sync()


def test_online_checks_mark_links_and_a_second_check_within_the_cache_age_asks_nothing(
    open_desk, qtbot, seed_copy, fresh_settings, link_server
):
    record = only_the_seed_record(seed_copy)
    text = record.read_text(encoding="utf-8")
    text = text.replace("https://techcrunch.com/2020/06/10/amazon-rekognition-moratorium/", link_server.url("/gone"))
    text = re.sub(
        r'(url|webUrl|ampWebUrl|cdnAmpWebUrl): "https://[^"]+"',
        lambda m: f'{m.group(1)}: "{link_server.url("/image/1024x576.png" if m.group(1) == "url" else "/ok")}"',
        text,
    )
    record.write_text(text, encoding="utf-8")
    online_checks_on(fresh_settings)

    window = open_desk(seed_copy)
    assert window.registry["actionCheckLinks"].isChecked()
    qtbot.waitUntil(lambda: any(p.code == "link" for p in window.model.warnings_of(str(record))), timeout=20_000)
    asked = sum(link_server.hits.values())
    assert asked > 0
    related = window.reviewPane.relatedList
    qtbot.waitUntil(lambda: related.topLevelItem(0).text(0).endswith("[404 Not Found]"), timeout=10_000)
    assert not related.topLevelItem(2).text(0).endswith("]")  # answered: no words
    # Each checked link carries its mark: an icon, and the state by name for tests and screen readers.
    assert related.topLevelItem(0).data(0, LINK_STATE_ROLE) == "broken"
    assert related.topLevelItem(2).data(0, LINK_STATE_ROLE) == "answers"
    assert not related.topLevelItem(0).icon(0).isNull()
    thumbnails = window.reviewPane.imageStrip.thumbnails()
    assert thumbnails and all(t.link_result is not None and not t.link_result.broken for t in thumbnails)
    assert "Link check: answers" in thumbnails[0].toolTip()
    assert window.statusBar().currentMessage().startswith("Links checked: ")
    assert not window.linkProgress.isVisible() and not window.stopLinkCheckButton.isVisible()
    view = window.reviewPane.problemsView
    assert any(f"link {link_server.url('/gone')} answers 404" in view.item(r).text() for r in range(view.count()))
    assert window.registry["actionApproveNext"].isEnabled()

    window.model.set_warnings({})
    window.reload()
    qtbot.waitUntil(lambda: not window.loading and window.model.warnedCount == 1, timeout=20_000)
    assert sum(link_server.hits.values()) == asked  # within the cache age: no request


def test_a_long_link_check_shows_its_progress_and_stop_keeps_what_was_answered(
    open_desk, qtbot, seed_copy, fresh_settings, link_server
):
    record = only_the_seed_record(seed_copy)
    text = record.read_text(encoding="utf-8")
    # The story's own address is gone, the next six answer slowly (3 s each, two at a time on one
    # host), the rest at once.
    numbers = iter(range(1000))

    def address(match: re.Match) -> str:
        number = next(numbers)
        path = "/gone" if number == 0 else f"/slow?{number}" if number <= 6 else f"/ok?{number}"
        return f'{match.group(1)}: "{link_server.url(path)}"'

    text = re.sub(r'(url|webUrl|ampWebUrl|cdnAmpWebUrl): "https://[^"]+"', address, text)
    record.write_text(text, encoding="utf-8")
    online_checks_on(fresh_settings)

    window = open_desk(seed_copy)
    progress, stop = window.linkProgress, window.stopLinkCheckButton
    qtbot.waitUntil(lambda: progress.isVisible() and progress.value() >= 1, timeout=20_000)
    assert stop.isVisible() and progress.text().startswith("Checking links: ")
    assert window.registry["actionApproveNext"].isEnabled(), "review goes on while the links are asked"

    qtbot.mouseClick(stop, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Link check stopped"), timeout=20_000)
    assert not progress.isVisible() and not stop.isVisible()
    message = window.statusBar().currentMessage()
    stopped = re.match(
        r"Link check stopped: (\d+) of (\d+) addresses checked \(1 not answering, 0 moved\); "
        r"the rest are asked next time\.$",
        message,
    )
    assert stopped, message
    checked, total = int(stopped.group(1)), int(stopped.group(2))
    assert checked < total and sum(link_server.hits.values()) == checked, "no address was asked after Stop"
    assert any(p.code == "link" and "/gone" in p.message for p in window.model.warnings_of(str(record))), (
        "what was answered before Stop is shown"
    )

    # The next check asks only what the stopped one had not: the answers so far were kept.
    hits_before = sum(link_server.hits.values())
    window.registry["actionCheckLinks"].trigger()  # off
    window.registry["actionCheckLinks"].trigger()  # and on again: a new check
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Links checked: "), timeout=60_000)
    assert link_server.hits["/gone"] == 1
    assert sum(link_server.hits.values()) - hits_before == total - checked


def test_a_running_check_gives_the_ui_thread_the_gil_back_soon_and_owes_no_pause_after(qtbot, monkeypatch):
    """The check runs Python on a thread of the window's process; while it runs the UI thread's
    painting must not wait 5 ms per cell for the GIL, and ending it must not freeze the heap."""
    import gc
    import sys
    import threading

    from desktop.records import RecordSummary
    from desktop.ui import collector
    from desktop.ui.folder import checks

    gate, freezes = threading.Event(), []
    real_problems = checks.folder_problems
    monkeypatch.setattr(checks, "folder_problems", lambda summaries: (gate.wait(5), real_problems(summaries))[1])
    freeze = gc.freeze
    monkeypatch.setattr(gc, "freeze", lambda: (freezes.append(1), freeze()))
    interval = sys.getswitchinterval()
    checker = checks.FolderChecker()
    with qtbot.waitSignal(checker.warningsReady, timeout=10_000):
        checker.check([RecordSummary(path="/feed/a.md", title="A"), RecordSummary(path="/feed/b.md", title="A")])
        assert sys.getswitchinterval() == pytest.approx(collector.BUSY_SWITCH_INTERVAL_S)
        gate.set()
    assert sys.getswitchinterval() == interval
    assert freezes == []
    checker.shutdown()
