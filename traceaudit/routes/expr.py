"""Expressions for the static interpreter (see :mod:`traceaudit.routes.interp`).

Values are :mod:`traceaudit.routes.values`. :class:`Evaluator` evaluates names,
literals, operators, comparisons, f-strings, subscripts and attributes, and
gathers a call's arguments; running the call is left to
:class:`~traceaudit.routes.functions.Caller`, and statements to
:class:`~traceaudit.routes.interp.Interpreter`. Whatever cannot be known stays
:class:`~traceaudit.routes.values.Unknown` with its source text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from traceaudit.model import Location
from traceaudit.pysource import facts as pf
from traceaudit.routes import libraries
from traceaudit.routes.budget import Meter
from traceaudit.routes.modules import Project
from traceaudit.routes.values import (
    EMPTY,
    AnnotatedV,
    BoundMethod,
    Builtin,
    ClassV,
    Const,
    Deferred,
    DictV,
    Ext,
    Frame,
    Function,
    Instance,
    Lazy,
    ListV,
    ModuleState,
    ModuleV,
    Router,
    Str,
    Super,
    Unknown,
    Value,
    hole,
    plain_items,
    setting_of,
    with_setting,
)

BUILTINS = frozenset(
    {"super", "getattr", "str", "list", "tuple", "dict", "property", "staticmethod",
     "classmethod", "print", "len", "isinstance", "set", "frozenset", "sorted", "reversed",
     "int", "bool", "type", "object", "Exception", "ValueError", "zip", "enumerate", "issubclass",
     "float", "all", "any"}
)  # fmt: skip
PROPERTY_DECORATORS = frozenset({"property", "cached_property", "computed_field"})
MAX_DEPTH = 14
MAX_LOOP = 500
MAX_STEPS = 3_000_000


class EarlyReturn(Exception):
    """An unconditional ``return`` at the top of a function body."""


class Evaluator:
    """Expressions; :class:`~traceaudit.routes.functions.Caller` adds calls."""

    def __init__(
        self,
        project: Project,
        values: dict[str, str],
        rescan: Callable[[str], pf.ModuleFacts | None] | None = None,
        meter: Meter | None = None,
    ) -> None:
        self.project = project
        self.values = values
        self.rescan = rescan  # path -> full facts of a file the prefilter ruled out
        self.meter = Meter() if meter is None else meter  # each file's time budget
        self.routers: list[Router] = []
        self.edges: dict[str, set[str]] = {}
        self.running: list[str] = []  # module keys being executed, innermost last
        self.edge_log: list[set[str]] = []
        self.memo: dict[tuple[object, ...], tuple[Value, set[str]]] = {}
        self.called: set[int] = set()  # ids of FuncDef facts that ran
        self.call_stack: list[tuple[object, ...]] = []
        self.steps = 0
        self.unresolved: list[tuple[Location, str]] = []
        self.functions: list[Function] = []  # every function defined, for uncalled factories
        self.errors: list[str] = []  # statements skipped because of an internal error
        self.entry: str | None = None  # the entry point being run (for --explain)
        self.trail: list[str] = []  # the project functions running, outermost first
        self.aux_entry = False  # the entry point lives in scripts/, examples/, docs/ ...
        # files whose function bodies a call needed but the prefilter left unread
        self.demands: set[str] = set()

    # -- provided by the subclasses ---------------------------------------------

    def block(self, stmts: Sequence[pf.Stmt], frame: Frame) -> None:
        raise NotImplementedError

    def load(self, state: ModuleState) -> ModuleState:
        raise NotImplementedError

    def module_attr(self, state: ModuleState, name: str, text: str) -> Value:
        raise NotImplementedError

    def add_edge(self, target: ModuleState) -> None:
        raise NotImplementedError

    def call(
        self,
        func: Value,
        args: list[Value],
        kwargs: dict[str, Value],
        call: pf.Call,
        frame: Frame,
    ) -> Value:
        raise NotImplementedError

    def call_function(
        self,
        func: Function,
        args: list[Value],
        kwargs: dict[str, Value],
        call: pf.Call | None,
        frame: Frame | None,
    ) -> Value:
        raise NotImplementedError

    @property
    def origin(self) -> str:
        return self.running[-1] if self.running else ""

    def chain(self) -> tuple[str, ...]:
        """Where the running code was reached from: the entry point, then the calls."""
        return ((self.entry,) if self.entry else ()) + tuple(self.trail)

    def add_router(self, router: Router) -> Router:
        router.made_by = self.chain()
        self.routers.append(router)
        return router

    def serve(self, value: Value, how: str, frame: Frame) -> None:
        """A server (``uvicorn.run``, ``uvicorn.Config``, ``hypercorn``'s ``serve``) is
        handed this value: an app object is served (unless the code doing it does not
        run with default settings)."""
        value = self.force(value)
        if isinstance(value, Router) and value.is_app and not frame.off:
            aux = ("auxiliary",) if self.aux_entry else ()
            value.served_by.append((*self.chain(), how, *aux))
            value.loaded_from.update(self.running)

    def force(self, value: Value) -> Value:
        """Resolve a :class:`Lazy` name now that its module has (maybe) finished."""
        seen = 0
        while isinstance(value, Lazy) and seen < 20:
            seen += 1
            if value.name in value.state.ns:
                value = value.state.ns[value.name]
            elif value.state.status == 1:
                return value
            else:
                return self.unknown(f"{value.state.dotted}.{value.name}")
        return value

    def need(self, value: Value) -> Value:
        """The value, read from its module if it is :class:`Deferred` (see there)."""
        value = self.force(value)
        if not isinstance(value, Deferred):
            return value
        state = value.state
        if self.rescan is not None and state.facts is not None and not state.facts.scanned:
            full = self.rescan(state.path)
            if full is not None and full.scanned:
                state.facts = full
                state.status = 0
                self.execute(state)
        found = state.ns.get(value.name)
        if found is None or isinstance(found, Deferred):
            return Unknown(value.text, value.ext)
        return self.force(found)

    def execute(self, state: ModuleState) -> None:
        raise NotImplementedError

    def iterate(self, value: Value) -> list[Value] | None:
        value = self.need(value)
        if isinstance(value, ListV):
            return plain_items(value.items)
        if isinstance(value, DictV):
            return [k for k, _ in value.items]
        return None

    # -- expressions -------------------------------------------------------------

    def unknown(self, text: str, ext: str | None = None) -> Value:
        if text in self.values:
            return Str(self.values[text])
        return Unknown(text, ext)

    def setting(self, key: str, default: Value, *texts: str) -> Value:
        """A setting's value: what ``[tool.traceaudit.values]`` gives for its key (or for
        the expression's text), else its default marked as the setting's."""
        for name in (key, *texts):
            raw = self.values.get(name)
            if raw is not None:
                return configured_value(raw, self.force(default))
        return with_setting(self.force(default), key)

    def lookup(self, name: str, frame: Frame) -> Value:
        if name in frame.locals:
            return frame.locals[name]
        scope = frame.parent
        while scope is not None:
            if name in scope.locals:
                return scope.locals[name]
            scope = scope.parent
        ns = frame.module.ns
        if name in ns:
            return ns[name]
        if name in BUILTINS:
            return Ext(f"builtins.{name}")
        if frame.module.status == 1 and frame.kind != "module":
            return Lazy(frame.module, name)
        return self.unknown(name)

    def eval(self, expr: pf.Expr, frame: Frame) -> Value:
        if isinstance(expr, pf.Name):
            value = self.lookup(expr.id, frame)
            if isinstance(value, Unknown) and expr.id in self.values:
                return Str(self.values[expr.id])
            return value
        if isinstance(expr, pf.Const):
            v = expr.value
            return Str(v) if isinstance(v, str) else Const(v)
        if isinstance(expr, pf.Attr):
            return self.getattr(self.eval(expr.value, frame), expr.attr, pf.render(expr))
        if isinstance(expr, pf.Call):
            return self.eval_call(expr, frame)
        if isinstance(expr, pf.FStr):
            out = EMPTY
            for part in expr.parts:
                out = out + self.to_str(self.eval(part, frame), pf.render(part))
            return out
        if isinstance(expr, pf.Formatted):
            return self.format_value(self.eval(expr.value, frame), expr, frame)
        if isinstance(expr, pf.BinOp):
            left = self.eval(expr.left, frame)
            right = self.eval(expr.right, frame)
            return self.binop(expr.op, left, right, pf.render(expr))
        if isinstance(expr, pf.Seq):
            items: list[Value] = []
            for item in expr.items:
                if isinstance(item, pf.Star):
                    inner = self.iterate(self.eval(item.value, frame))
                    if inner is None:
                        return self.unknown(pf.render(expr))
                    items.extend(inner)
                else:
                    items.append(self.eval(item, frame))
            return ListV(items, expr.kind, frame.unsure)
        if isinstance(expr, pf.DictE):
            pairs: list[tuple[Value, Value]] = []
            for key, val in expr.items:
                if key is None:
                    inner_d = self.force(self.eval(val, frame))
                    if isinstance(inner_d, DictV):
                        pairs.extend(inner_d.items)
                    continue
                pairs.append((self.eval(key, frame), self.eval(val, frame)))
            return DictV(pairs)
        if isinstance(expr, pf.Subscript):
            return self.subscript(expr, frame)
        if isinstance(expr, pf.Star):
            return self.eval(expr.value, frame)
        if isinstance(expr, pf.IfExp):
            test_value = self.force(self.eval(expr.test, frame))
            test = truth_of(test_value)
            if test is None:
                return self.unknown(pf.render(expr))
            chosen = self.eval(expr.body if test else expr.orelse, frame)
            return with_setting(self.force(chosen), setting_of(test_value))
        if isinstance(expr, pf.BoolOp):
            left = self.force(self.eval(expr.left, frame))
            truth = truth_of(left)
            if truth is None:
                # An unknown value `or` a default: the default is what runs unconfigured
                # (``settings.ROOT or "/api"``); `or` a falsy value, it stays unknown.
                if expr.op == "and":
                    return left
                right = self.force(self.eval(expr.right, frame))
                return right if truth_of(right) else left
            if (truth and expr.op == "or") or (not truth and expr.op == "and"):
                return left
            return self.eval(expr.right, frame)
        if isinstance(expr, pf.Compare):
            return self.compare(expr, frame)
        if isinstance(expr, pf.Lambda):
            closure = frame if frame.kind == "function" else frame.parent
            func = Function(expr.func, frame.module, closure)
            func.defaults = self.def_defaults(expr.func, frame)
            return func
        if isinstance(expr, pf.NamedExpr):
            value = self.eval(expr.value, frame)
            frame.locals[expr.target] = value
            return value
        if isinstance(expr, pf.Comp):
            return self.comprehension(expr, frame)
        if isinstance(expr, pf.Slice):
            return self.unknown(pf.render(expr))
        return self.unknown(expr.text)

    def def_defaults(self, fact: pf.FuncDef, frame: Frame) -> dict[str, Value]:
        """Parameter defaults, evaluated where and when the ``def`` runs (as Python does)."""
        out: dict[str, Value] = {}
        for param in fact.params:
            if param.default is not None:
                out[param.name] = self.eval(param.default, frame)
        return out

    def def_annotations(self, fact: pf.FuncDef, frame: Frame) -> dict[str, Value]:
        """Parameter annotations, evaluated when the ``def`` runs: a name means what it is
        bound to then, not what a later definition of the same name binds."""
        out: dict[str, Value] = {}
        for param in fact.params:
            if param.annotation is not None:
                out[param.name] = self.eval(param.annotation, frame)
        return out

    def comprehension(self, expr: pf.Comp, frame: Frame) -> Value:
        """A comprehension over known items, each element evaluated in its own scope."""
        local = Frame("function", {}, frame.module, frame, frame.conditions, frame.func)
        local.truths, local.off, local.unsure = frame.truths, frame.off, frame.unsure
        out: list[Value] = []
        pairs: list[tuple[Value, Value]] = []

        def run(level: int) -> bool:
            if level == len(expr.generators):
                if expr.kind == "dict" and expr.value is not None:
                    pairs.append((self.eval(expr.elt, local), self.eval(expr.value, local)))
                else:
                    out.append(self.eval(expr.elt, local))
                return True
            gen = expr.generators[level]
            items = self.iterate(self.eval(gen.iter, local))
            if items is None:
                return False
            for item in items[:MAX_LOOP]:
                self.bind_target(gen.target, item, local)
                keep = True
                for cond in gen.ifs:
                    truth = truth_of(self.force(self.eval(cond, local)))
                    if truth is None:
                        return False
                    if not truth:
                        keep = False
                        break
                if keep and not run(level + 1):
                    return False
            return True

        if not run(0):
            return self.unknown(pf.render(expr))
        if expr.kind == "dict":
            return DictV(pairs)
        return ListV(out, "tuple" if expr.kind == "gen" else "list")

    def bind_target(self, target: pf.Expr, value: Value, frame: Frame) -> None:
        """Bind a loop or comprehension target (a name or a tuple of names)."""
        if isinstance(target, pf.Name):
            frame.locals[target.id] = value
            return
        if isinstance(target, pf.Seq):
            items = self.iterate(value)
            plain = [t for t in target.items if not isinstance(t, pf.Star)]
            if items is not None and len(items) == len(plain) == len(target.items):
                for sub, item in zip(target.items, items, strict=True):
                    self.bind_target(sub, item, frame)
                return
            for sub in target.items:
                inner = sub.value if isinstance(sub, pf.Star) else sub
                self.bind_target(inner, self.unknown(pf.render(inner)), frame)

    def compare(self, expr: pf.Compare, frame: Frame) -> Value:
        """A comparison of known constants and strings (for ``if`` tests). The result
        depends on a setting when an operand does."""
        if expr.ops == ("not",):
            operand = self.need(self.eval(expr.left, frame))
            truth = truth_of(operand)
            if truth is None:
                return self.unknown(pf.render(expr))
            return Const(not truth, setting_of(operand))
        left_value = self.need(self.eval(expr.left, frame))
        left = _plain(left_value)
        setting = setting_of(left_value)
        for op, right_expr in zip(expr.ops, expr.comparators, strict=False):
            right_value = self.need(self.eval(right_expr, frame))
            right = _plain(right_value)
            setting = setting or setting_of(right_value)
            if op in ("in", "not in") and isinstance(right_value, ListV | DictV):
                members = (
                    plain_items(right_value.items)
                    if isinstance(right_value, ListV)
                    else [key for key, _ in right_value.items]
                )
                items = [_plain(self.force(i)) for i in members]
                if left is _UNKNOWN or _UNKNOWN in items:
                    return self.unknown(pf.render(expr))
                result = (left in items) == (op == "in")
            elif op in ("is", "is not") and _OBJECT in (left, right) and None in (left, right):
                result = op == "is not"  # a known object is not None
            elif left is _UNKNOWN or right is _UNKNOWN or _OBJECT in (left, right):
                return self.unknown(pf.render(expr))
            else:
                try:
                    result = bool(_COMPARE[op](left, right))
                except TypeError:
                    return self.unknown(pf.render(expr))
            if not result:
                return Const(False, setting)
            left = right
        return Const(True, setting)

    def subscript(self, expr: pf.Subscript, frame: Frame) -> Value:
        base = self.force(self.eval(expr.value, frame))
        if isinstance(base, Ext) and base.name == "Annotated" and expr.index:
            origin = self.eval(expr.index[0], frame)
            return AnnotatedV(origin, [self.eval(i, frame) for i in expr.index[1:]])
        if isinstance(base, Ext) and base.qual == "os.environ" and len(expr.index) == 1:
            key = self.force(self.eval(expr.index[0], frame))
            if isinstance(key, Str) and not key.holes and key.value in self.values:
                return Str(self.values[key.value])  # a variable the deployment sets
            return self.unknown(pf.render(expr))
        if len(expr.index) == 1 and isinstance(expr.index[0], pf.Slice):
            return self.slice_value(base, expr.index[0], frame, pf.render(expr))
        if isinstance(base, ClassV) or (
            isinstance(base, Ext)
            and base.name[:1].isupper()
            and base.qual.split(".")[0] not in ("typing", "typing_extensions", "collections")
        ):
            return base  # a generic alias (``FastAPIUsers[User, UUID]``) is its class
        if len(expr.index) == 1:
            key = self.force(self.eval(expr.index[0], frame))
            if isinstance(base, DictV) and isinstance(key, Str):
                found = base.get(key.value)
                if found is not None:
                    return found
            items = plain_items(base.items) if isinstance(base, ListV) else []
            if (
                isinstance(base, ListV)
                and isinstance(key, Const)
                and type(key.value) is int
                and -len(items) <= key.value < len(items)
            ):
                return items[key.value]
        return self.unknown(pf.render(expr))

    def slice_value(self, base: Value, piece: pf.Slice, frame: Frame, text: str) -> Value:
        """``s[a:b:c]`` of a known string, list or tuple, with constant bounds."""
        bounds: list[int | None] = []
        for part in (piece.lower, piece.upper, piece.step):
            if part is None:
                bounds.append(None)
                continue
            value = self.force(self.eval(part, frame))
            if not (isinstance(value, Const) and (value.value is None or type(value.value) is int)):
                return self.unknown(text)
            bounds.append(value.value)
        cut = slice(*bounds)
        if isinstance(base, ListV):
            return ListV(plain_items(base.items)[cut], base.kind)
        if isinstance(base, Str):
            result = base.value[cut]
            holes = tuple(h for h in base.holes if "{?" + h + "}" in result)
            if len(holes) != len(base.holes) or (base.holes and cut.step not in (None, 1)):
                return self.unknown(text)  # the slice cuts into an unknown part
            return Str(result, holes)
        return self.unknown(text)

    def to_str(self, value: Value, text: str) -> Str:
        value = self.need(value)
        if isinstance(value, Str):
            return value
        if isinstance(value, Const) and value.value is not None:
            return Str(str(value.value))
        if isinstance(value, Unknown):
            return self._hole(value.text, text)
        if isinstance(value, Instance) and isinstance(value.cls, ClassV):
            method = value.cls.lookup("__str__")
            if isinstance(method, Function):
                result = self.force(self.call_function(method, [value], {}, None, None))
                if isinstance(result, Str):
                    return result
        return self._hole(text)

    def _hole(self, *texts: str) -> Str:
        """A placeholder, unless the user supplied the value ([tool.traceaudit.values])."""
        for text in texts:
            if text in self.values:
                return Str(self.values[text])
        return hole(texts[0])

    def format_value(self, value: Value, expr: pf.Formatted, frame: Frame) -> Value:
        """``f"{value:spec}"`` for a known number or string."""
        value = self.force(value)
        text = pf.render(expr)
        if expr.conversion not in ("", "s"):
            return self.unknown(text)
        if not expr.spec:
            return self.to_str(value, text)
        if isinstance(value, Const | Str) and not (isinstance(value, Str) and value.holes):
            try:
                return Str(format(value.value, expr.spec))
            except (TypeError, ValueError):
                return self.unknown(text)
        return self.unknown(text)

    def binop(self, op: str, left: Value, right: Value, text: str) -> Value:
        left = self.force(left)
        right = self.force(right)
        if op == "+":
            if isinstance(left, Str) and isinstance(right, Str):
                return left + right
            if isinstance(left, ListV) and isinstance(right, ListV):
                return ListV(left.items + right.items, left.kind)
            if isinstance(left, Str) or isinstance(right, Str):
                return self.to_str(left, text) + self.to_str(right, text)
            if (
                isinstance(left, Const)
                and isinstance(right, Const)
                and isinstance(left.value, int | float)
                and isinstance(right.value, int | float)
            ):
                return Const(left.value + right.value)
        if op == "%" and isinstance(left, Str) and not left.holes:
            args = plain_items(right.items) if isinstance(right, ListV) else [right]
            out = left.value
            holes: tuple[str, ...] = ()
            for arg in args:
                piece = self.to_str(arg, text)
                if "%s" not in out:
                    break
                out = out.replace("%s", piece.value, 1)
                holes += piece.holes
            return Str(out, left.holes + holes)
        return self.unknown(text)

    def getattr(self, obj: Value, name: str, text: str) -> Value:
        obj = self.need(obj)
        if isinstance(obj, ModuleV):
            return self.module_attr(obj.state, name, text)
        if isinstance(obj, Ext):
            return Ext(f"{obj.qual}.{name}")
        if isinstance(obj, Router):
            return self.router_attr(obj, name, text)
        if isinstance(obj, Instance):
            if name in obj.attrs:
                return obj.attrs[name]
            member = self.class_member(obj, obj.cls, name)
            if member is not None:
                if isinstance(member, Str | Const) and is_settings_class(obj.cls):
                    return self.setting(text, member)  # a default a deployment may change
                return member
            if isinstance(obj.cls, Ext) and obj.cls.name == "Config":
                return Builtin(obj, name)
            fallback = obj.cls.lookup("__getattr__") if isinstance(obj.cls, ClassV) else None
            if isinstance(fallback, Function) and not name.startswith("__"):
                # a proxy (``settings = Wrapper(Settings())`` whose ``__getattr__``
                # forwards to the wrapped object): the attribute is what it returns
                proxied = self.call_function(fallback, [obj, Str(name)], {}, None, None)
                if isinstance(proxied, Str) and proxied.setting is not None:
                    return self.setting(text, Str(proxied.value, proxied.holes))
                if isinstance(proxied, Const) and proxied.setting is not None:
                    return self.setting(text, Const(proxied.value))
                return proxied
            if isinstance(obj.cls, Ext) and libraries.is_builder_class(obj.cls.qual):
                if libraries.router_builder(obj.cls.qual, name) is not None:
                    return Builtin(obj, name)
                return Unknown(text, obj.cls.qual)
            return self.unknown(text)
        if isinstance(obj, ClassV):
            found = obj.lookup(name)
            if isinstance(found, Function) and "classmethod" in found.flags:
                return BoundMethod(obj, found)
            if isinstance(found, Str | Const) and is_settings_class(obj):
                return self.setting(text, found)
            return found if found is not None else self.unknown(text)
        if isinstance(obj, Super):
            return self.super_attr(obj, name, text)
        if isinstance(obj, Str):
            if name == "value":  # an Enum member whose value is the string itself
                return obj
            return Builtin(obj, name)
        if isinstance(obj, ListV | DictV | Builtin):
            return Builtin(obj, name)
        if isinstance(obj, Unknown):
            return Unknown(text, obj.ext)
        return self.unknown(text)

    def class_member(self, obj: Instance | Router, cls: Value | None, name: str) -> Value | None:
        """``obj.name`` found on its (project) class: a property's value, a bound
        method, a static method or a class attribute; None when the class has none."""
        if not isinstance(cls, ClassV):
            return None
        found = cls.lookup(name)
        if isinstance(found, Function):
            if "property" in found.flags:
                return self.call_function(found, [obj], {}, None, None)
            if "staticmethod" in found.flags:
                return found
            return BoundMethod(obj, found)
        return found

    def router_attr(self, router: Router, name: str, text: str) -> Value:
        if name in router.attrs:
            return router.attrs[name]
        member = self.class_member(router, router.cls, name)
        if member is not None:
            return member
        if name == "router":
            return router
        if name == "prefix":
            return router.prefix
        if name == "dependencies":
            return router.dependencies
        if name == "tags":
            return router.tags
        if name == "routes":
            return Builtin(router, "routes")
        if name == "state":  # a namespace the project sets attributes on (``app.state.x = 1``)
            state = Instance(Ext("starlette.datastructures.State"))
            router.attrs["state"] = state
            return state
        if name in ("openapi", "openapi_schema"):
            return self.unknown(text)
        return Builtin(router, name)

    def super_attr(self, sup: Super, name: str, text: str) -> Value:
        mro = sup.cls.mro()
        for cls in mro[1:]:
            if isinstance(cls, ClassV) and name in cls.ns:
                found = cls.ns[name]
                if isinstance(found, Function):
                    return BoundMethod(sup.obj, found)
                return found
            if isinstance(cls, Ext):
                return Builtin(sup.obj, f"super.{name}")
        return self.unknown(text)

    # -- calls -------------------------------------------------------------------

    def eval_call(self, call: pf.Call, frame: Frame) -> Value:
        self.meter.tick(frame.module.path, call.line)
        if self.values:
            supplied = self.values.get(pf.render(call))
            if supplied is not None:  # [tool.traceaudit.values] names this very call
                return Str(supplied)
        func = self.force(self.eval(call.func, frame))
        args: list[Value] = []
        kwargs: dict[str, Value] = {}
        for arg in call.args:
            value = self.eval(arg.value, frame)
            if arg.star == "*":
                items = self.iterate(value)
                if items is None:
                    return self.unknown(pf.render(call))
                args.extend(items)
            elif arg.star == "**":
                mapping = self.force(value)
                if isinstance(mapping, DictV):
                    for k, v in mapping.items:
                        k = self.force(k)
                        if isinstance(k, Str):
                            kwargs[k.value] = v
                elif not isinstance(mapping, Unknown):
                    return self.unknown(pf.render(call))
            elif arg.name is not None:
                kwargs[arg.name] = value
            else:
                args.append(value)
        if isinstance(func, Ext) and func.qual == "builtins.super" and not args:
            return self.make_super(frame, pf.render(call))
        return self.call(func, args, kwargs, call, frame)

    def make_super(self, frame: Frame, text: str) -> Value:
        scope: Frame | None = frame
        while scope is not None and scope.func is None:
            scope = scope.parent
        if scope is None or scope.func is None or scope.func.owner is None:
            return self.unknown(text)
        params = scope.func.fact.params
        if not params or params[0].name not in scope.locals:
            return self.unknown(text)
        return Super(scope.locals[params[0].name], scope.func.owner)

    def location(self, line: int, frame: Frame | None) -> Location:
        path = frame.module.path if frame is not None else ""
        return Location(path, line)

    # -- helpers for calls.py --------------------------------------------------

    def strings(self, value: Value | None) -> list[str]:
        value = self.force(value) if value is not None else None
        items = self.iterate(value) if value is not None else None
        if items is None:
            return []
        out = []
        for item in items:
            item = self.force(item)
            if isinstance(item, Str) and not item.holes:
                out.append(item.value)
        return out

    def as_str(self, value: Value | None, text: str) -> Str:
        if value is None:
            return EMPTY
        return self.to_str(value, text)

    def flag(self, value: Value | None, default: bool) -> bool:
        value = self.force(value) if value is not None else None
        if isinstance(value, Const) and isinstance(value.value, bool):
            return value.value
        return default

    def note(self, location: Location, reason: str) -> None:
        self.unresolved.append((location, reason))


# Base classes whose class-level values are defaults a deployment configures:
# pydantic settings, traitlets configurables.
SETTINGS_BASES = frozenset(
    {"BaseSettings", "HasTraits", "Configurable", "LoggingConfigurable", "SingletonConfigurable",
     "Application"}
)  # fmt: skip


def is_settings_class(cls: Value) -> bool:
    if not isinstance(cls, ClassV):
        return False
    for base in cls.ext_bases():
        top = base.qual.split(".")[0]
        if base.name == "BaseSettings" or (top == "traitlets" and base.name in SETTINGS_BASES):
            return True
    return False


def same_value(a: Value, b: Value) -> bool:
    """Whether two values are certainly the same (equal strings or numbers, one object)."""
    if isinstance(a, Str) and isinstance(b, Str):
        return a.value == b.value and a.holes == b.holes
    if isinstance(a, Const) and isinstance(b, Const):
        return type(a.value) is type(b.value) and a.value == b.value
    return a is b


def truth_of(value: Value) -> bool | None:
    if isinstance(value, Const):
        return bool(value.value)
    if isinstance(value, Str):
        return None if value.holes else bool(value.value)
    if isinstance(value, ListV):
        return bool(plain_items(value.items))
    if isinstance(value, Unknown | Lazy):
        return None
    return True


_UNKNOWN = object()
_COMPARE: dict[str, Callable[[Any, Any], object]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "is": lambda a, b: a is b,
    "is not": lambda a, b: a is not b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "in": lambda a, b: a in b,
    "not in": lambda a, b: a not in b,
}


_OBJECT = object()


def _plain(value: Value) -> object:
    """The Python value of a known constant or string; a sentinel for a known object
    (never None), another for an unknown value."""
    if isinstance(value, Const):
        return value.value
    if isinstance(value, Str) and not value.holes:
        return value.value
    if isinstance(value, Router | Function | ClassV | Instance | ListV | DictV | ModuleV):
        return _OBJECT
    return _UNKNOWN


def configured_value(raw: str, default: Value) -> Value:
    """A value from ``[tool.traceaudit.values]``, read as the type of the default it
    replaces (``"true"`` for a bool setting is True)."""
    if isinstance(default, Const) and isinstance(default.value, bool):
        return Const(raw.strip().lower() in ("1", "true", "yes", "on"))
    if isinstance(default, Const) and type(default.value) in (int, float):
        try:
            number = float(raw.strip()) if isinstance(default.value, float) else int(raw.strip())
        except ValueError:
            return Str(raw)
        return Const(number)
    return Str(raw)
