"""The folder index: a second open reads only what changed, and the index is never trusted over a file."""

from __future__ import annotations

import dataclasses
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop.records import index as index_module
from desktop.records.index import FolderScan, RecordIndex, index_path
from desktop.records.reading import read_document
from desktop.records.scan import list_record_files, summarize_document

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "feed"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def scan(folder: Path, cache: Path, **options) -> FolderScan:
    scanner = FolderScan(folder, cache_dir=cache, **options)
    scanner.summaries = scanner.run()
    return scanner


def exact(folder: Path) -> list:
    return [summarize_document(read_document(listed.path)) for listed in list_record_files(folder)]


def age_index(cache: Path, folder: Path) -> None:
    # Entries written just now are "racily clean" and get hashed; age them as a later open would see them.
    with sqlite3.connect(index_path(folder, cache)) as connection:
        connection.execute("UPDATE records SET indexed_ns = indexed_ns + ?", (10 * index_module.RACY_NS,))


def test_a_warm_open_parses_nothing_and_gives_the_same_summaries(folder, cache):
    cold = scan(folder, cache)
    assert cold.parsed == 27 and cold.notices == []
    age_index(cache, folder)
    warm = scan(folder, cache)
    assert warm.parsed == 0
    assert warm.summaries == cold.summaries == exact(folder)


def test_a_warm_open_reads_exactly_the_files_changed_outside(folder, cache):
    scan(folder, cache)
    age_index(cache, folder)
    files = sorted(folder.glob("*.txt"))
    changed = files[:10]
    for path in changed[:9]:
        path.write_bytes(path.read_bytes().replace(b"quality: ", b"quality: 1", 1))
    # The tenth is rewritten keeping its size and mtime: only its ctime (and its bytes) tell.
    sneaky = changed[9]
    status = sneaky.stat()
    raw = sneaky.read_bytes()
    at = raw.index(b"quality: ") + len(b"quality: ")
    flipped = b"9" if raw[at : at + 1] != b"9" else b"8"
    sneaky.write_bytes(raw[:at] + flipped + raw[at + 1 :])
    os.utime(sneaky, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert sneaky.stat().st_size == status.st_size and sneaky.stat().st_mtime_ns == status.st_mtime_ns

    warm = scan(folder, cache)
    assert warm.parsed == 10
    assert warm.summaries == exact(folder)


def test_new_files_are_read_and_vanished_ones_leave_the_index(folder, cache):
    scan(folder, cache)
    age_index(cache, folder)
    gone = sorted(folder.glob("*.txt"))[3]
    gone.unlink()
    (folder / "sub").mkdir()
    shutil.copyfile(SEEDS / "000_fbf05e2be9931d54.txt", folder / "sub" / "new.md")
    warm = scan(folder, cache)
    assert warm.parsed == 1
    assert [summary.path for summary in warm.summaries] == [str(listed.path) for listed in list_record_files(folder)]
    with sqlite3.connect(index_path(folder, cache)) as connection:
        stored = {row[0] for row in connection.execute("SELECT relpath FROM records")}
    assert gone.name not in stored and os.path.join("sub", "new.md") in stored and len(stored) == 27


def test_the_index_lives_in_the_cache_never_in_the_records_folder(folder, cache):
    before = sorted(path.name for path in folder.rglob("*"))
    scan(folder, cache)
    assert sorted(path.name for path in folder.rglob("*")) == before
    assert index_path(folder, cache).is_file()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_damaged_database_is_rebuilt_with_a_notice(folder, cache, damage):
    scan(folder, cache)
    database = index_path(folder, cache)
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    content = database.read_bytes()
    database.write_bytes(
        {"garbage": b"this is not a database" * 500, "truncated": content[: len(content) // 3], "empty": b""}[damage]
    )
    again = scan(folder, cache)
    assert again.summaries == exact(folder)
    if damage != "empty":  # an empty file is a new database to SQLite: nothing to say
        assert any("rebuilt" in notice for notice in again.notices), again.notices
    age_index(cache, folder)
    assert scan(folder, cache).parsed == 0  # and the rebuilt index serves the next open


def test_a_database_of_another_version_is_rebuilt(folder, cache):
    scan(folder, cache)
    with sqlite3.connect(index_path(folder, cache)) as connection:
        connection.execute("UPDATE meta SET value = 'another version' WHERE key = 'version'")
    again = scan(folder, cache)
    assert again.parsed == 27
    assert any("another version" in notice for notice in again.notices)
    assert again.summaries == exact(folder)


def test_a_locked_database_is_bypassed_not_waited_on_forever(folder, cache, monkeypatch):
    scan(folder, cache)
    age_index(cache, folder)
    (sorted(folder.glob("*.txt"))[0]).write_bytes(b"---\ntitle: changed\n---\n")
    locker = sqlite3.connect(index_path(folder, cache), timeout=0)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        again = scan(folder, cache)
    finally:
        locker.rollback()
        locker.close()
    assert again.summaries == exact(folder)
    assert again.notices  # said, not silent


def test_an_entry_that_cannot_be_decoded_is_read_from_its_file(folder, cache):
    scan(folder, cache)
    age_index(cache, folder)
    with sqlite3.connect(index_path(folder, cache)) as connection:
        connection.execute("UPDATE records SET summary = '{\"title\": 1' WHERE relpath LIKE '000_%'")
    again = scan(folder, cache)
    assert again.parsed == 1
    assert again.summaries == exact(folder)


def test_a_racily_clean_entry_is_trusted_only_if_its_bytes_hash_the_same(folder, cache):
    scan(folder, cache)  # just written: every entry is within the racy window of its file's mtime
    with sqlite3.connect(index_path(folder, cache)) as connection:
        connection.execute("UPDATE records SET sha256 = 'not the hash' WHERE relpath LIKE '001_%'")
    again = scan(folder, cache)
    assert again.parsed == 1  # the entry whose bytes no longer hash the same; the others were hashed and kept
    assert again.summaries == exact(folder)


def test_no_index_reads_every_file_and_rebuilds(folder, cache):
    scan(folder, cache)
    age_index(cache, folder)
    again = scan(folder, cache, rebuild=True)
    assert again.parsed == 27 and again.summaries == exact(folder)
    age_index(cache, folder)
    assert scan(folder, cache).parsed == 0


def test_worker_processes_give_the_same_summaries(tmp_path, cache):
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(index_module.IN_PROCESS_BELOW + 6):
        shutil.copyfile(sorted(SEEDS.glob("*.txt"))[number % 27], folder / f"{number:03}.txt")
    (folder / "broken.md").write_bytes(b"---\ntitle: [unclosed\n---\n")
    pooled = scan(folder, cache, jobs=2)
    assert pooled.summaries == exact(folder)
    assert any(summary.problems for summary in pooled.summaries)


def test_an_unreadable_file_is_listed_with_its_problem_and_never_kept(folder, cache, monkeypatch):
    from desktop.records import scan as scan_module

    target = sorted(folder.glob("*.txt"))[0]
    real_load = scan_module.load_file

    def refuse(path):
        if Path(path) == target:
            raise PermissionError(13, "Permission denied")
        return real_load(path)

    monkeypatch.setattr(scan_module, "load_file", refuse)
    summaries = scan(folder, cache).summaries
    assert "Permission denied" in summaries[0].problems[0].message and not summaries[0].editable
    monkeypatch.setattr(scan_module, "load_file", real_load)
    age_index(cache, folder)
    again = scan(folder, cache)
    assert again.parsed == 1 and again.summaries == exact(folder)


def test_an_index_that_cannot_be_created_means_every_file_is_read(folder, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    scanner = scan(folder, blocker / "cache")
    assert scanner.summaries == exact(folder) and scanner.notices
    assert RecordIndex(folder, cache_dir=blocker / "cache").usable is False


CORPUS = REPO.parent / "shared" / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not on this machine")
def test_every_kind_of_summary_comes_back_from_the_index_as_it_went_in():
    # The corpus gives summaries with problems (lines, columns, JSON paths), missing fields,
    # places of titles and links; each must decode to an equal summary, tuples where it had tuples.
    summaries = [summarize_document(read_document(listed.path)) for listed in list_record_files(CORPUS)]
    summaries += exact(SEEDS)
    assert any(summary.problems for summary in summaries) and any(summary.warnings for summary in summaries)
    for summary in summaries:
        back = index_module.summary_from_json(index_module.summary_to_json(summary), summary.path)
        assert back == summary
        assert [type(getattr(back, field.name)) for field in dataclasses.fields(back)] == [
            type(getattr(summary, field.name)) for field in dataclasses.fields(summary)
        ]


@pytest.mark.parametrize("stored", ['{"title": "x"}', "[]", '["too", "few"]', "not json"])
def test_an_entry_of_another_shape_is_refused_not_guessed(stored):
    with pytest.raises((ValueError, TypeError)):
        index_module.summary_from_json(stored, "a.md")


def test_every_module_that_makes_a_summary_versions_the_index():
    # A stored summary is only as current as the code that made it: a module the scan reads
    # through but the fingerprint leaves out would let an old index serve summaries that code no
    # longer makes (fields.py was missing once).
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("desktop")
    makers = {"desktop.records.scan"} | graph.find_upstream_modules("desktop.records.scan")
    core = {module.rsplit(".", 1)[1] + ".py" for module in makers if module.startswith("desktop.records.")}
    assert core <= set(index_module._CORE_SOURCES)
