"""Bare references settled by the evidence a reviewer uses (TraceGraph._settle), and
spec links that stay inside their feature."""

from __future__ import annotations

import dataclasses

from tests.trace.test_checks import audit, doc, ref, req, route
from traceaudit.model import (
    CodeRef,
    DeclaredEndpoint,
    Location,
    RefKind,
    RefSource,
    RefTarget,
    ReqKind,
    SpecLink,
)
from traceaudit.trace import TraceGraph

A, B = "specs/001-orders/spec.md", "specs/002-billing/spec.md"
A_TASKS, B_TASKS = "specs/001-orders/tasks.md", "specs/002-billing/tasks.md"


def two_features(**titles: str) -> list:  # type: ignore[type-arg]
    return [
        doc(A, [req(A, "FR-001", 5, title=titles.get("a", "Orders can be placed"))]),
        doc(B, [req(B, "FR-001", 5, title=titles.get("b", "Invoices can be sent"))]),
    ]


def resolved(graph: TraceGraph) -> list[tuple[str, tuple[str, ...]]]:
    return [(lk.resolution.status, lk.resolution.nodes) for lk in graph.linked]


def feature_task(path: str, ident: str, words: str) -> list:  # type: ignore[type-arg]
    """Both features, with one task of the feature at ``path`` saying ``words``."""
    task = dataclasses.replace(req(path, ident, 4, kind=ReqKind.TASK, title=words), text=words)
    return [*two_features(), doc(path, [task])]


def test_the_task_that_names_the_citing_file_settles_it() -> None:
    docs = feature_task(A_TASKS, "T010", "Checkout in app/services/checkout.py")
    graph = TraceGraph(docs, [ref("FR-001", symbol="app/services/checkout.py:pay")], [])
    assert resolved(graph) == [("ok", (f"req:{A}::FR-001",))]


def test_a_task_naming_the_file_inside_a_brace_group_settles_it() -> None:
    # `pkg/{core,models}/__init__.py` names both files, as the shell expands it
    docs = feature_task(A_TASKS, "T001", "Create `app/{core,models,api/v1}/__init__.py` packages")
    cref = ref("FR-001", symbol="app/models/__init__.py")
    graph = TraceGraph(docs, [cref], [], source_files=["app/models/__init__.py"])
    assert resolved(graph) == [("ok", (f"req:{A}::FR-001",))]


def test_a_bare_file_name_that_many_files_have_names_none_of_them() -> None:
    # "with `__init__.py` files" in billing's task names no particular package
    docs = feature_task(B_TASKS, "T001", "Create empty packages with `__init__.py` files")
    files = ["app/models/__init__.py", "app/api/__init__.py"]
    cref = ref("FR-001", symbol="app/models/__init__.py")
    graph = TraceGraph(docs, [cref], [], source_files=files)
    assert [s for s, _ in resolved(graph)] == ["ambiguous"]
    # the same words name the one file of that name a project has
    graph = TraceGraph(docs, [cref], [], source_files=files[:1])
    assert resolved(graph) == [("ok", (f"req:{B}::FR-001",))]


def test_the_endpoint_the_citing_handler_serves_settles_it() -> None:
    ep = DeclaredEndpoint("POST", "/invoices", Location(B, 9), f"{B}::FR-001")
    docs = [doc(A, [req(A, "FR-001", 5)]), doc(B, [req(B, "FR-001", 5)], [ep])]
    handler = "app/api/money.py:send_invoice"
    graph = TraceGraph(docs, [ref("FR-001", symbol=handler)], [route("POST", "/invoices", handler)])
    assert resolved(graph) == [("ok", (f"req:{B}::FR-001",))]


def test_the_feature_folder_named_like_the_package_settles_it() -> None:
    graph = TraceGraph(two_features(), [ref("FR-001", symbol="backend/billing/send.py:go")], [])
    assert resolved(graph) == [("ok", (f"req:{B}::FR-001",))]
    # a package named in the singular is the feature named in the plural, and back
    graph = TraceGraph(two_features(), [ref("FR-001", symbol="tests/domain/order/t.py:go")], [])
    assert resolved(graph) == [("ok", (f"req:{A}::FR-001",))]


def test_the_words_around_the_reference_settle_it() -> None:
    docs = two_features(a="Prices are stored as integer cents", b="Invoices are emailed monthly")
    cref = dataclasses.replace(
        ref("FR-001", symbol="app/money.py"), text="Implements FR-001: amounts are integer cents"
    )
    assert resolved(TraceGraph(docs, [cref], [])) == [("ok", (f"req:{A}::FR-001",))]


def test_a_frontend_comment_is_the_frontend_features() -> None:
    plan = dataclasses.replace(doc("specs/002-billing/plan.md", []), stack=(
        "Language/Version: TypeScript 5",
    ))  # fmt: skip
    ts = CodeRef(
        RefTarget(RefKind.ID, "FR-001", None, "FR-001"), RefSource.COMMENT, "web/src/Pay.tsx",
        Location("web/src/Pay.tsx", 3), language="typescript",
    )  # fmt: skip
    graph = TraceGraph([*two_features(), plan], [ts], [])
    assert resolved(graph) == [("ok", (f"req:{B}::FR-001",))]


def test_a_real_tie_stays_ambiguous() -> None:
    _, findings = audit(two_features(), refs=[ref("FR-001", symbol="app/util.py:helper")])
    assert [f[0] for f in findings if f[0] == "TA004"] == ["TA004"]


def test_the_one_feature_that_defines_every_id_of_a_docstring_settles_them() -> None:
    # "Requirements: 3.7, 6.2": three Kiro features have a 3.7 or a 6.2, one has both
    paths = [f".kiro/specs/{name}/requirements.md" for name in ("approval", "logging", "search")]
    have = {paths[0]: ("3.7", "6.2"), paths[1]: ("3.7",), paths[2]: ("6.2",)}
    docs = [
        doc(p, [req(p, n, 4 + k, kind=ReqKind.CRITERION) for k, n in enumerate(ids)])
        for p, ids in have.items()
    ]
    cites = [ref(n, symbol="tests/test_requests.py", hint="requirement") for n in ("3.7", "6.2")]
    graph = TraceGraph(docs, cites, [])
    assert resolved(graph) == [
        ("ok", (f"req:{paths[0]}::3.7",)), ("ok", (f"req:{paths[0]}::6.2",))
    ]
    # one id alone says nothing of which
    graph = TraceGraph(docs, cites[:1], [])
    assert [s for s, _ in resolved(graph)] == ["ambiguous"]


def test_one_story_restated_in_several_files_is_one_story() -> None:
    title = "Skill-JD Matching Foundation"
    epic, story = "docs/prd/epic-5.md", "docs/stories/5.5.story.md"
    docs = [
        doc(path, [req(path, "Story 5.5", 3, kind=ReqKind.STORY, title=title)])
        for path in (epic, story)
    ]
    graph = TraceGraph(docs, [ref("Story 5.5", symbol="app/x.py", hint="story")], [])
    assert resolved(graph)[0][0] == "ok" and len(resolved(graph)[0][1]) == 2


def test_a_story_tag_means_the_own_features_story() -> None:
    """[US5] in 002's tasks.md is 002's story; the only US5 of the project, 001's, is not it."""
    story = req(A, "US5", 3, kind=ReqKind.STORY)
    task = req(B_TASKS, "T093", 7, kind=ReqKind.TASK, claimed_done=True)
    link = SpecLink(f"{B_TASKS}::T093", RefTarget(RefKind.ID, "US5"), "story", Location(B_TASKS, 7))
    graph, findings = audit([doc(A, [story]), doc(B_TASKS, [task], links=(link,))])
    assert graph.linked_requirements(f"{B_TASKS}::T093") == []
    # still a claim about a story: untraced, and the message says the story is not 002's
    (ta020,) = [f for f in findings if f[0] == "TA020"]
    assert ta020[3] == f"{B_TASKS}::T093"


def test_user_story_5_is_us_5_and_us5() -> None:
    story = req(A, "US-5", 3, kind=ReqKind.STORY, title="Delete a task")
    cited = ref("US5", symbol="app/tasks.py:delete", hint="story")  # "User Story 5"
    graph = TraceGraph([doc(A, [story])], [cited], [])
    assert resolved(graph) == [("ok", (f"req:{A}::US-5",))]


def test_the_route_the_comment_names_settles_it() -> None:
    # both features' T040 name the citing file; the banner names the route of 001's
    a = dataclasses.replace(
        req(A_TASKS, "T040", 4, kind=ReqKind.TASK, title="Implement PUT /api/orders/{id}"),
        text="Implement PUT /api/orders/{id} in app/api/orders.py",
    )
    b = dataclasses.replace(
        req(B_TASKS, "T040", 4, kind=ReqKind.TASK, title="Implement POST /api/orders"),
        text="Implement POST /api/orders in app/api/orders.py",
    )
    banner = dataclasses.replace(
        ref("T040", symbol="app/api/orders.py"), text="PUT /api/orders/{order_id} - Update (T040)"
    )
    graph = TraceGraph([doc(A_TASKS, [a]), doc(B_TASKS, [b])], [banner], [])
    assert resolved(graph) == [("ok", (f"req:{A_TASKS}::T040",))]


def test_the_other_ids_of_a_range_settle_the_rest_of_it() -> None:
    # "T110-T116": T111 is only 001's, so T110 (also 002's) is 001's too
    docs = [
        doc(
            A_TASKS,
            [
                req(A_TASKS, "T110", 4, kind=ReqKind.TASK),
                req(A_TASKS, "T111", 5, kind=ReqKind.TASK),
            ],
        ),
        doc(B_TASKS, [req(B_TASKS, "T110", 4, kind=ReqKind.TASK)]),
    ]
    refs = [
        ref("T110", symbol="web/hooks.test.py", line=3),
        ref("T111", symbol="web/hooks.test.py", line=3),
    ]
    assert resolved(TraceGraph(docs, refs, [])) == [
        ("ok", (f"req:{A_TASKS}::T110",)), ("ok", (f"req:{A_TASKS}::T111",))
    ]  # fmt: skip


def test_a_story_file_defines_its_story_an_epic_lists_it() -> None:
    story = "docs/stories/2.2.category-scheduling.md"
    docs = [
        doc(
            "docs/prd.md",
            [req("docs/prd.md", "Story 2.2", 9, kind=ReqKind.STORY, title="Schedules")],
        ),
        doc(story, [req(story, "Story 2.2", 1, kind=ReqKind.STORY, title="Category scheduling")]),
    ]
    graph = TraceGraph(docs, [ref("Story 2.2", symbol="tests/test_fix.py", hint="story")], [])
    assert resolved(graph) == [("ok", (f"req:{story}::Story 2.2",))]


def test_one_features_item_written_in_two_of_its_files_is_no_ambiguity() -> None:
    a, b = "specs/001-triage/tasks.md", "specs/001-triage/tasks-milestone-2.md"
    docs = [
        doc(a, [req(a, "1.6", 4, kind=ReqKind.TASK, title="Create main API routes")]),
        doc(b, [req(b, "1.6", 4, kind=ReqKind.TASK, title="Create main API routes: routes.py")]),
    ]
    graph = TraceGraph(docs, [ref("1.6", symbol="app/main.py", hint="task")], [])
    assert resolved(graph) == [("ok", (f"req:{b}::1.6", f"req:{a}::1.6"))]


def test_closest_is_difflibs_one_close_match() -> None:
    """The suggestion for a dangling reference is the match difflib gives (highest ratio,
    ties to the greatest string), found with fewer full ratios."""
    import difflib
    import random

    from traceaudit.trace.index import closest

    rng = random.Random(11)
    letters = "FRT-0123456789ab"
    for _ in range(1500):
        pool = [
            "".join(rng.choice(letters) for _ in range(rng.randint(1, 8)))
            for _ in range(rng.randint(0, 40))
        ]
        pool += pool[: rng.randint(0, 3)]  # repeated candidates
        word = "".join(rng.choice(letters) for _ in range(rng.randint(1, 8)))
        for cutoff in (0.0, 0.5, 0.6, 0.9):
            want = difflib.get_close_matches(word, pool, n=1, cutoff=cutoff)
            assert closest(word, pool, cutoff) == (want[0] if want else None)


def test_a_task_id_names_the_subtask_of_that_number_when_only_it_exists() -> None:
    story = "docs/stories/6.2_Story.md"
    sub = req(story, "SUBTASK-6.2.1.3", 9, kind=ReqKind.REQUIREMENT, title="Multi-signal tracking")
    graph = TraceGraph([doc(story, [sub])], [ref("TASK-6.2.1.3"), ref("TASK-6.2.1.4")], [])
    assert resolved(graph) == [
        ("ok", (f"req:{story}::SUBTASK-6.2.1.3",)),
        ("dangling", ()),
    ]


def test_a_story_part_resolves_by_its_story_number_and_its_step_label() -> None:
    story = "docs/stories/5.3_Story.md"
    other = "docs/stories/6.1_Story.md"
    ac4 = req(story, "AC4", 6, kind=ReqKind.CRITERION, title="Fallback within 10 seconds")
    sub = req(story, "SUBTASK-5.3.2.1", 11, kind=ReqKind.REQUIREMENT, title="Transport")
    homing = req(other, "SUBTASK-6.1.2.3", 10, kind=ReqKind.REQUIREMENT, title="Homing")
    docs = [
        doc(story, [ac4, sub], step_labels=(("8c", sub.key),)),
        doc(other, [req(other, "AC4", 5, kind=ReqKind.CRITERION), homing],
            step_labels=(("16c", homing.key), ("8c", homing.key))),
    ]  # fmt: skip
    refs = [
        ref("AC5.3.4"),  # story 5.3's AC4, not story 6.1's
        ref("TASK-5.3.8c"),  # story 5.3's step [8c]
        ref("6.1.16c", hint="task"),  # "Task 6.1.16c"
        ref("16c", hint="task"),  # "Task 16c": one story has that step
        ref("8c", hint="task"),  # "Task 8c": two stories have it, nothing settles which
        ref("TASK-5.3.8d"),  # no such step
        ref("AC5.3.9"),  # no such criterion
        ref("AC7.1.4"),  # no such story
    ]
    graph = TraceGraph(docs, refs, [])
    assert resolved(graph) == [
        ("ok", (f"req:{ac4.key}",)),
        ("ok", (f"req:{sub.key}",)),
        ("ok", (f"req:{homing.key}",)),
        ("ok", (f"req:{homing.key}",)),
        ("ignored", ()),
        ("dangling", ()),
        ("dangling", ()),
        ("dangling", ()),
    ]


def test_a_task_number_under_a_story_line_is_that_storys_task() -> None:
    """``Story 6.1: ConfigInitService`` then ``Task 2: ...`` in one docstring: the story's own
    file (``6-1-config-init-service.md``) holds the Task 2 meant; a story with no such task
    names nothing (dangling); with no story named, the stories that have a Task 2 make it a
    known step, not a gap (ignored), unless only one has it."""
    six = "_bmad-output/implementation-artifacts/6-1-config-init-service.md"
    five = "_bmad-output/implementation-artifacts/5-1-mod-service.md"
    docs = [
        doc(six, [req(six, "Story 6.1", 1, kind=ReqKind.STORY),
                  req(six, "Task 2", 32, kind=ReqKind.TASK)]),
        doc(five, [req(five, "Story 5.1", 1, kind=ReqKind.STORY),
                   req(five, "Task 2", 40, kind=ReqKind.TASK),
                   req(five, "6.1", 90, kind=ReqKind.CRITERION)]),  # a number, not story 6.1
    ]  # fmt: skip
    refs = [
        ref("2", hint="task", qualifier="story:6.1"),
        ref("2", hint="task", qualifier="story:7.3"),
        ref("2", hint="task"),
    ]
    assert [status for status, _ in resolved(TraceGraph(docs, refs, []))] == [
        "ok", "dangling", "ignored",
    ]  # fmt: skip
    assert resolved(TraceGraph(docs, refs, []))[0] == ("ok", (f"req:{six}::Task 2",))
    # one story with a Task 2: the bare number is that task; none: dangling, as before
    only = [docs[0], doc(five, [req(five, "Story 5.1", 1, kind=ReqKind.STORY)])]
    assert resolved(TraceGraph(only, [ref("2", hint="task")], [])) == [
        ("ok", (f"req:{six}::Task 2",))
    ]
    assert [s for s, _ in resolved(TraceGraph(only, [ref("7", hint="task")], []))] == ["dangling"]


def test_a_dated_note_is_no_story_file() -> None:
    """``2025-01-release-notes.md`` is not story 2025.01's file, ``12-5-dashboard.md`` is 12.5's."""
    dated = "docs/notes/2025-01-release-notes.md"
    story = "docs/stories/12-5-dashboard.md"
    docs = [
        doc(dated, [req(dated, "Task 3", 8, kind=ReqKind.TASK)]),
        doc(story, [req(story, "Task 3", 30, kind=ReqKind.TASK)]),
    ]
    refs = [ref("3", hint="task", qualifier="story:2025.01"),
            ref("3", hint="task", qualifier="story:12.5")]  # fmt: skip
    assert [r for r in resolved(TraceGraph(docs, refs, []))] == [
        ("dangling", ()),
        ("ok", (f"req:{story}::Task 3",)),
    ]


def test_copies_of_one_story_are_one_candidate_to_the_citing_words() -> None:
    """``Story 1.3 - Evidence Window Builder``: a PRD and its shard both hold that story, and
    a story file holds another Story 1.3 (Text Extraction). The words name the first; its two
    copies are one item to them, so the citation resolves (to the first copy)."""
    prd, shard = "docs/prd-notes/01-prd.md", "docs/prd/8-epic-1.md"
    other = "docs/stories/EPIC1-STORY1.3.md"
    docs = [
        doc(prd, [req(prd, "Story 1.3", 180, kind=ReqKind.STORY, title="Evidence Window Builder")]),
        doc(shard, [req(shard, "Story 1.3", 32, kind=ReqKind.STORY,
                        title="Evidence Window Builder")]),
        doc(other, [req(other, "Story 1.3", 1, kind=ReqKind.STORY, title="Text Extraction")]),
    ]  # fmt: skip
    cite = dataclasses.replace(
        ref("Story 1.3", symbol="apps/api/routers/devtools.py:window", hint="story"),
        text="Story 1.3 - Evidence Window Builder: preview the window",
    )
    assert resolved(TraceGraph(docs, [cite], [])) == [("ok", (f"req:{prd}::Story 1.3",))]
    # the words naming neither title settle nothing
    vague = dataclasses.replace(cite, text="Story 1.3 helpers")
    assert [s for s, _ in resolved(TraceGraph(docs, [vague], []))] == ["ambiguous"]


def test_a_story_s_own_text_is_the_last_evidence_for_the_citing_words() -> None:
    """``Story 1.2 response compatibility: alias JSON key to error``: of two Story 1.2s
    (Text Extraction, Job Status Tracking), only the second's task says "Alias error_reason to
    serialize as error"; its text settles the citation, as a reader opening both would."""
    a, b = "docs/stories/1.2-text-extraction.md", "docs/stories/EPIC1-STORY1.2.md"
    docs = [
        doc(a, [dataclasses.replace(
            req(a, "Story 1.2", 1, kind=ReqKind.STORY, title="Text Extraction"),
            text="Text Extraction\n- [x] Build the sentence index from the PDF text",
        )]),
        doc(b, [dataclasses.replace(
            req(b, "Story 1.2", 1, kind=ReqKind.STORY, title="Job Status Tracking"),
            text="Job Status Tracking\n- [x] Alias error_reason to serialize as error",
        )]),
    ]  # fmt: skip
    cite = dataclasses.replace(
        ref("Story 1.2", symbol="apps/api/models/schemas.py:JobStatus", hint="story"),
        text="Story 1.2 response compatibility: alias JSON key to error",
    )
    assert resolved(TraceGraph(docs, [cite], [])) == [("ok", (f"req:{b}::Story 1.2",))]


def test_an_id_that_a_heading_of_the_named_spec_file_says_names_that_section() -> None:
    from traceaudit.model import Section, SpecDoc

    research = "specs/001-orders/research.md"
    sections = tuple(
        Section(title, anchor, 2, Location(research, line), ("Research", title))
        for title, anchor, line in (
            ("Research Task 2: Chunking Strategy", "research-task-2-chunking-strategy", 40),
            ("Research Task 3: Embedding Model", "research-task-3-embedding-model", 90),
        )
    )
    docs = [*two_features(), SpecDoc(research, "Research", sections, (), ())]

    def task_ref(words: str) -> CodeRef:
        target = RefTarget(RefKind.ID, "2", None, "Task 2", hint="task")
        where = Location("app/rag/chunker.py", 1)
        named = ("research.md",) if "research.md" in words else ()
        return CodeRef(target, RefSource.DOCSTRING, where.path, where, context_specs=named,
                       text=words)  # fmt: skip

    graph = TraceGraph(docs, [task_ref("Implements research.md Task 2: Chunking Strategy")], [])
    assert resolved(graph) == [("ok", (f"sec:{research}#research-task-2-chunking-strategy",))]
    # without the file named, "Task 2" stays what it was (no item of that id: dangling)
    graph = TraceGraph(docs, [task_ref("Implements Task 2: Chunking Strategy")], [])
    assert resolved(graph)[0][0] == "dangling"
