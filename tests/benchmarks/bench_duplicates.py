"""Benchmark: the folder's duplicate check on many records, beside the all-pairs baseline.

    .venv/bin/python tests/benchmarks/bench_duplicates.py [--records 100000] [--baseline 2000]

Builds summaries in memory (titles of random words from a 20,000-word vocabulary, addresses on
500 hosts, 1% planted duplicates: half the same address with `www.` and `utm_source`, half the
title with one word dropped) and times `duplicates.duplicate_problems` once. The baseline compares
every pair of titles with the same `similar_titles`, timed on `--baseline` records and scaled by
pairs to the full count. It prints the planted duplicates found, as a check that speed cost no
finds.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from desktop.records.duplicates import duplicate_problems, normalized_title, similar_titles  # noqa: E402
from desktop.records.model import RecordSummary  # noqa: E402


def corpus(count: int, seed: int = 7) -> tuple[list[RecordSummary], list[tuple[int, int]]]:
    rng = random.Random(seed)
    vocabulary = [f"w{n}" + "".join(rng.choice("abcdefghij") for _ in range(rng.randint(2, 7))) for n in range(20000)]
    summaries, planted = [], []
    for position in range(count):
        if position and rng.random() < 0.01:
            original = rng.randrange(position)
            source = summaries[original]
            if rng.random() < 0.5:
                url = source.web_url.replace("https://", "http://www.") + "?utm_source=feed"
                title = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(6, 14)))
            else:
                words = source.title.split()
                del words[rng.randrange(len(words))]
                title, url = " ".join(words), f"https://host{rng.randrange(500)}.example/story/{position}"
                if not similar_titles(normalized_title(title), normalized_title(source.title)):
                    title = source.title  # a short title lost too much with one word: plant it whole
            planted.append((original, position))
        else:
            title = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(6, 14)))
            url = f"https://host{rng.randrange(500)}.example/story/{position}"
        summaries.append(
            RecordSummary(
                path=f"/feed/{position:06d}.txt", title=title, web_url=url, title_at=(3, 8), web_url_at=(6, 9)
            )
        )
    return summaries, planted


def all_pairs_seconds(summaries: list[RecordSummary]) -> float:
    titles = [normalized_title(summary.title) for summary in summaries]
    started = time.perf_counter()
    for i, title in enumerate(titles):
        for other in titles[i + 1 :]:
            similar_titles(title, other)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=2000)
    options = parser.parse_args()
    summaries, planted = corpus(options.records)
    started = time.perf_counter()
    problems = duplicate_problems(summaries)
    ours = time.perf_counter() - started
    named = {(summary.path, problem.other_path) for summary in summaries for problem in problems.get(summary.path, ())}
    found = sum(1 for a, b in planted if (summaries[b].path, summaries[a].path) in named)
    sample = all_pairs_seconds(summaries[: options.baseline])
    pairs = options.records * (options.records - 1) / 2
    scaled = sample * pairs / (options.baseline * (options.baseline - 1) / 2)
    print(f"records                 {options.records:>12,}")
    print(f"planted duplicates      {len(planted):>12,}  found {found:,}")
    print(f"records with warnings   {len(problems):>12,}")
    print(f"indexed check           {ours:>11.1f} s")
    print(f"all pairs (estimated)   {scaled:>11.0f} s  ({options.baseline:,} records took {sample:.1f} s)")
    print(f"RATIO ours / all pairs  {ours / scaled:>12.5f}")


if __name__ == "__main__":
    main()
