"""Deep nesting and long flat code: what CPython refuses is a TA000 at CPython's line,
found before any recursive parser runs; what CPython compiles is read, routes kept;
a parser that still crashes or stalls costs one file, never the audit."""

from __future__ import annotations

import ctypes
import faulthandler
import os
import time
from pathlib import Path

import pytest

from tests.hostile.support import (
    codes_on,
    findings_on,
    reference_lines,
    route_lines,
    router,
    run_audit,
    sentinel_audited,
    sentinel_project,
    stall,
    write,
)
from traceaudit import sandbox
from traceaudit.model import Config
from traceaudit.pysource import scan, scan_module

BRACKETS = {"paren": ("(", ")"), "list": ("[", "]"), "dict": ('{"k": ', "}"), "call": ("f(", ")"),
            "subscript": ("x[", "]")}  # fmt: skip


def cpython(data: bytes) -> tuple[int, str] | None:
    """CPython's verdict: None if it compiles, else (line, message)."""
    try:
        compile(data, "x.py", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return exc.lineno or 0, exc.msg
    except (RecursionError, MemoryError):
        return -1, "too complex"
    return None


def audit_one(tmp_path: Path, text: str) -> tuple[object, bytes]:
    data = write(sentinel_project(tmp_path), "app/hostile.py", text).read_bytes()
    result = run_audit(tmp_path)
    assert sentinel_audited(result)
    return result, data


@pytest.mark.parametrize("kind", sorted(BRACKETS))
@pytest.mark.parametrize("depth", [200, 201, 1300, 100_000])
def test_nested_brackets(tmp_path: Path, kind: str, depth: int) -> None:
    o, c = BRACKETS[kind]
    result, data = audit_one(tmp_path, router(f"DATA = {o * depth}1{c * depth}"))
    verdict = cpython(data)
    found = findings_on(result, "app/hostile.py")  # type: ignore[arg-type]
    if verdict is None:
        assert found == [] and route_lines(result, "app/hostile.py") == [6]  # type: ignore[arg-type]
    else:
        assert [f.rule.code for f in found] == ["TA000"]
        if verdict[0] > 0:
            assert found[0].location.line == verdict[0]
            assert "too many nested parentheses" in found[0].message


@pytest.mark.parametrize(
    ("levels", "head"),
    [(99, "if x:"), (100, "if x:"), (20, "for i in y:"), (21, "for i in y:"), (21, "with a:")],
)
def test_nested_statements(tmp_path: Path, levels: int, head: str) -> None:
    nest = "\n".join("    " * i + head for i in range(levels)) + "\n" + "    " * levels + "pass"
    result, data = audit_one(tmp_path, router(nest))
    verdict = cpython(data)
    codes = codes_on(result, "app/hostile.py")  # type: ignore[arg-type]
    if verdict is None:
        assert codes == []
    else:
        (found,) = findings_on(result, "app/hostile.py")  # type: ignore[arg-type]
        assert (found.rule.code, found.location.line) == ("TA000", verdict[0])
        assert verdict[1] in found.message


def test_nul_byte_is_cpythons_error(tmp_path: Path) -> None:
    result, _ = audit_one(tmp_path, router("# a\x00b"))
    (found,) = findings_on(result, "app/hostile.py")  # type: ignore[arg-type]
    assert found.rule.code == "TA000" and "null bytes" in found.message


@pytest.mark.parametrize(
    ("name", "pre", "decorator"),
    [
        ("492-term prefix", 'P = "/hostile"' + ' + ""' * 491, "@app.get(P)"),
        ("500 chained calls", "Q = a" + ".b()" * 500, None),
        ("1,000 concatenated strings", "T = (" + " ".join(['"a"'] * 1000) + ")", None),
        ("1,000 concatenated strings in a call", "f(" + " ".join(['"a"'] * 1000) + ")", None),
        (
            "an elif chain of 1,000",
            "if x == 0:\n    y = 0\n"
            + "".join(f"elif x == {i}:\n    y = {i}\n" for i in range(1, 1000)),
            None,
        ),
        ("10,000 `or` terms", "Q = " + " or ".join(f"v{i}" for i in range(10_000)), None),
        # past what CPython compiles at its default recursion limit, inside the budget
        ("10,000 chained calls", "Q = a" + ".b()" * 10_000, None),
        ("10,000-term + of strings", "T = " + " + ".join(['"a"'] * 10_000), None),
        ("3,000-term prefix", 'P = "/hostile"' + ' + ""' * 2999, "@app.get(P)"),
    ],
)
def test_long_flat_code_is_read(tmp_path: Path, name: str, pre: str, decorator: str | None) -> None:
    text = router(pre, decorator=decorator) if decorator else router(pre)
    result, data = audit_one(tmp_path, text)
    assert codes_on(result, "app/hostile.py") == [], name  # type: ignore[arg-type]
    routes = [r.route for r in result.routes if r.route.location.path == "app/hostile.py"]  # type: ignore[attr-defined]
    assert [r.path for r in routes] == ["/hostile"]
    assert (
        routes[0].location.line
        == data.decode().split("\n").index(decorator or '@app.get("/hostile")') + 1
    )


# -- the sandbox: a native crash and a stall each cost one task -----------------


def _task(n: int) -> int:
    if n in (1, 2):
        # a crash on purpose, in the worker: no faulthandler dump of it in the test log
        # (pytest enables faulthandler, and the forked worker inherits it)
        faulthandler.disable()
    if n == 1:
        ctypes.string_at(0)  # a segmentation fault, as a native parser's stack overflow
    if n == 2:
        os.abort()
    if n == 3:
        while True:  # a stall: never answers (the supervisor kills the worker)
            time.sleep(3600)
    if n == 4:
        raise RecursionError("deep")
    return n * 10


def test_a_crash_or_stall_costs_one_task() -> None:
    # The supervisor's clock stands still until the six other tasks have answered (so none
    # of them is ever over its budget, however busy the machine), then jumps past every
    # deadline: the stalled task, still running, is over its budget. No outcome depends on
    # how fast anything runs.
    answered = [0]

    def done() -> None:
        answered[0] += 1

    got = sandbox.run_tasks(
        _task, [0, 1, 5, 2, 3, 4, 6], workers=2, budget=2,
        on_failure=lambda item, why: f"{item}:{why.kind}", done=done,
        clock=lambda: 0.0 if answered[0] < 6 else 1e9,
    )  # fmt: skip
    assert got == [0, "1:crash", 50, "2:crash", "3:timeout", "4:error", 60]


def test_the_budget_is_kept_on_the_supervisors_clock() -> None:
    """With a clock that never moves, a task that takes longer than its budget in real
    time is still answered: only the clock decides."""
    got = sandbox.run_tasks(
        _slow, [1, 2], workers=1, budget=0.05, on_failure=lambda item, why: why.kind,
        clock=lambda: 0.0,
    )  # fmt: skip
    assert got == [10, 20]


def _slow(n: int) -> int:
    time.sleep(0.3)  # six times the budget, in real time
    return n * 10


def test_recursion_runs_with_the_known_stack_budget() -> None:
    def deep(n: int) -> int:
        return 0 if n == 0 else 1 + deep(n - 1)

    assert sandbox.with_stack(lambda: deep(20_000)) == 20_000
    with pytest.raises(RecursionError):
        deep(20_000)


def test_the_time_budget_makes_a_stalled_file_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file whose scan never answers (an id pattern that backtracks on a docstring:
    made a stall that never ends, on a clock that jumps once it has started, so that
    nothing depends on the machine's speed) is a TA013 note naming the configured
    budget, and the rest is audited. How long real inputs take is benchmarks/hostile's."""
    root = sentinel_project(tmp_path / "root")
    write(
        root, "pyproject.toml", '[tool.traceaudit]\nfile-time-budget = 2\nid-pattern = "(a|aa)+b"\n'
    )
    write(root, "app/redos.py", router(post='def g():\n    """' + "a" * 60 + '"""\n'))
    stall(monkeypatch, tmp_path / "started", "_scan_file", "app/redos.py")
    result = run_audit(root)
    (found,) = findings_on(result, "app/redos.py")  # type: ignore[arg-type]
    assert found.rule.code == "TA013" and "time budget of 2 s" in found.message
    assert route_lines(result, "sentinel/main.py") == [6]


LIBCST_TOO_DEEP = router(
    "T = (" + " ".join(['"a"'] * 10_000) + ")", post='def g():\n    """Implements SEN-001."""\n'
)  # 10,000 concatenated strings: LibCST recurses once per string, CPython does not


def test_valid_python_libcst_cannot_read_is_read_by_ast(tmp_path: Path) -> None:
    result, data = audit_one(tmp_path, LIBCST_TOO_DEEP)
    assert cpython(data) is None
    assert findings_on(result, "app/hostile.py") == []  # type: ignore[arg-type]
    assert route_lines(result, "app/hostile.py") == [6]  # type: ignore[arg-type]
    assert reference_lines(result, "app/hostile.py") == [8, 11]  # type: ignore[arg-type]


def test_valid_python_libcst_cannot_read_is_a_note_not_a_ta000() -> None:
    """Where LibCST must read such a file (``ast`` is not enough, e.g. newer syntax),
    CPython's verdict decides: no TA000, references read, routes named as unread."""
    facts = scan_module(LIBCST_TOO_DEEP, "app/hostile.py", "app.hostile", Config(),
                        parser="libcst")  # fmt: skip
    assert facts.parse_error is None and facts.unread and "CPython can" in facts.unread
    assert sorted(r.location.line for r in facts.refs) == [8, 11]


def test_past_the_stack_budget_is_cpythons_verdict(tmp_path: Path) -> None:
    """Nested deeper than the facts are built (MAX_EXPR_DEPTH): CPython refuses it too
    (RecursionError at its default limit: no server can import it), so a TA000 that says
    so (LibCST, deeper still, is not tried: benchmarks/hostile times it), and the rest is
    audited."""
    text = router("T = " + " + ".join(['"a"'] * 30_000))
    result, data = audit_one(tmp_path, text)
    (found,) = findings_on(result, "app/hostile.py")  # type: ignore[arg-type]
    assert found.rule.code == "TA000"
    assert "CPython" in found.message and "RecursionError" in found.message
    assert scan.cpython_refuses(data.decode()) == "RecursionError"

