"""Entry points: what starts a project's apps, run the way a deployment starts them.

An app is served when an entry point starts it. After every module has been
imported (:meth:`~traceaudit.routes.interp.Interpreter.run_all`), this module

* resolves the apps that commands name as strings: ``uvicorn pkg.main:app`` in a
  Dockerfile, compose file, Procfile, shell script or ``pyproject.toml``
  (:mod:`traceaudit.pysource.deploy`), and ``uvicorn.run("pkg.main:app")`` in Python;
  each is resolved in the folder the command runs in;
* runs the entry points that can build or serve an app: console scripts,
  ``if __name__ == "__main__":`` blocks, CLI commands (click/typer ``@x.command``,
  argparse ``set_defaults(func=...)``, ``typer.run``/``fire.Fire``) with their option
  defaults, and functions and methods that nothing in the project calls (a process
  target, a command table, a method only a framework calls). A method runs on a
  fresh instance of its class, ``__init__`` first. What they hand to a server
  (``uvicorn.run(self.app)``, ``uvicorn.Config(app)``, ``hypercorn``'s ``serve``, a
  gunicorn application) is served, with the chain of calls that led there.

Which entry points "can build or serve an app" is decided statically, by name, over
the whole project's facts (a function that calls ``FastAPI(...)``, a class whose
``__init__`` does, a server call, or a function that calls one of those): running
every uncalled function would cost much and find nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from traceaudit.model import Location
from traceaudit.pysource import ServeCommand
from traceaudit.pysource import facts as pf
from traceaudit.routes.interp import Interpreter
from traceaudit.routes.values import (
    BoundMethod,
    Ext,
    Frame,
    Function,
    ModuleState,
    Partial,
    Router,
    Unknown,
    Value,
)

# Directories whose entry points and apps are not what the project serves (unless
# nothing else is).
AUXILIARY = frozenset(
    {"scripts", "script", "examples", "example", "docs", "docs_src", "benchmarks", "samples",
     "sample", "demo", "demos", "tutorial", "tutorials"}
)  # fmt: skip
_APP_CONSTRUCTORS = frozenset({"FastAPI", "Starlette"})
_SERVER_MODULES = frozenset({"uvicorn", "hypercorn", "granian"})
_CLI_DECORATORS = frozenset({"command", "callback"})
_CLI_RUNNERS = frozenset({"run", "Fire"})  # typer.run(main), fire.Fire(main)
_ROUTE_DECORATORS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route",
     "websocket", "route", "websocket_route", "on_event", "middleware", "exception_handler"}
)  # fmt: skip


def is_auxiliary(path: str) -> bool:
    return bool(AUXILIARY.intersection(path.split("/")[:-1]))


@dataclass(slots=True)
class EntryRun:
    """What running the entry points found."""

    returned: list[Router] = field(default_factory=list)  # apps entry functions returned
    lost: list[tuple[Location, str]] = field(default_factory=list)  # names that resolve to nothing
    entries: list[str] = field(default_factory=list)  # every entry point run or resolved


# --------------------------------------------------------------------------
# The static index: who calls what, by name
# --------------------------------------------------------------------------


@dataclass(slots=True)
class _Def:
    fact: pf.FuncDef
    module: str  # module key
    path: str
    owner: str | None  # the class name for a method of a module-level class
    calls: set[str] = field(default_factory=set)
    cli: bool = False  # decorated as a CLI command


@dataclass(slots=True)
class _Class:
    name: str
    bases: set[str]
    calls: set[str] = field(default_factory=set)  # what instantiating it runs


class StaticIndex:
    """Every function and class of the project with the names it calls."""

    def __init__(self, modules: Sequence[ModuleState], cache: IndexCache | None = None) -> None:
        self.defs: list[_Def] = []
        self.classes: dict[str, list[_Class]] = {}
        self.called: set[str] = set()  # every name called anywhere
        self.cli_names: set[str] = set()  # functions named as CLI commands
        # the ``if __name__ == "__main__":`` blocks, with the names they call
        self.mains: list[tuple[ModuleState, pf.If, set[str]]] = []
        # (class or factory name, method name) of method calls on what a call made
        self.qualified: set[tuple[str, str]] = set()
        # per enclosing function, its locals bound to what a call returned: local ->
        # the names called (none when not all calls are of plain names)
        self._made: list[dict[str, frozenset[str]]] = []
        # the module being walked: its names, and how each name looked up was bound
        self._ns: dict[str, Value] = {}
        self._kinds: dict[str, int] = {}
        # the classes of files the prefilter left unread (their methods' bodies unknown):
        # name -> (bases, the module's key and the names its text calls), per definition
        self.unread: dict[str, list[tuple[set[str], str, frozenset[str]]]] = {}
        for state in modules:
            if state.facts is None:
                continue
            if not state.facts.scanned:
                self._unread_classes(state.facts, state.key)
                continue
            self._module(state, cache)
        self._registrars: set[str] | None = None
        self._by_fact: dict[int, _Def] | None = None
        self.builders = self._builders()

    # -- walking the facts -------------------------------------------------------

    def _module(self, state: ModuleState, cache: IndexCache | None) -> None:
        facts = state.facts
        assert facts is not None
        cached = cache.get(id(facts)) if cache is not None else None
        if cached is not None and cached[0] is facts and all(
            _kind_of(state.ns.get(name)) == kind for name, kind in cached[1].kinds.items()
        ):
            part = cached[1]  # the same facts, and every name it looked up bound alike
        else:
            part = self._walk_module(state)
            if cache is not None:
                cache[id(facts)] = (facts, part)
        self.defs.extend(part.defs)
        for cls in part.classes:
            self.classes.setdefault(cls.name, []).append(cls)
        self.called |= part.called
        self.cli_names |= part.cli_names
        self.mains.extend((state, block, calls) for block, calls in part.mains)
        self.qualified |= part.qualified

    def _unread_classes(self, facts: pf.ModuleFacts, key: str) -> None:
        called = frozenset(facts.called)
        for stmt in facts.body:
            if isinstance(stmt, pf.ClassDef):
                bases = {_last_name(a.value) for a in stmt.bases if a.name is None} - {""}
                self.unread.setdefault(stmt.name, []).append((bases, key, called))

    def _walk_module(self, state: ModuleState) -> _ModuleIndex:
        """What one module adds to the index (walked with the index's own containers
        swapped for the module's)."""
        assert state.facts is not None
        outer = (self.defs, self.classes, self.called, self.cli_names, self.mains,
                 self.qualified)  # fmt: skip
        self.defs, self.classes, self.called, self.cli_names = [], {}, set(), set()
        self.mains, self.qualified = [], set()
        self._ns, self._kinds = state.ns, {}
        try:
            top: set[str] = set()
            self._block(state.facts.body, state, None, top, top_level=True)
            self.called |= top
            return _ModuleIndex(
                self.defs, [c for group in self.classes.values() for c in group], self.called,
                self.cli_names, [(block, calls) for _, block, calls in self.mains],
                self.qualified, self._kinds,
            )  # fmt: skip
        finally:
            (self.defs, self.classes, self.called, self.cli_names, self.mains,
             self.qualified) = outer  # fmt: skip

    def _kind(self, name: str) -> int:
        """How the module being walked binds ``name`` (recorded: a cached walk holds
        while every name it looked up is bound alike)."""
        kind = self._kinds.get(name)
        if kind is None:
            kind = self._kinds[name] = _kind_of(self._ns.get(name))
        return kind

    def _block(
        self,
        stmts: Sequence[pf.Stmt],
        state: ModuleState,
        owner: str | None,
        calls: set[str],
        top_level: bool,
    ) -> None:
        for stmt in stmts:
            if isinstance(stmt, pf.FuncDef):
                d = _Def(stmt, state.key, state.path, owner)
                d.cli = any(_is_cli_decorator(dec.expr) for dec in stmt.decorators)
                for dec in stmt.decorators:
                    self._expr(dec.expr, calls)
                    if _is_route_decorator(dec.expr):
                        calls.add("<register>")
                for param in stmt.params:
                    if param.default is not None:
                        self._expr(param.default, d.calls)
                inner: set[str] = set()
                self._made.append(_made_by_calls(stmt.body, self._kind))
                self._block(stmt.body, state, None, inner, top_level=False)
                self._made.pop()
                d.calls |= inner
                self.called |= inner
                if top_level or owner is not None:
                    self.defs.append(d)  # a module-level function or a method
                else:
                    calls |= inner  # a nested function: part of what its parent does
            elif isinstance(stmt, pf.If) and stmt.static is False and "__main__" in stmt.test:
                main_calls: set[str] = set()
                self._made.append(_made_by_calls(stmt.body, self._kind))
                self._block(stmt.body, state, None, main_calls, top_level=False)
                self._made.pop()
                calls |= main_calls
                if top_level:
                    self.mains.append((state, stmt, main_calls))
            elif isinstance(stmt, pf.ClassDef):
                body_calls: set[str] = set()
                bases = {_last_name(a.value) for a in stmt.bases if a.name is None}
                self._block(stmt.body, state, stmt.name if top_level else None, body_calls,
                            top_level=False)  # fmt: skip
                cls = _Class(stmt.name, bases - {""}, set(body_calls))
                for inner_stmt in stmt.body:
                    if isinstance(inner_stmt, pf.FuncDef) and inner_stmt.name in _INIT_NAMES:
                        for d in self.defs:
                            if d.fact is inner_stmt:
                                cls.calls |= d.calls
                self.classes.setdefault(stmt.name, []).append(cls)
                self.called |= body_calls
            else:
                for expr in _stmt_exprs(stmt):
                    self._expr(expr, calls)
                for sub in _sub_blocks(stmt):
                    self._block(sub, state, owner, calls, top_level=False)

    def _known_receiver(self, func: pf.Attr, root: str) -> bool:
        """Whether a method call ``func`` on ``root`` can be told to call the project's
        code: on ``self``/``cls``, on a local bound to what a call returned (``server =
        Server(config)``, but not an attribute of it: ``sbx.commands.run()``), or on a
        module-level name that is not imported from another package. Not on a
        parameter or on ``asyncio``/``subprocess``/``httpx``."""
        if root in ("self", "cls"):
            return True
        if any(root in made for made in self._made):
            return isinstance(func.value, pf.Name)
        return self._kind(root) == _OTHER

    def _made_by(self, func: pf.Expr) -> frozenset[str]:
        """For a method call on what a named call made (``x.run`` after ``x = X()``, or
        ``X().run``), the names called (``X``); else none."""
        if not isinstance(func, pf.Attr):
            return frozenset()
        value = func.value
        if isinstance(value, pf.Call) and isinstance(value.func, pf.Name):
            if self._kind(value.func.id) in (_EXT, _UNKNOWN):
                return frozenset()
            return frozenset({value.func.id})
        if isinstance(value, pf.Name):
            for bound in reversed(self._made):
                if value.id in bound:
                    return bound[value.id]
        return frozenset()

    def _expr(self, expr: pf.Expr, calls: set[str]) -> None:
        roots: dict[int, str] = {}  # a chain's calls share its root: found once (linear)
        for node in pf.walk(expr):
            if not isinstance(node, pf.Call):
                continue
            name = _last_name(node.func)
            root = _root_name(node.func, roots)
            if name:
                made = self._made_by(node.func)
                if made:
                    # ``server = Server(config); server.run()``: ``Server``'s ``run`` (or
                    # a base's), not every ``run`` of the project (see ``_builders``).
                    self.called.add(name)  # still called: not an entry point
                    for maker in made:
                        calls.add(f"{maker}.{name}")
                        self.qualified.add((maker, name))
                elif isinstance(node.func, pf.Attr) and not self._known_receiver(node.func, root):
                    # ``asyncio.run(...)``, ``result.execute()``: a method of an object of
                    # another package, or of one this function was handed, is not known
                    # to be the project's ``run`` (which would make everything that calls
                    # ``asyncio.run`` build an app). Still a name called.
                    self.called.add(name)
                else:
                    calls.add(name)
            if root in _SERVER_MODULES:
                calls.add("<serve>")
            if name in _REGISTER_CALLS or (
                name in _LIST_ADDS and isinstance(node.func, pf.Attr)
                and isinstance(node.func.value, pf.Attr) and node.func.value.attr == "routes"
            ):  # fmt: skip
                calls.add("<register>")
            if name == "set_defaults" or name == "add_command":
                for a in node.args:
                    if a.name in (None, "func") and not a.star:
                        self.cli_names.add(_last_name(a.value))
            if name in _CLI_RUNNERS and root in ("typer", "fire"):
                for a in node.args[:1]:
                    self.cli_names.add(_last_name(a.value))

    # -- who builds an app -----------------------------------------------------------

    def _builders(self) -> set[str]:
        """Names of functions and classes that build or serve an app, through calls."""
        apps = set(_APP_CONSTRUCTORS)
        changed = True
        while changed:  # project subclasses of FastAPI/Starlette (and of those)
            changed = False
            for name, classes in self.classes.items():
                if name not in apps and any(c.bases & apps for c in classes):
                    apps.add(name)
                    changed = True
        self.app_classes = apps
        return self._closure(set(apps) | {"<serve>"})

    def registrars(self) -> set[str]:
        """Names of functions and classes that can add a route to a router, through calls
        (``include_router``, ``add_api_route``, ``mount``, a route decorator, ``.routes
        .append``): a startup hook that can reach none of them adds no route."""
        if self._registrars is None:
            self._registrars = self._closure({"<register>"})
        return self._registrars

    def can_register(self, fact: pf.FuncDef) -> bool:
        """Whether running the function ``fact`` can add a route. A function the index
        does not hold (a nested one) is assumed to."""
        if self._by_fact is None:
            self._by_fact = {id(d.fact): d for d in self.defs}
        d = self._by_fact.get(id(fact))
        return d is None or bool(d.calls & self.registrars())

    def _closure(self, names: set[str]) -> set[str]:
        """``names`` and the names of the functions and classes that call one of them,
        through calls, to a fixed point."""
        methods: dict[str, set[str]] = {}  # builder method name -> the classes defining it
        done: set[int] = set()
        changed = True
        while changed:
            changed = False
            for d in self.defs:
                if id(d) in done or not (d.calls & names):
                    continue
                done.add(id(d))
                changed = True
                if _is_dunder(d.fact.name):
                    # Nothing calls ``__init__`` by name but ``super().__init__()``: what
                    # it does counts for its class (``_Class.calls``), and a subclass
                    # inherits it (below). Let the name through, and every class whose
                    # ``__init__`` calls ``super().__init__()`` builds.
                    continue
                names.add(d.fact.name)
                if d.owner is not None:
                    methods.setdefault(d.fact.name, set()).add(d.owner)
            for name, classes in self.classes.items():
                if name not in names and any(
                    (c.calls & names) or (c.bases & names) for c in classes
                ):
                    names.add(name)
                    changed = True
            for made, method in self.qualified:
                token = f"{made}.{method}"
                if token not in names and self._method_builds(made, method, names, methods):
                    names.add(token)
                    changed = True
        return names

    def _method_builds(
        self, made: str, method: str, names: set[str], methods: dict[str, set[str]]
    ) -> bool:
        """Whether ``made(...).method()`` can build or serve an app: when ``made`` is a
        class of the project, its own or a base's ``method`` is a builder; when it is a
        function (a factory whose return is not followed here), any ``method`` is.

        A class in a file the prefilter left unread may hold such a ``method`` only
        when that file's text calls a builder (else none of its functions can build or
        serve an app); when it does, the file is read in full (see
        :meth:`EntryRunner._read_reaching_files`) and its class is then known."""
        if made not in self.classes and made not in self.unread:
            return method in names
        owners = methods.get(method, set())
        seen: set[str] = set()
        todo = [made]
        while todo:  # the class and its bases, by name
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            if name in owners:
                return True
            for c in self.classes.get(name, ()):
                todo.extend(c.bases)
            for bases, _, called in self.unread.get(name, ()):
                if method in names and not called.isdisjoint(names):
                    return True
                todo.extend(bases)
        return False

    def undecided_classes(self) -> set[str]:
        """The keys of unread modules that define a class whose method a call of the
        project may run as a builder (``made(...).method()`` with ``method`` a builder's
        name) and whose text calls a builder: reading them decides it."""
        keys: set[str] = set()
        for made, method in self.qualified:
            if method not in self.builders:
                continue
            for _, key, called in self.unread.get(made, ()):
                if not called.isdisjoint(self.builders):
                    keys.add(key)
        return keys

    def is_builder(self, d: _Def) -> bool:
        return bool(d.calls & self.builders)

    def roots(self) -> Iterator[tuple[_Def, str]]:
        """The functions and methods that are entry points and can build or serve an
        app: CLI commands, and those nothing in the project calls; with why."""
        for d in self.defs:
            if not self.is_builder(d) or d.fact.name.startswith("__"):
                continue
            decorators = {_last_name(dec.expr) for dec in d.fact.decorators}
            if decorators & {"property", "cached_property"} or decorators & _ROUTE_DECORATORS:
                continue
            if d.cli or d.fact.name in self.cli_names:
                yield d, "CLI command"
            elif d.fact.name not in self.called:
                yield d, "called by nothing in the project"


_INIT_NAMES = frozenset({"__init__", "__post_init__", "__attrs_post_init__", "__new__"})


# calls that add a route to the router they are called on (route decorators aside)
_REGISTER_CALLS = frozenset(
    {"include_router", "add_api_route", "add_api_websocket_route", "add_route",
     "add_websocket_route", "mount", "host", "generate_and_include_versioned_routers"}
)  # fmt: skip
_LIST_ADDS = frozenset({"append", "extend", "insert"})  # on a router's ``.routes``
_ROUTE_VERBS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route",
     "websocket", "route", "websocket_route"}
)  # fmt: skip


def _is_route_decorator(expr: pf.Expr) -> bool:
    """``@router.get("/x")``, ``@app.websocket(...)``: a decorator that registers."""
    return (
        isinstance(expr, pf.Call) and isinstance(expr.func, pf.Attr)
        and expr.func.attr in _ROUTE_VERBS
    )  # fmt: skip


_MISSING, _EXT, _UNKNOWN, _OTHER = range(4)  # how a module binds a name


def _kind_of(value: Value | None) -> int:
    if value is None:
        return _MISSING
    if isinstance(value, Ext):
        return _EXT
    return _UNKNOWN if isinstance(value, Unknown) else _OTHER


@dataclass(slots=True)
class _ModuleIndex:
    """One module's part of the index, kept across resolution rounds while its facts
    and the bindings it looked up stay the same."""

    defs: list[_Def]
    classes: list[_Class]
    called: set[str]
    cli_names: set[str]
    mains: list[tuple[pf.If, set[str]]]
    qualified: set[tuple[str, str]]
    kinds: dict[str, int]  # name -> how the module bound it when walked


# module facts id -> (the facts, their part of the index), for one resolution
IndexCache = dict[int, tuple[pf.ModuleFacts, _ModuleIndex]]


def _is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _made_by_calls(
    body: Sequence[pf.Stmt], kind: Callable[[str], int]
) -> dict[str, frozenset[str]]:
    """The local names a function binds to what a call of the project returned
    (``server = Server(config)``, ``app = create_app()``), in any of its blocks, with the
    names called (none when a name is also bound from a call of another form or by
    another statement)."""
    out: dict[str, set[str]] = {}
    mixed: set[str] = set()
    stack = list(body)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, pf.Assign):
            names = [t.id for t in stmt.targets if isinstance(t, pf.Name)]
            value = stmt.value
            if isinstance(value, pf.Call) and kind(_root_name(value.func)) != _EXT:
                for name in names:
                    out.setdefault(name, set())
                    if isinstance(value.func, pf.Name):
                        out[name].add(value.func.id)
                    else:
                        mixed.add(name)
            else:
                mixed.update(names)
        for sub in _sub_blocks(stmt):
            stack.extend(sub)
    return {name: frozenset() if name in mixed else frozenset(called)
            for name, called in out.items()}  # fmt: skip


def _last_name(expr: pf.Expr) -> str:
    while isinstance(expr, pf.Call):
        expr = expr.func
    if isinstance(expr, pf.Name):
        return expr.id
    if isinstance(expr, pf.Attr):
        return expr.attr
    if isinstance(expr, pf.Subscript):
        return _last_name(expr.value)
    return ""


def _root_name(expr: pf.Expr, memo: dict[int, str] | None = None) -> str:
    """The name a chain of attributes, calls and subscripts starts from (``a`` of
    ``a.b().c[0]``); ``memo`` (node id -> root) makes a whole chain's calls linear."""
    path: list[pf.Expr] = []
    found: str | None = None
    while isinstance(expr, pf.Attr | pf.Call | pf.Subscript):
        if memo is not None and (found := memo.get(id(expr))) is not None:
            break
        path.append(expr)
        expr = expr.func if isinstance(expr, pf.Call) else expr.value
    if found is None:
        found = expr.id if isinstance(expr, pf.Name) else ""
    if memo is not None:
        for node in path:
            memo[id(node)] = found
    return found


def _is_cli_decorator(expr: pf.Expr) -> bool:
    call = expr.func if isinstance(expr, pf.Call) else expr
    if isinstance(call, pf.Attr):
        return call.attr in _CLI_DECORATORS
    return isinstance(call, pf.Name) and call.id == "command"


def _stmt_exprs(stmt: pf.Stmt) -> Iterator[pf.Expr]:
    if isinstance(stmt, pf.Assign):
        if stmt.value is not None:
            yield stmt.value
        yield from stmt.targets
    elif isinstance(stmt, pf.AugAssign):
        yield stmt.value
    elif isinstance(stmt, pf.ExprStmt | pf.Return):
        if stmt.value is not None:
            yield stmt.value
    elif isinstance(stmt, pf.If) and stmt.cond is not None:
        yield stmt.cond
    elif isinstance(stmt, pf.For):
        yield stmt.iter


def _sub_blocks(stmt: pf.Stmt) -> Iterator[tuple[pf.Stmt, ...]]:
    if isinstance(stmt, pf.If):
        if stmt.static is not False:
            yield stmt.body
        yield stmt.orelse
    elif isinstance(stmt, pf.For):
        yield stmt.body
        yield stmt.orelse
    elif isinstance(stmt, pf.Block):
        yield stmt.body
    elif isinstance(stmt, pf.Try):
        yield stmt.body
        for handler in stmt.handlers:
            yield handler.body
        yield stmt.orelse
        yield stmt.finalbody


# --------------------------------------------------------------------------
# Running them
# --------------------------------------------------------------------------


class EntryRunner:
    def __init__(
        self,
        interp: Interpreter,
        commands: Sequence[ServeCommand],
        cache: IndexCache | None = None,
    ) -> None:
        self.interp = interp
        self._cache = cache
        self.commands = commands
        self.result = EntryRun()
        self._done: set[object] = set()
        self.modules = sorted(
            (m for m in interp.project.modules.values()
             if m.facts is not None and not m.facts.is_test),  # a test starts no server
            key=lambda m: m.key,
        )
        self.index = StaticIndex(self.modules, cache)
        self._read_reaching_files()

    def _read_reaching_files(self) -> None:
        """Read in full the files the text prefilter ruled out that call a function or
        class that builds or serves an app (a CLI command module calling
        ``ApiServer(config)``): they hold the entry points. Until nothing new is found."""
        interp = self.interp
        if interp.rescan is None:
            return
        tried: set[str] = set()
        while True:
            names = self.index.builders
            todo = [
                m for m in self.modules
                if m.facts is not None and not m.facts.scanned and not m.facts.is_test
                and m.key not in tried and not names.isdisjoint(m.facts.called)
            ]  # fmt: skip
            if not todo:
                return
            # The files defining a class whose method may build first: what they hold
            # can make the other files' calls none of a builder's (``executor.run()``,
            # when that ``run`` is a sandbox's, not the server's), so fewer are read.
            undecided = self.index.undecided_classes()
            first = [m for m in todo if m.key in undecided]
            if first:
                todo = first
            for state in todo:
                tried.add(state.key)
                full = interp.rescan(state.path)
                if full is not None and full.scanned:
                    state.facts = full
                    state.status = 0
                    interp.execute(state)
            self.index = StaticIndex(self.modules, self._cache)

    def run(self) -> EntryRun:
        interp = self.interp
        for hint, path in interp.project.hint_sources:
            base = path.rsplit("/", 1)[0] if "/" in path else ""
            self.serve_string(hint, base, Location(path, 1), f"`{hint}` handed to a server")
        for cmd in self.commands:
            label = f"{cmd.location} `{cmd.text}`"
            if cmd.kind == "app":
                self.serve_string(cmd.target, cmd.base, cmd.location, label)
            elif cmd.kind == "fastapi":
                self.fastapi_cli(cmd, label)
            elif cmd.kind == "function":
                self.console_script(cmd, label)
            elif cmd.kind == "main":
                self.main_command(cmd, label)
        for state, block, calls in self.index.mains:
            if calls & self.index.builders:
                label = f"{state.path}:{block.line} `if __name__ == \"__main__\"`"
                self.run_main(state, block, label)
        functions = {(f.module.key, f.fact.qualname): f for f in interp.functions}
        for d, why in self.index.roots():
            func = functions.get((d.module, d.fact.qualname))
            if func is not None:
                label = f"{d.path}:{d.fact.def_line} {d.fact.qualname} ({why})"
                self.run_function(func, label, cli=why == "CLI command")
        return self.result

    # -- apps named as strings -----------------------------------------------------

    def serve_string(self, target: str, base: str, location: Location, label: str) -> None:
        app = self.resolve_target(target, base)
        self.result.entries.append(label)
        if isinstance(app, Router) and app.is_app:
            app.served_by.append((label,) + (("auxiliary",) if is_auxiliary(location.path) else ()))
            loaded = self.module(target.partition(":")[0], base)
            if loaded is not None:  # the server imports that module: what it imports counts
                app.loaded_from.add(loaded.key)
        else:
            self.result.lost.append(
                (location, f"`{target}` (from {label}) names no app the code builds; if it is "
                 "served, set apps = [\"module:attr\"] in [tool.traceaudit]")
            )  # fmt: skip

    def resolve_target(self, target: str, base: str) -> Value | None:
        module, _, attr = target.partition(":")
        state = self.module(module, base)
        if state is None or not attr:
            return None
        return self.attr(state, attr, f"{state.path} `{target}`")

    def module(self, dotted_or_path: str, base: str) -> ModuleState | None:
        """A module named by a command, looked up in the folder the command runs in
        first (``backend/`` for a service built there), then in the whole project."""
        project = self.interp.project
        if dotted_or_path.endswith(".py") or "/" in dotted_or_path:
            key = dotted_or_path.removesuffix(".py").removesuffix("/__init__").strip("/")
            for candidate in (f"{base}/{key}" if base else key, key):
                if candidate in project.modules:
                    return project.modules[candidate]
            return None
        rel = dotted_or_path.replace(".", "/")
        prefixes = [base, f"{base}/src" if base else "src", f"{base}/app" if base else "app"]
        for prefix in prefixes:
            key = f"{prefix}/{rel}" if prefix else rel
            if key in project.modules and project.modules[key].facts is not None:
                return project.modules[key]
        return project.find(dotted_or_path, None)

    def attr(self, state: ModuleState, attr: str, label: str) -> Value | None:
        interp = self.interp
        call = attr.endswith(")")
        name = attr.split("(")[0]
        interp.load(state)
        value: Value = state.ns.get(name.split(".")[0], Unknown(name))
        for part in name.split(".")[1:]:
            value = interp.getattr(value, part, name)
        value = interp.force(value)
        if call:
            value = self.call_entry(value, state, label, [], {})
        return interp.force(value)

    def fastapi_cli(self, cmd: ServeCommand, label: str) -> None:
        """``fastapi run [PATH] [--app NAME]``: the file (default main.py, app.py, api.py,
        app/main.py, ...), and in it ``--app``, else ``app`` or ``api``, else the one app."""
        project = self.interp.project
        candidates = [cmd.target] if cmd.target else [
            f"{cmd.base}/{n}" if cmd.base else n
            for n in ("main.py", "app.py", "api.py", "app/main.py", "app/app.py", "app/api.py")
        ]  # fmt: skip
        for path in candidates:
            key = path.removesuffix(".py").removesuffix("/__init__")
            state = project.modules.get(key)
            if state is None and not path.endswith(".py"):
                state = project.modules.get(path.rstrip("/"))  # a package folder
            if state is None or state.facts is None:
                continue
            self.interp.load(state)
            names = [cmd.attr] if cmd.attr else ["app", "api"]
            for name in names:
                if isinstance(self.interp.force(state.ns.get(name, Unknown(name))), Router):
                    self.serve_string(f"{path}:{name}", "", cmd.location, label)
                    return
            apps = [n for n, v in state.ns.items() if isinstance(v, Router) and v.is_app]
            if len(apps) == 1 and not cmd.attr:
                self.serve_string(f"{path}:{apps[0]}", "", cmd.location, label)
                return
        self.result.lost.append(
            (cmd.location, f"`{cmd.text}` names no app the code builds; if it is served, set "
             "apps = [\"path/to/file.py:app\"] in [tool.traceaudit]")
        )  # fmt: skip

    # -- entry functions --------------------------------------------------------------

    def console_script(self, cmd: ServeCommand, label: str) -> None:
        module, _, attr = cmd.target.partition(":")
        state = self.module(module, cmd.base)
        if state is None:
            return  # a script of another package, or one whose module is not here
        self.interp.load(state)
        value = self.interp.force(state.ns.get(attr.split(".")[0], Unknown(attr)))
        for part in attr.split(".")[1:]:
            value = self.interp.force(self.interp.getattr(value, part, attr))
        func = _function(value)
        if func is None:
            return
        builders = self.index.builders
        if func.fact.name in builders or self._calls_builder(func):
            self.run_function(value, label, cli=False)

    def _calls_builder(self, func: Function) -> bool:
        for d in self.index.defs:
            if d.fact is func.fact:
                return self.index.is_builder(d)
        return False

    def main_command(self, cmd: ServeCommand, label: str) -> None:
        state = self.module(cmd.target, cmd.base)
        if state is not None and state.is_package:
            state = self.interp.project.submodule(state, "__main__") or state
        if state is None or state.facts is None:
            return
        for main_state, block, _ in self.index.mains:
            if main_state is state:
                self.run_main(state, block, label)

    def run_main(self, state: ModuleState, block: pf.If, label: str) -> None:
        key = (state.key, block.line)
        if key in self._done:
            return
        self._done.add(key)
        self.result.entries.append(label)
        interp = self.interp
        frame = Frame("module", dict(state.ns), state, None, ())
        with _Entry(interp, label, state, is_auxiliary(state.path)):
            interp.block(block.body, frame)

    def run_function(self, value: Value, label: str, cli: bool) -> None:
        func = _function(value)
        if func is None or id(func.fact) in self._done:
            return
        self._done.add(id(func.fact))
        self.result.entries.append(label)
        state = func.module
        kwargs = self.option_defaults(func) if cli else {}
        result = self.call_entry(value, state, label, [], kwargs)
        result = self.interp.force(result)
        if isinstance(result, Router) and result.is_app:
            self.result.returned.append(result)

    def call_entry(
        self, value: Value, state: ModuleState, label: str, args: list[Value],
        kwargs: dict[str, Value],
    ) -> Value:  # fmt: skip
        interp = self.interp
        frame = Frame("module", state.ns, state, None, ())
        call = pf.Call(pf.Name(label), (), 0)
        func = interp.force(value)
        with _Entry(interp, label, state, is_auxiliary(state.path)):
            owner = func.owner if isinstance(func, Function) else None
            if isinstance(func, Function) and owner is not None:
                if "classmethod" in func.flags:
                    func = BoundMethod(owner, func)
                elif "staticmethod" not in func.flags:  # a method: on a fresh instance
                    obj = interp.instantiate(owner, [], {}, call, frame)
                    func = BoundMethod(obj, func)
            return interp.call(func, args, kwargs, call, frame)

    def option_defaults(self, func: Function) -> dict[str, Value]:
        """A click command's options (``@click.option("--port", default=8000)``) as
        the keyword arguments click passes, with their defaults."""
        out: dict[str, Value] = {}
        frame = Frame("module", func.module.ns, func.module, func.closure, ())
        params = {p.name for p in func.fact.params}
        for dec in func.fact.decorators:
            call = dec.expr
            if not (isinstance(call, pf.Call) and _last_name(call.func) in ("option", "argument")):
                continue
            names = [a.value.value for a in call.args
                     if a.name is None and isinstance(a.value, pf.Const)
                     and isinstance(a.value.value, str)]  # fmt: skip
            name = _param_name(names, params)
            if name is None:
                continue
            default = call.kwarg("default")
            if default is not None:
                value = self.interp.eval(default, frame)
            elif call.kwarg("is_flag") is not None:
                value = self.interp.eval(pf.Const(False), frame)
            else:
                continue
            out[name] = self.interp.setting(f"--{name.replace('_', '-')}", value)
        return out


def _param_name(names: list[str], params: set[str]) -> str | None:
    for name in names:
        if not name.startswith("-") and name in params:
            return name
    longs = [n for n in names if n.startswith("--")] or [n for n in names if n.startswith("-")]
    for name in longs:
        first = name.split("/")[0].lstrip("-").replace("-", "_")
        if first in params:
            return first
    return None


def _function(value: Value) -> Function | None:
    if isinstance(value, Partial):
        return _function(value.func)
    if isinstance(value, BoundMethod):
        return value.func
    return value if isinstance(value, Function) else None


class _Entry:
    """Run code as an entry point: its label in the chains, its module running."""

    def __init__(self, interp: Interpreter, label: str, state: ModuleState, aux: bool) -> None:
        self.interp = interp
        self.label = label
        self.state = state
        self.aux = aux

    def __enter__(self) -> None:
        interp = self.interp
        self.saved = (interp.entry, interp.aux_entry, list(interp.trail))
        interp.entry, interp.aux_entry = self.label, self.aux
        interp.trail.clear()
        interp.running.append(self.state.key)

    def __exit__(self, *exc: object) -> None:
        interp = self.interp
        interp.running.pop()
        interp.entry, interp.aux_entry, trail = self.saved
        interp.trail[:] = trail

