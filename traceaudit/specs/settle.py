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

from traceaudit.model import ReqKind, Requirement, SpecDoc

__all__ = ["settle_definitions"]

_WORDS = re.compile(r"[^\W_]+")
_FILLER = frozenset({"a", "an", "the", "and", "of", "for", "to", "in", "with", "on", "implement"})


def _words(title: str) -> set[str]:
    return {w for w in _WORDS.findall(title.lower()) if w not in _FILLER}


def same_title(a: str, b: str) -> bool:
    """Titles that name the same story: most words of the shorter one are in the other."""
    wa, wb = _words(a), _words(b)
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


def settle_definitions(docs: Sequence[SpecDoc]) -> tuple[SpecDoc, ...]:
    """The docs with restated stories (and what they hold) turned into mentions."""
    by_path = {d.path: d for d in docs}
    stories: dict[str, list[Requirement]] = defaultdict(list)
    for doc in docs:
        for r in doc.requirements:
            if r.kind is ReqKind.STORY:
                stories[r.id].append(r)
    drop: dict[str, set[str]] = defaultdict(set)  # path -> keys restated there
    keep_of: dict[str, str] = {}  # dropped key -> the key of the same item in the kept story
    for ident in sorted(stories):
        defs = stories[ident]
        groups: list[list[Requirement]] = []
        for r in sorted(defs, key=lambda r: (r.spec_path, r.location.line)):
            group = next((g for g in groups if same_title(g[0].title, r.title)), None)
            if group is None:
                groups.append([r])
            else:
                group.append(r)
        if len(groups) != 1 or len(groups[0]) < 2:
            continue  # one definition, or a real ambiguity (different titles)

        def rank(r: Requirement) -> tuple[int, int, str]:
            doc = by_path[r.spec_path]
            first = min((s.location.line for s in doc.sections), default=0)
            own_file = r.location.line == first
            return (-int(own_file), -len(_descendants(doc.requirements, r.key)), r.spec_path)

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
                    r if r.parent_key in left or r.parent_key is None
                    else replace(r, parent_key=None)
                    for r in reqs
                ),
                endpoints=tuple(
                    e
                    if e.requirement_key not in gone
                    else replace(e, requirement_key=keep_of.get(e.requirement_key or ""))
                    for e in doc.endpoints
                ),
                links=tuple(link for link in doc.links if link.source_key not in gone),
                mentioned_ids=tuple(
                    sorted({*doc.mentioned_ids, *(r.id for r in doc.requirements if r.key in gone)})
                ),
            )
        )
    return tuple(out)
