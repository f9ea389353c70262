"""One file's text, its lines sliced once: offsets, spans and parentheses for ``ast`` nodes.

``ast`` positions are (1-based line, 0-based UTF-8 byte column). :class:`SourceMap`
turns them into character offsets with a table of line starts built once per file,
so slicing a node's text costs its own length (``ast.get_source_segment`` splits the
whole source again on every call, which made reference extraction quadratic).

Lines end at ``\\n``, ``\\r\\n`` or ``\\r``, as Python's tokenizer counts them
(``str.splitlines`` also splits at form feeds and other separators, which would put
``ast`` line numbers on the wrong text).

:meth:`SourceMap.outer` widens a node's span over the parentheses that group it
(``(a + b)``), which LibCST counts as part of the node and ``ast`` does not.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_right

_LINE_END = re.compile(r"\r\n|\r|\n")
_SPACE = frozenset(" \t\x0c")


class Ambiguous(Exception):
    """The text around a node cannot be read without a tokenizer (a comment between a
    parenthesis and its node): the caller falls back to LibCST for the file."""


class SourceMap:
    """Line starts and offsets of one source text."""

    __slots__ = ("_ascii", "_starts", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        starts = [0]
        starts.extend(m.end() for m in _LINE_END.finditer(source))
        self._starts = starts
        self._ascii = source.isascii()

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line(self, lineno: int) -> str:
        """Line ``lineno`` (1-based) without its line ending; "" outside the file."""
        if not 0 < lineno <= len(self._starts):
            return ""
        start = self._starts[lineno - 1]
        end = self._starts[lineno] if lineno < len(self._starts) else len(self.source)
        return self.source[start:end].rstrip("\r\n")

    def lines(self) -> list[str]:
        return [self.line(n) for n in range(1, len(self._starts) + 1)]

    def offset(self, lineno: int, byte_col: int) -> int:
        """The character offset of an ``ast`` position."""
        start = self._starts[lineno - 1] if 0 < lineno <= len(self._starts) else len(self.source)
        if self._ascii or byte_col == 0:
            return start + byte_col
        text = self.line(lineno)
        if text.isascii():
            return start + byte_col
        return start + len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))

    def column(self, lineno: int, byte_col: int) -> int:
        """The 0-based character column of an ``ast`` position."""
        return self.offset(lineno, byte_col) - self._starts[lineno - 1]

    def line_of(self, offset: int) -> int:
        """The 1-based line of a character offset."""
        return bisect_right(self._starts, offset)

    def column_of(self, offset: int) -> int:
        return offset - self._starts[self.line_of(offset) - 1]

    def span(self, node: ast.AST) -> tuple[int, int]:
        """Character offsets [start, end) of a node as ``ast`` places it."""
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end_line = node.end_lineno or node.lineno  # type: ignore[attr-defined]
        end_col = node.end_col_offset  # type: ignore[attr-defined]
        end = self.offset(end_line, end_col) if end_col is not None else start
        return start, end

    def segment(self, node: ast.AST) -> str:
        """The node's text as written (what ``ast.get_source_segment`` gives)."""
        start, end = self.span(node)
        return self.source[start:end]

    # -- tokens around a node ----------------------------------------------------

    def prev_token(self, offset: int) -> int:
        """The offset of the last non-blank character before ``offset``, or -1.

        Blank space, line endings and backslash continuations are skipped, and so is
        a comment that ends a previous line when no quote comes before its ``#`` on
        that line; any other ``#`` there raises :class:`Ambiguous` (only a tokenizer
        could tell a comment from a string).
        """
        src = self.source
        i = offset - 1
        while i >= 0:
            ch = src[i]
            if ch in _SPACE:
                i -= 1
                continue
            if ch == "\n" or ch == "\r":
                while i >= 0 and src[i] in "\r\n":
                    i -= 1
                line_start = self._starts[self.line_of(i + 1) - 1] if i >= 0 else 0
                hash_at = src.find("#", line_start, i + 1)
                if hash_at >= 0:
                    if "'" in src[line_start:hash_at] or '"' in src[line_start:hash_at]:
                        raise Ambiguous
                    i = hash_at - 1
                elif i >= 0 and src[i] == "\\":
                    i -= 1
                continue
            return i
        return -1

    def next_token(self, offset: int) -> int:
        """The offset of the first character of the next token at or after ``offset``, or
        the length of the source. Blanks, line endings, continuations and comments are
        skipped (between tokens a ``#`` always starts a comment)."""
        src = self.source
        n = len(src)
        i = offset
        while i < n:
            ch = src[i]
            if ch in _SPACE or ch == "\n" or ch == "\r":
                i += 1
            elif ch == "\\" and i + 1 < n and src[i + 1] in "\r\n":
                i += 2
            elif ch == "#":
                end = _LINE_END.search(src, i)
                i = end.start() if end else n
            else:
                return i
        return n

    def outer(self, start: int, end: int, owned: int | None = None) -> tuple[int, int]:
        """Widen [start, end) over the parentheses that group the node.

        ``owned`` is the offset of a ``(`` that belongs to the parent (a call's
        argument list, a class's bases), which never groups the node.
        """
        src = self.source
        while True:
            before = self.prev_token(start)
            if before < 0 or src[before] != "(" or before == owned:
                return start, end
            after = self.next_token(end)
            if after >= len(src) or src[after] != ")":
                return start, end
            start, end = before, after + 1
