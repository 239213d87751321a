"""The records core must run where Qt is absent: worker processes, the command line, CI without a display."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import importlib, json, pkgutil, sys
import desktop.records as records
imported = []
for module in pkgutil.iter_modules(records.__path__):
    importlib.import_module(f"desktop.records.{module.name}")
    imported.append(module.name)
from desktop.records.reading import read_document
read_document(sys.argv[1])
qt = sorted(name for name in sys.modules if name.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6"))
print(json.dumps({"imported": imported, "qt": qt}))
"""


def test_no_records_module_imports_qt():
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(REPO / "seeds" / "000_fbf05e2be9931d54.txt")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"model", "reading", "schema", "scan"} <= set(report["imported"])
    assert report["qt"] == []
