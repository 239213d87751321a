"""Write the README's keyboard shortcut table from the action registry.

    python -m desktop.tools.shortcuts_table README.md

The help dialog reads the same registry, so the README, the help and the keys that work cannot
drift apart; a test fails when the README's table is not what this writes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HEADER = "| Command | Keys |"


def table_lines() -> list[str]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QWidget

    from desktop.ui.actions import ActionRegistry

    app = QApplication.instance() or QApplication([])  # noqa: F841 - actions need one
    owner = QWidget()
    try:
        rows = ActionRegistry(owner).shortcut_rows()
    finally:
        owner.deleteLater()
    return [HEADER, "| --- | --- |", *(f"| {command} | {keys} |" for command, keys in rows)]


def with_table(readme: str) -> str:
    """`readme` with its shortcut table (the one starting with HEADER) replaced by the registry's."""
    lines = readme.split("\n")
    start = lines.index(HEADER)
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return "\n".join(lines[:start] + table_lines() + lines[end:])


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m desktop.tools.shortcuts_table README.md", file=sys.stderr)
        return 2
    path = Path(argv[0])
    path.write_text(with_table(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
