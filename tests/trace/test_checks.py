"""Linking and rules on hand-built facts: each rule fires when it should and only then."""

from __future__ import annotations

import dataclasses
import re
import tracemalloc
from collections.abc import Sequence

from traceaudit.model import (
    CodeFacts,
    CodeRef,
    Config,
    DeclaredEndpoint,
    Finding,
    Location,
    RefKind,
    RefSource,
    RefTarget,
    ReqKind,
    ReqStatus,
    Requirement,
    Route,
    Scope,
    Section,
    Severity,
    SpecDoc,
    SpecLink,
    UnmountedRouter,
)
from traceaudit.trace import RULES, CheckContext, TraceGraph, run_checks, selected_rules
from traceaudit.trace.paths import normalize_path

ORDERS = "specs/orders/spec.md"
CATALOG = "specs/catalog/spec.md"


def req(path: str, ident: str, line: int, **kw: object) -> Requirement:
    anchor = str(kw.pop("anchor", "functional-requirements"))
    kind = kw.pop("kind", ReqKind.REQUIREMENT)
    assert isinstance(kind, ReqKind)
    key = f"{path}#{anchor}" if kind is ReqKind.SECTION else f"{path}::{ident}"
    return Requirement(
        key=key,
        id=ident,
        title=str(kw.pop("title", f"title of {ident}")),
        text="",
        kind=kind,
        spec_path=path,
        location=Location(path, line),
        section_path=("Spec", "Functional Requirements"),
        anchor=anchor,
        **kw,  # type: ignore[arg-type]
    )


def doc(
    path: str, reqs: Sequence[Requirement], endpoints: Sequence[DeclaredEndpoint] = (), **kw: object
) -> SpecDoc:
    sections = [
        Section("Spec", "spec", 1, Location(path, 1), ("Spec",)),
        Section(
            "Functional Requirements",
            "functional-requirements",
            2,
            Location(path, 3),
            ("Spec", "Functional Requirements"),
            number="2",
        ),
        Section("Refund window", "refund-window", 2, Location(path, 30), ("Spec", "Refund window")),
    ]
    sections += [
        Section(r.title, r.anchor, 3, r.location, ("Spec", r.title))
        for r in reqs
        if r.kind is ReqKind.SECTION
    ]
    return SpecDoc(path, "Spec", tuple(sections), tuple(reqs), tuple(endpoints), **kw)  # type: ignore[arg-type]


def ref(
    value: str,
    kind: RefKind = RefKind.ID,
    spec: str | None = None,
    *,
    symbol: str = "app/api/orders.py:create_order",
    line: int = 5,
    explicit: bool = True,
    is_test: bool = False,
    qualifier: str | None = None,
    hint: str | None = None,
) -> CodeRef:
    path = symbol.split(":")[0]
    return CodeRef(
        RefTarget(kind, value, spec, value, hint=hint, qualifier=qualifier),
        RefSource.DOCSTRING,
        symbol,
        Location(path, line),
        is_test=is_test,
        explicit=explicit,
    )


def route(
    method: str,
    path: str,
    handler: str = "app/api/orders.py:create_order",
    line: int = 10,
    auth: bool = False,
    **kw: object,
) -> Route:
    return Route(
        (method,),
        path,
        handler,
        Location(handler.split(":")[0], line),
        "app/main.py:app",
        auth=auth,
        **kw,  # type: ignore[arg-type]
    )


def audit(
    docs: Sequence[SpecDoc],
    refs: Sequence[CodeRef] = (),
    routes: Sequence[Route] = (),
    code: CodeFacts | None = None,
    config: Config | None = None,
) -> tuple[TraceGraph, list[tuple[str, str, int, str]]]:
    graph = TraceGraph(docs, refs, routes)
    findings = checked(graph, code or CodeFacts(tuple(refs), tuple(routes)), config)
    return graph, [(f.rule.code, f.location.path, f.location.line, f.subject) for f in findings]


def checked(graph: TraceGraph, code: CodeFacts, config: Config | None = None) -> list[Finding]:
    """Every finding the checks give on the graph, with its message."""
    ctx = CheckContext(graph, code, graph.requirement_results(), graph.route_results(), ("specs",))
    return list(run_checks(ctx, selected_rules(config or Config())))


def statuses(graph: TraceGraph) -> dict[str, str]:
    return {r.requirement.id: r.status.value for r in graph.requirement_results()}


# -- TA001 / implementation evidence ------------------------------------------


def test_cited_requirement_is_implemented_and_uncited_is_not() -> None:
    graph, findings = audit(
        [doc(ORDERS, [req(ORDERS, "FR-001", 5), req(ORDERS, "FR-002", 6)])],
        refs=[ref("FR-001")],
    )
    assert statuses(graph) == {"FR-001": "implemented", "FR-002": "unimplemented"}
    assert findings == [("TA001", ORDERS, 6, f"{ORDERS}::FR-002")]
    (impl,) = graph.requirement_results()[0].implemented_by
    assert (impl.symbol, impl.via, impl.kind) == (
        "app/api/orders.py:create_order",
        "docstring",
        "reference",
    )


def test_requirement_served_through_declared_endpoint() -> None:
    ep = DeclaredEndpoint("POST", "/api/orders/", Location(ORDERS, 7), f"{ORDERS}::FR-001")
    graph, findings = audit(
        [doc(ORDERS, [req(ORDERS, "FR-001", 5)], [ep])],
        routes=[route("POST", "/api/orders")],
    )
    assert findings == []
    (res,) = graph.requirement_results()
    assert res.status is ReqStatus.IMPLEMENTED
    assert res.routes == ("POST /api/orders",)
    assert res.implemented_by[0].via == "endpoint POST /api/orders"


def test_test_citations_verify_but_do_not_implement() -> None:
    graph, findings = audit(
        [doc(ORDERS, [req(ORDERS, "FR-001", 5)])],
        refs=[ref("FR-001", symbol="tests/test_orders.py:test_create", is_test=True)],
    )
    (res,) = graph.requirement_results()
    assert res.status is ReqStatus.UNIMPLEMENTED
    assert [e.symbol for e in res.verified_by] == ["tests/test_orders.py:test_create"]
    assert [f[0] for f in findings] == ["TA001"]


def test_multi_hop_code_to_task_to_requirement() -> None:
    task = req("specs/orders/tasks.md", "T012", 4, kind=ReqKind.TASK)
    link = SpecLink(
        task.key, RefTarget(RefKind.ID, "FR-001"), "implements", Location(task.spec_path, 4)
    )
    tasks = doc("specs/orders/tasks.md", [task], links=(link,))
    graph, findings = audit([doc(ORDERS, [req(ORDERS, "FR-001", 5)]), tasks], refs=[ref("T012")])
    assert findings == []
    res = next(r for r in graph.requirement_results() if r.requirement.id == "FR-001")
    assert res.status is ReqStatus.IMPLEMENTED
    assert res.implemented_by[0].via == "via T012"


def test_out_of_scope_and_clarification_are_never_unimplemented() -> None:
    graph, findings = audit(
        [
            doc(
                ORDERS,
                [
                    req(ORDERS, "FR-001", 5, scope=Scope.OUT_OF_SCOPE),
                    req(ORDERS, "FR-002", 6, needs_clarification=True),
                    req(ORDERS, "T001", 7, kind=ReqKind.TASK),
                ],
            )
        ]
    )
    assert statuses(graph) == {
        "FR-001": "out-of-scope",
        "FR-002": "needs-clarification",
        "T001": "informational",
    }
    assert findings == [("TA022", ORDERS, 6, f"{ORDERS}::FR-002")]


# -- TA002 --------------------------------------------------------------------


def test_undocumented_route_and_documented_ones() -> None:
    ep = DeclaredEndpoint("GET", "/api/orders/{order_id}", Location(ORDERS, 8), f"{ORDERS}::FR-001")
    routes = [
        route("GET", "/api/orders/{id}", "app/api/orders.py:get_order", 20),
        route("GET", "/api/stats", "app/api/admin.py:stats", 3),
        route("POST", "/api/cited", "app/api/orders.py:create_order", 30),
        route("GET", "/health", "app/main.py:health", 40, include_in_schema=False),
    ]
    graph, findings = audit(
        [doc(ORDERS, [req(ORDERS, "FR-001", 5), req(ORDERS, "FR-002", 6)], [ep])],
        refs=[ref("FR-002")],
        routes=routes,
    )
    assert findings == [("TA002", "app/api/admin.py", 3, "GET /api/stats")]
    documented = {r.route.path: r.documented for r in graph.route_results()}
    assert documented == {
        "/api/orders/{id}": True,
        "/api/stats": False,
        "/api/cited": True,
        "/health": False,
    }


def test_placeholder_prefix_matches_any_declared_prefix() -> None:
    ep = DeclaredEndpoint("GET", "/api/v1/items", Location(ORDERS, 8), f"{ORDERS}::FR-001")
    _, findings = audit(
        [doc(ORDERS, [req(ORDERS, "FR-001", 5)], [ep])],
        routes=[route("GET", "{?settings.API_PREFIX}/items")],
    )
    assert findings == []


# -- TA003 / TA004 ------------------------------------------------------------


def test_dangling_id_with_suggestion_and_unknown_family_ignored() -> None:
    refs = [
        ref("FR-011", line=3),
        ref("SHA256", line=4, explicit=False),  # id-shaped word in no spec family: not a reference
        ref("SEC-001", line=5, explicit=True),  # "as required by SEC-001": a real dangling claim
    ]
    graph, findings = audit([doc(ORDERS, [req(ORDERS, "FR-001", 5)])], refs=refs)
    dangling = [f for f in findings if f[0] == "TA003"]
    assert dangling == [
        ("TA003", "app/api/orders.py", 3, "FR-011"),
        # no spec defines any SEC- id: one finding for the family (see below)
        ("TA003", "app/api/orders.py", 5, "family:SEC-"),
    ]
    assert graph.linked[0].resolution.suggestion == "FR-001"


def test_citations_of_a_family_no_spec_defines_are_one_finding() -> None:
    """Code written from specs that are not in the project cites ids of families no spec
    read defines: that is one fact, so one TA003 per family at its first citation, with
    the count; a missing id of a family the specs do define stays a finding of its own."""
    refs = [
        ref("US3", line=9, explicit=True),
        ref("US1", line=4, explicit=True),
        ref("US1", line=12, explicit=True),
        ref("FR-009", line=7),
    ]
    graph, findings = audit([doc(ORDERS, [req(ORDERS, "FR-001", 5)])], refs=refs)
    assert [f for f in findings if f[0] == "TA003"] == [
        ("TA003", "app/api/orders.py", 4, "family:US"),
        ("TA003", "app/api/orders.py", 7, "FR-009"),
    ]
    family = next(f for f in checked(graph, CodeFacts(tuple(refs), ())) if f.subject == "family:US")
    assert family.message.startswith(
        "`US1` in app/api/orders.py:create_order and 2 other references (2 distinct ids, in 1 "
        "file) cite `US` ids, but the one spec file read defines no `US` id: the specs they come "
        "from are not part of this audit"
    )


def test_citations_of_a_spec_file_that_is_not_there_are_one_finding_per_file() -> None:
    """`plan.md FR-003` where no spec file read is a plan.md: the citations of that file say
    one thing together, so one TA003 per spec file named, at its first citation; a spec that
    is there but lacks the id stays a finding per citation."""
    refs = [
        ref("FR-003", spec="specs/009-chat/plan.md", line=9),
        ref("FR-001", spec="./specs/009-chat/plan.md", line=4),
        ref("FR-002", spec="specs/009-chat/plan.md", line=12, symbol="app/api/chat.py:send"),
        ref("FR-007", spec=ORDERS, line=7),
    ]
    graph, findings = audit([doc(ORDERS, [req(ORDERS, "FR-001", 5)])], refs=refs)
    assert [f for f in findings if f[0] == "TA003"] == [
        ("TA003", "app/api/chat.py", 12, "spec:specs/009-chat/plan.md"),
        ("TA003", "app/api/orders.py", 7, "FR-007"),
    ]
    found = [f for f in checked(graph, CodeFacts(tuple(refs), ())) if f.rule.code == "TA003"]
    assert found[0].message.startswith(
        "`FR-002` in app/api/chat.py:send and 2 other references (3 distinct items, in 2 files) "
        "cite `specs/009-chat/plan.md`, but the one spec file read is not it: a dangling "
        "reference"
    )


def test_a_quarter_cites_only_where_a_spec_uses_a_q_family() -> None:
    """code_refs leaves "Q3 2025" unexplicit: no finding where no spec uses a Q family;
    where one does (research questions Q1..Q3), it links, and a missing Q4 is dangling."""
    from traceaudit.model import DEFAULT_ID_PATTERN
    from traceaudit.refs import code_refs

    found = code_refs("Parse quarter references (Q2 2025, Q4).", re.compile(DEFAULT_ID_PATTERN))
    refs = [ref(f.target.value, line=3 + k, explicit=f.explicit) for k, f in enumerate(found)]
    assert [(r.target.value, r.explicit) for r in refs] == [("Q2", False), ("Q4", False)]
    _, findings = audit([doc(ORDERS, [req(ORDERS, "FR-001", 5)])], refs=refs)
    assert findings == [("TA001", ORDERS, 5, f"{ORDERS}::FR-001")]
    questions = [req(ORDERS, f"Q{n}", 5 + n) for n in (1, 2, 3)]
    graph, findings = audit([doc(ORDERS, questions)], refs=refs)
    assert statuses(graph)["Q2"] == "implemented"
    assert [f for f in findings if f[0] == "TA003"] == [("TA003", "app/api/orders.py", 4, "Q4")]


def test_a_citation_of_a_number_split_into_parts_matches_none_of_them() -> None:
    parts = [req(ORDERS, f"Story 2.1{x}", 5, kind=ReqKind.STORY) for x in "abc"]
    graph, findings = audit(
        [doc(ORDERS, parts)], refs=[ref("Story 2.1", hint="story"), ref("Story 2.1b", line=6)]
    )
    assert graph.linked[0].resolution.parts == ("Story 2.1a", "Story 2.1b", "Story 2.1c")
    assert graph.linked[1].resolution.status == "ok"
    assert ("TA003", "app/api/orders.py", 5, "Story 2.1") in findings


def test_dangling_anchor_suggests_nearest_anchor() -> None:
    graph, findings = audit(
        [doc(ORDERS, [])], refs=[ref("refund-windw", RefKind.ANCHOR, "orders/spec.md")]
    )
    assert [f[0] for f in findings] == ["TA003"]
    assert graph.linked[0].resolution.suggestion == "#refund-window"


def test_reference_to_a_non_spec_markdown_file_is_not_dangling() -> None:
    _, findings = audit(
        [doc(ORDERS, [])],
        refs=[
            ref("install", RefKind.ANCHOR, "README.md"),
            ref("x", RefKind.ANCHOR, "specs/nope/spec.md", line=9),
        ],
    )
    # a spec file that is not there: one finding for that file, whatever it cites in it
    assert findings == [("TA003", "app/api/orders.py", 9, "spec:specs/nope/spec.md")]


def test_section_title_and_number_references_resolve() -> None:
    graph, findings = audit(
        [doc(ORDERS, [])],
        refs=[
            ref("Refund window", RefKind.TITLE),
            ref("Refund window applies to all orders", RefKind.TITLE, line=6),
            ref("2", RefKind.NUMBER, line=7),
            # the start of the one heading that opens with it ("§Refund" for "Refund window")
            ref("Refund", RefKind.TITLE, line=8),
        ],
    )
    assert findings == []
    assert [lr.resolution.nodes for lr in graph.linked] == [
        (f"sec:{ORDERS}#refund-window",),
        (f"sec:{ORDERS}#refund-window",),
        (f"sec:{ORDERS}#functional-requirements",),
        (f"sec:{ORDERS}#refund-window",),
    ]
    # the start of several files' headings is no evidence of one
    graph, _ = audit([doc(ORDERS, []), doc(CATALOG, [])], refs=[ref("Refund", RefKind.TITLE)])
    assert graph.linked[0].resolution.status != "ok"


def test_ambiguous_bare_id_and_how_qualification_settles_it() -> None:
    docs = [doc(ORDERS, [req(ORDERS, "BR-1", 5)]), doc(CATALOG, [req(CATALOG, "BR-1", 9)])]
    graph, findings = audit(
        docs,
        refs=[
            ref("BR-1", line=3, symbol="app/api/checkout.py:pay"),
            ref("BR-1", RefKind.ID, "catalog/spec.md", line=4, symbol="app/catalog.py:g"),
            ref("BR-1", line=5, qualifier="orders", symbol="app/other.py:f"),
        ],
    )
    # the bare id is ambiguous; a path, or a feature word before it, settles it
    assert [f for f in findings if f[0] == "TA004"] == [("TA004", "app/api/checkout.py", 3, "BR-1")]
    assert graph.linked[1].resolution.nodes == (f"req:{CATALOG}::BR-1",)
    assert graph.linked[2].resolution.nodes == (f"req:{ORDERS}::BR-1",)


def test_spec_named_elsewhere_in_the_module_settles_a_bare_id() -> None:
    docs = [doc(ORDERS, [req(ORDERS, "FR-001", 5)]), doc(CATALOG, [req(CATALOG, "FR-001", 9)])]
    graph, findings = audit(
        docs,
        refs=[ref("spec.md", RefKind.FILE, "specs/catalog/spec.md", line=1), ref("FR-001", line=8)],
    )
    assert [f[0] for f in findings] == ["TA001"]  # orders FR-001 is the one left uncited
    assert graph.linked[1].resolution.nodes == (f"req:{CATALOG}::FR-001",)


# -- TA005 .. TA012 -----------------------------------------------------------


def test_duplicate_id() -> None:
    d = doc(ORDERS, [req(ORDERS, "FR-001", 5)], duplicate_ids=(("FR-001", Location(ORDERS, 12)),))
    _, findings = audit([d], refs=[ref("FR-001")])
    assert findings == [("TA005", ORDERS, 12, f"{ORDERS}::FR-001")]


def test_a_websocket_route_serves_a_declared_get() -> None:
    """"GET /api/v1/console/ws — WebSocket endpoint": the handshake is a GET, so the
    WebSocket route serves the declaration (no TA006, no TA002); a POST there stays one."""
    ws = "/api/v1/console/ws"
    for method, expected in (("GET", []), ("POST", [("TA006", ORDERS, 8, f"POST {ws}")])):
        ep = DeclaredEndpoint(method, ws, Location(ORDERS, 8), f"{ORDERS}::FR-001")
        _, findings = audit(
            [doc(ORDERS, [req(ORDERS, "FR-001", 5)], [ep])],
            routes=[route("WEBSOCKET", ws, "app/api/console.py:stream")],
        )
        assert findings == expected, method


def test_method_mismatch_replaces_undocumented_and_unimplemented() -> None:
    ep = DeclaredEndpoint("PUT", "/api/orders/{id}", Location(ORDERS, 8), f"{ORDERS}::FR-001")
    graph, findings = audit(
        [doc(ORDERS, [req(ORDERS, "FR-001", 5)], [ep])],
        routes=[route("PATCH", "/api/orders/{order_id}", "app/api/orders.py:update")],
    )
    assert findings == [("TA006", ORDERS, 8, "PUT /api/orders/{id}")]
    (res,) = graph.requirement_results()
    assert res.implemented_by[0].via == "endpoint PATCH /api/orders/{order_id} (spec says PUT)"


def test_path_mismatch_on_version_prefix() -> None:
    ep = DeclaredEndpoint("GET", "/api/products", Location(CATALOG, 8), f"{CATALOG}::FR-001")
    graph, findings = audit(
        [doc(CATALOG, [req(CATALOG, "FR-001", 5)], [ep])],
        routes=[route("GET", "/api/v1/products", "app/api/products.py:list_products")],
    )
    assert findings == [("TA007", CATALOG, 8, "GET /api/products")]
    (res,) = graph.requirement_results()
    assert res.implemented_by[0].via == "endpoint GET /api/v1/products (spec says /api/products)"


def test_unserved_endpoint_only_when_requirement_otherwise_implemented() -> None:
    eps = [
        DeclaredEndpoint("GET", "/api/reports", Location(ORDERS, 8), f"{ORDERS}::FR-001"),
        DeclaredEndpoint("GET", "/api/exports", Location(ORDERS, 9), None),
        DeclaredEndpoint("GET", "/api/missing", Location(ORDERS, 10), f"{ORDERS}::FR-002"),
    ]
    _, findings = audit(
        [doc(ORDERS, [req(ORDERS, "FR-001", 5), req(ORDERS, "FR-002", 6)], eps)],
        refs=[ref("FR-001")],
    )
    assert findings == [
        ("TA001", ORDERS, 6, f"{ORDERS}::FR-002"),
        ("TA008", ORDERS, 8, "GET /api/reports"),
        ("TA008", ORDERS, 9, "GET /api/exports"),
    ]


def test_the_outline_of_a_broken_contract_documents_routes_and_declares_nothing() -> None:
    contract = "specs/x/contracts/openapi.yaml"
    outline = [
        DeclaredEndpoint("POST", "/api/v1/clients/token", Location(contract, 6), None,
                         source="openapi", hints=("outline",)),
        DeclaredEndpoint("GET", "/api/v1/clients/stock", Location(contract, 12), None,
                         source="openapi", hints=("outline",)),
    ]  # fmt: skip
    _, findings = audit(
        [doc(contract, [], outline)],
        routes=[route("POST", "/api/v1/clients/token", "app/clients.py:token"),
                route("POST", "/api/v1/clients/stock", "app/clients.py:stock", line=20),
                route("GET", "/api/v1/other", "app/clients.py:other", line=30)],
    )  # fmt: skip
    # the token route is documented; GET /clients/stock, served only by POST, is no
    # TA006 (the broken file, a TA000 of its own, says nothing for certain) and, as for
    # any near miss, its route is not undocumented; nothing is TA008
    assert findings == [("TA002", "app/clients.py", 30, "GET /api/v1/other")]


def test_the_endpoint_a_test_exercises_documents_its_route_and_declares_nothing() -> None:
    tested = [
        DeclaredEndpoint("GET", "/api/orders", Location(ORDERS, 8), None, hints=("tested",)),
        DeclaredEndpoint("POST", "/api/order", Location(ORDERS, 9), None, hints=("tested",)),
    ]
    _, findings = audit(
        [doc(ORDERS, [], tested)],
        routes=[route("GET", "/api/orders", "app/api/orders.py:list_orders"),
                route("POST", "/api/orders", "app/api/orders.py:create_order", line=20)],
    )  # fmt: skip
    # GET is documented; POST /api/orders is not (the test names /api/order), and the
    # tested paths give no TA006/TA007/TA008
    assert findings == [("TA002", "app/api/orders.py", 20, "POST /api/orders")]
    # nor is a served tested path evidence for the item that tests it
    task = dataclasses.replace(
        req(ORDERS, "T020", 7, kind=ReqKind.TASK, title="Write API tests"), claimed_done=True
    )
    graph = TraceGraph(
        [doc(ORDERS, [task], [dataclasses.replace(tested[0], requirement_key=task.key)])],
        [], [route("GET", "/api/orders", "app/api/orders.py:list_orders")],
    )  # fmt: skip
    assert statuses(graph) == {"T020": "informational"}
    assert [r.implemented_by for r in graph.requirement_results()] == [()]


def test_unserved_endpoint_names_the_setting_that_would_serve_it() -> None:
    """A declared endpoint that only a route off by default would serve (``if ENABLE_MCP:``
    whose default is false) is unserved with the default settings; the message says which
    route and which setting, not 'add the route'."""
    eps = [
        DeclaredEndpoint("GET", "/api/mcp/*", Location(ORDERS, 8), None),
        DeclaredEndpoint("GET", "/api/mcp/health", Location(ORDERS, 9), None),
        DeclaredEndpoint("GET", "/api/other", Location(ORDERS, 10), None),
    ]
    off = route("GET", "/api/mcp/health/", "app/mcp.py:health", 12, conditional=True,
                condition="ENABLE_MCP")  # fmt: skip
    code = CodeFacts((), (), inactive_routes=(off,))
    graph = TraceGraph([doc(ORDERS, [], eps)], [], [])
    ctx = CheckContext(graph, code, graph.requirement_results(), graph.route_results(), ("specs",))
    found = run_checks(ctx, selected_rules(Config()))
    messages = [(f.rule.code, f.subject, f.message) for f in found]
    setting = ("serves it only when `ENABLE_MCP`, which is false by default; if the deployment "
               "sets it, say so in [tool.traceaudit.values]")  # fmt: skip
    assert [(code, subject) for code, subject, _ in messages] == [
        ("TA008", "GET /api/mcp/*"), ("TA008", "GET /api/mcp/health"), ("TA008", "GET /api/other")
    ]
    assert "with the default settings: app/mcp.py:12 " + setting in messages[0][2]
    assert "with the default settings: app/mcp.py:12 " + setting in messages[1][2]
    assert messages[2][2].endswith("no live route serves it; add the route, or correct or "
                                   "remove the declaration")  # fmt: skip


def test_missing_auth() -> None:
    eps = [
        DeclaredEndpoint(
            "DELETE", "/api/orders/{id}", Location(ORDERS, 8), None, "Required (JWT)", True
        ),
        DeclaredEndpoint("GET", "/api/orders", Location(ORDERS, 9), None, "Required", True),
        DeclaredEndpoint("GET", "/api/products", Location(ORDERS, 10), None, "Public", False),
    ]
    _, findings = audit(
        [doc(ORDERS, [], eps)],
        routes=[
            route("DELETE", "/api/orders/{order_id}", "app/api/orders.py:delete_order", 40),
            route("GET", "/api/orders", "app/api/orders.py:list_orders", 50, auth=True),
            route("GET", "/api/products", "app/api/products.py:list_products", 60),
        ],
    )
    assert findings == [("TA009", "app/api/orders.py", 40, "DELETE /api/orders/{order_id}")]


def test_a_websocket_that_verifies_its_query_token_is_guarded() -> None:
    # a browser sends no header on a WebSocket: the token comes in the query, and the
    # handler verifies it itself (verify_token(token)); an HTTP route is held to the scheme
    eps = [
        DeclaredEndpoint("GET", "/ws/live", Location(ORDERS, 8), None, "Bearer token", True),
        DeclaredEndpoint("GET", "/api/feed", Location(ORDERS, 9), None, "Bearer token", True),
    ]
    ws = dataclasses.replace(
        route("GET", "/ws/live", "app/api/live.py:live", 30),
        methods=("WEBSOCKET",), verified_credentials=("query:token",),
    )
    feed = dataclasses.replace(
        route("GET", "/api/feed", "app/api/feed.py:feed", 40), verified_credentials=("query:token",)
    )
    _, findings = audit([doc(ORDERS, [], eps)], routes=[ws, feed])
    assert findings == [("TA009", "app/api/feed.py", 40, "GET /api/feed")]


def test_one_route_held_to_auth_by_two_declarations_is_one_finding() -> None:
    # A contract and a spec both say the route needs auth: one unguarded route is one
    # fact, so one TA009 that names both declarations, not two findings on one line.
    eps_orders = [
        DeclaredEndpoint("GET", "/api/orders", Location(ORDERS, 9), None, "Required", True),
    ]
    eps_catalog = [
        DeclaredEndpoint("GET", "/api/orders", Location(CATALOG, 14), None, "Bearer", True),
        DeclaredEndpoint("POST", "/api/orders", Location(CATALOG, 15), None, "Bearer", True),
    ]
    routes = [route("GET", "/api/orders", "app/api/orders.py:list_orders", 50)]
    routes.append(route("POST", "/api/orders", "app/api/orders.py:create_order", 60))
    graph = TraceGraph([doc(ORDERS, [], eps_orders), doc(CATALOG, [], eps_catalog)], [], routes)
    ctx = CheckContext(
        graph, CodeFacts((), tuple(routes)), graph.requirement_results(),
        graph.route_results(), ("specs",),
    )  # fmt: skip
    found = [
        (f.location.line, f.subject, f.message)
        for f in run_checks(ctx, selected_rules(Config()))
        if f.rule.code == "TA009"
    ]
    assert [(line, subject) for line, subject, _ in found] == [
        (50, "GET /api/orders"),
        (60, "POST /api/orders"),
    ]
    # the declarations in path order, the first one's auth words quoted
    assert f"({CATALOG}:14: Bearer; also {ORDERS}:9)" in found[0][2]
    assert "also" not in found[1][2]


def test_a_path_named_without_a_method_is_a_route_unless_declared_paths_lie_below() -> None:
    # `/health` names a route; `/api` is the base of `POST /api/roast`, not a route. A
    # declared path of many segments (a hostile server URL) costs linear memory: the bases
    # are looked up, never listed (listing every prefix of 20,000 segments takes 400 MB; of
    # the 500,000 of benchmarks/hostile's yaml-server-huge, over 4 GiB).
    deep = "/a" * 20_000 + "/x"
    eps = [
        DeclaredEndpoint("POST", "/api/roast", Location(ORDERS, 8), None),
        DeclaredEndpoint("GET", deep, Location(ORDERS, 9), None),
    ]
    named = (("/health", 20), ("/api", 21), ("/a/a", 22))
    routes = [
        route("GET", "/health", "app/main.py:health", 5),
        route("GET", "/api", "app/main.py:index", 9),
        route("GET", "/a/a", "app/main.py:aa", 12),
    ]
    tracemalloc.start()
    _, findings = audit([doc(ORDERS, [], eps, named_paths=named)], routes=routes)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [f for f in findings if f[0] == "TA002"] == [
        ("TA002", "app/main.py", 9, "GET /api"),
        ("TA002", "app/main.py", 12, "GET /a/a"),
    ]
    assert peak < 64 * 2**20


def test_parse_errors_unmounted_and_unresolved() -> None:
    code = CodeFacts(
        (),
        (),
        parse_errors=((Location("app/broken.py", 3), "invalid syntax"),),
        unmounted=(
            UnmountedRouter(
                "app/legacy.py:router",
                Location("app/legacy.py", 4),
                (Location("app/legacy.py", 7),),
            ),
        ),
        unresolved_paths=((Location("app/main.py", 9), "settings.ROOT_PATH"),),
    )
    bad = SpecDoc("specs/bad.md", "bad", (), (), (), error="not valid UTF-8 (byte 3)")
    _, findings = audit([bad], code=code)
    assert findings == [
        ("TA000", "app/broken.py", 3, "app/broken.py"),
        ("TA011", "app/legacy.py", 4, "app/legacy.py:router"),
        ("TA010", "app/main.py", 9, "settings.ROOT_PATH"),
        ("TA000", "specs/bad.md", 1, "specs/bad.md"),
    ]


def test_an_unresolved_expression_is_one_note_for_every_route_whose_path_uses_it() -> None:
    places = [Location(f"app/api/r{i}.py", 10 + i) for i in range(6)]
    code = CodeFacts(
        (),
        (),
        unresolved_paths=(
            *((p, "settings.API_PREFIX") for p in reversed(places)),
            (Location("app/other.py", 3), "tenant_root()"),
        ),
    )
    graph = TraceGraph([], [], [])
    ctx = CheckContext(graph, code, [], [], ("specs",))
    notes = [f for f in run_checks(ctx, selected_rules(Config())) if f.rule.code == "TA010"]
    assert [(str(f.location), f.subject) for f in notes] == [
        ("app/api/r0.py:10", "settings.API_PREFIX"),
        ("app/other.py:3", "tenant_root()"),
    ]
    assert notes[0].message.startswith(
        "the paths of 6 routes (this one, app/api/r1.py:11, app/api/r2.py:12, "
        "app/api/r3.py:13 and 2 more) use `settings.API_PREFIX`"
    )
    assert notes[1].message.startswith("the route path uses `tenant_root()`")


def test_disable_and_severity_overrides() -> None:
    config = Config(disable=("TA001",), severity=(("undocumented-endpoint", Severity.ERROR),))
    rules = {r.code: r.severity for r in selected_rules(config)}
    assert "TA001" not in rules
    assert rules["TA002"] is Severity.ERROR
    _, findings = audit([doc(ORDERS, [req(ORDERS, "FR-001", 5)])], config=config)
    assert findings == []


def test_rule_codes_and_names_are_unique_and_stable() -> None:
    assert len({r.code for r in RULES}) == len({r.name for r in RULES}) == len(RULES)
    assert [r.code for r in RULES] == [
        f"TA{i:03d}" for i in (*range(15), 20, 21, 22, 23, 24, 30, 31, 32)
    ]
    # every rule is documented: what it means and what to do, for SARIF and the README
    assert all(r.description and r.fix and r.tags for r in RULES)


def test_normalize_path() -> None:
    assert normalize_path("/users/{user_id}/") == "/users/{}"
    assert normalize_path("/users/:id") == "/users/{}"
    assert normalize_path("/") == "/"
    assert normalize_path("//a//b") == "/a/b"


# -- TA020 .. TA023 -----------------------------------------------------------

TASKS = "specs/orders/tasks.md"


def tasks_doc(*tasks: tuple[str, bool, str | None]) -> SpecDoc:
    reqs = [
        req(TASKS, t, 3 + i, kind=ReqKind.TASK, claimed_done=done)
        for i, (t, done, _) in enumerate(tasks)
    ]
    links = tuple(
        SpecLink(
            f"{TASKS}::{t}", RefTarget(RefKind.ID, target), "implements", Location(TASKS, 3 + i)
        )
        for i, (t, _, target) in enumerate(tasks)
        if target
    )
    return doc(TASKS, reqs, links=links)


def test_claimed_but_untraced() -> None:
    tasks = tasks_doc(
        ("T001", True, "FR-001"),
        ("T002", True, "FR-002"),
        ("T003", False, "FR-002"),
        ("T004", True, None),
    )
    _, findings = audit(
        [doc(ORDERS, [req(ORDERS, "FR-001", 5), req(ORDERS, "FR-002", 6)]), tasks],
        refs=[ref("FR-001")],
    )
    # T001's requirement is cited; T003 is not ticked; T004 names no requirement (a chore)
    assert [f for f in findings if f[0] == "TA020"] == [("TA020", TASKS, 4, f"{TASKS}::T002")]


def test_out_of_scope_implemented() -> None:
    eps = [DeclaredEndpoint("GET", "/api/export", Location(ORDERS, 40), scope=Scope.OUT_OF_SCOPE)]
    _, findings = audit(
        [
            doc(
                ORDERS,
                [
                    req(ORDERS, "FR-009", 38, scope=Scope.OUT_OF_SCOPE),
                    req(ORDERS, "FR-010", 39, scope=Scope.OUT_OF_SCOPE),
                ],
                eps,
            )
        ],
        refs=[ref("FR-009", line=12)],
        routes=[route("GET", "/api/export", "app/api/export.py:export", 7)],
    )
    assert findings == [
        ("TA021", "app/api/export.py", 7, "GET /api/export"),
        ("TA021", "app/api/orders.py", 12, f"{ORDERS}::FR-009"),
    ]


def test_needs_clarification_and_implemented_while_unclear() -> None:
    reqs = [
        req(ORDERS, "FR-001", 5, needs_clarification=True),
        req(ORDERS, "FR-002", 6, needs_clarification=True),
    ]
    graph, findings = audit([doc(ORDERS, reqs)], refs=[ref("FR-002", line=9)])
    assert findings == [
        ("TA023", "app/api/orders.py", 9, f"{ORDERS}::FR-002"),
        ("TA022", ORDERS, 5, f"{ORDERS}::FR-001"),
        ("TA022", ORDERS, 6, f"{ORDERS}::FR-002"),
    ]
    assert statuses(graph) == {"FR-001": "needs-clarification", "FR-002": "implemented"}


def test_unambiguous_ids_nearby_settle_the_feature() -> None:
    a, b = ".kiro/specs/api/requirements.md", ".kiro/specs/engine/requirements.md"
    o, c = "specs/orders/spec.md", "specs/catalog/spec.md"
    docs = [
        doc(
            a, [req(a, "1.1", 5, kind=ReqKind.CRITERION), req(a, "29.2", 6, kind=ReqKind.CRITERION)]
        ),
        doc(b, [req(b, "1.1", 5, kind=ReqKind.CRITERION)]),
        doc(o, [req(o, "BR-1", 5), req(o, "FR-009", 6)]),
        doc(c, [req(c, "BR-1", 5)]),
    ]
    graph, _ = audit(
        docs,
        refs=[
            ref("1.1", symbol="app/api.py:f", hint="requirement", line=4),
            ref("29.2", symbol="app/api.py:f", hint="requirement", line=4),
            ref("1.1", symbol="app/api.py:g", hint="requirement", line=9),  # same module
            ref("FR-009", symbol="app/schemas.py:Order", line=4),
            ref("BR-1", symbol="app/schemas.py:Money", line=9),  # other docstring
            ref("BR-1", symbol="app/schemas.py:Order", line=5),  # same docstring
        ],
    )
    got = [(lr.ref.target.value, lr.resolution.status, lr.resolution.nodes) for lr in graph.linked]
    assert got == [
        ("1.1", "ok", (f"req:{a}::1.1",)),
        ("29.2", "ok", (f"req:{a}::29.2",)),
        # Kiro numbers restart in every feature: the module's other numbers tell which
        ("1.1", "ok", (f"req:{a}::1.1",)),
        ("FR-009", "ok", (f"req:{o}::FR-009",)),
        # a named id in another docstring is not settled by the module's other ids
        ("BR-1", "ambiguous", ()),
        ("BR-1", "ok", (f"req:{o}::BR-1",)),
    ]


def test_a_bare_criterion_is_the_story_its_enclosing_docstrings_name() -> None:
    """Story files each define their own AC-6: the one story that the method's class
    docstring (or else the module docstring) cites is the one meant; a sibling class's
    docstring says nothing of it."""
    f26, f29 = "docs/stories/EPIC-07/STORY-026.md", "docs/stories/EPIC-09/STORY-029.md"
    docs = [
        doc(f26, [req(f26, "STORY-026", 1, kind=ReqKind.STORY),
                  req(f26, "AC-6", 9, title="Credits are deducted per message")]),
        doc(f29, [req(f29, "STORY-029", 1, kind=ReqKind.STORY),
                  req(f29, "AC-6", 9, title="Generated Cypher is read-only")]),
    ]
    graph, _ = audit(
        docs,
        refs=[
            ref("STORY-029", symbol="app/query.py:GraphQuery", line=3),
            ref("AC-6", symbol="app/query.py:GraphQuery.run", line=9),
            ref("STORY-026", symbol="app/chat.py", line=1),  # the module's docstring
            ref("AC-6", symbol="app/chat.py:Chat.send", line=20),
            ref("AC-6", symbol="app/other.py:Other.f", line=7),  # nothing around it
        ],
    )
    got = [(lr.ref.symbol, lr.resolution.status, lr.resolution.nodes) for lr in graph.linked
           if lr.ref.target.value == "AC-6"]  # fmt: skip
    assert got == [
        ("app/query.py:GraphQuery.run", "ok", (f"req:{f29}::AC-6",)),
        ("app/chat.py:Chat.send", "ok", (f"req:{f26}::AC-6",)),
        ("app/other.py:Other.f", "ambiguous", ()),
    ]


def test_kiro_criteria_resolve_through_the_feature_named_in_the_module() -> None:
    a, b = ".kiro/specs/stock-tracking/requirements.md", ".kiro/specs/alerts/requirements.md"
    docs = [
        doc(a, [req(a, "1.1", 5, kind=ReqKind.CRITERION), req(a, "Requirement 1", 4)]),
        doc(b, [req(b, "1.1", 5, kind=ReqKind.CRITERION), req(b, "需求 1", 4)]),
    ]
    feature = CodeRef(
        RefTarget(RefKind.FILE, "stock-tracking", "stock-tracking", hint="feature"),
        RefSource.DOCSTRING,
        "app/stock.py",
        Location("app/stock.py", 1),
    )
    graph, _ = audit(
        docs,
        refs=[
            feature,
            ref("1.1", symbol="app/stock.py:track", hint="requirement", line=4),
            ref("1.1", symbol="app/other.py:f", hint="requirement", line=4),
            ref("Requirement 1", symbol="app/third.py:g", hint="requirement", line=4),
        ],
    )
    by_path = {
        lr.ref.location.path: lr.resolution
        for lr in graph.linked
        if lr.ref.target.hint == "requirement"
    }
    assert by_path["app/stock.py"].nodes == (f"req:{a}::1.1",)
    assert by_path["app/other.py"].status == "ambiguous"
    assert by_path["app/third.py"].status == "ambiguous"  # "Requirement 1" and "需求 1"


def test_a_route_declared_elsewhere_is_not_a_near_miss() -> None:
    eps = [
        DeclaredEndpoint("GET", "/api/items/{id}", Location(CATALOG, 8)),
        DeclaredEndpoint("PUT", "/api/items/{id}", Location(CATALOG, 9)),
        DeclaredEndpoint("DELETE", "/api/items/{id}", Location(CATALOG, 10)),
    ]
    routes = [
        route("GET", "/api/items/{item_id}", "app/items.py:read", 3),
        route("PATCH", "/api/items/{item_id}", "app/items.py:update", 9),
    ]
    graph, findings = audit([doc(CATALOG, [], eps)], routes=routes)
    assert [(m.endpoint.method, m.exact, m.method_mismatch) for m in graph.endpoint_matches] == [
        ("GET", (0,), ()),
        ("PUT", (), (1,)),  # PATCH is the PUT's near miss, not the DELETE's
        ("DELETE", (), ()),
    ]
    assert [f[0] for f in findings] == ["TA006", "TA008"]


def test_a_router_may_be_live_through_an_include_only_run_time_knows() -> None:
    from traceaudit.model import UnresolvedRegistration

    dead = UnmountedRouter(
        "app/slack.py:router", Location("app/slack.py", 4), (Location("app/slack.py", 9),)
    )
    unknown = UnresolvedRegistration(
        Location("app/plugins.py", 16), "include_router(plugin.events): ..."
    )
    graph = TraceGraph([doc(ORDERS, [])], (), ())
    code = CodeFacts((), (), unmounted=(dead,), unresolved=(unknown,))
    ctx = CheckContext(graph, code, (), (), ("specs",))
    (finding,) = [f for f in run_checks(ctx, selected_rules(Config())) if f.rule.code == "TA011"]
    assert (
        "live only if the include at app/plugins.py:16, which run time decides, adds it"
        in finding.message
    )


def test_openfasttrace_revision_must_match() -> None:
    dsn = "doc/design.md"
    item = req(dsn, "dsn~validate-request~1", 5, kind=ReqKind.ITEM)
    tag = ref("dsn~validate-request~2", hint="oft", line=7)
    graph, findings = audit([doc(dsn, [item])], refs=[tag])
    assert findings == [
        ("TA003", "app/api/orders.py", 7, "dsn~validate-request~2"),
        ("TA001", dsn, 5, f"{dsn}::dsn~validate-request~1"),
    ]
    assert graph.linked[0].resolution.suggestion == "dsn~validate-request~1"


def test_openfasttrace_chain_impl_to_dsn_to_req() -> None:
    from traceaudit.specs.markdown import parse_spec

    text = (
        "# Design\n\n"
        "## Login\n`req~login~1`\n\nUsers log in.\n\nNeeds: dsn\n\n"
        "## Validate credentials\n`dsn~validate-credentials~1`\n\nChecks the password.\n\n"
        "Covers:\n- req~login~1\n\nNeeds: impl\n"
    )
    spec = parse_spec(text, "doc/spec.md", Config())
    tag = ref("dsn~validate-credentials~1", hint="oft", symbol="app/auth.py:login")
    graph, findings = audit([spec], refs=[tag])
    assert findings == []
    res = {r.requirement.id: r for r in graph.requirement_results()}
    assert res["req~login~1"].status is ReqStatus.IMPLEMENTED
    assert res["req~login~1"].implemented_by[0].via == "via dsn~validate-credentials~1"


# -- TA024 ----------------------------------------------------------------------


def _tasks_board() -> list[SpecDoc]:
    us5 = req(ORDERS, "US5", 5, kind=ReqKind.STORY, title="Delete an order")
    us6 = req(ORDERS, "US6", 9, kind=ReqKind.STORY, title="Rename an order")
    eps = [
        DeclaredEndpoint("DELETE", "/orders/{id}", Location(ORDERS, 6), f"{ORDERS}::US5"),
        DeclaredEndpoint("PATCH", "/orders/{id}", Location(ORDERS, 10), f"{ORDERS}::US6"),
    ]
    return [doc(ORDERS, [us5, us6], eps)]


def test_a_handler_citing_another_routes_item_is_a_citation_mismatch() -> None:
    delete = route("DELETE", "/orders/{order_id}", "app/api/orders.py:delete_order", line=20)
    rename = route("PATCH", "/orders/{order_id}", "app/api/orders.py:rename_order", line=30)
    refs = [
        ref("US5", symbol="app/api/orders.py:delete_order", line=21),
        ref("US5", symbol="app/api/orders.py:rename_order", line=31),  # wrong story
    ]
    _, findings = audit(_tasks_board(), refs=refs, routes=[delete, rename])
    assert [f for f in findings if f[0] == "TA024"] == [
        ("TA024", "app/api/orders.py", 31, f"{ORDERS}::US5")
    ]


def test_no_citation_mismatch_without_certain_evidence() -> None:
    # DELETE served nowhere: the handler's own path with another method is still a mismatch
    rename = route("PATCH", "/orders/{order_id}", "app/api/orders.py:rename_order", line=30)
    wrong = ref("US5", symbol="app/api/orders.py:rename_order", line=31)
    _, findings = audit(_tasks_board(), refs=[wrong], routes=[rename])
    assert ("TA024", "app/api/orders.py", 31, f"{ORDERS}::US5") in findings
    # a helper that is no handler, or a handler at another path, is not accused
    other = route("POST", "/v2/archive", "app/api/orders.py:archive", line=40)
    refs = [
        ref("US5", symbol="app/services/x.py:helper"),
        ref("US5", symbol="app/api/orders.py:archive"),
    ]
    _, findings = audit(_tasks_board(), refs=refs, routes=[other])
    assert [f for f in findings if f[0] == "TA024"] == []


def test_an_ambiguous_id_whose_words_match_no_candidate_says_so() -> None:
    docs = [
        doc(ORDERS, [req(ORDERS, "T033", 5, title="Order summary page buttons")]),
        doc(CATALOG, [req(CATALOG, "T033", 9, title="Catalog storybook story")]),
    ]
    nothing_alike = dataclasses.replace(
        ref("T033", line=3, symbol="app/agents.py:create"),
        text="TODO: build the pydantic agent registry here in T033",
    )
    some_alike = dataclasses.replace(
        ref("T033", line=7, symbol="app/views.py:show"),
        text="the summary buttons of every order (T033)",
    )
    graph = TraceGraph(docs, [nothing_alike, some_alike], [])
    messages = {
        f.location.path: f.message
        for f in checked(graph, CodeFacts((nothing_alike, some_alike), ()))
        if f.rule.code == "TA004"
    }
    assert "match none of them; if it cites another spec" in messages["app/agents.py"]
    # words that one candidate has settle it: no TA004 at all
    assert "app/views.py" not in messages
    assert graph.linked[1].resolution.nodes == (f"req:{ORDERS}::T033",)


def test_an_endpoint_written_for_requirements_traces_them_when_served() -> None:
    # plan.md: "**POST /api/orders** (FR-001, FR-002)"; FR-003 is named nowhere near it
    plan = ORDERS.replace("spec.md", "plan.md")
    ep = DeclaredEndpoint(
        "POST", "/api/orders", Location(plan, 12), None, hints=("for:FR-001", "for:FR-002")
    )
    reqs = [req(ORDERS, "FR-001", 5), req(ORDERS, "FR-002", 6), req(ORDERS, "FR-003", 7)]
    graph, findings = audit(
        [doc(ORDERS, reqs), doc(plan, [], [ep])], routes=[route("POST", "/api/orders")]
    )
    assert [f for f in findings if f[0] == "TA001"] == [("TA001", ORDERS, 7, f"{ORDERS}::FR-003")]
    status = {r.requirement.id: r.status for r in graph.requirement_results()}
    assert status == {
        "FR-001": ReqStatus.IMPLEMENTED, "FR-002": ReqStatus.IMPLEMENTED,
        "FR-003": ReqStatus.UNIMPLEMENTED,
    }  # fmt: skip
    # unserved, it traces nothing
    graph, findings = audit([doc(ORDERS, reqs), doc(plan, [], [ep])])
    assert sorted(f[3] for f in findings if f[0] == "TA001") == [
        f"{ORDERS}::FR-001", f"{ORDERS}::FR-002", f"{ORDERS}::FR-003"
    ]  # fmt: skip


def test_a_cited_story_traces_its_criteria_only_when_configured() -> None:
    story = "docs/stories/3.5.story.md"
    reqs = [
        req(story, "Story 3.5", 1, kind=ReqKind.STORY, title="SLA thresholds"),
        req(story, "3.5.1", 5, kind=ReqKind.CRITERION, parent_key=f"{story}::Story 3.5"),
        req(story, "3.5.2", 6, kind=ReqKind.CRITERION, parent_key=f"{story}::Story 3.5"),
    ]
    refs = [ref("Story 3.5", line=2, symbol="app/sla.py:optimise", hint="story")]
    graph = TraceGraph([doc(story, reqs)], refs, [])
    strict = {f.subject: f.message for f in checked(graph, CodeFacts(tuple(refs), ()))}
    assert sorted(strict) == [f"{story}::3.5.1", f"{story}::3.5.2"]
    assert "no code cites it on its own (code cites `Story 3.5`, which holds it, at " \
        "`app/sla.py:2`" in strict[f"{story}::3.5.1"]
    results = {r.requirement.id: r for r in graph.requirement_results(criteria_by_story=True)}
    assert results["3.5.1"].status is ReqStatus.IMPLEMENTED
    assert [e.via for e in results["3.5.2"].implemented_by] == ["via its story Story 3.5"]
    # a story implemented only through one of its criteria lends nothing to the others
    refs = [ref("3.5.1", line=2, symbol="app/sla.py:optimise")]
    graph = TraceGraph([doc(story, reqs)], refs, [])
    results = {r.requirement.id: r for r in graph.requirement_results(criteria_by_story=True)}
    assert results["3.5.1"].status is ReqStatus.IMPLEMENTED
    assert results["3.5.2"].status is ReqStatus.UNIMPLEMENTED


def test_an_ambiguous_file_citation_with_words_around_it_is_a_ta004() -> None:
    """Two features each hold `contracts/allowlist-delta.md`: a comment that cites it with
    words that match neither is TA004, never a crash (the candidates are file paths)."""
    a = "specs/021-console/contracts/allowlist-delta.md"
    b = "specs/027-lifecycle/contracts/allowlist-delta.md"
    docs = [doc(a, [req(a, "FR-001", 3)]), doc(b, [req(b, "FR-001", 3)])]
    cited = dataclasses.replace(
        ref("contracts/allowlist-delta.md", RefKind.FILE, "contracts/allowlist-delta.md",
            symbol="ui/lib/gw-allowlist.ts", line=91),
        text="Gateway routes that the browser may reach, see contracts/allowlist-delta.md",
    )  # fmt: skip
    graph, found = audit(docs, refs=[cited])
    assert [lr.resolution.status for lr in graph.linked] == ["ambiguous"]
    assert [f for f in found if f[0] == "TA004"] == [
        ("TA004", "ui/lib/gw-allowlist.ts", 91, "contracts/allowlist-delta.md")
    ]


def test_a_feature_number_before_a_bare_id_names_its_feature() -> None:
    """``# 018 US3`` and ``(002 US2, T051)``: spec-kit numbers its features, and the number
    written before an id names the feature it is of; a number no feature has says nothing."""
    a, b = "specs/002-hardening/spec.md", "specs/018-platform-rearchitecture/spec.md"
    docs = [
        doc(a, [req(a, "US3", 5, kind=ReqKind.STORY, title="Rotate secrets")]),
        doc(b, [req(b, "US3", 5, kind=ReqKind.STORY, title="Split the gateway")]),
    ]
    graph, _ = audit(
        docs,
        refs=[
            ref("US3", symbol="gateway/app/main.py:f", qualifier="018"),
            ref("US3", symbol="gateway/app/main.py:g", qualifier="002", line=9),
            ref("US3", symbol="gateway/app/main.py:h", qualifier="2024", line=12),
        ],
    )
    assert [(lr.resolution.status, lr.resolution.nodes) for lr in graph.linked] == [
        ("ok", (f"req:{b}::US3",)),
        ("ok", (f"req:{a}::US3",)),
        ("ambiguous", ()),
    ]


def test_a_crud_lists_item_methods_are_served_by_the_items_route() -> None:
    """``GET/POST/PUT/DELETE /v1/profiles``: DELETE's ``item`` hint is served by ``DELETE
    /v1/profiles/{profile_id}``; without a route of one item it stays unserved (TA008)."""
    path = "docs/stories/STORY-020.md"
    eps = [
        DeclaredEndpoint("GET", "/v1/profiles", Location(path, 43)),
        DeclaredEndpoint("DELETE", "/v1/profiles", Location(path, 43), hints=("item",)),
        DeclaredEndpoint("PUT", "/v1/profiles", Location(path, 43), hints=("item",)),
    ]
    _, found = audit(
        [doc(path, [], eps)],
        routes=[
            route("GET", "/v1/profiles", "app/profiles.py:list_profiles"),
            route("DELETE", "/v1/profiles/{profile_id}", "app/profiles.py:delete_profile"),
        ],
    )
    assert [f for f in found if f[0] == "TA008"] == [("TA008", path, 43, "PUT /v1/profiles")]
