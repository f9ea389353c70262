"""The facts cross the worker pipe pickled (sandbox): what comes back equals what went in,
and the speed-ups of that path change nothing a scan gives."""

from __future__ import annotations

import dataclasses
import pickle
import re
from pathlib import Path

import pytest

from traceaudit import model
from traceaudit.config import load
from traceaudit.pysource import facts as pf
from traceaudit.pysource import scan_module
from traceaudit.pysource.scan import called_names

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SOURCES = sorted(FIXTURES.rglob("*.py"))


def _frozen_slotted(module: object) -> list[type]:
    return [
        cls
        for cls in vars(module).values()
        if isinstance(cls, type)
        and dataclasses.is_dataclass(cls)
        and "__slots__" in cls.__dict__
        and cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
        and cls.__module__ == getattr(module, "__name__", "")
    ]


@pytest.mark.parametrize("module", [model, pf], ids=["model", "facts"])
def test_every_frozen_slotted_dataclass_pickles_by_position(module: object) -> None:
    classes = _frozen_slotted(module)
    assert len(classes) > 10
    for cls in classes:
        assert cls.__getstate__.__qualname__.startswith("pickle_by_position")  # type: ignore[attr-defined]


def test_facts_of_every_fixture_file_survive_the_pipe() -> None:
    assert len(SOURCES) > 50
    for path in SOURCES:
        root = next(p for p in path.parents if p.parent == FIXTURES or p == FIXTURES)
        rel = path.relative_to(root).as_posix()
        facts = scan_module(path.read_text(encoding="utf-8", errors="replace"), rel,
                            rel[:-3].replace("/", "."), load(root))  # fmt: skip
        back = pickle.loads(pickle.dumps(facts, pickle.HIGHEST_PROTOCOL))
        assert back == facts and repr(back) == repr(facts), rel


def test_one_field_and_defaults_round_trip() -> None:
    loc = model.Location("a.py", 3)
    assert pickle.loads(pickle.dumps(loc)) == loc
    one = [c for c in _frozen_slotted(model) if len(dataclasses.fields(c)) == 1]
    for cls in one:
        (name,) = (f.name for f in dataclasses.fields(cls))
        obj = object.__new__(cls)
        object.__setattr__(obj, name, "x")
        assert getattr(pickle.loads(pickle.dumps(obj)), name) == "x"


# the pattern called_names used before it was made possessive: the oracle
_BACKTRACKING = re.compile(r"(?<!def )(?<!class )\b([A-Za-z_]\w*)\s*\(")


def test_called_names_are_those_of_the_backtracking_pattern() -> None:
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in SOURCES]
    texts += [
        "def f(x): g (1); class C(B): pass\nh\t(\n  )",
        "1abc(x) _a1 (y) a.b.c(d) é(x) xé(y) défini(z) def  g() class\tK()",
        "classy(1) define(2) undef(3) adef(4) def_(5) class_ (6)",
        "f\n(\n) g  \n  ( x(((y( z",
    ]
    for text in texts:
        assert called_names(text) == tuple(sorted(set(_BACKTRACKING.findall(text)))), text[:80]
