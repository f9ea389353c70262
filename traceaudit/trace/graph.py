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

References are resolved to nodes by :mod:`traceaudit.trace.index`; paths are
matched by :mod:`traceaudit.trace.paths`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

import networkx as nx

from traceaudit.model import (
    CodeRef,
    DeclaredEndpoint,
    Evidence,
    RefKind,
    RefSource,
    ReqKind,
    ReqStatus,
    Requirement,
    RequirementResult,
    Route,
    RouteResult,
    Scope,
    SpecDoc,
)
from traceaudit.trace.declared import resolve_declared
from traceaudit.trace.index import Resolution, SpecIndex, node_spec
from traceaudit.trace.paths import (
    PLACEHOLDER,
    loose_path,
    method_affinity,
    normalize_path,
    route_pattern,
)

# Relations along which implementation evidence travels towards a requirement.
EVIDENCE_RELS = frozenset({"cites", "implements", "serves", "declares"})


# Spec links through which implementing one item implements another ("depends" does not).
IMPLEMENTING_LINKS = frozenset({"implements", "covers", "validates", "story", "cites"})


# Requirement kinds that are traced but never reported as missing.
INFORMATIONAL_KINDS = frozenset({ReqKind.TASK, ReqKind.STORY, ReqKind.PROPERTY, ReqKind.OUTCOME})


_NUMBERED = re.compile(r"\d+(?:\.\d+)*")


def _block(ref: CodeRef) -> tuple[str, ...]:
    """The text a reference was written in: its docstring, else its line."""
    if ref.source is RefSource.DOCSTRING:
        return (ref.location.path, ref.symbol, ref.source.value)
    return (ref.location.path, str(ref.location.line))


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
        # paths the spec writes relative to a base or a router, placed against the routes
        placed = resolve_declared([ep for doc in self.docs for ep in doc.endpoints], routes)
        self.all_endpoints = tuple(ep for ep, _ in placed)
        self._placed = frozenset(i for i, (_, moved) in enumerate(placed) if moved)
        # Endpoints that reports and notes name: they document a route, declare nothing.
        self.mentions = tuple(ep for doc in self.docs for ep in doc.mentions)
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
                folders = {str(PurePosixPath(node_spec(n)).parent) for n in res.nodes}
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
        patterns = [route_pattern(r.path) for r in self.routes]
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
            if len(same_path) - 1 not in self._placed:
                # A route matched only once a base or a router placed the path does not
                # keep other declarations from being its near miss (another spec may
                # write that path with a wrong prefix).
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
                    key=lambda ei: (method_affinity(endpoints[ei].method, route.methods), -ei),
                )
                near[best].append(i)
        matches: list[EndpointMatch] = []
        for ei, ep in enumerate(endpoints):
            method_mm: tuple[int, ...] = ()
            path_mm: tuple[int, ...] = ()
            if not exact[ei]:
                method_mm = tuple(near.get(ei, ()))
                loose = loose_path(ep.path)
                if not same_path[ei] and loose != "/":
                    path_mm = tuple(
                        i
                        for i, r in enumerate(self.routes)
                        if i not in claimed
                        and ep.method in r.methods
                        and loose_path(r.path) == loose
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
                ) and not PLACEHOLDER.search(route.path):
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
        so) documents the route too: one discrepancy, one finding. So does a mention
        in a document that declares nothing (a report, research notes, a quick start):
        a reader finds the route described there.
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
            if not by:
                norm = route_pattern(route.path)
                by.update(
                    f"{ep.location} (mentioned)"
                    for ep in self.mentions
                    if ep.method in route.methods and norm.fullmatch(normalize_path(ep.path))
                )
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
