"""traceaudit.jsontext.dumps_indented writes what json.dumps(indent=..., ensure_ascii=False)
writes, byte for byte: on every report of every fixture project, and on generated values."""

from __future__ import annotations

import enum
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import traceaudit.policy.baseline as baseline_module
import traceaudit.report.common as common
from traceaudit import __version__
from traceaudit.audit import audit_project, load_project
from traceaudit.config import load
from traceaudit.jsontext import dumps_indented
from traceaudit.policy import baseline_json, make_baseline
from traceaudit.report import REPORTERS, requirements_json, routes_json, rules_json
from traceaudit.trace import RULES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# every fixture project: the example shop, and each project of the rules, patterns, spec
# formats and routes fixtures (the routes ones are code only)
PROJECTS = [
    FIXTURES / "shop",
    *sorted(
        p for group in ("rules", "patterns", "formats", "routes")
        for p in (FIXTURES / group).iterdir() if p.is_dir()
    ),
]  # fmt: skip


def old(value: Any, indent: int = 2) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=False)


class Colour(enum.StrEnum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Tag(str):
    pass


class Ratio(float):
    pass


def test_the_fixture_projects_are_found() -> None:
    assert len(PROJECTS) >= 50
    assert FIXTURES / "shop" in PROJECTS


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_every_json_output_of_every_fixture_is_the_old_encoders(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []

    def checked(value: Any, indent: int = 2) -> str:
        text = dumps_indented(value, indent)
        assert text == old(value, indent)
        seen.append(len(text))
        return text

    monkeypatch.setattr(common, "dumps_indented", checked)
    monkeypatch.setattr(baseline_module, "dumps_indented", checked)
    read = load_project(load(project), jobs=1)
    result = audit_project(read)
    outputs = [
        REPORTERS["json"](result),
        REPORTERS["sarif"](result),
        baseline_json(make_baseline(result), __version__),
        routes_json(read.code.routes, read.code.inactive_routes, read.code.apps),
        requirements_json(read.docs),
    ]
    assert all(len(text) == n + 1 for text, n in zip(outputs, seen, strict=True))


def test_the_rules_listing_is_the_old_encoders() -> None:
    text = rules_json(RULES)
    assert text == old(json.loads(text)) + "\n"


def test_leaves_and_keys_of_every_kind() -> None:
    value = {
        "s": "é\u202e\x1b\"\\\n\ud800", "n": None, "t": True, "f": False, "i": -(2**80),
        "x": 1.5, "nan": math.nan, "inf": math.inf, "-inf": -math.inf, "e": [], "o": {},
        "tuple": (1, ("a",), ()), "enum": Colour.RED, "int-enum": Level.HIGH, "tag": Tag("t"),
        "ratio": Ratio(0.1), 7: "int key", 2.5: "float key", True: "bool key",
        False: "false key", None: "none key", math.inf: "inf key",
        Level.HIGH: "enum key", "nested": [{"a": [[{}]], "b": {"c": [1]}}],
    }  # fmt: skip
    for indent in (0, 1, 2, 4):
        assert dumps_indented(value, indent) == old(value, indent)
    for top in ("x", 3, None, True, 2.0, math.nan, [], {}, ()):
        assert dumps_indented(top) == old(top)


def test_what_json_refuses_it_refuses() -> None:
    for bad in ({"k": object()}, [b"bytes"], {(1, 2): "tuple key"}, {1j}):
        with pytest.raises(TypeError):
            old(bad)
        with pytest.raises(TypeError):
            dumps_indented(bad)


_leaf = (
    st.none() | st.booleans() | st.integers() | st.floats()
    | st.text(st.characters(codec=None, exclude_categories=()))  # surrogates included
)  # fmt: skip
_key = st.text() | st.integers() | st.floats() | st.booleans() | st.none()
_values = st.recursive(
    _leaf,
    lambda inner: st.lists(inner, max_size=5)
    | st.lists(inner, max_size=5).map(tuple)
    | st.dictionaries(_key, inner, max_size=5),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(_values, st.sampled_from([0, 1, 2, 3]))
def test_generated_values_are_written_as_json_writes_them(value: Any, indent: int) -> None:
    assert dumps_indented(value, indent) == old(value, indent)
