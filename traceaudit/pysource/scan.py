"""One Python file -> :class:`~traceaudit.pysource.facts.ModuleFacts`, with LibCST.

``scan_module`` is a pure function of the source text, so its result can be
cached by content hash and computed in a process pool. It never raises: a file
that does not parse yields facts with ``parse_error`` set.

Cost matters (parsing with LibCST is ~15x ``ast.parse``), so:

* a cheap text prefilter (:mod:`traceaudit.pysource.prefilter`) decides whether the file
  can matter at all: code facts are only extracted from files that mention
  FastAPI/Starlette, routers, routes, dependencies, settings, environment lookups
  or path-like constants; spec references only from files whose text holds a
  reference candidate. Everything else yields ``scanned=False`` without being
  parsed (keeping only its function names and lines, found by text);
* a file that only holds references is read with ``ast`` and ``tokenize``
  (:mod:`traceaudit.pysource.citations`, same result, several times faster), and LibCST only
  when the running Python cannot parse it;
* ``libcst`` is imported lazily, the first time a file needs it;
* line numbers come from one lean code-generation pass that counts newlines
  and records only the nodes we keep (no ``PositionProvider``, which costs
  about twice the parse itself).

LibCST parses Python 3.12-3.14 syntax (PEP 695, nested f-string quotes,
t-strings) under 3.11, which ``ast`` cannot.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from traceaudit.config import id_regex as config_id_regex
from traceaudit.discover import is_test_path
from traceaudit.model import CodeRef, Config, Location, RefSource
from traceaudit.pysource import citations
from traceaudit.pysource import facts as pf
from traceaudit.pysource.citations import ExtractRefs
from traceaudit.pysource.prefilter import (
    ast_defs,
    is_package,
    light_defs,
    may_cite_spec,
    wants_code,
)

if TYPE_CHECKING:
    import libcst as cst


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def failed_module(path: str, module: str, message: str, is_test: bool = False) -> pf.ModuleFacts:
    """Facts for a file that could not be read or decoded."""
    return pf.ModuleFacts(
        path=path,
        module=module,
        is_package=is_package(path),
        is_test=is_test,
        scanned=False,
        parse_error=(Location(path, 1), message),
    )


_SERVE_CALL = re.compile(r"\b(?:uvicorn|hypercorn)\s*\.\s*(?:run|Config)\s*\(")
_APP_STRING = re.compile(r"""["']([A-Za-z_][\w.]*:[A-Za-z_][\w.]*)["']""")
_SERVE_COMMAND = re.compile(
    r"""["']uvicorn["'\s,]+"""  # a command line or argv list ...
    r"""(?:["']?--?[\w-]+(?:[= ]\S+)?["']?[\s,]+)*"""  # ... its options ...
    r"""["']?([A-Za-z_][\w.]*:[A-Za-z_][\w.]*)(?P<rest>[^\n]*)"""  # ... the app
)


def serve_hints(source: str) -> tuple[str, ...]:
    """The "module:attr" strings a file hands to uvicorn/hypercorn, with ``()`` for
    factories: the surest sign of which app a project really serves."""
    hints: set[str] = set()
    for call in _SERVE_CALL.finditer(source):
        depth, end = 1, call.end()
        while depth and end < len(source) and end < call.end() + 2000:
            depth += {"(": 1, ")": -1}.get(source[end], 0)
            end += 1
        args = source[call.end() : end]
        target = _APP_STRING.search(args)
        if target:
            factory = re.search(r"\bfactory\s*=\s*True", args) is not None
            hints.add(target[1] + ("()" if factory else ""))
    for command in _SERVE_COMMAND.finditer(source):
        hints.add(command[1] + ("()" if "--factory" in command["rest"] else ""))
    return tuple(sorted(hints))


def scan_module(
    source: str,
    path: str,
    module: str,
    config: Config,
    *,
    extract_refs: ExtractRefs | None = None,
) -> pf.ModuleFacts:
    """One Python file -> its facts, never raising (see :func:`_scan_module`)."""
    facts = _scan_module(source, path, module, config, extract_refs=extract_refs)
    if facts.is_test or ("uvicorn" not in source and "hypercorn" not in source):
        return facts
    hints = serve_hints(source)
    return replace(facts, serve_hints=hints) if hints else facts


def _scan_module(
    source: str,
    path: str,
    module: str,
    config: Config,
    *,
    extract_refs: ExtractRefs | None = None,
) -> pf.ModuleFacts:
    """Everything one Python file contributes: code facts and spec references.

    ``extract_refs`` defaults to :func:`traceaudit.refs.extract_refs`.
    """
    is_test = is_test_path(path)
    is_pkg = is_package(path)
    if extract_refs is None:
        from traceaudit.refs import extract_refs as default_extract

        extract_refs = default_extract
    regex = config_id_regex(config)
    want_code = not is_test and wants_code(source, is_pkg)
    want_refs = may_cite_spec(source, regex, extract_refs)
    base = pf.ModuleFacts(path=path, module=module, is_package=is_pkg, is_test=is_test)
    if not want_code:
        # No code facts needed: ``ast`` (~15x cheaper than LibCST) still checks the
        # syntax, so a broken file is reported, finds the module-level functions and,
        # with tokenize, the references. LibCST only when ``ast`` cannot parse it.
        try:
            syntax: ast.Module | None = ast.parse(source)
        except (SyntaxError, ValueError):
            syntax = None
        if syntax is not None:
            body = () if is_test else ast_defs(syntax)
            if not want_refs:
                return pf.ModuleFacts(path, module, is_pkg, is_test, False, body)
            fast = citations.references_fast(source, path, is_test, regex, extract_refs, syntax)
            if fast is not None:
                return pf.ModuleFacts(path, module, is_pkg, is_test, False, body, fast)
    import libcst as cst

    try:
        tree = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        return pf.ModuleFacts(
            path,
            module,
            is_pkg,
            is_test,
            scanned=False,
            parse_error=_syntax_error(source, path, exc),
        )
    except Exception as exc:  # the parser must never take the audit down
        return pf.ModuleFacts(
            path, module, is_pkg, is_test, scanned=False,
            parse_error=(Location(path, 1), f"cannot parse: {exc}"),
        )  # fmt: skip
    try:
        scanner = _Scanner(tree, path, regex, extract_refs)
        body = scanner.module_body() if want_code else () if is_test else light_defs(source)
        refs = scanner.references() if want_refs else ()
    except RecursionError:
        return pf.ModuleFacts(
            path, module, is_pkg, is_test, scanned=False,
            parse_error=(Location(path, 1), "code too deeply nested to analyse"),
        )  # fmt: skip
    except Exception as exc:  # a bug here must not take the audit down
        return pf.ModuleFacts(
            path, module, is_pkg, is_test, scanned=False,
            parse_error=(Location(path, 1), f"internal error while analysing: {exc!r}"),
        )  # fmt: skip
    return pf.ModuleFacts(
        base.path, base.module, is_pkg, is_test, scanned=want_code, body=body, refs=refs
    )


def _syntax_error(source: str, path: str, exc: cst.ParserSyntaxError) -> tuple[Location, str]:
    """Where and why a file does not parse: Python's own message when it has one
    (it points at the offending line), else LibCST's."""
    try:
        ast.parse(source)
    except SyntaxError as err:
        if err.lineno:
            return Location(path, err.lineno, max(1, err.offset or 1)), err.msg
    except ValueError:
        pass
    return Location(path, max(1, exc.raw_line), max(1, exc.raw_column + 1)), exc.message


# --------------------------------------------------------------------------
# Line numbers: one lean code-generation pass
# --------------------------------------------------------------------------


class _LineTable:
    """Where the kept nodes start (by ``id``), where defs end, and every comment."""

    __slots__ = ("comments", "ends", "starts")

    def __init__(self) -> None:
        self.starts: dict[int, tuple[int, int]] = {}  # 1-based line, 0-based column
        self.ends: dict[int, int] = {}
        self.comments: list[tuple[int, int, str]] = []


_tracker_class: Any = None


def _line_table(tree: cst.Module) -> _LineTable:
    """Start line/column of every kept node, end lines of defs, all comments.

    Statement starts are recorded *before* their leading blank/comment lines;
    :meth:`_Scanner.stmt_line` adds those back.
    """
    global _tracker_class
    if _tracker_class is None:
        _tracker_class = _make_tracker_class()
    table = _LineTable()
    tree._codegen(_tracker_class(tree.default_indent, tree.default_newline, table))
    return table


def _make_tracker_class() -> Any:
    import libcst as cst
    from libcst._nodes.internal import CodegenState

    kept = (
        cst.SimpleStatementLine, cst.FunctionDef, cst.ClassDef, cst.Decorator, cst.If,
        cst.For, cst.While, cst.With, cst.Try, cst.Call, cst.Comment, cst.SimpleString,
        cst.ConcatenatedString, cst.FormattedString, cst.Parameters,
    )  # fmt: skip
    kept_types = frozenset(kept)
    scopes = frozenset({cst.FunctionDef, cst.ClassDef})
    name_type = cst.Name
    comment_type = cst.Comment
    funcdef_type = cst.FunctionDef
    null = contextlib.nullcontext()

    class LineTracker(CodegenState):
        def __init__(self, indent: str, newline: str, table: _LineTable) -> None:
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


# --------------------------------------------------------------------------
# The scanner: CST -> facts
# --------------------------------------------------------------------------


class _Scanner:
    def __init__(
        self, tree: cst.Module, path: str, regex: re.Pattern[str], extract: ExtractRefs
    ) -> None:
        import libcst as cst

        self.cst = cst
        self.tree = tree
        self.path = path
        self.regex = regex
        self.extract = extract
        self.lines = _line_table(tree)
        self.starts = self.lines.starts
        self.ends = self.lines.ends

    # -- lines ---------------------------------------------------------------

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

    # -- statements ----------------------------------------------------------

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
            body = self.suite(node.body, scope)
            if node.orelse is not None:
                body += self.suite(node.orelse.body, scope)
            if node.finalbody is not None:
                body += self.suite(node.finalbody.body, scope)
            return [pf.Block(body)]
        return []

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
        return pf.FuncDef(
            name=node.name.value,
            qualname=qual,
            line=self.first_line(node),
            def_line=self.def_line(node),
            decorators=decorators,
            params=self.params(node.params),
            body=self.suite(node.body, qual),
            returns=self.expr(node.returns.annotation) if node.returns is not None else None,
            is_async=node.asynchronous is not None,
            docstring=_clean_doc(doc) if isinstance(doc, str) else None,
        )

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
            _static_test(self.code(node.test)),
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
            value = _string_value(node)
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
                else self.unknown(el.slice)
                for el in node.slice
            )
            return pf.Subscript(self.expr(node.value), index)
        return self.unknown(node)

    def unknown(self, node: cst.CSTNode) -> pf.Unknown:
        return pf.Unknown(self.text(node))

    def string(self, node: Any) -> pf.Expr:
        """An implicitly concatenated and/or formatted string."""
        parts: list[pf.Expr] = []
        for piece in _string_pieces(self.cst, node):
            if isinstance(piece, self.cst.SimpleString):
                value = _string_value(piece)
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

    # -- references ----------------------------------------------------------

    def references(self) -> tuple[CodeRef, ...]:
        """Spec references in docstrings, comments and route decorator metadata."""
        scopes: list[tuple[int, int, str]] = []
        refs: list[CodeRef] = []
        self.source_lines = self.tree.code.splitlines()
        refs += self.docstring_refs(self.tree.body, self.path)
        self.collect_scopes(self.tree.body, "", scopes, refs)
        for line, col, raw in self.lines.comments:
            symbol = citations.innermost(scopes, line)
            refs += citations.comment_refs(
                self.path, line, col, raw, f"{self.path}:{symbol}" if symbol else self.path,
                self.regex, self.extract,
            )  # fmt: skip
        return citations.finish(refs, is_test_path(self.path))

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
                refs += self.docstring_refs(_body_of(cst, node.body), symbol)
                if isinstance(node, cst.FunctionDef):
                    refs += self.metadata_refs(node, symbol)
                self.collect_scopes(_body_of(cst, node.body), qual, out, refs)
            elif isinstance(
                node, cst.If | cst.For | cst.While | cst.With | cst.Try | cst.TryStar | cst.Match
            ):
                for block in _blocks_of(cst, node):
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
            value = _plain_string(self.cst, node)
        if value is None:
            return []
        line, col = self.pos(node)
        first = _first_piece(self.cst, node)
        opening = len(first.prefix) + len(first.quote) if first is not None else 1
        return citations.string_refs(
            self.path, value, line, col, opening, symbol, source, self.regex, self.extract
        )


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------

_NAMED_CONSTANTS: dict[str, pf.ConstValue] = {"True": True, "False": False, "None": None}
_BINOPS = {"Add": "+", "Modulo": "%", "BitOr": "|"}
_COMPARE_OPS = {
    "Equal": "==", "NotEqual": "!=", "In": "in", "NotIn": "not in", "Is": "is",
    "IsNot": "is not", "LessThan": "<", "LessThanEqual": "<=", "GreaterThan": ">",
    "GreaterThanEqual": ">=",
}  # fmt: skip


def _static_test(code: str) -> bool | None:
    """The value of an ``if`` test that is the same on every run, else None."""
    text = " ".join(code.split())
    if text in ("TYPE_CHECKING", "typing.TYPE_CHECKING", "False", "0"):
        return False
    if text in ("not TYPE_CHECKING", "not typing.TYPE_CHECKING", "True", "1"):
        return True
    if re.fullmatch(r"""__name__ ?== ?['"]__main__['"]|['"]__main__['"] ?== ?__name__""", text):
        return False
    return None


def _string_value(node: cst.SimpleString) -> str | None:
    try:
        value = node.evaluated_value
    except Exception:
        return None
    return value if isinstance(value, str) else None


def _string_pieces(cst: Any, node: Any) -> Iterator[Any]:
    if isinstance(node, cst.ConcatenatedString):
        yield from _string_pieces(cst, node.left)
        yield from _string_pieces(cst, node.right)
    else:
        yield node


def _plain_string(cst: Any, node: Any) -> str | None:
    """The value of a string literal without f-string parts, else None."""
    out = []
    for piece in _string_pieces(cst, node):
        if not isinstance(piece, cst.SimpleString):
            return None
        value = _string_value(piece)
        if value is None:
            return None
        out.append(value)
    return "".join(out)


def _first_piece(cst: Any, node: Any) -> Any:
    for piece in _string_pieces(cst, node):
        return piece if isinstance(piece, cst.SimpleString) else None
    return None


def _clean_doc(doc: str, limit: int = 4000) -> str:
    cleaned = inspect.cleandoc(doc)
    return cleaned if len(cleaned) <= limit else cleaned[:limit]


def _body_of(cst: Any, suite: Any) -> Sequence[Any]:
    return suite.body if isinstance(suite, cst.IndentedBlock) else ()


def _blocks_of(cst: Any, node: Any) -> list[Sequence[Any]]:
    if isinstance(node, cst.Match):
        return [_body_of(cst, case.body) for case in node.cases]
    blocks = [_body_of(cst, node.body)]
    orelse = getattr(node, "orelse", None)
    while orelse is not None:
        if isinstance(orelse, cst.If):
            blocks.append(_body_of(cst, orelse.body))
            orelse = orelse.orelse
        else:
            blocks.append(_body_of(cst, orelse.body))
            break
    for handler in getattr(node, "handlers", ()):
        blocks.append(_body_of(cst, handler.body))
    final = getattr(node, "finalbody", None)
    if final is not None:
        blocks.append(_body_of(cst, final.body))
    return blocks
