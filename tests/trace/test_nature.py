"""What a requirement asks for (traceaudit.trace.nature): criteria written without a modal,
BMAD's noun phrases, read by their head noun or by what they say is done to the rest."""

from __future__ import annotations

import dataclasses

import pytest

from tests.trace.test_checks import req
from traceaudit.model import ReqKind
from traceaudit.trace.nature import nature


def reason(title: str) -> str | None:
    item = dataclasses.replace(
        req("docs/stories/1.4.story.md", "1.4.8", 22, kind=ReqKind.CRITERION), title=title,
        text=title,
    )  # fmt: skip
    found = nature(item)
    return found.reason.split(" (")[0].split(":")[0] if found else None


@pytest.mark.parametrize(
    ("title", "what"),
    [
        ("Chat interface is covered by component tests", "it asks for tests"),
        ("Integration testing with the MCP server", "its subject is the tests"),
        ("Dual storage testing: SQLite retrieval and Graphiti storage validation",
         "its subject is the tests"),
        ("Unit tests for spending analysis algorithms", "its subject is the tests"),
        ("Existing authentication and navigation systems continue to work unchanged",
         "a non-regression check"),
        ("No regression in existing functionality is introduced", "a non-regression check"),
        ("Monorepo structure with clear backend/frontend separation",
         "its subject is the repository's layout"),
        ("README with setup instructions", "its subject is documentation"),
        ("Development documentation for the MCP tools", "its subject is documentation"),
        # code items stay: a backend, an endpoint, a behaviour; the API's own reference
        ("Python FastAPI backend with basic health check endpoint", None),
        ("User registration endpoint with email/password validation", None),
        ("Seed an admin user and test users for each role", None),
        ("API documentation via Swagger", None),
        ("Refactor existing components into a modular structure", None),
        # a modal sentence is read by its subject, as before
        ("The API SHALL continue to accept version 1 payloads", None),
    ],
)
def test_a_criterion_without_a_modal_is_read_by_its_head(title: str, what: str | None) -> None:
    assert reason(title) == what


@pytest.mark.parametrize(
    ("title", "what"),
    [
        ("Reliability and Availability: The application must consistently function as "
         "expected for note-taking and quiz generation.", "a quality target"),
        ("Maintainability and Developer Experience: The system should be easy to maintain "
         "and extend.", "a quality target"),
        ("Scalability: The system shall be designed to accommodate a growing number of users",
         "a quality target"),
        ("The quiz interface and backend services must be highly available during quiz "
         "sessions to prevent loss of progress.", "a quality target"),
        # behaviour stays a requirement, under any label; security is no quality target
        ("Security and Compliance: The system shall ensure secure handling and storage of "
         "user data.", None),
        ("Performance: The API shall return results within 200 ms", None),
        # a time the running system is measured to take
        ("Upload response time: <5 seconds for typical 1-2MB PDF", "a quality target"),
        ("Query performance verified for lists of 100+ job postings (execute within 200ms)",
         "a quality target"),
        ("Page load time under 2 s on a 3G connection", "a quality target"),
        # a time a behaviour waits for is behaviour
        ("Automatic fallback to drone-only operation within 10 seconds", None),
        ("The reset link SHALL expire within 15 minutes", None),
        ("The API must be available at /api/v1/quiz", None),
    ],
)  # fmt: skip
def test_a_quality_asked_for_as_what_the_system_is_is_a_quality_target(
    title: str, what: str | None
) -> None:
    assert reason(title) == what


@pytest.mark.parametrize(
    ("title", "what"),
    [
        ("System MUST pass all end-to-end tests covering both frontend and backend "
         "functionality", "a test outcome"),
        ("THE System SHALL include unit tests for sensitive data masking", "it asks for tests"),
        ("THE script SHALL be located at deploy/dependency-sync/sync_dependencies.py",
         "it says where a file lives"),
        ("Uploaded files SHALL be located in the user's private bucket", None),
        ("THE System SHALL include integration tests for route logging", "it asks for tests"),
        # a test the system runs on its input is behaviour
        ("THE System SHALL include the test results in the report", None),
        ("The service shall successfully pass the integration test suite", "a test outcome"),
        ("System MUST provide reproducible deployments across different environments",
         "a property of the deployment"),
        ("The application must be deployable with a single command",
         "a property of the deployment"),
        ("Releases MUST use automated builds", "a property of the deployment"),
        # what code does stays a requirement: passing a value on, deployments the API manages
        ("System MUST pass the user id to the task service", None),
        ("System MUST pass validation errors back to the client as 422 responses", None),
        ("System MUST create model deployments across environments via the API", None),
        ("System MUST record each deployment's status", None),
        # a refactoring's layout, standards, dependencies and non-regression (spec-kit
        # features that only migrate a codebase)
        ("System MUST reorganize all project modules (config, database, health, middleware, "
         "models, main) into a src/ directory structure", "a code-organisation constraint"),
        ("System MUST separate Pydantic API schemas into `schemas/` directory",
         "a code-organisation constraint"),
        ("System MUST reorganize codebase to follow FastAPI official project structure "
         "recommendations", "a code-organisation constraint"),
        ("The system MUST move uploaded files into the tenant folder", None),
        ("All code MUST follow FastAPI best practices for async patterns and dependency "
         "injection", "a code-style standard"),
        ("Code coverage SHOULD be maintained at minimum 80%", "a quality target"),
        ("Test execution time MUST remain under 1 second for the full suite", "a quality target"),
        ("System MUST include greenlet library in dependencies for SQLAlchemy async operations",
         "a dependency of the project"),
        ("System MUST add the item to the user's cart", None),
        ("System MUST verify that the test suite can discover and execute all tests",
         "a test outcome"),
        ("System MUST preserve all existing functionality after migration",
         "a non-regression check"),
        ("System MUST preserve the existing value when the field is omitted", None),
        ("WHEN deploying THEN the system SHALL support cloud, on-premises, and hybrid "
         "deployment models", "a property of the deployment"),
        # a capacity is a quality target; a limit the code enforces is behaviour
        ("NFR-09: Concurrent Project Support: System must support 10 concurrent projects "
         "with up to 50 simultaneous tasks per project.", "a quality target"),
        ("System must support 100 concurrent WebSocket connections with automatic load "
         "balancing.", "a quality target"),
        ("The system SHALL reject a sixth concurrent session with a 429 response", None),
        # how the whole codebase is written
        ("WHEN examining code THEN consistent naming conventions and code formatting SHALL "
         "be applied", "a code-style standard"),
        ("WHEN implementing features THEN code comments SHALL explain complex business logic "
         "and design decisions", "a code-style standard"),
        ("All public functions MUST have docstrings", "a code-style standard"),
        ("The backend SHALL follow PEP 8", "a code-style standard"),
        ("The API SHALL validate request bodies with type hints", None),
        ("WHEN disaster recovery is needed THEN documented procedures SHALL enable rapid "
         "restoration", "its subject is documentation"),
        # a condition that ends with a full-width comma, as Chinese text writes it
        ("When 用户携带错误密码调用登录接口，the Test Suite shall 验证响应返回业务错误码 1001",
         "its subject is the tests"),
        ("When 用户携带错误密码调用登录接口，the Auth Service shall 返回业务错误码 1001", None),
    ],
)  # fmt: skip
def test_a_test_outcome_or_a_deployment_property_is_not_a_code_item(
    title: str, what: str | None
) -> None:
    item = dataclasses.replace(req("specs/004-x/spec.md", "FR-004", 12), title=title, text=title)
    found = nature(item)
    assert (found.reason.split(" (")[0] if found else None) == what


def campaign_item(story_title: str, ident: str, title: str) -> str | None:
    item = dataclasses.replace(
        req("docs/stories/3.4_Story.md", ident, 40, kind=ReqKind.REQUIREMENT), title=title,
        section_path=(story_title, "Tasks"),
    )  # fmt: skip
    found = nature(item)
    return found.reason.split(":")[0] if found else None


def test_an_item_of_a_field_test_campaign_is_a_test_run_unless_it_makes_something() -> None:
    field = "Epic 3: Precision Homing - Story 3.4: Field Testing Campaign"
    assert campaign_item(field, "SUBTASK-3.4.3.2", "Validate detection range >500m") == (
        "an item of a test campaign (“Field Testing Campaign”)"
    )
    assert campaign_item(field, "AC3", "Autonomous search pattern execution with GPS") == (
        "an item of a test campaign (“Field Testing Campaign”)"
    )
    assert campaign_item(field, "TASK-3.4.7", "Automated Field Test Execution Framework") is None
    assert campaign_item("Story 3.1: Search Pattern Generation", "AC3", "Test spirals") is None
