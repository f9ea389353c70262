"""A Python file's bytes -> its text, decoded as CPython's tokenizer decodes it.

PEP 263: a coding declaration counts only on line 1 or 2 (a BOM means UTF-8). A
file declared in another encoding is decoded with that codec, strictly, as
CPython does. A UTF-8 file (declared or not) is *not* decoded as a whole by
CPython: its tokenizer skips comments without decoding them and checks UTF-8
only where a token needs it (names, strings, numbers). So invalid UTF-8 inside a
comment compiles; anywhere else it is a ``SyntaxError (unicode error)``. The same
rule here: the bytes CPython never decodes become U+FFFD (they are in comments,
so no fact and no line number changes), and any other invalid byte is an error
with CPython's line.

Never raises anything but :class:`SourceDecodeError`.
"""

from __future__ import annotations

import codecs
import io
import re
import tokenize
from bisect import bisect_right

_LINE_END = re.compile(r"\r\n|\r|\n")
_UTF8 = frozenset({"utf-8", "utf-8-sig"})
_ESCAPED = re.compile("[\udc80-\udcff]")


class SourceDecodeError(Exception):
    """CPython would not decode this file: ``message`` at ``line`` (1-based)."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = max(1, line)


def decode_source(data: bytes) -> str:
    """The text of a Python file, or :class:`SourceDecodeError` where CPython refuses it."""
    encoding = source_encoding(data)
    try:
        return data.decode(encoding)
    except (UnicodeError, LookupError) as exc:
        if encoding not in _UTF8:
            raise SourceDecodeError(f"cannot decode source: {exc}") from None
    return _utf8_with_comments(data, encoding)


_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_BLANK = re.compile(rb"^[ \t\f]*(?:[#\r\n]|$)")
_FIRST_LINES = re.compile(rb"([^\r\n]*)(?:\r\n|\r|\n)?([^\r\n]*)")


def source_encoding(data: bytes) -> str:
    """The codec CPython decodes ``data`` with: ``utf-8-sig`` after a BOM, else the PEP 263
    declaration on line 1 (or on line 2 when line 1 is blank or a comment; lines end at
    LF, CRLF or CR), normalised as CPython normalises it, else ``utf-8``."""
    bom = data.startswith(b"\xef\xbb\xbf")
    first = _FIRST_LINES.match(data, 3 if bom else 0)
    assert first is not None  # the pattern matches the empty string
    cookie = None
    for k, line in enumerate(first.groups()):
        found = _COOKIE.match(line)
        if found:
            cookie = _normal_name(found[1].decode("ascii", "replace"))
            break
        if k == 0 and not _BLANK.match(line):
            break
    if cookie is None:
        return "utf-8-sig" if bom else "utf-8"
    if cookie == "utf-8":
        return "utf-8-sig" if bom else "utf-8"
    if bom:
        raise SourceDecodeError(f"cannot decode source: encoding problem: {cookie} with BOM")
    try:
        codecs.lookup(cookie)
    except LookupError:
        raise SourceDecodeError(f"cannot decode source: unknown encoding: {cookie}") from None
    return cookie


def _normal_name(name: str) -> str:
    """CPython's ``get_normal_name``: the spellings of UTF-8 and Latin-1 it knows."""
    head = name[:12].lower().replace("_", "-")
    if head == "utf-8" or head.startswith("utf-8-"):
        return "utf-8"
    for latin in ("latin-1", "iso-8859-1", "iso-latin-1"):
        if head == latin or head.startswith(latin + "-"):
            return "iso-8859-1"
    return name


def _utf8_with_comments(data: bytes, encoding: str) -> str:
    """UTF-8 text whose invalid bytes CPython never decodes (they are in comments)."""
    text = data.decode(encoding, "surrogateescape")  # an invalid byte -> one lone surrogate
    bad = [(m.start(), ord(m[0]) - 0xDC00) for m in _ESCAPED.finditer(text)]
    text = _ESCAPED.sub("\ufffd", text)
    starts = [0, *(m.end() for m in _LINE_END.finditer(text))]
    comments = _comment_spans(text)
    for offset, byte in bad:
        line = bisect_right(starts, offset)
        col = offset - starts[line - 1]
        spans = comments.get(line) if comments is not None else None
        if spans is None or not any(start <= col < end for start, end in spans):
            raise SourceDecodeError(
                f"cannot decode source: (unicode error) 'utf-8' codec can't decode byte "
                f"0x{byte:02x} on line {line}",
                line,
            )
    return text


def _comment_spans(text: str) -> dict[int, list[tuple[int, int]]] | None:
    """Where the comments are: line -> [(start column, end column)]; None when the text
    does not tokenize (CPython would refuse it anyway, so its bytes decide nothing)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    spans: dict[int, list[tuple[int, int]]] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(lines).readline):
            if tok.type == tokenize.COMMENT:
                spans.setdefault(tok.start[0], []).append((tok.start[1], tok.end[1]))
    except (tokenize.TokenError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return spans
