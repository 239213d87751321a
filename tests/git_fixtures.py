"""Real git repositories for tests: a bare one and clones, isolated from the user's git config."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"

pytestmark_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(cwd: Path, *args: str, check: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, input=stdin)
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed ({done.returncode}): {done.stderr}{done.stdout}")
    return done


@pytest.fixture
def isolated_git(monkeypatch, tmp_path):
    """No global or system git config, no identity from the environment, a private HOME."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "EMAIL",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    return home


def make_editor_clone(bare: Path, where: Path, name: str, email: str) -> Path:
    git(where.parent, "clone", "-q", str(bare), where.name)
    git(where, "config", "user.name", name)
    git(where, "config", "user.email", email)
    return where


@pytest.fixture
def record_remote(isolated_git, tmp_path) -> tuple[Path, Path]:
    """(bare repository, first clone) holding the seed records in records/, pushed on main."""
    bare = tmp_path / "records.git"
    git(tmp_path, "init", "-q", "--bare", "--initial-branch=main", str(bare))
    first = make_editor_clone(bare, tmp_path / "ana", "Ana", "ana@example.com")
    folder = first / "records"
    folder.mkdir()
    for path in sorted(SEEDS.glob("*.txt")):
        shutil.copyfile(path, folder / path.name)
    git(first, "add", "-A")
    git(first, "commit", "-q", "-m", "Records")
    git(first, "push", "-q", "origin", "HEAD:main")
    git(first, "branch", "-q", "--set-upstream-to=origin/main")
    return bare, first


@pytest.fixture
def two_editors(record_remote, tmp_path, capsys) -> tuple[Path, Path]:
    """(ana, ben): two clones set up with `newsdesk git-setup` (.gitattributes committed by Ana),
    both pulling with merges, as two editors of one record repository."""
    from desktop.cli import main

    bare, ana = record_remote
    assert main(["git-setup", str(ana / "records")]) == 0
    git(ana, "add", "records/.gitattributes")
    git(ana, "commit", "-q", "-m", "Merge records field by field")
    git(ana, "push", "-q")
    ben = make_editor_clone(bare, tmp_path / "ben", "Ben", "ben@example.com")
    assert main(["git-setup", str(ben / "records")]) == 0
    for clone in (ana, ben):
        git(clone, "config", "pull.rebase", "false")
    capsys.readouterr()
    return ana, ben
