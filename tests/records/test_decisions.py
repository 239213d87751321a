"""Decisions in the record: decline and flag as added keys, approval as `published`, one replacing another."""

from __future__ import annotations

from pathlib import Path

from git_fixtures import git, isolated_git, make_editor_clone, pytestmark_git, record_remote  # noqa: F401
from helpers import changed_lines

from desktop.records.decisions import APPROVED, DECLINED, FLAGGED, decision_of
from desktop.records.reading import read_document
from desktop.records.scan import summarize_document, summarize_file
from desktop.records.session import EditSession


def decide_and_save(path: Path, decision: str, reason: str = "", note: str = "") -> None:
    session = EditSession()
    session.decide([path], decision, reason, note)
    session.save(path)


def test_declining_adds_the_decision_and_reason_right_after_published_and_nothing_else(seed_file: Path):
    original = seed_file.read_bytes()
    decide_and_save(seed_file, DECLINED, "Off topic")

    # Quoted as the seed quotes its other free text.
    added = ['+decision: "declined"', '+declineReason: "Off topic"']
    assert changed_lines(original, seed_file.read_bytes()) == added
    lines = seed_file.read_text().splitlines()
    at = lines.index("published: false")
    assert lines[at + 1 : at + 3] == [line[1:] for line in added]
    summary = summarize_file(seed_file)
    assert (summary.decision, summary.decline_reason, summary.published) == ("declined", "Off topic", False)
    assert summary == summarize_document(read_document(seed_file)), "the fast path reads it as the exact one does"


def test_a_new_decision_replaces_the_old_one_and_leaves_no_stale_reason(seed_file: Path):
    original = seed_file.read_bytes()
    decide_and_save(seed_file, DECLINED, "Duplicate story")
    decide_and_save(seed_file, FLAGGED, note="Ask the legal desk")

    assert changed_lines(original, seed_file.read_bytes()) == [
        '+decision: "flagged"',
        '+decisionNote: "Ask the legal desk"',
    ]
    assert decision_of(read_document(seed_file).data) == FLAGGED

    decide_and_save(seed_file, APPROVED)
    assert changed_lines(original, seed_file.read_bytes()) == ["-published: false", "+published: true"]
    summary = summarize_file(seed_file)
    assert (summary.published, summary.decision, summary.decline_reason) == (True, "", "")


def test_declining_an_approved_record_withdraws_its_approval(seed_file: Path):
    decide_and_save(seed_file, APPROVED)
    decide_and_save(seed_file, DECLINED)
    data = read_document(seed_file).data
    assert data["published"] is False and data["decision"] == "declined" and "declineReason" not in data


def test_a_decision_the_desk_does_not_know_is_a_problem_with_its_line(seed_file: Path):
    seed_file.write_text(seed_file.read_text().replace("published: false\n", "published: false\ndecision: maybe\n"))
    problems = read_document(seed_file).problems
    assert [p.message for p in problems] == ['decision must be declined or flagged (found "maybe")']
    assert problems[0].line == 11


def test_undoing_a_decision_restores_the_record_exactly(seed_file: Path):
    original = seed_file.read_bytes()
    session = EditSession()
    step = session.decide([seed_file], DECLINED, "Paywalled", "behind a wall")
    assert step.description == "decline"
    session.restore(step.before)
    assert not session.is_dirty(seed_file)
    assert session.edited(seed_file).raw == original


@pytestmark_git
def test_a_decision_reaches_a_second_clone_of_the_folder(record_remote, tmp_path: Path):
    bare, first = record_remote
    record = sorted((first / "records").glob("*.txt"))[0]
    decide_and_save(record, DECLINED, "Off topic", "Not about AI")
    git(first, "commit", "-qam", "Decline")
    git(first, "push", "-q")

    second = make_editor_clone(bare, tmp_path / "ben", "Ben", "ben@example.com")
    summary = summarize_file(second / "records" / record.name)
    assert (summary.decision, summary.decline_reason) == ("declined", "Off topic")
    assert read_document(second / "records" / record.name).data["decisionNote"] == "Not about AI"
