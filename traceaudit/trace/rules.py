"""The rule registry and what every rule function is given.

Every rule has a stable code, a kebab-case name, a default severity and a
summary. A rule function takes a :class:`CheckContext` and yields findings;
it only *produces* them (:mod:`traceaudit.trace.checks` decides which rules
run and at what severity). Each message names what is wrong and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass

from traceaudit.model import (
    CodeFacts,
    Finding,
    Location,
    RequirementResult,
    RouteResult,
    Rule,
    Severity,
)
from traceaudit.trace.graph import TraceGraph

E, W, N = Severity.ERROR, Severity.WARNING, Severity.NOTE

RULES: tuple[Rule, ...] = (
    Rule("TA000", "parse-error", E, "A Python or Markdown file could not be parsed."),
    Rule(
        "TA001", "unimplemented-requirement", E, "Untraced: no code cites it, no route serves it."
    ),
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
    Rule("TA013", "skipped-file", N, "A file that was not read: not a regular file, over a limit."),
    Rule("TA020", "claimed-but-untraced", W, "A task marked done that no code traces to."),
    Rule(
        "TA021", "implements-out-of-scope", W, "Code implements an item the spec puts out of scope."
    ),
    Rule("TA022", "needs-clarification", N, "A requirement still marked [NEEDS CLARIFICATION]."),
    Rule("TA023", "implemented-while-unclear", W, "Code implements a requirement that is unclear."),
)

RULES_BY_CODE = {r.code: r for r in RULES}


@dataclass(frozen=True, slots=True)
class CheckContext:
    graph: TraceGraph
    code: CodeFacts
    requirements: tuple[RequirementResult, ...]
    routes: tuple[RouteResult, ...]
    spec_roots: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...] = ()  # (path, reason): not read at all


def finding(code: str, message: str, location: Location, subject: str) -> Finding:
    return Finding(RULES_BY_CODE[code], message, location, subject)


def short(text: str, limit: int = 72) -> str:
    """A title cut at a word boundary, for one-line messages."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def route_name(ctx: CheckContext, index: int) -> str:
    route = ctx.graph.routes[index]
    return f"{'/'.join(route.methods)} {route.path}"
