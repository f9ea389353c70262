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

from traceaudit.model import Config, SpecDoc
from traceaudit.specs.markdown import parse_spec
from traceaudit.specs.settle import settle_definitions


def parse_contract(text: str, path: str, config: Config) -> SpecDoc:
    """:func:`traceaudit.specs.openapi.parse_contract`, imported when first called: a run
    whose contracts all come from the cache never loads PyYAML."""
    from traceaudit.specs.openapi import parse_contract as parse

    return parse(text, path, config)


__all__ = ["parse_contract", "parse_spec", "settle_definitions"]
