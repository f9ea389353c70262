"""One self-contained HTML page (jinja2), laid out the way a reviewer reads an audit.

What is wrong comes first: the verdict (coverage with its numerator and denominator,
findings by severity, routes), the findings by rule and severity (each count filters
the tables below), the top findings, then the requirement matrix, the endpoints and
every finding, and the provenance an auditor needs (tool version, git commit and
dirty flag, config hash, spec file hashes; the time only when the result has one).

Each matrix row shows its own findings, and its status says so (an implemented
requirement whose endpoint misses auth is not plain green). Locations link to the
source: ``--source-url`` filled in, else the file relative to the report. Filters (spec
file, status, rule, severity, text), sortable columns, rows that expand to their
evidence chain and pagination run client-side; the details of each row travel as one
JSON block, and a row's source links get their href from the script when the row is
shown (``_Links``), so that a page of 10,000 requirements stays small and opens fast. With
JavaScript off every row is shown, its locations as text. Inline CSS and JS only, pinned by a
Content-Security-Policy that forbids every network request; everything is escaped
by the template engine (the JSON block is escaped for a ``<script>`` element).
"""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import markupsafe

if TYPE_CHECKING:
    import jinja2

from traceaudit.model import (
    COUNTABLE,
    AuditResult,
    Evidence,
    Finding,
    Location,
    ReqStatus,
    Severity,
)
from traceaudit.report.common import (
    DEFAULT_OPTIONS,
    SEVERITIES,
    TOOL_NAME,
    JsonObj,
    ReportOptions,
    dismissal_text,
    findings_by_requirement,
    findings_by_route,
    handler_name,
    one_line,
    plural,
    project_label,
    round1,
    route_auth,
    route_flags,
    route_label,
    sorted_evidence,
    sorted_findings,
    sorted_requirements,
    sorted_route_results,
    source_link,
    status_label,
    summary_obj,
    symbol_name,
    worst,
)

_e = markupsafe.escape
PAGE_SIZE = 100  # rows a table shows at first (and per "show more")
TOP_FINDINGS = 10
_SEV_RANK = {sev.value: i for i, sev in enumerate(SEVERITIES)}


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2  # here, not at the top: a run that writes no HTML never loads it

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("traceaudit.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["thousands"] = lambda n: f"{n:,}"
    env.filters["code"] = _code_spans
    return env


_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def _code_spans(text: str) -> markupsafe.Markup:
    """Escaped text whose `code spans` (as messages write them) become <code>."""
    escaped = str(markupsafe.escape(text))
    return markupsafe.Markup(_CODE_SPAN.sub(r"<code>\1</code>", escaped))


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str, str]:
    """The stylesheet, the early script (in <head>) and the main script."""
    env = _environment()
    assert env.loader is not None
    css = env.loader.get_source(env, "report.css")[0]
    js = env.loader.get_source(env, "report.js")[0]
    early = env.loader.get_source(env, "early.js")[0].strip()
    return css, early, js


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def requirement_anchor(key: str, ident: str) -> str:
    """A requirement row's element id: ``req-`` + its id, readable in a URL (``FR-001``),
    + 6 hex digits of the blake2b of its key, which tells apart the same id in two spec
    files. It depends on the requirement alone, so a link to a row survives other
    requirements being added (a rare clash of both is numbered by ``_anchor_ids``)."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", ident).strip("-")[:40].rstrip("-") or "x"
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=3).hexdigest()
    return f"req-{slug}-{digest}"


def _anchor_ids(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Unique element ids for requirement keys (``(key, id)`` pairs, in row order)."""
    ids: dict[str, str] = {}
    used: set[str] = set()
    for key, ident in items:
        if key in ids:
            continue
        base = requirement_anchor(key, ident)
        candidate, n = base, 1
        while candidate in used:
            candidate = f"{base}-{n}"
            n += 1
        used.add(candidate)
        ids[key] = candidate
    return ids


def _json_for_script(data: object) -> str:
    """JSON that cannot end its ``<script type="application/json">`` element early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# A source link in a table row is written as ``<a>TEXT</a>`` when the script can give it
# its href from what the page shows: the location ``PATH:LINE[:COLUMN]`` (its own text,
# or for a requirement's id the ``<code>`` of its row's spec location) put into the page's
# link rule (``<body data-link=TEMPLATE data-head=PREFIX>``). The script links the rows it
# shows, so 28,000 rows do not each carry an href of 60 bytes; without JavaScript the
# locations read the same, as text. Every link the rule would not give byte for byte is
# written in full. The same pattern is in report.js (``[0-9]``, not ``\d``, and no line
# terminator in the text: the two regex dialects agree on those), and neither the text
# nor the rule holds what an HTML parser would not hand back as written (a carriage
# return, a NUL, a lone surrogate).
_AT = re.compile(r"(.+?):([0-9]+)(?::[0-9]+)?")
_UNSAFE = re.compile("[\x00\r\ud800-\udfff]")
_LINE_BREAKS = re.compile("[\n\u2028\u2029]")


class _Links:
    def __init__(self, options: ReportOptions, commit: str | None) -> None:
        self.options = options
        self.commit = commit
        if options.source_url:
            self.template = options.source_url.replace("{commit}", commit or "HEAD")
            prefix = posixpath.normpath(options.path_prefix) if options.path_prefix else ""
            prefix = "" if prefix == "." else prefix
        else:
            self.template = "{path}"
            prefix = options.link_base
        self.head = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        self.compact = not _UNSAFE.search(self.template + self.head)

    def href(self, loc: Location) -> str | None:
        return source_link(loc, self.options, self.commit)

    def scripted(self, at: str) -> str | None:
        """The href the script gives a link whose location reads ``at``."""
        if not at or not self.compact or _UNSAFE.search(at) or _LINE_BREAKS.search(at):
            return None
        match = _AT.fullmatch(at)
        path, line = (match[1], match[2]) if match else (at, "1")
        return self.template.replace("{path}", self.head + path).replace("{line}", line)

    def anchor(self, text: str, loc: Location, at: str | None = None) -> str:
        """A location's link in a table row: compact when the script rebuilds its href."""
        href = self.href(loc)
        if not href:
            return f"<code>{_e(text)}</code>"
        if self.scripted(text if at is None else at) == href:
            return f"<a>{_e(text)}</a>"
        return f'<a href="{_e(href)}">{_e(text)}</a>'


def _loc_text(loc: Location) -> str:
    return loc.full if loc.line > 0 else loc.path


def _state(status: str, level: Severity | None) -> tuple[str, str]:
    """(css class, label) of a row: the status, coloured by its worst active finding."""
    if status == ReqStatus.IMPLEMENTED.value:
        if level is Severity.ERROR:
            return "err", "implemented, with errors"
        if level is Severity.WARNING:
            return "warn", "implemented, with warnings"
        return "ok", "implemented"
    if status == ReqStatus.UNIMPLEMENTED.value:
        return "bad", "untraced"
    if level is Severity.ERROR:
        return "err", status
    if level is Severity.WARNING:
        return "warn", status
    return "na", status


def _chips(findings: Sequence[Finding], new: set[Finding]) -> list[JsonObj]:
    seen: dict[tuple[str, bool], JsonObj] = {}
    for f in findings:
        key = (f.rule.code, f.active)
        chip = seen.get(key)
        if chip is None:
            seen[key] = {
                "code": f.rule.code,
                "sev": f.rule.severity.value,
                "active": f.active,
                # a dismissed chip's title says why; an active chip's title (the rule's
                # name) is set by the script on hover, from the rule filter's names, not
                # written into every chip of 10,000 rows
                "title": "" if f.active else f"{f.rule.name} ({dismissal_text(f)})",
                "n": 1,
                "new": f in new,
            }
        else:
            chip["n"] += 1
            chip["new"] = chip["new"] or f in new
    return sorted(seen.values(), key=lambda c: (not c["active"], _SEV_RANK[c["sev"]], c["code"]))


def _evidence(ev: Evidence, links: _Links) -> JsonObj:
    return {
        "loc": _loc_text(ev.location),
        "href": links.href(ev.location),
        "a": links.anchor(_loc_text(ev.location), ev.location),
        "symbol": symbol_name(ev.symbol, ev.location.path),
        "via": ev.via,
        "kind": ev.kind,
    }


def _chain(ev: Evidence) -> list[str]:
    """What leads from the code to the requirement, as the evidence says: its kind
    ("docstring"), then any endpoint and the items passed through ("T012")."""
    via = ev.via
    at = via.rfind("via ") if (via.startswith("via ") or " via " in via) else -1
    head, hops = (via[:at].strip(), via[at + 4 :].split(", ")) if at >= 0 else (via, [])
    return [head, *(h for h in hops if h)]


def _requirement_rows(
    result: AuditResult,
    links: _Links,
    new: set[Finding],
    route_ids: dict[str, str],
    req_ids: dict[str, str],
    spec_index: dict[str, int],
    finding_index: dict[int, int],
) -> tuple[list[JsonObj], list[JsonObj]]:
    by_req = findings_by_requirement(result)
    rows: list[JsonObj] = []
    details: list[JsonObj] = []
    for rr in sorted_requirements(result.requirements):
        req = rr.requirement
        mine = by_req.get(req.key, [])
        level = worst(mine)
        css, label = _state(rr.status.value, level)
        active = [f for f in mine if f.active]
        if active:
            label += f" · {plural(len(active), 'finding')}"
        impl = [_evidence(e, links) for e in sorted_evidence(rr.implemented_by)]
        tests = [_evidence(e, links) for e in sorted_evidence(rr.verified_by)]
        shown_path = req.section_path[1:] if len(req.section_path) > 1 else req.section_path
        if shown_path and (req.id in shown_path[-1] or (req.title and req.title in shown_path[-1])):
            shown_path = shown_path[:-1]  # the requirement's own heading says nothing more
        section = " › ".join(shown_path)
        rows.append(
            {
                "anchor": req_ids[req.key],
                "index": len(rows),
                "id": req.id,
                "key": req.key,
                "title": req.title if req.title != req.id else "",
                "section": section,
                "spec": req.spec_path,
                "spec_i": spec_index.get(req.spec_path, 0),
                "line": req.location.line,
                "href": links.href(req.location),
                "a": links.anchor(req.id, req.location, f"{req.spec_path}:{req.location.line}"),
                "status": rr.status.value,
                "claimed": req.claimed_done,
                "state": css,
                "label": label,
                "chips": _chips(mine, new),
                "rules": " ".join(sorted({f.rule.code for f in mine})),
                "sev": level.value if level is not None else "",
                "new": any(f in new for f in mine),
                "impl": impl[:3],
                "impl_more": max(0, len(impl) - 3),
                "tests": len(tests),
                "routes": [(r, route_ids.get(r)) for r in sorted(rr.routes)],
            }
        )
        entry: JsonObj = {}
        if mine:  # rows of "All findings" (their positions), which the script shows
            entry["f"] = [finding_index[id(f)] for f in mine]
        if impl:
            entry["e"] = [
                [e["loc"], e["href"] or "", e["symbol"], *_chain(ev)]
                for e, ev in zip(impl, sorted_evidence(rr.implemented_by), strict=True)
            ]
        if tests:
            entry["v"] = [[e["loc"], e["href"] or "", e["symbol"], e["via"]] for e in tests]
        text = one_line(req.text)[:400]
        if text.rstrip(".") != req.title.rstrip("."):
            entry["t"] = text
        details.append(entry)
    return rows, details


def _route_rows(
    result: AuditResult, links: _Links, new: set[Finding], req_ids: dict[str, str]
) -> tuple[list[JsonObj], dict[str, str]]:
    by_route = findings_by_route(result)
    ordered = sorted_route_results(result.routes)
    position = {id(rr): n for n, rr in enumerate(ordered)}
    order = sorted(range(len(result.routes)), key=lambda i: position[id(result.routes[i])])
    route_ids: dict[str, str] = {}
    rows: list[JsonObj] = []
    for n, i in enumerate(order, start=1):
        rt = result.routes[i]
        anchor = f"route-{n}"
        for method in rt.route.methods:
            route_ids.setdefault(f"{method} {rt.route.path}", anchor)
        route_ids.setdefault(route_label(rt.route.methods, rt.route.path), anchor)
        mine = by_route.get(i, [])
        level = worst(mine)
        rows.append(
            {
                "anchor": anchor,
                "methods": " ".join(rt.route.methods),
                "path": rt.route.path,
                "location": _loc_text(rt.route.location),
                "href": links.href(rt.route.location),
                "a": links.anchor(_loc_text(rt.route.location), rt.route.location),
                "handler": handler_name(rt.route),
                "app": rt.route.app,
                "documented": rt.documented,
                "documented_by": sorted(rt.documented_by),
                "auth": rt.route.auth,
                "auth_text": route_auth(rt.route),
                "requirements": [(k, req_ids.get(k)) for k in sorted(rt.requirements)],
                "flags": route_flags(rt.route),
                "chips": _chips(mine, new),
                "rules": " ".join(sorted({f.rule.code for f in mine})),
                "sev": level.value if level is not None else "",
                "new": any(f in new for f in mine),
            }
        )
    return rows, route_ids


def _subject_text(f: Finding) -> str:
    """What a finding is about, without the spec file its location already names
    (``specs/a.md:12`` then ``FR-001``, not ``specs/a.md::FR-001`` again)."""
    own = f"{f.location.path}::" if f.location.path else ""
    if own and f.subject.startswith(own) and len(f.subject) > len(own):
        return f.subject[len(own) :]
    return f.subject


def _finding_rows(
    result: AuditResult,
    links: _Links,
    new: set[Finding],
    req_ids: dict[str, str],
    route_ids: dict[str, str],
) -> list[JsonObj]:
    ordered = sorted(
        sorted_findings(result.findings),
        key=lambda f: (not f.active, _SEV_RANK[f.rule.severity.value]),
    )
    return [
        {
            "index": i,
            "sev": f.rule.severity.value,
            "code": f.rule.code,
            "rule": f.rule.name,
            "location": _loc_text(f.location) if f.location.path else "",
            "href": links.href(f.location) if f.location.path else None,
            "a": links.anchor(_loc_text(f.location), f.location) if f.location.path else "",
            "message": f.message,
            "subject": _subject_text(f),
            "subject_anchor": req_ids.get(f.subject) or route_ids.get(f.subject),
            "active": f.active,
            "decision": dismissal_text(f),
            "state": f.dismissal.kind.value if f.dismissal is not None else "active",
            "new": f in new,
            "finding": f,
        }
        for i, f in enumerate(ordered)
    ]


def _rule_summary(result: AuditResult) -> list[JsonObj]:
    active: Counter[str] = Counter()
    dismissed: Counter[str] = Counter()
    rules = {}
    for f in result.findings:
        rules[f.rule.code] = f.rule
        (active if f.active else dismissed)[f.rule.code] += 1
    out = [
        {
            "code": code,
            "name": rule.name,
            "sev": rule.severity.value,
            "summary": rule.summary,
            "active": active[code],
            "dismissed": dismissed[code],
        }
        for code, rule in rules.items()
    ]
    return sorted(out, key=lambda r: (_SEV_RANK[r["sev"]], -r["active"], r["code"]))


def _not_counted(result: AuditResult) -> list[tuple[str, int]]:
    counts = Counter(r.status.value for r in result.requirements if r.status not in COUNTABLE)
    return sorted(counts.items())


# --------------------------------------------------------------------------
# Rows, rendered here rather than in the template: 10,000 of them must stay fast
# and small. Everything goes through ``_e`` (markupsafe.escape).
# --------------------------------------------------------------------------


def _row(html: str) -> str:
    """A table row without its ``</td>`` end tags, which HTML lets a cell omit before the
    next cell or the row's end (the parser closes it there): the same table, and 5 bytes
    less per cell of a matrix that has tens of thousands. Cell contents never hold a
    ``</td>`` of their own (every text is escaped)."""
    return html.replace("</td><td", "<td").replace("</td></tr>", "</tr>")


def _attr(name: str, value: object) -> str:
    return f' {name}="{_e(value)}"' if value not in ("", None, 0, False) else ""


def _chips_html(chips: Sequence[JsonObj]) -> str:
    out = []
    for c in chips:
        cls = f"chip sev-{c['sev']}" + ("" if c["active"] else " dim")
        n = f" ×{c['n']}" if c["n"] > 1 else ""
        new = '<b class="new">new</b>' if c["new"] else ""
        title = _attr("title", c["title"])
        out.append(f'<span class="{cls}"{title}>{_e(c["code"])}{n}{new}</span>')
    return "".join(out)


def _req_row_html(r: JsonObj) -> str:
    attrs = (
        f'<tr class="req" id="{_e(r["anchor"])}" data-st="{_e(r["status"])}"'
        f' data-sp="{r["spec_i"]}" data-c="{r["state"]}"'
        + _attr("data-r", r["rules"])
        + _attr("data-sv", r["sev"])
        + _attr("data-ne", 1 if r["new"] else 0)
        + _attr("data-ev", len(r["impl"]) + r["impl_more"])
        + _attr("data-rt", len(r["routes"]))
        + ">"
    )
    ident = f"<td>{r['a']}</td>"  # the expand button comes from the script
    section = f" · {_e(r['section'])}" if r["section"] else ""
    where = f'<div class="sub"><code>{_e(r["spec"])}:{r["line"]}</code>{section}</div>'
    title = f"<td>{_e(r['title'])}{where}</td>"
    claim = ' <span class="claim">claimed done</span>' if r["claimed"] else ""
    # the badge's colour comes from the row's data-c (the stylesheet), not a class of its own
    status = f'<td><span class="st">{_e(r["label"])}</span>{claim}</td>'
    evidence = "".join(
        f'<div class="ev">{e["a"]} <code>{_e(e["symbol"])}</code>'
        f" <small>{_e(e['via'])}</small></div>"
        for e in r["impl"]
    )
    if r["impl_more"]:
        evidence += f'<div class="muted">+{r["impl_more"]} more</div>'
    if r["tests"]:
        evidence += f'<div class="tested">verified by {plural(r["tests"], "test")}</div>'
    routes = "".join(
        f'<div><a href="#{_e(anchor)}">{_e(label)}</a></div>'
        if anchor
        else f"<div>{_e(label)}</div>"
        for label, anchor in r["routes"]
    )
    return _row(
        f"{attrs}{ident}{title}{status}<td>{_chips_html(r['chips'])}</td><td>{evidence}</td>"
        f"<td>{routes}</td></tr>"
    )


def _route_row_html(r: JsonObj) -> str:
    attrs = (
        f'<tr class="rt {"doc" if r["documented"] else "undoc"}" id="{_e(r["anchor"])}"'
        f' data-doc="{1 if r["documented"] else 0}"'
        + _attr("data-r", r["rules"])
        + _attr("data-sv", r["sev"])
        + _attr("data-ne", 1 if r["new"] else 0)
        + ">"
    )
    flags = "".join(f' <span class="flag">{_e(flag)}</span>' for flag in r["flags"])
    doc = (
        '<span class="st st-ok">yes</span>'
        if r["documented"]
        else '<span class="st st-warn">no</span>'
    )
    doc += "".join(f'<div class="sub">{_e(d)}</div>' for d in r["documented_by"])
    reqs = "".join(
        f'<div><a href="#{_e(anchor)}">{_e(key)}</a></div>' if anchor else f"<div>{_e(key)}</div>"
        for key, anchor in r["requirements"]
    )
    return _row(
        f'{attrs}<td class="mono">{_e(r["methods"])}</td>'
        f'<td class="mono">{_e(r["path"])}{flags}</td>'
        f"<td>{r['a']} {_e(r['handler'])}"
        f'<div class="sub">{_e(r["app"])}</div></td>'
        f"<td>{doc}</td><td>{_e(r['auth_text'])}</td><td>{_chips_html(r['chips'])}</td>"
        f"<td>{reqs}</td></tr>"
    )


def _finding_row_html(f: JsonObj) -> str:
    # its severity is data-sv (which colours the badge); its index in the details block is
    # its position in the table as written (the script takes the rows before any sorting)
    cls = "fd" + ("" if f["active"] else " dismissed")
    new = ' <b class="new">new</b>' if f["new"] else ""
    where = f["a"]
    subject = (
        f' <a href="#{_e(f["subject_anchor"])}">{_e(f["subject"])}</a>'
        if f["subject_anchor"]
        else ""
    )
    decision = f'<div class="decision">{_e(f["decision"])}</div>' if not f["active"] else ""
    return _row(
        f'<tr class="{cls}" data-r="{_e(f["code"])}" data-sv="{f["sev"]}"'
        + _attr("data-ne", 1 if f["new"] else 0)
        + f'><td><span class="sev">{f["sev"]}</span>{new}</td>'
        f"<td><code>{_e(f['code'])}</code> {_e(f['rule'])}</td><td>{where}</td>"
        f"<td>{_code_spans(f['message'])}{subject}{decision}</td></tr>"
    )


def _html_context(result: AuditResult, options: ReportOptions) -> JsonObj:
    summary = summary_obj(result)
    provenance = result.provenance
    links = _Links(options, provenance.commit if provenance is not None else None)
    comparison = result.comparison
    new = set(comparison.new) if comparison is not None else set()
    reqs = sorted_requirements(result.requirements)
    req_ids = _anchor_ids((rr.requirement.key, rr.requirement.id) for rr in reqs)
    specs = sorted(result.spec_files, key=lambda s: s.path)
    spec_index = {s.path: i for i, s in enumerate(specs)}
    for rr in reqs:  # requirements of a spec file that has no summary still get a filter
        spec_index.setdefault(rr.requirement.spec_path, len(spec_index))
    route_rows, route_ids = _route_rows(result, links, new, req_ids)
    finding_rows = _finding_rows(result, links, new, req_ids, route_ids)
    finding_index = {id(f["finding"]): f["index"] for f in finding_rows}
    req_rows, details = _requirement_rows(
        result, links, new, route_ids, req_ids, spec_index, finding_index
    )
    top = [f for f in finding_rows if f["active"]][:TOP_FINDINGS]
    statuses = Counter(r["status"] for r in req_rows)
    implemented, countable = result.coverage_counts
    css, early, js = _assets()
    spec_titles = {s.path: s.title for s in specs}
    return {
        "tool": TOOL_NAME,
        "version": result.version,
        "project": project_label(result.root),
        "summary": summary,
        "implemented": implemented,
        "countable": countable,
        "coverage": round1(result.coverage) if countable else None,
        "not_counted": _not_counted(result),
        "active_total": sum(summary["findings"].values()),
        "dismissed": [(k, n) for k, n in summary["dismissed"].items() if n],
        "rule_summary": _rule_summary(result),
        "top": top,
        "spec_files": [
            {
                "path": path,
                "i": i,
                "title": spec_titles.get(path, ""),
                "summary": next((s for s in specs if s.path == path), None),
            }
            for path, i in sorted(spec_index.items(), key=lambda item: item[1])
        ],
        "status_filters": [
            (s.value, statuses[s.value], status_label(s)) for s in ReqStatus if statuses[s.value]
        ],
        "requirements": len(req_rows),
        "requirement_rows": markupsafe.Markup("\n".join(_req_row_html(r) for r in req_rows)),
        "routes": len(route_rows),
        "route_rows": markupsafe.Markup("\n".join(_route_row_html(r) for r in route_rows)),
        "findings": len(finding_rows),
        "finding_rows": markupsafe.Markup("\n".join(_finding_row_html(f) for f in finding_rows)),
        "comparison": comparison,
        "provenance": provenance,
        "page_size": PAGE_SIZE,
        "plural": plural,
        "details_json": _json_for_script(details),
        "link_template": links.template,
        "link_head": links.head,
        "css": css,
        "early": early,
        "js": js,
        "csp": (
            "default-src 'none'; base-uri 'none'; form-action 'none'; "
            f"style-src {_csp_hash(css)}; script-src {_csp_hash(early)} {_csp_hash(js)}"
        ),
    }


def html_report(result: AuditResult, options: ReportOptions = DEFAULT_OPTIONS) -> str:
    """One self-contained page: verdict, findings by rule, top findings, matrix, endpoints,
    every finding and the provenance, with filters, sorting and expandable rows."""
    template = _environment().get_template("report.html.j2")
    return template.render(**_html_context(result, options))
