"""Routes: every file's facts in, the routes FastAPI would serve out.

Takes the :class:`~traceaudit.pysource.ModuleFacts` of the whole project and
interprets them the way Python would import the modules (on facts only, never
running code; bounded in depth, loops and steps): imports, apps, routers,
include chains, prefixes, mounts, factories and dependency chains. Gives the
resolved :class:`~traceaudit.model.Route` objects with their auth, the routers
no served app reaches, and the registrations that cannot be resolved.
"""

from traceaudit.routes.resolve import AppNotFound, RouteResolution, module_names, resolve_routes

__all__ = ["AppNotFound", "RouteResolution", "module_names", "resolve_routes"]
