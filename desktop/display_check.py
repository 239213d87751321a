"""Before Qt starts on Linux: is there a display to open, and can Qt's xcb plugin load?

Qt aborts the process (exit 134) when its platform plugin cannot start, with a message that
names one library at best. This looks first, without Qt, and says what is missing in words an
editor can act on. Only the standard library: it runs before PySide6 creates anything.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

# The Debian/Ubuntu package that provides each library Qt's xcb plugin links to.
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
}

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)


def missing_from_ldd(ldd_output: str) -> list[str]:
    """The libraries `ldd` could not find, each once, in the order it named them."""
    return list(dict.fromkeys(_NOT_FOUND.findall(ldd_output)))


def packages_for(libraries: list[str]) -> list[str]:
    """Debian package names for these libraries (a library we do not know is named as it is)."""
    return list(dict.fromkeys(DEBIAN_PACKAGES.get(library, library) for library in libraries))


def xcb_plugin() -> Path | None:
    """Qt's xcb platform plugin as installed with PySide6, if it is there."""
    try:
        import importlib.util

        spec = importlib.util.find_spec("PySide6")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    plugin = Path(list(spec.submodule_search_locations)[0]) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.is_file() else None


def missing_libraries(plugin: Path) -> list[str]:
    """The shared libraries the plugin needs and the system lacks."""
    ldd = shutil.which("ldd")
    if ldd is not None:
        try:
            result = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=20, check=False)
        except (OSError, subprocess.SubprocessError):
            result = None
        if result is not None and (result.returncode == 0 or "not found" in result.stdout):
            return missing_from_ldd(result.stdout)
    # No ldd: loading the plugin names the first library that is missing.
    try:
        ctypes.CDLL(str(plugin))
    except OSError as error:
        found = re.search(r"(\S+\.so[.\d]*): cannot open shared object file", str(error))
        return [found.group(1)] if found else []
    return []


def _local_x_display_reachable(display: str) -> bool:
    """False only when DISPLAY names a local X server (":0") that nothing listens on."""
    local = re.fullmatch(r"(?:unix)?:(\d+)(?:\.\d+)?", display)
    if local is None:
        return True  # a remote or unusual display: let Qt try it
    path = f"/tmp/.X11-unix/X{local.group(1)}"
    for address in ("\0" + path, path):  # Linux X servers listen on an abstract socket too
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(2)
            try:
                probe.connect(address)
            except OSError:
                continue
            return True
    return False


def display_problem(env: Mapping[str, str] | None = None, platform: str | None = None) -> str:
    """What stops the window from opening, in sentences; "" when nothing we can see does."""
    env = os.environ if env is None else env
    if not (platform or sys.platform).startswith("linux"):
        return ""
    requested = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip()
    if requested and requested != "xcb":
        return ""  # offscreen, wayland, vnc…: the editor chose; Qt reports on those itself
    if not requested and env.get("WAYLAND_DISPLAY"):
        return ""
    problems = []
    display = env.get("DISPLAY", "")
    if not display:
        problems.append(
            "Newsdesk cannot open its window: there is no display (DISPLAY and WAYLAND_DISPLAY are not set). "
            "Run it from a desktop session, or over ssh with -X."
        )
    elif not _local_x_display_reachable(display):
        problems.append(f"Newsdesk cannot open its window: no X server answers on display {display}.")
    plugin = xcb_plugin()
    missing = missing_libraries(plugin) if plugin is not None else []
    if missing:
        lead = (
            "Qt's X11 (xcb) plugin also needs"
            if problems
            else "Newsdesk cannot open its window: Qt's X11 (xcb) plugin needs"
        )
        problems.append(
            f"{lead} libraries this system lacks ({', '.join(missing)}). "
            f"On Debian or Ubuntu: sudo apt-get install {' '.join(packages_for(missing))}"
        )
    return "\n".join(problems)
