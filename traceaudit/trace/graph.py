"""The trace graph: spec files, sections, requirements, code symbols, routes.

Nodes are strings with a kind prefix (``req:specs/a.md::FR-001``, ``sym:app/x.py:f``,
``route:3``); edges carry a ``rel``. Evidence flows *towards* requirements:

    sym --cites--> req            a docstring or comment names the requirement
    req(task) --implements--> req a task, property or OFT item that covers another item
    route --handled-by--> sym     the route's handler
    route --serves--> ep --declares--> req
                                  the spec declares an endpoint that a live route serves

so a requirement is implemented when a non-test code symbol or a live route
reaches it, however many hops away (code -> task -> requirement counts).

Reference resolution (a bare ``FR-003``, ``billing.md#refund-window``,
``§Refund window``) also lives here: it turns ``RefTarget``s into nodes.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import networkx as nx

from traceaudit.model import (
    CodeRef,
    DeclaredEndpoint,
    Evidence,
    RefKind,
    RefSource,
    RefTarget,
    ReqKind,
    ReqStatus,
    Requirement,
    RequirementResult,
    Route,
    RouteResult,
    Scope,
    Section,
    SpecDoc,
)
from traceaudit.refs import id_prefix

# Relations along which implementation evidence travels towards a requirement.
EVIDENCE_RELS = frozenset({"cites", "implements", "serves", "declares"})
# Spec links through which implementing one item implements another ("depends" does not).
IMPLEMENTING_LINKS = frozenset({"implements", "covers", "validates", "story", "cites"})
# Requirement kinds that are traced but never reported as missing.
INFORMATIONAL_KINDS = frozenset({ReqKind.TASK, ReqKind.STORY, ReqKind.PROPERTY, ReqKind.OUTCOME})


# --------------------------------------------------------------------------
# Paths
# --------------------------------------------------------------------------

_PARAM = re.compile(r"\{[^{}?]*\}|(?<=/):[A-Za-z_][\w]*")
_PLACEHOLDER = re.compile(r"\{\?[^{}]*\}")


def normalize_path(path: str) -> str:
    """Compare paths with parameter names ignored and trailing slashes tolerated."""
    path = _PARAM.sub("{}", path.strip())
    path = re.sub(r"/{2,}", "/", path)
    if len(path) > 1:
        path = path.rstrip("/")
    return path or "/"


def _route_pattern(path: str) -> re.Pattern[str]:
    """A regex for a route path in which ``{?expr}`` placeholders match anything."""
    norm = normalize_path(_PLACEHOLDER.sub("\x00", path))
    parts = [re.escape(p) for p in norm.split("\x00")]
    body = ".*".join(parts)
    return re.compile(body.rstrip("/") if len(body) > 1 else body)


_AFFINITY = {frozenset({"PUT", "PATCH"}): 2, frozenset({"POST", "PUT"}): 1}


def _method_affinity(declared: str, served: tuple[str, ...]) -> int:
    """How likely a served method is what the spec meant by ``declared``."""
    return max((_AFFINITY.get(frozenset({declared, m}), 0) for m in served), default=0)


def _loose(path: str) -> str:
    """A path without version and ``api`` segments, for near-miss suggestions."""
    segs = [s for s in normalize_path(path).split("/") if s and not re.fullmatch(r"v\d+|api", s)]
    return "/" + "/".join(segs)


# --------------------------------------------------------------------------
# Reference resolution
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a reference resolved to."""

    status: str  # "ok", "dangling", "ambiguous", "ignored"
    nodes: tuple[str, ...] = ()  # graph nodes (req:..., sec:..., spec:...)
    candidates: tuple[str, ...] = ()  # for ambiguous: the candidate keys
    suggestion: str | None = None  # for dangling: the nearest real id or anchor


# "Requirement 3" or a localised "需求 3" (Kiro numbers requirements, not ids).
_NAMED_REQUIREMENT = r"(?:Requirement\s+|[^\x00-\x7F]+\s*)"


# What a reference calls the item narrows down which kind of item it means.
_HINT_KINDS = {
    "requirement": (ReqKind.CRITERION, ReqKind.REQUIREMENT),
    "task": (ReqKind.TASK,),
    "story": (ReqKind.STORY,),
    "property": (ReqKind.PROPERTY,),
}


def _norm_title(text: str) -> str:
    text = re.sub(r"^\s*\d+(?:\.\d+)*\.?\s+", "", text)
    return re.sub(r"\s+", " ", re.sub(r"[*_`]", "", text)).strip().lower()


@dataclass
class SpecIndex:
    """Look-ups over every parsed spec."""

    docs: Sequence[SpecDoc]
    by_key: dict[str, Requirement] = field(default_factory=dict)
    by_id: dict[str, list[Requirement]] = field(default_factory=lambda: defaultdict(list))
    sections: dict[tuple[str, str], Section] = field(default_factory=dict)
    section_req: dict[tuple[str, str], Requirement] = field(default_factory=dict)
    prefixes: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        for doc in self.docs:
            for sec in doc.sections:
                self.sections[(doc.path, sec.anchor)] = sec
            for req in doc.requirements:
                self.by_key[req.key] = req
                self.by_id[req.id].append(req)
                if req.kind is not ReqKind.SECTION:
                    self.prefixes.add(id_prefix(req.id))
                heading = self.sections.get((doc.path, req.anchor))
                if heading is not None and heading.location.line == req.location.line:
                    self.section_req[(doc.path, req.anchor)] = req

    @property
    def spec_paths(self) -> list[str]:
        return [d.path for d in self.docs]

    def files_matching(self, written: str) -> list[str]:
        """Spec files that a path written in a reference can mean (suffix match)."""
        parts = [p for p in PurePosixPath(written).parts if p not in {".", ".."}]
        if not parts:
            return []
        tail = "/".join(parts)
        return [p for p in self.spec_paths if p == tail or p.endswith("/" + tail)]

    def files_for_feature(self, word: str) -> list[str]:
        """Spec files in a feature folder named by ``word`` (``orders`` -> specs/001-orders/)."""
        word = word.lower()
        hits = []
        for path in self.spec_paths:
            folders = [f.lower() for f in PurePosixPath(path).parts[:-1]]
            if any(f == word or re.fullmatch(rf"\d+[-_]{re.escape(word)}", f) for f in folders):
                hits.append(path)
        return hits

    def resolve(self, target: RefTarget, context: Sequence[str] = ()) -> Resolution:
        """Resolve a reference; ``context`` lists spec files named nearby."""
        if target.hint == "feature":
            files = self.files_for_feature(target.value)
            if not files:
                return Resolution("ignored")  # "Feature:" may just be prose
            return Resolution("ok", tuple(f"spec:{p}" for p in files))
        scope: list[str] | None = None
        if target.spec is not None:
            scope = self.files_matching(target.spec)
            if not scope:
                near = difflib.get_close_matches(
                    PurePosixPath(target.spec).name,
                    [PurePosixPath(p).name for p in self.spec_paths],
                )
                return Resolution("dangling", suggestion=near[0] if near else None)
        if target.kind is RefKind.FILE:
            assert scope is not None
            return self._pick([f"spec:{p}" for p in scope], scope)
        if target.kind is RefKind.ANCHOR:
            return self._resolve_anchor(target.value, scope or self.spec_paths)
        if target.kind is RefKind.TITLE:
            return self._resolve_title(target.value, scope, context)
        if target.kind is RefKind.NUMBER:
            files = scope or self.spec_paths
            nodes = [
                self._section_node(p, a)
                for (p, a), s in sorted(self.sections.items())
                if p in files and s.number == target.value
            ]
            return self._narrow(nodes, context, target) if nodes else Resolution("dangling")
        return self._resolve_id(target, scope, context)

    def _section_node(self, path: str, anchor: str) -> str:
        req = self.section_req.get((path, anchor))
        return f"req:{req.key}" if req is not None else f"sec:{path}#{anchor}"

    def _pick(self, nodes: list[str], files: Sequence[str]) -> Resolution:
        if len(nodes) == 1:
            return Resolution("ok", (nodes[0],))
        return Resolution("ambiguous", candidates=tuple(sorted(files)))

    def _resolve_anchor(self, anchor: str, files: Sequence[str]) -> Resolution:
        nodes = [self._section_node(p, anchor) for p in files if (p, anchor) in self.sections]
        if len(nodes) == 1:
            return Resolution("ok", (nodes[0],))
        if nodes:
            return Resolution(
                "ambiguous", candidates=tuple(sorted(n.split(":", 1)[1] for n in nodes))
            )
        anchors = sorted({a for (p, a) in self.sections if p in files})
        near = difflib.get_close_matches(anchor, anchors, n=1, cutoff=0.6)
        return Resolution("dangling", suggestion=f"#{near[0]}" if near else None)

    def _resolve_title(
        self, title: str, scope: list[str] | None, context: Sequence[str]
    ) -> Resolution:
        want = _norm_title(title)
        files = scope or self.spec_paths
        exact: list[str] = []
        prefix: list[tuple[int, str]] = []
        for (path, anchor), sec in sorted(self.sections.items()):
            if path not in files:
                continue
            have = _norm_title(sec.title)
            if not have:
                continue
            if have == want:
                exact.append(self._section_node(path, anchor))
            elif want.startswith(have + " "):
                prefix.append((len(have), self._section_node(path, anchor)))
        nodes = exact
        if not nodes and prefix:
            longest = max(n for n, _ in prefix)
            nodes = [node for n, node in prefix if n == longest]
        if nodes:
            return self._narrow(nodes, context, None)
        titles = sorted({s.title for (p, _), s in self.sections.items() if p in files})
        near = difflib.get_close_matches(title, titles, n=1, cutoff=0.6)
        return Resolution("dangling", suggestion=f"§{near[0]}" if near else None)

    def _resolve_id(
        self, target: RefTarget, scope: list[str] | None, context: Sequence[str]
    ) -> Resolution:
        reqs = [
            r for r in self.by_id.get(target.value, []) if scope is None or r.spec_path in scope
        ]
        numbered = re.fullmatch(_NAMED_REQUIREMENT + r"(\d+)", target.value)
        if target.hint == "requirement" and numbered:
            # "Requirement 3" also names a localised heading ("需求 3") and vice versa.
            reqs += [
                r
                for ident, rs in sorted(self.by_id.items())
                if ident != target.value and re.fullmatch(_NAMED_REQUIREMENT + numbered[1], ident)
                for r in rs
                if r.kind is ReqKind.REQUIREMENT and (scope is None or r.spec_path in scope)
            ]
        wanted = _HINT_KINDS.get(target.hint or "")
        if wanted:
            reqs = [r for r in reqs if r.kind in wanted] or reqs
        if not reqs:
            same_family = [
                i
                for i in self.by_id
                if id_prefix(i) == id_prefix(target.value)
                and (scope is None or any(r.spec_path in scope for r in self.by_id[i]))
            ]
            near = difflib.get_close_matches(target.value, sorted(same_family), n=1, cutoff=0.5)
            return Resolution("dangling", suggestion=near[0] if near else None)
        nodes = [f"req:{r.key}" for r in reqs]
        if len(nodes) == 1:
            return Resolution("ok", tuple(nodes))
        if target.qualifier:
            feature = set(self.files_for_feature(target.qualifier))
            narrowed = [f"req:{r.key}" for r in reqs if r.spec_path in feature]
            if len(narrowed) == 1:
                return Resolution("ok", tuple(narrowed))
        return self._narrow(nodes, context, target)

    def _narrow(
        self, nodes: list[str], context: Sequence[str], target: RefTarget | None
    ) -> Resolution:
        """Settle several candidates by the spec files named nearby, else ambiguous."""
        if len(nodes) == 1:
            return Resolution("ok", tuple(nodes))
        if context:
            folders = {str(PurePosixPath(c).parent) for c in context}
            near = [n for n in nodes if _node_spec(n) in context]
            if not near:
                near = [n for n in nodes if str(PurePosixPath(_node_spec(n)).parent) in folders]
            if len(near) == 1:
                return Resolution("ok", (near[0],))
        return Resolution("ambiguous", candidates=tuple(sorted(nodes)))

    def is_reference_family(self, target: RefTarget) -> bool:
        """Whether a bare id belongs to an id family the specs use (``FR-``, ``T``)."""
        return id_prefix(target.value) in self.prefixes


_NUMBERED = re.compile(r"\d+(?:\.\d+)*")


def _block(ref: CodeRef) -> tuple[str, ...]:
    """The text a reference was written in: its docstring, else its line."""
    if ref.source is RefSource.DOCSTRING:
        return (ref.location.path, ref.symbol, ref.source.value)
    return (ref.location.path, str(ref.location.line))


def _node_spec(node: str) -> str:
    """The spec file of a req:/sec:/spec: node."""
    body = node.split(":", 1)[1]
    if node.startswith("req:"):
        return body.split("::", 1)[0].split("#", 1)[0]
    if node.startswith("sec:"):
        return body.split("#", 1)[0]
    return body


# --------------------------------------------------------------------------
# The graph
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinkedRef:
    ref: CodeRef
    resolution: Resolution


@dataclass(frozen=True, slots=True)
class EndpointMatch:
    """How a declared endpoint relates to the live routes."""

    endpoint: DeclaredEndpoint
    exact: tuple[int, ...]  # indexes of routes serving it
    method_mismatch: tuple[int, ...]  # same path, other method
    path_mismatch: tuple[int, ...]  # same method, path differs only in version/api segments


class TraceGraph:
    """The trace graph plus the queries the checks and reports need."""

    def __init__(
        self,
        docs: Sequence[SpecDoc],
        refs: Sequence[CodeRef],
        routes: Sequence[Route],
    ) -> None:
        self.index = SpecIndex(docs)
        self.docs = tuple(docs)
        self.all_endpoints = tuple(ep for doc in self.docs for ep in doc.endpoints)
        self.routes = tuple(routes)
        self.g: nx.DiGraph[str] = nx.DiGraph()
        self._evidence_view: nx.DiGraph[str] | None = None
        self._build_specs()
        self.linked = self._link_refs(refs)
        self.endpoint_matches = self._link_endpoints()
        for i, route in enumerate(self.routes):
            self.g.add_edge(f"route:{i}", f"sym:{route.handler}", rel="handled-by")

    # -- building ---------------------------------------------------------

    def _build_specs(self) -> None:
        for doc in self.docs:
            self.g.add_node(f"spec:{doc.path}", kind="spec")
            for sec in doc.sections:
                self.g.add_edge(f"spec:{doc.path}", f"sec:{doc.path}#{sec.anchor}", rel="contains")
            for req in doc.requirements:
                self.g.add_node(f"req:{req.key}", kind="req")
                self.g.add_edge(f"sec:{doc.path}#{req.anchor}", f"req:{req.key}", rel="contains")
            for link in doc.links:
                if link.relation not in IMPLEMENTING_LINKS:
                    continue
                res = self.index.resolve(link.target, (doc.path,))
                if res.status != "ok":
                    continue
                for node in res.nodes:
                    if node.startswith("req:") and node != f"req:{link.source_key}":
                        self.g.add_edge(
                            f"req:{link.source_key}", node, rel="implements", via=link.relation
                        )

    def _link_refs(self, refs: Sequence[CodeRef]) -> tuple[LinkedRef, ...]:
        """Resolve every reference, in the order the issue gives.

        1. a path written in the reference; 2. a spec or feature the module names
        elsewhere (a path, ``Feature: x``), or the one feature that the other,
        unambiguous ids of the same docstring or comment line belong to
        (``Requirements: 8.2, 29.1`` where only one feature has a 29.1) -- for
        Kiro-style numbers, of the same module; 3. the only definition.
        Anything else stays ambiguous (TA004).
        """
        named: dict[str, set[str]] = defaultdict(set)
        for ref in refs:
            if ref.target.hint == "feature":
                named[ref.location.path].update(self.index.files_for_feature(ref.target.value))
            elif ref.target.spec is not None:
                named[ref.location.path].update(self.index.files_matching(ref.target.spec))
        first: list[Resolution] = []
        # spec folders of the unambiguous ids, per docstring/line and per module
        features: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for ref in refs:
            context = tuple(sorted(named[ref.location.path] | set(ref.context_specs)))
            res = self.index.resolve(ref.target, context)
            first.append(res)
            if res.status == "ok" and ref.target.kind is RefKind.ID and not context:
                folders = {str(PurePosixPath(_node_spec(n)).parent) for n in res.nodes}
                features[_block(ref)].update(folders)
                features[(ref.location.path,)].update(folders)
        out: list[LinkedRef] = []
        for ref, res in zip(refs, first, strict=True):
            implied = features.get(_block(ref), set())
            if not implied and _NUMBERED.fullmatch(ref.target.value):
                # Kiro numbers (1.1, 2.3) restart in every feature and code has no other
                # way to say which one: the module's own unambiguous numbers tell.
                implied = features.get((ref.location.path,), set())
            if res.status == "ambiguous" and len(implied) == 1:
                (folder,) = implied
                files = [p for p in self.index.spec_paths if str(PurePosixPath(p).parent) == folder]
                retry = self.index.resolve(ref.target, tuple(files))
                if retry.status == "ok":
                    res = retry
            out.append(LinkedRef(ref, res))
            if res.status != "ok":
                continue
            sym = f"sym:{ref.symbol}"
            self.g.add_node(sym, kind="test" if ref.is_test else "sym")
            for node in res.nodes:
                self.g.add_edge(sym, node, rel="cites", ref=ref)
        return tuple(out)

    def _link_endpoints(self) -> tuple[EndpointMatch, ...]:
        patterns = [_route_pattern(r.path) for r in self.routes]
        endpoints = self.all_endpoints
        same_path: list[list[int]] = []
        exact: list[tuple[int, ...]] = []
        claimed: set[int] = set()  # routes that some declaration matches exactly
        for ep in endpoints:
            norm = normalize_path(ep.path)
            same = [i for i, p in enumerate(patterns) if p.fullmatch(norm)]
            hits = tuple(i for i in same if ep.method in self.routes[i].methods)
            same_path.append(same)
            exact.append(hits)
            claimed.update(hits)
        # A route on a declared path with an undeclared method is the near miss of
        # exactly one unserved declaration there: the one whose method is closest.
        near: dict[int, list[int]] = defaultdict(list)
        for i, route in enumerate(self.routes):
            if i in claimed:
                continue
            wanting = [ei for ei in range(len(endpoints)) if not exact[ei] and i in same_path[ei]]
            if wanting:
                best = max(
                    wanting,
                    key=lambda ei: (_method_affinity(endpoints[ei].method, route.methods), -ei),
                )
                near[best].append(i)
        matches: list[EndpointMatch] = []
        for ei, ep in enumerate(endpoints):
            method_mm: tuple[int, ...] = ()
            path_mm: tuple[int, ...] = ()
            if not exact[ei]:
                method_mm = tuple(near.get(ei, ()))
                loose = _loose(ep.path)
                if not same_path[ei] and loose != "/":
                    path_mm = tuple(
                        i
                        for i, r in enumerate(self.routes)
                        if i not in claimed and ep.method in r.methods and _loose(r.path) == loose
                    )
            node = f"ep:{ei}"
            self.g.add_node(node, kind="endpoint")
            if ep.requirement_key is not None:
                self.g.add_edge(node, f"req:{ep.requirement_key}", rel="declares")
            # A near miss still serves the endpoint (TA006/TA007 report the difference),
            # so one gap gives one finding, not an extra "unimplemented".
            for i in exact[ei] + method_mm + path_mm:
                self.g.add_edge(f"route:{i}", node, rel="serves")
            matches.append(EndpointMatch(ep, exact[ei], method_mm, path_mm))
        return tuple(matches)

    # -- queries ----------------------------------------------------------

    def _evidence_sources(self, node: str) -> list[list[str]]:
        """Shortest evidence paths (source first) from code or routes to ``node``."""
        if self._evidence_view is None:
            evidence: nx.DiGraph[str] = nx.DiGraph()
            evidence.add_edges_from(
                (u, v) for u, v, d in self.g.edges(data=True) if d.get("rel") in EVIDENCE_RELS
            )
            self._evidence_view = evidence
        if node not in self._evidence_view:
            return []
        paths = nx.single_target_shortest_path(self._evidence_view, node)
        return [
            p
            for src, p in sorted(paths.items())
            if src != node and (src.startswith("sym:") or src.startswith("route:"))
        ]

    def _evidence(self, path: list[str]) -> Evidence:
        src = path[0]
        hops = [n for n in path[1:-1] if n.startswith("req:")]
        hop_text = ", ".join(n.split("::", 1)[-1] for n in hops)
        if src.startswith("route:"):
            route = self.routes[int(src.split(":")[1])]
            method = "/".join(route.methods)
            ep_node = next((n for n in path if n.startswith("ep:")), None)
            via = f"endpoint {method} {route.path}"
            kind = "endpoint"
            if ep_node is not None:
                ep = self.all_endpoints[int(ep_node.split(":")[1])]
                if ep.method not in route.methods:
                    via += f" (spec says {ep.method})"
                elif normalize_path(ep.path) != normalize_path(
                    route.path
                ) and not _PLACEHOLDER.search(route.path):
                    via += f" (spec says {ep.path})"
            if hop_text:
                via += f" via {hop_text}"
            return Evidence(route.location, route.handler, via, kind)
        edge = self.g.edges[path[0], path[1]]
        ref: CodeRef = edge["ref"]
        via = ref.source.value
        kind = "test" if ref.is_test else "reference"
        if hop_text:
            via = f"via {hop_text}"
            kind = "test" if ref.is_test else "transitive"
        return Evidence(ref.location, ref.symbol, via, kind)

    def requirement_results(self) -> tuple[RequirementResult, ...]:
        """Each requirement with its status, evidence and the routes that serve it."""
        handlers: dict[str, list[Route]] = defaultdict(list)
        for route in self.routes:
            handlers[route.handler].append(route)
        results: list[RequirementResult] = []
        for doc in self.docs:
            for req in doc.requirements:
                paths = self._evidence_sources(f"req:{req.key}")
                evidence = sorted(
                    {self._evidence(p) for p in paths}, key=lambda e: (e.location, e.symbol, e.via)
                )
                impl = tuple(e for e in evidence if e.kind != "test")
                tests = tuple(e for e in evidence if e.kind == "test")
                served = [self.routes[int(p[0][6:])] for p in paths if p[0].startswith("route:")]
                served += [r for e in impl for r in handlers.get(e.symbol, [])]
                routes = sorted({f"{m} {r.path}" for r in served for m in r.methods})
                results.append(
                    RequirementResult(req, _status(req, bool(impl)), impl, tests, tuple(routes))
                )
        return tuple(results)

    def linked_requirements(self, key: str) -> list[str]:
        """Requirement keys that a spec item (a task, a property) links to."""
        node = f"req:{key}"
        if node not in self.g:
            return []
        return sorted(
            v[4:]
            for _, v, data in self.g.out_edges(node, data=True)
            if data.get("rel") == "implements" and v.startswith("req:")
        )

    def route_results(self) -> tuple[RouteResult, ...]:
        """Each route with whether the spec documents it and which requirements it serves.

        A near miss (the spec declares another method or prefix; TA006/TA007 say
        so) documents the route too: one discrepancy, one finding.
        """
        out: list[RouteResult] = []
        for i, route in enumerate(self.routes):
            by: set[str] = set()
            reqs: set[str] = set()
            for m in self.endpoint_matches:
                ep = m.endpoint
                if i in m.exact:
                    by.add(str(ep.location))
                elif i in m.method_mismatch or i in m.path_mismatch:
                    by.add(f"{ep.location} (declared as {ep.method} {ep.path})")
                else:
                    continue
                if ep.requirement_key:
                    reqs.add(ep.requirement_key)
            sym = f"sym:{route.handler}"
            if sym in self.g:
                for _, target, data in self.g.out_edges(sym, data=True):
                    if data.get("rel") != "cites":
                        continue
                    ref: CodeRef = data["ref"]
                    by.add(f"{ref.source.value} {ref.target.text or ref.target.value}")
                    if target.startswith("req:"):
                        reqs.add(target[4:])
            out.append(RouteResult(route, bool(by), tuple(sorted(by)), tuple(sorted(reqs))))
        return tuple(out)


def _status(req: Requirement, implemented: bool) -> ReqStatus:
    if req.scope is Scope.OUT_OF_SCOPE:
        return ReqStatus.OUT_OF_SCOPE
    if req.scope is Scope.NOT_BACKEND:
        return ReqStatus.NOT_BACKEND
    if implemented:
        return ReqStatus.IMPLEMENTED
    if req.needs_clarification:
        return ReqStatus.NEEDS_CLARIFICATION
    if req.kind in INFORMATIONAL_KINDS:
        return ReqStatus.INFORMATIONAL
    return ReqStatus.UNIMPLEMENTED
