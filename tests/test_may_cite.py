"""``may_cite`` is a superset of ``extract_refs``: where it says no, nothing can be found.

The prefilter, the comment finder and ``extract_refs`` itself skip any text that
``may_cite`` rules out, so a text it rules out from which the full extractor would
still take a reference would be a lost result. Every line and every paragraph of every
fixture, of a generated corpus and of the reference forms below is held to that.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.corpus import generated_corpus
from traceaudit.model import DEFAULT_ID_PATTERN
from traceaudit.refs import extract_all, may_cite

ID = re.compile(DEFAULT_ID_PATTERN)
ROOT = Path(__file__).resolve().parents[1]

FORMS = [
    "Spec: specs/auth/spec.md#user-registration",
    "Implements FR-002, FR-003",
    "Create APIRouter instance (T049)",
    "§Refund window, see notes",
    "per §3.2 of billing",
    "Requirements: 2.1, 2.3",
    "  - _Requirements: 3.2_",
    "**Validates: Requirements 1.2**",
    "_需求: 1.1, 2.1_",
    "要件: 1.1",
    "要求: 1.1",
    "# [impl->dsn~validate-request~1]",
    "Covers req~login~2 here",
    "[Spec](../specs/x.md#y)",
    "Story 1.2 (AC: #1, #3)",
    "User Story 2",
    "Requirement 3 and Property 4",
    "Task 8.2",
    "Feature: stock-tracking, Property 1: round trip",
    "Requirements:\n- 1.5: validate\n- 1.6: store",
    "REQUIREMENTS 2.1",
    "reqs 4.2",
    "Req_9.1",
    "需求 3",
]


def texts() -> list[str]:
    out = list(FORMS)
    files = [p for p in (ROOT / "fixtures").rglob("*") if p.suffix in {".py", ".md", ".yaml"}]
    files += [p for p in generated_corpus().rglob("*") if p.suffix in {".py", ".md"}]
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        out += text.splitlines()
        out += text.split("\n\n")
    return out


def test_the_forms_are_found() -> None:
    for text in FORMS:
        assert extract_all(text, ID), text


def test_may_cite_says_yes_wherever_a_reference_can_be_found() -> None:
    missed = [t for t in texts() if not may_cite(t, ID) and extract_all(t, ID)]
    assert missed == []


@pytest.mark.parametrize(
    "text",
    ["import os", "def request(req): ...", "@property\ndef story(self): ...", "x = a ~ b"],
)
def test_may_cite_says_no_to_code_without_a_reference_form(text: str) -> None:
    assert not may_cite(text, ID)
