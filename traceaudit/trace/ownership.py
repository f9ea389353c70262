"""Who owns a spec item: the Python backend, code outside Python, or no code at all.

A full-stack repository holds more than the Python backend: a Next.js or Vue
frontend, a Node service, deployment files, manual test steps. Holding every item
against the Python code gives false "untraced", "unserved" and "claimed but
untraced" findings. A reviewer decides who owns an item from evidence, and so does
this module, in this order (the first that applies decides):

1. **Python evidence wins.** An item that Python code cites, or whose endpoint a
   Python route serves, is the backend's (the caller checks that first).
2. **What the item names.** The file paths in a task's or requirement's text
   (``T036 Create frontend/components/SignupForm.tsx``, ``in backend/app/api/users.py``):
   any Python path makes it the backend's; otherwise a path in another language
   (by suffix, or for a folder by the languages of the files under it) makes it
   *outside Python*; paths that are only documents or configuration
   (``backend/CLAUDE.md``, ``frontend/Dockerfile``, ``.env.example``) make it *not a
   code item*. Ownership comes from the named path's language, not from whether
   the file exists.
3. **What the task does** (tasks only, when it names no Python file): a check, a
   review, a deployment, a manual or end-to-end test run, a checkpoint is *not a
   code item* (``T025 Verify the cookie is set``, ``Deploy to Kubernetes``,
   ``Checkpoint - ensure all tests pass``).
4. **Who cites it.** An item that only code outside Python cites is outside Python,
   with that citation as its evidence.
5. **The feature it belongs to.** A feature (the folder of a spec file; for a story
   file with its own tasks, the file) is the frontend's when its plan or design states
   only a non-Python stack (``Language/Version: TypeScript``), when the project
   structure it lists names only non-Python code, or when the tasks that name files
   name only non-Python ones, or when it says of itself that it needs no backend (``No
   backend required``, ``Pure frontend simulation``; a story file or a feature, not a PRD
   of many stories); any Python statement, listed file or named file keeps it the
   backend's. Its items with no evidence of their own follow it (when the feature denies a
   backend, even those whose sentence names the API).

Endpoints: a declared endpoint that no Python route serves is outside Python when a
non-Python route file serves it (Next.js, Express), or when the OpenAPI contract that
declares it names another component as its server (``url: http://localhost:3000,
description: Development frontend server``). It is a *planned* service's when the
document lays out that service's code tree in a folder the repository does not hold.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from traceaudit.model import DeclaredEndpoint, ForeignRoute, ReqKind, Requirement, SpecDoc
from traceaudit.trace.paths import normalize_path

OUTSIDE = "outside-python"
NOT_CODE = "not-code"
PYTHON = "python"
PLANNED = "planned"  # a declared endpoint of a service the repository does not hold yet
TEST_DOUBLE = "test-double"  # a declared endpoint of a mock service that tests stand up

_PY_SUFFIXES = frozenset({".py", ".pyi", ".ipynb"})
# Front-end and other-language artefacts besides the comment-syntax table's suffixes.
_OTHER_SUFFIXES = frozenset(
    {".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".vue", ".svelte", ".astro",
     ".css", ".scss", ".sass", ".less", ".html", ".htm", ".go", ".java", ".kt", ".rs", ".cs",
     ".swift", ".dart", ".scala", ".rb", ".php"}
)  # fmt: skip
_WEB_PAGES = frozenset({".html", ".htm", ".css"})  # what a server serves under a route
_DOC_SUFFIXES = frozenset({".md", ".mdx", ".rst", ".txt", ".adoc"})
_CONFIG_SUFFIXES = frozenset(
    {".yml", ".yaml", ".toml", ".ini", ".cfg", ".conf", ".json", ".env", ".lock", ".tf",
     ".example", ".sample", ".dockerfile", ".properties", ".sh", ".bash", ".ps1", ".bat"}
)  # fmt: skip
_CONFIG_NAMES = re.compile(
    r"(?i)(?:dockerfile(?:\.\w+)?|docker-compose[\w.-]*|compose\.ya?ml|makefile|procfile|"
    r"\.env(?:\.[\w-]+)?|\.gitignore|\.dockerignore|\.nvmrc|\.python-version|"
    r"requirements[\w.-]*\.txt|vercel\.json|netlify\.toml)"
)
# A path as written in prose: segments with a slash, or a file name with a suffix.
_PATH_TOKEN = re.compile(r"[^\s`'\"<>,;*]+")
_CJK_LEAD = re.compile(r"^[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+(?=[A-Za-z0-9_.])")
_SUFFIX = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,9}$")
_METHOD_PAIR = re.compile(r"^(?:[A-Z]+/)+[A-Z]+$")
# A shell brace group in a path: `pkg/{core,api/v1}/__init__.py` names two files.
_BRACE_GROUP = re.compile(r"\{([^{}\s`'\"<>]*,[^{}\s`'\"<>]*)\}")
_WORD = re.compile(r"[^\s`'\"<>]+")
_MAX_EXPANSION = 64  # paths one written path may stand for; more is not a list of files

# What a task does, read from its first words (after [P] [US1] markers).
_DECISIVE = re.compile(
    r"(?i)^(?:checkpoint\b|analy[sz]e\b|review\b|assess\b|audit\b|investigate\b|research\b|"
    r"explore\b|evaluate\b|deploy\b|publish\b|release\b|demo(?:nstrate)?\b|measure\b|"
    r"benchmark\b|manual(?:ly)?\b|confirm\b|execute\b|perform\b|smoke[- ]test|"
    r"(?:do|run|conduct)\s+(?:a\s+)?(?:manual|final|full|smoke|e2e|end-to-end)\b)"
)
# Checking verbs: decisive unless the task also changes something ("Verify and fix ...").
_CHECKING = re.compile(r"(?i)^(?:verify|validate|check|confirm|run|ensure\s+all\s+tests)\b")
_ALSO_CHANGES = re.compile(
    r"(?i)\band\s+(?:clean|fix|update|add|create|implement|refactor|remove|migrate|write)\b"
)
_TEST_RUN = re.compile(
    r"(?i)\bmanual(?:ly)?\b|\b(?:e2e|end-to-end|smoke|acceptance|uat)\s+"
    r"(?:flow\s+)?test(?:s|ing)?\b|\btesting\b\s*$|\bdocker\s+(?:image|compose)\b|"
    r"\bkubernetes\b|\bk8s\b|\bhelm\b|\bci(?:/cd)?\s+pipeline\b"
)
# A task that makes something is a code item whatever test or tool it mentions.
_MAKING = re.compile(
    r"(?i)^(?:create|write|add|implement|build|develop|set\s*up|configure|update|refactor|"
    r"extend|integrate|wire|define|design|generate|migrate|fix|enhance|modify|replace)\b"
)
# A requirement that names the server side is not the frontend's, whatever its feature.
# The words of the server side, one core that every check below builds on: the API and its
# endpoints, the backend, the server, the database; what is stored and the status codes a
# reply carries; the credentials and services a backend holds.
_SERVER_CORE = r"\bapis?\b|\bend-?points?\b|\bback[\s-]?end\b|\bserver\b|\bdatabase\b"
_SERVER_STORAGE = r"\bdb\b|\bstatus\s+codes?\b|\b[45]\d\d\b|\bpersist\w*"
_SERVER_HELD = r"\bjwt\b|\btokens?\b|\bservices?\b"
_SERVER_SIDE = re.compile(rf"(?i){_SERVER_CORE}|{_SERVER_HELD}")
_STORED = re.compile(rf"(?i){_SERVER_STORAGE}")
# A feature's own words that deny a backend outright ("No backend required").
_SAYS_NO_BACKEND = re.compile(r"(?i)\bno\s+backend\b")
# What a reply carries: "each record SHALL include a profile_completed boolean field".
_DATA_SHAPE = re.compile(
    r"(?i)\b(?:fields?|records?|respons\w*|returns?|payloads?|json|schemas?|boolean|null)\b"
)
# Changing what is kept: deleting, removing, saving or recording data (and the same in
# Chinese and Japanese, whose sentences name no English server word).
_CHANGES_DATA = re.compile(
    r"(?i)\b(?:delet|remov|sav|stor|record|updat)\w*\b[^.;]{0,40}?\b(?:data|records?|rows?|"
    r"entries|history)\b|(?:刪除|删除|移除|保存|儲存|存儲|存储|記錄|记录|削除|登録)"
)
_MARKERS = re.compile(r"^(?:\s*(?:\[[^\]]*\]|\*\*[^*]*\*\*:?|[-*]|\d+[.)]|T\d+\w*:?))*\s*")

# A capability granted to someone ("System MUST allow users to add tags", "Users can
# export"): both sides of a full-stack app usually build it, whatever one task says.
_CAPABILITY = re.compile(
    r"(?i)\b(?:allows?|enables?|lets?|permits?)\s+(?:\w+\s+){0,3}?to\b|"
    r"\b(?:users?|admins?|administrators?|operators?|hosts?|customers?)\s+(?:can|may|"
    r"(?:must|shall|should)\s+be\s+able\s+to)\b"
)

# Stack statements and the languages they name.
_PY_STACK = re.compile(r"(?i)\bpython\b|\bfastapi\b|\bdjango\b|\bflask\b|\bpydantic\b")
# An item's own words that name the Python backend's tools, or another stack's.
_PY_TOOLS = re.compile(
    r"(?i)\bfastapi\b|\bdjango\b|\bflask\b|\bpydantic\b|\bsqlalchemy\b|\bsqlmodel\b|"
    r"\bpytest\b|\bcelery\b|\balembic\b|\buvicorn\b|\bstarlette\b|\bpython\s*3"
)
_OTHER_TOOLS = re.compile(
    r"(?i)\breact\b|\bnext\.?js\b|\bvue(?:\.?js)?\b|\bnuxt\b|\bvite\b|\btailwind(?:css)?\b|"
    r"\btype\s*script\b|\bnode\.?js\b|\bnpm\b|\bnpx\b|\bsvelte\b|\bangular\b|\bjsx\b|"
    r"\bshadcn\b|\bplaywright\b|\bjest\b|\bvitest\b|\bredux\b|\brtk\s+query\b|\bzustand\b|"
    r"\breact[\s-]query\b|\btanstack\b|\bstyled[\s-]components\b|\baxios\b|"
    r"\bexpo\b|\bflutter\b|\bswift\s*ui\b|\bjetpack\s+compose\b|\bi18next\b"
)
# Cluster operations and infrastructure as code: what a deployment is made of, not the
# backend's code ("Calico CNI 설치", "kube-prometheus-stack Helm 차트 설치", "Update CDK stack
# for FastAPI Lambda", "Create CfnOutput with the health check URL").
_OPS_TOOLS = re.compile(
    r"(?i)\bkubernetes\b|\bk8s\b|\bhelm\b|\bkubectl\b|\betcd\b|\bcontrol\s+plane\b|"
    r"\bcni\b|\bcalico\b|\bcsi\b|\bistio\b|\bkong\b|\bterraform\b|\bansible\b|"
    r"\bpulumi\b|\bcloud\s*formation\b|\bcfn[A-Za-z]*|\bcdk\b|\bdaemon\s*sets?\b|"
    r"\bstateful\s*sets?\b|\bconfig\s*maps?\b|\bcrds?\b|\bkube-[\w-]+|"
    r"\bprometheus\s+operator\b|\beck\b|\bgrafana\b|\bkibana\b|\bfluentd\b|\bfilebeat\b|"
    r"\blogstash\b|\bvelero\b|\bargo\s*cd\b|\bstack\s+outputs?\b|"
    r"\bexecution\s+role\b|\{proxy\+\}|\blambda\s+(?:proxy\s+)?integration\b|"
    # a container's or a pipeline's configuration ("Create Docker configuration", "Set up
    # the CI/CD pipeline", "Add GitHub Actions workflow")
    r"\bdocker(?:file)?\s+(?:configuration|config|setup|images?|compose)\b|\bdockeri[sz]e\b|"
    r"\bci(?:/cd)?\s+(?:pipelines?|workflows?|configuration)\b|\bgithub\s+actions\b"
)
# Infrastructure written as code in a general-purpose language (the CDK, Pulumi): whose
# it is follows the language of the stack files the repository holds.
_IAC_CODE = re.compile(r"(?i)\bcdk\b|\bcfn[A-Za-z]*|\bpulumi\b|\bstack\s+outputs?\b")
_IAC_FILE = re.compile(r"(?i)(?:^|[/_.-])(?:stack|cdk|infra)[\w.-]*\.[a-z]+$|(?:^|/)(?:cdk|infra)/")
# The backend's own surface: a task or requirement about it is never only operations.
_ROUTE_WORDS = re.compile(
    r"(?i)\bend-?points?\b|\broutes?\b|\bhandlers?\b|\b(?:GET|POST|PUT|PATCH|DELETE)\s+/"
)
# A React hook as code names it: ``useTaskMutations``.
_HOOK = re.compile(r"(?<![\w.])use[A-Z][A-Za-z0-9]+\b")
# A test task that is a person's steps ("Test user isolation: create two users, log in as
# User A, verify ..."): a manual run, not a test file.
_USER_STEPS = re.compile(
    r"(?i)\blog\s*in\s+as\b|\bsign\s*in\s+as\b|\bnavigate\s+to\b|\bopen\s+(?:the\s+)?"
    r"browser\b|\bin\s+the\s+browser\b|\bclick\s+(?:on\s+)?(?:the\s+)?\w+"
)
# A task whose title's head noun is a document ("스키마 레지스트리 사용 가이드", "API usage
# guide", "Update the README"): documentation work.
_DOC_WORK = re.compile(
    r"(?i)(?:\b(?:guide|guides|documentation|docs|readme|tutorial|runbook|handbook|"
    r"changelog)|가이드|문서화?)\s*$"
)
_OPS_REASON = "its work is infrastructure operations"
# A task that lays out the repository: its title sets up a structure and each of its steps
# makes a folder or a root file ("Create Monorepo Structure" / "Create `frontend/` directory",
# "Create root-level configuration files (.gitignore, README.md)"). No code is written.
_SCAFFOLD_TITLE = re.compile(
    r"(?i)^(?:create|set\s*up|setup|initiali[sz]e|scaffold|establish|prepare)\b[^.;]*?"
    r"\b(?:structure|layout|skeleton|scaffold(?:ing)?|director(?:y|ies)|folders?)\b"
)
_FOLDER_STEP = re.compile(r"(?i)\b(?:sub-?)?(?:director(?:y|ies)|folders?)\b")
# A task that edits the dependency manifest ("Update backend dependencies", "Install
# scikit-opt and hypothesis dependencies", "Add packages to requirements.txt"): toolchain.
_DEPENDENCY_TITLE = re.compile(
    r"(?i)^(?:update|add|install|upgrade|bump|pin|declare|configure|manage)\s+(?:the\s+)?"
    r"(?:[\w.-]+\s+(?:and\s+)?){0,3}?(?:dependencies|dependency|packages|libraries)\s*$"
)
_TEST_DOUBLE_WORK = re.compile(
    r"(?i)\b(?:mock|stub|fake|dummy|simulated)\s+(?:[\w-]+\s+){0,2}?(?:services?|servers?|"
    r"apis?|apps?|backends?)\b"
)
_TEST_FILE = re.compile(
    r"(?i)(?:^|/)(?:tests?|__tests__|mocks?|fakes?|stubs?)/|(?:^|/)test_[\w.-]+$|"
    r"_test\.py$|(?:^|/)conftest\.py$"
)
# The side a BMAD task's label names: "**Frontend - Navigation:**", "Backend - API:",
# "Test - Frontend:", "UI:", "[Frontend]".
_TASK_SIDE = re.compile(
    r"(?i)^\W*(?:(?P<test>tests?|testing|qa)\b\s*[-–—:/]?\s*)?"
    r"(?P<side>front-?end|ui|client|web|back-?end|api|server|database|db)?\b\s*"
    r"(?:[-–—/]\s*[\w\s/&]{1,40}?)?\s*[:\]]"
)
_FRONT_SIDES = frozenset({"frontend", "front-end", "ui", "client", "web"})
# An item its id calls a task, wherever it is defined: "TASK-3.4.5", "SUBTASK-3.4.5.1".
_TASK_ID = re.compile(r"(?:SUB)?TASKS?-\d+(?:\.\d+)*[a-z]?")
_TASK_LABEL = re.compile(r"(?i)^(?:task|subtask)\s+[\d.]+[a-z]?\s*[:.)-]\s*")
_REF_STEP = re.compile(r"(?i)^_?(?:requirements?|reqs?|ac|refs?|depends\s+on)\b")
_CHECKBOX = re.compile(r"(?m)^\s*\[[ xX]\]\s*(.+)$")
# A component or hook name as code writes it: ``TaskItem``, ``CategoryForm``, ``useTasks``.
_IDENTIFIER = re.compile(r"[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+|use[A-Z][A-Za-z0-9]+")
_IDENTIFIER_IN_TEXT = re.compile(rf"(?<![\w./-])(?:{_IDENTIFIER.pattern})(?![\w./-])")
# Where a task's work goes, or what it makes, when that is a piece of user interface:
# "in the chat UI", "in dashboard page", "to the dashboard layout/navigation", "Create
# confirmation dialog component", "Add toggle switch/button for is_active". A bare
# "component" is not one: Kiro designs call their Python classes components.
_UI_NOUNS = (
    r"(?:ui|page|modal|dialog|screen|layout|navigation|navbar|sidebar|form|toolbar|"
    r"menu|button|toast|tooltip|dropdown|card|front-?end)s?(?:\s+components?)?"
)
_UI_END = r"(?=\s*(?:$|[,.;:()]|\s(?:for|to|in|with|that|which|on|of|and|so|when)\b))"
# "to the frontend" / "to the UI" is where a backend sends something ("Stream progress events
# to the frontend"); only "in the frontend" / "in the chat UI" places the work there.
_UI_PLACE = re.compile(
    r"(?im)\b(?P<prep>in|to|on|into|inside|within)\s+(?:(?:the|an?|existing|each|every)\s+)*"
    rf"(?:[\w-]+[\s/]+){{0,2}}{_UI_NOUNS}{_UI_END}"
)
_DESTINATION = re.compile(r"(?i)(?:\bui|front-?end)s?$")
_UI_MADE = re.compile(
    r"(?im)^(?:\[[ xX]\]\s*)?(?:create|add|build|implement|design|style)\s+(?:(?:the|an?)\s+)?"
    rf"(?:[\w-]+[\s/]+){{0,3}}{_UI_NOUNS}{_UI_END}"
)
# A requirement's sentence that asks only for browser user interface: its subject is the
# system as a whole or a piece of UI, and what it asks for (after its last modal, before a
# condition) is something only a browser UI has, with nothing of the server side anywhere.
_SENTENCE_SUBJECT = re.compile(
    r"(?i)^(?:the\s+)?(?P<subject>(?:[\w/-]+\s+){0,3}?[\w/-]+)\s+(?:MUST|SHALL|SHOULD)\b|"
    r"\bTHE\s+(?P<ears>(?:[\w-]+\s+){0,2}?[\w-]+)\s+SHALL\b"
)
_WHOLE_SYSTEM = re.compile(
    r"(?i)^(?:system|application|app|platform|website|site|web\s+app|web\s+application|"
    r"(?:all|every|each)\s+[\w-]+(?:\s+[\w-]+)?)$"
)
_UI_SUBJECT = re.compile(
    r"(?i)\b(?:form|card|toast|navbar|sidebar|tooltip|dropdown|page|screen|modal|dialog|"
    r"button|navigation\s+bar|nav\s+bar|menu)s?$"
)
_UI_ASK = re.compile(
    r"(?i)\btoast\b|\bmodal\b|\bdialog\b|\bbuttons?\b|\bhover\w*|\btooltips?\b|\bdropdowns?\b|"
    r"\blocal\s*storage\b|\bsession\s*storage\b|prefers-color-scheme|\b(?:dark|light)\s+mode\b|"
    r"\bthemes?\b|\bcss\b|\btailwind\b|\bresponsive\b|\bmobile-first\b|\bscreen\s+sizes?\b|"
    r"\banimations?\b|\bspinner\b|\bskeleton\b|\bpage\s+(?:load|reload|refresh)\b|"
    r"\binline\s+(?:error|validation)\b|\bplaceholder\b|\bkeyboard\b|\bscroll\w*|\bclick\w*|"
    r"\bbrowser\b|\bviewport\b|\btextarea\b|\b(?:input|form)\s+fields?\b|\bfocus\s+states?\b|"
    r"\b(?:login|sign[\s-]?in|sign[\s-]?up|signup|landing|home|dashboard|settings|profile|"
    r"detail|error)\s+page\b|\b(?:on|to|in|from)\s+(?:the\s+)?[\w-]+(?:\s+[\w-]+)?\s+page\b|"
    r"\bpages\b|\baria\b|\baccessib\w*|\bwcag\b|\bcard\s+(?:format|layout|view)\b|"
    r"\btouch\b|\b\d+\s*px\b|\bfront-?end\s+(?:[\w-]+\s+)?tests?\b|\b(?:vitest|jest|cypress)\b|"
    r"\brich[\s-]text\b|\bwysiwyg\b|\bside\s+drawer\b|\bsparklines?\b"
)
_FRONTEND_TESTS = re.compile(r"(?i)front-?end\b.*\btests?$|vitest|jest|cypress")
_SERVER_WORDS = re.compile(
    rf"(?i){_SERVER_CORE}|{_SERVER_STORAGE}|{_SERVER_HELD}|\bsql\b|\bhttp\b|\bwebhooks?\b|"
    r"\bqueues?\b|\bworkers?\b|\bcron\b|\bsend\w*\s+(?:an?\s+)?e-?mails?\b|"
    r"\be-?mail\s+(?:delivery|notifications?|service|verification)\b|\bhash\w*|\bencrypt\w*"
)
# What only the API's caller does: it puts credentials on the requests it sends ("attach JWT
# tokens to all API requests requiring authentication"), and it alone sees its own requests
# fail ("display ... network errors", "display error messages when API operations fail",
# "WHEN THE Backend is disconnected, THE System SHALL display ..."). Requests to a named
# service ("to requests to the Payments service") are the backend's own calls.
_CLIENT_SENDS = re.compile(
    r"(?i)\b(?:attach|add|include|send|inject|set)(?:es|s|ed|ing)?\s+(?:(?:the|an?|its|their|"
    r"user'?s?)\s+)?(?:[\w-]+\s+){0,2}?(?:jwts?|tokens?|credentials?|(?:authorization|auth)\s+"
    r"headers?|api\s+keys?)\s+(?:to|in|with|on|into)\s+(?:(?:all|every|each|outgoing|"
    r"subsequent|the|its|their)\s+)*(?:[\w-]+\s+){0,2}?(?:requests?|calls?)\b"
    r"(?!\s+(?:to|for)\s+(?:the\s+|an?\s+)?(?!(?:api|backend|server)\b)(?:(?-i:[A-Z])|"
    r"external\b|third[\s-]party\b|upstream\b|downstream\b|remote\b|providers?\b))"
)
# "attach the `Authorization: Bearer <token>` header", "add the auth header": a request
# header only the caller of the API puts on (the backend reads and verifies it).
_CLIENT_HEADER = re.compile(
    r"(?i)\b(?:attach|add|include|send|inject|set)(?:es|s|ed|ing)?\s+(?:the\s+|an?\s+)?"
    r"[`'\"]?(?:authorization|auth|bearer)\b[^.;]{0,40}?\bheaders?\b"
    r"(?![^.;]*?\b(?:to|for)\s+(?:the\s+|an?\s+)?(?!(?:api|backend|server)\b)(?:(?-i:[A-Z])|"
    r"external\b|third[\s-]party\b|upstream\b|downstream\b|remote\b|providers?\b))"
)
# What the caller does with a reply it receives: "handle 401/403 API errors by logging the
# user out", "handle JWT expiration gracefully by redirecting users to login": the server
# sends the status, the client reacts to it (never when the sentence has the server
# return or respond).
_CLIENT_REACTS = re.compile(
    r"(?i)\bhandl(?:e|es|ed|ing)\b[^.;]{0,40}?\b(?:[45]\d\d|[45]xx|unauthori[sz]ed|forbidden|"
    r"expir\w*)\b[^.;]{0,40}?\bby\s+(?:gracefully\s+)?(?:logging|signing|redirecting|"
    r"refreshing|prompting)\b|"
    r"\b(?:by\s+)?redirect(?:s|ing)?\s+(?:the\s+)?users?\s+to\s+(?:the\s+)?(?:log-?in|sign-?in)\b"
)
_SERVER_REPLIES = re.compile(r"(?i)\b(?:return\w*|respond\w*|status\s+codes?)\b")
_CLIENT_SEES = re.compile(
    r"(?i)\b(?:display|show|render|present)(?:s|ed|ing)?\b[^.;]*?(?:\bnetwork\s+(?:errors?|"
    r"failures?)|\b(?:when|if)\s+(?:the\s+)?(?:api|backend|server)\s+(?:calls?\s+|requests?\s+|"
    r"operations?\s+)?(?:fails?|is\s+(?:unreachable|unavailable|down|disconnected|offline))|"
    r"\b(?:during|while)\s+(?:the\s+)?api\s+(?:calls?|requests?|operations?))|"
    r"\b(?:when|if|while)\s+(?:the\s+)?(?:api|backend|server)\s+is\s+(?:unreachable|"
    r"unavailable|down|disconnected|offline)\b[^.;]*?\b(?:display|show|render)"
)
_LABEL = re.compile(r"^(?:[\w-]+\s+){0,3}[\w-]+\s*:\s+(?=\S)")
_PAREN_LABEL = re.compile(r"^\([^()]{1,40}\)\s*:\s+(?=\S)")
# A requirement's subject, its head noun phrase (before "at /signin", "for ..."), and the
# pieces of user interface that make it the frontend's.
_ANY_SUBJECT = re.compile(r"(?i)^(?:the\s+)?(?P<subject>[^,;:()]{1,60}?)\s+(?:MUST|SHALL|SHOULD)\b")
_HEAD_CUT = re.compile(r"(?i)\s(?:at|for|of|in|on|with|from|that|which)\s")
_UI_HEAD = re.compile(
    r"(?i)\b(?:page|screen|modal|dialog|form|card|toast|navbar|sidebar|tooltip|dropdown|"
    r"button|menu|ui|user\s+interface|view|drawer|banner|toggle|tab)s?$|\bfront-?end\b|"
    r"(?<!\bapi\s)(?<!\bcli\s)(?<!command-line\s)(?<!programming\s)(?<!network\s)"
    r"\b(?:quiz|chat|web|editor|admin|settings|search|user)\s+interfaces?$"
)
# A name in quotes inside a subject ('The "Change Mode" control', 'A success toast "Event
# started"') names the element; the head noun is what is left.
_QUOTED_NAME = re.compile(r"\s*(?:\"[^\"]{1,40}\"|“[^”]{1,40}”|'[^']{1,40}')")
# A subject that is what the user does with the interface: "Clicking a Lobby event block".
_USER_ACTION = re.compile(
    r"(?i)^(?:clicking|double-clicking|tapping|hovering|dragging|swiping|scrolling|"
    r"pressing)\b"
)
# "MUST disappear from the list without a full page reload": only a browser reloads pages;
# "updates in real time without page refresh" needs the server's push as well.
_NO_RELOAD = re.compile(
    r"(?i)\bwithout\s+(?:a\s+|any\s+)?(?:full\s+)?page\s+(?:reloads?|refresh(?:es)?)\b"
)
_PUSHED = re.compile(r"(?i)\breal[\s-]?time\b|\blive\b|\bpush\w*|\bwebsockets?\b|\bsse\b|"
                     r"\bserver[\s-]sent\b|\bstream\w*")
_UI_NAMED = re.compile(
    r"(?i)\b(?:chat\s+|web\s+)?ui\b|\buser\s+interface\b|\bscreens?\b|\bsidebar\b|"
    r"\bprogress\s+bar\b|\b(?:above|below|beneath)\s+the\s+[\w-]+(?:\s+[\w-]+)?\s+(?:list|"
    r"table|header|heading|title|form|section|statistics|cards?)\b"
)
# The server side a UI sentence may still name: then it is (also) the backend's.
_UI_SERVER = re.compile(
    rf"(?i){_SERVER_CORE}|{_SERVER_STORAGE}|\bstor(?:e|es|ed|ing)\b|\bsav(?:e|es|ed|ing)\b|"
    r"\b(?:GET|POST|PUT|PATCH|DELETE)\s+/"
)
_ON_A_PAGE = re.compile(
    r"(?i)\bwhen\s+I\s+(?:am\s+on|navigate\s+to|open|visit|go\s+to)\s+(?:the\s+|my\s+)?"
    r"[^,.;\n]{0,60}?\b(?:page|screen|tab)\b"
)
_USER_SEES = re.compile(r"(?i)\bI\s+(?:should\s+|can\s+|will\s+)?see\b")
_LAST_MODAL = re.compile(r"\b(?:MUST|SHALL|SHOULD)\b")
_CONDITION = re.compile(r"(?i)\b(?:when|whenever|if|while|once|after|before|unless)\b")
# A "Files:" line lists what a task makes (other paths in it may be guides or checks).
_FILES_LINE = re.compile(r"(?im)^\s*(?:\*\*)?(?:files?|creates?|outputs?)(?:\*\*)?\s*:\s*(.+)$")
_DOC_FOLDERS = frozenset({"specs", "spec", "docs", "doc", "documentation", ".specify", ".kiro"})
_TRAILING_REFS = re.compile(r"\s*\((?:AC|Req|Requirements?|FR|US)\b[^)]*\)\s*$", re.I)
# A stack named as what the feature builds on ("Python 3.11+ (Backend - existing)").
_EXISTING = re.compile(r"(?i)\b(?:existing|unchanged|as[- ]is|untouched)\b")
# A structure decision that leaves the backend alone ("Backend uses existing APIs without
# modifications", "no backend changes"); "follows existing backend structure" is not one.
_BACKEND_UNCHANGED = re.compile(
    r"(?i)\bback[- ]?end\b.*\b(?:without\s+(?:any\s+)?(?:changes?|modifications?)|unchanged|"
    r"untouched|(?:is|are|stays?|remains?)\s+as[- ]is|not\s+(?:be\s+)?(?:changed|modified))\b|"
    r"\bno\s+(?:changes?\s+(?:to|in)\s+the\s+|new\s+)?back[- ]?end(?:\s+(?:changes?|code|work))?\b"
)
_OTHER_STACK = re.compile(
    r"(?i)\btype\s*script\b|\bjava\s*script\b|\bnode(?:\.?js)?\b|\bnext\.?js\b|\breact\b|"
    r"\bvue(?:\.?js)?\b|\bangular\b|\bsvelte\b|\bnuxt\b|\bgo(?:lang)?\s*\d|\bgolang\b|"
    r"\bjava\b|\bkotlin\b|\brust\b|\bc#|\.net\b|\bswift\b|\bdart\b|\bflutter\b|\bruby\b|\bphp\b"
)
# Server descriptions of an OpenAPI contract that name another component.
_OTHER_SERVER = re.compile(
    r"(?i)\bfront[- ]?end\b|\bnext\.?js\b|\bnode(?:\.?js)?\b|\bbrowser\b|\bweb\s+(?:app|client)\b|"
    r"\bspa\b|\bclient\s+app\b|\bui\s+server\b"
)


@dataclass(frozen=True, slots=True)
class Owner:
    """Who owns an item, and the evidence, in words for the matrix and messages."""

    owner: str  # OUTSIDE, NOT_CODE or PYTHON (PLANNED: only for a declared endpoint)
    reason: str
    # NOT_CODE that frames the work rather than being out of the backend (a quality target,
    # a tool constraint): the item is informational, not "not backend"
    informational: bool = False
    # a feature that says outright that no backend is involved ("No backend required"):
    # its items are outside Python even where a sentence names the API
    denies: bool = False


def _short(paths: Sequence[str], limit: int = 2) -> str:
    shown = ", ".join(paths[:limit])
    return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")


class Ownership:
    """Ownership of every requirement, task and declared endpoint of a project."""

    def __init__(
        self,
        docs: Sequence[SpecDoc],
        source_files: Iterable[str],
        foreign_routes: Sequence[ForeignRoute],
        other_suffixes: Iterable[str] = (),
    ) -> None:
        self._other_suffixes = _OTHER_SUFFIXES | {s.lower() for s in other_suffixes}
        # every run of folders of every source file -> languages of the files under it
        self._folders: dict[str, Counter[str]] = defaultdict(Counter)
        self.files = sorted(set(source_files))
        self._gateway_code: bool | None = None
        self._client_code: str | None = None  # a source file outside Python, "" when none
        self._names = {PurePosixPath(p).name for p in self.files}
        # CamelCase file and folder stems (``TaskItem.tsx``, ``CategoryForm/index.vue``) by
        # language: a task that names ``TaskItem`` names that file
        self._stems: dict[str, set[str]] = defaultdict(set)
        for path in self.files:
            lang = self._language(path)
            pure = PurePosixPath(path)
            for stem in (pure.stem, pure.parent.name):
                if lang == PYTHON and "_" in stem:  # action_classifier.py: ActionClassifier
                    stem = "".join(w[:1].upper() + w[1:] for w in stem.split("_"))
                if lang is not None and _IDENTIFIER.fullmatch(stem):
                    self._stems[stem].add(path if lang == OUTSIDE else PYTHON)
        for path in self.files:
            lang = self._language(path)
            if lang is None:
                continue
            parts = PurePosixPath(path).parts[:-1]
            for i in range(len(parts)):
                for j in range(i + 1, len(parts) + 1):
                    self._folders["/".join(parts[i:j])][lang] += 1
        self._foreign = [(r, _foreign_pattern(r.path)) for r in foreign_routes]
        self._item_cache: dict[str, Owner | None] = {}
        self._features = self._feature_owners(docs)
        self._contracts = {doc.path: self._contract_owner(doc) for doc in docs if doc.servers}
        self._layouts = {doc.path: doc.layouts for doc in docs if doc.layouts}
        self._tasks = {r.key: r for doc in docs for r in doc.requirements if r.kind is ReqKind.TASK}
        # per feature folder: its tasks with their content words (built on first use)
        self._alike: dict[str, list[tuple[Requirement, set[str]]]] | None = None

    # -- paths ------------------------------------------------------------

    def _language(self, path: str) -> str | None:
        suffix = PurePosixPath(path).suffix.lower()
        if suffix in _PY_SUFFIXES:
            return PYTHON
        if suffix in self._other_suffixes:
            return OUTSIDE
        return None

    def classify_path(self, token: str) -> str | None:
        """``python``, ``outside-python``, ``doc``, ``config`` or None (not a path we know)."""
        name = PurePosixPath(token).name
        if _CONFIG_NAMES.fullmatch(name):
            return "config"
        suffix = _SUFFIX.search(name)
        if suffix:
            ext = suffix.group(0).lower()
            if ext in _PY_SUFFIXES:
                return PYTHON
            if ext in self._other_suffixes:
                return OUTSIDE
            if ext in _DOC_SUFFIXES:
                return "doc"
            if ext in _CONFIG_SUFFIXES:
                return "config"
            if "/" not in token:
                return None
        folder = token.strip("/")
        if "/" not in folder and folder not in self._folders:
            return None
        languages = self._folders.get(folder)
        if not languages and folder.split("/")[0].lower() in _DOC_FOLDERS:
            return "doc"  # a folder of the specs or the docs ("Create specs/database/")
        if not languages:
            return None
        if languages[PYTHON] and not languages[OUTSIDE]:
            return PYTHON
        if languages[OUTSIDE] and not languages[PYTHON]:
            return OUTSIDE
        return None  # a folder of both says nothing

    def named_paths(self, text: str) -> list[tuple[str, str]]:
        """(path as written, its class) for every file or folder path the text names."""
        out: list[tuple[str, str]] = []
        for m in _PATH_TOKEN.finditer(expand_braces(text)):
            token = m.group(0).strip("().:[]{}")
            # Chinese and Japanese write no space between a word and a path: "创建apps/x.py"
            # ("create apps/x.py") names apps/x.py
            token = _CJK_LEAD.sub("", token)
            if token.startswith("/") and self._rooted_file(token):
                token = token.lstrip("/")  # `/Makefile`, `/backend/app/main.py`: the repo's
            if (
                not token
                or token.startswith(("/", "http", "#", "@", "~"))
                or "://" in token
                or "{" in token
                or _METHOD_PAIR.match(token)
                or ("/" not in token and not _SUFFIX.search(token)
                    and not _CONFIG_NAMES.fullmatch(token))
            ):  # fmt: skip
                continue
            kind = self.classify_path(token)
            if kind is not None and (token, kind) not in out:
                out.append((token, kind))
        return out

    def _rooted_file(self, token: str) -> bool:
        """A path written from the repository's root (``/Makefile``, ``/src/app/main.py``),
        not a route: a build or deploy file's name, or a source file's suffix (a route
        ends in ``.json`` or ``.html`` often, in ``.py`` or ``.tsx`` never)."""
        name = PurePosixPath(token).name
        suffix = PurePosixPath(name).suffix.lower()
        return bool(_CONFIG_NAMES.fullmatch(name)) or (
            suffix in _PY_SUFFIXES or (suffix in self._other_suffixes and suffix not in _WEB_PAGES)
        )

    def python_files_named(self, req: Requirement) -> list[tuple[str, bool]]:
        """The Python files an item names, each with whether such a file exists."""
        text = f"{req.title}\n{req.text}"
        files = _FILES_LINE.findall(text)
        named = self.named_paths("\n".join(files)) if files else self.named_paths(text)
        out: list[tuple[str, bool]] = []
        for token, kind in named:
            if kind != PYTHON or not _SUFFIX.search(token):
                continue
            clean = token.lstrip("./")
            exists = (
                any(f == clean or f.endswith("/" + clean) for f in self.files)
                if "/" in clean
                else clean in self._names
            )
            out.append((token, exists))
        # "Create models __init__.py in backend/src/models/__init__.py" names one file
        longer = {t.lstrip("./") for t, _ in out if "/" in t}
        out = [(t, e) for t, e in out if "/" in t or not any(p.endswith("/" + t) for p in longer)]
        return list(dict.fromkeys(out))

    # -- items ------------------------------------------------------------

    def _components(self, text: str) -> list[str]:
        """Component or hook names in the text that name files outside Python only."""
        out: list[str] = []
        for m in _IDENTIFIER_IN_TEXT.finditer(text):
            where = self._stems.get(m.group(0), set())
            if where and PYTHON not in where and m.group(0) not in out:
                out.append(m.group(0))
        return out

    def _named(self, text: str, title: str, task: bool = False) -> Owner | None:
        """Rule 2: the paths, then the tools, an item names.

        A ``Files:`` line, when there is one, is what the task makes: only its paths
        count. Documents and configuration count only in the title or that line: a
        task's body often names the guide to follow, not what it makes.
        """
        text, title = _unglue(text), _unglue(title)
        files = _FILES_LINE.findall(text)
        named = self.named_paths("\n".join(files)) if files else self.named_paths(text)
        # A bare folder name ("utils/", "services/") is weak evidence: both sides of a
        # full-stack repository have one. It decides only when no file or longer path does,
        # and only when the bare folders all point one way.
        strong = [(p, k) for p, k in named if not _bare_folder(p)]
        py = [p for p, k in strong if k == PYTHON]
        other = [p for p, k in strong if k == OUTSIDE]
        if not py and not other:
            weak_py = [p for p, k in named if k == PYTHON]
            weak_other = [p for p, k in named if k == OUTSIDE]
            if weak_py and not weak_other:
                py = weak_py
            elif weak_other and not weak_py:
                other = weak_other
        made = self.named_paths("\n".join([title, *files]))
        support = [p for p, k in made if k in ("doc", "config")]
        # sub-steps that each name only documents or configuration are what the task makes
        steps = [self.named_paths(step) for step in _CHECKBOX.findall(text)]
        if steps and all(st and all(k in ("doc", "config") for _, k in st) for st in steps):
            support += [p for st in steps for p, _ in st if p not in support]
        titled = self.named_paths(title)
        if py and not files and titled and all(k == "doc" for _, k in titled):
            # "Task 1: Update README.md": the document is what it makes; the script its steps
            # name is the command the document shows
            docs = _short([p for p, _ in titled])
            return Owner(NOT_CODE, f"its title names only documents: {docs}")
        if py:
            return Owner(PYTHON, f"names {_short(py)}")
        if other:
            return Owner(OUTSIDE, f"names only code outside Python: {_short(other)}")
        ops = self._ops(text, title, task)
        if ops is not None:
            return ops
        if support:
            return Owner(NOT_CODE, f"names only documents or configuration: {_short(support)}")
        hook = _HOOK.search(title)
        if hook and not _SERVER_WORDS.search(text):
            return Owner(OUTSIDE, f"names {hook.group(0)}, a React hook")
        tool = _PY_TOOLS.search(text)
        if tool:
            return Owner(PYTHON, f"names {tool.group(0)}")
        tool = _OTHER_TOOLS.search(text)
        if tool:
            return Owner(OUTSIDE, f"names {tool.group(0)}, a tool outside Python")
        if task or not _SERVER_SIDE.search(text):
            components = self._components(text)
            if components:
                files = sorted(self._stems[components[0]])
                return Owner(OUTSIDE, f"names {_short(components)}, code outside Python "
                                      f"({_short(files, 1)})")  # fmt: skip
        if task:
            ui = _ui_work(title, text)
            if ui:
                return Owner(OUTSIDE, f"its work is user interface (“{ui}”)")
            # what its title asks for only a browser UI has ("toast success message",
            # "mobile-first design", "for authenticated pages"), nothing of the server
            asked = _UI_ASK.search(_main_clause(_MARKERS.sub("", title)))
            if asked and not _SERVER_WORDS.search(text):
                return Owner(OUTSIDE, f"its work is user interface (“{asked.group(0)}”)")
        return None

    def _ops(self, text: str, title: str, task: bool) -> Owner | None:
        """Cluster operations or infrastructure as code, from the title's words (or, for a
        task, its steps', when none names the backend's tools or routes; a requirement's
        text holds all its criteria, and one of them says nothing of the others)."""
        m = None if _ROUTE_WORDS.search(title) else _OPS_TOOLS.search(title)
        if m is None and task and not (_PY_TOOLS.search(text) or _ROUTE_WORDS.search(text)):
            m = _OPS_TOOLS.search(text)
        if m is None:
            return None
        word = " ".join(m.group(0).split())
        if _IAC_CODE.search(text):
            stacks = [f for f in self.files if _IAC_FILE.search(f)]
            if any(self._language(f) == PYTHON for f in stacks):
                return None  # a CDK app in Python is Python code
            outside = [f for f in stacks if self._language(f) == OUTSIDE]
            if outside:
                return Owner(OUTSIDE, f"its work is infrastructure code outside Python (“{word}”: "
                                      f"{_short(outside, 1)})")  # fmt: skip
        return Owner(NOT_CODE, f"{_OPS_REASON} (“{word}”), not backend code")

    def item(self, req: Requirement) -> Owner | None:
        """The owner an item's own text shows (rules 2 and 3), else None."""
        if req.key in self._item_cache:
            return self._item_cache[req.key]
        text = f"{req.title}\n{req.text}"
        task = req.kind is ReqKind.TASK or bool(_TASK_ID.fullmatch(req.id))
        owner = self._named(text, req.title, task)
        if task:
            head = _TRAILING_REFS.sub("", _MARKERS.sub("", req.title)).strip()
            checking = bool(_CHECKING.match(head)) and not _ALSO_CHANGES.search(head)
            running = bool(_TEST_RUN.search(head)) and not _MAKING.match(head)
            if _DECISIVE.match(head) or checking or (running and owner is None):
                owner = Owner(NOT_CODE, f"a {_activity(head)}, not an implementation item")
            elif owner is None and re.match(r"(?i)test\b", head) and _USER_STEPS.search(text):
                owner = Owner(NOT_CODE, "a manual test run (a person's steps), not an "
                                        "implementation item")  # fmt: skip
            elif owner is None and _DOC_WORK.search(head) and not re.search(r"(?i)\band\b|&", head):
                owner = Owner(NOT_CODE, "a documentation task, not an implementation item")
            elif owner is None or owner.owner != OUTSIDE:
                owner = self._toolchain(req, _TASK_LABEL.sub("", head)) or owner
        self._item_cache[req.key] = owner
        return owner

    def _toolchain(self, req: Requirement, head: str) -> Owner | None:
        """Not a code item when a task only lays out folders and root files, or only
        edits the dependency manifest, and names no Python file."""
        if any(True for _ in self.python_files_named(req)):
            return None
        steps = [
            line
            for raw in req.text.splitlines()[1:]
            if (line := _MARKERS.sub("", raw).strip()) and not _REF_STEP.match(line)
        ] or [head]
        if _SCAFFOLD_TITLE.match(head) and all(
            _FOLDER_STEP.search(step)
            or ((named := self.named_paths(step)) and all(k in ("doc", "config") for _, k in named))
            for step in steps
        ):
            return Owner(NOT_CODE, "scaffolding: it lays out folders and root files, not an "
                                   "implementation item")  # fmt: skip
        if _DEPENDENCY_TITLE.match(head):
            named = self.named_paths(req.text)
            if all(k == "config" for _, k in named):
                return Owner(NOT_CODE, "a dependency update (the toolchain's manifest), not an "
                                       "implementation item")  # fmt: skip
        return None

    def sentence(self, req: Requirement) -> Owner | None:
        """Outside Python when a requirement's sentence asks only for browser UI.

        ``System MUST display a toast notification after task creation``, ``Dashboard
        cards MUST have hover effects``, ``All pages MUST be responsive``: a reviewer
        looks for them in the frontend. ``System MUST display the task list`` (nothing
        only a UI has) and ``System MUST return 401 and redirect to the login page`` (the
        server's status code) stay the backend's.
        """
        if req.kind in (ReqKind.TASK, ReqKind.SECTION):
            return None
        client = self._client(req)
        if client is not None:
            return client
        # "Frontend Display: Job Articles Modal MUST show ...": the label is not the subject
        text = " ".join(req.title.split())
        label = _LABEL.match(text)
        if label and not _LAST_MODAL.search(label.group(0)):
            text = text[label.end() :]
        # "(Unified Flow): System MUST present a unified entry screen ..."
        paren = _PAREN_LABEL.match(text)
        shown = self._shown(req, text[paren.end() :] if paren else text)
        if shown is not None:
            return shown
        m = _SENTENCE_SUBJECT.search(text)
        if m is None or _SERVER_WORDS.search(f"{req.title} {req.text}"):
            return None
        subject = (m["subject"] or m["ears"] or "").strip()
        if not (_WHOLE_SYSTEM.match(subject) or _UI_SUBJECT.search(subject)):
            return None
        if _UI_SUBJECT.search(subject):  # a piece of UI as the subject says enough
            return Owner(OUTSIDE, f"its subject is user interface (“{subject}”)")
        asked = _CONDITION.split(_LAST_MODAL.split(text)[-1], maxsplit=1)[0]
        ui = _UI_ASK.search(asked)
        if not ui:
            return None
        if _FRONTEND_TESTS.match(ui.group(0)):
            return Owner(OUTSIDE, f"it asks for tests of the frontend (“{ui.group(0)}”)")
        return Owner(OUTSIDE, f"it asks only for browser user interface (“{ui.group(0)}”)")

    def _client(self, req: Requirement) -> Owner | None:
        """Outside Python when the sentence says what the API's caller does (puts
        credentials on its requests, shows its own requests failing, reacts to a 401 by
        logging the user out or sending them to the login page) and the repository holds
        code outside Python to be that caller."""
        text = " ".join(req.title.split())
        m = _CLIENT_SENDS.search(text) or _CLIENT_HEADER.search(text) or _CLIENT_SEES.search(text)
        if m is None and not _SERVER_REPLIES.search(text):
            m = _CLIENT_REACTS.search(text)
        if m is None:
            return None
        if self._client_code is None:
            self._client_code = next((f for f in self.files if self._language(f) == OUTSIDE), "")
        if not self._client_code:
            return None
        said = m.group(0) if len(m.group(0)) <= 60 else m.group(0)[:57].rstrip() + "…"
        return Owner(OUTSIDE, f"it says what the API's client does (“{said}”): the "
                              "client sends the requests and sees them fail, the backend "
                              "receives them")  # fmt: skip

    def _shown(self, req: Requirement, text: str) -> Owner | None:
        """Outside Python when a requirement's subject is a piece of user interface
        (``Sign-in page at /signin MUST provide a form``, ``All frontend authentication
        components MUST use authClient``), when what it asks for is placed in one (``System
        MUST display streaming responses in the chat UI``, ``present a unified entry
        screen``), or when a Given/When/Then criterion says what the user sees on a page
        (``when I am on the CV Upload page, I should see a file input``); never when its
        sentence names the server side (the API, an endpoint, the database, a status code,
        storing or persisting)."""
        if _UI_SERVER.search(text):
            return None
        m = _ANY_SUBJECT.match(text)
        if m:
            head = _HEAD_CUT.split(m["subject"].strip(), maxsplit=1)[0]
            if _UI_HEAD.search(_QUOTED_NAME.sub("", head).strip()):
                return Owner(OUTSIDE, f"its subject is user interface (“{head}”)")
            if _USER_ACTION.match(head):
                return Owner(OUTSIDE, f"its subject is what the user does in the interface "
                                      f"(“{head}”)")  # fmt: skip
        modal = list(_LAST_MODAL.finditer(text))
        if modal or req.kind is ReqKind.CRITERION:  # a criterion may have no modal at all
            after = text[modal[-1].end() :] if modal else text
            asked = _CONDITION.split(after, maxsplit=1)[0]
            placed = _UI_NAMED.search(asked) or (
                None if _PUSHED.search(text) else _NO_RELOAD.search(asked)
            )
            if placed:
                return Owner(OUTSIDE, f"what it asks for is user interface (“{placed.group(0)}”)")
        whole = f"{req.title}\n{req.text}"
        seen = _ON_A_PAGE.search(whole)
        if seen and _USER_SEES.search(whole, seen.end()) and not _UI_SERVER.search(whole):
            return Owner(OUTSIDE, f"it says what the user sees on a page (“{seen.group(0)}”)")
        return None

    def feature(self, req: Requirement) -> Owner | None:
        """The owner of the feature the item belongs to (rule 5), else None.

        A requirement that names the server side (the API, a token, the database)
        keeps its own owner: a frontend feature's spec still says things of the backend.
        """
        owner = self._features.get(req.spec_path)
        if owner is not None and owner.denies:
            return owner  # the feature itself says no backend is involved
        if req.kind is not ReqKind.TASK and _SERVER_SIDE.search(f"{req.title}\n{req.text}"):
            return None
        return owner

    def assigned(self, req: Requirement) -> Owner | None:
        """Who does a criterion, by the tasks the story assigns to it alone, tests apart:
        the backend's when one of them is (by its label, ``Backend - Answers: Implement POST
        /answers (AC: #3)``, or by the Python files it names), whatever the rest of the story
        names; outside Python when every one is the frontend's (``Frontend - Navigation:
        Implement the Next Question button (AC: #2)``, or files outside Python). A task whose
        side nothing shows leaves the question to the other rules."""
        if req.kind is not ReqKind.CRITERION or not req.assigned_tasks:
            return None
        front: list[str] = []
        unknown = False
        for title in req.assigned_tasks:
            label = _TASK_SIDE.match(title)
            side = (label["side"] or "").lower() if label else ""
            if label is not None and label["test"]:
                continue  # a test of the criterion, whichever side: it implements nothing
            named = self._named(title, title, True)
            if (side and side not in _FRONT_SIDES) or (named is not None and named.owner == PYTHON):
                return Owner(PYTHON, f"the story's task for it is the backend's (“{title[:70]}”)")
            if side in _FRONT_SIDES or (named is not None and named.owner == OUTSIDE):
                front.append(title)
            else:
                unknown = True
        if not front or unknown:
            return None
        return Owner(OUTSIDE, f"the story's tasks for it are the frontend's (“{front[0][:70]}”)")

    def story(self, req: Requirement, parent: Requirement | None) -> Owner | None:
        """A criterion of a story whose own text names only code outside Python
        (``Story 4.3: Center Panel (Chat)`` whose files are ``frontend/src/components/chat/``
        and ``chatStore.ts``) is outside Python too, unless its sentence names the server
        side: an epic that restates the story's criteria restates the frontend's work."""
        if req.kind is not ReqKind.CRITERION or parent is None or parent.kind is not ReqKind.STORY:
            return None
        if _SERVER_SIDE.search(f"{req.title}\n{req.text}"):
            return None
        owner = self.item(parent)
        if owner is None or owner.owner != OUTSIDE:
            return None
        return Owner(OUTSIDE, f"its story, {parent.id}, {owner.reason}")

    def names_server_side(self, req: Requirement) -> bool:
        """Whether a requirement's own words name the server side, what it keeps or what its
        replies carry (the API, the database, storing or deleting data, in Chinese or Japanese
        too: ``從清單中移除該股票及其相關數據``; a record's fields): then it is (also) the
        backend's, whoever else's tasks say so."""
        text = f"{req.title}\n{req.text}"
        return bool(
            _SERVER_SIDE.search(text) or _STORED.search(text) or _CAPABILITY.search(req.title)
            or _CHANGES_DATA.search(text) or _DATA_SHAPE.search(text)
        )  # fmt: skip

    def parent_task(self, req: Requirement, parent: Requirement | None) -> Owner | None:
        """A subtask with no evidence of its own follows its parent task when that one's
        title names only code outside Python (Kiro's ``7. 建立React前端應用`` over ``7.4 在K線圖上
        標示買賣點``, ``7. Set up frontend interfaces and API client`` over ``7.2 Implement
        API client utility``): the group says whose work its steps are."""
        if req.kind is not ReqKind.TASK or parent is None or parent.kind is not ReqKind.TASK:
            return None
        # the parent's own words, not its text (which holds every subtask's)
        owner = self._named(parent.title, parent.title, True)
        if owner is None or owner.owner != OUTSIDE:
            return None
        return Owner(OUTSIDE, f"its parent task, {parent.id}, {owner.reason}")

    def alike_tasks(self, req: Requirement) -> Owner | None:
        """Outside Python when the feature's tasks that do what the requirement says all
        make code outside Python (a full-stack feature's ``FR-003: Each burst MUST be
        separated by 0.1 seconds`` and its ``T010 Implement scheduleConfettiBursts() in
        confetti.ts``; ``FR-006: A winner podium MUST be displayed`` and the tasks that
        build ``Podium.tsx``): the reviewer who looks for its code finds it in the
        frontend. The tasks are the ones that share the requirement's rarest words (words
        most of the feature's tasks use say nothing, and one shared word is a coincidence as
        often as a trace); a task that makes Python code and shares nearly as many of them
        (all but one), or a sentence that names the server side, keeps the requirement the
        backend's."""
        if req.kind not in (ReqKind.REQUIREMENT, ReqKind.CRITERION):
            return None
        text = f"{req.title}\n{req.text}"
        if _SERVER_SIDE.search(text) or _STORED.search(text) or _CAPABILITY.search(req.title):
            return None  # "MUST persist the correction" is the server's, whoever calls it
        if self._alike is None:
            self._alike = defaultdict(list)
            for task in self._tasks.values():
                said = content_words(f"{task.title}\n{task.text}")
                self._alike[task.spec_path].append((task, said))
                self._alike[str(PurePosixPath(task.spec_path).parent)].append((task, said))
        # A story file's own tasks do its criteria; a feature folder's tasks.md does its
        # spec's requirements (never the tasks of the other stories in a stories folder).
        tasks = self._alike.get(req.spec_path) or self._alike.get(
            str(PurePosixPath(req.spec_path).parent), []
        )
        if len(tasks) < 3:
            return None
        seen: Counter[str] = Counter(w for _, words in tasks for w in words)
        rare = {w for w in content_words(req.title) if 0 < seen[w] <= max(2, len(tasks) // 5)}
        if not rare:
            return None
        scored = [(len(rare & words), task) for task, words in tasks]
        best = max(n for n, _ in scored)
        if best < 2:
            return None  # one shared word is a coincidence as often as a trace
        python = [
            n for n, task in scored
            if n and (o := self.item(task)) is not None and o.owner == PYTHON
        ]  # fmt: skip
        if python and max(python) > best - 2:
            return None  # a task that shares nearly as many of its words makes Python code
        alike = [task for n, task in scored if n == best]
        owners = [self.item(task) for task in alike]
        if any(o is None for o in owners):
            return None
        outside = [
            t.id for t, o in zip(alike, owners, strict=True) if o is not None and o.owner == OUTSIDE
        ]
        if not outside:
            return None
        words = ", ".join(sorted(rare & set().union(*(w for t, w in tasks if t in alike))))
        return Owner(OUTSIDE, f"the feature's tasks that do it ({', '.join(outside[:3])}: "
                              f"{words}) make only code outside Python")  # fmt: skip

    def feature_of(self, spec_path: str) -> Owner | None:
        """The owner of the feature a spec file belongs to, whatever its items say."""
        return self._features.get(spec_path)

    def _feature_owners(self, docs: Sequence[SpecDoc]) -> dict[str, Owner]:
        by_folder: dict[str, list[SpecDoc]] = defaultdict(list)
        for doc in docs:
            by_folder[str(PurePosixPath(doc.path).parent)].append(doc)
        owners: dict[str, Owner] = {}
        for folder_docs in by_folder.values():
            with_tasks = [
                d for d in folder_docs if any(r.kind is ReqKind.TASK for r in d.requirements)
            ]
            units: list[tuple[list[SpecDoc], list[SpecDoc]]]
            stories = [
                d for d in with_tasks if any(r.kind is ReqKind.STORY for r in d.requirements)
            ]
            if len(stories) > 1:  # story files, each with its own tasks: each its own unit
                units = [([d], [d]) for d in stories]
                # the folder's other files (a Kiro feature's tasks.md beside a
                # remaining-tasks.md) are one unit of their own
                rest = [d for d in folder_docs if d not in stories]
                if rest:
                    units.append((rest, rest))
            else:
                units = [(folder_docs, folder_docs)]
            for evidence_docs, members in units:
                owner = self._feature_owner(evidence_docs)
                if owner is not None:
                    for doc in members:
                        owners[doc.path] = owner
        return owners

    def _feature_owner(self, docs: Sequence[SpecDoc]) -> Owner | None:
        python: list[str] = []
        other: list[str] = []
        unchanged: list[str] = []
        denied: list[str] = []
        strict = False
        for doc in docs:
            stories = sum(1 for r in doc.requirements if r.kind is ReqKind.STORY)
            if doc.no_backend and stories <= 1:
                # "No backend required", "Pure frontend simulation": a story or a feature
                # that says so of itself (a PRD of many stories says it of one of them)
                line = doc.no_backend[0]
                # "no backend" said outright, not only "a frontend-only feature": then even
                # its sentences that name the API are the frontend's
                strict = strict or any(_SAYS_NO_BACKEND.search(x) for x in doc.no_backend)
                line = line if len(line) <= 70 else line[:67].rstrip() + "…"
                denied.append(f"{PurePosixPath(doc.path).name} says “{line}”")
            for statement in doc.stack:
                field, _, value = statement.partition(": ")
                if field.lower() == "structure decision":
                    # "Backend uses existing APIs without modifications": the feature
                    # builds nothing in the backend
                    said = [c for c in _clauses(value) if _BACKEND_UNCHANGED.search(c)]
                    unchanged += [f"{PurePosixPath(doc.path).name} says “{c}”" for c in said]
                    continue
                # "Python 3.11+ (Backend - existing)": the stack the feature builds on,
                # not the one it is written in
                built = [c for c in _clauses(value) if not _EXISTING.search(c)]
                if any(_PY_STACK.search(c) for c in built):
                    python.append(f"{doc.path}: {statement}")
                elif any(_OTHER_STACK.search(c) for c in built) and statement.lower().startswith(
                    "language"
                ):
                    other.append(f"{PurePosixPath(doc.path).name} states “{statement}”")
            listed = [self.classify_path(name) for name in doc.structure]
            if PYTHON in listed:
                python.append(doc.path)
            elif listed.count(OUTSIDE) >= 2:
                other.append(f"{PurePosixPath(doc.path).name}'s project structure lists only "
                             "code outside Python")  # fmt: skip
        task_paths: list[str] = []
        ops: list[str] = []
        tasks = 0
        for doc in docs:
            for req in doc.requirements:
                if req.kind is not ReqKind.TASK:
                    continue
                tasks += 1
                text = f"{req.title}\n{req.text}"
                owner = self._named(text, req.title, True)
                if owner is not None and owner.owner == PYTHON:
                    python.append(req.key)
                elif owner is not None and owner.owner == OUTSIDE:
                    task_paths.append(req.id)
                elif owner is not None and owner.reason.startswith(_OPS_REASON):
                    ops.append(req.id)
        if len(task_paths) >= 2:
            other.append(f"its tasks name only code outside Python ({len(task_paths)} tasks)")
        if python:
            return None
        if denied:
            return Owner(OUTSIDE, f"its feature needs no backend: {denied[0]}", denies=strict)
        if unchanged and other:
            other.insert(0, unchanged[0])
        if not other and len(ops) >= 2 and 2 * len(ops) >= tasks:
            # most of its tasks stand up a cluster or a pipeline, none names backend code
            return Owner(NOT_CODE, f"its feature is infrastructure operations ({len(ops)} of its "
                                   f"{tasks} tasks are)")  # fmt: skip
        if not other:
            return None
        return Owner(OUTSIDE, f"its feature is outside Python: {other[0]}")

    # -- endpoints --------------------------------------------------------

    def _contract_owner(self, doc: SpecDoc) -> Owner | None:
        described = [(url, text) for url, text in doc.servers if text.strip()]
        if described and all(_OTHER_SERVER.search(text) for _, text in described):
            url, text = described[0]
            return Owner(OUTSIDE, f"its contract's server is another component ({url}: {text})")
        return None

    def endpoint(self, ep: DeclaredEndpoint) -> Owner | None:
        """Who owns a declared endpoint that no Python route serves, else None."""
        norm = normalize_path(ep.path)
        for route, pattern in self._foreign:
            if ("*" in route.methods or ep.method in route.methods) and pattern.fullmatch(norm):
                return Owner(OUTSIDE, f"served by {route.location} ({route.framework})")
        gateway = next((h[8:] for h in ep.hints if h.startswith("gateway:")), None)
        if gateway is not None and not self._python_gateway():
            # what an API gateway (Kong, Istio, a cloud gateway) exposes is the gateway's:
            # no Python code in the project is a gateway
            return Owner(OUTSIDE, f"its contract is an API gateway's ({gateway})")
        return self._contracts.get(ep.location.path) or self._planned(ep) or self._test_double(ep)

    def _test_double(self, ep: DeclaredEndpoint) -> Owner | None:
        """A mock service the tests stand up: the task that declares the endpoint makes a
        mock, stub or fake service (``Create mock reasoning service for testing``) and every
        Python file it names is a test file (``backend/tests/mocks/mock_service.py``). Its
        endpoints are that test double's, not this backend's."""
        task = self._tasks.get(ep.requirement_key or "")
        if task is None or not _TEST_DOUBLE_WORK.search(task.title):
            return None
        files = [name for name, _ in self.python_files_named(task)]
        if not files or not all(_TEST_FILE.search(name) for name in files):
            return None
        return Owner(TEST_DOUBLE, f"an endpoint of the test double that {task.id} makes "
                                  f"({_short(files, 1)}), not of this backend")  # fmt: skip

    def _planned(self, ep: DeclaredEndpoint) -> Owner | None:
        """A service the document lays out but the repository does not hold: the tree
        drawn last before the endpoint (or the document's only one) is rooted in a
        folder under which no source file lies, and most Python files it lists exist
        nowhere. Its endpoints are that service's, which is not built yet."""
        layouts = self._layouts.get(ep.location.path, ())
        before = [lay for lay in layouts if lay[0] < ep.location.line]
        lay = before[-1] if before else (layouts[0] if len(layouts) == 1 else None)
        if lay is None:
            return None
        line, root, names = lay
        if len(names) < 3 or 2 * sum(n in self._names for n in names) >= len(names):
            return None
        if any(f"/{root}/" in f"/{f}" for f in self.files):
            return None
        return Owner(PLANNED, f"a service that {ep.location.path}:{line} lays out in "
                              f"{root}/, which is not in the repository")  # fmt: skip

    def _python_gateway(self) -> bool:
        """Whether the project holds Python code of a gateway (a folder named for one)."""
        if self._gateway_code is None:
            self._gateway_code = any(
                f.endswith(".py") and any("gateway" in p.lower() for p in f.split("/")[:-1])
                for f in self.files
            )
        return self._gateway_code


# Chinese, Japanese and Korean text writes Latin words without spaces around them
# ("建立React前端應用", "設定TypeScript類型定義"): \b sees no word boundary there, since
# both are word characters. A space between the two scripts gives the words back.
_GLUED = re.compile(
    r"(?<=[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef])(?=[A-Za-z0-9])|"
    r"(?<=[A-Za-z0-9])(?=[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef])"
)


def _unglue(text: str) -> str:
    """``text`` with a space wherever a Latin word touches CJK script."""
    return text if text.isascii() else _GLUED.sub(" ", text)


def _clauses(text: str) -> list[str]:
    """A stack statement's parts: ``TypeScript 5.x (Frontend), Python 3.11+ (Backend -
    existing)`` is two, and so is each sentence of a structure decision."""
    return [c.strip() for c in re.split(r"[,;]|(?<=[.!?])\s+", text) if c.strip()]


def _bare_folder(token: str) -> bool:
    """A folder named by itself, with no parent and no file: ``utils/``."""
    clean = token.strip("./")
    return "/" not in clean and not _SUFFIX.search(clean)


def _main_clause(line: str) -> str:
    cut = _SUBORDINATE.search(line)
    return line[: cut.start()] if cut else line


_SUBORDINATE = re.compile(r"(?i)\s(?:so|so\s+that|when|if|because|which|that|after|once)\s")


# A task whose title makes the frontend its object ("Implement frontend worker management",
# "Set up frontend interfaces and API client", "Frontend: worker list UI", "Style staff list
# tables"), never one that names the server side ("Add backend API for the frontend").
_FRONT_OBJECT = re.compile(
    r"(?i)^(?:\[[ xX]\]\s*)?(?:(?:set\s+up|create|add|build|implement|design|write|update|"
    r"refactor|integrate|wire\s+up)\s+(?:(?:the|an?)\s+)?(?:front-?end|client[\s-]side)\b|"
    r"front-?end\s*[:\-–—]\s|(?:re)?style\s(?!guides?\b))"
)
_CLIENT_OF_API = re.compile(r"(?i)\bapi\s+(?:client|calls?|hooks?|service\s+layer)\b")


def _front_object(title: str) -> str | None:
    """The title's opening words when they make the frontend the task's object."""
    head = _MARKERS.sub("", title).strip()
    m = _FRONT_OBJECT.match(head)
    if m is None or _SERVER_SIDE.search(_CLIENT_OF_API.sub("", head)):
        return None
    return m.group(0).strip(" :-–—")


def _ui_work(title: str, text: str) -> str | None:
    """The words that show a task's work is user interface: its title's main clause says
    so (or makes the frontend its object), or two of its sub-steps do ("Return 401 so the
    app redirects to the login page" is not UI work)."""
    front = _front_object(title)
    if front:
        return front

    def ui(line: str) -> str | None:
        clause = _MARKERS.sub("", _main_clause(line))
        for m in _UI_PLACE.finditer(clause):
            if not (m["prep"].lower() == "to" and _DESTINATION.search(m.group(0).strip())):
                return m.group(0).strip()
        made = _UI_MADE.search(clause)
        return made.group(0).strip() if made else None

    head = ui(title)
    if head:
        return head
    steps = [found for line in text.splitlines()[1:] if (found := ui(line))]
    return steps[0] if len(steps) >= 2 else None


def _activity(head: str) -> str:
    low = head.lower()
    if re.match(r"checkpoint", low):
        return "checkpoint"
    if re.search(r"deploy|publish|release|docker|kubernetes|k8s|helm|pipeline", low):
        return "deployment step"
    if re.match(r"analy|review|assess|audit|investigate|research|explore|evaluate", low):
        return "review step"
    if re.search(r"test|smoke|e2e|manual|demo", low):
        return "test run"
    return "verification step"


def _foreign_pattern(path: str) -> re.Pattern[str]:
    """A regex over normalised paths: ``{x}`` one segment, ``{x...}`` one or more."""
    out = []
    for seg in path.strip("/").split("/"):
        if not seg:
            continue
        if re.fullmatch(r"\{\w*\.\.\.\}", seg):
            out.append("(?:/[^/]+)+")
        elif re.fullmatch(r"\{\w*\}", seg):
            out.append("/[^/]+")
        else:
            out.append("/" + re.escape(seg))
    return re.compile("".join(out) or "/")


_STOPWORDS = frozenset(
    {"must", "shall", "should", "system", "with", "that", "this", "from", "when", "then",
     "will", "have", "into", "each", "only", "more", "than", "they", "their", "there",
     "which", "where", "while", "after", "before", "able", "also", "been", "being", "does",
     "implements", "implement", "implemented", "requirement", "requirements", "task", "story",
     "spec", "user", "users", "data", "file", "code", "function", "class", "returns", "return"}
)  # fmt: skip


def content_words(text: str) -> set[str]:
    """Lower-case words of four letters or more, CamelCase split, without filler words."""
    split = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)
    words = {w for w in re.findall(r"[a-z]{4,}", split.lower()) if w not in _STOPWORDS}
    return {stem(w) for w in words}


def reading_words(text: str) -> set[str]:
    """What a reader compares a citation's words with a candidate's by: the content words,
    and in Chinese and Japanese, written without spaces, each two characters in a row (a
    bigram is the usual unit of comparison there: "删除历史数据" gives 删除, 除历, 历史, ...),
    without those that only say "requirement", "task" or "implement". Only for telling
    candidates apart: bigrams overlap, so they are no count of shared words."""
    out = content_words(text)
    for run in _CJK_RUN.findall(text):
        out.update(
            run[k : k + 2] for k in range(len(run) - 1) if run[k : k + 2] not in _CJK_FILLER
        )
    return out


# Han and kana (not Hangul: Korean is written with spaces between words)
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
_CJK_FILLER = frozenset(
    {"需求", "任务", "任務", "要件", "要求", "实现", "實現", "功能", "系统", "系統"}
)


def stem(word: str) -> str:
    """A crude stem, so that "events" meets "event" and "routing" meets "route"."""
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def expand_braces(text: str) -> str:
    """Text with each shell brace group in a path written out, as the shell and a reader
    expand it: ``a/{b,c/d}/x.py`` becomes ``a/b/x.py a/c/d/x.py``. A group that is no part
    of a path (``{a,b}`` alone) stays as written."""
    if "{" not in text:
        return text
    return _WORD.sub(lambda m: " ".join(_expand_word(m.group(0))), text)


def _expand_word(word: str) -> list[str]:
    out = [word]
    while any(_BRACE_GROUP.search(w) for w in out) and len(out) <= _MAX_EXPANSION:
        nxt: list[str] = []
        for w in out:
            m = _BRACE_GROUP.search(w)
            if m is None:
                nxt.append(w)
                continue
            head, tail = w[: m.start()], w[m.end() :]
            if "/" not in head + tail and not _SUFFIX.search(tail.rstrip(".,:;)")):
                return [word]  # a set written in braces, not a path
            nxt.extend(f"{head}{alt}{tail}" for alt in m.group(1).split(","))
        out = nxt
    return out if len(out) <= _MAX_EXPANSION else [word]
