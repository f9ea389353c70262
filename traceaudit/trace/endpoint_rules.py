"""Rules about declared endpoints and live routes: TA002, TA006, TA007, TA008, TA009, TA014."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath

from traceaudit.model import AppInfo, DeclaredEndpoint, Finding, ReqStatus, Route, Scope
from traceaudit.trace.graph import EndpointMatch
from traceaudit.trace.paths import moved_prefix, normalize_path
from traceaudit.trace.rules import CheckContext, finding, route_name

# The methods FastAPI's own pages answer (Starlette adds HEAD to a GET route).
_PAGE_METHODS = frozenset({"GET", "HEAD"})


# FastAPI's own pages at their default paths, and how to turn each off or move it.
_PAGES = {
    "/openapi.json": (
        "OpenAPI schema",
        'move the schema (`FastAPI(openapi_url="/api/openapi.json")`; `openapi_url=None` '
        "turns off the docs pages too)",
    ),
    "/docs": (
        "Swagger UI page",
        "turn the page off or move it (`FastAPI(docs_url=None)` or another path)",
    ),
    "/docs/oauth2-redirect": (
        "Swagger UI OAuth2 redirect",
        "turn the redirect off or move it (`FastAPI(swagger_ui_oauth2_redirect_url=None)` or "
        "another path)",
    ),
    "/redoc": (
        "ReDoc page",
        "turn the page off or move it (`FastAPI(redoc_url=None)` or another path)",
    ),
}


_MOVED = ("page", "move the page (the `docs_url`, `redoc_url` or `openapi_url` that puts it there)")


def _at_defaults(paths: tuple[str, ...]) -> bool:
    """Whether the app's pages are where FastAPI puts them by default, so that each path
    names its page: the schema first, then Swagger UI (and its redirect), then ReDoc."""
    order = list(_PAGES)
    if not paths or paths[0] != order[0] or not set(paths) <= set(order):
        return False
    if "/docs/oauth2-redirect" in paths and "/docs" not in paths:
        return False
    return list(paths) == [p for p in order if p in paths]


def _docs_app(ctx: CheckContext, route: Route) -> AppInfo | None:
    """The served app whose own FastAPI page answers every method of the route."""
    if not set(route.methods) <= _PAGE_METHODS:
        return None
    for app in ctx.code.apps:
        if app.served and app.name == route.app and route.path in app.docs:
            return app
    return None


def shadowed_by_docs(ctx: CheckContext, route: Route) -> bool:
    """Whether FastAPI's own page on the route's path answers every method of the route:
    FastAPI registers ``/openapi.json``, ``/docs`` (and ``/docs/oauth2-redirect``) and
    ``/redoc`` when the app is built, before any route of the code, and Starlette runs the
    first route that matches, so a ``GET /docs`` handler of an app that keeps its default
    ``docs_url`` never runs. Only the app's own paths (``docs_url=None`` turns one off, a
    literal path moves it; a value known only at run time counts as none)."""
    return _docs_app(ctx, route) is not None


def shadowed_route(ctx: CheckContext) -> Iterator[Finding]:
    """TA014: a handler that FastAPI's own page on its path keeps from ever running."""
    for i, res in enumerate(ctx.routes):
        route = res.route
        app = _docs_app(ctx, route)
        if app is None:
            continue
        page, fix = _PAGES[route.path] if _at_defaults(app.docs) else _MOVED
        handler = route.handler.split(":")[-1]
        yield finding(
            "TA014",
            f"{handler} ({route_name(ctx, i)}) never runs: FastAPI serves its own {page} at "
            f"{route.path} for the app built at {app.location}, added before any route of the "
            f"code, and Starlette runs the first route that matches; if {handler} should "
            f"answer there, {fix}, else delete the handler",
            route.location,
            route_name(ctx, i),
        )


def undocumented_endpoint(ctx: CheckContext) -> Iterator[Finding]:
    mismatched = {
        i for m in ctx.graph.endpoint_matches for i in (*m.method_mismatch, *m.path_mismatch)
    }
    for i, res in enumerate(ctx.routes):
        route = res.route
        if res.documented or i in mismatched or not route.include_in_schema:
            continue
        if shadowed_by_docs(ctx, route):
            continue  # what clients reach there is FastAPI's own page, not this handler
        name = route_name(ctx, i)
        # under a base path its deployment strips, the spec writes the path clients use
        public = ctx.graph.public_paths[i][-1]
        reached = f" (reached as {public})" if public != route.path else ""
        yield finding(
            "TA002",
            f"{name}{reached} is served but no spec declares it and its handler cites no spec; "
            f"document it in a spec (e.g. a heading `### {route.methods[0]} {public}`) or cite "
            f"the spec section it implements in the docstring of {route.handler.split(':')[-1]}",
            route.location,
            name,
        )


def _near_misses(
    ctx: CheckContext,
    code: str,
    routes_of: Callable[[EndpointMatch], tuple[int, ...]],
    fix: str | Callable[[EndpointMatch], str],
) -> Iterator[Finding]:
    grouped_served, _ = _method_groups(ctx)
    for m in ctx.graph.endpoint_matches:
        routes = routes_of(m)
        if not routes or m.owner is not None or _out_of_scope(ctx, m.endpoint):
            continue
        key = (m.endpoint.location.path, m.endpoint.location.line, m.endpoint.path)
        if "any-method" in m.endpoint.hints and (code == "TA006" or key in grouped_served):
            continue  # the row names no method of that path: another method is no mismatch
        ep = m.endpoint
        served = ", ".join(f"{route_name(ctx, i)} ({ctx.graph.routes[i].location})" for i in routes)
        yield finding(
            code,
            f"the spec declares {ep.method} {ep.path} but the code serves {served}; "
            f"{fix if isinstance(fix, str) else fix(m)}",
            ep.location,
            f"{ep.method} {ep.path}",
        )


def method_mismatch(ctx: CheckContext) -> Iterator[Finding]:
    fix = "make the spec and the route agree on the method"
    return _near_misses(ctx, "TA006", lambda m: m.method_mismatch, fix)


def path_mismatch(ctx: CheckContext) -> Iterator[Finding]:
    """One finding per declared endpoint, each with the prefix mapping to apply; when several
    declared endpoints moved under the same other prefix (``/api/x`` -> ``/api/v1/x``,
    ``/api/{user_id}/tasks/*`` -> ``/api/tasks/*``), each says how many share it."""
    moves: dict[int, tuple[str, str]] = {}
    for m in ctx.graph.endpoint_matches:
        if m.path_mismatch:
            served = ctx.graph.routes[m.path_mismatch[0]].path
            moves[id(m)] = moved_prefix(m.endpoint.path, served)
    counts: dict[tuple[str, str], int] = {}
    for m in ctx.graph.endpoint_matches:
        if id(m) in moves and m.owner is None and not _out_of_scope(ctx, m.endpoint):
            counts[moves[id(m)]] = counts.get(moves[id(m)], 0) + 1

    def fix(m: EndpointMatch) -> str:
        old, new = moves[id(m)]
        family = counts.get((old, new), 1)
        shared = f", as for {family} declared endpoints" if family > 1 else ""
        if old == "/":
            mapping = f"the code adds the prefix `{new}`"
        elif new == "/":
            mapping = f"the code drops the prefix `{old}`"
        else:
            mapping = f"the spec's `{old}/…` is `{new}/…` in the code"
        return f"{mapping}{shared}: write the full path in the spec (or fix the route's prefix)"

    return _near_misses(ctx, "TA007", lambda m: m.path_mismatch, fix)


def _out_of_scope(ctx: CheckContext, ep: DeclaredEndpoint) -> bool:
    if ep.scope is not Scope.IN_SCOPE or "tested" in ep.hints or "outline" in ep.hints:
        # (the endpoint a test exercises names a route and declares none; so does one read
        # from the outline of a contract that does not parse)
        return True
    if ep.requirement_key is None:
        return False
    req = ctx.graph.index.by_key.get(ep.requirement_key)
    return req is not None and req.scope is not Scope.IN_SCOPE


def _method_groups(ctx: CheckContext) -> tuple[set[tuple[str, int, str]], dict[int, list[str]]]:
    """The paths a table row lists with several methods, none paired with one ("`/server/
    start`, `/server/status` | POST, GET"): (file, line, path) of those some method of the
    row serves, and for each endpoint of a group the row's methods, its first match first."""
    served: set[tuple[str, int, str]] = set()
    methods: dict[tuple[str, int, str], list[str]] = {}
    first: dict[int, list[str]] = {}
    for m in ctx.graph.endpoint_matches:
        ep = m.endpoint
        if "any-method" not in ep.hints:
            continue
        key = (ep.location.path, ep.location.line, ep.path)
        if m.exact:
            served.add(key)
        if key not in methods:
            methods[key] = []
            first[id(m)] = methods[key]
        methods[key].append(ep.method)
    return served, first


def unserved_endpoint(ctx: CheckContext) -> Iterator[Finding]:
    status = {r.requirement.key: r.status for r in ctx.requirements}
    grouped_served, group_first = _method_groups(ctx)
    for m in ctx.graph.endpoint_matches:
        ep = m.endpoint
        if "any-method" in ep.hints:
            # one finding per path, and none when a method of its row serves it
            if (ep.location.path, ep.location.line, ep.path) in grouped_served:
                continue
            if id(m) not in group_first:
                continue
        if m.exact or m.method_mismatch or m.path_mismatch or _out_of_scope(ctx, ep):
            continue
        if m.under:
            continue  # a family (`GET /api/mcp/*`): a route of its method lies under it
        if m.owner is not None:
            continue  # code outside Python serves it, or its contract is another component's
        if m.framework:
            continue  # FastAPI serves it itself: the app's /docs, /redoc or /openapi.json
        if "optional" in ep.hints:
            continue  # the spec says it may be left out ("Optional: `GET /x`")
        key = ep.requirement_key
        if key is not None and status.get(key) is not ReqStatus.IMPLEMENTED:
            continue  # TA001 (or the requirement's scope) already speaks for it
        served = (
            f"no live route of that method lies under {ep.path[:-2]}"
            if ep.path.endswith("/*")
            else "no live route serves it"
        )
        off = _served_when_set(ctx, ep)
        if off is not None:
            route, condition = off
            yield finding(
                "TA008",
                f"the spec declares {ep.method} {ep.path} but {served} with the default "
                f"settings: {route.location} serves it only when `{condition}`, which is "
                "false by default; if the deployment sets it, say so in [tool.traceaudit."
                "values], else declare the endpoint as optional or remove it",
                ep.location,
                f"{ep.method} {ep.path}",
            )
            continue
        if id(m) in group_first:
            listed = " or ".join(group_first[id(m)])
            yield finding(
                "TA008",
                f"the spec declares {ep.path} (with {listed}, as its table row says of its "
                f"paths) but no live route of those methods serves it; add the route, or "
                "correct or remove the declaration",
                ep.location,
                f"{ep.method} {ep.path}",
            )
            continue
        yield finding(
            "TA008",
            f"the spec declares {ep.method} {ep.path} but {served}; add the route, "
            "or correct or remove the declaration",
            ep.location,
            f"{ep.method} {ep.path}",
        )


def _served_when_set(ctx: CheckContext, ep: DeclaredEndpoint) -> tuple[Route, str] | None:
    """The first route, in file order, that would serve ``ep`` but is off with the
    default settings (``if ENABLE_MCP:`` whose default is false), with its condition."""
    want = normalize_path(ep.path[:-2] if ep.path.endswith("/*") else ep.path)
    for route in sorted(ctx.code.inactive_routes, key=lambda r: (r.location.path,
                                                                 r.location.line)):  # fmt: skip
        if ep.method not in route.methods or not route.condition:
            continue
        path = normalize_path(route.path)
        if ep.path.endswith("/*"):
            if path.startswith(want.rstrip("/") + "/"):
                return route, route.condition
        elif path == want:
            return route, route.condition
    return None


def missing_auth(ctx: CheckContext) -> Iterator[Finding]:
    apps = sorted({r.app for r in ctx.graph.routes})
    # In a project of several services, a contract that names its service
    # (specs/003-mastery-engine/..., contracts/openapi-progress.yaml) speaks for that
    # service's routes, and a service that another feature names is that feature's.
    features = sorted({_feature(d.path) for d in ctx.graph.docs}) if len(apps) > 1 else []
    claimed = {app: {f for f in features if _services_of(f, [app])} for app in apps}
    # A route that a declaration explicitly calls public ("Public endpoint - No
    # authentication required") is not held to another declaration's auth: the specs
    # disagree, and "must require authentication" is not what they say.
    public = {i for m in ctx.graph.endpoint_matches if m.endpoint.auth_required is False
              for i in m.exact}  # fmt: skip
    # One route that several declarations hold to auth (a contract and a spec, say) is
    # one finding that names every declaration, not one finding per declaration.
    held: dict[tuple[int, str], list[DeclaredEndpoint]] = {}
    for m in ctx.graph.endpoint_matches:
        ep = m.endpoint
        if ep.auth_required is not True:
            continue
        services = _services_of(ep.location.path, apps) if len(apps) > 1 else set()
        mine = _feature(ep.location.path)
        for i in m.exact:
            if i in public:
                continue
            route = ctx.graph.routes[i]
            if services and route.app not in services:
                continue
            if claimed.get(route.app) and mine not in claimed[route.app]:
                continue
            if route.auth or _verifies_the_scheme(
                route.verified_credentials, ep.auth_scheme, "WEBSOCKET" in route.methods
            ):
                continue
            eps = held.setdefault((i, ep.method), [])
            if all(other.location != ep.location for other in eps):
                eps.append(ep)
    for (i, method), eps in held.items():
        route = ctx.graph.routes[i]
        eps.sort(key=lambda e: (e.location.path, e.location.line))
        ep = eps[0]
        name = f"{method} {route.path}"
        handler = route.handler.split(":")[-1]
        if route.auth_condition:
            guard = (
                f"{handler} is guarded only if `{route.auth_condition}`, which is false "
                "or unknown with default settings; make the auth dependency unconditional"
            )
        else:
            guard = (
                f"no auth dependency guards {handler}; add one, e.g. "
                "`Depends(get_current_user)`"
            )
        also = "".join(f"; also {other.location}" for other in eps[1:])
        yield finding(
            "TA009",
            f"{name} must require authentication ({ep.location}: {ep.auth or 'auth required'}"
            f"{also}) but {guard}, or correct the spec",
            route.location,
            name,
        )


def _verifies_the_scheme(
    credentials: tuple[str, ...], scheme: str | None, websocket: bool = False
) -> bool:
    """Whether a credential the handler reads and verifies itself is one the spec's
    security schemes name: the cookie of a cookie scheme, the header of an apiKey header
    scheme or the parameter of a query one, the Authorization header of a bearer, OAuth2 or
    OpenID scheme (or of a scheme the spec does not name). A WebSocket that verifies a token
    handed in its query is guarded whatever the scheme: a browser sends no header there."""
    if not credentials:
        return False
    if websocket and any(c.startswith("query:") for c in credentials):
        return True
    for one in (scheme or "").split(", "):
        kind, _, name = one.partition(":")
        if kind == "cookie":
            wanted = f"cookie:{name.lower()}"
            if any(c.startswith("cookie:") and (not name or c == wanted) for c in credentials):
                return True
        elif kind == "header":
            if f"header:{name.lower()}" in credentials:
                return True
        elif kind == "query":
            if f"query:{name.lower()}" in credentials:
                return True
        elif kind != "query" and "header:authorization" in credentials:
            return True
    return False


_GENERIC = frozenset(
    {"api", "apis", "openapi", "swagger", "contract", "contracts", "spec", "specs", "src", "app",
     "main", "backend", "server", "service", "services", "v1", "v2", "yaml", "yml", "json",
     "md", "and", "the", "docs", "design", "plan", "tasks", "requirements", "readme"}
)  # fmt: skip


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9]+", text.lower()) if w and not w.isdigit()} - _GENERIC


def _feature(spec_path: str) -> str:
    """The feature folder of a spec file: its folder, above a generic one (contracts/)."""
    folder = PurePosixPath(spec_path).parent
    while folder.name and not _words(folder.name) and folder.parent != folder:
        folder = folder.parent
    return str(folder)


def _services_of(spec_path: str, apps: list[str]) -> set[str]:
    """The apps whose folder a spec file's feature or name names (``003-mastery-engine`` ->
    ``backend/mastery-engine/src/main.py:app``); empty when none does."""
    path = PurePosixPath(spec_path)
    names = [_words(part) for part in (*path.parts[1:-1], path.stem)]
    names = [n for n in names if n]
    out: set[str] = set()
    for app in apps:
        folders = [_words(part) for part in PurePosixPath(app.split(":", 1)[0]).parts[:-1]]
        if any(n <= f or f <= n for n in names for f in folders if f):
            out.add(app)
    return out
