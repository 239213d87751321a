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
import itertools
import json
import os
import re
import sys
from collections.abc import Iterator
from typing import Any

import yaml.resolver

from .duplicates import related_listed_twice
from .model import Document, RecordSummary
from .reading import UTF8_BOM
from .schema import known_valid

try:
    import ryml
except ImportError:  # pragma: no cover - the wheel is missing for this platform: every record takes the exact path
    ryml = None

# Bytes of text PyYAML refuses or counts lines in differently from git: besides these, only `\n`,
# printable ASCII and UTF-8 sequences remain, whose few unsure ones are looked for by name.
_PLAIN_BYTES = bytes([0x0A, *range(0x20, 0x7F), *range(0x80, 0x100)])
# LINE and PARAGRAPH SEPARATOR (line breaks to PyYAML, not to git), a BOM inside the text, and
# non-characters: looked for one by one in the text, where finding one character is a memchr,
# many times faster than a search of their UTF-8 bytes among a news text's curly quotes and dashes.
_UNSURE_CHARACTERS = "\u2028\u2029\ufeff\ufffe\uffff"
_C1_CONTROL = re.compile(rb"\xc2[\x80-\x9f]")  # NEL among them


def _unsure_text(text: str, front: bytes) -> bool:
    """Tabs, carriage returns, control characters, separators, a directive line: the exact path's."""
    if front.translate(None, _PLAIN_BYTES):
        return True
    if not front.isascii():
        if any(character in text for character in _UNSURE_CHARACTERS):
            return True
        if b"\xc2" in front and _C1_CONTROL.search(front):
            return True
    return _has_directive_line(front)


def _has_directive_line(front: bytes) -> bool:
    """A line starting with `%` (a directive to YAML). The bytes are searched for each `%` (a memchr)
    with a look at the byte before: a seed's 11 (in its web addresses) cost 2.5 us, where searching
    the text for a newline and `%` took 20. Both bytes are ASCII, never part of a longer character."""
    at = front.find(b"%")
    for _ in range(64):
        if at == -1:
            return False
        if at == 0 or front[at - 1] == 0x0A:
            return True
        at = front.find(b"%", at + 1)
    return b"\n%" in front  # a text of many percent signs: one search for the rest


def _resolver_alternatives(tags: set[str]) -> str:
    """PyYAML's implicit resolvers (YAML 1.1) for `tags`, as one verbose-mode alternation without anchors."""
    sources = {
        pattern.pattern: None
        for resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.values()
        for tag, pattern in resolvers
        if tag in tags
    }
    inner = []
    for source in sources:
        assert source.startswith("^(?:") and source.endswith(")$"), source
        inner.append(source[1:-1])
    return "|".join(inner)


_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_OTHER_TAGS = {
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:merge",
    "tag:yaml.org,2002:value",
    "tag:yaml.org,2002:yaml",
}
# Which texts PyYAML would read as something else were they plain. The JSON cannot say whether a
# text was plain, so every key and text is taken as if it were (`yes`, `012`, `1:30`, `~`, `.inf`, an
# empty text, `<<`, a timestamp): slower for a quoted one, never wrong. Checking each text in Python
# cost a third of the scan; instead the JSON text is searched: a cheap first look for a quote followed
# by what such a text can start with, then the resolvers themselves at the few places found. The
# lookahead asks for any first character of either alternative before trying them: it changes
# nothing that matches, and halves the search (85 -> 45 us over the seed's 1,340 quotes), which
# otherwise tried the 21 words at each quote.
_SUSPECT_STARTS = r'-+.0-9~<=!&*"\]}@`'
_SUSPECT_WORDS = "yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL"
_PUBLISHED_KEY = '"publishedDateTime": '
# A publishedDateTime value in the canonical form (a seed has 27) is a timestamp where one is allowed,
# which _check_texts would pass over after two matches: the search passes over it itself (a negative
# lookahead, tried only at a quote before a digit), 13 us less for a seed.
_ALLOWED_STAMP = (
    rf'(?<={re.escape(_PUBLISHED_KEY)}")[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}T[0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}Z"'
)
_SUSPECT = re.compile(
    rf'"(?=[{_SUSPECT_STARTS}{"".join(sorted({word[0] for word in _SUSPECT_WORDS.split("|")}))}])'
    rf'(?!{_ALLOWED_STAMP})(?:[{_SUSPECT_STARTS}]|(?:{_SUSPECT_WORDS})")'
)
_NOT_TEXT_AT = re.compile(r'"(?:' + _resolver_alternatives(_OTHER_TAGS) + r')"', re.X)
_TIMESTAMP_AT = re.compile(r'"(?:' + _resolver_alternatives({_TIMESTAMP_TAG}) + r')"', re.X)
# What a plain scalar cannot start with in PyYAML but can in rapidyaml (`]key:`, `@handle`). Other
# indicators (quotes, `[`, `#`, `&`, `|`, ...) cannot start a plain scalar in either, so a text
# starting with one was quoted.
_RESERVED_STARTS = "]}@`"
# In the JSON every unescaped quote delimits a string, and one opens after these (ryml writes
# `"key": value` and `[1,"x"]`); a closing quote is preceded by the text's last character.
_BEFORE_OPENING = frozenset("[{,: \n")
_NULL = re.compile(r"(?<=[\[{,:\s])null\b")

if ryml is not None:
    _UNSURE_TYPES = ryml.KEYANCH | ryml.VALANCH | ryml.KEYREF | ryml.VALREF | ryml.KEYTAG | ryml.VALTAG | ryml.VALNIL


class _Unsure(Exception):
    """The fast path cannot vouch for this record; the exact path reads it."""


def available() -> bool:
    return ryml is not None


def summarize_front_matter(document: Document, *, text_is_raw: bool = False) -> RecordSummary | None:
    """The summary of a YAML record whose front matter `reading.locate_front_matter` found, or None
    when the fast path is not sure it would equal the exact path's. `text_is_raw`: the document's
    text is still the decoding of its raw bytes (as locate_front_matter left it), so the front
    matter's bytes are a slice of them."""
    if ryml is None or document.format != "yaml" or document.text is None:
        return None
    front_text = document.front_text
    data = json_ready_front_matter(front_text, _raw_front(document) if text_is_raw else None)
    if not isinstance(data, dict) or not data or not known_valid(data):
        return None
    return _summary(document, front_text, data)


def _raw_front(document: Document) -> bytes | None:
    """The front matter's bytes in `document.raw`, whose decoding (BOM left out) is `document.text`:
    a slice, bounded by encoding the text before and after it, which is shorter than the front matter
    of a seed-sized record (encoding its 26 KB front matter took 20 us); None when the body is longer."""
    text = document.text
    assert text is not None
    start, end = document.front_start, document.front_end
    if len(text) - end > end - start:
        return None
    begin = (len(UTF8_BOM) if document.bom else 0) + len(text[:start].encode("utf-8"))
    return document.raw[begin : len(document.raw) - len(text[end:].encode("utf-8"))]


def json_ready_front_matter(front_text: str, front: bytes | None = None) -> Any | None:
    """`schema.json_ready` of the data PyYAML constructs from `front_text` (whose UTF-8 bytes are
    `front` when given), or None when unsure."""
    if ryml is None:
        return None
    if front is None:
        front = front_text.encode("utf-8")
    if _unsure_text(front_text, front):
        return None
    try:
        return _json_ready_data(front)
    except _Unsure:
        return None


def _json_ready_data(front: bytes) -> Any:
    """What `schema.json_ready` makes of PyYAML's data for the front matter `front`; raises _Unsure."""
    with _native_errors_silenced():  # once for both calls: it costs five system calls
        try:
            tree = ryml.parse_in_arena(front)
        except Exception:  # ryml.ExceptionParse and its kin: PyYAML's message is the one to show
            raise _Unsure from None
        if tree.size() == 0 or not tree.is_map(tree.root_id()):
            raise _Unsure
        if _has_node_properties(front):
            node_type = tree.type
            for node in range(tree.size()):
                if node_type(node) & _UNSURE_TYPES:
                    raise _Unsure
        try:
            text = _json_text(tree, len(front))
        except Exception:  # ryml.ExceptionVisit: nested deeper than ryml emits ("max depth exceeded")
            raise _Unsure from None
    _check_texts(text)
    try:
        # Numbers other than ints (PyYAML's floats differ: `1e5` is text to it) go the exact way.
        return json.loads(text, object_pairs_hook=_mapping, parse_float=_unsure, parse_constant=_unsure)
    except (ValueError, RecursionError, _Unsure):
        raise _Unsure from None


def _json_text(tree: Any, front_size: int) -> str:
    """`ryml.emit_json_malloc(tree, root)`, into a buffer of our own: the same text in half the time
    (the malloc variant emits twice, once to measure, and copies through SWIG)."""
    root = tree.root_id()
    buffer = bytearray(front_size + (front_size >> 1) + 4096)  # the seeds' JSON is 1.13 times their YAML
    failed, size = ryml.emit_json_to_substr(tree, root, buffer)
    if failed:  # flow style or deep nesting: JSON's indentation made it longer; `size` is what it needs
        buffer = bytearray(size)
        failed, size = ryml.emit_json_to_substr(tree, root, buffer)
        if failed:
            raise _Unsure
    return str(memoryview(buffer)[:size], "utf-8")


# Anchors (&), aliases (*) and tags (!) begin a node, so they follow white space, the start of the
# text or a flow indicator; only a text holding one has its nodes' flags read (a `&` inside a URL's
# query does not count, which spares most records the walk).
_BEFORE_PROPERTY = frozenset(b" \t\n\r\f\v[{,:")


def _has_node_properties(front: bytes) -> bool:
    # `bytes.find` (a memchr) and a look at the byte before: a regex asking both of every position
    # took half a millisecond, a regex for the indicators alone a tenth.
    for indicator in b"&*!":
        at = front.find(indicator)
        while at != -1:
            if at == 0 or front[at - 1] in _BEFORE_PROPERTY:
                return True
            at = front.find(indicator, at + 1)
    return False


def _check_texts(text: str) -> None:
    """Raise _Unsure unless every key and text of the JSON `text` reads as text in PyYAML, with
    timestamps allowed as publishedDateTime values only (json_ready shows a timestamp as written, a
    string; the summary reads a datetime as "no title", and so on, anywhere else). Empty values (JSON
    null, PyYAML None) are not sure either."""
    for found in _SUSPECT.finditer(text):
        at = found.start()
        if at == 0 or text[at - 1] not in _BEFORE_OPENING:
            continue  # a closing quote
        if text[at + 1] in _RESERVED_STARTS:
            raise _Unsure
        if _TIMESTAMP_AT.match(text, at):
            if not text.endswith(_PUBLISHED_KEY, 0, at):
                raise _Unsure
            continue  # a timestamp is no other kind of scalar, so the other resolvers need not look
        if _NOT_TEXT_AT.match(text, at):
            raise _Unsure
    if "null" in text and _NULL.search(text):
        raise _Unsure


def _unsure(_: str) -> Any:
    raise _Unsure


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


def _summary(document: Document, front: str, data: dict[str, Any]) -> RecordSummary | None:
    # The record is valid, so every shown field has the type the schema gives it (see
    # scan.summarize_document, whose result this must equal).
    provider = data.get("provider", {})
    try:
        title_at, web_url_at, related_urls = _value_places(front, document.front_line, data)
    except _Unsure:
        return None
    web_url = data.get("webUrl", "")
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
        web_url=web_url,
        title_at=title_at,
        web_url_at=web_url_at,
        warnings=related_listed_twice(related_urls),
        decision=data.get("decision", ""),
        decline_reason=data.get("declineReason", ""),
    )


# Where values are written, found in the text without a node tree: a key at the start of a line,
# the plain way (`webUrl: "..."`); any other spelling, or a second line that could be the key
# (inside a multi-line text), leaves it to the exact path. `title` is searched at the start of a
# line: the search starts at a newline (a literal the regex engine skips to), then asks for a quote
# and the key; the first line is matched on its own. (Searching for `title` alone and looking back
# at each line's start in Python cost twice as much: it is written in every related item and image.)
# `webUrl` is searched the other way round: the key itself (the engine skips to it) and what follows
# it, then the line's start before it, which must be spaces and dashes (none for a top-level key; an
# indent is all of them, since the key cannot start with either) and a quote. That found the seed's
# top-level and nested webUrls in 78 us, where searching each newline for an indent took 102.
_RELATED_START = re.compile(r"^related:[ ]*$", re.M)
_KEY_REST = r"(?P<close>[\"']?)(?P<space>[ ]*):(?P<value>[ ]+(?=\S))?"
_TITLE = r"(?P<open>[\"']?)title" + _KEY_REST
_TITLE_LINES = (re.compile(_TITLE), re.compile("\n" + _TITLE))
_URL_KEY = re.compile("webUrl" + _KEY_REST)
# `plain` is set when the whole indent is spaces, or spaces, a dash and spaces (a sequence item):
# tried first, it gives way to the general indent whenever the rest of the line's start would not
# follow it, so `indent` is the same either way.
_KEY_LEAD = re.compile(r"(?P<indent>(?P<plain>[ ]+(?:-[ ]+)?)|[ -]*)(?P<open>[\"']?)")

_Place = tuple[int, int]


def _value_places(
    front: str, front_line: int, data: dict[str, Any]
) -> tuple[_Place, _Place | None, tuple[tuple[str, int, int], ...]]:
    """(line and column of the title, of the webUrl when there is one, and each related item's
    (webUrl, line, column)); raises _Unsure unless each top-level key is on exactly one line, and
    that line plain, and the related items' webUrls on as many lines as there are items, all after
    `related:`, all plain."""
    title_at = _title_at(front, front_line)
    urls = [
        item["webUrl"]
        for item in data.get("related", ())
        if isinstance(item, dict) and isinstance(item.get("webUrl"), str)
    ]
    related_start = -1
    if urls:
        start = _RELATED_START.search(front)
        if start is None:
            raise _Unsure
        related_start = start.end()
    top_spellings = nested_spellings = 0
    top_place: tuple[int, int] | None = None
    places: list[tuple[int, int]] = []  # (end of the key and its spaces, start of the line)
    for found in _URL_KEY.finditer(front):
        key_start = found.start()
        line_start = front.rfind("\n", 0, key_start) + 1
        lead = _KEY_LEAD.fullmatch(front, line_start, key_start)
        if lead is None:
            continue  # something else comes first on this line: not the key
        indent, plain_indent, opening = lead.group("indent", "plain", "open")
        plain = not (opening or found["close"] or found["space"]) and found["value"] is not None
        if not indent:
            top_spellings += 1
            if plain and top_place is None:
                top_place = found.end("value"), line_start
        elif urls:
            nested_spellings += 1
            # Every nested webUrl line before `related:` or spelled otherwise would make the count a guess.
            if plain and line_start >= related_start and plain_indent is not None:
                places.append((found.end("value"), line_start))
    web_url_at = None
    if "webUrl" in data:
        if top_place is None or top_spellings != 1:
            raise _Unsure
        web_url_at = front.count("\n", 0, top_place[0]) + front_line, top_place[0] - top_place[1] + 1
    if len(places) != len(urls) or nested_spellings != len(urls):
        raise _Unsure
    located = []
    line, counted = front_line, 0
    for url, (place, line_start) in zip(urls, places, strict=True):
        line += front.count("\n", counted, place)  # the places ascend: each newline counted once
        counted = place
        located.append((url, line, place - line_start + 1))
    return title_at, web_url_at, tuple(located)


def _title_at(front: str, front_line: int) -> _Place:
    place = None
    spellings = 0
    first = _TITLE_LINES[0].match(
        front
    )  # the first line has no newline before it (copying the text to add one cost 24 us)
    for found in itertools.chain((first,) if first else (), _TITLE_LINES[1].finditer(front)):
        spellings += 1
        if place is None and not (found["open"] or found["close"] or found["space"]) and found["value"] is not None:
            place = found.end("value")
    if place is None or spellings != 1:
        raise _Unsure
    return front.count("\n", 0, place) + front_line, place - (front.rfind("\n", 0, place) + 1) + 1
