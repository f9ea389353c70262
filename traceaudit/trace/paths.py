"""Route paths as the spec and the code write them: normalised, matched, compared.

Parameter names are ignored (``{id}`` = ``{item_id}`` = ``:id``), trailing slashes
tolerated, and ``{?expr}`` placeholders of values only run time knows match
anything. Near misses drop version and ``api`` segments.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Protocol

_PARAM = re.compile(r"\{[^{}?]*\}|(?<=/):[A-Za-z_][\w]*")


PLACEHOLDER = re.compile(r"\{\?[^{}]*\}")

# ``METHOD /path`` written in prose, a comment or a task (``provide endpoint POST
# /api/{user_id}/tasks``, ``# PUT /api/tasks/{id} (T040)``, ``add `GET `/health` ``): the path
# runs to a space, quote, bracket, comma, semicolon or query string.
_ROUTE_WRITTEN = re.compile(
    r"(?<![A-Za-z])(?P<method>GET|POST|PUT|PATCH|DELETE)\s+`?(?P<path>/[^\s`'\"),;?#]*)"
)


def routes_written(text: str) -> list[tuple[str, str]]:
    """Every ``(METHOD, /path)`` a text writes, in order, the sentence's closing ``.`` or
    ``:`` trimmed from the path."""
    return [(m["method"], m["path"].rstrip(".:") or "/") for m in _ROUTE_WRITTEN.finditer(text)]


# A route path written with or without its method ("Expose Google SSO routes /auth/sso/google
# and /auth/sso/google/callback", "Integration with existing conversation API
# (/conversation/send)"): not a file path's tail (no word, dot, colon or slash before it).
_PATH_WRITTEN = re.compile(
    r"(?:\b(?P<method>GET|POST|PUT|PATCH|DELETE)\s+`?)?"
    r"(?<![\w.:/\\-])(?P<path>/[A-Za-z0-9_{}.-]+(?:/[A-Za-z0-9_{}.-]+)*/?)(?![\w/])"
)
_FILE_TAIL = (".py", ".ts", ".tsx", ".md")


def paths_written(text: str) -> list[tuple[str | None, str]]:
    """Every ``(METHOD or None, /path)`` a text writes, a method only where it is written
    just before the path; file paths (``/src/main.py``) are left out."""
    return [
        (m["method"], m["path"])
        for m in _PATH_WRITTEN.finditer(text)
        if not m["path"].endswith(_FILE_TAIL)
    ]


def normalize_path(path: str) -> str:
    """Compare paths with parameter names ignored and trailing slashes tolerated."""
    path = _PARAM.sub("{}", path.strip())
    path = re.sub(r"/{2,}", "/", path)
    if len(path) > 1:
        path = path.rstrip("/")
    return path or "/"


class PathPattern(Protocol):
    """What a route's pattern is asked: does a normalised path match it in full."""

    def fullmatch(self, string: str) -> object: ...


@dataclass(frozen=True, slots=True)
class _Literal:
    """The pattern of a path without placeholders: the path itself (what the regex of
    its escaped text would match, without compiling one)."""

    text: str

    def fullmatch(self, string: str) -> bool:
        return string == self.text


@functools.cache
def route_pattern(path: str) -> PathPattern:
    """A pattern for a route path in which ``{?expr}`` placeholders match anything.

    Memoised: the graph, the declared-endpoint matcher and the reference rules each ask
    for every route's pattern, and ``re``'s own cache (512 entries) does not hold the
    routes of a large app, which made each ask a fresh compile. A path without
    placeholders (nearly every one) is compared as text: no regex at all."""
    norm = normalize_path(PLACEHOLDER.sub("\x00", path))
    parts = [re.escape(p) for p in norm.split("\x00")]
    if len(parts) == 1:
        return _Literal(norm)
    body = ".*".join(parts)
    return re.compile(body.rstrip("/") if len(body) > 1 else body)


_AFFINITY = {frozenset({"PUT", "PATCH"}): 2, frozenset({"POST", "PUT"}): 1}


def serves_method(declared: str, served: tuple[str, ...]) -> bool:
    """Whether a route of these methods serves the declared one: a WebSocket route serves
    a declared ``GET`` (its handshake is one: "GET /console/ws — WebSocket endpoint")."""
    return declared in served or (declared == "GET" and "WEBSOCKET" in served)


_NAMES_SOCKET = re.compile(r"(?i)(?:^|/)(?:wss?|websockets?|sockets?|socket\.io|stream)(?:/|$)")


def near_serves_method(declared: str, served: tuple[str, ...], declared_path: str) -> bool:
    """Whether a route of these methods may be a declared endpoint's near miss (under
    another prefix): the same method; a WebSocket route for a declared ``GET`` only when
    the declared path names a socket itself. A REST ``GET /api/v1/executions/{id}/logs``
    and the live stream ``WEBSOCKET /ws/executions/{id}/logs`` are two endpoints."""
    if declared in served:
        return True
    return declared == "GET" and "WEBSOCKET" in served and bool(_NAMES_SOCKET.search(declared_path))


def method_affinity(declared: str, served: tuple[str, ...]) -> int:
    """How likely a served method is what the spec meant by ``declared``."""
    return max((_AFFINITY.get(frozenset({declared, m}), 0) for m in served), default=0)


def loose_path(path: str) -> str:
    """A path without version and ``api`` segments, for near-miss suggestions; a leading
    parameter (an owner id: ``/api/{user_id}/tasks`` -> ``/tasks``) goes too, when a
    literal segment follows it."""
    segs = [s for s in normalize_path(path).split("/") if s and not re.fullmatch(r"v\d+|api", s)]
    while len(segs) > 1 and segs[0] == "{}" and segs[1] != "{}":
        segs = segs[1:]
    return "/" + "/".join(segs)


def moved_prefix(declared: str, served: str) -> tuple[str, str]:
    """The prefixes that differ between a declared and a served path with the same tail:
    ``/api/{user_id}/tasks/{id}`` and ``/api/tasks/{task_id}`` -> (``/api/{user_id}``,
    ``/api``)."""
    a = [s for s in declared.split("/") if s]
    b = [s for s in served.split("/") if s]
    while a and b and normalize_path("/" + a[-1]) == normalize_path("/" + b[-1]):
        a, b = a[:-1], b[:-1]
    return "/" + "/".join(a), "/" + "/".join(b)
