"""What the hostile-input tests share: a healthy sentinel project and how to audit it.

Every test plants one hostile thing next to the sentinel (``specs/sentinel/spec.md``
with SEN-001, ``sentinel/main.py`` serving ``GET /sentinel`` and citing it) and
checks both what is reported for the hostile thing and that the sentinel was
still audited.
"""

from __future__ import annotations

import ast
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from traceaudit import audit as pipeline
from traceaudit import sandbox
from traceaudit.audit import audit
from traceaudit.config import load
from traceaudit.model import AuditResult, Finding

SENTINEL_SPEC = """# Sentinel

## Requirements

- **SEN-001**: System MUST answer `GET /sentinel`.
"""
SENTINEL_CODE = '''from fastapi import FastAPI

app = FastAPI()


@app.get("/sentinel")
def sentinel() -> dict[str, str]:
    """Implements SEN-001."""
    return {}
'''


def router(
    pre: str = "", post: str = "", *, path: str = "/hostile", decorator: str | None = None
) -> str:
    """A FastAPI module: ``pre`` above the route (line 4), the route's decorator on the
    line after it, ``post`` below the handler."""
    deco = decorator or f'@app.get("{path}")'
    return (
        f"from fastapi import FastAPI\n\napp = FastAPI()\n{pre}\n\n"
        f'{deco}\ndef hostile() -> dict[str, str]:\n    """Implements SEN-001."""\n'
        f"    return {{}}\n{post}"
    )


def write(root: Path, rel: str, data: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def sentinel_project(root: Path) -> Path:
    write(root, "specs/sentinel/spec.md", SENTINEL_SPEC)
    write(root, "sentinel/__init__.py", "")
    write(root, "sentinel/main.py", SENTINEL_CODE)
    return root


def run_audit(root: Path, jobs: int = 1) -> AuditResult:
    return audit(load(root), jobs=jobs)


def sentinel_audited(result: AuditResult) -> bool:
    route = any(
        r.route.path == "/sentinel"
        and r.route.location.path == "sentinel/main.py"
        and r.route.location.line == 6
        for r in result.routes
    )
    sen = [r for r in result.requirements if r.requirement.id == "SEN-001"]
    ref = bool(sen) and any(
        e.location.path == "sentinel/main.py" and e.location.line == 8 and e.kind == "reference"
        for e in sen[0].implemented_by
    )
    return route and ref


def findings_on(result: AuditResult, rel: str) -> list[Finding]:
    return [
        f
        for f in result.findings
        if f.location.path == rel or f.location.path.startswith(rel + "/") or f.subject == rel
    ]


def codes_on(result: AuditResult, rel: str) -> list[str]:
    return sorted(f.rule.code for f in findings_on(result, rel))


def cpython_lines(path: Path, func: str) -> tuple[int, int]:
    """CPython's lines of ``func``'s first decorator and of its docstring."""
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.FunctionDef) and node.name == func:
            return node.decorator_list[0].lineno, node.body[0].lineno
    raise AssertionError(f"no function {func} in {path}")


def reference_lines(result: AuditResult, rel: str, req_id: str = "SEN-001") -> list[int]:
    sen = [r for r in result.requirements if r.requirement.id == req_id]
    return (
        sorted(
            e.location.line
            for e in sen[0].implemented_by
            if e.location.path == rel and e.kind == "reference"
        )
        if sen
        else []
    )


def route_lines(result: AuditResult, rel: str) -> list[int]:
    return sorted(r.route.location.line for r in result.routes if r.route.location.path == rel)


def can_drop_privileges() -> bool:
    """Whether file modes bind this process (they do not bind root)."""
    return os.geteuid() != 0


def stall(monkeypatch: pytest.MonkeyPatch, marker: Path, step: str, path: str) -> None:
    """Make ``path``'s task in the pipeline's ``step`` (``_scan_file``,
    ``_parse_contract_file``, ...) a stall that never answers, and the supervisor's clock
    one that stands still until that task has started and then jumps past its deadline.

    So a time-budget test depends on no machine's speed: every other file is answered
    whatever the load (no deadline passes while the clock stands), and the stalled one is
    over its budget by construction. Audit with ``jobs=1`` (one task in flight at a time:
    the jump catches no other file); tasks sent after the jump get deadlines past it."""
    real = getattr(pipeline, step)

    def stalled(args: tuple[Any, ...]) -> Any:
        if args[1] == path:  # in the (forked) worker
            marker.touch()
            threading.Event().wait()  # the parser never answers
        return real(args)

    monkeypatch.setattr(pipeline, step, stalled)
    monkeypatch.setattr(sandbox, "CLOCK", lambda: 1e9 if marker.exists() else 0.0)
