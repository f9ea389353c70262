"""The pipeline, and the only module that knows the order of the stages.

config -> discover -> parse specs / scan modules (pure, per file, parallel when
the project is large) -> resolve routes (whole project, on small facts) ->
trace graph -> checks -> AuditResult.
"""

from __future__ import annotations

import datetime
import gc
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Generic, TypeVar

from traceaudit import __version__, sandbox
from traceaudit.cache import Cache, Codec, Meta, meta_of
from traceaudit.config import config_hash
from traceaudit.discover import Discovery, Unreadable, among_code, discover, read_file_stat
from traceaudit.model import (
    COUNTABLE,
    AppInfo,
    AuditResult,
    CodeFacts,
    CodeRef,
    Config,
    Location,
    Provenance,
    ReqStatus,
    RequirementResult,
    SpecDoc,
    SpecSummary,
)
from traceaudit.othercode import OtherFacts, foreign_routes, scan_other
from traceaudit.policy import decide
from traceaudit.pysource import (
    ModuleFacts,
    ServeCommand,
    SourceDecodeError,
    decode_source,
    failed_module,
    proxy_prefixes,
    scan_module,
    serve_commands,
)
from traceaudit.routes import module_names, resolve_routes
from traceaudit.sandbox import Failure, Workers, run_tasks, with_stack
from traceaudit.specs import parse_contract, parse_spec, settle_definitions
from traceaudit.trace import (
    CheckContext,
    DocumentIds,
    TraceGraph,
    run_checks,
    selected_rules,
)

# A process pool pays for its start-up only with enough work: one more worker per this
# many bytes to read (about a second of scanning each); biggest files go first.
BYTES_PER_WORKER = 1 << 20

T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[int], None]  # n more files done


@dataclass(frozen=True, slots=True)
class Project:
    """Everything read from a project, before linking."""

    config: Config
    discovery: Discovery
    docs: tuple[SpecDoc, ...]
    modules: tuple[ModuleFacts, ...]
    code: CodeFacts
    skipped: tuple[tuple[str, str], ...] = ()  # (path, reason): files not read at all
    spec_hashes: tuple[tuple[str, str], ...] = ()  # (spec or contract path, sha256)
    others: tuple[OtherFacts, ...] = ()
    # False when a result came from a failure that may not recur (a file's worker crashed,
    # stalled or raised; route resolution ran past its time budget): a run-level cache
    # keeps no such result
    settled: bool = True


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that was not read at all (TA013): why, in a few words."""

    path: str
    reason: str


def _decode_text(data: bytes) -> tuple[str | None, str | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return None, f"not valid UTF-8 (byte {exc.start})"


def _decode_python(data: bytes) -> tuple[str | None, tuple[int, str] | None]:
    """A Python file's source decoded as CPython decodes it (PEP 263), or the line and
    message of why not."""
    try:
        return decode_source(data), None
    except SourceDecodeError as exc:
        return None, (exc.line, exc.message)


def _read(
    root: str, rel: str, config: Config, with_meta: bool
) -> tuple[bytes | None, str | None, Meta | None]:
    """A file's bytes, or the error reading it; raises Unreadable to skip it."""
    try:
        data, info = read_file_stat(Path(root), rel, config.max_file_size)
    except Unreadable as exc:
        if exc.skipped:
            raise
        return None, exc.reason, None
    return data, None, meta_of(data, info) if with_meta else None


def _read_text(root: Path, rel: str, config: Config) -> tuple[str | None, str | None]:
    """A Markdown/YAML file's text, or an error message; raises Unreadable to skip it."""
    data, error, _ = _read(str(root), rel, config, False)
    return (None, error) if data is None else _decode_text(data)


def _behind_proxy(
    apps: tuple[AppInfo, ...], proxied: Sequence[tuple[str, str, Location]]
) -> tuple[AppInfo, ...]:
    """The apps with the prefixes a reverse proxy of the project strips added to their base
    paths (nginx's ``location /api/ { proxy_pass http://api:8000/; }``: the app's ``/x`` is
    the client's ``/api/x``). A proxy names a host, not an app: only when one app is served
    is it the app behind the proxy."""
    served = [a for a in apps if a.served]
    if not proxied or len(served) != 1:
        return apps
    (app,) = served
    bases = tuple(dict.fromkeys([*app.base_paths, *(prefix for prefix, _, _ in proxied)]))
    return tuple(replace(a, base_paths=bases) if a is app else a for a in apps)


def _read_deploy(root: Path, rel: str, config: Config) -> tuple[str | None, str | None]:
    """A deployment file's text (it only says what is served: unreadable means nothing)."""
    try:
        text, error = _read_text(root, rel, config)
    except Unreadable as exc:
        return None, exc.reason
    return text, error


# A task: (root, path, config, with_meta) for specs; code adds the module name and is_test,
# other files their comment style. A worker gives (result, meta): meta is what the file
# looked like when read, for the cache (None: nothing to cache).
SpecTask = tuple[str, str, Config, bool]
CodeTask = tuple[str, str, str, bool, Config, bool]
OtherTask = tuple[str, str, str, Config, bool]
SpecOut = tuple["SpecDoc | Skipped", "Meta | None"]
CodeOut = tuple["ModuleFacts | Skipped", "Meta | None"]
OtherOut = tuple["OtherFacts | None", "Meta | None"]


def _parse_doc(
    args: SpecTask, parse: Callable[[str, str, Config], SpecDoc]
) -> tuple[SpecDoc | Skipped, Meta | None]:
    root, rel, config, _ = args
    try:
        data, error, meta = _read(root, rel, config, True)  # the spec's hash is provenance
    except Unreadable as exc:
        return Skipped(rel, exc.reason), None
    text, error = _decode_text(data) if data is not None else (None, error)
    if text is None:
        return SpecDoc(rel, Path(rel).stem, (), (), (), error=error), meta
    return parse(text, rel, config), meta


def _parse_spec_file(args: SpecTask) -> SpecOut:
    return _parse_doc(args, parse_spec)


def _parse_contract_file(args: SpecTask) -> SpecOut:
    return _parse_doc(args, parse_contract)


def _scan_file(args: CodeTask, force_code: bool = False) -> CodeOut:
    root, rel, module, is_test, config, with_meta = args
    try:
        data, error, meta = _read(root, rel, config, with_meta)
    except Unreadable as exc:
        return Skipped(rel, exc.reason), None
    source, problem = (
        _decode_python(data) if data is not None else (None, (1, error or "unreadable"))
    )
    if source is None:
        line, message = problem or (1, "unreadable")
        return failed_module(rel, module, message, is_test, line), meta
    return scan_module(source, rel, module, config, force_code=force_code), meta


def _scan_file_in_full(args: CodeTask) -> CodeOut:
    """Like :func:`_scan_file`, with the code facts the prefilter would have skipped."""
    return _scan_file(args, force_code=True)


def _map(
    func: Callable[[T], R],
    items: Sequence[T],
    jobs: int,
    budget: float,
    on_failure: Callable[[T, Failure], R],
    progress: Progress | None = None,
    sizes: Sequence[int] = (),
    took: list[float] | None = None,
) -> list[R]:
    """``func`` per file in supervised workers (a crash or a stall is that file's): as many
    as the work (``sizes``, bytes per item) pays for, up to ``jobs``, the biggest files
    first; the results (and ``took``, each item's seconds) in the order of ``items``
    either way."""
    workers = workers_for(jobs, sum(sizes))
    done = None if progress is None else lambda: progress(1)
    if workers == 1 or len(sizes) != len(items):
        return run_tasks(
            func, items, workers=1, budget=budget, on_failure=on_failure, done=done, took=took
        )
    order = sorted(range(len(items)), key=lambda i: (-sizes[i], i))
    seconds: list[float] = []
    ran = run_tasks(
        func, [items[i] for i in order], workers=workers, budget=budget,
        on_failure=on_failure, done=done, took=seconds,
    )  # fmt: skip
    out: list[R | None] = [None] * len(items)
    spent = [0.0] * len(items)
    for k, i in enumerate(order):
        out[i] = ran[k]
        spent[i] = seconds[k] if k < len(seconds) else 0.0
    if took is not None:
        took.extend(spent)
    return out  # type: ignore[return-value]


def workers_for(jobs: int, work: int) -> int:
    """How many workers ``work`` bytes pay for, at most ``jobs``."""
    return max(1, min(jobs, work // BYTES_PER_WORKER))


def _sizes(root: str, rels: Iterable[str], jobs: int) -> list[int]:
    """Each file's size (0 when it cannot be looked at), when parallel work may pay."""
    if jobs <= 1:
        return []
    out = []
    for rel in rels:
        try:
            out.append(os.stat(os.path.join(root, rel)).st_size)
        except (OSError, ValueError):
            out.append(0)
    return out


def _spec_failed(args: SpecTask, why: Failure) -> SpecOut:
    rel = args[1]
    if why.kind == "timeout":
        return Skipped(rel, why.detail), None
    return SpecDoc(rel, Path(rel).stem, (), (), (), error=why.detail), None


def _code_failed(args: CodeTask, why: Failure) -> CodeOut:
    _, rel, module, is_test, _, _ = args
    if why.kind == "timeout":
        return Skipped(rel, why.detail), None
    return failed_module(rel, module, why.detail, is_test), None


def _scan_other_file(args: OtherTask) -> OtherOut:
    root, rel, style, config, with_meta = args
    try:
        data, _, meta = _read(root, rel, config, with_meta)
    except Unreadable:
        return None, None  # not a regular file inside the root: nothing to cite from
    if data is None:
        return None, None
    text, _ = _decode_text(data)
    if text is None:
        return None, meta  # not UTF-8: a binary or generated file, nothing to cite from
    return scan_other(text, rel, style, config), meta


def _other_failed(args: OtherTask, why: Failure) -> OtherOut:
    return None, None  # a comment scan that crashed or stalled cites nothing


@lru_cache(maxsize=1)
def _codec() -> Codec:
    return Codec([SpecDoc, ModuleFacts, OtherFacts | None])


def _cached_map(
    cache: Cache | None,
    kind: str,
    root_type: Any,
    func: Callable[[T], tuple[R, Meta | None]],
    items: Sequence[T],
    rel_of: Callable[[T], str],
    inputs_of: Callable[[T], list[Any]],
    jobs: int,
    config: Config,
    on_failure: Callable[[T, Failure], tuple[R, Meta | None]],
    progress: Progress | None = None,
    took: dict[str, float] | None = None,
) -> list[tuple[R, Meta | None]]:
    """:func:`_map` of ``func``, with each file's result taken from the cache when it
    holds it, and stored there when it was computed. ``took`` gets the seconds reading
    each file took this run (none for a file the cache held)."""
    root = str(Path(config.root).resolve())
    seconds: list[float] = []
    if cache is None:
        sizes = _sizes(root, (rel_of(i) for i in items), jobs)
        every = _map(
            func, items, jobs, config.file_time_budget, on_failure, progress, sizes, seconds
        )
        if took is not None:
            took.update(zip((rel_of(i) for i in items), seconds, strict=False))
        return every
    codec = _codec()
    out: list[tuple[R, Meta | None] | None] = [None] * len(items)
    todo: list[int] = []
    for i, item in enumerate(items):
        got = cache.get(codec, root_type, kind, rel_of(item), inputs_of(item), config.max_file_size)
        if got is None:
            todo.append(i)
        else:
            out[i] = got
    if progress is not None and len(todo) < len(items):
        progress(len(items) - len(todo))
    sizes = _sizes(root, (rel_of(items[i]) for i in todo), jobs)
    ran = _map(
        func, [items[i] for i in todo], jobs, config.file_time_budget, on_failure, progress,
        sizes, seconds,
    )  # fmt: skip
    if took is not None:
        took.update(zip((rel_of(items[i]) for i in todo), seconds, strict=False))
    for i, (value, meta) in zip(todo, ran, strict=True):
        out[i] = (value, meta)
        if meta is not None and not isinstance(value, Skipped):
            cache.put(codec, kind, rel_of(items[i]), inputs_of(items[i]), meta, value)
    return [x for x in out if x is not None]


def default_jobs() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def load_project(
    config: Config,
    jobs: int | None = None,
    *,
    with_specs: bool = True,
    with_code: bool = True,
    found: Discovery | None = None,
    cache: Cache | None = None,
    progress: Callable[[int, int], None] | None = None,
    keep_modules: bool = False,
) -> Project:
    """Discover (unless ``found`` is the discovery already made), parse and scan every
    file (through ``cache`` when given), and resolve the routes. ``progress(done, total)``
    is told of every file read or taken from the cache.

    Once their references and routes are taken, the modules' facts are released (the
    project's ``modules`` is empty) unless ``keep_modules``: linking and reporting never
    read them, and they are the biggest thing an audit holds."""
    jobs = default_jobs() if jobs is None else jobs
    found = discover(config) if found is None else found
    root = str(Path(config.root).resolve())
    with_meta = cache is not None
    specs = [(root, p, config, True) for p in found.spec_files] if with_specs else []
    contracts = [(root, p, config, True) for p in found.contract_files] if with_specs else []
    all_py: list[tuple[str, bool]] = []
    if with_code:
        all_py += [(p, False) for p in found.python_files] + [(p, True) for p in found.test_files]
    names = module_names([p for p, _ in all_py])
    tasks = [(root, p, names[p], t, config, with_meta) for p, t in all_py]
    styles = dict(config.comment_syntax)
    other_files = found.other_files if with_code else ()
    other_args = [
        (root, p, styles[Path(p).suffix.lower()], config, with_meta) for p in other_files
    ]
    failures: list[str] = []

    def noted(on_failure: Callable[[T, Failure], R]) -> Callable[[T, Failure], R]:
        def note(item: T, why: Failure) -> R:
            failures.append(why.kind)
            return on_failure(item, why)

        return note

    step: Progress | None = None
    if progress is not None:
        total = len(specs) + len(contracts) + len(tasks) + len(other_args)
        counted = [0]

        def step(n: int) -> None:
            counted[0] += n
            progress(counted[0], total)

    read: list[tuple[SpecDoc | Skipped, Meta | None]] = []
    read += _cached_map(
        cache, "spec", SpecDoc, _parse_spec_file, specs, _rel, _no_inputs, jobs, config,
        noted(_spec_failed), step,
    )  # fmt: skip
    read += _cached_map(
        cache, "contract", SpecDoc, _parse_contract_file, contracts, _rel, _no_inputs, jobs,
        config, noted(_spec_failed), step,
    )  # fmt: skip
    scan_seconds: dict[str, float] = {}  # what reading each file cost: its budget's start
    scanned = [
        value
        for value, _ in _cached_map(
            cache, "py", ModuleFacts, _scan_file, tasks, _rel, _code_inputs, jobs, config,
            noted(_code_failed), step, scan_seconds,
        )
    ]  # fmt: skip
    docs = [d for d, _ in read if isinstance(d, SpecDoc)]
    sha = {d.path: meta.sha256 for d, meta in read if meta is not None}
    modules = [m for m in scanned if isinstance(m, ModuleFacts)]
    skipped = list(found.skipped) + [
        (s.path, s.reason) for s in [*(d for d, _ in read), *scanned] if isinstance(s, Skipped)
    ] + [(m.path, m.unread) for m in modules if m.unread is not None]
    others = tuple(
        o
        for o, _ in _cached_map(
            cache, "other", OtherFacts | None, _scan_other_file, other_args, _rel, _style_input,
            jobs, config, noted(_other_failed), step,
        )
        if o is not None
    )  # fmt: skip
    # tests apart; a test-named module among the code runs only if the app imports it
    app_modules = [m for m in modules if among_code(m.path)]

    commands: list[ServeCommand] = []
    proxied: list[tuple[str, str, Location]] = []
    if with_code:
        for rel in found.deploy_files:
            text, _ = _read_deploy(Path(root), rel, config)
            if text is not None:
                commands.extend(serve_commands(text, rel))
                proxied.extend(proxy_prefixes(text, rel))
    # A file the prefilter ruled out is read in full on demand, in a worker like the rest
    # (started when first needed); the whole resolution walks deep facts (a 3,000-term
    # prefix) with the known stack budget.
    with _Lazy(_scan_file_in_full, config.file_time_budget, noted(_code_failed)) as rescanner:

        def rescan(path: str) -> ModuleFacts | None:
            task = (root, path, names[path], False, config, with_meta)
            inputs = _code_inputs(task)
            hit: tuple[Any, Meta] | None = None
            got: ModuleFacts | Skipped
            if cache is not None:
                hit = cache.get(_codec(), ModuleFacts, "pyfull", path, inputs, config.max_file_size)
            if hit is not None:
                got = hit[0]
            else:
                got, meta = rescanner.run(task)
                if cache is not None and meta is not None and not isinstance(got, Skipped):
                    cache.put(_codec(), "pyfull", path, inputs, meta, got)
            if isinstance(got, Skipped):
                skipped.append((got.path, got.reason))
                return None
            if got.parse_error is not None:
                return None
            return got

        served_by = tuple(commands)
        resolution = with_stack(
            lambda: resolve_routes(
                app_modules, config, rescan, served_by, scan_seconds, sandbox.CLOCK
            )
        )
    refs: list[CodeRef] = [ref for m in modules for ref in m.refs]
    refs += [ref for o in others for ref in o.refs]
    parse_errors = tuple(
        sorted((m.parse_error[0], m.parse_error[1]) for m in modules if m.parse_error is not None)
    )
    code = CodeFacts(
        refs=tuple(sorted(refs, key=lambda r: (r.location, r.target.text, r.target.value))),
        routes=resolution.routes,
        parse_errors=parse_errors,
        unmounted=resolution.unmounted,
        unresolved=resolution.unresolved,
        unresolved_paths=resolution.unresolved_paths,
        suppressions=tuple(s for m in modules for s in m.suppressions),
        inactive_routes=resolution.inactive,
        apps=_behind_proxy(resolution.apps, proxied),
        entry_points=resolution.entry_points,
        lost_trails=resolution.lost,
        over_budget=resolution.over_budget,
        foreign_routes=foreign_routes(others),
        source_files=tuple(sorted([p for p, _ in all_py] + list(other_files))),
    )
    docs.sort(key=lambda d: d.path)
    hashes = (
        tuple((d.path, sha[d.path]) if d.path in sha else _sha256(Path(root), d.path) for d in docs)
        if with_specs
        else ()
    )
    kept = tuple(modules) if keep_modules else ()
    settled = not failures and not resolution.over_budget
    del modules, scanned, resolution
    app_modules = []  # the resolution's closure holds this name
    # Route resolution leaves cycles behind (its interpreter's states point at each other);
    # the command line's raised collector thresholds would keep them to the end. Collecting
    # once here, with the facts released, lets linking and reporting reuse that memory.
    gc.collect()
    return Project(
        config, found, settle_definitions(docs), kept, code,
        tuple(sorted(set(skipped))), hashes, others, settled=settled,
    )


def _rel(task: tuple[Any, ...]) -> str:
    return str(task[1])


def _no_inputs(task: tuple[Any, ...]) -> list[Any]:
    return []


def _code_inputs(task: tuple[Any, ...]) -> list[Any]:
    return [task[2], task[3]]  # the module name, is_test


def _style_input(task: tuple[Any, ...]) -> list[Any]:
    return [task[2]]  # the comment style


class _Lazy(Generic[T, R]):
    """A :class:`Workers` of one process, started on the first task (a warm run that
    reads nothing again starts no process)."""

    def __init__(
        self, func: Callable[[T], R], budget: float, on_failure: Callable[[T, Failure], R]
    ) -> None:
        self.func, self.budget, self.on_failure = func, budget, on_failure
        self.workers: Workers[T, R] | None = None

    def __enter__(self) -> _Lazy[T, R]:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.workers is not None:
            self.workers.close()

    def run(self, item: T) -> R:
        if self.workers is None:
            self.workers = Workers(
                self.func, workers=1, budget=self.budget, on_failure=self.on_failure
            )
        (got,) = self.workers.map([item])
        return got


def _sha256(root: Path, rel: str) -> tuple[str, str]:
    try:
        return rel, hashlib.sha256((root / rel).read_bytes()).hexdigest()
    except OSError:
        return rel, ""


def _summaries(
    docs: Iterable[SpecDoc], results: Sequence[RequirementResult]
) -> tuple[SpecSummary, ...]:
    """Coverage per spec file: implemented out of the requirements that can be."""
    per: dict[str, list[RequirementResult]] = {}
    for res in results:
        per.setdefault(res.requirement.spec_path, []).append(res)
    out = []
    for doc in docs:
        mine = per.get(doc.path, [])
        countable = [r for r in mine if r.status in COUNTABLE]
        implemented = [r for r in countable if r.status is ReqStatus.IMPLEMENTED]
        out.append(
            SpecSummary(doc.path, doc.title, len(mine), len(implemented), len(countable), doc.role)
        )
    return tuple(out)


def audit_project(project: Project, today: datetime.date | None = None) -> AuditResult:
    """Link, check, decide and summarise an already loaded project.

    ``today`` is the day waivers expire against (default: today).
    """
    graph = TraceGraph(
        project.docs,
        project.code.refs,
        project.code.routes,
        foreign_routes=project.code.foreign_routes,
        source_files=project.code.source_files,
        other_suffixes=[suffix for suffix, _ in project.config.comment_syntax],
        framework_paths=sorted({p for app in project.code.apps for p in app.docs}),
        framework_apps=[
            (app.location, app.name, app.docs) for app in project.code.apps if app.served
        ],
        base_paths={app.name: app.base_paths for app in project.code.apps if app.served},
    )
    requirements = graph.requirement_results(criteria_by_story=project.config.criteria_by_story)
    routes = graph.route_results()
    rules = selected_rules(project.config)
    ctx = CheckContext(
        graph, project.code, requirements, routes, project.discovery.spec_roots, project.skipped,
        elsewhere=DocumentIds(_unread_docs(project.config, project.discovery.doc_files)),
    )  # fmt: skip
    suppressions = [s for d in project.docs for s in d.suppressions]
    suppressions += project.code.suppressions
    findings = decide(run_checks(ctx, rules), rules, project.config, suppressions, today)
    owned = {id(m.endpoint): m.owner.reason for m in graph.endpoint_matches if m.owner}
    endpoints = tuple(
        sorted(
            (replace(e, owner=owned[id(e)]) if id(e) in owned else e for e in graph.all_endpoints),
            key=lambda e: (e.location, e.method, e.path),
        )
    )
    provenance = Provenance(
        tool_version=__version__,
        config_hash=config_hash(project.config),
        spec_hashes=project.spec_hashes,
    )
    return AuditResult(
        root=Path(project.config.root).name,
        version=__version__,
        spec_files=_summaries(project.docs, requirements),
        requirements=requirements,
        declared_endpoints=endpoints,
        routes=routes,
        findings=findings,
        rules=rules,
        provenance=provenance,
        spec_roots=_spec_roots(project),
    )


_MAX_UNREAD_DOCS = 2000


def _unread_docs(config: Config, docs: Sequence[str]) -> Callable[[], Iterator[tuple[str, str]]]:
    """The texts of the project's Markdown files that are not read as specs, read when a
    dangling citation first asks (at most 2,000 of them): what ``DocumentIds`` indexes."""

    def read() -> Iterator[tuple[str, str]]:
        root = Path(config.root)
        for rel in docs[:_MAX_UNREAD_DOCS]:
            try:
                text, _ = _read_text(root, rel, config)
            except Unreadable:
                continue
            if text is not None:
                yield rel, text

    return read


def _spec_roots(project: Project) -> tuple[tuple[str, str], ...]:
    """The spec roots discovery chose and why, without those holding only templates (an
    agent tool's workflow prompts look like specs and define nothing)."""
    out: list[tuple[str, str]] = []
    for root, why in project.discovery.spec_reasons:
        mine = [d for d in project.docs if d.path == root or d.path.startswith(root + "/")]
        roles = {d.role for d in mine}
        if why.startswith("by content") and roles == {"template"}:
            continue
        if roles and roles <= {"report", "record", "notes"}:
            why += f"; read as {' and '.join(sorted(roles))}: mentions only"
        out.append((root, why))
    return tuple(out)


def audit(
    config: Config, jobs: int | None = None, today: datetime.date | None = None
) -> AuditResult:
    """The whole audit for one configured project."""
    return audit_project(load_project(config, jobs), today)
