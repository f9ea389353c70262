"""Turn a project root and its configuration into sorted lists of files to read,
and read them.

Spec files are the Markdown files (and OpenAPI contracts) under the spec roots.
Code is every ``.py`` file under the code roots, except virtual environments,
VCS and tool caches, build output, ``node_modules`` and ``.gitignore``d paths.
Test files are listed apart: their references count as verification, never as
implementation, and their routes are never served.

Only regular files inside the root are ever read. A symbolic link is followed
when it ends at a regular file inside the root; links to folders are never
followed. Everything else that looks like a file to audit (a FIFO, socket or
device named ``x.py``, a link loop, a dangling link, a link out of the root, a
folder that cannot be read) is listed in ``Discovery.skipped`` with the reason,
and becomes a TA013 note. The walk is iterative, so folder depth is no limit.
:func:`read_file` opens without blocking, checks the file type and size on the
open descriptor, and never reads more than the size limit.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
import warnings
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


class Unreadable(Exception):
    """A file that is not read. ``skipped``: not an error in the file but a file that is
    not audited at all (not a regular file, a link loop, over the size limit): a note.
    Otherwise (permission denied, an I/O error) the file exists and could not be read."""

    def __init__(self, reason: str, skipped: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.skipped = skipped


@dataclass(frozen=True, slots=True)
class Discovery:
    spec_roots: tuple[str, ...]
    spec_files: tuple[str, ...]  # Markdown
    contract_files: tuple[str, ...]  # OpenAPI YAML/JSON
    python_files: tuple[str, ...]  # application code
    test_files: tuple[str, ...]  # tests: references only
    skipped: tuple[tuple[str, str], ...] = ()  # (path, why it is not read), sorted


def is_test_path(rel: str) -> bool:
    parts = PurePosixPath(rel).parts
    name = parts[-1]
    return (
        any(p in TEST_DIRS for p in parts[:-1])
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


# --------------------------------------------------------------------------
# Reading one file
# --------------------------------------------------------------------------


def _kind(mode: int) -> str | None:
    """What a file is when it is not a regular file; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, name in (
        (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
    ):  # fmt: skip
        if test(mode):
            return name
    return "not a regular file"


def size_text(n: int) -> str:
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KiB" if n >= 1024 else f"{n} bytes"
    if n < 1024**3:
        return f"{n / 1024 / 1024:.1f} MiB"
    return f"{n / 1024**3:.1f} GiB"


def _too_big(size: int, limit: int) -> Unreadable:
    return Unreadable(
        f"{size_text(size)}, over the size limit of {size_text(limit)} "
        "(raise max-file-size to audit it)",
        True,
    )


def _within(root: str, real: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _link_problem(root: str, path: str) -> tuple[str | None, str | None]:
    """(problem, resolved path) for a path that may go through symbolic links."""
    try:
        real = os.path.realpath(path, strict=True)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop", None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return "a dangling symbolic link (its target does not exist)", None
        return f"a symbolic link that cannot be followed ({exc.strerror})", None
    except (RuntimeError, ValueError):  # older Pythons report loops this way
        return "a symbolic link loop", None
    if not _within(root, real):
        return "a symbolic link to outside the project root, which is never followed", None
    return None, real


def read_file(root: Path, rel: str, limit: int) -> bytes:
    """The bytes of one regular file inside ``root``, at most ``limit`` of them.

    Never blocks on a FIFO, never opens a device, never follows a link out of
    the root; raises :class:`Unreadable` instead.
    """
    problem, real = _link_problem(str(root), os.path.join(root, rel))
    if problem is not None or real is None:
        raise Unreadable(problem or "cannot be read", True)
    try:
        info = os.stat(real)
    except OSError as exc:
        raise Unreadable(f"cannot read file: {exc.strerror}", False) from None
    kind = _kind(info.st_mode)
    if kind is not None:
        raise Unreadable(f"not a regular file ({kind}); only regular files are read", True)
    if info.st_size > limit:
        raise _too_big(info.st_size, limit)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        raise Unreadable(f"cannot read file: {exc.strerror}", False) from None
    try:
        info = os.fstat(fd)  # what was opened, not what was looked at (a race)
        kind = _kind(info.st_mode)
        if kind is not None:
            raise Unreadable(f"not a regular file ({kind}); only regular files are read", True)
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, 1 << 20):
            total += len(chunk)
            if total > limit:
                raise _too_big(total, limit)
            chunks.append(chunk)
    except OSError as exc:
        raise Unreadable(f"cannot read file: {exc.strerror}", False) from None
    finally:
        os.close(fd)
    return b"".join(chunks)


# --------------------------------------------------------------------------
# .gitignore, matched without backtracking
# --------------------------------------------------------------------------

# A pattern is a sequence of tokens, matched by simulating every position at once (an
# NFA): "*a*a*a*a*b" against a long name costs len(name) x len(pattern), never the
# exponential backtracking that a pattern translated into a regular expression can take.
_LIT, _ONE, _CLASS, _STAR, _DIRS, _ANY = range(6)
_NO_CLASS = re.compile("")


@dataclass(frozen=True, slots=True)
class _Token:
    kind: int  # _LIT one character, _ONE "?", _CLASS "[...]", _STAR "*", _DIRS "**/", _ANY
    char: str = ""
    chars: re.Pattern[str] = _NO_CLASS
    negate: bool = False


def _compile_glob(glob: str) -> tuple[_Token, ...]:
    out: list[_Token] = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append(_Token(_DIRS))  # "" or anything that ends in "/"
            i += 3
        elif glob.startswith("/**", i) and i + 3 == len(glob):
            out += [_Token(_LIT, "/"), _Token(_ANY)]
            i += 3
        elif glob[i] == "*":
            out.append(_Token(_STAR))
            i += 1
        elif glob[i] == "?":
            out.append(_Token(_ONE))
            i += 1
        elif glob[i] == "[":
            negate = glob[i + 1 : i + 2] in ("!", "^")
            first = i + 2 if negate else i + 1
            end = glob.find("]", first + 1)  # a "]" right after "[" belongs to the class
            chars = _char_class(glob[first:end]) if end != -1 else None
            if chars is None:
                out.append(_Token(_LIT, "["))  # not a valid class: a literal "["
                i += 1
                continue
            out.append(_Token(_CLASS, chars=chars, negate=negate))
            i = end + 1
        elif glob[i] == "\\" and i + 1 < len(glob):
            out.append(_Token(_LIT, glob[i + 1]))
            i += 2
        else:
            out.append(_Token(_LIT, glob[i]))
            i += 1
    return tuple(out)


def _char_class(body: str) -> re.Pattern[str] | None:
    """``a-z_`` -> a one-character pattern, or None when it is not a valid class."""
    if not body:
        return None
    text = "".join("-" if c == "-" else re.escape(c) for c in body)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "possible nested set" and the like
            return re.compile(f"[{text}]")
    except re.error:
        return None


def _glob_match(tokens: tuple[_Token, ...], text: str) -> bool:
    """Whether all of ``text`` matches the token sequence."""
    n = len(tokens)
    optional = (_STAR, _DIRS, _ANY)

    def closure(states: set[int]) -> set[int]:
        todo = list(states)
        while todo:
            k = todo.pop()
            if k < n and tokens[k].kind in optional and k + 1 not in states:
                states.add(k + 1)
                todo.append(k + 1)
        return states

    states = closure({0})
    for ch in text:
        nxt: set[int] = set()
        for k in states:
            if k == n:
                continue
            tok = tokens[k]
            kind = tok.kind
            if kind == _LIT:
                if ch == tok.char:
                    nxt.add(k + 1)
            elif kind == _ONE:
                if ch != "/":
                    nxt.add(k + 1)
            elif kind == _CLASS:
                if ch != "/" and (tok.chars.match(ch) is not None) != tok.negate:
                    nxt.add(k + 1)
            elif kind == _STAR:
                if ch != "/":
                    nxt.add(k)
            elif kind == _DIRS:
                nxt.add(k)
                if ch == "/":
                    nxt.add(k + 1)
            else:  # _ANY
                nxt.add(k)
        if not nxt:
            return False
        states = closure(nxt)
    return n in states


def _glob_to_regex_tokens(tokens: tuple[_Token, ...]) -> str:
    """The same pattern as a regular expression (for patterns with at most one star)."""
    out: list[str] = []
    for tok in tokens:
        if tok.kind == _LIT:
            out.append(re.escape(tok.char))
        elif tok.kind == _ONE:
            out.append("[^/]")
        elif tok.kind == _CLASS:
            look = "(?!" if tok.negate else "(?="
            out.append(f"{look}{tok.chars.pattern})[^/]")
        elif tok.kind == _STAR:
            out.append("[^/]*")
        elif tok.kind == _DIRS:
            out.append("(?:.*/)?")
        else:
            out.append(".*")
    return "".join(out)


@dataclass(frozen=True, slots=True)
class _Rule:
    base: str
    negate: bool
    dir_only: bool
    basename: bool  # an unanchored pattern without "/": it matches the last name only
    regex: re.Pattern[str] | None  # when backtracking cannot blow up (at most one star)
    tokens: tuple[_Token, ...]

    def matches(self, sub: str) -> bool:
        text = sub.rpartition("/")[2] if self.basename else sub
        if self.regex is not None:
            return self.regex.fullmatch(text) is not None
        return _glob_match(self.tokens, text)


class _GitIgnore:
    """The subset of gitignore semantics real projects use, nested files included."""

    def __init__(self) -> None:
        self._rules: list[_Rule] = []

    def add_text(self, base: str, text: str) -> None:
        for raw in text.split("\n"):
            line = raw.rstrip()
            if not line or line.startswith("#"):
                continue
            negate = line.startswith("!")
            if negate:
                line = line[1:]
            dir_only = line.endswith("/")
            line = line.rstrip("/")
            anchored = "/" in line  # a slash at the start or in the middle anchors it
            line = line.lstrip("/")
            if not line:
                continue
            tokens = _compile_glob(line)
            basename = not anchored and "/" not in line
            if not anchored and not basename:
                tokens = (_Token(_DIRS), *tokens)
            stars = sum(1 for t in tokens if t.kind in (_STAR, _DIRS, _ANY))
            regex = re.compile(_glob_to_regex_tokens(tokens)) if stars <= 1 else None
            self._rules.append(_Rule(base, negate, dir_only, basename, regex, tokens))

    def ignored(self, rel: str, is_dir: bool) -> bool:
        result = False
        for rule in self._rules:
            if rule.dir_only and not is_dir:
                continue
            if rule.base:
                if not rel.startswith(rule.base + "/"):
                    continue
                sub = rel[len(rule.base) + 1 :]
            else:
                sub = rel
            if result == rule.negate and rule.matches(sub):
                result = not rule.negate
        return result


# --------------------------------------------------------------------------
# Walking the tree
# --------------------------------------------------------------------------


def relative_root(root: Path, given: str, origin: str = "path") -> str:
    """``given`` (relative to root or to the working directory, or absolute) relative to root.

    ``origin`` names where the path was given (``--spec``, ``pyproject.toml
    [tool.traceaudit] 'spec'``) for the error message.
    """
    if "\x00" in given:
        raise DiscoveryError(f"{origin}: a path with a NUL character: {given!r}")
    path = Path(given)
    full = path if path.is_absolute() else root / path
    if not os.path.lexists(full) and os.path.lexists(path):
        full = Path(os.path.abspath(path))  # relative to the working directory, as typed
    if not os.path.lexists(full):
        raise DiscoveryError(f"{origin}: path not found: {given}")
    problem, real = _link_problem(str(root), str(full))
    if problem is not None or real is None:
        if "outside the project root" in (problem or ""):
            raise DiscoveryError(f"{origin}: path is outside the project root: {given}")
        raise DiscoveryError(f"{origin}: {given} is {problem}")
    rel = Path(real).relative_to(root).as_posix()
    return "" if rel == "." else rel


class _Walker:
    """An iterative walk that records what it does not read."""

    def __init__(self, root: Path, excludes: tuple[str, ...], limit: int) -> None:
        self.root = root
        self.real_root = str(root)
        self.excludes = _Excludes(excludes)
        self.limit = limit
        # rel -> reason, for links, special files and unreadable folders; the caller
        # keeps the ones that matter (a FIFO named x.py under a code root, ...)
        self.problems: dict[str, str] = {}

    def gitignore(self, ignore: _GitIgnore, rel_dir: str) -> None:
        rel = f"{rel_dir}/.gitignore" if rel_dir else ".gitignore"
        if not os.path.lexists(os.path.join(self.root, rel)):
            return
        try:
            data = read_file(self.root, rel, self.limit)
        except Unreadable as exc:
            self.problems[rel] = exc.reason
            return
        ignore.add_text(rel_dir, data.decode("utf-8", "replace"))

    def walk(self, start: str, ignore: _GitIgnore) -> list[str]:
        """Every regular file (or in-root link to one) under ``start``, relative to root."""
        top = os.path.join(self.root, start) if start else str(self.root)
        try:
            top_is_dir = stat.S_ISDIR(os.stat(top).st_mode)
        except OSError:
            top_is_dir = False
        if not top_is_dir:
            return [start]  # a file named as a root: read_file decides
        found: list[str] = []
        stack = [start]
        while stack:
            rel_dir = stack.pop()
            here = os.path.join(self.root, rel_dir) if rel_dir else str(self.root)
            self.gitignore(ignore, rel_dir)
            try:
                with os.scandir(here) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                self.problems[rel_dir or "."] = f"the folder cannot be read ({exc.strerror})"
                continue
            subdirs: list[str] = []
            for entry in entries:
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                try:
                    is_link = entry.is_symlink()
                    is_dir = not is_link and entry.is_dir(follow_symlinks=False)
                    mode = 0 if is_link or is_dir else entry.stat(follow_symlinks=False).st_mode
                except OSError as exc:
                    self.problems[rel] = f"cannot be read ({exc.strerror})"
                    continue
                if is_dir:
                    if not self._pruned(entry.name, rel, entry.path, ignore):
                        subdirs.append(rel)
                    continue
                if ignore.ignored(rel, False) or self.excludes.match(rel):
                    continue
                if is_link:
                    self._link(rel, entry.path, found)
                elif stat.S_ISREG(mode):
                    found.append(rel)
                else:
                    kind = _kind(mode)
                    self.problems[rel] = f"not a regular file ({kind}); only regular files are read"
            stack.extend(reversed(subdirs))
        return found

    def _pruned(self, name: str, rel: str, path: str, ignore: _GitIgnore) -> bool:
        return (
            name in SKIP_DIRS
            or name.endswith(".egg-info")
            or os.path.lexists(os.path.join(path, "pyvenv.cfg"))
            or ignore.ignored(rel, True)
            or self.excludes.match(rel)
        )

    def _link(self, rel: str, path: str, found: list[str]) -> None:
        problem, real = _link_problem(self.real_root, path)
        if problem is not None or real is None:
            self.problems[rel] = problem or "cannot be followed"
            return
        try:
            mode = os.stat(real).st_mode
        except OSError as exc:
            self.problems[rel] = f"cannot be read ({exc.strerror})"
            return
        if stat.S_ISDIR(mode):
            # never followed; a link to a folder that holds it would loop forever
            here = os.path.realpath(os.path.dirname(path))
            if _within(real, here):
                self.problems[rel] = "a symbolic link loop (to a folder that contains it)"
            return
        if not stat.S_ISREG(mode):
            self.problems[rel] = f"not a regular file ({_kind(mode)}); only regular files are read"
            return
        found.append(rel)

    def root_of(self, rel: str) -> str | None:
        """A default root as walked: links to folders inside the root are followed once."""
        path = os.path.join(self.root, rel)
        if not os.path.islink(path):
            return rel if os.path.isdir(path) else None
        problem, real = _link_problem(self.real_root, path)
        if problem is not None or real is None:
            self.problems[rel] = problem or "cannot be followed"
            return None
        if not os.path.isdir(real):
            return None
        inner = Path(real).relative_to(self.root).as_posix()
        return "" if inner == "." else inner


class _Excludes:
    """The ``exclude`` globs, compiled once (fnmatch caches only so many patterns)."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self._res = [
            re.compile(fnmatch.translate(p))
            for pat in dict.fromkeys(patterns)
            for p in (pat, pat.rstrip("/") + "/*")
        ]

    def match(self, rel: str) -> bool:
        return any(r.match(rel) for r in self._res)


def _is_spec_file(rel: str) -> bool:
    return rel.lower().endswith(".md")


def discover(config: Config) -> Discovery:
    """Sorted spec, contract, code and test files for the configured root."""
    root = Path(os.path.realpath(config.root))
    if not root.is_dir():
        raise DiscoveryError(f"not a directory: {config.root}")
    walker = _Walker(root, config.exclude, config.max_file_size)
    bmad = False
    if config.spec_roots:
        where = config.origin("spec_roots", "spec")
        spec_roots = tuple(relative_root(root, s, where) for s in config.spec_roots)
    else:
        found_roots = (walker.root_of(r) for r in DEFAULT_SPEC_ROOTS)
        spec_roots = tuple(dict.fromkeys(r for r in found_roots if r is not None))
        bmad = not spec_roots and _has_bmad_prd(root / "docs")
        if bmad:
            spec_roots = ("docs",)
    where = config.origin("code_roots", "code")
    code_roots = tuple(relative_root(root, c, where) for c in config.code_roots) or ("",)
    where = config.origin("openapi", "openapi")
    contract_extra = tuple(relative_root(root, c, where) for c in config.openapi)

    ignore = _GitIgnore()
    spec_files: set[str] = set()
    contracts: set[str] = set(p for p in contract_extra if not (root / p).is_dir())
    wanted: set[str] = set()  # where a problem matters: files that would be audited
    # Specs are named roots: a .gitignore that hides *.md (it happens, with the specs
    # committed all the same) must not hide them; explicit excludes still apply.
    for spec_root in spec_roots:
        for rel in walker.walk(spec_root, _GitIgnore()):
            lower = rel.lower()
            if _is_spec_file(rel) and (not bmad or _is_bmad_planning_doc(rel)):
                spec_files.add(rel)
            elif lower.endswith(OPENAPI_SUFFIXES) and _looks_like_contract(rel):
                contracts.add(rel)
        wanted.update(
            rel for rel in walker.problems
            if _within_rel(spec_root, rel) and (
                _is_spec_file(rel) or rel.lower().endswith(OPENAPI_SUFFIXES)
            )
        )
    for extra in contract_extra:
        if (root / extra).is_dir():
            contracts.update(r for r in walker.walk(extra, ignore) if r.endswith(OPENAPI_SUFFIXES))

    python_files: set[str] = set()
    test_files: set[str] = set()
    for code_root in code_roots:
        for rel in walker.walk(code_root, ignore):
            if rel.endswith(".py"):
                (test_files if is_test_path(rel) else python_files).add(rel)
        wanted.update(
            rel for rel in walker.problems if _within_rel(code_root, rel) and rel.endswith(".py")
        )
    skipped = sorted(
        (rel, reason)
        for rel, reason in walker.problems.items()
        if rel in wanted
        or reason.startswith(("the folder cannot be read", "a symbolic link loop"))
        or rel.endswith(".gitignore")
        or rel in DEFAULT_SPEC_ROOTS
    )
    return Discovery(
        spec_roots=spec_roots,
        spec_files=tuple(sorted(spec_files)),
        contract_files=tuple(sorted(contracts)),
        python_files=tuple(sorted(python_files)),
        test_files=tuple(sorted(test_files)),
        skipped=tuple(skipped),
    )


def _within_rel(top: str, rel: str) -> bool:
    return not top or rel == top or rel.startswith(top + "/")


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
