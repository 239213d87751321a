"""How long `newsdesk list` takes to lay out its table, with the ASCII shortcut for column widths
beside the per-character rule it replaces (the baseline), in the same process.

    python tests/benchmarks/bench_list_table.py [--records 10000]

The rows are the seed records' own list rows, repeated; one in ten titles is given CJK and
combining characters, so the slow rule still runs where it must.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop import cli
from desktop.records.scan import iter_record_files, summarize_file
from tests.helpers import per_character_truncate, per_character_width

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=10_000)
    options = parser.parse_args(argv)
    seed_rows = [cli._table_row(summarize_file(path).as_json(), SEEDS) for path in iter_record_files(SEEDS)]
    rows = []
    for n in range(options.records):
        row = list(seed_rows[n % len(seed_rows)])
        if n % 10 == 0:
            row = [cell + " 中文 e\u0301" if i == 1 else cell for i, cell in enumerate(row)]
        rows.append(row)

    def lay_out() -> tuple[float, list[str]]:
        start = time.perf_counter()
        lines = cli._aligned_table(cli._LIST_COLUMNS, rows, 120, cli._SHRINK_STEPS)
        return time.perf_counter() - start, lines

    for _ in range(2):  # alternate, so neither side gets the quieter moment of a noisy machine
        with (
            mock.patch.object(cli, "_display_width", per_character_width),
            mock.patch.object(cli, "_truncate", per_character_truncate),
        ):
            baseline, expected = lay_out()
        fast, lines = lay_out()
        assert lines == expected, "the shortcut changed the table"
        print(
            f"{options.records} rows: per-character widths {baseline * 1000:.0f} ms (baseline), "
            f"ASCII shortcut {fast * 1000:.0f} ms ({baseline / fast:.1f}x faster), same lines"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
