"""Which dependencies guard a route, and whether one of them is authentication.

FastAPI builds a dependency tree per route from the ``dependencies=`` of the
app, routers, ``include_router`` calls and the decorator, plus the endpoint's
``Depends``/``Security`` parameters (also through ``Annotated`` aliases), and
then the parameters of each dependency in turn. This module builds the same
tree from interpreted values. A route needs auth when the tree reaches a
``fastapi.security`` scheme instance or a dependency whose name matches the
configured auth patterns (``fnmatch``, case-insensitive).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from traceaudit.pysource import facts as pf
from traceaudit.routes.framework import is_security_class
from traceaudit.routes.interp import Interpreter
from traceaudit.routes.values import (
    AnnotatedV,
    BoundMethod,
    ClassV,
    DependsV,
    Ext,
    Frame,
    Function,
    Instance,
    LibGuard,
    Partial,
    Unknown,
    Value,
)

_LAST_NAME = re.compile(r"([A-Za-z_]\w*)\s*(?:\(.*)?$", re.S)


@dataclass(frozen=True, slots=True)
class AuthInfo:
    auth: bool
    chain: tuple[str, ...]
    scopes: tuple[str, ...]
    dependencies: tuple[str, ...]
    # auth only under these tests (its dependency was added under them): not auth
    # with default settings, and never a plain ``auth: true``
    condition: str | None = None
    # credentials the handler or a dependency reads and verifies itself ("cookie:refreshtoken",
    # "header:authorization"): auth evidence where the spec's scheme names that credential
    verified: tuple[str, ...] = ()


@dataclass(slots=True)
class _Node:
    name: str  # the name FastAPI sees (function/class name), for the patterns
    label: str  # what the chain shows (variable name of a scheme instance)
    scheme: bool
    children: list[DependsV]


class AuthAnalyzer:
    def __init__(self, interp: Interpreter, patterns: Sequence[str]) -> None:
        self.interp = interp
        self.patterns = tuple(p.lower() for p in patterns)
        self._params: dict[int, list[DependsV]] = {}
        self._nodes: dict[int, tuple[DependsV, _Node]] = {}
        # id(FuncDef) -> (the def, what it verifies): many routes share a dependency
        self._verified: dict[int, tuple[pf.FuncDef, set[str]]] = {}

    def matches(self, name: str) -> bool:
        low = name.lower()
        return any(fnmatchcase(low, p) for p in self.patterns)

    def analyse(self, route_deps: Sequence[Value], handler: Value) -> AuthInfo:
        deps = [d for d in (self.as_depends(v) for v in route_deps) if d is not None]
        deps += self.param_deps(handler)
        names: list[str] = []
        for dep in deps:
            name = self.node(dep).name
            if name not in names:
                names.append(name)
        scheme_chain: tuple[str, ...] | None = None
        pattern_chain: tuple[str, ...] | None = None
        conditional: list[tuple[tuple[str, ...], tuple[str, ...]]] = []  # (conditions, chain)
        for dep in deps:
            found_scheme, found_pattern = self.search(dep, set())
            if dep.conditions:
                found = found_scheme or found_pattern
                if found is not None:
                    conditional.append((dep.conditions, found))
                continue
            if found_scheme is not None:
                scheme_chain = found_scheme
                break
            if pattern_chain is None and found_pattern is not None:
                pattern_chain = found_pattern
        chain = scheme_chain or pattern_chain or ()
        if not chain and not conditional:
            chain = self.body_guard(handler)
        scopes: set[str] = set()
        self.collect_scopes([d for d in deps if not d.conditions], scopes, set())
        condition = None
        if not chain and conditional:
            tests, chain_if = conditional[0]
            condition = " and ".join(dict.fromkeys(tests))
            return AuthInfo(False, chain_if, (), tuple(names), condition)
        verified: set[str] = set()
        if not chain:
            verified.update(self.verifies(self.interp.force(handler)))
            for dep in deps:
                if not dep.conditions:
                    self.collect_verified(dep, verified, set())
        return AuthInfo(
            bool(chain),
            chain,
            tuple(sorted(scopes)),
            tuple(names),
            verified=tuple(sorted(verified)),
        )

    def collect_verified(self, dep: DependsV, out: set[str], seen: set[int]) -> None:
        """Credentials that ``dep`` or the dependencies under it read and verify."""
        if id(dep) in seen:
            return
        seen.add(id(dep))
        value = self.interp.force(dep.call) if dep.call is not None else None
        if isinstance(value, Partial):
            value = self.interp.force(value.func)
        out.update(self.verifies(value))
        for child in self.node(dep).children:
            self.collect_verified(child, out, seen)

    def verifies(self, value: Value | None) -> set[str]:
        """The credentials a function reads (a ``Header``/``Cookie`` parameter named like a
        credential, ``request.cookies[...]``, ``request.headers.get("Authorization")``) when
        its body also calls a verification (``jwt.decode``, ``verify_token``, ...)."""
        func = value.func if isinstance(value, BoundMethod) else value
        if not isinstance(func, Function):
            return set()
        if func.fact.elided:
            # its file was read without function bodies: read it in full and resolve again
            self.interp.demands.add(func.module.path)
            return set()
        known = self._verified.get(id(func.fact))
        if known is None:
            known = self._verified[id(func.fact)] = (func.fact, credentials_verified(func.fact))
        return set(known[1])

    def body_guard(self, handler: Value) -> tuple[str, ...]:
        """Auth the endpoint enforces in its body: before anything can return, it calls a
        method of an object it is given by a dependency and drops the result
        (``auth.authorize_request(request, ns, {Permissions.READ}, require=True)``), so
        the call guards by raising; the method's name must say so (``authorize*``,
        ``enforce*``, ``check_*permission*`` or the auth patterns). A test of a result
        (``if auth.is_allowed(...)``) or a call in one branch only is not such evidence."""
        value = self.interp.force(handler)
        while isinstance(value, Partial):
            value = self.interp.force(value.func)
        func = value.func if isinstance(value, BoundMethod) else value
        if not isinstance(func, Function):
            return ()
        injected = {p.name for p in func.fact.params if p.default is not None and _depends(p)}
        if not injected:
            return ()
        for stmt in _straight_line(func.fact.body):
            if isinstance(stmt, pf.Return) or _may_return(stmt):
                return ()  # a path that returns before the check
            call = stmt.value if isinstance(stmt, pf.ExprStmt) else None
            if (
                isinstance(call, pf.Call)
                and isinstance(call.func, pf.Attr)
                and isinstance(call.func.value, pf.Name)
                and call.func.value.id in injected
                and (_GUARD_METHOD.match(call.func.attr) or self.matches(call.func.attr))
            ):
                return (f"{call.func.value.id}.{call.func.attr}() in {func.fact.name}",)
        return ()

    def as_depends(self, value: Value) -> DependsV | None:
        value = self.interp.force(value)
        if isinstance(value, DependsV):
            return value
        if isinstance(value, Unknown):
            return DependsV(value, False, (), value.text)
        return None

    def search(
        self, dep: DependsV, seen: set[int]
    ) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
        """(chain to a security scheme, chain to an auth-named dependency)."""
        node = self.node(dep)
        key = id(dep.call) if dep.call is not None else id(dep)
        if key in seen:
            return None, None
        seen = seen | {key}
        if node.scheme:
            return (node.label,), None
        pattern: tuple[str, ...] | None = (node.label,) if self.matches(node.name) else None
        for child in node.children:
            scheme_chain, child_pattern = self.search(child, seen)
            if scheme_chain is not None:
                return (node.label, *scheme_chain), pattern
            if pattern is None and child_pattern is not None:
                pattern = (node.label, *child_pattern)
        return None, pattern

    def collect_scopes(self, deps: Sequence[DependsV], out: set[str], seen: set[int]) -> None:
        for dep in deps:
            if id(dep) in seen:
                continue
            seen.add(id(dep))
            out.update(dep.scopes)
            self.collect_scopes(self.node(dep).children, out, seen)

    def node(self, dep: DependsV) -> _Node:
        cached = self._nodes.get(id(dep))
        if cached is None:
            cached = (dep, self._describe(dep.call))  # keeps dep alive: ids stay unique
            self._nodes[id(dep)] = cached
        return cached[1]

    def _describe(self, call: Value | None) -> _Node:
        value = self.interp.force(call) if call is not None else None
        if isinstance(value, Partial):
            value = self.interp.force(value.func)
        if isinstance(value, Function):
            children = self.param_deps(value) + self.guarding_calls(value)
            return _Node(value.fact.name, value.fact.name, False, children)
        if isinstance(value, BoundMethod):
            name = value.func.fact.name
            return _Node(name, name, False, self.param_deps(value))
        if isinstance(value, ClassV):
            name = value.fact.name
            return _Node(name, name, False, self.param_deps(value))
        if isinstance(value, Instance):
            cls = value.cls
            cls_name = cls.fact.name if isinstance(cls, ClassV) else cls.name
            scheme = is_security_class(cls)
            label = value.name or cls_name
            return _Node(cls_name, label if scheme else cls_name, scheme, self.param_deps(value))
        if isinstance(value, LibGuard):  # a library's own security scheme
            return _Node(value.label, value.label, True, [])
        if isinstance(value, Ext):
            return _Node(value.name, value.name, False, [])
        if isinstance(value, Unknown):
            found = _LAST_NAME.search(value.text.split("(", 1)[0])
            name = found.group(1) if found else value.text
            return _Node(name, name, False, [])
        return _Node("?", "?", False, [])

    def guarding_calls(self, func: Function) -> list[DependsV]:
        """Functions a dependency calls itself, where their result is its own: on the
        straight line of its body, before anything can return, with no return after
        that a branch could take (``auth_info = await get_current_user(authorization)``,
        then only checks that raise, then ``return user_info``), or in its first
        return (``return get_current_user(token)``). Such a callee guards the
        dependency as a ``Depends`` would; one whose failure a branch answers with a
        return (``if not user: return None``) does not."""
        fact = func.fact
        if fact.elided or func.owner is not None:
            return []
        # a call inside ``try`` may fail into a handler that lets the request through
        line = _straight_line(fact.body, into_try=False)
        frame: Frame | None = None
        out: list[DependsV] = []
        for i, stmt in enumerate(line):
            if _may_return(stmt):
                break
            call = stmt.value if isinstance(stmt, pf.Assign | pf.ExprStmt | pf.Return) else None
            if isinstance(call, pf.Call) and isinstance(call.func, pf.Name | pf.Attr):
                rest = line[i + 1 :]
                if isinstance(stmt, pf.Return) or (
                    not any(_may_return(s) for s in rest)
                    and any(isinstance(s, pf.Return) for s in rest)
                ):
                    if frame is None:
                        frame = Frame("module", func.module.ns, func.module, func.closure, ())
                    callee = self.interp.force(self.interp.eval(call.func, frame))
                    if isinstance(callee, Function) and callee.fact is not fact:
                        out.append(DependsV(callee, False, (), pf.render(call.func)))
            if isinstance(stmt, pf.Return):
                break
        return out

    def param_deps(self, value: Value) -> list[DependsV]:
        """The Depends/Security parameters of an endpoint or dependency callable."""
        value = self.interp.force(value)
        func: Function | None = None
        skip_first = False
        if isinstance(value, Partial):
            return self.param_deps(value.func)
        if isinstance(value, Function):
            func = value
            skip_first = value.owner is not None and "staticmethod" not in value.flags
        elif isinstance(value, BoundMethod):
            func, skip_first = value.func, True
        elif isinstance(value, ClassV):
            init = value.lookup("__init__")
            if isinstance(init, Function):
                func, skip_first = init, True
        elif isinstance(value, Instance) and isinstance(value.cls, ClassV):
            method = value.cls.lookup("__call__")
            if isinstance(method, Function):
                func, skip_first = method, True
        if func is None:
            return []
        unbound_method = isinstance(value, Function) and skip_first
        key = id(func.fact) * 4 + int(skip_first) + 2 * int(unbound_method)
        cached = self._params.get(key)
        if cached is not None:
            return cached
        self._params[key] = []  # recursion guard
        frame = Frame("module", func.module.ns, func.module, func.closure, ())
        params = func.fact.params[1:] if skip_first else func.fact.params
        out = [d for p in params if (d := self.param_dep(p, frame, func)) is not None]
        if unbound_method and func.owner is not None:
            out = self.class_deps(func.owner) + out
        self._params[key] = out
        return out

    def class_deps(self, cls: ClassV) -> list[DependsV]:
        """Dependencies declared on a class-based view (``user: User = Depends(...)``).

        A method registered unbound (``@router.get`` inside the class body, made a
        view by ``fastapi-utils``' ``@cbv`` or a project's ``@controller``) gets the
        class attributes as dependencies through its ``self`` parameter.
        """
        out: list[DependsV] = []
        seen: set[str] = set()
        for klass in cls.mro():
            if not isinstance(klass, ClassV):
                continue
            for name in (*klass.annotations, *klass.ns):
                if name in seen:
                    continue
                value = self.interp.force(klass.ns[name]) if name in klass.ns else None
                annotation = klass.annotations.get(name)
                if name in klass.ns or name in klass.annotations:
                    seen.add(name)
                dep: DependsV | None = None
                if isinstance(value, DependsV):
                    dep = _with_call(value, annotation)
                elif value is None and isinstance(annotation, AnnotatedV):
                    for meta in annotation.metadata:
                        meta = self.interp.force(meta)
                        if isinstance(meta, DependsV):
                            dep = _with_call(meta, annotation)
                if dep is not None:
                    out.append(dep)
        return out

    def param_dep(self, param: pf.Param, frame: Frame, func: Function) -> DependsV | None:
        if param.kind in ("vararg", "kwarg"):
            return None
        interp = self.interp
        annotation = default = None
        # What the names meant when the ``def`` ran (a later same-named function
        # does not change an earlier ``Depends(get_session)``).
        if func.annotations is not None and param.name in func.annotations:
            annotation = interp.force(func.annotations[param.name])
        elif param.annotation is not None:
            annotation = interp.force(interp.eval(param.annotation, frame))
        if func.defaults is not None and param.name in func.defaults:
            default = interp.force(func.defaults[param.name])
        elif param.default is not None:
            default = interp.force(interp.eval(param.default, frame))
        if isinstance(default, DependsV):
            return _with_call(default, annotation)
        if isinstance(annotation, AnnotatedV):
            for meta in annotation.metadata:
                meta = interp.force(meta)
                if isinstance(meta, DependsV):
                    return _with_call(meta, annotation)
        return None


_GUARD_METHOD = re.compile(r"^(authori[sz]e|enforce|check_\w*permission)", re.I)


def _depends(param: pf.Param) -> bool:
    """A parameter whose default is ``Depends(...)``/``Security(...)`` (as written)."""
    default = param.default
    if not isinstance(default, pf.Call):
        return False
    func = default.func
    name = func.attr if isinstance(func, pf.Attr) else func.id if isinstance(func, pf.Name) else ""
    return name in ("Depends", "Security")


def _may_return(stmt: pf.Stmt) -> bool:
    """A branch, loop or handler that holds a ``return``."""
    blocks: list[Sequence[pf.Stmt]] = []
    if isinstance(stmt, pf.If | pf.For):
        blocks = [stmt.body, stmt.orelse]
    elif isinstance(stmt, pf.Try):
        blocks = [*(h.body for h in stmt.handlers), stmt.orelse, stmt.finalbody]
    elif isinstance(stmt, pf.Block):
        blocks = [stmt.body]
    return any(isinstance(s, pf.Return) or _may_return(s) for b in blocks for s in b)


def _straight_line(body: Sequence[pf.Stmt], *, into_try: bool = True) -> list[pf.Stmt]:
    """The statements that run unconditionally, in order: the body, entering ``with``
    and (unless ``into_try`` is false) ``try`` bodies, not branches, loops or handlers."""
    out: list[pf.Stmt] = []
    for stmt in body:
        if isinstance(stmt, pf.Block) or (into_try and isinstance(stmt, pf.Try)):
            out.extend(_straight_line(stmt.body, into_try=into_try))
        else:
            out.append(stmt)
    return out


def _with_call(dep: DependsV, annotation: Value | None) -> DependsV:
    """``Depends()`` without a callable depends on the parameter's type."""
    if dep.call is not None:
        return dep
    origin = annotation.origin if isinstance(annotation, AnnotatedV) else annotation
    return DependsV(origin, dep.security, dep.scopes, dep.text)


# A credential's name: the Authorization header, a token, a key, a session.
_CREDENTIAL_NAME = re.compile(
    r"(?i)authori[sz]ation|token|jwt|api[-_]?key|secret|session|\bsid\b|auth"
)
# A call that verifies a credential: verify_*, jwt.decode, decode_token, validate_token ...
_VERIFY_CALL = re.compile(
    r"(?i)(?:^|[._])(?:verify\w*|\w*(?:jwt|token)\w*\.decode|decode_\w*(?:token|jwt)\w*|"
    r"\w*(?:validate|check)_?(?:token|jwt|key|session|credential)s?\w*)$"
)


def credentials_verified(fact: pf.FuncDef) -> set[str]:
    """``cookie:<name>``/``header:<name>``/``query:<name>`` a function reads and verifies
    itself (a query parameter only when it is handed to the verification)."""
    read: set[str] = set()
    for param in fact.params:
        default = param.default
        if isinstance(default, pf.Call) and isinstance(default.func, pf.Name | pf.Attr):
            kind = _last(default.func).lower()
            if kind in ("header", "cookie", "apikeyheader", "apikeycookie"):
                alias = next(
                    (a.value.value for a in default.args
                     if a.name == "alias" and isinstance(a.value, pf.Const)),
                    None,
                )  # fmt: skip
                name = str(alias) if alias is not None else param.name.replace("_", "-")
                if _CREDENTIAL_NAME.search(name):
                    where = "cookie" if "cookie" in kind else "header"
                    read.add(f"{where}:{name.lower()}")
    # a plain parameter named as a credential is a query parameter: `token: str`, or
    # `token: str = Query(...)` (a WebSocket's only way to carry one from a browser)
    query = {
        p.name for p in fact.params
        if _CREDENTIAL_NAME.search(p.name) and not p.name.startswith("_") and (
            p.default is None or (
                isinstance(p.default, pf.Call) and isinstance(p.default.func, pf.Name | pf.Attr)
                and _last(p.default.func).lower() == "query"
            )
        )
    }  # fmt: skip
    verified = False
    for node in _walk(fact.body):
        if isinstance(node, pf.Call):
            dotted = pf.render(node.func) if isinstance(node.func, pf.Name | pf.Attr) else ""
            if _VERIFY_CALL.search(dotted):
                verified = True
                # the query parameter the verification is handed: verify_token(token)
                read.update(
                    f"query:{a.value.id.lower()}" for a in node.args
                    if isinstance(a.value, pf.Name) and a.value.id in query
                )  # fmt: skip
            # request.cookies.get("refreshToken"), request.headers.get("Authorization")
            func = node.func
            if (
                isinstance(func, pf.Attr) and func.attr == "get"
                and isinstance(func.value, pf.Attr) and func.value.attr in ("cookies", "headers")
            ):  # fmt: skip
                read.update(_read(func.value.attr, node.args[0].value if node.args else None))
        elif (
            isinstance(node, pf.Subscript)
            and isinstance(node.value, pf.Attr)
            and node.value.attr in ("cookies", "headers")
        ):
            read.update(_read(node.value.attr, node.index[0] if node.index else None))
    return read if verified else set()


def _read(where: str, key: object) -> set[str]:
    if not (isinstance(key, pf.Const) and isinstance(key.value, str)):
        return set()
    name = key.value.lower()
    if where == "headers" and not _CREDENTIAL_NAME.search(name):
        return set()
    return {f"{'cookie' if where == 'cookies' else 'header'}:{name}"}


def _last(expr: pf.Name | pf.Attr) -> str:
    return expr.id if isinstance(expr, pf.Name) else expr.attr


def _walk(node: object) -> Iterator[object]:
    """Every fact record inside ``node`` (statements, expressions), depth first; the bodies
    of nested functions and classes are their own."""
    if isinstance(node, tuple | list):
        for item in node:
            yield from _walk(item)
        return
    if not hasattr(node, "__dataclass_fields__") or isinstance(node, pf.FuncDef | pf.ClassDef):
        return
    yield node
    for name in node.__dataclass_fields__:
        yield from _walk(getattr(node, name))
