"""Benchmark: opening a feed of seed-sized records, cold (empty index) and warm, against the naive script.

    .venv/bin/python tests/benchmarks/bench_index.py [--records 10000] [--naive-sample 1000] [--jobs N]

Writes N copies of the 27 seed records (27 KB each) into a temporary folder and measures, in this
one process and on the same files:

- naive: python-frontmatter `load`, one file after another (what a quick script does), on a sample
  of the files, given per record and scaled to N;
- exact: Newsdesk's exact path (`read_document` + `summarize_document`) on the same sample;
- fast: the scan's fast path (`scan.read_summary`) on the same sample;
- cold: `FolderScan` over the folder with an empty index (what `newsdesk list` does);
- warm: the same with the index valid;
- changed: after changing 10 files outside (one rewritten keeping its size and mtime), a warm open,
  which must read exactly those 10.

Each figure is printed beside the naive baseline as a ratio. Wall-clock time (time.perf_counter):
the machine is shared and noisy, so compare ratios from one run, not figures across runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import frontmatter  # noqa: E402

from desktop.records import index as index_module  # noqa: E402
from desktop.records.index import FolderScan  # noqa: E402
from desktop.records.reading import read_document  # noqa: E402
from desktop.records.scan import read_summary, summarize_document  # noqa: E402

SEEDS = sorted((REPO / "seeds").glob("*.txt"))


def make_feed(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True)
    paths = []
    for number in range(count):
        target = folder / f"{number:06}_{SEEDS[number % len(SEEDS)].name}"
        shutil.copyfile(SEEDS[number % len(SEEDS)], target)
        paths.append(target)
    return paths


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--naive-sample", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    options = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as temp:
        folder = Path(temp, "feed")
        cache = Path(temp, "cache")
        paths = make_feed(folder, options.records)
        # Files written in the last RACY_NS are hashed on every open (racily clean); a real feed's are older.
        time.sleep(index_module.RACY_NS / 1e9 + 0.1)
        sample = paths[: min(options.naive_sample, len(paths))]

        naive_s, _ = timed(lambda: [frontmatter.load(str(path)) for path in sample])
        exact_s, exact_rows = timed(lambda: [summarize_document(read_document(path)) for path in sample])
        fast_s, fast_rows = timed(lambda: [read_summary(path).summary for path in sample])
        assert fast_rows == exact_rows, "the fast path disagrees with the exact path"
        naive_per = naive_s / len(sample)
        naive_total = naive_per * len(paths)

        cold_scan = FolderScan(folder, jobs=options.jobs, cache_dir=cache)
        cold_s, cold_rows = timed(cold_scan.run)
        time.sleep(index_module.RACY_NS / 1e9 + 0.1)  # as a later open would find the entries
        warm_scan = FolderScan(folder, jobs=options.jobs, cache_dir=cache)
        warm_s, warm_rows = timed(warm_scan.run)
        assert warm_scan.parsed == 0 and warm_rows == cold_rows

        changed = paths[:: max(1, len(paths) // 10)][:10]
        for path in changed[:9]:
            path.write_bytes(path.read_bytes().replace(b"quality: ", b"quality: 1", 1))
        sneaky = changed[9]
        status = sneaky.stat()
        raw = sneaky.read_bytes()
        at = raw.index(b"heat: -1") + len(b"heat: -")
        sneaky.write_bytes(raw[:at] + b"2" + raw[at + 1 :])  # heat -1 -> -2: same size, a new problem
        os.utime(sneaky, ns=(status.st_atime_ns, status.st_mtime_ns))
        changed_scan = FolderScan(folder, jobs=options.jobs, cache_dir=cache)
        changed_s, changed_rows = timed(changed_scan.run)
        differing = sum(1 for before, after in zip(cold_rows, changed_rows, strict=True) if before != after)

        def row(label: str, seconds: float, note: str = "") -> None:
            ratio = seconds / naive_total
            print(
                f"{label:<44} {seconds:9.2f} s  {seconds / len(paths) * 1000:7.3f} ms/record  "
                f"1/{1 / ratio:6.1f} of naive  {note}"
            )

        print(
            f"{len(paths):,} seed-sized records, {options.jobs} worker processes, "
            f"naive and per-record paths on {len(sample):,} of them"
        )
        print(
            f"{'naive: python-frontmatter load (scaled to all)':<44} {naive_total:9.2f} s  "
            f"{naive_per * 1000:7.3f} ms/record  baseline"
        )
        print(
            f"{'exact path, one process (scaled)':<44} {exact_s / len(sample) * len(paths):9.2f} s  "
            f"{exact_s / len(sample) * 1000:7.3f} ms/record  {naive_s / exact_s:5.2f}x naive's speed"
        )
        print(
            f"{'fast path, one process (scaled)':<44} {fast_s / len(sample) * len(paths):9.2f} s  "
            f"{fast_s / len(sample) * 1000:7.3f} ms/record  {naive_s / fast_s:5.2f}x naive's speed"
        )
        row("cold open, empty index (newsdesk list)", cold_s, f"parsed {cold_scan.parsed:,}")
        row("warm open, index valid", warm_s, f"parsed {warm_scan.parsed:,}")
        row(
            "warm open after 10 outside changes",
            changed_s,
            f"parsed {changed_scan.parsed}, rows that differ {differing}",
        )
        assert changed_scan.parsed == 10 and differing == 10
    return 0


if __name__ == "__main__":
    sys.exit(main())
