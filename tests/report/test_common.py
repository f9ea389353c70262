"""Every format: the registry, determinism, order independence, relative paths."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tests.report.samples import RULES, requirement, route, sample_result, shuffled, tiny_result
from traceaudit.model import (
    AuditResult,
    Finding,
    Location,
    ReqStatus,
    RequirementResult,
    RouteResult,
    SpecSummary,
)
from traceaudit.report import REPORTERS
from traceaudit.report.html import html_report
from traceaudit.report.json import json_report
from traceaudit.report.markdown import markdown_report
from traceaudit.report.sarif import sarif_report


def test_registry_has_every_format() -> None:
    assert sorted(REPORTERS) == [
        "csv", "github", "html", "json", "junit", "markdown", "sarif", "text",
    ]  # fmt: skip
    assert REPORTERS["json"] is json_report


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_every_format_is_byte_identical_and_order_independent(fmt: str) -> None:
    render = REPORTERS[fmt]
    first = render(sample_result())
    assert render(sample_result()) == first
    assert render(shuffled(sample_result())) == first


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_no_absolute_root_in_any_format(fmt: str) -> None:
    out = REPORTERS[fmt](tiny_result())  # root="/home/someone/project"
    assert "/home/someone" not in out


def test_reporters_accept_rules_from_sample() -> None:
    """A finding of a rule absent from the registry still renders in SARIF."""
    extra = dataclasses.replace(RULES[0], code="TA099", name="made-up")
    finding = Finding(extra, "m", Location("x.py", 1), "s")
    result = dataclasses.replace(sample_result(), findings=(finding,))
    data = json.loads(sarif_report(result))
    ids = [r["id"] for r in data["runs"][0]["tool"]["driver"]["rules"]]
    assert "TA099" in ids
    assert data["runs"][0]["results"][0]["ruleIndex"] == ids.index("TA099")


def test_route_requirement_links_survive_unknown_keys() -> None:
    rr = RouteResult(
        route(("GET",), "/x", "app/x.py", 1, "x"), True, ("docstring",), ("specs/gone.md::FR-9",)
    )
    req = RequirementResult(
        requirement("specs/a.md", "FR-1", "t", 1, ()),
        ReqStatus.IMPLEMENTED,
        routes=("GET /x", "PUT /nowhere"),
    )
    result = AuditResult(
        ".", "1", (SpecSummary("specs/a.md", "A", 1, 1, 1),), (req,), (), (rr,), ()
    )
    out = html_report(result)
    assert "<div>specs/gone.md::FR-9</div>" in out  # no link to a missing row
    assert '<a href="#route-1">GET /x</a>' in out
    assert "<div>PUT /nowhere</div>" in out  # a route the audit does not list: no link


def test_a_spec_with_nothing_to_implement_has_no_coverage_figure() -> None:
    from dataclasses import replace

    from traceaudit.model import SpecSummary

    tasks_only = SpecSummary(
        "specs/a/tasks.md", "Tasks", requirements=4, implemented=0, countable=0
    )
    result = replace(tiny_result(), spec_files=(tasks_only,))
    (entry,) = json.loads(json_report(result))["spec_files"]
    assert (entry["path"], entry["coverage"]) == ("specs/a/tasks.md", None)
    assert "| `specs/a/tasks.md` | Tasks | 4 | n/a |" in markdown_report(result)
    assert "nothing to count" in html_report(result)
