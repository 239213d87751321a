"""The `newsdesk` command line, run in-process on copies of the seed records."""

from __future__ import annotations

import difflib
import json
import os
import re
import subprocess
import sys
import types
from pathlib import Path

import hypothesis
import hypothesis.strategies as st
import pytest
import yaml
from helpers import per_character_truncate, per_character_width
from link_server import link_server  # noqa: F401

from desktop.cli import main
from desktop.records.model import SEED_KEY_ORDER

REPO = Path(__file__).resolve().parent.parent
SEED_NAME = "000_fbf05e2be9931d54.txt"
RECORD_NAMES = sorted(path.name for path in (REPO / "seeds").glob("*.txt"))
EXCERPT_LINE = 4  # the seed's excerpt is on file line 4


def data_of(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def data_of_bytes(raw: bytes) -> dict:
    return yaml.safe_load(raw.decode("utf-8").split("---\n")[1])


def line_changes(before: bytes, after: bytes) -> tuple[list[str], list[str]]:
    """(removed lines, added lines) between two versions of a file."""
    removed, added = [], []
    for line in difflib.ndiff(before.decode().splitlines(keepends=True), after.decode().splitlines(keepends=True)):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def untouched(path: Path, before: bytes, stat: os.stat_result) -> bool:
    """Same bytes, and not even rewritten (an atomic save would give it a new inode)."""
    now = path.stat()
    return path.read_bytes() == before and (now.st_ino, now.st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)


def break_line(path: Path, index: int, new_line: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[index] = new_line
    path.write_text("\n".join(lines), encoding="utf-8")


# --------------------------------------------------------------------------- set, on every sample record


@pytest.mark.parametrize("name", RECORD_NAMES)
def test_set_quality_changes_exactly_one_line(seed_copy, capsys, name):
    record = seed_copy / name
    before = record.read_bytes()
    code, out, err = run(capsys, "set", str(record), "--quality", "77")
    assert (code, err) == (0, "")
    assert "quality" in out and "77" in out
    assert line_changes(before, record.read_bytes()) == (
        [f"quality: {data_of_bytes(before)['quality']}\n"],
        ["quality: 77\n"],
    )
    assert data_of(record) == {**data_of_bytes(before), "quality": 77}


@pytest.mark.parametrize("name", RECORD_NAMES)
def test_add_topic_adds_one_list_line_or_a_topics_section(seed_copy, capsys, name):
    record = seed_copy / name
    before = record.read_bytes()
    old = data_of_bytes(before)
    code, _, err = run(capsys, "set", str(record), "--add-topic", "Robotics")
    assert (code, err) == (0, "")
    removed, added = line_changes(before, record.read_bytes())
    assert removed == []
    if "topics" in old:
        # The block list grows by one item, after the last one.
        assert [line.replace('"', "") for line in added] == ["  - Robotics\n"]
        assert data_of(record) == {**old, "topics": [*old["topics"], "Robotics"]}
    else:
        # A record without topics gets a new section where the seed has it: after provider.
        assert [line.replace('"', "") for line in added] == ["topics:\n", "  - Robotics\n", "\n"]
        text = record.read_text(encoding="utf-8")
        assert text.index("\nprovider:\n") < text.index("\ntopics:\n") < text.index("\nrelated:\n")
        assert data_of(record) == {**old, "topics": ["Robotics"]}
        assert list(data_of(record)) == [key for key in SEED_KEY_ORDER if key in data_of(record)]


@pytest.mark.parametrize("name", RECORD_NAMES)
def test_published_true_changes_one_line_or_nothing_when_already_approved(seed_copy, capsys, name):
    record = seed_copy / name
    before, stat = record.read_bytes(), record.stat()
    was_published = data_of_bytes(before)["published"]
    code, out, err = run(capsys, "set", str(record), "--published", "true")
    assert (code, err) == (0, "")
    if was_published:
        assert "unchanged" in out
        assert untouched(record, before, stat)
    else:
        assert line_changes(before, record.read_bytes()) == (["published: false\n"], ["published: true\n"])


@pytest.mark.parametrize("name", RECORD_NAMES)
def test_setting_values_to_what_they_are_leaves_the_file_alone(seed_copy, capsys, name):
    record = seed_copy / name
    before, stat = record.read_bytes(), record.stat()
    data = data_of_bytes(before)
    argv = ["set", str(record), "--quality", str(data["quality"]), "--heat", str(data["heat"])]
    argv += ["--published", "true" if data["published"] else "false"]
    for topic in data.get("topics", []):
        argv += ["--add-topic", topic.lower()]  # the same topic in other letter case is already there
    code, out, err = run(capsys, *argv)
    assert (code, err) == (0, "")
    assert "unchanged" in out
    assert untouched(record, before, stat)


# --------------------------------------------------------------------------- set: topics and refusals


def test_topics_replace_then_add_and_remove_in_command_line_order(seed_file, capsys):
    code, _, err = run(
        capsys,
        "set",
        str(seed_file),
        "--topics",
        "AI, Computer Vision , ,Privacy, ai",
        "--remove-topic",
        "privacy",
        "--add-topic",
        "Robotics",
        "--add-topic",
        "Privacy",
    )
    assert (code, err) == (0, "")
    assert data_of(seed_file)["topics"] == ["AI", "Computer Vision", "Robotics", "Privacy"]


def test_removing_a_topic_that_is_not_there_is_a_noted_no_op(seed_file, capsys):
    before, stat = seed_file.read_bytes(), seed_file.stat()
    code, out, err = run(capsys, "set", str(seed_file), "--remove-topic", "Robotics")
    assert code == 0
    assert f"{seed_file}: note: topic 'Robotics' is not there" in err
    assert "unchanged" in out
    assert untouched(seed_file, before, stat)


def test_remove_topic_removes_its_line(seed_file, capsys):
    before = seed_file.read_bytes()
    assert run(capsys, "set", str(seed_file), "--remove-topic", "aws ai")[0] == 0
    assert line_changes(before, seed_file.read_bytes()) == (["  - AWS AI\n"], [])


def test_an_invalid_value_is_refused_and_the_file_untouched(seed_file, capsys):
    before, stat = seed_file.read_bytes(), seed_file.stat()
    code, out, err = run(capsys, "set", str(seed_file), "--quality", "140", "--heat", "5")
    assert code == 1
    assert err.startswith(f"{seed_file}: not changed: ")
    assert "quality" in err and "140" in err
    assert out == ""
    assert untouched(seed_file, before, stat)


def test_approval_is_refused_while_the_record_has_a_problem(seed_file, capsys):
    seed_file.write_bytes(seed_file.read_bytes().replace(b"quality: 40\n", b"quality: 400\n"))
    before, stat = seed_file.read_bytes(), seed_file.stat()
    code, _, err = run(capsys, "set", str(seed_file), "--published", "true")
    assert code == 1 and str(seed_file) in err
    assert untouched(seed_file, before, stat)
    # The record can still be fixed from the command line, and then approved.
    assert run(capsys, "set", str(seed_file), "--quality", "40")[0] == 0
    assert run(capsys, "set", str(seed_file), "--published", "true")[0] == 0
    assert data_of(seed_file)["published"] is True


def test_several_files_each_all_or_nothing_and_the_summary_names_the_failures(seed_copy, capsys):
    good_one, broken, good_two = (seed_copy / name for name in RECORD_NAMES[1:4])
    break_line(broken, EXCERPT_LINE - 1, 'excerpt: "no closing quote')
    broken_before, broken_stat = broken.read_bytes(), broken.stat()
    code, out, err = run(
        capsys, "set", str(good_one), str(broken), str(good_two), "--heat", "12", "--add-topic", "Robotics"
    )
    assert code == 1
    assert data_of(good_one)["heat"] == 12 and "Robotics" in data_of(good_one)["topics"]
    assert data_of(good_two)["heat"] == 12 and "Robotics" in data_of(good_two)["topics"]
    assert untouched(broken, broken_before, broken_stat)
    assert f"{broken}: not changed: " in err
    assert err.rstrip().splitlines()[-1] == f"3 files: 2 changed, 0 unchanged, 1 failed: {broken}"
    assert f"{good_one}: " in out and f"{good_two}: " in out and str(broken) not in out


def test_a_file_changed_on_disk_after_reading_is_not_overwritten_unless_forced(seed_file, capsys, monkeypatch):
    import desktop.records.session as session_module  # `set` reads through the edit session

    read_document = session_module.read_document
    # Someone saves after every read: `set` tries again on the new version, and gives up at the third.
    other_saves = (f"heat: {heat}\n".encode() for heat in range(33, 100))

    def read_then_someone_else_saves(path):
        document = read_document(path)
        Path(path).write_bytes(re.sub(rb"(?m)^heat: .*\n", next(other_saves), Path(path).read_bytes()))
        return document

    monkeypatch.setattr(session_module, "read_document", read_then_someone_else_saves)
    code, _, err = run(capsys, "set", str(seed_file), "--quality", "77")
    assert (
        code == 1 and f"{seed_file}: not changed: " in err and err.count("applying the change to the new version") == 2
    )
    assert (data_of(seed_file)["quality"], data_of(seed_file)["heat"]) == (40, 35)

    # Forced, the edit is made on the file as read (heat 35) and the other save (heat 36) is lost.
    code, _, err = run(capsys, "set", str(seed_file), "--quality", "77", "--force")
    assert (code, err) == (0, "")
    assert (data_of(seed_file)["quality"], data_of(seed_file)["heat"]) == (77, 35)


def test_a_missing_file_fails_alone(seed_copy, capsys):
    record = seed_copy / SEED_NAME
    code, _, err = run(capsys, "set", str(record), str(seed_copy / "gone.txt"), "--quality", "41")
    assert code == 1
    assert f"{seed_copy / 'gone.txt'}: not changed: " in err
    assert data_of(record)["quality"] == 41


# --------------------------------------------------------------------------- validate


# The seeds hold two records of one TechCrunch story (same webUrl), near-identical titles, and
# every seed lists the TechCrunch story twice among its related: warnings, not problems.
SEED_SUMMARY = "27 records checked, 0 with problems, 27 with warnings"


def errors_in(out: str) -> list[str]:
    return [line for line in out.splitlines() if ": warning: " not in line]


def test_validate_the_seeds_folder(capsys):
    code, out, err = run(capsys, "validate", str(REPO / "seeds"))
    assert (code, err) == (0, "")
    assert errors_in(out) == [SEED_SUMMARY]
    seeds = REPO / "seeds"
    assert f"{seeds / '001_da345ca898c449a9.txt'}:6:9: warning: same story as “Amazon won’t say if" in out
    assert (
        f"{seeds / SEED_NAME}:49:13: warning: related story listed twice: "
        "https://techcrunch.com/2020/06/10/amazon-rekognition-moratorium/ (also on line 33)"
    ) in out.splitlines()


def test_strict_makes_warnings_fail(capsys):
    code, out, _ = run(capsys, "validate", "--strict", str(REPO / "seeds"))
    assert code == 1 and out.splitlines()[-1] == SEED_SUMMARY


def test_a_runaway_string_is_reported_where_it_starts(seed_copy, capsys):
    record = seed_copy / SEED_NAME
    lines = record.read_text(encoding="utf-8").split("\n")
    assert lines[EXCERPT_LINE - 1].startswith('excerpt: "') and lines[EXCERPT_LINE - 1].endswith('"')
    break_line(record, EXCERPT_LINE - 1, lines[EXCERPT_LINE - 1][:-1])
    code, out, _ = run(capsys, "validate", str(seed_copy))
    assert code == 1
    problems = [line for line in errors_in(out) if line.startswith(str(record))]
    assert len(problems) == 1
    assert problems[0].startswith(f"{record}:{EXCERPT_LINE}:10: ")
    assert out.splitlines()[-1] == "27 records checked, 1 with problems, 26 with warnings"


@pytest.mark.parametrize(
    ("line_index", "new_line", "column"),
    [
        (6, "type: article: extra", 14),  # a second `: ` on one line
        (2, 'title: "no closing quote', 8),  # runaway string in the title
    ],
)
def test_a_yaml_error_is_reported_at_its_line_and_column(seed_file, capsys, line_index, new_line, column):
    break_line(seed_file, line_index, new_line)
    code, out, _ = run(capsys, "validate", str(seed_file))
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f"{seed_file}:{line_index + 1}:{column}: ")


def test_schema_problems_point_at_the_value_and_json_lines_parse(seed_copy, capsys):
    record = seed_copy / SEED_NAME
    record.write_bytes(record.read_bytes().replace(b"quality: 40\n", b"quality: 400\n"))
    code, out, err = run(capsys, "validate", "--json", str(seed_copy))
    assert code == 1
    found = [json.loads(line) for line in out.splitlines()]
    problems = [problem for problem in found if problem["level"] == "error"]
    assert len(problems) == 1
    assert problems[0] == {
        "file": str(record),
        "line": 8,
        "column": 10,
        "path": "$.quality",
        "code": "schema",
        "level": "error",
        "message": problems[0]["message"],
    }
    assert "100" in problems[0]["message"]
    assert {problem["code"] for problem in found if problem["level"] == "warning"} == {"duplicate"}
    assert "27 records checked, 1 with problems" in err  # stdout stays pure JSON lines

    code, out, _ = run(capsys, "validate", str(record))
    assert out.splitlines()[0] == f"{record}:8:10: {problems[0]['message']}"


def test_validate_files_and_folders_together(seed_copy, capsys):
    nested = seed_copy / "inbox" / "2020"
    nested.mkdir(parents=True)
    (nested / "note.md").write_text(
        '---\ntitle: "A note"\nwebUrl: "https://example.com/"\n---\nbody\n', encoding="utf-8"
    )
    (nested / "ignored.json").write_text("{}", encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(seed_copy), str(seed_copy / SEED_NAME))
    assert (code, errors_in(out)) == (0, ["28 records checked, 0 with problems, 27 with warnings"])


def test_a_file_without_front_matter_is_a_problem(tmp_path, capsys):
    plain = tmp_path / "plain.md"
    plain.write_text("# Just markdown\n", encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(tmp_path))
    assert code == 1
    assert out.startswith(f"{plain}")
    assert out.splitlines()[-1] == "1 record checked, 1 with problems"


@pytest.mark.parametrize(
    "argv",
    [
        ["validate"],
        ["validate", "no/such/folder"],
        ["validate", "--bogus", "seeds"],
        ["list"],
        ["set", "seeds/" + SEED_NAME],
        ["set", "seeds/" + SEED_NAME, "--published", "maybe"],
        ["set", "seeds/" + SEED_NAME, "--quality", "high"],
        ["no/such/folder"],
    ],
)
def test_usage_errors_exit_2_and_touch_nothing(capsys, monkeypatch, argv):
    monkeypatch.chdir(REPO)
    before = (REPO / "seeds" / SEED_NAME).read_bytes()
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert err.strip() and out == ""
    assert (REPO / "seeds" / SEED_NAME).read_bytes() == before


def test_help_exits_0(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "validate" in out and "./validate" in out
    code, out, _ = run(capsys, "set", "--help")
    assert code == 0 and "--add-topic" in out


# --------------------------------------------------------------------------- list


def test_list_json_has_one_object_per_record(capsys):
    code, out, _ = run(capsys, "list", "--json", str(REPO / "seeds"))
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 27
    keys = ["path", "title", "provider", "publishedDateTime", "quality", "heat", "published", "topics", "problems"]
    assert all(list(row) == keys for row in rows)
    seed = rows[0]
    assert seed["path"] == str(REPO / "seeds" / SEED_NAME)
    assert (seed["provider"], seed["quality"], seed["heat"], seed["published"]) == ("TheStreet.com", 40, -1, False)
    assert seed["publishedDateTime"] == "2020-06-11T16:07:00Z"
    assert seed["topics"] == ["Natural Language Processing", "AI", "AWS AI", "Computer Vision"]
    assert {row["problems"] for row in rows} == {0}


def test_list_table_fits_the_terminal_and_keeps_file_names_whole(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "110")
    code, out, _ = run(capsys, "list", str(REPO / "seeds"))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["PATH", "TITLE", "PROVIDER"]
    assert len(lines) == 1 + 27 + 1
    assert all(len(line) <= 110 for line in lines[:-1])
    assert [line.split()[0] for line in lines[1:-1]] == RECORD_NAMES
    assert "…" in lines[1]  # the seed's long title is cut to fit
    published_column = lines[0].index("PUB ")
    assert {line[published_column : published_column + 3].strip() for line in lines[1:-1]} == {"yes", "no"}
    assert lines[-1].startswith("27 records, ")


def test_list_shows_record_text_without_terminal_escapes(tmp_path, capsys):
    (tmp_path / "evil.md").write_text(
        '---\ntitle: "Clear \\e[2J screen\\nand a new line"\nwebUrl: "https://example.com/"\n---\n', encoding="utf-8"
    )
    code, out, _ = run(capsys, "list", str(tmp_path))
    assert code == 0
    assert "\x1b" not in out
    assert "\\x1b[2J" in out and "\\n" in out
    assert len(out.splitlines()) == 3


# --------------------------------------------------------------------------- launch


def test_launch_without_a_window_says_so(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "desktop.app", None)  # as if desktop/app.py did not exist
    code, out, err = run(capsys, str(REPO / "seeds"))
    assert code == 3
    assert "the desktop window is not available yet" in err


def test_launch_hands_the_folder_to_the_app(capsys, monkeypatch, tmp_path):
    opened = []
    fake_app = types.ModuleType("desktop.app")
    fake_app.run_app = lambda folder: opened.append(folder) or 0
    monkeypatch.setitem(sys.modules, "desktop.app", fake_app)
    assert run(capsys, str(tmp_path))[0] == 0
    assert run(capsys)[0] == 0
    assert opened == [tmp_path, None]


# --------------------------------------------------------------------------- entry point


def test_python_dash_m_desktop_is_the_command():
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "validate", "seeds"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (result.returncode, errors_in(result.stdout), result.stderr) == (0, [SEED_SUMMARY], "")


# --- the index behind list and validate ------------------------------------------------------


def _run(capsys, argv):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("command", [["list"], ["list", "--json"], ["validate"], ["validate", "--json"]])
def test_output_is_byte_identical_with_and_without_the_index(seed_copy, capsys, command):
    (seed_copy / "broken.md").write_bytes(b"---\ntitle: x\nquality: 140\n---\n")
    (seed_copy / "bad.md").write_bytes(b"---\ntitle: [x\n---\n")
    cold = _run(capsys, [*command, str(seed_copy)])  # builds the index
    warm = _run(capsys, [*command, str(seed_copy)])  # reads it
    rebuilt = _run(capsys, [*command, str(seed_copy), "--no-index", "--jobs", "1"])
    assert cold == warm == rebuilt
    assert "broken.md" in cold[1] and "bad.md" in cold[1]


def test_a_file_changed_after_the_index_was_built_shows_its_new_state(seed_copy, capsys):
    target = seed_copy / SEED_NAME
    _run(capsys, ["validate", str(seed_copy)])
    target.write_bytes(target.read_bytes().replace(b"quality: 40", b"quality: 400", 1))
    code, out, _ = _run(capsys, ["validate", str(seed_copy)])
    assert code == 1 and f"{target}:" in out and "quality must be a whole number from 0 to 100" in out


def test_jobs_must_be_a_positive_number(seed_copy, capsys):
    code, _, err = _run(capsys, ["list", str(seed_copy), "--jobs", "0"])
    assert code == 2 and "--jobs" in err


def test_no_progress_line_when_output_is_piped(seed_copy):
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "list", str(seed_copy)], capture_output=True, cwd=REPO, timeout=120
    )
    assert result.returncode == 0
    assert b"Reading records" not in result.stderr and b"\r" not in result.stdout + result.stderr


def test_the_same_story_twice_is_a_warning_on_the_web_address_line(seed_copy, capsys):
    record = seed_copy / SEED_NAME
    copy = seed_copy / "copy_from_another_feed.txt"
    web_url = "https://www.thestreet.com/streetlightning/news/jim-cramer-amazon-facial-recognition-rekognition"
    text = (
        record.read_text(encoding="utf-8")
        .replace(
            web_url,
            "http://thestreet.com/streetlightning/news/jim-cramer-amazon-facial-recognition-rekognition/"
            "?utm_source=feedly",
            1,
        )
        .replace('title: "Cramer:', 'title: "Jim Cramer on Amazon:', 1)
    )
    copy.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(seed_copy))
    assert code == 0
    assert f"{copy}:6:9: warning: same story as “Cramer: Amazon Facial Recognition" in out
    assert f"{record}:6:9: warning: same story as “Jim Cramer on Amazon:" in out
    assert run(capsys, "validate", "--strict", str(seed_copy))[0] == 1


def test_online_reports_dead_moved_and_wrong_sized_links_as_warnings(tmp_path, capsys, link_server):
    from records.test_linkcheck import record_with_links

    folder = tmp_path / "online"
    folder.mkdir()
    path = record_with_links(folder, link_server)
    twin = folder / "twin.txt"
    twin_text = path.read_text(encoding="utf-8").replace(
        link_server.url("/moved/1"), link_server.url("/moved/1") + "?utm_source=feed", 1
    )
    twin.write_text(twin_text.replace('title: "Cramer:', 'title: "Another headline:', 1), encoding="utf-8")

    code, out, _ = run(capsys, "validate", str(folder))
    assert code == 0 and sum(link_server.hits.values()) == 0  # offline: only the duplicates
    assert f"{path}:6:9: warning: same story as “Another headline:" in out and " link " not in out

    code, out, _ = run(capsys, "validate", "--online", "--max-age", "0", str(folder))
    assert code == 0
    lines = out.splitlines()
    assert (
        f"{path}:6:9: warning: link {link_server.url('/moved/1')} has moved to {link_server.url('/ok')} (2 redirects)"
        in lines
    )
    assert (
        f"{path}:23:10: warning: image {link_server.url('/image/512x288.png')} is 512 x 288,"
        " not 1024 x 576 as the record says" in lines
    )
    assert f"{path}:33:13: warning: link {link_server.url('/gone')} answers 404 Not Found" in lines
    assert lines[-1] == "2 records checked, 0 with problems, 2 with warnings"
    asked = sum(link_server.hits.values())
    assert run(capsys, "validate", "--online", "--strict", str(folder))[0] == 1
    assert sum(link_server.hits.values()) == asked, "within the cache age, nothing is asked again"


def test_online_answers_are_kept_in_the_folders_index(tmp_path, capsys, link_server):
    import sqlite3

    from records.test_linkcheck import record_with_links

    from desktop.records.index import index_path

    folder = tmp_path / "online"
    folder.mkdir()
    record_with_links(folder, link_server)
    assert run(capsys, "validate", "--online", str(folder))[0] == 0
    with sqlite3.connect(index_path(folder)) as database:
        urls = {url for (url,) in database.execute("SELECT url FROM links")}
        indexed = database.execute("SELECT count(*) FROM records").fetchone()[0]
    assert link_server.url("/gone") in urls and indexed == 1, "the answers sit beside the summaries"
    # The index rebuilt (--no-index) forgets them with the rest: the links are asked again.
    asked = sum(link_server.hits.values())
    assert run(capsys, "validate", "--online", "--no-index", str(folder))[0] == 0
    assert sum(link_server.hits.values()) == 2 * asked


def test_set_saves_through_the_edit_sessions_writer(seed_copy, capsys, monkeypatch):
    # The window's save path: a writer failing there fails `set` the same way, and nothing is written.
    from desktop.records import session as session_module
    from desktop.records.store import SaveError

    path = sorted(seed_copy.glob("*.txt"))[0]
    before = path.read_bytes()
    written = []

    def failing_writer(doc, *, force=False):
        written.append(Path(doc.path).name)
        raise SaveError(f"{Path(doc.path).name}: the disk is full")

    monkeypatch.setattr(session_module, "save_document", failing_writer)
    code, out, err = run(capsys, "set", str(path), "--quality", "12")
    assert code == 1
    assert written == [path.name]
    assert f"{path.name}: the disk is full" in err
    assert path.read_bytes() == before


@hypothesis.given(
    text=st.text(alphabet=st.sampled_from("ab Z~\x01é\u0301中文한ｶ…-"), max_size=40) | st.text(max_size=40),
    width=st.integers(min_value=0, max_value=45),
)
def test_list_columns_measure_wide_combining_and_ascii_titles_as_a_terminal_shows_them(text, width):
    # The ASCII shortcut of the column widths must give exactly what the per-character rule gives.
    from desktop.cli import _display_width, _truncate

    assert _display_width(text) == per_character_width(text)
    assert _truncate(text, width) == per_character_truncate(text, width)
