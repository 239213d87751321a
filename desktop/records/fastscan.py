"""The fast path of a folder scan: the summary of an ordinary, valid record without PyYAML.

Composing and constructing the seed with libyaml takes about 8 ms and checking it with jsonschema
9 ms more; rapidyaml parses it in 0.15 ms and emits it as JSON that `json.loads` reads in C. The
summary a scan needs of a valid record is its data, so this path builds the JSON-ready data
(`schema.json_ready` of what PyYAML would construct) from rapidyaml's tree, checks it with the
compiled schema check, and answers only when it is sure.

Sure means: nothing PyYAML reads differently from rapidyaml (YAML 1.1 plain scalars such as `yes`,
`012`, `1e5` or `~`, tags, anchors and aliases, merge keys, tabs, carriage returns, Unicode line
separators, characters PyYAML rejects), no duplicate key, and a record the schema accepts. For
anything else `summarize_front_matter` returns None and the caller takes the exact path
(`reading.parse_document`), which reports every problem with its line and column. The tests
compare both paths over the corpus, the seeds and mutated seeds.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from typing import Any, Iterator

import yaml.resolver

from .model import Document, RecordSummary
from .schema import known_valid

try:
    import ryml
except ImportError:  # pragma: no cover - the wheel is missing for this platform: every record takes the exact path
    ryml = None

_STR_TAG = "tag:yaml.org,2002:str"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"

# PyYAML's implicit resolvers (YAML 1.1), looked up by a plain scalar's first character as it does.
_RESOLVERS: dict[str, list[tuple[str, re.Pattern[str]]]] = {
    key: list(value) for key, value in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}
# Bytes of text PyYAML refuses or counts lines in differently from git: besides these, only `\n`,
# printable ASCII and UTF-8 sequences remain, whose few unsure ones are looked for by name.
_PLAIN_BYTES = bytes([0x0A, *range(0x20, 0x7F), *range(0x80, 0x100)])
_UNSURE_SEQUENCES = (
    b"\xe2\x80\xa8", b"\xe2\x80\xa9",  # LINE and PARAGRAPH SEPARATOR: line breaks to PyYAML, not to git
    b"\xef\xbb\xbf", b"\xef\xbf\xbe", b"\xef\xbf\xbf",  # a BOM inside the text, and non-characters
)
_C1_CONTROL = re.compile(rb"\xc2[\x80-\x9f]")  # NEL among them


def _unsure_text(front: bytes) -> bool:
    """Tabs, carriage returns, control characters, separators, a directive line: the exact path's."""
    if front.translate(None, _PLAIN_BYTES):
        return True
    if not front.isascii():
        if any(sequence in front for sequence in _UNSURE_SEQUENCES):
            return True
        if b"\xc2" in front and _C1_CONTROL.search(front):
            return True
    return front.startswith(b"%") or b"\n%" in front


# What a plain scalar cannot start with in PyYAML but can in rapidyaml (`]key:`, `@handle`). Other
# indicators (quotes, `[`, `#`, `&`, `|`, ...) cannot start a plain scalar in either, so a text
# starting with one was quoted. Quoted text starting with these four goes the exact way: slower, not wrong.
_RESERVED_STARTS = ("]", "}", "@", "`")

if ryml is not None:
    _UNSURE_TYPES = ryml.KEYANCH | ryml.VALANCH | ryml.KEYREF | ryml.VALREF | ryml.KEYTAG | ryml.VALTAG | ryml.VALNIL


class _Unsure(Exception):
    """The fast path cannot vouch for this record; the exact path reads it."""


def available() -> bool:
    return ryml is not None


def summarize_front_matter(document: Document) -> RecordSummary | None:
    """The summary of a YAML record whose front matter `reading.locate_front_matter` found, or None
    when the fast path is not sure it would equal the exact path's."""
    if ryml is None or document.format != "yaml" or document.text is None:
        return None
    data = json_ready_front_matter(document.front_text)
    if not isinstance(data, dict) or not data or not known_valid(data):
        return None
    return _summary(document, data)


def json_ready_front_matter(front_text: str) -> Any | None:
    """`schema.json_ready` of the data PyYAML constructs from `front_text`, or None when unsure."""
    if ryml is None:
        return None
    front = front_text.encode("utf-8")
    if _unsure_text(front):
        return None
    try:
        return _json_ready_data(front)
    except _Unsure:
        return None


def _json_ready_data(front: bytes) -> Any:
    """What `schema.json_ready` makes of PyYAML's data for the front matter `front`; raises _Unsure."""
    try:
        with _native_errors_silenced():
            tree = ryml.parse_in_arena(front)
    except Exception:  # ryml.ExceptionParse and its kin: PyYAML's message is the one to show
        raise _Unsure from None
    if tree.size() == 0 or not tree.is_map(tree.root_id()):
        raise _Unsure
    if any(indicator in front for indicator in _PROPERTY_INDICATORS):
        node_type = tree.type
        for node in range(tree.size()):
            if node_type(node) & _UNSURE_TYPES:
                raise _Unsure
    try:
        data = json.loads(ryml.emit_json_malloc(tree, tree.root_id()), object_pairs_hook=_mapping)
    except ValueError:
        raise _Unsure from None
    _check_values(data)
    return data


# Anchors (&), aliases (*) and tags (!) begin with these; only a text holding one has its nodes'
# flags read (a `&` in a URL's query is enough, which costs the look, not the answer).
_PROPERTY_INDICATORS = (b"&", b"*", b"!")


def _check_values(data: Any) -> None:
    """Raise _Unsure unless every key and value reads the same in PyYAML as in this JSON.

    The JSON does not say which scalars were plain, so every text is taken as if it were: text that
    PyYAML would read as something else when plain (`yes`, `012`, `1:30`, `~`, `.inf`, a timestamp
    outside publishedDateTime) sends the record to the exact path even when it was quoted. Numbers
    other than ints, and nulls (an empty value), go there too.
    """
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, key = stack.pop()
        kind = type(value)
        if kind is str:
            if value not in _SURE_TEXT:
                _check_text(value, key)
        elif kind is dict:
            for child_key, child in value.items():
                if child_key not in _SURE_TEXT:
                    _check_text(child_key, "")
                stack.append((child, child_key))
        elif kind is list:
            stack.extend((item, "") for item in value)
        elif kind is not int and kind is not bool:  # float, None
            raise _Unsure


# Texts known to read as text when plain; a feed repeats its keys, types and providers.
_SURE_TEXT: set[str] = set()
_SURE_TEXT_MAX = 8192


def _check_text(text: str, key: str) -> None:
    if text.startswith(_RESERVED_STARTS):
        raise _Unsure
    tag = _plain_tag(text)
    if tag == _STR_TAG:
        if len(_SURE_TEXT) < _SURE_TEXT_MAX and len(text) < 64:
            _SURE_TEXT.add(text)
        return
    # json_ready shows a timestamp as written, a string; the summary reads a datetime as "no title"
    # (and so on) anywhere but publishedDateTime, so only that key is sure.
    if tag == _TIMESTAMP_TAG and key == "publishedDateTime":
        return
    raise _Unsure


def _plain_tag(text: str) -> str:
    for tag, pattern in _RESOLVERS.get(text[:1], ()):
        if pattern.match(text):
            return tag
    return _STR_TAG


def _mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):  # a repeated key is a problem the exact path reports
        raise _Unsure
    return mapping


@contextlib.contextmanager
def _native_errors_silenced() -> Iterator[None]:
    """rapidyaml writes each parse error to file descriptor 2 before raising it: keep that out of
    the CLI's stderr (the exact path reports the error in its own words)."""
    try:
        saved = os.dup(2)
    except OSError:  # no stderr to protect
        yield
        return
    try:
        sys.stderr.flush()
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 2)
        finally:
            os.close(devnull)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _summary(document: Document, data: dict[str, Any]) -> RecordSummary:
    # The record is valid, so every shown field has the type the schema gives it (see
    # scan.summarize_document, whose result this must equal).
    provider = data.get("provider", {})
    return RecordSummary(
        path=str(document.path),
        title=data["title"],
        excerpt=data.get("excerpt", ""),
        provider=provider.get("name", ""),
        domain=provider.get("domain", ""),
        published_at=data.get("publishedDateTime", ""),
        quality=data.get("quality"),
        heat=data.get("heat"),
        published=data.get("published") is True,
        topics=tuple(data.get("topics", ())),
        problems=(),
        editable=True,
        decision=data.get("decision", ""),
        decline_reason=data.get("declineReason", ""),
    )
