"""The example projects pass the same oracle as fixtures/routes: FastAPI's own table.

Every fixture project whose app imports cleanly (the shop and the per-rule
fixtures) is imported, its ``app.routes`` walked, and the result compared with
``traceaudit``'s static routes on methods, full path, handler file and line and
the auth flag. A static path with a ``{?expr}`` placeholder (a value only known at
run time) matches the runtime path it stands for.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from traceaudit.audit import load_project
from traceaudit.config import load

pytest.importorskip("fastapi")

from tests.oracle import import_app, runtime_routes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# TA012's app picks its router at run time, which is exactly what cannot be known statically.
RULE_PROJECTS = sorted(
    p
    for p in (FIXTURES / "rules").iterdir()
    if (p / "app/main.py").is_file() and p.name != "TA012-unresolved-route"
)
PATTERN_PROJECTS = sorted(
    p for p in (FIXTURES / "patterns").iterdir() if (p / "app/main.py").is_file()
)
PROJECTS = [FIXTURES / "shop", *RULE_PROJECTS, *PATTERN_PROJECTS]
NEEDS_ENV = {"TA010-unresolved-route-path": {"NOTES_PREFIX": "/v2"}}
# projects of several services: every app FastAPI would serve
APPS = {"auth-evidence": ("app.main:app", "billing.main:app")}


@pytest.fixture
def fresh_modules(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each project has its own `app` package: forget the previous one."""

    def purge() -> None:
        for name in list(sys.modules):
            file = getattr(sys.modules[name], "__file__", None) or ""
            if file.startswith(str(FIXTURES)):
                del sys.modules[name]
        importlib.invalidate_caches()

    purge()
    yield
    purge()


def _pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"\{\?[^{}]*\}", path)
    return re.compile(".*".join(re.escape(p) for p in parts))


@pytest.mark.usefixtures("fresh_modules")
@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_fixture_routes_equal_what_fastapi_serves(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in NEEDS_ENV.get(project.name, {}).items():
        monkeypatch.setenv(key, value)
    runtime = {}
    for target in APPS.get(project.name, ("app.main:app",)):
        runtime.update(runtime_routes(import_app(project, ".", target), project))
    static = {
        (r.methods, r.path, r.location.path, r.location.line): r.auth
        for r in load_project(load(project), jobs=1, with_specs=False).code.routes
    }
    assert runtime
    unmatched_static = dict(static)
    for (methods, path, file, line), auth in runtime.items():
        match = next(
            (
                k
                for k in unmatched_static
                if k[0] == methods and k[2:] == (file, line) and _pattern(k[1]).fullmatch(path)
            ),
            None,
        )
        assert match is not None, f"FastAPI serves {methods} {path} ({file}:{line}); not found"
        assert unmatched_static.pop(match) == auth, f"auth differs for {methods} {path}"
    assert unmatched_static == {}
