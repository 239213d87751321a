"""Test setup shared by every test: offscreen Qt, and settings and caches kept out of the user's home."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Set before anything imports Qt: the tests never need (or may have) a screen.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
_SANDBOX = Path(tempfile.mkdtemp(prefix="newsdesk-tests-"))
os.environ["XDG_CONFIG_HOME"] = str(_SANDBOX / "config")
os.environ["XDG_CACHE_HOME"] = str(_SANDBOX / "cache")

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
SEED_RECORD = SEEDS / "000_fbf05e2be9931d54.txt"


def pytest_collection_modifyitems(config, items):
    # Everything under tests/ui drives real widgets; `-m "not gui"` runs the Qt-free core alone.
    for item in items:
        if "ui" in Path(str(item.fspath)).relative_to(REPO / "tests").parts[:1]:
            item.add_marker(pytest.mark.gui)


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_SANDBOX, ignore_errors=True)


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A private copy of `seeds/` that a test may edit freely."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def seed_file(tmp_path: Path) -> Path:
    """A private copy of the seed record."""
    target = tmp_path / SEED_RECORD.name
    shutil.copyfile(SEED_RECORD, target)
    return target
