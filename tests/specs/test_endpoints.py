"""Declared endpoints in every form, with their auth statements and status codes."""

from __future__ import annotations

from tests.specs.support import PATH, auth, eps, parse, reqs
from traceaudit.model import ReqKind

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
        GET /api/items HTTP/1.1
        Authorization: Bearer abc

        HTTP/1.1 200 OK
        ```
        """
    )
    assert eps(doc) == [("GET", "/api/items", 2, "fence")]
    assert doc.endpoints[0].statuses == (200,)


def test_an_example_request_with_query_values_only_mentions_the_path() -> None:
    doc = parse("```http\nGET /api/items?page=2 HTTP/1.1\n```\n")
    assert eps(doc) == []
    assert [(e.method, e.path) for e in doc.mentions] == [("GET", "/api/items")]


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


def test_a_remark_on_what_an_endpoint_does_with_credentials_states_no_guard() -> None:
    doc = parse(
        """
        - `POST /auth/signup` (email validation, password hashing, JWT issuance)
        - `POST /auth/login` (user authentication)
        - `POST /auth/token` (requires auth)
        - `POST /sessions` (returns a JWT)
        - `GET /orders` (pagination; JWT)
        - `POST /auth/register` (public)
        """
    )
    assert [(e.path, e.auth, e.auth_required) for e in doc.endpoints] == [
        ("/auth/signup", None, None),
        ("/auth/login", None, None),
        ("/auth/token", "requires auth", True),
        ("/sessions", None, None),
        ("/orders", "JWT", True),
        ("/auth/register", "public", False),
    ]


def test_a_family_written_with_a_wildcard_keeps_its_wildcard() -> None:
    from traceaudit.specs.recognise import endpoints_anywhere, normalise_path

    assert [f.path for f in endpoints_anywhere("- `GET /api/mcp/*` — MCP endpoints")] == [
        "/api/mcp/*"
    ]
    assert normalise_path("/api/mcp/**") == "/api/mcp/*"
    assert normalise_path("/*") == "/"  # no literal segment: no family
    assert normalise_path("/api/x*") == "/api/x"


def test_a_list_of_methods_is_not_the_root_path() -> None:
    """``GET / POST`` on ``/v1/customers/{id}/addresses`` lists methods (point_of_sale's
    tasks.md read it as ``GET /`` and ``PUT /``); ``GET / returns the index`` is the root."""
    doc = parse(
        """
        - [X] T048 Address router implementing `GET / POST` on `/v1/customers/{id}/addresses`
          and `PUT / DELETE` on `/v1/customers/{id}/addresses/{address_id}`
        - GET / returns the index page
        """
    )
    assert [(m, p) for m, p, *_ in eps(doc)] == [("GET", "/")]


def test_a_credential_the_spec_calls_optional_is_no_auth_requirement() -> None:
    doc = parse(
        """
        ### Get Authentication Status

        - **Endpoint**: `GET /auth/status`
        - **Headers**:
          - `Authorization: Bearer <token>` (optional)

        ### List Orders

        - **Endpoint**: `GET /orders`
        - **Headers**:
          - `Authorization: Bearer <token>`

        ### Metrics

        - **Endpoint**: `GET /metrics`
        - **Auth**: JWT, optional
        """
    )
    assert auth(doc) == [
        ("GET", "/auth/status", "Bearer <token> (optional)", False),
        ("GET", "/orders", "Bearer <token>", True),
        ("GET", "/metrics", "JWT, optional", False),
    ]
