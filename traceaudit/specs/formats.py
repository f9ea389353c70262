"""Requirement finders of the spec parser: ids, and the structured formats.

``find_requirements(blocks, id_re)`` returns every item one file defines, as
mutable ``Req`` records that ``spec`` turns into ``Requirement`` values:

- ids matching the configured pattern, taken only where a spec *defines* them:
  at the start of a heading, list item or paragraph line, and then only when
  followed by a separator, written in bold, or (headings and list items)
  dashed; ids in running prose are references, not definitions;
- Kiro ``Requirement N`` headings (any language: ``需求 1``) with their
  numbered SHALL criteria ``N.1``, ``N.2``;
- numbered items of an "Acceptance Criteria" section: ``N.M`` under
  ``Requirement N``, ``1.2.3`` under BMAD ``Story 1.2``, ``3`` in a story file
  without a story heading;
- spec-kit ``User Story N`` (``USN``), BMAD ``Story 1.2``, Kiro design
  ``Property N``;
- task lines (``- [ ] T012 [P] [US1] ...``, ``- [x] 2.1 ...``, BMAD
  ``- [ ] Task 1 (AC: #1)``) with the links they write (``[US1]``,
  ``_Requirements: 1.2_``, ``(AC: #1, #3)``);
- OpenFastTrace items (`` `req~login~1` ``) with ``Covers:``/``Depends:`` links.

What is *not* a definition: architecture decision ids (``AD-001``, ``ADR-7``);
ids listed under an "Inventory", "Traceability" or "Coverage Map/Matrix"
heading (they restate ids defined elsewhere); a ``Story 1.1`` heading inside
an "Acceptance Criteria" section (it groups that story's criteria); an
undashed id opening an item of a list of bold terms (``**PBKDF2**:`` among
``**Argon2**:``). Ids defined under "Success Criteria" / "Measurable
Outcomes" are OUTCOMEs (measurable, informational), not requirements; ids defined
under "Assumptions" or "Dependencies" are ASSUMPTIONs (they frame the work;
informational).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from traceaudit.model import RefKind, RefTarget, ReqKind
from traceaudit.refs import NON_ID_PREFIXES, SUFFIX, extract_refs, id_prefix
from traceaudit.specs.text import (
    Blocks,
    Heading,
    Line,
    SectionIndex,
    body_text,
    cap,
    collapse,
    paint,
    paragraphs,
    strip_number,
)

__all__ = ["Req", "find_requirements"]

_CHECKBOX = re.compile(r"^\s*\[(?P<mark>[ xX])\]\s*")
# Status marks written before an id instead of a checkbox: "[✓] SUBTASK-5.6.1.1: ...",
# "✅ TASK-6.3.2 Enhanced RF Telemetry", "[🟡] SUBTASK-6.3.2.2: ...". The done ones claim it.
_STATUS_MARK = re.compile(
    r"^\s*(?:\[\s*(?P<box>[✓✔✅☑✗✘❌🟡🟢🔴⏳🔄🚧⚠⬜]\uFE0F?)\s*\]|"
    r"(?P<bare>[✓✔✅☑✗✘❌🟡🟢🔴⏳🔄🚧⚠⬜]\uFE0F?))\s*"
)
_DONE_MARKS = frozenset("✓✔✅☑🟢")
# An id in brackets at the start: "[TASK-1.1.1] Initialize Git repository".
_BRACKETED = re.compile(r"^\[(?P<inner>[^\[\]\s][^\[\]]{0,60})\](?=\s|$)")
_SEPARATOR = re.compile(r"^\s*[:：.)\-–—]")
# the end of a bracketed citation: "FR-135).", "FR-137),", "FR-170.)", "US2)"
_CLOSES_CITATION = re.compile(r"^[.,;]?\)[.,;:)]*\s*$|^[.,;]?\)[.,;]")
_JOINED = re.compile(r"^\s*(?:and|or|&|,|/|–|—)\s*(?:[A-Z]|$)")
_SEPARATOR_STRIP = re.compile(r"^\s*[:：.)\-–—]+\s*")


@dataclass(slots=True)
class Req:
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
    # a criterion's tasks that the story's task list assigns to it alone ("- [x] **Frontend -
    # Navigation:** Implement the Next Question button (AC: #2)"): (title, first, last line)
    tasks: list[tuple[str, int, int]] = field(default_factory=list)


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
    done = bool(box and box["mark"] in "xX")
    status = _STATUS_MARK.match(body) if box is None else None
    if status is not None:
        mark = (status["box"] or status["bare"])[0]
        done = mark in _DONE_MARKS
        body = body[status.end() :]
    bracketed = _BRACKETED.match(body)
    m = id_re.match(bracketed["inner"] if bracketed else body)
    if not m or not m.group(0):
        return None
    ident = m.group(0)
    if id_prefix(ident).rstrip("-") in NON_ID_PREFIXES:
        return None
    if bracketed:
        # "[TASK-1.1.1] Initialize ...": the brackets set the id apart as a separator does;
        # the id is the whole bracket or its head ("[TASK-1.1.8-YAML-CONFIG-VALIDATION]")
        tail = bracketed["inner"][m.end() :]
        if tail and not tail.startswith("-"):
            return None
        rest = body[bracketed.end() :].strip()
        return _IdMatch(ident, _SEPARATOR_STRIP.sub("", rest).strip(), done)
    rest = body[m.end() :]
    after = _SEPARATOR_STRIP.sub("", rest).lstrip()
    if _is_range(ident, rest, id_re) or _CROSS_REFERENCE.match(after):
        return None  # "T013-T020: Configuration" names a range; "FR-003 (see spec.md)" points
    if _ABOUT_ITEM.match(rest):
        return None  # "NFR2 Compliance: <100ms ...", "### TASK-9.10 Success Criteria": of it
    # A separator defines when the item's text follows it: "FR-135)." and "(from FR-137),"
    # closing a wrapped line are the end of a citation in brackets.
    separated = bool(_SEPARATOR.match(rest)) and not _CLOSES_CITATION.match(rest)
    if mode == "para":
        # A paragraph line is often wrapped prose: only "ID: text" defines there.
        bold, dashed, alone = False, False, False
    else:
        bold = (
            lead_bold is not None and lead_bold.strip().startswith(ident) and not box
            # "**US1 and US2 are the committed core**" says something of several items
            and not _JOINED.match(rest)
        )
        dashed = "-" in ident and (not rest or rest[0].isspace())
        alone = mode == "heading" and not rest.strip()
    if not (separated or bold or dashed or alone):
        return None
    return _IdMatch(ident, _SEPARATOR_STRIP.sub("", rest).strip(), done)


# What a task's title says of a task left undone: "- **N/A**", "(Not Applicable)",
# "[SKIPPED]", "— won't do", "(deferred)", "(descoped)".
_NOT_DONE = re.compile(
    r"(?i)(?:^|[\s(\[*—–-])(?:n/a|not\s+applicable|skipped|won'?t\s+do|deferred|descoped|"
    r"cancell?ed|obsolete)[\s)\]*.]*$"
)
# The word a heading writes before an item's id: "Epic E4:", "Story E4.1:", "Requirement
# REQ-001:", "Feature F2:", "Use Case UC-3:" (a bare number after it is Kiro's or BMAD's).
_KIND_WORD = re.compile(
    r"(?i)^(?:(?P<story>(?:user\s+)?story|epic)|requirement|feature|use[\s-]case|capability)"
    r"\s*[:#]?\s+(?=[A-Z])"
)
# An id whose family says it is a story (or an epic, which holds stories).
STORY_FAMILY = re.compile(r"(?i)(?:(?:user-?)?story|epic)-\d|us-?\d")
# An id followed by what a report says of the item, not by the item's own text:
# "**NFR2 Compliance:** <100ms latency", "### TASK-9.10 Success Criteria".
_ABOUT_ITEM = re.compile(
    r"(?i)^\s+(?:compliance|success\s+criteria|acceptance\s+criteria|verification|"
    r"validation\s+results?|evidence|traceability|implementation\s+(?:notes?|status|summary))"
    r"\s*(?:[:：)\-–—|*]|$)"
)
# "FR-003 (see spec.md)", "FR-003: see the auth spec", "US1 → defined in spec.md":
# a pointer to a definition elsewhere.
_CROSS_REFERENCE = re.compile(
    r"(?i)^\(?\s*(?:see|cf\.?|refer\s+to|defined\s+in|as\s+defined|described\s+in|"
    r"→|->|=>)(?=\W)"
)
_RANGE = re.compile(r"^\s*(?:-|–|—|\.\.\.?|to|through|thru)\s*")


def _is_range(ident: str, rest: str, id_re: re.Pattern[str]) -> bool:
    """``T013-T020``, ``FR-001 – FR-005``, ``T10 to T14``: a range of ids, not one."""
    m = _RANGE.match(rest)
    if m is None:
        return False
    other = id_re.match(rest[m.end() :])
    return bool(other and other.group(0) and id_prefix(other.group(0)) == id_prefix(ident))


class Finder:
    """Finds the requirements of one file: ids, and the structured formats.

    Besides ids matching the configured pattern it knows Kiro requirement
    headings with their numbered SHALL criteria (``Requirement 2`` -> ``2.1``),
    spec-kit user stories (``User Story 1`` -> ``US1``), BMAD stories
    (``Story 1.3``), Kiro design properties (``Property 3``), task lines
    (``- [ ] T012 [US1] ...``, ``- [x] 2.1 ...``) and OpenFastTrace items
    (`` `req~login~1` ``). Tasks, properties and items carry the links they
    write (``_Requirements: 1.2_``, ``Validates: Requirements 2.1``, ``Covers:``).
    """

    def __init__(self, blocks: Blocks, id_re: re.Pattern[str], path: str = "") -> None:
        self.blocks = blocks
        self.id_re = id_re
        self.path = path
        self.ac_refs: list[tuple[Req, str, int]] = []  # task, "(AC: #1, #3)" text, line
        self.sections = SectionIndex(blocks.headings)
        self.found: list[Req] = []
        self.tasks: list[Req] = []
        self.first_line: dict[int, Line] = {}  # list item -> its first line
        self.first_line_at: dict[int, Line] = {}  # line number -> first line of an item
        for ln in blocks.lines:
            if ln.first_of_item and ln.item is not None:
                self.first_line[ln.item] = ln
                self.first_line_at[ln.line] = ln

    def run(self) -> list[Req]:
        for k, head in enumerate(self.blocks.headings):
            self._heading(k, head)
        for para_lines in paragraphs(self.blocks):
            self._paragraph(para_lines)
        self._task_links()
        self._criteria()
        self._section_criteria()
        self._ac_links()
        self._oft_items()
        self._drop_glossary_terms()
        for r in self.found:
            if (
                r.kind is ReqKind.REQUIREMENT
                and _KIRO_ID.match(r.id) is None
                and (
                    self._under(r.section, _OUTCOME_HEADING)
                    or (_SPEC_KIT_OUTCOME.match(r.id) and self.path.endswith("spec.md"))
                )
            ):
                r.kind = ReqKind.OUTCOME
            elif (
                r.kind is ReqKind.REQUIREMENT
                and _KIRO_ID.match(r.id) is None
                and self._under(r.section, _ASSUMPTION_HEADING)
            ):
                r.kind = ReqKind.ASSUMPTION
        return self.found

    def _under(self, section: int | None, pattern: re.Pattern[str]) -> bool:
        """Whether ``section`` or one of its ancestors has a title matching ``pattern``."""
        heads = self.blocks.headings
        while section is not None:
            if pattern.search(strip_number(heads[section].title)):
                return True
            section = heads[section].parent
        return False

    def _drop_glossary_terms(self) -> None:
        """An undashed id (``PBKDF2``) opening a list item is a term, not a requirement,
        when another item of the same list opens with a bold label that is no id:
        ``**Argon2**:``, ``**PBKDF2**:``, ``**Scrypt**:`` compare algorithms."""
        labels: dict[int, bool] = {}  # list -> holds a bold label that is not an id
        for ln in self.first_line.values():
            bold = (ln.lead_bold or "").strip().rstrip(":：").strip()
            if ln.item is not None and bold and not self.id_re.match(bold):
                labels[self.blocks.items[ln.item].group] = True
        drop: set[int] = set()
        for r in self.found:
            if r.kind is not ReqKind.REQUIREMENT or r.own_heading or "-" in r.id:
                continue
            first = self.first_line_at.get(r.line)
            item = first.item if first is not None else None
            if item is not None and labels.get(self.blocks.items[item].group):
                drop.add(id(r))
        self.found = [r for r in self.found if id(r) not in drop]

    def _add_heading(self, k: int, head: Heading, ident: str, kind: ReqKind, title: str) -> Req:
        body = body_text(self.blocks, head.line + 1, head.end)
        claimed = "✅" in head.title
        req = Req(ident, kind, title, body, head.line, head.line, head.end, k, True, claimed)
        self.found.append(req)
        return req

    def _heading(self, k: int, head: Heading) -> None:
        title = strip_number(head.title)
        kind = ReqKind.REQUIREMENT
        hit = _id_at_start(title, head.lead_bold, self.id_re, "heading")
        word = _KIND_WORD.match(title) if hit is None else None
        if hit is not None and STORY_FAMILY.match(hit.ident):
            kind = ReqKind.STORY  # "# STORY-005: File Upload", "## US-2: Search", "## EPIC-03"
        if word is not None:
            # "## Epic E4: Metrics", "### Requirement REQ-001: Login": the word says what
            # the id that follows it is
            hit = _id_at_start(title[word.end() :], None, self.id_re, "heading")
            if hit is not None and word["story"]:
                kind = ReqKind.STORY
        if hit and (_is_decision(hit.ident) or self._under(head.parent, _REFERENCE_HEADING)):
            return
        if hit:
            req = self._add_heading(k, head, hit.ident, kind, hit.rest or head.title)
            req.claimed = req.claimed or hit.checked
            return
        for pattern, kind, ident in _HEADING_FORMATS:
            m = pattern.match(title)
            if m and kind is ReqKind.STORY and self._under(head.parent, _AC_HEADING):
                return  # "### Story 1.1" grouping the acceptance criteria of a tech spec
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
            if hit and not _is_decision(hit.ident):
                hits.append((k, hit))
        if hits and self._under(self.sections.at(lines[0].line), _REFERENCE_HEADING):
            return
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
                Req(hit.ident, ReqKind.REQUIREMENT, title, text, ln.line, start, end,
                     self.sections.at(ln.line), False, claimed)
            )  # fmt: skip

    def _task(self, ln: Line) -> bool:
        """``- [ ] T012 [P] [US1] Create model`` / ``- [x] 2.1 Write migration`` /
        ``- [x] Task 1: Add model (AC: #1)`` (BMAD story files)."""
        m = _TASK.match(ln.plain)
        if m is None or ln.item is None:
            return False
        item = self.blocks.items[ln.item]
        markers = _TASK_MARKERS.match(m["rest"])
        title = m["rest"][markers.end() :].strip() if markers else m["rest"].strip()
        text = cap("\n".join([title, body_text(self.blocks, ln.line + 1, item.end)]))
        # a ticked task its title marks as not done ("- [x] Task 2: Configure RLS - **N/A**")
        done = m["mark"] in "xX" and not _NOT_DONE.search(title)
        req = Req(m["id"], ReqKind.TASK, title, text, ln.line, item.start, item.end,
                   self.sections.at(ln.line), False, done)  # fmt: skip
        if markers:
            for story in _STORY_MARKER.finditer(markers.group(0)):
                target = RefTarget(RefKind.ID, story["id"], None, story.group(0), hint="story")
                req.links.append((target, "story", ln.line))
        self._refs(req, ln.line, title)
        for ac in _AC_REF.finditer(title):
            self.ac_refs.append((req, ac["list"], ln.line))
        self.found.append(req)
        self.tasks.append(req)
        return True

    def _ac_links(self) -> None:
        """BMAD ``(AC: #1, #3)`` on a task: links to this file's criteria 1 and 3.

        ``#1`` is the criterion numbered 1 of the file (``1``, or ``1.2.1`` in the
        story file of Story 1.2); it links only when exactly one criterion of the
        file has that number. ``(AC: 1.2.1)`` names the criterion in full.
        """
        by_number: dict[str, list[str]] = {}
        for r in self.found:
            if r.kind is ReqKind.CRITERION:
                by_number.setdefault(r.id.rsplit(".", 1)[-1], []).append(r.id)
        for task, listed, line in self.ac_refs:
            for number in _ac_numbers(listed):
                ids = [number] if "." in number else by_number.get(number, [])
                if len(ids) == 1:
                    target = RefTarget(RefKind.ID, ids[0], self.path or None, f"AC #{number}",
                                       hint="criterion")  # fmt: skip
                    task.links.append((target, "implements", line))
        # A task with no id of its own (BMAD's "- [x] **Backend - API Endpoint:** Implement
        # GET /x (AC: #1)") is no item, but it says which criterion it does: kept with that
        # criterion when it names one only.
        criteria = {r.id: r for r in self.found if r.kind is ReqKind.CRITERION}
        task_lines = {t.line for t in self.tasks}
        for ln in self.first_line.values():
            if ln.item is None or ln.line in task_lines or not _CHECKED_LINE.match(ln.plain):
                continue
            m = _AC_REF.search(ln.plain)
            if m is None:
                continue
            numbers = _ac_numbers(m["list"])
            if len(numbers) != 1:
                continue  # a task of several criteria says of none which part it does
            ids = [numbers[0]] if "." in numbers[0] else by_number.get(numbers[0], [])
            crit = criteria.get(ids[0]) if len(ids) == 1 else None
            if crit is None:
                continue
            item = self.blocks.items[ln.item]
            title = _CHECKED_LINE.sub("", ln.plain, count=1).strip()
            crit.tasks.append((title, item.start, item.end))

    def _task_links(self) -> None:
        """Each line below a task links for the innermost task holding it (subtasks apart)."""
        owner = paint([(t.start, t.end) for t in self.tasks], self.blocks.n_lines)
        for task in self.tasks:
            for line in range(task.line + 1, task.end + 1):
                if owner[line] >= 0 and self.tasks[owner[line]] is task:
                    self._refs(task, line, self.blocks.plain.get(line, ""))

    def _refs(self, req: Req, line: int, text: str, explicit_only: bool = False) -> None:
        """References written on one of a requirement's lines become its links."""
        if not text.strip():
            return
        validates = bool(_VALIDATES.search(text))
        for ref in extract_refs(text, self.id_re):
            if explicit_only and not ref.explicit:
                continue
            if ref.target.value == req.id and ref.target.hint in (None, _KIND_HINT[req.kind]):
                continue  # the item's own id; "_Requirements: 4.1_" under task 4.1 is not
            if _DEPENDS.search(text[: ref.column]):
                relation = "depends"
            elif validates:
                relation = "validates"
            else:
                relation = "implements" if ref.explicit else "cites"
            req.links.append((ref.target, relation, line))

    def _criteria(self) -> None:
        """Kiro: the numbered SHALL list of ``Requirement N`` gives criteria ``N.1``, ``N.2``."""
        owners: list[tuple[Req, str]] = []
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
                Req(f"{number}.{item.number}", ReqKind.CRITERION, collapse(ln.plain), text,
                     ln.line, item.start, item.end, self.sections.at(ln.line), False,
                     "✅" in ln.plain)
            )  # fmt: skip

    def _section_criteria(self) -> None:
        """Numbered items of an "Acceptance Criteria" section are criteria.

        The owner is the nearest ``Requirement N`` or ``Story X.Y`` heading
        holding the section (itself included): BMAD tech specs group criteria
        as ``## Acceptance Criteria`` > ``### Story 1.1`` > ``1. ...`` (``1.1.1``),
        Kiro criteria without SHALL get ``N.M``. Items of one ownerless section
        (a BMAD story file) are ``1``, ``2`` ...; when several ownerless
        sections would repeat those numbers, none is taken.
        """
        heads = self.blocks.headings
        taken = {r.line for r in self.found}
        found: dict[int | None, list[tuple[str, Line, int]]] = {}  # owner heading -> items
        lists: dict[tuple[int | None, int | None], set[int]] = {}  # (owner, section) -> lists
        skipped: set[int] = set()
        for k, item in enumerate(self.blocks.items):
            ln = self.first_line.get(k)
            if ln is None or item.number is None or item.parent is not None or ln.line in taken:
                continue
            sec = self.sections.at(ln.line)
            if not self._under(sec, _AC_HEADING):
                continue
            owner: int | None = None
            number = ""
            walk = sec
            while walk is not None:
                title = strip_number(heads[walk].title)
                m = _STORY_OWNER.match(title) or _KIRO_OWNER.match(title)
                if m:
                    owner, number = walk, m["num"]
                    break
                walk = heads[walk].parent
            ident = f"{number}.{item.number}" if number else item.number
            group = found.setdefault(owner, [])
            section = (owner, self._ac_section(ln.line))
            if item.group not in lists.get(section, set()) and any(
                i == ident and (owner, self._ac_section(x.line)) == section for i, x, _ in group
            ):
                # A later list of the same section that numbers again from 1 (the steps
                # of a criterion, an example) lists something else: no twin criteria.
                skipped.add(item.group)
            if item.group in skipped:
                continue
            lists.setdefault(section, set()).add(item.group)
            group.append((ident, ln, k))
        ownerless = {self._ac_section(ln.line) for _, ln, _ in found.get(None, [])}
        if len(ownerless) > 1:
            found.pop(None)
        for group in found.values():
            for ident, ln, k in group:
                item = self.blocks.items[k]
                text = cap(body_text(self.blocks, item.start, item.end))
                self.found.append(
                    Req(ident, ReqKind.CRITERION, collapse(ln.plain), text, ln.line, item.start,
                        item.end, self.sections.at(ln.line), False, "✅" in ln.plain)
                )  # fmt: skip

    def _ac_section(self, line: int) -> int | None:
        sec = self.sections.at(line)
        while sec is not None and not _AC_HEADING.search(
            strip_number(self.blocks.headings[sec].title)
        ):
            sec = self.blocks.headings[sec].parent
        return sec

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
            req = Req(ident, ReqKind.ITEM, title, text, ln.line, ln.line, end, sec, False, False)
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


# What refs calls each kind of item (RefTarget.hint).
_KIND_HINT = {
    ReqKind.REQUIREMENT: "requirement", ReqKind.CRITERION: "criterion", ReqKind.TASK: "task",
    ReqKind.STORY: "story", ReqKind.PROPERTY: "property", ReqKind.ITEM: "oft",
    ReqKind.SECTION: "section", ReqKind.OUTCOME: "outcome", ReqKind.ASSUMPTION: "assumption",
}  # fmt: skip
_CHECKED_LINE = re.compile(r"^\s*\[[ xX]\]\s*")
_TASK = re.compile(
    # A bare whole number is a task number only when a "." or ":" closes it ("1. Set
    # up", "2.1 Write"): "- [ ] 1000 concurrent students" is a checklist target.
    r"^\s*\[(?P<mark>[ xX])\]\s*\*?\s*"
    r"(?P<open>\[)?(?P<id>T\d{2,}[a-z]?|\d+(?:\.\d+)+|\d+(?=\.\s|:|\])|Task\s+\d+(?:\.\d+)*)"
    r"(?(open)\])"
    r"(?:\.(?=\s)|:)?"
    r"\s+(?P<rest>\S.*)$"
)
# BMAD story tasks: "(AC: #1, #3)", "(AC #1–#3)", "(AC: 1.1.1)".
_AC_REF = re.compile(
    r"\(\s*ACs?\s*:?\s*(?P<list>#?\d+(?:\.\d+)*(?:\s*(?:,|;|and|&|[-–—])\s*#?\d+(?:\.\d+)*)*)\s*\)"
)
_TASK_MARKERS = re.compile(r"^\s*(?:\[[^\]\s]{1,12}\]\s*)+")
_STORY_MARKER = re.compile(r"\[(?P<id>US\d+[a-z]?|Story\s*\d+(?:\.\d+)*[a-z]?)\]")
_VALIDATES = re.compile(r"(?i)\bvalidates?\b")
# "(depends on T012, T013)", "_Depends: 1.2_", "blocked by T3": an order, not an implementation.
_DEPENDS = re.compile(r"(?i)\b(?:depends?(?:\s+on)?|blocked\s+by|after)\s*:?\s*_?[^()]*$")
_SHALL = re.compile(r"(?i)\b(?:shall|must)\b")
_KIRO_WORDS = (
    r"requirements?|req|anforderung|exigence|requisito|requerimiento|需求|要求|要件|요구사항"
)
# "Requirement 10a" is a requirement of its own, next to "Requirement 10" (its criteria are
# 10a.1, 10a.2), as "Story 2.1a" is a story of its own
_KIRO_ID = re.compile(rf"^(?:{_KIRO_WORDS})\s*(?P<num>\d+{SUFFIX}?)$", re.IGNORECASE)
_KIRO_OWNER = re.compile(rf"^(?:{_KIRO_WORDS})\s*(?P<num>\d+{SUFFIX}?)(?![\d.a-z])", re.IGNORECASE)
_STORY_OWNER = re.compile(rf"^Story\s+(?P<num>\d+(?:\.\d+)+{SUFFIX}?)(?![\d.a-z])")
_AC_HEADING = re.compile(
    r"(?i)^(?:acceptance\s+criteria|驗收標準|验收标准|受け入れ基準|인수\s*기준|"
    r"akzeptanzkriterien|crit[èe]res\s+d'acceptation|criterios\s+de\s+aceptaci[óo]n)\b"
)
# Sections that list ids defined elsewhere: "Functional Requirements Inventory",
# "FR Coverage Map", "Requirements Traceability Matrix". An inventory of ids is named by
# what it lists; "Feature Specification: Inventory API" is a product's inventory.
_REFERENCE_HEADING = re.compile(
    r"(?i)\b(?:(?:requirements?|reqs?|frs?|nfrs?|stor(?:y|ies)|acs?|criteria|ids?|items?|"
    r"tasks?|features?)\s+inventory|inventory\s+of\s+(?:requirements?|stories|ids|items|"
    r"tasks|features)|^inventory$|traceability|coverage\s+(?:map|matrix|table|summary)|"
    r"(?:requirements?|fr|story|ac)\s+coverage)\b"
)
# spec-kit "## Success Criteria" > "### Measurable Outcomes": outcomes, not features (and
# the same headings as spec-kit writes them in other languages: "## 成功基準", "### 測定可能な
# 成果", "## 成功标准", "## 성공 기준", "## Критерии успеха", "## Criterios de éxito").
_OUTCOME_HEADING = re.compile(
    r"(?i)^(?:success\s+criteria|measurable\s+outcomes?|success\s+metrics|outcomes)\b|"
    r"^(?:成功基準|成功標準|成功标准|成功指標|成功指标|測定可能な成果|可衡量的成果|可衡量成果|"
    r"성공\s*기준|측정\s*가능한\s*결과|критерии\s+успеха|измеримые\s+результаты|"
    r"criterios\s+de\s+[ée]xito|resultados\s+medibles|crit[èe]res\s+de\s+succ[èe]s|"
    r"erfolgskriterien|messbare\s+ergebnisse|критерії\s+успіху|вимірювані\s+результати|"
    r"crit[ée]rios\s+de\s+sucesso|resultados\s+mensur[áa]veis|criteri\s+di\s+successo|"
    r"risultati\s+misurabili)"
)
# spec-kit's template numbers its success criteria SC-001 under that heading: in a
# feature's spec.md the id says it, whatever language the heading is written in.
_SPEC_KIT_OUTCOME = re.compile(r"^SC-\d{3}[a-z]?$")
# spec-kit "## Assumptions", "## Dependencies": they frame the work; nothing implements
# an assumption ("A-006: No pagination is required") or a dependency ("D-003: Python 3.11+
# runtime"). Constraints stay requirements: "C-009: Must enforce user_id matching" is one.
_ASSUMPTION_HEADING = re.compile(
    r"(?i)^(?:(?:key\s+)?assumptions?|(?:external\s+)?dependencies|"
    r"assumptions\s+(?:and|&)\s+dependencies)\b"
)
# Architecture decision records (AD-001, ADR-7) are decisions, not requirements.
_DECISION_PREFIXES = frozenset({"AD", "ADR", "DEC", "DR"})


def _is_decision(ident: str) -> bool:
    return id_prefix(ident).rstrip("-") in _DECISION_PREFIXES


_OFT_ITEM = re.compile(r"^\s*[a-z]+~[A-Za-z0-9_.-]+~\d+\s*$")
_OFT_KEYWORD = re.compile(r"^\s*(?P<word>Needs|Covers|Depends|Status|Rationale|Comment|Tags)\s*:")


def _named(word: str) -> Callable[[re.Match[str]], str]:
    return lambda m: f"{word} {m['num']}"


_TITLE = r"(?:\s*[:：.\-–—]\s*|\s+)?(?P<title>.*)$"
# (pattern on the number-stripped heading title, kind, id of the match)
_HEADING_FORMATS: tuple[tuple[re.Pattern[str], ReqKind, Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(
            rf"^(?P<word>{_KIRO_WORDS})\s*(?P<num>\d+{SUFFIX}?)(?![\d.a-z]){_TITLE}", re.IGNORECASE
        ),
        ReqKind.REQUIREMENT,
        lambda m: f"{m['word']} {m['num']}",
    ),
    (
        re.compile(rf"^User\s+Story\s+(?P<num>\d+{SUFFIX}?)(?![\d.a-z]){_TITLE}", re.IGNORECASE),
        ReqKind.STORY,
        lambda m: f"US{m['num']}",
    ),
    (
        # "Story 3.2: RSSI Gradient", or under its epic's name: "Epic 3: Precision Homing -
        # Story 3.2: RSSI Gradient"
        re.compile(
            rf"^(?:Epic\s+\d+\b[^\n]*?\s[-–—|]\s+)?Story\s+(?P<num>\d+(?:\.\d+)+{SUFFIX}?){_TITLE}"
        ),
        ReqKind.STORY,
        _named("Story"),
    ),
    (
        re.compile(rf"^Property\s+(?P<num>\d+)(?![\d.]){_TITLE}"),
        ReqKind.PROPERTY,
        _named("Property"),
    ),
)


def table_ids(blocks: Blocks, id_re: re.Pattern[str]) -> set[str]:
    """Ids that open a table row (``| CV-E2E-003 | E2E | P0 | Extracted skills … |``): a
    test design's cases, a risk register's risks. They are known ids (a reference to one
    is not dangling) whether or not the table defines requirements."""
    out: set[str] = set()
    for table in blocks.tables:
        for _, cells in table.rows:
            first = cells[0].strip(" *`_") if cells else ""
            if id_re.fullmatch(first):
                out.add(first)
    return out


def find_requirements(blocks: Blocks, id_re: re.Pattern[str], path: str = "") -> list[Req]:
    """Every requirement, story, task, property and item one file (``path``) defines."""
    return Finder(blocks, id_re, path).run()


def _ac_numbers(listed: str) -> list[str]:
    """``#1, #3`` -> 1, 3; ``#1–#3`` -> 1, 2, 3; ``1.2.1`` stays whole."""
    out: list[str] = []
    for part in re.split(r"\s*(?:,|;|\band\b|&)\s*", listed):
        span = re.fullmatch(r"#?(\d+)\s*[-–—]\s*#?(\d+)", part.strip())
        if span and int(span[1]) < int(span[2]) <= int(span[1]) + 50:
            out.extend(str(n) for n in range(int(span[1]), int(span[2]) + 1))
            continue
        single = re.fullmatch(r"#?(\d+(?:\.\d+)*)", part.strip())
        if single:
            out.append(single[1])
    return list(dict.fromkeys(out))
