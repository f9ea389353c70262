"""Reference extraction from free text: input and expected candidates side by side."""

from __future__ import annotations

import re

import pytest

from traceaudit.model import DEFAULT_ID_PATTERN
from traceaudit.refs import extract_refs, id_prefix

ID = re.compile(DEFAULT_ID_PATTERN)


def refs(text: str) -> list[tuple[str, str, str | None, bool]]:
    return [
        (r.target.kind.value, r.target.value, r.target.spec, r.explicit)
        for r in extract_refs(text, ID)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Spec: specs/auth/spec.md#user-registration",
            [("anchor", "user-registration", "specs/auth/spec.md", True)],
        ),
        ("See billing.md#refund-window.", [("anchor", "refund-window", "billing.md", True)]),
        ("Implements FR-002, FR-003", [("id", "FR-002", None, True), ("id", "FR-003", None, True)]),
        ("Create APIRouter instance (T049)", [("id", "T049", None, False)]),
        ("## REQ-AUTH-001 applies", [("id", "REQ-AUTH-001", None, False)]),
        ("FR1: numbered", [("id", "FR1", None, False)]),
        ("§Refund window, see notes", [("title", "Refund window", None, True)]),
        # a section named by its item's id is that id, sub-item numbers included
        ("§FR-011-005 — the legacy reset", [("id", "FR-011-005", None, True)]),
        ("per §AD-8, export", [("id", "AD-8", None, True)]),
        ("§FR-011-201..210. Generate a password", [("id", "FR-011-201", None, True)]),
        ("per §3.2 of billing", [("number", "3.2", None, True)]),
        ("billing.md §Refund window", [("title", "Refund window", "billing.md", True)]),
        ("billing.md §3.2", [("number", "3.2", "billing.md", True)]),
        (
            "specs/001-orders/spec.md FR-003",
            [("id", "FR-003", "specs/001-orders/spec.md", True)],
        ),
        ("Requirements: 2.1, 2.3", [("id", "2.1", None, True), ("id", "2.3", None, True)]),
        ("  - _Requirements: 3.2_", [("id", "3.2", None, True)]),
        ("**Validates: Requirements 1.2**", [("id", "1.2", None, True)]),
        ("_需求: 1.1, 2.1_", [("id", "1.1", None, True), ("id", "2.1", None, True)]),
        ("# [impl->dsn~validate-request~1]", [("id", "dsn~validate-request~1", None, True)]),
        ("Covers req~login~2 here", [("id", "req~login~2", None, True)]),
        ("[Spec](../specs/x.md#y)", [("anchor", "y", "../specs/x.md", True)]),
        (
            "Spec: specs/orders/spec.md",
            [("file", "specs/orders/spec.md", "specs/orders/spec.md", True)],
        ),
        # a list that writes the prefix once
        (
            "Implements FR-013/14/18",
            [("id", "FR-013", None, True), ("id", "FR-014", None, True),
             ("id", "FR-018", None, True)],
        ),
        ("Transfers (FR-027/028)", [("id", "FR-027", None, False), ("id", "FR-028", None, False)]),
        # a label with the path in quotes is still a label, not example data
        (
            'Spec: "specs/orders/spec.md"',
            [("file", "specs/orders/spec.md", "specs/orders/spec.md", True)],
        ),
    ],
)
def test_reference_forms(text: str, expected: list[tuple[str, str, str | None, bool]]) -> None:
    assert refs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "uses SHA256 and UTF-8 per RFC-7231",
        "version 2.1 of the protocol",  # numbers need a requirements keyword
        "http://example.com/page#anchor",  # not a .md file
        "an OAuth2 flow on HTTP2",
        # a path as a value in example data (a route description's example response)
        '"file_path": "docs/configuration.md",',
        "source_path='specs/001-orders/spec.md'",
        "",
    ],
)
def test_non_references(text: str) -> None:
    assert refs(text) == []


def test_lines_and_columns_are_offsets_in_the_text() -> None:
    found = extract_refs("Summary line.\n\n    Implements FR-004.\n", ID)
    assert [(r.line, r.column, r.target.value) for r in found] == [(2, 15, "FR-004")]


def test_title_stops_before_trailing_clause() -> None:
    assert refs("§Refund window - see the policy") == [("title", "Refund window", None, True)]


def test_qualifier_word_before_a_bare_id() -> None:
    (found,) = extract_refs("orders FR-003 is handled here", ID)
    assert found.target.qualifier == "orders"


def test_the_number_of_a_story_is_no_qualifier() -> None:
    """``Story 1.1 AC1``: the ``1`` after the dot is the story's number, not a feature."""
    found = [r for r in extract_refs("Detections (Story 1.1 AC1).", ID) if r.target.value == "AC1"]
    assert [r.target.qualifier for r in found] == [None]


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("TASK-5.6.8c [8c4] - queue responses", ["TASK-5.6.8c"]),
        ("TASK-6.1.16d - Doppler compensation", ["TASK-6.1.16d"]),
        ("SUBTASK-5.6.1.1: TCP socket optimisation", ["SUBTASK-5.6.1.1"]),
        ("[TASK-2.1.7-MAVLINK-TELEMETRY] streaming", ["TASK-2.1.7"]),
        ("FR-001. Then FR-020a.", ["FR-001", "FR-020a"]),
        ("FR-1.2.3x4", []),  # runs on into a word: no id, never a shorter one
        # an acceptance criterion written onto its requirement's id is one id
        ("- FR-03-AC-1: graph_extraction triggered after FR-01-AC-7", ["FR-03-AC-1", "FR-01-AC-7"]),
        ("(FR-11-AC2)", ["FR-11-AC2"]),
        ("FR-001-FR-004 and STORY-026 AC-9", ["FR-001", "FR-004", "STORY-026", "AC-9"]),
    ],
)
def test_a_lettered_step_keeps_its_whole_id(text: str, ids: list[str]) -> None:
    """An id is never cut back to a shorter one that the spec may define too."""
    assert [m.group(0) for m in ID.finditer(text)] == ids


@pytest.mark.parametrize(
    ("ident", "prefix"),
    [("FR-001", "FR-"), ("REQ-AUTH-001", "REQ-AUTH-"), ("T012", "T"), ("FR-1.2", "FR-")],
)
def test_id_prefix(ident: str, prefix: str) -> None:
    assert id_prefix(ident) == prefix


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Story 1.2: User Authentication", [("id", "Story 1.2", None, True)]),
        ("User Story 2 (Priority: P1)", [("id", "US2", None, True)]),
        ("Requirement 3: agent management", [("id", "Requirement 3", None, True)]),
        ("需求 1", [("id", "需求 1", None, True)]),
        (
            "Feature: stock-tracking, Property 1: prices stay positive",
            [("file", "stock-tracking", "stock-tracking", True), ("id", "Property 1", None, True)],
        ),
    ],
)
def test_named_items_and_features(
    text: str, expected: list[tuple[str, str, str | None, bool]]
) -> None:
    assert refs(text) == expected


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Algorithm (Req 9.1 – 9.3):", ["9.1", "9.2", "9.3"]),
        ("(Req 4.3, 5.11, 10.1-10.2)", ["4.3", "5.11", "10.1", "10.2"]),
        ("# Req 7.6 / 17.8: reject newlines", ["7.6", "17.8"]),
        ("Requirements 1.2 - 2.4", ["1.2", "2.4"]),  # not a range across requirements
        ("TODO (Task 9): stop the watcher", ["9"]),
        ("validates Task 8.2 requirements", ["8.2"]),
        # Kiro's tasks cited in Chinese and Japanese
        ('"""管理员认证后端（任务 11.1）。', ["11.1"]),
        ("# 任務 3.2 の実装", ["3.2"]),
        ("タスク4を参照", ["4"]),
    ],
)
def test_criteria_lists_ranges_and_tasks(text: str, values: list[str]) -> None:
    assert [r.target.value for r in extract_refs(text, ID)] == values


def test_a_feature_name_in_brackets_after_a_criteria_list_qualifies_it() -> None:
    found = extract_refs("_Requirements: 5.1, 5.2 (assume-person-role)_", ID)
    assert [(r.target.value, r.target.qualifier) for r in found] == [
        ("5.1", "assume-person-role"), ("5.2", "assume-person-role"),
    ]  # fmt: skip
    # a bracketed word that is no folder name, or a remark, qualifies nothing
    for text in ("Requirements: 5.1 (partial)", "Requirements: 5.1 (see design)"):
        assert [r.target.qualifier for r in extract_refs(text, ID)] == [None]


def test_requirements_header_then_one_criterion_per_bullet() -> None:
    text = (
        "Models.\n\nRequirements:\n    - 1.5: Validate email\n    - 10.1: Sanitize\n\n- 2.2: not\n"
    )
    assert [(r.target.value, r.line, r.target.hint) for r in extract_refs(text, ID)] == [
        ("1.5", 3, "requirement"),
        ("10.1", 4, "requirement"),
    ]


def test_localised_requirement_keywords() -> None:
    assert [r.target.value for r in extract_refs("投稿を作成する（要件 2.4, 2.5）", ID)] == [
        "2.4",
        "2.5",
    ]


def test_bmad_acceptance_criteria_count_within_the_story_named() -> None:
    text = '"""Story 1.2: User Authentication.\n\nValidates credentials (AC: #1, #3).\n"""'
    assert [r.target.value for r in extract_refs(text, ID) if r.target.hint == "requirement"] == [
        "1.2.1",
        "1.2.3",
    ]
    assert [r.target.value for r in extract_refs("Checks input (AC: #2)", ID)] == []


def test_a_task_number_in_a_text_that_names_one_story_is_qualified_by_it() -> None:
    text = "Tests for ConfigInitService.\n\nStory 6.1: ConfigInitService\n\n- Task 2: overrides"
    tasks = [r.target for r in extract_refs(text, ID) if r.target.hint == "task"]
    assert [(t.value, t.qualifier) for t in tasks] == [("2", "story:6.1")]
    two = "Story 6.1 and Story 7.3 share it.\n- Task 2: overrides"
    assert [r.target.qualifier for r in extract_refs(two, ID) if r.target.hint == "task"] == [None]


def test_ranges_of_ids_cite_every_id_in_them() -> None:
    regex = re.compile(DEFAULT_ID_PATTERN)

    def ids(text: str) -> list[str]:
        return [f.target.value for f in extract_refs(text, regex)]

    assert ids("Test historical analytics endpoints (T150-T155)") == [
        "T150", "T151", "T152", "T153", "T154", "T155",
    ]  # fmt: skip
    assert ids("Covers FR-001 to FR-003") == ["FR-001", "FR-002", "FR-003"]
    assert ids("US1–US3") == ["US1", "US2", "US3"]
    # too long a range, or digits of another width, is two ids, never a range
    assert ids("see T001-T200") == ["T001", "T200"]
    assert ids("FR-001 - 3 users") == ["FR-001"]


def test_code_refs_leave_out_what_is_not_a_citation() -> None:
    from traceaudit.refs import code_refs

    regex = re.compile(DEFAULT_ID_PATTERN)

    def ids(text: str) -> list[str]:
        return [f.target.value for f in code_refs(text, regex)]

    assert ids("Match task items like: - [ ] T001 Task description") == []
    assert ids("Parse lines such as '- [x] T012 Done' (FR-003)") == ["FR-003"]
    assert ids("Slugify a title.\n\n>>> slugify('FR-001 x')\n'fr-001-x'\n\nSee FR-002.") == [
        "FR-002"
    ]
    assert ids("Report the F1 score and the P99 latency") == []
    assert ids("Implements R2 score rounding") == ["R2"]  # the text says it cites the spec


def test_code_refs_read_standards_and_verbs_as_a_reviewer_does() -> None:
    from traceaudit.refs import code_refs

    regex = re.compile(DEFAULT_ID_PATTERN)

    def found(text: str) -> list[tuple[str, bool]]:
        return [(f.target.value, f.explicit) for f in code_refs(text, regex)]

    # a section of an outside standard is not a section of the spec
    assert found("Verifier length per RFC 7636 §4.1 (43-128 characters)") == []
    assert found("Dates as ISO 8601 §5.3, see also §4.1") == [("4.1", True)]
    # "validate" is an ordinary verb unless its object is the id
    assert found("Validate the request against M1 before storing") == [("M1", False)]
    assert found("Validates FR-001, FR-002 and FR-003") == [
        ("FR-001", True), ("FR-002", True), ("FR-003", True)
    ]  # fmt: skip
    assert found("Covers: Requirement FR-7") == [("FR-7", True)]
    assert found("Implements FR-1; validate input against M2") == [("FR-1", True), ("M2", True)]


def test_a_letter_that_closes_a_number_belongs_to_the_id() -> None:
    """Story 2.1 split into 2.1a, 2.1b: each part is cited by its own id, and a number
    that runs on into a word, or a letter set apart by a space, is not a part."""
    from traceaudit.refs import code_refs

    def found(text: str) -> list[tuple[str, bool]]:
        return [(f.target.value, f.explicit) for f in code_refs(text, ID)]

    assert found("Implements Story 2.1b.") == [("Story 2.1b", True)]
    assert found("Implements Story 2.1b and Story 2.1") == [
        ("Story 2.1b", True),
        ("Story 2.1", True),
    ]
    assert found("Implements Story 2.1 a first part") == [("Story 2.1", True)]
    assert found("Implements Story 2.1ab") == []  # not Story 2.1 with a word run on
    assert found("User Story 3a: reminders") == [("US3a", True)]
    assert found("Requirements: 2.1a.3, 2.1a.4") == [("2.1a.3", True), ("2.1a.4", True)]
    assert found("Story 2.1a (AC: #2)") == [("2.1a.2", True), ("Story 2.1a", True)]
    assert found("Implements T012a and T012 and FR-001a, US-3a, NFR2b") == [
        ("T012a", True),
        ("T012", True),
        ("FR-001a", True),
        ("US-3a", True),
        ("NFR2b", True),
    ]
    # numeronyms, plurals and short numbers with a letter are words, not ids
    assert found("Implements I18n, A11y and K8s support for MP3s, T12a") == []
    assert (id_prefix("Story 2.1a"), id_prefix("T012a"), id_prefix("2.1a.3")) == ("Story ", "T", "")


def test_a_calendar_quarter_is_no_explicit_citation() -> None:
    """Q1-Q4 beside a year, beside another quarter or with the word quarter is a quarter,
    even after a citation keyword; linking still takes it where a spec uses a Q family."""
    from traceaudit.refs import code_refs

    def found(text: str) -> list[tuple[str, bool]]:
        return [(f.target.value, f.explicit) for f in code_refs(text, ID)]

    assert found("Parse specific quarter references (Q3 2025, Q1, etc.).") == [
        ("Q3", False),
        ("Q1", False),
    ]
    assert found("Implements the 2025-Q3 report") == [("Q3", False)]
    assert found("Covers Q3'25 and Q4") == [("Q3", False), ("Q4", False)]
    assert found("Implements Q3 for the first quarter") == [("Q3", False)]
    # a Q id alone, or one that is no quarter, is cited as any id is
    assert found("Implements Q3") == [("Q3", True)]
    assert found("Implements Q5 2025") == [("Q5", True)]


def test_a_bmad_v6_story_key_cites_its_story() -> None:
    from traceaudit.refs import code_refs

    def found(text: str) -> list[str]:
        return [f.target.value for f in code_refs(text, ID)]

    # BMAD v6 keys Story 2.5 as `2-5-handle-input-files` (sprint status, file names)
    assert found("Input files (Tier 4 - Story 2-5)") == ["Story 2.5"]
    assert found("Retry behaviour (Story 10-5):") == ["Story 10.5"]
    assert found("See Story 2-5-handle-input-files") == ["Story 2.5"]
    assert found("Fixed in Story 7-2.") == ["Story 7.2"]
    assert found("Story 2-5 uploads (AC: #3)") == ["2.5.3", "Story 2.5"]
    # not a key: a run of three numbers, a plural range
    assert found("Story 2-5-3") == ["Story 2"]
    assert found("Stories 2-5") == []


def test_a_css_colour_is_no_id() -> None:
    from traceaudit.refs import code_refs

    ids = re.compile(r"(?<![\w-])(?:F|FR-|T)\d+")

    def found(text: str) -> list[str]:
        return [f.target.value for f in code_refs(text, ids)]

    assert found("Prevents regression to orange (#F97316)") == []
    assert found("border: #F015;") == []
    assert found("Fixes #F97316x and F030") == ["F97316", "F030"]
    assert found("Implements F030 (settings page)") == ["F030"]
