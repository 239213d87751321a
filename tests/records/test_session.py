"""EditSession: pending edits per record, the diff Save will write, saving, reverting, undo values."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from helpers import changed_lines

from desktop.records import session as session_module
from desktop.records.editor import REMOVE, EditRefused
from desktop.records.scan import iter_record_files, summarize_document
from desktop.records.session import EditSession, path_key
from desktop.records.store import FileChangedOnDisk, SaveError


@pytest.fixture
def records(seed_copy: Path) -> list[Path]:
    return iter_record_files(seed_copy)


def test_an_edit_is_pending_until_saved_and_save_writes_only_its_line(seed_file: Path):
    original = seed_file.read_bytes()
    session = EditSession()
    step = session.set_field([seed_file], "quality", 75)

    assert session.is_dirty(seed_file)
    assert session.dirty_paths() == [path_key(seed_file)]
    assert session.value(seed_file, "quality") == 75
    assert seed_file.read_bytes() == original, "nothing is written before Save"
    assert step.before == {path_key(seed_file): {"quality": 40}}
    assert step.after == {path_key(seed_file): {"quality": 75}}

    saved = session.save(seed_file)

    assert changed_lines(original, seed_file.read_bytes()) == ["-quality: 40", "+quality: 75"]
    assert saved.data["quality"] == 75
    assert not session.is_dirty(seed_file)
    assert session.dirty_paths() == []
    assert session.base(seed_file).raw == seed_file.read_bytes()


def test_the_diff_shown_is_exactly_what_save_writes(seed_file: Path):
    original = seed_file.read_bytes()
    session = EditSession()
    session.set_field([seed_file], "heat", 12)
    session.add_topic([seed_file], "Privacy")
    session.set_field([seed_file], "published", True)
    diff = session.diff(seed_file)
    expected_after = session.edited(seed_file).raw

    session.save(seed_file)

    assert seed_file.read_bytes() == expected_after
    expected_diff = "".join(
        difflib.unified_diff(
            original.decode().splitlines(keepends=True),
            expected_after.decode().splitlines(keepends=True),
            fromfile=f"a/{seed_file.name}",
            tofile=f"b/{seed_file.name}",
        )
    )
    assert diff == expected_diff
    assert sorted(changed_lines(original, seed_file.read_bytes())) == sorted(
        ["-heat: -1", "+heat: 12", "-published: false", "+published: true", "+  - Privacy"]
    )


def test_setting_a_value_back_to_the_original_is_not_an_edit(seed_file: Path):
    session = EditSession()
    session.set_field([seed_file], "quality", 60)
    session.set_field([seed_file], "quality", 40)
    assert not session.is_dirty(seed_file)
    assert session.changes(seed_file) == {}
    assert session.diff(seed_file) == ""


def test_an_invalid_value_is_refused_and_leaves_nothing_pending(seed_file: Path):
    session = EditSession()
    with pytest.raises(EditRefused, match="quality"):
        session.set_field([seed_file], "quality", 101)
    with pytest.raises(EditRefused, match="heat"):
        session.set_field([seed_file], "heat", "hot")
    with pytest.raises(EditRefused, match="empty"):
        session.add_topic([seed_file], "   ")
    assert session.dirty_paths() == []


def test_topics_keep_their_order_refuse_duplicates_and_remove_ignoring_case(seed_file: Path):
    session = EditSession()
    assert session.topics(seed_file) == ["Natural Language Processing", "AI", "AWS AI", "Computer Vision"]
    session.add_topic([seed_file], "Privacy")
    step = session.add_topic([seed_file], "ai")  # already there as "AI"
    assert not step.changed_anything
    session.remove_topic([seed_file], "aws ai")
    assert session.topics(seed_file) == ["Natural Language Processing", "AI", "Computer Vision", "Privacy"]


def test_a_bulk_edit_sets_every_record_and_is_one_step(records: list[Path]):
    five = records[1:6]
    session = EditSession()
    step = session.set_field(five, "quality", 99)
    assert sorted(step.paths) == sorted(path_key(p) for p in five)
    assert all(session.value(p, "quality") == 99 for p in five)
    assert sorted(session.dirty_paths()) == sorted(path_key(p) for p in five)

    topic_step = session.add_topic(five, "Surveillance")
    assert all(session.topics(p)[-1] == "Surveillance" for p in five)
    assert len(topic_step.after) == 5


def test_a_bulk_edit_is_refused_whole_when_one_record_cannot_take_it(records: list[Path]):
    broken = records[2]
    broken.write_text("---\ntitle: a\ntitle: b\n---\n", encoding="utf-8")
    session = EditSession()
    with pytest.raises(EditRefused, match=broken.name):
        session.set_field(records[1:4], "quality", 10)
    assert session.dirty_paths() == []


def test_restoring_a_steps_before_values_undoes_it_even_after_saving(seed_file: Path):
    original = seed_file.read_bytes()
    session = EditSession()
    step = session.set_field([seed_file], "quality", 90)
    session.save(seed_file)

    session.restore(step.before)  # undo, after the edit was already saved
    assert session.is_dirty(seed_file)
    assert session.value(seed_file, "quality") == 40
    session.save(seed_file)
    assert seed_file.read_bytes() == original

    session.restore(step.after)  # redo
    assert session.value(seed_file, "quality") == 90


def test_undoing_an_added_topic_removes_it_again(seed_file: Path):
    session = EditSession()
    step = session.add_topic([seed_file], "Privacy")
    session.restore(step.before)
    assert not session.is_dirty(seed_file)
    assert "Privacy" not in session.topics(seed_file)


def test_revert_drops_the_edits_and_can_itself_be_undone(seed_file: Path):
    session = EditSession()
    session.set_field([seed_file], "quality", 5)
    session.add_topic([seed_file], "Privacy")
    step = session.revert(seed_file)
    assert not session.is_dirty(seed_file)
    session.restore(step.before)
    assert session.value(seed_file, "quality") == 5
    assert "Privacy" in session.topics(seed_file)


def test_approval_of_a_record_with_problems_is_refused_with_the_problems(records: list[Path]):
    target = records[2]
    text = target.read_text(encoding="utf-8")
    assert "published: false" in text
    target.write_text(text.replace("quality:", "quality: 250\nx_quality:", 1), encoding="utf-8")
    session = EditSession()
    assert session.base(target).problems, "the test record must have a problem"
    with pytest.raises(EditRefused, match="cannot be published"):
        session.set_field([target], "published", True)
    assert not session.is_dirty(target)


def test_save_refuses_a_file_changed_on_disk_and_keeps_the_edits(seed_file: Path):
    session = EditSession()
    session.set_field([seed_file], "quality", 70)
    seed_file.write_bytes(seed_file.read_bytes().replace(b"heat: -1", b"heat: 3"))
    changed = seed_file.read_bytes()

    with pytest.raises(FileChangedOnDisk):
        session.save(seed_file)
    assert seed_file.read_bytes() == changed
    assert session.is_dirty(seed_file)

    session.save(seed_file, force=True)  # "overwrite"
    assert b"quality: 70" in seed_file.read_bytes()
    assert b"heat: -1" in seed_file.read_bytes()


def test_reload_takes_the_file_from_disk_and_drops_the_edits(seed_file: Path):
    session = EditSession()
    session.set_field([seed_file], "quality", 70)
    seed_file.write_bytes(seed_file.read_bytes().replace(b"heat: -1", b"heat: 3"))
    session.reload(seed_file)
    assert not session.is_dirty(seed_file)
    assert session.value(seed_file, "heat") == 3
    assert session.value(seed_file, "quality") == 40


def test_save_all_saves_each_file_independently_and_reports_failures(records: list[Path], monkeypatch):
    first, failing, changed, last = records[1:5]
    originals = {p: p.read_bytes() for p in (first, failing, changed, last)}
    session = EditSession()
    session.set_field([first, failing, changed, last], "heat", 50)
    changed.write_bytes(changed.read_bytes() + b"\n")
    on_disk_changed = changed.read_bytes()

    real_replace = os.replace

    def refuse_one(source, target, *args, **kwargs):
        if Path(target).name == failing.name:
            raise PermissionError(13, "Permission denied")
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", refuse_one)
    failures = session.save_all()

    assert set(failures) == {path_key(failing), path_key(changed)}
    assert isinstance(failures[path_key(changed)], FileChangedOnDisk)
    assert isinstance(failures[path_key(failing)], SaveError)
    assert "permission denied" in str(failures[path_key(failing)])
    assert failing.read_bytes() == originals[failing]
    assert changed.read_bytes() == on_disk_changed
    for saved in (first, last):
        assert changed_lines(originals[saved], saved.read_bytes())[1].startswith("+heat: 50")
    assert sorted(session.dirty_paths()) == sorted([path_key(failing), path_key(changed)])
    assert not list(failing.parent.glob(".*.tmp")), "no temporary file left behind"


def test_removing_a_key_is_an_edit_and_restoring_puts_it_back(seed_file: Path):
    session = EditSession()
    step = session.set_field([seed_file], "heat", REMOVE)
    assert "heat" not in (session.edited(seed_file).data or {})
    session.restore(step.before)
    assert not session.is_dirty(seed_file)


def test_a_document_read_elsewhere_is_adopted_unless_edits_are_pending(seed_file: Path):
    from desktop.records.reading import read_document

    session = EditSession()
    session.adopt(read_document(seed_file))
    assert session.knows(seed_file)
    session.set_field([seed_file], "quality", 1)
    seed_file.write_bytes(seed_file.read_bytes().replace(b"heat: -1", b"heat: 3"))
    session.adopt(read_document(seed_file))
    assert session.value(seed_file, "heat") == -1, "pending edits keep the base they were made on"


def test_the_session_module_stays_qt_free():
    source = Path(session_module.__file__).read_text(encoding="utf-8")
    assert "PySide6" not in source


# -- bulk edits in a fork (what the window runs off the UI thread) --------------------------------


def test_an_edit_made_in_a_fork_and_merged_equals_the_same_edit_made_in_place(records):
    in_place, forked_from = EditSession(), EditSession()
    for session in (in_place, forked_from):
        session.set_field(records[:1], "heat", 3)  # an edit pending before the bulk one
    in_place.set_field(records, "quality", 12)

    fork = forked_from.fork()
    fork.read_all(records)
    step = fork.set_field(records, "quality", 12)
    assert not forked_from.is_dirty(records[5]), "the fork's edit stays in the fork until merged"
    forked_from.merge(fork, records)

    assert step.after == {path_key(p): {"quality": 12} for p in records}
    assert forked_from.dirty_paths() == in_place.dirty_paths()
    for path in records:
        assert forked_from.diff(path) == in_place.diff(path)
    assert forked_from.value(records[0], "heat") == 3
    for path in records:  # the rows made in the fork come back with it, and are the rows of the edit
        assert forked_from.edited_summary(path) == summarize_document(in_place.edited(path))


def test_a_cancelled_bulk_edit_changes_nothing_in_the_session(records):
    session = EditSession()
    fork = session.fork()
    ticks = []

    def tick():
        ticks.append(1)
        if len(ticks) == len(records) + 3:  # every record read, three built
            raise session_module.EditCancelled()

    fork.tick = tick
    with pytest.raises(session_module.EditCancelled):
        fork.read_all(records)
        fork.set_field(records, "quality", 12)
    assert session.dirty_paths() == []
    assert not any(session.knows(path) for path in records)


def test_a_fork_is_not_merged_over_an_edit_made_meanwhile(records):
    session = EditSession()
    fork = session.fork()
    fork.set_field(records, "quality", 12)
    session.set_field(records[2:3], "quality", 99)

    with pytest.raises(EditRefused, match="edited while the bulk edit ran"):
        session.merge(fork, records)
    assert session.dirty_paths() == [path_key(records[2])]
    assert session.value(records[2], "quality") == 99


def test_one_field_reverts_on_its_own_and_the_revert_is_undoable(seed_file: Path):
    session = EditSession()
    session.set_field([seed_file], "quality", 64)
    session.set_field([seed_file], "heat", 7)
    session.set_field([seed_file], "published", False)  # as the file has it: not a change
    assert sorted(session.changed_fields(seed_file)) == ["heat", "quality"]
    assert session.saved_value(seed_file, "quality") == 40

    step = session.revert_field([seed_file], "quality")
    assert session.value(seed_file, "quality") == 40 and session.value(seed_file, "heat") == 7
    assert session.changed_fields(seed_file) == ["heat"]
    assert changed_lines(seed_file.read_bytes(), session.edited(seed_file).raw) == ["-heat: -1", "+heat: 7"]

    session.restore(step.before)  # undo
    assert session.value(seed_file, "quality") == 64
    assert session.revert_field([seed_file], "topics").changed_anything is False
