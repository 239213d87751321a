"""Answering the window's modal dialogs from a test: each runs its own event loop, so the answer
is given from a timer once the dialog is up."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox


def when_shown(kind: type, act: Callable, seen: list | None = None) -> None:
    """Run `act(dialog)` once a modal dialog of `kind` is up, noting it in `seen`."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind) or not dialog.isVisible():
            QTimer.singleShot(20, poll)
            return
        if seen is not None:
            seen.append(dialog)
        try:
            act(dialog)
        except BaseException:
            dialog.reject()  # a failed answer must fail the test, not leave it waiting on the dialog
            raise

    QTimer.singleShot(0, poll)


def click_when_shown(button_text: str, seen: list | None = None) -> None:
    """Click the button of that text (its & mnemonic ignored) in the next message box."""

    def click(box: QMessageBox) -> None:
        for button in box.buttons():
            if button.text().replace("&", "") == button_text:
                button.click()
                return
        raise AssertionError(f"no button {button_text!r} in {[b.text() for b in box.buttons()]}")

    when_shown(QMessageBox, click, seen)
