"""Benchmark: a bulk edit and Save All of 1,000 records in the real window, against doing the same
on the UI thread (what the desk did before).

    .venv/bin/python tests/benchmarks/bench_bulk.py [--rows 10000] [--edit 1000]

Opens a window on `--rows` copies of the seed record, selects the first `--edit` rows and sets
their quality as the form does (`EditController.edit`), then saves them all (Save All). A 10 ms
heartbeat QTimer records the longest gap between its ticks: how long the editor could not use the
window. The baseline, in the same process on the same records: the same edit and save made on the
UI thread (`EditSession.set_field` and `save_all(synchronous=True)`), which hold it for their whole
duration.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "benchmarks"))

from bench_load import Heartbeat, wait  # noqa: E402


def timed_with_heartbeat(app, start, done) -> tuple[float, float]:
    beat = Heartbeat()
    beat.start()
    began = time.perf_counter()
    start()
    wait(app, done)
    elapsed = time.perf_counter() - began
    return elapsed, beat.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--edit", type=int, default=1_000)
    options = parser.parse_args(argv)
    sandbox = Path(tempfile.mkdtemp(prefix="newsdesk-bench-"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["XDG_CONFIG_HOME"] = str(sandbox / "config")
    os.environ["XDG_CACHE_HOME"] = str(sandbox / "cache")
    seed = REPO / "seeds" / "000_fbf05e2be9931d54.txt"
    folder = sandbox / "records"
    folder.mkdir()
    for number in range(options.rows):
        shutil.copyfile(seed, folder / f"{number:06d}.txt")

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from desktop.app import build_window
    from desktop.ui.editing import dialogs as edit_dialogs

    edit_dialogs.ask_unsaved = lambda parent, count: "discard"
    try:
        window = build_window(folder)
        window.show()
        wait(app, lambda: window.model.rowCount() == options.rows and not window.loading)
        controller = window.editController
        settle = time.perf_counter() + 2  # what follows a load (watching the files, the folder's checks) is done
        wait(app, lambda: time.perf_counter() > settle)
        paths = [window.model.summary_at(row).path for row in range(options.edit)]

        edit_s, edit_stall = timed_with_heartbeat(
            app, lambda: controller.edit(paths, "quality", 55), lambda: not controller.is_busy()
        )
        assert sorted(controller.dirty_paths()) == sorted(paths)
        save_s, save_stall = timed_with_heartbeat(app, controller.save_all, lambda: not controller.is_busy())
        assert not controller.dirty_paths()

        # The baseline: the same on the UI thread, on a session of its own.
        from desktop.records import EditSession

        session = EditSession()
        start = time.perf_counter()
        session.set_field(paths, "quality", 66)
        base_edit_s = time.perf_counter() - start
        start = time.perf_counter()
        failures = session.save_all()
        base_save_s = time.perf_counter() - start
        assert not failures
        window.close()
        window.shutdown()
    finally:
        shutil.rmtree(sandbox, ignore_errors=True)

    print(f"{options.edit:,} of {options.rows:,} seed records, {os.cpu_count()} CPUs")
    print(f"{'':34}{'in the background (shipped)':>30}{'on the UI thread (baseline)':>30}")
    print(f"{'bulk edit of quality: total':34}{edit_s:>28.2f} s{base_edit_s:>28.2f} s")
    print(f"{'bulk edit: longest UI stall':34}{edit_stall:>27.0f} ms{base_edit_s * 1000:>27.0f} ms")
    print(f"{'Save All: total':34}{save_s:>28.2f} s{base_save_s:>28.2f} s")
    print(f"{'Save All: longest UI stall':34}{save_stall:>27.0f} ms{base_save_s * 1000:>27.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
