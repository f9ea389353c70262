"""One realistic spec set per format (fixtures/formats/<format>): the parsed
requirements, declared endpoints and links equal the reviewed golden
``expected/requirements.json``. Regenerate on purpose with ``--update-goldens``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from traceaudit.audit import load_project
from traceaudit.config import load
from traceaudit.report import requirements_json

FORMATS = Path(__file__).resolve().parents[2] / "fixtures" / "formats"
CASES = sorted(p for p in FORMATS.iterdir() if p.is_dir())


def render(project: Path) -> str:
    return requirements_json(load_project(load(project), jobs=1, with_code=False).docs)


@pytest.mark.parametrize("project", CASES, ids=lambda p: p.name)
def test_parsed_specs_equal_golden(project: Path, update_goldens: bool) -> None:
    golden = project / "expected" / "requirements.json"
    actual = render(project)
    if update_goldens:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), f"missing golden {golden}; run pytest --update-goldens"
    assert actual == golden.read_text(encoding="utf-8"), f"{golden} differs"


def test_every_format_has_a_fixture() -> None:
    assert [p.name for p in CASES] == [
        "bmad", "kiro", "kiro-zh", "openfasttrace", "plain", "speckit",
    ]  # fmt: skip


def summary(project: str) -> dict[str, object]:
    data = json.loads(render(FORMATS / project))
    return {
        "requirements": [(r["id"], r["kind"], r["scope"]) for r in data["requirements"]],
        "endpoints": [(e["method"], e["path"], e["source"]) for e in data["declared_endpoints"]],
    }


def test_kiro_web_ui_criteria_and_their_requirement_are_not_backend() -> None:
    reqs = summary("kiro")["requirements"]
    assert isinstance(reqs, list)
    not_backend = [r[0] for r in reqs if r[2] == "not-backend"]
    assert not_backend == ["1.4", "Requirement 3", "3.1", "3.2"]


def test_speckit_template_and_checklist_define_nothing() -> None:
    data = json.loads(render(FORMATS / "speckit"))
    counts = {f["path"]: f["requirements"] for f in data["spec_files"]}
    assert counts[".specify/templates/spec-template.md"] == 0
    assert counts["specs/001-orders/checklists/requirements.md"] == 0
    kinds = {r["id"]: r["kind"] for r in data["requirements"] if r["spec_file"].endswith("spec.md")}
    assert kinds["SC-001"] == "outcome"
    assert kinds["FR-004a"] == "requirement"
