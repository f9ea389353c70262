"""Markdown spec -> ``SpecDoc``: sections, requirements, declared endpoints, links.

``parse_spec`` is a pure function of the text (it never reads a file and never
raises): a file that cannot be parsed gives a ``SpecDoc`` with ``error`` set.

How it works. markdown-it-py turns the text into block tokens; ``_read_blocks``
flattens them into headings, paragraph lines (markup stripped, 1-based line),
list items, tables and code blocks (``spec_text.Blocks``). Everything after
that works on those small records:

- every heading is a ``Section`` with a GitHub anchor (``spec_text.slugify``);
- requirement ids are taken only where a spec *defines* them: at the start of a
  heading, list item or paragraph line, and then only when followed by a
  separator, written in bold, or (headings and list items) dashed; ids in
  running prose are references, not definitions;
- structured formats add their own items (``_Finder``): Kiro ``Requirement N``
  with criteria ``N.M``, spec-kit ``User Story N`` (``USN``) and tasks
  (``T012``), BMAD ``Story 1.2``, Kiro ``Property N`` and tasks ``2.1``,
  OpenFastTrace items; tasks, properties and items carry ``SpecLink``s;
- endpoints come from headings, tables, bullets, field lines
  (``**Route**: GET /x``), code spans, Given/When/Then prose and code blocks
  (``spec_endpoints``). Each has a *scope* (its heading's section, its list
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
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath

from markdown_it import MarkdownIt
from markdown_it.token import Token

from traceaudit.model import (
    Config,
    DeclaredEndpoint,
    Location,
    RefKind,
    RefTarget,
    ReqKind,
    Requirement,
    Scope,
    Section,
    SpecDoc,
    SpecLink,
)
from traceaudit.refs import NON_ID_PREFIXES, extract_refs, id_prefix
from traceaudit.spec_endpoints import Draft, apply_evidence, find_endpoints, section_auth
from traceaudit.spec_text import (
    Blocks,
    Fence,
    Heading,
    Item,
    Line,
    SectionIndex,
    Table,
    body_text,
    cap,
    collapse,
    heading_matches,
    link_sections,
    paint,
    paragraphs,
    section_number,
    slugify,
    strip_heading_marker,
    strip_number,
)

__all__ = ["parse_spec", "slugify"]

_CHECKBOX = re.compile(r"^\s*\[(?P<mark>[ xX])\]\s*")
_SEPARATOR = re.compile(r"^\s*[:：.)\-–—]")
_SEPARATOR_STRIP = re.compile(r"^\s*[:：.)\-–—]+\s*")
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
        elif kind == "ordered_list_open":
            begin = str(tok.attrGet("start") or 1)
            counters.append(int(begin) if begin.isdigit() else 1)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            if counters:
                counters.pop()
        elif kind == "list_item_open":
            start, end = _span(tok, last_line)
            number = counters[-1] if counters else None
            if number is not None:
                counters[-1] = number + 1  # as rendered: "1. 1. 1." counts 1, 2, 3
            parent = open_items[-1] if open_items else None
            blocks.items.append(Item(start, end, None if number is None else str(number), parent))
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
# Requirements
# --------------------------------------------------------------------------


@dataclass(slots=True)
class _Req:
    id: str
    kind: ReqKind
    title: str
    text: str
    line: int
    start: int  # the lines it spans (for the endpoints and sub-items it holds)
    end: int
    section: int | None  # the section that holds it (its own section for headings)
    own_heading: bool
    claimed: bool
    links: list[tuple[RefTarget, str, int]] = field(default_factory=list)  # target, relation, line
    key: str = ""
    parent_key: str | None = None


@dataclass(frozen=True, slots=True)
class _IdMatch:
    ident: str
    rest: str  # the text after the id, separator dropped
    checked: bool  # a [x] box before the id


def _id_at_start(
    text: str, lead_bold: str | None, id_re: re.Pattern[str], mode: str
) -> _IdMatch | None:
    """A defining id at the start of ``text``; mode is heading, item or para."""
    box = _CHECKBOX.match(text)
    body = text[box.end() :] if box else text.lstrip()
    m = id_re.match(body)
    if not m or not m.group(0):
        return None
    ident = m.group(0)
    if id_prefix(ident).rstrip("-") in NON_ID_PREFIXES:
        return None
    rest = body[m.end() :]
    separated = bool(_SEPARATOR.match(rest))
    if mode == "para":
        # A paragraph line is often wrapped prose: only "ID: text" defines there.
        bold, dashed, alone = False, False, False
    else:
        bold = lead_bold is not None and lead_bold.strip().startswith(ident) and not box
        dashed = "-" in ident and (not rest or rest[0].isspace())
        alone = mode == "heading" and not rest.strip()
    if not (separated or bold or dashed or alone):
        return None
    checked = bool(box and box["mark"] in "xX")
    return _IdMatch(ident, _SEPARATOR_STRIP.sub("", rest).strip(), checked)


class _Finder:
    """Finds the requirements of one file: ids, and the structured formats.

    Besides ids matching the configured pattern it knows Kiro requirement
    headings with their numbered SHALL criteria (``Requirement 2`` -> ``2.1``),
    spec-kit user stories (``User Story 1`` -> ``US1``), BMAD stories
    (``Story 1.3``), Kiro design properties (``Property 3``), task lines
    (``- [ ] T012 [US1] ...``, ``- [x] 2.1 ...``) and OpenFastTrace items
    (`` `req~login~1` ``). Tasks, properties and items carry the links they
    write (``_Requirements: 1.2_``, ``Validates: Requirements 2.1``, ``Covers:``).
    """

    def __init__(self, blocks: Blocks, id_re: re.Pattern[str]) -> None:
        self.blocks = blocks
        self.id_re = id_re
        self.sections = SectionIndex(blocks.headings)
        self.found: list[_Req] = []
        self.tasks: list[_Req] = []
        self.first_line: dict[int, Line] = {}  # list item -> its first line
        for ln in blocks.lines:
            if ln.first_of_item and ln.item is not None:
                self.first_line[ln.item] = ln

    def run(self) -> list[_Req]:
        for k, head in enumerate(self.blocks.headings):
            self._heading(k, head)
        for para_lines in paragraphs(self.blocks):
            self._paragraph(para_lines)
        self._task_links()
        self._criteria()
        self._oft_items()
        return self.found

    def _add_heading(self, k: int, head: Heading, ident: str, kind: ReqKind, title: str) -> _Req:
        body = body_text(self.blocks, head.line + 1, head.end)
        claimed = "✅" in head.title
        req = _Req(ident, kind, title, body, head.line, head.line, head.end, k, True, claimed)
        self.found.append(req)
        return req

    def _heading(self, k: int, head: Heading) -> None:
        title = strip_number(head.title)
        hit = _id_at_start(title, head.lead_bold, self.id_re, "heading")
        if hit:
            req = self._add_heading(k, head, hit.ident, ReqKind.REQUIREMENT, hit.rest or head.title)
            req.claimed = req.claimed or hit.checked
            return
        for pattern, kind, ident in _HEADING_FORMATS:
            m = pattern.match(title)
            if m:
                name = ident(m)
                req = self._add_heading(k, head, name, kind, m["title"].strip() or head.title)
                if kind == ReqKind.PROPERTY:
                    for line in range(head.line + 1, head.body_end + 1):
                        self._refs(req, line, self.blocks.plain.get(line, ""), explicit_only=True)
                return

    def _paragraph(self, lines: list[Line]) -> None:
        hits: list[tuple[int, _IdMatch]] = []
        for k, ln in enumerate(lines):
            if ln.first_of_item and self._task(ln):
                continue
            hit = _id_at_start(
                ln.plain, ln.lead_bold, self.id_re, "item" if ln.first_of_item else "para"
            )
            if hit:
                hits.append((k, hit))
        for n, (k, hit) in enumerate(hits):
            ln = lines[k]
            stop = hits[n + 1][0] if n + 1 < len(hits) else len(lines)
            title = collapse(" ".join([hit.rest, *(x.plain for x in lines[k + 1 : stop])]))
            claimed = hit.checked or "✅" in ln.plain
            if ln.first_of_item and ln.item is not None and stop == len(lines):
                item = self.blocks.items[ln.item]
                start, end = item.start, item.end
                text = cap("\n".join([title, body_text(self.blocks, lines[-1].line + 1, end)]))
            else:
                start, end = ln.line, lines[stop - 1].line
                text = cap(title)
            self.found.append(
                _Req(hit.ident, ReqKind.REQUIREMENT, title, text, ln.line, start, end,
                     self.sections.at(ln.line), False, claimed)
            )  # fmt: skip

    def _task(self, ln: Line) -> bool:
        """``- [ ] T012 [P] [US1] Create model`` / ``- [x] 2.1 Write migration``."""
        m = _TASK.match(ln.plain)
        if m is None or ln.item is None:
            return False
        item = self.blocks.items[ln.item]
        markers = _TASK_MARKERS.match(m["rest"])
        title = m["rest"][markers.end() :].strip() if markers else m["rest"].strip()
        text = cap("\n".join([title, body_text(self.blocks, ln.line + 1, item.end)]))
        req = _Req(m["id"], ReqKind.TASK, title, text, ln.line, item.start, item.end,
                   self.sections.at(ln.line), False, m["mark"] in "xX")  # fmt: skip
        if markers:
            for story in _STORY_MARKER.finditer(markers.group(0)):
                target = RefTarget(RefKind.ID, story["id"], None, story.group(0), hint="story")
                req.links.append((target, "story", ln.line))
        self._refs(req, ln.line, title)
        self.found.append(req)
        self.tasks.append(req)
        return True

    def _task_links(self) -> None:
        """Each line below a task links for the innermost task holding it (subtasks apart)."""
        owner = paint([(t.start, t.end) for t in self.tasks], self.blocks.n_lines)
        for task in self.tasks:
            for line in range(task.line + 1, task.end + 1):
                if owner[line] >= 0 and self.tasks[owner[line]] is task:
                    self._refs(task, line, self.blocks.plain.get(line, ""))

    def _refs(self, req: _Req, line: int, text: str, explicit_only: bool = False) -> None:
        """References written on one of a requirement's lines become its links."""
        if not text.strip():
            return
        validates = bool(_VALIDATES.search(text))
        for ref in extract_refs(text, self.id_re):
            if ref.target.value == req.id or (explicit_only and not ref.explicit):
                continue
            if _DEPENDS.search(text[: ref.column]):
                relation = "depends"
            elif validates:
                relation = "validates"
            else:
                relation = "implements" if ref.explicit else "cites"
            req.links.append((ref.target, relation, line))

    def _criteria(self) -> None:
        """Kiro: the numbered SHALL list of ``Requirement N`` gives criteria ``N.1``, ``N.2``."""
        owners: list[tuple[_Req, str]] = []
        for r in self.found:
            m = _KIRO_ID.match(r.id) if r.kind == ReqKind.REQUIREMENT and r.own_heading else None
            if m is not None:
                owners.append((r, m["num"]))
        if not owners:
            return
        owner_at = paint([(r.start, r.end) for r, _ in owners], self.blocks.n_lines)
        taken = {r.line for r in self.found}
        for k, item in enumerate(self.blocks.items):
            ln = self.first_line.get(k)
            if ln is None or item.number is None or item.parent is not None or ln.line in taken:
                continue
            o = owner_at[item.start] if item.start < len(owner_at) else -1
            if o < 0 or not _SHALL.search(ln.plain):
                continue
            number = owners[o][1]
            text = cap(body_text(self.blocks, item.start, item.end))
            self.found.append(
                _Req(f"{number}.{item.number}", ReqKind.CRITERION, collapse(ln.plain), text,
                     ln.line, item.start, item.end, self.sections.at(ln.line), False,
                     "✅" in ln.plain)
            )  # fmt: skip

    def _oft_items(self) -> None:
        """OpenFastTrace: a line that is only `` `req~name~1` `` opens an item."""
        opens = [ln for ln in self.blocks.lines if ln.item is None and _OFT_ITEM.match(ln.plain)]
        for n, ln in enumerate(opens):
            sec = self.sections.at(ln.line)
            head = self.blocks.headings[sec] if sec is not None else None
            end = head.end if head else self.blocks.n_lines
            if head is not None and sec is not None and sec + 1 < len(self.blocks.headings):
                end = min(end, self.blocks.headings[sec + 1].line - 1)
            if n + 1 < len(opens):
                end = min(end, opens[n + 1].line - 1)
            ident = ln.plain.strip()
            between = range(head.line + 1, ln.line) if head is not None else range(0)
            directly = head is not None and not any(self.blocks.plain.get(x) for x in between)
            title = head.title if head is not None and directly else ident
            text = body_text(self.blocks, ln.line + 1, end)
            req = _Req(ident, ReqKind.ITEM, title, text, ln.line, ln.line, end, sec, False, False)
            relation = ""
            for line in range(ln.line + 1, end + 1):
                plain = self.blocks.plain.get(line, "")
                keyword = _OFT_KEYWORD.match(plain)
                if keyword:
                    relation = keyword["word"].lower()
                if relation in ("covers", "depends"):
                    for ref in extract_refs(plain, self.id_re):
                        if ref.target.hint == "oft":
                            req.links.append((ref.target, relation, line))
            self.found.append(req)


_TASK = re.compile(
    r"^\s*\[(?P<mark>[ xX])\]\s*\*?\s*(?P<id>T\d{2,}|\d+(?:\.\d+)*)(?:\.(?=\s)|:)?"
    r"\s+(?P<rest>\S.*)$"
)
_TASK_MARKERS = re.compile(r"^\s*(?:\[[^\]\s]{1,12}\]\s*)+")
_STORY_MARKER = re.compile(r"\[(?P<id>US\d+|Story\s*\d+(?:\.\d+)*)\]")
_VALIDATES = re.compile(r"(?i)\bvalidates?\b")
# "(depends on T012, T013)", "_Depends: 1.2_", "blocked by T3": an order, not an implementation.
_DEPENDS = re.compile(r"(?i)\b(?:depends?(?:\s+on)?|blocked\s+by|after)\s*:?\s*_?[^()]*$")
_SHALL = re.compile(r"(?i)\b(?:shall|must)\b")
_KIRO_WORDS = (
    r"requirements?|req|anforderung|exigence|requisito|requerimiento|需求|要求|要件|요구사항"
)
_KIRO_ID = re.compile(rf"^(?:{_KIRO_WORDS})\s*(?P<num>\d+)$", re.IGNORECASE)
_OFT_ITEM = re.compile(r"^\s*[a-z]+~[A-Za-z0-9_.-]+~\d+\s*$")
_OFT_KEYWORD = re.compile(r"^\s*(?P<word>Needs|Covers|Depends|Status|Rationale|Comment|Tags)\s*:")


def _named(word: str) -> Callable[[re.Match[str]], str]:
    return lambda m: f"{word} {m['num']}"


_TITLE = r"(?:\s*[:：.\-–—]\s*|\s+)?(?P<title>.*)$"
# (pattern on the number-stripped heading title, kind, id of the match)
_HEADING_FORMATS: tuple[tuple[re.Pattern[str], ReqKind, Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(rf"^(?P<word>{_KIRO_WORDS})\s*(?P<num>\d+)(?![\d.]){_TITLE}", re.IGNORECASE),
        ReqKind.REQUIREMENT,
        lambda m: f"{m['word']} {m['num']}",
    ),
    (
        re.compile(rf"^User\s+Story\s+(?P<num>\d+)(?![\d.]){_TITLE}", re.IGNORECASE),
        ReqKind.STORY,
        lambda m: f"US{m['num']}",
    ),
    (re.compile(rf"^Story\s+(?P<num>\d+(?:\.\d+)+){_TITLE}"), ReqKind.STORY, _named("Story")),
    (
        re.compile(rf"^Property\s+(?P<num>\d+)(?![\d.]){_TITLE}"),
        ReqKind.PROPERTY,
        _named("Property"),
    ),
)


# --------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------


def _title(blocks: Blocks, path: str) -> str:
    for head in blocks.headings:
        if head.level == 1 and head.title:
            return head.title
    return PurePosixPath(path).stem


def _section_requirements(blocks: Blocks, reqs: list[_Req], eps: list[Draft]) -> list[_Req]:
    """An endpoint heading without an id becomes a SECTION requirement."""
    with_id = {r.section for r in reqs if r.own_heading}
    out: list[_Req] = []
    for k in sorted({e.heading for e in eps if e.heading is not None}):
        if k in with_id:
            continue
        head = blocks.headings[k]
        body = body_text(blocks, head.line + 1, head.end)
        out.append(
            _Req(head.anchor, ReqKind.SECTION, head.title, body, head.line, head.line, head.end,
                 k, True, "✅" in head.title)
        )  # fmt: skip
    return out


def _finish(
    path: str, blocks: Blocks, reqs: list[_Req], eps: list[Draft], config: Config
) -> SpecDoc:
    heads = blocks.headings
    sections = tuple(
        Section(h.title, h.anchor, h.level, Location(path, h.line), h.path, section_number(h.title))
        for h in heads
    )
    reqs.sort(key=lambda r: (r.line, r.kind != ReqKind.REQUIREMENT))
    kept: list[_Req] = []
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
    sec_at = SectionIndex(heads)
    requirements: list[Requirement] = []
    for r in kept:
        head = heads[r.section] if r.section is not None else None
        spath = head.path if head else ()
        out = out_of_scope(r.section, r.own_heading)
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
                scope=Scope.OUT_OF_SCOPE if out else Scope.IN_SCOPE,
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


def parse_spec(text: str, path: str, config: Config) -> SpecDoc:
    """Parse one Markdown spec. Pure: never reads files, never raises."""
    try:
        id_re = _id_regex(config.id_pattern)
        tokens = _MD.parse(text)
        blocks = _read_blocks(tokens, text.count("\n") + 1)
        link_sections(blocks)
        reqs = _Finder(blocks, id_re).run()
        eps, evidence = find_endpoints(blocks)
        apply_evidence(eps, evidence, blocks.n_lines)
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
