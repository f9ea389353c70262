"""Which routes are live: conditions, dead routers, served apps, unresolved registrations,
order."""

from __future__ import annotations

import textwrap

import pytest

from tests.routes.support import APP, resolve, table
from traceaudit.model import Config, Location, UnmountedRouter, UnresolvedRegistration
from traceaudit.pysource import ModuleFacts
from traceaudit.pysource.scan import scan_module, serve_hints
from traceaudit.routes.resolve import module_names, resolve_routes

# --------------------------------------------------------------------------
# Conditions, dead routers, served apps, unresolved registrations
# --------------------------------------------------------------------------


def test_conditional_registration_is_listed_with_its_condition() -> None:
    resolution = resolve(
        {
            "main.py": APP
            + """
from typing import TYPE_CHECKING
DEBUG = False
debug = APIRouter()

@debug.get("/debug")
def dbg(): ...

if DEBUG and settings.x:
    app.include_router(debug)
if TYPE_CHECKING:
    @app.get("/never")
    def never(): ...
if __name__ == "__main__":
    @app.get("/main-only")
    def main_only(): ...
"""
        }
    )
    # DEBUG is False as the code stands: the route is not live by default, and is
    # listed (with its condition) among the routes that settings can turn on.
    assert resolution.routes == ()
    (route,) = resolution.inactive
    assert (route.path, route.conditional, route.condition) == (
        "/debug",
        True,
        "DEBUG and settings.x",
    )


def test_dead_routers_and_unserved_apps_are_reported() -> None:
    resolution = resolve(
        {
            "main.py": APP
            + """
live = APIRouter()
dead = APIRouter(prefix="/dead")

@live.get("/live")
def live_route(): ...

@dead.get("/a")
def a(): ...

@dead.post("/b")
def b(): ...

app.include_router(live)
other = FastAPI()
empty = APIRouter()
""",
        },
        Config(apps=("main:app",)),
    )
    assert [r.path for r in resolution.routes] == ["/live"]
    assert resolution.unmounted == (
        UnmountedRouter(
            "main.py:dead",
            Location("main.py", 7),
            (Location("main.py", 12), Location("main.py", 15)),
        ),
    )


def test_every_unmounted_app_is_served_by_default() -> None:
    rows = resolve(
        {
            "a.py": APP + '@app.get("/a")\ndef a(): ...\n',
            "b.py": APP + '@app.get("/b")\ndef b(): ...\n',
        }
    ).routes
    assert [(r.path, r.app) for r in rows] == [("/a", "a.py:app"), ("/b", "b.py:app")]


def test_unresolvable_registrations_are_reported_never_guessed() -> None:
    resolution = resolve(
        {
            "main.py": APP
            + """
import importlib, pkgutil
from somewhere import make_router

for info in pkgutil.iter_modules(["plugins"]):
    module = importlib.import_module(info.name)
    app.include_router(module.router)

@unknown_router.get("/x")
def x(): ...

app.include_router(make_router())
"""
        }
    )
    assert resolution.routes == ()
    assert resolution.unresolved == (
        UnresolvedRegistration(
            Location("main.py", 11),
            "include_router(module.router): `module.router` cannot be resolved to a router",
        ),
        UnresolvedRegistration(
            Location("main.py", 13),
            "route `unknown_router.get('/x')` is registered on `unknown_router`, "
            "which cannot be resolved to an app or router",
        ),
        UnresolvedRegistration(
            Location("main.py", 16),
            "include_router(make_router()): `make_router()` cannot be resolved to a router",
        ),
    )


def test_known_module_names_in_import_module_are_followed() -> None:
    rows = table(
        {
            "main.py": APP
            + """
import importlib
for name in ["users", "items"]:
    module = importlib.import_module(f"routes.{name}")
    app.include_router(module.router)
""",
            "routes/users.py": "from fastapi import APIRouter\nrouter = APIRouter()\n"
            '@router.get("/users")\ndef users(): ...\n',
            "routes/items.py": "from fastapi import APIRouter\nrouter = APIRouter()\n"
            '@router.get("/items")\ndef items(): ...\n',
        }
    )
    assert [p for _, p, *_ in rows] == ["/items", "/users"]


def test_routes_are_sorted_by_path_methods_handler() -> None:
    rows = table(
        {
            "main.py": APP
            + """
@app.post("/b")
def b2(): ...
@app.get("/b")
def b1(): ...
@app.get("/a")
def a(): ...
"""
        }
    )
    assert [(m, p) for m, p, *_ in rows] == [("GET", "/a"), ("GET", "/b"), ("POST", "/b")]


def test_temporary_apps_and_script_apps_are_not_served() -> None:
    rows = resolve(
        {
            "app/main.py": APP
            + """
from app.api import router
app.include_router(router, prefix="/api")

def export_openapi():
    scratch = FastAPI()
    scratch.include_router(router)
    return scratch.openapi()

SCHEMA = export_openapi()
""",
            "app/api.py": """
from fastapi import APIRouter
router = APIRouter()
@router.get("/items")
def items(): ...
""",
            "scripts/mock_server.py": APP
            + "from app.api import router\napp.include_router(router)\n",
        }
    ).routes
    assert [(r.path, r.app) for r in rows] == [("/api/items", "app/main.py:app")]


def test_an_app_in_a_script_is_served_when_it_is_the_only_one() -> None:
    rows = resolve({"scripts/server.py": APP + '@app.get("/x")\ndef x(): ...\n'}).routes
    assert [(r.path, r.app) for r in rows] == [("/x", "scripts/server.py:app")]


def test_the_app_handed_to_uvicorn_is_the_served_one() -> None:
    files = {
        "server/__init__.py": "",
        "server/api.py": """
            from fastapi import APIRouter, FastAPI

            router = APIRouter()

            @router.get("/flows")
            def flows(): ...

            def create_app() -> FastAPI:
                app = FastAPI()
                app.include_router(router, prefix="/api")
                return app
        """,
        "server/cli.py": """
            import uvicorn

            def start(workers: int) -> None:
                uvicorn.run(app="server.api:create_app", factory=True, workers=workers)
        """,
        # a module-level app in a script is not what the project serves
        "scripts/export_schema.py": """
            from fastapi import FastAPI
            from server.api import router

            app = FastAPI()
            app.include_router(router)
        """,
    }
    assert [(r.path, r.app) for r in resolve(files).routes] == [
        ("/api/flows", "server/api.py:create_app.app")
    ]


@pytest.mark.parametrize(
    ("source", "hints"),
    [
        ('uvicorn.run("app.main:app", reload=True)', ("app.main:app",)),
        ("uvicorn.run(\n    app='pkg.api:make',\n    factory=True,\n)", ("pkg.api:make()",)),
        ('cmd = ["uvicorn", "svc.main:application", "--port", "80"]', ("svc.main:application",)),
        ('os.system("uvicorn --host 0.0.0.0 pkg.x:build --factory")', ("pkg.x:build()",)),
        ("uvicorn.run(app, port=8000)", ()),
    ],
)
def test_serve_hints(source: str, hints: tuple[str, ...]) -> None:
    assert serve_hints(source) == hints


# An app and a server class whose run() serves it, started by serve() (nothing calls it).
SERVER = """
    import asyncio
    import uvicorn
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/ping")
    def ping(): ...

    class Server:
        def run(self):
            uvicorn.run(app)

    def serve():
        server = Server()
        server.run()
"""


def test_entry_points_are_the_functions_that_can_reach_a_server() -> None:
    """A function nothing calls runs as an entry point only when it can build or serve an
    app. A method call is followed to the class its receiver was made from: ``sandbox.run()``
    on a ``Sandbox`` is not ``Server.run``, and ``asyncio.run``/``sbx.commands.run`` on
    another package's object is no call of the project, so neither makes its caller an entry
    point; ``server = Server(); server.run()`` does."""
    files = {
        "svc/__init__.py": "",
        "svc/server.py": SERVER,
        "svc/jobs.py": """
            import asyncio
            from svc import sandboxes

            class Sandbox:
                def run(self):
                    return 1

            def make():
                return sandboxes.Remote()

            def execute():
                sandbox = Sandbox()
                sandbox.run()

            def drain():
                asyncio.run(execute())

            def remote():
                sbx = make()
                sbx.commands.run("pip install x")
""",
        "svc/sandboxes.py": """
            class Remote:
                pass
""",
    }
    resolution = resolve(files)
    assert [(r.path, r.app) for r in resolution.routes] == [("/ping", "svc/server.py:app")]
    assert [e for e in resolution.entry_points if "called by nothing" in e] == [
        "svc/server.py:15 serve (called by nothing in the project)"
    ]


def test_an_unread_class_is_read_before_the_files_that_call_its_methods() -> None:
    """``Sandbox().run()`` in a file read in full, with ``Sandbox`` in a file the prefilter
    left unread: until that file is read, its ``run`` may be the server's. The file that
    defines the class is read first; its ``run`` starts no server, so ``execute`` builds
    nothing and the files that only call ``execute`` are not read in full."""
    jobs = {
        f"svc/job_{k}.py": """
            from svc.executor import Executor

            def job():
                return Executor().execute()
"""
        for k in range(3)
    }
    files = {
        "svc/__init__.py": "",
        "svc/server.py": SERVER,
        "svc/sandbox.py": """
            import subprocess

            class Sandbox:
                def run(self):
                    return subprocess.run(["true"])
""",
        "svc/executor.py": """
            from svc.config import Settings
            from svc.sandbox import Sandbox

            class Executor:
                def execute(self):
                    sandbox = Sandbox()
                    return sandbox.run()
""",
        "svc/config.py": """
            class Settings:
                pass
""",
        **jobs,
    }
    config = Config()
    names = module_names(list(files))
    sources = {path: textwrap.dedent(text) for path, text in files.items()}
    facts = [scan_module(sources[p], p, names[p], config) for p in files]
    assert [f.path for f in facts if not f.scanned] == ["svc/__init__.py", "svc/sandbox.py", *jobs]
    read: list[str] = []

    def rescan(path: str) -> ModuleFacts:
        read.append(path)
        return scan_module(sources[path], path, names[path], config, force_code=True)

    resolution = resolve_routes(facts, config, rescan)
    assert [(r.path, r.app) for r in resolution.routes] == [("/ping", "svc/server.py:app")]
    assert read == ["svc/sandbox.py"]
