"""gitignore-semantics patterns (pathspec)."""

from __future__ import annotations

import pytest

from traceaudit import globs


@pytest.mark.parametrize(
    ("patterns", "path", "expected"),
    [
        (["app/legacy/"], "app/legacy/x.py", True),
        (["app/legacy"], "app/legacy/sub/x.py", True),
        (["legacy/"], "src/legacy/x.py", True),  # no slash inside: any depth
        (["/legacy/"], "src/legacy/x.py", False),  # anchored
        (["*_pb2.py"], "a/b/c_pb2.py", True),
        (["specs/**/*.md"], "specs/a/b/c.md", True),
        (["app/", "!app/keep.py"], "app/keep.py", True),  # a folder excluded stays excluded
        (["*.py", "!keep.py"], "keep.py", False),
        (["\\#x.py"], "#x.py", True),  # escaped
        (["build.py/"], "build.py", False),  # only folders
    ],
)
def test_matches(patterns: list[str], path: str, expected: bool) -> None:
    assert globs.matches(patterns, path) is expected


def test_bad_pattern() -> None:
    with pytest.raises(globs.PatternError):
        globs.validate(["!"])
