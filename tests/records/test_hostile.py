"""Hostile files, faults and races: a clear message, the original bytes intact, and no hang."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

from desktop.records import reading
from desktop.records.model import ENCODING, IO
from desktop.records.reading import read_document

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_fbf05e2be9931d54.txt"
SEED_NAME = SEED.name


def newsdesk(*argv: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """A real `newsdesk` process; the timeout turns a hang into a failure instead of a stuck suite."""
    return subprocess.run(
        [sys.executable, "-m", "desktop", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
    )


# --------------------------------------------------------------------------- what is read


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_named_as_a_record_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "x.md"
    os.mkfifo(fifo)  # nobody writes to it: opening it for reading in blocking mode never returns
    document = read_document(fifo)
    assert [problem.code for problem in document.problems] == [IO]
    assert "not a regular file" in document.problems[0].message
    assert not document.editable

    result = newsdesk("validate", str(fifo), timeout=20)
    assert result.returncode == 1 and "not a regular file" in result.stdout
    result = newsdesk("set", str(fifo), "--quality", "5", timeout=20)
    assert result.returncode == 1 and "not a regular file" in result.stderr


def test_a_folder_given_as_a_record_file_is_an_io_problem(tmp_path):
    folder = tmp_path / "x.md"
    folder.mkdir()
    document = read_document(folder)
    assert [problem.code for problem in document.problems] == [IO] and not document.editable


def test_a_file_too_large_to_be_a_record_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 1000)
    huge = tmp_path / "huge.md"
    huge.write_bytes(b"---\ntitle: x\n---\n" + b"y" * 2000)
    document = read_document(huge)
    assert [problem.code for problem in document.problems] == [IO] and not document.editable
    assert "too large" in document.problems[0].message
    assert huge.read_bytes().endswith(b"y" * 2000)


def test_a_huge_file_is_refused_from_the_command_line(tmp_path):
    huge = tmp_path / "huge.md"
    with open(huge, "wb") as handle:  # sparse: the size without the disk space
        handle.write(b"---\ntitle: x\n---\n")
        handle.truncate(reading.MAX_FILE_BYTES + 1)
    result = newsdesk("validate", str(huge))
    assert result.returncode == 1 and "too large" in result.stdout
    result = newsdesk("set", str(huge), "--quality", "5")
    assert result.returncode == 1 and "too large" in result.stderr
    assert huge.stat().st_size == reading.MAX_FILE_BYTES + 1


# --------------------------------------------------------------------------- alias bombs


def alias_bomb(levels: int) -> str:
    """Billion laughs: each level a list of nine aliases of the level before (9**levels strings)."""
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        aliases = ", ".join([f"*lol{level - 1}"] * 9)
        lines.append(f"lol{level}: &lol{level} [{aliases}]")
    return "---\ntitle: Laughs\n" + "\n".join(lines) + "\n---\nbody\n"


def test_an_alias_bomb_is_a_problem_on_the_line_where_it_grows_too_large(tmp_path):
    bomb = tmp_path / "bomb.md"
    bomb.write_text(alias_bomb(9), encoding="utf-8")
    document = read_document(bomb)
    assert not document.editable and document.data is None
    [problem] = document.problems
    assert "alias" in problem.message and str(f"{reading.MAX_NODES:,}") in problem.message
    # lol5 is 9**6 = 531,441 strings, the first level over the bound; lol0 is on line 3.
    assert (problem.line, problem.column) == (8, 7)


def test_a_small_alias_bomb_is_read_as_a_record(tmp_path):
    small = tmp_path / "small.md"
    small.write_text(alias_bomb(3), encoding="utf-8")  # 729 strings: large, but data
    document = read_document(small)
    assert len(document.data["lol2"]) == 9 and not any("alias" in p.message for p in document.problems)


def test_an_alias_inside_its_own_value_is_a_problem_not_a_recursion(tmp_path):
    loop = tmp_path / "loop.md"
    loop.write_text("---\ntitle: x\ntopics: &self [a, *self]\n---\n", encoding="utf-8")
    document = read_document(loop)
    assert not document.editable
    [problem] = document.problems
    assert "refers to the value containing it" in problem.message and problem.line == 3


def test_the_command_line_answers_an_alias_bomb_at_once(tmp_path):
    bomb = tmp_path / "bomb.md"
    bomb.write_text(alias_bomb(9), encoding="utf-8")
    before = bomb.read_bytes()
    result = newsdesk("validate", "--no-index", str(bomb), timeout=10)
    assert result.returncode == 1 and f"{bomb}:8:7: the front matter expands YAML aliases" in result.stdout
    result = newsdesk("list", "--no-index", str(tmp_path), timeout=10)
    assert result.returncode == 0 and "bomb.md" in result.stdout
    result = newsdesk("set", str(bomb), "--quality", "5", timeout=10)
    assert result.returncode == 1 and "expands YAML aliases to too many values" in result.stderr
    assert bomb.read_bytes() == before


@pytest.mark.parametrize(
    "depth, expected",
    [
        (500, "nests values more than 100 levels deep"),  # deeper than the fast path's emitter: it crashed `validate`
        (5000, "exceeded maximum nesting depth"),  # libyaml's own bound
    ],
)
def test_deep_nesting_is_a_problem_on_its_line(tmp_path, depth, expected):
    record = tmp_path / "deep.md"
    record.write_text("---\ntitle: x\ndeep: " + "[" * depth + "]" * depth + "\n---\n", encoding="utf-8")
    before = record.read_bytes()
    problems = read_document(record).problems
    assert [p.line for p in problems] == [3] and expected in problems[0].message
    result = newsdesk("validate", str(record))
    assert result.returncode == 1 and f"{record}:3:" in result.stdout and "Traceback" not in result.stderr
    result = newsdesk("list", "--json", str(tmp_path))
    assert result.returncode == 0 and json.loads(result.stdout)["path"] == str(record)
    result = newsdesk("set", str(record), "--quality", "5")
    assert result.returncode == 1 and "Traceback" not in result.stderr and record.read_bytes() == before


def test_set_on_a_large_but_bounded_alias_tree_answers_at_once(tmp_path):
    # 59,049 strings, under the bound: an edit must not walk them once per value.
    record = tmp_path / "aliases.md"
    record.write_text(alias_bomb(5), encoding="utf-8")
    result = newsdesk("set", str(record), "--quality", "5", "--add-topic", "AI", timeout=10)
    assert result.returncode == 0, result.stderr
    document = read_document(record)
    assert document.data["quality"] == 5 and document.data["topics"] == ["AI"]
    assert len(document.data["lol4"]) == 9


# --------------------------------------------------------------------------- encodings and line ends


@pytest.mark.parametrize("codec, order", [("utf-16-le", "little-endian"), ("utf-16-be", "big-endian")])
def test_utf16_without_a_byte_order_mark_is_named_as_such(seed_file, codec, order):
    seed_file.write_bytes(seed_file.read_text(encoding="utf-8").encode(codec))
    document = read_document(seed_file)
    [problem] = document.problems
    assert problem.code == ENCODING and f"UTF-16 text without a byte-order mark ({order})" in problem.message
    assert not document.editable
    result = newsdesk("validate", "--no-index", str(seed_file))
    assert result.returncode == 1 and "UTF-16 text without a byte-order mark" in result.stdout


@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_cr_only_line_endings_are_named_as_such(seed_file, newline):
    text = seed_file.read_text(encoding="utf-8")
    seed_file.write_bytes(text.replace("\n", "\r").encode() if newline == "\r" else text.replace("\n", "\r\n").encode())
    document = read_document(seed_file)
    if newline == "\r\n":  # CRLF is a line end like LF
        assert document.editable and document.data["quality"] == 40
        return
    [problem] = document.problems
    assert problem.code == ENCODING and "CR-only line endings" in problem.message
    assert (problem.line, problem.column) == (1, 4) and not document.editable
    before = seed_file.read_bytes()
    result = newsdesk("set", str(seed_file), "--quality", "5")
    assert result.returncode == 1 and "CR-only line endings" in result.stderr and seed_file.read_bytes() == before


def test_nul_bytes_in_the_front_matter_are_located_and_kept(seed_file):
    seed_file.write_bytes(seed_file.read_bytes().replace(b"quality: 40", b"quality: 4\x000"))
    document = read_document(seed_file)
    assert not document.editable
    assert [(p.line, p.column) for p in document.problems] == [(8, 11)] and "U+0000" in document.problems[0].message


def test_nul_bytes_in_the_body_are_kept_by_an_edit(seed_file):
    seed_file.write_bytes(seed_file.read_bytes() + b"\x00binary\x00tail\n")
    result = newsdesk("set", str(seed_file), "--quality", "5")
    assert result.returncode == 0, result.stderr
    assert seed_file.read_bytes().endswith(b"\x00binary\x00tail\n") and read_document(seed_file).data["quality"] == 5


# --------------------------------------------------------------------------- lines as editors count them


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\r"])
def test_a_yaml_line_break_inside_a_value_does_not_shift_later_lines(seed_file, separator):
    text = seed_file.read_text(encoding="utf-8")
    text = text.replace("category: news", f'category: "news{separator}more"').replace("quality: 40", "quality: 400")
    seed_file.write_bytes(text.encode("utf-8"))
    [problem] = read_document(seed_file).problems
    assert (problem.line, problem.column) == (8, 10)  # the file's 8th line by `\n`, as git and editors show it
    result = newsdesk("validate", "--no-index", str(seed_file))
    assert f"{seed_file}:8:10: quality must be a whole number" in result.stdout
    result = newsdesk("validate", str(seed_file))  # through the index and the fast path too
    assert f"{seed_file}:8:10: quality must be a whole number" in result.stdout


def test_a_separator_on_the_same_line_keeps_columns_right(tmp_path):
    record = tmp_path / "r.md"
    record.write_text('---\ntitle: "a\u2028b"\nexcerpt: x\nkey: 1\nkey: 2\n---\n', encoding="utf-8")
    problems = read_document(record).problems
    duplicate = next(p for p in problems if "appears twice" in p.message)
    assert (duplicate.line, duplicate.column) == (5, 1) and "first on line 4" in duplicate.message


def test_a_syntax_error_after_a_separator_is_on_its_git_line(tmp_path):
    record = tmp_path / "r.md"
    record.write_text('---\ntitle: "a\u2028b\u0085c"\nexcerpt: x\n  bad: indent\n---\n', encoding="utf-8")
    [problem] = read_document(record).problems
    assert problem.line == 4, problem


# --------------------------------------------------------------------------- races


def test_a_save_racing_another_save_of_the_same_file_never_loses_an_edit(seed_file, monkeypatch):
    from desktop.records import store
    from desktop.records.editor import apply_edits

    mine = apply_edits(read_document(seed_file), {"quality": 77})
    theirs = apply_edits(read_document(seed_file), {"heat": 9})  # read before mine is saved
    monkeypatch.setattr(store, "LOCK_WAIT_SECONDS", 0)
    real_write = store.atomic_write
    outcome: list[object] = []

    def write_while_the_other_saves(path, data):
        # Both have checked the file; the other save comes in before mine replaces it.
        try:
            outcome.append(store.save_document(theirs))
        except store.SaveError as error:
            outcome.append(error)
        real_write(path, data)

    monkeypatch.setattr(store, "atomic_write", write_while_the_other_saves)
    store.save_document(mine)
    monkeypatch.setattr(store, "atomic_write", real_write)
    [refused] = outcome
    assert isinstance(refused, store.SaveError) and "another program" in str(refused)
    assert read_document(seed_file).data["quality"] == 77
    # Theirs, tried again, is now refused as changed on disk rather than written over mine.
    with pytest.raises(store.FileChangedOnDisk):
        store.save_document(theirs)
    assert read_document(seed_file).data["quality"] == 77 and read_document(seed_file).data["heat"] == -1


def test_two_set_processes_on_one_file_both_land(seed_file):
    command = [sys.executable, "-m", "desktop", "set", str(seed_file)]
    for round_number in range(4):
        first = subprocess.Popen(
            [*command, "--quality", str(50 + round_number)],
            cwd=REPO,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        second = subprocess.Popen(
            [*command, "--add-topic", f"Race {round_number}"],
            cwd=REPO,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        results = [(process.wait(timeout=60), *process.communicate()) for process in (first, second)]
        assert [code for code, _, _ in results] == [0, 0], results
        data = read_document(seed_file).data
        assert data["quality"] == 50 + round_number and f"Race {round_number}" in data["topics"], results
    assert [p.name for p in seed_file.parent.iterdir() if p.name.endswith(".tmp")] == []


# --------------------------------------------------------------------------- kills and faults

KILLED_SAVE = r"""
import os, signal, sys
from desktop.records import store
from desktop.records.editor import apply_edits
from desktop.records.reading import read_document

path, moment = sys.argv[1], sys.argv[2]

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

class HalfWritten:  # the temporary file's handle: the kill comes halfway through writing the new bytes

    def __init__(self, handle):
        self.handle = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self.handle.__exit__(*exc)

    def write(self, data):
        self.handle.write(data[: len(data) // 2])
        self.handle.flush()
        die()

real_fdopen = store.os.fdopen
if moment == "after creating the temporary file":
    store.os.fdopen = die
elif moment == "halfway through writing":
    store.os.fdopen = lambda *args, **kwargs: HalfWritten(real_fdopen(*args, **kwargs))
elif moment == "after writing, before fsync":
    store.os.fsync = die
elif moment == "after fsync, before rename":
    store.os.replace = die
elif moment == "after rename, before the folder sync":
    store.sync_folder = die
store.save_document(apply_edits(read_document(path), {"quality": 77}))
"""

KILL_MOMENTS = [
    "after creating the temporary file",
    "halfway through writing",
    "after writing, before fsync",
    "after fsync, before rename",
    "after rename, before the folder sync",
]


def temporary_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("moment", KILL_MOMENTS)
def test_a_save_killed_at_any_moment_leaves_old_or_new_bytes_and_its_temp_file_goes(seed_file, moment):
    old = seed_file.read_bytes()
    new = old.replace(b"quality: 40\n", b"quality: 77\n")
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_SAVE, str(seed_file), moment], cwd=REPO, capture_output=True, timeout=60
    )
    assert killed.returncode == -9, killed.stderr
    assert seed_file.read_bytes() == (new if "after rename" in moment else old)
    # The killed save's temporary file, if any, is no record: `list` ignores it, the next save removes it.
    listed = newsdesk("list", "--json", "--no-index", str(seed_file.parent))
    assert [json.loads(line)["path"] for line in listed.stdout.splitlines()] == [str(seed_file)]
    result = newsdesk("set", str(seed_file), "--heat", "5")
    assert result.returncode == 0, result.stderr
    assert temporary_files(seed_file.parent) == []
    assert read_document(seed_file).data["heat"] == 5


def test_a_file_replaced_by_a_folder_before_the_save_is_left_alone(seed_file):
    from desktop.records.session import EditSession
    from desktop.records.store import SaveError

    session = EditSession()
    session.set_field([seed_file], "quality", 77)
    seed_file.unlink()
    seed_file.mkdir()
    (seed_file / "inside.txt").write_text("kept")
    with pytest.raises(SaveError) as refused:
        session.save(seed_file)
    assert str(seed_file) in str(refused.value) and "changed on disk" in str(refused.value)
    assert (seed_file / "inside.txt").read_text() == "kept" and session.is_dirty(seed_file)
    assert temporary_files(seed_file.parent) == []


def test_a_full_disk_from_the_command_line_keeps_the_original(seed_file, monkeypatch, capsys):
    from desktop.cli import main
    from desktop.records import store

    before = seed_file.read_bytes()

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(store.os, "fsync", full)
    assert main(["set", str(seed_file), "--quality", "5"]) == 1
    assert "the disk is full" in capsys.readouterr().err
    assert seed_file.read_bytes() == before and temporary_files(seed_file.parent) == []


def test_a_real_full_disk_from_the_command_line_keeps_the_original(small_disk):
    record = small_disk.path / SEED_NAME
    record.write_bytes(SEED.read_bytes())
    before = record.read_bytes()
    small_disk.fill(leave=8 * 1024)  # less than the record's 27 KB: its new copy cannot be written
    result = newsdesk("set", str(record), "--quality", "5")
    assert result.returncode == 1
    assert f"{record}: not changed: Could not save {record}: the disk is full." in result.stderr
    assert record.read_bytes() == before and temporary_files(small_disk.path) == []
    small_disk.make_room()
    assert newsdesk("set", str(record), "--quality", "5").returncode == 0
    assert read_document(record).data["quality"] == 5


def test_a_real_read_only_disk_from_the_command_line_keeps_the_original(small_disk):
    record = small_disk.path / SEED_NAME
    record.write_bytes(SEED.read_bytes())
    before = record.read_bytes()
    small_disk.read_only()
    result = newsdesk("set", str(record), "--quality", "5")
    assert result.returncode == 1
    assert f"Could not save {record}: the disk is read-only." in result.stderr
    assert record.read_bytes() == before
    small_disk.read_only(False)
    assert temporary_files(small_disk.path) == []


@pytest.mark.skipif(resource is None, reason="no resource limits on this platform")
def test_a_file_size_limit_smaller_than_the_record_keeps_the_original(seed_file):
    before = seed_file.read_bytes()

    def limit_file_size() -> None:  # in the child: writes past 4 KB fail with EFBIG (Python ignores SIGXFSZ)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    result = subprocess.run(
        [sys.executable, "-m", "desktop", "set", str(seed_file), "--quality", "5"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=limit_file_size,
    )
    assert result.returncode == 1
    assert f"Could not save {seed_file}: the file would be larger than this system allows." in result.stderr
    assert seed_file.read_bytes() == before and temporary_files(seed_file.parent) == []


def test_a_read_only_file_is_not_replaced(seed_file, monkeypatch):
    # Renaming over a file needs only the folder's permission: without a check, a file made
    # read-only to protect it would be replaced anyway. (Simulated: the suite may run as root.)
    from desktop.records import store
    from desktop.records.editor import apply_edits

    before = seed_file.read_bytes()
    document = apply_edits(read_document(seed_file), {"quality": 5})
    real_access = os.access
    monkeypatch.setattr(
        store.os, "access", lambda path, mode, **kw: False if mode == os.W_OK else real_access(path, mode)
    )
    with pytest.raises(store.SaveError, match="the file is read-only"):
        store.save_document(document)
    assert seed_file.read_bytes() == before and temporary_files(seed_file.parent) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write read-only files")
def test_a_chmod_read_only_file_is_refused_from_the_command_line(seed_file):  # pragma: no cover - not as root
    before = seed_file.read_bytes()
    os.chmod(seed_file, 0o444)
    try:
        result = newsdesk("set", str(seed_file), "--quality", "5")
    finally:
        os.chmod(seed_file, 0o644)
    assert result.returncode == 1 and "read-only" in result.stderr and seed_file.read_bytes() == before


# --------------------------------------------------------------------------- names and values


def test_a_file_name_with_a_newline_and_an_rtl_override_is_printed_escaped(seed_file):
    hostile = seed_file.with_name("evil\nname\u202egpj.md")
    seed_file.rename(hostile)
    hostile.write_text(hostile.read_text(encoding="utf-8").replace("quality: 40", "quality: 400"), encoding="utf-8")
    result = newsdesk("validate", "--no-index", str(hostile))
    escaped = str(hostile).replace("\n", "\\n").replace("\u202e", "\\u202e")
    assert result.stdout.splitlines()[0] == f"{escaped}:8:10: quality must be a whole number from 0 to 100 (found 400)"
    result = newsdesk("set", str(hostile), "--quality", "5")
    assert result.returncode == 0 and result.stdout == f"{escaped}: quality 400 -> 5\n"
    assert "\u202e" not in result.stdout + result.stderr


def test_a_file_name_starting_with_a_dash_gets_a_hint(seed_file):
    dashed = seed_file.with_name("-x.md")
    seed_file.rename(dashed)
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "set", "-x.md", "--quality", "5"],
        cwd=dashed.parent,
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 2 and "write ./-x.md to name it" in result.stderr
    assert read_document(dashed).data["quality"] == 40
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "set", "./-x.md", "--quality", "5"],
        cwd=dashed.parent,
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 0 and read_document(dashed).data["quality"] == 5


@pytest.mark.parametrize(
    "written, shown",
    [
        ("1.0e+309", "inf"),
        (".inf", "inf"),
        ("-.inf", "-inf"),
        (".nan", "nan"),
        ("18446744073709551616", "18446744073709551616"),
        ("true", "true"),
        ("40.0", "40.0"),
        ("-0.0", "-0.0"),
    ],
)
def test_numeric_edge_values_are_problems_not_numbers(seed_file, written, shown):
    seed_file.write_text(
        seed_file.read_text(encoding="utf-8").replace("quality: 40", f"quality: {written}"), encoding="utf-8"
    )
    problems = [p for p in read_document(seed_file).problems if p.path == "$.quality"]
    assert [(p.line, p.column) for p in problems] == [(8, 10)] and f"(found {shown})" in problems[0].message
    listed = newsdesk("list", "--json", "--no-index", str(seed_file))

    def not_json(constant):
        raise AssertionError(f"{constant} is not JSON")

    row = json.loads(listed.stdout, parse_constant=not_json)
    assert row["quality"] == (int(written) if written.isdigit() else None)


def test_minus_zero_is_the_whole_number_zero(seed_file):
    seed_file.write_text(seed_file.read_text(encoding="utf-8").replace("quality: 40", "quality: -0"), encoding="utf-8")
    document = read_document(seed_file)
    assert document.data["quality"] == 0 and not document.problems


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,<script>x</script>"])
def test_a_url_that_is_not_a_web_address_is_a_problem(seed_file, url):
    text = seed_file.read_text(encoding="utf-8")
    seed_file.write_text(text.replace('webUrl: "https://www.thestreet.com/', f'webUrl: "{url}#', 1), encoding="utf-8")
    problems = [p for p in read_document(seed_file).problems if p.path == "$.webUrl"]
    assert len(problems) == 1 and "http:// or https://" in problems[0].message and problems[0].line == 6


# Written as YAML double-quoted text, so the escapes become the characters themselves.
HOSTILE_ADDRESSES = {
    "an escape sequence": (r"https://example.com/a\x1b[31mred", r"a\u001b[31mred"),
    "a NUL byte in the host": (r"https://exa\x00mple.com/", r"exa\u0000mple"),
    "a right-to-left override": (r"https://example.com/\u202egnp.exe", r"/\u202egnp.exe"),
    "a user name and password": ("https://www.bbc.co.uk:news@attacker.example/", "www.bbc.co.uk:news@"),
    "an address longer than servers take": ("https://example.com/" + "a" * 9000, "https://example.com/aaa"),
}


@pytest.mark.parametrize("written, shown", HOSTILE_ADDRESSES.values(), ids=HOSTILE_ADDRESSES)
def test_a_hostile_web_address_is_a_problem_shown_escaped(seed_file, written, shown):
    text = seed_file.read_text(encoding="utf-8")
    seed_file.write_text(
        text.replace('webUrl: "https://www.thestreet.com/', f'webUrl: "{written}#', 1), encoding="utf-8"
    )
    problems = [p for p in read_document(seed_file).problems if p.path == "$.webUrl"]
    assert len(problems) == 1 and (problems[0].line, problems[0].column) == (6, 9)
    message = problems[0].message
    assert "at most 8,192 characters" in message and shown in message
    # The message itself is safe to show: no control or direction character reaches a label or terminal.
    assert message.isprintable() and len(message) < 300


@pytest.mark.parametrize(
    "url",
    [
        "https://medium.com/@newsdesk/a-story",
        "http://a.io",
        "https://example.com?q=1#top",
        "https://example.com/" + "a" * 8000,
    ],
)
def test_an_ordinary_web_address_with_an_at_sign_or_a_long_path_is_no_problem(seed_file, url):
    text = seed_file.read_text(encoding="utf-8")
    start = text.index('webUrl: "') + len('webUrl: "')
    seed_file.write_text(text[:start] + url + text[text.index('"', start) :], encoding="utf-8")
    assert [p for p in read_document(seed_file).problems if p.path == "$.webUrl"] == []


# --------------------------------------------------------------------------- standard tags that change a value's kind

TYPE_CHANGING_TAGS = {
    "a set for a list": (
        "topics:\n  - Natural Language Processing\n  - AI\n",
        "topics: !!set\n  ? Natural Language Processing\n  ? AI\nformerTopics:\n",
        "$.topics",
        "topics must be a list of topic names (found a set of keys)",
    ),
    "binary data for a title": (
        'title: "',
        'title: !!binary "aGVsbG8="\nformerTitle: "',
        "$.title",
        "title must be a title that is not blank (found binary data (!!binary))",
    ),
    "binary data for the secured blob": (
        'secured: "',
        'secured: !!binary "aGVsbG8="\nformerSecured: "',
        "$.secured",
        "secured must be text (found binary data (!!binary))",
    ),
}


@pytest.mark.parametrize("old, new, path, message", TYPE_CHANGING_TAGS.values(), ids=TYPE_CHANGING_TAGS)
def test_a_standard_tag_that_changes_a_values_kind_is_a_problem_on_both_paths(seed_file, old, new, path, message):
    from desktop.records.scan import index_paths

    text = seed_file.read_text(encoding="utf-8")
    assert old in text
    seed_file.write_text(text.replace(old, new, 1), encoding="utf-8")
    found = [(p.line, p.message) for p in read_document(seed_file).problems if p.path == path]
    assert len(found) == 1 and found[0][1] == message, found
    listed = [(p.line, p.message) for p in index_paths([str(seed_file)])[0].summary.problems if p.path == path]
    assert listed == found, "the folder's list says the same as the editor"
