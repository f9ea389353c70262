"""The rules: one small function per rule, trace graph in, findings out.

Every rule has a stable code, a kebab-case name, a default severity and a
summary. Rule functions only *produce* findings; :func:`run_checks` is the
decision layer that drops disabled rules and applies severity overrides.
Each message names what is wrong and what to do about it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from traceaudit.model import (
    CodeFacts,
    CodeRef,
    Config,
    DeclaredEndpoint,
    Finding,
    Location,
    RefKind,
    ReqKind,
    ReqStatus,
    RequirementResult,
    RouteResult,
    Rule,
    Scope,
    Severity,
)
from traceaudit.trace.graph import EndpointMatch, LinkedRef, TraceGraph

E, W, N = Severity.ERROR, Severity.WARNING, Severity.NOTE

RULES: tuple[Rule, ...] = (
    Rule("TA000", "parse-error", E, "A Python or Markdown file could not be parsed."),
    Rule("TA001", "unimplemented-requirement", E, "No code cites the requirement or serves it."),
    Rule("TA002", "undocumented-endpoint", W, "A live route that no spec documents."),
    Rule("TA003", "dangling-reference", E, "A spec reference in code names nothing that exists."),
    Rule("TA004", "ambiguous-reference", W, "A bare reference that several specs define."),
    Rule("TA005", "duplicate-requirement-id", W, "The same id is defined twice in one spec."),
    Rule("TA006", "method-mismatch", W, "Spec and code disagree on an endpoint's method."),
    Rule("TA007", "path-mismatch", W, "Spec and code disagree on an endpoint's path prefix."),
    Rule("TA008", "unserved-endpoint", W, "A declared endpoint that no live route serves."),
    Rule("TA009", "missing-auth", E, "The spec requires auth; the route has no auth dependency."),
    Rule("TA010", "unresolved-route-path", N, "Part of a route path cannot be known statically."),
    Rule("TA011", "unmounted-router", N, "A router or app that no served app reaches."),
    Rule("TA012", "unresolved-route", N, "A route registration that cannot be resolved."),
    Rule("TA020", "claimed-but-untraced", W, "A task marked done that no code traces to."),
    Rule(
        "TA021", "implements-out-of-scope", W, "Code implements an item the spec puts out of scope."
    ),
    Rule("TA022", "needs-clarification", N, "A requirement still marked [NEEDS CLARIFICATION]."),
    Rule("TA023", "implemented-while-unclear", W, "Code implements a requirement that is unclear."),
)
RULES_BY_CODE = {r.code: r for r in RULES}
SPEC_FILE_NAMES = frozenset(
    {"spec.md", "requirements.md", "tasks.md", "design.md", "plan.md", "prd.md", "epics.md"}
)


@dataclass(frozen=True, slots=True)
class CheckContext:
    graph: TraceGraph
    code: CodeFacts
    requirements: tuple[RequirementResult, ...]
    routes: tuple[RouteResult, ...]
    spec_roots: tuple[str, ...]


def _f(code: str, message: str, location: Location, subject: str) -> Finding:
    return Finding(RULES_BY_CODE[code], message, location, subject)


def _short(text: str, limit: int = 72) -> str:
    """A title cut at a word boundary, for one-line messages."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _route_name(ctx: CheckContext, index: int) -> str:
    route = ctx.graph.routes[index]
    return f"{'/'.join(route.methods)} {route.path}"


# -- rules -----------------------------------------------------------------


def parse_error(ctx: CheckContext) -> Iterator[Finding]:
    for doc in ctx.graph.docs:
        if doc.error is not None:
            yield _f(
                "TA000",
                f"cannot parse {doc.path}: {doc.error}; fix the file so its requirements "
                "are audited",
                Location(doc.path, 1),
                doc.path,
            )
    for location, error in ctx.code.parse_errors:
        yield _f(
            "TA000",
            f"cannot parse {location.path}: {error}; fix the syntax so its routes and references "
            "are audited",
            location,
            location.path,
        )


def unimplemented_requirement(ctx: CheckContext) -> Iterator[Finding]:
    declared: dict[str, list[str]] = {}
    for ep in ctx.graph.all_endpoints:
        if ep.requirement_key is not None:
            declared.setdefault(ep.requirement_key, []).append(f"{ep.method} {ep.path}")
    for res in ctx.requirements:
        if res.status is not ReqStatus.UNIMPLEMENTED:
            continue
        req = res.requirement
        name = req.id if req.id != req.anchor else req.title
        title = f" ({_short(req.title)})" if req.title and req.title != name else ""
        endpoints = declared.get(req.key, [])
        served = f" and no live route serves {', '.join(endpoints)}" if endpoints else ""
        cite = f"`{req.id}`" if req.id != req.anchor else f"`{req.spec_path}#{req.anchor}`"
        yield _f(
            "TA001",
            f"{name}{title} is not implemented: no code cites it{served}; implement it and cite "
            f"{cite} in the implementing code's docstring, or move it under an Out of Scope "
            "heading",
            req.location,
            req.key,
        )


def undocumented_endpoint(ctx: CheckContext) -> Iterator[Finding]:
    mismatched = {
        i for m in ctx.graph.endpoint_matches for i in (*m.method_mismatch, *m.path_mismatch)
    }
    for i, res in enumerate(ctx.routes):
        route = res.route
        if res.documented or i in mismatched or not route.include_in_schema:
            continue
        name = _route_name(ctx, i)
        yield _f(
            "TA002",
            f"{name} is served but no spec declares it and its handler cites no spec; document "
            f"it in a spec (e.g. a heading `### {route.methods[0]} {route.path}`) or cite the "
            f"spec section it implements in the docstring of {route.handler.split(':')[-1]}",
            route.location,
            name,
        )


def _is_spec_path(ctx: CheckContext, written: str) -> bool:
    """Whether a path in a reference means a spec (not README.md or docs/architecture.md)."""
    clean = "/".join(p for p in PurePosixPath(written).parts if p not in {".", ".."})
    return PurePosixPath(clean).name.lower() in SPEC_FILE_NAMES or any(
        root and (clean == root or clean.startswith(root + "/")) for root in ctx.spec_roots
    )


def _counts_as_reference(ctx: CheckContext, linked: LinkedRef) -> bool:
    """Whether a dangling candidate is really a reference (and so worth a finding)."""
    ref = linked.ref
    target = ref.target
    if target.spec is not None and not ctx.graph.index.files_matching(target.spec):
        return _is_spec_path(ctx, target.spec)
    if target.kind is RefKind.ID and target.hint is None:
        return ctx.graph.index.is_reference_family(target) or ref.explicit
    return True


def dangling_reference(ctx: CheckContext) -> Iterator[Finding]:
    for linked in ctx.graph.linked:
        res = linked.resolution
        if res.status != "dangling" or not _counts_as_reference(ctx, linked):
            continue
        ref = linked.ref
        text = ref.target.text or ref.target.value
        what = {
            RefKind.ID: "no requirement in the specs has this id",
            RefKind.ANCHOR: "no section of that spec has this anchor",
            RefKind.TITLE: "no spec section has this title",
            RefKind.NUMBER: "no spec section has this number",
            RefKind.FILE: "no spec file has this name",
        }[ref.target.kind]
        if ref.target.spec is not None and not ctx.graph.index.files_matching(ref.target.spec):
            what = f"no spec file matches {ref.target.spec}"
        hint = f"; did you mean `{res.suggestion}`?" if res.suggestion else ""
        yield _f(
            "TA003",
            f"`{text}` in {ref.symbol} is a dangling reference: {what}{hint} Fix the reference "
            "or add the item to the spec",
            ref.location,
            text,
        )


def ambiguous_reference(ctx: CheckContext) -> Iterator[Finding]:
    for linked in ctx.graph.linked:
        res = linked.resolution
        if res.status != "ambiguous":
            continue
        ref = linked.ref
        text = ref.target.text or ref.target.value
        files = sorted({c.split(":", 1)[-1].split("::")[0].split("#")[0] for c in res.candidates})
        example = f"`{files[0]} {ref.target.value}`" if files else "a spec path"
        yield _f(
            "TA004",
            f"`{text}` in {ref.symbol} is ambiguous: it is defined in {', '.join(files)}; qualify "
            f"it with the spec file, e.g. {example}",
            ref.location,
            text,
        )


def duplicate_requirement_id(ctx: CheckContext) -> Iterator[Finding]:
    for doc in ctx.graph.docs:
        for ident, location in doc.duplicate_ids:
            first = ctx.graph.index.by_key.get(f"{doc.path}::{ident}")
            where = f" (first at line {first.location.line})" if first else ""
            yield _f(
                "TA005",
                f"{ident} is defined twice in {doc.path}{where}; give each requirement its own id "
                "so references to it are unambiguous",
                location,
                f"{doc.path}::{ident}",
            )


def _near_misses(
    ctx: CheckContext, code: str, routes_of: Callable[[EndpointMatch], tuple[int, ...]], fix: str
) -> Iterator[Finding]:
    for m in ctx.graph.endpoint_matches:
        routes = routes_of(m)
        if not routes or _out_of_scope(ctx, m.endpoint):
            continue
        ep = m.endpoint
        served = ", ".join(
            f"{_route_name(ctx, i)} ({ctx.graph.routes[i].location})" for i in routes
        )
        yield _f(
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
        key = ep.requirement_key
        if key is not None and status.get(key) is not ReqStatus.IMPLEMENTED:
            continue  # TA001 (or the requirement's scope) already speaks for it
        yield _f(
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
            yield _f(
                "TA009",
                f"{name} must require authentication ({ep.location}: {ep.auth or 'auth required'}) "
                f"but no auth dependency guards {route.handler.split(':')[-1]}; add one, e.g. "
                "`Depends(get_current_user)`, or correct the spec",
                route.location,
                name,
            )


def unresolved_route_path(ctx: CheckContext) -> Iterator[Finding]:
    for location, expression in ctx.code.unresolved_paths:
        yield _f(
            "TA010",
            f"the route path uses `{expression}`, whose value cannot be known without running "
            f'the code; supply it in [tool.traceaudit.values]: "{expression}" = "<its value>"',
            location,
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
        yield _f("TA011", message, dead.location, dead.name)


def unresolved_route(ctx: CheckContext) -> Iterator[Finding]:
    for item in ctx.code.unresolved:
        yield _f(
            "TA012",
            f"cannot resolve this route registration statically ({item.reason}); import the "
            "router or app by name instead of computing it at run time, so that its routes "
            "can be audited",
            item.location,
            str(item.location),
        )


def claimed_but_untraced(ctx: CheckContext) -> Iterator[Finding]:
    by_key = {r.requirement.key: r for r in ctx.requirements}
    for res in ctx.requirements:
        req = res.requirement
        if req.kind is not ReqKind.TASK or not req.claimed_done or res.implemented_by:
            continue
        targets = ctx.graph.linked_requirements(req.key)
        if not targets or any(by_key[t].implemented_by for t in targets if t in by_key):
            continue  # a task that names no requirement (setup, chores) traces nothing
        names = ", ".join(by_key[t].requirement.id for t in targets if t in by_key)
        about = f" nor its requirements ({names})"
        yield _f(
            "TA020",
            f"task {req.id} is marked done, but no code cites it{about}; cite the task or "
            "its requirement in the implementing code, or untick it",
            req.location,
            req.key,
        )


def _citations_of(ctx: CheckContext, keys: set[str]) -> Iterator[tuple[CodeRef, str]]:
    for linked in ctx.graph.linked:
        if linked.resolution.status != "ok" or linked.ref.is_test:
            continue
        for node in linked.resolution.nodes:
            if node.startswith("req:") and node[4:] in keys:
                yield linked.ref, node[4:]


def implements_out_of_scope(ctx: CheckContext) -> Iterator[Finding]:
    index = ctx.graph.index.by_key
    out = {k for k, r in index.items() if r.scope is Scope.OUT_OF_SCOPE}
    for ref, key in _citations_of(ctx, out):
        req = index[key]
        yield _f(
            "TA021",
            f"{ref.symbol} cites {req.id}, which {req.spec_path}:{req.location.line} puts out of "
            "scope; remove the code, or bring the requirement into scope in the spec",
            ref.location,
            key,
        )
    for m in ctx.graph.endpoint_matches:
        if m.endpoint.scope is Scope.OUT_OF_SCOPE:
            for i in m.exact:
                route = ctx.graph.routes[i]
                yield _f(
                    "TA021",
                    f"{_route_name(ctx, i)} serves an endpoint that {m.endpoint.location} puts out "
                    "of scope; remove the route, or bring the endpoint into scope in the spec",
                    route.location,
                    _route_name(ctx, i),
                )


def needs_clarification(ctx: CheckContext) -> Iterator[Finding]:
    for res in ctx.requirements:
        req = res.requirement
        if req.needs_clarification and req.scope is Scope.IN_SCOPE:
            yield _f(
                "TA022",
                f"{req.id} is marked [NEEDS CLARIFICATION]; settle the question in the spec "
                "before it is implemented",
                req.location,
                req.key,
            )


def implemented_while_unclear(ctx: CheckContext) -> Iterator[Finding]:
    index = ctx.graph.index.by_key
    unclear = {k for k, r in index.items() if r.needs_clarification}
    for ref, key in _citations_of(ctx, unclear):
        req = index[key]
        yield _f(
            "TA023",
            f"{ref.symbol} implements {req.id}, which the spec still marks [NEEDS CLARIFICATION] "
            f"({req.spec_path}:{req.location.line}); clarify the spec, then review this code",
            ref.location,
            key,
        )


CHECKS: dict[str, Callable[[CheckContext], Iterator[Finding]]] = {
    "TA000": parse_error,
    "TA001": unimplemented_requirement,
    "TA002": undocumented_endpoint,
    "TA003": dangling_reference,
    "TA004": ambiguous_reference,
    "TA005": duplicate_requirement_id,
    "TA006": method_mismatch,
    "TA007": path_mismatch,
    "TA008": unserved_endpoint,
    "TA009": missing_auth,
    "TA010": unresolved_route_path,
    "TA011": unmounted_router,
    "TA012": unresolved_route,
    "TA020": claimed_but_untraced,
    "TA021": implements_out_of_scope,
    "TA022": needs_clarification,
    "TA023": implemented_while_unclear,
}


def selected_rules(config: Config) -> tuple[Rule, ...]:
    """The enabled rules, with configured severities."""
    disabled = {d.lower() for d in config.disable}
    overrides = {k.lower(): v for k, v in config.severity}
    out = []
    for rule in RULES:
        if rule.code.lower() in disabled or rule.name in disabled:
            continue
        sev = overrides.get(rule.code.lower(), overrides.get(rule.name))
        out.append(replace(rule, severity=sev) if sev is not None else rule)
    return tuple(out)


def unknown_rule_names(config: Config) -> list[str]:
    known = {r.code.lower() for r in RULES} | {r.name for r in RULES}
    names = list(config.disable) + [k for k, _ in config.severity]
    return [n for n in names if n.lower() not in known]


def run_checks(ctx: CheckContext, rules: Sequence[Rule]) -> tuple[Finding, ...]:
    """Run every enabled rule; findings are de-duplicated and sorted."""
    findings: set[Finding] = set()
    for rule in rules:
        for finding in CHECKS[rule.code](ctx):
            findings.add(replace(finding, rule=rule))
    return tuple(sorted(findings, key=lambda f: f.sort_key))
