"""Random sequences of edits on variants of the seed record always read back as intended, and change only the
lines of the fields they edit."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.records.editor import REMOVE, apply_edits
from desktop.records.nodes import node_at
from desktop.records.reading import parse_document
from desktop.records.schema import value_problems

REPO = Path(__file__).resolve().parents[2]
SEED_TEXT = (REPO / "seeds" / "000_fbf05e2be9931d54.txt").read_text(encoding="utf-8")
EDITED_KEYS = ("quality", "heat", "published", "topics")
BLOCK_TOPICS = "topics:\n  - Natural Language Processing\n  - AI\n  - AWS AI\n  - Computer Vision\n"


def variant(crlf: bool, bom: bool, four_spaces: bool, flow_topics: bool, missing: frozenset[str]) -> bytes:
    text = SEED_TEXT
    if flow_topics:
        text = text.replace(BLOCK_TOPICS, "topics: [Natural Language Processing, AI, AWS AI, Computer Vision]\n")
    for key in missing:
        if key == "topics":
            text = re.sub(r"\ntopics:.*?\n(?=\n)", "", text, count=1, flags=re.S)
        else:
            text = re.sub(rf"^{key}: .*\n", "", text, count=1, flags=re.M)
    if four_spaces:
        # Every nested line two columns further in: provider and topics then sit four spaces deep.
        text = re.sub(r"^( +)", r"\1  ", text, flags=re.M)
    if crlf:
        text = text.replace("\n", "\r\n")
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


variants = st.builds(
    variant,
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.frozensets(st.sampled_from(("heat", "published", "topics", "quality"))),
)
word = st.text(alphabet=list("abXYz09:#'\"-,[]&*!?üé😀"), min_size=1, max_size=6)
topic = st.builds(lambda first, rest: " ".join([first, *rest]), word, st.lists(word, max_size=2)).filter(
    lambda t: not value_problems("topics", [t])
)
topic_lists = st.lists(topic, unique=True, max_size=5)
values = {
    "quality": st.integers(0, 100) | st.just(REMOVE),
    "heat": st.integers(-1, 100) | st.just(REMOVE),
    "published": st.booleans() | st.just(REMOVE),
    "topics": topic_lists | st.just(REMOVE),
}
whole_changes = st.lists(st.sampled_from(EDITED_KEYS), min_size=1, max_size=4, unique=True).flatmap(
    lambda keys: st.fixed_dictionaries({key: values[key] for key in keys})
)


def entry_lines(raw: bytes, doc, key: str) -> set[int]:
    """0-based indexes of the file lines the top-level entry `key` occupies."""
    key_node = next((k for k, _ in doc.root.value if k.value == key), None)
    if key_node is None:
        return set()
    node = node_at(doc.root, [key])
    end = node.value[-1].end_mark.index if node.value and not getattr(node, "flow_style", True) else node.end_mark.index
    first = doc.text.count("\n", 0, doc.front_start + key_node.start_mark.index)
    last = doc.text.count("\n", 0, doc.front_start + max(end - 1, key_node.end_mark.index))
    return set(range(first, last + 1))


def assert_only_edited_lines_changed(before, after, keys) -> None:
    old, new = before.raw.splitlines(keepends=True), after.raw.splitlines(keepends=True)
    allowed_old = set().union(*(entry_lines(before.raw, before, k) for k in keys))
    allowed_new = set().union(*(entry_lines(after.raw, after, k) for k in keys))
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        for index in range(i1, i2):
            assert index in allowed_old or not old[index].strip(), (keys, old[index])
        for index in range(j1, j2):
            assert index in allowed_new or not new[index].strip(), (keys, new[index])


@settings(max_examples=50, deadline=None)
@given(raw=variants, data=st.data())
def test_random_edit_sequences_read_back_as_intended(raw, data):
    doc = parse_document(raw, Path("seed.txt"))
    assert doc.editable and doc.problems == []
    intended = dict(doc.data)
    secured_line = next(line for line in raw.splitlines(keepends=True) if b"secured:" in line)
    for _ in range(data.draw(st.integers(1, 3), label="steps")):
        kind = data.draw(st.sampled_from(["whole", "add-topic", "remove-topic"]), label="kind")
        current = list(intended.get("topics", []))
        if kind == "add-topic":
            new_topic = data.draw(topic.filter(lambda t, current=current: t not in current), label="topic")
            changes = {"topics": current + [new_topic]}
        elif kind == "remove-topic" and current:
            changes = {"topics": [t for t in current if t != data.draw(st.sampled_from(current), label="drop")]}
        else:
            changes = data.draw(whole_changes, label="changes")
        new = apply_edits(doc, changes)

        for key, value in changes.items():
            if value is REMOVE:
                intended.pop(key, None)
            else:
                intended[key] = value
        reread = parse_document(new.raw, Path("seed.txt"))
        assert reread.data == intended
        assert all(type(reread.data[k]) is type(intended[k]) for k in EDITED_KEYS if k in intended)
        assert reread.raw.startswith(b"\xef\xbb\xbf") == raw.startswith(b"\xef\xbb\xbf")
        assert (b"\r\n" in raw) == (b"\r\n" in new.raw) and (
            b"\r\n" not in raw or b"\n" not in new.raw.replace(b"\r\n", b"")
        )
        assert secured_line in new.raw.splitlines(keepends=True)
        assert_only_edited_lines_changed(doc, new, changes.keys())
        doc = new


@settings(max_examples=50, deadline=None)
@given(raw=variants, changes=whole_changes)
def test_an_edit_to_the_same_values_is_byte_identical(raw, changes):
    doc = parse_document(raw, Path("seed.txt"))
    new = apply_edits(doc, changes)
    again = apply_edits(new, changes)
    assert again.raw == new.raw
    restored = apply_edits(new, {key: doc.data.get(key, REMOVE) for key in changes})
    assert restored.data == doc.data
    assert_only_edited_lines_changed(doc, restored, changes.keys())


def with_problems(raw: bytes) -> bytes:
    """The variant with values the edits never touch made invalid: a missing title, a related
    article's quality out of range and an image width that is not a number."""
    raw = re.sub(rb"^title: .*\n", b"", raw, count=1, flags=re.M)
    raw = re.sub(rb"quality: 91", b"quality: 191", raw, count=1)
    return re.sub(rb"width: 1024", b"width: wide", raw, count=1)


@settings(max_examples=50, deadline=None)
@given(raw=variants, changes=whole_changes, title=st.sampled_from([None, "A title", REMOVE]))
def test_an_edit_reports_exactly_the_problems_a_full_read_finds(raw, changes, title):
    # apply_edits checks only the changed values against the schema and carries the others' problems over.
    doc = parse_document(with_problems(raw), Path("seed.txt"))
    assert {"$.title", "$.images[0].width", "$.related[0].quality"} <= {p.path for p in doc.problems}
    if changes.get("published") is True:
        changes["published"] = False  # approval is refused while the record has problems
    if title is not None:
        changes["title"] = title
    new = apply_edits(doc, changes)

    assert new.problems == parse_document(new.raw, Path("seed.txt")).problems
