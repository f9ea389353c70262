"""Rules about declared endpoints and live routes: TA002, TA006, TA007, TA008, TA009.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from traceaudit.model import DeclaredEndpoint, Finding, ReqStatus, Scope
from traceaudit.trace.graph import EndpointMatch
from traceaudit.trace.rules import CheckContext, finding, route_name


def undocumented_endpoint(ctx: CheckContext) -> Iterator[Finding]:
    mismatched = {
        i for m in ctx.graph.endpoint_matches for i in (*m.method_mismatch, *m.path_mismatch)
    }
    for i, res in enumerate(ctx.routes):
        route = res.route
        if res.documented or i in mismatched or not route.include_in_schema:
            continue
        name = route_name(ctx, i)
        yield finding(
            "TA002",
            f"{name} is served but no spec declares it and its handler cites no spec; document "
            f"it in a spec (e.g. a heading `### {route.methods[0]} {route.path}`) or cite the "
            f"spec section it implements in the docstring of {route.handler.split(':')[-1]}",
            route.location,
            name,
        )


def _near_misses(
    ctx: CheckContext, code: str, routes_of: Callable[[EndpointMatch], tuple[int, ...]], fix: str
) -> Iterator[Finding]:
    for m in ctx.graph.endpoint_matches:
        routes = routes_of(m)
        if not routes or m.owner is not None or _out_of_scope(ctx, m.endpoint):
            continue
        ep = m.endpoint
        served = ", ".join(
            f"{route_name(ctx, i)} ({ctx.graph.routes[i].location})" for i in routes
        )
        yield finding(
            code,
            f"the spec declares {ep.method} {ep.path} but the code serves {served}; {fix}",
            ep.location,
            f"{ep.method} {ep.path}",
        )


def method_mismatch(ctx: CheckContext) -> Iterator[Finding]:
    fix = "make the spec and the route agree on the method"
    return _near_misses(ctx, "TA006", lambda m: m.method_mismatch, fix)


def path_mismatch(ctx: CheckContext) -> Iterator[Finding]:
    fix = "write the full path in the spec (or fix the route's prefix)"
    return _near_misses(ctx, "TA007", lambda m: m.path_mismatch, fix)


def _out_of_scope(ctx: CheckContext, ep: DeclaredEndpoint) -> bool:
    if ep.scope is not Scope.IN_SCOPE:
        return True
    if ep.requirement_key is None:
        return False
    req = ctx.graph.index.by_key.get(ep.requirement_key)
    return req is not None and req.scope is not Scope.IN_SCOPE


def unserved_endpoint(ctx: CheckContext) -> Iterator[Finding]:
    status = {r.requirement.key: r.status for r in ctx.requirements}
    for m in ctx.graph.endpoint_matches:
        ep = m.endpoint
        if m.exact or m.method_mismatch or m.path_mismatch or _out_of_scope(ctx, ep):
            continue
        if m.owner is not None:
            continue  # code outside Python serves it, or its contract is another component's
        key = ep.requirement_key
        if key is not None and status.get(key) is not ReqStatus.IMPLEMENTED:
            continue  # TA001 (or the requirement's scope) already speaks for it
        yield finding(
            "TA008",
            f"the spec declares {ep.method} {ep.path} but no live route serves it; add the route, "
            "or correct or remove the declaration",
            ep.location,
            f"{ep.method} {ep.path}",
        )


def missing_auth(ctx: CheckContext) -> Iterator[Finding]:
    for m in ctx.graph.endpoint_matches:
        ep = m.endpoint
        if ep.auth_required is not True:
            continue
        for i in m.exact:
            route = ctx.graph.routes[i]
            if route.auth:
                continue
            name = f"{ep.method} {route.path}"
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
            yield finding(
                "TA009",
                f"{name} must require authentication ({ep.location}: {ep.auth or 'auth required'}) "
                f"but {guard}, or correct the spec",
                route.location,
                name,
            )
