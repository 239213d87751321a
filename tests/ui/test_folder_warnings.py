"""Warnings in the window: duplicates in the pane, the state column and a filter; approval still possible."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from link_server import link_server  # noqa: F401
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop.ui.record_model import Column

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
    qtbot.waitUntil(lambda: window.current_document() is not None and window.current_path() == str(seed_copy / TWIN_OF),
                    timeout=10_000)
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
    third.write_text(text[:related] + text[text.index("\n---", related):], encoding="utf-8")
    window = open_desk(seed_copy)
    qtbot.waitUntil(lambda: warnings_loaded(window), timeout=20_000)
    assert window.proxy.rowCount() == 3
    window.registry["actionWarningsOnly"].trigger()
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 2, timeout=3000)
    shown = {Path(window.model.summary_at(window.proxy.mapToSource(window.proxy.index(r, 0)).row()).path).name
             for r in range(2)}
    assert shown == {TWIN_OF, TWIN}
    window.registry["actionWarningsOnly"].trigger()
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 3, timeout=3000)


def test_online_checks_mark_links_and_a_second_check_within_the_cache_age_asks_nothing(
        open_desk, qtbot, seed_copy, fresh_settings, link_server):
    from desktop.ui.settings import CHECK_LINKS

    for path in seed_copy.iterdir():
        if path.name != "000_fbf05e2be9931d54.txt":
            path.unlink()
    record = seed_copy / "000_fbf05e2be9931d54.txt"
    text = record.read_text(encoding="utf-8")
    text = text.replace("https://techcrunch.com/2020/06/10/amazon-rekognition-moratorium/", link_server.url("/gone"))
    text = re.sub(r'(url|webUrl|ampWebUrl|cdnAmpWebUrl): "https://[^"]+"',
                  lambda m: f'{m.group(1)}: "{link_server.url("/image/1024x576.png" if m.group(1) == "url" else "/ok")}"',
                  text)
    record.write_text(text, encoding="utf-8")
    fresh_settings.set_value(CHECK_LINKS, True)
    fresh_settings.sync()

    window = open_desk(seed_copy)
    assert window.registry["actionCheckLinks"].isChecked()
    qtbot.waitUntil(lambda: any(p.code == "link" for p in window.model.warnings_of(str(record))), timeout=20_000)
    asked = sum(link_server.hits.values())
    assert asked > 0
    related = window.reviewPane.relatedList
    qtbot.waitUntil(lambda: related.topLevelItem(0).text(0).endswith("[404 Not Found]"), timeout=10_000)
    assert not related.topLevelItem(2).text(0).endswith("]")  # answered: no mark
    view = window.reviewPane.problemsView
    assert any(f"link {link_server.url('/gone')} answers 404" in view.item(r).text() for r in range(view.count()))
    assert window.registry["actionApproveNext"].isEnabled()

    window.model.set_warnings({})
    window.reload()
    qtbot.waitUntil(lambda: not window.loading and window.model.warnedCount == 1, timeout=20_000)
    assert sum(link_server.hits.values()) == asked  # within the cache age: no request
