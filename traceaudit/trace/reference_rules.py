"""Rules about references and ids: TA003 dangling, TA004 ambiguous, TA005 duplicate,
TA024 a citation of an item the citing handler does not implement.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import PurePosixPath

from traceaudit.model import DeclaredEndpoint, Finding, RefKind, ReqKind, Requirement
from traceaudit.refs import id_prefix
from traceaudit.trace.graph import LinkedRef
from traceaudit.trace.paths import normalize_path, routes_written
from traceaudit.trace.rules import CheckContext, finding, route_name

SPEC_FILE_NAMES = frozenset(
    {"spec.md", "requirements.md", "tasks.md", "design.md", "plan.md", "prd.md", "epics.md"}
)


def _is_spec_path(ctx: CheckContext, written: str) -> bool:
    """Whether a path in a reference means a spec (not README.md or docs/architecture.md)."""
    clean = _written_spec(written)
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
    # The words of a citation read one way that resolved: "Story 1.1 AC1" is both the
    # story's criterion 1.1.1 and the id AC1; where the story defines AC1, the other
    # reading names nothing and is not a finding.
    resolved = {
        (lk.ref.location.path, lk.ref.location.line, lk.ref.target.text)
        for lk in ctx.graph.linked
        if lk.resolution.status != "dangling"
    }
    # Ids of a family that no spec read defines at all (`FR-113` where no spec has an
    # `FR-` id) say one thing together: the specs they cite are not among those read.
    # That is one finding per family, at its first citation, not one per citation.
    unknown: dict[str, list[LinkedRef]] = defaultdict(list)
    # The same holds for citations qualified by a spec file that is not there (`plan.md
    # FR-003` where no spec file read is a plan.md): one finding per spec named.
    absent: dict[str, list[LinkedRef]] = defaultdict(list)
    index = ctx.graph.index
    for linked in ctx.graph.linked:
        res = linked.resolution
        if res.status != "dangling" or not _counts_as_reference(ctx, linked):
            continue
        ref = linked.ref
        if ref.target.text != ref.target.value and (
            (ref.location.path, ref.location.line, ref.target.text) in resolved
        ):
            continue
        family = id_prefix(ref.target.value)
        # Code outside Python cites the specs the audit reads, or it cites its own documents
        # (a frontend's roadmap features `F015`): only an id of a family the specs define that
        # names nothing is the audit's to report there.
        foreign = ref.language != "python"
        if (
            ref.target.kind is RefKind.ID and ref.target.spec is None and not res.parts
            and family.strip() and family not in index.prefixes
        ):  # fmt: skip
            if not foreign:
                unknown[family].append(linked)
            continue
        if ref.target.spec is not None and not index.files_matching(ref.target.spec):
            absent[_written_spec(ref.target.spec)].append(linked)
            continue
        text = ref.target.text or ref.target.value
        what = {
            RefKind.ID: "no requirement in the specs has this id",
            RefKind.ANCHOR: "no section of that spec has this anchor",
            RefKind.TITLE: "no spec section has this title",
            RefKind.NUMBER: "no spec section has this number",
            RefKind.FILE: "no spec file has this name",
        }[ref.target.kind]
        hint = f"; did you mean `{res.suggestion}`?" if res.suggestion else ""
        if res.parts:
            listed = ", ".join(f"`{p}`" for p in res.parts)
            hint = f"; the spec splits it into {listed}: cite the part this code implements."
        # (an id as written, with its letters: a bare number is a heading of any document)
        where = (
            ctx.elsewhere(text, False)
            if ref.target.kind is RefKind.ID and any(c.isalpha() for c in text)
            else None
        )
        if where is not None and foreign:
            continue
        if where is not None and not res.parts:
            yield finding(
                "TA003",
                f"`{text}` in {ref.symbol} names no item of the spec files read, but {where[0]} "
                "defines it, and that document is not read as a spec. Name it with --spec (or "
                "the `spec` setting) so the reference resolves, or cite the spec it came from",
                ref.location,
                text,
            )
            continue
        yield finding(
            "TA003",
            f"`{text}` in {ref.symbol} is a dangling reference: {what}{hint or '.'} Fix the "
            "reference or add the item to the spec",
            ref.location,
            text,
        )
    for family, cites in sorted(unknown.items()):
        yield _unknown_family(ctx, family, cites)
    for spec, cites in sorted(absent.items()):
        yield _absent_spec(ctx, spec, cites)


def _written_spec(spec: str) -> str:
    """A spec path as a citation writes it, without ``./`` and ``..`` parts."""
    return "/".join(p for p in PurePosixPath(spec).parts if p not in {".", ".."}) or spec


def _first_and_others(cites: list[LinkedRef], noun: str) -> tuple[LinkedRef, str]:
    """The first citation, and " and N other references (K distinct ids, in M files)"."""
    cites = sorted(cites, key=lambda lk: (lk.ref.location, lk.ref.target.value))
    ids = sorted({lk.ref.target.value for lk in cites})
    files = {lk.ref.location.path for lk in cites}
    others = ""
    if len(cites) > 1:
        others = (
            f" and {len(cites) - 1} other reference{'s' if len(cites) > 2 else ''} "
            f"({len(ids)} distinct {noun}{'s' if len(ids) > 1 else ''}, in {len(files)} "
            f"file{'s' if len(files) > 1 else ''})"
        )
    return cites[0], others


def _absent_spec(ctx: CheckContext, spec: str, cites: list[LinkedRef]) -> Finding:
    linked, others = _first_and_others(cites, "item")
    first = linked.ref
    text = first.target.text or first.target.value
    read = len(ctx.graph.index.spec_paths)
    verb = "cites" if not others else "cite"
    where = (
        f"none of the {read} spec files read matches it" if read != 1
        else "the one spec file read is not it"
    )  # fmt: skip
    return finding(
        "TA003",
        f"`{text}` in {first.symbol}{others} {verb} `{spec}`, but {where}: a dangling "
        "reference. Fix the path, point --spec at that spec, or remove the citations if "
        "the spec is gone",
        first.location,
        f"spec:{spec}",
    )


def _unknown_family(ctx: CheckContext, family: str, cites: list[LinkedRef]) -> Finding:
    linked, others = _first_and_others(cites, "id")
    first = linked.ref
    read = len(ctx.graph.index.spec_paths)
    where = (
        f"none of the {read} spec files read defines any `{family}` id" if read != 1
        else f"the one spec file read defines no `{family}` id"
    )  # fmt: skip
    # a document that defines one of the ids cited, else one that defines others of the
    # family (then only maybe the specs these come from)
    cited = sorted({lk.ref.target.text or lk.ref.target.value for lk in cites})
    found = next((f for c in cited if (f := ctx.elsewhere(c, False)) is not None), None)
    some = ctx.elsewhere(family, True) if found is None else None
    said = None
    if found is not None:
        said = (f"but {found[0]} defines `{found[1]}`, and that document is not read as a "
                "spec. Name it with --spec (or the `spec` setting) so the references resolve")
    elif some is not None:
        said = (f"but {some[0]}, a document that is not read as a spec, defines other "
                f"`{family}` ids (`{some[1]}`): the specs these come from may be among the "
                "project's documents. Name them with --spec (or the `spec` setting), or "
                "remove the citations if the specs are gone")
    if said is not None:
        return finding(
            "TA003",
            f"`{first.target.text or first.target.value}` in {first.symbol}{others} cite "
            f"`{family}` ids; {where}, {said}",
            first.location,
            f"family:{family}",
        )  # fmt: skip
    return finding(
        "TA003",
        f"`{first.target.text or first.target.value}` in {first.symbol}{others} cite "
        f"`{family}` ids, but {where}: the specs they come from are "
        "not part of this audit. Point --spec at those specs, or remove the citations if "
        "the specs are gone",
        first.location,
        f"family:{family}",
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
        if ctx.graph.words_match_none(ref, res.candidates):
            # The words say nothing of any of them: it may cite a spec that is not read.
            yield finding(
                "TA004",
                f"`{text}` in {ref.symbol} is ambiguous: it is defined in {', '.join(files)}, "
                "and the words around it match none of them; if it cites another spec, cite "
                f"that one by its path, else qualify it with the spec file, e.g. {example}",
                ref.location,
                text,
            )
            continue
        yield finding(
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
            yield finding(
                "TA005",
                f"{ident} is defined twice in {doc.path}{where}; give each requirement its own id "
                "so references to it are unambiguous",
                location,
                f"{doc.path}::{ident}",
            )


def citation_mismatch(ctx: CheckContext) -> Iterator[Finding]:
    """A handler that cites an item whose endpoints are plainly another route's.

    Conservative on purpose: the citation must name one item for certain (no other
    feature defines that id, or the reference names its spec), the handler's routes must
    be known, and every endpoint the item declares (or a task's text names) must be either
    declared on one of the handler's own paths with another method, or served by another
    route while the handler's own route is another item's declared endpoint. An endpoint
    that nothing serves elsewhere may be this handler's under a path the spec writes
    differently, and a route no item declares may do part of the cited item's work: then
    nothing is said.
    """
    graph = ctx.graph
    handlers: dict[str, list[int]] = defaultdict(list)
    for i, route in enumerate(graph.routes):
        handlers[route.handler].append(i)
    served_by: dict[int, set[int]] = {}  # endpoint index -> routes that serve it
    declared: dict[str, list[int]] = defaultdict(list)  # requirement key -> endpoint indexes
    for ei, m in enumerate(graph.endpoint_matches):
        served_by[ei] = set(m.exact + m.method_mismatch + m.path_mismatch)
        if m.endpoint.requirement_key is not None and m.owner is None:
            declared[m.endpoint.requirement_key].append(ei)
    seen: set[tuple[str, str]] = set()
    for linked in graph.linked:
        ref, res = linked.ref, linked.resolution
        mine = handlers.get(ref.symbol)
        if res.status != "ok" or ref.is_test or not mine or len(res.nodes) != 1:
            continue
        node = res.nodes[0]
        req = graph.index.by_key.get(node[4:]) if node.startswith("req:") else None
        if req is None or (ref.symbol, req.key) in seen:
            continue
        if ref.target.spec is None and graph.index.resolve(ref.target).status != "ok":
            continue  # settled among several features: not certain enough to accuse
        wanted = _wanted(ctx, req, declared.get(req.key, []), served_by)
        if not wanted:
            continue
        own_paths = [p for i in mine for p in graph.route_patterns[i]]
        # the handler's route is another item's declared endpoint: it implements that one
        theirs = any(
            i in m.exact
            for i in mine
            for m in graph.endpoint_matches
            if m.endpoint.requirement_key not in (None, req.key)
        )
        reasons: list[str] = []
        for method, path, elsewhere in wanted:
            if any(i in mine for i in elsewhere):
                reasons = []
                break  # the handler serves one of them: the citation is right
            same_path = any(p.fullmatch(normalize_path(path)) for p in own_paths)
            others = sorted(i for i in elsewhere if i not in mine)
            if others and (theirs or same_path):
                where = graph.routes[others[0]]
                handler = where.handler.split(":")[-1]
                reasons.append(f"{method} {path} (served by {handler}, {where.location})")
            elif same_path:
                reasons.append(f"{method} {path}")
            else:
                # served nowhere, or the handler's route is no item's: it may do part of the
                # cited item's work (a search beside the item's CRUD), or serve its endpoint
                # under a path the spec writes otherwise
                reasons = []
                break
        if not reasons:
            continue
        seen.add((ref.symbol, req.key))
        name = req.id if req.id != req.anchor else req.title
        title = f" ({req.title})" if req.title and req.title != name else ""
        served = ", ".join(route_name(ctx, i) for i in mine)
        text = ref.target.text or ref.target.value
        yield finding(
            "TA024",
            f"`{text}` in {ref.symbol} cites {name}{title}, which declares "
            f"{'; '.join(reasons)}, but the handler serves {served}; cite the item it "
            "implements, or move the citation to the code that implements "
            f"{name}",
            ref.location,
            req.key,
        )


def _wanted(
    ctx: CheckContext,
    req: Requirement,
    endpoints: list[int],
    served_by: dict[int, set[int]],
) -> list[tuple[str, str, set[int]]]:
    """(method, path, routes serving it) for what the item declares, or for the routes a
    task's text names."""
    graph = ctx.graph
    out = [
        (graph.endpoint_matches[ei].endpoint.method, graph.endpoint_matches[ei].endpoint.path,
         served_by[ei])
        for ei in endpoints
        if _placed(graph.endpoint_matches[ei].endpoint)
    ]  # fmt: skip
    if out or req.kind is not ReqKind.TASK:
        return out
    for method, path in routes_written(f"{req.title}\n{req.text}"):
        routes = {
            i
            for i, r in enumerate(graph.routes)
            if method in r.methods and graph.reached_as(i, path)
        }
        out.append((method, path, routes))
    return out


def _placed(ep: DeclaredEndpoint) -> bool:
    """Whether a declared path is written in full (not relative to a router left unknown)."""
    return "relative" not in ep.hints


class DocumentIds:
    """Where a project document that is not read as a spec defines an id: its heading
    (``# Task 1: Implement LLM Providers``), the first cell of a row of a table whose first
    column is headed as ids (``| S3-UNIT-013 | Unit | ...``) or a bold list lead (``-
    **NFR-09**: ...``). ``read`` gives the documents' (path, text) when a dangling citation
    first asks; they are indexed once (with the families of their ids), so each question
    is a lookup, however many citations ask. The first document, in ``read``'s order, wins."""

    def __init__(self, read: Callable[[], Iterable[tuple[str, str]]]) -> None:
        self._read = read
        # casefolded id -> ("path:line", the id as written)
        self._ids: dict[str, tuple[str, str]] | None = None
        self._families: dict[str, tuple[str, str]] = {}

    def _index(self) -> dict[str, tuple[str, str]]:
        if self._ids is None:
            self._ids = {}
            for rel, text in self._read():
                # whether the table the line is in has its first column headed as ids
                # (``| ID | Level | ...``): a row of such a table defines its id, a row of a
                # status table (``| FR-003 | done |``) only mentions it; None: no table
                id_table: bool | None = None
                for number, line in enumerate(text.splitlines(), 1):
                    in_table = line.lstrip().startswith("|")
                    if in_table and id_table is None:  # the header row
                        id_table = bool(_ID_HEADER.match(line.lstrip()))
                        continue
                    if not in_table:
                        id_table = None
                    m = _DEFINING.match(line)
                    if m is None or (m["row"] is not None and not id_table):
                        continue
                    ident = (m["head"] or m["row"] or m["lead"] or "").strip().strip("*_`").strip()
                    if not any(c.isalnum() for c in ident) or len(ident) > 40:
                        continue  # (a table's rule row, ``|----|``, names nothing)
                    where = (f"{rel}:{number}", ident)
                    self._ids.setdefault(ident.casefold(), where)
                    family = id_prefix(ident)
                    if family.strip() and ident[len(family) :][:1].isdigit():
                        self._families.setdefault(family, where)
        return self._ids

    def __call__(self, text: str, family: bool) -> tuple[str, str] | None:
        ids = self._index()
        return self._families.get(text) if family else ids.get(text.strip().casefold())


# A line that may define an id: a heading up to its first separator (``# Task 1.2: …``,
# ``### 1. Review``), a table row's first cell, a bold list lead (``- **NFR-09**:``).
_DEFINING = re.compile(
    r"^(?:#{1,6}\s+(?P<head>[*_`]*[^\s:)\]—–*_`][^:)\]—–\n]*?)(?:\s*[:)\]—–]|\s+-\s|\.\s|\.?\s*$)|"
    r"\|\s*(?P<row>[^|\n]+?)\s*\||\s*[-*+]\s+\*\*(?P<lead>[^*\n]+?)\s*:?\*\*)"
)
_ID_HEADER = re.compile(
    r"(?i)^\|\s*[*_`]*(?:ids?|#|(?:req\w*|requirement|test|task)\s*ids?|key)[*_`]*\s*\|"
)
