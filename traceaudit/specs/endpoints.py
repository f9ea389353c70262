"""The endpoints a whole spec file declares, with their scope, auth and statuses.

:func:`find_endpoints` walks the flattened blocks of a file (headings, lines,
list items, tables, fences) with the recognisers of
:mod:`traceaudit.specs.recognise`, gives each endpoint the requirement or
section it belongs to, drops mentions of endpoints declared elsewhere, and
applies the evidence of field lines and section statements ("All endpoints
require a JWT ... except ...") to the endpoints in their scope.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from traceaudit.specs.recognise import (
    Found,
    endpoint_only,
    endpoints_anywhere,
    endpoints_at_start,
    endpoints_in_prose,
    fence_endpoint,
    row_endpoints,
    split_field,
    table_roles,
)
from traceaudit.specs.statements import (
    auth_parenthetical,
    auth_required,
    is_auth_label,
    response_line_status,
    status_of_cell,
    statuses_in,
    statuses_of_field,
)
from traceaudit.specs.text import (
    Blocks,
    Heading,
    Line,
    SectionIndex,
    collapse,
    paint,
    paragraphs,
    strip_number,
)

_AUTH_SECTION = re.compile(r"(?i)^(?:auth\w*|security|access(?:\s+control)?)\b")
# A bold lead that is itself an auth statement about the endpoint of its section:
# "**Public endpoint** - No authentication required", "**Requires authentication**".
_AUTH_LEAD = re.compile(
    r"(?i)^(?:(?:public|protected|private|authenticated|unauthenticated|anonymous)"
    r"(?:\s+(?:endpoint|route|api|access))?|(?:no\s+)?auth(?:entication)?\s+required|"
    r"requires?\s+auth(?:entication)?|login\s+required)[.!]?$"
)
_ALL_ENDPOINTS = re.compile(
    r"(?i)\ball\s+(?:(?:other|api|the|of\s+the|remaining|these|rest\s+of\s+the|http|rest)\s+)*"
    r"(?:endpoints|routes|requests|apis|operations)\b[^.!?\n]*"
)
_EXCEPT = re.compile(
    r"(?i)\b(?:except|excluding|other\s+than|apart\s+from|with\s+the\s+exception\s+of|besides)\b"
)
_EXCEPT_PATH = re.compile(
    r"(?:(?P<method>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+)?(?P<path>/[^\s`'\",;()\[\]]*)"
)
_STATEMENT_AUTH = re.compile(
    r"(?i)\b(?:auth\w*|jwts?|bearer|tokens?|login|logged|public|api[\s_-]?keys?)\b"
)
# Endpoints that obtain credentials (or never need them): see section_auth.
AUTH_ENTRY = re.compile(
    r"(?i)/(?:auth|login|logout|sign-?in|sign-?up|register|registration|tokens?|refresh|"
    r"forgot[\w-]*|reset[\w-]*|verify[\w-]*|oauth\w*|callback|health\w*|ping|docs|redoc|"
    r"openapi[\w.]*)(?![\w-])"
)
# Probes at the root of a service: /ready, /live (a path /orders/live is no probe).
_PROBE = re.compile(r"(?i)^/(?:ready|readiness|live|liveness)/?$")


def needs_no_credentials(path: str) -> bool:
    """Endpoints that obtain credentials (login, token, sign-up ...) or that probes and
    docs call: a document-wide "requires auth" never meant them."""
    return bool(AUTH_ENTRY.search(path) or _PROBE.match(path))


# A statement must say something about access, not just mention the word.
_STATEMENT_VERB = re.compile(
    r"(?i)\b(?:require[sd]?|requiring|needs?|must|protected|secured|authenticated|public|"
    r"handles?\s+auth\w*|behind)\b"
)


@dataclass(slots=True)
class Draft:
    """An endpoint being collected; ``scope`` is the line range whose statements it owns."""

    method: str
    path: str
    line: int
    source: str
    scope: tuple[int, int]
    auth: str | None = None
    auth_required: bool | None = None
    statuses: set[int] = field(default_factory=set)
    heading: int | None = None  # the heading this endpoint makes a section requirement of
    out_of_scope: bool = False
    host: str | None = None  # the host of a full URL ("http://localhost:3000")
    query: bool = False  # written with concrete query values: an example request
    mention: str = ""  # why this names an endpoint without declaring it (an example ...)
    hints: tuple[str, ...] = ()  # how to resolve a relative path (see resolve_hints)
    in_task: bool = False  # named on the lines of a task item

    def set_auth(self, raw: str | None) -> None:
        """Take the first auth statement only; blanks and dashes state nothing."""
        if raw and raw.strip().lower() not in _NO_STATEMENT and self.auth is None:
            self.auth = collapse(raw)
            self.auth_required = auth_required(raw)


_NO_STATEMENT = frozenset({"", "-", "–", "—", "n/a", "?", "tbd"})


@dataclass(slots=True)
class Evidence:
    """Auth and status statements by line, before they are given to endpoints."""

    auth: list[tuple[int, str]] = field(default_factory=list)
    statuses: list[tuple[int, set[int]]] = field(default_factory=list)


def _draft(f: Found, line: int, source: str, scope: tuple[int, int]) -> Draft:
    """A draft for what a recogniser found, with how it was written (host, query)."""
    draft = Draft(f.method, f.path, line, source, scope, host=f.host, query=f.query)
    if f.item:
        draft.hints = ("item",)  # served by the route of one item: /v1/profiles/{id}
    return draft


def _add(eps: list[Draft], seen: set[tuple[str, str, int]], ep: Draft) -> Draft | None:
    key = (ep.method, ep.path, ep.line)
    if key in seen:
        return None
    seen.add(key)
    eps.append(ep)
    return ep


def find_endpoints(
    blocks: Blocks, task_spans: Sequence[tuple[int, int]] = ()
) -> tuple[list[Draft], Evidence]:
    """Every endpoint a file declares, with the auth/status statements seen on the way.

    ``task_spans`` are the lines of task items (``- [ ] T014 Implement GET
    `/api/tasks` in ...``, with their sub-bullets): a task names the endpoint
    it builds anywhere on its lines, not only at the start.
    """
    in_task = paint(list(task_spans), blocks.n_lines)
    eps: list[Draft] = []
    seen: set[tuple[str, str, int]] = set()
    evidence = Evidence()

    for k, head in enumerate(blocks.headings):
        for f in endpoints_anywhere(head.title):
            draft = Draft(f.method, f.path, head.line, "heading", (head.line, head.end))
            draft.query = f.query
            ep = _add(eps, seen, draft)
            if ep:
                ep.heading = k
                ep.set_auth(auth_parenthetical(head.title[f.end :], ep.path))

    for table in blocks.tables:
        roles = table_roles(table.header)
        why = _table_mention(table.header, table.rows)
        for line, cells in table.rows:
            found = row_endpoints(cells, roles)
            status = (
                status_of_cell(cells[roles.status])
                if roles.status is not None and roles.status < len(cells)
                else None
            )
            if status is not None:
                evidence.statuses.append((line, {status}))
            for f in found:
                draft = _draft(f, line, "table", (line, line))
                ep = _add(eps, seen, draft)
                if ep is None:
                    continue
                if f.grouped:
                    ep.hints = (*ep.hints, "any-method")
                ep.mention = why
                if roles.auth is not None and roles.auth < len(cells):
                    ep.set_auth(cells[roles.auth])
                path_cell = cells[roles.path] if roles.path is not None else ""
                ep.set_auth(auth_parenthetical(path_cell, ep.path))

    fields: list[tuple[Line, Found, str, str]] = []
    for ln in blocks.lines:
        task = 0 <= ln.line < len(in_task) and in_task[ln.line] >= 0
        _line_endpoints(blocks, ln, eps, seen, evidence, fields, task)
    _scope_fields(blocks, fields, eps, seen)

    for fence in blocks.fences:
        start = len(eps)
        diagram = is_diagram(fence.lines)
        for line, text in fence.lines:
            for f in fence_endpoint(text):
                draft = _draft(f, line, "fence", (line, line))
                ep = _add(eps, seen, draft)
                if ep:
                    ep.set_auth(auth_parenthetical(text[f.end :], ep.path))
                    if diagram:
                        ep.mention = "a label in a diagram"
        if len(eps) - start == 1 and fence.lines:
            eps[start].scope = (fence.lines[0][0], fence.lines[-1][0])
            for line, text in fence.lines:
                code = response_line_status(text)
                if code is not None:
                    evidence.statuses.append((line, {code}))
    return _drop_mentions(eps), evidence


_DIAGRAM_GLYPH = re.compile(r"[─-╿→←↑↓⇒⇐►◄▶◀]|-{2,}>|<-{2,}|->>|-->|==>")
_ARROW = re.compile(r"[→←⇒⇐►◄▶◀]|-{1,}>|<-{1,}|─+>|<─+|==>|->>")


def is_diagram(lines: Sequence[tuple[int, str]]) -> bool:
    """A fenced block drawn as a diagram (a sequence or flow chart): box-drawing
    characters and arrows on many lines, arrows on at least two. Its method-and-path
    labels ("2. API client call GET /api/tasks") illustrate a flow; they declare nothing."""
    text = [t for _, t in lines if t.strip()]
    if not text:
        return False
    drawn = sum(1 for t in text if _DIAGRAM_GLYPH.search(t))
    arrows = sum(1 for t in text if _ARROW.search(t))
    return arrows >= 2 and drawn >= 0.3 * len(text)


# A measurement: "50ms", "1.5s", "99.9%", "200 rps", "< 2 s".
_MEASURE = re.compile(
    r"(?i)^[<>≤≥~]?\s*\d+(?:[.,]\d+)?\s*(?:ms|s|sec|secs|seconds|min|%|rps|tps|qps|req/s|"
    r"requests?/s|/s|k|m|mb|kb|x)?\+?$"
)
_MEASURE_HEADER = re.compile(
    r"(?i)^(?:p\d{2,3}|latency|throughput|tps|rps|qps|sla|target|max|min)\b"
)
# A column naming the service an endpoint belongs to when that is another service:
# "Target Service", "Callee", "Upstream", "Depends on", and their translations.
_OTHER_SERVICE_HEADER = re.compile(
    r"(?i)\b(?:target|callee|upstream|downstream|dependenc(?:y|ies)|depends|calls?|consumer)\b|"
    r"대상|호출|依赖|调用|対象|呼び出し"
)


def _table_mention(header: list[str], rows: Sequence[tuple[int, list[str]]]) -> str:
    """Why a table's endpoints are mentions, or "": a table of performance targets
    (the other cells are measurements), or of calls to another service."""
    if any(_OTHER_SERVICE_HEADER.search(cell) for cell in header):
        return "a table of calls to another service"
    measured = total = 0
    for _, cells in rows:
        for cell in cells[1:]:
            total += 1
            measured += bool(_MEASURE.match(cell.strip()))
    heads = sum(1 for cell in header[1:] if _MEASURE_HEADER.match(cell.strip()))
    if total and (measured >= 0.6 * total or (heads and measured >= 0.4 * total)):
        return "a table of performance targets"
    return ""


def _line_endpoints(
    blocks: Blocks,
    ln: Line,
    eps: list[Draft],
    seen: set[tuple[str, str, int]],
    evidence: Evidence,
    fields: list[tuple[Line, Found, str, str]],
    task: bool = False,
) -> None:
    """Endpoints, auth and status statements on one paragraph line (of a task when ``task``)."""
    pair = split_field(ln.plain, ln.lead_bold)
    if pair is not None:
        label, value = pair
        found = endpoints_at_start(value)
        fields.extend((ln, f, value[f.end :], label) for f in found)
        if is_auth_label(label) and value:
            evidence.auth.append((ln.line, value))
        codes = statuses_of_field(label, value)
    else:
        found, codes = [], statuses_in(ln.plain)
        if ln.lead_bold is not None and _AUTH_LEAD.match(ln.lead_bold.strip()):
            evidence.auth.append((ln.line, ln.plain))
    if codes:
        evidence.statuses.append((ln.line, codes))
    if found:
        return

    def add(f: Found, source: str, scope: tuple[int, int]) -> None:
        ep = _add(eps, seen, _draft(f, ln.line, source, scope))
        if ep:
            ep.in_task = task
            ep.set_auth(auth_parenthetical(ln.plain[f.end :], ep.path))
        found.append(f)

    if task and ln.item is not None:
        item = blocks.items[ln.item]
        scope = (item.start, item.end) if ln.first_of_item else (ln.line, ln.line)
        for f in endpoints_anywhere(ln.plain):
            add(f, "bullet", scope)
    elif ln.first_of_item and ln.item is not None:
        item = blocks.items[ln.item]
        for f in endpoints_at_start(ln.plain):
            add(f, "bullet", (item.start, item.end))
    elif ln.item is None:
        for f in endpoints_at_start(ln.plain):
            add(f, "inline", (ln.line, ln.line))
    taken = {(f.method, f.path) for f in found}
    for code in ln.codes:
        for f in endpoint_only(code):
            if (f.method, f.path) not in taken:
                found_here = replace(f, end=len(ln.plain))
                add(found_here, "inline", (ln.line, ln.line))
    taken = {(f.method, f.path) for f in found}
    for f in endpoints_in_prose(ln.plain):
        if (f.method, f.path) not in taken:
            add(f, "prose", (ln.line, ln.line))


def _scope_fields(
    blocks: Blocks,
    fields: list[tuple[Line, Found, str, str]],
    eps: list[Draft],
    seen: set[tuple[str, str, int]],
) -> None:
    """Field endpoints (``**Route**: GET /x``) take their section, or a slice of it.

    When a section's own body declares one endpoint by a route field line
    (label Route, Endpoint, Path, URL, API, Request ...), that section describes
    the endpoint: its scope is the whole section and the heading becomes the
    endpoint's section requirement. Several field endpoints in one body each
    get the lines up to the next one. A field with another label
    (``**Backend**: `PUT /x` endpoint, Pydantic models``) only mentions the
    endpoint: its scope is its own list item or line.
    """
    sections = SectionIndex(blocks.headings)
    by_section: dict[int | None, list[tuple[Line, Found, str]]] = {}
    for ln, f, tail, label in fields:
        if _ROUTE_LABEL.match(label.strip()):
            by_section.setdefault(sections.at(ln.line), []).append((ln, f, tail))
            continue
        item = blocks.items[ln.item] if ln.item is not None else None
        scope = (item.start, item.end) if item is not None else (ln.line, ln.line)
        ep = _add(eps, seen, _draft(f, ln.line, "field", scope))
        if ep is not None:
            ep.set_auth(auth_parenthetical(tail, ep.path))
    for sec, group in by_section.items():
        head = blocks.headings[sec] if sec is not None else None
        first = head.line if head else 1
        last = head.end if head else (blocks.headings[0].line - 1 if blocks.headings else 0)
        last = last if last >= first else blocks.n_lines
        distinct = {(f.method, f.path) for _, f, _ in group}
        for n, (ln, f, tail) in enumerate(group):
            if len(distinct) == 1:
                scope = (first, last)
            else:
                nxt = group[n + 1][0].line - 1 if n + 1 < len(group) else last
                scope = (ln.line, max(ln.line, min(nxt, last)))
            ep = _add(eps, seen, _draft(f, ln.line, "field", scope))
            if ep is None:
                continue
            if len(distinct) == 1 and sec is not None:
                ep.heading = sec
            ep.set_auth(auth_parenthetical(tail, ep.path))


_ROUTE_LABEL = re.compile(
    r"(?i)^(?:http\s+)?(?:route|endpoint|path|url|uri|api|request|operation|method|resource|"
    r"api\s+endpoint|api\s+route)s?$"
)


def _drop_mentions(eps: list[Draft]) -> list[Draft]:
    """Drop an endpoint repeated inside the scope of its own declaration.

    ``### POST /users`` followed by "Call `POST /users` with ..." declares one
    endpoint, not two.
    """
    eps.sort(key=lambda e: (e.line, e.method, e.path))
    kept: list[Draft] = []
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}  # (method, path) -> open scopes
    for ep in eps:
        key = (ep.method, ep.path)
        scopes = spans.setdefault(key, [])
        if any(start < ep.line <= end for start, end in scopes):
            continue
        kept.append(ep)
        if ep.scope[1] > ep.scope[0]:
            scopes.append(ep.scope)
    return kept


def apply_evidence(
    eps: list[Draft], evidence: Evidence, n_lines: int, headings: Sequence[Heading] = ()
) -> None:
    """Give each statement to the endpoints of the innermost scope that holds its line.

    A statement outside every endpoint's scope (``**Auth**: Public`` after a
    paragraph that names ``POST /login``) goes to the endpoint of its heading's
    own body, when that body declares exactly one: with several, which one it
    speaks of is a guess, and no statement is better than a wrong one.
    """
    scopes = sorted({e.scope for e in eps})
    index = {s: k for k, s in enumerate(scopes)}
    members: dict[int, list[Draft]] = {}
    for ep in eps:
        members.setdefault(index[ep.scope], []).append(ep)
    owner = paint(scopes, n_lines)

    def owners(line: int) -> list[Draft]:
        if 0 <= line < len(owner) and owner[line] in members:
            return members[owner[line]]
        body = next((h for h in headings if h.line < line <= max(h.body_end, h.line)), None)
        if body is None:
            return []
        mine = [ep for ep in eps if body.line <= ep.line <= body.body_end]
        return mine if len({(ep.method, ep.path) for ep in mine}) == 1 else []

    for line, raw in evidence.auth:
        for ep in owners(line):
            ep.set_auth(raw)
    for line, codes in evidence.statuses:
        for ep in owners(line):
            ep.statuses.update(c for c in codes if 100 <= c <= 599)


def section_auth(blocks: Blocks, eps: list[Draft]) -> None:
    """ "All endpoints require a JWT except ..." applies to the endpoints of its section.

    A statement in a section titled Authentication/Security applies to the
    parent section (the whole file at the top). A statement whose except clause
    names no path is skipped: we cannot tell which endpoints it spares. Nor is
    a "require" statement applied to the endpoints that obtain credentials
    (login, register, token, OAuth callbacks) or health/docs endpoints: the
    statement's author did not mean those, and a wrong claim is worse than none.
    """
    sections = SectionIndex(blocks.headings)
    for lines in paragraphs(blocks):
        text = " ".join(x.plain for x in lines)
        for m in _ALL_ENDPOINTS.finditer(text):
            sentence = m.group(0)
            if not (_STATEMENT_AUTH.search(sentence) and _STATEMENT_VERB.search(sentence)):
                continue
            spared: list[tuple[str | None, str]] = []
            exc = _EXCEPT.search(sentence)
            core = sentence
            if exc:
                for pm in _EXCEPT_PATH.finditer(sentence[exc.end() :]):
                    spared.append((pm["method"], pm["path"].rstrip(".,:;!?'\"")))
                if not spared:
                    continue
                core = _EXCEPT_PATH.sub("", sentence[: exc.start()] + sentence[exc.end() :])
            required = auth_required(core)
            if required is None:
                continue
            first, last = _statement_scope(blocks, sections.at(lines[0].line))
            for ep in eps:
                if ep.auth is not None or not first <= ep.line <= last:
                    continue
                free = any(_spares(method, path, ep) for method, path in spared)
                if required and not free and AUTH_ENTRY.search(ep.path):
                    continue  # "all endpoints need a token" never meant the login endpoint
                ep.auth = collapse(sentence)
                ep.auth_required = (not required) if free else required


def _statement_scope(blocks: Blocks, sec: int | None) -> tuple[int, int]:
    if sec is None:
        return 1, blocks.n_lines
    head = blocks.headings[sec]
    if _AUTH_SECTION.match(strip_number(head.title)):
        if head.parent is None:
            return 1, blocks.n_lines
        parent = blocks.headings[head.parent]
        return parent.line, parent.end
    return head.line, head.end


def _spares(method: str | None, pattern: str, ep: Draft) -> bool:
    if method is not None and method != ep.method:
        return False
    if pattern.endswith("*"):
        return ep.path.startswith(pattern.rstrip("*"))
    return ep.path.rstrip("/") == pattern.rstrip("/") or ep.path == pattern
