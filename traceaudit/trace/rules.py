"""The rule registry and what every rule function is given.

Every rule has a stable code, a kebab-case name, a default severity and a
summary. A rule function takes a :class:`CheckContext` and yields findings;
it only *produces* them (:mod:`traceaudit.trace.checks` decides which rules
run and at what severity). Each message names what is wrong and what to do.
"""

from __future__ import annotations

from collections.abc import Callable
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

_TRACE, _SPEC, _API, _SEC, _READ, _POLICY = (
    "traceability", "spec", "api", "security", "analysis", "policy"
)  # fmt: skip


def _rule(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    description: str,
    fix: str,
    tags: tuple[str, ...],
    security_severity: float | None = None,
) -> Rule:
    return Rule(code, name, severity, summary, description, fix, tags, security_severity)


RULES: tuple[Rule, ...] = (
    _rule(
        "TA000", "parse-error", E, "A Python or Markdown file could not be parsed.",
        "A Python, Markdown or OpenAPI file could not be read or parsed, so its routes, "
        "references or requirements are missing from the audit.",
        "Fix the syntax or the encoding (UTF-8) of the file; the rest of the project is "
        "still audited.",
        (_READ,),
    ),
    _rule(
        "TA001", "unimplemented-requirement", E, "Untraced: no code cites it, no route serves it.",
        "No non-test code cites the requirement (docstring, comment or route metadata), no "
        "live route serves an endpoint it declares or names in its own sentence, and no "
        "multi-hop path (code → task → requirement) reaches it. This says the requirement is "
        "untraced, which is not proof that it is unimplemented. Only for a code item of the "
        "Python backend: never for an item owned outside Python (user interface as its "
        "subject or its place), an integration verification check or a non-regression "
        "check, a requirement on documentation, tests or the repository's layout (its "
        "subject, or for a criterion without a modal its head noun), a quality target, a "
        "tool constraint or an item of a story or feature that is a test campaign in the "
        "field.",
        "Implement it and cite its id in the implementing code's docstring "
        "(`Implements FR-001`), or move it under an Out of Scope heading.",
        (_TRACE, _SPEC),
    ),
    _rule(
        "TA002", "undocumented-endpoint", W, "A live route that no spec documents.",
        "A route that FastAPI would serve, which no spec declares (method and path) and whose "
        "handler cites no spec. Routes with `include_in_schema=False` are not reported.",
        "Declare it in a spec (a heading such as `### GET /health`), or cite the spec section "
        "it implements in the handler's docstring.",
        (_TRACE, _API),
    ),
    _rule(
        "TA003", "dangling-reference", E, "A spec reference in code names nothing that exists.",
        "A reference in code names an id, anchor, title or spec file that no spec defines; the "
        "message suggests the nearest real one.",
        "Correct the reference to an existing id or anchor, or add the missing requirement to "
        "the spec.",
        (_TRACE,),
    ),
    _rule(
        "TA004", "ambiguous-reference", W, "A bare reference that several specs define.",
        "A bare id (`FR-003`) that several spec files define, so the reference cannot be "
        "linked to one of them.",
        "Qualify it with the spec path or feature (`specs/orders/spec.md FR-003`, "
        "`orders FR-003`), or name the spec once in the module (`Spec: specs/orders/spec.md`).",
        (_TRACE,),
    ),
    _rule(
        "TA005", "duplicate-requirement-id", W, "The same id is defined twice in one spec.",
        "Two items of one spec file define the same id, so references to it are ambiguous.",
        "Renumber one of them.",
        (_SPEC,),
    ),
    _rule(
        "TA006", "method-mismatch", W, "Spec and code disagree on an endpoint's method.",
        "The spec declares an endpoint whose path the code serves, but with another HTTP "
        "method.",
        "Make the spec and the route agree on the method.",
        (_API, _SPEC),
    ),
    _rule(
        "TA007", "path-mismatch", W, "Spec and code disagree on an endpoint's path prefix.",
        "The spec declares an endpoint that the code serves under a different version or "
        "`api` prefix.",
        "Write the full path in the spec, or fix the route's prefix.",
        (_API, _SPEC),
    ),
    _rule(
        "TA008", "unserved-endpoint", W, "A declared endpoint that no live route serves.",
        "A declared endpoint that no live route serves. It is reported when its requirement "
        "is otherwise implemented, or when it has none; otherwise TA001 speaks for it.",
        "Add the route, or correct or remove the declaration.",
        (_API, _SPEC),
    ),
    _rule(
        "TA009", "missing-auth", E, "The spec requires auth; the route has no auth dependency.",
        "The spec says the endpoint requires authentication, but no auth dependency (a "
        "`fastapi.security` scheme or a dependency matching `auth-patterns`) guards the "
        "route, on the route, its routers or its app.",
        "Add an auth dependency, e.g. `Depends(get_current_user)`, or correct the spec.",
        (_SEC, _API),
        7.5,
    ),
    _rule(
        "TA010", "unresolved-route-path", N, "Part of a route path cannot be known statically.",
        "Part of a route path is only known at run time (a setting, an environment variable, "
        "a function call), so the full path is shown with a placeholder.",
        'Supply the value in `[tool.traceaudit.values]`: `"settings.API_PREFIX" = "/api"`.',
        (_READ,),
    ),
    _rule(
        "TA011", "unmounted-router", N, "A router or app that no served app reaches.",
        "A router or app that no served app includes or mounts, so its routes are not live.",
        "Include it with `include_router()`, or delete it if it is unused.",
        (_READ,),
    ),
    _rule(
        "TA012", "unresolved-route", N, "A route registration that cannot be resolved.",
        "A route registration that cannot be resolved statically (a router computed at run "
        "time); it is reported, never guessed.",
        "Import the router or app by name instead of computing it at run time.",
        (_READ,),
    ),
    _rule(
        "TA013", "skipped-file", N, "A file that was not read: not a regular file, over a limit.",
        "A file that would be audited was not read: it is not a regular file (a FIFO, socket "
        "or device), a symbolic link loop, a dangling link or a link out of the root, a "
        "folder that cannot be read, or a file over `max-file-size` or `file-time-budget`; "
        "or valid Python that LibCST cannot read, whose references are audited but not its "
        "routes.",
        "Replace it with a regular file inside the project, raise `max-file-size` or "
        "`file-time-budget` if a large file must be audited, or simplify code LibCST cannot "
        "read; `severity = { TA013 = \"error\" }` makes a gate fail on any such file.",
        (_READ,),
    ),
    _rule(
        "TA014", "shadowed-route", W, "A route whose handler never runs: FastAPI's page is first.",
        "A GET route on the path of one of FastAPI's own pages of its app (`/openapi.json`, "
        "`/docs`, `/docs/oauth2-redirect`, `/redoc`, where `openapi_url`, `docs_url` and "
        "`redoc_url` put them): FastAPI adds its pages when the app is built, before any "
        "route of the code, and Starlette runs the first route that matches, so clients get "
        "FastAPI's page and the handler never runs.",
        "Turn FastAPI's page off or move it (`FastAPI(docs_url=None)`, "
        "`FastAPI(docs_url=\"/api/docs\")`) if the handler should answer there, or delete "
        "the handler.",
        (_API,),
    ),
    _rule(
        "TA020", "claimed-but-untraced", W, "A task marked done that no code traces to.",
        "A task ticked done (`[x]`) that names requirements, none of which any code cites, "
        "nor the task itself. A ticked box is a claim, never evidence.",
        "Cite the task or its requirement in the implementing code, or untick it.",
        (_TRACE, _SPEC),
    ),
    _rule(
        "TA021", "implements-out-of-scope", W,
        "Code implements an item the spec puts out of scope.",
        "Code cites, or a route serves, an item that the spec puts under an Out of Scope, "
        "Non-Goals or Future heading.",
        "Remove the code, or bring the item into scope in the spec.",
        (_TRACE, _SPEC),
    ),
    _rule(
        "TA022", "needs-clarification", N, "A requirement still marked [NEEDS CLARIFICATION].",
        "A requirement still marked `[NEEDS CLARIFICATION: …]`.",
        "Settle the question in the spec before it is implemented.",
        (_SPEC,),
    ),
    _rule(
        "TA023", "implemented-while-unclear", W, "Code implements a requirement that is unclear.",
        "Code implements a requirement that the spec still marks unclear: the spec was not "
        "ready when the code was written.",
        "Clarify the spec, then review the code against it.",
        (_TRACE, _SPEC),
    ),
    _rule(
        "TA024", "citation-mismatch", W,
        "A handler cites an item whose endpoints it does not serve.",
        "A route handler cites a spec item that declares endpoints (or a task that names a "
        "route), none of which the handler's routes serve, while each of them is declared on "
        "the handler's own path with another method, or served by another route while the "
        "handler's own route is another item's endpoint: the citation names the wrong item "
        "(`User Story 5`, Delete, on the PATCH handler). Only reported for a citation that "
        "names one item for certain and a handler whose routes are known.",
        "Cite the item the handler implements, or move the citation to the code that "
        "implements the cited item.",
        (_TRACE,),
    ),
    _rule(
        "TA030", "unused-suppression", N, "A suppression or waiver that matches no finding.",
        "An inline `traceaudit: ignore[...]` comment, or a waiver in the configuration, that "
        "matches no finding (the finding was fixed, moved, or the rule is disabled).",
        "Remove it, so that it cannot hide a future finding.",
        (_POLICY,),
    ),
    _rule(
        "TA031", "invalid-suppression", W, "A suppression without a reason or a known rule.",
        "An inline `traceaudit: ignore[...]` comment without a reason after `--`, without "
        "rules in brackets, or naming an unknown rule. It suppresses nothing.",
        "Write it as `# traceaudit: ignore[TA002] -- why it is acceptable` "
        "(`<!-- ... -->` in Markdown).",
        (_POLICY,),
    ),
    _rule(
        "TA032", "expired-waiver", W, "A waiver past its expiry date.",
        "A waiver in the configuration whose `expires` date has passed. It waives nothing "
        "any more: the findings it covered count again.",
        "Fix the findings, or renew the waiver with a new date and reason (and an owner).",
        (_POLICY,),
    ),
)

# Rules that the decision layer (traceaudit.policy) reports, not a check of the graph.
POLICY_RULES = frozenset({"TA030", "TA031", "TA032"})

RULES_BY_CODE = {r.code: r for r in RULES}


@dataclass(frozen=True, slots=True)
class CheckContext:
    graph: TraceGraph
    code: CodeFacts
    requirements: tuple[RequirementResult, ...]
    routes: tuple[RouteResult, ...]
    spec_roots: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...] = ()  # (path, reason): not read at all
    # Where a project document that is not read as a spec defines an id (``"Task 1"``) or,
    # given ``family=True``, an id of a family (``"S3-UNIT-"``): ``("docs/x.md:12", the id
    # as that document writes it)``, or None
    elsewhere: Callable[[str, bool], tuple[str, str] | None] = lambda _text, _family: None


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
