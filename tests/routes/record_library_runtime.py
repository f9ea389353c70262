"""Record FastAPI's route table of ``fixtures/routes/library_routers`` (not a test).

That fixture's app is built with fastapi-users, strawberry and Cadwyn, which are not
test dependencies. Its runtime table is recorded once, in a scratch venv that has
them, into ``fixtures/routes/library_routers/runtime.json``, and
``tests/routes/test_library_routers.py`` compares traceaudit's static routes with it:

    uv venv /tmp/libvenv && uv pip install --python /tmp/libvenv/bin/python \\
        fastapi-users==15.0.5 httpx-oauth==0.17.0 strawberry-graphql==0.341.2 cadwyn==9.0.0
    /tmp/libvenv/bin/python tests/routes/record_library_runtime.py

Each row: methods, full path, the endpoint as ``module:qualname``, its file (relative
to the fixture, or ``<library>/...`` inside site-packages), first line and the auth
flag of ``tests/oracle.py``.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "fixtures" / "routes" / "library_routers"
LIBRARIES = ("fastapi", "fastapi-users", "httpx-oauth", "strawberry-graphql", "cadwyn")


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from fastapi.routing import APIWebSocketRoute
    from starlette.routing import Mount, WebSocketRoute

    from tests.oracle import _endpoint_code, _iter_contexts, _original, import_app, runtime_auth

    app = import_app(CASE, ".", "clubhouse.main:app")
    rows: list[dict[str, object]] = []

    def walk(routes: list[object], prefix: str) -> None:
        for ctx in _iter_contexts(routes):
            route = _original(ctx)
            if isinstance(route, Mount):
                walk(ctx.routes, prefix + ctx.path)
                continue
            endpoint = inspect.unwrap(ctx.endpoint)
            code = _endpoint_code(endpoint)
            file = Path(code.co_filename)
            try:
                where = file.resolve().relative_to(CASE).as_posix()
            except ValueError:
                parts = file.parts
                where = "<library>/" + "/".join(parts[parts.index("site-packages") + 1 :])
            websocket = isinstance(route, WebSocketRoute | APIWebSocketRoute)
            dependant = getattr(ctx, "dependant", None) if hasattr(route, "dependant") else None
            rows.append({
                "methods": ["WEBSOCKET"] if websocket else sorted(ctx.methods or ()),
                "path": prefix + ctx.path,
                "endpoint": f"{endpoint.__module__}:{endpoint.__qualname__}",
                "file": where,
                "line": code.co_firstlineno,
                "auth": runtime_auth(dependant),
            })  # fmt: skip

    from fastapi.testclient import TestClient

    with TestClient(app):  # runs the lifespan (Cadwyn builds its versioned routes then)
        walk(app.routes, "")
    rows.sort(key=lambda r: (str(r["path"]), r["methods"]))
    out = {
        "about": "recorded by tests/routes/record_library_runtime.py; do not edit",
        "versions": {name: importlib.metadata.version(name) for name in LIBRARIES},
        "routes": rows,
    }
    (CASE / "runtime.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
