"""Benchmark: the scan's fast path now against the same code at an earlier commit, in one process.

    .venv/bin/python tests/benchmarks/bench_fastscan_ab.py [--baseline HEAD~1] [--rounds 15]

Loads `desktop/records/` schema, reading, fastscan and scan as they are at `--baseline` (from git)
beside the working tree's, and times, alternating old and new in each round, on the 27 seed records:
`summarize_front_matter`, called as `scan.read_summary` calls it (front matter already located, so
only the fast path is timed), and `scan.read_summary` itself (reading, locating and hashing too).
Prints the best and median round of each in microseconds per record, new beside its baseline, and
checks that both give the same summary for every record (and for the corpus, when present).
Wall-clock time on a shared machine: compare the ratio, not figures across runs.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import inspect
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from desktop.records import fastscan, scan  # noqa: E402
from desktop.records.model import Document  # noqa: E402
from desktop.records.reading import locate_front_matter  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"


def baseline_modules(revision: str) -> dict[str, types.ModuleType]:
    """schema, reading, fastscan and scan as of `revision`, as private modules of a package of their
    own (`desktop._baseline`) that shares this tree's model and nodes (so summaries compare equal)."""
    package = types.ModuleType("desktop._baseline")
    package.__path__ = []
    sys.modules[package.__name__] = package
    for shared in ("model", "nodes"):
        sys.modules[f"desktop._baseline.{shared}"] = importlib.import_module(f"desktop.records.{shared}")
    loaded = {}
    for name in ("schema", "reading", "fastscan", "scan"):
        source = subprocess.run(
            ["git", "-C", str(REPO), "show", f"{revision}:desktop/records/{name}.py"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        module = types.ModuleType(f"desktop._baseline.{name}")
        module.__package__ = "desktop._baseline"
        sys.modules[module.__name__] = module
        exec(compile(source, f"{revision}:{name}.py", "exec"), module.__dict__)
        loaded[name] = module
    return loaded


def as_scan_calls(summarize):
    """`summarize_front_matter` as scan.read_summary calls it (on a document just located)."""
    if "text_is_raw" in inspect.signature(summarize).parameters:
        return functools.partial(summarize, text_is_raw=True)
    return summarize


def documents(paths: list[Path]) -> list[Document]:
    found = []
    for path in paths:
        document = Document(path=path, raw=path.read_bytes())
        try:
            if locate_front_matter(document):
                found.append(document)
        except Exception:  # noqa: BLE001 - a file the reader refuses is not a fast-path case
            continue
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="HEAD~1")
    parser.add_argument("--rounds", type=int, default=15)
    options = parser.parse_args(argv)

    baseline = baseline_modules(options.baseline)
    old = baseline["fastscan"]
    seed_paths = sorted((REPO / "seeds").glob("*.txt"))
    seeds = documents(seed_paths)
    checked = seeds + (documents(sorted(p for p in CORPUS.rglob("*") if p.is_file())) if CORPUS.is_dir() else [])
    old_summarize, new_summarize = (as_scan_calls(module.summarize_front_matter) for module in (old, fastscan))
    for document in checked:
        assert old_summarize(document) == new_summarize(document), document.path
    taken = sum(1 for document in seeds if new_summarize(document) is not None)

    timings: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(options.rounds):
        for label, summarize in (("old", old_summarize), ("new", new_summarize)):
            start = time.perf_counter()
            for document in seeds:
                summarize(document)
            timings[label].append((time.perf_counter() - start) / len(seeds) * 1e6)

    print(
        f"{len(seeds)} seed records ({taken} by the fast path), {options.rounds} alternating rounds; "
        f"same summaries on {len(checked)} documents"
    )
    report("summarize_front_matter", options.baseline, timings)

    # The whole of a scan's work on a file: read, locate the front matter, summarise, hash.
    for path in seed_paths:
        assert baseline["scan"].read_summary(path) == scan.read_summary(path), path
    timings = {"old": [], "new": []}
    for _ in range(options.rounds):
        for label, read_summary in (("old", baseline["scan"].read_summary), ("new", scan.read_summary)):
            start = time.perf_counter()
            for path in seed_paths:
                read_summary(path)
            timings[label].append((time.perf_counter() - start) / len(seed_paths) * 1e6)
    report("scan.read_summary", options.baseline, timings)
    return 0


def report(what: str, baseline: str, timings: dict[str, list[float]]) -> None:
    best_old, best_new = min(timings["old"]), min(timings["new"])
    median_old, median_new = statistics.median(timings["old"]), statistics.median(timings["new"])
    print(f"{what}")
    print(f"  baseline {baseline:<12} best {best_old:8.1f} us/record  median {median_old:8.1f}")
    print(
        f"  {'working tree':<21} best {best_new:8.1f} us/record  median {median_new:8.1f}  "
        f"({best_new / best_old:.2f} / {median_new / median_old:.2f} of baseline)"
    )


if __name__ == "__main__":
    sys.exit(main())
