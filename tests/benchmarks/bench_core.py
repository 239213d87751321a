"""Benchmark: the records core (read, summarise, edit, save) against plain PyYAML and python-frontmatter.

    .venv/bin/python tests/benchmarks/bench_core.py [--copies 1000] [--repeats 30]

Prints medians of time.perf_counter() over repeated runs, for the seed record, for every file of
../shared/corpus (skipped when absent) and for a temporary folder of seed copies, and a RATIO of
ours to each baseline timed in this same process on the same text:

- `yaml.safe_load` (the pure-Python SafeLoader) and `yaml.load(..., Loader=yaml.CSafeLoader)` of
  the front matter text only: data, no node marks, no duplicate-key or schema check;
- python-frontmatter `loads` + `dumps`: the naive round trip, which also rewrites the file.

Ours does more per record (node tree with marks, duplicate keys, schema check, and for an edit a
full re-parse of the result to verify it), so a ratio above 1 is the price of that, not waste.
It also counts the lines each way of changing one value changes in the seed, and the memory of
holding summaries versus full Documents (tracemalloc).
"""

from __future__ import annotations

import argparse
import difflib
import gc
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import frontmatter  # noqa: E402
import yaml  # noqa: E402

from desktop.records.editor import apply_edits  # noqa: E402
from desktop.records.model import Document  # noqa: E402
from desktop.records.reading import parse_document, read_document  # noqa: E402
from desktop.records.scan import summarize_paths  # noqa: E402
from desktop.records.store import save_document  # noqa: E402

SEED = REPO / "seeds" / "000_fbf05e2be9931d54.txt"
CORPUS = REPO.parent / "shared" / "corpus"


# --------------------------------------------------------------------------- measuring


def median_ms(action: Callable[[], object], repeats: int) -> float:
    """Median wall time of `action` in milliseconds, after one untimed warm-up run."""
    action()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def row(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<46} {value:>14}  {note}".rstrip())


def ms(value: float) -> str:
    return f"{value:.3f} ms"


def ratio(ours: float, baseline: float) -> str:
    return f"{ours / baseline:.2f}x" if baseline > 0 else "n/a"


def changed_lines(before: str, after: str) -> int:
    """Lines a diff of the two texts shows as changed (a replaced line counts once)."""
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal")


def naive_round_trip(text: str) -> str:
    return frontmatter.dumps(frontmatter.loads(text))


# --------------------------------------------------------------------------- sections


def bench_seed(repeats: int) -> None:
    print(f"Seed record: {SEED.name} ({SEED.stat().st_size:,} bytes)")
    doc = read_document(SEED)
    raw, front, text = doc.raw, doc.front_text, doc.text or ""

    ours_parse = median_ms(lambda: parse_document(raw, SEED), repeats)
    ours_read = median_ms(lambda: read_document(SEED), repeats)
    pure = median_ms(lambda: yaml.safe_load(front), repeats)
    libyaml = median_ms(lambda: yaml.load(front, Loader=yaml.CSafeLoader), repeats)
    naive = median_ms(lambda: naive_round_trip(text), repeats)
    row("read_document (file -> Document)", ms(ours_read))
    row("parse_document (bytes -> Document)", ms(ours_parse))
    row("baseline yaml.safe_load (pure)", ms(pure), f"ours/base {ratio(ours_parse, pure)}")
    row("baseline yaml.load CSafeLoader", ms(libyaml), f"ours/base {ratio(ours_parse, libyaml)}")
    row("baseline frontmatter loads+dumps", ms(naive), f"ours/base {ratio(ours_parse, naive)}")

    topics = list((doc.data or {}).get("topics") or [])
    for label, changes in (
        ("apply_edits quality 77", {"quality": 77}),
        ("apply_edits published true", {"published": True}),
        ("apply_edits topics + Robotics", {"topics": topics + ["Robotics"]}),
        ("apply_edits no-op (quality as is)", {"quality": (doc.data or {}).get("quality")}),
    ):
        row(label, ms(median_ms(lambda changes=changes: apply_edits(doc, changes), repeats)))
    edit = median_ms(lambda: apply_edits(doc, {"quality": 77}), repeats)
    row("  edit + verify vs naive loads+dumps", "", f"ours/base {ratio(edit, naive)}")

    ours_text = apply_edits(doc, {"quality": 77}).text or ""
    naive_text = frontmatter.dumps(_with_quality(frontmatter.loads(text), 77))
    row("lines changed by quality 77: ours", str(changed_lines(text, ours_text)))
    row("lines changed by quality 77: naive", str(changed_lines(text, naive_text)), f"of {len(text.splitlines())}")
    row("lines changed by a naive no-op round trip", str(changed_lines(text, naive_round_trip(text))))

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / SEED.name
        shutil.copyfile(SEED, path)
        current = [read_document(path)]
        qualities = iter(range(10**9))

        def save_one_edit() -> None:
            # Timed: the save of an edited record (temp file, fsync, rename, folder fsync, read back).
            edited = apply_edits(current[0], {"quality": next(qualities) % 101})
            start = time.perf_counter()
            current[0] = save_document(edited)
            save_times.append(time.perf_counter() - start)

        save_times: list[float] = []
        for _ in range(repeats + 1):
            save_one_edit()
        row("save_document (atomic, fsync, read back)", ms(statistics.median(save_times[1:]) * 1000))
    print()


def _with_quality(post: frontmatter.Post, quality: int) -> frontmatter.Post:
    post["quality"] = quality
    return post


def bench_corpus(repeats: int) -> None:
    if not CORPUS.is_dir():
        print(f"Corpus: {CORPUS} not present, skipped\n")
        return
    files = sorted(path for path in CORPUS.rglob("*") if path.is_file())
    raws = [(path, path.read_bytes()) for path in files]
    docs = [parse_document(raw, path) for path, raw in raws]
    # The baselines are timed on the files that every one of them reads without an exception.
    subset = []
    failures = {"pure": 0, "libyaml": 0, "frontmatter": 0}
    for (path, raw), doc in zip(raws, docs, strict=True):
        if doc.format != "yaml" or doc.text is None:
            continue
        ok = True
        for name, load in (
            ("pure", lambda doc=doc: yaml.safe_load(doc.front_text)),
            ("libyaml", lambda doc=doc: yaml.load(doc.front_text, Loader=yaml.CSafeLoader)),
            ("frontmatter", lambda doc=doc: naive_round_trip(doc.text)),
        ):
            try:
                load()
            except Exception:
                failures[name] += 1
                ok = False
        if ok:
            subset.append((path, raw, doc.front_text, doc.text))
    total_bytes = sum(len(raw) for _, raw in raws)
    print(
        f"Corpus: {len(files)} files, {total_bytes / 1e6:.1f} MB; baselines on the {len(subset)} YAML ones "
        f"all of them read (pure/libyaml/frontmatter failed on {failures['pure']}/{failures['libyaml']}/"
        f"{failures['frontmatter']})"
    )
    runs = max(3, repeats // 10)
    whole = median_ms(lambda: [parse_document(raw, path) for path, raw in raws], runs)
    row("parse_document, every file", ms(whole), f"{whole / len(raws) * 1000:.0f} us/file")
    ours = median_ms(lambda: [parse_document(raw, path) for path, raw, _, _ in subset], runs)
    pure = median_ms(lambda: [yaml.safe_load(front) for _, _, front, _ in subset], runs)
    libyaml = median_ms(lambda: [yaml.load(front, Loader=yaml.CSafeLoader) for _, _, front, _ in subset], runs)
    naive = median_ms(lambda: [naive_round_trip(text) for _, _, _, text in subset], runs)
    row("parse_document, YAML subset", ms(ours), f"{ours / len(subset) * 1000:.0f} us/file")
    row("baseline yaml.safe_load (pure)", ms(pure), f"ours/base {ratio(ours, pure)}")
    row("baseline yaml.load CSafeLoader", ms(libyaml), f"ours/base {ratio(ours, libyaml)}")
    row("baseline frontmatter loads+dumps", ms(naive), f"ours/base {ratio(ours, naive)}")
    editable = [doc for doc in docs if doc.editable]
    edit = median_ms(lambda: [_edit_or_refusal(doc) for doc in editable], runs)
    row(f"apply_edits heat 5, {len(editable)} editable files", ms(edit), f"{edit / len(editable) * 1000:.0f} us/file")
    print()


def _edit_or_refusal(doc: Document) -> None:
    from desktop.records.editor import EditRefused

    try:
        apply_edits(doc, {"heat": 5})
    except EditRefused:
        pass


def bench_folder(copies: int, repeats: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index in range(copies):
            path = Path(folder) / f"{index:05d}_{SEED.name}"
            shutil.copyfile(SEED, path)
            paths.append(str(path))
        print(f"Folder of {copies} seed copies")
        runs = max(3, repeats // 10)
        scan = median_ms(lambda: summarize_paths(paths), runs)
        row("summarize_paths, whole folder", ms(scan), f"{copies / scan * 1000:.0f} records/s")
        docs = [read_document(path) for path in paths]
        bulk = median_ms(lambda: [apply_edits(doc, {"quality": 77}) for doc in docs], runs)
        row("apply_edits quality 77, every record", ms(bulk), f"{bulk / copies:.3f} ms/record")
        edited = [apply_edits(doc, {"quality": 77}) for doc in docs]
        start = time.perf_counter()
        for doc in edited:
            save_document(doc)
        saved = (time.perf_counter() - start) * 1000
        row("save_document, every record (once)", ms(saved), f"{saved / copies:.3f} ms/record")
        print()
        print(f"Memory held for {copies} records (tracemalloc)")
        summaries_current, summaries_peak = traced(lambda: summarize_paths(paths))
        documents_current, documents_peak = traced(lambda: [read_document(path) for path in paths])
        row(
            "RecordSummary list: held / peak",
            f"{summaries_current / 1e6:.1f} MB",
            f"peak {summaries_peak / 1e6:.1f} MB",
        )
        row("Document list: held / peak", f"{documents_current / 1e6:.1f} MB", f"peak {documents_peak / 1e6:.1f} MB")
        row("Documents / summaries (held)", ratio(documents_current, summaries_current))
        print()


def traced(build: Callable[[], Sequence[object]]) -> tuple[int, int]:
    """(bytes still held while the built list is alive, peak bytes while building it)."""
    gc.collect()
    tracemalloc.start()
    try:
        held = build()
        current, peak = tracemalloc.get_traced_memory()
        del held
    finally:
        tracemalloc.stop()
    return current, peak


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=1000, help="seed copies in the temporary folder")
    parser.add_argument("--repeats", type=int, default=30, help="timed runs per single-record figure")
    options = parser.parse_args(argv)
    print(
        f"Python {sys.version.split()[0]}, PyYAML {yaml.__version__} (libyaml: {yaml.__with_libyaml__}), "
        f"python-frontmatter {version('python-frontmatter')}; medians of perf_counter runs\n"
    )
    bench_seed(options.repeats)
    bench_corpus(options.repeats)
    bench_folder(options.copies, options.repeats)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
