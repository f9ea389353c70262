"""Reference resolution: what ``FR-003``, ``billing.md#refund-window`` or ``§Refund`` mean.

:class:`SpecIndex` indexes every spec file, section and requirement once, and turns
a reference's :class:`~traceaudit.model.RefTarget` into graph nodes: resolved,
ambiguous (several specs define it), dangling (nothing does, with the nearest real
id or anchor as a suggestion) or ignored.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath

from traceaudit.model import RefKind, RefTarget, ReqKind, Requirement, Section, SpecDoc
from traceaudit.refs import id_prefix


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a reference resolved to."""

    status: str  # "ok", "dangling", "ambiguous", "ignored" (known, but not an item)
    nodes: tuple[str, ...] = ()  # graph nodes (req:..., sec:..., spec:...)
    candidates: tuple[str, ...] = ()  # for ambiguous: the candidate keys
    suggestion: str | None = None  # for dangling: the nearest real id or anchor
    parts: tuple[str, ...] = ()  # for dangling: the lettered parts the id was split into


# "Requirement 3" or a localised "需求 3" (Kiro numbers requirements, not ids).
_NAMED_REQUIREMENT = r"(?:Requirement\s+|[^\x00-\x7F]+\s*)"


# A story's own file is named by its number: "5.3_Story.md", "5.3.story.md", and in BMAD's
# later layout "6-1-config-init-service.md"; a dated note ("2025-01-release-notes.md") is none.
_STORY_FILE = re.compile(r"(?P<a>\d{1,3})[.-](?P<b>\d{1,3})[._-](?!\d)")
# A part of a story written after the story's number, or a bare step label: "AC5.3.4",
# "TASK-5.6.8c", "6.1.16a" (from "Task 6.1.16a"), "16c" (from "Task 16c").
_STORY_PART = re.compile(
    r"(?P<family>[A-Za-z]{1,8}-?)?(?:(?P<story>\d+\.\d+)\.)?(?P<local>\d+[a-z]?(?:-\d+)?)"
)

# What a reference calls the item narrows down which kind of item it means.
_HINT_KINDS = {
    "requirement": (ReqKind.CRITERION, ReqKind.REQUIREMENT),
    "task": (ReqKind.TASK,),
    "story": (ReqKind.STORY,),
    "property": (ReqKind.PROPERTY,),
}


def _norm_title(text: str) -> str:
    text = re.sub(r"^\s*\d+(?:\.\d+)*\.?\s+", "", text)
    return re.sub(r"\s+", " ", re.sub(r"[*_`]", "", text)).strip().lower()


@dataclass
class SpecIndex:
    """Look-ups over every parsed spec."""

    docs: Sequence[SpecDoc]
    by_key: dict[str, Requirement] = field(default_factory=dict)
    by_id: dict[str, list[Requirement]] = field(default_factory=lambda: defaultdict(list))
    sections: dict[tuple[str, str], Section] = field(default_factory=dict)
    section_req: dict[tuple[str, str], Requirement] = field(default_factory=dict)
    prefixes: set[str] = field(default_factory=set)
    mentioned: set[str] = field(default_factory=set)  # ids only reports and notes name
    # Built once, so that resolving a reference never scans every id, section or title:
    by_family: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    named_ids: list[str] = field(default_factory=list)  # "Requirement 3", "需求 3", sorted
    by_number: dict[str, list[tuple[str, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )  # section number -> (path, anchor), sorted
    titles: list[tuple[str, str, str]] = field(default_factory=list)  # (path, anchor, title)
    # a step label ("16c") -> the (spec file, key) of each item it is a step of
    labels: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    # a story's number ("5.3") -> the spec files that are that story's own
    stories: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    _pools: dict[tuple[object, ...], list[str]] = field(default_factory=dict)  # computed once
    _near: dict[tuple[object, ...], str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for doc in self.docs:
            self.mentioned.update(doc.mentioned_ids)
            for sec in doc.sections:
                self.sections[(doc.path, sec.anchor)] = sec
            for req in doc.requirements:
                self.by_key[req.key] = req
                self.by_id[req.id].append(req)
                if req.kind is not ReqKind.SECTION:
                    self.prefixes.add(id_prefix(req.id))
                heading = self.sections.get((doc.path, req.anchor))
                if heading is not None and heading.location.line == req.location.line:
                    self.section_req[(doc.path, req.anchor)] = req
        for doc in self.docs:
            for label, key in doc.step_labels:
                if key in self.by_key:
                    self.labels[label].append((doc.path, key))
            story = _STORY_FILE.match(PurePosixPath(doc.path).name)
            numbers = {r.id[len("Story ") :] for r in doc.requirements if r.id.startswith("Story ")}
            numbers = {n for n in numbers if re.fullmatch(r"\d+\.\d+", n)}
            if story is not None:
                numbers.add(f"{story['a']}.{story['b']}")
            for number in sorted(numbers):
                self.stories[number].append(doc.path)
        for ident in self.by_id:
            self.by_family[id_prefix(ident)].append(ident)
        named = re.compile(_NAMED_REQUIREMENT + r"\d+")
        self.named_ids = sorted(i for i in self.by_id if named.fullmatch(i))
        for (path, anchor), sec in sorted(self.sections.items()):
            if sec.number is not None:
                self.by_number[sec.number].append((path, anchor))
            have = _norm_title(sec.title)
            if have:
                self.titles.append((path, anchor, have))
        self._paths = [d.path for d in self.docs]

    def _close(self, word: str, pool: Sequence[str], cutoff: float) -> str | None:
        """difflib's nearest match, computed once per word and pool."""
        key = (word, tuple(pool), cutoff)
        if key not in self._near:
            self._near[key] = closest(word, pool, cutoff)
        return self._near[key]

    @property
    def spec_paths(self) -> list[str]:
        return list(self._paths)

    def files_matching(self, written: str) -> list[str]:
        """Spec files that a path written in a reference can mean (suffix match)."""
        key = ("files", written)
        if key not in self._pools:
            parts = [p for p in PurePosixPath(written).parts if p not in {".", ".."}]
            tail = "/".join(parts)
            hits = [p for p in self._paths if p == tail or p.endswith("/" + tail)] if parts else []
            if not hits and parts:
                # "Requirements.md" in a docstring names the kind of file requirements.md is
                # (the spelling of a heading or a title), not a missing file.
                low = tail.lower()
                hits = [p for p in self._paths if (q := p.lower()) == low or q.endswith("/" + low)]
            self._pools[key] = hits
        return list(self._pools[key])

    def files_for_feature(self, word: str) -> list[str]:
        """Spec files in a feature folder named by ``word`` (``orders`` -> specs/001-orders/),
        or numbered so (``018`` -> specs/018-platform-rearchitecture/: "# 018 US3")."""
        word = word.lower()
        key = ("feature", word)
        if key not in self._pools:  # once per word: a project cites the same few features
            hits = []
            number = re.fullmatch(r"\d{2,4}", word) is not None
            for path in self._paths:
                folders = [f.lower() for f in PurePosixPath(path).parts[:-1]]
                if any(
                    f == word or re.fullmatch(rf"\d+[-_]{re.escape(word)}", f)
                    or (number and re.match(rf"{word}[-_]", f) is not None)
                    for f in folders
                ):
                    hits.append(path)
            self._pools[key] = hits
        return list(self._pools[key])

    def resolve(self, target: RefTarget, context: Sequence[str] = ()) -> Resolution:
        """Resolve a reference; ``context`` lists spec files named nearby."""
        if target.hint == "feature":
            files = self.files_for_feature(target.value)
            if not files:
                return Resolution("ignored")  # "Feature:" may just be prose
            return Resolution("ok", tuple(f"spec:{p}" for p in files))
        scope: list[str] | None = None
        if target.spec is not None:
            scope = self.files_matching(target.spec)
            if not scope:
                names = [PurePosixPath(p).name for p in self._paths]
                near = self._close(PurePosixPath(target.spec).name, names, 0.6)
                return Resolution("dangling", suggestion=near)
        if target.kind is RefKind.FILE:
            assert scope is not None
            if len(scope) > 1 and "/" not in target.spec.strip("./"):  # type: ignore[union-attr]
                # "data-model.md", "tasks.md" alone name a kind of file that every feature
                # has, not one file: a citation needs its folder, an id or a section.
                return Resolution("ignored")
            return self._pick([f"spec:{p}" for p in scope], scope)
        if target.kind is RefKind.ANCHOR:
            return self._resolve_anchor(target.value, scope or self.spec_paths)
        if target.kind is RefKind.TITLE:
            return self._resolve_title(target.value, scope, context)
        if target.kind is RefKind.NUMBER:
            numbered = self.by_number.get(target.value, [])
            inside = set(scope or self._paths)
            nodes = [self._section_node(p, a) for p, a in numbered if p in inside]
            return self._narrow(nodes, context, target) if nodes else Resolution("dangling")
        return self._resolve_id(target, scope, context)

    def _section_node(self, path: str, anchor: str) -> str:
        req = self.section_req.get((path, anchor))
        return f"req:{req.key}" if req is not None else f"sec:{path}#{anchor}"

    def _pick(self, nodes: list[str], files: Sequence[str]) -> Resolution:
        if len(nodes) == 1:
            return Resolution("ok", (nodes[0],))
        return Resolution("ambiguous", candidates=tuple(sorted(files)))

    def _resolve_anchor(self, anchor: str, files: Sequence[str]) -> Resolution:
        nodes = [self._section_node(p, anchor) for p in files if (p, anchor) in self.sections]
        if len(nodes) == 1:
            return Resolution("ok", (nodes[0],))
        if nodes:
            return Resolution(
                "ambiguous", candidates=tuple(sorted(n.split(":", 1)[1] for n in nodes))
            )
        key = ("anchors", tuple(files))
        if key not in self._pools:
            within = set(files)
            self._pools[key] = sorted({a for (p, a) in self.sections if p in within})
        anchors = self._pools[key]
        near = self._close(anchor, anchors, 0.6)
        return Resolution("dangling", suggestion=f"#{near}" if near else None)

    def _resolve_title(
        self, title: str, scope: list[str] | None, context: Sequence[str]
    ) -> Resolution:
        want = _norm_title(title)
        files = scope or self._paths
        within = set(files)
        exact: list[str] = []
        prefix: list[tuple[int, str]] = []
        opening: list[str] = []  # headings the cited words open: "§C2" and "## C2 — Promote"
        for path, anchor, have in self.titles:
            if path not in within:
                continue
            if have == want:
                exact.append(self._section_node(path, anchor))
            elif want.startswith(have + " "):
                prefix.append((len(have), self._section_node(path, anchor)))
            elif have.startswith(want + " "):
                opening.append(self._section_node(path, anchor))
        nodes = exact
        if not nodes and prefix:
            longest = max(n for n, _ in prefix)
            nodes = [node for n, node in prefix if n == longest]
        if not nodes and len(opening) == 1:
            # the one heading whose title the citation writes the start of ("§Ledger" for
            # "## Ledger and apply algorithm"); several are no evidence
            nodes = opening
        if nodes:
            return self._narrow(nodes, context, None)
        key = ("titles", tuple(files))
        if key not in self._pools:
            self._pools[key] = sorted(
                {s.title for (p, _), s in self.sections.items() if p in within}
            )
        titles = self._pools[key]
        near = self._close(title, titles, 0.6)
        return Resolution("dangling", suggestion=f"§{near}" if near else None)

    def _resolve_id(
        self, target: RefTarget, scope: list[str] | None, context: Sequence[str]
    ) -> Resolution:
        reqs = [
            r for r in self._same_id(target.value) if scope is None or r.spec_path in scope
        ]
        story = (target.qualifier or "").partition("story:")[2]
        if story:
            # "Task 2" in a text that names one story: the Task 2 of that story's own file
            files = set(self.stories.get(story, ()))
            own = [r for r in self.by_id.get(f"Task {target.value}", ()) if r.spec_path in files]
            if len(own) == 1:
                return Resolution("ok", (f"req:{own[0].key}",))
        numbered = re.fullmatch(_NAMED_REQUIREMENT + r"(\d+)", target.value)
        if target.hint == "requirement" and numbered:
            # "Requirement 3" also names a localised heading ("需求 3") and vice versa.
            same = re.compile(_NAMED_REQUIREMENT + re.escape(numbered[1]))
            reqs += [
                r
                for ident in self.named_ids
                if ident != target.value and same.fullmatch(ident)
                for r in self.by_id[ident]
                if r.kind is ReqKind.REQUIREMENT and (scope is None or r.spec_path in scope)
            ]
        wanted = _HINT_KINDS.get(target.hint or "")
        if wanted:
            reqs = [r for r in reqs if r.kind in wanted] or reqs
        if not reqs and target.value in self.mentioned and not self.by_id.get(target.value):
            return Resolution("ignored")  # a test case or issue id a report names: known
        if not reqs and target.hint == "task" and target.value.isdigit() and not story:
            # "Task 3" in a text that names no story: the stories number their tasks alike,
            # so it names a known task of one of them; nearby spec files may settle which,
            # and otherwise it is a known step, not a gap (as a bare step label is)
            steps = [
                f"req:{r.key}" for r in self.by_id.get(f"Task {target.value}", ())
                if scope is None or r.spec_path in scope
            ]  # fmt: skip
            if steps:
                found = self._narrow(steps, context, target)
                return found if found.status == "ok" else Resolution("ignored")
        if not reqs:
            part = self._part_of_story(target, scope, context)
            if part is not None:
                return part
            titled = self._titled(target, scope, context)
            if titled is not None:
                return titled
            key = ("family", id_prefix(target.value), None if scope is None else tuple(scope))
            if key not in self._pools:
                self._pools[key] = sorted(
                    i
                    for i in self.by_family.get(id_prefix(target.value), ())
                    if scope is None or any(r.spec_path in scope for r in self.by_id[i])
                )
            same_family = self._pools[key]
            # "Story 2.1" when the spec has only Story 2.1a, 2.1b, 2.1c: no part is meant
            # more than another, so the citation matches none of them (and names them).
            parts = tuple(
                i for i in same_family if len(i) == len(target.value) + 1
                and i.startswith(target.value) and i[-1].islower() and i[-2].isdigit()
            )
            if parts:
                return Resolution("dangling", parts=parts)
            return Resolution("dangling", suggestion=self._close(target.value, same_family, 0.5))
        nodes = [f"req:{r.key}" for r in reqs]
        if len(nodes) == 1:
            return Resolution("ok", tuple(nodes))
        if target.qualifier:
            feature = set(self.files_for_feature(target.qualifier))
            narrowed = [f"req:{r.key}" for r in reqs if r.spec_path in feature]
            if len(narrowed) == 1:
                return Resolution("ok", tuple(narrowed))
        return self._narrow(nodes, context, target)

    def _titled(
        self, target: RefTarget, scope: list[str] | None, context: Sequence[str]
    ) -> Resolution | None:
        """"Implements research.md Task 2": the spec file the citation names (or its text
        names) has no item of that id, but one of its headings says it ("## Research Task 2:
        RAG Pipeline"): the citation names that section."""
        files = scope if scope is not None else [
            p for written in context for p in self.files_matching(written)
        ]  # fmt: skip
        if not files:
            return None
        phrase = _norm_title(target.text or target.value)
        want = re.compile(rf"(?<![\w.-]){re.escape(phrase)}(?![\w.-])")
        within = set(files)
        titled = [
            self._section_node(path, anchor)
            for path, anchor, have in self.titles
            if path in within and want.search(have)
        ]
        return Resolution("ok", (titled[0],)) if len(titled) == 1 else None

    def _same_id(self, ident: str) -> list[Requirement]:
        """The items with this id, or with the same id written another way the specs do not
        use themselves: "US5" and "US-5" (and so "User Story 5") are one id; "TASK-6.2.1.3" is
        SUBTASK-6.2.1.3 when only the subtask exists."""
        found = self.by_id.get(ident, [])
        if found:
            return found
        m = re.fullmatch(r"([A-Z]{1,6})(-?)(\d+[a-z]?)", ident)
        if m is not None:
            return self.by_id.get(f"{m[1]}{'' if m[2] else '-'}{m[3]}", [])
        if re.fullmatch(r"TASK-\d+(?:\.\d+)+[a-z]?", ident):
            return self.by_id.get(f"SUB{ident}", [])
        return []

    def _part_of_story(
        self, target: RefTarget, scope: list[str] | None, context: Sequence[str]
    ) -> Resolution | None:
        """An id no spec defines, that names a part of a story as its stories number their
        parts: a step by its label, bare ("Task 16c") or after its story's number ("Task
        6.1.16a", "TASK-5.6.8c"), or a story's criterion after its number ("AC5.3.4" is
        story 5.3's AC4). It resolves to the step's item, or the criterion; a label that
        several items use and nothing nearby settles names a known step, not a gap."""
        m = _STORY_PART.fullmatch(target.value)
        if m is None:
            return None
        family, story, local = (m["family"] or "").rstrip("-"), m["story"], m["local"]
        if story is None and not (target.hint == "task" and not family):
            return None  # a bare label is a step only where the words call it a task
        files = self.stories.get(story, []) if story is not None else self._paths
        if scope is not None:
            files = [f for f in files if f in scope]
        if not files:
            return None
        within = set(files)
        nodes: list[str] = []
        if story is not None and family.upper() not in ("", "TASK", "STEP"):
            nodes = [
                f"req:{r.key}"
                for ident in (f"{family}{local}", f"{family}-{local}")
                for r in self.by_id.get(ident, ())
                if r.spec_path in within
            ]
        if not nodes and re.fullmatch(r"\d+[a-z](?:-\d+)?", local):
            steps = self.labels.get(local, ())
            nodes = sorted({f"req:{key}" for path, key in steps if path in within})
        if not nodes:
            return None
        found = self._narrow(nodes, context, target)
        return found if found.status == "ok" else Resolution("ignored")

    def _narrow(
        self, nodes: list[str], context: Sequence[str], target: RefTarget | None
    ) -> Resolution:
        """Settle several candidates by the spec files named nearby, else ambiguous."""
        if len(nodes) == 1:
            return Resolution("ok", tuple(nodes))
        if context:
            named = set(context)
            near = [n for n in nodes if node_spec(n) in named]
            if not near:
                folders = {_parent(c) for c in context}
                near = [n for n in nodes if _parent(node_spec(n)) in folders]
            if len(near) == 1:
                return Resolution("ok", (near[0],))
        return Resolution("ambiguous", candidates=tuple(sorted(nodes)))

    def is_reference_family(self, target: RefTarget) -> bool:
        """Whether a bare id belongs to an id family the specs use (``FR-``, ``T``)."""
        return id_prefix(target.value) in self.prefixes


def closest(word: str, pool: Sequence[str], cutoff: float) -> str | None:
    """``difflib.get_close_matches(word, pool, n=1, cutoff=cutoff)``'s one match, or None.

    The same answer (the highest ratio, the greatest string among equal ratios), found
    without the full ratio of every candidate: a candidate whose cheap upper bounds
    (``real_quick_ratio``, ``quick_ratio``) are below the best ratio so far cannot win.
    """
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    best: tuple[float, str] | None = None
    floor = cutoff
    for x in pool:
        matcher.set_seq1(x)
        if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
            continue
        score = matcher.ratio()
        if score < floor:
            continue
        if best is None or (score, x) > best:
            best = (score, x)
            floor = max(cutoff, score)
    return None if best is None else best[1]


@lru_cache(maxsize=1 << 16)
def _parent(path: str) -> str:
    """``str(PurePosixPath(path).parent)``, computed once per path (a project's spec files
    are few; their candidates many)."""
    return str(PurePosixPath(path).parent)


def node_spec(node: str) -> str:
    """The spec file of a req:/sec:/spec: node."""
    body = node.split(":", 1)[1]
    if node.startswith("req:"):
        return body.split("::", 1)[0].split("#", 1)[0]
    if node.startswith("sec:"):
        return body.split("#", 1)[0]
    return body
