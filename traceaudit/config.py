"""Find, read and validate the configuration.

Configuration lives in ``[tool.traceaudit]`` of the project's ``pyproject.toml``
or in a ``traceaudit.toml`` (top-level keys, or a ``[tool.traceaudit]`` table).
Keys are kebab-case (``id-pattern``); snake_case spellings are accepted too.
Unknown keys and wrongly typed values are errors: a typo must never silently
turn a rule off.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from traceaudit.model import Config, Severity


class ConfigError(Exception):
    """The configuration is invalid; the message is one line for the user."""


def _str_list(key: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"'{key}' must be a string or a list of strings")


def _str(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"'{key}' must be a string")
    return value


def _fail_on(key: str, value: object) -> Severity | None:
    text = _str(key, value).lower()
    if text == "never":
        return None
    try:
        return Severity(text)
    except ValueError:
        raise ConfigError(f"'{key}' must be one of error, warning, note, never") from None


def _values(key: str, value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(f'\'{key}\' must be a table of strings, e.g. "settings.ROOT_PATH" = ""')
    return tuple(sorted((str(k), str(v)) for k, v in value.items()))


def _severities(key: str, value: object) -> tuple[tuple[str, Severity], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"'{key}' must be a table such as {{ TA002 = \"error\" }}")
    out: list[tuple[str, Severity]] = []
    for rule, sev in value.items():
        try:
            out.append((str(rule), Severity(str(sev).lower())))
        except ValueError:
            raise ConfigError(f"'{key}.{rule}' must be one of error, warning, note") from None
    return tuple(sorted(out))


def _size(key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"'{key}' must be a positive whole number of bytes, e.g. 10485760")
    return value


def _pattern(key: str, value: object) -> str:
    text = _str(key, value)
    try:
        re.compile(text)
    except re.error as exc:
        raise ConfigError(f"'{key}' is not a valid regular expression: {exc}") from None
    return text


_KEYS: dict[str, tuple[str, Callable[[str, object], Any]]] = {
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
    for raw_key, value in table.items():
        key = raw_key.replace("_", "-")
        if key not in _KEYS:
            known = ", ".join(CONFIG_KEYS)
            raise ConfigError(f"{source}: unknown key '{raw_key}' (known keys: {known})")
        field_name, convert = _KEYS[key]
        changes[field_name] = convert(raw_key, value)
    return replace(base, **changes)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def _table_of(path: Path) -> tuple[dict[str, Any] | None, str]:
    data = _read_toml(path)
    tool = data.get("tool")
    if isinstance(tool, dict) and "traceaudit" in tool:
        table = tool["traceaudit"]
        if not isinstance(table, dict):
            raise ConfigError(f"{path.name}: [tool.traceaudit] must be a table")
        return table, f"{path.name} [tool.traceaudit]"
    if path.name == "pyproject.toml":
        return None, path.name
    return {k: v for k, v in data.items() if k != "tool"}, path.name


def load(root: Path, config_file: Path | None = None) -> Config:
    """The configuration for ``root``: an explicit file, else traceaudit.toml, else pyproject."""
    base = Config(root=str(root.resolve()))
    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"config file not found: {config_file}")
        table, source = _table_of(config_file)
        return from_mapping(table or {}, base, source)
    for name in ("traceaudit.toml", "pyproject.toml"):
        candidate = root / name
        if candidate.is_file():
            table, source = _table_of(candidate)
            if table is not None:
                return from_mapping(table, base, source)
    return base


@lru_cache(maxsize=16)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def id_regex(config: Config) -> re.Pattern[str]:
    """The compiled requirement-id pattern."""
    return _compiled(config.id_pattern)
