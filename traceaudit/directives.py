"""The inline suppression directive, as written in Python comments and Markdown comments::

    # traceaudit: ignore[TA002] -- health probe for the load balancer
    # traceaudit: ignore[TA002, TA009] -- reason
    # traceaudit: ignore-file[TA003] -- generated client, references are examples
    <!-- traceaudit: ignore[TA001] -- delivered by the mobile app -->

The rules are codes or names; the reason after ``--`` is mandatory. This module only
reads the words; which lines a directive covers is decided where the file is read
(``pysource``, ``specs``), and which findings it suppresses by ``policy``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MARKER = "traceaudit:"

_DIRECTIVE = re.compile(
    r"traceaudit:\s*(?P<verb>ignore-file|ignore)\b\s*"
    r"(?:\[(?P<rules>[^\]]*)\])?"
    r"\s*(?P<rest>.*?)\s*$"
)
_SEPARATOR = re.compile(r"(?:--|—|–)\s*")
_RULE = re.compile(r"[A-Za-z][A-Za-z0-9-]*")


@dataclass(frozen=True, slots=True)
class Directive:
    whole_file: bool
    rules: tuple[str, ...]
    reason: str
    column: int  # 1-based column of "traceaudit:" in the text given


def parse_directive(text: str, column: int = 1) -> Directive | None:
    """The directive in one comment's text (without ``#`` or ``<!-- -->``), or None.

    ``column`` is where ``text`` starts on its line; the directive's own column is
    added to it. A directive without rules keeps ``rules=()`` so that the caller
    reports it instead of suppressing everything.
    """
    at = text.find(MARKER)
    if at < 0:
        return None
    match = _DIRECTIVE.match(text, at)
    if match is None:
        return None
    rules = tuple(_RULE.findall(match["rules"] or ""))
    rest = match["rest"]
    separator = _SEPARATOR.match(rest)
    # the reason follows "--"; words without it are not taken as one
    reason = " ".join(rest[separator.end() :].split()) if separator else ""
    return Directive(match["verb"] == "ignore-file", rules, reason, column + at)
