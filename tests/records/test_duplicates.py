"""The same story twice in a folder: by normalised web address, by near-identical title, and
within one record's related list."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from desktop.records.checks import all_problems, folder_problems
from desktop.records.duplicates import TITLE_SIMILARITY, normalized_title, normalized_url, similar_titles
from desktop.records.model import DUPLICATE, WARNING, errors_of
from desktop.records.scan import summarize_file

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_fbf05e2be9931d54.txt"
WEB_URL = "https://www.thestreet.com/streetlightning/news/jim-cramer-amazon-facial-recognition-rekognition"


@pytest.mark.parametrize(
    "variant",
    [
        "http://thestreet.com/streetlightning/news/jim-cramer-amazon-facial-recognition-rekognition",
        WEB_URL + "/",
        WEB_URL + "?utm_source=twitter&utm_medium=social",
        WEB_URL + "?fbclid=abc#comments",
        WEB_URL + "/amp/",
        WEB_URL + ".amp",
        WEB_URL + "?amp=1",
        "https://amp.thestreet.com/streetlightning/news/jim-cramer-amazon-facial-recognition-rekognition",
        "https://www-thestreet-com.cdn.ampproject.org/c/s/www.thestreet.com/streetlightning/news/"
        "jim-cramer-amazon-facial-recognition-rekognition/amp/",
        "HTTPS://WWW.THESTREET.COM/streetlightning/news/jim-cramer-amazon-facial-recognition-rekognition",
    ],
)
def test_variants_of_one_address_normalise_alike(variant):
    assert normalized_url(variant) == normalized_url(WEB_URL) != ""


@pytest.mark.parametrize(
    "other",
    [
        WEB_URL + "-2",
        WEB_URL + "?page=2",
        "https://www.thestreet.com/streetlightning/news/JIM-cramer-amazon-facial-recognition-rekognition",
        "https://www.thestreet.org/streetlightning/news/jim-cramer-amazon-facial-recognition-rekognition",
    ],
)
def test_a_different_story_stays_different(other):
    assert normalized_url(other) != normalized_url(WEB_URL)


def test_only_web_addresses_are_compared():
    assert normalized_url("ftp://example.com/a") == normalized_url("not a url") == normalized_url("http://[bad") == ""


def test_titles_differing_by_a_word_are_the_same_story_and_others_are_not():
    a = normalized_title("Amazon issues a 12-month ban on police use of facial recognition")
    assert similar_titles(a, normalized_title("Amazon issues 12-month ban on police use of facial recognition"))
    assert similar_titles(a, normalized_title("AMAZON ISSUES A 12 MONTH BAN ON POLICE USE OF FACIAL RECOGNITION!"))
    assert not similar_titles(a, normalized_title("IBM exits facial recognition business, calls for police reform"))
    assert 0.5 < TITLE_SIMILARITY < 1


def record(folder: Path, name: str, *, title: str | None = None, web_url: str | None = None) -> Path:
    text = SEED.read_text(encoding="utf-8")
    if title is not None:
        text = text.replace(
            "title: \"Cramer: Amazon Facial Recognition Software Is 'Last Thing We Need Right Now'\"",
            f'title: "{title}"',
            1,
        )
    if web_url is not None:
        text = text.replace(f'webUrl: "{WEB_URL}"', f'webUrl: "{web_url}"', 1)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def duplicates_by_file(folder: Path) -> dict[str, list]:
    summaries = [summarize_file(path) for path in sorted(folder.iterdir())]
    extra = folder_problems(summaries)
    return {
        Path(summary.path).name: [p for p in all_problems(summary, extra) if p.path in ("$.webUrl", "$.title")]
        for summary in summaries
    }


def test_the_same_story_from_two_feeds_warns_on_both_records_naming_the_other(tmp_path):
    first = record(tmp_path, "a.txt", title="One story")
    second = record(
        tmp_path,
        "b.txt",
        title="Quite another headline for it",
        web_url="http://thestreet.com/streetlightning/news/jim-cramer-amazon-facial-recognition-rekognition/"
        "?utm_source=feed",
    )
    record(tmp_path, "c.txt", title="Unrelated", web_url="https://example.com/unrelated")
    found = duplicates_by_file(tmp_path)
    assert found["c.txt"] == []
    [on_first] = found["a.txt"]
    [on_second] = found["b.txt"]
    assert (on_first.line, on_first.column, on_first.level, on_first.code) == (6, 9, WARNING, DUPLICATE)
    assert on_first.other_path == str(second) and on_second.other_path == str(first)
    assert "“Quite another headline for it” (b.txt)" in on_first.message
    assert "same web address" in on_second.message


def test_near_identical_titles_warn_at_the_title(tmp_path):
    record(
        tmp_path,
        "a.txt",
        title="Amazon issues a 12-month ban on police use of facial recognition",
        web_url="https://one.example/a",
    )
    record(
        tmp_path,
        "b.txt",
        title="Amazon issues 12-month ban on police use of facial recognition",
        web_url="https://two.example/b",
    )
    record(tmp_path, "c.txt", title="Amazon bans police use", web_url="https://three.example/c")
    found = duplicates_by_file(tmp_path)
    assert found["c.txt"] == []
    [warning] = found["a.txt"]
    assert (warning.line, warning.column, warning.path) == (3, 8, "$.title")
    assert "nearly identical title" in warning.message and warning.other_path.endswith("b.txt")


def test_the_seed_lists_one_related_story_twice(tmp_path):
    shutil.copy(SEED, tmp_path / SEED.name)
    summary = summarize_file(tmp_path / SEED.name)
    problems = all_problems(summary, folder_problems([summary]))
    [twice] = problems
    assert (twice.line, twice.column, twice.level, twice.path) == (49, 13, WARNING, "$.related")
    assert "https://techcrunch.com/2020/06/10/amazon-rekognition-moratorium/" in twice.message
    assert "line 33" in twice.message
    assert errors_of(problems) == []  # a warning never blocks approval


def test_a_record_that_does_not_parse_takes_no_part(tmp_path):
    record(tmp_path, "a.txt")
    (tmp_path / "b.txt").write_text("---\ntitle: [x\n---\n", encoding="utf-8")
    assert duplicates_by_file(tmp_path) == {"a.txt": [], "b.txt": []}


def test_copies_of_one_story_are_compared_once_not_with_each_other(monkeypatch):
    """A feed that sends one story hundreds of times: every copy names others, and the titles are
    compared as one group (comparing each copy with each other made a warm open of 5,000 such
    records wait 9 s on this check)."""
    from desktop.records import duplicates
    from desktop.records.model import RecordSummary

    compared = []
    real = duplicates.similar_titles
    monkeypatch.setattr(duplicates, "similar_titles", lambda a, b: compared.append((a, b)) or real(a, b))
    copies = [
        RecordSummary(path=f"/feed/{number}.md", title="Amazon halts police use of its facial-recognition tech")
        for number in range(2000)
    ]
    copies.append(RecordSummary(path="/feed/near.md", title="Amazon halts police use of its facial recognition tech"))
    found = duplicates.duplicate_pairs(copies)
    assert len(compared) <= 2, "one comparison per pair of distinct titles"
    assert all(len(found[position]) >= duplicates.MAX_NAMED for position in range(len(copies)))
    assert set(found[len(copies) - 1].values()) == {"title"}


def _addresses_of(value) -> list[str]:
    if isinstance(value, str):
        return [value] if "://" in value else []
    if isinstance(value, dict):
        return [address for item in value.values() for address in _addresses_of(item)]
    if isinstance(value, list):
        return [address for item in value for address in _addresses_of(item)]
    return []


CORPUS = REPO.parent / "shared" / "corpus"


def test_the_quick_path_for_plain_addresses_normalises_as_urlsplit_does():
    # Plain addresses (scheme, host, path) skip urlsplit; every other spelling takes it. Both must
    # give the same text, or a story listed twice would be missed, or two stories taken for one.
    from desktop.records.duplicates import _normalized_by_parts
    from desktop.records.reading import read_document

    addresses = [WEB_URL, "http://Example.COM./A/amp", "https://m.example.co.uk/amp/story", "http://./x"]
    addresses += ["https://example.com", "https://www.example.com/", "HTTP://EXAMPLE.COM/-amp", "https://e.x/a.AMP"]
    addresses += [
        "https://www-x-com.cdn.ampproject.org/c/s/www.x.com/a/amp/",
        "https://x.com/a b",
        "https://x.com:80/a",
    ]
    files = sorted(CORPUS.rglob("*.md"))[:400] + sorted((REPO / "seeds").glob("*.txt"))
    for path in files:
        document = read_document(path)
        addresses += _addresses_of(document.data)
    assert len(addresses) > 200
    for address in addresses:
        assert normalized_url(address) == _normalized_by_parts(address.strip()), address


def test_a_related_story_listed_twice_is_found_when_the_record_is_read():
    # The reading workers find it; the window keeps the warning, not the place of every link.
    summary = summarize_file(SEED)
    assert [(problem.line, problem.column, problem.code, problem.level) for problem in summary.warnings] == [
        (49, 13, DUPLICATE, WARNING)
    ]
    assert "amazon-rekognition-moratorium" in summary.warnings[0].message
    assert "also on line 33" in summary.warnings[0].message


def test_copies_of_a_story_share_their_warnings():
    # 100,000 copies of one story each name the same few others from the same place: one Problem
    # for each of those, not one per copy (they held 2 KB a row of the window's memory).
    from desktop.records import duplicates

    base = summarize_file(SEED)
    copies = [dataclasses.replace(base, path=f"/feed/{n:04d}.txt") for n in range(40)]
    found = duplicates.duplicate_problems(copies)
    later = [found[copy.path] for copy in copies[duplicates.MAX_NAMED + 1 :]]
    assert all(len(problems) == duplicates.MAX_NAMED + len(base.warnings) for problems in later)
    assert all(problem is first for problems in later for problem, first in zip(problems, later[0], strict=True))
    assert {problem.other_path for problem in later[0][: duplicates.MAX_NAMED]} == {
        copy.path for copy in copies[: duplicates.MAX_NAMED]
    }
