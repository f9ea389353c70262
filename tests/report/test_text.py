"""The text report and the text tables of the routes and requirements commands."""

from __future__ import annotations

import dataclasses

from tests.report.samples import (
    UNDOCUMENTED,
    empty_result,
    route,
    sample_result,
    spec_doc,
    tiny_result,
)
from traceaudit.model import Finding, Location, SpecDoc
from traceaudit.report.text import requirements_text, routes_text, text_report


def test_text_tiny_exact() -> None:
    assert text_report(tiny_result()) == (
        "app/pay.py:7: TA002 [warning] POST /pay is served but no spec documents it"
        " (undocumented-endpoint)\n"
        "1 requirement: coverage 0/1 (0.0%), 1 untraced; 1 route, 1 undocumented;"
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
        "6 requirements: coverage 2/3 (66.7%), 1 untraced; 4 routes, 2 undocumented;"
        " 2 errors, 4 warnings, 1 note"
    )
    assert len(lines) == 8


def test_text_no_findings() -> None:
    assert text_report(empty_result()) == (
        "0 requirements: coverage 0/0 (n/a), 0 untraced; 0 routes,"
        " 0 undocumented; 0 errors, 0 warnings, 0 notes\n"
    )


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
