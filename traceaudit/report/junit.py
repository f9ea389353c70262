"""JUnit XML for CI test dashboards: every requirement and every route is a test case.

One ``<testsuite>`` per spec file (its requirements), one for the routes, and one
for the findings that concern neither (dangling references, parse errors). A test
case fails with each active error or warning that concerns it, the finding's code
as the failure type and its text as the body; notes and dismissed findings go to
``<system-out>``. Requirements that are not counted (out of scope, not backend,
informational, unclear) are ``<skipped>`` with their status.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from traceaudit.model import AuditResult, Finding, ReqStatus, Severity
from traceaudit.report.common import (
    DEFAULT_OPTIONS,
    ReportOptions,
    dismissal_text,
    findings_by_requirement,
    findings_by_route,
    one_line,
    route_label,
    sorted_findings,
    sorted_requirements,
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _CONTROL.sub("", text)


def _line(f: Finding) -> str:
    where = f.location.full if f.location.line > 0 else f.location.path
    text = f"{where}: {f.rule.code} [{f.rule.severity.value}] {one_line(f.message)} ({f.rule.name})"
    decided = dismissal_text(f)
    return _clean(f"{text} [{decided}]" if decided else text)


def _fails(f: Finding) -> bool:
    return f.active and f.rule.severity in (Severity.ERROR, Severity.WARNING)


def _case(
    suite: ET.Element, name: str, classname: str, file: str, line: int, findings: Sequence[Finding]
) -> ET.Element:
    case = ET.SubElement(
        suite, "testcase", name=_clean(name), classname=_clean(classname), file=file,
        line=str(line), time="0",
    )  # fmt: skip
    for f in findings:
        if _fails(f):
            failure = ET.SubElement(
                case, "failure", type=f.rule.code, message=_clean(one_line(f.message))
            )
            failure.text = _line(f)
    others = [f for f in findings if not _fails(f)]
    if others:
        ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in others)
    return case


def _count(suite: ET.Element) -> tuple[int, int, int]:
    cases = suite.findall("testcase")
    failures = sum(1 for c in cases if c.find("failure") is not None)
    skipped = sum(1 for c in cases if c.find("skipped") is not None and c.find("failure") is None)
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    return len(cases), failures, skipped


def _classname(path: str) -> str:
    return re.sub(r"\.(md|ya?ml|json|py)$", "", path).replace("/", ".")


def junit_report(result: AuditResult, options: ReportOptions = DEFAULT_OPTIONS) -> str:
    """The audit as JUnit XML (deterministic: sorted, no times)."""
    root = ET.Element("testsuites", name="traceaudit")
    by_req = findings_by_requirement(result)
    by_route = findings_by_route(result)
    attached: set[Finding] = set()
    suites: dict[str, ET.Element] = {}
    for rr in sorted_requirements(result.requirements):
        req = rr.requirement
        suite = suites.get(req.spec_path)
        if suite is None:
            suite = ET.SubElement(root, "testsuite", name=f"requirements: {req.spec_path}")
            suites[req.spec_path] = suite
        mine = by_req.get(req.key, [])
        attached.update(mine)
        title = f"{req.id} {one_line(req.title)}" if req.title and req.title != req.id else req.id
        case = _case(suite, title, _classname(req.spec_path), req.spec_path,
                     req.location.line, mine)  # fmt: skip
        if rr.status not in (ReqStatus.IMPLEMENTED, ReqStatus.UNIMPLEMENTED) and not any(
            _fails(f) for f in mine
        ):
            ET.SubElement(case, "skipped", message=rr.status.value)
    if result.routes:
        suite = ET.SubElement(root, "testsuite", name="routes")
        order = sorted(range(len(result.routes)), key=lambda i: (
            result.routes[i].route.path, result.routes[i].route.methods,
            result.routes[i].route.location))  # fmt: skip
        for i in order:
            route = result.routes[i].route
            mine = by_route.get(i, [])
            attached.update(mine)
            _case(suite, route_label(route.methods, route.path), _classname(route.location.path),
                  route.location.path, route.location.line, mine)  # fmt: skip
    rest = [f for f in sorted_findings(result.findings) if f not in attached]
    if rest:
        suite = ET.SubElement(root, "testsuite", name="other findings")
        for f in rest:
            _case(suite, f"{f.rule.code} {f.subject}", _classname(f.location.path or "project"),
                  f.location.path, max(0, f.location.line), [f])  # fmt: skip
    totals = [0, 0, 0]
    for suite in root.findall("testsuite"):
        for i, n in enumerate(_count(suite)):
            totals[i] += n
    root.set("tests", str(totals[0]))
    root.set("failures", str(totals[1]))
    root.set("errors", "0")
    root.set("skipped", str(totals[2]))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
