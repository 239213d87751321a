"""Where the bundled folders live, in a source checkout and in an installed wheel alike."""

from __future__ import annotations

import os
import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_dir(name: str) -> Path:
    """Return the top-level folder `name` ("seeds" or "resources").

    A checkout has it beside the package; a wheel carries it as ``desktop/_<name>``.
    """
    for candidate in (_PACKAGE_DIR.parent / name, _PACKAGE_DIR / f"_{name}"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"Newsdesk's bundled '{name}' folder is missing from {_PACKAGE_DIR.parent}")


def seeds_dir() -> Path:
    return bundled_dir("seeds")


def resource_path(*parts: str) -> Path:
    return bundled_dir("resources").joinpath(*parts)


def user_cache_dir() -> Path:
    """Newsdesk's folder in the user's cache (what Qt's CacheLocation names, without Qt).

    `~/.cache/Newsdesk` on Linux (or under $XDG_CACHE_HOME), `~/Library/Caches/Newsdesk` on macOS,
    `%LOCALAPPDATA%\\Newsdesk\\cache` on Windows.
    """
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "Newsdesk" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "Newsdesk"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "Newsdesk"


def user_data_dir() -> Path:
    """Newsdesk's folder in the user's data (what Qt's AppDataLocation names, without Qt): what must
    outlive a crash, unlike the cache.

    `~/.local/share/Newsdesk` on Linux (or under $XDG_DATA_HOME), `~/Library/Application Support/Newsdesk`
    on macOS, `%APPDATA%\\Newsdesk` on Windows.
    """
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming") / "Newsdesk"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Newsdesk"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "Newsdesk"
