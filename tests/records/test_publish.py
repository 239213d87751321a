"""`newsdesk publish`: one commit of exactly the records with saved approvals and field edits, a message
a person reads, an Approved-by trailer per approval; failures say why and change nothing."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from git_fixtures import git, isolated_git, make_editor_clone, pytestmark_git, record_remote  # noqa: F401

from desktop.cli import main
from desktop.records.gitrepo import GitError, publish, record_states
from desktop.records.reading import read_document

pytestmark = pytestmark_git


def unpublished(clone: Path) -> list[Path]:
    return [p for p in sorted((clone / "records").glob("*.txt")) if read_document(p).data.get("published") is False]


def state(clone: Path) -> tuple[str, str, str, str]:
    """Everything publish must leave alone when it fails: HEAD, the index, the work tree."""
    return (
        git(clone, "rev-parse", "HEAD").stdout,
        git(clone, "diff", "--cached", "--binary").stdout,
        git(clone, "diff", "--binary").stdout,
        git(clone, "status", "--porcelain", "--untracked-files=all").stdout,
    )


@pytest.fixture
def five_approved(record_remote) -> tuple[Path, list[Path]]:
    """Ana's clone with 5 records approved and saved, and other changes that are not publishable."""
    _, ana = record_remote
    approved = unpublished(ana)[:5]
    assert main(["set", *map(str, approved), "--published", "true"]) == 0
    (ana / "notes.txt.bak").write_text("scratch", encoding="utf-8")  # not a record
    (ana / "README.notes").write_text("staged, unrelated", encoding="utf-8")
    git(ana, "add", "README.notes")
    hand = ana / "records" / "001_da345ca898c449a9.txt"  # already approved; only a comment added by hand
    hand.write_bytes(hand.read_bytes().replace(b"---\n", b"---\n# a comment only\n", 1))
    (ana / "records" / "new_record.txt").write_bytes((ana / "records" / approved[0].name).read_bytes())
    return ana, approved


def test_publish_commits_exactly_the_approved_records_with_trailers(five_approved, capsys):
    ana, approved = five_approved
    before_head = git(ana, "rev-parse", "HEAD").stdout.strip()
    assert main(["publish", str(ana / "records")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Committed ") and "Approve 5 records" in out

    assert git(ana, "rev-parse", "HEAD~1").stdout.strip() == before_head
    files = git(ana, "show", "--name-only", "--format=", "HEAD").stdout.split()
    assert sorted(files) == sorted(f"records/{p.name}" for p in approved)
    message = git(ana, "log", "-1", "--format=%B").stdout
    lines = message.splitlines()
    assert lines[0] == "Approve 5 records" and lines[1] == ""
    for path in approved:
        title = read_document(path).data["title"]
        assert f"Approved: {title} ({path.name})" in lines
    trailers = git(ana, "log", "-1", "--format=%(trailers:key=Approved-by,valueonly)").stdout.split("\n")
    assert [t for t in trailers if t] == ["Ana <ana@example.com>"] * 5
    assert git(ana, "log", "-1", "--format=%an <%ae>").stdout.strip() == "Ana <ana@example.com>"
    # Everything else is as it was: the staged file still staged, the others still uncommitted.
    status = git(ana, "status", "--porcelain", "--untracked-files=all").stdout
    assert "A  README.notes" in status and "?? notes.txt.bak" in status and "?? records/new_record.txt" in status
    assert "records/new_record.txt: new file, not in the last commit" in out
    assert "001_da345ca898c449a9.txt: only its layout or comments changed, not a field" in out
    assert " M records/001_da345ca898c449a9.txt" in status


def test_edits_and_approvals_are_counted_apart(record_remote):
    _, ana = record_remote
    first, second, third = unpublished(ana)[:3]
    committed = {p: read_document(p).data["quality"] for p in (first, third)}

    def quality(path):
        return committed[path]

    assert main(["set", str(first), str(second), "--published", "true"]) == 0
    assert main(["set", str(third), "--quality", "12", "--heat", "3"]) == 0
    assert main(["set", str(first), "--quality", "99"]) == 0
    result = publish(ana / "records")
    lines = result.message.splitlines()
    assert lines[0] == "Approve 2 records, edit 1"
    assert (
        f"Approved, edited quality {quality(first)} -> 99: {read_document(first).data['title']} ({first.name})" in lines
    )
    assert (
        f"Edited quality {quality(third)} -> 12, heat -1 -> 3: {read_document(third).data['title']} ({third.name})"
        in lines
    )
    assert lines.count("Approved-by: Ana <ana@example.com>") == 2


def test_a_message_given_replaces_the_first_line(record_remote):
    _, ana = record_remote
    assert main(["set", str(unpublished(ana)[0]), "--published", "true"]) == 0
    publish(ana / "records", message="Morning desk")
    assert git(ana, "log", "-1", "--format=%s").stdout.strip() == "Morning desk"


def test_publish_and_push(record_remote):
    bare, ana = record_remote
    assert main(["set", str(unpublished(ana)[0]), "--published", "true"]) == 0
    assert main(["publish", "--push", str(ana / "records")]) == 0
    assert git(bare, "rev-parse", "main").stdout == git(ana, "rev-parse", "HEAD").stdout


def test_a_failed_push_keeps_the_commit_and_says_so(record_remote, tmp_path, capsys):
    bare, ana = record_remote
    other = make_editor_clone(bare, tmp_path / "other", "Ben", "ben@example.com")
    (other / "x.md").write_text("x", encoding="utf-8")
    git(other, "add", "x.md")
    git(other, "commit", "-q", "-m", "x")
    git(other, "push", "-q")
    assert main(["set", str(unpublished(ana)[0]), "--published", "true"]) == 0
    assert main(["publish", "--push", str(ana / "records")]) == 1
    err = capsys.readouterr().err
    assert "but the push failed" in err and "rejected" in err
    assert git(ana, "log", "-1", "--format=%s").stdout.strip() == "Approve 1 record"


def test_a_failing_pre_commit_hook_is_reported_and_nothing_changes(five_approved, capsys):
    ana, _ = five_approved
    hook = ana / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'no commits on Friday' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    before = state(ana)
    assert main(["publish", str(ana / "records")]) == 1
    err = capsys.readouterr().err
    assert "git refused the commit: no commits on Friday" in err and "Nothing was committed" in err
    assert state(ana) == before


def test_no_git_identity_is_refused_before_anything_happens(five_approved, capsys):
    ana, _ = five_approved
    git(ana, "config", "--unset", "user.name")
    git(ana, "config", "--unset", "user.email")
    before = state(ana)
    assert main(["publish", str(ana / "records")]) == 1
    assert "git has no identity" in capsys.readouterr().err
    assert state(ana) == before


def test_detached_head_is_refused(five_approved):
    ana, _ = five_approved
    git(ana, "checkout", "-q", "--detach")
    before = state(ana)
    with pytest.raises(GitError, match="HEAD is detached"):
        publish(ana / "records")
    assert state(ana) == before


def test_outside_any_repository(isolated_git, tmp_path, capsys):
    folder = tmp_path / "loose"
    folder.mkdir()
    assert main(["publish", str(folder)]) == 1
    assert "is not inside a git work tree" in capsys.readouterr().err


def test_nothing_to_publish(record_remote):
    _, ana = record_remote
    with pytest.raises(GitError, match="no record has saved approvals or field edits"):
        publish(ana / "records")


def test_record_states(five_approved):
    ana, approved = five_approved
    states = record_states(ana / "records")
    assert {Path(p).name: s for p, s in states.items() if s == "modified"}.keys() >= {p.name for p in approved}
    assert states[str((ana / "records" / "new_record.txt").resolve())] == "new"
    assert all(Path(p).suffix == ".txt" for p in states)
