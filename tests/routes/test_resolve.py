"""routing: per-file facts of a whole project -> resolved routes (inline projects)."""

from __future__ import annotations

import textwrap

import pytest

from traceaudit.model import Config, Location, Route, UnmountedRouter, UnresolvedRegistration
from traceaudit.pysource.scan import scan_module, serve_hints
from traceaudit.routes.resolve import (
    RouteResolution,
    module_name_for,
    module_names,
    resolve_routes,
)


def resolve(files: dict[str, str], config: Config | None = None) -> RouteResolution:
    config = config or Config()
    names = module_names(list(files))
    facts = [
        scan_module(textwrap.dedent(source), path, names[path], config)
        for path, source in files.items()
    ]
    return resolve_routes([f for f in facts if not f.is_test], config)


def table(files: dict[str, str], config: Config | None = None) -> list[tuple[str, ...]]:
    """(methods, path, handler, first line) of every route, in output order."""
    return [
        (",".join(r.methods), r.path, r.handler, str(r.location.line))
        for r in resolve(files, config).routes
    ]


def one(files: dict[str, str], config: Config | None = None) -> Route:
    (route,) = resolve(files, config).routes
    return route


# --------------------------------------------------------------------------
# Module names
# --------------------------------------------------------------------------


def test_module_names_for_packages_src_layouts_and_namespaces() -> None:
    paths = [
        "backend/app/__init__.py",
        "backend/app/main.py",
        "backend/app/api/__init__.py",
        "backend/app/api/users.py",
        "src/acme/__init__.py",
        "src/acme/core/config.py",
        "service/main.py",
        "service/routes/items.py",
        "tools/cli.py",
        "manage.py",
    ]
    assert module_names(paths) == {
        "backend/app/__init__.py": "app",
        "backend/app/main.py": "app.main",
        "backend/app/api/__init__.py": "app.api",
        "backend/app/api/users.py": "app.api.users",
        "src/acme/__init__.py": "acme",
        "src/acme/core/config.py": "acme.core.config",
        "service/main.py": "service.main",
        "service/routes/items.py": "service.routes.items",
        "tools/cli.py": "tools.cli",
        "manage.py": "manage",
    }
    assert module_name_for("src/acme/api.py") == "acme.api"


# --------------------------------------------------------------------------
# Registration forms and paths
# --------------------------------------------------------------------------

APP = """
from fastapi import APIRouter, FastAPI

app = FastAPI()
"""


def test_single_module_with_router_and_include_prefixes() -> None:
    assert table(
        {
            "main.py": APP
            + """
router = APIRouter(prefix="/items")

@router.get("")
def list_items(): ...

@router.post("/")
def create_item(): ...

@app.get("/health")
def health(): ...

app.include_router(router, prefix="/api/v1")
"""
        }
    ) == [
        ("GET", "/api/v1/items", "main.py:list_items", "8"),
        ("POST", "/api/v1/items/", "main.py:create_item", "11"),
        ("GET", "/health", "main.py:health", "14"),
    ]


def test_every_registration_form() -> None:
    rows = table(
        {
            "main.py": APP
            + """
from starlette.routing import Route

def h(): ...

router = APIRouter()
router.add_api_route("/a", h)
router.add_api_route("/b", endpoint=h, methods=["post", "PUT"])
router.api_route("/c", methods=["DELETE"])(h)
router.patch("/d")(h)
router.add_api_websocket_route("/ws1", h)

@router.websocket("/ws2")
async def ws(): ...

@router.api_route("/e")
def e(): ...

app.add_route("/starlette", h)
app.add_route("/starlette-post", h, methods=["POST"])
app.router.add_websocket_route("/ws3", h)
app.include_router(router)
app2 = FastAPI(routes=[Route("/literal", h, methods=["GET"])])
"""
        }
    )
    assert rows == [
        ("GET", "/a", "main.py:h", "8"),
        ("POST,PUT", "/b", "main.py:h", "8"),
        ("DELETE", "/c", "main.py:h", "8"),
        ("PATCH", "/d", "main.py:h", "8"),
        ("GET", "/e", "main.py:e", "20"),
        ("GET,HEAD", "/literal", "main.py:h", "8"),
        ("GET,HEAD", "/starlette", "main.py:h", "8"),
        ("POST", "/starlette-post", "main.py:h", "8"),
        ("WEBSOCKET", "/ws1", "main.py:h", "8"),
        ("WEBSOCKET", "/ws2", "main.py:ws", "17"),
        ("WEBSOCKET", "/ws3", "main.py:h", "8"),
    ]


def test_registered_at_is_the_decorator_or_call_line() -> None:
    route = one(
        {
            "main.py": APP
            + """
def f(): ...

@app.get(
    "/x",
)
@other
def g(): ...
"""
        }
    )
    assert route.location == Location("main.py", 8)
    assert route.registered_at == Location("main.py", 8)


@pytest.mark.parametrize(
    "decorator",
    [
        '@mock.patch("app.main.thing")',
        "@celery.task",
        '@app_celery.task(name="/x")',
        '@cache.get("/x")',
        '@requests.get("/x")',
        "@pytest.mark.parametrize('x', [1])",
    ],
)
def test_look_alike_decorators_never_become_routes(decorator: str) -> None:
    resolution = resolve(
        {
            "main.py": APP
            + f"""
import mock, celery, requests, pytest
from somewhere import cache, app_celery

{decorator}
def task():
    '''
    @app.get("/in-docstring")
    '''
"""
        }
    )
    assert resolution.routes == ()
    assert resolution.unresolved == ()


def test_path_values_from_constants_settings_env_and_concatenation() -> None:
    rows = table(
        {
            "app/constants.py": 'API = "/api"\nV1 = f"{API}/v1"\n',
            "app/config.py": """
import os
from pydantic import Field
from pydantic_settings import BaseSettings

class Settings(BaseSettings):
    ADMIN: str = Field(default="/admin")
    REPORTS: str = "/reports"

    @property
    def nested(self) -> str:
        return self.ADMIN + "/nested"

settings = Settings()
USERS = os.getenv("USERS_PREFIX", "/users")
AUDIT = os.environ.get("AUDIT", "/audit")
MAYBE = os.getenv("MAYBE") or "/maybe"
""",
            "app/main.py": APP
            + """
from app.constants import V1
from app.config import settings, USERS, AUDIT, MAYBE

@app.get(V1 + "/a")
def a(): ...

@app.get(f"{settings.ADMIN}{settings.REPORTS}")
def b(): ...

@app.get(settings.nested)
def c(): ...

@app.get("{}/x/{{id}}".format(USERS))
def d(): ...

@app.get(AUDIT.rstrip("/") + "/" + MAYBE.lstrip("/"))
def e(): ...
""",
        }
    )
    assert [(m, p) for m, p, *_ in rows] == [
        ("GET", "/admin/nested"),
        ("GET", "/admin/reports"),
        ("GET", "/api/v1/a"),
        ("GET", "/audit/maybe"),
        ("GET", "/users/x/{id}"),
    ]


def test_unknown_path_values_become_visible_placeholders() -> None:
    files = {
        "app/main.py": APP
        + """
import os
from pydantic_settings import BaseSettings

class Settings(BaseSettings):
    ROOT_PATH: str

settings = Settings()

@app.get(f"{settings.ROOT_PATH}/items")
def items(): ...

@app.get(os.environ["HEALTH"])
def health(): ...
"""
    }
    resolution = resolve(files)
    assert [(r.path, r.unresolved) for r in resolution.routes] == [
        ("{?os.environ['HEALTH']}", ("{?os.environ['HEALTH']}",)),
        ("{?settings.ROOT_PATH}/items", ("{?settings.ROOT_PATH}",)),
    ]
    assert resolution.unresolved_paths == (
        (Location("app/main.py", 14), "settings.ROOT_PATH"),
        (Location("app/main.py", 17), "os.environ['HEALTH']"),
    )
    configured = resolve(files, Config(values=(("settings.ROOT_PATH", "/root"),)))
    assert [r.path for r in configured.routes] == ["/root/items", "{?os.environ['HEALTH']}"]
    assert configured.unresolved_paths == ((Location("app/main.py", 17), "os.environ['HEALTH']"),)


# --------------------------------------------------------------------------
# Imports, include chains, loops, factories, mounts
# --------------------------------------------------------------------------


def test_imports_of_every_shape_and_deep_include_chains() -> None:
    rows = table(
        {
            "app/__init__.py": "",
            "app/main.py": APP
            + """
import app.api.routes.login as login
from app.api import api_router
app.include_router(api_router, prefix="/api")
app.include_router(login.router)
""",
            "app/api/__init__.py": """
from fastapi import APIRouter
from .routes import items
from .routes.users import router as users_router
from . import v2
api_router = APIRouter()
api_router.include_router(items.router, prefix="/items")
api_router.include_router(users_router)
api_router.include_router(v2.router)
""",
            "app/api/routes/__init__.py": "",
            "app/api/routes/items.py": """
from fastapi import APIRouter
router = APIRouter()
@router.get("/")
def list_items(): ...
""",
            "app/api/routes/users.py": """
from fastapi import APIRouter
from ...core import deps
router = APIRouter(prefix="/users")
@router.get("/me")
def me(): ...
""",
            "app/api/routes/login.py": """
from fastapi import APIRouter
router = APIRouter()
@router.post("/login")
def login(): ...
""",
            "app/api/v2/__init__.py": """
from fastapi import APIRouter
from .deep import deeper
router = APIRouter(prefix="/v2")
router.include_router(deeper.router, prefix="/deep")
""",
            "app/api/v2/deep/__init__.py": "",
            "app/api/v2/deep/deeper.py": """
from fastapi import APIRouter
from ....core.deps import PREFIX
router = APIRouter(prefix=PREFIX)
@router.get("/x")
def x(): ...
""",
            "app/core/__init__.py": "",
            "app/core/deps.py": 'PREFIX = "/deepest"\n',
        }
    )
    assert rows == [
        ("GET", "/api/items/", "app/api/routes/items.py:list_items", "4"),
        ("GET", "/api/users/me", "app/api/routes/users.py:me", "5"),
        ("GET", "/api/v2/deep/deepest/x", "app/api/v2/deep/deeper.py:x", "5"),
        ("POST", "/login", "app/api/routes/login.py:login", "4"),
    ]


def test_namespace_packages_and_src_layout() -> None:
    rows = table(
        {
            "src/shop/main.py": APP
            + "from shop.routes import orders\napp.include_router(orders.router)\n",
            "src/shop/routes/orders.py": """
from fastapi import APIRouter
router = APIRouter(prefix="/orders")
@router.get("/")
def orders(): ...
""",
        }
    )
    assert rows == [("GET", "/orders/", "src/shop/routes/orders.py:orders", "4")]


def test_loops_over_lists_dicts_and_router_lists_built_by_append() -> None:
    rows = table(
        {
            "main.py": APP
            + """
def make(name):
    r = APIRouter(prefix="/" + name)
    @r.get("/")
    def index(): ...
    return r

a, b, c, d = make("a"), make("b"), make("c"), make("d")
ROUTERS = [a, b]
for r in ROUTERS:
    app.include_router(r, prefix="/v1")
for prefix, r in {"/v2": c}.items():
    app.include_router(r, prefix=prefix)
later = []
later.append(d)
later += []
for i, r in enumerate(later):
    app.include_router(r, prefix="/v3")
"""
        }
    )
    assert [(m, p) for m, p, *_ in rows] == [
        ("GET", "/v1/a/"),
        ("GET", "/v1/b/"),
        ("GET", "/v2/c/"),
        ("GET", "/v3/d/"),
    ]


def test_uncalled_app_factory_is_served_and_its_routes_found() -> None:
    rows = table(
        {
            "app/factory.py": """
from fastapi import FastAPI
from app.routes import router

def create_app() -> FastAPI:
    application = FastAPI()
    application.include_router(router, prefix="/api")
    return application
""",
            "app/routes.py": """
from fastapi import APIRouter
router = APIRouter()
@router.get("/ping")
def ping(): ...
""",
        }
    )
    assert rows == [("GET", "/api/ping", "app/routes.py:ping", "4")]


def test_mounts_prefix_sub_apps_which_keep_only_their_own_dependencies() -> None:
    resolution = resolve(
        {
            "main.py": APP
            + """
from fastapi import Depends
from fastapi.staticfiles import StaticFiles

def verify_token(): ...

admin = FastAPI(dependencies=[Depends(verify_token)])

@admin.get("/stats")
def stats(): ...

outer = FastAPI(dependencies=[Depends(verify_token)])
outer.mount("/admin/", admin)
inner = FastAPI()

@inner.get("/open")
def open_(): ...

outer.mount("/inner", inner)
outer.mount("/static", StaticFiles(directory="static"))
"""
        }
    )
    rows = [(r.path, r.auth, r.app) for r in resolution.routes]
    assert rows == [
        ("/admin/stats", True, "main.py:outer"),
        ("/inner/open", False, "main.py:outer"),
    ]
    assert resolution.unresolved == ()


def test_circular_imports_register_routes_on_the_app() -> None:
    rows = table(
        {
            "pkg/__init__.py": "",
            "pkg/main.py": APP + "from pkg import views  # noqa\n",
            "pkg/views.py": """
from pkg.main import app
@app.get("/")
def index(): ...
""",
        }
    )
    assert rows == [("GET", "/", "pkg/views.py:index", "3")]


def test_registrations_from_modules_the_app_never_imports_do_not_exist() -> None:
    resolution = resolve(
        {
            "pkg/main.py": APP,
            "pkg/orphan.py": """
from pkg.main import app
@app.get("/orphan")
def orphan(): ...
""",
        }
    )
    assert resolution.routes == ()


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
    (route,) = resolution.routes
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


# --------------------------------------------------------------------------
# Route metadata, subclasses, class-based views
# --------------------------------------------------------------------------


def test_route_metadata() -> None:
    route = one(
        {
            "main.py": APP
            + '''
from enum import Enum
from http import HTTPStatus
from fastapi import status

class Tags(str, Enum):
    items = "items"

router = APIRouter(tags=["router"], include_in_schema=False)

@router.post(
    "/items",
    status_code=status.HTTP_201_CREATED,
    response_model=list[Item],
    tags=[Tags.items],
    summary="Create",
)
def create() -> None:
    """Create an item.
    \\f
    Internal notes."""

app.include_router(router, tags=["include"], deprecated=True)
'''
        }
    )
    assert (
        route.status_code,
        route.response_model,
        route.tags,
        route.summary,
        route.description,
        route.deprecated,
        route.include_in_schema,
    ) == (
        201,
        "list[Item]",
        ("include", "router", "items"),
        "Create",
        "Create an item.",
        True,
        False,
    )


def test_return_annotation_is_the_response_model_unless_a_response() -> None:
    rows = resolve(
        {
            "main.py": APP
            + """
from http import HTTPStatus

@app.get("/a", status_code=HTTPStatus.ACCEPTED)
def a() -> ItemOut: ...

@app.get("/b")
def b() -> JSONResponse: ...

@app.get("/c", response_model=None)
def c() -> ItemOut: ...
"""
        }
    ).routes
    assert [(r.response_model, r.status_code) for r in rows] == [
        ("ItemOut", 202),
        (None, None),
        (None, None),
    ]


def test_router_subclasses_and_class_based_views() -> None:
    resolution = resolve(
        {
            "main.py": APP
            + """
from fastapi import Depends
from fastapi.security import HTTPBearer

bearer = HTTPBearer()

def current_account(token=Depends(bearer)): ...

class SecureRouter(APIRouter):
    def __init__(self, **kwargs):
        super().__init__(dependencies=[Depends(current_account)], **kwargs)

secure = SecureRouter(prefix="/secure")

@secure.get("/")
def secret(): ...

class ItemView:
    def __init__(self):
        self.router = APIRouter(prefix="/items")
        self.router.add_api_route("/", self.list_items, methods=["GET"])

    def list_items(self): ...

view = ItemView()
app.include_router(secure)
app.include_router(view.router)
"""
        }
    )
    rows = [(r.path, r.handler, r.location.line, r.auth_dependencies) for r in resolution.routes]
    assert rows == [
        ("/items/", "main.py:ItemView.list_items", 27, ()),
        ("/secure/", "main.py:secret", 19, ("current_account", "bearer")),
    ]


def test_controller_decorators_and_class_dependencies() -> None:
    route = one(
        {
            "main.py": APP
            + """
from fastapi import Depends

def get_current_user(): ...

router = APIRouter(prefix="/things")

def controller(router):
    def decorator(cls):
        return cls
    return decorator

class BaseUserController:
    user = Depends(get_current_user)

@controller(router)
class ThingController(BaseUserController):
    @router.get("/")
    def get_all(self): ...

app.include_router(router)
"""
        }
    )
    assert (route.path, route.handler, route.auth, route.auth_dependencies) == (
        "/things/",
        "main.py:ThingController.get_all",
        True,
        ("get_current_user",),
    )


# --------------------------------------------------------------------------
# Auth
# --------------------------------------------------------------------------

DEPS = """
from typing import Annotated
from fastapi import Depends, Security
from fastapi.security import OAuth2PasswordBearer

oauth2 = OAuth2PasswordBearer(tokenUrl="token")

def get_db():
    yield None

def get_current_user(token: str = Depends(oauth2)): ...

def get_current_active_user(user = Security(get_current_user, scopes=["me"])): ...

CurrentUser = Annotated[dict, Depends(get_current_active_user)]
SessionDep = Annotated[object, Depends(get_db)]

def check_owner(): ...
"""


@pytest.mark.parametrize(
    ("signature", "decorator", "auth", "chain", "scopes"),
    [
        (
            "user: CurrentUser",
            "",
            True,
            ("get_current_active_user", "get_current_user", "oauth2"),
            ("me",),
        ),
        ("session: SessionDep", "", False, (), ()),
        ("db=Depends(get_db)", "", False, (), ()),
        (
            "",
            ", dependencies=[Depends(get_current_user)]",
            True,
            ("get_current_user", "oauth2"),
            (),
        ),
        ("", ", dependencies=[Depends(check_owner)]", False, (), ()),
        ("token: Annotated[str, Depends(oauth2)]", "", True, ("oauth2",), ()),
    ],
)
def test_auth_follows_dependency_chains(
    signature: str, decorator: str, auth: bool, chain: tuple[str, ...], scopes: tuple[str, ...]
) -> None:
    route = one(
        {
            "deps.py": DEPS,
            "main.py": APP
            + f"""
from fastapi import Depends
from deps import *

@app.get("/x"{decorator})
def x({signature}): ...
""",
        }
    )
    assert (route.auth, route.auth_dependencies, route.scopes) == (auth, chain, scopes)


def test_auth_patterns_are_configurable() -> None:
    files = {
        "main.py": APP
        + """
from fastapi import Depends
def ensure_member(): ...
@app.get("/x", dependencies=[Depends(ensure_member)])
def x(): ...
"""
    }
    assert one(files).auth is False
    configured = one(files, Config(auth_patterns=("ensure_*",)))
    assert (configured.auth, configured.auth_dependencies) == (True, ("ensure_member",))


def test_router_and_include_level_dependencies_apply() -> None:
    route = one(
        {
            "deps.py": DEPS,
            "main.py": APP
            + """
from fastapi import Depends
from deps import get_current_user, get_db
router = APIRouter(dependencies=[Depends(get_db)])
@router.get("/x")
def x(): ...
app.include_router(router, dependencies=[Depends(get_current_user)])
""",
        }
    )
    assert (route.auth, route.dependencies) == (True, ("get_current_user", "get_db"))


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


def test_startup_code_awaited_from_the_lifespan_registers_routes() -> None:
    rows = table(
        {
            "main.py": """
from contextlib import asynccontextmanager
from fastapi import APIRouter, FastAPI

core = APIRouter()

@core.get("/core")
def core_route(): ...

async def startup(app):
    init_routers(app)

def init_routers(app):
    app.include_router(core)

@asynccontextmanager
async def lifespan(app):
    await startup(app)
    yield

app = FastAPI(lifespan=lifespan)
"""
        }
    )
    assert rows == [("GET", "/core", "main.py:core_route", "7")]


def test_values_computed_by_project_code() -> None:
    rows = table(
        {
            "main.py": APP
            + """
import dataclasses

@dataclasses.dataclass(frozen=True)
class Version:
    year: int
    month: int

    def __str__(self):
        return f"{self.year}-{self.month:02d}"

def authorizer(required=True):
    return "/strict" if required else "/lenient"

VERSIONS = {Version(2026, 4), Version(year=2026, month=10)}
for version in sorted(VERSIONS):
    @app.get(f"/{version}/openapi.json")
    def openapi(): ...

router = APIRouter()
router.prefix = authorizer() + (None or "/v")

@router.get("/late")
def late(): ...

router.prefix = "/ignored"  # routes already added keep the prefix they were added with
app.include_router(router)
"""
        }
    )
    assert [p for _, p, *_ in rows] == [
        "/2026-04/openapi.json",
        "/2026-10/openapi.json",
        "/strict/v/late",
    ]


def test_names_bound_under_conditions_follow_default_settings_or_become_unknown() -> None:
    rows = table(
        {
            "main.py": APP
            + """
from pydantic_settings import BaseSettings

class Settings(BaseSettings):
    ENV: str = "local"

settings = Settings()
if settings.ENV == "production":
    PREFIX = "/api"
else:
    PREFIX = "/dev"
BASE = "/base"
if flag_from_elsewhere:
    BASE = "/other"
if not settings.ENV in ("local", "test"):
    EXTRA = "/never"
else:
    EXTRA = "/extra"

@app.get(PREFIX + "/a")
def a(): ...

@app.get(BASE + "/b")
def b(): ...

@app.get(EXTRA)
def c(): ...
"""
        }
    )
    assert [p for _, p, *_ in rows] == ["/dev/a", "/extra", "{?BASE}/b"]


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
