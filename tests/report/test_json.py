"""The JSON report and the JSON listings of the routes and requirements commands."""

from __future__ import annotations

import dataclasses
import json

from tests.report.samples import AUTH, ORDERS, sample_result, spec_doc, tiny_result
from traceaudit.model import SpecDoc
from traceaudit.report.json import json_report, requirements_json, routes_json


def test_json_tiny_exact() -> None:
    assert json.loads(json_report(tiny_result())) == {
        "schema_version": 1,
        "tool": {"name": "traceaudit", "version": "9.9.9"},
        "summary": {
            "requirements": 1,
            "implemented": 0,
            "unimplemented": 1,
            "countable": 1,
            "routes": 1,
            "undocumented_routes": 1,
            "findings": {"error": 0, "warning": 1, "note": 0},
            "dismissed": {"suppressed": 0, "waived": 0, "baselined": 0},
            "coverage": 0.0,
            "statuses": {
                "implemented": 0,
                "unimplemented": 1,
                "out-of-scope": 0,
                "not-backend": 0,
                "needs-clarification": 0,
                "informational": 0,
                "outside-python": 0,
            },
            "spec_files": 1,
            "declared_endpoints": 1,
        },
        "spec_roots": [],
        "spec_files": [
            {
                "path": "specs/a.md",
                "title": "Payments",
                "requirements": 1,
                "implemented": 0,
                "coverage": 0.0,
                "countable": 1,
                "role": "spec",
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
                "owner": None,
                "note": "",
                "section_path": ["Payments"],
                "anchor": "payments",
                "scope": "in-scope",
                "needs_clarification": False,
                "parent": None,
                "text": "Pay | refund.",
                "findings": [],
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
                "auth_scheme": None,
                "owner": None,
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
                "auth_condition": None,
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
                "findings": ["TA002"],
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
                "column": None,
                "subject": "POST /pay",
                "fingerprint": "3fefcaa22d2706e60cd9c64b8265ad9d",
                "state": "active",
                "dismissal": None,
                "new": None,
            }
        ],
        "rules": [
            {
                "code": "TA002",
                "name": "undocumented-endpoint",
                "severity": "warning",
                "summary": "An endpoint is not documented by a spec",
                "description": "",
                "fix": "",
                "tags": [],
                "security_severity": None,
            }
        ],
        "comparison": None,
        "provenance": None,
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
        "spec_roots",
        "spec_files",
        "requirements",
        "declared_endpoints",
        "routes",
        "findings",
        "rules",
        "comparison",
        "provenance",
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


def test_json_sample_summary_and_order() -> None:
    data = json.loads(json_report(sample_result()))
    assert data["summary"]["findings"] == {"error": 2, "warning": 3, "note": 1}
    assert data["summary"]["coverage"] == 66.7  # 2 of 3 countable across both specs
    assert (data["summary"]["implemented"], data["summary"]["countable"]) == (2, 3)
    assert [s["coverage"] for s in data["spec_files"]] == [None, 66.7]  # auth: nothing counts
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


def test_routes_json_matches_audit_route_objects() -> None:
    result = sample_result()
    audit_routes = json.loads(json_report(result))["routes"]
    listed = json.loads(routes_json([r.route for r in result.routes[::-1]]))
    assert list(listed) == ["schema_version", "routes", "inactive_routes", "apps"]
    assert listed["inactive_routes"] == [] and listed["apps"] == []
    assert listed["schema_version"] == 1
    trimmed = [
        {
            k: v
            for k, v in r.items()
            if k not in {"documented", "documented_by", "requirements", "findings"}
        }
        for r in audit_routes
    ]
    assert listed["routes"] == trimmed


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
            "auth_scheme": None,
            "owner": None,
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
