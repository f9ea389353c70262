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
point. Cheap counts decide first whether a full scan is needed at all.
"""

from __future__ import annotations

import re

MAX_NESTING = 200
MAX_INDENT = 100
MAX_BLOCKS = 20

_SPECIAL = re.compile(r"[\n#\\()\[\]{}'\"]")
_PREFIX = re.compile(r"(?i)(?<![\w])[rbuft]{1,3}\Z")
_DEEP_INDENT = re.compile(rf"^[ \t\f]{{{MAX_INDENT},}}\S", re.M)
_BLOCK_WORD = re.compile(r"\b(?:for|while|with|try)\b")
_HEADER = re.compile(r"(?:async[ \t]+)?(for|while|with|try|def|class)\b")
_BLANK = re.compile(r"[ \t\f]*(?:#[^\n]*)?(?:\n|\Z)")


def cpython_refusal(source: str) -> tuple[int, int, str] | None:
    """(1-based line, 1-based column, CPython's message) for the first such problem.

    ``source`` has LF line endings (``scan_module`` normalised them).
    """
    nul = source.find("\x00")
    if nul >= 0:
        return _line(source, nul), _col(source, nul), "source code cannot contain null bytes"
    brackets = source.count("(") + source.count("[") + source.count("{")
    deep = _DEEP_INDENT.search(source) is not None
    blocks = len(_BLOCK_WORD.findall(source)) > MAX_BLOCKS
    if brackets <= MAX_NESTING and not deep and not blocks:
        return None
    return _scan(source)


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
            quote = source[at : at + 3] if source.startswith(c * 3, at) else c
            if _PREFIX.search(source, max(0, at - 3), at) is None and at > 0 and (
                source[at - 1].isalnum() or source[at - 1] == "_"
            ):
                pos = at + 1  # not a string start (cannot happen in valid code)
                continue
            end = _string_end(source, at + len(quote), quote)
            prefix = source[max(0, at - 3) : at].lower()
            if "f" in prefix or "t" in prefix:  # brackets of the replacement fields count
                inner = depth + _fstring_depth(source, at + len(quote), end - len(quote))
                if inner > MAX_NESTING:
                    return line, at - (source.rfind("\n", 0, at) + 1) + 1, (
                        "too many nested parentheses"
                    )
            line += source.count("\n", at, end)
            pos = end
    return None


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
