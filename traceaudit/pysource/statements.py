"""Statements that matter for routing: LibCST nodes -> the facts' statement records.

:class:`StatementScanner` turns a module's statements into
:mod:`traceaudit.pysource.facts` records (imports, assignments, defs with their
decorators and parameters, classes, ifs, loops, calls) in the small expression
language the route interpreter runs. Whatever it cannot express becomes
``Unknown`` with its source text.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from traceaudit.pysource import facts as pf
from traceaudit.pysource.syntax import CstFile, string_pieces, string_value

if TYPE_CHECKING:
    import libcst as cst


class StatementScanner(CstFile):
    """Module body -> ``pf.Stmt`` records."""

    shallow = False  # leave function bodies unread (``FuncDef.elided``)

    def module_body(self) -> tuple[pf.Stmt, ...]:
        return self.block(self.tree.body, "")

    def block(self, stmts: Sequence[Any], scope: str) -> tuple[pf.Stmt, ...]:
        out: list[pf.Stmt] = []
        for stmt in stmts:
            out.extend(self.stmt(stmt, scope))
        return tuple(out)

    def suite(self, node: Any, scope: str) -> tuple[pf.Stmt, ...]:
        """The statements of an IndentedBlock or a one-line SimpleStatementSuite."""
        cst = self.cst
        if isinstance(node, cst.SimpleStatementSuite):
            line = self.pos(node)[0]
            return tuple(s for small in node.body for s in self.small(small, line, scope))
        return self.block(node.body, scope)

    def stmt(self, node: Any, scope: str) -> list[pf.Stmt]:
        cst = self.cst
        if isinstance(node, cst.SimpleStatementLine):
            line = self.stmt_line(node)
            return [s for small in node.body for s in self.small(small, line, scope)]
        if isinstance(node, cst.FunctionDef):
            return [self.funcdef(node, scope)]
        if isinstance(node, cst.ClassDef):
            return [self.classdef(node, scope)]
        if isinstance(node, cst.If):
            return [self.if_(node, scope)]
        if isinstance(node, cst.For):
            return [
                pf.For(
                    self.target(node.target),
                    self.expr(node.iter),
                    self.suite(node.body, scope),
                    self.suite(node.orelse.body, scope) if node.orelse else (),
                    self.stmt_line(node),
                )
            ]
        if isinstance(node, cst.With):
            names = tuple(self.target(i.asname.name) for i in node.items if i.asname is not None)
            return [pf.Block(self.suite(node.body, scope), names)]
        if isinstance(node, cst.While):
            return [pf.Block(self.suite(node.body, scope))]
        if isinstance(node, cst.Try | cst.TryStar):
            handlers = tuple(
                pf.Handler(
                    self.caught(h.type),
                    self.dotted(h.name.name) if h.name is not None else None,
                    self.suite(h.body, scope),
                )
                for h in node.handlers
            )
            return [
                pf.Try(
                    self.suite(node.body, scope),
                    handlers,
                    self.suite(node.orelse.body, scope) if node.orelse is not None else (),
                    self.suite(node.finalbody.body, scope) if node.finalbody is not None else (),
                    self.stmt_line(node),
                )
            ]
        return []

    def caught(self, node: Any) -> tuple[str, ...]:
        """The dotted names of the exception types an ``except`` clause names."""
        if node is None:
            return ()
        if isinstance(node, self.cst.Tuple):
            return tuple(self.dotted(e.value) for e in node.elements)
        return (self.dotted(node),)

    def small(self, node: Any, line: int, scope: str) -> list[pf.Stmt]:
        cst = self.cst
        if isinstance(node, cst.Import):
            out: list[pf.Stmt] = []
            for alias in node.names:
                name = self.dotted(alias.name)
                asname = self.dotted(alias.asname.name) if alias.asname is not None else None
                out.append(pf.Import(name, asname, line))
            return out
        if isinstance(node, cst.ImportFrom):
            level = len(node.relative)
            mod = self.dotted(node.module) if node.module is not None else ""
            if isinstance(node.names, cst.ImportStar):
                return [pf.ImportFrom(mod, level, (), line, star=True)]
            pairs = []
            for alias in node.names:
                name = self.dotted(alias.name)
                local = self.dotted(alias.asname.name) if alias.asname is not None else name
                pairs.append((name, local))
            return [pf.ImportFrom(mod, level, tuple(pairs), line)]
        if isinstance(node, cst.Assign):
            targets = tuple(self.target(t.target) for t in node.targets)
            return [pf.Assign(targets, self.expr(node.value), line)]
        if isinstance(node, cst.AnnAssign):
            value = self.expr(node.value) if node.value is not None else None
            ann = self.expr(node.annotation.annotation)
            return [pf.Assign((self.target(node.target),), value, line, ann)]
        if isinstance(node, cst.AugAssign):
            op = type(node.operator).__name__.replace("Assign", "")
            return [pf.AugAssign(self.target(node.target), op, self.expr(node.value), line)]
        if isinstance(node, cst.Expr):
            value = node.value
            while isinstance(value, cst.Await):
                value = value.expression
            if isinstance(value, cst.Call):
                return [pf.ExprStmt(self.expr(value), line)]
            return []
        if isinstance(node, cst.Return):
            value = self.expr(node.value) if node.value is not None else None
            return [pf.Return(value, line)]
        type_alias = getattr(cst, "TypeAlias", None)
        if type_alias is not None and isinstance(node, type_alias):
            return [pf.Assign((pf.Name(node.name.value),), self.expr(node.value), line)]
        return []

    def funcdef(self, node: cst.FunctionDef, scope: str) -> pf.FuncDef:
        qual = f"{scope}.{node.name.value}" if scope else node.name.value
        decorators = tuple(
            pf.Decorator(self.expr(d.decorator), self.pos(d)[0] + len(d.leading_lines))
            for d in node.decorators
        )
        doc = node.get_docstring(clean=False)
        shallow = self.shallow
        return pf.FuncDef(
            name=node.name.value,
            qualname=qual,
            line=self.first_line(node),
            def_line=self.def_line(node),
            decorators=decorators,
            params=self.params(node.params),
            body=() if shallow else self.suite(node.body, qual),
            returns=self.expr(node.returns.annotation) if node.returns is not None else None,
            is_async=node.asynchronous is not None,
            docstring=clean_doc(doc) if isinstance(doc, str) else None,
            elided=shallow and self.has_statements(node.body),
        )

    def lambda_(self, node: cst.Lambda, scope: str) -> pf.Lambda:
        line = self.pos(node)[0]
        qual = f"{scope}.<lambda>" if scope else "<lambda>"
        body = (pf.Return(self.expr(node.body), line),)
        params = self.params(node.params)
        return pf.Lambda(pf.FuncDef("<lambda>", qual, line, line, (), params, body))

    def has_statements(self, suite: Any) -> bool:
        """Whether a function body holds more than a docstring, ``pass`` or ``...``
        (:func:`traceaudit.pysource.astfacts.has_statements` on a LibCST suite)."""
        cst = self.cst
        lines = suite.body if isinstance(suite, cst.IndentedBlock) else [suite]
        for line in lines:
            if not isinstance(line, cst.SimpleStatementLine | cst.SimpleStatementSuite):
                return True
            for small in line.body:
                if isinstance(small, cst.Pass):
                    continue
                if isinstance(small, cst.Expr) and _is_literal(cst, small.value):
                    continue
                return True
        return False

    def params(self, node: cst.Parameters) -> tuple[pf.Param, ...]:
        cst = self.cst
        out: list[pf.Param] = []

        def add(p: Any, kind: str) -> None:
            ann = self.expr(p.annotation.annotation) if p.annotation is not None else None
            default = self.expr(p.default) if p.default is not None else None
            out.append(pf.Param(p.name.value, kind, ann, default))

        for p in node.posonly_params:
            add(p, "posonly")
        for p in node.params:
            add(p, "pos")
        if isinstance(node.star_arg, cst.Param):
            add(node.star_arg, "vararg")
        for p in node.kwonly_params:
            add(p, "kwonly")
        if node.star_kwarg is not None:
            add(node.star_kwarg, "kwarg")
        return tuple(out)

    def classdef(self, node: cst.ClassDef, scope: str) -> pf.ClassDef:
        qual = f"{scope}.{node.name.value}" if scope else node.name.value
        bases = tuple(self.arg(a) for a in (*node.bases, *node.keywords))
        decorators = tuple(
            pf.Decorator(self.expr(d.decorator), self.pos(d)[0] + len(d.leading_lines))
            for d in node.decorators
        )
        return pf.ClassDef(
            node.name.value, qual, self.first_line(node), bases, decorators,
            self.suite(node.body, qual),
        )  # fmt: skip

    def if_(self, node: cst.If, scope: str) -> pf.If:
        cst = self.cst
        orelse: tuple[pf.Stmt, ...] = ()
        if isinstance(node.orelse, cst.If):
            orelse = (self.if_(node.orelse, scope),)
        elif isinstance(node.orelse, cst.Else):
            orelse = self.suite(node.orelse.body, scope)
        return pf.If(
            self.text(node.test, 200),
            self.suite(node.body, scope),
            orelse,
            self.stmt_line(node),
            static_test(self.code(node.test)),
            self.expr(node.test),
        )

    # -- expressions ---------------------------------------------------------

    def dotted(self, node: Any) -> str:
        cst = self.cst
        if isinstance(node, cst.Name):
            return str(node.value)
        if isinstance(node, cst.Attribute):
            return f"{self.dotted(node.value)}.{node.attr.value}"
        return self.code(node).strip()

    def target(self, node: Any) -> pf.Expr:
        cst = self.cst
        if isinstance(node, cst.Tuple | cst.List):
            items = tuple(
                pf.Star(self.target(e.value))
                if isinstance(e, cst.StarredElement)
                else self.target(e.value)
                for e in node.elements
            )
            return pf.Seq("tuple", items)
        return self.expr(node)

    def arg(self, node: cst.Arg) -> pf.Arg:
        name = node.keyword.value if node.keyword is not None else None
        star = node.star if node.star in ("*", "**") else ""
        return pf.Arg(self.expr(node.value), name, star)

    def expr(self, node: Any) -> pf.Expr:
        cst = self.cst
        if isinstance(node, cst.Name):
            if node.value in _NAMED_CONSTANTS:
                return pf.Const(_NAMED_CONSTANTS[node.value])
            return pf.Name(node.value)
        if isinstance(node, cst.Attribute):
            return pf.Attr(self.expr(node.value), node.attr.value)
        if isinstance(node, cst.Call):
            return pf.Call(
                self.expr(node.func), tuple(self.arg(a) for a in node.args), self.pos(node)[0]
            )
        if isinstance(node, cst.SimpleString):
            value = string_value(node)
            return pf.Const(value) if value is not None else self.unknown(node)
        if isinstance(node, cst.ConcatenatedString | cst.FormattedString):
            return self.string(node)
        if isinstance(node, cst.Integer | cst.Float):
            try:
                return pf.Const(node.evaluated_value)
            except ValueError:
                return self.unknown(node)
        if isinstance(node, cst.BinaryOperation):
            op = _BINOPS.get(type(node.operator).__name__)
            if op is None:
                return self.unknown(node)
            return pf.BinOp(op, self.expr(node.left), self.expr(node.right))
        if isinstance(node, cst.UnaryOperation):
            inner = self.expr(node.expression)
            if isinstance(node.operator, cst.Not):
                return pf.Compare(inner, ("not",), ())
            if (
                isinstance(node.operator, cst.Minus)
                and isinstance(inner, pf.Const)
                and type(inner.value) in (int, float)
            ):
                assert isinstance(inner.value, int | float)
                return pf.Const(-inner.value)
            return self.unknown(node)
        if isinstance(node, cst.List | cst.Tuple | cst.Set):
            kind = {cst.List: "list", cst.Tuple: "tuple", cst.Set: "set"}[type(node)]
            items = tuple(
                pf.Star(self.expr(e.value))
                if isinstance(e, cst.StarredElement)
                else self.expr(e.value)
                for e in node.elements
            )
            return pf.Seq(kind, items)
        if isinstance(node, cst.Dict):
            pairs: list[tuple[pf.Expr | None, pf.Expr]] = []
            for el in node.elements:
                if isinstance(el, cst.DictElement):
                    pairs.append((self.expr(el.key), self.expr(el.value)))
                else:
                    pairs.append((None, self.expr(el.value)))
            return pf.DictE(tuple(pairs))
        if isinstance(node, cst.Await):  # awaiting a project coroutine runs its body
            return self.expr(node.expression)
        if isinstance(node, cst.IfExp):
            return pf.IfExp(self.expr(node.test), self.expr(node.body), self.expr(node.orelse))
        if isinstance(node, cst.Comparison):
            ops = tuple(_COMPARE_OPS.get(type(t.operator).__name__, "?") for t in node.comparisons)
            if "?" in ops:
                return self.unknown(node)
            comparators = tuple(self.expr(t.comparator) for t in node.comparisons)
            return pf.Compare(self.expr(node.left), ops, comparators)
        if isinstance(node, cst.BooleanOperation):
            op = "or" if isinstance(node.operator, cst.Or) else "and"
            return pf.BoolOp(op, self.expr(node.left), self.expr(node.right))
        if isinstance(node, cst.Subscript):
            index = tuple(
                self.expr(el.slice.value)
                if isinstance(el.slice, cst.Index)
                else self.slice(el.slice)
                for el in node.slice
            )
            return pf.Subscript(self.expr(node.value), index)
        if isinstance(node, cst.Lambda):
            return self.lambda_(node, "")
        if isinstance(node, cst.NamedExpr) and isinstance(node.target, cst.Name):
            return pf.NamedExpr(node.target.value, self.expr(node.value))
        if isinstance(node, cst.ListComp | cst.SetComp | cst.GeneratorExp | cst.DictComp):
            return self.comprehension(node)
        return self.unknown(node)

    def slice(self, node: cst.Slice) -> pf.Slice:
        def bound(value: Any) -> pf.Expr | None:
            return self.expr(value) if value is not None else None

        return pf.Slice(bound(node.lower), bound(node.upper), bound(node.step))

    def comprehension(self, node: Any) -> pf.Expr:
        cst = self.cst
        generators: list[pf.CompFor] = []
        clause = node.for_in
        while clause is not None:
            if clause.asynchronous is not None:
                return self.unknown(node)
            ifs = tuple(self.expr(i.test) for i in clause.ifs)
            generators.append(pf.CompFor(self.target(clause.target), self.expr(clause.iter), ifs))
            clause = clause.inner_for_in
        if isinstance(node, cst.DictComp):
            return pf.Comp("dict", self.expr(node.key), tuple(generators), self.expr(node.value))
        kind = {cst.ListComp: "list", cst.SetComp: "set", cst.GeneratorExp: "gen"}[type(node)]
        return pf.Comp(kind, self.expr(node.elt), tuple(generators))

    def unknown(self, node: cst.CSTNode) -> pf.Unknown:
        return pf.Unknown(self.text(node))

    def string(self, node: Any) -> pf.Expr:
        """An implicitly concatenated and/or formatted string."""
        parts: list[pf.Expr] = []
        for piece in string_pieces(self.cst, node):
            if isinstance(piece, self.cst.SimpleString):
                value = string_value(piece)
                if value is None:
                    return self.unknown(node)
                parts.append(pf.Const(value))
                continue
            if isinstance(piece, self.cst.FormattedString):
                raw = "r" in piece.prefix.lower()
                for part in piece.parts:
                    if isinstance(part, self.cst.FormattedStringText):
                        text = part.value.replace("{{", "{").replace("}}", "}")
                        if "\\" in text and not raw:
                            parts.append(pf.Unknown(text))
                        else:
                            parts.append(pf.Const(text))
                    elif not isinstance(part, self.cst.FormattedStringExpression):
                        return self.unknown(node)
                    elif part.equal:
                        parts.append(self.unknown(part))
                    elif part.conversion or part.format_spec:
                        spec = part.format_spec or ()
                        if not all(isinstance(p, self.cst.FormattedStringText) for p in spec):
                            parts.append(self.unknown(part))
                            continue
                        spec_text = "".join(getattr(p, "value", "") for p in spec)
                        inner = self.expr(part.expression)
                        parts.append(pf.Formatted(inner, spec_text, part.conversion or ""))
                    else:
                        parts.append(self.expr(part.expression))
                continue
            return self.unknown(node)
        if all(isinstance(p, pf.Const) for p in parts):
            return pf.Const("".join(str(p.value) for p in parts if isinstance(p, pf.Const)))
        return pf.FStr(tuple(parts))


_NAMED_CONSTANTS: dict[str, pf.ConstValue] = {"True": True, "False": False, "None": None}


_BINOPS = {"Add": "+", "Modulo": "%", "BitOr": "|"}


_COMPARE_OPS = {
    "Equal": "==", "NotEqual": "!=", "In": "in", "NotIn": "not in", "Is": "is",
    "IsNot": "is not", "LessThan": "<", "LessThanEqual": "<=", "GreaterThan": ">",
    "GreaterThanEqual": ">=",
}  # fmt: skip


def _is_literal(cst: Any, node: Any) -> bool:
    """A constant as ``ast`` sees one: a string, a number, ``...``, True, False, None."""
    if isinstance(node, cst.ConcatenatedString):
        return _is_literal(cst, node.left) and _is_literal(cst, node.right)
    if isinstance(node, cst.SimpleString | cst.Integer | cst.Float | cst.Imaginary | cst.Ellipsis):
        return True
    return isinstance(node, cst.Name) and node.value in ("True", "False", "None")


def static_test(code: str) -> bool | None:
    """The value of an ``if`` test that is the same on every run, else None."""
    text = " ".join(code.split())
    if text in ("TYPE_CHECKING", "typing.TYPE_CHECKING", "False", "0"):
        return False
    if text in ("not TYPE_CHECKING", "not typing.TYPE_CHECKING", "True", "1"):
        return True
    if re.fullmatch(r"""__name__ ?== ?['"]__main__['"]|['"]__main__['"] ?== ?__name__""", text):
        return False
    return None


def clean_doc(doc: str, limit: int = 4000) -> str:
    cleaned = inspect.cleandoc(doc)
    return cleaned if len(cleaned) <= limit else cleaned[:limit]
