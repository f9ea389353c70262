"""The modules of a project for the static interpreter: import resolution and scopes.

Module identity is the file path (``app/api/users`` for ``app/api/users.py``,
``app/api`` for a package), so imports resolve whatever the import root is:
an absolute import matches every file whose path ends with the dotted name,
preferring the importer's own source root; a relative import is resolved
against the importer's directory. Namespace packages are directories.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from traceaudit.pysource import facts as pf
from traceaudit.routes.values import ModuleState

# Always external, whatever files the project holds.
EXTERNAL_TOP = frozenset(
    {"fastapi", "starlette", "pydantic", "pydantic_settings", "typing", "typing_extensions",
     "os", "functools", "importlib", "enum", "http", "contextlib", "sqlmodel", "sqlalchemy"}
)  # fmt: skip


class Project:
    """The modules of a project, indexed for import resolution."""

    def __init__(self, facts: Sequence[pf.ModuleFacts]) -> None:
        self.modules: dict[str, ModuleState] = {}
        hinting = [f for f in facts if not f.is_test]  # a test starts no server
        self.serve_hints = tuple(sorted({h for f in hinting for h in f.serve_hints}))
        # (hint, file that names it), for the served apps' explanation
        self.hint_sources = tuple(sorted({(h, f.path) for f in hinting for h in f.serve_hints}))
        for f in sorted(facts, key=lambda m: m.path):
            if not f.path.endswith(".py"):
                continue
            key = f.path[: -len("/__init__.py")] if f.is_package else f.path[:-3]
            if f.path == "__init__.py":
                continue
            existing = self.modules.get(key)
            if existing is not None and existing.facts is not None and not f.is_package:
                continue  # a regular package wins over a same-named module
            self.modules[key] = ModuleState(key, f, f.is_package)
        for key in list(self.modules):
            parent = key
            while "/" in parent:  # namespace packages up to the first folder already known
                parent = parent.rpartition("/")[0]
                if parent in self.modules:
                    break  # its own parents are (or will be) added from it
                self.modules[parent] = ModuleState(parent, None, True)
        # modules by their last name: an import names a path suffix, looked up among the
        # modules with its last name (an index of every suffix costs depth squared a module)
        self.by_name: dict[str, list[str]] = {}
        for key in self.modules:
            self.by_name.setdefault(key.rpartition("/")[2], []).append(key)

    def _ending_with(self, parts: tuple[str, ...]) -> list[str]:
        n = len(parts)
        return [
            k for k in self.by_name.get(parts[-1], ())
            if k.count("/") + 1 >= n and tuple(k.split("/")[-n:]) == parts
        ]  # fmt: skip

    def find(self, dotted: str, importer: ModuleState | None) -> ModuleState | None:
        """The project module an absolute import names, or None when external."""
        parts = tuple(p for p in dotted.split(".") if p)
        if not parts or parts[0] in EXTERNAL_TOP:
            return None
        keys = self._ending_with(parts)
        if not keys:
            return None
        exact = [k for k in keys if self.modules[k].dotted == dotted]
        if parts[0] in sys.stdlib_module_names and not exact:
            return None
        if len(keys) == 1:
            return self.modules[keys[0]]
        here = importer.key.split("/")[:-1] if importer is not None else []

        def rank(key: str) -> tuple[int, int, int, int, str]:
            root = key.split("/")[: len(key.split("/")) - len(parts)]
            ancestor = root == here[: len(root)]
            # A module or regular package wins over a namespace directory of the same
            # name, as in Python (``src/pkg/ext/`` holding ``pkg/ext/__init__.py``).
            namespace = self.modules[key].facts is None
            return (0 if key in exact else 1, int(namespace), 0 if ancestor else 1, len(root), key)

        return self.modules[min(keys, key=rank)]

    def relative(self, importer: ModuleState, level: int, dotted: str) -> ModuleState | None:
        base: list[str] = importer.key.split("/")
        if not importer.is_package:
            base = base[:-1]
        if level > 1:
            base = base[: len(base) - (level - 1)] if level - 1 <= len(base) else []
        parts = base + [p for p in dotted.split(".") if p]
        return self.modules.get("/".join(parts)) if parts else None

    def submodule(self, state: ModuleState, name: str) -> ModuleState | None:
        if not state.is_package:
            return None
        return self.modules.get(f"{state.key}/{name}")

    def ancestors(self, state: ModuleState) -> list[ModuleState]:
        """Enclosing packages with an ``__init__.py``, outermost first (contiguous)."""
        out: list[ModuleState] = []
        parts = state.key.split("/")
        for i in range(len(parts) - 1, 0, -1):
            parent = self.modules.get("/".join(parts[:i]))
            if parent is None or parent.facts is None:
                break
            out.append(parent)
        return out[::-1]
