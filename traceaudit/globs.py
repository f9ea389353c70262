"""Path patterns with gitignore semantics (pathspec): one job, one library.

Used for ``.gitignore`` files (nested ones included) and ``.git/info/exclude``, for
the ``exclude`` setting, for ``per-file-ignores``/``per-file-severity`` and for the
``path`` of a waiver. Paths are project-relative POSIX strings; a folder is matched
with a trailing ``/`` (so ``build/`` only matches folders, as in git).

Patterns come from the audited tree, so matching must never backtrack
(``*a*a*a*a*b`` against a long name takes Python's ``re`` forever): pathspec runs
them on RE2, which is linear in the name. Without RE2 (a platform without its
wheels), patterns with more than three wildcards are skipped, as git skips a line
it cannot read.
"""

from __future__ import annotations

import importlib.util
import posixpath
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pathspec
import pathspec.util


class PatternError(ValueError):
    """A pattern that gitignore syntax cannot read; the message names it."""


_MAX_WILDCARDS_WITHOUT_RE2 = 3


def _has_re2() -> bool:
    """Whether google-re2 (pathspec's linear-time backend, a dependency) is installed."""
    return importlib.util.find_spec("re2") is not None


_BACKEND = "re2" if _has_re2() else "simple"


# RE2 compiles one set of patterns into one automaton, within a memory budget: past a
# few thousand patterns it fails ("failed to compile Set"), or takes minutes. A longer list
# (a generated .gitignore, a 200,000-entry ``exclude``) is compiled in sets of this many.
CHUNK = 1_000


def _one_spec(patterns: Sequence[str]) -> pathspec.GitIgnoreSpec:
    return _one_spec_of(tuple(patterns))


@lru_cache(maxsize=512)  # a set checked by :func:`invalid` is the set then matched with
def _one_spec_of(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    if _BACKEND != "re2":
        wild = [p for p in patterns if p.count("*") + p.count("?") > _MAX_WILDCARDS_WITHOUT_RE2]
        if wild:
            raise PatternError(f"too many wildcards to match safely without RE2: {wild[0]!r}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "possible nested set" and the like
            return pathspec.GitIgnoreSpec.from_lines(patterns, backend=_BACKEND)
    except Exception as exc:  # pathspec's ValueError, re.error, re2.error: all unreadable
        raise PatternError(str(exc)) from None


class _Matcher:
    """One compiled pattern list: ``include(path)`` is its verdict (None: no pattern).

    Patterns are compiled in RE2 sets of at most :data:`CHUNK`. The verdict is the one
    pathspec's reference (pure Python) backend gives: the last pattern that matches the
    path itself decides; when none does, the last that matches a folder above it.
    pathspec's RE2 backend folds the matches of its one set in the order RE2 returns
    them, which RE2 leaves undefined, and its verdict can depend on that order; here it
    is a property of the patterns alone, so it never depends on how the list is cut (a
    test holds it to the reference backend on random pattern lists)."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self._one: pathspec.GitIgnoreSpec | None = None
        self._parts: list[tuple[int, Any]] = []  # (index of the set's first pattern, backend)
        if _BACKEND != "re2":
            self._one = _one_spec(patterns)
            return
        for start in range(0, len(patterns), CHUNK):
            spec = _one_spec(patterns[start : start + CHUNK])
            backend = getattr(spec, "_backend", None)
            if not (hasattr(backend, "_set") and hasattr(backend, "_regex_data")):
                self._one, self._parts = _one_spec(patterns), []  # another pathspec: its own
                return
            self._parts.append((start, backend))

    def include(self, file: str) -> bool | None:
        if self._one is not None:
            return self._one.check_file(file).include
        path = pathspec.util.normalize_file(file)
        matched: list[tuple[int, bool, bool]] = []  # (index, is a folder match, include)
        for offset, backend in self._parts:
            data = backend._regex_data
            for regex_id in backend._set.Match(path) or ():
                dat = data[regex_id]
                matched.append((offset + dat.index, bool(dat.is_dir_pattern), bool(dat.include)))
        if not matched:
            return None
        files = [m for m in matched if not m[1]]
        return max(files or matched)[2]


@lru_cache(maxsize=1024)
def _compiled(patterns: tuple[str, ...]) -> _Matcher:
    return _Matcher(patterns)


def invalid(patterns: Sequence[str]) -> list[int]:
    """The indices of the patterns gitignore syntax cannot read: a whole set compiled at a
    time, split only where one fails (a 100,000-line file is not 100,000 compilations)."""
    bad: list[int] = []
    todo = [(start, min(start + CHUNK, len(patterns))) for start in range(0, len(patterns), CHUNK)]
    while todo:
        start, end = todo.pop()
        try:
            _one_spec(patterns[start:end])
        except PatternError:
            if end - start == 1:
                bad.append(start)
            else:
                middle = (start + end) // 2
                todo += [(start, middle), (middle, end)]
    return sorted(bad)


def validate(patterns: Sequence[str]) -> None:
    """Raise :class:`PatternError` when one of ``patterns`` is not a gitignore pattern."""
    bad = invalid(patterns)
    if bad:
        _one_spec([patterns[bad[0]]])  # raises with pathspec's message for it
        raise PatternError(f"{patterns[bad[0]]!r} cannot be read")


class PatternSet:
    """Patterns compiled once, for the many paths of a walk."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self._spec = _compiled(patterns) if patterns else None

    def check(self, rel: str, is_dir: bool = False) -> bool | None:
        if self._spec is None:
            return None
        return self._spec.include(_candidate(rel, is_dir))


def _candidate(rel: str, is_dir: bool) -> str:
    return rel.rstrip("/") + "/" if is_dir else rel


def check(patterns: Sequence[str], rel: str, is_dir: bool = False) -> bool | None:
    """True when ``rel`` is matched, False when a ``!`` pattern re-includes it,
    None when no pattern speaks about it. The last matching pattern wins."""
    if not patterns:
        return None
    return _compiled(tuple(patterns)).include(_candidate(rel, is_dir))


def matches(patterns: Sequence[str], rel: str, is_dir: bool = False) -> bool:
    """Whether ``rel`` (or a folder holding it) is matched by ``patterns``."""
    if check(patterns, rel, is_dir):
        return True
    # A pattern for a folder (``app/legacy/`` or ``app/legacy``) covers the files in it.
    parts = rel.split("/")
    return any(check(patterns, "/".join(parts[:i]), True) for i in range(1, len(parts)))


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


@dataclass
class IgnoreFiles:
    """Every ``.gitignore`` met on a walk, each applying below its own folder.

    Paths given to :meth:`add_file` and :meth:`ignored` are relative to the audited
    root; ``prefix`` is that root's path inside the repository (``backend``), so
    that the ``.gitignore`` files above the root and ``.git/info/exclude`` apply
    as git applies them. Deeper files speak after shallower ones, and inside one
    file the last matching line wins. Lines pathspec cannot read are skipped, as
    git skips them.
    """

    prefix: str = ""
    _files: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    def _in_repo(self, rel: str) -> str:
        joined = posixpath.join(self.prefix, rel) if self.prefix else rel
        return "" if joined in (".", "") else posixpath.normpath(joined)

    def add_lines(self, base: str, lines: Iterable[str], *, repo_relative: bool = False) -> None:
        every = list(lines)
        bad = set(invalid(every))
        kept = [line for i, line in enumerate(every) if i not in bad]
        if kept:
            where = base.strip("/") if repo_relative else self._in_repo(base)
            self._files.append((where, tuple(kept)))
            self._files.sort(key=lambda item: item[0].count("/") + (1 if item[0] else 0))

    def add_text(self, base: str, text: str, *, repo_relative: bool = False) -> None:
        """The lines of one ignore file that applies below ``base``."""
        self.add_lines(base, text.split("\n"), repo_relative=repo_relative)

    def ignored(self, rel: str, is_dir: bool) -> bool:
        full = self._in_repo(rel)
        if full.startswith("../"):
            return False  # outside the repository: no ignore file speaks about it
        result = False
        for base, lines in self._files:
            if base:
                if not full.startswith(base + "/"):
                    continue
                sub = full[len(base) + 1 :]
            else:
                sub = full
            verdict = check(lines, sub, is_dir)
            if verdict is not None:
                result = verdict
        return result


def repository_top(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds ``.git`` (a folder or a file)."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def git_exclude_file(root: Path) -> Path | None:
    """``.git/info/exclude`` of the repository whose top is ``root``, if any."""
    dot_git = root / ".git"
    if dot_git.is_dir():
        candidate = dot_git / "info" / "exclude"
        return candidate if candidate.is_file() else None
    if dot_git.is_file():  # a worktree or submodule: "gitdir: <path>"
        for line in _read_lines(dot_git):
            if line.startswith("gitdir:"):
                gitdir = Path(line[len("gitdir:") :].strip())
                gitdir = gitdir if gitdir.is_absolute() else root / gitdir
                common = gitdir / "commondir"
                if common.is_file():
                    target = Path(_read_lines(common)[0].strip()) if _read_lines(common) else gitdir
                    gitdir = target if target.is_absolute() else gitdir / target
                candidate = gitdir / "info" / "exclude"
                return candidate if candidate.is_file() else None
    return None
