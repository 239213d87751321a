"""Editing real front-matter files from public projects: `heat: 5` adds exactly one line and changes no other
byte, or the file is left byte-identical with a reason that is about the file, not about the editor."""

from __future__ import annotations

import collections
import shutil
from pathlib import Path

import pytest
from helpers import changed_blocks

from desktop.records.editor import REMOVE, EditRefused, apply_edits
from desktop.records.reading import read_document
from desktop.records.store import save_document

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present in this checkout"),
]


@pytest.fixture(scope="module")
def corpus_copy(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("corpus") / "corpus"
    shutil.copytree(CORPUS, target, symlinks=True)
    return target


def files_in(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


def test_adding_heat_to_every_corpus_file_adds_one_line_or_refuses_with_a_reason(corpus_copy):
    edited = 0
    refusals: collections.Counter[str] = collections.Counter()
    wrong: list[str] = []
    for path in files_in(corpus_copy):
        original = path.read_bytes()
        doc = read_document(path)
        try:
            new = apply_edits(doc, {"heat": 5})
        except EditRefused as refused:
            reason = str(refused)
            assert reason.strip(), path
            # A refusal must come from the file itself (what the reader found), never from the editor failing.
            if not doc.edit_blocker or doc.edit_blocker not in reason:
                wrong.append(f"{path}: refused without a blocker: {reason}")
            refusals[doc.edit_blocker or reason] += 1
            assert path.read_bytes() == original
            continue
        save_document(new)
        after = path.read_bytes()
        changes = changed_blocks(original, after)
        if "heat" in doc.data:
            ok = len(changes) == 1 and changes[0][0] == "replace" and len(changes[0][1]) == len(changes[0][2]) == 1
        else:
            ok = len(changes) == 1 and changes[0][0] == "insert" and len(changes[0][2]) == 1
            ok = ok and changes[0][2][0].strip() == b"heat: 5"
        if not ok:
            wrong.append(f"{path}: {changes}")
        assert read_document(path).data == {**doc.data, "heat": 5}, path
        edited += 1

    print(f"\ncorpus: {edited} edited, {sum(refusals.values())} refused")
    for reason, count in refusals.most_common():
        print(f"  {count:4d}  {reason}")
    assert not wrong, "\n".join(wrong[:20])
    assert edited > 1300
    assert sum(refusals.values()) < 40


def test_edits_and_their_undo_leave_corpus_files_byte_identical(corpus_copy):
    wrong: list[str] = []
    for path in files_in(corpus_copy):
        doc = read_document(path)
        if not doc.editable:
            continue
        # Publishing again is an approval, refused while a record has problems: leave published records be.
        keys = ("heat", "topics") if doc.data.get("published") is True else ("heat", "topics", "published")
        had = {key: doc.data.get(key, REMOVE) for key in keys}
        try:
            new = apply_edits(doc, {"heat": 7, "topics": ["Robotics", "AI: ethics"]} | dict.fromkeys(keys[2:], False))
            new = apply_edits(new, {"topics": ["AI: ethics", "Robotics", "NLP"]})
            back = apply_edits(new, had)
        except EditRefused as refused:
            wrong.append(f"{path}: {refused}")
            continue
        if back.raw != doc.raw:
            wrong.append(f"{path}: {changed_blocks(doc.raw, back.raw)}")
    assert not wrong, "\n".join(wrong[:20])
