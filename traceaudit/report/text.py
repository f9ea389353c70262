"""Plain text: one line per finding, then a summary line, for terminals and CI logs::

    app/main.py:14: TA002 [warning] GET /x is not documented (undocumented-endpoint)
    app/refs.py:3:12: TA003 [error] FR-099 names nothing (dangling-reference)
    3 requirements: coverage 1/2 (50.0%), 1 untraced; 2 routes, ...

``file:line:col`` where the column is known. A suppressed or waived finding ends
with its decision in brackets; with a comparison (``--baseline``, ``--base``) only
the new findings are listed, then the fixed ones, unless ``--all``. ANSI colours
only when asked (the CLI asks on a terminal, unless ``NO_COLOR`` is set).
Also the tables of the ``routes`` and ``requirements`` commands.
"""

from __future__ import annotations

from collections.abc import Sequence

from traceaudit.model import AppInfo, AuditResult, Finding, Location, Route, Rule, SpecDoc
from traceaudit.report.common import (
    DEFAULT_OPTIONS,
    ReportOptions,
    comparison_line,
    coverage_text,
    dismissal_text,
    handler_name,
    loc_key,
    one_line,
    plural,
    route_auth,
    route_flags,
    route_key,
    shown_findings,
    sorted_endpoints,
    sorted_findings,
    summary_obj,
)

_COLORS = {"error": "31", "warning": "33", "note": "36"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color and text else text


def summary_line(result: AuditResult) -> str:
    """The headline in one line: coverage with its numerator and denominator, routes,
    active findings by severity, and how many are suppressed, waived or baselined."""
    s = summary_obj(result)
    sev = s["findings"]
    line = (
        f"{plural(s['requirements'], 'requirement')}: coverage {coverage_text(result)}, "
        f"{s['unimplemented']} untraced; "
        f"{plural(s['routes'], 'route')}, {s['undocumented_routes']} undocumented; "
        f"{plural(sev['error'], 'error')}, {plural(sev['warning'], 'warning')}, "
        f"{plural(sev['note'], 'note')}"
    )
    dismissed = [f"{n} {kind}" for kind, n in s["dismissed"].items() if n]
    if dismissed:
        line += f" ({', '.join(dismissed)})"
    return line


def finding_line(f: Finding, color: bool = False) -> str:
    where = f.location.full if f.location.path else "."
    sev = f.rule.severity.value
    text = (
        f"{_paint(where, '1', color)}: {_paint(f.rule.code, '1', color)} "
        f"[{_paint(sev, _COLORS[sev], color)}] {one_line(f.message)} ({f.rule.name})"
    )
    decided = dismissal_text(f)
    return f"{text} [{_paint(decided, '2', color)}]" if decided else text


def text_report(result: AuditResult, options: ReportOptions = DEFAULT_OPTIONS) -> str:
    """``path:line[:col]: CODE [severity] message (rule)`` per finding, then a summary."""
    lines = [finding_line(f, options.color) for f in shown_findings(result, options)]
    if options.quiet:
        return "".join(line + "\n" for line in lines)
    comparison = result.comparison
    if comparison is not None:
        for f in sorted_findings(comparison.fixed):
            where = f.location.full if f.location.line > 0 else f.location.path
            lines.append(
                f"fixed: {where or '.'}: {f.rule.code} {one_line(f.subject)} ({f.rule.name})"
            )
        compared = comparison_line(result)
        if compared:
            lines.append(compared)
    if any(not why.startswith("named ") for _, why in result.spec_roots):
        lines.append(spec_roots_line(result))  # roots found by their content: which and why
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


def spec_roots_line(result: AuditResult) -> str:
    """``spec roots: docs/stories (by content: 4 BMAD story files); specs (named ...)``."""
    return "spec roots: " + "; ".join(f"{p} ({why})" for p, why in result.spec_roots)


def statistics_text(result: AuditResult, options: ReportOptions = DEFAULT_OPTIONS) -> str:
    """``--statistics``: how many findings each rule gave, most first (active ones)."""
    counts: dict[str, tuple[Rule, int]] = {}
    for f in shown_findings(result, options):
        if f.active:
            rule, n = counts.get(f.rule.code, (f.rule, 0))
            counts[f.rule.code] = (rule, n + 1)
    ordered = sorted(counts.values(), key=lambda item: (-item[1], item[0].code))
    width = max((len(str(n)) for _, n in ordered), default=1)
    lines = [
        f"{n:>{width}}  {rule.code}  {rule.name:<28} {rule.severity.value}"
        for rule, n in ordered
    ]
    return "\n".join(lines) + "\n" if lines else "no findings\n"


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


def routes_text(
    routes: Sequence[Route], inactive: Sequence[Route] = (), apps: Sequence[AppInfo] = ()
) -> str:
    """A table of routes: method, full path, handler file:line, auth, flags; then the
    routes that are not live with default settings, with the test that rules them out;
    then the apps the code builds, which are served and which not."""

    def rows(items: Sequence[Route]) -> list[list[str]]:
        return [
            [
                ",".join(r.methods),
                r.path,
                f"{r.location} {handler_name(r)}",
                route_auth(r),
                "; ".join(route_flags(r)),
            ]
            for r in sorted(items, key=route_key)
        ]

    live = rows(routes)
    lines = _table(["METHOD", "PATH", "HANDLER", "AUTH", "FLAGS"], live) if live else []
    with_auth = sum(1 for r in routes if r.auth)
    lines.append(f"{plural(len(routes), 'route')}, {with_auth} with auth")
    if inactive:
        lines.append("")
        lines.append(
            f"{plural(len(inactive), 'route')} not live with default settings "
            "(a setting in [tool.traceaudit.values] turns them on):"
        )
        lines += _table(["METHOD", "PATH", "HANDLER", "AUTH", "FLAGS"], rows(inactive))
    if apps:
        lines.append(_apps_line(apps))
    return "\n".join(lines) + "\n"


MOUNTED = "another served app mounts or includes it"  # AppInfo.why (routes/resolve.py)


def _apps_line(apps: Sequence[AppInfo]) -> str:
    served = [a for a in apps if a.served]
    inside = [a for a in apps if not a.served and a.why == MOUNTED]
    others = [a for a in apps if not a.served and a.why != MOUNTED]
    text = f"{plural(len(apps), 'app')} built, {len(served)} served"
    if served:
        text += ": " + ", ".join(f"{a.name} ({plural(a.routes, 'route')})" for a in served)
    if inside:
        text += "; mounted or included in a served app: " + ", ".join(a.name for a in inside)
    if others:
        text += "; not served: " + ", ".join(a.name for a in others)
    return text


def explain_text(
    apps: Sequence[AppInfo], entries: Sequence[str], lost: Sequence[tuple[Location, str]]
) -> str:
    """``routes --explain``: each app with the chains from an entry point to the server
    that runs it (or why it is not served and where it is built), every entry point with
    what it serves, and the commands whose trail was lost."""
    lines = [f"APPS ({_apps_line(apps)})" if apps else "APPS (none built)"]
    for app in apps:
        state = "served" if app.served else "mounted" if app.why == MOUNTED else "not served"
        lines.append(
            f"  {state}: {app.name} (built at {app.location}; {plural(app.routes, 'route')})"
        )
        lines.append(f"    why: {app.why}")
        for chain in app.served_by:
            steps = [c for c in chain if c != "auxiliary"]
            aux = " (auxiliary: scripts, examples, docs)" if "auxiliary" in chain else ""
            lines.append(f"    served by: {' -> '.join(steps)}{aux}")
        if app.made_by:
            lines.append(f"    built by: {' -> '.join(app.made_by)}")
        if not app.served and not app.served_by and app.why != MOUNTED:
            lines.append(
                f'    to count it, set apps = ["{_app_entry(app)}"] in [tool.traceaudit]'
            )
    lines.append("")
    lines.append(f"ENTRY POINTS ({len(entries)})")
    for entry in entries:
        reached = sorted(a.name for a in apps if any(c and c[0] == entry for c in a.served_by))
        what = "serves " + ", ".join(reached) if reached else "reaches no app it serves"
        lines.append(f"  {entry}: {what}")
    if lost:
        lines.append("")
        lines.append(f"TRAILS LOST ({len(lost)})")
        for loc, message in lost:
            lines.append(f"  {loc}: {one_line(message)}")
    return "\n".join(lines) + "\n"


def _app_entry(app: AppInfo) -> str:
    path, _, attr = app.name.partition(":")
    return app.name if attr and "." not in attr else f"{path}:{attr or 'app'}"


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
