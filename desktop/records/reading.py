"""Reading a record file exactly: bytes in, a `Document` out, never an exception for bad content.

The YAML front matter is composed once into a node tree (kept as `Document.root`, so every value
knows its line, column and character span) and the data is constructed from that same tree with
PyYAML's safe constructor: one parse, and no tag ever builds anything but plain values.
"""

from __future__ import annotations

import bisect
import contextlib
import copy
import dataclasses
import errno
import gc
import hashlib
import json
import os
import re
import stat
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from .model import (
    DUPLICATE_KEY,
    ENCODING,
    IO,
    NO_FRONT_MATTER,
    NOT_A_MAPPING,
    SYNTAX,
    UNCLOSED,
    Document,
    FileStamp,
    Problem,
)
from .nodes import node_at
from .schema import validate_data

try:  # libyaml: about ten times faster to compose; its marks are character offsets like the pure loader's
    SafeLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    SafeLoader = yaml.SafeLoader

UTF8_BOM = b"\xef\xbb\xbf"
_OTHER_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)

# Opening fences. python-frontmatter accepts any run of three or more; Jekyll allows trailing blanks.
_YAML_FENCE = re.compile(r"-{3,}[ \t]*")
_YAML_CLOSE = re.compile(r"(?:-{3,}|\.\.\.)[ \t]*")  # `...` ends a YAML document too (Jekyll, Pandoc)
_TOML_FENCE = re.compile(r"\+{3,}[ \t]*")
_JSON_OPEN = re.compile(r"\{[ \t]*")
_JSON_CLOSE = re.compile(r"\}[ \t]*")
# What a line matching each closing pattern starts with.
_FENCE_PREFIXES = {_YAML_CLOSE: ("---", "..."), _TOML_FENCE: ("+++",), _JSON_CLOSE: ("}",)}
_FENCE_LINES = {
    closing: re.compile("\n(?:" + "|".join(map(re.escape, prefixes)) + ")")
    for closing, prefixes in _FENCE_PREFIXES.items()
}

NOT_YAML_BLOCKER = "{kind} front matter can be read but not edited: Newsdesk edits YAML front matter only."
MERGE_TAG = "tag:yaml.org,2002:merge"


# --------------------------------------------------------------------------- public API


def read_document(path: str | os.PathLike[str], known: Document | None = None) -> Document:
    """Read and parse the record at `path`. I/O failures become an `io` problem, never an exception.

    `known` is a document parsed from the bytes just written there (a save reading its file back):
    when the file holds exactly `known.raw`, that parse is taken with a fresh stamp rather than
    done again.
    """
    path = Path(path)
    try:
        raw, status = load_file(path)
    except OSError as error:
        return unreadable_document(path, error)
    if known is not None and known.raw == raw:
        document = dataclasses.replace(known, path=path, problems=list(known.problems))
    else:
        document = parse_document(raw, path)
    document.stamp = FileStamp(size=len(raw), mtime_ns=status.st_mtime_ns, sha256=hashlib.sha256(raw).hexdigest())
    return document


# No record comes near this (the seed is 27 KB); reading a bigger file whole would only exhaust memory.
MAX_FILE_BYTES = 64 * 1024 * 1024


def load_file(path: Path) -> tuple[bytes, os.stat_result]:
    """The bytes of a record file and its status as they were read; raises OSError.

    Only a regular file is read. It is opened without blocking and checked before reading: a FIFO
    named `x.md` would block the reader until someone writes to it, and a device could be endless.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            kind = "a folder" if stat.S_ISDIR(status.st_mode) else "a FIFO, device or socket"
            raise OSError(errno.EINVAL, f"it is not a regular file but {kind}", str(path))
        if status.st_size > MAX_FILE_BYTES:
            raise OSError(
                errno.EFBIG,
                f"it is too large to be a record ({status.st_size / 2**20:,.0f} MB; "
                f"records over {MAX_FILE_BYTES // 2**20} MB are not read)",
                str(path),
            )
        # At most one byte beyond the bound: a file that grew after the fstat is refused too.
        raw = _read_to_end(fd, MAX_FILE_BYTES + 1, status.st_size)
        if len(raw) > MAX_FILE_BYTES:
            raise OSError(errno.EFBIG, f"it is too large to be a record (over {MAX_FILE_BYTES // 2**20} MB)", str(path))
        return raw, status
    finally:
        os.close(fd)


def _read_to_end(fd: int, limit: int, size: int) -> bytes:
    """At most `limit` bytes from `fd`, up to its end: what a buffered file's read(limit) returned,
    by os.read in pieces the size of the file (plus one byte, to see its end). read(limit) made a
    64 MB buffer for every record and a file object around it: 31 us for a seed alone, 12 now.
    The limit is one byte beyond the bound, so a file that grew after the fstat is refused too."""
    chunks = []
    remaining = limit
    while remaining > 0:
        chunk = os.read(fd, min(remaining, max(size + 1, 1 << 16)))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def unreadable_document(path: Path, error: OSError) -> Document:
    """The document of a file that could not be read: an `io` problem saying why, not editable."""
    reason = error.strerror or str(error)
    return Document(
        path=path,
        raw=b"",
        problems=[Problem(f"cannot read the file: {reason}", code=IO)],
        edit_blocker=f"The file cannot be read: {reason}.",
    )


_pause_lock = threading.Lock()
_pause_depth = 0
_resume_collector = False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a record's node tree is built.

    The tree (3,000 objects for the seed) lives through the young collections its own allocations
    trigger, so it is promoted and brings on full collections, each walking every object the
    process holds: with 300 records held, an edit took 11.5 ms instead of 9.3 ms (4.5 ms with few
    held; the rest is the collector's walks over the kept Documents). Parsing makes no reference
    cycles to reclaim, so nothing is lost by waiting. Nested and concurrent uses share one pause;
    the collector runs again when the last ends, unless it was off before the first began.
    """
    global _pause_depth, _resume_collector
    with _pause_lock:
        if _pause_depth == 0:
            _resume_collector = gc.isenabled()
            gc.disable()
        _pause_depth += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pause_depth -= 1
            if _pause_depth == 0 and _resume_collector:
                gc.enable()


def parse_document(raw: bytes, path: str | os.PathLike[str], previous: Document | None = None) -> Document:
    """Parse record bytes: front matter, data, node tree, and every problem (schema ones included).

    `previous`, an earlier version of the same record (the one an edit started from), spares
    checking the values that did not change against the schema again (see `validate_data`).
    """
    document = Document(path=Path(path), raw=raw)
    try:
        with collector_paused():
            _parse_into(document, previous)
    except Exception as error:  # a parser bug or a pathological input must not take the caller down
        document.root = None
        document.data = None
        document.problems.append(Problem(f"cannot parse the file: {type(error).__name__}: {error}", code=SYNTAX))
        document.edit_blocker = document.edit_blocker or "The file could not be parsed, so it cannot be edited safely."
    return document


def scalar_text(document: Document, keys: Iterable[str | int]) -> str | None:
    """The text of a scalar as written in the file, without quotes (`2020-06-11T16:07:00Z`).

    Use it to show a value the way the file has it: YAML turns an unquoted timestamp into a
    datetime, whose str() is not what the user wrote. None when there is no such scalar.
    """
    node = node_at(document.root, keys)
    return node.value if isinstance(node, yaml.ScalarNode) else None


def compose_front_matter(front_text: str) -> tuple[yaml.Node | None, Any]:
    """Compose and construct `front_text` in one pass; raises yaml.YAMLError on bad YAML."""
    loader = SafeLoader(front_text)
    try:
        root = loader.get_single_node()
        return root, construct(loader, root)
    finally:
        loader.dispose()


def compose_node(front_text: str) -> yaml.Node | None:
    """The node tree of `front_text` without constructing its data; raises yaml.YAMLError on bad YAML."""
    loader = SafeLoader(front_text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def construct_node(root: yaml.Node | None) -> Any:
    """Plain data from a tree composed earlier (by `compose_node`, or a Document's `root`)."""
    loader = SafeLoader("")
    try:
        return construct(loader, root)
    finally:
        loader.dispose()


def construct(loader: Any, root: yaml.Node | None) -> Any:
    """Plain data from a composed tree, by `loader`'s safe constructor; `root` is left as it was."""
    if root is None:
        return None
    if _has_merge_key(root):
        # Constructing `<<` merges splices the merged pairs into the mapping nodes; keep the
        # tree the file really has, with its own spans.
        root = copy.deepcopy(root)
    return loader.construct_document(root)


def yaml_error_problem(error: yaml.YAMLError, front_text: str, front_line: int) -> Problem:
    """A SYNTAX problem at the FILE line/column of the real cause of `error`."""
    problem = getattr(error, "problem", None) or str(error)
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    context = getattr(error, "context", None)
    context_mark = getattr(error, "context_mark", None)

    if isinstance(error, yaml.reader.ReaderError):
        # libyaml counts this position in bytes; the offending character itself is unambiguous.
        index = front_text.find(chr(error.character)) if isinstance(error.character, int) else -1
        message = f"the front matter contains a character YAML does not allow (U+{error.character:04X})"
        if index < 0:
            return Problem(message, code=SYNTAX)
        line_start = front_text.rfind("\n", 0, index) + 1
        return Problem(
            message, line=front_text.count("\n", 0, index) + front_line, column=index - line_start + 1, code=SYNTAX
        )

    if isinstance(error, yaml.constructor.ConstructorError) and "constructor for the tag" in problem:
        tag = _quoted_part(problem)
        message = f"the YAML tag {tag} is not allowed: Newsdesk reads plain YAML values only"
        return _problem_at(message, mark, front_line)

    runaway = _runaway_string(error, front_text, mark)
    if _OTHER_LINE_BREAK.search(front_text):
        mark, context_mark = _git_mark(mark, front_text), _git_mark(context_mark, front_text)
        if runaway is not None:
            runaway = (_git_mark(runaway[0], front_text), runaway[1])
    if runaway is not None:
        start, style = runaway
        kind = "double-quoted" if style == '"' else "single-quoted"
        gave_up = f"PyYAML gave up at line {mark.line + front_line}" if mark is not None else "PyYAML gave up later"
        return _problem_at(f"unclosed {kind} string starts here ({gave_up})", start, front_line)

    message = f"YAML syntax error: {problem}"
    if context and context_mark is not None and mark is not None and context_mark.line != mark.line:
        message += f" ({context} that starts at line {context_mark.line + front_line})"
    elif context:
        message += f" ({context})"
    if mark is not None and front_text[mark.index : mark.index + 1] == "\t":
        message += "; YAML does not allow tabs for indentation, use spaces"
    if mark is not None and "{{" in _line_of(front_text, mark.index):
        message += "; {{ ... }} is template syntax, not a YAML value (quote it to keep it as text)"
    return _problem_at(message, mark, front_line)


def _line_of(text: str, index: int) -> str:
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    return text[start : end if end >= 0 else len(text)]


# --------------------------------------------------------------------------- the parse


def _parse_into(document: Document, previous: Document | None = None) -> None:
    if not locate_front_matter(document):
        return
    if document.format == "yaml":
        _parse_yaml(document, previous)
    elif document.format == "toml":
        _parse_toml(document)
    else:
        _parse_json(document)


def locate_front_matter(document: Document) -> bool:
    """Decode `document.raw` and find its front matter (format, `front_start`, `front_end`).

    False, with the problem and the edit blocker recorded, when the file has no readable front
    matter; the parse of the front matter itself is left to the caller.
    """
    raw = document.raw
    for bom, encoding in _OTHER_BOMS:
        if raw.startswith(bom):
            _block(
                document,
                Problem(f"the file is {encoding} encoded; records must be UTF-8", code=ENCODING),
                f"The file is {encoding} encoded; Newsdesk reads and writes UTF-8 records only.",
            )
            return False
    byte_order = _utf16_without_bom(raw)
    if byte_order is not None:
        _block(
            document,
            Problem(
                f"the file is UTF-16 text without a byte-order mark ({byte_order}); records must be UTF-8",
                code=ENCODING,
            ),
            "The file is UTF-16 encoded; Newsdesk reads and writes UTF-8 records only.",
        )
        return False
    document.bom = raw.startswith(UTF8_BOM)
    body = raw[len(UTF8_BOM) :] if document.bom else raw
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _byte_position(body, error.start)
        _block(
            document,
            Problem(
                f"the file is not valid UTF-8 (byte 0x{body[error.start]:02x} cannot be decoded)",
                line=line,
                column=column,
                code=ENCODING,
            ),
            "The file is not valid UTF-8 text, so it cannot be edited safely.",
        )
        return False
    document.text = text
    first_newline = text.find("\n")
    if first_newline > 0 and text[first_newline - 1] == "\r":
        document.newline = "\r\n"

    first_line_end = first_newline if first_newline >= 0 else len(text)
    first_line = text[:first_line_end].rstrip("\r")
    if _YAML_FENCE.fullmatch(first_line):
        document.format, closing = "yaml", _YAML_CLOSE
    elif _TOML_FENCE.fullmatch(first_line):
        document.format, closing = "toml", _TOML_FENCE
    elif _JSON_OPEN.fullmatch(first_line):
        document.format, closing = "json", _JSON_CLOSE
    elif "\r" in first_line and _front_matter_fence(first_line.split("\r", 1)[0]):
        # Classic Mac OS line ends: without a \n the whole file is one line to YAML, git and us.
        _block(
            document,
            Problem(
                "the file has CR-only line endings (old Mac style); records need LF or CRLF line endings",
                line=1,
                column=len(first_line.split("\r", 1)[0]) + 1,
                code=ENCODING,
            ),
            "The file has CR-only line endings; convert them to LF (or CRLF) in a text editor first.",
        )
        return False
    else:
        _block(
            document,
            Problem("the file has no front matter: its first line is not ---", code=NO_FRONT_MATTER),
            "The file has no front matter (it does not start with a --- line), so there is nothing to edit.",
        )
        return False

    front_start = first_line_end + 1 if first_newline >= 0 else len(text)
    front_end = _find_closing_fence(text, front_start, closing)
    document.front_start = front_start
    if front_end is None:
        document.front_end = len(text)
        fence = first_line.strip()
        expected = {"yaml": "--- (or ...)", "toml": fence, "json": "}"}[document.format]
        _block(
            document,
            Problem(
                f"the front matter that starts with {fence} on line 1 is never closed (no {expected} line follows)",
                line=1,
                column=1,
                code=UNCLOSED,
            ),
            "The front matter is never closed, so where the data ends is unknown.",
        )
        return False
    document.front_end = front_end
    return True


def _front_matter_fence(line: str) -> bool:
    return any(fence.fullmatch(line) for fence in (_YAML_FENCE, _TOML_FENCE, _JSON_OPEN))


def _utf16_without_bom(raw: bytes) -> str | None:
    """ "little-endian" or "big-endian" when `raw` starts like UTF-16 text with no byte-order mark.

    Text of ASCII characters in UTF-16 has a NUL byte beside every character; UTF-8 text
    never has NULs in its first line, so a NUL at every other byte is not a guess.
    """
    head = raw[:64]
    if len(head) < 4 or b"\x00" not in head:
        return None
    head = head[: len(head) // 2 * 2]
    odd, even = head[1::2], head[0::2]
    if odd.count(0) == len(odd) and 0 not in even:
        return "little-endian"
    if even.count(0) == len(even) and 0 not in odd:
        return "big-endian"
    return None


def _find_closing_fence(text: str, start: int, closing: re.Pattern[str]) -> int | None:
    """Where the line closing the front matter starts, at or after `start` (just after a newline).

    Only lines that begin like a fence are looked at: going through the 27 KB seed line by line
    took longer than composing its first half.
    """
    # One search for a newline before any prefix, where a str.find per prefix went through the text
    # once each (30 -> 11 us for the seed): the same lines in the same order, since a match holds
    # no second newline.
    for candidate in _FENCE_LINES[closing].finditer(text, max(start - 1, 0)):
        line_start = candidate.start() + 1
        line_end = text.find("\n", line_start)
        if closing.fullmatch(text[line_start : line_end if line_end >= 0 else len(text)].rstrip("\r")):
            return line_start
    return None


def _parse_yaml(document: Document, previous: Document | None = None) -> None:
    front_text = document.front_text
    front_line = document.front_line
    loader = SafeLoader(front_text)
    duplicates: list[Problem] = []
    try:
        root = loader.get_single_node()
        if root is not None:
            _count_lines_like_git(root, front_text)
        oversized = _oversized_node(root) if root is not None else None
        if oversized is not None:
            # Checked before anything walks the data: construction shares aliased values, but the
            # schema check, the editor and JSON output see each alias expanded in full.
            node, reason = oversized
            if reason == "recursive":
                message = "the front matter has a YAML alias that refers to the value containing it"
                blocker = "The front matter has a YAML alias inside its own value"
            elif reason == "depth":
                message = f"the front matter nests values more than {MAX_DEPTH} levels deep from here"
                blocker = "The front matter is nested too deeply to read safely"
            else:
                message = (
                    f"the front matter expands YAML aliases (*name) to more than {MAX_NODES:,} values "
                    "from here; a record never needs that many (an alias bomb?)"
                )
                blocker = "The front matter expands YAML aliases to too many values to read safely"
            _block(document, _problem_at(message, node.start_mark, front_line), f"{blocker}; fix it in a text editor.")
            return
        duplicates = list(_duplicate_keys(root, front_line)) if root is not None else []
        data = construct(loader, root)
    except yaml.YAMLError as error:
        _block(
            document,
            yaml_error_problem(error, front_text, front_line),
            "The front matter is not valid YAML; fix it in a text editor first.",
        )
        document.problems.extend(duplicates)
        return
    except RecursionError:
        _block(
            document,
            Problem("the front matter is nested too deeply to read", code=SYNTAX),
            "The front matter is nested too deeply to read.",
        )
        return
    except ValueError:  # Python refuses to read an integer longer than sys.get_int_max_str_digits()
        overlong = _overlong_integer(root)
        if overlong is None:
            raise
        digits = len(overlong.value.lstrip("+-"))
        _block(
            document,
            _problem_at(
                f"this number has {digits:,} digits; Newsdesk reads numbers of at most "
                f"{sys.get_int_max_str_digits():,} digits",
                overlong.start_mark,
                front_line,
            ),
            "The front matter has a number too long to read; fix it in a text editor.",
        )
        document.problems.extend(duplicates)
        return
    finally:
        loader.dispose()
    if root is None:  # empty, or only comments: an empty record, which the schema then reports on
        document.data = {}
        _add_schema_problems(document)
        return
    if not isinstance(root, yaml.MappingNode):
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        _block(
            document,
            _problem_at(
                f"the front matter must be a set of `key: value` lines, not {kind}",
                root.start_mark,
                front_line,
                code=NOT_A_MAPPING,
            ),
            "The front matter is not a set of `key: value` lines, so it cannot be edited.",
        )
        return
    document.root = root
    document.data = data
    if duplicates:
        document.problems.extend(duplicates)
        names = ", ".join(sorted({problem.path for problem in duplicates}))
        document.edit_blocker = (
            f"The front matter repeats a key ({names}); YAML keeps only the last one, so "
            "remove the duplicate in a text editor before editing here."
        )
    _add_schema_problems(document, previous)


def _parse_toml(document: Document) -> None:
    import tomllib

    load_toml: Callable[[str], Any] = tomllib.loads
    try:
        from frontmatter.default_handlers import TOMLHandler
    except ImportError:
        pass
    else:
        if TOMLHandler is not None:  # python-frontmatter sets it to None without the `toml` package
            load_toml = TOMLHandler().load
    document.edit_blocker = NOT_YAML_BLOCKER.format(kind="TOML")
    try:
        data = load_toml(document.front_text)
    except Exception as error:  # tomllib.TOMLDecodeError, toml.TomlDecodeError
        message = str(error)
        line = column = None
        # tomllib: "... (at line 3, column 10)"; the toml package: "... (line 3 column 10 char 29)"
        found = re.search(r"\s*\(?(?:at )?line (\d+),? column (\d+)(?: char \d+)?\)?", message)
        if found:
            line, column = int(found.group(1)) + document.front_line - 1, int(found.group(2))
            message = message[: found.start()] + message[found.end() :]
        document.problems.append(Problem(f"TOML syntax error: {message}", line=line, column=column, code=SYNTAX))
        return
    document.data = dict(data)
    _add_schema_problems(document)


def _parse_json(document: Document) -> None:
    from frontmatter.default_handlers import JSONHandler

    document.edit_blocker = NOT_YAML_BLOCKER.format(kind="JSON")
    text = document.text
    assert text is not None, "the front matter was located in the decoded text"
    # From the `{` line to the `}` line, as in the file, so JSON's line numbers are file lines.
    closing_line_end = text.find("\n", document.front_end)
    json_text = text[: closing_line_end if closing_line_end >= 0 else len(text)]
    try:
        data = JSONHandler().load(json_text)
    except json.JSONDecodeError as error:
        document.problems.append(
            Problem(f"JSON syntax error: {error.msg}", line=error.lineno, column=error.colno, code=SYNTAX)
        )
        return
    document.data = data
    _add_schema_problems(document)


def _add_schema_problems(document: Document, previous: Document | None = None) -> None:
    earlier = None
    if previous is not None and previous.format == "yaml" and isinstance(previous.data, dict):
        earlier = (previous.data, previous.problems)
    document.problems.extend(validate_data(document.data or {}, document.root, document.front_line, earlier))


def _block(document: Document, problem: Problem, blocker: str) -> None:
    document.problems.append(problem)
    document.edit_blocker = blocker


# --------------------------------------------------------------------------- size of the data

# Values in the data once every alias is expanded; the seed has under 200. Nine nested lists of
# nine aliases each ("billion laughs") are 400 bytes of YAML and 387 million values.
MAX_NODES = 100_000
# Levels of nesting (the seed has 4): the schema check and the editor recurse through them, and
# Python's stack ends near 1,000.
MAX_DEPTH = 100


def _overlong_integer(root: yaml.Node | None) -> yaml.ScalarNode | None:
    """The first integer scalar too long for int(), looked for only once construction refused one."""
    limit = sys.get_int_max_str_digits()
    stack = [root] if root is not None else []
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if node.tag == "tag:yaml.org,2002:int" and len(node.value) > limit:
                return node
        else:
            stack.extend(reversed(_children(node)))
    return None


def _oversized_node(root: yaml.Node) -> tuple[yaml.Node, str] | None:
    """The innermost node holding more than MAX_NODES values with its aliases expanded ("size"),
    or nesting values more than MAX_DEPTH deep ("depth"), or a node that contains itself through an
    alias ("recursive"); None when the tree is of sane size.

    Counted once per distinct node, children first, so the count itself stays linear in the YAML.
    """
    expanded: dict[int, int] = {}
    heights: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        identity = id(node)
        if identity in expanded:
            continue
        children = _children(node)
        if not children_done:
            if identity in open_nodes:
                return node, "recursive"
            open_nodes.add(identity)
            stack.append((node, True))
            for child in children:
                if id(child) in open_nodes:
                    return child, "recursive"
                if id(child) not in expanded:
                    stack.append((child, False))
            continue
        open_nodes.discard(identity)
        total = 1 + sum(expanded[id(child)] for child in children)
        if total > MAX_NODES:
            return node, "size"
        height = 1 + max((heights[id(child)] for child in children), default=0)
        if height > MAX_DEPTH:
            return node, "depth"
        expanded[identity] = total
        heights[identity] = height
    return None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


# --------------------------------------------------------------------------- duplicate keys


def _duplicate_keys(root: yaml.Node, front_line: int) -> Iterable[Problem]:
    seen_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, str]] = [(root, "$")]
    while stack:
        node, path = stack.pop()
        if id(node) in seen_nodes:  # aliases share nodes, and may even be recursive
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first_seen: dict[tuple[str, str], yaml.Node] = {}
            children = []
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.tag == MERGE_TAG:
                        continue
                    identity = (key_node.tag, key_node.value)
                    child_path = _json_path(path, key_node.value)
                    if identity in first_seen:
                        first = first_seen[identity].start_mark
                        yield _problem_at(
                            f"the key {key_node.value!r} appears twice (first on line {first.line + front_line}); "
                            "YAML would silently keep only this last one",
                            key_node.start_mark,
                            front_line,
                            code=DUPLICATE_KEY,
                            path=child_path,
                        )
                    else:
                        first_seen[identity] = key_node
                    children.append((value_node, child_path))
                else:
                    children.append((value_node, path + ".?"))
            stack.extend(reversed(children))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed([(item, f"{path}[{index}]") for index, item in enumerate(node.value)]))


def _has_merge_key(root: yaml.Node) -> bool:
    seen_nodes: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.tag == MERGE_TAG:
                    return True
                stack.append(key_node)
                stack.append(value_node)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return False


_SIMPLE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _json_path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    if _SIMPLE_KEY.fullmatch(key):
        return f"{parent}.{key}"
    return f"{parent}[{json.dumps(key, ensure_ascii=False)}]"


# --------------------------------------------------------------------------- error positions

# Characters YAML takes for line breaks that editors and git do not (they count `\n` only).
_OTHER_LINE_BREAK = re.compile(r"[\x85\u2028\u2029]|\r(?!\n)")


def _git_mark(mark: Any, text: str, newlines: list[int] | None = None) -> Any:
    """`mark` with its line and column counted from its character offset by `\n`s only."""
    if mark is None:
        return None
    if newlines is None:
        newlines = [found.start() for found in re.finditer("\n", text)]
    line = bisect.bisect_left(newlines, mark.index)
    line_start = newlines[line - 1] + 1 if line else 0
    # Without a buffer a mark shows no snippet, so its pointer into that buffer is never read.
    return yaml.Mark(mark.name, mark.index, line, mark.index - line_start, None, 0)


def _count_lines_like_git(root: yaml.Node, text: str) -> None:
    """Give every node of `root` lines as editors and git count them, when YAML counted otherwise.

    PyYAML ends a line at NEL, U+2028, U+2029 and a lone CR too: after one of those in a value,
    every later line reported would be one too far, and a column on that line would be wrong.
    """
    if not _OTHER_LINE_BREAK.search(text):
        return
    newlines = [found.start() for found in re.finditer("\n", text)]
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        node.start_mark = _git_mark(node.start_mark, text, newlines)
        node.end_mark = _git_mark(node.end_mark, text, newlines)
        stack.extend(_children(node))


def _problem_at(message: str, mark: Any, front_line: int, *, code: str = SYNTAX, path: str = "") -> Problem:
    if mark is None:
        return Problem(message, code=code, path=path)
    return Problem(message, line=mark.line + front_line, column=mark.column + 1, path=path, code=code)


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def _quoted_part(text: str) -> str:
    found = re.search(r"'([^']*)'", text)
    return found.group(1) if found else text


# A line inside a quoted string that looks like the start of the next entry: the string swallowed it.
_SWALLOWED_ENTRY = re.compile(r"\n[ \t]*(?:- +)?[^\s:#\"'][^:\n]*:(?:[ \t]|$)", re.MULTILINE)


def _runaway_string(error: yaml.YAMLError, front_text: str, mark: Any) -> tuple[Any, str] | None:
    """Where a quoted string with no closing quote began, when that is what broke the parse.

    Such a string runs on to the next quote character (often the opening quote of a later
    value) and PyYAML reports the error wherever the text after it stops making sense, lines
    later. Re-scan the tokens up to the error: the cause is a quoted scalar spanning lines whose
    "closing" quote is glued to the text after it (it was really an opening quote), or which
    swallowed what looks like the next `key:` entry and ends where the parser gave up.
    """
    context = getattr(error, "context", None) or ""
    context_mark = getattr(error, "context_mark", None)
    if "quoted scalar" in context and context_mark is not None:
        # The scanner itself ran out of text inside the string; its context mark is the opening quote.
        style = front_text[context_mark.index : context_mark.index + 1]
        return context_mark, style if style in "\"'" else '"'
    if mark is None:
        return None
    suspect = None
    try:
        for token in yaml.scan(front_text, Loader=SafeLoader):
            if token.start_mark.line > mark.line:
                break
            if (
                isinstance(token, yaml.ScalarToken)
                and token.style in ('"', "'")
                and token.end_mark.line > token.start_mark.line
            ):
                spanned = front_text[token.start_mark.index : token.end_mark.index]
                after = front_text[token.end_mark.index : token.end_mark.index + 1]
                glued = after != "" and after not in " \t\r\n,:]}#"
                if glued or (token.end_mark.line == mark.line and _SWALLOWED_ENTRY.search(spanned)):
                    suspect = (token.start_mark, token.style)
    except yaml.YAMLError:
        pass
    return suspect
