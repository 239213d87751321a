"""Reading records exactly: fences, encodings, line endings, node spans, and every way a file can be bad."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pytest
import yaml
from helpers import WHOLE_FILE_CODES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.records import model
from desktop.records.nodes import node_at
from desktop.records.reading import parse_document, read_document, scalar_text

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_fbf05e2be9931d54.txt"

VALID = 'title: "A title"\nwebUrl: "https://example.com/a"\n'


def write(tmp_path: Path, content: bytes | str, name: str = "record.md") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def codes(document: model.Document) -> list[str]:
    return [problem.code for problem in document.problems]


def span(document: model.Document, keys) -> str:
    node = node_at(document.root, keys)
    assert node is not None, keys
    return document.front_text[node.start_mark.index : node.end_mark.index]


# --------------------------------------------------------------------------- the seed


def test_seed_reads_without_problems_and_keeps_its_values(seed_file):
    document = read_document(seed_file)

    assert document.problems == []
    assert document.editable
    assert document.format == "yaml"
    assert document.front_line == 2
    assert document.newline == "\n" and not document.bom
    data = document.data
    assert data["quality"] == 40 and data["heat"] == -1 and data["published"] is False
    assert data["provider"] == {"name": "TheStreet.com", "domain": "thestreet.com"}
    assert data["topics"] == ["Natural Language Processing", "AI", "AWS AI", "Computer Vision"]
    assert len(data["related"]) == 26
    assert data["secured"].startswith("63+6DTvFBTMORaL81YHkdZdmcTX7")
    # YAML makes a datetime of the unquoted timestamp; the file's own text stays reachable.
    assert data["publishedDateTime"] == dt.datetime(2020, 6, 11, 16, 7, tzinfo=dt.UTC)
    assert scalar_text(document, ["publishedDateTime"]) == "2020-06-11T16:07:00Z"
    assert scalar_text(document, ["related", 0, "publishedDateTime"]) == "2020-06-11T03:45:00Z"
    assert scalar_text(document, ["nope"]) is None


def test_seed_stamp_describes_the_file_as_read(seed_file):
    document = read_document(seed_file)
    raw = seed_file.read_bytes()

    assert document.raw == raw
    assert document.stamp == model.FileStamp(
        size=len(raw), mtime_ns=os.stat(seed_file).st_mtime_ns, sha256=hashlib.sha256(raw).hexdigest()
    )


def test_node_spans_are_character_offsets_even_after_non_ascii_text(seed_file):
    document = read_document(seed_file)
    lines = document.text.split("\n")

    # The related titles contain curly apostrophes (3 bytes each in UTF-8) before later values.
    assert span(document, ["related", 0, "title"]) == '"Amazon’s facial recognition moratorium has major loopholes"'
    assert span(document, ["related", 0, "quality"]) == "91"
    assert span(document, ["secured"]).startswith('"63+6DTvFBTMORaL81YHk') and span(document, ["secured"]).endswith(
        '=="'
    )
    for keys in (
        ["quality"],
        ["heat"],
        ["published"],
        ["publishedDateTime"],
        ["topics", 3],
        ["related", 25, "quality"],
    ):
        node = node_at(document.root, keys)
        file_line = lines[node.start_mark.line + document.front_line - 1]
        assert file_line[node.start_mark.column :].startswith(span(document, keys))


def test_node_at_follows_keys_and_indexes_and_answers_none_for_missing_paths(seed_file):
    document = read_document(seed_file)

    assert isinstance(node_at(document.root, []), yaml.MappingNode)
    assert node_at(document.root, ["provider", "name"]).value == "TheStreet.com"
    assert node_at(document.root, ["topics", -1]).value == "Computer Vision"
    assert node_at(document.root, ["topics", 4]) is None
    assert node_at(document.root, ["provider", 0]) is None
    assert node_at(document.root, ["missing", "deeper"]) is None
    assert node_at(None, ["title"]) is None


def test_a_column_counts_characters_not_bytes(tmp_path):
    document = read_document(write(tmp_path, "---\n" + VALID + "topics: [Ünïcödé’, AI]\n---\n"))

    node = node_at(document.root, ["topics", 1])
    assert node.start_mark.column == len("topics: [Ünïcödé’, ")
    assert span(document, ["topics", 1]) == "AI"


# --------------------------------------------------------------------------- layouts that must read


def test_crlf_file_keeps_its_line_endings(tmp_path):
    text = ("---\n" + VALID + "quality: 40\ntopics:\n  - AI\n---\nBody line\n").replace("\n", "\r\n")
    document = read_document(write(tmp_path, text))

    assert document.problems == []
    assert document.newline == "\r\n"
    assert document.text == text
    assert document.data["topics"] == ["AI"] and document.data["quality"] == 40
    assert span(document, ["quality"]) == "40"
    assert document.front_line == 2
    assert node_at(document.root, ["quality"]).start_mark.line + document.front_line == 4
    assert document.body == "Body line\r\n"


def test_first_newline_decides_the_style_of_a_mixed_file(tmp_path):
    document = read_document(write(tmp_path, "---\n" + VALID.replace("\n", "\r\n") + "---\n"))
    assert document.newline == "\n"


def test_utf8_bom_is_detected_and_kept_out_of_the_text(tmp_path):
    raw = b"\xef\xbb\xbf" + ("---\n" + VALID + "---\n").encode()
    document = read_document(write(tmp_path, raw))

    assert document.bom
    assert document.raw == raw
    assert document.text.startswith("---\n")
    assert document.problems == []
    assert document.data["title"] == "A title"


def test_comments_are_not_part_of_values(tmp_path):
    document = read_document(
        write(
            tmp_path,
            "---\n# a whole-line comment\n"
            + VALID
            + "quality: 40  # after a value\ntopics:\n  # inside a list\n  - AI # tagged\n---\n",
        )
    )

    assert document.problems == []
    assert document.data["quality"] == 40 and document.data["topics"] == ["AI"]
    assert span(document, ["quality"]) == "40"
    assert span(document, ["topics", 0]) == "AI"


def test_flow_lists_empty_lists_and_quoting_styles(tmp_path):
    document = read_document(
        write(
            tmp_path,
            "---\n" + VALID + "topics: [AI, 'Computer Vision', \"NLP\"]\n"
            "images: []\nexcerpt: 'It''s single-quoted'\ncategory: plain words\n---\n",
        )
    )

    assert document.problems == []
    assert document.data["topics"] == ["AI", "Computer Vision", "NLP"]
    assert document.data["images"] == []
    assert document.data["excerpt"] == "It's single-quoted"
    assert span(document, ["topics"]) == "[AI, 'Computer Vision', \"NLP\"]"
    assert span(document, ["excerpt"]) == "'It''s single-quoted'"


def test_block_scalars(tmp_path):
    document = read_document(
        write(
            tmp_path,
            "---\n" + VALID + "excerpt: |\n  line one\n  line two\nsecured: >-\n  folded\n  text\nquality: 3\n---\n",
        )
    )

    assert document.problems == []
    assert document.data["excerpt"] == "line one\nline two\n"
    assert document.data["secured"] == "folded text"
    assert document.data["quality"] == 3


def test_anchors_aliases_and_merge_keys_are_not_duplicates_and_keep_the_tree(tmp_path):
    text = (
        "---\n" + VALID + "base: &provider\n  name: TechCrunch\n  domain: techcrunch.com\n"
        "provider: *provider\nother:\n  <<: *provider\n  name: Other\n---\n"
    )
    document = read_document(write(tmp_path, text))

    assert document.problems == []
    assert document.editable
    assert document.data["provider"] == {"name": "TechCrunch", "domain": "techcrunch.com"}
    assert document.data["other"] == {"name": "Other", "domain": "techcrunch.com"}
    # Constructing the merge must not splice the merged pairs into the tree the editor uses.
    other = node_at(document.root, ["other"])
    assert [key.value for key, _ in other.value] == ["<<", "name"]


def test_four_space_indentation(tmp_path):
    document = read_document(
        write(
            tmp_path, "---\n" + VALID + "provider:\n    name: X\n    domain: x.com\ntopics:\n    - AI\n    - ML\n---\n"
        )
    )

    assert document.problems == []
    assert document.data["provider"] == {"name": "X", "domain": "x.com"}
    assert document.data["topics"] == ["AI", "ML"]


def test_body_with_its_own_dash_lines_is_not_front_matter(tmp_path):
    document = read_document(write(tmp_path, "---\n" + VALID + "---\nIntro\n---\nMore: text\n---\n"))

    assert document.problems == []
    assert set(document.data) == {"title", "webUrl"}
    assert document.body == "Intro\n---\nMore: text\n---\n"


@pytest.mark.parametrize("closing", ["---", "---  ", "...", "----"])
def test_closing_fence_variants(tmp_path, closing):
    document = read_document(write(tmp_path, "---\n" + VALID + closing + "\nbody\n"))

    assert document.problems == []
    assert document.data["title"] == "A title"
    assert document.body == "body\n"


@pytest.mark.parametrize("opening", ["--- ", "---\t", "----"])
def test_opening_fence_with_trailing_blanks_or_more_dashes(tmp_path, opening):
    document = read_document(write(tmp_path, opening + "\n" + VALID + "---\n"))

    assert document.problems == []
    assert document.front_line == 2


def test_no_final_newline(tmp_path):
    document = read_document(write(tmp_path, "---\n" + VALID + "quality: 5\n---"))

    assert document.problems == []
    assert document.data["quality"] == 5
    assert document.body == ""
    assert document.front_text == VALID + "quality: 5\n"


def test_non_ascii_text(tmp_path):
    document = read_document(
        write(
            tmp_path,
            '---\ntitle: "Grüße aus Köln – 中文 😀"\nwebUrl: https://example.com/ü\n'
            "provider:\n  name: Ärzte Zeitung\n  domain: aerztezeitung.de\n---\nKörper\n",
        )
    )

    assert document.problems == []
    assert document.data["title"] == "Grüße aus Köln – 中文 😀"
    assert document.data["provider"]["name"] == "Ärzte Zeitung"
    assert span(document, ["webUrl"]) == "https://example.com/ü"
    assert document.body == "Körper\n"


def test_empty_front_matter_is_an_empty_record(tmp_path):
    document = read_document(write(tmp_path, "---\n---\nJust a body.\n"))

    assert document.data == {}
    assert document.root is None
    assert document.editable
    assert sorted(problem.path for problem in document.problems) == ["$.title", "$.webUrl"]
    assert set(codes(document)) == {model.SCHEMA}


def test_timestamps_and_other_keys_are_kept(tmp_path):
    document = read_document(
        write(tmp_path, "---\n" + VALID + "publishedDateTime: 2020-06-11T16:07:00Z\ncustom:\n  nested: [1, 2]\n---\n")
    )

    assert document.problems == []
    assert document.data["custom"] == {"nested": [1, 2]}
    assert isinstance(document.data["publishedDateTime"], dt.datetime)


# --------------------------------------------------------------------------- files that cannot be edited


def assert_blocked(document: model.Document, code: str) -> model.Problem:
    assert not document.editable
    assert document.edit_blocker
    problem = next(problem for problem in document.problems if problem.code == code)
    assert problem.message
    return problem


def test_duplicate_top_level_key_is_reported_at_its_second_occurrence(tmp_path):
    path = write(tmp_path, "---\n" + VALID + "quality: 40\nheat: 3\nquality: 50\n---\n")
    document = read_document(path)

    problem = assert_blocked(document, model.DUPLICATE_KEY)
    assert (problem.line, problem.column) == (6, 1)
    assert problem.path == "$.quality"
    assert "quality" in problem.message and "line 4" in problem.message
    assert "quality" in document.edit_blocker
    assert document.data["quality"] == 50  # what PyYAML keeps, shown but not editable


def test_duplicate_key_inside_a_nested_mapping_and_a_list_item(tmp_path):
    document = read_document(
        write(
            tmp_path,
            "---\n" + VALID + "provider:\n  name: A\n  domain: a.com\n  name: B\n"
            "related:\n  - webUrl: https://a.com/\n    webUrl: https://b.com/\n---\n",
        )
    )

    problems = [problem for problem in document.problems if problem.code == model.DUPLICATE_KEY]
    assert [(p.path, p.line, p.column) for p in problems] == [("$.provider.name", 7, 3), ("$.related[0].webUrl", 10, 5)]
    assert not document.editable


def test_same_text_with_different_types_is_not_a_duplicate(tmp_path):
    document = read_document(write(tmp_path, "---\n" + VALID + "1: int key\n'1': string key\n---\n"))
    assert model.DUPLICATE_KEY not in codes(document)


def test_unclosed_front_matter(tmp_path):
    document = read_document(write(tmp_path, "---\n" + VALID + "no closing fence\n"))

    problem = assert_blocked(document, model.UNCLOSED)
    assert (problem.line, problem.column) == (1, 1)
    assert "never closed" in problem.message
    assert document.data is None


def test_a_lone_fence_is_unclosed(tmp_path):
    assert_blocked(read_document(write(tmp_path, "---")), model.UNCLOSED)


@pytest.mark.parametrize("content", ["Just text, no front matter.\n", "", "\n---\ntitle: x\n---\n", "# ---\n"])
def test_no_front_matter(tmp_path, content):
    document = read_document(write(tmp_path, content))

    problem = assert_blocked(document, model.NO_FRONT_MATTER)
    assert problem.line is None
    assert document.format is None and document.data is None


def test_invalid_utf8_points_at_the_bad_byte(tmp_path):
    document = read_document(write(tmp_path, b"---\ntitle: caf\xe9 cr\xc3\xa8me\n---\n"))

    problem = assert_blocked(document, model.ENCODING)
    assert (problem.line, problem.column) == (2, 11)
    assert "0xe9" in problem.message
    assert document.text is None


def test_utf16_file_is_named_as_such(tmp_path):
    document = read_document(write(tmp_path, ("\ufeff---\r\n" + VALID + "---\r\n").encode("utf-16-le")))

    problem = assert_blocked(document, model.ENCODING)
    assert "UTF-16" in problem.message


def test_toml_front_matter_is_read_and_validated_but_not_editable(tmp_path):
    document = read_document(
        write(tmp_path, '+++\ntitle = "TOML title"\nwebUrl = "https://example.com/"\nquality = 140\n+++\nBody\n')
    )

    assert document.format == "toml"
    assert document.data["title"] == "TOML title"
    assert document.edit_blocker.startswith("TOML front matter can be read but not edited")
    assert [problem.path for problem in document.problems] == ["$.quality"]
    assert document.body == "Body\n"


def test_toml_syntax_error_has_a_file_line(tmp_path):
    document = read_document(write(tmp_path, '+++\ntitle = "ok"\nwebUrl = \n+++\n'))

    problem = assert_blocked(document, model.SYNTAX)
    assert problem.message == "TOML syntax error: Invalid value"
    assert (problem.line, problem.column) == (3, 10)


def test_json_front_matter_is_read_and_validated_but_not_editable(tmp_path):
    document = read_document(write(tmp_path, '{\n    "title": "JSON title",\n    "quality": "high"\n}\nBody\n'))

    assert document.format == "json"
    assert document.data == {"title": "JSON title", "quality": "high"}
    assert document.edit_blocker.startswith("JSON front matter can be read but not edited")
    assert sorted(problem.path for problem in document.problems) == ["$.quality", "$.webUrl"]
    assert document.body == "Body\n"


def test_json_syntax_error_has_a_file_line(tmp_path):
    document = read_document(write(tmp_path, '{\n    "title": "x",\n    "quality": oops\n}\n'))

    problem = assert_blocked(document, model.SYNTAX)
    assert (problem.line, problem.column) == (3, 16)


def test_ruby_tag_is_never_constructed(tmp_path):
    document = read_document(write(tmp_path, "---\n" + VALID + "test: !ruby/hash:DoesNotExist\n  a: 1\n---\n"))

    problem = assert_blocked(document, model.SYNTAX)
    assert "!ruby/hash:DoesNotExist" in problem.message
    assert (problem.line, problem.column) == (4, 7)
    assert document.data is None


def test_python_tags_do_not_run_code(tmp_path):
    marker = tmp_path / "pwned"
    document = read_document(
        write(tmp_path, f"---\n{VALID}x: !!python/object/apply:os.system ['touch {marker}']\n---\n")
    )

    assert_blocked(document, model.SYNTAX)
    assert not marker.exists()


@pytest.mark.parametrize("front, kind", [("- a\n- b\n", "a list"), ("just a sentence\n", "a single value")])
def test_front_matter_that_is_not_a_mapping(tmp_path, front, kind):
    document = read_document(write(tmp_path, "---\n" + front + "---\n"))

    problem = assert_blocked(document, model.NOT_A_MAPPING)
    assert kind in problem.message and problem.line == 2
    assert document.root is None


@pytest.mark.parametrize(
    "front, line, column, words",
    [
        (VALID + "quality: 40\n  heat: 3\n", 5, 7, "YAML syntax error"),
        ("title: {{ .Name | title }}\n", 2, 9, "template"),
        (VALID + "\tquality: 3\n", 4, 1, "tabs"),
    ],
    ids=["file-line-and-column", "template-braces-get-a-hint", "tab-indentation-gets-a-hint"],
)
def test_yaml_syntax_error_is_located_and_explained(tmp_path, front, line, column, words):
    document = read_document(write(tmp_path, "---\n" + front + "---\n"))

    problem = assert_blocked(document, model.SYNTAX)
    assert (problem.line, problem.column) == (line, column)
    assert problem.message.startswith("YAML syntax error")
    assert words in problem.message


@pytest.mark.parametrize(
    "raw, column", [(b"---\ntitle: a\x00b\n---\n", 9), ("---\ntitle: ééé\x07\n---\n".encode(), 11)]
)
def test_a_forbidden_control_character_is_located_in_characters(tmp_path, raw, column):
    document = read_document(write(tmp_path, raw))

    problem = assert_blocked(document, model.SYNTAX)
    assert "character YAML does not allow" in problem.message
    assert (problem.line, problem.column) == (2, column)


def test_read_errors_become_problems(tmp_path):
    missing = read_document(tmp_path / "missing.md")
    folder = read_document(tmp_path)

    for document in (missing, folder):
        problem = assert_blocked(document, model.IO)
        assert problem.message.startswith("cannot read the file")
        assert document.stamp is None
    assert "No such file" in missing.problems[0].message


# --------------------------------------------------------------------------- runaway strings


def seed_with(line_number: int, edit) -> bytes:
    lines = SEED.read_bytes().decode("utf-8").split("\n")
    lines[line_number - 1] = edit(lines[line_number - 1])
    return "\n".join(lines).encode("utf-8")


def drop_closing_quote(line: str) -> str:
    return line[:-1]


@pytest.mark.parametrize(
    "raw, line, column, gave_up",
    [
        (seed_with(4, drop_closing_quote), 4, 10, 6),  # excerpt: "... children.
        (seed_with(30, drop_closing_quote), 30, 12, 31),  # related[0].title
        (b'---\ntitle: "never closed\nwebUrl: x\n---\n', 2, 8, 4),  # runs on into the closing fence
    ],
    ids=["excerpt-of-the-seed", "title-of-a-related-entry", "open-until-the-closing-fence"],
)
def test_missing_closing_quote_is_reported_where_the_string_began(tmp_path, raw, line, column, gave_up):
    document = read_document(write(tmp_path, raw, "seed.txt"))

    problem = assert_blocked(document, model.SYNTAX)
    assert (problem.line, problem.column) == (line, column)
    assert problem.message == f"unclosed double-quoted string starts here (PyYAML gave up at line {gave_up})"


def test_runaway_single_quoted_string_many_lines_before_the_parser_gives_up(tmp_path):
    raw = seed_with(7, lambda line: line.replace("type: article", "type: 'article"))
    document = read_document(write(tmp_path, raw, "seed.txt"))

    problem = assert_blocked(document, model.SYNTAX)
    assert (problem.line, problem.column) == (7, 7)
    assert problem.message.startswith("unclosed single-quoted string starts here (PyYAML gave up at line ")
    gave_up = int(problem.message.rsplit(" ", 1)[1].rstrip(")"))
    assert gave_up - problem.line > 10


@pytest.mark.parametrize(
    "front",
    [
        'excerpt: "two\n  lines"\nquality: [1, 2\n',
        'excerpt: "two\n  lines" and more\n',
    ],
)
def test_an_ordinary_error_is_not_blamed_on_a_multi_line_string(tmp_path, front):
    document = read_document(write(tmp_path, "---\n" + VALID + front + "---\n"))

    problem = assert_blocked(document, model.SYNTAX)
    assert "unclosed" not in problem.message
    assert problem.message.startswith("YAML syntax error")


# --------------------------------------------------------------------------- never raises


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=200))
def test_parse_document_never_raises_on_arbitrary_bytes(raw):
    document = parse_document(raw, "fuzz.md")
    assert isinstance(document.problems, list)
    if document.data is None:
        assert document.problems and not document.editable


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("ab: -\"'[]{}\n#&*!|>%@`\t\r,?é")), max_size=80))
def test_parse_document_never_raises_on_yaml_like_front_matter(front):
    document = parse_document(("---\n" + front + "\n---\n").encode("utf-8"), "fuzz.md")
    if not document.editable:
        assert any(problem.code in WHOLE_FILE_CODES for problem in document.problems)
    for problem in document.problems:
        assert problem.message
        if problem.line is not None:
            assert problem.line >= 1 and problem.column >= 1


def test_every_closing_quote_of_the_seed_removed_in_turn_is_traced_to_its_line():
    lines = SEED.read_text(encoding="utf-8").split("\n")
    quoted = [number for number, line in enumerate(lines, 1) if line.endswith('"') and ': "' in line]
    assert len(quoted) > 100
    for number in quoted:
        document = parse_document(seed_with(number, lambda line: line[:-1]), "seed.txt")
        problem = document.problems[0]
        assert problem.code == model.SYNTAX and problem.message.startswith("unclosed double-quoted string"), number
        assert (problem.line, problem.column) == (number, lines[number - 1].index('"') + 1)


# --------------------------------------------------------------------------- the collector pause


def test_the_garbage_collector_is_paused_only_while_a_record_is_parsed(monkeypatch, request):
    import gc

    from desktop.records import reading

    # On, as in the command line (a window collects from its event loop instead: desktop/ui/collector.py).
    if not gc.isenabled():
        gc.enable()
        request.addfinalizer(gc.disable)

    seen = []
    real_parse_into = reading._parse_into

    def spying(document, previous=None):
        seen.append(gc.isenabled())
        if document.raw == b"boom":
            raise RuntimeError("a parser bug")
        return real_parse_into(document, previous)

    monkeypatch.setattr(reading, "_parse_into", spying)
    parse_document(SEED.read_bytes(), SEED)
    broken = parse_document(b"boom", "x.md")
    assert seen == [False, False] and gc.isenabled()
    assert broken.edit_blocker and "a parser bug" in broken.problems[0].message

    with reading.collector_paused():  # nested: the outer pause decides when it ends
        parse_document(SEED.read_bytes(), SEED)
        assert not gc.isenabled()
    assert gc.isenabled()

    gc.disable()  # a program that runs without the collector keeps it off
    try:
        parse_document(SEED.read_bytes(), SEED)
        assert not gc.isenabled()
    finally:
        gc.enable()


# --------------------------------------------------------------------------- the reading fast paths

from desktop.records import reading as reading_module  # noqa: E402


def _closing_fence_one_find_per_prefix(text, start, closing):
    """_find_closing_fence as it was: a str.find per prefix, the earliest first."""
    candidates = {prefix: text.find("\n" + prefix, start - 1) for prefix in reading_module._FENCE_PREFIXES[closing]}
    while True:
        found = [(position, prefix) for prefix, position in candidates.items() if position >= 0]
        if not found:
            return None
        position, prefix = min(found)
        line_start = position + 1
        line_end = text.find("\n", line_start)
        if closing.fullmatch(text[line_start : line_end if line_end >= 0 else len(text)].rstrip("\r")):
            return line_start
        candidates[prefix] = text.find("\n" + prefix, line_start)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["\n", "---", "...", "+++", "}", "-", ".", " ", "\t", "\r", "a", "é", "--- x", "\n---\n", "....", "}}"]
        ),
        max_size=16,
    ).map("".join),
    st.integers(1, 6),
    st.sampled_from(list(reading_module._FENCE_PREFIXES)),
)
def test_the_closing_fence_is_the_line_one_find_per_prefix_found(text, start, closing):
    start = min(start, len(text)) or 1
    assert reading_module._find_closing_fence(text, start, closing) == _closing_fence_one_find_per_prefix(
        text, start, closing
    )


@pytest.mark.parametrize("size", [0, 1, 5, (1 << 16) - 1, 1 << 16, (1 << 16) + 1, 200_000])
def test_a_file_is_read_to_its_end_or_one_byte_past_the_bound(tmp_path, size):
    path = tmp_path / "r.md"
    data = bytes(range(256)) * (size // 256 + 1)
    path.write_bytes(data[:size])
    fd = os.open(path, os.O_RDONLY)
    try:
        assert reading_module._read_to_end(fd, 10**9, size) == data[:size]
        os.lseek(fd, 0, os.SEEK_SET)
        assert reading_module._read_to_end(fd, 70_000, 0) == data[: min(size, 70_000)]  # grown since its fstat
        os.lseek(fd, 0, os.SEEK_SET)
        assert reading_module._read_to_end(fd, 3, size) == data[: min(size, 3)]
    finally:
        os.close(fd)
    raw, status = reading_module.load_file(path)
    assert raw == data[:size] and status.st_size == size
