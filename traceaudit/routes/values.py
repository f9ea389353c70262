"""Abstract values for the static interpreter, and the scopes that hold them.

The interpreter runs the per-file facts of a whole project the way Python
would import it, but over these values instead of real objects: known strings
(possibly with ``{?expr}`` placeholders), modules, project functions and
classes, instances, routers/apps that collect route registrations, and
:class:`Unknown` for everything else. Values and scopes refer to each other (a
function keeps its closure's :class:`Frame`, a :class:`ModuleV` its
:class:`ModuleState`), so they live in one module. Nothing here is ever
pickled; only the final :class:`~traceaudit.model.Route` objects leave the
resolver.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from traceaudit.model import Location
from traceaudit.pysource import facts as pf


class Value:
    __slots__ = ()


class Unknown(Value):
    """A value that cannot be known statically; ``text`` is its source text.

    ``ext`` is the external dotted name it came from (``flask.Flask``), if any.
    """

    __slots__ = ("ext", "text")

    def __init__(self, text: str, ext: str | None = None) -> None:
        self.text = text
        self.ext = ext


class Deferred(Unknown):
    """A name of a module the text prefilter ruled out (it holds no route, router or
    path word): unknown, unless a value is needed from it (an attribute, its items,
    its text, its truth); then the module is read in full and run, once."""

    __slots__ = ("name", "state")

    def __init__(self, state: ModuleState, name: str) -> None:
        super().__init__(f"{state.dotted}.{name}", f"{state.dotted}.{name}")
        self.state = state
        self.name = name


class Str(Value):
    """A string; unknown parts appear as ``{?expr}`` and are listed in ``holes``.

    ``setting`` names the setting whose default this value is (an environment
    variable, ``settings.DEBUG``), when it came from one: a deployment may change it.
    """

    __slots__ = ("holes", "setting", "value")

    def __init__(
        self, value: str, holes: tuple[str, ...] = (), setting: str | None = None
    ) -> None:
        self.value = value
        self.holes = holes
        self.setting = setting

    def __add__(self, other: Str) -> Str:
        setting = self.setting or other.setting
        return Str(self.value + other.value, self.holes + other.holes, setting)


EMPTY = Str("")


def hole(text: str) -> Str:
    return Str("{?" + text + "}", (text,))


class Const(Value):
    """A number, bool or None; ``setting`` as for :class:`Str`."""

    __slots__ = ("setting", "value")

    def __init__(self, value: int | float | bool | None, setting: str | None = None) -> None:
        self.value = value
        self.setting = setting


def setting_of(value: Value) -> str | None:
    """The setting a known value is the default of, if any."""
    return value.setting if isinstance(value, Str | Const) else None


def with_setting(value: Value, setting: str | None) -> Value:
    """The value marked as (depending on) a setting's default."""
    if setting is None or setting_of(value) is not None:
        return value
    if isinstance(value, Str):
        return Str(value.value, value.holes, setting)
    if isinstance(value, Const):
        return Const(value.value, setting)
    return value


NONE = Const(None)


class Ext(Value):
    """Something imported from outside the project, by dotted name."""

    __slots__ = ("qual",)

    def __init__(self, qual: str) -> None:
        self.qual = qual

    @property
    def name(self) -> str:
        return self.qual.rsplit(".", 1)[-1]


class ModuleV(Value):
    __slots__ = ("state",)

    def __init__(self, state: ModuleState) -> None:
        self.state = state


class Lazy(Value):
    """A name of a module that was still running when it was imported (a cycle)."""

    __slots__ = ("name", "state")

    def __init__(self, state: ModuleState, name: str) -> None:
        self.state = state
        self.name = name


class Function(Value):
    __slots__ = ("annotations", "closure", "defaults", "fact", "flags", "module", "owner")

    def __init__(
        self,
        fact: pf.FuncDef,
        module: ModuleState,
        closure: Frame | None,
        owner: ClassV | None = None,
    ) -> None:
        self.fact = fact
        self.module = module
        self.closure = closure
        self.owner = owner
        self.flags: set[str] = set()  # "property", "staticmethod", "classmethod"
        # parameter defaults and annotations as the ``def`` statement evaluated them
        # (None: not evaluated, e.g. a function known only by its name and line)
        self.defaults: dict[str, Value] | None = None
        self.annotations: dict[str, Value] | None = None

    @property
    def symbol(self) -> str:
        return f"{self.module.path}:{self.fact.qualname}"

    @property
    def location(self) -> Location:
        return Location(self.module.path, self.fact.line)


class ClassV(Value):
    __slots__ = ("annotations", "bases", "fact", "module", "ns")

    def __init__(self, fact: pf.ClassDef, module: ModuleState, bases: list[Value]) -> None:
        self.fact = fact
        self.module = module
        self.bases = bases
        self.ns: dict[str, Value] = {}
        self.annotations: dict[str, Value] = {}  # class-level ``name: annotation``

    def mro(self) -> list[Value]:
        """This class, then its bases depth-first (good enough for linear hierarchies)."""
        out: list[Value] = []
        seen: set[int] = set()

        def visit(cls: Value) -> None:
            if id(cls) in seen:
                return
            seen.add(id(cls))
            out.append(cls)
            if isinstance(cls, ClassV):
                for base in cls.bases:
                    visit(base)

        visit(self)
        return out

    def lookup(self, name: str) -> Value | None:
        for cls in self.mro():
            if isinstance(cls, ClassV) and name in cls.ns:
                return cls.ns[name]
        return None

    def ext_bases(self) -> list[Ext]:
        return [c for c in self.mro() if isinstance(c, Ext)]


class Instance(Value):
    """An instance of a project class (or of an external class we model)."""

    __slots__ = ("attrs", "cls", "name")

    def __init__(self, cls: ClassV | Ext) -> None:
        self.cls = cls
        self.attrs: dict[str, Value] = {}
        self.name: str | None = None  # the variable it was first bound to


class ListV(Value):
    __slots__ = ("conditions", "items", "kind")

    def __init__(
        self, items: list[Value], kind: str = "list", conditions: tuple[str, ...] = ()
    ) -> None:
        self.items = items
        self.kind = kind
        self.conditions = conditions  # the unsure conditions it was made under


class CondItem(Value):
    """A list item added only under some tests (``if x: routers.append(r)``), or in
    code that does not run with default settings (``off``). Only lists hold these;
    :func:`plain_items` and the interpreter's ``iterate`` unwrap them."""

    __slots__ = ("conditions", "off", "value")

    def __init__(self, value: Value, conditions: tuple[str, ...], off: bool) -> None:
        self.value = value
        self.conditions = conditions
        self.off = off


def plain_items(items: list[Value]) -> list[Value]:
    """A list's items as they are with default settings: conditional ones unwrapped,
    those added by code that does not run by default left out."""
    return [
        i.value if isinstance(i, CondItem) else i
        for i in items
        if not (isinstance(i, CondItem) and i.off)
    ]


class DictV(Value):
    __slots__ = ("items",)

    def __init__(self, items: list[tuple[Value, Value]]) -> None:
        self.items = items

    def get(self, key: str) -> Value | None:
        for k, v in reversed(self.items):
            if isinstance(k, Str) and k.value == key and not k.holes:
                return v
        return None


class DependsV(Value):
    """``Depends(call)`` / ``Security(call, scopes=[...])``; call None means the annotation."""

    __slots__ = ("call", "conditions", "scopes", "security", "text")

    def __init__(
        self,
        call: Value | None,
        security: bool,
        scopes: tuple[str, ...],
        text: str,
        conditions: tuple[str, ...] = (),
    ) -> None:
        self.call = call
        self.security = security
        self.scopes = scopes
        self.text = text
        # added to a dependency list only under these tests (``if auth_enabled:
        # deps.append(Depends(...))``): a route it guards has auth only then
        self.conditions = conditions


class AnnotatedV(Value):
    __slots__ = ("metadata", "origin")

    def __init__(self, origin: Value, metadata: list[Value]) -> None:
        self.origin = origin
        self.metadata = metadata


class BoundMethod(Value):
    __slots__ = ("func", "obj")

    def __init__(self, obj: Value, func: Function) -> None:
        self.obj = obj
        self.func = func


class Builtin(Value):
    """A method of a modelled value: ``router.get``, ``routers.append``, ``s.rstrip``."""

    __slots__ = ("name", "obj")

    def __init__(self, obj: Value, name: str) -> None:
        self.obj = obj
        self.name = name


class Super(Value):
    __slots__ = ("cls", "obj")

    def __init__(self, obj: Value, cls: ClassV) -> None:
        self.obj = obj
        self.cls = cls


class RouteDecorator(Value):
    """``router.get("/x", ...)`` before it is applied to the endpoint."""

    __slots__ = ("base", "call", "kind", "kwargs", "methods", "path", "target")

    def __init__(
        self,
        target: Value,
        kind: str,
        methods: tuple[str, ...] | None,
        path: Str,
        kwargs: dict[str, Value],
        call: pf.Call,
    ) -> None:
        self.target = target  # the Router, or what could not be resolved
        self.kind = kind  # "api", "websocket", "plain", "plain-websocket"
        self.methods = methods
        self.path = path
        self.kwargs = kwargs
        self.call = call
        self.base = False  # registered through super(): a subclass override is not re-entered


class LibEndpoint(Value):
    """An endpoint a library registers (:mod:`traceaudit.routes.libraries`): no ``def``
    in the project; ``qual`` is the library's module:qualname, ``location`` the line
    that built its router."""

    __slots__ = ("location", "qual")

    def __init__(self, qual: str, location: Location) -> None:
        self.qual = qual
        self.location = location


class LibGuard(Value):
    """A library's own authentication dependency (a security scheme it applies)."""

    __slots__ = ("label",)

    def __init__(self, label: str) -> None:
        self.label = label


class Partial(Value):
    __slots__ = ("func",)

    def __init__(self, func: Value) -> None:
        self.func = func


# --------------------------------------------------------------------------
# Where values live: modules and the frames of running code
# --------------------------------------------------------------------------


class ModuleState:
    """One module of the project (or a namespace package directory)."""

    __slots__ = ("dotted", "facts", "is_package", "key", "ns", "path", "status")

    def __init__(self, key: str, facts: pf.ModuleFacts | None, is_package: bool) -> None:
        self.key = key  # "app/api/routes/items", "app/api" for a package
        self.facts = facts
        self.path = facts.path if facts is not None else key  # file path for messages
        self.is_package = is_package
        self.dotted = facts.module if facts is not None else key.replace("/", ".")
        self.ns: dict[str, Value] = {"__name__": Str(self.dotted)}
        self.status = 0  # 0 not run, 1 running, 2 done


class Frame:
    """A scope being executed: module, class body or function call."""

    __slots__ = (
        "cls", "conditions", "entry", "func", "kind", "locals", "loop_names", "module", "off",
        "parent", "returns", "tags", "truths", "unsure",
    )  # fmt: skip

    def __init__(
        self,
        kind: str,
        locals_: dict[str, Value],
        module: ModuleState,
        parent: Frame | None,
        conditions: tuple[str, ...],
        func: Function | None = None,
    ) -> None:
        self.kind = kind  # "module", "class", "function"
        self.locals = locals_
        self.module = module
        self.parent = parent  # enclosing function frame (closures)
        self.conditions = conditions
        self.entry = conditions  # the conditions the call started under
        self.func = func
        self.returns: list[tuple[Value, bool]] = []
        # what the tests of the ifs entered since the call are with default settings
        self.truths: tuple[bool | None, ...] = ()
        # the settings those tests read (their defaults decided them), innermost last
        self.tags: tuple[str, ...] = ()
        # the code running now does not run with default settings (a branch whose test
        # is known false, here or in a caller): what it registers is not live by default
        self.off = False
        self.loop_names: frozenset[str] = frozenset()  # targets of the loops running
        # the conditions whose truth is unknown with default settings (a subset of
        # ``conditions``, inherited by calls like them)
        self.unsure: tuple[str, ...] = ()
        self.cls: ClassV | None = None


# --------------------------------------------------------------------------
# Routers and what is registered on them
# --------------------------------------------------------------------------


@dataclass(slots=True)
class RouteEntry:
    methods: tuple[str, ...]
    path: Str
    handler: Value
    registered_at: Location
    conditions: tuple[str, ...]
    origin: str  # module key that executed the registration
    kind: str = "api"  # "api" (router prefix applies) or "plain" (Starlette-style)
    dependencies: list[Value] = field(default_factory=list)
    tags: list[Value] = field(default_factory=list)
    include_in_schema: bool = True
    deprecated: bool = False
    status_code: Value | None = None
    response_model: str | None = None
    summary: Value | None = None
    description: Value | None = None
    handler_text: str = ""
    off: bool = False  # registered in code that does not run with default settings


@dataclass(slots=True)
class IncludeEntry:
    child: Value
    prefix: Str
    location: Location
    conditions: tuple[str, ...]
    origin: str
    text: str
    dependencies: list[Value] = field(default_factory=list)
    tags: list[Value] = field(default_factory=list)
    include_in_schema: bool = True
    deprecated: bool = False
    off: bool = False


@dataclass(slots=True)
class MountEntry:
    path: Str
    app: Value
    location: Location
    conditions: tuple[str, ...]
    origin: str
    text: str
    off: bool = False


Entry = RouteEntry | IncludeEntry | MountEntry


class Router(Value):
    """A FastAPI app, APIRouter, Starlette app or Router (or a subclass instance)."""

    __slots__ = (
        "attrs", "base_paths", "cls", "created", "dependencies", "deprecated", "docs",
        "entries", "include_in_schema", "kind", "lifespans", "loaded_from", "local_name",
        "made_by", "name", "opaque", "origin", "prefix", "served_by", "tags",
    )  # fmt: skip

    def __init__(self, kind: str, cls: ClassV | Ext, created: Location, origin: str) -> None:
        self.kind = kind  # "app" (FastAPI), "router" (APIRouter), "starlette", "srouter"
        self.cls = cls
        self.created = created
        self.origin = origin
        self.prefix: Str = EMPTY
        self.dependencies = ListV([])
        self.tags = ListV([])
        self.include_in_schema = True
        self.deprecated = False
        self.entries: list[Entry] = []
        self.attrs: dict[str, Value] = {}
        self.lifespans: list[Value] = []  # lifespan= and startup handlers, run after import
        self.name: str | None = None  # "app/main.py:app": first module-level binding
        self.local_name: str | None = None  # "app/factory.py:create_app.app"
        self.opaque: str | None = None  # external router class that may add hidden routes
        # the chain of calls that made it: the entry point, then the project functions
        self.made_by: tuple[str, ...] = ()
        # each way it is served: the chain from an entry point to the server that runs it
        self.served_by: list[tuple[str, ...]] = []
        # the paths FastAPI itself serves for an app: its docs and schema, when on
        self.docs: tuple[str, ...] = ()
        # the modules an entry point that serves it imports (``uvicorn svc.main:app`` loads
        # svc.main): registrations made by the modules they import count
        self.loaded_from: set[str] = set()
        # the base paths a deployment serves an app under (``root_path=``, Mangum's
        # ``api_gateway_base_path=``): a proxy strips them before the app sees the path
        self.base_paths: tuple[str, ...] = ()

    @property
    def is_app(self) -> bool:
        return self.kind in ("app", "starlette")

    @property
    def display(self) -> str:
        return self.name or self.local_name or f"{self.created.path}:{self.created.line}"


@dataclass(slots=True)
class RouteSpec(Value):
    """A literal ``Route(...)`` / ``APIRoute`` / ``WebSocketRoute`` / ``Mount(...)`` object."""

    kind: str  # "route", "apiroute", "websocket", "mount"
    path: Str
    target: Value  # endpoint, or the mounted app/router
    methods: tuple[str, ...] | None
    location: Location
    text: str
