"""Git in the window: each record's state in the Git column, git's counts in the status line, and
Publish, which makes one commit of the approved records and says why when git refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from git_fixtures import git, isolated_git, pytestmark_git, record_remote, two_editors  # noqa: F401
from modal import when_shown
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.ui.editing import dialogs as edit_dialogs
from desktop.ui.table.model import Column, Queue

pytestmark = [pytest.mark.gui, pytestmark_git]

CTRL = Qt.KeyboardModifier.ControlModifier
GIT_TIMEOUT_MS = 20_000


@pytest.fixture(autouse=True)
def discard_at_teardown(monkeypatch):
    monkeypatch.setattr(edit_dialogs, "ask_unsaved", lambda parent, count: "discard")


def git_cell(window, path: Path) -> str:
    row = window.model.row_for_path(str(path))
    return window.model.index(row, Column.GIT).data() or ""


def approve_five(qtbot, window) -> list[Path]:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.recordTable.setFocus()
    qtbot.keyClick(window.recordTable, Qt.Key.Key_2, CTRL)  # To review
    approved = []
    for _ in range(5):
        approved.append(Path(window.current_path()))
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, CTRL)  # Approve & Next: saves
    return approved


def test_the_git_column_shows_saved_approvals_and_publish_commits_exactly_them(open_desk, qtbot, record_remote):
    _, ana = record_remote
    window = open_desk(ana / "records")
    qtbot.waitUntil(lambda: window.gitDesk.in_repository, timeout=GIT_TIMEOUT_MS)
    assert "git: all committed" in window.statusLabel.text()
    assert window.recordTable.isColumnHidden(Column.GIT), "a column of blanks while everything is committed"
    head = git(ana, "rev-parse", "HEAD").stdout

    approved = approve_five(qtbot, window)
    qtbot.waitUntil(lambda: all(git_cell(window, p) == "modified" for p in approved), timeout=GIT_TIMEOUT_MS)
    assert "git: 5 modified" in window.statusLabel.text()
    assert not window.recordTable.isColumnHidden(Column.GIT)
    others = [s.path for s in window.model.summaries() if Path(s.path) not in approved]
    assert all(git_cell(window, Path(p)) == "" for p in others)

    window.registry["actionPublish"].trigger()
    qtbot.waitUntil(lambda: "git: all committed" in window.statusLabel.text(), timeout=GIT_TIMEOUT_MS)
    assert git(ana, "rev-parse", "HEAD~1").stdout == head
    files = git(ana, "show", "--name-only", "--format=", "HEAD").stdout.split()
    assert sorted(files) == sorted(f"records/{p.name}" for p in approved)
    message = git(ana, "log", "-1", "--format=%B").stdout
    assert message.startswith("Approve 5 records\n")
    assert message.count("Approved-by: Ana <ana@example.com>") == 5
    assert "Published" in window.statusBar().currentMessage()
    assert all(git_cell(window, p) == "" for p in approved)

    # History: the commit shows as the approval, by whom and when.
    window.set_queue(Queue.ALL)
    assert window.select_path(str(approved[0]))
    tabs = window.reviewPane.tabs
    tabs.setCurrentWidget(window.historyView)
    qtbot.waitUntil(
        lambda: window.historyView.count() == 2 and window.historyView.item(0).text().startswith("approved, Ana, "),
        timeout=GIT_TIMEOUT_MS,
    )
    assert window.historyView.item(1).text().startswith("added, Ana, ")


def test_publish_without_a_git_identity_says_why_and_commits_nothing(open_desk, qtbot, record_remote):
    _, ana = record_remote
    git(ana, "config", "--unset", "user.name")
    window = open_desk(ana / "records")
    qtbot.waitUntil(lambda: window.gitDesk.in_repository, timeout=GIT_TIMEOUT_MS)
    approve_five(qtbot, window)
    head = git(ana, "rev-parse", "HEAD").stdout

    window.registry["actionPublish"].trigger()
    qtbot.waitUntil(lambda: "Not published" in window.statusBar().currentMessage(), timeout=GIT_TIMEOUT_MS)
    assert "no identity" in window.statusBar().currentMessage()
    assert git(ana, "rev-parse", "HEAD").stdout == head
    assert window.registry["actionPublish"].isEnabled()


def test_outside_a_repository_git_is_absent(desk, qtbot):
    window = desk
    window.gitDesk.refresh_states()
    qtbot.waitUntil(lambda: not window.gitDesk._states_running, timeout=GIT_TIMEOUT_MS)
    assert window.recordTable.isColumnHidden(Column.GIT)
    assert not window.registry["actionPublish"].isEnabled()
    assert "git:" not in window.statusLabel.text()
    assert window.reviewPane.tabs.indexOf(window.historyView) < 0


def test_history_reduces_each_commit_to_its_field_changes(open_desk, qtbot, record_remote):
    _, ana = record_remote
    record = sorted((ana / "records").glob("*.txt"))[0]
    record.write_bytes(record.read_bytes().replace(b"quality: 40", b"quality: 77"))
    git(ana, "-c", "user.name=Ben", "commit", "-qam", "Better")
    window = open_desk(ana / "records")
    qtbot.waitUntil(lambda: window.gitDesk.in_repository, timeout=GIT_TIMEOUT_MS)
    assert window.select_path(str(record))
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.recordTable, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)  # the History tab
    assert window.reviewPane.tabs.currentWidget() is window.historyView
    qtbot.waitUntil(lambda: window.historyView.count() == 2, timeout=GIT_TIMEOUT_MS)
    assert window.historyView.item(0).text().startswith("quality 40 -> 77, Ben, ")


def commit_edit(clone: Path, record: str, old: bytes, new: bytes, message: str, push: bool = False) -> None:
    path = clone / "records" / record
    path.write_bytes(path.read_bytes().replace(old, new, 1))
    git(clone, "commit", "-qam", message)
    if push:
        git(clone, "push", "-q")


RECORD = "000_fbf05e2be9931d54.txt"


def test_sync_merges_another_editors_other_field_and_the_row_shows_both(open_desk, qtbot, two_editors):
    ana, ben = two_editors
    commit_edit(ben, RECORD, b"heat: -1", b"heat: 50", "Heat", push=True)
    commit_edit(ana, RECORD, b"quality: 40", b"quality: 77", "Quality")
    window = open_desk(ana / "records")
    qtbot.waitUntil(lambda: window.gitDesk.in_repository, timeout=GIT_TIMEOUT_MS)
    path = ana / "records" / RECORD

    window.registry["actionSync"].trigger()
    qtbot.waitUntil(lambda: "Pulled" in window.statusBar().currentMessage(), timeout=GIT_TIMEOUT_MS)
    assert "to resolve" not in window.statusBar().currentMessage()
    row = lambda: window.model.summary_at(window.model.row_for_path(str(path)))  # noqa: E731
    qtbot.waitUntil(lambda: (row().quality, row().heat) == (77, 50), timeout=GIT_TIMEOUT_MS)
    assert git(ana, "status", "--porcelain").stdout == ""


def test_a_same_field_conflict_is_resolved_per_field_in_the_window(open_desk, qtbot, two_editors):
    from PySide6.QtWidgets import QRadioButton

    from desktop.ui.editing.dialogs import FieldChoiceDialog

    ana, ben = two_editors
    commit_edit(ben, RECORD, b"quality: 40", b"quality: 11", "Ben's quality", push=True)
    commit_edit(ana, RECORD, b"quality: 40", b"quality: 22", "Ana's quality")
    window = open_desk(ana / "records")
    qtbot.waitUntil(lambda: window.gitDesk.in_repository, timeout=GIT_TIMEOUT_MS)
    path = ana / "records" / RECORD

    window.registry["actionSync"].trigger()
    qtbot.waitUntil(lambda: "to resolve" in window.statusBar().currentMessage(), timeout=GIT_TIMEOUT_MS)
    assert RECORD in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.model.git_state(str(path)) == "conflicted", timeout=GIT_TIMEOUT_MS)
    assert window.select_path(str(path))
    qtbot.waitUntil(lambda: window.registry["actionResolveConflict"].isEnabled(), timeout=GIT_TIMEOUT_MS)

    seen = []

    def choose_theirs(dialog: FieldChoiceDialog) -> None:
        dialog.findChild(QRadioButton, "takeTheirs_quality").click()
        qtbot.keyClick(dialog.mergeButton, Qt.Key.Key_Space)

    when_shown(FieldChoiceDialog, choose_theirs, seen)
    window.registry["actionResolveConflict"].trigger()
    qtbot.waitUntil(lambda: "Resolved" in window.statusBar().currentMessage(), timeout=GIT_TIMEOUT_MS)
    assert len(seen) == 1
    assert b"quality: 11\n" in path.read_bytes() and b"<<<<<<<" not in path.read_bytes()
    assert git(ana, "status", "--porcelain", "--", f"records/{RECORD}").stdout.startswith("M ")


def test_a_resolution_asked_for_is_written_even_when_another_folder_opens_first(qtbot, record_remote, tmp_path):
    """Opening another folder drops what git would report, never a write the editor asked for."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from desktop.ui.git.desk import GitDesk

    _bare, clone = record_remote
    folder = clone / "records"
    record = sorted(folder.glob("*.txt"))[0]
    resolved = record.read_bytes().replace(b"quality: ", b"quality: 7", 1)
    pool, gate = ThreadPoolExecutor(max_workers=1), threading.Event()
    pool.submit(gate.wait, 10)  # the git thread is busy: the resolution waits in the queue
    desk = GitDesk(make_pool=lambda: pool)
    desk.set_folder(folder)
    heard: list[str] = []
    desk.resolved.connect(heard.append)
    desk.mark_resolved(str(record), resolved)
    desk.set_folder(tmp_path)  # another folder, before the resolution ran
    gate.set()

    def staged() -> bool:  # written first, then `git add`: both are waited for
        return git(clone, "diff", "--cached", "--name-only").stdout.strip() == f"records/{record.name}"

    qtbot.waitUntil(lambda: record.read_bytes() == resolved and staged(), timeout=GIT_TIMEOUT_MS)
    qtbot.wait(100)
    assert heard == []  # reported to nobody: that folder is gone from the desk
    desk.shutdown()
