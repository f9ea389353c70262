"""What CPython's tokenizer and compiler refuse, found before any recursive parser runs.

LibCST accepts files CPython does not, and its native parser recurses once per
nesting level: 1,300 nested brackets overflow the C stack. This scan finds, in
one linear pass over the text (strings and comments skipped), the first of:

- a NUL byte ("source code cannot contain null bytes");
- more than 200 nested brackets ("too many nested parentheses", CPython's MAXLEVEL);
- 100 levels of indentation ("too many levels of indentation", MAXINDENT);
- more than 20 nested ``for``/``while``/``with``/``try`` blocks in one function
  ("too many statically nested blocks", CO_MAXBLOCKS). ``except`` and
  ``finally`` bodies add blocks too; they are not counted, so this never
  refuses what CPython compiles, it may only let through a few that it does not.

It gives CPython's message and line, so the file is a TA000 where CPython would
point. Cheap counts decide first whether a full scan is needed at all, and which
parts of it: the line-by-line checks (indentation, blocks) run only when the file
has lines indented to 100 levels' width or block headers at more than 20 distinct
widths, which those errors need; otherwise only brackets are followed.
"""

from __future__ import annotations

import re
from itertools import accumulate

MAX_NESTING = 200
MAX_INDENT = 100
MAX_BLOCKS = 20

_SPECIAL = re.compile(r"[\n#\\()\[\]{}'\"]")
_PREFIX = re.compile(r"(?i)(?<![\w])[rbuft]{1,3}\Z")
_DEEP_INDENT = re.compile(rf"^[ \t\f]{{{MAX_INDENT},}}\S", re.M)
_BLOCK_WORD = re.compile(r"\b(?:for|while|with|try)\b")
_HEADER = re.compile(r"(?:async[ \t]+)?(for|while|with|try|def|class)\b")
_BLANK = re.compile(r"[ \t\f]*(?:#[^\n]*)?(?:\n|\Z)")
_NOT_BRACKET = re.compile(r"[#\\'\"]")
_BRACKET = re.compile(r"[()\[\]{}]")
_STEP = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}
# on "\n" + source: each match starts a physical line (a literal first character
# lets the regex engine jump from line to line)
_LEADING = re.compile(r"\n([ \t\f]+)")
_HEADER_LINE = re.compile(r"\n([ \t\f]*)(?:async[ \t]+)?(?:for|while|with|try)\b")


def cpython_refusal(source: str) -> tuple[int, int, str] | None:
    """(1-based line, 1-based column, CPython's message) for the first such problem.

    ``source`` has LF line endings (``scan_module`` normalised them).

    A file with more than 200 opening brackets, a line indented by 100 blanks or more
    than 20 block keywords is scanned (:func:`_scan`); any other file is not. The order
    below gives that result while doing less: the line-by-line checks can fail only
    where :func:`_lines_may_fail` says so, and brackets only past 200 of them.
    """
    nul = source.find("\x00")
    if nul >= 0:
        return _line(source, nul), _col(source, nul), "source code cannot contain null bytes"
    brackets = source.count("(") + source.count("[") + source.count("{")
    if not _lines_may_fail(source):
        # no logical line can fail: only brackets can, and only with more than 200
        return _brackets(source) if brackets > MAX_NESTING else None
    deep = _DEEP_INDENT.search(source) is not None
    blocks = len(_BLOCK_WORD.findall(source)) > MAX_BLOCKS
    if brackets <= MAX_NESTING and not deep and not blocks:
        return None
    return _scan(source)


def _width(indent: str) -> int:
    """The width of an indentation, as :func:`_logical_line` counts it."""
    if "\t" not in indent and "\f" not in indent:
        return len(indent)
    width = 0
    for c in indent:
        width = (width // 8 + 1) * 8 if c == "\t" else 0 if c == "\f" else width + 1
    return width


def _lines_may_fail(source: str) -> bool:
    """Whether :func:`_logical_line` could report anything on this file.

    100 levels of indentation need a line at least 100 wide; more than 20 open block
    headers need that many headers at strictly increasing widths. Every logical line
    starts a physical line, so the physical lines bound both (lines inside strings only
    add candidates)."""
    text = "\n" + source
    if "\t" in source or "\f" in source:
        if any(_width(w) >= MAX_INDENT for w in set(_LEADING.findall(text))):
            return True
    elif "\n" + " " * MAX_INDENT in text:
        return True
    headers = {_width(w) for w in set(_HEADER_LINE.findall(text))}
    return len(headers) > MAX_BLOCKS


def _line(source: str, at: int) -> int:
    return source.count("\n", 0, at) + 1


def _col(source: str, at: int) -> int:
    return at - (source.rfind("\n", 0, at) + 1) + 1


def _string_end(source: str, start: int, quote: str) -> int:
    """Index after the string whose opening quote(s) end at ``start``."""
    n = len(source)
    if len(quote) == 3:
        i = start
        while True:
            j = source.find(quote, i)
            if j < 0:
                return n
            k = j
            while k > start and source[k - 1] == "\\":
                k -= 1
            if (j - k) % 2 == 0:
                return j + 3
            i = j + 1
    i = start
    while i < n:
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if c == quote or c == "\n":
            return i + 1
        i += 1
    return n


def _scan(source: str) -> tuple[int, int, str] | None:
    """Tokenizer errors (brackets, indentation) anywhere win over a compiler error
    (nested blocks) earlier in the file, as in CPython, which parses before it compiles."""
    blocks: list[tuple[int, int, str]] = []
    found = _tokens(source, blocks)
    return found if found is not None else (blocks[0] if blocks else None)


def _string_at(source: str, at: int, c: str, depth: int) -> int:
    """Where the string that quote ``c`` at ``at`` opens ends (``at + 1`` when the quote
    opens no string), or -1 when the replacement fields of an f- or t-string take the
    nesting, from ``depth``, past 200. Shared by :func:`_tokens` and :func:`_brackets`."""
    quote = source[at : at + 3] if source.startswith(c * 3, at) else c
    if _PREFIX.search(source, max(0, at - 3), at) is None and at > 0 and (
        source[at - 1].isalnum() or source[at - 1] == "_"
    ):
        return at + 1  # not a string start (cannot happen in valid code)
    end = _string_end(source, at + len(quote), quote)
    prefix = source[max(0, at - 3) : at].lower()
    fields = "f" in prefix or "t" in prefix  # brackets of the replacement fields count
    if fields and depth + _fstring_depth(source, at + len(quote), end - len(quote)) > MAX_NESTING:
        return -1
    return end


def _tokens(source: str, blocks: list[tuple[int, int, str]]) -> tuple[int, int, str] | None:
    depth = 0
    line = 1
    indents = [0]
    headers: list[tuple[int, str]] = []  # (indentation, "block" | "scope") of open headers
    pos = 0
    logical_start = True  # at the start of a logical line
    n = len(source)
    while pos <= n:
        if logical_start and depth == 0:
            logical_start = False
            found = _logical_line(source, pos, line, indents, headers)
            if found is not None and found[2] == "too many statically nested blocks":
                if not blocks:
                    blocks.append(found)
            elif found is not None:
                return found
        m = _SPECIAL.search(source, pos)
        if m is None:
            return None
        c = m.group()
        at = m.start()
        if c == "\n":
            line += 1
            pos = at + 1
            logical_start = True
        elif c == "#":
            end = source.find("\n", at)
            pos = n if end < 0 else end
        elif c == "\\":
            if source.startswith("\n", at + 1):
                line += 1
            pos = at + 2
        elif c in "([{":
            depth += 1
            if depth > MAX_NESTING:
                return line, at - (source.rfind("\n", 0, at) + 1) + 1, "too many nested parentheses"
            pos = at + 1
        elif c in ")]}":
            depth = max(0, depth - 1)
            pos = at + 1
        else:  # a quote: a string, with or without a prefix
            end = _string_at(source, at, c, depth)
            if end < 0:
                return line, at - (source.rfind("\n", 0, at) + 1) + 1, (
                    "too many nested parentheses"
                )
            line += source.count("\n", at, end)
            pos = end
    return None


def _brackets(source: str) -> tuple[int, int, str] | None:
    """:func:`_tokens` without the line-by-line checks: the first bracket nesting past
    200, with the same reading of strings, comments and continuations. The brackets
    between two other special characters are taken a run at a time."""
    depth = 0
    pos = 0
    n = len(source)
    search = _NOT_BRACKET.search
    while pos <= n:
        m = search(source, pos)
        stop = n if m is None else m.start()
        if stop > pos:
            depth, found = _bracket_run(source, pos, stop, depth)
            if found is not None:
                return found
        if m is None:
            return None
        c = m.group()
        at = stop
        if c == "#":
            end = source.find("\n", at)
            pos = n if end < 0 else end
        elif c == "\\":
            pos = at + 2
        else:  # a quote: a string, with or without a prefix
            end = _string_at(source, at, c, depth)
            if end < 0:
                return _line(source, at), _col(source, at), "too many nested parentheses"
            pos = end
    return None


def _bracket_run(
    source: str, start: int, stop: int, depth: int
) -> tuple[int, tuple[int, int, str] | None]:
    """The depth after the brackets of ``source[start:stop]`` (no other special
    character in it), and the first nesting past 200 there.

    The depth never goes below 0 (a stray closing bracket is ignored): that is the
    clamped walk ``D_j = max(D_j-1 + step, 0)``, whose end is ``P - min(-depth, min P_j)``
    over the prefix sums ``P_j`` of the steps."""
    count = source.count
    opens = count("(", start, stop) + count("[", start, stop) + count("{", start, stop)
    if depth + opens > MAX_NESTING:  # it may pass 200 here: follow it bracket by bracket
        for m in _BRACKET.finditer(source, start, stop):
            if m.group() in "([{":
                depth += 1
                if depth > MAX_NESTING:
                    at = m.start()
                    found = (_line(source, at), _col(source, at), "too many nested parentheses")
                    return depth, found
            else:
                depth = max(0, depth - 1)
        return depth, None
    closes = count(")", start, stop) + count("]", start, stop) + count("}", start, stop)
    if closes <= depth:
        return depth + opens - closes, None
    lowest = min(accumulate(map(_STEP.__getitem__, _BRACKET.findall(source, start, stop))))
    return opens - closes - min(-depth, lowest), None


def _fstring_depth(source: str, start: int, end: int) -> int:
    """The deepest ( and [ nesting in an f-string's text (braces are ambiguous there)."""
    deepest = depth = 0
    for c in source[start:end]:
        if c in "([":
            depth += 1
            deepest = max(deepest, depth)
        elif c in ")]":
            depth = max(0, depth - 1)
    return deepest


def _logical_line(
    source: str, pos: int, line: int, indents: list[int], headers: list[tuple[int, str]]
) -> tuple[int, int, str] | None:
    """Check the indentation and block nesting of the logical line starting at ``pos``."""
    if _BLANK.match(source, pos):
        return None
    width = 0
    i = pos
    while i < len(source) and source[i] in " \t\f":
        width = (width // 8 + 1) * 8 if source[i] == "\t" else 0 if source[i] == "\f" else width + 1
        i += 1
    if width > indents[-1]:
        indents.append(width)
        if len(indents) - 1 >= MAX_INDENT:
            return line, 1, "too many levels of indentation"
    else:
        while len(indents) > 1 and indents[-1] > width:
            indents.pop()
    while headers and headers[-1][0] >= width:
        headers.pop()
    head = _HEADER.match(source, i)
    if head is None:
        return None
    kind = "scope" if head.group(1) in ("def", "class") else "block"
    headers.append((width, kind))
    if kind == "block":
        count = 0
        for _, k in reversed(headers):
            if k == "scope":
                break
            count += 1
        if count > MAX_BLOCKS:
            return line, width + 1, "too many statically nested blocks"
    return None
