"""The pipeline, and the only module that knows the order of the stages.

config -> discover -> parse specs / scan modules (pure, per file, parallel when
the project is large) -> resolve routes (whole project, on small facts) ->
trace graph -> checks -> AuditResult.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import tokenize
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path
from typing import TypeVar

from traceaudit import __version__
from traceaudit.config import config_hash
from traceaudit.discover import Discovery, Unreadable, discover, read_file
from traceaudit.model import (
    COUNTABLE,
    AuditResult,
    CodeFacts,
    CodeRef,
    Config,
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
    failed_module,
    scan_module,
    serve_commands,
)
from traceaudit.routes import module_names, resolve_routes
from traceaudit.sandbox import Failure, Workers, run_tasks, with_stack
from traceaudit.specs import parse_contract, parse_spec, settle_definitions
from traceaudit.trace import CheckContext, TraceGraph, run_checks, selected_rules

# Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 400

T = TypeVar("T")
R = TypeVar("R")


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


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that was not read at all (TA013): why, in a few words."""

    path: str
    reason: str


def _read_text(root: Path, rel: str, config: Config) -> tuple[str | None, str | None]:
    """A Markdown/YAML file's text, or an error message; raises Unreadable to skip it."""
    try:
        data = read_file(root, rel, config.max_file_size)
    except Unreadable as exc:
        if exc.skipped:
            raise
        return None, exc.reason
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return None, f"not valid UTF-8 (byte {exc.start})"


def _read_python(root: Path, rel: str, config: Config) -> tuple[str | None, str | None]:
    """A Python file's source decoded by its PEP 263 declaration, or an error."""
    try:
        data = read_file(root, rel, config.max_file_size)
    except Unreadable as exc:
        if exc.skipped:
            raise
        return None, exc.reason
    try:
        encoding, _ = tokenize.detect_encoding(BytesIO(data).readline)
        return data.decode(encoding), None
    except (SyntaxError, LookupError, UnicodeError) as exc:
        return None, f"cannot decode source: {exc}"


def _read_deploy(root: Path, rel: str, config: Config) -> tuple[str | None, str | None]:
    """A deployment file's text (it only says what is served: unreadable means nothing)."""
    try:
        text, error = _read_text(root, rel, config)
    except Unreadable as exc:
        return None, exc.reason
    return text, error


def _parse_spec_file(args: tuple[str, str, Config]) -> SpecDoc | Skipped:
    root, rel, config = args
    try:
        text, error = _read_text(Path(root), rel, config)
    except Unreadable as exc:
        return Skipped(rel, exc.reason)
    if text is None:
        return SpecDoc(rel, Path(rel).stem, (), (), (), error=error)
    return parse_spec(text, rel, config)


def _parse_contract_file(args: tuple[str, str, Config]) -> SpecDoc | Skipped:
    root, rel, config = args
    try:
        text, error = _read_text(Path(root), rel, config)
    except Unreadable as exc:
        return Skipped(rel, exc.reason)
    if text is None:
        return SpecDoc(rel, Path(rel).stem, (), (), (), error=error)
    return parse_contract(text, rel, config)


def _scan_file(
    args: tuple[str, str, str, bool, Config], force_code: bool = False
) -> ModuleFacts | Skipped:
    root, rel, module, is_test, config = args
    try:
        source, error = _read_python(Path(root), rel, config)
    except Unreadable as exc:
        return Skipped(rel, exc.reason)
    if source is None:
        return failed_module(rel, module, error or "unreadable", is_test)
    return scan_module(source, rel, module, config, force_code=force_code)


def _scan_file_in_full(args: tuple[str, str, str, bool, Config]) -> ModuleFacts | Skipped:
    """Like :func:`_scan_file`, with the code facts the prefilter would have skipped."""
    return _scan_file(args, force_code=True)


def _map(
    func: Callable[[T], R],
    items: Sequence[T],
    jobs: int,
    budget: float,
    on_failure: Callable[[T, Failure], R],
) -> list[R]:
    """``func`` per file in supervised workers (a crash or a stall is that file's)."""
    workers = jobs if jobs > 1 and len(items) >= PARALLEL_THRESHOLD else 1
    return run_tasks(func, items, workers=workers, budget=budget, on_failure=on_failure)


def _spec_failed(args: tuple[str, str, Config], why: Failure) -> SpecDoc | Skipped:
    rel = args[1]
    if why.kind == "timeout":
        return Skipped(rel, why.detail)
    return SpecDoc(rel, Path(rel).stem, (), (), (), error=why.detail)


def _code_failed(args: tuple[str, str, str, bool, Config], why: Failure) -> ModuleFacts | Skipped:
    _, rel, module, is_test, _ = args
    if why.kind == "timeout":
        return Skipped(rel, why.detail)
    return failed_module(rel, module, why.detail, is_test)


def _scan_other_file(args: tuple[str, str, str, Config]) -> OtherFacts | None:
    root, rel, style, config = args
    try:
        text, _ = _read_text(Path(root), rel, config)
    except Unreadable:
        return None  # not a regular file inside the root: nothing to cite from
    if text is None:
        return None  # not UTF-8: a binary or generated file, nothing to cite from
    return scan_other(text, rel, style, config)


def _other_failed(args: tuple[str, str, str, Config], why: Failure) -> OtherFacts | None:
    return None  # a comment scan that crashed or stalled cites nothing


def default_jobs() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def load_project(
    config: Config,
    jobs: int | None = None,
    *,
    with_specs: bool = True,
    with_code: bool = True,
    found: Discovery | None = None,
) -> Project:
    """Discover (unless ``found`` is the discovery already made), parse and scan every
    file, and resolve the routes."""
    jobs = default_jobs() if jobs is None else jobs
    found = discover(config) if found is None else found
    root = str(Path(config.root).resolve())
    read: list[SpecDoc | Skipped] = []
    if with_specs:
        budget = config.file_time_budget
        specs = [(root, p, config) for p in found.spec_files]
        read += _map(_parse_spec_file, specs, jobs, budget, _spec_failed)
        contracts = [(root, p, config) for p in found.contract_files]
        read += _map(_parse_contract_file, contracts, jobs, budget, _spec_failed)
    all_py: list[tuple[str, bool]] = []
    if with_code:
        all_py += [(p, False) for p in found.python_files] + [(p, True) for p in found.test_files]
    names = module_names([p for p, _ in all_py])
    tasks = [(root, p, names[p], t, config) for p, t in all_py]
    scanned = _map(_scan_file, tasks, jobs, config.file_time_budget, _code_failed)
    docs = [d for d in read if isinstance(d, SpecDoc)]
    modules = [m for m in scanned if isinstance(m, ModuleFacts)]
    skipped = list(found.skipped) + [
        (s.path, s.reason) for s in [*read, *scanned] if isinstance(s, Skipped)
    ] + [(m.path, m.unread) for m in modules if m.unread is not None]
    styles = dict(config.comment_syntax)
    other_files = found.other_files if with_code else ()
    other_args = [(root, p, styles[Path(p).suffix.lower()], config) for p in other_files]
    others = tuple(
        o
        for o in _map(_scan_other_file, other_args, jobs, config.file_time_budget, _other_failed)
        if o is not None
    )
    app_modules = [m for m in modules if not m.is_test]

    commands: list[ServeCommand] = []
    if with_code:
        for rel in found.deploy_files:
            text, _ = _read_deploy(Path(root), rel, config)
            if text is not None:
                commands.extend(serve_commands(text, rel))
    # A file the prefilter ruled out is read in full on demand, in a worker like the rest;
    # the whole resolution walks deep facts (a 3,000-term prefix) with the known stack budget.
    with Workers(
        _scan_file_in_full, workers=1, budget=config.file_time_budget, on_failure=_code_failed
    ) as rescanner:

        def rescan(path: str) -> ModuleFacts | None:
            (got,) = rescanner.map([(root, path, names[path], False, config)])
            if isinstance(got, Skipped):
                skipped.append((got.path, got.reason))
                return None
            if got.parse_error is not None:
                return None
            return got

        served_by = tuple(commands)
        resolution = with_stack(
            lambda: resolve_routes(app_modules, config, rescan, served_by)
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
        apps=resolution.apps,
        foreign_routes=foreign_routes(others),
        source_files=tuple(sorted([p for p, _ in all_py] + list(other_files))),
    )
    docs.sort(key=lambda d: d.path)
    hashes = tuple(_sha256(Path(root), d.path) for d in docs) if with_specs else ()
    return Project(
        config, found, settle_definitions(docs), tuple(modules), code,
        tuple(sorted(set(skipped))), hashes, others
    )


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
    )
    requirements = graph.requirement_results()
    routes = graph.route_results()
    rules = selected_rules(project.config)
    ctx = CheckContext(
        graph, project.code, requirements, routes, project.discovery.spec_roots, project.skipped
    )
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
