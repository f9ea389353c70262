"""Helpers shared by the spec-parsing tests: parse a dedented spec, list what it holds."""

from __future__ import annotations

from textwrap import dedent

from traceaudit.model import Config, SpecDoc
from traceaudit.specs.markdown import parse_spec

PATH = "specs/001-orders/spec.md"


def parse(markdown: str, config: Config | None = None) -> SpecDoc:
    return parse_spec(dedent(markdown).lstrip("\n"), PATH, config or Config())


def reqs(doc: SpecDoc) -> list[tuple[str, str, int]]:
    return [(r.id, r.kind.value, r.location.line) for r in doc.requirements]


def eps(doc: SpecDoc) -> list[tuple[str, str, int, str]]:
    return [(e.method, e.path, e.location.line, e.source) for e in doc.endpoints]


def auth(doc: SpecDoc) -> list[tuple[str, str, str | None, bool | None]]:
    return [(e.method, e.path, e.auth, e.auth_required) for e in doc.endpoints]
