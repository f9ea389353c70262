"""Route patterns: a path without placeholders is compared as text, and matches exactly
what the regex of its escaped text (what every pattern was before) matches."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from traceaudit.trace.paths import PLACEHOLDER, normalize_path, route_pattern, routes_written


def regex_of(path: str) -> re.Pattern[str]:
    """The pattern as it was built for every path, placeholders or not."""
    norm = normalize_path(PLACEHOLDER.sub("\x00", path))
    body = ".*".join(re.escape(p) for p in norm.split("\x00"))
    return re.compile(body.rstrip("/") if len(body) > 1 else body)


_paths = st.text(st.sampled_from("/ab{}?:.*+\\\x00\n-"), max_size=12).map(lambda s: "/" + s)


@settings(max_examples=500, deadline=None)
@given(_paths, _paths)
def test_a_pattern_matches_what_its_regex_matches(path: str, other: str) -> None:
    for candidate in (other, normalize_path(other), normalize_path(path)):
        assert bool(route_pattern(path).fullmatch(candidate)) == bool(
            regex_of(path).fullmatch(candidate)
        )


def test_literal_paths_compile_no_regex_and_placeholders_still_do() -> None:
    assert not isinstance(route_pattern("/items/{item_id}/"), re.Pattern)
    assert route_pattern("/items/{item_id}/").fullmatch("/items/{}")
    assert not route_pattern("/items/{id}").fullmatch("/items/x")
    placeholder = route_pattern("/{?prefix}/items")
    assert isinstance(placeholder, re.Pattern) and placeholder.fullmatch("/v2/x/items")


def test_routes_written_in_prose_comments_and_code_spans() -> None:
    """One reading of ``METHOD /path`` for requirements, comments and tasks: a backtick may
    open the path, the sentence's closing punctuation and a query string are not part of it."""
    text = (
        "API MUST provide endpoint POST /api/{user_id}/tasks. add GET `/health`; "
        "# PUT /api/tasks/{id} (T040): and DELETE /api/x?force=1, not XGET /y"
    )
    assert routes_written(text) == [
        ("POST", "/api/{user_id}/tasks"),
        ("GET", "/health"),
        ("PUT", "/api/tasks/{id}"),
        ("DELETE", "/api/x"),
    ]


def test_paths_written_with_and_without_a_method() -> None:
    from traceaudit.trace.paths import paths_written

    assert paths_written(
        "Integration with existing conversation API (/conversation/send), see backend/app/x.py"
    ) == [(None, "/conversation/send")]
    assert paths_written("Expose GET /auth/sso and /auth/sso/callback in /src/main.py") == [
        ("GET", "/auth/sso"), (None, "/auth/sso/callback")
    ]  # fmt: skip
