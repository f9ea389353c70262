"""Who owns an item or a declared endpoint (traceaudit.trace.ownership), and what follows:
the outside-python status, and no TA001/TA008/TA020 for what Python does not own."""

from __future__ import annotations

import dataclasses

from tests.trace.test_checks import audit, doc, req
from traceaudit.model import (
    CodeRef,
    DeclaredEndpoint,
    ForeignRoute,
    Location,
    RefKind,
    RefSource,
    RefTarget,
    ReqKind,
    ReqStatus,
    Requirement,
    SpecDoc,
    SpecLink,
)
from traceaudit.trace import TraceGraph
from traceaudit.trace.ownership import NOT_CODE, OUTSIDE, PYTHON, Ownership

FILES = (
    "backend/app/main.py",
    "backend/app/api/users.py",
    "frontend/src/components/SignupForm.tsx",
    "frontend/src/lib/api.ts",
    "frontend/src/app/api/auth/[...all]/route.ts",
    "shared/types.ts",
    "shared/models.py",
)
TASKS = "specs/002-web/tasks.md"


def task(ident: str, title: str, text: str = "", path: str = TASKS) -> Requirement:
    item = req(path, ident, 5, kind=ReqKind.TASK, title=title, claimed_done=True)
    return dataclasses.replace(item, text=text)


def owner_of(title: str, text: str = "") -> tuple[str, str] | None:
    own = Ownership([], FILES, [])
    found = own.item(task("T001", title, text))
    return (found.owner, found.reason) if found else None


def test_paths_are_classified_by_language_and_folders_by_their_files() -> None:
    own = Ownership([], FILES, [])
    assert [own.classify_path(p) for p in (
        "backend/app/api/users.py", "frontend/src/app/(auth)/signup/page.tsx", "backend/CLAUDE.md",
        "frontend/Dockerfile", ".env.example", "docker-compose.yml", "frontend/src/lib",
        "backend/app", "shared", "specs/database/", "client/server", "notes.xyz",
    )] == [
        PYTHON, OUTSIDE, "doc", "config", "config", "config", OUTSIDE, PYTHON, None, "doc", None,
        None,
    ]  # fmt: skip


def test_what_a_task_names_decides_who_owns_it() -> None:
    assert owner_of("Create AuthForm component in frontend/components/auth/AuthForm.tsx") == (
        OUTSIDE, "names only code outside Python: frontend/components/auth/AuthForm.tsx"
    )  # fmt: skip
    both = "Add the users route in backend/app/api/users.py and frontend/src/lib/api.ts"
    assert owner_of(both) == (PYTHON, "names backend/app/api/users.py")
    assert owner_of("Add SQLModel patterns section to backend/CLAUDE.md") == (
        NOT_CODE, "names only documents or configuration: backend/CLAUDE.md"
    )  # fmt: skip
    # a body that names the guide to follow does not make the task a document task
    assert owner_of("Add logging", "Follow docs/coding-standards.md") is None
    # a title that names only documents makes one: the script its steps name is the command
    # the document shows
    assert owner_of(
        "Update README.md (AC: 1, 7)", "- [ ] Add command: `python backend/scripts/seed.py`"
    ) == (NOT_CODE, "its title names only documents: README.md")
    # a Files: line is what the task makes; a Verify: line names the check, not the work
    assert owner_of(
        "Build the review agent image", "Files: backend/review/Dockerfile\nVerify: python check.py"
    ) == (NOT_CODE, "names only documents or configuration: backend/review/Dockerfile")
    # the tools it names, when it names no path
    assert owner_of("Initialize the frontend project with Vite and React") == (
        OUTSIDE, "names Vite, a tool outside Python"
    )  # fmt: skip
    assert owner_of("Implement the burn-plan endpoint in FastAPI") == (PYTHON, "names FastAPI")
    # mobile and front-end toolkits
    assert owner_of("Voice prompts for stop suggestions (Expo Speech API)") == (
        OUTSIDE, "names Expo, a tool outside Python"
    )  # fmt: skip
    assert owner_of("Switch the interface language with i18next") == (
        OUTSIDE, "names i18next, a tool outside Python"
    )  # fmt: skip


def test_a_file_written_from_the_repository_root_is_that_file_not_a_route() -> None:
    assert owner_of("Add port cleanup logic in `/Makefile`") == (
        NOT_CODE, "names only documents or configuration: Makefile"
    )  # fmt: skip
    assert owner_of("Add the users route in /backend/app/api/users.py") == (
        PYTHON, "names backend/app/api/users.py"
    )  # fmt: skip
    # a route that ends like a file is still a route: no path named
    assert owner_of("Serve /openapi.json and /index.html") is None


def test_a_file_named_by_its_name_and_its_path_is_one_file() -> None:
    own = Ownership([], (*FILES, "backend/app/api/__init__.py"), [])
    item = task("T013", "Create api __init__.py in backend/app/api/__init__.py")
    assert own.python_files_named(item) == [("backend/app/api/__init__.py", True)]
    # a bare name alone is kept, and looked up by name
    assert own.python_files_named(task("T014", "Create __init__.py")) == [("__init__.py", True)]


def test_a_brace_group_in_a_path_names_each_file_and_a_set_in_braces_none() -> None:
    own = Ownership([], (*FILES, "backend/app/core/__init__.py"), [])
    layout = task("T001", "Create `backend/app/{core,api}/__init__.py` and `frontend/src/{a,b}.ts`")
    assert own.named_paths(layout.title) == [
        ("backend/app/core/__init__.py", PYTHON),
        ("backend/app/api/__init__.py", PYTHON),
        ("frontend/src/a.ts", OUTSIDE),
        ("frontend/src/b.ts", OUTSIDE),
    ]
    # braces that hold no path: a set of fields, a JSON body
    assert own.named_paths('return {id,name} as {"a":1}') == []


def test_components_and_user_interface_a_task_names_without_a_path() -> None:
    files = (*FILES, "frontend/src/components/TaskItem.tsx", "frontend/src/hooks/useTasks.ts",
             "backend/app/services/task_sorter.py")  # fmt: skip
    own = Ownership([], files, [])

    def of(title: str, text: str = "") -> tuple[str, str] | None:
        found = own.item(task(f"T{len(title + text)}-{title}", title, text or title))
        return (found.owner, found.reason) if found else None

    assert of("Implement toggle completion API call in TaskItem component") == (
        OUTSIDE, "names TaskItem, code outside Python (frontend/src/components/TaskItem.tsx)"
    )  # fmt: skip
    assert of("Fetch the list with the useTasks hook")[0] == OUTSIDE  # type: ignore[index]
    # a Python file of that name makes it the backend's item, whatever "component" says
    assert of("Create TaskSorter component") is None
    assert of("Implement error handling and rate-limit feedback in the chat UI") == (
        OUTSIDE, "its work is user interface (“in the chat UI”)"
    )  # fmt: skip
    assert of("Add a logout button to the dashboard layout")[0] == OUTSIDE  # type: ignore[index]
    assert of("Create confirmation dialog component")[0] == OUTSIDE  # type: ignore[index]
    # the page is only where the result shows; the work is the server's
    assert of("Return 401 so the frontend redirects to the login page") is None
    # what a backend sends "to the frontend" or "to the UI" is not work done there
    assert of("Stream progress updates to the frontend") is None
    assert of("Push the new events to the UI") is None
    assert of("Add form validation for required fields") is None
    # sub-steps decide when two of them are user interface
    dialog = "Delete Category\n[x] Create confirmation dialog component"
    assert of("Delete Category", dialog + "\n[x] Add delete buttons to rows")[0] == OUTSIDE  # type: ignore[index]
    assert of("Delete Category", dialog) is None


def test_a_requirement_that_asks_only_for_browser_ui_is_outside_python() -> None:
    own = Ownership([], FILES, [])

    def of(text: str) -> str | None:
        item = dataclasses.replace(req("specs/002-web/spec.md", "FR-001", 3), title=text, text=text)
        found = own.sentence(item)
        return found.owner if found else None

    for text in [
        "System MUST display a toast notification after task creation",
        "System MUST redirect unauthenticated users to the login page on protected routes",
        "Dashboard cards MUST have hover effects",
        "All pages MUST be responsive and follow a mobile-first approach",
        "WHEN THE user hovers over a candle, THE System SHALL display a tooltip",
        "System MUST display all user tasks on the task list page in card format",
        "All components MUST follow accessibility standards with proper ARIA attributes",
        "The navigation bar MUST be responsive with a hamburger menu on mobile",
        "System MUST provide a login page with email and password fields",
    ]:
        assert of(text) == OUTSIDE, text
    for text in [
        "System MUST display the list of tasks",  # nothing only a UI has
        "System MUST return 401 and redirect to the login page",  # a status code: the server's
        "WHEN the user clicks Save, THE System SHALL validate the record",  # a click is the cue
        "Users MUST be able to export their tasks",
        "System MUST send a verification email after signup",  # the server sends it
        "System MUST return the first page of results",
    ]:
        assert of(text) is None, text


def test_checks_reviews_deployments_and_test_runs_are_not_code_items() -> None:
    for title, activity in [
        ("[P] [US2] Verify httpOnly cookie is set after login", "verification step"),
        ("Confirm all functional requirements are met", "verification step"),
        ("Deploy Review Agent to Kubernetes", "deployment step"),
        ("Analyze current memory storage implementation", "review step"),
        ("MANUAL E2E TEST - execute the full authentication flow", "test run"),
        ("Checkpoint - Ensure all tests pass, ask the user if questions arise", "checkpoint"),
        ("Environment Compatibility Testing (AC: 6)", "test run"),
    ]:
        assert owner_of(title) == (NOT_CODE, f"a {activity}, not an implementation item"), title
    # making tests, or verifying and then changing something, is code work
    assert owner_of("Create integration tests for signup and signin flows") is None
    assert owner_of("Test error handling for fetch failures") is None
    assert owner_of("Verify and clean the schema in backend/app/models/users.py")[0] == PYTHON  # type: ignore[index]


def test_a_feature_is_the_frontends_when_its_plan_or_its_tasks_say_so() -> None:
    plan = SpecDoc("specs/002-web/plan.md", "Plan", (), (), (), stack=(
        "Language/Version: TypeScript 5.4, Next.js 14",
    ))  # fmt: skip
    spec = doc("specs/002-web/spec.md", [
        req("specs/002-web/spec.md", "FR-001", 5, title="Users MUST see their tasks"),
        req("specs/002-web/spec.md", "FR-002", 6, title="The API MUST reject unsigned calls"),
    ])  # fmt: skip
    own = Ownership([plan, spec], FILES, [])
    fr1, fr2 = spec.requirements
    assert own.feature(fr1) is not None and own.feature(fr1).owner == OUTSIDE  # type: ignore[union-attr]
    assert own.feature(fr2) is None  # it names the server side: still the backend's
    mixed = SpecDoc("specs/003-app/plan.md", "Plan", (), (), (), stack=(
        "Language/Version: Python 3.12 (backend), TypeScript 5 (frontend)",
    ))  # fmt: skip
    other = doc("specs/003-app/spec.md", [req("specs/003-app/spec.md", "FR-001", 5)])
    assert Ownership([mixed, other], FILES, []).feature(other.requirements[0]) is None
    tasks = doc(TASKS.replace("002-web", "004-ui"), [
        task("T1", "Create frontend/src/a.tsx", path="specs/004-ui/tasks.md"),
        task("T2", "Create frontend/src/b.tsx", path="specs/004-ui/tasks.md"),
        task("T3", "Polish the empty state", path="specs/004-ui/tasks.md"),
    ])  # fmt: skip
    owner = Ownership([tasks], FILES, []).feature(tasks.requirements[2])
    assert owner is not None
    assert owner.reason.endswith("its tasks name only code outside Python (2 tasks)")


def test_endpoints_served_by_route_files_or_declared_for_another_server() -> None:
    nextjs = ForeignRoute(("GET", "POST"), "/api/auth/{all...}", Location(FILES[4], 3), "next-app")
    contract = SpecDoc("specs/c/auth.yaml", "Auth", (), (), (), servers=(
        ("http://localhost:3000", "Development frontend server"),
    ))  # fmt: skip
    own = Ownership([contract], FILES, [nextjs])
    ep = DeclaredEndpoint("POST", "/api/auth/sign-in/email", Location("specs/a/spec.md", 3))
    assert own.endpoint(ep).reason == f"served by {FILES[4]}:3 (next-app)"  # type: ignore[union-attr]
    other_method = DeclaredEndpoint("DELETE", "/api/auth/x", Location("specs/a/spec.md", 4))
    assert own.endpoint(other_method) is None
    mine = DeclaredEndpoint("GET", "/api/session", Location("specs/c/auth.yaml", 9))
    assert own.endpoint(mine).reason == (  # type: ignore[union-attr]
        "its contract's server is another component "
        "(http://localhost:3000: Development frontend server)"
    )


def test_outside_python_items_get_their_status_and_no_missing_findings() -> None:
    tasks = doc(TASKS, [
        task("T010", "Create SignupForm in frontend/src/components/SignupForm.tsx"),
        task("T011", "Verify the form shows the rules"),
        task("T012", "List users endpoint in backend/app/api/users.py"),
    ], links=[
        SpecLink(f"{TASKS}::{t}", RefTarget(RefKind.ID, "FR-001"), "implements", Location(TASKS, 5))
        for t in ("T010", "T011", "T012")
    ])  # fmt: skip
    spec = doc("specs/002-web/spec.md", [req("specs/002-web/spec.md", "FR-001", 3)])
    ts = CodeRef(
        RefTarget(RefKind.ID, "T010", None, "T010"), RefSource.COMMENT,
        "frontend/src/components/SignupForm.tsx:SignupForm",
        Location("frontend/src/components/SignupForm.tsx", 4), language="typescript",
    )  # fmt: skip
    graph = TraceGraph([tasks, spec], [ts], [], source_files=FILES)
    status = {r.requirement.id: (r.status, r.owner) for r in graph.requirement_results()}
    assert status["T010"] == (ReqStatus.OUTSIDE_PYTHON, OUTSIDE)
    assert status["T011"] == (ReqStatus.INFORMATIONAL, NOT_CODE)
    # FR-001 is cited only through T010's TypeScript: outside Python, with that evidence
    fr = next(r for r in graph.requirement_results() if r.requirement.id == "FR-001")
    assert fr.status is ReqStatus.OUTSIDE_PYTHON
    assert fr.note.startswith("cited only by code outside")
    evidence = [(e.kind, e.via) for e in fr.implemented_by]
    assert evidence == [("outside-python", "via T010 (typescript)")]
    _, findings = audit([tasks, spec], refs=[ts])
    # no TA001 for FR-001; T012 (Python, uncited) is the one TA020
    assert [(f[0], f[3]) for f in findings] == [("TA020", f"{TASKS}::T012")]


def test_a_requirement_whose_criteria_are_all_outside_python_is_outside_python() -> None:
    path = ".kiro/specs/profile-image/requirements.md"

    def criteria(*titles: str) -> list[Requirement]:
        return [
            dataclasses.replace(
                req(path, f"6.{k}", 10 + k, kind=ReqKind.CRITERION, title=t),
                text=t, parent_key=f"{path}::Requirement 6",
            )
            for k, t in enumerate(titles, 1)
        ]  # fmt: skip

    # the heading's user story names the API; its criteria are the user menu's display
    head = dataclasses.replace(
        req(path, "Requirement 6", 8, title="Display Profile Image in User Menu"),
        text="As a user, I want my photo from the profile API in the user menu",
    )
    ui = criteria(
        "WHEN the user has a photo, THE User menu SHALL display it in an avatar tooltip",
        "All menu components MUST follow accessibility standards with proper ARIA attributes",
    )
    graph = TraceGraph([doc(path, [head, *ui])], [], [], source_files=FILES)
    status = {r.requirement.id: r for r in graph.requirement_results()}
    assert [status[c.id].status for c in ui] == [ReqStatus.OUTSIDE_PYTHON] * 2
    assert (status["Requirement 6"].status, status["Requirement 6"].note) == (
        ReqStatus.OUTSIDE_PYTHON, "its acceptance criteria (6.1, 6.2) are all code outside Python"
    )  # fmt: skip
    # criteria that are no code items, with or without the frontend's: not the backend's
    checks = criteria(
        "THE System SHALL include unit tests for sensitive data masking",
        "THE System SHALL include integration tests for route logging",
    )
    graph = TraceGraph([doc(path, [head, *checks])], [], [], source_files=FILES)
    status = {r.requirement.id: r for r in graph.requirement_results()}
    assert (status["Requirement 6"].status, status["Requirement 6"].owner) == (
        ReqStatus.NOT_BACKEND, NOT_CODE
    )  # fmt: skip
    # one criterion the backend owns keeps the heading the backend's
    mixed = [*ui, *criteria("", "", "The API SHALL store the photo key")[2:]]
    graph = TraceGraph([doc(path, [head, *mixed])], [], [], source_files=FILES)
    status = {r.requirement.id: r for r in graph.requirement_results()}
    assert status["Requirement 6"].status is ReqStatus.UNIMPLEMENTED


def test_operations_hooks_ui_asks_manual_steps_and_documents() -> None:
    # cluster operations and infrastructure configuration are not backend code items
    assert owner_of("Install the Prometheus Helm chart") == (
        NOT_CODE, "its work is infrastructure operations (“Helm”), not backend code"
    )
    assert owner_of("Calico CNI 설치 및 네트워크 정책 활성화")[0] == NOT_CODE  # type: ignore[index]
    # ... but a task about the backend's routes is not operations, whatever it mentions
    assert owner_of("Add the Kubernetes readiness endpoint in backend/app/main.py")[0] == PYTHON  # type: ignore[index]
    assert owner_of("Add a readiness endpoint for Kubernetes probes") is None
    # the steps of a task count when nothing in it names the backend's tools
    assert owner_of("Add API Gateway integration", "Add API Gateway integration\n"
                    "Create {proxy+} resource under /api")[0] == NOT_CODE  # type: ignore[index]
    assert owner_of("Add API Gateway integration", "Add API Gateway integration\n"
                    "Create {proxy+} resource in FastAPI") == (PYTHON, "names FastAPI")
    # a React hook by its name, what only a browser UI has
    assert owner_of("Implement task creation mutation in useTaskMutations hook") == (
        OUTSIDE, "names useTaskMutations, a React hook"
    )
    assert owner_of("Implement save changes with toast success message") == (
        OUTSIDE, "its work is user interface (“toast”)"
    )
    assert owner_of("Ensure touch-friendly controls (minimum 44px)")[0] == OUTSIDE  # type: ignore[index]
    assert owner_of("Return 401 with a toast-friendly error message") is None
    # a person's test steps; a document as the head noun (not "logging and documentation")
    assert owner_of("Test user isolation: log in as User A, verify User B's tasks stay hidden")[
        0
    ] == NOT_CODE
    assert owner_of("Test that isolation holds for every query") is None
    assert owner_of("Schema registry usage guide")[0] == NOT_CODE  # type: ignore[index]
    assert owner_of("Add logging and documentation") is None


def test_cdk_work_follows_the_language_of_the_stack_files() -> None:
    ts = Ownership([], (*FILES, "infra/app-stack.ts"), [])
    found = ts.item(task("T001", "Update CDK stack for the FastAPI Lambda"))
    assert found is not None and (found.owner, found.reason) == (
        OUTSIDE, "its work is infrastructure code outside Python (“CDK”: infra/app-stack.ts)"
    )
    py = Ownership([], (*FILES, "infra/app_stack.py"), [])
    assert py.item(task("T002", "Update CDK stack for the deploy")) is None  # a Python CDK app


def test_bare_folder_names_pointing_both_ways_decide_nothing() -> None:
    own = Ownership([], (*FILES, "backend/utils/dates.py"), [])
    # "utils/" is the backend's, "components/" the frontend's: neither decides
    found = own.item(task("T001", "Set up the layout", "Set up the layout\ncomponents/, utils/"))
    assert found is None
    found = own.item(task("T002", "Set up helpers", "Set up helpers\nutils/"))
    assert found is not None and found.owner == PYTHON


def test_a_task_that_only_lays_out_folders_or_edits_the_manifest_is_not_code() -> None:
    scaffold = (
        "Create Monorepo Structure (AC: 1)\n[x] Create frontend/ directory for React\n"
        "[x] Create backend/ directory for the FastAPI application\n"
        "[x] Create root-level configuration files (.gitignore, README.md)\n"
        "[x] Set up docs/ directory structure"
    )
    assert owner_of("Create Monorepo Structure (AC: 1)", scaffold) == (
        NOT_CODE, "scaffolding: it lays out folders and root files, not an implementation item"
    )  # fmt: skip
    # a step that makes a Python file is code work, whatever the title says
    assert owner_of(
        "Set up project structure and core interfaces",
        "Set up project structure and core interfaces\nCreate directory lib/api/\n"
        "Create `main.py` with the Lambda handler",
    ) == (PYTHON, "names main.py")  # fmt: skip
    deps = (
        "Update backend dependencies\nAdd `aiofiles` for async file I/O\n"
        "Add `pyyaml` for frontmatter parsing\nUpdate `requirements.txt`\n_Requirements: 2.4_"
    )
    assert owner_of("Update backend dependencies", deps) == (
        NOT_CODE, "a dependency update (the toolchain's manifest), not an implementation item"
    )  # fmt: skip
    assert owner_of("Set up project structure and dependencies",
                    "Set up project structure and dependencies\nCreate `agent/__init__.py`") == (
        PYTHON, "names agent/__init__.py"
    )  # fmt: skip
    # frontend state tools make a task the frontend's
    assert owner_of("Frontend-Backend Integration",
                    "Frontend-Backend Integration\n[x] Configure RTK Query baseQuery")[0] == OUTSIDE  # type: ignore[index]


def test_a_mock_service_s_endpoints_are_the_test_double_s() -> None:
    def endpoint_owner(title: str, text: str) -> str | None:
        item = task("11.3", title, text)
        spec = doc(TASKS, [item])
        ep = DeclaredEndpoint("GET", "/domain-model", Location(TASKS, 7), requirement_key=item.key)
        found = Ownership([spec], FILES, []).endpoint(ep)
        return found.owner if found else None

    mock = "Create `backend/tests/mocks/mock_reasoning_service.py`\nImplement GET /domain-model"
    assert endpoint_owner("Create mock reasoning service for testing", mock) == "test-double"
    # a task that tests the backend's own endpoint declares the backend's endpoint
    tests = "Create `backend/tests/test_models.py`\nTest GET /domain-model"
    assert endpoint_owner("Write tests for the domain model API", tests) is None
    # a mock service whose code is not a test file is a service of the project
    plain = "Create `backend/mock_service.py`"
    assert endpoint_owner("Create mock reasoning service", plain) is None


def test_what_only_the_api_s_client_does_is_outside_python_when_there_is_one() -> None:
    def of(files: tuple[str, ...], text: str) -> str | None:
        item = dataclasses.replace(req("specs/002-web/spec.md", "FR-006", 3), title=text, text=text)
        found = Ownership([], files, []).sentence(item)
        return found.owner if found else None

    for text in [
        "System MUST automatically attach JWT tokens to all API requests requiring authentication",
        "System MUST display appropriate error messages for failed operations (login failures, "
        "network errors, validation errors)",
        "System MUST display error messages when API operations fail",
        "WHEN THE Backend is disconnected, THE System SHALL display a message",
        "System MUST automatically intercept API requests to attach the `Authorization: "
        "Bearer <token>` header",
        "System MUST handle 401/403 API errors by logging the user out or refreshing the token",
        "System MUST handle JWT token expiration gracefully by redirecting users to login",
    ]:
        assert of(FILES, text) == OUTSIDE, text
        # no code outside Python: nothing else can be the client
        assert of(("backend/app/main.py",), text) is None, text
    for text in [
        "System MUST attach the service token to requests to the Billing service",
        "System MUST send API keys with requests to external providers",
        "System MUST verify JWT tokens and reject requests with invalid tokens",
        "System MUST display informative error messages for invalid operations",
        "System MUST add the Authorization header to requests to the OpenAI API",
        "System MUST validate the Authorization header on every request",
        "System MUST return 401 and redirect users to the login page",
        "System MUST handle expired tokens by returning 401 Unauthorized",
    ]:
        assert of(FILES, text) is None, text


def test_ui_elements_named_in_quotes_user_actions_and_named_interfaces() -> None:
    own = Ownership([], FILES, [])

    def of(text: str) -> str | None:
        item = dataclasses.replace(req("specs/002-web/spec.md", "FR-001", 3), title=text, text=text)
        found = own.sentence(item)
        return found.owner if found else None

    for text in [
        'A success toast "Event started" MUST fire after the event starts',
        "Clicking a Lobby event block MUST open a side drawer",
        "The quiz interface shall display one question at a time",
        "System MUST include automated frontend tests covering the create-event form",
        "System MUST render trend sparklines for vault health metrics",
        "After deletion the player MUST disappear from the list without a full page reload",
        "System MUST provide a rich text editor for notes",
    ]:
        assert of(text) == OUTSIDE, text
    for text in [
        "The command-line interface MUST list the tasks",  # a CLI is Python's here
        "The API interface MUST return JSON",
        "Unread count MUST update in real-time without page refresh",  # the server pushes
        'The "export" job MUST write a CSV file',  # a quoted name, no piece of UI
        "Pressure readings MUST be sampled at 10 Hz",
    ]:
        assert of(text) is None, text


def test_alike_tasks_a_python_task_nearly_as_alike_keeps_the_requirement() -> None:
    spec = "specs/005-run/spec.md"
    tasks = [
        task("T001", "Record the start time", "app/main.py", "specs/005-run/tasks.md"),
        task("T002", "Draw the golden crown highlight on the leader row",
             "frontend/src/components/SignupForm.tsx", "specs/005-run/tasks.md"),
        task("T003", "Sort the leader first", "backend/app/main.py", "specs/005-run/tasks.md"),
        task("T004", "Render streak indicators", "frontend/src/lib/api.ts",
             "specs/005-run/tasks.md"),
        task("T005", "Keep a streak counter", "backend/app/api/users.py",
             "specs/005-run/tasks.md"),
    ]  # fmt: skip
    own = Ownership([doc("specs/005-run/tasks.md", tasks)], FILES, [])

    def of(text: str) -> str | None:
        found = own.alike_tasks(dataclasses.replace(req(spec, "FR-001", 3), title=text))
        return found.owner if found else None

    # three words with the frontend task, one with the backend's: the frontend's
    assert of("The leader's row MUST carry a golden crown highlight") == OUTSIDE
    # two words with the frontend task, one with the backend's: nearly as alike, kept
    assert of("Streak indicators MUST be refreshed whenever a round ends") is None
    # the server side named: the backend's, whatever the tasks
    assert of("The golden crown highlight MUST be persisted for the leader") is None


def test_an_item_its_id_calls_a_task_is_read_as_a_task_wherever_it_is_defined() -> None:
    """A BMAD story's ``**[x]** **SUBTASK-5.5.4.3:** Validate ...`` is a requirement by its
    place (no task list holds it) and a task by its id: its first words say what it does."""
    own = Ownership([], FILES, [])
    story = "docs/stories/5.5_Story.md"
    for ident in ("SUBTASK-5.5.4.3", "TASK-5.5.4"):
        title = "Validate <500ms emergency stop"
        item = req(story, ident, 9, kind=ReqKind.REQUIREMENT, title=title)
        found = own.item(item)
        assert found is not None and found.owner == NOT_CODE, ident
        assert found.reason == "a verification step, not an implementation item"
    # an id of another family keeps a requirement's reading
    criterion = req(story, "AC3", 9, kind=ReqKind.CRITERION, title="Validate the input")
    assert own.item(criterion) is None


def test_the_tasks_a_story_assigns_to_a_criterion_say_who_does_it() -> None:
    own = Ownership([], FILES, [])
    story = "docs/stories/4.1.story.md"

    def criterion(*tasks: str) -> Requirement:
        item = req(story, "4.1.2", 12, kind=ReqKind.CRITERION, title="Navigation is present")
        return dataclasses.replace(item, assigned_tasks=tasks)

    front = own.assigned(criterion(
        'Frontend - Navigation: Implement the "Next Question" button (AC: #2)',
        "Test - Backend: Write tests for the endpoint (AC: #2)",
    ))  # fmt: skip
    assert front is not None and front.owner == OUTSIDE
    assert front.reason.startswith("the story's tasks for it are the frontend's")
    back = own.assigned(criterion(
        "Frontend - Form: Show the answer form (AC: #2)",
        "Backend - Answers: Implement POST /api/v1/answers (AC: #2)",
    ))  # fmt: skip
    assert back is not None and back.owner == PYTHON
    # a task whose side nothing shows, or no task but tests, leaves it to the other rules
    assert own.assigned(criterion("UI: the button", "Wire the quiz store (AC: #2)")) is None
    assert own.assigned(criterion("Test - Frontend: Write the tests (AC: #2)")) is None


def test_a_story_that_says_it_needs_no_backend_is_outside_python() -> None:
    """BMAD story 0.1 says "No backend required: all states are driven by a timer and client
    state": its criteria and tasks are the frontend's, even a criterion that names the API
    ("no API calls made in this story"); a task naming a Python file keeps it the backend's,
    and a PRD of many stories that says it of one story is not a frontend feature."""
    path = "docs/stories/0.1-job-status-mock.md"
    said = ("No backend required: All states are driven by a timer and client state.",)
    items = [
        req(path, "Story 0.1", 1, kind=ReqKind.STORY),
        req(path, "0.1.2", 15, kind=ReqKind.CRITERION, title="A stepper shows the job states"),
        req(path, "0.1.6", 19, kind=ReqKind.CRITERION,
            title="The page renders without errors (no API calls made in this story)"),
        task("Task 1", "Create the /new page with a progress stepper", path=path),
        task("Task 2", "Add a timed state machine", path=path),
    ]  # fmt: skip
    own = Ownership([doc(path, items, no_backend=said)], FILES, [])
    for item in items[1:]:
        found = own.feature(item)
        assert found is not None and found.owner == OUTSIDE, item.id
        assert found.reason.startswith("its feature needs no backend: 0.1-job-status-mock.md says")
    python = [*items, task("Task 3", "Add the job model in backend/app/models.py", path=path)]
    assert Ownership([doc(path, python, no_backend=said)], FILES, []).feature(items[1]) is None
    prd = "docs/prd.md"
    stories = [req(prd, "Story 0.1", 1, kind=ReqKind.STORY), req(prd, "Story 1.1", 9,
               kind=ReqKind.STORY), req(prd, "1.1.1", 10, kind=ReqKind.CRITERION)]  # fmt: skip
    assert Ownership([doc(prd, stories, no_backend=said)], FILES, []).feature(stories[2]) is None


def test_the_tasks_that_implement_a_requirement_and_a_parent_task_say_whose_it_is() -> None:
    """Kiro's ``- [x] 7. 建立React前端應用`` groups ``7.3 整合TradingView圖表庫 ... _需求: 5.1_``:
    the subtask is the frontend's by its parent's title (React, written without spaces in
    Chinese), and requirement 5.1, which only frontend tasks implement, is outside Python;
    one whose sentence deletes data, or that a backend task also implements, stays the
    backend's."""
    spec, plan = ".kiro/specs/stock/requirements.md", ".kiro/specs/stock/tasks.md"
    parent = task("7", "建立React前端應用", path=plan)
    child = dataclasses.replace(
        task("7.3", "整合TradingView圖表庫", "建立K線圖顯示組件", path=plan), parent_key=parent.key
    )
    backend = task("2.1", "建立股票數據收集服務 in backend/services/collector.py", path=plan)
    links = [
        SpecLink(child.key, RefTarget(RefKind.ID, "5.1"), "implements", Location(plan, 9)),
        SpecLink(child.key, RefTarget(RefKind.ID, "1.4"), "implements", Location(plan, 9)),
        SpecLink(child.key, RefTarget(RefKind.ID, "2.6"), "implements", Location(plan, 9)),
        SpecLink(backend.key, RefTarget(RefKind.ID, "2.6"), "implements", Location(plan, 4)),
    ]
    reqs = [
        req(spec, "5.1", 3, kind=ReqKind.CRITERION,
            title="WHEN 用戶選擇股票 THEN 系統 SHALL 顯示該股票的K線圖"),
        req(spec, "1.4", 4, kind=ReqKind.CRITERION,
            title="WHEN 用戶要求刪除股票 THEN 系統 SHALL 從清單中移除該股票及其相關數據"),
        req(spec, "2.6", 5, kind=ReqKind.CRITERION, title="WHEN 發生錯誤 THEN 系統 SHALL 顯示錯誤"),
    ]  # fmt: skip
    graph = TraceGraph(
        [doc(plan, [parent, child, backend], links=links), doc(spec, reqs)], [], [],
        source_files=FILES,
    )  # fmt: skip
    status = {r.requirement.id: (r.status, r.owner) for r in graph.requirement_results()}
    assert status["7"] == (ReqStatus.OUTSIDE_PYTHON, OUTSIDE)
    assert status["7.3"] == (ReqStatus.OUTSIDE_PYTHON, OUTSIDE)
    assert status["5.1"] == (ReqStatus.OUTSIDE_PYTHON, OUTSIDE)
    assert status["1.4"][1] is None and status["2.6"][1] is None
    note = next(r.note for r in graph.requirement_results() if r.requirement.id == "5.1")
    assert note.startswith("the tasks that implement it (7.3) make only code outside Python: "
                           "its parent task, 7, names React")


def test_a_task_whose_title_makes_the_frontend_its_object_is_outside_python() -> None:
    own = Ownership([], FILES, [])
    outside = [
        "Set up frontend interfaces and API client",  # the API's client is the frontend's
        "Frontend: worker list UI",
        "Implement frontend worker management",
        "Style staff list tables",
    ]
    kept = [
        "Add backend API for the frontend dashboard",
        "Implement frontend auth with JWT tokens stored by the server",
        "Create frontend-backend integration tests",
        "Style guide for error messages",
    ]
    for n, title in enumerate(outside + kept):
        found = own.item(task(f"{n}.1", title))
        assert (found is not None and found.owner == OUTSIDE) == (title in outside), title


def test_a_subtask_written_beside_its_parent_follows_it_by_its_number() -> None:
    """Kiro's ``- [x] 7. Set up frontend interfaces and API client`` then, at the same
    indentation, ``- [x] 7.2 Implement API client utility``: 7.2 is 7's by its number."""
    plan = ".kiro/specs/staff/tasks.md"
    parent = task("7", "Set up frontend interfaces and API client", path=plan)
    child = task("7.2", "Implement API client utility", "Create a fetch wrapper", path=plan)
    other = task("8.1", "Implement API client utility", "Create a fetch wrapper", path=plan)
    graph = TraceGraph([doc(plan, [parent, child, other])], [], [], source_files=FILES)
    status = {r.requirement.id: r.status for r in graph.requirement_results()}
    assert status["7.2"] is ReqStatus.OUTSIDE_PYTHON
    assert status["8.1"] is not ReqStatus.OUTSIDE_PYTHON  # no task 8 to follow


def test_reading_words_of_chinese_and_japanese_are_character_bigrams() -> None:
    """Text written without spaces is compared two characters at a time when a citation is
    told from its candidates; the words that only say "requirement", "task" or "implement"
    compare nothing. Content words (shared-word counts) read no bigrams."""
    from traceaudit.trace.ownership import content_words, reading_words

    assert reading_words("删除历史数据（需求 5.4）") == {"删除", "除历", "历史", "史数", "数据"}
    assert reading_words("投稿を作成") == {"投稿", "稿を", "を作", "作成"}
    assert reading_words("Render the signals page") == {"render", "signal", "page"}
    assert content_words("删除历史数据") == set()


def test_a_feature_with_two_task_files_is_one_feature() -> None:
    """A Kiro feature's `tasks.md` beside a `remaining-tasks.md` are one feature's task
    lists, not two story files each its own unit: the feature's requirements follow what
    its tasks say (here: code outside Python)."""
    folder = ".kiro/specs/frontend-ui"
    first = doc(f"{folder}/tasks.md", [
        task("1", "Create frontend/src/app/page.tsx", path=f"{folder}/tasks.md"),
        task("2", "Create frontend/src/components/Board.tsx", path=f"{folder}/tasks.md"),
    ])  # fmt: skip
    rest = doc(f"{folder}/remaining-tasks.md", [
        task("3", "Create frontend/src/hooks/useSession.ts", path=f"{folder}/remaining-tasks.md"),
    ])  # fmt: skip
    spec = doc(f"{folder}/requirements.md", [req(f"{folder}/requirements.md", "1.1", 5)])
    owner = Ownership([first, rest, spec], FILES, []).feature_of(f"{folder}/requirements.md")
    assert owner is not None and owner.owner == OUTSIDE


def test_container_and_pipeline_configuration_tasks_are_no_code_items() -> None:
    """A task that makes a container's or a pipeline's configuration is operations work, even
    when its steps name the Python base image (``Python 3.11-slim``) or the server it runs."""
    got = owner_of("Create Docker configuration",
                   "Create backend/Dockerfile with Python 3.11-slim base\nSet CMD to run uvicorn")
    assert got is not None and got[0] == NOT_CODE and "Docker configuration" in got[1]
    ci = owner_of("Set up the CI/CD pipeline", "Run pytest on each push")
    assert ci is not None and ci[0] == NOT_CODE
    # a route about images is a route
    route = owner_of("Implement the Docker image scan endpoint")
    assert route is None or route[0] != NOT_CODE


def test_a_path_written_right_after_a_chinese_verb_is_that_path() -> None:
    """"创建apps/backend/src/core/__init__.py" ("create ..."): no space between the word and
    the path, as Chinese writes; the path is apps/backend/src/core/__init__.py."""
    own = Ownership([], ("apps/backend/src/core/__init__.py",), [])
    assert own.named_paths("创建apps/backend/src/core/__init__.py") == [
        ("apps/backend/src/core/__init__.py", PYTHON)
    ]
    assert own.named_paths("更新 文档/设计.md") == [("文档/设计.md", "doc")]
