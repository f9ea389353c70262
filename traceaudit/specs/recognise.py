"""Recognisers for endpoints in spec text: a method and a path, in every written form.

Every function takes plain text (Markdown markup already stripped by the
caller) and returns what it finds; none raises. The patterns are deliberately
narrow: a spec line only declares an endpoint when an upper-case HTTP method is
followed by a path that starts with ``/`` (or a path is followed by
``(METHOD)``). False declarations are worse than missed ones. Tables are read
by their column roles, fenced code line by line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from traceaudit.specs.statements import (
    is_status_header,
)

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "WEBSOCKET")
_METHOD = r"(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|TRACE|WEBSOCKET|WS)"
_METHODS = rf"{_METHOD}(?:\s*(?:,|/|\||&|\band\b|\bor\b)\s*{_METHOD})*"
# An optional scheme and host before the path are dropped: GET https://api.x.io/v1/items.
# Paths are ASCII: "WS /ws/x即時數據" and "/api/x（新增）" end where the CJK text starts.
_PATH = r"(?P<host>https?://[^\s/`'\"<>]+)?(?P<path>/[^\s`'\"<>|,;()\[\]\x80-\U0010ffff]*)"
# Before a method word: no ASCII letter, digit or path character ("實作POST /x" is fine).
_BEFORE = r"(?<![A-Za-z0-9_/.-])"

_AT_START = re.compile(rf"^(?P<methods>{_METHODS})\s*:?\s+{_PATH}")
_PATH_FIRST = re.compile(rf"^{_PATH}\s*\(\s*(?P<methods>{_METHODS})\s*\)")
_ANYWHERE = re.compile(rf"{_BEFORE}(?P<methods>{_METHODS})\s+{_PATH}")
_ANYWHERE_PATH_FIRST = re.compile(rf"{_BEFORE}{_PATH}\s*\(\s*(?P<methods>{_METHODS})\s*\)")
_ONE_METHOD = re.compile(_METHOD)
_CHECKBOX = re.compile(r"^\s*\[[ xX]\]\s*")
# "Label: rest" where the label is a few words (a field line without bold).
_PLAIN_FIELD = re.compile(r"^(?P<label>[^\W\d][\w /&()'-]{0,40}?)\s*[:：]\s*(?P<value>.*)$")
_PATH_TAIL = ".,:;!?*'\"`"


def normalise_method(word: str) -> str:
    """``ws`` / ``WS`` / ``WebSocket`` -> ``WEBSOCKET``; everything else upper case."""
    upper = word.strip().upper()
    return "WEBSOCKET" if upper in {"WS", "WSS", "WEBSOCKET"} else upper


def normalise_path(raw: str) -> str | None:
    """Clean a path as written; None when it is not a usable API path.

    Query strings and fragments are cut, trailing punctuation dropped, and
    Express-style ``:id`` segments become ``{id}``. ``{param}`` is kept.
    """
    path = re.split(r"[?#]", raw, maxsplit=1)[0]
    while len(path) > 1 and path[-1] in _PATH_TAIL:
        path = path[:-1]
    if not path.startswith("/") or path.startswith("//"):
        return None
    # A family written with a wildcard (`GET /api/mcp/*` — MCP endpoints): the prefix and
    # "/*", never the prefix as a literal path; a prefix with no literal segment is no family.
    wild = re.match(r"(/[^*\s]*?)/\*{1,2}[.,:;!?'\"`]*$", re.split(r"[?#]", raw, maxsplit=1)[0])
    if wild:
        if not re.search(r"[A-Za-z]", wild.group(1)):
            return None
        path = wild.group(1) + "/*"
    path = re.sub(r"(?<=/):([A-Za-z_]\w*)", r"{\1}", path)
    if path.count("{") != path.count("}"):
        return None
    return path


def _methods(text: str) -> list[str]:
    return [normalise_method(m.group(0)) for m in _ONE_METHOD.finditer(text)]


@dataclass(frozen=True, slots=True)
class Found:
    """An endpoint found in a piece of text; ``end`` is where its match ends."""

    method: str
    path: str
    end: int
    host: str | None = None  # "http://localhost:3000" when a URL was written, not a path
    query: bool = False  # written with query values ("?sessionId=abc-123"): an example
    # one of a table row's several paths with one of its several methods: the row says
    # which methods its paths use, not which path takes which
    grouped: bool = False
    # a method of one item in a resource's CRUD list ("GET/POST/PUT/DELETE /v1/profiles"):
    # PUT, PATCH and DELETE act on /v1/profiles/{id}, not on the collection
    item: bool = False


_NEXT_METHOD = re.compile(rf"\s*{_METHOD}\b")


def _found(m: re.Match[str]) -> list[Found]:
    path = normalise_path(m["path"])
    if path is None:
        return []
    if m["path"] == "/" and not m["host"] and _NEXT_METHOD.match(m.string, m.end()):
        return []  # "`GET / POST` on `/v1/x`": a list of methods, not the root path
    methods = _methods(m["methods"])
    if len(set(methods)) < len(methods):
        # "stub endpoints (GET, POST, DELETE, POST /test)" enumerates; only the method
        # next to the path goes with it.
        methods = methods[-1:]
    host = m["host"]
    query = bool(re.search(r"\?[^=\s]+=[^&\s{}]+", m["path"]))
    distinct = list(dict.fromkeys(methods))
    crud = (
        len(distinct) >= 3
        and {"GET", "POST"} & set(distinct)
        and not path.rstrip("/").rsplit("/", 1)[-1].startswith("{")
    )
    return [
        Found(method, path, m.end(), host, query,
              item=bool(crud) and method in ("PUT", "PATCH", "DELETE"))
        for method in distinct
    ]  # fmt: skip


def endpoints_at_start(text: str) -> list[Found]:
    """Endpoints that open ``text``: ``GET /x …``, ``[ ] POST /y``, ``/z (PUT)``."""
    body = _CHECKBOX.sub("", text, count=1).lstrip()
    offset = len(text) - len(body)
    m = _AT_START.match(body) or _PATH_FIRST.match(body)
    if not m:
        return []
    return [replace(f, end=f.end + offset) for f in _found(m)]


def endpoints_anywhere(text: str) -> list[Found]:
    """Every ``METHOD /path`` or ``/path (METHOD)`` in ``text``."""
    out: list[Found] = []
    for pattern in (_ANYWHERE, _ANYWHERE_PATH_FIRST):
        for m in pattern.finditer(text):
            out.extend(_found(m))
    return out


# Case-insensitive words only: the ASCII class of _PATH must stay case-sensitive.
_PROSE = re.compile(
    rf"(?<![\w/.-])(?P<methods>(?i:{_METHOD}))\s+(?i:(?:http\s+)?(?:requests?|calls?)\s+"
    rf"(?:is\s+sent\s+|are\s+sent\s+)?(?:to|at|on|against|for)\s+(?:the\s+)?(?:endpoint\s+)?)"
    rf"{_PATH}"
)


def endpoints_in_prose(text: str) -> list[Found]:
    """Given/When/Then prose: "When I send a POST request to `/api/tasks`"."""
    out: list[Found] = []
    for m in _PROSE.finditer(text):
        if m["methods"].isupper():
            out.extend(_found(m))
    return out


def endpoint_only(text: str) -> list[Found]:
    """Endpoints when ``text`` is nothing but one (a table cell, a code span)."""
    stripped = text.strip()
    found = endpoints_at_start(stripped)
    if found and found[0].end >= len(stripped.rstrip(_PATH_TAIL + " ")):
        return found
    return []


def split_field(plain: str, lead_bold: str | None) -> tuple[str, str] | None:
    """``**Auth**: Required`` / ``**Auth:** Required`` / ``Auth: Public`` -> (label, value)."""
    if lead_bold is not None:
        label = lead_bold.strip()
        rest = plain.strip()[len(lead_bold.strip()) :] if plain.strip().startswith(label) else ""
        if label.endswith((":", "：")):
            return label[:-1].strip(), rest.strip()
        rest = rest.lstrip()
        if rest.startswith((":", "：")):
            return label, rest[1:].strip()
        return None
    m = _PLAIN_FIELD.match(plain.strip())
    if not m or len(m["label"].split()) > 5:
        return None
    return m["label"].strip(), m["value"].strip()


# --------------------------------------------------------------------------
# Tables and fenced code
# --------------------------------------------------------------------------

_METHOD_HEADER = re.compile(r"(?i)^(?:http\s+)?(?:method|verb|methods)$")
_PATH_HEADER = re.compile(
    r"(?i)^(?:path|endpoint|route|url|uri|resource|api|api\s+endpoint|url\s+pattern|"
    r"endpoint\s+path|request|paths|endpoints|routes)$"
)
_AUTH_HEADER = re.compile(
    r"(?i)^(?:auth(?:entication|orization|orisation)?(?:\s+required)?|auth\??|requires?\s+auth\w*|"
    r"access|protected|permissions?|security|login\s+required)$"
)


@dataclass(frozen=True, slots=True)
class TableRoles:
    method: int | None
    path: int | None
    auth: int | None
    status: int | None


def table_roles(header: list[str]) -> TableRoles:
    """Which columns of a table hold the method, path, auth and status (any order)."""

    def find(test: Callable[[str], object]) -> int | None:
        for i, cell in enumerate(header):
            if test(cell.strip().strip("*_`").strip()):
                return i
        return None

    return TableRoles(
        find(_METHOD_HEADER.match),
        find(_PATH_HEADER.match),
        find(_AUTH_HEADER.match),
        find(is_status_header),
    )


def row_endpoints(cells: list[str], roles: TableRoles) -> list[Found]:
    """The endpoints of one table row (method column or method inside the path cell)."""
    if roles.path is None or roles.path >= len(cells):
        # No path column: only a cell that is exactly "METHOD /path" counts.
        for cell in cells:
            found = endpoint_only(cell)
            if found:
                return found
        return []
    path_cell = cells[roles.path].strip()
    embedded = endpoints_at_start(path_cell)
    if embedded:
        return embedded
    if roles.method is None or roles.method >= len(cells):
        return []
    m = re.match(rf"^{_PATH}", path_cell)
    path = normalise_path(m["path"]) if m else None
    # "GET (no auth, POST-MVP)": a method word joined to another word is no method
    methods = re.findall(rf"(?i)(?<![A-Za-z-]){_METHOD}(?![A-Za-z-])", cells[roles.method])
    if path is None or not methods:
        return []
    words = list(dict.fromkeys(normalise_method(x.upper()) for x in methods))
    paths = [path]
    if len(words) > 1:
        # "`/server/start`, `/server/stop`, `/server/status` | POST, GET": every path of
        # the cell, each with any of the row's methods
        listed = re.findall(rf"(?:^|[\s,;]){_PATH}", path_cell)
        each = [normalise_path(p[1]) for p in listed]
        paths = list(dict.fromkeys(p for p in each if p is not None)) or paths
    grouped = len(paths) > 1
    return [Found(w, p, 0, grouped=grouped) for p in paths for w in words]


_FENCE_LINE = re.compile(rf"^[\s\-*+•│├└─|>]*(?P<methods>{_METHOD})\s+{_PATH}")


def fence_endpoint(line: str) -> list[Found]:
    """``POST /api/stocks - create`` / ``WS /ws/x`` / ``GET /x HTTP/1.1`` in a code block."""
    m = _FENCE_LINE.match(line)
    return _found(m) if m else []


# A route path written without a method: `/health`, "the /performance endpoint",
# ``@app.get("/performance")``. Not part of a URL, a file system path or another path
# (no host, word, dot or slash before it), and not a file (`/src/main.py`).
_BARE_PATH = re.compile(r"(?<![\w/.:~%$@\\-])/[A-Za-z_{][\w.{}-]*(?:/[\w.{}-]+)*/?(?![\w/])")
_FILE_SUFFIX = re.compile(
    r"(?i)\.(?:py|pyi|md|mdx|rst|txt|ts|tsx|js|jsx|mjs|cjs|vue|css|scss|html?|ya?ml|toml|"
    r"ini|cfg|conf|env|sh|lock|log|sql|png|jpe?g|svg|gif|ico|pdf|csv|db|sqlite|pem|key)$"
)


def named_paths(text: str) -> list[tuple[str, int]]:
    """Route-like paths a text names, with or without a method, each once with its first
    (1-based) line: what a reader looks for when a route is not declared."""
    out: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if "/" not in line:
            continue
        for m in _BARE_PATH.finditer(line):
            path = normalise_path(m.group(0))
            if path is None or path == "/" or _FILE_SUFFIX.search(path):
                continue
            out.setdefault(path, n)
    return sorted(out.items(), key=lambda kv: (kv[1], kv[0]))
