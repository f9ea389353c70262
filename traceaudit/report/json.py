"""The machine contract (``schema_version`` 1), and the ``routes``/``requirements`` listings::

    {"schema_version": 1, "tool": {"name": "traceaudit", "version": "0.1.0"},
     "summary": {...}, "spec_files": [...], "requirements": [...],
     "declared_endpoints": [...], "routes": [...], "findings": [...], "rules": [...],
     "comparison": {...} | null, "provenance": {...} | null}

``schemas/report.schema.json`` describes it; the tests validate every report against it.
JSON always holds everything: suppressed, waived and baselined findings are marked
(``state``, ``dismissal``), never left out.
"""

from __future__ import annotations

from collections.abc import Sequence

from traceaudit.model import (
    AppInfo,
    AuditResult,
    DeclaredEndpoint,
    Evidence,
    Finding,
    Location,
    Requirement,
    RequirementResult,
    Route,
    RouteResult,
    Rule,
    SpecDoc,
    SpecLink,
    SpecSummary,
)
from traceaudit.report.common import (
    DEFAULT_OPTIONS,
    SCHEMA_VERSION,
    TOOL_NAME,
    JsonObj,
    ReportOptions,
    dumps,
    findings_by_requirement,
    findings_by_route,
    loc_key,
    reported_rules,
    round1,
    route_key,
    rule_help_uri,
    section_label,
    sorted_endpoints,
    sorted_evidence,
    sorted_findings,
    sorted_requirements,
    sorted_route_results,
    summary_obj,
)


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
        "auth_scheme": ep.auth_scheme,
        "owner": ep.owner,
    }


def _route_obj(
    route: Route, rr: RouteResult | None = None, findings: list[Finding] | None = None
) -> JsonObj:
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
            "auth_condition": route.auth_condition,
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
    if findings is not None:
        obj["findings"] = sorted({f.rule.code for f in findings})
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


def _requirement_obj(rr: RequirementResult, findings: list[Finding] | None = None) -> JsonObj:
    req = rr.requirement
    obj: JsonObj = {
        "key": req.key,
        "id": req.id,
        "title": req.title,
        "spec_file": req.spec_path,
        "line": req.location.line,
        "kind": req.kind.value,
        "section": section_label(req),
        "status": rr.status.value,
        "claimed_done": req.claimed_done,
        "implemented_by": [_evidence_obj(e) for e in sorted_evidence(rr.implemented_by)],
        "verified_by": [_evidence_obj(e) for e in sorted_evidence(rr.verified_by)],
        "routes": sorted(rr.routes),
        "owner": rr.owner,
        "note": rr.note,
    }
    obj.update(_requirement_extras(req))
    if findings is not None:
        obj["findings"] = sorted({f.rule.code for f in findings})
    return obj


def _dismissal_obj(f: Finding) -> JsonObj | None:
    d = f.dismissal
    if d is None:
        return None
    return {
        "kind": d.kind.value,
        "reason": d.reason,
        "owner": d.owner,
        "expires": d.expires,
        "file": d.location.path if d.location is not None else None,
        "line": d.location.line if d.location is not None else None,
    }


def _finding_obj(f: Finding, new: set[Finding] | None = None) -> JsonObj:
    return {
        "code": f.rule.code,
        "rule": f.rule.name,
        "severity": f.rule.severity.value,
        "message": f.message,
        "file": f.location.path,
        "line": f.location.line if f.location.line > 0 else None,
        "column": f.location.column or None,
        "subject": f.subject,
        "fingerprint": f.fingerprint,
        "state": f.dismissal.kind.value if f.dismissal is not None else "active",
        "dismissal": _dismissal_obj(f),
        "new": None if new is None else f in new,
    }


def _comparison_obj(result: AuditResult) -> JsonObj | None:
    c = result.comparison
    if c is None:
        return None
    return {
        "kind": c.kind,
        "reference": c.reference,
        "new": len(c.new),
        "fixed": [_finding_obj(f) for f in sorted_findings(c.fixed)],
        "unchanged": c.unchanged,
        "spec_files": [
            {
                "path": d.path,
                "base_implemented": d.base_implemented,
                "base_countable": d.base_countable,
                "implemented": d.implemented,
                "countable": d.countable,
            }
            for d in c.spec_deltas
        ],
        "routes_added": list(c.routes_added),
        "routes_removed": list(c.routes_removed),
        "requirements_added": list(c.requirements_added),
        "requirements_removed": list(c.requirements_removed),
        "requirements_reworded": list(c.requirements_reworded),
    }


def _provenance_obj(result: AuditResult) -> JsonObj | None:
    p = result.provenance
    if p is None:
        return None
    return {
        "tool_version": p.tool_version,
        "commit": p.commit,
        "dirty": p.dirty,
        "config_hash": p.config_hash,
        "spec_files": [{"path": path, "sha256": digest} for path, digest in p.spec_hashes],
        "timestamp": p.timestamp,
    }


def _rule_obj(rule: Rule) -> JsonObj:
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.value,
        "summary": rule.summary,
        "description": rule.description,
        "fix": rule.fix,
        "tags": list(rule.tags),
        "security_severity": rule.security_severity,
    }


def rules_json(rules: Sequence[Rule]) -> str:
    """``traceaudit rules --format json``: the registry, with docs and default severities."""
    return dumps(
        {
            "schema_version": SCHEMA_VERSION,
            "rules": [
                {**_rule_obj(r), "help_uri": rule_help_uri(r)}
                for r in sorted(rules, key=lambda r: r.code)
            ],
        }
    )


def _spec_file_obj(s: SpecSummary) -> JsonObj:
    return {
        "path": s.path,
        "title": s.title,
        "requirements": s.requirements,
        "implemented": s.implemented,
        "coverage": round1(s.coverage) if s.countable else None,  # nothing to count: n/a
        "countable": s.countable,
        "role": s.role,
    }


def json_report(result: AuditResult, options: ReportOptions = DEFAULT_OPTIONS) -> str:
    """The audit as JSON (schema_version 1), sorted, with a trailing newline."""
    by_req = findings_by_requirement(result)
    by_route = findings_by_route(result)
    route_index = {id(rr): i for i, rr in enumerate(result.routes)}
    new = set(result.comparison.new) if result.comparison is not None else None
    data: JsonObj = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": result.version},
        "summary": summary_obj(result),
        "spec_roots": [{"path": p, "reason": why} for p, why in result.spec_roots],
        "spec_files": [_spec_file_obj(s) for s in sorted(result.spec_files, key=lambda s: s.path)],
        "requirements": [
            _requirement_obj(r, by_req.get(r.requirement.key, []))
            for r in sorted_requirements(result.requirements)
        ],
        "declared_endpoints": [
            _endpoint_obj(e) for e in sorted_endpoints(result.declared_endpoints)
        ],
        "routes": [
            _route_obj(r.route, r, by_route.get(route_index[id(r)], []))
            for r in sorted_route_results(result.routes)
        ],
        "findings": [_finding_obj(f, new) for f in sorted_findings(result.findings)],
        "rules": [_rule_obj(r) for r in reported_rules(result)],
        "comparison": _comparison_obj(result),
        "provenance": _provenance_obj(result),
    }
    return dumps(data)


def routes_json(
    routes: Sequence[Route],
    inactive: Sequence[Route] = (),
    apps: Sequence[AppInfo] = (),
    explain: tuple[Sequence[str], Sequence[tuple[Location, str]]] | None = None,
) -> str:
    """``{"schema_version": 1, "routes": [...], "inactive_routes": [...], "apps": [...]}``
    with the audit's route objects (the inactive ones are not live with default
    settings) and every app the code builds, served or not, with the chains that serve
    it. ``explain`` (entry points, lost trails) adds ``entry_points`` and ``lost``."""
    data: JsonObj = {
        "schema_version": SCHEMA_VERSION,
        "routes": [_route_obj(r) for r in sorted(routes, key=route_key)],
        "inactive_routes": [_route_obj(r) for r in sorted(inactive, key=route_key)],
        "apps": [_app_obj(a) for a in apps],
    }
    if explain is not None:
        entries, lost = explain
        data["entry_points"] = [
            {"entry": e, "serves": sorted(a.name for a in apps if _starts(a, e))} for e in entries
        ]
        data["lost"] = [
            {"file": loc.path, "line": loc.line, "message": msg} for loc, msg in lost
        ]
    return dumps(data)


def _starts(app: AppInfo, entry: str) -> bool:
    return any(chain and chain[0] == entry for chain in app.served_by)


def _app_obj(app: AppInfo) -> JsonObj:
    return {
        "name": app.name,
        "file": app.location.path,
        "line": app.location.line,
        "served": app.served,
        "routes": app.routes,
        "why": app.why,
        "served_by": [list(chain) for chain in app.served_by],
        "made_by": list(app.made_by),
        "base_paths": list(app.base_paths),
    }


def _spec_requirement_obj(req: Requirement) -> JsonObj:
    obj: JsonObj = {
        "key": req.key,
        "id": req.id,
        "title": req.title,
        "spec_file": req.spec_path,
        "line": req.location.line,
        "kind": req.kind.value,
        "section": section_label(req),
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
        key=lambda r: (r.spec_path, *loc_key(r.location), r.key),
    )
    links = sorted(
        (link for doc in ordered for link in doc.links),
        key=lambda k: (*loc_key(k.location), k.source_key, k.relation, k.target.value),
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
            _endpoint_obj(e) for e in sorted_endpoints(e for d in ordered for e in d.endpoints)
        ],
        "links": [_link_obj(k) for k in links],
    }
    return dumps(data)
