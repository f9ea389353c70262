"""A file's role from its name and place and its content; sections that record work;
mentions (ranges, cross-references, quoted requests, restated stories) are not definitions."""

from __future__ import annotations

from textwrap import dedent

import pytest

from tests.specs.support import eps, parse, reqs
from traceaudit.model import Config, Location, ReqKind, Requirement, SpecDoc
from traceaudit.specs.markdown import parse_spec
from traceaudit.specs.roles import document_role, section_kinds
from traceaudit.specs.settle import same_title, settle_definitions


def role(path: str, text: str = "") -> str:
    return document_role(path, dedent(text).lstrip("\n")).kind


STATUS_REPORT = """
    # Phase 2 Foundational Tasks (T007-T010) - Implementation Summary

    **Date**: 2026-02-06
    **Status**: ✅ COMPLETED

    ## Tasks Completed

    - [X] **T007**: Configured the database connection ✅
    - [X] **T008**: Created the tables ✅

    ## Files Created

    - backend/src/database.py
    """


def test_a_status_report_is_a_report_by_its_content_under_any_name() -> None:
    assert role("specs/001-todo/implementation-summary-T007-T010.md", STATUS_REPORT) == "report"
    assert role("specs/001-todo/notes-from-tuesday.md", STATUS_REPORT) == "report"


def test_a_feature_named_with_a_report_word_is_still_a_spec() -> None:
    spec = """
        # Epic 2: CV Analysis

        ## Story 2.1: Analyse a CV

        **Acceptance Criteria:**

        1. The system MUST score the CV from 0 to 100.
        2. The system MUST list the missing skills.
        """
    assert role("docs/prd/2-cv-analysis-epic.md", spec) == "spec"
    fix = "# Fix login\n\n- **FR-001**: System MUST log in.\n"
    assert role("specs/004-fix-login/spec.md", fix) == "spec"
    assert role("specs/003-order-status/spec.md", spec) == "spec"


def test_name_and_title_of_a_report_together_decide() -> None:
    text = "# Intelligent Profit Protection System - Spec Complete ✅\n\nThe spec is ready.\n"
    assert role(".kiro/specs/profit/SPEC_COMPLETE.md", text) == "report"
    assert role(".kiro/specs/profit/overview.md", text) == "spec"  # one signal is not enough


def test_manual_testing_guides_are_reports() -> None:
    guide = """
        # Testing & Validation Guide: Todo App

        ## T155: End-to-End User Journeys

        **Test Steps**:
        1. Register a new account
        **Expected Result**: the dashboard opens.

        **✅ PASS** | **❌ FAIL**
        """
    assert role("specs/002-ui/TESTING_VALIDATION_GUIDE.md", guide) == "report"


def test_prompt_history_records_are_records_even_with_unclosed_front_matter() -> None:
    record = """
        ---
        id: 007
        title: Phase 4 Testing Complete
        stage: phase4
        model: claude-sonnet-4-5
        command: sp.implement finish phase 4
        files_created:
          - frontend/tests/unit/auth.test.ts
        """
    assert role("specs/004-x/history/prompts/007-phase4.prompt.md", record) == "record"
    chat = "# Session\n\n## Prompt\n\nDo T001.\n\n## Response snapshot\n\n- **T001**: done\n"
    assert role("specs/004-x/session.md", chat) == "record"


def test_retired_folders_hold_reports_and_tasks_files_stay_tasks() -> None:
    spec = "# Old API\n\n- **FR-001**: System MUST export CSV.\n"
    assert role("docs/obsolete/SYSTEM_FLOW_DIAGRAM.md", spec) == "report"
    assert role("specs/archive/v0.md", spec) == "report"
    retrospective = (
        "# Tasks (Retrospective)\n\n**Status**: ✅ ALL TASKS COMPLETED\n\n- [x] T001 Setup\n"
    )
    assert role("specs/002-api/tasks.md", retrospective) == "tasks"


def test_unfilled_templates_and_agent_commands_define_nothing() -> None:
    text = '# Feature Specification: [FEATURE NAME]\n\n**Input**: User description: "$ARGUMENTS"\n'
    assert role("specs/005-demo/spec.md", text) == "template"
    assert role(".specify/extensions/git/commands/speckit.git.feature.md", text) == "template"


def test_a_story_file_named_after_a_template_it_builds_is_a_story_file() -> None:
    story = "# Story 6.1: ConfigInitService and Template\n\nStatus: done\n"
    path = "_bmad-output/implementation-artifacts/6-1-config-init-service-and-template.md"
    assert role(path, story) == "spec"
    assert role("docs/story-template.md", "# Story {{epic_num}}.{{story_num}}: {{title}}\n") == (
        "template"
    )


def test_constitutions_are_conventions_by_name_or_content() -> None:
    body = """
        # Project Charter

        ## Core Principles

        ### I. Tests first

        ## Governance

        **Version**: 1.0.0 | **Ratified**: 2025-11-02
        """
    assert role(".specify/memory/constitution.md") == "conventions"
    assert role("docs/charter.md", body) == "conventions"
    assert role("specs/001-x/plan.md", "# Implementation Plan\n") == "plan"


def test_reports_and_notes_declare_nothing_but_their_mentions_document() -> None:
    doc = parse_spec(dedent(STATUS_REPORT).lstrip("\n") + "\n- `GET /api/tasks/stats` ✅\n",
                     "specs/001-todo/implementation-summary.md", Config())  # fmt: skip
    assert (doc.role, doc.requirements, doc.endpoints) == ("report", (), ())
    assert [(e.method, e.path) for e in doc.mentions] == [("GET", "/api/tasks/stats")]
    assert doc.mentioned_ids == ("T007", "T008")


def test_conventions_declare_only_their_endpoint_tables() -> None:
    text = """
        # Constitution

        ## API design

        Collections are read with `GET /api/{resource}`, e.g. `DELETE /api/widgets/{id}`.

        ### Full Route Table

        | Method | Path | Auth |
        |--------|------|------|
        | POST | /api/v1/auth/refresh | JWT |
        """
    doc = parse_spec(dedent(text).lstrip("\n"), ".specify/memory/constitution.md", Config())
    assert [(e.method, e.path) for e in doc.endpoints] == [("POST", "/api/v1/auth/refresh")]
    assert {(e.method, e.path) for e in doc.mentions} == {
        ("GET", "/api/{resource}"), ("DELETE", "/api/widgets/{id}"),
    }  # fmt: skip


# -- sections that record work ------------------------------------------------


def kinds(*titles: tuple[int, str], bodies: dict[int, str] | None = None) -> list[str]:
    levels = [lvl for lvl, _ in titles]
    parents: list[int | None] = []
    for k, lvl in enumerate(levels):
        parents.append(next((j for j in range(k - 1, -1, -1) if levels[j] < lvl), None))
    text = [(bodies or {}).get(k, "") for k in range(len(titles))]
    return section_kinds([t for _, t in titles], levels, parents, text)


def test_bmad_story_tail_sections_are_records() -> None:
    assert kinds(
        (1, "Story 2.3: Advanced Crawl Control"), (2, "Acceptance Criteria"), (2, "Dev Notes"),
        (3, "Testing Standards"), (2, "Change Log"), (2, "Dev Agent Record"),
        (3, "Completion Notes List"), (2, "QA Results"), (3, "Review Date: 2025-10-02"),
        (1, "Story 8.2: Voice Interaction - Progress Summary"),
        (1, "What's Already Complete ✅"), (1, "What We Need to Build 🚧"),
        # a test report's check of an item defined elsewhere
        (2, "Performance Testing"), (3, "NFR-01 Compliance Validation"),
    ) == ["", "", "restating", "restating", "record", "record", "record", "record", "record",
          "record", "record", "", "", "record"]  # fmt: skip


def test_an_item_that_asks_for_a_status_update_is_no_record() -> None:
    # the title names a record, the section specifies: a user story, criteria of its own
    assert kinds(
        (2, "Requirement 5: Profile Completion Status Update"), (4, "Acceptance Criteria"),
        (2, "Requirement 6: Implementation Summary"),
        (2, "Story 8.2: Voice - Progress Summary"),
        (2, "QA Results"), (3, "Acceptance Criteria Validation"),
        bodies={
            0: "**User Story:** As a developer, I want the status to reflect the new flow",
            2: "As an auditor, I need a summary of each implementation run.",
            3: "Done: the voice flow. Left: the summary screen.",
        },
    ) == ["", "", "", "record", "record", "record"]


def test_a_summary_of_the_previous_story_is_a_record() -> None:
    # BMAD's "Dev Notes > Previous Story Insights": what an earlier story built
    # ("GET/POST/PUT/DELETE /api/llm-providers"), not this story's declarations
    assert kinds(
        (1, "Story 5.2: Agent Framework"), (2, "Dev Notes"), (3, "Previous Story Insights"),
        (3, "Learnings from Previous Story"), (3, "API Specifications"),
        (2, "Previous Story Requirements"),
    ) == ["", "restating", "record", "record", "restating", ""]  # fmt: skip


def test_a_risk_register_is_a_record_and_a_risk_feature_is_not() -> None:
    assert kinds((2, "Risk Assessment and Mitigation"), (2, "Risk scoring"),
                 bodies={0: "R2: ... Mitigation: poll less", 1: "FR-009: score each login"}) == [
        "record", "",
    ]  # fmt: skip


def test_a_risk_register_with_one_subsection_per_risk_is_a_record() -> None:
    # BMAD's QA risk profile: "## Detailed Risk Analysis" over one "### OPS-001: ..."
    # section per risk, each with its mitigation under a label of its own.
    assert kinds(
        (1, "Risk Profile: Story 5.3"), (2, "Executive Summary"), (2, "Detailed Risk Analysis"),
        (3, "OPS-001: Migration Ordering Conflicts"), (3, "DATA-001: Rollback With Data"),
        bodies={3: "**Mitigation Strategy:** Preventive", 4: "Mitigation: back up first"},
    ) == ["", "", "record", "record", "record"]  # fmt: skip


def test_a_risk_feature_whose_sentences_mitigate_is_not_a_register() -> None:
    assert kinds(
        (1, "Risk Management"), (2, "Requirement 1: Position Limits"),
        (3, "Acceptance Criteria"), (2, "Requirement 2: Drawdown"), (3, "Acceptance Criteria"),
        bodies={2: "1. WHEN exposure passes 5% THEN the system SHALL reject the order",
                4: "1. THE system SHALL mitigate a drawdown by halving position sizes"},
    ) == ["", "", "", "", ""]  # fmt: skip
    # one of two subsections with a mitigation is not most of them
    assert kinds(
        (2, "Risk Limits"), (3, "Acceptance Criteria"), (3, "Notes"),
        bodies={1: "1. THE system SHALL cap exposure", 2: "Mitigation: the trader's job"},
    ) == ["", "", ""]  # fmt: skip


def test_a_title_never_restates_and_feature_names_are_not_sections() -> None:
    titles = ((1, "Notes"), (2, "Functional Requirements"), (2, "Search Results"))
    assert kinds(*titles) == ["", "", ""]


def test_ids_in_record_and_restating_sections_are_mentions() -> None:
    doc = parse(
        """
        # Story 2.3: Crawl control

        ## Acceptance Criteria

        1. The crawl honours the period.

        ## Tasks / Subtasks

        - [ ] Task 1: Pass the period (AC: #1)

        ## Dev Notes

        ### Testing Standards

        - AC1: Verify the period parameter is passed.

        ## QA Results

        - AC1: ✓ Enhanced
        - TEST-001 (HIGH): Implemented unit tests
        - [ ] **Task 1 incomplete**: manual testing
        """
    )
    assert reqs(doc) == [
        ("Story 2.3", "story", 1), ("2.3.1", "criterion", 5), ("Task 1", "task", 9),
    ]  # fmt: skip
    assert doc.duplicate_ids == ()
    assert set(doc.mentioned_ids) >= {"AC1", "TEST-001"}


# -- mentions inside a specification ------------------------------------------


def test_range_headings_and_cross_references_define_nothing() -> None:
    doc = parse(
        """
        # Tasks

        ### T013-T020: Configuration

        - [ ] T013 Create config module

        ### FR-001 – FR-004: Accounts

        - **FR-003** (see spec.md): login
        - FR-004: see the auth spec for login
        - **FR-005**: System MUST log in users.
        """
    )
    assert reqs(doc) == [("T013", "task", 5), ("FR-005", "requirement", 11)]


def test_the_quoted_user_request_is_not_the_spec() -> None:
    doc = parse(
        """
        # Feature Specification: Todo API

        **Input**: User description: "Build a todo API.
        FR-001: users add todos with POST /api/todo-items

        - GET /api/everything lists them"

        ## Requirements

        - **FR-001**: System MUST let users add todos (`POST /api/todos`).
        """
    )
    assert reqs(doc) == [("FR-001", "requirement", 10)]
    assert eps(doc) == [("POST", "/api/todos", 10, "inline")]


def test_a_restarted_list_under_criteria_is_not_more_criteria() -> None:
    doc = parse(
        """
        # Story 13.4: Export

        ## Acceptance Criteria

        1. The user can export notes as Markdown:
           1. one file per note
        2. The export keeps the note's tags.

        The export runs in these steps:

        1. collect the notes
        2. render them
        """
    )
    assert reqs(doc) == [("Story 13.4", "story", 1), ("13.4.1", "criterion", 5),
                         ("13.4.2", "criterion", 7)]  # fmt: skip
    assert doc.duplicate_ids == ()


def test_group_headings_of_a_task_list_define_no_story() -> None:
    doc = parse_spec(
        dedent(
            """
            # Tasks

            ### User Story 1 (Frontend) - 5 Parallel Tasks

            - [x] T001 [US1] Create the login page

            ### User Story 1 Success Criteria

            - [ ] T002 [US1] Check the login flow
            """
        ).lstrip("\n"),
        "specs/004-auth/tasks.md",
        Config(),
    )
    assert [r.id for r in doc.requirements] == ["T001", "T002"]
    assert doc.duplicate_ids == ()


# -- one story, several files -------------------------------------------------


def story(path: str, ident: str, title: str, line: int, parent: str | None = None,
          kind: ReqKind = ReqKind.STORY) -> Requirement:  # fmt: skip
    return Requirement(f"{path}::{ident}", ident, title, "", kind, path, Location(path, line),
                       (), "", parent_key=parent)  # fmt: skip


def doc(path: str, *items: Requirement, first: int = 1) -> SpecDoc:
    from traceaudit.model import Section

    section = Section("t", "t", 1, Location(path, first), ("t",))
    return SpecDoc(path, "t", (section,), items, ())


def test_a_story_in_its_epic_and_its_own_file_is_defined_by_its_file() -> None:
    epic = doc("docs/epics.md", story("docs/epics.md", "Story 5.7", "Enhanced Scoring", 40),
               story("docs/epics.md", "5.7.1", "Score", 44, "docs/epics.md::Story 5.7",
                     ReqKind.CRITERION))  # fmt: skip
    own = "docs/stories/5.7.story.md"
    mine = doc(own, story(own, "Story 5.7", "Implement Enhanced Scoring", 1),
               story(own, "5.7.1", "Score", 5, f"{own}::Story 5.7", ReqKind.CRITERION))
    settled = settle_definitions([epic, mine])
    assert [r.key for d in settled for r in d.requirements] == [
        f"{own}::Story 5.7", f"{own}::5.7.1",
    ]  # fmt: skip
    assert settled[0].mentioned_ids == ("5.7.1", "Story 5.7")


def test_the_same_number_with_other_titles_stays_ambiguous() -> None:
    a = doc("docs/prd/5-epic.md", story("docs/prd/5-epic.md", "Story 5.3", "Schema Update", 9))
    b = doc("out/epics.md", story("out/epics.md", "Story 5.3", "Conversation List", 30))
    assert settle_definitions([a, b]) == (a, b)


@pytest.mark.parametrize(
    ("x", "y", "same"),
    [
        ("Enhanced Scoring and Job Match Score", "Implement Enhanced Scoring and Job Match Score",
         True),
        ("Database Schema & API Response Update", "Conversation List & History", False),
        ("", "Anything", False),
    ],
)  # fmt: skip
def test_same_title(x: str, y: str, same: bool) -> None:
    assert same_title(x, y) is same


@pytest.mark.parametrize(
    "path",
    ["specs/001-triage/quickstart-milestone-2.md", "specs/auth/research_oauth.md",
     "docs/Quick-Start.md", "specs/002-x/getting-started.md"],
)  # fmt: skip
def test_notes_are_known_by_the_word_their_name_opens_with(path: str) -> None:
    assert role(path, "# Notes\n\n### POST /api/v1/triage\n") == "notes"


def test_a_name_that_only_contains_a_notes_word_is_not_notes() -> None:
    assert role("specs/003-research-portal/spec.md", "# Research portal\n") != "notes"


def test_a_bare_number_in_a_checklist_is_not_a_task_number() -> None:
    text = """
        # Tasks

        - [ ] 1. Set up the triage service
        - [x] 2.1 Write the intent classifier
        - [ ] 1000 concurrent students
        - [ ] 404 when the student does not exist
        - [x] 3: Wire the router
        """
    assert [r[0] for r in reqs(parse(text))] == ["1", "2.1", "3"]


def test_a_bracketed_task_number_is_a_task_and_a_table_rows_id_is_known() -> None:
    text = """
        # Tasks

        - [x] **[1.6]** Create main API routes (POST /api/v1/triage)

        | ID | Level | Test |
        |----|-------|------|
        | CV-E2E-003 | E2E | **Extracted skills match the CV** |
        """
    doc = parse(text)
    assert [r[0] for r in reqs(doc)] == ["1.6"]
    assert doc.mentioned_ids == ("CV-E2E-003",)


COVERAGE_LIST = """
    # cc-sdd Coverage — cicd-pipeline

    ## Requirements Covered
    - 1
    - 5.1
    - CI-REQ-010
    - CI-REQ-011
    - 1.1–1.5 (config infrastructure, schema) — partial

    ## Notes
    - Coverage derived from the tasks' requirement annotations.
    """
MAPPING_TABLE = """
    # Requirements Traceability Matrix: CV Analysis

    | Requirement ID | Spec Section | Artifact/Code |
    | --- | --- | --- |
    | MCP-REQ-001 | requirements.md | backend/mcp/manager.py |
    | MCP-REQ-002 | requirements.md | backend/mcp/config.py |
    | MCP-REQ-003 | design.md | backend/mcp/router.py |
    """


def test_a_coverage_report_is_a_report_by_its_name_and_its_listing() -> None:
    """Named, titled or filed as coverage/traceability/mapping, and a listing of ids with
    their coverage that states no requirement: a report on work, not a spec."""
    assert role(".kiro/specs/traceability/cicd-pipeline.coverage.md", COVERAGE_LIST) == "report"
    assert role("docs/qa/cv-analysis-trace-matrix.md", MAPPING_TABLE) == "report"
    assert role("specs/traceability/notes.md", COVERAGE_LIST) == "report"  # by its folder
    # the same listing under another name and place is not taken for a report
    plain = COVERAGE_LIST.replace("Coverage", "Pipeline").replace("Covered", "Listed")
    assert role("specs/001-ci/requirements-list.md", plain) == "spec"


def test_a_coverage_named_spec_that_states_requirements_is_a_spec() -> None:
    feature = """
        # Requirements Document: Policy Coverage

        ### Requirement 1: Coverage summary

        #### Acceptance Criteria

        1. WHEN a holder asks for the summary THEN the system SHALL return the covered perils.
        """
    assert role(".kiro/specs/policy-coverage/coverage.md", feature) == "spec"
    bare = """
        # Coverage

        - CV-1: Fire damage
        - CV-2: Theft
        - CV-3: Flood
        """
    assert role("docs/coverage.md", bare) == "spec"  # ids and labels, no status: a list of perils


def test_a_coverage_reports_ids_are_mentions_not_definitions() -> None:
    text = dedent(COVERAGE_LIST + "    - CI-REQ-010 (again) — done\n").lstrip("\n")
    doc = parse_spec(text, ".kiro/specs/traceability/cicd.coverage.md", Config())
    assert doc.requirements == ()
    assert {"CI-REQ-010", "CI-REQ-011"} <= set(doc.mentioned_ids)


def test_placeholders_in_code_spans_are_mentions_not_blanks() -> None:
    """A requirements file about a template engine names `{{variable}}` syntax in code
    spans: it specifies, it is not a template left to fill."""
    spec = (
        "# Requirements Document\n\n### Requirement 7: Rendering\n\n#### Acceptance Criteria\n\n"
        "1. WHEN rendering, THE Engine SHALL substitute all `{{variable}}` placeholders.\n"
        "2. WHEN publishing, THE Engine SHALL reject an unknown `{{variable}}`.\n"
        "3. WHEN inviting, THE System SHALL populate `{{form.link}}` with the URL.\n"
    )
    assert role(".kiro/specs/leads/requirements.md", spec) == "spec"
    blanks = "# {{project_name}} PRD\n\nOwner: {{owner}}\n\n## {{epic_title}}\n"
    assert role("docs/prd.md", blanks) == "template"


def req(path: str, ident: str, title: str, line: int, parent: str | None = None) -> Requirement:
    return story(path, ident, title, line, parent, ReqKind.REQUIREMENT)


def test_a_document_and_its_shards_define_each_requirement_once() -> None:
    """BMAD shards docs/prd.md into docs/prd/*.md: FR9 in both is one requirement (the
    whole document's), even where one copy was edited since; a number reused for
    another sense stays ambiguous."""
    whole = doc("docs/prd.md",
                req("docs/prd.md", "FR1", "The system shall detect RF beacons at 500m range "
                    "with >12 dB SNR using HackRF One SDR", 30),
                req("docs/prd.md", "FR2", "The system shall log every flight", 31))  # fmt: skip
    shard_path = "docs/prd/requirements.md"
    shard = doc(shard_path,
                req(shard_path, "FR1", "The system shall detect RF beacons at 500m range "
                    "with >12 dB SNR", 5),
                req(shard_path, "FR2", "Operators export telemetry as CSV", 6))  # fmt: skip
    settled = settle_definitions([whole, shard])
    assert [r.id for r in settled[0].requirements] == ["FR1", "FR2"]
    assert [r.id for r in settled[1].requirements] == ["FR2"]
    assert settled[1].mentioned_ids == ("FR1",)
    # the same two files side by side, not one cut from the other: both stay
    other = doc("docs/prd-v2.md", *shard.requirements)
    assert settle_definitions([whole, other]) == (whole, other)


def test_a_story_file_restating_the_prd_requirements_mentions_them() -> None:
    """A story's "Existing Performance Standards" list the PRD's NFRs again for the
    developer: the PRD defines them, the story only mentions them; its own subtasks stay."""
    prd = doc("docs/prd.md", req("docs/prd.md", "NFR2", "Signal processing latency shall not "
                                 "exceed 100ms per RSSI computation cycle", 51))  # fmt: skip
    own = "docs/stories/5.6_Story.md"
    key = f"{own}::Story 5.6"
    mine = doc(own, story(own, "Story 5.6", "Performance Optimization", 1),
               req(own, "SUBTASK-5.6.2.1", "Optimize memory usage", 41, key),
               req(own, "NFR2", "Signal processing latency <100ms per RSSI computation cycle",
                   220, key))  # fmt: skip
    settled = settle_definitions([prd, mine])
    assert [r.id for r in settled[1].requirements] == ["Story 5.6", "SUBTASK-5.6.2.1"]
    assert settled[1].mentioned_ids == ("NFR2",)
    # a story's own requirement with another sense than the PRD's stays the story's
    mine2 = doc(own, story(own, "Story 5.6", "Performance Optimization", 1),
                req(own, "NFR2", "Operators see a battery warning", 220, key))  # fmt: skip
    assert settle_definitions([prd, mine2]) == (prd, mine2)


def test_a_story_file_stays_a_story_file_however_done() -> None:
    """A BMAD story file records its progress; its first heading still names its story."""
    done = (
        "# Story 1.1: Project Setup\n\n## ✅ COMPLETED WORK\n\n"
        "**✅ STORY STATUS: FULLY COMPLETE**\n\n**Status:** ✅ **FULLY COMPLETE**\n\n"
        "- **Test Coverage**: 28 tests ✅ **100% Pass Rate**\n- Implemented the logger ✅\n"
        "- Fixed the config loader ✅\n\n## Test Results\n\nPASS\n"
    )
    assert document_role("docs/stories/1.1_Story.md", done).kind == "spec"
    titled = "# Epic 3: Precision Homing - Story 3.5: Telemetry\n\n" + done.split("\n", 1)[1]
    assert document_role("docs/stories/3.5_Story.md", titled).kind == "spec"
    assert document_role("docs/notes/summary.md", "# Weekly summary\n" + done).kind == "report"


def test_a_story_file_restates_the_requirements_it_lists_and_its_agent_brief() -> None:
    """``# STORY-005: ...`` is a story (its id says so). The requirement criteria it lists
    again are the requirements document's (mentions, with a ``lists`` link from the story
    to each), and the brief it hands a coding agent restates its own criteria."""
    reqdoc = parse_at(
        "docs/requirements/functional-requirements.md",
        """
        # Functional Requirements

        ## FR-01: Document Upload

        ### Acceptance Criteria
        - FR-01-AC-1: An upload returns 202 with a job id
        - FR-01-AC-2: A duplicate file returns 409
        """
    )
    story_doc = parse_at(
        "docs/stories/STORY-005.md",
        """
        # STORY-005: File Upload Endpoint

        ## Functional Requirements
        - FR-01-AC-1: An upload returns 202 with a job id
        - FR-01-AC-2: A duplicate file returns 409

        ## Acceptance Criteria
        - [ ] AC-1: The upload endpoint returns 202

        ## Frontend Agent Brief (for the web session)

        AC-1: the upload endpoint returns 202
        """,
    )
    assert reqs(story_doc)[0] == ("STORY-005", "story", 1)
    assert story_doc.duplicate_ids == ()
    _, settled = settle_definitions([reqdoc, story_doc])
    assert reqs(settled) == [("STORY-005", "story", 1), ("AC-1", "requirement", 8)]
    assert [(k.source_key, k.target.spec, k.target.value, k.relation) for k in settled.links
            if k.relation == "lists"] == [
        ("docs/stories/STORY-005.md::STORY-005", "docs/requirements/functional-requirements.md",
         f"FR-01-AC-{n}", "lists")
        for n in (1, 2)
    ]  # fmt: skip


def parse_at(path: str, markdown: str) -> SpecDoc:
    return parse_spec(dedent(markdown).lstrip("\n"), path, Config())


def test_a_readmes_summary_of_the_user_stories_restates_them() -> None:
    """A README's ``1. **US4 - Personalization**: Users can set experience levels ...`` sums
    up spec-kit's ``### User Story 4 - User Personalization (Priority: P4)`` in its own
    words: the spec's story is the definition, the README's line a mention; a README item
    under the same id that says something else is no restatement."""
    spec = "specs/001-rag/spec.md"
    stories = doc(spec, story(spec, "US4", "User Personalization (Priority: P4)", 58),
                  story(spec, "US5", "Offline Reading (Priority: P5)", 70))  # fmt: skip
    readme = doc("README.md", story(
        "README.md", "US4", "Personalization: Users can set experience levels and get adapted "
        "responses", 224, kind=ReqKind.REQUIREMENT,
    ), story("README.md", "US5", "Billing: invoices are sent monthly", 225,
             kind=ReqKind.REQUIREMENT))  # fmt: skip
    settled = settle_definitions([stories, readme])
    assert [r.key for d in settled for r in d.requirements] == [
        f"{spec}::US4", f"{spec}::US5", "README.md::US5",
    ]  # fmt: skip
    assert same_title("Book-Grounded Q&A (Priority: P1)", "Book-Grounded Q&A")


def test_a_wrapped_line_that_closes_a_citation_defines_nothing() -> None:
    """A list item wrapped so that a line starts with the end of its bracketed citation
    (``(FR-132,`` / ``FR-135).``; ``(from`` / ``FR-137), so ...``) cites those ids; and a
    bold lead that names several items (``**US1 and US2 are the committed core**``) defines
    none of them."""
    doc = parse(
        """
        ## Requirements

        - **FR-132**: Dataset rules MUST be configurable.
        - **FR-135**: Rules MUST warn above configurable thresholds.
        - **FR-141**: The objective MUST be the trial's logged metric (from
          FR-137), so the study optimizes toward the best candidate.
        - **FR-137**: Each trial MUST log its metric.

        ## Edge Cases

        - **Imperfect data**: all rules and their dispositions are configurable (FR-132,
          FR-135).

        ## Assumptions

        - **US1 and US2 are the committed core**; the rest follow later.
        """
    )
    assert [r.id for r in doc.requirements] == ["FR-132", "FR-135", "FR-141", "FR-137"]
    assert doc.duplicate_ids == ()
