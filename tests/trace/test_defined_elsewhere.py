"""A citation that no spec read defines, where a project document that is not read as a
spec defines it (TA003 names that document): its heading, a row of a table whose first
column is headed as ids, or a bold list lead. A row of a status table only mentions its id,
a bare number is a heading of any document, and an agent tool's hidden folder is not the
project's."""

from __future__ import annotations

from pathlib import Path

from traceaudit.audit import audit
from traceaudit.config import load

FILES = {
    "specs/001-app/spec.md": "# App\n\n- **FR-001**: The API MUST list orders.\n",
    "docs/sprints/task1-providers.md": "# Task 1: Implement the LLM providers\n\nWork.\n",
    ".bmad-core/checklists/architect.md": "## Task 2: A template's own task\n",
    "docs/plan.md": "# Plan\n\n## Task 3.2: Cache the providers\n",
    "docs/retro.md": "# Retro\n\n- **UI-031**: Scroll restoration, deferred\n",
    "docs/qa/sprint3-test-design.md": (
        "# Test design\n\n| ID | Level | Test |\n|----|-------|------|\n"
        "| S3-UNIT-013 | Unit | Requirements extraction works |\n"
    ),
    "docs/status.md": (
        "# Status\n\n## 7. Review\n\n| Item | Status |\n|------|--------|\n| FR-009 | done |\n"
    ),
    "app/main.py": (
        "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
        '@app.get("/orders")\n'
        "def orders() -> list[str]:\n"
        '    """FR-001. Uses the providers of Task 1, checked as in S3-UNIT-013."""\n'
        "    return []\n\n\n"
        "def review() -> None:\n"
        '    """Implements FR-009, Task 2, Task 3, UI-017 and Requirement 7."""\n'
    ),
}


def test_a_dangling_citation_names_the_document_that_defines_it(tmp_path: Path) -> None:
    for rel, text in FILES.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    result = audit(load(tmp_path), jobs=1)
    dangling = {f.subject: f.message for f in result.findings if f.rule.code == "TA003"}
    said = "docs/sprints/task1-providers.md:1 defines it, and that document is not read as a spec"
    assert said in dangling["Task 1"]
    assert "but docs/qa/sprint3-test-design.md:5 defines `S3-UNIT-013`, and that document is " \
        "not read as a spec" in dangling["family:S3-UNIT-"]
    # a document that defines only other ids of the family says no more than that
    assert "but docs/retro.md:3, a document that is not read as a spec, defines other `UI-` " \
        "ids (`UI-031`): the specs these come from may be among" in dangling["family:UI-"]
    # a status row, a hidden tool folder's heading: no document defines them
    assert "defines it" not in dangling["FR-009"]
    assert "dangling reference" in dangling["FR-009"]
    assert "defines it" not in dangling["Task 2"]
    # a part of a task (`Task 3.2`) is not the task
    assert "defines it" not in dangling["Task 3"]
    assert sorted(dangling) == [
        "FR-009", "Task 1", "Task 2", "Task 3", "family:S3-UNIT-", "family:UI-"
    ]  # fmt: skip


def test_code_outside_python_reports_only_ids_of_the_specs_families(tmp_path: Path) -> None:
    files = {
        **FILES,
        "docs/roadmap.md": "# Roadmap\n\n- **F015**: Automation\n",
        # the frontend cites its roadmap's features, an unknown family and a known one's typo
        "web/src/nav.ts": (
            "// DORMANT: Automation (F015)\nexport const a = 1;\n"
            "// Settings page (S3-UNIT-099)\nexport const b = 2;\n"
            "// Order list (FR-002)\nexport const c = 3;\n"
            "// Providers of Task 1\nexport const d = 4;\n"
        ),
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    result = audit(load(tmp_path), jobs=1)
    web = sorted(
        f.subject for f in result.findings
        if f.rule.code == "TA003" and f.location.path == "web/src/nav.ts"
    )  # fmt: skip
    # FR-002 is a dangling id of the specs' own family; F015 is the roadmap's (a document
    # of the frontend), S3-UNIT- a family no spec read has, and Task 1 a sprint document's
    assert web == ["FR-002"]
    # the same citation in Python still names the document that defines it
    assert any(
        f.subject == "Task 1" and f.location.path == "app/main.py" for f in result.findings
    )
