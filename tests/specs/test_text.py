"""GitHub anchors, section numbers and scope headings: input and expected value side by side."""

from __future__ import annotations

import pytest

from traceaudit.specs.text import (
    heading_matches,
    section_number,
    slugify,
    strip_heading_marker,
    unique_anchors,
)


@pytest.mark.parametrize(
    ("title", "anchor"),
    [
        ("POST /api/v1/auth/register", "post-apiv1authregister"),
        ("FR-001: Create order", "fr-001-create-order"),
        ("User Story 1 - Browse (Priority: P1)", "user-story-1---browse-priority-p1"),
        ("What's new?", "whats-new"),
        ("GET /users/{id}", "get-usersid"),
        ("snake_case_name", "snake_case_name"),
        ("需求 1 - 用戶管理", "需求-1---用戶管理"),
        ("Café & Crème", "café--crème"),
        ("Rocket 🚀 launch", "rocket--launch"),
        ("  Padded  ", "padded"),
        ("3.2. Refund window", "32-refund-window"),
        ("!!!", ""),
    ],
)
def test_slugify_matches_github(title: str, anchor: str) -> None:
    assert slugify(title) == anchor


def test_repeated_anchors_get_numbered_suffixes() -> None:
    assert unique_anchors(["Usage", "Usage", "Usage"]) == ["usage", "usage-1", "usage-2"]


def test_suffix_skips_an_anchor_that_a_heading_already_has() -> None:
    assert unique_anchors(["Usage-1", "Usage", "Usage"]) == ["usage-1", "usage", "usage-2"]


def test_spec_kit_markers_are_stripped_from_raw_heading_text() -> None:
    assert strip_heading_marker("Requirements *(mandatory)*") == "Requirements"
    assert strip_heading_marker("Key Entities _(include if data)_") == "Key Entities"
    assert strip_heading_marker("Plain (not a marker)") == "Plain (not a marker)"


@pytest.mark.parametrize(
    ("title", "number"),
    [
        ("3.2 Refunds", "3.2"),
        ("3.2. Refunds", "3.2"),
        ("7. Out of scope", "7"),
        ("6.1.2 Story 1.2 Login", "6.1.2"),
        ("2024 Roadmap", None),
        ("3.2x Refunds", None),
        ("Refunds 3.2", None),
    ],
)
def test_section_number(title: str, number: str | None) -> None:
    assert section_number(title) == number


PHRASES = ("out of scope", "out-of-scope", "non-goals", "future", "future enhancements")


@pytest.mark.parametrize(
    ("title", "matches"),
    [
        ("Out of Scope", True),
        ("7. Out of scope (v1)", True),
        ("Non-Goals", True),
        ("Future Enhancements", True),
        ("Features explicitly out of scope", True),
        ("Futures trading API", False),
        ("Support for future payment methods", False),
        ("Scope", False),
        ("Out-of-Scope Items", True),
        ("Items out-of-scope", True),
        ("Features out-of-scope: v2", True),
        # a hyphenated phrase that qualifies the next word marks nothing
        ("Phase 5: User Story 3 - Handle Unclear/Out-of-Scope Questions", False),
    ],
)
def test_out_of_scope_heading_match(title: str, matches: bool) -> None:
    assert heading_matches(title, PHRASES) is matches
