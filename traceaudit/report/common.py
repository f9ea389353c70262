"""Shared by every format: ordering, counting, labels, and the summary numbers.

Every format sorts with the same keys and takes its headline numbers from
:func:`summary_obj`, so the figures agree whichever format a reader opens.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from traceaudit.model import (
    AuditResult,
    DeclaredEndpoint,
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
    SpecSummary,
)

SCHEMA_VERSION = 1


TOOL_NAME = "traceaudit"


SEVERITIES: tuple[Severity, ...] = (Severity.ERROR, Severity.WARNING, Severity.NOTE)


JsonObj = dict[str, Any]


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


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


def total_coverage(result: AuditResult) -> float:
    """Overall coverage: implemented / countable across every spec file."""
    if result.spec_files:
        implemented = sum(s.implemented for s in result.spec_files)
        countable = sum(s.countable for s in result.spec_files)
    else:
        counts = status_counts(result)
        implemented = counts.get(ReqStatus.IMPLEMENTED, 0)
        countable = implemented + counts.get(ReqStatus.UNIMPLEMENTED, 0)
    return SpecSummary("", "", 0, implemented, countable).coverage


def summary_obj(result: AuditResult) -> JsonObj:
    statuses = status_counts(result)
    return {
        "requirements": len(result.requirements),
        "implemented": statuses.get(ReqStatus.IMPLEMENTED, 0),
        "unimplemented": statuses.get(ReqStatus.UNIMPLEMENTED, 0),
        "routes": len(result.routes),
        "undocumented_routes": sum(1 for r in result.routes if not r.documented),
        "findings": severity_counts(result.findings),
        "coverage": round1(total_coverage(result)),
        "statuses": {s.value: statuses.get(s, 0) for s in ReqStatus},
        "spec_files": len(result.spec_files),
        "declared_endpoints": len(result.declared_endpoints),
    }


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
