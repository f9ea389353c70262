"""Per-file facts about one Python module: a small, picklable summary of its code.

``scan.scan_module`` turns one source file into a :class:`ModuleFacts`;
``traceaudit.routes.resolve_routes`` interprets the facts of every file together. The
facts are a reduced syntax tree: the statements that bind names, call things
or define functions and classes, with expressions in a tiny language (names,
attributes, calls, literals, f-strings, ``+``, slices, lambdas, comprehensions,
``:=``). Anything else becomes
:class:`Unknown` with its source text, so a value that cannot be known is shown
as written instead of being guessed.

Only the standard library is imported here; every class is a frozen, slotted
dataclass, so facts pickle cheaply and can be cached by content hash.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from traceaudit.model import CodeRef, Location, Suppression, pickle_by_position

# --------------------------------------------------------------------------
# Expressions
# --------------------------------------------------------------------------

ConstValue = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class Const:
    """A literal: string (implicit concatenation joined), number, bool or None."""

    value: ConstValue


@dataclass(frozen=True, slots=True)
class Name:
    id: str


@dataclass(frozen=True, slots=True)
class Attr:
    value: Expr
    attr: str


@dataclass(frozen=True, slots=True)
class Arg:
    """A call argument: positional (name None), keyword, ``*x`` or ``**x``."""

    value: Expr
    name: str | None = None
    star: str = ""  # "", "*" or "**"


@dataclass(frozen=True, slots=True)
class Call:
    func: Expr
    args: tuple[Arg, ...]
    line: int = 0

    def kwarg(self, name: str) -> Expr | None:
        for arg in self.args:
            if arg.name == name and not arg.star:
                return arg.value
        return None

    def positional(self) -> tuple[Expr, ...]:
        return tuple(a.value for a in self.args if a.name is None and not a.star)


@dataclass(frozen=True, slots=True)
class FStr:
    """An f-string: literal parts are :class:`Const`, the rest are expressions."""

    parts: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Formatted:
    """``{value!conversion:spec}`` inside an f-string (spec without nested fields)."""

    value: Expr
    spec: str = ""
    conversion: str = ""


@dataclass(frozen=True, slots=True)
class BinOp:
    op: str  # "+", "%", "|"
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Seq:
    """A list, tuple or set display. Items may be :class:`Star`."""

    kind: str  # "list", "tuple", "set"
    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Star:
    value: Expr


@dataclass(frozen=True, slots=True)
class DictE:
    """A dict display; a key of None stands for ``**value``."""

    items: tuple[tuple[Expr | None, Expr], ...]


@dataclass(frozen=True, slots=True)
class Subscript:
    value: Expr
    index: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class IfExp:
    """``body if test else orelse``."""

    test: Expr
    body: Expr
    orelse: Expr


@dataclass(frozen=True, slots=True)
class BoolOp:
    """``left or right`` / ``left and right``."""

    op: str  # "or", "and"
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Compare:
    """``left op right [op right ...]`` with ops ``==``, ``!=``, ``in``, ``not in``, ``is``,
    ``is not``, ``<``, ``<=``, ``>``, ``>=``; ``not x`` is ``Compare(x, ("not",), ())``."""

    left: Expr
    ops: tuple[str, ...]
    comparators: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Slice:
    """``lower:upper:step`` inside a subscript; a missing bound is None."""

    lower: Expr | None = None
    upper: Expr | None = None
    step: Expr | None = None


@dataclass(frozen=True, slots=True)
class Lambda:
    """``lambda params: body`` as a one-statement function (``return body``)."""

    func: FuncDef


@dataclass(frozen=True, slots=True)
class NamedExpr:
    """``(target := value)``."""

    target: str
    value: Expr


@dataclass(frozen=True, slots=True)
class CompFor:
    """One ``for target in iter if cond ...`` clause of a comprehension."""

    target: Expr
    iter: Expr
    ifs: tuple[Expr, ...] = ()


@dataclass(frozen=True, slots=True)
class Comp:
    """A list, set, dict comprehension or generator expression.

    ``kind`` is "list", "set", "gen" or "dict"; for a dict, ``elt`` is the key and
    ``value`` the value."""

    kind: str
    elt: Expr
    generators: tuple[CompFor, ...]
    value: Expr | None = None


@dataclass(frozen=True, slots=True)
class Unknown:
    """Anything the facts do not model, kept as its source text."""

    text: str


Expr = (
    Const
    | Name
    | Attr
    | Call
    | FStr
    | Formatted
    | BinOp
    | Seq
    | Star
    | DictE
    | Subscript
    | IfExp
    | BoolOp
    | Compare
    | Slice
    | Lambda
    | NamedExpr
    | Comp
    | Unknown
)


# --------------------------------------------------------------------------
# Statements
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Import:
    """``import a.b.c`` (binds ``a``) or ``import a.b.c as x`` (binds ``x``)."""

    module: str
    alias: str | None
    line: int


@dataclass(frozen=True, slots=True)
class ImportFrom:
    """``from .mod import a as b, c``; ``names`` holds (name, local) pairs."""

    module: str  # "" for ``from . import x``
    level: int
    names: tuple[tuple[str, str], ...]
    line: int
    star: bool = False


@dataclass(frozen=True, slots=True)
class Assign:
    """``a = b = value``, ``x: T = value`` or a bare annotation ``x: T``."""

    targets: tuple[Expr, ...]
    value: Expr | None
    line: int
    annotation: Expr | None = None


@dataclass(frozen=True, slots=True)
class AugAssign:
    target: Expr
    op: str
    value: Expr
    line: int


@dataclass(frozen=True, slots=True)
class ExprStmt:
    value: Expr
    line: int


@dataclass(frozen=True, slots=True)
class Return:
    value: Expr | None
    line: int


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    kind: str  # "posonly", "pos", "vararg", "kwonly", "kwarg"
    annotation: Expr | None = None
    default: Expr | None = None


@dataclass(frozen=True, slots=True)
class Decorator:
    expr: Expr
    line: int


@dataclass(frozen=True, slots=True)
class FuncDef:
    name: str
    qualname: str  # "Outer.method", "create_app.<locals>.x" is written "create_app.x"
    line: int  # first line including decorators (like co_firstlineno)
    def_line: int
    decorators: tuple[Decorator, ...]
    params: tuple[Param, ...]
    body: tuple[Stmt, ...]
    returns: Expr | None = None
    is_async: bool = False
    docstring: str | None = None
    # The body was not read (a file the prefilter ruled out): calling the function
    # needs the file read in full, which the route interpreter asks for.
    elided: bool = False


@dataclass(frozen=True, slots=True)
class ClassDef:
    name: str
    qualname: str
    line: int
    bases: tuple[Arg, ...]
    decorators: tuple[Decorator, ...]
    body: tuple[Stmt, ...]


@dataclass(frozen=True, slots=True)
class If:
    """A conditional block. ``static`` is True/False when the test is known
    (``if TYPE_CHECKING``, ``if __name__ == "__main__"``, ``if True``)."""

    test: str  # source text of the test
    body: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...]
    line: int
    static: bool | None = None
    cond: Expr | None = None  # the test, to evaluate with default settings


@dataclass(frozen=True, slots=True)
class For:
    target: Expr
    iter: Expr
    body: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Block:
    """``with`` / ``while`` bodies: run in order, unconditionally.

    ``bindings`` are ``with x as name`` targets (bound to unknown values).
    """

    body: tuple[Stmt, ...]
    bindings: tuple[Expr, ...] = ()


@dataclass(frozen=True, slots=True)
class Handler:
    """``except A, B as name:``; ``types`` are the dotted names caught, () for a bare
    ``except:``."""

    types: tuple[str, ...]
    name: str | None
    body: tuple[Stmt, ...]


@dataclass(frozen=True, slots=True)
class Try:
    """``try`` with its ``except`` handlers, ``else`` and ``finally`` blocks."""

    body: tuple[Stmt, ...]
    handlers: tuple[Handler, ...]
    orelse: tuple[Stmt, ...]
    finalbody: tuple[Stmt, ...]
    line: int


Stmt = (
    Import
    | ImportFrom
    | Assign
    | AugAssign
    | ExprStmt
    | Return
    | FuncDef
    | ClassDef
    | If
    | For
    | Block
    | Try
)


# --------------------------------------------------------------------------
# What deployment files start
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ServeCommand:
    """An entry point a deployment file names (a Dockerfile ``CMD``, a compose
    ``command:``, a Procfile line, a shell script, a console script).

    ``kind``: "app" (``target`` is ``module:attr``, ``module:factory()`` or
    ``path/file.py:attr``: a server serves it), "fastapi" (``fastapi run PATH``:
    ``target`` is the path or "", ``attr`` the ``--app`` name or ""), "main"
    (``python -m pkg.mod`` / ``python path.py``: its ``__main__`` block runs;
    ``target`` is the dotted module or the path), "function" (a console script:
    ``target`` is ``module:function``). ``base`` is the project-relative folder the
    command runs in (the build context, the folder of the file, a ``cd``)."""

    kind: str
    target: str
    base: str
    location: Location
    text: str
    attr: str = ""


# --------------------------------------------------------------------------
# The module
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModuleFacts:
    """Everything one Python file contributes to the project-level analysis."""

    path: str  # project-relative POSIX path
    module: str  # dotted module name as computed by ``traceaudit.routes.resolve.module_name_for``
    is_package: bool = False  # an ``__init__.py``
    is_test: bool = False
    scanned: bool = True  # False when the text prefilter ruled the file out
    body: tuple[Stmt, ...] = ()
    refs: tuple[CodeRef, ...] = ()
    parse_error: tuple[Location, str] | None = None  # where and why the file did not parse
    # apps this file tells a server to serve: "pkg.main:app", "pkg.main:create_app()"
    serve_hints: tuple[str, ...] = ()
    suppressions: tuple[Suppression, ...] = ()  # "# traceaudit: ignore[...] -- why" comments
    # why the code facts are missing from a file CPython accepts (LibCST cannot read it):
    # its references are kept, the file is a TA013 note
    unread: str | None = None
    # a file the prefilter ruled out: the names it calls (``x.serve(...)`` gives "serve"),
    # so that an entry point reaching an app through it is still found
    called: tuple[str, ...] = ()


def children(expr: Expr) -> tuple[Expr, ...]:
    """The expressions directly inside ``expr``, in source order: the one table of an
    expression's parts that every walk over expressions uses (a call's function and
    arguments, an f-string's parts and its fields' values, a comprehension's element,
    iterables and tests, a lambda's parameter defaults and returned value, ...).
    Binding targets (a comprehension's ``for`` target, ``:=``'s name) are not parts."""
    if isinstance(expr, Attr | Star | NamedExpr | Formatted):
        return (expr.value,)
    if isinstance(expr, Call):
        return (expr.func, *(a.value for a in expr.args))
    if isinstance(expr, BinOp | BoolOp):
        return (expr.left, expr.right)
    if isinstance(expr, Compare):
        return (expr.left, *expr.comparators)
    if isinstance(expr, Seq):
        return expr.items
    if isinstance(expr, FStr):
        return expr.parts
    if isinstance(expr, DictE):
        out: list[Expr] = []
        for key, value in expr.items:
            if key is not None:
                out.append(key)
            out.append(value)
        return tuple(out)
    if isinstance(expr, Subscript):
        return (expr.value, *expr.index)
    if isinstance(expr, IfExp):
        return (expr.body, expr.test, expr.orelse)
    if isinstance(expr, Slice):
        return tuple(p for p in (expr.lower, expr.upper, expr.step) if p is not None)
    if isinstance(expr, Lambda):
        defaults = tuple(p.default for p in expr.func.params if p.default is not None)
        body = tuple(
            s.value for s in expr.func.body if isinstance(s, Return) and s.value is not None
        )
        return defaults + body
    if isinstance(expr, Comp):
        parts: list[Expr] = []
        for gen in expr.generators:
            parts.append(gen.iter)
            parts.extend(gen.ifs)
        parts.append(expr.elt)
        if expr.value is not None:
            parts.append(expr.value)
        return tuple(parts)
    return ()  # Const, Name, Unknown


def walk(expr: Expr) -> Iterator[Expr]:
    """``expr`` and every expression inside it (depth first, by :func:`children`)."""
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(children(node)))


# A rendered text longer than this is cut (placeholders and messages, never a value):
# a 100,000-term ``"a" + "a" + ...`` would otherwise render to 600 kB at every level.
RENDER_LIMIT = 2_000
# id -> (the expression, kept alive so that its id stays its own; its text), while
# :func:`memoised_renders` is on (route resolution); None: no memo (a scan renders little)
_RENDERED: dict[int, tuple[Expr, str]] | None = None
_RENDERED_MAX = 1 << 16


@contextlib.contextmanager
def memoised_renders() -> Iterator[None]:
    """:func:`render` memoised per expression object within the block."""
    global _RENDERED
    outer = _RENDERED
    _RENDERED = {} if outer is None else outer
    try:
        yield
    finally:
        _RENDERED = outer


def render(expr: Expr | None) -> str:
    """Source-like text of an expression, for placeholders and messages (at most
    :data:`RENDER_LIMIT` characters).

    Memoised per expression object inside :func:`memoised_renders` (route resolution):
    the route evaluator renders every node of a long chain as it climbs it
    (``a + b + c + ...``), which re-rendering would make quadratic.
    """
    if expr is None:
        return "None"
    if isinstance(expr, Name):
        return expr.id
    memo = _RENDERED
    if memo is None:
        text = _render(expr)
        return text if len(text) <= RENDER_LIMIT else text[: RENDER_LIMIT - 1] + "…"
    key = id(expr)
    hit = memo.get(key)
    if hit is not None and hit[0] is expr:
        return hit[1]
    text = _render(expr)
    if len(text) > RENDER_LIMIT:
        text = text[: RENDER_LIMIT - 1] + "…"
    if len(memo) >= _RENDERED_MAX:
        memo.clear()
    memo[key] = (expr, text)
    return text


def _render(expr: Expr) -> str:
    if isinstance(expr, Const):
        return repr(expr.value)
    if isinstance(expr, Name):
        return expr.id
    if isinstance(expr, Attr):
        return f"{render(expr.value)}.{expr.attr}"
    if isinstance(expr, Call):
        args = []
        for arg in expr.args:
            text = arg.star + render(arg.value)
            args.append(f"{arg.name}={text}" if arg.name else text)
        return f"{render(expr.func)}({', '.join(args)})"
    if isinstance(expr, FStr):
        out = []
        for part in expr.parts:
            if isinstance(part, Const) and isinstance(part.value, str):
                out.append(part.value.replace("{", "{{").replace("}", "}}"))
            else:
                out.append("{" + render(part) + "}")
        return 'f"' + "".join(out) + '"'
    if isinstance(expr, Formatted):
        conversion = f"!{expr.conversion}" if expr.conversion else ""
        spec = f":{expr.spec}" if expr.spec else ""
        return f"{render(expr.value)}{conversion}{spec}"
    if isinstance(expr, BinOp):
        return f"{render(expr.left)} {expr.op} {render(expr.right)}"
    if isinstance(expr, Seq):
        inner = ", ".join(render(i) for i in expr.items)
        if expr.kind == "tuple":
            return f"({inner}{',' if len(expr.items) == 1 else ''})"
        return f"{{{inner}}}" if expr.kind == "set" else f"[{inner}]"
    if isinstance(expr, Star):
        return "*" + render(expr.value)
    if isinstance(expr, DictE):
        parts = [
            f"**{render(v)}" if k is None else f"{render(k)}: {render(v)}" for k, v in expr.items
        ]
        return "{" + ", ".join(parts) + "}"
    if isinstance(expr, Subscript):
        return f"{render(expr.value)}[{', '.join(render(i) for i in expr.index)}]"
    if isinstance(expr, IfExp):
        return f"{render(expr.body)} if {render(expr.test)} else {render(expr.orelse)}"
    if isinstance(expr, BoolOp):
        return f"{render(expr.left)} {expr.op} {render(expr.right)}"
    if isinstance(expr, Slice):
        parts = [render(p) if p is not None else "" for p in (expr.lower, expr.upper)]
        text = ":".join(parts)
        return text + (":" + render(expr.step) if expr.step is not None else "")
    if isinstance(expr, Lambda):
        params = ", ".join(p.name for p in expr.func.params)
        body = expr.func.body[0] if expr.func.body else None
        value = body.value if isinstance(body, Return) else None
        return f"lambda {params}: {render(value)}".replace("lambda :", "lambda:")
    if isinstance(expr, NamedExpr):
        return f"({expr.target} := {render(expr.value)})"
    if isinstance(expr, Comp):
        head = render(expr.elt)
        if expr.kind == "dict":
            head += f": {render(expr.value)}"
        clauses = ""
        for gen in expr.generators:
            target = gen.target
            if isinstance(target, Seq) and target.kind == "tuple" and len(target.items) > 1:
                names = ", ".join(render(i) for i in target.items)
            else:
                names = render(target)
            clauses += f" for {names} in {render(gen.iter)}"
            clauses += "".join(f" if {render(c)}" for c in gen.ifs)
        brackets = {"list": "[]", "set": "{}", "dict": "{}", "gen": "()"}[expr.kind]
        return f"{brackets[0]}{head}{clauses}{brackets[1]}"
    if isinstance(expr, Compare):
        if expr.ops == ("not",):
            return f"not {render(expr.left)}"
        parts = [render(expr.left)]
        for op, right in zip(expr.ops, expr.comparators, strict=False):
            parts += [op, render(right)]
        return " ".join(parts)
    return expr.text


pickle_by_position(list(globals().values()))
