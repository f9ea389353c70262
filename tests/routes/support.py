"""Helpers shared by the route tests: resolve an inline project (path -> source)."""

from __future__ import annotations

import textwrap

from traceaudit.discover import among_code
from traceaudit.model import Config, Route
from traceaudit.pysource import ModuleFacts
from traceaudit.pysource.scan import scan_module
from traceaudit.routes.resolve import RouteResolution, module_names, resolve_routes


def resolve(files: dict[str, str], config: Config | None = None) -> RouteResolution:
    config = config or Config()
    names = module_names(list(files))
    facts = [
        scan_module(textwrap.dedent(source), path, names[path], config)
        for path, source in files.items()
    ]

    def rescan(path: str) -> ModuleFacts:
        source = textwrap.dedent(files[path])
        return scan_module(source, path, names[path], config, force_code=True)

    return resolve_routes([f for f in facts if among_code(f.path)], config, rescan)


def table(files: dict[str, str], config: Config | None = None) -> list[tuple[str, ...]]:
    """(methods, path, handler, first line) of every route, in output order."""
    return [
        (",".join(r.methods), r.path, r.handler, str(r.location.line))
        for r in resolve(files, config).routes
    ]


def one(files: dict[str, str], config: Config | None = None) -> Route:
    (route,) = resolve(files, config).routes
    return route


APP = """
from fastapi import APIRouter, FastAPI

app = FastAPI()
"""
