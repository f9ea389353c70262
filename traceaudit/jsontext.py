"""JSON text exactly as ``json.dumps(value, indent=N, ensure_ascii=False)`` writes it, faster.

With ``indent`` set, the standard library gives up its C encoder for the pure-Python
one, a generator per container level: every leaf is yielded up through every level
above it, so a report of 100,000 routes (20 million leaves and separators) takes tens
of seconds. :func:`dumps_indented` lays out the same text with a plain recursive walk
over the containers, one list of parts, and the C encoder for every string.

The output is byte-identical to ``json.dumps`` for every value that function accepts
with these settings (``skipkeys=False``, ``allow_nan=True``, ``sort_keys=False``, the
default separators): the same type tests in the same order (``str`` subclasses are
strings, ``int`` and ``float`` subclasses are written by ``int.__repr__`` and
``float.__repr__``, ``NaN``/``Infinity`` as JavaScript names), the same key
conversions (``float``, ``True``, ``False``, ``None``, ``int`` keys), ``{}`` and
``[]`` for empty containers, and ``TypeError`` for anything else. What it does not
repeat is the circular-reference check: a container that holds itself exhausts the
recursion limit instead (``RecursionError`` rather than ``ValueError``); the reports
are trees. ``tests/test_jsontext.py`` compares the two, on every fixture's reports and
on generated values.
"""

from __future__ import annotations

import json.encoder
from typing import Any

__all__ = ["dumps_indented"]

# The C implementation when the interpreter has it (CPython does); the same text either way.
_encode_str = json.encoder.encode_basestring
_INF = float("inf")
_int_repr = int.__repr__
_float_repr = float.__repr__


def _float_text(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INF:
        return "Infinity"
    if value == -_INF:
        return "-Infinity"
    return _float_repr(value)


def _key_text(key: Any) -> str:
    """A dict key as json writes it (already JSON-encoded, quotes included)."""
    if isinstance(key, str):
        return _encode_str(key)
    if isinstance(key, float):
        return _encode_str(_float_text(key))
    if key is True:
        return '"true"'
    if key is False:
        return '"false"'
    if key is None:
        return '"null"'
    if isinstance(key, int):
        return _encode_str(_int_repr(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def _leaf_text(value: Any) -> str | None:
    """A non-container value as json writes it, or None for a list, tuple or dict
    (the type tests of ``json.encoder._make_iterencode``, in its order)."""
    if isinstance(value, str):
        return _encode_str(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return _int_repr(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, (list, tuple, dict)):
        return None
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def dumps_indented(value: Any, indent: int = 2) -> str:
    """``json.dumps(value, indent=indent, ensure_ascii=False)``, byte for byte."""
    step = " " * indent
    newlines: list[str] = ["\n"]  # newlines[level]: a line break and level's indentation
    parts: list[str] = []
    append = parts.append
    encode_str = _encode_str
    int_repr = _int_repr

    def newline(level: int) -> str:
        while len(newlines) <= level:
            newlines.append(newlines[-1] + step)
        return newlines[level]

    def container(obj: Any, level: int) -> None:
        # ``obj`` is a list, tuple or dict (or a subclass); appends its text to ``parts``
        inner = newline(level + 1)
        sep = "," + inner
        if isinstance(obj, dict):
            if not obj:
                append("{}")
                return
            append("{" + inner)
            first = True
            for key, item in obj.items():
                head = (
                    encode_str(key) if key.__class__ is str else _key_text(key)
                ) + ": "
                if first:
                    first = False
                else:
                    head = sep + head
                kind = item.__class__
                if kind is str:
                    append(head + encode_str(item))
                elif item is None:
                    append(head + "null")
                elif item is True:
                    append(head + "true")
                elif item is False:
                    append(head + "false")
                elif kind is int:
                    append(head + int_repr(item))
                else:
                    leaf = _leaf_text(item)
                    if leaf is None:
                        append(head)
                        container(item, level + 1)
                    else:
                        append(head + leaf)
            append(newline(level) + "}")
            return
        if not obj:
            append("[]")
            return
        append("[" + inner)
        first = True
        for item in obj:
            if first:
                first = False
            else:
                append(sep)
            kind = item.__class__
            if kind is str:
                append(encode_str(item))
            elif item is None:
                append("null")
            elif item is True:
                append("true")
            elif item is False:
                append("false")
            elif kind is int:
                append(int_repr(item))
            else:
                leaf = _leaf_text(item)
                if leaf is None:
                    container(item, level + 1)
                else:
                    append(leaf)
        append(newline(level) + "]")

    top = _leaf_text(value)
    if top is not None:
        return top
    container(value, 0)
    return "".join(parts)
