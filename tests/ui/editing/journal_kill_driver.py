"""A newsdesk window that makes unsaved edits through its real widgets, then waits to be killed.

Run by tests/ui/editing/test_journal_kill.py as `python journal_kill_driver.py FOLDER QUALITY...`: the
window opens FOLDER as `newsdesk FOLDER` does, types each quality into the form's field for one
record after another (real key presses), and once the journal holds them all prints
`JOURNALED` and a JSON list of the edited paths, then keeps running until the test kills it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop.app import build_window, use_readable_locale
from desktop.records.journal import Journal
from desktop.ui.settings import APPLICATION, LOAD_WEB_IMAGES, ORGANIZATION, DeskSettings

ALT, CTRL = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ControlModifier


def main() -> int:
    folder, qualities = Path(sys.argv[1]), sys.argv[2:]
    app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    use_readable_locale()
    settings = DeskSettings()
    settings.set_value(LOAD_WEB_IMAGES, False)  # the records' images are on the internet
    settings.sync()
    window = build_window(folder)
    window.show()
    edited: list[str] = []
    reported = False

    def tick() -> None:
        nonlocal reported
        if window.loading or window.current_document() is None:
            return
        if len(edited) < len(qualities):
            if window.current_path() in edited:
                return  # the step to the next record is still on its way
            edited.append(window.current_path())
            window.activateWindow()
            window.recordTable.setFocus()
            QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Q, ALT)
            field = QApplication.focusWidget()
            assert field is window.recordForm.qualityInput, field
            QTest.keyClick(field, Qt.Key.Key_A, CTRL)
            QTest.keyClicks(field, qualities[len(edited) - 1])
            QTest.keyClick(field, Qt.Key.Key_Tab)
            window.recordTable.setFocus()
            QTest.keyClick(window.recordTable, Qt.Key.Key_J)  # the next record
            return
        path = window.deskJournal.path
        if not reported and path is not None and set(Journal(path).entries()) == set(edited):
            reported = True
            print("JOURNALED", json.dumps(edited), flush=True)

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(50)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
