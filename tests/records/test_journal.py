"""The journal of unsaved edits: appended and fsynced lines that survive a kill, and what a restore does."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from desktop.records import journal as journal_module
from desktop.records.editor import REMOVE, apply_edits
from desktop.records.journal import (
    ALREADY_THERE,
    CONFLICT,
    MERGED,
    SAME_FILE,
    UNRESTORABLE,
    Cleared,
    Journal,
    entry_for,
    journal_path,
    plan_all,
    plan_restoration,
    resolve,
)
from desktop.records.merge import MINE, THEIRS
from desktop.records.reading import read_document
from desktop.records.store import save_document


def edit(path: Path, changes: dict):
    """The entry of `changes` pending on the record at `path` as it is now."""
    return entry_for(read_document(path), changes)


def test_one_journal_per_folder_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    assert journal_path(a).parent == tmp_path / "data" / "Newsdesk" / "journal"
    assert journal_path(a) != journal_path(b)
    assert journal_path(a) == journal_path(tmp_path / "b" / ".." / "a"), "named by the folder, however it is spelled"


def test_entries_are_appended_one_line_each_and_read_back(seed_copy, tmp_path):
    first, second = sorted(seed_copy.iterdir())[:2]
    journal = Journal(tmp_path / "j.jsonl")
    journal.write([edit(first, {"quality": 77})])
    journal.write([edit(first, {"quality": 78, "topics": ["Privacy"]}), edit(second, {"heat": REMOVE, "x-new": 1})])
    lines = (tmp_path / "j.jsonl").read_bytes().splitlines()
    assert len(lines) == 3 and all(json.loads(line)["op"] == "edit" for line in lines)

    again = Journal(tmp_path / "j.jsonl")
    entries = again.entries()
    assert set(entries) == {str(first), str(second)}
    assert entries[str(first)].changes == {"quality": 78, "topics": ["Privacy"]}, "the latest entry of a record wins"
    assert entries[str(first)].original == {"quality": 40, "topics": read_document(first).data["topics"]}
    assert entries[str(second)].changes == {"heat": REMOVE, "x-new": 1}
    assert entries[str(second)].original == {"heat": -1, "x-new": REMOVE}, "a key that was not there is kept as absent"
    stamp = read_document(first).stamp
    assert entries[str(first)].against == stamp, "size, mtime_ns and sha256 of the file the edits were made against"
    assert again.notes == []


def test_a_torn_last_line_is_ignored_and_the_next_entry_starts_on_its_own_line(seed_copy, tmp_path):
    first, second = sorted(seed_copy.iterdir())[:2]
    path = tmp_path / "j.jsonl"
    Journal(path).write([edit(first, {"quality": 77})])
    whole = path.read_bytes()
    path.write_bytes(whole + _line_of(edit(second, {"quality": 12}))[:40])  # killed mid-write

    torn = Journal(path)
    assert set(torn.entries()) == {str(first)}
    assert len(torn.notes) == 1 and "j.jsonl:2:" in torn.notes[0] and "cut off" in torn.notes[0]

    torn.write([edit(second, {"quality": 13})])
    again = Journal(path)
    assert {p: e.changes for p, e in again.entries().items()} == {
        str(first): {"quality": 77},
        str(second): {"quality": 13},
    }


def test_a_garbled_line_in_the_middle_is_named_and_the_rest_still_read(seed_copy, tmp_path):
    first, second = sorted(seed_copy.iterdir())[:2]
    path = tmp_path / "j.jsonl"
    path.write_bytes(_line_of(edit(first, {"quality": 1})) + b"{not json\n" + _line_of(edit(second, {"quality": 2})))
    journal = Journal(path)
    assert set(journal.entries()) == {str(first), str(second)}
    assert journal.notes and "j.jsonl:2:" in journal.notes[0] and "not a journal entry" in journal.notes[0]


def test_clearing_a_record_appends_cleared_and_the_file_goes_when_all_are_clear(seed_copy, tmp_path):
    first, second = sorted(seed_copy.iterdir())[:2]
    path = tmp_path / "j.jsonl"
    journal = Journal(path)
    journal.write([edit(first, {"quality": 5}), edit(second, {"quality": 6})])
    journal.write([Cleared(str(first))])
    assert json.loads(path.read_bytes().splitlines()[-1]) == {"v": 1, "op": "cleared", "path": str(first)}
    assert set(Journal(path).entries()) == {str(second)}
    journal.write([Cleared(str(second))])
    assert not path.exists(), "everything clear: the journal is compacted away"
    journal.write([Cleared(str(second))])
    assert not path.exists(), "clearing what is not there writes nothing"


def test_a_long_journal_is_rewritten_with_its_live_entries_only(seed_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(journal_module, "COMPACT_AFTER_LINES", 10)
    first, second = sorted(seed_copy.iterdir())[:2]
    path = tmp_path / "j.jsonl"
    journal = Journal(path)
    journal.write([edit(second, {"heat": 3})])
    for quality in range(20):
        journal.write([edit(first, {"quality": quality})])
    assert len(path.read_bytes().splitlines()) < 10
    assert {p: e.changes for p, e in Journal(path).entries().items()} == {
        str(first): {"quality": 19},
        str(second): {"heat": 3},
    }


def test_an_unchanged_file_gets_its_edits_back_as_they_were(seed_copy, tmp_path):
    record = sorted(seed_copy.iterdir())[0]
    restoration = plan_restoration(edit(record, {"quality": 77, "topics": ["Privacy", "AI"]}))
    assert restoration.status == SAME_FILE and restoration.restorable
    assert restoration.pending == {"quality": 77, "topics": ["Privacy", "AI"]}
    assert restoration.headline.startswith("Cramer: Amazon")
    assert "quality 40 -> 77" in restoration.change_lines()
    diff = restoration.diff()
    assert "-quality: 40" in diff and "+quality: 77" in diff


def test_a_file_changed_since_in_another_field_is_merged_not_overwritten(seed_copy):
    record = sorted(seed_copy.iterdir())[0]
    entry = edit(record, {"quality": 77})
    save_document(apply_edits(read_document(record), {"heat": 9}))  # someone else, meanwhile
    restoration = plan_restoration(entry)
    assert restoration.status == MERGED
    assert restoration.pending == {"quality": 77}
    assert "+heat: 9" not in restoration.diff() and "+quality: 77" in restoration.diff()
    merged = apply_edits(restoration.disk, restoration.pending)
    assert merged.data["heat"] == 9 and merged.data["quality"] == 77


def test_a_file_that_already_holds_the_edit_has_nothing_left_to_restore(seed_copy):
    record = sorted(seed_copy.iterdir())[0]
    entry = edit(record, {"quality": 77})
    save_document(apply_edits(read_document(record), {"quality": 77}))
    restoration = plan_restoration(entry)
    assert restoration.status == ALREADY_THERE and restoration.pending == {}


def test_a_field_changed_on_both_sides_is_a_question_answered_per_field(seed_copy):
    record = sorted(seed_copy.iterdir())[0]
    entry = edit(record, {"quality": 77, "heat": 4})
    save_document(apply_edits(read_document(record), {"quality": 60}))
    restoration = plan_restoration(entry)
    assert restoration.status == CONFLICT and not restoration.restorable
    assert [(c.key, c.base, c.theirs, c.mine) for c in restoration.conflicts] == [("quality", 40, 60, 77)]
    assert resolve(restoration, {"quality": MINE}).pending == {"quality": 77, "heat": 4}
    assert resolve(restoration, {"quality": THEIRS}).pending == {"heat": 4}


def test_topics_added_on_both_sides_are_all_kept(seed_copy):
    record = sorted(seed_copy.iterdir())[1]
    before = read_document(record).data.get("topics", [])
    entry = edit(record, {"topics": before + ["Mine"]})
    save_document(apply_edits(read_document(record), {"topics": before + ["Theirs"]}))
    restoration = plan_restoration(entry)
    assert restoration.status == MERGED
    assert restoration.pending == {"topics": before + ["Theirs", "Mine"]}


def test_a_file_gone_or_no_longer_editable_is_shown_but_not_restored(seed_copy):
    gone, broken = sorted(seed_copy.iterdir())[:2]
    entries = [edit(gone, {"quality": 1}), edit(broken, {"quality": 2})]
    gone.unlink()
    broken.write_bytes(b"---\ntitle: [unclosed\n---\n")
    for restoration in (plan_restoration(e) for e in entries):
        assert restoration.status == UNRESTORABLE and restoration.reason
        assert restoration.change_lines(), "what was pending is still shown"


def test_plan_all_covers_every_live_entry(seed_copy, tmp_path):
    records = sorted(seed_copy.iterdir())[:3]
    journal = Journal(tmp_path / "j.jsonl")
    journal.write([edit(p, {"quality": 10 + i}) for i, p in enumerate(records)])
    journal.write([Cleared(str(records[1]))])
    assert [r.path for r in plan_all(journal)] == [str(records[0]), str(records[2])]


def test_a_journal_that_cannot_be_written_says_so(seed_copy, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    journal = Journal(blocker / "j.jsonl")
    with pytest.raises(journal_module.JournalError, match="Could not write the journal"):
        journal.write([edit(sorted(seed_copy.iterdir())[0], {"quality": 1})])


def _line_of(entry) -> bytes:
    return journal_module._line(entry)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_entries_written_before_a_kill_are_there(seed_copy, tmp_path):
    import signal

    records = sorted(seed_copy.iterdir())[:3]
    path = tmp_path / "j.jsonl"
    entries = [edit(p, {"quality": 30 + i}) for i, p in enumerate(records)]
    read_r, write_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child writes, says so, and waits to be killed
        os.close(read_r)
        journal = Journal(path)
        journal.write(entries)
        os.write(write_w, b"written")
        signal.pause()
        os._exit(0)
    os.close(write_w)
    assert os.read(read_r, 16) == b"written"
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(read_r)
    assert {p: e.changes for p, e in Journal(path).entries().items()} == {
        str(p): {"quality": 30 + i} for i, p in enumerate(records)
    }
