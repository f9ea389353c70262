"""One f-string read by LibCST, for the ``ast`` scanner: its parts exactly as written.

``ast`` joins an f-string's literal text after processing escapes, merges the pieces of
an implicit concatenation and reads ``{x=}`` like ``x={x!r}``; LibCST keeps them as
written, and the facts keep what LibCST keeps. So
:class:`~traceaudit.pysource.astfacts.AstStatements` hands such an f-string's own
text here: it is parsed alone, as the one argument of a call so that it owns no
parentheses, and read by the LibCST statement scanner with its line numbers moved
to where the f-string stands in the file.
"""

from __future__ import annotations

import re
from typing import Any

from traceaudit.pysource import facts as pf
from traceaudit.pysource.statements import StatementScanner

_NO_IDS = re.compile(r"(?!)")


class _Snippet(StatementScanner):
    """The scanner over a one-line module ``_(<f-string>)``, lines shifted by ``shift``."""

    def __init__(self, tree: Any, shift: int) -> None:
        super().__init__(tree, "", _NO_IDS, lambda text, regex: ())
        self.shift = shift

    def pos(self, node: Any) -> tuple[int, int]:
        line, col = super().pos(node)
        return line + self.shift, col


def fstring_facts(raw: str, line: int) -> pf.Expr:
    """The facts of the f-string written ``raw`` whose first line is ``line``."""
    import libcst as cst

    tree = cst.parse_module(f"_({raw})\n")
    scanner = _Snippet(tree, line - 1)
    statement = tree.body[0]
    assert isinstance(statement, cst.SimpleStatementLine)
    expr = statement.body[0]
    assert isinstance(expr, cst.Expr) and isinstance(expr.value, cst.Call)
    return scanner.expr(expr.value.args[0].value)
