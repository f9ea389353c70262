"""Render audit results: one pure function per output format.

Every reporter takes an :class:`~traceaudit.model.AuditResult` and returns the
whole document as a string; nothing here prints, writes files or reads the
project. Output is deterministic: every collection is sorted, there are no
timestamps and no absolute paths, so two runs give byte-identical reports.

Formats (``REPORTERS`` keys):

``text``
    One line per finding, then a summary line, for terminals and CI logs::

        app/main.py:14: TA002 [warning] GET /x is not documented (undocumented-endpoint)
        specs/a.md:12: TA001 [error] FR-002 has no implementation (unimplemented-requirement)
        3 requirements: 1 implemented, 1 unimplemented (50.0% coverage); 2 routes, ...

``json``
    The machine contract (``schema_version`` 1)::

        {"schema_version": 1, "tool": {"name": "traceaudit", "version": "0.1.0"},
         "summary": {...}, "spec_files": [...], "requirements": [...],
         "declared_endpoints": [...], "routes": [...], "findings": [...], "rules": [...]}

``sarif``
    SARIF 2.1.0 with one run, rules from the rule registry, relative artifact URIs
    and stable ``partialFingerprints``.

``markdown``
    Summary table, coverage per spec file, the requirement matrix grouped by spec
    file, the routes table and the findings, for pull-request comments.

``html``
    One self-contained page (inline CSS and JS, a Content-Security-Policy that
    forbids every network request) with the matrix, the endpoint table and the
    findings, filterable by status and text search; readable without JavaScript.

``routes_json``/``routes_text`` and ``requirements_json``/``requirements_text``
serve the ``traceaudit routes`` and ``traceaudit requirements`` commands.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

import jinja2

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
    SpecDoc,
    SpecLink,
    SpecSummary,
)

__all__ = [
    "REPORTERS",
    "SCHEMA_VERSION",
    "TOOL_NAME",
    "html_report",
    "json_report",
    "markdown_report",
    "requirements_json",
    "requirements_text",
    "routes_json",
    "routes_text",
    "sarif_report",
    "text_report",
]

SCHEMA_VERSION = 1
TOOL_NAME = "traceaudit"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "traceaudit/v1"

_SEVERITIES: tuple[Severity, ...] = (Severity.ERROR, Severity.WARNING, Severity.NOTE)

JsonObj = dict[str, Any]


# --------------------------------------------------------------------------
# Shared helpers: ordering, counting, small formatting
# --------------------------------------------------------------------------


def _dumps(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def _round1(value: float) -> float:
    return round(value, 1)


def _loc_key(loc: Location) -> tuple[str, int, int]:
    return (loc.path, loc.line, loc.column)


def _sorted_requirements(results: Iterable[RequirementResult]) -> list[RequirementResult]:
    def key(r: RequirementResult) -> tuple[str, str, int, int, str]:
        return (r.requirement.spec_path, *_loc_key(r.requirement.location), r.requirement.key)

    return sorted(results, key=key)


def _route_key(route: Route) -> tuple[str, tuple[str, ...], str, int, int, str, str]:
    return (route.path, route.methods, *_loc_key(route.location), route.handler, route.app)


def _sorted_route_results(results: Iterable[RouteResult]) -> list[RouteResult]:
    return sorted(results, key=lambda r: _route_key(r.route))


def _sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (*f.sort_key, f.rule.name))


def _sorted_endpoints(endpoints: Iterable[DeclaredEndpoint]) -> list[DeclaredEndpoint]:
    return sorted(
        endpoints,
        key=lambda e: (*_loc_key(e.location), e.method, e.path, e.requirement_key or ""),
    )


def _sorted_evidence(evidence: Iterable[Evidence]) -> list[Evidence]:
    return sorted(evidence, key=lambda e: (*_loc_key(e.location), e.symbol, e.via, e.kind))


def _status_counts(result: AuditResult) -> Counter[ReqStatus]:
    return Counter(r.status for r in result.requirements)


def _severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    counts = Counter(f.rule.severity for f in findings)
    return {sev.value: counts.get(sev, 0) for sev in _SEVERITIES}


def _total_coverage(result: AuditResult) -> float:
    """Overall coverage: implemented / countable across every spec file."""
    if result.spec_files:
        implemented = sum(s.implemented for s in result.spec_files)
        countable = sum(s.countable for s in result.spec_files)
    else:
        counts = _status_counts(result)
        implemented = counts.get(ReqStatus.IMPLEMENTED, 0)
        countable = implemented + counts.get(ReqStatus.UNIMPLEMENTED, 0)
    return SpecSummary("", "", 0, implemented, countable).coverage


def _rules(result: AuditResult) -> list[Rule]:
    """The rule registry plus any rule a finding uses that the registry lacks."""
    by_code: dict[str, Rule] = {}
    for rule in result.rules:
        by_code.setdefault(rule.code, rule)
    for finding in _sorted_findings(result.findings):
        by_code.setdefault(finding.rule.code, finding.rule)
    return [by_code[code] for code in sorted(by_code)]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _route_label(methods: Sequence[str], path: str) -> str:
    return f"{','.join(methods)} {path}"


def _handler_name(route: Route) -> str:
    """``app/api/users.py:create_user`` -> ``create_user``."""
    return _symbol_name(route.handler, route.location.path)


def _route_auth(route: Route) -> str:
    if not route.auth:
        return "no"
    text = "yes"
    if route.auth_dependencies:
        text += f" ({', '.join(route.auth_dependencies)})"
    if route.scopes:
        text += f" scopes: {' '.join(route.scopes)}"
    return text


def _route_flags(route: Route) -> list[str]:
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


def _section(req: Requirement) -> str | None:
    return req.section_path[-1] if req.section_path else None


def _symbol_name(symbol: str, path: str) -> str:
    """``app/x.py:create_user`` next to ``app/x.py:12`` reads as ``create_user``."""
    prefix = path + ":"
    return symbol[len(prefix) :] if symbol.startswith(prefix) else symbol


def _evidence_text(ev: Evidence) -> str:
    name = _symbol_name(ev.symbol, ev.location.path)
    return f"{ev.location} {name} ({ev.via})" if name else f"{ev.location} ({ev.via})"


def _project_label(root: str) -> str:
    """The project root for display, never as an absolute path."""
    for flavour in (PurePosixPath, PureWindowsPath):
        path = flavour(root)
        if path.is_absolute():
            return path.name or root
    return root


# --------------------------------------------------------------------------
# JSON objects (shared by the json, routes and requirements outputs)
# --------------------------------------------------------------------------


def _evidence_obj(ev: Evidence) -> JsonObj:
    return {
        "file": ev.location.path,
        "line": ev.location.line,
        "symbol": ev.symbol,
        "via": ev.via,
        "kind": ev.kind,
    }


def _endpoint_obj(ep: DeclaredEndpoint) -> JsonObj:
    return {
        "method": ep.method,
        "path": ep.path,
        "spec_file": ep.location.path,
        "line": ep.location.line,
        "requirement": ep.requirement_key,
        "auth": ep.auth,
        "auth_required": ep.auth_required,
        "statuses": sorted(ep.statuses),
        "source": ep.source,
        "scope": ep.scope.value,
    }


def _route_obj(route: Route, rr: RouteResult | None = None) -> JsonObj:
    obj: JsonObj = {
        "methods": list(route.methods),
        "path": route.path,
        "file": route.location.path,
        "line": route.location.line,
        "handler": route.handler,
        "app": route.app,
    }
    if rr is not None:
        obj["documented"] = rr.documented
        obj["documented_by"] = sorted(rr.documented_by)
        obj["requirements"] = sorted(rr.requirements)
    obj.update(
        {
            "auth": route.auth,
            "auth_dependencies": list(route.auth_dependencies),
            "scopes": list(route.scopes),
            "conditional": route.conditional,
            "condition": route.condition,
            "unresolved": list(route.unresolved),
            "include_in_schema": route.include_in_schema,
            "status_code": route.status_code,
            "response_model": route.response_model,
            "tags": list(route.tags),
            "summary": route.summary,
            "deprecated": route.deprecated,
            "dependencies": list(route.dependencies),
            "router_chain": list(route.router_chain),
            "registered_at": (
                {"file": route.registered_at.path, "line": route.registered_at.line}
                if route.registered_at is not None
                else None
            ),
        }
    )
    return obj


def _requirement_extras(req: Requirement) -> JsonObj:
    return {
        "section_path": list(req.section_path),
        "anchor": req.anchor,
        "scope": req.scope.value,
        "needs_clarification": req.needs_clarification,
        "parent": req.parent_key,
        "text": req.text,
    }


def _requirement_obj(rr: RequirementResult) -> JsonObj:
    req = rr.requirement
    obj: JsonObj = {
        "key": req.key,
        "id": req.id,
        "title": req.title,
        "spec_file": req.spec_path,
        "line": req.location.line,
        "kind": req.kind.value,
        "section": _section(req),
        "status": rr.status.value,
        "claimed_done": req.claimed_done,
        "implemented_by": [_evidence_obj(e) for e in _sorted_evidence(rr.implemented_by)],
        "verified_by": [_evidence_obj(e) for e in _sorted_evidence(rr.verified_by)],
        "routes": sorted(rr.routes),
    }
    obj.update(_requirement_extras(req))
    return obj


def _finding_obj(f: Finding) -> JsonObj:
    return {
        "code": f.rule.code,
        "rule": f.rule.name,
        "severity": f.rule.severity.value,
        "message": f.message,
        "file": f.location.path,
        "line": f.location.line,
        "column": f.location.column,
        "subject": f.subject,
    }


def _rule_obj(rule: Rule) -> JsonObj:
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.value,
        "summary": rule.summary,
    }


def _summary_obj(result: AuditResult) -> JsonObj:
    statuses = _status_counts(result)
    return {
        "requirements": len(result.requirements),
        "implemented": statuses.get(ReqStatus.IMPLEMENTED, 0),
        "unimplemented": statuses.get(ReqStatus.UNIMPLEMENTED, 0),
        "routes": len(result.routes),
        "undocumented_routes": sum(1 for r in result.routes if not r.documented),
        "findings": _severity_counts(result.findings),
        "coverage": _round1(_total_coverage(result)),
        "statuses": {s.value: statuses.get(s, 0) for s in ReqStatus},
        "spec_files": len(result.spec_files),
        "declared_endpoints": len(result.declared_endpoints),
    }


def _spec_file_obj(s: SpecSummary) -> JsonObj:
    return {
        "path": s.path,
        "title": s.title,
        "requirements": s.requirements,
        "implemented": s.implemented,
        "coverage": _round1(s.coverage) if s.countable else None,  # nothing to count: n/a
        "countable": s.countable,
    }


def json_report(result: AuditResult) -> str:
    """The audit as JSON (schema_version 1), sorted, with a trailing newline."""
    data: JsonObj = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": result.version},
        "summary": _summary_obj(result),
        "spec_files": [_spec_file_obj(s) for s in sorted(result.spec_files, key=lambda s: s.path)],
        "requirements": [_requirement_obj(r) for r in _sorted_requirements(result.requirements)],
        "declared_endpoints": [
            _endpoint_obj(e) for e in _sorted_endpoints(result.declared_endpoints)
        ],
        "routes": [_route_obj(r.route, r) for r in _sorted_route_results(result.routes)],
        "findings": [_finding_obj(f) for f in _sorted_findings(result.findings)],
        "rules": [_rule_obj(r) for r in _rules(result)],
    }
    return _dumps(data)


# --------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------


def _summary_line(result: AuditResult) -> str:
    s = _summary_obj(result)
    sev = s["findings"]
    return (
        f"{_plural(s['requirements'], 'requirement')}: {s['implemented']} implemented, "
        f"{s['unimplemented']} unimplemented ({s['coverage']:.1f}% coverage); "
        f"{_plural(s['routes'], 'route')}, {s['undocumented_routes']} undocumented; "
        f"{_plural(sev['error'], 'error')}, {_plural(sev['warning'], 'warning')}, "
        f"{_plural(sev['note'], 'note')}"
    )


def text_report(result: AuditResult) -> str:
    """``path:line: CODE [severity] message (rule)`` per finding, then a summary line."""
    lines = [
        f"{f.location.path or '.'}:{f.location.line}: {f.rule.code} [{f.rule.severity.value}] "
        f"{_one_line(f.message)} ({f.rule.name})"
        for f in _sorted_findings(result.findings)
    ]
    lines.append(_summary_line(result))
    return "\n".join(lines) + "\n"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A plain left-aligned text table without trailing spaces."""
    widths = [len(h) for h in header]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    out = []
    for row in [list(header), *rows]:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row)]
        out.append("  ".join(cells).rstrip())
    return out


# --------------------------------------------------------------------------
# routes / requirements commands
# --------------------------------------------------------------------------


def routes_json(routes: Sequence[Route]) -> str:
    """``{"schema_version": 1, "routes": [...]}`` with the audit's route objects."""
    data: JsonObj = {
        "schema_version": SCHEMA_VERSION,
        "routes": [_route_obj(r) for r in sorted(routes, key=_route_key)],
    }
    return _dumps(data)


def routes_text(routes: Sequence[Route]) -> str:
    """A table of routes: method, full path, handler file:line, auth, flags."""
    ordered = sorted(routes, key=_route_key)
    rows = [
        [
            ",".join(r.methods),
            r.path,
            f"{r.location} {_handler_name(r)}",
            _route_auth(r),
            "; ".join(_route_flags(r)),
        ]
        for r in ordered
    ]
    lines = _table(["METHOD", "PATH", "HANDLER", "AUTH", "FLAGS"], rows) if rows else []
    with_auth = sum(1 for r in ordered if r.auth)
    lines.append(f"{_plural(len(ordered), 'route')}, {with_auth} with auth")
    return "\n".join(lines) + "\n"


def _spec_requirement_obj(req: Requirement) -> JsonObj:
    obj: JsonObj = {
        "key": req.key,
        "id": req.id,
        "title": req.title,
        "spec_file": req.spec_path,
        "line": req.location.line,
        "kind": req.kind.value,
        "section": _section(req),
        "claimed_done": req.claimed_done,
    }
    obj.update(_requirement_extras(req))
    return obj


def _link_obj(link: SpecLink) -> JsonObj:
    return {
        "source": link.source_key,
        "target": link.target.value,
        "target_kind": link.target.kind.value,
        "target_spec": link.target.spec,
        "relation": link.relation,
        "spec_file": link.location.path,
        "line": link.location.line,
    }


def requirements_json(docs: Sequence[SpecDoc]) -> str:
    """Parsed spec files, requirements, declared endpoints and spec links as JSON."""
    ordered = sorted(docs, key=lambda d: d.path)
    reqs = sorted(
        (req for doc in ordered for req in doc.requirements),
        key=lambda r: (r.spec_path, *_loc_key(r.location), r.key),
    )
    links = sorted(
        (link for doc in ordered for link in doc.links),
        key=lambda k: (*_loc_key(k.location), k.source_key, k.relation, k.target.value),
    )
    data: JsonObj = {
        "schema_version": SCHEMA_VERSION,
        "spec_files": [
            {
                "path": doc.path,
                "title": doc.title,
                "requirements": len(doc.requirements),
                "endpoints": len(doc.endpoints),
                "sections": len(doc.sections),
                "error": doc.error,
                "duplicate_ids": [
                    {"id": dup_id, "line": loc.line}
                    for dup_id, loc in sorted(doc.duplicate_ids, key=lambda d: (d[1].line, d[0]))
                ],
            }
            for doc in ordered
        ],
        "requirements": [_spec_requirement_obj(r) for r in reqs],
        "declared_endpoints": [
            _endpoint_obj(e) for e in _sorted_endpoints(e for d in ordered for e in d.endpoints)
        ],
        "links": [_link_obj(k) for k in links],
    }
    return _dumps(data)


def requirements_text(docs: Sequence[SpecDoc]) -> str:
    """Per spec file: its requirements, then its declared endpoints."""
    lines: list[str] = []
    total_reqs = total_eps = 0
    for doc in sorted(docs, key=lambda d: d.path):
        reqs = sorted(doc.requirements, key=lambda r: (*_loc_key(r.location), r.key))
        eps = _sorted_endpoints(doc.endpoints)
        total_reqs += len(reqs)
        total_eps += len(eps)
        title = f" — {_one_line(doc.title)}" if doc.title else ""
        lines.append(
            f"{doc.path}{title} ({_plural(len(reqs), 'requirement')}, "
            f"{_plural(len(eps), 'endpoint')})"
        )
        if doc.error:
            lines.append(f"  error: {_one_line(doc.error)}")
        req_rows = []
        for req in reqs:
            marks = [req.kind.value]
            if req.scope.value != "in-scope":
                marks.append(req.scope.value)
            if req.claimed_done:
                marks.append("claimed done")
            if req.needs_clarification:
                marks.append("needs clarification")
            section = " > ".join(req.section_path)
            req_rows.append(
                [
                    f"  {req.id}",
                    f"line {req.location.line}",
                    f"[{', '.join(marks)}]",
                    _one_line(req.title) + (f"  ({_one_line(section)})" if section else ""),
                ]
            )
        if req_rows:
            lines.extend(_table(["  ID", "LINE", "KIND", "TITLE (SECTION)"], req_rows))
        ep_rows = []
        for ep in eps:
            auth = f"auth: {_one_line(ep.auth)}" if ep.auth else ""
            ep_rows.append(
                [
                    f"  {ep.method}",
                    ep.path,
                    f"line {ep.location.line}",
                    ep.source,
                    auth,
                    f"-> {ep.requirement_key}" if ep.requirement_key else "",
                ]
            )
        if ep_rows:
            lines.extend(
                _table(["  METHOD", "PATH", "LINE", "FORM", "AUTH", "REQUIREMENT"], ep_rows)
            )
        for dup_id, loc in sorted(doc.duplicate_ids, key=lambda d: (d[1].line, d[0])):
            lines.append(f"  duplicate id {dup_id} at line {loc.line}")
        lines.append("")
    lines.append(
        f"{_plural(len(docs), 'spec file')}, {_plural(total_reqs, 'requirement')}, "
        f"{_plural(total_eps, 'declared endpoint')}"
    )
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# SARIF 2.1.0
# --------------------------------------------------------------------------


def _fingerprint(f: Finding) -> str:
    raw = "\0".join((f.rule.code, f.subject, f.location.path))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def _sarif_location(loc: Location) -> JsonObj | None:
    if not loc.path:
        return None
    physical: JsonObj = {
        "artifactLocation": {"uri": quote(loc.path, safe="/"), "uriBaseId": "%SRCROOT%"}
    }
    if loc.line >= 1:
        region: JsonObj = {"startLine": loc.line}
        if loc.column > 1:
            region["startColumn"] = loc.column
        physical["region"] = region
    return {"physicalLocation": physical}


def sarif_report(result: AuditResult) -> str:
    """The findings as a SARIF 2.1.0 log (one run), for code-scanning services."""
    rules = _rules(result)
    index = {rule.code: i for i, rule in enumerate(rules)}
    sarif_rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary or rule.name},
            "defaultConfiguration": {"level": rule.severity.value},
        }
        for rule in rules
    ]
    results = []
    for f in _sorted_findings(result.findings):
        item: JsonObj = {
            "ruleId": f.rule.code,
            "ruleIndex": index[f.rule.code],
            "level": f.rule.severity.value,
            "message": {"text": f.message or f.rule.summary or f.rule.name},
        }
        location = _sarif_location(f.location)
        if location is not None:
            item["locations"] = [location]
        item["partialFingerprints"] = {FINGERPRINT_KEY: _fingerprint(f)}
        item["properties"] = {"subject": f.subject, "rule": f.rule.name}
        results.append(item)
    data: JsonObj = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": result.version,
                        "rules": sarif_rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return _dumps(data)


# --------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&~|])")


def _md(text: object) -> str:
    """Escape a value for a Markdown table cell (one line, no markup, no bare ``|``)."""
    return _MD_SPECIAL.sub(r"\\\1", _one_line(str(text)))


def _md_table(header: Sequence[str], align: str, rows: Iterable[Sequence[str]]) -> list[str]:
    """``align`` holds one ``l`` or ``r`` per column."""
    seps = ["---:" if a == "r" else "---" for a in align]
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(seps) + " |"]
    out.extend("| " + " | ".join(row) + " |" for row in rows)
    return out


def _md_evidence(rr: RequirementResult) -> str:
    items = [_md(_evidence_text(e)) for e in _sorted_evidence(rr.implemented_by)]
    items += ["verified: " + _md(_evidence_text(e)) for e in _sorted_evidence(rr.verified_by)]
    return "<br>".join(items)


def _md_requirement_status(rr: RequirementResult) -> str:
    status = rr.status.value
    if rr.requirement.claimed_done:
        status += " (claimed done)"
    return _md(status)


def markdown_report(result: AuditResult) -> str:
    """Summary, coverage per spec file, requirement matrix, routes and findings."""
    s = _summary_obj(result)
    out: list[str] = ["# traceaudit report", "", f"Generated by {TOOL_NAME} {_md(result.version)}."]

    out += ["", "## Summary", ""]
    out += _md_table(
        ["Item", "Count"],
        "lr",
        [
            ["Requirements", str(s["requirements"])],
            ["Implemented", str(s["implemented"])],
            ["Unimplemented", str(s["unimplemented"])],
            ["Coverage", f"{s['coverage']:.1f}%"],
            ["Routes", str(s["routes"])],
            ["Undocumented routes", str(s["undocumented_routes"])],
            ["Errors", str(s["findings"]["error"])],
            ["Warnings", str(s["findings"]["warning"])],
            ["Notes", str(s["findings"]["note"])],
        ],
    )

    out += ["", "## Coverage by spec file", ""]
    specs = sorted(result.spec_files, key=lambda x: x.path)
    if specs:
        out += _md_table(
            ["Spec file", "Title", "Requirements", "Implemented", "Coverage"],
            "llrrr",
            [
                [
                    _md(x.path),
                    _md(x.title),
                    str(x.requirements),
                    str(x.implemented),
                    f"{_round1(x.coverage):.1f}%" if x.countable else "n/a",
                ]
                for x in specs
            ],
        )
    else:
        out.append("No spec files.")

    out += ["", "## Requirements", ""]
    titles = {x.path: x.title for x in result.spec_files}
    groups: dict[str, list[RequirementResult]] = {}
    for rr in _sorted_requirements(result.requirements):
        groups.setdefault(rr.requirement.spec_path, []).append(rr)
    if not groups:
        out.append("No requirements.")
    for spec_path, rows in groups.items():
        heading = f"### {_md(spec_path)}"
        if titles.get(spec_path):
            heading += f" — {_md(titles[spec_path])}"
        out += [heading, ""]
        out += _md_table(
            ["ID", "Title", "Section", "Location", "Status", "Implemented by", "Routes"],
            "lllllll",
            [
                [
                    _md(rr.requirement.id),
                    _md(rr.requirement.title),
                    _md(" › ".join(rr.requirement.section_path)),
                    _md(rr.requirement.location),
                    _md_requirement_status(rr),
                    _md_evidence(rr),
                    "<br>".join(_md(r) for r in sorted(rr.routes)),
                ]
                for rr in rows
            ],
        )
        out.append("")
    if not groups:
        out.append("")

    out += ["## Routes", ""]
    routes = _sorted_route_results(result.routes)
    if routes:
        out += _md_table(
            ["Method", "Path", "Handler", "Documented", "Auth", "Requirements", "Flags"],
            "lllllll",
            [
                [
                    _md(",".join(rr.route.methods)),
                    _md(rr.route.path),
                    _md(f"{rr.route.location} {_handler_name(rr.route)}"),
                    "yes" if rr.documented else "**no**",
                    _md(_route_auth(rr.route)),
                    "<br>".join(_md(k) for k in sorted(rr.requirements)),
                    _md("; ".join(_route_flags(rr.route))),
                ]
                for rr in routes
            ],
        )
    else:
        out.append("No routes.")

    out += ["", "## Findings", ""]
    findings = _sorted_findings(result.findings)
    if findings:
        out += _md_table(
            ["Severity", "Code", "Rule", "Location", "Message"],
            "lllll",
            [
                [
                    _md(f.rule.severity.value),
                    _md(f.rule.code),
                    _md(f.rule.name),
                    _md(f.location),
                    _md(f.message),
                ]
                for f in findings
            ],
        )
    else:
        out.append("No findings.")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("traceaudit.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str]:
    """The inline stylesheet and script, read from the templates package data."""
    env = _environment()
    assert env.loader is not None
    css = env.loader.get_source(env, "report.css")[0]
    js = env.loader.get_source(env, "report.js")[0]
    return css, js


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _anchor_ids(keys: Iterable[str], prefix: str) -> dict[str, str]:
    """Readable, unique, URL-safe element ids for requirement keys."""
    ids: dict[str, str] = {}
    used: set[str] = set()
    for key in keys:
        if key in ids:
            continue
        base = prefix + (re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-") or "x")
        candidate, n = base, 1
        while candidate in used:
            candidate = f"{base}-{n}"
            n += 1
        used.add(candidate)
        ids[key] = candidate
    return ids


def _html_evidence(ev: Evidence) -> JsonObj:
    return {
        "location": str(ev.location),
        "symbol": _symbol_name(ev.symbol, ev.location.path),
        "via": ev.via,
        "kind": ev.kind,
    }


def _html_context(result: AuditResult) -> JsonObj:
    summary = _summary_obj(result)
    reqs = _sorted_requirements(result.requirements)
    routes = _sorted_route_results(result.routes)
    req_ids = _anchor_ids((rr.requirement.key for rr in reqs), "req-")

    route_ids: dict[str, str] = {}
    route_rows = []
    for i, rt in enumerate(routes, start=1):
        anchor = f"route-{i}"
        for method in rt.route.methods:
            route_ids.setdefault(f"{method} {rt.route.path}", anchor)
        route_ids.setdefault(_route_label(rt.route.methods, rt.route.path), anchor)
        route_rows.append(
            {
                "anchor": anchor,
                "methods": " ".join(rt.route.methods),
                "path": rt.route.path,
                "location": str(rt.route.location),
                "handler": _handler_name(rt.route),
                "app": rt.route.app,
                "documented": rt.documented,
                "documented_by": sorted(rt.documented_by),
                "auth": rt.route.auth,
                "auth_text": _route_auth(rt.route),
                "requirements": [(k, req_ids.get(k)) for k in sorted(rt.requirements)],
                "flags": _route_flags(rt.route),
            }
        )

    spec_by_path = {s.path: s for s in result.spec_files}
    groups: dict[str, dict[tuple[str, ...], list[JsonObj]]] = {}
    for rr in reqs:
        req = rr.requirement
        sections = groups.setdefault(req.spec_path, {})
        kinds = sorted({e.kind for e in rr.implemented_by})
        sections.setdefault(req.section_path, []).append(
            {
                "anchor": req_ids[req.key],
                "key": req.key,
                "id": req.id,
                "title": req.title,
                "kind": req.kind.value,
                "location": str(req.location),
                "status": rr.status.value,
                "claimed_done": req.claimed_done,
                "implemented_by": [_html_evidence(e) for e in _sorted_evidence(rr.implemented_by)],
                "verified_by": [_html_evidence(e) for e in _sorted_evidence(rr.verified_by)],
                "routes": [(r, route_ids.get(r)) for r in sorted(rr.routes)],
                "evidence": kinds + (["test"] if rr.verified_by and "test" not in kinds else []),
            }
        )
    spec_groups = []
    for path, sections in groups.items():
        spec = spec_by_path.get(path)
        title = spec.title if spec is not None else ""
        section_list = []
        for section_path, rows in sections.items():
            shown = section_path
            if len(shown) > 1 and title and shown[0] == title:
                shown = shown[1:]
            section_list.append({"label": " › ".join(shown) or "(no section)", "rows": rows})
        statuses = Counter(row["status"] for sec in sections.values() for row in sec)
        spec_groups.append(
            {
                "path": path,
                "title": title,
                "coverage": _round1(spec.coverage) if spec is not None else None,
                "count": sum(statuses.values()),
                "implemented": statuses.get(ReqStatus.IMPLEMENTED.value, 0),
                "sections": section_list,
            }
        )

    status_counts = summary["statuses"]
    severity_rank = {sev.value: i for i, sev in enumerate(_SEVERITIES)}
    findings = sorted(
        _sorted_findings(result.findings),
        key=lambda f: severity_rank[f.rule.severity.value],
    )
    css, js = _assets()
    return {
        "tool": TOOL_NAME,
        "version": result.version,
        "project": _project_label(result.root),
        "summary": summary,
        "spec_files": [
            {
                "path": s.path,
                "title": s.title,
                "requirements": s.requirements,
                "implemented": s.implemented,
                "countable": s.countable,
                "coverage": _round1(s.coverage) if s.countable else None,
            }
            for s in sorted(result.spec_files, key=lambda s: s.path)
        ],
        "status_filters": [
            (s.value, status_counts[s.value]) for s in ReqStatus if status_counts[s.value]
        ],
        "spec_groups": spec_groups,
        "routes": route_rows,
        "findings": [
            {
                "severity": f.rule.severity.value,
                "code": f.rule.code,
                "rule": f.rule.name,
                "location": str(f.location) if f.location.path else "",
                "message": f.message,
                "subject": f.subject,
                "subject_anchor": req_ids.get(f.subject) or route_ids.get(f.subject),
            }
            for f in findings
        ],
        "css": css,
        "js": js,
        "csp": (
            "default-src 'none'; base-uri 'none'; form-action 'none'; "
            f"style-src {_csp_hash(css)}; script-src {_csp_hash(js)}"
        ),
    }


def html_report(result: AuditResult) -> str:
    """One self-contained HTML page: counts, matrix, endpoints, findings, filters."""
    template = _environment().get_template("report.html.j2")
    return template.render(**_html_context(result))


REPORTERS: dict[str, Callable[[AuditResult], str]] = {
    "text": text_report,
    "json": json_report,
    "html": html_report,
    "markdown": markdown_report,
    "sarif": sarif_report,
}
