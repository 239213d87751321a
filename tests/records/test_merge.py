"""Field-level three-way merge of one record: different keys merge, the same key changed two ways is
a conflict with its three values, and each side's change stays the lines it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import changed_blocks
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.records.editor import REMOVE, apply_edits
from desktop.records.merge import (
    ABSENT,
    BODY,
    MINE,
    THEIRS,
    FieldConflict,
    MergeRefused,
    fully_described,
    merge_bytes,
    merge_documents,
)
from desktop.records.reading import parse_document, read_document

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_fbf05e2be9931d54.txt"
CORPUS = REPO.parent / "shared" / "corpus"
SEED_RAW = SEED.read_bytes()


def seed() -> Document:  # noqa: F821
    return parse_document(SEED_RAW, SEED)


def test_different_fields_merge_and_each_change_stays_its_own_line():
    base = seed()
    theirs = apply_edits(base, {"heat": 50})
    mine = apply_edits(base, {"quality": 77})
    result = merge_documents(base, theirs, mine)
    assert result.clean
    assert result.theirs_changed == ["heat"] and result.mine_changed == ["quality"]
    merged = result.document
    assert merged.data == {**base.data, "quality": 77, "heat": 50}
    assert changed_blocks(base.raw, merged.raw) == [
        ("replace", [b"quality: 40\n", b"heat: -1\n"], [b"quality: 77\n", b"heat: 50\n"])
    ]
    # Saved over theirs: the stamp says which version on disk it was merged onto.
    assert merged.stamp == theirs.stamp and merged.path == theirs.path


def test_the_same_value_set_on_both_sides_is_not_a_conflict():
    base = seed()
    both = apply_edits(base, {"quality": 77})
    result = merge_documents(base, both, apply_edits(base, {"quality": 77, "heat": 3}))
    assert result.clean
    assert result.document.data["quality"] == 77 and result.document.data["heat"] == 3


def test_the_same_field_changed_two_ways_is_a_conflict_with_all_three_values():
    base = seed()
    theirs = apply_edits(base, {"quality": 60, "heat": 5})
    mine = apply_edits(base, {"quality": 90, "published": True})
    result = merge_documents(base, theirs, mine)
    assert not result.clean and result.document is None
    assert result.conflicts == [FieldConflict("quality", 40, 60, 90)]


def test_removed_on_one_side_changed_on_the_other_is_a_conflict():
    base = seed()
    result = merge_documents(base, apply_edits(base, {"heat": REMOVE}), apply_edits(base, {"heat": 9}))
    assert result.conflicts == [FieldConflict("heat", -1, ABSENT, 9)]


@pytest.mark.parametrize("choice, quality", [(MINE, 90), (THEIRS, 60)])
def test_a_conflict_resolved_per_field_takes_that_side(choice, quality):
    base = seed()
    theirs = apply_edits(base, {"quality": 60, "heat": 5})
    mine = apply_edits(base, {"quality": 90, "published": True})
    result = merge_documents(base, theirs, mine, resolutions={"quality": choice})
    assert result.clean
    assert (result.document.data["quality"], result.document.data["heat"], result.document.data["published"]) == (
        quality,
        5,
        True,
    )


def test_topics_added_on_both_sides_merge_as_a_set():
    base = seed()
    topics = base.data["topics"]
    theirs = apply_edits(base, {"topics": topics + ["Policing"]})
    mine = apply_edits(base, {"topics": [t for t in topics if t != "AI"] + ["Privacy"]})
    merged = merge_documents(base, theirs, mine).document
    assert merged.data["topics"] == ["Natural Language Processing", "AWS AI", "Computer Vision", "Policing", "Privacy"]


def test_topics_reordered_on_one_side_and_added_on_the_other_is_a_conflict():
    base = seed()
    topics = base.data["topics"]
    result = merge_documents(
        base, apply_edits(base, {"topics": topics + ["X"]}), apply_edits(base, {"topics": topics[::-1]})
    )
    assert [c.key for c in result.conflicts] == ["topics"]


def test_nested_value_edited_by_hand_is_merged_with_its_own_lines():
    base = seed()
    theirs = apply_edits(base, {"heat": 12})
    hand = SEED_RAW.replace(b"  name: TheStreet.com\n", b"  name: The Street  # renamed\n")
    mine = parse_document(hand, SEED)
    merged = merge_documents(base, theirs, mine).document
    assert merged.data["provider"] == {"name": "The Street", "domain": "thestreet.com"}
    assert merged.data["heat"] == 12
    assert b"  name: The Street  # renamed\n" in merged.raw
    assert merged.data["secured"] == base.data["secured"]


def test_a_key_added_by_hand_goes_after_its_neighbour():
    base = seed()
    mine = parse_document(SEED_RAW.replace(b"type: article\n", b"type: article\nauthor:\n  name: Ana\n", 1), SEED)
    merged = merge_documents(base, apply_edits(base, {"quality": 1}), mine).document
    assert b"type: article\nauthor:\n  name: Ana\nquality: 1\n" in merged.raw


def test_body_changes_merge_and_conflict_like_a_field():
    base = parse_document(b"---\ntitle: A\nwebUrl: https://a.example/\nquality: 1\n---\nbody\n", "r.md")
    theirs = parse_document(b"---\ntitle: A\nwebUrl: https://a.example/\nquality: 2\n---\nbody\n", "r.md")
    mine = parse_document(b"---\ntitle: A\nwebUrl: https://a.example/\nquality: 1\n---\nnew body\n", "r.md")
    merged = merge_documents(base, theirs, mine).document
    assert merged.raw == b"---\ntitle: A\nwebUrl: https://a.example/\nquality: 2\n---\nnew body\n"
    theirs_body = parse_document(b"---\ntitle: A\nwebUrl: https://a.example/\nquality: 1\n---\nother\n", "r.md")
    result = merge_documents(base, theirs_body, mine)
    assert result.conflicts == [FieldConflict(BODY, "body\n", "other\n", "new body\n")]


def test_crlf_and_bom_are_kept():
    raw = b"\xef\xbb\xbf" + SEED_RAW.replace(b"\n", b"\r\n")
    base = parse_document(raw, SEED)
    merged = merge_documents(base, apply_edits(base, {"heat": 3}), apply_edits(base, {"quality": 4})).document
    assert merged.raw.startswith(b"\xef\xbb\xbf") and b"\nquality: 4\r\nheat: 3\r\n" in merged.raw
    assert merged.raw.count(b"\n") == merged.raw.count(b"\r\n")


@pytest.mark.parametrize(
    "broken, words",
    [
        (b"+++\ntitle = 'A'\n+++\n", "TOML front matter"),
        (b"---\ntitle: [unclosed\n---\n", "cannot be merged field by field"),
        (b"no front matter at all\n", "has no front matter"),
        (b"---\ntitle: A\ntitle: B\n---\n", "repeats a key"),
    ],
)
def test_a_side_that_is_not_editable_yaml_is_refused_with_the_reason(broken, words):
    with pytest.raises(MergeRefused, match=words) as refused:
        merge_bytes(SEED_RAW, broken, SEED_RAW, SEED)
    assert SEED.name in str(refused.value) and "version on disk" in str(refused.value)


def test_fully_described_tells_an_editor_edit_from_a_hand_edit_with_a_comment():
    base = seed()
    assert fully_described(base, apply_edits(base, {"quality": 3, "topics": ["A"]}))
    assert not fully_described(base, parse_document(SEED_RAW.replace(b"quality: 40\n", b"quality: 41  # why\n"), SEED))


values = {
    "quality": st.integers(0, 100),
    "heat": st.integers(-1, 100),
    "published": st.booleans(),
    "topics": st.lists(st.sampled_from(["AI", "Robots", "Policing", "Privacy", "Cloud"]), unique=True, max_size=4),
}


@st.composite
def split_edits(draw):
    keys = list(values)
    owner = draw(st.lists(st.sampled_from(["none", "mine", "theirs"]), min_size=len(keys), max_size=len(keys)))
    mine = {k: draw(values[k]) for k, who in zip(keys, owner, strict=True) if who == "mine"}
    theirs = {k: draw(values[k]) for k, who in zip(keys, owner, strict=True) if who == "theirs"}
    return mine, theirs


@settings(max_examples=60, deadline=None)
@given(split_edits())
def test_edits_of_different_fields_always_merge_to_both_and_nothing_else(edits):
    mine_changes, theirs_changes = edits
    base = seed()
    mine, theirs = apply_edits(base, mine_changes), apply_edits(base, theirs_changes)
    merged = merge_documents(base, theirs, mine).document
    assert merged.data == {**base.data, **theirs_changes, **mine_changes}
    # The merge is the two edits made one after the other, byte for byte.
    assert merged.raw == apply_edits(apply_edits(base, theirs_changes), mine_changes).raw
    swapped = merge_documents(base, mine, theirs).document
    assert swapped.data == merged.data


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present in this checkout")
def test_corpus_records_merge_a_heat_edit_with_a_quality_edit(tmp_path):
    merged_count = refused = 0
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file() and not p.is_symlink())[:400]:
        base = read_document(path)
        try:
            theirs, mine = apply_edits(base, {"heat": 5}), apply_edits(base, {"quality": 7})
        except Exception:
            continue  # not editable: the editor's own corpus test covers why
        try:
            result = merge_documents(base, theirs, mine)
        except MergeRefused:
            refused += 1
            continue
        assert result.clean, path
        assert result.document.data == {**base.data, "heat": 5, "quality": 7}, path
        assert result.document.raw == apply_edits(theirs, {"quality": 7}).raw, path
        merged_count += 1
    assert merged_count > 100 and refused == 0
