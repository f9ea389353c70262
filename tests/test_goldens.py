"""End-to-end golden tests: each fixture project's reports equal its expected/ files."""

from __future__ import annotations

from pathlib import Path

import pytest

from traceaudit.audit import audit
from traceaudit.config import load
from traceaudit.report import REPORTERS
from traceaudit.report.json import json_report

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RULE_CASES = sorted(p for p in (FIXTURES / "rules").iterdir() if p.is_dir())
# One realistic project per issue-8 pattern (full-stack ownership, references, documents
# that are not specs, mentions, examples, discovery by content): what a careful reviewer
# would report, and no more.
PATTERN_CASES = sorted(p for p in (FIXTURES / "patterns").iterdir() if p.is_dir())
CASES = [*RULE_CASES, *PATTERN_CASES, FIXTURES / "shop"]
FORMATS = {"report.json": "json", "report.md": "markdown"}


def render(project: Path, fmt: str) -> str:
    return REPORTERS[fmt](audit(load(project), jobs=1))


@pytest.mark.parametrize("project", CASES, ids=lambda p: p.name)
def test_reports_equal_goldens(project: Path, update_goldens: bool) -> None:
    for name, fmt in FORMATS.items():
        golden = project / "expected" / name
        actual = render(project, fmt)
        if update_goldens:
            golden.parent.mkdir(exist_ok=True)
            golden.write_text(actual, encoding="utf-8")
        assert golden.is_file(), f"missing golden {golden}; run pytest --update-goldens"
        assert actual == golden.read_text(encoding="utf-8"), f"{golden} differs"


@pytest.mark.parametrize("project", RULE_CASES, ids=lambda p: p.name)
def test_rule_fixture_fires_its_rule_and_nothing_else(project: Path) -> None:
    code = project.name[:5]
    result = audit(load(project), jobs=1)
    assert {f.rule.code for f in result.findings} == {code}


def test_reports_are_byte_identical_between_runs() -> None:
    shop = FIXTURES / "shop"
    for fmt in ("json", "markdown", "sarif", "html", "text"):
        assert render(shop, fmt) == render(shop, fmt)


def test_parallel_scan_gives_the_same_report(monkeypatch: pytest.MonkeyPatch) -> None:
    from traceaudit import audit as pipeline

    shop = FIXTURES / "shop"
    serial = json_report(audit(load(shop), jobs=1))
    monkeypatch.setattr(pipeline, "BYTES_PER_WORKER", 1)
    assert json_report(audit(load(shop), jobs=2)) == serial
