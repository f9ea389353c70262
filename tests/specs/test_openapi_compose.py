"""libyaml decides a contract only where the pure-Python composer would decide the same.

``openapi.compose`` takes libyaml's nodes when it reads the document cleanly, with no
tab, no cycle and within the pure composer's depth; everything else is composed by the
pure-Python loader. Both must give the same nodes (type, value, line and column) on
every contract of the fixtures and on the shapes that make them part ways.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from traceaudit.model import Config
from traceaudit.specs import openapi

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
needs_libyaml = pytest.mark.skipif(openapi._FAST_LOADER is None, reason="PyYAML without libyaml")


def _shape(node: yaml.Node | None) -> list[object]:
    out: list[object] = []
    seen: dict[int, int] = {}
    stack = [node]
    while stack:
        n = stack.pop()
        if n is None:
            out.append(None)
        elif id(n) in seen:
            out.append(("alias", seen[id(n)]))
        else:
            seen[id(n)] = len(seen)
            scalar = isinstance(n, yaml.ScalarNode)
            out.append((type(n).__name__, n.tag, n.start_mark.line, n.start_mark.column,
                        n.value if scalar else len(n.value)))  # fmt: skip
            if isinstance(n, yaml.MappingNode):
                stack.extend(c for pair in reversed(n.value) for c in reversed(pair))
            elif isinstance(n, yaml.SequenceNode):
                stack.extend(reversed(n.value))
    return out


def _pure(text: str) -> object:
    try:
        return _shape(yaml.compose(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        return ("error", str(exc))
    except RecursionError:
        return ("error", "RecursionError")


def _fast(text: str) -> object:
    try:
        return _shape(openapi.compose(text))
    except yaml.YAMLError as exc:
        return ("error", str(exc))
    except RecursionError:
        return ("error", "RecursionError")


# The fixtures' contracts: not their golden files, nor what a run leaves in a hidden folder
# (README's first command audits fixtures/shop, which writes .traceaudit_cache/ there).
CONTRACTS = sorted(
    p for ext in ("*.yaml", "*.yml", "*.json") for p in FIXTURES.rglob(ext)
    if "expected" not in p.parts
    and not any(part.startswith(".") for part in p.relative_to(FIXTURES).parts)
)  # fmt: skip
HEAD = 'openapi: 3.0.0\ninfo: {title: T, version: "1"}\n'
PATHS = "paths:\n  /a:\n    get:\n      responses: {'200': {description: ok}}\n"
SHAPES = [
    HEAD + PATHS,
    '{\n\t"openapi": "3.0.0",\n\t"paths": {}\n}\n',  # tabs: the pure scanner refuses them
    HEAD + "security: &s [*s]\n" + PATHS,  # an alias inside its own anchor
    HEAD + "x: &a [1, 2]\ny: [*a, *a]\n" + PATHS,
    HEAD + "x: &a 1\nx2: &a 2\n" + PATHS,  # a repeated anchor
    HEAD + "x-deep: " + "[" * 600 + "]" * 600 + "\n" + PATHS,  # within libyaml's limit
    HEAD + "x-deep: " + "[" * 1500 + "]" * 1500 + "\n" + PATHS,  # past it
    HEAD + PATHS + "---\nopenapi: 3.0.0\n",  # two documents
    HEAD + "paths: {/a: {get: }\n",  # a syntax error
    "", "# only a comment\n", "---\n", "\ufeff" + HEAD + PATHS,
]  # fmt: skip


@needs_libyaml
@pytest.mark.parametrize("text", [p.read_text(encoding="utf-8") for p in CONTRACTS] + SHAPES)
def test_compose_gives_the_pure_loaders_nodes(text: str) -> None:
    assert _fast(text) == _pure(text)


@needs_libyaml
def test_a_deep_document_is_left_to_the_pure_loader() -> None:
    deep = yaml.compose("x: " + "[" * 600 + "]" * 600, Loader=openapi._FAST_LOADER)
    assert isinstance(deep, yaml.Node)
    assert not openapi._within(deep, 500) and openapi._within(deep, 700)


def test_a_contract_reads_the_same_with_and_without_libyaml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = [p.read_text(encoding="utf-8") for p in CONTRACTS] + SHAPES
    fast = [openapi.parse_contract(t, "specs/c/contracts/api.yaml", Config()) for t in texts]
    monkeypatch.setattr(openapi, "_FAST_LOADER", None)
    pure = [openapi.parse_contract(t, "specs/c/contracts/api.yaml", Config()) for t in texts]
    assert fast == pure
    assert any(doc.endpoints for doc in pure)
