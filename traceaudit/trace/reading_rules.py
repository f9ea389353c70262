"""Rules about what could not be read or resolved: TA000, TA010-TA013."""

from __future__ import annotations

from collections.abc import Iterator

from traceaudit.model import Finding, Location
from traceaudit.trace.rules import CheckContext, finding


def parse_error(ctx: CheckContext) -> Iterator[Finding]:
    for doc in ctx.graph.docs:
        if doc.error is not None:
            yield finding(
                "TA000",
                f"cannot parse {doc.path}: {doc.error}; fix the file so its requirements "
                "are audited",
                Location(doc.path, 1),
                doc.path,
            )
    for location, error in ctx.code.parse_errors:
        yield finding(
            "TA000",
            f"cannot parse {location.path}: {error}; fix the syntax so its routes and references "
            "are audited",
            location,
            location.path,
        )


def unresolved_route_path(ctx: CheckContext) -> Iterator[Finding]:
    # One note per expression: [tool.traceaudit.values] is keyed by the expression's
    # text, so one value settles every route whose path uses it (a router prefix an
    # include gives 150 routes is one fact, not 150).
    by_expression: dict[str, list[Location]] = {}
    for location, expression in ctx.code.unresolved_paths:
        by_expression.setdefault(expression, []).append(location)
    for expression, locations in by_expression.items():
        places = sorted(set(locations))
        if len(places) == 1:
            where = "the route path uses"
        else:
            shown = ", ".join(str(p) for p in places[1:4])
            more = f" and {len(places) - 4} more" if len(places) > 4 else ""
            where = f"the paths of {len(places)} routes (this one, {shown}{more}) use"
        yield finding(
            "TA010",
            f"{where} `{expression}`, whose value cannot be known without running the code; "
            f'supply it in [tool.traceaudit.values]: "{expression}" = "<its value>"',
            places[0],
            expression,
        )


def unmounted_router(ctx: CheckContext) -> Iterator[Finding]:
    # An include or mount whose target only run time knows may be the one that
    # reaches a router that looks dead: say so rather than claim it is dead.
    unknown_includes = sorted(
        str(u.location)
        for u in ctx.code.unresolved
        if u.reason.startswith(("include_router(", "mount of "))
    )
    for dead in ctx.code.unmounted:
        lines = [str(loc.line) for loc in dead.route_locations[:10]]
        more = ""
        if lines:
            where = "line" if len(lines) == 1 else "lines"
            more = f" (defined at {where} {', '.join(lines)})"
        if unknown_includes:
            message = (
                f"no served app includes {dead.name} by name, so its routes{more} are live only "
                f"if the include at {', '.join(unknown_includes[:3])}, which run time decides, "
                "adds it; include it by name, or delete it if it is unused"
            )
        else:
            message = (
                f"{dead.name} is never mounted on a served app, so its routes{more} are not "
                "live; include it with include_router() or delete it"
            )
        yield finding("TA011", message, dead.location, dead.name)


def unresolved_route(ctx: CheckContext) -> Iterator[Finding]:
    for item in ctx.code.unresolved:
        yield finding(
            "TA012",
            f"cannot resolve this route registration statically ({item.reason}); import the "
            "router or app by name instead of computing it at run time, so that its routes "
            "can be audited",
            item.location,
            item.reason,  # not the line: a subject must survive lines moving (fingerprints)
        )


def skipped_file(ctx: CheckContext) -> Iterator[Finding]:
    for path, reason in ctx.skipped:
        partly = reason.startswith("LibCST")  # references read, routes not
        message = (
            f"{path} was read in part: {reason}; make the code simpler to audit its routes"
            if partly else f"{path} was not read: {reason}; nothing in it is audited"
        )
        yield finding("TA013", message, Location(path, 1), path)
    for location, reason in ctx.code.over_budget:
        path = location.path
        yield finding(
            "TA013",
            f"{path} was read in part: {reason}; none of its routes is audited (what other "
            "files import from it is unknown), its references are",
            location,
            path,
        )
