"""Settings and their defaults: what is live by default, what a setting turns on,
and tests settled per call or per loop iteration."""

from __future__ import annotations

from tests.routes.support import APP, resolve
from traceaudit.model import Config


def test_a_default_chosen_under_an_environment_test_is_that_settings_default() -> None:
    res = resolve(
        {
            "config.py": """
from os import getenv

ENV_ENABLE_AUTH = "APP_ENABLE_AUTH"

def _bool_val(env_var, default=None):
    if (value := getenv(env_var)) is None:
        return default
    return value.lower() == "true"

def get_env_enable_auth():
    return _bool_val(ENV_ENABLE_AUTH, False)

def get_env_root_path():
    return getenv("APP_ROOT_PATH", "")
""",
            "main.py": """
from fastapi import APIRouter, FastAPI
from config import get_env_enable_auth, get_env_root_path

auth_router = APIRouter(prefix="/auth")
@auth_router.post("/login")
def login(): ...

def create_app(authentication_enabled):
    app = FastAPI()
    if authentication_enabled:
        app.include_router(auth_router)
    if root := get_env_root_path():
        @app.get(root + "/x")
        def under_root(): ...
    @app.get("/ping")
    def ping(): ...
    return app

app = create_app(authentication_enabled=get_env_enable_auth())
""",
        }
    )
    assert [r.path for r in res.routes] == ["/ping"]
    assert sorted((r.path, r.condition) for r in res.inactive) == [
        ("/auth/login", "authentication_enabled"),
        ("/x", "root := get_env_root_path()"),
    ]


def test_values_turn_an_environment_variable_on() -> None:
    files = {
        "main.py": APP
        + """
import os
if os.getenv("FEATURE_X") == "on":
    @app.get("/x")
    def x(): ...
"""
    }
    assert [r.path for r in resolve(files).routes] == []
    on = resolve(files, Config(values=(("FEATURE_X", "on"),)))
    assert [r.path for r in on.routes] == ["/x"]


def test_traitlets_defaults_are_the_values_of_an_application() -> None:
    res = resolve(
        {
            "server.py": """
from fastapi import APIRouter, FastAPI
from traitlets import Bool, Type, Unicode
from traitlets.config import Application

class Auth:
    def __init__(self, parent=None):
        self.router = APIRouter()
        self.router.add_api_route("/login/", self.login, methods=["GET"])
    def login(self): ...

def trim_slash(url):
    return url[:-1] if url.endswith("/") else url

registry = APIRouter()
@registry.get("/v2/")
def v2(): ...

class Server(Application):
    url_prefix = Unicode("/", config=True)
    enable_registry = Bool(False, config=True)
    authentication_class = Type(default_value=Auth, klass=object, config=True)

    def create_app(self):
        app = FastAPI()
        self.authentication = self.authentication_class(parent=self)
        app.include_router(self.authentication.router, prefix=trim_slash(self.url_prefix))
        if self.enable_registry:
            app.include_router(registry)
        return app

app = Server().create_app()
"""
        }
    )
    assert [(r.path, r.handler, r.location.line) for r in res.routes] == [
        ("/login/", "server.py:Auth.login", 10)
    ]
    assert [(r.path, r.condition) for r in res.inactive] == [("/v2/", "self.enable_registry")]
