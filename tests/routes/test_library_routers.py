"""Routers that libraries build (fastapi-users, strawberry, Cadwyn) equal FastAPI's table.

The libraries are not test dependencies, so the fixture's runtime table was recorded
once by ``tests/routes/record_library_runtime.py`` in a venv that has them (the
versions are in the file). A library's endpoint has no ``def`` in the project: it is
compared by the library's ``module:qualname``; a project endpoint by file and line.
Every route's auth flag must agree with the runtime dependency tree.
"""

from __future__ import annotations

import json

from tests.routes.test_route_oracle import CASES_DIR, static_resolution

CASE = CASES_DIR / "library_routers"
# the docs pages a FastAPI app (here Cadwyn's own versions of them) serves itself
DOCS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})

Key = tuple[tuple[str, ...], str, str, bool]


def recorded() -> set[Key]:
    data = json.loads((CASE / "runtime.json").read_text(encoding="utf-8"))
    out: set[Key] = set()
    for row in data["routes"]:
        if row["path"] in DOCS:
            continue
        where = row["endpoint"] if row["file"].startswith("<library>/") else (
            f"{row['file']}:{row['line']}"
        )
        out.add((tuple(row["methods"]), row["path"], where, row["auth"]))
    return out


def test_library_routers_equal_the_recorded_runtime_table() -> None:
    static: set[Key] = set()
    for r in static_resolution(CASE).routes:
        module = r.handler.split(":", 1)[0]
        where = f"{r.location.path}:{r.location.line}" if module.endswith(".py") else r.handler
        static.add((r.methods, r.path, where, r.auth))
    runtime = recorded()
    assert len(runtime) == 24
    assert static - runtime == set()
    assert runtime - static == set()


def test_a_library_route_shows_the_library_guard_and_where_its_router_is_built() -> None:
    routes = {(r.methods, r.path): r for r in static_resolution(CASE).routes}
    logout = routes[(("POST",), "/auth/jwt/logout")]
    guard = "fastapi_users current_user (its backend's transport scheme)"
    assert logout.auth_dependencies == (guard,)
    assert (logout.location.path, logout.location.line) == ("clubhouse/main.py", 17)
    assert routes[(("POST",), "/auth/jwt/login")].auth is False
    graphql = routes[(("POST",), "/graphql")]
    assert graphql.auth_dependencies == ("member_context", "token")
    assert (graphql.location.path, graphql.location.line) == ("clubhouse/graphql.py", 23)
