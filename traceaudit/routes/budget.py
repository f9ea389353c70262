"""The per-file time budget (``file-time-budget``) during route resolution.

Route resolution runs in this process over every file's facts, so no supervisor can
stop one file's share of it. Instead the interpreter and the resolver report each
step (a statement, a call, a route emitted) with the file whose code it is
(:meth:`Meter.tick`); the time between two steps is charged to the file of the
first. A file starts with what reading it cost this run (its scan, measured by the
sandbox's supervisor): one budget covers all the time spent on a file. When a file
reaches a step past its budget, :class:`OverBudget` is raised; the resolution starts
again without that file, as if its scan had overrun (:mod:`traceaudit.routes.resolve`).

Time is read from the clock the pipeline hands over: :data:`traceaudit.sandbox.CLOCK`
(the supervisor's clock), so the tests decide when a file is over its budget, never the
machine's speed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from typing import TypeVar

T = TypeVar("T")


class OverBudget(BaseException):
    """``path``'s share of the resolution passed the budget at ``line``.

    A ``BaseException``: the interpreter goes on after any ``Exception`` in one
    statement; this one must stop the whole resolution pass."""

    def __init__(self, path: str, line: int, budget: float) -> None:
        super().__init__(path, line)
        self.path, self.line, self.budget = path, line, budget


class Meter:
    """Seconds spent per file, on the supervisor's clock, against one budget each."""

    __slots__ = ("budget", "clock", "line", "path", "since", "spent")

    def __init__(
        self,
        budget: float = math.inf,
        spent: Mapping[str, float] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.budget = budget
        self.clock = time.monotonic if clock is None else clock
        self.spent: dict[str, float] = dict(spent or {})
        self.path, self.line = "", 0  # the step being charged
        self.since = self.clock()

    def tick(self, path: str, line: int) -> None:
        """A step of ``path``'s code at ``line`` starts: the time since the last step is
        the last step's file's; raises :class:`OverBudget` when ``path`` is past its
        budget."""
        now = self.clock()
        spent = self.spent
        spent[self.path] = spent.get(self.path, 0.0) + (now - self.since)
        self.since, self.path, self.line = now, path, line
        if spent.get(path, 0.0) > self.budget:
            raise OverBudget(path, line, self.budget)

    def elsewhere(self, path: str, run: Callable[[], T]) -> T:
        """``run()`` with its time charged to ``path`` (reading that file in full, in a
        worker of its own), not to the step running."""
        now = self.clock()
        self.spent[self.path] = self.spent.get(self.path, 0.0) + (now - self.since)
        try:
            return run()
        finally:
            after = self.clock()
            self.spent[path] = self.spent.get(path, 0.0) + (after - now)
            self.since = after
