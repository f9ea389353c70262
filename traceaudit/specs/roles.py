"""What a spec file is: decided from its name and place *and* from its content.

The role decides what a file may define and declare. A reviewer reads a
document's role the way traceaudit does here: the name and the folder give a
first guess, the text settles it. A document that *specifies* work states what
must be (``MUST``/``SHALL``, user stories, acceptance criteria, open tasks); a
document that *reports* on work states what was done (past tense, status lines,
result marks, "Summary"/"Results" sections, dates, test logs).

======================  ==============  =================  ===========================
role                    defines ids     declares endpoints  recognised by
======================  ==============  =================  ===========================
``spec``                yes             yes                 everything else
``tasks``               tasks only      yes                 "task" in the file name
``plan``                no              yes                 "plan" in the file name
``checklist``           no              yes                 a ``checklists`` folder
``notes``               no              no                  spec-kit ``research.md`` /
                                                            ``quickstart.md``
``template``            no              no                  a ``templates`` folder,
                                                            ``*-template.md``, or an agent
                                                            command (``$ARGUMENTS``)
``record``              no              no                  a prompt-history record:
                                                            front matter with ``stage:``,
                                                            ``command:`` or ``model:``
                                                            and Prompt/Response sections
``report``              no              no                  reports on work (see below)
                                                            or on coverage (below)
``conventions``         no              tables only         a constitution or convention
                                                            guide (name or content)
======================  ==============  =================  ===========================

A **report** is recognised by a score of evidence; no single word decides.
For: the name or the first heading says summary, report, status, complete,
results, review, assessment, fix(ed), resolution, changelog, progress,
verification, validation, troubleshooting, testing guide ...; the file sits in
a folder of retired documents (``obsolete``, ``archive``, ``deprecated``,
``legacy``); a status line near the top says the work is done ("Status: ✅
COMPLETED"); result marks (✅ ❌ PASS FAIL ☐) are dense; list items open with
past-tense verbs ("Implemented", "Fixed", "Added"); sections are named like a
report ("Executive Summary", "Tasks Completed", "Files Created", "Test
Results", "Issues Resolved", "Lessons Learned"); test procedures ("Test
Steps", "Expected Result"). Against: requirement statements (``MUST``,
``SHALL``), user stories ("As a ..., I want"), open task boxes. A file whose
evidence for reporting outweighs the evidence for specifying by a clear margin
is a report.

A **coverage report** (a traceability matrix, a requirement-to-code mapping, a
"Requirements Covered" list) reports how far the specs are implemented: its ids are
defined in the specs it reports on. It is one when its name, title or folder is headed
by a coverage noun (coverage, traceability, mapping, matrix) *and* its content is a
listing of ids: most of its list items and table rows open with an id, a number or a
range of them (``- 1.1–1.5 (config) — partial``, ``- CI-REQ-010``, ``| MCP-REQ-001 |
requirements.md | backend/mcp/config.py |``), with a status or coverage word beside them
(a "Covered" heading or label, a Status/Coverage/Code/Test column, partial/pending/✅),
and it states no requirement (no ``MUST``/``SHALL``, no user story). A feature spec
called "Coverage" states requirements; a PRD that only lists ids under a coverage title
without any status is not taken for a report.

A **conventions** document (a spec-kit constitution, a coding-standards or API
design guide) states rules and shows examples: its endpoints in prose, bullets,
code spans and fences are examples (``GET /api/resource``). Only an endpoint
table (a method and a path column) is read there, because a constitution that
carries the product's route table does declare those routes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from pathlib import PurePosixPath

__all__ = ["Role", "document_role", "file_role", "section_kinds"]

DEFINES_IDS = frozenset({"spec", "tasks"})
DECLARES_ENDPOINTS = frozenset({"spec", "tasks", "plan", "checklist", "conventions"})


@dataclass(frozen=True, slots=True)
class Role:
    """A file's role and the evidence that decided it (one short phrase)."""

    kind: str
    reason: str

    @property
    def defines_ids(self) -> bool:
        return self.kind in DEFINES_IDS

    @property
    def declares_endpoints(self) -> bool:
        return self.kind in DECLARES_ENDPOINTS


_TEMPLATE_NAME = re.compile(r"(?i)(?:^|[-_.])template\.md$")
_NOTES_STEMS = frozenset({"research", "quickstart", "gettingstarted"})
_PLAN_NAME = re.compile(r"(?i)(?:^|[-_.])plan(?:[-_.]|$)")
# Folders of documents that are kept for the record, not followed.
_RETIRED_DIRS = frozenset(
    {"obsolete", "archive", "archived", "archives", "deprecated", "legacy", "old", "retired"}
)
_CONVENTIONS_NAME = re.compile(
    r"(?i)(?:^|[-_.])(?:constitution|conventions?|guidelines?|coding[-_]standards?|"
    r"style[-_]guide|standards)(?:[-_.]|$)"
)
# Nouns that name a report when they head a file name or a title ("...-summary.md",
# "Epic 9 - Completion Report", "Spec Complete"): generic words, not one repository's
# file names. A feature called "cv-analysis-epic" or "progress-agent" is headed by
# another noun and is not a report.
_REPORT_HEADS = frozenset(
    {
        "summary", "summaries", "report", "reports", "status", "complete", "completed",
        "completion", "done", "finished", "results", "result", "review", "assessment", "audit",
        "analysis", "fixes", "fixed", "resolution", "resolved", "changelog", "changes",
        "progress", "retrospective", "postmortem", "post-mortem", "lessons", "handoff",
        "verification", "validation", "troubleshooting", "remediation", "success",
        "완료", "요약", "보고서", "결과", "完成", "总结", "總結", "报告", "報告", "完了", "まとめ",
    }
)  # fmt: skip
_GUIDE_HEADS = frozenset({"guide", "procedures", "runbook", "runbooks", "checklist"})
# Nouns that name a report on how far the specs are covered ("mcp.coverage.md",
# "Requirements Traceability Matrix", "Spec Coverage Mapping", a traceability/ folder).
_COVERAGE_HEADS = frozenset({"coverage", "traceability", "mapping", "mappings", "matrix"})
# A list item or a table row that opens with an id, a number, a named item or a range of
# them: "- CI-REQ-010", "- 1.1–1.5 (config) — partial", "- Req 7 (MCP):", "| FR-001 |".
_LISTED_ID = (
    r"(?:(?i:req(?:uirement)?s?|story|task)\s*)?"
    r"(?:[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*-?\d+[a-z]?(?:\.\d+)*|\d+(?:\.\d+)*[a-z]?)"
)
_RANGE_TAIL = r"(?:\s*(?:[-–—]|\.\.|to|through)\s*[A-Z0-9][A-Z0-9.-]*)?"
_ID_ITEM = re.compile(
    rf"(?m)^\s*[-*+]\s+(?:\[[ xX]\]\s*)?[*_`]*{_LISTED_ID}{_RANGE_TAIL}[*_`]*(?=[\s:,;().]|$)"
)
_ID_ROW = re.compile(rf"(?m)^\s*\|\s*[*_`]*{_LISTED_ID}{_RANGE_TAIL}[*_`]*\s*\|")
_TABLE_RULE = re.compile(r"^\s*\|[\s:|-]+\|\s*$")
_COVERAGE_WORDS = re.compile(
    r"(?i)\b(?:covered|coverage|status|traced|implemented|partial(?:ly)?|pending|missing|"
    r"verified|tested|done|complete[d]?|not\s+started|n/a|artifact|code|tests?)\b|✅|❌|⚠️|☐"
)
_COVERAGE_LABEL = re.compile(
    r"(?im)^\s*(?:#{1,6}\s*|\*\*)?[^\n|]{0,40}\b(?:covered|traced|mapped|status)\b"
    r"[^\n|]{0,40}(?:\*\*)?\s*:?\s*$"
)
_EARS = re.compile(r"\b(?:WHEN|IF|WHILE|WHERE)\b[^\n]*\bSHALL\b")

_TEST_WORDS = frozenset({"test", "testing", "tests", "qa", "manual", "validation", "e2e"})
_H1 = re.compile(r"^#\s+(?P<title>.+?)\s*#*\s*$", re.MULTILINE)
_RECORD_KEYS = re.compile(r"(?im)^(?:stage|command|model|surface|prompt_text|response_text)\s*:")
_RECORD_HEADINGS = re.compile(
    r"(?im)^#{1,4}\s*(?:prompt(?:\s+text)?|response(?:\s+snapshot|\s+text)?|user\s+prompt|"
    r"assistant\s+response)\s*$"
)
_AGENT_COMMAND = re.compile(r"\$ARGUMENTS\b|\{\{\s*args\s*\}\}")
# Placeholders a template leaves to fill: {{project_name}}, front matter values such as
# '{project-root}/_bmad/...', [FEATURE NAME]; not path parameters or link texts.
_FENCED = re.compile(r"(?ms)^(```|~~~).*?^\1")
# An inline code span: "every `{{variable}}` in the template" names the placeholder
# syntax of the thing specified (a template engine, an e-mail body); it leaves nothing to fill.
_INLINE_CODE = re.compile(r"(`+)[^`\n]+?\1")
_MUSTACHE = re.compile(r"\{\{\s*[\w.-]+\s*\}\}")
_VARIABLE = re.compile(r"(?<![/\w$]){[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*}")
_BLANK = re.compile(r"\[[A-Z#][A-Z#_-]*(?:\s+[A-Z#][A-Z#_-]*)+\](?![(\[:])")
_STATUS_DONE = re.compile(
    r"(?im)^\W{0,6}(?:final\s+|overall\s+|gate\s+|implementation\s+|project\s+)?status\W{0,6}"
    r"\s*[:：]\s*\W{0,6}\s*(?:✅|✔|☑|(?:all\s+)?(?:complete[d]?|done|implemented|"
    r"resolved|fixed|passed|passing|finished|production[-\s]ready|already\s+implemented|"
    r"success(?:ful)?)\b)"
)
_MARKS = re.compile(r"✅|✔️?|☑️?|❌|✗|⚠️|☐|\bPASS(?:ED)?\b|\bFAIL(?:ED)?\b")
_PAST_OPENER = re.compile(
    r"(?m)^\s*(?:[-*+]|\d+[.)])\s+(?:\[[xX ]\]\s*)?(?:\*\*)?(?:✅\s*)?"
    r"(?:implemented|added|created|fixed|updated|completed|resolved|verified|removed|"
    r"refactored|migrated|enhanced|improved|built|configured|integrated|tested|deployed|"
    r"identified|achieved|replaced|renamed|moved|cleaned|corrected|documented|wrote|"
    r"installed|upgraded|validated|confirmed|passed|delivered|finished)\b",
    re.IGNORECASE,
)
_LIST_ITEM = re.compile(r"(?m)^\s*(?:[-*+]|\d+[.)])\s+\S")
_REPORT_HEADING = re.compile(
    r"(?im)^#{1,6}\s*\W{0,6}\s*(?:\d+[.)]?\s*)?(?:executive\s+summary|summary\s+of\s+changes|"
    r"tasks?\s+completed|completed\s+tasks|files?\s+(?:created|modified|changed|added|updated)|"
    r"what\s+was\s+(?:done|created|built|implemented|fixed|accomplished|delivered)|"
    r"changes\s+made|(?:test|validation|verification|final)\s+results?|issues?\s+"
    r"(?:found|resolved|fixed)|lessons\s+learned|completion\s+status|final\s+status|"
    r"accomplishments|implementation\s+(?:summary|status|complete)|root\s+cause|"
    r"fixes\s+applied|problems?\s+(?:found|solved|fixed)|results|outcome)\b"
)
_TEST_PROCEDURE = re.compile(
    r"(?im)^\W{0,6}(?:test\s+steps|steps\s+to\s+(?:test|verify|reproduce)|expected\s+"
    r"(?:result|outcome|behaviou?r)s?|actual\s+results?)\W{0,6}\s*[:：]?|"
    r"\bPASS\b\W{0,6}\s*\|\s*\W{0,6}\bFAIL\b"
)
_MODAL = re.compile(r"\b(?:MUST|SHALL)\b")
_USER_STORY = re.compile(r"(?i)\bas\s+an?\s+[^,.\n]{1,60},\s*I\s+(?:want|need|can)\b")
_OPEN_TASK = re.compile(r"(?m)^\s*[-*+]\s+\[ \]\s")
_CONVENTION_HEADINGS = re.compile(
    r"(?im)^#{1,4}\s*\W{0,6}\s*(?:[IVX]+\.|\d+\.)?\s*(?:core\s+)?(?:principles?|governance|"
    r"amendments?|conventions|naming\s+conventions|coding\s+standards|guidelines|"
    r"ratification)\b"
)
_RATIFIED = re.compile(r"(?i)\b(?:ratified|last\s+amended|constitution\s+version)\b")


STORY_FILE = "a story file"
_STORY_TITLE = re.compile(
    r"#\s+\W{0,6}\s*(?:Epic\s+\d+\b[^\n]*?\s[-–—|]\s+)?Story\s+\d+(?:\.\d+)+[a-z]?\b"
)


def is_template_text(text: str) -> bool:
    """Placeholders to fill: a template or an agent workflow prompt (front matter with
    ``{project-root}`` paths, ``{{name}}`` variables, ``[FEATURE NAME]`` blanks)."""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end > 0 and len(_VARIABLE.findall(text[:end])) >= 2:
            return True  # an agent workflow: '{project-root}/...' paths to fill in
    prose = _INLINE_CODE.sub("", _FENCED.sub("", text))
    return len(_MUSTACHE.findall(prose)) >= 3 or len(set(_BLANK.findall(prose))) >= 4


def _is_record(text: str) -> bool:
    """Front matter (closed or not) that names the agent's stage, command or model, or
    Prompt and Response sections: the transcript of an agent session."""
    if text.startswith("---"):
        top = "\n".join(text.splitlines()[1:60])
        if len(set(m.group(0).split(":")[0].lower() for m in _RECORD_KEYS.finditer(top))) >= 2:
            return True
    return len(_RECORD_HEADINGS.findall(text)) >= 2


def _base_role(path: str) -> str | None:
    """The roles that the name and place alone decide."""
    parts = [p.lower() for p in PurePosixPath(path).parts]
    name = parts[-1]
    if any(p in ("templates", "template") for p in parts[:-1]) or _TEMPLATE_NAME.search(name):
        return "template"
    if "checklists" in parts[:-1]:
        return "checklist"
    # "quickstart.md", "quick-start-milestone-2.md", "research_auth.md": the name opens
    # with the kind of note it is, whatever qualifier follows.
    words = [w for w in re.split(r"[-_.\s]+", PurePosixPath(name).stem) if w]
    if any("".join(words[:n]) in _NOTES_STEMS for n in range(1, min(len(words), 3) + 1)):
        return "notes"
    return None


def file_role(path: str) -> str:
    """The role of a file from its path alone (see :func:`document_role`)."""
    return document_role(path, "").kind


_SEGMENT_SPLIT = re.compile(r"\s+[-–—|]\s+|[:：()\[\]|]")
_WORD = re.compile(r"[^\W\d_]+(?:[-&][^\W\d_]+)*")


def _names_report(title: str) -> bool:
    """Whether a name or title is headed by a report noun ("Implementation Summary",
    "SPEC_COMPLETE", "epic-9-completion-report", "Testing & Validation Guide")."""
    text = title.replace("_", " ").replace(".", " ")
    for segment in _SEGMENT_SPLIT.split(text):
        if len(segment.split()) == 1:
            segment = segment.replace("-", " ")  # a kebab-case file stem
        # words without digits: ids, dates and numbers after the head noun do not count
        words = [w.lower() for w in segment.split() if _WORD.fullmatch(w.strip("*`'\",.!?"))]
        words = [w.strip("*`'\",.!?") for w in words]
        if not words:
            continue
        last = words[-1]
        if last in _REPORT_HEADS:
            return True
        if last in _GUIDE_HEADS and any(w in _TEST_WORDS for w in words[:-1]):
            return True
    return False


def _names_coverage(title: str) -> bool:
    """Whether a name or title is headed by a coverage noun ("mcp.coverage",
    "cc-sdd Coverage — backend-api", "Requirements Traceability Matrix")."""
    text = title.replace("_", " ").replace(".", " ")
    for segment in _SEGMENT_SPLIT.split(text):
        if len(segment.split()) == 1:
            segment = segment.replace("-", " ")
        words = [w.strip("*`'\",.!?").lower() for w in segment.split()]
        words = [w for w in words if _WORD.fullmatch(w)]
        if words and words[-1] in _COVERAGE_HEADS:
            return True
    return False


def _coverage_report(path: str, text: str) -> str | None:
    """Why the file reports on coverage, or None (see the module docstring)."""
    parts = PurePosixPath(path).parts
    stem = PurePosixPath(parts[-1]).stem
    h1 = re.search(r"(?m)^#{1,3}\s+(?P<title>.+?)\s*#*\s*$", text[:3000])
    folder = next((p for p in parts[:-1] if _names_coverage(p.strip("_-."))), None)
    if not (_names_coverage(stem) or (h1 and _names_coverage(h1["title"])) or folder):
        return None
    if _states_requirements(text):
        return None
    lines = text.splitlines()
    items = [ln for ln in lines if _LIST_ITEM.match(ln)]
    # a table's header is the row its rule line follows
    headers = [ln for ln, nxt in pairwise(lines) if _TABLE_RULE.match(nxt)]
    rows = [
        ln
        for ln in lines
        if ln.lstrip().startswith("|") and not _TABLE_RULE.match(ln) and ln not in headers
    ]
    listed = [ln for ln in items if _ID_ITEM.match(ln)] + [ln for ln in rows if _ID_ROW.match(ln)]
    if len(listed) < 3 or 2 * len(listed) < len(items) + len(rows):
        return None
    statused = sum(1 for ln in listed if _COVERAGE_WORDS.search(ln))
    if not (
        _COVERAGE_LABEL.search(text)
        or any(_COVERAGE_WORDS.search(h) for h in headers)
        or 2 * statused >= len(listed)
    ):
        return None
    where = f"in a {folder}/ folder" if folder and not _names_coverage(stem) else "by its name"
    return f"a coverage report ({where}): lists ids with their coverage, states no requirement"


def _report_evidence(path: str, text: str) -> tuple[int, list[str]]:
    """Points for "this reports on work" minus points for "this specifies work"."""
    parts = PurePosixPath(path).parts
    stem = PurePosixPath(parts[-1]).stem
    head = text[:3000]
    score = 0
    why: list[str] = []
    named = _names_report(stem)
    h1 = _H1.search(head)
    titled = bool(h1 and _names_report(h1["title"]))
    if named:
        score += 2
        why.append("named like a report")
    if titled:
        score += 3 if named else 2
        why.append("titled like a report")
    if _STATUS_DONE.search(head):
        score += 2
        why.append("its status line says the work is done")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    n = max(1, len(lines))
    marks = len(_MARKS.findall(text))
    if marks / n >= 0.15 and marks >= 5:
        score += 2
        why.append("result marks on many lines")
    elif marks / n >= 0.05 and marks >= 3:
        score += 1
    items = len(_LIST_ITEM.findall(text))
    past = len(_PAST_OPENER.findall(text))
    if past >= 3 and past / max(1, items) >= 0.2:
        score += 2
        why.append("list items in the past tense")
    elif past >= 2 and past / max(1, items) >= 0.1:
        score += 1
    sections = len(_REPORT_HEADING.findall(text))
    if sections:
        score += min(3, sections)
        why.append("report sections")
    if len(_TEST_PROCEDURE.findall(text)) >= 2:
        score += 2
        why.append("test procedures")
    modal = len(_MODAL.findall(text))
    stories = len(_USER_STORY.findall(text))
    open_tasks = len(_OPEN_TASK.findall(text))
    score -= min(4, modal // 3)
    score -= min(3, 2 * stories)
    score -= min(2, open_tasks // 4)
    return score, why


_REPORT_THRESHOLD = 4


def document_role(path: str, text: str) -> Role:
    """The role of a spec file (see the module docstring)."""
    base = _base_role(path)
    if base == "template" and _STORY_TITLE.match(text.lstrip("\ufeff \n")):
        base = None  # "6-1-config-init-service-and-template.md" titled "# Story 6.1: ..."
    if base is not None:
        return Role(base, {"template": "a template", "checklist": "a checklist",
                           "notes": "research or quick-start notes"}[base])  # fmt: skip
    if _AGENT_COMMAND.search(text):
        return Role("template", "an agent command prompt ($ARGUMENTS)")
    if is_template_text(text):
        return Role("template", "a template: placeholders to fill ({{name}}, [FEATURE NAME])")
    if _is_record(text):
        return Role("record", "a prompt-history record of an agent session")
    parts = PurePosixPath(path).parts
    stem = PurePosixPath(parts[-1]).stem
    retired = next((p for p in parts[:-1] if p.lower() in _RETIRED_DIRS), None)
    if retired is not None:
        return Role("report", f"kept in a folder of retired documents ({retired}/)")
    coverage = _coverage_report(path, text)
    if coverage is not None:
        return Role("report", coverage)
    if "task" in stem.lower() and not _names_report(stem):
        return Role("tasks", "a task list")
    if _STORY_TITLE.match(text.lstrip("\ufeff \n")):
        # a BMAD story file ("# Story 1.1: Project Setup"): it records its own progress
        # (status, completion notes, a Dev Agent Record) and still defines its story
        return Role("spec", STORY_FILE)
    score, why = _report_evidence(path, text)
    if score >= _REPORT_THRESHOLD:
        return Role("report", "reports on work: " + ", ".join(why))
    if _CONVENTIONS_NAME.search(stem) or (
        len(_CONVENTION_HEADINGS.findall(text)) >= 2 and _RATIFIED.search(text)
    ):
        return Role("conventions", "a constitution or convention guide")
    if _PLAN_NAME.search(stem):
        return Role("plan", "a plan")
    return Role("spec", "a specification")


# --------------------------------------------------------------------------
# Sections of a file: a specification often carries a record of the work done on it
# (BMAD stories end with a Change Log, a Dev Agent Record and QA Results; PRDs hold a
# risk register). Those sections define nothing, whatever the file's role.
# --------------------------------------------------------------------------

# A heading (or the last part of one: "Story 8.2: Voice - Progress Summary") that ends
# with one of these phrases heads a record of work: it defines and declares nothing.
_RECORD_SECTION = re.compile(
    r"(?i)(?:^|\s)(?:qa\s+results?|qa\s+review|qa\s+notes|review\s+(?:notes|results|summary)|"
    r"code\s+review|senior\s+developer\s+review|dev(?:elopment)?\s+agent\s+record|"
    r"agent\s+model\s+used|debug\s+log(?:\s+references)?|completion\s+notes(?:\s+list)?|"
    r"file\s+list|files\s+(?:created|modified|changed|added)(?:\s+during\s+review)?|"
    r"change\s*log|revision\s+history|version\s+history|progress\s+(?:summary|report)|"
    r"status\s+(?:report|update)|implementation\s+(?:summary|status|report)|"
    r"completion\s+(?:summary|report|status)|final\s+summary|validation\s+(?:performed|results)|"
    r"verification\s+results|test(?:ing)?\s+results|test\s+execution(?:\s+log)?|"
    r"checklist\s+results|lessons\s+learned|retrospective|post-?mortem|tasks\s+completed|"
    r"completed\s+tasks|what\s+was\s+(?:done|implemented|built|delivered)|"
    r"what(?:'s|\s+is)\s+(?:already\s+)?(?:complete|done|implemented|built)|"
    r"issues\s+(?:resolved|fixed)|fixes\s+applied|"
    r"compliance\s+(?:validation|verification|checks?|results?)|"
    r"refactoring\s+performed|gate\s+status|improvements\s+checklist|"
    r"previous\s+stor(?:y|ies)(?:'s)?\s+(?:insights|notes|learnings|context|summary)|"
    r"learnings\s+from\s+(?:the\s+)?previous\s+stor(?:y|ies))\s*$"
)
# Sections that restate and check what is defined elsewhere: their ids are mentions
# (an "AC1: Verify the period parameter" under Testing Standards repeats AC 1), but the
# endpoints they describe are declarations (BMAD "Dev Notes > API Specifications").
# (BMAD v6's tech spec ends with "Test Strategy Summary": "- AC-10.1: Integration test ...";
# a story's "Frontend Agent Brief" hands its criteria to a coding agent once more)
_RESTATING_SECTION = re.compile(
    r"(?i)^(?:dev(?:eloper)?\s+notes|testing|testing\s+standards|"
    r"(?:test(?:ing)?\s+(?:strategy|plan|approach))(?:\s+(?:summary|overview))?|"
    r"implementation\s+notes|assertions(?:\s+required)?|testing\s+this\s+(?:story|feature)|"
    r"(?:backend|frontend)\s+testing\s+standards|testing\s+\(legacy\s+section\)|"
    # the prompt a story hands a coding agent ("## Frontend Agent Brief"): the story again
    r"(?:(?:backend|frontend|dev(?:eloper)?|coding|implementation)\s+)?agent\s+"
    r"(?:implementation\s+)?(?:brief|prompt|instructions)(?:\s*\([^()]*\))?)$"
)
_RISK_HEADING = re.compile(r"(?i)\brisks?\b")
_MITIGATION = re.compile(r"(?i)\bmitigat")
# A risk's mitigation as a label of its own ("**Mitigation Strategy:** Preventive"), not
# the verb in a sentence ("mitigating losses is the trader's job").
_MITIGATION_LABEL = re.compile(
    r"(?im)^\W*mitigations?(?:\s+(?:strategy|strategies|plan|actions?|steps))?\s*\**\s*:"
)
_LEAD_MARKS = re.compile(r"^[\W\d_]*?(?=[^\W\d_])")
_TRAIL_MARKS = re.compile(r"(?<=\w)[^\w()\[\]]+$")  # "What's Already Complete ✅"


def section_kinds(
    titles: list[str], levels: list[int], parents: list[int | None], bodies: list[str]
) -> list[str]:
    """For each heading of a file: ``record``, ``restating`` or ``""`` (specifies).

    A heading is a record when it (or the last part of it) names one (QA Results,
    Dev Agent Record, Change Log, Progress Summary ...) and its section states no user
    story, SHALL criterion or acceptance criteria of its own, or when it names risks and gives
    their mitigations (a risk register): in its own body ("R2: ... Risk: ... Mitigation:
    ..."), or in most of its subsections, one per risk ("## Detailed Risk Analysis" over
    "### OPS-001: Migration Ordering Conflicts" ... "**Mitigation Strategy:**").
    Sections inherit the kind of the section they sit in; a record inside a
    restating section is a record. A document's title (level 1) never restates.
    """
    mitigated = _mitigated_sections(parents, bodies)
    children: list[list[int]] = [[] for _ in titles]
    for k, parent in enumerate(parents):
        if parent is not None:
            children[parent].append(k)
    kinds: list[str] = []
    for k, title in enumerate(titles):
        parent = parents[k]
        inherited = kinds[parent] if parent is not None else ""
        clean = _TRAIL_MARKS.sub("", _LEAD_MARKS.sub("", title)).strip(" *_`:")
        last = _SEGMENT_SPLIT.split(clean)[-1].strip() if clean else ""
        named = any(_RECORD_SECTION.search(part.strip()) for part in (clean, last) if part)
        if named and _specifies(k, titles, bodies, children):
            named = False  # "Requirement 5: Profile Completion Status Update" asks for one
        if (
            inherited == "record"
            or named
            or (_RISK_HEADING.search(clean) and _gives_mitigations(k, bodies, children, mitigated))
        ):
            kinds.append("record")
        elif inherited == "restating" or (levels[k] > 1 and _RESTATING_SECTION.match(clean)):
            kinds.append("restating")
        else:
            kinds.append("")
    return kinds


def _states_requirements(text: str) -> bool:
    """Whether the text states requirements: a ``MUST``/``SHALL``, a user story, EARS."""
    return bool(_MODAL.search(text) or _USER_STORY.search(text) or _EARS.search(text))


_CRITERIA_TITLE = re.compile(r"(?i)^\W*acceptance\s+criteria\W*$")  # not "... Validation"


def _specifies(k: int, titles: list[str], bodies: list[str], children: list[list[int]]) -> bool:
    """A section that states requirements in its own body (a user story, MUST/SHALL), or holds an
    "Acceptance Criteria" subsection, specifies, whatever its title says (a QA record's
    "Acceptance Criteria Validation" is no such subsection)."""
    return _states_requirements(bodies[k]) or any(
        _CRITERIA_TITLE.match(titles[j]) for j in children[k]
    )


def _mitigated_sections(parents: list[int | None], bodies: list[str]) -> list[bool]:
    """Whether each section, with its subsections, gives a mitigation under its label."""
    out = [bool(_MITIGATION_LABEL.search(body)) for body in bodies]
    for k in range(len(parents) - 1, -1, -1):  # a subsection comes after its parent
        parent = parents[k]
        if out[k] and parent is not None:
            out[parent] = True
    return out


def _gives_mitigations(
    k: int, bodies: list[str], children: list[list[int]], mitigated: list[bool]
) -> bool:
    """A section naming risks gives their mitigations: in its own body, or under a
    Mitigation label in most of its subsections (one per risk)."""
    if _MITIGATION.search(bodies[k]):
        return True
    subs = children[k]
    return bool(subs) and 2 * sum(mitigated[j] for j in subs) > len(subs)
