"""Hand-built AuditResult objects for the reporter tests (no parsing involved)."""

from __future__ import annotations

import dataclasses
import re

from traceaudit.model import (
    AuditResult,
    DeclaredEndpoint,
    Evidence,
    Finding,
    Location,
    RefKind,
    RefTarget,
    ReqKind,
    ReqStatus,
    Requirement,
    RequirementResult,
    Route,
    RouteResult,
    Rule,
    Scope,
    Section,
    Severity,
    SpecDoc,
    SpecLink,
    SpecSummary,
)
from traceaudit.report.html import requirement_anchor

PARSE_ERROR = Rule("TA000", "parse-error", Severity.ERROR, "A file could not be parsed")
UNIMPLEMENTED = Rule(
    "TA001", "unimplemented-requirement", Severity.ERROR, "A requirement has no implementation"
)
UNDOCUMENTED = Rule(
    "TA002", "undocumented-endpoint", Severity.WARNING, "An endpoint is not documented by a spec"
)
DANGLING = Rule(
    "TA003", "dangling-reference", Severity.WARNING, "Code cites a spec item that does not exist"
)
AMBIGUOUS = Rule("TA004", "ambiguous-reference", Severity.NOTE, "A bare id names several specs")
RULES = (PARSE_ERROR, UNIMPLEMENTED, UNDOCUMENTED, DANGLING, AMBIGUOUS)

ORDERS = "specs/orders/spec.md"
AUTH = "specs/auth.md"


def row_anchor(key: str) -> str:
    """The element id of the HTML report's row of the requirement with this key."""
    return requirement_anchor(key, re.split(r"::|#", key, maxsplit=1)[1])


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9 _-]", "", title.lower()).replace(" ", "-")


def requirement(
    spec: str,
    req_id: str,
    title: str,
    line: int,
    section: tuple[str, ...],
    *,
    kind: ReqKind = ReqKind.REQUIREMENT,
    scope: Scope = Scope.IN_SCOPE,
    claimed_done: bool = False,
    key: str | None = None,
) -> Requirement:
    return Requirement(
        key=key or f"{spec}::{req_id}",
        id=req_id,
        title=title,
        text=f"{title}.",
        kind=kind,
        spec_path=spec,
        location=Location(spec, line),
        section_path=section,
        anchor=slug(section[-1]) if section else "",
        scope=scope,
        claimed_done=claimed_done,
    )


def route(
    methods: tuple[str, ...],
    path: str,
    file: str,
    line: int,
    func: str,
    **kwargs: object,
) -> Route:
    return Route(
        methods=methods,
        path=path,
        handler=f"{file}:{func}",
        location=Location(file, line),
        app="app/main.py:app",
        **kwargs,  # type: ignore[arg-type]
    )


def sample_result() -> AuditResult:
    """A realistic small audit: two specs, every status, four routes, five findings."""
    fr1 = requirement(ORDERS, "FR-001", "Create an order", 8, ("Orders", "Requirements"))
    fr2 = requirement(ORDERS, "FR-002", "Refund within 14 days", 10, ("Orders", "Requirements"))
    fr3 = requirement(
        ORDERS,
        "FR-003",
        "Gift wrapping",
        30,
        ("Orders", "Out of scope"),
        scope=Scope.OUT_OF_SCOPE,
    )
    list_orders = requirement(
        ORDERS,
        "get-apiv1orders",
        "GET /api/v1/orders",
        20,
        ("Orders", "API", "GET /api/v1/orders"),
        kind=ReqKind.SECTION,
        key=f"{ORDERS}#get-apiv1orders",
    )
    xss = requirement(
        AUTH,
        "REQ-AUTH-001",
        "<script>alert(1)</script> | login & <b>logout</b>",
        5,
        ("Auth",),
    )
    task = requirement(
        AUTH,
        "T012",
        "Write the login handler",
        12,
        ("Auth", "Tasks"),
        kind=ReqKind.TASK,
        claimed_done=True,
    )
    requirements = (
        RequirementResult(
            fr1,
            ReqStatus.IMPLEMENTED,
            implemented_by=(
                Evidence(
                    Location("app/api/orders.py", 14), "app/api/orders.py:create_order", "docstring"
                ),
                Evidence(
                    Location("app/api/orders.py", 12),
                    "app/api/orders.py:create_order",
                    "endpoint POST /api/v1/orders",
                    "endpoint",
                ),
            ),
            verified_by=(
                Evidence(
                    Location("tests/test_orders.py", 3),
                    "tests/test_orders.py:test_create",
                    "docstring",
                    "test",
                ),
            ),
            routes=("POST /api/v1/orders",),
        ),
        RequirementResult(fr2, ReqStatus.UNIMPLEMENTED),
        RequirementResult(fr3, ReqStatus.OUT_OF_SCOPE),
        RequirementResult(
            list_orders,
            ReqStatus.IMPLEMENTED,
            implemented_by=(
                Evidence(
                    Location("app/api/orders.py", 30),
                    "app/api/orders.py:list_orders",
                    "endpoint GET /api/v1/orders",
                    "endpoint",
                ),
            ),
            routes=("GET /api/v1/orders",),
        ),
        RequirementResult(xss, ReqStatus.NEEDS_CLARIFICATION),
        RequirementResult(task, ReqStatus.INFORMATIONAL),
    )
    endpoints = (
        DeclaredEndpoint(
            "POST",
            "/api/v1/orders",
            Location(ORDERS, 16),
            fr1.key,
            "Required (JWT)",
            True,
            (201, 422),
            "table",
        ),
        DeclaredEndpoint(
            "GET",
            "/api/v1/orders",
            Location(ORDERS, 20),
            list_orders.key,
            None,
            None,
            (),
            "heading",
        ),
    )
    routes = (
        RouteResult(
            route(
                ("POST",),
                "/api/v1/orders",
                "app/api/orders.py",
                12,
                "create_order",
                auth=True,
                auth_dependencies=("app/deps.py:get_current_user",),
                status_code=201,
                tags=("orders",),
            ),
            documented=True,
            documented_by=(f"{ORDERS}:16", "docstring FR-001"),
            requirements=(fr1.key,),
        ),
        RouteResult(
            route(("GET",), "/api/v1/orders", "app/api/orders.py", 30, "list_orders"),
            documented=True,
            documented_by=(f"{ORDERS}:20",),
            requirements=(list_orders.key,),
        ),
        RouteResult(
            route(
                ("GET", "HEAD"),
                "/api/v1/health",
                "app/main.py",
                40,
                "health",
                conditional=True,
                condition="settings.DEBUG",
                include_in_schema=False,
            ),
            documented=False,
        ),
        RouteResult(
            route(
                ("DELETE",),
                "/api/v1/orders/{order_id}",
                "app/api/orders.py",
                50,
                "delete_order",
                auth=True,
                auth_dependencies=("app/deps.py:require_admin",),
                scopes=("orders:write",),
                deprecated=True,
            ),
            documented=False,
        ),
    )
    findings = (
        Finding(
            UNIMPLEMENTED,
            "FR-002 'Refund within 14 days' has no implementation; cite it "
            "in the handler's docstring or implement it",
            Location(ORDERS, 10),
            fr2.key,
        ),
        Finding(
            UNDOCUMENTED,
            "GET,HEAD /api/v1/health is served but no spec documents it",
            Location("app/main.py", 40),
            "GET,HEAD /api/v1/health",
        ),
        Finding(
            UNDOCUMENTED,
            "DELETE /api/v1/orders/{order_id} is served but no spec documents it",
            Location("app/api/orders.py", 50),
            "DELETE /api/v1/orders/{order_id}",
        ),
        Finding(
            DANGLING,
            "FR-010 is not defined in any spec; did you mean FR-001?",
            Location("app/api/orders.py", 15),
            "FR-010",
        ),
        Finding(
            AMBIGUOUS,
            "FR-001 is defined in 2 spec files; name the file",
            Location("app/services/billing.py", 4),
            "FR-001",
        ),
        Finding(
            PARSE_ERROR,
            "cannot parse: invalid syntax at line 3",
            Location("app/broken.py", 3),
            "app/broken.py",
        ),
    )
    return AuditResult(
        root=".",
        version="0.1.0",
        spec_files=(
            SpecSummary(ORDERS, "Orders", 4, 2, 3),
            SpecSummary(AUTH, "Auth", 2, 0, 0),
        ),
        requirements=requirements,
        declared_endpoints=endpoints,
        routes=routes,
        findings=findings,
        rules=RULES,
    )


def tiny_result() -> AuditResult:
    """One requirement, one route, one finding: small enough for exact goldens."""
    req = requirement("specs/a.md", "FR-001", "Pay | refund", 3, ("Payments",))
    rt = route(("POST",), "/pay", "app/pay.py", 7, "pay_now")
    return AuditResult(
        root="/home/someone/project",
        version="9.9.9",
        spec_files=(SpecSummary("specs/a.md", "Payments", 1, 0, 1),),
        requirements=(RequirementResult(req, ReqStatus.UNIMPLEMENTED),),
        declared_endpoints=(
            DeclaredEndpoint("POST", "/pay", Location("specs/a.md", 5), req.key, "Public", False),
        ),
        routes=(RouteResult(rt, documented=False),),
        findings=(
            Finding(
                UNDOCUMENTED,
                "POST /pay is served but no spec documents it",
                Location("app/pay.py", 7),
                "POST /pay",
            ),
        ),
        rules=(UNDOCUMENTED,),
    )


def big_result(count: int = 2000, routes: int = 0) -> AuditResult:
    """``count`` requirements over 20 spec files and 10 sections each; with ``routes``,
    that many routes (a fifth undocumented) and the findings a real audit would give:
    TA001 per untraced requirement, TA002 per undocumented route."""
    statuses = (
        ReqStatus.IMPLEMENTED,
        ReqStatus.UNIMPLEMENTED,
        ReqStatus.OUT_OF_SCOPE,
        ReqStatus.INFORMATIONAL,
    )
    results = []
    findings: list[Finding] = []
    for i in range(count):
        spec = f"specs/feature-{i % 20:02d}/spec.md"
        req = requirement(
            spec,
            f"FR-{i:04d}",
            f"Requirement number {i}",
            10 + i,
            ("Feature", f"Section {(i // 20) % 10}"),
        )
        status = statuses[i % len(statuses)]
        evidence = ()
        if status is ReqStatus.IMPLEMENTED:
            evidence = (
                Evidence(
                    Location(f"app/mod_{i % 50}.py", i + 1),
                    f"app/mod_{i % 50}.py:handler_{i}",
                    "docstring",
                ),
            )
        elif status is ReqStatus.UNIMPLEMENTED and routes:
            findings.append(
                Finding(UNIMPLEMENTED, f"{req.id} is untraced", req.location, req.key)
            )
        results.append(RequirementResult(req, status, implemented_by=evidence))
    route_results = []
    for n in range(routes):
        rt = route(("GET",), f"/api/items/{n}", f"app/mod_{n % 50}.py", 100 + n, f"get_{n}")
        documented = n % 5 != 0
        route_results.append(RouteResult(rt, documented))
        if not documented:
            findings.append(
                Finding(
                    UNDOCUMENTED, f"GET {rt.path} is undocumented", rt.location, f"GET {rt.path}"
                )
            )
    specs = tuple(
        SpecSummary(
            f"specs/feature-{n:02d}/spec.md", f"Feature {n}", count // 20, count // 80, count // 40
        )
        for n in range(20)
    )
    return AuditResult(
        ".", "0.1.0", specs, tuple(results), (), tuple(route_results), tuple(findings), RULES
    )


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
