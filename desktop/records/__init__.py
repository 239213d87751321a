"""The records core: reading, validating, editing and saving front-matter records. Never imports Qt.

What the window and the command line may use is exported here, in `__all__`; everything else is
the core's own (an import-linter contract in pyproject.toml keeps the UI and the CLI to this).
Names are looked up on first use, so importing one part of the core (a worker process reading
files) does not load the rest.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOME: dict[str, str] = {
    "all_problems": "checks",
    "folder_problems": "checks",
    "link_state": "checks",
    "loaded_image_problems": "checks",
    "merged_problems": "checks",
    "problems_as_typed": "checks",
    "DEFAULT_MIN_IMAGE_SIZE": "checks",
    "online_problems": "checks",
    "APPROVED": "decisions",
    "DECLINED": "decisions",
    "FLAGGED": "decisions",
    "NOUNS": "decisions",
    "VERBS": "decisions",
    "decision_of": "decisions",
    "EditRefused": "editor",
    "apply_edits": "editor",
    "publication_refusal": "editor",
    "RecordError": "errors",
    "GitError": "gitrepo",
    "publish": "gitrepo",
    "setup_merge_driver": "gitrepo",
    "FolderScan": "index",
    "IndexEntry": "index",
    "RecordIndex": "index",
    "ALREADY_THERE": "journal",
    "CONFLICT": "journal",
    "Cleared": "journal",
    "Journal": "journal",
    "JournalEntry": "journal",
    "JournalError": "journal",
    "MERGED": "journal",
    "Restoration": "journal",
    "SAME_FILE": "journal",
    "UNRESTORABLE": "journal",
    "entry_for": "journal",
    "journal_path": "journal",
    "plan_all": "journal",
    "resolve": "journal",
    "DEFAULT_LINK_MAX_AGE": "linkcheck",
    "DEFAULT_LINK_TIMEOUT": "linkcheck",
    "LinkChecker": "linkcheck",
    "LinkResult": "linkcheck",
    "folder_cache_path": "linkcheck",
    "ABSENT": "merge",
    "FieldConflict": "merge",
    "MINE": "merge",
    "MergeRefused": "merge",
    "MergeResult": "merge",
    "THEIRS": "merge",
    "change_words": "merge",
    "changes_between": "merge",
    "merge_bytes": "merge",
    "merge_documents": "merge",
    "run_merge_driver": "merge_driver",
    "Document": "model",
    "IO": "model",
    "Problem": "model",
    "RecordSummary": "model",
    "SEED_KEY_ORDER": "model",
    "read_document": "reading",
    "scalar_text": "reading",
    "ListedFile": "scan",
    "ScanResult": "scan",
    "read_summary": "scan",
    "summarize_document": "scan",
    "same_value": "schema",
    "value_problems": "schema",
    "EditCancelled": "session",
    "EditSession": "session",
    "EditStep": "session",
    "Snapshot": "session",
    "path_key": "session",
    "same_topic": "session",
    "FileChangedOnDisk": "store",
    "SaveError": "store",
    "counted": "words",
    "file_name": "words",
    "fields": "fields",
}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:  # a submodule (`from desktop.records import scan`) is imported by Python itself
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
