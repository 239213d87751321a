"""Hostile files, faults and races: a clear message, the original bytes intact, and no hang."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.records import reading
from desktop.records.model import IO
from desktop.records.reading import read_document

REPO = Path(__file__).resolve().parents[2]


def newsdesk(*argv: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """A real `newsdesk` process; the timeout turns a hang into a failure instead of a stuck suite."""
    return subprocess.run([sys.executable, "-m", "desktop", *argv], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO, stdin=subprocess.DEVNULL)


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
