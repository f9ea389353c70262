"""Shared by every format: ordering, counting, labels, and the summary numbers.

Every format sorts with the same keys and takes its headline numbers from
:func:`summary_obj`, so the figures agree whichever format a reader opens.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from traceaudit.jsontext import dumps_indented
from traceaudit.model import (
    AuditResult,
    DeclaredEndpoint,
    Disposition,
    Evidence,
    Finding,
    Location,
    ReqStatus,
    Requirement,
    RequirementResult,
    Route,
    RouteResult,
    Rule,
    Severity,
)

SCHEMA_VERSION = 1

# What a reader of a human format must never receive raw from the audited tree: control
# characters (a terminal escape, a NUL, a BEL), line breaks inside a one-line field (a
# file named "x\n::error::y" would be a GitHub Actions workflow command in a CI log),
# bidirectional overrides (Trojan Source) and lone surrogates (not encodable).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
    "\u2066-\u2069\ud800-\udfff]"
)
_INVISIBLE_BUT_NEWLINE = re.compile(_INVISIBLE.pattern.replace("\x0a-\x1f", "\x0b-\x1f"))
# Prose that keeps its line breaks (formats flatten or show it as paragraphs).
_MULTILINE_FIELDS = frozenset({"text", "description"})


def _escape_char(match: re.Match[str]) -> str:
    if match[0] in "\n\r":
        return "\\n" if match[0] == "\n" else "\\r"
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible_text(text: str, multiline: bool = False) -> str:
    """``text`` with every character of ``_INVISIBLE`` written as a Python escape
    (``\\x1b``, ``\\n``, ``\\u202e``, ``\\udcff``); line feeds kept if ``multiline``."""
    pattern = _INVISIBLE_BUT_NEWLINE if multiline else _INVISIBLE
    return pattern.sub(_escape_char, text) if pattern.search(text) else text


def visible(value: Any, multiline: bool = False, memo: dict[int, Any] | None = None) -> Any:
    """A copy of ``value`` (dataclasses, tuples, lists, dicts, strings: an
    :class:`AuditResult`, a list of routes) whose every string is :func:`visible_text`.
    What needs no change is returned as is, so a clean result costs one walk."""
    if type(value) is str:
        return visible_text(value, multiline)
    if memo is None:
        memo = {}
    key = id(value)
    if key in memo:
        return memo[key]
    out: Any = value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            old = getattr(value, f.name)
            new = visible(old, f.name in _MULTILINE_FIELDS, memo)
            if new is not old:
                changes[f.name] = new
        out = dataclasses.replace(value, **changes) if changes else value
    elif type(value) in (tuple, list):
        items = [visible(v, multiline, memo) for v in value]
        if any(n is not o for n, o in zip(items, value, strict=True)):
            out = type(value)(items)
    elif type(value) is dict:
        pairs = [(visible(k, False, memo), visible(v, multiline, memo)) for k, v in value.items()]
        olds = value.items()
        if any(k is not a or v is not b for (k, v), (a, b) in zip(pairs, olds, strict=True)):
            out = dict(pairs)
    memo[key] = out
    return out


TOOL_NAME = "traceaudit"

# Where the rules are documented: the README's rule reference, one heading per rule.
HOMEPAGE = "https://github.com/traceaudit/traceaudit"
MARKDOWN_LIMIT = 65_000  # GitHub refuses comments over 65,536 characters


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """How a report is rendered; the defaults give the reproducible report of the audit."""

    show_all: bool = False  # --all: also what the change did not introduce, and baselined
    source_url: str | None = None  # "https://github.com/o/r/blob/{commit}/{path}#L{line}"
    path_prefix: str = ""  # ROOT's path inside the repository ("backend"), for links and SARIF
    link_base: str = ""  # from the report file's folder to ROOT ("../"), for relative links
    color: bool = False  # ANSI colours in the text report
    quiet: bool = False  # text: the finding lines only, no summary
    markdown_limit: int = MARKDOWN_LIMIT


DEFAULT_OPTIONS = ReportOptions()


def repo_path(path: str, options: ReportOptions) -> str:
    """A root-relative path as the repository sees it (``--project-root``)."""
    if not options.path_prefix:
        return path
    return posixpath.normpath(posixpath.join(options.path_prefix, path)) if path else path


def source_link(loc: Location, options: ReportOptions, commit: str | None) -> str | None:
    """Where a location opens: the ``--source-url`` template filled in, else the file,
    relative to the report. None for a location without a file."""
    if not loc.path:
        return None
    if options.source_url:
        return (
            options.source_url.replace("{commit}", commit or "HEAD")
            .replace("{path}", repo_path(loc.path, options))
            .replace("{line}", str(max(1, loc.line)))
        )
    return posixpath.join(options.link_base, loc.path) if options.link_base else loc.path


def rule_anchor(rule: Rule) -> str:
    """The GitHub anchor of the rule's heading in the README's rule reference."""
    return f"{rule.code.lower()}-{rule.name}"


def rule_help_uri(rule: Rule) -> str:
    return f"{HOMEPAGE}#{rule_anchor(rule)}"


def shown_findings(result: AuditResult, options: ReportOptions) -> list[Finding]:
    """What text, Markdown, SARIF and annotations list: with a comparison, only what is new
    (unless ``--all``); otherwise everything, suppressed and waived ones marked."""
    if result.comparison is not None and not options.show_all:
        return sorted_findings(result.comparison.new)
    return sorted_findings(result.findings)


def dismissal_counts(findings: Iterable[Finding]) -> dict[str, int]:
    counts = Counter(f.dismissal.kind for f in findings if f.dismissal is not None)
    return {kind.value: counts.get(kind, 0) for kind in Disposition}


def dismissal_text(finding: Finding) -> str:
    """``waived: reason; owner @x; expires 2026-01-31`` (empty for an active finding)."""
    d = finding.dismissal
    if d is None:
        return ""
    parts = [f"{d.kind.value}: {d.reason}" if d.reason else d.kind.value]
    if d.owner:
        parts.append(f"owner {d.owner}")
    if d.expires:
        parts.append(f"expires {d.expires}")
    if d.location is not None and d.kind is not Disposition.BASELINED:
        parts.append(f"at {d.location}")
    return "; ".join(parts)


def _endpoint_keys(result: AuditResult) -> dict[Location, str]:
    return {
        ep.location: ep.requirement_key
        for ep in result.declared_endpoints
        if ep.requirement_key is not None
    }


def status_label(status: ReqStatus | str) -> str:
    """A status as reports show it to a reader: ``unimplemented`` is shown as "untraced",
    which is all the evidence says (no code cites it, no live route serves it). The JSON
    keeps the machine value."""
    value = status.value if isinstance(status, ReqStatus) else status
    return "untraced" if value == ReqStatus.UNIMPLEMENTED.value else value


def findings_by_requirement(result: AuditResult) -> dict[str, list[Finding]]:
    """The findings that concern each requirement: about it, about an endpoint it
    declares (TA006-TA008, at the declaration), or about a route that serves it (TA009)."""
    out: dict[str, list[Finding]] = {}
    keys = {rr.requirement.key for rr in result.requirements}
    by_route: dict[str, set[str]] = {}
    for rr in result.requirements:
        for label in rr.routes:
            by_route.setdefault(label, set()).add(rr.requirement.key)
    at_endpoint = _endpoint_keys(result)
    for f in sorted_findings(result.findings):
        owners: set[str] = set()
        if f.subject in keys:
            owners.add(f.subject)
        elif f.location in at_endpoint:
            owners.add(at_endpoint[f.location])
        else:
            owners |= by_route.get(f.subject, set())
        for key in owners:
            out.setdefault(key, []).append(f)
    return out


def findings_by_route(result: AuditResult) -> dict[int, list[Finding]]:
    """The findings about each route (by its index in ``result.routes``)."""
    out: dict[int, list[Finding]] = {}
    index: dict[tuple[Location, str], list[int]] = {}
    for i, rr in enumerate(result.routes):
        route = rr.route
        names = {route_label(route.methods, route.path), "/".join(route.methods) + " " + route.path}
        names |= {f"{m} {route.path}" for m in route.methods}
        for name in names:
            index.setdefault((route.location, name), []).append(i)
    for f in sorted_findings(result.findings):
        for i in index.get((f.location, f.subject), ()):
            out.setdefault(i, []).append(f)
    return out


def worst(findings: Iterable[Finding]) -> Severity | None:
    """The highest severity among the active findings, or None."""
    ranks = [f.rule.severity for f in findings if f.active]
    return max(ranks, key=lambda s: s.rank) if ranks else None


SEVERITIES: tuple[Severity, ...] = (Severity.ERROR, Severity.WARNING, Severity.NOTE)


JsonObj = dict[str, Any]


def dumps(data: Any) -> str:
    """``json.dumps(data, indent=2, ensure_ascii=False)`` and a final newline (byte for byte;
    :func:`traceaudit.jsontext.dumps_indented` keeps it fast on large reports)."""
    return dumps_indented(data, 2) + "\n"


def round1(value: float) -> float:
    return round(value, 1)


def loc_key(loc: Location) -> tuple[str, int, int]:
    return (loc.path, loc.line, loc.column)


def sorted_requirements(results: Iterable[RequirementResult]) -> list[RequirementResult]:
    def key(r: RequirementResult) -> tuple[str, str, int, int, str]:
        return (r.requirement.spec_path, *loc_key(r.requirement.location), r.requirement.key)

    return sorted(results, key=key)


def route_key(route: Route) -> tuple[str, tuple[str, ...], str, int, int, str, str]:
    return (route.path, route.methods, *loc_key(route.location), route.handler, route.app)


def sorted_route_results(results: Iterable[RouteResult]) -> list[RouteResult]:
    return sorted(results, key=lambda r: route_key(r.route))


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (*f.sort_key, f.rule.name))


def sorted_endpoints(endpoints: Iterable[DeclaredEndpoint]) -> list[DeclaredEndpoint]:
    return sorted(
        endpoints,
        key=lambda e: (*loc_key(e.location), e.method, e.path, e.requirement_key or ""),
    )


def sorted_evidence(evidence: Iterable[Evidence]) -> list[Evidence]:
    return sorted(evidence, key=lambda e: (*loc_key(e.location), e.symbol, e.via, e.kind))


def status_counts(result: AuditResult) -> Counter[ReqStatus]:
    return Counter(r.status for r in result.requirements)


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    counts = Counter(f.rule.severity for f in findings)
    return {sev.value: counts.get(sev, 0) for sev in SEVERITIES}


def summary_obj(result: AuditResult) -> JsonObj:
    """The headline numbers, the same in every format.

    ``coverage`` is ``implemented / countable`` in percent, where countable are the
    requirements that can be implemented or not (not out of scope, not backend,
    not unclear, not informational); ``findings`` counts the active findings.
    """
    statuses = status_counts(result)
    implemented, countable = result.coverage_counts
    return {
        "requirements": len(result.requirements),
        "implemented": implemented,
        "unimplemented": statuses.get(ReqStatus.UNIMPLEMENTED, 0),
        "countable": countable,
        "routes": len(result.routes),
        "undocumented_routes": sum(1 for r in result.routes if not r.documented),
        "findings": severity_counts(result.active_findings),
        "dismissed": dismissal_counts(result.findings),
        "coverage": round1(result.coverage) if countable else None,  # nothing to count: n/a
        "statuses": {s.value: statuses.get(s, 0) for s in ReqStatus},
        "spec_files": len(result.spec_files),
        "declared_endpoints": len(result.declared_endpoints),
    }


def coverage_text(result: AuditResult) -> str:
    """``27/29 (93.1%)``: the one way coverage is written (``0/0 (n/a)`` with nothing to count)."""
    implemented, countable = result.coverage_counts
    if not countable:
        return "0/0 (n/a)"
    return f"{implemented}/{countable} ({round1(result.coverage):.1f}%)"


def comparison_line(result: AuditResult) -> str | None:
    """One line on what the comparison found, or None without one."""
    c = result.comparison
    if c is None:
        return None
    new = plural(len(c.new), "new finding")
    if c.kind == "baseline":
        return f"baseline {c.reference}: {new}, {c.unchanged} baselined, {len(c.fixed)} fixed"
    parts = [f"against {c.reference}: {new}, {len(c.fixed)} fixed, {c.unchanged} unchanged"]
    if c.routes_added or c.routes_removed:
        parts.append(f"routes +{len(c.routes_added)} -{len(c.routes_removed)}")
    req = (c.requirements_added, c.requirements_removed, c.requirements_reworded)
    if any(req):
        parts.append(f"requirements +{len(req[0])} -{len(req[1])} ~{len(req[2])} reworded")
    if c.spec_deltas:
        parts.append(f"coverage changed in {plural(len(c.spec_deltas), 'spec file')}")
    return "; ".join(parts)


def reported_rules(result: AuditResult) -> list[Rule]:
    """The rule registry plus any rule a finding uses that the registry lacks."""
    by_code: dict[str, Rule] = {}
    for rule in result.rules:
        by_code.setdefault(rule.code, rule)
    for finding in sorted_findings(result.findings):
        by_code.setdefault(finding.rule.code, finding.rule)
    return [by_code[code] for code in sorted(by_code)]


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def one_line(text: str) -> str:
    return " ".join(text.split())


def route_label(methods: Sequence[str], path: str) -> str:
    return f"{','.join(methods)} {path}"


def handler_name(route: Route) -> str:
    """``app/api/users.py:create_user`` -> ``create_user``."""
    return symbol_name(route.handler, route.location.path)


def route_auth(route: Route) -> str:
    if not route.auth:
        if route.auth_condition:
            chain = f" ({', '.join(route.auth_dependencies)})" if route.auth_dependencies else ""
            return f"only if {route.auth_condition}{chain}"
        return "no"
    text = "yes"
    if route.auth_dependencies:
        text += f" ({', '.join(route.auth_dependencies)})"
    if route.scopes:
        text += f" scopes: {' '.join(route.scopes)}"
    return text


def route_flags(route: Route) -> list[str]:
    flags: list[str] = []
    if route.conditional:
        flags.append(f"conditional: {route.condition}" if route.condition else "conditional")
    if not route.include_in_schema:
        flags.append("hidden")
    if route.unresolved:
        flags.append(f"unresolved: {', '.join(route.unresolved)}")
    if route.deprecated:
        flags.append("deprecated")
    return flags


def section_label(req: Requirement) -> str | None:
    return req.section_path[-1] if req.section_path else None


def symbol_name(symbol: str, path: str) -> str:
    """``app/x.py:create_user`` next to ``app/x.py:12`` reads as ``create_user``."""
    prefix = path + ":"
    return symbol[len(prefix) :] if symbol.startswith(prefix) else symbol


def evidence_text(ev: Evidence) -> str:
    name = symbol_name(ev.symbol, ev.location.path)
    return f"{ev.location} {name} ({ev.via})" if name else f"{ev.location} ({ev.via})"


def project_label(root: str) -> str:
    """The project root for display, never as an absolute path."""
    for flavour in (PurePosixPath, PureWindowsPath):
        path = flavour(root)
        if path.is_absolute():
            return path.name or root
    return root
