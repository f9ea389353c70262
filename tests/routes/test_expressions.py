"""Expressions the interpreter evaluates: slices, string methods, lambdas,
comprehensions, ``:=``, and names as Python binds them at definition time."""

from __future__ import annotations

from tests.routes.support import APP, one, resolve, table


def test_an_optional_router_bound_in_both_branches_of_try_except_import_error() -> None:
    rows = table(
        {
            "main.py": APP
            + """
try:
    from extras import router as extra_router
except ImportError:
    extra_router = None
try:
    from fancy_external_lib import make_router
    plugin = make_router()
except ImportError:
    from fallback import router as plugin
if extra_router is not None:
    app.include_router(extra_router)
app.include_router(plugin, prefix="/plugin")
""",
            "extras.py": """
from fastapi import APIRouter
router = APIRouter()
@router.get("/extra")
def extra(): ...
""",
            "fallback.py": """
from fastapi import APIRouter
router = APIRouter()
@router.get("/fallback")
def fallback(): ...
""",
        }
    )
    assert rows == [
        ("GET", "/extra", "extras.py:extra", "4"),
        ("GET", "/plugin/fallback", "fallback.py:fallback", "4"),
    ]


def test_a_handler_that_cannot_run_registers_nothing_and_one_that_may_is_conditional() -> None:
    res = resolve(
        {
            "main.py": APP
            + """
try:
    from api import router
    app.include_router(router)
except ImportError:
    @app.get("/never")
    def never(): ...
try:
    import optional_dependency
except ImportError:
    @app.get("/degraded")
    def degraded(): ...
""",
            "api.py": """
from fastapi import APIRouter
router = APIRouter()
@router.get("/api")
def api(): ...
""",
        }
    )
    assert [(r.path, r.conditional, r.condition) for r in res.routes] == [
        ("/api", False, None),
        ("/degraded", True, "except ImportError"),
    ]


def test_slices_and_str_methods_settle_paths_per_call() -> None:
    rows = table(
        {
            "main.py": APP
            + """
from fastapi import APIRouter
router = APIRouter()
@router.get("/a")
def a(): ...
router2 = APIRouter()
@router2.get("/b")
def b(): ...
router3 = APIRouter()
@router3.get("/c")
def c(): ...

def trim_slash(url):
    return url[:-1] if url.endswith("/") else url

def base(url):
    if url.startswith("/"):
        url = url[1:]
    return "/" + url.split("/")[0] + "-" + str(len(url))

app.include_router(router, prefix=trim_slash("/api/"))
app.include_router(router2, prefix=trim_slash("/v2"))
app.include_router(router3, prefix=base("/x/y/z"))
"""
        }
    )
    assert [(r[1], r[2]) for r in rows] == [
        ("/api/a", "main.py:a"),
        ("/v2/b", "main.py:b"),
        ("/x-5/c", "main.py:c"),
    ]


def test_a_lambda_is_a_function_and_a_comprehension_a_list() -> None:
    rows = table(
        {
            "main.py": """
from fastapi import APIRouter, FastAPI
from starlette.routing import Route

make = lambda title: FastAPI(title=title)
app = make("x")
names = ["a", "b", "c"]
routers = {n: APIRouter(prefix="/" + n) for n in names if n != "c"}
for name, router in routers.items():
    router.add_api_route("/ping", lambda: name, methods=["GET"])
    app.include_router(router)
app.router.routes.extend([Route(f"/plain/{n}", endpoint=lambda r: None) for n in names[1:]])
"""
        }
    )
    assert [(r[0], r[1], r[3]) for r in rows] == [
        ("GET", "/a/ping", "10"),
        ("GET", "/b/ping", "10"),
        ("GET,HEAD", "/plain/b", "12"),
        ("GET,HEAD", "/plain/c", "12"),
    ]


def test_a_walrus_test_binds_its_name() -> None:
    route = one(
        {
            "main.py": APP
            + """
import os
if root := os.getenv("ROOT", "/root"):
    @app.get(root + "/x")
    def x(): ...
"""
        }
    )
    assert route.path == "/root/x"


def test_names_in_defaults_mean_what_they_meant_when_the_def_ran() -> None:
    routes = resolve(
        {
            "main.py": APP
            + """
from fastapi import Depends
from deps import get_current_user

@app.get("/me")
def me(user=Depends(get_current_user)): ...

@app.post("/login")
def login(): ...

def get_current_user():  # a later same-named helper, not the dependency above
    return None
""",
            "deps.py": """
from fastapi.security import OAuth2PasswordBearer
from fastapi import Depends
oauth2 = OAuth2PasswordBearer(tokenUrl="login")
def get_current_user(token: str = Depends(oauth2)): ...
""",
        }
    ).routes
    assert [(r.path, r.auth, r.auth_dependencies) for r in routes] == [
        ("/login", False, ()),
        ("/me", True, ("get_current_user", "oauth2")),
    ]
