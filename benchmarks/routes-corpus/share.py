#!/usr/bin/env python3
"""Route resolution's share of an audit: CPU of the route-resolution phase / CPU of the run.

    python share.py ROOT [--repeat 3] [--command run|routes] [--python VENV/bin/python]
                         [--json OUT] [-- EXTRA traceaudit ARGS]

Each repeat is a fresh process running ``traceaudit.cli.main`` in-process (default
``run ROOT --no-cache --exit-zero -q`` with the report to /dev/null). The phase is
``traceaudit.audit.resolve_routes`` (the whole of it: every interpreter round, entry points,
startup hooks, the walk to routes, auth), wrapped with a timer; no profiler runs, so nothing
is slowed down.

CPU is user + system of every process, the scan workers included:

- whole run = ``getrusage(SELF) + getrusage(CHILDREN)`` at the end (every worker is joined
  by then), so it includes the interpreter's start and the imports, as a command-line run;
- phase = this process's CPU during ``resolve_routes``, plus what its children used meanwhile
  (the worker that reads in full the files the prefilter skipped, when resolution asks for
  one): reaped children from ``getrusage(CHILDREN)`` and live ones from ``/proc/PID/stat``
  (Linux), before and after.

The share is the median of the repeats' ratios; seconds are printed too, but on a shared
machine only the ratio means much. ``--python`` measures another install (a pinned commit's
venv): the child imports ``traceaudit`` from that interpreter.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any


def _children_cpu() -> float:
    """CPU seconds of this process's children: reaped ones plus those still alive."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = usage.ru_utime + usage.ru_stime
    me = os.getpid()
    tick = os.sysconf("SC_CLK_TCK")
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return total
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after the command name: state ppid ... utime(12) stime(13) (0-based from state)
        if int(fields[1]) == me:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _one(argv: list[str]) -> dict[str, Any]:
    """One measured run in this process; returns the seconds."""
    import traceaudit.audit as audit
    from traceaudit import cli

    phase = [0.0, 0.0]  # this process, children
    calls = [0]
    original = audit.resolve_routes

    def timed(*args: Any, **kwargs: Any) -> Any:
        own, kids = time.process_time(), _children_cpu()
        try:
            return original(*args, **kwargs)
        finally:
            phase[0] += time.process_time() - own
            phase[1] += _children_cpu() - kids
            calls[0] += 1

    audit.resolve_routes = timed  # type: ignore[assignment]
    start = time.perf_counter()
    with contextlib.suppress(SystemExit):
        cli.main(argv)
    wall = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    routes = phase[0] + phase[1]
    return {
        "total_cpu": total,
        "routes_cpu": routes,
        "routes_cpu_self": phase[0],
        "routes_cpu_children": phase[1],
        "calls": calls[0],
        "wall": wall,
        "share": routes / total if total else 0.0,
    }


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--one":  # the child
        result = _one(json.loads(sys.argv[3]))
        with open(sys.argv[2], "w", encoding="utf-8") as f:
            json.dump(result, f)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--command", choices=("run", "routes"), default="run")
    parser.add_argument("--python", default=sys.executable, help="the interpreter to measure")
    parser.add_argument("--json", help="write every repeat and the medians here")
    parser.add_argument("extra", nargs="*", help="more traceaudit arguments (after --)")
    args = parser.parse_args()
    if args.command == "run":
        argv = ["run", args.root, "--no-cache", "--exit-zero", "-q", "-o", os.devnull]
    else:
        argv = ["routes", args.root, "--format", "json"]
    argv += args.extra
    runs = []
    for k in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "one.json")
            code = subprocess.call(
                [args.python, os.path.abspath(__file__), "--one", out, json.dumps(argv)],
                stdout=subprocess.DEVNULL,
            )
            if code != 0 or not os.path.exists(out):
                print(f"repeat {k + 1}: the run failed (exit {code})", file=sys.stderr)
                return 2
            with open(out, encoding="utf-8") as f:
                run = json.load(f)
        runs.append(run)
        print(
            f"repeat {k + 1}: route resolution {run['routes_cpu']:.2f} s of "
            f"{run['total_cpu']:.2f} s CPU = {100 * run['share']:.1f} % "
            f"(children {run['routes_cpu_children']:.2f} s; wall {run['wall']:.1f} s)"
        )
    summary = {
        "root": args.root,
        "argv": argv,
        "python": args.python,
        "share": statistics.median(r["share"] for r in runs),
        "routes_cpu": statistics.median(r["routes_cpu"] for r in runs),
        "total_cpu": statistics.median(r["total_cpu"] for r in runs),
        "runs": runs,
    }
    print(
        f"median share {100 * summary['share']:.1f} % "
        f"(route resolution {summary['routes_cpu']:.2f} s of {summary['total_cpu']:.2f} s CPU, "
        f"{len(runs)} repeats)"
    )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
