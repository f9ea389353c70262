"""Plain text: one line per finding, then a summary line, for terminals and CI logs::

    app/main.py:14: TA002 [warning] GET /x is not documented (undocumented-endpoint)
    specs/a.md:12: TA001 [error] FR-002 has no implementation (unimplemented-requirement)
    3 requirements: 1 implemented, 1 unimplemented (50.0% coverage); 2 routes, ...

Also the tables of the ``routes`` and ``requirements`` commands.
"""

from __future__ import annotations

from collections.abc import Sequence

from traceaudit.model import AuditResult, Route, SpecDoc
from traceaudit.report.common import (
    handler_name,
    loc_key,
    one_line,
    plural,
    route_auth,
    route_flags,
    route_key,
    sorted_endpoints,
    sorted_findings,
    summary_obj,
)


def _summary_line(result: AuditResult) -> str:
    s = summary_obj(result)
    sev = s["findings"]
    return (
        f"{plural(s['requirements'], 'requirement')}: {s['implemented']} implemented, "
        f"{s['unimplemented']} unimplemented ({s['coverage']:.1f}% coverage); "
        f"{plural(s['routes'], 'route')}, {s['undocumented_routes']} undocumented; "
        f"{plural(sev['error'], 'error')}, {plural(sev['warning'], 'warning')}, "
        f"{plural(sev['note'], 'note')}"
    )


def text_report(result: AuditResult) -> str:
    """``path:line: CODE [severity] message (rule)`` per finding, then a summary line."""
    lines = [
        f"{f.location.path or '.'}:{f.location.line}: {f.rule.code} [{f.rule.severity.value}] "
        f"{one_line(f.message)} ({f.rule.name})"
        for f in sorted_findings(result.findings)
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


def routes_text(routes: Sequence[Route]) -> str:
    """A table of routes: method, full path, handler file:line, auth, flags."""
    ordered = sorted(routes, key=route_key)
    rows = [
        [
            ",".join(r.methods),
            r.path,
            f"{r.location} {handler_name(r)}",
            route_auth(r),
            "; ".join(route_flags(r)),
        ]
        for r in ordered
    ]
    lines = _table(["METHOD", "PATH", "HANDLER", "AUTH", "FLAGS"], rows) if rows else []
    with_auth = sum(1 for r in ordered if r.auth)
    lines.append(f"{plural(len(ordered), 'route')}, {with_auth} with auth")
    return "\n".join(lines) + "\n"


def requirements_text(docs: Sequence[SpecDoc]) -> str:
    """Per spec file: its requirements, then its declared endpoints."""
    lines: list[str] = []
    total_reqs = total_eps = 0
    for doc in sorted(docs, key=lambda d: d.path):
        reqs = sorted(doc.requirements, key=lambda r: (*loc_key(r.location), r.key))
        eps = sorted_endpoints(doc.endpoints)
        total_reqs += len(reqs)
        total_eps += len(eps)
        title = f" — {one_line(doc.title)}" if doc.title else ""
        lines.append(
            f"{doc.path}{title} ({plural(len(reqs), 'requirement')}, "
            f"{plural(len(eps), 'endpoint')})"
        )
        if doc.error:
            lines.append(f"  error: {one_line(doc.error)}")
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
                    one_line(req.title) + (f"  ({one_line(section)})" if section else ""),
                ]
            )
        if req_rows:
            lines.extend(_table(["  ID", "LINE", "KIND", "TITLE (SECTION)"], req_rows))
        ep_rows = []
        for ep in eps:
            auth = f"auth: {one_line(ep.auth)}" if ep.auth else ""
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
        f"{plural(len(docs), 'spec file')}, {plural(total_reqs, 'requirement')}, "
        f"{plural(total_eps, 'declared endpoint')}"
    )
    return "\n".join(lines) + "\n"
