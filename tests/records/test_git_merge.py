"""`newsdesk merge` as git's merge driver and `newsdesk git-setup`, with a real bare repository and
two clones acting as two editors."""

from __future__ import annotations

import sys
from pathlib import Path

from git_fixtures import SEEDS, git, isolated_git, make_editor_clone, pytestmark_git, record_remote, two_editors  # noqa: F401
from helpers import changed_blocks

from desktop.cli import main
from desktop.records.reading import read_document

pytestmark = pytestmark_git
RECORD = "records/000_fbf05e2be9931d54.txt"
SEED_RAW = (SEEDS / "000_fbf05e2be9931d54.txt").read_bytes()


def set_and_commit(clone: Path, *options: str, message: str) -> None:
    assert main(["set", str(clone / RECORD), *options]) == 0
    git(clone, "commit", "-q", "-am", message)


def test_two_editors_changing_different_fields_pull_without_a_conflict(two_editors):
    ana, ben = two_editors
    set_and_commit(ana, "--quality", "77", message="Quality")
    git(ana, "push", "-q")
    set_and_commit(ben, "--heat", "50", "--add-topic", "Policing", message="Heat and a topic")

    pulled = git(ben, "pull", "--no-rebase", "--no-edit", check=False)
    assert pulled.returncode == 0, pulled.stderr + pulled.stdout
    merged = (ben / RECORD).read_bytes()
    data = read_document(ben / RECORD).data
    assert (data["quality"], data["heat"], data["topics"][-1]) == (77, 50, "Policing")
    assert changed_blocks(SEED_RAW, merged) == [
        ("replace", [b"quality: 40\n", b"heat: -1\n"], [b"quality: 77\n", b"heat: 50\n"]),
        ("insert", [], [b"  - Policing\n"]),
    ]
    # Each editor's own commit is still its lines alone (added, deleted): Ben's heat and topic, Ana's quality.
    for commit, numstat in (("HEAD^1", ["2", "1"]), ("HEAD^2", ["1", "1"])):
        diff = git(ben, "diff", "--numstat", f"{commit}~1", commit, "--", RECORD).stdout
        assert diff.split()[:2] == numstat, diff
    assert git(ben, "status", "--porcelain").stdout == ""


def test_without_the_driver_the_same_pull_is_a_line_conflict(record_remote, tmp_path):
    # The control: git's own line merge calls these neighbouring-line edits a conflict.
    bare, ana = record_remote
    ben = make_editor_clone(bare, tmp_path / "ben", "Ben", "ben@example.com")
    set_and_commit(ana, "--quality", "77", message="Quality")
    git(ana, "push", "-q")
    set_and_commit(ben, "--heat", "50", message="Heat")
    assert git(ben, "pull", "--no-rebase", "--no-edit", check=False).returncode != 0
    assert b"<<<<<<<" in (ben / RECORD).read_bytes()


def test_a_rebasing_pull_uses_the_driver_too(two_editors):
    ana, ben = two_editors
    set_and_commit(ana, "--quality", "77", message="Quality")
    git(ana, "push", "-q")
    set_and_commit(ben, "--heat", "50", message="Heat")
    pulled = git(ben, "pull", "--rebase", check=False)
    assert pulled.returncode == 0, pulled.stderr
    data = read_document(ben / RECORD).data
    assert (data["quality"], data["heat"]) == (77, 50)


def test_the_same_field_changed_to_different_values_is_a_conflict_of_that_field_only(two_editors):
    ana, ben = two_editors
    set_and_commit(ana, "--quality", "60", "--heat", "5", message="Ana")
    git(ana, "push", "-q")
    set_and_commit(ben, "--quality", "90", "--published", "true", message="Ben")
    pulled = git(ben, "pull", "--no-rebase", "--no-edit", check=False)
    assert pulled.returncode != 0
    assert "quality (ours 90, theirs 60)" in pulled.stderr
    text = (ben / RECORD).read_text(encoding="utf-8")
    assert "<<<<<<< ours\nquality: 90\n=======\nquality: 60\n>>>>>>> theirs\nheat: 5\npublished: true\n" in text
    assert git(ben, "status", "--porcelain", "--", RECORD).stdout.startswith("UU")


def test_git_setup_is_idempotent_and_says_what_it_did(record_remote, capsys):
    _, ana = record_remote
    folder = ana / "records"
    assert main(["git-setup", str(folder)]) == 0
    first = capsys.readouterr().out
    assert "added *.txt merge=newsdesk, *.md merge=newsdesk, *.markdown merge=newsdesk" in first
    assert "merge.newsdesk.driver: set" in first and "Commit .gitattributes" in first
    attributes = (folder / ".gitattributes").read_bytes()
    driver = git(ana, "config", "--get", "merge.newsdesk.driver").stdout.strip()
    assert driver == f"{sys.executable} -m desktop merge %O %A %B %P"

    assert main(["git-setup", str(folder)]) == 0
    again = capsys.readouterr().out
    assert "already had *.txt, *.md, *.markdown" in again and "merge.newsdesk.driver: already set" in again
    assert "added" not in again
    assert (folder / ".gitattributes").read_bytes() == attributes
    assert git(ana, "config", "--get-all", "merge.newsdesk.driver").stdout.count("\n") == 1


def test_git_setup_keeps_existing_attributes(record_remote):
    _, ana = record_remote
    attributes = ana / "records" / ".gitattributes"
    attributes.write_text("*.png binary\n*.md merge=newsdesk", encoding="utf-8")
    assert main(["git-setup", str(ana / "records")]) == 0
    assert attributes.read_text(encoding="utf-8").splitlines() == [
        "*.png binary",
        "*.md merge=newsdesk",
        "*.txt merge=newsdesk",
        "*.markdown merge=newsdesk",
    ]


def test_git_setup_outside_a_repository_says_so(isolated_git, tmp_path, capsys):
    folder = tmp_path / "loose"
    folder.mkdir()
    assert main(["git-setup", str(folder)]) == 1
    assert "is not inside a git work tree" in capsys.readouterr().err
    assert not (folder / ".gitattributes").exists()


# ---- the driver on its own, as git calls it


def three(tmp_path: Path, base: bytes, ours: bytes, theirs: bytes) -> list[str]:
    names = []
    for name, raw in (("base", base), ("ours", ours), ("theirs", theirs)):
        (tmp_path / name).write_bytes(raw)
        names.append(str(tmp_path / name))
    return names


def test_driver_writes_the_clean_merge_to_ours(tmp_path, capsys):
    ours = SEED_RAW.replace(b"quality: 40\n", b"quality: 1\n")
    theirs = SEED_RAW.replace(b"heat: -1\n", b"heat: 2\n")
    files = three(tmp_path, SEED_RAW, ours, theirs)
    assert main(["merge", *files, "records/a.txt"]) == 0
    assert Path(files[1]).read_bytes() == SEED_RAW.replace(b"quality: 40\nheat: -1\n", b"quality: 1\nheat: 2\n")
    assert "records/a.txt: merged field by field (ours: quality; theirs: heat)" in capsys.readouterr().err


def test_driver_keeps_a_hand_edited_comment_by_applying_the_other_side_onto_it(tmp_path):
    ours = SEED_RAW.replace(b"quality: 40\n", b"quality: 1  # checked with the desk\n")
    theirs = SEED_RAW.replace(b"heat: -1\n", b"heat: 2\n")
    files = three(tmp_path, SEED_RAW, ours, theirs)
    assert main(["merge", *files]) == 0
    assert b"quality: 1  # checked with the desk\nheat: 2\n" in Path(files[1]).read_bytes()


def test_driver_falls_back_to_a_line_merge_for_toml_records(tmp_path, capsys):
    base = b"+++\ntitle = 'A'\n\nquality = 1\n+++\n"
    ours = b"+++\ntitle = 'B'\n\nquality = 1\n+++\n"
    theirs = b"+++\ntitle = 'A'\n\nquality = 2\n+++\n"
    files = three(tmp_path, base, ours, theirs)
    assert main(["merge", *files]) == 0
    assert Path(files[1]).read_bytes() == b"+++\ntitle = 'B'\n\nquality = 2\n+++\n"
    assert "merged line by line" in capsys.readouterr().err
    conflicting = three(tmp_path, base, ours, b"+++\ntitle = 'C'\n\nquality = 1\n+++\n")
    assert main(["merge", *conflicting]) == 1
    assert b"<<<<<<< ours\ntitle = 'B'\n=======\ntitle = 'C'\n>>>>>>> theirs\n" in Path(conflicting[1]).read_bytes()


def test_driver_leaves_ours_untouched_when_a_version_cannot_be_read(tmp_path, capsys):
    files = three(tmp_path, SEED_RAW, SEED_RAW, SEED_RAW)
    Path(files[2]).unlink()
    assert main(["merge", *files]) == 2
    assert Path(files[1]).read_bytes() == SEED_RAW
    assert "cannot read a version to merge" in capsys.readouterr().err


def test_driver_conflict_on_the_body_marks_only_the_body(tmp_path):
    head = b"---\ntitle: A\nwebUrl: https://a.example/\nquality: 1\n---\n"
    files = three(tmp_path, head + b"one\n", head.replace(b"quality: 1", b"quality: 5") + b"two\n", head + b"three\n")
    assert main(["merge", *files]) == 1
    assert Path(files[1]).read_bytes() == (
        b"---\ntitle: A\nwebUrl: https://a.example/\nquality: 5\n---\n"
        b"<<<<<<< ours\ntwo\n=======\nthree\n>>>>>>> theirs\n"
    )
