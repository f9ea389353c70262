"""Where an audit spends its time, as ratios (never absolute seconds).

    python benchmarks/bench_pipeline.py [ROOT ...] [--repeat N]

For each project root it times every stage of the pipeline and reports each
stage's share of the whole, plus the whole audit as a multiple of a plain
``ast.parse`` pass over the same Python files (the baseline that DESIGN.md
uses). Without a ROOT it audits a synthetic project it generates in a
temporary folder (``--files N``, default 400 modules), so the numbers can be
reproduced anywhere. Stages run in one process (``jobs=1``) so that shares are
comparable on a noisy 2-core machine; the minimum of ``--repeat`` runs is used.
"""

from __future__ import annotations

import argparse
import ast
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from traceaudit import audit as pipeline
from traceaudit.config import load
from traceaudit.discover import discover
from traceaudit.pysource.scan import wants_code
from traceaudit.report.html import html_report
from traceaudit.report.json import json_report
from traceaudit.routes.resolve import resolve_routes

T = TypeVar("T")


def best_of(repeat: int, func: Callable[[], T]) -> tuple[float, T]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return best, result


def synthetic(root: Path, files: int) -> None:
    """A project with `files` modules: routers in packages, prefixes, references, specs."""
    (root / "specs" / "api").mkdir(parents=True)
    lines = ["# API", "", "## Functional Requirements", ""]
    lines += [
        f"- **FR-{i:03d}**: System MUST serve item {i} via `GET /api/v1/r{i}/items`."
        for i in range(files)
    ]
    (root / "specs" / "api" / "spec.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    pkg = root / "app" / "routes"
    pkg.mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    includes = []
    for i in range(files):
        body = [
            f'"""Routes for resource {i}."""',
            "from fastapi import APIRouter, Depends",
            "",
            f'router = APIRouter(prefix="/r{i}", tags=["r{i}"])',
            "",
            "",
            "def helper(x: int) -> int:",
            "    total = 0",
            "    for k in range(x):",
            "        total += k * 2",
            "    return total",
            "",
            "",
            '@router.get("/items")',
            "def list_items() -> list[int]:",
            f'    """Implements FR-{i:03d}."""',
            "    return [helper(3)]",
        ]
        body += [
            f"\n\ndef unused_{k}(a: int, b: int) -> int:\n    return a * b + {k}" for k in range(20)
        ]
        (pkg / f"r{i}.py").write_text("\n".join(body) + "\n", encoding="utf-8")
        includes.append(f"from app.routes import r{i}\napi.include_router(r{i}.router)")
    main = ["from fastapi import APIRouter, FastAPI", "api = APIRouter()", *includes]
    main += ["app = FastAPI()", 'app.include_router(api, prefix="/api/v1")']
    (root / "app" / "main.py").write_text("\n".join(main) + "\n", encoding="utf-8")


def measure(root: Path, repeat: int) -> None:
    config = load(root)
    found = discover(config)
    py = [root / p for p in found.python_files + found.test_files]
    sources = [p.read_text(encoding="utf-8", errors="replace") for p in py]

    def ast_pass() -> int:
        n = 0
        for s in sources:
            try:
                ast.parse(s)
                n += 1
            except SyntaxError:
                pass
        return n

    t_ast, _ = best_of(repeat, ast_pass)
    t_disc, _ = best_of(repeat, lambda: discover(config))
    t_all, project = best_of(repeat, lambda: pipeline.load_project(config, jobs=1))
    t_resolve, _ = best_of(
        repeat,
        lambda: resolve_routes([m for m in project.modules if not m.is_test], config),
    )
    t_specs, _ = best_of(repeat, lambda: pipeline.load_project(config, jobs=1, with_code=False))
    t_graph, result = best_of(repeat, lambda: pipeline.audit_project(project))
    t_json, _ = best_of(repeat, lambda: json_report(result))
    t_html, _ = best_of(repeat, lambda: html_report(result))
    total = t_all + t_graph + t_json
    scan = t_all - t_specs - t_resolve
    print(
        f"{root}: {len(py)} Python files, {len(found.spec_files)} spec files, "
        f"{len(project.code.routes)} routes, {len(result.requirements)} requirements"
    )
    print(f"  whole audit (JSON) = {total / t_ast:6.1f} x a plain ast.parse pass")
    for name, t in (
        ("discover", t_disc),
        ("parse specs", max(0.0, t_specs - t_disc)),
        ("scan Python (LibCST, prefiltered)", scan),
        ("resolve routes (project-wide)", t_resolve),
        ("graph + checks", t_graph),
        ("JSON report", t_json),
    ):
        print(f"  {name:36} {100 * t / total:5.1f} % of the audit")
    print(f"  HTML report                          {t_html / t_json:5.1f} x the JSON report")
    parsed = sum(1 for s in sources if wants_code(s))
    print(f"  files handed to LibCST: {parsed} of {len(sources)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--files", type=int, default=400)
    args = parser.parse_args()
    if args.roots:
        for root in args.roots:
            measure(root, args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp:
        synthetic(Path(tmp), args.files)
        measure(Path(tmp), args.repeat)


if __name__ == "__main__":
    main()
