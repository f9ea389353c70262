"""Markdown spec -> ``SpecDoc``: sections, requirements, declared endpoints, links.

``parse_spec`` is a pure function of the text (it never reads a file and never
raises): a file that cannot be parsed gives a ``SpecDoc`` with ``error`` set.

How it works. markdown-it-py turns the text into block tokens; ``_read_blocks``
flattens them into headings, paragraph lines (markup stripped, 1-based line),
list items, tables and code blocks (``text.Blocks``). Everything after
that works on those small records:

- every heading is a ``Section`` with a GitHub anchor (``text.slugify``);
- requirements, stories, tasks, properties and OpenFastTrace items come from
  ``formats.find_requirements`` (ids where a spec *defines* them, and the
  structured formats: Kiro, spec-kit, BMAD, OpenFastTrace); ``file_role``
  keeps templates, checklists and the restatements in tasks files out;
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
from functools import lru_cache
from pathlib import PurePosixPath

from markdown_it import MarkdownIt
from markdown_it.token import Token

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
from traceaudit.specs.endpoints import Draft, apply_evidence, find_endpoints, section_auth
from traceaudit.specs.formats import Req, find_requirements
from traceaudit.specs.scope import NotBackend, glossary
from traceaudit.specs.text import (
    Blocks,
    Fence,
    Heading,
    Item,
    Line,
    SectionIndex,
    Table,
    body_text,
    collapse,
    heading_matches,
    link_sections,
    paint,
    section_number,
    slugify,
    strip_heading_marker,
)

__all__ = ["parse_spec", "slugify"]

_CLARIFY = re.compile(r"(?i)\[\s*needs\s+clarification")


@lru_cache(maxsize=16)
def _id_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# --------------------------------------------------------------------------
# Markdown tokens -> flattened blocks
# --------------------------------------------------------------------------


def _span(tok: Token, default: int) -> tuple[int, int]:
    """1-based first and last line of a block token."""
    if tok.map is None:
        return default, default
    start = tok.map[0] + 1
    return start, max(start, tok.map[1])


def _split_lines(children: Sequence[Token]) -> list[tuple[str, str | None, tuple[str, ...]]]:
    """Inline tokens -> one (plain text, leading bold text, code spans) per source line."""
    out: list[tuple[str, str | None, tuple[str, ...]]] = []
    parts: list[str] = []
    codes: list[str] = []
    lead: list[str] | None = None
    lead_text: str | None = None
    started = False
    depth = 0

    def flush() -> None:
        nonlocal parts, codes, lead, lead_text, started, depth
        out.append(("".join(parts), lead_text, tuple(codes)))
        parts, codes, lead, lead_text, started, depth = [], [], None, None, False, 0

    for child in children:
        kind = child.type
        if kind in ("softbreak", "hardbreak"):
            flush()
            continue
        if kind == "strong_open":
            if not started:
                started, lead, depth = True, [], 1
            elif lead is not None and lead_text is None:
                depth += 1
            continue
        if kind == "strong_close":
            if lead is not None and lead_text is None:
                depth -= 1
                if depth == 0:
                    lead_text = "".join(lead)
            continue
        if kind == "text":
            text = child.content
        elif kind == "code_inline":
            text = child.content
            codes.append(text)
        else:
            continue
        if text.strip():
            started = True
        parts.append(text)
        if lead is not None and lead_text is None:
            lead.append(text)
    flush()
    return out


def _strip_marker(inline: Token) -> list[Token]:
    """Heading children without a trailing spec-kit ``*(mandatory)*`` marker."""
    children = list(inline.children or [])
    if strip_heading_marker(inline.content) == inline.content:
        return children
    for k in range(len(children) - 1, -1, -1):
        if children[k].type == "em_open":
            return children[:k]
    return children


def _read_blocks(tokens: Sequence[Token], n_lines: int) -> Blocks:
    blocks = Blocks(n_lines)
    open_items: list[int] = []
    counters: list[int | None] = []  # per open list: the next item number (None: bullets)
    lists: list[int] = []  # the open lists, innermost last
    next_list = 0
    para = 0
    last_line = 1
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        kind = tok.type
        if tok.map is not None:
            last_line = tok.map[0] + 1
        if kind == "bullet_list_open":
            counters.append(None)
            lists.append(next_list)
            next_list += 1
        elif kind == "ordered_list_open":
            begin = str(tok.attrGet("start") or 1)
            counters.append(int(begin) if begin.isdigit() else 1)
            lists.append(next_list)
            next_list += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            if counters:
                counters.pop()
            if lists:
                lists.pop()
        elif kind == "list_item_open":
            start, end = _span(tok, last_line)
            number = counters[-1] if counters else None
            if number is not None:
                counters[-1] = number + 1  # as rendered: "1. 1. 1." counts 1, 2, 3
            parent = open_items[-1] if open_items else None
            label = None if number is None else str(number)
            blocks.items.append(Item(start, end, label, parent, lists[-1] if lists else -1))
            open_items.append(len(blocks.items) - 1)
        elif kind == "list_item_close":
            if open_items:
                open_items.pop()
        elif kind == "heading_open" and i + 1 < len(tokens):
            start, _ = _span(tok, last_line)
            lines = _split_lines(_strip_marker(tokens[i + 1]))
            raw = " ".join(p for p, _, _ in lines).strip()
            level = int(tok.tag[1:]) if tok.tag[1:].isdigit() else 1
            blocks.headings.append(Heading(level, start, raw, collapse(raw), lines[0][1]))
            blocks.plain[start] = collapse(raw)
            i += 2
            continue
        elif kind == "paragraph_open" and i + 1 < len(tokens):
            start, _ = _span(tok, last_line)
            first = i > 0 and tokens[i - 1].type == "list_item_open"
            item = open_items[-1] if open_items else None
            for k, (plain, bold, codes) in enumerate(_split_lines(tokens[i + 1].children or [])):
                line = start + k
                blocks.lines.append(Line(line, plain, bold, codes, item, para, first and k == 0))
                blocks.plain[line] = plain.strip()
            para += 1
            i += 2
            continue
        elif kind == "table_open":
            i = _read_table(tokens, i, blocks, last_line)
            continue
        elif kind in ("fence", "code_block"):
            start, _ = _span(tok, last_line)
            top = start + 1 if kind == "fence" else start
            content = tok.content.split("\n")
            if content and content[-1] == "":
                content.pop()
            numbered = [(top + k, text) for k, text in enumerate(content)]
            blocks.fences.append(Fence(tok.info.strip(), numbered))
            for line, text in numbered:
                blocks.plain[line] = text
        i += 1
    return blocks


def _read_table(tokens: Sequence[Token], i: int, blocks: Blocks, last_line: int) -> int:
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    cells: list[str] = []
    row_line = last_line
    in_head = False
    i += 1
    while i < len(tokens) and tokens[i].type != "table_close":
        tok = tokens[i]
        if tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            row_line = tok.map[0] + 1 if tok.map is not None else row_line + 1
            cells = []
        elif tok.type == "inline":
            cells.append(collapse(" ".join(p for p, _, _ in _split_lines(tok.children or []))))
        elif tok.type == "tr_close":
            if in_head:
                header = cells
            else:
                rows.append((row_line, cells))
            blocks.plain[row_line] = " | ".join(cells)
        i += 1
    blocks.tables.append(Table(header, rows))
    return i + 1


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


def _finish(
    path: str, blocks: Blocks, reqs: list[Req], eps: list[Draft], config: Config
) -> SpecDoc:
    heads = blocks.headings
    sections = tuple(
        Section(h.title, h.anchor, h.level, Location(path, h.line), h.path, section_number(h.title))
        for h in heads
    )
    reqs.sort(key=lambda r: (r.line, r.kind != ReqKind.REQUIREMENT))
    kept: list[Req] = []
    duplicates: list[tuple[str, Location]] = []
    ids: set[str] = set()
    for r in reqs:
        if r.id in ids:
            duplicates.append((r.id, Location(path, r.line)))
            continue
        ids.add(r.id)
        r.key = f"{path}#{r.id}" if r.kind == ReqKind.SECTION else f"{path}::{r.id}"
        kept.append(r)

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
    requirements: list[Requirement] = []
    for r in kept:
        head = heads[r.section] if r.section is not None else None
        spath = head.path if head else ()
        out = out_of_scope(r.section, r.own_heading)
        scope = Scope.NOT_BACKEND if r.key in not_backend else Scope.IN_SCOPE
        requirements.append(
            Requirement(
                key=r.key,
                id=r.id,
                title=r.title,
                text=r.text,
                kind=r.kind,
                spec_path=path,
                location=Location(path, r.line),
                section_path=spath,
                anchor=head.anchor if head else "",
                scope=Scope.OUT_OF_SCOPE if out else scope,
                needs_clarification=bool(_CLARIFY.search(r.title) or _CLARIFY.search(r.text)),
                claimed_done=r.claimed,
                parent_key=r.parent_key,
            )
        )
    key_at = [kept[k].key if k >= 0 else None for k in owner]
    for e in eps:
        e.out_of_scope = out_of_scope(sec_at.at(e.line), e.source == "heading")
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
    )


_MENTIONS = frozenset({"inline", "prose"})
_SUBJECT_KINDS = frozenset({ReqKind.REQUIREMENT, ReqKind.CRITERION, ReqKind.OUTCOME})


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
        itself.append(heading_matches(head.title, config.out_of_scope_headings))

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
            )
        )
    return tuple(out)


_MD = MarkdownIt("commonmark").enable("table")
_TEMPLATE_NAME = re.compile(r"(?i)(?:^|[-_.])template\.md$")


_NOTES_FILES = frozenset({"research.md", "quickstart.md"})


def file_role(path: str) -> str:
    """What a spec file is, from its path: template, checklist, tasks or spec.

    - ``template``: under a ``templates``/``template`` folder, or named
      ``*-template.md`` (spec-kit ``.specify/templates/spec-template.md``, BMAD
      templates). Its ids are placeholders: it defines nothing.
    - ``checklist``: under a ``checklists`` folder (spec-kit
      ``checklists/requirements.md`` checks the spec's quality). It cites ids
      (``1. **FR-008**: ... - RESOLVED``) but defines none.
    - ``notes``: spec-kit's ``research.md`` (decisions ``R1``/``D1`` and their
      rationale) and ``quickstart.md`` (usage): they define no requirement,
      though the endpoints they name are still declarations.
    - ``tasks``: the file name holds "task" (``tasks.md``). Ids at the start of
      its list items or paragraphs that are not tasks restate the spec
      (``- FR-003: Users MUST ...`` under "From spec.md") and define nothing;
      its headings and tasks still do.
    """
    parts = [p.lower() for p in PurePosixPath(path).parts]
    if any(p in ("templates", "template") for p in parts[:-1]) or _TEMPLATE_NAME.search(parts[-1]):
        return "template"
    if "checklists" in parts[:-1]:
        return "checklist"
    if parts[-1] in _NOTES_FILES:
        return "notes"
    if "task" in PurePosixPath(parts[-1]).stem:
        return "tasks"
    return "spec"


def parse_spec(text: str, path: str, config: Config) -> SpecDoc:
    """Parse one Markdown spec. Pure: never reads files, never raises."""
    try:
        id_re = _id_regex(config.id_pattern)
        tokens = _MD.parse(text)
        blocks = _read_blocks(tokens, text.count("\n") + 1)
        link_sections(blocks)
        role = file_role(path)
        if role == "template":
            return _finish(path, blocks, [], [], config)
        reqs = find_requirements(blocks, id_re, path)
        if role in ("checklist", "notes"):
            reqs = []
        elif role == "tasks" and any(r.kind is ReqKind.TASK for r in reqs):
            reqs = [r for r in reqs if r.kind is ReqKind.TASK or r.own_heading]
        tasks = [(r.start, r.end) for r in reqs if r.kind is ReqKind.TASK]
        eps, evidence = find_endpoints(blocks, tasks)
        apply_evidence(eps, evidence, blocks.n_lines, blocks.headings)
        section_auth(blocks, eps)
        reqs.extend(_section_requirements(blocks, reqs, eps))
        return _finish(path, blocks, reqs, eps, config)
    except Exception as exc:  # a spec we cannot read must not stop the audit
        return SpecDoc(
            path=path,
            title=PurePosixPath(path).stem,
            sections=(),
            requirements=(),
            endpoints=(),
            error=f"cannot parse Markdown: {type(exc).__name__}: {exc}",
        )
