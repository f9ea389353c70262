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
import os
import re
import stat
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from traceaudit.model import Config, Severity

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


def _size(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"must be a positive whole number of bytes, got {_got(value)}")
    return value


_KEYS: dict[str, tuple[str, Callable[[object], Any]]] = {
    "spec": ("spec_roots", _str_list),
    "specs": ("spec_roots", _str_list),
    "code": ("code_roots", _str_list),
    "exclude": ("exclude", _str_list),
    "id-pattern": ("id_pattern", _pattern),
    "auth-patterns": ("auth_patterns", _str_list),
    "app": ("apps", _str_list),
    "apps": ("apps", _str_list),
    "values": ("values", _values),
    "out-of-scope-headings": ("out_of_scope_headings", _str_list),
    "non-backend-subjects": ("non_backend_subjects", _str_list),
    "openapi": ("openapi", _str_list),
    "fail-on": ("fail_on", _fail_on),
    "disable": ("disable", _str_list),
    "severity": ("severity", _severities),
    "max-file-size": ("max_file_size", _size),
}

CONFIG_KEYS = tuple(sorted(k for k in _KEYS if k not in {"specs", "app"}))


def from_mapping(table: Mapping[str, object], base: Config, source: str) -> Config:
    """Apply a ``[tool.traceaudit]`` table to ``base``; raise ConfigError on a bad key."""
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
    return replace(base, **changes)


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


def _read_toml(path: Path, shown: str) -> dict[str, Any]:
    data = _read_bytes(path, shown)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{shown}: not valid UTF-8 (byte {exc.start}); TOML is UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{shown}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{shown}: invalid TOML: values nested too deeply") from None


def _table_of(path: Path, shown: str) -> tuple[dict[str, Any] | None, str]:
    data = _read_toml(path, shown)
    tool = data.get("tool")
    if isinstance(tool, dict) and "traceaudit" in tool:
        table = tool["traceaudit"]
        if not isinstance(table, dict):
            raise ConfigError(f"{shown} 'tool.traceaudit': must be a table, got {_got(table)}")
        return table, f"{shown} [tool.traceaudit]"
    if path.name == "pyproject.toml":
        return None, shown
    return {k: v for k, v in data.items() if k != "tool"}, shown


def load(root: Path, config_file: Path | None = None) -> Config:
    """The configuration for ``root``: an explicit file, else traceaudit.toml, else pyproject."""
    real_root = os.path.realpath(root)
    base = Config(root=real_root)
    if config_file is not None:
        if not os.path.lexists(config_file):
            raise ConfigError(f"config file not found: {config_file}")
        table, source = _table_of(config_file, str(config_file))
        return from_mapping(table or {}, base, source)
    for name in ("traceaudit.toml", "pyproject.toml"):
        candidate = Path(real_root) / name
        if not os.path.lexists(candidate):
            continue
        try:
            real = os.path.realpath(candidate, strict=True)
        except (OSError, RuntimeError):
            raise ConfigError(f"{name}: a symbolic link loop or a dangling link") from None
        if os.path.dirname(real) != real_root and not real.startswith(real_root + os.sep):
            raise ConfigError(f"{name}: a symbolic link to outside the project root, not read")
        if not stat.S_ISREG(os.stat(real).st_mode):
            continue  # a FIFO or folder named pyproject.toml is no configuration
        table, source = _table_of(candidate, name)
        if table is not None:
            return from_mapping(table, base, source)
    return base


@lru_cache(maxsize=16)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def id_regex(config: Config) -> re.Pattern[str]:
    """The compiled requirement-id pattern."""
    return _compiled(config.id_pattern)
