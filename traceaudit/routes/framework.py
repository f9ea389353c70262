"""What FastAPI and Starlette do with routers: construction, registration, inclusion.

Used by the interpreter (:mod:`traceaudit.routes.interp`) when project code creates an
app or router, registers a route in any of FastAPI's forms (decorators,
``add_api_route``, call style, websockets, Starlette ``Route`` tables) or
includes/mounts one router into another. Each records an entry on the router;
:mod:`traceaudit.routes.resolve` walks them later.
"""

from __future__ import annotations

from traceaudit.model import Location
from traceaudit.pysource import facts as pf
from traceaudit.routes import libraries
from traceaudit.routes.machine import Machine
from traceaudit.routes.values import (
    EMPTY,
    NONE,
    BoundMethod,
    Builtin,
    ClassV,
    Const,
    DependsV,
    Ext,
    Frame,
    Function,
    IncludeEntry,
    LibEndpoint,
    LibGuard,
    ListV,
    MountEntry,
    RouteDecorator,
    RouteEntry,
    Router,
    RouteSpec,
    Str,
    Unknown,
    Value,
)

HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "trace")
ROUTE_ATTRS = frozenset({*HTTP_METHODS, "api_route", "websocket", "route", "websocket_route"})
SECURITY_CLASSES = frozenset(
    {"SecurityBase", "APIKeyBase", "APIKeyQuery", "APIKeyHeader", "APIKeyCookie", "HTTPBase",
     "HTTPBasic", "HTTPBearer", "HTTPDigest", "OAuth2", "OAuth2PasswordBearer",
     "OAuth2AuthorizationCodeBearer", "OpenIdConnect"}
)  # fmt: skip
# APIRouter subclasses from libraries that add no routes of their own.
PLAIN_ROUTER_CLASSES = frozenset({"APIRouter", "InferringRouter"})
ENV_GETTERS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault"})


def ext_router_kind(qual: str) -> str | None:
    """The router kind that an external class creates, or None if it is no router."""
    top, _, rest = qual.partition(".")
    name = qual.rsplit(".", 1)[-1]
    if libraries.is_app_class(qual):
        return "app"
    if libraries.is_plain_router(qual):
        return "router"
    if top == "starlette":
        return {"Starlette": "starlette", "Router": "srouter"}.get(name)
    if name == "FastAPI" or (top != "fastapi" and name.endswith("FastAPI")):
        return "app"
    if name in PLAIN_ROUTER_CLASSES:
        return "router"
    if top != "fastapi" and name.endswith("Router") and name[0].isupper() and rest:
        return "router"  # a library router class; may hold routes we cannot see
    return None


def is_security_class(value: Value) -> bool:
    """A ``fastapi.security`` scheme class, or a project class derived from one."""
    if isinstance(value, Ext):
        return value.qual.startswith("fastapi") and value.name in SECURITY_CLASSES
    if isinstance(value, ClassV):
        return any(is_security_class(b) for b in value.ext_bases())
    return False


def location(call: pf.Call, frame: Frame) -> Location:
    return Location(frame.module.path, call.line)


def kwarg_text(call: pf.Call, name: str) -> str | None:
    expr = call.kwarg(name)
    if expr is None or (isinstance(expr, pf.Const) and expr.value is None):
        return None
    return pf.render(expr)


def arg(args: list[Value], kwargs: dict[str, Value], index: int, name: str) -> Value | None:
    if name in kwargs:
        return kwargs[name]
    return args[index] if len(args) > index else None


# --------------------------------------------------------------------------
# Routers
# --------------------------------------------------------------------------


def new_router(
    interp: Machine,
    router: Router,
    args: list[Value],
    kwargs: dict[str, Value],
    call: pf.Call,
    frame: Frame,
) -> None:
    """Apply constructor arguments (APIRouter/FastAPI/Starlette/Router) to a router."""
    if "prefix" in kwargs:
        router.prefix = interp.as_str(kwargs["prefix"], kwarg_text(call, "prefix") or "prefix")
    deps = interp.iterate(kwargs["dependencies"]) if "dependencies" in kwargs else None
    if deps is not None:
        router.dependencies = ListV(list(deps))
    if "tags" in kwargs:
        router.tags = ListV(list(interp.iterate(kwargs["tags"]) or []))
    router.include_in_schema = interp.flag(kwargs.get("include_in_schema"), True)
    router.deprecated = interp.flag(kwargs.get("deprecated"), False)
    routes = arg(args, kwargs, 0, "routes") if router.kind == "srouter" else kwargs.get("routes")
    if routes is not None:
        for item in interp.iterate(routes) or []:
            add_route_spec(interp, router, interp.force(item), frame)
    if router.kind == "app":
        router.docs = docs_paths(interp, kwargs)
        add_base_path(interp, router, kwargs.get("root_path"))
    if "lifespan" in kwargs:
        router.lifespans.append(kwargs["lifespan"])
    for handler in interp.iterate(kwargs.get("on_startup", NONE)) or []:
        router.lifespans.append(handler)


def docs_paths(interp: Machine, kwargs: dict[str, Value]) -> tuple[str, ...]:
    """What FastAPI serves for an app beside its routes: ``/openapi.json``, ``/docs`` (with
    ``/docs/oauth2-redirect``) and ``/redoc`` by default; a literal ``docs_url=None`` turns
    one off, a literal path moves it, anything else leaves it unknown (not counted). No
    schema, no docs."""

    def url(key: str, default: str) -> str | None:
        if key not in kwargs:
            return default
        value = interp.force(kwargs[key])
        if isinstance(value, Str) and not value.holes:
            return value.value or None
        return None  # None itself, or only known at run time

    openapi = url("openapi_url", "/openapi.json")
    if openapi is None:
        return ()
    out = [openapi]
    docs = url("docs_url", "/docs")
    if docs is not None:
        out.append(docs)
        redirect = url("swagger_ui_oauth2_redirect_url", "/docs/oauth2-redirect")
        if redirect is not None:
            out.append(redirect)
    redoc = url("redoc_url", "/redoc")
    if redoc is not None:
        out.append(redoc)
    return tuple(out)


def add_base_path(interp: Machine, router: Value, value: Value | None) -> None:
    """A literal base path a deployment serves an app under (``root_path="/api/v1"``,
    Mangum's ``api_gateway_base_path="/api"``): the proxy in front strips it, so the
    app's ``/x`` is reached as ``/api/v1/x``. Anything only known at run time is left out."""
    if value is None:
        return
    value = interp.force(value)
    if not isinstance(router, Router) or not router.is_app:
        return
    if isinstance(value, Str) and not value.holes:
        base = "/" + value.value.strip("/")
        if base != "/" and base not in router.base_paths:
            router.base_paths = (*router.base_paths, base)


def set_router_field(
    interp: Machine, router: Router, name: str, value: Value, text: str
) -> None:
    """``router.prefix = ...``: FastAPI reads it when a route is added, so later
    assignments do not move routes already registered."""
    if any(isinstance(e, RouteEntry) for e in router.entries):
        return
    if name == "prefix":
        router.prefix = interp.as_str(value, text)
        return
    items = interp.iterate(value)
    if items is not None:
        setattr(router, name, ListV(list(items)))


def add_route_spec(interp: Machine, router: Router, spec: Value, frame: Frame) -> None:
    """A literal ``Route``/``APIRoute``/``WebSocketRoute``/``Mount`` in a routes list."""
    if not isinstance(spec, RouteSpec):
        if not isinstance(spec, Unknown) or spec.ext is None:
            interp.note(
                router.created,
                f"route list item `{_text(spec)}` cannot be resolved statically",
            )
        return
    conditions = frame.conditions
    if spec.kind == "mount":
        router.entries.append(
            MountEntry(
                spec.path, spec.target, spec.location, conditions, interp.origin, spec.text,
                off=frame.off,
            )
        )  # fmt: skip
        return
    if spec.kind == "websocket":
        methods: tuple[str, ...] = ("WEBSOCKET",)
    elif spec.kind == "apiroute":
        methods = spec.methods or ("GET",)
    else:
        methods = plain_methods(interp, spec.methods, spec.target)
    router.entries.append(
        RouteEntry(
            methods, spec.path, spec.target, spec.location, conditions, interp.origin,
            kind="plain", handler_text=spec.text, off=frame.off,
        )
    )  # fmt: skip


def plain_methods(
    interp: Machine, methods: tuple[str, ...] | None, endpoint: Value
) -> tuple[str, ...]:
    """Starlette ``Route`` methods: GET adds HEAD; a class endpoint serves its verbs."""
    endpoint = interp.force(endpoint)
    if methods is None:
        if isinstance(endpoint, ClassV):
            verbs = [m.upper() for m in HTTP_METHODS if endpoint.lookup(m) is not None]
            return tuple(sorted(verbs)) if verbs else ("GET", "HEAD")
        methods = ("GET",)
    found = set(methods)
    if "GET" in found:
        found.add("HEAD")
    return tuple(sorted(found))


def upper_methods(interp: Machine, value: Value | None) -> tuple[str, ...] | None:
    if value is None or isinstance(interp.force(value), Const):
        return None
    names = interp.strings(value)
    return tuple(sorted({n.upper() for n in names})) if names else None


def router_method(
    interp: Machine,
    router: Router,
    name: str,
    args: list[Value],
    kwargs: dict[str, Value],
    call: pf.Call,
    frame: Frame,
) -> Value:
    path_text = pf.render(call.positional()[0]) if call.positional() else "path"
    base = name.startswith("super.")  # ``super().api_route(...)`` in a router subclass
    name = name.removeprefix("super.")
    if name in HTTP_METHODS and not base:
        override = _override(router, "api_route")
        if override is not None:  # FastAPI's router.get() calls self.api_route()
            verb = {**kwargs, "methods": ListV([Str(name.upper())])}
            path_arg = arg(args, kwargs, 0, "path") or interp.unknown(path_text)
            verb["path"] = path_arg
            return interp.call(BoundMethod(router, override), [], verb, call, frame)
    if name in HTTP_METHODS or name in ("api_route", "websocket", "route", "websocket_route"):
        path = interp.as_str(arg(args, kwargs, 0, "path"), path_text)
        if name in HTTP_METHODS:
            return RouteDecorator(router, "api", (name.upper(),), path, kwargs, call)
        if name == "api_route":
            api_methods = upper_methods(interp, kwargs.get("methods")) or ("GET",)
            return RouteDecorator(router, "api", api_methods, path, kwargs, call)
        if name == "websocket":
            return RouteDecorator(router, "websocket", ("WEBSOCKET",), path, kwargs, call)
        if name == "route":
            plain = upper_methods(interp, kwargs.get("methods"))
            return RouteDecorator(router, "plain", plain, path, kwargs, call)
        return RouteDecorator(router, "plain-websocket", ("WEBSOCKET",), path, kwargs, call)
    if name in ("add_api_route", "add_api_websocket_route", "add_route", "add_websocket_route"):
        path = interp.as_str(arg(args, kwargs, 0, "path"), path_text)
        endpoint = arg(args, kwargs, 1, "endpoint") or interp.unknown("endpoint")
        if name == "add_api_route":
            api_methods = upper_methods(interp, kwargs.get("methods")) or ("GET",)
            dec = RouteDecorator(router, "api", api_methods, path, kwargs, call)
            dec.base = base
        elif name == "add_api_websocket_route":
            dec = RouteDecorator(router, "websocket", ("WEBSOCKET",), path, kwargs, call)
        elif name == "add_route":
            plain = upper_methods(interp, kwargs.get("methods"))
            dec = RouteDecorator(router, "plain", plain, path, kwargs, call)
        else:
            dec = RouteDecorator(router, "plain-websocket", ("WEBSOCKET",), path, kwargs, call)
        register(interp, dec, endpoint, frame, endpoint_text(call))
        return NONE
    if name == "include_router":
        include(interp, router, args, kwargs, call, frame)
        return NONE
    if name == "mount":
        path = interp.as_str(arg(args, kwargs, 0, "path"), path_text)
        app = arg(args, kwargs, 1, "app")
        if app is None and "routes" in kwargs:
            sub = Router("srouter", Ext("starlette.routing.Router"), location(call, frame), "")
            sub.origin = interp.origin
            interp.add_router(sub)
            new_router(interp, sub, [kwargs["routes"]], {}, call, frame)
            app = sub
        text = pf.render(call.positional()[1]) if len(call.positional()) > 1 else "app"
        router.entries.append(
            MountEntry(
                path, app or NONE, location(call, frame), frame.conditions, interp.origin,
                kwarg_text(call, "app") or text, off=frame.off,
            )
        )  # fmt: skip
        return NONE
    if name == "on_event":
        event = interp.force(args[0]) if args else NONE
        if isinstance(event, Str) and event.value == "startup":
            return Builtin(router, "on_startup")
        return interp.unknown(pf.render(call))
    if name == "on_startup" and args:
        router.lifespans.append(args[0])
        return args[0]
    if name == "add_event_handler" and len(args) > 1:
        event = interp.force(args[0])
        if isinstance(event, Str) and event.value == "startup":
            router.lifespans.append(args[1])
        return NONE
    if name == "__init__" and base:
        new_router(interp, router, args, kwargs, call, frame)
        return NONE
    if any(libraries.includes_routers(q, name) for q in _ext_quals(router)):
        # a library app's own include method (Cadwyn's versioned routers): each router
        for i, child in enumerate(args):
            text = pf.render(call.positional()[i]) if i < len(call.positional()) else "router"
            router.entries.append(
                IncludeEntry(child, EMPTY, location(call, frame), frame.conditions,
                             interp.origin, text, off=frame.off)
            )  # fmt: skip
        return NONE
    return interp.unknown(pf.render(call))


def _ext_quals(router: Router) -> list[str]:
    cls = router.cls
    if isinstance(cls, Ext):
        return [cls.qual]
    return [b.qual for b in cls.ext_bases()]


def library_router(
    interp: Machine,
    model: libraries.LibRouter,
    args: list[Value],
    kwargs: dict[str, Value],
    call: pf.Call,
    frame: Frame,
) -> Router:
    """The router a library builds (:mod:`traceaudit.routes.libraries`), with its routes
    as the library registers them."""
    loc = location(call, frame)
    qual = f"{model.package}.{model.owner or model.name}"
    router = Router("router", Ext(qual), loc, interp.origin)
    interp.add_router(router)
    if model.router_kwargs:
        new_router(interp, router, [], kwargs, call, frame)
    path = EMPTY
    if model.path_arg is not None:
        index, keyword = model.path_arg
        value = arg(args, kwargs, index, keyword)
        if value is not None:
            path = interp.as_str(value, kwarg_text(call, keyword) or keyword)
    context = kwargs.get(model.context_arg) if model.context_arg else None
    for spec in model.routes:
        deps: list[Value] = []
        if spec.guard:
            deps.append(DependsV(LibGuard(spec.guard), True, (), spec.guard))
        if context is not None and not isinstance(interp.force(context), Const):
            text = kwarg_text(call, model.context_arg or "") or ""
            deps.append(DependsV(context, False, (), text))
        route_path = path if spec.path == "{path}" else Str(spec.path)
        router.entries.append(
            RouteEntry(
                spec.methods, route_path, LibEndpoint(spec.endpoint, loc), loc,
                frame.conditions, interp.origin, dependencies=deps,
                handler_text=spec.endpoint, off=frame.off,
            )
        )  # fmt: skip
    return router


def include(
    interp: Machine,
    router: Router,
    args: list[Value],
    kwargs: dict[str, Value],
    call: pf.Call,
    frame: Frame,
) -> None:
    child = arg(args, kwargs, 0, "router") or NONE
    positional = call.positional()
    text = pf.render(positional[0]) if positional else (kwarg_text(call, "router") or "router")
    prefix_value = arg(args, kwargs, 1, "prefix")
    prefix = interp.as_str(prefix_value, kwarg_text(call, "prefix") or "prefix")
    entry = IncludeEntry(
        child, prefix, location(call, frame), frame.conditions, interp.origin, text,
        dependencies=list(interp.iterate(kwargs.get("dependencies", NONE)) or []),
        tags=list(interp.iterate(kwargs.get("tags", NONE)) or []),
        include_in_schema=interp.flag(kwargs.get("include_in_schema"), True),
        deprecated=interp.flag(kwargs.get("deprecated"), False),
        off=frame.off,
    )  # fmt: skip
    router.entries.append(entry)


def apply_route_decorator(
    interp: Machine, dec: RouteDecorator, args: list[Value], call: pf.Call, frame: Frame
) -> Value:
    """``@router.get(...)`` applied to its endpoint (or ``router.get(...)(endpoint)``)."""
    endpoint = args[0] if args else interp.unknown("endpoint")
    text = pf.render(call.positional()[0]) if call.positional() else ""
    register(interp, dec, endpoint, frame, text)
    return endpoint


def register(
    interp: Machine, dec: RouteDecorator, endpoint: Value, frame: Frame, text: str
) -> None:
    target = interp.force(dec.target)
    loc = location(dec.call, frame)
    if not isinstance(target, Router):
        if dec.path.value.startswith("/") and may_be_router(target):
            interp.note(
                loc,
                f"route `{pf.render(dec.call)}` is registered on `{_text(target)}`, "
                "which cannot be resolved to an app or router",
            )
        return
    kwargs = dec.kwargs
    override = _override(target, "add_api_route") if dec.kind == "api" and not dec.base else None
    if override is not None:  # FastAPI's api_route() decorator calls self.add_api_route()
        forwarded = {k: v for k, v in kwargs.items() if k not in ("path", "endpoint", "methods")}
        forwarded["methods"] = ListV([Str(m) for m in dec.methods or ("GET",)])
        interp.call(BoundMethod(target, override), [dec.path, endpoint], forwarded, dec.call, frame)
        return
    if dec.kind in ("websocket", "plain-websocket"):
        methods: tuple[str, ...] = ("WEBSOCKET",)
    elif dec.kind == "plain":
        methods = plain_methods(interp, dec.methods, endpoint)
    else:
        methods = dec.methods or ("GET",)
    kind = "plain" if dec.kind.startswith("plain") else "api"
    entry = RouteEntry(
        methods, dec.path, endpoint, loc, frame.conditions, interp.origin, kind=kind,
        dependencies=list(interp.iterate(kwargs.get("dependencies", NONE)) or []),
        tags=list(interp.iterate(kwargs.get("tags", NONE)) or []),
        include_in_schema=interp.flag(kwargs.get("include_in_schema"), True),
        deprecated=interp.flag(kwargs.get("deprecated"), False),
        status_code=kwargs.get("status_code"),
        # "" records an explicit response_model=None (no inference from the annotation)
        response_model=(
            kwarg_text(dec.call, "response_model") or ""
            if "response_model" in kwargs
            else None
        ),
        summary=kwargs.get("summary"),
        description=kwargs.get("description"),
        handler_text=text,
        off=frame.off,
    )  # fmt: skip
    target.entries.append(entry)


def _override(router: Router, name: str) -> Function | None:
    """A router subclass's own version of a FastAPI method, if it defines one."""
    if not isinstance(router.cls, ClassV):
        return None
    found = router.cls.lookup(name)
    return found if isinstance(found, Function) else None


def may_be_router(value: Value) -> bool:
    """Whether an unresolved decorator target could be a FastAPI router or app."""
    if isinstance(value, Unknown):
        return value.ext is None or any(
            w in value.ext.lower() for w in ("router", "fastapi", "starlette", "api")
        )
    return isinstance(value, Ext) and any(
        w in value.qual.lower() for w in ("router", "fastapi", "starlette", "api")
    )


def endpoint_text(call: pf.Call) -> str:
    positional = call.positional()
    if len(positional) > 1:
        return pf.render(positional[1])
    return kwarg_text(call, "endpoint") or ""


def _text(value: Value) -> str:
    if isinstance(value, Unknown):
        return value.text
    if isinstance(value, Ext):
        return value.qual
    if isinstance(value, Str):
        return value.value
    return type(value).__name__
