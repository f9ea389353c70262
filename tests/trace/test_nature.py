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
