"""The minimal-diff editor on real files: only the changed value's characters change, in the file's style."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from desktop.records.editor import REMOVE, EditRefused, apply_edits, unified_diff
from desktop.records.nodes import node_at
from desktop.records.reading import parse_document, read_document

BOM = b"\xef\xbb\xbf"


def record(tmp_path: Path, content: str | bytes, name: str = "record.md"):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return read_document(path)


def edit(tmp_path: Path, content: str | bytes, changes: dict, name: str = "record.md") -> bytes:
    return apply_edits(record(tmp_path, content, name), changes).raw


def line_changes(before: bytes, after: bytes) -> tuple[list[bytes], list[bytes]]:
    """(removed lines, added lines), by difflib over the exact byte lines."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    removed: list[bytes] = []
    added: list[bytes] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op != "equal":
            removed += old[i1:i2]
            added += new[j1:j2]
    return removed, added


# ------------------------------------------------------------------------------------ the seed


def test_seed_is_valid_and_editable(seed_file):
    doc = read_document(seed_file)
    assert doc.problems == []
    assert doc.editable


def test_seed_quality_changes_exactly_one_line(seed_file):
    doc = read_document(seed_file)
    new = apply_edits(doc, {"quality": 77})
    assert line_changes(doc.raw, new.raw) == ([b"quality: 40\n"], [b"quality: 77\n"])
    assert new.data == {**doc.data, "quality": 77}


def test_seed_add_topic_adds_one_line_to_the_block_list(seed_file):
    doc = read_document(seed_file)
    new = apply_edits(doc, {"topics": doc.data["topics"] + ["Robotics"]})
    assert line_changes(doc.raw, new.raw) == ([], [b"  - Robotics\n"])
    assert b"  - Computer Vision\n  - Robotics\n\nimages:" in new.raw


def test_seed_publish_changes_one_line(seed_file):
    doc = read_document(seed_file)
    new = apply_edits(doc, {"published": True})
    assert line_changes(doc.raw, new.raw) == ([b"published: false\n"], [b"published: true\n"])


def test_seed_setting_values_to_themselves_is_byte_identical(seed_file):
    doc = read_document(seed_file)
    same = {key: doc.data[key] for key in ("quality", "heat", "published", "topics", "title", "secured")}
    new = apply_edits(doc, same)
    assert new.raw == doc.raw
    assert apply_edits(doc, {"ampWebUrl": REMOVE}).raw == doc.raw  # removing an absent key


def test_seed_secured_blob_survives_every_edit(seed_file):
    doc = read_document(seed_file)
    secured_line = next(line for line in doc.raw.splitlines(keepends=True) if line.startswith(b"secured:"))
    new = apply_edits(doc, {"quality": 1, "heat": 99, "published": True, "topics": ["Robotics"]})
    new = apply_edits(new, {"topics": REMOVE, "heat": REMOVE})
    assert secured_line in new.raw.splitlines(keepends=True)
    assert new.data["secured"] == doc.data["secured"]


def test_seed_topics_removed_then_added_again_is_a_new_section_after_provider(seed_file):
    doc = read_document(seed_file)
    without = apply_edits(doc, {"topics": REMOVE})
    assert b"  domain: thestreet.com\n\nimages:" in without.raw
    back = apply_edits(without, {"topics": doc.data["topics"]})
    assert back.raw == doc.raw


def test_seed_missing_heat_goes_back_after_quality(seed_file):
    doc = read_document(seed_file)
    without = apply_edits(doc, {"heat": REMOVE})
    assert line_changes(doc.raw, without.raw) == ([b"heat: -1\n"], [])
    back = apply_edits(without, {"heat": -1})
    assert back.raw == doc.raw


def test_result_keeps_path_and_the_stamp_of_the_file_as_read(seed_file):
    doc = read_document(seed_file)
    new = apply_edits(doc, {"quality": 5})
    assert new.path == doc.path
    assert new.stamp == doc.stamp
    assert seed_file.read_bytes() == doc.raw  # editing writes nothing


# ------------------------------------------------------------------------------------ rules


def test_invalid_values_are_refused_with_the_reason(seed_file):
    doc = read_document(seed_file)
    for changes, words in [
        ({"quality": 101}, "quality"),
        ({"quality": "high"}, "quality"),
        ({"heat": -2}, "heat"),
        ({"topics": ["AI", "AI"]}, "more than once"),
        ({"published": "yes"}, "true or false"),
        ({"title": ""}, "title"),
    ]:
        with pytest.raises(EditRefused, match=words):
            apply_edits(doc, changes)


def test_values_that_cannot_be_written_are_refused(tmp_path):
    doc = record(tmp_path, "---\ntitle: x\n---\n")
    with pytest.raises(EditRefused, match="dict"):
        apply_edits(doc, {"extra": {"a": 1}})
    with pytest.raises(EditRefused, match="plain values"):
        apply_edits(doc, {"extra": [[1]]})
    with pytest.raises(EditRefused, match="number"):
        apply_edits(doc, {"ratio": float("nan")})


@pytest.mark.parametrize(
    "content, words",
    [
        ("---\ntitle: [unclosed\nquality: 1\n---\n", "not valid YAML"),
        ("---\nquality: 1\nquality: 2\n---\n", "repeats a key"),
        ("---\n- a\n- b\n---\n", "key: value"),
        ('+++\ntitle = "x"\n+++\n', "TOML"),
        ("no front matter here\n", "front matter"),
    ],
)
def test_uneditable_files_are_refused_with_the_blocker(tmp_path, content, words):
    doc = record(tmp_path, content)
    assert doc.edit_blocker
    with pytest.raises(EditRefused, match=words) as refused:
        apply_edits(doc, {"heat": 5})
    assert doc.edit_blocker in str(refused.value)
    assert "record.md" in str(refused.value)


def test_publishing_is_refused_while_the_result_has_problems(seed_file):
    text = seed_file.read_text(encoding="utf-8").replace("quality: 40", "quality: 140")
    seed_file.write_text(text, encoding="utf-8")
    doc = read_document(seed_file)
    assert doc.problems
    with pytest.raises(EditRefused, match=r"cannot be published while it has 1 problem: line 8: quality"):
        apply_edits(doc, {"published": True})
    # The problem can be fixed by an edit, and in the same edit the record can be published.
    fixed = apply_edits(doc, {"quality": 60, "published": True})
    assert fixed.problems == []
    assert fixed.data["published"] is True


def test_a_record_with_problems_elsewhere_can_still_be_edited(tmp_path):
    doc = record(tmp_path, '---\ntitle: ""\nquality: 1\n---\n')
    assert doc.problems
    new = apply_edits(doc, {"quality": 2})
    assert new.raw == b'---\ntitle: ""\nquality: 2\n---\n'


def test_unpublishing_a_record_with_problems_is_allowed(tmp_path):
    doc = record(tmp_path, "---\ntitle: x\npublished: true\n---\n")
    assert doc.problems  # webUrl is missing
    assert apply_edits(doc, {"published": False}).raw == b"---\ntitle: x\npublished: false\n---\n"


# ------------------------------------------------------------------------------------ layouts


def test_crlf_stays_crlf(tmp_path):
    content = "---\r\ntitle: x\r\nquality: 4\r\nprovider:\r\n  name: A\r\n\r\ntopics:\r\n  - a\r\n---\r\nbody\r\n"
    new = edit(tmp_path, content, {"quality": 5, "heat": 1, "topics": ["a", "b"], "published": False})
    assert new == (
        b"---\r\ntitle: x\r\nquality: 5\r\nheat: 1\r\npublished: false\r\nprovider:\r\n  name: A\r\n\r\n"
        b"topics:\r\n  - a\r\n  - b\r\n---\r\nbody\r\n"
    )


def test_crlf_list_created_from_nothing(tmp_path):
    new = edit(tmp_path, "---\r\ntitle: x\r\ntopics:\r\n---\r\n", {"topics": ["a", "b"]})
    assert new == b"---\r\ntitle: x\r\ntopics:\r\n  - a\r\n  - b\r\n---\r\n"


def test_bom_is_kept(tmp_path):
    new = edit(tmp_path, BOM + b"---\ntitle: x\nquality: 1\n---\n", {"quality": 2})
    assert new == BOM + b"---\ntitle: x\nquality: 2\n---\n"


def test_comment_after_a_value_is_kept(tmp_path):
    new = edit(tmp_path, "---\nquality: 40  # draft\nheat: 3 # rated\n---\n", {"quality": 77, "heat": REMOVE})
    assert new == b"---\nquality: 77  # draft\n---\n"


def test_whole_line_comments_are_kept(tmp_path):
    content = "---\n# the title\ntitle: x\n# scores\nquality: 1\n# end\n---\n"
    new = edit(tmp_path, content, {"quality": 2, "heat": 0})
    assert new == b"---\n# the title\ntitle: x\n# scores\nquality: 2\nheat: 0\n# end\n---\n"


def test_comments_inside_and_after_a_block_list_stay_put(tmp_path):
    content = "---\ntopics:\n  - a  # first\n  # between\n  - b # last\n# after the list\n\ntitle: x\n---\n"
    new = edit(tmp_path, content, {"topics": ["a", "b", "c"]})
    assert new == b"---\ntopics:\n  - a  # first\n  # between\n  - b # last\n  - c\n# after the list\n\ntitle: x\n---\n"
    new = edit(tmp_path, content, {"topics": ["b"]})
    assert new == b"---\ntopics:\n  # between\n  - b # last\n# after the list\n\ntitle: x\n---\n"
    new = edit(tmp_path, content, {"topics": ["a", "z"]})
    assert new == b"---\ntopics:\n  - a  # first\n  # between\n  - z # last\n# after the list\n\ntitle: x\n---\n"


def test_block_list_to_empty_and_back(tmp_path):
    content = "---\ntopics:\n  - a\n  - b\n\nimages:\n  - url: x\n---\n"
    emptied = edit(tmp_path, content, {"topics": []})
    assert emptied == b"---\ntopics: []\n\nimages:\n  - url: x\n---\n"
    # The file writes its lists as blocks, so the first topic turns the empty list into one.
    refilled = edit(tmp_path, emptied, {"topics": ["a", "b"]})
    assert refilled == content.encode()


def test_flow_lists_stay_flow(tmp_path):
    content = '---\ntags: [a, "b c"]\nkeywords: ["x","y"]\n---\n'
    new = edit(tmp_path, content, {"tags": ["a", "b c", "d"], "keywords": ["x"]})
    assert new == b'---\ntags: [a, "b c", d]\nkeywords: ["x"]\n---\n'


def test_empty_flow_list_fills_as_flow_when_the_file_writes_flow_lists(tmp_path):
    content = "---\ntags: [a, b]\ntopics: []\n---\n"
    assert edit(tmp_path, content, {"topics": ["x"]}) == b"---\ntags: [a, b]\ntopics: [x]\n---\n"


def test_empty_flow_list_fills_as_a_block_when_the_file_has_no_other_lists(tmp_path):
    content = "---\ntitle: x\ntopics: []  # none yet\n---\n"
    assert edit(tmp_path, content, {"topics": ["x"]}) == b"---\ntitle: x\ntopics:  # none yet\n  - x\n---\n"


def test_missing_keys_go_after_their_predecessor_in_the_seed_order(tmp_path):
    content = '---\ntitle: x\nwebUrl: "https://a.example/"\ntype: article\ncustom: 1\n---\nbody\n'
    new = edit(tmp_path, content, {"heat": 3, "quality": 2, "extra": "y"})
    assert new == (
        b'---\ntitle: x\nwebUrl: "https://a.example/"\ntype: article\nquality: 2\nheat: 3\ncustom: 1\n'
        b"extra: y\n---\nbody\n"
    )


def test_a_missing_key_without_predecessor_goes_at_the_end(tmp_path):
    content = "---\nlayout: post\n# trailing note\n---\n"
    assert edit(tmp_path, content, {"category": "news"}) == b"---\nlayout: post\ncategory: news\n# trailing note\n---\n"


def test_keys_can_be_added_to_empty_front_matter(tmp_path):
    assert edit(tmp_path, "---\n---\nbody\n", {"heat": 5}) == b"---\nheat: 5\n---\nbody\n"
    assert edit(tmp_path, "---\n# only a comment\n---\n", {"heat": 5}) == b"---\n# only a comment\nheat: 5\n---\n"


def test_removing_the_last_key_leaves_empty_front_matter(tmp_path):
    assert edit(tmp_path, "---\nheat: 5\n---\nbody\n", {"heat": REMOVE}) == b"---\n---\nbody\n"


def test_strings_keep_the_quoting_of_the_value(tmp_path):
    content = "---\ntitle: 'It''s here'\nsubtitle: \"quoted\"\ntype: article\n---\n"
    new = edit(tmp_path, content, {"title": "Don't", "subtitle": "new", "type": "blog"})
    assert new == b"---\ntitle: 'Don''t'\nsubtitle: \"new\"\ntype: blog\n---\n"


@pytest.mark.parametrize(
    "value", ["true", "1", "a: b", "#x", "null", "- x", "2020-06-11", " pad", "x #y", "", "1.5", "~"]
)
def test_plain_strings_that_would_change_meaning_are_double_quoted(tmp_path, value):
    new = apply_edits(record(tmp_path, "---\ntype: article\n---\n"), {"type": value})
    assert new.data["type"] == value
    assert new.raw.startswith(b'---\ntype: "')


def test_double_quoted_strings_escape_what_they_must(tmp_path):
    new = apply_edits(record(tmp_path, '---\ntitle: "x"\n---\n'), {"title": 'a "b" \\ c\nd\te\x07 ü 😀'})
    assert new.raw == '---\ntitle: "a \\"b\\" \\\\ c\\nd\\te\\x07 ü 😀"\n---\n'.encode()


def test_new_strings_follow_the_file_majority(tmp_path):
    assert edit(tmp_path, '---\ntitle: "x"\nwebUrl: "y"\n---\n', {"excerpt": "z"}) == (
        b'---\ntitle: "x"\nexcerpt: "z"\nwebUrl: "y"\n---\n'
    )
    assert (
        edit(tmp_path, "---\ntitle: x\nauthor: y\n---\n", {"excerpt": "z"})
        == b"---\ntitle: x\nexcerpt: z\nauthor: y\n---\n"
    )


def test_block_scalar_value_is_replaced_whole(tmp_path):
    content = "---\nexcerpt: |\n  two\n  lines\n\ntitle: x\n---\n"
    # A block scalar has no quoting to keep: the new value follows the file's other strings (plain here).
    assert edit(tmp_path, content, {"excerpt": "one"}) == b"---\nexcerpt: one\n\ntitle: x\n---\n"
    folded = "---\nexcerpt: >-\n  folded\n  text\ntitle: x\n---\n"
    assert edit(tmp_path, folded, {"excerpt": REMOVE}) == b"---\ntitle: x\n---\n"


def test_booleans_are_written_as_the_file_writes_them(tmp_path):
    assert edit(tmp_path, "---\ndraft: True\n---\n", {"draft": False}) == b"---\ndraft: False\n---\n"
    assert edit(tmp_path, "---\ndraft: yes\n---\n", {"draft": False, "featured": True}) == (
        b"---\ndraft: no\nfeatured: yes\n---\n"
    )
    assert edit(tmp_path, "---\ntitle: x\n---\n", {"published": False}) == b"---\ntitle: x\npublished: false\n---\n"


def test_null_values_are_filled_in_place(tmp_path):
    assert edit(tmp_path, "---\nheat:\ntitle: x\n---\n", {"heat": 5}) == b"---\nheat: 5\ntitle: x\n---\n"
    assert edit(tmp_path, "---\nheat: ~\ntitle: x\n---\n", {"heat": 5}) == b"---\nheat: 5\ntitle: x\n---\n"
    assert edit(tmp_path, "---\nnote: 1\nx: ~\n---\n", {"note": None}) == b"---\nnote: ~\nx: ~\n---\n"


def test_anchors_and_aliases_are_refused(tmp_path):
    doc = record(tmp_path, "---\nbase: &q 40\nquality: *q\ntags: &t [a]\nmore: *t\nheat: 1\n---\n")
    for key in ("base", "quality", "tags", "more"):
        with pytest.raises(EditRefused, match="anchor or alias"):
            apply_edits(doc, {key: 3})
    assert apply_edits(doc, {"heat": 2}).data["quality"] == 40


def test_four_space_indentation_is_followed(tmp_path):
    content = "---\ntitle: x\nprovider:\n    name: A\nimages:\n    - url: u\n---\n"
    new = edit(tmp_path, content, {"topics": ["a", "b"]})
    assert new == b"---\ntitle: x\nprovider:\n    name: A\ntopics:\n    - a\n    - b\nimages:\n    - url: u\n---\n"
    new = edit(tmp_path, new, {"topics": ["a", "b", "c"]})
    assert new.endswith(b"    - b\n    - c\nimages:\n    - url: u\n---\n")


def test_indentless_lists_are_followed(tmp_path):
    assert (
        edit(tmp_path, "---\ntags:\n- a\n- b\n---\n", {"tags": ["a", "b", "c"]}) == b"---\ntags:\n- a\n- b\n- c\n---\n"
    )
    assert edit(tmp_path, "---\ntags:\n- a\n---\n", {"topics": ["x"]}) == b"---\ntags:\n- a\ntopics:\n- x\n---\n"


def test_body_with_fence_lines_is_untouched(tmp_path):
    content = "---\nquality: 1\n---\nintro\n---\nquality: 9\n---\nmore\n"
    new = apply_edits(record(tmp_path, content), {"quality": 2})
    assert new.raw == b"---\nquality: 2\n---\nintro\n---\nquality: 9\n---\nmore\n"
    assert new.data["quality"] == 2


def test_no_final_newline(tmp_path):
    assert (
        edit(tmp_path, "---\nquality: 1\n---\nbody", {"quality": 2, "heat": 0})
        == b"---\nquality: 2\nheat: 0\n---\nbody"
    )
    assert edit(tmp_path, "---\nquality: 1\n---", {"quality": 3}) == b"---\nquality: 3\n---"


def test_non_ascii_text_before_the_value(tmp_path):
    content = '---\ntitle: "Ünïcödé 😀 — ü"\nexcerpt: 日本語のテキスト\nquality: 40\n---\nbödy\n'
    doc = record(tmp_path, content)
    # Marks are character offsets into front_text, so they point at the value itself.
    node = node_at(doc.root, ["quality"])
    assert doc.front_text[node.start_mark.index : node.end_mark.index] == "40"
    new = apply_edits(doc, {"quality": 41, "topics": ["Ünï"]})
    assert new.raw == content.replace("quality: 40\n", "quality: 41\ntopics:\n  - Ünï\n").encode()
    assert new.data["topics"] == ["Ünï"] and new.data["excerpt"] == "日本語のテキスト"


def test_several_edits_at_once(seed_file):
    doc = read_document(seed_file)
    new = apply_edits(doc, {"quality": 90, "heat": 70, "published": True, "topics": ["AI", "Robotics"]})
    removed, added = line_changes(doc.raw, new.raw)
    assert removed == [
        b"quality: 40\n",
        b"heat: -1\n",
        b"published: false\n",
        b"  - Natural Language Processing\n",
        b"  - AWS AI\n",
        b"  - Computer Vision\n",
    ]
    assert added == [b"quality: 90\n", b"heat: 70\n", b"published: true\n", b"  - Robotics\n"]


def test_top_level_mapping_written_as_flow_is_refused(tmp_path):
    doc = record(tmp_path, "---\n{title: x, quality: 1}\n---\n")
    with pytest.raises(EditRefused, match=r"\{\.\.\.\}"):
        apply_edits(doc, {"quality": 2})


def test_lists_of_mappings_are_not_edited_as_lists_of_values(tmp_path):
    doc = record(tmp_path, "---\ngallery:\n  - url: a\n---\n")
    with pytest.raises(EditRefused, match="nested values"):
        apply_edits(doc, {"gallery": ["https://a.example/x.png"]})


def test_unified_diff_shows_exactly_the_change(tmp_path):
    before = record(tmp_path, "---\ntitle: x\nquality: 1\n---\nbody")
    after = apply_edits(before, {"quality": 2})
    assert unified_diff(before, after) == (
        "--- a/record.md\n+++ b/record.md\n@@ -1,5 +1,5 @@\n ---\n title: x\n-quality: 1\n+quality: 2\n"
        " ---\n body\n\\ No newline at end of file\n"
    )
    assert unified_diff(before, apply_edits(before, {"quality": 1})) == ""


def test_unified_diff_matches_what_is_saved(seed_file):
    before = read_document(seed_file)
    after = apply_edits(before, {"topics": ["AI"]})
    patch = unified_diff(before, after)
    assert patch.count("\n-  - ") == 3 and "\n+" not in patch.split("@@", 2)[2]
    assert after.text == after.raw.decode("utf-8")


def test_bytes_that_would_not_round_trip_are_refused(tmp_path):
    doc = parse_document(b"---\nquality: 1\n---\n", tmp_path / "x.md")
    doc.raw = b"---\r\nquality: 1\r\n---\r\n"  # a Document whose text no longer matches its bytes
    with pytest.raises(EditRefused, match="exactly"):
        apply_edits(doc, {"quality": 2})


def test_keys_go_after_a_keep_block_scalar_without_eating_its_blank_lines(tmp_path):
    content = "---\ntitle: x\nexcerpt: |+\n  kept\n\n---\n"
    new = apply_edits(record(tmp_path, content), {"quality": 3})
    assert new.data["excerpt"] == "kept\n\n"
    assert new.raw == b"---\ntitle: x\nexcerpt: |+\n  kept\n\nquality: 3\n---\n"


def test_list_habits_come_from_top_level_lists_first(tmp_path):
    content = "---\ntags:\n    - a\nnested:\n  inner:\n  - b\n---\n"
    assert edit(tmp_path, content, {"topics": ["x"]}) == (
        b"---\ntags:\n    - a\nnested:\n  inner:\n  - b\ntopics:\n    - x\n---\n"
    )


def test_a_wrong_text_from_the_writer_is_caught_and_nothing_is_returned(seed_file, monkeypatch):
    from desktop.records import editor

    doc = read_document(seed_file)
    monkeypatch.setattr(editor, "_bool_word", lambda value, example: "maybe")
    with pytest.raises(EditRefused, match="was not changed"):
        apply_edits(doc, {"published": True})


def test_every_sample_record_takes_the_desk_edits_as_one_line_changes(seed_copy):
    records = sorted(seed_copy.glob("*.txt"))
    assert len(records) > 1
    for path in records:
        doc = read_document(path)
        assert doc.editable and doc.problems == [], path
        quality = apply_edits(doc, {"quality": 77 if doc.data["quality"] != 77 else 78})
        assert [len(part) for part in line_changes(doc.raw, quality.raw)] == [1, 1], path
        flipped = apply_edits(doc, {"published": not doc.data["published"]})
        assert [len(part) for part in line_changes(doc.raw, flipped.raw)] == [1, 1], path
        same = {key: doc.data[key] for key in ("quality", "heat", "published", "topics") if key in doc.data}
        assert apply_edits(doc, same).raw == doc.raw, path
        topics = doc.data.get("topics", [])
        added = apply_edits(doc, {"topics": [*topics, "Robotics"]})
        if topics:
            assert line_changes(doc.raw, added.raw) == ([], [b"  - Robotics\n"]), path
        else:  # a new section after provider, like the seed's
            provider_end = doc.raw.index(b"\n\n", doc.raw.index(b"\nprovider:")) + 1
            assert added.raw[provider_end:].startswith(b"\ntopics:\n  - Robotics\n\n"), path
            assert sorted(line_changes(doc.raw, added.raw)[1]) == [b"\n", b"  - Robotics\n", b"topics:\n"], path


def test_remove_stays_the_same_sentinel_through_copies_and_processes():
    import copy
    import pickle

    assert copy.deepcopy(REMOVE) is REMOVE
    assert copy.copy({"heat": REMOVE})["heat"] is REMOVE
    assert pickle.loads(pickle.dumps({"heat": REMOVE}))["heat"] is REMOVE
    assert repr(REMOVE) == "REMOVE"
