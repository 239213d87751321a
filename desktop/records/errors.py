"""The one base of the errors the core raises on purpose."""

from __future__ import annotations


class RecordError(Exception):
    """An error the core raises on purpose: its message is a sentence an editor can read as it is.

    The UI and the CLI catch this to report a refusal or a failure; anything else is a bug.
    """
