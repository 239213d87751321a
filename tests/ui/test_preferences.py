"""Edit > Preferences, driven with keys: the decline reasons, the link checks and web images are
edited in one dialog, applied at once through the same actions as the menus, and remembered."""

from __future__ import annotations

import pytest
from link_server import link_server  # noqa: F401
from modal import when_shown
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from desktop.ui.preferences import Preferences, PreferencesDialog
from desktop.ui.settings import CHECK_LINKS, LINK_MAX_AGE_HOURS, MIN_IMAGE_SIZE, DeskSettings

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def preferences_opened(qtbot):
    """Ctrl+, from the record table opens the dialog; `act(dialog)` runs once it is up."""

    def open_with(desk, act) -> list[PreferencesDialog]:
        seen: list[PreferencesDialog] = []
        when_shown(PreferencesDialog, act, seen)
        desk.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is desk)
        desk.recordTable.setFocus()
        qtbot.keyClick(desk.recordTable, Qt.Key.Key_Comma, CTRL)
        qtbot.waitUntil(lambda: bool(seen) and not seen[0].isVisible(), timeout=5000)
        return seen

    return open_with


def test_decline_reasons_edited_in_preferences_name_the_number_keys_at_once(desk, qtbot, preferences_opened):
    def edit(dialog: PreferencesDialog) -> None:
        qtbot.waitUntil(dialog.reasonsEdit.hasFocus, timeout=3000)  # the dialog opens on the reasons
        assert dialog.reasonsEdit.toPlainText().splitlines()[0] == "Off topic"
        qtbot.keyClick(dialog.reasonsEdit, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(dialog.reasonsEdit, "Satire")
        qtbot.keyClick(dialog.reasonsEdit, Qt.Key.Key_Return)
        qtbot.keyClicks(dialog.reasonsEdit, "Wrong region")
        assert "Alt+1 to Alt+2 (1 to 2 in the table)" in dialog.reasonsHint.text()
        qtbot.keyClick(dialog.reasonsEdit, Qt.Key.Key_Tab)  # Tab leaves the list
        assert not dialog.reasonsEdit.hasFocus()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # OK

    preferences_opened(desk, edit)

    assert DeskSettings().decline_reasons() == ["Satire", "Wrong region"]
    assert desk.registry["actionDeclineReason1"].data() == "Satire"
    assert desk.registry["actionDeclineReason2"].data() == "Wrong region"
    assert not desk.registry["actionDeclineReason3"].isVisible(), "a number without a reason does nothing"
    assert desk.statusBar().currentMessage() == "Preferences saved."


def test_cancel_leaves_every_preference_as_it_was(desk, qtbot, preferences_opened):
    before = DeskSettings().decline_reasons()

    def edit_and_cancel(dialog: PreferencesDialog) -> None:
        qtbot.keyClicks(dialog.reasonsEdit, "Never kept")
        dialog.minSizeSpin.setValue(640)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    preferences_opened(desk, edit_and_cancel)
    assert DeskSettings().decline_reasons() == before
    assert DeskSettings().value(MIN_IMAGE_SIZE) == 200


def test_link_check_preferences_are_remembered_and_turn_the_menu_item_on(
    open_desk, qtbot, tmp_path, preferences_opened, link_server
):
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "story.md").write_text(
        f'---\ntitle: "A story"\nwebUrl: "{link_server.url("/ok")}"\n---\n', encoding="utf-8"
    )
    desk = open_desk(folder)

    def edit(dialog: PreferencesDialog) -> None:
        dialog.checkLinksBox.setFocus()
        qtbot.keyClick(dialog.checkLinksBox, Qt.Key.Key_Space)
        dialog.maxAgeSpin.setFocus()
        dialog.maxAgeSpin.selectAll()
        qtbot.keyClicks(dialog.maxAgeSpin, "6")
        dialog.minSizeSpin.setFocus()
        dialog.minSizeSpin.selectAll()
        qtbot.keyClicks(dialog.minSizeSpin, "320")
        qtbot.keyClick(dialog.minSizeSpin, Qt.Key.Key_Return)

    preferences_opened(desk, edit)

    stored = DeskSettings()
    assert (stored.value(CHECK_LINKS), stored.value(LINK_MAX_AGE_HOURS), stored.value(MIN_IMAGE_SIZE)) == (True, 6, 320)
    assert desk.registry["actionCheckLinks"].isChecked(), "the menu item says what the preference says"
    qtbot.waitUntil(lambda: link_server.hits["/ok"] == 1, timeout=10_000)  # and the check ran at once

    def reopened(dialog: PreferencesDialog) -> None:
        values = dialog.values()
        assert (values.check_links, values.link_max_age_hours, values.min_image_size) == (True, 6, 320)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    preferences_opened(desk, reopened)


def test_restore_defaults_brings_back_the_shipped_values(qtbot):
    dialog = PreferencesDialog(Preferences(("Only one",), True, 1, 50, False))
    qtbot.addWidget(dialog)
    buttons = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults), Qt.MouseButton.LeftButton)
    assert dialog.values() == Preferences.defaults()
    assert dialog.values().decline_reasons[0] == "Off topic" and not dialog.values().check_links
