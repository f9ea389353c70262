"""Suppressions in Markdown and YAML spec files, and the lines each covers."""

from __future__ import annotations

from traceaudit.specs.suppressions import markdown_suppressions, yaml_suppressions

MARKDOWN = """\
# Spec

### FR-001: Push notifications
<!-- traceaudit: ignore[TA001] -- delivered by the mobile app -->

<!-- traceaudit: ignore[TA001] -- later -->
- **FR-002**: System MUST x
- **FR-003**: y <!-- traceaudit: ignore[unimplemented-requirement] -->

```markdown
<!-- traceaudit: ignore[TA001] -- an example in a fence -->
```
<!-- traceaudit: ignore-file[TA005] -- renumbering in the next release -->
"""


def test_markdown_directives_and_what_they_cover() -> None:
    found = [
        (s.location.line, s.rules, s.reason, s.first_line, s.last_line, s.whole_file)
        for s in markdown_suppressions(MARKDOWN, "specs/a.md")
    ]
    assert found == [
        (4, ("TA001",), "delivered by the mobile app", 3, 4, False),  # under a heading: it
        (6, ("TA001",), "later", 6, 7, False),  # alone: the next line
        (8, ("unimplemented-requirement",), "", 8, 8, False),  # at the end of a line: that line
        (13, ("TA005",), "renumbering in the next release", 1, 1 << 30, True),
    ]


def test_yaml_comments() -> None:
    text = (
        "paths:\n  /health:\n    # traceaudit: ignore[TA008] -- served by the proxy\n"
        "    get:\n      summary: x  # traceaudit: ignore[TA009] -- public\n"
    )
    found = [
        (s.location.line, s.first_line, s.last_line) for s in yaml_suppressions(text, "c.yaml")
    ]
    assert found == [(3, 3, 4), (5, 5, 5)]


def test_nothing_without_the_marker() -> None:
    assert markdown_suppressions("# x\n<!-- a comment -->\n", "a.md") == ()
