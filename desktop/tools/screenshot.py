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
    args = parser.parse_args(argv)
    width, height = (int(part) for part in args.size.lower().split("x"))

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sandbox = tempfile.TemporaryDirectory(prefix="newsdesk-shot-")
    os.environ["XDG_CONFIG_HOME"] = str(Path(sandbox.name, "config"))
    os.environ["XDG_CACHE_HOME"] = str(Path(sandbox.name, "cache"))

    from PySide6.QtWidgets import QApplication

    from desktop.app import build_window
    from desktop.paths import seeds_dir

    app = QApplication(sys.argv[:1])
    app.setOrganizationName("Newsdesk")
    app.setApplicationName("Newsdesk")
    window = build_window(args.folder or seeds_dir())
    window.resize(width, height)
    window.show()

    def settled() -> bool:
        return not window.loading and (window.current_document() is not None or window.model.rowCount() == 0)

    deadline = time.monotonic() + args.timeout
    while not settled() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
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
