"""Routers and apps that well-known libraries build, modelled from their public API.

The interpreter never imports a library. Where a project hands route building to a
library (``app.include_router(fastapi_users.get_auth_router(backend))``), the routes
the library registers are read from this one declarative table, written from each
library's documented API and checked against its source at the version named:

* **fastapi-users** (15.x; the same paths since 10.x). ``FastAPIUsers`` methods and the
  ``fastapi_users.router`` functions of the same names: ``get_auth_router`` (POST
  ``/login``, POST ``/logout``), ``get_register_router`` (POST ``/register``),
  ``get_reset_password_router`` (POST ``/forgot-password``, ``/reset-password``),
  ``get_verify_router`` (POST ``/request-verify-token``, ``/verify``),
  ``get_users_router`` (GET/PATCH ``/me``, GET/PATCH/DELETE ``/{id}``),
  ``get_oauth_router`` (GET ``/authorize``, ``/callback``) and
  ``get_oauth_associate_router`` (the same two, for a signed-in user). Auth is what
  the library applies: its ``Authenticator`` dependency (the backend's transport, an
  OAuth2 bearer or cookie scheme) guards ``/logout``, ``/me``, ``/{id}`` and the
  associate routes; the others are public.
* **strawberry** (0.2xx-0.33x). ``GraphQLRouter(schema, path="")`` serves GET, POST
  and a websocket at ``path``; its ``context_getter`` is a dependency of each (so a
  project context getter that depends on an auth scheme guards them); ``prefix``,
  ``dependencies`` and ``tags`` are those of an ``APIRouter``.
* **Cadwyn** (5.x-9.x). ``Cadwyn(...)`` is a FastAPI app; its
  ``generate_and_include_versioned_routers(*routers)`` includes each router (every
  version serves the same paths, picked by a header); ``VersionedAPIRouter`` is a
  plain ``APIRouter``.

An endpoint of a library has no ``def`` in the project: a route records the library's
endpoint name as its handler and the line that builds the router as its location.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LibRoute:
    methods: tuple[str, ...]
    path: str  # under the router; "{path}" is the builder's path argument
    endpoint: str  # the library's endpoint, module:qualname
    guard: str = ""  # the library's own authentication dependency on it ("" none)


@dataclass(frozen=True, slots=True)
class LibRouter:
    """A library callable that returns a router holding ``routes``."""

    package: str  # the top-level import name
    owner: str  # the class whose method builds it; "" for a function or a class
    name: str  # the function, method or class name
    routes: tuple[LibRoute, ...]
    path_arg: tuple[int, str] | None = None  # (position, keyword) of the path argument
    context_arg: str | None = None  # keyword whose callable every route depends on
    router_kwargs: bool = False  # takes APIRouter's prefix/dependencies/tags


_FU = "fastapi_users.router"
_FU_GUARD = "fastapi_users current_user (its backend's transport scheme)"


def _fu(module: str, name: str, *routes: tuple[str, str, str, bool]) -> tuple[LibRouter, ...]:
    table = tuple(
        LibRoute((m,), p, f"{_FU}.{module}:{name}.<locals>.{e}", _FU_GUARD if g else "")
        for m, p, e, g in routes
    )
    return (
        LibRouter("fastapi_users", "FastAPIUsers", name, table),
        LibRouter("fastapi_users", "", name, table),
    )


_GQL = "strawberry.fastapi.router:GraphQLRouter.__init__.<locals>"

ROUTERS: tuple[LibRouter, ...] = (
    *_fu("auth", "get_auth_router",
         ("POST", "/login", "login", False), ("POST", "/logout", "logout", True)),
    *_fu("register", "get_register_router", ("POST", "/register", "register", False)),
    *_fu("reset", "get_reset_password_router",
         ("POST", "/forgot-password", "forgot_password", False),
         ("POST", "/reset-password", "reset_password", False)),
    *_fu("verify", "get_verify_router",
         ("POST", "/request-verify-token", "request_verify_token", False),
         ("POST", "/verify", "verify", False)),
    *_fu("users", "get_users_router",
         ("GET", "/me", "me", True), ("PATCH", "/me", "update_me", True),
         ("GET", "/{id}", "get_user", True), ("PATCH", "/{id}", "update_user", True),
         ("DELETE", "/{id}", "delete_user", True)),
    *_fu("oauth", "get_oauth_router",
         ("GET", "/authorize", "authorize", False), ("GET", "/callback", "callback", False)),
    *_fu("oauth", "get_oauth_associate_router",
         ("GET", "/authorize", "authorize", True), ("GET", "/callback", "callback", True)),
    LibRouter(
        "strawberry", "", "GraphQLRouter",
        (LibRoute(("GET",), "{path}", f"{_GQL}.handle_http_get"),
         LibRoute(("POST",), "{path}", f"{_GQL}.handle_http_post"),
         LibRoute(("WEBSOCKET",), "{path}", f"{_GQL}.websocket_endpoint")),
        path_arg=(1, "path"), context_arg="context_getter", router_kwargs=True,
    ),
)  # fmt: skip

# Classes whose instances hold router-building methods (calls return such an instance).
BUILDER_CLASSES = frozenset({("fastapi_users", "FastAPIUsers")})
# Library subclasses of FastAPI, and their methods that include routers given as
# positional arguments.
APP_CLASSES = frozenset({("cadwyn", "Cadwyn")})
INCLUDE_METHODS = frozenset({("cadwyn", "Cadwyn", "generate_and_include_versioned_routers")})
# Library APIRouter subclasses that add no routes of their own.
PLAIN_ROUTERS = frozenset({("cadwyn", "VersionedAPIRouter")})

_BY_KEY = {(r.package, r.owner, r.name): r for r in ROUTERS}


def _key(qual: str) -> tuple[str, str]:
    return qual.split(".", 1)[0], qual.rsplit(".", 1)[-1]


def router_builder(qual: str, method: str = "") -> LibRouter | None:
    """The model of a library function or class ``qual`` (``fastapi_users.router.
    get_auth_router``), or of its ``method`` when ``qual`` is a builder class."""
    package, name = _key(qual)
    if method:
        return _BY_KEY.get((package, name, method))
    return _BY_KEY.get((package, "", name))


def is_builder_class(qual: str) -> bool:
    return _key(qual) in BUILDER_CLASSES


def is_app_class(qual: str) -> bool:
    return _key(qual) in APP_CLASSES


def is_plain_router(qual: str) -> bool:
    return _key(qual) in PLAIN_ROUTERS


def includes_routers(qual: str, method: str) -> bool:
    return (*_key(qual), method) in INCLUDE_METHODS
