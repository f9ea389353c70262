"""Recognisers for endpoints in spec text, and the endpoints of a whole file.

Every function takes plain text (Markdown markup already stripped by the
caller) and returns what it finds; none raises. The patterns are deliberately
narrow: a spec line only declares an endpoint when an upper-case HTTP method is
followed by a path that starts with ``/`` (or a path is followed by
``(METHOD)``). False declarations are worse than missed ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from traceaudit.specs.statements import (
    auth_parenthetical,
    auth_required,
    is_auth_label,
    is_status_header,
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

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "WEBSOCKET")
_METHOD = r"(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|TRACE|WEBSOCKET|WS)"
_METHODS = rf"{_METHOD}(?:\s*(?:,|/|\||&|\band\b|\bor\b)\s*{_METHOD})*"
# An optional scheme and host before the path are dropped: GET https://api.x.io/v1/items.
# Paths are ASCII: "WS /ws/x即時數據" and "/api/x（新增）" end where the CJK text starts.
_PATH = r"(?:https?://[^\s/`'\"<>]+)?(?P<path>/[^\s`'\"<>|,;()\[\]\x80-\U0010ffff]*)"
# Before a method word: no ASCII letter, digit or path character ("實作POST /x" is fine).
_BEFORE = r"(?<![A-Za-z0-9_/.-])"

_AT_START = re.compile(rf"^(?P<methods>{_METHODS})\s*:?\s+{_PATH}")
_PATH_FIRST = re.compile(rf"^{_PATH}\s*\(\s*(?P<methods>{_METHODS})\s*\)")
_ANYWHERE = re.compile(rf"{_BEFORE}(?P<methods>{_METHODS})\s+{_PATH}")
_ANYWHERE_PATH_FIRST = re.compile(rf"{_BEFORE}{_PATH}\s*\(\s*(?P<methods>{_METHODS})\s*\)")
_ONE_METHOD = re.compile(_METHOD)
_CHECKBOX = re.compile(r"^\s*\[[ xX]\]\s*")
# "Label: rest" where the label is a few words (a field line without bold).
_PLAIN_FIELD = re.compile(r"^(?P<label>[^\W\d][\w /&()'-]{0,40}?)\s*[:：]\s*(?P<value>.*)$")
_PATH_TAIL = ".,:;!?*'\"`"


def normalise_method(word: str) -> str:
    """``ws`` / ``WS`` / ``WebSocket`` -> ``WEBSOCKET``; everything else upper case."""
    upper = word.strip().upper()
    return "WEBSOCKET" if upper in {"WS", "WSS", "WEBSOCKET"} else upper


def normalise_path(raw: str) -> str | None:
    """Clean a path as written; None when it is not a usable API path.

    Query strings and fragments are cut, trailing punctuation dropped, and
    Express-style ``:id`` segments become ``{id}``. ``{param}`` is kept.
    """
    path = re.split(r"[?#]", raw, maxsplit=1)[0]
    while len(path) > 1 and path[-1] in _PATH_TAIL:
        path = path[:-1]
    if not path.startswith("/") or path.startswith("//"):
        return None
    path = re.sub(r"(?<=/):([A-Za-z_]\w*)", r"{\1}", path)
    if path.count("{") != path.count("}"):
        return None
    return path


def _methods(text: str) -> list[str]:
    return [normalise_method(m.group(0)) for m in _ONE_METHOD.finditer(text)]


@dataclass(frozen=True, slots=True)
class Found:
    """An endpoint found in a piece of text; ``end`` is where its match ends."""

    method: str
    path: str
    end: int


def _found(m: re.Match[str]) -> list[Found]:
    path = normalise_path(m["path"])
    if path is None:
        return []
    return [Found(method, path, m.end()) for method in dict.fromkeys(_methods(m["methods"]))]


def endpoints_at_start(text: str) -> list[Found]:
    """Endpoints that open ``text``: ``GET /x …``, ``[ ] POST /y``, ``/z (PUT)``."""
    body = _CHECKBOX.sub("", text, count=1).lstrip()
    offset = len(text) - len(body)
    m = _AT_START.match(body) or _PATH_FIRST.match(body)
    if not m:
        return []
    return [Found(f.method, f.path, f.end + offset) for f in _found(m)]


def endpoints_anywhere(text: str) -> list[Found]:
    """Every ``METHOD /path`` or ``/path (METHOD)`` in ``text``."""
    out: list[Found] = []
    for pattern in (_ANYWHERE, _ANYWHERE_PATH_FIRST):
        for m in pattern.finditer(text):
            out.extend(_found(m))
    return out


# Case-insensitive words only: the ASCII class of _PATH must stay case-sensitive.
_PROSE = re.compile(
    rf"(?<![\w/.-])(?P<methods>(?i:{_METHOD}))\s+(?i:(?:http\s+)?(?:requests?|calls?)\s+"
    rf"(?:is\s+sent\s+|are\s+sent\s+)?(?:to|at|on|against|for)\s+(?:the\s+)?(?:endpoint\s+)?)"
    rf"{_PATH}"
)


def endpoints_in_prose(text: str) -> list[Found]:
    """Given/When/Then prose: "When I send a POST request to `/api/tasks`"."""
    out: list[Found] = []
    for m in _PROSE.finditer(text):
        if m["methods"].isupper():
            out.extend(_found(m))
    return out


def endpoint_only(text: str) -> list[Found]:
    """Endpoints when ``text`` is nothing but one (a table cell, a code span)."""
    stripped = text.strip()
    found = endpoints_at_start(stripped)
    if found and found[0].end >= len(stripped.rstrip(_PATH_TAIL + " ")):
        return found
    return []


def split_field(plain: str, lead_bold: str | None) -> tuple[str, str] | None:
    """``**Auth**: Required`` / ``**Auth:** Required`` / ``Auth: Public`` -> (label, value)."""
    if lead_bold is not None:
        label = lead_bold.strip()
        rest = plain.strip()[len(lead_bold.strip()) :] if plain.strip().startswith(label) else ""
        if label.endswith((":", "：")):
            return label[:-1].strip(), rest.strip()
        rest = rest.lstrip()
        if rest.startswith((":", "：")):
            return label, rest[1:].strip()
        return None
    m = _PLAIN_FIELD.match(plain.strip())
    if not m or len(m["label"].split()) > 5:
        return None
    return m["label"].strip(), m["value"].strip()


# --------------------------------------------------------------------------
# Tables and fenced code
# --------------------------------------------------------------------------

_METHOD_HEADER = re.compile(r"(?i)^(?:http\s+)?(?:method|verb|methods)$")
_PATH_HEADER = re.compile(
    r"(?i)^(?:path|endpoint|route|url|uri|resource|api|api\s+endpoint|url\s+pattern|"
    r"endpoint\s+path|request|paths|endpoints|routes)$"
)
_AUTH_HEADER = re.compile(
    r"(?i)^(?:auth(?:entication|orization|orisation)?(?:\s+required)?|auth\??|requires?\s+auth\w*|"
    r"access|protected|permissions?|security|login\s+required)$"
)


@dataclass(frozen=True, slots=True)
class TableRoles:
    method: int | None
    path: int | None
    auth: int | None
    status: int | None


def table_roles(header: list[str]) -> TableRoles:
    """Which columns of a table hold the method, path, auth and status (any order)."""

    def find(test: Callable[[str], object]) -> int | None:
        for i, cell in enumerate(header):
            if test(cell.strip().strip("*_`").strip()):
                return i
        return None

    return TableRoles(
        find(_METHOD_HEADER.match),
        find(_PATH_HEADER.match),
        find(_AUTH_HEADER.match),
        find(is_status_header),
    )


def row_endpoints(cells: list[str], roles: TableRoles) -> list[Found]:
    """The endpoints of one table row (method column or method inside the path cell)."""
    if roles.path is None or roles.path >= len(cells):
        # No path column: only a cell that is exactly "METHOD /path" counts.
        for cell in cells:
            found = endpoint_only(cell)
            if found:
                return found
        return []
    path_cell = cells[roles.path].strip()
    embedded = endpoints_at_start(path_cell)
    if embedded:
        return embedded
    if roles.method is None or roles.method >= len(cells):
        return []
    m = re.match(rf"^{_PATH}", path_cell)
    path = normalise_path(m["path"]) if m else None
    methods = re.findall(rf"(?i)(?<![A-Za-z]){_METHOD}(?![A-Za-z])", cells[roles.method])
    if path is None or not methods:
        return []
    return [Found(normalise_method(w), path, 0) for w in dict.fromkeys(x.upper() for x in methods)]


_FENCE_LINE = re.compile(rf"^[\s\-*+•│├└─|>]*(?P<methods>{_METHOD})\s+{_PATH}")


def fence_endpoint(line: str) -> list[Found]:
    """``POST /api/stocks - create`` / ``WS /ws/x`` / ``GET /x HTTP/1.1`` in a code block."""
    m = _FENCE_LINE.match(line)
    return _found(m) if m else []


# --------------------------------------------------------------------------
# Endpoints of a whole file
# --------------------------------------------------------------------------

_AUTH_SECTION = re.compile(r"(?i)^(?:auth\w*|security|access(?:\s+control)?)\b")
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
_AUTH_ENTRY = re.compile(
    r"(?i)/(?:auth|login|logout|sign-?in|sign-?up|register|registration|tokens?|refresh|"
    r"forgot[\w-]*|reset[\w-]*|verify[\w-]*|oauth\w*|callback|health\w*|ping|docs|redoc|"
    r"openapi[\w.]*)(?![\w-])"
)
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
            ep = _add(
                eps, seen, Draft(f.method, f.path, head.line, "heading", (head.line, head.end))
            )
            if ep:
                ep.heading = k
                ep.set_auth(auth_parenthetical(head.title[f.end :]))

    for table in blocks.tables:
        roles = table_roles(table.header)
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
                ep = _add(eps, seen, Draft(f.method, f.path, line, "table", (line, line)))
                if ep is None:
                    continue
                if roles.auth is not None and roles.auth < len(cells):
                    ep.set_auth(cells[roles.auth])
                path_cell = cells[roles.path] if roles.path is not None else ""
                ep.set_auth(auth_parenthetical(path_cell))

    fields: list[tuple[Line, Found, str, str]] = []
    for ln in blocks.lines:
        task = 0 <= ln.line < len(in_task) and in_task[ln.line] >= 0
        _line_endpoints(blocks, ln, eps, seen, evidence, fields, task)
    _scope_fields(blocks, fields, eps, seen)

    for fence in blocks.fences:
        start = len(eps)
        for line, text in fence.lines:
            for f in fence_endpoint(text):
                ep = _add(eps, seen, Draft(f.method, f.path, line, "fence", (line, line)))
                if ep:
                    ep.set_auth(auth_parenthetical(text[f.end :]))
        if len(eps) - start == 1 and fence.lines:
            eps[start].scope = (fence.lines[0][0], fence.lines[-1][0])
            for line, text in fence.lines:
                code = response_line_status(text)
                if code is not None:
                    evidence.statuses.append((line, {code}))
    return _drop_mentions(eps), evidence


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
    if codes:
        evidence.statuses.append((ln.line, codes))
    if found:
        return

    def add(f: Found, source: str, scope: tuple[int, int]) -> None:
        ep = _add(eps, seen, Draft(f.method, f.path, ln.line, source, scope))
        if ep:
            ep.set_auth(auth_parenthetical(ln.plain[f.end :]))
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
                add(Found(f.method, f.path, len(ln.plain)), "inline", (ln.line, ln.line))
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
        ep = _add(eps, seen, Draft(f.method, f.path, ln.line, "field", scope))
        if ep is not None:
            ep.set_auth(auth_parenthetical(tail))
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
            ep = _add(eps, seen, Draft(f.method, f.path, ln.line, "field", scope))
            if ep is None:
                continue
            if len(distinct) == 1 and sec is not None:
                ep.heading = sec
            ep.set_auth(auth_parenthetical(tail))


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
                if required and not free and _AUTH_ENTRY.search(ep.path):
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
