#!/usr/bin/env python3
"""Dump the runtime route table of a FastAPI/Starlette app as truth for a static route extractor.

Run inside a venv where the app imports:

    python dump_routes.py --repo-root "$TREE" --app myapp.main:app \
        --repo OWNER/REPO --commit <sha-or-version> --source-root myapp \
        --name myapp --out myapp.json [--sys-path DIR ...] [--factory]

Walks app.routes recursively through Mount (sub-apps and routers) and Host,
prefixing mount paths, and records per route: type, methods, full path, name,
endpoint module/qualname, endpoint file (relative to the repo root) and lines,
include_in_schema, the flattened dependency names of route.dependant and the
security schemes found there.

`line` is code.co_firstlineno of the unwrapped endpoint, which for a decorated
function is the line of its FIRST DECORATOR; `def_line` is the line of the
`def` keyword itself (found by parsing the file). A static tool may report
either; score.py accepts any line in [line, def_line].

Changes in this copy (benchmarks/routes-corpus, issue 9):
- several served apps in one truth: `--app` may be repeated; every route records
  the `app` it belongs to (the `module:attr` or expression given), and the doc
  lists `apps` with each app's route count. score.py matches per app.
- `--expr NAME=PYTHON` builds an app with a Python expression evaluated after
  the imports of `--import` (for apps built inside classes or CLI functions,
  e.g. `server=ApiServer(cfg).app`); `--exec FILE` runs a small setup script
  first (its globals are visible to `--expr`).
- `--env K=V` sets environment variables before any import and records them
  (the deployment configuration of the truth), `--chdir DIR` runs from DIR.
- file paths are made relative to `--repo-root` (several roots may be given
  with `--file-root`, e.g. the site-packages folder AND a source checkout; the
  first one containing the file wins).
"""

from __future__ import annotations

import argparse
import ast
import functools
import importlib
import inspect
import json
import os
import re
import sys
from typing import Any

# Heuristic only (the raw `dependencies` / `security_schemes` lists are the truth):
# a route counts as auth-protected when any dependency is a fastapi.security
# scheme instance (OAuth2PasswordBearer(), HTTPBearer(), APIKeyHeader(), ...)
# or a dependency's own name (last dotted segment) looks like an auth check.
AUTH_RE = re.compile(
    r"(^|_)(auth\w*|authenticat\w*|authoriz\w*|(get_)?(current|active|logged_in)_\w*(user|principal|account|member|admin)\w*"
    r"|api_?key\w*|jwt\w*|oauth\w*|permission\w*|superuser\w*|admin_user|require_(user|admin|auth|login|scope|permission|role|superuser|\w*key)\w*|check_(access|permission|auth)\w*"
    r"|verify_(token|api|user|admin|key)\w*|\w*wallet\w*|invoice_key\w*|admin_key\w*|bearer\w*|security\w*|principal\w*)$",
    re.I,
)


# CamelCase class names of auth dependency objects (JWTAuthenticator(), StaticBearerAuthenticator(),
# PermissionsDependency(), OAuth2PasswordBearerWithCookie(), ...)
AUTH_CLASS_RE = re.compile(r"(Auth|Bearer|Permission|Jwt|JWT|ApiKey|APIKey|Security|Signature)")
AUTH_SECRET_RE = re.compile(r"^(validate|verify|check)_\w*(secret|signature|token|key)\w*$", re.I)


def looks_auth(dep: str) -> bool:
    if dep.startswith(("fastapi.", "starlette.")):
        return False
    last = dep.rstrip("()").rsplit(".", 1)[-1]
    if last[:1].isupper() and AUTH_CLASS_RE.search(last) and not last.endswith(("Form", "Request")):
        return True
    return bool(AUTH_RE.search(last) or AUTH_SECRET_RE.search(last))


_def_cache: dict[str, dict[int, int]] = {}
FILE_ROOTS: list[str] = []


def def_line_for(path: str, firstlineno: int) -> int | None:
    """Map a code object's co_firstlineno (first decorator) to its def line."""
    if path not in _def_cache:
        m: dict[int, int] = {}
        try:
            with open(path, encoding="utf-8") as fh:
                tree = ast.parse(fh.read())
        except Exception:
            tree = None
        if tree is not None:
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    start = min([d.lineno for d in node.decorator_list] + [node.lineno])
                    m.setdefault(start, node.lineno)
                    m.setdefault(node.lineno, node.lineno)
        _def_cache[path] = m
    return _def_cache[path].get(firstlineno)


def unwrap_callable(obj: Any) -> Any:
    seen = 0
    while seen < 20:
        seen += 1
        if isinstance(obj, functools.partial):
            obj = obj.func
            continue
        nxt = getattr(obj, "__wrapped__", None)
        if nxt is not None and nxt is not obj:
            obj = nxt
            continue
        break
    return obj


def describe_callable(obj: Any, repo_root: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if obj is None:
        return out
    raw = obj
    obj = unwrap_callable(obj)
    func = obj
    if inspect.ismethod(func):
        func = func.__func__
    if not (inspect.isfunction(func) or inspect.isclass(func)):
        # callable instance: use its class' __call__
        call = getattr(type(func), "__call__", None)  # noqa: B004 - the class attribute itself
        if call is not None and inspect.isfunction(call):
            out["callable_instance_of"] = f"{type(func).__module__}.{type(func).__qualname__}"
            func = call
    out["module"] = getattr(func, "__module__", None) or getattr(raw, "__module__", None)
    out["qualname"] = getattr(func, "__qualname__", None) or type(raw).__qualname__
    try:
        src = inspect.getsourcefile(func)
    except TypeError:
        src = None
    code = getattr(func, "__code__", None)
    line = None
    if code is not None:
        line = code.co_firstlineno
        src = src or code.co_filename
    elif inspect.isclass(func) and src:
        try:
            line = inspect.getsourcelines(func)[1]
        except (OSError, TypeError):
            line = None
    if src:
        src_abs = os.path.realpath(src)
        root = os.path.realpath(repo_root)
        for extra in FILE_ROOTS:
            er = os.path.realpath(extra)
            if src_abs.startswith(er + os.sep):
                root = er
                break
        if src_abs.startswith(root + os.sep):
            out["file"] = os.path.relpath(src_abs, root)
            out["external"] = False
        else:
            # outside the repo: library code (fastapi, starlette, fastapi-users, ...)
            m = re.search(r"site-packages/(.*)$", src_abs)
            out["file"] = "<site-packages>/" + m.group(1) if m else src_abs
            out["external"] = True
        out["line"] = line
        if line is not None and os.path.exists(src_abs):
            out["def_line"] = def_line_for(src_abs, line) or line
    return out


def dep_name(call: Any) -> str:
    call = unwrap_callable(call)
    if inspect.isfunction(call) or inspect.isclass(call) or inspect.ismethod(call):
        return f"{getattr(call, '__module__', '?')}.{getattr(call, '__qualname__', repr(call))}"
    t = type(call)
    # a callable instance (OAuth2PasswordBearer(), HTTPBearer(), ...)
    return f"{t.__module__}.{t.__qualname__}()"


def flatten_dependant(dependant: Any) -> tuple[list[str], list[str]]:
    names: list[str] = []
    schemes: list[str] = []
    seen: set[int] = set()
    try:
        from fastapi.security.base import SecurityBase
    except Exception:  # pragma: no cover
        SecurityBase = None  # type: ignore

    def walk(d: Any) -> None:
        for sub in getattr(d, "dependencies", []) or []:
            if id(sub) in seen:
                continue
            seen.add(id(sub))
            call = getattr(sub, "call", None)
            if call is not None:
                n = dep_name(call)
                if n not in names:
                    names.append(n)
                if SecurityBase is not None and isinstance(unwrap_callable(call), SecurityBase):
                    sch = unwrap_callable(call)
                    sn = f"{type(sch).__qualname__}:{getattr(sch, 'scheme_name', '')}"
                    if sn not in schemes:
                        schemes.append(sn)
            walk(sub)
        for req in getattr(d, "security_requirements", []) or []:
            sch = getattr(req, "security_scheme", None)
            if sch is not None:
                n = f"{type(sch).__qualname__}:{getattr(sch, 'scheme_name', '')}"
                if n not in schemes:
                    schemes.append(n)

    walk(dependant)
    return names, schemes


def is_framework(info: dict[str, Any]) -> bool:
    """Routes FastAPI/Starlette add themselves (/openapi.json, /docs, /redoc, ...)."""
    mod = (info.get("module") or "").split(".")[0]
    f = info.get("file") or ""
    return mod in ("fastapi", "starlette") or bool(
        re.match(r"<site-packages>/(fastapi|starlette)/", f)
    )


def _expand(routes: list[Any]) -> list[tuple[Any, Any]]:
    """(effective_route, original_route) pairs.

    FastAPI >= 0.141 (PR #15745) keeps included routers lazily as
    `_IncludedRouter` entries; expand them to their effective (prefixed,
    dependency-merged) route contexts. Older FastAPI copies routes on
    include_router, so routes are already effective.
    """
    try:
        from fastapi.routing import _iter_routes_with_context  # type: ignore
    except Exception:
        return [(r, r) for r in routes]
    out = []
    for orig, ctx in _iter_routes_with_context(routes):
        if ctx is None:
            out.append((orig, orig))
        elif getattr(ctx, "starlette_route", None) is not None:
            out.append((ctx.starlette_route, orig))
        else:
            out.append((ctx, orig))
    return out


def _router_of(app: Any) -> Any:
    """The object holding .routes for an ASGI app (unwrapping middleware)."""
    probe = app
    for _ in range(12):
        if probe is None:
            return None
        r = getattr(probe, "router", None)
        if r is not None and hasattr(r, "routes"):
            return r
        if hasattr(probe, "routes") and not callable(probe.routes):
            return probe
        probe = getattr(probe, "app", None)
    return None


def _type_name(obj: Any) -> str:
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


def _low_priority(router: Any, prefix: str, out: list[dict], mount_chain: tuple[str, ...]) -> None:
    """app.frontend()/router.frontend() static SPA routes (FastAPI >= 0.141)."""
    groups = list(getattr(router, "_low_priority_routes", []) or [])
    for r in list(getattr(router, "routes", []) or []):
        if type(r).__name__ == "_IncludedRouter":
            try:
                for ctx in r.effective_low_priority_routes():
                    groups.append(ctx)
            except Exception:
                pass
    for g in groups:
        orig = getattr(g, "original_route", g)
        fprefix = getattr(g, "frontend_prefix", "")
        for fr in getattr(orig, "routes", []) or []:
            p = fr.path if not fprefix else (fprefix if fr.path == "/" else fprefix + fr.path)
            out.append(
                {
                    "type": "FrontendRoute",
                    "path": prefix + p,
                    "methods": sorted(getattr(fr, "methods", []) or []),
                    "mount": True,
                    "static": True,
                    "mount_chain": list(mount_chain),
                    "app_type": _type_name(getattr(fr, "app", None)),
                }
            )


def walk_routes(
    routes: list[Any],
    prefix: str,
    repo_root: str,
    out: list[dict],
    depth: int = 0,
    mount_chain: tuple[str, ...] = (),
    router: Any = None,
) -> None:
    from starlette.routing import Host, Mount, WebSocketRoute

    try:
        from fastapi.routing import APIWebSocketRoute
    except Exception:  # pragma: no cover
        APIWebSocketRoute = ()  # type: ignore

    for r, orig in _expand(routes):
        tname = type(orig).__name__
        rec: dict[str, Any] = {"type": tname}
        if isinstance(r, Mount):
            full = prefix + r.path  # starlette: Mount path has no trailing slash
            rec.update(path=full or "/", name=r.name, mount=True)
            app = r.app
            rec["app_type"] = f"{type(app).__module__}.{type(app).__qualname__}"
            sub = _router_of(app)
            rec["recursed"] = sub is not None
            rec["mount_chain"] = list(mount_chain)
            out.append(rec)
            if sub is not None and depth < 10:
                walk_routes(
                    list(sub.routes),
                    full,
                    repo_root,
                    out,
                    depth + 1,
                    (*mount_chain, full or "/"),
                    sub,
                )
            continue
        if isinstance(r, Host):
            rec.update(path=prefix or "/", host=r.host, mount=True, mount_chain=list(mount_chain))
            out.append(rec)
            sub = _router_of(r.app)
            if sub is not None:
                walk_routes(list(sub.routes), prefix, repo_root, out, depth + 1, mount_chain, sub)
            continue

        path = getattr(r, "path", None)
        rec["path"] = prefix + path if path is not None else None
        rec["route_path"] = path
        rec["mount_chain"] = list(mount_chain)
        rec["name"] = getattr(r, "name", None)
        methods = getattr(r, "methods", None)
        if (
            isinstance(r, WebSocketRoute)
            or (APIWebSocketRoute and isinstance(r, APIWebSocketRoute))
            or tname in ("WebSocketRoute", "APIWebSocketRoute")
        ):
            rec["methods"] = ["WEBSOCKET"]
        else:
            rec["methods"] = sorted(methods) if methods else []
        endpoint = getattr(r, "endpoint", None)
        info = describe_callable(endpoint, repo_root)
        rec["endpoint"] = f"{info.get('module')}:{info.get('qualname')}"
        for k in ("file", "line", "def_line", "external", "callable_instance_of"):
            if k in info:
                rec[k] = info[k]
        rec["framework_generated"] = is_framework(info)
        rec["include_in_schema"] = getattr(r, "include_in_schema", None)
        dependant = getattr(r, "dependant", None)
        if dependant is not None:
            deps, schemes = flatten_dependant(dependant)
            rec["dependencies"] = deps
            rec["security_schemes"] = schemes
            rec["route_dependencies"] = [
                dep_name(d.dependency)
                for d in (getattr(r, "dependencies", None) or [])
                if getattr(d, "dependency", None) is not None
            ]
            rec["auth_heuristic"] = bool(schemes) or any(looks_auth(n) for n in deps)
        out.append(rec)
    if router is not None:
        _low_priority(router, prefix, out, mount_chain)


def _load_app(spec: str, factory: bool, ns: dict[str, Any]) -> Any:
    if "=" in spec and ":" not in spec.split("=", 1)[0]:
        _name, expr = spec.split("=", 1)
        return eval(expr, ns)
    modname, attr = spec.split(":", 1)
    mod = importlib.import_module(modname)
    obj: Any = mod
    for part in attr.split("."):
        obj = getattr(obj, part)
    if factory:
        obj = obj()
    return obj


def _dump_app(obj: Any, lifespan: bool, repo_root: str) -> list[dict]:
    routes: list[dict] = []
    if lifespan:
        import asyncio

        async def _startup_then_dump() -> None:
            async with obj.router.lifespan_context(obj):
                rr = _router_of(obj)
                walk_routes(list(rr.routes), "", repo_root, routes, router=rr)

        asyncio.run(_startup_then_dump())
    else:
        root_router = _router_of(obj)
        walk_routes(list(root_router.routes), "", repo_root, routes, router=root_router)
    return routes


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo-root", required=True)
    ap.add_argument(
        "--file-root",
        action="append",
        default=[],
        help="another root that endpoint files are made relative to (checked first)",
    )
    ap.add_argument(
        "--app",
        action="append",
        required=True,
        help="module:attr (attr may be a dotted path), or NAME=PYTHON-EXPRESSION; repeatable",
    )
    ap.add_argument(
        "--factory", action="store_true", help="call attr() to get the app (module:attr apps)"
    )
    ap.add_argument(
        "--import",
        dest="imports",
        action="append",
        default=[],
        help="module imported into the namespace of --expr apps (as its top name)",
    )
    ap.add_argument(
        "--exec",
        dest="exec_file",
        help="python file executed first; its globals serve --app expressions",
    )
    ap.add_argument("--env", action="append", default=[], help="K=V set before importing anything")
    ap.add_argument("--chdir")
    ap.add_argument("--repo", required=True)
    ap.add_argument("--commit", required=True)
    ap.add_argument("--source-root", default=".")
    ap.add_argument("--name", required=True)
    ap.add_argument("--sys-path", action="append", default=[])
    ap.add_argument("--note", action="append", default=[])
    ap.add_argument(
        "--lifespan",
        action="store_true",
        help="run the app's lifespan startup before dumping (routes added at startup)",
    )
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    out_path = os.path.abspath(a.out)
    FILE_ROOTS.extend(a.file_root)
    for kv in a.env:
        k, v = kv.split("=", 1)
        os.environ[k] = v
    if a.chdir:
        os.chdir(a.chdir)
    for p in reversed(a.sys_path):
        sys.path.insert(0, os.path.abspath(p))
    ns: dict[str, Any] = {"__name__": "__dump__"}
    for m in a.imports:
        ns[m.split(".")[0]] = importlib.import_module(m)
        importlib.import_module(m)
    if a.exec_file:
        with open(a.exec_file, encoding="utf-8") as f:
            exec(compile(f.read(), a.exec_file, "exec"), ns)
    routes: list[dict] = []
    apps_doc = []
    for spec in a.app:
        obj = _load_app(spec, a.factory, ns)
        rs = _dump_app(obj, a.lifespan, a.repo_root)
        for r in rs:
            r["app"] = spec
        routes.extend(rs)
        apps_doc.append(
            {
                "app": spec,
                "type": f"{type(obj).__module__}.{type(obj).__qualname__}",
                "routes": sum(
                    1 for r in rs if not r.get("mount") and not r.get("framework_generated")
                ),
            }
        )
    import fastapi
    import starlette

    doc = {
        "name": a.name,
        "repo": a.repo,
        "commit": a.commit,
        "app_import": a.app[0] + ("()" if a.factory else ""),
        "apps": apps_doc,
        "env": a.env,
        "lifespan_run": a.lifespan,
        "source_root": a.source_root,
        "python": sys.version.split()[0],
        "fastapi_version": fastapi.__version__,
        "starlette_version": starlette.__version__,
        "notes": a.note,
        "routes": routes,
    }
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=False)
        f.write("\n")
    n_api = sum(1 for r in routes if not r.get("mount") and not r.get("framework_generated"))
    print(
        f"{a.name}: {len(routes)} route entries, {n_api} non-framework endpoint routes "
        f"in {len(a.app)} app(s) -> {out_path}"
    )


if __name__ == "__main__":
    main()
