"""The typed readings of a record's data that the table, the form and the review pane share."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.records import fields, summarize_document
from desktop.records.reading import parse_document


@pytest.mark.parametrize(
    ("value", "expected"), [(74, 74), (0, 0), (True, None), (False, None), ("74", None), (7.5, None), (None, None)]
)
def test_only_an_int_is_a_whole_number(value, expected):
    assert fields.whole_number(value) == expected


def test_only_yaml_true_approves():
    assert fields.published(True) is True
    assert [fields.published(v) for v in ("yes", "true", 1, None)] == [False, False, False, False]


def test_topics_keep_their_texts_in_order_and_drop_the_rest():
    assert fields.topics(["Politics", 3, None, "Science", {"x": 1}]) == ("Politics", "Science")
    assert fields.topics("Politics") == ()


def test_text_and_display_text_differ_on_scalars_that_are_not_text():
    assert fields.text(1999) == "" and fields.display_text(1999) == "1999"
    assert fields.display_text({"a": 1}) == fields.display_text(["a"]) == fields.display_text(None) == ""


def test_entries_are_the_mappings_of_a_list():
    assert fields.entries([{"url": "a"}, "b", None, {"url": "c"}]) == [{"url": "a"}, {"url": "c"}]
    assert fields.entries({"url": "a"}) == []


def test_the_table_row_reads_wrongly_typed_values_as_empty():
    raw = b"---\ntitle: 1999\nquality: true\nheat: '5'\npublished: 'yes'\ntopics: [Politics, 7]\nprovider: x\n---\n"
    summary = summarize_document(parse_document(raw, Path("x.md")))
    assert (summary.title, summary.quality, summary.heat, summary.published) == ("", None, None, False)
    assert summary.topics == ("Politics",) and summary.provider == ""


def test_a_record_is_named_by_the_last_part_of_its_path_however_it_is_spelled():
    from desktop.records import file_name

    assert file_name("/feed/2026/story.md") == file_name(Path("/feed/2026/story.md")) == "story.md"
    assert file_name("C:\\feed\\story.md") == "story.md"
    assert file_name("story.md") == "story.md"
