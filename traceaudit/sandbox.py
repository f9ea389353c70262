"""Per-file work in supervised worker processes: a large stack, a time budget, and a
native crash that stays one file's problem.

The parsers traceaudit uses are recursive, and LibCST's is native code: a file
that nests deeply enough overflows the C stack, which no ``try`` can catch, and
a pathological file can keep a parser busy for minutes. So every per-file task
(:func:`run_tasks`) runs in a worker process, one task at a time, in a thread
whose stack is :data:`STACK_SIZE` bytes with a recursion limit sized to it
(:data:`RECURSION_LIMIT`: the known stack budget every recursive walk runs
with). The supervisor gives each task ``budget`` seconds: past it, or when the
worker dies (a signal, an abort), the worker is replaced and the task's
``on_failure`` gives its result; the other files go on.

Workers are forked where the platform allows it (nothing is imported anew, so
nothing in the working directory can be). Elsewhere they are spawned with
``PYTHONSAFEPATH=1``, so the fresh interpreter never puts the working directory
on ``sys.path`` either. Where no process can be started at all, the tasks run in
this process, in a big-stack thread, without the time budget.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

Clock = Callable[[], float]
# The supervisor's clock: monotonic seconds. Only it decides whether a task is over its
# budget, so a test can hand the pool (``clock=``) or every pool (this name) a clock that
# moves when the test says, and never depend on how fast or busy the machine is.
CLOCK: Clock = time.monotonic

STACK_SIZE = 512 * 1024 * 1024
# A Python call that goes through C (``list(map(f, ...))``, pickling a nested dataclass)
# takes under 1.3 KiB of C stack on CPython 3.11 (400,000 such levels ran in STACK_SIZE);
# this limit leaves 2.6 KiB a level, so a RecursionError comes before an overflow. Deep
# enough for every stage (facts, pickling, route evaluation) of what the fact builders
# accept (pysource.astfacts.MAX_EXPR_DEPTH).
RECURSION_LIMIT = 200_000


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a task gave no result: ``timeout``, ``crash`` (the worker died) or ``error``."""

    kind: str
    detail: str


_deep = threading.local()  # .on: this thread already has the large stack


def with_stack(func: Callable[[], R]) -> R:
    """``func()`` in a thread with the large stack and recursion limit; re-raises.
    Called from such a thread, it runs ``func`` there (no thread per task)."""
    if getattr(_deep, "on", False):
        return func()
    box: dict[str, Any] = {}

    def run() -> None:
        _deep.on = True
        try:
            box["value"] = func()
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    old_limit = sys.getrecursionlimit()
    old_size = threading.stack_size()
    sys.setrecursionlimit(max(old_limit, RECURSION_LIMIT))
    try:
        threading.stack_size(STACK_SIZE)
        thread = threading.Thread(target=run, name="traceaudit-deep")
        thread.start()
    finally:
        threading.stack_size(old_size)
    thread.join()
    sys.setrecursionlimit(old_limit)
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


def _guarded(func: Callable[[T], R], item: T) -> tuple[str, Any]:
    try:
        return "ok", with_stack(lambda: func(item))
    except (RecursionError, MemoryError) as exc:
        return "error", f"too large or too deeply nested to analyse ({type(exc).__name__})"
    except Exception as exc:
        return "error", f"internal error: {type(exc).__name__}: {exc}"


def _guarded_bytes(func: Callable[[T], R], item: T, index: int) -> bytes:
    """The pickled (index, status, value): deep results are pickled with the deep stack."""

    def run() -> bytes:
        status, value = _guarded(func, item)
        try:
            return pickle.dumps((index, status, value), pickle.HIGHEST_PROTOCOL)
        except (RecursionError, MemoryError) as exc:
            message = f"too large or too deeply nested to analyse ({type(exc).__name__})"
        except Exception as exc:
            message = f"internal error: {type(exc).__name__}: {exc}"
        return pickle.dumps((index, "error", message))

    return with_stack(run)


def _worker(func: Callable[[Any], Any], conn: Connection) -> None:
    """The worker loop, in one thread with the large stack: one (index, item) at a
    time, until None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the supervisor decides
    with_stack(lambda: _loop(func, conn))


def _loop(func: Callable[[Any], Any], conn: Connection) -> None:
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        index, item = task
        conn.send_bytes(_guarded_bytes(func, item, index))


def _context() -> Any:
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    os.environ["PYTHONSAFEPATH"] = "1"  # a spawned interpreter must not see the cwd
    return multiprocessing.get_context("spawn")


class _Slot(Generic[T]):
    """One worker process and the task it is running."""

    def __init__(self, ctx: Any, func: Callable[[T], Any]) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(func, child), daemon=True)
        self.process.start()
        child.close()
        self.index: int | None = None
        self.deadline = 0.0

    def send(self, index: int, item: T, budget: float, now: float) -> None:
        self.index = index
        self.deadline = now + budget
        self.conn.send((index, item))

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()

    def death(self) -> str:
        self.process.join(5)
        code = self.process.exitcode
        if code is not None and code < 0:
            try:
                return signal.Signals(-code).name
            except ValueError:
                return f"signal {-code}"
        return f"exit code {code}"


class Workers(Generic[T, R]):
    """Worker processes for ``func``; :meth:`map` may be called many times (a context manager).

    Started in the calling thread; a worker that dies or overruns is replaced.
    """

    def __init__(
        self,
        func: Callable[[T], R],
        *,
        workers: int,
        budget: float,
        on_failure: Callable[[T, Failure], R],
        clock: Clock | None = None,
    ) -> None:
        self.func, self.budget, self.on_failure = func, budget, on_failure
        self.clock = CLOCK if clock is None else clock
        self.slots: list[_Slot[T]] = []
        try:
            self.ctx: Any = _context()
            self.slots = [_Slot(self.ctx, func) for _ in range(max(1, workers))]
        except (OSError, ValueError, ImportError):  # no processes here: in this process
            self.close()
            self.ctx = None

    def __enter__(self) -> Workers[T, R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for slot in self.slots:
            with contextlib.suppress(OSError):
                slot.conn.send(None)
        for slot in self.slots:
            slot.process.join(2)
            slot.kill()
        self.slots = []

    def _replace(self, k: int) -> _Slot[T]:
        self.slots[k].kill()
        self.slots[k] = _Slot(self.ctx, self.func)
        return self.slots[k]

    def map(
        self,
        items: Sequence[T],
        done: Callable[[], None] | None = None,
        took: list[float] | None = None,
    ) -> list[R]:
        """``func`` over ``items``; results in the order of ``items``. ``done`` is called
        after each item (a progress bar); ``took`` gets the seconds each item took on
        the clock, from its sending to its answer (or its failure), in the same order."""
        if self.ctx is None:
            out = []
            for item in items:
                start = self.clock()
                out.append(_in_process(self.func, item, self.on_failure))
                if took is not None:
                    took.append(self.clock() - start)
                if done is not None:
                    done()
            return out
        results: list[Any] = [None] * len(items)
        seconds = [0.0] * len(items)
        pending = list(range(len(items)))[::-1]
        slots, budget, clock = self.slots, self.budget, self.clock
        for slot in slots:
            if pending:
                i = pending.pop()
                slot.send(i, items[i], budget, clock())
        while any(slot.index is not None for slot in slots):
            busy = [s for s in slots if s.index is not None]
            timeout = max(0.0, min(s.deadline for s in busy) - clock())
            ready = wait([s.conn for s in busy], timeout)
            now = clock()
            for k, slot in enumerate(slots):
                if slot.index is None:
                    continue
                index, sent = slot.index, slot.deadline - budget
                if slot.conn in ready:
                    try:
                        got, status, value = pickle.loads(slot.conn.recv_bytes())
                    except (EOFError, OSError):
                        why = slot.death()
                        results[index] = self.on_failure(
                            items[index], Failure("crash", f"the parser crashed ({why})")
                        )
                        slot = self._replace(k)
                    else:
                        failed = status != "ok"
                        results[got] = (
                            self.on_failure(items[got], Failure("error", value)) if failed
                            else value
                        )  # fmt: skip
                elif now >= slot.deadline:
                    results[index] = self.on_failure(
                        items[index],
                        Failure("timeout", f"over the time budget of {budget:g} s (raise "
                                           "file-time-budget to audit it)"),
                    )  # fmt: skip
                    slot = self._replace(k)
                else:
                    continue
                seconds[index] = now - sent
                slot.index = None
                if done is not None:
                    done()
                if pending:
                    i = pending.pop()
                    slot.send(i, items[i], budget, clock())
        if took is not None:
            took.extend(seconds)
        return results


def run_tasks(
    func: Callable[[T], R],
    items: Sequence[T],
    *,
    workers: int,
    budget: float,
    on_failure: Callable[[T, Failure], R],
    done: Callable[[], None] | None = None,
    clock: Clock | None = None,
    took: list[float] | None = None,
) -> list[R]:
    """``func`` over ``items`` in worker processes; results in the order of ``items``;
    ``done`` after each; budgets kept on ``clock`` (by default :data:`CLOCK`); ``took``
    gets each item's seconds on that clock (see :meth:`Workers.map`)."""
    if not items:
        return []
    n = max(1, min(workers, len(items)))
    with Workers(func, workers=n, budget=budget, on_failure=on_failure, clock=clock) as pool:
        return pool.map(items, done, took)


def _in_process(func: Callable[[T], R], item: T, on_failure: Callable[[T, Failure], R]) -> R:
    status, value = _guarded(func, item)
    result: R = value if status == "ok" else on_failure(item, Failure("error", value))
    return result
