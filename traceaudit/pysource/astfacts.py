"""Statements that matter for routing, read from an ``ast`` tree: the same records as LibCST.

:class:`AstStatements` gives exactly what :class:`~traceaudit.pysource.statements.
StatementScanner` gives from a LibCST tree (a test holds both to that on every fixture
and on a generated corpus), at a small fraction of the cost: the running Python's own
parser builds the tree, and positions and texts come from a :class:`SourceMap` built
once per file. Where LibCST and ``ast`` see the source differently, this module
reads the text the way LibCST does:

* the parentheses that group an expression belong to it (its text and its line);
* a decorator's line is the line of its ``@``;
* f-strings keep their parts as written; those that ``ast`` cannot give back exactly
  (escapes, ``=`` specifiers, several pieces, several lines) are read by LibCST,
  one f-string at a time.

When the text around a node cannot be read without a tokenizer, :class:`Ambiguous`
is raised and the caller reads the whole file with LibCST.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from traceaudit.pysource import facts as pf
from traceaudit.pysource.source import Ambiguous, SourceMap
from traceaudit.pysource.statements import clean_doc, static_test

__all__ = ["Ambiguous", "AstStatements"]

_BINOPS = {ast.Add: "+", ast.Mod: "%", ast.BitOr: "|"}
_COMPARE_OPS = {
    ast.Eq: "==", ast.NotEq: "!=", ast.In: "in", ast.NotIn: "not in", ast.Is: "is",
    ast.IsNot: "is not", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
}  # fmt: skip
# LibCST's names of the augmented assignment operators, without "Assign".
_AUG_OPS = {
    ast.Add: "Add", ast.Sub: "Subtract", ast.Mult: "Multiply", ast.Div: "Divide",
    ast.Mod: "Modulo", ast.Pow: "Power", ast.LShift: "LeftShift", ast.RShift: "RightShift",
    ast.BitOr: "BitOr", ast.BitXor: "BitXor", ast.BitAnd: "BitAnd",
    ast.FloorDiv: "FloorDivide", ast.MatMult: "MatrixMultiply",
}  # fmt: skip
_CONVERSIONS = {115: "s", 114: "r", 97: "a"}
_SIMPLE = (
    ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr,
    ast.Return, ast.Pass, ast.Delete, ast.Global, ast.Nonlocal, ast.Raise, ast.Assert,
    ast.Break, ast.Continue,
)  # fmt: skip

Owned = int | None  # the offset of a "(" that belongs to the parent (a call, a class)

# Expressions nested deeper than this are not turned into facts (RecursionError, which the
# scan turns into CPython's verdict): every later stage (pickling to the supervisor, route
# evaluation) then fits in the workers' stack budget (sandbox.RECURSION_LIMIT), and CPython
# itself (3.11-3.13 at their default limit) refuses modules well before this depth.
MAX_EXPR_DEPTH = 20_000


class _Bail(Exception):
    """This f-string needs LibCST to be read exactly."""


class AstStatements:
    """Module body -> ``pf.Stmt`` records, from ``ast``."""

    def __init__(self, tree: ast.Module, source: SourceMap, *, shallow: bool = False) -> None:
        self.tree = tree
        self.src = source
        self.text_of = source.source
        self.shallow = shallow  # leave function bodies unread (FuncDef.elided)
        self._strict = False  # inside an f-string read by ast: no Unknown allowed
        self._depth = 0  # expression nesting now (MAX_EXPR_DEPTH)

    # -- positions and texts -------------------------------------------------

    def outer(self, node: ast.AST, owned: Owned = None) -> tuple[int, int]:
        start, end = self.src.span(node)
        return self.src.outer(start, end, owned)

    def line_at(self, offset: int) -> int:
        return self.src.line_of(offset)

    def text(self, node: ast.AST, limit: int = 300, owned: Owned = None) -> str:
        start, end = self.outer(node, owned)
        if isinstance(node, ast.GeneratorExp) and owned is not None and start == owned:
            start, end = start + 1, end - 1  # a lone generator argument: f(x for x in y)
        text = " ".join(self.text_of[start:end].split())
        return text if len(text) <= limit else text[: limit - 3] + "..."

    def code(self, node: ast.AST) -> str:
        start, end = self.outer(node)
        return self.text_of[start:end]

    def decorator_line(self, node: ast.expr) -> int:
        start, _ = self.src.span(node)
        at = self.text_of.rfind("@", 0, start)
        return self.line_at(at) if at >= 0 else node.lineno

    def first_line(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> int:
        if node.decorator_list:
            return self.decorator_line(node.decorator_list[0])
        return node.lineno

    # -- statements ------------------------------------------------------------

    def module_body(self) -> tuple[pf.Stmt, ...]:
        return self.block(self.tree.body, "")

    def block(self, stmts: Sequence[ast.stmt], scope: str) -> tuple[pf.Stmt, ...]:
        out: list[pf.Stmt] = []
        line = 0
        previous_end = -1
        for stmt in stmts:
            if isinstance(stmt, _SIMPLE):
                # Simple statements of one logical line ("a = 1; b = 2") share its line.
                start, end = self.src.span(stmt)
                if previous_end < 0 or not self._same_logical_line(previous_end, start):
                    line = stmt.lineno
                previous_end = end
                out.extend(self.small(stmt, line, scope))
            else:
                previous_end = -1
                out.extend(self.compound(stmt, scope))
        return tuple(out)

    def _same_logical_line(self, previous_end: int, start: int) -> bool:
        between = self.text_of[previous_end:start]
        if ";" not in between:
            return False
        joined = between.replace("\\\r\n", "").replace("\\\n", "").replace("\\\r", "")
        return "\n" not in joined and "\r" not in joined

    def compound(self, node: ast.stmt, scope: str) -> list[pf.Stmt]:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return [self.funcdef(node, scope)]
        if isinstance(node, ast.ClassDef):
            return [self.classdef(node, scope)]
        if isinstance(node, ast.If):
            return [self.if_(node, scope)]
        if isinstance(node, ast.For | ast.AsyncFor):
            return [
                pf.For(
                    self.target(node.target),
                    self.expr(node.iter),
                    self.block(node.body, scope),
                    self.block(node.orelse, scope),
                    node.lineno,
                )
            ]
        if isinstance(node, ast.With | ast.AsyncWith):
            names = tuple(
                self.target(item.optional_vars)
                for item in node.items
                if item.optional_vars is not None
            )
            return [pf.Block(self.block(node.body, scope), names)]
        if isinstance(node, ast.While):
            return [pf.Block(self.block(node.body, scope))]
        if isinstance(node, ast.Try | ast.TryStar):
            handlers = tuple(
                pf.Handler(self.caught(h.type), h.name, self.block(h.body, scope))
                for h in node.handlers
            )
            return [
                pf.Try(
                    self.block(node.body, scope),
                    handlers,
                    self.block(node.orelse, scope),
                    self.block(node.finalbody, scope),
                    node.lineno,
                )
            ]
        return []

    def caught(self, node: ast.expr | None) -> tuple[str, ...]:
        """The dotted names of the exception types an ``except`` clause names."""
        if node is None:
            return ()
        if isinstance(node, ast.Tuple):
            return tuple(self.dotted(e) for e in node.elts)
        return (self.dotted(node),)

    def dotted(self, node: ast.expr) -> str:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute):
            return f"{self.dotted(node.value)}.{node.attr}"
        return self.code(node).strip()

    def small(self, node: ast.stmt, line: int, scope: str) -> list[pf.Stmt]:
        if isinstance(node, ast.Import):
            return [pf.Import(alias.name, alias.asname, line) for alias in node.names]
        if isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if len(node.names) == 1 and node.names[0].name == "*":
                return [pf.ImportFrom(mod, node.level, (), line, star=True)]
            pairs = tuple((a.name, a.asname or a.name) for a in node.names)
            return [pf.ImportFrom(mod, node.level, pairs, line)]
        if isinstance(node, ast.Assign):
            targets = tuple(self.target(t) for t in node.targets)
            return [pf.Assign(targets, self.expr(node.value), line)]
        if isinstance(node, ast.AnnAssign):
            value = self.expr(node.value) if node.value is not None else None
            annotation = self.expr(node.annotation)
            return [pf.Assign((self.target(node.target),), value, line, annotation)]
        if isinstance(node, ast.AugAssign):
            op = _AUG_OPS[type(node.op)]
            return [pf.AugAssign(self.target(node.target), op, self.expr(node.value), line)]
        if isinstance(node, ast.Expr):
            inner = node.value
            while isinstance(inner, ast.Await):
                inner = inner.value
            if isinstance(inner, ast.Call):
                return [pf.ExprStmt(self.expr(inner), line)]
            return []
        if isinstance(node, ast.Return):
            value = self.expr(node.value) if node.value is not None else None
            return [pf.Return(value, line)]
        return []

    def funcdef(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: str) -> pf.FuncDef:
        qual = f"{scope}.{node.name}" if scope else node.name
        decorators = tuple(
            pf.Decorator(self.expr(d), self.decorator_line(d)) for d in node.decorator_list
        )
        doc = ast.get_docstring(node, clean=False)
        elided = self.shallow and has_statements(node.body)
        return pf.FuncDef(
            name=node.name,
            qualname=qual,
            line=self.first_line(node),
            def_line=self.def_line(node),
            decorators=decorators,
            params=self.params(node.args),
            body=() if self.shallow else self.block(node.body, qual),
            returns=self.expr(node.returns) if node.returns is not None else None,
            is_async=isinstance(node, ast.AsyncFunctionDef),
            docstring=clean_doc(doc) if isinstance(doc, str) else None,
            elided=elided,
        )

    def def_line(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
        """The ``def`` line: the statement's first line, or with decorators the line of
        the function's name (as LibCST places it)."""
        if not node.decorator_list:
            return node.lineno
        start = self.src.offset(node.lineno, node.col_offset)
        at = self.text_of.find("def", start)
        if at < 0:
            return node.lineno
        name = self.src.next_token(at + 3)
        return self.line_at(name)

    def params(self, args: ast.arguments) -> tuple[pf.Param, ...]:
        out: list[pf.Param] = []
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
        defaults += list(args.defaults)

        def add(arg: ast.arg, kind: str, default: ast.expr | None) -> None:
            ann = self.expr(arg.annotation) if arg.annotation is not None else None
            value = self.expr(default) if default is not None else None
            out.append(pf.Param(arg.arg, kind, ann, value))

        for i, arg in enumerate(positional):
            add(arg, "posonly" if i < len(args.posonlyargs) else "pos", defaults[i])
        if args.vararg is not None:
            add(args.vararg, "vararg", None)
        for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            add(arg, "kwonly", default)
        if args.kwarg is not None:
            add(args.kwarg, "kwarg", None)
        return tuple(out)

    def classdef(self, node: ast.ClassDef, scope: str) -> pf.ClassDef:
        qual = f"{scope}.{node.name}" if scope else node.name
        owned = self._class_parens(node)
        items: list[ast.expr | ast.keyword] = [*node.bases, *node.keywords]
        bases = tuple(self.arg(a, owned) for a in items)
        decorators = tuple(
            pf.Decorator(self.expr(d), self.decorator_line(d)) for d in node.decorator_list
        )
        return pf.ClassDef(
            node.name, qual, self.first_line(node), bases, decorators,
            self.block(node.body, qual),
        )  # fmt: skip

    def _class_parens(self, node: ast.ClassDef) -> Owned:
        if not node.bases and not node.keywords:
            return None
        start = self.src.offset(node.lineno, node.col_offset)
        name_at = self.text_of.find(node.name, start + 5)
        return self.src.next_token(name_at + len(node.name))

    def if_(self, node: ast.If, scope: str) -> pf.If:
        orelse = self.block(node.orelse, scope)  # elif and else-if give the same records
        return pf.If(
            self.text(node.test, 200),
            self.block(node.body, scope),
            orelse,
            node.lineno,
            static_test(self.code(node.test)),
            self.expr(node.test),
        )

    # -- expressions ---------------------------------------------------------

    def target(self, node: ast.expr) -> pf.Expr:
        if isinstance(node, ast.Tuple | ast.List):
            items = tuple(
                pf.Star(self.target(e.value)) if isinstance(e, ast.Starred) else self.target(e)
                for e in node.elts
            )
            return pf.Seq("tuple", items)
        return self.expr(node)

    def arg(self, node: ast.expr | ast.keyword, owned: Owned = None) -> pf.Arg:
        if isinstance(node, ast.keyword):
            if node.arg is None:
                return pf.Arg(self.expr(node.value), None, "**")
            return pf.Arg(self.expr(node.value), node.arg, "")
        if isinstance(node, ast.Starred):
            return pf.Arg(self.expr(node.value), None, "*")
        return pf.Arg(self.expr(node, owned), None, "")

    def call(self, node: ast.Call, owned: Owned) -> pf.Call:
        start, _ = self.outer(node, owned)
        _, func_end = self.outer(node.func)
        mine = self.src.next_token(func_end)
        items: list[tuple[int, ast.expr | ast.keyword]] = [
            (self.src.offset(a.lineno, a.col_offset), a) for a in node.args
        ]
        items += [(self.src.offset(k.lineno, k.col_offset), k) for k in node.keywords]
        items.sort(key=lambda pair: pair[0])
        args = tuple(self.arg(item, mine) for _, item in items)
        return pf.Call(self.expr(node.func), args, self.line_at(start))

    def expr(self, node: ast.expr, owned: Owned = None) -> pf.Expr:
        if isinstance(node, ast.Name):
            return pf.Name(node.id)
        self._depth += 1
        try:
            if self._depth > MAX_EXPR_DEPTH:
                raise RecursionError(f"an expression nested over {MAX_EXPR_DEPTH:,} deep")
            return self._expr(node, owned)
        finally:
            self._depth -= 1

    def _expr(self, node: ast.expr, owned: Owned) -> pf.Expr:
        if isinstance(node, ast.Attribute):
            return pf.Attr(self.expr(node.value), node.attr)
        if isinstance(node, ast.Call):
            return self.call(node, owned)
        if isinstance(node, ast.Constant):
            value = node.value
            if value is None or isinstance(value, bool):
                return pf.Const(value)  # LibCST reads True/False/None as names
            if isinstance(value, str | int | float):
                return pf.Const(value)
            return self.unknown(node, owned)
        if isinstance(node, ast.JoinedStr):
            return self.fstring(node, owned)
        if isinstance(node, ast.BinOp):
            op = _BINOPS.get(type(node.op))
            if op is None:
                return self.unknown(node, owned)
            return pf.BinOp(op, self.expr(node.left), self.expr(node.right))
        if isinstance(node, ast.UnaryOp):
            inner = self.expr(node.operand)
            if isinstance(node.op, ast.Not):
                return pf.Compare(inner, ("not",), ())
            if (
                isinstance(node.op, ast.USub)
                and isinstance(inner, pf.Const)
                and type(inner.value) in (int, float)
            ):
                assert isinstance(inner.value, int | float)
                return pf.Const(-inner.value)
            return self.unknown(node, owned)
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            kind = (
                "list" if isinstance(node, ast.List) else "set" if isinstance(node, ast.Set)
                else "tuple"
            )  # fmt: skip
            items = tuple(
                pf.Star(self.expr(e.value)) if isinstance(e, ast.Starred) else self.expr(e)
                for e in node.elts
            )
            return pf.Seq(kind, items)
        if isinstance(node, ast.Dict):
            pairs = tuple(
                (self.expr(k) if k is not None else None, self.expr(v))
                for k, v in zip(node.keys, node.values, strict=True)
            )
            return pf.DictE(pairs)
        if isinstance(node, ast.Await):  # awaiting a project coroutine runs its body
            return self.expr(node.value)
        if isinstance(node, ast.IfExp):
            return pf.IfExp(self.expr(node.test), self.expr(node.body), self.expr(node.orelse))
        if isinstance(node, ast.Compare):
            ops = tuple(_COMPARE_OPS[type(op)] for op in node.ops)
            comparators = tuple(self.expr(c) for c in node.comparators)
            return pf.Compare(self.expr(node.left), ops, comparators)
        if isinstance(node, ast.BoolOp):
            if len(node.values) > MAX_EXPR_DEPTH:  # the facts nest one level per operand
                raise RecursionError(f"an expression nested over {MAX_EXPR_DEPTH:,} deep")
            op = "or" if isinstance(node.op, ast.Or) else "and"
            result = self.expr(node.values[0])
            for operand in node.values[1:]:
                result = pf.BoolOp(op, result, self.expr(operand))
            return result
        if isinstance(node, ast.Subscript):
            return pf.Subscript(self.expr(node.value), self.subscript_index(node.slice))
        if isinstance(node, ast.Lambda):
            return self.lambda_(node, owned)
        if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            return pf.NamedExpr(node.target.id, self.expr(node.value))
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            return self.comprehension(node, owned)
        return self.unknown(node, owned)

    def lambda_(self, node: ast.Lambda, owned: Owned) -> pf.Lambda:
        start, _ = self.outer(node, owned)
        line = self.line_at(start)
        body = (pf.Return(self.expr(node.body), line),)
        params = self.params(node.args)
        return pf.Lambda(pf.FuncDef("<lambda>", "<lambda>", line, line, (), params, body))

    def comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp, owned: Owned
    ) -> pf.Expr:
        generators: list[pf.CompFor] = []
        for clause in node.generators:
            if clause.is_async:
                return self.unknown(node, owned)
            ifs = tuple(self.expr(i) for i in clause.ifs)
            generators.append(pf.CompFor(self.target(clause.target), self.expr(clause.iter), ifs))
        if isinstance(node, ast.DictComp):
            return pf.Comp("dict", self.expr(node.key), tuple(generators), self.expr(node.value))
        kind = "list" if isinstance(node, ast.ListComp) else "set" if isinstance(
            node, ast.SetComp
        ) else "gen"
        return pf.Comp(kind, self.expr(node.elt), tuple(generators))

    def slice(self, node: ast.Slice) -> pf.Slice:
        def bound(value: ast.expr | None) -> pf.Expr | None:
            return self.expr(value) if value is not None else None

        return pf.Slice(bound(node.lower), bound(node.upper), bound(node.step))

    def subscript_index(self, node: ast.expr) -> tuple[pf.Expr, ...]:
        """LibCST's subscript elements: ``a[x, y]`` has two, ``a[(x, y)]`` one."""
        if isinstance(node, ast.Tuple) and node.elts and not self._parenthesized_tuple(node):
            return tuple(self.index_item(e) for e in node.elts)
        return (self.index_item(node),)

    def index_item(self, node: ast.expr) -> pf.Expr:
        if isinstance(node, ast.Slice):
            return self.slice(node)
        if isinstance(node, ast.Starred):
            raise Ambiguous  # PEP 646 a[*b]: read by LibCST
        return self.expr(node)

    def _parenthesized_tuple(self, node: ast.Tuple) -> bool:
        start, _ = self.src.span(node)
        first, _ = self.outer(node.elts[0])
        return start < first

    def unknown(self, node: ast.AST, owned: Owned = None) -> pf.Unknown:
        if self._strict:
            raise _Bail
        return pf.Unknown(self.text(node, owned=owned))

    # -- f-strings -----------------------------------------------------------

    def fstring(self, node: ast.JoinedStr, owned: Owned) -> pf.Expr:
        start, end = self.src.span(node)
        raw = self.text_of[start:end]
        if "\\" not in raw and "\n" not in raw and "\r" not in raw and _one_fstring(raw):
            try:
                return self._fstring_from_ast(node)
            except _Bail:
                pass
            finally:
                self._strict = False
        return self._fstring_from_cst(node, raw)

    def _fstring_from_ast(self, node: ast.JoinedStr) -> pf.Expr:
        """A one-line, one-piece f-string without escapes: ``ast`` parts are exact."""
        self._strict = True
        parts: list[pf.Expr] = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(pf.Const(value.value))
            elif isinstance(value, ast.FormattedValue):
                conversion = _CONVERSIONS.get(value.conversion, "")
                spec = value.format_spec
                if spec is not None:
                    if not isinstance(spec, ast.JoinedStr) or not spec.values:
                        raise _Bail
                    pieces = [p.value for p in spec.values if isinstance(p, ast.Constant)]
                    if len(pieces) != len(spec.values) or not all(
                        isinstance(p, str) for p in pieces
                    ):
                        raise _Bail
                    text = "".join(str(p) for p in pieces)
                    parts.append(pf.Formatted(self.expr(value.value), text, conversion))
                elif conversion:
                    parts.append(pf.Formatted(self.expr(value.value), "", conversion))
                else:
                    parts.append(self.expr(value.value))
            else:
                raise _Bail
        if all(isinstance(p, pf.Const) for p in parts):
            return pf.Const("".join(str(p.value) for p in parts if isinstance(p, pf.Const)))
        return pf.FStr(tuple(parts))

    def _fstring_from_cst(self, node: ast.JoinedStr, raw: str) -> pf.Expr:
        """Read the f-string's own text with LibCST, exactly as a whole-file parse would."""
        from traceaudit.pysource.fstrings import fstring_facts

        return fstring_facts(raw, node.lineno)


def has_statements(body: Sequence[ast.stmt]) -> bool:
    """Whether a function body holds more than a docstring, ``pass`` or ``...``: what
    would give facts if it were read."""
    for stmt in body:
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue
        return True
    return False


def _one_fstring(raw: str) -> bool:
    """Whether ``raw`` is a single f-string literal (no implicit concatenation) whose
    text holds no ``=`` (``{x=}`` reads like ``x={x!r}`` in ``ast``)."""
    i = 0
    while i < len(raw) and raw[i] not in "'\"":
        i += 1
    quote = raw[i : i + 3] if raw.startswith(('"""', "'''"), i) else raw[i : i + 1]
    if not quote:
        return False
    body_end = len(raw) - len(quote)
    if body_end <= i or not raw.endswith(quote):
        return False
    body = raw[i + len(quote) : body_end]
    return quote not in body and "=" not in body and "'" not in body and '"' not in body

