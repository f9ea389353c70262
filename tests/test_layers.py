"""The one-way import order and the one-library-one-module rule, read with ast."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "traceaudit"

# module -> traceaudit modules it may import
ALLOWED: dict[str, set[str]] = {
    "model": set(),
    "refs": {"model"},
    "config": {"model"},
    "discover": {"model", "config"},
    "spec": {"model", "refs", "spec_text", "spec_endpoints", "spec_formats", "spec_scope"},
    "spec_scope": {"model", "spec_text"},
    "spec_formats": {"model", "refs", "spec_text"},
    "spec_text": {"model", "refs"},
    "spec_endpoints": {"model", "refs", "spec_text", "spec_statements"},
    "spec_statements": {"model", "refs"},
    "openapi": {"model"},
    "pyfacts": {"model"},
    "pyrefs": {"model"},
    "pyfilter": {"pyfacts", "pyrefs", "refs"},
    "pycode": {"config", "discover", "model", "pyfacts", "pyfilter", "pyrefs", "refs"},
    # The route interpreter: these modules call each other (an evaluator and the
    # FastAPI objects it builds), but nothing outside routing.py imports them.
    "pyvalues": {"model", "pyfacts", "pymodules"},
    "pymodules": {"pyfacts", "pyvalues"},
    "pyexpr": {"model", "pycalls", "pyfacts", "pymodules", "pyrouters", "pyvalues"},
    "pyeval": {"model", "pyexpr", "pyfacts", "pymodules", "pyrouters", "pyvalues"},
    "pycalls": {"pyexpr", "pyfacts", "pymodules", "pyrouters", "pyvalues"},
    "pyrouters": {"model", "pyexpr", "pyfacts", "pymodules", "pyvalues"},
    "routeauth": {"pyeval", "pyfacts", "pymodules", "pyrouters", "pyvalues"},
    "routing": {"model", "pycalls", "pyeval", "pyfacts", "pymodules", "pyvalues", "routeauth"},
    "graph": {"model", "refs"},
    "checks": {"model", "graph"},
    "reporters": {"model"},
    "audit": {
        "model", "config", "discover", "spec", "openapi", "pycode", "pyfacts", "routing",
        "graph", "checks", "refs",
    },
    "cli": {"model", "config", "discover", "audit", "reporters", "checks"},
    "__main__": {"cli"},
    "__init__": set(),
}  # fmt: skip

# third-party library -> the modules that may import it
LIBRARIES = {
    "markdown_it": {"spec", "spec_text", "spec_endpoints"},
    "libcst": {"pycode"},
    "networkx": {"graph"},
    "jinja2": {"reporters"},
    "click": {"cli"},
    "yaml": {"openapi"},
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "traceaudit":
                names.update(f"traceaudit.{alias.name}" for alias in node.names)
            else:
                names.add(node.module)
    return names


MODULES = sorted(p for p in PKG.glob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_module_imports_follow_the_layering(path: Path) -> None:
    name = path.stem
    assert name in ALLOWED, f"new module {name}: add it to the module map and to ALLOWED"
    imported = imports_of(path)
    internal = {i.split(".")[1] for i in imported if i.startswith("traceaudit.")} - {"__version__"}
    assert internal <= ALLOWED[name] | {name}, f"{name} imports {sorted(internal - ALLOWED[name])}"
    for lib, owners in LIBRARIES.items():
        if any(i == lib or i.startswith(lib + ".") for i in imported):
            assert name in owners, f"{lib} may only be imported by {sorted(owners)}"
