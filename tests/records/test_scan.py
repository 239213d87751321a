"""Finding record files and summarising them for the table, in this process and in worker processes."""

from __future__ import annotations

import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from desktop.records import model
from desktop.records.reading import parse_document, read_document
from desktop.records.scan import iter_record_files, summarize_document, summarize_paths


def make_tree(root: Path) -> None:
    for relative in (
        "b.md",
        "a.txt",
        "notes.markdown",
        "Upper.MD",
        "image.png",
        "data.json",
        ".hidden.md",
        "sub/z.md",
        "sub/deeper/y.txt",
        "sub/.git/x.md",
        ".cache/w.md",
        "a-sub/v.md",
    ):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\ntitle: x\n---\n", encoding="utf-8")


def test_iter_record_files_is_recursive_sorted_and_skips_hidden_and_other_files(tmp_path):
    make_tree(tmp_path)

    found = [path.relative_to(tmp_path).as_posix() for path in iter_record_files(tmp_path)]
    assert found == ["Upper.MD", "a-sub/v.md", "a.txt", "b.md", "notes.markdown", "sub/deeper/y.txt", "sub/z.md"]


def test_iter_record_files_accepts_a_file_and_an_empty_or_missing_folder(tmp_path):
    make_tree(tmp_path)

    assert iter_record_files(tmp_path / "b.md") == [tmp_path / "b.md"]
    assert iter_record_files(tmp_path / "image.png") == []
    (tmp_path / "empty").mkdir()
    assert iter_record_files(tmp_path / "empty") == []
    assert iter_record_files(tmp_path / "missing") == []


def test_iter_record_files_on_the_seeds(seed_copy):
    found = iter_record_files(seed_copy)
    assert len(found) == len(list(seed_copy.glob("*.txt"))) >= 27
    assert found == sorted(found)


def test_summary_of_the_seed(seed_file):
    summary = summarize_document(read_document(seed_file))

    assert summary.path == str(seed_file)
    assert summary.title == "Cramer: Amazon Facial Recognition Software Is 'Last Thing We Need Right Now'"
    assert summary.excerpt.startswith("Amazon has put a one-year pause")
    assert (summary.provider, summary.domain) == ("TheStreet.com", "thestreet.com")
    assert summary.published_at == "2020-06-11T16:07:00Z"  # as the file has it, not str(datetime)
    assert (summary.quality, summary.heat, summary.published) == (40, -1, False)
    assert summary.topics == ("Natural Language Processing", "AI", "AWS AI", "Computer Vision")
    assert summary.problems == () and summary.editable
    assert summary.as_json()["publishedDateTime"] == "2020-06-11T16:07:00Z"


def test_summary_tolerates_values_of_the_wrong_type():
    document = parse_document(
        b"---\ntitle: [not, text]\nwebUrl: https://a.b/\nquality: true\nheat: '5'\n"
        b"published: 'yes'\nprovider: Someone\ntopics: [AI, 3, {x: y}]\n"
        b'publishedDateTime: "2021-01-02T03:04:05Z"\n---\n',
        "wrong.md",
    )
    summary = summarize_document(document)

    assert summary.title == "" and summary.provider == "" and summary.domain == ""
    assert summary.quality is None and summary.heat is None and summary.published is False
    assert summary.topics == ("AI",)
    assert summary.published_at == "2021-01-02T03:04:05Z"
    assert summary.problem_count == len(document.problems) >= 5
    assert summary.editable


def test_summary_of_a_file_that_cannot_be_read_carries_its_problem(tmp_path):
    path = tmp_path / "broken.md"
    path.write_bytes(b"---\ntitle: [unclosed\n---\n")
    summary = summarize_document(read_document(path))

    assert summary.title == "" and not summary.editable
    assert summary.problems[0].code == model.SYNTAX


def test_summarize_paths_never_raises(tmp_path, seed_file):
    broken = tmp_path / "broken.md"
    broken.write_bytes(b"\xff\xfe\x00garbage")
    summaries = summarize_paths([str(seed_file), str(tmp_path / "missing.md"), str(broken), str(tmp_path)])

    assert [summary.path for summary in summaries] == [
        str(seed_file),
        str(tmp_path / "missing.md"),
        str(broken),
        str(tmp_path),
    ]
    assert summaries[0].problems == ()
    for summary in summaries[1:]:
        assert summary.problems and summary.problems[0].message and not summary.editable
    assert summaries[1].problems[0].code == model.IO


def test_summaries_travel_between_processes(seed_copy):
    paths = [str(path) for path in iter_record_files(seed_copy)]
    chunks = [paths[:10], paths[10:]]
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = [summary for chunk in pool.map(summarize_paths, chunks) for summary in chunk]

    assert [summary.path for summary in results] == paths
    assert results == summarize_paths(paths)
    assert all(summary.title and summary.problems == () for summary in results)
    assert pickle.loads(pickle.dumps(results)) == results


def test_every_maker_of_summaries_spells_the_path_as_the_records_key(tmp_path, seed_file, monkeypatch):
    """The window keys its rows on `summary.path` as it is, so each path must already be path_key's."""
    from desktop.records import FolderScan, path_key

    folder = tmp_path / "feed"
    (folder / "sub" / "deeper").mkdir(parents=True)
    (folder / "a.md").write_bytes(seed_file.read_bytes())  # the fast path
    (folder / "sub" / "b.txt").write_bytes(b"---\ntitle: yes\nquality: 012\n---\n")  # the exact path
    (folder / "sub" / "deeper" / "c.markdown").write_bytes(b"---\ntitle: [unclosed\n---\n")  # a parse error
    (folder / "d.md").write_bytes(b"\xff\xfe not text")  # cannot be decoded
    monkeypatch.chdir(tmp_path)
    for spelled in (folder, str(folder) + "/", "feed", "./feed/", "feed/sub/.."):
        for rebuild in (True, False):  # read from the files, then from the index
            summaries = FolderScan(spelled, jobs=1, rebuild=rebuild, cache_dir=tmp_path / "cache").run()
            assert len(summaries) == 4
            assert [s.path for s in summaries] == [path_key(s.path) for s in summaries], spelled
    assert all(path_key(s.path) == s.path for s in summarize_paths([str(p) for p in iter_record_files(folder)]))
