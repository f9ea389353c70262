"""Spec references in a file parsed by LibCST: docstrings, comments, route metadata.

Used when a file needs LibCST anyway (it holds routes) or when ``ast`` cannot
parse it (newer syntax); the same references come from
:func:`traceaudit.pysource.citations.references_fast` otherwise. Each reference
records its symbol (``app/api/users.py:create_user``) and line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from traceaudit.discover import is_test_path
from traceaudit.model import CodeRef, RefSource
from traceaudit.pysource import citations
from traceaudit.pysource.syntax import CstFile, blocks_of, body_of, first_piece, plain_string

if TYPE_CHECKING:
    import libcst as cst


class ReferenceScanner(CstFile):
    """Spec references in a LibCST tree: docstrings, comments and route metadata."""

    def references(self) -> tuple[CodeRef, ...]:
        """Spec references in docstrings, comments and route decorator metadata."""
        scopes: list[tuple[int, int, str]] = []
        refs: list[CodeRef] = []
        self.source_lines = self.tree.code.split("\n")  # normalised line endings
        refs += self.docstring_refs(self.tree.body, self.path)
        self.collect_scopes(self.tree.body, "", scopes, refs)
        for line, col, raw in self.lines.comments:
            symbol = citations.innermost(scopes, line)
            refs += citations.comment_refs(
                self.path, line, col, raw, f"{self.path}:{symbol}" if symbol else self.path,
                self.regex, self.extract,
                citations.following_comments(self._source_line, line, col),
            )  # fmt: skip
        return citations.finish(refs, is_test_path(self.path))

    def _source_line(self, lineno: int) -> str:
        """Line ``lineno`` (1-based) of the source; "" outside it."""
        lines = self.source_lines
        return lines[lineno - 1] if 0 < lineno <= len(lines) else ""

    def collect_scopes(
        self,
        stmts: Sequence[Any],
        scope: str,
        out: list[tuple[int, int, str]],
        refs: list[CodeRef],
    ) -> None:
        cst = self.cst
        for node in stmts:
            if isinstance(node, cst.FunctionDef | cst.ClassDef):
                qual = f"{scope}.{node.name.value}" if scope else node.name.value
                first = self.first_line(node)
                start = first - citations.attached_comment_lines(self.source_lines, first)
                end = self.ends.get(id(node), first)
                if isinstance(node.body, cst.IndentedBlock):
                    end -= len(node.body.footer)
                out.append((start, end, qual))
                symbol = f"{self.path}:{qual}"
                refs += self.docstring_refs(body_of(cst, node.body), symbol)
                if isinstance(node, cst.FunctionDef):
                    refs += self.metadata_refs(node, symbol)
                self.collect_scopes(body_of(cst, node.body), qual, out, refs)
            elif isinstance(
                node, cst.If | cst.For | cst.While | cst.With | cst.Try | cst.TryStar | cst.Match
            ):
                for block in blocks_of(cst, node):
                    self.collect_scopes(block, scope, out, refs)

    def docstring_refs(self, body: Sequence[Any], symbol: str) -> list[CodeRef]:
        cst = self.cst
        if not body or not isinstance(body[0], cst.SimpleStatementLine):
            return []
        first = body[0].body[0] if body[0].body else None
        if not isinstance(first, cst.Expr):
            return []
        node = first.value
        if not isinstance(node, cst.SimpleString | cst.ConcatenatedString):
            return []
        return self.string_refs(node, symbol, RefSource.DOCSTRING)

    def metadata_refs(self, node: cst.FunctionDef, symbol: str) -> list[CodeRef]:
        cst = self.cst
        out: list[CodeRef] = []
        for dec in node.decorators:
            call = dec.decorator
            if not (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Attribute)
                and call.func.attr.value in citations.ROUTE_DECORATOR_ATTRS
            ):
                continue
            for arg in call.args:
                if arg.keyword is not None and arg.keyword.value in ("summary", "description"):
                    value = arg.value
                    if isinstance(value, cst.SimpleString | cst.ConcatenatedString):
                        out += self.string_refs(value, symbol, RefSource.ROUTE_METADATA)
        return out

    def string_refs(self, node: Any, symbol: str, source: RefSource) -> list[CodeRef]:
        # Read a single literal as written: an escape such as "\\n" must not
        # shift the lines of the references after it.
        value = None
        if isinstance(node, self.cst.SimpleString):
            value = citations.literal_body(str(node.value))
        if value is None:
            value = plain_string(self.cst, node)
        if value is None:
            return []
        line, col = self.pos(node)
        first = first_piece(self.cst, node)
        opening = len(first.prefix) + len(first.quote) if first is not None else 1
        return citations.string_refs(
            self.path, value, line, col, opening, symbol, source, self.regex, self.extract
        )

