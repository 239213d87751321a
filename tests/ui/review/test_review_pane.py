"""The review pane on its own: what it shows of a record read from disk, always as plain text."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.records.reading import read_document
from desktop.records.scan import summarize_document
from desktop.ui.review.pane import ReviewPane, front_matter_source


@pytest.fixture
def pane(qtbot) -> ReviewPane:
    pane = ReviewPane()
    qtbot.addWidget(pane)
    pane.resize(600, 800)
    pane.show()
    return pane


def show(pane: ReviewPane, path: Path):
    document = read_document(path)
    pane.show_document(document, summarize_document(document))
    return document


def test_the_seed_record(pane, seed_file):
    document = show(pane, seed_file)
    assert pane.titleLabel.text() == "Cramer: Amazon Facial Recognition Software Is 'Last Thing We Need Right Now'"
    assert pane.excerptView.text().endswith("human trafficking victims and exploited children.")
    assert pane.relatedList.topLevelItemCount() == 26
    assert pane.relatedHeading.text() == "Related coverage (26)"
    assert pane.imagesHeading.text() == "Images (1)"
    assert len(pane.imageStrip.thumbnails()) == 1
    assert not pane.problemsView.isVisibleTo(pane)
    source = pane.sourceView.toPlainText()
    assert source.startswith("---\ncategory: news\n")
    assert source.endswith('"\n---\n')
    on_disk = seed_file.read_text(encoding="utf-8")
    assert on_disk.startswith(source) and on_disk[len(source) :].strip() == ""  # the seed's body is one blank line
    assert pane.sourceView.isReadOnly()
    metrics = pane.sourceView.fontMetrics()
    assert metrics.horizontalAdvance("i") == metrics.horizontalAdvance("W")  # monospace
    assert pane.document is document and pane.current_path == str(seed_file)


def test_source_tab_shows_the_front_matter_without_the_body(pane, tmp_path):
    path = tmp_path / "body.md"
    path.write_bytes(
        b'---\r\ntitle: "With body"\r\nwebUrl: "https://example.com"\r\n---\r\nThe body\r\n---\r\nmore\r\n'
    )
    document = show(pane, path)
    assert pane.sourceView.toPlainText() == '---\ntitle: "With body"\nwebUrl: "https://example.com"\n---\n'
    assert front_matter_source(document).endswith("---\r\n")


def test_problems_are_listed_with_line_and_column(pane, tmp_path):
    path = tmp_path / "bad.md"
    path.write_text('---\ntitle: ""\nwebUrl: "ftp://example.com"\nquality: 300\n---\n', encoding="utf-8")
    document = show(pane, path)
    lines = [pane.problemsView.item(i).text() for i in range(pane.problemsView.count())]
    assert len(lines) == len(document.problems) >= 3
    assert all(line.startswith("line ") for line in lines)
    assert any(line.startswith("line 4:") for line in lines)  # quality: 300
    assert pane.problemsView.isVisibleTo(pane)
    assert pane.problemsHeading.text() == f"Problems ({len(lines)})"
    view = pane.problemsView
    last = view.visualItemRect(view.item(view.count() - 1))
    assert view.viewport().rect().contains(last), "every problem is shown whole, none cut off"
    pane.resize(360, 800)  # narrower: messages wrap onto more lines, and the list grows with them
    QApplication.processEvents()
    last = view.visualItemRect(view.item(view.count() - 1))
    assert view.viewport().rect().contains(last)


def test_a_file_without_front_matter_says_why_it_cannot_be_edited(pane, tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text("just some notes\n", encoding="utf-8")
    document = show(pane, path)
    assert document.problems
    assert pane.problemsView.count() == len(document.problems)
    assert pane.editBlockerLabel.isVisibleTo(pane)
    assert pane.editBlockerLabel.text().startswith("This file cannot be edited:")
    assert pane.titleLabel.text() == "plain.txt"
    assert pane.sourceView.toPlainText() == "just some notes\n"


def test_odd_values_never_break_the_pane(pane, tmp_path):
    path = tmp_path / "odd.md"
    path.write_text(
        "---\ntitle: 12\nprovider: just a string\nimages: nope\nrelated:\n  - 5\n  - title: [1, 2]\n"
        '    provider: {name: <i>x</i>}\n    webUrl: "javascript:alert(1)"\n---\n',
        encoding="utf-8",
    )
    show(pane, path)
    assert pane.titleLabel.text() == "12"
    assert pane.relatedList.topLevelItemCount() == 1
    item = pane.relatedList.topLevelItem(0)
    assert item.text(1) == "<i>x</i>"
    assert pane.relatedList.url_at(item) == "javascript:alert(1)"


def test_related_enter_asks_to_open_and_copy_puts_the_link_on_the_clipboard(pane, seed_file, qtbot):
    show(pane, seed_file)
    related = pane.relatedList
    related.setFocus()
    related.setCurrentItem(related.topLevelItem(3))
    with qtbot.waitSignal(pane.openLinkRequested) as blocker:
        qtbot.keyClick(related, Qt.Key.Key_Return)
    url = related.topLevelItem(3).data(0, Qt.ItemDataRole.UserRole + 1)
    assert blocker.args == [url] and url.startswith("https://")
    qtbot.keyClick(related, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == url


def test_empty_state_and_moving_to_another_record(pane, seed_file, tmp_path):
    pane.show_empty("Select a record to review it.")
    assert pane.stack.currentWidget() is pane.emptyLabel
    assert pane.current_path is None and pane.document is None
    document = read_document(seed_file)
    pane.show_summary(summarize_document(document))
    assert pane.stack.currentIndex() == 1
    assert pane.document is None  # still being read
    assert pane.excerptView.text().startswith("Amazon has put")  # the summary already knows the excerpt
    pane.show_document(document)
    assert pane.document is document


def test_related_rows_have_room_and_titles_get_the_width(pane, seed_file):
    show(pane, seed_file)
    related = pane.relatedList
    text_height = related.fontMetrics().height()
    assert related.sizeHintForRow(0) >= text_height + 6, "rows are padded, not cramped"
    header = related.header()
    assert header.sectionSize(1) <= related.MAX_PROVIDER_WIDTH
    assert header.sectionSize(0) > max(header.sectionSize(c) for c in (1, 2, 3)), "the title is the widest column"
    assert ">TechCrunch<" in related.topLevelItem(0).toolTip(1)


def test_the_source_tab_numbers_lines_as_the_file_and_the_problems_do(pane, qtbot, seed_file):
    show(pane, seed_file)
    pane.tabs.setCurrentWidget(pane.sourceView)
    view = pane.sourceView
    lines = seed_file.read_text(encoding="utf-8").splitlines()
    qtbot.waitUntil(lambda: bool(view.visible_line_numbers()), timeout=3000)
    shown = view.visible_line_numbers()
    assert shown[0] == 1 and shown == list(range(1, len(shown) + 1))
    digits = len(str(view.blockCount()))
    assert view.gutter.width() >= view.fontMetrics().horizontalAdvance("9" * digits)
    assert view.viewportMargins().left() == view.gutter.width(), "the text starts right of the numbers"

    # Line 49 (where the seed's duplicate related story is) is shown as 49, beside its own text.
    cursor = view.textCursor()
    cursor.setPosition(view.document().findBlockByNumber(48).position())
    view.setTextCursor(cursor)
    view.verticalScrollBar().setValue(40)
    qtbot.waitUntil(lambda: view.visible_line_numbers()[:1] == [41], timeout=3000)
    assert 49 in view.visible_line_numbers()
    assert view.document().findBlockByNumber(48).text() == lines[48]

    view.gutter.grab()  # paints every visible number without a Qt warning


def test_while_the_record_is_read_the_pane_says_so_not_that_it_has_no_images(pane, tmp_path):
    from PySide6.QtWidgets import QLabel

    record = tmp_path / "plain.md"
    record.write_text('---\ntitle: "No pictures"\nwebUrl: "https://example.com/a"\n---\n', encoding="utf-8")
    document = read_document(record)
    empty_slot = pane.imageStrip.findChild(QLabel, "imageStripEmpty")

    pane.show_summary(summarize_document(document))  # the table's row, before the file arrives
    assert empty_slot.text() == "Reading the record…"
    assert pane.relatedEmptyLabel.text() == "Reading the record…"

    pane.show_document(document)
    assert empty_slot.text() == "No images"
    assert pane.relatedEmptyLabel.text() == "No related coverage listed."
