"""Declared paths written relative to a stated base or a router, placed against the routes."""

from __future__ import annotations

from dataclasses import replace

from traceaudit.model import DeclaredEndpoint, Location, Route
from traceaudit.trace.declared import resolve_declared


def route(method: str, path: str, handler: str) -> Route:
    return Route((method,), path, handler, Location(handler.split(":")[0], 1), "app/main.py:app")


ROUTES = [
    route("POST", "/api/v1/orgs", "backend/app/api/v1/orgs.py:create"),
    route("GET", "/api/v1/orgs/{org_id}", "backend/app/api/v1/orgs.py:read"),
    route("PATCH", "/api/v1/categories/{category_id}/schedule", "src/api/routes/categories.py:s"),
    route("POST", "/api/v1/cvs/", "backend/app/modules/cv/router.py:upload"),
    route("GET", "/api/v1/cvs/", "backend/app/modules/cv/router.py:list_cvs"),
    route("GET", "/health", "backend/app/main.py:health"),
]


def ep(method: str, path: str, *hints: str) -> DeclaredEndpoint:
    return DeclaredEndpoint(method, path, Location("specs/x/spec.md", 1), hints=hints)


def placed(*eps: DeclaredEndpoint) -> list[tuple[str, str, bool]]:
    return [(e.method, e.path, moved) for e, moved in resolve_declared(eps, ROUTES)]


def test_a_stated_base_applies_unless_the_path_is_served_as_written() -> None:
    assert placed(ep("POST", "/orgs", "base:/api/v1"), ep("GET", "/health", "base:/api/v1")) == [
        ("POST", "/api/v1/orgs", True), ("GET", "/health", False),
    ]  # fmt: skip


def test_an_unserved_path_under_a_base_is_declared_in_full() -> None:
    assert placed(ep("POST", "/auth/refresh", "base:/api/v1")) == [
        ("POST", "/api/v1/auth/refresh", True)
    ]


def test_a_router_relative_path_is_resolved_against_the_named_router() -> None:
    assert placed(
        ep("GET", "/orgs/{id}", "file:backend/app/api/v1/orgs.py"),
        ep("POST", "/", "prefix:/cvs", "relative"),
        ep("PATCH", "/{category_id}/schedule", "relative"),
    ) == [
        ("GET", "/api/v1/orgs/{org_id}", True),
        ("POST", "/api/v1/cvs/", True),
        ("PATCH", "/api/v1/categories/{category_id}/schedule", True),
    ]


def test_an_unserved_path_of_a_named_router_takes_the_router_prefix() -> None:
    assert placed(ep("POST", "/test", "file:backend/app/api/v1/orgs.py")) == [
        ("POST", "/api/v1/orgs/test", True)
    ]


def test_a_relative_path_nothing_places_is_dropped_never_declared_bare() -> None:
    assert placed(ep("DELETE", "/{item_id}", "relative")) == []
    assert placed(ep("POST", "/widgets")) == [("POST", "/widgets", False)]


def test_a_path_written_below_the_api_base_is_the_route_under_it() -> None:
    # "uploadCV() makes a POST request to /cvs", "GET /orgs/{id}": the app's one API
    # base (/api/v1) is where a client's calls and a story's tasks land.
    assert placed(ep("POST", "/cvs"), ep("GET", "/orgs/{id}"), ep("GET", "/reports")) == [
        ("POST", "/api/v1/cvs", True),
        ("GET", "/api/v1/orgs/{id}", True),
        ("GET", "/reports", False),  # served under no base: declared as written
    ]


def test_no_api_base_when_the_spec_says_its_paths_are_full() -> None:
    # "Base URL: http://localhost:8000" (a host alone), a base of its own, an OpenAPI
    # path (relative to its servers only), a path already under an api segment.
    contract = DeclaredEndpoint("POST", "/cvs", Location("c.yaml", 3), source="openapi")
    assert placed(
        ep("POST", "/cvs", "full"), ep("POST", "/cvs", "base:/api/v2"), contract,
        ep("POST", "/api/cvs"),
    ) == [
        ("POST", "/cvs", False), ("POST", "/api/v2/cvs", True), ("POST", "/cvs", False),
        ("POST", "/api/cvs", False),
    ]  # fmt: skip


def test_an_api_base_is_used_only_when_exactly_one_serves_the_path() -> None:
    routes = [*ROUTES, route("POST", "/api/v2/orgs", "backend/app/api/v2/orgs.py:create")]
    assert [(e.path, m) for e, m in resolve_declared([ep("POST", "/orgs")], routes)] == [
        ("/orgs", False)
    ]


def test_put_or_patch_on_one_line_is_one_declaration_served_by_either() -> None:
    # `PUT/PATCH /api/v1/categories/{id}/schedule` - Update: the code serves PATCH
    path = "/api/v1/categories/{id}/schedule"
    line = [ep("PUT", path), ep("PATCH", path)]
    assert placed(*line) == [("PATCH", "/api/v1/categories/{id}/schedule", False)]
    # written on two lines they are two declarations: the unserved PUT stays
    apart = [line[0], replace(line[1], location=Location("specs/x/spec.md", 2))]
    assert [m for m, _, _ in placed(*apart)] == ["PUT", "PATCH"]
    # neither served: both stay (each is unserved)
    both = [ep("PUT", "/tags/{id}"), ep("PATCH", "/tags/{id}")]
    assert [m for m, _, _ in placed(*both)] == ["PUT", "PATCH"]



def test_a_last_segment_that_restates_an_endpoint_of_the_same_file_is_no_endpoint() -> None:
    # "GET /me endpoint includes job_posting details" beside GET /api/v1/applications/me
    assert placed(
        ep("GET", "/api/v1/applications/me"), ep("GET", "/me"), ep("POST", "/me"),
        ep("GET", "/status"),
    ) == [
        ("GET", "/api/v1/applications/me", False), ("POST", "/me", False),
        ("GET", "/status", False),
    ]  # fmt: skip
    # another file's endpoint says nothing of this one
    other = replace(ep("GET", "/api/v1/applications/me"), location=Location("specs/y.md", 3))
    assert placed(other, ep("GET", "/me")) == [
        ("GET", "/api/v1/applications/me", False), ("GET", "/me", False),
    ]  # fmt: skip
