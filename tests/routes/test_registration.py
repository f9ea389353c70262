"""How routes are registered: module names, every FastAPI and Starlette form, paths, metadata,
router subclasses and class-based views."""

from __future__ import annotations

import pytest

from tests.routes.support import APP, one, resolve, table
from traceaudit.model import Config, Location
from traceaudit.routes.resolve import module_name_for, module_names

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
