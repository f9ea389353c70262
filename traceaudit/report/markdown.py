"""Markdown for a pull-request comment or ``$GITHUB_STEP_SUMMARY``, and for compliance files.

What is wrong comes first: the totals, then (with ``--base`` or ``--baseline``)
what the change did (new and fixed findings, coverage per spec, routes and
requirements added or removed), then the top findings with links, then the
details, each folded in a ``<details>`` block: coverage per spec file, the
requirement matrix, the routes and every finding.

The document never exceeds ``options.markdown_limit`` characters (GitHub refuses
comments over 65,536): the folded sections are cut, row by row, and say how many
rows were left out. Table cells are escaped so that code stays code: paths, ids
and routes are code spans (with ``|`` escaped, as GitHub tables need), prose is
escaped and keeps the code spans it holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from traceaudit.model import AuditResult, Finding, RequirementResult, Severity
from traceaudit.report.common import (
    DEFAULT_OPTIONS,
    SEVERITIES,
    TOOL_NAME,
    ReportOptions,
    comparison_line,
    coverage_text,
    dismissal_text,
    evidence_text,
    findings_by_requirement,
    handler_name,
    one_line,
    plural,
    project_label,
    round1,
    route_auth,
    route_flags,
    rule_help_uri,
    shown_findings,
    sorted_evidence,
    sorted_findings,
    sorted_requirements,
    sorted_route_results,
    source_link,
    status_label,
    summary_obj,
    worst,
)

TOP_FINDINGS = 20
_PROSE_SPECIAL = re.compile(r"([\\*_\[\]~|#`])")


def _code(text: object) -> str:
    """A code span for a table cell: long enough fences, ``|`` escaped."""
    value = one_line(str(text))
    if not value:
        return ""
    runs = [len(m) for m in re.findall(r"`+", value)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    body = value.replace("|", "\\|")
    return f"{fence}{pad}{body}{pad}{fence}"


def _prose(text: str) -> str:
    escaped = _PROSE_SPECIAL.sub(r"\\\1", text)
    return escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_BACKTICKS = re.compile(r"`+")


def _spans(value: str) -> Iterator[tuple[int, int, str]]:
    """The code spans of a message: (start, end, code). A run of backticks opens one when
    the next run of the same length closes it (CommonMark) around code that neither starts
    nor ends with a space: the spans the report writes around a value never do, so a stray
    backtick from the audited tree (a requirement title's) stays text instead of pairing
    with the next span and turning the prose between them into code."""
    runs = list(_BACKTICKS.finditer(value))
    following: list[int | None] = [None] * len(runs)  # the next run of the same length
    seen: dict[int, int] = {}
    for k in range(len(runs) - 1, -1, -1):
        size = len(runs[k][0])
        following[k] = seen.get(size)
        seen[size] = k
    i = 0
    while i < len(runs):
        j = following[i]
        if j is not None:
            code = value[runs[i].end() : runs[j].start()]
            if code and not code[0].isspace() and not code[-1].isspace():
                yield runs[i].start(), runs[j].end(), code
                i = j + 1
                continue
        i += 1  # no span opens here: this run is text


def _cell(text: object) -> str:
    """Prose for a table cell: one line, markup and HTML escaped, its code spans kept as
    robust code spans (:func:`_code`), every other backtick escaped."""
    value = one_line(str(text))
    out: list[str] = []
    at = 0
    for start, end, code in _spans(value):
        out.append(_prose(value[at:start]))
        out.append(_code(code))
        at = end
    out.append(_prose(value[at:]))
    return "".join(out)


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _header(header: Sequence[str], align: str) -> list[str]:
    seps = ["---:" if a == "r" else "---" for a in align]
    return [_row(header), _row(seps)]


class _Budget:
    """The document under construction, which never grows over its limit.

    ``limit`` is what the body may use; ``shown`` is the limit the reader is told
    about (the body keeps room for the footer). Once a table had to be cut, the
    document is ``full``: later tables are only counted.
    """

    def __init__(self, limit: int, shown: int) -> None:
        self.limit = limit
        self.shown = shown
        self.lines: list[str] = []
        self.size = 0
        self.cut = 0  # rows left out
        self.full = False

    def fits(self, text: str, reserve: int = 0) -> bool:
        return self.size + len(text) + 1 + reserve <= self.limit

    def add(self, *lines: str) -> bool:
        text = "\n".join(lines)
        if not self.fits(text):
            self.full = True
            return False
        self.lines.extend(lines)
        self.size += len(text) + 1
        return True

    def notice(self, count: int, noun: str) -> None:
        self.cut += count
        self.add(
            "",
            f"*… {plural(count, noun)} not shown: the comment limit ({self.shown:,} "
            "characters) is reached; the HTML and JSON reports have everything.*",
        )

    def table(self, head: list[str], rows: Iterable[str], reserve: int, noun: str) -> None:
        """A table, row by row while it fits (keeping ``reserve`` for what must follow)."""
        rows = list(rows)
        if self.full or not self.fits("\n".join(head), reserve + 200):
            self.full = True
            self.notice(len(rows), noun)
            return
        self.add(*head)
        for i, row in enumerate(rows):
            if not self.fits(row, reserve + 200):
                self.full = True
                self.notice(len(rows) - i, noun)
                return
            self.add(row)


def _location(f: Finding, options: ReportOptions, commit: str | None) -> str:
    if not f.location.path:
        return ""
    where = f.location.full if f.location.line > 0 else f.location.path
    link = source_link(f.location, options, commit) if options.source_url else None
    return f"[{_code(where)}]({link})" if link else _code(where)


def _finding_rows(
    findings: Sequence[Finding], options: ReportOptions, commit: str | None
) -> list[str]:
    rows = []
    for f in findings:
        message = _cell(f.message)
        decided = dismissal_text(f)
        if decided:
            message += f" *({_cell(decided)})*"
        rows.append(
            _row(
                [
                    f.rule.severity.value,
                    f"[{f.rule.code}]({rule_help_uri(f.rule)}) {_cell(f.rule.name)}",
                    _location(f, options, commit),
                    message,
                ]
            )
        )
    return rows


_FINDING_HEAD = _header(["Severity", "Rule", "Location", "Message"], "llll")


def _by_severity(findings: Iterable[Finding]) -> list[Finding]:
    rank = {sev: i for i, sev in enumerate(SEVERITIES)}
    ordered = sorted_findings(findings)
    return sorted(ordered, key=lambda f: (not f.active, rank[f.rule.severity]))


def _totals(result: AuditResult, doc: _Budget) -> None:
    s = summary_obj(result)
    sev = s["findings"]
    doc.add(
        f"**Coverage {coverage_text(result)}** of {plural(s['countable'], 'countable requirement')}"
        f" · {plural(s['routes'], 'route')} ({s['undocumented_routes']} undocumented)"
        f" · {plural(sev['error'], 'error')} · {plural(sev['warning'], 'warning')}"
        f" · {plural(sev['note'], 'note')}",
        "",
    )
    not_counted = s["requirements"] - s["countable"]
    statuses = ", ".join(
        f"{n} {status}"
        for status, n in s["statuses"].items()
        if n and status not in ("implemented", "unimplemented")
    )
    dismissed = ", ".join(f"{n} {kind}" for kind, n in s["dismissed"].items() if n)
    notes = [
        f"{plural(s['requirements'], 'requirement')} in {plural(s['spec_files'], 'spec file')}"
        + (f"; {not_counted} not counted ({statuses})" if not_counted else "")
        + ". Coverage is implemented / countable requirements."
    ]
    if dismissed:
        notes.append(f"Findings not counted: {dismissed}.")
    doc.add(*notes, "")


def _changes(result: AuditResult, doc: _Budget, options: ReportOptions, commit: str | None) -> None:
    c = result.comparison
    if c is None:
        return
    what = "Against the baseline" if c.kind == "baseline" else "Changes against the base"
    doc.add(f"### {what} {_code(c.reference)}", "", f"{_cell(comparison_line(result) or '')}", "")
    if c.spec_deltas:
        doc.table(
            _header(["Spec file", "Before", "After"], "lrr"),
            (
                _row(
                    [
                        _code(d.path),
                        _ratio(d.base_implemented, d.base_countable),
                        _ratio(d.implemented, d.countable),
                    ]
                )
                for d in c.spec_deltas
            ),
            800,
            "spec file",
        )
        doc.add("")
    for label, items in (
        ("Routes added", c.routes_added),
        ("Routes removed", c.routes_removed),
        ("Requirements added", c.requirements_added),
        ("Requirements removed", c.requirements_removed),
        ("Requirements reworded", c.requirements_reworded),
    ):
        if items:
            shown = ", ".join(_code(i) for i in items[:30])
            more = f" and {len(items) - 30} more" if len(items) > 30 else ""
            doc.add(f"- **{label}** ({len(items)}): {shown}{more}")
    doc.add("")
    doc.add(f"#### New findings ({len(c.new)})", "")
    if c.new:
        doc.table(_FINDING_HEAD, _finding_rows(_by_severity(c.new), options, commit), 600, "row")
    else:
        doc.add("None.")
    doc.add("")
    if c.fixed:
        doc.add(f"#### Fixed findings ({len(c.fixed)})", "")
        doc.table(_FINDING_HEAD, _finding_rows(_by_severity(c.fixed), options, commit), 600, "row")
        doc.add("")


def _ratio(implemented: int, countable: int) -> str:
    if not countable:
        return "n/a"
    return f"{implemented}/{countable} ({round1(100.0 * implemented / countable):.1f}%)"


def _details(doc: _Budget, summary: str, count: int) -> bool:
    """Open a fold when there is room for it, a cut notice and its closing tag;
    else count its ``count`` rows as left out."""
    opening = f"<details>\n<summary>{summary}</summary>\n"
    if not doc.fits(opening, 450):
        doc.cut += count
        return False
    return doc.add("<details>", f"<summary>{summary}</summary>", "")


def _close(doc: _Budget) -> None:
    doc.lines += ["", "</details>", ""]  # room for it was kept when the fold was opened
    doc.size += 14


_CLOSE = 20  # the characters that closing a <details> block needs


def _status_cell(rr: RequirementResult, findings: Sequence[Finding]) -> str:
    status = status_label(rr.status)
    if rr.requirement.claimed_done:
        status += " (claimed done)"
    level = worst(findings)
    if level is Severity.ERROR:
        return f"**{status}** ⛔"
    if level is Severity.WARNING:
        return f"{status} ⚠️"
    return status


def _matrix(result: AuditResult, doc: _Budget) -> None:
    by_req = findings_by_requirement(result)
    groups: dict[str, list[RequirementResult]] = {}
    for rr in sorted_requirements(result.requirements):
        groups.setdefault(rr.requirement.spec_path, []).append(rr)
    summary = f"Requirement matrix ({plural(len(result.requirements), 'requirement')})"
    if not _details(doc, summary, len(result.requirements)):
        return
    if not groups:
        doc.add("No requirements.")
    titles = {s.path: s.title for s in result.spec_files}
    pending = list(groups.items())
    while pending and not doc.full:
        spec_path, rows = pending.pop(0)
        title = f" — {_cell(titles[spec_path])}" if titles.get(spec_path) else ""
        if not doc.fits(f"**{_code(spec_path)}**{title}", _CLOSE + 400):
            pending.insert(0, (spec_path, rows))
            break
        doc.add(f"**{_code(spec_path)}**{title}", "")
        doc.table(
            _header(
                ["ID", "Title", "Line", "Status", "Findings", "Implemented by", "Routes"], "llrllll"
            ),
            (
                _row(
                    [
                        _code(rr.requirement.id),
                        _cell(rr.requirement.title),
                        str(rr.requirement.location.line),
                        _status_cell(rr, by_req.get(rr.requirement.key, [])),
                        " ".join(sorted({f.rule.code for f in by_req.get(rr.requirement.key, [])})),
                        "<br>".join(
                            [_cell(evidence_text(e)) for e in sorted_evidence(rr.implemented_by)]
                            + [
                                "verified: " + _cell(evidence_text(e))
                                for e in sorted_evidence(rr.verified_by)
                            ]
                        ),
                        "<br>".join(_code(r) for r in sorted(rr.routes)),
                    ]
                )
                for rr in rows
            ),
            _CLOSE,
            "requirement",
        )
        doc.add("")
    if pending:
        left = sum(len(rows) for _, rows in pending)
        doc.cut += left
        doc.lines += [
            "",
            f"*… {plural(left, 'more requirement')} in {plural(len(pending), 'more spec file')} "
            f"not shown: the comment limit ({doc.shown:,} characters) is reached.*",
        ]  # room for it was kept when the last spec file was refused
        doc.size += 160
    _close(doc)


def _coverage(result: AuditResult, doc: _Budget) -> None:
    specs = sorted(result.spec_files, key=lambda x: x.path)
    if not _details(doc, f"Coverage by spec file ({plural(len(specs), 'spec file')})", len(specs)):
        return
    if specs:
        doc.table(
            _header(["Spec file", "Title", "Requirements", "Coverage"], "llrr"),
            (
                _row(
                    [
                        _code(x.path),
                        _cell(x.title),
                        str(x.requirements),
                        _ratio(x.implemented, x.countable),
                    ]
                )
                for x in specs
            ),
            _CLOSE,
            "spec file",
        )
    else:
        doc.add("No spec files.")
    _close(doc)


def _routes(result: AuditResult, doc: _Budget) -> None:
    routes = sorted_route_results(result.routes)
    if not _details(doc, f"Routes ({plural(len(routes), 'route')})", len(routes)):
        return
    if routes:
        doc.table(
            _header(
                ["Method", "Path", "Handler", "Documented", "Auth", "Requirements", "Flags"],
                "lllllll",
            ),
            (
                _row(
                    [
                        _code(",".join(rr.route.methods)),
                        _code(rr.route.path),
                        _code(f"{rr.route.location} {handler_name(rr.route)}"),
                        "yes" if rr.documented else "**no**",
                        _cell(route_auth(rr.route)),
                        "<br>".join(_code(k) for k in sorted(rr.requirements)),
                        _cell("; ".join(route_flags(rr.route))),
                    ]
                )
                for rr in routes
            ),
            _CLOSE,
            "route",
        )
    else:
        doc.add("No routes.")
    _close(doc)


def markdown_report(result: AuditResult, options: ReportOptions = DEFAULT_OPTIONS) -> str:
    """The PR summary: totals, changes, top findings, then the folded details."""
    commit = result.provenance.commit if result.provenance is not None else None
    doc = _Budget(options.markdown_limit - 400, options.markdown_limit)
    project = project_label(result.root)
    name = f" {_code(project)}" if project and project != "." else ""
    doc.add(f"## {TOOL_NAME}{name}", "")
    _totals(result, doc)
    _changes(result, doc, options, commit)

    shown = _by_severity(shown_findings(result, options))
    compared = result.comparison is not None and not options.show_all
    if not compared:
        top = shown[:TOP_FINDINGS]
        more = f" of {len(shown)}" if len(shown) > len(top) else ""
        doc.add(f"### Top findings ({len(top)}{more})", "")
        if top:
            doc.table(_FINDING_HEAD, _finding_rows(top, options, commit), 2000, "finding")
        else:
            doc.add("No findings.")
        doc.add("")

    _coverage(result, doc)
    _matrix(result, doc)
    _routes(result, doc)
    everything = _by_severity(result.findings)
    listed = 0 if compared else min(len(shown), TOP_FINDINGS)
    if len(everything) > listed and _details(
        doc, f"All findings ({len(everything)})", len(everything)
    ):
        if everything:
            doc.table(_FINDING_HEAD, _finding_rows(everything, options, commit), _CLOSE, "finding")
        else:
            doc.add("No findings.")
        _close(doc)
    version = f"{TOOL_NAME} {result.version}"
    footer = f"<sub>{_cell(version)}"
    if commit:
        footer += f" · commit {_code(commit[:12])}"
    if doc.cut:
        footer += f" · {plural(doc.cut, 'row')} left out to stay under {doc.shown:,} characters"
    doc.lines.append(footer + "</sub>")
    text = "\n".join(doc.lines).rstrip("\n") + "\n"
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text
