"""Rules about requirements and their claims: TA001, TA020, TA021, TA022, TA023.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from traceaudit.model import CodeRef, Finding, ReqKind, ReqStatus, Requirement, Scope
from traceaudit.trace.paths import normalize_path, paths_written
from traceaudit.trace.rules import CheckContext, finding, route_name, short


def unimplemented_requirement(ctx: CheckContext) -> Iterator[Finding]:
    declared: dict[str, list[str]] = {}
    for ep in ctx.graph.all_endpoints:
        if ep.requirement_key is not None:
            declared.setdefault(ep.requirement_key, []).append(f"{ep.method} {ep.path}")
    untraced = [
        res.requirement for res in ctx.requirements if res.status is ReqStatus.UNIMPLEMENTED
    ]
    parents = {r.parent_key for r in untraced if r.parent_key is not None}
    index = ctx.graph.index.by_key
    listed = _listed_by(ctx)  # requirement -> the stories that list it as their own
    parent_cited = _first_citations(
        ctx, parents | {k for r in untraced for k in listed.get(r.key, ())}
    )
    for req in untraced:
        name = req.id if req.id != req.anchor else req.title
        title = f" ({short(req.title)})" if req.title and req.title != name else ""
        endpoints = list(dict.fromkeys(declared.get(req.key, [])))  # restated: named once
        served = f" and no live route serves {', '.join(endpoints)}" if endpoints else ""
        cite = f"`{req.id}`" if req.id != req.anchor else f"`{req.spec_path}#{req.anchor}`"
        # What is known is that nothing traces to it, not that it is missing: code may
        # implement it without saying so.
        where = "in that code's docstring"
        unit = ""
        parent = index.get(req.parent_key) if req.parent_key is not None else None
        ref = parent_cited.get(parent.key) if parent is not None else None
        if parent is not None and ref is not None:
            # Code that cites the story claims the story, not which of its criteria it
            # covers: say so, and point at the citation a reviewer would check first.
            unit = (
                f" on its own (code cites `{parent.id}`, which holds it, at "
                f"`{ref.location.path}:{ref.location.line}`, without saying which of its "
                "items it covers)"
            )
            where = "there or where it is implemented"
        else:
            listing = [(parent_cited[k], index[k]) for k in listed.get(req.key, ())
                       if k in parent_cited and k in index]  # fmt: skip
            if listing:
                ref, story = min(listing, key=lambda p: (p[0].location.path, p[0].location.line))
                unit = (
                    f" on its own (code cites `{story.id}`, which lists it, at "
                    f"`{ref.location.path}:{ref.location.line}`, without saying which of its "
                    "items it covers)"
                )
                where = "there or where it is implemented"
        yield finding(
            "TA001",
            f"{name}{title} is untraced: no code cites it{unit}{served}; if code implements "
            f"it, cite {cite} {where}, else implement it or move it under an Out of "
            "Scope heading",
            req.location,
            req.key,
        )


def _listed_by(ctx: CheckContext) -> dict[str, list[str]]:
    """Each requirement's keys of the items that list it as their own (``lists`` links:
    a story that restates the product's requirements it covers)."""
    out: dict[str, list[str]] = {}
    index = ctx.graph.index.by_key
    for doc in ctx.graph.docs:
        for link in doc.links:
            if link.relation != "lists" or link.target.spec is None:
                continue
            key = f"{link.target.spec}::{link.target.value}"
            if key in index and link.source_key not in out.setdefault(key, []):
                out[key].append(link.source_key)
    return out


def _first_citations(ctx: CheckContext, keys: set[str]) -> dict[str, CodeRef]:
    """The first non-test Python citation of each of ``keys``, by file and line."""
    first: dict[str, CodeRef] = {}
    if not keys:
        return first
    for ref, key in _citations_of(ctx, keys):
        if ref.language != "python":
            continue
        here = (ref.location.path, ref.location.line)
        best = first.get(key)
        if best is None or here < (best.location.path, best.location.line):
            first[key] = ref
    return first


# A task whose work is a route ("Create /users/me/stats endpoint", "Register the orgs
# router in main.py"): a live route serving its requirement's endpoint shows it. A route
# that only receives the work ("Add JWT validation to all mastery endpoints") does not.
_ROUTE_WORK = re.compile(r"(?i)\b(?:end-?points?|routes?|routers?|websockets?)\b")
_OBJECT_END = re.compile(
    r"(?i)\s(?:for|to|in|into|on|of|with|across|throughout|from|via|using|at|within)\s"
)


_WRITES_TESTS = re.compile(
    r"(?i)^(?:\W*)(?:(?:write|create|add|implement|build)\b[^.;:]*?\b(?:tests?|test\s+suite|specs?)"
    r"\b|tests?\b)"
)
_TEST_FILE = re.compile(r"(?:^|/)(?:test_[^/]*|[^/]*_test\.py|conftest\.py)$|(?:^|/)tests?/")
# A class or function as a task names it: ``AnalysisResult``, ``calculate_job_match_score``.
_SYMBOL_NAME = re.compile(
    r"\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+\b|\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"
)


def _writes_tests(title: str, named: list[tuple[str, bool]]) -> bool:
    """Whether a task's work is tests: its title says so, or it names only test files."""
    files = [t for t, _ in named]
    return bool(_WRITES_TESTS.match(title)) or (
        bool(files) and all(_TEST_FILE.search(t.lstrip("./")) for t in files)
    )


def _words(text: str) -> set[str]:
    split = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text).lower()
    return {w[:-1] if w.endswith("s") else w for w in re.findall(r"[a-z]{4,}", split)}


def _story_cited_at_work(ctx: CheckContext, story: str, task: Requirement) -> bool:
    """Whether Python code cites the story at a class or function the task names, in words
    that speak of the task's work (two content words in common: "# New skill scoring fields
    (Story 5.3)" in class AnalysisResult, for "Update AnalysisResult Schema / Add
    skill_breakdown field"), not in passing ("will be populated by Story 3.2")."""
    text = f"{task.title}\n{task.text}"
    symbols = set(_SYMBOL_NAME.findall(text))
    words = _words(text) - _FILLER
    for linked in ctx.graph.linked:
        ref = linked.ref
        if ref.is_test or ref.language != "python" or linked.resolution.status != "ok":
            continue
        if f"req:{story}" not in linked.resolution.nodes or _symbol_name(ref.symbol) not in symbols:
            continue
        if len((_words(ref.text) - _FILLER) & words) >= 2:
            return True
    return False


_FILLER = frozenset(
    {"story", "task", "with", "from", "this", "that", "will", "added", "when", "then",
     "update", "create", "implement", "model", "schema", "should", "must"}
)  # fmt: skip


def _symbol_name(symbol: str) -> str:
    """``backend/app/ai/schemas.py:AnalysisResult.validate`` -> ``AnalysisResult``."""
    _, _, name = symbol.rpartition(":")
    return name.split(".")[0] if name and "/" not in name else ""


def short_list(items: list[str], limit: int = 2) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _makes_route(title: str) -> bool:
    cut = _OBJECT_END.search(title)
    return bool(_ROUTE_WORK.search(title[: cut.start()] if cut else title))


def _serves_named_paths(ctx: CheckContext, req: Requirement) -> bool:
    """Whether every route path a task's title writes is served, by any method, by a
    live route (the full route path ends with it: the task writes it below the app's
    prefix), in the Python file the task names when it names one."""
    paths = [(method, normalize_path(path)) for method, path in paths_written(req.title)]
    paths = [(method, p) for method, p in paths if p != "/"]
    if not paths:
        return False
    named = [t.lstrip("./") for t, _ in ctx.graph.ownership.python_files_named(req)]

    def in_named(path: str) -> bool:
        return not named or any(path == n or path.endswith("/" + n) for n in named)

    served = [
        (r.methods, normalize_path(r.path)) for r in ctx.graph.routes if in_named(r.location.path)
    ]
    return all(
        any(s.endswith(p) and (method is None or method in ms) for ms, s in served)
        for method, p in paths
    )


def claimed_but_untraced(ctx: CheckContext) -> Iterator[Finding]:
    by_key = {r.requirement.key: r for r in ctx.requirements}
    for res in ctx.requirements:
        req = res.requirement
        if req.kind is not ReqKind.TASK or not req.claimed_done or res.implemented_by:
            continue
        if res.owner is not None:
            continue  # code outside Python owns it, or it is not a code item (res.note says)
        targets = ctx.graph.linked_requirements(req.key)
        unlinked = ctx.graph.unlinked.get(req.key, [])
        # Its requirements cited by Python code vouch for a Python task. A frontend
        # comment citing them says nothing of the backend's work; nor does a citation of
        # a sibling task, or a route that serves their endpoint (unless the task's work
        # is a route): they trace the requirement, not this task's own work.
        if any(e.location.path not in ctx.graph.check_scripts for e in res.verified_by):
            continue  # a test cites the task: the claim is traced to the test
        if _serves_named_paths(ctx, req):
            continue  # the routes it names, written without a method, are live
        routes_vouch = _makes_route(req.title)
        if not (targets or unlinked):
            continue  # a task that names no requirement (setup, chores) traces nothing
        # A task that writes tests is traced by a test citing its requirements or its
        # story ("Write property test for volume filter / Validates: Requirements 1.2" and
        # the test's "Validates: Requirements 1.2"; "Test Dapr integration health check
        # (test_basic.py)" where test_basic.py says "Test for US1"). For other tasks a test
        # shows the requirement checked, not their own code cited: the message says so.
        named = ctx.graph.ownership.python_files_named(req)
        req_tests = [
            e for t in targets if t in by_key for e in by_key[t].verified_by
            if e.location.path not in ctx.graph.check_scripts
        ]  # fmt: skip
        story = by_key.get(req.parent_key or "")
        story_tests = [
            e for e in (story.verified_by if story is not None else ())
            if story is not None and story.requirement.kind is ReqKind.STORY
            and e.location.path not in ctx.graph.check_scripts
        ]  # fmt: skip
        testing = req_tests + story_tests
        if testing and _writes_tests(req.title, named):
            continue
        # the story it belongs to, cited in a file the task names ("In jobs/services.py,
        # create ..." where jobs/services.py says "Story 5.7: ...") or at a class or function
        # the task names ("Update AnalysisResult Schema" where class AnalysisResult holds
        # "# New skill scoring fields (Story 5.3)"): the reviewer opens it and finds the trace
        opened = {t.lstrip("./") for t, exists in named if exists}
        in_named = story is not None and (
            any(
                e.kind == "reference"
                and any(e.location.path == n or e.location.path.endswith("/" + n) for n in opened)
                for e in story.implemented_by
            )
            or _story_cited_at_work(ctx, story.requirement.key, req)
        )
        if in_named or any(
            ctx.graph.cited_by_python(t)
            or (routes_vouch and any(e.kind == "endpoint" for e in by_key[t].implemented_by))
            for t in targets if t in by_key
        ):  # fmt: skip
            continue
        names = ", ".join(
            [by_key[t].requirement.id for t in targets if t in by_key]
            + [f"{u}, which its feature does not define" for u in dict.fromkeys(unlinked)]
        )
        about = f" nor its requirements ({names})"
        code = "code"
        if testing:
            # only tests cite them: say so, and where, rather than "no code cites it"
            code = "implementing code"
            where = sorted({str(e.location) for e in testing})
            cited = "them" if req_tests else "its story"
            about += f"; only tests cite {cited} ({short_list(where)})"
        # The files the task names are what a reviewer opens first: say what they show.
        there = [p for p, exists in named if exists]
        missing = [p for p, exists in named if not exists]
        if missing:
            verb = "does" if len(missing) == 1 else "do"
            what = f"names {', '.join(missing[:2])}, which {verb} not exist, and "
            fix = "check that the work was done, then cite the task in the code that does it"
        elif there:
            verb = "exists" if len(there) == 1 else "exist"
            what = f"names {', '.join(there[:2])}, which {verb}, but "
            fix = f"cite the task or its requirement in {there[0]} (or where it is implemented)"
        else:
            what, fix = "", "cite the task or its requirement in the implementing code"
        yield finding(
            "TA020",
            f"task {req.id} is marked done and {what}no {code} cites it{about}; {fix}, or untick "
            "it",
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
        yield finding(
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
                yield finding(
                    "TA021",
                    f"{route_name(ctx, i)} serves an endpoint that {m.endpoint.location} puts out "
                    "of scope; remove the route, or bring the endpoint into scope in the spec",
                    route.location,
                    route_name(ctx, i),
                )


def needs_clarification(ctx: CheckContext) -> Iterator[Finding]:
    for res in ctx.requirements:
        req = res.requirement
        if req.needs_clarification and req.scope is Scope.IN_SCOPE:
            yield finding(
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
        yield finding(
            "TA023",
            f"{ref.symbol} implements {req.id}, which the spec still marks [NEEDS CLARIFICATION] "
            f"({req.spec_path}:{req.location.line}); clarify the spec, then review this code",
            ref.location,
            key,
        )
