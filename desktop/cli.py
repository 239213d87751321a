"""The `newsdesk` command: launch the desk, or validate, list and edit records from a shell.

    newsdesk [FOLDER]                 open the desktop app on FOLDER
    newsdesk validate PATH...         check records; exit 1 if any has a problem
    newsdesk list FOLDER [--json]     one row per record
    newsdesk set FILE... [changes]    edit records in place, minimal diff, atomic save
    newsdesk merge BASE OURS THEIRS   git's merge driver for records (see desktop/git_commands.py)
    newsdesk git-setup FOLDER         register that driver for a repository
    newsdesk publish FOLDER           commit approvals and field edits as one commit

A FOLDER whose name is a command name (validate, list, set) is opened as `./validate`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.git_commands import COMMANDS as GIT_COMMANDS
from desktop.records import counted

EXIT_OK = 0
EXIT_PROBLEMS = 1  # a record has a problem, or an edit was refused or could not be saved
EXIT_USAGE = 2  # argparse uses 2 too
EXIT_NO_WINDOW = 3

COMMANDS = ("validate", "list", "set", *GIT_COMMANDS)
# The records core and the window are imported inside the commands that use them: `newsdesk
# --help` stays instant, and the shell commands never load Qt.
_PUBLISHED_WORDS = {"true": True, "false": False}


class UsageError(Exception):
    """Bad command line: exit 2 after printing the message."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `newsdesk` and `python -m desktop`; returns the exit code."""
    if argv is None:
        _tolerate_narrow_encodings()
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in COMMANDS:
            parser = _command_parser()
            options = parser.parse_args(args)
            return options.run(options)
        return _launch(_launch_parser().parse_args(args))
    except UsageError as error:
        print(f"newsdesk: {error}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exit_:  # argparse: --help (0) and usage errors (2)
        if exit_.code:
            _hint_dash_files(args)
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `newsdesk list seeds | head`: the reader left; stop quietly, as other Unix tools do.
        _silence_stdout()
        return EXIT_PROBLEMS


def _hint_dash_files(args: Sequence[str]) -> None:
    # argparse takes `-x.md` for an option, and its error does not say that the file was meant.
    named = args[: args.index("--")] if "--" in args else args
    for argument in named:
        if argument.startswith("-") and argument != "-" and os.path.lexists(argument):
            print(
                f"newsdesk: {_printable(argument)} is a file whose name starts with '-', taken as an option; "
                f"write ./{_printable(argument)} to name it",
                file=sys.stderr,
            )


def _tolerate_narrow_encodings() -> None:
    # Output redirected to a file on a non-UTF-8 locale must not crash on a curly quote in a title.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (captured in tests)
        pass


# --------------------------------------------------------------------------- parsers


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsdesk")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _launch_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk",
        usage="newsdesk [-h] [--version] [FOLDER]\n       newsdesk {validate,list,set,merge,git-setup,publish} ...",
        description="Editorial desk for folders of front-matter news records.",
        epilog=(
            "commands:\n"
            "  validate PATH...       check records against the schema (exit 1 on any problem)\n"
            "  list FOLDER            one row per record (--json for JSON lines)\n"
            "  set FILE... CHANGES    change quality, heat, topics or published in place\n"
            "  merge BASE OURS THEIRS git's merge driver: merge a record field by field\n"
            "  git-setup FOLDER       make git merge the records in FOLDER field by field\n"
            "  publish FOLDER         commit approvals and field edits as one commit (--push)\n"
            "\n"
            "Run `newsdesk COMMAND --help` for a command's options. A folder named like a\n"
            "command is opened with a path: `newsdesk ./validate`."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"newsdesk {_version()}")
    parser.add_argument(
        "folder",
        nargs="?",
        metavar="FOLDER",
        help="folder of records to open (default: the last folder opened, else the bundled seeds)",
    )
    return parser


def _command_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsdesk")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    # validate and list read records only: both take files or folders, and --json for JSON lines.
    reading_commands = (
        (
            "validate",
            _run_validate,
            "check records",
            "Check records (files, or folders searched recursively) for YAML and schema problems. "
            "Prints FILE:LINE:COL: message per problem, FILE:LINE:COL: warning: message per warning (the "
            "same story twice in a folder, a related story listed twice) and a summary; exits 0 when no "
            "record has an error (warnings alone do not count unless --strict), 1 when any has, 2 on a usage error.",
            "PATH",
            "record file or folder",
            "one JSON object per problem per line",
        ),
        (
            "list",
            _run_list,
            "one row per record",
            "One row per record: path, title, provider, publishedDateTime, quality, heat, "
            "published, topics and number of problems.",
            "FOLDER",
            "folder (searched recursively) or record file",
            "one JSON object per record per line",
        ),
    )
    for name, run, summary, description, metavar, paths_help, json_help in reading_commands:
        command = commands.add_parser(name, help=summary, description=description)
        command.add_argument("paths", nargs="+", metavar=metavar, help=paths_help)
        command.add_argument("--json", action="store_true", help=json_help)
        command.add_argument(
            "--jobs",
            type=_positive,
            metavar="N",
            default=os.cpu_count() or 1,
            help="worker processes that read changed files (default: the number of cores)",
        )
        command.add_argument(
            "--no-index",
            action="store_true",
            help="read every file again instead of trusting the folder's index, and rebuild it",
        )
        command.set_defaults(run=run)
        if name == "validate":
            _add_check_options(command)

    edit = commands.add_parser(
        "set",
        help="edit records in place",
        description="Change records in place, touching only the lines of the changed values, with an "
        "atomic save. Each file is changed completely or not at all; an invalid value or a refused "
        "edit is reported on stderr and the command exits 1.",
    )
    edit.add_argument("files", nargs="+", metavar="FILE")
    edit.add_argument("--quality", type=int, metavar="N", help="0..100")
    edit.add_argument("--heat", type=int, metavar="N", help="-1 (not rated) or 0..100")
    edit.add_argument("--topics", metavar='"A, B"', help="replace the topics with this comma-separated list")
    # Both flags append to one list, so the steps apply in the order they were typed.
    for step, help_text in (
        ("add", "add a topic (repeatable; a topic already there is left alone)"),
        ("remove", "remove a topic (repeatable)"),
    ):
        edit.add_argument(
            f"--{step}-topic",
            dest="topic_steps",
            action="append",
            type=lambda topic, step=step: (step, topic),
            metavar="T",
            help=help_text,
        )
    edit.add_argument("--published", type=_published_word, metavar="true|false", help="approve or withdraw")
    edit.add_argument("--force", action="store_true", help="save even if the file changed on disk since it was read")
    edit.set_defaults(run=_run_set)

    from desktop import git_commands

    git_commands.add_parsers(commands)
    return parser


def _add_check_options(command: argparse.ArgumentParser) -> None:
    from desktop.records import DEFAULT_LINK_MAX_AGE, DEFAULT_LINK_TIMEOUT, DEFAULT_MIN_IMAGE_SIZE

    max_age_hours, timeout = DEFAULT_LINK_MAX_AGE / 3600, DEFAULT_LINK_TIMEOUT
    command.add_argument(
        "--strict", action="store_true", help="count warnings (duplicates, links, images) as problems: exit 1 on any"
    )
    command.add_argument(
        "--online", action="store_true", help="also check every link and image over http(s): dead, moved, wrong size"
    )
    command.add_argument(
        "--max-age",
        type=_non_negative,
        metavar="HOURS",
        default=max_age_hours,
        help=f"with --online: reuse answers younger than this (default {max_age_hours:g}; 0 asks again)",
    )
    command.add_argument(
        "--timeout",
        type=_non_negative,
        metavar="SECONDS",
        default=timeout,
        help=f"with --online: give up on an address after this long (default {timeout:g})",
    )
    command.add_argument(
        "--min-image-size",
        type=_positive,
        metavar="PIXELS",
        default=DEFAULT_MIN_IMAGE_SIZE,
        help=f"with --online: warn about images whose shorter side is smaller (default {DEFAULT_MIN_IMAGE_SIZE})",
    )


def _non_negative(word: str) -> float:
    try:
        number = float(word)
    except ValueError:
        number = -1.0
    if not number >= 0:
        raise argparse.ArgumentTypeError(f"expected a number of at least 0, not {word!r}")
    return number


def _positive(word: str) -> int:
    try:
        number = int(word)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {word!r}")
    return number


def _published_word(word: str) -> bool:
    try:
        return _PUBLISHED_WORDS[word.strip().lower()]
    except KeyError:
        raise argparse.ArgumentTypeError(f"expected true or false, not {word!r}") from None


# --------------------------------------------------------------------------- launch


def _launch(options: argparse.Namespace) -> int:
    folder = None
    if options.folder is not None:
        folder = Path(options.folder)
        if not folder.is_dir():
            raise UsageError(f"not a folder: {options.folder}")
    try:
        app = importlib.import_module("desktop.app")
    except ModuleNotFoundError as error:
        if error.name == "desktop.app":
            print("newsdesk: the desktop window is not available yet", file=sys.stderr)
            return EXIT_NO_WINDOW
        if error.name and error.name.split(".")[0] == "PySide6":
            print(f"newsdesk: cannot open the desktop window: {error} (install PySide6-Essentials)", file=sys.stderr)
            return EXIT_NO_WINDOW
        raise
    run_app = getattr(app, "run_app", None)
    if run_app is None:
        print("newsdesk: the desktop window is not available yet (desktop.app has no run_app)", file=sys.stderr)
        return EXIT_NO_WINDOW
    return int(run_app(folder) or 0)


# --------------------------------------------------------------------------- validate and list


def _check_exist(arguments: Sequence[str]) -> None:
    missing = [argument for argument in arguments if not Path(argument).exists()]
    if missing:
        raise UsageError("no such file or folder: " + ", ".join(missing))


def _summaries(options: argparse.Namespace) -> list[Any]:
    """The summary of every record named by the arguments, folders through their index.

    Files as given, folders searched recursively; a file named twice is listed once. Whether a
    summary came from the index or from the file, it is the same: the output does not change.
    """
    from desktop.records import FolderScan, read_summary

    _check_exist(options.paths)
    progress = _Progress() if _on_terminal() else None
    found: dict[str, Any] = {}
    for argument in options.paths:
        path = Path(argument)
        if path.is_dir():
            scan = FolderScan(path, rebuild=options.no_index, jobs=options.jobs)
            summaries = scan.run(progress.update if progress is not None else None)
            for notice in scan.notices:
                print(f"newsdesk: note: {path}: {notice}", file=sys.stderr)
        else:
            summaries = [read_summary(path).summary]
        for summary in summaries:
            found.setdefault(summary.path, summary)
    if progress is not None:
        progress.clear()
    return list(found.values())


def _on_terminal() -> bool:
    return sys.stderr.isatty() and sys.stdout.isatty()


class _Progress:
    """One line on the terminal, redrawn at most ten times a second, for runs over half a second."""

    def __init__(self) -> None:
        import time

        self._clock = time.monotonic
        self._started = self._clock()
        self._drawn_at = 0.0
        self._shown = False

    def update(self, done: int, total: int) -> None:
        now = self._clock()
        if now - self._started < 0.5 or (now - self._drawn_at < 0.1 and done < total):
            return
        self._drawn_at = now
        self._shown = True
        sys.stderr.write(f"\rReading records: {done:,} of {total:,}\x1b[K")
        sys.stderr.flush()

    def clear(self) -> None:
        if self._shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _run_validate(options: argparse.Namespace) -> int:
    from desktop.records import all_problems, folder_problems

    summaries = _summaries(options)
    checker = None
    if options.online:
        from desktop.records import LinkChecker, folder_cache_path

        # One folder: its answers are kept in its index, where the window finds them too.
        one_folder = len(options.paths) == 1 and Path(options.paths[0]).is_dir()
        cache = folder_cache_path(options.paths[0]) if one_folder else None
        checker = LinkChecker(cache, max_age=options.max_age * 3600, timeout=options.timeout or 0.001)
    extra = folder_problems(summaries, online=options.online, checker=checker, min_image_size=options.min_image_size)
    with_problems = with_warnings = 0
    for summary in summaries:
        path = summary.path
        problems = all_problems(summary, extra)
        if any(problem.is_error for problem in problems):
            with_problems += 1
        if not all(problem.is_error for problem in problems):
            with_warnings += 1
        for problem in problems:
            if options.json:
                print(json.dumps(_problem_json(path, problem), ensure_ascii=False))
            else:
                level = "" if problem.is_error else "warning: "
                print(_printable(f"{problem.location(path)}: {level}{problem.message}"))
    summary_line = f"{counted(len(summaries), 'record')} checked, {with_problems} with problems"
    if with_warnings:
        summary_line += f", {with_warnings} with warnings"
    # With --json stdout stays pure JSON lines; the summary goes where people read it.
    print(summary_line, file=sys.stderr if options.json else sys.stdout)
    if not summaries:
        print("newsdesk: no record files (.txt, .md, .markdown) found", file=sys.stderr)
    if with_problems or (options.strict and with_warnings):
        return EXIT_PROBLEMS
    return EXIT_OK


def _problem_json(path: str | Path, problem: Any) -> dict[str, Any]:
    found = {
        "file": str(path),
        "line": problem.line,
        "column": problem.column,
        "path": problem.path,
        "code": problem.code,
        "level": problem.level,
        "message": problem.message,
    }
    if problem.other_path:
        found["other"] = problem.other_path
    return found


def _run_list(options: argparse.Namespace) -> int:
    summaries = _summaries(options)
    if options.json:
        for summary in summaries:
            print(json.dumps(summary.as_json(), ensure_ascii=False))
        return EXIT_OK
    # Listing one folder, a path relative to it is short enough to be shown whole.
    base = Path(options.paths[0]) if len(options.paths) == 1 and Path(options.paths[0]).is_dir() else None
    rows = [_table_row(summary.as_json(), base) for summary in summaries]
    width = shutil.get_terminal_size(fallback=(120, 24)).columns
    for line in _aligned_table(_LIST_COLUMNS, rows, width, _SHRINK_STEPS):
        print(line.rstrip())
    print(
        f"{counted(len(summaries), 'record')}, {sum(1 for s in summaries if s.published)} published, "
        f"{sum(1 for s in summaries if s.problem_count)} with problems"
    )
    return EXIT_OK


@dataclass(frozen=True)
class _Column:
    heading: str
    right: bool = False  # numbers align right


_LIST_COLUMNS = (
    _Column("PATH"),  # a cut path names no file: never truncated
    _Column("TITLE"),
    _Column("PROVIDER"),
    _Column("PUBLISHED AT"),
    _Column("QUAL", right=True),
    _Column("HEAT", right=True),
    _Column("PUB"),
    _Column("TOPICS"),
    _Column("PROBS", right=True),
)
_TITLE, _PROVIDER, _TOPICS = 1, 2, 7
# When the table is wider than the terminal: (column, narrowest width) steps, taken in order
# until it fits, so the title keeps the most room and the short columns are never cut. Below
# about 105 columns the table no longer fits and lines wrap: `--json` is the form for scripts.
_SHRINK_STEPS = (
    (_TOPICS, 24),
    (_PROVIDER, 16),
    (_TITLE, 40),
    (_TOPICS, 12),
    (_PROVIDER, 10),
    (_TITLE, 16),
    (_TOPICS, 6),
    (_PROVIDER, 6),
    (_TITLE, 12),
    (_TOPICS, 4),
)


def _table_row(row: dict[str, Any], base: Path | None) -> list[str]:
    def number(value: Any) -> str:
        return "" if value is None else str(value)

    path = Path(row["path"])
    return [
        str(path.relative_to(base)) if base is not None and path.is_relative_to(base) else row["path"],
        row["title"],
        row["provider"],
        row["publishedDateTime"],
        number(row["quality"]),
        number(row["heat"]),
        "yes" if row["published"] else "no",
        ", ".join(row["topics"]),
        number(row["problems"]),
    ]


def _aligned_table(
    columns: Sequence[_Column], rows: list[list[str]], width: int, shrink_steps: Sequence[tuple[int, int]] = ()
) -> list[str]:
    """Rows padded into columns; the shrinkable columns are truncated (with …) to fit `width`."""
    cells = [[_printable(cell) for cell in row] for row in rows]
    widths = [
        max([_display_width(column.heading)] + [_display_width(row[i]) for row in cells])
        for i, column in enumerate(columns)
    ]
    gap = 2
    excess = sum(widths) + gap * (len(columns) - 1) - width
    for index, narrowest in shrink_steps:
        if excess <= 0:
            break
        narrowest = max(narrowest, _display_width(columns[index].heading))
        cut = max(0, min(excess, widths[index] - narrowest))
        widths[index] -= cut
        excess -= cut
    lines = []
    for row in [[column.heading for column in columns], *cells]:
        parts = []
        for cell, column, cell_width in zip(row, columns, widths, strict=True):
            cell = _truncate(cell, cell_width)
            padding = " " * (cell_width - _display_width(cell))
            parts.append(padding + cell if column.right else cell + padding)
        lines.append((" " * gap).join(parts))
    return lines


def _display_width(text: str) -> int:
    if text.isascii():  # every ASCII character takes one column; most titles are ASCII
        return len(text)
    return sum(
        2 if unicodedata.east_asian_width(char) in "WF" else 0 if unicodedata.combining(char) else 1 for char in text
    )


def _truncate(text: str, width: int) -> str:
    if _display_width(text) <= width:
        return text
    if text.isascii():
        return text[: max(width - 1, 0)] + "…"
    out, used = "", 0
    for char in text:
        char_width = _display_width(char)
        if used + char_width > width - 1:
            break
        out += char
        used += char_width
    return out + "…"


def _printable(text: str) -> str:
    """Record text made safe for a terminal: control characters (escape sequences, newlines) shown escaped."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


# --------------------------------------------------------------------------- set


@dataclass
class _Outcome:
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _run_set(options: argparse.Namespace) -> int:
    requested = _requested_changes(options)
    if not requested:
        raise UsageError(
            "set: nothing to change: give --quality, --heat, --topics, --add-topic, --remove-topic or --published"
        )
    outcome = _Outcome()
    for file in options.files:
        try:
            message = _set_one(Path(file), requested, force=options.force, note=_note_for(file))
        except _Failed as failure:
            print(_printable(f"{file}: not changed: {failure}"), file=sys.stderr)
            outcome.failed.append(file)
            continue
        if message is None:
            print(_printable(f"{file}: unchanged (already as requested)"))
            outcome.unchanged.append(file)
        else:
            print(_printable(f"{file}: {message}"))
            outcome.changed.append(file)
    if len(options.files) > 1 or outcome.failed:
        summary = (
            f"{counted(len(options.files), 'file')}: {len(outcome.changed)} changed, "
            f"{len(outcome.unchanged)} unchanged, {len(outcome.failed)} failed"
        )
        if outcome.failed:
            print(_printable(f"{summary}: {', '.join(outcome.failed)}"), file=sys.stderr)
        else:
            print(summary)
    return EXIT_PROBLEMS if outcome.failed else EXIT_OK


class _Failed(Exception):
    pass


@dataclass(frozen=True)
class _Requested:
    """What the command line asks for, independent of any one file."""

    scalars: dict[str, Any]
    topics: list[str] | None  # --topics, the replacement list, or None
    topic_steps: list[tuple[str, str]]  # ("add" | "remove", topic) in command-line order

    def __bool__(self) -> bool:
        return bool(self.scalars) or self.topics is not None or bool(self.topic_steps)


def _requested_changes(options: argparse.Namespace) -> _Requested:
    scalars = {
        key: getattr(options, key) for key in ("quality", "heat", "published") if getattr(options, key) is not None
    }
    topics = None if options.topics is None else [topic.strip() for topic in options.topics.split(",") if topic.strip()]
    return _Requested(scalars, topics, list(options.topic_steps or ()))


def _note_for(file: str) -> Callable[[str], None]:
    return lambda text: print(_printable(f"{file}: note: {text}"), file=sys.stderr)


def _new_topics(current: Any, requested: _Requested, note: Callable[[str], None]) -> list[str]:
    from desktop.records import same_topic

    if requested.topics is not None:
        topics = []
        for topic in requested.topics:  # "AI, ai" is one topic, as with --add-topic
            if not any(same_topic(existing, topic) for existing in topics):
                topics.append(topic)
    elif current is None:
        topics = []
    elif isinstance(current, list):
        topics = list(current)
    else:
        raise _Failed(f"topics is not a list ({type(current).__name__}); fix it with --topics")
    for step, topic in requested.topic_steps:
        there = [existing for existing in topics if isinstance(existing, str) and same_topic(existing, topic)]
        if step == "add" and not there:
            topics.append(topic)
        elif step == "remove":
            if there:
                topics = [existing for existing in topics if existing not in there]
            else:
                note(f"topic {topic!r} is not there; nothing to remove")
    return topics


def _changes_for(data: dict[str, Any], requested: _Requested, note: Callable[[str], None]) -> dict[str, Any]:
    # True == 1 in Python, but `published: 1` is not `published: true` in the file.
    from desktop.records import same_value

    changes = {
        key: value for key, value in requested.scalars.items() if not (key in data and same_value(data[key], value))
    }
    if requested.topics is not None or requested.topic_steps:
        current = data.get("topics")
        topics = _new_topics(current, requested, note)
        # No topics key and an empty result is the same state: nothing to insert.
        if not (current is None and not topics) and not same_value(current, topics):
            changes["topics"] = topics
    return changes


_SET_ATTEMPTS = 3


def _set_one(path: Path, requested: _Requested, *, force: bool, note: Callable[[str], None]) -> str | None:
    """Edit and save one file; None when it already is as requested. Raises _Failed."""
    from desktop.records import EditRefused, EditSession, FileChangedOnDisk, SaveError, apply_edits

    session = EditSession()  # the window's save path: the same reader and writer
    # The changes are worked out from the file as it is, so when another program saves it between
    # our read and our write (two `set`s at once), doing it all again on its version merges both.
    for attempt in range(_SET_ATTEMPTS):
        document = session.reload(path)
        if document.edit_blocker is not None:
            raise _Failed(document.edit_blocker)
        changes = _changes_for(document.data or {}, requested, note)
        if not changes:
            return None
        try:
            edited = apply_edits(document, changes)
        except EditRefused as refusal:
            raise _Failed(str(refusal)) from None
        if edited.raw == document.raw:
            return None
        try:
            session.write(edited, force=force)
        except FileChangedOnDisk as error:
            if attempt + 1 == _SET_ATTEMPTS:
                raise _Failed(str(error)) from None
            note("the file changed on disk while it was being saved; applying the change to the new version")
            continue
        except SaveError as error:
            raise _Failed(str(error)) from None
        break
    before = document.data or {}
    return "; ".join(_describe(key, before.get(key), value) for key, value in changes.items())


def _describe(key: str, before: Any, after: Any) -> str:
    def shown(value: Any) -> str:
        if value is None:
            return "(none)"
        return json.dumps(value, ensure_ascii=False, default=str)

    return _printable(f"{key} {shown(before)} -> {shown(after)}")
