"""The interpreter: imports of every shape, include chains, loops, factories, mounts,
lifespans, values computed by project code, names bound under conditions."""

from __future__ import annotations

from tests.routes.support import APP, resolve, table

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


def test_startup_handlers_that_register_routes_run_and_others_need_not() -> None:
    """A startup hook runs when what it calls can add a route: here through a method of
    an object it made, and through ``.routes.append``; a hook that only opens a
    connection adds none either way."""
    rows = table(
        {
            "main.py": """
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

extra = APIRouter()

@extra.get("/extra")
def extra_route(): ...

def ping(): ...

class Registry:
    def install(self, app):
        app.include_router(extra)

app = FastAPI()

@app.on_event("startup")
def install_extra():
    registry = Registry()
    registry.install(app)

def add_ping():
    app.routes.append(APIRoute("/ping", ping))

def connect():
    pool = open("db")
    pool.run()

app.add_event_handler("startup", add_ping)
app.add_event_handler("startup", connect)
"""
        }
    )
    assert rows == [("GET", "/extra", "main.py:extra_route", "7"),
                    ("GET", "/ping", "main.py:ping", "10")]  # fmt: skip


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
