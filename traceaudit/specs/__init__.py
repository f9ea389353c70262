"""Specs: one Markdown or OpenAPI file in, one :class:`~traceaudit.model.SpecDoc` out.

Takes the text and project-relative path of a spec file (spec-kit, Kiro,
OpenFastTrace, BMAD, plain Markdown, or an OpenAPI contract) and gives its
sections with GitHub anchors, the requirements it defines, the endpoints it
declares with their auth and statuses, the links between its items, and their
scope. Pure: a function of the text alone, so it can be cached and run in
parallel. ``settle_definitions`` then looks across the parsed files once: a story
restated in several files (an epic entry and its story file) is defined once.
markdown-it-py and PyYAML are used here and nowhere else.
"""

from traceaudit.specs.markdown import parse_spec
from traceaudit.specs.openapi import parse_contract
from traceaudit.specs.settle import settle_definitions

__all__ = ["parse_contract", "parse_spec", "settle_definitions"]
