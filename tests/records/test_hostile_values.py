"""Hostile values: huge, long and odd ones are reported on their line, never hang or crash, and survive an edit."""

from __future__ import annotations

import pytest

from desktop.records.reading import read_document
from tests.records.test_hostile import newsdesk


def with_line(seed_file, old: str, new: str) -> str:
    text = seed_file.read_text(encoding="utf-8")
    assert old in text
    seed_file.write_text(text.replace(old, new, 1), encoding="utf-8")
    return seed_file.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "written, words",
    [
        ("1e309", '(found "1e309")'),  # YAML 1.1 needs a dot and a signed exponent for a float: text
        ("1.0e+309", "(found inf)"),
        ("1_000", "(found 1000)"),
        ("0x1F0", "(found 496)"),
    ],
)
def test_numeric_edge_values_are_reported_on_their_line(seed_file, written, words):
    with_line(seed_file, "quality: 40", f"quality: {written}")
    problems = [p for p in read_document(seed_file).problems if p.path == "$.quality"]
    assert [(p.line, p.column) for p in problems] == [(8, 10)] and words in problems[0].message
    assert len(problems[0].message) < 200
    result = newsdesk("validate", "--no-index", str(seed_file))
    assert result.returncode == 1 and f"{seed_file}:8:10: quality must be a whole number" in result.stdout


@pytest.mark.parametrize("written", ["1e309", "-0", "0x1F", "1_000", "1.0e+309"])
def test_saving_another_field_keeps_a_numeric_edge_value_as_written(seed_file, written):
    before = with_line(seed_file, "quality: 40", f"quality: {written}").encode()
    result = newsdesk("set", str(seed_file), "--heat", "5")
    assert result.returncode == 0, result.stdout + result.stderr
    assert seed_file.read_bytes() == before.replace(b"heat: -1\n", b"heat: 5\n")


def test_a_number_too_long_for_python_is_reported_on_its_line_by_every_command(seed_file):
    # Python refuses int() of more than 4,300 digits: that must be the record's problem, not a crash.
    before = with_line(seed_file, "quality: 40", "quality: " + "9" * 5000).encode()
    problems = read_document(seed_file).problems
    assert [(p.line, p.column) for p in problems] == [(8, 10)]
    assert "5,000 digits" in problems[0].message
    for command in (["validate"], ["validate", "--no-index"], ["list"]):
        result = newsdesk(*command, str(seed_file))
        assert "Traceback" not in result.stderr and "ValueError" not in result.stdout + result.stderr, result
    result = newsdesk("validate", "--no-index", str(seed_file))
    assert result.returncode == 1 and f"{seed_file}:8:10: this number has 5,000 digits" in result.stdout
    result = newsdesk("set", str(seed_file), "--heat", "5")
    assert result.returncode == 1 and "too long to read" in result.stdout + result.stderr
    assert seed_file.read_bytes() == before
