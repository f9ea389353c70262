"""FastAPI's own route table, walked the way FastAPI serves it: the route oracle.

Shared by the route-oracle tests (``tests/routes/test_route_oracle.py``) and the
fixture-project oracle (``tests/test_fixture_oracle.py``). Only the tests import
audited code, and only the fixtures'.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from fastapi.routing import APIWebSocketRoute
from fastapi.security.base import SecurityBase
from starlette.routing import Mount, WebSocketRoute

from traceaudit.model import DEFAULT_AUTH_PATTERNS

# (methods, full path, endpoint file, endpoint first line)
Key = tuple[tuple[str, ...], str, str, int]


def _auth_name_matches(name: str) -> bool:
    low = name.lower()
    return any(fnmatchcase(low, p.lower()) for p in DEFAULT_AUTH_PATTERNS)


def runtime_auth(dependant: Any) -> bool:
    """Any dependency call in the tree is a security scheme or has an auth-like name."""
    stack = list(dependant.dependencies) if dependant is not None else []
    while stack:
        dep = stack.pop()
        call = dep.call
        name = getattr(call, "__name__", None) or type(call).__name__
        if isinstance(call, SecurityBase) or _auth_name_matches(name):
            return True
        stack.extend(dep.dependencies)
    return False


def _iter_contexts(routes: Sequence[Any]) -> Iterator[Any]:
    """Route contexts as FastAPI iterates them (included routers are kept lazily)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before lazy inclusion: routes are plain
        yield from routes
        return
    yield from iter_route_contexts(routes)


def _original(ctx: Any) -> Any:
    return getattr(ctx, "original_route", ctx)


def _endpoint_code(endpoint: Callable[..., Any]) -> Any:
    while isinstance(endpoint, functools.partial):
        endpoint = endpoint.func
    endpoint = inspect.unwrap(endpoint)
    return getattr(endpoint, "__func__", endpoint).__code__


def runtime_routes(app: Any, case: Path) -> dict[Key, bool]:
    """(methods, full path, endpoint file, first line) -> auth, for every served route."""
    found: dict[Key, bool] = {}

    def walk(routes: Sequence[Any], prefix: str) -> None:
        for ctx in _iter_contexts(routes):
            route = _original(ctx)
            if isinstance(route, Mount):
                walk(ctx.routes, prefix + ctx.path)
                continue
            endpoint = ctx.endpoint
            if endpoint is None or endpoint.__module__.startswith(("fastapi.", "starlette.")):
                continue  # framework routes: /docs, /redoc, /openapi.json
            code = _endpoint_code(endpoint)
            websocket = isinstance(route, WebSocketRoute | APIWebSocketRoute)
            methods = ("WEBSOCKET",) if websocket else tuple(sorted(ctx.methods or ()))
            file = Path(os.path.relpath(code.co_filename, case)).as_posix()
            dependant = getattr(ctx, "dependant", None) if hasattr(route, "dependant") else None
            found[(methods, prefix + ctx.path, file, code.co_firstlineno)] = runtime_auth(dependant)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

        with TestClient(app):  # runs the lifespan: start-up registrations count
            walk(app.routes, "")
    return found


def import_app(case: Path, root: str, spec: str) -> Any:
    module_name, _, attr = spec.partition(":")
    roots = [str(case / r) for r in root.split(os.pathsep)]  # several: namespace portions
    sys.path[:0] = roots
    dont_write = sys.dont_write_bytecode
    sys.dont_write_bytecode = True  # keep fixtures/ free of __pycache__
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = importlib.import_module(module_name)
        if attr.isidentifier():
            return getattr(module, attr)
        # an app an expression builds (``ApiServer().app``): evaluated in the module
        return eval(attr, vars(module))  # test code: fixture apps only
    finally:
        sys.dont_write_bytecode = dont_write
        for r in roots:
            sys.path.remove(r)
