"""The sample records in seeds/: the seed kept byte for byte, the rest reproducible from it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from desktop.records.model import SEED_KEY_ORDER
from desktop.tools import derive_seeds

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHARED_SEEDS = REPO.parent / "shared" / "seeds"
SEED_NAME = "000_fbf05e2be9931d54.txt"
RECORDS = sorted(SEEDS.glob("*.txt"))


def front_matter(path: Path) -> tuple[str, str]:
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("---\n")
    front, _, rest = text[4:].partition("\n---\n")
    return front + "\n", rest


def test_the_seed_folder_holds_the_seed_and_one_record_per_related_article():
    names = [path.name for path in RECORDS]
    assert len(names) == 27
    assert names[0] == SEED_NAME
    assert all(re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", name) for name in names)
    assert [name[:3] for name in names] == [f"{number:03d}" for number in range(27)]


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_the_seed_record_is_the_shared_one_byte_for_byte():
    assert (SEEDS / SEED_NAME).read_bytes() == (SHARED_SEEDS / SEED_NAME).read_bytes()


def test_the_generator_reproduces_the_derived_records_byte_for_byte(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "desktop.tools.derive_seeds", "--seed", str(SEEDS / SEED_NAME), "--out", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    generated = sorted(tmp_path.iterdir())
    assert [path.name for path in generated] == [path.name for path in RECORDS[1:]]
    for produced in generated:
        assert produced.read_bytes() == (SEEDS / produced.name).read_bytes(), produced.name


@pytest.mark.parametrize("path", RECORDS, ids=lambda path: path.name)
def test_every_record_keeps_the_seed_layout(path):
    front, after_fence = front_matter(path)
    data = yaml.safe_load(front)
    keys = list(data)
    assert keys == [key for key in SEED_KEY_ORDER if key in data], "keys out of the seed's order"
    assert {"category", "title", "webUrl", "quality", "heat", "published", "provider", "related"} <= set(keys)
    assert after_fence == "\n"
    raw = path.read_bytes()
    assert b"\r" not in raw and b"\t" not in raw
    # Sections are separated by one blank line, and every top-level string is double quoted.
    for section in ("provider", "topics", "images", "related"):
        if section in data:
            assert f"\n\n{section}:\n" in front
    for key in ("title", "excerpt", "webUrl", "ampWebUrl", "cdnAmpWebUrl"):
        if key in data:
            assert re.search(rf'^{key}: "', front, re.MULTILINE), key
    assert re.search(r"^publishedDateTime: \d{4}-\d\d-\d\dT", front, re.MULTILINE)
    indents = {len(line) - len(line.lstrip(" ")) for line in front.splitlines() if line.strip()}
    assert all(indent % 2 == 0 for indent in indents), "nesting is indented by two spaces"


def test_each_derived_record_is_its_related_entry_with_its_siblings():
    seed = yaml.safe_load(front_matter(SEEDS / SEED_NAME)[0])
    seed_article = {
        key: seed[key]
        for key in ("title", "excerpt", "publishedDateTime", "webUrl", "type", "provider", "quality", "images")
    }
    for entry, path in zip(seed["related"], RECORDS[1:], strict=True):
        data = yaml.safe_load(front_matter(path)[0])
        assert data["category"] == "news" and data["heat"] == -1
        assert "secured" not in data
        for key, value in entry.items():
            assert data[key] == value, (path.name, key)
        siblings = [other for other in seed["related"] if other is not entry]
        assert [item for item in data["related"] if item != seed_article] == siblings
        assert data["related"].count(seed_article) == 1


def test_the_desk_states_vary_as_a_real_desk_would_have_them():
    states = [yaml.safe_load(front_matter(path)[0]) for path in RECORDS[1:]]
    published = [data for data in states if data["published"]]
    tagged = [data for data in states if data.get("topics")]
    assert 2 <= len(published) <= 6, "a few records already approved"
    assert all(data.get("topics") for data in published), "approved records are tagged"
    assert len(published) < len(tagged) < len(states), "some awaiting review are tagged, some are not"
    assert any("topics" not in data for data in states)
    assert len({name[4:] for name in (path.name for path in RECORDS)}) == 27, "duplicate webUrls still get unique names"


def test_derived_records_differ_only_by_hash_when_a_url_repeats():
    names = derive_seeds.file_names(["https://a.example/x", "https://a.example/x", "https://b.example/"])
    assert len({name[4:] for name in names}) == 3
    assert names == derive_seeds.file_names(["https://a.example/x", "https://a.example/x", "https://b.example/"])
