"""The git subcommands of `newsdesk`: `merge` (git's merge driver), `git-setup` and `publish`.

Kept apart from cli.py, which only registers them; the work is in the Qt-free core
(`desktop.records.merge_driver`, `desktop.records.gitrepo`).
"""

from __future__ import annotations

import argparse
import sys

COMMANDS = ("merge", "git-setup", "publish")
EXIT_OK, EXIT_FAILED = 0, 1


def add_parsers(commands: argparse._SubParsersAction) -> None:
    merge = commands.add_parser(
        "merge",
        help="git merge driver for records",
        description="Merge three versions of a record field by field, as git's merge driver (%%O %%A %%B %%P): "
        "the result is written to OURS; exit 0 when clean, 1 with conflict markers around the fields "
        "both sides changed. `newsdesk git-setup FOLDER` registers it.",
    )
    merge.add_argument("base", metavar="BASE", help="the common ancestor (%%O)")
    merge.add_argument("ours", metavar="OURS", help="our version, replaced by the result (%%A)")
    merge.add_argument("theirs", metavar="THEIRS", help="their version (%%B)")
    merge.add_argument("name", nargs="?", metavar="PATH", help="the file's path in the repository (%%P), for messages")
    merge.add_argument("--marker-size", type=int, default=7, metavar="N", help="length of the conflict markers (%%L)")
    merge.set_defaults(run=_run_merge)

    setup = commands.add_parser(
        "git-setup",
        help="make git merge records field by field",
        description="Register `newsdesk merge` for the records in FOLDER: .gitattributes entries for "
        "*.txt, *.md and *.markdown, and merge.newsdesk.driver in the repository's git config. "
        "Running it again changes nothing.",
    )
    setup.add_argument("folder", metavar="FOLDER")
    setup.set_defaults(run=_run_git_setup)

    publish = commands.add_parser(
        "publish",
        help="commit approvals and field edits",
        description="Commit the records in FOLDER whose saved changes are approvals and field edits, as one "
        "commit with a readable message and an Approved-by trailer per approval. Nothing else is committed; "
        "on failure the index and work tree are left as they were.",
    )
    publish.add_argument("folder", metavar="FOLDER")
    publish.add_argument(
        "-m", "--message", metavar="MESSAGE", help="the commit's first line (default: 'Approve N records, edit M')"
    )
    publish.add_argument("--push", action="store_true", help="push the commit to the branch's upstream")
    publish.set_defaults(run=_run_publish)


def _run_merge(options: argparse.Namespace) -> int:
    from desktop.records import run_merge_driver

    outcome = run_merge_driver(options.base, options.ours, options.theirs, options.name, options.marker_size)
    print(f"newsdesk merge: {outcome.summary}", file=sys.stderr)
    return outcome.exit_code


def _run_git_setup(options: argparse.Namespace) -> int:
    from desktop.records import GitError, setup_merge_driver

    try:
        report = setup_merge_driver(options.folder)
    except GitError as error:
        print(f"newsdesk git-setup: {error}", file=sys.stderr)
        return EXIT_FAILED
    for line in report.lines():
        print(line)
    return EXIT_OK


def _run_publish(options: argparse.Namespace) -> int:
    from desktop.records import GitError, publish

    try:
        result = publish(options.folder, message=options.message, push=options.push)
    except GitError as error:
        print(f"newsdesk publish: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(f"Committed {result.commit[:10]}: {result.message.splitlines()[0]}")
    for line in result.message.splitlines()[2:]:
        if line and not line.startswith("Approved-by:"):
            print(f"  {line}")
    for path, why in result.skipped.items():
        print(f"  not committed: {path}: {why}")
    if result.pushed:
        print("Pushed.")
    return EXIT_OK
