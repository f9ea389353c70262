"""Inline suppressions in spec files, and the lines each one covers.

Markdown: ``<!-- traceaudit: ignore[TA001] -- delivered by the mobile app -->`` (an
HTML comment, so it does not show when the spec is rendered):

- at the end of a line, it covers that line;
- on a line of its own right under a heading, it covers the heading (the
  requirement the heading defines);
- on any other line of its own, it covers the next non-blank line.

OpenAPI YAML: ``# traceaudit: ignore[TA008] -- reason`` on an operation's line or
on the line above it. Directives inside fenced code blocks are examples and never
count; ``ignore-file[...]`` covers the whole file.
"""

from __future__ import annotations

import re

from traceaudit.directives import MARKER, parse_directive
from traceaudit.model import Location, Suppression

_HTML_COMMENT = re.compile(r"<!--(.*?)-->")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s|$)")
_YAML_COMMENT = re.compile(r"(?:^|\s)#(.*)$")
_WHOLE_FILE = 1 << 30


def _next_text_line(lines: list[str], index: int) -> int | None:
    for j in range(index + 1, len(lines)):
        if lines[j].strip():
            return j
    return None


def _previous_text_line(lines: list[str], index: int) -> int | None:
    for j in range(index - 1, -1, -1):
        if lines[j].strip():
            return j
    return None


def _suppression(
    path: str, line: int, column: int, text: str, cover: tuple[int, int]
) -> Suppression | None:
    directive = parse_directive(text, column)
    if directive is None:
        return None
    first, last = (1, _WHOLE_FILE) if directive.whole_file else cover
    return Suppression(
        location=Location(path, line, directive.column),
        rules=directive.rules,
        reason=directive.reason,
        first_line=first,
        last_line=last,
        whole_file=directive.whole_file,
    )


def markdown_suppressions(text: str, path: str) -> tuple[Suppression, ...]:
    """Every ``<!-- traceaudit: ignore[...] -- reason -->`` of one Markdown file."""
    if MARKER not in text:
        return ()
    lines = text.splitlines()
    out: list[Suppression] = []
    fence: str | None = None
    for i, raw in enumerate(lines):
        opened = _FENCE.match(raw)
        if fence is not None:
            if opened and opened[1][0] == fence[0] and len(opened[1]) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened[1]
            continue
        if MARKER not in raw:
            continue
        for match in _HTML_COMMENT.finditer(raw):
            if MARKER not in match[1]:
                continue
            alone = not raw[: match.start()].strip() and not raw[match.end() :].strip()
            cover = (i + 1, i + 1)
            if alone:
                above = _previous_text_line(lines, i)
                below = _next_text_line(lines, i)
                if above is not None and _HEADING.match(lines[above]):
                    cover = (above + 1, i + 1)
                elif below is not None:
                    cover = (i + 1, below + 1)
            found = _suppression(path, i + 1, match.start(1) + 1, match[1], cover)
            if found is not None:
                out.append(found)
    return tuple(out)


def yaml_suppressions(text: str, path: str) -> tuple[Suppression, ...]:
    """Every ``# traceaudit: ignore[...] -- reason`` comment of one YAML contract."""
    if MARKER not in text:
        return ()
    lines = text.splitlines()
    out: list[Suppression] = []
    for i, raw in enumerate(lines):
        if MARKER not in raw:
            continue
        match = _YAML_COMMENT.search(raw)
        if match is None or MARKER not in match[1]:
            continue
        alone = not raw[: match.start()].strip()
        below = _next_text_line(lines, i) if alone else None
        cover = (i + 1, (below if below is not None else i) + 1)
        found = _suppression(path, i + 1, match.start(1) + 1, match[1], cover)
        if found is not None:
            out.append(found)
    return tuple(out)
