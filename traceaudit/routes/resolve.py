"""All per-file facts -> the routes FastAPI would serve, resolved statically.

The project's facts are interpreted as if Python imported every module
(:mod:`traceaudit.routes.interp`); that yields the apps and routers with everything
registered on them. From each served app the include/mount tree is walked,
composing prefixes, dependencies, tags and flags the way FastAPI does, into
:class:`~traceaudit.model.Route` objects. Routers no served app reaches are
reported as :class:`~traceaudit.model.UnmountedRouter`; registrations that
cannot be resolved are reported, never guessed.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from traceaudit.model import (
    AppInfo,
    Config,
    Location,
    Route,
    UnmountedRouter,
    UnresolvedRegistration,
)
from traceaudit.pysource import facts as pf
from traceaudit.routes.auth import AuthAnalyzer
from traceaudit.routes.budget import Meter, OverBudget
from traceaudit.routes.calls import status_code_of
from traceaudit.routes.entries import (
    EntryRun,
    EntryRunner,
    IndexCache,
    StaticIndex,
    is_auxiliary,
)
from traceaudit.routes.interp import Interpreter
from traceaudit.routes.modules import Project
from traceaudit.routes.values import (
    EMPTY,
    BoundMethod,
    ClassV,
    Frame,
    Function,
    IncludeEntry,
    LibEndpoint,
    ModuleState,
    MountEntry,
    Partial,
    RouteEntry,
    Router,
    Str,
    Unknown,
    Value,
)

# --------------------------------------------------------------------------
# Module names
# --------------------------------------------------------------------------


def module_names(paths: Collection[str]) -> dict[str, str]:
    """Dotted module name for every project-relative ``.py`` path."""
    packages = {p[: -len("/__init__.py")] for p in paths if p.endswith("/__init__.py")}
    return {p: _module_name(p, packages) for p in paths}


def module_name_for(path: str, paths: Collection[str] = ()) -> str:
    """Dotted module name of one file; ``paths`` (all files) reveals packages."""
    packages = {p[: -len("/__init__.py")] for p in paths if p.endswith("/__init__.py")}
    return _module_name(path, packages)


def _module_name(path: str, packages: set[str]) -> str:
    parts = path[:-3].split("/") if path.endswith(".py") else path.split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    dirs = path.split("/")[:-1]
    # Climb the chain of regular packages; the directory above it is the import root.
    top = len(dirs)
    while top > 0 and "/".join(dirs[:top]) in packages:
        top -= 1
    if top < len(dirs):
        return ".".join(parts[top:]) or parts[-1]
    # Namespace packages or scripts: a src/ layout sets the root, else the project root.
    if "src" in dirs:
        return ".".join(parts[len(dirs) - dirs[::-1].index("src") :])
    return ".".join(parts)


# --------------------------------------------------------------------------
# Resolution
# --------------------------------------------------------------------------


class AppNotFound(Exception):
    """None of the configured ``apps`` exists; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class RouteResolution:
    routes: tuple[Route, ...]
    unmounted: tuple[UnmountedRouter, ...] = ()
    unresolved: tuple[UnresolvedRegistration, ...] = ()
    unresolved_paths: tuple[tuple[Location, str], ...] = ()  # (route location, expression)
    # routes registered under a test that the default settings make false: not live
    # by default, listed with the condition (``[tool.traceaudit.values]`` turns them on)
    inactive: tuple[Route, ...] = ()
    apps: tuple[AppInfo, ...] = ()  # every app the code builds, served or not, and how
    entry_points: tuple[str, ...] = ()  # every entry point run or resolved (for --explain)
    # where a trail from an entry point was lost: a command naming no app the code builds
    lost: tuple[tuple[Location, str], ...] = ()
    # files whose share of the resolution passed file-time-budget, and where: resolved
    # without them (none of their routes is reported), their references still audited
    over_budget: tuple[tuple[Location, str], ...] = ()


@dataclass(frozen=True, slots=True)
class _Ctx:
    app: Router
    prefix: Str
    deps: tuple[Value, ...]
    tags: tuple[Value, ...]
    conditions: tuple[str, ...]
    include_in_schema: bool
    deprecated: bool
    chain: tuple[str, ...]
    allowed: frozenset[str]
    off: bool = False  # reached through code that does not run with default settings


def resolve_routes(
    facts: Sequence[pf.ModuleFacts],
    config: Config,
    rescan: Callable[[str], pf.ModuleFacts | None] | None = None,
    commands: Sequence[pf.ServeCommand] = (),
    spent: Mapping[str, float] | None = None,
    clock: Callable[[], float] | None = None,
) -> RouteResolution:
    """The routes every served app serves, plus dead routers and unresolved registrations.

    ``rescan(path)`` gives the full code facts of a file the text prefilter ruled
    out, when a value is needed from it (a table of objects a route loop iterates)
    or one of its functions is called. ``commands`` are the entry points deployment
    files name (:func:`traceaudit.pysource.serve_commands`). ``spent`` is what reading
    each file already cost this run, in seconds of :data:`traceaudit.sandbox.CLOCK`: a
    file whose scan and share of the resolution together pass ``file-time-budget`` is
    left out (:mod:`traceaudit.routes.budget`); time is read from ``clock`` (the
    pipeline hands the supervisor's; by default monotonic seconds).
    """
    with pf.memoised_renders():  # linear in a long chain's length, not quadratic
        return _resolve_routes(facts, config, rescan, commands, spent or {}, clock)


def _resolve_routes(
    facts: Sequence[pf.ModuleFacts],
    config: Config,
    rescan: Callable[[str], pf.ModuleFacts | None] | None,
    commands: Sequence[pf.ServeCommand],
    spent: Mapping[str, float],
    clock: Callable[[], float] | None,
) -> RouteResolution:
    # A test module among them is run only when application code imports it.
    modules = list(facts)
    rescan = _memoised(rescan)  # a file read in full once serves every pass
    over: list[tuple[Location, str]] = []
    index_cache: IndexCache = {}  # each module's part of the call index, across passes
    while True:
        # Each pass starts every file's account anew from its scan's cost (a pass
        # stopped by one file is not charged to the others).
        meter = Meter(config.file_time_budget, spent, clock)
        try:
            interp = Interpreter(Project(modules), dict(config.values), _metered(rescan, meter),
                                 meter)  # fmt: skip
            interp.run_all()
            runner = EntryRunner(interp, commands, index_cache)
            entries = runner.run()
            _run_startup_hooks(interp, runner.index)
            resolution = _Resolver(interp, config, entries).resolve()
        except OverBudget as stop:
            # The file is left out, as if its scan had overrun: no partial list of its
            # routes passes for the whole, and what other files import from it is
            # unknown, never half-built.
            over.append((Location(stop.path, max(1, stop.line)),
                         f"resolving its routes passed the time budget of {stop.budget:g} s "
                         "(raise file-time-budget to audit them)"))  # fmt: skip
            modules = [m for m in modules if m.path != stop.path]
            continue
        if over:
            resolution = replace(resolution, over_budget=tuple(sorted(over)))
        # A function whose body the prefilter left unread was called: read its file in
        # full and resolve again, until nothing more is asked for (the result is then
        # what a full reading gives).
        fresh: dict[str, pf.ModuleFacts] = {}
        unread = {m.path for m in modules if not m.scanned}
        for path in sorted(interp.demands & unread):
            full = rescan(path) if rescan is not None else None
            if full is not None and full.scanned:
                fresh[path] = full
        if not fresh:
            return resolution
        # what this pass read in full for its own sake (entry-point files, tables) is
        # read from the start of the next
        for state in interp.project.modules.values():
            if state.facts is not None and state.facts.scanned and state.facts.path in unread:
                fresh.setdefault(state.facts.path, state.facts)
        modules = [fresh.get(m.path, m) for m in modules]


def _memoised(
    rescan: Callable[[str], pf.ModuleFacts | None] | None,
) -> Callable[[str], pf.ModuleFacts | None] | None:
    if rescan is None:
        return None
    scan = rescan
    done: dict[str, pf.ModuleFacts | None] = {}

    def read(path: str) -> pf.ModuleFacts | None:
        if path not in done:
            done[path] = scan(path)
        return done[path]

    return read


def _metered(
    rescan: Callable[[str], pf.ModuleFacts | None] | None, meter: Meter
) -> Callable[[str], pf.ModuleFacts | None] | None:
    """``rescan`` with the time it takes charged to the file it reads."""
    if rescan is None:
        return None
    scan = rescan
    return lambda path: meter.elsewhere(path, lambda: scan(path))


def _run_startup_hooks(interp: Interpreter, index: StaticIndex) -> None:
    """Run lifespan functions and startup handlers of every app that can add a route
    (``include_router`` in a lifespan); one that cannot, by what it calls, is not run:
    it would change nothing."""
    done: set[int] = set()
    for router in list(interp.routers):
        for hook in router.lifespans:
            hook = interp.force(hook)
            if id(hook) in done or not isinstance(hook, Function | BoundMethod):
                continue
            fact = hook.fact if isinstance(hook, Function) else hook.func.fact
            if not index.can_register(fact):
                continue
            done.add(id(hook))
            module = hook.module if isinstance(hook, Function) else hook.func.module
            interp.running.append(router.origin or module.key)
            try:
                args: list[Value] = [router] if _takes_arg(hook) else []
                frame = Frame("module", module.ns, module, None, ())
                interp.call(hook, args, {}, pf.Call(pf.Name("lifespan"), (), 0), frame)
            finally:
                interp.running.pop()


def _takes_arg(hook: Function | BoundMethod) -> bool:
    func = hook.func if isinstance(hook, BoundMethod) else hook
    params = [p for p in func.fact.params if p.kind in ("pos", "posonly")]
    return len(params) > (1 if isinstance(hook, BoundMethod) else 0)


class _Resolver:
    def __init__(self, interp: Interpreter, config: Config, entries: EntryRun) -> None:
        self.interp = interp
        self.config = config
        self.entries = entries
        self.factory_apps = {id(r) for r in entries.returned}
        self.why: dict[int, str] = {}  # app -> how it was chosen
        self.auth = AuthAnalyzer(interp, config.auth_patterns)
        self.routes: dict[tuple[object, ...], Route] = {}
        self.inactive: dict[tuple[object, ...], Route] = {}
        self.live: set[int] = set()
        self.notes: set[tuple[Location, str]] = set(interp.unresolved)
        self.holes: set[tuple[Location, str]] = set()
        self.closures: dict[str, frozenset[str]] = {}

    def resolve(self) -> RouteResolution:
        served = self.served_apps()
        for app in served:
            ctx = _Ctx(app, EMPTY, (), (), (), True, False, (app.display,), self.allowed(app))
            self.walk(app, ctx, ())
        apps = self.app_infos(served)
        if not self.routes:
            self.explain_silence(apps)
        self.notes.update(self.entries.lost)
        routes = tuple(
            sorted(self.routes.values(), key=lambda r: (r.path, r.methods, r.handler, r.app))
        )
        inactive = tuple(
            sorted(
                (r for k, r in self.inactive.items() if k not in self.routes),
                key=lambda r: (r.path, r.methods, r.handler, r.app),
            )
        )
        return RouteResolution(
            routes=routes,
            unmounted=self.dead_routers(),
            unresolved=tuple(
                UnresolvedRegistration(loc, reason)
                for loc, reason in sorted(self.notes, key=lambda n: (n[0], n[1]))
                if loc.path
            ),
            unresolved_paths=tuple(sorted(self.holes)),
            inactive=inactive,
            apps=apps,
            entry_points=tuple(dict.fromkeys(self.entries.entries)),
            lost=tuple(sorted(set(self.entries.lost))),
        )

    # -- served apps -------------------------------------------------------------

    def served_apps(self) -> list[Router]:
        if self.config.apps:
            found = self.configured_apps(self.config.apps)
            if not found:  # never a silent zero: the configuration is wrong
                raise AppNotFound(
                    f"no configured app was found: {', '.join(self.config.apps)} "
                    "(apps take module:attr such as app.main:app, or the file form the JSON "
                    "output prints, app/main.py:app, relative to ROOT)"
                )
            return found
        routers = self.interp.routers
        # What an entry point starts (a command's "pkg.main:app", an app object handed
        # to uvicorn by code an entry point runs) is what is served; an app another
        # served app mounts or includes is served through it.
        served = [r for r in routers if r.is_app and r.served_by]
        served = self.outermost(served)
        main = [r for r in served if any("auxiliary" not in c for c in r.served_by)]
        builds_main = any(r.is_app and not is_auxiliary(r.created.path) for r in routers)
        if main or (served and not builds_main):
            chosen = main or served
            for r in chosen:
                self.why[id(r)] = "an entry point serves it"
            return chosen
        # Nothing an entry point starts was found: an app is served when a module binds
        # it (or a factory nothing calls makes it) and no other app mounts or includes
        # it. Temporary apps inside functions (an OpenAPI export) are not; apps in
        # scripts/examples/docs are not either, unless the project builds no other.
        embedded = self.embedded()
        factory_ok = not any(r.is_app and r.name is not None and id(r) not in embedded
                             and not is_auxiliary(r.created.path) for r in routers)  # fmt: skip
        apps = [
            r
            for r in routers
            if r.is_app
            and id(r) not in embedded
            and (r.name is not None or (factory_ok and id(r) in self.factory_apps))
        ]
        main = [r for r in apps if not is_auxiliary(r.created.path)]
        chosen = main or ([] if builds_main else apps)
        for r in chosen:
            self.why[id(r)] = (
                "a module binds it" if r.name is not None else "a factory nothing calls returns it"
            ) + " (no entry point that starts an app was found)"
        return chosen

    def embedded(self) -> set[int]:
        """Routers that another router includes or mounts."""
        out: set[int] = set()
        for router in self.interp.routers:
            for entry in router.entries:
                target = entry.child if isinstance(entry, IncludeEntry) else None
                if isinstance(entry, MountEntry):
                    target = entry.app
                if target is not None:
                    target = self.interp.force(target)
                    if isinstance(target, Router) and target is not router:
                        out.add(id(target))
        return out

    def outermost(self, apps: list[Router]) -> list[Router]:
        """The apps no other of them reaches by include or mount; one per name."""
        reached: set[int] = set()
        for app in apps:
            stack = [app]
            seen = {id(app)}
            while stack:
                router = stack.pop()
                for entry in router.entries:
                    target = entry.child if isinstance(entry, IncludeEntry) else (
                        entry.app if isinstance(entry, MountEntry) else None
                    )
                    target = self.interp.force(target) if target is not None else None
                    if isinstance(target, Router) and id(target) not in seen:
                        seen.add(id(target))
                        reached.add(id(target))
                        stack.append(target)
        out: list[Router] = []
        names: set[str] = set()
        for app in apps:
            if id(app) in reached or app.display in names:
                continue
            names.add(app.display)
            out.append(app)
        return out

    def app_infos(self, served: list[Router]) -> tuple[AppInfo, ...]:
        """Every app the code builds (one per name), served or not, with the chains."""
        counts: dict[str, int] = {}
        for route in self.routes.values():
            counts[route.app] = counts.get(route.app, 0) + 1
        served_ids = {id(r) for r in served}
        out: dict[str, AppInfo] = {}
        for router in self.interp.routers:
            if not router.is_app:
                continue
            name = router.display
            is_served = id(router) in served_ids
            previous = out.get(name)
            if previous is not None and (previous.served or not is_served):
                continue
            if is_served:
                why = self.why.get(id(router), "served")
            elif router.served_by or id(router) in self.live:
                why = "another served app mounts or includes it"
            else:
                why = "no entry point starts it"
            out[name] = AppInfo(
                name, router.created, is_served, counts.get(name, 0),
                tuple(dict.fromkeys(router.served_by)), router.made_by, why,
                router.docs if is_served else (), router.base_paths,
            )  # fmt: skip
        return tuple(sorted(out.values(), key=lambda a: (not a.served, a.name)))

    def explain_silence(self, apps: tuple[AppInfo, ...]) -> None:
        """Never a silent zero: no route is served though the code builds apps or
        routers; say where the trail is lost and what to set."""
        for info in apps:
            if info.served:
                continue
            made = f" (built in {info.made_by[-1].split(' ', 1)[-1]})" if info.made_by else ""
            self.notes.add(
                (info.location, f"app `{info.name}`{made} is built, but no entry point that "
                 "traceaudit found starts it (no server command names it, no code that runs "
                 f"hands it to a server); if it is served, set apps = [\"{_app_spec(info)}\"] "
                 "in [tool.traceaudit]")
            )  # fmt: skip
        if not apps:
            routers = [r for r in self.interp.routers if r.entries]
            if routers:
                first = min(routers, key=lambda r: r.created)
                self.notes.add(
                    (first.created, f"{len(routers)} routers register routes, but no app that "
                     "includes them was found (an app built where the interpreter cannot "
                     "follow, e.g. by a library); set apps = [\"module:attr\"] in "
                     "[tool.traceaudit]")
                )  # fmt: skip

    def configured_apps(self, specs: Sequence[str], quiet: bool = False) -> list[Router]:
        out: list[Router] = []
        by_name = {r.display: r for r in reversed(self.interp.routers) if r.is_app}
        for spec in specs:
            module, _, attr = spec.partition(":")
            state = self._module_of(module)
            value: Value | None = by_name.get(spec.strip())  # the name the output prints
            if value is None and state is not None and attr:
                value = self.lookup_attr(state, attr)
            if isinstance(value, Router):
                if value not in out:
                    out.append(value)
            elif not quiet:
                where = state.path if state is not None else "pyproject.toml"
                self.notes.add((Location(where, 1), f"configured app `{spec}` was not found"))
        return out

    def _module_of(self, module: str) -> ModuleState | None:
        """``app.main`` (a dotted module) or ``app/main.py`` (a file, as the JSON prints it)."""
        if module.endswith(".py") or "/" in module:
            key = module.strip().lstrip("./") if module.startswith("./") else module.strip()
            key = key[:-3] if key.endswith(".py") else key
            key = key[: -len("/__init__")] if key.endswith("/__init__") else key
            return self.interp.project.modules.get(key.strip("/"))
        return self.interp.project.find(module, None)

    def lookup_attr(self, state: ModuleState, attr: str) -> Value | None:
        call = attr.endswith("()")
        name = attr[:-2] if call else attr
        self.interp.load(state)
        value: Value = state.ns.get(name.split(".")[0], Unknown(name))
        for part in name.split(".")[1:]:
            value = self.interp.getattr(value, part, name)
        value = self.interp.force(value)
        if call:
            self.interp.running.append(state.key)
            try:
                frame = Frame("module", state.ns, state, None, ())
                value = self.interp.call(value, [], {}, pf.Call(pf.Name(name), (), 1), frame)
            finally:
                self.interp.running.pop()
        return self.interp.force(value)

    def allowed(self, app: Router) -> frozenset[str]:
        """The modules whose registrations on ``app`` exist when it is served: those that
        importing its own module runs, and those that the modules an entry point loads to
        serve it import (``svc/main.py`` importing ``svc/core.py``'s app and the
        ``svc/routes.py`` that adds routes to it)."""
        out = self.closure(app.origin)
        for key in sorted(app.loaded_from):
            out |= self.closure(key)
        return out

    def closure(self, origin: str) -> frozenset[str]:
        """Modules that importing ``origin`` runs: only their registrations exist."""
        cached = self.closures.get(origin)
        if cached is not None:
            return cached
        seen = {origin}
        todo = [origin]
        edges = self.interp.edges
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        result = frozenset(seen)
        self.closures[origin] = result
        return result

    # -- walking -----------------------------------------------------------------

    def walk(self, router: Router, ctx: _Ctx, stack: tuple[int, ...]) -> None:
        if id(router) in stack:
            return
        stack = (*stack, id(router))
        self.live.add(id(router))
        if router.opaque is not None:
            self.notes.add(
                (
                    router.created,
                    f"router of external class `{router.opaque}` may serve routes "
                    "that cannot be seen statically",
                )
            )
        for entry in router.entries:
            if entry.origin and ctx.allowed and entry.origin not in ctx.allowed:
                continue
            conditions = ctx.conditions + entry.conditions
            entry_ctx = replace(ctx, off=True) if entry.off and not ctx.off else ctx
            if isinstance(entry, RouteEntry):
                at = entry.registered_at
                self.interp.meter.tick(at.path, at.line)  # a route is its file's work
                self.emit(router, entry, entry_ctx, conditions)
            elif isinstance(entry, IncludeEntry):
                self.include(router, entry, entry_ctx, conditions, stack)
            else:
                self.mount(entry, entry_ctx, conditions, stack)

    def include(
        self,
        router: Router,
        entry: IncludeEntry,
        ctx: _Ctx,
        conditions: tuple[str, ...],
        stack: tuple[int, ...],
    ) -> None:
        child = self.interp.force(entry.child)
        if not isinstance(child, Router):
            self.notes.add(
                (entry.location, f"include_router({entry.text}): `{entry.text}` cannot be "
                 "resolved to a router")
            )  # fmt: skip
            return
        sub = _Ctx(
            ctx.app,
            ctx.prefix + router.prefix + entry.prefix,
            ctx.deps + tuple(router.dependencies.items) + tuple(entry.dependencies),
            ctx.tags + tuple(router.tags.items) + tuple(entry.tags),
            conditions,
            ctx.include_in_schema and router.include_in_schema and entry.include_in_schema,
            ctx.deprecated or router.deprecated or entry.deprecated,
            (*ctx.chain, child.display),
            ctx.allowed,
            ctx.off,
        )
        self.walk(child, sub, stack)

    def mount(
        self, entry: MountEntry, ctx: _Ctx, conditions: tuple[str, ...], stack: tuple[int, ...]
    ) -> None:
        app = self.interp.force(entry.app)
        if not isinstance(app, Router):
            if isinstance(app, Unknown) and app.ext is None:
                self.notes.add(
                    (entry.location, f"mount of `{entry.text}` cannot be resolved statically")
                )
            return
        path = Str(entry.path.value.rstrip("/"), entry.path.holes)
        sub = _Ctx(
            ctx.app, ctx.prefix + path, (), (), conditions, True, False,
            (*ctx.chain, app.display), ctx.allowed, ctx.off,
        )  # fmt: skip
        self.walk(app, sub, stack)

    def emit(
        self, router: Router, entry: RouteEntry, ctx: _Ctx, conditions: tuple[str, ...]
    ) -> None:
        if entry.kind == "api":
            path = ctx.prefix + router.prefix + entry.path
            deps = ctx.deps + tuple(router.dependencies.items) + tuple(entry.dependencies)
            tags = ctx.tags + tuple(router.tags.items) + tuple(entry.tags)
            schema = ctx.include_in_schema and router.include_in_schema
            deprecated = ctx.deprecated or router.deprecated or entry.deprecated
        else:
            path, deps, tags = ctx.prefix + entry.path, (), ()
            schema, deprecated = ctx.include_in_schema, False
        handler_value = _endpoint(self.interp.force(entry.handler))
        func = handler_value if isinstance(handler_value, Function) else None
        if func is not None:
            handler, location = func.symbol, func.location
        elif isinstance(handler_value, ClassV):
            handler = f"{handler_value.module.path}:{handler_value.fact.qualname}"
            location = Location(handler_value.module.path, handler_value.fact.line)
        elif isinstance(handler_value, LibEndpoint):  # a library's endpoint: no def here
            handler, location = handler_value.qual, handler_value.location
        else:
            text = entry.handler_text or "?"
            handler, location = f"{entry.registered_at.path}:{text}", entry.registered_at
            self.notes.add(
                (entry.registered_at, f"endpoint `{text}` cannot be resolved to a function")
            )
        info = self.auth.analyse(deps, self.interp.force(entry.handler))
        response_model = entry.response_model
        if response_model is None and func is not None and func.fact.returns is not None:
            text = pf.render(func.fact.returns)
            if text != "None" and not text.split("[")[0].endswith("Response"):
                response_model = text
        description = _text(self.interp.force(entry.description)) if entry.description else None
        if description is None and func is not None and func.fact.docstring:
            description = func.fact.docstring.split("\f")[0].strip() or None
        holes = tuple(dict.fromkeys(path.holes))
        for expr in holes:
            self.holes.add((location, expr))
        route = Route(
            methods=entry.methods,
            path=path.value,
            handler=handler,
            location=location,
            app=ctx.app.display,
            registered_at=entry.registered_at,
            auth=info.auth,
            auth_dependencies=info.chain,
            auth_condition=info.condition,
            verified_credentials=info.verified,
            scopes=info.scopes,
            dependencies=info.dependencies,
            include_in_schema=schema and entry.include_in_schema,
            conditional=bool(conditions),
            condition=" and ".join(dict.fromkeys(conditions)) if conditions else None,
            unresolved=tuple("{?" + h + "}" for h in holes),
            status_code=status_code_of(self.interp, entry.status_code),
            response_model=response_model or None,
            tags=tuple(dict.fromkeys(t for t in (_text(self.interp.force(v)) for v in tags) if t)),
            summary=_text(self.interp.force(entry.summary)) if entry.summary else None,
            description=description,
            deprecated=deprecated,
            router_chain=ctx.chain,
        )
        key = (route.methods, route.path, route.handler, route.app)
        table = self.inactive if ctx.off else self.routes
        if key not in table:
            table[key] = route

    # -- dead routers ------------------------------------------------------------

    def dead_routers(self) -> tuple[UnmountedRouter, ...]:
        live_sites = {r.created for r in self.interp.routers if id(r) in self.live}
        out: dict[tuple[str, Location], UnmountedRouter] = {}
        for router in self.interp.routers:
            if id(router) in self.live or router.created in live_sites:
                continue
            sites = sorted({e.registered_at for e in router.entries if isinstance(e, RouteEntry)})
            if not sites:
                continue
            key = (router.display, router.created)
            out.setdefault(key, UnmountedRouter(router.display, router.created, tuple(sites)))
        return tuple(out[k] for k in sorted(out, key=lambda k: (k[1], k[0])))


def _app_spec(info: AppInfo) -> str:
    """The ``apps`` entry that names an app: ``path.py:attr`` for one a module binds."""
    path, _, attr = info.name.partition(":")
    return info.name if attr and "." not in attr else f"{path}:{attr or 'app'}"


def _endpoint(value: Value) -> Value:
    if isinstance(value, Partial):
        return _endpoint(value.func)
    if isinstance(value, BoundMethod):
        return value.func
    return value


def _text(value: Value | None) -> str | None:
    if isinstance(value, Str) and not value.holes:
        return inspect.cleandoc(value.value) if "\n" in value.value else value.value
    return None
