"""Qt's own warnings fail a test, except the offscreen platform's notices about what it cannot do."""

from __future__ import annotations

from PySide6.QtCore import qWarning


def test_offscreen_platform_notices_are_not_failures(qapp):
    # What the offscreen platform says when a window changes its size limits, is raised, or a
    # popup grabs the keyboard: the desk did nothing wrong, and no module needs its own marker.
    qWarning("This plugin does not support propagateSizeHints()")
    qWarning("This plugin does not support raise()")
    qWarning("This plugin does not support grabbing the keyboard")
