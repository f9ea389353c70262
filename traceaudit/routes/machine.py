"""What the call models need of the interpreter, as a Protocol.

:mod:`traceaudit.routes.calls` (builtins, the standard library, ``Depends``) and
:mod:`traceaudit.routes.framework` (FastAPI and Starlette) model calls for the
evaluator in :mod:`traceaudit.routes.expr`, and need a few of its services
back: forcing lazy names, iterating values, reading strings and flags, calling
a value, loading a module, recording what cannot be resolved. They are written
against this protocol instead of the evaluator's class, so the evaluator can
import them while they import nothing above themselves.
"""

from __future__ import annotations

from typing import Protocol

from traceaudit.model import Location
from traceaudit.pysource import facts as pf
from traceaudit.routes.modules import Project
from traceaudit.routes.values import Frame, ModuleState, Router, Str, Value


class Machine(Protocol):
    """The interpreter's services that call models use."""

    project: Project
    routers: list[Router]  # every app and router created, in creation order

    @property
    def origin(self) -> str:
        """The key of the module whose code is running."""
        ...

    def add_router(self, router: Router) -> Router:
        """Record a new app or router (with the chain of calls that made it)."""
        ...

    def serve(self, value: Value, how: str, frame: Frame) -> None:
        """A server is handed ``value``: an app object is then served."""
        ...

    def unknown(self, text: str, ext: str | None = None) -> Value:
        """An unknown value for ``text``, unless the configured values supply it."""
        ...

    def setting(self, key: str, default: Value, *texts: str) -> Value:
        """A setting's configured value, else its default marked as the setting's."""
        ...

    def force(self, value: Value) -> Value:
        """A lazily imported name, resolved if its module has finished."""
        ...

    def iterate(self, value: Value) -> list[Value] | None:
        """The items of a list, tuple or dict value, or None if they are unknown."""
        ...

    def getattr(self, obj: Value, name: str, text: str) -> Value: ...

    def call(
        self,
        func: Value,
        args: list[Value],
        kwargs: dict[str, Value],
        call: pf.Call,
        frame: Frame,
    ) -> Value: ...

    def load(self, state: ModuleState) -> ModuleState:
        """Import a project module (run it once) and return it."""
        ...

    def to_str(self, value: Value, text: str) -> Str: ...

    def as_str(self, value: Value | None, text: str) -> Str: ...

    def strings(self, value: Value | None) -> list[str]:
        """The known strings of a list value."""
        ...

    def flag(self, value: Value | None, default: bool) -> bool: ...

    def note(self, location: Location, reason: str) -> None:
        """Record a registration that cannot be resolved statically."""
        ...
