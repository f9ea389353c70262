"""Spec references in a Python file's docstrings and comments, with the standard library.

A file that can only contribute references (no routes, no code facts) does
not need LibCST: ``ast`` finds the docstrings, the definitions and the route
decorators, and ``tokenize`` finds the comments, several times faster. The
result is the same as :meth:`traceaudit.pysource.scan._Scanner.references` (a test
holds both to that). When the running Python cannot parse the file (syntax
newer than the interpreter), :func:`references_fast` returns None and the
caller falls back to LibCST.
"""

from __future__ import annotations

import ast
import dataclasses
import math
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Protocol

from traceaudit.model import CodeRef, Location, RefSource, RefTarget
from traceaudit.pysource.source import SourceMap
from traceaudit.refs import context_text, may_cite

# Decorator attributes whose summary=/description= may cite the spec.
ROUTE_DECORATOR_ATTRS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route",
     "websocket", "route", "websocket_route"}
)  # fmt: skip
# Tool directives in comments are never spec references (E501, B008, ...).
DIRECTIVE = re.compile(
    r"#\s*(?:noqa|type:\s*ignore|pragma|pylint|fmt|isort|ruff|mypy|pyright|nosec)\b[^\n]*"
)
_STRING_PREFIX = re.compile(r"[rRuUbBfF]{0,2}('''|\"\"\"|'|\")")


class FoundRefLike(Protocol):
    """What :func:`traceaudit.refs.extract_refs` returns for each candidate."""

    @property
    def target(self) -> RefTarget: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def explicit(self) -> bool: ...


ExtractRefs = Callable[[str, "re.Pattern[str]"], Sequence[FoundRefLike]]


def specs_of(found: Sequence[FoundRefLike]) -> tuple[str, ...]:
    return tuple(sorted({f.target.spec for f in found if f.target.spec}))


def comment_refs(
    path: str,
    line: int,
    col: int,
    raw: str,
    symbol: str,
    regex: re.Pattern[str],
    extract: ExtractRefs,
    following: Sequence[str] = (),
) -> list[CodeRef]:
    """References in one comment (``raw`` starts with ``#`` at 0-based ``col``).

    ``following`` are the comment lines right below it at its column: one block with it, so
    they are among the words a reader reads around its references ("# Future endpoints
    (User Story 2):" over "# - GET /history/{session_id}")."""
    text = DIRECTIVE.sub("", raw)
    if not text.strip("# \t"):
        return []
    found = extract(text[1:], regex)
    if not found:
        return []
    specs = specs_of(found)
    words = context_text([text[1:], *following], 0)
    return [
        CodeRef(
            f.target, RefSource.COMMENT, symbol, Location(path, line + f.line, col + 2 + f.column),
            False, specs, f.explicit, "python", words,
        )
        for f in found
    ]  # fmt: skip


_COMMENT_LINE = re.compile(r"([ \t]*)#(.*)")


def following_comments(line_at: Callable[[int], str], line: int, col: int) -> list[str]:
    """The comment lines right below line ``line`` whose ``#`` is at 0-based column ``col``
    and that hold nothing else (at most three: what a reader takes in with the first)."""
    out: list[str] = []
    for below in range(line + 1, line + 4):
        m = _COMMENT_LINE.fullmatch(line_at(below))
        if m is None or len(m.group(1)) != col:
            break
        out.append(m.group(2))
    return out


def literal_body(raw: str) -> str | None:
    """The text between the quotes of one string literal as written, else None."""
    match = _STRING_PREFIX.match(raw)
    if match is None:
        return None
    quote = match.group(1)
    if len(raw) < match.end() + len(quote) or not raw.endswith(quote):
        return None
    return raw[match.end() : len(raw) - len(quote)]


def string_refs(
    path: str,
    value: str,
    line: int,
    col: int,
    opening: int,
    symbol: str,
    source: RefSource,
    regex: re.Pattern[str],
    extract: ExtractRefs,
) -> list[CodeRef]:
    """References in a docstring or metadata string starting at ``line``/0-based ``col``.

    ``opening`` is the length of the prefix and opening quotes.
    """
    found = extract(value, regex)
    specs = specs_of(found)
    lines = value.splitlines()
    out = []
    for f in found:
        column = f.column + 1 + (col + opening if f.line == 0 else 0)
        out.append(
            CodeRef(
                f.target,
                source,
                symbol,
                Location(path, line + f.line, column),
                False,
                specs,
                f.explicit,
                "python",
                context_text(lines, f.line),
            )
        )
    return out


def finish(refs: list[CodeRef], is_test: bool) -> tuple[CodeRef, ...]:
    refs = _file_story(refs)
    if is_test:
        refs = [dataclasses.replace(r, is_test=True) for r in refs]
    return tuple(sorted(refs, key=lambda r: (r.location, r.source.value, r.target.value)))


def _file_story(refs: list[CodeRef]) -> list[CodeRef]:
    """A bare ``Task 2`` anywhere in a file whose module docstring names one story
    (``Story 6.1: ConfigInitService``) is that story's Task 2, as a reader of the file takes
    it: the header says what the file is about. A docstring that names its own story has
    already qualified its tasks, and a header that names several stories settles nothing."""
    head = {
        r.target.value.removeprefix("Story ").strip()
        for r in refs
        if r.source is RefSource.DOCSTRING and ":" not in r.symbol and r.target.hint == "story"
        and r.target.value.startswith("Story ")
    }  # fmt: skip
    if len(head) != 1:
        return refs
    story = f"story:{head.pop()}"
    return [
        dataclasses.replace(r, target=dataclasses.replace(r.target, qualifier=story))
        if r.target.hint == "task" and r.target.value.isdigit() and r.target.qualifier is None
        else r
        for r in refs
    ]


def attached_comment_lines(lines: Sequence[str], first_line: int) -> int:
    """How many comment lines sit directly above line ``first_line`` (1-based).

    Only whole-line comments at the same indentation count, with no blank line
    between: they document the definition that follows.
    """
    if not 0 < first_line <= len(lines):
        return 0
    head = lines[first_line - 1]
    indent = head[: len(head) - len(head.lstrip())]
    count = 0
    index = first_line - 2
    while index >= 0:
        text = lines[index]
        if not text.startswith(indent + "#") or text[len(indent) :].startswith((" ", "\t")):
            break
        count += 1
        index -= 1
    return count


def innermost(scopes: Sequence[tuple[int, int, str]], line: int) -> str | None:
    best: tuple[int, int, str] | None = None
    for scope in scopes:
        if scope[0] <= line <= scope[1] and (best is None or scope[0] >= best[0]):
            best = scope
    return best[2] if best is not None else None


def references_fast(
    source: str,
    path: str,
    is_test: bool,
    regex: re.Pattern[str],
    extract: ExtractRefs,
    tree: ast.Module | None = None,
    smap: SourceMap | None = None,
) -> tuple[CodeRef, ...] | None:
    """All references of a file using ``ast``; None if ``ast`` cannot parse it.

    Texts are sliced from a :class:`SourceMap` built once. Comments are found without
    a tokenizer: only lines that :func:`~traceaudit.refs.may_cite` can hold a reference
    are looked at, and a ``#`` on them starts a comment unless it lies inside a string
    literal of the tree.
    """
    try:
        if tree is None:
            tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    sm = smap if smap is not None else SourceMap(source)
    lines = sm.lines()
    refs: list[CodeRef] = []
    scopes: list[tuple[int, int, str]] = []

    def docstring(body: Sequence[ast.stmt], symbol: str) -> None:
        if not body or not isinstance(body[0], ast.Expr):
            return
        node = body[0].value
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            add_string(node, node.value, symbol, RefSource.DOCSTRING)

    def add_string(node: ast.Constant, value: str, symbol: str, kind: RefSource) -> None:
        raw = sm.segment(node)
        body = literal_body(raw) if is_one_literal(raw) else None
        if body is not None:
            value = body  # as written: escapes must not shift the lines after them
        col = sm.column(node.lineno, node.col_offset)
        match = _STRING_PREFIX.match(raw)
        opening = match.end() if match else 1
        refs.extend(
            string_refs(path, value, node.lineno, col, opening, symbol, kind, regex, extract)
        )

    def visit(body: Sequence[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                qual = f"{prefix}.{node.name}" if prefix else node.name
                first = _first_line(sm, node)
                start = first - attached_comment_lines(lines, first)
                end = node.end_lineno or node.lineno
                scopes.append((start, end, qual))
                symbol = f"{path}:{qual}"
                docstring(node.body, symbol)
                if not isinstance(node, ast.ClassDef):
                    metadata(node, symbol)
                visit(node.body, qual)
            else:
                for field in ("body", "orelse", "finalbody", "handlers"):
                    inner = getattr(node, field, None)
                    if isinstance(inner, list):
                        stmts = [s for s in inner if isinstance(s, ast.stmt)]
                        stmts += [
                            s for h in inner if isinstance(h, ast.ExceptHandler) for s in h.body
                        ]
                        visit(stmts, prefix)
                if isinstance(node, ast.Match):
                    for case in node.cases:
                        visit(case.body, prefix)

    def metadata(node: ast.FunctionDef | ast.AsyncFunctionDef, symbol: str) -> None:
        for dec in node.decorator_list:
            if not (
                isinstance(dec, ast.Call)
                and isinstance(dec.func, ast.Attribute)
                and dec.func.attr in ROUTE_DECORATOR_ATTRS
            ):
                continue
            for kw in dec.keywords:
                if (
                    kw.arg in ("summary", "description")
                    and isinstance(kw.value, ast.Constant)
                    and isinstance(kw.value.value, str)
                ):
                    add_string(kw.value, kw.value.value, symbol, RefSource.ROUTE_METADATA)

    docstring(tree.body, path)
    visit(tree.body, "")
    for line, col, raw in comments(sm, tree, regex):
        symbol = innermost(scopes, line)
        refs += comment_refs(
            path, line, col, raw, f"{path}:{symbol}" if symbol else path, regex, extract,
            following_comments(sm.line, line, col),
        )  # fmt: skip
    return finish(refs, is_test)


def _first_line(sm: SourceMap, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> int:
    """The first line of a definition, decorators included: the line of the first ``@``."""
    if not node.decorator_list:
        return node.lineno
    dec = node.decorator_list[0]
    at = sm.source.rfind("@", 0, sm.offset(dec.lineno, dec.col_offset))
    return sm.line_of(at) if at >= 0 else dec.lineno


def comments(sm: SourceMap, tree: ast.Module, regex: re.Pattern[str]) -> list[tuple[int, int, str]]:
    """(line, 0-based column, text from ``#``) of the comments that may cite the spec.

    A comment is a suffix of its line, so a line that :func:`may_cite` rules out holds
    none that could cite anything.
    """
    src = sm.source
    out: list[tuple[int, int, str]] = []
    strings: list[tuple[int, int]] | None = None
    at = src.find("#")
    while at >= 0:
        line = sm.line_of(at)
        line_start = at - sm.column_of(at)
        line_end = line_start + len(sm.line(line))
        if may_cite(src[at:line_end], regex):
            if strings is None:
                strings = _string_spans(sm, tree)
            hash_at = at
            while hash_at >= 0:
                if not _inside(strings, hash_at):
                    out.append((line, hash_at - line_start, src[hash_at:line_end]))
                    break
                hash_at = src.find("#", hash_at + 1, line_end)
        at = src.find("#", line_end)
    return out


def _string_spans(sm: SourceMap, tree: ast.Module) -> list[tuple[int, int]]:
    """Where the string literals are, as disjoint [start, end) offsets, sorted."""
    spans = sorted(
        sm.span(node)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        or (isinstance(node, ast.Constant) and isinstance(node.value, str | bytes))
    )
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _inside(spans: list[tuple[int, int]], offset: int) -> bool:
    i = bisect_right(spans, (offset, math.inf)) - 1
    return i >= 0 and spans[i][0] <= offset < spans[i][1]


def is_one_literal(raw: str) -> bool:
    """Whether ``raw`` is one string literal, not an implicit concatenation of several."""
    match = _STRING_PREFIX.match(raw)
    if match is None:
        return False
    quote = match.group(1)
    body = raw[match.end() : len(raw) - len(quote)]
    if len(raw) < match.end() + len(quote) or not raw.endswith(quote):
        return False
    i = 0
    while True:
        i = body.find(quote, i)
        if i < 0:
            return True
        backslashes = 0
        j = i - 1
        while j >= 0 and body[j] == "\\":
            backslashes += 1
            j -= 1
        if backslashes % 2 == 0:  # even in a raw string a backslash keeps the quote
            return False
        i += 1
