"""A record's history in git, reduced to field changes with author and date (the History tab's lines)."""

from __future__ import annotations

import pytest
from git_fixtures import git, isolated_git, pytestmark_git, record_remote  # noqa: F401

from desktop.records.gitrepo import GitError, record_history

pytestmark = pytestmark_git


def test_each_commit_is_its_field_changes_newest_first_and_follows_a_rename(record_remote):
    _, ana = record_remote
    record = sorted((ana / "records").glob("*.txt"))[0]
    record.write_bytes(record.read_bytes().replace(b"quality: 40", b"quality: 77"))
    git(ana, "commit", "-qam", "Better")
    moved = record.with_name("renamed.txt")
    git(ana, "mv", str(record), str(moved))
    git(ana, "commit", "-qm", "Rename")
    moved.write_bytes(moved.read_bytes().replace(b"published: false", b"published: true"))
    git(ana, "-c", "user.name=Ben", "commit", "-qam", "Approve")

    entries = record_history(moved)
    assert [(e.changes, e.author) for e in entries] == [
        (["approved"], "Ben"),
        ([f"renamed from {record.name}"], "Ana"),
        (["quality 40 -> 77"], "Ana"),
        (["added"], "Ana"),
    ]
    assert all(len(e.commit) == 40 and e.date[:4].isdigit() for e in entries)


def test_a_limited_history_does_not_call_its_oldest_commit_the_first(record_remote):
    _, ana = record_remote
    record = sorted((ana / "records").glob("*.txt"))[0]
    record.write_bytes(record.read_bytes().replace(b"heat: -1", b"heat: 5"))
    git(ana, "commit", "-qam", "Heat")
    assert [e.changes for e in record_history(record, limit=1)] == [["heat -1 -> 5"]]


def test_outside_a_repository_is_refused_with_the_reason(tmp_path, isolated_git):
    path = tmp_path / "r.txt"
    path.write_text("---\ntitle: t\n---\n")
    with pytest.raises(GitError, match="not inside a git work tree"):
        record_history(path)
