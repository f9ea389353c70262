"""Reporters: AuditResult -> text, JSON, SARIF, Markdown and HTML."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.report.samples import (
    AUTH,
    ORDERS,
    RULES,
    UNDOCUMENTED,
    big_result,
    requirement,
    route,
    sample_result,
    tiny_result,
)
from traceaudit.model import (
    AuditResult,
    DeclaredEndpoint,
    Finding,
    Location,
    RefKind,
    RefTarget,
    ReqKind,
    ReqStatus,
    RequirementResult,
    RouteResult,
    Section,
    SpecDoc,
    SpecLink,
    SpecSummary,
)
from traceaudit.report.reporters import (
    REPORTERS,
    html_report,
    json_report,
    markdown_report,
    requirements_json,
    requirements_text,
    routes_json,
    routes_text,
    sarif_report,
    text_report,
)

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


def shuffled(result: AuditResult) -> AuditResult:
    """The same result with every collection in reverse order."""
    return dataclasses.replace(
        result,
        spec_files=result.spec_files[::-1],
        requirements=tuple(
            dataclasses.replace(
                r,
                implemented_by=r.implemented_by[::-1],
                verified_by=r.verified_by[::-1],
                routes=r.routes[::-1],
            )
            for r in result.requirements[::-1]
        ),
        declared_endpoints=result.declared_endpoints[::-1],
        routes=tuple(
            dataclasses.replace(r, documented_by=r.documented_by[::-1]) for r in result.routes[::-1]
        ),
        findings=result.findings[::-1],
        rules=result.rules[::-1],
    )


def empty_result() -> AuditResult:
    return AuditResult(".", "0.1.0", (), (), (), (), ())


def test_registry_has_every_format() -> None:
    assert sorted(REPORTERS) == ["html", "json", "markdown", "sarif", "text"]
    assert REPORTERS["json"] is json_report


# --------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------


def test_json_tiny_exact() -> None:
    assert json.loads(json_report(tiny_result())) == {
        "schema_version": 1,
        "tool": {"name": "traceaudit", "version": "9.9.9"},
        "summary": {
            "requirements": 1,
            "implemented": 0,
            "unimplemented": 1,
            "routes": 1,
            "undocumented_routes": 1,
            "findings": {"error": 0, "warning": 1, "note": 0},
            "coverage": 0.0,
            "statuses": {
                "implemented": 0,
                "unimplemented": 1,
                "out-of-scope": 0,
                "not-backend": 0,
                "needs-clarification": 0,
                "informational": 0,
            },
            "spec_files": 1,
            "declared_endpoints": 1,
        },
        "spec_files": [
            {
                "path": "specs/a.md",
                "title": "Payments",
                "requirements": 1,
                "implemented": 0,
                "coverage": 0.0,
                "countable": 1,
            }
        ],
        "requirements": [
            {
                "key": "specs/a.md::FR-001",
                "id": "FR-001",
                "title": "Pay | refund",
                "spec_file": "specs/a.md",
                "line": 3,
                "kind": "requirement",
                "section": "Payments",
                "status": "unimplemented",
                "claimed_done": False,
                "implemented_by": [],
                "verified_by": [],
                "routes": [],
                "section_path": ["Payments"],
                "anchor": "payments",
                "scope": "in-scope",
                "needs_clarification": False,
                "parent": None,
                "text": "Pay | refund.",
            }
        ],
        "declared_endpoints": [
            {
                "method": "POST",
                "path": "/pay",
                "spec_file": "specs/a.md",
                "line": 5,
                "requirement": "specs/a.md::FR-001",
                "auth": "Public",
                "auth_required": False,
                "statuses": [],
                "source": "heading",
                "scope": "in-scope",
            }
        ],
        "routes": [
            {
                "methods": ["POST"],
                "path": "/pay",
                "file": "app/pay.py",
                "line": 7,
                "handler": "app/pay.py:pay_now",
                "app": "app/main.py:app",
                "documented": False,
                "documented_by": [],
                "requirements": [],
                "auth": False,
                "auth_dependencies": [],
                "scopes": [],
                "conditional": False,
                "condition": None,
                "unresolved": [],
                "include_in_schema": True,
                "status_code": None,
                "response_model": None,
                "tags": [],
                "summary": None,
                "deprecated": False,
                "dependencies": [],
                "router_chain": [],
                "registered_at": None,
            }
        ],
        "findings": [
            {
                "code": "TA002",
                "rule": "undocumented-endpoint",
                "severity": "warning",
                "message": "POST /pay is served but no spec documents it",
                "file": "app/pay.py",
                "line": 7,
                "column": 1,
                "subject": "POST /pay",
            }
        ],
        "rules": [
            {
                "code": "TA002",
                "name": "undocumented-endpoint",
                "severity": "warning",
                "summary": "An endpoint is not documented by a spec",
            }
        ],
    }


def test_json_key_order_and_format() -> None:
    out = json_report(tiny_result())
    assert out.endswith("}\n") and not out.endswith("\n\n")
    assert out.startswith('{\n  "schema_version": 1,\n  "tool": {\n')
    data = json.loads(out)
    assert list(data) == [
        "schema_version",
        "tool",
        "summary",
        "spec_files",
        "requirements",
        "declared_endpoints",
        "routes",
        "findings",
        "rules",
    ]
    assert list(data["requirements"][0])[:12] == [
        "key",
        "id",
        "title",
        "spec_file",
        "line",
        "kind",
        "section",
        "status",
        "claimed_done",
        "implemented_by",
        "verified_by",
        "routes",
    ]


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_every_format_is_byte_identical_and_order_independent(fmt: str) -> None:
    render = REPORTERS[fmt]
    first = render(sample_result())
    assert render(sample_result()) == first
    assert render(shuffled(sample_result())) == first


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_no_absolute_root_in_any_format(fmt: str) -> None:
    out = REPORTERS[fmt](tiny_result())  # root="/home/someone/project"
    assert "/home/someone" not in out


def test_json_sample_summary_and_order() -> None:
    data = json.loads(json_report(sample_result()))
    assert data["summary"]["findings"] == {"error": 2, "warning": 3, "note": 1}
    assert data["summary"]["coverage"] == 50.0  # 2 of 4 countable across both specs
    assert [s["coverage"] for s in data["spec_files"]] == [0.0, 66.7]
    assert [r["key"] for r in data["requirements"]] == [
        f"{AUTH}::REQ-AUTH-001",
        f"{AUTH}::T012",
        f"{ORDERS}::FR-001",
        f"{ORDERS}::FR-002",
        f"{ORDERS}#get-apiv1orders",
        f"{ORDERS}::FR-003",
    ]
    fr1 = data["requirements"][2]
    assert [(e["line"], e["via"]) for e in fr1["implemented_by"]] == [
        (12, "endpoint POST /api/v1/orders"),
        (14, "docstring"),
    ]
    assert fr1["verified_by"][0]["kind"] == "test"
    assert [(r["methods"], r["path"]) for r in data["routes"]] == [
        (["GET", "HEAD"], "/api/v1/health"),
        (["GET"], "/api/v1/orders"),
        (["POST"], "/api/v1/orders"),
        (["DELETE"], "/api/v1/orders/{order_id}"),
    ]
    health = data["routes"][0]
    assert (health["conditional"], health["condition"], health["include_in_schema"]) == (
        True,
        "settings.DEBUG",
        False,
    )
    assert [(f["file"], f["line"], f["code"]) for f in data["findings"]] == [
        ("app/api/orders.py", 15, "TA003"),
        ("app/api/orders.py", 50, "TA002"),
        ("app/broken.py", 3, "TA000"),
        ("app/main.py", 40, "TA002"),
        ("app/services/billing.py", 4, "TA004"),
        ("specs/orders/spec.md", 10, "TA001"),
    ]
    assert data["requirements"][0]["title"] == "<script>alert(1)</script> | login & <b>logout</b>"


def test_json_coverage_without_spec_summaries_uses_statuses() -> None:
    result = dataclasses.replace(sample_result(), spec_files=())
    assert json.loads(json_report(result))["summary"]["coverage"] == 66.7  # 2 of 3


def test_json_rules_include_rules_only_findings_know() -> None:
    result = dataclasses.replace(tiny_result(), rules=())
    data = json.loads(json_report(result))
    assert [r["code"] for r in data["rules"]] == ["TA002"]


# --------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------


def test_text_tiny_exact() -> None:
    assert text_report(tiny_result()) == (
        "app/pay.py:7: TA002 [warning] POST /pay is served but no spec documents it"
        " (undocumented-endpoint)\n"
        "1 requirement: 0 implemented, 1 unimplemented (0.0% coverage); 1 route, 1 undocumented;"
        " 0 errors, 1 warning, 0 notes\n"
    )


def test_text_sample_lines_sorted_and_single_line() -> None:
    multi = Finding(UNDOCUMENTED, "first line\n  second line", Location("a.py", 2), "x")
    result = dataclasses.replace(sample_result(), findings=(*sample_result().findings, multi))
    lines = text_report(result).splitlines()
    assert lines[0] == "a.py:2: TA002 [warning] first line second line (undocumented-endpoint)"
    assert lines[3] == (
        "app/broken.py:3: TA000 [error] cannot parse: invalid syntax at line 3 (parse-error)"
    )
    assert lines[-1] == (
        "6 requirements: 2 implemented, 1 unimplemented (50.0% coverage); 4 routes, 2 undocumented;"
        " 2 errors, 4 warnings, 1 note"
    )
    assert len(lines) == 8


def test_text_no_findings() -> None:
    assert text_report(empty_result()) == (
        "0 requirements: 0 implemented, 0 unimplemented (100.0% coverage); 0 routes,"
        " 0 undocumented; 0 errors, 0 warnings, 0 notes\n"
    )


# --------------------------------------------------------------------------
# SARIF
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator() -> Any:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@pytest.mark.parametrize("make", [sample_result, tiny_result, empty_result, big_result])
def test_sarif_validates_against_schema(make: Any, sarif_validator: Any) -> None:
    errors = sorted(sarif_validator.iter_errors(json.loads(sarif_report(make()))), key=str)
    assert errors == []


def test_sarif_rejects_what_the_schema_forbids(sarif_validator: Any) -> None:
    """The validator is real: a wrong level is an error."""
    data = json.loads(sarif_report(tiny_result()))
    data["runs"][0]["results"][0]["level"] = "fatal"
    assert list(sarif_validator.iter_errors(data))


def test_sarif_content() -> None:
    data = json.loads(sarif_report(sample_result()))
    assert data["version"] == "2.1.0"
    run = data["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("traceaudit", "0.1.0")
    assert [(r["id"], r["name"], r["defaultConfiguration"]["level"]) for r in driver["rules"]] == [
        ("TA000", "parse-error", "error"),
        ("TA001", "unimplemented-requirement", "error"),
        ("TA002", "undocumented-endpoint", "warning"),
        ("TA003", "dangling-reference", "warning"),
        ("TA004", "ambiguous-reference", "note"),
    ]
    last = run["results"][-1]
    assert last["ruleId"] == "TA001"
    assert driver["rules"][last["ruleIndex"]]["id"] == "TA001"
    assert last["level"] == "error"
    assert last["message"]["text"].startswith("FR-002 'Refund within 14 days' has no")
    physical = last["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "specs/orders/spec.md"
    assert physical["region"] == {"startLine": 10}
    assert [r["level"] for r in run["results"]] == [
        "warning",
        "warning",
        "error",
        "warning",
        "note",
        "error",
    ]


def test_sarif_uri_is_percent_encoded_and_relative() -> None:
    finding = Finding(UNDOCUMENTED, "m", Location("app/my api/x#y.py", 3, 5), "GET /x")
    data = json.loads(sarif_report(dataclasses.replace(tiny_result(), findings=(finding,))))
    physical = data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "app/my%20api/x%23y.py"
    assert physical["region"] == {"startLine": 3, "startColumn": 5}


def test_sarif_fingerprint_ignores_line_but_not_subject() -> None:
    def fingerprint(location: Location, subject: str) -> str:
        finding = Finding(UNDOCUMENTED, "m", location, subject)
        data = json.loads(sarif_report(dataclasses.replace(tiny_result(), findings=(finding,))))
        value: str = data["runs"][0]["results"][0]["partialFingerprints"]["traceaudit/v1"]
        return value

    base = fingerprint(Location("app/a.py", 3), "GET /x")
    assert base == fingerprint(Location("app/a.py", 90), "GET /x")
    assert base != fingerprint(Location("app/a.py", 3), "GET /y")
    assert base != fingerprint(Location("app/b.py", 3), "GET /x")
    assert re.fullmatch(r"[0-9a-f]{32}", base)


# --------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------

TINY_MARKDOWN = """\
# traceaudit report

Generated by traceaudit 9.9.9.

## Summary

| Item | Count |
| --- | ---: |
| Requirements | 1 |
| Implemented | 0 |
| Unimplemented | 1 |
| Coverage | 0.0% |
| Routes | 1 |
| Undocumented routes | 1 |
| Errors | 0 |
| Warnings | 1 |
| Notes | 0 |

## Coverage by spec file

| Spec file | Title | Requirements | Implemented | Coverage |
| --- | --- | ---: | ---: | ---: |
| specs/a.md | Payments | 1 | 0 | 0.0% |

## Requirements

### specs/a.md — Payments

| ID | Title | Section | Location | Status | Implemented by | Routes |
| --- | --- | --- | --- | --- | --- | --- |
| FR-001 | Pay \\| refund | Payments | specs/a.md:3 | unimplemented |  |  |

## Routes

| Method | Path | Handler | Documented | Auth | Requirements | Flags |
| --- | --- | --- | --- | --- | --- | --- |
| POST | /pay | app/pay.py:7 pay\\_now | **no** | no |  |  |

## Findings

| Severity | Code | Rule | Location | Message |
| --- | --- | --- | --- | --- |
| warning | TA002 | undocumented-endpoint | app/pay.py:7 | POST /pay is served but no spec documents it |
"""  # noqa: E501


def test_markdown_tiny_golden() -> None:
    assert markdown_report(tiny_result()) == TINY_MARKDOWN


def test_markdown_escapes_cells() -> None:
    out = markdown_report(sample_result())
    row = next(line for line in out.splitlines() if line.startswith("| REQ-AUTH-001 |"))
    assert row == (
        "| REQ-AUTH-001 | \\<script\\>alert(1)\\</script\\> \\| login \\& \\<b\\>logout\\</b\\>"
        " | Auth | specs/auth.md:5 | needs-clarification |  |  |"
    )
    # Every table row keeps its column count: no unescaped pipe leaked into a cell.
    for line in out.splitlines():
        if line.startswith("| REQ-AUTH-001"):
            assert len(re.findall(r"(?<!\\)\|", line)) == 8
    assert "<script>" not in out


def test_markdown_sample_sections() -> None:
    out = markdown_report(sample_result())
    assert "### specs/auth.md — Auth" in out
    assert "### specs/orders/spec.md — Orders" in out
    assert out.index("### specs/auth.md") < out.index("### specs/orders/spec.md")
    assert (
        "| T012 | Write the login handler | Auth › Tasks | specs/auth.md:12 |"
        " informational (claimed done) |  |  |"
    ) in out
    assert (
        "| GET,HEAD | /api/v1/health | app/main.py:40 health | **no** | no |  |"
        " conditional: settings.DEBUG; hidden |"
    ) in out
    assert "verified: tests/test\\_orders.py:3 test\\_create (docstring)" in out


def test_markdown_empty() -> None:
    out = markdown_report(empty_result())
    for text in ("No spec files.", "No requirements.", "No routes.", "No findings."):
        assert text in out
    assert "\n\n\n" not in out


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------


class Collector(HTMLParser):
    """Every start tag with its attributes, plus the raw text of <script>/<style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag in self.raw:
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.raw[self._in].append(data)

    def find(self, tag: str, cls: str | None = None) -> list[dict[str, str]]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and (cls is None or cls in attrs.get("class", "").split())
        ]


def parse(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector


def test_html_every_requirement_has_a_row_with_status_class() -> None:
    result = sample_result()
    doc = parse(html_report(result))
    rows = doc.find("tr", "req")
    assert len(rows) == len(result.requirements)
    got = sorted((row["title"], row["data-st"], row["class"]) for row in rows)
    expected = sorted(
        (rr.requirement.key, rr.status.value, f"req st-{rr.status.value}")
        for rr in result.requirements
    )
    assert got == expected
    assert {row["data-st"] for row in rows} == {s.value for s in ReqStatus} - {"not-backend"}


def test_html_escapes_everything() -> None:
    out = html_report(sample_result())
    assert "&lt;script&gt;alert(1)&lt;/script&gt; | login &amp; &lt;b&gt;logout&lt;/b&gt;" in out
    assert "<script>alert(1)" not in out
    assert "<b>logout" not in out
    assert out.count("<script") == 1  # only the report's own inline script


def test_html_is_self_contained() -> None:
    out = html_report(sample_result())
    doc = parse(out)
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:[a-z]+:|//)""", out, re.I)
    assert not re.search(r"https?://", out)
    assert doc.find("link") == [] and doc.find("img") == [] and doc.find("iframe") == []
    assert "@import" not in out and "url(" not in out
    assert all("src" not in attrs for _, attrs in doc.tags)
    # Every in-page link points at an element of the page.
    ids = {attrs["id"] for _, attrs in doc.tags if "id" in attrs}
    hrefs = [attrs["href"] for _, attrs in doc.tags if "href" in attrs]
    assert hrefs and all(h.startswith("#") and h[1:] in ids for h in hrefs)
    assert len(ids) == sum(1 for _, attrs in doc.tags if "id" in attrs)  # ids are unique


def test_html_csp_forbids_network_and_pins_inline_code() -> None:
    doc = parse(html_report(sample_result()))
    (meta,) = [m for m in doc.find("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    csp = meta["content"]
    assert "default-src 'none'" in csp

    def sha(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    (script,) = doc.raw["script"]
    (style,) = doc.raw["style"]
    assert f"script-src 'sha256-{sha(script)}'" in csp
    assert f"style-src 'sha256-{sha(style)}'" in csp


def test_html_counts_and_coverage() -> None:
    out = html_report(sample_result())
    counts = dict(re.findall(r'<b data-count="([a-z_]+)">([^<]*)</b>', out))
    assert counts == {
        "requirements": "6",
        "implemented": "2",
        "unimplemented": "1",
        "coverage": "50.0%",
        "routes": "4",
        "undocumented_routes": "2",
        "error": "2",
        "warning": "3",
        "note": "1",
    }
    assert 'value="66.7">66.7%</meter>' in out
    assert "2 of 4 implemented · 66.7% coverage" in out
    assert '<span class="badge">unimplemented</span>' in out


def test_html_matrix_groups_and_cells() -> None:
    out = html_report(sample_result())
    doc = parse(out)
    specs = re.findall(r'<summary><span class="path mono">([^<]+)</span>', out)
    assert specs == ["specs/auth.md", "specs/orders/spec.md"]
    sections = re.findall(r'<tr class="sec"><th colspan="7">([^<]+)</th></tr>', out)
    assert sections == ["Auth", "Tasks", "Requirements", "API › GET /api/v1/orders", "Out of scope"]
    assert len(doc.find("details", "spec")) == 2 and all("open" in d for d in doc.find("details"))
    fr1 = re.search(
        r'<tr class="req st-implemented" id="req-specs-orders-spec-md-FR-001".*?</tr>', out
    )
    assert fr1 is not None
    row = fr1.group(0)
    impl = '<code>app/api/orders.py:14</code> create_order <span class="via">docstring</span>'
    assert impl in row
    assert '<a href="#route-3">POST /api/v1/orders</a>' in row
    assert (
        "<td>endpoint, reference, test<div><small>test: <code>tests/test_orders.py:3</code>"
    ) in row
    assert '<span class="claim">claimed done</span>' in out


def test_html_endpoint_table() -> None:
    out = html_report(sample_result())
    doc = parse(out)
    routes = doc.find("tr", "rt")
    assert [(r["id"], r["data-doc"]) for r in routes] == [
        ("route-1", "0"),
        ("route-2", "1"),
        ("route-3", "1"),
        ("route-4", "0"),
    ]
    assert len(doc.find("tr", "undoc")) == 2
    post = re.search(r'<tr class="rt doc" id="route-3".*?</tr>', out)
    assert post is not None
    assert '<a href="#req-specs-orders-spec-md-FR-001">specs/orders/spec.md::FR-001</a>' in (
        post.group(0)
    )
    assert "yes (app/deps.py:get_current_user)" in post.group(0)
    health = re.search(r'<tr class="rt undoc" id="route-1".*?</tr>', out)
    assert health is not None
    flags = '<span class="flag">conditional: settings.DEBUG</span><span class="flag">hidden</span>'
    assert flags in health.group(0)


def test_html_findings_by_severity() -> None:
    doc = parse(html_report(sample_result()))
    assert [r["class"] for r in doc.find("tr", "fd")] == [
        "fd sev-error",
        "fd sev-error",
        "fd sev-warning",
        "fd sev-warning",
        "fd sev-warning",
        "fd sev-note",
    ]


def test_html_works_without_js() -> None:
    """Controls need JS, so they start hidden; no row starts filtered out."""
    out = html_report(sample_result())
    doc = parse(out)
    (controls,) = [attrs for _, attrs in doc.tags if attrs.get("id") == "controls"]
    assert "hidden" in controls
    assert not any("off" in attrs.get("class", "").split() for _, attrs in doc.tags)
    assert [b["data-st"] for b in doc.find("button")] == [
        "",
        "implemented",
        "unimplemented",
        "out-of-scope",
        "needs-clarification",
        "informational",
    ]


def test_html_empty_result() -> None:
    out = html_report(empty_result())
    assert "No requirements were found in the specs." in out
    assert "No routes were found." in out
    assert "No findings." in out


def test_html_2000_rows() -> None:
    result = big_result(2000)
    out = html_report(result)
    doc = parse(out)
    rows = doc.find("tr", "req")
    assert len(rows) == 2000
    assert len({row["id"] for row in rows}) == 2000
    assert len(doc.find("details", "spec")) == 20
    assert len(doc.find("tbody", "grp")) == 200
    assert len(out) < 1_500_000  # well under 1 KB per requirement row
    assert html_report(result) == out


def test_templates_are_package_data() -> None:
    templates = resources.files("traceaudit.report") / "templates"
    names = {entry.name for entry in templates.iterdir()}
    assert {"report.html.j2", "report.css", "report.js"} <= names


# --------------------------------------------------------------------------
# routes / requirements commands
# --------------------------------------------------------------------------


def test_routes_json_matches_audit_route_objects() -> None:
    result = sample_result()
    audit_routes = json.loads(json_report(result))["routes"]
    listed = json.loads(routes_json([r.route for r in result.routes[::-1]]))
    assert list(listed) == ["schema_version", "routes"]
    assert listed["schema_version"] == 1
    trimmed = [
        {k: v for k, v in r.items() if k not in {"documented", "documented_by", "requirements"}}
        for r in audit_routes
    ]
    assert listed["routes"] == trimmed


def test_routes_text_table() -> None:
    routes = [r.route for r in sample_result().routes]
    assert routes_text(routes) == (
        "METHOD    PATH                       HANDLER                            AUTH"
        "                                                  FLAGS\n"
        "GET,HEAD  /api/v1/health             app/main.py:40 health              no"
        "                                                    conditional: settings.DEBUG; hidden\n"
        "GET       /api/v1/orders             app/api/orders.py:30 list_orders   no\n"
        "POST      /api/v1/orders             app/api/orders.py:12 create_order  yes"
        " (app/deps.py:get_current_user)\n"
        "DELETE    /api/v1/orders/{order_id}  app/api/orders.py:50 delete_order  yes"
        " (app/deps.py:require_admin) scopes: orders:write  deprecated\n"
        "4 routes, 2 with auth\n"
    )
    assert routes_text([]) == "0 routes, 0 with auth\n"


def test_routes_text_shows_unresolved() -> None:
    rt = route(
        ("GET",), "{?settings.ROOT}/x", "app/main.py", 3, "x", unresolved=("{?settings.ROOT}",)
    )
    assert "unresolved: {?settings.ROOT}" in routes_text([rt])


def spec_doc() -> SpecDoc:
    fr1 = requirement("specs/a.md", "FR-001", "Pay", 3, ("Payments",))
    task = requirement(
        "specs/a.md",
        "T001",
        "Write pay",
        9,
        ("Payments", "Tasks"),
        kind=ReqKind.TASK,
        claimed_done=True,
    )
    return SpecDoc(
        path="specs/a.md",
        title="Payments",
        sections=(Section("Payments", "payments", 1, Location("specs/a.md", 1), ("Payments",)),),
        requirements=(task, fr1),
        endpoints=(
            DeclaredEndpoint(
                "POST",
                "/pay",
                Location("specs/a.md", 5),
                fr1.key,
                "Required (JWT)",
                True,
                (201,),
                "table",
            ),
        ),
        links=(
            SpecLink(
                task.key,
                RefTarget(RefKind.ID, "FR-001", None, "FR-001"),
                "implements",
                Location("specs/a.md", 10),
            ),
        ),
        duplicate_ids=(("FR-001", Location("specs/a.md", 12)),),
    )


def test_requirements_json() -> None:
    broken = SpecDoc("specs/broken.md", "", (), (), (), error="cannot decode as UTF-8")
    data = json.loads(requirements_json([spec_doc(), broken]))
    assert [f["path"] for f in data["spec_files"]] == ["specs/a.md", "specs/broken.md"]
    assert data["spec_files"][0]["duplicate_ids"] == [{"id": "FR-001", "line": 12}]
    assert data["spec_files"][1]["error"] == "cannot decode as UTF-8"
    assert [(r["id"], r["line"], r["kind"], r["claimed_done"]) for r in data["requirements"]] == [
        ("FR-001", 3, "requirement", False),
        ("T001", 9, "task", True),
    ]
    assert data["declared_endpoints"] == [
        {
            "method": "POST",
            "path": "/pay",
            "spec_file": "specs/a.md",
            "line": 5,
            "requirement": "specs/a.md::FR-001",
            "auth": "Required (JWT)",
            "auth_required": True,
            "statuses": [201],
            "source": "table",
            "scope": "in-scope",
        }
    ]
    assert data["links"] == [
        {
            "source": "specs/a.md::T001",
            "target": "FR-001",
            "target_kind": "id",
            "target_spec": None,
            "relation": "implements",
            "spec_file": "specs/a.md",
            "line": 10,
        }
    ]


def test_requirements_text() -> None:
    broken = SpecDoc("specs/broken.md", "", (), (), (), error="cannot decode as UTF-8")
    assert requirements_text([broken, spec_doc()]) == (
        "specs/a.md — Payments (2 requirements, 1 endpoint)\n"
        "  ID      LINE    KIND                  TITLE (SECTION)\n"
        "  FR-001  line 3  [requirement]         Pay  (Payments)\n"
        "  T001    line 9  [task, claimed done]  Write pay  (Payments > Tasks)\n"
        "  METHOD  PATH  LINE    FORM   AUTH                  REQUIREMENT\n"
        "  POST    /pay  line 5  table  auth: Required (JWT)  -> specs/a.md::FR-001\n"
        "  duplicate id FR-001 at line 12\n"
        "\n"
        "specs/broken.md (0 requirements, 0 endpoints)\n"
        "  error: cannot decode as UTF-8\n"
        "\n"
        "2 spec files, 2 requirements, 1 declared endpoint\n"
    )


def test_reporters_accept_rules_from_sample() -> None:
    """A finding of a rule absent from the registry still renders in SARIF."""
    extra = dataclasses.replace(RULES[0], code="TA099", name="made-up")
    finding = Finding(extra, "m", Location("x.py", 1), "s")
    result = dataclasses.replace(sample_result(), findings=(finding,))
    data = json.loads(sarif_report(result))
    ids = [r["id"] for r in data["runs"][0]["tool"]["driver"]["rules"]]
    assert "TA099" in ids
    assert data["runs"][0]["results"][0]["ruleIndex"] == ids.index("TA099")


def test_route_requirement_links_survive_unknown_keys() -> None:
    rr = RouteResult(
        route(("GET",), "/x", "app/x.py", 1, "x"), True, ("docstring",), ("specs/gone.md::FR-9",)
    )
    req = RequirementResult(
        requirement("specs/a.md", "FR-1", "t", 1, ()),
        ReqStatus.IMPLEMENTED,
        routes=("GET /x", "PUT /nowhere"),
    )
    result = AuditResult(
        ".", "1", (SpecSummary("specs/a.md", "A", 1, 1, 1),), (req,), (), (rr,), ()
    )
    out = html_report(result)
    assert "<div>specs/gone.md::FR-9</div>" in out  # no link to a missing row
    assert '<a href="#route-1">GET /x</a>' in out
    assert '<div class="mono">PUT /nowhere</div>' in out
    assert '<tr class="sec"><th colspan="7">(no section)</th></tr>' in out


def test_a_spec_with_nothing_to_implement_has_no_coverage_figure() -> None:
    from dataclasses import replace

    from traceaudit.model import SpecSummary

    tasks_only = SpecSummary(
        "specs/a/tasks.md", "Tasks", requirements=4, implemented=0, countable=0
    )
    result = replace(tiny_result(), spec_files=(tasks_only,))
    (entry,) = json.loads(json_report(result))["spec_files"]
    assert (entry["path"], entry["coverage"]) == ("specs/a/tasks.md", None)
    assert "| specs/a/tasks.md | Tasks | 4 | 0 | n/a |" in markdown_report(result)
    assert "n/a (nothing to implement)" in html_report(result)
