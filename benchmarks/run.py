"""Measure traceaudit through its CLI, as ratios to a plain ``ast.parse`` pass (F).

    python benchmarks/run.py TREE [TREE ...] [--repeat N] [--python PY] [--html [HTML_TREE]]
                             [--json OUT] [--skip CASES]
    python benchmarks/run.py --render OUT [OUT ...]     # the tables of runs split over processes

Everything runs in subprocesses through the command line (``PY -m traceaudit``), so
the script keeps working whatever the package layout is. Flags that may not exist
yet (``--no-cache``, ``--cache-dir``) are detected from ``traceaudit run --help``.

For each TREE, every case runs ``--repeat`` times (default 3) and the median is kept:

* **F**: CPU time of ``ast.parse`` over every ``.py`` file traceaudit reads (the list
  comes from traceaudit's own discovery when it can be imported, else from a walk
  that follows the documented rules), in a child process with the sources read
  beforehand; that child's peak RSS is the ``ast`` pass's peak memory;
* **walk + stat**: CPU of a bare interpreter that walks the tree and stats every file
  (the floor for a warm run);
* **cold**: ``run --format json`` with no cache (``--no-cache`` when it exists, else the
  cache folder is removed first), CPU time summed over every process
  (``RUSAGE_CHILDREN``), with the default ``--jobs`` and with ``--jobs 1``;
* **cold, empty cache** (only when a cache exists): the first run, which writes it;
* **warm**: the same run again with nothing changed; a probe run records whether
  ``libcst`` or ``markdown_it`` was imported;
* **warm, one file changed**: a route module of median size gets a new comment line
  before each run; the target adds that file's own scan, measured as the cost of a
  one-file tree holding it minus the cost of the same tree without it;
* **peak memory**: the serial cold run's peak RSS, and the default run's peak total
  PSS over all its processes (sampled every 20 ms), against the ``ast`` pass's peak;
* **no spec**: on a tree without spec files: CPU of the run (which must exit 2) and
  the number of ``.py`` files it opened before exiting (audit hook);
* **HTML** (``--html``): on a tree of 10,000 requirements and 2,000 routes
  (``generate.py --html-scale``, generated into a temporary folder unless given), the
  CPU of ``--format html`` minus ``--format json`` and the size of the file.

Every measured run is paired with an F pass run just before it and its ratio is taken
within the pair, so that load from other processes on a shared machine cancels out as
far as it can; the median of the per-pair ratios is reported.

The result is a Markdown table of ratios (seconds appear only where a target is
written in seconds). Nothing here is a timed test: the numbers inform, they never fail.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Child: the .py files traceaudit reads, then a timed ast.parse of each.
F_CHILD = r"""
import ast, json, os, resource, sys, time
from pathlib import Path
root = Path(sys.argv[1]).resolve()
how = "traceaudit discovery"
try:
    from traceaudit.config import load
    from traceaudit.discover import discover
    found = discover(load(root))
    files = list(found.python_files) + list(found.test_files)
except Exception as exc:  # a layout this script does not know: walk by the README's rules
    how = f"walk ({type(exc).__name__})"
    skip = {".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", ".mypy_cache",
            ".pytest_cache", ".ruff_cache", "__pycache__", "node_modules", "site-packages",
            "build", "dist", ".eggs", ".idea", ".vscode", "htmlcov", ".cache",
            ".traceaudit_cache"}
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in skip and not d.endswith(".egg-info")
                             and not os.path.exists(os.path.join(dirpath, d, "pyvenv.cfg")))
        rel = Path(dirpath).relative_to(root)
        files += [(rel / f).as_posix() for f in filenames if f.endswith(".py")]
t0 = time.process_time()
sources = []
nbytes = 0
for rel in files:
    data = (root / rel).read_bytes()
    nbytes += len(data)
    sources.append(data)
t1 = time.process_time()
errors = 0
for data in sources:
    try:
        ast.parse(data)
    except (SyntaxError, ValueError):
        errors += 1
t2 = time.process_time()
print(json.dumps({"files": len(files), "bytes": nbytes, "read": t1 - t0, "parse": t2 - t1,
                  "syntax_errors": errors, "how": how,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

# Child: walk the tree and stat every file (the floor of a warm run).
WALK_CHILD = r"""
import os, sys
n = 0
for dirpath, dirnames, filenames in os.walk(sys.argv[1]):
    dirnames[:] = [d for d in dirnames if d not in {".git", "node_modules", ".venv", "__pycache__"}]
    for f in filenames:
        os.stat(os.path.join(dirpath, f))
        n += 1
print(n)
"""

# Child: run the CLI with an audit hook that logs opened .py files under the tree, and
# which of libcst / markdown_it were imported by the time the process exits.
PROBE_CHILD = r"""
import atexit, json, os, runpy, sys
log, tree = sys.argv[1], os.path.realpath(sys.argv[2])
fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
def hook(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes)):
        path = os.fsdecode(args[0])
        if path.endswith(".py") and os.path.realpath(path).startswith(tree + os.sep):
            os.write(fd, ("open " + path + "\n").encode())
sys.addaudithook(hook)
def done():
    mods = [m for m in ("libcst", "markdown_it", "networkx", "jinja2") if m in sys.modules]
    os.write(fd, ("modules " + json.dumps(mods) + "\n").encode())
atexit.register(done)
sys.argv = ["traceaudit", *sys.argv[3:]]
runpy.run_module("traceaudit", run_name="__main__", alter_sys=True)
"""


@dataclass
class Proc:
    cpu: float  # user + system over the process and all its children
    wall: float
    maxrss_kb: int
    rc: int
    stdout: str
    stderr: str
    peak_pss_kb: int = 0


def run_proc(cmd: list[str], *, cwd: Path | None = None, sample_pss: bool = False) -> Proc:
    """Run one command; CPU from RUSAGE_CHILDREN deltas, peak RSS from wait4."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        peak = [0]
        stop = threading.Event()
        sampler = None
        if sample_pss:
            sampler = threading.Thread(target=_sample_pss, args=(proc.pid, stop, peak))
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        stop.set()
        if sampler is not None:
            sampler.join()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Proc(cpu, wall, usage.ru_maxrss, proc.returncode, stdout, stderr, peak[0])


def _descendants(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(stat[1]), []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += parents.get(p, [])
    return out


def _sample_pss(pid: int, stop: threading.Event, peak: list[int]) -> None:
    while not stop.is_set():
        total = 0
        for p in _descendants(pid):
            try:
                with open(f"/proc/{p}/smaps_rollup", "rb") as fh:
                    for line in fh:
                        if line.startswith(b"Pss:"):
                            total += int(line.split()[1])
                            break
            except OSError:
                pass
        peak[0] = max(peak[0], total)
        stop.wait(0.02)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class Row:
    case: str
    ratios: list[float] = field(default_factory=list)
    target: str = ""
    verdict: str = ""
    note: str = ""

    @property
    def value(self) -> float:
        return median(self.ratios)


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.python = args.python
        self.cli = [self.python, "-m", "traceaudit"]
        help_text = run_proc([*self.cli, "run", "--help"]).stdout
        self.has_no_cache = "--no-cache" in help_text
        self.has_cache_dir = "--cache-dir" in help_text
        self.has_jobs = "--jobs" in help_text
        self.has_quiet = "--quiet" in help_text
        self.tmp = Path(tempfile.mkdtemp(prefix="ta-bench-"))
        self.version = run_proc([*self.cli, "--version"]).stdout.strip()
        self.f_seen: list[float] = []

    # --------------------------------------------------------------- helpers
    def cache_args(self, tree: Path) -> list[str]:
        if self.has_cache_dir:
            return ["--cache-dir", str(self.cache_dir(tree))]
        return []

    def cache_dir(self, tree: Path) -> Path:
        if self.has_cache_dir:
            return self.tmp / f"cache-{tree.name}"
        return tree / ".traceaudit_cache"

    def drop_cache(self, tree: Path) -> None:
        shutil.rmtree(self.cache_dir(tree), ignore_errors=True)

    def run_args(
        self, tree: Path, *, cache: bool, jobs: int | None = None, fmt: str = "json"
    ) -> list[str]:
        out = self.tmp / f"report-{tree.name}.{fmt}"
        cmd = [*self.cli, "run", str(tree), "--format", fmt, "-o", str(out)]
        if self.has_quiet:
            cmd.append("--quiet")
        if jobs is not None and self.has_jobs:
            cmd += ["--jobs", str(jobs)]
        if cache:
            cmd += self.cache_args(tree)
        elif self.has_no_cache:
            cmd.append("--no-cache")
        return cmd

    def audit(
        self,
        tree: Path,
        *,
        cache: bool,
        jobs: int | None = None,
        fmt: str = "json",
        sample_pss: bool = False,
    ) -> Proc:
        if not cache and not self.has_no_cache:
            self.drop_cache(tree)
        proc = run_proc(self.run_args(tree, cache=cache, jobs=jobs, fmt=fmt), sample_pss=sample_pss)
        if proc.rc not in (0, 1):
            raise SystemExit(
                f"run.py: traceaudit failed on {tree} (exit {proc.rc}): "
                f"{proc.stderr.strip()[-500:]}"
            )
        return proc

    def f_pass(self, tree: Path) -> dict[str, float]:
        proc = run_proc([self.python, "-c", F_CHILD, str(tree)])
        if proc.rc != 0:
            raise SystemExit(f"run.py: the ast pass failed: {proc.stderr.strip()[-500:]}")
        data: dict[str, float] = json.loads(proc.stdout)
        return data

    def paired(self, tree: Path, thunk: Callable[[], Proc]) -> tuple[Proc, float]:
        """One measured run right after an F pass: the ratio is taken within the pair, so
        that load from other processes on a shared machine cancels out."""
        f = self.f_pass(tree)
        self.f_seen.append(f["parse"])
        return thunk(), f["parse"]

    def probe(self, tree: Path, cli_args: list[str]) -> tuple[int, list[str], int]:
        log = self.tmp / "probe.log"
        log.unlink(missing_ok=True)
        proc = run_proc([self.python, "-c", PROBE_CHILD, str(log), str(tree), *cli_args])
        lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
        opened = sum(1 for line in lines if line.startswith("open "))
        modules: list[str] = []
        for line in lines:
            if line.startswith("modules "):
                modules = json.loads(line[len("modules ") :])
        return opened, modules, proc.rc

    @staticmethod
    def has_specs(tree: Path, bench: Bench) -> bool:
        proc = run_proc([*bench.cli, "requirements", str(tree), "--format", "json"])
        if proc.rc == 2 and "no spec" in proc.stderr:
            return False
        try:
            data = json.loads(proc.stdout)
        except json.JSONDecodeError:
            return True
        return bool(data.get("spec_files") or data.get("requirements") or data.get("docs"))

    # --------------------------------------------------------------- cases
    def measure(self, tree: Path) -> dict[str, object]:
        args = self.args
        n = args.repeat
        skip = set(args.skip)
        log(f"== {tree}")
        fs = [self.f_pass(tree) for _ in range(n)]
        self.f_seen = [x["parse"] for x in fs]
        f = median([x["parse"] for x in fs])
        f_rss = median([x["maxrss_kb"] for x in fs])
        info = fs[0]
        walk = median([run_proc([self.python, "-c", WALK_CHILD, str(tree)]).cpu for _ in range(n)])
        log(
            f"   F = {f:.3f} s CPU over {info['files']} files ({info['bytes'] / 1e6:.1f} MB, "
            f"{info['how']}); walk+stat = {walk:.3f} s"
        )
        rows: list[Row] = [
            Row(
                "F: `ast.parse` of every file read",
                [1.0],
                "",
                note=f"{info['files']} files, {info['bytes'] / 1e6:.1f} MB",
            )
        ]
        result: dict[str, object] = {
            "tree": str(tree),
            "files": info["files"],
            "bytes": info["bytes"],
            "F_seconds": f,
            "ast_peak_kb": f_rss,
            "walk_stat_seconds": walk,
            "file_list": info["how"],
        }
        specs = self.has_specs(tree, self)
        result["has_specs"] = specs
        if not specs:
            pairs = [
                self.paired(tree, lambda: run_proc(self.run_args(tree, cache=False)))
                for _ in range(n)
            ]
            procs = [p for p, _ in pairs]
            rcs = sorted({p.rc for p in procs})
            opened, _, _ = self.probe(tree, self.run_args(tree, cache=False)[3:])
            cpu = median([p.cpu for p in procs])
            verdict = yes(rcs == [2] and opened == 0 and cpu <= walk + 0.1)
            result["F_seconds"] = median(self.f_seen)
            rows.append(
                Row(
                    "no spec files: exit 2",
                    [p.cpu / fp for p, fp in pairs],
                    "instant exit 2, no `.py` read",
                    verdict,
                    f"exit {rcs}, {opened} `.py` files opened, "
                    f"{median([p.wall for p in procs]):.2f} s wall",
                )
            )
            result["rows"] = [r.__dict__ | {"value": r.value} for r in rows]
            result["table"] = table(rows)
            return result

        # cold, no cache, default jobs (CPU over all processes) and serial
        def ratios(pairs: list[tuple[Proc, float]]) -> list[float]:
            return [p.cpu / fp for p, fp in pairs]

        cold = [self.paired(tree, lambda: self.audit(tree, cache=False)) for _ in range(n)]
        rows.append(
            Row(
                "cold, no cache (CPU, all processes)",
                ratios(cold),
                "≤ 1.0 × F",
                yes(median(ratios(cold)) <= 1.0),
                f"wall {median([p.wall / fp for p, fp in cold]):.2f} × F",
            )
        )
        if "serial" not in skip:
            serial = [
                self.paired(tree, lambda: self.audit(tree, cache=False, jobs=1)) for _ in range(n)
            ]
            rows.append(
                Row(
                    "cold, no cache, `--jobs 1`",
                    ratios(serial),
                    "≤ 1.0 × F",
                    yes(median(ratios(serial)) <= 1.0),
                )
            )
            peak = median([p.maxrss_kb for p, _ in serial])
            rows.append(
                Row(
                    "peak memory, `--jobs 1` (RSS)",
                    [p.maxrss_kb / f_rss for p, _ in serial],
                    "≤ 1.5 × the `ast` pass",
                    yes(peak <= 1.5 * f_rss),
                    f"{peak / 1024:.0f} MB vs {f_rss / 1024:.0f} MB",
                )
            )
        if "pss" not in skip:
            pss = [self.audit(tree, cache=False, sample_pss=True) for _ in range(max(1, n // 2))]
            p = median([x.peak_pss_kb for x in pss])
            rows.append(
                Row(
                    "peak memory, default jobs (PSS, all processes)",
                    [x.peak_pss_kb / f_rss for x in pss],
                    "≤ 1.5 × the `ast` pass",
                    yes(p <= 1.5 * f_rss),
                    f"{p / 1024:.0f} MB",
                )
            )
        # first run with an empty cache, then warm runs
        cached = self.has_no_cache or self.has_cache_dir or (tree / ".traceaudit_cache").exists()
        if cached:

            def first_run() -> Proc:
                self.drop_cache(tree)
                return self.audit(tree, cache=True)

            first = [self.paired(tree, first_run) for _ in range(n)]
            rows.append(Row("cold, empty cache (writes it)", ratios(first), ""))
        self.audit(tree, cache=True)
        warm = [self.paired(tree, lambda: self.audit(tree, cache=True)) for _ in range(n)]
        w = median([p.cpu for p, _ in warm])
        _, modules, _ = self.probe(tree, self.run_args(tree, cache=True)[3:])
        heavy = [m for m in modules if m in ("libcst", "markdown_it")]
        rows.append(
            Row(
                "warm, nothing changed",
                ratios(warm),
                "≤ walk + stat + 0.1 s; no libcst/markdown-it",
                yes(w <= walk + 0.1 and not heavy),
                f"{w - walk:+.2f} s over walk+stat; imports "
                f"{', '.join(heavy) or 'neither libcst nor markdown-it'}",
            )
        )
        if "changed" not in skip:
            target = pick_changed(tree)
            if target is not None:
                own = self.own_scan(tree, target)
                original = target.read_bytes()
                changed = []
                try:
                    for k in range(n):
                        edit = original + f"\n# benchmark edit {k}\n".encode()

                        def edited(edit: bytes = edit) -> Proc:
                            target.write_bytes(edit)
                            return self.audit(tree, cache=True)

                        changed.append(self.paired(tree, edited))
                finally:
                    target.write_bytes(original)
                self.audit(tree, cache=True)  # back to warm
                ch = median([p.cpu for p, _ in changed])
                rows.append(
                    Row(
                        "warm, one file changed",
                        ratios(changed),
                        "≤ warm + the file's own scan + 0.05 s",
                        yes(ch <= w + own + 0.05),
                        f"`{target.relative_to(tree)}` ({len(original) // 1024} KB), "
                        f"own scan {own:.2f} s, {ch - w:+.2f} s over warm",
                    )
                )
                result["changed_file"] = str(target.relative_to(tree))
        result["F_seconds"] = median(self.f_seen)
        result["rows"] = [r.__dict__ | {"value": r.value} for r in rows]
        result["table"] = table(rows)
        return result

    def own_scan(self, tree: Path, target: Path) -> float:
        """CPU of a one-file tree with `target` minus the same tree without it."""
        rel = target.relative_to(tree)
        mini = self.tmp / "mini"
        costs = {}
        for with_file in (False, True):
            shutil.rmtree(mini, ignore_errors=True)
            (mini / "specs").mkdir(parents=True)
            (mini / "specs" / "spec.md").write_text(
                "# Spec\n\n## Requirements\n\n- **FR-001**: System MUST work.\n", encoding="utf-8"
            )
            if with_file:
                (mini / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(target, mini / rel)
            costs[with_file] = median(
                [self.audit(mini, cache=False).cpu for _ in range(self.args.repeat)]
            )
        shutil.rmtree(mini, ignore_errors=True)
        return max(0.0, costs[True] - costs[False])

    def html(self, tree: Path) -> dict[str, object]:
        n = self.args.repeat
        log(f"== HTML: {tree}")
        self.f_seen = []
        self.audit(tree, cache=True)  # warm the cache, when there is one
        diffs, fs = [], []
        for _ in range(n):
            j, fp = self.paired(tree, lambda: self.audit(tree, cache=True, fmt="json"))
            h = self.audit(tree, cache=True, fmt="html")
            diffs.append(h.cpu - j.cpu)
            fs.append(fp)
        f = median(fs)
        render = max(0.0, median(diffs))
        size = (self.tmp / f"report-{tree.name}.html").stat().st_size
        manifest = tree / "MANIFEST.json"
        meta = json.loads(manifest.read_text()) if manifest.exists() else {}
        rows = [
            Row(
                "HTML report: rendering (html − json run)",
                [d / fp for d, fp in zip(diffs, fs, strict=True)],
                "< 2 s, < 15 MB",
                yes(render < 2 and size < 15e6),
                f"{render:.2f} s CPU, {size / 1e6:.1f} MB file, "
                f"{meta.get('requirements', '?')} requirements, "
                f"{meta.get('routes', '?')} routes",
            )
        ]
        return {
            "tree": str(tree),
            "F_seconds": f,
            "render_seconds": render,
            "html_bytes": size,
            "rows": [r.__dict__ | {"value": r.value} for r in rows],
            "table": table(rows),
        }


def yes(ok: bool) -> str:
    return "yes" if ok else "**no**"


def pick_changed(tree: Path) -> Path | None:
    """A route module of median size (deterministic): the usual file a developer edits."""
    candidates = []
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".") and d not in {"node_modules", "__pycache__", "tests", "test"}
        )
        for name in filenames:
            if not name.endswith(".py") or name.startswith("test_"):
                continue
            path = Path(dirpath) / name
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if "@router." in text or '.get("/' in text:
                candidates.append((len(text), str(path)))
    if not candidates:
        return None
    candidates.sort()
    return Path(candidates[len(candidates) // 2][1])


def table(rows: list[Row]) -> str:
    out = [
        "| case | median | runs | target | met | notes |",
        "| --- | ---: | --- | --- | --- | --- |",
    ]
    for r in rows:
        runs = ", ".join(f"{x:.2f}" for x in r.ratios)
        unit = "" if r.case.startswith("F:") else " × "
        value = "1.00" if r.case.startswith("F:") else f"{r.value:.2f}"
        kind = "F" if "memory" not in r.case else "ast peak"
        out.append(
            f"| {r.case} | {value}{unit}{kind if unit else ''} | {runs} | {r.target} | "
            f"{r.verdict} | {r.note} |"
        )
    return "\n".join(out)


SUMMARY = (
    ("cold, no cache (CPU, all processes)", "cold"),
    ("cold, no cache, `--jobs 1`", "cold, serial"),
    ("warm, nothing changed", "warm"),
    ("warm, one file changed", "one changed"),
    ("peak memory, `--jobs 1` (RSS)", "peak memory (× ast)"),
    ("no spec files: exit 2", "no spec files"),
)


def summary(results: list[dict[str, object]]) -> str:
    """One row per tree: the headline ratios (× F, memory × the ast pass's peak)."""
    cols = [short for _, short in SUMMARY]
    out = ["| tree | Python files | " + " | ".join(cols) + " |"]
    out.append("| --- | ---: | " + " | ".join("---:" for _ in cols) + " |")
    for res in results:
        if "files" not in res:
            continue
        values = {str(r["case"]): float(str(r["value"])) for r in res["rows"]}  # type: ignore[attr-defined]
        cells = [f"{values[case]:.2f}" if case in values else "" for case, _ in SUMMARY]
        name = Path(str(res["tree"])).name
        out.append(f"| {name} | {res['files']} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--python", default=sys.executable, help="the interpreter that has traceaudit installed"
    )
    parser.add_argument(
        "--html",
        nargs="?",
        const="generate",
        default=None,
        help="also measure the HTML report (a tree, or generate one)",
    )
    parser.add_argument(
        "--json", type=Path, help="write the raw numbers here (rewritten after each tree)"
    )
    parser.add_argument("--skip", nargs="*", default=[], choices=["serial", "pss", "changed"])
    parser.add_argument(
        "--render",
        nargs="+",
        type=Path,
        metavar="JSON",
        help="measure nothing: print the tables of earlier --json files (runs split over "
        "several processes), in the order given",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.render:
        results = []
        header = ""
        for path in args.render:
            saved = json.loads(path.read_text(encoding="utf-8"))
            header = header or saved.get("header", "")
            results += saved["results"]
        print(render(header, results))
        return 0
    bench = Bench(args)
    results: list[dict[str, object]] = []
    header = (
        f"traceaudit: {bench.version}; flags: --no-cache {'yes' if bench.has_no_cache else 'no'}"
        f", --cache-dir {'yes' if bench.has_cache_dir else 'no'}; {args.repeat} runs per case, "
        "medians; CPU time summed over all processes"
    )

    def save() -> None:
        if args.json:
            data = {"header": header, "results": results}
            args.json.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")

    try:
        for tree in args.trees:
            results.append(bench.measure(tree.resolve()))
            save()
        if args.html:
            html_tree = Path(args.html) if args.html != "generate" else bench.tmp / "html-scale"
            if args.html == "generate":
                subprocess.run(
                    [sys.executable, str(HERE / "generate.py"), str(html_tree), "--html-scale"],
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
            results.append(bench.html(html_tree.resolve()))
            save()
    finally:
        shutil.rmtree(bench.tmp, ignore_errors=True)
    print(render(header, results))
    return 0


def render(header: str, results: list[dict[str, object]]) -> str:
    out = [
        header + "\n",
        "Ratios to F (CPU of a plain `ast.parse` of the same files, same run); memory as a "
        "ratio to the `ast` pass's peak RSS.\n",
        summary(results) + "\n",
    ]
    for res in results:
        extra = ""
        if "F_seconds" in res and "files" in res:
            extra = (
                f" (F = {float(str(res['F_seconds'])):.2f} s CPU, {res['files']} files, "
                f"{int(str(res['bytes'])) / 1e6:.1f} MB)"
            )
        out.append(f"### `{res['tree']}`{extra}\n\n{res['table']}\n")
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
