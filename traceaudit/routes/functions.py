"""Calls of project functions and classes, for the static interpreter.

:class:`Caller` runs a project function's body with its arguments bound
(memoised per arguments and conditions, bounded in depth and steps), creates
instances and routers when a class is called, and sends every other call to the
models of builtins and the standard library (:mod:`traceaudit.routes.calls`) or
of FastAPI and Starlette (:mod:`traceaudit.routes.framework`).
"""

from __future__ import annotations

from traceaudit.pysource import facts as pf
from traceaudit.routes.calls import call_builtin, call_external
from traceaudit.routes.expr import MAX_DEPTH, MAX_STEPS, EarlyReturn, Evaluator, same_value
from traceaudit.routes.framework import apply_route_decorator, ext_router_kind, new_router
from traceaudit.routes.values import (
    NONE,
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
    ListV,
    Partial,
    RouteDecorator,
    Router,
    Str,
    Unknown,
    Value,
    with_setting,
)


class Caller(Evaluator):
    """Expressions (:class:`Evaluator`) plus calls; the interpreter adds statements."""

    def call(
        self,
        func: Value,
        args: list[Value],
        kwargs: dict[str, Value],
        call: pf.Call,
        frame: Frame,
    ) -> Value:
        func = self.force(func)
        if isinstance(func, Function):
            return self.call_function(func, args, kwargs, call, frame)
        if isinstance(func, BoundMethod):
            return self.call_function(func.func, [func.obj, *args], kwargs, call, frame)
        if isinstance(func, ClassV):
            return self.instantiate(func, args, kwargs, call, frame)
        if isinstance(func, Builtin):
            return call_builtin(self, func, args, kwargs, call, frame)
        if isinstance(func, RouteDecorator):
            return apply_route_decorator(self, func, args, call, frame)
        if isinstance(func, Ext):
            return call_external(self, func, args, kwargs, call, frame)
        if isinstance(func, Instance):
            method = func.cls.lookup("__call__") if isinstance(func.cls, ClassV) else None
            if isinstance(method, Function):
                return self.call_function(method, [func, *args], kwargs, call, frame)
            if isinstance(func.cls, Ext) and func.cls.name == "Config":
                return kwargs.get("default", self.unknown(pf.render(call)))
        if isinstance(func, Partial):
            return self.call(func.func, args, kwargs, call, frame)
        if isinstance(func, Unknown):
            return Unknown(pf.render(call), func.ext)
        return self.unknown(pf.render(call))

    def call_function(
        self,
        func: Function,
        args: list[Value],
        kwargs: dict[str, Value],
        call: pf.Call | None,
        frame: Frame | None,
    ) -> Value:
        text = pf.render(call) if call is not None else f"{func.fact.name}()"
        if func.fact.elided:
            # A function of a file the prefilter ruled out: its body was not read.
            # The audit reads that file in full and resolves again.
            self.demands.add(func.module.path)
            return self.unknown(text)
        if not func.fact.body and func.fact.qualname == func.fact.name:
            # Maybe known only by name and line (its file's routes cannot be read):
            # read the file now that the function's result is needed.
            facts = func.module.facts
            if facts is not None and not facts.scanned:
                self.need(Deferred(func.module, func.fact.name))
            real = func.module.ns.get(func.fact.name)
            if isinstance(real, Function) and real is not func and real.fact.body:
                return self.call_function(real, args, kwargs, call, frame)
            if func.module.facts is not None and not func.module.facts.scanned:
                return self.unknown(text)
        conditions = frame.conditions if frame is not None else ()
        key = (
            id(func.fact),
            id(func.closure),
            *(_memo_key(a) for a in args),
            *((k, _memo_key(v)) for k, v in sorted(kwargs.items())),
            conditions,
            (frame.off, frame.unsure) if frame is not None else None,
        )
        if key in self.memo:
            result, edges = self.memo[key]
            for target in edges:
                state = self.project.modules.get(target)
                if state is not None:
                    self.add_edge(state)
            return result
        if key in self.call_stack or len(self.call_stack) >= MAX_DEPTH or self.steps > MAX_STEPS:
            return self.unknown(text)
        self.called.add(id(func.fact))
        made = len(self.routers)
        local = self.bind(func, args, kwargs)
        body = Frame("function", local, func.module, func.closure, conditions, func)
        if frame is not None:
            body.off, body.unsure = frame.off, frame.unsure
        self.call_stack.append(key)
        self.trail.append(f"{func.module.path}:{func.fact.def_line} {func.fact.qualname}")
        log: set[str] = set()
        self.edge_log.append(log)
        try:
            self.block(func.fact.body, body)
        except EarlyReturn:
            pass
        finally:
            self.edge_log.pop()
            self.call_stack.pop()
            self.trail.pop()
        result = self.pick_return(body.returns, text)
        if len(self.routers) == made:
            # A call that made an app or router is not replayed: each call makes a new
            # one, registered by the code running then (two apps that each call
            # get_system_router() get a router each).
            self.memo[key] = (result, log)
        return result

    def pick_return(self, returns: list[tuple[Value, bool]], text: str) -> Value:
        """The call's value. Returns that may run first (under a test whose value is
        unknown) and disagree with the final one make a string or number unknown:
        never a guess. An object keeps the old choice (the final return)."""
        if not returns:
            return NONE
        final = next((value for value, conditional in returns if not conditional), None)
        maybe = [value for value, conditional in returns if conditional]
        values = [*maybe, final] if final is not None else maybe
        if all(same_value(values[0], v) for v in values[1:]):
            return values[0]
        if any(isinstance(v, Str | Const) for v in values):
            return self.unknown(text)
        if final is not None:
            return final
        known = [v for v in maybe if not isinstance(v, Unknown)]
        return known[0] if known else maybe[0]

    def bind(self, func: Function, args: list[Value], kwargs: dict[str, Value]) -> dict[str, Value]:
        local: dict[str, Value] = {}
        params = func.fact.params
        positional = [p for p in params if p.kind in ("posonly", "pos")]
        rest = list(args)
        for p in positional:
            if rest:
                local[p.name] = rest.pop(0)
        extra_kwargs = dict(kwargs)
        for p in params:
            if p.kind == "vararg":
                local[p.name] = ListV(rest, "tuple")
            elif p.kind == "kwarg":
                continue
            elif p.name not in local:
                if p.name in extra_kwargs:
                    local[p.name] = extra_kwargs.pop(p.name)
                elif func.defaults is not None and p.name in func.defaults:
                    # a default the caller did not override: the call's setting
                    local[p.name] = with_setting(self.force(func.defaults[p.name]), p.name)
                elif p.default is not None:
                    defining = Frame("module", func.module.ns, func.module, func.closure, ())
                    local[p.name] = self.eval(p.default, defining)
                else:
                    local[p.name] = self.unknown(p.name)
        for p in params:
            if p.kind == "kwarg":
                local[p.name] = DictV([(Str(k), v) for k, v in extra_kwargs.items()])
        return local

    def instantiate(
        self,
        cls: ClassV,
        args: list[Value],
        kwargs: dict[str, Value],
        call: pf.Call,
        frame: Frame,
    ) -> Value:
        obj: Router | Instance | None = None
        for base in cls.ext_bases():
            kind = ext_router_kind(base.qual)
            if kind is not None:
                obj = Router(kind, cls, self.location(call.line, frame), self.origin)
                self.add_router(obj)
                break
        gunicorn = obj is None and any(b.qual.startswith("gunicorn.") for b in cls.ext_bases())
        if obj is None:
            obj = Instance(cls)
        init = cls.lookup("__init__")
        if isinstance(init, Function):
            self.call_function(init, [obj, *args], kwargs, call, frame)
        elif isinstance(obj, Router):
            new_router(self, obj, args, kwargs, call, frame)
        else:  # attrs, dataclasses, pydantic models: the generated __init__
            self.generated_init(cls, obj, args, kwargs, call, frame)
        if gunicorn:  # a gunicorn application serves what its load() returns, or is handed
            how = f"{cls.fact.name}(...) ({frame.module.path}:{call.line})"
            load = cls.lookup("load")
            served = [*args, *kwargs.values()]
            if isinstance(load, Function):
                served.append(self.call_function(load, [obj], {}, call, frame))
            for value in served:
                self.serve(value, how, frame)
        return obj

    def generated_init(
        self,
        cls: ClassV,
        obj: Instance,
        args: list[Value],
        kwargs: dict[str, Value],
        call: pf.Call,
        frame: Frame,
    ) -> None:
        """The ``__init__`` attrs, dataclasses and pydantic generate: each field (the
        annotated class attributes, bases first) from the arguments, else from its
        default or factory (``field(factory=X)``, ``field(default_factory=X)``,
        ``attr.ib(default=attr.Factory(f, takes_self=True))``, a plain ``= value``),
        through a project ``converter=``; then ``__attrs_post_init__``/``__post_init__``."""
        fields: dict[str, tuple[ClassV, pf.Expr | None]] = {}
        for c in reversed(cls.mro()):
            if not isinstance(c, ClassV):
                continue
            for stmt in c.fact.body:
                if (
                    isinstance(stmt, pf.Assign)
                    and stmt.annotation is not None
                    and len(stmt.targets) == 1
                    and isinstance(stmt.targets[0], pf.Name)
                    and "ClassVar" not in pf.render(stmt.annotation)
                ):
                    fields[stmt.targets[0].id] = (c, stmt.value)
        positional = list(args)
        for name, (owner, default) in fields.items():
            spec = default if isinstance(default, pf.Call) else None
            scope = Frame("module", owner.module.ns, owner.module, None, ())
            is_field = spec is not None and self.callee_name(spec.func, scope) in _FIELD_CALLS
            value: Value | None = None
            if positional and not (is_field and _false(spec, "init")):
                value = positional.pop(0)
            elif name in kwargs or name.lstrip("_") in kwargs:
                value = kwargs.get(name, kwargs.get(name.lstrip("_")))
            if value is None and default is not None and not is_field:
                continue  # the class attribute (and any configured value) is read instead
            if value is None and default is not None:
                value = self.field_default(default, obj, call, scope)
            if value is None:
                continue
            converter = spec.kwarg("converter") if is_field and spec is not None else None
            if converter is not None:
                conv = self.force(self.eval(converter, Frame("module", owner.module.ns,
                                                            owner.module, None, ())))  # fmt: skip
                if isinstance(conv, Function):
                    value = self.call(conv, [value], {}, call, frame)
            obj.attrs[name] = value
        for name, value in kwargs.items():  # pydantic extras, fields set by name
            obj.attrs.setdefault(name, value)
        for hook in ("__attrs_post_init__", "__post_init__"):
            post = cls.lookup(hook)
            if isinstance(post, Function):
                self.call_function(post, [obj], {}, call, frame)
                break

    def callee_name(self, func: pf.Expr, scope: Frame) -> str:
        """The last part of what a call's function names (``dfield`` imported as
        ``from dataclasses import field as dfield`` is ``field``)."""
        value = self.force(self.eval(func, scope))
        if isinstance(value, Ext):
            return value.qual.rsplit(".", 1)[-1]
        return _call_name(func)

    def field_default(
        self, default: pf.Expr, obj: Instance, call: pf.Call, scope: Frame
    ) -> Value | None:
        assert isinstance(default, pf.Call)
        factory = default.kwarg("factory") or default.kwarg("default_factory")
        value = default.kwarg("default")
        plain = self.callee_name(default.func, scope) != "field"
        if value is None and default.positional() and plain:
            value = default.positional()[0]  # attr.ib(v), pydantic Field(v)
        if factory is not None:
            return self.call(self.eval(factory, scope), [], {}, call, scope)
        if value is None:
            return None
        if isinstance(value, pf.Call) and self.callee_name(value.func, scope) == "Factory":
            args = value.positional()
            if not args:
                return None
            takes_self = value.kwarg("takes_self")
            with_self = isinstance(takes_self, pf.Const) and takes_self.value is True
            func = self.eval(args[0], scope)
            return self.call(func, [obj] if with_self else [], {}, call, scope)
        return self.eval(value, scope)


_FIELD_CALLS = frozenset({"field", "ib", "attrib", "Field"})


def _call_name(expr: pf.Expr) -> str:
    if isinstance(expr, pf.Name):
        return expr.id
    return expr.attr if isinstance(expr, pf.Attr) else ""


def _false(call: pf.Call | None, name: str) -> bool:
    value = call.kwarg(name) if call is not None else None
    return isinstance(value, pf.Const) and value.value is False


def _memo_key(value: Value) -> object:
    if isinstance(value, Str):
        return ("s", value.value, value.holes, value.setting)
    if isinstance(value, Const):
        return ("c", type(value.value).__name__, value.value, value.setting)
    if isinstance(value, Unknown):
        return ("u", value.text)
    if isinstance(value, Ext):
        return ("e", value.qual)
    return ("o", id(value))


