"""OpenAPI contracts (YAML or JSON) -> declared endpoints.

Each operation under ``paths`` is a declared endpoint. Its ``security`` (or the
document's global one) says whether it needs auth, and its response codes are
the documented statuses. A path part of the (single) server URL prefixes every
path, as clients would call it.

PyYAML's composer is used for both YAML and JSON (JSON is YAML 1.2) because it
keeps a line number on every node, so each endpoint points at its own line.
libyaml's composer (``CSafeLoader``, when PyYAML was built with it) reads a document
about ten times faster and gives the same nodes, values and lines; it is used only where
it cannot differ from the pure-Python one (see :func:`compose`).
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import yaml

from traceaudit.directives import MARKER
from traceaudit.model import Config, DeclaredEndpoint, Location, SpecDoc
from traceaudit.specs.endpoints import needs_no_credentials
from traceaudit.specs.suppressions import yaml_suppressions

_FAST_LOADER: type | None = getattr(yaml, "CSafeLoader", None)


def compose(text: str) -> yaml.Node | None:
    """``yaml.compose(text, Loader=yaml.SafeLoader)``, sooner where libyaml can say it.

    libyaml decides alone only what the pure-Python composer would decide the same way:
    a non-empty document it reads without any error, that holds no tab (the pure scanner
    refuses tabs in places libyaml accepts them), whose nodes form no cycle and are nested
    shallow enough for the pure composer (two frames a level) at the current recursion
    limit.
    Anything else (a syntax error, an alias bomb's cycle, a deep document) is composed by
    the pure-Python loader, whose errors and line numbers are the ones reported.
    """
    if _FAST_LOADER is not None and "\t" not in text:
        node: yaml.Node | None = None
        try:
            node = yaml.compose(text, Loader=_FAST_LOADER)
        except Exception:  # the pure loader decides what the error is
            node = None
        if isinstance(node, yaml.Node) and _within(node, _levels_left()):
            return node
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _levels_left() -> int:
    """How many nesting levels the pure composer could still read here."""
    frames = 0
    frame = sys._getframe()
    while frame is not None:
        frames += 1
        frame = frame.f_back  # type: ignore[assignment]
    return (sys.getrecursionlimit() - frames - 100) // 3


def _within(root: yaml.Node, levels: int) -> bool:
    """Whether the nodes under ``root`` form no cycle and no path longer than ``levels``."""
    height: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if isinstance(node, yaml.ScalarNode):
            height[key] = 1
            continue
        children = [c for pair in node.value for c in pair] if isinstance(
            node, yaml.MappingNode) else list(node.value)  # fmt: skip
        if done:
            open_.discard(key)
            height[key] = 1 + max((height[id(c)] for c in children), default=0)
            if height[key] > levels:
                return False
            continue
        if key in height:
            continue
        if key in open_:
            return False  # a cycle (an alias inside its own anchor)
        open_.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in open_:
                return False
            if id(child) not in height:
                stack.append((child, False))
    return True


METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


_STATUS = re.compile(r"[1-5][0-9][0-9]")  # ASCII digits: "²⁰⁰".isdigit() is True


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                found: yaml.Node = v
                return found
    return None


def _items(node: yaml.Node | None) -> list[tuple[yaml.ScalarNode, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        return []
    return [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]


def _server_prefixes(doc: yaml.Node) -> list[str]:
    """The path part of each server URL, in order, without repeats."""
    servers = _get(doc, "servers")
    if not isinstance(servers, yaml.SequenceNode):
        return []
    prefixes: list[str] = []
    for server in servers.value:
        url = _get(server, "url")
        if isinstance(url, yaml.ScalarNode):
            path = _url_path(str(url.value))
            if path is not None and path not in prefixes:
                prefixes.append(path)
    return prefixes


def _url_path(text: str) -> str | None:
    """A server URL's path without its trailing ``/`` (a relative URL is its path); None
    for what is not a URL (``http://[::1``)."""
    try:
        return (urlsplit(text).path if "//" in text else text).rstrip("/")
    except ValueError:
        return None


def _servers(doc: yaml.Node) -> tuple[tuple[str, str], ...]:
    """(url, description) of every server: who serves the contract's endpoints."""
    servers = _get(doc, "servers")
    if not isinstance(servers, yaml.SequenceNode):
        return ()
    out = []
    for server in servers.value:
        url, text = _get(server, "url"), _get(server, "description")
        if isinstance(url, yaml.ScalarNode):
            described = str(text.value) if isinstance(text, yaml.ScalarNode) else ""
            out.append((str(url.value), described))
    return tuple(out)


def _schemes(doc: yaml.Node) -> dict[str, str]:
    """Security scheme name -> the kind of credential it names (see DeclaredEndpoint)."""
    holder = _get(_get(doc, "components"), "securitySchemes") or _get(doc, "securityDefinitions")
    out: dict[str, str] = {}
    for name, node in _items(holder):

        def field(key: str, default: str = "", node: yaml.Node = node) -> str:
            # scalars only: a scheme's other values may be an alias bomb
            value = _get(node, key)
            return str(value.value) if isinstance(value, yaml.ScalarNode) else default

        kind = field("type").lower()
        if kind == "apikey":
            out[str(name.value)] = f"{field('in', 'header').lower()}:{field('name')}"
        elif kind == "http":
            out[str(name.value)] = field("scheme", "bearer").lower()
        elif kind in ("oauth2", "openidconnect", "basic"):
            out[str(name.value)] = {"openidconnect": "openid"}.get(kind, kind)
    return out


def _security(node: yaml.Node | None) -> tuple[bool | None, str | None]:
    if node is None:
        return None, None
    if not isinstance(node, yaml.SequenceNode):
        return None, None
    # the scheme names only: never the values, which an alias bomb can make astronomically
    # large (and a recursive alias infinitely deep)
    names = sorted(
        {
            str(key.value)
            for item in node.value
            if isinstance(item, yaml.MappingNode)
            for key, _ in item.value
            if isinstance(key, yaml.ScalarNode)
        }
    )
    if not names:
        return False, "none (security: [])"
    # The requirements are alternatives: an empty one (`- {}`) lets a caller through
    # without credentials ("signed in or anonymous"), so the operation requires none.
    if any(isinstance(item, yaml.MappingNode) and not item.value for item in node.value):
        return False, f"optional ({', '.join(names)}, or none)"
    return True, ", ".join(names)


_GATEWAY = re.compile(r"(?i)\b(?:api[\s_-]*)?gateway\b")
_MCP = re.compile(r"(?i)\b(?:mcp|model\s+context\s+protocol)\b")


def _models_tools(doc: yaml.Node) -> bool:
    """A contract that describes something other than HTTP routes: MCP tools written as
    ``/mcp/tools/x`` (the document says MCP, and every path names a tool)."""
    info = _get(doc, "info")
    # scalars only: expanding the whole node would expand an alias bomb (or never end)
    about = " ".join(
        str(value.value)
        for value in (_get(info, "title"), _get(info, "description"))
        if isinstance(value, yaml.ScalarNode)
    )
    paths = [str(k.value) for k, _ in _items(_get(doc, "paths"))]
    return bool(paths) and bool(_MCP.search(about)) and all(
        "tools" in p.strip("/").split("/") for p in paths
    )


def parse_contract(text: str, path: str, config: Config) -> SpecDoc:
    """Parse an OpenAPI document; a file that is not one yields no endpoints."""
    doc = _parse_contract(text, path, config)
    if MARKER in text:
        doc = replace(doc, suppressions=yaml_suppressions(text, path))
    return doc


_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
_OUTLINE_KEY = re.compile(r"^( +)(?:'([^']*)'|\"([^\"]*)\"|([^\s'\"#:][^#:]*?))\s*:(?:\s|$)")
_SERVER_URL = re.compile(r"^\s*-?\s*url\s*:\s*['\"]?([^\s'\"#]+)")


def outline_endpoints(text: str, path: str) -> tuple[DeclaredEndpoint, ...]:
    """The operations of a YAML OpenAPI document that YAML cannot read, from its outline.

    OpenAPI writes each path as a key one level under the top-level ``paths:`` and each
    operation as a method key one level under its path; that outline survives most
    errors elsewhere in the file (an unquoted ``(scope: read)`` in a summary). What the
    outline gives documents the routes it names (hint ``outline``); it declares nothing
    of its own (no TA006, TA007, TA008 or TA009): the file stays a TA000 finding, and the
    operations' security, responses and servers are not read beyond the one server path.
    """
    if not re.search(r"(?m)^(?:openapi|swagger)\s*:", text):
        return ()
    lines = text.splitlines()
    section = ""
    prefixes: list[str] = []
    path_indent = method_indent = 0
    current: str | None = None
    found: list[tuple[str, str, int]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        top = _TOP_KEY.match(line)
        if top:
            section, current, path_indent = top.group(1), None, 0
            continue
        if section == "servers":
            url = _SERVER_URL.match(line)
            server_path = _url_path(url.group(1)) if url else None
            if server_path is not None and server_path not in prefixes:
                prefixes.append(server_path)
            continue
        if section != "paths":
            continue
        key = _OUTLINE_KEY.match(line)
        if key is None:
            continue
        indent = len(key.group(1))
        name = next(g for g in key.groups()[1:] if g is not None)
        if path_indent == 0 or indent == path_indent:
            if name.startswith("/"):
                path_indent, current, method_indent = indent, name, 0
            elif indent == path_indent:
                current = None
            continue
        if current is None or indent <= path_indent:
            continue
        if method_indent == 0:
            method_indent = indent
        if indent == method_indent and name.lower() in METHODS:
            found.append((name.upper(), current, number))
    prefix = prefixes[0] if len(prefixes) == 1 else ""
    return tuple(
        DeclaredEndpoint(
            method=method,
            path=f"{prefix}{route}" or "/",
            location=Location(path, number),
            source="openapi",
            hints=("outline",),
        )
        for method, route, number in found
    )


def _parse_contract(text: str, path: str, config: Config) -> SpecDoc:
    title = PurePosixPath(path).stem
    if path.lower().endswith(".json"):
        # JSON allows a tab wherever it allows a space and nowhere else (never raw inside a
        # string), YAML's scanner refuses tabs that indent: a tab-indented JSON contract
        # (mem0's docs/openapi.json) is read as the same text with spaces, lines unchanged.
        text = text.replace("\t", " ")
    try:
        doc = compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        outline = () if path.lower().endswith(".json") else outline_endpoints(text, path)
        return SpecDoc(path, title, (), (), outline, error=f"invalid YAML/JSON{where}")
    except (RecursionError, MemoryError):
        return SpecDoc(path, title, (), (), (), error="YAML/JSON nested too deeply to read")
    if doc is None or (_get(doc, "openapi") is None and _get(doc, "swagger") is None):
        return SpecDoc(path, title, (), (), ())
    info_title = _get(_get(doc, "info"), "title")
    if isinstance(info_title, yaml.ScalarNode) and info_title.value:
        title = str(info_title.value)
    if _models_tools(doc):
        return SpecDoc(path, title, (), (), (), role="not-http",
                       role_reason="an OpenAPI model of MCP tools, not HTTP routes")  # fmt: skip
    if _GATEWAY.search(title):
        # An API gateway's contract (info.title "Aegis API Gateway"): the surface the
        # gateway exposes and routes to services, not one service's own routes.
        hints_of_contract: tuple[str, ...] = (f"gateway:{title}",)
    else:
        hints_of_contract = ()
    prefixes = _server_prefixes(doc)
    # One server path prefixes every path; servers that disagree (a gateway's
    # /mastery/v1 and the service's own /api/v1) are each a base the routes may use.
    prefix = prefixes[0] if len(prefixes) == 1 else ""
    hints = tuple(f"base:{p}" for p in prefixes if p) if len(prefixes) > 1 else ()
    base_path = _get(doc, "basePath")  # Swagger 2
    if isinstance(base_path, yaml.ScalarNode):
        prefix, hints = str(base_path.value).rstrip("/"), ()
    global_auth = _security(_get(doc, "security"))
    schemes = _schemes(doc)
    endpoints: list[DeclaredEndpoint] = []
    for path_key, item in _items(_get(doc, "paths")):
        route_path = f"{prefix}{path_key.value}" or "/"
        for method_key, op in _items(item):
            method = str(method_key.value).lower()
            if method not in METHODS:
                continue
            required, auth = _security(_get(op, "security"))
            if required is None:
                required, auth = global_auth
                if required and needs_no_credentials(str(route_path)):
                    # A document-wide `security` never meant its sign-up, login, token or
                    # health operations; only their own `security` says they need auth.
                    required, auth = None, None
            statuses = sorted(
                {
                    int(str(code.value))
                    for code, _ in _items(_get(op, "responses"))
                    if _STATUS.fullmatch(str(code.value))
                }
            )
            kinds = sorted({schemes[n] for n in (auth or "").split(", ") if n in schemes})
            # OpenAPI has no WebSocket operation: a GET answered by 101 Switching Protocols
            # is how a contract writes the handshake of `@router.websocket(...)`
            websocket = method == "get" and 101 in statuses
            endpoints.append(
                DeclaredEndpoint(
                    method="WEBSOCKET" if websocket else method.upper(),
                    path=str(route_path),
                    location=Location(path, method_key.start_mark.line + 1),
                    auth=auth,
                    auth_required=required,
                    statuses=tuple(statuses),
                    source="openapi",
                    hints=hints + hints_of_contract,
                    auth_scheme=", ".join(kinds) if required and kinds else None,
                )
            )
    endpoints.sort(key=lambda e: (e.location.line, e.method, e.path))
    return SpecDoc(path, title, (), (), tuple(endpoints), servers=_servers(doc))
