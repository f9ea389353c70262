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
import io
import re
import tokenize
from collections.abc import Callable, Sequence
from typing import Protocol

from traceaudit.model import CodeRef, Location, RefSource, RefTarget

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
) -> list[CodeRef]:
    """References in one comment (``raw`` starts with ``#`` at 0-based ``col``)."""
    text = DIRECTIVE.sub("", raw)
    if not text.strip("# \t"):
        return []
    found = extract(text[1:], regex)
    specs = specs_of(found)
    return [
        CodeRef(
            f.target, RefSource.COMMENT, symbol, Location(path, line + f.line, col + 2 + f.column),
            False, specs, f.explicit,
        )
        for f in found
    ]  # fmt: skip


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
            )
        )
    return out


def finish(refs: list[CodeRef], is_test: bool) -> tuple[CodeRef, ...]:
    if is_test:
        refs = [
            CodeRef(r.target, r.source, r.symbol, r.location, True, r.context_specs, r.explicit)
            for r in refs
        ]
    return tuple(sorted(refs, key=lambda r: (r.location, r.source.value, r.target.value)))


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
) -> tuple[CodeRef, ...] | None:
    """All references of a file using ``ast`` and ``tokenize``; None if they cannot parse it."""
    try:
        if tree is None:
            tree = ast.parse(source)
        comments = [
            (tok.start[0], tok.start[1], tok.string)
            for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type == tokenize.COMMENT
        ]
    except (SyntaxError, ValueError, tokenize.TokenError):
        return None
    lines = source.split("\n")  # scan_module normalised the line endings
    refs: list[CodeRef] = []
    scopes: list[tuple[int, int, str]] = []

    def column(lineno: int, col_offset: int) -> int:
        """ast columns count UTF-8 bytes; ours count characters."""
        text = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
        return len(text.encode("utf-8")[:col_offset].decode("utf-8", "replace"))

    def segment(node: ast.expr) -> str | None:
        """``ast.get_source_segment`` on the lines split once (it splits the whole file on
        every call, which made a file of N docstrings cost N squared)."""
        end, end_col = node.end_lineno, node.end_col_offset
        if end is None or end_col is None or not 0 < node.lineno <= end <= len(lines):
            return None
        first = lines[node.lineno - 1].encode("utf-8")
        if node.lineno == end:
            return first[node.col_offset : end_col].decode("utf-8", "replace")
        last = lines[end - 1].encode("utf-8")[:end_col].decode("utf-8", "replace")
        middle = lines[node.lineno : end - 1]
        return "\n".join([first[node.col_offset :].decode("utf-8", "replace"), *middle, last])

    def docstring(body: Sequence[ast.stmt], symbol: str) -> None:
        if not body or not isinstance(body[0], ast.Expr):
            return
        node = body[0].value
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            add_string(node, node.value, symbol, RefSource.DOCSTRING)

    def add_string(node: ast.Constant, value: str, symbol: str, kind: RefSource) -> None:
        col = column(node.lineno, node.col_offset)
        text = lines[node.lineno - 1][col:] if node.lineno <= len(lines) else ""
        match = _STRING_PREFIX.match(text)
        opening = match.end() if match else 1
        raw = segment(node)
        body = literal_body(raw) if raw is not None else None
        if body is not None:
            value = body  # as written: escapes must not shift the lines after them
        refs.extend(
            string_refs(path, value, node.lineno, col, opening, symbol, kind, regex, extract)
        )

    def visit(body: Sequence[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                qual = f"{prefix}.{node.name}" if prefix else node.name
                first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
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
    for line, col, raw in comments:
        symbol = innermost(scopes, line)
        refs += comment_refs(
            path, line, col, raw, f"{path}:{symbol}" if symbol else path, regex, extract
        )
    return finish(refs, is_test)
