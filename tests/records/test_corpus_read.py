"""Every real front-matter file in ../shared/corpus is read without an exception, and whatever cannot be read
or edited says why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import WHOLE_FILE_CODES

from desktop.records import model
from desktop.records.reading import read_document
from desktop.records.schema import json_ready

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present in this checkout"),
]


def corpus_files() -> list[Path]:
    return sorted(path for path in CORPUS.rglob("*") if path.is_file()) if CORPUS.is_dir() else []


def test_every_corpus_file_is_read_and_every_unreadable_one_says_why():
    files = corpus_files()
    assert len(files) > 1000
    unreadable = 0
    for path in files:
        document = read_document(path)  # must not raise
        assert document.raw == path.read_bytes()
        for problem in document.problems:
            assert problem.message, path
            if problem.line is not None:
                assert problem.line >= 1 and (problem.column or 1) >= 1, (path, problem)
        if document.data is None:
            unreadable += 1
            assert any(problem.code in WHOLE_FILE_CODES for problem in document.problems), path
            assert document.edit_blocker, path
        if document.edit_blocker is not None:
            assert document.problems or document.format in ("toml", "json"), path
        if document.format == "yaml" and document.editable:
            assert document.data is not None and document.text is not None, path
    assert unreadable >= 10


@pytest.mark.parametrize(
    "relative, code, line",
    [
        ("jekyll/test/source/_encodings/Unicode16LECRLFandBOM.md", model.ENCODING, None),
        ("jekyll/test/source/_broken/bad_post.md", model.SYNTAX, 3),
        ("jekyll-nonmd/test/fixtures/exploit_front_matter.erb", model.SYNTAX, 2),
        ("hugoDocs/archetypes/default.md", model.SYNTAX, 2),
        ("python-frontmatter/tests/empty/no-frontmatter.txt", model.NO_FRONT_MATTER, None),
    ],
)
def test_known_unreadable_files(relative, code, line):
    document = read_document(CORPUS / relative)

    assert not document.editable
    problem = next(problem for problem in document.problems if problem.code == code)
    assert problem.line == line


def test_the_ruby_hash_exploit_is_refused_by_name():
    document = read_document(CORPUS / "jekyll-nonmd/test/fixtures/exploit_front_matter.erb")
    assert "!ruby/hash" in document.problems[0].message
    assert document.data is None


@pytest.mark.parametrize(
    "relative",
    [
        "jekyll/test/source/_posts/2014-03-03-yaml-with-dots.md",
        "jekyll/test/source/_posts/2015-12-27-extra-spaces.markdown",
        "jekyll/test/source/win/_posts/2009-05-24-yaml-linebreak.markdown",
        "jekyll/test/source/_encodings/UTF8CRLFandBOM.md",
    ],
)
def test_quirky_but_valid_yaml_files_are_editable(relative):
    document = read_document(CORPUS / relative)

    assert document.editable, document.edit_blocker
    assert document.data
    assert {problem.code for problem in document.problems} <= {model.SCHEMA}


def python_frontmatter_cases() -> list[Path]:
    folder = CORPUS / "python-frontmatter"
    return sorted(folder.rglob("*.result.json")) if folder.is_dir() else []


@pytest.mark.parametrize("expected_file", python_frontmatter_cases(), ids=lambda path: path.name)
def test_python_frontmatter_expected_results(expected_file):
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    stem = expected_file.name[: -len(".result.json")]
    source = next(
        path
        for path in expected_file.parent.iterdir()
        if path.name.startswith(stem + ".") and not path.name.endswith(".result.json")
    )
    document = read_document(source)
    content = expected.pop("content")

    if document.data is None:  # no front matter: python-frontmatter gives the whole text as content
        assert expected == {}
        assert document.problems[0].code == model.NO_FRONT_MATTER
        assert document.text.strip() == content
        return
    assert json_ready(document.data, document.root) == expected
    assert document.body.strip() == content
