"""The cache: what parsing and scanning one file gave, kept by content hash; and what a
whole ``run`` wrote, kept while nothing it depends on changes.

A warm run reads each file's facts back instead of parsing the file again; route
resolution, the trace graph and the checks run anew on those facts. A run whose name
(the command and its options) and state (the tool, the configuration, the day, the
baseline, the git state, the discovery and every file's stat: see ``cli._run_keys``)
are those of a stored run writes that run's reports and lines again instead
(``run-<name>.json``, checked field by field, MAC'd like the file entries).

Layout (``cache-dir``, default ``.traceaudit_cache`` in the project root)::

    .traceaudit_cache/.gitignore        "*": never committed, never audited
    .traceaudit_cache/CACHEDIR.TAG      backup tools skip it
    .traceaudit_cache/v1/<fingerprint>/<hash of kind and path>.json

The fingerprint is a hash of the tool (its version and the text of its own source
files), the Python that runs it, the versions of the parsers, and the configuration
(``config_hash`` and the prefilter): a different tool or configuration never sees
another's entries. An entry holds the file's project-relative path and what else its
result depends on (its module name, whether it is a test), the file's
``(mtime_ns, size)`` and the blake2b of its bytes, and the result.

A hit needs the same path and inputs, and either the same ``(mtime_ns, size)`` or,
when the stat differs, the same blake2b of the bytes read now (the entry is then
rewritten with the new stat). A file modified within two seconds of being read keeps
no stat, so that an edit within the file system's timestamp granularity is never
missed. Entries are written atomically (a temporary file, then ``os.replace``) and only
when something changed.

The folder sits in the audited tree, so a pull request can write it: its contents are
treated as hostile. Entries are plain JSON (never pickle), decoded only into the
dataclasses the facts are made of, every field checked against its declared type
(ints bounded); each entry carries a keyed blake2b (a MAC) whose key is kept outside
the tree (``$XDG_CACHE_HOME/traceaudit/key``, else ``~/.cache/traceaudit/key``), so an
entry written by anyone else is not trusted. A corrupt, truncated, foreign or forged
entry is ignored with one warning line and rebuilt; a cache folder that is a link, or
that cannot be written, is not used (one warning). A cache never changes a result.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import hmac
import json
import os
import shutil
import stat
import sys
import tempfile
import time
import types
import typing
from collections.abc import Callable, Iterable
from enum import Enum
from pathlib import Path
from typing import Any

from traceaudit import __version__
from traceaudit.config import config_hash
from traceaudit.discover import Unreadable, probe_file, read_file_stat
from traceaudit.model import Config

FORMAT = 1
DEFAULT_DIR = ".traceaudit_cache"
# within this many nanoseconds of the read, a modification time is not trusted
RACY_NS = 2_000_000_000
INT_LIMIT = 2**63
# nesting levels (dataclasses and tuples) an entry may hold: decoding recurses once per level
MAX_DEPTH = 120
_NO_CACHE_ENV = "TRACEAUDIT_NO_CACHE"


class CacheError(Exception):
    """An entry that is not what this tool wrote (ignored, with a warning)."""


class Unencodable(Exception):
    """A result the cache cannot hold exactly (it is then not cached)."""


# --------------------------------------------------------------------------
# The codec: dataclasses <-> JSON, every field checked against its type
# --------------------------------------------------------------------------

Decoder = Callable[[Any], Any]


class Codec:
    """Encodes the facts' dataclasses as JSON arrays ``[tag, field, ...]`` and decodes
    them by their declared types only: nothing else can be built from an entry.

    The decoder of each class is generated once (Python source compiled here, from the
    declared field types alone), so that a warm run checks and builds each node with one
    call instead of one per field."""

    def __init__(self, roots: Iterable[Any]) -> None:
        self.tags: dict[type, str] = {}
        self.fields: dict[type, tuple[str, ...]] = {}
        self.by_tag: dict[str, type] = {}
        self._ns: dict[str, Any] = {
            "_bad": _bad, "_badf": _badf, "_float": _float, "_list": _list, "L": INT_LIMIT,
            "tuple": tuple, "list": list, "str": str, "int": int, "bool": bool, "float": float,
            "len": len, "type": type, "_new": object.__new__, "_set": object.__setattr__,
        }  # fmt: skip
        self._names: dict[Any, str] = {}
        self._source: list[str] = []
        self._pending: list[type] = []
        self._tables: list[tuple[str, list[type]]] = []
        self._depth = 0
        root_names = {root: self._function(root) for root in roots}
        while self._pending:
            self._class_source(self._pending.pop())
        exec(compile("\n".join(self._source), "<traceaudit.cache codec>", "exec"), self._ns)
        for table, classes in self._tables:
            self._ns[table].update({c.__name__: self._ns[self._names[c]] for c in classes})
        self.roots: dict[Any, Decoder] = {root: self._ns[n] for root, n in root_names.items()}

    # -- decoding: generated source --

    def _function(self, tp: Any) -> str:
        """The name of the generated function that decodes ``tp``."""
        if tp in self._names:
            return self._names[tp]
        name = f"_d{len(self._names)}"
        self._names[tp] = name
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            tag = tp.__name__
            if tag in self.by_tag and self.by_tag[tag] is not tp:
                raise TypeError(f"two cached classes named {tag}")
            self.by_tag[tag] = tp
            self.tags[tp] = tag
            self.fields[tp] = tuple(f.name for f in dataclasses.fields(tp))
            self._ns[f"C{name}"] = tp
            self._pending.append(tp)
            return name
        self._source.append(f"def {name}(x):\n    return {self._expr(tp, 'x')}\n")
        return name

    def _class_source(self, cls: type) -> None:
        name = self._names[cls]
        hints = typing.get_type_hints(cls)
        names = self.fields[cls]
        exprs = [self._expr(hints[f], f"v[{i + 1}]") for i, f in enumerate(names)]
        head = (
            f"def {name}(v):\n"
            f"    if v.__class__ is not list or len(v) != {len(names) + 1} "
            f"or v[0] != {self.tags[cls]!r}:\n"
            f"        _bad()\n"
        )
        if not _plain_init(cls):
            self._source.append(head + f"    return C{name}({', '.join(exprs)})\n")
            return
        # What the generated __init__ does (each field set in turn, nothing else), without
        # the call and its per-field global look-ups: a warm run builds every node so.
        sets = "".join(f"    _set(o, {f!r}, {e})\n" for f, e in zip(names, exprs, strict=True))
        self._source.append(head + f"    o = _new(C{name})\n" + sets + "    return o\n")

    def _expr(self, tp: Any, x: str) -> str:
        """An expression that decodes ``x`` (a simple expression, evaluated more than once)."""
        if tp is type(None) or tp is None:
            return f"(None if {x} is None else _bad())"
        if tp is str:
            return f"({x} if {x}.__class__ is str else _bad())"
        if tp is bool:
            return f"({x} if {x}.__class__ is bool else _bad())"
        if tp is int:
            return f"({x} if {x}.__class__ is int and -L <= {x} <= L else _bad())"
        if tp is float:
            return f"_float({x})"
        if isinstance(tp, type) and issubclass(tp, Enum):
            key = f"E{len(self._ns)}"
            self._ns[key] = _enum(tp)
            return f"{key}({x})"
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            return f"{self._function(tp)}({x})"
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin is tuple:
            if len(args) == 2 and args[1] is Ellipsis:
                self._depth += 1
                e = f"e{self._depth}"
                inner = self._expr(args[0], e)
                self._depth -= 1
                return f"tuple([{inner} for {e} in _list({x})])"
            key = f"T{len(self._ns)}"
            items = ", ".join(self._expr(a, f"s[{i}]") for i, a in enumerate(args))
            self._source.append(
                f"def {key}(s):\n"
                f"    if s.__class__ is not list or len(s) != {len(args)}:\n"
                f"        _bad()\n"
                f"    return ({items}{',' if len(args) == 1 else ''})\n"
            )
            self._ns[key] = None
            return f"{key}({x})"
        if origin in (typing.Union, types.UnionType):
            return self._union(args, x)
        raise TypeError(f"the cache cannot hold {tp!r}")

    def _union(self, args: tuple[Any, ...], x: str) -> str:
        classes = [a for a in args if isinstance(a, type) and dataclasses.is_dataclass(a)]
        others = [a for a in args if a not in classes]
        plain = [a for a in others if a in (type(None), str, bool, int, float)]
        rest = [a for a in others if a not in plain]
        if (rest and classes) or len(rest) > 1:
            raise TypeError(f"an ambiguous union {args!r}")
        if not classes and not rest and len(plain) == 1:
            return self._expr(plain[0], x)
        if len(plain) == 1 and plain[0] is type(None) and len(classes) + len(rest) == 1:
            inner = self._expr((classes or rest)[0], x)
            return f"(None if {x} is None else {inner})"
        if classes and not rest and (not plain or plain == [type(None)]):
            # a tagged node: the class's decoder straight from the table, no call between
            table = f"U{len(self._ns)}t"
            self._ns[table] = {}
            for cls in classes:
                self._function(cls)
            self._tables.append((table, classes))
            pick = f"({table}.get({x}[0], _badf) if {x}.__class__ is list and {x} else _badf)({x})"
            return f"(None if {x} is None else {pick})" if plain else pick
        key = f"U{len(self._ns)}"
        table = f"{key}t"
        self._ns[key] = None
        self._ns[table] = {}
        lines = [f"def {key}(u):", "    k = u.__class__"]
        if classes:
            lines += [
                "    if k is list and u and u[0].__class__ is str:",
                f"        f = {table}.get(u[0])",
                "        if f is not None:",
                "            return f(u)",
            ]
            for cls in classes:
                self._function(cls)
        if rest:
            lines += ["    if k is list or k is str:", f"        return {self._expr(rest[0], 'u')}"]
        kinds = {type(None): "type(None)", str: "str", bool: "bool", int: "int", float: "float"}
        if plain:
            allowed = ", ".join(kinds[a] for a in plain)
            lines += [f"    if k in ({allowed},):"]
            if int in plain:
                lines += ["        if k is int and not -L <= u <= L:", "            _bad()"]
            lines += ["        return u"]
            if float in plain and int not in plain:
                lines += ["    if k is int:", "        return _float(u)"]
        lines += ["    _bad()"]
        self._source.append("\n".join(lines) + "\n")
        self._tables.append((table, classes))
        return f"{key}({x})"

    def decode(self, root: Any, data: Any) -> Any:
        try:
            return self.roots[root](data)
        except CacheError:
            raise
        except (TypeError, ValueError, IndexError, KeyError, RecursionError, OverflowError) as e:
            raise CacheError(f"{type(e).__name__}") from None

    # -- encoding --

    def encode(self, value: Any, depth: int = 0) -> Any:
        """Plain JSON data for ``value``; Unencodable past :data:`MAX_DEPTH` levels (such
        a file is not cached: decoding it could exceed the recursion limit)."""
        if value is None or value is True or value is False:
            return value
        kind = type(value)
        if kind is str:
            return value
        if kind is int:
            if abs(value) > INT_LIMIT:
                raise Unencodable("a large integer")
            return value
        if kind is float:
            return value
        if depth > MAX_DEPTH:
            raise Unencodable("too deep")
        if kind is tuple:
            return [self.encode(x, depth + 1) for x in value]
        if isinstance(value, Enum):
            return value.value
        tag = self.tags.get(kind)
        if tag is None:
            if isinstance(value, str):
                return str(value)
            raise Unencodable(kind.__name__)
        return [tag, *[self.encode(getattr(value, name), depth + 1) for name in self.fields[kind]]]


def _plain_init(cls: type) -> bool:
    """Whether ``cls``'s ``__init__`` is the one dataclasses wrote and only sets each field:
    no ``__post_init__``, no field left out of it, no ``InitVar``, no ``__init__`` of its own."""
    init = cls.__dict__.get("__init__")
    return (
        init is not None
        and getattr(init, "__qualname__", "") == f"{cls.__qualname__}.__init__"
        and getattr(getattr(init, "__code__", None), "co_filename", "") == "<string>"
        and not hasattr(cls, "__post_init__")
        and all(f.init for f in dataclasses.fields(cls))
    )


def _bad() -> Any:
    raise CacheError("a value of the wrong type")


def _badf(value: Any) -> Any:
    raise CacheError("not a node of the expected classes")


def _int(v: Any) -> int:
    if type(v) is not int or abs(v) > INT_LIMIT:
        raise CacheError("not an integer in range")
    return v


def _float(v: Any) -> float:
    if type(v) is float:
        return v
    return _int(v)


def _list(v: Any) -> list[Any]:
    if type(v) is not list:
        raise CacheError("not an array")
    return v


def _enum(cls: type[Enum]) -> Decoder:
    def dec(v: Any) -> Any:
        if type(v) is not str and type(v) is not int:
            raise CacheError(f"not a {cls.__name__}")
        try:
            return cls(v)
        except ValueError:
            raise CacheError(f"not a {cls.__name__}") from None

    return dec


# --------------------------------------------------------------------------
# The cache
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Meta:
    """What a file looked like when its result was computed."""

    mtime_ns: int  # -1: not to be trusted (modified right before it was read)
    size: int
    blake2b: str
    sha256: str
    # the change time and inode: an edit that sets the modification time back (same
    # size) changes both, as does a file replaced by another
    ctime_ns: int = -1
    ino: int = -1


def meta_of(data: bytes, info: os.stat_result) -> Meta:
    mtime = info.st_mtime_ns
    if abs(time.time_ns() - mtime) < RACY_NS:
        mtime = -1
    return Meta(
        mtime, info.st_size, hashlib.blake2b(data, digest_size=20).hexdigest(),
        hashlib.sha256(data).hexdigest(), info.st_ctime_ns, info.st_ino,
    )  # fmt: skip


def _tool_fingerprint() -> str:
    """The tool as it runs: its version, its own source, the Python and parser versions."""
    from importlib import metadata

    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT} {__version__} {sys.implementation.name} {sys.version}".encode())
    for dist in ("libcst", "markdown-it-py", "pyyaml"):
        try:
            h.update(f" {dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f" {dist}=none".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def _key_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "traceaudit" / "key"


def _secret() -> bytes:
    """The MAC key: 32 random bytes kept outside every audited tree (made once)."""
    path = _key_file()
    try:
        with open(path, "rb") as handle:
            key = handle.read(64)
        if len(key) == 32:
            return key
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = os.urandom(32)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    try:
        os.write(fd, key)
        os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return key


def cache_disabled_by_env() -> bool:
    return os.environ.get(_NO_CACHE_ENV, "").strip().lower() not in ("", "0", "false", "no")


class Cache:
    """The cache of one run. ``warnings``: one line each, for the CLI to print."""

    def __init__(self, root: Path, directory: Path, fingerprint: str, key: bytes) -> None:
        self.root = root
        self.directory = directory
        self.folder = directory / f"v{FORMAT}" / fingerprint
        self.key = key
        self.limit = 0
        self.invalid = 0
        self.hits = 0
        self.written = 0
        self.write_error: str | None = None
        self.setup_warnings: list[str] = []
        self._ready = False

    @classmethod
    def open(cls, config: Config) -> tuple[Cache | None, str | None]:
        """The cache for ``config``, or None and why not (a warning), or None, None."""
        root = Path(config.root).resolve()
        rel = config.cache_dir
        shown = rel
        candidate = Path(rel)
        if candidate.is_absolute() or ".." in candidate.parts or not candidate.parts:
            return None, f"cache-dir {shown!r} is not a folder inside the project; no cache used"
        directory = root / candidate
        # every folder from the root down to the cache must be a real folder, not a link
        here = root
        for part in candidate.parts:
            here = here / part
            try:
                info = os.lstat(here)
            except FileNotFoundError:
                break
            except OSError as exc:
                return None, f"cache folder {shown} cannot be read ({exc.strerror}); no cache used"
            if not stat.S_ISDIR(info.st_mode):
                what = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a folder"
                return None, f"cache folder {shown} is {what}; no cache used"
        try:
            key = _secret()
        except OSError as exc:
            return None, f"no cache key at {_key_file()} ({exc.strerror}); no cache used"
        fingerprint = hashlib.blake2b(
            f"{_tool_fingerprint()} {config_hash(config)} {config.prefilter}".encode(),
            digest_size=12,
        ).hexdigest()
        cache = cls(root, directory, fingerprint, key)
        cache.limit = 64 * max(config.max_file_size, 1 << 20)
        return cache, None

    # -- entries --

    def _entry_path(self, kind: str, rel: str) -> Path:
        name = hashlib.blake2b(f"{kind}\0{rel}".encode("utf-8", "surrogatepass"), digest_size=16)
        return self.folder / f"{name.hexdigest()}.json"

    def _mac(self, payload: bytes) -> str:
        return hashlib.blake2b(payload, key=self.key, digest_size=32).hexdigest()

    def _read_entry(self, path: Path) -> dict[str, Any] | None:
        flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise CacheError(f"unreadable ({exc.strerror})") from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise CacheError("not a regular file")
            if info.st_size > self.limit:
                raise CacheError("too large")
            chunks = []
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
        except OSError as exc:
            raise CacheError(f"unreadable ({exc.strerror})") from None
        finally:
            os.close(fd)
        raw = b"".join(chunks)
        mac, sep, payload = raw.partition(b"\n")
        if not sep or not hmac.compare_digest(mac, self._mac(payload).encode()):
            raise CacheError("not written by this tool here")
        try:
            entry = json.loads(payload)
        except (ValueError, RecursionError) as exc:
            raise CacheError(f"not JSON ({type(exc).__name__})") from None
        if type(entry) is not dict:
            raise CacheError("not an entry")
        return entry

    def get(
        self, codec: Codec, root_type: Any, kind: str, rel: str, inputs: list[Any], limit: int
    ) -> tuple[Any, Meta] | None:
        """The cached result for ``rel`` (decoded), with the file's meta, or None."""
        path = self._entry_path(kind, rel)
        try:
            entry = self._read_entry(path)
            if entry is None:
                return None
            if entry.get("format") != FORMAT or entry.get("kind") != kind:
                raise CacheError("another format")
            if entry.get("path") != rel:
                raise CacheError("for another file")
            if entry.get("inputs") != inputs:
                return None  # the same file read differently (a new module name): stale
            mtime, size = entry.get("mtime_ns"), entry.get("size")
            digest, sha = entry.get("blake2b"), entry.get("sha256")
            ctime, ino = entry.get("ctime_ns", -1), entry.get("ino", -1)
            if not (type(mtime) is int and type(size) is int and type(digest) is str
                    and type(sha) is str and abs(mtime) < INT_LIMIT and 0 <= size < INT_LIMIT
                    and type(ctime) is int and type(ino) is int and abs(ctime) < INT_LIMIT
                    and abs(ino) < INT_LIMIT):
                raise CacheError("a malformed header")  # fmt: skip
        except CacheError:
            self.invalid += 1
            return None
        try:
            info = probe_file(self.root, rel, limit)
        except Unreadable:
            return None  # the file is not read at all now: computed anew, never from here
        meta = Meta(mtime, size, digest, sha, ctime, ino)
        rewrite = False
        if not (
            mtime >= 0
            and info.st_mtime_ns == mtime
            and info.st_size == size
            and info.st_ctime_ns == ctime
            and info.st_ino == ino
        ):
            try:
                data, info = read_file_stat(self.root, rel, limit)
            except Unreadable:
                return None
            now = meta_of(data, info)
            if now.blake2b != digest or now.sha256 != sha:
                return None  # changed
            meta, rewrite = now, (now.mtime_ns, now.ctime_ns, now.ino) != (mtime, ctime, ino)
        try:
            value = codec.decode(root_type, entry.get("data"))
        except CacheError:
            self.invalid += 1
            return None
        if rewrite:
            self._write(path, kind, rel, inputs, meta, entry.get("data"))
        self.hits += 1
        return value, meta

    def put(
        self, codec: Codec, kind: str, rel: str, inputs: list[Any], meta: Meta, value: Any
    ) -> None:
        """Store ``value`` for ``rel`` (nothing when it cannot be held exactly)."""
        if self.write_error is not None:
            return
        try:
            data = codec.encode(value)
        except (Unencodable, RecursionError):
            return
        self._write(self._entry_path(kind, rel), kind, rel, inputs, meta, data)

    def _prepare(self) -> bool:
        if self._ready:
            return True
        try:
            fresh = not self.directory.exists()
            self.folder.mkdir(parents=True, exist_ok=True)
            for path in (self.directory, self.folder):
                if os.path.islink(path) or not path.is_dir():
                    raise OSError(0, "a folder on the way is a link")
            if fresh or not (self.directory / ".gitignore").exists():
                _atomic(self.directory / ".gitignore", b"# written by traceaudit\n*\n")
                _atomic(
                    self.directory / "CACHEDIR.TAG",
                    b"Signature: 8a477f597d28d172789f06886806bc55\n"
                    b"# This file is a cache tag created by traceaudit.\n",
                )
        except OSError as exc:
            self.write_error = exc.strerror or str(exc)
            return False
        self._ready = True
        return True

    def _write(
        self, path: Path, kind: str, rel: str, inputs: list[Any], meta: Meta, data: Any
    ) -> None:
        entry = {
            "format": FORMAT, "kind": kind, "path": rel, "inputs": inputs,
            "mtime_ns": meta.mtime_ns, "size": meta.size, "blake2b": meta.blake2b,
            "sha256": meta.sha256, "ctime_ns": meta.ctime_ns, "ino": meta.ino, "data": data,
        }  # fmt: skip
        self._write_entry(path, entry)

    def _write_entry(self, path: Path, entry: dict[str, Any]) -> None:
        if self.write_error is not None or not self._prepare():
            return
        try:
            payload = json.dumps(entry, ensure_ascii=True, separators=(",", ":")).encode()
        except (ValueError, RecursionError):
            return
        data_bytes = self._mac(payload).encode() + b"\n" + payload
        try:
            try:
                _atomic(path, data_bytes)
            except IsADirectoryError:  # someone put a folder where the entry goes
                shutil.rmtree(path)
                _atomic(path, data_bytes)
        except OSError as exc:
            self.write_error = exc.strerror or str(exc)
            return
        self.written += 1

    # -- whole runs --

    def _run_path(self, name: str) -> Path:
        return self.folder / f"run-{name}.json"

    def get_run(self, name: str, state: str) -> RunResult | None:
        """The run stored under ``name`` (a digest of the command and its options) when
        it was made from ``state`` (a digest of everything else it depends on), else None."""
        try:
            entry = self._read_entry(self._run_path(name))
            if entry is None:
                return None
            if entry.get("format") != FORMAT or entry.get("kind") != "run":
                raise CacheError("another format")
            if entry.get("name") != name or type(entry.get("state")) is not str:
                raise CacheError("for another run")
            if entry["state"] != state:
                return None  # something it depends on changed: stale
            return _run_result(entry.get("effects"), entry.get("code"))
        except CacheError:
            self.invalid += 1
            return None

    def put_run(self, name: str, state: str, result: RunResult) -> None:
        """Store what a run printed, wrote and exited with, for the same ``name`` and
        ``state`` (replacing the run stored under ``name`` before)."""
        effects = [[e.stream, e.text, e.path, e.color] for e in result.effects]
        entry = {
            "format": FORMAT, "kind": "run", "name": name, "state": state,
            "effects": effects, "code": result.code,
        }  # fmt: skip
        self._write_entry(self._run_path(name), entry)

    def warnings(self) -> list[str]:
        """One line each: what went wrong with the cache in this run."""
        out = []
        shown = self.shown()
        if self.invalid:
            n = self.invalid
            out.append(
                f"{n} cache entr{'y' if n == 1 else 'ies'} in {shown} {'was' if n == 1 else 'were'}"
                " not valid (corrupt, truncated or not written by this tool here): ignored "
                "and rebuilt"
            )
        if self.write_error is not None:
            out.append(f"cannot write the cache in {shown} ({self.write_error}); not cached")
        return out

    def shown(self) -> str:
        try:
            return self.directory.relative_to(self.root).as_posix()
        except ValueError:
            return str(self.directory)


# --------------------------------------------------------------------------
# Whole runs: what a run printed and wrote, kept while nothing it depends on changes
# --------------------------------------------------------------------------

STREAMS = ("out", "err")


@dataclasses.dataclass(frozen=True, slots=True)
class Effect:
    """One thing a run wrote: ``text`` to standard output (``stream`` "out", ``path``
    None; ``color``: as a coloured terminal report), to the file ``path`` ("out"), or to
    standard error ("err", ``path`` None)."""

    stream: str
    text: str
    path: str | None = None
    color: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class RunResult:
    """Everything a ``run`` wrote, in order, and its exit code."""

    effects: tuple[Effect, ...]
    code: int


def _run_result(effects: Any, code: Any) -> RunResult:
    """A stored run checked field by field (anything else: CacheError)."""
    if type(effects) is not list or type(code) is not int or not 0 <= code <= 255:
        raise CacheError("a malformed run")
    out = []
    for item in effects:
        if type(item) is not list or len(item) != 4:
            raise CacheError("a malformed run")
        stream, text, path, color = item
        if (
            stream not in STREAMS
            or type(text) is not str
            or not (path is None or (type(path) is str and path and stream == "out"))
            or type(color) is not bool
        ):
            raise CacheError("a malformed run")
        out.append(Effect(stream, text, path, color))
    return RunResult(tuple(out), code)


def file_states(root: Path, rels: Iterable[str]) -> tuple[list[list[int]], bool]:
    """What each file looks like, for a run's state: ``[device, inode, size, mtime_ns,
    ctime_ns]`` of the file it names (links followed), ``[errno]`` when it cannot be looked
    at; and whether one of them was modified (or its inode changed) within
    :data:`RACY_NS` of now, when its stat cannot be trusted to show a later edit."""
    now = _now()
    out: list[list[int]] = []
    racy = False
    for rel in rels:
        try:
            info = os.stat(os.path.join(root, rel))
        except OSError as exc:
            out.append([exc.errno or -1])
            continue
        except ValueError:  # a NUL in the name
            out.append([-1])
            continue
        mtime, ctime = info.st_mtime_ns, info.st_ctime_ns
        if now - mtime < RACY_NS or now - ctime < RACY_NS:
            racy = True
        out.append([info.st_dev, info.st_ino, info.st_size, mtime, ctime])
    return out, racy


def _now() -> int:
    return time.time_ns()


def package_state() -> list[str]:
    """What the tool's output depends on beyond the fingerprint of its Python source:
    its other files (the HTML report's template, script and style) and the versions of
    the libraries that build or write reports."""
    from importlib import metadata

    h = hashlib.blake2b(digest_size=16)
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".pyc") or "__pycache__" in path.parts or not path.is_file():
            continue
        h.update(path.relative_to(package).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    out = [h.hexdigest()]
    for dist in ("click", "jinja2", "markupsafe", "networkx", "mdurl"):
        try:
            out.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            out.append(f"{dist}=none")
    return out


def digest(value: Any) -> str:
    """The blake2b of ``value`` (plain JSON data) written canonically."""
    text = json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def _atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
