"""Markdown spec -> ``SpecDoc``: sections, requirements, declared endpoints, links.

``parse_spec`` is a pure function of the text (it never reads a file and never
raises): a file that cannot be parsed gives a ``SpecDoc`` with ``error`` set.

How it works. markdown-it-py turns the text into block tokens; ``tokens.read_blocks``
flattens them into headings, paragraph lines (markup stripped, 1-based line),
list items, tables and code blocks (``text.Blocks``). Everything after
that works on those small records:

- every heading is a ``Section`` with a GitHub anchor (``text.slugify``);
- requirements, stories, tasks, properties and OpenFastTrace items come from
  ``formats.find_requirements`` (ids where a spec *defines* them, and the
  structured formats: Kiro, spec-kit, BMAD, OpenFastTrace); ``file_role``
  (``roles``) keeps templates, checklists and the restatements in tasks files out;
- a requirement is out of scope under an "Out of Scope"/"Future" heading
  (configurable), and not backend when its subject is a UI (``scope``);
- endpoints come from headings, tables, bullets, field lines
  (``**Route**: GET /x``), code spans, Given/When/Then prose and code blocks
  (``endpoints``). Each has a *scope* (its heading's section, its list
  item, its table row ...): auth field lines and status codes go to the
  innermost scope holding them, and each endpoint belongs to the innermost
  requirement holding its line. A heading that declares an endpoint and has no
  id becomes a SECTION requirement keyed ``path#anchor``.

Fenced code: a line that *starts* with an HTTP method and a path is read as a
declaration, whatever the fence language. That takes ``POST /api/stocks -
create`` in a design block and ``GET /items HTTP/1.1`` request lines in
```` ```http ```` examples (an example request shows that the endpoint exists),
but never ``@app.get("/x")`` or ``curl -X POST ...``, which start otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import PurePosixPath

from traceaudit.directives import MARKER
from traceaudit.model import (
    Config,
    DeclaredEndpoint,
    Location,
    ReqKind,
    Requirement,
    Scope,
    Section,
    SpecDoc,
    SpecLink,
)
from traceaudit.refs import normalize_newlines
from traceaudit.specs.endpoints import Draft, apply_evidence, find_endpoints, section_auth
from traceaudit.specs.examples import classify_endpoints
from traceaudit.specs.formats import Req, find_requirements, table_ids
from traceaudit.specs.recognise import named_paths
from traceaudit.specs.roles import STORY_FILE, Role, document_role, section_kinds
from traceaudit.specs.scope import NotBackend, glossary
from traceaudit.specs.settle import similar_texts
from traceaudit.specs.stack import (
    no_backend_statements,
    service_layouts,
    stack_statements,
    structure_files,
)
from traceaudit.specs.suppressions import markdown_suppressions
from traceaudit.specs.text import (
    Blocks,
    Heading,
    SectionIndex,
    body_text,
    heading_matches,
    link_sections,
    paint,
    section_number,
    slugify,
)

__all__ = ["parse_spec", "slugify"]

# the ids of tasks: spec-kit's T012, T012a; TASK-3, Task-3.1
_TASK_ID = re.compile(r"(?i)^(?:T\d+[a-z]?|task[-\s]?\d+(?:\.\d+)*[a-z]?)$")

_CLARIFY = re.compile(r"(?i)\[\s*needs\s+clarification")


@lru_cache(maxsize=16)
def _id_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# --------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------


def _title(blocks: Blocks, path: str) -> str:
    for head in blocks.headings:
        if head.level == 1 and head.title:
            return head.title
    return PurePosixPath(path).stem


def _section_requirements(blocks: Blocks, reqs: list[Req], eps: list[Draft]) -> list[Req]:
    """An endpoint heading without an id becomes a SECTION requirement."""
    with_id = {r.section for r in reqs if r.own_heading}
    out: list[Req] = []
    for k in sorted({e.heading for e in eps if e.heading is not None}):
        if k in with_id:
            continue
        head = blocks.headings[k]
        body = body_text(blocks, head.line + 1, head.end)
        out.append(
            Req(head.anchor, ReqKind.SECTION, head.title, body, head.line, head.line, head.end,
                 k, True, "✅" in head.title)
        )  # fmt: skip
    return out


# A step that an item's list numbers by a label of its own, after its checkbox:
# "[x] [16c] Add adaptive search patterns", "[16c-3] Add S-turn pattern optimization". The
# label has a letter, so that a footnote or a bare list number ("[3]") is none.
_STEP_LABEL = re.compile(r"\s*(?:\[[ xX✓✔]\]\s*)?\[(?P<label>\d+[a-z](?:-\d+)?)\](?=\s)")


def _listed_twice(a: Req, b: Req, in_lists: set[int]) -> bool:
    """Whether two definitions of one id are one item written twice: its line in a list
    (``- [x] SUBTASK-5.2.1.8: Add connection heartbeat monitoring`` in its task's "Subtasks
    Completed"; ``1. TASK-9.7: MAVLink performance - partial``) and its own record, a heading
    or a paragraph of its own or one that says at least twice as much (``[x] [SUBTASK-5.2.1.8]
    Connection Heartbeat Monitoring and Timeout Detection``), saying the same thing; or the
    same words written twice (a "Quality Checklist" that repeats the task list: ``- [x] T084
    Display total ideas count`` in both). Two items written alike that say different things
    are two items with one id."""
    words = _plain_words(a.title)
    if words and words == _plain_words(b.title):
        return True  # written again word for word (a checklist that repeats the task list)
    short, full = sorted((len(a.text), len(b.text)))
    listing = (a.line in in_lists) != (b.line in in_lists) or 2 * short <= full
    return listing and similar_texts(a.title, b.title)


def _plain_words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", text.lower()))


def _record_of(later: Req, first: Req, in_lists: set[int]) -> bool:
    """Whether the later of an item's two writings is its record: the one outside a list
    when the other is in one, else the one that says more."""
    if (later.line in in_lists) != (first.line in in_lists):
        return later.line not in in_lists
    return len(later.text) > len(first.text)


def _labels_above(blocks: Blocks) -> dict[int, tuple[int, str]]:
    """Line -> (line, text) of the bold label paragraph nearest above it (a line that is
    only ``**Integration Verification:**`` or ``**Acceptance Criteria:**``): the label heads
    the items below it until the next label (a heading between ends it: see the caller)."""
    out: dict[int, tuple[int, str]] = {}
    current: tuple[int, str] | None = None
    for ln in blocks.lines:
        bold = (ln.lead_bold or "").strip().rstrip(":").strip()
        text = ln.plain.strip()
        if bold and ln.item is None and text.endswith(":") and text.rstrip(":").strip() == bold:
            current = (ln.line, bold) if len(bold) <= 60 and ":" not in bold else None
            continue
        if current is not None:
            out[ln.line] = current
    return out


def _story_scoped(reqs: Sequence[Req]) -> dict[int, str]:
    """Ids that every story of a file numbers again for itself (BMAD's ``**IV1:**`` under
    each ``### Story 3.1``): ``id(req)`` -> the id of the story that holds it. An id counts
    when its definitions lie inside two stories or more and none outside a story; one that a
    story defines twice is still a duplicate within that story."""
    stories = [r for r in reqs if r.kind is ReqKind.STORY]
    if len(stories) < 2:
        return {}
    holder: dict[int, Req] = {}
    for r in reqs:
        if r.kind is ReqKind.STORY:
            continue
        around = [s for s in stories if s.start <= r.line <= s.end and s is not r]
        if around:
            holder[id(r)] = max(around, key=lambda s: s.start)  # the innermost
    by_id: dict[str, list[Req]] = {}
    for r in reqs:
        if r.kind is not ReqKind.STORY:
            by_id.setdefault(r.id, []).append(r)
    out: dict[int, str] = {}
    for same in by_id.values():
        held = [holder.get(id(r)) for r in same]
        if len(same) < 2 or any(h is None for h in held):
            continue
        if len({id(h) for h in held}) >= 2:
            out.update((id(r), h.id) for r, h in zip(same, held, strict=True) if h is not None)
    return out


def _finish(
    path: str,
    blocks: Blocks,
    reqs: list[Req],
    eps: list[Draft],
    config: Config,
    role: Role,
    mentions: Sequence[Draft] = (),
    mentioned_ids: Sequence[str] = (),
) -> SpecDoc:
    heads = blocks.headings
    sections = tuple(
        Section(h.title, h.anchor, h.level, Location(path, h.line), h.path, section_number(h.title))
        for h in heads
    )
    reqs.sort(key=lambda r: (r.line, r.kind != ReqKind.REQUIREMENT))
    kept: list[Req] = []
    duplicates: list[tuple[str, Location]] = []
    at: dict[tuple[str, str], int] = {}
    in_lists = {ln.line for ln in blocks.lines if ln.item is not None}
    scoped = _story_scoped(reqs)
    for r in reqs:
        story = scoped.get(id(r), "")
        if (story, r.id) in at:
            first = kept[at[story, r.id]]
            if not _listed_twice(first, r, in_lists):
                duplicates.append((r.id, Location(path, r.line)))
            elif _record_of(r, first, in_lists):
                r.key = first.key  # the item's own record, not its listing
                kept[at[story, r.id]] = r
            continue
        at[story, r.id] = len(kept)
        r.key = (
            f"{path}#{r.id}" if r.kind == ReqKind.SECTION
            else f"{path}::{story}/{r.id}" if story
            else f"{path}::{r.id}"
        )  # fmt: skip
        kept.append(r)
    kept.sort(key=lambda r: (r.line, r.kind != ReqKind.REQUIREMENT))

    owner = paint([(r.start, r.end) for r in kept], blocks.n_lines)
    order = sorted(range(len(kept)), key=lambda k: (kept[k].start, -kept[k].end))
    parents = [-1] * (blocks.n_lines + 2)
    for k in order:
        r = kept[k]
        above = parents[r.start] if 0 <= r.start < len(parents) else -1
        r.parent_key = kept[above].key if above >= 0 else None
        parents[r.start : r.end + 1] = [k] * max(0, r.end - r.start + 1)

    out_of_scope = _out_of_scope(heads, config)
    not_backend = _not_backend(blocks, kept, config)
    sec_at = SectionIndex(heads)
    section_files = _section_files(blocks, sec_at)
    label_above = _labels_above(blocks)
    requirements: list[Requirement] = []
    for r in kept:
        head = heads[r.section] if r.section is not None else None
        spath = head.path if head else ()
        label = None if r.own_heading else label_above.get(r.line)
        if label and (head is None or label[0] > head.line):
            # "**Integration Verification:**" over IV1..IV3 heads them as a heading would
            spath = (*spath, label[1])
        out = out_of_scope(r.section, r.own_heading)
        scope = Scope.NOT_BACKEND if r.key in not_backend else Scope.IN_SCOPE
        text = r.text
        files = section_files.get(r.section) if r.kind is ReqKind.TASK else None
        if files and not _FILES_FIELD.search(text):
            text = f"{text}\nFiles: {files}"  # the block's "**File**:" line names its files
        requirements.append(
            Requirement(
                key=r.key,
                id=r.id,
                title=r.title,
                text=text,
                kind=r.kind,
                spec_path=path,
                location=Location(path, r.line),
                section_path=spath,
                anchor=head.anchor if head else "",
                scope=Scope.OUT_OF_SCOPE if out else scope,
                needs_clarification=bool(_CLARIFY.search(r.title) or _CLARIFY.search(r.text)),
                claimed_done=r.claimed,
                parent_key=r.parent_key,
                assigned_tasks=tuple(title for title, _, _ in r.tasks),
            )
        )
    key_at = [kept[k].key if k >= 0 else None for k in owner]
    # An endpoint that a criterion's own task declares is the criterion's, not its story's.
    stories = {r.key for r in kept if r.kind is ReqKind.STORY}
    for r in kept:
        for _, top, bottom in r.tasks:
            for line in range(top, min(bottom, len(key_at) - 1) + 1):
                if key_at[line] is None or key_at[line] in stories:
                    key_at[line] = r.key
    labels = sorted(
        {
            (m["label"], key)
            for ln in blocks.lines
            if ln.first_of_item
            and (m := _STEP_LABEL.match(ln.plain))
            and 0 <= ln.line < len(key_at)
            and (key := key_at[ln.line]) is not None
        }
    )
    for e in eps:
        e.out_of_scope = out_of_scope(sec_at.at(e.line), e.source == "heading") and not (
            e.source != "heading" and _KEPT.search(_paragraph_of(blocks, e.line))
        )
    endpoints = _endpoints(path, eps, key_at)
    links = sorted(
        (
            SpecLink(r.key, target, relation, Location(path, line))
            for r in kept
            for target, relation, line in r.links
        ),
        key=lambda k: (k.location.line, k.source_key, k.target.value, k.relation),
    )
    return SpecDoc(
        path=path,
        title=_title(blocks, path),
        sections=sections,
        requirements=tuple(sorted(requirements, key=lambda r: (r.location.line, r.key))),
        endpoints=endpoints,
        links=tuple(links),
        duplicate_ids=tuple(duplicates),
        role=role.kind,
        role_reason=role.reason,
        mentions=_endpoints(path, list(mentions), [None] * (blocks.n_lines + 2)),
        mentioned_ids=tuple(mentioned_ids),
        step_labels=tuple(labels),
    )


_MENTIONS = frozenset({"inline", "prose"})
_SUBJECT_KINDS = frozenset({ReqKind.REQUIREMENT, ReqKind.CRITERION, ReqKind.OUTCOME})


# What an Out of Scope section says is kept: "Replacing the fine-tune path: POST /runs
# stays", "**In scope for those two surfaces**: ... POST /v1/vision/{task}": not excluded.
_KEPT = re.compile(
    r"(?i)(?<!not\s)(?<!n't\s)\bin[\s-]scope\b|\b(?:stays|remains\s+(?:as\s+is|unchanged|"
    r"available|supported|in\s+place)|is\s+kept|are\s+kept|keeps\s+working|stays\s+as\s+is)\b"
)


def _paragraph_of(blocks: Blocks, line: int) -> str:
    """The text of the list item (the innermost) or else the paragraph that holds ``line``."""

    def text(n: int) -> str:
        return blocks.plain.get(n, "").strip()

    items = [it for it in blocks.items if it.start <= line <= it.end]
    if items:
        item = max(items, key=lambda it: it.start)
        start, end = item.start, item.end
    else:
        start = end = line
        while start > 1 and text(start - 1):
            start -= 1
        while text(end + 1):
            end += 1
    return " ".join(text(n) for n in range(start, end + 1))


def _not_backend(blocks: Blocks, kept: list[Req], config: Config) -> set[str]:
    """Keys of the requirements whose subject is not the backend (``scope``).

    A requirement defined by a list item or paragraph is judged by its own
    sentence; one whose acceptance criteria are all not backend follows them.
    """
    judge = NotBackend(glossary(blocks), config.non_backend_subjects)
    marked = {
        r.key
        for r in kept
        if r.kind in _SUBJECT_KINDS and not r.own_heading and judge.text_is_ui(r.title)
    }
    criteria: dict[str, list[str]] = {}
    for r in kept:
        if r.kind is ReqKind.CRITERION and r.parent_key is not None:
            criteria.setdefault(r.parent_key, []).append(r.key)
    for parent, children in criteria.items():
        if all(c in marked for c in children):
            marked.add(parent)
    return marked


# Kiro/plain task blocks headed by the file they change: "## 2. Connect FileUploadOverlay",
# "**File**: `frontend/src/3d/components/ui/FileUploadOverlay.tsx`", then "- [ ] 2.1 ...".
_FILES_FIELD = re.compile(r"(?im)^\s*(?:\*\*)?files?(?:\*\*)?\s*(?:\*\*)?\s*:\s*(?P<value>\S.*)$")


def _section_files(blocks: Blocks, sec_at: SectionIndex) -> dict[int | None, str]:
    """Section -> the value of a ``**File**:``/``**Files**:`` line written in it, outside a
    list item (a task's own "Files:" line stays the task's)."""
    out: dict[int | None, str] = {}
    for ln in blocks.lines:
        if ln.item is not None:
            continue
        m = _FILES_FIELD.match(ln.plain)
        if m:
            out.setdefault(sec_at.at(ln.line), m["value"].strip())
    return out


# A heading marked as not there yet, in brackets at its end: "### Auth API (planned)",
# "### 인증 API (예정)", "## Export (coming soon)", "### Webhooks (TODO)".
_PLANNED_MARK = re.compile(
    r"(?i)[(（\[]\s*(?:planned|coming\s+soon|to\s*do|todo|future|upcoming|not\s+yet\s+"
    r"implemented|not\s+implemented(?:\s+yet)?|roadmap|예정|계획|미구현|予定|未実装|计划|計劃|"
    r"规划|規劃|待实现|待實現)\s*[)）\]]\s*\W*$"
)


def _out_of_scope(heads: list[Heading], config: Config) -> Callable[[int | None, bool], bool]:
    """``(section, own_heading) -> bool``: whether a heading above marks the item out of scope.

    The item's own heading is left out when the item *is* that heading
    (``### FR-009: Future-proof storage`` is not out of scope).
    """
    above: list[bool] = []  # an ancestor heading, not the heading itself, matches
    itself: list[bool] = []
    for head in heads:
        parent = head.parent
        above.append(parent is not None and (above[parent] or itself[parent]))
        itself.append(
            heading_matches(head.title, config.out_of_scope_headings)
            or bool(_PLANNED_MARK.search(head.title))
        )

    def check(section: int | None, own_heading: bool) -> bool:
        if section is None:
            return False
        return above[section] or (not own_heading and itself[section])

    return check


def _endpoints(
    path: str, eps: list[Draft], key_at: list[str | None]
) -> tuple[DeclaredEndpoint, ...]:
    """The declared endpoints, each with the requirement that holds it.

    A code span such as "`POST /auth/login`" in running text is a mention. It is
    kept when nothing stronger (heading, table, bullet, field, fence) declares
    the endpoint, or when it ties the endpoint to a requirement that the
    stronger declarations do not.
    """
    out: list[DeclaredEndpoint] = []
    strong: dict[tuple[str, str], set[str | None]] = {}
    for e in eps:
        if e.source not in _MENTIONS:
            strong.setdefault((e.method, e.path), set()).add(key_at[e.line])
    for e in sorted(eps, key=lambda e: (e.line, e.method, e.path)):
        key = key_at[e.line]
        declared = strong.get((e.method, e.path))
        if e.source in _MENTIONS and declared is not None and (key is None or key in declared):
            continue
        out.append(
            DeclaredEndpoint(
                method=e.method,
                path=e.path,
                location=Location(path, e.line),
                requirement_key=key,
                auth=e.auth,
                auth_required=e.auth_required,
                statuses=tuple(sorted(e.statuses)),
                source=e.source,
                scope=Scope.OUT_OF_SCOPE if e.out_of_scope else Scope.IN_SCOPE,
                hints=e.hints,
            )
        )
    return tuple(out)


# spec-kit quotes the user's own request at the top of a spec:
# **Input**: User description: "Build a todo app ... FR-001 ...". Those are the user's
# words, not the spec's definitions.
_QUOTED_INPUT = re.compile(
    r"(?i)^\W{0,4}(?:user\s+)?(?:input|description|request|prompt)\W{0,4}\s*[:：]\s*"
    r"(?:\**\s*user\s+(?:description|input|request)\s*\**\s*[:：]\s*)?(?P<q>[\"“])"
)
_CLOSING_QUOTE = re.compile(r"[\"”]")


def _quoted_input(text: str) -> list[tuple[int, int]]:
    """Line spans (1-based) of quoted user requests (``**Input**: "..."``)."""
    lines = text.splitlines()
    spans: list[tuple[int, int]] = []
    k = 0
    while k < len(lines):
        m = _QUOTED_INPUT.match(lines[k])
        if m is None:
            k += 1
            continue
        end = k
        tail = lines[k][m.end() :]
        while not _CLOSING_QUOTE.search(tail) and end + 1 < len(lines):
            end += 1
            if lines[end].startswith("## "):
                end -= 1  # an unclosed quote ends at the next section
                break
            tail = lines[end]
        spans.append((k + 1, end + 1))
        k = end + 1
    return spans


_OPENAPI_KEY = re.compile(r'(?m)^\s*"?(?:openapi|swagger)"?\s*:')


def _fenced_contracts(blocks: Blocks, path: str, config: Config) -> list[DeclaredEndpoint]:
    """An OpenAPI document in a ```yaml (or json) fence is a contract: its operations are
    declared endpoints, at the lines of the fence."""
    out: list[DeclaredEndpoint] = []
    for fence in blocks.fences:
        if not fence.lines or fence.info.lower() not in ("yaml", "yml", "json", "openapi", ""):
            continue
        text = "\n".join(t for _, t in fence.lines)
        if not _OPENAPI_KEY.search(text):
            continue
        first = fence.lines[0][0]
        from traceaudit.specs.openapi import parse_contract  # PyYAML only when needed

        for ep in parse_contract(text, path, config).endpoints:
            where = Location(path, first + ep.location.line - 1)
            out.append(replace(ep, location=where))
    return out


def _section_kind_at(blocks: Blocks, text: str) -> Callable[[int], str]:
    """``line -> kind`` of the section holding it: ``record``, ``restating`` or ``""``
    (``roles.section_kinds``). A heading line belongs to its own section. The lines of
    a quoted user request are a record too: they are the user's words."""
    heads = blocks.headings
    kinds = section_kinds(
        [h.title for h in heads],
        [h.level for h in heads],
        [h.parent for h in heads],
        [body_text(blocks, h.line + 1, h.body_end) for h in heads],
    )
    index = SectionIndex(heads)
    quoted = _quoted_input(text)

    def at(line: int) -> str:
        if any(start <= line <= end for start, end in quoted):
            return "record"
        k = index.at(line)
        return kinds[k] if k is not None else ""

    return at


def parse_spec(text: str, path: str, config: Config) -> SpecDoc:
    """Parse one Markdown spec. Pure: never reads files, never raises."""
    doc = _parse_spec(text, path, config)
    if MARKER in text:
        doc = replace(doc, suppressions=markdown_suppressions(text, path))
    return doc


def _parse_spec(text: str, path: str, config: Config) -> SpecDoc:
    # markdown-it is imported when a spec is parsed, not with the package: a warm run takes
    # every spec from the cache and never needs it
    from traceaudit.specs.tokens import MAX_NESTING, MD, read_blocks

    try:
        id_re = _id_regex(config.id_pattern)
        text = normalize_newlines(text)  # as markdown-it does, so line counts agree with it
        tokens = MD.parse(text)
        deepest = next((t for t in tokens if t.level >= MAX_NESTING - 1), None)
        if deepest is not None:  # markdown-it stopped there and dropped the rest
            line = f" at line {deepest.map[0] + 1}" if deepest.map else ""
            return SpecDoc(
                path=path,
                title=PurePosixPath(path).stem,
                sections=(),
                requirements=(),
                endpoints=(),
                error=f"Markdown nested {MAX_NESTING:,} levels deep{line}: nothing past it can "
                "be read",
            )
        blocks = read_blocks(tokens, text.count("\n") + 1)
        link_sections(blocks)
        role = document_role(path, text)
        if role.kind == "template":
            return _finish(path, blocks, [], [], config, role)  # placeholders only
        found = find_requirements(blocks, id_re, path)
        kind_at = _section_kind_at(blocks, text)
        reqs = [r for r in found if not kind_at(r.line)] if role.defines_ids else []
        if role.reason == STORY_FILE:
            # A story file that lists its tasks only under "Completed Tasks" defines them
            # there: an id its other sections do not define is not a mention of anything.
            own = {r.id for r in reqs}
            reqs += [
                r for r in found
                if kind_at(r.line) == "record" and r.id not in own and _TASK_ID.match(r.id)
            ]  # fmt: skip
            reqs.sort(key=lambda r: r.line)
        if role.kind == "tasks" and not any(r.kind is ReqKind.TASK for r in reqs):
            # A task list written as headings ("### T010 — Implement scheduleConfettiBursts()
            # in confetti.ts", then its File and Action lines): each task heading is a task.
            for r in reqs:
                if r.own_heading and r.kind is ReqKind.REQUIREMENT and _TASK_ID.match(r.id):
                    r.kind = ReqKind.TASK
        if role.kind == "tasks" and any(r.kind is ReqKind.TASK for r in reqs):
            # A task list defines its tasks; its headings group them ("### User Story 1
            # (Frontend) - 5 Parallel Tasks") and its other ids restate the spec.
            reqs = [r for r in reqs if r.kind is ReqKind.TASK]
        tasks = [(r.start, r.end) for r in reqs if r.kind is ReqKind.TASK]
        eps, evidence = find_endpoints(blocks, tasks)
        apply_evidence(eps, evidence, blocks.n_lines, blocks.headings)
        section_auth(blocks, eps)
        classify_endpoints(blocks, eps)
        mentions = [e for e in eps if e.mention or kind_at(e.line) == "record"]
        eps = [e for e in eps if not e.mention and kind_at(e.line) != "record"]
        if not role.declares_endpoints:
            eps, mentions = [], mentions + eps
        elif role.kind == "conventions":
            # A convention guide shows examples; only its endpoint tables and headings
            # list routes of the product itself.
            mentions += [e for e in eps if e.source not in ("table", "heading")]
            eps = [e for e in eps if e.source in ("table", "heading")]
        if role.defines_ids:
            reqs.extend(_section_requirements(blocks, reqs, eps))
        kept = {id(r) for r in reqs}
        mentioned = sorted({r.id for r in found if id(r) not in kept} | table_ids(blocks, id_re))
        doc = _finish(path, blocks, reqs, eps, config, role, mentions, mentioned)
        doc = replace(
            doc,
            stack=stack_statements(blocks, path),
            structure=structure_files(blocks, path),
            no_backend=no_backend_statements(blocks, kind_at),
            named_paths=tuple(named_paths(text)),
            layouts=service_layouts(blocks),
        )
        fenced = _fenced_contracts(blocks, path, config)
        if not fenced:
            return doc
        if role.declares_endpoints and role.kind != "conventions":
            return replace(doc, endpoints=tuple(sorted(
                (*doc.endpoints, *fenced), key=lambda e: (e.location.line, e.method, e.path)
            )))  # fmt: skip
        return replace(doc, mentions=(*doc.mentions, *fenced))
    except Exception as exc:  # a spec we cannot read must not stop the audit
        return SpecDoc(
            path=path,
            title=PurePosixPath(path).stem,
            sections=(),
            requirements=(),
            endpoints=(),
            error=f"cannot parse Markdown: {type(exc).__name__}: {exc}",
        )
