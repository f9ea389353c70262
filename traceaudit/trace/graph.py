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

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from traceaudit.model import (
    CodeRef,
    DeclaredEndpoint,
    Evidence,
    ForeignRoute,
    Location,
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
from traceaudit.trace.nature import nature
from traceaudit.trace.ownership import (
    NOT_CODE,
    OUTSIDE,
    PYTHON,
    Owner,
    Ownership,
    reading_words,
    stem,
)
from traceaudit.trace.paths import (
    PLACEHOLDER,
    loose_path,
    method_affinity,
    near_serves_method,
    normalize_path,
    paths_written,
    route_pattern,
    routes_written,
    serves_method,
)

if TYPE_CHECKING:
    import networkx as nx

# What a served route says nothing of: who may call it.
# What FastAPI generates for an app, by the words a requirement uses for each page.
_DOCS_PAGES = (
    (re.compile(r"(?i)\bopen\s?api\b|/openapi\.json\b"), "/openapi.json"),
    (re.compile(r"(?i)\bswagger\b|\binteractive\s+(?:api\s+)?doc\w*|(?<![\w/])/docs\b"), "/docs"),
    (re.compile(r"(?i)\bredoc\b"), "/redoc"),
)
# ... asked for as documentation (not "accept OpenAPI files", "validate against the schema")
_DOCS_ASK = re.compile(
    r"(?i)\b(?:generat\w*|serv\w*|provid\w*|expos\w*|publish\w*|offer\w*)\s+"
    r"(?:[\w.-]+\s+){0,3}?(?:open\s?api|swagger|redoc|interactive|(?:api\s+)?documentation|"
    r"docs)\b|"
    r"^(?:[\w\s]{0,20}:\s*)?(?:the\s+)?(?:auto[- ]?generated\s+)?(?:open\s?api|swagger|redoc|"
    r"interactive\s+api)\b"
)  # the documentation is what is asked for, not "endpoints ... with OpenAPI documentation"
# ... or for what the pages hold, which the handlers write
_DOCS_CONTENT = re.compile(
    r"(?i)\b(?:examples?|descriptions?|all\s+(?:error|endpoints?|responses?)|every\s+\w+|"
    r"status\s+codes?|request\s+schemas?|response\s+schemas?|tags?)\b"
)
_ACCESS = re.compile(
    r"(?i)\bprotect\w*|\brestrict\w*|\bauthori[sz]\w*|\bpermission\w*|\broles?\b|"
    r"\bauthenticated\b|\baccess\b|\bguard\w*"
)

# Relations along which implementation evidence travels towards a requirement.
EVIDENCE_RELS = frozenset({"cites", "implements", "serves", "declares"})


# Spec links through which implementing one item implements another ("depends" does not).
IMPLEMENTING_LINKS = frozenset({"implements", "covers", "validates", "story", "cites"})


# Requirement kinds that are traced but never reported as missing.
INFORMATIONAL_KINDS = frozenset(
    {ReqKind.TASK, ReqKind.STORY, ReqKind.PROPERTY, ReqKind.OUTCOME, ReqKind.ASSUMPTION}
)


_NUMBERED = re.compile(r"\d+(?:\.\d+)*(?:[a-z](?:\.\d+)*)?")  # 1.2, 2.1a, 2.1a.3


def _other_version(declared: str, served: str) -> bool:
    """Whether two paths name different API versions (``/v2/models``, ``/v1/models``)."""
    a = [s for s in declared.split("/") if _VERSION.fullmatch(s)]
    b = [s for s in served.split("/") if _VERSION.fullmatch(s)]
    return bool(a) and bool(b) and a != b


_VERSION = re.compile(r"v\d+")


def _as_node(candidate: str) -> str:
    """A graph node for an ambiguous resolution's candidate, which is a node, a node's key
    (``path::id``, ``path#anchor``) or a spec file's path."""
    if candidate.startswith(("req:", "sec:", "spec:")):
        return candidate
    if "::" in candidate:
        return f"req:{candidate}"
    return f"sec:{candidate}" if "#" in candidate else f"spec:{candidate}"


def _enclosing_docstrings(ref: CodeRef) -> list[tuple[str, str]]:
    """The docstrings around a reference's symbol, nearest first: ``path:A.B.f`` has its
    class ``path:A.B``'s, then ``path:A``'s, then the module's (``path``)."""
    path, _, qual = ref.symbol.partition(":")
    parts = qual.split(".") if qual else []
    own = ref.symbol if ref.source is RefSource.DOCSTRING else None
    out = [f"{path}:{'.'.join(parts[:k])}" for k in range(len(parts) - 1, 0, -1)] + [path]
    return [("docstring", s) for s in out if s != own]


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
    owner: Owner | None = None  # code outside Python owns it (no Python route serves it)
    # FastAPI itself serves it for a served app: /docs, /redoc, /openapi.json
    framework: bool = False
    # a family written with a wildcard (`GET /api/mcp/*`): the routes of its method under
    # the prefix serve it; they are not each documented by it
    under: tuple[int, ...] = ()


class TraceGraph:
    """The trace graph plus the queries the checks and reports need."""

    def __init__(
        self,
        docs: Sequence[SpecDoc],
        refs: Sequence[CodeRef],
        routes: Sequence[Route],
        *,
        foreign_routes: Sequence[ForeignRoute] = (),
        source_files: Sequence[str] = (),
        other_suffixes: Sequence[str] = (),
        framework_paths: Sequence[str] = (),
        framework_apps: Sequence[tuple[Location, str, Sequence[str]]] = (),
        base_paths: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self._framework = {normalize_path(p) for p in framework_paths}
        # served apps with the documentation FastAPI generates for them: (where the app is
        # built, its name, the paths of its pages: /openapi.json, /docs, /redoc)
        self._framework_apps = sorted(
            (loc, name, tuple(normalize_path(p) for p in pages))
            for loc, name, pages in framework_apps
        )
        # what each route is reached as: its path, and under each base path its app's
        # deployment strips (``Mangum(app, api_gateway_base_path="/api")``: ``/api/x``)
        bases = base_paths or {}
        self.public_paths = tuple(
            (r.path, *(_join_base(b, r.path) for b in bases.get(r.app, ()))) for r in routes
        )
        self.route_patterns = tuple(
            tuple(route_pattern(p) for p in paths) for paths in self.public_paths
        )
        self.index = SpecIndex(docs)
        self.docs = tuple(docs)
        # paths the spec writes relative to a base or a router, placed against the routes
        placed = resolve_declared(
            [ep for doc in self.docs for ep in doc.endpoints], routes, self.public_paths
        )
        self.all_endpoints = tuple(ep for ep, _ in placed)
        self._placed = frozenset(i for i, (_, moved) in enumerate(placed) if moved)
        # Endpoints that reports and notes name: they document a route, declare nothing.
        self.mentions = tuple(ep for doc in self.docs for ep in doc.mentions)
        self.routes = tuple(routes)
        self.ownership = Ownership(self.docs, source_files, foreign_routes, other_suffixes)
        # networkx (about 20 MB and 400 modules) is imported when the first graph is built,
        # after route resolution has released the modules' facts, not with the tool.
        import networkx as nx

        self.g: nx.DiGraph[str] = nx.DiGraph()
        self._evidence_view: nx.DiGraph[str] | None = None
        self._declared_by: dict[str, list[Owner | None]] | None = None
        self._story_counts: Counter[str] | None = None
        self._declared_routes: dict[str, set[tuple[str, str]]] | None = None
        self._by_folder_id: dict[tuple[str, str], list[str]] | None = None
        # items a spec item names that its own feature does not define ("[US5]")
        self.unlinked: dict[str, list[str]] = defaultdict(list)
        self._build_specs()
        self.endpoint_matches = self._link_endpoints()
        self._served_folders = self._folders_served_by_handlers()
        self._tasks_naming = self._tasks_by_named_file()
        self._name_count = Counter(PurePosixPath(p).name for p in self.ownership.files)
        verifiers = self._verifier_files()
        # scripts that tasks name as their check ("Verify: python scripts/check.py"), not
        # test files: they verify, but the task numbers they hold are often only data
        self.check_scripts = frozenset(verifiers - {r.location.path for r in refs if r.is_test})
        refs = [replace(r, is_test=True) if r.location.path in verifiers else r for r in refs]
        self.linked = self._link_refs(refs)
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
            folder = str(PurePosixPath(doc.path).parent)
            for link in doc.links:
                if link.relation not in IMPLEMENTING_LINKS:
                    continue
                res = self.index.resolve(link.target, (doc.path,))
                if res.status != "ok":
                    continue
                if (
                    link.target.spec is None
                    and link.target.hint != "oft"
                    and not any(_folder(node_spec(n)) == folder for n in res.nodes)
                ):
                    # A bare id in a spec means its own feature's item ("[US5]" in a tasks.md):
                    # another feature's only US5 is not it. (OpenFastTrace ids are global.)
                    self.unlinked[link.source_key].append(link.target.value)
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
        spec_files: dict[tuple[str, ...], set[str]] = defaultdict(set)  # the same, by file
        for ref in refs:
            context = tuple(sorted(named[ref.location.path] | set(ref.context_specs)))
            res = self.index.resolve(ref.target, context)
            first.append(res)
            if res.status == "ok" and ref.target.kind is RefKind.ID and not context:
                folders = {str(PurePosixPath(node_spec(n)).parent) for n in res.nodes}
                features[_block(ref)].update(folders)
                features[(ref.location.path,)].update(folders)
                defining = {node_spec(n) for n in res.nodes}
                spec_files[_block(ref)].update(defining)
                if ref.source is RefSource.DOCSTRING:
                    spec_files[("docstring", ref.symbol)].update(defining)
        out: list[LinkedRef] = []
        borrowed: set[int] = set()  # settled only by the other ids of their docstring
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
                    borrowed.add(len(out))
            if res.status == "ambiguous" and not _NUMBERED.fullmatch(ref.target.value):
                # Story files of one folder each define their own AC-9: the one story file
                # that the docstring's (else the nearest enclosing class's or the module's
                # docstring's) other ids all name is the one meant ("Chat endpoints for
                # STORY-026 ... AC-9: credits").
                told = spec_files.get(_block(ref)) or next(
                    (spec_files[k] for k in _enclosing_docstrings(ref) if k in spec_files), None
                )
                if told is not None and len(told) == 1:
                    retry = self.index.resolve(ref.target, tuple(told))
                    if retry.status == "ok":
                        res = retry
                        borrowed.add(len(out))
            if res.status == "ambiguous":
                res = self._settle(ref, res)
            out.append(LinkedRef(ref, res))
        out = self._by_neighbours(out, borrowed)
        for linked in out:
            ref, res = linked.ref, linked.resolution
            if res.status != "ok":
                continue
            sym = f"sym:{ref.symbol}"
            self.g.add_node(sym, kind="test" if ref.is_test else "sym")
            for node in res.nodes:
                self.g.add_edge(sym, node, rel="cites", ref=ref)
        return tuple(out)

    def _by_neighbours(self, linked: list[LinkedRef], borrowed: set[int]) -> list[LinkedRef]:
        """What is still ambiguous, settled by the ids around it once the rest is settled.

        A reviewer reads ``Tests for the hooks created in T110-T116`` as one feature's run
        of tasks once T111 is known to be the frontend's, and ``Use validation (T105)`` in
        a file whose other citations are all one feature's as that feature's T105: the one
        feature every other id of the same docstring or comment (else of the same module)
        was settled to, when that feature defines the id.
        """
        block: dict[tuple[str, ...], set[str]] = defaultdict(set)
        module: dict[str, set[str]] = defaultdict(set)
        module_ids: dict[str, set[str]] = defaultdict(set)
        for k, item in enumerate(linked):
            res = item.resolution
            if res.status != "ok" or item.ref.target.kind is not RefKind.ID:
                continue
            folders = {_folder(node_spec(n)) for n in res.nodes if n.startswith("req:")}
            if len(folders) == 1:
                block[_block(item.ref)].update(folders)
                module[item.ref.location.path].update(folders)
                if k not in borrowed:
                    module_ids[item.ref.location.path].add(item.ref.target.value)
        common = _common_folders(linked)
        out: list[LinkedRef] = []
        for item in linked:
            res = item.resolution
            path = item.ref.location.path
            # a module speaks for one feature when it cites two or more of its ids, no other's
            whole = module.get(path) if len(module_ids.get(path, ())) >= 2 else None
            if res.status == "ambiguous" and all(c.startswith("req:") for c in res.candidates):
                for implied in (block.get(_block(item.ref)), whole, common.get(_block(item.ref))):
                    if not implied or len(implied) != 1:
                        continue
                    (folder,) = implied
                    near = [c for c in res.candidates if _folder(node_spec(c)) == folder]
                    near = self._defining(near) if len(near) > 1 else near
                    if len(near) == 1:
                        res = Resolution("ok", (near[0],))
                        break
            out.append(item if res is item.resolution else LinkedRef(item.ref, res))
        return out

    # -- settling ambiguous references by the evidence a reviewer uses -------

    def _tasks_by_named_file(self) -> dict[str, list[Requirement]]:
        """File name -> the tasks whose text names a file of that name (with its path)."""
        out: dict[str, list[Requirement]] = defaultdict(list)
        for doc in self.docs:
            for req in doc.requirements:
                if req.kind is not ReqKind.TASK:
                    continue
                for token, _ in self.ownership.named_paths(f"{req.title}\n{req.text}"):
                    name = PurePosixPath(token).name
                    if name:
                        out[name].append(req)
        return out

    def _verifier_files(self) -> set[str]:
        """Files a task names as the way to verify it (``Verify: python scripts/check.py``).

        They check the work, whatever their folder: their citations verify, like a test's.
        """
        named: set[str] = set()
        for doc in self.docs:
            for req in doc.requirements:
                for line in _VERIFY_LINE.findall(req.text):
                    named.update(t.lstrip("./") for t, _ in self.ownership.named_paths(line))
        return {
            f for f in self.ownership.files if any(f == n or f.endswith("/" + n) for n in named)
        }

    def _folders_served_by_handlers(self) -> dict[str, set[str]]:
        """Handler symbol -> spec folders whose declared endpoints its routes serve (and,
        in ``_declared_by_handler``, the items that declare them)."""
        out: dict[str, set[str]] = defaultdict(set)
        self._declared_by_handler: dict[str, set[str]] = defaultdict(set)
        for m in self.endpoint_matches:
            for i in m.exact:
                folder = str(PurePosixPath(m.endpoint.location.path).parent)
                out[self.routes[i].handler].add(folder)
                if m.endpoint.requirement_key is not None:
                    self._declared_by_handler[self.routes[i].handler].add(
                        m.endpoint.requirement_key
                    )
        return out

    def _settle(self, ref: CodeRef, res: Resolution) -> Resolution:
        """An ambiguous bare reference, settled in the order a reviewer uses.

        0. what the words around it clearly say: the one candidate whose title (or feature
           name) shares at least two content words with the comment when no other shares
           any (``# Implements BR-1: money amounts are integer cents`` is catalog's "Prices
           are stored as integer cents", not orders' "status only moves forward");
        1. the task that names the citing file (``T021 ... in backend/src/api/auth.py``);
        2. the feature whose declared endpoint the citing handler serves;
        3. the feature folder named like the module's package or service
           (``backend/mastery-engine/...`` and ``specs/003-mastery-engine/``), then the
           feature written in the citing file's language (a TypeScript comment's ``T093``
           is the frontend feature's, a Python docstring's the backend's);
        4. what the words around it say, when one candidate shares more of them than any
           other (at least two);
        5. candidates that are one story restated (the same title) count as one;
        else it stays ambiguous (TA004).
        """
        nodes = list(res.candidates)
        if not nodes or not all(n.startswith(("req:", "sec:")) for n in nodes):
            return res
        cited = ref.location.path
        name = PurePosixPath(cited).name
        by_path: list[Requirement] = []
        by_name: list[Requirement] = []
        for task in self._tasks_naming.get(name, []):
            written = [
                t.lstrip("./")
                for t, _ in self.ownership.named_paths(f"{task.title}\n{task.text}")
                if PurePosixPath(t).name == name
            ]
            if any("/" in t and (cited == t or cited.endswith("/" + t)) for t in written):
                by_path.append(task)
            elif any("/" not in t for t in written) and self._name_count[name] <= 1:
                # a bare name names the cited file only when no other file has that name
                # (a task's "with `__init__.py` files" names none of a project's packages)
                by_name.append(task)
        naming = by_path or by_name  # "in backend/src/api/auth.py" before a bare "auth.py"
        # The candidate that is itself a task naming the file, before its feature's others.
        keys = {f"req:{t.key}" for t in naming}
        own = [n for n in nodes if n in keys]
        if len(own) > 1 and len({_folder(node_spec(n)) for n in own}) == 1:
            own = self._defining(own)
        if len(own) != 1:
            # the candidate task that declares the endpoint the citing handler serves
            declaring = self._declared_by_handler.get(ref.symbol, set())
            own = [n for n in nodes if n[4:] in declaring]
        if len(own) != 1:
            # the candidate that names the route the comment names ("# PUT /tasks/{id} (T040)")
            own = self._naming_route_of(ref.text, nodes)
        if len(own) == 1:
            return Resolution("ok", (own[0],))
        said = self._said_by_text(ref.text, nodes, clearly=True)
        if said is not None:
            return Resolution("ok", (said,))
        task_folders = {str(PurePosixPath(t.spec_path).parent) for t in naming}
        steps: list[tuple[set[str], set[str]]] = [
            ({t.spec_path for t in naming}, task_folders),
            (set(), self._served_folders.get(ref.symbol, set())),
            (set(), self._folders_named_by(cited, nodes)),
            (set(), self._folders_of_language(ref, nodes)),
        ]
        for files, folders in steps:
            if not files and not folders:
                continue
            near = [n for n in nodes if node_spec(n) in files]
            if len(near) != 1:
                near = [n for n in nodes if str(PurePosixPath(node_spec(n)).parent) in folders]
            if len(near) > 1 and len({_folder(node_spec(n)) for n in near}) == 1:
                near = self._defining(near)
            if len(near) == 1:
                return Resolution("ok", (near[0],))
        said = self._said_by_text(ref.text, nodes, clearly=False)
        if said is not None:
            return Resolution("ok", (said,))
        if len({_folder(node_spec(n)) for n in nodes}) == 1:
            defining = self._defining(nodes)
            if len(defining) == 1:
                return Resolution("ok", (defining[0],))
            kinds = {r.kind for n in nodes if (r := self.index.by_key.get(n[4:])) is not None}
            if len(kinds) == 1 and all(n.startswith("req:") for n in nodes):
                # One feature's item written again in its own files (tasks.md and
                # tasks-milestone-2.md both list task 1.6): whichever is read, the code
                # cites that feature's item, which is no ambiguity between specs.
                return Resolution("ok", tuple(nodes))
        reqs = [self.index.by_key.get(n[4:]) for n in nodes if n.startswith("req:")]
        if len(reqs) == len(nodes) and all(r is not None and r.kind is ReqKind.STORY for r in reqs):
            titles = {" ".join(r.title.lower().split()) for r in reqs if r is not None}
            if len(titles) == 1 and len(next(iter(titles)).split()) >= 2:
                return Resolution("ok", tuple(nodes))  # one story restated in several files
            # A story's own file (``2.2.integrated-category-scheduling.md``, ``5.3.story.md``,
            # ``9-1-job-search.md``) defines it; an epic or a PRD that lists it restates it.
            own_file = [
                n for n, r in zip(nodes, reqs, strict=True) if r is not None and _story_file(r)
            ]
            if len(own_file) == 1:
                return Resolution("ok", (own_file[0],))
        return res

    def _naming_route_of(self, text: str, nodes: Sequence[str]) -> list[str]:
        """The candidates that declare, or whose text names, a route the citing text names."""
        written = {(method, normalize_path(path)) for method, path in routes_written(text)}
        if not written:
            return []
        if self._declared_routes is None:
            self._declared_routes = defaultdict(set)
            for ep in self.all_endpoints:
                if ep.requirement_key is not None:
                    self._declared_routes[ep.requirement_key].add(
                        (ep.method, normalize_path(ep.path))
                    )
        out = []
        for node in nodes:
            req = self.index.by_key.get(node[4:]) if node.startswith("req:") else None
            if req is None:
                continue
            named = {
                (method, normalize_path(path))
                for method, path in routes_written(f"{req.title}\n{req.text}")
            } | self._declared_routes.get(req.key, set())
            if named & written:
                out.append(node)
        return out

    def _told(self, node: str) -> tuple[str, str] | None:
        """What a candidate is to a reader: its id and its title (copies of one item, a
        story in its epic and in its own file under the same title, tell the same)."""
        req = self.index.by_key.get(node[4:]) if node.startswith("req:") else None
        return (req.id, " ".join(req.title.lower().split())) if req is not None else None

    def _stories_in(self, path: str) -> int:
        """How many stories a spec file defines (a story file: one; an epic or a PRD: more)."""
        if self._story_counts is None:
            self._story_counts = Counter(
                r.spec_path for r in self.index.by_key.values() if r.kind is ReqKind.STORY
            )
        return self._story_counts.get(path, 0)

    def _defining(self, nodes: Sequence[str]) -> list[str]:
        """Of one feature's candidates, the one its tasks file defines, when the id is a task
        there (a phase plan that lists the tasks again restates them)."""
        tasks = [
            n for n in nodes
            if n.startswith("req:") and (req := self.index.by_key.get(n[4:])) is not None
            and req.kind is ReqKind.TASK and "task" in PurePosixPath(req.spec_path).stem.lower()
        ]  # fmt: skip
        return tasks if len(tasks) == 1 else list(nodes)

    def _said_by_text(self, text: str, nodes: Sequence[str], clearly: bool) -> str | None:
        """What the words around a reference say: its summary lines; as the last evidence
        before a tie (not ``clearly``), the whole of its short comment or docstring, read
        against each candidate criterion with its requirement's user story."""
        head, _, rest = text.partition("\n")
        if clearly:
            return self._said_by_words(head, nodes, clearly)
        # the whole comment, against each candidate's requirement with its user story (a
        # JSDoc block arrives as one line: its summary is no shorter than the rest)
        said = self._said_by_words(f"{head} {rest}", nodes, clearly, stories=True)
        if said is None and rest:
            said = self._said_by_words(head, nodes, clearly)
        return said

    def _said_by_words(
        self, text: str, nodes: Sequence[str], clearly: bool, stories: bool = False
    ) -> str | None:
        words = reading_words(text)
        if len(words) < 2:
            return None
        scored = [(len(words & self._candidate_words(node, stories)), node) for node in nodes]
        scored.sort(key=lambda sn: (-sn[0], sn[1]))
        # Copies of one item (a PRD's "Story 1.3: Evidence Window Builder" and the same
        # story in the PRD's shard) are one candidate to the words, so that the words can
        # still tell it from another item; the copy in the file that defines the fewest
        # stories (the story's own file) stands for the rest.
        seen: dict[tuple[str, str], int] = {}
        kept: list[tuple[int, str]] = []
        for score, node in scored:
            same = self._told(node)
            if same is None:
                kept.append((score, node))
            elif same not in seen:
                seen[same] = len(kept)
                kept.append((score, node))
            elif self._stories_in(node_spec(node)) < self._stories_in(
                node_spec(kept[seen[same]][1])
            ):
                kept[seen[same]] = (score, node)
        scored = kept
        runner_up = scored[1][0] if len(scored) > 1 else 0
        # As the last evidence before a tie, one word of the comment that only one
        # candidate's text has ("detecting swipe gestures", and only one feature's criterion
        # is about swiping) settles it too: a reader would not call that ambiguous.
        least = 2 if clearly else 1
        if scored[0][0] >= least and (runner_up == 0 if clearly or scored[0][0] < 2
                                      else scored[0][0] > runner_up):  # fmt: skip
            best = scored[0][1]
            # A restatement deeper in the same feature (history/, reports/) is not the
            # definition: the candidate nearer the feature's root is.
            where = PurePosixPath(node_spec(best)).parent
            told = self._told(best)
            above = [
                n for n in nodes
                if PurePosixPath(node_spec(n)).parent in where.parents
                and (told is None or self._told(n) in (told, None))
            ]  # fmt: skip
            above = self._defining(above) if len(above) > 1 else above
            return above[0] if len(above) == 1 else best
        return None

    def _candidate_words(self, node: str, stories: bool) -> set[str]:
        """The content words a reader compares a citation's words with: the candidate's
        title and feature name (with ``stories``, also its user story or story text)."""
        req = self.index.by_key.get(node[4:]) if node.startswith("req:") else None
        title = req.title if req is not None else ""
        if req is not None and req.kind is ReqKind.CRITERION and req.parent_key:
            # a numbered criterion ("3.2") says little alone: its requirement's title
            # ("Graceful Error Handling") is what a reader compares too
            parent = self.index.by_key.get(req.parent_key)
            title += f" {parent.title}" if parent is not None else ""
            story = parent.text.split("\n", 1)[0] if parent is not None else ""
            if stories and _USER_STORY.match(story):
                # a Kiro requirement says what it is about in its user story
                title += f" {story}"
        elif stories and req is not None and req.kind is ReqKind.STORY:
            # as the last evidence, a story's own text too: its tasks say what it builds
            # ("Story 1.2 response compatibility: alias JSON key to error" and the one
            # Story 1.2 whose task is "Alias error_reason to serialize as error")
            title += f" {req.text[:2000]}"
        feature = PurePosixPath(node_spec(node)).parent.name
        return reading_words(title) | reading_words(feature)

    def words_match_none(self, ref: CodeRef, nodes: Sequence[str]) -> bool:
        """Whether the words around an ambiguous reference (three content words or more)
        share none with any candidate: then none of the specs read may be the one meant
        (``will be implemented in T033 (SchemaGenerator service)``, where every feature's
        T033 is a frontend page)."""
        words = reading_words(ref.text)
        if len(words) < 3:
            return False
        return not any(words & self._candidate_words(_as_node(c), True) for c in nodes)

    def _folders_of_language(self, ref: CodeRef, nodes: Sequence[str]) -> set[str]:
        """Candidate spec folders whose feature is written in the citing file's language."""
        outside = ref.language != "python"
        out: set[str] = set()
        for node in nodes:
            req = self.index.by_key.get(node[4:]) if node.startswith("req:") else None
            if req is None:
                continue
            owner = self.ownership.feature(req) if req.kind is ReqKind.TASK else None
            owner = owner or self.ownership.feature_of(req.spec_path)
            if (owner is not None and owner.owner == OUTSIDE) == outside:
                out.add(str(PurePosixPath(req.spec_path).parent))
        return out

    def _folders_named_by(self, path: str, nodes: Sequence[str]) -> set[str]:
        """Candidate spec folders named like a folder (or the stem) of the citing file."""
        segments = [p for p in PurePosixPath(path).parts[:-1]] + [PurePosixPath(path).stem]
        # words as stems: a package "customers" is the feature "customer-view"
        seg_words = [_folder_words(s) for s in segments]
        out: set[str] = set()
        partial: set[str] = set()
        # the file's folders (not its name) that are not generic ("src", "api", "backend")
        places = [w for w in seg_words[:-1] if w and not w & _GENERIC_FOLDER_STEMS]
        for node in nodes:
            folder = PurePosixPath(node_spec(node)).parent
            words = _folder_words(re.sub(r"^\d+[-_]", "", folder.name))
            if words and any(words <= sw for sw in seg_words):
                out.add(str(folder))
            elif words and any(place <= words for place in places):
                partial.add(str(folder))
        # "frontend/scripts/x.py" and "specs/004-realtime-frontend/": a folder of the file
        # that one feature's name holds, when no feature's name matches in full.
        return out or (partial if len(partial) == 1 else set())

    def _link_endpoints(self) -> tuple[EndpointMatch, ...]:
        patterns = self.route_patterns
        endpoints = self.all_endpoints

        def reaching(norm: str) -> list[int]:
            """The routes a normalised path reaches."""
            return [i for i, ps in enumerate(patterns) if any(p.fullmatch(norm) for p in ps)]

        same_path: list[list[int]] = []
        exact: list[tuple[int, ...]] = []
        claimed: set[int] = set()  # routes that some declaration matches exactly
        under: dict[int, tuple[int, ...]] = {}
        for ep in endpoints:
            norm = normalize_path(ep.path)
            if norm.endswith("/*"):
                # a family: served by any route of its method under the prefix; it matches
                # no route exactly and is no route's near miss
                below = norm[:-1]
                under[len(exact)] = tuple(
                    i for i, paths in enumerate(self.public_paths)
                    if serves_method(ep.method, self.routes[i].methods)
                    and any(normalize_path(q).startswith(below) for q in paths)
                )  # fmt: skip
                same_path.append([])
                exact.append(())
                continue
            same = reaching(norm)
            templated = next((h[7:] for h in ep.hints if h.startswith("values:")), None)
            if not same and templated is not None:
                # "GET /api/v1/strategies/9999" requests the route with a parameter there
                same = reaching(normalize_path(templated))
            hits = tuple(i for i in same if serves_method(ep.method, self.routes[i].methods))
            if not hits and "item" in ep.hints:
                # CRUD's PUT/DELETE on the collection's path act on one item: /x/{id}
                item = reaching(normalize_path(ep.path.rstrip("/") + "/{}"))
                hits = tuple(i for i in item if serves_method(ep.method, self.routes[i].methods))
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
        owners: list[Owner | None] = []
        method_mms: list[tuple[int, ...]] = []
        path_mms: list[tuple[int, ...]] = []
        for ei, ep in enumerate(endpoints):
            method_mm: tuple[int, ...] = ()
            path_mm: tuple[int, ...] = ()
            owner = None if exact[ei] or under.get(ei) else self.ownership.endpoint(ep)
            if ei in under:
                pass  # a family has no near miss
            elif not exact[ei] and owner is None:
                method_mm = tuple(near.get(ei, ()))
                loose = loose_path(ep.path)
                if not same_path[ei] and loose != "/":
                    path_mm = tuple(
                        i
                        for i, r in enumerate(self.routes)
                        if i not in claimed
                        and near_serves_method(ep.method, r.methods, ep.path)
                        and loose_path(r.path) == loose
                    )
            owners.append(owner)
            method_mms.append(method_mm)
            path_mms.append(path_mm)
        wanting = [
            ei for ei in range(len(endpoints))
            if not (exact[ei] or same_path[ei] or method_mms[ei] or path_mms[ei] or owners[ei])
            and ei not in under
        ]  # fmt: skip
        for ei, i in self._under_router_prefix(wanting).items():
            path_mms[ei] = (i,)
        # Last, a route that another declaration matches exactly: two specs that write one
        # endpoint under different prefixes (a contract's ``/api/v1/models``, the spec's
        # ``/v1/models``, served) are one stale path, never an unserved endpoint; not across
        # API versions (``/v2/models`` beside a served ``/v1/models`` is not built yet).
        for ei in wanting:
            ep = endpoints[ei]
            loose = loose_path(ep.path)
            if path_mms[ei] or loose == "/":
                continue
            path_mms[ei] = tuple(
                i
                for i in sorted(claimed)
                if near_serves_method(ep.method, self.routes[i].methods, ep.path)
                and loose_path(self.routes[i].path) == loose
                and not _other_version(ep.path, self.routes[i].path)
            )
        matches: list[EndpointMatch] = []
        for ei, ep in enumerate(endpoints):
            owner, method_mm, path_mm = owners[ei], method_mms[ei], path_mms[ei]
            node = f"ep:{ei}"
            self.g.add_node(node, kind="endpoint")
            if ep.requirement_key is not None and "tested" not in ep.hints:
                # (the endpoint a test exercises is no evidence for the item that tests it)
                self.g.add_edge(node, f"req:{ep.requirement_key}", rel="declares")
            for key in self._written_for(ep):
                self.g.add_edge(node, f"req:{key}", rel="declares")
            # A near miss still serves the endpoint (TA006/TA007 report the difference),
            # so one gap gives one finding, not an extra "unimplemented".
            for i in exact[ei] + method_mm + path_mm + under.get(ei, ()):
                self.g.add_edge(f"route:{i}", node, rel="serves")
            framework = (
                not exact[ei] and ep.method == "GET" and normalize_path(ep.path) in self._framework
            )
            matches.append(
                EndpointMatch(
                    ep, exact[ei], method_mm, path_mm, owner, framework, under.get(ei, ())
                )
            )
        return tuple(matches)

    def _written_for(self, ep: DeclaredEndpoint) -> list[str]:
        """The requirements an endpoint's declaration names as what it is for (``for:`` hints:
        "**POST /chat** (FR-001, FR-004)"), each the one of that id in the endpoint's own
        feature folder."""
        wanted = [h[4:] for h in ep.hints if h.startswith("for:")]
        if not wanted:
            return []
        if self._by_folder_id is None:
            self._by_folder_id = defaultdict(list)
            for key, req in self.index.by_key.items():
                self._by_folder_id[(_folder(req.spec_path), req.id)].append(key)
        folder = _folder(ep.location.path)
        out: list[str] = []
        for ident in wanted:
            # its own folder's, else its feature's (a contract under `contracts/`)
            keys = self._by_folder_id.get((folder, ident)) or self._by_folder_id.get(
                (_folder(folder), ident), []
            )
            if len(keys) == 1 and keys[0] != ep.requirement_key:
                out.append(keys[0])
        return out

    def _under_router_prefix(self, wanting: Sequence[int]) -> dict[int, int]:
        """Declared endpoints that the code serves under one more prefix segment, a router's
        (``/api/v1/conversations`` served as ``/api/v1/messages/conversations``,
        ``/cvs/{id}/analysis`` as ``/api/v1/ai/cvs/{id}/analysis``): endpoint -> route.

        Only for a path written from the API's root (``_written_in_full``), and only the one
        route of that method whose path, without version and ``api`` segments, is the
        declared one with one literal segment put in front; and only when
        the declared path names enough to tell (two literal segments: ``/mastery/{id}`` is
        not enough for ``/batch/mastery/{batch_id}``), or when the same segment moved two
        or more endpoints of that spec file (a family). Never a segment that names an
        audience (``admin``, ``internal``): ``/api/v1/admin/rules/{id}`` is the
        administrators' endpoint, not where ``/api/v1/rules/{id}`` moved."""
        loose_routes = [loose_path(r.path).split("/")[1:] for r in self.routes]
        found: dict[int, tuple[int, tuple[str, ...]]] = {}
        for ei in wanting:
            ep = self.all_endpoints[ei]
            tail = loose_path(ep.path).split("/")[1:]
            if not any(s and s != "{}" for s in tail) or not _written_in_full(ep):
                continue
            hits: list[tuple[int, tuple[str, ...]]] = []
            for i, r in enumerate(self.routes):
                segs = loose_routes[i]
                lead = segs[: len(segs) - len(tail)]
                if (
                    near_serves_method(ep.method, r.methods, ep.path)
                    and len(lead) == 1
                    and lead[0].lower() not in _AUDIENCE_SEGMENTS
                    and segs[len(lead) :] == tail
                    and all(s != "{}" for s in lead)
                ):
                    hits.append((i, tuple(lead)))
            if len(hits) == 1:
                found[ei] = hits[0]
        family: dict[tuple[str, tuple[str, ...]], set[tuple[str, str]]] = defaultdict(set)
        for ei, (_, extra) in found.items():
            ep = self.all_endpoints[ei]
            family[(ep.location.path, extra)].add((ep.method, normalize_path(ep.path)))
        out: dict[int, int] = {}
        for ei, (i, extra) in found.items():
            ep = self.all_endpoints[ei]
            literal = [s for s in loose_path(ep.path).split("/") if s and s != "{}"]
            if len(literal) >= 2 or len(family[(ep.location.path, extra)]) >= 2:
                out[ei] = i
        return out

    # -- queries ----------------------------------------------------------

    def reached_as(self, index: int, path: str) -> bool:
        """Whether the route is reached at ``path`` (as written, or under a base path)."""
        norm = normalize_path(path)
        return any(p.fullmatch(norm) for p in self.route_patterns[index])

    def _evidence_sources(self, node: str) -> list[list[str]]:
        """Shortest evidence paths (source first) from code or routes to ``node``."""
        import networkx as nx

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
        if ref.language != "python":
            via += f" ({ref.language})"
            if not ref.is_test:
                kind = "outside-python"
        return Evidence(ref.location, ref.symbol, via, kind)

    def requirement_results(self, criteria_by_story: bool = False) -> tuple[RequirementResult, ...]:
        """Each requirement with its status, evidence and the routes that serve it
        (``criteria_by_story``: see :func:`_traced_through_parent`)."""
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
                if not any(e.kind != "outside-python" for e in impl):
                    impl += self._named_routes(req)
                served = [self.routes[int(p[0][6:])] for p in paths if p[0].startswith("route:")]
                served += [r for e in impl for r in handlers.get(e.symbol, [])]
                routes = sorted({f"{m} {r.path}" for r in served for m in r.methods})
                status, owner = self._status(req, impl)
                if status is ReqStatus.UNIMPLEMENTED:
                    named = self._paths_named_served(req) or self._generated_docs(req)
                    if named:
                        impl += named
                        served += [r for e in named for r in handlers.get(e.symbol, [])]
                        routes = sorted({f"{m} {r.path}" for r in served for m in r.methods})
                        status = ReqStatus.IMPLEMENTED
                results.append(
                    RequirementResult(
                        req, status, impl, tests, tuple(routes),
                        owner.owner if owner is not None else None,
                        owner.reason if owner is not None else "",
                    )
                )  # fmt: skip
        traced = _traced_through_criteria(results)
        return _traced_through_parent(traced) if criteria_by_story else traced

    def _named_routes(self, req: Requirement) -> tuple[Evidence, ...]:
        """A live route serving the ``METHOD /path`` a requirement's own sentence names
        (``API MUST provide endpoint POST /api/{user_id}/tasks to create new tasks``):
        implementing evidence, as a declared endpoint's route is. Tasks and endpoint
        headings are left out: a task's route vouches only for route work (TA020), and a
        heading's endpoint is declared already."""
        if req.kind not in (ReqKind.REQUIREMENT, ReqKind.CRITERION):
            return ()
        out: list[Evidence] = []
        for method, path in routes_written(req.title):
            for i, route in enumerate(self.routes):
                if method in route.methods and self.reached_as(i, path):
                    via = f"endpoint {method} {route.path} (named in its text)"
                    out.append(Evidence(route.location, route.handler, via, "endpoint"))
        return tuple(sorted(set(out), key=lambda e: (e.location, e.symbol, e.via)))

    def _generated_docs(self, req: Requirement) -> tuple[Evidence, ...]:
        """The app's generated documentation, for a requirement that asks only for it
        (``THE Backend_API SHALL generate OpenAPI 3.0 specification documentation``,
        ``serve interactive documentation at /docs``): FastAPI serves the OpenAPI document
        and its Swagger UI and ReDoc pages itself, unless the app turns them off
        (``docs_url=None``), so the served app that has the page is the evidence. What the
        pages must hold (examples, every error response) is the handlers' work, and stays
        untraced until code cites it."""
        if req.kind not in (ReqKind.REQUIREMENT, ReqKind.CRITERION) or not self._framework_apps:
            return ()
        text = " ".join(req.title.split())
        if _DOCS_CONTENT.search(text) or _ACCESS.search(text):
            return ()
        wanted: set[str] = set()
        for key, page in _DOCS_PAGES:
            if key.search(text):
                wanted.add(page)
        if not wanted or not _DOCS_ASK.search(text):
            return ()
        out: list[Evidence] = []
        for location, name, pages in self._framework_apps:
            have = [p for p in pages if any(p.endswith(w) for w in wanted)]
            if len(have) == len(wanted):
                via = f"FastAPI serves {', '.join(have)} for {name} itself (generated docs)"
                out.append(Evidence(location, name, via, "named-path"))
        return tuple(out[:1])

    def _paths_named_served(self, req: Requirement) -> tuple[Evidence, ...]:
        """Live routes on the paths a requirement's sentence names without a method
        (``Integration with existing conversation API (/conversation/send)``, ``Backend API
        responds to health check endpoint (/health)``): evidence of kind ``named-path``,
        asked only of an item no other evidence owns. A family (``/api/v1/cvs/*``) names no
        one route, and a route being served says nothing of who may call it (``Protect
        /api/v1/cvs endpoints``); nor does it vouch for a task's route work (TA020)."""
        if req.kind not in (ReqKind.REQUIREMENT, ReqKind.CRITERION) or _ACCESS.search(req.title):
            return ()
        out: list[Evidence] = []
        for method, path in paths_written(req.title):
            if method is not None or path.endswith("/") or not re.search(r"/[A-Za-z]", path):
                continue
            hits = [i for i in range(len(self.routes)) if self.reached_as(i, path)]
            loose = loose_path(path)
            if not hits and loose == normalize_path(path):
                # written below the API's version prefix ("an /evidence endpoint" that the
                # app serves as /api/v1/evidence): the route whose path is it under that
                # prefix, when there is only one
                hits = [i for i, r in enumerate(self.routes) if loose_path(r.path) == loose]
                hits = hits if len({self.routes[i].path for i in hits}) == 1 else []
            for i in hits:
                route = self.routes[i]
                methods = "/".join(route.methods)
                via = f"endpoint {methods} {route.path} (its path named in its text)"
                out.append(Evidence(route.location, route.handler, via, "named-path"))
        return tuple(sorted(set(out), key=lambda e: (e.location, e.symbol, e.via)))

    def _status(self, req: Requirement, impl: Sequence[Evidence]) -> tuple[ReqStatus, Owner | None]:
        """A requirement's status, and who owns it when that is not the Python backend.

        Python evidence wins; then what the item names or does, who cites it, and the
        feature it belongs to (:mod:`traceaudit.trace.ownership`).
        """
        if req.scope is Scope.OUT_OF_SCOPE:
            return ReqStatus.OUT_OF_SCOPE, None
        if req.scope is Scope.NOT_BACKEND:
            # a user interface's sentence ("THE Frontend Application SHALL call the backend
            # API ...") in a feature that is the frontend's is that frontend's item, whatever
            # of the server side it names
            feature = self.ownership.feature_of(req.spec_path)
            if feature is not None and feature.owner == OUTSIDE:
                return ReqStatus.OUTSIDE_PYTHON, feature
            return ReqStatus.NOT_BACKEND, None
        python = [e for e in impl if e.kind != "outside-python"]
        if python:
            return ReqStatus.IMPLEMENTED, None
        owner = nature(req) or self.ownership.item(req)
        if owner is None or owner.owner != PYTHON:
            other = [e for e in impl if e.kind == "outside-python"]
            if owner is None and other:
                where = ", ".join(str(e.location) for e in other[:2])
                owner = Owner(OUTSIDE, f"cited only by code outside Python ({where})")
            if owner is None:
                parent = self.index.by_key.get(req.parent_key) if req.parent_key else None
                owner = (
                    self._endpoints_owner(req)
                    or self.ownership.assigned(req)
                    or self._linked_tasks_owner(req)
                    or self.ownership.sentence(req)
                    or self.ownership.story(req, parent)
                    or self.ownership.parent_task(req, self._parent_task(req, parent))
                    or self.ownership.feature(req)
                    or self.ownership.alike_tasks(req)
                )
        if owner is not None and owner.owner == OUTSIDE:
            return ReqStatus.OUTSIDE_PYTHON, owner
        if owner is not None and owner.owner == NOT_CODE:
            if req.kind in INFORMATIONAL_KINDS or owner.informational:
                return ReqStatus.INFORMATIONAL, owner
            return ReqStatus.NOT_BACKEND, owner
        return _status(req, False), None

    def _parent_task(self, req: Requirement, parent: Requirement | None) -> Requirement | None:
        """The task a task belongs to: the one it is nested under, else the task its number
        extends in the same file (``7.2`` of ``7.``, written at the same indentation)."""
        if parent is not None or req.kind is not ReqKind.TASK or "." not in req.id:
            return parent
        return self.index.by_key.get(f"{req.spec_path}::{req.id.rsplit('.', 1)[0]}")

    def _linked_tasks_owner(self, req: Requirement) -> Owner | None:
        """Outside Python when every task that says it implements the requirement (a link
        it writes, as Kiro's ``_Requirements: 5.1, 5.2_``) is code outside Python
        by what it names or by its parent task: the reviewer who looks for its code finds it
        in the frontend. A task whose side nothing shows leaves the question open."""
        if req.kind not in (ReqKind.REQUIREMENT, ReqKind.CRITERION):
            return None
        if self.ownership.names_server_side(req):
            return None  # "MUST remove the stock and its data": the server's too
        node = f"req:{req.key}"
        if node not in self.g:
            return None
        tasks = [
            t for src, _, d in self.g.in_edges(node, data=True)
            if d.get("rel") == "implements" and (t := self.index.by_key.get(src[4:])) is not None
            and t.kind is ReqKind.TASK
        ]  # fmt: skip
        if not tasks:
            return None
        owners: list[Owner] = []
        for task in sorted(tasks, key=lambda t: t.location.line):
            parent = self.index.by_key.get(task.parent_key) if task.parent_key else None
            parent = self._parent_task(task, parent)
            owner = self.ownership.item(task) or self.ownership.parent_task(task, parent)
            if owner is None or owner.owner != OUTSIDE:
                return None
            owners.append(owner)
        ids = ", ".join(t.id for t in sorted(tasks, key=lambda t: t.location.line)[:3])
        return Owner(OUTSIDE, f"the tasks that implement it ({ids}) make only code outside "
                              f"Python: {owners[0].reason}")  # fmt: skip

    def _endpoints_owner(self, req: Requirement) -> Owner | None:
        """The owner of every endpoint the requirement declares, when that is not Python."""
        if self._declared_by is None:
            self._declared_by = defaultdict(list)
            for m in self.endpoint_matches:
                if m.endpoint.requirement_key is not None:
                    self._declared_by[m.endpoint.requirement_key].append(m.owner)
        owners = self._declared_by.get(req.key, [])
        if owners and all(o is not None and o.owner == OUTSIDE for o in owners):
            return owners[0]
        return None

    def cited_by_python(self, key: str) -> bool:
        """Whether Python code (not a test) cites the requirement itself, or an item
        that is not a task and links to it.

        A route that serves an endpoint, or a citation of another task that links the
        same requirement, traces the requirement but says nothing of a sibling task's
        own work (``T031 [US1] Create state_manager.py`` next to ``T034 [US1] Implement
        POST /mastery/query``).
        """
        by_key = self.index.by_key
        for path in self._evidence_sources(f"req:{key}"):
            if not path[0].startswith("sym:"):
                continue
            ref: CodeRef = self.g.edges[path[0], path[1]]["ref"]
            if ref.is_test or ref.language != "python":
                continue
            hops = [n[4:] for n in path[1:-1] if n.startswith("req:")]
            if not any(h in by_key and by_key[h].kind is ReqKind.TASK for h in hops):
                return True
        return False

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

    def _named_without_method(self) -> dict[str, str]:
        """Normalised path -> where a spec first names it, for the paths the specs name
        only without a method (`/health`, "from the /performance endpoint"): no spec
        declares or mentions any method on them, so the name says which route it is. A
        path that some declaration gives methods to documents only those methods, and a
        path that declared paths lie below is their base, not a route."""
        with_method = {normalize_path(ep.path) for ep in (*self.all_endpoints, *self.mentions)}
        # A path that declared paths lie below is their base (`/api` of `POST /api/roast`):
        # looked up in the sorted paths, never by listing every prefix of every path (a
        # server URL of 500,000 segments would make that quadratic in memory).
        ordered = sorted(with_method)

        def is_base(norm: str) -> bool:
            below = norm + "/"
            at = bisect.bisect_left(ordered, below)
            return at < len(ordered) and ordered[at].startswith(below)

        out: dict[str, str] = {}
        for doc in self.docs:
            for path, line in doc.named_paths:
                norm = normalize_path(path)
                if norm not in with_method and norm.strip("/") != "{}" and not is_base(norm):
                    out.setdefault(norm, f"{doc.path}:{line}")
        return out

    def route_results(self) -> tuple[RouteResult, ...]:
        """Each route with whether the spec documents it and which requirements it serves.

        A near miss (the spec declares another method or prefix; TA006/TA007 say
        so) documents the route too: one discrepancy, one finding. So does a mention
        in a document that declares nothing (a report, research notes, a quick start):
        a reader finds the route described there.
        """
        out: list[RouteResult] = []
        named = self._named_without_method()
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
                by.update(
                    f"{ep.location} (mentioned)"
                    for ep in self.mentions
                    if serves_method(ep.method, route.methods) and self.reached_as(i, ep.path)
                )
            if not by:
                by.update(
                    f"{named[norm]} (its path, named without a method)"
                    for norm in {normalize_path(p) for p in self.public_paths[i]}
                    if norm in named
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


# Folder and file words that every project has: they name no feature.
_GENERIC_FOLDER_WORDS = frozenset(
    {"src", "app", "apps", "api", "apis", "lib", "libs", "core", "common", "shared", "test",
     "tests", "scripts", "script", "utils", "util", "main", "init", "__init__", "models",
     "model", "routes", "routers", "router", "services", "service", "server", "backend",
     "web", "py", "index", "spec", "specs", "docs", "v1", "v2", "and", "the", "of"}
)  # fmt: skip

_GENERIC_FOLDER_STEMS = frozenset(stem(w) for w in _GENERIC_FOLDER_WORDS)


def _folder_words(name: str) -> set[str]:
    """The stems of a folder or file name's words: ``customers`` and ``customer`` meet."""
    return {stem(w) for w in re.split(r"[-_.\s]+", name.lower()) if w}


_USER_STORY = re.compile(r"(?i)^\s*(?:\*\*)?user\s+story\b|^\s*as\s+an?\s")

_VERIFY_LINE = re.compile(
    r"(?im)^\s*(?:\*\*)?(?:verify|verification|validate|validation|check)(?:\*\*)?\s*:\s*(.+)$"
)


def _common_folders(linked: Sequence[LinkedRef]) -> dict[tuple[str, ...], set[str]]:
    """Per docstring or comment that cites two ids or more, all still ambiguous: the spec
    folder that defines every one of them, when only one does (``Requirements: 3.7-3.9,
    6.2-6.6, 7.2-7.6`` where one Kiro feature of 37 has all those criteria)."""
    folders: dict[tuple[str, ...], list[set[str]]] = defaultdict(list)
    values: dict[tuple[str, ...], set[str]] = defaultdict(set)
    settled: set[tuple[str, ...]] = set()
    for item in linked:
        if item.ref.target.kind is not RefKind.ID:
            continue
        key = _block(item.ref)
        res = item.resolution
        if res.status == "ok":
            settled.add(key)
        elif res.status == "ambiguous" and all(c.startswith("req:") for c in res.candidates):
            folders[key].append({_folder(node_spec(c)) for c in res.candidates})
            values[key].add(item.ref.target.value)
    out: dict[tuple[str, ...], set[str]] = {}
    for key, sets in folders.items():
        if key in settled or len(values[key]) < 2:
            continue  # settled ids speak for the block already (see _by_neighbours)
        shared = set.intersection(*sets)
        if len(shared) == 1:
            out[key] = shared
    return out


def _story_file(req: Requirement) -> bool:
    """Whether a story lives in a file of its own, named by its number."""
    number = req.id.removeprefix("Story ").strip()
    if not _NUMBERED.fullmatch(number):
        return False
    name = PurePosixPath(req.spec_path).name.lower()
    return name.startswith((number + ".", number.replace(".", "-") + "-"))


# Path segments that say whom an endpoint is for: the same resource under one of them is
# another endpoint (the administrators'), never the same one moved under a router prefix.
_AUDIENCE_SEGMENTS = frozenset({"admin", "internal", "public", "private"})


def _written_in_full(ep: DeclaredEndpoint) -> bool:
    """Whether a declared path is written from the API's root: it starts with an ``api``
    or version segment, or an OpenAPI document or a stated base gives it its root. A
    Markdown path below a router's prefix is relative (``trace/declared.py`` places it)."""
    if ep.source == "openapi" or any(h.startswith("base:") for h in ep.hints):
        return True
    first = next((s for s in ep.path.split("/") if s), "")
    return bool(re.fullmatch(r"v\d+|api", first))


def _join_base(base: str, path: str) -> str:
    return base.rstrip("/") + ("/" + path.lstrip("/") if path.strip("/") else "")


def _folder(path: str) -> str:
    return str(PurePosixPath(path).parent)


def _traced_through_criteria(results: list[RequirementResult]) -> tuple[RequirementResult, ...]:
    """A requirement heading whose own id no code cites, but whose acceptance criteria
    Python code implements (Kiro's ``### Requirement 5`` with ``5.1`` cited in a model's
    docstring and served by a route; a BMAD story whose ``AC2`` a handler cites): a reviewer
    follows the criteria and finds the trace. The heading is implemented through them; the
    criteria nobody traces keep their own findings, so nothing is said twice. One whose
    criteria code outside Python owns, every one, is owned there too; one whose criteria
    are none of them the backend's code (outside Python, or no code items) is not-backend."""
    children: dict[str, list[RequirementResult]] = defaultdict(list)
    for res in results:
        req = res.requirement
        if req.kind is ReqKind.CRITERION and req.parent_key:
            children[req.parent_key].append(res)
    out: list[RequirementResult] = []
    for res in results:
        req = res.requirement
        if (
            res.status is ReqStatus.UNIMPLEMENTED
            and req.kind in (ReqKind.REQUIREMENT, ReqKind.STORY)
            and children.get(req.key)
        ):
            via: list[Evidence] = []
            for child in children[req.key]:
                if child.status is not ReqStatus.IMPLEMENTED:
                    continue
                python = [e for e in child.implemented_by if e.kind != "outside-python"]
                if python:
                    e = python[0]
                    via.append(
                        Evidence(
                            e.location,
                            e.symbol,
                            f"via its criterion {child.requirement.id}",
                            "transitive",
                        )
                    )
            if via:
                evidence = tuple(sorted(set(via), key=lambda e: (e.location, e.symbol, e.via)))
                res = replace(res, status=ReqStatus.IMPLEMENTED, implemented_by=evidence)
            elif all(c.owner in (OUTSIDE, NOT_CODE) for c in children[req.key]):
                # its criteria say what it asks, and none of them is the backend's code
                ids = ", ".join(c.requirement.id for c in children[req.key])
                if all(c.owner == OUTSIDE for c in children[req.key]):
                    res = replace(
                        res, status=ReqStatus.OUTSIDE_PYTHON, owner=OUTSIDE,
                        note=f"its acceptance criteria ({ids}) are all code outside Python",
                    )  # fmt: skip
                else:
                    res = replace(
                        res, status=ReqStatus.NOT_BACKEND, owner=NOT_CODE,
                        note=f"its acceptance criteria ({ids}) are no code items of the backend",
                    )  # fmt: skip
        out.append(res)
    return tuple(out)


def _traced_through_parent(results: tuple[RequirementResult, ...]) -> tuple[RequirementResult, ...]:
    """With ``criteria-by-story``: an acceptance criterion no code cites is traced through
    its story (or requirement) when Python code cites that itself ("Story 3.5: SLA
    thresholds" in a module docstring), for teams that cite stories, not criteria. The
    evidence says so ("via its story Story 3.5"); a parent implemented only through its
    criteria lends nothing."""
    by_key = {res.requirement.key: res for res in results}
    out: list[RequirementResult] = []
    for res in results:
        req = res.requirement
        parent = by_key.get(req.parent_key) if req.parent_key else None
        if (
            res.status is ReqStatus.UNIMPLEMENTED
            and req.kind is ReqKind.CRITERION
            and parent is not None
            and parent.status is ReqStatus.IMPLEMENTED
        ):
            cited = [
                e for e in parent.implemented_by
                if e.kind in ("reference", "transitive") and not e.via.startswith("via its ")
            ]  # fmt: skip
            if cited:
                e = cited[0]
                label = parent.requirement.kind.value
                via = Evidence(e.location, e.symbol, f"via its {label} {parent.requirement.id}",
                               "transitive")  # fmt: skip
                res = replace(res, status=ReqStatus.IMPLEMENTED, implemented_by=(via,),
                              routes=parent.routes)  # fmt: skip
        out.append(res)
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
