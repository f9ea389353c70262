"""markdown-it-py block tokens -> the flattened blocks every spec reader works on.

:func:`read_blocks` turns a document's tokens into headings, paragraph lines
(markup stripped, 1-based line), list items, tables and code blocks
(:class:`~traceaudit.specs.text.Blocks`). Everything after this works on those
small records, never on tokens.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from traceaudit.specs.text import (
    Blocks,
    Fence,
    Heading,
    Item,
    Line,
    Table,
    collapse,
    strip_heading_marker,
)


def _span(tok: Token, default: int) -> tuple[int, int]:
    """1-based first and last line of a block token."""
    if tok.map is None:
        return default, default
    start = tok.map[0] + 1
    return start, max(start, tok.map[1])


_WORD = re.compile(r"\w+")
_SUFFIX_AFTER = re.compile(r"\.[A-Za-z]")


def _file_name_emphasis(children: Sequence[Token], k: int) -> int | None:
    """The index of the closing token when the underscore emphasis opened at ``k`` is
    part of a file name, not emphasis: ``__init__.py``, ``pkg/__main__.py``. CommonMark
    reads ``__init__`` there as bold "init"; a reader reads a dunder file. The emphasis
    holds one word and is followed by a file suffix or follows a slash."""
    tok = children[k]
    if tok.markup not in ("_", "__"):
        return None
    close = tok.type.replace("_open", "_close")
    depth = 0
    for j in range(k + 1, len(children)):
        kind = children[j].type
        if kind == tok.type:
            depth += 1
        elif kind == close:
            if depth:
                depth -= 1
                continue
            inner = children[k + 1 : j]
            if not (inner and all(t.type == "text" for t in inner)):
                return None
            if not _WORD.fullmatch("".join(t.content for t in inner)):
                return None
            before = children[k - 1].content if k and children[k - 1].type == "text" else ""
            after = children[j + 1] if j + 1 < len(children) else None
            text_after = after.content if after is not None and after.type == "text" else ""
            suffix = _SUFFIX_AFTER.match(text_after)
            if before.endswith("/") or suffix:
                return j
            return None
    return None


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

    literal: set[int] = set()  # underscore "emphasis" that is part of a file name
    for k, child in enumerate(children):
        kind = child.type
        if kind in ("softbreak", "hardbreak"):
            flush()
            continue
        if kind in ("strong_open", "em_open") and (end := _file_name_emphasis(children, k)):
            literal.add(end)
            kind = "text"
        if k in literal:
            kind = "text"
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
            text = child.content or child.markup
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


def read_blocks(tokens: Sequence[Token], n_lines: int) -> Blocks:
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


# markdown-it's commonmark preset stops parsing at 20 nested blocks and silently drops
# the rest of the file (a 2,000-deep list lost every requirement after it). CommonMark
# sets no limit; the block parser recurses a few frames per level, which the worker's
# stack budget (traceaudit.sandbox) covers, and a file that still reaches the limit is
# a TA000 (specs/markdown.py), never a silent loss. A list level is two nesting levels.
MAX_NESTING = 10_000
# Inline nesting keeps the preset's limit: past it markdown-it keeps the text as text
# (nothing is lost), and a higher one makes nested link brackets super-linear
# (20,000 `[` took 210 s).
INLINE_NESTING = 20
_INLINE = MarkdownIt("commonmark", {"maxNesting": INLINE_NESTING})


def _inline(state: StateCore) -> None:
    """markdown-it's core ``inline`` rule, with the inline nesting limit."""
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            _INLINE.inline.parse(token.content, _INLINE, state.env, token.children)


MD = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable("table")
MD.core.ruler.at("inline", _inline)
