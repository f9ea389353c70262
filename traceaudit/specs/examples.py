"""Examples are not declarations; relative paths say what they are relative to.

A reader tells a declaration from an example at a glance, and so does this module
(it works on the endpoints :mod:`traceaudit.specs.endpoints` found, before they are
kept):

- an **example request** has concrete values where a declaration has parameters:
  ``GET /api/user_abc123/tasks HTTP/1.1``, ``DELETE /api/items/42``, or query values
  (``GET /api/burn-status?sessionId=abc-123``, even in a heading);
- a **full URL** names a host, and in running text or a code block that is an example
  call (``POST http://localhost:3000/api/auth/signup``, Ollama's
  ``POST http://host.docker.internal:11434/api/chat``); endpoint headings, tables and
  list items that write the host are still declarations;
- an endpoint in a section about an **external service** ("External APIs", "Third-party
  integrations", "Upstream provider": NewsAPI's ``GET /everything``; or a document so
  titled, "# External APIs") or about what the feature **depends on** ("Dependencies &
  Integration Points": the backend's endpoints restated by the frontend's plan), or listed
  as what the code **calls** ("**Key Endpoints Used:**", "Exact Endpoints to Call");
- an endpoint item crossed out (``- ❌ `GET /x` - not needed``) under a label of its section
  that lists endpoints to remove ("**Specific Endpoints to REMOVE:**");
- a **client's call**: the list item, its parent item or the paragraph that opens its
  list names a client source file, or, for a field item (``- Endpoint: `GET /x```), a
  sibling item under the same parent does (and none of them names a Python file)
  (``**Task API (`lib/api/tasks.ts`)**`` then
  ``- `getTasks()`: GET /tasks``; "Dashboard Page (`app/dashboard/page.tsx`)" then
  "APIs: GET /tasks, POST /tasks"): the endpoint is what that file calls, declared
  where the backend is specified. A file that serves routes (Next.js ``route.ts``,
  ``pages/api/``, ``app/api/``, a ``routes``/``server`` folder) is not a client;
- a **description of what exists now**: the sentence says so before the endpoint
  ("(Currently only a placeholder `GET /api/v1/jobs/` returning ...)"), the state the
  spec starts from;
- an endpoint in a section that is an **example** ("### Protected Endpoint Example",
  "Sample Request"), other than an endpoint heading;
- labels of a **diagram** and rows of a **performance** or **other-service** table are
  marked by ``endpoints`` itself.

Those become mentions. The others get **hints** for resolving a path that is not
written in full, applied by linking (``trace``), which knows the routes:

- ``base:/api/v1``: a base path stated in prose applies to the paths of its section
  ("**Base URL:** `https://localhost/api/v1`", "All endpoints are prefixed with
  /api/v1", "Mounted under `/api/v1/buyer-leads/`:"); an OpenAPI header in a fence
  (``servers:`` and no ``paths:``) states it for the whole document;
- ``file:backend/app/api/v1/orgs.py``: the endpoint's task or list item names the
  router's file ("Implement `POST /orgs`, `GET /orgs` in `backend/app/api/v1/orgs.py`");
- ``router:user_api_keys``: it names the router ("a POST /test endpoint on the
  user-api-keys router");
- ``prefix:/cvs``: its section creates a router with that prefix
  (``APIRouter(prefix="/cvs")`` then "Implement the `POST /` endpoint");
- ``full``: its section states a base URL that is a host alone ("**Base URL**:
  `http://localhost:8000`"): the paths there are written in full, so the API base the
  routes share is not assumed for them;
- ``for:FR-001``: the requirement ids written in brackets right after it ("**POST /chat**
  (FR-001, FR-002)", a plan's endpoint design): it is written for them, so a route that
  serves it traces them too;
- ``values:/api/v1/strategies/{}``: an endpoint heading or table row with concrete values
  (a test plan's ``GET /api/v1/strategies/9999``): the route requested is the one with
  parameters where the values stand;
- ``relative``: the path cannot be a full path (``/``, or it opens with a parameter:
  ``/{category_id}/schedule``). A relative path that nothing resolves is dropped,
  never declared bare.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from traceaudit.specs.endpoints import Draft
from traceaudit.specs.text import Blocks, SectionIndex

__all__ = ["classify_endpoints"]

# A concrete value where a parameter belongs: 42, a UUID, user_abc123, INV-2024-000123,
# a long hex id, an e-mail address.
_CONCRETE = re.compile(
    r"(?i)^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|"
    r"[a-z]+[_-][a-z0-9_-]*\d{3,}|[0-9a-f]{16,}|[^/@\s]+@[^/@\s]+)$"
)
_BASE_STATEMENT = re.compile(
    r"(?i)\b(?:base[\s_-]*(?:url|path|uri|endpoint|route)s?|api[\s_-]*base(?:[\s_-]*url)?|"
    r"prefixed\s+(?:with|by)|mounted\s+(?:under|at|on)|(?:url\s+|path\s+)?prefix(?=\s*:)|"
    r"(?:endpoints|routes|paths)\s+(?:are\s+)?(?:relative\s+to|served\s+under|live\s+under|"
    r"sit\s+under|under))\b[^/\n`'\"]{0,24}?[`'\"]?"
    r"(?P<url>https?://[^\s/`'\"<>]+(?:/[^\s`'\"<>,;)]*)?|/(?!/)[^\s`'\"<>,;)]*)"
)
_HOST_ONLY = re.compile(r"https?://[^\s/`'\"<>]+/?")
_ROUTER_PREFIX = re.compile(r"""\bprefix\s*=\s*["'](?P<prefix>/[^"']*)["']""")
_PY_FILE = re.compile(r"(?<![\w/.-])(?P<file>[\w.-]+(?:/[\w.-]+)*\.py)\b")
_ROUTER_NAME = re.compile(r"(?i)(?:\bthe\s+)?[`'\"]?(?P<name>[a-z][\w-]*)[`'\"]?\s+router\b")
_NOT_ROUTER_NAMES = frozenset({"the", "a", "an", "api", "main", "new", "fastapi", "this", "that"})


def _is_concrete(path: str) -> bool:
    return any(_CONCRETE.match(seg) for seg in path.strip("/").split("/") if seg)


def _with_parameters(path: str) -> str:
    """The path with a parameter for each concrete value: ``/strategies/9999`` ->
    ``/strategies/{}``."""
    return "/".join("{}" if seg and _CONCRETE.match(seg) else seg for seg in path.split("/"))


def _base_path(url: str) -> str | None:
    path = re.sub(r"^https?://[^/]+", "", url).rstrip("/.:")
    if not path or path == "/" or "{" in path.split("/")[1]:
        return None
    return path


_SERVER_URL = re.compile(r"(?m)^\s*-?\s*url\s*:\s*['\"]?(?P<url>[^\s'\"]+)")
_OPENAPI_HEAD = re.compile(r"(?m)^\s*(?:openapi|swagger|servers)\s*:")
_PATHS_KEY = re.compile(r"(?m)^\s*paths\s*:")
_EXTERNAL_SECTION = re.compile(
    r"(?i)\b(?:external|third[-\s]party|upstream|vendor|provider|outbound|dependenc(?:y|ies))\b"
)
# A document about the services the code calls ("# External APIs", "Third-Party Services").
_EXTERNAL_TITLE = re.compile(
    r"(?i)\b(?:external|third[-\s]party)\s+(?:apis?|services?|systems?|integrations?|endpoints?)\b"
)
# What the code calls, said of a list or section of endpoints: "**Key Endpoints Used:**",
# "Exact Endpoints to Call", "Endpoints we consume". Not the endpoints someone else uses
# ("Endpoints used by the dashboard"): those are this service's own.
_CALLED_ENDPOINTS = re.compile(
    r"(?i)\b(?:end-?points?|apis?|routes?)\s+(?:(?:it|we|the\s+\w+)\s+)?(?:used|uses|to\s+call|called|"
    r"calls|consumed|consumes|we\s+call|we\s+use)\b(?!\s+by\b)"
)
# A section that is an example ("### Protected Endpoint Example", "Usage Examples", "Example:
# signing in", "Sample Request"): what its code blocks and sentences write is the example's.
# A title that only mentions examples ("Endpoints (with examples)") is not one.
_EXAMPLE_SECTION = re.compile(
    r"(?i)^(?:examples?|samples?)\b|\bexamples?$|\bsample\s+(?:requests?|calls?|code|usage)$"
)
# A client source file: the front end's code (not Python, not a file that serves routes).
_CLIENT_FILE = re.compile(
    r"(?<![\w/.-])(?P<file>[\w.()\[\]-]+(?:/[\w.()\[\]-]+)*\.(?:tsx?|jsx?|vue|svelte|dart|kt|swift))\b"
)
_SERVES_ROUTES = re.compile(
    r"(?i)(?:^|/)(?:pages/api|app/api|routes|routers|controllers|server|backend|functions)/"
    r"|(?:^|/)(?:route|server)\.[a-z]+$"
)


def _fence_bases(blocks: Blocks) -> list[tuple[int, int, str]]:
    """An OpenAPI header in a fence (servers, no paths: "## Base Configuration") gives
    the whole document its base path, when its servers agree on one."""
    out: list[tuple[int, int, str]] = []
    for fence in blocks.fences:
        text = "\n".join(t for _, t in fence.lines)
        if not _OPENAPI_HEAD.search(text) or _PATHS_KEY.search(text):
            continue
        bases = {_base_path(m["url"]) for m in _SERVER_URL.finditer(text)}
        if len(bases) == 1 and None not in bases:
            (base,) = bases
            out.append((1, blocks.n_lines, f"base:{base}"))
    return out


# A box of a drawn diagram labelled with its router and prefix: "│ Appointment Router
# (/api/appointments) │" or "│ ProfileRouter (/api/v1/profile) │" over "│ - GET
# /available-doctors │": the paths drawn below the label, in the same box, are the router's.
_BOX_LABEL = re.compile(
    r"(?i)\b[\w-]+(?:\s+[\w-]+){0,3}?(?:\s+|(?-i:(?<=[a-z])(?=[A-Z])))"
    r"(?:router|api|endpoints?|routes)\s*\(\s*`?"
    r"(?P<path>/[\w{}.-]+(?:/[\w{}.-]+)*)/?`?\s*\)"
)
_BOX_EDGE = re.compile(r"[└┘┌┐╰╯╭╮]|^\s*[+`]-{3,}")


def _box_bases(blocks: Blocks) -> list[tuple[int, int, str]]:
    """The prefix each labelled box of a drawn diagram gives the paths under its label."""
    out: list[tuple[int, int, str]] = []
    for fence in blocks.fences:
        open_at: tuple[int, str] | None = None
        for line, text in fence.lines:
            m = _BOX_LABEL.search(text)
            if m is not None and (base := _base_path(m["path"])) is not None:
                if open_at is not None:
                    out.append((open_at[0], line - 1, open_at[1]))
                open_at = (line, f"base:{base}")
            elif open_at is not None and _BOX_EDGE.search(text):
                out.append((open_at[0], line, open_at[1]))
                open_at = None
        if open_at is not None:
            out.append((open_at[0], fence.lines[-1][0], open_at[1]))
    return out


def _statements(blocks: Blocks) -> list[tuple[int, int, str]]:
    """(first line, last line, hint) of the base paths and router prefixes stated in
    prose, each over its section; and of the labelled boxes of drawn diagrams."""
    sections = SectionIndex(blocks.headings)
    out: list[tuple[int, int, str]] = _fence_bases(blocks) + _box_bases(blocks)
    for ln in blocks.lines:
        hints: list[str] = []
        for m in _BASE_STATEMENT.finditer(ln.plain):
            base = _base_path(m["url"])
            if base is not None:
                hints.append(f"base:{base}")
            elif _HOST_ONLY.fullmatch(m["url"]):
                hints.append("full")  # a host and no path: the paths are written in full
        for m in _ROUTER_PREFIX.finditer(ln.plain):
            if m["prefix"].strip("/"):
                hints.append(f"prefix:{m['prefix'].rstrip('/')}")
        if not hints:
            continue
        sec = sections.at(ln.line)
        end = blocks.headings[sec].end if sec is not None else blocks.n_lines
        if sec is not None and _only_statement(blocks, sec, ln.line):
            # An overview that states the base and lists no path ("### API Overview" >
            # "**Base Path:** `/api/v1alpha1`", then "### Endpoint Specification"): the
            # base is its chapter's.
            parent = blocks.headings[sec].parent
            end = blocks.headings[parent].end if parent is not None else blocks.n_lines
        out.extend((ln.line, end, h) for h in hints)
    return out


_PATH_TEXT = re.compile(r"(?<![\w.:/])/[A-Za-z{]")


def _only_statement(blocks: Blocks, sec: int, line: int) -> bool:
    """Whether a section's own text (not its subsections') names no path but on ``line``."""
    head = blocks.headings[sec]
    return not any(
        _PATH_TEXT.search(blocks.plain.get(n, ""))
        for n in range(head.line + 1, head.body_end + 1)
        if n != line
    )


# "Optional: `GET /x`", "Optional approvals (if pause/resume added):", "`GET /x` (optional)"
_OPTIONAL = re.compile(r"(?i)^\W*optional\b|\(\s*optional\b[^)]*\)|\bis\s+optional\b")


def _optional(blocks: Blocks, line: int, at_line: dict[int, int | None]) -> bool:
    """Whether the endpoint's line, or a list item it sits under, marks it optional."""
    if _OPTIONAL.search(blocks.plain.get(line, "")):
        return True
    item = at_line.get(line)
    seen = 0
    while item is not None and seen < 3:
        if _OPTIONAL.search(blocks.plain.get(blocks.items[item].start, "")):
            return True
        item = blocks.items[item].parent
        seen += 1
    return False


def _item_text(blocks: Blocks, line: int, at_line: dict[int, int | None]) -> str:
    """The endpoint's line, the first line of its list item and of the item's parent."""
    parts = [blocks.plain.get(line, "")]
    item = at_line.get(line)
    seen = 0
    while item is not None and seen < 2:
        parts.append(blocks.plain.get(blocks.items[item].start, ""))
        item = blocks.items[item].parent
        seen += 1
    return " ".join(parts)


def _list_intro(blocks: Blocks, line: int, at_line: dict[int, int | None]) -> str:
    """The paragraph line just above the list that holds ``line`` (its lead-in)."""
    item = at_line.get(line)
    if item is None:
        return ""
    while (parent := blocks.items[item].parent) is not None:
        item = parent
    group = blocks.items[item].group
    first = min(it.start for it in blocks.items if it.group == group)
    for n in range(first - 1, max(first - 3, 0), -1):
        text = blocks.plain.get(n, "").strip()
        if text:
            return text if at_line.get(n) is None else ""
    return ""


def _siblings_text(
    blocks: Blocks, line: int, at_line: dict[int, int | None], kids: dict[int, list[int]]
) -> str:
    """The first lines of the other items under the same parent item as the endpoint's
    (``- Create API hook: `useMastery.ts``` beside ``- Endpoint: `GET /api/mastery```),
    or "" when one of them names a Python file: then the work is the backend's too."""
    item = at_line.get(line)
    parent = blocks.items[item].parent if item is not None else None
    if item is None or parent is None:
        return ""
    texts = [blocks.plain.get(blocks.items[k].start, "") for k in kids[parent] if k != item]
    return "" if any(_PY_FILE.search(t) for t in texts) else " ".join(texts)


# What the code does now, stated before the endpoint in its sentence: "(Currently only
# a placeholder `GET /api/v1/jobs/` returning ...)". A reader takes it as the state the
# spec starts from, not as a route to build.
_NOW = re.compile(
    r"(?i)\b(?:currently|presently|at\s+present|as\s+of\s+(?:now|today)|right\s+now|"
    r"at\s+the\s+moment)\b"
)


# A list of endpoints to take away: "**Specific Endpoints to REMOVE:**", "Endpoints to
# delete", "Remove these endpoints:" (a label line above the list, in its section).
_REMOVE_LABEL = re.compile(
    r"(?i)\b(?:end-?points?|routes?)\s+to\s+(?:remove|delete|drop|retire)\b|"
    r"\b(?:remove|delete|drop|retire)\s+(?:these|the\s+following)\s+(?:end-?points?|routes?)\b"
)
_CROSSED = re.compile(r"^\s*(?:[-*+]\s+)?(?:❌|✗|✘|~~)")


def _to_remove(blocks: Blocks, line: int, sec: int | None) -> bool:
    """An endpoint item crossed out (``- ❌ `GET /x` - not needed``) under a label, in its
    section, that lists endpoints to remove: what the spec takes away, not a declaration."""
    if not _CROSSED.match(blocks.plain.get(line, "")):
        return False
    top = blocks.headings[sec].line if sec is not None else 0
    return any(
        _REMOVE_LABEL.search(blocks.plain.get(n, "")) for n in range(line - 1, top, -1)
    )


def _current_state(text: str, path: str) -> bool:
    at = text.find(path)
    if at < 0:
        return False
    sentence = re.split(r"[.!?;](?:\s|$)", text[:at])[-1]
    return bool(_NOW.search(sentence))


# "Test POST /person/{id}/address - add address", "- Tests for `GET /x`": a test names the
# endpoint it exercises; the endpoint is declared where it is specified.
_TESTS_IT = re.compile(r"(?i)(?:^|[\s(\[*-])(?:tests?|testing|tests\s+for|test\s+that)\s+`?$")


def _tested(text: str, method: str, path: str) -> bool:
    """Whether the line makes the endpoint the object of "Test" (``Test POST /x``)."""
    at = re.search(rf"`?{re.escape(method)}\s+`?{re.escape(path)}", text)
    return at is not None and bool(_TESTS_IT.search(text[: at.start()]))


def _client_file(text: str) -> str | None:
    for m in _CLIENT_FILE.finditer(text):
        if not _SERVES_ROUTES.search(m["file"]):
            return m["file"]
    return None


# The requirements an endpoint is written for, in brackets right after it: "**POST /chat**
# (FR-001, FR-002, FR-004)" in a plan's "Endpoint Design from Functional Requirements".
_IDS_AFTER = re.compile(r"[\s*`_]*\((?P<ids>[^()]{1,160})\)")
_ID_SHAPE = re.compile(r"[A-Z][A-Z0-9]{0,5}-?\d+(?:\.\d+)*[a-z]?")
_ID_SEP = re.compile(r"\s*(?:,|;|/|&|\band\b)\s*")


def _ids_after(line: str, path: str) -> list[str]:
    """The ids in the brackets right after ``path`` on ``line``, when the brackets hold only
    ids (``(FR-001, FR-002)``; not ``(returns 404)`` nor ``(see FR-001)``)."""
    at = line.find(path)
    if at < 0:
        return []
    m = _IDS_AFTER.match(line, at + len(path))
    if m is None:
        return []
    items = [i for i in _ID_SEP.split(m["ids"].strip()) if i]
    if not items or not all(_ID_SHAPE.fullmatch(i) for i in items):
        return []
    return items


def _under(path: str, base: str) -> bool:
    return path == base or path.startswith(base.rstrip("/") + "/")


def classify_endpoints(blocks: Blocks, eps: Sequence[Draft]) -> None:
    """Mark examples as mentions and give the others their resolution hints (in place)."""
    statements = _statements(blocks)
    at_line = {ln.line: ln.item for ln in blocks.lines}
    sections = SectionIndex(blocks.headings)
    kids: dict[int, list[int]] = {}  # item -> the items right under it
    for k, it in enumerate(blocks.items):
        if it.parent is not None:
            kids.setdefault(it.parent, []).append(k)
    # the base statements under which the document writes its own endpoints in full
    written_out = {
        (start, end, h.partition(":")[2])
        for start, end, h in statements
        if h.startswith("base:")
        and any(
            not ep.mention
            and ep.source == "heading"
            and start <= ep.line <= end
            and _under(ep.path, h.partition(":")[2])
            for ep in eps
        )
    }
    for ep in eps:
        if ep.mention:
            continue
        sec = sections.at(ep.line)
        path = blocks.headings[sec].path if sec is not None else ()
        if any(_EXTERNAL_SECTION.search(t) for t in path[1:]) or any(
            _EXTERNAL_TITLE.search(t) for t in path[:1]
        ):
            ep.mention = "an endpoint of an external service"
            continue
        if ep.source != "heading" and (
            any(_CALLED_ENDPOINTS.search(t) for t in path)
            or _CALLED_ENDPOINTS.search(_list_intro(blocks, ep.line, at_line))
        ):
            # "**Key Endpoints Used:**", "Exact Endpoints to Call": what the code calls,
            # another service's
            ep.mention = "an endpoint the code calls (another service's)"
            continue
        if (
            sec is not None
            and ep.source != "heading"
            and _EXAMPLE_SECTION.search(blocks.headings[sec].title.strip(" *_`:"))
        ):
            ep.mention = "an example (its section is one)"
            continue
        if ep.query or (ep.source not in ("heading", "table") and _is_concrete(ep.path)):
            ep.mention = "an example request with concrete values"
            continue
        if ep.source in ("prose", "inline", "fence", "field") and ep.host is not None:
            ep.mention = f"an example call to {ep.host}"
            continue
        if ep.source in ("prose", "inline", "field", "bullet") and _current_state(
            blocks.plain.get(ep.line, ""), ep.path
        ):
            ep.mention = "a description of what exists now"
            continue
        if ep.source in ("inline", "bullet") and _to_remove(blocks, ep.line, sec):
            ep.mention = "an endpoint listed to be removed"
            continue
        if ep.source in ("prose", "inline", "field", "bullet") and _tested(
            blocks.plain.get(ep.line, ""), ep.method, ep.path
        ):
            # it names a route (placed as any path is, so it documents the one it names)
            # and declares none: no TA006, TA007 or TA008 of its own
            ep.hints = (*ep.hints, "tested")
        text = _item_text(blocks, ep.line, at_line)
        siblings = _siblings_text(blocks, ep.line, at_line, kids) if ep.source == "field" else ""
        # (A task that names a client file is the front end's work: who owns it is
        # decided with the task, so its endpoints stay the task's evidence.)
        client = (
            not ep.in_task
            and ep.source in ("prose", "inline", "field", "bullet")
            and _client_file(f"{text} {_list_intro(blocks, ep.line, at_line)} {siblings}")
        )
        if client:
            ep.mention = f"a call made by the client {client}"
            continue
        hints: list[str] = list(ep.hints)  # what the endpoint's own source said ("any-method")
        bases = [(start, end, h) for start, end, h in statements if start <= ep.line <= end]
        for start, end, hint in bases[::-1]:  # the innermost (latest) statement first
            base = hint.partition(":")[2]
            if hint.startswith("base:") and _under(ep.path, base):
                break  # the path is written in full already
            if hint.startswith("base:") and (start, end, base) in written_out:
                # the document writes its own endpoints in full under the base
                # ("**Base path**: `/api/v1/auth`", then "## POST /api/v1/auth/register"):
                # the base names where they live; a path without it (a protection
                # table's "/players", "/auth/login") is written from the API's root
                continue
            if hint not in hints:
                hints.append(hint)
        for m in _PY_FILE.finditer(text):
            hints.append(f"file:{m['file']}")
        for m in _ROUTER_NAME.finditer(text):
            name = m["name"].lower().replace("-", "_")
            if name not in _NOT_ROUTER_NAMES:
                hints.append(f"router:{name}")
        first = ep.path.strip("/").split("/")[0] if ep.path.strip("/") else ""
        if ep.path == "/" or first.startswith("{"):
            hints.append("relative")
        optional_ok = ep.source in ("bullet", "inline", "prose", "field")
        if optional_ok and _optional(blocks, ep.line, at_line):
            hints.append("optional")
        hints += [f"for:{ident}" for ident in _ids_after(blocks.plain.get(ep.line, ""), ep.path)]
        if _is_concrete(ep.path):
            # a heading's or a table row's request with values in it (a test plan's
            # "GET /api/v1/strategies/9999 → 404"): the route it requests is the one whose
            # parameters stand where the values do
            hints.append("values:" + _with_parameters(ep.path))
        ep.hints = tuple(dict.fromkeys(hints))
