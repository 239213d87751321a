"""Derive the sample records in `seeds/` from the seed record's `related` articles.

Run `python -m desktop.tools.derive_seeds [--seeds DIR] [--out DIR]`. Every derived record is
built from the source text of one `related` entry of the seed (values are sliced out of the
seed, never re-serialized, so quoting and escapes stay exactly as the seed writes them), laid
out in the seed's key order and style, and given an editorial state from `DESK_STATE`. The
output is deterministic: running the script again reproduces `seeds/` byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from desktop.records import SEED_KEY_ORDER

SEED_NAME = "000_fbf05e2be9931d54.txt"
FENCE = "---\n"

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

# Scalars of a related entry that a derived record takes over, in the seed's top-level order.
_LEADING_SCALARS = SEED_KEY_ORDER[SEED_KEY_ORDER.index("title") : SEED_KEY_ORDER.index("quality") + 1]
# A related entry's own key order (provider before quality, unlike the top level), used when the
# seed article itself is written as a sibling.
_RELATED_KEY_ORDER = (*_LEADING_SCALARS[:-1], "provider", "quality", "images")
RELATED_INDENT = "  "


@dataclass(frozen=True)
class DeskState:
    published: bool
    topics: tuple[str, ...] | None  # None: the record has no `topics` key yet


_PENDING = DeskState(published=False, topics=None)

# Editorial state per related entry (1-based, in the seed's order), as a desk would have it:
# a few strong stories tagged and approved, some tagged and awaiting review, most untouched.
DESK_STATE: dict[int, DeskState] = {
    1: DeskState(True, ("Computer Vision", "AI Ethics", "AWS AI")),
    2: DeskState(False, ("Computer Vision", "AWS AI")),
    3: DeskState(True, ("Computer Vision", "IBM")),
    4: DeskState(True, ("Computer Vision", "AI", "AWS AI")),
    5: DeskState(False, ("AI Ethics", "Computer Vision")),
    7: DeskState(True, ("IBM", "Computer Vision")),
    8: DeskState(False, ("IBM",)),
    10: DeskState(False, ("AWS AI",)),
    12: DeskState(False, ("IBM", "AI Ethics")),
    16: DeskState(False, ("Computer Vision",)),
    19: DeskState(False, ("AWS AI", "AI Ethics")),
    20: DeskState(False, ("Computer Vision", "Microsoft")),
    25: DeskState(False, ("AWS AI",)),
}


class _Source:
    """The seed's front matter text and node tree, to slice values out exactly as written."""

    def __init__(self, seed_text: str):
        if not seed_text.startswith(FENCE):
            raise ValueError("the seed record does not start with a '---' line")
        close = seed_text.find("\n" + FENCE, len(FENCE) - 1)
        if close < 0:
            raise ValueError("the seed record's front matter is not closed")
        self.front = seed_text[len(FENCE) : close + 1]
        self.trailer = seed_text[close + 1 + len(FENCE) :]  # what follows the closing fence
        self.lines = self.front.splitlines(keepends=True)
        self.root = yaml.compose(self.front, Loader=_Loader)
        self.data = yaml.load(self.front, Loader=_Loader)

    def scalar_text(self, node: yaml.Node) -> str:
        return self.front[node.start_mark.index : node.end_mark.index]

    def block_lines(self, node: yaml.Node) -> list[str]:
        """The source lines of a block collection, with no trailing blank lines."""
        end = node.end_mark
        last = end.line if self.front[end.index - end.column : end.index].strip() else end.line - 1
        lines = self.lines[node.start_mark.line : last + 1]
        while lines and not lines[-1].strip():
            lines.pop()
        return lines


def _pairs(node: yaml.MappingNode) -> dict[str, yaml.Node]:
    return {key.value: value for key, value in node.value}


def _reindent(lines: Iterable[str], old: int, new: int) -> list[str]:
    out = []
    for line in lines:
        if line[:old].strip():
            raise ValueError(f"unexpected indentation in {line!r}")
        out.append(" " * new + line[old:])
    return out


def _block(source: _Source, node: yaml.Node, indent: int) -> list[str]:
    """A block collection's lines, moved so its items start at column `indent`."""
    return _reindent(source.block_lines(node), node.start_mark.column, indent)


def _entry_lines(source: _Source, entry: yaml.MappingNode) -> list[str]:
    """One `related` item exactly as the seed writes it (the seed indents its items by two)."""
    lines = source.block_lines(entry)
    lines[0] = source.lines[entry.start_mark.line]  # from the line start: keep the "  - "
    return lines


def _seed_as_related(source: _Source) -> list[str]:
    """The seed article itself written as a `related` item, in the related entries' style."""
    fields = _pairs(source.root)
    lines: list[str] = []
    for key in _RELATED_KEY_ORDER:
        node = fields.get(key)
        if node is None:
            continue
        prefix = RELATED_INDENT + ("- " if not lines else "  ")
        if isinstance(node, yaml.ScalarNode):
            lines.append(f"{prefix}{key}: {source.scalar_text(node)}\n")
        else:
            lines.append(f"{prefix}{key}:\n")
            lines.extend(_block(source, node, len(RELATED_INDENT) + 4))
    return lines


def file_names(web_urls: list[str]) -> list[str]:
    """`NNN_<16 hex>.txt` for related entry NNN; a URL seen before gets a distinct digest."""
    names, seen = [], {}
    for number, url in enumerate(web_urls, start=1):
        repeat = seen.get(url, 0)
        seen[url] = repeat + 1
        key = url if repeat == 0 else f"{url}\n{repeat}"
        names.append(f"{number:03d}_{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}.txt")
    return names


def _topics_lines(topics: tuple[str, ...]) -> list[str]:
    lines = ["topics:\n"]
    for topic in topics:
        # Plain style like the seed's topics; a topic that would not read back as itself is quoted.
        plain = yaml.load(f"- {topic}", Loader=_Loader) == [topic]
        lines.append(f"  - {topic if plain else _double_quoted(topic)}\n")
    return lines


def _double_quoted(value: str) -> str:
    # JSON's string syntax is valid YAML double-quoted style.
    return json.dumps(value, ensure_ascii=False)


def derive_records(seed_text: str) -> dict[str, str]:
    """File name -> text of every derived record."""
    source = _Source(seed_text)
    entries: list[yaml.MappingNode] = list(_pairs(source.root)["related"].value)
    related_data: list[dict] = source.data["related"]
    seed_article = {key: source.data[key] for key in _RELATED_KEY_ORDER if key in source.data}
    # The seed sorts its related list by quality; the seed article takes its place in that order.
    seed_rank = sum(1 for entry in related_data if entry.get("quality", 0) >= seed_article.get("quality", 0))

    names = file_names([entry["webUrl"] for entry in related_data])
    records = {}
    for index, (name, node) in enumerate(zip(names, entries, strict=True)):
        fields = _pairs(node)
        state = DESK_STATE.get(index + 1, _PENDING)
        lines = [FENCE, "category: news\n"]
        for key in _LEADING_SCALARS:
            if key in fields:
                lines.append(f"{key}: {source.scalar_text(fields[key])}\n")
        lines.append("heat: -1\n")
        lines.append(f"published: {'true' if state.published else 'false'}\n")
        if "provider" in fields:
            lines += ["\n", "provider:\n", *_block(source, fields["provider"], 2)]
        if state.topics is not None:
            lines += ["\n", *_topics_lines(state.topics)]
        if "images" in fields:
            lines += ["\n", "images:\n", *_block(source, fields["images"], 2)]

        # Siblings: the other related entries and the seed article (the story's other coverage).
        siblings = [
            (position, _entry_lines(source, other)) for position, other in enumerate(entries) if position != index
        ]
        siblings.append((seed_rank - 0.5, _seed_as_related(source)))
        siblings.sort(key=lambda sibling: sibling[0])
        lines += ["\n", "related:\n"]
        for _, sibling_lines in siblings:
            lines += sibling_lines
        lines.append(FENCE)
        text = "".join(lines) + source.trailer

        expected_related = [entry for position, entry in enumerate(related_data) if position != index]
        expected_related.insert(seed_rank - (1 if index < seed_rank else 0), seed_article)
        _check(text, related_data[index], state, expected_related, name)
        records[name] = text
    return records


def _check(text: str, entry: dict, state: DeskState, related: list[dict], name: str) -> None:
    """Refuse to write a record whose data is not exactly what it was derived from."""
    data = yaml.load(text.split(FENCE)[1], Loader=_Loader)
    expected = {key: entry[key] for key in _LEADING_SCALARS if key in entry}
    expected.update(category="news", heat=-1, published=state.published)
    for key in ("provider", "images"):
        if key in entry:
            expected[key] = entry[key]
    if state.topics is not None:
        expected["topics"] = list(state.topics)
    expected["related"] = related
    if data != expected:
        raise AssertionError(f"{name}: the derived data differs from the related entry it comes from")


def write_records(seed_path: Path, out_dir: Path) -> list[Path]:
    records = derive_records(seed_path.read_bytes().decode("utf-8"))
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in records.items():
        target = out_dir / name
        target.write_bytes(text.encode("utf-8"))
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    from desktop.paths import seeds_dir

    parser = argparse.ArgumentParser(prog="python -m desktop.tools.derive_seeds", description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=Path, default=None, help=f"the seed record (default: seeds/{SEED_NAME})")
    parser.add_argument("--out", type=Path, default=None, help="folder to write the records to (default: seeds/)")
    args = parser.parse_args(argv)
    seed = args.seed or seeds_dir() / SEED_NAME
    written = write_records(seed, args.out or seed.parent)
    print(f"wrote {len(written)} records to {(args.out or seed.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
