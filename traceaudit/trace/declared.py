"""Declared endpoints whose path the spec does not write in full, resolved against the routes.

The spec side (``specs.examples``) leaves hints on a declared endpoint; here they
are applied, in the order a reviewer reads them:

1. the path as written, when a live route serves it;
2. under a base path the spec states for its section (``base:/api/v1``);
3. against the router it talks about: the routes of the file its task names
   (``file:backend/app/api/v1/orgs.py``), of the router it names (``router:orgs``),
   or under the prefix its section gives the router (``prefix:/cvs``): a route of
   that router whose path ends with the declared one, on segment boundaries;
4. a Markdown path written below the API base (``POST /cvs`` where the app serves
   ``/api/v1/cvs``; a client's calls, a story's task), when its section states no
   base of its own: under the one API base of the routes (their leading ``api`` and
   version segments) that serves it; else, when it names two literal segments, below
   the one router prefix that serves it (``GET /schedules/capacity`` as
   ``/api/v1/categories/schedules/capacity``). A stated host without a path (``full``) means
   the paths are written in full, and an OpenAPI path is relative to its servers only;
5. a path that is relative (``/``, ``/{id}/...``) and has no router to resolve it
   against: any one route whose path ends with it, when exactly one does.

When nothing serves it, the endpoint keeps the path the spec means: the stated base
joined to it, or the named router's prefix joined to it. A relative path that still
cannot be placed is dropped: it is never declared bare.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import PurePosixPath

from traceaudit.model import DeclaredEndpoint, Route
from traceaudit.trace.paths import normalize_path, route_pattern, serves_method

__all__ = ["resolve_declared"]


def _join(base: str, path: str) -> str:
    if path == "/":
        return base.rstrip("/") + "/"
    return base.rstrip("/") + "/" + path.lstrip("/")


def _segments(path: str) -> list[str]:
    return [s for s in normalize_path(path).split("/") if s]


def _ends_with(route_path: str, tail: str) -> bool:
    r, t = _segments(route_path), _segments(tail)
    return len(r) >= len(t) and r[len(r) - len(t) :] == t


_API_SEGMENT = re.compile(r"v\d+|api")


def _api_base(path: str) -> str:
    """The leading ``api`` and version segments of a route path (``/api/v1``), or ''."""
    lead: list[str] = []
    for seg in _segments(path):
        if not _API_SEGMENT.fullmatch(seg):
            break
        lead.append(seg)
    return "/" + "/".join(lead) if lead else ""


def _common_prefix(paths: Sequence[str]) -> str | None:
    parts = [p.strip("/").split("/") for p in paths]
    if len(parts) < 2:
        return None
    common: list[str] = []
    for column in zip(*parts, strict=False):
        if len(set(column)) != 1 or column[0].startswith("{"):
            break
        common.append(column[0])
    return "/" + "/".join(common) if common else None


class _Routes:
    def __init__(self, routes: Sequence[Route]) -> None:
        self.routes = routes
        self.patterns = [route_pattern(r.path) for r in routes]
        self.api_bases = sorted({b for r in routes if (b := _api_base(r.path))})

    def serves(self, method: str, path: str) -> bool:
        norm = normalize_path(path)
        return any(
            serves_method(method, r.methods) and p.fullmatch(norm)
            for r, p in zip(self.routes, self.patterns, strict=True)
        )

    def serves_below(self, method: str, family: str) -> bool:
        """Whether a route of the method lies under a family's prefix (``/x/*``)."""
        below = normalize_path(family)[:-1]  # "/x/"
        return any(serves_method(method, r.methods) and normalize_path(r.path).startswith(below)
                   for r in self.routes)  # fmt: skip

    def of_router(self, hint: str) -> list[Route]:
        kind, _, value = hint.partition(":")
        if kind == "file":
            tail = value.lstrip("./")
            return [r for r in self.routes if _file(r) == tail or _file(r).endswith("/" + tail)]
        if kind == "router":
            return [r for r in self.routes if PurePosixPath(_file(r)).stem == value]
        return []

    def ending_with(self, method: str, tail: str, within: Sequence[Route]) -> str | None:
        hits = {
            r.path for r in within if serves_method(method, r.methods) and _ends_with(r.path, tail)
        }
        return hits.pop() if len(hits) == 1 else None


def _under_api_base(ep: DeclaredEndpoint, live: _Routes) -> DeclaredEndpoint | None:
    """The endpoint placed under the one API base that serves it, if its path is written
    below that base and nothing says it is written in full."""
    if ep.source == "openapi" or "full" in ep.hints or any(h.startswith("base:") for h in ep.hints):
        return None
    segs = _segments(ep.path)
    if not segs or _API_SEGMENT.fullmatch(segs[0]) or segs[0].startswith("{"):
        return None
    if ep.path.endswith("/*"):
        # a family written below the API base (``GET /leaderboards/*`` of an API served
        # as /api/v1/leaderboards/...): placed under the one base that has routes there
        family = {
            _join(b, ep.path) for b in live.api_bases
            if live.serves_below(ep.method, _join(b, ep.path))
        }  # fmt: skip
        return replace(ep, path=family.pop()) if len(family) == 1 else None
    served = {
        _join(b, ep.path) for b in live.api_bases if live.serves(ep.method, _join(b, ep.path))
    }
    if not served:
        served = _under_a_router(ep, segs, live)
    return replace(ep, path=served.pop()) if len(served) == 1 else None


def _under_a_router(ep: DeclaredEndpoint, segs: list[str], live: _Routes) -> set[str]:
    """A Markdown path written below a router's prefix (``Create `GET /schedules/capacity`
    endpoint`` of the categories router, served as ``/api/v1/categories/schedules/capacity``):
    the routes whose path is the API base, one literal segment (the router's prefix) and
    the declared path. Only a path that names enough to tell (two literal segments)."""
    if sum(1 for s in segs if s != "{}") < 2:
        return set()
    out: set[str] = set()
    for r in live.routes:
        if ep.method not in r.methods:
            continue
        rsegs = _segments(r.path)
        lead = rsegs[: len(rsegs) - len(segs)]
        base = _segments(_api_base(r.path))
        if (
            len(lead) == len(base) + 1
            and lead[: len(base)] == base
            and lead[-1] != "{}"
            and rsegs[len(lead) :] == segs
        ):
            out.add(r.path)
    return out


def _file(route: Route) -> str:
    return route.handler.split(":", 1)[0]


def _resolve(ep: DeclaredEndpoint, live: _Routes) -> DeclaredEndpoint | None:
    if live.serves(ep.method, ep.path):
        return ep
    if not ep.hints:
        return _under_api_base(ep, live) or ep
    bases = [h[5:] for h in ep.hints if h.startswith("base:")]
    for base in bases:
        if live.serves(ep.method, _join(base, ep.path)):
            return replace(ep, path=_join(base, ep.path))
    # Prose means its one stated base; an OpenAPI document's several servers (the
    # service itself, a gateway) are each possible, none is known to be meant.
    one = len(bases) == 1 and ep.source != "openapi"
    fallback: str | None = _join(bases[0], ep.path) if one else None
    routers = [h for h in ep.hints if h.startswith(("file:", "router:"))]
    tails = [ep.path, *(_join(b, ep.path) for b in bases)]
    for hint in routers:
        mine = live.of_router(hint)
        for tail in tails:
            served = live.ending_with(ep.method, tail, mine) if _segments(tail) else None
            if served is not None:
                return replace(ep, path=served)
        prefix = _common_prefix([r.path for r in mine])
        written_under = _segments(ep.path)[:1] == _segments(prefix or "")[:1]
        if fallback is None and prefix is not None and not written_under:
            fallback = _join(prefix, ep.path)  # not written under the router's prefix already
    for hint in ep.hints:
        if hint.startswith("prefix:"):
            tail = _join(hint[7:], ep.path)
            served = live.ending_with(ep.method, tail, live.routes)
            if served is not None:
                return replace(ep, path=served)
    under = _under_api_base(ep, live)
    if under is not None:
        return under
    relative = "relative" in ep.hints
    if (
        relative
        and fallback is None
        and _segments(ep.path)
        and any(not s.startswith("{") for s in _segments(ep.path))
    ):
        served = live.ending_with(ep.method, ep.path, live.routes)
        if served is not None:
            return replace(ep, path=served)
    if fallback is not None:
        return replace(ep, path=fallback)
    return None if relative else ep


def resolve_declared(
    endpoints: Sequence[DeclaredEndpoint],
    routes: Sequence[Route],
    public_paths: Sequence[Sequence[str]] = (),
) -> tuple[tuple[DeclaredEndpoint, bool], ...]:
    """Each endpoint with its hints applied, and whether its path moved; relative ones
    that nothing places are dropped. ``public_paths`` are, per route, the other paths it
    is reached as (under a base path its deployment strips)."""
    reached = [
        replace(r, path=p) for r, paths in zip(routes, public_paths, strict=False)
        for p in paths if p != r.path
    ]  # fmt: skip
    live = _Routes([*routes, *reached])
    out: list[tuple[DeclaredEndpoint, bool]] = []
    for ep in endpoints:
        placed = _resolve(ep, live)
        if placed is not None:
            out.append((placed, placed.path != ep.path))
    return tuple(_without_shorthands(_without_unserved_alternatives(out, live), live))


def _without_shorthands(
    placed: list[tuple[DeclaredEndpoint, bool]], live: _Routes
) -> list[tuple[DeclaredEndpoint, bool]]:
    """``GET /me endpoint includes job_posting details`` beside ``GET
    /api/v1/applications/me`` in the same file names that endpoint by its last segment:
    an unserved one-segment path that ends another endpoint the file declares with the same
    method is that endpoint restated, not one of its own."""
    full: dict[tuple[str, str], list[str]] = {}
    for ep, moved in placed:
        if not moved:  # written in full as the file writes it
            full.setdefault((ep.location.path, ep.method), []).append(ep.path)
    out: list[tuple[DeclaredEndpoint, bool]] = []
    for ep, moved in placed:
        tail = _segments(ep.path)
        if (
            not moved
            and len(tail) == 1
            and "full" not in ep.hints
            and ep.source != "openapi"
            and not live.serves(ep.method, ep.path)
            and any(
                len(_segments(other)) > 1 and _ends_with(other, ep.path)
                for other in full[(ep.location.path, ep.method)]
            )
        ):
            continue
        out.append((ep, moved))
    return out


_ALTERNATIVES = frozenset({"PUT", "PATCH"})


def _without_unserved_alternatives(
    placed: list[tuple[DeclaredEndpoint, bool]], live: _Routes
) -> list[tuple[DeclaredEndpoint, bool]]:
    """``PUT/PATCH /categories/{id} - Update`` offers the two update methods as
    alternatives: one declaration, served when either is. The unserved one of a pair
    written on one line for one path is dropped when the other is served."""

    def key(ep: DeclaredEndpoint) -> tuple[str, int, str]:
        return (ep.location.path, ep.location.line, normalize_path(ep.path))

    served = {
        (key(ep), ep.method)
        for ep, _ in placed
        if ep.method in _ALTERNATIVES and live.serves(ep.method, ep.path)
    }
    if not served:
        return placed
    return [
        (ep, moved)
        for ep, moved in placed
        if ep.method not in _ALTERNATIVES
        or (key(ep), ep.method) in served
        or not any((key(ep), other) in served for other in _ALTERNATIVES - {ep.method})
    ]
