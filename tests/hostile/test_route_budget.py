"""The per-file time budget covers route resolution too (issue 10: "one pathological file
never stalls the run"). Every clock here is one the test moves (``sandbox.CLOCK``): a
clock that advances one second each time it is read makes a file's cost its number of
steps, so which file passes its budget depends on no machine's speed."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from traceaudit import sandbox
from traceaudit.model import Config
from traceaudit.pysource import scan_module
from traceaudit.routes import resolve_routes
from traceaudit.sandbox import with_stack

from .support import (
    findings_on,
    reference_lines,
    run_audit,
    sentinel_audited,
    sentinel_project,
    write,
)

ROUTES = 3_000
BOMB = (
    "from starlette.routing import Route\nfrom starlette.applications import Starlette\n\n\n"
    'def h(request):\n    """Implements SEN-001."""\n\n\nroutes = [\n'
    + "".join(f"    Route('/s{i}', h),\n" for i in range(ROUTES))
    + "]\nbomb = Starlette(routes=routes)\n"
)  # line 6: the reference; lines 10-3009: the routes


def _counting_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = itertools.count()
    monkeypatch.setattr(sandbox, "CLOCK", lambda: float(next(ticks)))


def test_a_file_whose_route_resolution_overruns_is_a_note_and_the_rest_is_audited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """3,000 routes cost over 3,000 steps, the sentinel a few dozen: with a budget of
    1,000 the bomb's resolution passes it, is left out (none of its routes reported,
    a TA013 note at the line where it stopped, naming the setting), and the sentinel's
    routes and every reference, the bomb's included, are audited."""
    root = sentinel_project(tmp_path / "root")
    write(root, "pyproject.toml", "[tool.traceaudit]\nfile-time-budget = 1000\n")
    write(root, "app/bomb.py", BOMB)
    _counting_clock(monkeypatch)
    result = run_audit(root)
    assert sentinel_audited(result)
    assert not [r for r in result.routes if r.route.registered_at.path == "app/bomb.py"]
    (note,) = [f for f in findings_on(result, "app/bomb.py") if f.rule.code == "TA013"]
    assert 10 <= note.location.line <= 9 + ROUTES
    assert "time budget of 1000 s" in note.message and "file-time-budget" in note.message
    assert "none of its routes is audited" in note.message
    assert reference_lines(result, "app/bomb.py") == [6]


def test_with_the_budget_raised_every_route_is_resolved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = sentinel_project(tmp_path / "root")
    write(root, "pyproject.toml", "[tool.traceaudit]\nfile-time-budget = 86400\n")
    write(root, "app/bomb.py", BOMB)
    _counting_clock(monkeypatch)
    result = run_audit(root)
    assert sentinel_audited(result)
    bomb = {r.route.path for r in result.routes if r.route.registered_at.path == "app/bomb.py"}
    assert len(bomb) == ROUTES
    assert [f for f in findings_on(result, "app/bomb.py") if f.rule.code == "TA013"] == []


def _facts(rel: str, text: str, config: Config):  # type: ignore[no-untyped-def]
    return with_stack(lambda: scan_module(text, rel, rel[:-3].replace("/", "."), config))


MAIN = (
    "from fastapi import FastAPI\nfrom app.tables import NAMES\n\napp = FastAPI()\n\n\n"
    '@app.get("/kept")\ndef kept():\n    return NAMES\n'
)
TABLES = (
    "from fastapi import APIRouter\n\nNAMES = ['a']\nr = APIRouter()\n\n\n"
    "@r.get('/t')\ndef t(): ...\n"
)


def test_one_budget_covers_a_files_scan_and_its_resolution() -> None:
    """A file whose scan already used its budget (``spent``, measured by the supervisor)
    is left out at its first step; the file that imports from it is resolved as if it
    were not there (the import is unknown), never half-built."""
    config = Config(file_time_budget=30)
    facts = [_facts("app/main.py", MAIN, config), _facts("app/tables.py", TABLES, config)]
    full = with_stack(lambda: resolve_routes(facts, config, spent={"app/tables.py": 31.0}))
    assert [(r.path, r.location.path) for r in full.routes] == [("/kept", "app/main.py")]
    assert [(loc.path, loc.line) for loc, _ in full.over_budget] == [("app/tables.py", 1)]
    fine = with_stack(lambda: resolve_routes(facts, config, spent={"app/tables.py": 29.0}))
    assert fine.over_budget == ()


def test_the_supervisor_says_what_each_task_took_on_its_clock() -> None:
    """``took``: each item's seconds from its sending to its answer, in items' order."""
    reads = itertools.count()
    took: list[float] = []
    got = sandbox.run_tasks(
        _double, [1, 2, 3], workers=1, budget=1e6, on_failure=lambda item, why: -1,
        clock=lambda: float(next(reads)), took=took,
    )  # fmt: skip
    assert got == [2, 4, 6]
    assert len(took) == 3 and all(t > 0 for t in took) and len(set(took)) == 1
    still: list[float] = []
    sandbox.run_tasks(_double, [1, 2], workers=2, budget=1e6, on_failure=lambda item, why: -1,
                      clock=lambda: 0.0, took=still)  # fmt: skip
    assert still == [0.0, 0.0]


def _double(n: int) -> int:
    return 2 * n
