"""A small static interpreter over per-file facts: "import" the project without running it.

Every module's facts are executed the way Python would import them: imports
run the imported module first (cycles see a partly-run module, like Python),
assignments bind names, decorators apply, calls of project functions run their
bodies (a ``create_app()`` factory, a ``register_routers(app)`` helper), and
calls of FastAPI/Starlette objects record what they register: routes, included
routers, mounts. Both branches of an ``if`` run, each under its condition text;
loops run once per element of a known list. Values that cannot be known stay
:class:`~traceaudit.routes.values.Unknown` with their source text, so nothing is
guessed silently.
"""

from __future__ import annotations

from collections.abc import Sequence

from traceaudit.model import Location
from traceaudit.pysource import facts as pf
from traceaudit.routes.calls import add_item
from traceaudit.routes.expr import MAX_LOOP, PROPERTY_DECORATORS, EarlyReturn, same_value, truth_of
from traceaudit.routes.framework import ROUTE_ATTRS, may_be_router, set_router_field
from traceaudit.routes.functions import Caller
from traceaudit.routes.modules import Project
from traceaudit.routes.values import (
    NONE,
    BoundMethod,
    Builtin,
    ClassV,
    CondItem,
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
    Partial,
    RouteDecorator,
    Router,
    Str,
    Unknown,
    Value,
    plain_items,
    setting_of,
    with_setting,
)

__all__ = ["Frame", "Interpreter", "ModuleState", "Project"]


class Interpreter(Caller):
    """Executes a project's facts and collects routers and their registrations."""

    # -- modules ---------------------------------------------------------------

    def add_edge(self, target: ModuleState) -> None:
        if self.running:
            self.edges.setdefault(self.running[-1], set()).add(target.key)
        for log in self.edge_log:
            log.add(target.key)

    def run_all(self) -> None:
        for key in sorted(self.project.modules):
            state = self.project.modules[key]
            if state.facts is not None and not state.facts.is_test:
                self.load(state)

    def load(self, state: ModuleState) -> ModuleState:
        """Import a module: run its enclosing packages, then its own body, once."""
        for parent in self.project.ancestors(state):
            self.add_edge(parent)
            self.execute(parent)
        self.add_edge(state)
        self.execute(state)
        return state

    def execute(self, state: ModuleState) -> None:
        if state.status != 0 or state.facts is None:
            return
        state.status = 1
        self.running.append(state.key)
        try:
            frame = Frame("module", state.ns, state, None, ())
            self.block(state.facts.body, frame)
        finally:
            self.running.pop()
            state.status = 2

    def module_attr(self, state: ModuleState, name: str, text: str) -> Value:
        if name in state.ns:
            value = state.ns[name]
            if isinstance(value, ModuleV):  # a submodule imported before: still imported
                self.add_edge(value.state)
            return value
        if state.facts is not None and not state.facts.scanned and name not in ("__all__",):
            # The prefilter found nothing route-related in that file: the name is no
            # app or router; a value it holds is read only if one is needed.
            sub = self.project.submodule(state, name)
            if sub is None:
                return Deferred(state, name)
        sub = self.project.submodule(state, name)
        if sub is not None:
            self.load(sub)
            state.ns.setdefault(name, ModuleV(sub))
            return ModuleV(sub)
        if state.status == 1:
            return Lazy(state, name)
        return self.unknown(text)

    # -- statements --------------------------------------------------------------

    def block(self, stmts: Sequence[pf.Stmt], frame: Frame) -> None:
        for stmt in stmts:
            try:
                self.stmt(stmt, frame)
            except EarlyReturn:
                raise
            except Exception as exc:
                # One statement the interpreter cannot follow must not stop the rest.
                self.errors.append(f"{frame.module.path}: {type(exc).__name__}: {exc}")

    def stmt(self, stmt: pf.Stmt, frame: Frame) -> None:
        self.steps += 1
        self.meter.tick(frame.module.path, getattr(stmt, "line", 0))
        if isinstance(stmt, pf.ExprStmt):
            self.eval(stmt.value, frame)
        elif isinstance(stmt, pf.Assign):
            self.assign_stmt(stmt, frame)
        elif isinstance(stmt, pf.FuncDef):
            self.funcdef(stmt, frame)
        elif isinstance(stmt, pf.ImportFrom):
            self.import_from(stmt, frame)
        elif isinstance(stmt, pf.Import):
            self.import_(stmt, frame)
        elif isinstance(stmt, pf.ClassDef):
            self.classdef(stmt, frame)
        elif isinstance(stmt, pf.If):
            self.if_(stmt, frame)
        elif isinstance(stmt, pf.For):
            self.for_(stmt, frame)
        elif isinstance(stmt, pf.Block):
            for target in stmt.bindings:
                self.assign(target, self.unknown(pf.render(target)), frame)
            self.block(stmt.body, frame)
        elif isinstance(stmt, pf.Return):
            if False in frame.truths:
                return  # a branch that does not run with default settings returns nothing
            value = self.eval(stmt.value, frame) if stmt.value is not None else NONE
            if frame.tags:  # chosen by a setting's default: the value depends on it
                value = with_setting(self.force(value), frame.tags[-1])
            unconditional = frame.conditions == frame.entry or all(frame.truths)
            frame.returns.append((value, not unconditional))
            if unconditional:
                raise EarlyReturn
        elif isinstance(stmt, pf.AugAssign):
            self.aug_assign(stmt, frame)
        elif isinstance(stmt, pf.Try):
            self.try_(stmt, frame)

    def if_(self, stmt: pf.If, frame: Frame) -> None:
        if stmt.static is not None:
            self.block(stmt.body if stmt.static else stmt.orelse, frame)
            return
        test = self.need(self.eval(stmt.cond, frame)) if stmt.cond else None
        truth = truth_of(test) if test is not None else None
        setting = setting_of(test) if test is not None else None
        if truth is not None and setting is None and self.per_call(stmt.cond, frame):
            # A test on this call's arguments or this loop iteration's item, known
            # here: only the branch it takes runs (``if resolver.entity == "user"``).
            self.block(stmt.body if truth else stmt.orelse, frame)
            return
        # Both branches run, each under its condition (registrations in them are
        # listed as conditional; those in a branch that the defaults rule out are
        # not live by default). Names they bind differently are settled by the
        # test's value with default settings, or become unknown.
        saved, saved_truths = frame.conditions, frame.truths
        saved_off, saved_tags, saved_unsure = frame.off, frame.tags, frame.unsure
        tags = (*saved_tags, setting) if setting is not None and truth is not None else saved_tags
        before = dict(frame.locals)
        try:
            frame.conditions = (*saved, stmt.test)
            frame.truths = (*saved_truths, truth)
            frame.off, frame.tags = saved_off or truth is False, tags
            frame.unsure = (*saved_unsure, stmt.test) if truth is None else saved_unsure
            self.block(stmt.body, frame)
            after_body = dict(frame.locals)
            frame.locals.clear()
            frame.locals.update(before)
            frame.conditions = (*saved, f"not ({stmt.test})")
            frame.truths = (*saved_truths, None if truth is None else not truth)
            frame.off = saved_off or truth is True
            if truth is None:
                frame.unsure = (*saved_unsure, f"not ({stmt.test})")
            self.block(stmt.orelse, frame)
        finally:
            frame.conditions, frame.truths = saved, saved_truths
            frame.off, frame.tags, frame.unsure = saved_off, saved_tags, saved_unsure
        self.merge(frame.locals, before, after_body, truth)
        if setting is not None and truth is not None:
            for name, value in frame.locals.items():
                if before.get(name) is not value:
                    frame.locals[name] = with_setting(self.force(value), setting)

    def per_call(self, test: pf.Expr | None, frame: Frame) -> bool:
        """Whether a test reads a name of the running call (a parameter, a local) or a
        loop target: its value is then known per call or per iteration."""
        if test is None:
            return False
        names = _names(test)
        if names & frame.loop_names:
            return True
        return frame.kind == "function" and bool(names & frame.locals.keys())

    def merge(
        self,
        names: dict[str, Value],
        before: dict[str, Value],
        body: dict[str, Value],
        truth: bool | None,
    ) -> None:
        """``names`` holds the else-branch bindings; fold in the body's.

        A name only the body binds takes the body's value. A name both paths bind
        differently follows the test when it is known with default settings;
        otherwise a string or number becomes unknown (never a guess) and an object
        keeps the value it has when the body does not run.
        """
        for name, value in body.items():
            other = names.get(name)
            if other is value or before.get(name) is value:
                continue  # the body did not rebind it
            if other is None or truth is True:
                names[name] = value
            elif truth is False or same_value(value, other):
                continue
            elif isinstance(value, Str | Const) or isinstance(other, Str | Const):
                names[name] = self.unknown(name)

    def try_(self, stmt: pf.Try, frame: Frame) -> None:
        """``try`` runs its body (and ``else``); each handler that can run runs after it,
        under its condition, as another path. A name bound on one path only is still
        bound; one both paths bind keeps the body's value unless the body's is unknown
        (a failed optional import) and the handler's is known."""
        before = dict(frame.locals)
        self.block(stmt.body, frame)
        self.block(stmt.orelse, frame)
        after_body = dict(frame.locals)
        merged = dict(after_body)
        saved, saved_truths = frame.conditions, frame.truths
        for handler in stmt.handlers:
            if not self.handler_may_run(stmt, handler, frame):
                continue
            frame.locals.clear()
            frame.locals.update(before)
            if handler.name is not None:
                frame.locals[handler.name] = self.unknown(handler.name)
            caught = ", ".join(handler.types) or "any exception"
            saved_unsure = frame.unsure
            try:
                frame.conditions = (*saved, f"except {caught}")
                frame.truths = (*saved_truths, None)
                frame.unsure = (*saved_unsure, f"except {caught}")
                self.block(handler.body, frame)
            finally:
                frame.conditions, frame.truths = saved, saved_truths
                frame.unsure = saved_unsure
            for name, value in frame.locals.items():
                if before.get(name) is value or name == handler.name:
                    continue
                current = merged.get(name)
                unbound = current is None or current is before.get(name)
                failed = current is not None and isinstance(self.force(current), Unknown | Ext)
                if unbound or (failed and not isinstance(self.force(value), Unknown | Ext | Const)):
                    merged[name] = value
        frame.locals.clear()
        frame.locals.update(merged)
        self.block(stmt.finalbody, frame)

    def handler_may_run(self, stmt: pf.Try, handler: pf.Handler, frame: Frame) -> bool:
        """An ``except ImportError`` cannot run when every import in the body is of a
        project module; any other handler may."""
        names = {t.rsplit(".", 1)[-1] for t in handler.types}
        if not names or not names <= {"ImportError", "ModuleNotFoundError"}:
            return True
        for inner in stmt.body:
            if isinstance(inner, pf.ImportFrom):
                if inner.level:
                    found = self.project.relative(frame.module, inner.level, inner.module)
                else:
                    found = self.project.find(inner.module, frame.module)
            elif isinstance(inner, pf.Import):
                found = self.project.find(inner.module, frame.module)
            else:
                continue
            if found is None:
                return True
        return False

    def for_(self, stmt: pf.For, frame: Frame) -> None:
        value = self.need(self.eval(stmt.iter, frame))
        saved_loops = frame.loop_names
        frame.loop_names = saved_loops | _names(stmt.target)
        try:
            if isinstance(value, ListV):
                # Items added under a test run the body under it (and not live by
                # default when the code that added them does not run by default).
                saved, saved_off, saved_unsure = frame.conditions, frame.off, frame.unsure
                for item in value.items[:MAX_LOOP]:
                    if isinstance(item, CondItem):
                        frame.conditions = (*saved, *item.conditions)
                        frame.unsure = (*saved_unsure, *item.conditions)
                        frame.off = saved_off or item.off
                        item = item.value
                    try:
                        self.assign(stmt.target, item, frame)
                        self.block(stmt.body, frame)
                    finally:
                        frame.conditions, frame.off = saved, saved_off
                        frame.unsure = saved_unsure
                self.block(stmt.orelse, frame)
                return
            items = self.iterate(value)
            if items is None:
                self.assign(stmt.target, self.unknown(pf.render(stmt.iter) + "[...]"), frame)
                self.block(stmt.body, frame)
            else:
                for item in items[:MAX_LOOP]:
                    self.assign(stmt.target, item, frame)
                    self.block(stmt.body, frame)
        finally:
            frame.loop_names = saved_loops
        self.block(stmt.orelse, frame)

    def assign_stmt(self, stmt: pf.Assign, frame: Frame) -> None:
        if frame.cls is not None and stmt.annotation is not None and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if isinstance(target, pf.Name):
                frame.cls.annotations[target.id] = self.eval(stmt.annotation, frame)
        if stmt.value is None:
            return
        value = self.eval(stmt.value, frame)
        for target in stmt.targets:
            self.assign(target, value, frame)

    def assign(self, target: pf.Expr, value: Value, frame: Frame) -> None:
        if isinstance(target, pf.Name):
            frame.locals[target.id] = value
            self.name_object(value, target.id, frame)
        elif isinstance(target, pf.Attr):
            obj = self.force(self.eval(target.value, frame))
            if isinstance(obj, Router) and target.attr in ("prefix", "dependencies", "tags"):
                set_router_field(self, obj, target.attr, value, pf.render(target))
                return
            if isinstance(obj, Instance | Router):
                if frame.off and target.attr in obj.attrs:
                    return  # code that does not run by default keeps the default value
                obj.attrs[target.attr] = value
                if isinstance(value, Router) and value.local_name is None:
                    owner = obj.cls.fact.qualname if isinstance(obj.cls, ClassV) else "self"
                    value.local_name = f"{frame.module.path}:{owner}.{target.attr}"
            elif isinstance(obj, ClassV):
                obj.ns[target.attr] = value
            elif isinstance(obj, ModuleV):
                obj.state.ns[target.attr] = value
        elif isinstance(target, pf.Subscript):
            obj = self.force(self.eval(target.value, frame))
            if isinstance(obj, DictV) and len(target.index) == 1 and not frame.off:
                obj.items.append((self.eval(target.index[0], frame), value))
        elif isinstance(target, pf.Seq):
            value = self.force(value)
            items = plain_items(value.items) if isinstance(value, ListV) else None
            plain = [t for t in target.items if not isinstance(t, pf.Star)]
            if items is not None and len(items) == len(target.items) == len(plain):
                for sub, item in zip(target.items, items, strict=True):
                    self.assign(sub, item, frame)
            else:
                for sub in target.items:
                    inner = sub.value if isinstance(sub, pf.Star) else sub
                    self.assign(inner, self.unknown(pf.render(inner)), frame)

    def name_object(self, value: Value, name: str, frame: Frame) -> None:
        if isinstance(value, Router):
            if frame.kind == "module" and value.name is None:
                value.name = f"{frame.module.path}:{name}"
            elif frame.kind == "function" and value.local_name is None and frame.func is not None:
                value.local_name = f"{frame.module.path}:{frame.func.fact.qualname}.{name}"
        elif isinstance(value, Instance) and value.name is None:
            value.name = name

    def aug_assign(self, stmt: pf.AugAssign, frame: Frame) -> None:
        current = self.force(self.eval(stmt.target, frame))
        value = self.force(self.eval(stmt.value, frame))
        if stmt.op == "Add" and isinstance(current, ListV):
            extra = self.iterate(value)
            if extra is not None:
                for item in extra:
                    add_item(current, item, frame, len(current.items))
            return
        if stmt.op == "Add":
            text = pf.render(stmt.target)
            self.assign(stmt.target, self.binop("+", current, value, text), frame)
            return
        self.assign(stmt.target, self.unknown(pf.render(stmt.target)), frame)

    def import_(self, stmt: pf.Import, frame: Frame) -> None:
        state = self.project.find(stmt.module, frame.module)
        if state is None:
            name = stmt.alias or stmt.module.split(".")[0]
            frame.locals[name] = Ext(stmt.module if stmt.alias else stmt.module.split(".")[0])
            return
        self.load(state)
        if stmt.alias:
            frame.locals[stmt.alias] = ModuleV(state)
            return
        depth = len(stmt.module.split("."))
        parts = state.key.split("/")
        top = self.project.modules.get("/".join(parts[: len(parts) - depth + 1]))
        name = stmt.module.split(".")[0]
        frame.locals[name] = ModuleV(top) if top is not None else self.unknown(name)

    def import_from(self, stmt: pf.ImportFrom, frame: Frame) -> None:
        if stmt.level:
            state = self.project.relative(frame.module, stmt.level, stmt.module)
        else:
            state = self.project.find(stmt.module, frame.module)
        if state is None:
            if stmt.level:
                for _, local in stmt.names:
                    frame.locals[local] = self.unknown(local)
                return
            for name, local in stmt.names:
                frame.locals[local] = Ext(f"{stmt.module}.{name}")
            return
        self.load(state)
        if stmt.star:
            exported = self.force(state.ns.get("__all__", NONE))
            names = (
                [i.value for i in plain_items(exported.items) if isinstance(i, Str)]
                if isinstance(exported, ListV)
                else [n for n in state.ns if not n.startswith("_")]
            )
            for name in names:
                if name in state.ns:
                    frame.locals[name] = state.ns[name]
            return
        for name, local in stmt.names:
            frame.locals[local] = self.module_attr(state, name, f"{state.dotted}.{name}")

    def funcdef(self, stmt: pf.FuncDef, frame: Frame) -> None:
        closure = frame if frame.kind == "function" else frame.parent
        func = Function(stmt, frame.module, closure, frame.cls if frame.kind == "class" else None)
        func.defaults = self.def_defaults(stmt, frame)
        func.annotations = self.def_annotations(stmt, frame)
        self.functions.append(func)
        value: Value = func
        for dec in reversed(stmt.decorators):
            value = self.decorate(self.eval(dec.expr, frame), func, value, dec, frame)
        frame.locals[stmt.name] = value

    def decorate(
        self, dec: Value, func: Function, current: Value, fact: pf.Decorator, frame: Frame
    ) -> Value:
        """Apply a decorator; wrappers are treated as ``functools.wraps`` (the endpoint
        stays the decorated function), route decorators register the route."""
        dec = self.force(dec)
        if isinstance(dec, Unknown):
            self.check_unknown_route(fact, frame)
            return current
        if isinstance(dec, Ext):
            if dec.name in PROPERTY_DECORATORS:
                func.flags.add("property")
            elif dec.name in ("staticmethod", "classmethod"):
                func.flags.add(dec.name)
            return current
        if isinstance(dec, Builtin | Function | BoundMethod | Partial | RouteDecorator | ClassV):
            self.call(dec, [current], {}, pf.Call(fact.expr, (), fact.line), frame)
        return current

    def check_unknown_route(self, fact: pf.Decorator, frame: Frame) -> None:
        """A decorator that looks like a route on something unresolvable is reported."""
        call = fact.expr
        if not (
            isinstance(call, pf.Call)
            and isinstance(call.func, pf.Attr)
            and call.func.attr in ROUTE_ATTRS
            and call.positional()
        ):
            return
        path = call.positional()[0]
        if not (isinstance(path, pf.Const) and isinstance(path.value, str)):
            return
        if not path.value.startswith("/"):
            return
        base = self.force(self.eval(call.func.value, frame))
        if may_be_router(base):
            self.note(
                Location(frame.module.path, fact.line),
                f"route `{pf.render(call)}` is registered on `{pf.render(call.func.value)}`, "
                "which cannot be resolved to an app or router",
            )

    def classdef(self, stmt: pf.ClassDef, frame: Frame) -> None:
        bases = [self.force(self.eval(a.value, frame)) for a in stmt.bases if a.name is None]
        cls = ClassV(stmt, frame.module, bases)
        enclosing = frame if frame.kind == "function" else frame.parent
        body = Frame("class", cls.ns, frame.module, enclosing, frame.conditions)
        body.cls = cls
        self.block(stmt.body, body)
        for dec in reversed(stmt.decorators):
            decorator = self.force(self.eval(dec.expr, frame))
            if isinstance(decorator, Function | Builtin | BoundMethod):
                self.call(decorator, [cls], {}, pf.Call(dec.expr, (), dec.line), frame)
        frame.locals[stmt.name] = cls


def _names(expr: pf.Expr) -> frozenset[str]:
    """The plain names an expression reads (``a`` and ``b`` in ``a.x == f(b)``)."""
    return frozenset(node.id for node in pf.walk(expr) if isinstance(node, pf.Name))
