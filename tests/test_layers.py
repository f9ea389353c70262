"""The house rules of the package layout, read from the source with ast.

- Imports between the stages go one way, down the pipeline (``ALLOWED``).
- From outside a package, only its public API is used: the names in its
  ``__init__.py``'s ``__all__``; its other modules are private to it.
- Each third-party library lives in one place (``LIBRARIES``).
- There is no import cycle among traceaudit's modules, counting imports inside
  functions and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PKG = Path(__file__).resolve().parents[1] / "traceaudit"

# unit (a top-level module or a stage package) -> the units it may import
ALLOWED: dict[str, set[str]] = {
    "model": set(),
    "globs": set(),
    "directives": set(),
    "vcs": set(),
    "sandbox": set(),
    "jsontext": set(),
    "refs": {"model"},
    "config": {"model", "globs"},
    "discover": {"model", "config", "globs"},
    "specs": {"model", "refs", "directives"},
    "pysource": {"model", "refs", "config", "discover", "directives"},
    "othercode": {"model", "refs", "config", "discover"},
    "routes": {"model", "pysource"},
    "trace": {"model", "refs"},
    "policy": {"model", "globs", "trace", "jsontext"},
    "report": {"model", "jsontext"},
    "cache": {"__init__", "model", "config", "discover"},
    "audit": {
        "__init__", "model", "config", "discover", "specs", "pysource", "othercode", "routes",
        "trace", "policy", "sandbox", "cache",
    },
    "cli": {
        "__init__", "model", "config", "discover", "audit", "report", "trace", "policy", "vcs",
        "routes", "cache",
    },
    "__main__": {"cli"},
    "__init__": set(),
}  # fmt: skip
PACKAGES = {"specs", "pysource", "othercode", "routes", "trace", "policy", "report"}

# third-party library -> the one unit that may import it
LIBRARIES = {
    "markdown_it": "specs",
    "yaml": "specs",
    "libcst": "pysource",
    "networkx": "trace",
    "jinja2": "report",
    "markupsafe": "report",  # comes with jinja2
    "click": "cli",
    "pathspec": "globs",
}

MODULES = sorted(PKG.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = ("traceaudit", *path.relative_to(PKG).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


NAMES = {module_name(p): p for p in MODULES}


def unit_of(module: str) -> str:
    """``traceaudit.routes.expr`` -> ``routes``; ``traceaudit`` -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports_of(path: Path) -> list[tuple[str, str | None]]:
    """(module, imported name or None) for every import, at any depth of the file."""
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            found += [(base, alias.name) for alias in node.names]
    return found


def targets(module: str, name: str | None) -> str:
    """The traceaudit module an import loads: a submodule if the name is one."""
    if name is not None and f"{module}.{name}" in NAMES:
        return f"{module}.{name}"
    return module


def public_api(package: str) -> set[str]:
    tree = ast.parse((PKG / package / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return set(ast.literal_eval(node.value))
    return set()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_follow_the_layering(path: Path) -> None:
    me = module_name(path)
    mine = unit_of(me)
    assert mine in ALLOWED, f"new unit {mine}: add it to the module map and to ALLOWED"
    for module, name in imports_of(path):
        top = module.split(".")[0]
        if top in LIBRARIES:
            assert LIBRARIES[top] == mine, f"{me}: {top} may only be imported in {LIBRARIES[top]}"
        if top != "traceaudit":
            continue
        target = targets(module, name)
        theirs = unit_of(target)
        if theirs == mine:
            continue
        assert theirs in ALLOWED[mine], f"{me} imports {target}: {mine} may not import {theirs}"
        if theirs in PACKAGES:
            package = f"traceaudit.{theirs}"
            assert module == package, (
                f"{me} imports {module}: outside {theirs}/ use its public API "
                f"(`from {package} import ...`)"
            )
            assert name in public_api(theirs), (
                f"{me} imports {name} from {package}, which is not in its __all__"
            )


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_each_package_states_what_it_takes_and_gives(package: str) -> None:
    init = PKG / package / "__init__.py"
    tree = ast.parse(init.read_text(encoding="utf-8"))
    docstring = ast.get_docstring(tree) or ""
    assert len(docstring.split()) >= 20, f"{package}/__init__.py needs a docstring: in, out"
    api = public_api(package)
    assert api, f"{package}/__init__.py must list its public API in __all__"
    assert len(api) <= 12, f"{package}'s public API should be a few names, not {len(api)}"


def test_there_is_no_import_cycle() -> None:
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(NAMES)
    for me, path in NAMES.items():
        for module, name in imports_of(path):
            if module.split(".")[0] == "traceaudit":
                target = targets(module, name)
                if target != me:
                    graph.add_edge(me, target)
                # importing a submodule runs its package's __init__ first
                parent = target.rpartition(".")[0]
                while parent and parent != me and not me.startswith(parent + "."):
                    graph.add_edge(me, parent)
                    parent = parent.rpartition(".")[0]
    cycles = sorted(sorted(c) for c in nx.simple_cycles(graph))
    assert not cycles, f"import cycles: {cycles}"


def test_every_module_is_in_the_readme_module_map() -> None:
    readme = (PKG.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Module map", 1)[1]
    for path in MODULES:
        if path.name in ("__init__.py", "__main__.py"):
            continue
        shown = str(path.relative_to(PKG).as_posix())
        assert f"`{shown}`" in section, f"{shown} is missing from the README's module map"
