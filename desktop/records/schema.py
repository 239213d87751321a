"""Checking record data against `resources/record.schema.json`, in sentences an editor understands.

Every rule lives in the schema file; this module only turns jsonschema's errors into `Problem`s
with a JSON path, a plain sentence built from the schema's `x-expect` text, and the file line
and column of the value (found in the YAML node tree).
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from jsonschema.validators import extend

from ..paths import resource_path
from .model import SCHEMA, Problem
from .nodes import key_node_at, node_at

SCHEMA_FILE = "record.schema.json"

# A bool is not a number, and `40.0` is not the whole number an editor typed.
_TYPE_CHECKER = Draft202012Validator.TYPE_CHECKER.redefine(
    "integer", lambda checker, value: isinstance(value, int) and not isinstance(value, bool)
).redefine("number", lambda checker, value: isinstance(value, (int, float)) and not isinstance(value, bool))
RecordValidator = extend(Draft202012Validator, type_checker=_TYPE_CHECKER)

_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?[ \t]*(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?")


_CANONICAL_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def is_timestamp(text: str) -> bool:
    """True for an ISO 8601 date and time (`2020-06-11T16:07:00Z`, `2020-06-11 16:07`, offsets)."""
    if _CANONICAL_DATE_TIME.fullmatch(text):  # how feeds write them; fromisoformat reads a Z since 3.11
        try:
            dt.datetime.fromisoformat(text)
        except ValueError:
            return False
        return True
    if not _DATE_TIME.fullmatch(text):
        return False
    normalized = re.sub(r"[ \t]*[Zz]$", "+00:00", text.replace("t", "T"))
    normalized = re.sub(r"^(\S{10})[ \t]", r"\1T", normalized).replace(" ", "")
    try:
        dt.datetime.fromisoformat(normalized)
    except ValueError:
        return False
    return True


# The canonical form of several, joined by NUL (which the form cannot hold): how a seed's 27 dates are
# checked in one match (27 calls of is_timestamp cost 25 us of the schema check's 70).
_CANONICAL_DATE_TIMES = re.compile(r"(?:\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\x00)*")


def are_timestamps(texts: list[str]) -> bool:
    """`all(is_timestamp(text) for text in texts)`."""
    joined = "\x00".join(texts) + "\x00"
    if joined.count("\x00") == len(texts) and _CANONICAL_DATE_TIMES.fullmatch(joined):
        # Each text is in the canonical form, for which is_timestamp asks fromisoformat alone.
        try:
            for text in texts:
                dt.datetime.fromisoformat(text)
        except ValueError:
            return False
        return True
    return all(is_timestamp(text) for text in texts)


_FORMATS = FormatChecker(formats=())
_FORMATS.checks("date-time")(lambda value: not isinstance(value, str) or is_timestamp(value))


@functools.lru_cache(maxsize=1)
def record_schema() -> dict[str, Any]:
    """The record schema, loaded once."""
    with open(resource_path(SCHEMA_FILE), encoding="utf-8") as handle:
        schema = json.load(handle)
    RecordValidator.check_schema(schema)
    return schema


@functools.lru_cache(maxsize=1)
def _record_validator() -> Draft202012Validator:
    return RecordValidator(_inlined_schema(), format_checker=_FORMATS)


@functools.lru_cache(maxsize=1)
def _value_validator() -> Draft202012Validator:
    # The same rules for one value at a time: a lone value cannot miss the other required keys.
    schema = dict(_inlined_schema())
    schema.pop("required", None)
    return RecordValidator(schema, format_checker=_FORMATS)


def _inlined_schema() -> dict[str, Any]:
    """The schema with its local `$ref`s replaced by their targets.

    Validating the seed takes half the time without reference lookups, and every error's
    subschema then carries its own `x-expect` text.
    """
    schema = record_schema()

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            reference = node.get("$ref")
            if isinstance(reference, str) and reference.startswith("#/"):
                target: Any = schema
                for part in reference[2:].split("/"):
                    target = target[part]
                merged = dict(inline(target))
                merged.update({key: inline(item) for key, item in node.items() if key != "$ref"})
                return merged
            return {key: inline(item) for key, item in node.items() if key != "$defs"}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return inline(schema)


def validate_data(
    data: Mapping[str, Any],
    root: yaml.Node | None = None,
    line_offset: int = 1,
    previous: tuple[Any, Sequence[Problem]] | None = None,
) -> list[Problem]:
    """Every schema problem of a record's data, located in the file through `root` when given.

    `line_offset` is the file line of `root`'s line 0 (`Document.front_line`). `previous` is the
    (data, problems) of an earlier version of the same record, which an edit has: the top-level
    values equal to what they were there keep their problems (moved to where their nodes now are)
    instead of being checked again. The result is the same as a full check; where that cannot be
    shown (a schema rule that spans several keys, problems not from this check) it is a full check.
    """
    if not isinstance(data, Mapping):
        return [Problem("the front matter must be a set of `key: value` lines", code=SCHEMA, path="$")]
    instance = json_ready(data)
    reused = _reusable(instance, previous, root, line_offset) if previous is not None else None
    if reused is None:
        return _problems(_record_validator().iter_errors(instance), instance, root, line_offset)
    kept, changed = reused
    present = {key: instance[key] for key in instance if key in changed}
    # Only the changed keys are checked, and `required` only for those: a required key missing
    # before and still missing keeps its problem through `kept`.
    validator = _validator_requiring(frozenset(key for key in changed if key in record_schema().get("required", ())))
    return _in_file_order(kept + _problems(validator.iter_errors(present), present, root, line_offset))


def known_valid(instance: Any) -> bool:
    """True when `instance` (JSON-ready data) surely has no schema problem, by the schema compiled
    into plain checks (about 0.1 ms for the seed, where jsonschema takes 9 ms). False means "not
    known": the record is checked in full, which finds and words its problems."""
    check = _compiled_check()
    return check is not None and check(instance)


@functools.lru_cache(maxsize=1)
def _compiled_check() -> Callable[[Any], bool] | None:
    try:
        schema = _inlined_schema()
        _compile(schema)  # decides what can be compiled, and is the fallback for a node without a type
        return _generate_check(schema)
    except _NotCompilable:  # a keyword this compiler does not know: every record takes the full check
        return None


class _NotCompilable(Exception):
    pass


# Keywords that say nothing about validity.
_ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "title", "description", "x-expect"})
_TYPES = ("object", "array", "string", "integer", "boolean")


def _compile(schema: Mapping[str, Any]) -> Callable[[Any], bool]:
    """One schema node as a predicate; raises _NotCompilable for what it cannot decide exactly."""
    unknown = (
        set(schema)
        - _ANNOTATIONS
        - {
            "type",
            "required",
            "properties",
            "items",
            "uniqueItems",
            "pattern",
            "format",
            "minimum",
            "maximum",
            "maxLength",
        }
    )
    if unknown:
        raise _NotCompilable(", ".join(sorted(unknown)))
    if "type" in schema and schema["type"] not in _TYPES:
        raise _NotCompilable(f"type {schema['type']!r}")
    if schema.get("format", "date-time") != "date-time":
        raise _NotCompilable(f"format {schema['format']!r}")
    if schema.get("uniqueItems") not in (None, True, False):
        raise _NotCompilable("uniqueItems")
    expected_type = {"object": dict, "array": list, "string": str, "integer": int, "boolean": bool}.get(
        schema.get("type", "")
    )
    search = re.compile(schema["pattern"]).search if "pattern" in schema else None
    # JSON Schema counts code points, as len() does.
    max_length = schema.get("maxLength")
    timestamp = "format" in schema
    minimum, maximum = schema.get("minimum"), schema.get("maximum")
    required = tuple(schema.get("required", ()))
    properties = [(key, _compile(sub)) for key, sub in schema.get("properties", {}).items()]
    item_check = _compile(schema["items"]) if "items" in schema else None
    unique = schema.get("uniqueItems") is True

    def check(value: Any) -> bool:
        kind = type(value)  # JSON data: a bool is never an int here, nor 40.0 an integer
        if expected_type is not None and kind is not expected_type:
            return False
        if kind is str:
            if max_length is not None and len(value) > max_length:
                return False
            if search is not None and search(value) is None:
                return False
            if timestamp and not is_timestamp(value):
                return False
        elif kind is int:
            if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
                return False
        elif kind is dict:
            for key in required:
                if key not in value:
                    return False
            for key, property_check in properties:
                if key in value and not property_check(value[key]):
                    return False
        elif kind is list:
            if item_check is not None:
                for item in value:
                    if not item_check(item):
                        return False
            # Only lists of text are decided here: jsonschema's equality across types (1, 1.0, true) is its own.
            if unique and (len(set(value)) != len(value) if all(type(item) is str for item in value) else True):
                return False
        return True

    return check


def _generate_check(schema: Mapping[str, Any]) -> Callable[[Any], bool]:
    """`_compile(schema)` as one generated function: the same checks inline, without a call per
    value (the seed has about 400 values; the closures' calls were most of the check's time)."""
    lines = ["def check(value):"]
    names: dict[str, Any] = {"are_timestamps": are_timestamps, "_MISSING": _MISSING}
    gathered: dict[str, str] = {}  # pattern -> the list its texts are gathered in, checked together at the end

    def constant(prefix: str, value: Any) -> str:
        name = f"_{prefix}{len(names)}"
        names[name] = value
        return name

    def emit(node: Mapping[str, Any], variable: str, indent: str, depth: int) -> None:
        expected = {"object": "dict", "array": "list", "string": "str", "integer": "int", "boolean": "bool"}.get(
            node.get("type", "")
        )
        if expected is None:  # no single type: the closure decides by the value's kind
            lines.append(f"{indent}if not {constant('node', _compile(node))}({variable}): return False")
            return
        lines.append(f"{indent}if type({variable}) is not {expected}: return False")
        if expected == "str":
            if node.get("maxLength") is not None:
                lines.append(f"{indent}if len({variable}) > {int(node['maxLength'])}: return False")
            if "pattern" in node and texts_check(node["pattern"]) is not None:
                if node["pattern"] not in gathered:
                    gathered[node["pattern"]] = f"texts{len(gathered)}"
                lines.append(f"{indent}{gathered[node['pattern']]}_add({variable})")
            elif "pattern" in node:
                search = constant("pattern", re.compile(node["pattern"]).search)
                lines.append(f"{indent}if {search}({variable}) is None: return False")
            if "format" in node:
                lines.append(f"{indent}stamps_add({variable})")
        elif expected == "int":
            if node.get("minimum") is not None:
                lines.append(f"{indent}if {variable} < {node['minimum']!r}: return False")
            if node.get("maximum") is not None:
                lines.append(f"{indent}if {variable} > {node['maximum']!r}: return False")
        elif expected == "dict":
            for key in node.get("required", ()):
                lines.append(f"{indent}if {key!r} not in {variable}: return False")
            for key, sub in node.get("properties", {}).items():
                child = f"v{depth}_{len(lines)}"
                lines.append(f"{indent}{child} = {variable}.get({key!r}, _MISSING)")
                lines.append(f"{indent}if {child} is not _MISSING:")
                emit(sub, child, indent + "    ", depth + 1)
                lines.append(f"{indent}    pass")
        elif expected == "list":
            if "items" in node:
                item = f"item{depth}"
                lines.append(f"{indent}for {item} in {variable}:")
                emit(node["items"], item, indent + "    ", depth + 1)
            if node.get("uniqueItems") is True:
                # Only lists of text are decided here: jsonschema's equality across types (1, 1.0, true) is its own.
                lines.append(
                    f"{indent}if not all(type(x) is str for x in {variable}) "
                    f"or len(set({variable})) != len({variable}): return False"
                )

    emit(schema, "value", "    ", 0)
    # Every check is a plain condition on its own value, so deciding the patterns and the dates
    # last changes no answer.
    for pattern, texts in gathered.items():
        lines.insert(1, f"    {texts} = []; {texts}_add = {texts}.append")
        lines.append(f"    if {texts} and not {constant('texts_check', texts_check(pattern))}({texts}): return False")
    lines.insert(1, "    stamps = []; stamps_add = stamps.append")
    lines.append("    if stamps and not are_timestamps(stamps): return False")
    lines.append("    return True")
    namespace = dict(names)
    exec(compile("\n".join(lines), "<record schema check>", "exec"), namespace)  # our own code, from our schema
    return namespace["check"]


_MISSING = object()


# ------------------------------------------------------------------ many texts against one pattern


# Searching the seed's 93 web addresses one by one cost 46 us of the check's 93, most of it testing
# each character against a `\s` category and five ranges. Joined, they take one match (41 us), and
# when the joined text is ASCII, a form whose sets are bit tables (28 us; see _ascii_form). For a
# pattern `^B$` (search: B from the start, then the end or a last newline), a text is found by it
# exactly when `(?:B)\n?` matches all of it. Joined with a separator B can consume nowhere, the texts
# match `(?:(?:B)\n?SEPARATOR)*` all through exactly when each matches on its own: every repetition
# must end at the next separator. A text holding the separator would split wrongly, so the count of
# separators is checked first, and such a list of texts is "not known" (False), never valid.
_SEPARATORS = ("\x00", " ", "\x1f", "/", "@", ":")

# The regex engine's own parser and compiler (CPython's re since 3.11), typeshed leaves them out.
_sre: Any
_sre_parse: Any
_sre_compile: Any
try:
    _sre, _sre_parse, _sre_compile = (
        importlib.import_module(f"re.{name}") for name in ("_constants", "_parser", "_compiler")
    )
except ImportError:  # pragma: no cover - a Python without them: every pattern is searched text by text
    _sre = _sre_parse = _sre_compile = None


@functools.cache
def texts_check(pattern: str) -> Callable[[list[str]], bool] | None:
    """A check that every text of a list is found by `re.search(pattern, text)`, one regex match
    for the lot; None for a pattern whose joined form is not provably the same."""
    body = _anchored_body(pattern)
    if body is None:
        return None
    separator = next((candidate for candidate in _SEPARATORS if _never_consumes(body[1], candidate)), None)
    if separator is None:
        return None
    source = rf"(?:(?:{body[0]})\n?{re.escape(separator)})*"
    repeated = re.compile(source)
    ascii_repeated = _ascii_form(source)
    if ascii_repeated is None or not _agree_on_ascii(ascii_repeated, repeated, separator):
        ascii_repeated = repeated

    def check(texts: list[str]) -> bool:
        if not texts:
            return True
        joined = separator.join(texts)
        if joined.count(separator) != len(texts) - 1:  # a text holds the separator: not known
            return False
        joined += separator
        return (ascii_repeated if joined.isascii() else repeated).fullmatch(joined) is not None

    return check


def _ascii_form(source: str) -> re.Pattern[str] | None:
    """`source` compiled for ASCII text only: each character set becomes the ASCII characters it
    holds, as the regex engine itself finds them, which it then looks up in a bit table instead of
    trying a category (`\\s`) and each range per character (28 us for the seed's web addresses, 41 us
    the general way). Only ever matched against ASCII text, where no other character can occur."""
    try:
        tree = _sre_parse.parse(source)
        return _sre_compile.compile(_sre_parse.SubPattern(tree.state, _ascii_items(tree.data, tree.state)))
    except Exception:  # noqa: BLE001 - the engine's internals changed: the general form serves
        return None


def _agree_on_ascii(ascii_form: re.Pattern[str], general: re.Pattern[str], separator: str) -> bool:
    """A look at the engine's internals working as this module expects: both forms judge each ASCII
    character alone and inside a web address or a domain the same (0.3 ms, once per pattern)."""
    for code in range(128):
        for text in (chr(code), f"https://a{chr(code)}b.com/x", f"a{chr(code)}.com", f"https://a.com/{chr(code)}"):
            probe = text + separator
            if (ascii_form.fullmatch(probe) is None) is not (general.fullmatch(probe) is None):
                return False
    return True


def _ascii_items(items: Any, state: Any) -> list[Any]:
    def sub(pattern: Any) -> Any:
        return _sre_parse.SubPattern(state, _ascii_items(pattern.data, state))

    converted: list[Any] = []
    for op, argument in items:
        if op is _sre.IN:
            holds = _sre_compile.compile(_sre_parse.SubPattern(state, [(op, argument)])).fullmatch
            members = [(_sre.LITERAL, code) for code in range(128) if holds(chr(code))]
            if not members:
                raise ValueError("a set without ASCII characters")
            converted.append((op, members))
        elif op is _sre.MAX_REPEAT or op is _sre.MIN_REPEAT:
            converted.append((op, (argument[0], argument[1], sub(argument[2]))))
        elif op is _sre.SUBPATTERN:
            converted.append((op, (*argument[:3], sub(argument[3]))))
        elif op is _sre.BRANCH:
            converted.append((op, (argument[0], [sub(alternative) for alternative in argument[1]])))
        else:
            converted.append((op, argument))
    return converted


def _anchored_body(pattern: str) -> tuple[str, Any] | None:
    """(B's source, B parsed) for a pattern that is `^`, then B, then `$`, without flags."""
    if _sre_parse is None or not (pattern.startswith("^") and pattern.endswith("$")):
        return None
    body = pattern[1:-1]
    try:
        whole, inner = _sre_parse.parse(pattern), _sre_parse.parse(body)
    except re.error:
        return None
    if whole.state.flags & ~re.UNICODE or inner.state.flags & ~re.UNICODE:
        return None
    items = whole.data
    # `^a|b$` is a branch at the top, and `^a\$` ends with a literal: neither is `^`, B, `$`.
    if (
        len(items) != len(inner.data) + 2
        or items[0] != (_sre.AT, _sre.AT_BEGINNING)
        or items[-1] != (_sre.AT, _sre.AT_END)
        or repr(items[1:-1]) != repr(inner.data)
    ):
        return None
    return body, inner.data


def _never_consumes(items: Any, separator: str) -> bool:
    """True when no match of the parsed pattern `items` can take `separator` (anything this does not
    know, such as anchors, lookarounds, references or flags, is taken as possibly taking it)."""
    code = ord(separator)
    for op, argument in items:
        if op is _sre.LITERAL:
            if argument == code:
                return False
        elif op is _sre.NOT_LITERAL:
            if argument != code:
                return False
        elif op is _sre.IN:
            if _set_may_hold(argument, separator):
                return False
        elif op is _sre.MAX_REPEAT or op is _sre.MIN_REPEAT:
            if not _never_consumes(argument[2], separator):
                return False
        elif op is _sre.SUBPATTERN:
            _, add_flags, del_flags, sub = argument
            if add_flags or del_flags or not _never_consumes(sub, separator):
                return False
        elif op is _sre.BRANCH:
            if not all(_never_consumes(alternative, separator) for alternative in argument[1]):
                return False
        else:  # ANY, anchors, lookarounds, group references, atomic groups, possessive repeats
            return False
    return True


def _set_may_hold(items: Any, separator: str) -> bool:
    code = ord(separator)
    negated = held = False
    for op, argument in items:
        if op is _sre.NEGATE:
            negated = True
        elif op is _sre.LITERAL:
            held = held or argument == code
        elif op is _sre.RANGE:
            held = held or argument[0] <= code <= argument[1]
        elif op is _sre.CATEGORY and argument in _CATEGORY_SOURCES:
            held = held or re.fullmatch(_CATEGORY_SOURCES[argument], separator) is not None
        else:
            return True
    return held != negated


_CATEGORY_SOURCES = (
    {}
    if _sre is None
    else {
        _sre.CATEGORY_DIGIT: r"\d",
        _sre.CATEGORY_NOT_DIGIT: r"\D",
        _sre.CATEGORY_SPACE: r"\s",
        _sre.CATEGORY_NOT_SPACE: r"\S",
        _sre.CATEGORY_WORD: r"\w",
        _sre.CATEGORY_NOT_WORD: r"\W",
    }
)


def value_problems(key: str, value: Any) -> list[Problem]:
    """The schema problems of one top-level value, as the form checks it while the user types."""
    instance = {key: json_ready(value)}
    return _problems(_value_validator().iter_errors(instance), instance, None, 1)


# Top-level keywords under which each top-level key's problems depend on that key's value alone.
_PER_KEY_KEYWORDS = frozenset(
    {"$schema", "$id", "$defs", "title", "description", "x-expect", "type", "required", "properties"}
)


@functools.lru_cache(maxsize=16)
def _validator_requiring(required: frozenset[str]) -> Draft202012Validator:
    schema = dict(_inlined_schema())
    schema["required"] = [key for key in record_schema().get("required", ()) if key in required]
    return RecordValidator(schema, format_checker=_FORMATS)


def _reusable(
    instance: Mapping[str, Any], previous: tuple[Any, Sequence[Problem]], root: yaml.Node | None, line_offset: int
) -> tuple[list[Problem], set[str]] | None:
    """(previous problems of unchanged keys, relocated; the changed keys), or None for a full check."""
    old_data, old_problems = previous
    schema = record_schema()
    if not isinstance(old_data, Mapping) or not set(schema) <= _PER_KEY_KEYWORDS or schema.get("type") != "object":
        return None
    old_instance = json_ready(old_data)
    changed = {
        key
        for key in instance.keys() | old_instance.keys()
        if key not in instance or key not in old_instance or not same_value(instance[key], old_instance[key])
    }
    kept = []
    for problem in old_problems:
        keys = keys_of_path(problem.path) if problem.code == SCHEMA else None
        if not keys or not isinstance(keys[0], str):
            return None
        if keys[0] in changed:
            continue
        # A missing value has no node either way, so the search falls back to its parent as before.
        line, column = _location(root, keys, line_offset, missing=False)
        kept.append(Problem(problem.message, line=line, column=column, path=problem.path, code=SCHEMA))
    return kept, changed


def same_value(a: Any, b: Any) -> bool:
    """Equal values of equal types: `1 == True` and `1 == 1.0` are not the same value in a file."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def json_ready(value: Any, node: yaml.Node | None = None) -> Any:
    """`value` as plain JSON types. Timestamps become text: as written in the file when `node`
    (the value's YAML node) is given, else ISO 8601. A YAML `!!set` is what YAML says it is, a
    mapping of its members to nothing, and `!!binary` data stays bytes: taken for a list or for
    text, `topics: !!set` or `title: !!binary` would pass rules they break."""
    if isinstance(value, Mapping):
        result = {}
        for key, item in value.items():
            child = node_at(node, [key]) if isinstance(node, yaml.MappingNode) else None
            result[key if isinstance(key, str) else _key_text(key)] = json_ready(item, child)
        return result
    if isinstance(value, (set, frozenset)):
        return {item if isinstance(item, str) else _key_text(item): None for item in sorted(value, key=repr)}
    if isinstance(value, (list, tuple)):
        nodes = node.value if isinstance(node, yaml.SequenceNode) and len(node.value) == len(value) else None
        return [json_ready(item, nodes[index] if nodes else None) for index, item in enumerate(value)]
    if isinstance(value, (dt.date, dt.datetime)):
        if isinstance(node, yaml.ScalarNode):
            return node.value
        return value.isoformat()
    return value


def _key_text(key: Any) -> str:
    """A mapping key that is not text, spelled as YAML writes it (`true`, `null`, `3`)."""
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


# --------------------------------------------------------------------------- errors into sentences


_TYPE_ORDER = {"type": 0, "required": 1}


def _problems(errors, instance: Any, root: yaml.Node | None, line_offset: int) -> list[Problem]:
    by_path: dict[str, Problem] = {}
    for error in sorted(errors, key=lambda item: _TYPE_ORDER.get(item.validator, 2)):
        for keys, message in _describe(error, instance):
            path = json_path(keys)
            if path in by_path:
                continue
            line, column = _location(root, keys, line_offset, missing=error.validator == "required")
            by_path[path] = Problem(message, line=line, column=column, path=path, code=SCHEMA)
    return _in_file_order(by_path.values())


def _in_file_order(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.path))


def _describe(error: ValidationError, instance: Any) -> list[tuple[list[Any], str]]:
    keys = list(error.absolute_path)
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    if error.validator == "required":
        value = error.instance if isinstance(error.instance, Mapping) else {}
        required = error.validator_value if isinstance(error.validator_value, list) else []
        found = []
        for name in required:
            if name not in value:
                expect = _expectation(schema.get("properties", {}).get(name, {}))
                label = _label(keys + [name])
                found.append(
                    (keys + [name], f"{label} is missing: it must be {expect}" if expect else f"{label} is missing")
                )
        return found
    label = _label(keys)
    if error.validator == "uniqueItems" and isinstance(error.instance, list):
        seen: list[Any] = []
        for index, item in enumerate(error.instance):
            if item in seen:
                return [(keys + [index], f"{label} lists {_shown(item)} more than once")]
            seen.append(item)
    expect = _expectation(schema)
    if expect:
        return [(keys, f"{label} must be {expect} (found {_shown(error.instance)})")]
    return [(keys, f"{label}: {error.message}")]


def _expectation(schema: Mapping[str, Any]) -> str:
    return str(schema.get("x-expect", "")) if isinstance(schema, Mapping) else ""


def _label(keys: Sequence[Any]) -> str:
    if not keys:
        return "the record"
    return json_path(keys)[1:].lstrip(".")


_SIMPLE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def json_path(keys: Sequence[Any]) -> str:
    """`$.images[0].url` for ["images", 0, "url"]."""
    path = "$"
    for key in keys:
        if isinstance(key, int) and not isinstance(key, bool):
            path += f"[{key}]"
        elif _SIMPLE_KEY.fullmatch(str(key)):
            path += f".{key}"
        else:
            path += f"[{json.dumps(str(key), ensure_ascii=False)}]"
    return path


_PATH_PART = re.compile(r'\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')


def keys_of_path(path: str) -> list[Any] | None:
    """The keys `json_path` made `path` from (["images", 0, "url"]), or None if it made no such path."""
    if not path.startswith("$"):
        return None
    keys: list[Any] = []
    position = 1
    while position < len(path):
        part = _PATH_PART.match(path, position)
        if part is None:
            return None
        name, index, quoted = part.groups()
        keys.append(name if name is not None else int(index) if index is not None else json.loads(quoted))
        position = part.end()
    return keys if json_path(keys) == path else None


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return _key_text(value)
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        if not text.isprintable():  # a direction override would reorder the message around it
            text = "".join(char if char.isprintable() else f"\\u{ord(char):04x}" for char in text)
        return text if len(text) <= 60 else text[:56] + '…"'
    if isinstance(value, bytes):
        return "binary data (!!binary)"
    if isinstance(value, Mapping):
        return "a set of keys"
    if isinstance(value, list):
        return "a list"
    return str(value)


def _location(
    root: yaml.Node | None, keys: list[Any], line_offset: int, *, missing: bool
) -> tuple[int | None, int | None]:
    if root is None:
        return None, None
    node = None
    if not missing:
        node = node_at(root, keys)
    if node is None:
        # A missing key: point at where its mapping starts (for the record itself, its first key).
        parent_keys = keys[:-1] if keys else keys
        node = (key_node_at(root, parent_keys) if parent_keys else None) or node_at(root, parent_keys)
    if node is None:
        return None, None
    return node.start_mark.line + line_offset, node.start_mark.column + 1
