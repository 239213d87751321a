"""A folder of hostile files opens in the window: each one a row with its problem, nothing hangs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import SEED_RECORD
from tests.records.test_hostile import alias_bomb

pytestmark = pytest.mark.gui


def hostile_folder(folder: Path) -> dict[str, str]:
    """Hostile files beside one good record; {file name: words of the problem the desk must show}."""
    folder.mkdir()
    seed = SEED_RECORD.read_text(encoding="utf-8")
    shutil.copyfile(SEED_RECORD, folder / "good.txt")
    (folder / "bomb.md").write_text(alias_bomb(9), encoding="utf-8")
    (folder / "utf16.md").write_bytes(seed.encode("utf-16-le"))
    (folder / "mac.md").write_bytes(seed.replace("\n", "\r").encode())
    (folder / "deep.md").write_text("---\ntitle: x\ndeep: " + "[" * 500 + "]" * 500 + "\n---\n", encoding="utf-8")
    (folder / "separator.md").write_text(
        seed.replace("category: news", 'category: "a\u2028b"').replace("quality: 40", "quality: 400"), encoding="utf-8"
    )
    (folder / ".good.txt.abcd1234.tmp").write_text(seed, encoding="utf-8")  # a killed save's leftover
    expected = {
        "bomb.md": "line 8:7: the front matter expands YAML aliases",
        "utf16.md": "UTF-16 text without a byte-order mark",
        "mac.md": "line 1:4: the file has CR-only line endings",
        "deep.md": "line 3:406: the front matter nests values more than 100 levels deep",
        "separator.md": "line 8:10: quality must be a whole number",
    }
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "fifo.md")  # never listed: only regular files are records
    return expected


def test_a_folder_of_hostile_files_opens_with_each_problem_shown(open_desk, qtbot, tmp_path):
    expected = hostile_folder(tmp_path / "hostile")
    window = open_desk(tmp_path / "hostile")
    listed = sorted(Path(window.model.summary_at(row).path).name for row in range(window.model.rowCount()))
    assert listed == sorted([*expected, "good.txt"])
    for name, words in expected.items():
        assert window.select_path(str(tmp_path / "hostile" / name))
        qtbot.waitUntil(
            lambda name=name: (
                window.current_document() is not None and window.current_path() == str(tmp_path / "hostile" / name)
            ),
            timeout=10_000,
        )
        shown = [window.reviewPane.problemsView.item(i).text() for i in range(window.reviewPane.problemsView.count())]
        assert any(words in line for line in shown), (name, shown)


def test_decisions_are_disabled_for_a_file_that_cannot_be_edited_and_say_why(open_desk, qtbot, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextDocumentFragment
    from PySide6.QtWidgets import QApplication

    hostile_folder(tmp_path / "hostile")
    window = open_desk(tmp_path / "hostile")
    decisions = [window.registry[name] for name in ("actionApproveNext", "actionDecline", "actionFlag")]

    assert window.select_path(str(tmp_path / "hostile" / "bomb.md"))
    qtbot.waitUntil(
        lambda: (
            window.current_document() is not None and window.current_path() == str(tmp_path / "hostile" / "bomb.md")
        ),
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: not any(action.isEnabled() for action in decisions), timeout=5000)
    tips = [QTextDocumentFragment.fromHtml(action.toolTip()).toPlainText() for action in decisions]
    assert all("bomb.md can't be edited: The front matter expands YAML aliases" in tip for tip in tips), tips
    assert window.registry["actionSkip"].isEnabled(), "the editor can still move on"
    before = (tmp_path / "hostile" / "bomb.md").read_bytes()
    window.recordTable.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Approve & Next
    assert (tmp_path / "hostile" / "bomb.md").read_bytes() == before
    assert window.current_path() == str(tmp_path / "hostile" / "bomb.md"), "a disabled Approve & Next does not move on"

    assert window.select_path(str(tmp_path / "hostile" / "good.txt"))
    qtbot.waitUntil(
        lambda: (
            window.current_path() == str(tmp_path / "hostile" / "good.txt")
            and all(action.isEnabled() for action in decisions)
        ),
        timeout=10_000,
    )
    assert not any("can't be edited" in QTextDocumentFragment.fromHtml(a.toolTip()).toPlainText() for a in decisions)


def test_when_no_reading_process_can_start_every_file_is_still_listed_with_the_reason(qtbot, tmp_path, seed_file):
    from concurrent.futures import Executor

    from desktop.ui.folder.loader import FolderLoader

    class NoProcesses(Executor):
        def submit(self, fn, /, *args, **kwargs):
            raise OSError(11, "Resource temporarily unavailable")

    folder = tmp_path / "feed"
    folder.mkdir()
    for number in range(12):  # two chunks
        (folder / f"{number:02}.md").write_bytes(seed_file.read_bytes())
    loader = FolderLoader(cache_dir=tmp_path / "cache", make_pool=NoProcesses)
    rows: list = []
    loader.summariesLoaded.connect(lambda _generation, summaries: rows.extend(summaries))
    with qtbot.waitSignal(loader.loadFinished, timeout=10_000) as finished:
        loader.load(folder)
    assert finished.args[1] == 12 and len(rows) == 12
    assert all(
        not row.editable
        and row.problems[0].message.startswith("Could not be read: the reading process failed (")
        and "Resource temporarily unavailable" in row.problems[0].message
        for row in rows
    )
    assert not loader.busy
    loader.shutdown()
