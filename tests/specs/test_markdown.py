"""Markdown spec parsing: each test gives a spec and the exact result expected from it."""

from __future__ import annotations

from textwrap import dedent

from traceaudit.model import Config, Location, ReqKind, Scope, SpecDoc
from traceaudit.specs.markdown import file_role, parse_spec
from traceaudit.specs.scope import subjects

PATH = "specs/001-orders/spec.md"


def parse(markdown: str, config: Config | None = None) -> SpecDoc:
    return parse_spec(dedent(markdown).lstrip("\n"), PATH, config or Config())


def reqs(doc: SpecDoc) -> list[tuple[str, str, int]]:
    return [(r.id, r.kind.value, r.location.line) for r in doc.requirements]


def eps(doc: SpecDoc) -> list[tuple[str, str, int, str]]:
    return [(e.method, e.path, e.location.line, e.source) for e in doc.endpoints]


def auth(doc: SpecDoc) -> list[tuple[str, str, str | None, bool | None]]:
    return [(e.method, e.path, e.auth, e.auth_required) for e in doc.endpoints]


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
# Declared endpoints
# --------------------------------------------------------------------------


def test_heading_endpoint_becomes_a_section_requirement() -> None:
    doc = parse("## API\n\n### POST /api/v1/auth/register\n\nCreates a user.\n")
    assert eps(doc) == [("POST", "/api/v1/auth/register", 3, "heading")]
    (req,) = doc.requirements
    assert (req.key, req.id, req.kind, req.title, req.text) == (
        f"{PATH}#post-apiv1authregister",
        "post-apiv1authregister",
        ReqKind.SECTION,
        "POST /api/v1/auth/register",
        "Creates a user.",
    )
    assert doc.endpoints[0].requirement_key == req.key


def test_backticked_heading_endpoint() -> None:
    doc = parse("#### `GET /users/{id}`\n")
    assert eps(doc) == [("GET", "/users/{id}", 1, "heading")]


def test_endpoint_under_id_heading_belongs_to_it() -> None:
    doc = parse("### FR-001: POST /orders\n\nCreates an order.\n")
    assert reqs(doc) == [("FR-001", "requirement", 1)]
    assert doc.endpoints[0].requirement_key == f"{PATH}::FR-001"


def test_route_field_line_under_a_titled_heading() -> None:
    doc = parse(
        """
        ### Endpoint 1: List Tasks

        **Route**: `GET /api/{user_id}/tasks`
        **Auth**: Required (JWT)
        """
    )
    assert eps(doc) == [("GET", "/api/{user_id}/tasks", 3, "field")]
    assert auth(doc) == [("GET", "/api/{user_id}/tasks", "Required (JWT)", True)]
    assert doc.endpoints[0].requirement_key == f"{PATH}#endpoint-1-list-tasks"
    assert reqs(doc) == [("endpoint-1-list-tasks", "section", 1)]


def test_table_with_columns_in_any_order() -> None:
    doc = parse(
        """
        | Auth | Endpoint | Method |
        |------|----------|--------|
        | Yes | `/api/items` | get |
        | Public | /api/items/:id | DELETE |
        """
    )
    assert eps(doc) == [
        ("GET", "/api/items", 3, "table"),
        ("DELETE", "/api/items/{id}", 4, "table"),
    ]
    assert [(e.auth, e.auth_required) for e in doc.endpoints] == [("Yes", True), ("Public", False)]


def test_table_with_method_inside_the_path_cell() -> None:
    doc = parse("| Route | Description |\n|---|---|\n| `GET /api/items` | list |\n")
    assert eps(doc) == [("GET", "/api/items", 3, "table")]


def test_table_without_methods_is_ignored() -> None:
    doc = parse("| Path | Description |\n|---|---|\n| /api/items | list |\n| /health | ok |\n")
    assert doc.endpoints == ()


def test_bullet_forms() -> None:
    doc = parse(
        """
        - `GET /api/items` — list items
        - GET `/api/items/{id}` returns one item
        - **POST** `/api/x`
        - **`/api/v1/users/` (PUT):** update
        - The client may call GET /api/other later
        """
    )
    assert eps(doc) == [
        ("GET", "/api/items", 1, "bullet"),
        ("GET", "/api/items/{id}", 2, "bullet"),
        ("POST", "/api/x", 3, "bullet"),
        ("PUT", "/api/v1/users/", 4, "bullet"),
    ]


def test_endpoint_field_line_in_a_paragraph() -> None:
    doc = parse("**Endpoint**: `GET /x`\n\nEndpoint: POST /y.\n")
    assert eps(doc) == [("GET", "/x", 1, "field"), ("POST", "/y", 3, "field")]


def test_code_span_endpoint_inside_a_requirement() -> None:
    doc = parse("- **FR-001**: System MUST accept orders at `POST /api/orders`.\n")
    assert eps(doc) == [("POST", "/api/orders", 1, "inline")]
    assert doc.endpoints[0].requirement_key == f"{PATH}::FR-001"


def test_fenced_block_lines_that_start_with_a_method() -> None:
    doc = parse(
        """
        ```
        POST /api/stocks - 新增股票
        WS /ws/stocks/{symbol}
        see GET /not/at/start
        ```
        """
    )
    assert eps(doc) == [
        ("POST", "/api/stocks", 2, "fence"),
        ("WEBSOCKET", "/ws/stocks/{symbol}", 3, "fence"),
    ]


def test_python_decorators_in_code_blocks_are_not_endpoints() -> None:
    doc = parse(
        """
        ```python
        @app.get("/x")
        def read_x(): ...
        ```
        """
    )
    assert doc.endpoints == ()


def test_http_request_line_in_an_http_fence_declares_the_path() -> None:
    doc = parse(
        """
        ```http
        GET /api/items?page=2 HTTP/1.1
        Authorization: Bearer abc

        HTTP/1.1 200 OK
        ```
        """
    )
    assert eps(doc) == [("GET", "/api/items", 2, "fence")]
    assert doc.endpoints[0].statuses == (200,)


def test_given_when_then_prose_names_an_endpoint() -> None:
    doc = parse(
        """
        1. **Given** a user, **When** I send a POST request to `/api/{user_id}/tasks`,
           **Then** the task is created
        2. **When** I send a get request to /api/lowercase
        """
    )
    assert eps(doc) == [("POST", "/api/{user_id}/tasks", 1, "prose")]


def test_paths_are_normalised() -> None:
    doc = parse(
        "- GET /api/users/:id/posts.\n- DELETE https://api.example.com/v1/items/{item_id}\n"
    )
    assert [e.path for e in doc.endpoints] == ["/api/users/{id}/posts", "/v1/items/{item_id}"]


def test_lowercase_method_words_are_not_endpoints() -> None:
    doc = parse("- get /api/items when the page loads\n- POSTGRES /data is used\n")
    assert doc.endpoints == ()


def test_same_endpoint_mentioned_inside_its_heading_is_declared_once() -> None:
    doc = parse("### POST /users\n\nCall `POST /users` with a JSON body.\n")
    assert eps(doc) == [("POST", "/users", 1, "heading")]


def test_auth_parenthetical_beside_an_endpoint() -> None:
    doc = parse(
        """
        - `GET /health` (no auth required)
        - `GET /me` (requires auth)
        - `GET /docs` (public)
        - `GET /items` (paginated)
        """
    )
    assert [(e.path, e.auth_required) for e in doc.endpoints] == [
        ("/health", False),
        ("/me", True),
        ("/docs", False),
        ("/items", None),
    ]


def test_auth_field_lines_apply_to_the_endpoint_of_their_section() -> None:
    doc = parse(
        """
        ### POST /api/login

        Auth: Public

        ### GET /api/me

        - **Authentication**: Bearer token
        """
    )
    assert auth(doc) == [
        ("POST", "/api/login", "Public", False),
        ("GET", "/api/me", "Bearer token", True),
    ]


def test_section_auth_statement_with_except_clause() -> None:
    doc = parse(
        """
        ## Endpoints

        All endpoints require a JWT bearer token except `/health` and `POST /auth/login`.

        - `GET /items`
        - `GET /health`
        - `POST /auth/login`

        ## Other

        - `GET /elsewhere`
        """
    )
    assert [(e.path, e.auth_required) for e in doc.endpoints] == [
        ("/items", True),
        ("/health", False),
        ("/auth/login", False),
        ("/elsewhere", None),
    ]


def test_statement_in_an_authentication_section_applies_to_the_whole_file() -> None:
    doc = parse("# API\n\n## Authentication\n\nAll API endpoints require a bearer token.\n\n"
                "## Items\n\n- `GET /items`\n")  # fmt: skip
    assert [(e.path, e.auth_required) for e in doc.endpoints] == [("/items", True)]


def test_require_statement_skips_credential_endpoints_and_plain_mentions() -> None:
    doc = parse(
        """
        ## API

        All endpoints require a bearer token.

        - `POST /auth/login`
        - `GET /orders`

        ## Docs

        All endpoints are described in the authentication guide.

        - `GET /reports`
        """
    )
    assert [(e.path, e.auth_required) for e in doc.endpoints] == [
        ("/auth/login", None),
        ("/orders", True),
        ("/reports", None),
    ]


def test_except_clause_without_paths_is_not_guessed() -> None:
    doc = parse("All endpoints require a JWT except the health check.\n\n- `GET /items`\n")
    assert [(e.auth, e.auth_required) for e in doc.endpoints] == [(None, None)]


def test_statuses_from_an_error_table_and_bullets() -> None:
    doc = parse(
        """
        ### POST /api/orders

        - 401 Unauthorized if the token is missing
        - 422: invalid body
        - Returns up to 100 items

        | Code | Meaning |
        |------|---------|
        | 409 | Duplicate |
        | `404` | Not found |

        ### GET /api/other
        """
    )
    assert [(e.path, e.statuses) for e in doc.endpoints] == [
        ("/api/orders", (401, 404, 409, 422)),
        ("/api/other", ()),
    ]


def test_bmad_response_field_under_a_bold_endpoint_bullet() -> None:
    doc = parse(
        """
        *   **`PUT /api/v1/users/me/profile`**
            *   **Response:** `200 OK` or `400 Bad Request`
        *   **`GET /api/v1/users/me`**
        """
    )
    assert [(e.path, e.statuses) for e in doc.endpoints] == [
        ("/api/v1/users/me/profile", (200, 400)),
        ("/api/v1/users/me", ()),
    ]


def test_endpoint_outside_any_requirement_has_no_key() -> None:
    doc = parse("## API\n\n| Method | Path |\n|---|---|\n| GET | /a |\n")
    assert [e.requirement_key for e in doc.endpoints] == [None]
    assert doc.requirements == ()


def test_response_labels_and_a_field_line_inside_a_list() -> None:
    doc = parse(
        """
        ### Endpoint 2: Create Task

        **Route**: `POST /api/{user_id}/tasks`

        **Response 201**:
        **Response 422**: validation failed

        ### Observability

        - **Health Check**: `GET /health` endpoint (no auth required)
        """
    )
    assert [(e.path, e.source, e.statuses, e.auth_required) for e in doc.endpoints] == [
        ("/api/{user_id}/tasks", "field", (201, 422), None),
        ("/health", "field", (), False),
    ]


def test_code_span_mention_of_an_endpoint_declared_elsewhere_is_dropped() -> None:
    doc = parse(
        """
        Clients start with `POST /auth/login`.

        | Method | Path |
        |---|---|
        | POST | /auth/login |
        """
    )
    assert eps(doc) == [("POST", "/auth/login", 5, "table")]


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


# --------------------------------------------------------------------------
# Scope: not backend (spec_scope)
# --------------------------------------------------------------------------


def scopes(doc: SpecDoc) -> dict[str, str]:
    return {r.id: r.scope.value for r in doc.requirements}


def test_subjects_of_ears_and_modal_sentences() -> None:
    assert subjects("WHEN an Agent is created, THE API_Layer SHALL encrypt it") == ["API_Layer"]
    assert subjects("WHEN 用戶輸入代號 THEN 系統 SHALL 新增") == ["系統"]
    assert subjects("IF the token is invalid THEN the system SHALL return 401") == ["system"]
    assert subjects("THE `BuyerFormTab` SHALL render the form") == ["BuyerFormTab"]
    assert subjects("The UI MUST be responsive") == ["UI"]
    assert subjects("Users MUST be able to filter tasks") == ["Users"]
    # no clear subject: too long, or no modal verb at all
    assert subjects("When the user, having logged in on any of the devices, saves SHALL x") == []
    assert subjects("Orders are listed newest first") == []


def test_glossary_defines_which_kiro_subjects_are_ui() -> None:
    doc = parse(
        """
        ## Glossary

        - **API_Layer**: The FastAPI-based REST API backend service
        - **Web_UI**: The React frontend application used by traders
        - **Report_Panel**: The backend service that renders PDF reports
        - **SimulationTab**: The admin panel tab that simulates scoring

        ### Requirement 1: Watchlist

        #### Acceptance Criteria

        1. WHEN a user adds a symbol, THE API_Layer SHALL store it
        2. THE Web_UI SHALL show the watchlist sorted by symbol
        3. THE Report_Panel SHALL render a PDF of the watchlist
        4. THE SimulationTab SHALL show the simulated score
        5. WHEN a user submits answers in the SimulationTab, THE API_Layer SHALL score them
        """
    )
    assert scopes(doc) == {
        "Requirement 1": "in-scope",
        "1.1": "in-scope",
        "1.2": "not-backend",
        "1.3": "in-scope",  # named like a UI, defined as a backend service
        "1.4": "not-backend",
        "1.5": "in-scope",  # mentions the UI, but the API_Layer does the work
    }


def test_ui_head_nouns_without_a_glossary() -> None:
    doc = parse(
        """
        ### Requirement 1: Admin panel

        #### Acceptance Criteria

        1. THE AdminPanel SHALL list the forms
        2. THE `FormVersionEditor` SHALL preview a version
        3. WHEN the user deletes a form, THE confirmation dialog SHALL ask again
        4. THE Frontend_App SHALL keep the token in memory
        5. THE Health_Monitor SHALL record the watcher status
        6. THE System SHALL return the forms sorted by name
        7. THE HTTP_Client SHALL retry failed calls
        8. WHEN saved, THE API_Layer SHALL store the form AND THE Web_UI SHALL show a toast
        """
    )
    assert scopes(doc) == {
        "Requirement 1": "in-scope",
        "1.1": "not-backend",
        "1.2": "not-backend",
        "1.3": "not-backend",
        "1.4": "not-backend",
        "1.5": "in-scope",
        "1.6": "in-scope",
        "1.7": "in-scope",
        "1.8": "in-scope",  # one of its subjects is the backend
    }


def test_requirement_whose_criteria_are_all_ui_is_not_backend() -> None:
    doc = parse(
        """
        ### Requirement 1: Chart

        1. THE Web_UI SHALL draw a chart
        2. THE Web_UI SHALL show a tooltip

        ### Requirement 2: Prices

        1. THE Web_UI SHALL show prices
        2. THE API_Layer SHALL return prices
        """
    )
    assert scopes(doc) == {
        "Requirement 1": "not-backend",
        "1.1": "not-backend",
        "1.2": "not-backend",
        "Requirement 2": "in-scope",
        "2.1": "not-backend",
        "2.2": "in-scope",
    }


def test_configured_non_backend_subjects() -> None:
    text = """
    ### Requirement 1: Reports

    1. THE Reporting_Portal SHALL list the reports
    2. THE reporting portal SHALL sort them by date
    """
    assert scopes(parse(text))["1.1"] == "in-scope"
    config = Config(non_backend_subjects=("Reporting Portal",))
    assert scopes(parse(text, config)) == {
        "Requirement 1": "not-backend",
        "1.1": "not-backend",
        "1.2": "not-backend",
    }


def test_spec_kit_requirements_whose_subject_is_the_ui() -> None:
    doc = parse(
        """
        ### Functional Requirements

        - **FR-001**: UI MUST display messages right-aligned
        - **FR-002**: The frontend MUST keep the draft across page loads
        - **FR-003**: Widget MUST expand on click
        - **FR-004**: System MUST provide a `/signup` page with a form
        - **FR-005**: Users MUST be able to see their orders on the dashboard
        - **FR-006**: System MUST return 404 for unknown orders
        """
    )
    assert scopes(doc) == {
        "FR-001": "not-backend",
        "FR-002": "not-backend",
        "FR-003": "not-backend",
        "FR-004": "in-scope",
        "FR-005": "in-scope",
        "FR-006": "in-scope",
    }


def test_out_of_scope_wins_over_not_backend() -> None:
    doc = parse("## Out of Scope\n\n- **FR-009**: UI MUST support dark mode\n")
    assert scopes(doc) == {"FR-009": "out-of-scope"}


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
        ### Learnings from the previous story

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
        doc = parse_spec(text, "odd.md", Config())
        assert doc.error is None
        assert doc.path == "odd.md"


def test_unclosed_fence_runs_to_the_end() -> None:
    doc = parse("```\nGET /x\n\n## Not a heading\n")
    assert (eps(doc), doc.sections) == ([("GET", "/x", 2, "fence")], ())


def test_invalid_id_pattern_gives_an_error_doc() -> None:
    doc = parse("## FR-001: x\n", Config(id_pattern="(unclosed"))
    assert doc.error is not None and doc.error.startswith("cannot parse")
    assert (doc.title, doc.requirements) == ("spec", ())


def test_research_and_quickstart_notes_define_no_requirements() -> None:
    text = (
        "# Research\n\n## R1: Use PostgreSQL\n\n- **D2**: Decision: queue jobs\n\n"
        "`POST /api/jobs` starts a job.\n"
    )
    for name in ("research.md", "quickstart.md"):
        doc = parse_spec(text, f"specs/004-jobs/{name}", Config())
        assert file_role(doc.path) == "notes"
        assert doc.requirements == ()
        assert [(e.method, e.path) for e in doc.endpoints] == [("POST", "/api/jobs")]


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
