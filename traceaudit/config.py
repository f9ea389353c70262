"""Find, read and validate the configuration.

Configuration lives in ``[tool.traceaudit]`` of the project's ``pyproject.toml``
or in a ``traceaudit.toml`` (top-level keys, or a ``[tool.traceaudit]`` table).
Keys are kebab-case (``id-pattern``); snake_case spellings are accepted too.
Unknown keys and wrongly typed values are errors: a typo must never silently
turn a rule off. Every error is one line that names the file, the key and what
the key takes (``pyproject.toml [tool.traceaudit] 'spec': must be a string or a
list of strings, got integer 5``).

A configuration file is read like an audited file: a regular file only (a FIFO
never blocks), at most :data:`MAX_CONFIG_SIZE` bytes, and one found in the
project root only when it does not link out of the root.
"""

from __future__ import annotations

import datetime
import errno
import hashlib
import json
import os
import re
import stat
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass, replace
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from traceaudit import globs
from traceaudit.model import (
    COMMENT_STYLES,
    DEFAULT_COMMENT_SYNTAX,
    Config,
    Location,
    Severity,
    Waiver,
)

MAX_CONFIG_SIZE = 10 * 1024 * 1024


class ConfigError(Exception):
    """The configuration is invalid; the message is one line for the user."""


def _got(value: object) -> str:
    """What a TOML value is, for messages: ``integer 5``, ``a table``, ``a list``."""
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int):
        text = str(value) if abs(value) < 10**30 else "(a huge number)"
        return f"integer {text}"
    if isinstance(value, float):
        return f"float {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"string {shown!r}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, datetime.date | datetime.time):
        return f"a date/time {value}"
    return type(value).__name__


def _str_list(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    bad = value
    if isinstance(value, list):
        bad = next((v for v in value if not isinstance(v, str)), None)
    raise ConfigError(f"must be a string or a list of strings, got {_got(bad)}")


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"must be a string, got {_got(value)}")
    return value


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"must be true or false, got {_got(value)}")
    return value


def _cache_dir(value: object) -> str:
    text = _str(value)
    parts = PurePosixPath(text.replace("\\", "/")).parts
    if not text or text.startswith(("/", "~")) or ".." in parts or ":" in text:
        raise ConfigError(f"must be a folder inside the project root, got {text!r}")
    return text


def _fail_on(value: object) -> Severity | None:
    text = _str(value).lower()
    if text == "never":
        return None
    try:
        return Severity(text)
    except ValueError:
        raise ConfigError(
            f"must be one of error, warning, note, never, got {_got(value)}"
        ) from None


def _values(value: object) -> tuple[tuple[str, str], ...]:
    example = 'e.g. "settings.ROOT_PATH" = ""'
    if not isinstance(value, dict):
        raise ConfigError(f"must be a table of strings ({example}), got {_got(value)}")
    for k, v in value.items():
        if not isinstance(v, str):
            raise ConfigError(f"must be a table of strings ({example}), got {_got(v)} for {k!r}")
    return tuple(sorted((str(k), str(v)) for k, v in value.items()))


def _severities(value: object) -> tuple[tuple[str, Severity], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"must be a table such as {{ TA002 = \"error\" }}, got {_got(value)}")
    out: list[tuple[str, Severity]] = []
    for rule, sev in value.items():
        try:
            out.append((str(rule), Severity(str(sev).lower() if isinstance(sev, str) else "")))
        except ValueError:
            raise ConfigError(
                f"{rule}: must be one of error, warning, note, got {_got(sev)}"
            ) from None
    return tuple(sorted(out))


def _comment_syntax(value: object) -> tuple[tuple[str, str], ...]:
    """``{".svelte" = "html+c", ".go" = "none"}`` on top of the default table."""
    if not isinstance(value, dict):
        raise ConfigError(
            f'must be a table such as {{ ".svelte" = "html+c" }}, got {_got(value)}'
        )
    table = dict(DEFAULT_COMMENT_SYNTAX)
    for suffix, style in value.items():
        if not isinstance(style, str) or style not in COMMENT_STYLES:
            raise ConfigError(
                f"{suffix}: must be one of {', '.join(COMMENT_STYLES)}, got {_got(style)}"
            )
        name = str(suffix).lower()
        table[name if name.startswith(".") else f".{name}"] = style
    return tuple(sorted((s, st) for s, st in table.items() if st != "none"))


MAX_PATTERN_LENGTH = 2000


def _pattern(value: object) -> str:
    text = _str(value)
    if len(text) > MAX_PATTERN_LENGTH:
        raise ConfigError(
            f"must be a regular expression of at most {MAX_PATTERN_LENGTH} characters, "
            f"got {len(text)}"
        )
    try:
        re.compile(text)
    except (re.error, RecursionError, OverflowError) as exc:
        raise ConfigError(f"must be a valid regular expression: {exc}") from None
    return text


def _globs(value: object) -> tuple[str, ...]:
    patterns = _str_list(value)
    for index in globs.invalid(patterns)[:1]:
        try:
            globs.validate([patterns[index]])
        except globs.PatternError as exc:
            raise ConfigError(
                f"{patterns[index]!r} is not a gitignore-style pattern: {exc}"
            ) from None
    return patterns


def _per_file_ignores(value: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ConfigError(
            'must be a table of path patterns to rule lists, such as { "app/legacy/" = '
            f'["TA002"] }}, got {_got(value)}'
        )
    out = []
    for pattern, rules in value.items():
        _globs(str(pattern))
        try:
            out.append((str(pattern), _str_list(rules)))
        except ConfigError as exc:
            raise ConfigError(f"{pattern!r}: {exc}") from None
    return tuple(out)


def _per_file_severity(value: object) -> tuple[tuple[str, tuple[tuple[str, Severity], ...]], ...]:
    if not isinstance(value, dict):
        raise ConfigError(
            "must be a table of path patterns to severity tables, such as "
            f'{{ "specs/drafts/**" = {{ TA001 = "note" }} }}, got {_got(value)}'
        )
    out = []
    for pattern, table in value.items():
        _globs(str(pattern))
        try:
            out.append((str(pattern), _severities(table)))
        except ConfigError as exc:
            raise ConfigError(f"{pattern!r}: {exc}") from None
    return tuple(out)


_WAIVER_KEYS = ("rule", "subject", "path", "reason", "owner", "expires")


def _expires(value: object) -> str:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise ConfigError(f"must be a date such as 2025-12-31, got {_got(value)}")


def _waiver_field(here: str, item: Mapping[str, object], key: str) -> str | None:
    if key not in item:
        return None
    try:
        return _expires(item[key]) if key == "expires" else _str(item[key])
    except ConfigError as exc:
        raise ConfigError(f"{here}.{key}: {exc}") from None


def _waivers(value: object) -> tuple[Waiver, ...]:
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(
            "must be an array of tables ([[tool.traceaudit.waivers]] with rule, subject or "
            f"path, reason, owner, expires), got {_got(value)}"
        )
    out = []
    for i, item in enumerate(value, start=1):
        here = f"item {i}"
        unknown = sorted(set(item) - set(_WAIVER_KEYS))
        if unknown:
            raise ConfigError(
                f"{here}: unknown key '{unknown[0]}' (a waiver has {', '.join(_WAIVER_KEYS)})"
            )
        if "rule" not in item:
            raise ConfigError(f"{here}: a waiver needs a 'rule' (a code such as TA002, or a name)")
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise ConfigError(
                f"{here}: a waiver needs a 'reason' (why the finding is accepted); "
                "an unexplained waiver is not accepted"
            )
        if "subject" not in item and "path" not in item:
            raise ConfigError(
                f"{here}: a waiver needs a 'subject' (GET /health, specs/a.md::FR-001, "
                "globs allowed) or a 'path' (a gitignore-style pattern)"
            )
        path = _waiver_field(here, item, "path")
        if path is not None:
            try:
                _globs(path)
            except ConfigError as exc:
                raise ConfigError(f"{here}.path: {exc}") from None
        out.append(
            Waiver(
                rule=_waiver_field(here, item, "rule") or "",
                reason=" ".join(reason.split()),
                subject=_waiver_field(here, item, "subject"),
                path=path,
                owner=_waiver_field(here, item, "owner"),
                expires=_waiver_field(here, item, "expires"),
            )
        )
    return tuple(out)


_APP = re.compile(r"[\w.\-/]+:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?:\(\))?")


def _apps(value: object) -> tuple[str, ...]:
    apps = _str_list(value)
    for app in apps:
        if not _APP.fullmatch(app.strip()):
            raise ConfigError(
                "must be module:attr (app.main:app, app.main:create_app() for a factory) or "
                f"the file form the JSON output prints (app/main.py:app), got {_got(app)}"
            )
    return tuple(a.strip() for a in apps)


def _size(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"must be a positive whole number of bytes, got {_got(value)}")
    return value


def _seconds(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 86400:
        raise ConfigError(f"must be a number of seconds between 0 and 86400, got {_got(value)}")
    return float(value)


_KEYS: dict[str, tuple[str, Callable[[object], Any]]] = {
    "spec": ("spec_roots", _str_list),
    "specs": ("spec_roots", _str_list),
    "code": ("code_roots", _str_list),
    "exclude": ("exclude", _globs),
    "id-pattern": ("id_pattern", _pattern),
    "auth-patterns": ("auth_patterns", _str_list),
    "app": ("apps", _apps),
    "apps": ("apps", _apps),
    "values": ("values", _values),
    "out-of-scope-headings": ("out_of_scope_headings", _str_list),
    "non-backend-subjects": ("non_backend_subjects", _str_list),
    "openapi": ("openapi", _str_list),
    "comment-syntax": ("comment_syntax", _comment_syntax),
    "fail-on": ("fail_on", _fail_on),
    "disable": ("disable", _str_list),
    "severity": ("severity", _severities),
    "max-file-size": ("max_file_size", _size),
    "file-time-budget": ("file_time_budget", _seconds),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "per-file-severity": ("per_file_severity", _per_file_severity),
    "waivers": ("waivers", _waivers),
    "waiver": ("waivers", _waivers),
    "baseline": ("baseline", _str),
    "cache-dir": ("cache_dir", _cache_dir),
    "criteria-by-story": ("criteria_by_story", _bool),
}

CONFIG_KEYS = tuple(sorted(k for k in _KEYS if k not in {"specs", "app", "waiver"}))


def from_mapping(
    table: Mapping[str, object], base: Config, source: str, text: str = ""
) -> Config:
    """Apply a ``[tool.traceaudit]`` table to ``base``; raise ConfigError on a bad key.

    ``text`` is the file's text, to find the line of each waiver.
    """
    changes: dict[str, Any] = {}
    origins = dict(base.origins)
    for raw_key, value in table.items():
        key = str(raw_key).replace("_", "-")
        if key not in _KEYS:
            known = ", ".join(CONFIG_KEYS)
            raise ConfigError(f"{source}: unknown key '{raw_key}' (known keys: {known})")
        field_name, convert = _KEYS[key]
        try:
            changes[field_name] = convert(value)
        except ConfigError as exc:
            raise ConfigError(f"{source} '{raw_key}': {exc}") from None
        origins[field_name] = f"{source} '{raw_key}'"
    changes["origins"] = tuple(sorted(origins.items()))
    path = source.split(" [")[0]
    if "waivers" in changes:
        changes["waivers"] = _place_waivers(changes["waivers"], path, text)
    return replace(base, source=path, **changes)


_WAIVER_HEADER = re.compile(r"\s*\[\[\s*(?:tool\.traceaudit\.)?waivers?\s*\]\]")
_WAIVER_KEY = re.compile(r"\s*waivers?\s*=")


def _place_waivers(waivers: tuple[Waiver, ...], path: str, text: str) -> tuple[Waiver, ...]:
    """Each waiver with the line it is written on: the n-th ``[[...waivers]]`` header,
    else the line of the ``waivers`` key (an inline array)."""
    lines = text.splitlines()
    headers = [i + 1 for i, line in enumerate(lines) if _WAIVER_HEADER.match(line)]
    key_line = next((i + 1 for i, line in enumerate(lines) if _WAIVER_KEY.match(line)), 1)
    return tuple(
        replace(w, location=Location(path, headers[i] if i < len(headers) else key_line))
        for i, w in enumerate(waivers)
    )


def config_hash(config: Config) -> str:
    """sha256 of the settings that differ from the defaults, for provenance.

    With the tool version (which fixes the defaults) it identifies the effective
    configuration; the root, the file it came from, the origins and how the files are
    read (the prefilter and the cache: they never change a result) are left out.
    """
    default = Config()
    data = {
        f.name: getattr(config, f.name)
        for f in fields(config)
        if f.name not in ("root", "source", "origins", "prefilter", "cache_dir")
        and getattr(config, f.name) != getattr(default, f.name)
    }
    canonical = json.dumps(data, sort_keys=True, default=_plain, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def _plain(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    return str(value)


def _read_bytes(path: Path, shown: str) -> bytes:
    """A configuration file's bytes: a regular file, opened without blocking, size-capped."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(f"{shown}: not a regular file")
        fd = os.open(path, flags)
    except OSError as exc:
        raise ConfigError(f"cannot read {shown}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(f"{shown}: not a regular file")
        if info.st_size > MAX_CONFIG_SIZE:
            raise ConfigError(f"{shown}: {info.st_size} bytes, over the {MAX_CONFIG_SIZE}-byte "
                              "limit for a configuration file")
        data = os.read(fd, MAX_CONFIG_SIZE + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read {shown}: {exc.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_CONFIG_SIZE:
        raise ConfigError(f"{shown}: over the {MAX_CONFIG_SIZE}-byte limit of a configuration file")
    return data


def _read_toml(path: Path, shown: str) -> tuple[dict[str, Any], str]:
    data = _read_bytes(path, shown)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{shown}: not valid UTF-8 (byte {exc.start}); TOML is UTF-8") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{shown}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{shown}: invalid TOML: values nested too deeply") from None


def _table_of(path: Path, shown: str) -> tuple[dict[str, Any] | None, str, str]:
    data, text = _read_toml(path, shown)
    tool = data.get("tool")
    if isinstance(tool, dict) and "traceaudit" in tool:
        table = tool["traceaudit"]
        if not isinstance(table, dict):
            raise ConfigError(f"{shown} 'tool.traceaudit': must be a table, got {_got(table)}")
        return table, f"{shown} [tool.traceaudit]", text
    if path.name == "pyproject.toml":
        return None, shown, text
    return {k: v for k, v in data.items() if k != "tool"}, shown, text


def load(root: Path, config_file: Path | None = None) -> Config:
    """The configuration for ``root``: an explicit file, else traceaudit.toml, else pyproject."""
    real_root = os.path.realpath(root)
    base = Config(root=real_root)
    if config_file is not None:
        if not os.path.lexists(config_file):
            raise ConfigError(f"config file not found: {config_file}")
        table, source, text = _table_of(config_file, str(config_file))
        return from_mapping(table or {}, base, source, text)
    for name in ("traceaudit.toml", "pyproject.toml"):
        candidate = Path(real_root) / name
        if not os.path.lexists(candidate):
            continue
        # Fail closed: a configuration the audit cannot read safely is an error, never a
        # silent audit with the defaults (the pull request would choose its own gate).
        unread = "; it is not read, so the audit does not run (make it a regular file)"
        try:
            os.stat(candidate)  # the system's own limit on links (40 on Linux)
            real = os.path.realpath(candidate, strict=True)
        except (OSError, RuntimeError) as exc:
            why = "a dangling symbolic link" if getattr(exc, "errno", None) == errno.ENOENT else (
                "a symbolic link loop or a chain of too many links")
            raise ConfigError(f"{name}: {why}{unread}") from None
        if os.path.dirname(real) != real_root and not real.startswith(real_root + os.sep):
            raise ConfigError(f"{name}: a symbolic link to outside the project root{unread}")
        mode = os.stat(real).st_mode
        if not stat.S_ISREG(mode):
            raise ConfigError(f"{name}: not a regular file ({_kind_of(mode)}){unread}")
        table, source, text = _table_of(candidate, name)
        if table is not None:
            return from_mapping(table, base, source, text)
    return base


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


@lru_cache(maxsize=16)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def id_regex(config: Config) -> re.Pattern[str]:
    """The compiled requirement-id pattern."""
    return _compiled(config.id_pattern)
