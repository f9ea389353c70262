"""Text helpers of the spec parser: GitHub anchors, section numbers, scope headings,
and the flattened block model that ``spec`` builds from markdown-it tokens.

The string functions have no Markdown library behind them, so that other
stages (linking a ``spec.md#anchor`` reference, for one) can use them too.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

# Character categories GitHub keeps in an anchor: letters, marks, numbers and
# connector punctuation (``_``); ``-`` and the space are kept explicitly.
_KEPT_CATEGORIES = frozenset({"L", "M", "N"})  # and Pc, checked apart

# spec-kit heading markers: "## Requirements *(mandatory)*".
_MARKER = re.compile(r"\s*[*_]\([^()]*\)[*_]\s*$")

_NUMBER = re.compile(r"^(?P<num>\d{1,3}(?:\.\d{1,3})*)(?:\.(?=\s|$)|(?=\s|$)|\)\s)")


def _is_pc(ch: str) -> bool:
    return unicodedata.category(ch) == "Pc"


def slugify(title: str) -> str:
    """The GitHub anchor of a heading whose rendered text is ``title``.

    Lower-case; every character that is not a letter, mark, number, connector
    punctuation, ``-`` or space is dropped; each space becomes ``-``.
    ``"What's new?"`` -> ``"whats-new"``, ``"POST /api/v1/x"`` -> ``"post-apiv1x"``.
    """
    out: list[str] = []
    for ch in title.strip().lower():
        if ch == " ":
            out.append("-")
        elif ch == "-" or unicodedata.category(ch)[0] in _KEPT_CATEGORIES or _is_pc(ch):
            out.append(ch)
    return "".join(out)


class AnchorSlugger:
    """De-duplicates anchors within one file the way GitHub (github-slugger) does.

    The first ``Usage`` is ``usage``, the next ``usage-1``, then ``usage-2``.
    """

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def anchor(self, title: str) -> str:
        original = slugify(title)
        result = original
        while result in self._seen:
            self._seen[original] += 1
            result = f"{original}-{self._seen[original]}"
        self._seen[result] = 0
        return result


def unique_anchors(titles: Iterable[str]) -> list[str]:
    """The de-duplicated anchors of a file's headings, in order."""
    slugger = AnchorSlugger()
    return [slugger.anchor(t) for t in titles]


def strip_heading_marker(title: str) -> str:
    """Drop a spec-kit marker such as ``*(mandatory)*`` from the end of raw heading text."""
    return _MARKER.sub("", title)


def section_number(title: str) -> str | None:
    """``"3.2 Refunds"`` / ``"3.2. Refunds"`` / ``"7) Notes"`` -> ``"3.2"`` / ``"7"``; else None."""
    m = _NUMBER.match(title.strip())
    return m["num"] if m else None


def strip_number(title: str) -> str:
    """The title without its leading section number."""
    m = _NUMBER.match(title.strip())
    return title.strip()[m.end() :].strip() if m else title.strip()


def collapse(text: str) -> str:
    """Whitespace runs become one space; the ends are trimmed."""
    return " ".join(text.split())


def heading_matches(title: str, phrases: Iterable[str]) -> bool:
    """Whether a heading title names one of ``phrases`` (out-of-scope headings and the like).

    The title is lower-cased and its number dropped. A phrase matches at the start
    of the title (``"Future Enhancements"`` for ``future``); a phrase of several
    words, or one with a hyphen, also matches anywhere on word boundaries
    (``"Features out of scope"``). ``"Futures API"`` does not match ``future``. Inside
    a title, a hyphenated phrase followed by a word qualifies that word and marks nothing:
    ``"User Story 3 - Handle Unclear/Out-of-Scope Questions"`` is a story about such
    questions, not an exclusion.
    """
    norm = collapse(strip_number(title).lower().replace("’", "'"))
    for phrase in phrases:
        p = collapse(phrase.lower())
        if not p:
            continue
        pattern = re.escape(p)
        if re.match(rf"{pattern}(?![\w])", norm):
            return True
        if " " in p or "-" in p:
            for m in re.finditer(rf"(?<![\w-]){pattern}(?![\w-])", norm):
                if "-" in m.group(0) and re.match(r"\s+\w", norm[m.end() :]):
                    continue  # "out-of-scope questions": an adjective
                return True
    return False


def cap(text: str, limit: int = 2000) -> str:
    """``text`` trimmed and cut to ``limit`` characters (with an ellipsis when cut)."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------
# Flattened Markdown blocks (built by spec._read_blocks)
# --------------------------------------------------------------------------


@dataclass(slots=True)
class Line:
    """One source line of a paragraph, markup stripped."""

    line: int
    plain: str
    lead_bold: str | None  # the text of a bold span that opens the line
    codes: tuple[str, ...]  # inline code spans on the line
    item: int | None  # innermost list item holding the line
    para: int  # paragraph number
    first_of_item: bool  # the first line of its list item


@dataclass(slots=True)
class Heading:
    level: int
    line: int
    raw_title: str  # rendered text, for the anchor
    title: str  # whitespace collapsed
    lead_bold: str | None
    end: int = 0  # last line of its section (subsections included)
    body_end: int = 0  # last line before the next heading of any level
    parent: int | None = None
    path: tuple[str, ...] = ()
    anchor: str = ""


@dataclass(slots=True)
class Item:
    start: int
    end: int
    number: str | None  # "3" for an ordered item
    parent: int | None
    group: int = -1  # the list it belongs to (items of one list share it)


@dataclass(slots=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]


@dataclass(slots=True)
class Fence:
    info: str
    lines: list[tuple[int, str]]


@dataclass(slots=True)
class Blocks:
    n_lines: int
    headings: list[Heading] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    fences: list[Fence] = field(default_factory=list)
    plain: dict[int, str] = field(default_factory=dict)  # 1-based line -> text


def link_sections(blocks: Blocks) -> None:
    """Fill in each heading's section end, parent, path and anchor."""
    heads = blocks.headings
    stack: list[int] = []
    slugger = AnchorSlugger()
    for k, head in enumerate(heads):
        while stack and heads[stack[-1]].level >= head.level:
            heads[stack.pop()].end = head.line - 1
        head.parent = stack[-1] if stack else None
        parent_path = heads[head.parent].path if head.parent is not None else ()
        head.path = (*parent_path, head.title)
        head.anchor = slugger.anchor(head.raw_title)
        head.body_end = heads[k + 1].line - 1 if k + 1 < len(heads) else blocks.n_lines
        stack.append(k)
    for k in stack:
        heads[k].end = blocks.n_lines


class SectionIndex:
    """The innermost section holding a line: the last heading at or before it."""

    def __init__(self, headings: list[Heading]) -> None:
        self._lines = [h.line for h in headings]

    def at(self, line: int) -> int | None:
        k = bisect.bisect_right(self._lines, line) - 1
        return k if k >= 0 else None


def paragraphs(blocks: Blocks) -> list[list[Line]]:
    """The paragraph lines of a file, grouped by paragraph, in order."""
    groups: dict[int, list[Line]] = {}
    for ln in blocks.lines:
        groups.setdefault(ln.para, []).append(ln)
    return list(groups.values())


def body_text(blocks: Blocks, start: int, end: int) -> str:
    lines = (blocks.plain.get(n, "") for n in range(start, end + 1))
    return cap("\n".join(x for x in lines if x.strip()))


def paint(ranges: list[tuple[int, int]], n_lines: int) -> list[int]:
    """Line -> index of the innermost range holding it (-1: none).

    Ranges are nested or disjoint; painting outer ones first leaves the inner
    one on each line.
    """
    owner = [-1] * (n_lines + 2)
    order = sorted(range(len(ranges)), key=lambda k: (ranges[k][0], -ranges[k][1]))
    for k in order:
        start, end = ranges[k]
        start, end = max(start, 0), min(end, n_lines + 1)
        owner[start : end + 1] = [k] * max(0, end - start + 1)
    return owner
