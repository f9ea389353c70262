"""Endpoints that non-Python code serves, by simple path rules.

traceaudit takes the backend's routes from Python only. A full-stack repository also
serves endpoints from its frontend or a Node service, and a spec that declares one
of those (Better Auth's ``/api/auth/*`` on Next.js, a Node socket server's
``/health``) is not a gap of the Python backend. These rules find them:

- **Next.js App Router**: ``…/app/<segments>/route.(ts|js|tsx|jsx|mjs)``; the URL is
  the segments after the ``app`` folder, without route groups ``(auth)``, parallel
  slots ``@x`` and private folders ``_x``; ``[id]`` is a parameter, ``[...all]`` and
  ``[[...all]]`` a catch-all tail. The methods are the exported handlers
  (``export async function GET``, ``export const POST =``, ``export const { GET, POST }
  = …``, ``export { handler as GET }``).
- **Next.js Pages Router**: ``…/pages/api/<segments>.(ts|js)`` (``index`` is the folder
  itself); the handler dispatches on the method itself, so any method.
- **Express-like servers** (a file that imports ``express``, ``fastify``, ``koa-router``
  or ``hono``): ``x.get('/path', …)``, ``x.route('/path').post(…)``; ``:id`` is a
  parameter, ``*`` a catch-all. ``app.use('/prefix', router)`` with ``router``
  imported from a relative module prefixes that module's routes (:func:`mount`).

Everything is read from the text; nothing is run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from traceaudit.model import ForeignRoute, Location

__all__ = ["ServerFacts", "mount", "next_route", "server_facts"]

_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_APP_ROUTE_FILE = re.compile(r"route\.(?:ts|js|tsx|jsx|mjs)")
_PAGES_FILE = re.compile(r".+\.(?:ts|js|tsx|jsx|mjs)")
_EXPORTED = re.compile(
    r"export\s+(?:async\s+)?function\s*\*?\s*(?P<fn>[A-Z]+)\b"
    r"|export\s+(?:const|let|var)\s+(?P<const>[A-Z]+)\b"
    r"|export\s+(?:const|let|var)\s*\{(?P<destructured>[^}]*)\}"
    r"|export\s*\{(?P<named>[^}]*)\}"
)
_SERVER_IMPORT = re.compile(
    r"""(?:from\s+|require\(\s*)['"](?:express|fastify|koa-router|@koa/router|hono)['"]"""
)
_QUOTED = r"""(?P<q>['"`])(?P<path>/[^'"`\n]*)(?P=q)"""
_REGISTRATION = re.compile(
    rf"\b(?P<obj>[A-Za-z_$][\w$]*)\s*\.\s*(?P<method>get|post|put|patch|delete|all|options|head)"
    rf"\s*\(\s*{_QUOTED}"
)
_ROUTE_CHAIN = re.compile(
    rf"\b(?P<obj>[A-Za-z_$][\w$]*)\s*\.\s*route\s*\(\s*{_QUOTED}\s*\)(?P<chain>(?:\s*\.\s*"
    r"(?:get|post|put|patch|delete|all|options|head)\s*\((?:[^()]|\([^()]*\))*\))+)"
)
_CHAINED_METHOD = re.compile(r"\.\s*(get|post|put|patch|delete|all|options|head)\s*\(")
_USE = re.compile(
    rf"\b(?P<obj>[A-Za-z_$][\w$]*)\s*\.\s*(?:use|register)\s*\(\s*{_QUOTED}\s*,\s*"
    r"(?P<target>[A-Za-z_$][\w$]*)"
)
_IMPORT_DEFAULT = re.compile(
    r"""import\s+(?P<name>[A-Za-z_$][\w$]*)\s+from\s+['"](?P<module>\.{1,2}/[^'"]+)['"]"""
    r"""|(?:const|let|var)\s+(?P<rname>[A-Za-z_$][\w$]*)\s*=\s*require\(\s*['"]"""
    r"""(?P<rmodule>\.{1,2}/[^'"]+)['"]\s*\)"""
)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _segment(seg: str) -> str | None:
    """A Next.js folder name as a URL segment; "" for a group, None if not routable."""
    if (seg.startswith("(") and seg.endswith(")")) or seg.startswith("@"):
        return ""
    if seg.startswith("_"):
        return None
    m = re.fullmatch(r"\[\[?\.\.\.(\w+)\]?\]", seg)
    if m:
        return "{" + m.group(1) + "...}"
    m = re.fullmatch(r"\[(\w+)\]", seg)
    if m:
        return "{" + m.group(1) + "}"
    return seg


def _url(segments: list[str]) -> str | None:
    out: list[str] = []
    for seg in segments:
        piece = _segment(seg)
        if piece is None:
            return None
        if piece:
            out.append(piece)
    return "/" + "/".join(out)


def _exported_methods(text: str) -> tuple[str, ...]:
    found: set[str] = set()
    for m in _EXPORTED.finditer(text):
        if m["fn"] or m["const"]:
            found.add(m["fn"] or m["const"])
        else:
            names = m["destructured"] if m["destructured"] is not None else m["named"]
            for part in (names or "").split(","):
                alias = part.split(" as ")[-1].split(":")[-1].strip()
                found.add(alias)
    return tuple(sorted(found & set(_METHODS)))


def next_route(path: str, text: str) -> ForeignRoute | None:
    """The endpoint a Next.js route file serves, from its path and exports; else None."""
    parts = PurePosixPath(path).parts
    name = parts[-1]
    if _APP_ROUTE_FILE.fullmatch(name) and "app" in parts[:-1]:
        start = parts.index("app") + 1
        url = _url(list(parts[start:-1]))
        methods = _exported_methods(text)
        if url is None or not methods:
            return None
        return ForeignRoute(methods, url, Location(path, _first_export(text)), "next-app")
    if _PAGES_FILE.fullmatch(name) and "pages" in parts[:-1]:
        start = parts.index("pages") + 1
        if parts[start : start + 1] != ("api",):
            return None
        stem = PurePosixPath(name).stem
        segments = list(parts[start:-1]) + ([] if stem == "index" else [stem])
        url = _url(segments)
        if url is None:
            return None
        return ForeignRoute(("*",), url, Location(path, _first_export(text)), "next-pages")
    return None


def _first_export(text: str) -> int:
    m = re.search(r"^\s*export\b", text, re.MULTILINE)
    return _line(text, m.start()) if m else 1


@dataclass(frozen=True, slots=True)
class ServerFacts:
    """What an Express-like server file registers and mounts."""

    routes: tuple[tuple[str, str, str, int], ...]  # (object, METHOD, path, line)
    mounts: tuple[tuple[str, str], ...]  # (prefix, relative module) of app.use(prefix, router)


def _express_path(path: str) -> str:
    path = re.sub(r":(\w+)\??", r"{\1}", path)
    path = re.sub(r"/\*$|/\(\.\*\)$", "/{rest...}", path)
    return path


def server_facts(text: str) -> ServerFacts | None:
    """Routes and mounts of a file that imports an Express-like framework; else None."""
    if not _SERVER_IMPORT.search(text):
        return None
    routes: list[tuple[str, str, str, int]] = []
    for m in _REGISTRATION.finditer(text):
        method = m["method"].upper()
        routes.append((m["obj"], "*" if method == "ALL" else method, _express_path(m["path"]),
                       _line(text, m.start())))  # fmt: skip
    for m in _ROUTE_CHAIN.finditer(text):
        for verb in _CHAINED_METHOD.findall(m["chain"]):
            method = verb.upper()
            routes.append((m["obj"], "*" if method == "ALL" else method,
                           _express_path(m["path"]), _line(text, m.start())))  # fmt: skip
    imported: dict[str, str] = {}
    for m in _IMPORT_DEFAULT.finditer(text):
        name = m["name"] or m["rname"]
        imported[name] = m["module"] or m["rmodule"]
    mounts = tuple(
        (m["path"].rstrip("/"), imported[m["target"]])
        for m in _USE.finditer(text)
        if m["target"] in imported
    )
    return ServerFacts(tuple(sorted(set(routes), key=lambda r: (r[3], r[1], r[2]))), mounts)


_MODULE_SUFFIXES = ("", ".ts", ".js", ".mjs", ".cjs", "/index.ts", "/index.js")


def mount(servers: dict[str, ServerFacts]) -> tuple[ForeignRoute, ...]:
    """Every Express-like route with the prefixes of the mounts that reach its file.

    A file mounted under several prefixes serves its routes under each; a file that
    no other file mounts serves them as written.
    """
    prefixes: dict[str, set[str]] = {}
    for path, facts in servers.items():
        base = PurePosixPath(path).parent
        for prefix, module in facts.mounts:
            target = _normpath(base / module)
            for suffix in _MODULE_SUFFIXES:
                if target + suffix in servers:
                    prefixes.setdefault(target + suffix, set()).add(prefix)
                    break
    out: list[ForeignRoute] = []
    for path, facts in sorted(servers.items()):
        for prefix in sorted(prefixes.get(path, {""})):
            for _obj, method, route, line in facts.routes:
                full = (prefix + route).rstrip("/") if route != "/" else (prefix or "/")
                out.append(ForeignRoute((method,), full or "/", Location(path, line), "express"))
    return tuple(out)


def _normpath(path: PurePosixPath) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)
