"""Render the real window on seeds/ offscreen and save a PNG: `python -m desktop.tools.screenshot out.png`.

Settings go to a temporary folder, so the picture never depends on (or changes) the user's desk.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="PNG file to write")
    parser.add_argument("--folder", type=Path, default=None, help="folder of records (default: the bundled seeds)")
    parser.add_argument("--size", default="1400x900", help="window size, WIDTHxHEIGHT (default 1400x900)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the records")
    parser.add_argument(
        "--queue", choices=("all", "review", "approved", "attention"), default="all", help="queue shown (default: all)"
    )
    parser.add_argument(
        "--select",
        default="",
        metavar="FIRST-LAST",
        help="select these table rows (1-based, e.g. 2-6) to show a bulk edit",
    )
    parser.add_argument("--tab", choices=("review", "source"), default="review", help="review pane tab shown")
    parser.add_argument(
        "--web-images",
        action="store_true",
        help="fetch the records' web images (default off: the picture never depends on the network)",
    )
    args = parser.parse_args(argv)
    width, height = (int(part) for part in args.size.lower().split("x"))

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sandbox = tempfile.TemporaryDirectory(prefix="newsdesk-shot-")
    os.environ["XDG_CONFIG_HOME"] = str(Path(sandbox.name, "config"))
    os.environ["XDG_CACHE_HOME"] = str(Path(sandbox.name, "cache"))

    from PySide6.QtCore import QItemSelection, QItemSelectionModel
    from PySide6.QtWidgets import QApplication

    from desktop.app import build_window, use_readable_locale
    from desktop.paths import seeds_dir
    from desktop.ui.settings import LOAD_WEB_IMAGES, QUEUE, DeskSettings
    from desktop.ui.table.model import Queue

    app = QApplication(sys.argv[:1])
    app.setOrganizationName("Newsdesk")
    app.setApplicationName("Newsdesk")
    use_readable_locale()
    settings = DeskSettings()
    settings.set_value(LOAD_WEB_IMAGES, args.web_images)
    settings.set_value(QUEUE, Queue(args.queue).value)
    settings.sync()
    window = build_window(args.folder or seeds_dir())
    window.resize(width, height)
    window.show()

    def settled() -> bool:
        return not window.loading and (window.current_document() is not None or window.proxy.rowCount() == 0)

    def wait_until_settled() -> None:
        deadline = time.monotonic() + args.timeout
        while not settled() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)

    wait_until_settled()
    if args.select:
        first, _, last = args.select.partition("-")
        top, bottom = int(first) - 1, int(last or first) - 1
        selection = QItemSelection(
            window.proxy.index(top, 0), window.proxy.index(bottom, window.proxy.columnCount() - 1)
        )
        window.recordTable.selectionModel().setCurrentIndex(
            window.proxy.index(top, 1), QItemSelectionModel.SelectionFlag.NoUpdate
        )
        window.recordTable.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        wait_until_settled()
    if args.tab == "source":
        window.reviewPane.tabs.setCurrentWidget(window.reviewPane.sourceView)
    window.recordTable.setFocus()
    # Give images (if reachable) a moment, and the layout a few passes to settle.
    image_deadline = time.monotonic() + 3.0
    while time.monotonic() < image_deadline:
        app.processEvents()
        time.sleep(0.02)
    ok = settled()
    window.grab().save(str(args.output))
    window.close()
    window.shutdown()
    sandbox.cleanup()
    print(f"{'wrote' if ok else 'wrote (records still loading)'} {args.output} at {width}x{height}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
