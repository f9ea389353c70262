"""git, read-only: the commit and dirty flag of a tree, merge bases, a temporary worktree.

Every call runs ``git`` with hooks and fsmonitor switched off and no prompts, so
that nothing in the audited repository runs: ``git worktree add`` would otherwise
run a ``post-checkout`` hook. The base of a pull request is checked out in a
temporary folder outside the repository and removed afterwards, whatever happens.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


class VcsError(Exception):
    """git failed or is missing; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class GitState:
    toplevel: Path  # the repository's top folder
    commit: str | None  # None in a repository without commits
    dirty: bool  # uncommitted changes (or untracked files) under the path asked about


def _git(cwd: Path, *args: str, check: bool = True) -> str:
    command = [
        "git",
        "-c", f"core.hooksPath={os.devnull}",
        "-c", "core.fsmonitor=false",
        "-c", "advice.detachedHead=false",
        *args,
    ]  # fmt: skip
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_LFS_SKIP_SMUDGE": "1"}
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(name, None)  # the tree asked about decides, not the caller's environment
    try:
        proc = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, env=env, check=False, timeout=600
        )
    except FileNotFoundError:
        raise VcsError("git is not installed (needed for --base)") from None
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise VcsError(f"git {args[0]} failed: {exc}") from None
    if check and proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["exit status " + str(proc.returncode)])[-1]
        raise VcsError(f"git {args[0]} failed: {last}")
    return proc.stdout


def describe(path: Path, pathspecs: tuple[str, ...] = (".",)) -> GitState | None:
    """The repository holding ``path``, its HEAD commit and whether ``pathspecs``
    (relative to ``path``) have uncommitted changes; None outside a repository or
    without git."""
    try:
        top = _git(path, "rev-parse", "--show-toplevel").strip()
    except VcsError:
        return None
    commit = _git(path, "rev-parse", "--verify", "-q", "HEAD", check=False).strip() or None
    try:
        status = _git(path, "status", "--porcelain", "-z", "--", *pathspecs)
    except VcsError:
        status = ""
    return GitState(Path(top), commit, bool(status.strip("\0")))


def merge_base(path: Path, ref: str) -> tuple[str, str]:
    """(merge base of ``ref`` and HEAD, ``ref``'s own commit); VcsError if unknown."""
    try:
        target = _git(path, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}").strip()
    except VcsError:
        raise VcsError(
            f"unknown git revision {ref!r}; fetch it first (in GitHub Actions: "
            "actions/checkout with fetch-depth: 0)"
        ) from None
    try:
        base = _git(path, "merge-base", target, "HEAD").strip()
    except VcsError:
        raise VcsError(f"{ref!r} and HEAD have no common ancestor (a shallow clone?)") from None
    return base, target


@contextmanager
def worktree(path: Path, commit: str) -> Iterator[Path]:
    """A detached checkout of ``commit`` in a temporary folder, removed on exit."""
    holder = Path(tempfile.mkdtemp(prefix="traceaudit-base-"))
    tree = holder / "tree"
    added = False
    try:
        _git(path, "worktree", "add", "--detach", "--quiet", str(tree), commit)
        added = True
        yield tree
    finally:
        if added:
            _git(path, "worktree", "remove", "--force", str(tree), check=False)
        shutil.rmtree(holder, ignore_errors=True)
        if added:
            _git(path, "worktree", "prune", check=False)
