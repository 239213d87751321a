"""The record schema: each rule with a passing and a failing value, sentences, JSON paths and file positions."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from desktop.records import model
from desktop.records.reading import read_document
from desktop.records.schema import (
    is_timestamp,
    json_path,
    json_ready,
    keys_of_path,
    record_schema,
    validate_data,
    value_problems,
)

REPO = Path(__file__).resolve().parents[2]

# Line numbers below are file lines of this record.
RECORD = """\
---
title: "A title"
webUrl: "https://example.com/story"
publishedDateTime: 2020-06-11T16:07:00Z
quality: 40
heat: -1
published: false
provider:
  name: Example
  domain: example.com
topics:
  - AI
  - Robotics
images:
  - url: "https://example.com/a.jpg"
    width: 1024
related:
  - title: "Other"
    webUrl: "https://other.example/story"
custom: kept as it is
---
"""


def problems_for(tmp_path: Path, old: str, new: str) -> list[model.Problem]:
    assert old in RECORD
    path = tmp_path / "record.md"
    path.write_text(RECORD.replace(old, new, 1), encoding="utf-8")
    document = read_document(path)
    assert document.editable, document.problems  # a schema problem never blocks editing
    return document.problems


def test_the_schema_file_is_valid_draft_2020_12():
    schema = json.loads((REPO / "resources" / "record.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert record_schema() == schema


def test_the_reference_record_and_every_seed_are_valid(tmp_path):
    assert problems_for(tmp_path, "custom", "custom") == []
    seeds = sorted((REPO / "seeds").glob("*.txt"))
    assert len(seeds) >= 27
    for seed in seeds:
        assert read_document(seed).problems == [], seed.name


# (old text, new text, JSON path, line, column, words the message must contain)
FAILING = [
    ('title: "A title"', 'title: ""', "$.title", 2, 8, 'title must be a title that is not blank (found "")'),
    ('title: "A title"', 'title: "   "', "$.title", 2, 8, "title must be a title that is not blank"),
    ('title: "A title"', "title: 12", "$.title", 2, 8, "title must be a title that is not blank (found 12)"),
    ('title: "A title"\n', "", "$.title", 2, 1, "title is missing"),
    (
        'webUrl: "https://example.com/story"',
        'webUrl: "ftp://example.com/x"',
        "$.webUrl",
        3,
        9,
        "webUrl must be a web address starting with http:// or https://, at most 8,192 characters, without spaces, "
        'invisible control characters or a user:password@ (found "ftp://example.com/x")',
    ),
    ('webUrl: "https://example.com/story"', "webUrl: example.com", "$.webUrl", 3, 9, "webUrl must be a web address"),
    ('webUrl: "https://example.com/story"\n', "", "$.webUrl", 2, 1, "webUrl is missing"),
    ("quality: 40", "quality: 140", "$.quality", 5, 10, "quality must be a whole number from 0 to 100 (found 140)"),
    ("quality: 40", "quality: -1", "$.quality", 5, 10, "quality must be a whole number from 0 to 100 (found -1)"),
    ("quality: 40", "quality: true", "$.quality", 5, 10, "quality must be a whole number from 0 to 100 (found true)"),
    ("quality: 40", "quality: 40.5", "$.quality", 5, 10, "(found 40.5)"),
    ("quality: 40", 'quality: "40"', "$.quality", 5, 10, '(found "40")'),
    ("quality: 40", "quality:", "$.quality", 5, 9, "(found nothing)"),
    (
        "heat: -1",
        "heat: -2",
        "$.heat",
        6,
        7,
        "heat must be a whole number from 0 to 100, or -1 for not rated (found -2)",
    ),
    ("heat: -1", "heat: 101", "$.heat", 6, 7, "(found 101)"),
    ("heat: -1", "heat: false", "$.heat", 6, 7, "(found false)"),
    ("published: false", "published: 1", "$.published", 7, 12, "published must be true or false (found 1)"),
    ("published: false", 'published: "yes"', "$.published", 7, 12, 'published must be true or false (found "yes")'),
    ("  - Robotics", "  - AI", "$.topics[1]", 13, 5, 'topics lists "AI" more than once'),
    ("  - Robotics", '  - ""', "$.topics[1]", 13, 5, "topics[1] must be a topic name that is not blank"),
    ("  - Robotics", "  - 7", "$.topics[1]", 13, 5, "(found 7)"),
    (
        "topics:\n  - AI\n  - Robotics",
        "topics: AI",
        "$.topics",
        11,
        9,
        'topics must be a list of topic names (found "AI")',
    ),
    (
        "publishedDateTime: 2020-06-11T16:07:00Z",
        "publishedDateTime: 2020-06-11",
        "$.publishedDateTime",
        4,
        20,
        "publishedDateTime must be a date and time such as 2020-06-11T16:07:00Z",
    ),
    (
        "publishedDateTime: 2020-06-11T16:07:00Z",
        "publishedDateTime: yesterday",
        "$.publishedDateTime",
        4,
        20,
        '(found "yesterday")',
    ),
    (
        "publishedDateTime: 2020-06-11T16:07:00Z",
        'publishedDateTime: "2020-13-45T16:07:00Z"',
        "$.publishedDateTime",
        4,
        20,
        "publishedDateTime must be a date and time",
    ),
    ("  domain: example.com\n", "", "$.provider.domain", 8, 1, "provider.domain is missing"),
    ("  name: Example", "  name: 5", "$.provider.name", 9, 9, "provider.name must be a provider name"),
    ("  domain: example.com", "  domain: not a domain", "$.provider.domain", 10, 11, "a domain name"),
    (
        "provider:\n  name: Example\n  domain: example.com",
        "provider: Example",
        "$.provider",
        8,
        11,
        "provider must be a name and a domain",
    ),
    (
        '  - url: "https://example.com/a.jpg"',
        '  - url: "/relative.jpg"',
        "$.images[0].url",
        15,
        10,
        "images[0].url must be a web address starting with http:// or https://",
    ),
    ("    width: 1024", "    width: wide", "$.images[0].width", 16, 12, "images[0].width must be a whole number"),
    (
        '    webUrl: "https://other.example/story"',
        '    webUrl: "mailto:x@y.z"',
        "$.related[0].webUrl",
        19,
        13,
        "related[0].webUrl must be a web address",
    ),
]


@pytest.mark.parametrize("old, new, path, line, column, words", FAILING, ids=[case[1] or case[0] for case in FAILING])
def test_each_rule_reports_a_sentence_a_path_and_a_file_position(tmp_path, old, new, path, line, column, words):
    problems = problems_for(tmp_path, old, new)

    assert [problem.path for problem in problems] == [path]
    problem = problems[0]
    assert problem.code == model.SCHEMA
    assert words in problem.message
    assert (problem.line, problem.column) == (line, column)
    assert "Failed validating" not in problem.message and "is not of type" not in problem.message


PASSING = [
    ("quality: 40", "quality: 0"),
    ("quality: 40", "quality: 100"),
    ("heat: -1", "heat: 0"),
    ("heat: -1", "heat: 100"),
    ("published: false", "published: true"),
    ("topics:\n  - AI\n  - Robotics", "topics: []"),
    ("topics:\n  - AI\n  - Robotics", "topics: [AI, Robotics, 'Computer Vision']"),
    ("publishedDateTime: 2020-06-11T16:07:00Z", 'publishedDateTime: "2020-06-11T16:07:00+02:00"'),
    ("publishedDateTime: 2020-06-11T16:07:00Z", "publishedDateTime: 2020-06-11 16:07:00"),
    ('webUrl: "https://example.com/story"', "webUrl: http://example.com/ü?a=1#x"),
    ("custom: kept as it is", "custom: {any: [thing, 1, true]}"),
    ("images:\n", "ignored_images:\n"),
]


@pytest.mark.parametrize("old, new", PASSING, ids=[case[1] for case in PASSING])
def test_valid_values_pass(tmp_path, old, new):
    assert problems_for(tmp_path, old, new) == []


def test_several_problems_come_in_file_order(tmp_path):
    path = tmp_path / "record.md"
    path.write_text(
        RECORD.replace("heat: -1", "heat: 500")
        .replace("quality: 40", "quality: yes")
        .replace('title: "A title"', 'title: ""'),
        encoding="utf-8",
    )
    problems = read_document(path).problems

    assert [problem.path for problem in problems] == ["$.title", "$.quality", "$.heat"]
    assert [problem.location("record.md") for problem in problems] == [
        "record.md:2:8",
        "record.md:5:10",
        "record.md:6:7",
    ]


def test_validate_data_without_a_tree_has_no_positions():
    problems = validate_data({"title": "x", "webUrl": "https://a.b/", "quality": 101})
    assert [(problem.path, problem.line) for problem in problems] == [("$.quality", None)]
    assert validate_data({"title": "x", "webUrl": "https://a.b/", "publishedDateTime": dt.datetime(2020, 1, 1)}) == []
    assert [p.path for p in validate_data({})] == ["$.title", "$.webUrl"]


def test_validate_data_with_a_line_offset(tmp_path):
    path = tmp_path / "record.md"
    path.write_text(RECORD.replace("quality: 40", "quality: 400"), encoding="utf-8")
    document = read_document(path)

    shifted = validate_data(document.data, document.root, line_offset=12)
    assert [(problem.line, problem.column) for problem in shifted] == [(3 + 12, 10)]


def test_value_problems_checks_one_value_with_the_same_rules():
    assert value_problems("quality", 77) == []
    assert [p.message for p in value_problems("quality", 140)] == [
        "quality must be a whole number from 0 to 100 (found 140)"
    ]
    assert value_problems("quality", True)[0].path == "$.quality"
    assert value_problems("heat", -1) == []
    assert value_problems("heat", -5)[0].message.endswith("(found -5)")
    assert value_problems("published", True) == []
    assert value_problems("published", "true")[0].message == 'published must be true or false (found "true")'
    assert value_problems("topics", ["AI", "Robotics"]) == []
    assert value_problems("topics", ["AI", "AI"])[0].message == 'topics lists "AI" more than once'
    assert value_problems("topics", ["AI", ""])[0].path == "$.topics[1]"
    assert value_problems("title", "")[0].path == "$.title"
    assert value_problems("webUrl", "https://example.com/") == []
    assert value_problems("publishedDateTime", dt.datetime(2020, 6, 11, 16, 7, tzinfo=dt.UTC)) == []
    assert value_problems("anything-else", object) == []  # other keys are allowed and kept
    assert all(problem.line is None for problem in value_problems("quality", 140))


def test_timestamps():
    for text in ("2020-06-11T16:07:00Z", "2020-06-11T16:07:00.5+02:00", "2020-06-11 16:07", "2020-06-11t16:07:00z"):
        assert is_timestamp(text), text
    for text in ("2020-06-11", "16:07", "2020-02-30T10:00:00Z", "2020-06-11T25:00:00Z", "soon", ""):
        assert not is_timestamp(text), text


def test_json_ready_keeps_the_written_timestamp_text_when_it_has_the_node(seed_file):
    document = read_document(seed_file)

    ready = json_ready(document.data, document.root)
    assert ready["publishedDateTime"] == "2020-06-11T16:07:00Z"
    assert ready["related"][3]["publishedDateTime"] == document.data["related"][3]["publishedDateTime"].strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    json.dumps(ready)
    assert json_ready(document.data)["publishedDateTime"] == "2020-06-11T16:07:00+00:00"
    # Binary data stays bytes (no text rule may take it for text); a set is the mapping YAML calls it.
    assert json_ready({1: dt.date(2020, 1, 2), None: b"\x00", "s": {"b", 2}}) == {
        "1": "2020-01-02",
        "null": b"\x00",
        "s": {"2": None, "b": None},
    }


# --------------------------------------------------------------------------- checking only what an edit changed


def read_variant(tmp_path: Path, text: str, name: str) -> model.Document:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_document(path)


def check_from(before: model.Document, after: model.Document) -> list[model.Problem]:
    return validate_data(after.data, after.root, after.front_line, previous=(before.data, before.problems))


# Problems in values a case does not touch: carried over, and moved where a case adds or removes lines.
ELSEWHERE = [("    width: 1024", "    width: wide"), ('    title: "Other"', '    title: "Other"\n    quality: 500')]


@pytest.mark.parametrize("old, new, path, line, column, words", FAILING, ids=[case[1] or case[0] for case in FAILING])
@pytest.mark.parametrize("elsewhere", [False, True], ids=["alone", "with-other-problems"])
def test_checking_only_the_changed_values_finds_what_a_full_check_finds(
    tmp_path, old, new, path, line, column, words, elsewhere
):
    base = RECORD
    if elsewhere:
        for other_old, other_new in ELSEWHERE:
            if other_old.strip() not in old and other_old.strip() not in new:
                base = base.replace(other_old, other_new, 1)
    good = read_variant(tmp_path, base, "good.md")
    bad = read_variant(tmp_path, base.replace(old, new, 1), "bad.md")
    assert path in {problem.path for problem in bad.problems}

    assert check_from(good, bad) == bad.problems == validate_data(bad.data, bad.root, bad.front_line)
    assert check_from(bad, good) == good.problems == validate_data(good.data, good.root, good.front_line)


def test_problems_of_unchanged_values_are_carried_over_to_where_the_values_now_are(tmp_path):
    before = read_variant(tmp_path, RECORD.replace("heat: -1", "heat: 500"), "before.md")
    after = read_variant(tmp_path, RECORD.replace("heat: -1", "heat: 500").replace("quality: 40\n", ""), "after.md")
    marker = model.Problem("carried over", line=6, column=7, path="$.heat")

    carried = validate_data(after.data, after.root, after.front_line, previous=(before.data, [marker]))
    assert [(p.message, p.line, p.column, p.path) for p in carried] == [("carried over", 5, 7, "$.heat")]


def test_a_schema_rule_across_keys_means_a_full_check(tmp_path, monkeypatch):
    from desktop.records import schema

    before = read_variant(tmp_path, RECORD.replace("heat: -1", "heat: 500"), "before.md")
    marker = model.Problem("carried over", line=6, column=7, path="$.heat")
    across = dict(record_schema(), dependentRequired={"published": ["quality"]})
    monkeypatch.setattr(schema, "record_schema", lambda: across)

    checked = validate_data(before.data, before.root, before.front_line, previous=(before.data, [marker]))
    assert [p.message for p in checked] == [before.problems[0].message]
    assert "carried over" not in checked[0].message


@pytest.mark.parametrize("keys", [["images", 0, "url"], ["a.b", "ü", 3, "x y"], ['quote"d', "back\\slash"], []])
def test_keys_of_path_reverses_json_path(keys):
    assert keys_of_path(json_path(keys)) == keys


@pytest.mark.parametrize("path", ["", "images", "$.", "$[x]", "$.a[01]", '$["simple"]'])
def test_keys_of_path_refuses_what_json_path_does_not_write(path):
    assert keys_of_path(path) is None


# --------------------------------------------------------------------------- many texts, one match

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from desktop.records import schema as schema_module  # noqa: E402

WEB_ADDRESS = record_schema()["$defs"]["webAddress"]["pattern"]
DOMAIN = record_schema()["$defs"]["provider"]["properties"]["domain"]["pattern"]
GATHERED = [WEB_ADDRESS, DOMAIN, record_schema()["properties"]["decision"]["pattern"]]


def searched(pattern: str, texts: list[str]) -> bool:
    import re

    return all(re.search(pattern, text) is not None for text in texts)


def test_the_schemas_patterns_are_checked_together_and_ascii_text_by_a_table():
    import re

    for pattern in GATHERED:
        assert schema_module.texts_check(pattern) is not None, pattern
    joined = rf"(?:(?:{WEB_ADDRESS[1:-1]})\n?\x00)*"
    assert schema_module._agree_on_ascii(schema_module._ascii_form(joined), re.compile(joined), "\x00")
    # The look at the engine's internals catches a form that judges otherwise.
    assert not schema_module._agree_on_ascii(re.compile(r"(?:[^/]+\n?\x00)*"), re.compile(joined), "\x00")


@pytest.mark.parametrize(
    "pattern",
    [
        r"\S",
        "^a|b$",
        r"^a\$",
        "^(?i:a)$",
        "(?i)^a$",
        "^.+$",
        r"^(a)\1$",
        "^a(?=b)$",
        "^(?>a)$",
        "^a++$",
        "^[^x]$",
        "^a",
        "a$",
        r"^a\b$",
        "^(a|$)$",
    ],
)
def test_patterns_whose_joined_form_is_not_provably_the_same_are_searched_text_by_text(pattern):
    # Not `^`, B, `$`; flags; a set, `.` or `[^x]` that can take every separator; what the walk does not know.
    assert schema_module.texts_check(pattern) is None


URLISH = st.lists(
    st.sampled_from(
        [
            "http",
            "https",
            "HTTP",
            "://",
            "/",
            "?",
            "#",
            "@",
            ".",
            ":",
            "a",
            "b.com",
            " ",
            "\n",
            "\t",
            "\x00",
            "\x1f",
            "\x7f",
            "\x9f",
            "\xa0",
            "é",
            "\u200e",
            "\u202a",
            "\u2066",
            "\u2028",
            "\u3000",
            "%20",
            "-",
        ]
    ),
    max_size=8,
).map("".join)


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(GATHERED), st.lists(URLISH | st.text(max_size=6), max_size=5))
def test_texts_checked_together_pass_exactly_when_each_passes_alone(pattern, texts):
    together = schema_module.texts_check(pattern)(texts)
    # A text holding the separator makes the answer "not known", never "valid".
    assert together == searched(pattern, texts) or (not together and any("\x00" in t or " " in t for t in texts))


@pytest.mark.parametrize("pattern", GATHERED[:2])
def test_every_character_below_u_3100_is_judged_alone_and_among_others_as_by_search(pattern):
    check = schema_module.texts_check(pattern)
    for code in range(0x3100):
        character = chr(code)
        for text in (f"https://a{character}b.com", f"https://a.com/{character}", f"a{character}.com", character):
            expected = searched(pattern, [text])
            assert check([text]) is expected, (pattern, hex(code), text)
            assert check(["https://a.com/x", text, "b.com"]) is (
                expected and searched(pattern, ["https://a.com/x", "b.com"])
            )


def test_a_text_holding_the_separator_is_never_taken_as_valid():
    check = schema_module.texts_check(WEB_ADDRESS)
    assert not check(["https://a.com/x\x00https://b.com/y"])
    assert not check(["https://a.com/x\x00", "https://b.com/y"])
    domains = schema_module.texts_check(DOMAIN)
    assert not domains(["a.com b.com"]) and not domains(["a.com", " b.com"])
    assert check(["https://a.com/x\n", "https://b.com"])  # `$` takes a last newline, as jsonschema's search does
    assert searched(WEB_ADDRESS, ["https://a.com/x\n"])


STAMPISH = st.lists(
    st.sampled_from(
        [
            "2020-06-11T16:07:00Z",
            "2020-13-11T16:07:00Z",
            "2020-06-11 16:07",
            "\x00",
            "Z",
            "2020-06-31T10:00:00Z",
            "٢٠٢٠-06-11T16:07:00Z",
            "T",
            "2020-06-11T16:07:00+02:00",
            "16:07:00Z",
            "\n",
        ]
    ),
    min_size=1,
    max_size=3,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(STAMPISH, max_size=4))
def test_dates_checked_together_pass_exactly_when_each_passes_alone(texts):
    assert schema_module.are_timestamps(texts) is all(is_timestamp(text) for text in texts)
