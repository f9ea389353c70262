"""Turn a project root and its configuration into sorted lists of files to read.

Spec files are the Markdown files (and OpenAPI contracts) under the spec roots.
Code is every ``.py`` file under the code roots, except virtual environments,
VCS and tool caches, build output, ``node_modules`` and ``.gitignore``d paths.
Test files are listed apart: their references count as verification, never as
implementation, and their routes are never served.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from traceaudit.model import DEFAULT_SPEC_ROOTS, Config

SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", ".mypy_cache", ".pytest_cache",
        ".ruff_cache", "__pycache__", "node_modules", "site-packages", "build", "dist", ".eggs",
        ".idea", ".vscode", "htmlcov", ".cache",
    }
)  # fmt: skip
TEST_DIRS = frozenset({"tests", "test", "testing"})
OPENAPI_SUFFIXES = (".yaml", ".yml", ".json")


class DiscoveryError(Exception):
    """A root or path the user named is unusable; the message is one line."""


@dataclass(frozen=True, slots=True)
class Discovery:
    spec_roots: tuple[str, ...]
    spec_files: tuple[str, ...]  # Markdown
    contract_files: tuple[str, ...]  # OpenAPI YAML/JSON
    python_files: tuple[str, ...]  # application code
    test_files: tuple[str, ...]  # tests: references only


def is_test_path(rel: str) -> bool:
    parts = PurePosixPath(rel).parts
    name = parts[-1]
    return (
        any(p in TEST_DIRS for p in parts[:-1])
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


class _GitIgnore:
    """The subset of gitignore semantics real projects use, nested files included."""

    def __init__(self) -> None:
        self._rules: list[
            tuple[str, re.Pattern[str], bool, bool]
        ] = []  # base, regex, neg, dir-only

    def add_file(self, base: str, path: Path) -> None:
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return
        for raw in lines:
            line = raw.rstrip()
            if not line or line.startswith("#"):
                continue
            negate = line.startswith("!")
            if negate:
                line = line[1:]
            dir_only = line.endswith("/")
            line = line.strip("/") if dir_only else line
            anchored = "/" in line.lstrip("/")
            line = line.lstrip("/")
            if not line:
                continue
            body = _glob_to_regex(line)
            regex = re.compile(body if anchored else f"(?:.*/)?{body}")
            self._rules.append((base, regex, negate, dir_only))

    def ignored(self, rel: str, is_dir: bool) -> bool:
        result = False
        for base, regex, negate, dir_only in self._rules:
            if dir_only and not is_dir:
                continue
            if base:
                if not rel.startswith(base + "/"):
                    continue
                sub = rel[len(base) + 1 :]
            else:
                sub = rel
            if regex.fullmatch(sub):
                result = not negate
        return result


def _glob_to_regex(glob: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("/**", i) and i + 3 == len(glob):
            out.append("/.*")
            i += 3
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        elif glob[i] == "[":
            end = glob.find("]", i)
            if end == -1:
                out.append(re.escape(glob[i]))
                i += 1
            else:
                out.append(glob[i : end + 1].replace("[!", "[^"))
                i = end + 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return "".join(out)


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except ValueError:
        return False
    return True


def relative_root(root: Path, given: str) -> str:
    """``given`` (relative to root or to the working directory, or absolute) relative to root."""
    path = Path(given)
    full = path if path.is_absolute() else root / path
    if not full.exists() and path.exists():
        full = path.resolve()  # relative to the working directory, as typed in a shell
    if not full.exists():
        raise DiscoveryError(f"path not found: {given}")
    if not _inside(root, full):
        raise DiscoveryError(f"path is outside the project root: {given}")
    rel = full.resolve().relative_to(root).as_posix()
    return "" if rel == "." else rel


def _walk(root: Path, start: str, excludes: tuple[str, ...], ignore: _GitIgnore) -> list[str]:
    """All files under ``start`` (relative), pruning skipped and ignored folders."""
    top = root / start if start else root
    if top.is_file():
        return [start]
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        here = Path(dirpath)
        rel_dir = here.relative_to(root).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir
        gitignore = here / ".gitignore"
        if gitignore.is_file():
            ignore.add_file(rel_dir, gitignore)
        keep: list[str] = []
        for name in sorted(dirnames):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            full = here / name
            if (
                name in SKIP_DIRS
                or name.endswith(".egg-info")
                or (full / "pyvenv.cfg").exists()
                or full.is_symlink()
                or ignore.ignored(rel, True)
                or _excluded(rel, excludes)
            ):
                continue
            keep.append(name)
        dirnames[:] = keep
        for name in filenames:
            rel = f"{rel_dir}/{name}" if rel_dir else name
            full = here / name
            if full.is_symlink() and not _inside(root, full):
                continue
            if ignore.ignored(rel, False) or _excluded(rel, excludes):
                continue
            found.append(rel)
    return found


def _excluded(rel: str, excludes: tuple[str, ...]) -> bool:
    return any(
        fnmatch.fnmatchcase(rel, pat) or fnmatch.fnmatchcase(rel, pat.rstrip("/") + "/*")
        for pat in excludes
    )


def discover(config: Config) -> Discovery:
    """Sorted spec, contract, code and test files for the configured root."""
    root = Path(config.root).resolve()
    if not root.is_dir():
        raise DiscoveryError(f"not a directory: {config.root}")
    bmad = False
    if config.spec_roots:
        spec_roots = tuple(relative_root(root, s) for s in config.spec_roots)
    else:
        spec_roots = tuple(r for r in DEFAULT_SPEC_ROOTS if (root / r).is_dir())
        bmad = not spec_roots and _has_bmad_prd(root / "docs")
        if bmad:
            spec_roots = ("docs",)
    code_roots = tuple(relative_root(root, c) for c in config.code_roots) or ("",)
    contract_extra = tuple(relative_root(root, c) for c in config.openapi)

    ignore = _GitIgnore()
    if (root / ".gitignore").is_file():
        ignore.add_file("", root / ".gitignore")

    spec_files: set[str] = set()
    contracts: set[str] = set(p for p in contract_extra if (root / p).is_file())
    # Specs are named roots: a .gitignore that hides *.md (it happens, with the specs
    # committed all the same) must not hide them; explicit excludes still apply.
    for spec_root in spec_roots:
        for rel in _walk(root, spec_root, config.exclude, _GitIgnore()):
            lower = rel.lower()
            if lower.endswith(".md") and (not bmad or _is_bmad_planning_doc(rel)):
                spec_files.add(rel)
            elif lower.endswith(OPENAPI_SUFFIXES) and _looks_like_contract(rel):
                contracts.add(rel)
    for extra in contract_extra:
        if (root / extra).is_dir():
            contracts.update(
                r
                for r in _walk(root, extra, config.exclude, ignore)
                if r.endswith(OPENAPI_SUFFIXES)
            )

    python_files: set[str] = set()
    test_files: set[str] = set()
    for code_root in code_roots:
        for rel in _walk(root, code_root, config.exclude, ignore):
            if rel.endswith(".py"):
                (test_files if is_test_path(rel) else python_files).add(rel)
    return Discovery(
        spec_roots=spec_roots,
        spec_files=tuple(sorted(spec_files)),
        contract_files=tuple(sorted(contracts)),
        python_files=tuple(sorted(python_files)),
        test_files=tuple(sorted(test_files)),
    )


_BMAD_DOC = re.compile(r"(?:prd|epics?|tech-spec)[^/]*\.md|[^/]*\.story\.md|\d+-\d+-[^/]+\.md")


def _has_bmad_prd(docs: Path) -> bool:
    """A BMAD project keeps its PRD in docs/ (prd.md or a sharded docs/prd/)."""
    return docs.is_dir() and any(
        p.name.lower() in {"prd.md", "prd"} for p in docs.iterdir() if not p.name.startswith(".")
    )


def _is_bmad_planning_doc(rel: str) -> bool:
    """PRD, epics, tech specs and story files: the BMAD documents that define items."""
    parts = PurePosixPath(rel.lower()).parts
    return bool(_BMAD_DOC.fullmatch(parts[-1])) or "prd" in parts[:-1] or "stories" in parts[:-1]


def _looks_like_contract(rel: str) -> bool:
    """OpenAPI files live in contracts/ folders or are named like openapi/swagger/api."""
    parts = PurePosixPath(rel.lower()).parts
    stem = PurePosixPath(parts[-1]).stem
    return (
        any(p in {"contracts", "contract", "openapi", "api"} for p in parts[:-1])
        or "openapi" in stem
        or "swagger" in stem
    )
