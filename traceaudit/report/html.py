"""One self-contained HTML page (jinja2): inline CSS and JS, a
Content-Security-Policy that forbids every network request, the matrix, the
endpoint table and the findings, filterable by status and text search, and
readable without JavaScript. Everything is escaped by the template engine.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

import jinja2

from traceaudit.model import AuditResult, Evidence, ReqStatus
from traceaudit.report.common import (
    DEFAULT_OPTIONS,
    SEVERITIES,
    TOOL_NAME,
    JsonObj,
    ReportOptions,
    handler_name,
    project_label,
    round1,
    route_auth,
    route_flags,
    route_label,
    sorted_evidence,
    sorted_findings,
    sorted_requirements,
    sorted_route_results,
    summary_obj,
    symbol_name,
)


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
        "symbol": symbol_name(ev.symbol, ev.location.path),
        "via": ev.via,
        "kind": ev.kind,
    }


def _html_context(result: AuditResult) -> JsonObj:
    summary = summary_obj(result)
    reqs = sorted_requirements(result.requirements)
    routes = sorted_route_results(result.routes)
    req_ids = _anchor_ids((rr.requirement.key for rr in reqs), "req-")

    route_ids: dict[str, str] = {}
    route_rows = []
    for i, rt in enumerate(routes, start=1):
        anchor = f"route-{i}"
        for method in rt.route.methods:
            route_ids.setdefault(f"{method} {rt.route.path}", anchor)
        route_ids.setdefault(route_label(rt.route.methods, rt.route.path), anchor)
        route_rows.append(
            {
                "anchor": anchor,
                "methods": " ".join(rt.route.methods),
                "path": rt.route.path,
                "location": str(rt.route.location),
                "handler": handler_name(rt.route),
                "app": rt.route.app,
                "documented": rt.documented,
                "documented_by": sorted(rt.documented_by),
                "auth": rt.route.auth,
                "auth_text": route_auth(rt.route),
                "requirements": [(k, req_ids.get(k)) for k in sorted(rt.requirements)],
                "flags": route_flags(rt.route),
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
                "implemented_by": [_html_evidence(e) for e in sorted_evidence(rr.implemented_by)],
                "verified_by": [_html_evidence(e) for e in sorted_evidence(rr.verified_by)],
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
                "coverage": round1(spec.coverage) if spec is not None else None,
                "count": sum(statuses.values()),
                "implemented": statuses.get(ReqStatus.IMPLEMENTED.value, 0),
                "sections": section_list,
            }
        )

    status_counts = summary["statuses"]
    severity_rank = {sev.value: i for i, sev in enumerate(SEVERITIES)}
    findings = sorted(
        sorted_findings(result.findings),
        key=lambda f: severity_rank[f.rule.severity.value],
    )
    css, js = _assets()
    return {
        "tool": TOOL_NAME,
        "version": result.version,
        "project": project_label(result.root),
        "summary": summary,
        "spec_files": [
            {
                "path": s.path,
                "title": s.title,
                "requirements": s.requirements,
                "implemented": s.implemented,
                "countable": s.countable,
                "coverage": round1(s.coverage) if s.countable else None,
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


def html_report(result: AuditResult, options: ReportOptions = DEFAULT_OPTIONS) -> str:
    """One self-contained HTML page: counts, matrix, endpoints, findings, filters."""
    template = _environment().get_template("report.html.j2")
    return template.render(**_html_context(result))
