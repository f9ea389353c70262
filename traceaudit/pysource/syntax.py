"""A file parsed by LibCST, with line numbers from one lean code-generation pass.

:class:`CstFile` holds the module tree and a :class:`LineTable`: where each kept
node starts, where functions and classes end, and every comment. The scanners of
statements (:mod:`traceaudit.pysource.statements`) and of references
(:mod:`traceaudit.pysource.citations`) read the tree through it. Positions come
from a code-generation pass that counts newlines and records only the nodes we
keep, because LibCST's ``PositionProvider`` costs about twice the parse itself.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from traceaudit.pysource.citations import ExtractRefs

if TYPE_CHECKING:
    import libcst as cst


class LineTable:
    """Where the kept nodes start (by ``id``), where defs end, and every comment."""

    __slots__ = ("comments", "ends", "starts")

    def __init__(self) -> None:
        self.starts: dict[int, tuple[int, int]] = {}  # 1-based line, 0-based column
        self.ends: dict[int, int] = {}
        self.comments: list[tuple[int, int, str]] = []


_tracker_class: Any = None


def line_table(tree: cst.Module) -> LineTable:
    """Start line/column of every kept node, end lines of defs, all comments.

    Statement starts are recorded *before* their leading blank/comment lines;
    :meth:`CstFile.stmt_line` adds those back.
    """
    global _tracker_class
    if _tracker_class is None:
        _tracker_class = _make_tracker_class()
    table = LineTable()
    tree._codegen(_tracker_class(tree.default_indent, tree.default_newline, table))
    return table


def _make_tracker_class() -> Any:
    import libcst as cst
    from libcst._nodes.internal import CodegenState

    kept = (
        cst.SimpleStatementLine, cst.SimpleStatementSuite, cst.FunctionDef, cst.ClassDef,
        cst.Decorator, cst.If,
        cst.For, cst.While, cst.With, cst.Try, cst.TryStar, cst.Call, cst.Comment, cst.SimpleString,
        cst.ConcatenatedString, cst.FormattedString, cst.Parameters, cst.Lambda,
    )  # fmt: skip
    kept_types = frozenset(kept)
    scopes = frozenset({cst.FunctionDef, cst.ClassDef})
    name_type = cst.Name
    comment_type = cst.Comment
    funcdef_type = cst.FunctionDef
    null = contextlib.nullcontext()

    class LineTracker(CodegenState):
        def __init__(self, indent: str, newline: str, table: LineTable) -> None:
            super().__init__(default_indent=indent, default_newline=newline)
            self.line = 1
            self.col = 0
            self.starts = table.starts
            self.ends = table.ends
            self.comments = table.comments
            self.def_names: set[int] = set()

        def add_token(self, value: str) -> None:
            n = value.count("\n")
            if n:
                self.line += n
                self.col = len(value) - value.rfind("\n") - 1
            else:
                self.col += len(value)

        def add_indent_tokens(self) -> None:
            for tok in self.indent_tokens:
                self.col += len(tok)

        def before_codegen(self, node: Any) -> None:
            kind = type(node)
            if kind in kept_types:
                self.starts[id(node)] = (self.line, self.col)
                if kind is funcdef_type:
                    self.def_names.add(id(node.name))
                elif kind is comment_type:
                    self.comments.append((self.line, self.col, node.value))
            elif kind is name_type and id(node) in self.def_names:
                self.starts[id(node)] = (self.line, self.col)

        def after_codegen(self, node: cst.CSTNode) -> None:
            if type(node) in scopes:
                self.ends[id(node)] = self.line - 1

        def pop_trailing_newline(self) -> None:
            pass

        def record_syntactic_position(self, *args: object, **kwargs: object) -> Any:
            return null

    return LineTracker



class CstFile:
    """One parsed file with the line numbers of the nodes the scanners keep."""

    def __init__(
        self, tree: cst.Module, path: str, regex: re.Pattern[str], extract: ExtractRefs
    ) -> None:
        import libcst as cst

        self.cst = cst
        self.tree = tree
        self.path = path
        self.regex = regex
        self.extract = extract
        self.lines = line_table(tree)
        self.starts = self.lines.starts
        self.ends = self.lines.ends

    def pos(self, node: cst.CSTNode) -> tuple[int, int]:
        return self.starts.get(id(node), (0, 0))

    def stmt_line(self, node: Any) -> int:
        line = self.pos(node)[0]
        return line + len(getattr(node, "leading_lines", ()))

    def def_line(self, node: cst.FunctionDef) -> int:
        """The line of ``def`` itself (after any decorators)."""
        return self.pos(node.name)[0] if node.decorators else self.stmt_line(node)

    def first_line(self, node: cst.FunctionDef | cst.ClassDef) -> int:
        """The first line including decorators, like ``co_firstlineno``."""
        if node.decorators:
            dec = node.decorators[0]
            return self.pos(dec)[0] + len(dec.leading_lines)
        return self.stmt_line(node)

    def code(self, node: cst.CSTNode) -> str:
        return self.tree.code_for_node(node)

    def text(self, node: cst.CSTNode, limit: int = 300) -> str:
        text = " ".join(self.code(node).split())
        return text if len(text) <= limit else text[: limit - 3] + "..."


def string_value(node: cst.SimpleString) -> str | None:
    try:
        value = node.evaluated_value
    except Exception:
        return None
    return value if isinstance(value, str) else None


def string_pieces(cst: Any, node: Any) -> Iterator[Any]:
    if isinstance(node, cst.ConcatenatedString):
        yield from string_pieces(cst, node.left)
        yield from string_pieces(cst, node.right)
    else:
        yield node


def plain_string(cst: Any, node: Any) -> str | None:
    """The value of a string literal without f-string parts, else None."""
    out = []
    for piece in string_pieces(cst, node):
        if not isinstance(piece, cst.SimpleString):
            return None
        value = string_value(piece)
        if value is None:
            return None
        out.append(value)
    return "".join(out)


def first_piece(cst: Any, node: Any) -> Any:
    for piece in string_pieces(cst, node):
        return piece if isinstance(piece, cst.SimpleString) else None
    return None


def body_of(cst: Any, suite: Any) -> Sequence[Any]:
    return suite.body if isinstance(suite, cst.IndentedBlock) else ()


def blocks_of(cst: Any, node: Any) -> list[Sequence[Any]]:
    if isinstance(node, cst.Match):
        return [body_of(cst, case.body) for case in node.cases]
    blocks = [body_of(cst, node.body)]
    orelse = getattr(node, "orelse", None)
    while orelse is not None:
        if isinstance(orelse, cst.If):
            blocks.append(body_of(cst, orelse.body))
            orelse = orelse.orelse
        else:
            blocks.append(body_of(cst, orelse.body))
            break
    for handler in getattr(node, "handlers", ()):
        blocks.append(body_of(cst, handler.body))
    final = getattr(node, "finalbody", None)
    if final is not None:
        blocks.append(body_of(cst, final.body))
    return blocks
