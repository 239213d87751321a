"""The acceptance test of the journal: a real window killed with SIGKILL loses no unsaved edit."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import changed_lines
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.ui.editing import dialogs as edit_dialogs

DRIVER = Path(__file__).with_name("journal_kill_driver.py")
STARTUP_TIMEOUT_S = 120
TIMEOUT_MS = 20_000
QUALITIES = ["11", "22", "33", "44", "55"]


def read_line(process: subprocess.Popen, timeout_s: float) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if ready:
            line = process.stdout.readline()
            if line.startswith("JOURNALED"):
                return line
            if not line and process.poll() is not None:
                break
    raise AssertionError(
        f"the window never reported its journal (exit {process.poll()}): "
        f"{process.stderr.read() if process.poll() is not None else ''}"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_window_killed_with_unsaved_edits_to_five_records_gets_all_five_back(
    open_desk, seed_copy, qtbot, tmp_path, private_data_folder, monkeypatch
):
    originals = {str(p): p.read_bytes() for p in seed_copy.iterdir()}
    home = tmp_path / "home"
    env = dict(
        os.environ,
        HOME=str(home),
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_DATA_HOME=str(private_data_folder),
    )
    process = subprocess.Popen(
        [sys.executable, str(DRIVER), str(seed_copy), *QUALITIES],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        edited = json.loads(read_line(process, STARTUP_TIMEOUT_S).split(" ", 1)[1])
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the window and its worker processes, with no warning
        process.wait()
        process.stdout.close()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    assert len(edited) == 5
    assert all(Path(p).read_bytes() == originals[p] for p in originals), "nothing was saved before the kill"

    monkeypatch.setattr(edit_dialogs, "ask_unsaved", lambda parent, count: "discard")
    window = open_desk(seed_copy)
    qtbot.waitUntil(lambda: window.deskJournal.dialog is not None, timeout=TIMEOUT_MS)
    dialog = window.deskJournal.dialog
    assert dialog.recordList.count() == 5
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=TIMEOUT_MS)
    qtbot.keyClick(dialog, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.deskJournal.dialog is None, timeout=TIMEOUT_MS)
    controller = window.editController
    assert controller.dirty_paths() == sorted(edited)

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=TIMEOUT_MS)
    window.recordTable.setFocus()
    with qtbot.waitSignal(controller.saveAllFinished, timeout=TIMEOUT_MS) as finished:
        qtbot.keyClick(
            window.recordTable, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        )
    assert finished.args == [{}]
    for path, quality in zip(edited, QUALITIES, strict=True):
        old = next(line for line in originals[path].decode().splitlines() if line.startswith("quality:"))
        assert changed_lines(originals[path], Path(path).read_bytes()) == [f"-{old}", f"+quality: {quality}"]
    untouched = set(originals) - set(edited)
    assert all(Path(p).read_bytes() == originals[p] for p in untouched)
    qtbot.waitUntil(lambda: not window.deskJournal.path.exists(), timeout=TIMEOUT_MS)
