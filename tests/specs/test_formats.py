"""Requirement ids in every format: plain, Kiro, spec-kit, BMAD and OpenFastTrace."""

from __future__ import annotations

from textwrap import dedent

from tests.specs.support import PATH, eps, parse, reqs
from traceaudit.model import Config, Location, ReqKind
from traceaudit.specs.markdown import parse_spec

# --------------------------------------------------------------------------
# Requirement ids
# --------------------------------------------------------------------------


def test_heading_requirement_with_body_text() -> None:
    doc = parse(
        """
        ## Requirements

        ### FR-001: Create order

        The system MUST create orders.

        #### Notes

        Idempotent.

        ### FR-002: Cancel order
        """
    )
    first = doc.requirements[0]
    assert (first.key, first.id, first.title, first.kind) == (
        f"{PATH}::FR-001",
        "FR-001",
        "Create order",
        ReqKind.REQUIREMENT,
    )
    assert first.text == "The system MUST create orders.\nNotes\nIdempotent."
    assert (first.location, first.anchor) == (Location(PATH, 3), "fr-001-create-order")
    assert first.section_path == ("Requirements", "FR-001: Create order")
    assert reqs(doc) == [("FR-001", "requirement", 3), ("FR-002", "requirement", 11)]


def test_dashed_heading_id_needs_no_separator() -> None:
    doc = parse("## REQ-AUTH-001 Login with email\n\n### FR-1.1: Sub item\n")
    assert [(r.id, r.title) for r in doc.requirements] == [
        ("REQ-AUTH-001", "Login with email"),
        ("FR-1.1", "Sub item"),
    ]


def test_a_word_that_says_what_the_heading_id_is_comes_before_it() -> None:
    doc = parse(
        """
        # Epic E4: Metrics, Logging & Observability

        ## Story E4.1: Instrument Metrics

        Count every request.

        ## Requirement REQ-007: Users can log in

        ### Feature F2: Export

        ## Epic 3 overview

        ## Story points and velocity
        """
    )
    assert reqs(doc) == [
        ("E4", "story", 1), ("E4.1", "story", 3), ("REQ-007", "requirement", 7),
        ("F2", "requirement", 9),
    ]  # fmt: skip
    assert [r.title for r in doc.requirements] == [
        "Metrics, Logging & Observability", "Instrument Metrics", "Users can log in", "Export"
    ]


def test_bold_list_item_requirements() -> None:
    doc = parse(
        """
        ### Functional Requirements

        - **FR-001**: System MUST allow users to
          register with email.
        * **NFR-002** – Responses within 200 ms
        """
    )
    assert [(r.id, r.title, r.location.line, r.anchor) for r in doc.requirements] == [
        ("FR-001", "System MUST allow users to register with email.", 3, "functional-requirements"),
        ("NFR-002", "Responses within 200 ms", 5, "functional-requirements"),
    ]


def test_plain_list_item_and_paragraph_line_requirements() -> None:
    doc = parse(
        """
        - BR-1: Orders need a customer
        - FR-003 Totals include tax

        FR1: The PRD style requirement
        NFR2: A second one
        """
    )
    assert reqs(doc) == [
        ("BR-1", "requirement", 1),
        ("FR-003", "requirement", 2),
        ("FR1", "requirement", 4),
        ("NFR2", "requirement", 5),
    ]
    assert [r.title for r in doc.requirements][2:] == ["The PRD style requirement", "A second one"]


def test_ids_in_prose_are_not_definitions() -> None:
    doc = parse(
        """
        ## Notes

        This follows FR-001 and NFR-002 closely.
        FR-003 is covered by the tests.
        - See FR-004 for details
        - US1 covers the happy path
        """
    )
    assert doc.requirements == ()


def test_bold_id_opening_a_wrapped_prose_line_is_not_a_definition() -> None:
    doc = parse("From here trace **R2** back, see that it depends on\n**R1** (invoice history).\n")
    assert doc.requirements == ()


def test_http2_heading_is_not_a_requirement() -> None:
    doc = parse("### HTTP2 support\n\n### UTF-8 everywhere\n\n### SHA256: hashing\n")
    assert doc.requirements == ()


def test_list_item_text_includes_nested_items() -> None:
    doc = parse(
        """
        - **FR-001**: Create orders
          - validate the cart
          - reserve stock
        - **FR-002**: Cancel orders
        """
    )
    assert doc.requirements[0].text == "Create orders\nvalidate the cart\nreserve stock"


def test_duplicate_id_keeps_the_first_and_records_the_second() -> None:
    doc = parse("- **FR-001**: First\n- **FR-002**: Other\n- **FR-001**: Again\n")
    assert reqs(doc) == [("FR-001", "requirement", 1), ("FR-002", "requirement", 2)]
    assert doc.requirements[0].title == "First"
    assert doc.duplicate_ids == (("FR-001", Location(PATH, 3)),)


def test_ids_each_story_numbers_for_itself_are_the_storys_not_duplicates() -> None:
    doc = parse(
        """
        ### Story 3.1: Job posting schema

        **IV1: Existing Schema Integrity** - Run the migration on a copy

        **IV2: Foreign Keys** - Verify CASCADE

        ### Story 3.2: Job posting service

        **IV1: Connection Pooling** - Reuse the session

        **IV2: Errors** - Match the patterns

        **IV2: Errors again** - the same story numbers it twice
        """
    )
    assert [r.key.split("::")[1] for r in doc.requirements] == [
        "Story 3.1", "Story 3.1/IV1", "Story 3.1/IV2", "Story 3.2", "Story 3.2/IV1",
        "Story 3.2/IV2",
    ]  # fmt: skip
    assert [r.parent_key for r in doc.requirements][1] == f"{PATH}::Story 3.1"
    assert doc.duplicate_ids == (("IV2", Location(PATH, 13)),)
    # an id defined inside a story and again outside any story is a duplicate
    doc = parse("- **FR-001**: First\n\n### Story 1.1: A\n\n- **FR-001**: Again\n")
    assert doc.duplicate_ids == (("FR-001", Location(PATH, 5)),)


def test_a_bold_label_paragraph_heads_the_items_below_it() -> None:
    doc = parse(
        """
        ### Story 3.1: Job posting schema

        **Acceptance Criteria:**

        - **AC-1**: A `job_postings` table exists

        **Integration Verification:**

        **IV1: Existing Schema Integrity** - Run the migration on a copy

        ### Story 3.2: Service

        **IV1: Pooling** - Reuse the session
        """
    )
    one, two = "Story 3.1: Job posting schema", "Story 3.2: Service"
    assert [(r.id, r.section_path) for r in doc.requirements] == [
        ("Story 3.1", (one,)),
        ("AC-1", (one, "Acceptance Criteria")),
        ("IV1", (one, "Integration Verification")),
        ("Story 3.2", (two,)),
        ("IV1", (two,)),  # a heading ends the label's reach
    ]


def test_custom_id_pattern() -> None:
    doc = parse("- **STORY-7**: Checkout\n- **FR-001**: Ignored\n", Config(id_pattern=r"STORY-\d+"))
    assert reqs(doc) == [("STORY-7", "requirement", 1)]


def test_nested_requirement_has_parent_key() -> None:
    doc = parse("## FR-1: Execute endpoint\n\n### FR-1.1: Validate input\n")
    assert [(r.id, r.parent_key) for r in doc.requirements] == [
        ("FR-1", None),
        ("FR-1.1", f"{PATH}::FR-1"),
    ]


# --------------------------------------------------------------------------
# Spec formats: Kiro, spec-kit tasks and stories, BMAD, OpenFastTrace
# --------------------------------------------------------------------------


def test_kiro_requirements_and_numbered_shall_criteria() -> None:
    doc = parse(
        """
        ### Requirement 1: Agent Management

        #### Acceptance Criteria

        1. THE API_Layer SHALL provide endpoints for agents
        2. WHEN an Agent is created, THE API_Layer SHALL encrypt credentials
        3. Deleted agents are kept for 30 days

        #### Notes

        1. A note that is not a criterion

        ### 需求 2 - 用戶管理

        1. WHEN 用戶輸入有效的股票代號 THEN 系統 SHALL 顯示
        """
    )
    assert [(r.id, r.kind.value, r.location.line, r.parent_key) for r in doc.requirements] == [
        ("Requirement 1", "requirement", 1, None),
        ("1.1", "criterion", 5, f"{PATH}::Requirement 1"),
        ("1.2", "criterion", 6, f"{PATH}::Requirement 1"),
        # under the "Acceptance Criteria" heading a criterion needs no SHALL
        ("1.3", "criterion", 7, f"{PATH}::Requirement 1"),
        ("需求 2", "requirement", 13, None),
        ("2.1", "criterion", 15, f"{PATH}::需求 2"),
    ]
    assert doc.requirements[0].title == "Agent Management"
    assert doc.requirements[1].title == "THE API_Layer SHALL provide endpoints for agents"


def test_criteria_numbers_follow_the_rendered_list_numbering() -> None:
    doc = parse("### Requirement 2\n\n1. THE x SHALL a\n1. THE x SHALL b\n1. THE x SHALL c\n")
    assert [r.id for r in doc.requirements] == ["Requirement 2", "2.1", "2.2", "2.3"]


def test_a_lettered_kiro_requirement_is_one_of_its_own() -> None:
    """``Requirement 10a`` and ``Requirement 10b`` are two requirements (criteria 10a.1,
    10b.1), not ``Requirement 10`` defined twice."""
    doc = parse(
        "### Requirement 10a — Markdown Policy\n\n#### Acceptance Criteria\n"
        "1. THE repository SHALL include one `.markdownlint.yml`.\n\n"
        "### Requirement 10b — Path Filters\n\n#### Acceptance Criteria\n"
        "1. THE markdown job SHALL trigger only when `**/*.md` changes.\n"
    )
    assert [(r.id, r.parent_key) for r in doc.requirements] == [
        ("Requirement 10a", None),
        ("10a.1", f"{PATH}::Requirement 10a"),
        ("Requirement 10b", None),
        ("10b.1", f"{PATH}::Requirement 10b"),
    ]
    assert doc.duplicate_ids == ()


def test_numbered_shall_list_without_a_requirement_heading_gives_no_criteria() -> None:
    doc = parse("## Rules\n\n1. THE system SHALL log in users\n")
    assert doc.requirements == ()


def test_spec_kit_tasks_with_story_markers() -> None:
    doc = parse_spec(
        "## Phase 3: User Story 1\n\n"
        "- [ ] T012 [P] [US1] Create Order model in src/models/order.py\n"
        "- [x] T013 [US1] Implement order creation (FR-003)\n"
        "- [ ] T014 Plain task\n",
        "specs/a/tasks.md",
        Config(),
    )
    assert [(r.id, r.kind.value, r.title, r.claimed_done) for r in doc.requirements] == [
        ("T012", "task", "Create Order model in src/models/order.py", False),
        ("T013", "task", "Implement order creation (FR-003)", True),
        ("T014", "task", "Plain task", False),
    ]
    assert [(k.source_key, k.relation, k.target.value, k.location.line) for k in doc.links] == [
        ("specs/a/tasks.md::T012", "story", "US1", 3),
        ("specs/a/tasks.md::T013", "implements", "FR-003", 4),
        ("specs/a/tasks.md::T013", "story", "US1", 4),
    ]


def test_kiro_tasks_link_through_their_requirements_trailer() -> None:
    doc = parse(
        """
        - [ ] 2. Set up database
          - [x] 2.1 Create Alembic migration
            - _Requirements: 11.1, 11.2_
          - [ ]* 2.2 Write property test
            - **Validates: Requirements 1.2**
        """
    )
    assert [(r.id, r.kind.value, r.parent_key, r.claimed_done) for r in doc.requirements] == [
        ("2", "task", None, False),
        ("2.1", "task", f"{PATH}::2", True),
        ("2.2", "task", f"{PATH}::2", False),
    ]
    assert [(k.source_key, k.relation, k.target.value) for k in doc.links] == [
        (f"{PATH}::2.1", "implements", "11.1"),
        (f"{PATH}::2.1", "implements", "11.2"),
        (f"{PATH}::2.2", "validates", "1.2"),
    ]


def test_spec_kit_user_story_and_bmad_story_headings() -> None:
    doc = parse(
        """
        ### User Story 1 - Browse catalogue (Priority: P1)

        ### Story 1.3: Login form

        ### 6.1.2 Story 1.2 Password reset
        """
    )
    assert [(r.id, r.kind.value, r.title) for r in doc.requirements] == [
        ("US1", "story", "Browse catalogue (Priority: P1)"),
        ("Story 1.3", "story", "Login form"),
        ("Story 1.2", "story", "Password reset"),
    ]


def test_kiro_design_property_validates_requirements() -> None:
    doc = parse(
        """
        ### Property 3: Round trip

        *For any* order, saving then loading returns it; see FR-009.

        **Validates: Requirements 2.1, 3.3**
        """
    )
    assert reqs(doc) == [("Property 3", "property", 1)]
    assert [(k.relation, k.target.value, k.location.line) for k in doc.links] == [
        ("validates", "2.1", 5),
        ("validates", "3.3", 5),
    ]


def test_openfasttrace_items_and_covers_links() -> None:
    doc = parse(
        """
        ### Login
        `req~login~1`

        Users can log in.

        Covers:
        - feat~authentication~1

        ### Validate
        `dsn~validate-request~1`
        """
    )
    assert [(r.id, r.kind.value, r.title, r.text) for r in doc.requirements] == [
        ("req~login~1", "item", "Login", "Users can log in.\nCovers:\nfeat~authentication~1"),
        ("dsn~validate-request~1", "item", "Validate", ""),
    ]
    assert [(k.source_key, k.relation, k.target.value) for k in doc.links] == [
        (f"{PATH}::req~login~1", "covers", "feat~authentication~1"),
    ]


def test_tasks_file_restatements_are_not_definitions() -> None:
    text = dedent(
        """
        ## Phase 3: User Story 1

        **From spec.md**:
        - FR-003: Users MUST be able to edit tasks

        - [x] T014 [US1] Implement GET `/api/{user_id}/tasks` in `backend/app/routes.py`
        - [ ] T015 [US1] Create POST /api/{user_id}/tasks endpoint (FR-003)

        ## Dependencies

        - **US1 (P1)**: Can start after Phase 2
        """
    ).lstrip("\n")
    doc = parse_spec(text, "specs/001-tasks/tasks.md", Config())
    assert reqs(doc) == [("T014", "task", 6), ("T015", "task", 7)]
    assert eps(doc) == [
        ("GET", "/api/{user_id}/tasks", 6, "bullet"),
        ("POST", "/api/{user_id}/tasks", 7, "bullet"),
    ]
    assert [e.requirement_key for e in doc.endpoints] == [
        "specs/001-tasks/tasks.md::T014",
        "specs/001-tasks/tasks.md::T015",
    ]
    # the same lines in a spec file do define FR-003
    assert ("FR-003", "requirement", 4) in reqs(parse(text))


def test_endpoints_named_inside_kiro_task_bullets() -> None:
    doc = parse(
        """
        - [x] 6.1 實作股票管理API端點
          - 建立API路由器（/api/v1/stocks）
          - 實作POST /api/v1/stocks（新增股票）
          - 建立WS /ws/stocks/{symbol}即時數據推送
          - _需求: 1.1_

        - Implement GET /api/v1/other in a plain bullet
        """
    )
    assert eps(doc) == [
        ("POST", "/api/v1/stocks", 3, "bullet"),
        ("WEBSOCKET", "/ws/stocks/{symbol}", 4, "bullet"),
    ]


def test_kiro_task_trailer_may_cite_its_own_number() -> None:
    doc = parse("- [ ] 4.1 Implement alerts\n  - _Requirements: 4.1, 4.2_\n")
    assert [(k.source_key, k.target.value, k.relation) for k in doc.links] == [
        (f"{PATH}::4.1", "4.1", "implements"),
        (f"{PATH}::4.1", "4.2", "implements"),
    ]


def test_field_with_another_label_only_mentions_its_endpoint() -> None:
    doc = parse(
        """
        ### Context

        - **Backend**: `PUT /api/v1/users/profile/` endpoint, Pydantic models

        ### Profile update

        **Endpoint**: `PUT /api/v1/users/profile/`
        """
    )
    assert reqs(doc) == [("profile-update", "section", 5)]
    assert [(e.location.line, e.source, e.requirement_key) for e in doc.endpoints] == [
        (3, "field", None),
        (7, "field", f"{PATH}#profile-update"),
    ]
    # under notes on what the previous story built, the same line is a record: a mention
    earlier = parse(
        """
        ### Learnings from the previous story

        - **Backend**: `PUT /api/v1/users/profile/` endpoint, Pydantic models
        """
    )
    assert earlier.endpoints == () and [e.location.line for e in earlier.mentions] == [3]


# --------------------------------------------------------------------------
# BMAD acceptance criteria sections and story tasks
# --------------------------------------------------------------------------


def test_bmad_tech_spec_criteria_are_numbered_under_their_story() -> None:
    doc = parse(
        """
        ## Acceptance Criteria (Authoritative)

        ### Story 1.1: Core Backend Setup

        1.  **Given** a fresh checkout, **When** I run the app, **Then** `/health` answers
        2.  **Given** the app, **When** I open `/docs`, **Then** I see the API

        ### Story 1.2: Sign-up

        1.  **Given** a new email, **When** I sign up, **Then** I get a JWT
        """
    )
    assert reqs(doc) == [
        ("1.1.1", "criterion", 5),
        ("1.1.2", "criterion", 6),
        ("1.2.1", "criterion", 10),
    ]


def test_bmad_story_file_criteria_and_task_links() -> None:
    doc = parse(
        """
        ## Acceptance Criteria

        1. A user can add a symbol.
        2. An unknown symbol is rejected.

        ## Tasks / Subtasks

        - [x] Task 1: Watchlist endpoints (AC: #1, #2)
          - [x] Implement `POST /api/v1/watchlist`
        - [ ] Task 2 (AC #1–#2)
        """
    )
    assert reqs(doc) == [
        ("1", "criterion", 3),
        ("2", "criterion", 4),
        ("Task 1", "task", 8),
        ("Task 2", "task", 10),
    ]
    assert [(k.source_key[len(PATH) + 2 :], k.target.value, k.target.spec) for k in doc.links] == [
        ("Task 1", "1", PATH),
        ("Task 1", "2", PATH),
        ("Task 2", "1", PATH),
        ("Task 2", "2", PATH),
    ]
    assert eps(doc) == [("POST", "/api/v1/watchlist", 9, "bullet")]


def test_a_ticked_task_its_title_marks_as_not_done_claims_nothing() -> None:
    doc = parse(
        """
        ## Tasks / Subtasks

        - [x] **Task 1: Configure RLS Policies** (AC: 1) - **N/A**
        - [x] Task 2: Cache warm-up (deferred)
        - [x] Task 3: Add the N/A option to the form
        - [x] Task 4: Upload endpoint
        """
    )
    assert [(r.id, r.claimed_done) for r in doc.requirements] == [
        ("Task 1", False), ("Task 2", False), ("Task 3", True), ("Task 4", True),
    ]  # fmt: skip


def test_a_task_with_no_id_is_kept_with_the_one_criterion_it_names() -> None:
    """BMAD's ``- [x] **Backend - API:** Implement GET /x (AC: #1)``: no item of its own, but
    it says which criterion it does, and the endpoint it declares is that criterion's."""
    doc = parse(
        """
        # Story 4.1: Display a single question

        ## Acceptance Criteria

        1. The quiz shows one question.
        2. Navigation controls are present.

        ## Tasks / Subtasks

        - [x] **Backend - API Endpoint:** Implement `GET /api/v1/quiz/{quiz_id}/start` (AC: #1)
        - [x] **Frontend - Navigation:** Implement the "Next Question" button (AC: #2)
          - [x] Wire the button to the quiz store
        - [x] **Test - Frontend:** Write tests for both (AC: #1, #2)
        """
    )
    assigned = {r.id: r.assigned_tasks for r in doc.requirements}
    assert assigned == {
        "Story 4.1": (),
        "4.1.1": ("Backend - API Endpoint: Implement GET /api/v1/quiz/{quiz_id}/start (AC: #1)",),
        "4.1.2": ('Frontend - Navigation: Implement the "Next Question" button (AC: #2)',),
    }
    assert [(e.method, e.path, e.requirement_key) for e in doc.endpoints] == [
        ("GET", "/api/v1/quiz/{quiz_id}/start", f"{PATH}::4.1.1")
    ]


def test_several_ownerless_criteria_sections_give_no_criteria() -> None:
    doc = parse(
        """
        ## Login
        ### Acceptance Criteria
        1. The user can log in.
        ## Logout
        ### Acceptance Criteria
        1. The user can log out.
        """
    )
    assert doc.requirements == ()


def test_a_story_split_in_lettered_parts_defines_each_part() -> None:
    """``Story 2.1a`` / ``2.1b`` / ``2.1c`` are three stories (no id defined twice); the
    criteria of a part are numbered under it (``2.1a.1``); tasks ``T012a`` and
    requirements ``FR-001a`` beside ``T012`` and ``FR-001`` are their own."""
    doc = parse(
        """
        ## Story 2.1a: Essential setup

        **Acceptance Criteria:**

        1. Records the user's details.

        ## Story 2.1b: Profile discovery

        ## Story 2.1c: Completion state

        ## Acceptance Criteria

        ### Story 2.1b

        1. Saves the preferences.

        - **FR-001**: Create a reminder.
        - **FR-001a**: Reject a past date.
        - [x] T012 Create the reminder endpoint
        - [ ] T012a Reject past dates
        """
    )
    assert [(r.id, r.kind) for r in doc.requirements] == [
        ("Story 2.1a", ReqKind.STORY),
        ("Story 2.1b", ReqKind.STORY),
        ("Story 2.1c", ReqKind.STORY),
        ("2.1b.1", ReqKind.CRITERION),
        ("FR-001", ReqKind.REQUIREMENT),
        ("FR-001a", ReqKind.REQUIREMENT),
        ("T012", ReqKind.TASK),
        ("T012a", ReqKind.TASK),
    ]
    assert doc.requirements[0].title == "Essential setup"


def test_status_marks_and_bracketed_ids_before_an_id() -> None:
    """``[✓]``/``[🟡]``/``✅`` in place of a checkbox, and ``[TASK-1.1.1]`` in brackets."""
    doc = parse_spec(
        "# Story 3.5: Telemetry\n\n## Tasks\n\n"
        "- **[✓]** **SUBTASK-3.5.1.1:** Stream RSSI telemetry at 10 Hz\n"
        "- **[🟡]** **SUBTASK-3.5.1.2:** Prioritise critical telemetry\n\n"
        "**✅ [TASK-1.1.1]** Build the detection service\n\n"
        "**`[x]`** **`[TASK-3.5.3-ANALYTICS-ENGINE]`** **Analytics engine**\n\n"
        "### **✅ TASK-3.5.2 Signal Confidence Telemetry**\n",
        "docs/stories/3.5.story.md",
        Config(),
    )
    assert [(r.id, r.claimed_done) for r in doc.requirements] == [
        ("Story 3.5", False),
        ("SUBTASK-3.5.1.1", True),
        ("SUBTASK-3.5.1.2", False),
        ("TASK-1.1.1", True),
        ("TASK-3.5.3", True),
        ("TASK-3.5.2", True),
    ]


def test_a_task_list_written_as_headings_defines_tasks() -> None:
    doc = parse_spec(
        "# Tasks: Podium\n\n### T001 — Add event_type to the summary\n- **File**: `app/main.py`\n\n"
        "### T002 — Build Podium.tsx\n- **File**: `frontend/src/Podium.tsx`\n",
        "specs/021-podium/tasks.md",
        Config(),
    )
    assert [(r.id, r.kind.value) for r in doc.requirements] == [("T001", "task"), ("T002", "task")]


def test_what_a_report_says_of_an_item_and_an_items_listing_define_nothing() -> None:
    """``**NFR2 Compliance:**`` and ``### TASK-9.10 Success Criteria`` speak of items; a short
    listing of an item whose own record says the same and more is one item, not two."""
    doc = parse_spec(
        "# Story 4.9: Verification\n\n## Issues\n\n"
        "1. TASK-9.7: MAVLink performance - partial\n"
        "2. **NFR2 Compliance:** <100ms latency met\n\n"
        "## Work\n\n"
        "### TASK-9.5: Test emergency behaviors\n\nExercise the emergency stop.\n\n"
        "### TASK-9.5: Archive the bench logs\n\nCopy the logs.\n\n"
        "### TASK-9.7: MAVLink performance\n\n"
        "Measure the MAVLink message rate and latency under load, and record the results.\n\n"
        "### TASK-9.10: Fix the state machine tests\n\nRepair them.\n\n"
        "### TASK-9.10 Success Criteria\n\n- All tests pass\n\n"
        "**[x]** **TASK-9.3:** Bench harness\n\n- **Subtasks Completed:**\n"
        "  - **[x]** **SUBTASK-9.3.1:** Add the bench harness runner\n\n"
        "**[x]** **`[SUBTASK-9.3.1]`** **Bench Harness Runner**\n",
        "docs/stories/4.9_Story.md",
        Config(),
    )
    assert [(r.id, r.location.line) for r in doc.requirements] == [
        ("Story 4.9", 1),
        ("TASK-9.5", 10),
        ("TASK-9.7", 18),
        ("TASK-9.10", 22),
        ("TASK-9.3", 30),
        ("SUBTASK-9.3.1", 35),
    ]
    assert [(i, loc.line) for i, loc in doc.duplicate_ids] == [("TASK-9.5", 14)]


def test_a_step_an_item_numbers_by_a_label_of_its_own_is_recorded_with_its_item() -> None:
    """``[x] [16c] Add adaptive search`` under SUBTASK-6.1.2.3 is that subtask's step 16c; a
    bare list number, a footnote or a label in running text is no step label."""
    doc = parse_spec(
        "# Story 6.1: Homing\n\n## Tasks\n\n"
        "- **[x]** **SUBTASK-6.1.2.3:** Enhanced course correction\n"
        "  - **[x]** **[16a]** Replace the gradient calculation\n"
        "  - **[x]** **[16c]** Add adaptive search patterns\n"
        "    - **[x]** **[16c-3]** Add S-turn pattern optimization\n"
        "  - [3] A footnote-like number\n"
        "  - Step [16d] named in running text\n",
        "docs/stories/6.1_Story.md",
        Config(),
    )
    key = "docs/stories/6.1_Story.md::SUBTASK-6.1.2.3"
    assert doc.step_labels == (("16a", key), ("16c", key), ("16c-3", key))


def test_an_item_written_again_word_for_word_is_one_item_not_a_duplicate() -> None:
    """A "Quality Checklist" that repeats the task list restates its tasks; an id written
    twice with different words is still two items with one id (TA005)."""
    doc = parse_spec(
        "# Tasks\n\n## Phase 6: Dashboard\n\n"
        "- [x] T084 Display total ideas count\n"
        "- [x] T085 Show ideas by stage counts\n\n"
        "## Quality Checklist\n\n"
        "- [x] T084 Display total ideas count\n"
        "- [x] T085 Show ideas grouped by priority\n",
        "specs/001-frontend/tasks.md",
        Config(),
    )
    assert [(r.id, r.location.line) for r in doc.requirements] == [("T084", 5), ("T085", 6)]
    assert [(i, loc.line) for i, loc in doc.duplicate_ids] == [("T085", 11)]


def test_a_table_row_of_several_paths_and_methods_declares_each_path_with_any_of_them() -> None:
    doc = parse(
        """
        # PRD

        ## API

        ### API Overview

        - **Base Path:** `/api/v1alpha1`

        ### Endpoint Specification

        | Category | Endpoints | Methods |
        |----------|-----------|---------|
        | Server | `/server/start`, `/server/status` | POST, GET |
        | Metrics | `/metrics` | GET (no auth, POST-MVP) |
        """
    )
    # the overview's base reaches the next section's table; each path of a row, with any of
    # its methods; "POST-MVP" is no method
    any_method, base = ("any-method", "base:/api/v1alpha1"), ("base:/api/v1alpha1",)
    assert [(e.method, e.path, e.location.line, e.hints) for e in doc.endpoints] == [
        ("GET", "/server/start", 13, any_method),
        ("GET", "/server/status", 13, any_method),
        ("POST", "/server/start", 13, any_method),
        ("POST", "/server/status", 13, any_method),
        ("GET", "/metrics", 14, base),
    ]
