"""A route on the path of one of FastAPI's own pages (``/docs``, ``/redoc``,
``/openapi.json``) never runs for GET: FastAPI adds its pages when the app is built,
before any route of the code, and Starlette runs the first route that matches. The
fixture ``patterns/shadowed-docs`` is checked against FastAPI itself: a handler is reported
undocumented (TA002) only when Starlette would run it, and shadowed (TA014) exactly when
Starlette never runs it."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from traceaudit.audit import audit
from traceaudit.config import load

pytest.importorskip("fastapi")

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures/patterns/shadowed-docs"


def _app(rel: str) -> Any:
    name = f"shadowed_docs_{rel.split('/')[1]}"
    spec = importlib.util.spec_from_file_location(name, FIXTURE / rel)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


def _runs(app: Any, method: str, path: str) -> str:
    """The name of the endpoint Starlette runs for the request: the first full match."""
    from starlette.routing import Match

    scope = {"type": "http", "method": method, "path": path, "root_path": "",
             "query_string": b"", "headers": []}  # fmt: skip
    for route in app.router.routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return str(route.endpoint.__name__)
    raise AssertionError(f"nothing serves {method} {path}")


def test_undocumented_exactly_when_the_handler_runs() -> None:
    result = audit(load(FIXTURE), jobs=1)
    reported = {(f.location.path, f.subject) for f in result.findings if f.rule.code == "TA002"}
    shadowed = {(f.location.path, f.subject) for f in result.findings if f.rule.code == "TA014"}
    expected, never_runs = set(), set()
    for res in result.routes:
        route = res.route
        rel, _, handler = route.handler.partition(":")
        app = _app(rel)
        name = (rel, f"{'/'.join(route.methods)} {route.path}")
        if any(_runs(app, m, route.path) == handler for m in route.methods):
            if not res.documented:
                expected.add(name)
        else:
            never_runs.add(name)
    assert reported == expected
    assert shadowed == never_runs == {
        ("services/concepts/main.py", "GET /reference"),
        ("services/triage/main.py", "GET /docs"),
        ("services/triage/main.py", "GET /openapi.json"),
    }
    assert reported == {
        ("services/concepts/main.py", "GET /docs"),
        ("services/concepts/main.py", "GET /redoc"),
        ("services/triage/main.py", "POST /docs"),
    }
