"""FastAPI itself is the oracle: static routes must equal what the imported app serves.

Each case in fixtures/routes/ is a tiny importable project. The test imports its
app (with its lifespan run, so start-up registrations count), walks
``app.routes`` into mounts and lazily included routers the way FastAPI iterates
them, and compares (methods, full path, endpoint file, endpoint first line)
with ``resolve_routes`` on the same files. The auth flag is compared
with the runtime dependency tree (``route.dependant``).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from traceaudit.discover import among_code
from traceaudit.model import Config, Route
from traceaudit.pysource import ModuleFacts
from traceaudit.pysource.scan import scan_module
from traceaudit.routes.resolve import RouteResolution, module_names, resolve_routes

pytest.importorskip("fastapi")

from tests.oracle import Key, import_app, runtime_routes

CASES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "routes"

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
    "settings_defaults": (".", "beacon.main:app"),
    # the app lives on an instance, built in __init__, served from a method that a CLI
    # command function reaches: the oracle builds it the same way
    "class_built": (".", "kiosk.server:ApiServer().app"),
    # dataclass route factories: field factories, defaults and __post_init__
    "generated_init": (".", "tiles.main:app"),
    # isinstance/issubclass on known classes choose the endpoint a factory defines; a
    # model class made by pydantic.create_model; app.state as a namespace; an
    # extension found by isinstance in a list turns a route on
    "type_tests": (".", "catalog.main:app"),
    # a monorepo of distributions (src/tilekit/<dist>/tilekit/<dist>/): `tilekit` is a
    # namespace package, `tilekit.extensions` the regular package inside its folder, not
    # the folder; its extensions register routes from a loop over the factory's list
    "namespace_portions": (
        os.pathsep.join(f"src/tilekit/{d}" for d in ("core", "extensions", "application")),
        "tilekit.application.main:app",
    ),
    # auth a handler enforces in its body (see BODY_AUTH)
    "body_auth": (".", "keeper.main:app"),
    # routes a module the app's own module does not import adds (main.py, which the
    # __main__ block serves, imports it); a router factory called for two apps
    "late_registration": (".", "relay.main:app"),
    # a script that imports the app by its top-level name and starts it under `if __name__
    # == "__main__"`, in a folder that also holds a demo server of its own
    "script_entry": ("service", "main:app"),
    # a router module named like a test (`routers/test_support.py`) that the app imports
    # serves routes; test modules nothing in the app imports, and test folders, do not
    "test_named": (".", "probe.main:app"),
}

# cases that serve several apps: the one the oracle imports, as the static side names it
APP_OF = {"script_entry": "service/main.py:app"}

# Auth FastAPI cannot see: the handler body calls an injected guard's authorize method
# before anything returns. The runtime tree has no scheme there, so these routes' auth is
# written out: (case, methods, path) -> auth.
BODY_AUTH = {
    ("body_auth", ("GET",), "/envs/{name}"): True,
    ("body_auth", ("POST",), "/envs/{name}"): True,
}

def static_resolution(case: Path, config: Config | None = None) -> RouteResolution:
    config = config or Config(root=str(case))
    paths = sorted(p.relative_to(case).as_posix() for p in case.rglob("*.py"))
    names = module_names(paths)
    facts = [
        scan_module((case / p).read_text(encoding="utf-8"), p, names[p], config)
        for p in paths
    ]

    def rescan(path: str) -> ModuleFacts:
        source = (case / path).read_text(encoding="utf-8")
        return scan_module(source, path, names[path], config, force_code=True)

    return resolve_routes([f for f in facts if among_code(f.path)], config, rescan)


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
    if case_name in APP_OF:
        static = {k: r for k, r in static.items() if r.app == APP_OF[case_name]}
    assert runtime, "the fixture app serves no routes"
    # A route registered under an `if` is listed (marked conditional) even when the
    # condition is false with the default settings; every other route must match.
    missing_at_runtime = {k for k in set(static) - set(runtime) if not static[k].conditional}
    assert missing_at_runtime == set()
    assert set(runtime) - set(static) == set()
    served = {(case_name, k[0], k[1]) for k in runtime}
    assert {k for k in BODY_AUTH if k[0] == case_name} <= served
    expected = {k: BODY_AUTH.get((case_name, k[0], k[1]), auth) for k, auth in runtime.items()}
    auth_mismatch = {
        k: (static[k].auth, expected[k]) for k in runtime if static[k].auth != expected[k]
    }
    assert auth_mismatch == {}


# cases whose libraries are no test dependency: compared with a recorded runtime table
RECORDED = {"library_routers"}  # tests/routes/test_library_routers.py


def test_every_case_is_listed() -> None:
    on_disk = {p.name for p in CASES_DIR.iterdir() if p.is_dir()}
    assert on_disk == set(CASES) | RECORDED


def test_conditional_routes_carry_their_condition() -> None:
    resolution = static_resolution(CASES_DIR / "conditional")
    routes = {(r.methods, r.path): r for r in resolution.routes}
    private = routes[(("POST",), "/private/users")]
    assert (private.conditional, private.condition) == (True, 'settings.ENVIRONMENT == "local"')
    # DEBUG defaults to False: the debug routes are not live by default, but listed
    # with their condition; a `values` entry turns them on.
    assert (("GET",), "/debug/state") not in routes
    (debug,) = resolution.inactive
    assert (debug.path, debug.conditional, debug.condition) == (
        "/debug/state", True, "settings.DEBUG",
    )  # fmt: skip
    case = CASES_DIR / "conditional"
    config = Config(root=str(case), values=(("settings.DEBUG", "true"),))
    turned_on = static_resolution(case, config)
    paths = {r.path for r in turned_on.routes}
    assert "/debug/state" in paths and "/version" not in paths
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


def test_settings_defaults_and_per_iteration_tests() -> None:
    case = CASES_DIR / "settings_defaults"
    resolution = static_resolution(case)
    live = {(r.methods, r.path): r for r in resolution.routes}
    # the test on the loop's item is settled per iteration: no conditions left
    assert live[(("GET",), "/users/{item_id}")].conditional is False
    assert (("DELETE",), "/users/{item_id}") not in live
    assert (("GET",), "/teams/{item_id}") not in live
    # a dependency added under an unknown test guards the route only then
    one = live[(("GET",), "/users/{item_id}")]
    assert (one.auth, one.auth_condition, one.auth_dependencies) == (
        False, "strict_mode()", ("require_key", "api_key"),
    )  # fmt: skip
    # a setting whose default is true: live, and says so
    assert live[(("GET",), "/health")].condition == "settings.ENABLE_HEALTH"
    # the settings are read through a proxy whose __getattr__ forwards to the wrapped
    # BaseSettings instance: its default prefix is known, not an unresolved part
    assert live[(("GET",), "/api/v1/status")].unresolved == ()
    # defaults that are false: listed with their condition, not live
    off = {(r.path, r.condition) for r in resolution.inactive}
    assert off == {
        ("/admin/reindex", "settings.ENABLE_ADMIN"),
        ("/metrics", 'os.getenv("BEACON_METRICS")'),
    }
    # a deployment's values turn them on, and the token check with them
    config = Config(
        root=str(case),
        values=(("settings.ENABLE_ADMIN", "true"), ("BEACON_METRICS", "1"),
                ("settings.API_TOKEN", "secret")),
    )  # fmt: skip
    on = {r.path: r for r in static_resolution(case, config).routes}
    assert {"/admin/reindex", "/metrics"} <= set(on)
    # the token check, settled by the configured value, guards every route
    assert (on["/health"].auth, on["/health"].dependencies) == (True, ("verify_token",))


def test_class_built_app_is_served_with_its_chain() -> None:
    resolution = static_resolution(CASES_DIR / "class_built")
    served = [a for a in resolution.apps if a.served]
    assert [(a.name, a.routes) for a in served] == [("kiosk/server.py:ApiServer.app", 6)]
    (chain,) = served[0].served_by
    assert chain[0] == "kiosk/cli.py:9 start_webserver (CLI command)"
    assert chain[-1] == "uvicorn.Config (kiosk/server.py:30)"
    # the temporary app of the OpenAPI export is built, not served
    export = [a for a in resolution.apps if not a.served]
    assert [(a.name, a.why) for a in export] == [
        ("kiosk/export.py:export_openapi.app", "no entry point starts it")
    ]
