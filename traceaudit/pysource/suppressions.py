"""Inline suppressions in Python comments, and the lines each one covers.

``# traceaudit: ignore[TA002] -- health probe`` covers the statement it is written
on or, on a line of its own, the next statement. For a decorated ``def`` or a
``class`` that is its whole header, decorators and docstring included, so the
comment may sit on the decorator line, the ``def`` line or just above. A
``# traceaudit: ignore-file[...] -- reason`` covers the whole file. Only real
comments count (read with ``tokenize``), never text inside strings.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from bisect import bisect_right

from traceaudit.directives import MARKER, parse_directive
from traceaudit.model import Location, Suppression

_HASH_DIRECTIVE = re.compile(r"#[^\n]*" + re.escape(MARKER))


def _comments(source: str) -> list[tuple[int, int, str, bool]]:
    """(line, 1-based column, text after ``#``, alone on its line) of directive comments."""
    found: list[tuple[int, int, str, bool]] = []
    lines = source.splitlines()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT and MARKER in tok.string:
                line, col = tok.start
                before = lines[line - 1][:col] if line <= len(lines) else ""
                found.append((line, col + 2, tok.string[1:], not before.strip()))
    except (tokenize.TokenError, SyntaxError, ValueError):
        found = []
        for number, text in enumerate(lines, start=1):
            match = _HASH_DIRECTIVE.search(text)
            if match:
                col = match.start()
                found.append((number, col + 2, text[col + 1 :], not text[:col].strip()))
    return found


def _spans(source: str) -> list[tuple[int, int]]:
    """(first, last) line of every statement's "head": a simple statement whole; a
    compound one from its first decorator to the line before its body, plus the
    docstring of a def or class."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    spans: list[tuple[int, int]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        decorators = getattr(node, "decorator_list", [])
        first = min([node.lineno, *(d.lineno for d in decorators)])
        body = getattr(node, "body", None)
        if not body:
            spans.append((first, node.end_lineno or node.lineno))
            continue
        last = max(node.lineno, body[0].lineno - 1)
        head = body[0]
        if (
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and isinstance(head, ast.Expr)
            and isinstance(head.value, ast.Constant)
            and isinstance(head.value.value, str)
        ):
            last = head.end_lineno or head.lineno
        spans.append((first, last))
    spans.sort()
    return spans


def _covered(line: int, alone: bool, spans: list[tuple[int, int]]) -> tuple[int, int]:
    if alone:
        # the next statement after the comment (the outermost one starting there)
        at = bisect_right(spans, (line, 1 << 30))
        if at < len(spans):
            start = spans[at][0]
            last = max(end for first, end in spans[at:] if first == start)
            return line, last
        return line, line
    holding = [(first, last) for first, last in spans if first <= line <= last]
    if not holding:
        return line, line
    first, last = min(holding, key=lambda span: span[1] - span[0])
    return first, last


def find_suppressions(source: str, path: str) -> tuple[Suppression, ...]:
    """Every ``traceaudit: ignore`` comment of one Python file, with the lines it covers."""
    if MARKER not in source:
        return ()
    comments = _comments(source)
    if not comments:
        return ()
    spans = _spans(source)
    out: list[Suppression] = []
    for line, column, text, alone in comments:
        directive = parse_directive(text, column)
        if directive is None:
            continue
        first, last = (1, 1 << 30) if directive.whole_file else _covered(line, alone, spans)
        out.append(
            Suppression(
                location=Location(path, line, directive.column),
                rules=directive.rules,
                reason=directive.reason,
                first_line=first,
                last_line=last,
                whole_file=directive.whole_file,
            )
        )
    return tuple(out)
