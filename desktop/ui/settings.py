"""The desk's memory between launches: one QSettings file, every key and its default listed here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from desktop.records import DEFAULT_LINK_MAX_AGE, DEFAULT_MIN_IMAGE_SIZE

ORGANIZATION = "Newsdesk"
APPLICATION = "Newsdesk"
MAX_RECENT_FOLDERS = 8

GEOMETRY = "window/geometry"
WINDOW_STATE = "window/state"
SPLITTER = "window/splitter"
HEADER = "table/header"
COLUMN_WIDTHS = "table/columnWidths"  # {column number: pixels} of the columns the editor resized
QUEUE = "table/queue"
LAST_FOLDER = "folders/last"
RECENT_FOLDERS = "folders/recent"
LOAD_WEB_IMAGES = "view/loadWebImages"
CHECK_LINKS = "view/checkLinks"
DECLINE_REASONS = "review/declineReasons"
LINK_MAX_AGE_HOURS = "checks/linkMaxAgeHours"
MIN_IMAGE_SIZE = "checks/minImageSize"
MAX_DECLINE_REASONS = 9  # one per number key

# Every key the desk stores and what it means when absent. Byte blobs are Qt's own saveState() output.
DEFAULTS: dict[str, Any] = {
    GEOMETRY: QByteArray(),
    WINDOW_STATE: QByteArray(),
    SPLITTER: QByteArray(),
    HEADER: QByteArray(),
    COLUMN_WIDTHS: "{}",
    QUEUE: "all",
    LAST_FOLDER: "",
    RECENT_FOLDERS: "[]",
    # Off, nothing is requested from the internet: like a mail client's remote images, for
    # privacy (an image request tells its host who is reading) and for metered connections.
    LOAD_WEB_IMAGES: True,
    # Asking every related link and image of a folder is many requests to many hosts: opt-in.
    CHECK_LINKS: False,
    # A link's answer younger than this is not asked again (as `validate --online --max-age`).
    LINK_MAX_AGE_HOURS: round(DEFAULT_LINK_MAX_AGE / 3600),
    # Pixels on an image's shorter side below which it earns a warning (`--min-image-size`).
    MIN_IMAGE_SIZE: DEFAULT_MIN_IMAGE_SIZE,
    # Reasons on the number keys (1 is the first), as a JSON list: few and short, so that giving
    # a reason costs one key and no reading.
    DECLINE_REASONS: json.dumps(
        [
            "Off topic",
            "Duplicate story",
            "Low quality",
            "Paywalled",
            "Broken link",
            "Opinion, not news",
            "Outdated",
            "Press release",
        ]
    ),
}


def default_decline_reasons() -> list[str]:
    return list(json.loads(DEFAULTS[DECLINE_REASONS]))


class DeskSettings:
    """Typed access to the stored settings; a fresh instance always reads what was last written."""

    def __init__(self, settings: QSettings | None = None) -> None:
        # Named explicitly so tests (whose QApplication has no organisation) share the app's file.
        self._settings = settings or QSettings(ORGANIZATION, APPLICATION)

    def value(self, key: str) -> Any:
        default = DEFAULTS[key]
        stored = self._settings.value(key, default)
        if isinstance(default, QByteArray):
            return stored if isinstance(stored, QByteArray) else QByteArray(stored or b"")
        if isinstance(default, bool):
            # The INI file hands booleans back as the words "true" and "false".
            if isinstance(stored, str) and stored.lower() in ("true", "false"):
                return stored.lower() == "true"
            return stored if isinstance(stored, bool) else default
        if isinstance(default, int) and isinstance(stored, str):  # the INI file hands numbers back as text
            try:
                return int(stored)
            except ValueError:
                return default
        return stored if isinstance(stored, type(default)) else default

    def set_value(self, key: str, value: Any) -> None:
        if key not in DEFAULTS:
            raise KeyError(f"unknown setting {key!r}: add it to DEFAULTS first")
        self._settings.setValue(key, value)

    def recent_folders(self) -> list[str]:
        # Stored as JSON: QSettings turns a one-element list into a bare string in INI files.
        try:
            folders = json.loads(self.value(RECENT_FOLDERS))
        except ValueError:
            return []
        return [f for f in folders if isinstance(f, str)] if isinstance(folders, list) else []

    def remember_folder(self, folder: Path) -> list[str]:
        """Make `folder` the last one opened and the first of the recent list; returns the new list."""
        text = str(folder)
        recent = [text] + [f for f in self.recent_folders() if f != text]
        recent = recent[:MAX_RECENT_FOLDERS]
        self._settings.setValue(RECENT_FOLDERS, json.dumps(recent))
        self._settings.setValue(LAST_FOLDER, text)
        return recent

    def forget_folder(self, folder: str) -> list[str]:
        recent = [f for f in self.recent_folders() if f != folder]
        self._settings.setValue(RECENT_FOLDERS, json.dumps(recent))
        return recent

    def decline_reasons(self) -> list[str]:
        """The reasons for number keys 1 to 9, in order; blank and surplus entries are dropped."""
        try:
            reasons = json.loads(self.value(DECLINE_REASONS))
        except ValueError:
            reasons = default_decline_reasons()
        if not isinstance(reasons, list):
            reasons = default_decline_reasons()
        return [r.strip() for r in reasons if isinstance(r, str) and r.strip()][:MAX_DECLINE_REASONS]

    def set_decline_reasons(self, reasons: list[str]) -> None:
        self._settings.setValue(DECLINE_REASONS, json.dumps([r.strip() for r in reasons if r.strip()]))

    def column_widths(self) -> dict[int, int]:
        try:
            stored = json.loads(self.value(COLUMN_WIDTHS))
        except ValueError:
            return {}
        if not isinstance(stored, dict):
            return {}
        return {int(k): v for k, v in stored.items() if str(k).isdigit() and isinstance(v, int) and 0 < v < 10_000}

    def set_column_widths(self, widths: dict[int, int]) -> None:
        self._settings.setValue(COLUMN_WIDTHS, json.dumps({str(int(k)): v for k, v in widths.items()}))

    def last_folder(self) -> Path | None:
        """The folder opened last time, if it still exists."""
        text = self.value(LAST_FOLDER)
        if text and Path(text).is_dir():
            return Path(text)
        return None

    def clear(self) -> None:
        self._settings.clear()

    def sync(self) -> None:
        self._settings.sync()
