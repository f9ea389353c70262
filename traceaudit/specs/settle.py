"""One story, several files: where a story is defined, and where it is only restated.

BMAD writes a story twice on purpose: the epic (or PRD) lists ``### Story 5.7:
Enhanced Scoring`` with a few lines, and the story file ``stories/5.7.story.md``
opens with ``# Story 5.7: Implement Enhanced Scoring`` and holds its acceptance
criteria and tasks. Agents also copy a story file into a second folder. A reader
sees one story: the same number *with the same title* is the same story, defined
by the file that is about it. Only the same number with different titles is a
real ambiguity (``Story 5.3: Database Schema Update`` in one epic and ``Story 5.3:
Conversation List`` in another), and it stays one.

:func:`settle_definitions` works on the parsed files of the whole project (the
per-file parser cannot see the other files): for each such group it keeps the
definition of the story's own file (the story is the file's first heading; then
the one with more acceptance criteria and tasks; then the first path) and turns
the others into mentions, together with the items they hold that the kept story
defines too.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from traceaudit.model import RefKind, RefTarget, ReqKind, Requirement, SpecDoc, SpecLink
from traceaudit.specs.formats import STORY_FAMILY

__all__ = ["settle_definitions", "similar_texts"]

_WORDS = re.compile(r"[^\W_]+")
_FILLER = frozenset({"a", "an", "the", "and", "of", "for", "to", "in", "with", "on", "implement"})


def _words(title: str) -> set[str]:
    # (a plural is its word: "Users" and "User")
    return {
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
        for w in _WORDS.findall(title.lower())
        if w not in _FILLER
    }


# spec-kit's "User Story 1 - Book-Grounded Q&A (Priority: P1)": the priority is no part of
# the story's name
_PRIORITY = re.compile(r"(?i)\s*\(\s*priority\s*:?\s*p?\d+\s*\)")


def same_title(a: str, b: str) -> bool:
    """Titles that name the same story: most words of the shorter one are in the other."""
    wa, wb = _words(_PRIORITY.sub("", a)), _words(_PRIORITY.sub("", b))
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= 0.8


def _descendants(reqs: Sequence[Requirement], key: str) -> list[Requirement]:
    children: dict[str, list[Requirement]] = defaultdict(list)
    for r in reqs:
        if r.parent_key is not None:
            children[r.parent_key].append(r)
    out: list[Requirement] = []
    todo = list(children.get(key, []))
    while todo:
        r = todo.pop()
        out.append(r)
        todo.extend(children.get(r.key, []))
    return out


def _shard_of(path: str, whole: str) -> bool:
    """Whether ``path`` lies in the folder of ``whole``'s shards: ``docs/prd/requirements.md``
    next to ``docs/prd.md``, ``docs/architecture/api.md`` next to ``docs/architecture.md``
    (a document cut into one file per section, as BMAD's sharding does)."""
    if not whole.endswith(".md"):
        return False
    return path.startswith(whole[: -len(".md")] + "/")


def similar_texts(a: str, b: str) -> bool:
    """Texts that say the same thing, one perhaps revised: most words of the shorter
    one are in the other."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= 0.6


def _settle_shards(
    docs: Sequence[SpecDoc],
    by_path: dict[str, SpecDoc],
    drop: dict[str, set[str]],
    keep_of: dict[str, str],
) -> None:
    """A document and its shards define each item once: ``FR9`` in ``docs/prd.md`` and in
    ``docs/prd/requirements.md`` (the same PRD cut into sections, perhaps edited apart
    since) is one requirement, not two that a citation must choose between. The whole
    document's definition is kept (the shards are cut from it); an item whose texts
    differ in substance (a number reused for something else) stays ambiguous."""
    paths = sorted(by_path)
    pairs = {p: w for p in paths for w in paths if p != w and _shard_of(p, w)}  # shard -> whole
    _settle_story_recaps(docs, drop, keep_of)
    if not pairs:
        return
    whole_ids: dict[tuple[str, str], Requirement] = {}
    for whole in set(pairs.values()):
        for r in by_path[whole].requirements:
            if r.kind is not ReqKind.STORY and r.key not in drop[whole]:
                whole_ids.setdefault((whole, r.id), r)
    for shard, whole in sorted(pairs.items()):
        for r in by_path[shard].requirements:
            kept = whole_ids.get((whole, r.id))
            if kept is None or r.kind is ReqKind.STORY or r.kind is not kept.kind:
                continue
            if not similar_texts(kept.title, r.title):
                continue
            drop[shard].add(r.key)
            keep_of[r.key] = kept.key


def _story_file(doc: SpecDoc) -> bool:
    """A file about one story: the story is its first heading (``# Story 5.6: …``)."""
    first = min((s.location.line for s in doc.sections), default=0)
    return any(r.kind is ReqKind.STORY and r.location.line == first for r in doc.requirements)


def _settle_story_recaps(
    docs: Sequence[SpecDoc], drop: dict[str, set[str]], keep_of: dict[str, str]
) -> None:
    """A story file defines its story, its criteria and its tasks; the product's
    requirements it lists again (``### Existing Performance Standards`` / ``- **NFR2**:
    Signal processing latency <100ms``) are the PRD's, restated for the developer. Where a
    file that is not a story's defines the same id with the same sense, that is the
    definition and the story's line is a mention."""
    others: dict[str, list[Requirement]] = defaultdict(list)
    stories: list[SpecDoc] = []
    for doc in docs:
        if _story_file(doc):
            stories.append(doc)
            continue
        for r in doc.requirements:
            if r.kind is ReqKind.REQUIREMENT and r.key not in drop[doc.path]:
                others[r.id].append(r)
    for doc in stories:
        for r in doc.requirements:
            if r.kind is not ReqKind.REQUIREMENT:
                continue
            same = [o for o in others.get(r.id, []) if similar_texts(o.title, r.title)]
            if same:
                drop[doc.path].add(r.key)
                keep_of[r.key] = min(same, key=lambda o: (o.spec_path, o.location.line)).key


def _lists(doc: SpecDoc, gone: set[str], keep_of: dict[str, str]) -> tuple[SpecLink, ...]:
    """A restated item that an item of the file still holds (a story's "Functional
    Requirements: - FR-03-AC-1: ...") is one that item lists as its own: a ``lists``
    link to the kept definition (it implements nothing; TA001 names the story)."""
    by_key = {r.key: r for r in doc.requirements}
    out: list[SpecLink] = []
    for r in doc.requirements:
        kept = keep_of.get(r.key)
        if r.key not in gone or kept is None:
            continue
        holder = by_key.get(r.parent_key or "")
        while holder is not None and holder.key in gone:
            holder = by_key.get(holder.parent_key or "")
        if holder is None:
            continue
        path, _, ident = kept.rpartition("::")
        target = RefTarget(RefKind.ID, ident, path, ident)
        out.append(SpecLink(holder.key, target, "lists", r.location))
    return tuple(out)


def _same_story(a: Requirement, b: Requirement) -> bool:
    """Two definitions of one story id that are the same story: the same title; a
    summary's list item (a requirement by its form) need only say much the same, since it
    sums the story up in its own words (``US4 - Personalization: Users can set experience
    levels`` and ``User Story 4 - User Personalization (Priority: P4)``)."""
    if a.kind is ReqKind.STORY and b.kind is ReqKind.STORY:
        return same_title(a.title, b.title)
    if a.kind is not ReqKind.STORY and b.kind is not ReqKind.STORY:
        return same_title(a.title, b.title)
    return similar_texts(_PRIORITY.sub("", a.title), _PRIORITY.sub("", b.title))


def settle_definitions(docs: Sequence[SpecDoc]) -> tuple[SpecDoc, ...]:
    """The docs with restated stories (and what they hold) turned into mentions."""
    by_path = {d.path: d for d in docs}
    stories: dict[str, list[Requirement]] = defaultdict(list)
    for doc in docs:
        for r in doc.requirements:
            # (a summary's list item "US1 - Book-Grounded Q&A: Users can ask ..." names the
            # story too, read as a requirement)
            if r.kind is ReqKind.STORY or (
                r.kind is ReqKind.REQUIREMENT and STORY_FAMILY.match(r.id)
            ):
                stories[r.id].append(r)
    drop: dict[str, set[str]] = defaultdict(set)  # path -> keys restated there
    keep_of: dict[str, str] = {}  # dropped key -> the key of the same item in the kept story
    for ident in sorted(stories):
        defs = stories[ident]
        groups: list[list[Requirement]] = []
        for r in sorted(defs, key=lambda r: (r.spec_path, r.location.line)):
            group = next((g for g in groups if _same_story(g[0], r)), None)
            if group is None:
                groups.append([r])
            else:
                group.append(r)
        if len(groups) != 1 or len(groups[0]) < 2:
            continue  # one definition, or a real ambiguity (different titles)

        def rank(r: Requirement) -> tuple[int, int, int, str]:
            doc = by_path[r.spec_path]
            first = min((s.location.line for s in doc.sections), default=0)
            own_file = r.location.line == first
            listed = r.kind is not ReqKind.STORY  # a summary's list item, never the story
            return (int(listed), -int(own_file), -len(_descendants(doc.requirements, r.key)),
                    r.spec_path)  # fmt: skip

        kept = min(groups[0], key=rank)
        kept_items = {
            d.id: d.key for d in _descendants(by_path[kept.spec_path].requirements, kept.key)
        }
        for r in groups[0]:
            if r is kept:
                continue
            drop[r.spec_path].add(r.key)
            keep_of[r.key] = kept.key
            for d in _descendants(by_path[r.spec_path].requirements, r.key):
                if d.id in kept_items:
                    drop[r.spec_path].add(d.key)
                    keep_of[d.key] = kept_items[d.id]
    _settle_shards(docs, by_path, drop, keep_of)
    if not drop:
        return tuple(docs)
    out: list[SpecDoc] = []
    for doc in docs:
        gone = drop.get(doc.path)
        if not gone:
            out.append(doc)
            continue
        reqs = tuple(r for r in doc.requirements if r.key not in gone)
        left = {r.key for r in reqs}
        out.append(
            replace(
                doc,
                requirements=tuple(
                    r
                    if r.parent_key in left or r.parent_key is None
                    else replace(r, parent_key=None)
                    for r in reqs
                ),
                endpoints=tuple(
                    e
                    if e.requirement_key not in gone
                    else replace(e, requirement_key=keep_of.get(e.requirement_key or ""))
                    for e in doc.endpoints
                ),
                links=tuple(link for link in doc.links if link.source_key not in gone)
                + _lists(doc, gone, keep_of),
                mentioned_ids=tuple(
                    sorted({*doc.mentioned_ids, *(r.id for r in doc.requirements if r.key in gone)})
                ),
            )
        )
    return tuple(out)
