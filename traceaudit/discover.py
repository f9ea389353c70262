"""Turn a project root and its configuration into sorted lists of files to read,
and read them.

Spec files are the Markdown files (and OpenAPI contracts) under the spec roots.
Code is every ``.py`` file under the code roots, except virtual environments,
VCS and tool caches, build output, ``node_modules`` and what git ignores:
every ``.gitignore`` from the repository's top down, and ``.git/info/exclude``,
matched with gitignore semantics by pathspec (:mod:`traceaudit.globs`, with RE2,
so that no pattern can make matching backtrack).
Test files are listed apart: their references count as verification, never as
implementation, and their routes are never served.

Only regular files inside the root are ever read, and those of spec or code
roots named outside it when they are inside its git repository (monorepos:
``traceaudit run backend --spec ../specs``). A symbolic link is followed
when it ends at a regular file inside the root; links to folders are never
followed. Everything else that looks like a file to audit (a FIFO, socket or
device named ``x.py``, a link loop, a dangling link, a link out of the root, a
folder that cannot be read) is listed in ``Discovery.skipped`` with the reason,
and becomes a TA013 note. The walk is iterative, so folder depth is no limit.
:func:`read_file` opens without blocking, checks the file type and size on the
open descriptor, and never reads more than the size limit.
Source files of other languages (the suffixes of the ``comment-syntax`` table:
TypeScript, JavaScript, Vue, ...) are listed apart too, without vendored,
generated and minified files: only their comments are read, for spec
references, and their route files tell which endpoints non-Python code serves.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from traceaudit import globs
from traceaudit.globs import IgnoreFiles, git_exclude_file, repository_top
from traceaudit.model import DEFAULT_SPEC_ROOTS, Config

SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", ".mypy_cache", ".pytest_cache",
        ".ruff_cache", ".traceaudit_cache", "__pycache__", "node_modules", "site-packages",
        "build", "dist", ".eggs", ".idea", ".vscode", "htmlcov", ".cache",
    }
)  # fmt: skip
TEST_DIRS = frozenset({"tests", "test", "testing"})
# Folders of other languages that hold vendored, generated or built code, never the
# project's own source.
OTHER_SKIP_DIRS = frozenset(
    {"vendor", "vendors", "bower_components", ".next", ".nuxt", ".svelte-kit", ".output",
     ".expo", ".turbo", "out", "coverage", "storybook-static", "target", "bin", "obj"}
)  # fmt: skip
OTHER_TEST_DIRS = frozenset({"__tests__", "__mocks__", "e2e", "cypress", "playwright", "spec"})
_GENERATED_SOURCE = re.compile(r"(?i)[.-](?:min|bundle|chunk|umd)\.[a-z]+$|\.d\.[cm]?ts$|\.map$")
OTHER_MAX_BYTES = 512 * 1024  # larger files are bundles or generated data
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
    # (spec root, why it was chosen): "named like a spec folder", "4 BMAD story files" ...
    spec_reasons: tuple[tuple[str, str], ...] = ()
    # files that can say what is served: Dockerfiles, compose, Procfile, scripts, packaging
    deploy_files: tuple[str, ...] = ()
    other_files: tuple[str, ...] = ()  # other languages' sources (tests included)
    # Markdown files of the project that are not read as specs: where a dangling citation's
    # id may be defined after all (TA003 says so)
    doc_files: tuple[str, ...] = ()


# The last suffix of a file named like a Dockerfile that makes it another kind of file: a
# document about Dockerfiles (``dockerfile-patterns.md``), code, or a template that a
# generator fills in (``Dockerfile.j2``, ``Dockerfile.example``): none is a deployment.
_NOT_A_DOCKERFILE = frozenset(
    {"md", "markdown", "rst", "txt", "adoc", "html", "htm", "ipynb", "py", "json", "toml",
     "j2", "jinja", "jinja2", "tmpl", "tpl", "template", "example", "sample"}
)  # fmt: skip
# Folders whose files are templates for other projects (a generator's or a coding agent's
# skill templates), not this project's deployment: ``templates/``, a cookiecutter or
# copier folder (``{{cookiecutter.project_slug}}/``).
_TEMPLATE_DIRS = frozenset({"templates", "template"})


def is_deploy_file(rel: str) -> bool:
    """Whether a project file can name what is served: Dockerfiles, compose files, a
    Procfile, shell scripts, packaging metadata (read by ``pysource.deploy``). A file named
    like a Dockerfile with the suffix of a document, code or a template is not one."""
    name = PurePosixPath(rel).name
    low = name.lower()
    dockerfile = low.startswith(("dockerfile", "containerfile")) and (
        "." not in low or low.rsplit(".", 1)[1] not in _NOT_A_DOCKERFILE
    )
    return (
        dockerfile
        or low.endswith((".dockerfile", ".containerfile"))
        or (low.startswith(("docker-compose", "compose")) and low.endswith((".yml", ".yaml")))
        or low == "procfile"
        or low.endswith(".sh")
        or low in ("pyproject.toml", "setup.cfg", "setup.py", "entry_points.txt")
        or is_proxy_config(rel)
    )


def is_proxy_config(rel: str) -> bool:
    """An nginx configuration: ``nginx.conf``, ``nginx.conf.template``, ``deploy/nginx/
    default.conf``, ``api.nginx.conf.example``: what a reverse proxy in front of the app
    forwards (read by ``pysource.deploy.proxy_prefixes``)."""
    parts = PurePosixPath(rel.lower()).parts
    name = parts[-1]
    conf = ".conf" in name and not name.endswith((".md", ".txt", ".py", ".json"))
    return conf and ("nginx" in name or "nginx" in parts[:-1])


def is_other_test_path(rel: str) -> bool:
    """A test of another language: ``*.test.ts``, ``*.spec.tsx``, ``__tests__/``, ``e2e/``."""
    parts = PurePosixPath(rel).parts
    name = parts[-1].lower()
    return (
        any(p in TEST_DIRS or p in OTHER_TEST_DIRS for p in parts[:-1])
        or ".test." in name
        or ".spec." in name
        or name.startswith("test_")
        or name.endswith(("_test.go", "_test.rb", "_spec.rb"))
    )


def among_code(rel: str) -> bool:
    """Whether a Python file sits among the application's modules: outside a test folder
    (``tests/``, ``test/``, ``testing/``) and not a ``conftest.py``. A file named like a
    test there (``routers/test_rbac.py``) is still read for code facts, because the
    application may import it; route resolution runs it only when something does."""
    parts = PurePosixPath(rel).parts
    return parts[-1] != "conftest.py" and not any(p in TEST_DIRS for p in parts[:-1])


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
    """(problem, resolved path) for a path that may go through symbolic links.

    A chain of more links than the system follows (40 on Linux) is a loop as every other
    program sees it (``open`` fails with ELOOP), though ``realpath`` would resolve it."""
    try:
        os.stat(path)
        real = os.path.realpath(path, strict=True)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop, or a chain of more links than the system follows", None
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
    return read_file_stat(root, rel, limit)[0]


def _checked_path(root: Path, rel: str, limit: int) -> tuple[str, os.stat_result]:
    """The real path of ``rel`` and its stat, when it may be read; else :class:`Unreadable`."""
    # a file of a root named outside ROOT (``../specs/x.md``) may sit anywhere in the
    # repository; every other file must resolve inside ROOT
    limit_root = str(boundary(root)) if rel.startswith("../") else str(root)
    problem, real = _link_problem(limit_root, os.path.join(root, rel))
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
    return real, info


def probe_file(root: Path, rel: str, limit: int) -> os.stat_result:
    """The stat of a file :func:`read_file` would read (the same checks, nothing read)."""
    return _checked_path(root, rel, limit)[1]


def read_file_stat(root: Path, rel: str, limit: int) -> tuple[bytes, os.stat_result]:
    """:func:`read_file`, with the stat of the opened file taken before it was read."""
    real, _ = _checked_path(root, rel, limit)
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
    return b"".join(chunks), info


# --------------------------------------------------------------------------
# .gitignore: pathspec (traceaudit.globs)
# --------------------------------------------------------------------------

_GitIgnore = IgnoreFiles  # the rules of every .gitignore met, each below its own folder


def boundary(root: Path) -> Path:
    """How far a named spec or code path may reach: the repository that holds ``root``
    (the nearest folder at or above it with ``.git``), else ``root`` itself."""
    return repository_top(root) or root


def _ignore_for(root: Path, limit: int) -> IgnoreFiles:
    """The ignore rules that apply before the walk: ``.git/info/exclude`` and the
    ``.gitignore`` files above ROOT up to the repository's top (read safely, as any
    file; ROOT's own and those below are read by the walk)."""
    top = repository_top(root)
    if top is None:
        return IgnoreFiles()
    prefix = root.relative_to(top).as_posix()
    ignore = IgnoreFiles(prefix="" if prefix == "." else prefix)
    exclude = git_exclude_file(top)
    if exclude is not None:
        try:
            data = read_file(exclude.parent, exclude.name, limit)
            ignore.add_text("", data.decode("utf-8", "replace"), repo_relative=True)
        except Unreadable:
            pass
    parts = [] if prefix == "." else prefix.split("/")
    for i in range(len(parts)):  # the folders strictly above ROOT
        base = "/".join(parts[:i])
        rel = f"{base}/.gitignore" if base else ".gitignore"
        if os.path.lexists(top / rel):
            try:
                data = read_file(top, rel, limit)
            except Unreadable:
                continue
            ignore.add_text(base, data.decode("utf-8", "replace"), repo_relative=True)
    return ignore


# --------------------------------------------------------------------------
# Walking the tree
# --------------------------------------------------------------------------


def relative_root(root: Path, given: str, origin: str = "path") -> str:
    """``given`` (relative to root or to the working directory, or absolute) relative to root.

    ``origin`` names where the path was given (``--spec``, ``pyproject.toml
    [tool.traceaudit] 'spec'``) for the error message. A path outside ``root`` but
    inside its git repository is allowed and stays relative (``../specs``); anything
    beyond the repository is refused.
    """
    if "\x00" in given:
        raise DiscoveryError(f"{origin}: a path with a NUL character: {given!r}")
    path = Path(given)
    full = path if path.is_absolute() else root / path
    if not os.path.lexists(full) and os.path.lexists(path):
        full = Path(os.path.abspath(path))  # relative to the working directory, as typed
    if not os.path.lexists(full):
        raise DiscoveryError(f"{origin}: path not found: {given}")
    limit = boundary(root)
    problem, real = _link_problem(str(limit), str(full))
    if problem is not None or real is None:
        if "outside the project root" in (problem or ""):
            where = "repository" if limit != root else "project root"
            raise DiscoveryError(f"{origin}: path is outside the {where}: {given}")
        raise DiscoveryError(f"{origin}: {given} is {problem}")
    # inside the repository but outside ROOT: kept relative, as ``../specs``
    rel = Path(os.path.relpath(real, root)).as_posix()
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
                if ignore.ignored(rel, False) or self.excludes.match(rel, False):
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
            or self.excludes.match(rel, True)
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
    """The ``exclude`` patterns, gitignore semantics relative to the root, compiled once."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self._patterns = globs.PatternSet(tuple(dict.fromkeys(patterns)))

    def match(self, rel: str, is_dir: bool = False) -> bool:
        return self._patterns.check(rel, is_dir) is True


def _is_spec_file(rel: str) -> bool:
    return rel.lower().endswith(".md")


def discover(config: Config) -> Discovery:
    """Sorted spec, contract, code and test files for the configured root."""
    root = Path(os.path.realpath(config.root))
    if not root.is_dir():
        raise DiscoveryError(f"not a directory: {config.root}")
    walker = _Walker(root, config.exclude, config.max_file_size)
    bmad = False
    reasons: list[tuple[str, str]] = []
    if config.spec_roots:
        where = config.origin("spec_roots", "spec")
        spec_roots = tuple(relative_root(root, s, where) for s in config.spec_roots)
        reasons = [(r or ".", f"named by {where}") for r in spec_roots]
    else:
        found_roots = (walker.root_of(r) for r in DEFAULT_SPEC_ROOTS)
        spec_roots = tuple(dict.fromkeys(r for r in found_roots if r is not None))
        reasons = [(r, "named like a spec folder") for r in spec_roots]
        bmad = not spec_roots and _has_bmad_prd(root / "docs")
        if bmad:
            spec_roots = ("docs",)
            reasons = [("docs", "a BMAD docs folder with a PRD: its PRD, epics and stories")]
    where = config.origin("code_roots", "code")
    code_roots = tuple(relative_root(root, c, where) for c in config.code_roots) or ("",)
    where = config.origin("openapi", "openapi")
    contract_extra = tuple(relative_root(root, c, where) for c in config.openapi)

    ignore = _ignore_for(root, config.max_file_size)
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
    everything: list[str] = []
    deploy_files: set[str] = set()
    other_files: set[str] = set()
    other_suffixes = {suffix for suffix, _ in config.comment_syntax}
    for code_root in code_roots:
        files = walker.walk(code_root, ignore)
        if not code_root:
            everything = files
        for rel in files:
            if rel.endswith(".py") and (code_root or not _in_hidden_folder(rel)):
                (test_files if is_test_path(rel) else python_files).add(rel)
            if (
                is_deploy_file(rel)
                and not is_test_path(rel)
                and not _template_deploy(rel, code_root)
            ):
                deploy_files.add(rel)
            if (
                not rel.endswith(".py")
                and PurePosixPath(rel).suffix.lower() in other_suffixes
                and _own_source(root, rel)
            ):
                other_files.add(rel)
        wanted.update(
            rel for rel in walker.problems if _within_rel(code_root, rel) and rel.endswith(".py")
        )
    if not config.spec_roots:
        # Zero configuration: specs are also recognised by their content, wherever they
        # live (docs/stories/, _bmad-output/, an API reference at the root ...).
        if not everything:
            everything = walker.walk("", ignore)
        found = _by_content(root, everything, spec_files, config.max_file_size)
        for rel in found:
            spec_files.add(rel)
        siblings = _siblings(found, everything, spec_files)
        spec_files.update(r for rels in siblings.values() for r in rels)
        reasons += [
            (r, why + (f"; and the folder's {len(siblings[r])} other Markdown file"
                       f"{'s' if len(siblings[r]) > 1 else ''}" if siblings.get(r) else ""))
            for r, why in _content_roots(found)
        ]  # fmt: skip
        spec_roots = tuple(dict.fromkeys([*spec_roots, *(r for r, _ in reasons)]))
        contracts.update(
            rel
            for rel in everything
            if rel.lower().endswith(OPENAPI_SUFFIXES)
            and _names_contract(rel)
            and not _in_hidden_folder(rel)
            and not is_test_path(rel)
        )
    # one root found by its name and by its content is one root with both reasons
    merged: dict[str, list[str]] = {}
    for r, why in reasons:
        if why not in merged.setdefault(r, []):
            merged[r].append(why)
    reasons = [(r, "; ".join(whys)) for r, whys in merged.items()]
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
        spec_reasons=tuple(reasons),
        deploy_files=tuple(sorted(deploy_files)),
        other_files=tuple(sorted(other_files)),
        doc_files=tuple(sorted(r for r in everything if _unread_doc(r, spec_files))),
    )


def _unread_doc(rel: str, spec_files: set[str]) -> bool:
    """A Markdown file of the project's own that is not read as a spec (not one of an
    agent tool's hidden folders, ``.bmad-core/``, ``.claude/``)."""
    return _is_spec_file(rel) and rel not in spec_files and not _in_hidden_folder(rel)


def _within_rel(top: str, rel: str) -> bool:
    return not top or rel == top or rel.startswith(top + "/")


def _own_source(root: Path, rel: str) -> bool:
    """Whether another language's file is the project's own source, not vendored or built."""
    parts = PurePosixPath(rel).parts
    if any(p in OTHER_SKIP_DIRS or p.startswith(".") for p in parts[:-1]):
        return False  # vendored, built, or an agent's or editor's tooling (.specify/, .claude/)
    if _GENERATED_SOURCE.search(parts[-1]):
        return False
    try:
        return (root / rel).stat().st_size <= OTHER_MAX_BYTES
    except OSError:
        return False


# A BMAD planning document by its name: the PRD, epics, tech specs, story files and the
# requirements documents (`requirements/functional-requirements.md`).
_BMAD_DOC = re.compile(
    r"(?:prd|epics?|tech-spec|[^/]*requirements)[^/]*\.md|[^/]*\.story\.md|\d+-\d+-[^/]+\.md"
)


def _has_bmad_prd(docs: Path) -> bool:
    """A BMAD project keeps its PRD in docs/ (prd.md or a sharded docs/prd/)."""
    return docs.is_dir() and any(
        p.name.lower() in {"prd.md", "prd"} for p in docs.iterdir() if not p.name.startswith(".")
    )


def _is_bmad_planning_doc(rel: str) -> bool:
    """PRD, epics, tech specs, requirements documents and story files: the BMAD documents
    that define items."""
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


# --------------------------------------------------------------------------
# Specs recognised by their content (zero configuration)
# --------------------------------------------------------------------------

_METHOD_WORD = r"(?:GET|POST|PUT|PATCH|DELETE)"
_SIGNATURES: tuple[tuple[str, re.Pattern[str], int], ...] = (
    # (what the file is, a pattern of its lines, how many lines it takes)
    ("BMAD story file", re.compile(r"(?m)^#\s+Story\s+\d+(?:\.\d+)+[a-z]?\b"), 1),
    ("spec-kit feature spec", re.compile(r"(?m)^\*\*Feature Branch\*\*\s*:"), 1),
    (
        "EARS requirements",
        re.compile(r"(?m)^\s*(?:\d+[.)]|[-*])\s+.*\b(?:WHEN|IF|WHILE|WHERE|THE)\b.*\bSHALL\b"),
        3,
    ),
    (
        "PRD requirements list",
        re.compile(r"(?m)^\s*(?:[-*]\s+)?\**(?:FR|NFR)-?\d+(?:\.\d+)?\**\s*[:：]"),
        3,
    ),
    ("epic with stories", re.compile(r"(?m)^#{2,4}\s+Story\s+\d+\.\d+[a-z]?\b"), 2),
    (
        "API reference",
        re.compile(
            rf"(?m)^(?:#{{2,5}}\s+[\W\d.]*\**`?{_METHOD_WORD}`?\**\s+`?/"
            rf"|\s*[-*]\s+\**`?{_METHOD_WORD}\**\s+/"
            rf"|\s*[-*]?\s*\*\*{_METHOD_WORD}\*\*\s+`/"
            rf"|\|\s*`?{_METHOD_WORD}`?\s*\|\s*`?/"
            rf"|\|\s*`?{_METHOD_WORD}\s+/)"
        ),
        3,
    ),
    ("OpenAPI document in a fence", re.compile(r"(?m)^```\s*ya?ml\s*\n(?:#.*\n)*openapi\s*:"), 1),
)  # fmt: skip
_EARS_OWNER = re.compile(r"(?mi)^#{2,4}\s+(?:Requirement|需求|要件|요구사항)\s*\d+")
_STORY_PARTS = (
    re.compile(r"(?mi)^#{2,3}\s+Acceptance\s+Criteria\b"),
    re.compile(r"(?mi)^#{2,3}\s+Tasks\b"),
)
_CONTENT_SAMPLE = 256 * 1024  # bytes of a file looked at to recognise it


def _in_hidden_folder(rel: str) -> bool:
    """Under a folder whose name starts with a dot (.claude/, .github/, .kiro/ ...): the
    tooling's files, not the project's code or documents."""
    return any(p.startswith(".") for p in PurePosixPath(rel).parts[:-1])


def _template_deploy(rel: str, code_root: str) -> bool:
    """A deployment file that is a template for other projects, not this project's
    deployment: under a hidden folder (``.claude/skills/docker/assets/Dockerfile.prod``, a
    tool's templates, whose Python is not read either unless a code root names the folder),
    a ``templates/`` folder, or a folder whose name a generator fills in (``{{...}}``)."""
    folders = PurePosixPath(rel).parts[:-1]
    return (
        (not code_root and _in_hidden_folder(rel))
        or any(p.lower() in _TEMPLATE_DIRS or "{{" in p for p in folders)
    )


def _names_contract(rel: str) -> bool:
    """An OpenAPI file beside a service's code: named openapi* or swagger*."""
    stem = PurePosixPath(rel.lower()).stem
    return stem.startswith(("openapi", "swagger")) or stem.endswith(("openapi", "swagger"))


# A file that says, in its first five lines, that it is generated (``Generated by orval``,
# ``auto-generated``, ``Do not edit``, ``@generated``): a copy of what it was made from.
GENERATED_HEADER = (
    r"(?i)\A(?:.*\n){0,4}.*(?:\b(?:generated\s+by|auto-?generated|do\s+not\s+edit)\b|"
    r"@generated\b)"
)
_GENERATED = re.compile(
    GENERATED_HEADER
    + r"|\A\s*#{1,2}\s+traceaudit\b"  # a report of this tool, kept in the repository
)


def spec_signature(text: str) -> str | None:
    """What a Markdown text is, when its content has the shape of a spec; else None.
    A generated document (API docs built from the code, traceaudit's own Markdown
    report) is never one."""
    if _GENERATED.match(text):
        return None
    for name, pattern, needed in _SIGNATURES:
        hits = len(pattern.findall(text))
        if hits < needed:
            continue
        if name == "BMAD story file" and not all(p.search(text) for p in _STORY_PARTS):
            continue
        if name == "EARS requirements" and not _EARS_OWNER.search(text):
            continue
        return name
    return None


def _by_content(root: Path, files: list[str], taken: set[str], limit: int) -> dict[str, str]:
    """Markdown files not read yet whose content is a spec's: rel -> what."""
    found: dict[str, str] = {}
    for rel in files:
        if (
            not _is_spec_file(rel)
            or rel in taken
            or _in_hidden_folder(rel)
            or is_test_path(rel)
        ):
            continue
        try:
            data = read_file(root, rel, limit)
        except Unreadable:
            continue
        what = spec_signature(data[:_CONTENT_SAMPLE].decode("utf-8", "replace"))
        if what is not None:
            found[rel] = what
    return found


def _siblings(
    found: dict[str, str], everything: Iterable[str], taken: set[str]
) -> dict[str, list[str]]:
    """The other Markdown files of a folder whose Markdown files are mostly API references
    by their content (``docs/features/``: 8 of 10 files list endpoints under ``### GET
    /path``): the two left are documents of the same set (``PASSWORD_POLICY.md`` with its
    endpoint in a fence), and a reader reads them with the rest; what each one is, its role
    decides."""
    md: dict[str, list[str]] = {}
    for rel in everything:
        if _is_spec_file(rel) and not _in_hidden_folder(rel) and not is_test_path(rel):
            md.setdefault(str(PurePosixPath(rel).parent), []).append(rel)
    hits: dict[str, int] = {}
    mixed: set[str] = set()
    for rel, what in found.items():
        folder = str(PurePosixPath(rel).parent)
        hits[folder] = hits.get(folder, 0) + 1
        if what != "API reference":
            # a folder of API references only: feature documents that each list endpoints
            # (not a BMAD output folder, whose other files are retrospectives and notes)
            mixed.add(folder)
    out: dict[str, list[str]] = {}
    for folder, n in hits.items():
        rels = md.get(folder, [])
        if folder != "." and folder not in mixed and n >= 2 and 2 * n >= len(rels):
            rest = sorted(r for r in rels if r not in taken)
            if rest:
                out[folder] = rest
    return out


def _content_roots(found: dict[str, str]) -> list[tuple[str, str]]:
    """The spec roots content discovery chose, and why: a folder when it holds several
    such files, else the file itself; the roots under one top folder are that folder when
    there are three or more of them (``_bmad-output: 39 BMAD story files, ...``)."""
    by_folder: dict[str, list[str]] = {}
    for rel in sorted(found):
        by_folder.setdefault(str(PurePosixPath(rel).parent), []).append(rel)
    roots: dict[str, list[str]] = {}
    for folder, rels in sorted(by_folder.items()):
        if len(rels) > 1 and folder != ".":
            roots[folder] = rels
        else:
            roots.update((rel, [rel]) for rel in rels)
    by_top: dict[str, list[str]] = {}
    for root in roots:
        parts = PurePosixPath(root).parts
        by_top.setdefault(parts[0] if len(parts) > 1 else root, []).append(root)
    out: list[tuple[str, str]] = []
    for top, members in sorted(by_top.items()):
        groups = [top] if len(members) >= 3 else members
        for root in groups:
            rels = [r for m in members if m == root or top == root for r in roots[m]]
            if root != top or len(members) < 3:
                rels = roots[root]
            out.append((root, "by content: " + _what(found, rels)))
    return out


def _what(found: dict[str, str], rels: list[str]) -> str:
    """ "4 BMAD story files, 1 API reference" (or the one file's kind)."""
    if len(rels) == 1:
        return found[rels[0]]
    kinds: dict[str, int] = {}
    for rel in rels:
        kinds[found[rel]] = kinds.get(found[rel], 0) + 1
    return ", ".join(
        f"{n} {_PLURALS.get(kind, kind + 's') if n > 1 else kind}"
        for kind, n in sorted(kinds.items())
    )


_PLURALS = {
    "PRD requirements list": "PRD requirements lists",
    "epic with stories": "epics with stories",
    "OpenAPI document in a fence": "OpenAPI documents in fences",
    "EARS requirements": "EARS requirements files",
}
