"""Launching without a display: a Newsdesk message and exit 3, not Qt's abort (134)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.display_check import display_problem, missing_from_ldd, packages_for

REPO = Path(__file__).resolve().parents[1]

LDD_OUTPUT = """\
\tlinux-vdso.so.1 (0x00007ffd1b7f2000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x00007fe2d3c76000)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-util.so.1 => /lib/x86_64-linux-gnu/libxcb-util.so.1 (0x00007fe2d3b84000)
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
"""


def env_without_display() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the X11 check is for Linux")
def test_the_desk_without_a_display_says_so_and_exits_3(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "desktop", str(REPO / "seeds")],
        cwd=REPO,
        env=env_without_display() | {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 3, result.stderr
    assert "Newsdesk cannot open its window: there is no display" in result.stderr
    assert "DISPLAY" in result.stderr
    assert "qt.qpa" not in result.stderr, "stopped before Qt tried its plugin"


def test_missing_libraries_are_read_from_ldd_and_named_as_debian_packages():
    missing = missing_from_ldd(LDD_OUTPUT)
    assert missing == ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert packages_for(missing) == ["libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1"]
    assert packages_for(["libunknown.so.7"]) == ["libunknown.so.7"], "an unknown library is named as it is"


def test_no_display_is_reported_only_where_qt_would_use_x11():
    bare = env_without_display()
    assert "no display" in display_problem(bare, platform="linux")
    assert "no display" in display_problem(bare | {"QT_QPA_PLATFORM": "xcb"}, platform="linux")
    assert display_problem(bare | {"QT_QPA_PLATFORM": "offscreen"}, platform="linux") == ""
    assert "no display" not in display_problem(bare | {"WAYLAND_DISPLAY": "wayland-0"}, platform="linux")
    assert display_problem(bare, platform="darwin") == ""
    assert display_problem(bare, platform="win32") == ""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="abstract sockets are Linux's")
def test_a_local_display_nothing_listens_on_is_named():
    number = 4711
    problem = display_problem(env_without_display() | {"DISPLAY": f":{number}"}, platform="linux")
    assert f"no X server answers on display :{number}" in problem

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(f"\0/tmp/.X11-unix/X{number}")  # where an X server on :4711 would listen
        server.listen(1)
        problem = display_problem(env_without_display() | {"DISPLAY": f":{number}.0"}, platform="linux")
    assert "no X server answers" not in problem
