"""The core's public surface: what desktop.records exports, and its one error base."""

from __future__ import annotations

import subprocess
import sys

import pytest

import desktop.records as records
from desktop.records import EditRefused, FileChangedOnDisk, GitError, MergeRefused, RecordError, SaveError


@pytest.mark.parametrize("name", records.__all__)
def test_every_exported_name_resolves(name):
    assert getattr(records, name) is not None


def test_an_unknown_name_is_an_attribute_error_and_submodules_still_import():
    with pytest.raises(AttributeError):
        records.no_such_name  # noqa: B018
    from desktop.records import scan

    assert scan.list_record_files


@pytest.mark.parametrize("error", [SaveError, FileChangedOnDisk, EditRefused, MergeRefused, GitError])
def test_the_cores_errors_share_one_base_the_ui_can_catch(error):
    assert issubclass(error, RecordError)
    assert str(error("the disk is full")) == "the disk is full"


def test_importing_the_package_loads_none_of_its_parts():
    # Worker processes import one part of the core; the package itself must not drag in the rest.
    code = "import sys, desktop.records; print(sorted(m for m in sys.modules if m.startswith('desktop.records.')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
