"""FastAPI itself is the oracle: static routes must equal what the imported app serves.

Each case in fixtures/routes/ is a tiny importable project. The test imports its
app (with its lifespan run, so start-up registrations count), walks
``app.routes`` into mounts and lazily included routers the way FastAPI iterates
them, and compares (methods, full path, endpoint file, endpoint first line)
with ``resolve_routes`` on the same files. The auth flag is compared
with the runtime dependency tree (``route.dependant``).
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

import pytest

from traceaudit.model import DEFAULT_AUTH_PATTERNS, Config, Route
from traceaudit.pysource.scan import scan_module
from traceaudit.routes.resolve import RouteResolution, module_names, resolve_routes

pytest.importorskip("fastapi")

from fastapi.routing import APIWebSocketRoute
from fastapi.security.base import SecurityBase
from starlette.routing import Mount, WebSocketRoute

CASES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "routes"

# case -> (directory put on sys.path, "module:app")
CASES = {
    "single_module": (".", "main:app"),
    "package_reexports": (".", "storefront.main:app"),
    "src_layout": ("src", "acme.app:application"),
    "router_lists": (".", "fleet.main:app"),
    "factory_lifespan": (".", "hub.main:app"),
    "mounts": (".", "portal.main:app"),
    "registration_forms": (".", "forms.main:app"),
    "router_subclass": (".", "garage.main:app"),
    "path_constants": (".", "ledger.main:app"),
    "conditional": (".", "depot.main:app"),
    "dead_router": (".", "attic.main:app"),
    "auth_chains": (".", "vault.main:app"),
}

Key = tuple[tuple[str, ...], str, str, int]


def static_resolution(case: Path, config: Config | None = None) -> RouteResolution:
    config = config or Config(root=str(case))
    paths = sorted(p.relative_to(case).as_posix() for p in case.rglob("*.py"))
    names = module_names(paths)
    facts = [
        scan_module((case / p).read_text(encoding="utf-8"), p, names[p], config)
        for p in paths
    ]
    return resolve_routes([f for f in facts if not f.is_test], config)


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
    sys.path.insert(0, str(case / root))
    dont_write = sys.dont_write_bytecode
    sys.dont_write_bytecode = True  # keep fixtures/ free of __pycache__
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = importlib.import_module(module_name)
        return getattr(module, attr)
    finally:
        sys.dont_write_bytecode = dont_write
        sys.path.remove(str(case / root))


@pytest.fixture
def clean_modules() -> Iterator[None]:
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        file = getattr(sys.modules[name], "__file__", None) or ""
        if str(CASES_DIR) in file or name not in sys.modules:
            sys.modules.pop(name, None)
    importlib.invalidate_caches()


def static_routes(resolution: RouteResolution) -> dict[Key, Route]:
    return {(r.methods, r.path, r.location.path, r.location.line): r for r in resolution.routes}


@pytest.mark.usefixtures("clean_modules")
@pytest.mark.parametrize("case_name", sorted(CASES))
def test_static_routes_equal_what_fastapi_serves(case_name: str) -> None:
    case = CASES_DIR / case_name
    root, spec = CASES[case_name]
    runtime = runtime_routes(import_app(case, root, spec), case)
    static = static_routes(static_resolution(case))
    assert runtime, "the fixture app serves no routes"
    # A route registered under an `if` is listed (marked conditional) even when the
    # condition is false with the default settings; every other route must match.
    missing_at_runtime = {k for k in set(static) - set(runtime) if not static[k].conditional}
    assert missing_at_runtime == set()
    assert set(runtime) - set(static) == set()
    auth_mismatch = {
        k: (static[k].auth, runtime[k]) for k in runtime if static[k].auth != runtime[k]
    }
    assert auth_mismatch == {}


def test_every_case_is_listed() -> None:
    on_disk = {p.name for p in CASES_DIR.iterdir() if p.is_dir()}
    assert on_disk == set(CASES)


def test_conditional_routes_carry_their_condition() -> None:
    routes = {(r.methods, r.path): r for r in static_resolution(CASES_DIR / "conditional").routes}
    private = routes[(("POST",), "/private/users")]
    assert (private.conditional, private.condition) == (True, 'settings.ENVIRONMENT == "local"')
    debug = routes[(("GET",), "/debug/state")]
    assert (debug.conditional, debug.condition) == (True, "settings.DEBUG")
    version = routes[(("GET",), "/version")]
    assert (version.conditional, version.condition) == (True, "not (settings.DEBUG)")
    public = routes[(("GET",), "/public/")]
    assert (public.conditional, public.condition) == (False, None)


def test_dead_routers_are_reported_not_served() -> None:
    resolution = static_resolution(CASES_DIR / "dead_router")
    assert [r.path for r in resolution.routes] == ["/live/"]
    dead = {
        u.name: [(loc.path, loc.line) for loc in u.route_locations] for u in resolution.unmounted
    }
    assert dead == {
        "attic/legacy.py:router": [("attic/legacy.py", 8), ("attic/legacy.py", 13)],
        "attic/main.py:unused": [("attic/main.py", 11)],
    }


def test_auth_chains_and_scopes() -> None:
    routes = {(r.methods, r.path): r for r in static_resolution(CASES_DIR / "auth_chains").routes}
    mine = routes[(("GET",), "/secrets/mine")]
    assert mine.auth_dependencies == (
        "get_current_active_user",
        "get_current_user",
        "oauth2_scheme",
    )
    assert mine.scopes == ("vault:read",)
    assert mine.dependencies == ("get_current_active_user", "get_db")
    count = routes[(("GET",), "/secrets/count")]
    assert (count.auth, count.auth_dependencies, count.dependencies) == (False, (), ("get_db",))
    login = routes[(("POST",), "/secrets/token")]
    assert (login.auth, login.dependencies) == (False, ("LoginQuery",))
    service = routes[(("GET",), "/service/metrics")]
    assert service.auth_dependencies == ("service_key", "api_key")
    rotate = routes[(("POST",), "/secrets/rotate")]
    assert rotate.auth_dependencies == ("require_admin",)


def test_configured_app_limits_the_served_apps() -> None:
    case = CASES_DIR / "mounts"
    config = Config(root=str(case), apps=("portal.admin:admin_app",))
    resolution = static_resolution(case, config)
    assert sorted((r.methods, r.path) for r in resolution.routes) == [
        (("DELETE",), "/cache"),
        (("GET",), "/users/"),
    ]
    assert {r.app for r in resolution.routes} == {"portal/admin.py:admin_app"}
