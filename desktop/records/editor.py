"""Minimal-diff edits of top-level front matter values.

An edit replaces only the characters of the value it changes, found from the YAML node marks of
the front matter, and writes the new value the way the file already writes its values (quoting,
flow or block lists, indentation, line endings). The result is parsed again and must give exactly
the intended data, every other value unchanged; anything else is refused, never written.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import math
import re
from collections import Counter, deque
from collections.abc import Mapping, Sequence
from typing import Any, TypeGuard

import yaml

from desktop.records.errors import RecordError

from .model import SEED_KEY_ORDER, Document, Problem
from .reading import collector_paused, compose_front_matter, compose_node, construct_node, parse_document
from .schema import same_value, value_problems

BOM = b"\xef\xbb\xbf"
STR_TAG = "tag:yaml.org,2002:str"
BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"

# Keys that start a blank-line-separated section in the seed record.
SECTION_KEYS = frozenset({"provider", "topics", "images", "related", "secured"})

_SCALAR_TYPES = (str, bool, int, float, type(None))
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")
_BOOL_SPELLINGS = {
    # family of the spelling a file uses -> (true, false)
    "true": ("true", "false"),
    "yes": ("yes", "no"),
    "on": ("on", "off"),
}


class EditRefused(RecordError):
    """An edit that was not made, with the reason in words an editor understands."""


class _Remove:
    def __repr__(self) -> str:
        return "REMOVE"

    def __reduce__(self) -> str:
        return "REMOVE"


REMOVE = _Remove()  # as a change value: delete that key from the front matter


# --------------------------------------------------------------------------------------------
# Public API


def apply_edits(doc: Document, changes: Mapping[str, Any]) -> Document:
    """A new Document with `changes` applied to the top-level front matter values of `doc`.

    `changes` maps a key to its new value (a scalar or a list of scalars) or to REMOVE. The result
    keeps `doc.path` and `doc.stamp`; a change to what is already there leaves `raw` identical.
    """
    with collector_paused():
        return _apply_edits(doc, changes)


def _apply_edits(doc: Document, changes: Mapping[str, Any]) -> Document:
    name = doc.path.name
    if doc.edit_blocker:
        raise EditRefused(f"{name} cannot be edited: {doc.edit_blocker}")
    if doc.text is None or doc.data is None or not isinstance(doc.data, dict):
        raise EditRefused(f"{name} cannot be edited: its front matter is not a set of key: value lines.")
    if (BOM if doc.bom else b"") + doc.text.encode("utf-8") != doc.raw:
        raise EditRefused(f"{name} cannot be edited: its bytes would not be written back exactly as they are.")

    wanted = {key: _normalized(key, value) for key, value in changes.items()}
    _check_values(name, wanted)

    expected = dict(doc.data)
    pending: list[tuple[str, Any]] = []
    for key, value in wanted.items():
        if value is REMOVE:
            if key not in expected:
                continue
            del expected[key]
        else:
            if key in expected and same_value(expected[key], value):
                continue
            expected[key] = value
        pending.append((key, value))
    if not pending:
        return dataclasses.replace(doc, problems=list(doc.problems))

    front = doc.front_text
    # The first edit works on the tree `doc` was read with (its marks index `front`); each later one
    # parses the text the edit before it produced.
    tree = doc.root
    for key, value in pending:
        try:
            front = _FrontEditor(front, doc.newline, tree, doc.data if tree is not None else None).edit(key, value)
            tree = None
        except EditRefused as refused:
            raise EditRefused(f"{name} was not changed: {refused}") from None
        except Exception as error:  # a layout the editor does not know: refuse rather than guess
            raise EditRefused(
                f"{name} was not changed: {key} could not be placed in the file ({type(error).__name__}: {error})."
            ) from error

    text = doc.text[: doc.front_start] + front + doc.text[doc.front_end :]
    raw = (BOM if doc.bom else b"") + text.encode("utf-8")
    new = parse_document(raw, doc.path, previous=doc)
    if new.edit_blocker or new.data is None or not same_value(new.data, expected):
        raise EditRefused(
            f"{name} was not changed: the edit could not be written without changing other values "
            f"({new.edit_blocker or 'the file read back differently'})."
        )
    new.stamp = doc.stamp

    if wanted.get("published") is True and doc.data.get("published") is not True and new.problems:
        raise EditRefused(publication_refusal(name, new.problems))
    return new


def publication_refusal(name: str, problems: Sequence[Problem]) -> str:
    """Why a record with `problems` cannot be approved, the first few listed with their lines."""
    listed = "; ".join((f"line {p.line}: " if p.line else "") + p.message for p in problems[:5])
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    return (
        f"{name} cannot be published while it has {len(problems)} problem"
        f"{'s' if len(problems) != 1 else ''}: {listed}{more}."
    )


def unified_diff(before: Document, after: Document) -> str:
    """The change a save of `after` makes to `before`, as a unified diff of text lines."""
    name = after.path.name
    lines = difflib.unified_diff(
        _lines(before.text or ""), _lines(after.text or ""), fromfile=f"a/{name}", tofile=f"b/{name}"
    )
    out = []
    for line in lines:
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Values


def _normalized(key: Any, value: Any) -> Any:
    if not isinstance(key, str) or not key:
        raise EditRefused(f"{key!r} is not a key that can be edited.")
    if value is REMOVE or isinstance(value, _SCALAR_TYPES):
        if isinstance(value, float) and not math.isfinite(value):
            raise EditRefused(f"{key}: {value} is not a number that can be written.")
        return value
    if isinstance(value, (list, tuple)):
        items = list(value)
        for item in items:
            if not isinstance(item, _SCALAR_TYPES) or (isinstance(item, float) and not math.isfinite(item)):
                raise EditRefused(f"{key}: a list may only hold plain values, not {item!r}.")
        return items
    raise EditRefused(f"{key}: a value of type {type(value).__name__} cannot be written.")


def _check_values(name: str, wanted: Mapping[str, Any]) -> None:
    for key, value in wanted.items():
        if value is REMOVE:
            continue
        problems = value_problems(key, value)
        if problems:
            raise EditRefused(f"{name} was not changed: " + "; ".join(p.message for p in problems) + ".")


def _lines(text: str) -> list[str]:
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


# --------------------------------------------------------------------------------------------
# Scalar emission


def _double_quoted(text: str) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0:
            out.append(f"\\x{code:02x}")
        elif ch in "\u2028\u2029\ufeff" or 0xD800 <= code < 0xE000 or code in (0xFFFE, 0xFFFF):
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _printable(text: str) -> bool:
    return all(ch == " " or (ch.isprintable() and ch not in "\u2028\u2029\ufeff") for ch in text)


def _plain_ok(text: str, flow: bool) -> bool:
    if not text or text != text.strip() or not _printable(text):
        return False
    if text[0] in "-?:,[]{}#&*!|>'\"%@`" or ": " in text or " #" in text or text.endswith(":"):
        return False
    if flow and any(ch in text for ch in ",[]{}"):
        return False
    probe = f"[{text}]" if flow else f"k: {text}"
    try:
        _, loaded = compose_front_matter(probe)
    except yaml.YAMLError:
        return False
    return loaded == ([text] if flow else {"k": text})


def _string(text: str, style: str | None, flow: bool) -> str:
    if style is None and _plain_ok(text, flow):
        return text
    if style == "'" and _printable(text):
        return "'" + text.replace("'", "''") + "'"
    return _double_quoted(text)


def _bool_word(value: bool, example: str | None) -> str:
    if example is None:
        return "true" if value else "false"
    lower = example.lower()
    family = next((fam for fam, pair in _BOOL_SPELLINGS.items() if lower in pair), "true")
    word = _BOOL_SPELLINGS[family][0 if value else 1]
    if example.isupper():
        return word.upper()
    if example[:1].isupper():
        return word.capitalize()
    return word


def _float_text(value: float) -> str:
    text = yaml.safe_dump(value).splitlines()[0]
    return text


# --------------------------------------------------------------------------------------------
# Text edits on the front matter


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _next_line_start(text: str, pos: int) -> int:
    """Start of the line after the one holding `pos` (len(text) when there is none)."""
    found = text.find("\n", pos)
    return len(text) if found < 0 else found + 1


def _line_end(text: str, pos: int) -> int:
    """Index of the line break ending the line holding `pos` (its `\\r` for CRLF)."""
    found = text.find("\n", pos)
    if found < 0:
        return len(text)
    return found - 1 if found > 0 and text[found - 1] == "\r" else found


def _is_blank_line(text: str, start: int) -> bool:
    end = _line_end(text, start)
    return start < len(text) and not text[start:end].strip(" \t")


def _content_end(text: str, node: yaml.Node, seen: set[int] | None = None) -> int:
    """Offset just after the last character of a node's own text (no trailing blanks or comments)."""
    seen = set() if seen is None else seen
    if id(node) in seen:
        return node.end_mark.index
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        end = node.end_mark.index
        header = text[node.start_mark.index : text.find("\n", node.start_mark.index)]
        # A `|+` / `>+` scalar keeps its trailing blank lines as part of its value.
        if node.style in ("|", ">") and "+" not in header:
            while end > node.start_mark.index and text[end - 1] in " \t\r\n":
                end -= 1
        return end
    if not isinstance(node, yaml.CollectionNode) or node.flow_style or not node.value:
        return node.end_mark.index
    if isinstance(node, yaml.SequenceNode):
        return max(node.value[-1].start_mark.index + 1, _content_end(text, node.value[-1], seen))
    key, value = node.value[-1]
    return max(_content_end(text, key, seen), _content_end(text, value, seen))


def _walk(root: yaml.Node):
    """Every (parent key node or None, node) pair in the tree, each node once, in document order by depth."""
    seen: set[int] = set()
    queue: deque[tuple[Any, yaml.Node]] = deque([(None, root)])  # breadth first: top-level habits first
    while queue:
        parent_key, node = queue.popleft()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield parent_key, node
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                queue.append((None, k))
                queue.append((k, v))
        elif isinstance(node, yaml.SequenceNode):
            queue.extend((None, item) for item in node.value)


class _FrontEditor:
    """One edit of one top-level key of a front matter text, with the file's writing habits."""

    def __init__(self, front: str, newline: str, root: yaml.Node | None = None, data: Any = None):
        """`root` (and its constructed `data`, if at hand) when the caller has already composed `front`."""
        self.front = front
        self.nl = newline
        if root is None:
            try:
                root = compose_node(front)
            except yaml.YAMLError as exc:
                raise EditRefused(f"the front matter is not valid YAML ({exc}).") from None
        self.root = root
        if data is not None:
            self.data = data
        if self.root is not None and not isinstance(self.root, yaml.MappingNode):
            raise EditRefused("the front matter is not a set of key: value lines.")
        if self.root is not None and self.root.flow_style:
            raise EditRefused("the front matter is written as one {...} mapping, which is not edited in place.")
        self.pairs = list(self.root.value) if self.root is not None else []

    @functools.cached_property
    def data(self) -> Any:
        # Only a block list edit needs the old values, and only for its own key.
        return construct_node(self.root)

    # ---- the file's habits

    def _scalars(self):
        if self.root is None:
            return
        for _, node in _walk(self.root):
            if isinstance(node, yaml.ScalarNode):
                yield node

    def _bool_example(self, current: yaml.Node | None) -> str | None:
        if isinstance(current, yaml.ScalarNode) and current.tag == BOOL_TAG and not current.style:
            return current.value
        for node in self._scalars():
            if node.tag == BOOL_TAG and not node.style:
                return node.value
        return None

    def _null_word(self) -> str:
        for node in self._scalars():
            if node.tag == NULL_TAG and node.value in ("~", "null", "Null", "NULL"):
                return node.value
        return "null"

    def _string_style(self, current: yaml.Node | None, siblings: list[yaml.Node] | None) -> str | None:
        def usable(node: yaml.Node | None) -> TypeGuard[yaml.ScalarNode]:
            # libyaml marks a plain scalar with style "", the pure-Python parser with None
            return isinstance(node, yaml.ScalarNode) and node.tag == STR_TAG and node.style in (None, "", "'", '"')

        if usable(current):
            return current.style or None
        if siblings:
            votes = Counter(n.style or None for n in siblings if usable(n))
            if votes:
                return votes.most_common(1)[0][0]
        if siblings is not None:  # a list: the items of the file's other lists of strings
            sequences = (
                [node for _, node in _walk(self.root) if isinstance(node, yaml.SequenceNode)] if self.root else []
            )
            votes = Counter(item.style or None for node in sequences for item in node.value if usable(item))
            if votes:
                return votes.most_common(1)[0][0]
            return None  # the seed writes its list items plain (quoted only where they must be)
        votes = Counter(v.style or None for _, v in self.pairs if usable(v))
        if votes:
            return votes.most_common(1)[0][0]
        return '"'

    def _scalar(self, value: Any, current: yaml.Node | None, siblings=None, flow=False) -> str:
        if isinstance(value, bool):
            return _bool_word(value, self._bool_example(current))
        if value is None:
            return self._null_word()
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return _float_text(value)
        return _string(value, self._string_style(current, siblings), flow)

    def _key_indent(self) -> str:
        return " " * (self.pairs[0][0].start_mark.column if self.pairs else 0)

    def _list_habits(self) -> tuple[int, str]:
        """(dash column relative to its key, text between the dash and the item) of block lists."""
        if self.root is not None:
            for parent_key, node in _walk(self.root):
                if (
                    parent_key is not None
                    and isinstance(node, yaml.SequenceNode)
                    and not node.flow_style
                    and node.value
                ):
                    first = node.value[0]
                    dash = node.start_mark.index
                    gap = self.front[dash + 1 : first.start_mark.index]
                    if self.front[dash] == "-" and gap and not gap.strip(" "):
                        return node.start_mark.column - parent_key.start_mark.column, gap
            for parent_key, node in _walk(self.root):
                if parent_key is not None and isinstance(node, yaml.MappingNode) and not node.flow_style:
                    width = node.start_mark.column - parent_key.start_mark.column
                    if width > 0:
                        return width, " "
        return 2, " "

    def _prefers_flow_lists(self) -> bool:
        flow = block = 0
        if self.root is not None:
            for _, node in _walk(self.root):
                if isinstance(node, yaml.SequenceNode) and node.value:
                    if node.flow_style:
                        flow += 1
                    else:
                        block += 1
        return flow > block

    def _uses_sections(self) -> bool:
        for key, _ in self.pairs[1:]:
            start = _line_start(self.front, key.start_mark.index)
            if start >= 2 and _is_blank_line(self.front, _line_start(self.front, start - 1)):
                return True
        return False

    # ---- text building

    def _flow_list(self, values: list, current: yaml.SequenceNode | None) -> str:
        sep, pad = ", ", ""
        items = current.value if current is not None else []
        if current is not None and current.flow_style:
            inner = self.front[current.start_mark.index + 1 : current.end_mark.index - 1]
            if len(items) >= 2:
                between = self.front[items[0].end_mark.index : items[1].start_mark.index]
                sep = ", " if between.endswith(" ") else ","
            if inner.startswith(" ") and inner.endswith(" ") and inner.strip():
                pad = " "
        if not values:
            return "[]"
        texts = [self._scalar(v, items[i] if i < len(items) else None, items, flow=True) for i, v in enumerate(values)]
        return "[" + pad + sep.join(texts) + pad + "]"

    def _block_lines(self, values: list, key_column: int) -> str:
        offset, gap = self._list_habits()
        indent = " " * (key_column + offset)
        return "".join(f"{indent}-{gap}{self._scalar(v, None, [])}{self.nl}" for v in values)

    def _key_text(self, key: str) -> str:
        if _PLAIN_KEY.match(key) and _plain_ok(key, flow=False):
            return key
        return _double_quoted(key)

    def _colon_end(self, key: yaml.Node) -> int:
        pos = key.end_mark.index
        while pos < len(self.front) and self.front[pos] in " \t":
            pos += 1
        if pos >= len(self.front) or self.front[pos] != ":":
            raise EditRefused(f"{key.value} is written in a form that is not edited in place.")
        return pos + 1

    def _replace(self, start: int, end: int, new: str) -> str:
        return self.front[:start] + new + self.front[end:]

    # ---- the edit

    def edit(self, key: str, value: Any) -> str:
        entry = next(
            ((k, v) for k, v in self.pairs if isinstance(k, yaml.ScalarNode) and k.tag == STR_TAG and k.value == key),
            None,
        )
        if entry is None:
            return self.front if value is REMOVE else self._insert(key, value)
        key_node, node = entry
        line_start = _line_start(self.front, key_node.start_mark.index)
        if self.front[line_start : key_node.start_mark.index].strip(" "):
            raise EditRefused(f"{key} is written in a form that is not edited in place.")
        self._check_shared(key, key_node, node)
        if value is REMOVE:
            return self._remove(key_node, node)
        if isinstance(value, list):
            return self._set_list(key, key_node, node, value)
        return self._set_scalar(key_node, node, value)

    def _check_shared(self, key: str, key_node: yaml.Node, node: yaml.Node) -> None:
        nodes = [node] + (list(node.value) if isinstance(node, yaml.SequenceNode) else [])
        for item in nodes:
            if isinstance(item, (yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode)):
                start = item.start_mark.index
                if start < key_node.end_mark.index or self.front[start : start + 1] == "&":
                    raise EditRefused(
                        f"{key} is shared with another value through a YAML anchor or alias; edit it in a text editor."
                    )

    def _set_scalar(self, key_node: yaml.Node, node: yaml.Node, value: Any) -> str:
        text = self._scalar(value, node)
        if isinstance(node, yaml.ScalarNode) and node.style not in ("|", ">"):
            start, end = node.start_mark.index, node.end_mark.index
            if start == end:  # `key:` with nothing after it
                return self._replace(start, end, (" " if self.front[start - 1 : start] == ":" else "") + text)
            return self._replace(start, end, text)
        colon = self._colon_end(key_node)
        return self._replace(colon, _content_end(self.front, node), " " + text)

    def _set_list(self, key: str, key_node: yaml.Node, node: yaml.Node, values: list) -> str:
        if isinstance(node, yaml.SequenceNode) and any(not isinstance(i, yaml.ScalarNode) for i in node.value):
            raise EditRefused(f"{key} holds nested values, which are not edited here.")
        if isinstance(node, yaml.SequenceNode) and node.flow_style and (node.value or self._prefers_flow_lists()):
            return self._replace(node.start_mark.index, node.end_mark.index, self._flow_list(values, node))
        if isinstance(node, yaml.SequenceNode) and not node.flow_style and values:
            return self._edit_block_items(key, key_node, node, values)
        colon = self._colon_end(key_node)
        end = _content_end(self.front, node)
        if isinstance(node, yaml.ScalarNode) and node.start_mark.index == node.end_mark.index:
            end = colon  # `key:` with nothing after it
        if not values:
            return self._replace(colon, end, " []")
        if self._prefers_flow_lists():
            return self._replace(colon, end, " " + self._flow_list(values, None))
        # The items go on the lines after the key's line, which keeps any comment on that line.
        line_end = _line_end(self.front, end)
        block = self._block_lines(values, key_node.start_mark.column)
        rest = self.front[end:line_end]
        tail = self.front[line_end:]
        if not tail:
            return self.front[:colon] + rest + self.nl + block
        return self.front[:colon] + rest + self.nl + block[: -len(self.nl)] + tail

    def _edit_block_items(self, key: str, key_node: yaml.Node, node: yaml.SequenceNode, values: list) -> str:
        items = node.value
        prefixes = []
        for item in items:
            start = _line_start(self.front, item.start_mark.index)
            prefix = self.front[start : item.start_mark.index]
            if not re.fullmatch(r"[ \t]*-[ \t]+", prefix):
                raise EditRefused(f"{key} is a list written in a form that is not edited in place.")
            prefixes.append(prefix)
        old_values = self.data.get(key) if isinstance(self.data, dict) else None
        if not isinstance(old_values, list) or len(old_values) != len(items):
            raise EditRefused(f"{key} is a list written in a form that is not edited in place.")
        old_keys = [(type(v).__name__, repr(v)) for v in old_values]
        new_keys = [(type(v).__name__, repr(v)) for v in values]
        edits: list[tuple[int, int, str]] = []

        def item_lines(i: int, j: int) -> tuple[int, int]:
            start = _line_start(self.front, items[i].start_mark.index)
            end = _next_line_start(
                self.front, max(_content_end(self.front, items[j - 1]) - 1, items[j - 1].start_mark.index)
            )
            return start, end

        def new_lines(vals: list) -> str:
            return "".join(f"{prefixes[0]}{self._scalar(v, None, items)}{self.nl}" for v in vals)

        matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            if op == "replace":
                common = min(i2 - i1, j2 - j1)
                for n in range(common):
                    item = items[i1 + n]
                    edits.append(
                        (item.start_mark.index, item.end_mark.index, self._scalar(values[j1 + n], item, items))
                    )
                i1, j1 = i1 + common, j1 + common
            if i1 < i2:
                start, end = item_lines(i1, i2)
                edits.append((start, end, ""))
            if j1 < j2:
                if i1 < len(items):
                    at = _line_start(self.front, items[i1].start_mark.index)
                    edits.append((at, at, new_lines(values[j1:j2])))
                else:
                    _, at = item_lines(len(items) - 1, len(items))
                    lead = self.nl if at == len(self.front) and not self.front.endswith("\n") else ""
                    edits.append((at, at, lead + new_lines(values[j1:j2])))
        text = self.front
        for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
            text = text[:start] + new + text[end:]
        return text

    def _entry_lines(self, key_node: yaml.Node, node: yaml.Node) -> tuple[int, int]:
        """Offsets of the whole lines a top-level entry occupies."""
        start = _line_start(self.front, key_node.start_mark.index)
        last = max(_content_end(self.front, node), key_node.end_mark.index + 1) - 1
        return start, _next_line_start(self.front, last)

    def _remove(self, key_node: yaml.Node, node: yaml.Node) -> str:
        start, end = self._entry_lines(key_node, node)
        # Removing a section also removes the blank line that separated it, as inserting added one.
        if key_node is not self.pairs[0][0] and start >= 2:
            before = _line_start(self.front, start - 1)
            if _is_blank_line(self.front, before) and (end >= len(self.front) or _is_blank_line(self.front, end)):
                start = before
        return self.front[:start] + self.front[end:]

    def _insert(self, key: str, value: Any) -> str:
        order = list(SEED_KEY_ORDER)
        present = {k.value: (k, v) for k, v in self.pairs if isinstance(k, yaml.ScalarNode)}
        after = None
        if key in order:
            for name in reversed(order[: order.index(key)]):
                if name in present:
                    after = present[name]
                    break
        if after is None and self.pairs:
            after = self.pairs[-1]
        if after is not None:
            _, at = self._entry_lines(*after)
        else:
            at = len(self.front)
        indent = self._key_indent()
        column = len(indent)
        head = f"{indent}{self._key_text(key)}:"
        if isinstance(value, list) and value and not self._prefers_flow_lists():
            entry = head + self.nl + self._block_lines(value, column)
        elif isinstance(value, list):
            entry = f"{head} {self._flow_list(value, None)}{self.nl}"
        else:
            entry = f"{head} {self._scalar(value, None)}{self.nl}"
        lead = ""
        if at > 0 and not self.front[:at].endswith("\n"):
            lead = self.nl
        # A new section gets a blank line before it where the file already breaks a section.
        if (
            key in SECTION_KEYS
            and self.pairs
            and (_is_blank_line(self.front, at) if at < len(self.front) else self._uses_sections())
        ):
            lead += self.nl
        return self.front[:at] + lead + entry + self.front[at:]
