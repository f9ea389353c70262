"""Comments of other source languages, by comment style: the pluggable table.

A *style* says how a language writes comments and strings; the table that maps a
file suffix to a style is :data:`traceaudit.model.DEFAULT_COMMENT_SYNTAX`, which the
``comment-syntax`` key of the configuration extends (``{".svelte" = "html+c"}``).
Adding a language whose comments look like one of these styles is one line there;
adding a new style is one scanner here, registered in :data:`STYLES`.

========  ==================================================  =============================
style     comments                                            strings skipped
========  ==================================================  =============================
``c``     ``// line``, ``/* block */`` (JSDoc ``*`` margins   ``'…'``, ``"…"``, `` `…` ``,
          dropped; ``{/* … */}`` in JSX is a block)           regular-expression literals
``hash``  ``# line`` (at the start or after a blank; not a    ``'…'``, ``"…"``
          shebang)
``html``  ``<!-- … -->``                                      –
``html+c``  ``<!-- … -->`` anywhere, ``c`` inside             as ``c`` inside the blocks
          ``<script>`` and ``<style>`` (Vue, Svelte)
========  ==================================================  =============================

Consecutive line comments at the same column form one comment, as a docstring
does: a ``Requirements:`` line and the bullets under it are read together.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["STYLES", "Comment", "comments"]


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment: its text lines, each with its 1-based line and 0-based column."""

    lines: tuple[tuple[int, int, str], ...]

    @property
    def text(self) -> str:
        return "\n".join(text for _, _, text in self.lines)

    @property
    def line(self) -> int:
        return self.lines[0][0]


# One alternation per style: the first group that matches decides what a stretch is.
_C_TOKENS = re.compile(
    r"(?P<line>//[^\n]*)"
    r"|(?P<block>/\*.*?(?:\*/|\Z))"
    r"|'(?:\\.|[^'\\\n])*'?"
    r'|"(?:\\.|[^"\\\n])*"?'
    r"|`(?:\\.|[^`\\])*`?"
    # a regular expression literal: a slash where an operand may start
    r"|(?:(?<=[(,=:\[!&|?{};+\-*%<>~^])|(?<=\breturn)|(?<=\btypeof)|(?<=\bcase)|^)"
    r"[ \t]*/(?![/*])(?:\\.|\[(?:\\.|[^\]\\\n])*\]|[^/\\\n])+/[A-Za-z]*",
    re.DOTALL | re.MULTILINE,
)
_HASH_TOKENS = re.compile(
    r"(?P<line>(?:(?<=\s)|^)#[^\n]*)|'(?:\\.|[^'\\\n])*'?|\"(?:\\.|[^\"\\\n])*\"?",
    re.MULTILINE,
)
_HTML_COMMENT = re.compile(r"<!--(?P<block>.*?)(?:-->|\Z)", re.DOTALL)
_SCRIPT_BLOCK = re.compile(
    r"(<(?P<tag>script|style)\b[^>]*>)(?P<body>.*?)(?:</(?P=tag)\s*>|\Z)", re.DOTALL | re.I
)
_JSDOC_MARGIN = re.compile(r"^[ \t]*\*(?!/)[ \t]?")


def _position(text: str, offset: int, starts: list[int]) -> tuple[int, int]:
    """(1-based line, 0-based column) of a character offset."""
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1, offset - starts[lo]


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\n", text)]


def _block_lines(
    body: str, offset: int, text: str, starts: list[int], margin: bool
) -> tuple[tuple[int, int, str], ...]:
    """A block comment's lines with positions; ``margin`` drops JSDoc `` * `` margins."""
    out: list[tuple[int, int, str]] = []
    position = offset
    for raw in body.split("\n"):
        line, col = _position(text, position, starts)
        piece = raw
        if margin and out:
            cut = _JSDOC_MARGIN.match(piece)
            if cut:
                col += cut.end()
                piece = piece[cut.end() :]
        elif margin and piece.startswith("*") and not piece.startswith("*/"):
            piece, col = piece[1:], col + 1  # "/** Story 1.2" opens with a second star
        out.append((line, col, piece.rstrip().removesuffix("*/").rstrip()))
        position += len(raw) + 1
    return tuple(out)


def c_style(text: str) -> list[Comment]:
    return _c_comments(text, text, _line_starts(text), 0, len(text))


def _c_comments(text: str, full: str, starts: list[int], begin: int, end: int) -> list[Comment]:
    singles: list[tuple[int, int, str]] = []
    out: list[tuple[int, Comment]] = []
    for m in _C_TOKENS.finditer(full, begin, end):
        if m.group("line") is not None:
            line, col = _position(full, m.start(), starts)
            singles.append((line, col + 2, m.group("line")[2:].rstrip()))
        elif m.group("block") is not None:
            body = m.group("block")[2:]
            out.append(
                (m.start(), Comment(_block_lines(body, m.start() + 2, full, starts, True)))
            )
    out.extend(_group_singles(singles, full, starts))
    out.sort(key=lambda pair: pair[1].line)
    return [c for _, c in out]


def _group_singles(
    singles: list[tuple[int, int, str]], full: str, starts: list[int]
) -> list[tuple[int, Comment]]:
    """Runs of line comments on consecutive lines at the same column are one comment."""
    groups: list[list[tuple[int, int, str]]] = []
    for line, col, body in singles:
        if groups:
            last_line, last_col, _ = groups[-1][-1]
            own_line = full[starts[line - 1] : starts[line - 1] + col - 2].strip() == ""
            prev_own = (
                full[starts[last_line - 1] : starts[last_line - 1] + last_col - 2].strip() == ""
            )
            if line == last_line + 1 and col == last_col and own_line and prev_own:
                groups[-1].append((line, col, body))
                continue
        groups.append([(line, col, body)])
    out: list[tuple[int, Comment]] = []
    for group in groups:
        lines = []
        for line, col, body in group:
            stripped = body.lstrip(" \t")
            lines.append((line, col + len(body) - len(stripped), stripped))
        out.append((starts[group[0][0] - 1], Comment(tuple(lines))))
    return out


def hash_style(text: str) -> list[Comment]:
    starts = _line_starts(text)
    singles: list[tuple[int, int, str]] = []
    for m in _HASH_TOKENS.finditer(text):
        if m.group("line") is None:
            continue
        line, col = _position(text, m.start(), starts)
        if line == 1 and m.group("line").startswith("#!"):
            continue
        singles.append((line, col + 1, m.group("line")[1:].rstrip()))
    return [c for _, c in _group_singles(singles, text, starts)]


def html_style(text: str) -> list[Comment]:
    starts = _line_starts(text)
    return [
        Comment(_block_lines(m.group("block"), m.start("block"), text, starts, False))
        for m in _HTML_COMMENT.finditer(text)
    ]


def html_c_style(text: str) -> list[Comment]:
    """Vue and Svelte: HTML comments in the markup, C comments inside script/style."""
    starts = _line_starts(text)
    found: list[Comment] = []
    blocks = list(_SCRIPT_BLOCK.finditer(text))
    inside = [(m.start("body"), m.end("body")) for m in blocks]
    for m in _HTML_COMMENT.finditer(text):
        if not any(a <= m.start() < b for a, b in inside):
            lines = _block_lines(m.group("block"), m.start("block"), text, starts, False)
            found.append(Comment(lines))
    for a, b in inside:
        found.extend(_c_comments(text, text, starts, a, b))
    found.sort(key=lambda c: c.line)
    return found


STYLES: dict[str, Callable[[str], list[Comment]]] = {
    "c": c_style,
    "hash": hash_style,
    "html": html_style,
    "html+c": html_c_style,
}


def comments(text: str, style: str) -> list[Comment]:
    """Every comment of ``text`` written in ``style`` (no comments for an unknown style)."""
    scanner = STYLES.get(style)
    return scanner(text) if scanner is not None else []
