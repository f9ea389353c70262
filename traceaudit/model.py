"""Core data types shared by every stage of traceaudit.

Everything here is a frozen, slotted dataclass or an enum; collections are
tuples, paths are project-relative POSIX strings, lines and columns are 1-based.
This module imports nothing but the standard library and sits at the bottom of
the import graph.
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum


class ExitCode(IntEnum):
    """Process exit codes (the CI contract)."""

    CLEAN = 0
    FINDINGS = 1
    ERROR = 2


class Severity(StrEnum):
    """Finding severity, ordered error > warning > note."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "note": 1}[self.value]


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A place in a project file: relative POSIX path, 1-based line and column.

    ``column`` is 0 when it is not known (most findings point at a line).
    """

    path: str
    line: int = 1
    column: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def full(self) -> str:
        """``path:line:column`` when the column is known, else ``path:line``."""
        return f"{self.path}:{self.line}:{self.column}" if self.column else str(self)


@dataclass(frozen=True, slots=True)
class Suppression:
    """An inline ``traceaudit: ignore[TA002] -- reason`` written in a Python or Markdown file.

    It covers the findings of the named rules located on ``first_line`` to
    ``last_line`` of its file (the statement or line it is written on or above),
    or anywhere in the file for ``ignore-file``. ``reason`` is ``""`` when none is
    written: such a suppression suppresses nothing and is itself reported.
    """

    location: Location
    rules: tuple[str, ...]  # codes or names as written
    reason: str
    first_line: int
    last_line: int
    whole_file: bool = False


# --------------------------------------------------------------------------
# References: what a piece of text (docstring, comment, task line) cites.
# --------------------------------------------------------------------------


class RefKind(StrEnum):
    """How a reference names its target."""

    ID = "id"  # FR-003, T012, 2.1, req~x~1, Story 1.2
    ANCHOR = "anchor"  # spec.md#refund-window
    TITLE = "title"  # §Refund window
    NUMBER = "number"  # §3.2
    FILE = "file"  # specs/auth/spec.md (a whole spec file)


@dataclass(frozen=True, slots=True)
class RefTarget:
    """A parsed reference target, before it is resolved to a requirement key.

    ``spec`` is the file or feature the text names (``specs/auth/spec.md``,
    ``billing.md``, ``orders``), or ``None`` when the reference is bare.
    ``value`` is the id, anchor, heading title or section number.
    """

    kind: RefKind
    value: str
    spec: str | None = None
    text: str = ""  # the raw text as written, for messages
    hint: str | None = None  # "requirement", "task", "story", "criterion": what the text calls it
    qualifier: str | None = None  # a word written just before a bare id ("orders FR-003")


# --------------------------------------------------------------------------
# Spec side
# --------------------------------------------------------------------------


class ReqKind(StrEnum):
    """What sort of spec item a requirement is."""

    REQUIREMENT = "requirement"  # FR-001, REQ-AUTH-001, Kiro "Requirement 3"
    CRITERION = "criterion"  # acceptance criterion (Kiro 3.2, BMAD AC)
    SECTION = "section"  # a heading-keyed item (endpoint heading without id)
    STORY = "story"  # user story / BMAD story
    TASK = "task"  # tasks.md T012 / Kiro 2.1
    PROPERTY = "property"  # Kiro design property
    ITEM = "item"  # OpenFastTrace item (req~x~1, dsn~x~1)
    OUTCOME = "outcome"  # spec-kit success criterion SC-001: measurable, informational
    # an assumption or a dependency the spec states (A-001 under "## Assumptions"):
    # it frames the work, nothing implements it; informational
    ASSUMPTION = "assumption"


class Scope(StrEnum):
    """Whether a requirement can be reported as unimplemented."""

    IN_SCOPE = "in-scope"
    OUT_OF_SCOPE = "out-of-scope"
    NOT_BACKEND = "not-backend"


@dataclass(frozen=True, slots=True)
class Section:
    """A heading in a spec file."""

    title: str  # heading text, inline markup stripped
    anchor: str  # GitHub-compatible, de-duplicated within the file
    level: int
    location: Location
    path: tuple[str, ...]  # titles of ancestors and itself
    number: str | None = None  # "3.2" when the heading is numbered


@dataclass(frozen=True, slots=True)
class SpecLink:
    """A link written in a spec: ``source_key`` cites ``target``.

    Examples: a task's ``_Requirements: 1.2_`` trailer, a design property's
    ``Validates: Requirements 2.1``, an OpenFastTrace ``Covers:`` list, a
    spec-kit task's ``[US1]`` story tag.
    """

    source_key: str
    target: RefTarget
    # "implements", "covers", "validates", "story", "cites"; "lists": an item restated in
    # a story (whose definition is elsewhere), which implements nothing
    relation: str
    location: Location


@dataclass(frozen=True, slots=True)
class Requirement:
    """One traceable item of a spec."""

    key: str  # project-unique: "specs/a/spec.md::FR-001" or "specs/a/spec.md#anchor"
    id: str  # local id as written ("FR-001"), or the anchor for section items
    title: str
    text: str
    kind: ReqKind
    spec_path: str
    location: Location
    section_path: tuple[str, ...]
    anchor: str  # anchor of the section that holds it
    scope: Scope = Scope.IN_SCOPE
    needs_clarification: bool = False
    claimed_done: bool = False  # [x] / ✅ in the spec: a claim, never evidence
    parent_key: str | None = None  # criterion -> requirement, task -> story, ...
    # the tasks with no id of their own that the story assigns to this criterion alone
    # ("Frontend - Navigation: Implement the Next Question button (AC: #2)")
    assigned_tasks: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DeclaredEndpoint:
    """An endpoint that a spec says exists."""

    method: str  # upper case: GET, POST, ..., WEBSOCKET
    path: str
    location: Location
    requirement_key: str | None = None
    auth: str | None = None  # the auth statement as written ("Required (JWT)", "Public")
    auth_required: bool | None = None  # None when the spec says nothing
    statuses: tuple[int, ...] = ()
    source: str = "heading"  # heading, table, bullet, inline, fence, prose, field, openapi
    scope: Scope = Scope.IN_SCOPE  # OUT_OF_SCOPE under an "Out of scope"/"Future" heading
    # how to resolve a path the spec does not write in full (specs.examples): "base:/api/v1",
    # "file:app/api/orgs.py", "router:orgs", "prefix:/cvs", "relative"
    hints: tuple[str, ...] = ()
    # the kind of credential the spec's scheme names: "bearer", "basic", "oauth2",
    # "openid", "cookie:<name>", "header:<name>", "query:<name>"; None when unknown
    auth_scheme: str | None = None
    # set by linking when code that is not Python owns it: "served by frontend/app/api/x/route.ts"
    owner: str | None = None


@dataclass(frozen=True, slots=True)
class SpecDoc:
    """Everything parsed from one spec file."""

    path: str
    title: str
    sections: tuple[Section, ...]
    requirements: tuple[Requirement, ...]
    endpoints: tuple[DeclaredEndpoint, ...]
    links: tuple[SpecLink, ...] = ()
    error: str | None = None  # set when the file could not be read or parsed
    duplicate_ids: tuple[tuple[str, Location], ...] = ()  # (id, second location)
    role: str = "spec"  # what the file is: spec, tasks, plan, report, record, notes, ...
    role_reason: str = ""  # the evidence that decided the role, for the summary
    # Endpoints and ids the file names without declaring or defining them (a report, a
    # research note): they document a route and make a reference known, nothing more.
    mentions: tuple[DeclaredEndpoint, ...] = ()
    mentioned_ids: tuple[str, ...] = ()
    suppressions: tuple[Suppression, ...] = ()  # <!-- traceaudit: ignore[...] -- why -->
    # an OpenAPI contract's servers, (url, description): who serves its endpoints
    servers: tuple[tuple[str, str], ...] = ()
    # what the document says the implementation is written in ("Language/Version:
    # TypeScript 5, Next.js 14"): the stack statements of a plan or design
    stack: tuple[str, ...] = ()
    # the file names a plan's or design's project-structure tree lists ("AuthForm.tsx")
    structure: tuple[str, ...] = ()
    # what the document says of itself that denies any backend work ("No backend
    # required: all states are driven by client state", "Pure frontend simulation")
    no_backend: tuple[str, ...] = ()
    # route paths the file names without a method (`/health`, "the /performance
    # endpoint"), each with its first line: they document a route no one declares
    named_paths: tuple[tuple[str, int], ...] = ()
    # trees drawn under one root folder ("github-tracker/" then "├── main.py"): (line,
    # root folder, the Python file names they list); where a service's code lives
    layouts: tuple[tuple[int, str, tuple[str, ...]], ...] = ()
    # the steps an item numbers by a label of their own ("- [x] [16c] Add adaptive search
    # patterns" under SUBTASK-6.1.2.3): (label, the key of the item it is a step of)
    step_labels: tuple[tuple[str, str], ...] = ()


# --------------------------------------------------------------------------
# Code side
# --------------------------------------------------------------------------


class RefSource(StrEnum):
    """Where in Python code a reference was written."""

    DOCSTRING = "docstring"
    COMMENT = "comment"
    ROUTE_METADATA = "route-metadata"  # summary=/description= of a route decorator


@dataclass(frozen=True, slots=True)
class CodeRef:
    """A reference to the spec written in Python code."""

    target: RefTarget
    source: RefSource
    symbol: str  # "app/api/users.py:create_user", "app/api/users.py" for module level
    location: Location
    is_test: bool = False
    # spec files or features named elsewhere in the same docstring or module
    context_specs: tuple[str, ...] = ()
    explicit: bool = True  # the text says it cites the spec (refs.FoundRef.explicit)
    # "python", or the comment style's language ("typescript", "vue", ...): a reference
    # in another language is evidence that code outside Python implements the item
    language: str = "python"
    # the words around it: its comment, or its docstring's first line and its own line
    # (a reviewer reads them to tell which of two features' FR-003 is meant)
    text: str = ""


@dataclass(frozen=True, slots=True)
class Route:
    """An endpoint that FastAPI would serve, resolved statically."""

    methods: tuple[str, ...]  # sorted; ("WEBSOCKET",) for websocket routes
    path: str
    handler: str  # "app/api/users.py:create_user"
    location: Location  # the handler's first line (first decorator), like co_firstlineno
    app: str  # "app/main.py:app"
    registered_at: Location | None = None  # the decorator / add_api_route call
    auth: bool = False
    auth_dependencies: tuple[str, ...] = ()  # the chain that proves auth
    # auth only under this test (a dependency added under it): auth is then False
    # and auth_dependencies is the chain that guards the route when the test holds
    auth_condition: str | None = None
    # credentials the handler or a dependency reads and verifies itself, when no auth
    # dependency guards it ("cookie:refreshtoken", "header:authorization")
    verified_credentials: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    dependencies: tuple[str, ...] = ()
    include_in_schema: bool = True
    conditional: bool = False
    condition: str | None = None
    unresolved: tuple[str, ...] = ()  # placeholders left in the path, e.g. "{?settings.ROOT}"
    status_code: int | None = None
    response_model: str | None = None
    tags: tuple[str, ...] = ()
    summary: str | None = None
    description: str | None = None
    deprecated: bool = False
    router_chain: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ForeignRoute:
    """An endpoint that non-Python code serves: a Next.js route handler, an Express route.

    Routes of the audited backend come from Python only; these only tell who *owns*
    a declared endpoint. ``path`` uses ``{name}`` for one segment and ``{name...}``
    for a catch-all tail (``[...all]`` in Next.js, ``*`` in Express); ``("*",)``
    as ``methods`` means any method (a ``pages/api`` handler dispatches itself).
    """

    methods: tuple[str, ...]
    path: str
    location: Location
    framework: str  # "next-app", "next-pages", "express"


@dataclass(frozen=True, slots=True)
class UnmountedRouter:
    """A router or app that no served app reaches (dead code)."""

    name: str  # "app/api/legacy.py:router"
    location: Location
    route_locations: tuple[Location, ...]


@dataclass(frozen=True, slots=True)
class UnresolvedRegistration:
    """A route registration that cannot be resolved statically."""

    location: Location
    reason: str


@dataclass(frozen=True, slots=True)
class AppInfo:
    """An app (FastAPI or Starlette) the code builds, and whether an entry point serves it."""

    name: str  # "app/main.py:app", "pkg/server.py:ApiServer.app"
    location: Location  # where it is constructed
    served: bool
    routes: int = 0  # live routes it serves
    # each way it is served: entry point, the calls that lead to the server, the server
    served_by: tuple[tuple[str, ...], ...] = ()
    made_by: tuple[str, ...] = ()  # the entry point and calls that construct it
    why: str = ""  # how it was chosen, or why it is not served
    # paths FastAPI itself serves for it when served (/openapi.json, /docs, /redoc ...)
    docs: tuple[str, ...] = ()
    # base paths its deployment serves it under (``FastAPI(root_path="/api")``,
    # ``Mangum(app, api_gateway_base_path="/api")``): its ``/x`` is reached as ``/api/x``
    base_paths: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CodeFacts:
    """What the code side hands to linking: references, routes, problems."""

    refs: tuple[CodeRef, ...]
    routes: tuple[Route, ...]
    parse_errors: tuple[tuple[Location, str], ...] = ()
    unmounted: tuple[UnmountedRouter, ...] = ()
    unresolved: tuple[UnresolvedRegistration, ...] = ()
    unresolved_paths: tuple[tuple[Location, str], ...] = ()  # (route location, expression)
    suppressions: tuple[Suppression, ...] = ()  # inline suppressions of every Python file
    # routes under a test the default settings make false: not live, listed
    inactive_routes: tuple[Route, ...] = ()
    apps: tuple[AppInfo, ...] = ()  # every app the code builds, served or not
    entry_points: tuple[str, ...] = ()  # every entry point run or resolved
    lost_trails: tuple[tuple[Location, str], ...] = ()  # commands naming no app the code builds
    # files left out of route resolution past file-time-budget: (where it stopped, why)
    over_budget: tuple[tuple[Location, str], ...] = ()
    foreign_routes: tuple[ForeignRoute, ...] = ()  # endpoints non-Python code serves
    # every source file read (Python and other languages, tests included): which
    # language a folder a spec names is written in
    source_files: tuple[str, ...] = ()


# --------------------------------------------------------------------------
# Findings and results
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rule:
    code: str  # "TA001"
    name: str  # "unimplemented-requirement"
    severity: Severity
    summary: str
    description: str = ""  # what it means, in a paragraph (SARIF fullDescription)
    fix: str = ""  # what to do about it
    tags: tuple[str, ...] = ()  # "traceability", "security", ...
    security_severity: float | None = None  # CVSS-like 0-10, for the auth rules


class Disposition(StrEnum):
    """Why a finding does not count: who decided, and where it is written."""

    SUPPRESSED = "suppressed"  # an inline comment next to it
    WAIVED = "waived"  # a waiver in the configuration
    BASELINED = "baselined"  # recorded in the baseline file


@dataclass(frozen=True, slots=True)
class Dismissal:
    """A decision that a finding does not fail the audit; it stays in every report."""

    kind: Disposition
    reason: str = ""
    owner: str | None = None
    expires: str | None = None  # ISO date
    location: Location | None = None  # where the suppression or waiver is written


@dataclass(frozen=True, slots=True)
class Finding:
    rule: Rule
    message: str
    location: Location
    subject: str  # the requirement key, route "GET /x", or reference text
    dismissal: Dismissal | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        return (
            self.location.path,
            self.location.line,
            self.location.column,
            self.rule.code,
            self.subject,
            self.message,
        )

    @property
    def fingerprint(self) -> str:
        """Rule + subject + file: stable when lines move, as baselines and SARIF need."""
        path = "/".join(p for p in self.location.path.replace("\\", "/").split("/") if p != ".")
        raw = "\0".join((self.rule.code, self.subject, path))
        return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    @property
    def active(self) -> bool:
        """Whether it counts: not suppressed, waived or baselined."""
        return self.dismissal is None


class ReqStatus(StrEnum):
    IMPLEMENTED = "implemented"
    UNIMPLEMENTED = "unimplemented"
    OUT_OF_SCOPE = "out-of-scope"
    NOT_BACKEND = "not-backend"
    NEEDS_CLARIFICATION = "needs-clarification"
    INFORMATIONAL = "informational"  # tasks, stories: traced but never "missing"
    # owned by code that is not Python (a frontend, a Node service): never "missing" here
    OUTSIDE_PYTHON = "outside-python"


# The statuses that coverage counts: a requirement that can be implemented or not.
# Out of scope, not backend, unclear and informational items are shown, never counted.
COUNTABLE = frozenset({ReqStatus.IMPLEMENTED, ReqStatus.UNIMPLEMENTED})


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a requirement counts as implemented (or verified)."""

    location: Location
    symbol: str
    via: str  # "docstring", "comment", "route-metadata", "endpoint GET /x", "via T012"
    # reference, endpoint, transitive, test, named-path (a live route on a path the sentence
    # names without a method); "outside-python" for a citation in another
    # language's comment (implementing evidence, but not Python's)
    kind: str = "reference"


@dataclass(frozen=True, slots=True)
class RequirementResult:
    requirement: Requirement
    status: ReqStatus
    implemented_by: tuple[Evidence, ...] = ()
    verified_by: tuple[Evidence, ...] = ()
    routes: tuple[str, ...] = ()  # "GET /api/v1/x"
    # who owns it when not the Python backend: "outside-python" (a frontend, a Node
    # service) or "not-code" (documents, configuration, checks, deployment); None otherwise
    owner: str | None = None
    note: str = ""  # why the status, when it is not plain evidence ("task names only ...")


@dataclass(frozen=True, slots=True)
class RouteResult:
    route: Route
    documented: bool
    documented_by: tuple[str, ...] = ()  # "specs/a.md:12" / "docstring FR-001"
    requirements: tuple[str, ...] = ()  # requirement keys


@dataclass(frozen=True, slots=True)
class SpecSummary:
    path: str
    title: str
    requirements: int
    implemented: int
    countable: int  # requirements that can be implemented or not
    role: str = "spec"  # what the file is (SpecDoc.role): spec, tasks, report, notes ...

    @property
    def coverage(self) -> float:
        return 100.0 if self.countable == 0 else 100.0 * self.implemented / self.countable


@dataclass(frozen=True, slots=True)
class SpecDelta:
    """One spec file's coverage before (at the base) and after the change."""

    path: str
    base_implemented: int
    base_countable: int
    implemented: int
    countable: int


@dataclass(frozen=True, slots=True)
class Comparison:
    """What changed against a reference: a baseline file or a base revision.

    ``new`` are findings of this audit that the reference does not have (by
    fingerprint and count); ``fixed`` are the reference's findings that are gone.
    """

    kind: str  # "baseline" or "base"
    reference: str  # ".traceaudit-baseline.json", "origin/main @ 1a2b3c4d5e6f"
    new: tuple[Finding, ...]
    fixed: tuple[Finding, ...]
    unchanged: int
    spec_deltas: tuple[SpecDelta, ...] = ()
    routes_added: tuple[str, ...] = ()  # "GET /api/v1/x"
    routes_removed: tuple[str, ...] = ()
    requirements_added: tuple[str, ...] = ()  # requirement keys
    requirements_removed: tuple[str, ...] = ()
    requirements_reworded: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Provenance:
    """What an auditor needs to reproduce a report."""

    tool_version: str
    config_hash: str  # sha256 of the effective configuration
    spec_hashes: tuple[tuple[str, str], ...]  # (spec path, sha256 of its bytes)
    commit: str | None = None  # the git commit of the audited tree
    dirty: bool | None = None  # uncommitted changes under the audited paths
    timestamp: str | None = None  # only with --timestamp: reports stay reproducible


@dataclass(frozen=True, slots=True)
class AuditResult:
    root: str  # the project root as given (display only)
    version: str
    spec_files: tuple[SpecSummary, ...]
    requirements: tuple[RequirementResult, ...]
    declared_endpoints: tuple[DeclaredEndpoint, ...]
    routes: tuple[RouteResult, ...]
    findings: tuple[Finding, ...]  # every finding; those with a dismissal do not count
    rules: tuple[Rule, ...] = field(default=())
    comparison: Comparison | None = None
    provenance: Provenance | None = None
    # the spec roots read and why each was chosen ("named like a spec folder",
    # "by content: 4 BMAD story files", "named by --spec")
    spec_roots: tuple[tuple[str, str], ...] = ()

    @property
    def active_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.dismissal is None)

    @property
    def coverage_counts(self) -> tuple[int, int]:
        """(implemented, countable): the one definition of coverage every format shows.

        Countable are the requirements whose status is in :data:`COUNTABLE`; the
        per-spec :class:`SpecSummary` figures are computed the same way.
        """
        implemented = sum(1 for r in self.requirements if r.status is ReqStatus.IMPLEMENTED)
        return implemented, sum(1 for r in self.requirements if r.status in COUNTABLE)

    @property
    def coverage(self) -> float:
        """Implemented out of countable requirements, in percent (100 when none count)."""
        implemented, countable = self.coverage_counts
        return 100.0 if countable == 0 else 100.0 * implemented / countable


# --------------------------------------------------------------------------
# Configuration (loaded and validated by config.py)
# --------------------------------------------------------------------------

DEFAULT_ID_PATTERN = (
    # FR-001, REQ-A-1, FR-020a; a lettered step of a dotted one, TASK-5.6.8c, is whole
    # (never cut back to TASK-5.6)
    # and a criterion of one written onto it, FR-03-AC-1 (its acceptance criterion 1)
    r"\b[A-Z][A-Z0-9]*(?:-[A-Z][A-Z0-9]*)*-\d+[a-z]?(?:\.\d+[a-z]?)*(?:-AC-?\d+[a-z]?)?\b(?!\.\d)"
    r"|\b[A-Z]{1,6}\d+(?:\.\d+)*\b"  # FR1, NFR12, T012, US1
    # T012a, US3a, NFR2b: a letter closes the number of a prefix of two letters or more or
    # of a zero-padded or three-digit number; not numeronyms (I18n, A11y, K8s) or plurals
    r"|\b(?:[A-Z]{2,6}\d+|[A-Z]0\d+|[A-Z]\d{3,})[a-rt-z]\b"
)

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024  # 10 MiB
DEFAULT_FILE_TIME_BUDGET = 30.0  # seconds

DEFAULT_SPEC_ROOTS = ("specs", "spec", "docs/specs", ".kiro/specs", ".specify")

# File suffix -> comment style of the other source languages whose comments are read for
# spec references (see traceaudit.othercode.syntax for the styles; `comment-syntax` in the
# configuration adds to or overrides this table, "none" switches a suffix off).
DEFAULT_COMMENT_SYNTAX = (
    (".ts", "c"), (".tsx", "c"), (".mts", "c"), (".cts", "c"),
    (".js", "c"), (".jsx", "c"), (".mjs", "c"), (".cjs", "c"),
    (".vue", "html+c"), (".svelte", "html+c"),
    (".go", "c"), (".java", "c"), (".kt", "c"), (".rs", "c"), (".cs", "c"), (".swift", "c"),
    (".dart", "c"), (".scala", "c"),
    (".rb", "hash"), (".sh", "hash"), (".bash", "hash"),
)  # fmt: skip

# The comment styles othercode can read ("none": do not read files with that suffix).
COMMENT_STYLES = ("c", "hash", "html", "html+c", "none")

DEFAULT_AUTH_PATTERNS = (
    "get_current_user",
    "*current*user*",
    "require_*",
    "*authenticat*",
    "verify_*token*",
    "*auth_required*",
    "*login_required*",
    "*api_key*",
    "*admin*",
    "check_permission*",
    "has_permission*",
)

DEFAULT_OUT_OF_SCOPE_HEADINGS = (
    "out of scope",
    "out-of-scope",
    "non-goals",
    "non goals",
    "nongoals",
    "future",
    "future work",
    "future enhancements",
    "won't have",
    "wont have",
    "won't do",
    "not in scope",
    "deferred",
)


@dataclass(frozen=True, slots=True)
class Config:
    """Validated configuration. Every field has a zero-configuration default."""

    root: str = "."  # absolute path of the project root (set by config.load)
    spec_roots: tuple[str, ...] = ()  # empty: the existing DEFAULT_SPEC_ROOTS
    code_roots: tuple[str, ...] = ()  # empty: the whole root
    exclude: tuple[str, ...] = ()  # extra glob patterns, relative to root
    id_pattern: str = DEFAULT_ID_PATTERN
    auth_patterns: tuple[str, ...] = DEFAULT_AUTH_PATTERNS
    apps: tuple[str, ...] = ()  # served apps, "app.main:app"; empty: every app that serves
    values: tuple[tuple[str, str], ...] = ()  # "settings.ROOT_PATH" -> ""
    out_of_scope_headings: tuple[str, ...] = DEFAULT_OUT_OF_SCOPE_HEADINGS
    non_backend_subjects: tuple[str, ...] = ()
    openapi: tuple[str, ...] = ()  # extra OpenAPI contract files/globs
    comment_syntax: tuple[tuple[str, str], ...] = DEFAULT_COMMENT_SYNTAX  # suffix -> style
    fail_on: Severity | None = Severity.ERROR  # None: never fail
    disable: tuple[str, ...] = ()  # rule codes or names switched off
    severity: tuple[tuple[str, Severity], ...] = ()  # per-rule overrides
    # a story (or requirement) that Python code cites traces its acceptance criteria too:
    # for teams that cite stories, not criteria (off: each criterion is traced on its own)
    criteria_by_story: bool = False
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; a larger file is skipped (TA013)
    file_time_budget: float = DEFAULT_FILE_TIME_BUDGET  # seconds per file; then skipped (TA013)
    # where each user-given setting came from, for messages: ("spec_roots", "--spec")
    origins: tuple[tuple[str, str], ...] = ()

    def origin(self, field_name: str, key: str) -> str:
        """Where a setting came from: ``pyproject.toml [tool.traceaudit] 'spec'``, ``--spec``."""
        for name, origin in self.origins:
            if name == field_name:
                return origin
        return f"'{key}'"
    prefilter: bool = True  # the text prefilter; off (--no-prefilter), results are the same
    # the per-file cache folder, relative to the root (traceaudit.cache); never changes a result
    cache_dir: str = ".traceaudit_cache"
    # gitignore-style path pattern -> rule codes or names ignored in matching files
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # gitignore-style path pattern -> per-rule severity in matching files
    per_file_severity: tuple[tuple[str, tuple[tuple[str, Severity], ...]], ...] = ()
    waivers: tuple[Waiver, ...] = ()
    baseline: str | None = None  # a baseline file, relative to the root
    source: str | None = None  # the configuration file read, for messages ("pyproject.toml")


@dataclass(frozen=True, slots=True)
class Waiver:
    """A configured decision that some findings are accepted, for a reason, until a date."""

    rule: str  # a code or name
    reason: str
    subject: str | None = None  # fnmatch-style glob over the finding's subject
    path: str | None = None  # gitignore-style pattern over the finding's file
    owner: str | None = None
    expires: str | None = None  # ISO date: from that day on it waives nothing
    location: Location | None = None  # where it is written


def pickle_by_position(namespace: Iterable[object]) -> None:
    """Give the frozen, slotted dataclasses among ``namespace`` a pickled state that is
    their field values by position, read and written through a tuple of names computed
    once: the state ``dataclass`` generates calls ``dataclasses.fields()`` for every object,
    and a worker's facts (hundreds of thousands of objects) cross the process pipe this way
    (``sandbox``). Same objects after the round trip; pickles are never stored."""
    set_field = object.__setattr__
    for cls in namespace:
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            continue
        if "__setstate__" not in cls.__dict__ or "__slots__" not in cls.__dict__:
            continue  # not frozen and slotted: pickle's own default handles it
        names = tuple(f.name for f in dataclasses.fields(cls))
        if not names:
            continue
        read = operator.attrgetter(*names)

        def getstate(
            self: object, _read: operator.attrgetter[object] = read, _one: bool = len(names) == 1
        ) -> object:
            value = _read(self)
            return (value,) if _one else value

        def setstate(
            self: object, state: Iterable[object], _names: tuple[str, ...] = names
        ) -> None:
            for name, value in zip(_names, state, strict=True):
                set_field(self, name, value)

        setattr(cls, "__getstate__", getstate)  # noqa: B010 (assigning a method to a class)
        setattr(cls, "__setstate__", setstate)  # noqa: B010


pickle_by_position(list(globals().values()))
