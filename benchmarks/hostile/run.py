"""Run every hostile input (``inputs.py``) through the traceaudit CLI and judge it.

Each case gets a fresh folder (``--work``): ``root/`` (the audited project),
``outside/`` (secret files that must never be read), ``markers/`` (where marker
modules write when imported) and ``out/`` (reports). The CLI runs in a
subprocess, in its own session, with a timeout and resource limits
(``RLIMIT_AS``, no core files, a file-size cap) and, when started as root,
without the capabilities that bypass file modes (CAP_DAC_OVERRIDE,
CAP_DAC_READ_SEARCH), so that mode-000 files are really unreadable, as on a CI
runner.

For each case it records the exit code (or signal), the wall time, whether the
sentinel spec and route were still audited, what was reported for the hostile
path (TA000, a note, nothing), whether the answer is wrong (false TA000, routes
or references lost, line numbers that differ from CPython's ``ast`` or from
CommonMark's line endings, a multi-line or key-less error, raw HTML in a report,
terminal control characters in text output), whether anything outside the root
was read (a secret token in the output; ``strace`` on the path cases) and
whether anything in the tree was executed (marker files). It prints a Markdown
table and the counts of crashes, aborts, hangs, wrong results and executions.

    python benchmarks/hostile/run.py                   # everything, into first-run style Markdown
    python benchmarks/hostile/run.py -k nest- -k flat- # a subset (substring match)
    python benchmarks/hostile/run.py --venv /work/wt/hostile/.venv -o after.md
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.setrecursionlimit(20_000)  # building/removing 1,200-deep folders recurses

import inputs as hi  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
# Capabilities a root process drops so that file modes bind it as they bind a CI user.
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2
PR_CAPBSET_DROP = 24

ORACLE = r"""
import ast, json, sys
path, funcs = sys.argv[1], set(sys.argv[2:])
data = open(path, "rb").read()
out = {}
try:
    compile(data, path, "exec", dont_inherit=True)
    out["status"] = "ok"
except SyntaxError as exc:
    out.update(status="syntax", line=exc.lineno, msg=exc.msg)
except RecursionError:
    out["status"] = "recursion"
except MemoryError:
    out["status"] = "memory"
except ValueError as exc:
    out.update(status="value", msg=str(exc))
except BaseException as exc:
    out.update(status="other", msg=repr(exc))
lines = {}
try:
    for node in ast.walk(ast.parse(data)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in funcs:
            decos = {}
            for d in node.decorator_list:
                if isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute):
                    decos.setdefault(d.func.attr, d.lineno)
            first = node.body[0] if node.body else None
            doc = (first.lineno if isinstance(first, ast.Expr)
                   and isinstance(first.value, ast.Constant)
                   and isinstance(first.value.value, str) else None)
            lines[node.name] = {"decorators": decos, "doc": doc}
except BaseException as exc:
    out["ast"] = type(exc).__name__
out["lines"] = lines
print(json.dumps(out))
"""

_EOL = re.compile(r"\r\n|\r|\n")  # CPython's and CommonMark's line endings


@dataclass
class Result:
    name: str
    group: str
    about: str
    exit: str = ""
    seconds: float = 0.0
    rest: str = "n/a"  # yes / no / n/a
    hostile: str = ""  # what was reported for the hostile path
    outcome: str = "ok"  # ok | crash | abort | hang | wrong | executed | build-error
    problems: list[str] = field(default_factory=list)
    noise: str = ""

    def fail(self, outcome: str, problem: str) -> None:
        order = ["ok", "wrong", "abort", "hang", "crash", "executed", "build-error"]
        if order.index(outcome) > order.index(self.outcome):
            self.outcome = outcome
        self.problems.append(problem)


def _limits(mem_gib: float, drop: bool) -> None:
    limit = int(mem_gib * (1 << 30))
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (2 << 30, 2 << 30))
    if drop:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
            libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)


@dataclass
class Run:
    rc: int | None  # None: timed out
    seconds: float
    stdout: bytes
    stderr: bytes
    opened_outside: list[str] = field(default_factory=list)


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float, mem_gib: float,
         drop: bool, work: Path, strace_outside: Path | None = None) -> Run:
    trace = work / "strace.txt"
    if strace_outside is not None:
        cmd = ["strace", "-f", "-qq", "-e", "trace=open,openat,openat2", "-o", str(trace), *cmd]
    out_path, err_path = work / "stdout.bin", work / "stderr.bin"
    start = time.monotonic()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL, start_new_session=True,
                                preexec_fn=lambda: _limits(mem_gib, drop))
        try:
            rc: int | None = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            rc = None
    seconds = time.monotonic() - start
    # a process pool may leave workers behind: end the whole session
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    run = Run(rc, seconds, out_path.read_bytes()[:200_000_000], err_path.read_bytes()[:1_000_000])
    if strace_outside is not None and trace.exists():
        needle = str(strace_outside)
        for line in trace.read_text(errors="replace").splitlines():
            if needle in line and "= -1" not in line and "O_DIRECTORY" not in line:
                run.opened_outside.append(line.strip()[:160])
    return run


def _entry(venv: Path, entry: str) -> list[str]:
    python = str(venv / "bin" / "python")
    if entry == "script":
        return [str(venv / "bin" / "traceaudit")]
    if entry == "module":
        return [python, "-m", "traceaudit"]
    if entry == "module-P":
        return [python, "-P", "-m", "traceaudit"]
    raise ValueError(entry)


def _exit_text(rc: int | None) -> str:
    if rc is None:
        return "timeout"
    if rc < 0:
        try:
            return signal.Signals(-rc).name
        except ValueError:
            return f"signal {-rc}"
    return str(rc)


def _oracle(venv: Path, path: Path, funcs: list[str], mem_gib: float, work: Path) -> dict:
    """CPython's verdict on one file and the lines of the named handlers."""
    try:
        info = os.lstat(path)
    except OSError:
        return {"status": "absent"}
    if not stat.S_ISREG(info.st_mode) or info.st_size > 200_000_000:
        return {"status": "absent"}
    run = _run([str(venv / "bin" / "python"), "-c", ORACLE, str(path), *funcs], work,
               _env(work, {}),
               120, mem_gib, False, work)
    try:
        return json.loads(run.stdout.decode())
    except (ValueError, UnicodeDecodeError):
        return {"status": "crashed", "msg": _exit_text(run.rc)}


def _text_lines(path: Path, func: str, method: str) -> tuple[int | None, int | None]:
    """Decorator and docstring lines by counting CPython's line endings (when ast cannot parse)."""
    data = path.read_bytes()
    try:
        import io
        import tokenize

        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        text = data.decode("utf-8", "replace")
    lines = _EOL.split(text)
    for i, line in enumerate(lines):
        if re.match(rf"\s*(?:async\s+)?def {re.escape(func)}\s*[(\[]", line):
            deco = None
            for j in range(i - 1, -1, -1):
                if lines[j].lstrip().startswith("@") and f".{method.lower()}(" in lines[j]:
                    deco = j + 1
                    break
                if not lines[j].lstrip().startswith("@"):
                    break
            return deco, i + 2
    return None, None


def _marker_line(path: Path, marker: str) -> int | None:
    try:
        text = path.read_bytes().decode("utf-8-sig", "replace")
    except OSError:
        return None
    for i, line in enumerate(_EOL.split(text)):
        if marker in line:
            return i + 1
    return None


def _env(work: Path, extra: dict[str, str]) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(work / "home"), **extra}


def _findings_on(report: dict, hostile: tuple[str, ...]) -> list[dict]:
    out = []
    for f in report.get("findings", []):
        for h in hostile:
            if not h:
                continue
            file, subject = f.get("file") or "", f.get("subject") or ""
            if file == h or file.startswith(h + "/") or subject == h or subject.startswith(h + "/"):
                out.append(f)
                break
    return out


def _check_sentinel(report: dict, command: str) -> bool:
    routes = report.get("routes", [])
    route = any(r.get("path") == "/sentinel" and r.get("file") == hi.SENTINEL_CODE
                and r.get("line") == hi.SENTINEL_ROUTE_LINE for r in routes)
    reqs = {r.get("id"): r for r in report.get("requirements", [])}
    if command == "routes":
        return route
    if command == "requirements":
        return "SEN-001" in reqs
    sen = reqs.get("SEN-001")
    ref = sen is not None and any(
        e.get("file") == hi.SENTINEL_CODE and e.get("line") == hi.SENTINEL_REF_LINE
        and e.get("kind") == "reference" for e in sen.get("implemented_by", []))
    return route and ref


_RAW = ("<xinj", "<img", "<script>xinj", "</script><script>")

# What GitHub would show of a Markdown report: rendered as CommonMark with tables, raw HTML
# passed through (so that any that survives is seen) and every link kept, javascript: ones
# included (markdown-it would drop those itself). HTML inside a code span is text
# (&lt;img), and an escaped \[x\](javascript:...) is no link: neither is a problem.
RENDER_MD = r"""
import json, sys
from markdown_it import MarkdownIt
md = MarkdownIt("commonmark", {"html": True}).enable("table")
md.validateLink = lambda url: True
html = md.render(open(sys.argv[1], encoding="utf-8", errors="replace").read())
raw = [frag for frag in sys.argv[2:] if frag in html]
links = "href=\"javascript:" in html.lower()
print(json.dumps({"raw": raw, "javascript": links}))
"""


def _check_markdown(venv: Path, path: Path, res: Result) -> None:
    run = subprocess.run([str(venv / "bin" / "python"), "-c", RENDER_MD, str(path), *_RAW],
                         capture_output=True, text=True, timeout=300)
    try:
        found = json.loads(run.stdout)
    except ValueError:
        res.fail("wrong", f"markdown did not render: {run.stderr.strip()[-120:]}")
        return
    for frag in found["raw"]:
        res.fail("wrong", f"raw {frag!r} in rendered markdown")
    if found["javascript"]:
        res.fail("wrong", "a javascript: link in rendered markdown")


def _check_format(fmt: str, data: bytes, res: Result) -> None:
    text = data.decode("utf-8", "replace")
    if fmt == "html":
        for frag in _RAW:
            if frag in text:
                res.fail("wrong", f"raw {frag!r} in {fmt}")
    if fmt == "text":
        if "\x1b" in text:
            res.fail("wrong", "ESC in text output")
        if "\r" in text:
            res.fail("wrong", "CR in text output")
        if any(line.startswith("::") for line in text.split("\n")):
            res.fail("wrong", "a '::' workflow command line in text output")
    if fmt == "sarif":
        try:
            json.loads(text)
        except ValueError:
            res.fail("wrong", "SARIF is not JSON")


def run_case(case: hi.Hostile, args: argparse.Namespace) -> Result:
    res = Result(case.name, case.group, case.about)
    work = Path(args.work) / case.name
    if work.exists():
        _remove(work)
    root, outside, markers, out = work / "root", work / "outside", work / "markers", work / "out"
    for d in (root, outside, markers, out, work / "home"):
        d.mkdir(parents=True)
    hi.write_outside(outside)
    hi.write_sentinel(root)
    env_paths = hi.Env(outside, markers)
    try:
        plant = case.build(root, env_paths)
    except Exception as exc:  # e.g. mknod refused in this container
        res.fail("build-error", f"cannot build: {type(exc).__name__}: {exc}")
        return res

    # --- CPython's verdict on every hostile Python file and the expected lines
    oracles: dict[str, dict] = {}
    py_files = {r.file for r in plant.routes} | {h for h in plant.hostile if h.endswith(".py")}
    for rel in sorted(py_files):
        funcs = sorted({r.func for r in plant.routes if r.file == rel})
        oracles[rel] = _oracle(Path(args.venv), root / rel, funcs, args.mem_gib, work)
    expect = set(plant.expect)
    if "oracle" in expect:
        expect.discard("oracle")
        status = next((o.get("status") for o in oracles.values()), "ok")
        expect |= {"ok": {"read"}, "syntax": {"ta000"}, "value": {"ta000"},
                   "recursion": {"read", "ta000"}, "memory": {"read", "ta000"}}.get(
                       status or "ok", {"read", "ta000", "note"})

    # --- the command line
    rootarg = "." if plant.cwd == "root" else str(root)
    fmt_args = {"root": rootarg, "out": str(out), "outside": str(outside), "work": str(work)}
    if plant.args is not None:
        tail = [a.format(**fmt_args) for a in plant.args]
    elif plant.command == "run":
        tail = ["run", rootarg, "--format", "json", "-o", str(out / "report.json")]
    else:
        tail = [plant.command, rootarg, "--format", "json"]
    tail += [a.format(**fmt_args) for a in plant.extra_args]
    cmd = _entry(Path(args.venv), plant.entry) + tail
    cwd = root if plant.cwd == "root" else work
    strace = outside if (plant.secret and args.strace) else None
    run = _run(cmd, cwd, _env(work, plant.env), plant.timeout or args.timeout, args.mem_gib,
               args.drop, work, strace)
    res.exit, res.seconds = _exit_text(run.rc), run.seconds
    stderr = run.stderr.decode("utf-8", "replace")
    err_lines = [line for line in stderr.splitlines() if line.strip()]
    if run.opened_outside:
        res.fail("wrong", f"opened outside the root: {run.opened_outside[0]}")

    def judge() -> None:
        if run.rc is None:
            res.fail("hang", f"no answer in {plant.timeout or args.timeout:.0f} s")
            return
        if run.rc < 0:
            res.fail("crash", f"killed by {res.exit}")
            return
        if "Traceback (most recent call last)" in stderr:
            res.fail("abort" if run.rc not in (0, 1) else "wrong", "traceback on stderr")
        if any(line.startswith("traceaudit: internal error") for line in err_lines):
            res.fail("abort", err_lines[-1][:150] if err_lines else "internal error")
            return
        if expect & {"config-error", "usage-error"}:
            if run.rc != 2:
                res.fail("wrong", f"exit {run.rc}, expected 2")
            elif len(err_lines) != 1:
                res.fail("wrong", f"{len(err_lines)} lines on stderr, expected 1")
            missing = [w for w in plant.error_words if w not in stderr]
            if missing and run.rc == 2:
                res.fail("wrong", f"message does not name {', '.join(missing)}: "
                         f"{(err_lines or [''])[-1][:120]}")
            res.hostile = (err_lines or [""])[-1][:90]
            return
        if "help" in expect:
            if run.rc not in (0, 2):
                res.fail("wrong", f"exit {run.rc}")
            elif "Usage:" not in stderr + run.stdout.decode("utf-8", "replace"):
                res.fail("wrong", "no help printed")
            res.hostile = f"help, exit {run.rc}"
            return
        if "made" in expect:
            if run.rc not in (0, 1):
                res.fail("wrong", f"exit {run.rc}: {(err_lines or [''])[-1][:120]}")
            elif not (work / plant.made).is_file():
                res.fail("wrong", f"no report at {plant.made}")
            res.hostile = f"wrote {plant.made}"
            return
        if run.rc not in (0, 1):
            res.fail("abort", f"exit {run.rc}: {(err_lines or [''])[-1][:150]}")
            return
        data = (out / "report.json").read_bytes() if (out / "report.json").exists() else run.stdout
        try:
            report = json.loads(data.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            res.fail("abort", f"exit {run.rc} without a JSON report ({type(exc).__name__})"
                     + (f": {err_lines[-1][:100]}" if err_lines else ""))
            return
        ok = _check_sentinel(report, plant.command)
        res.rest = "yes" if ok else "no"
        if plant.sentinel and not ok:
            res.fail("wrong", "sentinel not audited")
        mine = _findings_on(report, plant.hostile)
        ta000 = [f for f in mine if f.get("code") == "TA000"]
        notes = [f for f in mine if f.get("severity") == "note"]
        seen = "ta000" if ta000 else "note" if notes else "none"
        codes = sorted({f"{f.get('code')}" for f in mine})
        res.hostile = (f"TA000@{ta000[0].get('line')}" if ta000 else
                       f"note {notes[0].get('code')}" if notes else "—")
        if len(codes) > 1 or (codes and not ta000 and not notes):
            res.hostile += " (" + ", ".join(codes[:4]) + (" …" if len(codes) > 4 else "") + ")"
        if seen == "none" and not expect & {"read", "silent"}:
            res.fail("wrong", "nothing reported for the hostile file"
                     + (" (expected TA000)" if expect == {"ta000"} else " (expected a note)"))
        if seen == "ta000" and "ta000" not in expect:
            msg = ta000[0].get("message", "")[:110]
            res.fail("wrong", f"false TA000: {msg}" if "read" in expect else f"TA000, expected a note: {msg}")  # noqa: E501
        if seen == "note" and "note" not in expect:
            res.fail("wrong", f"note {notes[0].get('code')}, expected it read")
        if seen == "ta000" and "ta000" in expect:
            rel = ta000[0].get("file")
            oracle = oracles.get(rel or "", {})
            if (oracle.get("status") == "syntax" and (oracle.get("line") or 0) >= 1
                    and oracle.get("line") != ta000[0].get("line")):
                res.fail("wrong", f"TA000 at line {ta000[0].get('line')}, CPython says "
                         f"{oracle.get('line')}")
        if seen == "none" and "read" in expect and plant.command == "run":
            _check_planted(report, plant, oracles, root, res)

    judge()
    text = run.stdout.decode("utf-8", "replace") + stderr
    if hi.SECRET_TOKEN in text or any(hi.SECRET_TOKEN.encode() in p.read_bytes()
                                      for p in out.iterdir() if p.is_file()):
        res.fail("wrong", "a secret from outside the root reached the output")

    # --- the other report formats (HTML, Markdown, text, SARIF)
    if res.outcome in ("ok", "wrong") and run.rc in (0, 1) and plant.command == "run":
        for fmt in plant.formats:
            if fmt == "json":
                continue
            target = out / f"report.{fmt}"
            frun = _run(_entry(Path(args.venv), plant.entry)
                        + ["run", rootarg, "--format", fmt, "-o", str(target)]
                        + [a.format(**fmt_args) for a in plant.extra_args],
                        cwd, _env(work, plant.env), plant.timeout or args.timeout, args.mem_gib,
                        args.drop, work)
            if frun.rc not in (0, 1) or not target.exists():
                err = frun.stderr.decode("utf-8", "replace").strip().splitlines()
                kind = ("hang" if frun.rc is None else "crash" if frun.rc < 0 else "abort")
                res.fail(kind, f"--format {fmt}: exit {_exit_text(frun.rc)} "
                         f"{(err or [''])[-1][:120]}")
                continue
            _check_format(fmt, target.read_bytes(), res)
            if fmt == "markdown":
                _check_markdown(Path(args.venv), target, res)

    fired = sorted(p.name for p in markers.iterdir())
    if fired and plant.unsafe_entry:
        # documented as unsafe: reported, counted apart from the failures
        res.outcome, res.problems = "unsafe-entry", [
            f"imported from the audited tree: {', '.join(fired)}; {plant.unsafe_entry}"]
    elif fired:
        res.fail("executed", f"imported from the audited tree: {', '.join(fired)}")
    extra = [line for line in err_lines if not line.startswith("traceaudit: ")]
    if extra and res.outcome != "abort":
        res.noise = f"{len(extra)} extra stderr line(s): {extra[0][:80]}"
    if not args.keep:
        _remove(work)
    return res


def _check_planted(report: dict, plant: hi.Plant, oracles: dict[str, dict], root: Path,
                   res: Result) -> None:
    routes = report.get("routes", [])
    sen = {r.get("id"): r for r in report.get("requirements", [])}.get("SEN-001") or {}
    refs = {(e.get("file"), e.get("line")) for e in sen.get("implemented_by", [])
            if e.get("kind") == "reference"}
    for want in plant.routes:
        got = [r for r in routes if r.get("file") == want.file and r.get("path") == want.path
               and want.method in r.get("methods", [])]
        info = oracles.get(want.file, {}).get("lines", {}).get(want.func)
        deco = doc = None
        if info:
            deco, doc = info["decorators"].get(want.method.lower()), info["doc"]
        if deco is None and (root / want.file).exists():
            deco, doc = _text_lines(root / want.file, want.func, want.method)
        shown = want.path if len(want.path) < 40 else want.path[:37] + "..."
        if not got:
            res.fail("wrong", f"route {want.method} {shown!r} lost")
            continue
        if deco is not None and got[0].get("line") != deco:
            res.fail("wrong", f"route {want.method} {shown} at line {got[0].get('line')}, "
                     f"CPython says {deco}")
        if want.ref and doc is not None and (want.file, doc) not in refs:
            lines = sorted(line for f, line in refs if f == want.file)
            res.fail("wrong", f"reference in {want.file} at {lines[:3] or 'no line'}, "
                     f"CPython says {doc}")
    for ref in plant.refs:
        line = _marker_line(root / ref.file, ref.marker)
        if line is not None and (ref.file, line) not in refs:
            lines = sorted(n for f, n in refs if f == ref.file)
            res.fail("wrong", f"citation {ref.marker} at {lines[:4] or 'no line'}, "
                              f"CPython says {line}")
    reqs = report.get("requirements", [])
    for want in plant.reqs:
        line = _marker_line(root / want.file, want.marker)
        got = [r for r in reqs if r.get("id") == want.id and r.get("spec_file") == want.file]
        if not got:
            res.fail("wrong", f"requirement {want.id} lost")
        elif line is not None and got[0].get("line") != line:
            res.fail("wrong", f"requirement {want.id} at line {got[0].get('line')}, "
                     f"CommonMark says {line}")


def _remove(path: Path) -> None:
    def onerror(func, p, exc):  # type: ignore[no-untyped-def]
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(p), 0o755)
            os.chmod(p, 0o755)
            func(p)

    shutil.rmtree(path, onerror=onerror)


def _commit(venv: Path) -> str:
    try:
        src = subprocess.run([str(venv / "bin" / "python"), "-c",
                              "import traceaudit, os; print(os.path.dirname(traceaudit.__file__))"],
                             capture_output=True, text=True, cwd="/", timeout=60).stdout.strip()
        return subprocess.run(["git", "-C", src, "rev-parse", "--short=12", "HEAD"],
                              capture_output=True, text=True, timeout=60).stdout.strip() + \
            f" ({src})"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _cell(text: str) -> str:
    return (text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")
            .replace("<", "&lt;").replace("`", "'"))


def markdown(results: list[Result], header: str) -> str:
    counts = {k: sum(1 for r in results if r.outcome == k)
              for k in ("crash", "abort", "hang", "wrong", "executed", "build-error",
                        "unsafe-entry")}
    ok = sum(1 for r in results if r.outcome == "ok")
    lines = [header, "",
             f"**{len(results)} inputs: {ok} ok, {counts['crash']} crashes, "
             f"{counts['abort']} aborts, "
             f"{counts['hang']} hangs, {counts['wrong']} wrong results, "
             f"{counts['executed']} executed audited code**"
             + (f", {counts['build-error']} could not be built" if counts["build-error"] else "")
             + (f"; {counts['unsafe-entry']} show an entry point the README documents as unsafe "
                "(`python -m` inside the tree)" if counts["unsafe-entry"] else "")
             + ".", ""]
    groups: dict[str, list[Result]] = {}
    for r in results:
        groups.setdefault(r.group, []).append(r)
    lines += ["| group | inputs | ok | crash | abort | hang | wrong | executed |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for g, rs in groups.items():
        c = {k: sum(1 for r in rs if r.outcome == k) for k in
             ("ok", "crash", "abort", "hang", "wrong", "executed")}
        lines.append(f"| {g} | {len(rs)} | {c['ok']} | {c['crash']} | {c['abort']} | {c['hang']} "
                     f"| {c['wrong']} | {c['executed']} |")
    scaling = {int(m[1]): r.seconds for r in results
               if (m := re.fullmatch(r"refs-one-id-(\d+)", r.name)) and r.exit != "timeout"}
    if 1000 in scaling and len(scaling) > 1:
        lines += ["", "References to one requirement (one file), time relative to 1,000: "
                  + ", ".join(f"{n:,}: {t / scaling[1000]:.1f}×"
                              for n, t in sorted(scaling.items()))
                  + " (each run includes about 0.5 s of start-up)."]
    lines += ["", "| input | group | exit | time (s) | rest audited | TA000 | hostile file "
              "| result | problem |",
              "| --- | --- | --- | ---: | --- | --- | --- | --- | --- |"]
    for r in results:
        problem = "; ".join(r.problems) or ""
        if r.noise:
            problem = (problem + "; " if problem else "") + r.noise
        ta000 = "yes" if r.hostile.startswith("TA000") else "no"
        lines.append(f"| {_cell(r.name)} | {r.group} | {r.exit} | {r.seconds:.1f} | {r.rest} | "
                     f"{ta000} | {_cell(r.hostile)} | {r.outcome} | {_cell(problem[:300])} |")
    lines += ["", "Inputs (what each one plants):", ""]
    lines += [f"- `{r.name}`: {_cell(r.about)}" for r in results]
    return "\n".join(lines) + "\n"


def closing_table(results: list[Result], title: str) -> str:
    """The issue's closing table: every input tried -> exit code, time, rest audited,
    TA000 reported, and the counts of crashes, aborts, hangs and wrong results."""
    counts = {k: sum(1 for r in results if r.outcome == k)
              for k in ("crash", "abort", "hang", "wrong", "executed", "unsafe-entry")}
    ok = sum(1 for r in results if r.outcome == "ok")
    lines = [f"# {title}", "",
             f"{len(results)} inputs: {ok} ok; crashes {counts['crash']}, aborts "
             f"{counts['abort']}, hangs {counts['hang']}, wrong results {counts['wrong']}, "
             f"executed audited code {counts['executed']}"
             + (f"; {counts['unsafe-entry']} the entry point the README documents as unsafe "
                "(`python -m` inside the tree)" if counts["unsafe-entry"] else "") + ".", "",
             "| input | exit code | time (s) | rest audited | TA000 reported | result |",
             "| --- | --- | ---: | --- | --- | --- |"]
    for r in results:
        ta000 = "yes" if r.hostile.startswith("TA000") else "no"
        lines.append(f"| {_cell(r.name)} | {r.exit} | {r.seconds:.1f} | {r.rest} | {ta000} "
                     f"| {r.outcome} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-k", action="append", default=[], help="run cases whose name holds this")
    parser.add_argument("--group", action="append", default=[], help="run the cases of a group")
    parser.add_argument("--venv", default=str(REPO / ".venv"))
    parser.add_argument("--work", default="/work/scratch/hostile-run")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--mem-gib", type=float, default=4.0)
    parser.add_argument("--keep", action="store_true", help="keep each case's folder")
    parser.add_argument("--no-drop", dest="drop", action="store_false",
                        help="keep root's file-mode override capabilities")
    parser.add_argument("--no-strace", dest="strace", action="store_false")
    parser.add_argument("--label",
                        help="what is under test (default: the git commit of its source)")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("-o", "--output", help="write the Markdown here too")
    parser.add_argument("--json", help="write the raw results here")
    parser.add_argument("--merge", help="results JSON of an earlier run: keep its results for "
                        "the cases not run now (the table covers the union, catalogue order)")
    parser.add_argument("--table", metavar="RESULTS_JSON",
                        help="print the closing table (input -> exit, time, rest audited, "
                        "TA000) of a results JSON and the counts; run nothing")
    args = parser.parse_args()
    if args.table:
        done = [Result(**d) for d in json.loads(Path(args.table).read_text())]
        text = closing_table(done, f"Hostile inputs: {args.label or Path(args.table).name}")
        print(text, end="")
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
        return
    args.drop = args.drop and os.getuid() == 0
    args.strace = args.strace and shutil.which("strace") is not None
    cases = [c for c in hi.CASES  # -k and --group add up
             if (not args.k and not args.group) or any(k in c.name for k in args.k)
             or c.group in args.group]
    if args.list:
        for c in cases:
            print(f"{c.name:40} {c.group:14} {c.about}")
        return
    Path(args.work).mkdir(parents=True, exist_ok=True)
    os.chmod(args.work, 0o755)
    results = []
    for i, case in enumerate(cases, 1):
        res = run_case(case, args)
        results.append(res)
        print(f"[{i}/{len(cases)}] {res.name}: {res.outcome} exit={res.exit} "
              f"{res.seconds:.1f}s {res.hostile} {'; '.join(res.problems)[:160]}",
              file=sys.stderr, flush=True)
    if args.merge:
        now = {r.name: r for r in results}
        earlier = {d["name"]: Result(**d) for d in json.loads(Path(args.merge).read_text())}
        results = [now.get(c.name) or earlier[c.name] for c in hi.CASES
                   if c.name in now or c.name in earlier]
    header = (f"# Hostile inputs: traceaudit at {args.label or _commit(Path(args.venv))}\n\n"
              f"`python benchmarks/hostile/run.py` · timeout {args.timeout:.0f} s · RLIMIT_AS "
              f"{args.mem_gib:g} GiB · "
              f"{'root without CAP_DAC_OVERRIDE' if args.drop else 'as the current user'} · "
              f"{'strace on path cases' if args.strace else 'no strace'} · Python "
              f"{sys.version.split()[0]}")
    text = markdown(results, header)
    print(text)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    if args.json:
        Path(args.json).write_text(json.dumps([r.__dict__ for r in results], indent=1))


if __name__ == "__main__":
    main()
