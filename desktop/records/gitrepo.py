"""The desk's use of git: the `git` command run with list-form arguments, never a shell. Qt-free.

- `setup_merge_driver`: registers `newsdesk merge` as the merge driver of record files.
- `record_states`: each record's state in the work tree (modified, new, conflicted).
- `publish`: one commit of the records whose saved changes are approvals and field edits, with
  a message a person reads and an `Approved-by` trailer per approval; optionally pushed.

A failure raises GitError with a sentence saying why; publish then leaves the index and the work
tree as they were.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop.records.errors import RecordError

from .model import RECORD_SUFFIXES, Document
from .reading import parse_document, read_document
from .words import counted

MERGE_DRIVER = "newsdesk"
ATTRIBUTE_PATTERNS = tuple(f"*{suffix}" for suffix in RECORD_SUFFIXES)
GIT_TIMEOUT = 120  # seconds; a push to a slow remote is the longest


class GitError(RecordError):
    """A git operation that did not happen, with the reason in words."""


def git_available() -> bool:
    return shutil.which("git") is not None


def run_git(
    args: Sequence[str], cwd: str | os.PathLike[str], *, stdin: str | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """`git ARGS` in `cwd`. Raises GitError when git is missing, or (with `check`) when it fails."""
    environment = dict(os.environ)
    environment["GIT_TERMINAL_PROMPT"] = "0"  # a push needing a password fails instead of hanging
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=environment,
            timeout=GIT_TIMEOUT,
        )
    except FileNotFoundError:
        raise GitError("git is not installed (no `git` command found).") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} did not finish within {GIT_TIMEOUT} seconds.") from None
    if check and done.returncode != 0:
        raise GitError(_git_said(done) or f"git {args[0]} failed (exit {done.returncode}).")
    return done


def _git_said(done: subprocess.CompletedProcess[str]) -> str:
    lines = [line.strip() for line in (done.stderr or done.stdout or "").splitlines() if line.strip()]
    lines = [line.removeprefix("fatal: ").removeprefix("error: ") for line in lines if not line.startswith("hint:")]
    return " ".join(lines[:6])


def repo_root(folder: str | os.PathLike[str]) -> Path | None:
    """The top of the work tree holding `folder`, or None (not in one, or git is absent)."""
    folder = Path(folder)
    if not folder.is_dir() or not git_available():
        return None
    done = run_git(["rev-parse", "--show-toplevel"], folder, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        return None
    return Path(done.stdout.strip())


def _require_repo(folder: str | os.PathLike[str]) -> Path:
    if not Path(folder).is_dir():
        raise GitError(f"{folder} is not a folder.")
    if not git_available():
        raise GitError("git is not installed (no `git` command found).")
    root = repo_root(folder)
    if root is None:
        raise GitError(f"{folder} is not inside a git work tree (run `git init` there, or clone the records).")
    return root


# --------------------------------------------------------------------------------------------
# The merge driver


def driver_command() -> str:
    """The shell command git runs for a record merge: this interpreter, so it works from a venv."""
    return f"{shlex.quote(sys.executable)} -m desktop merge %O %A %B %P"


@dataclass
class SetupReport:
    attributes_file: Path
    added_patterns: list[str] = field(default_factory=list)
    kept_patterns: list[str] = field(default_factory=list)
    config_changed: list[str] = field(default_factory=list)
    config_kept: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        if self.added_patterns:
            out.append(
                f"{self.attributes_file}: added {', '.join(p + ' merge=' + MERGE_DRIVER for p in self.added_patterns)}"
            )
        if self.kept_patterns:
            out.append(f"{self.attributes_file}: already had {', '.join(self.kept_patterns)}")
        for name in self.config_changed:
            out.append(f"git config {name}: set for this repository")
        for name in self.config_kept:
            out.append(f"git config {name}: already set")
        out.append(
            "Record files (" + " ".join(ATTRIBUTE_PATTERNS) + ") now merge field by field: two editors' changes to "
            "different fields of a record no longer conflict."
        )
        if self.added_patterns:
            out.append(
                f"Commit {self.attributes_file.name} so every clone uses it; each clone runs "
                "`newsdesk git-setup` once too (git does not share its config)."
            )
        return out


def setup_merge_driver(folder: str | os.PathLike[str]) -> SetupReport:
    """Register the merge driver for the records in `folder`: `.gitattributes` there, and the
    driver in the repository's config. Running it again changes nothing."""
    root = _require_repo(folder)
    attributes = Path(folder) / ".gitattributes"
    report = SetupReport(attributes)
    try:
        existing = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    except (OSError, UnicodeDecodeError) as error:
        raise GitError(f"{attributes} cannot be read: {error}") from None
    registered = {
        parts[0]
        for parts in (line.split() for line in existing.splitlines())
        if parts and f"merge={MERGE_DRIVER}" in parts[1:]
    }
    missing = []
    for pattern in ATTRIBUTE_PATTERNS:
        if pattern in registered:
            report.kept_patterns.append(pattern)
        else:
            missing.append(pattern)
    if missing:
        from .store import SaveError, atomic_write

        text = existing
        if text and not text.endswith("\n"):
            text += "\n"
        if not text:
            text = "# Record files merge field by field with Newsdesk (newsdesk git-setup).\n"
        text += "".join(f"{pattern} merge={MERGE_DRIVER}\n" for pattern in missing)
        try:
            atomic_write(attributes, text.encode("utf-8"))
        except SaveError as error:
            raise GitError(str(error)) from None
        report.added_patterns = missing
    wanted = {
        f"merge.{MERGE_DRIVER}.name": "Newsdesk: merge record front matter field by field",
        f"merge.{MERGE_DRIVER}.driver": driver_command(),
    }
    for name, value in wanted.items():
        current = run_git(["config", "--local", "--get", name], root, check=False)
        if current.returncode == 0 and current.stdout.rstrip("\n") == value:
            report.config_kept.append(name)
            continue
        run_git(["config", "--local", name, value], root)
        report.config_changed.append(name)
    return report


# --------------------------------------------------------------------------------------------
# Record states


MODIFIED, NEW, CONFLICTED, DELETED = "modified", "new", "conflicted", "deleted"
_UNMERGED = {"DD", "AU", "UD", "UA", "DU", "AA", "UU"}


def _status(root: Path, folder: Path) -> list[tuple[str, Path]]:
    """(two-letter porcelain code, absolute path) of each changed file under `folder`."""
    done = run_git(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", str(folder)], root)
    out = []
    for entry in done.stdout.split("\0"):
        if len(entry) > 3:
            out.append((entry[:2], root / entry[3:]))
    return out


def record_states(folder: str | os.PathLike[str]) -> dict[str, str]:
    """{record path: modified | new | conflicted | deleted} for the records that differ from HEAD."""
    root = _require_repo(folder)
    states = {}
    for code, path in _status(root, Path(folder).resolve()):
        if path.suffix.lower() not in RECORD_SUFFIXES:
            continue
        if code in _UNMERGED:
            state = CONFLICTED
        elif code == "??" or "A" in code:
            state = NEW
        elif "D" in code:
            state = DELETED
        else:
            state = MODIFIED
        states[str(path)] = state
    return states


# --------------------------------------------------------------------------------------------
# Publish


@dataclass
class PublishedRecord:
    path: Path
    title: str
    approved: bool
    edited: list[str]  # the other field changes, in words (`quality 40 -> 77`)


@dataclass
class PublishResult:
    commit: str
    message: str
    records: list[PublishedRecord]
    skipped: dict[str, str] = field(default_factory=dict)  # path -> why it was left out
    pushed: bool = False


def identity(root: Path) -> tuple[str, str]:
    """(name, email) git will commit with, from its own configuration; GitError when unset."""
    values = []
    for env_name, key in (("GIT_COMMITTER_NAME", "user.name"), ("GIT_COMMITTER_EMAIL", "user.email")):
        value = os.environ.get(env_name) or run_git(["config", "--get", key], root, check=False).stdout.strip()
        values.append(value)
    name, email = values
    if not name or not email:
        raise GitError(
            'git has no identity to commit with: set it with `git config user.name "Your Name"` and '
            "`git config user.email you@example.com`. Nothing was committed."
        )
    return name, email


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _head_version(root: Path, path: Path) -> bytes | None:
    relative = path.relative_to(root).as_posix()
    done = subprocess.run(["git", "show", f"HEAD:{relative}"], cwd=root, capture_output=True, timeout=GIT_TIMEOUT)
    return done.stdout if done.returncode == 0 else None


def _describe_record(root: Path, path: Path) -> tuple[PublishedRecord | None, str]:
    from .merge import change_words, changes_between

    old_raw = _head_version(root, path)
    if old_raw is None:
        return None, "new file, not in the last commit: add it with git first"
    new = read_document(path)
    old = parse_document(old_raw, path)
    if new.data is None or old.data is None or new.format != "yaml":
        return None, "its front matter cannot be read, so what changed is unknown"
    changes = changes_between(old, new)
    if not changes and new.body == old.body:
        return None, "only its layout or comments changed, not a field"
    if new.body != old.body:
        return None, "the text after its front matter changed, which the desk does not edit"
    approved = new.data.get("published") is True and old.data.get("published") is not True
    edited = [
        change_words(key, old.data.get(key), value)
        for key, value in changes.items()
        if not (approved and key == "published")
    ]
    title = new.data.get("title")
    return PublishedRecord(
        path, _one_line(title) if isinstance(title, str) and title.strip() else path.name, approved, edited
    ), ""


def publish_message(records: Sequence[PublishedRecord], approver: tuple[str, str], subject: str | None = None) -> str:
    approvals = sum(1 for r in records if r.approved)
    edits = len(records) - approvals
    if subject:
        head = _one_line(subject)
    elif approvals and edits:
        head = f"Approve {counted(approvals, 'record')}, edit {edits}"
    elif approvals:
        head = f"Approve {counted(approvals, 'record')}"
    else:
        head = f"Edit {counted(edits, 'record')}"
    lines = [head, ""]
    for record in records:
        what = []
        if record.approved:
            what.append("Approved")
        if record.edited:
            what.append(("edited " if record.approved else "Edited ") + ", ".join(record.edited))
        lines.append(f"{', '.join(what)}: {record.title} ({record.path.name})")
    trailers = [f"Approved-by: {approver[0]} <{approver[1]}>" for record in records if record.approved]
    if trailers:
        lines += ["", *trailers]
    return "\n".join(lines) + "\n"


def publish(folder: str | os.PathLike[str], *, message: str | None = None, push: bool = False) -> PublishResult:
    """Commit the record files under `folder` whose saved changes are approvals and field edits."""
    root = _require_repo(folder)
    if run_git(["symbolic-ref", "-q", "HEAD"], root, check=False).returncode != 0:
        raise GitError("HEAD is detached (no branch is checked out): check out a branch first. Nothing was committed.")
    approver = identity(root)
    if run_git(["rev-parse", "-q", "--verify", "HEAD"], root, check=False).returncode != 0:
        raise GitError("the repository has no commit yet, so no record has saved changes to publish.")
    records: list[PublishedRecord] = []
    skipped: dict[str, str] = {}
    conflicted = []
    for code, path in _status(root, Path(folder).resolve()):
        if path.suffix.lower() not in RECORD_SUFFIXES:
            continue
        if code in _UNMERGED:
            conflicted.append(path.name)
            continue
        if code == "??" or "D" in code:
            skipped[str(path)] = "new file, not in the last commit" if code == "??" else "deleted"
            continue
        record, why = _describe_record(root, path)
        if record is None:
            skipped[str(path)] = why
        else:
            records.append(record)
    if conflicted:
        raise GitError(
            f"{counted(len(conflicted), 'record')} still {'has' if len(conflicted) == 1 else 'have'} "
            f"merge conflicts ({', '.join(sorted(conflicted)[:5])}): resolve them first. Nothing was committed."
        )
    if not records:
        raise GitError("no record has saved approvals or field edits to publish.")
    records.sort(key=lambda r: r.path.relative_to(root).as_posix())
    text = publish_message(records, approver, message)
    paths = [r.path.relative_to(root).as_posix() for r in records]
    # --only: exactly these files go in, whatever else is staged; the index stays as it was for the rest.
    done = run_git(["commit", "--only", "--cleanup=verbatim", "-F", "-", "--", *paths], root, stdin=text, check=False)
    if done.returncode != 0:
        raise GitError(
            f"git refused the commit: {_git_said(done) or 'exit ' + str(done.returncode)}. Nothing was committed."
        )
    commit = run_git(["rev-parse", "HEAD"], root).stdout.strip()
    result = PublishResult(commit, text, records, skipped)
    if push:
        pushed = run_git(["push"], root, check=False)
        if pushed.returncode != 0:
            raise GitError(f"committed {commit[:10]}, but the push failed: {_git_said(pushed)}")
        result.pushed = True
    return result


# --------------------------------------------------------------------------------------------
# History

HISTORY_LIMIT = 100  # commits shown per record: the story of a record, not an audit dump


@dataclass
class HistoryEntry:
    commit: str
    author: str
    date: str  # ISO 8601, as git gives it (author date)
    changes: list[str]  # in words: "quality 40 -> 77", "approved", "added"


def history_words(old: Document | None, new: Document) -> list[str]:
    """What one commit did to a record, per field; "added" for its first version."""
    from .merge import ABSENT, change_words, changes_between

    if old is None:
        return ["added"]
    if old.data is None or new.data is None:
        return ["changed (its front matter could not be read)"]
    words = []
    for key, value in changes_between(old, new).items():
        before = old.data.get(key, ABSENT)
        if key == "published" and value is True and before is not True:
            words.append("approved")
        elif key == "published" and before is True and value is not True:
            words.append("unapproved")
        else:
            words.append(change_words(key, before, value))
    if new.body != old.body:
        words.append("the text after the front matter changed")
    return words or ["layout or comments changed"]


def record_history(path: str | os.PathLike[str], *, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """The record's commits, newest first, each reduced to its field changes (follows renames)."""
    path = Path(path)
    root = _require_repo(path.parent)
    relative = path.resolve().relative_to(root).as_posix()
    # One commit more than shown: the oldest shown one is compared with it, not taken for the first.
    done = run_git(
        ["log", "--follow", f"-n{limit + 1}", "--format=%x01%H%x00%an%x00%aI", "--name-only", "--", relative], root
    )
    commits = []
    for block in done.stdout.split("\x01")[1:]:
        head, _, names = block.partition("\n")
        commit, author, date = head.split("\x00")
        name = next((line for line in names.splitlines() if line.strip()), relative)
        commits.append((commit, author, date, name))
    versions: list[Document | None] = []
    for commit, _author, _date, name in commits:
        shown = subprocess.run(["git", "show", f"{commit}:{name}"], cwd=root, capture_output=True, timeout=GIT_TIMEOUT)
        versions.append(parse_document(shown.stdout, root / name) if shown.returncode == 0 else None)
    entries = []
    for i, (commit, author, date, _name) in enumerate(commits):
        new = versions[i]
        older = versions[i + 1] if i + 1 < len(versions) else None
        if new is not None and older is not None and new.raw == older.raw and commits[i + 1][3] != _name:
            changes = [f"renamed from {Path(commits[i + 1][3]).name}"]
        else:
            changes = ["deleted"] if new is None else history_words(older, new)
        entries.append(HistoryEntry(commit, author, date, changes))
    return entries[:limit]


# --------------------------------------------------------------------------------------------
# Sync


@dataclass
class SyncResult:
    pulled: int  # commits that came in
    conflicted: list[Path]  # records the pull left with conflicts, to resolve per field

    def sentence(self) -> str:
        came = "Already up to date" if not self.pulled else f"Pulled {counted(self.pulled, 'commit')}"
        if self.conflicted:
            names = ", ".join(sorted(p.name for p in self.conflicted)[:5])
            to_resolve = counted(len(self.conflicted), "record")
            return f"{came}; {to_resolve} to resolve field by field (Git > Resolve Conflict): {names}."
        return came + "."


def sync(folder: str | os.PathLike[str]) -> SyncResult:
    """Fetch, then pull as git is configured to (fast-forward, merge or rebase), with the field merge
    driver registered; records left conflicted are listed, never raw git output."""
    root = _require_repo(folder)
    if run_git(["symbolic-ref", "-q", "HEAD"], root, check=False).returncode != 0:
        raise GitError("HEAD is detached (no branch is checked out): check out a branch first.")
    if run_git(["rev-parse", "--abbrev-ref", "@{upstream}"], root, check=False).returncode != 0:
        raise GitError("this branch has no upstream to sync with (set one with `git branch --set-upstream-to`).")
    # The driver's config only: it acts where .gitattributes (committed by `newsdesk git-setup`) says so.
    run_git(["config", "--local", f"merge.{MERGE_DRIVER}.driver", driver_command()], root)
    run_git(
        ["config", "--local", f"merge.{MERGE_DRIVER}.name", "Newsdesk: merge record front matter field by field"], root
    )
    before = run_git(["rev-parse", "HEAD"], root).stdout.strip()
    fetched = run_git(["fetch", "--quiet"], root, check=False)
    if fetched.returncode != 0:
        raise GitError(f"git fetch failed: {_git_said(fetched)}")
    pulled = run_git(["pull", "--no-edit"], root, check=False)
    conflicted = [
        path
        for code, path in _status(root, Path(folder).resolve())
        if code in _UNMERGED and path.suffix.lower() in RECORD_SUFFIXES
    ]
    if pulled.returncode != 0 and not conflicted:
        raise GitError(f"git pull failed: {_git_said(pulled)}")
    after = run_git(["rev-parse", "HEAD"], root).stdout.strip()
    count = 0
    if after != before:
        count = int(run_git(["rev-list", "--count", f"{before}..{after}"], root).stdout.strip() or 0)
    return SyncResult(count, conflicted)


def conflict_versions(path: str | os.PathLike[str]) -> tuple[bytes, bytes, bytes]:
    """(base, ours, theirs) of a conflicted record, from git's index stages 1, 2 and 3."""
    path = Path(path)
    root = _require_repo(path.parent)
    relative = path.resolve().relative_to(root).as_posix()
    versions = []
    for stage in (1, 2, 3):
        shown = subprocess.run(
            ["git", "show", f":{stage}:{relative}"], cwd=root, capture_output=True, timeout=GIT_TIMEOUT
        )
        if shown.returncode != 0:
            raise GitError(f"{path.name} has no conflict to resolve (stage {stage} is missing).")
        versions.append(shown.stdout)
    return versions[0], versions[1], versions[2]


def mark_resolved(path: str | os.PathLike[str], data: bytes) -> None:
    """Write the resolved record (atomically) and mark it resolved for git (`git add`)."""
    from .store import SaveError, atomic_write

    path = Path(path)
    root = _require_repo(path.parent)
    try:
        atomic_write(path, data)
    except SaveError as error:
        raise GitError(str(error)) from None
    run_git(["add", "--", path.resolve().relative_to(root).as_posix()], root)
