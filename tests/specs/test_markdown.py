"""The spec document: sections and anchors, titles, scope flags, file roles, odd input."""

from __future__ import annotations

from tests.specs.support import eps, parse, reqs
from traceaudit.model import Config, Scope
from traceaudit.sandbox import with_stack
from traceaudit.specs.markdown import parse_spec
from traceaudit.specs.roles import file_role

# --------------------------------------------------------------------------
# Sections and title
# --------------------------------------------------------------------------


def test_sections_have_anchor_level_path_and_line() -> None:
    doc = parse(
        """
        # Orders

        ## Requirements *(mandatory)*

        ### What's new?
        """
    )
    assert [(s.title, s.anchor, s.level, s.location.line, s.path) for s in doc.sections] == [
        ("Orders", "orders", 1, 1, ("Orders",)),
        ("Requirements", "requirements", 2, 3, ("Orders", "Requirements")),
        ("What's new?", "whats-new", 3, 5, ("Orders", "Requirements", "What's new?")),
    ]


def test_anchor_strips_inline_markup() -> None:
    doc = parse("#### `GET /users/{id}`\n\n## See [the *guide*](x.md)\n")
    assert [s.anchor for s in doc.sections] == ["get-usersid", "see-the-guide"]


def test_repeated_headings_get_numbered_anchors() -> None:
    doc = parse("## Errors\n\n## Errors\n\n## Errors\n")
    assert [s.anchor for s in doc.sections] == ["errors", "errors-1", "errors-2"]


def test_section_number_is_read_from_a_numbered_heading() -> None:
    doc = parse("## 3. Billing\n\n### 3.2. Refund window\n\n### Notes\n")
    assert [s.number for s in doc.sections] == ["3", "3.2", None]


def test_title_is_the_first_h1() -> None:
    assert parse("intro\n\n## Part\n\n# Real Title\n\n# Second\n").title == "Real Title"


def test_title_falls_back_to_the_file_stem() -> None:
    assert parse("## Only a subsection\n").title == "spec"


# --------------------------------------------------------------------------
# Requirement flags
# --------------------------------------------------------------------------


def test_out_of_scope_section_marks_its_requirements() -> None:
    doc = parse(
        """
        ## Requirements

        - **FR-001**: Create orders

        ## 7. Out of scope (v1)

        - **FR-009**: Gift cards

        ### FR-010: Loyalty points
        """
    )
    assert [(r.id, r.scope) for r in doc.requirements] == [
        ("FR-001", Scope.IN_SCOPE),
        ("FR-009", Scope.OUT_OF_SCOPE),
        ("FR-010", Scope.OUT_OF_SCOPE),
    ]


def test_heading_named_like_scope_words_is_not_out_of_scope_itself() -> None:
    doc = parse("## Requirements\n\n### FR-001: Future-proof storage\n\n- **FR-002**: Other\n")
    assert {r.scope for r in doc.requirements} == {Scope.IN_SCOPE}


def test_endpoints_under_a_future_heading_are_out_of_scope() -> None:
    doc = parse(
        """
        ## API

        - `GET /api/tasks`

        ## Future Enhancements

        - `GET /api/tasks/search` — full-text search

        ### POST /api/tasks/bulk
        """
    )
    assert [(e.path, e.scope) for e in doc.endpoints] == [
        ("/api/tasks", Scope.IN_SCOPE),
        ("/api/tasks/search", Scope.OUT_OF_SCOPE),
        ("/api/tasks/bulk", Scope.OUT_OF_SCOPE),
    ]
    assert [(r.id, r.scope) for r in doc.requirements] == [
        ("post-apitasksbulk", Scope.OUT_OF_SCOPE)
    ]


def test_needs_clarification_marker() -> None:
    doc = parse(
        """
        - **FR-001**: System MUST authenticate users via [NEEDS CLARIFICATION: auth method?]
        - **FR-002**: System MUST log in users
        """
    )
    assert [r.needs_clarification for r in doc.requirements] == [True, False]


def test_checked_box_and_check_mark_are_claims() -> None:
    doc = parse("### AC-1: Login works ✅\n\n- [x] FR-001: Done item\n- [ ] FR-002: Open item\n")
    assert [(r.id, r.claimed_done) for r in doc.requirements] == [
        ("AC-1", True),
        ("FR-001", True),
        ("FR-002", False),
    ]


# --------------------------------------------------------------------------
# Formats: outcomes, decisions, restatements, file roles
# --------------------------------------------------------------------------


def test_success_criteria_are_outcomes() -> None:
    doc = parse(
        """
        ## Requirements *(mandatory)*

        - **FR-001**: System MUST place orders
        - **FR-001a**: System MUST page the order list

        ## Success Criteria *(mandatory)*

        ### Measurable Outcomes

        - **SC-001**: Customers place an order in under 30 seconds
        """
    )
    assert reqs(doc) == [
        ("FR-001", "requirement", 3),
        ("FR-001a", "requirement", 4),
        ("SC-001", "outcome", 10),
    ]


def test_success_criteria_written_in_another_language_are_outcomes() -> None:
    doc = parse(
        """
        ## 要件

        - **FR-001**: システムは画像を読み込まなければならない

        ## 成功基準 *(必須)*

        ### 測定可能な成果

        - **SC-001**: 初めてのユーザーが 15 分以内で完了できる

        ## Критерии успеха

        - **SC-002**: Пользователь входит за 10 секунд
        """
    )
    assert reqs(doc) == [
        ("FR-001", "requirement", 3), ("SC-001", "outcome", 9), ("SC-002", "outcome", 13)
    ]


def test_assumptions_and_dependencies_frame_the_work() -> None:
    doc = parse(
        """
        ## Requirements

        - **FR-001**: System MUST place orders

        ## Assumptions

        - **A-001**: No pagination is required for the first release

        ## Dependencies

        - **D-001**: Python 3.12 runtime

        ## Constraints

        - **C-001**: Must reject an order of more than 100 items
        """
    )
    assert reqs(doc) == [
        ("FR-001", "requirement", 3),
        ("A-001", "assumption", 7),
        ("D-001", "assumption", 11),
        ("C-001", "requirement", 15),
    ]


def test_sections_marked_as_planned_are_out_of_scope() -> None:
    doc = parse(
        """
        ## Orders

        ### POST /api/orders

        ## Sharing (planned)

        ### POST /api/orders/{order_id}/share

        ### 인증 API (예정)

        - `POST /auth/register` - sign up

        ## 14. WebSocket Alternative (Future)

        ### GET /api/events/ws

        ## Planning guide

        ### GET /api/plans
        """
    )
    assert [(e.path, e.scope) for e in doc.endpoints] == [
        ("/api/orders", Scope.IN_SCOPE),
        ("/api/orders/{order_id}/share", Scope.OUT_OF_SCOPE),
        ("/auth/register", Scope.OUT_OF_SCOPE),
        ("/api/events/ws", Scope.OUT_OF_SCOPE),
        ("/api/plans", Scope.IN_SCOPE),
    ]


def test_a_file_line_heading_a_block_of_tasks_names_their_file() -> None:
    doc = parse(
        """
        # Implementation Plan

        ## 1. Wire the orchestrator

        **File**: `backend/app/services/project_service.py`

        - [x] 1.1 Load the dataset
        - [x] 1.2 Start the pipeline

        ## 2. Connect the upload overlay

        **File**: `frontend/src/components/UploadOverlay.tsx`

        - [x] 2.1 Upload the file
        - [x] 2.2 Show the errors
          - Files: frontend/src/api/errors.ts
        """
    )
    files = {r.id: r.text.splitlines()[-1] for r in doc.requirements if r.kind.value == "task"}
    assert files == {
        "1.1": "Files: backend/app/services/project_service.py",
        "1.2": "Files: backend/app/services/project_service.py",
        "2.1": "Files: frontend/src/components/UploadOverlay.tsx",
        "2.2": "Files: frontend/src/api/errors.ts",  # its own line stays
    }


def test_a_dunder_file_name_is_not_bold_text() -> None:
    doc = parse(
        """
        # Tasks

        - [x] T013 Create api __init__.py in backend/src/api/__init__.py
        - [ ] T014 Run pkg/__main__ as a module, then _really_ __check__ it
        """
    )
    titles = {r.id: r.title for r in doc.requirements}
    assert titles == {
        "T013": "Create api __init__.py in backend/src/api/__init__.py",
        "T014": "Run pkg/__main__ as a module, then really check it",  # emphasis stays markup
    }


def test_decision_records_and_inventories_define_no_requirements() -> None:
    doc = parse(
        """
        ### AD-001: Stateless API Design

        ## Functional Requirements Inventory

        - **FR-001:** User Authentication
        - **FR-002:** Workout Logging

        ## FR Coverage Map

        - FR-001: Epic 1, Epic 3

        ## Requirements

        - **FR-003**: Meal logging
        """
    )
    assert reqs(doc) == [("FR-003", "requirement", 14)]


def test_a_product_s_inventory_is_no_inventory_of_ids() -> None:
    doc = parse(
        """
        # Feature Specification: Inventory API

        ## Requirements

        - **FR-001**: System MUST list stock levels per warehouse

        ## Inventory of Requirements

        - **FR-001**: stock levels
        """
    )
    assert reqs(doc) == [("FR-001", "requirement", 5)]


def test_undashed_id_in_a_list_of_bold_terms_is_a_term() -> None:
    doc = parse(
        """
        1. **Argon2**: modern, needs C dependencies
        2. **PBKDF2**: built into Python
        3. **Scrypt**: memory hard

        - FR1: Users can register
        - FR2: Users can sign in
        """
    )
    assert reqs(doc) == [("FR1", "requirement", 5), ("FR2", "requirement", 6)]


def test_template_files_define_nothing() -> None:
    text = "# Spec\n\n- **FR-001**: System MUST [capability]\n\n### User Story 1 - [Title]\n"
    for path in (".specify/templates/spec-template.md", "docs/prd-template.md"):
        doc = parse_spec(text, path, Config())
        assert (doc.requirements, doc.endpoints, len(doc.sections)) == ((), (), 2)
    assert file_role(".specify/templates/spec-template.md") == "template"
    assert file_role("specs/001-a/spec.md") == "spec"


def test_checklist_files_define_nothing() -> None:
    text = "## Notes\n\n1. **FR-008**: JWT signing algorithm - RESOLVED\n"
    doc = parse_spec(text, "specs/003-auth/checklists/requirements.md", Config())
    assert doc.requirements == ()


# --------------------------------------------------------------------------
# Robustness
# --------------------------------------------------------------------------


def test_empty_and_odd_inputs_never_raise() -> None:
    odd = [
        "",
        "\x00\x01\ufffd",
        "```\nGET /x\n",
        "|a|\n|-|\n" + "|b|\n" * 2000,
        "#" * 10,
        "> " * 500,
    ]
    for text in odd:
        # with the workers' stack budget: markdown-it recurses per nesting level (the
        # preset's limit of 20 hid that by dropping everything deeper)
        doc = with_stack(lambda: parse_spec(text, "odd.md", Config()))  # noqa: B023
        assert doc.error is None
        assert doc.path == "odd.md"


def test_unclosed_fence_runs_to_the_end() -> None:
    doc = parse("```\nGET /x\n\n## Not a heading\n")
    assert (eps(doc), doc.sections) == ([("GET", "/x", 2, "fence")], ())


def test_invalid_id_pattern_gives_an_error_doc() -> None:
    doc = parse("## FR-001: x\n", Config(id_pattern="(unclosed"))
    assert doc.error is not None and doc.error.startswith("cannot parse")
    assert (doc.title, doc.requirements) == ("spec", ())


def test_research_and_quickstart_notes_define_and_declare_nothing() -> None:
    text = (
        "# Research\n\n## R1: Use PostgreSQL\n\n- **D2**: Decision: queue jobs\n\n"
        "`POST /api/jobs` starts a job.\n"
    )
    for name in ("research.md", "quickstart.md", "QUICK_START.md"):
        doc = parse_spec(text, f"specs/004-jobs/{name}", Config())
        assert file_role(doc.path) == "notes"
        assert doc.requirements == ()
        assert doc.endpoints == ()
        # what they name still documents the route and makes the ids known
        assert [(e.method, e.path) for e in doc.mentions] == [("POST", "/api/jobs")]
        assert doc.mentioned_ids == ("D2", "R1")


def test_auth_line_of_a_section_with_one_inline_endpoint() -> None:
    doc = parse(
        """
        ## REQ-AUTH-003 Current user profile

        `GET /api/v1/auth/me` returns the profile of the signed-in user.

        **Auth**: Required (JWT)

        - 401 Unauthorized if the token is missing

        ## Two endpoints, one statement

        `GET /a` and then `GET /b` are listed here.

        **Auth**: Public
        """
    )
    got = [(e.path, e.auth, e.auth_required, e.statuses) for e in doc.endpoints]
    assert got == [
        ("/api/v1/auth/me", "Required (JWT)", True, (401,)),
        ("/a", None, None, ()),  # which endpoint the statement speaks of is a guess
        ("/b", None, None, ()),
    ]


def test_what_a_document_says_of_itself_that_denies_a_backend() -> None:
    doc = parse(
        """
        # Story 0.1: Job Status (Mock)

        **Goal**: Simulate the upload flow entirely on the client, with a stepper.

        ## Context

        - No backend required: All states are driven by a timer and client state.
        - Frontend-only changes to the admin panel are out of scope.
        - The API has no backend changes in this story? See the backend story.

        ## Interfaces

        - None. Pure frontend simulation gated by `NEXT_PUBLIC_USE_MOCKS=1`.

        ## Change Log

        - No backend required for the demo (record of work, not the document's word)
        """
    )
    assert doc.no_backend == (
        "Goal: Simulate the upload flow entirely on the client, with a stepper.",
        "No backend required: All states are driven by a timer and client state.",
        "None. Pure frontend simulation gated by NEXT_PUBLIC_USE_MOCKS=1.",
    )
    # what a feature says it is: a web interface built with a frontend framework
    intro = parse(
        """
        # Requirements Document

        ## Introduction

        This feature provides a modern React-based web interface for the trading system.
        The interface will display interactive charts.

        ## Requirements

        ### Requirement 1

        This feature provides an API consumed by the React-based web interface.
        """
    )
    assert intro.no_backend == (
        "This feature provides a modern React-based web interface for the trading system.",
    )


def test_a_spec_kit_success_criterion_is_an_outcome_under_any_heading() -> None:
    # Ukrainian headings ("Критерії успіху", "Вимірювані результати"); the template's SC-001
    doc = parse(
        """
        ## Вимоги

        - **FR-001**: Система MUST показувати дашборд

        ## Критерії успіху

        - **SC-001**: Дашборд завантажується менш ніж за 2 секунди

        ## Метрики

        - **SC-002**: Рівень затвердження перевищує 70%
        """
    )
    assert reqs(doc) == [
        ("FR-001", "requirement", 3), ("SC-001", "outcome", 7), ("SC-002", "outcome", 11)
    ]
