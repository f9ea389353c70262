"""What calls of the standard library, pydantic and builtins mean statically.

Used by :class:`traceaudit.routes.interp.Interpreter`: ``Depends`` and ``Security``,
``os.getenv`` defaults, pydantic ``Field`` defaults, ``importlib.import_module``,
``functools.partial`` and the list/dict/str methods that project code uses to
build router lists and paths. Router and app calls go to :mod:`traceaudit.routes.framework`.
"""

from __future__ import annotations

from http import HTTPStatus

from traceaudit.pysource import facts as pf
from traceaudit.routes import libraries
from traceaudit.routes.framework import (
    ENV_GETTERS,
    PLAIN_ROUTER_CLASSES,
    SECURITY_CLASSES,
    add_base_path,
    add_route_spec,
    arg,
    endpoint_text,
    ext_router_kind,
    kwarg_text,
    library_router,
    location,
    new_router,
    router_method,
    upper_methods,
)
from traceaudit.routes.machine import Machine
from traceaudit.routes.values import (
    EMPTY,
    NONE,
    BoundMethod,
    Builtin,
    ClassV,
    CondItem,
    Const,
    DependsV,
    DictV,
    Ext,
    Frame,
    Function,
    Instance,
    ListV,
    ModuleV,
    Partial,
    Router,
    RouteSpec,
    Str,
    Unknown,
    Value,
    plain_items,
)

# --------------------------------------------------------------------------
# External callables
# --------------------------------------------------------------------------


def call_external(
    interp: Machine,
    func: Ext,
    args: list[Value],
    kwargs: dict[str, Value],
    call: pf.Call,
    frame: Frame,
) -> Value:
    qual = func.qual
    name = func.name
    top = qual.split(".")[0]
    text = pf.render(call)
    model = libraries.router_builder(qual)
    if model is not None:  # a library function or class that builds a known router
        return library_router(interp, model, args, kwargs, call, frame)
    if libraries.is_builder_class(qual):  # its methods build routers (FastAPIUsers)
        return Instance(func)
    kind = ext_router_kind(qual)
    if kind is not None:
        router = Router(kind, func, location(call, frame), interp.origin)
        if kind == "router" and name not in PLAIN_ROUTER_CLASSES:
            router.opaque = qual
        interp.add_router(router)
        new_router(interp, router, args, kwargs, call, frame)
        return router
    if top in ("fastapi", "starlette"):
        special = _framework_call(interp, func, args, kwargs, call, frame)
        if special is not None:
            return special
    if (top == "uvicorn" and name in ("run", "Config")) or (top == "hypercorn" and name == "serve"):
        # what a server is handed is served (an object here; "module:app" strings are read
        # from the text as well)
        target = arg(args, kwargs, 0, "app")
        if target is not None:
            interp.serve(target, f"{qual} ({frame.module.path}:{call.line})", frame)
        return Unknown(text, qual)
    if top == "mangum" and name == "Mangum":
        # AWS Lambda's ASGI adapter: API Gateway strips its base path before the app
        target = arg(args, kwargs, 0, "app")
        if target is not None:
            add_base_path(interp, interp.force(target), kwargs.get("api_gateway_base_path"))
        return Unknown(text, qual)
    if qual in ENV_GETTERS or name == "getenv":
        # With default settings an environment variable is not set: its default (None
        # when there is none) is the value, marked as the variable's.
        key = interp.force(arg(args, kwargs, 0, "key") or NONE)
        var = key.value if isinstance(key, Str) and not key.holes else text
        default = arg(args, kwargs, 1, "default")
        return interp.setting(var, default if default is not None else NONE, text)
    if name == "iscoroutinefunction" and top in ("inspect", "asyncio") and len(args) == 1:
        target = interp.force(args[0])
        target = target.func if isinstance(target, BoundMethod) else target
        if isinstance(target, Function):  # a project function: its ``async def``
            return Const(target.fact.is_async)
        return Unknown(text, qual)
    if name == "cast" and top in ("typing", "typing_extensions") and len(args) == 2:
        return args[1]  # ``typing.cast(T, value)`` is the value
    if (name == "make_class" and top in ("attr", "attrs")) or (
        name == "create_model" and top == "pydantic"
    ):
        return _made_class(interp, func, args, kwargs, call, frame)
    if qual == "functools.partial" and args:
        return Partial(args[0])
    if qual == "importlib.import_module" and args:
        return _import_module(interp, args, kwargs, frame, text)
    if name == "Field" and top in ("pydantic", "sqlmodel", "pydantic_settings"):
        default = arg(args, kwargs, 0, "default")
        if default is not None and not isinstance(default, Unknown):
            return default
        factory = kwargs.get("default_factory")
        if factory is not None:
            return interp.call(factory, [], {}, call, frame)
        return interp.unknown(text)
    if qual == "decouple.config":
        key = interp.force(arg(args, kwargs, 0, "key") or NONE)
        var = key.value if isinstance(key, Str) and not key.holes else text
        return interp.setting(var, kwargs.get("default", interp.unknown(text)), text)
    if top == "traitlets" and name in TRAIT_DEFAULTS:
        return _trait_default(interp, name, args, kwargs, text)
    if qual == "builtins.object.__setattr__" and len(args) == 3:
        # ``object.__setattr__(self, "name", value)``: what ``self.name = value`` does
        # in a class whose own ``__setattr__`` does something else
        obj, attr = interp.force(args[0]), interp.force(args[1])
        if (
            isinstance(obj, Instance)
            and isinstance(attr, Str)
            and not attr.holes
            and not (frame.off and attr.value in obj.attrs)
        ):
            obj.attrs[attr.value] = args[2]
        return NONE
    if top == "builtins":
        return _builtin(interp, name, args, kwargs, call, frame)
    return Unknown(text, qual)


def _made_class(
    interp: Machine,
    func: Ext,
    args: list[Value],
    kwargs: dict[str, Value],
    call: pf.Call,
    frame: Frame,
) -> Value:
    """A class made by a call (``attr.make_class(name, attrs, bases=(A, B))``,
    ``pydantic.create_model(name, __base__=M)``): a class with those bases and no body,
    so that ``issubclass`` on it is known."""
    text = pf.render(call)
    name = interp.force(arg(args, kwargs, 0, "name" if func.name == "make_class" else "model_name")
                        or NONE)  # fmt: skip
    if func.name == "make_class":
        given = arg(args, kwargs, 2, "bases")
        default: Value = Ext("builtins.object")
    else:
        given = kwargs.get("__base__")
        default = Ext("pydantic.BaseModel")
    if given is None:
        bases = [default]
    else:
        items = interp.iterate(given) if isinstance(interp.force(given), ListV) else [given]
        if items is None:
            return interp.unknown(text)
        bases = [interp.force(b) for b in items]
    label = name.value if isinstance(name, Str) and not name.holes else "made_class"
    fact = pf.ClassDef(label, label, call.line, (), (), ())
    return ClassV(fact, frame.module, bases)


# traitlets trait types: on an instance, a trait is its default value.
TRAIT_DEFAULTS: dict[str, Value | None] = {
    "Unicode": Str(""), "CUnicode": Str(""), "Bytes": None, "Bool": Const(False),
    "CBool": Const(False), "Int": Const(0), "CInt": Const(0), "Integer": Const(0),
    "Float": Const(0.0), "CFloat": Const(0.0), "List": None, "Tuple": None, "Set": None,
    "Dict": None, "Enum": None, "CaselessStrEnum": None, "Type": None, "Instance": None,
    "Any": None, "Union": None, "TraitType": None,
}  # fmt: skip


def _trait_default(
    interp: Machine, name: str, args: list[Value], kwargs: dict[str, Value], text: str
) -> Value:
    """``Unicode("/", config=True)``: the default (first argument or ``default_value``);
    ``Enum(values, default)`` takes the second; ``Type(klass)`` the class."""
    index = 1 if name in ("Enum", "CaselessStrEnum") else 0
    default = kwargs.get("default_value", args[index] if len(args) > index else None)
    if default is not None and not isinstance(interp.force(default), Unknown):
        return default
    if name in ("List", "Tuple", "Set"):
        return ListV([])
    if name == "Dict":
        return DictV([])
    fallback = TRAIT_DEFAULTS.get(name)
    return fallback if fallback is not None else interp.unknown(text)


def _framework_call(
    interp: Machine,
    func: Ext,
    args: list[Value],
    kwargs: dict[str, Value],
    call: pf.Call,
    frame: Frame,
) -> Value | None:
    name = func.name
    text = pf.render(call)
    if name in ("Depends", "Security"):
        dep = arg(args, kwargs, 0, "dependency")
        scopes = tuple(interp.strings(kwargs.get("scopes"))) if name == "Security" else ()
        return DependsV(dep, name == "Security", scopes, text)
    if name in SECURITY_CLASSES:
        return Instance(func)
    if name == "Config" and func.qual.startswith("starlette.config"):
        return Instance(func)
    if name in ("Route", "APIRoute", "WebSocketRoute", "APIWebSocketRoute", "Mount"):
        path_text = pf.render(call.positional()[0]) if call.positional() else "path"
        path = interp.as_str(arg(args, kwargs, 0, "path"), path_text)
        loc = location(call, frame)
        if name == "Mount":
            target = arg(args, kwargs, 1, "app")
            if target is None and "routes" in kwargs:
                sub = Router("srouter", Ext("starlette.routing.Router"), loc, interp.origin)
                interp.add_router(sub)
                new_router(interp, sub, [kwargs["routes"]], {}, call, frame)
                target = sub
            app_text = kwarg_text(call, "app") or ""
            return RouteSpec("mount", path, target or NONE, None, loc, app_text)
        endpoint = arg(args, kwargs, 1, "endpoint") or interp.unknown("endpoint")
        etext = endpoint_text(call)
        if name in ("WebSocketRoute", "APIWebSocketRoute"):
            return RouteSpec("websocket", path, endpoint, None, loc, etext)
        methods = upper_methods(interp, kwargs.get("methods"))
        kind = "apiroute" if name == "APIRoute" else "route"
        return RouteSpec(kind, path, endpoint, methods, loc, etext)
    return None


def _import_module(
    interp: Machine,
    args: list[Value],
    kwargs: dict[str, Value],
    frame: Frame,
    text: str,
) -> Value:
    name = interp.force(args[0])
    if not isinstance(name, Str) or name.holes:
        return interp.unknown(text)
    dotted = name.value
    if dotted.startswith("."):
        level = len(dotted) - len(dotted.lstrip("."))
        package = interp.force(arg(args, kwargs, 1, "package") or NONE)
        base = package.value if isinstance(package, Str) else frame.module.dotted
        state = interp.project.find(base, frame.module)
        found = (
            interp.project.relative(state, level, dotted.lstrip(".")) if state is not None else None
        )
    else:
        found = interp.project.find(dotted, frame.module)
    if found is None:
        return Ext(dotted)
    interp.load(found)
    return ModuleV(found)


def _builtin(
    interp: Machine,
    name: str,
    args: list[Value],
    kwargs: dict[str, Value],
    call: pf.Call,
    frame: Frame,
) -> Value:
    text = pf.render(call)
    if name == "str" and args:
        return interp.to_str(args[0], pf.render(call.positional()[0]))
    if name in ("list", "tuple", "sorted", "reversed", "set", "frozenset"):
        items = interp.iterate(args[0]) if args else []
        if items is None:
            return interp.unknown(text)
        return ListV(list(items), "tuple" if name == "tuple" else "list")
    if name == "dict":
        base = interp.force(args[0]) if args else None
        pairs = list(base.items) if isinstance(base, DictV) else []
        pairs += [(Str(k), v) for k, v in kwargs.items()]
        return DictV(pairs)
    if name == "getattr" and len(args) >= 2:
        attr = interp.force(args[1])
        if isinstance(attr, Str) and not attr.holes:
            found = interp.getattr(args[0], attr.value, text)
            if isinstance(found, Unknown) and len(args) > 2:
                return args[2]
            return found
        return interp.unknown(text)
    if name in ("zip", "enumerate"):
        lists = [interp.iterate(a) for a in args]
        if any(item is None for item in lists):
            return interp.unknown(text)
        if name == "enumerate":
            only = lists[0] or []
            return ListV([ListV([Const(i), v], "tuple") for i, v in enumerate(only)])
        columns = [x or [] for x in lists]
        return ListV([ListV(list(t), "tuple") for t in zip(*columns, strict=False)])
    if name in ("property", "staticmethod", "classmethod"):
        return args[0] if args else interp.unknown(text)
    if name in ("all", "any") and len(args) == 1:
        items = interp.iterate(args[0])
        truths = [_truth(interp.force(i)) for i in items] if items is not None else [None]
        if None in truths:
            return interp.unknown(text)
        return Const(all(truths) if name == "all" else any(truths))
    if name in ("isinstance", "issubclass") and len(args) == 2:
        if name == "isinstance":
            answer = is_instance(interp, args[0], args[1])
        else:
            answer = is_subclass(interp, args[0], args[1])
        return Const(answer) if answer is not None else interp.unknown(text)
    if name == "len" and len(args) == 1:
        value = interp.force(args[0])
        if isinstance(value, Str) and not value.holes:
            return Const(len(value.value))
        items = interp.iterate(value) if isinstance(value, ListV | DictV) else None
        return Const(len(items)) if items is not None else interp.unknown(text)
    return interp.unknown(text)


# The builtin class of a known plain value.
_PLAIN_CLASSES: dict[type[Value], str] = {DictV: "dict", Str: "str"}
_NUMBER_BASES = {"bool": ("bool", "int"), "int": ("int",), "float": ("float",)}


def _truth(value: Value) -> bool | None:
    if isinstance(value, Const):
        return bool(value.value)
    if isinstance(value, Str):
        return None if value.holes else bool(value.value)
    return None


def is_instance(interp: Machine, value: Value, target: Value) -> bool | None:
    """``isinstance(value, target)`` where both are known; None when it cannot be told."""
    value, target = interp.force(value), interp.force(target)
    if isinstance(target, ListV):  # a tuple of classes
        return _any_of([is_instance(interp, value, t) for t in plain_items(target.items)])
    if isinstance(value, Instance | Router):
        return is_subclass(interp, value.cls, target)
    if not isinstance(target, Ext | ClassV):
        return None
    names: tuple[str, ...] | None = None
    if isinstance(value, ListV):
        names = ("tuple",) if value.kind == "tuple" else ("list",)
    elif type(value) in _PLAIN_CLASSES and not (isinstance(value, Str) and value.holes):
        names = (_PLAIN_CLASSES[type(value)],)
    elif isinstance(value, Const):
        names = _NUMBER_BASES.get(type(value.value).__name__, ("NoneType",))
    elif isinstance(value, ClassV | Function):
        names = ("type",) if isinstance(value, ClassV) else ("function",)
        if isinstance(target, Ext) and target.qual.startswith("builtins."):
            if target.name == "type":
                return isinstance(value, ClassV)
            return True if target.name == "object" else None
        return None
    if names is None:
        return None
    if isinstance(target, ClassV):
        return False  # a literal is no instance of a project class
    if not target.qual.startswith("builtins."):
        return None
    return target.name in names or target.name == "object"


def is_subclass(interp: Machine, cls: Value, target: Value) -> bool | None:
    """``issubclass(cls, target)``: True when ``target`` is in the known bases; False only
    when every base is known and none can derive from it; else None."""
    cls, target = interp.force(cls), interp.force(target)
    if isinstance(target, ListV):
        return _any_of([is_subclass(interp, cls, t) for t in plain_items(target.items)])
    if not isinstance(target, Ext | ClassV):
        return None
    if isinstance(cls, Ext):
        if isinstance(target, Ext) and target.qual == cls.qual:
            return True
        return False if isinstance(target, ClassV) else None  # a library class is no
        # subclass of a project class
    if not isinstance(cls, ClassV):
        return None
    mro = cls.mro()
    if any(c is target for c in mro):
        return True
    if isinstance(target, Ext):
        if target.qual == "builtins.object":
            return True
        if any(isinstance(c, Ext) and c.qual == target.qual for c in mro):
            return True
    if any(not isinstance(c, ClassV | Ext) for c in mro):
        return None  # a base that cannot be resolved may be anything
    if isinstance(target, ClassV):
        return False  # a project class is reached only through project bases
    externals = [c for c in mro if isinstance(c, Ext) and c.qual != "builtins.object"]
    return False if not externals else None


def _any_of(answers: list[bool | None]) -> bool | None:
    if True in answers:
        return True
    return False if answers and all(a is False for a in answers) else None


# --------------------------------------------------------------------------
# Methods of modelled values
# --------------------------------------------------------------------------


def call_builtin(
    interp: Machine,
    func: Builtin,
    args: list[Value],
    kwargs: dict[str, Value],
    call: pf.Call,
    frame: Frame,
) -> Value:
    obj = interp.force(func.obj)
    name = func.name
    text = pf.render(call)
    if isinstance(obj, Router):
        return router_method(interp, obj, name, args, kwargs, call, frame)
    if isinstance(obj, Builtin) and isinstance(obj.obj, Router) and obj.name == "routes":
        if name in ("append", "insert"):
            item = args[-1] if args else NONE
            add_route_spec(interp, obj.obj, interp.force(item), frame)
        elif name == "extend" and args:
            for item in interp.iterate(args[0]) or []:
                add_route_spec(interp, obj.obj, interp.force(item), frame)
        return NONE
    if isinstance(obj, Instance):
        if name == "super.__init__":
            for key, value in kwargs.items():
                obj.attrs[key] = value
            return NONE
        if isinstance(obj.cls, Ext) and obj.cls.name == "Config":
            return kwargs.get("default", interp.unknown(text))
        model = libraries.router_builder(obj.cls.qual, name) if isinstance(obj.cls, Ext) else None
        if model is not None:
            return library_router(interp, model, args, kwargs, call, frame)
        return interp.unknown(text)
    if isinstance(obj, ListV):
        return _list_method(interp, obj, name, args, text, frame)
    if isinstance(obj, DictV):
        if frame.off and name in ("update", "setdefault"):
            return NONE  # not applied to what the dict holds with default settings
        return _dict_method(interp, obj, name, args, kwargs, text)
    if isinstance(obj, Str):
        return _str_method(interp, obj, name, args, kwargs, text)
    return interp.unknown(text)


def add_item(lst: ListV, item: Value, frame: Frame, at: int) -> None:
    """Add an item to a list the way the running code does with default settings.

    Under a test the list was not made under, the item is conditional: a dependency
    records the tests (a route it guards has auth only then), anything else becomes
    a :class:`CondItem`. Code that does not run with default settings adds nothing
    to what the list holds by default (its items are kept, marked, for loops that
    list what that code would register)."""
    n = len(lst.conditions)
    if frame.unsure[:n] == lst.conditions:
        extra = frame.unsure[n:]
    else:
        extra = tuple(c for c in frame.unsure if c not in lst.conditions)
    if isinstance(item, DependsV):
        if frame.off:
            return
        if extra:
            item = DependsV(
                item.call, item.security, item.scopes, item.text, (*item.conditions, *extra)
            )
    elif frame.off or extra:
        item = CondItem(item, extra, frame.off)
    lst.items.insert(at, item)


def _list_method(
    interp: Machine, obj: ListV, name: str, args: list[Value], text: str, frame: Frame
) -> Value:
    if name == "append" and args:
        add_item(obj, args[0], frame, len(obj.items))
        return NONE
    if name == "extend" and args:
        items = interp.iterate(args[0])
        if items is not None:
            for item in items:
                add_item(obj, item, frame, len(obj.items))
        return NONE
    if name == "insert" and len(args) == 2:
        index = interp.force(args[0])
        at = index.value if isinstance(index, Const) and type(index.value) is int else 0
        add_item(obj, args[1], frame, at)
        return NONE
    if name == "copy":
        return ListV(list(obj.items), obj.kind, obj.conditions)
    return interp.unknown(text)


def _dict_method(
    interp: Machine,
    obj: DictV,
    name: str,
    args: list[Value],
    kwargs: dict[str, Value],
    text: str,
) -> Value:
    if name == "items":
        return ListV([ListV([k, v], "tuple") for k, v in obj.items])
    if name == "values":
        return ListV([v for _, v in obj.items])
    if name == "keys":
        return ListV([k for k, _ in obj.items])
    if name in ("get", "setdefault", "pop") and args:
        key = interp.force(args[0])
        if isinstance(key, Str):
            found = obj.get(key.value)
            if found is not None:
                return found
        fallback = args[1] if len(args) > 1 else NONE if name != "pop" else interp.unknown(text)
        if name == "setdefault":
            obj.items.append((key, fallback))
        return fallback
    if name == "update":
        if args:
            other = interp.force(args[0])
            if isinstance(other, DictV):
                obj.items.extend(other.items)
        obj.items.extend((Str(k), v) for k, v in kwargs.items())
        return NONE
    if name == "copy":
        return DictV(list(obj.items))
    return interp.unknown(text)


def _str_method(
    interp: Machine,
    obj: Str,
    name: str,
    args: list[Value],
    kwargs: dict[str, Value],
    text: str,
) -> Value:
    plain = [interp.force(a) for a in args]
    strs = [a.value for a in plain if isinstance(a, Str) and not a.holes]
    if name == "format":
        return _format(interp, obj, args, kwargs, text)
    if name == "join" and args:
        items = interp.iterate(args[0])
        if items is None:
            return interp.unknown(text)
        out = EMPTY
        for i, item in enumerate(items):
            if i:
                out = out + obj
            out = out + interp.to_str(item, text)
        return out
    if name in ("startswith", "endswith") and len(plain) == 1:
        affixes = [plain[0]] if isinstance(plain[0], Str) else interp.iterate(plain[0]) or []
        known = [a for a in (interp.force(x) for x in affixes) if isinstance(a, Str)]
        if not known or any(a.holes for a in known) or len(known) != len(affixes):
            return interp.unknown(text)
        answers = {_affix(obj, a.value, name == "startswith") for a in known}
        if True in answers:
            return Const(True)
        return Const(False) if answers == {False} else interp.unknown(text)
    if len(strs) != len(plain):
        return interp.unknown(text)
    value = obj.value
    if name in ("split", "rsplit", "partition", "rpartition"):
        if obj.holes or len(strs) > 1 or (name.endswith("partition") and len(strs) != 1):
            return interp.unknown(text)
        maxsplit = kwargs.get("maxsplit")
        limit = interp.force(maxsplit) if maxsplit is not None else Const(-1)
        if not (isinstance(limit, Const) and type(limit.value) is int):
            return interp.unknown(text)
        if name.endswith("partition"):
            parts = list(getattr(value, name)(strs[0]))
        else:
            sep = strs[0] if strs else None
            parts = getattr(value, name)(sep, limit.value)
        return ListV([Str(p) for p in parts], "tuple" if name.endswith("partition") else "list")
    if name in ("strip", "lstrip", "rstrip", "removeprefix", "removesuffix"):
        if name in ("removeprefix", "removesuffix") and len(strs) != 1:
            return interp.unknown(text)
        method = getattr(value, name)
        return Str(method(*strs), obj.holes)
    if name == "replace" and len(strs) == 2:
        return Str(value.replace(strs[0], strs[1]), obj.holes)
    if name in ("lower", "upper") and not strs:
        return Str(getattr(value, name)(), obj.holes)
    return interp.unknown(text)


def _affix(obj: Str, affix: str, at_start: bool) -> bool | None:
    """``startswith``/``endswith`` of a string whose unknown parts may not matter:
    the literal text before the first (after the last) unknown part decides, when it
    is long enough or already differs."""
    value = obj.value
    if not obj.holes:
        return value.startswith(affix) if at_start else value.endswith(affix)
    marks = ["{?" + h + "}" for h in obj.holes]
    if at_start:
        literal = value[: min(value.find(m) for m in marks if m in value)]
        if len(literal) >= len(affix):
            return literal.startswith(affix)
        return None if affix.startswith(literal) else False
    literal = value[max(value.rfind(m) + len(m) for m in marks if m in value) :]
    if len(literal) >= len(affix):
        return literal.endswith(affix)
    return None if affix.endswith(literal) else False


def _format(
    interp: Machine, obj: Str, args: list[Value], kwargs: dict[str, Value], text: str
) -> Value:
    import string

    out = EMPTY
    auto = 0
    try:
        parsed = list(string.Formatter().parse(obj.value))
    except ValueError:
        return interp.unknown(text)
    for literal, field, spec, conversion in parsed:
        out = out + Str(literal)
        if field is None:
            continue
        if spec or conversion:
            return interp.unknown(text)
        value: Value | None
        if field == "":
            value = args[auto] if auto < len(args) else None
            auto += 1
        elif field.isdigit():
            value = args[int(field)] if int(field) < len(args) else None
        else:
            value = kwargs.get(field)
        if value is None:
            return interp.unknown(text)
        out = out + interp.to_str(value, field)
    return Str(out.value, obj.holes + out.holes)


def status_code_of(interp: Machine, value: Value | None) -> int | None:
    """``201``, ``status.HTTP_201_CREATED`` or ``HTTPStatus.CREATED`` as a number."""
    value = interp.force(value) if value is not None else None
    if isinstance(value, Const) and type(value.value) is int:
        return value.value
    if isinstance(value, Ext):
        name = value.name
        if name.startswith("HTTP_"):
            digits = name.split("_")[1]
            return int(digits) if digits.isdigit() else None
        try:
            return int(HTTPStatus[name].value)
        except KeyError:
            return None
    return None
