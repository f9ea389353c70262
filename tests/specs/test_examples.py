"""Examples are not declarations; relative paths carry what they are relative to."""

from __future__ import annotations

from tests.specs.support import eps, parse
from traceaudit.specs.endpoints import is_diagram
from traceaudit.specs.recognise import endpoints_anywhere


def mentions(markdown: str) -> list[tuple[str, str]]:
    return [(e.method, e.path) for e in parse(markdown).mentions]


def hints(markdown: str) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(e.method, e.path, e.hints) for e in parse(markdown).endpoints]


def test_example_requests_with_concrete_values_are_mentions() -> None:
    text = """
        ## Example

        ```http
        GET /api/user_abc123/tasks HTTP/1.1
        ```

        - `DELETE /api/items/42` removes item 42.
        """
    assert eps(parse(text)) == []
    assert mentions(text) == [("GET", "/api/user_abc123/tasks"), ("DELETE", "/api/items/42")]


def test_the_endpoint_a_test_exercises_is_named_not_declared() -> None:
    text = """
        - [x] 12.3 Write integration tests for the person routes
          - Test POST /person/{person_id}/address - add address
          - Tests for `DELETE /person/{person_id}/profession/{profession_id}`
        - [x] 12.4 Add `GET /person/{person_id}/summary` and test it
        """
    # it names the route (so it documents the one it names), and declares none
    assert mentions(text) == []
    assert hints(text) == [
        ("POST", "/person/{person_id}/address", ("tested",)),
        ("DELETE", "/person/{person_id}/profession/{profession_id}", ("tested",)),
        ("GET", "/person/{person_id}/summary", ()),
    ]


def test_a_url_of_a_host_in_running_text_is_an_example_call() -> None:
    text = """
        The engine is called with `POST http://host.docker.internal:11434/api/chat`.

        ### GET https://api.example.com/v1/users
        """
    assert eps(parse(text)) == [("GET", "/v1/users", 3, "heading")]
    assert mentions(text) == [("POST", "/api/chat")]


def test_a_method_enumeration_does_not_spread_onto_the_path() -> None:
    found = endpoints_anywhere("Add stub endpoints (GET, POST, DELETE, POST /test)")
    assert [(f.method, f.path) for f in found] == [("POST", "/test")]
    found = endpoints_anywhere("GET, POST /api/tasks")
    assert [(f.method, f.path) for f in found] == [("GET", "/api/tasks"), ("POST", "/api/tasks")]


def test_diagram_labels_and_performance_tables_are_mentions() -> None:
    text = """
        ```
        Browser            Next.js           API
          | 2. API client call  |               |
          |    GET /api/tasks   |               |
          |-------------------->|-------------->|
          |<--------------------|               |
        ```

        | Endpoint | p50 | p95 |
        |----------|-----|-----|
        | GET /policies/{id} | 50ms | 100ms |

        | Target service | Endpoint | Purpose |
        |----------------|----------|---------|
        | User Service | GET /api/v1/users/{id} | read the user |
        """
    assert eps(parse(text)) == []
    assert set(mentions(text)) == {
        ("GET", "/policies/{id}"), ("GET", "/api/v1/users/{id}"), ("GET", "/api/tasks"),
    }  # fmt: skip


def test_a_file_tree_is_not_a_diagram() -> None:
    assert not is_diagram([(1, "app/"), (2, "├── main.py"), (3, "└── routers/")])
    assert is_diagram([(1, "A --> B"), (2, "B ──> C")])


def test_a_base_path_stated_in_prose_applies_to_its_section() -> None:
    text = """
        ## API

        **Base URL:** `https://localhost/api/v1`

        | Method | Path |
        |--------|------|
        | POST | /auth/register |
        | GET | /api/v1/auth/me |

        ## Other

        - `GET /status`
        """
    assert hints(text) == [
        ("POST", "/auth/register", ("base:/api/v1",)),
        ("GET", "/api/v1/auth/me", ()),
        ("GET", "/status", ()),
    ]


def test_a_labelled_box_of_a_drawn_diagram_gives_its_paths_the_router_s_prefix() -> None:
    text = """
        ```
        ┌──────────────────────────────────────────────┐
        │  Appointment Router (/api/appointments)      │
        │  - POST /                Create appointment  │
        │  - GET /available-doctors                    │
        └──────────────────────────────────────────────┘
        ┌──────────────────────────────────────────────┐
        │  Auth                                        │
        │  - GET /health                               │
        └──────────────────────────────────────────────┘
        ┌──────────────────────────────────────────────┐
        │ ProfileRouter (/api/v1/profile) - Updated    │
        │ - GET /completion-status                     │
        └──────────────────────────────────────────────┘
        ```
        """
    assert hints(text) == [
        ("POST", "/", ("base:/api/appointments", "relative")),
        ("GET", "/available-doctors", ("base:/api/appointments",)),
        ("GET", "/health", ()),
        ("GET", "/completion-status", ("base:/api/v1/profile",)),
    ]


def test_a_prefix_label_over_a_list_of_paths_is_their_base() -> None:
    text = """
        ### Person Endpoints (User)
        Prefix: `/api/v1/person`

        - `GET /me` - Get current user's person profile
        - `DELETE /me` - Delete person profile
        """
    assert hints(text) == [
        ("GET", "/me", ("base:/api/v1/person",)), ("DELETE", "/me", ("base:/api/v1/person",)),
    ]  # fmt: skip


def test_a_host_alone_is_no_base_path_but_says_the_paths_are_full() -> None:
    text = "**Base URL**: `http://localhost:8000`\n\n### POST /auth/signup\n"
    assert hints(text) == [("POST", "/auth/signup", ("full",))]


def test_router_relative_paths_name_their_router() -> None:
    text = """
        - [x] T009 Add routes (`POST /orgs`, `GET /orgs/{org_id}`) in `backend/app/api/v1/orgs.py`
        - [ ] Task 2.4: Create endpoints for the schedule
          - [ ] Add `PATCH /{category_id}/schedule` endpoint
        - [ ] Add a `POST /test` endpoint to the user-api-keys router

        In `router.py`, create a new `APIRouter` with `prefix="/cvs"`.

        - [x] Implement the `POST /` endpoint
        """
    assert hints(text) == [
        ("GET", "/orgs/{org_id}", ("file:backend/app/api/v1/orgs.py",)),
        ("POST", "/orgs", ("file:backend/app/api/v1/orgs.py",)),
        ("PATCH", "/{category_id}/schedule", ("relative",)),
        ("POST", "/test", ("router:user_api_keys",)),
        ("POST", "/", ("prefix:/cvs", "relative")),
    ]


def test_a_clients_calls_and_a_features_dependencies_are_mentions() -> None:
    text = """
        # Implementation Plan: Tasks UI

        **Task API client (`lib/api/tasks.ts`)**
        - `getTasks()`: GET /api/tasks → returns Task[]

        **2. Signup Page (`app/(auth)/signup/page.tsx`)**
        - API: POST /auth/signup

        **Auth routes (`app/api/auth/[...all]/route.ts`)**
        - `POST /api/auth/sign-in`: handled by Better Auth

        ## Dependencies & Integration Points

        - `GET /api/users/me`: the profile of the signed-in user

        ## Endpoints

        - `DELETE /api/tasks/{id}`: delete a task
        """
    assert hints(text) == [
        ("POST", "/api/auth/sign-in", ()),
        ("DELETE", "/api/tasks/{id}", ()),
    ]


def test_what_a_section_that_is_an_example_writes_is_a_mention() -> None:
    text = """
        ## Endpoints

        - `GET /profile` returns the signed-in user's profile

        ### Protected Endpoint Example

        ```python
        @app.get("/profile")
        async def get_profile(user: User = Depends(get_current_user)): ...

        # the client sends
        GET /profile
        ```

        ## Examples

        ### POST /sessions

        Sign in.
        """
    assert eps(parse(text)) == [
        ("GET", "/profile", 3, "bullet"),
        ("POST", "/sessions", 17, "heading"),  # an endpoint heading declares it anywhere
    ]
    assert ("GET", "/profile") in mentions(text)


def test_the_ids_in_brackets_after_an_endpoint_are_what_it_is_written_for() -> None:
    text = """
        ## Endpoint Design from Functional Requirements

        1. **POST /chat** (FR-001, FR-002 and FR-004)
           - Purpose: Main chatbot query endpoint
        2. **GET /history/{session_id}** (returns 404 when unknown)
        3. `DELETE /history/{session_id}` (see FR-009)
        """
    assert hints(text) == [
        ("POST", "/chat", ("for:FR-001", "for:FR-002", "for:FR-004")),
        ("GET", "/history/{session_id}", ()),
        ("DELETE", "/history/{session_id}", ()),
    ]


def test_a_title_that_only_mentions_examples_is_no_example() -> None:
    text = """
        ## Endpoints (with examples below)

        - `GET /orders` lists the orders

        ## Example: placing an order

        - `POST /orders` with two items
        """
    assert eps(parse(text)) == [("GET", "/orders", 3, "bullet")]
    assert ("POST", "/orders") in mentions(text)


def test_the_endpoints_the_code_calls_are_another_services() -> None:
    """A document titled for the external APIs the code calls, and a list of endpoints
    that its lead-in or its section says the code uses or calls, name another service's
    endpoints; the service's own endpoints beside them stay declarations. A test plan's
    row with a value where a parameter goes declares the parametrised route."""
    external = """
        # External APIs

        **Collections Monitor API** (Port 8001)

        - `GET /monitor/tenant/{tenant_id}` - tenant context
        """
    assert hints(external) == []
    called = """
        # Orchestrator Architecture

        ## SMS Agent

        **Key Endpoints Used:**
        - `POST /sms/send` - send a reply

        ## Orchestrator API

        - `POST /orchestrate/sms-received` - receive an inbound message

        ## Exact Endpoints to Call

        - `GET /monitor/delinquent` - delinquent tenants

        ## Endpoints used by the dashboard

        - `GET /orchestrate/metrics` - the counters the dashboard shows

        ## Test Cases

        | Case | Request | Expected |
        | --- | --- | --- |
        | unknown id | GET /orchestrate/workflows/9999 | 404 |
        """
    assert hints(called) == [
        ("POST", "/orchestrate/sms-received", ()),
        ("GET", "/orchestrate/metrics", ()),
        ("GET", "/orchestrate/workflows/9999", ("values:/orchestrate/workflows/{}",)),
    ]


def test_what_an_out_of_scope_section_says_stays_is_in_scope() -> None:
    """Under Out of Scope, "`POST /runs` stays" and a paragraph opened by "**In scope for
    those two surfaces**" keep their endpoints in scope; the others there are excluded."""
    doc = parse(
        """
        ## Out of Scope

        - Replacing the single-value fine-tune path: `POST /runs` stays; HPO is additive.
        - A public `GET /v1/billing` endpoint.

        **In scope for those two surfaces**: resolution and reporting. `POST /v1/audio/x`
        and `POST /v1/vision/{task}` both accept `model` today.

        This is not in scope: `DELETE /v1/models/{id}`.
        """
    )
    assert [(e.method, e.path, e.scope.value) for e in doc.endpoints] == [
        ("POST", "/runs", "in-scope"),
        ("GET", "/v1/billing", "out-of-scope"),
        ("POST", "/v1/audio/x", "in-scope"),
        ("POST", "/v1/vision/{task}", "in-scope"),
        ("DELETE", "/v1/models/{id}", "out-of-scope"),
    ]


def test_a_resources_crud_list_puts_its_item_methods_on_one_item() -> None:
    """``GET/POST/PUT/DELETE /v1/profiles`` is the resource's CRUD: PUT and DELETE act on one
    profile (served by ``/v1/profiles/{id}``); two methods, or methods on an item's path,
    are what they say."""
    assert hints("- `GET/POST/PUT/DELETE /v1/profiles` - manage profiles\n") == [
        ("DELETE", "/v1/profiles", ("item",)),
        ("GET", "/v1/profiles", ()),
        ("POST", "/v1/profiles", ()),
        ("PUT", "/v1/profiles", ("item",)),
    ]
    inline = "- [ ] AC-7: CRUD for profiles in Settings (`GET/POST/PUT/DELETE /v1/profiles`)\n"
    assert [h for _, _, h in hints(inline)] == [("item",), (), (), ("item",)]
    assert hints("- GET, POST /api/tasks\n- GET/PUT/DELETE /api/tasks/{id}\n") == [
        ("GET", "/api/tasks", ()),
        ("POST", "/api/tasks", ()),
        ("DELETE", "/api/tasks/{id}", ()),
        ("GET", "/api/tasks/{id}", ()),
        ("PUT", "/api/tasks/{id}", ()),
    ]


def test_crossed_out_endpoints_under_a_removal_label_are_taken_away() -> None:
    """``- ❌ `GET /escalation/statistics` - overhead`` under "**Specific Endpoints to
    REMOVE:**" is what the spec takes away; an item kept above it, and a crossed-out item
    of another section (a missing endpoint), stay declarations."""
    text = """
        ## Scope

        **Valuable Additions to KEEP:**
        - `GET /health/detailed` - Useful for debugging

        **Specific Endpoints to REMOVE:**

        **From escalation.py (keep only POST /trigger):**
        - ❌ `GET /escalation/status/{workflow_id}` - Not in the spec
        - ❌ `GET /escalation/statistics` - Administrative overhead

        ## Missing

        - ❌ `GET /x/y` - not built yet
        """
    assert [(m, p) for m, p, _ in hints(text)] == [("GET", "/health/detailed"), ("GET", "/x/y")]
    assert mentions(text) == [
        ("GET", "/escalation/status/{workflow_id}"), ("GET", "/escalation/statistics"),
    ]  # fmt: skip
